//! Persistence: a small [`Store`] trait and the embedded default, [`FileStore`].
//!
//! A save names the revision it was based on; the store refuses it with
//! [`StoreError::Conflict`] when the stored document has moved on, so two writers never
//! lose each other's update. [`FileStore`] writes atomically (temp file in the same
//! directory, fsync, rename, fsync of the directory) under an advisory lock, so a crash
//! leaves either the old or the new document, never a torn one.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::clock::{Clock, SystemClock};
use crate::document::{Document, LoadLimits, Loaded, StateError};
use crate::spec::Spec;
use crate::state::State;

/// Why loading or saving failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The storage could not be read or written.
    #[error("{what} `{path}`: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The stored document does not load.
    #[error("`{path}`: {source}")]
    State {
        /// The path.
        path: String,
        /// Why.
        source: StateError,
    },
    /// Someone else saved since this state was loaded; nothing was written.
    #[error(
        "`{path}` changed since it was read (revision {found}, expected {}); nothing was written",
        expected.map_or("none".to_string(), |r| r.to_string())
    )]
    Conflict {
        /// The path.
        path: String,
        /// The revision the save was based on (`None`: a new file).
        expected: Option<u64>,
        /// The revision found.
        found: u64,
    },
}

/// Where state documents live. Implement it to keep state in a database; the rest of the
/// library only talks to this trait.
pub trait Store {
    /// The stored document, or `None` when nothing has been stored yet.
    fn load_document(&self) -> Result<Option<Document>, StoreError>;

    /// Stores `state` if the stored revision is still `expected` (`None`: nothing
    /// stored yet); otherwise fails with [`StoreError::Conflict`] and writes nothing.
    fn save_state(&self, state: &State<'_>, expected: Option<u64>) -> Result<(), StoreError>;
}

/// The default store: one JSON file.
///
/// ```
/// use checklist_core::{Actor, Spec, State, store::FileStore};
/// let dir = std::env::temp_dir().join(format!("checklist-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let store = FileStore::new(dir.join("state.json"));
/// let spec = Spec::parse("- [ ] a\n- [ ] b\n")?;
///
/// // Load (nothing yet: a fresh state), change, save; all under the file's lock.
/// store.update(&spec, |state| state.complete(spec.index_of("a").unwrap(), &Actor::new("ann")))?;
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

/// Why [`FileStore::update`] failed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E> {
    /// Loading or saving failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The change itself was refused; nothing was written.
    #[error(transparent)]
    Refused(E),
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
            path: self.path.display().to_string(),
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
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Loads the state for `spec` (a fresh one when the file does not exist yet).
    pub fn load<'s>(&self, spec: &'s Spec) -> Result<Loaded<'s>, StoreError> {
        let doc = self.load_document()?;
        self.state_from(spec, doc)
    }

    fn state_from<'s>(
        &self,
        spec: &'s Spec,
        doc: Option<Document>,
    ) -> Result<Loaded<'s>, StoreError> {
        let loaded = match doc {
            None => Loaded {
                state: State::new(spec),
                migration: None,
            },
            // The clock goes in before the load: a migration stamps its events with it.
            Some(doc) => State::from_document_with_clock(spec, doc, self.clock.clone())
                .map_err(|e| self.state_error(e))?,
        };
        Ok(Loaded {
            state: loaded.state.with_clock(self.clock.clone()),
            migration: loaded.migration,
        })
    }

    /// Saves `state`, which was loaded at revision `based_on` (`None`: a new file).
    pub fn save(&self, state: &State<'_>, based_on: Option<u64>) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        self.save_locked(state, based_on)
    }

    fn save_locked(&self, state: &State<'_>, based_on: Option<u64>) -> Result<(), StoreError> {
        let found = self.stored_revision()?;
        if found != based_on {
            return Err(StoreError::Conflict {
                path: self.path.display().to_string(),
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

    /// Loads, applies `change` and saves, holding the file's lock throughout, so
    /// concurrent updates from other processes are serialized rather than refused.
    /// When `change` fails nothing is written.
    pub fn update<'s, T, E>(
        &self,
        spec: &'s Spec,
        change: impl FnOnce(&mut State<'s>) -> Result<T, E>,
    ) -> Result<T, UpdateError<E>> {
        let _lock = self.lock()?;
        let doc = self.load_document()?;
        let before = doc.as_ref().map(|d| d.revision);
        let Loaded { mut state, .. } = self.state_from(spec, doc)?;
        let before_revision = state.revision();
        let out = change(&mut state).map_err(UpdateError::Refused)?;
        if state.revision() != before_revision || before.is_none() {
            self.save_locked(&state, before)?;
        }
        Ok(out)
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

fn json_error(e: &serde_json::Error) -> StateError {
    StateError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

impl Store for FileStore {
    fn load_document(&self) -> Result<Option<Document>, StoreError> {
        let Some(text) = self.read()? else {
            return Ok(None);
        };
        Document::from_json(&text, &self.limits)
            .map(Some)
            .map_err(|e| self.state_error(e))
    }

    fn save_state(&self, state: &State<'_>, expected: Option<u64>) -> Result<(), StoreError> {
        self.save(state, expected)
    }
}
