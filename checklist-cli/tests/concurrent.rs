//! Two writers on one state file: two loops of `checklist complete`, running at the same
//! time on different items, lose nothing and leave a log that verifies.

mod common;

use std::process::Command;

use common::{STATE, Session};
use serde_json::Value;

const PER_WRITER: usize = 100;

/// A checklist of 210 tasks in two sections (more than the seed's 170).
fn load_checklist() -> String {
    let mut md = String::from("# Load\n\n");
    for section in ["Alpha", "Beta"] {
        md.push_str(&format!("## {section}\n\n"));
        for i in 0..105 {
            md.push_str(&format!("- [ ] Task {i:03}\n"));
        }
        md.push('\n');
    }
    md
}

/// Completes each id with its own process, one after the other.
fn complete_each(dir: std::path::PathBuf, ids: Vec<String>, by: &'static str) -> Vec<String> {
    let mut failures = Vec::new();
    for id in ids {
        let out = Command::new(env!("CARGO_BIN_EXE_checklist"))
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .env_remove("CHECKLIST_FIXED_TIME")
            .args(["complete", "load.md", &id, "--state", STATE, "--by", by])
            .output()
            .expect("the binary runs");
        if !out.status.success() {
            failures.push(format!("{id}: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    failures
}

#[test]
fn two_processes_completing_different_items_lose_nothing() {
    let s = Session::new();
    s.write("load.md", &load_checklist());
    let ids = |section: &str| -> Vec<String> {
        (0..PER_WRITER)
            .map(|i| format!("{section}/task-{i:03}"))
            .collect()
    };
    let (a, b) = (ids("alpha"), ids("beta"));
    let (dir_a, dir_b) = (s.dir.path().to_path_buf(), s.dir.path().to_path_buf());
    let writer_a = std::thread::spawn(move || complete_each(dir_a, a, "alice"));
    let writer_b = std::thread::spawn(move || complete_each(dir_b, b, "bob"));
    let mut failures = writer_a.join().expect("writer a");
    failures.extend(writer_b.join().expect("writer b"));
    assert!(
        failures.is_empty(),
        "refused or failed:\n{}",
        failures.join("\n")
    );

    let state = s.state();
    assert_eq!(state["revision"], 200);
    let items = state["items"].as_object().expect("items");
    assert_eq!(items.len(), 210);
    let done: Vec<&String> = items
        .iter()
        .filter(|(_, v)| v["status"] == "done")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(done.len(), 2 * PER_WRITER);
    assert!(
        items["alpha/task-104"]["status"] == "pending"
            && items["beta/task-100"]["status"] == "pending"
    );
    let events = state["events"].as_array().expect("events");
    assert_eq!(events.len(), 200);
    for (who, section) in [("alice", "alpha/"), ("bob", "beta/")] {
        let theirs: Vec<&Value> = events.iter().filter(|e| e["actor"] == who).collect();
        assert_eq!(theirs.len(), PER_WRITER);
        assert!(
            theirs
                .iter()
                .all(|e| e["item"].as_str().unwrap_or_default().starts_with(section))
        );
    }

    let log = s.run(&["log", "load.md", "--state", STATE]).code(0);
    assert_eq!(log.stdout.lines().count(), 201);
    let last = log.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("200 events, revision 200; hash chain verified"),
        "{last}"
    );
    s.run(&["gate", "load.md", "complete", "--state", STATE])
        .code(1);
}
