//! Checks run as real processes through `ProcessRunner`, their evidence recorded, judged
//! stale, and refused where it does not belong.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use checklist_md::check::{CheckRunner, ProcessRunner, TAIL_BYTES};
use checklist_md::clock::FixedClock;
use checklist_md::{Actor, Outcome, Refusal, Spec, Stale, State, Status, Unmet, VerifyError};
use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};

fn spec(checks: &str, items: &str) -> Arc<Spec> {
    let source = format!("+++\n{checks}+++\n# Ship\n\n{items}");
    Arc::new(Spec::parse(&source).unwrap_or_else(|e| panic!("{e}")))
}

fn one(run: &str, timeout: &str) -> Arc<Spec> {
    spec(
        &format!("[checks.it]\nrun = '''{run}'''\ntimeout = \"{timeout}\"\n"),
        "- [ ] It\n",
    )
}

fn run_it(spec: &Arc<Spec>, dir: &Path) -> checklist_md::Evidence {
    let check = spec.check(spec.index_of("it").unwrap()).unwrap();
    ProcessRunner::new(dir).run(check).unwrap()
}

#[test]
fn a_passing_run_makes_the_task_done_and_a_failing_one_failed() {
    let dir = tempfile::tempdir().unwrap();
    let ok = one("echo ok; echo to-stderr >&2", "10s");
    let mut state = State::new(&ok);
    let it = ok.index_of("it").unwrap();
    let run = run_it(&ok, dir.path());
    assert_eq!(run.outcome, Outcome::Exit(0));
    assert_eq!(&*run.output_tail, "ok\nto-stderr\n");
    state.record_check(it, &Actor::new("ci"), &run).unwrap();
    assert_eq!(state.item(it).status(), Status::Done);
    assert!(state.evaluate_named("complete").unwrap().passed);

    let bad = one("echo broken; exit 3", "10s");
    let mut state = State::new(&bad);
    let run = run_it(&bad, dir.path());
    assert_eq!(run.outcome, Outcome::Exit(3));
    state.record_check(it, &Actor::new("ci"), &run).unwrap();
    assert_eq!(state.item(it).status(), Status::Failed);
    let report = state.evaluate_named("complete").unwrap();
    assert!(!report.passed);
    assert_eq!(
        report.unmet[0].reason,
        Unmet::CheckFailed {
            outcome: Outcome::Exit(3),
            tail: "broken\n"
        }
    );
    assert_eq!(
        report.unmet[0].reason.to_string(),
        "check failed (exit status 3): broken"
    );
    // The evidence survives the state file.
    let loaded = State::from_json(&bad, &state.to_json()).unwrap().state;
    assert_eq!(loaded.item(it).run(), state.item(it).run());
}

#[test]
fn the_check_runs_in_the_directory_with_its_item_and_the_callers_variables() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("marker"), "").unwrap();
    let spec = one(
        "test -f marker && echo \"$CHECKLIST_ITEM $CHECKLIST_FILE\"",
        "10s",
    );
    let check = spec.check(spec.index_of("it").unwrap()).unwrap();
    let run = ProcessRunner::new(dir.path())
        .env("CHECKLIST_FILE", "ship.md")
        .run(check)
        .unwrap();
    assert_eq!(run.outcome, Outcome::Exit(0), "{}", run.output_tail);
    assert_eq!(&*run.output_tail, "it ship.md\n");
}

#[test]
fn a_timeout_kills_the_whole_group_even_what_ignores_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let spec = one(
        "trap '' TERM; sleep 30 & echo $! > child.pid; echo started; wait",
        "1s",
    );
    let began = Instant::now();
    let run = run_it(&spec, dir.path());
    assert_eq!(run.outcome, Outcome::Timeout);
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{:?}",
        began.elapsed()
    );
    assert!(
        run.duration_ms >= 1000 && run.duration_ms < 10_000,
        "{}",
        run.duration_ms
    );
    assert_eq!(&*run.output_tail, "started\n");
    let pid = std::fs::read_to_string(dir.path().join("child.pid")).unwrap();
    let proc = format!("/proc/{}/stat", pid.trim());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // Gone, or a zombie waiting for init to reap it.
        match std::fs::read_to_string(&proc) {
            Err(_) => break,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|s| s.trim_start().starts_with('Z')) =>
            {
                break;
            }
            Ok(_) if Instant::now() > deadline => panic!("`sleep 30` ({pid}) is still running"),
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let mut state = State::new(&spec);
    let it = spec.index_of("it").unwrap();
    state.record_check(it, &Actor::new("ci"), &run).unwrap();
    assert_eq!(state.item(it).status(), Status::Failed);
}

#[test]
fn fifty_megabytes_and_invalid_utf8_are_hashed_whole_and_the_tail_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let spec = one(
        "head -c 52428800 /dev/zero | tr '\\000' x; printf '\\377\\376'",
        "2m",
    );
    let run = run_it(&spec, dir.path());
    assert_eq!(run.outcome, Outcome::Exit(0), "{}", run.output_tail);
    let mut expected = Sha256::new();
    expected.update(vec![b'x'; 52_428_800]);
    expected.update([0xff, 0xfe]);
    let expected: [u8; 32] = expected.finalize().into();
    assert_eq!(run.output_sha256.0, expected);
    assert_eq!(run.output_bytes, 52_428_802);
    // 4094 `x` and two replacement characters.
    assert!(
        run.output_tail.len() <= TAIL_BYTES + 4,
        "{}",
        run.output_tail.len()
    );
    assert!(run.output_tail.ends_with("x\u{fffd}\u{fffd}"));
    assert_eq!(run.output_tail.matches('x').count(), TAIL_BYTES - 2);
}

#[test]
fn a_missing_program_is_a_failure_with_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let spec = one("no-such-program-anywhere --version", "10s");
    let run = run_it(&spec, dir.path());
    assert_eq!(run.outcome, Outcome::Exit(127));
    assert!(run.output_tail.contains("not found"), "{}", run.output_tail);
    let mut state = State::new(&spec);
    let it = spec.index_of("it").unwrap();
    state.record_check(it, &Actor::new("ci"), &run).unwrap();
    assert_eq!(state.item(it).status(), Status::Failed);
}

#[test]
fn evidence_older_than_valid_for_is_stale_from_the_moment_it_expires() {
    let spec = spec(
        "[checks.it]\nrun = \"true\"\nvalid_for = \"24h\"\n",
        "- [ ] It\n",
    );
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
    let clock = Arc::new(FixedClock::new(t0));
    let dir = tempfile::tempdir().unwrap();
    let runner = ProcessRunner::new(dir.path()).with_clock(clock.clone());
    let it = spec.index_of("it").unwrap();
    let mut state = State::new(&spec).with_clock(clock);
    state.verify(it, &Actor::new("ci"), &runner).unwrap();
    assert_eq!(state.item(it).run().unwrap().started, t0);
    assert!(state.evaluate_named("complete").unwrap().passed);

    let json = state.to_json();
    let later = |at| {
        State::from_json(&spec, &json)
            .unwrap()
            .state
            .with_clock(Arc::new(FixedClock::new(at)))
    };
    let expires = t0 + chrono::Duration::hours(24);
    let just_before = later(expires - chrono::Duration::seconds(1));
    assert!(just_before.evaluate_named("complete").unwrap().passed);
    let after = later(expires + chrono::Duration::hours(1));
    let report = after.evaluate_named("complete").unwrap();
    assert_eq!(
        report.unmet[0].reason,
        Unmet::Stale {
            why: Stale::Expired(expires)
        }
    );
    assert_eq!(report.unmet[0].reason.code(), "stale");
    assert!(
        report.unmet[0]
            .reason
            .to_string()
            .starts_with("stale since 2026-12-02T09:30:00Z"),
        "{}",
        report.unmet[0].reason
    );
    // Running it again makes it count again.
    let mut again = after;
    let fresh = ProcessRunner::new(dir.path()).with_clock(Arc::new(FixedClock::new(
        expires + chrono::Duration::hours(1),
    )));
    again.verify(it, &Actor::new("ci"), &fresh).unwrap();
    assert!(again.evaluate_named("complete").unwrap().passed);
}

#[test]
fn evidence_of_another_command_does_not_count_and_is_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let before = one("true", "10s");
    let it = before.index_of("it").unwrap();
    let mut state = State::new(&before);
    let run = run_it(&before, dir.path());
    state.record_check(it, &Actor::new("ci"), &run).unwrap();
    let json = state.to_json();

    let after = one("true && test -d .", "10s");
    // The checklist's identity is the same: the state loads as it is.
    assert_eq!(before.digest(), after.digest());
    let loaded = State::from_json(&after, &json).unwrap().state;
    assert_eq!(loaded.item(it).status(), Status::Done);
    let report = loaded.evaluate_named("complete").unwrap();
    assert_eq!(
        report.unmet[0].reason,
        Unmet::Stale {
            why: Stale::CommandChanged
        }
    );
    let mut loaded = loaded;
    let err = loaded
        .record_check(it, &Actor::new("ci"), &run)
        .unwrap_err();
    assert!(matches!(err.refusal, Refusal::OtherCommand { .. }), "{err}");
    assert_eq!(err.help(), "run the check again");
}

#[test]
fn complete_is_refused_on_a_checked_task_and_a_waiver_or_not_applicable_still_work() {
    let spec = spec(
        "[checks.it]\nrun = \"true\"\n[checks.extra]\nrun = \"true\"\n",
        "- [ ] It\n- [ ] Extra (optional)\n- [ ] Plain\n",
    );
    let ann = Actor::new("ann");
    let mut state = State::new(&spec);
    let [it, extra, plain] = ["it", "extra", "plain"].map(|id| spec.index_of(id).unwrap());
    let err = state.complete(it, &ann).unwrap_err();
    assert_eq!(err.refusal, Refusal::HasCheck);
    assert!(err.help().contains("run its check"), "{}", err.help());
    assert!(state.events().is_empty());
    state.complete(plain, &ann).unwrap();
    state.skip(extra, &ann, Some("no extras")).unwrap();
    state
        .waive(it, &ann, "covered elsewhere", "bob", None)
        .unwrap();
    assert!(state.evaluate_named("complete").unwrap().passed);
    // A task without a check has no run to record.
    let run = checklist_md::Evidence::new(
        spec.check(it).unwrap(),
        Utc::now(),
        Duration::ZERO,
        Outcome::Exit(0),
        b"",
    );
    let err = state.record_check(plain, &ann, &run).unwrap_err();
    assert_eq!(err.refusal, Refusal::NoCheck);
}

#[test]
fn a_box_ticked_in_the_markdown_does_not_resolve_a_checked_task() {
    let spec = spec("[checks.it]\nrun = \"true\"\n", "- [x] It\n");
    let state = State::new(&spec);
    let report = state.evaluate_named("complete").unwrap();
    assert_eq!(
        report.unmet[0].reason,
        Unmet::Stale {
            why: Stale::NoEvidence
        }
    );
}

#[test]
fn an_embedder_verifies_in_process_under_the_same_rules() {
    let spec = one("curl -fsS http://localhost:8080/health", "10s");
    let it = spec.index_of("it").unwrap();
    let mut state = State::new(&spec);
    let down = checklist_md::check::from_fn(|_| Err::<String, _>("connection refused"));
    state.verify(it, &Actor::new("bot"), &down).unwrap();
    assert_eq!(state.item(it).status(), Status::Failed);
    let up = checklist_md::check::from_fn(|c| Ok::<_, String>(format!("{} ok", c.item_id())));
    state.verify(it, &Actor::new("bot"), &up).unwrap();
    assert_eq!(state.item(it).status(), Status::Done);
    assert_eq!(&*state.item(it).run().unwrap().output_tail, "it ok");
    let plain = Arc::new(Spec::parse("- [ ] It\n").unwrap());
    let mut state = State::new(&plain);
    let err = state.verify(it, &Actor::new("bot"), &up).unwrap_err();
    assert!(matches!(err, VerifyError::Refused(e) if e.refusal == Refusal::NoCheck));
}

#[test]
fn evidence_round_trips_through_the_database_and_file_stores() {
    use checklist_md::Store;
    let spec = one("printf 'ok\\377'", "10s");
    let it = spec.index_of("it").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = run_it(&spec, dir.path());
    let sqlite = checklist_md::store::SqliteStore::open(dir.path().join("runs.db"), "r1").unwrap();
    let file = checklist_md::FileStore::new(dir.path().join("state.json"));
    let stores: [Box<dyn Store>; 2] = [Box::new(sqlite), Box::new(file)];
    for store in stores {
        store
            .update(&spec, |state| {
                state.record_check(it, &Actor::new("ci"), &run)
            })
            .unwrap();
        let loaded = store.load(&spec).unwrap().state;
        assert_eq!(loaded.item(it).run(), Some(&run));
        match &loaded.events()[0].payload {
            checklist_md::Payload::Verify { run: recorded } => assert_eq!(**recorded, run),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_process_that_leaves_the_group_does_not_hold_the_run() {
    let dir = tempfile::tempdir().unwrap();
    // `setsid` moves the sleeper out of the check's group, holding the output open.
    let spec = one(
        "if command -v setsid > /dev/null; then setsid sleep 20 & fi; echo bye",
        "10s",
    );
    let began = Instant::now();
    let run = run_it(&spec, dir.path());
    assert_eq!(run.outcome, Outcome::Exit(0));
    assert_eq!(&*run.output_tail, "bye\n");
    assert!(
        began.elapsed() < Duration::from_secs(8),
        "{:?}",
        began.elapsed()
    );
}
