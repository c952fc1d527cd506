use checklist_md::{checklist, Actor};

checklist!(pub Release, inline "
- [ ] Tests pass
- [ ] QA Approval: ____
");

fn main() {
    let mut run = Release::new_state();
    let _ = run.complete(Release::items().qa_approval, &Actor::new("qa"));
}
