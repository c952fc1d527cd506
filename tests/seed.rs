//! The reference input: the production deployment checklist must parse as-is, with no
//! warnings, into exactly the model it was written for: its 34 sections and 177 items,
//! the kinds, optional markers, fields and sign-offs the language's rules give them.

use std::collections::BTreeSet;
use std::path::Path;

use checklist_md::{FieldType, ItemKind, Mark, NoteKind, ParseOptions, Spec, parse};

const SEED_PATH: &str = "examples/checklists/production-deployment.md";

fn seed_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED_PATH);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn seed() -> Spec {
    let parsed = parse(
        &seed_source(),
        &ParseOptions::new("production-deployment.md"),
    )
    .unwrap_or_else(|e| panic!("the seed must parse:\n{e}"));
    assert!(
        parsed.warnings.is_empty(),
        "the seed must parse without warnings:\n{}",
        parsed.render_warnings()
    );
    parsed.spec
}

fn ids(spec: &Spec) -> BTreeSet<String> {
    spec.items().iter().map(|i| i.id().to_string()).collect()
}

#[test]
fn example_is_a_byte_for_byte_copy_of_the_shared_seed() {
    let shared =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/checklists/production-deployment.md");
    match std::fs::read(&shared) {
        Ok(bytes) => assert!(
            bytes == seed_source().as_bytes(),
            "{SEED_PATH} differs from {}",
            shared.display()
        ),
        Err(_) => eprintln!(
            "note: {} is absent; skipped comparing it with {SEED_PATH}",
            shared.display()
        ),
    }
}

#[test]
fn parses_without_warnings_in_default_and_strict_mode() {
    let source = seed_source();
    let strict = parse(
        &source,
        &ParseOptions::new("production-deployment.md").strict(true),
    )
    .unwrap_or_else(|e| panic!("the seed must parse strictly:\n{e}"));
    assert!(strict.warnings.is_empty());
    assert_eq!(strict.spec.digest(), seed().digest());
}

#[test]
fn counts_match_the_design() {
    let spec = seed();
    assert_eq!(spec.id(), "production-deployment-checklist");
    assert_eq!(spec.title(), Some("Production Deployment Checklist"));
    assert_eq!(spec.version(), None);
    assert_eq!(spec.sections().len(), 34, "33 headings plus the root");
    assert_eq!(spec.root().title(), "Production Deployment Checklist");
    assert!(spec.root().items().is_empty());
    let summary = spec.summary();
    assert_eq!(summary.sections, 34);
    assert_eq!(summary.items, 177);
    assert_eq!(summary.tasks, 170);
    assert_eq!(summary.fields, 3);
    assert_eq!(summary.signoffs, 4);
    assert_eq!(summary.optional, 4);
    assert_eq!(summary.gates, 1, "only the built-in `complete`");
    assert_eq!(
        summary.to_string(),
        "34 sections, 177 items: 170 tasks, 3 fields, 4 sign-offs, 4 optional"
    );
    assert!(spec.items().iter().all(|i| i.mark() == Mark::Open));
    assert!(spec.items().iter().all(|i| i.parent().is_none()));
    assert!(spec.items().iter().all(|i| i.step().is_none()));
    assert!(spec.ordered_lists().is_empty());
}

#[test]
fn top_level_sections_in_order() {
    let spec = seed();
    let top: Vec<&str> = spec
        .root()
        .children()
        .iter()
        .map(|&s| spec.section(s).id())
        .collect();
    assert_eq!(
        top,
        [
            "pre-deployment",
            "infrastructure",
            "deployment",
            "security-hardening",
            "monitoring-alerting",
            "disaster-recovery",
            "documentation",
            "sign-off",
            "deployment-date",
            "post-deployment-review",
            "notes",
        ]
    );
    let code_quality = spec
        .sections()
        .iter()
        .find(|s| s.id() == "pre-deployment/code-quality")
        .expect("code quality section");
    assert_eq!(code_quality.level(), 3);
    assert_eq!(code_quality.title(), "Code Quality");
    assert_eq!(code_quality.location().line, 5);
    assert_eq!(code_quality.items().len(), 8);
    assert_eq!(
        spec.section(code_quality.parent().unwrap()).id(),
        "pre-deployment"
    );
}

#[test]
fn fields_are_typed_by_their_label() {
    let spec = seed();
    let field = |id: &str| {
        spec.item_by_id(id)
            .unwrap_or_else(|| panic!("no item {id}"))
            .field_type()
            .cloned()
    };
    assert_eq!(
        field("deployment-date/scheduled-date"),
        Some(FieldType::Date)
    );
    assert_eq!(field("deployment-date/actual-date"), Some(FieldType::Date));
    assert_eq!(field("deployment-date/deployed-by"), Some(FieldType::Text));
    let fields: Vec<&str> = spec
        .items()
        .iter()
        .filter(|i| matches!(i.kind(), ItemKind::Field(_)))
        .map(|i| i.id())
        .collect();
    assert_eq!(
        fields,
        [
            "deployment-date/scheduled-date",
            "deployment-date/actual-date",
            "deployment-date/deployed-by"
        ]
    );
    let scheduled = spec.item_by_id("deployment-date/scheduled-date").unwrap();
    assert_eq!(scheduled.label(), "Scheduled Date");
    assert_eq!(scheduled.text(), "Scheduled Date: ________________");
    assert_eq!(scheduled.line(), 257);
}

#[test]
fn signoffs_have_the_four_roles() {
    let spec = seed();
    let signoffs: Vec<(&str, &str)> = spec
        .items()
        .iter()
        .filter(|i| i.is_signoff())
        .map(|i| (i.id(), i.role().unwrap()))
        .collect();
    assert_eq!(
        signoffs,
        [
            ("sign-off/technical-lead-approval", "technical-lead"),
            ("sign-off/security-team-approval", "security-team"),
            ("sign-off/operations-team-approval", "operations-team"),
            ("sign-off/product-owner-approval", "product-owner"),
        ]
    );
    let lead = spec.item_by_id("sign-off/technical-lead-approval").unwrap();
    assert_eq!(
        lead.kind(),
        &ItemKind::SignOff {
            role: "technical-lead".into()
        }
    );
    assert_eq!(lead.label(), "Technical Lead Approval");
    assert_eq!(lead.line(), 250);
    // With the default sign-off gate (`complete`), a sign-off covers every other item.
    assert_eq!(spec.signoff_gate().name(), "complete");
    assert_eq!(spec.signoff_coverage().len(), 173);
    assert!(
        spec.signoff_coverage()
            .iter()
            .all(|&i| !spec.item(i).is_signoff())
    );
}

#[test]
fn exactly_the_conditional_items_are_optional() {
    let spec = seed();
    let optional: Vec<(&str, &str)> = spec
        .items()
        .iter()
        .filter(|i| i.is_optional())
        .map(|i| (i.id(), i.text()))
        .collect();
    assert_eq!(
        optional,
        [
            (
                "infrastructure/database/read-replicas-configured",
                "Read replicas configured (if needed)"
            ),
            (
                "infrastructure/monitoring-observability/distributed-tracing-enabled",
                "Distributed tracing enabled (if needed)"
            ),
            (
                "security-hardening/network-security/vpc-configured",
                "VPC configured (if applicable)"
            ),
            (
                "security-hardening/compliance/gdpr-compliance-verified",
                "GDPR compliance verified (if applicable)"
            ),
        ]
    );
    for item in spec.items() {
        let conditional =
            item.text().ends_with("(if needed)") || item.text().ends_with("(if applicable)");
        assert_eq!(item.is_optional(), conditional, "{}", item.id());
    }
}

#[test]
fn notes_hold_the_fenced_block_and_are_not_items() {
    let spec = seed();
    let notes = spec
        .sections()
        .iter()
        .find(|s| s.id() == "notes")
        .expect("notes section");
    assert!(notes.items().is_empty());
    assert!(notes.children().is_empty());
    let code = notes
        .notes()
        .iter()
        .find(|n| matches!(n.kind, NoteKind::Code { .. }))
        .expect("the fenced code block is a note");
    assert_eq!(
        code.kind,
        NoteKind::Code {
            info: String::new()
        }
    );
    assert_eq!(
        code.markdown,
        "```\nAdd any additional notes, issues, or observations here.\n```"
    );
    assert_eq!(code.location.line, 272);
    // The closing paragraph after the rule is a note too.
    let paragraph = notes
        .notes()
        .iter()
        .find(|n| n.kind == NoteKind::Paragraph)
        .expect("closing paragraph");
    assert!(paragraph.markdown.contains("**Important**"));
    assert_eq!(paragraph.location.line, 278);
    assert!(
        spec.items()
            .iter()
            .all(|i| !i.text().contains("additional notes"))
    );
}

#[test]
fn ids_are_slug_paths() {
    let spec = seed();
    for (id, text, line) in [
        (
            "pre-deployment/code-quality/all-code-reviews-completed",
            "All code reviews completed",
            7,
        ),
        (
            "pre-deployment/code-quality/linting-passes-with-no-errors",
            "Linting passes with no errors",
            8,
        ),
        (
            "pre-deployment/code-quality/unit-tests-passing-minimum-80-coverage",
            "Unit tests passing (minimum 80% coverage)",
            10,
        ),
        (
            "pre-deployment/environment-configuration/env-production-created-with-all-required-variables",
            "`.env.production` created with all required variables",
            44,
        ),
        (
            "infrastructure/redis-caching/redis-configured-and-running",
            "Redis configured and running",
            67,
        ),
        (
            "monitoring-alerting/alerts-configured/ssl-certificate-expiration-alerts",
            "SSL certificate expiration alerts",
            209,
        ),
        (
            "documentation/contact-list-updated",
            "Contact list updated",
            246,
        ),
        (
            "post-deployment-review/process-improvements-identified",
            "Process improvements identified",
            268,
        ),
    ] {
        let item = spec
            .item_by_id(id)
            .unwrap_or_else(|| panic!("no item {id}"));
        assert_eq!(item.line(), line, "{id}");
        assert_eq!(item.location().column, 1, "{id}");
        assert_eq!(item.kind(), &ItemKind::Task, "{id}");
        // Markup is removed from the text: the code span keeps its content only.
        assert_eq!(item.text(), text.replace('`', ""), "{id}");
    }
    for item in spec.items() {
        assert_eq!(spec.index_of(item.id()), Some(item.index()));
        let section = spec.section(item.section());
        assert_eq!(
            item.id(),
            format!(
                "{}/{}",
                section.id(),
                checklist_md::slug::slugify(item.label())
            ),
            "an item id is its section id plus its own slug"
        );
        assert!(
            item.id().split('/').all(checklist_md::slug::is_slug),
            "{}",
            item.id()
        );
    }
    assert_eq!(ids(&spec).len(), 177, "ids are unique");
}

#[test]
fn a_repeated_text_in_three_sections_gets_three_ids() {
    let spec = seed();
    let pooling: Vec<(&str, u32)> = spec
        .items()
        .iter()
        .filter(|i| i.text() == "Connection pooling configured")
        .map(|i| (i.id(), i.line()))
        .collect();
    assert_eq!(
        pooling,
        [
            (
                "pre-deployment/performance/connection-pooling-configured",
                39
            ),
            ("infrastructure/database/connection-pooling-configured", 57),
            (
                "infrastructure/redis-caching/connection-pooling-configured",
                70
            ),
        ]
    );
}

#[test]
fn reordering_items_within_a_section_keeps_the_ids() {
    let source = seed_source();
    let original = seed();
    let mut lines: Vec<&str> = source.lines().collect();
    // Lines 7 and 14 (1-based) are the first and last items of Code Quality; 250 and 253
    // the first and last sign-offs; 257 and 259 two fields.
    for (a, b) in [(7, 14), (250, 253), (257, 259)] {
        assert!(lines[a - 1].starts_with("- [ ]") && lines[b - 1].starts_with("- [ ]"));
        lines.swap(a - 1, b - 1);
    }
    let reordered = lines.join("\n") + "\n";
    assert_ne!(reordered, source);
    let parsed = parse(&reordered, &ParseOptions::new("production-deployment.md"))
        .expect("reordered seed parses");
    assert!(parsed.warnings.is_empty());
    let spec = parsed.spec;
    assert_eq!(ids(&spec), ids(&original));
    // Same ids, same meaning; only the lines moved.
    let first = spec
        .item_by_id("pre-deployment/code-quality/all-code-reviews-completed")
        .unwrap();
    assert_eq!(first.line(), 14);
    let lead = spec.item_by_id("sign-off/technical-lead-approval").unwrap();
    assert_eq!(lead.line(), 253);
    assert_eq!(lead.role(), Some("technical-lead"));
    let by = spec.item_by_id("deployment-date/deployed-by").unwrap();
    assert_eq!(by.line(), 257);
    assert_eq!(by.field_type(), Some(&FieldType::Text));
    for item in spec.items() {
        let before = original.item_by_id(item.id()).unwrap();
        assert_eq!(item.text(), before.text());
        assert_eq!(item.kind(), before.kind());
        assert_eq!(item.is_optional(), before.is_optional());
    }
}

#[test]
fn item_view_is_the_json_of_one_item() {
    let spec = seed();
    let index = spec.index_of("sign-off/security-team-approval").unwrap();
    let json = serde_json::to_value(spec.item_view(index)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "id": "sign-off/security-team-approval",
            "kind": "signoff",
            "text": "Security Team Approval: ________________",
            "line": 251,
            "column": 1,
            "optional": false,
            "mark": "open",
            "role": "security-team",
        })
    );
}

#[test]
fn snapshot_of_the_whole_spec() {
    insta::assert_json_snapshot!(seed());
}
