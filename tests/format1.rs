//! State documents of format 1 (`checklist-state/1`), written by the version before the
//! typed events, still load, verify and migrate.
//!
//! The fixtures in `tests/fixtures/format-1/` were written by that version (the last
//! one whose `State::to_json` wrote format 1) from `release.md`, `release-v2.md` and the
//! gated production-deployment checklist:
//!
//! - `fresh.json`: `release.md` with nothing done, its `[x]` and `[~]` as written;
//! - `long.json`: the gated checklist worked through with every action (164 events);
//! - `before-migration.json`: `release.md` worked on, including an approval;
//! - `migrated.json`: that state loaded for `release-v2.md` (one item added, one
//!   removed, one retyped: a `reset` and a `void`), worked on and saved;
//! - `tampered.json`: `long.json` with one actor edited and its hash left alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use checklist_md::document::{FORMAT, FORMAT_1};
use checklist_md::{
    Action, ChainError, Document, FileStore, ItemState, Origin, ParseOptions, Payload, Spec, State,
    StateError, Status, Store, parse, verify_chain,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format-1")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

fn spec_from(path: &Path) -> Arc<Spec> {
    let source = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    Arc::new(parse(&source, &ParseOptions::new(name)).unwrap().spec)
}

fn release() -> Arc<Spec> {
    spec_from(&fixtures().join("release.md"))
}

fn release_v2() -> Arc<Spec> {
    spec_from(&fixtures().join("release-v2.md"))
}

fn gated() -> Arc<Spec> {
    spec_from(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/checklists/production-deployment-gated.md"),
    )
}

/// The `hash` of every event, as the fixture has it.
fn hashes(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["hash"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_fresh_format_1_document_loads_with_the_markdown_as_origin() {
    let spec = release();
    let json = read("fresh.json");
    assert!(json.contains("\"checklist-state/1\""));
    let loaded = State::from_json(&spec, &json).unwrap();
    assert_eq!(loaded.upgraded_from, Some(FORMAT_1));
    assert!(loaded.migration.is_none());
    let state = loaded.state;
    assert_eq!(state.revision(), 0);
    assert!(state.events().is_empty());
    // Format 1 wrote `by: ""` at the epoch with a note; that is the Markdown's box.
    assert_eq!(
        state.get("build/dependencies-pinned").unwrap(),
        &ItemState::Done {
            origin: Origin::Markdown,
            note: None,
            evidence: None,
            run: None,
        }
    );
    assert_eq!(
        state.get("build/windows-installer").unwrap(),
        &ItemState::NotApplicable {
            origin: Origin::Markdown,
            reason: None,
            waiver: None
        }
    );
    assert_eq!(state, State::new(&spec), "a fresh state, as it is today");

    // Written back as format 2, without the sentinel.
    let again = state.to_json();
    assert!(again.contains(&format!("\"{FORMAT}\"")));
    assert!(again.contains("\"origin\": \"markdown\""));
    assert!(!again.contains("1970-01-01"));
    let reloaded = State::from_json(&spec, &again).unwrap();
    assert_eq!(reloaded.upgraded_from, None);
    assert_eq!(reloaded.state, state);
}

#[test]
fn a_long_format_1_log_verifies_with_its_hashes_unchanged() {
    let spec = gated();
    let json = read("long.json");
    let loaded = State::from_json(&spec, &json).unwrap();
    assert_eq!(loaded.upgraded_from, Some(FORMAT_1));
    let state = loaded.state;
    assert_eq!(state.events().len(), 164);
    verify_chain(state.events()).unwrap();
    let kept: Vec<String> = state.events().iter().map(|e| e.hash.to_string()).collect();
    assert_eq!(
        kept,
        hashes(&json),
        "the same canonical encoding, the same hashes"
    );
    // The state is the fold of its log.
    assert_eq!(
        State::replay(&spec, state.events().to_vec())
            .unwrap()
            .items(),
        state.items()
    );

    // Every action of format 1 was read into its typed payload.
    let mut seen: Vec<Action> = state.events().iter().map(|e| e.action()).collect();
    seen.sort_by_key(|a| a.as_str());
    seen.dedup();
    let names: Vec<&str> = seen.iter().map(|a| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "approve", "block", "clear", "complete", "fill", "reject", "reopen", "revoke", "skip",
            "unblock", "void"
        ]
    );
    let find = |action: Action| {
        state
            .events()
            .iter()
            .find(|e| e.action() == action)
            .unwrap()
    };
    assert!(matches!(
        &find(Action::Skip).payload,
        Payload::Skip { reason: Some(r), waiver: None } if &**r == "one instance is enough"
    ));
    let waived = state
        .get("security-hardening/compliance/gdpr-compliance-verified")
        .unwrap()
        .waiver()
        .unwrap();
    assert_eq!(&*waived.approver, "bob");
    assert_eq!(waived.expires.unwrap().to_string(), "2027-01-31");
    assert!(matches!(
        &find(Action::Reject).payload,
        Payload::Reject { role, comment } if &**role == "security-team" && &**comment == "pen test report missing"
    ));
    assert!(matches!(
        &find(Action::Void).payload,
        Payload::Void { because, cause: Some(_), .. } if &**because == "documentation/deployment-runbook-created"
    ));
    assert!(matches!(
        &find(Action::Complete).payload,
        Payload::Complete { note: Some(n), evidence: Some(e) } if &**n == "green on main" && e.starts_with("https://")
    ));

    // Saved as format 2 and read back: the same state, the same hashes.
    let again = state.to_json();
    let reloaded = State::from_json(&spec, &again).unwrap().state;
    assert_eq!(reloaded, state);
    assert_eq!(hashes(&again), hashes(&json));
}

#[test]
fn a_format_1_state_made_for_an_older_checklist_migrates() {
    let v2 = release_v2();
    let loaded = State::from_json(&v2, &read("before-migration.json")).unwrap();
    assert_eq!(loaded.upgraded_from, Some(FORMAT_1));
    let migration = loaded.migration.expect("the checklist changed");
    assert_eq!(migration.added, ["build/changelog-written"]);
    assert_eq!(migration.removed, ["build/windows-installer"]);
    assert_eq!(migration.retyped, ["rollout/owner"]);
    let state = loaded.state;
    assert_eq!(loaded.stored_revision, Some(9));
    // The version that wrote format 1 recorded the same migration events: a reset of the
    // retyped field and a void of the approval that no longer covers what it did.
    let old = read("migrated.json");
    let old_doc: serde_json::Value = serde_json::from_str(&old).unwrap();
    let old_events = old_doc["events"].as_array().unwrap();
    for (new, old) in state.events()[9..].iter().zip(&old_events[9..11]) {
        assert_eq!(new.action().as_str(), old["action"]);
        assert_eq!(&*new.item, old["item"]);
        assert_eq!(&*new.actor, old["actor"]);
        assert_eq!(new.payload.words(), old["reason"].as_str());
    }
    assert_eq!(state.events().len(), 11);
    assert_eq!(
        state
            .get("sign-off/release-manager-approval")
            .unwrap()
            .status(),
        Status::Unsigned
    );
    // The removed item's state is kept, as what it was: the Markdown's `[~]`.
    assert_eq!(
        state.orphans()["build/windows-installer"],
        ItemState::NotApplicable {
            origin: Origin::Markdown,
            reason: None,
            waiver: None
        }
    );
}

#[test]
fn a_migrated_format_1_document_loads_as_it_was_saved() {
    let v2 = release_v2();
    let json = read("migrated.json");
    let loaded = State::from_json(&v2, &json).unwrap();
    assert!(
        loaded.migration.is_none(),
        "it was saved for this checklist"
    );
    let state = loaded.state;
    assert_eq!(state.revision(), 11);
    let reset = &state.events()[9];
    assert!(matches!(&reset.payload, Payload::Reset { .. }));
    assert_eq!((reset.from, reset.to), (Status::Filled, Status::Empty));
    assert!(matches!(
        &state.events()[10].payload,
        Payload::Void { because, cause: None, .. } if &**because == "build/changelog-written"
    ));
    assert!(matches!(
        state.orphans()["rollout/owner"],
        ItemState::Filled { ref value, .. } if &**value == "ann"
    ));
    assert_eq!(hashes(&state.to_json()), hashes(&json));
}

#[test]
fn a_tampered_format_1_document_is_refused_naming_the_event() {
    let spec = gated();
    let json = read("tampered.json");
    // The first event by `ana` was edited: it is the first that does not verify.
    let doc: serde_json::Value = serde_json::from_str(&read("long.json")).unwrap();
    let first_by_ana = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["actor"] == "ana")
        .unwrap()["seq"]
        .as_u64()
        .unwrap();
    match State::from_json(&spec, &json) {
        Err(StateError::Chain(ChainError::HashMismatch { seq, .. })) => {
            assert_eq!(seq, first_by_ana)
        }
        other => panic!("{other:?}"),
    }
    assert!(
        Document::from_json(&json, &Default::default()).is_ok(),
        "it is well-formed"
    );
}

#[test]
fn a_format_1_file_is_written_back_as_format_2_on_the_next_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, read("fresh.json")).unwrap();
    let spec = release();
    let store = FileStore::new(&path);
    // Reading does not rewrite it.
    let loaded = store.load(&spec).unwrap();
    assert_eq!(loaded.upgraded_from, Some(FORMAT_1));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), read("fresh.json"));
    let build = spec.index_of("build/build-passes").unwrap();
    store
        .update(&spec, |s| {
            s.complete(build, &checklist_md::Actor::new("ann"))
        })
        .unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains(&format!("\"{FORMAT}\"")), "{written}");
    let loaded = store.load(&spec).unwrap();
    assert_eq!(loaded.upgraded_from, None);
    assert_eq!(loaded.state.revision(), 1);
}

#[test]
fn a_format_1_event_with_a_field_its_action_does_not_record_is_refused() {
    // Format 1's writer never put an approver on a completion; a document that does was
    // not written by it, and dropping the field would change what the hash covers.
    let spec = gated();
    let json = read("long.json").replacen(
        "\"action\": \"complete\",",
        "\"action\": \"complete\",\n      \"approver\": \"mallory\",",
        1,
    );
    match State::from_json(&spec, &json) {
        Err(StateError::Event { problem, .. }) => {
            assert_eq!(problem, "a `complete` event has no `approver`")
        }
        other => panic!("{other:?}"),
    }
}
