//! What a careless or hostile user does to the command line, and what it must do: each
//! case asserts the refusal or the new output, and that nothing else on disk changed.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{GATED, SEED, STATE, Session};

/// Every file of the session's directory with its bytes (or what it is, for links).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let t = e.file_type().unwrap();
            let content = if t.is_symlink() {
                format!("-> {}", std::fs::read_link(e.path()).unwrap().display()).into_bytes()
            } else if t.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                b"(not a file)".to_vec()
            };
            (name, content)
        })
        .collect();
    out.sort();
    out
}

fn binary() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("checklist")
}

/// Runs the binary with standard output going to `stdout`.
fn run_into(session: &Session, args: &[&str], stdout: Stdio) -> (i32, String) {
    let out = Command::new(binary())
        .current_dir(session.dir.path())
        .env("NO_COLOR", "1")
        .env("CHECKLIST_FIXED_TIME", common::TIME)
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn with_some_state(s: &Session) {
    s.on(
        "complete",
        GATED,
        &["pre-deployment/code-quality/*", "--by", "ana"],
    )
    .code(0);
}

// --- output that cannot be written ------------------------------------------------------

#[test]
fn every_printing_command_fails_when_its_output_cannot_be_written() {
    let s = Session::new();
    with_some_state(&s);
    let before = snapshot(s.dir.path());
    let commands: Vec<Vec<&str>> = vec![
        vec!["lint", GATED],
        vec!["ids", GATED],
        vec!["ids", GATED, "--json"],
        vec!["status", GATED, "--state", STATE],
        vec!["status", GATED, "--state", STATE, "--json"],
        vec!["gate", GATED, "complete", "--state", STATE],
        vec!["gate", GATED, "complete", "--state", STATE, "--json"],
        vec!["render", GATED, "--state", STATE],
        vec!["log", GATED, "--state", STATE],
        vec!["log", GATED, "--state", STATE, "--json"],
        vec!["schema", GATED],
        vec!["schema"],
        vec!["completions", "bash"],
    ];
    for args in &commands {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, stderr) = run_into(&s, args, Stdio::from(full));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output") && stderr.contains("No space"),
            "{args:?}: {stderr}"
        );
    }
    // A reader that goes away is not an error.
    for args in &commands {
        let mut child = Command::new(binary())
            .current_dir(s.dir.path())
            .env("CHECKLIST_FIXED_TIME", common::TIME)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // closed before anything is read
        let out = child.wait_with_output().unwrap();
        let code = out.status.code().unwrap();
        // `gate complete` says no (1) on this state; a closed pipe is not an error.
        let expected = if args.contains(&"gate") && !args.contains(&"--json") {
            1
        } else {
            0
        };
        let expected = if args.contains(&"gate") { 1 } else { expected };
        assert_eq!(
            code,
            expected,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(snapshot(s.dir.path()), before);
}

// --- the default state path -------------------------------------------------------------

#[test]
fn the_state_defaults_to_the_checklist_stem_or_checklist_state() {
    let s = Session::new();
    s.run(&["complete", GATED, "e2e-tests-passing", "--by", "ana"])
        .code(0);
    let default = s.path("production-deployment-gated.state.json");
    assert!(default.is_file());
    let status = s.run(&["status", GATED, "--json"]).code(0);
    assert!(
        status
            .stdout
            .contains("production-deployment-gated.state.json")
    );
    // CHECKLIST_STATE gives another default; --state still wins.
    s.run_with(
        &[
            "complete",
            GATED,
            "unit-tests-passing-minimum-80-coverage",
            "--by",
            "ana",
        ],
        &[("CHECKLIST_STATE", "other.json")],
    )
    .code(0);
    assert!(s.path("other.json").is_file());
    let events = |path: &str| -> usize {
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(s.path(path)).unwrap()).unwrap();
        json["events"].as_array().unwrap().len()
    };
    assert_eq!(
        (
            events("production-deployment-gated.state.json"),
            events("other.json")
        ),
        (1, 1)
    );
    let help = s.run(&["status", "--help"]).code(0);
    assert!(help.stdout.contains("deploy.state.json"), "{}", help.stdout);
}

// --- render -o --------------------------------------------------------------------------

#[test]
fn render_refuses_to_write_over_the_state_file_by_any_name() {
    let s = Session::new();
    with_some_state(&s);
    std::fs::create_dir(s.path("sub")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(STATE, s.path("link.json")).unwrap();
    let before = snapshot(s.dir.path());
    let mut names = vec![
        STATE.to_string(),
        format!("sub/../{STATE}"),
        format!("./{STATE}"),
    ];
    if cfg!(unix) {
        names.push("link.json".into());
    }
    names.push(s.path(STATE).display().to_string());
    for name in &names {
        let run = s
            .run(&["render", GATED, "--state", STATE, "-o", name])
            .code(2);
        assert!(
            run.stderr.contains("the state file"),
            "{name}: {}",
            run.stderr
        );
    }
    // And the other way round: the state given by a link, the output by its target.
    #[cfg(unix)]
    s.run(&["render", GATED, "--state", "link.json", "-o", STATE])
        .code(2);
    assert_eq!(snapshot(s.dir.path()), before);
}

#[cfg(unix)]
#[test]
fn render_writes_through_links_and_into_devices_without_replacing_them() {
    use std::os::unix::fs::FileTypeExt;
    let s = Session::new();
    with_some_state(&s);
    std::os::unix::fs::symlink("real.md", s.path("out.md")).unwrap();
    s.run(&["render", GATED, "--state", STATE, "-o", "out.md"])
        .code(0);
    assert!(
        std::fs::symlink_metadata(s.path("out.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let rendered = std::fs::read_to_string(s.path("real.md")).unwrap();
    assert!(rendered.contains("- [x] All code reviews completed"));
    // A device is written to, not replaced.
    s.run(&["render", GATED, "--state", STATE, "-o", "/dev/null"])
        .code(0);
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // A fifo: its reader gets the rendering; it stays a fifo.
    let fifo = s.path("pipe");
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|st| st.success())
    {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        s.run(&["render", GATED, "--state", STATE, "-o", "pipe"])
            .code(0);
        assert_eq!(reader.join().unwrap(), rendered);
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    } else {
        eprintln!("mkfifo is not available: the fifo case is skipped");
    }
}

// --- terminal escapes and Markdown in user text -----------------------------------------

#[test]
fn user_text_cannot_send_escapes_or_reorder_what_is_shown() {
    let s = Session::new();
    let title = "+++\nid = \"t\"\n+++\n# Release \u{1b}]0;PWNED\u{7}\u{1b}[2J\n\n## Step \u{1b}[31mred\n- [ ] Tests pass\n- [ ] Notes: ____\n";
    s.write("t.md", title);
    let by = "ana\u{1b}]0;PWNED\u{7}\u{1b}[2J";
    // A name with control characters is no principal: refused, and quoted harmlessly.
    let run = s
        .on(
            "complete",
            "t.md",
            &["tests-pass", "--by", by, "--note", "ok\u{202e}txt.exe"],
        )
        .code(1);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(run.stderr.contains("U+001B"), "{:?}", run.stderr);
    s.on(
        "complete",
        "t.md",
        &["tests-pass", "--by", "ana", "--note", "ok\u{202e}txt.exe"],
    )
    .code(0);
    s.on(
        "fill",
        "t.md",
        &["notes", "[click](javascript:alert(1))", "--by", "ana"],
    )
    .code(0);
    for args in [
        vec!["status", "t.md", "--state", STATE],
        vec!["gate", "t.md", "complete", "--state", STATE],
        vec!["log", "t.md", "--state", STATE],
        vec!["render", "t.md", "--state", STATE],
    ] {
        let run = s.run(&args);
        // Into a pipe, `render` writes the checklist's own lines byte for byte (it is
        // data); what it adds, the annotations, comes from users.
        let stdout = if args[0] == "render" {
            run.stdout
                .lines()
                .filter(|l| l.trim_start().starts_with('>'))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            run.stdout.clone()
        };
        for text in [&stdout, &run.stderr] {
            assert!(!text.contains('\u{1b}'), "{args:?} printed ESC: {text:?}");
            assert!(!text.contains('\u{7}'), "{args:?} printed BEL: {text:?}");
            assert!(
                !text.contains('\u{202e}'),
                "{args:?} printed an override: {text:?}"
            );
        }
    }
    // The rendered file keeps the field value as text, not as a link.
    let rendered = s.run(&["render", "t.md", "--state", STATE]).code(0).stdout;
    assert!(
        rendered.contains(r"value: \[click\]\(javascript:alert\(1\)\)"),
        "{rendered}"
    );
    // A refusal quoting the name is neutralised too.
    let run = s
        .on(
            "approve",
            "t.md",
            &["tests-pass", "--by", by, "--role", "x"],
        )
        .code(1);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}

// --- a held lock ------------------------------------------------------------------------

#[cfg(target_os = "linux")]
#[test]
fn a_writer_says_it_waits_for_a_held_lock_and_gives_up_writing_nothing() {
    let s = Session::new();
    with_some_state(&s);
    let lock = format!("{STATE}.lock");
    // Another writer: flock(1) holds the same kind of lock the store takes.
    let Ok(mut holder) = Command::new("flock")
        .current_dir(s.dir.path())
        .args([lock.as_str(), "sleep", "4"])
        .spawn()
    else {
        eprintln!("flock(1) is not available: the held-lock case is skipped");
        return;
    };
    // Until it holds it.
    let start = std::time::Instant::now();
    while Command::new("flock")
        .current_dir(s.dir.path())
        .args(["-n", lock.as_str(), "true"])
        .status()
        .unwrap()
        .success()
    {
        assert!(start.elapsed().as_secs() < 10, "flock never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before = snapshot(s.dir.path());
    let run = s.on(
        "complete",
        GATED,
        &["e2e-tests-passing", "--by", "bob", "--wait", "2"],
    );
    holder.kill().unwrap();
    holder.wait().unwrap();
    let run = run.code(2);
    assert!(
        run.stderr.contains("waiting for `state.json.lock`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gave up after 2s"), "{}", run.stderr);
    assert_eq!(snapshot(s.dir.path()), before);
}

// --- repeated texts ---------------------------------------------------------------------

#[test]
fn status_and_gate_warn_when_the_state_depends_on_the_order_of_repeated_items() {
    let s = Session::new();
    s.write(
        "r.md",
        "# R\n\n## Checks\n- [ ] Rollback tested\n- [ ] Rollback tested\n- [ ] Other\n",
    );
    s.on("complete", "r.md", &["other", "--by", "ana"]).code(0);
    // No repeated item changed yet: no warning.
    let run = s.on("status", "r.md", &[]).code(0);
    assert!(!run.stderr.contains("position"), "{}", run.stderr);
    s.on(
        "complete",
        "r.md",
        &["checks/rollback-tested-2", "--by", "ana"],
    )
    .code(0);
    for verb in ["status", "gate"] {
        let mut args = vec![verb, "r.md"];
        if verb == "gate" {
            args.push("complete");
        }
        args.extend(["--state", STATE]);
        let run = s.run(&args);
        assert!(
            run.stderr.contains("`checks/rollback-tested-2`")
                && run.stderr.contains("comes from its position")
                && run.stderr.contains("{#rollback-tested-2}"),
            "{verb}: {}",
            run.stderr
        );
    }
}

// --- values -----------------------------------------------------------------------------

#[test]
fn dates_and_numbers_are_taken_exactly_as_written() {
    let s = Session::new();
    s.write(
        "v.md",
        "+++\n[items.\"load\"]\ntype = \"number\"\n+++\n# V\n\n- [ ] Release Date: ____\n- [ ] Load: ____\n- [ ] Flaky suite\n",
    );
    for bad in ["2026-2-3", "+2026-01-01", "0000-01-01", "2026-02-30"] {
        let run = s
            .on("fill", "v.md", &["release-date", bad, "--by", "ana"])
            .code(1);
        assert!(run.stderr.contains("YYYY-MM-DD"), "{bad}: {}", run.stderr);
    }
    for bad in ["1e-400", "1e999", "0.12345678901234567890"] {
        let run = s.on("fill", "v.md", &["load", bad, "--by", "ana"]).code(1);
        assert!(run.stderr.contains("number"), "{bad}: {}", run.stderr);
    }
    assert!(s.state_bytes().is_none(), "nothing was written");
    let run = s
        .on(
            "skip",
            "v.md",
            &[
                "flaky-suite",
                "--by",
                "ana",
                "--reason",
                "r",
                "--approver",
                "bob",
                "--expires",
                "+2027-01-01",
            ],
        )
        .code(2);
    assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
    s.on(
        "fill",
        "v.md",
        &["release-date", "2026-02-03", "--by", "ana"],
    )
    .code(0);
    s.on("fill", "v.md", &["load", "1.50", "--by", "ana"])
        .code(0);
    let _ = SEED;
}

#[cfg(target_os = "linux")]
#[test]
fn a_refused_writer_does_not_call_a_file_created_meanwhile_missing() {
    // Another writer's finished state, made elsewhere.
    let other = Session::new();
    other
        .on("complete", GATED, &["e2e-tests-passing", "--by", "bob"])
        .code(0);
    let theirs = other.state_bytes().unwrap();

    let s = Session::new();
    let lock = format!("{STATE}.lock");
    let Ok(mut holder) = Command::new("flock")
        .current_dir(s.dir.path())
        .args([lock.as_str(), "sleep", "2"])
        .spawn()
    else {
        eprintln!("flock(1) is not available: the case is skipped");
        return;
    };
    let start = std::time::Instant::now();
    while Command::new("flock")
        .current_dir(s.dir.path())
        .args(["-n", lock.as_str(), "true"])
        .status()
        .unwrap()
        .success()
    {
        assert!(start.elapsed().as_secs() < 10, "flock never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Our writer starts while no state exists, and waits for the lock...
    let ours = Command::new(binary())
        .current_dir(s.dir.path())
        .env("NO_COLOR", "1")
        .env("CHECKLIST_FIXED_TIME", common::TIME)
        .args([
            "skip",
            GATED,
            "e2e-tests-passing",
            "--by",
            "ana",
            "--reason",
            "x",
            "--state",
            STATE,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // ...the other writer's state lands meanwhile, then its lock is released.
    std::fs::write(s.path(STATE), &theirs).unwrap();
    holder.wait().unwrap();
    let out = ours.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`state.json` is unchanged"), "{stderr}");
    assert!(!stderr.contains("was not created"), "{stderr}");
    assert_eq!(s.state_bytes().unwrap(), theirs);
}

// --- files a checklist names ------------------------------------------------------------

#[test]
fn an_allowed_signers_file_that_never_ends_is_refused_at_once() {
    let s = Session::new();
    s.write(
        "signed.md",
        "+++\n[roles]\nlead = [\"ana@example.com\"]\n[signatures]\nallowed_signers = \"/dev/zero\"\nrequired = true\n+++\n# Release\n- [ ] Tests pass\n- [ ] Lead Approval: ____ {role=lead}\n",
    );
    let before = snapshot(s.dir.path());
    for args in [
        vec!["status", "signed.md"],
        vec!["complete", "signed.md", "tests-pass", "--by", "ci"],
    ] {
        let run = s.run(&args).code(2);
        assert!(
            run.stderr.contains("/dev/zero") && run.stderr.contains("too large"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(snapshot(s.dir.path()), before);
}
