//! Fuzzes the parser: any bytes, default and strict mode. It must never panic, and a
//! spec it returns must be consistent: every item is found again by its id.
//!
//! Run with `cargo +nightly fuzz run parse` from the repository root.
#![no_main]

use checklist_core::{ParseOptions, Parsed, parse_bytes};
use libfuzzer_sys::fuzz_target;

fn check(parsed: &Parsed) {
    let spec = &parsed.spec;
    for item in spec.items() {
        let found = spec
            .item_by_id(item.id())
            .unwrap_or_else(|| panic!("item `{}` is not found by its id", item.id()));
        assert_eq!(found.index(), item.index(), "`{}`", item.id());
    }
    assert!(parsed.warnings.iter().all(|w| !w.is_error()));
    let _ = parsed.render_warnings();
}

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let options = ParseOptions::new("fuzz.md").strict(strict);
        match parse_bytes(data, &options) {
            Ok(parsed) => check(&parsed),
            Err(diagnostics) => {
                assert!(diagnostics.errors().next().is_some());
                let _ = diagnostics.to_string();
            }
        }
    }
});
