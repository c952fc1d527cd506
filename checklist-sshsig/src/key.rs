//! SSH public keys as they appear in `.pub` files and allowed-signers lines, and their
//! fingerprints as OpenSSH prints them.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64ct::{Base64, Base64Unpadded, Encoding};

use crate::wire::Reader;

/// The key types this crate can verify signatures from. Other well-formed keys still
/// parse (an allowed-signers file may list them for other tools), but verifying with them
/// fails with [`crate::VerifyError::UnsupportedAlgorithm`].
pub(crate) const VERIFY_ALGORITHMS: &[&str] = &[
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
];

/// Suffix of OpenSSH certificate key types, which this crate refuses by name.
const CERT_SUFFIX: &str = "-cert-v01@openssh.com";

/// An SSH public key: its algorithm, key material and (informative only) comment.
///
/// Two keys are equal when their key blobs are equal; the comment does not count, as in
/// OpenSSH.
#[derive(Clone)]
pub struct PublicKey {
    inner: ssh_key::PublicKey,
    /// The canonical wire encoding, kept for comparison and fingerprints.
    blob: Vec<u8>,
}

impl PublicKey {
    /// Parses an OpenSSH public key line: `TYPE BASE64 [COMMENT]`, as in a `.pub` file.
    ///
    /// ```
    /// let key: checklist_sshsig::PublicKey =
    ///     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK7aGw8D9rC19BAjwYq1SXnNuWGnZjlGV4PoZ859a2YP alice"
    ///         .parse()?;
    /// assert_eq!(key.algorithm(), "ssh-ed25519");
    /// assert_eq!(key.comment(), "alice");
    /// assert_eq!(
    ///     key.fingerprint().to_string(),
    ///     "SHA256:VipjgUEEnwDAfaGwY7DauBTuDY34MnCcP0199UFLU5w"
    /// );
    /// # Ok::<(), checklist_sshsig::KeyError>(())
    /// ```
    pub fn parse(line: &str) -> Result<Self, KeyError> {
        let line = line.trim();
        let mut fields = line.splitn(2, [' ', '\t']);
        let key_type = fields
            .next()
            .filter(|t| !t.is_empty())
            .ok_or(KeyError::Empty)?;
        let rest = fields.next().unwrap_or("").trim_start();
        let mut fields = rest.splitn(2, [' ', '\t']);
        let base64 =
            fields
                .next()
                .filter(|b| !b.is_empty())
                .ok_or_else(|| KeyError::MissingBase64 {
                    key_type: key_type.to_owned(),
                })?;
        let comment = fields.next().unwrap_or("").trim();
        let mut key = Self::from_type_and_base64(key_type, base64)?;
        key.inner.set_comment(comment);
        Ok(key)
    }

    /// Parses the two fields `TYPE` and `BASE64`; the declared type must be the blob's.
    pub(crate) fn from_type_and_base64(key_type: &str, base64: &str) -> Result<Self, KeyError> {
        if key_type.ends_with(CERT_SUFFIX) {
            return Err(KeyError::Certificate {
                key_type: key_type.to_owned(),
            });
        }
        let blob = Base64::decode_vec(base64).map_err(|_| KeyError::Base64)?;
        let key = Self::from_blob(&blob)?;
        if key.algorithm() != key_type {
            return Err(KeyError::TypeMismatch {
                declared: key_type.to_owned(),
                actual: key.algorithm().to_owned(),
            });
        }
        Ok(key)
    }

    /// Parses a key blob (the SSH wire encoding, as embedded in a signature).
    pub fn from_blob(blob: &[u8]) -> Result<Self, KeyError> {
        // Read the algorithm name first so that certificates get their own message
        // instead of a generic decoding error.
        let name = Reader::new(blob)
            .string("key type")
            .map_err(|_| KeyError::Malformed { source: None })?;
        if let Ok(name) = std::str::from_utf8(name)
            && name.ends_with(CERT_SUFFIX)
        {
            return Err(KeyError::Certificate {
                key_type: name.to_owned(),
            });
        }
        let inner = ssh_key::PublicKey::from_bytes(blob)
            .map_err(|e| KeyError::Malformed { source: Some(e) })?;
        // Re-encode and compare: refuses any second spelling of the same key (which would
        // give one key two fingerprints) and anything the decoder skipped over.
        let canonical = inner
            .to_bytes()
            .map_err(|e| KeyError::Malformed { source: Some(e) })?;
        if canonical != blob {
            return Err(KeyError::Malformed { source: None });
        }
        Ok(Self {
            inner,
            blob: canonical,
        })
    }

    /// Reads a `.pub` file.
    pub fn read_file(path: impl AsRef<Path>) -> Result<Self, KeyError> {
        let path = path.as_ref();
        let text = crate::file::read_bounded(path, crate::file::MAX_KEY_BYTES, "a public key file")
            .map_err(|source| KeyError::Read {
                path: path.to_owned(),
                source,
            })?;
        Self::parse(&text)
    }

    /// The key blob: the SSH wire encoding that fingerprints and signatures use.
    pub fn blob(&self) -> &[u8] {
        &self.blob
    }

    /// The key type, such as `ssh-ed25519` or `ecdsa-sha2-nistp256`.
    pub fn algorithm(&self) -> &str {
        // `as_str` borrows from the key data, so the name lives as long as `self`.
        self.inner.key_data().algorithm_name()
    }

    /// The comment after the key on its line, often an email address. It is not part of
    /// the key and is not authenticated by anything.
    pub fn comment(&self) -> &str {
        self.inner.comment()
    }

    /// The fingerprint OpenSSH prints for this key (`SHA256:` and unpadded base64).
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_blob(&self.blob)
    }

    /// The key as a `.pub` line: `TYPE BASE64 [COMMENT]`.
    pub fn to_openssh(&self) -> String {
        let mut line = format!("{} {}", self.algorithm(), Base64::encode_string(&self.blob));
        if !self.comment().is_empty() {
            line.push(' ');
            line.push_str(self.comment());
        }
        line
    }

    pub(crate) fn key_data(&self) -> &ssh_key::public::KeyData {
        self.inner.key_data()
    }

    pub(crate) fn from_inner(inner: ssh_key::PublicKey) -> Result<Self, KeyError> {
        let blob = inner
            .to_bytes()
            .map_err(|e| KeyError::Malformed { source: Some(e) })?;
        Ok(Self { inner, blob })
    }
}

/// Names of key algorithms, borrowed from the key so that no allocation is needed.
trait AlgorithmName {
    fn algorithm_name(&self) -> &str;
}

impl AlgorithmName for ssh_key::public::KeyData {
    fn algorithm_name(&self) -> &str {
        use ssh_key::public::EcdsaPublicKey;
        use ssh_key::public::KeyData;
        match self {
            KeyData::Ed25519(_) => "ssh-ed25519",
            KeyData::SkEd25519(_) => "sk-ssh-ed25519@openssh.com",
            KeyData::Ecdsa(EcdsaPublicKey::NistP256(_)) => "ecdsa-sha2-nistp256",
            KeyData::Ecdsa(EcdsaPublicKey::NistP384(_)) => "ecdsa-sha2-nistp384",
            KeyData::Ecdsa(EcdsaPublicKey::NistP521(_)) => "ecdsa-sha2-nistp521",
            KeyData::SkEcdsaSha2NistP256(_) => "sk-ecdsa-sha2-nistp256@openssh.com",
            KeyData::Rsa(_) => "ssh-rsa",
            KeyData::Dsa(_) => "ssh-dss",
            KeyData::Other(key) => key.algorithm.as_str(),
            // `KeyData` is non-exhaustive; a future variant is simply not verifiable.
            _ => "unknown",
        }
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.blob == other.blob
    }
}

impl Eq for PublicKey {}

impl Hash for PublicKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.blob.hash(state);
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} {})", self.algorithm(), self.fingerprint())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_openssh())
    }
}

impl FromStr for PublicKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        Self::parse(s)
    }
}

/// A key's SHA-256 fingerprint; displays as OpenSSH prints it, `SHA256:` followed by
/// unpadded base64 (`ssh-keygen -l`, `git log --show-signature`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    fn of_blob(blob: &[u8]) -> Self {
        let digest = ssh_key::HashAlg::Sha256.digest(blob);
        let mut bytes = [0u8; 32];
        // SHA-256 always yields 32 bytes; copy what is there rather than assert it.
        for (dst, src) in bytes.iter_mut().zip(digest) {
            *dst = src;
        }
        Self(bytes)
    }

    /// The raw SHA-256 digest of the key blob.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHA256:{}", Base64Unpadded::encode_string(&self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Fingerprint {
    type Err = KeyError;
    /// Parses `SHA256:` and 43 characters of unpadded base64, as `ssh-keygen -l` prints.
    fn from_str(s: &str) -> Result<Self, KeyError> {
        let bad = || KeyError::Fingerprint {
            text: s.chars().take(80).collect(),
        };
        let b64 = s.trim().strip_prefix("SHA256:").ok_or_else(bad)?;
        let bytes = Base64Unpadded::decode_vec(b64).map_err(|_| bad())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        Ok(Self(bytes))
    }
}

/// Why a public key could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The line was empty.
    #[error("empty public key; expected `TYPE BASE64 [COMMENT]`, as in a `.pub` file")]
    Empty,
    /// Only a key type was given.
    #[error(
        "public key `{key_type}` has no base64 key data after it; copy the whole line from the `.pub` file"
    )]
    MissingBase64 {
        /// The key type that was given.
        key_type: String,
    },
    /// The key data is not valid base64.
    #[error(
        "the public key's base64 data is not valid; copy it again from the `.pub` file, without line breaks"
    )]
    Base64,
    /// The decoded key blob is not a well-formed SSH public key.
    #[error(
        "the public key data is not a well-formed SSH public key; copy it again from the `.pub` file"
    )]
    Malformed {
        /// What the key decoder reported, when it reported something.
        #[source]
        source: Option<ssh_key::Error>,
    },
    /// The type in front of the key is not the type inside it.
    #[error(
        "the line says the key is `{declared}` but the key data is `{actual}`; write `{actual}` in front of it"
    )]
    TypeMismatch {
        /// The type written in front of the key.
        declared: String,
        /// The type encoded in the key data.
        actual: String,
    },
    /// OpenSSH certificates are not supported.
    #[error(
        "`{key_type}` is an OpenSSH certificate, which this crate does not support; list or sign with the plain public key instead"
    )]
    Certificate {
        /// The certificate type.
        key_type: String,
    },
    /// A fingerprint that is not `SHA256:` and 43 characters of base64.
    #[error(
        "`{text}` is not a SHA-256 key fingerprint; expected `SHA256:` and 43 base64 characters, as `ssh-keygen -l -f KEY` prints"
    )]
    Fingerprint {
        /// The text given (at most 80 characters of it).
        text: String,
    },
    /// A `.pub` file could not be read.
    #[error("could not read the public key file `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
