//! Runs in a PostgreSQL database: many named runs shared by every CI job and person that
//! can reach the server (feature `postgres`).
//!
//! The client is the synchronous [`postgres`] crate. [`Store`] is a synchronous trait
//! whose callers (the CLI, build scripts, tests) have no async runtime, and this crate
//! gives them the same blocking calls with its own small runtime inside, without making
//! the library or its users pick an executor; its `tokio-postgres` core speaks the wire
//! protocol in Rust, so nothing (no `libpq`) has to be installed. It connects without
//! TLS: use it with a server on the same host or a private network, or through a TLS
//! tunnel (`sslmode=require` is refused with a message saying so).
//!
//! - **A connection** is opened from a URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
//!   (or `postgresql://`, or `key=value` pairs), with whatever the URL's query adds
//!   (`?options=-csearch_path%3Dchecklist` keeps the tables in a schema of their own). A
//!   store keeps a few idle connections for threads that share it.
//! - **A load** reads the run's `runs` row and its `events` rows in one
//!   `REPEATABLE READ` read-only transaction (a snapshot), assembles the state
//!   [`Document`](crate::Document) and loads it through
//!   [`State::from_document_with_clock`], with the same checks as a state file.
//! - **A save** locks the run's row (`SELECT ... FOR UPDATE`; a run that does not exist
//!   yet is created in the same transaction, so a concurrent creator waits on it),
//!   refuses a stale revision with [`StoreError::Conflict`], inserts only the new events
//!   (one statement, their columns as arrays) and updates the row, then commits.
//! - **[`Store::transact`]** holds that row lock from the load to the save: concurrent
//!   writers of one run are serialized by the server, not retried; writers of other runs
//!   do not wait. A writer whose process or connection dies mid-transaction leaves the
//!   run as it was, since the server rolls its transaction back.
//!
//! Sessions wait at most 60 s for another writer's lock (`lock_timeout`) and are ended by
//! the server when they keep a transaction open and idle for 60 s
//! (`idle_in_transaction_session_timeout`), so a stuck writer cannot hold a run forever;
//! an `options` parameter in the URL that sets either keeps its own value.
//!
//! The tables are created on first use, under an advisory lock so that concurrent first
//! users create them once; `checklist_schema` records their version, and a database of a
//! newer version is refused. Every query takes its values as parameters.
//! [`Store::location`] and every message show the URL without its password.
//!
//! `psql` reads what is stored. A run's log in order:
//!
//! ```sql
//! SELECT seq, revision, at, actor, action, item, from_status, to_status,
//!        coalesce(payload ->> 'note', payload ->> 'reason', payload ->> 'comment',
//!                 payload ->> 'value', payload ->> 'because') AS words, hash
//! FROM events
//! WHERE run = 'release-2026-12-01'
//! ORDER BY seq;
//! ```
//!
//! ```no_run
//! use std::sync::Arc;
//! use checklist_core::{Actor, Spec, Store, store::PostgresStore};
//!
//! let spec = Arc::new(Spec::parse("# Release\n\n- [ ] Tests pass\n- [ ] Tag pushed\n")?);
//! let tests = spec.index_of("tests-pass").unwrap();
//! let store = PostgresStore::connect("postgres://ci@db.internal/checklists", "release-2026-12-01")?;
//! store.update(&spec, |state| state.complete(tests, &Actor::new("ci")))?;
//! for run in store.runs()? {
//!     println!("{} {}/{}", run.name, run.resolved, run.total);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, Config, IsolationLevel, NoTls, Transaction};

use super::sql::{
    self, EVENT_COLUMNS, EventRow, Head, NewRunRow, Pool, RunName, RunRow, RunSummary,
    SCHEMA_VERSION, Site,
};
use super::{Decision, Outcome, Step, Store, StoreError, run_change};
use crate::clock::{Clock, SystemClock};
use crate::document::{LoadLimits, Loaded, StateError};
use crate::spec::Spec;
use crate::state::State;

/// How long connecting may take, unless the URL sets `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most events one `INSERT` statement carries.
const EVENTS_PER_INSERT: usize = 5000;

/// The advisory lock (`pg_advisory_xact_lock`) under which the tables are created.
const SCHEMA_LOCK: i64 = 0x6368_6563_6b6c_6973; // "checklis"

/// A store for named runs in a PostgreSQL database (see the [module docs](self)).
///
/// Clones, and stores made with [`with_run`](PostgresStore::with_run), share their
/// connections.
#[derive(Clone)]
pub struct PostgresStore {
    db: Arc<Database>,
    run: RunName,
    clock: Arc<dyn Clock>,
    limits: LoadLimits,
}

struct Database {
    config: Config,
    /// The URL without its password, for messages.
    name: String,
    pool: Pool<Client>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("database", &self.db.name)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

const CREATE: &str = "
CREATE TABLE checklist_schema (
    version integer NOT NULL
);
CREATE TABLE runs (
    name              text PRIMARY KEY,
    checklist_id      text NOT NULL,
    checklist_version text,
    digest            text NOT NULL,
    revision          bigint NOT NULL,
    events            bigint NOT NULL,
    head_hash         text NOT NULL,
    items             json NOT NULL,
    orphans           json NOT NULL,
    resolved          bigint NOT NULL,
    total             bigint NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE TABLE events (
    run         text NOT NULL REFERENCES runs (name),
    seq         bigint NOT NULL,
    revision    bigint NOT NULL,
    at          text NOT NULL,
    actor       text NOT NULL,
    item        text NOT NULL,
    action      text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    payload     json NOT NULL,
    hash        text NOT NULL,
    PRIMARY KEY (run, seq)
);
";

const RUN_COLUMNS: &str = "checklist_id, checklist_version, digest, revision, events, \
     head_hash, items::text, orphans::text";

/// `url` with any password replaced by `***`: in the user part of a URL
/// (`postgres://ann:***@host/db`), and in `password=` parameters of a URL's query or of
/// `key=value` pairs.
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let authority = &rest[..authority_end];
            if let Some(at) = authority.rfind('@') {
                let userinfo = &authority[..at];
                if let Some(colon) = userinfo.find(':') {
                    out = format!("{scheme}{}:***{}", &userinfo[..colon], &rest[at..]);
                }
            }
        }
    }
    redact_parameter(&out)
}

/// Replaces the value of every `password=` parameter (case-insensitive; quoted or up to
/// the next space or `&`) with `***`.
fn redact_parameter(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("password") {
        let start = from + found;
        let after = start + "password".len();
        let mut value = after;
        while text[value..].starts_with(' ') {
            value += 1;
        }
        if !text[value..].starts_with('=') {
            from = after;
            continue;
        }
        value += 1;
        while text[value..].starts_with(' ') {
            value += 1;
        }
        let end = if text[value..].starts_with('\'') {
            // A quoted value, with `\'` escapes.
            let mut i = value + 1;
            let bytes = text.as_bytes();
            while i < bytes.len() && bytes[i] != b'\'' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            (i + 1).min(text.len())
        } else {
            text[value..]
                .find([' ', '&', '#'])
                .map_or(text.len(), |n| value + n)
        };
        out.push_str(&text[rest..value]);
        out.push_str("***");
        rest = end;
        from = end.max(after);
    }
    out.push_str(&text[rest..]);
    out
}

impl PostgresStore {
    /// The run `run` in the PostgreSQL database at `url`, whose tables are created when
    /// they do not exist yet. Fails, each with its own message and help, when `run` is
    /// not a [`RunName`], when `url` does not parse, when the server cannot be reached or
    /// refuses the connection or the credentials, when the database does not exist, and
    /// when its schema is newer than this version knows.
    pub fn connect(url: &str, run: &str) -> Result<PostgresStore, StoreError> {
        let name = redact(url);
        let mut config = Config::from_str(url).map_err(|e| StoreError::Backend {
            location: name.clone(),
            message: format!("`{name}` is not a PostgreSQL URL: {}", sql_text(&e)),
            help: "write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, e.g. \
                   postgres://ci@127.0.0.1:5432/checklists"
                .into(),
            source: Some(Box::new(e)),
        })?;
        let run = sql::run_name(run, &name)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("checklist");
        }
        let mut options = config.get_options().unwrap_or_default().to_string();
        for (setting, value) in [
            ("lock_timeout", "60s"),
            ("idle_in_transaction_session_timeout", "60s"),
        ] {
            if !options.contains(setting) {
                options = format!("{options} -c {setting}={value}").trim().to_string();
            }
        }
        config.options(&options);
        let store = PostgresStore {
            db: Arc::new(Database {
                config,
                name,
                pool: Pool::new(),
            }),
            run,
            clock: Arc::new(SystemClock),
            limits: LoadLimits::default(),
        };
        let mut client = store.open_connection()?;
        store.init(&mut client)?;
        store.db.pool.give(client);
        Ok(store)
    }

    /// Every run in the database at `url`, by name (see [`PostgresStore::runs`]).
    pub fn list_runs(url: &str) -> Result<Vec<RunSummary>, StoreError> {
        // Any valid name: listing does not look at it.
        PostgresStore::connect(url, "list")?.runs()
    }

    /// Another run in the same database, sharing this store's connections and settings.
    pub fn with_run(&self, run: &str) -> Result<PostgresStore, StoreError> {
        Ok(PostgresStore {
            run: sql::run_name(run, &self.db.name)?,
            ..self.clone()
        })
    }

    /// Gives loaded states this clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Loads with these resource limits.
    #[must_use]
    pub fn with_limits(mut self, limits: LoadLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The run's name.
    pub fn run(&self) -> &RunName {
        &self.run
    }

    /// The database's URL without its password.
    pub fn database(&self) -> &str {
        &self.db.name
    }

    /// Every run in the database, by name, as their `runs` rows describe them (the logs
    /// are not loaded: [`Store::load`] a run to verify it).
    pub fn runs(&self) -> Result<Vec<RunSummary>, StoreError> {
        self.transaction(Access::Read, |tx| {
            let rows = tx
                .query(
                    "SELECT name, checklist_id, checklist_version, revision, events, \
                     resolved, total, updated_at FROM runs ORDER BY name",
                    &[],
                )
                .map_err(|e| self.error("listing the runs", e))?;
            let runs = rows
                .iter()
                .map(|r| {
                    Ok(RunSummary {
                        name: r.try_get(0)?,
                        checklist: r.try_get(1)?,
                        version: r.try_get(2)?,
                        revision: r.try_get::<_, i64>(3)?.max(0) as u64,
                        events: r.try_get::<_, i64>(4)?.max(0) as u64,
                        resolved: r.try_get::<_, i64>(5)?.max(0) as u64,
                        total: r.try_get::<_, i64>(6)?.max(0) as u64,
                        updated_at: r.try_get(7)?,
                    })
                })
                .collect::<Result<Vec<_>, postgres::Error>>()
                .map_err(|e| self.error("listing the runs", e))?;
            Ok((runs, false))
        })
    }

    fn site(&self) -> Site<'_> {
        Site {
            database: &self.db.name,
            run: &self.run,
        }
    }

    /// `host:port` of the server(s) the URL names, for messages.
    fn server(&self) -> String {
        let config = &self.db.config;
        let ports = config.get_ports();
        let hosts: Vec<String> = config
            .get_hosts()
            .iter()
            .enumerate()
            .map(|(i, host)| {
                let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
                match host {
                    postgres::config::Host::Tcp(h) => format!("{h}:{port}"),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(dir) => {
                        format!("{}/.s.PGSQL.{port}", dir.display())
                    }
                }
            })
            .collect();
        if hosts.is_empty() {
            "localhost:5432".into()
        } else {
            hosts.join(", ")
        }
    }

    /// `-h HOST -p PORT` of the first server the URL names, for `createdb`.
    fn createdb_target(&self) -> String {
        let config = &self.db.config;
        let port = config.get_ports().first().copied().unwrap_or(5432);
        match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => format!("-h {h} -p {port}"),
            #[cfg(unix)]
            Some(postgres::config::Host::Unix(dir)) => format!("-h {} -p {port}", dir.display()),
            None => format!("-p {port}"),
        }
    }

    /// A new connection.
    fn open_connection(&self) -> Result<Client, StoreError> {
        self.db
            .config
            .connect(NoTls)
            .map_err(|e| self.error("connecting", e))
    }

    /// Runs `f` in a transaction on a pooled (or new) connection. The transaction commits
    /// only when `f` says so; it is rolled back on every error and when `f` says not to
    /// commit.
    fn transaction<T>(
        &self,
        access: Access,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<(T, bool), StoreError>,
    ) -> Result<T, StoreError> {
        let (mut client, mut pooled) = match self.db.pool.take() {
            Some(client) => (client, true),
            None => (self.open_connection()?, false),
        };
        let result = loop {
            let builder = client.build_transaction();
            let builder = match access {
                Access::Read => builder
                    .isolation_level(IsolationLevel::RepeatableRead)
                    .read_only(true),
                Access::Write => builder.isolation_level(IsolationLevel::ReadCommitted),
            };
            let failed = match builder.start() {
                Ok(mut tx) => {
                    break f(&mut tx).and_then(|(value, commit)| {
                        if commit {
                            tx.commit().map_err(|e| self.error("committing", e))?;
                        }
                        Ok(value)
                    });
                }
                Err(e) => e,
            };
            // An idle connection that died meanwhile (a restarted server, a terminated
            // session) fails here, before anything was done: replace it, once.
            if pooled && lost(&failed) {
                client = self.open_connection()?;
                pooled = false;
                continue;
            }
            break Err(self.error("starting a transaction", failed));
        };
        if !client.is_closed() {
            self.db.pool.give(client);
        }
        result
    }

    /// Creates the tables when they do not exist, and checks the schema's version.
    fn init(&self, client: &mut Client) -> Result<(), StoreError> {
        let reading = |e| self.error("reading its schema", e);
        if let Some(v) = schema_version(client).map_err(reading)? {
            return self.check_version(v);
        }
        // A session lock, taken before the transaction: a transaction that started
        // before another session created the tables could still miss them.
        client
            .execute("SELECT pg_advisory_lock($1)", &[&SCHEMA_LOCK])
            .map_err(|e| self.error("creating its tables", e))?;
        let created = self.create_tables(client);
        let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&SCHEMA_LOCK]);
        created?;
        unlocked
            .map(drop)
            .map_err(|e| self.error("creating its tables", e))
    }

    /// Creates the tables unless another session just did; under the schema lock.
    fn create_tables(&self, client: &mut Client) -> Result<(), StoreError> {
        let reading = |e| self.error("reading its schema", e);
        let mut tx = client
            .transaction()
            .map_err(|e| self.error("creating its tables", e))?;
        if let Some(v) = schema_version(&mut tx).map_err(reading)? {
            return self.check_version(v);
        }
        for table in ["runs", "events"] {
            let taken: bool = tx
                .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
                .and_then(|r| r.try_get(0))
                .map_err(reading)?;
            if taken {
                return Err(self.site().backend(
                    format!(
                        "`{}` already has a table `{table}` that checklist did not create",
                        self.db.name
                    ),
                    "keep checklist's runs in a database or schema of their own (e.g. \
                     `?options=-csearch_path%3Dchecklist` in the URL, after \
                     `CREATE SCHEMA checklist`)",
                ));
            }
        }
        tx.batch_execute(CREATE)
            .map_err(|e| self.error("creating its tables", e))?;
        tx.execute(
            "INSERT INTO checklist_schema (version) VALUES ($1)",
            &[&(SCHEMA_VERSION as i32)],
        )
        .map_err(|e| self.error("creating its tables", e))?;
        tx.commit()
            .map_err(|e| self.error("creating its tables", e))
    }

    fn check_version(&self, version: i64) -> Result<(), StoreError> {
        if version > SCHEMA_VERSION {
            return Err(sql::newer_schema(
                self.location(),
                &format!("the database `{}`", self.db.name),
                version,
            ));
        }
        Ok(())
    }

    /// A database error, with what to check.
    fn error(&self, doing: &str, e: postgres::Error) -> StoreError {
        let db = &self.db.name;
        let server = self.server();
        let database = self.db.config.get_dbname().unwrap_or("(the user's)");
        let user = self.db.config.get_user().unwrap_or("(the system user)");
        let io = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .map(std::io::Error::kind);
        let code = e.code().cloned();
        let (message, help) = if let Some(code) = &code {
            let text = e
                .as_db_error()
                .map_or_else(String::new, |d| d.message().to_string());
            match code {
                c if *c == SqlState::INVALID_CATALOG_NAME => (
                    format!(
                        "the database `{database}` does not exist on the PostgreSQL server at {server}"
                    ),
                    format!(
                        "create it (`createdb {} -U {user} {database}`), or correct the \
                         database name in the URL",
                        self.createdb_target()
                    ),
                ),
                c if *c == SqlState::INVALID_PASSWORD
                    || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
                {
                    (
                        format!(
                            "the PostgreSQL server at {server} refused the user `{user}`: {text}"
                        ),
                        "check the user and password in the URL, and the server's pg_hba.conf"
                            .into(),
                    )
                }
                c if *c == SqlState::INSUFFICIENT_PRIVILEGE => (
                    format!("the user `{user}` may not do this in `{db}` while {doing}: {text}"),
                    "grant the user the rights on checklist's tables (or on the schema, for \
                     the first use), or connect as a user who has them"
                        .into(),
                ),
                c if *c == SqlState::INVALID_SCHEMA_NAME => (
                    format!("`{db}` has no schema to create checklist's tables in: {text}"),
                    "create the schema the URL's search_path names (`CREATE SCHEMA ...`), or \
                     correct the search_path"
                        .into(),
                ),
                c if *c == SqlState::LOCK_NOT_AVAILABLE => (
                    format!(
                        "another writer held the run `{}` in `{db}` for too long (lock_timeout) \
                         while {doing}; nothing was saved",
                        self.run
                    ),
                    "try again; if it persists, look for a session that keeps a transaction \
                     open (pg_stat_activity)"
                        .into(),
                ),
                c if *c == SqlState::TOO_MANY_CONNECTIONS || *c == SqlState::CANNOT_CONNECT_NOW => {
                    (
                        format!(
                            "the PostgreSQL server at {server} does not accept connections now: {text}"
                        ),
                        "try again later, or check the server's max_connections and state".into(),
                    )
                }
                c if *c == SqlState::ADMIN_SHUTDOWN
                    || *c == SqlState::CRASH_SHUTDOWN
                    || *c == SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT =>
                {
                    lost_connection(&server, doing, &text)
                }
                _ => (
                    format!("the PostgreSQL database `{db}` failed while {doing}: {text}"),
                    "check the database and the server's log; nothing of this change was saved"
                        .into(),
                ),
            }
        } else if doing == "connecting" {
            match io {
                Some(std::io::ErrorKind::ConnectionRefused) => (
                    format!(
                        "cannot connect to the PostgreSQL server at {server}: connection refused"
                    ),
                    format!(
                        "check that the server is running and listens on that host and port \
                         (`pg_isready -h HOST -p PORT`); the URL was `{db}`"
                    ),
                ),
                _ if sql_text(&e).contains("TLS") || sql_text(&e).contains("tls") => (
                    format!(
                        "cannot connect to the PostgreSQL server at {server}: {}",
                        sql_text(&e)
                    ),
                    "this build of checklist connects without TLS: use sslmode=prefer or \
                     sslmode=disable, or a TLS tunnel to the server"
                        .into(),
                ),
                _ => (
                    format!(
                        "cannot connect to the PostgreSQL server at {server}: {}",
                        sql_text(&e)
                    ),
                    format!(
                        "check the host and port in the URL `{db}`, that the server is running \
                         (`pg_isready -h HOST -p PORT`) and that this machine can reach it"
                    ),
                ),
            }
        } else if e.is_closed() || io.is_some() {
            lost_connection(&server, doing, &sql_text(&e))
        } else {
            (
                format!(
                    "the PostgreSQL database `{db}` failed while {doing}: {}",
                    sql_text(&e)
                ),
                "check the database and the server's log; nothing of this change was saved".into(),
            )
        };
        StoreError::Backend {
            location: self.location(),
            message,
            help,
            source: Some(Box::new(e)),
        }
    }

    /// Locks the run's row for the rest of `tx`, creating it when it does not exist (the
    /// new row is only seen by others if `tx` commits). Returns the stored head, `None`
    /// for a run this transaction created.
    fn lock(&self, tx: &mut Transaction<'_>) -> Result<Option<RunRow>, StoreError> {
        let run = self.run.as_str();
        let created = tx
            .query_opt(
                "INSERT INTO runs (name, checklist_id, digest, revision, events, head_hash, \
                 items, orphans, resolved, total, created_at, updated_at) \
                 VALUES ($1, '', '', 0, 0, '', '{}', '{}', 0, 0, now(), now()) \
                 ON CONFLICT (name) DO NOTHING RETURNING name",
                &[&run],
            )
            .map_err(|e| self.error("locking the run", e))?
            .is_some();
        if created {
            return Ok(None);
        }
        let row = tx
            .query_one(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE name = $1 FOR UPDATE"),
                &[&run],
            )
            .and_then(|r| run_row(&r))
            .map_err(|e| self.error("locking the run", e))?;
        Ok(Some(row))
    }

    /// Loads the run from `row` (or fresh, without one) and its events, in `tx`.
    fn load_in(
        &self,
        tx: &mut Transaction<'_>,
        spec: &Arc<Spec>,
        row: Option<RunRow>,
    ) -> Result<Loaded, StoreError> {
        let Some(row) = row else {
            return Ok(sql::fresh(spec, self.clock.clone()));
        };
        let count = usize::try_from(row.head.events).unwrap_or(usize::MAX);
        if count > self.limits.max_events {
            return Err(StoreError::State {
                location: self.location(),
                source: StateError::Limit {
                    what: "number of events",
                    size: count,
                    limit: self.limits.max_events,
                    field: "max_events",
                },
            });
        }
        // No more rows than the run says it has (plus one, to notice extra ones).
        let limit = row.head.events.saturating_add(1);
        let events = tx
            .query(
                &format!(
                    "SELECT {} FROM events WHERE run = $1 ORDER BY seq LIMIT $2",
                    EVENT_COLUMNS.replace("payload", "payload::text")
                ),
                &[&self.run.as_str(), &limit],
            )
            .and_then(|rows| rows.iter().map(event_row).collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.error("reading the run's events", e))?;
        sql::load(
            self.site(),
            spec,
            row,
            events,
            self.clock.clone(),
            &self.limits,
        )
    }

    /// Writes `state` in `tx`, whose run row is locked: the events after the first
    /// `stored`, and the row (created when `head` is `None`).
    fn write(
        &self,
        tx: &mut Transaction<'_>,
        state: &State,
        stored: usize,
        head: Option<&Head>,
    ) -> Result<(), StoreError> {
        let bug = |e: String| {
            self.site().backend(
                format!("cannot store the state: {e}"),
                "use a version of checklist whose database layout holds this event",
            )
        };
        let row = NewRunRow::of(state).map_err(bug)?;
        let run = self.run.as_str();
        let updated_at = sql::parse_time(&row.updated_at);
        let changed = tx
            .execute(
                "UPDATE runs SET checklist_id = $2, checklist_version = $3, digest = $4, \
                 revision = $5, events = $6, head_hash = $7, items = $8::text::json, \
                 orphans = $9::text::json, resolved = $10, total = $11, updated_at = $12, \
                 created_at = CASE WHEN $14 THEN $12 ELSE created_at END \
                 WHERE name = $1 AND revision = $13",
                &[
                    &run,
                    &row.checklist_id,
                    &row.checklist_version,
                    &row.digest,
                    &row.revision,
                    &row.events,
                    &row.head_hash,
                    &row.items,
                    &row.orphans,
                    &row.resolved,
                    &row.total,
                    &updated_at,
                    &head.map_or(0, |h| h.revision),
                    &head.is_none(),
                ],
            )
            .map_err(|e| self.error("saving the run", e))?;
        if changed != 1 {
            // Cannot happen under the row lock; refuse rather than commit a half.
            return Err(StoreError::Conflict {
                location: self.location(),
                expected: head.map(|h| h.revision.max(0) as u64),
                found: 0,
            });
        }
        let insert = format!(
            "INSERT INTO events (run, {EVENT_COLUMNS}) SELECT $1::text, seq, revision, at, \
             actor, item, action, from_status, to_status, payload::json, hash FROM unnest(\
             $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], \
             $8::text[], $9::text[], $10::text[], $11::text[]) AS e(seq, revision, at, actor, \
             item, action, from_status, to_status, payload, hash)"
        );
        for chunk in state.events()[stored..].chunks(EVENTS_PER_INSERT) {
            let rows = chunk
                .iter()
                .map(EventRow::of)
                .collect::<Result<Vec<_>, _>>()
                .map_err(bug)?;
            let column = |f: &dyn Fn(&EventRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
            let seq: Vec<i64> = rows.iter().map(|r| r.seq).collect();
            let revision: Vec<i64> = rows.iter().map(|r| r.revision).collect();
            let (at, actor, item) = (
                column(&|r| r.at.clone()),
                column(&|r| r.actor.clone()),
                column(&|r| r.item.clone()),
            );
            let (action, from, to, payload, hash) = (
                column(&|r| r.action.clone()),
                column(&|r| r.from_status.clone()),
                column(&|r| r.to_status.clone()),
                column(&|r| r.payload.clone()),
                column(&|r| r.hash.clone()),
            );
            tx.execute(
                &insert,
                &[
                    &run, &seq, &revision, &at, &actor, &item, &action, &from, &to, &payload, &hash,
                ],
            )
            .map_err(|e| self.error("saving the events", e))?;
        }
        Ok(())
    }
}

/// What a transaction does.
#[derive(Clone, Copy)]
enum Access {
    /// Reads, from one snapshot.
    Read,
    /// Locks and writes.
    Write,
}

/// The version `checklist_schema` records, `None` when the table does not exist.
fn schema_version(conn: &mut impl postgres::GenericClient) -> Result<Option<i64>, postgres::Error> {
    let exists: bool = conn
        .query_one("SELECT to_regclass('checklist_schema') IS NOT NULL", &[])?
        .try_get(0)?;
    if !exists {
        return Ok(None);
    }
    let v: Option<i32> = conn
        .query_one("SELECT max(version) FROM checklist_schema", &[])?
        .try_get(0)?;
    Ok(Some(i64::from(v.unwrap_or(0))))
}

/// Whether an error means the connection is gone.
fn lost(e: &postgres::Error) -> bool {
    let io = std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>());
    e.is_closed()
        || io
        || e.code().is_some_and(|c| {
            *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT
        })
}

fn lost_connection(server: &str, doing: &str, text: &str) -> (String, String) {
    let saved = if doing == "committing" {
        "the change may or may not have been saved: load the run to see"
    } else {
        "its transaction was rolled back, so nothing of this change was saved"
    };
    (
        format!(
            "the connection to the PostgreSQL server at {server} was lost while {doing} \
             ({}); {saved}",
            if text.is_empty() { "closed" } else { text }
        ),
        "check that the server is still running and reachable (`pg_isready -h HOST -p PORT`) \
         and whether someone ended the session, then run the command again"
            .into(),
    )
}

/// An error and its causes, as one line.
fn sql_text(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn run_row(r: &postgres::Row) -> Result<RunRow, postgres::Error> {
    Ok(RunRow {
        head: Head {
            checklist_id: r.try_get(0)?,
            revision: r.try_get(3)?,
            events: r.try_get(4)?,
            head_hash: r.try_get(5)?,
        },
        checklist_version: r.try_get(1)?,
        digest: r.try_get(2)?,
        items: r.try_get(6)?,
        orphans: r.try_get(7)?,
    })
}

fn event_row(r: &postgres::Row) -> Result<EventRow, postgres::Error> {
    Ok(EventRow {
        seq: r.try_get(0)?,
        revision: r.try_get(1)?,
        at: r.try_get(2)?,
        actor: r.try_get(3)?,
        item: r.try_get(4)?,
        action: r.try_get(5)?,
        from_status: r.try_get(6)?,
        to_status: r.try_get(7)?,
        payload: r.try_get(8)?,
        hash: r.try_get(9)?,
    })
}

impl Store for PostgresStore {
    /// The URL without its password, `#`, and the run: `postgres://ci@db/checklists#release-1`.
    fn location(&self) -> String {
        self.site().location()
    }

    fn load(&self, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
        self.transaction(Access::Read, |tx| {
            let row = tx
                .query_opt(
                    &format!("SELECT {RUN_COLUMNS} FROM runs WHERE name = $1"),
                    &[&self.run.as_str()],
                )
                .and_then(|r| r.as_ref().map(run_row).transpose())
                .map_err(|e| self.error("reading the run", e))?;
            Ok((self.load_in(tx, spec, row)?, false))
        })
    }

    fn save(&self, state: &State, expected: Option<u64>) -> Result<(), StoreError> {
        self.transaction(Access::Write, |tx| {
            let head = self.lock(tx)?.map(|row| row.head);
            let stored = sql::check_save(self.site(), head.as_ref(), state, expected)?;
            self.write(tx, state, stored, head.as_ref())?;
            Ok(((), true))
        })
    }

    /// Holds the run's row lock from the load to the save, so concurrent writers of the
    /// run, in any process on any machine, are serialized by the server rather than
    /// retried.
    fn transact(
        &self,
        spec: &Arc<Spec>,
        change: &mut dyn FnMut(&mut State) -> Decision,
    ) -> Result<Outcome, StoreError> {
        self.transaction(Access::Write, |tx| {
            let row = self.lock(tx)?;
            let head = row.as_ref().map(|r| r.head.clone());
            let loaded = self.load_in(tx, spec, row)?;
            let (state, expected) = match run_change(loaded, change) {
                Step::Finished(outcome) => return Ok((outcome, false)),
                Step::Save { state, expected } => (state, expected),
            };
            let stored = sql::check_save(self.site(), head.as_ref(), &state, expected)?;
            self.write(tx, &state, stored, head.as_ref())?;
            Ok((Outcome::Saved(state.revision()), true))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_show() {
        for (url, shown) in [
            (
                "postgres://ann:s3cret@db:5432/runs",
                "postgres://ann:***@db:5432/runs",
            ),
            (
                "postgresql://ann:p%40ss@db/runs?sslmode=disable",
                "postgresql://ann:***@db/runs?sslmode=disable",
            ),
            ("postgres://ann@db/runs", "postgres://ann@db/runs"),
            (
                "postgres://db/runs?user=ann&password=s3cret&x=1",
                "postgres://db/runs?user=ann&password=***&x=1",
            ),
            (
                "host=db user=ann password='s3 cret' dbname=runs",
                "host=db user=ann password=*** dbname=runs",
            ),
            ("host=db PASSWORD = s3cret", "host=db PASSWORD = ***"),
            ("postgres://a:b:c@h/d", "postgres://a:***@h/d"),
        ] {
            let redacted = redact(url);
            assert_eq!(redacted, shown);
            assert!(!redacted.contains("s3"), "{redacted}");
        }
    }
}
