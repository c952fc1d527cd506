//! The database stores from the shell: `--state sqlite:PATH` and `--state postgres://...`
//! through the state commands, `--run` and `CHECKLIST_RUN`, `runs`, `copy` between every
//! kind of store, and the messages for what goes wrong. The PostgreSQL tests read their
//! server from `CHECKLIST_TEST_POSTGRES` (skipped, saying so on stderr, when it is unset;
//! a failure when `CHECKLIST_REQUIRE_POSTGRES=1`), each in a schema of its own.

mod common;

use common::{GATED, Run, SEED, Session, TIME};
use serde_json::Value;

/// Runs `checklist ARGS` in the session with a fixed clock and none of the store
/// variables a developer's shell may have set, plus `env`.
fn cli(s: &Session, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = assert_cmd::Command::cargo_bin("checklist").expect("the binary is built");
    cmd.current_dir(s.dir.path())
        .env("NO_COLOR", "1")
        .env("CHECKLIST_FIXED_TIME", TIME)
        .env_remove("CHECKLIST_STATE")
        .env_remove("CHECKLIST_RUN")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {why}");
}

/// The test server's URL, in a schema of this test's own (dropped at the end), or
/// `None` when the PostgreSQL tests are skipped.
struct Pg {
    base: String,
    schema: String,
    url: String,
}

impl Pg {
    fn new(test: &str) -> Option<Pg> {
        let base = match std::env::var("CHECKLIST_TEST_POSTGRES") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                assert!(
                    std::env::var("CHECKLIST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "CHECKLIST_REQUIRE_POSTGRES=1 but CHECKLIST_TEST_POSTGRES is unset"
                );
                skipped(&format!(
                    "{test}: CHECKLIST_TEST_POSTGRES is unset, so this PostgreSQL test did not \
                     run; set it to a server's URL, e.g. postgres://postgres@127.0.0.1:5432/test"
                ));
                return None;
            }
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let schema = format!("checklist_cli_{}_{nanos}", std::process::id());
        let mut admin = postgres::Client::connect(&base, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to CHECKLIST_TEST_POSTGRES: {e}"));
        admin
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create the schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        Some(Pg { base, schema, url })
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connects")
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

const RUN_ID: &str = "production-deployment-checklist";

/// Drives one database store through the state commands: two runs (one by the default
/// name, one by `--run`, one by `CHECKLIST_RUN`), a refusal that writes nothing, `runs`.
fn every_command_on(s: &Session, state: &str, shown: &str) {
    let done = cli(
        s,
        &[
            "complete",
            SEED,
            "pre-deployment/code-quality/*",
            "--state",
            state,
            "--by",
            "ana",
        ],
        &[],
    )
    .code(0);
    assert!(
        done.stdout.ends_with(&format!(
            "✓ 8 changes saved to `{shown}#{RUN_ID}` (revision 8)\n"
        )),
        "{}",
        done.stdout
    );
    // The same run by name, and another one.
    cli(
        s,
        &[
            "complete",
            SEED,
            "cors-policy-properly-set",
            "--state",
            state,
            "--run",
            RUN_ID,
            "--by",
            "bo",
        ],
        &[],
    )
    .code(0);
    let other = cli(
        s,
        &[
            "complete",
            SEED,
            "cors-policy-properly-set",
            "--state",
            state,
            "--by",
            "cy",
        ],
        &[("CHECKLIST_RUN", "release-2026-12-01")],
    )
    .code(0);
    assert!(
        other
            .stdout
            .contains(&format!("`{shown}#release-2026-12-01` (revision 1)"))
    );

    // A refused change writes nothing, and says so with the run's name.
    let refused = cli(
        s,
        &[
            "approve",
            SEED,
            "technical-lead-approval",
            "--state",
            state,
            "--run",
            "release-2026-12-01",
            "--by",
            "ana",
            "--role",
            "technical-lead",
        ],
        &[],
    )
    .code(1);
    assert!(
        refused.stderr.ends_with(&format!(
            "1 of 1 change refused; nothing was written: `{shown}#release-2026-12-01` is unchanged\n"
        )),
        "{}",
        refused.stderr
    );
    let fresh = cli(
        s,
        &[
            "skip",
            SEED,
            "e2e-tests-passing",
            "--state",
            state,
            "--run",
            "nothing-yet",
            "--by",
            "ana",
        ],
        &[],
    )
    .code(1);
    assert!(
        fresh
            .stderr
            .ends_with(&format!("`{shown}#nothing-yet` was not created\n")),
        "{}",
        fresh.stderr
    );

    // Every reading command reads the run.
    let status = cli(s, &["status", SEED, "--state", state, "--json"], &[]).code(0);
    let status: Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!(status["revision"], 9);
    assert_eq!(status["state"], format!("{shown}#{RUN_ID}"));
    let log = cli(s, &["log", SEED, "--state", state], &[]).code(0);
    assert!(
        log.stdout
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("9 events, revision 9; hash chain verified"),
        "{}",
        log.stdout
    );
    cli(s, &["gate", SEED, "complete", "--state", state], &[]).code(1);
    let rendered = cli(
        s,
        &[
            "render",
            SEED,
            "--state",
            state,
            "--run",
            "release-2026-12-01",
        ],
        &[],
    )
    .code(0);
    assert_eq!(rendered.stdout.matches("- [x]").count(), 1);

    // `runs` lists both, as text and as JSON.
    let runs = cli(s, &["runs", "--state", state], &[]).code(0);
    let lines: Vec<&str> = runs.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", runs.stdout);
    assert!(lines[0].starts_with("RUN ") && lines[0].contains("PROGRESS"));
    assert!(
        lines[1].starts_with(RUN_ID) && lines[1].contains("9/177 (5%)"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("2026-11-26T09:00"), "{}", lines[1]);
    assert!(lines[2].starts_with("release-2026-12-01") && lines[2].contains("1/177 (0%)"));
    assert_eq!(lines[3], format!("2 runs in `{shown}`"));
    let json = cli(s, &["runs", "--json"], &[("CHECKLIST_STATE", state)]).code(0);
    let json: Value = serde_json::from_str(&json.stdout).expect("JSON");
    let names: Vec<&str> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, [RUN_ID, "release-2026-12-01"]);
    assert_eq!(json[0]["checklist"], RUN_ID);
    assert_eq!(
        (json[0]["resolved"].as_u64(), json[0]["total"].as_u64()),
        (Some(9), Some(177))
    );
    assert_eq!(json[0]["events"], 9);
}

#[test]
fn an_sqlite_database_holds_many_runs_for_every_command() {
    let s = Session::new();
    every_command_on(&s, "sqlite:runs.db", "sqlite:runs.db");
    // What the commands wrote is in the file, readable by SQLite itself.
    let conn = rusqlite::Connection::open(s.path("runs.db")).expect("opens");
    let events: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .expect("count");
    assert_eq!(events, 10);
    // `sqlite://` reads as a URL does.
    cli(&s, &["status", SEED, "--state", "sqlite://runs.db"], &[]).code(0);
}

#[test]
fn a_postgres_database_holds_many_runs_for_every_command() {
    let Some(pg) = Pg::new("a_postgres_database_holds_many_runs_for_every_command") else {
        return;
    };
    let s = Session::new();
    // A password in the URL never shows (the test server trusts local connections).
    let with_password = pg.url.replacen("://postgres@", "://postgres:hunter2@", 1);
    let shown = checklist_md::store::postgres::redact(&with_password);
    assert!(
        !shown.contains("hunter2") && shown.contains("postgres:***@"),
        "{shown}"
    );
    every_command_on(&s, &with_password, &shown);
    let events: i64 = pg
        .client()
        .query_one("SELECT count(*) FROM events", &[])
        .expect("count")
        .get(0);
    assert_eq!(events, 10);
}

#[test]
fn run_names_only_apply_to_databases() {
    let s = Session::new();
    let e = cli(
        &s,
        &[
            "complete",
            SEED,
            "e2e-tests-passing",
            "--state",
            "s.json",
            "--run",
            "r1",
            "--by",
            "ana",
        ],
        &[],
    )
    .code(2);
    assert_eq!(
        e.stderr,
        "error: `--run r1` names a run in a database, but `s.json` is a state file, which holds \
         one run\n  help: leave out `--run` (and unset CHECKLIST_RUN) for a state file, or keep \
         the state in a database: `--state sqlite:PATH` or a postgres:// URL\n"
    );
    let env = cli(&s, &["status", SEED], &[("CHECKLIST_RUN", "r1")]).code(2);
    assert!(
        env.stderr.contains("`--run r1` names a run in a database"),
        "{}",
        env.stderr
    );
    assert!(!s.path("s.json").exists());

    for bad in ["'; DROP TABLE runs; --", "a b", "r;"] {
        let e = cli(
            &s,
            &["status", SEED, "--state", "sqlite:runs.db", "--run", bad],
            &[],
        );
        let e = e.code(2);
        assert!(
            e.stderr.contains("is not a run name"),
            "{bad}: {}",
            e.stderr
        );
        assert!(
            e.stderr
                .contains("help: a run name is 1 to 128 ASCII letters")
        );
    }
    // A checklist whose id is no run name (ids are never cut short) needs `--run`.
    s.write(
        "odd.md",
        &format!("# {}\n\n- [ ] a\n", "Very long title ".repeat(10)),
    );
    let e = cli(&s, &["status", "odd.md", "--state", "sqlite:runs.db"], &[]).code(2);
    assert!(
        e.stderr
            .starts_with("error: the checklist's id cannot name its run in `sqlite:runs.db`"),
        "{}",
        e.stderr
    );
    assert!(e.stderr.contains("help: name the run with `--run NAME`"));
    cli(
        &s,
        &[
            "status",
            "odd.md",
            "--state",
            "sqlite:runs.db",
            "--run",
            "odd",
        ],
        &[],
    )
    .code(0);
}

#[test]
fn what_goes_wrong_with_a_database_is_said_with_what_to_check() {
    let s = Session::new();
    s.write("state.json", "{\"format\": \"checklist-state/2\"}\n");
    let e = cli(&s, &["status", SEED, "--state", "sqlite:state.json"], &[]).code(2);
    assert_eq!(
        e.stderr,
        "error: `state.json` is not an SQLite database\n  help: name an SQLite database after \
         `sqlite:`, or a JSON state file without it\n"
    );
    let e = cli(
        &s,
        &["status", SEED, "--state", "sqlite:no/such/dir/runs.db"],
        &[],
    )
    .code(2);
    assert!(
        e.stderr
            .starts_with("error: cannot open the SQLite database `no/such/dir/runs.db`\n"),
        "{}",
        e.stderr
    );
    let e = cli(&s, &["status", SEED, "--state", "sqlite:"], &[]).code(2);
    assert!(e.stderr.contains("`sqlite:` names no database file"));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("postgres://ci:s3cret@127.0.0.1:{port}/checklists");
    let e = cli(&s, &["status", SEED, "--state", &url], &[]).code(2);
    assert_eq!(
        e.stderr,
        format!(
            "error: cannot connect to the PostgreSQL server at 127.0.0.1:{port}: connection \
             refused\n  help: check that the server is running and listens on that host and \
             port (`pg_isready -h HOST -p PORT`); the URL was \
             `postgres://ci:***@127.0.0.1:{port}/checklists`\n"
        )
    );
    let e = cli(
        &s,
        &[
            "status",
            SEED,
            "--state",
            "postgresql://ci:s3cret@127.0.0.1:port/x",
        ],
        &[],
    )
    .code(2);
    assert!(
        e.stderr
            .starts_with("error: `postgresql://ci:***@127.0.0.1:port/x` is not a PostgreSQL URL: "),
        "{}",
        e.stderr
    );
    assert!(!e.stderr.contains("s3cret"));

    let e = cli(&s, &["runs", "--state", "state.json"], &[]).code(2);
    assert!(
        e.stderr.contains("is a state file, which holds one run"),
        "{}",
        e.stderr
    );
    let e = cli(&s, &["runs", "--state", "sqlite:missing.db"], &[]).code(2);
    assert!(
        e.stderr
            .contains("there is no SQLite database at `missing.db`")
    );
    assert!(!s.path("missing.db").exists(), "listing creates nothing");
    cli(&s, &["runs"], &[]).code(2); // no store at all: clap says `--state` is required

    let Some(pg) = Pg::new("what_goes_wrong_with_a_database_is_said_with_what_to_check") else {
        return;
    };
    let config: postgres::Config = pg.base.parse().expect("parses");
    let user = config.get_user().unwrap_or("postgres").to_string();
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        #[allow(unreachable_patterns)]
        _ => return,
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let missing = format!("checklist_missing_{}", std::process::id());
    let url = format!("postgres://{user}@{host}:{port}/{missing}");
    let e = cli(&s, &["status", SEED, "--state", &url], &[]).code(2);
    assert_eq!(
        e.stderr,
        format!(
            "error: the database `{missing}` does not exist on the PostgreSQL server at \
             {host}:{port}\n  help: create it (`createdb -h {host} -p {port} -U {user} \
             {missing}`), or correct the database name in the URL\n"
        )
    );
}

#[test]
fn a_run_edited_in_sql_is_refused_naming_the_event() {
    let s = Session::new();
    let state = "sqlite:runs.db";
    cli(
        &s,
        &[
            "complete",
            SEED,
            "pre-deployment/code-quality/*",
            "--state",
            state,
            "--by",
            "ana",
        ],
        &[],
    )
    .code(0);
    rusqlite::Connection::open(s.path("runs.db"))
        .expect("opens")
        .execute("UPDATE events SET actor = 'anx' WHERE seq = 3", [])
        .expect("update");
    let log = cli(&s, &["log", SEED, "--state", state], &[]).code(2);
    assert!(log.stdout.is_empty());
    assert!(
        log.stderr.starts_with(&format!(
            "error: `sqlite:runs.db#{RUN_ID}`: the audit log does not verify: event #3 \
             (position 3) does not match its hash"
        )),
        "the location comes first: {}",
        log.stderr
    );
    assert!(
        log.stderr
            .contains("event #3 (position 3) does not match its hash"),
        "{}",
        log.stderr
    );
    for args in [
        vec!["status", SEED],
        vec!["gate", SEED, "complete"],
        vec!["complete", SEED, "e2e-tests-passing", "--by", "ana"],
    ] {
        let mut args = args;
        args.extend(["--state", state]);
        assert_eq!(cli(&s, &args, &[]).code(2).stderr, log.stderr, "{args:?}");
    }
}

/// The log of `state`'s run as `log --json` prints it.
fn log_json(s: &Session, checklist: &str, state: &str, run: Option<&str>) -> Value {
    let mut args = vec!["log", checklist, "--json", "--state", state];
    if let Some(run) = run {
        args.extend(["--run", run]);
    }
    serde_json::from_str(&cli(s, &args, &[]).code(0).stdout).expect("JSON")
}

#[test]
fn copy_moves_a_run_between_every_kind_of_store_and_never_overwrites() {
    let s = Session::new();
    let pg = Pg::new("copy_moves_a_run_between_every_kind_of_store_and_never_overwrites");
    cli(
        &s,
        &[
            "complete",
            GATED,
            "pre-deployment/code-quality/*",
            "--state",
            "a.json",
            "--by",
            "ana",
        ],
        &[],
    )
    .code(0);
    cli(
        &s,
        &[
            "skip",
            GATED,
            "read-replicas-configured",
            "--state",
            "a.json",
            "--by",
            "ana",
            "--reason",
            "one",
        ],
        &[],
    )
    .code(0);
    // The two checks of that section verify themselves: their evidence is copied too.
    cli(
        &s,
        &[
            "verify",
            GATED,
            "pre-deployment/code-quality/*",
            "--state",
            "a.json",
            "--by",
            "ci",
        ],
        &[],
    )
    .code(0);
    let original = log_json(&s, GATED, "a.json", None);
    assert_eq!(original.as_array().map(Vec::len), Some(9));

    // file → sqlite → postgres (when there is one) → file, each verified on the way.
    let mut hops: Vec<(String, Option<&str>)> = vec![
        ("a.json".into(), None),
        ("sqlite:runs.db".into(), Some("r1")),
    ];
    if let Some(pg) = &pg {
        hops.push((pg.url.clone(), Some("r1")));
    }
    hops.push(("b.json".into(), None));
    for pair in hops.windows(2) {
        let ((from, from_run), (to, to_run)) = (&pair[0], &pair[1]);
        let run = from_run.or(*to_run);
        let mut args = vec!["copy", GATED, "--from", from, "--to", to];
        if let Some(run) = run {
            args.extend(["--run", run]);
        }
        let copied = cli(&s, &args, &[]).code(0);
        assert!(
            copied
                .stdout
                .ends_with(": revision 9, 9 events, the log verified\n"),
            "{}",
            copied.stdout
        );
        assert_eq!(log_json(&s, GATED, to, *to_run), original, "{from} → {to}");
    }
    assert_eq!(
        s.path("a.json").metadata().map(|m| m.len()).ok(),
        s.path("b.json").metadata().map(|m| m.len()).ok(),
        "the round trip gives the same document"
    );
    assert_eq!(
        std::fs::read(s.path("a.json")).ok(),
        std::fs::read(s.path("b.json")).ok()
    );

    // An existing run at the destination is never overwritten.
    cli(
        &s,
        &[
            "complete",
            GATED,
            "e2e-tests-passing",
            "--state",
            "c.json",
            "--by",
            "ana",
        ],
        &[],
    )
    .code(0);
    let before = std::fs::read(s.path("c.json")).expect("c.json");
    let e = cli(
        &s,
        &["copy", GATED, "--from", "a.json", "--to", "c.json"],
        &[],
    )
    .code(2);
    assert_eq!(
        e.stderr,
        "error: `c.json` already holds a run (revision 1); nothing was written: a copy never \
         overwrites\n  help: copy to another file\n"
    );
    assert_eq!(std::fs::read(s.path("c.json")).expect("c.json"), before);
    let e = cli(
        &s,
        &[
            "copy",
            GATED,
            "--from",
            "c.json",
            "--to",
            "sqlite:runs.db",
            "--run",
            "r1",
        ],
        &[],
    )
    .code(2);
    assert!(
        e.stderr.starts_with(
            "error: `sqlite:runs.db#r1` already holds a run (revision 9); nothing was written"
        ),
        "{}",
        e.stderr
    );
    assert!(
        e.stderr
            .contains("help: copy under another name (`--run NAME`)")
    );
    assert_eq!(log_json(&s, GATED, "sqlite:runs.db", Some("r1")), original);

    // Only a run that verifies is copied: a tampered source writes nothing.
    let text = std::fs::read_to_string(s.path("a.json")).expect("a.json");
    s.write(
        "bad.json",
        &text.replacen("\"actor\": \"ana\"", "\"actor\": \"anx\"", 1),
    );
    let e = cli(
        &s,
        &[
            "copy",
            GATED,
            "--from",
            "bad.json",
            "--to",
            "sqlite:runs.db",
            "--run",
            "r2",
        ],
        &[],
    )
    .code(2);
    assert!(
        e.stderr
            .contains("event #1 (position 1) does not match its hash"),
        "{}",
        e.stderr
    );
    let runs = cli(&s, &["runs", "--state", "sqlite:runs.db"], &[]).code(0);
    assert!(!runs.stdout.contains("r2"), "{}", runs.stdout);

    // Nothing to copy, a copy onto itself, `--run` between two files.
    let e = cli(
        &s,
        &[
            "copy",
            GATED,
            "--from",
            "sqlite:runs.db",
            "--to",
            "d.json",
            "--run",
            "nope",
        ],
        &[],
    )
    .code(2);
    assert!(
        e.stderr
            .contains("`sqlite:runs.db#nope` holds no run of `production-deployment` to copy"),
        "{}",
        e.stderr
    );
    let e = cli(
        &s,
        &[
            "copy",
            GATED,
            "--from",
            "sqlite:runs.db",
            "--to",
            "sqlite:./runs.db",
            "--run",
            "r1",
        ],
        &[],
    )
    .code(2);
    assert!(e.stderr.contains("are the same run"), "{}", e.stderr);
    let e = cli(
        &s,
        &[
            "copy", GATED, "--from", "a.json", "--to", "e.json", "--run", "x",
        ],
        &[],
    )
    .code(2);
    assert!(
        e.stderr.contains("both ends are state files"),
        "{}",
        e.stderr
    );
    assert!(!s.path("d.json").exists() && !s.path("e.json").exists());
}

#[test]
fn runs_and_copy_have_help_with_an_example() {
    let s = Session::new();
    let top = cli(&s, &["--help"], &[]).code(0).stdout;
    assert!(top.contains("\n  runs "), "{top}");
    assert!(top.contains("\n  copy "), "{top}");
    assert!(top.contains("CHECKLIST_RUN         the default for `--run`"));
    assert!(top.contains("sqlite:runs.db"));
    for command in ["runs", "copy"] {
        let help = cli(&s, &[command, "--help"], &[]).code(0).stdout;
        assert!(help.contains("Example"), "{command}: {help}");
    }
    let status = cli(&s, &["status", "--help"], &[]).code(0).stdout;
    assert!(
        status.contains("--run <NAME>") && status.contains("sqlite:PATH"),
        "{status}"
    );
}
