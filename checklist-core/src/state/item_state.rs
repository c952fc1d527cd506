//! The state of one item, and the status names used in events and JSON.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{ItemKind, Mark};

/// The status of an item: the name of its state, without the details.
///
/// Tasks are `pending`, `done`, `not_applicable` or `blocked`; fields `empty` or `filled`;
/// sign-offs `unsigned`, `approved` or `rejected`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Task not yet done.
    Pending,
    /// Task done.
    Done,
    /// Task marked not applicable (a waiver when the task is required).
    NotApplicable,
    /// Task blocked.
    Blocked,
    /// Field with no value.
    Empty,
    /// Field with a value.
    Filled,
    /// Sign-off not given (or voided).
    Unsigned,
    /// Sign-off given.
    Approved,
    /// Sign-off refused.
    Rejected,
}

impl Status {
    /// The name as in JSON: `not_applicable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Done => "done",
            Status::NotApplicable => "not_applicable",
            Status::Blocked => "blocked",
            Status::Empty => "empty",
            Status::Filled => "filled",
            Status::Unsigned => "unsigned",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }

    /// A stable one-byte code for the hashed event encoding (never reuse a retired code).
    pub(crate) fn code(self) -> u8 {
        match self {
            Status::Pending => 1,
            Status::Done => 2,
            Status::NotApplicable => 3,
            Status::Blocked => 4,
            Status::Empty => 5,
            Status::Filled => 6,
            Status::Unsigned => 7,
            Status::Approved => 8,
            Status::Rejected => 9,
        }
    }

    /// Whether an item of `kind` can be in this status.
    pub fn fits(self, kind: &ItemKind) -> bool {
        matches!(
            (kind, self),
            (
                ItemKind::Task,
                Status::Pending | Status::Done | Status::NotApplicable | Status::Blocked
            ) | (ItemKind::Field(_), Status::Empty | Status::Filled)
                | (
                    ItemKind::SignOff { .. },
                    Status::Unsigned | Status::Approved | Status::Rejected
                )
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A waiver: a required task accepted as not applicable, with who approved it and until
/// when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Who approved the waiver (never the actor who asked for it).
    pub approver: String,
    /// The first day the waiver no longer holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
}

/// Why an approval went away without anyone revoking it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Voided {
    /// The covered item whose change voided the approval.
    pub because: String,
    /// The event that changed it; none when the item was added to or retyped in the
    /// checklist itself (a state migrated to a newer checklist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<u64>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The state of one item, with who put it there and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum ItemState {
    /// Task not yet done.
    Pending,
    /// Task done.
    Done {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
        /// An optional note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// Evidence from an automated check (a URL, a log line).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    /// Task not applicable.
    NotApplicable {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
        /// Why (required for required items).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Present when a required task was skipped.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiver: Option<Waiver>,
    },
    /// Task blocked.
    Blocked {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
        /// What blocks it.
        reason: String,
    },
    /// Field with no value.
    Empty,
    /// Field with a value.
    Filled {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
        /// The value, in its canonical text form (`2026-12-01`).
        value: String,
    },
    /// Sign-off not given.
    Unsigned {
        /// Set when an approval was voided by a change to a covered item.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        voided: Option<Voided>,
    },
    /// Sign-off given.
    Approved {
        /// Who.
        by: String,
        /// The role they signed as.
        role: String,
        /// When.
        at: DateTime<Utc>,
        /// An optional comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// Sign-off refused.
    Rejected {
        /// Who.
        by: String,
        /// The role they refused as.
        role: String,
        /// When.
        at: DateTime<Utc>,
        /// Why.
        comment: String,
    },
}

impl ItemState {
    /// The status name.
    pub fn status(&self) -> Status {
        match self {
            ItemState::Pending => Status::Pending,
            ItemState::Done { .. } => Status::Done,
            ItemState::NotApplicable { .. } => Status::NotApplicable,
            ItemState::Blocked { .. } => Status::Blocked,
            ItemState::Empty => Status::Empty,
            ItemState::Filled { .. } => Status::Filled,
            ItemState::Unsigned { .. } => Status::Unsigned,
            ItemState::Approved { .. } => Status::Approved,
            ItemState::Rejected { .. } => Status::Rejected,
        }
    }

    /// The state an item starts in: from its kind and the box as written.
    pub fn initial(kind: &ItemKind, mark: Mark) -> ItemState {
        match (kind, mark) {
            (ItemKind::Task, Mark::Checked) => ItemState::Done {
                by: String::new(),
                at: DateTime::<Utc>::UNIX_EPOCH,
                note: Some("checked in the Markdown".into()),
                evidence: None,
            },
            (ItemKind::Task, Mark::NotApplicable) => ItemState::NotApplicable {
                by: String::new(),
                at: DateTime::<Utc>::UNIX_EPOCH,
                reason: Some("marked [~] in the Markdown".into()),
                waiver: None,
            },
            (ItemKind::Task, Mark::Open) => ItemState::Pending,
            (ItemKind::Field(_), _) => ItemState::Empty,
            (ItemKind::SignOff { .. }, _) => ItemState::Unsigned { voided: None },
        }
    }

    /// Every text the state holds (who, notes, reasons, values...), for size checks.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let (a, b, c, d): (Option<&str>, Option<&str>, Option<&str>, Option<&str>) = match self {
            ItemState::Pending | ItemState::Empty => (None, None, None, None),
            ItemState::Done {
                by, note, evidence, ..
            } => (Some(by), note.as_deref(), evidence.as_deref(), None),
            ItemState::NotApplicable {
                by, reason, waiver, ..
            } => (
                Some(by),
                reason.as_deref(),
                waiver.as_ref().map(|w| w.approver.as_str()),
                None,
            ),
            ItemState::Blocked { by, reason, .. } => (Some(by), Some(reason), None, None),
            ItemState::Filled { by, value, .. } => (Some(by), Some(value), None, None),
            ItemState::Unsigned { voided } => (
                voided.as_ref().map(|v| v.because.as_str()),
                None,
                None,
                None,
            ),
            ItemState::Approved {
                by, role, comment, ..
            } => (Some(by), Some(role), comment.as_deref(), None),
            ItemState::Rejected {
                by, role, comment, ..
            } => (Some(by), Some(role), Some(comment), None),
        };
        [a, b, c, d].into_iter().flatten()
    }

    /// The waiver, when this is a waived task.
    pub fn waiver(&self) -> Option<&Waiver> {
        match self {
            ItemState::NotApplicable { waiver, .. } => waiver.as_ref(),
            _ => None,
        }
    }

    /// The field value, when filled.
    pub fn value(&self) -> Option<&str> {
        match self {
            ItemState::Filled { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Who made the last change (empty for initial states).
    pub fn by(&self) -> Option<&str> {
        match self {
            ItemState::Done { by, .. }
            | ItemState::NotApplicable { by, .. }
            | ItemState::Blocked { by, .. }
            | ItemState::Filled { by, .. }
            | ItemState::Approved { by, .. }
            | ItemState::Rejected { by, .. } => Some(by),
            _ => None,
        }
    }
}

/// An item state as read: every field optional, checked against its status by
/// `TryFrom`. Reading a flat struct is about twice as fast as serde's internally tagged
/// enums, which buffer each object before looking at its tag; the JSON is the same, and
/// so are the messages for unknown, repeated and missing fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItemState {
    status: Status,
    by: Option<String>,
    at: Option<DateTime<Utc>>,
    note: Option<String>,
    evidence: Option<String>,
    reason: Option<String>,
    waiver: Option<Waiver>,
    value: Option<String>,
    voided: Option<Voided>,
    role: Option<String>,
    comment: Option<String>,
}

/// Why an item state does not fit its status.
#[derive(Debug)]
struct ShapeError(String);

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ItemState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawItemState::deserialize(d)?;
        ItemState::try_from(raw).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<RawItemState> for ItemState {
    type Error = ShapeError;

    fn try_from(raw: RawItemState) -> Result<Self, ShapeError> {
        let status = raw.status;
        // Fields this status does not have are refused, as unknown fields are.
        let present = [
            ("by", raw.by.is_some()),
            ("at", raw.at.is_some()),
            ("note", raw.note.is_some()),
            ("evidence", raw.evidence.is_some()),
            ("reason", raw.reason.is_some()),
            ("waiver", raw.waiver.is_some()),
            ("value", raw.value.is_some()),
            ("voided", raw.voided.is_some()),
            ("role", raw.role.is_some()),
            ("comment", raw.comment.is_some()),
        ];
        let allowed: &[&str] = match status {
            Status::Pending | Status::Empty => &[],
            Status::Done => &["by", "at", "note", "evidence"],
            Status::NotApplicable => &["by", "at", "reason", "waiver"],
            Status::Blocked => &["by", "at", "reason"],
            Status::Filled => &["by", "at", "value"],
            Status::Unsigned => &["voided"],
            Status::Approved => &["by", "role", "at", "comment"],
            Status::Rejected => &["by", "role", "at", "comment"],
        };
        if let Some((field, _)) = present
            .iter()
            .find(|(field, is)| *is && !allowed.contains(field))
        {
            return Err(ShapeError(format!(
                "unknown field `{field}` for an item that is `{status}`, expected one of {}",
                allowed
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        fn need<T>(value: Option<T>, field: &str) -> Result<T, ShapeError> {
            value.ok_or_else(|| ShapeError(format!("missing field `{field}`")))
        }
        Ok(match status {
            Status::Pending => ItemState::Pending,
            Status::Empty => ItemState::Empty,
            Status::Done => ItemState::Done {
                by: need(raw.by, "by")?,
                at: need(raw.at, "at")?,
                note: raw.note,
                evidence: raw.evidence,
            },
            Status::NotApplicable => ItemState::NotApplicable {
                by: need(raw.by, "by")?,
                at: need(raw.at, "at")?,
                reason: raw.reason,
                waiver: raw.waiver,
            },
            Status::Blocked => ItemState::Blocked {
                by: need(raw.by, "by")?,
                at: need(raw.at, "at")?,
                reason: need(raw.reason, "reason")?,
            },
            Status::Filled => ItemState::Filled {
                by: need(raw.by, "by")?,
                at: need(raw.at, "at")?,
                value: need(raw.value, "value")?,
            },
            Status::Unsigned => ItemState::Unsigned { voided: raw.voided },
            Status::Approved => ItemState::Approved {
                by: need(raw.by, "by")?,
                role: need(raw.role, "role")?,
                at: need(raw.at, "at")?,
                comment: raw.comment,
            },
            Status::Rejected => ItemState::Rejected {
                by: need(raw.by, "by")?,
                role: need(raw.role, "role")?,
                at: need(raw.at, "at")?,
                comment: need(raw.comment, "comment")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<ItemState, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn every_state_reads_back_what_it_writes() {
        let at = "2026-11-26T09:00:00Z".parse::<DateTime<Utc>>().unwrap();
        for state in [
            ItemState::Pending,
            ItemState::Empty,
            ItemState::Done {
                by: "a".into(),
                at,
                note: Some("n".into()),
                evidence: None,
            },
            ItemState::NotApplicable {
                by: "a".into(),
                at,
                reason: Some("r".into()),
                waiver: Some(Waiver {
                    approver: "b".into(),
                    expires: None,
                }),
            },
            ItemState::Blocked {
                by: "a".into(),
                at,
                reason: "r".into(),
            },
            ItemState::Filled {
                by: "a".into(),
                at,
                value: "v".into(),
            },
            ItemState::Unsigned { voided: None },
            ItemState::Unsigned {
                voided: Some(Voided {
                    because: "x".into(),
                    event: Some(3),
                    at,
                }),
            },
            ItemState::Approved {
                by: "a".into(),
                role: "r".into(),
                at,
                comment: None,
            },
            ItemState::Rejected {
                by: "a".into(),
                role: "r".into(),
                at,
                comment: "c".into(),
            },
        ] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(read(&json).unwrap(), state, "{json}");
        }
    }

    #[test]
    fn fields_must_fit_the_status() {
        let e = read(r#"{"status":"pending","by":"a"}"#).unwrap_err();
        assert!(
            e.contains("unknown field `by` for an item that is `pending`"),
            "{e}"
        );
        let e = read(r#"{"status":"blocked","by":"a","at":"2026-11-26T09:00:00Z"}"#).unwrap_err();
        assert!(e.contains("missing field `reason`"), "{e}");
        let e = read(r#"{"status":"done","color":"red"}"#).unwrap_err();
        assert!(e.contains("unknown field `color`"), "{e}");
        let e = read(r#"{"status":"done","by":"a","by":"b"}"#).unwrap_err();
        assert!(e.contains("duplicate field `by`"), "{e}");
        let e = read(r#"{"status":"finished"}"#).unwrap_err();
        assert!(e.contains("unknown variant `finished`"), "{e}");
    }
}
