//! The audit log and the file store: tampering is detected on load, the log replays to
//! the state, old documents migrate by id, concurrent writers never lose an update, and a
//! writer killed at any moment never leaves a torn file.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use checklist_md::clock::FixedClock;
use checklist_md::{
    Action, Actor, ChainError, FileStore, ItemState, Origin, ParseOptions, Payload, Spec, State,
    StateError, Status, Store, StoreError, UpdateError, parse, verify_chain,
};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::stepping(start(), Duration::seconds(1)))
}

fn spec_of(md: &str) -> Arc<Spec> {
    let parsed = parse(md, &ParseOptions::new("test.md")).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.warnings.is_empty(), "{}", parsed.render_warnings());
    Arc::new(parsed.spec)
}

fn fresh(spec: &Arc<Spec>) -> State {
    State::new(spec.clone()).with_clock(clock())
}

const SMALL: &str = "\
# Release

- [ ] Build passes
- [ ] Tests pass
- [ ] Docs updated (optional)
- [ ] Release Date: ____
- [ ] Lead Approval: ____
";

/// Five events by four people: ann, bob, carol (event #3), dave, then carol again.
fn worked(spec: &Arc<Spec>) -> State {
    let mut s = fresh(spec);
    let i = |id| spec.index_of(id).unwrap();
    s.complete(i("build-passes"), &Actor::new("ann")).unwrap();
    s.complete(i("tests-pass"), &Actor::new("bob")).unwrap();
    s.skip(
        i("docs-updated"),
        &Actor::new("carol"),
        Some("internal release"),
    )
    .unwrap();
    s.fill(i("release-date"), &Actor::new("dave"), "2026-12-01")
        .unwrap();
    s.approve(
        i("lead-approval"),
        &Actor::new("carol").with_role("lead"),
        None,
    )
    .unwrap();
    assert_eq!(s.events().len(), 5);
    s
}

/// Replaces the first `from` after `anchor` in `text` (checked to exist).
fn edit_after(text: &str, anchor: &str, from: &str, to: &str) -> String {
    let a = text.find(anchor).unwrap_or_else(|| panic!("no {anchor:?}"));
    let at = a + text[a..]
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?}"));
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

// --- tampering -------------------------------------------------------------------------

#[test]
fn editing_an_old_event_breaks_the_chain_at_that_event() {
    let spec = spec_of(SMALL);
    let state = worked(&spec);
    let json = state.to_json();

    // One character of event #3's actor: carol -> carel.
    let tampered = edit_after(
        &json,
        "\"seq\": 3,",
        "\"actor\": \"carol\"",
        "\"actor\": \"carel\"",
    );
    assert_eq!(tampered.len(), json.len());
    assert_ne!(tampered, json);
    match State::from_json(&spec, &tampered) {
        Err(StateError::Chain(ChainError::HashMismatch {
            seq: 3,
            position: 3,
        })) => {}
        other => panic!("expected a hash mismatch at #3, got {other:?}"),
    }

    // Any field counts: the reason of event #3, the time of event #2.
    let tampered = edit_after(&json, "\"seq\": 3,", "internal release", "internal relaese");
    assert!(matches!(
        State::from_json(&spec, &tampered),
        Err(StateError::Chain(ChainError::HashMismatch { seq: 3, .. }))
    ));
    let tampered = edit_after(&json, "\"seq\": 2,", "09:00:01Z", "09:00:01.5Z");
    assert!(matches!(
        State::from_json(&spec, &tampered),
        Err(StateError::Chain(ChainError::HashMismatch { seq: 2, .. }))
    ));

    // Re-hashing the edited event is not enough: the next one chains from the old hash.
    let mut events = state.events().to_vec();
    events[2].actor = "carel".into();
    let previous = events[1].hash;
    events[2].hash = events[2].compute_hash(&previous);
    assert_eq!(
        verify_chain(&events),
        Err(ChainError::HashMismatch {
            seq: 4,
            position: 4
        })
    );

    // Dropping an event is caught too.
    let mut events = state.events().to_vec();
    events.remove(1);
    assert!(matches!(
        verify_chain(&events),
        Err(ChainError::OutOfOrder {
            seq: 3,
            position: 2
        })
    ));

    // Re-indenting is not tampering.
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let compact = serde_json::to_string(&doc).unwrap();
    assert_eq!(State::from_json(&spec, &compact).unwrap().state, state);
}

#[test]
fn editing_a_stored_item_state_without_the_log_is_a_mismatch() {
    let spec = spec_of(SMALL);
    let json = worked(&spec).to_json();
    // The item map says someone else did it; the log is untouched.
    let items_start = json.find("\"items\"").unwrap();
    let tampered = edit_after(
        &json,
        "\"build-passes\": {",
        "\"by\": \"ann\"",
        "\"by\": \"eve\"",
    );
    assert!(tampered.find("\"by\": \"eve\"").unwrap() > items_start);
    assert!(tampered.find("\"by\": \"eve\"").unwrap() < tampered.find("\"events\"").unwrap());
    match State::from_json(&spec, &tampered) {
        Err(StateError::Mismatch { item }) => assert_eq!(item, "build-passes"),
        other => panic!("{other:?}"),
    }
    // A status flipped in place.
    let tampered = edit_after(
        &json,
        "\"tests-pass\": {",
        "\"status\": \"done\"",
        "\"status\": \"blocked\", \"reason\": \"x\"",
    );
    assert!(matches!(
        State::from_json(&spec, &tampered),
        Err(StateError::Mismatch { item }) if item == "tests-pass"
    ));
}

#[test]
fn documents_for_another_checklist_format_or_revision_are_refused() {
    let spec = spec_of(SMALL);
    let json = worked(&spec).to_json();

    let other = json.replacen("\"id\": \"release\"", "\"id\": \"another\"", 1);
    assert_ne!(other, json);
    match State::from_json(&spec, &other) {
        Err(StateError::WrongChecklist { expected, found }) => {
            assert_eq!((expected.as_str(), found.as_str()), ("release", "another"));
        }
        other => panic!("{other:?}"),
    }

    let format = json.replacen("checklist-state/2", "checklist-state/3", 1);
    match State::from_json(&spec, &format) {
        Err(StateError::Format { found }) => assert_eq!(found, "checklist-state/3"),
        other => panic!("{other:?}"),
    }

    let revision = json.replacen(
        "\"revision\": 5,\n  \"items\"",
        "\"revision\": 4,\n  \"items\"",
        1,
    );
    assert_ne!(revision, json);
    match State::from_json(&spec, &revision) {
        Err(StateError::Revision { stored, logged }) => assert_eq!((stored, logged), (4, 5)),
        other => panic!("{other:?}"),
    }

    // Not JSON at all: an error with a location, not a panic.
    match State::from_json(&spec, &json[..json.len() / 2]) {
        Err(StateError::Json { line, .. }) => assert!(line > 1),
        other => panic!("{other:?}"),
    }
    for e in [
        State::from_json(&spec, &other).unwrap_err(),
        State::from_json(&spec, &format).unwrap_err(),
        State::from_json(&spec, &revision).unwrap_err(),
    ] {
        assert!(!e.help().is_empty());
    }
}

// --- replay ----------------------------------------------------------------------------

#[test]
fn replaying_the_log_reproduces_the_state_exactly() {
    let spec = spec_of(SMALL);
    let mut state = worked(&spec);
    // Include a void cascade and a reopen in the log.
    state
        .reopen(
            spec.index_of("docs-updated").unwrap(),
            &Actor::new("ann"),
            "after all",
        )
        .unwrap();
    state
        .block(
            spec.index_of("docs-updated").unwrap(),
            &Actor::new("ann"),
            "wiki down",
        )
        .unwrap();
    assert!(state.events().iter().any(|e| e.action() == Action::Void));
    for n in 0..=state.events().len() {
        let prefix = &state.events()[..n];
        let replayed = State::replay(&spec, prefix.to_vec()).unwrap();
        assert_eq!(replayed.events(), prefix);
        assert_eq!(replayed.revision(), prefix.last().map_or(0, |e| e.revision));
    }
    let replayed = State::replay(&spec, state.events().to_vec()).unwrap();
    assert_eq!(replayed, state);
    assert_eq!(replayed.to_json(), state.to_json());
    assert!(matches!(
        replayed.get("lead-approval").unwrap(),
        ItemState::Unsigned { voided: Some(v) } if &*v.because == "docs-updated"
    ));
}

// --- migration -------------------------------------------------------------------------

const V1: &str = "\
+++
id = \"mini\"
version = \"1\"
+++
# Mini

- [ ] Build passes
- [ ] Old smoke test
- [ ] Owner
- [ ] Target: ____
- [ ] Lead Approval: ____
";

/// v2: `old-smoke-test` removed, `new-canary-check` added, `owner` a task → text field,
/// `target` a text field → date field.
const V2: &str = "\
+++
id = \"mini\"
version = \"2\"

[items.\"target\"]
type = \"date\"
+++
# Mini

- [ ] Build passes
- [ ] Owner: ____
- [ ] Target: ____
- [ ] New canary check
- [ ] Lead Approval: ____
";

fn v1_document() -> String {
    let v1 = spec_of(V1);
    let mut s = fresh(&v1);
    let i = |id| v1.index_of(id).unwrap();
    s.complete(i("build-passes"), &Actor::new("ann")).unwrap();
    s.complete(i("old-smoke-test"), &Actor::new("bob")).unwrap();
    s.complete(i("owner"), &Actor::new("carol")).unwrap();
    s.fill(i("target"), &Actor::new("dave"), "next week")
        .unwrap();
    s.approve(
        i("lead-approval"),
        &Actor::new("lee").with_role("lead"),
        None,
    )
    .unwrap();
    s.to_json()
}

#[test]
fn an_older_document_migrates_by_id_and_keeps_what_it_cannot_place() {
    let v2 = spec_of(V2);
    let old = v1_document();
    let loaded = State::from_json(&v2, &old).unwrap();
    let migration = loaded.migration.expect("a migration report");
    assert_eq!(migration.added, ["new-canary-check"]);
    assert_eq!(migration.removed, ["old-smoke-test"]);
    assert_eq!(migration.retyped, ["owner", "target"]);
    assert_eq!(migration.to_digest, v2.digest());
    assert_ne!(migration.from_digest, migration.to_digest);
    assert!(!migration.is_empty());
    let shown = migration.to_string();
    assert!(
        shown.contains("removed (kept as orphans): old-smoke-test"),
        "{shown}"
    );

    let state = loaded.state;
    // Removed and retyped items keep their old states as orphans.
    let orphans = state.orphans();
    assert_eq!(
        orphans.keys().map(String::as_str).collect::<Vec<_>>(),
        ["old-smoke-test", "owner", "target"]
    );
    assert!(
        matches!(&orphans["old-smoke-test"], ItemState::Done { origin: Origin::Change { by, .. }, .. } if &**by == "bob")
    );
    assert!(
        matches!(&orphans["owner"], ItemState::Done { origin: Origin::Change { by, .. }, .. } if &**by == "carol")
    );
    assert_eq!(orphans["target"].value(), Some("next week"));

    // Kept items keep their state; retyped and added ones start fresh.
    assert!(
        matches!(state.get("build-passes").unwrap(), ItemState::Done { origin: Origin::Change { by, .. }, .. } if &**by == "ann")
    );
    assert_eq!(state.get("owner").unwrap(), &ItemState::Empty);
    assert_eq!(state.get("target").unwrap(), &ItemState::Empty);
    assert_eq!(state.get("new-canary-check").unwrap(), &ItemState::Pending);

    // Only `target` needed a reset: `owner`'s task events do not fit a field, so the fold
    // already left it empty. The approval is voided: it was given before the checklist
    // added `new-canary-check` to what it covers (and retyped `owner` and `target`).
    let new = &state.events()[5..];
    assert_eq!(new.len(), 2, "{new:#?}");
    assert_eq!(
        (
            new[0].action(),
            new[0].item.as_ref(),
            new[0].actor.as_ref(),
            new[0].from,
            new[0].to
        ),
        (
            Action::Reset,
            "target",
            "checklist",
            Status::Filled,
            Status::Empty
        )
    );
    assert_eq!(new[0].revision, 6);
    let (cause, because) = match &new[1].payload {
        Payload::Void { cause, because, .. } => (*cause, Some(&**because)),
        _ => (None, None),
    };
    assert_eq!(
        (
            new[1].action(),
            new[1].item.as_ref(),
            cause,
            because,
            new[1].revision
        ),
        (
            Action::Void,
            "lead-approval",
            None,
            Some("new-canary-check"),
            6
        )
    );
    assert!(matches!(
        state.get("lead-approval").unwrap(),
        ItemState::Unsigned { voided: Some(v) } if &*v.because == "new-canary-check" && v.event.is_none()
    ));
    assert_eq!(state.revision(), 6);
    verify_chain(state.events()).unwrap();

    // The migrated state round-trips: same checklist now, no further migration.
    let json = state.to_json();
    let again = State::from_json(&v2, &json).unwrap();
    assert!(again.migration.is_none());
    assert_eq!(again.state, state);
    assert_eq!(again.state.to_json(), json);
}

#[test]
fn migrating_through_a_file_store_stamps_the_reset_with_the_store_clock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, v1_document()).unwrap();
    let v2 = spec_of(V2);
    // A clock well after the old log (and after the real date), so an unstamped reset
    // would show.
    let later = Utc.with_ymd_and_hms(2031, 3, 1, 12, 0, 0).unwrap();
    let store = FileStore::new(&path).with_clock(Arc::new(FixedClock::new(later)));
    let loaded = store.load(&v2).unwrap();
    assert!(loaded.migration.is_some());
    let reset = loaded
        .state
        .events()
        .iter()
        .find(|e| e.action() == Action::Reset)
        .unwrap();
    assert_eq!(reset.at, later);
}

// --- concurrent writers ----------------------------------------------------------------

#[test]
fn a_save_based_on_a_stale_revision_is_refused_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec_of(SMALL);
    let store = FileStore::new(dir.path().join("state.json")).with_clock(clock());
    let i = |id| spec.index_of(id).unwrap();

    let mut first = store.load(&spec).unwrap().state;
    first
        .complete(i("build-passes"), &Actor::new("ann"))
        .unwrap();
    store.save(&first, None).unwrap();

    // Two writers read revision 1.
    let mut a = store.load(&spec).unwrap().state;
    let mut b = store.load(&spec).unwrap().state;
    assert_eq!((a.revision(), b.revision()), (1, 1));
    a.complete(i("tests-pass"), &Actor::new("ann")).unwrap();
    b.fill(i("release-date"), &Actor::new("bob"), "2026-12-01")
        .unwrap();
    store.save(&a, Some(1)).unwrap();
    let before = std::fs::read(store.path()).unwrap();
    match store.save(&b, Some(1)) {
        Err(StoreError::Conflict {
            expected, found, ..
        }) => assert_eq!((expected, found), (Some(1), 2)),
        other => panic!("{other:?}"),
    }
    // Nothing written: the file is the first writer's, byte for byte.
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
    let stored = store.load(&spec).unwrap().state;
    assert_eq!(stored, a);
    assert_eq!(stored.get("release-date").unwrap().status(), Status::Empty);

    // Creating a file that exists is a conflict too.
    assert!(matches!(
        store.save(&b, None),
        Err(StoreError::Conflict {
            expected: None,
            found: 2,
            ..
        })
    ));

    // The second writer reloads, redoes its change, and both land.
    let mut b = store.load(&spec).unwrap().state;
    b.fill(i("release-date"), &Actor::new("bob"), "2026-12-01")
        .unwrap();
    store.save(&b, Some(2)).unwrap();
    let stored = store.load(&spec).unwrap().state;
    assert_eq!(stored.revision(), 3);
    assert_eq!(stored.get("tests-pass").unwrap().status(), Status::Done);
    assert_eq!(
        stored.get("release-date").unwrap().value(),
        Some("2026-12-01")
    );
}

#[test]
fn updates_from_two_threads_all_land() {
    let md: String = std::iter::once("# Many\n\n".to_string())
        .chain((0..100).map(|n| format!("- [ ] Task {n}\n")))
        .collect();
    let spec = spec_of(&md);
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("state.json")).with_clock(clock());
    std::thread::scope(|scope| {
        for half in 0..2 {
            let store = store.clone();
            let spec = &spec;
            scope.spawn(move || {
                let actor = Actor::new(format!("writer-{half}"));
                for n in (0..50).map(|k| half * 50 + k) {
                    let item = spec.index_of(&format!("task-{n}")).unwrap();
                    store
                        .update(spec, |state| state.complete(item, &actor))
                        .unwrap_or_else(|e| panic!("update {n}: {e}"));
                }
            });
        }
    });
    let state = store.load(&spec).unwrap().state;
    assert_eq!(state.revision(), 100);
    assert_eq!(state.events().len(), 100);
    assert!(state.items().iter().all(|s| s.status() == Status::Done));
    verify_chain(state.events()).unwrap();

    // A refused change writes nothing.
    let before = std::fs::read(store.path()).unwrap();
    let item = spec.index_of("task-0").unwrap();
    match store.update(&spec, |state| state.complete(item, &Actor::new("x"))) {
        Err(UpdateError::Refused(e)) => assert_eq!(&*e.item, "task-0"),
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
}

// --- crashes ---------------------------------------------------------------------------

const WRITER_ENV: &str = "CHECKLIST_CRASH_WRITER_PATH";

const CRASH: &str = "\
# Crash

- [ ] Alpha
- [ ] Beta
- [ ] Gamma
- [ ] Delta
- [ ] Notes: ____
";

/// The writer side of the crash test, run in a child process that gets killed. It loops
/// forever, saving a state that grows by one event per save. Run on its own it does
/// nothing (it is ignored, and needs the path in the environment).
#[test]
#[ignore = "run as a child process by a_killed_writer_never_leaves_a_torn_file"]
fn crash_writer() {
    let Some(path) = std::env::var_os(WRITER_ENV) else {
        return;
    };
    let spec = spec_of(CRASH);
    let store = FileStore::new(PathBuf::from(path)).with_clock(clock());
    let mut based_on = stored_revision(&store);
    let mut state = store.load(&spec).unwrap().state;
    let actor = Actor::new("writer");
    loop {
        let n = state.revision() as usize;
        let item = spec.items()[n % spec.items().len()].index();
        let text = format!("note {n}");
        match state.item(item).status() {
            Status::Pending => state.complete(item, &actor),
            Status::Done => state.reopen(item, &actor, "again"),
            Status::Empty => state.fill(item, &actor, &text),
            _ => state.clear(item, &actor),
        }
        .unwrap();
        store.save(&state, based_on).unwrap();
        based_on = Some(state.revision());
    }
}

/// The revision in the store's file, without loading the state (`None`: no file yet).
fn stored_revision(store: &FileStore) -> Option<u64> {
    store.load_document().unwrap().map(|d| d.revision)
}

/// A tiny deterministic generator for the kill delays (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn spawn_writer(path: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_writer",
            "--ignored",
            "--test-threads=1",
            "--quiet",
        ])
        .env(WRITER_ENV, path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_writer_never_leaves_a_torn_file() {
    let iterations: usize = std::env::var("CHECKLIST_CRASH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let spec = spec_of(CRASH);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let store = FileStore::new(&path).with_clock(clock());
    let started = Instant::now();

    // First make sure the child really writes: give it time, then kill it.
    let mut child = spawn_writer(&path);
    let deadline = Instant::now() + StdDuration::from_secs(20);
    while stored_revision(&store).unwrap_or(0) < 3 {
        assert!(Instant::now() < deadline, "the writer child never saved");
        std::thread::sleep(StdDuration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut previous = store.load(&spec).unwrap().state.revision();
    let (mut advanced, mut saves) = (0, 0);
    for iteration in 0..iterations {
        // Keep the file small so loading stays fast: start over now and then.
        if previous > 150 {
            std::fs::remove_file(&path).unwrap();
            previous = 0;
        }
        let mut child = spawn_writer(&path);
        std::thread::sleep(StdDuration::from_millis(rng.below(21)));
        child.kill().unwrap();
        child.wait().unwrap();

        let loaded = match store.load(&spec) {
            Ok(l) => l,
            Err(e) => panic!("iteration {iteration}: the file does not load after a kill: {e}"),
        };
        assert!(loaded.migration.is_none());
        let revision = loaded.state.revision();
        assert!(
            revision >= previous,
            "iteration {iteration}: revision went from {previous} back to {revision}"
        );
        if revision > previous {
            advanced += 1;
            saves += revision - previous;
        }
        previous = revision;
    }
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp-")
        })
        .count();
    eprintln!(
        "crash test: {iterations} kills in {:.1?}; {advanced} runs saved ({saves} saves), \
         {leftovers} temp files left by kills mid-save",
        started.elapsed()
    );
    // The kills landed while the writer was working, not only before it started.
    assert!(
        iterations < 20 || advanced > 0,
        "no run got to save anything"
    );
}
