//! `checklist migrate`: a preview of what an edited checklist changes in its state, the
//! record of it with `--write`, and renamed items keeping their history.

mod common;

use common::{STATE, Session};

const V1: &str = "# Release\n\n## Checks\n- [ ] Tests pass\n- [ ] Docs updated\n  - [ ] API docs\n\n## Sign-Off\n- [ ] Lead Approval: ____\n";
const V2: &str = "# Release\n\n## Checks\n- [ ] Unit tests pass\n- [ ] Docs updated\n  - [ ] API docs\n  - [ ] User guide\n\n## Sign-Off\n- [ ] Lead Approval: ____\n";

fn worked(s: &Session) {
    s.write("r.md", V1);
    for id in ["tests-pass", "api-docs", "docs-updated"] {
        s.on("complete", "r.md", &[id, "--by", "ann"]).code(0);
    }
    s.on(
        "approve",
        "r.md",
        &["lead-approval", "--by", "lee", "--role", "lead"],
    )
    .code(0);
    s.write("r.md", V2);
}

#[test]
fn migrate_previews_and_writes_nothing_without_write() {
    let s = Session::new();
    worked(&s);
    let before = s.state_bytes().unwrap();
    let run = s.on("migrate", "r.md", &[]).code(0);
    let out = run.stdout;
    for line in [
        "added: checks/unit-tests-pass",
        "added: checks/docs-updated/user-guide",
        "removed (their state is kept as orphans): checks/tests-pass",
        "reopened (the new checklist's rules): checks/docs-updated",
        "approval voided: sign-off/lead-approval",
        "nothing was written; `--write` records this",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    assert_eq!(s.state_bytes().unwrap(), before, "a preview writes nothing");
}

#[test]
fn migrate_write_records_the_migration_and_the_renames() {
    let s = Session::new();
    worked(&s);
    let run = s
        .on(
            "migrate",
            "r.md",
            &[
                "--rename",
                "checks/tests-pass=checks/unit-tests-pass",
                "--by",
                "ana",
                "--write",
            ],
        )
        .code(0);
    assert!(
        run.stdout
            .contains("renamed: checks/tests-pass → checks/unit-tests-pass"),
        "{}",
        run.stdout
    );
    assert_eq!(s.status_of("checks/unit-tests-pass"), "done");
    assert_eq!(s.status_of("checks/docs-updated"), "pending");
    assert_eq!(s.status_of("sign-off/lead-approval"), "unsigned");
    let state = s.state();
    assert!(state["orphans"].get("checks/tests-pass").is_none());
    let events = state["events"].as_array().unwrap();
    let rename = events.iter().find(|e| e["action"] == "rename").unwrap();
    assert_eq!(rename["renamed_from"], "checks/tests-pass");
    assert_eq!(rename["actor"], "ana");
    // Written for the new checklist: nothing left to migrate, no notice any more.
    let again = s.on("migrate", "r.md", &[]).code(0);
    assert!(
        again.stdout.contains("nothing to migrate"),
        "{}",
        again.stdout
    );
    let status = s.on("status", "r.md", &[]).code(0);
    assert!(!status.stderr.contains("migrated"), "{}", status.stderr);
    // The log says who did the renamed task, and verifies.
    let log = s.on("log", "r.md", &[]).code(0);
    assert!(log.stdout.contains("rename"), "{}", log.stdout);
    assert!(log.stdout.contains("hash chain verified"));
}

#[test]
fn a_rename_that_does_not_fit_is_refused_and_nothing_is_written() {
    let s = Session::new();
    worked(&s);
    let before = s.state_bytes().unwrap();
    for (rename, code, says) in [
        (
            "checks/docs-updated=checks/unit-tests-pass",
            1,
            "still an item",
        ),
        ("checks/tests-pass=checks/nope", 2, "is not an item"),
        ("nothing", 2, "OLD=NEW"),
    ] {
        let run = s
            .on(
                "migrate",
                "r.md",
                &["--rename", rename, "--by", "ana", "--write"],
            )
            .code(code);
        assert!(run.stderr.contains(says), "{rename}: {}", run.stderr);
        assert_eq!(s.state_bytes().unwrap(), before, "{rename}");
    }
    // --rename needs --by.
    s.on("migrate", "r.md", &["--rename", "a=b"]).code(2);
    let _ = STATE;
}
