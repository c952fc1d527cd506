//! Making signatures: the [`Signer`] trait, an in-process signer for OpenSSH private key
//! files, and a signer that runs `ssh-keygen -Y sign` as git does (and so reaches
//! ssh-agent, hardware-backed and FIDO keys).

use std::ffi::OsString;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use signature::Signer as _;

use crate::key::{Fingerprint, KeyError, PublicKey};
use crate::sig::{HashAlgorithm, Signature, SignatureError, encode_signature_field, signed_data};

/// Something that signs with one SSH key: a key file, ssh-agent via `ssh-keygen`, or an
/// embedder's KMS or HSM.
///
/// Object safe and `Send + Sync`, so it can be stored as `Box<dyn Signer>` or
/// `Arc<dyn Signer>` and shared between threads.
///
/// An implementation backed by a remote service computes [`crate::signed_data`] for
/// `namespace` and `message`, has the service sign those bytes, and wraps the SSH-encoded
/// result with [`Signature::new`].
pub trait Signer: Send + Sync {
    /// The public half of the signing key.
    fn public_key(&self) -> &PublicKey;

    /// Signs `message` for `namespace` (for sign-offs, `checklist`).
    fn sign(&self, namespace: &str, message: &[u8]) -> Result<Signature, SignError>;
}

/// Signs in-process with an OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`).
///
/// Supported key types: `ssh-ed25519`, `ecdsa-sha2-nistp256` and `ecdsa-sha2-nistp384`.
/// RSA keys are refused, for two reasons: the pure-Rust RSA implementation is not
/// hardened against timing side channels when signing, and `ssh-key` 0.6 cannot rebuild
/// an RSA private key from an OpenSSH file (it passes the first prime twice), so signing
/// would fail anyway. [`SshKeygenSigner`] signs with RSA keys through OpenSSH.
/// Security-key (`sk-…`) files hold only a handle to the key on the device, so they too
/// need [`SshKeygenSigner`].
///
/// Encrypted key files are decrypted with a passphrase the caller supplies
/// ([`PrivateKeySigner::from_file_with_passphrase`]); this crate never prompts. Without
/// one they are refused with [`SignError::Encrypted`], which points to ssh-agent and
/// [`SshKeygenSigner`].
pub struct PrivateKeySigner {
    key: ssh_key::PrivateKey,
    public: PublicKey,
    hash: HashAlgorithm,
    /// Where the key came from, for messages.
    origin: String,
}

impl PrivateKeySigner {
    /// Reads an unencrypted private key file. An encrypted one is refused with
    /// [`SignError::Encrypted`]; see [`PrivateKeySigner::from_file_with_passphrase`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SignError> {
        let path = path.as_ref();
        Self::load(&read_key_file(path)?, None, &path.display().to_string())
    }

    /// Reads a private key file, decrypting it with `passphrase` if it is encrypted.
    pub fn from_file_with_passphrase(
        path: impl AsRef<Path>,
        passphrase: &[u8],
    ) -> Result<Self, SignError> {
        let path = path.as_ref();
        Self::load(
            &read_key_file(path)?,
            Some(passphrase),
            &path.display().to_string(),
        )
    }

    /// Parses the text of an unencrypted private key file.
    pub fn from_openssh(text: &str) -> Result<Self, SignError> {
        Self::load(text, None, "the private key")
    }

    /// Parses the text of a private key file, decrypting it with `passphrase` if needed.
    pub fn from_openssh_with_passphrase(text: &str, passphrase: &[u8]) -> Result<Self, SignError> {
        Self::load(text, Some(passphrase), "the private key")
    }

    /// An Ed25519 key made from a 32-byte secret seed (the key is the seed: keep it as
    /// secret as a key file). For tests and for tools that derive or provision keys;
    /// `comment` is what `ssh-keygen` shows after the public key.
    ///
    /// ```
    /// use checklist_sshsig::{PrivateKeySigner, Signer, NAMESPACE};
    /// let signer = PrivateKeySigner::ed25519_from_seed(&[7; 32], "ana@example.com");
    /// let again = PrivateKeySigner::from_openssh(&signer.to_openssh())?;
    /// assert_eq!(again.public_key(), signer.public_key());
    /// let sig = signer.sign(NAMESPACE, b"hello")?;
    /// sig.verify(signer.public_key(), NAMESPACE, b"hello")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ed25519_from_seed(seed: &[u8; 32], comment: &str) -> Self {
        let pair = ssh_key::private::Ed25519Keypair::from_seed(seed);
        let mut key = ssh_key::PrivateKey::from(pair);
        key.set_comment(comment);
        let public = PublicKey::from_inner(key.public_key().clone())
            .expect("an Ed25519 public key always encodes");
        Self {
            key,
            public,
            hash: HashAlgorithm::default(),
            origin: "the Ed25519 key from a seed".to_owned(),
        }
    }

    /// The key as an unencrypted OpenSSH private key file (`-----BEGIN OPENSSH PRIVATE
    /// KEY-----`), as `ssh-keygen` writes it. Write it with owner-only permissions.
    pub fn to_openssh(&self) -> String {
        self.key
            .to_openssh(ssh_key::LineEnding::LF)
            .map(|text| text.as_str().to_owned())
            .unwrap_or_default()
    }

    /// Signs with `hash` instead of OpenSSH's default, SHA-512.
    pub fn with_hash(mut self, hash: HashAlgorithm) -> Self {
        self.hash = hash;
        self
    }

    fn load(text: &str, passphrase: Option<&[u8]>, origin: &str) -> Result<Self, SignError> {
        let origin = origin.to_owned();
        let mut key = ssh_key::PrivateKey::from_openssh(text.trim()).map_err(|source| {
            SignError::NotAPrivateKey {
                origin: origin.clone(),
                source,
            }
        })?;
        if key.is_encrypted() {
            let Some(passphrase) = passphrase else {
                return Err(SignError::Encrypted { origin });
            };
            key = key
                .decrypt(passphrase)
                .map_err(|_| SignError::WrongPassphrase {
                    origin: origin.clone(),
                })?;
        }
        let public = PublicKey::from_inner(key.public_key().clone()).map_err(|source| {
            SignError::PublicKey {
                origin: origin.clone(),
                source,
            }
        })?;
        match public.algorithm() {
            "ssh-ed25519" | "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" => {}
            algorithm => {
                return Err(SignError::UnsupportedKey {
                    origin,
                    algorithm: algorithm.to_owned(),
                });
            }
        }
        Ok(Self {
            key,
            public,
            hash: HashAlgorithm::default(),
            origin,
        })
    }
}

impl fmt::Debug for PrivateKeySigner {
    // Never prints key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKeySigner")
            .field("key", &self.public)
            .field("origin", &self.origin)
            .field("hash", &self.hash)
            .finish()
    }
}

impl Signer for PrivateKeySigner {
    fn public_key(&self) -> &PublicKey {
        &self.public
    }

    fn sign(&self, namespace: &str, message: &[u8]) -> Result<Signature, SignError> {
        if namespace.is_empty() {
            return Err(SignError::EmptyNamespace);
        }
        let data = signed_data(namespace, self.hash, message);
        let raw: ssh_key::Signature =
            self.key
                .key_data()
                .try_sign(&data)
                .map_err(|_| SignError::Crypto {
                    fingerprint: self.public.fingerprint(),
                })?;
        let wire = encode_signature_field(raw.algorithm().as_str(), raw.as_bytes());
        Signature::new(self.public.clone(), namespace, self.hash, &wire)
            .map_err(|source| SignError::BadOutput { source })
    }
}

fn read_key_file(path: &Path) -> Result<String, SignError> {
    crate::file::read_bounded(path, crate::file::MAX_KEY_BYTES, "a key file").map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            SignError::KeyFileMissing {
                path: path.to_owned(),
            }
        } else {
            SignError::ReadKeyFile {
                path: path.to_owned(),
                source,
            }
        }
    })
}

/// Signs by running `ssh-keygen -Y sign -n NAMESPACE -f KEY`, as git does for
/// `gpg.format=ssh`.
///
/// `KEY` may be a private key file (OpenSSH asks for its passphrase on the terminal if it
/// is encrypted and not in the agent) or a public key file whose private half is in
/// ssh-agent (`SSH_AUTH_SOCK`), which is how hardware-backed and FIDO keys sign.
/// [`SshKeygenSigner::agent`] passes `-U` (OpenSSH 8.9 and later), which makes
/// `ssh-keygen` use only the agent, as git does for keys given literally.
#[derive(Clone, Debug)]
pub struct SshKeygenSigner {
    program: PathBuf,
    key_file: PathBuf,
    public: PublicKey,
    agent_only: bool,
    hash: Option<HashAlgorithm>,
    /// `None`: inherit; `Some(None)`: unset; `Some(Some(path))`: set.
    auth_sock: Option<Option<OsString>>,
}

impl SshKeygenSigner {
    /// Signs with `key_file`, a private key or a `.pub` file. The public key is read
    /// now: from the file itself if it is a `.pub`, otherwise from `KEY.pub` beside it,
    /// otherwise from the private key file's unencrypted public part.
    pub fn new(key_file: impl Into<PathBuf>) -> Result<Self, SignError> {
        let key_file = key_file.into();
        let public = read_public_key_for(&key_file)?;
        Ok(Self {
            program: PathBuf::from("ssh-keygen"),
            key_file,
            public,
            agent_only: false,
            hash: None,
            auth_sock: None,
        })
    }

    /// Signs with the key in ssh-agent whose public key is in `public_key_file`, passing
    /// `-U` so that `ssh-keygen` never falls back to a private key file.
    pub fn agent(public_key_file: impl Into<PathBuf>) -> Result<Self, SignError> {
        let mut signer = Self::new(public_key_file)?;
        signer.agent_only = true;
        Ok(signer)
    }

    /// Runs `program` instead of `ssh-keygen` from `PATH`.
    pub fn program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into();
        self
    }

    /// Passes `-O hashalg=…` (OpenSSH's default is SHA-512).
    pub fn with_hash(mut self, hash: HashAlgorithm) -> Self {
        self.hash = Some(hash);
        self
    }

    /// Sets `SSH_AUTH_SOCK` for `ssh-keygen` (`None` unsets it) instead of inheriting it.
    pub fn auth_sock(mut self, socket: Option<impl Into<OsString>>) -> Self {
        self.auth_sock = Some(socket.map(Into::into));
        self
    }

    fn command(&self, namespace: &str) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(["-Y", "sign", "-n", namespace, "-f"]);
        cmd.arg(&self.key_file);
        if self.agent_only {
            cmd.arg("-U");
        }
        if let Some(hash) = self.hash {
            cmd.arg("-O").arg(format!("hashalg={hash}"));
        }
        match &self.auth_sock {
            None => {}
            Some(None) => {
                cmd.env_remove("SSH_AUTH_SOCK");
            }
            Some(Some(sock)) => {
                cmd.env("SSH_AUTH_SOCK", sock);
            }
        }
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn diagnose(&self, stderr: &str) -> &'static str {
        let has = |needle: &str| stderr.contains(needle);
        if has("agent refused operation") || has("Couldn't find key in agent") {
            "ssh-agent does not hold this key: add it with `ssh-add PRIVATE_KEY_FILE` (for a security key, `ssh-add -K`), then sign again"
        } else if has("doesn't match private") {
            "the `.pub` file beside the key belongs to another key; rewrite it with `ssh-keygen -y -f KEY > KEY.pub`"
        } else if has("Could not connect to agent")
            || has("agent socket")
            || has("No such file or directory") && self.agent_only
            || has("SSH_AUTH_SOCK")
        {
            "no ssh-agent is reachable: start one (`eval \"$(ssh-agent)\"`), add the key with `ssh-add`, and make sure SSH_AUTH_SOCK is set"
        } else if has("incorrect passphrase") || has("passphrase") {
            "the key is encrypted and no passphrase could be read: add it to ssh-agent with `ssh-add`, or run from a terminal"
        } else if has("Unknown option") || has("illegal option") || has("unknown option") {
            "this ssh-keygen is too old: `-Y sign` needs OpenSSH 8.1 and `-U` needs 8.9; upgrade OpenSSH"
        } else if has("No such file") || has("Load key") {
            "ssh-keygen could not load the key file; check the path, or point at the `.pub` of a key held in ssh-agent"
        } else {
            "see ssh-keygen's message above"
        }
    }
}

fn read_public_key_for(key_file: &Path) -> Result<PublicKey, SignError> {
    let text = read_key_file(key_file)?;
    if !text.trim_start().starts_with("-----BEGIN") {
        return PublicKey::parse(&text).map_err(|source| SignError::PublicKey {
            origin: key_file.display().to_string(),
            source,
        });
    }
    let mut pub_path = key_file.as_os_str().to_owned();
    pub_path.push(".pub");
    let pub_path = PathBuf::from(pub_path);
    if let Ok(key) = PublicKey::read_file(&pub_path) {
        return Ok(key);
    }
    // The public half of an OpenSSH private key file is stored unencrypted.
    let private = ssh_key::PrivateKey::from_openssh(text.trim()).map_err(|source| {
        SignError::NotAPrivateKey {
            origin: key_file.display().to_string(),
            source,
        }
    })?;
    PublicKey::from_inner(private.public_key().clone()).map_err(|source| SignError::PublicKey {
        origin: key_file.display().to_string(),
        source,
    })
}

impl Signer for SshKeygenSigner {
    fn public_key(&self) -> &PublicKey {
        &self.public
    }

    fn sign(&self, namespace: &str, message: &[u8]) -> Result<Signature, SignError> {
        if namespace.is_empty() {
            return Err(SignError::EmptyNamespace);
        }
        if !self.key_file.exists() {
            return Err(SignError::KeyFileMissing {
                path: self.key_file.clone(),
            });
        }
        let mut child = self.command(namespace).spawn().map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                SignError::SshKeygenNotFound {
                    program: self.program.clone(),
                }
            } else {
                SignError::SshKeygenSpawn {
                    program: self.program.clone(),
                    source,
                }
            }
        })?;
        // Write from another thread: a large message could fill the pipe while ssh-keygen
        // is blocked writing to stderr, and each side would wait for the other.
        let stdin = child.stdin.take();
        let message = message.to_vec();
        let writer = std::thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                // A write error means ssh-keygen exited early; its status says why.
                let _ = stdin.write_all(&message);
            }
        });
        let output = child
            .wait_with_output()
            .map_err(|source| SignError::SshKeygenSpawn {
                program: self.program.clone(),
                source,
            })?;
        let _ = writer.join();
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if !output.status.success() {
            return Err(SignError::SshKeygenFailed {
                hint: self.diagnose(&stderr),
                status: output.status.code(),
                stderr,
                key_file: self.key_file.clone(),
            });
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let signature =
            Signature::from_armored(&text).map_err(|source| SignError::BadOutput { source })?;
        // ssh-keygen signs with whatever key the file names; make sure it is the one
        // this signer claims, so that a sign-off is never attributed to the wrong key.
        if signature.public_key() != &self.public {
            return Err(SignError::WrongKey {
                expected: self.public.fingerprint(),
                found: signature.public_key().fingerprint(),
            });
        }
        Ok(signature)
    }
}

/// Why a signature could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The namespace is empty.
    #[error("the signature namespace is empty; sign-offs use `checklist`")]
    EmptyNamespace,
    /// The key file does not exist.
    #[error(
        "the key file `{}` does not exist; pass the path of your SSH key (e.g. ~/.ssh/id_ed25519), as in git's user.signingKey",
        path.display()
    )]
    KeyFileMissing {
        /// The file.
        path: PathBuf,
    },
    /// The key file could not be read.
    #[error("could not read the key file `{}`", path.display())]
    ReadKeyFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Not an OpenSSH private key.
    #[error(
        "{origin} is not an OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`); convert a PEM key with `ssh-keygen -p -f FILE`, or use the ssh-keygen signer"
    )]
    NotAPrivateKey {
        /// The file, or "the private key".
        origin: String,
        /// What the decoder reported.
        #[source]
        source: ssh_key::Error,
    },
    /// The public half could not be read.
    #[error("could not read the public key for {origin}")]
    PublicKey {
        /// The file.
        origin: String,
        /// Why.
        #[source]
        source: KeyError,
    },
    /// An encrypted key and no passphrase.
    #[error(
        "{origin} is encrypted with a passphrase; pass the passphrase, or sign with the ssh-keygen signer, which uses ssh-agent (`ssh-add` the key) or asks for it"
    )]
    Encrypted {
        /// The file.
        origin: String,
    },
    /// The passphrase did not decrypt the key.
    #[error("the passphrase for {origin} is wrong")]
    WrongPassphrase {
        /// The file.
        origin: String,
    },
    /// A key type the in-process signer does not sign with.
    #[error(
        "{origin} is a `{algorithm}` key, which the in-process signer does not sign with (it signs with ssh-ed25519 and ecdsa-sha2-nistp256/384); use the ssh-keygen signer, which signs through OpenSSH"
    )]
    UnsupportedKey {
        /// The file.
        origin: String,
        /// The key type.
        algorithm: String,
    },
    /// The signing primitive failed.
    #[error("signing with key {fingerprint} failed")]
    Crypto {
        /// The key.
        fingerprint: Fingerprint,
    },
    /// `ssh-keygen` is not installed.
    #[error(
        "`{}` was not found; install OpenSSH's client tools (8.1 or later) or give the path of ssh-keygen",
        program.display()
    )]
    SshKeygenNotFound {
        /// The program looked for.
        program: PathBuf,
    },
    /// `ssh-keygen` could not be run.
    #[error("could not run `{}`", program.display())]
    SshKeygenSpawn {
        /// The program.
        program: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `ssh-keygen` failed.
    #[error(
        "ssh-keygen could not sign with `{}` (exit status {}): {stderr}; {hint}",
        key_file.display(),
        status.map_or_else(|| "none".to_owned(), |c| c.to_string())
    )]
    SshKeygenFailed {
        /// The key file.
        key_file: PathBuf,
        /// Its exit code, if it exited.
        status: Option<i32>,
        /// What it printed on stderr.
        stderr: String,
        /// What to do.
        hint: &'static str,
    },
    /// The signer produced something that is not a valid signature.
    #[error("the signer's output is not a valid SSH signature")]
    BadOutput {
        /// Why.
        #[source]
        source: SignatureError,
    },
    /// The signature was made by another key than the signer's.
    #[error(
        "the signature was made by key {found}, not by the signer's key {expected}; check which key the key file names"
    )]
    WrongKey {
        /// The signer's key.
        expected: Fingerprint,
        /// The key that signed.
        found: Fingerprint,
    },
    /// An embedder's backend (KMS, HSM) failed.
    #[error("{message}")]
    Backend {
        /// What failed, and what to do.
        message: String,
        /// The backend's error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}
