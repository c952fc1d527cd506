//! Gates (benchmark 3): gate evaluation and progress on a 100,000-item checklist, in ns per item: on a
//! fresh state (every item unmet, so every item is reported) and on a resolved one
//! (the gate passes). The floor is one pass over the item states reading their status.

mod common;

use std::hint::black_box;
use std::time::Duration;

use std::sync::Arc;

use checklist_md::{GateIndex, Spec, State, Status};
use common::{Limit, Row, Table};
use criterion::{Criterion, Throughput};

struct Fixture {
    spec: Arc<Spec>,
}

impl Fixture {
    fn new() -> Self {
        let generated = common::generate(Limit::Items(common::state_items()));
        Fixture {
            spec: common::parse(&generated.markdown),
        }
    }

    fn release(&self) -> GateIndex {
        self.spec
            .gate_by_name("release")
            .expect("the generated gate")
            .index()
    }
}

/// The floor: read every item's status once.
fn scan(state: &State) -> usize {
    state
        .items()
        .iter()
        .filter(|s| matches!(s.status(), Status::Done | Status::Filled | Status::Approved))
        .count()
}

fn criterion_groups(c: &mut Criterion, f: &Fixture, fresh: &State, resolved: &State) {
    let complete = f.spec.gates()[0].index();
    let release = f.release();
    let mut g = c.benchmark_group("gates");
    g.throughput(Throughput::Elements(f.spec.items().len() as u64));
    g.bench_function("evaluate complete/fresh", |b| {
        b.iter(|| fresh.evaluate(complete))
    });
    g.bench_function("evaluate complete/resolved", |b| {
        b.iter(|| resolved.evaluate(complete))
    });
    g.bench_function("progress/fresh", |b| b.iter(|| fresh.progress()));
    g.bench_function("progress/resolved", |b| b.iter(|| resolved.progress()));
    g.throughput(Throughput::Elements(
        f.spec.gate(release).items().len() as u64
    ));
    g.bench_function("evaluate release/resolved", |b| {
        b.iter(|| resolved.evaluate(release))
    });
    g.finish();
}

fn ratios(f: &Fixture, fresh: &State, resolved: &State) {
    println!("gates: {}", common::machine());
    let n = f.spec.items().len();
    let complete = f.spec.gates()[0].index();
    let release = f.release();
    let in_release = f.spec.gate(release).items().len();
    let reps = if common::full_run() { 20 } else { 1 };
    let rounds = common::rounds(21);
    let timed = |run: &dyn Fn()| -> Duration {
        common::time(|| {
            for _ in 0..reps {
                run();
            }
        })
        .0
    };
    let mut s0 = || timed(&|| drop(black_box(fresh.evaluate(complete))));
    let mut s1 = || timed(&|| drop(black_box(resolved.evaluate(complete))));
    let mut s2 = || timed(&|| drop(black_box(resolved.evaluate(release))));
    let mut s3 = || {
        timed(&|| {
            black_box(fresh.progress());
        })
    };
    let mut s4 = || {
        timed(&|| {
            black_box(resolved.progress());
        })
    };
    let mut s5 = || {
        timed(&|| {
            black_box(scan(resolved));
        })
    };
    let m = common::interleaved(
        rounds,
        &mut [&mut s0, &mut s1, &mut s2, &mut s3, &mut s4, &mut s5],
    );
    let per = |i: usize, items: usize| common::ns(m[i], reps * items);
    let floor = per(5, n);
    let mut table = Table::new("gates");
    for (what, i, items, target) in [
        ("evaluate `complete`, fresh (all unmet)", 0, n, true),
        ("evaluate `complete`, resolved", 1, n, true),
        (
            "evaluate `release` (a declared gate), resolved",
            2,
            in_release,
            true,
        ),
        ("progress, fresh", 3, n, false),
        ("progress, resolved", 4, n, false),
    ] {
        let ns = per(i, items);
        table.push(Row {
            what: format!("{what}, {n} items"),
            result: format!("{ns:.1} ns/item"),
            baseline: format!("{floor:.1} ns/item (status scan)"),
            ratio: format!("{:.1}×", ns / floor),
            target: if target {
                "< 30 ns/item".into()
            } else {
                String::new()
            },
            pass: target.then_some(ns < 30.0),
        });
    }
    table.finish();
}

fn main() {
    let f = Fixture::new();
    let fresh = State::new(&f.spec);
    let resolved = common::resolve_all(&f.spec, 0);
    assert!(resolved.evaluate(f.spec.gates()[0].index()).passed);
    // The table first, from a fresh heap (see benches/parse.rs).
    if common::run_ratios() {
        ratios(&f, &fresh, &resolved);
    }
    if common::run_criterion() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &f, &fresh, &resolved);
        c.final_summary();
    }
}
