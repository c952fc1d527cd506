//! A catalogue of hostile Markdown. Every case asserts its exact outcome: either a clean
//! error with its code, line and column (and, for resource limits, a message and help
//! that name the `Limits` field to raise), or a successful parse with the expected items.
//! None may panic, hang or overflow the stack: the deep cases run on a deliberately
//! small stack, so any recursion on the input's structure would show.
//!
//! The inputs of tens of megabytes are `#[ignore]`d in the default run (they take more
//! than a few seconds in a debug build); `scripts/hostile-big.sh` runs them in release
//! under a time budget.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use checklist_md::{
    Actor, Code, Diagnostic, Diagnostics, ItemState, Limits, Mark, NoteKind, ParseOptions, Parsed,
    Request, Severity, Spec, State, parse, parse_bytes,
};

// --- helpers ---------------------------------------------------------------------------

fn opts() -> ParseOptions {
    ParseOptions::new("hostile.md")
}

fn with(limits: impl FnOnce(&mut Limits)) -> ParseOptions {
    let mut l = Limits::default();
    limits(&mut l);
    opts().limits(l)
}

fn ok(source: &str, options: &ParseOptions) -> Parsed {
    parse(source, options).unwrap_or_else(|e| panic!("expected a parse, got:\n{e}"))
}

fn fails(source: &str, options: &ParseOptions) -> Diagnostics {
    match parse(source, options) {
        Ok(p) => panic!(
            "expected the parse to fail; it gave {} items and warnings:\n{}",
            p.spec.items().len(),
            p.render_warnings()
        ),
        Err(e) => e,
    }
}

/// The one error among the diagnostics (warnings may travel with it).
fn the_error(err: &Diagnostics) -> &Diagnostic {
    let errors: Vec<&Diagnostic> = err.errors().collect();
    assert_eq!(errors.len(), 1, "expected exactly one error:\n{err}");
    errors[0]
}

/// Asserts code, line and column of a diagnostic.
fn at(d: &Diagnostic, code: Code, line: u32, column: u32) {
    assert_eq!(
        (d.code, d.location.line, d.location.column),
        (code, line, column),
        "{}: {}",
        d.code,
        d.message
    );
    assert!(
        d.help.as_deref().is_some_and(|h| !h.is_empty()),
        "{} has help",
        d.code
    );
}

/// Asserts an E0012 whose message gives the limit's value and whose help names the
/// `Limits` field and says to raise it.
fn limit(d: &Diagnostic, field: &str, value: usize, line: u32, column: u32) {
    at(d, Code::LimitExceeded, line, column);
    assert_eq!(d.severity, Severity::Error);
    let help = d.help.as_deref().unwrap_or_default();
    assert!(
        help.contains(&format!("raise `Limits::{field}`")),
        "help names `Limits::{field}`: {help}"
    );
    assert!(
        d.message.contains(&format!("limit of {value}")),
        "message gives the limit {value}: {}",
        d.message
    );
}

fn ids(spec: &Spec) -> Vec<&str> {
    spec.items().iter().map(|i| i.id()).collect()
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

/// Runs `f` on a thread with a small stack: 256 KiB is far less than any recursion over
/// ten thousand levels would need, so passing here means no recursion on the input.
fn on_small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    on_stack(256, f)
}

fn on_stack<T: Send>(kib: usize, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(kib << 10)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

// --- encodings and line endings --------------------------------------------------------

#[test]
fn invalid_utf8_is_e0013_at_the_first_bad_byte() {
    // A stray 0xFF on line 4, after `- [ ] b` (byte 20).
    let err = parse_bytes(b"# T\n\n- [ ] a\n- [ ] b\xff\n", &opts()).unwrap_err();
    let d = the_error(&err);
    at(d, Code::InvalidUtf8, 4, 8);
    assert_eq!(d.message, "byte 20 is not valid UTF-8");
    assert_eq!(err.diagnostics().len(), 1);

    // At the very start, a truncated sequence at the very end, an encoded surrogate and
    // an overlong encoding: each points at its first bad byte.
    for (bytes, line, column, byte) in [
        (&b"\xfe- [ ] a\n"[..], 1, 1, 0),
        (&b"- [ ] a\n- [ ] \xe2\x82"[..], 2, 7, 14),
        (&b"- [ ] a\xed\xa0\x80\n"[..], 1, 8, 7),
        (&b"# T\n\n\xc0\xaf\n"[..], 3, 1, 5),
    ] {
        let err = parse_bytes(bytes, &opts()).unwrap_err();
        let d = the_error(&err);
        at(d, Code::InvalidUtf8, line, column);
        assert_eq!(d.message, format!("byte {byte} is not valid UTF-8"));
        // The rendered report shows the valid prefix, caret under the bad byte.
        assert!(
            err.to_string()
                .contains(&format!("hostile.md:{line}:{column}"))
        );
    }
}

#[test]
fn a_utf8_bom_is_skipped_and_locations_ignore_it() {
    let plain = "# T\n\n## S\n\n- [ ] a\n- [ ] b\n";
    let bom = format!("\u{feff}{plain}");
    let want = ok(plain, &opts());
    for parsed in [
        ok(&bom, &opts()),
        parse_bytes(bom.as_bytes(), &opts()).unwrap(),
    ] {
        assert_eq!(ids(&parsed.spec), ["s/a", "s/b"]);
        assert_eq!(parsed.spec.id(), "t");
        assert_eq!(parsed.spec.digest(), want.spec.digest());
        assert_eq!(parsed.spec.items()[1].line(), 6);
        assert!(parsed.warnings.is_empty());
    }
    // A diagnostic after a BOM is at the same line and column as without it.
    let err = fails("\u{feff}# T\n\n- [ ] a {#x\n", &opts());
    at(the_error(&err), Code::UnreadableAttributes, 3, 9);
    // A BOM anywhere else is just a character, not a letter: it separates words.
    let parsed = ok("- [ ] a\u{feff}b\n", &opts());
    assert_eq!(ids(&parsed.spec), ["a-b"]);
}

#[test]
fn crlf_and_lone_cr_line_endings_give_the_same_items_and_lines() {
    let lf = "# T\n\n## S\n\n- [ ] a\n  - [ ] child\n- [ ] Due Date: ____\n\n## U\n\n1. [ ] one\n2. [ ] two\n";
    let want = ok(lf, &opts());
    let want_lines: Vec<u32> = want.spec.items().iter().map(|i| i.line()).collect();
    assert_eq!(
        ids(&want.spec),
        ["s/a", "s/a/child", "s/due-date", "u/one", "u/two"]
    );
    for eol in ["\r\n", "\r"] {
        let src = lf.replace('\n', eol);
        let parsed = ok(&src, &opts());
        assert!(parsed.warnings.is_empty(), "{eol:?}");
        assert_eq!(ids(&parsed.spec), ids(&want.spec), "{eol:?}");
        let lines: Vec<u32> = parsed.spec.items().iter().map(|i| i.line()).collect();
        assert_eq!(lines, want_lines, "{eol:?}");
        assert_eq!(
            parsed.spec.items()[1].parent(),
            Some(parsed.spec.items()[0].index())
        );
        // Errors are located by the same lines.
        let bad = format!("# T{eol}{eol}- [ ] a{eol}- [ ] b {{#x{eol}");
        at(
            the_error(&fails(&bad, &opts())),
            Code::UnreadableAttributes,
            4,
            9,
        );
    }
    // Rendering a state into each keeps the ids and the line endings' meaning.
    for eol in ["\n", "\r\n", "\r"] {
        let src = lf.replace('\n', eol);
        let spec = ok(&src, &opts()).spec;
        let mut state = State::new(spec.clone());
        // Children before their parent, steps in order.
        for id in ["s/a/child", "s/a", "u/one", "u/two"] {
            let item = spec.index_of(id).unwrap();
            state.complete(item, &Actor::new("ann")).unwrap();
        }
        let rendered = state.render_markdown();
        assert_eq!(rendered.matches("> done by ann").count(), 4, "{eol:?}");
        let again = ok(&rendered, &opts());
        assert_eq!(ids(&again.spec), ids(&want.spec), "{eol:?}");
        assert_eq!(again.spec.items()[0].mark(), Mark::Checked);
    }
    // Mixed endings in one file.
    let mixed = "# T\r\n\r- [ ] a\n- [ ] b\r\n- [ ] c {#x\r";
    at(
        the_error(&fails(mixed, &opts())),
        Code::UnreadableAttributes,
        5,
        9,
    );
}

#[test]
fn nul_bytes_are_replaced_not_trusted() {
    // CommonMark replaces NUL with U+FFFD, which is not a letter: it separates words.
    let parsed = ok("# T\0\n\n- [ ] a\0b\n- [ ] \0\n- [ ] \0c\0\n", &opts());
    assert_eq!(ids(&parsed.spec), ["a-b", "item", "c"]);
    assert_eq!(parsed.spec.id(), "t");
    assert!(parsed.warnings.is_empty());
    // The renderer splices into the raw source, NULs and all; it reads back the same.
    let mut state = State::new(parsed.spec.clone());
    for item in parsed.spec.items() {
        // A NUL is no part of a name: an actor holding one is refused.
        assert!(state.complete(item.index(), &Actor::new("a\0b")).is_err());
        state.complete(item.index(), &Actor::new("a b")).unwrap();
    }
    let again = ok(&state.render_markdown(), &opts());
    assert_eq!(ids(&again.spec), ["a-b", "item", "c"]);
    // In an id pin, a NUL makes it invalid (E0007), located at the pin.
    let err = fails("- [ ] a {#x\0y}\n", &opts());
    at(the_error(&err), Code::InvalidIdPin, 1, 10);
    // In TOML front matter it is a TOML error, located in the Markdown file.
    let err = fails("+++\nid = \"a\0b\"\n+++\n- [ ] a\n", &opts());
    let d = the_error(&err);
    assert_eq!((d.code, d.location.line), (Code::InvalidFrontMatter, 2));
}

// --- nesting ---------------------------------------------------------------------------

#[test]
fn a_10000_level_nested_list_is_e0012_max_depth() {
    // One line: `- - - ... - [ ] x`. Each level is a list and an item: two frames.
    let src = "- ".repeat(10_000) + "[ ] x";
    let err = on_small_stack(|| fails(&src, &opts()));
    // The 101st frame opens at the 51st bullet, column 101.
    limit(the_error(&err), "max_depth", 100, 1, 101);
    assert!(err.to_string().contains("hostile.md:1:101"));

    // Raised far enough, the same input parses: the bullets are empty groups, so the id
    // is just the task's own slug.
    let raised = with(|l| l.max_depth = 20_000);
    let parsed = on_small_stack(|| ok(&src, &raised));
    assert_eq!(ids(&parsed.spec), ["x"]);
    // One short is still too deep.
    let err = fails(&src, &with(|l| l.max_depth = 19_999));
    assert_eq!(the_error(&err).code, Code::LimitExceeded);
}

#[test]
fn a_10000_level_nested_quote_is_e0012_max_depth() {
    let src = ">".repeat(10_000) + " - [ ] x\n";
    let err = on_small_stack(|| fails(&src, &opts()));
    limit(the_error(&err), "max_depth", 100, 1, 101);
    // 10,000 quotes, a list and an item.
    let parsed = on_small_stack(|| ok(&src, &with(|l| l.max_depth = 10_002)));
    assert_eq!(ids(&parsed.spec), ["x"]);
    assert_eq!(parsed.spec.items()[0].line(), 1);

    // Quotes deeper on every line (a lazy continuation each time).
    let src: String = (1..=1_000).map(|n| ">".repeat(n) + " text\n").collect();
    let parsed = on_small_stack(|| ok(&src, &with(|l| l.max_depth = 1_001)));
    assert!(parsed.spec.items().is_empty());
    let err = on_small_stack(|| fails(&src, &opts()));
    // Line 100 opens the 100th quote; its paragraph is the 101st frame.
    limit(the_error(&err), "max_depth", 100, 100, 102);
}

/// A task nested `depth` levels deep by indentation, one task per level.
fn nested_tasks(depth: usize) -> String {
    (0..depth)
        .map(|n| format!("{}- [ ] t{n}\n", "  ".repeat(n)))
        .collect()
}

#[test]
fn deep_nested_tasks_parse_evaluate_and_render_without_recursion() {
    // 1,000 nested tasks (two frames per level): over the default limit...
    let src = nested_tasks(1_000);
    let err = on_small_stack(|| fails(&src, &opts()));
    limit(the_error(&err), "max_depth", 100, 51, 101);
    // ...and fine when raised. The parser, the transitions (open children), the gate
    // and the renderer all work on it on a small stack.
    let spec = on_small_stack(|| ok(&src, &with(|l| l.max_depth = 2_000)).spec);
    assert_eq!(spec.items().len(), 1_000);
    let deepest = spec.items().last().unwrap();
    assert_eq!(deepest.id().split('/').count(), 1_000);
    assert!(deepest.id().starts_with("t0/t1/t2/"));
    on_small_stack(|| {
        let mut state = State::new(spec.clone());
        let ann = Actor::new("ann");
        let top = spec.items()[0].index();
        assert!(state.complete(top, &ann).is_err(), "children are open");
        for item in spec.items().iter().rev() {
            state.complete(item.index(), &ann).unwrap();
        }
        let complete = spec.gate_by_name("complete").unwrap().index();
        assert!(state.evaluate(complete).passed);
        let rendered = state.render_markdown();
        let again = parse(&rendered, &with(|l| l.max_depth = 4_000)).unwrap();
        assert_eq!(ids(&again.spec), ids(&spec));
        assert!(again.spec.items().iter().all(|i| i.mark() == Mark::Checked));
    });
}

// --- size ------------------------------------------------------------------------------

/// About `bytes` of a realistic checklist: sections of prose, code and tasks.
fn big_checklist(bytes: usize) -> (String, usize) {
    let mut s = String::with_capacity(bytes + 4096);
    s.push_str("# Big\n\n");
    let mut items = 0;
    let mut n = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "## Section {n}\n\nSome prose about section {n}, with *emphasis*, `code` and a \
             [link](https://example.com/{n}). It goes on for a while so that the file is \
             mostly text, as real checklists are.\n\n```sh\nrun --step {n}\n```\n\n\
             - [ ] Check {n} one\n- [ ] Check {n} two\n  - [ ] Sub-check {n}\n\
             - [ ] Owner {n}: ____\n\n"
        ));
        items += 4;
        n += 1;
    }
    (s, items)
}

#[test]
#[ignore = "50 MB: run by scripts/hostile-big.sh"]
fn a_50_mb_file_parses_within_the_default_limits() {
    let (src, items) = big_checklist(50_000_000);
    assert!(src.len() >= 50_000_000);
    let started = Instant::now();
    let parsed = ok(&src, &opts());
    eprintln!(
        "50 MB: {} bytes, {items} items in {:.2?}",
        src.len(),
        started.elapsed()
    );
    assert!(parsed.warnings.is_empty());
    assert_eq!(parsed.spec.items().len(), items);
    assert_eq!(
        parsed.spec.items()[2].id(),
        "section-0/check-0-two/sub-check-0"
    );
    // With a lower input limit it is refused before parsing, at 1:1.
    let err = fails(&src, &with(|l| l.max_input_bytes = 32 << 20));
    limit(the_error(&err), "max_input_bytes", 32 << 20, 1, 1);
}

#[test]
fn input_over_the_size_limit_is_refused_before_parsing() {
    // Just over the 64 MiB default: refused at once, with the limit named.
    let src = "a".repeat((64 << 20) + 1);
    let started = Instant::now();
    let err = fails(&src, &opts());
    assert!(started.elapsed().as_secs() < 5);
    limit(the_error(&err), "max_input_bytes", 64 << 20, 1, 1);
    assert!(
        the_error(&err)
            .message
            .contains(&format!("{} bytes", src.len()))
    );
    // A small file against a small limit; raised, it parses.
    let (src, items) = big_checklist(100_000);
    let err = fails(&src, &with(|l| l.max_input_bytes = 50_000));
    limit(the_error(&err), "max_input_bytes", 50_000, 1, 1);
    assert_eq!(ok(&src, &opts()).spec.items().len(), items);
}

#[test]
fn a_single_10_mb_line_is_e0012_max_text_bytes() {
    let text = "a".repeat(10 << 20);
    // As a task: refused at the item, with the limit named.
    let src = format!("# T\n\n- [ ] {text}\n");
    let err = fails(&src, &opts());
    limit(the_error(&err), "max_text_bytes", 64 << 10, 3, 1);
    assert!(
        the_error(&err)
            .message
            .contains(&format!("{} bytes", text.len()))
    );
    // Raised, it parses, and the id is the whole text: ids are never cut short.
    let parsed = ok(&src, &with(|l| l.max_text_bytes = 11 << 20));
    assert_eq!(parsed.spec.items()[0].id().len(), text.len());

    // As a heading.
    let src = format!("# T\n\n## {text}\n\n- [ ] a\n");
    limit(
        the_error(&fails(&src, &opts())),
        "max_text_bytes",
        64 << 10,
        3,
        1,
    );

    // As prose it is only a note: nothing to refuse, no items.
    let src = format!("# T\n\n{text}\n");
    let parsed = ok(&src, &opts());
    assert!(parsed.spec.items().is_empty());
    assert_eq!(codes(&parsed.warnings), ["W0001"]);
    assert_eq!(parsed.spec.root().notes()[0].kind, NoteKind::Paragraph);

    // Ten megabytes of an unclosed attribute block, of braces, of backticks: all quick.
    for (src, code, line, column) in [
        (
            format!("- [ ] a {{#{text}\n"),
            Code::UnreadableAttributes,
            1,
            9,
        ),
        (
            format!("- [ ] {}\n", "{".repeat(10 << 20)),
            Code::LimitExceeded,
            1,
            1,
        ),
        (
            format!("- [ ] {}\n", "`".repeat(10 << 20)),
            Code::LimitExceeded,
            1,
            1,
        ),
    ] {
        let started = Instant::now();
        let err = fails(&src, &opts());
        let d = err.errors().next().unwrap();
        at(d, code, line, column);
        assert!(started.elapsed().as_secs() < 30, "{code} took too long");
    }
}

#[test]
fn a_100000_item_section_parses() {
    let src: String = std::iter::once("# T\n\n## S\n\n".to_string())
        .chain((0..100_000).map(|n| format!("- [ ] Task {n}\n")))
        .collect();
    let parsed = ok(&src, &opts());
    assert!(parsed.warnings.is_empty());
    assert_eq!(parsed.spec.items().len(), 100_000);
    assert_eq!(parsed.spec.sections()[1].items().len(), 100_000);
    assert_eq!(parsed.spec.items()[99_999].id(), "s/task-99999");
    assert_eq!(parsed.spec.items()[99_999].line(), 100_004);
    // One fewer allowed: refused at the 100,000th item, naming the limit.
    let err = fails(&src, &with(|l| l.max_items = 99_999));
    limit(the_error(&err), "max_items", 99_999, 100_004, 1);
}

#[test]
fn a_100000_item_section_of_one_repeated_text_is_linear() {
    // Every item has the same id: they become `same`, `same-2` ... `same-100000`, each
    // with a warning. (Finding each suffix used to cost a scan from `-2`: quadratic.)
    let src: String = std::iter::once("# T\n\n## S\n\n".to_string())
        .chain((0..100_000).map(|_| "- [ ] Same\n".to_string()))
        .collect();
    let started = Instant::now();
    let parsed = ok(&src, &opts());
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert_eq!(parsed.spec.items().len(), 100_000);
    assert_eq!(parsed.spec.items()[0].id(), "s/same");
    assert_eq!(parsed.spec.items()[99_999].id(), "s/same-100000");
    assert_eq!(parsed.warnings.len(), 99_999);
    assert!(parsed.warnings.iter().all(|w| w.code == Code::RepeatedId));
    at(&parsed.warnings[99_998], Code::RepeatedId, 100_004, 1);
    // Strict mode: one error per repeat.
    let err = fails(&src, &opts().strict(true));
    assert_eq!(err.errors().count(), 99_999);
}

// --- headings --------------------------------------------------------------------------

/// `count` headings, each one `#` deeper than the last, each with a task under it.
fn deeper_headings(count: usize) -> String {
    (1..=count)
        .map(|n| format!("{} H{n}\n\n- [ ] t\n\n", "#".repeat(n)))
        .collect()
}

fn check_deeper_headings(count: usize) {
    let src = deeper_headings(count);
    let parsed = on_small_stack(|| ok(&src, &opts()));
    // Markdown has six heading levels: `#` is the title, `##`..`######` nest five
    // sections deep, and seven or more `#` are a paragraph, so the rest of the tasks
    // land in the deepest section as repeats.
    let spec = &parsed.spec;
    assert_eq!(spec.title(), Some("H1"));
    assert_eq!(spec.sections().len(), 6);
    assert_eq!(spec.sections()[5].id(), "h2/h3/h4/h5/h6");
    assert_eq!(spec.items().len(), count);
    assert_eq!(
        &ids(spec)[..7],
        [
            "t",
            "h2/t",
            "h2/h3/t",
            "h2/h3/h4/t",
            "h2/h3/h4/h5/t",
            "h2/h3/h4/h5/h6/t",
            "h2/h3/h4/h5/h6/t-2"
        ]
    );
    assert_eq!(
        spec.items()[count - 1].id(),
        format!("h2/h3/h4/h5/h6/t-{}", count - 5)
    );
    assert_eq!(parsed.warnings.len(), count - 6);
    assert!(parsed.warnings.iter().all(|w| w.code == Code::RepeatedId));
    // The would-be headings are notes of the deepest section.
    assert_eq!(spec.sections()[5].notes().len(), count - 6);
}

#[test]
fn headings_each_deeper_than_the_last_stop_at_six_levels() {
    check_deeper_headings(1_000);
}

#[test]
#[ignore = "10,000 headings of up to 10,000 `#` are 50 MB: run by scripts/hostile-big.sh"]
fn ten_thousand_headings_each_deeper_than_the_last() {
    check_deeper_headings(10_000);
}

#[test]
fn ten_thousand_headings_cycling_through_every_level() {
    let src: String = (0..10_000)
        .map(|n| format!("{} H{n}\n\n- [ ] t\n\n", "#".repeat(n % 6 + 1)))
        .collect();
    let parsed = ok(&src, &opts());
    assert!(parsed.warnings.is_empty());
    assert_eq!(parsed.spec.items().len(), 10_000);
    assert_eq!(parsed.spec.sections().len(), 10_000);
    assert_eq!(parsed.spec.items()[9_999].id(), "h9996/h9997/h9998/h9999/t");
    // Setext headings too, ten thousand of them.
    let src: String = (0..10_000)
        .map(|n| {
            format!(
                "H{n}\n{}\n\n- [ ] t\n\n",
                if n % 2 == 0 { "===" } else { "---" }
            )
        })
        .collect();
    let parsed = ok(&src, &opts());
    assert_eq!(parsed.spec.items().len(), 10_000);
    assert_eq!(parsed.spec.items()[9_999].id(), "h9998/h9999/t");
}

// --- ids -------------------------------------------------------------------------------

#[test]
fn ids_that_collide_only_after_slugging() {
    let src =
        "# T\n\n- [ ] Tests pass\n- [ ] tests   PASS!\n- [ ] Tests-pass\n- [ ] **TESTS** _pass_.\n";
    let parsed = ok(src, &opts());
    assert_eq!(
        ids(&parsed.spec),
        ["tests-pass", "tests-pass-2", "tests-pass-3", "tests-pass-4"]
    );
    assert_eq!(codes(&parsed.warnings), ["W0005", "W0005", "W0005"]);
    for (w, line) in parsed.warnings.iter().zip(4..) {
        at(w, Code::RepeatedId, line, 1);
        assert_eq!(w.related[0].location.line, 3, "names the first use");
    }
    // Strict mode refuses each repeat, naming both lines.
    let err = fails(src, &opts().strict(true));
    assert_eq!(codes(err.diagnostics()), ["E0003", "E0003", "E0003"]);
    at(&err.diagnostics()[0], Code::DuplicateId, 4, 1);
    assert!(
        err.diagnostics()[0]
            .message
            .contains("line 4 is already used on line 3")
    );

    // A derived id that meets a `-2` made for an earlier repeat gets its own suffix, and
    // a pinned id that meets a derived one is an error whatever the order.
    let parsed = ok("- [ ] Same\n- [ ] same\n- [ ] Same 2\n", &opts());
    assert_eq!(ids(&parsed.spec), ["same", "same-2", "same-2-2"]);
    let err = fails("- [ ] Ship it\n- [ ] Other {#ship-it}\n", &opts());
    at(the_error(&err), Code::DuplicateId, 2, 1);
    let err = fails("- [ ] Other {#ship-it}\n- [ ] Ship it!\n", &opts());
    at(the_error(&err), Code::DuplicateId, 2, 1);
    // Sections collide the same way.
    let parsed = ok(
        "# T\n\n## Deploy\n\n- [ ] a\n\n## deploy!\n\n- [ ] a\n",
        &opts(),
    );
    assert_eq!(ids(&parsed.spec), ["deploy/a", "deploy-2/a"]);
    at(&parsed.warnings[0], Code::RepeatedId, 7, 1);
}

// --- unclosed blocks -------------------------------------------------------------------

#[test]
fn attribute_blocks_that_never_close() {
    let err = fails("# T\n\n- [ ] Ship it {#ship .optional\n", &opts());
    let d = the_error(&err);
    at(d, Code::UnreadableAttributes, 3, 15);
    assert!(d.message.contains("never closed"));
    // On a heading, and with the rest of the file after it.
    let err = fails(
        "# T\n\n## Deploy {#deploy\n\n- [ ] a\n- [ ] b {.optional\n",
        &opts(),
    );
    let errors: Vec<_> = err.errors().collect();
    assert_eq!(errors.len(), 2);
    at(errors[0], Code::UnreadableAttributes, 3, 11);
    at(errors[1], Code::UnreadableAttributes, 6, 9);
    // Braces that are not attributes stay text.
    let parsed = ok("- [ ] Use {} and {braces in text\n", &opts());
    assert_eq!(ids(&parsed.spec), ["use-and-braces-in-text"]);
}

#[test]
fn front_matter_that_never_closes() {
    let err = fails("+++\nid = \"x\"\n\n# T\n\n- [ ] a\n", &opts());
    let d = the_error(&err);
    at(d, Code::UnclosedFrontMatter, 1, 1);
    // Ten megabytes of it is refused just as quickly.
    let src = format!("+++\n{}", "id = \"x\"\n".repeat(1 << 20));
    at(
        the_error(&fails(&src, &opts())),
        Code::UnclosedFrontMatter,
        1,
        1,
    );
    // `---` that never closes is not front matter: a rule, then Markdown.
    let parsed = ok("---\ntitle: x\n\n- [ ] a\n", &opts());
    assert_eq!(ids(&parsed.spec), ["a"]);
    assert!(parsed.spec.foreign_metadata().is_none());
}

#[test]
fn toml_bombs_are_e0004_with_a_location() {
    let deep = 10_000;
    let cases = [
        // Nested arrays and inline tables under an unknown key, under `items`, in a gate.
        (
            format!(
                "+++\nid = \"x\"\nbomb = {}1{}\n+++\n- [ ] a\n",
                "[".repeat(deep),
                "]".repeat(deep)
            ),
            3,
        ),
        (
            format!(
                "+++\nid = \"x\"\nbomb = {}1{}\n+++\n- [ ] a\n",
                "{a=".repeat(deep),
                "}".repeat(deep)
            ),
            3,
        ),
        (
            format!(
                "+++\n[items]\na = {}1{}\n+++\n- [ ] a\n",
                "{a=".repeat(deep),
                "}".repeat(deep)
            ),
            3,
        ),
        (
            format!(
                "+++\n[gates.g]\ninclude = {}\"a\"{}\n+++\n- [ ] a\n",
                "[".repeat(deep),
                "]".repeat(deep)
            ),
            3,
        ),
        // Deeply nested tables by dotted headers and dotted keys.
        (
            format!("+++\n[{}]\n+++\n- [ ] a\n", vec!["a"; deep].join(".")),
            2,
        ),
        (
            format!("+++\n[items.{}]\n+++\n- [ ] a\n", vec!["a"; deep].join(".")),
            2,
        ),
        (
            format!("+++\n{} = 1\n+++\n- [ ] a\n", vec!["a"; deep].join(".")),
            2,
        ),
    ];
    for (src, line) in cases {
        // The TOML parser recurses into arrays and inline tables, but stops at a fixed
        // depth (about 80): bounded, and well within 1 MiB even in a debug build.
        let err = on_stack(1024, || fails(&src, &opts()));
        let d = the_error(&err);
        assert_eq!(
            (d.code, d.location.line),
            (Code::InvalidFrontMatter, line),
            "{}",
            d.message
        );
        assert!(d.message.starts_with("front matter:"), "{}", d.message);
    }
    // A long but flat array is only refused for being an unknown key.
    let src = format!(
        "+++\nbomb = [{}]\n+++\n- [ ] a\n",
        vec!["1"; 100_000].join(",")
    );
    let d = fails(&src, &opts()).errors().next().unwrap().clone();
    at(&d, Code::InvalidFrontMatter, 2, 1);
    assert!(d.message.contains("bomb"), "{}", d.message);
}

// --- Markdown that hides tasks ---------------------------------------------------------

#[test]
fn tasks_inside_html_blocks_are_not_items() {
    // An HTML block runs to the next blank line: the task inside is HTML.
    let parsed = ok(
        "# T\n\n<div>\n- [ ] in html\n</div>\n\n- [ ] out\n",
        &opts(),
    );
    assert_eq!(ids(&parsed.spec), ["out"]);
    assert_eq!(parsed.spec.root().notes()[0].kind, NoteKind::Html);
    // So does a comment, however long.
    let parsed = ok(
        "# T\n\n<!--\n- [ ] commented\n\n- [ ] still\n-->\n- [ ] out\n",
        &opts(),
    );
    assert_eq!(ids(&parsed.spec), ["out"]);
    // After a blank line inside the `<div>`, Markdown resumes: the task is real.
    let parsed = ok(
        "# T\n\n<details>\n\n- [ ] inside details\n\n</details>\n",
        &opts(),
    );
    assert_eq!(ids(&parsed.spec), ["inside-details"]);
    // Only HTML: no items, a warning, no error.
    let parsed = ok("<ul><li>[ ] a</li></ul>\n", &opts());
    assert!(parsed.spec.items().is_empty());
    assert_eq!(codes(&parsed.warnings), ["W0001"]);
    // Inline HTML in a task's text is part of its text, not a way to hide it.
    let parsed = ok("- [ ] Check <b>bold</b> thing\n", &opts());
    assert_eq!(ids(&parsed.spec), ["check-bold-thing"]);
}

#[test]
fn tasks_inside_tables_are_not_items() {
    let src = "# T\n\n| step | done |\n|---|---|\n| - [ ] x | [ ] y |\n| [x] z | `- [ ] w` |\n\n- [ ] out\n";
    let parsed = ok(src, &opts());
    assert_eq!(ids(&parsed.spec), ["out"]);
    assert!(parsed.warnings.is_empty());
    assert_eq!(parsed.spec.root().notes()[0].kind, NoteKind::Table);
    // A table with ten thousand rows of boxes.
    let src: String = std::iter::once("| a |\n|---|\n".to_string())
        .chain((0..10_000).map(|n| format!("| - [ ] {n} |\n")))
        .collect();
    let parsed = ok(&src, &opts());
    assert!(parsed.spec.items().is_empty());
}

#[test]
fn link_reference_definitions_do_not_become_tasks() {
    // `[x]: url` is a definition, also inside a bullet; `- [x] text` stays a done task
    // even when `x` is a defined label.
    let src = "# T\n\n[x]: https://example.com\n\n- [x] Done task\n- [x]: https://example.com/a\n- [ ] see [x]\n- [ ]\n  [a]: /url\n";
    let parsed = ok(src, &opts());
    assert_eq!(ids(&parsed.spec), ["done-task", "see-x", "item"]);
    assert_eq!(parsed.spec.items()[0].mark(), Mark::Checked);
    assert!(parsed.warnings.is_empty());
    // A definition whose label looks like a box is not a task either.
    let parsed = ok("[ ]: /nothing\n[~]: /nothing\n\n- [ ] real\n", &opts());
    assert_eq!(ids(&parsed.spec), ["real"]);
}

// --- limits ----------------------------------------------------------------------------

#[test]
fn each_limit_has_its_own_error_naming_the_field_and_raising_it_parses() {
    let nested = "- [ ] a\n  - [ ] b\n    - [ ] c\n";
    /// The field, the input, a limit it exceeds, one it fits, where the error is, and
    /// the limit's value as the message gives it.
    type Case = (&'static str, String, Limits, Limits, (u32, u32), usize);
    let cases: [Case; 4] = [
        (
            "max_input_bytes",
            "- [ ] a\n- [ ] b\n".into(),
            Limits {
                max_input_bytes: 10,
                ..Limits::default()
            },
            Limits {
                max_input_bytes: 16,
                ..Limits::default()
            },
            (1, 1),
            10,
        ),
        (
            "max_items",
            "- [ ] a\n- [ ] b\n- [ ] c\n".into(),
            Limits {
                max_items: 2,
                ..Limits::default()
            },
            Limits {
                max_items: 3,
                ..Limits::default()
            },
            (3, 1),
            2,
        ),
        (
            "max_depth",
            nested.into(),
            Limits {
                max_depth: 5,
                ..Limits::default()
            },
            Limits {
                max_depth: 6,
                ..Limits::default()
            },
            (3, 5),
            5,
        ),
        (
            "max_text_bytes",
            "- [ ] short\n- [ ] a longer text\n".into(),
            Limits {
                max_text_bytes: 8,
                ..Limits::default()
            },
            Limits {
                max_text_bytes: 13,
                ..Limits::default()
            },
            (2, 1),
            8,
        ),
    ];
    for (field, src, low, high, (line, column), value) in cases {
        let err = fails(&src, &opts().limits(low));
        let d = the_error(&err);
        limit(d, field, value, line, column);
        // The rendered report carries the help too.
        assert!(
            err.to_string()
                .contains(&format!("raise `Limits::{field}`"))
        );
        // No other limit is mentioned.
        for other in [
            "max_input_bytes",
            "max_items",
            "max_depth",
            "max_text_bytes",
        ] {
            if other != field {
                assert!(
                    !err.to_string().contains(other),
                    "{field}: mentions {other}"
                );
            }
        }
        let parsed = ok(&src, &opts().limits(high));
        assert!(!parsed.spec.items().is_empty(), "{field}");
    }
}

// --- reading files ---------------------------------------------------------------------

/// Asserts that `err` is the input-size E0012 at the top of the file.
fn too_large(err: checklist_md::LoadError, limit: usize) {
    let checklist_md::LoadError::Parse(err) = err else {
        panic!("expected E0012, got {err}");
    };
    let d = the_error(&err);
    limit_check(d, limit);
    assert!(err.to_string().contains("--> hostile.md:1:1"), "{err}");
}

fn limit_check(d: &Diagnostic, value: usize) {
    limit(d, "max_input_bytes", value, 1, 1);
}

#[cfg(unix)]
#[test]
fn reading_dev_zero_stops_at_the_input_limit() {
    // Not a regular file: no size to check first, and it never ends. The read stops one
    // byte past the limit, whatever the limit is (the default is 64 MiB).
    let err =
        checklist_md::parse_file("/dev/zero", &with(|l| l.max_input_bytes = 1024)).unwrap_err();
    too_large(err, 1024);
    let err = checklist_md::parse_file("/dev/zero", &opts()).unwrap_err();
    too_large(err, Limits::default().max_input_bytes);
}

#[cfg(unix)]
#[test]
fn reading_a_fifo_stops_at_the_input_limit() {
    use std::io::Write;

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("checklist.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: fifo test skipped");
        return;
    }
    // A writer that never stops: it ends when the reader closes its end.
    let endless = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(endless)
            .unwrap();
        let chunk = "- [ ] again\n".repeat(1000);
        let mut written = 0usize;
        while f.write_all(chunk.as_bytes()).is_ok() {
            written += chunk.len();
        }
        written
    });
    let err = checklist_md::parse_file(&fifo, &with(|l| l.max_input_bytes = 100_000)).unwrap_err();
    too_large(err, 100_000);
    let written = writer.join().unwrap();
    assert!(
        written < 100_000 + (1 << 20),
        "the reader stopped early: {written} bytes written"
    );

    // Within the limit, a fifo parses like a file.
    let short = fifo.clone();
    let writer = std::thread::spawn(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(short)
            .unwrap()
            .write_all(b"# T\n\n- [ ] a\n")
            .unwrap();
    });
    let parsed = checklist_md::parse_file(&fifo, &opts()).unwrap();
    writer.join().unwrap();
    assert_eq!(ids(&parsed.spec), ["a"]);
}

#[test]
fn a_regular_file_over_the_limit_is_refused_with_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.md");
    std::fs::write(&path, "- [ ] a\n".repeat(100)).unwrap();
    let err = checklist_md::parse_file(&path, &with(|l| l.max_input_bytes = 100)).unwrap_err();
    let checklist_md::LoadError::Parse(err) = err else {
        panic!("expected E0012");
    };
    let d = the_error(&err);
    limit_check(d, 100);
    assert!(
        d.message.contains("the input is 800 bytes"),
        "{}",
        d.message
    );
    // A byte order mark does not count, as in `parse`.
    std::fs::write(&path, "\u{feff}- [ ] a\n").unwrap();
    let parsed = checklist_md::parse_file(&path, &with(|l| l.max_input_bytes = 8)).unwrap();
    assert_eq!(ids(&parsed.spec), ["a"]);
}

// --- terminal safety -------------------------------------------------------------------

#[test]
fn rendered_diagnostics_carry_no_control_or_bidi_characters() {
    // An escape that would retitle the terminal, a bell, a right-to-left override and a
    // C1 control, in the text of a repeated item, in a heading and in a pin.
    let source = "# T\u{1b}]0;owned\u{7}\n\n## S\u{202e}x\n\n- [ ] a\u{9b}2J\n- [ ] a\u{9b}2J\n- [ ] b {#B\u{1b}[31m}\n";
    let err = fails(source, &opts().strict(true));
    let rendered = err.to_string();
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(
            !rendered.contains(bad),
            "U+{:04X} in:\n{rendered}",
            bad as u32
        );
    }
    assert!(rendered.contains("a\u{fffd}2J"), "{rendered}");
    // Columns are those of the source: one placeholder per character.
    assert!(rendered.contains("--> hostile.md:6:1"), "{rendered}");
}

// --- rendering -------------------------------------------------------------------------

const SEED_PATH: &str = "examples/checklists/production-deployment.md";

#[test]
fn rendering_hostile_reasons_and_values_parses_back_to_the_same_ids() {
    let seed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED_PATH))
        .expect("the seed");
    // The seed plus a text field, so that a value can be hostile too.
    let src = format!("{seed}\n## Extra\n\n- [ ] Release Notes: ____\n- [ ] Last one\n");
    let spec = ok(&src, &ParseOptions::new("production-deployment.md")).spec;
    let hostile = [
        "line one\nline two\r\n- [ ] injected task\n# Injected heading",
        "<script>alert(1)</script> <!-- open comment",
        "``` fence\n```",
        "`unclosed backtick",
        "[ ] box [x] box [~] box {#pinned .optional}",
        "a\rb\u{2028}c\0d",
        "> quote\n>> deeper\n\n1. [ ] ordered",
        "trailing backslash\\",
        "+++\nid = \"evil\"\n+++",
        "| a | b |\n|---|---|",
    ];
    let mut state = State::new(spec.clone());
    let items: Vec<_> = spec.items().iter().map(|i| i.index()).collect();
    let mut n = 0;
    let mut next = || {
        n += 1;
        hostile[n % hostile.len()]
    };
    // Names hold no control characters (they are refused, see `principal`): the hostile
    // texts go into names with their line breaks and NULs made spaces.
    let name = |text: &str| text.replace(|c: char| c.is_control() || c == '\u{2028}', " ");
    for (k, &i) in items.iter().enumerate() {
        let item = spec.item(i);
        let actor = Actor::new(format!("eve {}", name(next())));
        if item.is_signoff() {
            continue;
        }
        if item.field_type().is_some() {
            let value = if item.label().contains("Date") {
                "2026-12-01".to_string()
            } else {
                next().to_string()
            };
            state.fill(i, &actor, &value).unwrap();
            continue;
        }
        match k % 3 {
            0 => {
                state
                    .apply(
                        i,
                        &actor,
                        Request::Complete {
                            note: Some(next()),
                            evidence: Some(next()),
                        },
                    )
                    .unwrap();
            }
            1 => {
                let approver = format!("approver {}", name(next()));
                state.waive(i, &actor, next(), &approver, None).unwrap();
            }
            _ => {
                state.complete(i, &actor).unwrap();
            }
        }
    }
    // Every sign-off approved or rejected with hostile comments.
    for (k, &s) in spec.signoffs().iter().enumerate() {
        let role = spec.item(s).role().unwrap().to_string();
        let actor = Actor::new(format!("signer {}", name(next()))).with_role(role);
        if k % 2 == 0 {
            state.approve(s, &actor, Some(next())).unwrap();
        } else {
            state.reject(s, &actor, next()).unwrap();
        }
    }
    // One block with a hostile reason, which voids the approvals: a voided note too.
    let last = spec.index_of("extra/last-one").unwrap();
    state.reopen(last, &Actor::new("x"), next()).unwrap();
    state.block(last, &Actor::new("x - [ ] y"), next()).unwrap();

    let rendered = state.render_markdown();
    let again = parse(&rendered, &ParseOptions::new("production-deployment.md"))
        .unwrap_or_else(|e| panic!("the rendered file must parse:\n{e}"));
    // The only warnings: a filled field or approved sign-off rendered `[x]` starts empty
    // when the file is read as a checklist again.
    for w in &again.warnings {
        assert_eq!(
            w.code,
            Code::CheckedFieldIgnored,
            "{}",
            again.render_warnings()
        );
    }
    assert_eq!(ids(&again.spec), ids(&spec));
    assert_eq!(again.spec.id(), spec.id());
    let sections: Vec<_> = again.spec.sections().iter().map(|s| s.id()).collect();
    let want: Vec<_> = spec.sections().iter().map(|s| s.id()).collect();
    assert_eq!(sections, want);
    // The boxes say what the state says.
    for item in again.spec.items() {
        let mark = match state.item(item.index()) {
            ItemState::Done { .. } | ItemState::Filled { .. } | ItemState::Approved { .. } => {
                Mark::Checked
            }
            ItemState::NotApplicable { .. } => Mark::NotApplicable,
            _ => Mark::Open,
        };
        assert_eq!(item.mark(), mark, "{}", item.id());
    }
    // The hostile texts are in the file, on annotation lines, defused: every character
    // Markdown could read as markup is escaped.
    assert!(
        rendered.contains(r"\<script\>alert\(1\)\</script\>"),
        "{rendered}"
    );
    assert!(rendered.contains(r"\[ \] box \[x\] box \[\~\] box \{\#pinned .optional\}"));
    assert!(rendered.contains(r"line one line two  - \[ \] injected task \# Injected heading"));
    // Nothing hostile escaped onto a line of its own.
    for line in rendered.lines() {
        assert!(!line.starts_with("# Injected"), "{line}");
        assert!(!line.contains("<script>"), "{line}");
    }
    let new_ids: BTreeSet<_> = ids(&again.spec).into_iter().collect();
    assert!(
        !new_ids
            .iter()
            .any(|id| id.contains("injected") || id.contains("pinned"))
    );
}
