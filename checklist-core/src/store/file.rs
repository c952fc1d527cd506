//! The embedded default store: one JSON file, written atomically (temp file in the same
//! directory, fsync, rename, fsync of the directory) under an advisory lock, so a crash
//! leaves either the old or the new document, never a torn one.
//!
//! The path is resolved once per operation: a state path that is a symbolic link means
//! the file it points to, and the lock, the temp file and the rename are all on that
//! real file, so writers using the link and writers using the target exclude each other
//! and the link stays a link. The lock file is opened without following links (a lock
//! name planted as a link to another file cannot make the store create or truncate that
//! file), and is removed again when nothing was stored, so a refused first change leaves
//! nothing behind.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::{Decision, Outcome, Step, Store, StoreError, run_change};
use crate::clock::{Clock, SystemClock};
use crate::document::{Document, LoadLimits, Loaded, StateError, json_error};
use crate::spec::Spec;
use crate::state::State;

/// Called once when a writer has waited a second for the lock: the path of the lock
/// file and who waits, so a tool can say so.
pub type OnWait = Arc<dyn Fn(&Path) + Send + Sync>;

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
    lock_timeout: Duration,
    on_wait: Option<OnWait>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .field("lock_timeout", &self.lock_timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct RevisionOnly {
    revision: u64,
}

/// How long a writer waits for another writer's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(120);

/// The most symbolic links followed from a state path (as the kernel's own limit).
const MAX_LINKS: usize = 40;

impl FileStore {
    /// A store for the file at `path` (created on first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore {
            path: path.into(),
            clock: Arc::new(SystemClock),
            limits: LoadLimits::default(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            on_wait: None,
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

    /// Waits at most `timeout` for another writer's lock (default
    /// [`DEFAULT_LOCK_TIMEOUT`]), then fails with [`StoreError::Busy`] having written
    /// nothing; calls `on_wait` once when it has waited a second.
    #[must_use]
    pub fn with_lock_wait(mut self, timeout: Duration, on_wait: Option<OnWait>) -> Self {
        self.lock_timeout = timeout;
        self.on_wait = on_wait;
        self
    }

    /// The file's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file the path means: symbolic links followed to their target (which may not
    /// exist yet: the first save creates it there).
    pub fn real_path(&self) -> Result<PathBuf, StoreError> {
        resolve_links(&self.path).map_err(|e| self.io("cannot follow the symbolic links of", e))
    }

    fn io(&self, what: &'static str, source: std::io::Error) -> StoreError {
        StoreError::Io {
            what,
            location: self.location(),
            source,
        }
    }

    /// Takes the advisory lock that serializes writers of this file, on `real`'s lock
    /// file. Released (and the lock file removed, when nothing is stored) on drop.
    fn lock(&self, real: &Path) -> Result<Lock, StoreError> {
        let path = lock_path(real);
        let started = Instant::now();
        let mut told = false;
        loop {
            let file = open_lock(&path).map_err(|e| self.io("cannot open the lock file of", e))?;
            match file.try_lock() {
                Ok(()) => {
                    // A writer that finished may have removed the file we opened; then
                    // our lock is on a file nobody else opens: open it again.
                    if same_file(&file, &path) {
                        return Ok(Lock {
                            file,
                            path,
                            state: real.to_path_buf(),
                        });
                    }
                    continue;
                }
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => return Err(self.io("cannot lock", e)),
            }
            let waited = started.elapsed();
            if waited >= self.lock_timeout {
                return Err(StoreError::Busy {
                    location: self.location(),
                    lock: path.display().to_string(),
                    waited,
                });
            }
            if !told && waited >= Duration::from_secs(1) {
                told = true;
                if let Some(on_wait) = &self.on_wait {
                    on_wait(&path);
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The stored text, read through the real path; at most `max_bytes + 1` bytes are
    /// read from it, whatever it is, so a device or a huge file cannot exhaust memory.
    fn read(&self, real: &Path) -> Result<Option<String>, StoreError> {
        // Looked at before opening: opening a fifo for reading would wait for a writer.
        match fs::metadata(real) {
            Ok(meta) if !meta.is_file() => return Err(self.not_regular()),
            _ => {}
        }
        let mut file = match File::open(real) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io("cannot read", e)),
        };
        let meta = file.metadata().map_err(|e| self.io("cannot read", e))?;
        if !meta.is_file() {
            return Err(self.not_regular());
        }
        let limit = self.limits.max_bytes;
        // Refuse an oversized file before reading it into memory.
        if meta.len() > limit as u64 {
            return Err(self.too_big(usize::try_from(meta.len()).unwrap_or(usize::MAX)));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        (&mut file)
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.io("cannot read", e))?;
        if bytes.len() > limit {
            // It grew while being read.
            return Err(self.too_big(bytes.len()));
        }
        String::from_utf8(bytes).map(Some).map_err(|e| {
            self.state_error(StateError::Json {
                line: 1,
                column: e.utf8_error().valid_up_to() + 1,
                message: "the state file is not UTF-8".into(),
            })
        })
    }

    fn too_big(&self, size: usize) -> StoreError {
        self.state_error(StateError::Limit {
            what: "size in bytes",
            size,
            limit: self.limits.max_bytes,
            field: "max_bytes",
        })
    }

    fn not_regular(&self) -> StoreError {
        self.io(
            "the state path is not a regular file:",
            std::io::Error::other("a state file must be a regular file (or a link to one)"),
        )
    }

    fn stored_revision(&self, real: &Path) -> Result<Option<u64>, StoreError> {
        let Some(text) = self.read(real)? else {
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
        let real = self.real_path()?;
        self.document_at(&real)
    }

    fn document_at(&self, real: &Path) -> Result<Option<Document>, StoreError> {
        let Some(text) = self.read(real)? else {
            return Ok(None);
        };
        Document::from_json(&text, &self.limits)
            .map(Some)
            .map_err(|e| self.state_error(e))
    }

    fn save_locked(
        &self,
        real: &Path,
        state: &State,
        based_on: Option<u64>,
    ) -> Result<(), StoreError> {
        let found = self.stored_revision(real)?;
        if found != based_on {
            return Err(StoreError::Conflict {
                location: self.location(),
                expected: based_on,
                found: found.unwrap_or(0),
            });
        }
        remove_stale_temp_files(real);
        write_atomically(real, state.to_json().as_bytes()).map_err(|e| self.io("cannot write", e))
    }
}

/// The file `path` means: symbolic links at it followed (relative ones from the link's
/// directory) to a path that is not a link, which may not exist yet. Writing there,
/// rather than at `path`, keeps a link a link.
///
/// ```
/// # #[cfg(unix)] {
/// let dir = std::env::temp_dir().join(format!("checklist-links-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let _ = std::fs::remove_file(dir.join("a"));
/// std::os::unix::fs::symlink("b", dir.join("a"))?;
/// assert_eq!(checklist_core::store::resolve_links(&dir.join("a"))?, dir.join("b"));
/// # std::fs::remove_dir_all(&dir)?;
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other(format!(
        "more than {MAX_LINKS} levels of symbolic links"
    )))
}

/// A held lock on a state file's lock file.
struct Lock {
    file: File,
    path: PathBuf,
    state: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Nothing stored: nothing left behind. Removed while still locked, so a writer
        // that opened it meanwhile notices (the path no longer leads to its file) and
        // opens it again.
        if fs::symlink_metadata(&self.state).is_err() {
            let _ = fs::remove_file(&self.path);
        }
        let _ = self.file.unlock();
    }
}

fn lock_path(real: &Path) -> PathBuf {
    let mut name = real.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    real.with_file_name(name)
}

/// Opens (creating) a lock file without following a symbolic link at its name, and
/// refuses anything but a regular file there.
fn open_lock(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW).mode(0o644);
    }
    #[cfg(not(unix))]
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other("the lock file is a symbolic link"));
    }
    let file = options.open(path).map_err(|e| {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            std::io::Error::other(format!(
                "`{}` is a symbolic link; a lock file must not be one (remove it)",
                path.display()
            ))
        } else {
            e
        }
    })?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(format!(
            "`{}` is not a regular file",
            path.display()
        )));
    }
    Ok(file)
}

/// Whether `path` still names the file `file` has open.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// Temp files left by writers that died mid-save. Only a writer holding the lock
/// creates one, and we hold it now, so every temp file there is stale.
fn remove_stale_temp_files(real: &Path) {
    let prefix = temp_prefix(real);
    if let Ok(entries) = fs::read_dir(dir_of(real)) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Replaces the file at `path` with `bytes` so that a crash leaves either the old file or
/// the new one, never a mix: writes a temp file in the same directory, fsyncs it, renames
/// it over `path`, and fsyncs the directory. This is how [`FileStore`] saves; the CLI
/// writes rendered Markdown the same way. `path` must be the real file (a symbolic link
/// there would be replaced by the file, not followed).
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
    let dir = dir_of(path);
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
        let real = self.real_path()?;
        let _lock = self.lock(&real)?;
        self.save_locked(&real, state, expected)
    }

    /// Holds the file's lock from the load to the save, so concurrent updates from
    /// other processes are serialized rather than retried.
    fn transact(
        &self,
        spec: &Arc<Spec>,
        change: &mut dyn FnMut(&mut State) -> Decision,
    ) -> Result<Outcome, StoreError> {
        let real = self.real_path()?;
        let _lock = self.lock(&real)?;
        let loaded = self.state_from(spec, self.document_at(&real)?)?;
        let (state, expected) = match run_change(loaded, change) {
            Step::Finished(outcome) => return Ok(outcome),
            Step::Save { state, expected } => (state, expected),
        };
        self.save_locked(&real, &state, expected)?;
        Ok(Outcome::Saved(state.revision()))
    }
}
