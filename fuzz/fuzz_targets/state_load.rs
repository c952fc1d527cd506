//! Fuzzes the state loader: any bytes as a state document for the reference checklist.
//! Loading must never panic; a document it accepts must be internally consistent
//! (its log verifies and replays to the same state) and must survive a save/load cycle.
//!
//! Run with `cargo +nightly fuzz run state_load` from the repository root.
#![no_main]

use std::sync::OnceLock;

use checklist_core::{Spec, State, verify_chain};
use libfuzzer_sys::fuzz_target;

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        Spec::parse(include_str!("../../examples/checklists/production-deployment.md"))
            .expect("the seed parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(loaded) = State::from_json(spec(), text) else {
        return;
    };
    let state = loaded.state;
    assert!(verify_chain(state.events()).is_ok());
    let replayed = State::replay(spec(), state.events().to_vec()).expect("a loaded log replays");
    if loaded.migration.is_none() {
        assert_eq!(replayed.items(), state.items());
    }
    let again = State::from_json(spec(), &state.to_json()).expect("a saved state loads");
    assert!(again.migration.is_none());
    assert_eq!(again.state, state);
});
