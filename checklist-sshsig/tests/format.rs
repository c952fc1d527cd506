//! Reading and writing the formats: signatures, public keys, fingerprints, and verifying
//! the signatures `ssh-keygen -Y sign` made for the fixtures.

mod common;

use checklist_sshsig::{
    Fingerprint, HashAlgorithm, KeyError, NAMESPACE, PublicKey, Signature, SignatureError,
    signed_data,
};
use common::*;

#[test]
fn every_fixture_signature_verifies_for_its_principal() {
    let allowed = allowed_signers();
    for (name, principal, fingerprint, algorithm) in [
        (
            "ed25519",
            "alice@example.com",
            "SHA256:VipjgUEEnwDAfaGwY7DauBTuDY34MnCcP0199UFLU5w",
            "ssh-ed25519",
        ),
        (
            "ecdsa256",
            "bob@example.com",
            "SHA256:c/K4OEflxyfurV0RinK0oRIB+40ENCSDVl3i0SoRrqQ",
            "ecdsa-sha2-nistp256",
        ),
        (
            "ecdsa384",
            "carol@example.com",
            "SHA256:JS9tSTszCc5qaR29u7gndPVx0f2GXuCN34rQVDw8oi8",
            "ecdsa-sha2-nistp384",
        ),
        (
            "rsa3072",
            "dave@example.com",
            "SHA256:Hu2BZLIYp8UkWwJaplV8vZLq2A2Wy/+InmelK+K4bG8",
            "rsa-sha2-512",
        ),
    ] {
        let sig = signature(name);
        assert_eq!(sig.namespace(), "checklist");
        assert_eq!(
            sig.hash_algorithm(),
            HashAlgorithm::Sha512,
            "ssh-keygen's default"
        );
        assert_eq!(sig.signature_algorithm(), algorithm);
        let verified = allowed
            .verify(principal, NAMESPACE, &message(), &sig, signed_at())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Fingerprints as `ssh-keygen -l` printed them for the fixture keys.
        assert_eq!(verified.fingerprint().to_string(), fingerprint);
        assert_eq!(verified.public_key(), &public(name));
        assert_eq!(verified.principal(), Some(principal));
        assert_eq!(verified.namespace(), "checklist");
        assert_eq!(verified.security_key(), None);
    }
}

#[test]
fn sha256_signatures_verify_too() {
    let sig = signature("ed25519-sha256");
    assert_eq!(sig.hash_algorithm(), HashAlgorithm::Sha256);
    sig.verify(&public("ed25519"), NAMESPACE, &message())
        .unwrap();
}

#[test]
fn armor_and_blob_round_trip_byte_for_byte() {
    for name in [
        "ed25519",
        "ed25519-sha256",
        "ecdsa256",
        "ecdsa384",
        "rsa3072",
    ] {
        let text = read(&format!("{name}.sig"));
        let sig: Signature = text.parse().unwrap();
        assert_eq!(
            sig.to_armored(),
            text,
            "{name}: armor as ssh-keygen writes it"
        );
        assert_eq!(Signature::from_blob(&sig.to_blob()).unwrap(), sig);
        assert_eq!(sig.to_string(), text);
    }
}

#[test]
fn armor_tolerates_crlf_and_surrounding_whitespace() {
    let text = read("ed25519.sig").replace('\n', "\r\n");
    let sig = Signature::from_armored(&format!("\n  {text}  \n")).unwrap();
    sig.verify(&public("ed25519"), NAMESPACE, &message())
        .unwrap();
    // Rewrapped on one line, as a JSON string field might carry it.
    let one_line: String = read("ed25519.sig").lines().collect::<Vec<_>>().join("");
    let body = one_line
        .trim_start_matches("-----BEGIN SSH SIGNATURE-----")
        .trim_end_matches("-----END SSH SIGNATURE-----");
    let rewrapped = format!("-----BEGIN SSH SIGNATURE-----\n{body}\n-----END SSH SIGNATURE-----");
    assert_eq!(Signature::from_armored(&rewrapped).unwrap(), sig);
}

#[test]
fn signed_data_is_the_protocol_layout() {
    let data = signed_data("checklist", HashAlgorithm::Sha256, b"abc");
    let mut expected = b"SSHSIG".to_vec();
    put_string(&mut expected, b"checklist");
    put_string(&mut expected, b"");
    put_string(&mut expected, b"sha256");
    put_string(&mut expected, &ssh_key::HashAlg::Sha256.digest(b"abc"));
    assert_eq!(data, expected);
}

#[test]
fn public_keys_round_trip_through_pub_lines() {
    for name in FIXTURE_KEYS {
        let line = read(&format!("{name}.pub"));
        let key: PublicKey = line.parse().unwrap();
        assert_eq!(key.to_openssh(), line.trim());
        assert_eq!(PublicKey::from_blob(key.blob()).unwrap(), key);
        assert!(key.comment().ends_with("(test-only key)"));
    }
    // Equality ignores the comment, as OpenSSH's does.
    let a: PublicKey = read("ed25519.pub").parse().unwrap();
    let b: PublicKey = read("ed25519.pub")
        .replace("alice@example.com", "someone")
        .parse()
        .unwrap();
    assert_eq!(a, b);
    let bare = PublicKey::parse(
        read("ed25519.pub")
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    )
    .unwrap();
    assert_eq!(bare.comment(), "");
    assert_eq!(bare, a);
}

#[test]
fn public_key_errors_say_what_is_wrong() {
    let line = read("ed25519.pub");
    let b64 = line.split_whitespace().nth(1).unwrap();
    assert!(matches!(PublicKey::parse("   "), Err(KeyError::Empty)));
    assert!(matches!(
        PublicKey::parse("ssh-ed25519"),
        Err(KeyError::MissingBase64 { .. })
    ));
    assert!(matches!(
        PublicKey::parse("ssh-ed25519 AAAA!!!!"),
        Err(KeyError::Base64)
    ));
    let e = PublicKey::parse(&format!("ecdsa-sha2-nistp256 {b64}")).unwrap_err();
    assert!(
        matches!(&e, KeyError::TypeMismatch { declared, actual } if declared == "ecdsa-sha2-nistp256" && actual == "ssh-ed25519"),
        "{e}"
    );
    assert!(
        e.to_string().contains("write `ssh-ed25519` in front of it"),
        "{e}"
    );
    let e = PublicKey::parse(&format!("ssh-ed25519-cert-v01@openssh.com {b64}")).unwrap_err();
    assert!(matches!(e, KeyError::Certificate { .. }));
    assert!(e.to_string().contains("does not support"), "{e}");
    // A truncated key blob.
    let blob = public("ed25519").blob().to_vec();
    let short = <base64ct::Base64 as base64ct::Encoding>::encode_string(&blob[..blob.len() - 1]);
    assert!(matches!(
        PublicKey::parse(&format!("ssh-ed25519 {short}")),
        Err(KeyError::Malformed { .. })
    ));
    let e = PublicKey::read_file(data("no-such.pub")).unwrap_err();
    assert!(matches!(e, KeyError::Read { .. }));
    assert!(e.to_string().contains("no-such.pub"), "{e}");
}

#[test]
fn fingerprints_parse_and_print_as_openssh() {
    let fp = public("ecdsa256").fingerprint();
    let text = "SHA256:c/K4OEflxyfurV0RinK0oRIB+40ENCSDVl3i0SoRrqQ";
    assert_eq!(fp.to_string(), text);
    assert_eq!(text.parse::<Fingerprint>().unwrap(), fp);
    for bad in [
        "",
        "SHA256:",
        "MD5:c/K4OEflxyfurV0RinK0oRIB+40ENCSDVl3i0SoRrqQ",
        "SHA256:c/K4OEflxyfurV0RinK0oRIB+40ENCSDVl3i0SoRrq",
        "SHA256:c/K4OEflxyfurV0RinK0oRIB+40ENCSDVl3i0SoRrqQ=",
    ] {
        assert!(
            matches!(
                bad.parse::<Fingerprint>(),
                Err(KeyError::Fingerprint { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn other_signature_kinds_are_named() {
    let pgp = "-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n";
    let e = Signature::from_armored(pgp).unwrap_err();
    assert!(matches!(e, SignatureError::NotSsh { .. }));
    assert!(e.to_string().contains("OpenPGP"), "{e}");
}

#[test]
fn signature_parts_assemble() {
    let sig = signature("ecdsa256");
    let fields = blob_fields(&sig.to_blob());
    let rebuilt = Signature::new(
        public("ecdsa256"),
        "checklist",
        HashAlgorithm::Sha512,
        &fields[4],
    )
    .unwrap();
    assert_eq!(rebuilt, sig);
    assert!(matches!(
        Signature::new(public("ecdsa256"), "", HashAlgorithm::Sha512, &fields[4]),
        Err(SignatureError::EmptyNamespace)
    ));
    assert!(matches!(
        Signature::new(
            public("ecdsa256"),
            "checklist",
            HashAlgorithm::Sha512,
            b"junk"
        ),
        Err(SignatureError::MalformedSignature)
    ));
}
