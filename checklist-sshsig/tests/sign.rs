//! Signing in-process, and the `Signer` trait as embedders use it.

mod common;

use std::sync::Arc;

use checklist_sshsig::{
    HashAlgorithm, NAMESPACE, PrivateKeySigner, PublicKey, SignError, Signature, Signer,
    SshKeygenSigner, signed_data,
};
use common::*;

#[test]
fn key_files_sign_and_the_signatures_verify() {
    let allowed = allowed_signers();
    for (name, principal) in [
        ("ed25519", "alice@example.com"),
        ("ecdsa256", "bob@example.com"),
        ("ecdsa384", "carol@example.com"),
    ] {
        let signer = PrivateKeySigner::from_file(data(name)).unwrap();
        assert_eq!(signer.public_key(), &public(name));
        for hash in [HashAlgorithm::Sha512, HashAlgorithm::Sha256] {
            let signer = PrivateKeySigner::from_file(data(name))
                .unwrap()
                .with_hash(hash);
            let sig = signer.sign(NAMESPACE, &message()).unwrap();
            assert_eq!(sig.hash_algorithm(), hash);
            assert_eq!(sig.namespace(), NAMESPACE);
            let verified = allowed
                .verify(principal, NAMESPACE, &message(), &sig, signed_at())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(verified.public_key(), &public(name));
            // And it survives its armor.
            let reparsed: Signature = sig.to_armored().parse().unwrap();
            reparsed
                .verify(&public(name), NAMESPACE, &message())
                .unwrap();
        }
    }
}

#[test]
fn ed25519_signatures_are_identical_to_ssh_keygens() {
    let signer = PrivateKeySigner::from_file(data("ed25519")).unwrap();
    let mine = signer.sign(NAMESPACE, &message()).unwrap();
    assert_eq!(mine.to_armored(), read("ed25519.sig"));
    let mine = signer
        .with_hash(HashAlgorithm::Sha256)
        .sign(NAMESPACE, &message())
        .unwrap();
    assert_eq!(mine.to_armored(), read("ed25519-sha256.sig"));
}

#[test]
fn encrypted_keys_need_their_passphrase() {
    let e = PrivateKeySigner::from_file(data("ed25519-encrypted")).unwrap_err();
    assert!(matches!(e, SignError::Encrypted { .. }), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("ed25519-encrypted")
            && text.contains("ssh-agent")
            && text.contains("ssh-keygen signer"),
        "{text}"
    );
    let e = PrivateKeySigner::from_file_with_passphrase(data("ed25519-encrypted"), b"wrong")
        .unwrap_err();
    assert!(matches!(e, SignError::WrongPassphrase { .. }), "{e}");
    let signer = PrivateKeySigner::from_openssh_with_passphrase(
        &read("ed25519-encrypted"),
        b"correct horse",
    )
    .unwrap();
    assert_eq!(signer.public_key(), &public("ed25519-encrypted"));
    let sig = signer.sign(NAMESPACE, b"x").unwrap();
    sig.verify(&public("ed25519-encrypted"), NAMESPACE, b"x")
        .unwrap();
    // A passphrase given for an unencrypted key is simply not needed.
    PrivateKeySigner::from_file_with_passphrase(data("ed25519"), b"unused").unwrap();
}

#[test]
fn rsa_keys_are_sent_to_the_ssh_keygen_signer() {
    let e = PrivateKeySigner::from_file(data("rsa3072")).unwrap_err();
    assert!(
        matches!(&e, SignError::UnsupportedKey { algorithm, .. } if algorithm == "ssh-rsa"),
        "{e}"
    );
    assert!(e.to_string().contains("use the ssh-keygen signer"), "{e}");
}

#[test]
fn key_file_problems_say_which_file() {
    let e = PrivateKeySigner::from_file(data("no-such-key")).unwrap_err();
    assert!(matches!(e, SignError::KeyFileMissing { .. }), "{e}");
    assert!(e.to_string().contains("no-such-key"), "{e}");
    let e = PrivateKeySigner::from_file(data("ed25519.pub")).unwrap_err();
    assert!(matches!(e, SignError::NotAPrivateKey { .. }), "{e}");
    assert!(
        e.to_string().contains("ed25519.pub")
            && e.to_string().contains("BEGIN OPENSSH PRIVATE KEY"),
        "{e}"
    );
    let signer = PrivateKeySigner::from_file(data("ed25519")).unwrap();
    assert!(matches!(
        signer.sign("", b"x"),
        Err(SignError::EmptyNamespace)
    ));
}

#[test]
fn debug_output_never_shows_the_private_key() {
    let signer = PrivateKeySigner::from_file(data("ed25519")).unwrap();
    let debug = format!("{signer:?}");
    assert!(
        debug.contains("SHA256:VipjgUEEnwDAfaGwY7DauBTuDY34MnCcP0199UFLU5w"),
        "{debug}"
    );
    let private_b64: String = read("ed25519").lines().nth(2).unwrap().to_owned();
    assert!(!debug.contains(&private_b64[..20]), "{debug}");
}

/// An embedder's signer backed by a remote service: it signs `signed_data` and wraps the
/// SSH-encoded result. Here the "service" is a key file.
struct RemoteSigner {
    key: PublicKey,
    service: PrivateKeySigner,
}

impl Signer for RemoteSigner {
    fn public_key(&self) -> &PublicKey {
        &self.key
    }

    fn sign(&self, namespace: &str, message: &[u8]) -> Result<Signature, SignError> {
        let _bytes_the_service_signs = signed_data(namespace, HashAlgorithm::Sha512, message);
        let from_service = self.service.sign(namespace, message)?;
        let wire = blob_fields(&from_service.to_blob())[4].clone();
        Signature::new(self.key.clone(), namespace, HashAlgorithm::Sha512, &wire).map_err(|e| {
            SignError::Backend {
                message: "the signing service returned a malformed signature; check its key configuration".into(),
                source: Some(Box::new(e)),
            }
        })
    }
}

#[test]
fn signers_are_object_safe_and_shareable() {
    fn assert_send_sync<T: Send + Sync + ?Sized>() {}
    assert_send_sync::<dyn Signer>();
    assert_send_sync::<PrivateKeySigner>();
    assert_send_sync::<SshKeygenSigner>();

    let signers: Vec<Arc<dyn Signer>> = vec![
        Arc::new(PrivateKeySigner::from_file(data("ed25519")).unwrap()),
        Arc::new(RemoteSigner {
            key: public("ecdsa256"),
            service: PrivateKeySigner::from_file(data("ecdsa256")).unwrap(),
        }),
    ];
    let allowed = allowed_signers();
    let handles: Vec<_> = signers
        .into_iter()
        .map(|signer| std::thread::spawn(move || signer.sign(NAMESPACE, &message()).unwrap()))
        .collect();
    let principals = ["alice@example.com", "bob@example.com"];
    for (handle, principal) in handles.into_iter().zip(principals) {
        let sig = handle.join().unwrap();
        allowed
            .verify(principal, NAMESPACE, &message(), &sig, signed_at())
            .unwrap();
    }
}

#[test]
fn a_missing_ssh_keygen_is_reported_with_what_to_do() {
    let signer = SshKeygenSigner::new(data("ed25519"))
        .unwrap()
        .program("/nonexistent/ssh-keygen");
    assert_eq!(signer.public_key(), &public("ed25519"));
    let e = signer.sign(NAMESPACE, b"x").unwrap_err();
    assert!(matches!(e, SignError::SshKeygenNotFound { .. }), "{e}");
    assert!(e.to_string().contains("install OpenSSH"), "{e}");
}

#[test]
fn the_ssh_keygen_signer_finds_the_public_key() {
    // From the `.pub` itself, from `KEY.pub` beside a private key, and from inside an
    // (even encrypted) private key file without a `.pub`.
    assert_eq!(
        SshKeygenSigner::new(data("ecdsa256.pub"))
            .unwrap()
            .public_key(),
        &public("ecdsa256")
    );
    assert_eq!(
        SshKeygenSigner::new(data("ecdsa256")).unwrap().public_key(),
        &public("ecdsa256")
    );
    let dir = tempfile::tempdir().unwrap();
    let lone = dir.path().join("lone");
    std::fs::copy(data("ed25519-encrypted"), &lone).unwrap();
    assert_eq!(
        SshKeygenSigner::new(&lone).unwrap().public_key(),
        &public("ed25519-encrypted")
    );
    let e = SshKeygenSigner::new(dir.path().join("absent")).unwrap_err();
    assert!(matches!(e, SignError::KeyFileMissing { .. }), "{e}");
}
