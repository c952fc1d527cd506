//! Security features, each tested by an attack that must be refused with the specific
//! reason, so that a refusal for the wrong reason does not pass as a success.

mod common;

use checklist_sshsig::{
    AllowedSigners, HashAlgorithm, KeyError, NAMESPACE, NotAllowed, PrivateKeySigner, PublicKey,
    Signature, SignatureError, Signer, VerifyError, VerifyOptions, signed_data,
};
use common::*;

fn erin() -> PrivateKeySigner {
    PrivateKeySigner::from_file_with_passphrase(data("ed25519-encrypted"), b"correct horse")
        .unwrap()
}

#[test]
fn a_signature_over_a_different_message_is_refused() {
    let allowed = allowed_signers();
    for (name, principal) in [
        ("ed25519", "alice@example.com"),
        ("ecdsa256", "bob@example.com"),
        ("ecdsa384", "carol@example.com"),
        ("rsa3072", "dave@example.com"),
    ] {
        let mut other = message();
        other[0] ^= 1;
        let e = allowed
            .verify(principal, NAMESPACE, &other, &signature(name), signed_at())
            .unwrap_err();
        assert!(matches!(e, VerifyError::BadSignature { .. }), "{name}: {e}");
        assert!(e.to_string().contains("changed after signing"), "{e}");
    }
}

#[test]
fn the_same_signature_in_another_namespace_is_refused() {
    let sig = signature("ed25519");
    // Presented as a git commit signature.
    let e = sig
        .verify(&public("ed25519"), "git", &message())
        .unwrap_err();
    assert!(
        matches!(&e, VerifyError::NamespaceMismatch { expected, found } if expected == "git" && found == "checklist"),
        "{e}"
    );
    let e = allowed_signers()
        .verify("alice@example.com", "git", &message(), &sig, signed_at())
        .unwrap_err();
    assert!(matches!(e, VerifyError::NamespaceMismatch { .. }), "{e}");
    // Rewriting the namespace inside the blob does not help: it is signed.
    let mut fields = blob_fields(&sig.to_blob());
    fields[1] = b"git".to_vec();
    let forged = Signature::from_blob(&blob_from_fields(&fields)).unwrap();
    let e = forged
        .verify(&public("ed25519"), "git", &message())
        .unwrap_err();
    assert!(matches!(e, VerifyError::BadSignature { .. }), "{e}");
}

#[test]
fn a_signature_whose_embedded_key_is_not_the_listed_one_is_refused() {
    // Erin signs and claims to be alice: her key is not listed for alice.
    let sig = erin().sign(NAMESPACE, &message()).unwrap();
    let e = allowed_signers()
        .verify(
            "alice@example.com",
            NAMESPACE,
            &message(),
            &sig,
            signed_at(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, VerifyError::NotAllowed(NotAllowed::KeyNotListed { principal, .. }) if principal == "alice@example.com"),
        "{e}"
    );
    // Against a pinned key, too.
    let e = sig
        .verify(&public("ed25519"), NAMESPACE, &message())
        .unwrap_err();
    assert!(matches!(e, VerifyError::KeyMismatch { .. }), "{e}");
    // Swapping alice's key into erin's signature makes it claim alice, but it no longer
    // verifies.
    let mut fields = blob_fields(&sig.to_blob());
    fields[0] = public("ed25519").blob().to_vec();
    let swapped = Signature::from_blob(&blob_from_fields(&fields)).unwrap();
    let e = allowed_signers()
        .verify(
            "alice@example.com",
            NAMESPACE,
            &message(),
            &swapped,
            signed_at(),
        )
        .unwrap_err();
    assert!(matches!(e, VerifyError::BadSignature { .. }), "{e}");
}

#[test]
fn a_valid_key_listed_only_for_another_principal_is_refused() {
    let allowed = allowed_signers();
    // Alice's genuine signature, presented as bob's sign-off.
    let e = allowed
        .verify(
            "bob@example.com",
            NAMESPACE,
            &message(),
            &signature("ed25519"),
            signed_at(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, VerifyError::NotAllowed(NotAllowed::KeyNotListed { principal, .. }) if principal == "bob@example.com"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("is not listed for principal `bob@example.com`"),
        "{e}"
    );
    // And as someone the file does not know.
    let e = allowed
        .verify(
            "mallory@example.com",
            NAMESPACE,
            &message(),
            &signature("ed25519"),
            signed_at(),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            VerifyError::NotAllowed(NotAllowed::UnknownPrincipal { .. })
        ),
        "{e}"
    );
    // Principals match exactly: no prefix, suffix or case games.
    for near in [
        "alice@example.co",
        "alice@example.com.evil",
        "Alice@example.com",
        " alice@example.com",
    ] {
        assert!(
            allowed
                .verify(
                    near,
                    NAMESPACE,
                    &message(),
                    &signature("ed25519"),
                    signed_at()
                )
                .is_err(),
            "{near}"
        );
    }
}

#[test]
fn negated_principal_patterns_exclude() {
    let key = read("ed25519.pub").trim().to_owned();
    let allowed =
        AllowedSigners::parse(&format!("*@example.com,!mallory@example.com {key}")).unwrap();
    let ok = allowed
        .verify(
            "alice@example.com",
            NAMESPACE,
            &message(),
            &signature("ed25519"),
            signed_at(),
        )
        .unwrap();
    assert_eq!(ok.principal(), Some("alice@example.com"));
    let e = allowed
        .verify(
            "mallory@example.com",
            NAMESPACE,
            &message(),
            &signature("ed25519"),
            signed_at(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, VerifyError::NotAllowed(NotAllowed::PrincipalExcluded { place, .. }) if place.line == 1),
        "{e}"
    );
    // Order does not matter: the negation still wins.
    let allowed = AllowedSigners::parse(&format!("!mallory@example.com,* {key}")).unwrap();
    assert!(
        allowed
            .check(
                "mallory@example.com",
                &public("ed25519"),
                NAMESPACE,
                signed_at()
            )
            .is_err()
    );
    assert!(
        allowed
            .check("anyone", &public("ed25519"), NAMESPACE, signed_at())
            .is_ok()
    );
}

#[test]
fn a_key_outside_its_validity_window_is_refused() {
    let key = read("ed25519.pub").trim().to_owned();
    // 2024-05-01T12:00:00Z is 1714564800.
    let allowed = AllowedSigners::parse(&format!(
        "alice@example.com valid-after=\"202405011200Z\",valid-before=\"20240601Z\" {key}"
    ))
    .unwrap();
    let sig = signature("ed25519");
    let at = |secs| allowed.verify("alice@example.com", NAMESPACE, &message(), &sig, unix(secs));
    // Boundaries are inclusive, as in OpenSSH.
    at(1_714_564_800).unwrap();
    at(1_717_200_000).unwrap();
    let e = at(1_714_564_799).unwrap_err();
    assert!(
        matches!(e, VerifyError::NotAllowed(NotAllowed::NotYetValid { .. })),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("valid only after 2024-05-01 12:00:00 UTC"),
        "{e}"
    );
    let e = at(1_717_200_001).unwrap_err();
    assert!(
        matches!(e, VerifyError::NotAllowed(NotAllowed::Expired { .. })),
        "{e}"
    );
    assert!(
        e.to_string().contains("expired at 2024-06-01 00:00:00 UTC"),
        "{e}"
    );
    // A later line with a window that fits still allows it, as in OpenSSH.
    let allowed = AllowedSigners::parse(&format!(
        "alice@example.com valid-before=\"20240101Z\" {key}\nalice@example.com valid-after=\"20240101Z\" {key}"
    ))
    .unwrap();
    assert_eq!(
        allowed
            .check(
                "alice@example.com",
                &public("ed25519"),
                NAMESPACE,
                signed_at()
            )
            .unwrap()
            .line(),
        2
    );
}

#[test]
fn a_namespace_outside_namespaces_is_refused() {
    let key = read("ed25519.pub").trim().to_owned();
    let allowed =
        AllowedSigners::parse(&format!("alice@example.com namespaces=\"git,file\" {key}")).unwrap();
    let e = allowed
        .verify(
            "alice@example.com",
            NAMESPACE,
            &message(),
            &signature("ed25519"),
            signed_at(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, VerifyError::NotAllowed(NotAllowed::NamespaceNotAllowed { allowed, .. }) if allowed == "git,file"),
        "{e}"
    );
    assert!(
        e.to_string().contains("add `checklist` to its namespaces"),
        "{e}"
    );
    // Patterns and negation apply to namespaces too.
    let allowed =
        AllowedSigners::parse(&format!("alice@example.com namespaces=\"check*\" {key}")).unwrap();
    allowed
        .verify(
            "alice@example.com",
            NAMESPACE,
            &message(),
            &signature("ed25519"),
            signed_at(),
        )
        .unwrap();
    let allowed = AllowedSigners::parse(&format!(
        "alice@example.com namespaces=\"*,!checklist\" {key}"
    ))
    .unwrap();
    assert!(
        allowed
            .verify(
                "alice@example.com",
                NAMESPACE,
                &message(),
                &signature("ed25519"),
                signed_at()
            )
            .is_err()
    );
}

#[test]
fn every_truncation_of_the_armor_and_blob_is_refused() {
    for name in ["ed25519", "ecdsa256", "rsa3072"] {
        let text = read(&format!("{name}.sig"));
        for cut in 0..text.len() - 1 {
            let Some(prefix) = text.get(..cut) else {
                continue;
            };
            assert!(
                Signature::from_armored(prefix).is_err(),
                "{name}: cut at {cut}"
            );
        }
        let blob = signature(name).to_blob();
        for cut in 0..blob.len() {
            let e = Signature::from_blob(&blob[..cut]).unwrap_err();
            assert!(
                matches!(
                    e,
                    SignatureError::Truncated { .. }
                        | SignatureError::Key { .. }
                        | SignatureError::MalformedSignature
                ),
                "{name}: cut at {cut}: {e}"
            );
        }
    }
    assert!(matches!(
        Signature::from_armored(&read("ed25519.sig").replace("-----END SSH SIGNATURE-----", "")),
        Err(SignatureError::MissingFooter)
    ));
    assert!(matches!(
        Signature::from_armored("ssh sig"),
        Err(SignatureError::MissingHeader)
    ));
    assert!(matches!(
        Signature::from_armored("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n"),
        Err(SignatureError::Truncated { field: "magic" })
    ));
}

#[test]
fn garbled_armor_is_refused() {
    let text = read("ed25519.sig");
    let garbled = text.replacen("AAAA", "AA*A", 1);
    assert!(matches!(
        Signature::from_armored(&garbled),
        Err(SignatureError::Base64)
    ));
    let appended = format!("{text}-----BEGIN SSH SIGNATURE-----\n");
    assert!(matches!(
        Signature::from_armored(&appended),
        Err(SignatureError::TextAfterFooter)
    ));
}

#[test]
fn every_single_byte_change_to_a_blob_is_refused() {
    let allowed = allowed_signers();
    for (name, principal) in [
        ("ed25519", "alice@example.com"),
        ("ecdsa256", "bob@example.com"),
        ("rsa3072", "dave@example.com"),
    ] {
        let blob = signature(name).to_blob();
        for i in 0..blob.len() {
            // RSA verification is slow in debug builds: one flip per byte is enough there.
            let flips: &[u8] = if name == "rsa3072" {
                &[0x80]
            } else {
                &[0x01, 0x80]
            };
            for &flip in flips {
                let mut bad = blob.clone();
                bad[i] ^= flip;
                let refused = match Signature::from_blob(&bad) {
                    Err(_) => true,
                    Ok(sig) => allowed
                        .verify(principal, NAMESPACE, &message(), &sig, signed_at())
                        .is_err(),
                };
                assert!(refused, "{name}: byte {i} ^ {flip:#x} accepted");
            }
        }
    }
}

#[test]
fn a_blob_with_trailing_bytes_is_refused() {
    let mut blob = signature("ed25519").to_blob();
    blob.push(0);
    assert!(matches!(
        Signature::from_blob(&blob),
        Err(SignatureError::TrailingBytes { count: 1 })
    ));
    // Trailing bytes hidden inside the signature field, or inside the key.
    let mut fields = blob_fields(&signature("ed25519").to_blob());
    fields[4].extend_from_slice(b"xx");
    assert!(matches!(
        Signature::from_blob(&blob_from_fields(&fields)),
        Err(SignatureError::MalformedSignature)
    ));
    let mut fields = blob_fields(&signature("ed25519").to_blob());
    fields[0].push(0);
    assert!(matches!(
        Signature::from_blob(&blob_from_fields(&fields)),
        Err(SignatureError::Key {
            source: KeyError::Malformed { .. }
        })
    ));
}

#[test]
fn wrong_magic_or_version_is_refused() {
    let blob = signature("ed25519").to_blob();
    let mut bad = blob.clone();
    bad[..6].copy_from_slice(b"SSHSIH");
    assert!(matches!(
        Signature::from_blob(&bad),
        Err(SignatureError::BadMagic)
    ));
    for version in [0u32, 2, u32::MAX] {
        let mut bad = blob.clone();
        bad[6..10].copy_from_slice(&version.to_be_bytes());
        let e = Signature::from_blob(&bad).unwrap_err();
        assert!(
            matches!(e, SignatureError::UnsupportedVersion { version: v } if v == version),
            "{e}"
        );
    }
}

#[test]
fn unsupported_hashes_and_empty_namespaces_are_refused() {
    let blob = signature("ed25519").to_blob();
    let mut fields = blob_fields(&blob);
    fields[3] = b"sha1".to_vec();
    let e = Signature::from_blob(&blob_from_fields(&fields)).unwrap_err();
    assert!(
        matches!(&e, SignatureError::UnsupportedHash { name } if name == "sha1"),
        "{e}"
    );
    let mut fields = blob_fields(&blob);
    fields[1] = Vec::new();
    assert!(matches!(
        Signature::from_blob(&blob_from_fields(&fields)),
        Err(SignatureError::EmptyNamespace)
    ));
    let mut fields = blob_fields(&blob);
    fields[1] = b"check\0list".to_vec();
    assert!(matches!(
        Signature::from_blob(&blob_from_fields(&fields)),
        Err(SignatureError::BadNamespace { .. })
    ));
}

#[test]
fn a_sha1_ssh_rsa_signature_is_refused() {
    use rsa::signature::{Keypair as _, SignatureEncoding, Signer as _, Verifier as _};
    let private = ssh_key::PrivateKey::read_openssh_file(&data("rsa3072")).unwrap();
    let pair = private.key_data().rsa().unwrap();
    let int = |m: &ssh_key::Mpint| rsa::BigUint::from_bytes_be(m.as_positive_bytes().unwrap());
    let rsa_key = rsa::RsaPrivateKey::from_components(
        int(&pair.public.n),
        int(&pair.public.e),
        int(&pair.private.d),
        vec![int(&pair.private.p), int(&pair.private.q)],
    )
    .unwrap();
    let signing = rsa::pkcs1v15::SigningKey::<sha1::Sha1>::new(rsa_key);
    let data = signed_data(NAMESPACE, HashAlgorithm::Sha512, &message());
    let raw = signing.sign(&data);
    // A genuine SHA-1 signature by dave's key over exactly the right data…
    signing.verifying_key().verify(&data, &raw).unwrap();
    let mut wire = Vec::new();
    put_string(&mut wire, b"ssh-rsa");
    put_string(&mut wire, &raw.to_vec());
    let sig = Signature::new(public("rsa3072"), NAMESPACE, HashAlgorithm::Sha512, &wire).unwrap();
    // …which is refused because it is SHA-1.
    let e = allowed_signers()
        .verify("dave@example.com", NAMESPACE, &message(), &sig, signed_at())
        .unwrap_err();
    assert!(matches!(e, VerifyError::RsaSha1 { .. }), "{e}");
    assert!(e.to_string().contains("SHA-1"), "{e}");
}

#[test]
fn relabelling_the_rsa_hash_is_refused() {
    let mut fields = blob_fields(&signature("rsa3072").to_blob());
    let (_, after_name) = get_string(&fields[4], 0);
    let (bytes, _) = get_string(&fields[4], after_name);
    let mut wire = Vec::new();
    put_string(&mut wire, b"rsa-sha2-256");
    put_string(&mut wire, bytes);
    fields[4] = wire;
    let sig = Signature::from_blob(&blob_from_fields(&fields)).unwrap();
    let e = sig
        .verify(&public("rsa3072"), NAMESPACE, &message())
        .unwrap_err();
    assert!(matches!(e, VerifyError::BadSignature { .. }), "{e}");
}

#[test]
fn a_signature_algorithm_foreign_to_the_key_is_refused() {
    // Bob's ECDSA signature bytes labelled as Ed25519, under alice's key.
    let mut fields = blob_fields(&signature("ed25519").to_blob());
    let mut wire = Vec::new();
    put_string(&mut wire, b"ecdsa-sha2-nistp256");
    put_string(&mut wire, &[0; 72]);
    fields[4] = wire;
    let sig = Signature::from_blob(&blob_from_fields(&fields)).unwrap();
    let e = sig
        .verify(&public("ed25519"), NAMESPACE, &message())
        .unwrap_err();
    assert!(matches!(e, VerifyError::AlgorithmMismatch { .. }), "{e}");
}

#[test]
fn a_signature_by_a_certificate_is_refused_with_a_clear_message() {
    let mut key = Vec::new();
    put_string(&mut key, b"ssh-ed25519-cert-v01@openssh.com");
    put_string(&mut key, &[0; 32]);
    let mut fields = blob_fields(&signature("ed25519").to_blob());
    fields[0] = key;
    let e = Signature::from_blob(&blob_from_fields(&fields)).unwrap_err();
    let SignatureError::Key { source } = &e else {
        panic!("{e}")
    };
    assert!(matches!(source, KeyError::Certificate { .. }));
    assert!(source.to_string().contains("does not support"), "{source}");
}

// FIDO security keys: these signatures are forged here with software keys, since no
// authenticator is attached to the test machine; the verifier cannot tell the difference.

const APPLICATION: &[u8] = b"ssh:";

fn sha256(bytes: &[u8]) -> Vec<u8> {
    ssh_key::HashAlg::Sha256.digest(bytes)
}

fn sk_message(flags: u8, counter: u32, data: &[u8]) -> Vec<u8> {
    let mut m = sha256(APPLICATION);
    m.push(flags);
    m.extend_from_slice(&counter.to_be_bytes());
    m.extend_from_slice(&sha256(data));
    m
}

fn sk_signature(
    key: &PublicKey,
    algorithm: &[u8],
    sig: &[u8],
    flags: u8,
    counter: u32,
) -> Signature {
    let mut wire = Vec::new();
    put_string(&mut wire, algorithm);
    put_string(&mut wire, sig);
    wire.push(flags);
    wire.extend_from_slice(&counter.to_be_bytes());
    Signature::new(key.clone(), NAMESPACE, HashAlgorithm::Sha512, &wire).unwrap()
}

fn sk_ed25519_key() -> (ed25519_dalek::SigningKey, PublicKey) {
    let signing = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let mut blob = Vec::new();
    put_string(&mut blob, b"sk-ssh-ed25519@openssh.com");
    put_string(&mut blob, signing.verifying_key().as_bytes());
    put_string(&mut blob, APPLICATION);
    (signing, PublicKey::from_blob(&blob).unwrap())
}

fn sk_ed25519_sign(flags: u8, signed_flags: u8) -> (PublicKey, Signature) {
    use ed25519_dalek::Signer as _;
    let (signing, key) = sk_ed25519_key();
    let data = signed_data(NAMESPACE, HashAlgorithm::Sha512, &message());
    let sig = signing
        .sign(&sk_message(signed_flags, 42, &data))
        .to_bytes();
    let signature = sk_signature(&key, b"sk-ssh-ed25519@openssh.com", &sig, flags, 42);
    (key, signature)
}

fn mpint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    let mut v = Vec::new();
    if trimmed.first().is_some_and(|&b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(&trimmed);
    let mut out = Vec::new();
    put_string(&mut out, &v);
    out
}

fn sk_ecdsa_sign(flags: u8) -> (PublicKey, Signature) {
    use p256::ecdsa::signature::Signer as _;
    let signing = p256::ecdsa::SigningKey::from_slice(&[9; 32]).unwrap();
    let point = signing.verifying_key().to_encoded_point(false);
    let mut blob = Vec::new();
    put_string(&mut blob, b"sk-ecdsa-sha2-nistp256@openssh.com");
    put_string(&mut blob, b"nistp256");
    put_string(&mut blob, point.as_bytes());
    put_string(&mut blob, APPLICATION);
    let key = PublicKey::from_blob(&blob).unwrap();
    let data = signed_data(NAMESPACE, HashAlgorithm::Sha512, &message());
    let sig: p256::ecdsa::Signature = signing.sign(&sk_message(flags, 7, &data));
    let (r, s) = sig.split_bytes();
    let mut rs = mpint(&r);
    rs.extend_from_slice(&mpint(&s));
    (
        key.clone(),
        sk_signature(&key, b"sk-ecdsa-sha2-nistp256@openssh.com", &rs, flags, 7),
    )
}

#[test]
fn security_key_signatures_verify_with_user_presence() {
    let (key, sig) = sk_ed25519_sign(0x01, 0x01);
    assert_eq!(key.algorithm(), "sk-ssh-ed25519@openssh.com");
    let verified = sig.verify(&key, NAMESPACE, &message()).unwrap();
    let sk = verified.security_key().unwrap();
    assert!(sk.user_present() && !sk.user_verified());
    assert_eq!(sk.counter, 42);
    // Round trip through the armor, for the security-key wire layout.
    assert_eq!(Signature::from_armored(&sig.to_armored()).unwrap(), sig);

    let (key, sig) = sk_ecdsa_sign(0x05);
    assert_eq!(key.algorithm(), "sk-ecdsa-sha2-nistp256@openssh.com");
    let sk = sig
        .verify(&key, NAMESPACE, &message())
        .unwrap()
        .security_key()
        .unwrap();
    assert!(sk.user_present() && sk.user_verified());
    assert_eq!(Signature::from_blob(&sig.to_blob()).unwrap(), sig);
}

#[test]
fn security_key_signatures_without_a_touch_are_refused() {
    for (key, sig) in [sk_ed25519_sign(0x00, 0x00), sk_ecdsa_sign(0x04)] {
        let e = sig.verify(&key, NAMESPACE, &message()).unwrap_err();
        assert!(matches!(e, VerifyError::UserPresenceNotMet { .. }), "{e}");
        assert!(e.to_string().contains("touch the key"), "{e}");
        // Keys enrolled with no-touch-required can opt out.
        sig.verify_with(
            &key,
            NAMESPACE,
            &message(),
            &VerifyOptions::default().allow_no_touch(),
        )
        .unwrap();
        // And through an allowed-signers file.
        let allowed =
            AllowedSigners::parse(&format!("frank@example.com {}", key.to_openssh())).unwrap();
        assert!(matches!(
            allowed.verify(
                "frank@example.com",
                NAMESPACE,
                &message(),
                &sig,
                signed_at()
            ),
            Err(VerifyError::UserPresenceNotMet { .. })
        ));
    }
}

#[test]
fn setting_the_presence_flag_after_signing_is_refused() {
    // Signed without a touch, then the flag byte rewritten to claim one.
    let (key, sig) = sk_ed25519_sign(0x01, 0x00);
    let e = sig.verify(&key, NAMESPACE, &message()).unwrap_err();
    assert!(matches!(e, VerifyError::BadSignature { .. }), "{e}");
}

#[test]
fn unsupported_key_types_are_refused_by_name() {
    // A DSA key parses (an allowed-signers file may list one for another tool) but does
    // not verify.
    let mut blob = Vec::new();
    put_string(&mut blob, b"ssh-dss");
    for part in [&[0x7f_u8; 128][..], &[0x7f; 20], &[0x7f; 128], &[0x7f; 128]] {
        put_string(&mut blob, part);
    }
    let key = PublicKey::from_blob(&blob).unwrap();
    let mut wire = Vec::new();
    put_string(&mut wire, b"ssh-dss");
    put_string(&mut wire, &[1; 40]);
    let sig = Signature::new(key.clone(), NAMESPACE, HashAlgorithm::Sha512, &wire).unwrap();
    let e = sig.verify(&key, NAMESPACE, &message()).unwrap_err();
    assert!(
        matches!(&e, VerifyError::UnsupportedAlgorithm { algorithm } if algorithm == "ssh-dss"),
        "{e}"
    );
    assert!(e.to_string().contains("ssh-ed25519"), "{e}");
}
