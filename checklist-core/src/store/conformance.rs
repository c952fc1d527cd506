//! The promises every [`Store`] keeps, as a test suite any store can run.
//!
//! ```
//! use checklist_core::store::{MemoryStore, conformance};
//!
//! let report = conformance::run(&conformance::Subject {
//!     name: "memory",
//!     // Each check gets its own, empty storage.
//!     open: &|| MemoryStore::new(),
//!     // Edits what is stored behind the store's back: the load must refuse it.
//!     tamper: &|store: &MemoryStore| {
//!         let json = store.json().unwrap().replacen("\"actor\": \"ann\"", "\"actor\": \"eve\"", 1);
//!         store.set_json(Some(json));
//!     },
//!     writers: 2,
//!     updates_per_writer: 20,
//! });
//! assert_eq!(report.checks.len(), conformance::CHECKS);
//! ```
//!
//! [`run`] panics, naming the check and what it saw, at the first broken promise: call
//! it from a `#[test]`. The checks:
//!
//! 1. **fresh load**: empty storage loads as a fresh state, with nothing stored;
//! 2. **round trip**: a saved state loads back equal, at its revision;
//! 3. **conflict**: a save based on a revision that is no longer stored fails with
//!    [`StoreError::Conflict`] and writes nothing; so does creating what exists;
//! 4. **refused change**: an update whose change fails writes nothing (on empty
//!    storage, nothing is created), and so does one that changes nothing;
//! 5. **no lost update**: `writers` threads each make `updates_per_writer` updates of
//!    distinct items through [`Store::update`]; every one is in the log, once;
//! 6. **tamper**: after `tamper` edits a stored event, the load is refused.

use std::sync::Arc;

use super::{Store, StoreError, UpdateError};
use crate::document::StateError;
use crate::spec::Spec;
use crate::state::{Actor, Status, verify_chain};

/// How many checks [`run`] makes.
pub const CHECKS: usize = 6;

/// A store under test.
pub struct Subject<'a, S> {
    /// Its name, in messages.
    pub name: &'a str,
    /// Opens a store on new, empty storage (each check calls it once).
    pub open: &'a dyn Fn() -> S,
    /// Edits one stored event behind the store's back (its actor, say), as someone with
    /// access to the storage would. The stored state has at least two events by `ann`.
    pub tamper: &'a dyn Fn(&S),
    /// Concurrent writers in the lost-update check.
    pub writers: usize,
    /// Updates each of them makes.
    pub updates_per_writer: usize,
}

/// What [`run`] checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The checks that passed, in order.
    pub checks: Vec<&'static str>,
}

/// The checklist the suite runs: enough tasks for every writer's updates.
fn spec(tasks: usize) -> Arc<Spec> {
    let mut md = String::from("# Conformance\n\n");
    for i in 0..tasks.max(4) {
        md.push_str(&format!("- [ ] Task {i}\n"));
    }
    Arc::new(Spec::parse(&md).expect("the suite's checklist parses"))
}

/// Runs every check against `subject`; panics at the first that fails.
pub fn run<S: Store>(subject: &Subject<'_, S>) -> Report {
    let name = subject.name;
    let spec = spec(subject.writers * subject.updates_per_writer);
    let task = |i: usize| {
        spec.index_of(&format!("task-{i}"))
            .expect("the suite's tasks exist")
    };
    let ann = Actor::new("ann");
    let mut checks = Vec::new();

    // 1. Fresh load.
    let store = (subject.open)();
    let loaded = store
        .load(&spec)
        .unwrap_or_else(|e| panic!("{name}: fresh load: {e}"));
    assert_eq!(
        loaded.state.revision(),
        0,
        "{name}: a fresh state is at revision 0"
    );
    assert_eq!(
        loaded.stored_revision, None,
        "{name}: nothing is stored yet"
    );
    assert!(
        loaded.migration.is_none(),
        "{name}: a fresh state has no migration"
    );
    assert!(
        loaded.state.events().is_empty(),
        "{name}: a fresh state has no events"
    );
    checks.push("fresh load");

    // 2. Round trip.
    let mut state = loaded.state;
    state
        .complete(task(0), &ann)
        .expect("a pending task completes");
    state
        .complete(task(1), &ann)
        .expect("a pending task completes");
    store
        .save(&state, None)
        .unwrap_or_else(|e| panic!("{name}: first save: {e}"));
    let back = store
        .load(&spec)
        .unwrap_or_else(|e| panic!("{name}: load after save: {e}"));
    assert_eq!(back.state, state, "{name}: what was saved loads back equal");
    assert_eq!(
        back.stored_revision,
        Some(2),
        "{name}: the stored revision is the state's"
    );
    checks.push("round trip");

    // 3. Conflict.
    let mut first = store.load(&spec).expect("loads").state;
    let mut second = store.load(&spec).expect("loads").state;
    first.complete(task(2), &ann).expect("completes");
    second.complete(task(3), &ann).expect("completes");
    store
        .save(&first, Some(2))
        .unwrap_or_else(|e| panic!("{name}: save at 2: {e}"));
    match store.save(&second, Some(2)) {
        Err(StoreError::Conflict {
            expected, found, ..
        }) => assert_eq!(
            (expected, found),
            (Some(2), 3),
            "{name}: the conflict names both revisions"
        ),
        other => panic!("{name}: a stale save must conflict, got {other:?}"),
    }
    match store.save(&second, None) {
        Err(StoreError::Conflict {
            expected: None,
            found: 3,
            ..
        }) => {}
        other => panic!("{name}: creating what exists must conflict, got {other:?}"),
    }
    let after = store.load(&spec).expect("loads").state;
    assert_eq!(after, first, "{name}: a refused save writes nothing");
    checks.push("conflict");

    // 4. Refused change, and a change that changes nothing.
    let empty = (subject.open)();
    let refused = empty.update(&spec, |state| {
        state.complete(task(0), &ann)?;
        // A second completion of the same task is refused: the whole update goes.
        state.complete(task(0), &ann)
    });
    assert!(
        matches!(refused, Err(UpdateError::Refused(_))),
        "{name}: the change's refusal comes back, got {refused:?}"
    );
    let loaded = empty.load(&spec).expect("loads");
    assert_eq!(
        loaded.stored_revision, None,
        "{name}: a refused first change creates nothing"
    );
    let nothing = empty.update(&spec, |_| Ok::<_, ()>(()));
    assert!(
        nothing.is_ok(),
        "{name}: a change that does nothing succeeds"
    );
    assert_eq!(
        empty.load(&spec).expect("loads").stored_revision,
        None,
        "{name}: a change that does nothing writes nothing"
    );
    let before = store.load(&spec).expect("loads").state;
    let refused = store.update(&spec, |state| state.complete(task(0), &ann));
    assert!(
        matches!(refused, Err(UpdateError::Refused(_))),
        "{name}: refused"
    );
    assert_eq!(
        store.load(&spec).expect("loads").state,
        before,
        "{name}: refused writes nothing"
    );
    checks.push("refused change");

    // 5. No lost update.
    let shared = (subject.open)();
    let per = subject.updates_per_writer;
    std::thread::scope(|scope| {
        for w in 0..subject.writers {
            let shared = &shared;
            let spec = &spec;
            scope.spawn(move || {
                let actor = Actor::new(format!("writer-{w}"));
                for k in 0..per {
                    let item = task(w * per + k);
                    shared
                        .update(spec, |state| state.complete(item, &actor))
                        .unwrap_or_else(|e| panic!("{name}: writer {w}, update {k}: {e}"));
                }
            });
        }
    });
    let total = subject.writers * per;
    let state = shared.load(&spec).expect("loads").state;
    assert_eq!(
        state.revision(),
        total as u64,
        "{name}: one revision per update"
    );
    assert_eq!(state.events().len(), total, "{name}: one event per update");
    verify_chain(state.events()).unwrap_or_else(|e| panic!("{name}: the log verifies: {e}"));
    for i in 0..total {
        assert_eq!(
            state.item(task(i)).status(),
            Status::Done,
            "{name}: task {i} is done: no update was lost"
        );
        let events = state
            .events()
            .iter()
            .filter(|e| &*e.item == spec.item(task(i)).id())
            .count();
        assert_eq!(events, 1, "{name}: task {i} has exactly one event");
    }
    checks.push("no lost update");

    // 6. Tamper.
    let victim = (subject.open)();
    let mut state = victim.load(&spec).expect("loads").state;
    state.complete(task(0), &ann).expect("completes");
    state.complete(task(1), &ann).expect("completes");
    victim.save(&state, None).expect("saves");
    (subject.tamper)(&victim);
    match victim.load(&spec) {
        Err(StoreError::State {
            source:
                StateError::Chain(_)
                | StateError::Mismatch { .. }
                | StateError::Event { .. }
                | StateError::Json { .. },
            ..
        }) => {}
        other => panic!("{name}: a tampered record must be refused, got {other:?}"),
    }
    checks.push("tamper");

    Report { checks }
}
