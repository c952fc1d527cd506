//! Runs in an SQLite database file: many named runs in one file, shared by every process
//! on the machine that can write it (feature `sqlite`).
//!
//! SQLite is compiled in (`rusqlite` with its bundled SQLite), so nothing needs to be
//! installed. The database is in WAL mode (readers never wait for the writer), with
//! `synchronous = FULL` (a committed save survives a power cut, as a file store's fsync
//! does) and foreign keys on; a writer waits up to a busy timeout (30 s by default) for
//! another writer to finish.
//!
//! - **A load** reads the run's `runs` row and its `events` rows in one read transaction
//!   (a snapshot: a concurrent save is seen whole or not at all), assembles the state
//!   [`Document`](crate::Document) and loads it through
//!   [`State::from_document_with_clock`], with the same checks as a state file.
//! - **A save** runs in a `BEGIN IMMEDIATE` transaction (it takes the database's write
//!   lock first): it reads the stored revision, refuses a stale one with
//!   [`StoreError::Conflict`], inserts only the events that are new and updates the run's
//!   row, then commits. A writer killed at any moment leaves the database as it was
//!   before its transaction.
//! - **[`Store::transact`]** holds that write lock from the load to the save, so
//!   concurrent writers, threads or processes, are serialized by SQLite instead of
//!   retrying.
//!
//! The tables are created on first use; `checklist_schema` records their version, and a
//! database of a newer version is refused. Every query takes its values as parameters.
//!
//! SQLite's own shell reads what is stored. A run's log in order:
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
//! ```
//! use std::sync::Arc;
//! use checklist_core::{Actor, Spec, Store, store::SqliteStore};
//!
//! let dir = std::env::temp_dir().join(format!("checklist-sqlite-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let spec = Arc::new(Spec::parse("# Release\n\n- [ ] Tests pass\n- [ ] Tag pushed\n")?);
//! let tests = spec.index_of("tests-pass").unwrap();
//!
//! let store = SqliteStore::open(dir.join("runs.db"), "release-2026-12-01")?;
//! store.update(&spec, |state| state.complete(tests, &Actor::new("ci")))?;
//! assert_eq!(store.load(&spec)?.state.revision(), 1);
//!
//! // Another run in the same database starts fresh.
//! let other = store.with_run("release-2026-12-08")?;
//! assert_eq!(other.load(&spec)?.stored_revision, None);
//! let runs = store.runs()?;
//! assert_eq!(runs.len(), 1);
//! assert_eq!((runs[0].name.as_str(), runs[0].resolved, runs[0].total), ("release-2026-12-01", 1, 2));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::sql::{
    self, EVENT_COLUMNS, EventRow, Head, NewRunRow, Pool, RunName, RunRow, RunSummary,
    SCHEMA_VERSION, Site,
};
use super::{Decision, Outcome, Step, Store, StoreError, run_change};
use crate::clock::{Clock, SystemClock};
use crate::document::{LoadLimits, Loaded, StateError};
use crate::spec::Spec;
use crate::state::State;

/// How long a writer waits for another to finish, unless told otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A store for named runs in an SQLite database file (see the [module docs](self)).
///
/// Clones, and stores made with [`with_run`](SqliteStore::with_run), share their
/// connections.
#[derive(Clone)]
pub struct SqliteStore {
    db: Arc<Database>,
    run: RunName,
    clock: Arc<dyn Clock>,
    limits: LoadLimits,
}

struct Database {
    path: PathBuf,
    /// `sqlite:PATH`, for messages.
    name: String,
    pool: Pool<Connection>,
    busy_timeout_ms: AtomicU64,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.db.path)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

const CREATE: &str = "
CREATE TABLE checklist_schema (
    version INTEGER NOT NULL
);
CREATE TABLE runs (
    name              TEXT PRIMARY KEY,
    checklist_id      TEXT NOT NULL,
    checklist_version TEXT,
    digest            TEXT NOT NULL,
    revision          INTEGER NOT NULL,
    events            INTEGER NOT NULL,
    head_hash         TEXT NOT NULL,
    items             TEXT NOT NULL,
    orphans           TEXT NOT NULL,
    resolved          INTEGER NOT NULL,
    total             INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE TABLE events (
    run         TEXT NOT NULL REFERENCES runs (name),
    seq         INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    item        TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    payload     TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (run, seq)
);
";

const RUN_COLUMNS: &str =
    "checklist_id, checklist_version, digest, revision, events, head_hash, items, orphans";

impl SqliteStore {
    /// The run `run` in the SQLite database at `path`, created with its tables when it
    /// does not exist yet. Fails when `run` is not a [`RunName`], when the file cannot be
    /// opened or is not an SQLite database, and when its schema is newer than this
    /// version knows.
    pub fn open(path: impl AsRef<Path>, run: &str) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let name = format!("sqlite:{}", path.display());
        let run = sql::run_name(run, &name)?;
        if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
            return Err(StoreError::Backend {
                location: name.clone(),
                message: format!(
                    "`{name}` names no database file (every connection would get a database \
                     of its own)"
                ),
                help: "give the path of a database file; `MemoryStore` keeps a run in memory"
                    .into(),
                source: None,
            });
        }
        let db = Arc::new(Database {
            path,
            name,
            pool: Pool::new(),
            busy_timeout_ms: AtomicU64::new(DEFAULT_BUSY_TIMEOUT.as_millis() as u64),
        });
        let store = SqliteStore {
            db,
            run,
            clock: Arc::new(SystemClock),
            limits: LoadLimits::default(),
        };
        let mut conn = store.connect()?;
        let deadline = std::time::Instant::now() + store.busy_timeout();
        loop {
            match store.init(&mut conn) {
                // Busy at once, not after waiting (see `busy_retry`): try again.
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                result => break result?,
            }
        }
        store.db.pool.give(conn);
        Ok(store)
    }

    /// Every run in the database at `path`, by name (see [`SqliteStore::runs`]).
    pub fn list_runs(path: impl AsRef<Path>) -> Result<Vec<RunSummary>, StoreError> {
        // Any valid name: listing does not look at it.
        SqliteStore::open(path, "list")?.runs()
    }

    /// Another run in the same database, sharing this store's connections and settings.
    pub fn with_run(&self, run: &str) -> Result<SqliteStore, StoreError> {
        Ok(SqliteStore {
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

    /// How long a writer waits for another writer's transaction before it fails
    /// (default [`DEFAULT_BUSY_TIMEOUT`]). Shared by every store on this database.
    #[must_use]
    pub fn with_busy_timeout(self, timeout: Duration) -> Self {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.db.busy_timeout_ms.store(ms, Ordering::Relaxed);
        self
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.db.path
    }

    /// The run's name.
    pub fn run(&self) -> &RunName {
        &self.run
    }

    /// Every run in the database, by name, as their `runs` rows describe them (the logs
    /// are not loaded: [`Store::load`] a run to verify it).
    pub fn runs(&self) -> Result<Vec<RunSummary>, StoreError> {
        let conn = self.take()?;
        let result = (|| {
            let mut stmt = conn.prepare(
                "SELECT name, checklist_id, checklist_version, revision, events, resolved, \
                 total, updated_at FROM runs ORDER BY name",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(RunSummary {
                    name: r.get(0)?,
                    checklist: r.get(1)?,
                    version: r.get(2)?,
                    revision: r.get::<_, i64>(3)?.max(0) as u64,
                    events: r.get::<_, i64>(4)?.max(0) as u64,
                    resolved: r.get::<_, i64>(5)?.max(0) as u64,
                    total: r.get::<_, i64>(6)?.max(0) as u64,
                    updated_at: sql::parse_time(&r.get::<_, String>(7)?),
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()
        })()
        .map_err(|e| self.error("listing the runs", e));
        self.db.pool.give(conn);
        result
    }

    fn site(&self) -> Site<'_> {
        Site {
            database: &self.db.name,
            run: &self.run,
        }
    }

    fn busy_timeout(&self) -> Duration {
        Duration::from_millis(self.db.busy_timeout_ms.load(Ordering::Relaxed))
    }

    /// A new connection, configured.
    fn connect(&self) -> Result<Connection, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        self.busy_retry(|| {
            let conn = Connection::open_with_flags(&self.db.path, flags)?;
            conn.busy_timeout(self.busy_timeout())?;
            // `journal_mode` answers with the mode it is in: WAL for a file.
            conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
            conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
            Ok(conn)
        })
        .map_err(|e| self.error("opening it", e))
    }

    /// Runs `f` again while SQLite answers "busy" at once, up to the busy timeout: while
    /// another connection switches a new database to WAL or recovers its WAL index,
    /// SQLite reports busy without waiting in its busy handler.
    fn busy_retry<T>(&self, mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let deadline = std::time::Instant::now() + self.busy_timeout();
        let mut pause = Duration::from_millis(1);
        loop {
            match f() {
                Err(e)
                    if matches!(
                        e.sqlite_error_code(),
                        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                result => return result,
            }
        }
    }

    /// An idle connection, or a new one.
    fn take(&self) -> Result<Connection, StoreError> {
        match self.db.pool.take() {
            Some(conn) => {
                conn.busy_timeout(self.busy_timeout())
                    .map_err(|e| self.error("configuring it", e))?;
                Ok(conn)
            }
            None => self.connect(),
        }
    }

    /// Creates the tables when they do not exist, and checks the schema's version. A
    /// database that has them is only read; creating them takes the write lock, so two
    /// processes opening a new database at once create them once.
    fn init(&self, conn: &mut Connection) -> Result<(), StoreError> {
        if let Some(version) = self.schema_version(conn)? {
            return self.check_version(version);
        }
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.error("opening it", e))?;
        if let Some(version) = self.schema_version(&tx)? {
            return self.check_version(version);
        }
        let taken: Option<String> = tx
            .query_row(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name IN ('runs', 'events') LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.error("reading its schema", e))?;
        if let Some(table) = taken {
            return Err(self.site().backend(
                format!(
                    "`{}` already has a table `{table}` that checklist did not create",
                    self.db.name
                ),
                "keep checklist's runs in a database of their own",
            ));
        }
        tx.execute_batch(CREATE)
            .map_err(|e| self.error("creating its tables", e))?;
        tx.execute(
            "INSERT INTO checklist_schema (version) VALUES (?1)",
            params![SCHEMA_VERSION],
        )
        .map_err(|e| self.error("creating its tables", e))?;
        tx.commit()
            .map_err(|e| self.error("creating its tables", e))
    }

    /// The version `checklist_schema` records, `None` when the table does not exist.
    fn schema_version(&self, conn: &Connection) -> Result<Option<i64>, StoreError> {
        let exists: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1",
                params!["checklist_schema"],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.error("reading its schema", e))?;
        if exists.is_none() {
            return Ok(None);
        }
        let version: Option<i64> = conn
            .query_row("SELECT max(version) FROM checklist_schema", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.error("reading its schema", e))?;
        Ok(Some(version.unwrap_or(0)))
    }

    fn check_version(&self, version: i64) -> Result<(), StoreError> {
        if version > SCHEMA_VERSION {
            return Err(sql::newer_schema(
                self.location(),
                &format!("`{}`", self.db.name),
                version,
            ));
        }
        Ok(())
    }

    /// A database error, with what to check.
    fn error(&self, doing: &str, e: rusqlite::Error) -> StoreError {
        let db = &self.db.name;
        let path = self.db.path.display();
        let code = e.sqlite_error_code();
        let (message, help) = match code {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => (
                format!(
                    "`{db}` stayed locked by another writer for longer than the busy timeout \
                     ({:?}) while {doing}",
                    self.busy_timeout()
                ),
                "try again; if it persists, look for a process that keeps a transaction \
                 open on the database"
                    .to_string(),
            ),
            Some(ErrorCode::NotADatabase) => (
                format!("`{path}` is not an SQLite database"),
                "name an SQLite database after `sqlite:`, or a JSON state file without it"
                    .to_string(),
            ),
            Some(ErrorCode::CannotOpen) => (
                format!("cannot open the SQLite database `{path}`"),
                "check that its directory exists and that you may write there".to_string(),
            ),
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => (
                format!("cannot write the SQLite database `{path}` while {doing}: {e}"),
                format!(
                    "check the permissions of `{path}` and of its directory (SQLite writes \
                     `{path}-wal` and `{path}-shm` beside it)"
                ),
            ),
            Some(ErrorCode::DiskFull) => (
                format!("the disk holding `{path}` is full"),
                "free some space and run the command again; nothing of this change was saved"
                    .to_string(),
            ),
            Some(ErrorCode::DatabaseCorrupt) => (
                format!("the SQLite database `{path}` is damaged"),
                "restore it from a backup".to_string(),
            ),
            _ => (
                format!("the SQLite database `{path}` failed while {doing}: {e}"),
                "check the database file; nothing of this change was saved".to_string(),
            ),
        };
        StoreError::Backend {
            location: self.location(),
            message,
            help,
            source: Some(Box::new(e)),
        }
    }

    /// The stored head of the run, if it exists.
    fn head(&self, conn: &Connection) -> Result<Option<Head>, StoreError> {
        conn.query_row(
            "SELECT checklist_id, revision, events, head_hash FROM runs WHERE name = ?1",
            params![self.run.as_str()],
            |r| {
                Ok(Head {
                    checklist_id: r.get(0)?,
                    revision: r.get(1)?,
                    events: r.get(2)?,
                    head_hash: r.get(3)?,
                })
            },
        )
        .optional()
        .map_err(|e| self.error("reading the run", e))
    }

    /// Loads the run through `conn`, inside the caller's transaction.
    fn load_in(&self, conn: &Connection, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
        let row = conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE name = ?1"),
                params![self.run.as_str()],
                |r| {
                    Ok(RunRow {
                        head: Head {
                            checklist_id: r.get(0)?,
                            revision: r.get(3)?,
                            events: r.get(4)?,
                            head_hash: r.get(5)?,
                        },
                        checklist_version: r.get(1)?,
                        digest: r.get(2)?,
                        items: r.get(6)?,
                        orphans: r.get(7)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.error("reading the run", e))?;
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
        let events = (|| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE run = ?1 ORDER BY seq"
            ))?;
            let rows = stmt.query_map(params![self.run.as_str()], |r| {
                Ok(EventRow {
                    seq: r.get(0)?,
                    revision: r.get(1)?,
                    at: r.get(2)?,
                    actor: r.get(3)?,
                    item: r.get(4)?,
                    action: r.get(5)?,
                    from_status: r.get(6)?,
                    to_status: r.get(7)?,
                    payload: r.get(8)?,
                    hash: r.get(9)?,
                })
            })?;
            // No more rows than the run says it has (plus one, to notice extra ones).
            rows.take(count.saturating_add(1))
                .collect::<Result<Vec<_>, _>>()
        })()
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

    /// Writes `state` in the caller's write transaction: the events after the first
    /// `stored`, and the run's row.
    fn write(
        &self,
        conn: &Connection,
        state: &State,
        stored: usize,
        head: Option<&Head>,
    ) -> Result<(), StoreError> {
        let row = NewRunRow::of(state).map_err(|e| {
            self.site()
                .backend(format!("cannot store the state: {e}"), "this is a bug")
        })?;
        let run = self.run.as_str();
        // The run's row first: the events refer to it.
        let changed = match head {
            Some(head) => conn.execute(
                "UPDATE runs SET checklist_id = ?2, checklist_version = ?3, digest = ?4, \
                 revision = ?5, events = ?6, head_hash = ?7, items = ?8, orphans = ?9, \
                 resolved = ?10, total = ?11, updated_at = ?12 \
                 WHERE name = ?1 AND revision = ?13",
                params![
                    run,
                    row.checklist_id,
                    row.checklist_version,
                    row.digest,
                    row.revision,
                    row.events,
                    row.head_hash,
                    row.items,
                    row.orphans,
                    row.resolved,
                    row.total,
                    row.updated_at,
                    head.revision
                ],
            ),
            None => conn.execute(
                "INSERT INTO runs (name, checklist_id, checklist_version, digest, revision, \
                 events, head_hash, items, orphans, resolved, total, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                params![
                    run,
                    row.checklist_id,
                    row.checklist_version,
                    row.digest,
                    row.revision,
                    row.events,
                    row.head_hash,
                    row.items,
                    row.orphans,
                    row.resolved,
                    row.total,
                    row.updated_at
                ],
            ),
        }
        .map_err(|e| self.error("saving the run", e))?;
        if changed != 1 {
            // Cannot happen under the write lock; refuse rather than commit a half.
            return Err(StoreError::Conflict {
                location: self.location(),
                expected: head.map(|h| h.revision.max(0) as u64),
                found: 0,
            });
        }
        let mut insert = conn
            .prepare(&format!(
                "INSERT INTO events (run, {EVENT_COLUMNS}) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))
            .map_err(|e| self.error("saving", e))?;
        for event in &state.events()[stored..] {
            let e = EventRow::of(event).map_err(|e| {
                self.site().backend(
                    format!("cannot store the state: {e}"),
                    "use a version of checklist whose database layout holds this event",
                )
            })?;
            insert
                .execute(params![
                    run,
                    e.seq,
                    e.revision,
                    e.at,
                    e.actor,
                    e.item,
                    e.action,
                    e.from_status,
                    e.to_status,
                    e.payload,
                    e.hash
                ])
                .map_err(|e| self.error("saving the events", e))?;
        }
        Ok(())
    }

    /// Runs `f` in a write transaction (`BEGIN IMMEDIATE`) on a pooled connection; the
    /// transaction commits only when `f` says so, and rolls back on every error.
    fn write_transaction<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<(T, bool), StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.take()?;
        let result = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| self.error("starting a write", e))?;
            let (value, commit) = f(&tx)?;
            if commit {
                tx.commit().map_err(|e| self.error("committing", e))?;
            }
            // Dropped without a commit: rolled back.
            Ok(value)
        })();
        self.db.pool.give(conn);
        result
    }
}

/// Whether a store error is SQLite's "busy" or "locked".
fn is_busy(e: &StoreError) -> bool {
    let StoreError::Backend {
        source: Some(source),
        ..
    } = e
    else {
        return false;
    };
    source
        .downcast_ref::<rusqlite::Error>()
        .and_then(rusqlite::Error::sqlite_error_code)
        .is_some_and(|c| matches!(c, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

impl Store for SqliteStore {
    /// `sqlite:PATH#RUN`.
    fn location(&self) -> String {
        self.site().location()
    }

    fn load(&self, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
        let mut conn = self.take()?;
        let result = (|| {
            // One read transaction: the run's row and its events from one snapshot.
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Deferred)
                .map_err(|e| self.error("starting a read", e))?;
            self.load_in(&tx, spec)
        })();
        self.db.pool.give(conn);
        result
    }

    fn save(&self, state: &State, expected: Option<u64>) -> Result<(), StoreError> {
        self.write_transaction(|conn| {
            let head = self.head(conn)?;
            let stored = sql::check_save(self.site(), head.as_ref(), state, expected)?;
            self.write(conn, state, stored, head.as_ref())?;
            Ok(((), true))
        })
    }

    /// Holds SQLite's write lock (`BEGIN IMMEDIATE`) from the load to the save, so
    /// writers in every process are serialized rather than retried.
    fn transact(
        &self,
        spec: &Arc<Spec>,
        change: &mut dyn FnMut(&mut State) -> Decision,
    ) -> Result<Outcome, StoreError> {
        self.write_transaction(|conn| {
            let loaded = self.load_in(conn, spec)?;
            let (state, expected) = match run_change(loaded, change) {
                Step::Finished(outcome) => return Ok((outcome, false)),
                Step::Save { state, expected } => (state, expected),
            };
            let head = self.head(conn)?;
            let stored = sql::check_save(self.site(), head.as_ref(), &state, expected)?;
            self.write(conn, &state, stored, head.as_ref())?;
            Ok((Outcome::Saved(state.revision()), true))
        })
    }
}
