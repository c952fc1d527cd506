//! The spec's digest: SHA-256 over everything that gives state meaning. State files
//! store it, so the bytes hashed here must never change for a given spec.

use std::fmt;

use sha2::{Digest, Sha256};

use super::{ItemKind, Spec, Step};

impl Spec {
    pub(crate) fn compute_digest(&self) -> String {
        // Every field goes into one buffer that is hashed in large pieces, and numbers are
        // written into it directly: fed to SHA-256 field by field, with a `String` per
        // number, the bookkeeping cost several times the hashing itself on a large
        // checklist. The bytes hashed are the same.
        let mut d = DigestInput::new();
        d.field(b"checklist-spec/1");
        d.field(self.id.as_bytes());
        d.field(self.version.as_deref().unwrap_or("").as_bytes());
        for item in &self.items {
            d.field(item.id.as_bytes());
            d.field(item.text.as_bytes());
            d.field(item.kind.name().as_bytes());
            match &item.kind {
                ItemKind::Task => d.field(b""),
                ItemKind::Field(t) => d.display(t),
                ItemKind::SignOff { role } => d.field(role.as_bytes()),
            }
            d.field(if item.optional {
                b"optional"
            } else {
                b"required"
            });
            match item.parent {
                Some(p) => d.number(p.0.into()),
                None => d.field(b""),
            }
            match item.step {
                Some(s) => d.step(s),
                None => d.field(b""),
            }
        }
        for gate in &self.gates {
            d.field(gate.name.as_bytes());
            for i in &gate.items {
                d.number(i.0.into());
            }
        }
        d.field(self.signoff_gate().name.as_bytes());
        let h = d.finish();
        let digest = h.finalize();
        let mut out = String::with_capacity(7 + 64);
        out.push_str("sha256:");
        for b in digest {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

/// The bytes of [`Spec::digest`], buffered: each field is its length as a little-endian
/// u64, then its bytes; numbers are written in decimal.
struct DigestInput {
    sha: Sha256,
    buf: Vec<u8>,
    scratch: String,
}

impl DigestInput {
    const FLUSH: usize = 1 << 16;

    fn new() -> Self {
        DigestInput {
            sha: Sha256::new(),
            buf: Vec::with_capacity(Self::FLUSH + 256),
            scratch: String::new(),
        }
    }

    fn field(&mut self, bytes: &[u8]) {
        self.buf
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= Self::FLUSH {
            self.sha.update(&self.buf);
            self.buf.clear();
        }
    }

    /// `n` in decimal, as `n.to_string()` writes it.
    fn number(&mut self, n: u64) {
        let mut digits = [0u8; 20];
        let len = decimal(n, &mut digits);
        self.field(&digits[20 - len..]);
    }

    /// `list.position`.
    fn step(&mut self, s: Step) {
        let mut text = [0u8; 21];
        let mut digits = [0u8; 20];
        let a = decimal(s.list.into(), &mut digits);
        text[..a].copy_from_slice(&digits[20 - a..]);
        text[a] = b'.';
        let b = decimal(s.position.into(), &mut digits);
        text[a + 1..a + 1 + b].copy_from_slice(&digits[20 - b..]);
        self.field(&text[..a + 1 + b]);
    }

    fn display(&mut self, value: &impl fmt::Display) {
        use fmt::Write as _;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let _ = write!(scratch, "{value}");
        self.field(scratch.as_bytes());
        self.scratch = scratch;
    }

    fn finish(mut self) -> Sha256 {
        self.sha.update(&self.buf);
        self.sha
    }
}

/// Writes `n` in decimal at the end of `out`; returns how many digits it took.
fn decimal(mut n: u64, out: &mut [u8; 20]) -> usize {
    let mut i = out.len();
    loop {
        i -= 1;
        out[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return out.len() - i;
        }
    }
}
