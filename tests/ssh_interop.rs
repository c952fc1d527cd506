//! Signatures interoperate with OpenSSH: a sign-off signed by the library verifies with
//! `ssh-keygen -Y verify`, and one signed by `ssh-keygen -Y sign` (through
//! `SshKeygenSigner`) verifies in the library. Skipped, saying so on stderr, where
//! OpenSSH is not installed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use checklist_md::trust::{
    AllowedSigners, PrivateKeySigner, SignatureCheck, Signer, SshKeygenSigner,
};
use checklist_md::{Actor, EventHash, Request, Spec, State};

const CHECKLIST: &str = "+++\nid = \"release\"\n[roles]\nlead = [\"ana@example.com\"]\n\
    [signatures]\nallowed_signers = \"allowed_signers\"\nrequired = true\n+++\n\
    # Release\n\n- [ ] Tests pass\n- [ ] Lead Approval: ____\n";

fn ssh_keygen() -> bool {
    let found = Command::new("ssh-keygen")
        .arg("-?")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("ssh-keygen (OpenSSH) is not installed: the interoperability tests are skipped");
    }
    found
}

/// A state with the tests done, ready for ana's signed approval.
fn ready(allowed: AllowedSigners) -> State {
    let spec = Arc::new(
        Spec::parse(CHECKLIST)
            .unwrap()
            .with_allowed_signers(allowed),
    );
    let mut state = State::new(spec);
    let tests = state.spec().index_of("tests-pass").unwrap();
    state
        .complete(tests, &Actor::new("ana@example.com"))
        .unwrap();
    state
}

fn approve(state: &mut State, signer: &dyn Signer) {
    let i = state.spec().index_of("lead-approval").unwrap();
    state
        .apply_signed(
            i,
            &Actor::new("ana@example.com"),
            Request::Approve {
                comment: Some("ship it"),
            },
            signer,
        )
        .unwrap();
}

#[test]
fn a_library_signature_verifies_with_ssh_keygen() {
    if !ssh_keygen() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = PrivateKeySigner::ed25519_from_seed(&[5; 32], "ana@example.com");
    let line = format!(
        "ana@example.com namespaces=\"checklist\" {}\n",
        key.public_key().to_openssh()
    );
    std::fs::write(dir.path().join("allowed_signers"), &line).unwrap();
    let mut state = ready(AllowedSigners::parse(&line).unwrap());
    approve(&mut state, &key);

    // The event's message, as the signature covers it, and the signature as written.
    let events = state.events();
    let event = events.last().unwrap();
    let signed = event.signature.as_ref().unwrap();
    let message = event.signed_message(
        state.spec().id(),
        signed.spec(),
        &events[events.len() - 2].hash,
    );
    std::fs::write(dir.path().join("message"), &message).unwrap();
    std::fs::write(
        dir.path().join("message.sig"),
        signed.signature().to_armored(),
    )
    .unwrap();
    let verify = |message: &Path| {
        Command::new("ssh-keygen")
            .args([
                "-Y",
                "verify",
                "-f",
                "allowed_signers",
                "-I",
                "ana@example.com",
            ])
            .args(["-n", "checklist", "-s", "message.sig"])
            .current_dir(dir.path())
            .stdin(std::fs::File::open(message).unwrap())
            .output()
            .unwrap()
    };
    let out = verify(&dir.path().join("message"));
    assert!(
        out.status.success(),
        "ssh-keygen refused the library's signature: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // And OpenSSH too refuses it for another event.
    let other = event.signed_message(state.spec().id(), signed.spec(), &EventHash::GENESIS);
    std::fs::write(dir.path().join("other"), other).unwrap();
    assert!(!verify(&dir.path().join("other")).status.success());
}

#[test]
fn an_ssh_keygen_signature_verifies_in_the_library() {
    if !ssh_keygen() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("id_ed25519");
    let made = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "ana@example.com",
            "-f",
        ])
        .arg(&key)
        .status()
        .unwrap();
    assert!(made.success());
    let public = std::fs::read_to_string(dir.path().join("id_ed25519.pub")).unwrap();
    let allowed = AllowedSigners::parse(&format!("ana@example.com {public}")).unwrap();
    let mut state = ready(allowed.clone());
    // `ssh-keygen -Y sign -n checklist -f KEY` signs; the library verifies, in-process.
    let signer = SshKeygenSigner::new(&key).unwrap();
    approve(&mut state, &signer);
    let seq = state.events().last().unwrap().seq;
    assert!(
        matches!(state.signature_check(seq), SignatureCheck::Verified { .. }),
        "{:?}",
        state.signature_check(seq)
    );
    // And again after a round trip through the JSON.
    let spec = Arc::new(
        Spec::parse(CHECKLIST)
            .unwrap()
            .with_allowed_signers(allowed),
    );
    let loaded = State::from_json(spec, &state.to_json()).unwrap().state;
    assert!(loaded.signature_check(seq).is_verified());
}
