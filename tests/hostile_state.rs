//! A catalogue of hostile state documents. Each case asserts the specific `StateError`
//! (and, for a broken log, the event it names); none may panic, hang or overflow the
//! stack. Events are forged with real hashes (`Event::compute_hash`), so each case is
//! caught by the rule it is about, not by the hash chain in front of it.
//!
//! The 100 MB case is `#[ignore]`d in the default run; `scripts/hostile-big.sh` runs it.

use std::sync::Arc;

use checklist_md::clock::FixedClock;
use checklist_md::{
    Actor, ChainError, Document, Event, FileStore, LoadLimits, ParseOptions, Spec, State,
    StateError, Store, StoreError, parse,
};
use chrono::{Duration, TimeZone, Utc};

const SMALL: &str = "\
# Release

- [ ] Build passes
- [ ] Tests pass
- [ ] Docs updated (optional)
- [ ] Release Date: ____
- [ ] Lead Approval: ____
";

fn spec() -> Arc<Spec> {
    Arc::new(
        parse(SMALL, &ParseOptions::new("release.md"))
            .unwrap_or_else(|e| panic!("{e}"))
            .spec,
    )
}

fn fresh(spec: &Arc<Spec>) -> State {
    let start = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
    State::new(spec.clone()).with_clock(Arc::new(FixedClock::stepping(start, Duration::seconds(1))))
}

fn ix(spec: &Arc<Spec>, id: &str) -> checklist_md::ItemIndex {
    spec.index_of(id).unwrap_or_else(|| panic!("no item {id}"))
}

/// Five events, five revisions.
fn worked(spec: &Arc<Spec>) -> State {
    let mut s = fresh(spec);
    s.complete(ix(spec, "build-passes"), &Actor::new("ann"))
        .unwrap();
    s.complete(ix(spec, "tests-pass"), &Actor::new("bob"))
        .unwrap();
    s.skip(
        ix(spec, "docs-updated"),
        &Actor::new("carol"),
        Some("internal"),
    )
    .unwrap();
    s.fill(ix(spec, "release-date"), &Actor::new("dave"), "2026-12-01")
        .unwrap();
    s.approve(
        ix(spec, "lead-approval"),
        &Actor::new("lee").with_role("lead"),
        None,
    )
    .unwrap();
    assert_eq!(s.events().len(), 5);
    s
}

/// An error and its causes, as a tool prints them.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Re-hashes the whole log from the genesis hash, as a forger with the algorithm would.
fn rehash(events: &mut [Event]) {
    let mut previous = checklist_md::EventHash::GENESIS;
    for e in events {
        e.hash = e.compute_hash(&previous);
        previous = e.hash;
    }
}

/// The document of `state` with its log replaced (the stored revision follows the log).
fn with_events(state: &State, events: Vec<Event>) -> String {
    let mut doc = state.to_document();
    doc.revision = events.last().map_or(0, |e| e.revision);
    doc.events = events;
    serde_json::to_string_pretty(&doc).unwrap()
}

fn load_err(spec: &Arc<Spec>, json: &str) -> StateError {
    match State::from_json(spec, json) {
        Ok(_) => panic!("expected the document to be refused"),
        Err(e) => {
            assert!(!e.help().is_empty());
            assert!(!e.to_string().is_empty());
            e
        }
    }
}

fn json_err(spec: &Arc<Spec>, json: &str) -> (usize, usize, String) {
    match load_err(spec, json) {
        StateError::Json {
            line,
            column,
            message,
        } => (line, column, message),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

/// Runs `f` on a 1 MiB stack. serde_json stops at 128 levels (which takes a few hundred
/// KiB in a debug build); following 10,000 levels would take tens of megabytes.
fn on_small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

// --- syntax ----------------------------------------------------------------------------

#[test]
fn truncated_json_is_a_json_error_at_the_end_of_what_is_there() {
    let spec = spec();
    let json = worked(&spec).to_json();
    assert!(State::from_json(&spec, &json).is_ok());
    // Every prefix short of the closing brace is refused with a location; none panics.
    let end = json.trim_end().len();
    let cuts: Vec<usize> = (0..end).filter(|&i| json.is_char_boundary(i)).collect();
    for &cut in &cuts {
        let text = &json[..cut];
        let (line, column, message) = json_err(&spec, text);
        if text.trim_end().is_empty() {
            assert!(message.contains("EOF"), "{message}");
            continue;
        }
        // The error is at (or just before) the end of the truncated text.
        let last_line = text.lines().count().max(1);
        assert!(
            (last_line..=last_line + 1).contains(&line),
            "cut {cut}: line {line}, text has {last_line} lines: {message}"
        );
        assert!(column <= text.len(), "cut {cut}");
    }
    // A cut in the middle, exactly.
    let half = &json[..json.find("\"tests-pass\"").unwrap() + 6];
    let (line, column, message) = json_err(&spec, half);
    let want_line = half.matches('\n').count() + 1;
    let want_column = half.len() - half.rfind('\n').unwrap() - 1;
    assert_eq!((line, column), (want_line, want_column), "{message}");
    assert!(message.contains("EOF"), "{message}");
}

#[test]
fn ten_thousand_levels_of_nesting_are_a_json_error_without_overflow() {
    let spec = spec();
    let json = worked(&spec).to_json();
    let deep = |open: &str, close: &str, inner: &str| {
        format!("{}{inner}{}", open.repeat(10_000), close.repeat(10_000))
    };
    let cases = [
        // The whole document.
        deep("[", "]", "1"),
        deep("{\"a\":", "}", "1"),
        // An item's state (read through an internally tagged enum, which buffers).
        json.replacen(
            "\"build-passes\": {",
            &format!("\"build-passes\": {{\"x\": {}, ", deep("[", "]", "1")),
            1,
        ),
        json.replacen(
            "\"build-passes\": {",
            &format!(
                "\"build-passes\": {{\"status\": {}, ",
                deep("{\"a\":", "}", "1")
            ),
            1,
        ),
        // An event's field, an unknown field, the checklist reference.
        json.replacen(
            "\"actor\": \"ann\"",
            &format!("\"actor\": {}", deep("[", "]", "\"ann\"")),
            1,
        ),
        json.replacen(
            "\"format\"",
            &format!("\"x\": {}, \"format\"", deep("[", "]", "1")),
            1,
        ),
        json.replacen(
            "\"checklist\": {",
            &format!("\"checklist\": {{\"id\": {}, ", deep("{\"a\":", "}", "1")),
            1,
        ),
        // Orphans and events themselves.
        json.replacen(
            "\"events\": [",
            &format!("\"orphans\": {}, \"events\": [", deep("{\"a\":", "}", "1")),
            1,
        ),
        json.replacen(
            "\"events\": [",
            &format!("\"events\": [{}, ", deep("[", "]", "1")),
            1,
        ),
    ];
    for (n, text) in cases.iter().enumerate() {
        let spec = &spec;
        let (line, _, message) = on_small_stack(move || json_err(spec, text));
        assert!(line >= 1, "case {n}: {message}");
        // Also through `Document::from_json`, which the file store uses.
        let err = on_small_stack(move || Document::from_json(text, &LoadLimits::default()));
        assert!(matches!(err, Err(StateError::Json { .. })), "case {n}");
    }
    // Inside an item state the deep value sits under a key no state has: the loader
    // refuses the key before descending (it would stop at serde_json's recursion limit).
    let (_, _, message) = on_small_stack(|| json_err(&spec, &cases[2]));
    assert!(
        message.contains("unknown field `x`") || message.contains("recursion limit exceeded"),
        "{message}"
    );
}

#[test]
fn duplicate_keys_are_refused_everywhere() {
    let spec = spec();
    let json = worked(&spec).to_json();
    let cases = [
        // An item twice in `items`: JSON parsers disagree on which copy wins.
        (
            json.replacen(
                "\"items\": {",
                "\"items\": {\n    \"tests-pass\": { \"status\": \"pending\" },",
                1,
            ),
            "the item `tests-pass` appears twice",
        ),
        (
            json.replacen(
                "\"revision\": 5,",
                "\"revision\": 5,\n  \"revision\": 4,",
                1,
            ),
            "duplicate field `revision`",
        ),
        (
            json.replacen(
                "\"format\"",
                "\"format\": \"checklist-state/1\",\n  \"format\"",
                1,
            ),
            "duplicate field `format`",
        ),
        (
            json.replacen(
                "\"actor\": \"ann\",",
                "\"actor\": \"ann\",\n      \"actor\": \"eve\",",
                1,
            ),
            "duplicate field `actor`",
        ),
        (
            json.replacen("\"digest\"", "\"id\": \"release\",\n    \"digest\"", 1),
            "duplicate field `id`",
        ),
        (
            json.replacen("\"events\": [", "\"events\": [],\n  \"events\": [", 1),
            "duplicate field `events`",
        ),
        (
            json.replacen(
                "\"by\": \"ann\",",
                "\"by\": \"ann\",\n      \"by\": \"eve\",",
                1,
            ),
            "duplicate field `by`",
        ),
    ];
    for (text, want) in cases {
        assert_ne!(text, json, "{want}: the edit applied");
        let (line, _, message) = json_err(&spec, &text);
        assert!(message.contains(want), "{want}: {message}");
        assert!(line > 1, "{want}");
    }
}

#[test]
fn unknown_fields_are_refused_everywhere() {
    let spec = spec();
    let json = worked(&spec).to_json();
    for (anchor, insert, field) in [
        ("\"format\"", "\"extra\": 1, ", "extra"),
        ("\"digest\"", "\"owner\": \"x\", ", "owner"),
        ("\"seq\": 1,", "\"signature\": \"x\", ", "signature"),
        ("\"by\": \"ann\",", "\"verified\": true, ", "verified"),
        ("\"approver\"", "\"approver2\": \"x\", ", "approver2"),
    ] {
        let text = json.replacen(anchor, &format!("{insert}{anchor}"), 1);
        if anchor == "\"approver\"" {
            // The worked state has no waiver: add one and test inside it.
            let mut state = worked(&spec);
            let i = ix(&spec, "build-passes");
            state.reopen(i, &Actor::new("ann"), "again").unwrap();
            state
                .waive(i, &Actor::new("ann"), "flaky", "bob", None)
                .unwrap();
            let json = state.to_json();
            let text = json.replacen("\"waiver\": {", &format!("\"waiver\": {{{insert}"), 1);
            assert_ne!(text, json);
            let (_, _, message) = json_err(&spec, &text);
            assert!(
                message.contains(&format!("unknown field `{field}`")),
                "{message}"
            );
            continue;
        }
        assert_ne!(text, json, "{field}");
        let (_, _, message) = json_err(&spec, &text);
        assert!(
            message.contains(&format!("unknown field `{field}`")),
            "{message}"
        );
    }
    // An unknown status and an unknown action are unknown variants.
    let text = json.replacen("\"status\": \"done\"", "\"status\": \"finished\"", 1);
    assert!(
        json_err(&spec, &text)
            .2
            .contains("unknown variant `finished`")
    );
    let text = json.replacen("\"action\": \"complete\"", "\"action\": \"delete\"", 1);
    assert!(
        json_err(&spec, &text)
            .2
            .contains("unknown variant `delete`")
    );
}

#[test]
fn a_wrong_format_version_is_refused_by_name() {
    let spec = spec();
    let json = worked(&spec).to_json();
    // Format 2 is written; format 1 is still read; anything else is refused by name.
    for found in [
        "checklist-state/3",
        "checklist-state/0",
        "",
        "CHECKLIST-STATE/2",
        "checklist-state/2 ",
    ] {
        let text = json.replacen("\"checklist-state/2\"", &format!("\"{found}\""), 1);
        match load_err(&spec, &text) {
            StateError::Format { found: f } => assert_eq!(f, found),
            other => panic!("{found:?}: {other:?}"),
        }
    }
    // Not a string at all, or missing: the document's shape is wrong.
    let text = json.replacen("\"checklist-state/2\"", "2", 1);
    assert!(json_err(&spec, &text).2.contains("invalid type"));
    let text = json.replacen("\"format\": \"checklist-state/2\",", "", 1);
    assert!(json_err(&spec, &text).2.contains("missing field `format`"));
}

#[test]
fn numbers_and_dates_out_of_range_are_json_errors() {
    let spec = spec();
    let json = worked(&spec).to_json();
    for (from, to) in [
        ("\"revision\": 5,", "\"revision\": 18446744073709551616,"),
        ("\"revision\": 5,", "\"revision\": -1,"),
        ("\"revision\": 5,", "\"revision\": 1e400,"),
        ("\"seq\": 1,", "\"seq\": 1.5,"),
        (
            "\"at\": \"2026-11-26T09:00:00Z\"",
            "\"at\": \"+999999-01-01T00:00:00Z\"",
        ),
        (
            "\"at\": \"2026-11-26T09:00:00Z\"",
            "\"at\": \"2026-02-30T00:00:00Z\"",
        ),
    ] {
        let text = json.replacen(from, to, 1);
        assert_ne!(text, json, "{to}");
        json_err(&spec, &text);
    }
}

// --- the log ---------------------------------------------------------------------------

#[test]
fn events_out_of_order_are_refused_naming_the_event() {
    let spec = spec();
    let state = worked(&spec);
    let events = state.events().to_vec();

    // Two events swapped as they are: the sequence numbers give it away.
    let mut swapped = events.clone();
    swapped.swap(1, 2);
    match load_err(&spec, &with_events(&state, swapped)) {
        StateError::Chain(ChainError::OutOfOrder {
            seq: 3,
            position: 2,
        }) => {}
        other => panic!("{other:?}"),
    }

    // Swapped, renumbered and re-hashed: the revisions give it away.
    let mut swapped = events.clone();
    swapped.swap(1, 2);
    for (n, e) in swapped.iter_mut().enumerate() {
        e.seq = n as u64 + 1;
    }
    rehash(&mut swapped);
    match load_err(&spec, &with_events(&state, swapped)) {
        StateError::Chain(ChainError::RevisionOutOfOrder {
            seq: 2,
            revision: 3,
            previous: 1,
        }) => {}
        other => panic!("{other:?}"),
    }

    // Revisions renumbered too: the timestamps give it away.
    let mut swapped = events.clone();
    swapped.swap(1, 2);
    for (n, e) in swapped.iter_mut().enumerate() {
        e.seq = n as u64 + 1;
        e.revision = n as u64 + 1;
    }
    rehash(&mut swapped);
    match load_err(&spec, &with_events(&state, swapped)) {
        StateError::Chain(ChainError::TimeGoesBack { seq: 3 }) => {}
        other => panic!("{other:?}"),
    }

    // Timestamps swapped as well: a consistent log of another history, which the
    // stored item states do not match.
    let mut swapped = events.clone();
    swapped.swap(1, 2);
    let (a, b) = (swapped[1].at, swapped[2].at);
    swapped[1].at = b;
    swapped[2].at = a;
    for (n, e) in swapped.iter_mut().enumerate() {
        e.seq = n as u64 + 1;
        e.revision = n as u64 + 1;
    }
    rehash(&mut swapped);
    match load_err(&spec, &with_events(&state, swapped)) {
        StateError::Mismatch { item } => assert_eq!(item, "tests-pass"),
        other => panic!("{other:?}"),
    }

    // A missing event and a repeated one.
    let mut dropped = events.clone();
    dropped.remove(3);
    assert!(matches!(
        load_err(&spec, &with_events(&state, dropped)),
        StateError::Chain(ChainError::OutOfOrder {
            seq: 5,
            position: 4
        })
    ));
    let mut repeated = events.clone();
    repeated.insert(2, events[1].clone());
    assert!(matches!(
        load_err(&spec, &with_events(&state, repeated)),
        StateError::Chain(ChainError::OutOfOrder {
            seq: 2,
            position: 3
        })
    ));
}

#[test]
fn a_hash_chain_that_forks_is_refused() {
    let spec = spec();
    // Two runs share events #1 and #2, then each writes its own #3.
    let mut base = fresh(&spec);
    base.complete(ix(&spec, "build-passes"), &Actor::new("ann"))
        .unwrap();
    base.complete(ix(&spec, "tests-pass"), &Actor::new("bob"))
        .unwrap();
    let mut a = base.clone();
    let mut b = base.clone();
    a.fill(ix(&spec, "release-date"), &Actor::new("ann"), "2026-12-01")
        .unwrap();
    a.skip(ix(&spec, "docs-updated"), &Actor::new("ann"), Some("n/a"))
        .unwrap();
    b.fill(ix(&spec, "release-date"), &Actor::new("bob"), "2027-01-15")
        .unwrap();
    let (ea, eb) = (a.events().to_vec(), b.events().to_vec());
    // Both #3 chain from the same #2, with real hashes: each branch alone is valid.
    assert_eq!(ea[2].seq, eb[2].seq);
    assert_ne!(ea[2].hash, eb[2].hash);
    assert_eq!(ea[2].hash, ea[2].compute_hash(&ea[1].hash));
    assert_eq!(eb[2].hash, eb[2].compute_hash(&ea[1].hash));
    assert!(State::from_json(&spec, &a.to_json()).is_ok());
    assert!(State::from_json(&spec, &b.to_json()).is_ok());

    // Both branches in one log: the second #3 is where a #4 should be.
    let mut forked = ea[..3].to_vec();
    forked.push(eb[2].clone());
    match load_err(&spec, &with_events(&a, forked)) {
        StateError::Chain(ChainError::OutOfOrder {
            seq: 3,
            position: 4,
        }) => {}
        other => panic!("{other:?}"),
    }
    // The other branch's #3 renumbered #4, still chaining from #2: its hash is real,
    // but from the wrong predecessor.
    let mut forked = ea[..3].to_vec();
    let mut b3 = eb[2].clone();
    b3.seq = 4;
    b3.hash = b3.compute_hash(&ea[1].hash);
    forked.push(b3);
    match load_err(&spec, &with_events(&a, forked)) {
        StateError::Chain(ChainError::HashMismatch {
            seq: 4,
            position: 4,
        }) => {}
        other => panic!("{other:?}"),
    }
    // Branch B's #3 spliced under branch A's #4.
    let mut spliced = ea[..2].to_vec();
    spliced.push(eb[2].clone());
    spliced.push(ea[3].clone());
    match load_err(&spec, &with_events(&a, spliced)) {
        StateError::Chain(ChainError::HashMismatch {
            seq: 4,
            position: 4,
        }) => {}
        other => panic!("{other:?}"),
    }
    // Branch B's log under branch A's item states.
    let mut doc = a.to_document();
    doc.events = eb.clone();
    doc.revision = 3;
    let text = serde_json::to_string(&doc).unwrap();
    match load_err(&spec, &text) {
        StateError::Mismatch { item } => assert_eq!(item, "docs-updated"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_revision_that_goes_backwards_is_refused() {
    let spec = spec();
    let state = worked(&spec);
    // Revisions 1, 2, 3, 2, 3, re-hashed so that only the revision rule catches it.
    let mut events = state.events().to_vec();
    events[3].revision = 2;
    events[4].revision = 3;
    rehash(&mut events);
    match load_err(&spec, &with_events(&state, events)) {
        StateError::Chain(ChainError::RevisionOutOfOrder {
            seq: 4,
            revision: 2,
            previous: 3,
        }) => {}
        other => panic!("{other:?}"),
    }
    // A first event at revision 0, and a jump of two.
    let mut events = state.events().to_vec();
    for e in &mut events {
        e.revision -= 1;
    }
    rehash(&mut events);
    assert!(matches!(
        load_err(&spec, &with_events(&state, events)),
        StateError::Chain(ChainError::RevisionOutOfOrder {
            seq: 1,
            revision: 0,
            previous: 0
        })
    ));
    let mut events = state.events().to_vec();
    events[4].revision = 6;
    rehash(&mut events);
    assert!(matches!(
        load_err(&spec, &with_events(&state, events)),
        StateError::Chain(ChainError::RevisionOutOfOrder {
            seq: 5,
            revision: 6,
            previous: 4
        })
    ));
    // The stored revision behind (or ahead of) its log.
    for stored in [4, 6, 0] {
        let mut doc = state.to_document();
        doc.revision = stored;
        match load_err(&spec, &serde_json::to_string(&doc).unwrap()) {
            StateError::Revision {
                stored: s,
                logged: 5,
            } => assert_eq!(s, stored),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn ids_that_do_not_exist_in_the_spec_are_refused() {
    let spec = spec();
    let state = worked(&spec);
    // An event naming an unknown item, re-hashed, in a document for this exact spec.
    let mut events = state.events().to_vec();
    events[1].item = "no-such-item".into();
    rehash(&mut events);
    match load_err(&spec, &with_events(&state, events)) {
        StateError::UnknownItem { seq, item } => {
            assert_eq!((seq, item.as_str()), (2, "no-such-item"));
        }
        other => panic!("{other:?}"),
    }
    // An id that differs only after slugging is still another id.
    let mut events = state.events().to_vec();
    events[0].item = "Build Passes".into();
    rehash(&mut events);
    assert!(matches!(
        load_err(&spec, &with_events(&state, events)),
        StateError::UnknownItem { seq: 1, .. }
    ));
    // An unknown id in the item map, and a missing one.
    let mut doc = state.to_document();
    let v = doc.items.shift_remove("tests-pass").unwrap();
    doc.items.insert("tests-passed".into(), v);
    match load_err(&spec, &serde_json::to_string(&doc).unwrap()) {
        // Same count, so the first id of the checklist that is missing is named.
        StateError::Items { item } => assert_eq!(item, "tests-pass"),
        other => panic!("{other:?}"),
    }
    // An extra id: that one is named.
    let mut doc = state.to_document();
    doc.items
        .insert("tests-passed".into(), checklist_md::ItemState::Pending);
    match load_err(&spec, &serde_json::to_string(&doc).unwrap()) {
        StateError::Items { item } => assert_eq!(item, "tests-passed"),
        other => panic!("{other:?}"),
    }
    let mut doc = state.to_document();
    doc.items.shift_remove("tests-pass");
    match load_err(&spec, &serde_json::to_string(&doc).unwrap()) {
        StateError::Items { item } => assert_eq!(item, "tests-pass"),
        other => panic!("{other:?}"),
    }
    // For contrast: a document made for an older checklist may name items this one no
    // longer has; it migrates, keeping them as orphans.
    let mut doc = state.to_document();
    doc.checklist.digest = "sha256:older".into();
    let v = doc.items.shift_remove("tests-pass").unwrap();
    doc.items.insert("old-check".into(), v);
    let loaded = State::from_json(&spec, &serde_json::to_string(&doc).unwrap()).unwrap();
    let migration = loaded.migration.unwrap();
    assert_eq!(migration.removed, ["old-check"]);
    assert_eq!(migration.added, ["tests-pass"]);
}

#[test]
fn a_migrated_log_may_name_orphans_but_nothing_else() {
    // v1 has an item that v2 drops; the log keeps v1's event for it, the document keeps
    // its state under `orphans`.
    let v1 = Arc::new(
        parse(
            &SMALL.replace("- [ ] Tests pass\n", "- [ ] Tests pass\n- [ ] Old check\n"),
            &ParseOptions::new("release.md"),
        )
        .unwrap()
        .spec,
    );
    let v2 = spec();
    let mut old = fresh(&v1);
    old.complete(ix(&v1, "build-passes"), &Actor::new("ann"))
        .unwrap();
    old.complete(ix(&v1, "old-check"), &Actor::new("bob"))
        .unwrap();
    let migrated = State::from_json(&v2, &old.to_json()).unwrap();
    assert_eq!(migrated.migration.unwrap().removed, ["old-check"]);
    let json = migrated.state.to_json();
    // Saved for v2, it loads for v2 again: the event names an orphan.
    let again = State::from_json(&v2, &json).unwrap();
    assert!(again.migration.is_none());
    assert!(again.state.orphans().contains_key("old-check"));
    assert_eq!(again.state.to_json(), json);

    // Without the orphan, the same event names an item this checklist never had.
    let mut doc: Document = serde_json::from_str(&json).unwrap();
    doc.orphans.clear();
    match load_err(&v2, &serde_json::to_string(&doc).unwrap()) {
        StateError::UnknownItem { seq, item } => assert_eq!((seq, item.as_str()), (2, "old-check")),
        other => panic!("{other:?}"),
    }
    // An event re-hashed onto an id that is neither an item nor an orphan.
    let mut doc: Document = serde_json::from_str(&json).unwrap();
    doc.events[1].item = "never-existed".into();
    rehash(&mut doc.events);
    match load_err(&v2, &serde_json::to_string(&doc).unwrap()) {
        StateError::UnknownItem { seq, item } => {
            assert_eq!((seq, item.as_str()), (2, "never-existed"));
        }
        other => panic!("{other:?}"),
    }
}

// --- size ------------------------------------------------------------------------------

/// A valid document whose block reason (in the log and in the item map) is `len` bytes.
fn with_long_reason(spec: &Arc<Spec>, len: usize) -> String {
    let mut state = fresh(spec);
    let reason = "r".repeat(len);
    state
        .block(ix(spec, "build-passes"), &Actor::new("ann"), &reason)
        .unwrap();
    state.to_json()
}

fn check_long_string(len: usize) {
    let spec = spec();
    let json = with_long_reason(&spec, len);
    match load_err(&spec, &json) {
        StateError::Limit {
            field,
            size,
            limit,
            what,
        } => {
            assert_eq!((field, size, limit), ("max_text_bytes", len, 1 << 20));
            assert_eq!(what, "longest text in bytes");
        }
        other => panic!("{other:?}"),
    }
    let message = load_err(&spec, &json).to_string();
    assert!(
        message.contains("raise `LoadLimits::max_text_bytes`"),
        "{message}"
    );
    // Raised, it loads.
    let limits = LoadLimits {
        max_text_bytes: len,
        ..LoadLimits::default()
    };
    let loaded = State::from_json_with_limits(&spec, &json, &limits).unwrap();
    assert_eq!(
        loaded.state.events()[0].payload.words().map(str::len),
        Some(len)
    );
}

#[test]
fn a_2_mb_string_is_over_the_default_text_limit() {
    check_long_string(2 << 20);
}

#[test]
#[ignore = "100 MB: run by scripts/hostile-big.sh"]
fn a_100_mb_string_is_refused_and_loads_with_raised_limits() {
    check_long_string(100 << 20);
}

#[test]
fn each_load_limit_has_its_own_error_and_raising_it_loads() {
    let spec = spec();
    let json = worked(&spec).to_json();
    // The longest text: an item id, an actor, a reason or a value.
    let doc = checklist_md::Document::from_json(&json, &LoadLimits::default()).unwrap();
    let longest = doc
        .items
        .keys()
        .map(String::len)
        .chain(doc.events.iter().flat_map(|e| e.texts().map(str::len)))
        .max()
        .unwrap();
    let cases = [
        (
            "max_bytes",
            LoadLimits {
                max_bytes: 100,
                ..LoadLimits::default()
            },
            LoadLimits {
                max_bytes: json.len(),
                ..LoadLimits::default()
            },
            json.len(),
            100,
        ),
        (
            "max_events",
            LoadLimits {
                max_events: 4,
                ..LoadLimits::default()
            },
            LoadLimits {
                max_events: 5,
                ..LoadLimits::default()
            },
            5,
            4,
        ),
        (
            "max_text_bytes",
            LoadLimits {
                max_text_bytes: longest - 1,
                ..LoadLimits::default()
            },
            LoadLimits {
                max_text_bytes: longest,
                ..LoadLimits::default()
            },
            longest,
            longest - 1,
        ),
    ];
    for (name, low, high, size, value) in cases {
        match State::from_json_with_limits(&spec, &json, &low) {
            Err(e @ StateError::Limit { .. }) => {
                let StateError::Limit {
                    field,
                    size: s,
                    limit,
                    ..
                } = &e
                else {
                    unreachable!()
                };
                assert_eq!((*field, *s, *limit), (name, size, value));
                assert!(e.to_string().contains(&format!("`LoadLimits::{name}`")));
                assert!(e.help().contains("LoadLimits"));
            }
            other => panic!("{name}: {other:?}"),
        }
        State::from_json_with_limits(&spec, &json, &high).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

// --- the file store --------------------------------------------------------------------

#[test]
fn a_state_file_over_max_bytes_is_refused_before_it_is_read() {
    let spec = spec();
    let dir = tempfile::tempdir().unwrap();
    // A sparse 1 GiB file: reading it would take seconds and a gigabyte of memory.
    let path = dir.path().join("huge.json");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let store = FileStore::new(&path);
    let started = std::time::Instant::now();
    match store.load(&spec) {
        Err(StoreError::State {
            source:
                StateError::Limit {
                    field: "max_bytes",
                    size,
                    limit,
                    ..
                },
            ..
        }) => assert_eq!((size, limit), (1 << 30, 256 << 20)),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    // Updates and saves are refused too, and leave the file alone.
    let err = store
        .update(&spec, |s| {
            s.complete(ix(&spec, "build-passes"), &Actor::new("ann"))
        })
        .unwrap_err();
    assert!(chain(&err).contains("LoadLimits::max_bytes"), "{err}");
    assert!(matches!(
        store.save(&fresh(&spec), None),
        Err(StoreError::State {
            source: StateError::Limit {
                field: "max_bytes",
                ..
            },
            ..
        })
    ));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1 << 30);

    // A real file against a small limit; raised, it loads.
    let path = dir.path().join("state.json");
    let json = worked(&spec).to_json();
    std::fs::write(&path, &json).unwrap();
    let small = LoadLimits {
        max_bytes: 1_000,
        ..LoadLimits::default()
    };
    match FileStore::new(&path).with_limits(small).load_document() {
        Err(StoreError::State {
            source:
                StateError::Limit {
                    field: "max_bytes",
                    size,
                    limit: 1_000,
                    ..
                },
            location: p,
        }) => {
            assert_eq!(size, json.len());
            assert!(p.ends_with("state.json"));
        }
        other => panic!("{other:?}"),
    }
    let loaded = FileStore::new(&path)
        .with_limits(LoadLimits {
            max_bytes: json.len(),
            ..small
        })
        .load(&spec)
        .unwrap();
    assert_eq!(loaded.state.revision(), 5);
    // Other limits apply through the store as well.
    let few = LoadLimits {
        max_events: 2,
        ..LoadLimits::default()
    };
    assert!(matches!(
        FileStore::new(&path).with_limits(few).load(&spec),
        Err(StoreError::State {
            source: StateError::Limit {
                field: "max_events",
                ..
            },
            ..
        })
    ));
}

#[test]
fn a_truncated_or_forged_state_file_is_refused_by_the_store() {
    let spec = spec();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let json = worked(&spec).to_json();
    std::fs::write(&path, &json[..json.len() / 3]).unwrap();
    let store = FileStore::new(&path);
    assert!(matches!(
        store.load(&spec),
        Err(StoreError::State {
            source: StateError::Json { .. },
            ..
        })
    ));
    // A refused load never writes.
    let before = std::fs::read(&path).unwrap();
    assert!(
        store
            .update(&spec, |s| s
                .complete(ix(&spec, "build-passes"), &Actor::new("x")))
            .is_err()
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A forged log, same.
    let mut events = worked(&spec).events().to_vec();
    events[0].actor = "mallory".into();
    std::fs::write(&path, with_events(&worked(&spec), events)).unwrap();
    assert!(matches!(
        store.load(&spec),
        Err(StoreError::State {
            source: StateError::Chain(ChainError::HashMismatch {
                seq: 1,
                position: 1
            }),
            ..
        })
    ));
}

// --- time -------------------------------------------------------------------------------

#[test]
fn a_log_dated_in_the_future_is_reported_and_pins_later_times() {
    let spec = spec();
    // Written by a machine whose clock was at 2099.
    let ahead = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    let mut s = State::new(&spec).with_clock(Arc::new(FixedClock::new(ahead)));
    s.complete(ix(&spec, "build-passes"), &Actor::new("ann"))
        .unwrap();
    let json = s.to_json();
    // Read by a machine whose clock is right.
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
    let doc = Document::from_json(&json, &LoadLimits::default()).unwrap();
    let loaded =
        State::from_document_with_clock(&spec, doc, Arc::new(FixedClock::new(now))).unwrap();
    assert_eq!(
        loaded.warnings,
        [checklist_md::LoadWarning::FutureEvents {
            seq: 1,
            at: ahead,
            now
        }]
    );
    assert!(loaded.warnings[0].to_string().contains("check the clock"));
    // Times in the log never go back: the next event is dated as the one before it.
    let mut state = loaded.state;
    state
        .complete(ix(&spec, "tests-pass"), &Actor::new("bob"))
        .unwrap();
    assert_eq!(state.events()[1].at, ahead);
    // Within the skew, nothing is said.
    let doc = Document::from_json(&json, &LoadLimits::default()).unwrap();
    let close = ahead - checklist_md::state::CLOCK_SKEW;
    let loaded =
        State::from_document_with_clock(&spec, doc, Arc::new(FixedClock::new(close))).unwrap();
    assert!(loaded.warnings.is_empty());
}

#[test]
fn no_event_is_dated_beyond_what_rfc_3339_writes() {
    let spec = spec();
    let last = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
    let mut s =
        State::new(&spec).with_clock(Arc::new(FixedClock::stepping(last, Duration::seconds(1))));
    s.complete(ix(&spec, "build-passes"), &Actor::new("ann"))
        .unwrap();
    let before = s.to_json();
    // The clock's next reading is in the year 10000: refused, nothing changed.
    let err = s
        .complete(ix(&spec, "tests-pass"), &Actor::new("bob"))
        .unwrap_err();
    assert!(
        matches!(err.refusal, checklist_md::Refusal::TimeOutOfRange { .. }),
        "{err}"
    );
    assert!(err.help().contains("clock"));
    assert_eq!(s.to_json(), before);
    // A document dated beyond it (as a forger or an old bug would write it) is refused.
    let mut events = s.events().to_vec();
    events[0].at = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
    rehash(&mut events);
    match load_err(&spec, &with_events(&s, events)) {
        StateError::Event { seq: 1, problem } => assert!(problem.contains("RFC 3339"), "{problem}"),
        other => panic!("{other:?}"),
    }
}

// --- migration keeps the rules ------------------------------------------------------------

#[test]
fn migration_reopens_a_done_parent_whose_new_child_is_open() {
    let v1 = Arc::new(Spec::parse("# R\n\n- [ ] Ship\n  - [ ] Build\n").unwrap());
    let v2 = Arc::new(
        Spec::parse("# R\n\n- [ ] Ship\n  - [ ] Build\n  - [ ] Sign the binaries\n").unwrap(),
    );
    let mut s = fresh(&v1);
    s.complete(ix(&v1, "ship/build"), &Actor::new("ann"))
        .unwrap();
    s.complete(ix(&v1, "ship"), &Actor::new("ann")).unwrap();
    let loaded = State::from_json(&v2, &s.to_json()).unwrap();
    let migration = loaded.migration.unwrap();
    assert_eq!(migration.added, ["ship/sign-the-binaries"]);
    assert_eq!(migration.reopened, ["ship"]);
    let state = loaded.state;
    assert_eq!(
        state.get("ship").unwrap().status(),
        checklist_md::Status::Pending
    );
    assert_eq!(
        state.get("ship/build").unwrap().status(),
        checklist_md::Status::Done
    );
    let reopen = state.events().last().unwrap();
    assert_eq!(reopen.action(), checklist_md::Action::Reopen);
    assert_eq!(&*reopen.actor, "checklist");
    assert!(
        reopen
            .payload
            .words()
            .unwrap()
            .contains("`ship/sign-the-binaries` is open"),
        "{reopen:?}"
    );
    // The migrated state still obeys the rules, and verifies.
    assert_eq!(
        State::replay(&v2, state.events().to_vec()).unwrap().items(),
        state.items()
    );
}

#[test]
fn migration_reopens_done_steps_after_a_new_open_step() {
    let v1 = Arc::new(Spec::parse("# R\n\n1. [ ] Stage\n2. [ ] Prod\n").unwrap());
    let v2 = Arc::new(Spec::parse("# R\n\n1. [ ] Backup\n2. [ ] Stage\n3. [ ] Prod\n").unwrap());
    let mut s = fresh(&v1);
    s.complete(ix(&v1, "stage"), &Actor::new("ann")).unwrap();
    s.complete(ix(&v1, "prod"), &Actor::new("ann")).unwrap();
    let loaded = State::from_json(&v2, &s.to_json()).unwrap();
    let migration = loaded.migration.unwrap();
    // The last step first, as a person would have to.
    assert_eq!(migration.reopened, ["prod", "stage"]);
    assert!(migration.to_string().contains("2 reopened"), "{migration}");
    let state = loaded.state;
    for id in ["backup", "stage", "prod"] {
        assert_eq!(
            state.get(id).unwrap().status(),
            checklist_md::Status::Pending,
            "{id}"
        );
    }
    // One revision for the whole migration.
    let last = state.events().last().unwrap().revision;
    assert_eq!(
        state.events().iter().filter(|e| e.revision == last).count(),
        2
    );
}

// --- checks -----------------------------------------------------------------------------

/// A forger who edits any field of a check's evidence (the exit status, the output's
/// digest or its tail) in the log breaks the chain at that event: the evidence is hashed
/// as the event's extension.
#[test]
fn tampered_evidence_of_a_check_is_refused() {
    let spec = Arc::new(
        parse(
            "+++\n[checks.build-passes]\nrun = \"exit 1\"\n+++\n# Release\n\n- [ ] Build passes\n- [ ] Tests pass\n",
            &ParseOptions::new("release.md"),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .spec,
    );
    let build = ix(&spec, "build-passes");
    let mut state = fresh(&spec);
    let check = spec.check(build).unwrap();
    let run = checklist_md::Evidence::new(
        check,
        state.now(),
        std::time::Duration::from_millis(7),
        checklist_md::Outcome::Exit(1),
        b"error: linker not found\n",
    );
    state.record_check(build, &Actor::new("ci"), &run).unwrap();
    state
        .complete(ix(&spec, "tests-pass"), &Actor::new("ann"))
        .unwrap();
    let json = state.to_json();
    assert!(State::from_json(&spec, &json).is_ok());
    for (from, to) in [
        ("\"exit\": 1", "\"exit\": 0"),
        ("linker not found", "all green here"),
        ("\"duration_ms\": 7", "\"duration_ms\": 8"),
    ] {
        // The event and the item state both hold the evidence; edit both, as a forger
        // would, so that the state still equals the replay.
        assert!(json.contains(from), "{from}");
        let forged = json.replace(from, to);
        let e = load_err(&spec, &forged);
        assert!(
            matches!(
                e,
                StateError::Chain(ChainError::HashMismatch {
                    seq: 1,
                    position: 1
                })
            ),
            "{from}: {}",
            chain(&e)
        );
    }
}
