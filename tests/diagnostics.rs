//! Malformed inputs: each case asserts its code(s), line and column, the exact text the
//! caret sits under, whether the parse fails, and snapshots the rendered diagnostics.

use checklist_core::{Diagnostic, Limits, ParseOptions, Severity, parse, parse_bytes};

/// What one diagnostic must be: code, line, column, and the source text its span starts
/// with (the text the caret is drawn under).
type Expected<'a> = (&'a str, u32, u32, &'a str);

fn check(source: &str, diagnostics: &[Diagnostic], expected: &[Expected<'_>]) {
    let got: Vec<(&str, u32, u32)> = diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.location.line, d.location.column))
        .collect();
    let want: Vec<(&str, u32, u32)> = expected.iter().map(|e| (e.0, e.1, e.2)).collect();
    assert_eq!(got, want, "codes and locations");
    for (d, e) in diagnostics.iter().zip(expected) {
        let span = d.location.span.clone();
        let at = source.get(span.start..).unwrap_or("");
        assert!(
            at.starts_with(e.3),
            "{}: the span starts at {at:?}, expected it to start with {:?}",
            e.0,
            e.3
        );
        assert_eq!(d.severity, d.code.default_severity(), "{}", e.0);
        assert!(
            d.help.as_deref().is_some_and(|h| !h.is_empty()),
            "{} has a help text",
            e.0
        );
        assert!(!d.message.is_empty());
    }
}

/// Parses expecting failure; checks every diagnostic; returns the rendered report.
fn fails_with(source: &str, options: &ParseOptions, expected: &[Expected<'_>]) -> String {
    let err = match parse(source, options) {
        Ok(p) => panic!(
            "expected the parse to fail; it succeeded with warnings:\n{}",
            p.render_warnings()
        ),
        Err(e) => e,
    };
    assert!(err.errors().count() > 0);
    check(source, err.diagnostics(), expected);
    let rendered = err.to_string();
    assert!(rendered.ends_with(&format!(
        "error: could not parse `{}` ({} error{})",
        options.file_name,
        err.errors().count(),
        if err.errors().count() == 1 { "" } else { "s" }
    )));
    rendered
}

fn fails(source: &str, expected: &[Expected<'_>]) -> String {
    fails_with(source, &ParseOptions::new("deploy.md"), expected)
}

/// Parses expecting success with exactly these warnings; returns them rendered.
fn warns(source: &str, expected: &[Expected<'_>]) -> String {
    let parsed = match parse(source, &ParseOptions::new("deploy.md")) {
        Ok(p) => p,
        Err(e) => panic!("expected a parse with warnings, got:\n{e}"),
    };
    assert!(
        parsed
            .warnings
            .iter()
            .all(|w| w.severity == Severity::Warning)
    );
    check(source, &parsed.warnings, expected);
    // Strict mode turns only repeated ids into errors; other warnings stay warnings.
    if expected.iter().all(|e| e.0 != "W0005") {
        let strict = parse(source, &ParseOptions::new("deploy.md").strict(true))
            .unwrap_or_else(|e| panic!("strict mode fails on warnings alone:\n{e}"));
        assert_eq!(strict.warnings, parsed.warnings);
    }
    parsed.render_warnings()
}

fn with_limits(limits: impl FnOnce(&mut Limits)) -> ParseOptions {
    let mut l = Limits::default();
    limits(&mut l);
    ParseOptions::new("deploy.md").limits(l)
}

// --- ids -------------------------------------------------------------------------------

#[test]
fn duplicate_id_in_strict_mode() {
    let source = "# Deploy\n\n## Checks\n\n- [ ] Tests pass\n- [ ] Lint\n- [ ] Tests pass\n";
    let out = fails_with(
        source,
        &ParseOptions::new("deploy.md").strict(true),
        &[("E0003", 7, 1, "- [ ] Tests pass")],
    );
    insta::assert_snapshot!(out);
}

#[test]
fn repeated_id_is_a_warning_by_default() {
    let source = "# Deploy\n\n## Checks\n\n- [ ] Tests pass\n- [ ] Lint\n- [ ] Tests pass\n";
    let out = warns(source, &[("W0005", 7, 1, "- [ ] Tests pass")]);
    insta::assert_snapshot!(out);
}

#[test]
fn repeated_section_id_in_strict_mode() {
    let source = "# Deploy\n\n## Checks\n\n- [ ] a\n\n## Checks\n\n- [ ] b\n";
    let out = fails_with(
        source,
        &ParseOptions::new("deploy.md").strict(true),
        &[("E0003", 7, 1, "## Checks")],
    );
    insta::assert_snapshot!(out);
}

#[test]
fn pinned_id_collision() {
    let source = "# Deploy\n\n- [ ] Ship it\n- [ ] Release {#ship-it}\n";
    let out = fails(source, &[("E0003", 4, 1, "- [ ] Release {#ship-it}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn pinned_id_collision_when_the_pin_comes_first() {
    // The order of the two items must not turn the error into a warning.
    let source = "# Deploy\n\n- [ ] Release {#ship-it}\n- [ ] Ship it\n";
    let out = fails(source, &[("E0003", 4, 1, "- [ ] Ship it")]);
    assert!(out.contains("pinned on line 3"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_id_pin() {
    let source = "# Deploy\n\n- [ ] Ship it {#Ship_It}\n";
    let out = fails(source, &[("E0007", 3, 16, "#Ship_It}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_front_matter_id() {
    let source = "+++\nid = \"Deploy Prod\"\n+++\n# Deploy\n\n- [ ] a\n";
    let out = fails(source, &[("E0007", 2, 6, "\"Deploy Prod\"")]);
    insta::assert_snapshot!(out);
}

// --- attribute blocks ------------------------------------------------------------------

#[test]
fn unclosed_attribute_block() {
    let source = "# Deploy\n\n- [ ] Ship it {#ship .optional\n";
    let out = fails(source, &[("E0001", 3, 15, "{#ship")]);
    insta::assert_snapshot!(out);
}

#[test]
fn unreadable_attribute_with_an_open_quote() {
    let source = "# Deploy\n\n- [ ] Ship it {role=\"sre}\n";
    let out = fails(source, &[("E0001", 3, 21, "\"sre}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn unreadable_attribute_with_a_bare_word() {
    let source = "# Deploy\n\n- [ ] Ship it {#ship bare}\n";
    let out = fails(source, &[("E0001", 3, 22, "bare}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_class() {
    let source = "# Deploy\n\n- [ ] Ship it {.mandatory}\n";
    let out = fails(source, &[("E0002", 3, 16, ".mandatory}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_key() {
    let source = "# Deploy\n\n- [ ] Ship it {color=red}\n";
    let out = fails(source, &[("E0002", 3, 16, "color=red}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_field_type() {
    let source = "# Deploy\n\n- [ ] Error budget {type=integer}\n";
    let out = fails(source, &[("E0009", 3, 21, "type=integer}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_role_attribute() {
    let source = "# Deploy\n\n- [ ] Reviewed {role=Tech_Lead}\n";
    let out = fails(source, &[("E0011", 3, 17, "role=Tech_Lead}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn signoff_without_a_role() {
    let source = "# Deploy\n\n- [ ] !!! {.signoff}\n";
    let out = fails(source, &[("E0011", 3, 1, "- [ ] !!!")]);
    insta::assert_snapshot!(out);
}

#[test]
fn signoff_without_a_role_is_reported_once_when_roles_are_declared() {
    let source = "+++\nroles = [\"sre\"]\n+++\n# Deploy\n\n- [ ] !!! {.signoff}\n";
    let out = fails(source, &[("E0011", 6, 1, "- [ ] !!!")]);
    assert!(
        !out.contains("``"),
        "no message about an empty role name:\n{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn heading_attribute_other_than_an_id() {
    let source = "# Deploy\n\n## Checks {#checks .optional}\n\n- [ ] a\n";
    let out = fails(source, &[("E0014", 3, 20, ".optional}")]);
    insta::assert_snapshot!(out);
}

#[test]
fn every_error_in_a_file_is_reported() {
    let source = "\
# Deploy

- [ ] A {#Bad .nope}
- [ ] B {type=bogus role=Nope}
- [ ] C {#c
";
    let out = fails(
        source,
        &[
            ("E0007", 3, 10, "#Bad"),
            ("E0002", 3, 15, ".nope"),
            ("E0009", 4, 10, "type=bogus"),
            ("E0011", 4, 21, "role=Nope"),
            ("E0001", 5, 9, "{#c"),
        ],
    );
    insta::assert_snapshot!(out);
}

// --- fields ----------------------------------------------------------------------------

#[test]
fn field_blank_with_no_label() {
    let source = "# Deploy\n\n- [ ] ________\n";
    let out = fails(source, &[("E0008", 3, 1, "- [ ] ________")]);
    insta::assert_snapshot!(out);
}

// --- front matter ----------------------------------------------------------------------

#[test]
fn invalid_front_matter_toml_points_into_the_markdown_file() {
    let source = "+++\nid = \"deploy\"\nversion = \"1.0\n+++\n# Deploy\n\n- [ ] a\n";
    let err = parse(source, &ParseOptions::new("deploy.md")).unwrap_err();
    let d = &err.diagnostics()[0];
    // Line 3 of the .md file is line 2 of the TOML body: the offset is mapped.
    assert_eq!(d.location.line, 3);
    // The caret sits at the end of line 3, where the closing quote is missing.
    let out = fails(source, &[("E0004", 3, 15, "\n+++")]);
    assert!(out.contains("front matter:"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn front_matter_value_of_the_wrong_type() {
    let source = "+++\nid = \"deploy\"\n\nroles = \"sre\"\n+++\n# Deploy\n\n- [ ] a\n";
    let out = fails(source, &[("E0004", 4, 9, "\"sre\"")]);
    insta::assert_snapshot!(out);
}

#[test]
fn front_matter_version_with_a_fraction_asks_for_quotes() {
    let source = "+++\nid = \"deploy\"\nversion = 2.10\n+++\n# Deploy\n\n- [ ] a\n";
    let out = fails(source, &[("E0004", 3, 11, "2.10")]);
    assert!(out.contains("`version = \"2.10\"`"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_front_matter_key() {
    let source = "+++\nid = \"deploy\"\nowner = \"me\"\n+++\n# Deploy\n\n- [ ] a\n";
    let out = fails(source, &[("E0004", 3, 1, "owner")]);
    insta::assert_snapshot!(out);
}

#[test]
fn unclosed_front_matter() {
    let source = "+++\nid = \"deploy\"\n\n# Deploy\n\n- [ ] a\n";
    let out = fails(source, &[("E0005", 1, 1, "+++")]);
    insta::assert_snapshot!(out);
}

#[test]
fn gate_pattern_matching_nothing() {
    let source = "\
+++
[gates.deploy]
include = [\"checks/**\", \"chekcs/lint\"]
+++
# Deploy

## Checks

- [ ] Lint
";
    let out = fails(source, &[("E0006", 3, 25, "\"chekcs/lint\"")]);
    assert!(out.contains("did you mean `checks/lint`?"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn gate_whose_excludes_remove_everything() {
    let source = "\
+++
[gates.deploy]
include = [\"checks/**\"]
exclude = [\"checks\"]
+++
# Deploy

## Checks

- [ ] Lint
";
    let out = fails(source, &[("E0006", 2, 8, "deploy]")]);
    insta::assert_snapshot!(out);
}

#[test]
fn redefining_the_complete_gate() {
    let source =
        "+++\n[gates.complete]\ninclude = [\"checks\"]\n+++\n# Deploy\n\n## Checks\n\n- [ ] Lint\n";
    let out = fails(source, &[("E0004", 2, 8, "complete]")]);
    insta::assert_snapshot!(out);
}

#[test]
fn bad_gate_name() {
    let source = "+++\n[gates.Deploy_Now]\ninclude = [\"checks\"]\n+++\n# Deploy\n\n## Checks\n\n- [ ] Lint\n";
    let out = fails(source, &[("E0004", 2, 8, "Deploy_Now]")]);
    insta::assert_snapshot!(out);
}

#[test]
fn signoff_gate_naming_an_unknown_gate() {
    let source = "+++\nsignoff_gate = \"release\"\n\n[gates.deploy]\ninclude = [\"checks\"]\n+++\n# Deploy\n\n## Checks\n\n- [ ] Lint\n";
    let out = fails(source, &[("E0010", 2, 16, "\"release\"")]);
    insta::assert_snapshot!(out);
}

#[test]
fn item_override_naming_an_unknown_item() {
    let source = "+++\n[items.\"checks/shp-it\"]\noptional = true\n+++\n# Deploy\n\n## Checks\n\n- [ ] Ship it\n";
    let out = fails(source, &[("E0010", 2, 8, "\"checks/shp-it\"")]);
    assert!(out.contains("did you mean `checks/ship-it`?"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn item_override_with_invalid_type_and_role() {
    let source = "+++\n[items.\"checks/a\"]\ntype = \"integer\"\nrole = \"Big Boss\"\n+++\n# Deploy\n\n## Checks\n\n- [ ] A\n";
    let out = fails(
        source,
        &[
            ("E0009", 3, 8, "\"integer\""),
            ("E0011", 4, 8, "\"Big Boss\""),
        ],
    );
    insta::assert_snapshot!(out);
}

#[test]
fn signoff_role_not_in_declared_roles() {
    let source = "+++\nroles = [\"sre\", \"qa\"]\n+++\n# Deploy\n\n## Sign-Off\n\n- [ ] SRE Approval: ___\n- [ ] Product Owner Approval: ___\n";
    let out = fails(source, &[("E0011", 9, 1, "- [ ] Product Owner Approval")]);
    assert!(out.contains("`product-owner`"), "{out}");
    insta::assert_snapshot!(out);
}

// --- input -----------------------------------------------------------------------------

#[test]
fn invalid_utf8_via_parse_bytes() {
    let bytes = b"# Deploy\n\n- [ ] Caf\xc3\xa9 open\n- [ ] Bad \xff byte\n";
    let err = parse_bytes(bytes, &ParseOptions::new("deploy.md")).unwrap_err();
    let d = &err.diagnostics()[0];
    assert_eq!(d.code.as_str(), "E0013");
    assert!(d.is_error());
    // Byte 37 is `\xff`: line 4, after the 10 characters `- [ ] Bad `.
    assert_eq!(bytes.iter().position(|&b| b == 0xff), Some(37));
    assert_eq!((d.location.line, d.location.column), (4, 11));
    assert_eq!(d.location.span, 37..37);
    assert!(d.message.contains("byte 37 "), "{}", d.message);
    // The valid prefix is kept so the report can show the line.
    assert_eq!(err.source_text(), "# Deploy\n\n- [ ] Café open\n- [ ] Bad ");
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn limit_on_input_size() {
    let source = "# Deploy\n\n- [ ] a\n";
    let out = fails_with(
        source,
        &with_limits(|l| l.max_input_bytes = 8),
        &[("E0012", 1, 1, "")],
    );
    assert_eq!(source.len(), 18);
    assert!(out.contains("the input is 18 bytes, more than the limit of 8 bytes"));
    // Exactly at the limit is fine.
    assert!(parse(source, &with_limits(|l| l.max_input_bytes = source.len())).is_ok());
    insta::assert_snapshot!(out);
}

#[test]
fn limit_on_items() {
    let source = "# Deploy\n\n- [ ] a\n- [ ] b\n- [ ] c\n- [ ] d\n";
    let out = fails_with(
        source,
        &with_limits(|l| l.max_items = 2),
        &[("E0012", 5, 1, "- [ ] c")],
    );
    assert!(parse(source, &with_limits(|l| l.max_items = 4)).is_ok());
    insta::assert_snapshot!(out);
}

#[test]
fn limit_on_depth() {
    let source = "# Deploy\n\n- [ ] a\n  - [ ] b\n    - [ ] c\n      - [ ] d\n";
    // Each nested task adds a list and an item: the third list is level 5.
    let out = fails_with(
        source,
        &with_limits(|l| l.max_depth = 4),
        &[("E0012", 5, 5, "- [ ] c")],
    );
    assert!(parse(source, &with_limits(|l| l.max_depth = 8)).is_ok());
    insta::assert_snapshot!(out);
}

#[test]
fn limit_on_text_length() {
    let source =
        "# Deploy\n\n- [ ] Short\n- [ ] A much longer item text\n\n## A very long heading\n";
    let out = fails_with(
        source,
        &with_limits(|l| l.max_text_bytes = 10),
        &[
            ("E0012", 4, 1, "- [ ] A much"),
            ("E0012", 6, 1, "## A very"),
        ],
    );
    insta::assert_snapshot!(out);
}

// --- warnings --------------------------------------------------------------------------

#[test]
fn warning_no_items() {
    let source = "# Deploy\n\nSome prose, but nothing to tick.\n";
    let out = warns(source, &[("W0001", 1, 1, "# Deploy")]);
    insta::assert_snapshot!(out);
}

#[test]
fn warning_empty_section() {
    let source = "# Deploy\n\n## Empty\n\n## Checks\n\n- [ ] a\n";
    let out = warns(source, &[("W0002", 3, 1, "## Empty")]);
    insta::assert_snapshot!(out);
}

#[test]
fn warning_not_a_task() {
    let source = "# Deploy\n\n-[ ] no space after the bullet\n[ ] no bullet at all\n\n- [] empty box\n\n- [ ] a real task\n";
    let out = warns(
        source,
        &[
            ("W0003", 3, 1, "-[ ]"),
            ("W0003", 4, 1, "[ ] no bullet"),
            ("W0003", 6, 3, "[] empty box"),
        ],
    );
    insta::assert_snapshot!(out);
}

#[test]
fn warning_skipped_heading_level() {
    let source = "# Deploy\n\n## Checks\n\n#### Deep\n\n- [ ] a\n";
    let out = warns(source, &[("W0004", 5, 1, "####")]);
    insta::assert_snapshot!(out);
}

#[test]
fn warning_checked_field_and_signoff() {
    let source = "# Deploy\n\n- [x] Release Date: ___\n- [X] QA Approval: ___\n";
    let out = warns(source, &[("W0006", 3, 3, "[x]"), ("W0006", 4, 3, "[X]")]);
    insta::assert_snapshot!(out);
}

#[test]
fn warnings_alone_never_fail_the_parse_but_travel_with_an_error() {
    // An empty section plus a bad pin: the error fails the parse and the warning is
    // still reported with it, in source order.
    let source = "# Deploy\n\n## Empty\n\n## Checks\n\n- [ ] a {#A}\n";
    let out = fails(
        source,
        &[("W0002", 3, 1, "## Empty"), ("E0007", 7, 10, "#A}")],
    );
    assert!(out.contains("(1 error)"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn type_on_a_signoff_is_ignored_with_a_warning() {
    let r = warns(
        "- [ ] Go {.signoff type=date}\n",
        &[("W0007", 1, 20, "type=date")],
    );
    insta::assert_snapshot!(r);
}

#[test]
fn contradicting_attributes_task_with_a_role() {
    let r = fails("- [ ] Go {.task role=qa}\n", &[("E0014", 1, 11, ".task")]);
    insta::assert_snapshot!(r);
}

/// Every error of the parse side, printed with its whole `source()` chain (as `anyhow`
/// or a CLI prints it): each message must appear once, so no error repeats its source.
#[test]
fn error_messages_do_not_repeat_their_source() {
    use std::error::Error;

    fn chain(e: &dyn Error) -> Vec<String> {
        let mut out = vec![e.to_string()];
        let mut next = e.source();
        while let Some(s) = next {
            out.push(s.to_string());
            next = s.source();
        }
        out
    }
    fn each_once(e: &dyn Error) {
        let chain = chain(e);
        let printed = chain.join(": ");
        for message in &chain {
            assert_eq!(
                printed.matches(message.as_str()).count(),
                1,
                "`{message}` is printed more than once in `{printed}`"
            );
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let missing =
        checklist_core::parse_file(dir.path().join("nope.md"), &ParseOptions::new("nope.md"))
            .unwrap_err();
    assert!(matches!(missing, checklist_core::LoadError::Io { .. }));
    assert!(missing.source().is_some(), "the I/O error is the source");
    each_once(&missing);

    let bad = dir.path().join("bad.md");
    std::fs::write(&bad, "- [ ] a {#A}\n").unwrap();
    let parse_error = checklist_core::parse_file(&bad, &ParseOptions::new("bad.md")).unwrap_err();
    assert!(matches!(parse_error, checklist_core::LoadError::Parse(_)));
    each_once(&parse_error);

    let diagnostics = parse("- [ ] a {#A}\n", &ParseOptions::new("deploy.md")).unwrap_err();
    each_once(&diagnostics);

    let spec = checklist_core::Spec::parse("## A\n- [ ] x\n## B\n- [ ] x\n").unwrap();
    each_once(&spec.select("nothing-like-it").unwrap_err());
    each_once(&spec.select("x").unwrap_err());

    each_once(&"integer".parse::<checklist_core::FieldType>().unwrap_err());
}

#[test]
fn checks_that_cannot_be_run_are_located_in_the_front_matter() {
    let source = "\
+++
[checks.\"checks/tets-pass\"]
run = \"cargo test\"
[checks.\"checks/release-date\"]
run = \"date\"
[checks.\"checks/lint\"]
run = \"  \"
timeout = \"ten minutes\"
[checks.\"checks/ship-it\"]
run = \"true\"
valid_for = \"0s\"
+++
# Deploy

## Checks

- [ ] Tests pass
- [ ] Release Date: ____
- [ ] Lint
- [ ] Ship it
";
    let out = fails(
        source,
        &[
            ("E0010", 2, 9, "\"checks/tets-pass\""),
            ("E0015", 4, 9, "\"checks/release-date\""),
            ("E0015", 7, 7, "\"  \""),
            ("E0015", 8, 11, "\"ten minutes\""),
            ("E0015", 11, 13, "\"0s\""),
        ],
    );
    assert!(out.contains("did you mean `checks/tests-pass`?"), "{out}");
    assert!(out.contains("only a task can have a check"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_check_whose_command_holds_a_nul_is_located() {
    let source = "+++\n[checks.\"a\"]\nrun = \"echo \\u0000 hi\"\n+++\n- [ ] a\n";
    let out = fails(source, &[("E0015", 3, 7, "\"echo \\u0000 hi\"")]);
    assert!(out.contains("NUL character"), "{out}");
}
