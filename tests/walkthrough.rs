//! The production-deployment walk-through on the seed checklist, end to end: a fresh run
//! fails its gate item by item, sign-offs wait for what they cover, a finished run passes,
//! and reopening one task voids every approval. Then the same with the seed's gated
//! variant, where sign-offs cover only what must be true before the deploy starts.
//!
//! The state document after the walk-through and the checklist's JSON Schema are insta
//! snapshots, and the document is validated against both schemas with `jsonschema`.

use std::path::Path;
use std::sync::Arc;

use checklist_md::clock::FixedClock;
use checklist_md::document::{generic_schema, schema_for_spec};
use checklist_md::{
    Action, Actor, FieldType, GateIndex, ItemKind, ParseOptions, Payload, Refusal, Spec, State,
    Status, Unmet, parse,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};

/// Where the example checklists are (and where their checks run).
fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/checklists")
}

fn load(file: &str) -> Arc<Spec> {
    let path = examples().join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    let parsed = parse(&source, &ParseOptions::new(file)).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.warnings.is_empty(), "{}", parsed.render_warnings());
    Arc::new(parsed.spec)
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

/// The walk-through judges gates on this day (`evaluate_on`), so evaluating never reads
/// the clock and the snapshot's timestamps depend only on the transitions.
fn today() -> NaiveDate {
    start().date_naive()
}

fn fresh(spec: &Arc<Spec>) -> State {
    State::new(spec.clone()).with_clock(Arc::new(FixedClock::stepping(
        start(),
        Duration::seconds(1),
    )))
}

fn gate(spec: &Arc<Spec>, name: &str) -> GateIndex {
    spec.gate_by_name(name).unwrap().index()
}

/// The person who holds `role` (and only it).
fn signer(role: &str) -> Actor {
    let name = match role {
        "technical-lead" => "tara",
        "security-team" => "sam",
        "operations-team" => "olga",
        "product-owner" => "pete",
        other => panic!("unexpected role {other}"),
    };
    Actor::new(name).with_role(role)
}

const SIGNOFFS: [&str; 4] = [
    "sign-off/technical-lead-approval",
    "sign-off/security-team-approval",
    "sign-off/operations-team-approval",
    "sign-off/product-owner-approval",
];

const OPTIONAL: [&str; 4] = [
    "infrastructure/database/read-replicas-configured",
    "infrastructure/monitoring-observability/distributed-tracing-enabled",
    "security-hardening/network-security/vpc-configured",
    "security-hardening/compliance/gdpr-compliance-verified",
];

const REOPENED: &str = "documentation/contact-list-updated";

/// Resolves the non-sign-off items that `include` accepts: tasks completed by `ci`,
/// optional tasks skipped with a reason, date fields `2026-12-01`, text fields a name.
fn resolve(state: &mut State, include: impl Fn(&str) -> bool) {
    let spec = state.spec().clone();
    let ci = Actor::new("ci");
    let dana = Actor::new("dana");
    for item in spec.items() {
        if !include(item.id()) {
            continue;
        }
        let i = item.index();
        let change = match item.kind() {
            ItemKind::Task if item.is_optional() => state
                .skip(i, &dana, Some("not used by this service"))
                .map_err(|e| e.to_string()),
            // A task with a check is done by a passing run of it, here its real command.
            ItemKind::Task if spec.check(i).is_some() => {
                let runner = checklist_md::ProcessRunner::new(examples());
                state.verify(i, &ci, &runner).map_err(|e| e.to_string())
            }
            ItemKind::Task => state.complete(i, &ci).map_err(|e| e.to_string()),
            ItemKind::Field(FieldType::Date) => state
                .fill(i, &dana, "2026-12-01")
                .map_err(|e| e.to_string()),
            ItemKind::Field(_) => state.fill(i, &dana, "dana").map_err(|e| e.to_string()),
            ItemKind::SignOff { .. } => continue,
        }
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(change.events.len(), 1, "{}", item.id());
    }
}

fn approve_all(state: &mut State) {
    let spec = state.spec().clone();
    for &s in spec.signoffs() {
        let role = spec.item(s).role().unwrap();
        let before = state.events().len();
        state.approve(s, &signer(role), Some("reviewed")).unwrap();
        assert_eq!(state.events().len(), before + 1);
        assert_eq!(state.item(s).status(), Status::Approved);
    }
}

/// The full walk-through; returns the final state (after the reopen).
fn walk(spec: &Arc<Spec>) -> State {
    let complete = gate(spec, "complete");
    let mut state = fresh(spec);

    // A fresh run fails `complete` on every one of the 177 items, in document order, each
    // with the reason its kind gives.
    let report = state.evaluate_on(complete, today());
    assert!(!report.passed);
    assert_eq!(report.required, 177);
    assert_eq!(report.unmet.len(), 177);
    let ids: Vec<&str> = report.unmet.iter().map(|u| u.id).collect();
    let all: Vec<&str> = spec.items().iter().map(|i| i.id()).collect();
    assert_eq!(ids, all);
    for u in &report.unmet {
        let expected = match spec.item(u.index).kind() {
            ItemKind::Task => Unmet::Pending,
            ItemKind::Field(_) => Unmet::FieldEmpty,
            ItemKind::SignOff { .. } => Unmet::SignOffMissing,
        };
        assert_eq!(u.reason, expected, "{}", u.id);
    }

    // Approving now is refused: the sign-off covers 173 open items.
    let lead = spec.index_of(SIGNOFFS[0]).unwrap();
    let before = state.to_json();
    let err = state
        .approve(lead, &signer("technical-lead"), None)
        .unwrap_err();
    assert_eq!(
        err.refusal,
        Refusal::GateUnmet {
            gate: "complete".into(),
            count: 173,
            first: all[..3].iter().map(|s| s.to_string()).collect(),
        }
    );
    assert_eq!(state.to_json(), before);

    // Do the work: every task done, the 4 optional ones skipped with a reason, the 3
    // fields filled.
    resolve(&mut state, |_| true);
    for id in OPTIONAL {
        let st = state.get(id).unwrap();
        assert_eq!(st.status(), Status::NotApplicable, "{id}");
        assert!(st.waiver().is_none(), "optional items need no waiver: {id}");
    }
    assert_eq!(
        state.get("deployment-date/scheduled-date").unwrap().value(),
        Some("2026-12-01")
    );
    assert_eq!(
        state.get("deployment-date/actual-date").unwrap().value(),
        Some("2026-12-01")
    );
    assert_eq!(
        state.get("deployment-date/deployed-by").unwrap().value(),
        Some("dana")
    );
    assert_eq!(state.revision(), 173);

    // Only the sign-offs are left.
    let report = state.evaluate_on(complete, today());
    let ids: Vec<&str> = report.unmet.iter().map(|u| u.id).collect();
    assert_eq!(ids, SIGNOFFS);
    assert!(
        report
            .unmet
            .iter()
            .all(|u| u.reason == Unmet::SignOffMissing)
    );

    // Someone without the role still cannot sign.
    let err = state
        .approve(lead, &signer("security-team"), None)
        .unwrap_err();
    assert!(
        matches!(err.refusal, Refusal::MissingRole { ref role, .. } if role == "technical-lead")
    );

    approve_all(&mut state);
    let report = state.evaluate_on(complete, today());
    assert!(report.passed, "{:?}", report.unmet);
    assert_eq!(report.required, 177);
    let p = state.progress();
    assert_eq!(
        (
            p.total,
            p.done,
            p.not_applicable,
            p.waived,
            p.blocked,
            p.pending
        ),
        (177, 173, 4, 0, 0, 0)
    );
    assert_eq!(p.percent(), 100.0);

    // Reopening one task voids all 4 approvals, as 4 `void` events in the same revision.
    let reopened = spec.index_of(REOPENED).unwrap();
    let revision = state.revision();
    let change = state
        .reopen(reopened, &Actor::new("dana"), "the on-call rota changed")
        .unwrap();
    assert_eq!(change.revision, revision + 1);
    let new = &state.events()[change.events.clone()];
    assert_eq!(new.len(), 5);
    assert_eq!(
        (new[0].action(), new[0].item.as_ref()),
        (Action::Reopen, REOPENED)
    );
    for (e, id) in new[1..].iter().zip(SIGNOFFS) {
        assert_eq!(e.action(), Action::Void);
        assert_eq!(&*e.item, id);
        assert_eq!(e.revision, revision + 1);
        assert!(
            matches!(e.payload, Payload::Void { cause, .. } if cause == Some(new[0].seq)),
            "{e:?}"
        );
    }

    // The gate fails again, naming exactly the reopened task and the 4 sign-offs.
    let report = state.evaluate_on(complete, today());
    assert!(!report.passed);
    let unmet: Vec<(&str, &str)> = report
        .unmet
        .iter()
        .map(|u| (u.id, u.reason.code()))
        .collect();
    let mut expected = vec![(REOPENED, "pending")];
    expected.extend(SIGNOFFS.iter().map(|&s| (s, "signoff_voided")));
    assert_eq!(unmet, expected);
    for u in &report.unmet[1..] {
        assert_eq!(u.reason, Unmet::SignOffVoided { because: REOPENED });
    }
    // As a CI job sees it.
    let report_json = serde_json::to_value(&report).unwrap();
    assert_eq!(report_json["passed"], json!(false));
    assert_eq!(report_json["unmet"][1]["reason"], json!("signoff_voided"));
    assert_eq!(report_json["unmet"][0]["id"], json!(REOPENED));

    assert_eq!(state.revision(), 173 + 4 + 1);
    assert_eq!(state.events().len(), 173 + 4 + 5);
    state
}

#[test]
fn the_production_deployment_walkthrough() {
    let spec = load("production-deployment.md");
    let state = walk(&spec);
    // The document survives a round trip, and the log replays to the same state.
    let json = state.to_json();
    let loaded = State::from_json(&spec, &json).unwrap();
    assert!(loaded.migration.is_none());
    assert_eq!(loaded.state, state);
    assert_eq!(
        State::replay(&spec, state.events().to_vec()).unwrap(),
        state
    );
}

#[test]
fn the_walkthrough_is_deterministic_and_snapshotted() {
    let spec = load("production-deployment.md");
    let a = walk(&spec).to_json();
    let b = walk(&spec).to_json();
    assert_eq!(
        a, b,
        "the same walk with the same clock gives the same bytes"
    );
    let state = walk(&spec);
    insta::assert_json_snapshot!("walkthrough_state", &state);
}

#[test]
fn the_schema_of_the_seed_is_snapshotted() {
    let spec = load("production-deployment.md");
    let schema = schema_for_spec(&spec);
    let items = &schema["properties"]["items"];
    assert_eq!(items["properties"].as_object().unwrap().len(), 177);
    assert_eq!(items["required"].as_array().unwrap().len(), 177);
    assert_eq!(items["additionalProperties"], json!(false));
    assert_eq!(
        schema["properties"]["checklist"]["properties"]["id"]["const"],
        json!(spec.id())
    );
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("production_deployment_schema", schema);
    });
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).unwrap_or_else(|e| panic!("the schema must compile: {e}"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn the_document_validates_against_both_schemas() {
    let spec = load("production-deployment.md");
    let generic = validator(&generic_schema());
    let specific = validator(&schema_for_spec(&spec));

    let fresh_doc: Value = serde_json::from_str(&fresh(&spec).to_json()).unwrap();
    let state = walk(&spec);
    let doc: Value = serde_json::from_str(&state.to_json()).unwrap();
    for d in [&fresh_doc, &doc] {
        assert_eq!(errors(&generic, d), Vec::<String>::new());
        assert_eq!(errors(&specific, d), Vec::<String>::new());
    }

    // An item id the checklist does not have: a valid document in general, not for this
    // checklist.
    let mut extra = doc.clone();
    extra["items"]["deployment/rollback-rehearsed"] = json!({ "status": "pending" });
    assert!(generic.is_valid(&extra));
    assert!(!specific.is_valid(&extra));
    // And the loader refuses it too.
    assert!(State::from_json(&spec, &extra.to_string()).is_err());

    // A task holding a field's state.
    let mut filled_task = doc.clone();
    filled_task["items"]["pre-deployment/code-quality/all-code-reviews-completed"] = json!({
        "status": "filled",
        "by": "dana",
        "at": "2026-11-26T09:00:00Z",
        "value": "yes"
    });
    assert!(generic.is_valid(&filled_task));
    assert!(!specific.is_valid(&filled_task));
    assert!(
        errors(&specific, &filled_task)
            .iter()
            .any(|e| e.contains("all-code-reviews-completed")),
        "{:?}",
        errors(&specific, &filled_task)
    );

    // A missing item, an unknown status and another checklist's id fail the spec schema.
    let mut missing = doc.clone();
    let removed = missing["items"]
        .as_object_mut()
        .unwrap()
        .remove(SIGNOFFS[0]);
    assert!(removed.is_some());
    assert!(!specific.is_valid(&missing));
    let mut unknown = doc.clone();
    unknown["items"][SIGNOFFS[0]] = json!({ "status": "maybe" });
    assert!(!generic.is_valid(&unknown));
    assert!(!specific.is_valid(&unknown));
    let mut other = doc;
    other["checklist"]["id"] = json!("another-checklist");
    assert!(generic.is_valid(&other));
    assert!(!specific.is_valid(&other));
}

#[test]
fn on_the_gated_file_signoffs_cover_only_the_deploy_gate() {
    let spec = load("production-deployment-gated.md");
    assert_eq!(spec.signoff_gate().name(), "deploy");
    let deploy = gate(&spec, "deploy");
    let complete = gate(&spec, "complete");
    let coverage: Vec<&str> = spec
        .signoff_coverage()
        .iter()
        .map(|&i| spec.item(i).id())
        .collect();
    assert_eq!(coverage.len(), 151);
    let mut state = fresh(&spec);

    // Early approval names the deploy gate.
    let lead = spec.index_of(SIGNOFFS[0]).unwrap();
    let err = state
        .approve(lead, &signer("technical-lead"), None)
        .unwrap_err();
    assert!(
        matches!(err.refusal, Refusal::GateUnmet { ref gate, count: 151, .. } if gate == "deploy"),
        "{err}"
    );

    // Resolve only what the deploy gate needs.
    resolve(&mut state, |id| coverage.contains(&id));
    for id in [
        "deployment/deployment-process/run-automated-deployment-script",
        "deployment/post-deployment/functional-testing-completed",
        "post-deployment-review/deployment-went-smoothly",
    ] {
        assert_eq!(state.get(id).unwrap().status(), Status::Pending, "{id}");
    }
    assert_eq!(
        state.get("deployment-date/actual-date").unwrap().status(),
        Status::Empty
    );

    // The sign-offs can be given now, before the deployment itself.
    approve_all(&mut state);
    let report = state.evaluate_on(deploy, today());
    assert!(report.passed, "{:?}", report.unmet);
    assert_eq!(report.required, 155);

    // `complete` still fails, on exactly the items outside the deploy gate.
    let report = state.evaluate_on(complete, today());
    assert!(!report.passed);
    let unmet: Vec<&str> = report.unmet.iter().map(|u| u.id).collect();
    let outside: Vec<&str> = spec
        .items()
        .iter()
        .filter(|i| !spec.gate(deploy).items().contains(&i.index()))
        .map(|i| i.id())
        .collect();
    assert_eq!(unmet, outside);
    assert_eq!(unmet.len(), 22);
    assert!(unmet.iter().all(|id| {
        id.starts_with("deployment/deployment-process/")
            || id.starts_with("deployment/post-deployment/")
            || id.starts_with("post-deployment-review/")
            || *id == "deployment-date/actual-date"
            || *id == "deployment-date/deployed-by"
    }));

    // Doing the deployment does not void the approvals: those items are not covered.
    resolve(&mut state, |id| !coverage.contains(&id));
    assert!(
        spec.signoffs()
            .iter()
            .all(|&s| state.item(s).status() == Status::Approved)
    );
    assert!(state.evaluate_on(complete, today()).passed);
    assert!(state.events().iter().all(|e| e.action() != Action::Void));

    // A covered item changing does.
    let change = state
        .reopen(
            spec.index_of("pre-deployment/code-quality/linting-passes-with-no-errors")
                .unwrap(),
            &Actor::new("ci"),
            "new lint rule",
        )
        .unwrap();
    assert_eq!(change.events.len(), 5);
    assert!(!state.evaluate_on(deploy, today()).passed);
}
