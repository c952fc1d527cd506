use checklist_md::{checklist, Actor};

checklist!(pub Release, inline "- [ ] Tests pass\n");
checklist!(pub Rollback, inline "- [ ] Previous build restored\n");

fn main() {
    let mut run = Release::new_state();
    let _ = run.complete(Rollback::items().previous_build_restored, &Actor::new("ops"));
}
