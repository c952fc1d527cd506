//! Running checks: the [`CheckRunner`] trait, the process-running [`ProcessRunner`], and
//! [`from_fn`] for checks an embedder runs in its own process.
//!
//! A runner turns a [`Check`] into [`Evidence`]; [`State::record_check`] records it under
//! the same rules whoever ran it. The command always comes from the checklist (the
//! [`Check`] is part of the [`Spec`](crate::Spec)); nothing read from a state is ever
//! run.
//!
//! An embedder that verifies in-process, e.g. by probing a health endpoint:
//!
//! ```
//! use checklist_core::{Actor, Spec, State, Status, check};
//!
//! let spec = Spec::parse(
//!     "+++\n[checks.service-is-healthy]\nrun = \"curl -fsS http://localhost/health\"\n+++\n\
//!      - [ ] Service is healthy\n",
//! )?;
//! let mut state = State::new(spec);
//! let item = state.spec().index_of("service-is-healthy").unwrap();
//! // Instead of running the command, ask the service directly.
//! let probe = check::from_fn(|_check| Ok::<_, String>("200 OK\n".to_string()));
//! state.verify(item, &Actor::new("deploy-bot"), &probe)?;
//! assert_eq!(state.item(item).status(), Status::Done);
//! assert!(state.item(item).run().unwrap().output_tail.contains("200 OK"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`State::record_check`]: crate::State::record_check

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::clock::{Clock, SystemClock};
pub use crate::spec::check::{Check, DEFAULT_TIMEOUT, definition_digest};
pub use crate::state::evidence::TAIL_BYTES;

/// How long a run's output is still read after its process group is gone.
pub const OUTPUT_GRACE: Duration = Duration::from_secs(2);
use crate::state::{Capture, Evidence, Outcome, TransitionError};

/// Runs a check and returns the evidence of the run.
///
/// A failed or timed-out run is evidence too (an `Ok` with its [`Outcome`]); an `Err`
/// means the check could not be run at all (`sh` could not be started).
pub trait CheckRunner: Send + Sync {
    /// Runs `check` once.
    fn run(&self, check: &Check) -> Result<Evidence, RunError>;
}

/// Why a check could not be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not run the check of `{item}`: {why}")]
pub struct RunError {
    /// The task.
    pub item: String,
    /// What went wrong.
    pub why: String,
}

/// Why [`State::verify`](crate::State::verify) recorded nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The check could not be run.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The run could not be recorded.
    #[error(transparent)]
    Refused(#[from] TransitionError),
}

/// Runs each check as `sh -c RUN` in a directory (the checklist's), stdin closed,
/// stdout and stderr captured as one stream (hashed whole, the last
/// [`TAIL_BYTES`] kept), in a process group of its own. On timeout the whole group is
/// killed with `SIGKILL` (a process that ignores `SIGTERM` dies too); when `sh` exits,
/// whatever it left running in its group is killed as well.
///
/// The environment is the caller's, plus `CHECKLIST_ITEM` (the task's id) and whatever
/// [`ProcessRunner::env`] adds.
///
/// A process that leaves the group (`setsid`) and keeps the output open is not waited
/// for beyond [`OUTPUT_GRACE`] once the group is gone: the evidence has what it printed
/// until then.
#[derive(Clone)]
pub struct ProcessRunner {
    dir: PathBuf,
    env: Vec<(OsString, OsString)>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for ProcessRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessRunner")
            .field("dir", &self.dir)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl ProcessRunner {
    /// Runs checks in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ProcessRunner {
            dir: dir.into(),
            env: Vec::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Adds a variable to every check's environment.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Dates runs by `clock` (their durations are measured, whatever the clock).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

impl CheckRunner for ProcessRunner {
    fn run(&self, check: &Check) -> Result<Evidence, RunError> {
        let fail = |why: String| RunError {
            item: check.item_id().to_string(),
            why,
        };
        let (mut reader, writer) =
            std::io::pipe().map_err(|e| fail(format!("no pipe for its output: {e}")))?;
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(check.run())
            .current_dir(&self.dir)
            .env("CHECKLIST_ITEM", check.item_id())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(
                writer
                    .try_clone()
                    .map_err(|e| fail(format!("no pipe for its output: {e}")))?,
            )
            .stderr(writer);
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let started = self.clock.now();
        let clock = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| fail(format!("`sh` did not start in {}: {e}", self.dir.display())))?;
        // The command holds the pipe's writing ends: the output ends when the check's
        // processes are gone, not before.
        drop(command);
        let capture = Arc::new(Mutex::new(Capture::default()));
        let (done, finished) = mpsc::channel::<()>();
        let into = capture.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        if let Ok(mut capture) = into.lock() {
                            capture.write(&buf[..n]);
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = done.send(());
        });
        let mut pause = Duration::from_millis(1);
        let outcome = loop {
            match child.try_wait() {
                Ok(Some(status)) => break outcome_of(status),
                Ok(None) => {}
                Err(e) => {
                    kill_group(&mut child);
                    let _ = child.wait();
                    return Err(fail(format!("lost track of it: {e}")));
                }
            }
            let elapsed = clock.elapsed();
            if elapsed >= check.timeout() {
                kill_group(&mut child);
                let _ = child.wait();
                break Outcome::Timeout;
            }
            std::thread::sleep(pause.min(check.timeout() - elapsed));
            pause = (pause * 2).min(Duration::from_millis(20));
        };
        let duration = clock.elapsed();
        // Whatever it left behind in its group holds the output open.
        kill_group(&mut child);
        let _ = finished.recv_timeout(OUTPUT_GRACE);
        let capture = capture
            .lock()
            .map(|c| c.clone())
            .map_err(|_| fail("its output could not be read".into()))?;
        Ok(capture.finish(check, started, duration, outcome))
    }
}

#[cfg(unix)]
fn kill_group(child: &mut std::process::Child) {
    use rustix::process::{Pid, Signal, kill_process_group};
    // ESRCH (the group is gone) is the usual answer after a clean exit.
    let _ = kill_process_group(Pid::from_child(child), Signal::KILL);
}

#[cfg(not(unix))]
fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

fn outcome_of(status: std::process::ExitStatus) -> Outcome {
    if let Some(code) = status.code() {
        return Outcome::Exit(code);
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return Outcome::Signal(signal);
    }
    Outcome::Exit(-1)
}

/// A runner from a closure that checks in-process: `Ok(output)` passes (recorded as
/// exit status 0), `Err(output)` fails (exit status 1). The run is timed and dated by
/// the system clock; the output is hashed and its tail kept like a process's.
pub fn from_fn<F, E>(f: F) -> FnRunner<F>
where
    F: Fn(&Check) -> Result<String, E> + Send + Sync,
    E: std::fmt::Display,
{
    FnRunner {
        f,
        clock: Arc::new(SystemClock),
    }
}

/// The runner [`from_fn`] makes.
pub struct FnRunner<F> {
    f: F,
    clock: Arc<dyn Clock>,
}

impl<F> FnRunner<F> {
    /// Dates runs by `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

impl<F> std::fmt::Debug for FnRunner<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnRunner").finish_non_exhaustive()
    }
}

impl<F, E> CheckRunner for FnRunner<F>
where
    F: Fn(&Check) -> Result<String, E> + Send + Sync,
    E: std::fmt::Display,
{
    fn run(&self, check: &Check) -> Result<Evidence, RunError> {
        let started = self.clock.now();
        let clock = Instant::now();
        let (outcome, output) = match (self.f)(check) {
            Ok(output) => (Outcome::Exit(0), output),
            Err(e) => (Outcome::Exit(1), e.to_string()),
        };
        Ok(Evidence::new(
            check,
            started,
            clock.elapsed(),
            outcome,
            output.as_bytes(),
        ))
    }
}
