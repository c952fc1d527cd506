//! The state machine, transition by transition.
//!
//! The first part is a transition table: every kind of item (required task, optional
//! task, a field of each type, a sign-off) is driven into every state it can reach, and
//! then every request is tried on it. Each try either succeeds with the expected status
//! and exactly one new event (plus one `void` event per approved sign-off when the item
//! is covered by them), or is refused with the expected [`Refusal`] and leaves the JSON
//! document byte for byte as it was.
//!
//! The second part has one focused test per rule, each with its own error.

use std::sync::Arc;

use checklist_md::clock::FixedClock;
use checklist_md::{
    Action, Actor, Event, FieldType, ItemIndex, ItemKind, ItemState, Kind, Origin, ParseOptions,
    Payload, Progress, Refusal, Request, Spec, State, Status, Unmet, Value, WaiverRequest, parse,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

// --- fixtures -------------------------------------------------------------------------

/// One item of every kind, and two sign-offs so a change can void more than one.
const KINDS: &str = "\
# Kinds

## Tasks
- [ ] Required task
- [ ] Optional task (optional)
- [~] Legacy step

## Fields
- [ ] Notes: ____
- [ ] Release Date: ____
- [ ] Build Count: ____ {type=number}
- [ ] Dashboard Link: ____ {type=url}
- [ ] Risk Level: ____ {type=enum(low|high)}

## Sign-Off
- [ ] Technical Lead Approval: ____
- [ ] Security Team Approval: ____
";

/// Nesting and ordered steps.
const RULES: &str = "\
# Rules

## Nested
- [ ] Parent
  - [ ] Required child
  - [ ] Optional child (if needed)

## Steps
1. [ ] First step
2. [ ] Second step
3. [ ] Third step

## Fields
- [ ] Release Date: ____
- [ ] Owner: ____

## Sign-Off
- [ ] Technical Lead Approval: ____
- [ ] Security Team Approval: ____
";

const LEAD: &str = "sign-off/technical-lead-approval";
const SECURITY: &str = "sign-off/security-team-approval";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    start().date_naive()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn spec_of(md: &str) -> Arc<Spec> {
    let parsed = parse(md, &ParseOptions::new("test.md")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        parsed.warnings.is_empty(),
        "fixture must parse cleanly:\n{}",
        parsed.render_warnings()
    );
    Arc::new(parsed.spec)
}

fn fresh(spec: &Arc<Spec>) -> State {
    State::new(spec.clone()).with_clock(Arc::new(FixedClock::stepping(
        start(),
        Duration::seconds(1),
    )))
}

fn ix(spec: &Arc<Spec>, id: &str) -> ItemIndex {
    spec.index_of(id)
        .unwrap_or_else(|| panic!("no item `{id}` in the fixture"))
}

/// Someone with no roles.
fn wes() -> Actor {
    Actor::new("wes")
}

/// Holds the technical-lead role.
fn tara() -> Actor {
    Actor::new("tara").with_role("technical-lead")
}

/// Holds the security-team role.
fn sam() -> Actor {
    Actor::new("sam").with_role("security-team")
}

/// Resolves every task and field (not the sign-offs), respecting nesting and step order.
fn resolve_all_but_signoffs(state: &mut State) {
    let spec = state.spec().clone();
    loop {
        let mut progressed = false;
        for item in spec.items() {
            let i = item.index();
            if state.is_resolved(i, state.today()) {
                continue;
            }
            let ok = match item.kind() {
                ItemKind::Task if item.is_optional() => state.skip(i, &wes(), Some("n/a")).is_ok(),
                ItemKind::Task => state.complete(i, &wes()).is_ok(),
                ItemKind::Field(ty) => {
                    let v = match ty {
                        FieldType::Date => "2026-12-01",
                        FieldType::Number => "3",
                        FieldType::Url => "https://ci.example.com/1",
                        FieldType::Enum(values) => values[0].as_str(),
                        FieldType::Text => "someone",
                        other => unreachable!("no value for {other}"),
                    };
                    state.fill(i, &wes(), v).is_ok()
                }
                ItemKind::SignOff { .. } => false,
            };
            progressed |= ok;
        }
        if !progressed {
            break;
        }
    }
    for &i in spec.signoff_coverage() {
        assert!(
            state.is_resolved(i, state.today()),
            "{} left open",
            spec.item(i).id()
        );
    }
}

/// The value a `fill` event recorded.
fn filled(e: &Event) -> Option<&str> {
    match &e.payload {
        Payload::Fill { value } => Some(value),
        _ => None,
    }
}

fn approve_both(state: &mut State) {
    let spec = state.spec().clone();
    state.approve(ix(&spec, LEAD), &tara(), Some("ok")).unwrap();
    state.approve(ix(&spec, SECURITY), &sam(), None).unwrap();
}

/// Applies a request that must be refused with `expected`; checks that nothing changed.
#[track_caller]
fn assert_refused(
    state: &mut State,
    id: &str,
    actor: &Actor,
    request: Request<'_>,
    expected: Refusal,
) {
    let index = ix(state.spec(), id);
    let before = state.to_json();
    let status = state.item(index).status();
    let action = request.action();
    let err = state
        .apply(index, actor, request)
        .expect_err("the request must be refused");
    assert_eq!(err.refusal, expected, "{err}");
    assert_eq!(&*err.item, id);
    assert_eq!(err.status, status);
    assert_eq!(err.action, action);
    assert!(!err.help().is_empty());
    assert_eq!(
        state.to_json(),
        before,
        "a refused request changed the state"
    );
}

// --- the transition table ------------------------------------------------------------

/// One request to try, with who tries it and what the log should then record.
struct Probe {
    label: &'static str,
    request: Request<'static>,
    actor: Actor,
    /// The `reason` field of the event, if the request succeeds.
    reason: Option<&'static str>,
    /// The `value` field of the event, if the request succeeds.
    value: Option<&'static str>,
}

impl Probe {
    fn new(label: &'static str, request: Request<'static>, actor: Actor) -> Self {
        Probe {
            label,
            request,
            actor,
            reason: None,
            value: None,
        }
    }
    fn reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }
    fn value(mut self, value: &'static str) -> Self {
        self.value = Some(value);
        self
    }
}

/// Every request, in every variation that matters to the rules. Field requests carry
/// values for `ty` (a valid one, an invalid one, a typed one and a typed one of the wrong
/// type).
fn probes(ty: &FieldType) -> Vec<Probe> {
    let (valid, canonical_valid, invalid, typed, canonical_typed, wrong_typed) = match ty {
        FieldType::Text => (
            " Alice ",
            "Alice",
            "   ",
            Value::Text("Bob".into()),
            "Bob",
            Value::Date(date(2026, 12, 2)),
        ),
        FieldType::Date => (
            "2026-12-01",
            "2026-12-01",
            "next tuesday",
            Value::Date(date(2026, 12, 2)),
            "2026-12-02",
            Value::Text("2026-12-02".into()),
        ),
        FieldType::Number => (
            "42.50",
            "42.50",
            "forty-two",
            Value::Number("7".into()),
            "7",
            Value::Text("7".into()),
        ),
        FieldType::Url => (
            "https://ci.example.com/run/1",
            "https://ci.example.com/run/1",
            "ci.example.com/run/1",
            Value::Url("https://dash.example.com".into()),
            "https://dash.example.com",
            Value::Text("https://dash.example.com".into()),
        ),
        FieldType::Enum(_) => (
            "high",
            "high",
            "medium",
            Value::Enum("low".into()),
            "low",
            Value::Text("low".into()),
        ),
        other => unreachable!("no probes for {other}"),
    };
    let skip = |reason, waiver| Request::Skip { reason, waiver };
    let waiver = |approver, expires| Some(WaiverRequest { approver, expires });
    vec![
        // tasks
        Probe::new(
            "complete",
            Request::Complete {
                note: None,
                evidence: None,
            },
            wes(),
        ),
        Probe::new(
            "complete+note",
            Request::Complete {
                note: Some("green build"),
                evidence: Some("https://ci.example.com/run/9"),
            },
            wes(),
        )
        .reason("green build"),
        Probe::new("skip", skip(None, None), wes()),
        Probe::new("skip+reason", skip(Some("not this time"), None), wes()).reason("not this time"),
        Probe::new("skip+blank-reason", skip(Some("  "), None), wes()),
        Probe::new(
            "skip+waiver",
            skip(
                Some("covered elsewhere"),
                waiver("vic", Some(date(2027, 1, 1))),
            ),
            wes(),
        )
        .reason("covered elsewhere"),
        Probe::new(
            "skip+self-waiver",
            skip(Some("covered elsewhere"), waiver("wes", None)),
            wes(),
        ),
        Probe::new(
            "skip+expired-waiver",
            skip(Some("covered elsewhere"), waiver("vic", Some(today()))),
            wes(),
        ),
        Probe::new("block", Request::Block { reason: " " }, wes()),
        Probe::new(
            "block+reason",
            Request::Block {
                reason: "CI is down",
            },
            wes(),
        )
        .reason("CI is down"),
        Probe::new("unblock", Request::Unblock, wes()),
        Probe::new("reopen", Request::Reopen { reason: "" }, wes()),
        Probe::new("reopen+reason", Request::Reopen { reason: "flaky" }, wes()).reason("flaky"),
        // fields
        Probe::new("fill", Request::Fill { value: valid }, wes()).value(canonical_valid),
        Probe::new("fill+invalid", Request::Fill { value: invalid }, wes()),
        Probe::new("fill-value", Request::FillValue { value: typed }, wes()).value(canonical_typed),
        Probe::new(
            "fill-value+wrong-type",
            Request::FillValue { value: wrong_typed },
            wes(),
        ),
        Probe::new("clear", Request::Clear, wes()),
        // sign-offs
        Probe::new("approve", Request::Approve { comment: None }, tara()),
        Probe::new(
            "approve+comment",
            Request::Approve {
                comment: Some("lgtm"),
            },
            tara(),
        )
        .reason("lgtm"),
        Probe::new("approve/no-role", Request::Approve { comment: None }, wes()),
        Probe::new("reject", Request::Reject { comment: "" }, tara()),
        Probe::new(
            "reject+comment",
            Request::Reject {
                comment: "load test missing",
            },
            tara(),
        )
        .reason("load test missing"),
        Probe::new(
            "reject/no-role",
            Request::Reject {
                comment: "load test missing",
            },
            wes(),
        ),
        Probe::new("revoke", Request::Revoke { reason: None }, tara()),
        Probe::new(
            "revoke+reason",
            Request::Revoke {
                reason: Some("signed the wrong release"),
            },
            tara(),
        )
        .reason("signed the wrong release"),
        Probe::new("revoke/no-role", Request::Revoke { reason: None }, wes()),
    ]
}

/// What a probe should do.
#[derive(Debug, Clone)]
enum Expect {
    /// Succeed, leaving the item in this status.
    To(Status),
    /// Be refused for this reason.
    No(Refusal),
    /// Be refused as an invalid value for the field's type.
    Invalid,
}

use Expect::{Invalid, No, To};

fn wrong(action: Action, allowed: &[Status]) -> Expect {
    No(Refusal::WrongStatus {
        action,
        allowed: checklist_md::state::StatusList(allowed.to_vec()),
    })
}

/// The requests that apply to a kind of item; the others must be refused as `WrongKind`.
fn applies(kind: &ItemKind, action: Action) -> bool {
    match kind {
        ItemKind::Task => matches!(
            action,
            Action::Complete | Action::Skip | Action::Block | Action::Unblock | Action::Reopen
        ),
        ItemKind::Field(_) => matches!(action, Action::Fill | Action::Clear),
        ItemKind::SignOff { .. } => {
            matches!(action, Action::Approve | Action::Reject | Action::Revoke)
        }
    }
}

fn wrong_kind(kind: &ItemKind, action: Action) -> Refusal {
    let applies_to = match action {
        Action::Complete | Action::Skip | Action::Block | Action::Unblock | Action::Reopen => {
            vec![Kind::Task]
        }
        Action::Fill | Action::Clear => vec![Kind::Field],
        _ => vec![Kind::SignOff],
    };
    let kind = match kind {
        ItemKind::Task => Kind::Task,
        ItemKind::Field(_) => Kind::Field,
        ItemKind::SignOff { .. } => Kind::SignOff,
    };
    Refusal::WrongKind {
        kind,
        action,
        applies_to,
    }
}

type Setup = fn(&mut State);

/// An item driven into one state, and what each request of its kind must do there.
struct Scenario {
    name: &'static str,
    item: &'static str,
    setup: Setup,
    status: Status,
    /// How many approved sign-offs the setup leaves (each is voided by a change).
    approved: usize,
    expect: Vec<(&'static str, Expect)>,
}

/// Runs every probe on the scenario's item, each on a fresh copy of the set-up state.
fn run(spec: &Arc<Spec>, scenario: &Scenario) -> usize {
    let index = ix(spec, scenario.item);
    let item = spec.item(index);
    let ty = item.field_type().cloned().unwrap_or(FieldType::Text);
    let mut base = fresh(spec);
    (scenario.setup)(&mut base);
    assert_eq!(
        base.item(index).status(),
        scenario.status,
        "{}: the setup did not reach the state",
        scenario.name
    );
    let approved: Vec<ItemIndex> = spec
        .signoffs()
        .iter()
        .copied()
        .filter(|&s| base.item(s).status() == Status::Approved)
        .collect();
    assert_eq!(approved.len(), scenario.approved, "{}", scenario.name);

    let mut voids_seen = 0;
    let mut covered = Vec::new();
    for probe in probes(&ty) {
        let ctx = format!("{} / {}", scenario.name, probe.label);
        let action = probe.request.action();
        let expect = if applies(item.kind(), action) {
            covered.push(probe.label);
            scenario
                .expect
                .iter()
                .find(|(l, _)| *l == probe.label)
                .map(|(_, e)| e.clone())
                .unwrap_or_else(|| panic!("{ctx}: no expectation in the table"))
        } else {
            No(wrong_kind(item.kind(), action))
        };

        let mut state = base.clone();
        let before_json = state.to_json();
        let before_events = state.events().len();
        let before_revision = state.revision();
        let from = state.item(index).status();
        let result = state.apply(index, &probe.actor, probe.request.clone());
        match expect {
            To(to) => {
                let change = result.unwrap_or_else(|e| panic!("{ctx}: refused: {e}"));
                assert_eq!(state.item(index).status(), to, "{ctx}");
                assert_eq!(change.revision, before_revision + 1, "{ctx}");
                assert_eq!(state.revision(), before_revision + 1, "{ctx}");
                assert_eq!(change.events, before_events..state.events().len(), "{ctx}");
                let new = &state.events()[before_events..];
                let voids = if spec.is_covered(index) {
                    approved.len()
                } else {
                    0
                };
                assert_eq!(new.len(), 1 + voids, "{ctx}: {new:#?}");
                let e = &new[0];
                assert_eq!(e.seq, before_events as u64 + 1, "{ctx}");
                assert_eq!(e.revision, change.revision, "{ctx}");
                assert_eq!(&*e.item, scenario.item, "{ctx}");
                assert_eq!(&*e.actor, probe.actor.name(), "{ctx}");
                assert_eq!(e.action(), action, "{ctx}");
                assert_eq!(e.from, from, "{ctx}");
                assert_eq!(e.to, to, "{ctx}");
                assert_eq!(e.payload.words(), probe.reason, "{ctx}");
                assert_eq!(filled(e), probe.value, "{ctx}");
                assert_eq!(state.item(index).value(), probe.value, "{ctx}");
                if let Request::Skip {
                    waiver: Some(w), ..
                } = &probe.request
                {
                    let recorded = match &e.payload {
                        Payload::Skip { waiver, .. } => waiver.clone(),
                        _ => None,
                    }
                    .expect("the event records the waiver");
                    assert_eq!(&*recorded.approver, w.approver, "{ctx}");
                    assert_eq!(recorded.expires, w.expires, "{ctx}");
                    let held = state.item(index).waiver().expect("a waiver is recorded");
                    assert_eq!(&*held.approver, w.approver, "{ctx}");
                }
                if matches!(action, Action::Approve | Action::Reject) {
                    let role = match &e.payload {
                        Payload::Approve { role, .. } | Payload::Reject { role, .. } => {
                            Some(&**role)
                        }
                        _ => None,
                    };
                    assert_eq!(role, item.role(), "{ctx}");
                }
                for (v, &s) in new[1..].iter().zip(&approved) {
                    voids_seen += 1;
                    assert_eq!(v.action(), Action::Void, "{ctx}");
                    assert_eq!(&*v.item, spec.item(s).id(), "{ctx}");
                    assert_eq!(
                        (v.from, v.to),
                        (Status::Approved, Status::Unsigned),
                        "{ctx}"
                    );
                    assert_eq!(v.revision, change.revision, "{ctx}");
                    assert!(
                        matches!(&v.payload, Payload::Void { cause, because, .. }
                            if *cause == Some(e.seq) && &**because == scenario.item),
                        "{ctx}: {v:?}"
                    );
                    match state.item(s) {
                        ItemState::Unsigned { voided: Some(vd) } => {
                            assert_eq!(&*vd.because, scenario.item, "{ctx}");
                            assert_eq!(vd.event, Some(e.seq), "{ctx}");
                        }
                        other => panic!("{ctx}: sign-off not voided: {other:?}"),
                    }
                }
                checklist_md::verify_chain(state.events()).unwrap();
            }
            No(refusal) => {
                let err = result.expect_err(&ctx);
                assert_eq!(err.refusal, refusal, "{ctx}: {err}");
                assert_eq!(
                    (err.item.as_ref(), err.status, err.action),
                    (scenario.item, from, action),
                    "{ctx}"
                );
                assert_eq!(state.to_json(), before_json, "{ctx}: refused but changed");
            }
            Invalid => {
                let err = result.expect_err(&ctx);
                match &err.refusal {
                    Refusal::InvalidValue(v) => {
                        assert_eq!(Some(&v.expected), item.field_type(), "{ctx}");
                        if let Request::Fill { value } = &probe.request {
                            assert_eq!(v.value, *value, "{ctx}");
                        }
                    }
                    other => panic!("{ctx}: expected InvalidValue, got {other:?}"),
                }
                assert_eq!(state.to_json(), before_json, "{ctx}: refused but changed");
            }
        }
    }
    // Every expectation in the table was used: no typo hides a row.
    for (label, _) in &scenario.expect {
        assert!(
            covered.contains(label),
            "{}: unused row {label}",
            scenario.name
        );
    }
    voids_seen
}

/// Task expectations shared by states that only `reopen` can leave (done, not applicable).
fn task_resolved() -> Vec<(&'static str, Expect)> {
    let skip = || {
        wrong(
            Action::Skip,
            &[Status::Pending, Status::Blocked, Status::Failed],
        )
    };
    vec![
        ("complete", wrong(Action::Complete, &[Status::Pending])),
        ("complete+note", wrong(Action::Complete, &[Status::Pending])),
        ("skip", skip()),
        ("skip+reason", skip()),
        ("skip+blank-reason", skip()),
        ("skip+waiver", skip()),
        ("skip+self-waiver", skip()),
        ("skip+expired-waiver", skip()),
        ("block", wrong(Action::Block, &[Status::Pending])),
        ("block+reason", wrong(Action::Block, &[Status::Pending])),
        ("unblock", wrong(Action::Unblock, &[Status::Blocked])),
        ("reopen", No(Refusal::ReasonRequired)),
        ("reopen+reason", To(Status::Pending)),
    ]
}

/// The `skip` column for a task that can be skipped (pending or blocked).
fn task_skips(optional: bool) -> Vec<(&'static str, Expect)> {
    let self_waiver = No(Refusal::SelfApprovedWaiver {
        actor: "wes".into(),
    });
    let expired = No(Refusal::WaiverAlreadyExpired {
        expires: today(),
        today: today(),
    });
    if optional {
        vec![
            ("skip", To(Status::NotApplicable)),
            ("skip+reason", To(Status::NotApplicable)),
            ("skip+blank-reason", To(Status::NotApplicable)),
            ("skip+waiver", To(Status::NotApplicable)),
            ("skip+self-waiver", self_waiver),
            ("skip+expired-waiver", expired),
        ]
    } else {
        vec![
            ("skip", No(Refusal::ReasonRequired)),
            ("skip+reason", No(Refusal::WaiverRequired)),
            ("skip+blank-reason", No(Refusal::ReasonRequired)),
            ("skip+waiver", To(Status::NotApplicable)),
            ("skip+self-waiver", self_waiver),
            ("skip+expired-waiver", expired),
        ]
    }
}

fn task_pending(optional: bool) -> Vec<(&'static str, Expect)> {
    let mut rows = vec![
        ("complete", To(Status::Done)),
        ("complete+note", To(Status::Done)),
        ("block", No(Refusal::ReasonRequired)),
        ("block+reason", To(Status::Blocked)),
        ("unblock", wrong(Action::Unblock, &[Status::Blocked])),
        (
            "reopen",
            wrong(
                Action::Reopen,
                &[Status::Done, Status::NotApplicable, Status::Failed],
            ),
        ),
        (
            "reopen+reason",
            wrong(
                Action::Reopen,
                &[Status::Done, Status::NotApplicable, Status::Failed],
            ),
        ),
    ];
    rows.extend(task_skips(optional));
    rows
}

fn task_blocked(optional: bool) -> Vec<(&'static str, Expect)> {
    let mut rows = vec![
        ("complete", wrong(Action::Complete, &[Status::Pending])),
        ("complete+note", wrong(Action::Complete, &[Status::Pending])),
        ("block", wrong(Action::Block, &[Status::Pending])),
        ("block+reason", wrong(Action::Block, &[Status::Pending])),
        ("unblock", To(Status::Pending)),
        (
            "reopen",
            wrong(
                Action::Reopen,
                &[Status::Done, Status::NotApplicable, Status::Failed],
            ),
        ),
        (
            "reopen+reason",
            wrong(
                Action::Reopen,
                &[Status::Done, Status::NotApplicable, Status::Failed],
            ),
        ),
    ];
    rows.extend(task_skips(optional));
    rows
}

fn field_empty() -> Vec<(&'static str, Expect)> {
    vec![
        ("fill", To(Status::Filled)),
        ("fill+invalid", Invalid),
        ("fill-value", To(Status::Filled)),
        ("fill-value+wrong-type", Invalid),
        ("clear", wrong(Action::Clear, &[Status::Filled])),
    ]
}

fn field_filled() -> Vec<(&'static str, Expect)> {
    vec![
        ("fill", To(Status::Filled)),
        ("fill+invalid", Invalid),
        ("fill-value", To(Status::Filled)),
        ("fill-value+wrong-type", Invalid),
        ("clear", To(Status::Empty)),
    ]
}

#[test]
fn every_request_on_every_task_state() {
    let spec = spec_of(KINDS);
    let req = "tasks/required-task";
    let opt = "tasks/optional-task";
    let scenarios = [
        Scenario {
            name: "required: pending",
            item: req,
            setup: |_| {},
            status: Status::Pending,
            approved: 0,
            expect: task_pending(false),
        },
        Scenario {
            name: "required: done",
            item: req,
            setup: |s| {
                s.complete(ix(s.spec(), "tasks/required-task"), &wes())
                    .unwrap();
            },
            status: Status::Done,
            approved: 0,
            expect: task_resolved(),
        },
        Scenario {
            name: "required: not applicable ([~] in the Markdown)",
            item: "tasks/legacy-step",
            setup: |_| {},
            status: Status::NotApplicable,
            approved: 0,
            expect: task_resolved(),
        },
        Scenario {
            name: "required: not applicable with a waiver",
            item: req,
            setup: |s| {
                let i = ix(s.spec(), "tasks/required-task");
                s.waive(i, &wes(), "covered by the canary", "vic", None)
                    .unwrap();
                assert!(s.item(i).waiver().is_some());
            },
            status: Status::NotApplicable,
            approved: 0,
            expect: task_resolved(),
        },
        Scenario {
            name: "required: blocked",
            item: req,
            setup: |s| {
                s.block(ix(s.spec(), "tasks/required-task"), &wes(), "CI is down")
                    .unwrap();
            },
            status: Status::Blocked,
            approved: 0,
            expect: task_blocked(false),
        },
        Scenario {
            name: "required: done, under two approvals",
            item: req,
            setup: |s| {
                resolve_all_but_signoffs(s);
                approve_both(s);
            },
            status: Status::Done,
            approved: 2,
            expect: task_resolved(),
        },
        Scenario {
            name: "optional: pending",
            item: opt,
            setup: |_| {},
            status: Status::Pending,
            approved: 0,
            expect: task_pending(true),
        },
        Scenario {
            name: "optional: done",
            item: opt,
            setup: |s| {
                s.complete(ix(s.spec(), "tasks/optional-task"), &wes())
                    .unwrap();
            },
            status: Status::Done,
            approved: 0,
            expect: task_resolved(),
        },
        Scenario {
            name: "optional: not applicable",
            item: opt,
            setup: |s| {
                let i = ix(s.spec(), "tasks/optional-task");
                s.skip(i, &wes(), Some("no replicas")).unwrap();
                assert!(s.item(i).waiver().is_none());
            },
            status: Status::NotApplicable,
            approved: 0,
            expect: task_resolved(),
        },
        Scenario {
            name: "optional: blocked",
            item: opt,
            setup: |s| {
                s.block(ix(s.spec(), "tasks/optional-task"), &wes(), "CI is down")
                    .unwrap();
            },
            status: Status::Blocked,
            approved: 0,
            expect: task_blocked(true),
        },
        Scenario {
            name: "optional: not applicable, under two approvals",
            item: opt,
            setup: |s| {
                resolve_all_but_signoffs(s);
                approve_both(s);
            },
            status: Status::NotApplicable,
            approved: 2,
            expect: task_resolved(),
        },
    ];
    let mut voids = 0;
    for s in &scenarios {
        voids += run(&spec, s);
    }
    // The cascade was exercised: reopen under two approvals voids both, twice.
    assert_eq!(voids, 4);
}

#[test]
fn every_request_on_every_field_state() {
    let spec = spec_of(KINDS);
    let fields = [
        ("fields/notes", FieldType::Text),
        ("fields/release-date", FieldType::Date),
        ("fields/build-count", FieldType::Number),
        ("fields/dashboard-link", FieldType::Url),
        (
            "fields/risk-level",
            FieldType::Enum(vec!["low".into(), "high".into()]),
        ),
    ];
    let mut voids = 0;
    for (id, ty) in &fields {
        assert_eq!(spec.item(ix(&spec, id)).field_type(), Some(ty), "{id}");
        let scenarios = [
            Scenario {
                name: "empty",
                item: id,
                setup: |_| {},
                status: Status::Empty,
                approved: 0,
                expect: field_empty(),
            },
            Scenario {
                name: "filled",
                item: id,
                setup: |s| {
                    // Fill every field, so this one is filled whichever it is.
                    resolve_all_but_signoffs(s);
                },
                status: Status::Filled,
                approved: 0,
                expect: field_filled(),
            },
            Scenario {
                name: "filled, under two approvals",
                item: id,
                setup: |s| {
                    resolve_all_but_signoffs(s);
                    approve_both(s);
                },
                status: Status::Filled,
                approved: 2,
                expect: field_filled(),
            },
        ];
        for s in &scenarios {
            voids += run(&spec, s);
        }
    }
    // fill, fill-value and clear each voided both approvals, on each of the 5 fields.
    assert_eq!(voids, 5 * 3 * 2);
}

#[test]
fn every_request_on_every_signoff_state() {
    let spec = spec_of(KINDS);
    let missing = || {
        No(Refusal::MissingRole {
            actor: "wes".into(),
            role: "technical-lead".into(),
        })
    };
    let reject_wrong = || wrong(Action::Reject, &[Status::Unsigned, Status::Approved]);
    let revoke_wrong = || wrong(Action::Revoke, &[Status::Approved, Status::Rejected]);
    let approve_wrong = || wrong(Action::Approve, &[Status::Unsigned, Status::Rejected]);
    let gate_unmet_fresh = || {
        No(Refusal::GateUnmet {
            gate: "complete".into(),
            count: 7,
            first: vec![
                "tasks/required-task".into(),
                "tasks/optional-task".into(),
                "fields/notes".into(),
            ],
        })
    };
    let gate_unmet_reopened = || {
        No(Refusal::GateUnmet {
            gate: "complete".into(),
            count: 1,
            first: vec!["tasks/required-task".into()],
        })
    };
    let scenarios = [
        Scenario {
            name: "unsigned, gate open",
            item: LEAD,
            setup: |_| {},
            status: Status::Unsigned,
            approved: 0,
            expect: vec![
                ("approve", gate_unmet_fresh()),
                ("approve+comment", gate_unmet_fresh()),
                ("approve/no-role", missing()),
                ("reject", No(Refusal::ReasonRequired)),
                // Refusing does not need the gate: it is how a reviewer says why not.
                ("reject+comment", To(Status::Rejected)),
                ("reject/no-role", missing()),
                ("revoke", revoke_wrong()),
                ("revoke+reason", revoke_wrong()),
                ("revoke/no-role", revoke_wrong()),
            ],
        },
        Scenario {
            name: "unsigned, gate met",
            item: LEAD,
            setup: resolve_all_but_signoffs,
            status: Status::Unsigned,
            approved: 0,
            expect: vec![
                ("approve", To(Status::Approved)),
                ("approve+comment", To(Status::Approved)),
                ("approve/no-role", missing()),
                ("reject", No(Refusal::ReasonRequired)),
                ("reject+comment", To(Status::Rejected)),
                ("reject/no-role", missing()),
                ("revoke", revoke_wrong()),
                ("revoke+reason", revoke_wrong()),
                ("revoke/no-role", revoke_wrong()),
            ],
        },
        Scenario {
            name: "approved",
            item: LEAD,
            setup: |s| {
                resolve_all_but_signoffs(s);
                approve_both(s);
            },
            status: Status::Approved,
            approved: 2,
            expect: vec![
                ("approve", approve_wrong()),
                ("approve+comment", approve_wrong()),
                ("approve/no-role", approve_wrong()),
                ("reject", No(Refusal::ReasonRequired)),
                ("reject+comment", To(Status::Rejected)),
                ("reject/no-role", missing()),
                ("revoke", To(Status::Unsigned)),
                ("revoke+reason", To(Status::Unsigned)),
                ("revoke/no-role", missing()),
            ],
        },
        Scenario {
            name: "rejected",
            item: LEAD,
            setup: |s| {
                resolve_all_but_signoffs(s);
                s.reject(ix(s.spec(), LEAD), &tara(), "load test missing")
                    .unwrap();
            },
            status: Status::Rejected,
            approved: 0,
            expect: vec![
                ("approve", To(Status::Approved)),
                ("approve+comment", To(Status::Approved)),
                ("approve/no-role", missing()),
                ("reject", reject_wrong()),
                ("reject+comment", reject_wrong()),
                ("reject/no-role", reject_wrong()),
                ("revoke", To(Status::Unsigned)),
                ("revoke+reason", To(Status::Unsigned)),
                ("revoke/no-role", missing()),
            ],
        },
        Scenario {
            name: "unsigned, voided",
            item: LEAD,
            setup: |s| {
                resolve_all_but_signoffs(s);
                approve_both(s);
                s.reopen(ix(s.spec(), "tasks/required-task"), &wes(), "flaky")
                    .unwrap();
                assert!(matches!(
                    s.item(ix(s.spec(), LEAD)),
                    ItemState::Unsigned { voided: Some(_) }
                ));
            },
            status: Status::Unsigned,
            approved: 0,
            expect: vec![
                ("approve", gate_unmet_reopened()),
                ("approve+comment", gate_unmet_reopened()),
                ("approve/no-role", missing()),
                ("reject", No(Refusal::ReasonRequired)),
                ("reject+comment", To(Status::Rejected)),
                ("reject/no-role", missing()),
                ("revoke", revoke_wrong()),
                ("revoke+reason", revoke_wrong()),
                ("revoke/no-role", revoke_wrong()),
            ],
        },
    ];
    let mut voids = 0;
    for s in &scenarios {
        voids += run(&spec, s);
    }
    // Sign-offs are not covered by each other: changing one never voids another.
    assert_eq!(voids, 0);
    assert!(!spec.is_covered(ix(&spec, LEAD)));
}

// --- one test per rule ---------------------------------------------------------------

#[test]
fn a_parent_cannot_be_done_while_a_required_child_is_open() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    let parent = "nested/parent";
    assert_refused(
        &mut state,
        parent,
        &wes(),
        Request::Complete {
            note: None,
            evidence: None,
        },
        // Only the required child is listed; the optional one is open too but fine.
        Refusal::OpenChildren {
            open: vec!["nested/parent/required-child".into()],
        },
    );
    state
        .complete(ix(&spec, "nested/parent/required-child"), &wes())
        .unwrap();
    assert_eq!(
        state
            .item(ix(&spec, "nested/parent/optional-child"))
            .status(),
        Status::Pending
    );
    state.complete(ix(&spec, parent), &wes()).unwrap();
    assert_eq!(state.item(ix(&spec, parent)).status(), Status::Done);
}

#[test]
fn a_waived_child_counts_as_resolved_for_its_parent() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    state
        .waive(
            ix(&spec, "nested/parent/required-child"),
            &wes(),
            "done by the platform team",
            "vic",
            Some(date(2027, 1, 1)),
        )
        .unwrap();
    state.complete(ix(&spec, "nested/parent"), &wes()).unwrap();
}

#[test]
fn an_ordered_step_waits_for_the_steps_before_it() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    let complete = || Request::Complete {
        note: None,
        evidence: None,
    };
    assert_refused(
        &mut state,
        "steps/third-step",
        &wes(),
        complete(),
        Refusal::EarlierStepsOpen {
            open: vec!["steps/first-step".into(), "steps/second-step".into()],
        },
    );
    state
        .complete(ix(&spec, "steps/first-step"), &wes())
        .unwrap();
    assert_refused(
        &mut state,
        "steps/third-step",
        &wes(),
        complete(),
        Refusal::EarlierStepsOpen {
            open: vec!["steps/second-step".into()],
        },
    );
    // Resolved includes waived.
    state
        .waive(
            ix(&spec, "steps/second-step"),
            &wes(),
            "not for this release",
            "vic",
            None,
        )
        .unwrap();
    state
        .complete(ix(&spec, "steps/third-step"), &wes())
        .unwrap();
    // The first step has nothing before it.
    assert!(spec.steps_before(ix(&spec, "steps/first-step")).is_empty());
}

#[test]
fn a_required_child_of_a_done_parent_cannot_be_reopened() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    state
        .complete(ix(&spec, "nested/parent/required-child"), &wes())
        .unwrap();
    state
        .complete(ix(&spec, "nested/parent/optional-child"), &wes())
        .unwrap();
    state.complete(ix(&spec, "nested/parent"), &wes()).unwrap();
    assert_refused(
        &mut state,
        "nested/parent/required-child",
        &wes(),
        Request::Reopen { reason: "redo" },
        Refusal::ParentDone {
            parent: "nested/parent".into(),
        },
    );
    // An optional child can be reopened: the parent does not depend on it.
    state
        .reopen(ix(&spec, "nested/parent/optional-child"), &wes(), "redo")
        .unwrap();
    // Reopening the parent first frees the required child.
    state
        .reopen(ix(&spec, "nested/parent"), &wes(), "redo")
        .unwrap();
    state
        .reopen(ix(&spec, "nested/parent/required-child"), &wes(), "redo")
        .unwrap();
}

#[test]
fn a_step_cannot_be_reopened_while_later_steps_are_done() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    for s in ["steps/first-step", "steps/second-step", "steps/third-step"] {
        state.complete(ix(&spec, s), &wes()).unwrap();
    }
    assert_refused(
        &mut state,
        "steps/first-step",
        &wes(),
        Request::Reopen { reason: "redo" },
        Refusal::LaterStepsDone {
            done: vec!["steps/second-step".into(), "steps/third-step".into()],
        },
    );
    assert_refused(
        &mut state,
        "steps/second-step",
        &wes(),
        Request::Reopen { reason: "redo" },
        Refusal::LaterStepsDone {
            done: vec!["steps/third-step".into()],
        },
    );
    // Last one first works.
    for s in ["steps/third-step", "steps/second-step", "steps/first-step"] {
        state.reopen(ix(&spec, s), &wes(), "redo").unwrap();
    }
}

#[test]
fn skipping_a_required_task_needs_a_reason_and_a_waiver() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    let id = "steps/first-step";
    let skip = |reason, waiver| Request::Skip { reason, waiver };
    assert_refused(
        &mut state,
        id,
        &wes(),
        skip(None, None),
        Refusal::ReasonRequired,
    );
    assert_refused(
        &mut state,
        id,
        &wes(),
        skip(
            Some(""),
            Some(WaiverRequest {
                approver: "vic",
                expires: None,
            }),
        ),
        Refusal::ReasonRequired,
    );
    assert_refused(
        &mut state,
        id,
        &wes(),
        skip(Some("not needed"), None),
        Refusal::WaiverRequired,
    );
    assert_refused(
        &mut state,
        id,
        &wes(),
        skip(
            Some("not needed"),
            Some(WaiverRequest {
                approver: " ",
                expires: None,
            }),
        ),
        Refusal::WaiverRequired,
    );
    // The convenience method without a waiver is the same request.
    let err = state
        .skip(ix(&spec, id), &wes(), Some("not needed"))
        .unwrap_err();
    assert_eq!(err.refusal, Refusal::WaiverRequired);
    state
        .waive(ix(&spec, id), &wes(), "not needed", "vic", None)
        .unwrap();
    let st = state.item(ix(&spec, id));
    assert_eq!(&*st.waiver().unwrap().approver, "vic");
    assert!(matches!(
        st,
        ItemState::NotApplicable { reason: Some(r), origin: Origin::Change { by, .. }, .. }
            if &**r == "not needed" && &**by == "wes"
    ));
}

#[test]
fn nobody_approves_their_own_waiver() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    assert_refused(
        &mut state,
        "steps/first-step",
        &wes(),
        Request::Skip {
            reason: Some("not needed"),
            waiver: Some(WaiverRequest {
                approver: "wes",
                expires: None,
            }),
        },
        Refusal::SelfApprovedWaiver {
            actor: "wes".into(),
        },
    );
}

#[test]
fn a_waiver_approver_is_taken_trimmed() {
    let spec = spec_of(KINDS);
    let mut state = fresh(&spec);
    let waiver = |approver| Request::Skip {
        reason: Some("covered elsewhere"),
        waiver: Some(WaiverRequest {
            approver,
            expires: None,
        }),
    };
    // Padding does not get an actor past the self-approval rule.
    for approver in [" wes", "wes ", "\twes\n"] {
        assert_refused(
            &mut state,
            "tasks/required-task",
            &wes(),
            waiver(approver),
            Refusal::SelfApprovedWaiver {
                actor: "wes".into(),
            },
        );
    }
    // A waiver names someone, on an optional item too (which needs none at all).
    for id in ["tasks/required-task", "tasks/optional-task"] {
        assert_refused(
            &mut state,
            id,
            &wes(),
            waiver("  "),
            Refusal::WaiverRequired,
        );
    }
    // The approver is recorded without the padding.
    let i = ix(&spec, "tasks/required-task");
    let change = state.apply(i, &wes(), waiver(" vic ")).unwrap();
    assert!(matches!(
        &state.events()[change.events.start].payload,
        Payload::Skip { waiver: Some(w), .. } if &*w.approver == "vic"
    ));
    assert_eq!(&*state.item(i).waiver().unwrap().approver, "vic");
}

#[test]
fn a_waiver_must_expire_after_today() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    for expires in [today(), today() - Duration::days(3)] {
        assert_refused(
            &mut state,
            "steps/first-step",
            &wes(),
            Request::Skip {
                reason: Some("not needed"),
                waiver: Some(WaiverRequest {
                    approver: "vic",
                    expires: Some(expires),
                }),
            },
            Refusal::WaiverAlreadyExpired {
                expires,
                today: today(),
            },
        );
    }
    state
        .waive(
            ix(&spec, "steps/first-step"),
            &wes(),
            "not needed",
            "vic",
            Some(today() + Duration::days(1)),
        )
        .unwrap();
}

#[test]
fn an_expired_waiver_is_unmet_from_its_expiry_day_on() {
    let spec = spec_of("- [ ] Pen test\n- [ ] Load test\n");
    let mut state = fresh(&spec);
    let pen = ix(&spec, "pen-test");
    let expires = date(2026, 11, 28);
    state
        .waive(pen, &wes(), "next quarter", "vic", Some(expires))
        .unwrap();
    state.complete(ix(&spec, "load-test"), &wes()).unwrap();
    let complete = spec.gate_by_name("complete").unwrap().index();

    for day in [today(), date(2026, 11, 27)] {
        let report = state.evaluate_on(complete, day);
        assert!(report.passed, "{day}: {:?}", report.unmet);
        assert_eq!(report.today, day);
        assert!(state.is_resolved(pen, day));
        assert_eq!(state.unmet_reason(pen, day), None);
    }
    for day in [expires, date(2026, 11, 29), date(2027, 6, 1)] {
        let report = state.evaluate_on(complete, day);
        assert!(!report.passed, "{day}");
        assert_eq!(report.unmet.len(), 1);
        assert_eq!(report.unmet[0].id, "pen-test");
        assert_eq!(
            report.unmet[0].reason,
            Unmet::WaiverExpired { expired: expires }
        );
        assert_eq!(report.unmet[0].reason.code(), "waiver_expired");
        assert!(!state.is_resolved(pen, day));
    }
}

#[test]
fn approving_needs_the_role() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    resolve_all_but_signoffs(&mut state);
    // sam holds a role, just not this one.
    assert_refused(
        &mut state,
        LEAD,
        &sam(),
        Request::Approve { comment: None },
        Refusal::MissingRole {
            actor: "sam".into(),
            role: "technical-lead".into(),
        },
    );
    state.approve(ix(&spec, LEAD), &tara(), None).unwrap();
    match state.get(LEAD).unwrap() {
        ItemState::Approved { by, role, .. } => {
            assert_eq!((by.as_ref(), role.as_ref()), ("tara", "technical-lead"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn approving_waits_for_the_signoff_gate() {
    let spec = spec_of(RULES);
    let mut state = fresh(&spec);
    resolve_all_but_signoffs(&mut state);
    state.clear(ix(&spec, "fields/owner"), &wes()).unwrap();
    assert_refused(
        &mut state,
        LEAD,
        &tara(),
        Request::Approve { comment: None },
        Refusal::GateUnmet {
            gate: "complete".into(),
            count: 1,
            first: vec!["fields/owner".into()],
        },
    );
    state
        .fill(ix(&spec, "fields/owner"), &wes(), "ops")
        .unwrap();
    state.approve(ix(&spec, LEAD), &tara(), None).unwrap();
}

#[test]
fn any_change_to_a_covered_item_voids_every_approval_in_the_same_revision() {
    let spec = spec_of(RULES);
    // Each change is tried on its own copy of the fully approved state.
    type Change = fn(&mut State) -> &'static str;
    let changes: [Change; 4] = [
        |s| {
            s.reopen(ix(s.spec(), "steps/third-step"), &wes(), "flaky")
                .unwrap();
            "steps/third-step"
        },
        |s| {
            // Same kind of value, new value: still a change to what was signed.
            s.fill(ix(s.spec(), "fields/owner"), &wes(), "someone else")
                .unwrap();
            "fields/owner"
        },
        |s| {
            s.clear(ix(s.spec(), "fields/release-date"), &wes())
                .unwrap();
            "fields/release-date"
        },
        |s| {
            s.reopen(
                ix(s.spec(), "nested/parent/optional-child"),
                &wes(),
                "after all",
            )
            .unwrap();
            "nested/parent/optional-child"
        },
    ];
    let mut approved = fresh(&spec);
    resolve_all_but_signoffs(&mut approved);
    approve_both(&mut approved);
    let complete = spec.gate_by_name("complete").unwrap().index();
    assert!(approved.evaluate(complete).passed);

    for change in changes {
        let mut state = approved.clone();
        let n = state.events().len();
        let rev = state.revision();
        let changed = change(&mut state);
        let new = &state.events()[n..];
        assert_eq!(
            new.len(),
            3,
            "{changed}: the change and two voids: {new:#?}"
        );
        assert_eq!(&*new[0].item, changed);
        for (v, id) in new[1..].iter().zip([LEAD, SECURITY]) {
            assert_eq!(v.action(), Action::Void, "{changed}");
            assert_eq!(&*v.item, id);
            assert_eq!(&*v.actor, "wes");
            assert_eq!(v.revision, rev + 1);
            assert!(
                matches!(v.payload, Payload::Void { cause, .. } if cause == Some(new[0].seq)),
                "{v:?}"
            );
            assert_eq!(v.at, new[0].at);
            let reason = v.payload.words().unwrap();
            assert!(reason.contains(changed), "{reason}");
            assert_eq!(
                state.unmet_reason(ix(&spec, id), today()),
                Some(Unmet::SignOffVoided { because: changed })
            );
        }
        assert_eq!(state.revision(), rev + 1);
        // Nothing left approved, and the log replays to the same state.
        assert!(
            spec.signoffs()
                .iter()
                .all(|&s| state.item(s).status() == Status::Unsigned)
        );
        let replayed = State::replay(&spec, state.events().to_vec()).unwrap();
        assert_eq!(replayed, state);
    }

    // Revoking one sign-off is not a change to a covered item: the other stays.
    let mut state = approved.clone();
    state
        .revoke(ix(&spec, LEAD), &tara(), Some("wrong build"))
        .unwrap();
    assert_eq!(state.events().len(), approved.events().len() + 1);
    assert_eq!(state.get(SECURITY).unwrap().status(), Status::Approved);
    assert_eq!(
        state.get(LEAD).unwrap(),
        &ItemState::Unsigned { voided: None }
    );
}

#[test]
fn only_covered_items_void_approvals() {
    let spec = spec_of(
        "+++\nsignoff_gate = \"ready\"\n[gates.ready]\ninclude = [\"build/**\", \"sign-off/**\"]\n+++\n\
         # Gated\n\n## Build\n- [ ] Compile\n\n## Sign-Off\n- [ ] Technical Lead Approval: ____\n\n\
         ## Rollout\n- [ ] Deploy\n",
    );
    assert!(spec.is_covered(ix(&spec, "build/compile")));
    assert!(!spec.is_covered(ix(&spec, "rollout/deploy")));
    let mut state = fresh(&spec);
    state.complete(ix(&spec, "build/compile"), &wes()).unwrap();
    state
        .approve(ix(&spec, "sign-off/technical-lead-approval"), &tara(), None)
        .unwrap();
    let deploy = ix(&spec, "rollout/deploy");
    for change in [
        state.complete(deploy, &wes()).unwrap(),
        state.reopen(deploy, &wes(), "rollback").unwrap(),
    ] {
        assert_eq!(change.events.len(), 1);
    }
    assert_eq!(
        state
            .get("sign-off/technical-lead-approval")
            .unwrap()
            .status(),
        Status::Approved
    );
    let change = state
        .reopen(ix(&spec, "build/compile"), &wes(), "rebuild")
        .unwrap();
    assert_eq!(change.events.len(), 2);
    assert_eq!(state.events()[change.events.end - 1].action(), Action::Void);
}

#[test]
fn fill_checks_the_value_against_the_field_type() {
    let spec = spec_of(KINDS);
    let mut state = fresh(&spec);
    let cases: [(&str, &[&str]); 4] = [
        (
            "fields/release-date",
            &[
                "tomorrow",
                "2026-13-01",
                "2026-02-30",
                "01/12/2026",
                "2026-12-01T10:00",
                "",
            ],
        ),
        (
            "fields/build-count",
            &["forty", "NaN", "inf", "1,000", "0x10", " "],
        ),
        (
            "fields/dashboard-link",
            &[
                "example.com",
                "https://",
                "not a url",
                "https://exa mple.com",
            ],
        ),
        ("fields/risk-level", &["medium", "LOW", "low|high", ""]),
    ];
    for (id, bad) in cases {
        let expected = spec.item_by_id(id).unwrap().field_type().unwrap().clone();
        for &value in bad {
            let before = state.to_json();
            let err = state.fill(ix(&spec, id), &wes(), value).unwrap_err();
            match err.refusal {
                Refusal::InvalidValue(ref e) => {
                    assert_eq!(e.value, value);
                    assert_eq!(e.expected, expected);
                    assert!(!e.why.is_empty());
                }
                ref other => panic!("{id} {value:?}: {other:?}"),
            }
            assert_eq!(state.to_json(), before, "{id} {value:?}");
        }
    }
    // Good values, in canonical form.
    for (id, good, stored) in [
        ("fields/release-date", " 2026-12-01 ", "2026-12-01"),
        ("fields/build-count", "-3.50", "-3.50"),
        (
            "fields/dashboard-link",
            "https://dash.example.com/d/1?x=y",
            "https://dash.example.com/d/1?x=y",
        ),
        ("fields/risk-level", "low", "low"),
    ] {
        state.fill(ix(&spec, id), &wes(), good).unwrap();
        assert_eq!(state.get(id).unwrap().value(), Some(stored));
    }
}

#[test]
fn a_date_field_takes_a_naive_date() {
    let spec = spec_of(KINDS);
    let mut state = fresh(&spec);
    let id = ix(&spec, "fields/release-date");
    let change = state.fill_value(id, &wes(), date(2026, 12, 1)).unwrap();
    assert_eq!(state.item(id).value(), Some("2026-12-01"));
    assert_eq!(
        filled(&state.events()[change.events.start]),
        Some("2026-12-01")
    );
    // A date does not fit a text field.
    let before = state.to_json();
    let err = state
        .fill_value(ix(&spec, "fields/notes"), &wes(), date(2026, 12, 1))
        .unwrap_err();
    assert!(matches!(
        err.refusal,
        Refusal::InvalidValue(ref e) if e.expected == FieldType::Text
    ));
    assert_eq!(state.to_json(), before);
    // Nor a typed enum value outside its list.
    let err = state
        .fill_value(
            ix(&spec, "fields/risk-level"),
            &wes(),
            Value::Enum("medium".into()),
        )
        .unwrap_err();
    assert!(matches!(err.refusal, Refusal::InvalidValue(_)));
    assert_eq!(state.to_json(), before);
}

#[test]
fn progress_counts_outcomes_and_leaves_not_applicable_out_of_the_percentage() {
    let spec = spec_of(
        "# P\n\n- [ ] A\n- [ ] B\n- [ ] C (optional)\n- [ ] D\n- [ ] E\n- [ ] F\n- [~] G\n\
         - [ ] Due Date: ____\n- [ ] Lead Approval: ____\n",
    );
    let mut state = fresh(&spec);
    let p = state.progress();
    assert_eq!(
        p,
        Progress {
            total: 9,
            done: 0,
            not_applicable: 1,
            waived: 0,
            blocked: 0,
            pending: 8,
        }
    );
    assert!((p.percent() - 0.0).abs() < 1e-9);

    state.complete(ix(&spec, "a"), &wes()).unwrap();
    state
        .fill(ix(&spec, "due-date"), &wes(), "2026-12-01")
        .unwrap();
    state
        .skip(ix(&spec, "c"), &wes(), Some("not needed"))
        .unwrap();
    state
        .waive(
            ix(&spec, "d"),
            &wes(),
            "later",
            "vic",
            Some(date(2026, 12, 10)),
        )
        .unwrap();
    state.block(ix(&spec, "e"), &wes(), "waiting").unwrap();
    let p = state.progress();
    assert_eq!(
        p,
        Progress {
            total: 9,
            done: 2,           // a, due-date
            not_applicable: 2, // c, g
            waived: 1,         // d
            blocked: 1,        // e
            pending: 3,        // b, f, lead-approval
        }
    );
    // (done + waived) / (total - not applicable) = 3 / 7
    assert!((p.percent() - 300.0 / 7.0).abs() < 1e-9, "{}", p.percent());
    assert_eq!(
        p.total,
        p.done + p.not_applicable + p.waived + p.blocked + p.pending
    );

    // Once the waiver has expired it counts as pending again.
    let json = state.to_json();
    let later = State::from_json(&spec, &json)
        .unwrap()
        .state
        .with_clock(Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 12, 10, 0, 0, 0).unwrap(),
        )));
    let p = later.progress();
    assert_eq!((p.waived, p.pending), (0, 4));
    assert!((p.percent() - 200.0 / 7.0).abs() < 1e-9);

    // Nothing applicable at all: 100%.
    let spec = spec_of("- [ ] A (optional)\n");
    let mut state = fresh(&spec);
    state.skip(ix(&spec, "a"), &wes(), None).unwrap();
    assert_eq!(state.progress().percent(), 100.0);
}

#[test]
fn progress_by_section_is_every_sections_subtree_progress() {
    let spec = spec_of(KINDS);
    let mut state = fresh(&spec);
    resolve_all_but_signoffs(&mut state);
    let all = state.progress_by_section();
    assert_eq!(all.len(), spec.sections().len());
    for s in spec.sections() {
        assert_eq!(
            all[s.index().get()],
            state.subtree_progress(s.index()),
            "{}",
            s.id()
        );
    }
    assert_eq!(all[0], state.progress());
}
