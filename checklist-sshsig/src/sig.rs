//! The SSHSIG signature format of `ssh-keygen -Y sign`: the armored text, the binary blob
//! inside it, the data that is actually signed, and cryptographic verification.
//!
//! The blob is, in SSH wire encoding:
//!
//! ```text
//! byte[6]  "SSHSIG"
//! uint32   1                      (version)
//! string   public key blob
//! string   namespace              (non-empty; "checklist" for sign-offs)
//! string   reserved               (empty)
//! string   hash algorithm         ("sha256" or "sha512")
//! string   signature              (string algorithm, string bytes[, byte flags, uint32 counter])
//! ```
//!
//! and the key signs `"SSHSIG" ‖ string namespace ‖ string reserved ‖ string hash
//! algorithm ‖ string H(message)`, with the reserved field always empty there (as OpenSSH
//! verifies it). Only version 1 is accepted; OpenSSH also lets a version 0 through, which
//! no tool writes. Parsing and verification are written here rather than
//! taken from `ssh_key::SshSig` so that every refusal has its own error (wrong magic,
//! version, trailing bytes, SHA-1 RSA) and so that the signature bytes we were given are
//! the bytes we write back.

use std::fmt;
use std::str::FromStr;

use base64ct::{Base64, Encoding};
use signature::Verifier as _;

use crate::key::{Fingerprint, KeyError, PublicKey, VERIFY_ALGORITHMS};
use crate::wire::{Reader, put_string};
use crate::{NotAllowed, SIGNATURE_ALGORITHMS};

const MAGIC: &[u8; 6] = b"SSHSIG";
const VERSION: u32 = 1;
const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";
/// OpenSSH wraps the base64 at 70 columns; writing the same makes our armor byte-identical
/// to `ssh-keygen`'s for the same blob.
const LINE_WIDTH: usize = 70;
/// The FIDO "user present" flag: the authenticator was touched for this signature.
const SK_USER_PRESENT: u8 = 0x01;
/// The FIDO "user verified" flag: a PIN or biometric was checked.
const SK_USER_VERIFIED: u8 = 0x04;

/// The hash applied to the message before signing. OpenSSH signs with SHA-512 unless told
/// otherwise (`-O hashalg=sha256`), and accepts both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// `sha256`.
    Sha256,
    /// `sha512`, OpenSSH's default.
    #[default]
    Sha512,
}

impl HashAlgorithm {
    /// The name in the blob: `sha256` or `sha512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }

    fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"sha256" => Some(Self::Sha256),
            b"sha512" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => ssh_key::HashAlg::Sha256.digest(message),
            Self::Sha512 => ssh_key::HashAlg::Sha512.digest(message),
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The bytes a key actually signs for `message` in `namespace`. A [`crate::Signer`] backed
/// by a KMS or HSM signs these and wraps the result with [`Signature::new`].
pub fn signed_data(namespace: &str, hash: HashAlgorithm, message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(6 + 4 + namespace.len() + 4 + 4 + 6 + 4 + 64);
    out.extend_from_slice(MAGIC);
    put_string(&mut out, namespace.as_bytes());
    // The reserved field is always signed empty: OpenSSH does the same when verifying,
    // whatever the blob carries there.
    put_string(&mut out, b"");
    put_string(&mut out, hash.as_str().as_bytes());
    put_string(&mut out, &hash.digest(message));
    out
}

/// A parsed SSHSIG signature. Parsing checks the format only; [`Signature::verify`] (or
/// [`crate::AllowedSigners::verify`]) checks that it was made by a given key over a given
/// message.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    public_key: PublicKey,
    namespace: String,
    reserved: Vec<u8>,
    hash: HashAlgorithm,
    /// The signature algorithm, such as `rsa-sha2-512`.
    algorithm: String,
    /// The algorithm's signature bytes, with the FIDO flags and counter appended for
    /// security-key algorithms (the layout `ssh_key::Signature` uses).
    data: Vec<u8>,
    /// The signature field exactly as it appeared in (or goes into) the blob.
    wire: Vec<u8>,
}

impl Signature {
    /// Parses the armored form that `ssh-keygen -Y sign` writes
    /// (`-----BEGIN SSH SIGNATURE-----` … `-----END SSH SIGNATURE-----`). Surrounding
    /// whitespace and CRLF line endings are accepted.
    pub fn from_armored(text: &str) -> Result<Self, SignatureError> {
        let text = text.trim();
        let Some(after_begin) = text.strip_prefix(BEGIN) else {
            return Err(if text.starts_with("-----BEGIN PGP SIGNATURE-----") {
                SignatureError::NotSsh {
                    found: "an OpenPGP signature",
                }
            } else if text.starts_with("-----BEGIN SIGNED MESSAGE-----")
                || text.starts_with("-----BEGIN CMS-----")
            {
                SignatureError::NotSsh {
                    found: "an X.509/CMS signature",
                }
            } else {
                SignatureError::MissingHeader
            });
        };
        let end = after_begin.find(END).ok_or(SignatureError::MissingFooter)?;
        if !after_begin[end + END.len()..].trim().is_empty() {
            return Err(SignatureError::TextAfterFooter);
        }
        let body: String = after_begin[..end]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        if body.is_empty() {
            return Err(SignatureError::Truncated { field: "magic" });
        }
        let blob = Base64::decode_vec(&body).map_err(|_| SignatureError::Base64)?;
        Self::from_blob(&blob)
    }

    /// Parses the binary SSHSIG blob (the base64-decoded armor).
    pub fn from_blob(blob: &[u8]) -> Result<Self, SignatureError> {
        let truncated = |field| SignatureError::Truncated { field };
        let mut r = Reader::new(blob);
        let magic = r.take(MAGIC.len(), "magic").map_err(truncated)?;
        if magic != MAGIC {
            return Err(SignatureError::BadMagic);
        }
        let version = r.u32("version").map_err(truncated)?;
        if version != VERSION {
            return Err(SignatureError::UnsupportedVersion { version });
        }
        let key = r.string("public key").map_err(truncated)?;
        let public_key =
            PublicKey::from_blob(key).map_err(|source| SignatureError::Key { source })?;
        let namespace = r.string("namespace").map_err(truncated)?;
        let namespace = parse_namespace(namespace)?;
        let reserved = r.string("reserved").map_err(truncated)?.to_vec();
        let hash_name = r.string("hash algorithm").map_err(truncated)?;
        let hash =
            HashAlgorithm::from_name(hash_name).ok_or_else(|| SignatureError::UnsupportedHash {
                name: printable(hash_name),
            })?;
        let wire = r.string("signature").map_err(truncated)?;
        let (algorithm, data) = parse_signature_field(wire)?;
        if r.remaining() != 0 {
            return Err(SignatureError::TrailingBytes {
                count: r.remaining(),
            });
        }
        Ok(Self {
            public_key,
            namespace,
            reserved,
            hash,
            algorithm,
            data,
            wire: wire.to_vec(),
        })
    }

    /// Assembles a signature from its parts: for a [`crate::Signer`] that signs
    /// [`signed_data`] elsewhere (a KMS, an HSM) and has the signature in SSH wire encoding
    /// (`string algorithm, string signature`, plus `byte flags, uint32 counter` for
    /// security keys), as an SSH agent returns it.
    pub fn new(
        public_key: PublicKey,
        namespace: &str,
        hash: HashAlgorithm,
        signature: &[u8],
    ) -> Result<Self, SignatureError> {
        let namespace = parse_namespace(namespace.as_bytes())?;
        let (algorithm, data) = parse_signature_field(signature)?;
        Ok(Self {
            public_key,
            namespace,
            reserved: Vec::new(),
            hash,
            algorithm,
            data,
            wire: signature.to_vec(),
        })
    }

    /// The binary blob.
    pub fn to_blob(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.public_key.blob().len() + self.wire.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        put_string(&mut out, self.public_key.blob());
        put_string(&mut out, self.namespace.as_bytes());
        put_string(&mut out, &self.reserved);
        put_string(&mut out, self.hash.as_str().as_bytes());
        put_string(&mut out, &self.wire);
        out
    }

    /// The armored form, exactly as `ssh-keygen -Y sign` writes it (70-column lines,
    /// trailing newline).
    pub fn to_armored(&self) -> String {
        let b64 = Base64::encode_string(&self.to_blob());
        let mut out = String::with_capacity(b64.len() + b64.len() / LINE_WIDTH + 64);
        out.push_str(BEGIN);
        out.push('\n');
        // base64 is ASCII, so every chunk boundary is a char boundary.
        for line in b64.as_bytes().chunks(LINE_WIDTH) {
            out.push_str(std::str::from_utf8(line).unwrap_or_default());
            out.push('\n');
        }
        out.push_str(END);
        out.push('\n');
        out
    }

    /// The key embedded in the signature: the key that claims to have made it. It proves
    /// nothing until [`Signature::verify`] checks it against a key you trust.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The namespace the signature was made for.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The hash applied to the message.
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.hash
    }

    /// The signature algorithm, such as `ssh-ed25519` or `rsa-sha2-512`.
    pub fn signature_algorithm(&self) -> &str {
        &self.algorithm
    }

    /// Checks that this signature was made by `key` over `message` in `namespace`.
    ///
    /// `key` is the key you trust (from an allowed-signers file, a pinned fingerprint…);
    /// a signature whose embedded key differs is refused before any cryptography. To check
    /// a principal against an allowed-signers file, use [`crate::AllowedSigners::verify`].
    /// Security-key signatures must carry the user-presence flag; see
    /// [`Signature::verify_with`] to relax that.
    pub fn verify(
        &self,
        key: &PublicKey,
        namespace: &str,
        message: &[u8],
    ) -> Result<Verified, VerifyError> {
        self.verify_with(key, namespace, message, &VerifyOptions::default())
    }

    /// [`Signature::verify`] with options.
    pub fn verify_with(
        &self,
        key: &PublicKey,
        namespace: &str,
        message: &[u8],
        options: &VerifyOptions,
    ) -> Result<Verified, VerifyError> {
        if self.namespace != namespace {
            return Err(VerifyError::NamespaceMismatch {
                expected: namespace.to_owned(),
                found: self.namespace.clone(),
            });
        }
        if &self.public_key != key {
            return Err(VerifyError::KeyMismatch {
                expected: key.fingerprint(),
                found: self.public_key.fingerprint(),
            });
        }
        let data = signed_data(namespace, self.hash, message);
        let security_key = verify_raw(key, &self.algorithm, &self.data, &data)?;
        if let Some(sk) = security_key
            && options.require_user_presence
            && !sk.user_present()
        {
            return Err(VerifyError::UserPresenceNotMet {
                fingerprint: key.fingerprint(),
            });
        }
        Ok(Verified {
            fingerprint: key.fingerprint(),
            public_key: key.clone(),
            namespace: self.namespace.clone(),
            principal: None,
            security_key,
        })
    }
}

impl FromStr for Signature {
    type Err = SignatureError;
    fn from_str(s: &str) -> Result<Self, SignatureError> {
        Self::from_armored(s)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("key", &self.public_key)
            .field("namespace", &self.namespace)
            .field("hash", &self.hash)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_armored())
    }
}

fn parse_namespace(bytes: &[u8]) -> Result<String, SignatureError> {
    if bytes.is_empty() {
        return Err(SignatureError::EmptyNamespace);
    }
    // OpenSSH reads the namespace as a C string: a NUL would cut it short there.
    match std::str::from_utf8(bytes) {
        Ok(ns) if !ns.contains('\0') => Ok(ns.to_owned()),
        _ => Err(SignatureError::BadNamespace {
            namespace: printable(bytes),
        }),
    }
}

/// Splits the signature field into its algorithm name and bytes, refusing anything left
/// over (OpenSSH refuses trailing data there too).
fn parse_signature_field(wire: &[u8]) -> Result<(String, Vec<u8>), SignatureError> {
    let malformed = |_| SignatureError::MalformedSignature;
    let mut r = Reader::new(wire);
    let name = r.string("signature algorithm").map_err(malformed)?;
    let name = std::str::from_utf8(name)
        .map_err(|_| SignatureError::MalformedSignature)?
        .to_owned();
    let mut data = r.string("signature bytes").map_err(malformed)?.to_vec();
    if is_security_key(&name) {
        data.extend_from_slice(r.take(5, "flags and counter").map_err(malformed)?);
    }
    if r.remaining() != 0 || data.is_empty() {
        return Err(SignatureError::MalformedSignature);
    }
    Ok((name, data))
}

fn is_security_key(algorithm: &str) -> bool {
    algorithm == "sk-ssh-ed25519@openssh.com" || algorithm == "sk-ecdsa-sha2-nistp256@openssh.com"
}

/// Encodes a signature field from an algorithm and its bytes (non-security-key only).
pub(crate) fn encode_signature_field(algorithm: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + algorithm.len() + bytes.len());
    put_string(&mut out, algorithm.as_bytes());
    put_string(&mut out, bytes);
    out
}

/// Verifies `data` against the signature bytes with `key`, after checking that the
/// algorithm is one we support and that it belongs to the key. Returns the FIDO flags and
/// counter for security keys.
fn verify_raw(
    key: &PublicKey,
    algorithm: &str,
    sig: &[u8],
    data: &[u8],
) -> Result<Option<SecurityKey>, VerifyError> {
    let fingerprint = key.fingerprint();
    let key_type = key.algorithm();
    if !VERIFY_ALGORITHMS.contains(&key_type) {
        return Err(VerifyError::UnsupportedAlgorithm {
            algorithm: key_type.to_owned(),
        });
    }
    let expected: &[&str] = match key_type {
        "ssh-rsa" => {
            if algorithm == "ssh-rsa" {
                // PKCS#1 v1.5 with SHA-1: OpenSSH accepts only rsa-sha2-* for SSHSIG.
                return Err(VerifyError::RsaSha1 { fingerprint });
            }
            &["rsa-sha2-256", "rsa-sha2-512"]
        }
        other => &[other],
    };
    if !expected.contains(&algorithm) {
        return Err(VerifyError::AlgorithmMismatch {
            key_type: key_type.to_owned(),
            algorithm: algorithm.to_owned(),
        });
    }
    let mut sig = sig.to_vec();
    if let Some(rsa) = key.key_data().rsa() {
        let modulus = rsa.n.as_positive_bytes().unwrap_or_default();
        let bits = modulus.len() * 8 - modulus.first().map_or(0, |b| b.leading_zeros() as usize);
        if !(2048..=4096).contains(&bits) {
            return Err(VerifyError::UnsupportedKey {
                fingerprint,
                reason: format!("RSA keys of 2048 to 4096 bits are supported; this one has {bits}"),
            });
        }
        // Some signers drop leading zero bytes; OpenSSH pads them back, so do we.
        if sig.len() < modulus.len() {
            let mut padded = vec![0; modulus.len() - sig.len()];
            padded.extend_from_slice(&sig);
            sig = padded;
        }
    }
    let parsed = ssh_key::Algorithm::new(algorithm)
        .and_then(|alg| ssh_key::Signature::new(alg, sig.clone()))
        .map_err(|_| VerifyError::BadSignature { fingerprint })?;
    key.key_data()
        .verify(data, &parsed)
        .map_err(|_| VerifyError::BadSignature { fingerprint })?;
    if is_security_key(algorithm) {
        // Last five bytes: flags, then the big-endian counter. Covered by the signature,
        // so they are authentic once it verified.
        let tail = &sig[sig.len().saturating_sub(5)..];
        if let [flags, c0, c1, c2, c3] = *tail {
            return Ok(Some(SecurityKey {
                flags,
                counter: u32::from_be_bytes([c0, c1, c2, c3]),
            }));
        }
        return Err(VerifyError::BadSignature { fingerprint });
    }
    Ok(None)
}

/// Renders untrusted bytes for an error message: lossy UTF-8, control characters escaped,
/// at most 64 characters.
pub(crate) fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .take(64)
        .flat_map(char::escape_debug)
        .collect()
}

/// Options for [`Signature::verify_with`] and [`crate::AllowedSigners::verify_with`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Refuse security-key (FIDO) signatures made without a touch. On by default, as in
    /// sshd; turn it off only for keys enrolled with `-O no-touch-required`.
    pub require_user_presence: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            require_user_presence: true,
        }
    }
}

impl VerifyOptions {
    /// Accept security-key signatures made without a touch.
    pub fn allow_no_touch(mut self) -> Self {
        self.require_user_presence = false;
        self
    }
}

/// What the FIDO authenticator reported with a security-key signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityKey {
    /// The flags byte.
    pub flags: u8,
    /// The authenticator's signature counter.
    pub counter: u32,
}

impl SecurityKey {
    /// The key was touched for this signature.
    pub fn user_present(&self) -> bool {
        self.flags & SK_USER_PRESENT != 0
    }

    /// A PIN or biometric was checked for this signature.
    pub fn user_verified(&self) -> bool {
        self.flags & SK_USER_VERIFIED != 0
    }
}

/// A signature that verified: who signed, as far as the check that produced it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    public_key: PublicKey,
    fingerprint: Fingerprint,
    namespace: String,
    principal: Option<String>,
    security_key: Option<SecurityKey>,
}

impl Verified {
    /// The key that made the signature.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Its fingerprint, as OpenSSH prints it.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// The namespace the signature was made (and checked) for.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The principal the allowed-signers file accepted the key for, when the signature was
    /// checked with [`crate::AllowedSigners::verify`].
    pub fn principal(&self) -> Option<&str> {
        self.principal.as_deref()
    }

    /// Flags and counter, for security-key signatures.
    pub fn security_key(&self) -> Option<SecurityKey> {
        self.security_key
    }

    pub(crate) fn with_principal(mut self, principal: &str) -> Self {
        self.principal = Some(principal.to_owned());
        self
    }
}

/// Why a signature could not be parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The text does not start with `-----BEGIN SSH SIGNATURE-----`.
    #[error(
        "not an SSH signature: expected `-----BEGIN SSH SIGNATURE-----` at the start, as `ssh-keygen -Y sign` writes"
    )]
    MissingHeader,
    /// The text is another kind of signature.
    #[error("this is {found}, not an SSH signature; sign with an SSH key (`ssh-keygen -Y sign`)")]
    NotSsh {
        /// What it looks like.
        found: &'static str,
    },
    /// No `-----END SSH SIGNATURE-----`.
    #[error(
        "the SSH signature has no `-----END SSH SIGNATURE-----` line: it was cut short; copy all of it"
    )]
    MissingFooter,
    /// Something other than whitespace follows the footer.
    #[error("text follows `-----END SSH SIGNATURE-----`; keep one signature per field or file")]
    TextAfterFooter,
    /// The armor body is not valid base64.
    #[error(
        "the SSH signature's base64 is not valid: it was altered or garbled; copy it again or sign again"
    )]
    Base64,
    /// The blob ended inside a field.
    #[error("the SSH signature is truncated: it ends inside its {field}; copy all of it")]
    Truncated {
        /// The field that was cut short.
        field: &'static str,
    },
    /// The blob does not start with `SSHSIG`.
    #[error("the signature does not start with the `SSHSIG` magic: it is not an SSHSIG signature")]
    BadMagic,
    /// A version other than 1.
    #[error(
        "SSHSIG version {version} is not supported (only version 1 is); sign with `ssh-keygen -Y sign`"
    )]
    UnsupportedVersion {
        /// The version in the blob.
        version: u32,
    },
    /// The embedded public key could not be read.
    #[error("the public key inside the signature could not be read")]
    Key {
        /// Why.
        #[source]
        source: KeyError,
    },
    /// The namespace is empty.
    #[error("the signature's namespace is empty; SSH signatures always name one (`-n checklist`)")]
    EmptyNamespace,
    /// The namespace is not UTF-8 or contains a NUL.
    #[error("the signature's namespace `{namespace}` is not valid text")]
    BadNamespace {
        /// The namespace, escaped.
        namespace: String,
    },
    /// A hash other than `sha256`/`sha512`.
    #[error(
        "the signature uses hash `{name}`; only `sha256` and `sha512` are accepted, as in OpenSSH"
    )]
    UnsupportedHash {
        /// The hash name, escaped.
        name: String,
    },
    /// The signature field is not `string algorithm, string bytes`.
    #[error("the signature bytes are malformed: the signature was altered or garbled")]
    MalformedSignature,
    /// Bytes after the last field.
    #[error("the signature has {count} unexpected byte(s) after its last field; it was altered")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

/// Why a signature did not verify.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature was made for another namespace.
    #[error(
        "the signature was made for namespace `{found}`, not `{expected}`: it was made for another purpose; sign again with `-n {expected}`"
    )]
    NamespaceMismatch {
        /// The namespace asked for.
        expected: String,
        /// The namespace in the signature.
        found: String,
    },
    /// The signature was made by another key than the one trusted.
    #[error("the signature was made by key {found}, not by the trusted key {expected}")]
    KeyMismatch {
        /// The trusted key.
        expected: Fingerprint,
        /// The key in the signature.
        found: Fingerprint,
    },
    /// An `ssh-rsa` (SHA-1) signature.
    #[error(
        "the signature by key {fingerprint} uses `ssh-rsa` (SHA-1), which OpenSSH refuses for SSH signatures; sign again with `ssh-keygen -Y sign` (it uses rsa-sha2-512)"
    )]
    RsaSha1 {
        /// The signing key.
        fingerprint: Fingerprint,
    },
    /// The signature algorithm does not belong to the key type.
    #[error("a `{key_type}` key cannot make `{algorithm}` signatures: the signature was altered")]
    AlgorithmMismatch {
        /// The key's type.
        key_type: String,
        /// The signature's algorithm.
        algorithm: String,
    },
    /// A key type this crate does not verify.
    #[error("verifying `{algorithm}` signatures is not supported; use one of {}", SIGNATURE_ALGORITHMS.join(", "))]
    UnsupportedAlgorithm {
        /// The key type.
        algorithm: String,
    },
    /// A key of a supported type that is still out of range (RSA size).
    #[error("key {fingerprint} is not supported: {reason}")]
    UnsupportedKey {
        /// The key.
        fingerprint: Fingerprint,
        /// Why.
        reason: String,
    },
    /// The cryptographic check failed.
    #[error(
        "the signature by key {fingerprint} does not match: the message or the signature was changed after signing, or it signs other data"
    )]
    BadSignature {
        /// The key that claims to have signed.
        fingerprint: Fingerprint,
    },
    /// A security-key signature made without a touch.
    #[error(
        "the security key {fingerprint} signed without user presence (no touch); sign again and touch the key when it blinks"
    )]
    UserPresenceNotMet {
        /// The key.
        fingerprint: Fingerprint,
    },
    /// The allowed-signers file does not allow the key for the principal.
    #[error(transparent)]
    NotAllowed(#[from] NotAllowed),
}
