use checklist_md::{checklist, Actor};

checklist!(pub Release, inline "
- [ ] Tests pass
- [ ] Release notes: ____
");

fn main() {
    let mut run = Release::new_state();
    let _ = run.fill(Release::items().tests_pass, &Actor::new("ci"), "done".to_string());
}
