//! Getting the inputs: the checklist (parsed), the store its state lives in and the
//! state, and the clock, with every failure turned into an exit-2 error that says what
//! to do. This is the one place that decides which store a `--state` names: a path (a
//! JSON file), `sqlite:PATH`, or a `postgres://` / `postgresql://` URL, with `--run`
//! picking the run in a database.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use checklist_core::clock::{Clock, FixedClock, SystemClock};
use checklist_core::store::postgres::redact;
use checklist_core::store::{PostgresStore, RunName, SqliteStore};
use checklist_core::{
    Diagnostics, FileStore, LoadError, ParseOptions, Parsed, Spec, State, Store, StoreError,
};

use crate::cli::Target;
use crate::outcome::{Fatal, Result};
use crate::term::{Term, eprint};

/// The variable that fixes the clock, for tests.
pub const FIXED_TIME_VAR: &str = "CHECKLIST_FIXED_TIME";

/// Parse options naming the file as given on the command line.
pub fn options(file: &Path, strict: bool) -> ParseOptions {
    ParseOptions::new(file.display().to_string()).strict(strict)
}

/// Reads and parses a checklist (reading at most the parser's input limit, whatever the
/// file is). A file that cannot be read ends the command (exit 2); the diagnostics of
/// one that does not parse come back to the caller.
pub fn parse_file(file: &Path, strict: bool) -> Result<std::result::Result<Parsed, Diagnostics>> {
    match checklist_core::parse_file(file, &options(file, strict)) {
        Ok(parsed) => Ok(Ok(parsed)),
        Err(LoadError::Parse(diagnostics)) => Ok(Err(diagnostics)),
        Err(e) => Err(Fatal::new(
            chain(&e),
            "check the path, and that the file is a readable Markdown checklist",
        )),
    }
}

/// Parses a checklist for commands that need a spec: any error ends the command (exit 2)
/// with the rendered diagnostics.
pub fn parsed(file: &Path) -> Result<Parsed> {
    parse_file(file, false)?.map_err(|d| Fatal::Raw(d.to_string()))
}

/// Parses a checklist and keeps only the spec, with the allowed-signers file its
/// `[signatures]` names (read beside it) to verify signatures against.
pub fn spec(file: &Path) -> Result<Arc<Spec>> {
    let spec = parsed(file)?.spec;
    crate::sign::with_allowed_signers(spec, file).map(Arc::new)
}

/// The clock: the system's, or a fixed one when `CHECKLIST_FIXED_TIME` is set.
pub fn clock() -> Result<Arc<dyn Clock>> {
    let Some(value) = std::env::var_os(FIXED_TIME_VAR) else {
        return Ok(Arc::new(SystemClock));
    };
    let text = value.to_string_lossy();
    let clock = FixedClock::parse(&text, chrono::Duration::seconds(1)).map_err(|e| {
        Fatal::new(
            format!("{FIXED_TIME_VAR}=`{text}` is not an RFC 3339 time: {e}"),
            format!("unset {FIXED_TIME_VAR}, or set it like 2026-11-26T09:00:00Z"),
        )
    })?;
    Ok(Arc::new(clock))
}

/// The kind of store a `--state` value names, before a run is picked: a path is a JSON
/// file, `sqlite:PATH` an SQLite database, a `postgres://` or `postgresql://` URL a
/// PostgreSQL database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A JSON state file: one run.
    File(PathBuf),
    /// An SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (with its password, if it has one: never print it, print the
    /// [`Display`](std::fmt::Display) form).
    Postgres(String),
}

impl Database {
    /// What `given` names. `./sqlite:x` is a file named `sqlite:x`.
    pub fn parse(given: &OsStr) -> Result<Database> {
        let Some(text) = given.to_str() else {
            return Ok(Database::File(PathBuf::from(given)));
        };
        if let Some(path) = text.strip_prefix("sqlite:") {
            // `sqlite://PATH` and `sqlite:///ABSOLUTE` read as URLs do.
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Fatal::new(
                    "`sqlite:` names no database file",
                    "write the path after it, e.g. `--state sqlite:runs.db`",
                ));
            }
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Database::Postgres(text.to_string()));
        }
        Ok(Database::File(PathBuf::from(given)))
    }

    /// Whether it is a JSON state file.
    pub fn is_file(&self) -> bool {
        matches!(self, Database::File(_))
    }
}

impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::File(path) => path.display().fmt(f),
            Database::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Database::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// Where a target's state lives, as `--state` (or its default) and `--run` name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON file.
    File(PathBuf),
    /// A run in an SQLite database.
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The run.
        run: RunName,
    },
    /// A run in a PostgreSQL database.
    Postgres {
        /// The URL (print the `Display` form, which hides the password).
        url: String,
        /// The run.
        run: RunName,
    },
}

impl Location {
    /// The location of the target's state: `--state` / `CHECKLIST_STATE`, else
    /// `<stem>.state.json` beside the checklist; in a database, the run `--run` /
    /// `CHECKLIST_RUN` names, else the one named like the checklist's id.
    pub fn of(target: &Target, checklist_id: &str) -> Result<Location> {
        let database = match &target.state {
            Some(given) => Database::parse(given)?,
            None => Database::File(default_state_path(&target.file)),
        };
        Location::in_database(database, target.run.as_deref(), checklist_id)
    }

    /// The run `run` (default: the checklist's id) in `database`; `run` given for a
    /// file is an error, since a file holds one run.
    pub fn in_database(
        database: Database,
        run: Option<&str>,
        checklist_id: &str,
    ) -> Result<Location> {
        if let (Database::File(path), Some(run)) = (&database, run) {
            return Err(Fatal::new(
                format!(
                    "`--run {}` names a run in a database, but `{}` is a state file, which \
                     holds one run",
                    crate::describe::one_line(run),
                    path.display()
                ),
                "leave out `--run` (and unset CHECKLIST_RUN) for a state file, or keep the \
                 state in a database: `--state sqlite:PATH` or a postgres:// URL",
            ));
        }
        let name = || match run {
            Some(run) => RunName::new(run).map_err(|e| Fatal::new(e.to_string(), e.help())),
            None => RunName::new(checklist_id).map_err(|e| {
                Fatal::new(
                    format!("the checklist's id cannot name its run in `{database}`: {e}"),
                    "name the run with `--run NAME` (or CHECKLIST_RUN)",
                )
            }),
        };
        Ok(match &database {
            Database::File(path) => Location::File(path.clone()),
            Database::Sqlite(path) => Location::Sqlite {
                path: path.clone(),
                run: name()?,
            },
            Database::Postgres(url) => Location::Postgres {
                url: url.clone(),
                run: name()?,
            },
        })
    }

    /// The file it is, if it is one (for an SQLite run: the database file).
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) | Location::Sqlite { path, .. } => Some(path),
            Location::Postgres { .. } => None,
        }
    }

    /// The store it names, opened (a database is connected to, and its tables created
    /// on first use).
    ///
    /// A change waits at most `wait` for another writer to finish with a file, saying
    /// once (after a second) that it waits.
    pub fn store(&self, clock: Arc<dyn Clock>, wait: Duration) -> Result<Box<dyn Store>> {
        Ok(match self {
            Location::File(path) => {
                let on_wait: checklist_core::store::OnWait = Arc::new(move |lock: &Path| {
                    eprint(&format!(
                        "waiting for `{}`: another writer is changing the state (giving up \
                         after {}s; `--wait SECONDS` changes it)\n",
                        lock.display(),
                        wait.as_secs()
                    ))
                });
                Box::new(
                    FileStore::new(path)
                        .with_clock(clock)
                        .with_lock_wait(wait, Some(on_wait)),
                )
            }
            Location::Sqlite { path, run } => Box::new(
                SqliteStore::open(path, run.as_str())
                    .map_err(store_error)?
                    .with_clock(clock),
            ),
            Location::Postgres { url, run } => Box::new(
                PostgresStore::connect(url, run.as_str())
                    .map_err(store_error)?
                    .with_clock(clock),
            ),
        })
    }
}

impl std::fmt::Display for Location {
    /// A path; `sqlite:PATH#RUN`; or the URL without its password, `#RUN`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => path.display().fmt(f),
            Location::Sqlite { path, run } => write!(f, "sqlite:{}#{run}", path.display()),
            Location::Postgres { url, run } => write!(f, "{}#{run}", redact(url)),
        }
    }
}

/// `deploy.md` → `deploy.state.json`, in the checklist's directory.
pub fn default_state_path(checklist: &Path) -> PathBuf {
    let stem = checklist
        .file_stem()
        .map_or_else(|| "checklist".into(), |s| s.to_os_string());
    let mut name = stem;
    name.push(".state.json");
    checklist.with_file_name(name)
}

/// A checklist, the store of its state, and the state as loaded.
pub struct Opened {
    /// Where the state lives.
    pub location: Location,
    /// The checklist.
    pub spec: Arc<Spec>,
    /// Where its state lives.
    pub store: Box<dyn Store>,
    /// The state, loaded (fresh when nothing is stored).
    pub state: State,
}

/// Parses the checklist and loads its state. A migration report goes to standard
/// error; a state that does not load ends the command (exit 2).
pub fn open(target: &Target, term: &Term) -> Result<Opened> {
    let spec = spec(&target.file)?;
    let location = Location::of(target, spec.id())?;
    let store = location.store(clock()?, Duration::from_secs(target.wait))?;
    let loaded = store.load(&spec).map_err(store_error)?;
    if let Some(migration) = &loaded.migration {
        eprint(&format!(
            "{} {migration}\n",
            term.err.bold(&term.err.yellow("note:"))
        ));
    }
    for warning in &loaded.warnings {
        eprint(&format!(
            "{} {warning}\n",
            term.err.bold(&term.err.yellow("warning:"))
        ));
    }
    Ok(Opened {
        location,
        spec,
        store,
        state: loaded.state,
    })
}

/// Warns when the state holds changes to items whose ids depend on their order: an item
/// repeated under one parent gets `-2`, `-3` by position, so swapping two such lines in
/// the Markdown moves each one's state to the other without a word.
pub fn warn_order_dependent(state: &State, term: &Term) {
    let spec = state.spec();
    let touched: Vec<&str> = spec
        .items()
        .iter()
        .filter(|i| i.is_suffixed())
        .filter(|i| state.events().iter().any(|e| &*e.item == i.id()))
        .map(|i| i.id())
        .collect();
    let Some(first) = touched.first() else {
        return;
    };
    let more = match touched.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    eprint(&format!(
        "{} the state holds changes to `{}`{more}, whose id comes from its position (its \
         text repeats under one parent): reordering those lines would move their state to \
         the other item; pin each with an id, e.g. `{{#{}}}`\n",
        term.err.bold(&term.err.yellow("warning:")),
        crate::describe::one_line(first),
        first.rsplit('/').next().unwrap_or(first),
    ));
}

/// An error and its causes on one line: `a: b: c`.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A store error as an exit-2 error with help.
pub fn store_error(e: StoreError) -> Fatal {
    let help = match &e {
        StoreError::Conflict { .. } => {
            "someone else changed the state meanwhile; run the command again".to_string()
        }
        other => other.help().to_string(),
    };
    let message = match &e {
        // The file, then what is wrong with what it holds.
        StoreError::State { location, source } => format!("`{location}`: {}", chain(source)),
        // Says it all; its source is the database client's own words for the same.
        StoreError::Backend { message, .. } => message.clone(),
        other => chain(other),
    };
    Fatal::new(message, help)
}
