//! `checklist verify`: checks run as processes, their evidence in the log, `status`,
//! `gate` and `render`; parallel runs, stale evidence, refusals, and a writer that
//! changes the state while checks run.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{STATE, Session};
use serde_json::Value;

const CHECKED: &str = "checked.md";

fn checklist(checks: &str) -> String {
    format!(
        "+++\n{checks}+++\n# Ship\n\n- [ ] Lint\n- [ ] Tests\n- [ ] Docs\n- [ ] Notes (optional)\n"
    )
}

const TWO: &str = "\
[checks.lint]
run = \"echo clean; test -f checked.md\"
[checks.tests]
run = \"echo 'test result: FAILED. 1 failed' >&2; exit 101\"
timeout = \"30s\"
valid_for = \"24h\"
";

fn verify(s: &Session, args: &[&str]) -> common::Run {
    s.on("verify", CHECKED, &[&["--by", "ci"], args].concat())
}

/// The binary with the system clock (start times must be real).
fn real_clock(s: &Session, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_checklist"));
    cmd.current_dir(s.dir.path())
        .env("NO_COLOR", "1")
        .env_remove("CHECKLIST_FIXED_TIME")
        .args(args);
    cmd
}

#[test]
fn verify_records_passes_and_failures_with_their_evidence() {
    let s = Session::new();
    s.write(CHECKED, &checklist(TWO));
    let run = verify(&s, &[]).code(1);
    assert!(run.stdout.contains("✓ passed lint"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("✗ exit status 101 tests  (0.0 s): test result: FAILED. 1 failed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("2 checks: 1 passed, 1 failed; saved to `"),
        "{}",
        run.stdout
    );
    assert_eq!(s.status_of("lint"), "done");
    assert_eq!(s.status_of("tests"), "failed");
    let state = s.state();
    let run = &state["items"]["tests"]["run"];
    assert_eq!(run["outcome"], serde_json::json!({ "exit": 101 }));
    assert_eq!(
        run["command"],
        "echo 'test result: FAILED. 1 failed' >&2; exit 101"
    );
    assert_eq!(run["output_tail"], "test result: FAILED. 1 failed\n");
    assert!(
        run["output_sha256"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert!(run["definition"].as_str().unwrap().starts_with("sha256:"));

    let log = s.on("log", CHECKED, &[]).code(0).stdout;
    assert!(
        log.contains("ci  verify   lint  pending → done — `echo clean; test -f checked.md` passed"),
        "{log}"
    );
    assert!(log.contains("verify   tests  pending → failed"), "{log}");
    let log: Value =
        serde_json::from_str(&s.on("log", CHECKED, &["--json"]).code(0).stdout).unwrap();
    assert_eq!(log[1]["action"], "verify");
    assert_eq!(log[1]["run"]["outcome"]["exit"], 101);

    let status = s.on("status", CHECKED, &[]).code(0).stdout;
    assert!(
        status.contains("tests  (check failed (exit status 101): test result: FAILED. 1 failed)"),
        "{status}"
    );
    let gate = s.on("gate", CHECKED, &["complete"]).code(1).stdout;
    assert!(
        gate.contains("tests: check failed (exit status 101)"),
        "{gate}"
    );
    let gate: Value = serde_json::from_str(
        &s.on("gate", CHECKED, &["complete", "--json"])
            .code(1)
            .stdout,
    )
    .unwrap();
    assert_eq!(gate["unmet"][0]["reason"], "check_failed");
    let render = s.on("render", CHECKED, &[]).code(0).stdout;
    assert!(render.contains("- [x] Lint\n  > done by ci, 2026-11-26 09:00 UTC: `echo clean; test -f checked.md` passed in"), "{render}");
    assert!(
        render.contains("> check failed (exit status 101)"),
        "{render}"
    );
    assert!(
        render.contains("output ends: test result: FAILED. 1 failed"),
        "{render}"
    );
}

#[test]
fn the_check_sees_its_item_file_and_state_and_runs_in_the_checklists_directory() {
    let s = Session::new();
    std::fs::create_dir(s.path("sub")).unwrap();
    std::fs::write(
        s.path("sub/c.md"),
        checklist("[checks.lint]\nrun = 'echo \"$CHECKLIST_ITEM|$CHECKLIST_FILE|$CHECKLIST_STATE|$(pwd)\"'\n"),
    )
    .unwrap();
    s.run(&["verify", "sub/c.md", "lint", "--state", STATE, "--by", "ci"])
        .code(0);
    let tail = s.state()["items"]["lint"]["run"]["output_tail"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = s.dir.path().canonicalize().unwrap();
    let parts: Vec<&str> = tail.trim_end().split('|').collect();
    assert_eq!(parts[0], "lint");
    assert!(
        parts[1].ends_with("sub/c.md") && parts[1].starts_with('/'),
        "{tail}"
    );
    assert!(
        parts[2].ends_with(STATE) && parts[2].starts_with('/'),
        "{tail}"
    );
    assert_eq!(Path::new(parts[3]).canonicalize().unwrap(), dir.join("sub"));
}

#[test]
fn complete_is_refused_on_a_checked_task_and_points_to_verify() {
    let s = Session::new();
    s.write(CHECKED, &checklist(TWO));
    let run = s.on("complete", CHECKED, &["lint", "--by", "ann"]).code(1);
    assert!(
        run.stderr
            .contains("cannot complete `lint` (pending): it has a check"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`checklist verify FILE ID`"),
        "{}",
        run.stderr
    );
    assert!(s.state_bytes().is_none());
    // A waiver still resolves it.
    s.on(
        "skip",
        CHECKED,
        &[
            "lint",
            "--by",
            "ann",
            "--reason",
            "linted upstream",
            "--approver",
            "bob",
        ],
    )
    .code(0);
    assert_eq!(s.status_of("lint"), "not_applicable");
}

#[test]
fn dry_run_prints_what_would_run_and_runs_nothing() {
    let s = Session::new();
    s.write(
        CHECKED,
        &checklist("[checks.lint]\nrun = \"touch ran\"\ntimeout = \"90s\"\n"),
    );
    let run = s.on("verify", CHECKED, &["--dry-run"]).code(0);
    assert!(
        run.stdout
            .contains("would run  lint  sh -c 'touch ran'  (timeout 90s)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 check in `"), "{}", run.stdout);
    assert!(!s.path("ran").exists());
    assert!(s.state_bytes().is_none());
    let json: Value = serde_json::from_str(
        &s.on("verify", CHECKED, &["--dry-run", "--json"])
            .code(0)
            .stdout,
    )
    .unwrap();
    assert_eq!(json["checks"][0]["run"], "touch ran");
    assert_eq!(json["checks"][0]["timeout_secs"], 90);
    assert!(!s.path("ran").exists());
}

#[test]
fn jobs_run_checks_at_the_same_time() {
    let s = Session::new();
    let mut checks = String::new();
    let mut md = String::from("# Slow\n\n");
    for i in 0..4 {
        checks.push_str(&format!("[checks.s{i}]\nrun = \"sleep 1\"\n"));
        md.push_str(&format!("- [ ] S{i}\n"));
    }
    s.write("slow.md", &format!("+++\n{checks}+++\n{md}"));
    let out = real_clock(
        &s,
        &[
            "verify", "slow.md", "--state", STATE, "--by", "ci", "--jobs", "4", "--json",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], 4);
    let starts: Vec<chrono::DateTime<chrono::Utc>> = (0..4)
        .map(|i| {
            s.state()["items"][format!("s{i}")]["run"]["started"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let first = starts.iter().min().unwrap();
    let last = starts.iter().max().unwrap();
    // One after the other, the last would start three seconds after the first.
    assert!(
        *last - *first < chrono::Duration::milliseconds(1500),
        "{starts:?}"
    );
    // With one job, they do.
    let out = real_clock(
        &s,
        &[
            "verify", "slow.md", "s0", "s1", "--state", STATE, "--by", "ci", "--jobs", "1",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let started = |i: usize| -> chrono::DateTime<chrono::Utc> {
        s.state()["items"][format!("s{i}")]["run"]["started"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(started(1) - started(0) >= chrono::Duration::milliseconds(950));
}

#[test]
fn evidence_goes_stale_after_valid_for_and_when_the_command_changes() {
    let s = Session::new();
    s.write(
        CHECKED,
        &checklist("[checks.lint]\nrun = \"true\"\nvalid_for = \"24h\"\n"),
    );
    verify(&s, &["lint"]).code(0);
    let gate_at = |time: &str| {
        s.run_with(
            &["gate", CHECKED, "complete", "--state", STATE],
            &[("CHECKLIST_FIXED_TIME", time)],
        )
    };
    let fresh = gate_at("2026-11-26T10:00:00Z").code(1).stdout;
    assert!(!fresh.contains("lint"), "{fresh}");
    let stale = gate_at("2026-11-27T09:30:00Z").code(1).stdout;
    assert!(
        stale.contains("- lint: stale since 2026-11-27T09:00:00Z"),
        "{stale}"
    );
    let json: Value = serde_json::from_str(
        &s.run_with(
            &["gate", CHECKED, "complete", "--state", STATE, "--json"],
            &[("CHECKLIST_FIXED_TIME", "2026-11-27T09:30:00Z")],
        )
        .code(1)
        .stdout,
    )
    .unwrap();
    assert_eq!(json["unmet"][0]["id"], "lint");
    assert_eq!(json["unmet"][0]["reason"], "stale");
    // Another command: the old evidence does not count, and no migration is needed.
    s.write(
        CHECKED,
        &checklist("[checks.lint]\nrun = \"true && true\"\n"),
    );
    let changed = s.on("gate", CHECKED, &["complete"]).code(1);
    assert!(
        changed
            .stdout
            .contains("- lint: stale: its evidence is of another command than its check's"),
        "{}",
        changed.stdout
    );
    assert!(!changed.stderr.contains("note:"), "{}", changed.stderr);
    verify(&s, &["lint"]).code(0);
    assert!(!s.on("gate", CHECKED, &["complete"]).stdout.contains("lint"));
}

#[test]
fn a_timeout_and_a_missing_program_fail_and_exit_1() {
    let s = Session::new();
    s.write(
        CHECKED,
        &checklist("[checks.lint]\nrun = \"trap '' TERM; sleep 30\"\ntimeout = \"1s\"\n[checks.tests]\nrun = \"no-such-tool-here\"\n"),
    );
    let began = Instant::now();
    let run = verify(&s, &[]).code(1);
    assert!(began.elapsed() < Duration::from_secs(15));
    assert!(run.stdout.contains("✗ timed out lint"), "{}", run.stdout);
    assert!(
        run.stdout.contains("✗ exit status 127 tests"),
        "{}",
        run.stdout
    );
    assert_eq!(s.state()["items"]["lint"]["run"]["outcome"], "timeout");
}

#[test]
fn verify_without_an_actor_or_a_check_is_an_error() {
    let s = Session::new();
    s.write(CHECKED, &checklist(TWO));
    let run = s.run_with(&["verify", CHECKED, "--state", STATE], &[("USER", "")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = s.on("verify", CHECKED, &["docs", "--by", "ci"]).code(2);
    assert!(
        run.stderr.contains("no check is declared for `docs`"),
        "{}",
        run.stderr
    );
    assert!(s.state_bytes().is_none());
    // A glob keeps the tasks that have checks.
    let run = s.on("verify", CHECKED, &["l*", "--by", "ci"]).code(0);
    assert!(
        run.stdout.contains("1 check: 1 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_change_made_while_checks_run_is_kept() {
    let s = Session::new();
    s.write(
        CHECKED,
        &checklist("[checks.lint]\nrun = \"touch started; sleep 4; echo done\"\n"),
    );
    let mut verifying = real_clock(&s, &["verify", CHECKED, "--state", STATE, "--by", "ci"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !s.path("started").exists() {
        assert!(Instant::now() < deadline, "the check never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A second process writes while the check runs: it is not blocked by it.
    let began = Instant::now();
    let out = real_clock(
        &s,
        &["complete", CHECKED, "docs", "--state", STATE, "--by", "ann"],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It is done while the check still runs: `verify` holds no lock meanwhile.
    assert!(
        verifying.try_wait().unwrap().is_none(),
        "complete waited {:?}, until verify was done",
        began.elapsed()
    );
    let out = verifying.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.status_of("docs"), "done");
    assert_eq!(s.status_of("lint"), "done");
    let state = s.state();
    let events = state["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["action"], "complete");
    assert_eq!(events[1]["action"], "verify");
    s.on("log", CHECKED, &[]).code(0);
}

#[test]
fn a_result_whose_task_changed_meanwhile_is_refused_and_the_others_saved() {
    let s = Session::new();
    s.write(
        CHECKED,
        &checklist(
            "[checks.lint]\nrun = \"touch started; sleep 4\"\n[checks.tests]\nrun = \"sleep 4\"\n",
        ),
    );
    let verifying = real_clock(&s, &["verify", CHECKED, "--state", STATE, "--by", "ci"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !s.path("started").exists() {
        assert!(Instant::now() < deadline, "the check never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = real_clock(
        &s,
        &[
            "block",
            CHECKED,
            "lint",
            "--state",
            STATE,
            "--by",
            "ann",
            "--reason",
            "linter broken",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = verifying.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not recorded: cannot verify `lint` (blocked)"),
        "{stderr}"
    );
    assert_eq!(s.status_of("lint"), "blocked");
    assert_eq!(s.status_of("tests"), "done");
}
