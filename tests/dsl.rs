//! One test (or a few) per construct of the checklist language (each row of the table in
//! README.md's "The checklist language": titles, sections, tasks and marks, optional
//! markers, fields, sign-offs, nesting, steps, notes, attribute blocks, front matter),
//! plus the id rules.
//! Each asserts what the convention means, not merely that the input parses.

use checklist_core::spec::ForeignMetadata;
use checklist_core::{
    Diagnostics, FieldType, ItemKind, Mark, NoteKind, ParseOptions, Parsed, Spec, parse,
};

/// Parses in default mode; panics with the rendered diagnostics on error.
fn parse_ok(source: &str) -> Parsed {
    parse(source, &ParseOptions::new("checklist.md"))
        .unwrap_or_else(|e| panic!("expected a parse, got:\n{e}"))
}

/// Parses in default mode and insists on no warnings.
fn clean(source: &str) -> Spec {
    let parsed = parse_ok(source);
    assert!(
        parsed.warnings.is_empty(),
        "unexpected warnings:\n{}",
        parsed.render_warnings()
    );
    parsed.spec
}

fn parse_err(source: &str, options: &ParseOptions) -> Diagnostics {
    match parse(source, options) {
        Ok(p) => panic!("expected an error, got a spec with ids {:?}", ids(&p.spec)),
        Err(e) => e,
    }
}

fn ids(spec: &Spec) -> Vec<&str> {
    spec.items().iter().map(|i| i.id()).collect()
}

fn item<'s>(spec: &'s Spec, id: &str) -> &'s checklist_core::Item {
    spec.item_by_id(id)
        .unwrap_or_else(|| panic!("no item `{id}`; ids are {:?}", ids(spec)))
}

fn section_ids(spec: &Spec) -> Vec<&str> {
    spec.sections().iter().map(|s| s.id()).collect()
}

// --- `# Title` -----------------------------------------------------------------------

#[test]
fn leading_h1_is_the_title_not_a_section_and_its_slug_is_the_id() {
    let spec = clean("# Release Notes: v2!\n\n## Checks\n\n- [ ] Tests pass\n");
    assert_eq!(spec.title(), Some("Release Notes: v2!"));
    assert_eq!(spec.id(), "release-notes-v2");
    assert_eq!(spec.root().title(), "Release Notes: v2!");
    // The title adds no section and no path segment.
    assert_eq!(section_ids(&spec), ["", "checks"]);
    assert_eq!(ids(&spec), ["checks/tests-pass"]);
    assert_eq!(spec.sections()[1].level(), 2);
    assert_eq!(spec.sections()[1].parent(), Some(spec.root().index()));
}

#[test]
fn front_matter_id_wins_over_the_title() {
    let spec = clean("+++\nid = \"rel\"\n+++\n# Release Notes\n\n- [ ] Tests pass\n");
    assert_eq!(spec.id(), "rel");
    assert_eq!(spec.title(), Some("Release Notes"));
    assert_eq!(ids(&spec), ["tests-pass"]);
}

#[test]
fn front_matter_title_replaces_the_h1_title_but_not_the_id_rule() {
    let spec = clean("+++\ntitle = \"Shown Title\"\n+++\n# Heading Title\n\n- [ ] a\n");
    assert_eq!(spec.title(), Some("Shown Title"));
    assert_eq!(spec.root().title(), "Shown Title");
    // The id still comes from the H1, since front matter sets no `id`.
    assert_eq!(spec.id(), "heading-title");
}

#[test]
fn a_pin_on_the_title_is_the_checklist_id() {
    let spec = clean("# Release Notes {#rel-notes}\n\n- [ ] a\n");
    assert_eq!(spec.id(), "rel-notes");
    assert_eq!(spec.title(), Some("Release Notes"));
}

#[test]
fn without_a_title_the_file_name_gives_the_id() {
    let parsed = parse(
        "## Checks\n\n- [ ] x\n\n# Later H1\n\n- [ ] y\n",
        &ParseOptions::new("docs/Deploy Prod.md"),
    )
    .unwrap();
    assert!(parsed.warnings.is_empty(), "{}", parsed.render_warnings());
    let spec = parsed.spec;
    assert_eq!(spec.title(), None);
    assert_eq!(spec.id(), "deploy-prod");
    assert_eq!(spec.file_name(), "docs/Deploy Prod.md");
    // The first heading is an H2, so no heading is the title: a later H1 is a section.
    assert_eq!(section_ids(&spec), ["", "checks", "later-h1"]);
    assert_eq!(spec.sections()[2].level(), 1);
    assert_eq!(ids(&spec), ["checks/x", "later-h1/y"]);
    // A file name with no letters at all falls back to `checklist`.
    let spec = parse("- [ ] x\n", &ParseOptions::new("___.md"))
        .unwrap()
        .spec;
    assert_eq!(spec.id(), "checklist");
}

#[test]
fn items_before_any_heading_belong_to_the_root() {
    let spec = clean("- [ ] Before title\n\n# Title\n\n- [ ] After title\n\n## S\n\n- [ ] In s\n");
    assert_eq!(ids(&spec), ["before-title", "after-title", "s/in-s"]);
    let root = spec.root();
    assert!(root.is_root());
    assert_eq!(
        root.items(),
        [spec.items()[0].index(), spec.items()[1].index()]
    );
    assert_eq!(item(&spec, "before-title").section(), root.index());
    assert_eq!(item(&spec, "after-title").section(), root.index());
    assert_ne!(item(&spec, "s/in-s").section(), root.index());
}

// --- headings --------------------------------------------------------------------------

#[test]
fn atx_and_setext_headings_nest_by_level() {
    let source = "\
Title
=====

Part One
--------

### Sub A ###

- [ ] x

#### Deeper

- [ ] y

### Sub B

- [ ] z

## Part Two

- [ ] w
";
    let spec = clean(source);
    assert_eq!(
        spec.title(),
        Some("Title"),
        "a setext H1 first is the title"
    );
    assert_eq!(
        section_ids(&spec),
        [
            "",
            "part-one",
            "part-one/sub-a",
            "part-one/sub-a/deeper",
            "part-one/sub-b",
            "part-two"
        ]
    );
    let levels: Vec<u8> = spec.sections().iter().map(|s| s.level()).collect();
    assert_eq!(levels, [0, 2, 3, 4, 3, 2]);
    let titles: Vec<&str> = spec.sections().iter().map(|s| s.title()).collect();
    assert_eq!(
        titles[2], "Sub A",
        "closing hashes are not part of the title"
    );
    assert_eq!(
        ids(&spec),
        [
            "part-one/sub-a/x",
            "part-one/sub-a/deeper/y",
            "part-one/sub-b/z",
            "part-two/w"
        ]
    );
    // Parent links follow the levels.
    let part_one = &spec.sections()[1];
    assert_eq!(
        part_one.children(),
        [spec.sections()[2].index(), spec.sections()[4].index()]
    );
    assert_eq!(part_one.location().line, 4);
    assert_eq!(spec.items_under(part_one.index()).len(), 3);
    assert_eq!(spec.sections()[3].location().line, 11);
}

// --- bullets and boxes -----------------------------------------------------------------

#[test]
fn every_bullet_kind_makes_a_task() {
    let spec =
        clean("# T\n\n- [ ] dash\n\n* [ ] star\n\n+ [ ] plus\n\n1. [ ] dot\n\n1) [ ] paren\n");
    assert_eq!(ids(&spec), ["dash", "star", "plus", "dot", "paren"]);
    assert!(spec.items().iter().all(|i| i.kind() == &ItemKind::Task));
    assert!(spec.items().iter().all(|i| i.mark() == Mark::Open));
    let lines: Vec<u32> = spec.items().iter().map(|i| i.line()).collect();
    assert_eq!(lines, [3, 5, 7, 9, 11]);
}

#[test]
fn boxes_give_the_starting_mark() {
    let source = "# T\n\n- [ ] open\n- [x] done lower\n- [X] done upper\n- [~] not applicable\n";
    let spec = clean(source);
    let marks: Vec<(&str, Mark)> = spec.items().iter().map(|i| (i.id(), i.mark())).collect();
    assert_eq!(
        marks,
        [
            ("open", Mark::Open),
            ("done-lower", Mark::Checked),
            ("done-upper", Mark::Checked),
            ("not-applicable", Mark::NotApplicable),
        ]
    );
    // `[~]` is not part of the text, and the box span points at the box as written.
    let na = item(&spec, "not-applicable");
    assert_eq!(na.text(), "not applicable");
    assert_eq!(&source[na.box_span()], "[~]");
    assert_eq!(&source[item(&spec, "done-upper").box_span()], "[X]");
    assert_eq!(&source[item(&spec, "open").box_span()], "[ ]");
    // A `[~]` that is not followed by a space is text, not a box.
    let spec = parse_ok("- [~]x\n").spec;
    assert!(spec.items().is_empty());
}

// --- optional markers ------------------------------------------------------------------

#[test]
fn optional_markers_in_any_case_are_cut_from_the_id() {
    let spec = clean(
        "# T\n\n\
         - [ ] Read replicas (if needed)\n\
         - [ ] VPC configured (If Applicable)\n\
         - [ ] Extra docs (OPTIONAL)\n\
         - [ ] Backups (if needed) verified\n\
         - [ ] Plain\n",
    );
    assert_eq!(
        ids(&spec),
        [
            "read-replicas",
            "vpc-configured",
            "extra-docs",
            "backups-if-needed-verified",
            "plain"
        ]
    );
    let optional: Vec<bool> = spec.items().iter().map(|i| i.is_optional()).collect();
    assert_eq!(optional, [true, true, true, false, false]);
    // The text keeps the marker, the label does not.
    let vpc = item(&spec, "vpc-configured");
    assert_eq!(vpc.text(), "VPC configured (If Applicable)");
    assert_eq!(vpc.label(), "VPC configured");
}

// --- fields ----------------------------------------------------------------------------

#[test]
fn a_labelled_blank_is_a_field_and_date_is_detected_by_whole_word() {
    let spec = clean(
        "# T\n\n\
         - [ ] Release Date: ___\n\
         - [ ] date of birth: ________________\n\
         - [ ] Update notes: ____\n\
         - [ ] Candidate: ___\n\
         - [ ] Go-live-date: ___\n\
         - [ ] Two underscores: __\n\
         - [ ] snake_case_name stays a task\n",
    );
    let kinds: Vec<(&str, &ItemKind)> = spec.items().iter().map(|i| (i.id(), i.kind())).collect();
    assert_eq!(
        kinds,
        [
            ("release-date", &ItemKind::Field(FieldType::Date)),
            ("date-of-birth", &ItemKind::Field(FieldType::Date)),
            ("update-notes", &ItemKind::Field(FieldType::Text)),
            ("candidate", &ItemKind::Field(FieldType::Text)),
            ("go-live-date", &ItemKind::Field(FieldType::Date)),
            ("two-underscores", &ItemKind::Task),
            ("snake-case-name-stays-a-task", &ItemKind::Task),
        ]
    );
    let date = item(&spec, "release-date");
    assert_eq!(date.label(), "Release Date");
    assert_eq!(date.text(), "Release Date: ___");
    assert_eq!(date.field_type(), Some(&FieldType::Date));
    assert_eq!(item(&spec, "two-underscores").field_type(), None);
}

#[test]
fn a_field_can_be_optional_with_the_marker_on_either_side_of_the_blank() {
    let spec = clean("# T\n\n- [ ] Notes (optional): ___\n- [ ] Ticket: ____ (optional)\n");
    for id in ["notes", "ticket"] {
        let field = item(&spec, id);
        assert!(field.is_optional(), "{id}");
        assert_eq!(field.field_type(), Some(&FieldType::Text), "{id}");
    }
}

// --- sign-offs -------------------------------------------------------------------------

#[test]
fn a_field_whose_label_ends_in_approval_is_a_signoff_anywhere() {
    let spec = clean(
        "# T\n\n## Review\n\n\
         - [ ] Technical Lead Approval: ___\n\
         - [ ] QA approval: ___\n\
         - [ ] Disapproval: ___\n\
         - [ ] Approval of budget: ___\n\
         - [ ] Manager Approval\n",
    );
    assert_eq!(
        item(&spec, "review/technical-lead-approval").kind(),
        &ItemKind::SignOff {
            role: "technical-lead".into()
        }
    );
    assert_eq!(item(&spec, "review/qa-approval").role(), Some("qa"));
    // Whole word, at the end, and only on fields.
    assert_eq!(
        item(&spec, "review/disapproval").kind(),
        &ItemKind::Field(FieldType::Text)
    );
    assert_eq!(
        item(&spec, "review/approval-of-budget").kind(),
        &ItemKind::Field(FieldType::Text)
    );
    assert_eq!(
        item(&spec, "review/manager-approval").kind(),
        &ItemKind::Task
    );
}

#[test]
fn fields_under_a_signoff_heading_are_signoffs() {
    for heading in ["Sign-Off", "Sign Off", "Approvals", "sign-offs"] {
        let source = format!(
            "# T\n\n## {heading}\n\n- [ ] Release Manager: ___\n- [ ] Security Team Approval: ___\n- [ ] Tell the team\n"
        );
        let spec = clean(&source);
        let section = checklist_core::slug::slugify(heading);
        let manager = item(&spec, &format!("{section}/release-manager"));
        assert_eq!(manager.role(), Some("release-manager"), "{heading}");
        assert!(manager.is_signoff());
        let security = item(&spec, &format!("{section}/security-team-approval"));
        assert_eq!(security.role(), Some("security-team"), "{heading}");
        // Only fields become sign-offs; a plain task stays a task.
        assert_eq!(
            item(&spec, &format!("{section}/tell-the-team")).kind(),
            &ItemKind::Task,
            "{heading}"
        );
    }
    // The same field under another heading is a text field.
    let spec = clean("# T\n\n## Contacts\n\n- [ ] Release Manager: ___\n");
    assert_eq!(
        item(&spec, "contacts/release-manager").kind(),
        &ItemKind::Field(FieldType::Text)
    );
}

// --- nesting ---------------------------------------------------------------------------

#[test]
fn nested_task_lists_are_children_of_their_parent() {
    let spec = clean(
        "# T\n\n## S\n\n\
         - [ ] Parent\n  \
           - [ ] Child one\n  \
           - [x] Child two\n    \
             - [ ] Grandchild\n\
         - [ ] Sibling\n",
    );
    assert_eq!(
        ids(&spec),
        [
            "s/parent",
            "s/parent/child-one",
            "s/parent/child-two",
            "s/parent/child-two/grandchild",
            "s/sibling"
        ]
    );
    let parent = item(&spec, "s/parent");
    assert_eq!(parent.parent(), None);
    let children: Vec<&str> = parent
        .children()
        .iter()
        .map(|&c| spec.item(c).id())
        .collect();
    assert_eq!(children, ["s/parent/child-one", "s/parent/child-two"]);
    let two = item(&spec, "s/parent/child-two");
    assert_eq!(two.parent(), Some(parent.index()));
    assert_eq!(two.mark(), Mark::Checked);
    assert_eq!(two.location().column, 3);
    let grandchild = item(&spec, "s/parent/child-two/grandchild");
    assert_eq!(grandchild.parent(), Some(two.index()));
    assert!(grandchild.children().is_empty());
    assert_eq!(item(&spec, "s/sibling").parent(), None);
    // Children are items of the same section.
    assert_eq!(spec.sections()[1].items().len(), 5);
}

#[test]
fn grouping_bullets_add_a_path_segment_but_are_not_items() {
    let spec = clean(
        "# T\n\n\
         - Backend\n  \
           - [ ] Migrations run\n  \
           - Caches\n    \
             - [ ] Redis warmed\n  \
           - [ ] Parent task\n    \
             - Inner group\n      \
               - [ ] Deep child\n\
         - [ ] Top level\n",
    );
    assert_eq!(
        ids(&spec),
        [
            "backend/migrations-run",
            "backend/caches/redis-warmed",
            "backend/parent-task",
            "backend/parent-task/inner-group/deep-child",
            "top-level"
        ]
    );
    // A group is not a parent: only tasks are.
    assert_eq!(item(&spec, "backend/migrations-run").parent(), None);
    assert_eq!(item(&spec, "backend/caches/redis-warmed").parent(), None);
    let parent = item(&spec, "backend/parent-task");
    assert_eq!(
        item(&spec, "backend/parent-task/inner-group/deep-child").parent(),
        Some(parent.index())
    );
    assert!(spec.items().iter().all(|i| i.text() != "Backend"));
    // The grouping list holds tasks, so it is not a note.
    assert!(spec.root().notes().is_empty());
}

// --- ordered steps ---------------------------------------------------------------------

#[test]
fn ordered_task_lists_are_steps() {
    let spec = clean(
        "# T\n\n\
         1. [ ] Drain traffic\n\
         2. [ ] Deploy\n\
         3. A plain step\n\
         4. [ ] Restore traffic\n\n\
         - [ ] Unordered\n\n\
         1. [ ] Other list first\n\
         2. [ ] Other list second\n",
    );
    let steps: Vec<(&str, Option<u32>)> = spec
        .items()
        .iter()
        .map(|i| (i.id(), i.step().map(|s| s.position)))
        .collect();
    assert_eq!(
        steps,
        [
            ("drain-traffic", Some(1)),
            ("deploy", Some(2)),
            ("restore-traffic", Some(3)),
            ("unordered", None),
            ("other-list-first", Some(1)),
            ("other-list-second", Some(2)),
        ]
    );
    assert_eq!(spec.ordered_lists().len(), 2);
    let restore = spec.index_of("restore-traffic").unwrap();
    let before: Vec<&str> = spec
        .steps_before(restore)
        .iter()
        .map(|&i| spec.item(i).id())
        .collect();
    assert_eq!(before, ["drain-traffic", "deploy"]);
    assert!(
        spec.steps_before(spec.index_of("drain-traffic").unwrap())
            .is_empty()
    );
    assert!(
        spec.steps_before(spec.index_of("unordered").unwrap())
            .is_empty()
    );
    let second = spec.index_of("other-list-second").unwrap();
    assert_eq!(
        spec.steps_before(second),
        [spec.index_of("other-list-first").unwrap()]
    );
    assert_ne!(
        spec.item(second).step().unwrap().list,
        spec.item(restore).step().unwrap().list
    );
}

#[test]
fn steps_nested_under_a_task_are_its_children() {
    let spec = clean("# T\n\n- [ ] Release\n  1. [ ] Tag\n  2. [ ] Publish\n");
    let publish = item(&spec, "release/publish");
    assert_eq!(publish.parent(), spec.index_of("release"));
    assert_eq!(publish.step().map(|s| s.position), Some(2));
    assert_eq!(item(&spec, "release").step(), None);
    assert_eq!(
        spec.steps_before(publish.index()),
        [spec.index_of("release/tag").unwrap()]
    );
}

// --- notes -----------------------------------------------------------------------------

#[test]
fn prose_code_plain_lists_and_quotes_are_notes_never_items() {
    let source = "\
# Deploy

Run this before every release.

## Checks

Read the runbook first.

```sh
- [ ] not a task inside code
```

- a plain bullet
- another one

> Quoted advice, not a task.

| a | b |
|---|---|
| 1 | 2 |

- [ ] The only task
";
    let spec = clean(source);
    assert_eq!(ids(&spec), ["checks/the-only-task"]);
    assert_eq!(spec.description(), "Run this before every release.");
    assert_eq!(spec.root().notes().len(), 1);
    assert_eq!(spec.root().notes()[0].kind, NoteKind::Paragraph);
    let checks = &spec.sections()[1];
    let kinds: Vec<&NoteKind> = checks.notes().iter().map(|n| &n.kind).collect();
    assert_eq!(
        kinds,
        [
            &NoteKind::Paragraph,
            &NoteKind::Code { info: "sh".into() },
            &NoteKind::List,
            &NoteKind::Quote,
            &NoteKind::Table,
        ]
    );
    let notes = checks.notes();
    assert_eq!(notes[0].markdown, "Read the runbook first.");
    assert_eq!(notes[0].location.line, 7);
    assert_eq!(
        notes[1].markdown,
        "```sh\n- [ ] not a task inside code\n```"
    );
    assert_eq!(notes[1].location.line, 9);
    assert_eq!(notes[2].markdown, "- a plain bullet\n- another one");
    assert_eq!(notes[3].markdown, "> Quoted advice, not a task.");
    assert_eq!(notes[3].location.line, 16);
    assert!(notes[4].markdown.starts_with("| a | b |"));
}

// --- attribute blocks ------------------------------------------------------------------

#[test]
fn an_attribute_block_pins_the_id_and_overrides_kind() {
    // The attribute block with every attribute at once: a sign-off, so its `type=`
    // has no effect, and the parser says so.
    let parsed = parse_ok(
        "# T\n\n## S\n\n\
         - [ ] Everything at once {#all .optional .signoff type=date role=sre}\n\
         - [ ] Smoke tests pass {#smoke}\n\
         - [ ] Maybe later (optional) {.required}\n\
         - [ ] Build number {.field}\n\
         - [ ] Go-live date {.field}\n\
         - [ ] Reviewer: ___ {.task}\n\
         - [ ] Signed by the team {.signoff}\n",
    );
    let codes: Vec<_> = parsed
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.location.line))
        .collect();
    assert_eq!(codes, [("W0007", 5)]);
    let spec = parsed.spec;
    let all = item(&spec, "s/all");
    assert_eq!(
        all.text(),
        "Everything at once",
        "the block is cut from the text"
    );
    assert!(all.is_optional());
    assert_eq!(all.kind(), &ItemKind::SignOff { role: "sre".into() });
    let smoke = item(&spec, "s/smoke");
    assert_eq!(smoke.text(), "Smoke tests pass");
    assert_eq!(smoke.kind(), &ItemKind::Task);
    assert!(spec.item_by_id("s/smoke-tests-pass").is_none());
    assert!(!item(&spec, "s/maybe-later").is_optional());
    assert_eq!(
        item(&spec, "s/build-number").field_type(),
        Some(&FieldType::Text)
    );
    assert_eq!(
        item(&spec, "s/go-live-date").field_type(),
        Some(&FieldType::Date)
    );
    assert_eq!(item(&spec, "s/reviewer").kind(), &ItemKind::Task);
    assert_eq!(
        item(&spec, "s/signed-by-the-team").role(),
        Some("signed-by-the-team"),
        "`.signoff` without `role=` derives the role from the label"
    );
}

#[test]
fn attribute_types_number_url_and_enum() {
    let spec = clean(
        "# T\n\n\
         - [ ] Error budget left {type=number}\n\
         - [ ] Dashboard {type=url}\n\
         - [ ] Severity {type=\"enum(low|medium|high)\"}\n\
         - [ ] Window {type='enum(am|pm)'}\n\
         - [ ] Start Date: ___ {type=text}\n\
         - [ ] Owner {role=site-reliability}\n",
    );
    assert_eq!(
        item(&spec, "error-budget-left").field_type(),
        Some(&FieldType::Number)
    );
    assert_eq!(item(&spec, "dashboard").field_type(), Some(&FieldType::Url));
    assert_eq!(
        item(&spec, "severity").field_type(),
        Some(&FieldType::Enum(vec![
            "low".into(),
            "medium".into(),
            "high".into()
        ]))
    );
    assert_eq!(
        item(&spec, "window").field_type(),
        Some(&FieldType::Enum(vec!["am".into(), "pm".into()]))
    );
    assert_eq!(
        item(&spec, "start-date").field_type(),
        Some(&FieldType::Text),
        "type= overrides the date detection"
    );
    assert_eq!(item(&spec, "owner").role(), Some("site-reliability"));
}

#[test]
fn braces_that_are_not_attributes_stay_text() {
    let spec = clean("# T\n\n- [ ] Use {} in templates\n- [ ] Render {name}\n- [ ] Set {a, b}\n");
    assert_eq!(ids(&spec), ["use-in-templates", "render-name", "set-a-b"]);
    assert_eq!(item(&spec, "render-name").text(), "Render {name}");
}

#[test]
fn a_heading_pin_renames_the_section_path() {
    let spec = clean("# T\n\n## Deploy the Service {#deploy}\n\n### Checks {#c}\n\n- [ ] Ready\n");
    assert_eq!(section_ids(&spec), ["", "deploy", "deploy/c"]);
    assert_eq!(spec.sections()[1].title(), "Deploy the Service");
    assert_eq!(ids(&spec), ["deploy/c/ready"]);
}

#[test]
fn markup_is_removed_from_text_and_ids() {
    let spec = clean(
        "# T\n\n- [ ] **Bold** _and_ `code` with [a link](https://x.test) {#styled}\n- [ ] *Env* `.env` file\n",
    );
    assert_eq!(item(&spec, "styled").text(), "Bold and code with a link");
    assert_eq!(item(&spec, "env-env-file").text(), "Env .env file");
}

// --- TOML front matter -----------------------------------------------------------------

const GATED: &str = r#"+++
id = "svc-release"
version = "2.1"
title = "Service Release"
description = "How we ship."
signoff_gate = "deploy"
roles = ["sre", "qa", "tech-lead"]

[gates.deploy]
description = "ready to deploy"
include = ["pre/**", "infra", "dates/scheduled-date"]
exclude = ["pre/skip/*"]

[gates.code]
include = ["pre/code-*/*", "**/smoke"]

[items."pre/code-quality/lint"]
optional = true

[items."pre/code-quality/coverage"]
type = "number"

[items."infra/db/backup-verified"]
role = "sre"
+++

# Ignored Title

## Pre

### Code Quality

- [ ] Lint
- [ ] Coverage
- [ ] Smoke

### Skip

- [ ] A
- [ ] B

## Infra

### DB

- [ ] Backup verified

## Other

- [ ] Not gated

## Dates

- [ ] Scheduled Date: ___

## Approvals

- [ ] Tech Lead: ___
- [ ] QA Approval: ___
"#;

fn gate_ids<'s>(spec: &'s Spec, name: &str) -> Vec<&'s str> {
    spec.gate_by_name(name)
        .unwrap_or_else(|| panic!("no gate {name}"))
        .items()
        .iter()
        .map(|&i| spec.item(i).id())
        .collect()
}

/// Parses in default mode, warnings allowed; panics on error.
fn clean_or_warn(source: &str) -> Spec {
    parse_ok(source).spec
}

#[test]
fn toml_front_matter_sets_metadata() {
    let spec = clean(GATED);
    assert_eq!(spec.id(), "svc-release");
    assert_eq!(spec.version(), Some("2.1"));
    assert_eq!(spec.title(), Some("Service Release"));
    assert_eq!(spec.description(), "How we ship.");
    assert_eq!(spec.roles(), ["sre", "qa", "tech-lead"]);
    // Lines count from the top of the file, front matter included.
    assert_eq!(item(&spec, "pre/code-quality/lint").line(), 33);
}

#[test]
fn toml_gates_select_by_section_path_globs_and_excludes() {
    let spec = clean(GATED);
    let names: Vec<&str> = spec.gates().iter().map(|g| g.name()).collect();
    assert_eq!(
        names,
        ["complete", "code", "deploy"],
        "complete first, then by name"
    );
    assert!(spec.gates()[0].is_builtin());
    assert_eq!(spec.gates()[0].items().len(), spec.items().len());
    assert_eq!(
        gate_ids(&spec, "deploy"),
        [
            "pre/code-quality/lint",
            "pre/code-quality/coverage",
            "pre/code-quality/smoke",
            "infra/db/backup-verified",
            "dates/scheduled-date"
        ]
    );
    let deploy = spec.gate_by_name("deploy").unwrap();
    assert_eq!(deploy.description(), Some("ready to deploy"));
    assert_eq!(
        deploy.include(),
        ["pre/**", "infra", "dates/scheduled-date"]
    );
    assert_eq!(deploy.exclude(), ["pre/skip/*"]);
    assert!(!deploy.is_builtin());
    assert_eq!(
        gate_ids(&spec, "code"),
        [
            "pre/code-quality/lint",
            "pre/code-quality/coverage",
            "pre/code-quality/smoke"
        ]
    );
}

#[test]
fn toml_signoff_gate_sets_what_signoffs_cover() {
    let spec = clean(GATED);
    assert_eq!(spec.signoff_gate().name(), "deploy");
    let covered: Vec<&str> = spec
        .signoff_coverage()
        .iter()
        .map(|&i| spec.item(i).id())
        .collect();
    // The deploy gate minus its sign-offs (`infra/db/backup-verified` became one).
    assert_eq!(
        covered,
        [
            "pre/code-quality/lint",
            "pre/code-quality/coverage",
            "pre/code-quality/smoke",
            "dates/scheduled-date"
        ]
    );
    // Without `signoff_gate`, sign-offs cover `complete` minus the sign-offs.
    let plain = spec_without_signoff_gate();
    assert_eq!(plain.signoff_gate().name(), "complete");
    assert_eq!(
        plain.signoff_coverage().len(),
        plain.items().iter().filter(|i| !i.is_signoff()).count()
    );
}

fn spec_without_signoff_gate() -> Spec {
    clean(&GATED.replace("signoff_gate = \"deploy\"\n", ""))
}

#[test]
fn toml_item_overrides_and_roles() {
    let spec = clean(GATED);
    assert!(item(&spec, "pre/code-quality/lint").is_optional());
    assert_eq!(
        item(&spec, "pre/code-quality/coverage").field_type(),
        Some(&FieldType::Number)
    );
    assert_eq!(item(&spec, "infra/db/backup-verified").role(), Some("sre"));
    assert_eq!(item(&spec, "approvals/tech-lead").role(), Some("tech-lead"));
    assert_eq!(item(&spec, "approvals/qa-approval").role(), Some("qa"));
    // `optional = false` turns a marked item required.
    let spec2 = clean(
        "+++\n[items.\"x\"]\noptional = false\n+++\n- [ ] X (optional)\n- [ ] Y (optional)\n",
    );
    assert!(!item(&spec2, "x").is_optional());
    assert!(item(&spec2, "y").is_optional());
}

// --- YAML front matter -----------------------------------------------------------------

#[test]
fn yaml_front_matter_is_kept_as_foreign_metadata_and_never_parsed() {
    let source = "---\nid: yaml-id\nname: Bug report\nabout: File a bug\n---\n\n# Real Title\n\n- [ ] Reproduced\n";
    let spec = clean(source);
    assert_eq!(
        spec.foreign_metadata(),
        Some(&ForeignMetadata::Yaml(
            "id: yaml-id\nname: Bug report\nabout: File a bug\n".into()
        ))
    );
    // It configures nothing: the id comes from the title, not from `id:`.
    assert_eq!(spec.id(), "real-title");
    assert_eq!(spec.title(), Some("Real Title"));
    // `about: File a bug` followed by `---` is not a setext heading, `---` not a rule.
    assert_eq!(section_ids(&spec), [""]);
    assert!(spec.root().notes().is_empty());
    assert_eq!(ids(&spec), ["reproduced"]);
    assert_eq!(item(&spec, "reproduced").line(), 9);
    // TOML front matter is not foreign.
    assert_eq!(spec_without_signoff_gate().foreign_metadata(), None);
}

#[test]
fn a_rule_after_a_blank_first_line_is_not_front_matter() {
    let spec = clean("---\n\n# Title\n\n- [ ] a\n");
    assert_eq!(spec.foreign_metadata(), None);
    assert_eq!(spec.title(), Some("Title"));
}

// --- ids -------------------------------------------------------------------------------

#[test]
fn repeated_ids_get_suffixes_and_a_warning_naming_both_lines() {
    let source =
        "# T\n\n## Checks\n\n- [ ] Tests pass\n- [ ] Lint\n- [ ] Tests pass\n- [ ] tests PASS!\n";
    let parsed = parse_ok(source);
    assert_eq!(
        ids(&parsed.spec),
        [
            "checks/tests-pass",
            "checks/lint",
            "checks/tests-pass-2",
            "checks/tests-pass-3"
        ]
    );
    let codes: Vec<&str> = parsed.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["W0005", "W0005"]);
    let first = &parsed.warnings[0];
    assert_eq!(first.location.line, 7);
    assert!(
        first
            .message
            .contains("on line 7 is already used on line 5"),
        "{}",
        first.message
    );
    assert!(
        first.message.contains("checks/tests-pass-2"),
        "{}",
        first.message
    );
    assert_eq!(first.related.len(), 1);
    assert_eq!(first.related[0].location.line, 5);
    assert!(
        first.help.as_deref().unwrap().contains("{#"),
        "suggests a pin"
    );
    let second = &parsed.warnings[1];
    assert_eq!(second.location.line, 8);
    assert!(
        second
            .message
            .contains("on line 8 is already used on line 5"),
        "{}",
        second.message
    );
}

#[test]
fn suffixed_ids_are_marked_as_depending_on_order() {
    let parsed = parse_ok(
        "## Checks\n\n- [ ] Tests pass\n- [ ] Lint\n- [ ] Tests pass\n- [ ] Lint {#lint-again}\n",
    );
    let marked: Vec<(&str, bool)> = parsed
        .spec
        .items()
        .iter()
        .map(|i| (i.id(), i.is_suffixed()))
        .collect();
    assert_eq!(
        marked,
        [
            ("checks/tests-pass", false),
            ("checks/lint", false),
            ("checks/tests-pass-2", true),
            // A pin is not a suffix, even when it reads like one.
            ("checks/lint-again", false),
        ]
    );
    // A repeated section suffixes its own id; its items are not suffixed themselves.
    let spec = clean_or_warn("## A\n\n- [ ] x\n\n## A\n\n- [ ] x\n");
    assert_eq!(ids(&spec), ["a/x", "a-2/x"]);
    assert!(spec.items().iter().all(|i| !i.is_suffixed()));
}

#[test]
fn front_matter_version_is_a_string_or_an_integer() {
    let spec = clean("+++\nversion = \"2.1.0\"\n+++\n- [ ] x\n");
    assert_eq!(spec.version(), Some("2.1.0"));
    let spec = clean("+++\nversion = 2\n+++\n- [ ] x\n");
    assert_eq!(spec.version(), Some("2"));
    // As a string, the digest sees the same version either way.
    let quoted = clean("+++\nversion = \"2\"\n+++\n- [ ] x\n");
    assert_eq!(spec.digest(), quoted.digest());
}

#[test]
fn the_same_text_under_different_parents_is_not_repeated() {
    let spec = clean("# T\n\n## A\n\n- [ ] Check\n\n## B\n\n- [ ] Check\n- [ ] P\n  - [ ] Check\n");
    assert_eq!(ids(&spec), ["a/check", "b/check", "b/p", "b/p/check"]);
}

#[test]
fn repeated_section_ids_get_suffixes_too() {
    let parsed = parse_ok("# T\n\n## Checks\n\n- [ ] a\n\n## Checks\n\n- [ ] a\n");
    assert_eq!(ids(&parsed.spec), ["checks/a", "checks-2/a"]);
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].code.as_str(), "W0005");
    assert_eq!(parsed.warnings[0].location.line, 7);
}

#[test]
fn strict_mode_makes_repeated_ids_errors() {
    let source = "# T\n\n- [ ] Tests pass\n- [ ] Tests pass\n";
    let err = parse_err(source, &ParseOptions::new("t.md").strict(true));
    let codes: Vec<&str> = err.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0003"]);
    let d = &err.diagnostics()[0];
    assert!(d.is_error());
    assert_eq!((d.location.line, d.location.column), (4, 1));
    assert!(
        d.message.contains("on line 4 is already used on line 3"),
        "{}",
        d.message
    );
    assert_eq!(d.related[0].location.line, 3);
    // The same source is fine by default, and strict mode is fine without repeats.
    assert!(parse(source, &ParseOptions::new("t.md")).is_ok());
    assert!(
        parse(
            "- [ ] a\n- [ ] b\n",
            &ParseOptions::new("t.md").strict(true)
        )
        .is_ok()
    );
}

#[test]
fn a_pinned_id_that_collides_is_an_error_even_by_default() {
    let source = "# T\n\n- [ ] Ship it\n- [ ] Deploy {#ship-it}\n";
    let err = parse_err(source, &ParseOptions::new("t.md"));
    let codes: Vec<&str> = err.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0003"]);
    let d = &err.diagnostics()[0];
    assert_eq!(d.location.line, 4);
    assert!(d.message.contains("pinned id `ship-it`"), "{}", d.message);
    assert_eq!(d.related[0].location.line, 3);
    // The same when the pin comes first: the derived id may not take a pinned one.
    let err = parse_err(
        "# T\n\n- [ ] Deploy {#ship-it}\n- [ ] Ship it\n",
        &ParseOptions::new("t.md"),
    );
    let d = &err.diagnostics()[0];
    assert_eq!((d.code.as_str(), d.location.line), ("E0003", 4));
    // And for sections.
    let err = parse_err(
        "# T\n\n## Deploy {#checks}\n\n- [ ] a\n\n## Checks\n\n- [ ] b\n",
        &ParseOptions::new("t.md"),
    );
    let d = &err.diagnostics()[0];
    assert_eq!((d.code.as_str(), d.location.line), ("E0003", 7));
    // Two pins colliding as well.
    let err = parse_err("- [ ] A {#x}\n- [ ] B {#x}\n", &ParseOptions::new("t.md"));
    assert_eq!(err.diagnostics()[0].code.as_str(), "E0003");
}

#[test]
fn ids_do_not_depend_on_order() {
    let a = clean("# T\n\n## S\n\n- [ ] One\n- [ ] Two\n  - [ ] Sub\n- [ ] Three\n");
    let b = clean("# T\n\n## S\n\n- [ ] Three\n- [ ] Two\n  - [ ] Sub\n- [ ] One\n");
    let mut ia = ids(&a);
    let mut ib = ids(&b);
    assert_ne!(ia, ib, "document order differs");
    ia.sort_unstable();
    ib.sort_unstable();
    assert_eq!(ia, ib);
}

#[test]
fn long_texts_are_never_cut_short() {
    let long = "word ".repeat(60);
    let source = format!("- [ ] {long}one\n- [ ] {long}two\n");
    let spec = clean(&source);
    let ids = ids(&spec);
    assert!(
        ids[0].ends_with("-one") && ids[1].ends_with("-two"),
        "{ids:?}"
    );
    assert_eq!(ids[0].len(), "word-".len() * 60 + "one".len());
}
