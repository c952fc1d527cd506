//! The audit log: one [`Event`] per change, hash-chained.
//!
//! Each event's `hash` is SHA-256 over the previous event's hash and a canonical,
//! length-prefixed encoding of the event's own fields. The encoding does not depend on
//! JSON formatting, so re-indenting a state file keeps the chain valid while changing any
//! field of any event breaks it from that event on.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::item_state::Status;

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Task: pending → done.
    Complete,
    /// Task: → not applicable (a waiver when the task is required).
    Skip,
    /// Task: pending → blocked.
    Block,
    /// Task: blocked → pending.
    Unblock,
    /// Task: done / not applicable → pending.
    Reopen,
    /// Field: → filled.
    Fill,
    /// Field: filled → empty.
    Clear,
    /// Sign-off: → approved.
    Approve,
    /// Sign-off: → rejected.
    Reject,
    /// Sign-off: approved / rejected → unsigned, by a person.
    Revoke,
    /// Sign-off: approved → unsigned, because an item it covers changed.
    Void,
    /// Any kind: back to its initial state, because the checklist changed the item's kind
    /// or type (written when loading state made for an older checklist).
    Reset,
}

impl Action {
    /// The name as in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Complete => "complete",
            Action::Skip => "skip",
            Action::Block => "block",
            Action::Unblock => "unblock",
            Action::Reopen => "reopen",
            Action::Fill => "fill",
            Action::Clear => "clear",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Revoke => "revoke",
            Action::Void => "void",
            Action::Reset => "reset",
        }
    }
}

impl Action {
    /// A stable one-byte code for the hashed encoding (never reuse a retired code).
    pub(crate) fn code(self) -> u8 {
        match self {
            Action::Complete => 1,
            Action::Skip => 2,
            Action::Block => 3,
            Action::Unblock => 4,
            Action::Reopen => 5,
            Action::Fill => 6,
            Action::Clear => 7,
            Action::Approve => 8,
            Action::Reject => 9,
            Action::Revoke => 10,
            Action::Void => 11,
            Action::Reset => 12,
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// 1-based position in the log.
    pub seq: u64,
    /// The state revision this event belongs to: one transition (with the events it
    /// cascades into) is one revision.
    pub revision: u64,
    /// When (UTC, from the state's clock).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// The item's id.
    pub item: String,
    /// What was done.
    pub action: Action,
    /// Status before.
    pub from: Status,
    /// Status after.
    pub to: Status,
    /// The reason, note or comment given with the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The value filled in (`fill`); for `void`, the id of the covered item whose change
    /// voided the approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Evidence from an automated check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The role an approval or rejection was given as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The approver of a waiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// The expiry of a waiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
    /// For `void`: the event whose change voided the approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<u64>,
    /// `sha256:` + hex of SHA-256(previous hash, this event's fields).
    pub hash: String,
}

/// The hash the first event chains from.
pub const GENESIS_HASH: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

impl Event {
    /// Every text the event holds, for size checks.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.actor.as_str()),
            Some(self.item.as_str()),
            Some(self.hash.as_str()),
            self.reason.as_deref(),
            self.value.as_deref(),
            self.evidence.as_deref(),
            self.role.as_deref(),
            self.approver.as_deref(),
        ]
        .into_iter()
        .flatten()
    }

    /// Computes this event's hash from the previous one's (its own `hash` is ignored).
    pub fn compute_hash(&self, previous: &str) -> String {
        let previous = match decode_hash(previous) {
            Some(raw) => Previous::Raw(raw),
            None => Previous::Damaged(previous),
        };
        hex_hash(&self.digest(previous))
    }

    /// The exact bytes this event's hash covers after `previous` (see the encoding on
    /// `Event`'s hashing): for tools that verify a log on their own, and for measuring
    /// what hashing costs.
    ///
    /// ```
    /// use checklist_core::{Actor, Spec, State, state::GENESIS_HASH};
    /// use sha2::Digest;
    /// let spec = Spec::parse("- [ ] a\n")?;
    /// let mut state = State::new(&spec);
    /// state.complete(spec.index_of("a").unwrap(), &Actor::new("ann"))?;
    /// let event = &state.events()[0];
    /// let digest = sha2::Sha256::digest(event.hash_input(GENESIS_HASH));
    /// let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    /// assert_eq!(event.hash, format!("sha256:{hex}"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hash_input(&self, previous: &str) -> Vec<u8> {
        let previous = match decode_hash(previous) {
            Some(raw) => Previous::Raw(raw),
            None => Previous::Damaged(previous),
        };
        let mut out = Vec::with_capacity(128);
        self.encode(previous, &mut out);
        out
    }

    /// The raw digest after a previous raw digest: what a state appending to its log
    /// uses, keeping the last digest instead of decoding the last event's hex.
    pub(crate) fn digest_after(&self, previous: &[u8; 32]) -> [u8; 32] {
        self.digest(Previous::Raw(*previous))
    }

    /// SHA-256 over the previous hash and a self-delimiting encoding of every field.
    fn digest(&self, previous: Previous<'_>) -> [u8; 32] {
        let mut buf = Stack::new();
        self.encode(previous, &mut buf);
        Sha256::digest(buf.bytes()).into()
    }

    /// Writes what the hash covers, compactly (fewer bytes hashed is fewer SHA-256
    /// blocks per transition, which is most of a transition's cost):
    ///
    /// - a format byte ([`ENCODING`]);
    /// - the previous hash as its 32 raw bytes (tag 0), or, if it is not a well-formed
    ///   `sha256:` hash (only in a damaged log), its text (tag 1, length-prefixed);
    /// - `seq` and `revision` as LEB128 varints; the time as 8 + 4 little-endian bytes;
    /// - actor and item, varint-length-prefixed; action, from and to as one stable code
    ///   byte each;
    /// - reason, value, evidence, role, approver: tag 0, or tag 1 and the prefixed bytes;
    /// - expiry (tag, then days from the common era as i32 LE) and cause (tag, varint).
    ///
    /// Every piece is fixed-size, tagged or length-prefixed, so the encoding is
    /// injective: two different events never encode the same.
    #[inline]
    fn encode(&self, previous: Previous<'_>, out: &mut impl Sink) {
        out.bytes(&[ENCODING]);
        match previous {
            Previous::Raw(raw) => {
                out.bytes(&[0]);
                out.bytes(&raw);
            }
            Previous::Damaged(text) => {
                out.bytes(&[1]);
                out.prefixed(text.as_bytes());
            }
        }
        out.varint(self.seq);
        out.varint(self.revision);
        out.bytes(&self.at.timestamp().to_le_bytes());
        out.bytes(&self.at.timestamp_subsec_nanos().to_le_bytes());
        out.prefixed(self.actor.as_bytes());
        out.prefixed(self.item.as_bytes());
        out.bytes(&[self.action.code(), self.from.code(), self.to.code()]);
        for field in [
            &self.reason,
            &self.value,
            &self.evidence,
            &self.role,
            &self.approver,
        ] {
            match field {
                Some(text) => {
                    out.bytes(&[1]);
                    out.prefixed(text.as_bytes());
                }
                None => out.bytes(&[0]),
            }
        }
        match self.expires {
            Some(d) => {
                out.bytes(&[1]);
                out.bytes(&chrono::Datelike::num_days_from_ce(&d).to_le_bytes());
            }
            None => out.bytes(&[0]),
        }
        match self.cause {
            Some(c) => {
                out.bytes(&[1]);
                out.varint(c);
            }
            None => out.bytes(&[0]),
        }
    }

    /// This event's digest after `previous`, if its stored `hash` is that digest
    /// (compared without building the hex string). `buf` is scratch space, reused
    /// across a whole log.
    fn verified_digest(&self, previous: &[u8; 32], buf: &mut Vec<u8>) -> Option<[u8; 32]> {
        buf.clear();
        self.encode(Previous::Raw(*previous), buf);
        let digest: [u8; 32] = Sha256::digest(&buf[..]).into();
        let hex = self.hash.as_bytes().strip_prefix(b"sha256:")?;
        let matches = hex.len() == 2 * digest.len()
            && hex
                .chunks_exact(2)
                .zip(digest)
                .all(|(pair, b)| pair == [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        matches.then_some(digest)
    }
}

/// The previous hash as hashed: its raw bytes, or (in a damaged log) its text.
#[derive(Clone, Copy)]
enum Previous<'a> {
    Raw([u8; 32]),
    Damaged(&'a str),
}

/// The version of [`Event::encode`]'s format, hashed first.
const ENCODING: u8 = 1;

/// The 32 bytes of a `sha256:<64 hex digits>` hash.
pub(crate) fn decode_hash(text: &str) -> Option<[u8; 32]> {
    let hex = text.as_bytes().strip_prefix(b"sha256:")?;
    if hex.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

/// Where [`Event::encode`] writes.
trait Sink {
    fn bytes(&mut self, bytes: &[u8]);

    /// An unsigned LEB128 varint.
    #[inline(always)]
    fn varint(&mut self, mut n: u64) {
        let mut buf = [0u8; 10];
        let mut len = 0;
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                buf[len] = byte;
                len += 1;
                break;
            }
            buf[len] = byte | 0x80;
            len += 1;
        }
        self.bytes(&buf[..len]);
    }

    /// Bytes preceded by their length as a varint.
    #[inline(always)]
    fn prefixed(&mut self, bytes: &[u8]) {
        self.varint(bytes.len() as u64);
        self.bytes(bytes);
    }
}

impl Sink for Vec<u8> {
    #[inline(always)]
    fn bytes(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A buffer on the stack for one event's encoding (every ordinary event fits), moving to
/// the heap for longer ones (long reasons or values).
struct Stack {
    stack: [u8; 256],
    len: usize,
    heap: Vec<u8>,
}

impl Stack {
    fn new() -> Self {
        Stack {
            stack: [0; 256],
            len: 0,
            heap: Vec::new(),
        }
    }

    fn bytes(&self) -> &[u8] {
        if self.heap.is_empty() {
            &self.stack[..self.len]
        } else {
            &self.heap
        }
    }
}

impl Sink for Stack {
    #[inline(always)]
    fn bytes(&mut self, bytes: &[u8]) {
        if self.heap.is_empty() {
            if let Some(to) = self.stack.get_mut(self.len..self.len + bytes.len()) {
                to.copy_from_slice(bytes);
                self.len += bytes.len();
                return;
            }
            self.heap.reserve(2 * (self.len + bytes.len()));
            self.heap.extend_from_slice(&self.stack[..self.len]);
        }
        self.heap.extend_from_slice(bytes);
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

pub(crate) fn hex_hash(digest: &[u8; 32]) -> String {
    let mut out = [0u8; 7 + 64];
    out[..7].copy_from_slice(b"sha256:");
    for (pair, &b) in out[7..].chunks_exact_mut(2).zip(digest) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 15)];
    }
    // Only ASCII was written, so this never falls back.
    std::str::from_utf8(&out)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// Why a log does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// An event's hash does not match its content and the previous hash.
    #[error(
        "event #{seq} (position {position}) does not match its hash: it or an earlier event was edited"
    )]
    HashMismatch {
        /// The event's `seq` as written.
        seq: u64,
        /// Its 1-based position in the log.
        position: usize,
    },
    /// Sequence numbers are not 1, 2, 3, ... in order.
    #[error(
        "event at position {position} has seq {seq}; expected {position}: events are missing, repeated or out of order"
    )]
    OutOfOrder {
        /// The `seq` as written.
        seq: u64,
        /// Its 1-based position.
        position: usize,
    },
    /// Revisions do not start at 1 and rise by at most 1 from one event to the next.
    #[error("event #{seq} has revision {revision}, which does not follow revision {previous}")]
    RevisionOutOfOrder {
        /// The event's `seq`.
        seq: u64,
        /// Its revision.
        revision: u64,
        /// The previous event's revision (0 before the first).
        previous: u64,
    },
    /// An event's timestamp is earlier than the one before it.
    #[error("event #{seq} is dated before the event before it")]
    TimeGoesBack {
        /// The event's `seq`.
        seq: u64,
    },
}

/// Verifies the hash chain and ordering of a whole log; names the first bad event.
///
/// ```
/// use checklist_core::{Spec, State, Actor};
/// let spec = Spec::parse("- [ ] a\n- [ ] b\n")?;
/// let mut state = State::new(&spec);
/// state.complete(spec.index_of("a").unwrap(), &Actor::new("ann"))?;
/// let mut events = state.events().to_vec();
/// assert!(checklist_core::verify_chain(&events).is_ok());
/// events[0].actor = "mallory".into();
/// assert!(checklist_core::verify_chain(&events).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_chain(events: &[Event]) -> Result<(), ChainError> {
    // Each event is checked against the digest just computed for the one before it
    // (which matched its stored hash), so no stored hash is ever decoded.
    let mut previous = [0u8; 32];
    let mut buf = Vec::with_capacity(1024);
    let mut last_at: Option<DateTime<Utc>> = None;
    for (i, e) in events.iter().enumerate() {
        let position = i + 1;
        if e.seq != position as u64 {
            return Err(ChainError::OutOfOrder {
                seq: e.seq,
                position,
            });
        }
        let Some(digest) = e.verified_digest(&previous, &mut buf) else {
            return Err(ChainError::HashMismatch {
                seq: e.seq,
                position,
            });
        };
        let previous_revision = if i == 0 { 0 } else { events[i - 1].revision };
        if e.revision != previous_revision && e.revision != previous_revision + 1
            || (i == 0 && e.revision != 1)
        {
            return Err(ChainError::RevisionOutOfOrder {
                seq: e.seq,
                revision: e.revision,
                previous: previous_revision,
            });
        }
        if last_at.is_some_and(|t| e.at < t) {
            return Err(ChainError::TimeGoesBack { seq: e.seq });
        }
        last_at = Some(e.at);
        previous = digest;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> Event {
        Event {
            seq: 1,
            revision: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
            actor: "ann".into(),
            item: "a".into(),
            action: Action::Complete,
            from: Status::Pending,
            to: Status::Done,
            reason: None,
            value: None,
            evidence: None,
            role: None,
            approver: None,
            expires: None,
            cause: None,
            hash: String::new(),
        }
    }

    #[test]
    fn hashes_decode_back_to_their_bytes() {
        let digest = [0xab; 32];
        assert_eq!(decode_hash(&hex_hash(&digest)), Some(digest));
        assert_eq!(decode_hash(GENESIS_HASH), Some([0; 32]));
        assert_eq!(decode_hash("sha256:xyz"), None);
        assert_eq!(decode_hash(&hex_hash(&digest).to_uppercase()), None);
    }

    #[test]
    fn varints_are_leb128() {
        let mut buf = Vec::new();
        for n in [0, 127, 128, 300, u64::MAX] {
            buf.clear();
            buf.varint(n);
            let mut decoded = 0u64;
            for (i, b) in buf.iter().enumerate() {
                decoded |= u64::from(b & 0x7f) << (7 * i);
            }
            assert_eq!(decoded, n);
            assert_eq!(buf.last().map(|b| b & 0x80), Some(0));
        }
    }

    #[test]
    fn the_encoding_keeps_fields_apart() {
        // Moving text from one field to the next must change the hash.
        let mut a = event();
        a.reason = Some("ab".into());
        a.value = Some("c".into());
        let mut b = event();
        b.reason = Some("a".into());
        b.value = Some("bc".into());
        let mut c = event();
        c.reason = Some("abc".into());
        let hashes = [&a, &b, &c].map(|e| e.compute_hash(GENESIS_HASH));
        assert_ne!(hashes[0], hashes[1]);
        assert_ne!(hashes[1], hashes[2]);
        assert_ne!(hashes[0], hashes[2]);
        let mut d = event();
        d.actor = "an".into();
        d.item = "na".into();
        assert_ne!(
            d.compute_hash(GENESIS_HASH),
            event().compute_hash(GENESIS_HASH)
        );
        // A damaged previous hash still hashes, differently from every well-formed one.
        assert_ne!(
            event().compute_hash("not a hash"),
            event().compute_hash(GENESIS_HASH)
        );
    }
}
