//! The embedded default store: one JSON file, written atomically (temp file in the same
//! directory, fsync, rename, fsync of the directory) under an advisory lock, so a crash
//! leaves either the old or the new document, never a torn one.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::{Decision, Outcome, Step, Store, StoreError, run_change};
use crate::clock::{Clock, SystemClock};
use crate::document::{Document, LoadLimits, Loaded, StateError, json_error};
use crate::spec::Spec;
use crate::state::State;

/// The default store: one JSON file.
///
/// ```
/// use std::sync::Arc;
/// use checklist_core::{Actor, Spec, Store, store::FileStore};
/// let dir = std::env::temp_dir().join(format!("checklist-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let store = FileStore::new(dir.join("state.json"));
/// let spec = Arc::new(Spec::parse("- [ ] a\n- [ ] b\n")?);
/// let a = spec.index_of("a").unwrap();
///
/// // Load (nothing yet: a fresh state), change, save; all under the file's lock.
/// store.update(&spec, |state| state.complete(a, &Actor::new("ann")))?;
/// let loaded = store.load(&spec)?;
/// assert_eq!(loaded.state.revision(), 1);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FileStore {
    path: PathBuf,
    clock: Arc<dyn Clock>,
    limits: LoadLimits,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct RevisionOnly {
    revision: u64,
}

impl FileStore {
    /// A store for the file at `path` (created on first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore {
            path: path.into(),
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

    /// Loads with these resource limits.
    #[must_use]
    pub fn with_limits(mut self, limits: LoadLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, what: &'static str, source: std::io::Error) -> StoreError {
        StoreError::Io {
            what,
            location: self.location(),
            source,
        }
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        self.path.with_file_name(name)
    }

    /// Takes the advisory lock that serializes writers of this file. Released on drop.
    fn lock(&self) -> Result<File, StoreError> {
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.lock_path())
            .map_err(|e| self.io("cannot create the lock file for", e))?;
        lock.lock().map_err(|e| self.io("cannot lock", e))?;
        Ok(lock)
    }

    fn read(&self) -> Result<Option<String>, StoreError> {
        // Refuse an oversized file before reading it into memory.
        if let Ok(meta) = fs::metadata(&self.path)
            && meta.len() > self.limits.max_bytes as u64
        {
            return Err(self.state_error(StateError::Limit {
                what: "size in bytes",
                size: usize::try_from(meta.len()).unwrap_or(usize::MAX),
                limit: self.limits.max_bytes,
                field: "max_bytes",
            }));
        }
        match fs::read_to_string(&self.path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io("cannot read", e)),
        }
    }

    fn stored_revision(&self) -> Result<Option<u64>, StoreError> {
        let Some(text) = self.read()? else {
            return Ok(None);
        };
        serde_json::from_str::<RevisionOnly>(&text)
            .map(|r| Some(r.revision))
            .map_err(|e| self.state_error(json_error(&e)))
    }

    fn state_error(&self, source: StateError) -> StoreError {
        StoreError::State {
            location: self.location(),
            source,
        }
    }

    fn state_from(&self, spec: &Arc<Spec>, doc: Option<Document>) -> Result<Loaded, StoreError> {
        let Some(doc) = doc else {
            return Ok(Loaded::fresh(
                State::new(spec.clone()).with_clock(self.clock.clone()),
            ));
        };
        // The clock goes in before the load: a migration stamps its events with it.
        State::from_document_with_clock(spec.clone(), doc, self.clock.clone())
            .map_err(|e| self.state_error(e))
    }

    /// The stored document, or `None` when the file does not exist yet.
    pub fn load_document(&self) -> Result<Option<Document>, StoreError> {
        let Some(text) = self.read()? else {
            return Ok(None);
        };
        Document::from_json(&text, &self.limits)
            .map(Some)
            .map_err(|e| self.state_error(e))
    }

    fn save_locked(&self, state: &State, based_on: Option<u64>) -> Result<(), StoreError> {
        let found = self.stored_revision()?;
        if found != based_on {
            return Err(StoreError::Conflict {
                location: self.location(),
                expected: based_on,
                found: found.unwrap_or(0),
            });
        }
        self.remove_stale_temp_files();
        self.write_atomically(state.to_json().as_bytes())
    }

    /// Temp files left by writers that died mid-save. Only a writer holding the lock
    /// creates one, and we hold it now, so every temp file there is stale.
    fn remove_stale_temp_files(&self) {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let prefix = temp_prefix(&self.path);
        if let Ok(entries) = fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }

    fn write_atomically(&self, bytes: &[u8]) -> Result<(), StoreError> {
        write_atomically(&self.path, bytes).map_err(|e| self.io("cannot write", e))
    }
}

/// Replaces the file at `path` with `bytes` so that a crash leaves either the old file or
/// the new one, never a mix: writes a temp file in the same directory, fsyncs it, renames
/// it over `path`, and fsyncs the directory. This is how [`FileStore`] saves; the CLI
/// writes rendered Markdown the same way.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("checklist-atomic-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("out.md");
/// checklist_core::store::write_atomically(&path, b"- [x] done\n")?;
/// assert_eq!(std::fs::read(&path)?, b"- [x] done\n");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        "{}{}-{}",
        temp_prefix(path),
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// How temp files for `path` start: `.NAME.tmp-`.
fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.tmp-",
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

impl Store for FileStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn load(&self, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
        let doc = self.load_document()?;
        self.state_from(spec, doc)
    }

    fn save(&self, state: &State, expected: Option<u64>) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        self.save_locked(state, expected)
    }

    /// Holds the file's lock from the load to the save, so concurrent updates from
    /// other processes are serialized rather than retried.
    fn transact(
        &self,
        spec: &Arc<Spec>,
        change: &mut dyn FnMut(&mut State) -> Decision,
    ) -> Result<Outcome, StoreError> {
        let _lock = self.lock()?;
        let doc = self.load_document()?;
        let loaded = self.state_from(spec, doc)?;
        let (state, expected) = match run_change(loaded, change) {
            Step::Finished(outcome) => return Ok(outcome),
            Step::Save { state, expected } => (state, expected),
        };
        self.save_locked(&state, expected)?;
        Ok(Outcome::Saved(state.revision()))
    }
}
