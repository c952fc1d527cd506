//! Fixtures and helpers shared by the integration tests. `tests/data` holds test-only keys
//! made with `ssh-keygen`, and signatures it made over `message.txt` in namespace
//! `checklist`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use checklist_sshsig::{AllowedSigners, PublicKey, Signature};

pub const FIXTURE_KEYS: &[&str] = &["ed25519", "ecdsa256", "ecdsa384", "rsa3072"];

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn read(name: &str) -> String {
    std::fs::read_to_string(data(name)).unwrap()
}

pub fn message() -> Vec<u8> {
    std::fs::read(data("message.txt")).unwrap()
}

pub fn public(name: &str) -> PublicKey {
    PublicKey::read_file(data(&format!("{name}.pub"))).unwrap()
}

pub fn signature(name: &str) -> Signature {
    read(&format!("{name}.sig")).parse().unwrap()
}

/// 2024-05-01T12:00:00Z, when the fixture sign-off happened.
pub fn signed_at() -> SystemTime {
    unix(1_714_564_800)
}

pub fn unix(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Each fixture key listed for the principal in its comment, as an allowed-signers file.
pub fn allowed_signers_text() -> String {
    let mut text = String::from("# test fixture\n");
    for name in FIXTURE_KEYS {
        let line = read(&format!("{name}.pub"));
        let principal = line.split_whitespace().nth(2).unwrap();
        text.push_str(&format!("{principal} {}\n", line.trim()));
    }
    text
}

pub fn allowed_signers() -> AllowedSigners {
    AllowedSigners::parse(&allowed_signers_text()).unwrap()
}

/// Whether `ssh-keygen` can be run; prints why a test is skipped when it cannot.
pub fn have_ssh_keygen(test: &str) -> bool {
    // `ssh-keygen -?` prints usage and exits non-zero; only a spawn failure means absent.
    match Command::new("ssh-keygen").arg("-?").output() {
        Ok(_) => true,
        Err(e) => {
            skipped(&format!(
                "{test}: ssh-keygen could not be run ({e}); install OpenSSH's client tools to run the interoperability tests"
            ));
            false
        }
    }
}

/// Says on stderr that a test was skipped. Written to the stream directly, not with
/// `eprintln!`, which the test harness captures and shows only for failing tests.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {why}");
}

/// Runs `ssh-keygen` with the given arguments and stdin; returns (success, stdout, stderr).
pub fn ssh_keygen(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> (bool, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(args)
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Appends an SSH wire string.
pub fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Reads the SSH wire string at `pos`; returns it and the position after it.
pub fn get_string(bytes: &[u8], pos: usize) -> (&[u8], usize) {
    let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
    (&bytes[pos + 4..pos + 4 + len], pos + 4 + len)
}

/// Splits a blob into (key, namespace, reserved, hash, signature) fields.
pub fn blob_fields(blob: &[u8]) -> [Vec<u8>; 5] {
    assert_eq!(&blob[..6], b"SSHSIG");
    let mut pos = 10;
    let mut fields: [Vec<u8>; 5] = Default::default();
    for field in &mut fields {
        let (f, next) = get_string(blob, pos);
        *field = f.to_vec();
        pos = next;
    }
    fields
}

/// Assembles a version-1 blob from fields.
pub fn blob_from_fields(fields: &[Vec<u8>; 5]) -> Vec<u8> {
    let mut blob = b"SSHSIG".to_vec();
    blob.extend_from_slice(&1u32.to_be_bytes());
    for f in fields {
        put_string(&mut blob, f);
    }
    blob
}
