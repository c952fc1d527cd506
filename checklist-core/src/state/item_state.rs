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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
