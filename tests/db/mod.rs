//! What the database store tests share: the PostgreSQL server to use (or why the tests
//! were skipped), schemas and run names of their own so that tests run in parallel and
//! rerun without cleanup, and a kill-mid-transaction harness.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use checklist_md::{Spec, Store};

/// The variable that names the PostgreSQL server the tests use.
pub const POSTGRES_VAR: &str = "CHECKLIST_TEST_POSTGRES";
/// Set to 1 (as `.ci/run` does) to make a missing server a failure, not a skip.
pub const REQUIRE_VAR: &str = "CHECKLIST_REQUIRE_POSTGRES";

/// Says on stderr that a test was skipped. Written to the stream directly, not with
/// `eprintln!`, which the test harness captures and shows only for failing tests.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {why}");
}

/// The PostgreSQL URL to test against; `None` (saying so on stderr) when
/// `CHECKLIST_TEST_POSTGRES` is unset, unless `CHECKLIST_REQUIRE_POSTGRES=1`, which makes
/// that a failure.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var(REQUIRE_VAR).as_deref() != Ok("1"),
                "{REQUIRE_VAR}=1 but {POSTGRES_VAR} is unset: the PostgreSQL tests cannot run"
            );
            skipped(&format!(
                "{test}: {POSTGRES_VAR} is unset, so this PostgreSQL test did not run; set it \
                 to a server's URL, e.g. postgres://postgres@127.0.0.1:5432/test (.ci/run does)"
            ));
            None
        }
    }
}

/// A name no other test (or earlier run) uses: `prefix-PID-N-NANOS`.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with `search_path` set to `schema`.
pub fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// A schema of its own on the test server, dropped (with everything in it) at the end.
pub struct PgSchema {
    /// The server's URL as given.
    pub base: String,
    /// The schema's name.
    pub name: String,
    /// The URL whose `search_path` is the schema.
    pub url: String,
}

impl PgSchema {
    pub fn new(base: &str) -> PgSchema {
        let name = unique("checklist_test").replace('-', "_");
        let mut admin = connect(base);
        admin
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .expect("create the test schema");
        PgSchema {
            base: base.to_string(),
            url: with_search_path(base, &name),
            name,
        }
    }

    /// A client whose `search_path` is the schema.
    pub fn client(&self) -> postgres::Client {
        connect(&self.url)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

pub fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_VAR}: {e}"))
}

/// A checklist of `tasks` tasks, `task-0` ...
pub fn spec(tasks: usize) -> Arc<Spec> {
    let mut md = String::from("# Shared\n\n");
    for i in 0..tasks {
        md.push_str(&format!("- [ ] Task {i}\n"));
    }
    Arc::new(Spec::parse(&md).expect("parses"))
}

/// The SQL query `docs/stores.md` documents for listing a run's events, with its literal
/// run name replaced by the parameter `$1` (which SQLite reads as parameter 1, too).
pub fn documented_events_query() -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/stores.md"))
        .expect("docs/stores.md");
    let start = doc
        .find("```sql\n")
        .expect("docs/stores.md has an ```sql block")
        + "```sql\n".len();
    let end = start + doc[start..].find("```").expect("the block ends");
    let query = &doc[start..end];
    assert!(
        query.contains("'release-2026-12-01'"),
        "the documented query names the run `release-2026-12-01`:\n{query}"
    );
    query
        .replace("'release-2026-12-01'", "$1")
        .trim()
        .trim_end_matches(';')
        .to_string()
}

/// The log as the documented query lists it: (seq, actor, action, item, words, hash).
pub type Listed = Vec<(i64, String, String, String, Option<String>, String)>;

/// The same columns from a loaded state's events.
pub fn listed_from_state(state: &checklist_md::State) -> Listed {
    state
        .events()
        .iter()
        .map(|e| {
            (
                e.seq as i64,
                e.actor.to_string(),
                e.action().to_string(),
                e.item.to_string(),
                e.payload.words().map(str::to_string).or(match &e.payload {
                    checklist_md::Payload::Fill { value } => Some(value.to_string()),
                    _ => None,
                }),
                e.hash.to_string(),
            )
        })
        .collect()
}

/// The environment variable a crash writer child reads its store from.
pub const WRITER_ENV: &str = "CHECKLIST_DB_CRASH_WRITER";
/// Set in a child that must stop inside its transaction (and wait to be killed).
pub const HOLD_ENV: &str = "CHECKLIST_DB_CRASH_HOLD";

/// Runs the test binary's ignored test `name` as a child process, with `env`.
pub fn spawn_child(name: &str, env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(std::env::current_exe().expect("the test binary"));
    cmd.args(["--exact", name, "--ignored", "--test-threads=1", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn the writer child")
}

/// What a crash writer child does: completes, reopens, completes... its tasks, one
/// `Store::update` at a time, forever. With `HOLD_ENV` set, it writes the file `HOLD_ENV`
/// names from inside its first transaction's change and then sleeps there, holding the
/// database's lock, until it is killed.
pub fn crash_writer(store: &dyn Store, spec: &Arc<Spec>) {
    use checklist_md::store::Decision;
    use checklist_md::{Actor, Status};
    let actor = Actor::new("writer");
    if let Ok(marker) = std::env::var(HOLD_ENV) {
        let _ = store.transact(spec, &mut |state| {
            let item = spec.items()[0].index();
            if state.item(item).status() == Status::Pending {
                state.complete(item, &actor).expect("completes");
            } else {
                state.reopen(item, &actor, "again").expect("reopens");
            }
            std::fs::write(&marker, "in the transaction").expect("write the marker");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
            #[allow(unreachable_code)]
            Decision::Save
        });
        return;
    }
    loop {
        Store::update(&store, spec, |state| {
            let n = state.revision() as usize;
            let item = spec.items()[n % spec.items().len()].index();
            match state.item(item).status() {
                Status::Pending => state.complete(item, &actor),
                _ => state.reopen(item, &actor, "again"),
            }
        })
        .expect("the writer's update");
    }
}

/// Starts a writer child with extra environment variables.
pub type Spawn<'a> = dyn Fn(&[(&str, &str)]) -> Child + 'a;

/// `settle` waits until what a killed child had sent is done with (a server may still
/// commit a transaction whose COMMIT arrived before the kill).
///
/// Kills writer children after 0 to `max_delay_ms` ms, `iterations` times, checking after each
/// kill that the run loads (verified) and that its revision never went back; then holds
/// one writer inside its transaction, kills it there and checks that the run is as it
/// was and that the next writer is not kept waiting. Returns a summary line.
pub fn kill_writers(
    what: &str,
    store: &dyn Store,
    spec: &Arc<Spec>,
    spawn: &Spawn,
    settle: &dyn Fn(),
    iterations: usize,
    max_delay_ms: u64,
) -> String {
    let started = Instant::now();
    // First make sure a writer really writes.
    let mut child = spawn(&[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.load(spec).expect("loads").state.revision() < 3 {
        assert!(
            Instant::now() < deadline,
            "{what}: the writer child never saved"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
    settle();

    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut below = |n: u64| {
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        rng.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    };
    let mut previous = store.load(spec).expect("loads").state.revision();
    let (mut advanced, mut saves) = (0, 0);
    for iteration in 0..iterations {
        let mut child = spawn(&[]);
        std::thread::sleep(Duration::from_millis(below(max_delay_ms + 1)));
        child.kill().expect("kill"); // SIGKILL
        child.wait().expect("wait");
        settle();
        let loaded = store.load(spec).unwrap_or_else(|e| {
            panic!("{what}: iteration {iteration}: the run does not load after a kill: {e}")
        });
        let revision = loaded.state.revision();
        assert!(
            revision >= previous,
            "{what}: iteration {iteration}: revision went from {previous} back to {revision}"
        );
        if revision > previous {
            advanced += 1;
            saves += revision - previous;
        }
        previous = revision;
    }

    // Killed inside its transaction, holding the lock: nothing of it is saved, and the
    // lock goes with the process.
    let dir = tempfile::tempdir().expect("a temp dir");
    let marker = dir.path().join("in-transaction");
    let marker_text = marker.to_string_lossy().into_owned();
    let before = store.load(spec).expect("loads").state;
    let mut child = spawn(&[(HOLD_ENV, &marker_text)]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !marker.exists() {
        assert!(
            Instant::now() < deadline,
            "{what}: the holding child never got into its transaction"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
    settle();
    let after = store.load(spec).expect("loads").state;
    assert_eq!(
        after, before,
        "{what}: a writer killed inside its transaction changed the run"
    );
    let waited = Instant::now();
    let item = spec.items()[1].index();
    Store::update(&store, spec, |state| match state.item(item).status() {
        checklist_md::Status::Pending => state.complete(item, &checklist_md::Actor::new("next")),
        _ => state.reopen(item, &checklist_md::Actor::new("next"), "again"),
    })
    .unwrap_or_else(|e| panic!("{what}: the next writer after the kill: {e}"));
    let waited = waited.elapsed();
    assert!(
        waited < Duration::from_secs(10),
        "{what}: the next writer waited {waited:?} for the killed one's lock"
    );
    assert_eq!(
        store.load(spec).expect("loads").state.revision(),
        before.revision() + 1
    );
    format!(
        "{what} kill test: {iterations} kills in {:.1?}; {advanced} writers saved before \
         their kill ({saves} saves); a writer killed inside its transaction left revision \
         {} as it was, and the next writer waited {waited:.1?}",
        started.elapsed(),
        before.revision()
    )
}

/// Makes the same changes through `store` and through a file store, both on a fixed
/// clock starting at the same time, and returns both states' documents as JSON: a store
/// must not change what is recorded (nor read the clock on its own).
pub fn same_changes(store: &dyn Store, spec: &Arc<Spec>) -> (String, String) {
    use checklist_md::clock::FixedClock;
    use checklist_md::{Actor, FileStore};
    let dir = tempfile::tempdir().expect("a temp dir");
    let clock = || {
        Arc::new(
            FixedClock::parse(
                "2026-11-26T09:00:00.123456789Z",
                chrono::Duration::milliseconds(1500),
            )
            .expect("a time"),
        )
    };
    let file = FileStore::new(dir.path().join("state.json")).with_clock(clock());
    let run = |store: &dyn Store| {
        let ann = Actor::new("ann");
        for (k, item) in spec.items().iter().enumerate().take(3) {
            let i = item.index();
            Store::update(&store, spec, |s| s.complete(i, &ann)).expect("completes");
            if k == 1 {
                Store::update(&store, spec, |s| s.reopen(i, &ann, "again")).expect("reopens");
            }
        }
        store.load(spec).expect("loads").state.to_json()
    };
    (run(store), run(&file))
}
