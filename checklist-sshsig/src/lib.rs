//! SSH signatures as OpenSSH makes them, for signing and verifying checklist sign-offs
//! with the keys developers already sign git commits with.
//!
//! - [`Signature`]: the SSHSIG format of `ssh-keygen -Y sign` (armored text and blob),
//!   verified in-process: OpenSSH need not be installed to verify.
//! - [`PublicKey`] and [`Fingerprint`]: `.pub` lines and `SHA256:…` fingerprints.
//! - [`AllowedSigners`]: git's `gpg.ssh.allowedSignersFile`, the file that says which key
//!   may sign as whom, in which namespaces and when.
//! - [`Signer`]: signing, in-process from a key file ([`PrivateKeySigner`]) or through
//!   `ssh-keygen` and ssh-agent ([`SshKeygenSigner`]); embedders plug in a KMS or HSM.
//!
//! # Verify, then sign
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//! use checklist_sshsig::{AllowedSigners, PrivateKeySigner, Signature, Signer, NAMESPACE};
//!
//! // Who may sign: one line per signer, as in git's allowed-signers file.
//! let allowed = AllowedSigners::parse(
//!     "alice@example.com namespaces=\"checklist\",valid-after=\"20240101Z\" \
//!      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK7aGw8D9rC19BAjwYq1SXnNuWGnZjlGV4PoZ859a2YP\n",
//! )?;
//! // When the sign-off happened: keys are checked at the time of the event.
//! let signed_at = UNIX_EPOCH + Duration::from_secs(1_714_564_800); // 2024-05-01
//!
//! // A signature made by `ssh-keygen -Y sign -n checklist -f ~/.ssh/id_ed25519`.
//! let message = b"release.md: sign-off/release-manager-approval by alice at 2024-05-01T12:00:00Z\n";
//! let signature: Signature = include_str!("../tests/data/ed25519.sig").parse()?;
//! let verified = allowed.verify("alice@example.com", NAMESPACE, message, &signature, signed_at)?;
//! assert_eq!(
//!     verified.fingerprint().to_string(),
//!     "SHA256:VipjgUEEnwDAfaGwY7DauBTuDY34MnCcP0199UFLU5w"
//! );
//! // The same signature proves nothing for anyone else, or for other data.
//! assert!(allowed.verify("mallory@example.com", NAMESPACE, message, &signature, signed_at).is_err());
//! assert!(allowed.verify("alice@example.com", NAMESPACE, b"other", &signature, signed_at).is_err());
//!
//! // Signing in-process with the same key file; the armor is what ssh-keygen writes.
//! let signer = PrivateKeySigner::from_openssh(include_str!("../tests/data/ed25519"))?;
//! let mine = signer.sign(NAMESPACE, message)?;
//! assert_eq!(mine.to_armored(), signature.to_armored()); // Ed25519 is deterministic
//! allowed.verify("alice@example.com", NAMESPACE, message, &mine, signed_at)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Algorithms
//!
//! Verification: `ssh-ed25519`, `sk-ssh-ed25519@openssh.com`, `ecdsa-sha2-nistp256`,
//! `ecdsa-sha2-nistp384`, `sk-ecdsa-sha2-nistp256@openssh.com`, and RSA keys of 2048 to
//! 4096 bits with `rsa-sha2-256` or `rsa-sha2-512` signatures. Refused: `ssh-rsa` (SHA-1)
//! signatures, as OpenSSH refuses them for SSHSIG; DSA and `ecdsa-sha2-nistp521` keys
//! (rare, and each another curve implementation to build); OpenSSH certificates.
//! Security-key (FIDO) signatures must have the user-presence flag set, as sshd requires
//! by default ([`VerifyOptions::allow_no_touch`] relaxes it for keys enrolled with
//! `no-touch-required`); note that `ssh-keygen -Y verify` itself does not check the flag.
//!
//! In-process signing ([`PrivateKeySigner`]): `ssh-ed25519`, `ecdsa-sha2-nistp256` and
//! `ecdsa-sha2-nistp384`, unencrypted or decrypted with a passphrase the caller supplies.
//! Every other key, including RSA and FIDO keys, signs through [`SshKeygenSigner`].
//!
//! # Why these dependencies
//!
//! Key decoding, private-key decryption (bcrypt-pbkdf and the OpenSSH ciphers, so that
//! encrypted key files can be used with a passphrase) and the signature primitives
//! (`ed25519-dalek`, `p256`, `p384`, `rsa`) come from the RustCrypto `ssh-key` crate, stable
//! 0.6 line, with only the algorithms above enabled: no cryptography is written here. The
//! SSHSIG envelope, armor and allowed-signers parsing are written here, because the crate's
//! own SSHSIG type conflates refusals this crate reports separately (trailing bytes, wrong
//! version, SHA-1 RSA) and the allowed-signers format is not in it.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod allowed_signers;
mod file;
mod key;
mod pattern;
mod sig;
mod signer;
mod wire;

pub use allowed_signers::{
    AllowedSigners, AllowedSignersError, Entry, NotAllowed, ParseError, ParseErrorKind, Place,
    UtcTime,
};
pub use key::{Fingerprint, KeyError, PublicKey};
pub use sig::{
    HashAlgorithm, SecurityKey, Signature, SignatureError, Verified, VerifyError, VerifyOptions,
    signed_data,
};
pub use signer::{PrivateKeySigner, SignError, Signer, SshKeygenSigner};

/// The namespace checklist sign-offs are signed in (`ssh-keygen -Y sign -n checklist`), so
/// that a sign-off signature can never pass for a git commit signature or the reverse.
pub const NAMESPACE: &str = "checklist";

/// The signature algorithms [`Signature::verify`] accepts.
pub const SIGNATURE_ALGORITHMS: &[&str] = &[
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "rsa-sha2-256",
    "rsa-sha2-512",
];
