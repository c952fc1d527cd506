use checklist_md::{checklist, Actor};

checklist!(pub Release, inline "+++
[checks.tests-pass]
run = \"cargo test\"
+++
- [ ] Tests pass
- [ ] Notes written
");

fn main() {
    let mut run = Release::new_state();
    let ok = checklist_md::check::from_fn(|_| Ok::<_, String>(String::new()));
    // A task with a check verifies; one without has no check to run.
    let _ = run.verify(Release::items().tests_pass, &Actor::new("ci"), &ok);
    let _ = run.verify(Release::items().notes_written, &Actor::new("ci"), &ok);
    // Only a passing run completes a checked task.
    let _ = run.complete(Release::items().tests_pass, &Actor::new("ann"));
}
