//! The production-deployment walk-through with signatures required: four people, four
//! SSH keys, four signed sign-offs; `gate deploy` passes, and stops passing when one
//! person's key leaves the allowed-signers file. Errors say which key, principal and file.

mod common;

use checklist_md::trust::{PrivateKeySigner, Signer};
use common::{GATED, Session};

/// Sign-off, signer, role, key seed.
const SIGNOFFS: [(&str, &str, &str, u8); 4] = [
    (
        "technical-lead-approval",
        "ana@example.com",
        "technical-lead",
        1,
    ),
    (
        "security-team-approval",
        "sam@example.com",
        "security-team",
        2,
    ),
    (
        "operations-team-approval",
        "ola@example.com",
        "operations-team",
        3,
    ),
    (
        "product-owner-approval",
        "pat@example.com",
        "product-owner",
        4,
    ),
];

const DEPLOY_SECTIONS: [&str; 7] = [
    "pre-deployment",
    "infrastructure",
    "deployment/pre-deployment-checks",
    "security-hardening",
    "monitoring-alerting",
    "disaster-recovery",
    "documentation",
];

fn signer(seed: u8, who: &str) -> PrivateKeySigner {
    PrivateKeySigner::ed25519_from_seed(&[seed; 32], who)
}

/// The gated checklist with its roles bound to the four people, signatures required,
/// each person's private key in `keys/NAME` and their public key in the allowed-signers
/// file.
fn session() -> Session {
    let s = Session::new();
    let source = std::fs::read_to_string(s.path(GATED)).unwrap();
    let bound = source.replace(
        "roles = [\"technical-lead\", \"security-team\", \"operations-team\", \"product-owner\"]\n",
        "\n[roles]\n\
         technical-lead = [\"ana@example.com\", \"li@example.com\"]\n\
         security-team = [\"sam@example.com\"]\n\
         operations-team = [\"ola@example.com\"]\n\
         product-owner = [\"pat@example.com\"]\n\n\
         [signatures]\n\
         allowed_signers = \".checklist/allowed_signers\"\n\
         required = true\n",
    );
    assert_ne!(bound, source, "the front matter was rewritten");
    s.write(GATED, &bound);
    std::fs::create_dir_all(s.path(".checklist")).unwrap();
    std::fs::create_dir_all(s.path("keys")).unwrap();
    let mut allowed = String::new();
    for (_, who, _, seed) in SIGNOFFS {
        let key = signer(seed, who);
        s.write(&format!("keys/{who}"), &key.to_openssh());
        allowed.push_str(&format!(
            "{who} namespaces=\"checklist\" {}\n",
            key.public_key().to_openssh()
        ));
    }
    s.write(".checklist/allowed_signers", &allowed);
    s
}

fn covered_done(s: &Session) {
    for section in DEPLOY_SECTIONS {
        s.on(
            "complete",
            GATED,
            &[&format!("{section}/**"), "--by", "ana@example.com"],
        )
        .code(0);
    }
    // The tasks with checks are done only by a passing run of their check.
    s.on("verify", GATED, &["--by", "ci@example.com"]).code(0);
    s.on(
        "fill",
        GATED,
        &["scheduled-date", "2026-12-01", "--by", "ana@example.com"],
    )
    .code(0);
}

fn approve(s: &Session, signoff: &str, who: &str, role: &str, key: &str) -> common::Run {
    s.on(
        "approve",
        GATED,
        &[signoff, "--by", who, "--role", role, "--key", key],
    )
}

#[test]
fn four_people_sign_the_deploy_and_the_gate_passes_until_a_key_leaves() {
    let s = session();
    s.run(&["lint", GATED]).code(0);
    covered_done(&s);
    for (signoff, who, role, _) in SIGNOFFS {
        let run = approve(&s, signoff, who, role, &format!("keys/{who}")).code(0);
        assert!(run.stdout.contains("approve"), "{}", run.stdout);
    }
    let deploy = s.on("gate", GATED, &["deploy"]).code(0);
    assert_eq!(
        deploy.stdout,
        "✓ gate `deploy` passes: all 155 items resolved\n"
    );

    // The log says who signed each sign-off, with the key's fingerprint.
    let log = s.on("log", GATED, &[]).code(0);
    for (signoff, who, _, seed) in SIGNOFFS {
        let fingerprint = signer(seed, who).public_key().fingerprint().to_string();
        let line = log
            .stdout
            .lines()
            .find(|l| l.contains(signoff) && l.contains("approve"))
            .unwrap_or_else(|| panic!("no approve line for {signoff}\n{}", log.stdout));
        assert!(
            line.contains(&format!("[signed by {who} {fingerprint}]")),
            "{line}"
        );
    }
    assert!(
        log.stdout.contains("4 signatures verified"),
        "{}",
        log.stdout
    );

    // Sam leaves the team: their line goes from the allowed-signers file.
    let allowed = std::fs::read_to_string(s.path(".checklist/allowed_signers")).unwrap();
    let without_sam: String = allowed
        .lines()
        .filter(|l| !l.starts_with("sam@"))
        .map(|l| format!("{l}\n"))
        .collect();
    s.write(".checklist/allowed_signers", &without_sam);
    let before = s.state_bytes();
    let gate = s.on("gate", GATED, &["deploy"]).code(1);
    assert!(
        gate.stdout.contains("security-team-approval"),
        "{}",
        gate.stdout
    );
    assert!(
        gate.stdout
            .contains("unverified signature of sam@example.com"),
        "{}",
        gate.stdout
    );
    let status = s.on("status", GATED, &[]).code(0);
    assert!(
        status
            .stdout
            .contains("unverified signature of sam@example.com"),
        "{}",
        status.stdout
    );
    let log = s.on("log", GATED, &[]).code(0);
    assert!(
        log.stdout
            .contains("UNVERIFIED signature of sam@example.com"),
        "{}",
        log.stdout
    );
    assert_eq!(s.state_bytes(), before, "reading wrote nothing");
}

#[test]
fn signing_errors_say_which_key_principal_and_file() {
    let s = session();
    covered_done(&s);
    let before = s.state_bytes();

    // No key at all.
    let run = s
        .on(
            "approve",
            GATED,
            &[
                "technical-lead-approval",
                "--by",
                "ana@example.com",
                "--role",
                "technical-lead",
            ],
        )
        .code(1);
    assert!(
        run.stderr
            .contains("requires it to be signed by `ana@example.com`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--key"), "{}", run.stderr);
    assert!(
        run.stderr.contains(".checklist/allowed_signers"),
        "{}",
        run.stderr
    );

    // Somebody else's key.
    let run = approve(
        &s,
        "technical-lead-approval",
        "ana@example.com",
        "technical-lead",
        "keys/sam@example.com",
    )
    .code(1);
    assert!(
        run.stderr
            .contains("not listed for principal `ana@example.com`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(".checklist/allowed_signers"),
        "{}",
        run.stderr
    );

    // A key file that does not exist.
    let run = approve(
        &s,
        "technical-lead-approval",
        "ana@example.com",
        "technical-lead",
        "keys/nobody",
    )
    .code(2);
    assert!(run.stderr.contains("keys/nobody"), "{}", run.stderr);

    // A role the binding does not give, whatever `--role` claims.
    let run = approve(
        &s,
        "technical-lead-approval",
        "sam@example.com",
        "technical-lead",
        "keys/sam@example.com",
    )
    .code(1);
    assert!(
        run.stderr.contains("`ana@example.com`, `li@example.com`"),
        "{}",
        run.stderr
    );
    assert_eq!(s.state_bytes(), before, "every refusal wrote nothing");

    // An allowed-signers file that is missing is named, with what to do.
    std::fs::remove_file(s.path(".checklist/allowed_signers")).unwrap();
    let run = s.on("status", GATED, &[]).code(2);
    assert!(
        run.stderr.contains(".checklist/allowed_signers"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("allowed-signers"), "{}", run.stderr);
}

#[test]
fn a_waiver_is_signed_by_its_approver() {
    let s = session();
    let task = "pre-deployment/code-quality/e2e-tests-passing";
    let before = s.state_bytes();
    // Signed with the asker's key: refused.
    let run = s
        .on(
            "skip",
            GATED,
            &[
                task,
                "--by",
                "ana@example.com",
                "--reason",
                "flaky suite",
                "--approver",
                "sam@example.com",
                "--key",
                "keys/ana@example.com",
            ],
        )
        .code(1);
    assert!(run.stderr.contains("sam@example.com"), "{}", run.stderr);
    assert_eq!(s.state_bytes(), before);
    s.on(
        "skip",
        GATED,
        &[
            task,
            "--by",
            "ana@example.com",
            "--reason",
            "flaky suite",
            "--approver",
            "sam@example.com",
            "--key",
            "keys/sam@example.com",
        ],
    )
    .code(0);
    let log = s.on("log", GATED, &[]).code(0);
    assert!(
        log.stdout.contains("[signed by sam@example.com SHA256:"),
        "{}",
        log.stdout
    );
}

/// Starts an ssh-agent on a socket in `dir` holding `key`; `None` (said on stderr) when
/// OpenSSH's agent is not installed.
fn agent_with(
    dir: &std::path::Path,
    key: &std::path::Path,
) -> Option<(std::process::Child, String)> {
    use std::process::{Command, Stdio};
    let socket = dir.join("agent.sock");
    let Ok(mut agent) = Command::new("ssh-agent")
        .arg("-D")
        .arg("-a")
        .arg(&socket)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        eprintln!("ssh-agent is not installed: the agent case is skipped");
        return None;
    };
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let added = Command::new("ssh-add")
        .arg(key)
        .env("SSH_AUTH_SOCK", &socket)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !added.is_ok_and(|s| s.success()) {
        let _ = agent.kill();
        eprintln!("ssh-add could not add the key: the agent case is skipped");
        return None;
    }
    Some((agent, socket.display().to_string()))
}

#[test]
fn without_key_ssh_agent_signs_with_the_listed_key() {
    let s = session();
    covered_done(&s);
    let key = s.path("keys/ana@example.com");
    let Some((mut agent, socket)) = agent_with(s.dir.path(), &key) else {
        return;
    };
    let run = s.run_with(
        &[
            "approve",
            GATED,
            "technical-lead-approval",
            "--by",
            "ana@example.com",
            "--role",
            "technical-lead",
            "--state",
            common::STATE,
        ],
        &[("SSH_AUTH_SOCK", &socket)],
    );
    let _ = agent.kill();
    let _ = agent.wait();
    let run = run.code(0);
    assert!(run.stdout.contains("approve"), "{}", run.stdout);
    let log = s.on("log", GATED, &[]).code(0);
    assert!(
        log.stdout.contains("[signed by ana@example.com SHA256:"),
        "{}",
        log.stdout
    );
}
