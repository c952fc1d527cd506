//! Interoperability with OpenSSH, proven against the installed `ssh-keygen`: keys it
//! generates, signatures each side makes verified by the other against one
//! allowed-signers file, the same accept/refuse decisions, and the ssh-keygen signer
//! (with and without ssh-agent). Skipped, saying so on stderr, when `ssh-keygen` is absent.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use checklist_sshsig::{
    AllowedSigners, HashAlgorithm, NAMESPACE, PrivateKeySigner, PublicKey, SignError, Signature,
    Signer, SshKeygenSigner,
};
use common::*;

const MESSAGE: &[u8] = b"deploy.md: sign-off/security-review by alice\n";

/// Generates a key with `ssh-keygen -t TYPE [-b BITS] -N ''` in `dir`; returns its path.
fn keygen(dir: &Path, name: &str, key_type: &str, bits: Option<&str>) -> PathBuf {
    let path = dir.join(name);
    let path_s = path.to_str().unwrap();
    let mut args = vec!["-q", "-t", key_type, "-N", "", "-C", name, "-f", path_s];
    if let Some(bits) = bits {
        args.extend(["-b", bits]);
    }
    let (ok, _, err) = ssh_keygen(&args, b"", &[]);
    assert!(ok, "ssh-keygen -t {key_type}: {err}");
    path
}

/// `KEY.pub` (not `with_extension`: principals used as file names contain dots).
fn pub_path(key: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pub", key.display()))
}

fn pub_line(key: &Path) -> String {
    std::fs::read_to_string(pub_path(key))
        .unwrap()
        .trim()
        .to_owned()
}

/// `ssh-keygen -Y verify`; returns whether it accepted, and its output.
fn openssh_verify(
    allowed: &Path,
    principal: &str,
    namespace: &str,
    sig: &Signature,
    message: &[u8],
    extra: &[&str],
) -> (bool, String) {
    let sig_path = allowed.with_file_name(format!("sig-{}", std::process::id()));
    std::fs::write(&sig_path, sig.to_armored()).unwrap();
    let mut args = vec![
        "-Y",
        "verify",
        "-f",
        allowed.to_str().unwrap(),
        "-I",
        principal,
        "-n",
        namespace,
        "-s",
        sig_path.to_str().unwrap(),
    ];
    args.extend(extra);
    let (ok, out, err) = ssh_keygen(&args, message, &[("TZ", "UTC")]);
    (ok, format!("{out}{err}"))
}

fn openssh_sign(key: &Path, message: &[u8], extra: &[&str]) -> Signature {
    let mut args = vec!["-Y", "sign", "-n", NAMESPACE, "-f", key.to_str().unwrap()];
    args.extend(extra);
    let (ok, out, err) = ssh_keygen(&args, message, &[]);
    assert!(ok, "ssh-keygen -Y sign: {err}");
    out.parse().unwrap()
}

#[test]
fn signatures_cross_between_this_crate_and_ssh_keygen() {
    if !have_ssh_keygen("signatures_cross_between_this_crate_and_ssh_keygen") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys = [
        ("alice@example.com", "ed25519", None),
        ("bob@example.com", "ecdsa", Some("256")),
        ("carol@example.com", "ecdsa", Some("384")),
        ("dave@example.com", "rsa", Some("2048")),
    ];
    let mut file = String::new();
    let mut paths = Vec::new();
    for (principal, key_type, bits) in keys {
        let key = keygen(dir.path(), principal, key_type, bits);
        file.push_str(&format!(
            "{principal} namespaces=\"checklist,git\",valid-after=\"20240101Z\" {}\n",
            pub_line(&key)
        ));
        paths.push((principal, key));
    }
    let allowed_path = dir.path().join("allowed_signers");
    std::fs::write(&allowed_path, &file).unwrap();
    let allowed = AllowedSigners::from_file(&allowed_path).unwrap();
    let now = SystemTime::now();

    for (principal, key) in &paths {
        // This crate signs (RSA through ssh-keygen: see PrivateKeySigner), OpenSSH verifies.
        let signer: Box<dyn Signer> = if principal.starts_with("dave") {
            Box::new(SshKeygenSigner::new(key).unwrap().auth_sock(None::<&str>))
        } else {
            Box::new(PrivateKeySigner::from_file(key).unwrap())
        };
        let ours = signer.sign(NAMESPACE, MESSAGE).unwrap();
        let (ok, out) = openssh_verify(&allowed_path, principal, NAMESPACE, &ours, MESSAGE, &[]);
        assert!(ok, "{principal}: ssh-keygen refused our signature: {out}");
        assert!(
            out.contains(&format!("Good \"checklist\" signature for {principal}")),
            "{out}"
        );
        // The same refusals on OpenSSH's side, so the acceptance above means something.
        let (ok, _) = openssh_verify(
            &allowed_path,
            "mallory@example.com",
            NAMESPACE,
            &ours,
            MESSAGE,
            &[],
        );
        assert!(!ok, "{principal}: ssh-keygen accepted another principal");
        let (ok, _) = openssh_verify(&allowed_path, principal, NAMESPACE, &ours, b"tampered", &[]);
        assert!(!ok, "{principal}: ssh-keygen accepted another message");

        // OpenSSH signs, this crate verifies, with both hashes.
        for (extra, hash) in [
            (&[][..], HashAlgorithm::Sha512),
            (&["-O", "hashalg=sha256"][..], HashAlgorithm::Sha256),
        ] {
            let theirs = openssh_sign(key, MESSAGE, extra);
            assert_eq!(theirs.hash_algorithm(), hash);
            let verified = allowed
                .verify(principal, NAMESPACE, MESSAGE, &theirs, now)
                .unwrap();
            assert_eq!(
                verified.public_key(),
                &PublicKey::read_file(pub_path(key)).unwrap()
            );
            assert!(
                allowed
                    .verify(principal, NAMESPACE, b"tampered", &theirs, now)
                    .is_err()
            );
            assert!(
                allowed
                    .verify("mallory@example.com", NAMESPACE, MESSAGE, &theirs, now)
                    .is_err()
            );
        }
    }
}

#[test]
fn fingerprints_match_ssh_keygen_l() {
    if !have_ssh_keygen("fingerprints_match_ssh_keygen_l") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (key_type, bits) in [
        ("ed25519", None),
        ("ecdsa", Some("256")),
        ("ecdsa", Some("384")),
        ("rsa", Some("2048")),
    ] {
        let key = keygen(
            dir.path(),
            &format!("k-{key_type}-{}", bits.unwrap_or("")),
            key_type,
            bits,
        );
        let pub_file = pub_path(&key);
        let (ok, out, err) = ssh_keygen(&["-l", "-f", pub_file.to_str().unwrap()], b"", &[]);
        assert!(ok, "{err}");
        let expected = out.split_whitespace().nth(1).unwrap().to_owned();
        assert_eq!(
            PublicKey::read_file(&pub_file)
                .unwrap()
                .fingerprint()
                .to_string(),
            expected
        );
    }
}

#[test]
fn allowed_signers_decisions_match_ssh_keygen() {
    if !have_ssh_keygen("allowed_signers_decisions_match_ssh_keygen") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path(), "shared", "ed25519", None);
    let sig = PrivateKeySigner::from_file(&key)
        .unwrap()
        .sign(NAMESPACE, MESSAGE)
        .unwrap();
    let line = pub_line(&key);
    // (file, principal, verify time as ssh-keygen takes it, the same as Unix seconds)
    let cases: Vec<(String, &str, &str, u64)> = vec![
        (
            format!("*@example.com,!mallory@example.com {line}"),
            "alice@example.com",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("*@example.com,!mallory@example.com {line}"),
            "mallory@example.com",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("\"alice b\" {line}"),
            "alice b",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("alice namespaces=\"git\" {line}"),
            "alice",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("alice namespaces=\"check*,!checklist-x\" {line}"),
            "alice",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("alice valid-after=\"20240501120000Z\" {line}"),
            "alice",
            "20240501115959Z",
            1_714_564_799,
        ),
        (
            format!("alice valid-after=\"20240501120000Z\" {line}"),
            "alice",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("alice valid-before=\"20240601Z\" {line}"),
            "alice",
            "20240601000000Z",
            1_717_200_000,
        ),
        (
            format!("alice valid-before=\"20240601Z\" {line}"),
            "alice",
            "20240601000001Z",
            1_717_200_001,
        ),
        // Without Z: OpenSSH reads local time; run with TZ=UTC it agrees with our reading.
        (
            format!("alice valid-after=\"202405011200\" {line}"),
            "alice",
            "20240501115959Z",
            1_714_564_799,
        ),
        (
            format!("alice valid-after=\"202405011200\" {line}"),
            "alice",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("alice cert-authority {line}"),
            "alice",
            "20240501120000Z",
            1_714_564_800,
        ),
        (
            format!("bob {line}\nalice,bob {line}"),
            "alice",
            "20240501120000Z",
            1_714_564_800,
        ),
    ];
    let allowed_path = dir.path().join("allowed_signers");
    for (file, principal, openssh_time, unix_time) in cases {
        std::fs::write(&allowed_path, format!("{file}\n")).unwrap();
        let ours = AllowedSigners::from_file(&allowed_path)
            .unwrap()
            .verify(principal, NAMESPACE, MESSAGE, &sig, unix(unix_time))
            .is_ok();
        let time_opt = format!("verify-time={openssh_time}");
        let (theirs, out) = openssh_verify(
            &allowed_path,
            principal,
            NAMESPACE,
            &sig,
            MESSAGE,
            &["-O", &time_opt],
        );
        assert_eq!(
            ours, theirs,
            "{file:?} as {principal} at {openssh_time}: ssh-keygen said {out}"
        );
    }
}

#[test]
fn principals_for_matches_ssh_keygen_find_principals() {
    if !have_ssh_keygen("principals_for_matches_ssh_keygen_find_principals") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path(), "k", "ed25519", None);
    let allowed_path = dir.path().join("allowed_signers");
    std::fs::write(
        &allowed_path,
        format!("alice@example.com,alice@corp.example {}\n", pub_line(&key)),
    )
    .unwrap();
    let sig = PrivateKeySigner::from_file(&key)
        .unwrap()
        .sign(NAMESPACE, MESSAGE)
        .unwrap();
    let sig_path = dir.path().join("sig");
    std::fs::write(&sig_path, sig.to_armored()).unwrap();
    let (ok, out, err) = ssh_keygen(
        &[
            "-Y",
            "find-principals",
            "-f",
            allowed_path.to_str().unwrap(),
            "-s",
            sig_path.to_str().unwrap(),
        ],
        b"",
        &[],
    );
    assert!(ok, "{err}");
    let ours = AllowedSigners::from_file(&allowed_path).unwrap();
    // ssh-keygen prints one principal per line.
    assert_eq!(ours.principals_for(sig.public_key()).join("\n"), out.trim());
}

/// An ssh-agent this test started, on a socket in a temp dir; killed when dropped.
struct Agent {
    child: Child,
    socket: PathBuf,
}

impl Agent {
    fn start(dir: &Path) -> Option<Agent> {
        let socket = dir.join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) => {
                skipped(&format!(
                    "the ssh-agent part: ssh-agent could not be run ({e})"
                ));
                return None;
            }
        };
        let agent = Agent { child, socket };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !agent.socket.exists() {
            assert!(
                Instant::now() < deadline,
                "ssh-agent did not create its socket"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(agent)
    }

    fn add(&self, key: &Path) {
        let out = Command::new("ssh-add")
            .arg(key)
            .env("SSH_AUTH_SOCK", &self.socket)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ssh-add: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_ssh_keygen_signer_signs_with_key_files_and_the_agent() {
    if !have_ssh_keygen("the_ssh_keygen_signer_signs_with_key_files_and_the_agent") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ed = keygen(dir.path(), "ed", "ed25519", None);
    let rsa = keygen(dir.path(), "rsa", "rsa", Some("2048"));
    let allowed = AllowedSigners::parse(&format!(
        "alice@example.com {}\nalice@example.com {}\n",
        pub_line(&ed),
        pub_line(&rsa)
    ))
    .unwrap();
    let now = SystemTime::now();

    // A private key file, no agent.
    for key in [&ed, &rsa] {
        let signer = SshKeygenSigner::new(key).unwrap().auth_sock(None::<&str>);
        let sig = signer.sign(NAMESPACE, MESSAGE).unwrap();
        allowed
            .verify("alice@example.com", NAMESPACE, MESSAGE, &sig, now)
            .unwrap();
        let sig = signer
            .with_hash(HashAlgorithm::Sha256)
            .sign(NAMESPACE, MESSAGE)
            .unwrap();
        assert_eq!(sig.hash_algorithm(), HashAlgorithm::Sha256);
    }

    // `-U` with no agent reachable.
    let e = SshKeygenSigner::agent(pub_path(&ed))
        .unwrap()
        .auth_sock(None::<&str>)
        .sign(NAMESPACE, MESSAGE)
        .unwrap_err();
    assert!(matches!(e, SignError::SshKeygenFailed { .. }), "{e}");
    assert!(e.to_string().contains("ssh-agent"), "{e}");

    let Some(agent) = Agent::start(dir.path()) else {
        return;
    };
    // The agent holds the ed25519 key: its `.pub` is enough, as for hardware keys.
    agent.add(&ed);
    let pub_only = dir.path().join("only.pub");
    std::fs::copy(pub_path(&ed), &pub_only).unwrap();
    for signer in [
        SshKeygenSigner::agent(&pub_only).unwrap(),
        SshKeygenSigner::new(&pub_only).unwrap(),
    ] {
        let sig = signer
            .auth_sock(Some(&agent.socket))
            .sign(NAMESPACE, MESSAGE)
            .unwrap();
        let verified = allowed
            .verify("alice@example.com", NAMESPACE, MESSAGE, &sig, now)
            .unwrap();
        assert_eq!(
            verified.public_key(),
            &PublicKey::read_file(&pub_only).unwrap()
        );
    }
    // The agent does not hold the RSA key.
    let rsa_pub = dir.path().join("rsa-only.pub");
    std::fs::copy(pub_path(&rsa), &rsa_pub).unwrap();
    let e = SshKeygenSigner::agent(&rsa_pub)
        .unwrap()
        .auth_sock(Some(&agent.socket))
        .sign(NAMESPACE, MESSAGE)
        .unwrap_err();
    assert!(matches!(e, SignError::SshKeygenFailed { .. }), "{e}");
    assert!(e.to_string().contains("ssh-add"), "{e}");
    drop(agent);
}

#[test]
fn the_ssh_keygen_signer_refuses_a_signature_by_another_key() {
    if !have_ssh_keygen("the_ssh_keygen_signer_refuses_a_signature_by_another_key") {
        return;
    }
    // The key file changes between making the signer and signing: the signer claims
    // key a, ssh-keygen signs with key b, and the mismatch is caught rather than a
    // sign-off being attributed to the wrong key.
    let dir = tempfile::tempdir().unwrap();
    let a = keygen(dir.path(), "a", "ed25519", None);
    let b = keygen(dir.path(), "b", "ed25519", None);
    let key_file = dir.path().join("signing-key");
    std::fs::copy(&a, &key_file).unwrap();
    let signer = SshKeygenSigner::new(&key_file)
        .unwrap()
        .auth_sock(None::<&str>);
    std::fs::copy(&b, &key_file).unwrap();
    let e = signer.sign(NAMESPACE, MESSAGE).unwrap_err();
    assert!(matches!(e, SignError::WrongKey { .. }), "{e}");
    // A `.pub` beside the key that belongs to another key: OpenSSH refuses it itself.
    std::fs::copy(pub_path(&b), pub_path(&a)).unwrap();
    let e = SshKeygenSigner::new(&a)
        .unwrap()
        .auth_sock(None::<&str>)
        .sign(NAMESPACE, MESSAGE)
        .unwrap_err();
    assert!(matches!(e, SignError::SshKeygenFailed { .. }), "{e}");
    assert!(e.to_string().contains("ssh-keygen -y -f"), "{e}");
    // A key file that disappeared after the signer was made.
    let signer = SshKeygenSigner::new(&b).unwrap();
    std::fs::remove_file(&b).unwrap();
    let e = signer.sign(NAMESPACE, MESSAGE).unwrap_err();
    assert!(matches!(e, SignError::KeyFileMissing { .. }), "{e}");
}
