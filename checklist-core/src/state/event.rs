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
        hex_hash(&self.digest(previous))
    }

    /// SHA-256 over the previous hash and a length-prefixed encoding of every field.
    fn digest(&self, previous: &str) -> [u8; 32] {
        let mut buf = Stack::new();
        self.encode(previous, &mut buf);
        Sha256::digest(buf.bytes()).into()
    }

    /// Writes what the hash covers: the previous hash, then every field, each preceded by
    /// its length as a little-endian u64.
    ///
    /// The encoding is written into one buffer and hashed in one call: fed to SHA-256
    /// piece by piece (34 pieces, most of them 8 bytes) the bookkeeping cost about as much
    /// as the compression itself. Fixed-size pieces are written by `put_fixed`, which
    /// inlines to plain stores.
    #[inline]
    fn encode(&self, previous: &str, out: &mut impl Sink) {
        fn opt(s: &Option<String>) -> Option<&[u8]> {
            s.as_deref().map(str::as_bytes)
        }
        out.put(previous.as_bytes());
        out.put_fixed(self.seq.to_le_bytes());
        out.put_fixed(self.revision.to_le_bytes());
        out.put_fixed(self.at.timestamp().to_le_bytes());
        out.put_fixed(self.at.timestamp_subsec_nanos().to_le_bytes());
        out.put(self.actor.as_bytes());
        out.put(self.item.as_bytes());
        out.put(self.action.as_str().as_bytes());
        out.put(self.from.as_str().as_bytes());
        out.put(self.to.as_str().as_bytes());
        for field in [
            opt(&self.reason),
            opt(&self.value),
            opt(&self.evidence),
            opt(&self.role),
            opt(&self.approver),
        ] {
            match field {
                Some(b) => {
                    out.put_fixed(*b"1");
                    out.put(b);
                }
                None => out.put_fixed(*b"0"),
            }
        }
        match self.expires {
            Some(d) => out.put(d.format("%Y-%m-%d").to_string().as_bytes()),
            None => out.put(b""),
        }
        match self.cause {
            Some(c) => out.put_fixed(c.to_le_bytes()),
            None => out.put(b""),
        }
    }

    /// Whether `hash` (as stored) is this event's hash after `previous`, without
    /// building the hex string. `buf` is scratch space, reused across a whole log.
    fn hash_matches(&self, previous: &str, hash: &str, buf: &mut Vec<u8>) -> bool {
        buf.clear();
        self.encode(previous, buf);
        let digest: [u8; 32] = Sha256::digest(&buf[..]).into();
        let Some(hex) = hash.as_bytes().strip_prefix(b"sha256:") else {
            return false;
        };
        hex.len() == 2 * digest.len()
            && hex
                .chunks_exact(2)
                .zip(digest)
                .all(|(pair, b)| pair == [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
    }
}

/// Where [`Event::encode`] writes.
trait Sink {
    fn bytes(&mut self, bytes: &[u8]);

    /// A length-prefixed piece.
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }

    /// A length-prefixed piece of a size known at compile time.
    #[inline(always)]
    fn put_fixed<const N: usize>(&mut self, bytes: [u8; N]) {
        self.bytes(&(N as u64).to_le_bytes());
        self.bytes(&bytes);
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
    stack: [u8; 512],
    len: usize,
    heap: Vec<u8>,
}

impl Stack {
    fn new() -> Self {
        Stack {
            stack: [0; 512],
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

pub(crate) fn hex_hash(digest: &[u8]) -> String {
    let mut out = String::with_capacity(7 + digest.len() * 2);
    out.push_str("sha256:");
    for &b in digest {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
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
    let mut previous = GENESIS_HASH;
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
        if !e.hash_matches(previous, &e.hash, &mut buf) {
            return Err(ChainError::HashMismatch {
                seq: e.seq,
                position,
            });
        }
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
        previous = &e.hash;
    }
    Ok(())
}
