//! Signing from the command line: the key `--key` names, or ssh-agent; and the
//! allowed-signers file a checklist names, read beside it.

use std::path::{Path, PathBuf};
use std::process::Command;

use checklist_core::Spec;
use checklist_core::trust::{
    AllowedSigners, PrivateKeySigner, PublicKey, SignError, Signature, Signer, SshKeygenSigner,
};

use crate::outcome::{Fatal, Result};

/// The allowed-signers file `spec`'s `[signatures]` names, read relative to the
/// checklist `file`, attached to the spec; the spec as it is when it names none.
pub fn with_allowed_signers(spec: Spec, file: &Path) -> Result<Spec> {
    let Some(name) = spec.signature_policy().allowed_signers() else {
        return Ok(spec);
    };
    let path = file.parent().unwrap_or(Path::new("")).join(name);
    match AllowedSigners::from_file(&path) {
        Ok(allowed) => Ok(spec.with_allowed_signers(allowed)),
        Err(e) => Err(Fatal::new(
            format!(
                "{}: {} (named by `[signatures] allowed_signers` in `{}`)",
                crate::load::chain(&e),
                path.display(),
                file.display()
            ),
            "create it, one line per signer as in git's allowed-signers file \
             (`ana@example.com ssh-ed25519 AAAA...`), or fix `allowed_signers` (a path relative to the checklist)",
        )),
    }
}

/// How to sign a change by `principal`: `--key`, else ssh-agent when the checklist
/// requires signatures and `SSH_AUTH_SOCK` is set, else nothing (and the library says
/// whether a signature was needed).
pub fn signer(key: Option<&Path>, spec: &Spec, principal: &str) -> Result<Option<Box<dyn Signer>>> {
    if let Some(path) = key {
        return from_key(path).map(Some);
    }
    if !spec.signatures_required() || std::env::var_os("SSH_AUTH_SOCK").is_none() {
        return Ok(None);
    }
    from_agent(spec, principal)
}

/// A key file: in-process for unencrypted Ed25519 and ECDSA keys; through `ssh-keygen`
/// for a `.pub` file (its private half in ssh-agent), an encrypted key (ssh-agent or a
/// passphrase prompt) and key types signed only by OpenSSH (RSA, FIDO).
fn from_key(path: &Path) -> Result<Box<dyn Signer>> {
    let through_ssh_keygen = |agent: bool| -> Result<Box<dyn Signer>> {
        let signer = if agent {
            SshKeygenSigner::agent(path)
        } else {
            SshKeygenSigner::new(path)
        };
        signer
            .map(|s| Box::new(s) as Box<dyn Signer>)
            .map_err(|e| key_error(&e, path))
    };
    if path.extension().is_some_and(|e| e == "pub") {
        return through_ssh_keygen(true);
    }
    match PrivateKeySigner::from_file(path) {
        Ok(signer) => Ok(Box::new(signer)),
        Err(SignError::Encrypted { .. } | SignError::UnsupportedKey { .. }) => {
            through_ssh_keygen(false)
        }
        Err(e) => Err(key_error(&e, path)),
    }
}

fn key_error(e: &SignError, path: &Path) -> Fatal {
    Fatal::new(
        format!(
            "cannot sign with `{}`: {}",
            path.display(),
            crate::load::chain(e)
        ),
        "pass `--key` the OpenSSH private key file you sign with (e.g. ~/.ssh/id_ed25519), \
         or its `.pub` file when the private key is in ssh-agent",
    )
}

/// The first key in ssh-agent that the allowed-signers file lists for `principal`.
fn from_agent(spec: &Spec, principal: &str) -> Result<Option<Box<dyn Signer>>> {
    let listed: Vec<&PublicKey> = spec
        .allowed_signers()
        .map(|a| a.keys_for(principal))
        .unwrap_or_default();
    let output = Command::new("ssh-add").arg("-L").output().map_err(|e| {
        Fatal::new(
            format!("cannot ask ssh-agent for its keys (`ssh-add -L`): {e}"),
            "pass the key to sign with: `--key ~/.ssh/id_ed25519`",
        )
    })?;
    let text = String::from_utf8_lossy(&output.stdout);
    let found = text
        .lines()
        .filter_map(|line| PublicKey::parse(line).ok())
        .find(|key| listed.contains(&key));
    let Some(key) = found else {
        return Err(Fatal::new(
            format!("ssh-agent holds no key that the allowed-signers file lists for `{principal}`"),
            format!(
                "add yours to the agent (`ssh-add ~/.ssh/id_ed25519`) or pass it with `--key`; \
                 the file lists {} key{} for `{principal}`",
                listed.len(),
                if listed.len() == 1 { "" } else { "s" }
            ),
        ));
    };
    AgentKey::new(&key).map(|s| Some(Box::new(s) as Box<dyn Signer>))
}

/// A key in ssh-agent, signed with through `ssh-keygen -Y sign -U` and a `.pub` file
/// written for it, removed when done.
struct AgentKey {
    inner: SshKeygenSigner,
    file: PathBuf,
}

impl AgentKey {
    fn new(key: &PublicKey) -> Result<Self> {
        let file = std::env::temp_dir().join(format!(
            "checklist-agent-{}-{}.pub",
            std::process::id(),
            key.fingerprint()
                .to_string()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "")
        ));
        let failed = |e: &dyn std::error::Error| {
            Fatal::new(
                format!(
                    "cannot prepare the agent key for ssh-keygen: {}",
                    crate::load::chain(e)
                ),
                "pass the key to sign with: `--key ~/.ssh/id_ed25519`",
            )
        };
        std::fs::write(&file, format!("{}\n", key.to_openssh())).map_err(|e| failed(&e))?;
        match SshKeygenSigner::agent(&file) {
            Ok(inner) => Ok(AgentKey { inner, file }),
            Err(e) => {
                let _ = std::fs::remove_file(&file);
                Err(failed(&e))
            }
        }
    }
}

impl Drop for AgentKey {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

impl Signer for AgentKey {
    fn public_key(&self) -> &PublicKey {
        self.inner.public_key()
    }

    fn sign(&self, namespace: &str, message: &[u8]) -> std::result::Result<Signature, SignError> {
        self.inner.sign(namespace, message)
    }
}
