//! Property tests for the state machine: random sequences of random requests, by random
//! actors holding random roles, on the production-deployment checklist (plain, and with
//! a `deploy` gate as the sign-off gate). After every step the state must be the fold of
//! its log, survive JSON unchanged, keep its hash chain, and never hold an approval next
//! to an unresolved item the approval covers; a refused request must change nothing.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use checklist_md::clock::FixedClock;
use checklist_md::{
    Action, Actor, ItemIndex, ItemKind, ParseOptions, Payload, Request, Spec, State, Status, Value,
    WaiverRequest, parse, verify_chain,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const CASES: u32 = 128;
const MAX_STEPS: usize = 60;
const ROLES: [&str; 4] = [
    "technical-lead",
    "security-team",
    "operations-team",
    "product-owner",
];

/// `PROPTEST_CASES` overrides the case count, e.g. for a longer soak run.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(CASES),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

fn load(file: &str) -> Arc<Spec> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/checklists")
        .join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    let parsed = parse(&source, &ParseOptions::new(file)).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.warnings.is_empty(), "{}", parsed.render_warnings());
    Arc::new(parsed.spec)
}

fn plain() -> &'static Arc<Spec> {
    static SPEC: OnceLock<Arc<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| load("production-deployment.md"))
}

fn gated() -> &'static Arc<Spec> {
    static SPEC: OnceLock<Arc<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let spec = load("production-deployment-gated.md");
        assert_eq!(spec.signoff_gate().name(), "deploy");
        spec
    })
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    start().date_naive()
}

/// Which item a step targets. Sign-offs and fields are few among 177 items, so they are
/// picked on purpose part of the time.
#[derive(Debug, Clone)]
enum Target {
    Any(usize),
    SignOff(usize),
    Field(usize),
}

/// Optional text: absent, blank, or given.
#[derive(Debug, Clone, Copy)]
enum Text {
    None,
    Blank,
    Given,
}

impl Text {
    fn get(self, given: &'static str) -> Option<&'static str> {
        match self {
            Text::None => None,
            Text::Blank => Some("  "),
            Text::Given => Some(given),
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Complete {
        note: Text,
    },
    Skip {
        reason: Text,
        waiver: Option<(usize, Option<i64>)>,
    },
    Block {
        reason: Text,
    },
    Unblock,
    Reopen {
        reason: Text,
    },
    Fill {
        value: usize,
    },
    FillDate {
        offset: i64,
    },
    Clear,
    Approve {
        comment: Text,
    },
    Reject {
        comment: Text,
    },
    Revoke {
        reason: Text,
    },
}

/// One step: a target, an actor, and a request that fits the target's kind most of the
/// time (any request otherwise, to exercise `WrongKind`).
#[derive(Debug, Clone)]
struct Step {
    target: Target,
    actor: usize,
    fit: bool,
    task: Op,
    field: Op,
    signoff: Op,
    any: Op,
}

impl Step {
    fn op(&self, kind: &ItemKind) -> &Op {
        match kind {
            _ if !self.fit => &self.any,
            ItemKind::Task => &self.task,
            ItemKind::Field(_) => &self.field,
            ItemKind::SignOff { .. } => &self.signoff,
        }
    }
}

const FILL_VALUES: [&str; 6] = [
    "2026-12-01",
    "Alice",
    "soon",
    "",
    "2026-02-30",
    " 2027-01-15 ",
];
/// Actor names; a waiver's approver is picked from these plus an outsider.
const NAMES: [&str; 4] = ["ann", "tara", "sam", "olga"];
const APPROVERS: [&str; 5] = ["ann", "tara", "sam", "olga", "vic"];

fn text() -> impl Strategy<Value = Text> {
    prop_oneof![1 => Just(Text::None), 1 => Just(Text::Blank), 3 => Just(Text::Given)]
}

fn task_op() -> BoxedStrategy<Op> {
    prop_oneof![
        3 => text().prop_map(|note| Op::Complete { note }),
        2 => (
            text(),
            proptest::option::of((0..APPROVERS.len(), proptest::option::of(-2i64..5)))
        )
            .prop_map(|(reason, waiver)| Op::Skip { reason, waiver }),
        1 => text().prop_map(|reason| Op::Block { reason }),
        1 => Just(Op::Unblock),
        2 => text().prop_map(|reason| Op::Reopen { reason }),
    ]
    .boxed()
}

fn field_op() -> BoxedStrategy<Op> {
    prop_oneof![
        2 => (0..FILL_VALUES.len()).prop_map(|value| Op::Fill { value }),
        1 => (-3i64..30).prop_map(|offset| Op::FillDate { offset }),
        1 => Just(Op::Clear),
    ]
    .boxed()
}

fn signoff_op() -> BoxedStrategy<Op> {
    prop_oneof![
        3 => text().prop_map(|comment| Op::Approve { comment }),
        1 => text().prop_map(|comment| Op::Reject { comment }),
        1 => text().prop_map(|reason| Op::Revoke { reason }),
    ]
    .boxed()
}

fn step() -> impl Strategy<Value = Step> {
    let target = prop_oneof![
        5 => (0usize..177).prop_map(Target::Any),
        3 => (0usize..4).prop_map(Target::SignOff),
        2 => (0usize..3).prop_map(Target::Field),
    ];
    let any = prop_oneof![task_op(), field_op(), signoff_op()];
    (
        target,
        0..NAMES.len(),
        proptest::bool::weighted(0.85),
        (task_op(), field_op(), signoff_op(), any),
    )
        .prop_map(|(target, actor, fit, (task, field, signoff, any))| Step {
            target,
            actor,
            fit,
            task,
            field,
            signoff,
            any,
        })
}

/// A case: which spec, whether to start with everything but the sign-offs resolved (so
/// approvals can succeed and later changes void them), each actor's roles, and the steps.
fn case() -> impl Strategy<Value = (bool, bool, Vec<u8>, Vec<Step>)> {
    (
        any::<bool>(),
        // Prefilled states carry a log of ~170 events, which makes every check several
        // times slower in debug builds; a third of the cases is enough to reach approvals.
        proptest::bool::weighted(0.3),
        vec(0u8..16, NAMES.len()),
        vec(step(), 1..=MAX_STEPS),
    )
}

fn request(op: &Op) -> Request<'static> {
    match *op {
        Op::Complete { note } => Request::Complete {
            note: note.get("done"),
            evidence: None,
        },
        Op::Skip { reason, waiver } => Request::Skip {
            reason: reason.get("not needed"),
            waiver: waiver.map(|(a, expires)| WaiverRequest {
                approver: APPROVERS[a],
                expires: expires.map(|d| today() + Duration::days(d)),
            }),
        },
        Op::Block { reason } => Request::Block {
            reason: reason.get("waiting").unwrap_or(""),
        },
        Op::Unblock => Request::Unblock,
        Op::Reopen { reason } => Request::Reopen {
            reason: reason.get("redo").unwrap_or(""),
        },
        Op::Fill { value } => Request::Fill {
            value: FILL_VALUES[value],
        },
        Op::FillDate { offset } => Request::FillValue {
            value: Value::Date(today() + Duration::days(offset)),
        },
        Op::Clear => Request::Clear,
        Op::Approve { comment } => Request::Approve {
            comment: comment.get("lgtm"),
        },
        Op::Reject { comment } => Request::Reject {
            comment: comment.get("not yet").unwrap_or(""),
        },
        Op::Revoke { reason } => Request::Revoke {
            reason: reason.get("changed my mind"),
        },
    }
}

/// Resolves every item the sign-offs cover, in as many passes as nesting needs.
fn resolve_coverage(state: &mut State, actor: &Actor) {
    let spec = state.spec().clone();
    loop {
        let mut progressed = false;
        for &i in spec.signoff_coverage() {
            if state.is_resolved(i, today()) {
                continue;
            }
            let item = spec.item(i);
            progressed |= match item.kind() {
                ItemKind::Task if item.is_optional() => state.skip(i, actor, Some("n/a")).is_ok(),
                // A task with a check is done by a passing run of it.
                ItemKind::Task if spec.check(i).is_some() => {
                    let pass = checklist_md::check::from_fn(|_| Ok::<_, String>("ok".into()));
                    state.verify(i, actor, &pass).is_ok()
                }
                ItemKind::Task => state.complete(i, actor).is_ok(),
                ItemKind::Field(_) => state.fill(i, actor, "2026-12-01").is_ok(),
                ItemKind::SignOff { .. } => false,
            };
        }
        if !progressed {
            break;
        }
    }
}

fn target_index(spec: &Arc<Spec>, target: &Target) -> ItemIndex {
    match *target {
        Target::Any(i) => spec.items()[i % spec.items().len()].index(),
        Target::SignOff(i) => spec.signoffs()[i % spec.signoffs().len()],
        Target::Field(i) => {
            let fields: Vec<ItemIndex> = spec
                .items()
                .iter()
                .filter(|it| matches!(it.kind(), ItemKind::Field(_)))
                .map(|it| it.index())
                .collect();
            fields[i % fields.len()]
        }
    }
}

/// Everything that must hold of a state at any time.
fn check_invariants(spec: &Arc<Spec>, state: &State, json: &str) -> Result<(), TestCaseError> {
    verify_chain(state.events()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        state.revision(),
        state.events().last().map_or(0, |e| e.revision)
    );
    let replayed = State::replay(spec, state.events().to_vec())
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(replayed == *state, "replay differs from the state");
    let loaded = State::from_json(spec, json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(loaded.migration.is_none());
    prop_assert!(
        loaded.state == *state,
        "JSON round trip differs from the state"
    );
    for &s in spec.signoffs() {
        if state.item(s).status() == Status::Approved {
            for &i in spec.signoff_coverage() {
                prop_assert!(
                    state.is_resolved(i, today()),
                    "`{}` is approved while `{}` is {}",
                    spec.item(s).id(),
                    spec.item(i).id(),
                    state.item(i).status()
                );
            }
        }
    }
    Ok(())
}

/// What a run did, to show the generator reaches the interesting transitions.
#[derive(Debug, Default)]
struct Stats {
    succeeded: usize,
    approvals: usize,
    voids: usize,
}

fn run(
    spec: &'static Arc<Spec>,
    prefill: bool,
    roles: &[u8],
    steps: &[Step],
) -> Result<Stats, TestCaseError> {
    let actors: Vec<Actor> = NAMES
        .iter()
        .zip(roles)
        .map(|(name, &mask)| {
            ROLES
                .iter()
                .enumerate()
                .filter(|(bit, _)| mask & (1 << bit) != 0)
                .fold(Actor::new(*name), |a, (_, role)| a.with_role(*role))
        })
        .collect();
    let mut state = State::new(spec.clone()).with_clock(Arc::new(FixedClock::stepping(
        start(),
        Duration::seconds(1),
    )));
    if prefill {
        resolve_coverage(&mut state, &Actor::new("automation"));
    }
    let mut json = state.to_json();
    check_invariants(spec, &state, &json)?;
    let mut stats = Stats::default();
    for step in steps {
        let index = target_index(spec, &step.target);
        let actor = &actors[step.actor];
        let before_revision = state.revision();
        let before_events = state.events().len();
        let request = request(step.op(spec.item(index).kind()));
        let is_approve = matches!(request, Request::Approve { .. });
        match state.apply(index, actor, request) {
            Ok(change) => {
                stats.succeeded += 1;
                stats.approvals += usize::from(is_approve);
                prop_assert_eq!(change.revision, before_revision + 1);
                prop_assert_eq!(change.events.start, before_events);
                prop_assert_eq!(change.events.end, state.events().len());
                let new = &state.events()[change.events.clone()];
                // The change itself, then only voids of approvals it invalidated.
                prop_assert!(!new.is_empty());
                prop_assert!(new[0].action() != Action::Void);
                prop_assert_eq!(new[0].item.as_ref(), spec.item(index).id());
                prop_assert_eq!(new[0].actor.as_ref(), actor.name());
                for v in &new[1..] {
                    prop_assert_eq!(v.action(), Action::Void);
                    let cause = match v.payload {
                        Payload::Void { cause, .. } => cause,
                        _ => None,
                    };
                    prop_assert_eq!(cause, Some(new[0].seq));
                    prop_assert!(spec.is_covered(index));
                }
                stats.voids += new.len() - 1;
                json = state.to_json();
                check_invariants(spec, &state, &json)?;
            }
            Err(err) => {
                // A refusal changes nothing: the document is byte for byte the one that
                // passed every invariant after the last success (each invariant is a
                // function of the document), so they still hold without re-checking.
                prop_assert_eq!(state.revision(), before_revision);
                prop_assert_eq!(state.events().len(), before_events);
                let after = state.to_json();
                prop_assert!(after == json, "refused ({err}) but the document changed");
            }
        }
    }
    Ok(stats)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_requests_keep_every_invariant((use_gated, prefill, roles, steps) in case()) {
        let spec = if use_gated { gated() } else { plain() };
        run(spec, prefill, &roles, &steps)?;
    }
}

/// The generator reaches the interesting parts: successful requests, approvals and void
/// cascades. Without this the property above could pass by never approving anything.
#[test]
fn the_generator_reaches_approvals_and_voids() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut total = Stats::default();
    for _ in 0..12 {
        let (use_gated, _, roles, steps) = case().new_tree(&mut runner).unwrap().current();
        let spec = if use_gated { gated() } else { plain() };
        // Always prefilled here, so approvals are possible.
        let stats = run(spec, true, &roles, &steps).unwrap();
        total.succeeded += stats.succeeded;
        total.approvals += stats.approvals;
        total.voids += stats.voids;
    }
    assert!(total.succeeded > 50, "{total:?}");
    assert!(total.approvals > 5, "{total:?}");
    assert!(total.voids > 0, "{total:?}");
}
