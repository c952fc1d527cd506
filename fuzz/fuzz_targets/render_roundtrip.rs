//! Fuzzes rendering: parse any Markdown, drive its items through transitions chosen by
//! the input, render the state into the Markdown, and parse the result again. The
//! rendered file must parse, give the same ids in the same order, and its boxes must
//! match the state (`[x]` resolved, `[~]` not applicable, `[ ]` otherwise).
//!
//! Run with `cargo +nightly fuzz run render_roundtrip` from the repository root.
#![no_main]

use checklist_core::{Actor, ItemKind, Mark, ParseOptions, State, Status, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the transitions, the rest is the Markdown.
    let split = data.len().min(64);
    let (choices, markdown) = data.split_at(split);
    let Ok(markdown) = std::str::from_utf8(markdown) else {
        return;
    };
    let Ok(parsed) = parse(markdown, &ParseOptions::default()) else {
        return;
    };
    let spec = &parsed.spec;
    let mut state = State::new(spec);
    let ann = Actor::new("ann");
    for (i, item) in spec.items().iter().enumerate() {
        let choice = choices.get(i % choices.len().max(1)).copied().unwrap_or(0);
        let index = item.index();
        let _ = match (item.kind(), choice % 4) {
            (ItemKind::Task, 0) => state.complete(index, &ann),
            (ItemKind::Task, 1) => state.skip(index, &ann, Some("not here\nreally <b>")),
            (ItemKind::Task, 2) => state.block(index, &ann, "waiting [ ] on `x`"),
            (ItemKind::Field(_), 0 | 1) => state.fill(index, &ann, "2026-12-01"),
            (ItemKind::SignOff { role }, 0) => {
                state.approve(index, &Actor::new("bo").with_role(role.clone()), Some("ok"))
            }
            _ => continue,
        };
    }
    let rendered = state.render_markdown();
    let again = match parse(&rendered, &ParseOptions::default()) {
        Ok(p) => p.spec,
        Err(e) => panic!("rendered Markdown does not parse:\n{e}\n---\n{rendered}"),
    };
    let ids: Vec<_> = spec.items().iter().map(|i| i.id()).collect();
    let again_ids: Vec<_> = again.items().iter().map(|i| i.id()).collect();
    assert_eq!(ids, again_ids, "ids changed by rendering:\n{rendered}");
    for (item, state) in again.items().iter().zip(state.items()) {
        let expected = match state.status() {
            Status::Done | Status::Filled | Status::Approved => Mark::Checked,
            Status::NotApplicable => Mark::NotApplicable,
            _ => Mark::Open,
        };
        assert_eq!(item.mark(), expected, "box of `{}`:\n{rendered}", item.id());
    }
});
