use checklist_md::{checklist, Actor};

checklist!(pub Release, inline "
- [ ] Tests pass
- [ ] QA Approval: ____
");

fn main() {
    let mut run = Release::new_state();
    let _ = run.approve(Release::items().tests_pass, &Actor::new("qa").with_role("qa"), None);
}
