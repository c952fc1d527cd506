//! Stores (benchmark 7): what a run costs in SQLite and in PostgreSQL, against the file
//! store in the same run. Save (a new run: every event inserted) and load (read, verify,
//! replay, compare) of a 10,000-event run; and `complete` round trips, one
//! `Store::update` each (load, change, save, all in one transaction), by 1 writer and by
//! 4 concurrent writers on one run.
//!
//! PostgreSQL is measured when `CHECKLIST_TEST_POSTGRES` names a server (in a schema of
//! the bench's own, dropped at the end); its rows say so when it does not.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use checklist_md::store::{FileStore, PostgresStore, SqliteStore};
use checklist_md::{Actor, Spec, State, Store};
use common::{Limit, Row, Table};
use criterion::Criterion;

/// Events in the saved and loaded run (500 in a smoke test).
fn events() -> usize {
    if common::full_run() { 10_000 } else { 500 }
}

/// `complete`s per round-trip sample (20 in a smoke test).
fn updates() -> usize {
    if common::full_run() { 200 } else { 20 }
}

/// A fresh name for each sample's run.
fn fresh(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// The stores under test, each able to make a new, empty run.
struct Stores {
    dir: tempfile::TempDir,
    sqlite: SqliteStore,
    postgres: Option<Pg>,
}

struct Pg {
    base: String,
    schema: String,
    store: PostgresStore,
}

impl Drop for Pg {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

impl Stores {
    fn new() -> Stores {
        let dir = tempfile::tempdir().expect("a temp dir");
        let sqlite = SqliteStore::open(dir.path().join("bench.db"), "warm-up").expect("opens");
        let postgres = match std::env::var("CHECKLIST_TEST_POSTGRES") {
            Ok(base) if !base.trim().is_empty() => {
                let schema = format!("checklist_bench_{}", std::process::id());
                let mut admin = postgres::Client::connect(&base, postgres::NoTls)
                    .unwrap_or_else(|e| panic!("cannot connect to CHECKLIST_TEST_POSTGRES: {e}"));
                admin
                    .batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create the bench schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                let store = PostgresStore::connect(&url, "warm-up").expect("connects");
                Some(Pg {
                    base,
                    schema,
                    store,
                })
            }
            _ => {
                println!("stores: CHECKLIST_TEST_POSTGRES is unset: PostgreSQL is not measured");
                None
            }
        };
        Stores {
            dir,
            sqlite,
            postgres,
        }
    }

    fn file(&self) -> FileStore {
        FileStore::new(self.dir.path().join(format!("{}.json", fresh("file"))))
    }

    fn sqlite(&self) -> SqliteStore {
        self.sqlite.with_run(&fresh("sqlite")).expect("a name")
    }

    fn postgres(&self) -> Option<PostgresStore> {
        self.postgres
            .as_ref()
            .map(|pg| pg.store.with_run(&fresh("postgres")).expect("a name"))
    }

    /// A new run in each store: file, SQLite, PostgreSQL (when there is one).
    fn each(&self) -> Vec<Box<dyn Store>> {
        let mut all: Vec<Box<dyn Store>> = vec![Box::new(self.file()), Box::new(self.sqlite())];
        if let Some(pg) = self.postgres() {
            all.push(Box::new(pg));
        }
        all
    }
}

/// `n` plain tasks: `task-0` ...
fn tasks(n: usize) -> Arc<Spec> {
    let mut md = String::from("# Round trips\n\n");
    for i in 0..n {
        md.push_str(&format!("- [ ] Task {i}\n"));
    }
    Arc::new(Spec::parse(&md).expect("parses"))
}

/// `per` completes by each of `writers` threads, each on its own items of one new run
/// that `open` makes (once per thread: every writer has its own connection); returns
/// the wall time of all of them.
fn round_trips(
    spec: &Arc<Spec>,
    writers: usize,
    per: usize,
    open: &(dyn Fn() -> Box<dyn Store> + Sync),
) -> Duration {
    let stores: Vec<Box<dyn Store>> = {
        let first = open();
        let location = first.location();
        // Every writer on the same run: reopen it by its location's run.
        let mut all = vec![first];
        for _ in 1..writers {
            all.push(reopen(&location));
        }
        all
    };
    let started = Instant::now();
    std::thread::scope(|scope| {
        for (w, store) in stores.iter().enumerate() {
            scope.spawn(move || {
                let actor = Actor::new(format!("writer-{w}"));
                for k in 0..per {
                    let item = spec.items()[w * per + k].index();
                    Store::update(&store, spec, |s| s.complete(item, &actor)).expect("updates");
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let state = stores[0].load(spec).expect("loads").state;
    assert_eq!(state.events().len(), writers * per, "no update was lost");
    elapsed
}

/// Another handle on the run at `location` (`PATH`, `sqlite:PATH#RUN` or `URL#RUN`).
fn reopen(location: &str) -> Box<dyn Store> {
    if let Some(rest) = location.strip_prefix("sqlite:") {
        let (path, run) = rest.rsplit_once('#').expect("a run");
        return Box::new(SqliteStore::open(path, run).expect("opens"));
    }
    if location.starts_with("postgres") {
        let (_, run) = location.rsplit_once('#').expect("a run");
        let url = std::env::var("CHECKLIST_TEST_POSTGRES").expect("set");
        let schema = format!("checklist_bench_{}", std::process::id());
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{sep}options=-csearch_path%3D{schema}");
        return Box::new(PostgresStore::connect(&url, run).expect("connects"));
    }
    Box::new(FileStore::new(PathBuf::from(location)))
}

fn main() {
    let generated = common::generate(Limit::Items(if common::full_run() { 2_000 } else { 200 }));
    let spec = common::parse(&generated.markdown);
    let state = common::resolve_all(&spec, events());
    assert_eq!(state.events().len(), events());
    let stores = Stores::new();
    if common::run_ratios() {
        ratios(&stores, &spec, &state);
    }
    if common::run_criterion() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &stores, &spec, &state);
        c.final_summary();
    }
}

fn criterion_groups(c: &mut Criterion, stores: &Stores, spec: &Arc<Spec>, state: &State) {
    let mut g = c.benchmark_group("stores");
    let names = ["file", "sqlite", "postgres"];
    for (name, store) in names.iter().zip(stores.each()) {
        g.bench_function(format!("save {} events, {name}", events()), |b| {
            b.iter_batched(
                || match *name {
                    "file" => Box::new(stores.file()) as Box<dyn Store>,
                    "sqlite" => Box::new(stores.sqlite()),
                    _ => Box::new(stores.postgres().expect("measured")),
                },
                |fresh| fresh.save(state, None).expect("saves"),
                criterion::BatchSize::PerIteration,
            )
        });
        store.save(state, None).expect("saves");
        g.bench_function(format!("load {} events, {name}", events()), |b| {
            b.iter(|| store.load(spec).expect("loads"))
        });
    }
    g.finish();
}

fn ratios(stores: &Stores, spec: &Arc<Spec>, state: &State) {
    println!("stores: {}", common::machine());
    let rounds = common::rounds(11);
    let n = events();
    let pg = stores.postgres.is_some();

    // Save: a new run each sample, every event inserted.
    let save = |make: &dyn Fn() -> Box<dyn Store>| {
        let store = make();
        common::time(|| store.save(state, None).expect("saves")).0
    };
    let mut save_file = || save(&|| Box::new(stores.file()));
    let mut save_sqlite = || save(&|| Box::new(stores.sqlite()));
    let mut save_pg = || {
        if pg {
            save(&|| Box::new(stores.postgres().expect("measured")))
        } else {
            Duration::ZERO
        }
    };
    // Load: the same saved run each sample.
    let saved = stores.each();
    for s in &saved {
        s.save(state, None).expect("saves");
    }
    let load = |i: usize| {
        saved.get(i).map_or(Duration::ZERO, |s| {
            common::time(|| s.load(spec).expect("loads")).0
        })
    };
    let (mut load_file, mut load_sqlite, mut load_pg) = (|| load(0), || load(1), || load(2));
    let m = common::interleaved(
        rounds,
        &mut [
            &mut save_file,
            &mut save_sqlite,
            &mut save_pg,
            &mut load_file,
            &mut load_sqlite,
            &mut load_pg,
        ],
    );

    // Round trips: `updates()` completes on a new run, by 1 and by 4 writers.
    let per_task = tasks(updates());
    let trips = |writers: usize, store: usize| {
        let open = |store: usize| -> Box<dyn Store> {
            match store {
                0 => Box::new(stores.file()),
                1 => Box::new(stores.sqlite()),
                _ => Box::new(stores.postgres().expect("measured")),
            }
        };
        if store == 2 && !pg {
            return Duration::ZERO;
        }
        round_trips(&per_task, writers, updates() / writers, &|| open(store))
    };
    let trip_rounds = common::rounds(5);
    let mut t: Vec<Box<dyn FnMut() -> Duration>> = Vec::new();
    for writers in [1, 4] {
        for store in 0..3 {
            t.push(Box::new(move || trips(writers, store)));
        }
    }
    let mut refs: Vec<&mut dyn FnMut() -> Duration> = t
        .iter_mut()
        .map(|f| &mut **f as &mut dyn FnMut() -> Duration)
        .collect();
    let r = common::interleaved(trip_rounds, &mut refs);

    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    let per_s = |d: Duration| updates() as f64 / d.as_secs_f64();
    let skipped = "not measured: CHECKLIST_TEST_POSTGRES is unset";
    let mut table = Table::new("stores");
    for (what, file, db, name, target) in [
        (
            format!("save a new run of {n} events"),
            m[0],
            m[1],
            "SQLite",
            0.25,
        ),
        (
            format!("save a new run of {n} events"),
            m[0],
            m[2],
            "PostgreSQL",
            0.10,
        ),
        (
            format!("load a run of {n} events (read, verify, replay, compare)"),
            m[3],
            m[4],
            "SQLite",
            0.50,
        ),
        (
            format!("load a run of {n} events (read, verify, replay, compare)"),
            m[3],
            m[5],
            "PostgreSQL",
            0.30,
        ),
    ] {
        if db.is_zero() {
            table.push(Row::info(format!("{what}, {name}"), skipped));
            continue;
        }
        let ratio = file.as_secs_f64() / db.as_secs_f64();
        table.push(Row {
            what: format!("{what}, {name}"),
            result: ms(db),
            baseline: format!("file store: {}", ms(file)),
            ratio: format!("{ratio:.2}"),
            target: format!("≥ {target:.2}"),
            pass: Some(ratio >= target),
        });
    }
    for (k, writers) in [1usize, 4].into_iter().enumerate() {
        let file = r[3 * k];
        for (name, db, target) in [
            ("SQLite", r[3 * k + 1], 0.5),
            ("PostgreSQL", r[3 * k + 2], 0.25),
        ] {
            let what = format!(
                "`complete` round trips (one `Store::update` each), {writers} writer{} on one run, {name}",
                if writers == 1 { "" } else { "s" }
            );
            if db.is_zero() {
                table.push(Row::info(what, skipped));
                continue;
            }
            let ratio = per_s(db) / per_s(file);
            table.push(Row {
                what,
                result: format!(
                    "{:.0}/s ({:.2} ms each)",
                    per_s(db),
                    db.as_secs_f64() * 1e3 / updates() as f64
                ),
                baseline: format!("file store: {:.0}/s", per_s(file)),
                ratio: format!("{ratio:.2}"),
                target: format!("≥ {target:.2}"),
                pass: Some(ratio >= target),
            });
        }
    }
    table.finish();
}
