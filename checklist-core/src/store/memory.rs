//! A store in memory: the state document as JSON text behind a mutex, for tests,
//! examples and tools that keep a run only while they run.

use std::sync::{Arc, Mutex, MutexGuard};

use super::{Decision, Outcome, Step, Store, StoreError, run_change};
use crate::clock::{Clock, SystemClock};
use crate::document::{Document, LoadLimits, Loaded};
use crate::spec::Spec;
use crate::state::State;

/// A store that keeps the state document in memory, as the JSON a [`FileStore`]
/// would write, so that it loads through exactly the same checks.
///
/// Clones share the same storage, like handles.
///
/// [`FileStore`]: super::FileStore
#[derive(Clone)]
pub struct MemoryStore {
    stored: Arc<Mutex<Option<Stored>>>,
    clock: Arc<dyn Clock>,
    limits: LoadLimits,
}

#[derive(Clone)]
struct Stored {
    revision: u64,
    json: String,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("revision", &self.guard().as_ref().map(|s| s.revision))
            .finish_non_exhaustive()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore {
            stored: Arc::new(Mutex::new(None)),
            clock: Arc::new(SystemClock),
            limits: LoadLimits::default(),
        }
    }

    /// Gives loaded states this clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The stored document as JSON, if anything is stored.
    pub fn json(&self) -> Option<String> {
        self.guard().as_ref().map(|s| s.json.clone())
    }

    /// Replaces the stored JSON behind the store's back (to test what loading does with
    /// a document someone edited). The revision it claims is read from it, as a save
    /// would check it.
    pub fn set_json(&self, json: Option<String>) {
        let stored = json.map(|json| Stored {
            revision: serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|v| v["revision"].as_u64())
                .unwrap_or(0),
            json,
        });
        *self.guard() = stored;
    }

    /// The lock on the storage. A change that panicked while holding it wrote nothing
    /// (writes happen last, in one assignment), so a poisoned lock is still consistent.
    fn guard(&self) -> MutexGuard<'_, Option<Stored>> {
        self.stored.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn load_from(&self, stored: &Option<Stored>, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
        let Some(stored) = stored else {
            return Ok(Loaded::fresh(
                State::new(spec.clone()).with_clock(self.clock.clone()),
            ));
        };
        let state_error = |source| StoreError::State {
            location: self.location(),
            source,
        };
        let doc = Document::from_json(&stored.json, &self.limits).map_err(state_error)?;
        State::from_document_with_clock(spec.clone(), doc, self.clock.clone()).map_err(state_error)
    }

    fn save_to(
        &self,
        stored: &mut Option<Stored>,
        state: &State,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let found = stored.as_ref().map(|s| s.revision);
        if found != expected {
            return Err(StoreError::Conflict {
                location: self.location(),
                expected,
                found: found.unwrap_or(0),
            });
        }
        *stored = Some(Stored {
            revision: state.revision(),
            json: state.to_json(),
        });
        Ok(())
    }
}

impl Store for MemoryStore {
    fn location(&self) -> String {
        "memory".to_string()
    }

    fn load(&self, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
        let stored = self.guard().clone();
        self.load_from(&stored, spec)
    }

    fn save(&self, state: &State, expected: Option<u64>) -> Result<(), StoreError> {
        self.save_to(&mut self.guard(), state, expected)
    }

    /// Holds the lock from the load to the save: writers are serialized.
    fn transact(
        &self,
        spec: &Arc<Spec>,
        change: &mut dyn FnMut(&mut State) -> Decision,
    ) -> Result<Outcome, StoreError> {
        let mut stored = self.guard();
        let loaded = self.load_from(&stored, spec)?;
        let (state, expected) = match run_change(loaded, change) {
            Step::Finished(outcome) => return Ok(outcome),
            Step::Save { state, expected } => (state, expected),
        };
        self.save_to(&mut stored, &state, expected)?;
        Ok(Outcome::Saved(state.revision()))
    }
}
