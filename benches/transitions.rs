//! Transitions (benchmark 2): complete / fill / approve through typed handles (`checklist!` on the
//! seed checklist) and through string ids, each including the event append and its hash.
//! Reported in ns per transition; each sample applies a batch of transitions to fresh
//! copies of a state prepared outside the timing.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use checklist_md::chrono::NaiveDate;
use checklist_md::typed::TypedState;
use checklist_md::{Actor, Spec, State, checklist};
use common::{Row, Table};
use criterion::{BatchSize, Criterion};
use sha2::{Digest, Sha256};

checklist!(Seed, "examples/checklists/production-deployment.md");

/// The tasks completed in every batch, as typed handles.
fn typed_tasks() -> Vec<checklist_md::typed::Task<Seed>> {
    let i = Seed::items();
    let q = i.pre_deployment.code_quality;
    let s = i.pre_deployment.security;
    vec![
        q.all_code_reviews_completed,
        q.linting_passes_with_no_errors,
        q.typescript_compilation_successful,
        q.unit_tests_passing_minimum_80_coverage,
        q.integration_tests_passing,
        q.e2e_tests_passing,
        q.security_audit_completed_no_high_critical_vulnerabilities,
        q.dependencies_updated_and_patched,
        s.security_headers_configured,
        s.cors_policy_properly_set,
        s.rate_limiting_implemented,
        s.api_keys_and_secrets_rotated,
        s.https_enforced_with_valid_ssl_certificates,
        s.content_security_policy_configured,
        s.input_validation_on_all_endpoints,
        s.sql_injection_protection_verified,
        s.xss_protection_enabled,
        s.csrf_tokens_implemented,
    ]
}

/// The same tasks by id, as a tool reading ids from a command line has them.
fn task_ids() -> Vec<String> {
    let spec = Seed::spec();
    typed_tasks()
        .into_iter()
        .map(|t| spec.item(t.index()).id().to_string())
        .collect()
}

const FIELD_IDS: [&str; 3] = [
    "deployment-date/scheduled-date",
    "deployment-date/actual-date",
    "deployment-date/deployed-by",
];

fn signoff_ids(spec: &Arc<Spec>) -> Vec<String> {
    spec.signoffs()
        .iter()
        .map(|&s| spec.item(s).id().to_string())
        .collect()
}

/// Someone holding every role of the seed.
fn approver() -> Actor {
    Actor::new("ana")
        .with_role("technical-lead")
        .with_role("security-team")
        .with_role("operations-team")
        .with_role("product-owner")
}

/// A state of the seed where everything but the sign-offs is resolved.
fn ready_to_sign() -> State {
    common::resolve_without_signoffs(Seed::spec())
}

fn typed(state: State) -> TypedState<Seed> {
    TypedState::from_state(state).expect("a state of the seed")
}

/// A copy of `state` that has made one (untimed) transition since: a cloned log has no
/// spare capacity, so its first append copies the whole log, which is not what a
/// transition costs in steady state.
fn warm(state: &State) -> State {
    let mut s = state.clone();
    let field = s.spec().index_of(FIELD_IDS[2]).expect("an id of the seed");
    s.fill(field, &Actor::new("setup"), "setup").expect("fill");
    s
}

/// The six workloads: (name, transitions per batch, run over fresh copies).
struct Workloads {
    fresh: State,
    ready: State,
    tasks: Vec<checklist_md::typed::Task<Seed>>,
    ids: Vec<String>,
    signoffs: Vec<String>,
    ci: Actor,
    ana: Actor,
}

impl Workloads {
    fn new() -> Self {
        Workloads {
            fresh: State::new(Seed::spec()),
            ready: ready_to_sign(),
            tasks: typed_tasks(),
            ids: task_ids(),
            signoffs: signoff_ids(Seed::spec()),
            ci: Actor::new("ci-bot"),
            ana: approver(),
        }
    }

    fn typed_complete(&self, s: &mut TypedState<Seed>) {
        for &t in &self.tasks {
            s.complete(t, &self.ci).expect("complete");
        }
    }

    fn id_complete(&self, s: &mut State) {
        let spec = s.spec().clone();
        for id in &self.ids {
            let i = spec.index_of(id).expect("an id of the seed");
            s.complete(i, &self.ci).expect("complete");
        }
    }

    fn typed_fill(&self, s: &mut TypedState<Seed>) {
        let d = Seed::items().deployment_date;
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        s.fill(d.scheduled_date, &self.ci, day).expect("fill");
        s.fill(d.actual_date, &self.ci, day).expect("fill");
        s.fill(d.deployed_by, &self.ci, "ci-bot").expect("fill");
    }

    fn id_fill(&self, s: &mut State) {
        let spec = s.spec().clone();
        for (id, value) in FIELD_IDS.iter().zip(["2026-12-01", "2026-12-01", "ci-bot"]) {
            let i = spec.index_of(id).expect("an id of the seed");
            s.fill(i, &self.ci, value).expect("fill");
        }
    }

    fn typed_approve(&self, s: &mut TypedState<Seed>) {
        let o = Seed::items().sign_off;
        for h in [
            o.technical_lead_approval,
            o.security_team_approval,
            o.operations_team_approval,
            o.product_owner_approval,
        ] {
            s.approve(h, &self.ana, None).expect("approve");
        }
    }

    fn id_approve(&self, s: &mut State) {
        let spec = s.spec().clone();
        for id in &self.signoffs {
            let i = spec.index_of(id).expect("an id of the seed");
            s.approve(i, &self.ana, None).expect("approve");
        }
    }
}

/// One sample: `copies` fresh states prepared untimed, then `run` on each, timed.
///
/// The same batch is first run untimed on throwaway copies: every timed run then finds
/// the memory its growing logs need already freed in the allocator, whichever sample
/// came before it (otherwise a batch after one that freed little pays page faults).
fn batch<S>(copies: usize, make: impl Fn() -> S, run: impl Fn(&mut S)) -> Duration {
    let mut throwaway: Vec<S> = (0..copies).map(|_| make()).collect();
    throwaway.iter_mut().for_each(&run);
    drop(throwaway);
    let mut states: Vec<S> = (0..copies).map(|_| make()).collect();
    let start = Instant::now();
    for s in &mut states {
        run(s);
    }
    let d = start.elapsed();
    black_box(&states);
    d
}

fn criterion_groups(c: &mut Criterion, w: &Workloads) {
    let mut g = c.benchmark_group("transition");
    g.bench_function("typed/complete x18", |b| {
        b.iter_batched_ref(
            || typed(warm(&w.fresh)),
            |s| w.typed_complete(s),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("id/complete x18", |b| {
        b.iter_batched_ref(
            || warm(&w.fresh),
            |s| w.id_complete(s),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("typed/fill x3", |b| {
        b.iter_batched_ref(
            || typed(warm(&w.fresh)),
            |s| w.typed_fill(s),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("id/fill x3", |b| {
        b.iter_batched_ref(|| warm(&w.fresh), |s| w.id_fill(s), BatchSize::SmallInput);
    });
    g.bench_function("typed/approve x4", |b| {
        b.iter_batched_ref(
            || typed(warm(&w.ready)),
            |s| w.typed_approve(s),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("id/approve x4", |b| {
        b.iter_batched_ref(
            || warm(&w.ready),
            |s| w.id_approve(s),
            BatchSize::SmallInput,
        );
    });
    g.finish();
}

/// The events one workload appends, as the exact bytes SHA-256 hashes for each: hashing
/// them is the floor of what those transitions can cost.
fn appended(make: impl Fn() -> State, run: impl Fn(&mut State)) -> Vec<Vec<u8>> {
    let mut s = make();
    let before = s.events().len();
    run(&mut s);
    let events = s.events();
    (before..events.len())
        .map(|i| {
            let previous = if i == 0 {
                &checklist_md::EventHash::GENESIS
            } else {
                &events[i - 1].hash
            };
            let mut bytes = vec![];
            common::canonical(&events[i], previous, &mut bytes);
            bytes
        })
        .collect()
}

fn sha_floor(copies: usize, events: &[Vec<u8>]) -> Duration {
    let start = Instant::now();
    for _ in 0..copies {
        for e in events {
            black_box(Sha256::digest(black_box(e)));
        }
    }
    start.elapsed()
}

fn ratios(w: &Workloads) {
    println!("transitions: {}", common::machine());
    let copies = if common::full_run() { 400 } else { 2 };
    let rounds = common::rounds(31);
    let floors = [
        appended(|| warm(&w.fresh), |s| w.id_complete(s)),
        appended(|| warm(&w.fresh), |s| w.id_fill(s)),
        appended(|| warm(&w.ready), |s| w.id_approve(s)),
    ];
    let mut subjects: Vec<Box<dyn FnMut() -> Duration + '_>> = vec![
        Box::new(|| batch(copies, || typed(warm(&w.fresh)), |s| w.typed_complete(s))),
        Box::new(|| batch(copies, || warm(&w.fresh), |s| w.id_complete(s))),
        Box::new(|| batch(copies, || typed(warm(&w.fresh)), |s| w.typed_fill(s))),
        Box::new(|| batch(copies, || warm(&w.fresh), |s| w.id_fill(s))),
        Box::new(|| batch(copies, || typed(warm(&w.ready)), |s| w.typed_approve(s))),
        Box::new(|| batch(copies, || warm(&w.ready), |s| w.id_approve(s))),
        Box::new(|| sha_floor(copies, &floors[0])),
        Box::new(|| sha_floor(copies, &floors[1])),
        Box::new(|| sha_floor(copies, &floors[2])),
    ];
    let mut refs: Vec<&mut dyn FnMut() -> Duration> = subjects
        .iter_mut()
        .map(|b| b.as_mut() as &mut dyn FnMut() -> Duration)
        .collect();
    let m = common::interleaved(rounds, &mut refs);
    let per = |i: usize, n: usize| common::ns(m[i], copies * n);
    let mut table = Table::new("transitions");
    for (k, (name, n)) in [
        ("complete", w.tasks.len()),
        ("fill", 3),
        ("approve (checks its gate: 173 items)", w.signoffs.len()),
    ]
    .into_iter()
    .enumerate()
    {
        let typed_ns = per(2 * k, n);
        let id_ns = per(2 * k + 1, n);
        let floor = per(6 + k, n);
        let bytes = floors[k].iter().map(Vec::len).sum::<usize>() / n;
        table.push(Row {
            what: format!("typed {name}"),
            result: format!("{typed_ns:.0} ns"),
            baseline: format!("{floor:.0} ns (SHA-256 of its event: {bytes} bytes)"),
            ratio: format!("{:.2}× the hash", typed_ns / floor),
            target: "< 200 ns".into(),
            pass: Some(typed_ns < 200.0),
        });
        table.push(Row::info(
            format!("by string id: {name}"),
            format!("{id_ns:.0} ns"),
        ));
    }
    table.finish();
}

fn main() {
    let w = Workloads::new();
    // The table first, from a fresh heap (see benches/parse.rs).
    if common::run_ratios() {
        ratios(&w);
    }
    if common::run_criterion() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &w);
        c.final_summary();
    }
}
