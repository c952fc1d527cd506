//! Two processes write one state file at the same time, each completing its own items
//! through `FileStore::update`, while this process keeps reading the file. No update may
//! be lost and no read may see a torn or unloadable file.
//!
//! The writers are this test binary re-executed in a writer mode (the ignored
//! `two_writers_child`, which does nothing unless its environment says where to write).
//! `CHECKLIST_TWO_WRITERS_UPDATES` sets the updates per writer (default 50, so that
//! `cargo test` stays quick); `scripts/reliability.sh` runs it with 1,000.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use checklist_md::{
    Actor, FileStore, ParseOptions, Spec, State, Status, Store, parse, verify_chain,
};

const PATH_ENV: &str = "CHECKLIST_TWO_WRITERS_PATH";
const WRITER_ENV: &str = "CHECKLIST_TWO_WRITERS_WRITER";
const UPDATES_ENV: &str = "CHECKLIST_TWO_WRITERS_UPDATES";

fn updates_per_writer() -> usize {
    std::env::var(UPDATES_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}

/// A checklist of `2 * n` tasks; writer `w` completes tasks `w`, `w + 2`, `w + 4`...
fn spec(n: usize) -> Arc<Spec> {
    let md: String = std::iter::once("# Two writers\n\n".to_string())
        .chain((0..2 * n).map(|k| format!("- [ ] Task {k}\n")))
        .collect();
    Arc::new(
        parse(&md, &ParseOptions::new("two-writers.md"))
            .unwrap_or_else(|e| panic!("{e}"))
            .spec,
    )
}

#[test]
#[ignore = "run as a child process by two_processes_updating_one_file_lose_nothing"]
fn two_writers_child() {
    let Some(path) = std::env::var_os(PATH_ENV) else {
        return;
    };
    let writer: usize = std::env::var(WRITER_ENV).unwrap().parse().unwrap();
    let n = updates_per_writer();
    let spec = spec(n);
    let store = FileStore::new(path);
    let actor = Actor::new(format!("writer-{writer}"));
    for k in 0..n {
        let item = spec.index_of(&format!("task-{}", 2 * k + writer)).unwrap();
        store
            .update(&spec, |state| state.complete(item, &actor))
            .unwrap_or_else(|e| panic!("writer {writer}, update {k}: {e}"));
    }
}

fn spawn_writer(path: &Path, writer: usize, n: usize) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "two_writers_child",
            "--ignored",
            "--test-threads=1",
            "--quiet",
        ])
        .env(PATH_ENV, path)
        .env(WRITER_ENV, writer.to_string())
        .env(UPDATES_ENV, n.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

#[test]
fn two_processes_updating_one_file_lose_nothing() {
    let n = updates_per_writer();
    let spec = spec(n);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let started = Instant::now();
    let mut writers = [spawn_writer(&path, 0, n), spawn_writer(&path, 1, n)];

    // Read the file as fast as we can while they write: every read must load and verify,
    // and the revision must never go back.
    let (mut reads, mut torn, mut backwards) = (0u64, 0u64, 0u64);
    let mut seen = BTreeSet::new();
    let mut last = 0;
    let deadline = started + Duration::from_secs(600);
    let mut running = 2;
    while running > 0 {
        running = writers
            .iter_mut()
            .map(|w| w.try_wait().unwrap().is_none())
            .filter(|&still| still)
            .count();
        assert!(
            Instant::now() < deadline,
            "the writers did not finish in time"
        );
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
            Err(e) => panic!("{e}"),
        };
        reads += 1;
        match State::from_json(&spec, &text) {
            Ok(loaded) => {
                let revision = loaded.state.revision();
                if revision < last {
                    backwards += 1;
                }
                last = revision;
                seen.insert(revision);
            }
            Err(e) => {
                eprintln!("torn or unloadable read: {e}");
                torn += 1;
            }
        }
    }
    for (k, w) in writers.iter_mut().enumerate() {
        let status = w.wait().unwrap();
        assert!(status.success(), "writer {k} failed: {status}");
    }
    let elapsed = started.elapsed();

    let store = FileStore::new(&path);
    let state = store.load(&spec).unwrap().state;
    let done = state
        .items()
        .iter()
        .filter(|s| s.status() == Status::Done)
        .count();
    let lost = 2 * n - done;
    verify_chain(state.events()).unwrap();
    // Each item was completed by its own writer, once.
    for e in state.events() {
        let k: usize = e.item.strip_prefix("task-").unwrap().parse().unwrap();
        assert_eq!(&*e.actor, format!("writer-{}", k % 2), "{}", e.item);
    }
    // How often the log switches from one writer to the other: the updates interleaved.
    let switches = state
        .events()
        .windows(2)
        .filter(|w| w[0].actor != w[1].actor)
        .count();
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp-")
        })
        .count();
    eprintln!(
        "two writers: 2 x {n} updates in {elapsed:.1?}; final revision {}; {reads} reads \
         saw {} distinct revisions; the log switches writer {switches} times; lost updates: \
         {lost}; torn reads: {torn}; revision went back: {backwards}; temp files left: \
         {leftovers}",
        state.revision(),
        seen.len(),
    );
    assert_eq!(lost, 0, "lost updates");
    assert_eq!(torn, 0, "torn or unloadable reads");
    assert_eq!(backwards, 0, "the revision went backwards");
    assert_eq!(state.revision(), 2 * n as u64);
    assert_eq!(state.events().len(), 2 * n);
    assert_eq!(leftovers, 0);
}
