//! The audit log: one [`Event`] per change, with a [`Payload`] per action, hash-chained.
//!
//! Each event's `hash` is SHA-256 over the previous event's hash and a canonical,
//! length-prefixed encoding of the event's own fields. The encoding does not depend on
//! JSON formatting, so re-indenting a state file keeps the chain valid while changing any
//! field of any event breaks it from that event on.
//!
//! Events are built here and nowhere else: [`Payload::from_request`] turns a checked
//! request into what the log records, and [`Event::void`] and [`Event::reset`] are the
//! events the library writes on its own.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::evidence::Evidence;
use super::item_state::Waiver;
use super::rules::{Action, Status};
use super::shape::{self, Field, Ty, field};
use super::transition::{Actor, Refusal, Request};
use crate::spec::{FieldType, Item};
use crate::value::Value;

/// A SHA-256 digest in the log: `sha256:` and 64 lowercase hex digits in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// The hash the first event chains from: 32 zero bytes.
    pub const GENESIS: EventHash = EventHash([0; 32]);

    /// The raw bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The hash the first event chains from, as text.
pub const GENESIS_HASH: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

const HEX: &[u8; 16] = b"0123456789abcdef";

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [0u8; 7 + 64];
        out[..7].copy_from_slice(b"sha256:");
        for (pair, &b) in out[7..].chunks_exact_mut(2).zip(&self.0) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 15)];
        }
        // Only ASCII was written.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a text is not a `sha256:` digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a hash: expected `sha256:` and 64 lowercase hex digits")]
pub struct InvalidDigest(String);

impl FromStr for EventHash {
    type Err = InvalidDigest;

    fn from_str(text: &str) -> Result<Self, InvalidDigest> {
        let invalid = || InvalidDigest(text.chars().take(80).collect());
        let hex = text
            .as_bytes()
            .strip_prefix(b"sha256:")
            .ok_or_else(invalid)?;
        if hex.len() != 64 {
            return Err(invalid());
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
            *byte =
                nibble(pair[0]).ok_or_else(invalid)? << 4 | nibble(pair[1]).ok_or_else(invalid)?;
        }
        Ok(EventHash(out))
    }
}

impl Serialize for EventHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for EventHash {
    fn schema_name() -> Cow<'static, str> {
        "Hash".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^sha256:[0-9a-f]{64}$",
            "description": "SHA-256 over the previous event's hash and this event's canonical encoding."
        })
    }
}

/// What an event records beyond who, what and when: one variant per [`Action`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload {
    /// Task: pending → done.
    Complete {
        /// A note.
        note: Option<Arc<str>>,
        /// Evidence (a URL, a log line).
        evidence: Option<Arc<str>>,
    },
    /// Task: → not applicable.
    Skip {
        /// Why it does not apply.
        reason: Option<Arc<str>>,
        /// The waiver, for a required task.
        waiver: Option<Waiver>,
    },
    /// Task: pending → blocked.
    Block {
        /// What blocks it.
        reason: Arc<str>,
    },
    /// Task: blocked → pending.
    Unblock,
    /// Task: done or not applicable → pending.
    Reopen {
        /// Why.
        reason: Arc<str>,
    },
    /// Field: → filled.
    Fill {
        /// The value in its canonical text form.
        value: Arc<str>,
    },
    /// Field: filled → empty.
    Clear,
    /// Sign-off: → approved.
    Approve {
        /// The role signed as.
        role: Arc<str>,
        /// An optional comment.
        comment: Option<Arc<str>>,
    },
    /// Sign-off: → rejected.
    Reject {
        /// The role refused as.
        role: Arc<str>,
        /// Why.
        comment: Arc<str>,
    },
    /// Sign-off: → unsigned, by a person.
    Revoke {
        /// Why.
        reason: Option<Arc<str>>,
    },
    /// Sign-off: approved → unsigned, because an item it covers changed.
    Void {
        /// The covered item whose change voided the approval.
        because: Arc<str>,
        /// The event that changed it (none when the checklist itself changed it).
        cause: Option<u64>,
        /// The explanation recorded in the log.
        reason: Arc<str>,
    },
    /// Back to the initial state, because the checklist changed the item's kind or type.
    Reset {
        /// The explanation recorded in the log.
        reason: Arc<str>,
    },
    /// The item's id changed: the events recorded under `from` before this one are its
    /// history.
    Rename {
        /// The id it had.
        from: Arc<str>,
    },
    /// Task with a check: a run of it → done when it passed, else failed.
    Verify {
        /// The run's evidence (hashed as the event's extension tag 3).
        run: Arc<Evidence>,
    },
}

impl Payload {
    /// The action it records.
    pub fn action(&self) -> Action {
        match self {
            Payload::Complete { .. } => Action::Complete,
            Payload::Skip { .. } => Action::Skip,
            Payload::Block { .. } => Action::Block,
            Payload::Unblock => Action::Unblock,
            Payload::Reopen { .. } => Action::Reopen,
            Payload::Fill { .. } => Action::Fill,
            Payload::Clear => Action::Clear,
            Payload::Approve { .. } => Action::Approve,
            Payload::Reject { .. } => Action::Reject,
            Payload::Revoke { .. } => Action::Revoke,
            Payload::Void { .. } => Action::Void,
            Payload::Reset { .. } => Action::Reset,
            Payload::Rename { .. } => Action::Rename,
            Payload::Verify { .. } => Action::Verify,
        }
    }

    /// The person's words: a note, reason or comment.
    pub fn words(&self) -> Option<&str> {
        match self {
            Payload::Complete { note, .. } => note.as_deref(),
            Payload::Skip { reason, .. } | Payload::Revoke { reason } => reason.as_deref(),
            Payload::Block { reason }
            | Payload::Reopen { reason }
            | Payload::Void { reason, .. }
            | Payload::Reset { reason } => Some(reason),
            Payload::Approve { comment, .. } => comment.as_deref(),
            Payload::Reject { comment, .. } => Some(comment),
            Payload::Unblock
            | Payload::Fill { .. }
            | Payload::Clear
            | Payload::Rename { .. }
            | Payload::Verify { .. } => None,
        }
    }

    /// The fields of the payload as the hashed encoding and format-1 documents hold
    /// them: one flat row whose meaning depends on the action. The action together with
    /// the row gives the payload back ([`Payload::from_row`]), so hashing the row is
    /// hashing the payload.
    pub(crate) fn row(&self) -> Row<'_> {
        let mut r = Row::default();
        match self {
            Payload::Complete { note, evidence } => {
                r.reason = note.as_deref();
                r.evidence = evidence.as_deref();
            }
            Payload::Skip { reason, waiver } => {
                r.reason = reason.as_deref();
                if let Some(w) = waiver {
                    r.approver = Some(&w.approver);
                    r.expires = w.expires;
                }
            }
            Payload::Block { reason } | Payload::Reopen { reason } | Payload::Reset { reason } => {
                r.reason = Some(reason)
            }
            Payload::Revoke { reason } => r.reason = reason.as_deref(),
            Payload::Fill { value } => r.value = Some(value),
            Payload::Approve { role, comment } => {
                r.role = Some(role);
                r.reason = comment.as_deref();
            }
            Payload::Reject { role, comment } => {
                r.role = Some(role);
                r.reason = Some(comment);
            }
            Payload::Void {
                because,
                cause,
                reason,
            } => {
                r.reason = Some(reason);
                r.value = Some(because);
                r.cause = *cause;
            }
            Payload::Rename { from } => r.value = Some(from),
            // The evidence is an extension (tag 3), not part of the row.
            Payload::Unblock | Payload::Clear | Payload::Verify { .. } => {}
        }
        r
    }

    /// The payload of `action` from a flat row, as format-1 documents store events.
    /// Refuses a row with fields the action does not record, or without those it must.
    pub(crate) fn from_row(action: Action, r: &Row<'_>) -> Result<Payload, String> {
        let text = |t: Option<&str>| t.map(Arc::<str>::from);
        let mut used: Vec<&'static str> = Vec::new();
        let mut need = |name: &'static str, t: Option<&str>| -> Result<Arc<str>, String> {
            used.push(name);
            t.map(Arc::from)
                .ok_or_else(|| format!("a `{action}` event needs `{name}`"))
        };
        let payload = match action {
            Action::Complete => Payload::Complete {
                note: text(r.reason),
                evidence: text(r.evidence),
            },
            Action::Skip => Payload::Skip {
                reason: text(r.reason),
                waiver: r.approver.map(|approver| Waiver {
                    approver: approver.into(),
                    expires: r.expires,
                }),
            },
            Action::Block => Payload::Block {
                reason: need("reason", r.reason)?,
            },
            Action::Unblock => Payload::Unblock,
            Action::Reopen => Payload::Reopen {
                reason: need("reason", r.reason)?,
            },
            Action::Fill => Payload::Fill {
                value: need("value", r.value)?,
            },
            Action::Clear => Payload::Clear,
            Action::Approve => Payload::Approve {
                role: need("role", r.role)?,
                comment: text(r.reason),
            },
            Action::Reject => Payload::Reject {
                role: need("role", r.role)?,
                comment: need("reason", r.reason)?,
            },
            Action::Revoke => Payload::Revoke {
                reason: text(r.reason),
            },
            Action::Void => Payload::Void {
                because: need("value", r.value)?,
                cause: r.cause,
                reason: need("reason", r.reason)?,
            },
            Action::Reset => Payload::Reset {
                reason: need("reason", r.reason)?,
            },
            Action::Rename => Payload::Rename {
                from: need("value", r.value)?,
            },
            Action::Verify => {
                return Err("a `verify` event holds evidence, which format 1 cannot".into());
            }
        };
        // Whatever the payload does not hold would be lost (and the hash would not
        // verify): name it.
        let back = payload.row();
        for (name, given, kept) in [
            ("reason", r.reason.is_some(), back.reason.is_some()),
            ("value", r.value.is_some(), back.value.is_some()),
            ("evidence", r.evidence.is_some(), back.evidence.is_some()),
            ("role", r.role.is_some(), back.role.is_some()),
            ("approver", r.approver.is_some(), back.approver.is_some()),
            ("expires", r.expires.is_some(), back.expires.is_some()),
            ("cause", r.cause.is_some(), back.cause.is_some()),
        ] {
            if given && !kept {
                return Err(format!("a `{action}` event has no `{name}`"));
            }
        }
        Ok(payload)
    }
}

impl Payload {
    /// What a request records, checked: reasons where they are required, the waiver's
    /// approver and expiry, the value against the field's type. `today` judges the
    /// waiver's expiry.
    pub(crate) fn from_request(
        request: &Request<'_>,
        item: &Item,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Payload, Refusal> {
        let given = |s: &str| -> Option<Arc<str>> { (!s.trim().is_empty()).then(|| s.into()) };
        let required = |s: &str| given(s).ok_or(Refusal::ReasonRequired);
        Ok(match request {
            Request::Complete { note, evidence } => Payload::Complete {
                note: note.map(Arc::from),
                evidence: evidence.map(Arc::from),
            },
            Request::Skip { reason, waiver } => {
                let reason = reason.and_then(given);
                if !item.is_optional() {
                    if reason.is_none() {
                        return Err(Refusal::ReasonRequired);
                    }
                    if waiver.is_none_or(|w| w.approver.trim().is_empty()) {
                        return Err(Refusal::WaiverRequired);
                    }
                }
                let waiver = match waiver {
                    None => None,
                    Some(w) => {
                        // Compared and recorded trimmed: padding must not let an actor
                        // approve their own waiver, and a waiver always names someone.
                        let approver = w.approver.trim();
                        if approver.is_empty() {
                            return Err(Refusal::WaiverRequired);
                        }
                        let approver = &*crate::principal::normalize(approver).map_err(|e| {
                            Refusal::InvalidPrincipal {
                                problem: format!("the waiver's approver: {e}"),
                                help: e.help(),
                            }
                        })?;
                        if crate::principal::same_person(approver, actor.name()) {
                            return Err(Refusal::SelfApprovedWaiver {
                                actor: actor.name().to_string(),
                            });
                        }
                        if let Some(expires) = w.expires
                            && expires <= today
                        {
                            return Err(Refusal::WaiverAlreadyExpired { expires, today });
                        }
                        Some(Waiver {
                            approver: approver.into(),
                            expires: w.expires,
                        })
                    }
                };
                Payload::Skip { reason, waiver }
            }
            Request::Block { reason } => Payload::Block {
                reason: required(reason)?,
            },
            Request::Unblock => Payload::Unblock,
            Request::Reopen { reason } => Payload::Reopen {
                reason: required(reason)?,
            },
            Request::Fill { value } => {
                // Only fields get here (the kind was checked first); text is the fallback.
                let ty = item.field_type().unwrap_or(&FieldType::Text);
                let value = Value::parse(ty, value).map_err(Refusal::InvalidValue)?;
                Payload::Fill {
                    value: value.to_string().into(),
                }
            }
            Request::FillValue { value } => {
                let ty = item.field_type().unwrap_or(&FieldType::Text);
                let value = value.clone().check(ty).map_err(Refusal::InvalidValue)?;
                Payload::Fill {
                    value: value.to_string().into(),
                }
            }
            Request::Clear => Payload::Clear,
            Request::Approve { comment } => Payload::Approve {
                role: item.role().unwrap_or_default().into(),
                comment: comment.map(Arc::from),
            },
            Request::Reject { comment } => Payload::Reject {
                role: item.role().unwrap_or_default().into(),
                comment: required(comment)?,
            },
            Request::Revoke { reason } => Payload::Revoke {
                reason: reason.map(Arc::from),
            },
            Request::Verify { run } => Payload::Verify {
                run: Arc::new((*run).clone()),
            },
        })
    }
}

/// A payload as a flat row (see [`Payload::row`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Row<'a> {
    pub(crate) reason: Option<&'a str>,
    pub(crate) value: Option<&'a str>,
    pub(crate) evidence: Option<&'a str>,
    pub(crate) role: Option<&'a str>,
    pub(crate) approver: Option<&'a str>,
    pub(crate) expires: Option<NaiveDate>,
    pub(crate) cause: Option<u64>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// 1-based position in the log.
    pub seq: u64,
    /// The state revision this event belongs to: one transition (with the events it
    /// cascades into) is one revision.
    pub revision: u64,
    /// When (UTC, from the state's clock).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Arc<str>,
    /// The item's id.
    pub item: Arc<str>,
    /// Status before.
    pub from: Status,
    /// Status after.
    pub to: Status,
    /// What was done, with what it records.
    pub payload: Payload,
    /// For an approval: the digest of what it covered (the covered items' ids, kinds
    /// and texts; see [`crate::trust::coverage_digest`]). A checklist edit that changes
    /// it voids the approval.
    pub covered: Option<EventHash>,
    /// The SSH signature of a signed event (see [`crate::trust`]).
    pub signature: Option<Arc<crate::trust::EventSignature>>,
    /// SHA-256 of the previous hash and this event's fields.
    pub hash: EventHash,
}

impl Event {
    /// What was done.
    pub fn action(&self) -> Action {
        self.payload.action()
    }

    /// A `void` event: the approval of `signoff` goes, because `because` changed (by the
    /// event `cause`, or by the checklist itself when `None`).
    pub(crate) fn void(
        actor: Arc<str>,
        signoff: Arc<str>,
        because: Arc<str>,
        cause: Option<u64>,
        reason: Arc<str>,
    ) -> Draft {
        Draft {
            actor,
            item: signoff,
            from: Status::Approved,
            to: Status::Unsigned,
            payload: Payload::Void {
                because,
                cause,
                reason,
            },
            covered: None,
            signature: None,
        }
    }

    /// A `reset` event: the checklist changed the item's kind or type.
    pub(crate) fn reset(item: Arc<str>, from: Status, to: Status) -> Draft {
        Draft {
            actor: Arc::from(LIBRARY_ACTOR),
            item,
            from,
            to,
            payload: Payload::Reset {
                reason: "the checklist changed this item's kind or type".into(),
            },
            covered: None,
            signature: None,
        }
    }

    /// Every text the event holds, for size checks.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let r = self.payload.row();
        let run = match &self.payload {
            Payload::Verify { run } => [Some(&*run.command), Some(&*run.output_tail)],
            _ => [None, None],
        };
        [
            Some(&*self.actor),
            Some(&*self.item),
            r.reason,
            r.value,
            r.evidence,
            r.role,
            r.approver,
        ]
        .into_iter()
        .chain(run)
        .flatten()
    }

    /// Computes this event's hash from the previous one's (its own `hash` is ignored).
    pub fn compute_hash(&self, previous: &EventHash) -> EventHash {
        EventHash(self.digest_after(&previous.0))
    }

    /// The exact bytes this event's hash covers after `previous` (see the encoding on
    /// [`Event::hash`]): for tools that verify a log on their own, and for measuring
    /// what hashing costs.
    ///
    /// ```
    /// use checklist_core::{Actor, Spec, State, state::EventHash};
    /// use sha2::Digest;
    /// let spec = Spec::parse("- [ ] a\n")?;
    /// let mut state = State::new(spec);
    /// let a = state.spec().index_of("a").unwrap();
    /// state.complete(a, &Actor::new("ann"))?;
    /// let event = &state.events()[0];
    /// let digest: [u8; 32] = sha2::Sha256::digest(event.hash_input(&EventHash::GENESIS)).into();
    /// assert_eq!(event.hash, EventHash(digest));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hash_input(&self, previous: &EventHash) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        self.encode(&previous.0, &mut out);
        out
    }

    /// The raw digest after a previous raw digest.
    pub(crate) fn digest_after(&self, previous: &[u8; 32]) -> [u8; 32] {
        let mut buf = Stack::new();
        self.encode(previous, &mut buf);
        buf.sha256()
    }

    /// Writes what the hash covers, compactly (fewer bytes hashed is fewer SHA-256
    /// blocks per transition, which is most of a transition's cost):
    ///
    /// - a format byte ([`ENCODING`]) and a tag byte 0;
    /// - the previous hash as its 32 raw bytes;
    /// - `seq` and `revision` as LEB128 varints; the time as 8 + 4 little-endian bytes;
    /// - actor and item, varint-length-prefixed; action, from and to as one stable code
    ///   byte each;
    /// - the payload as its flat row ([`Payload::row`]): reason, value, evidence, role,
    ///   approver, each tag 0, or tag 1 and the prefixed bytes; then the expiry (tag,
    ///   then days from the common era as i32 LE) and the cause (tag, varint).
    ///
    /// Every piece is fixed-size, tagged or length-prefixed, and the action with the row
    /// gives the payload back, so the encoding is injective: two different events never
    /// encode the same. It is the encoding format-1 documents were hashed with, so their
    /// hashes stay valid in later formats.
    ///
    /// An event that carries more than the row holds (see [`Event::extensions`]) is
    /// encoded the same way with format byte 2, followed by each extension as its tag
    /// byte and its varint-length-prefixed bytes, in tag order: events without
    /// extensions keep format 1, and the format byte keeps the two apart.
    #[inline]
    fn encode(&self, previous: &[u8; 32], out: &mut impl Sink) {
        self.encode_except(previous, out, None);
    }

    /// The message a signed event's signature covers (see [`crate::trust`]): the text
    /// `checklist signed event v1\n`, the checklist id and the spec digest the signer
    /// saw (each varint-length-prefixed), then this event's hash input after `previous`
    /// without its signature: the previous event's hash, seq, revision, time, actor,
    /// item, action, statuses, the payload's row (comment or reason, role, waiver
    /// approver and expiry) and every extension but the signature (what an approval
    /// covered).
    pub fn signed_message(
        &self,
        checklist: &str,
        spec_digest: &str,
        previous: &EventHash,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.bytes(b"checklist signed event v1\n");
        out.prefixed(checklist.as_bytes());
        out.prefixed(spec_digest.as_bytes());
        self.encode_except(&previous.0, &mut out, Some(SIGNATURE_TAG));
        out
    }

    /// [`Event::encode`] without the extension tagged `left_out`.
    #[inline]
    fn encode_except(&self, previous: &[u8; 32], out: &mut impl Sink, left_out: Option<u8>) {
        let mut extended = false;
        self.extensions(&mut |tag, _| extended |= Some(tag) != left_out);
        out.bytes(&[
            if extended {
                ENCODING_EXTENDED
            } else {
                ENCODING
            },
            0,
        ]);
        out.bytes(previous);
        out.varint(self.seq);
        out.varint(self.revision);
        out.bytes(&self.at.timestamp().to_le_bytes());
        out.bytes(&self.at.timestamp_subsec_nanos().to_le_bytes());
        out.prefixed(self.actor.as_bytes());
        out.prefixed(self.item.as_bytes());
        out.bytes(&[self.action().code(), self.from.code(), self.to.code()]);
        let row = self.payload.row();
        for text in [row.reason, row.value, row.evidence, row.role, row.approver] {
            match text {
                Some(text) => {
                    out.bytes(&[1]);
                    out.prefixed(text.as_bytes());
                }
                None => out.bytes(&[0]),
            }
        }
        match row.expires {
            Some(d) => {
                out.bytes(&[1]);
                out.bytes(&chrono::Datelike::num_days_from_ce(&d).to_le_bytes());
            }
            None => out.bytes(&[0]),
        }
        match row.cause {
            Some(c) => {
                out.bytes(&[1]);
                out.varint(c);
            }
            None => out.bytes(&[0]),
        }
        if extended {
            self.extensions(&mut |tag, bytes| {
                if Some(tag) != left_out {
                    out.bytes(&[tag]);
                    out.prefixed(bytes);
                }
            });
        }
    }

    /// What the event holds beyond its flat row, each as `(tag, bytes)`, in increasing
    /// tag order; what the hash covers after the row (see [`Event::encode`]). Tags are
    /// assigned once and never reused:
    ///
    /// | tag | what |
    /// |---|---|
    /// | 1 | what an approval covered: the 32 bytes of [`Event::covered`] |
    /// | 2 | the signature of a signed event: the signed spec digest, varint-length-prefixed, then the SSHSIG blob |
    /// | 3 | the evidence of a check's run (`Evidence`'s encoding) |
    fn extensions(&self, each: &mut dyn FnMut(u8, &[u8])) {
        if let Some(covered) = &self.covered {
            each(1, &covered.0);
        }
        if let Some(signature) = &self.signature {
            each(SIGNATURE_TAG, &signature.encoded());
        }
        if let Payload::Verify { run } = &self.payload {
            each(3, &run.encode());
        }
    }

    /// This event's digest after `previous`, if its stored `hash` is that digest. `buf`
    /// is scratch space, reused across a whole log.
    fn verified_digest(&self, previous: &[u8; 32], buf: &mut Vec<u8>) -> Option<[u8; 32]> {
        buf.clear();
        self.encode(previous, buf);
        let digest: [u8; 32] = Sha256::digest(&buf[..]).into();
        (digest == self.hash.0).then_some(digest)
    }
}

/// Who the library's own events (`reset` on a changed checklist) are recorded as.
pub(crate) const LIBRARY_ACTOR: &str = "checklist";

/// An event before it has a place in the log: who, which item, from and to, what.
/// [`State`](super::State) gives it its `seq`, revision, time and hash when it appends
/// it.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub(crate) actor: Arc<str>,
    pub(crate) item: Arc<str>,
    pub(crate) from: Status,
    pub(crate) to: Status,
    pub(crate) payload: Payload,
    pub(crate) covered: Option<EventHash>,
    pub(crate) signature: Option<Arc<crate::trust::EventSignature>>,
}

/// The extension tag of a signed event's signature (see [`Event::extensions`]).
const SIGNATURE_TAG: u8 = 2;

/// The version of [`Event::encode`]'s format, hashed first.
const ENCODING: u8 = 1;

/// The same format, followed by the event's extensions.
const ENCODING_EXTENDED: u8 = 2;

/// Where [`Event::encode`] writes; also the canonical bytes of the extensions (evidence,
/// signatures), so that every hashed varint and prefix is written by the same code.
pub(crate) trait Sink {
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
    stack: [u8; STACK],
    len: usize,
    heap: Vec<u8>,
}

/// Four SHA-256 blocks: an event of up to 247 encoded bytes is hashed in place.
const STACK: usize = 256;

/// SHA-256's initial hash value.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

impl Stack {
    fn new() -> Self {
        Stack {
            stack: [0; STACK],
            len: 0,
            heap: Vec::new(),
        }
    }

    /// SHA-256 of what was written. An encoding that fits is padded in the buffer itself
    /// and compressed block by block: a transition's hash is most of its cost, and the
    /// streaming hasher's buffering is a fifth of that for a message this short. The
    /// digest is the same as `Sha256::digest` (a unit test checks it).
    fn sha256(mut self) -> [u8; 32] {
        let len = self.len;
        let blocks = (len + 9).div_ceil(64);
        if !self.heap.is_empty() || blocks * 64 > STACK {
            return Sha256::digest(self.bytes()).into();
        }
        // The buffer past `len` is still zero.
        self.stack[len] = 0x80;
        let end = blocks * 64;
        self.stack[end - 8..end].copy_from_slice(&((len as u64) * 8).to_be_bytes());
        let mut state = H0;
        let (chunks, _) = self.stack[..end].as_chunks::<64>();
        sha2::block_api::compress256(&mut state, chunks);
        let mut out = [0u8; 32];
        for (word, bytes) in state.iter().zip(out.chunks_exact_mut(4)) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        out
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

// ---------------------------------------------------------------------------------------
// JSON (format 2): `{"seq", "revision", "at", "actor", "item", "action", "from", "to",
// <the payload's fields>, "hash"}`.

/// The payload fields of each action, in the order they are written.
pub(crate) fn payload_fields(action: Action) -> &'static [Field] {
    const REASON: Field = field("reason", Ty::Text, true);
    const ROLE: Field = field("role", Ty::Text, true);
    const SIGNATURE: Field = field("signature", Ty::Signature, false);
    match action {
        Action::Complete => {
            const {
                &[
                    field("note", Ty::Text, false),
                    field("evidence", Ty::Text, false),
                ]
            }
        }
        Action::Skip => {
            const {
                &[
                    field("reason", Ty::Text, false),
                    field("waiver", Ty::Waiver, false),
                    SIGNATURE,
                ]
            }
        }
        Action::Block | Action::Reopen | Action::Reset => &[REASON],
        Action::Unblock | Action::Clear => &[],
        Action::Fill => const { &[field("value", Ty::Text, true)] },
        Action::Approve => {
            const {
                &[
                    ROLE,
                    field("comment", Ty::Text, false),
                    field("covered", Ty::Hash, false),
                    SIGNATURE,
                ]
            }
        }
        Action::Reject => const { &[ROLE, field("comment", Ty::Text, true), SIGNATURE] },
        Action::Revoke => const { &[field("reason", Ty::Text, false), SIGNATURE] },
        Action::Void => {
            const {
                &[
                    field("because", Ty::Text, true),
                    field("cause", Ty::Seq, false),
                    REASON,
                ]
            }
        }
        Action::Rename => const { &[field("renamed_from", Ty::Text, true)] },
        Action::Verify => const { &[field("run", Ty::Evidence, true)] },
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("seq", &self.seq)?;
        m.serialize_entry("revision", &self.revision)?;
        m.serialize_entry("at", &self.at)?;
        m.serialize_entry("actor", &*self.actor)?;
        m.serialize_entry("item", &*self.item)?;
        m.serialize_entry("action", &self.action())?;
        m.serialize_entry("from", &self.from)?;
        m.serialize_entry("to", &self.to)?;
        match &self.payload {
            Payload::Complete { note, evidence } => {
                shape::put(&mut m, "note", note.as_deref())?;
                shape::put(&mut m, "evidence", evidence.as_deref())?;
            }
            Payload::Skip { reason, waiver } => {
                shape::put(&mut m, "reason", reason.as_deref())?;
                shape::put(&mut m, "waiver", waiver.as_ref())?;
            }
            Payload::Block { reason } | Payload::Reopen { reason } | Payload::Reset { reason } => {
                m.serialize_entry("reason", &**reason)?
            }
            Payload::Unblock | Payload::Clear => {}
            Payload::Fill { value } => m.serialize_entry("value", &**value)?,
            Payload::Approve { role, comment } => {
                m.serialize_entry("role", &**role)?;
                shape::put(&mut m, "comment", comment.as_deref())?;
            }
            Payload::Reject { role, comment } => {
                m.serialize_entry("role", &**role)?;
                m.serialize_entry("comment", &**comment)?;
            }
            Payload::Revoke { reason } => shape::put(&mut m, "reason", reason.as_deref())?,
            Payload::Void {
                because,
                cause,
                reason,
            } => {
                m.serialize_entry("because", &**because)?;
                shape::put(&mut m, "cause", cause.as_ref())?;
                m.serialize_entry("reason", &**reason)?;
            }
            Payload::Rename { from } => m.serialize_entry("renamed_from", &**from)?,
            Payload::Verify { run } => m.serialize_entry("run", &**run)?,
        }
        shape::put(&mut m, "covered", self.covered.as_ref())?;
        shape::put(&mut m, "signature", self.signature.as_deref())?;
        m.serialize_entry("hash", &self.hash)?;
        m.end()
    }
}

/// An event as read: every payload field optional, checked against the action by
/// `payload_fields`. Strings are borrowed from the input where they can be.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent<'a> {
    seq: u64,
    revision: u64,
    at: DateTime<Utc>,
    #[serde(borrow)]
    actor: Cow<'a, str>,
    #[serde(borrow)]
    item: Cow<'a, str>,
    action: Action,
    from: Status,
    to: Status,
    #[serde(borrow, default)]
    note: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    evidence: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
    #[serde(default)]
    waiver: Option<Waiver>,
    #[serde(borrow, default)]
    value: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    comment: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    because: Option<Cow<'a, str>>,
    #[serde(default)]
    cause: Option<u64>,
    #[serde(borrow, default)]
    renamed_from: Option<Cow<'a, str>>,
    #[serde(default)]
    covered: Option<EventHash>,
    /// Read as it is, and as a signature only once the action is known to have one.
    #[serde(default)]
    signature: Option<serde_json::Value>,
    run: Option<Evidence>,
    hash: EventHash,
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawEvent::deserialize(d)?;
        let action = raw.action;
        let present = [
            ("note", raw.note.is_some()),
            ("evidence", raw.evidence.is_some()),
            ("reason", raw.reason.is_some()),
            ("waiver", raw.waiver.is_some()),
            ("value", raw.value.is_some()),
            ("role", raw.role.is_some()),
            ("comment", raw.comment.is_some()),
            ("because", raw.because.is_some()),
            ("cause", raw.cause.is_some()),
            ("renamed_from", raw.renamed_from.is_some()),
            ("covered", raw.covered.is_some()),
            ("signature", raw.signature.is_some()),
            ("run", raw.run.is_some()),
        ];
        shape::check(
            format_args!("a `{action}` event"),
            payload_fields(action),
            &present,
        )
        .map_err(serde::de::Error::custom)?;
        let text = |t: &Option<Cow<'_, str>>| t.as_deref().map(Arc::<str>::from);
        // Required fields were checked present above.
        let need = |t: &Option<Cow<'_, str>>| Arc::<str>::from(t.as_deref().unwrap_or_default());
        let payload = match action {
            Action::Complete => Payload::Complete {
                note: text(&raw.note),
                evidence: text(&raw.evidence),
            },
            Action::Skip => Payload::Skip {
                reason: text(&raw.reason),
                waiver: raw.waiver,
            },
            Action::Block => Payload::Block {
                reason: need(&raw.reason),
            },
            Action::Unblock => Payload::Unblock,
            Action::Reopen => Payload::Reopen {
                reason: need(&raw.reason),
            },
            Action::Fill => Payload::Fill {
                value: need(&raw.value),
            },
            Action::Clear => Payload::Clear,
            Action::Approve => Payload::Approve {
                role: need(&raw.role),
                comment: text(&raw.comment),
            },
            Action::Reject => Payload::Reject {
                role: need(&raw.role),
                comment: need(&raw.comment),
            },
            Action::Revoke => Payload::Revoke {
                reason: text(&raw.reason),
            },
            Action::Void => Payload::Void {
                because: need(&raw.because),
                cause: raw.cause,
                reason: need(&raw.reason),
            },
            Action::Reset => Payload::Reset {
                reason: need(&raw.reason),
            },
            Action::Rename => Payload::Rename {
                from: need(&raw.renamed_from),
            },
            Action::Verify => Payload::Verify {
                run: Arc::new(
                    raw.run
                        .ok_or_else(|| serde::de::Error::custom("missing field `run`"))?,
                ),
            },
        };
        let signature = match raw.signature {
            None => None,
            Some(value) => Some(Arc::new(
                crate::trust::EventSignature::deserialize(value)
                    .map_err(|e| serde::de::Error::custom(format!("`signature`: {e}")))?,
            )),
        };
        Ok(Event {
            seq: raw.seq,
            revision: raw.revision,
            at: raw.at,
            actor: intern(&raw.actor),
            item: Arc::from(&*raw.item),
            from: raw.from,
            to: raw.to,
            payload,
            covered: raw.covered,
            signature,
            hash: raw.hash,
        })
    }
}

/// The same `Arc` for the same actor within one thread's recent reads: a log names a
/// handful of people thousands of times, and each would otherwise be its own copy.
fn intern(name: &str) -> Arc<str> {
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<Arc<str>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some(found) = recent.iter().find(|a| ***a == *name) {
            return found.clone();
        }
        let arc: Arc<str> = Arc::from(name);
        if recent.len() >= 8 {
            recent.remove(0);
        }
        recent.push(arc.clone());
        arc
    })
}

impl JsonSchema for Event {
    fn schema_name() -> Cow<'static, str> {
        "Event".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        use serde_json::json;
        let status = generator.subschema_for::<Status>().to_value();
        let hash = generator.subschema_for::<EventHash>().to_value();
        let common = [
            (
                "seq",
                json!({ "type": "integer", "format": "uint64", "minimum": 1, "description": "1-based position in the log." }),
            ),
            (
                "revision",
                json!({ "type": "integer", "format": "uint64", "minimum": 1, "description": "The state revision this event belongs to." }),
            ),
            (
                "at",
                json!({ "type": "string", "format": "date-time", "description": "When (UTC)." }),
            ),
            ("actor", json!({ "type": "string", "description": "Who." })),
            (
                "item",
                json!({ "type": "string", "description": "The item's id." }),
            ),
            ("from", status.clone()),
            ("to", status),
            ("hash", hash),
        ];
        let one_of: Vec<serde_json::Value> = super::rules::ACTIONS
            .iter()
            .map(|r| {
                shape::object_schema(
                    "action",
                    r.name,
                    &common,
                    payload_fields(r.action),
                    generator,
                )
            })
            .collect();
        schemars::Schema::try_from(json!({
            "description": "One entry of the audit log: who did what to which item, when, with what the action records.",
            "oneOf": one_of,
        }))
        .unwrap_or_default()
    }
}

/// Why a log does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// A signed event's signature does not match it (see [`crate::trust`]).
    #[error("event #{seq}: {problem}")]
    Signature {
        /// The event's `seq`.
        seq: u64,
        /// What does not match.
        problem: String,
    },
}

/// Verifies the hash chain and ordering of a whole log; names the first bad event.
///
/// ```
/// use checklist_core::{Spec, State, Actor};
/// let spec = Spec::parse("- [ ] a\n- [ ] b\n")?;
/// let mut state = State::new(spec);
/// let a = state.spec().index_of("a").unwrap();
/// state.complete(a, &Actor::new("ann"))?;
/// let mut events = state.events().to_vec();
/// assert!(checklist_core::verify_chain(&events).is_ok());
/// events[0].actor = "mallory".into();
/// assert!(checklist_core::verify_chain(&events).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_chain(events: &[Event]) -> Result<(), ChainError> {
    // Each event is checked against the digest just computed for the one before it
    // (which matched its stored hash).
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

    fn event(payload: Payload) -> Event {
        Event {
            seq: 1,
            revision: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
            actor: "ann".into(),
            item: "a".into(),
            from: Status::Pending,
            to: Status::Done,
            payload,
            covered: None,
            signature: None,
            hash: EventHash::GENESIS,
        }
    }

    fn every_payload() -> Vec<Payload> {
        let t = |s: &str| -> Arc<str> { s.into() };
        vec![
            Payload::Complete {
                note: Some(t("n")),
                evidence: Some(t("e")),
            },
            Payload::Complete {
                note: None,
                evidence: None,
            },
            Payload::Skip {
                reason: Some(t("r")),
                waiver: Some(Waiver {
                    approver: t("b"),
                    expires: NaiveDate::from_ymd_opt(2026, 12, 31),
                }),
            },
            Payload::Skip {
                reason: None,
                waiver: None,
            },
            Payload::Block { reason: t("r") },
            Payload::Unblock,
            Payload::Reopen { reason: t("r") },
            Payload::Fill { value: t("v") },
            Payload::Clear,
            Payload::Approve {
                role: t("r"),
                comment: Some(t("c")),
            },
            Payload::Reject {
                role: t("r"),
                comment: t("c"),
            },
            Payload::Revoke { reason: None },
            Payload::Void {
                because: t("x"),
                cause: Some(3),
                reason: t("r"),
            },
            Payload::Void {
                because: t("x"),
                cause: None,
                reason: t("r"),
            },
            Payload::Reset { reason: t("r") },
            Payload::Rename { from: t("old") },
            Payload::Verify {
                run: Arc::new(crate::state::evidence::tests::sample(false)),
            },
        ]
    }

    #[test]
    fn hashes_read_back_to_their_bytes() {
        let digest = EventHash([0xab; 32]);
        assert_eq!(digest.to_string().parse::<EventHash>(), Ok(digest));
        assert_eq!(GENESIS_HASH.parse::<EventHash>(), Ok(EventHash::GENESIS));
        assert!("sha256:xyz".parse::<EventHash>().is_err());
        assert!(
            digest
                .to_string()
                .to_uppercase()
                .parse::<EventHash>()
                .is_err()
        );
    }

    #[test]
    fn the_in_place_hash_is_sha256() {
        for len in [
            0, 1, 55, 56, 63, 64, 119, 120, 128, 183, 184, 247, 248, 255, 256, 1000,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut buf = Stack::new();
            Sink::bytes(&mut buf, &bytes);
            let expected: [u8; 32] = Sha256::digest(&bytes).into();
            assert_eq!(buf.sha256(), expected, "{len} bytes");
        }
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
    fn every_payload_survives_its_row_and_its_json() {
        for payload in every_payload() {
            let action = payload.action();
            if action != Action::Verify {
                assert_eq!(
                    Payload::from_row(action, &payload.row()),
                    Ok(payload.clone())
                );
            }
            let e = event(payload);
            let json = serde_json::to_value(&e).unwrap();
            let object = json.as_object().unwrap();
            let fields = payload_fields(action);
            for key in object.keys() {
                let common = [
                    "seq", "revision", "at", "actor", "item", "action", "from", "to", "hash",
                ];
                assert!(
                    common.contains(&key.as_str()) || fields.iter().any(|f| f.name == key),
                    "{key} written for {action}"
                );
            }
            for f in fields.iter().filter(|f| f.required) {
                assert!(
                    object.contains_key(f.name),
                    "{} missing for {action}",
                    f.name
                );
            }
            let back: Event = serde_json::from_value(json).unwrap();
            assert_eq!(back, e);
        }
    }

    #[test]
    fn the_encoding_keeps_fields_apart() {
        let t = |s: &str| -> Arc<str> { s.into() };
        // Moving text from one field to the next must change the hash.
        let a = event(Payload::Void {
            because: t("c"),
            cause: None,
            reason: t("ab"),
        });
        let b = event(Payload::Void {
            because: t("bc"),
            cause: None,
            reason: t("a"),
        });
        let c = event(Payload::Complete {
            note: Some(t("abc")),
            evidence: None,
        });
        let hashes = [&a, &b, &c].map(|e| e.compute_hash(&EventHash::GENESIS));
        assert_ne!(hashes[0], hashes[1]);
        assert_ne!(hashes[1], hashes[2]);
        assert_ne!(hashes[0], hashes[2]);
        let mut d = event(Payload::Unblock);
        d.actor = t("an");
        d.item = t("na");
        let mut e = event(Payload::Unblock);
        e.actor = t("a");
        e.item = t("nna");
        assert_ne!(
            d.compute_hash(&EventHash::GENESIS),
            e.compute_hash(&EventHash::GENESIS)
        );
    }

    #[test]
    fn a_row_with_fields_its_action_does_not_record_is_refused() {
        let row = Row {
            reason: Some("r"),
            approver: Some("bob"),
            ..Row::default()
        };
        let e = Payload::from_row(Action::Complete, &row).unwrap_err();
        assert_eq!(e, "a `complete` event has no `approver`");
        let e = Payload::from_row(Action::Fill, &Row::default()).unwrap_err();
        assert_eq!(e, "a `fill` event needs `value`");
    }

    #[test]
    fn payload_fields_must_fit_the_action() {
        let mut json = serde_json::to_value(event(Payload::Unblock)).unwrap();
        json["value"] = "x".into();
        let e = serde_json::from_value::<Event>(json)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown field `value` for a `unblock` event"),
            "{e}"
        );
        let mut json = serde_json::to_value(event(Payload::Block { reason: "r".into() })).unwrap();
        json.as_object_mut().unwrap().remove("reason");
        let e = serde_json::from_value::<Event>(json)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field `reason`"), "{e}");
    }
}
