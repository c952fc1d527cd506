#![deny(missing_docs, warnings)]
//! A task with a check gets a `CheckedTask` handle: it verifies, and skips or blocks as
//! any task.

use checklist_md::{checklist, Actor, Status};

checklist!(
    /// A release with a checked task.
    pub Release, inline "+++
[checks.tests-pass]
run = \"cargo test\"
+++
- [ ] Tests pass
- [ ] Notes written
");

fn main() {
    let mut run = Release::new_state();
    let tests = Release::items().tests_pass;
    let ok = checklist_md::check::from_fn(|_| Ok::<_, String>("ok".into()));
    run.verify(tests, &Actor::new("ci"), &ok).unwrap();
    assert_eq!(run.task(tests).status(), Status::Done);
    assert_eq!(run.check(tests).unwrap().run(), "cargo test");
    run.reopen(tests, &Actor::new("ann"), "flaky").unwrap();
    run.block(tests, &Actor::new("ann"), "CI down").unwrap();
    run.complete(Release::items().notes_written, &Actor::new("ann")).unwrap();
}
