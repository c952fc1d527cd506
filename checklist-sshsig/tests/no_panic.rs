//! Nothing panics on any input: arbitrary bytes and text, and real inputs mangled.

mod common;

use checklist_sshsig::{AllowedSigners, Fingerprint, NAMESPACE, PublicKey, Signature};
use common::*;
use proptest::prelude::*;

/// Parses `text` every way there is, and verifies whatever parses. Must not panic.
fn exercise_text(text: &str) {
    let allowed = allowed_signers();
    if let Ok(sig) = Signature::from_armored(text) {
        let _ = sig.verify(sig.public_key(), NAMESPACE, b"m");
        let _ = allowed.verify("alice@example.com", NAMESPACE, b"m", &sig, signed_at());
        let _ = sig.to_armored();
    }
    if let Ok(parsed) = AllowedSigners::parse(text) {
        for entry in parsed.entries() {
            let _ = parsed.check(entry.principals(), entry.key(), NAMESPACE, signed_at());
            let _ = parsed.principals_for(entry.key());
            let _ = parsed.keys_for(entry.principals());
        }
    }
    if let Ok(key) = PublicKey::parse(text) {
        let _ = key.fingerprint().to_string();
    }
    let _ = text.parse::<Fingerprint>();
}

fn exercise_blob(blob: &[u8]) {
    if let Ok(sig) = Signature::from_blob(blob) {
        let _ = sig.verify(sig.public_key(), sig.namespace(), b"m");
        let _ = Signature::from_blob(&sig.to_blob());
    }
    let _ = PublicKey::from_blob(blob);
}

/// Real inputs to mangle: the fixture signatures (text and blob) and an allowed-signers
/// file using every option.
fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = ["ed25519", "ecdsa256", "ecdsa384", "rsa3072"]
        .iter()
        .map(|n| read(&format!("{n}.sig")))
        .collect();
    let key = read("ed25519.pub");
    seeds.push(format!(
        "\"a b\",*@x,!c?d cert-authority,namespaces=\"n,!m*\",valid-after=\"20240101Z\",valid-before=\"202501010000\" {key}"
    ));
    seeds.push(allowed_signers_text());
    seeds
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        exercise_text(&text);
    }

    #[test]
    fn arbitrary_allowed_signers_fields_never_panic(
        principals in "\\PC{0,40}",
        option in prop::sample::select(vec!["namespaces", "valid-after", "valid-before", "cert-authority", "Valid-Before", "x"]),
        value in "\\PC{0,30}",
        quote in any::<bool>(),
    ) {
        let key = read("ed25519.pub");
        let value = if quote { format!("\"{value}\"") } else { value };
        exercise_text(&format!("{principals} {option}={value} {key}"));
        exercise_text(&format!("\"{principals}\" {option}={value},{option}={value} {key}"));
        exercise_text(&format!("{principals} {option}={value}"));
    }

    #[test]
    fn arbitrary_bytes_never_panic(blob in proptest::collection::vec(any::<u8>(), 0..400)) {
        exercise_blob(&blob);
        exercise_text(&String::from_utf8_lossy(&blob));
    }

    #[test]
    fn mangled_real_inputs_never_panic(
        seed in 0usize..6,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..6),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[seed % seeds.len()].clone().into_bytes();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                2 => bytes.insert(i, byte),
                _ => bytes.truncate(i),
            }
        }
        exercise_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mangled_blobs_never_panic(
        seed in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..6),
    ) {
        let name = ["ed25519", "ecdsa256", "ecdsa384", "rsa3072"][seed];
        let mut bytes = signature(name).to_blob();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                2 => bytes.insert(i, byte),
                _ => bytes.truncate(i),
            }
        }
        exercise_blob(&bytes);
    }
}

#[test]
fn hostile_lengths_never_panic() {
    // Length prefixes claiming up to 4 GiB, at every field.
    let blob = signature("ed25519").to_blob();
    for offset in [6, 10, 10 + 4 + 51, 80, 95, 100] {
        for len in [u32::MAX, u32::MAX - 3, 0x8000_0000, 1 << 24] {
            let mut bad = blob.clone();
            if offset + 4 <= bad.len() {
                bad[offset..offset + 4].copy_from_slice(&len.to_be_bytes());
                exercise_blob(&bad);
            }
        }
    }
    exercise_text(&"*?".repeat(5000));
    exercise_text(&format!("{} ssh-ed25519 AAAA", "*a".repeat(3000)));
}
