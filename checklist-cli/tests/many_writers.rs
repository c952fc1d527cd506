//! Many writers on one database run: 8 processes each make 100 `checklist complete`s of
//! their own items through the built binary, against SQLite and against PostgreSQL
//! (`CHECKLIST_TEST_POSTGRES`; skipped, saying so, when it is unset). Every item must end
//! done with exactly one event, and the log must verify: no update lost.
//!
//! `scripts/many-writers.sh` runs the same at a larger scale and kills random writers
//! with SIGKILL meanwhile: `CHECKLIST_MANY_WRITERS`, `CHECKLIST_MANY_UPDATES` and
//! `CHECKLIST_MANY_KILLS` set the counts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A checklist with a section of `per` tasks for each of `writers` writers.
fn checklist(writers: usize, per: usize) -> String {
    let mut md = String::from("# Many\n\n");
    for w in 0..writers {
        md.push_str(&format!("## Writer {w}\n\n"));
        for i in 0..per {
            md.push_str(&format!("- [ ] Task {i:04}\n"));
        }
        md.push('\n');
    }
    md
}

fn checklist_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_checklist"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CHECKLIST_FIXED_TIME")
        .env_remove("CHECKLIST_STATE")
        .env_remove("CHECKLIST_RUN")
        .args(args);
    cmd
}

/// The child a writer is running now, for the killer.
type Slot = Arc<Mutex<Option<Child>>>;

/// What one writer saw.
#[derive(Default)]
struct Seen {
    failures: Vec<String>,
    /// Completes whose process was killed and that had saved anyway (the retry found
    /// the item done).
    saved_before_kill: usize,
    killed: usize,
}

/// Completes `ids` one process at a time; a killed process is run again for its item.
fn writer(dir: PathBuf, state: String, ids: Vec<String>, by: String, slot: Slot) -> Seen {
    let mut seen = Seen::default();
    for id in ids {
        let mut was_killed = false;
        loop {
            let child = checklist_cmd(
                &dir,
                &["complete", "many.md", &id, "--state", &state, "--by", &by],
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
            *slot.lock().expect("slot") = Some(child);
            let status = loop {
                {
                    let mut guard = slot.lock().expect("slot");
                    if let Some(child) = guard.as_mut()
                        && let Some(status) = child.try_wait().expect("wait")
                    {
                        break status;
                    }
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            let child = slot.lock().expect("slot").take().expect("the child");
            let stderr = child
                .wait_with_output()
                .map(|o| o.stderr)
                .unwrap_or_default();
            let stderr = String::from_utf8_lossy(&stderr).into_owned();
            #[cfg(unix)]
            let killed = std::os::unix::process::ExitStatusExt::signal(&status) == Some(9);
            #[cfg(not(unix))]
            let killed = false;
            if killed {
                seen.killed += 1;
                was_killed = true;
                continue;
            }
            match status.code() {
                Some(0) => {}
                // Its killed predecessor had committed: the item is done already.
                Some(1) if was_killed && stderr.contains("(done)") => seen.saved_before_kill += 1,
                _ => seen.failures.push(format!("{id}: {status}: {stderr}")),
            }
            break;
        }
    }
    seen
}

/// Runs the writers against `state`, checks the outcome and returns the summary line.
fn many_writers(what: &str, state: &str) -> String {
    let writers = count("CHECKLIST_MANY_WRITERS", 8);
    let per = count("CHECKLIST_MANY_UPDATES", 100);
    let kills = count("CHECKLIST_MANY_KILLS", 0);
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("many.md"), checklist(writers, per)).expect("write");
    let started = Instant::now();
    let slots: Vec<Slot> = (0..writers).map(|_| Arc::new(Mutex::new(None))).collect();
    let done = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicUsize::new(0));
    let killer = {
        let (slots, done, killed) = (slots.clone(), done.clone(), killed.clone());
        std::thread::spawn(move || {
            let mut rng = 0x2545_F491_4F6C_DD1Du64;
            let mut next = move |n: u64| {
                rng ^= rng >> 12;
                rng ^= rng << 25;
                rng ^= rng >> 27;
                rng.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
            };
            while killed.load(Ordering::Relaxed) < kills && !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(2 + next(30)));
                let slot = &slots[next(slots.len() as u64) as usize];
                let mut guard = slot.lock().expect("slot");
                if let Some(child) = guard.as_mut()
                    && matches!(child.try_wait(), Ok(None))
                    && child.kill().is_ok()
                {
                    killed.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let ids = (0..per)
                .map(|i| format!("writer-{w}/task-{i:04}"))
                .collect();
            let (dir, state, slot) = (
                dir.path().to_path_buf(),
                state.to_string(),
                slots[w].clone(),
            );
            std::thread::spawn(move || writer(dir, state, ids, format!("w{w}"), slot))
        })
        .collect();
    let seen: Vec<Seen> = handles
        .into_iter()
        .map(|h| h.join().expect("a writer"))
        .collect();
    done.store(true, Ordering::Relaxed);
    killer.join().expect("the killer");
    let elapsed = started.elapsed();
    let failures: Vec<&String> = seen.iter().flat_map(|s| &s.failures).collect();
    assert!(
        failures.is_empty(),
        "{what}: failed completes:\n{failures:#?}"
    );

    // Every item done, by its writer, with exactly one event; the log verifies.
    let total = writers * per;
    let log = checklist_cmd(dir.path(), &["log", "many.md", "--json", "--state", state])
        .output()
        .expect("log runs");
    assert!(
        log.status.success(),
        "{what}: log: {}",
        String::from_utf8_lossy(&log.stderr)
    );
    let events: Vec<Value> = serde_json::from_slice(&log.stdout).expect("JSON");
    let mut per_item: HashMap<&str, Vec<&Value>> = HashMap::new();
    for e in &events {
        per_item
            .entry(e["item"].as_str().unwrap_or_default())
            .or_default()
            .push(e);
    }
    let status = checklist_cmd(
        dir.path(),
        &["status", "many.md", "--json", "--state", state],
    )
    .output()
    .expect("status runs");
    let status: Value = serde_json::from_slice(&status.stdout).expect("JSON");
    let items_done = status["progress"]["done"].as_u64().unwrap_or(0) as usize;
    let lost = (0..writers)
        .flat_map(|w| (0..per).map(move |i| format!("writer-{w}/task-{i:04}")))
        .filter(|id| per_item.get(id.as_str()).is_none_or(|e| e.len() != 1))
        .count();
    assert_eq!(lost, 0, "{what}: items without exactly one event");
    assert_eq!(events.len(), total, "{what}: one event per complete");
    assert_eq!(items_done, total, "{what}: every item is done");
    assert!(
        events.iter().all(|e| {
            let item = e["item"].as_str().unwrap_or_default();
            let w = item
                .strip_prefix("writer-")
                .and_then(|r| r.split('/').next());
            e["actor"].as_str().and_then(|a| a.strip_prefix('w')) == w
        }),
        "{what}: every item was done by its own writer"
    );
    let text = checklist_cmd(dir.path(), &["log", "many.md", "--state", state])
        .output()
        .expect("log runs");
    let text = String::from_utf8_lossy(&text.stdout);
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!(
            "{total} events, revision {total}; hash chain verified"
        )),
        "{what}: {last}"
    );
    let switches = events
        .windows(2)
        .filter(|p| p[0]["actor"] != p[1]["actor"])
        .count();
    let killed: usize = seen.iter().map(|s| s.killed).sum();
    let saved_before_kill: usize = seen.iter().map(|s| s.saved_before_kill).sum();
    format!(
        "many writers ({what}): {writers} x {per} completes in {:.1}s ({:.0} completes/s); \
         {items_done} items done, {} events, hash chain verified; lost updates: 0; writer \
         switches in the log: {switches}; kills: {killed} ({saved_before_kill} had committed, \
         {} had not)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        events.len(),
        killed - saved_before_kill
    )
}

fn report(line: &str) {
    use std::io::Write;
    // Past the harness's capture, for scripts/many-writers.sh and the curious.
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn many_processes_completing_through_sqlite_lose_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let state = format!("sqlite:{}", dir.path().join("runs.db").display());
    report(&many_writers("sqlite", &state));
}

#[test]
fn many_processes_completing_through_postgres_lose_nothing() {
    let base = match std::env::var("CHECKLIST_TEST_POSTGRES") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => {
            assert!(
                std::env::var("CHECKLIST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "CHECKLIST_REQUIRE_POSTGRES=1 but CHECKLIST_TEST_POSTGRES is unset"
            );
            report(
                "SKIPPED many_processes_completing_through_postgres_lose_nothing: \
                 CHECKLIST_TEST_POSTGRES is unset, so this PostgreSQL test did not run",
            );
            return;
        }
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = format!("checklist_many_{}_{nanos}", std::process::id());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to CHECKLIST_TEST_POSTGRES: {e}"));
    admin
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .expect("create the schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let result = std::panic::catch_unwind(|| many_writers("postgres", &url));
    let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    match result {
        Ok(line) => report(&line),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
