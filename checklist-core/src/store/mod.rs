//! Persistence: the [`Store`] trait every store implements, the embedded default
//! [`FileStore`], an in-memory [`MemoryStore`], and the [`conformance`] suite each of
//! them passes.
//!
//! A store keeps one run's state document. Its promises, whatever it is backed by:
//!
//! - a save is all or nothing;
//! - a save names the revision it was based on, and a stale writer gets
//!   [`StoreError::Conflict`] and writes nothing, so two writers never lose each other's
//!   update;
//! - [`Store::update`] (load → change → save) never loses an update either: a store that
//!   can hold a lock across it does, and the others retry on conflict (see
//!   [`Store::transact`]);
//! - a tampered record is refused on load, as [`State::from_document`] refuses a
//!   tampered document.
//!
//! ```
//! use std::sync::Arc;
//! use checklist_core::{Actor, Spec, Store, store::MemoryStore};
//!
//! let spec = Arc::new(Spec::parse("- [ ] a\n- [ ] b\n")?);
//! let store = MemoryStore::new();
//! let a = spec.index_of("a").unwrap();
//! // Load (nothing yet: a fresh state), change, save, as one transaction.
//! store.update(&spec, |state| state.complete(a, &Actor::new("ann")))?;
//! let loaded = store.load(&spec)?;
//! assert_eq!(loaded.state.revision(), 1);
//! assert_eq!(loaded.stored_revision, Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod conformance;
mod file;
mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::sync::Arc;
use std::time::Duration;

pub use file::{DEFAULT_LOCK_TIMEOUT, FileStore, OnWait, resolve_links, write_atomically};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use sql::{InvalidRunName, MAX_RUN_NAME, RunName, RunSummary, SCHEMA_VERSION};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::document::{Loaded, StateError};
use crate::spec::Spec;
use crate::state::State;

/// Why loading or saving failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The storage could not be read or written.
    #[error("{what} `{location}`")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Where ([`Store::location`]).
        location: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The stored document does not load.
    #[error("the state in `{location}` does not load")]
    State {
        /// Where.
        location: String,
        /// Why.
        source: StateError,
    },
    /// Someone else saved since this state was loaded; nothing was written.
    #[error(
        "`{location}` changed since it was read (revision {found}, expected {}); nothing was written",
        expected.map_or("none".to_string(), |r| r.to_string())
    )]
    Conflict {
        /// Where.
        location: String,
        /// The revision the save was based on (`None`: nothing stored).
        expected: Option<u64>,
        /// The revision found.
        found: u64,
    },
    /// Another writer held the lock for longer than the store waits; nothing was
    /// written.
    #[error(
        "`{location}` is locked by another writer (`{lock}`); gave up after {}s",
        waited.as_secs()
    )]
    Busy {
        /// Where.
        location: String,
        /// The lock that is held.
        lock: String,
        /// How long it waited.
        waited: Duration,
    },
    /// The store's backend refused or failed, for a reason of its own (a database that
    /// cannot be reached, a schema newer than this version knows).
    #[error("{message}")]
    Backend {
        /// Where.
        location: String,
        /// What happened.
        message: String,
        /// What to do about it.
        help: String,
        /// The backend's own error, when there is one.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl StoreError {
    /// What the user can do about it.
    pub fn help(&self) -> &str {
        match self {
            StoreError::Io { .. } => {
                "check that the path is right and that its directory exists and is writable"
            }
            StoreError::State { source, .. } => source.help(),
            StoreError::Conflict { .. } => "someone else changed the state meanwhile; try again",
            StoreError::Busy { .. } => {
                "another writer is still at work (or died holding the lock): try again later, or wait longer"
            }
            StoreError::Backend { help, .. } => help,
        }
    }
}

/// Why [`Store::update`] failed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E> {
    /// Loading or saving failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The change itself was refused; nothing was written.
    #[error(transparent)]
    Refused(E),
}

/// What the change inside a [`Store::transact`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Save what the change did (nothing is written when it did nothing).
    Save,
    /// Write nothing.
    Discard,
}

/// What a [`Store::transact`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The change was saved at this revision.
    Saved(u64),
    /// The change did nothing; nothing was written.
    Unchanged,
    /// The change was discarded; nothing was written.
    Discarded,
}

/// How often, and how patiently, the default [`Store::transact`] retries a conflicting
/// save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// The most attempts (the first included).
    pub attempts: u32,
    /// The longest pause between two attempts; pauses start at a millisecond and double,
    /// with jitter so that writers that collided do not collide again.
    pub max_pause: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 200,
            max_pause: Duration::from_millis(100),
        }
    }
}

/// Where state documents live.
///
/// Implement [`load`](Store::load) and [`save`](Store::save); [`update`](Store::update)
/// and [`transact`](Store::transact) come for free (optimistic: load, change, save
/// against the revision loaded, retried on conflict), and a store that can lock its
/// storage across a transaction overrides `transact` to serialize writers instead.
/// [`conformance::run`] checks an implementation against these promises.
///
/// The trait is object safe: tools pick a store at run time and use it as
/// `Box<dyn Store>` or `&dyn Store`, which are stores too.
pub trait Store: Send + Sync {
    /// Where the state lives, for messages: a path, a database and run.
    fn location(&self) -> String;

    /// The stored state for `spec`, checked (see [`State::from_document`]); a fresh
    /// state when nothing is stored yet.
    fn load(&self, spec: &Arc<Spec>) -> Result<Loaded, StoreError>;

    /// Stores `state` if the stored revision is still `expected` (`None`: nothing stored
    /// yet); otherwise fails with [`StoreError::Conflict`] and writes nothing.
    fn save(&self, state: &State, expected: Option<u64>) -> Result<(), StoreError>;

    /// How the default [`transact`](Store::transact) retries.
    fn retry(&self) -> Retry {
        Retry::default()
    }

    /// Runs `change` on the current state and saves what it did, as one transaction.
    ///
    /// The default loads, runs `change`, and saves against the revision it loaded; when
    /// another writer saved in between, it loads again and runs `change` again (so
    /// `change` must decide from the state it is given), up to [`Store::retry`]'s
    /// attempts, after which the conflict is returned. Nothing is written when `change`
    /// returns [`Decision::Discard`] or changes nothing.
    fn transact(
        &self,
        spec: &Arc<Spec>,
        change: &mut dyn FnMut(&mut State) -> Decision,
    ) -> Result<Outcome, StoreError> {
        let retry = self.retry();
        let mut pause = Duration::from_millis(1);
        let mut attempt = 1;
        loop {
            let (state, expected) = match run_change(self.load(spec)?, change) {
                Step::Finished(outcome) => return Ok(outcome),
                Step::Save { state, expected } => (state, expected),
            };
            match self.save(&state, expected) {
                Ok(()) => return Ok(Outcome::Saved(state.revision())),
                Err(StoreError::Conflict { .. }) if attempt < retry.attempts => {
                    std::thread::sleep(jitter(pause));
                    pause = (pause * 2).min(retry.max_pause);
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Loads, applies `change` and saves, as one transaction ([`Store::transact`]).
    /// When `change` fails, nothing is written and its error is returned as
    /// [`UpdateError::Refused`].
    fn update<T, E>(
        &self,
        spec: &Arc<Spec>,
        change: impl FnMut(&mut State) -> Result<T, E>,
    ) -> Result<T, UpdateError<E>>
    where
        Self: Sized,
    {
        update(self, spec, change)
    }
}

/// A store behind a pointer is a store: `Box<dyn Store>`, `&dyn Store` and
/// `Arc<dyn Store>` have [`Store::update`] too.
macro_rules! forward {
    ($($pointer:ty),*) => {$(
        impl<S: Store + ?Sized> Store for $pointer {
            fn location(&self) -> String {
                (**self).location()
            }
            fn load(&self, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
                (**self).load(spec)
            }
            fn save(&self, state: &State, expected: Option<u64>) -> Result<(), StoreError> {
                (**self).save(state, expected)
            }
            fn retry(&self) -> Retry {
                (**self).retry()
            }
            fn transact(
                &self,
                spec: &Arc<Spec>,
                change: &mut dyn FnMut(&mut State) -> Decision,
            ) -> Result<Outcome, StoreError> {
                (**self).transact(spec, change)
            }
        }
    )*};
}
forward!(&S, Box<S>, Arc<S>);

/// Where a transaction stands after its change ran: finished, or with a state to save.
#[derive(Debug)]
pub enum Step {
    /// Nothing to write.
    Finished(Outcome),
    /// Save `state` if the stored revision is still `expected`.
    Save {
        /// The changed state.
        state: State,
        /// The revision it was loaded at (`None`: nothing was stored).
        expected: Option<u64>,
    },
}

/// The middle of every transaction, between its load and its save: runs `change` on the
/// loaded state and decides whether there is anything to write (nothing when `change`
/// discards, or when it changed nothing). Stores that implement their own
/// [`Store::transact`] call it between their locked load and save.
pub fn run_change(loaded: Loaded, change: &mut dyn FnMut(&mut State) -> Decision) -> Step {
    let expected = loaded.stored_revision;
    let mut state = loaded.state;
    if change(&mut state) == Decision::Discard {
        return Step::Finished(Outcome::Discarded);
    }
    if state.revision() == expected.unwrap_or(0) {
        return Step::Finished(Outcome::Unchanged);
    }
    Step::Save { state, expected }
}

/// The one implementation of `update`, over `transact`.
pub(crate) fn update<T, E>(
    store: &(impl Store + ?Sized),
    spec: &Arc<Spec>,
    mut change: impl FnMut(&mut State) -> Result<T, E>,
) -> Result<T, UpdateError<E>> {
    let mut result = None;
    store.transact(spec, &mut |state| {
        let r = change(state);
        let decision = if r.is_ok() {
            Decision::Save
        } else {
            Decision::Discard
        };
        result = Some(r);
        decision
    })?;
    // `transact` ran the change at least once, or returned its error above.
    match result {
        Some(r) => r.map_err(UpdateError::Refused),
        None => Err(UpdateError::Store(StoreError::Backend {
            location: store.location(),
            message: "the store finished a transaction without running the change".into(),
            help: "this is a bug in the store's `transact`".into(),
            source: None,
        })),
    }
}

/// `pause` scaled by a factor between 0.5 and 1.5, from the clock's nanoseconds (good
/// enough to spread writers that collided).
fn jitter(pause: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let factor = 0.5 + f64::from(nanos % 1000) / 1000.0;
    pause.mul_f64(factor)
}
