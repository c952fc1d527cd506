//! End-to-end tests of the `checklist` binary: the production-deployment walk-through,
//! refusals that write nothing, broken state files, id selection, schemas, the gated
//! example, and the command line itself.

mod common;

use common::{GATED, SEED, STATE, Session};
use serde_json::Value;

/// A checklist that does not parse: invalid front matter on line 2.
const BAD: &str = "+++\nid = = 1\n+++\n# Bad\n\n- [ ] Ship it\n";

/// The 4 optional tasks of the seed, and why they are skipped.
const OPTIONAL: [(&str, &str); 4] = [
    (
        "read-replicas-configured",
        "one instance is enough for this service",
    ),
    (
        "distributed-tracing-enabled",
        "a single service, nothing to trace across",
    ),
    ("vpc-configured", "runs on the shared platform VPC"),
    ("gdpr-compliance-verified", "no personal data is stored"),
];

/// The 4 sign-offs, who signs each and as which role.
const SIGNOFFS: [(&str, &str, &str); 4] = [
    ("technical-lead-approval", "ana", "technical-lead"),
    ("security-team-approval", "sam", "security-team"),
    ("operations-team-approval", "ola", "operations-team"),
    ("product-owner-approval", "pat", "product-owner"),
];

fn section_of(id: &str) -> &str {
    id.rsplit_once('/').map_or("", |(s, _)| s)
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// Completes every required task of `checklist` except those under `done_already`: one
/// `complete` per section, a glob where the section has no optional task, its ids
/// otherwise (a glob would also complete the optional ones). Returns the number completed.
fn complete_required_tasks(s: &Session, checklist: &str, done_already: &[&str], by: &str) -> usize {
    let items = s.items(checklist);
    let tasks: Vec<&Value> = items
        .iter()
        .filter(|i| str_field(i, "kind") == "task")
        .collect();
    let mut sections: Vec<&str> = tasks
        .iter()
        .map(|t| section_of(str_field(t, "id")))
        .collect();
    sections.dedup();
    let mut completed = 0;
    for section in sections {
        if done_already.iter().any(|d| section.starts_with(d)) {
            continue;
        }
        let in_section: Vec<&Value> = tasks
            .iter()
            .copied()
            .filter(|t| section_of(str_field(t, "id")) == section)
            .collect();
        let required: Vec<&str> = in_section
            .iter()
            .filter(|t| !t["optional"].as_bool().unwrap_or(false))
            .map(|t| str_field(t, "id"))
            .collect();
        let glob = format!("{section}/*");
        let ids: Vec<&str> = if required.len() == in_section.len() {
            vec![glob.as_str()]
        } else {
            required.clone()
        };
        let before = revision(s);
        let mut args = ids.clone();
        args.extend(["--by", by]);
        let run = s.on("complete", checklist, &args).code(0);
        assert_eq!(
            run.stdout
                .lines()
                .filter(|l| l.starts_with("complete "))
                .count(),
            required.len()
        );
        assert_eq!(
            revision(s),
            before + required.len() as u64,
            "one revision per item, one write"
        );
        completed += required.len();
    }
    completed
}

fn revision(s: &Session) -> u64 {
    match s.state_bytes() {
        None => 0,
        Some(_) => s.state()["revision"].as_u64().expect("a revision"),
    }
}

fn events(s: &Session) -> Vec<Value> {
    s.state()["events"].as_array().expect("events").clone()
}

#[test]
fn production_deployment_walk_through() {
    let s = Session::new();
    s.run(&["lint", SEED]).code(0);

    // A fresh state: nothing is resolved, and looking does not create the file.
    let gate = s.on("gate", SEED, &["complete"]).code(1);
    assert!(
        gate.stdout
            .starts_with("✗ gate `complete` is not met: 177 of 177 items unmet\n")
    );
    assert_eq!(
        gate.stdout
            .lines()
            .filter(|l| l.starts_with("  - "))
            .count(),
        177
    );
    insta::assert_snapshot!("fresh_gate_complete", gate.stdout);
    let json: Value =
        serde_json::from_str(&s.on("gate", SEED, &["complete", "--json"]).code(1).stdout).unwrap();
    assert_eq!(json["gate"], "complete");
    assert_eq!(json["passed"], false);
    let unmet = json["unmet"].as_array().unwrap();
    assert_eq!(unmet.len(), 177);
    assert!(
        unmet
            .iter()
            .all(|u| u["id"].is_string() && u["reason"].is_string())
    );
    insta::assert_snapshot!("fresh_status", s.on("status", SEED, &[]).code(0).stdout);
    assert!(
        s.state_bytes().is_none(),
        "reading commands do not create the state file"
    );

    // A sign-off before the work is refused, and the state file is not created.
    let early = s.on(
        "approve",
        SEED,
        &[
            "technical-lead-approval",
            "--by",
            "ana",
            "--role",
            "technical-lead",
        ],
    );
    let early = early.code(1);
    insta::assert_snapshot!("early_approval_refused", early.stderr);
    assert!(early.stdout.is_empty());
    assert!(
        s.state_bytes().is_none(),
        "a refused change does not create the state file"
    );

    // One section by glob (the first write creates the file), then every other section.
    let run = s
        .on(
            "complete",
            SEED,
            &["pre-deployment/code-quality/*", "--by", "ana"],
        )
        .code(0);
    insta::assert_snapshot!("complete_code_quality_by_glob", run.stdout);
    assert_eq!(revision(&s), 8);
    assert_eq!(
        s.status_of("pre-deployment/code-quality/linting-passes-with-no-errors"),
        "done"
    );

    // Approving early is still refused, and now leaves the file byte-identical.
    let before = s.state_bytes();
    s.on(
        "approve",
        SEED,
        &["sign-off/*", "--by", "ana", "--role", "technical-lead"],
    )
    .code(1);
    assert_eq!(s.state_bytes(), before);

    let completed = complete_required_tasks(&s, SEED, &["pre-deployment/code-quality"], "ana");
    assert_eq!(completed + 8, 166, "the seed has 166 required tasks");

    // The 4 optional tasks are skipped with reasons, by unique suffix.
    for (suffix, reason) in OPTIONAL {
        let run = s
            .on("skip", SEED, &[suffix, "--by", "ana", "--reason", reason])
            .code(0);
        assert!(
            run.stdout.contains("pending → not_applicable"),
            "{}",
            run.stdout
        );
    }
    assert_eq!(
        s.status_of("infrastructure/database/read-replicas-configured"),
        "not_applicable"
    );

    // The 3 fields; a value of the wrong type is refused first and changes nothing.
    let before = s.state_bytes();
    let bad = s
        .on(
            "fill",
            SEED,
            &["scheduled-date", "next tuesday", "--by", "ana"],
        )
        .code(1);
    assert!(bad.stderr.contains("YYYY-MM-DD"), "{}", bad.stderr);
    assert_eq!(s.state_bytes(), before);
    for (field, value) in [
        ("scheduled-date", "2026-12-01"),
        ("actual-date", "2026-12-02"),
        ("deployed-by", "Ana Lima"),
    ] {
        s.on("fill", SEED, &[field, value, "--by", "ana"]).code(0);
    }
    assert_eq!(
        s.state()["items"]["deployment-date/scheduled-date"]["value"],
        "2026-12-01"
    );
    assert_eq!(revision(&s), 166 + 4 + 3);

    // Sign-offs: the role must match; then each is given by its own person.
    let before = s.state_bytes();
    let wrong = s.on(
        "approve",
        SEED,
        &[
            "security-team-approval",
            "--by",
            "ana",
            "--role",
            "technical-lead",
        ],
    );
    let wrong = wrong.code(1);
    assert!(
        wrong
            .stderr
            .contains("`ana` does not hold the role `security-team`"),
        "{}",
        wrong.stderr
    );
    assert_eq!(s.state_bytes(), before);
    for (i, (signoff, who, role)) in SIGNOFFS.into_iter().enumerate() {
        let run = s
            .on(
                "approve",
                SEED,
                &[signoff, "--by", who, "--role", role, "--comment", "checked"],
            )
            .code(0);
        if i == 0 {
            insta::assert_snapshot!("approve", run.stdout);
        }
    }
    assert_eq!(revision(&s), 177);

    let pass = s.on("gate", SEED, &["complete"]).code(0);
    assert_eq!(
        pass.stdout,
        "✓ gate `complete` passes: all 177 items resolved\n"
    );
    let json: Value =
        serde_json::from_str(&s.on("gate", SEED, &["complete", "--json"]).code(0).stdout).unwrap();
    assert_eq!(json["passed"], true);
    assert_eq!(json["unmet"], serde_json::json!([]));
    let state = s.state();
    let items = state["items"].as_object().unwrap();
    assert_eq!(items.len(), 177);
    let count = |status: &str| items.values().filter(|v| v["status"] == status).count();
    assert_eq!(
        (
            count("done"),
            count("not_applicable"),
            count("filled"),
            count("approved")
        ),
        (166, 4, 3, 4)
    );

    // Reopening a covered task voids every approval, and says so.
    let reopen = s.on(
        "reopen",
        SEED,
        &[
            "e2e-tests-passing",
            "--by",
            "bob",
            "--reason",
            "the suite was skipped in CI",
        ],
    );
    let reopen = reopen.code(0);
    insta::assert_snapshot!("reopen_voids_the_signoffs", reopen.stdout);
    assert_eq!(
        reopen
            .stdout
            .lines()
            .filter(|l| l.starts_with("void "))
            .count(),
        4
    );
    assert!(reopen.stdout.contains("4 sign-offs voided"));
    assert_eq!(revision(&s), 178);
    assert_eq!(events(&s).len(), 182);
    for (signoff, ..) in SIGNOFFS {
        let item = &s.state()["items"][format!("sign-off/{signoff}")];
        assert_eq!(item["status"], "unsigned");
        assert_eq!(
            item["voided"]["because"],
            "pre-deployment/code-quality/e2e-tests-passing"
        );
    }
    let again = s.on("gate", SEED, &["complete"]).code(1);
    insta::assert_snapshot!("gate_after_reopen", again.stdout);

    // The log verifies and shows every event; the rendered Markdown shows the state.
    let log = s.on("log", SEED, &[]).code(0);
    assert_eq!(log.stdout.lines().count(), 183);
    let last = log.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("182 events, revision 178; hash chain verified (sha256:"),
        "{last}"
    );
    let tail: Vec<&str> = log.stdout.lines().skip(176).collect();
    insta::assert_snapshot!("log_tail", tail.join("\n"));
    let json: Value = serde_json::from_str(&s.on("log", SEED, &["--json"]).code(0).stdout).unwrap();
    let json = json.as_array().unwrap();
    assert_eq!(json.len(), 182);
    for key in ["seq", "at", "actor", "item", "from", "to"] {
        assert!(
            json.iter().all(|e| !e[key].is_null()),
            "every event has `{key}`"
        );
    }
    let md = s.on("render", SEED, &[]).code(0).stdout;
    assert!(md.contains("- [x] Linting passes with no errors\n  > done by ana, 2026-11-26 "));
    assert!(md.contains("- [ ] E2E tests passing\n"));
    assert!(md.contains(
        "- [~] VPC configured (if applicable)\n  > not applicable: runs on the shared platform VPC"
    ));
    assert!(md.contains("- [ ] Technical Lead Approval: ________________\n  > approval voided:"));
    s.on("render", SEED, &["-o", "rendered.md"]).code(0);
    assert_eq!(std::fs::read_to_string(s.path("rendered.md")).unwrap(), md);
    insta::assert_snapshot!("final_status", s.on("status", SEED, &[]).code(0).stdout);
}

#[test]
fn refused_changes_leave_the_state_file_byte_identical() {
    let s = Session::new();
    s.on(
        "complete",
        SEED,
        &["linting-passes-with-no-errors", "--by", "ana"],
    )
    .code(0);
    s.on(
        "block",
        SEED,
        &["e2e-tests-passing", "--by", "ana", "--reason", "CI is down"],
    )
    .code(0);
    let before = s.state_bytes().unwrap();
    let refusals: &[(&[&str], &str)] = &[
        (
            &[
                "complete",
                SEED,
                "linting-passes-with-no-errors",
                "--by",
                "ana",
            ],
            "reopen it first",
        ),
        (
            &["complete", SEED, "e2e-tests-passing", "--by", "ana"],
            "unblock it first",
        ),
        (
            &[
                "skip",
                SEED,
                "integration-tests-passing",
                "--by",
                "ana",
                "--reason",
                "slow",
            ],
            "--approver NAME",
        ),
        (
            &[
                "skip",
                SEED,
                "integration-tests-passing",
                "--by",
                "ana",
                "--reason",
                "slow",
                "--approver",
                "ana",
            ],
            "a second person",
        ),
        (
            &[
                "skip",
                SEED,
                "integration-tests-passing",
                "--by",
                "ana",
                "--reason",
                "x",
                "--approver",
                "bob",
                "--expires",
                "2026-01-01",
            ],
            "expiry date after today",
        ),
        (
            &[
                "block",
                SEED,
                "unit-tests-passing-minimum-80-coverage",
                "--by",
                "ana",
                "--reason",
                " ",
            ],
            "give a reason",
        ),
        (
            &[
                "fill",
                SEED,
                "linting-passes-with-no-errors",
                "x",
                "--by",
                "ana",
            ],
            "tasks take complete",
        ),
        (
            &[
                "approve",
                SEED,
                "technical-lead-approval",
                "--by",
                "ana",
                "--role",
                "technical-lead",
            ],
            "checklist gate FILE complete",
        ),
        // All or nothing: the first id alone would succeed.
        (
            &[
                "complete",
                SEED,
                "all-code-reviews-completed",
                "linting-passes-with-no-errors",
                "--by",
                "ana",
            ],
            "reopen it first",
        ),
    ];
    for (args, help) in refusals {
        let mut args = args.to_vec();
        args.extend(["--state", STATE]);
        let run = s.run(&args).code(1);
        assert!(
            run.stderr.starts_with("error: cannot "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(help), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("nothing was written: `state.json` is unchanged"),
            "{}",
            run.stderr
        );
        assert_eq!(
            s.state_bytes().unwrap(),
            before,
            "{args:?} changed the file"
        );
    }
    // Several refusals are all reported.
    let run = s
        .on(
            "complete",
            SEED,
            &[
                "linting-passes-with-no-errors",
                "e2e-tests-passing",
                "--by",
                "ana",
            ],
        )
        .code(1);
    insta::assert_snapshot!("two_refusals", run.stderr);
}

#[test]
fn a_tampered_state_file_is_refused_by_every_command_naming_the_event() {
    let s = Session::new();
    s.on(
        "complete",
        SEED,
        &["pre-deployment/code-quality/*", "--by", "ana"],
    )
    .code(0);
    let text = String::from_utf8(s.state_bytes().unwrap()).unwrap();
    // One character of event #3's actor (an old event: 8 were written).
    let events_at = text.find("\"events\"").unwrap();
    let third = events_at
        + text[events_at..]
            .match_indices("\"actor\": \"ana\"")
            .nth(2)
            .unwrap()
            .0;
    let mut tampered = text.clone();
    tampered.replace_range(
        third..third + "\"actor\": \"ana\"".len(),
        "\"actor\": \"anx\"",
    );
    s.write(STATE, &tampered);

    let log = s.on("log", SEED, &[]).code(2);
    assert!(log.stdout.is_empty());
    insta::assert_snapshot!("tampered_log", log.stderr);
    assert!(log.stderr.contains("event #3"));
    for args in [
        vec!["status", SEED],
        vec!["gate", SEED, "complete"],
        vec!["render", SEED],
        vec!["log", SEED, "--json"],
        vec!["complete", SEED, "e2e-tests-passing", "--by", "ana"],
    ] {
        let mut args = args;
        args.extend(["--state", STATE]);
        let run = s.run(&args).code(2);
        assert_eq!(run.stderr, log.stderr, "{args:?}");
    }
    assert_eq!(
        String::from_utf8(s.state_bytes().unwrap()).unwrap(),
        tampered
    );

    s.write(STATE, "{ not json");
    let run = s.on("status", SEED, &[]).code(2);
    assert!(
        run.stderr
            .contains("not a valid state document (line 1, column 3)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: restore the file"),
        "{}",
        run.stderr
    );
}

#[test]
fn ids_are_exact_unique_suffixes_or_globs() {
    let s = Session::new();
    let run = s
        .on(
            "complete",
            SEED,
            &["connection-pooling-configured", "--by", "ana"],
        )
        .code(2);
    insta::assert_snapshot!("ambiguous_suffix", run.stderr);
    for candidate in [
        "pre-deployment/performance/connection-pooling-configured",
        "infrastructure/database/connection-pooling-configured",
        "infrastructure/redis-caching/connection-pooling-configured",
    ] {
        assert!(
            run.stderr.contains(&format!("\n    {candidate}\n")),
            "{}",
            run.stderr
        );
    }
    assert!(s.state_bytes().is_none());

    let run = s
        .on("complete", SEED, &["linting-passes", "--by", "ana"])
        .code(2);
    assert!(
        run.stderr
            .contains("did you mean `pre-deployment/code-quality/linting-passes-with-no-errors`?"),
        "{}",
        run.stderr
    );
    // A glob over fields and sign-offs selects what the verb applies to.
    let run = s
        .on("complete", SEED, &["deployment-date/*", "--by", "ana"])
        .code(2);
    assert!(
        run.stderr
            .contains("matches 3 items, none of which `complete` applies to"),
        "{}",
        run.stderr
    );
    let run = s
        .on(
            "complete",
            SEED,
            &["database/connection-pooling-configured", "--by", "ana"],
        )
        .code(0);
    assert!(run.stdout.starts_with(
        "complete infrastructure/database/connection-pooling-configured  pending → done\n"
    ));
    let run = s
        .on(
            "block",
            SEED,
            &["infrastructure/**", "--by", "ana", "--reason", "x"],
        )
        .code(1);
    assert!(
        run.stderr.contains("1 of 46 changes refused"),
        "{}",
        run.stderr
    );
}

#[test]
fn schema_has_the_ids_as_properties() {
    let s = Session::new();
    let run = s.run(&["schema", SEED]).code(0);
    let schema: Value = serde_json::from_str(&run.stdout).expect("the schema is JSON");
    let properties = schema["properties"]["items"]["properties"]
        .as_object()
        .unwrap();
    let mut ids: Vec<String> = s
        .items(SEED)
        .iter()
        .map(|i| str_field(i, "id").to_string())
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 177);
    assert_eq!(
        properties.keys().cloned().collect::<Vec<_>>(),
        ids,
        "exactly the ids (serde_json sorts keys)"
    );
    assert_eq!(schema["properties"]["items"]["additionalProperties"], false);

    let generic: Value = serde_json::from_str(&s.run(&["schema"]).code(0).stdout).unwrap();
    assert!(generic["properties"]["items"]["properties"].is_null());
    assert!(generic["$defs"]["Event"].is_object());
}

#[test]
fn gated_signoffs_come_before_the_deployment_itself() {
    let s = Session::new();
    s.run(&["lint", GATED]).code(0);
    let deploy_sections = [
        "pre-deployment",
        "infrastructure",
        "deployment/pre-deployment-checks",
        "security-hardening",
        "monitoring-alerting",
        "disaster-recovery",
        "documentation",
    ];
    for section in deploy_sections {
        s.on(
            "complete",
            GATED,
            &[&format!("{section}/**"), "--by", "ana"],
        )
        .code(0);
    }
    // The globs leave the tasks with checks to their checks.
    let early = s.on("gate", GATED, &["deploy"]).code(1);
    assert!(
        early.stdout.contains("8 of 155 items unmet"),
        "{}",
        early.stdout
    );
    let verified = s.on("verify", GATED, &["--by", "ci"]).code(0);
    assert!(
        verified.stdout.contains("3 checks: 3 passed, 0 failed"),
        "{}",
        verified.stdout
    );
    let log = s.on("log", GATED, &[]).code(0).stdout;
    assert!(
        log.contains("verify   pre-deployment/code-quality/linting-passes-with-no-errors  pending → done — `sh -c 'echo lint: 0 problems'` passed in"),
        "{log}"
    );
    let render = s.on("render", GATED, &[]).code(0).stdout;
    assert!(
        render.contains("- [x] Kubernetes manifests validated\n  > done by ci, 2026-11-26 09:00 UTC: `command -v sh \\> /dev/null \\&\\& echo manifests: ok` passed in"),
        "{render}"
    );
    // The optional ones were completed by the globs above; the deploy gate needs only the
    // scheduled date of the three fields.
    let early = s.on("gate", GATED, &["deploy"]).code(1);
    assert!(
        early.stdout.contains("5 of 155 items unmet"),
        "{}",
        early.stdout
    );
    s.on(
        "fill",
        GATED,
        &["scheduled-date", "2026-12-01", "--by", "ana"],
    )
    .code(0);
    for (signoff, who, role) in SIGNOFFS {
        s.on("approve", GATED, &[signoff, "--by", who, "--role", role])
            .code(0);
    }
    let deploy = s.on("gate", GATED, &["deploy"]).code(0);
    assert_eq!(
        deploy.stdout,
        "✓ gate `deploy` passes: all 155 items resolved\n"
    );
    let complete = s.on("gate", GATED, &["complete"]).code(1);
    insta::assert_snapshot!("gated_complete_after_deploy", complete.stdout);
    for open in [
        "deployment/deployment-process/",
        "deployment/post-deployment/",
        "post-deployment-review/",
    ] {
        assert!(complete.stdout.contains(open), "{open} is still open");
    }

    // Deploying (the deployment process) does not void the sign-offs: it is not covered.
    let run = s
        .on(
            "complete",
            GATED,
            &["deployment/deployment-process/*", "--by", "ana"],
        )
        .code(0);
    assert!(!run.stdout.contains("void"), "{}", run.stdout);
    s.on("gate", GATED, &["deploy"]).code(0);
    // A covered item does.
    let run = s.on(
        "reopen",
        GATED,
        &[
            "documentation/contact-list-updated",
            "--by",
            "ana",
            "--reason",
            "new on-call",
        ],
    );
    assert!(run.code(0).stdout.contains("4 sign-offs voided"));
    s.on("gate", GATED, &["deploy"]).code(1);

    let run = s.on("gate", GATED, &["release"]).code(2);
    assert_eq!(
        run.stderr,
        "error: `production-deployment-gated.md` has no gate named `release`\n  help: its gates are `complete`, `deploy`\n"
    );
}

#[test]
fn status_json_and_colour() {
    let s = Session::new();
    s.on(
        "complete",
        SEED,
        &["pre-deployment/code-quality/*", "--by", "ana"],
    )
    .code(0);
    s.on(
        "block",
        SEED,
        &[
            "pre-deployment/security/cors-policy-properly-set",
            "--by",
            "ana",
            "--reason",
            "waiting for the gateway team",
        ],
    )
    .code(0);
    let json: Value =
        serde_json::from_str(&s.on("status", SEED, &["--json"]).code(0).stdout).unwrap();
    assert_eq!(json["revision"], 9);
    assert_eq!(json["progress"]["done"], 8);
    assert_eq!(json["progress"]["blocked"], 1);
    assert_eq!(json["progress"]["pending"], 168);
    let security = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "pre-deployment/security")
        .unwrap();
    assert_eq!(security["open"][1]["reason"], "blocked");
    assert_eq!(
        security["open"][1]["detail"],
        "blocked: waiting for the gateway team"
    );
    assert_eq!(json["gates"][0]["name"], "complete");

    let plain = s.on("status", SEED, &[]).code(0).stdout;
    assert!(!plain.contains('\x1b'), "no colour when piped");
    assert!(plain.contains("      - pre-deployment/security/cors-policy-properly-set  (blocked: waiting for the gateway team)\n"));
    let forced = s.on("status", SEED, &["--color", "always"]).code(0).stdout;
    assert!(
        forced.contains("\x1b["),
        "--color always colours even with NO_COLOR"
    );
    let never = s
        .run_with(&["status", SEED, "--state", STATE, "--color", "never"], &[])
        .code(0)
        .stdout;
    assert_eq!(never, plain);
}

#[test]
fn usage_input_and_environment_errors_exit_2() {
    let s = Session::new();
    // Usage.
    s.run(&[]).code(2);
    s.on("complete", SEED, &["x"]).code(2); // no --by
    s.on("approve", SEED, &["technical-lead-approval", "--by", "ana"])
        .code(2); // no --role
    s.on("complete", SEED, &["x", "--by", " "]).code(2);
    s.on("skip", SEED, &["x", "--by", "a", "--expires", "2027-01-01"])
        .code(2); // no --approver
    s.on(
        "skip",
        SEED,
        &["x", "--by", "a", "--approver", "b", "--expires", "soon"],
    )
    .code(2);
    // Input.
    let run = s.on("status", "missing.md", &[]).code(2);
    assert!(
        run.stderr.starts_with("error: cannot read `missing.md`"),
        "{}",
        run.stderr
    );
    s.write("bad.md", BAD);
    let run = s.on("status", "bad.md", &[]).code(2);
    assert!(run.stderr.contains("--> bad.md:2:6"), "{}", run.stderr);
    assert!(
        run.stderr.contains("error: could not parse `bad.md`"),
        "{}",
        run.stderr
    );
    s.run(&["schema", "bad.md"]).code(2);
    let run = s
        .run(&[
            "complete",
            SEED,
            "e2e-tests-passing",
            "--by",
            "a",
            "--state",
            "no/such/dir/s.json",
        ])
        .code(2);
    assert!(
        run.stderr.contains("help: check that the path is right"),
        "{}",
        run.stderr
    );
    // A state file for another checklist.
    s.on("complete", SEED, &["e2e-tests-passing", "--by", "ana"])
        .code(0);
    s.write("other.md", "# Other\n\n- [ ] Something\n");
    let run = s.on("status", "other.md", &[]).code(2);
    assert!(
        run.stderr
            .contains("is for the checklist `production-deployment-checklist`, not `other`"),
        "{}",
        run.stderr
    );
    // Environment.
    let run = s
        .run_with(
            &["status", SEED, "--state", STATE],
            &[("CHECKLIST_FIXED_TIME", "tomorrow")],
        )
        .code(2);
    assert!(
        run.stderr
            .contains("CHECKLIST_FIXED_TIME=`tomorrow` is not an RFC 3339 time"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_state_from_an_older_checklist_is_migrated_with_a_report() {
    let s = Session::new();
    s.write(
        "r.md",
        "# Release\n\n- [ ] Tests pass\n- [ ] Docs updated\n",
    );
    s.on("complete", "r.md", &["tests-pass", "--by", "ana"])
        .code(0);
    s.write(
        "r.md",
        "# Release\n\n- [ ] Tests pass\n- [ ] Changelog written\n",
    );
    let run = s.on("status", "r.md", &[]).code(0);
    assert_eq!(
        run.stderr,
        "note: state migrated to the current checklist: 1 added, 1 removed, 0 retyped\n  added: changelog-written\n  removed (kept as orphans): docs-updated\n"
    );
    let run = s
        .on("complete", "r.md", &["changelog-written", "--by", "ana"])
        .code(0);
    assert!(run.stderr.starts_with("note: state migrated"));
    assert_eq!(s.state()["orphans"]["docs-updated"]["status"], "pending");
    assert_eq!(s.status_of("changelog-written"), "done");
    s.on("gate", "r.md", &["complete"]).code(0);
}

#[test]
fn lint_and_ids_are_unchanged() {
    let s = Session::new();
    let run = s.run(&["lint", SEED]).code(0);
    assert_eq!(
        run.stdout,
        "production-deployment.md: 34 sections, 177 items: 170 tasks, 3 fields, 4 sign-offs, 4 optional; 0 warnings\n"
    );
    let run = s.run(&["ids", SEED]).code(0);
    assert_eq!(run.stdout.lines().count(), 177);
    assert_eq!(
        run.stdout.lines().next(),
        Some("pre-deployment/code-quality/all-code-reviews-completed")
    );
    s.write("bad.md", BAD);
    s.run(&["lint", "bad.md"]).code(1);
    s.run(&["ids", "bad.md"]).code(2);
}

#[test]
fn every_command_has_help_with_an_example_and_completions_exist() {
    let s = Session::new();
    let top = s.run(&["--help"]).code(0).stdout;
    assert!(top.contains("CHECKLIST_FIXED_TIME  meant for tests"));
    let commands = [
        "lint",
        "ids",
        "status",
        "complete",
        "skip",
        "block",
        "unblock",
        "reopen",
        "fill",
        "clear",
        "approve",
        "reject",
        "revoke",
        "gate",
        "render",
        "log",
        "schema",
        "completions",
    ];
    for command in commands {
        assert!(
            top.contains(&format!("\n  {command} ")),
            "{command} is listed"
        );
        let help = s.run(&[command, "--help"]).code(0).stdout;
        assert!(
            help.contains("Example"),
            "`{command} --help` has an example"
        );
    }
    let version = s.run(&["--version"]).code(0).stdout;
    assert_eq!(
        version,
        format!("checklist {}\n", env!("CARGO_PKG_VERSION"))
    );
    for shell in ["bash", "zsh", "fish"] {
        let script = s.run(&["completions", shell]).code(0).stdout;
        assert!(
            script.contains("checklist") && script.contains("approve"),
            "{shell}"
        );
    }
    s.run(&["completions", "tcsh"]).code(2);
}

#[test]
fn globs_leave_out_items_already_there_but_named_ids_are_strict() {
    let s = Session::new();
    s.on(
        "skip",
        SEED,
        &[
            "read-replicas-configured",
            "--by",
            "ana",
            "--reason",
            "one instance",
        ],
    )
    .code(0);
    let run = s
        .on(
            "complete",
            SEED,
            &["infrastructure/database/*", "--by", "ana"],
        )
        .code(0);
    assert!(
        run.stdout.ends_with(
            "✓ 7 changes saved to `state.json` (revision 8); 1 matched item already resolved, left as it was\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        s.status_of("infrastructure/database/read-replicas-configured"),
        "not_applicable"
    );

    // Everything matched is already resolved: nothing to write, and that is not an error.
    let before = s.state_bytes();
    let run = s
        .on(
            "complete",
            SEED,
            &["infrastructure/database/*", "--by", "ana"],
        )
        .code(0);
    assert_eq!(
        run.stdout,
        "nothing to do: the 8 items matched are already resolved; `state.json` is unchanged\n"
    );
    assert_eq!(s.state_bytes(), before);

    // Named, the same item is refused, even next to a glob that matches it.
    let run = s
        .on(
            "complete",
            SEED,
            &[
                "infrastructure/redis-caching/*",
                "read-replicas-configured",
                "--by",
                "ana",
            ],
        )
        .code(1);
    assert!(
        run.stderr.contains(
            "cannot complete `infrastructure/database/read-replicas-configured` (not_applicable)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 of 8 changes refused"),
        "{}",
        run.stderr
    );
    assert_eq!(s.state_bytes(), before);

    // A blocked task is not "already there" for complete: the glob reports it.
    s.on(
        "block",
        SEED,
        &[
            "redis-configured-and-running",
            "--by",
            "ana",
            "--reason",
            "no VM yet",
        ],
    )
    .code(0);
    let run = s
        .on(
            "complete",
            SEED,
            &["infrastructure/redis-caching/*", "--by", "ana"],
        )
        .code(1);
    assert!(
        run.stderr.contains("help: unblock it first"),
        "{}",
        run.stderr
    );
}

#[test]
fn render_writes_a_file_and_refuses_to_overwrite_the_checklist() {
    let s = Session::new();
    s.on(
        "complete",
        SEED,
        &["code-quality/linting-passes-with-no-errors", "--by", "ana"],
    )
    .code(0);
    s.run(&["render", SEED, "--state", STATE, "-o", "rendered.md"])
        .code(0);
    let rendered = std::fs::read_to_string(s.path("rendered.md")).unwrap();
    assert!(rendered.contains("- [x] Linting passes with no errors\n  > done by ana"));
    let before = std::fs::read(s.path(SEED)).unwrap();
    let refused = s
        .run(&["render", SEED, "--state", STATE, "-o", SEED])
        .code(2);
    assert!(
        refused
            .stderr
            .contains("refusing to overwrite the checklist"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read(s.path(SEED)).unwrap(),
        before,
        "the checklist is untouched"
    );
}
