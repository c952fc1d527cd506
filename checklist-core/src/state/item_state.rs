//! The state of one item, with who put it there and when, and its JSON shape.
//!
//! The JSON of an item state is `{"status": "...", ...}` with the fields of that status.
//! One table (`fields`) gives them: the reader refuses fields a status does not have
//! and requires those it must, and the JSON Schema is built from the same table; a test
//! checks the writer against it.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::evidence::Evidence;
use super::rules::Status;
use super::shape::{self, Field, Ty, field};
use crate::spec::{ItemKind, Mark};

/// Who put an item in its state: the Markdown as written, or a change in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The box as written in the Markdown (`[x]`, `[~]`): no one, at no time.
    Markdown,
    /// A change recorded in the log.
    Change {
        /// Who.
        by: Arc<str>,
        /// When.
        at: DateTime<Utc>,
    },
}

impl Origin {
    /// Who made the change (`None` for the Markdown).
    pub fn by(&self) -> Option<&str> {
        match self {
            Origin::Markdown => None,
            Origin::Change { by, .. } => Some(by),
        }
    }

    /// When (`None` for the Markdown).
    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Origin::Markdown => None,
            Origin::Change { at, .. } => Some(*at),
        }
    }
}

/// A waiver: a required task accepted as not applicable, with who approved it and until
/// when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Who approved the waiver (never the actor who asked for it).
    #[schemars(with = "String")]
    pub approver: Arc<str>,
    /// The first day the waiver no longer holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
}

/// Why an approval went away without anyone revoking it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Voided {
    /// The covered item whose change voided the approval.
    #[schemars(with = "String")]
    pub because: Arc<str>,
    /// The event that changed it; none when the item was added to or retyped in the
    /// checklist itself (a state migrated to a newer checklist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<u64>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The state of one item, with who put it there and when.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ItemState {
    /// Task not yet done.
    Pending,
    /// Task done.
    Done {
        /// Who and when, or the Markdown's `[x]`.
        origin: Origin,
        /// An optional note.
        note: Option<Arc<str>>,
        /// Evidence (a URL, a log line).
        evidence: Option<Arc<str>>,
        /// The passing run of its check that made it done.
        run: Option<Arc<Evidence>>,
    },
    /// Task not applicable.
    NotApplicable {
        /// Who and when, or the Markdown's `[~]`.
        origin: Origin,
        /// Why (required for required items).
        reason: Option<Arc<str>>,
        /// Present when a required task was skipped.
        waiver: Option<Waiver>,
    },
    /// Task blocked.
    Blocked {
        /// Who.
        by: Arc<str>,
        /// When.
        at: DateTime<Utc>,
        /// What blocks it.
        reason: Arc<str>,
    },
    /// Field with no value.
    Empty,
    /// Field with a value.
    Filled {
        /// Who.
        by: Arc<str>,
        /// When.
        at: DateTime<Utc>,
        /// The value, in its canonical text form (`2026-12-01`).
        value: Arc<str>,
    },
    /// Sign-off not given.
    Unsigned {
        /// Set when an approval was voided by a change to a covered item.
        voided: Option<Voided>,
    },
    /// Sign-off given.
    Approved {
        /// Who.
        by: Arc<str>,
        /// The role they signed as.
        role: Arc<str>,
        /// When.
        at: DateTime<Utc>,
        /// An optional comment.
        comment: Option<Arc<str>>,
    },
    /// Sign-off refused.
    Rejected {
        /// Who.
        by: Arc<str>,
        /// The role they refused as.
        role: Arc<str>,
        /// When.
        at: DateTime<Utc>,
        /// Why.
        comment: Arc<str>,
    },
    /// Task whose check ran and did not pass.
    Failed {
        /// Who ran it.
        by: Arc<str>,
        /// When it was recorded.
        at: DateTime<Utc>,
        /// The run, with its exit status and output.
        run: Arc<Evidence>,
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
            ItemState::Failed { .. } => Status::Failed,
        }
    }

    /// The state an item starts in: from its kind and the box as written.
    pub fn initial(kind: &ItemKind, mark: Mark) -> ItemState {
        match (kind, mark) {
            (ItemKind::Task, Mark::Checked) => ItemState::Done {
                origin: Origin::Markdown,
                note: None,
                evidence: None,
                run: None,
            },
            (ItemKind::Task, Mark::NotApplicable) => ItemState::NotApplicable {
                origin: Origin::Markdown,
                reason: None,
                waiver: None,
            },
            (ItemKind::Task, _) => ItemState::Pending,
            (ItemKind::Field(_), _) => ItemState::Empty,
            (ItemKind::SignOff { .. }, _) => ItemState::Unsigned { voided: None },
        }
    }

    /// Where it came from: the Markdown, or a change by someone at some time (`None` for
    /// the states nobody put an item in: pending, empty, unsigned).
    pub fn origin(&self) -> Option<Origin> {
        match self {
            ItemState::Done { origin, .. } | ItemState::NotApplicable { origin, .. } => {
                Some(origin.clone())
            }
            ItemState::Blocked { by, at, .. }
            | ItemState::Filled { by, at, .. }
            | ItemState::Approved { by, at, .. }
            | ItemState::Rejected { by, at, .. }
            | ItemState::Failed { by, at, .. } => Some(Origin::Change {
                by: by.clone(),
                at: *at,
            }),
            _ => None,
        }
    }

    /// Who made the last change (`None` for initial states and the Markdown's boxes).
    pub fn by(&self) -> Option<&str> {
        match self {
            ItemState::Done { origin, .. } | ItemState::NotApplicable { origin, .. } => origin.by(),
            ItemState::Blocked { by, .. }
            | ItemState::Filled { by, .. }
            | ItemState::Approved { by, .. }
            | ItemState::Rejected { by, .. }
            | ItemState::Failed { by, .. } => Some(by),
            _ => None,
        }
    }

    /// When the last change was made (`None` for initial states and the Markdown's boxes).
    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            ItemState::Done { origin, .. } | ItemState::NotApplicable { origin, .. } => origin.at(),
            ItemState::Blocked { at, .. }
            | ItemState::Filled { at, .. }
            | ItemState::Approved { at, .. }
            | ItemState::Rejected { at, .. }
            | ItemState::Failed { at, .. } => Some(*at),
            _ => None,
        }
    }

    /// Every text the state holds (who, notes, reasons, values...), for size checks.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let (a, b, c, d): (Option<&str>, Option<&str>, Option<&str>, Option<&str>) = match self {
            ItemState::Pending | ItemState::Empty => (None, None, None, None),
            ItemState::Done {
                origin,
                note,
                evidence,
                run,
            } => (
                origin.by(),
                note.as_deref(),
                evidence.as_deref(),
                run.as_ref().map(|r| &*r.output_tail),
            ),
            ItemState::Failed { by, run, .. } => {
                (Some(by), Some(&*run.command), Some(&*run.output_tail), None)
            }
            ItemState::NotApplicable {
                origin,
                reason,
                waiver,
            } => (
                origin.by(),
                reason.as_deref(),
                waiver.as_ref().map(|w| &*w.approver),
                None,
            ),
            ItemState::Blocked { by, reason, .. } => (Some(by), Some(reason), None, None),
            ItemState::Filled { by, value, .. } => (Some(by), Some(value), None, None),
            ItemState::Unsigned { voided } => {
                (voided.as_ref().map(|v| &*v.because), None, None, None)
            }
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

    /// The run of its check that made a task done or failed.
    pub fn run(&self) -> Option<&Evidence> {
        match self {
            ItemState::Done { run, .. } => run.as_deref(),
            ItemState::Failed { run, .. } => Some(run),
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
}

// ---------------------------------------------------------------------------------------
// JSON

const BY: Field = field("by", Ty::Text, true);
const AT: Field = field("at", Ty::Time, true);
const ORIGIN: Field = field("origin", Ty::Origin, false);

/// The fields of each status, in the order they are written (after `status`).
pub(crate) fn fields(status: Status) -> &'static [Field] {
    use Ty as T;
    match status {
        Status::Pending | Status::Empty => &[],
        Status::Done => {
            const {
                &[
                    BY,
                    AT,
                    ORIGIN,
                    field("note", T::Text, false),
                    field("evidence", T::Text, false),
                    field("run", T::Evidence, false),
                ]
            }
        }
        Status::Failed => const { &[BY, AT, field("run", T::Evidence, true)] },
        Status::NotApplicable => {
            const {
                &[
                    BY,
                    AT,
                    ORIGIN,
                    field("reason", T::Text, false),
                    field("waiver", T::Waiver, false),
                ]
            }
        }
        Status::Blocked => const { &[BY, AT, field("reason", T::Text, true)] },
        Status::Filled => const { &[BY, AT, field("value", T::Text, true)] },
        Status::Unsigned => const { &[field("voided", T::Voided, false)] },
        Status::Approved => {
            const {
                &[
                    BY,
                    field("role", T::Text, true),
                    AT,
                    field("comment", T::Text, false),
                ]
            }
        }
        Status::Rejected => {
            const {
                &[
                    BY,
                    field("role", T::Text, true),
                    AT,
                    field("comment", T::Text, true),
                ]
            }
        }
    }
}

/// Writes `"by"` and `"at"`, or `"origin": "markdown"`.
fn origin_entries<M: SerializeMap>(m: &mut M, origin: &Origin) -> Result<(), M::Error> {
    match origin {
        Origin::Markdown => m.serialize_entry("origin", "markdown"),
        Origin::Change { by, at } => {
            m.serialize_entry("by", &**by)?;
            m.serialize_entry("at", at)
        }
    }
}

impl Serialize for ItemState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("status", &self.status())?;
        match self {
            ItemState::Pending | ItemState::Empty => {}
            ItemState::Done {
                origin,
                note,
                evidence,
                run,
            } => {
                origin_entries(&mut m, origin)?;
                shape::put(&mut m, "note", note.as_deref())?;
                shape::put(&mut m, "evidence", evidence.as_deref())?;
                shape::put(&mut m, "run", run.as_deref())?;
            }
            ItemState::Failed { by, at, run } => {
                m.serialize_entry("by", &**by)?;
                m.serialize_entry("at", at)?;
                m.serialize_entry("run", &**run)?;
            }
            ItemState::NotApplicable {
                origin,
                reason,
                waiver,
            } => {
                origin_entries(&mut m, origin)?;
                shape::put(&mut m, "reason", reason.as_deref())?;
                shape::put(&mut m, "waiver", waiver.as_ref())?;
            }
            ItemState::Blocked { by, at, reason } => {
                m.serialize_entry("by", &**by)?;
                m.serialize_entry("at", at)?;
                m.serialize_entry("reason", &**reason)?;
            }
            ItemState::Filled { by, at, value } => {
                m.serialize_entry("by", &**by)?;
                m.serialize_entry("at", at)?;
                m.serialize_entry("value", &**value)?;
            }
            ItemState::Unsigned { voided } => shape::put(&mut m, "voided", voided.as_ref())?,
            ItemState::Approved {
                by,
                role,
                at,
                comment,
            } => {
                m.serialize_entry("by", &**by)?;
                m.serialize_entry("role", &**role)?;
                m.serialize_entry("at", at)?;
                shape::put(&mut m, "comment", comment.as_deref())?;
            }
            ItemState::Rejected {
                by,
                role,
                at,
                comment,
            } => {
                m.serialize_entry("by", &**by)?;
                m.serialize_entry("role", &**role)?;
                m.serialize_entry("at", at)?;
                m.serialize_entry("comment", &**comment)?;
            }
        }
        m.end()
    }
}

/// `"markdown"`, the only origin written as such.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OriginTag {
    Markdown,
}

/// An item state as read: every field optional, checked against its status by
/// `fields`. Reading a flat struct is about twice as fast as serde's internally tagged
/// enums, which buffer each object before looking at its tag; the JSON is the same, and
/// so are the messages for unknown, repeated and missing fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItemState<'a> {
    status: Status,
    #[serde(borrow)]
    by: Option<std::borrow::Cow<'a, str>>,
    at: Option<DateTime<Utc>>,
    origin: Option<OriginTag>,
    #[serde(borrow)]
    note: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    evidence: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    reason: Option<std::borrow::Cow<'a, str>>,
    waiver: Option<Waiver>,
    #[serde(borrow)]
    value: Option<std::borrow::Cow<'a, str>>,
    voided: Option<Voided>,
    #[serde(borrow)]
    role: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    comment: Option<std::borrow::Cow<'a, str>>,
    run: Option<Evidence>,
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

fn text(t: Option<std::borrow::Cow<'_, str>>) -> Option<Arc<str>> {
    t.map(|t| Arc::from(&*t))
}

impl TryFrom<RawItemState<'_>> for ItemState {
    type Error = ShapeError;

    fn try_from(raw: RawItemState<'_>) -> Result<Self, ShapeError> {
        let status = raw.status;
        let present = [
            ("by", raw.by.is_some()),
            ("at", raw.at.is_some()),
            ("origin", raw.origin.is_some()),
            ("note", raw.note.is_some()),
            ("evidence", raw.evidence.is_some()),
            ("reason", raw.reason.is_some()),
            ("waiver", raw.waiver.is_some()),
            ("value", raw.value.is_some()),
            ("voided", raw.voided.is_some()),
            ("role", raw.role.is_some()),
            ("comment", raw.comment.is_some()),
            ("run", raw.run.is_some()),
        ];
        shape::check(
            format_args!("an item that is `{status}`"),
            fields(status),
            &present,
        )
        .map_err(ShapeError)?;
        // Every field below was checked present where required.
        let by = || Arc::<str>::from(raw.by.as_deref().unwrap_or_default());
        let at = raw.at.unwrap_or_default();
        let origin = || match raw.origin {
            Some(OriginTag::Markdown) => Origin::Markdown,
            None => Origin::Change { by: by(), at },
        };
        let need = |t: &Option<std::borrow::Cow<'_, str>>| -> Arc<str> {
            Arc::from(t.as_deref().unwrap_or_default())
        };
        Ok(match status {
            Status::Pending => ItemState::Pending,
            Status::Empty => ItemState::Empty,
            Status::Done => ItemState::Done {
                origin: origin(),
                note: text(raw.note),
                evidence: text(raw.evidence),
                run: raw.run.map(Arc::new),
            },
            Status::NotApplicable => ItemState::NotApplicable {
                origin: origin(),
                reason: text(raw.reason),
                waiver: raw.waiver,
            },
            Status::Blocked => ItemState::Blocked {
                by: by(),
                at,
                reason: need(&raw.reason),
            },
            Status::Filled => ItemState::Filled {
                by: by(),
                at,
                value: need(&raw.value),
            },
            Status::Unsigned => ItemState::Unsigned { voided: raw.voided },
            Status::Approved => ItemState::Approved {
                by: by(),
                role: need(&raw.role),
                at,
                comment: text(raw.comment),
            },
            Status::Rejected => ItemState::Rejected {
                by: by(),
                role: need(&raw.role),
                at,
                comment: need(&raw.comment),
            },
            Status::Failed => ItemState::Failed {
                by: by(),
                at,
                // Checked present above.
                run: Arc::new(
                    raw.run
                        .ok_or_else(|| ShapeError("missing field `run`".into()))?,
                ),
            },
        })
    }
}

impl JsonSchema for ItemState {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ItemState".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let one_of: Vec<serde_json::Value> = crate::state::rules::STATUSES
            .iter()
            .map(|r| shape::object_schema("status", r.name, &[], fields(r.status), generator))
            .collect();
        let value = serde_json::json!({
            "description": "The state of one item: its `status` and that status's fields.",
            "oneOf": one_of,
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<ItemState, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    pub(crate) fn one_of_each() -> Vec<ItemState> {
        let at = "2026-11-26T09:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let by: Arc<str> = "a".into();
        vec![
            ItemState::Pending,
            ItemState::Empty,
            ItemState::Done {
                origin: Origin::Change { by: by.clone(), at },
                note: Some("n".into()),
                evidence: Some("e".into()),
                run: None,
            },
            ItemState::Done {
                origin: Origin::Markdown,
                note: None,
                evidence: None,
                run: None,
            },
            ItemState::Failed {
                by: by.clone(),
                at,
                run: Arc::new(crate::state::evidence::tests::sample(false)),
            },
            ItemState::NotApplicable {
                origin: Origin::Change { by: by.clone(), at },
                reason: Some("r".into()),
                waiver: Some(Waiver {
                    approver: "b".into(),
                    expires: NaiveDate::from_ymd_opt(2026, 12, 31),
                }),
            },
            ItemState::NotApplicable {
                origin: Origin::Markdown,
                reason: None,
                waiver: None,
            },
            ItemState::Blocked {
                by: by.clone(),
                at,
                reason: "r".into(),
            },
            ItemState::Filled {
                by: by.clone(),
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
                by: by.clone(),
                role: "r".into(),
                at,
                comment: Some("c".into()),
            },
            ItemState::Rejected {
                by,
                role: "r".into(),
                at,
                comment: "c".into(),
            },
        ]
    }

    #[test]
    fn every_state_reads_back_what_it_writes() {
        for state in one_of_each() {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(read(&json).unwrap(), state, "{json}");
        }
    }

    #[test]
    fn the_writer_writes_exactly_the_fields_of_the_table() {
        for state in one_of_each() {
            let json = serde_json::to_value(&state).unwrap();
            let object = json.as_object().unwrap();
            let allowed = fields(state.status());
            for key in object.keys().filter(|k| *k != "status") {
                assert!(
                    allowed.iter().any(|f| f.name == key),
                    "{key} written for {}",
                    state.status()
                );
            }
            let from_markdown = object.contains_key("origin");
            for f in allowed.iter().filter(|f| f.required) {
                let stamped = f.name == "by" || f.name == "at";
                assert!(
                    object.contains_key(f.name) || (stamped && from_markdown),
                    "{} missing for {}",
                    f.name,
                    state.status()
                );
            }
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
        let e = read(r#"{"status":"done"}"#).unwrap_err();
        assert!(e.contains("missing field `by`"), "{e}");
        let e = read(r#"{"status":"done","origin":"markdown","by":"a"}"#).unwrap_err();
        assert!(e.contains("has no `by` or `at`"), "{e}");
        let e = read(r#"{"status":"blocked","origin":"markdown","reason":"r"}"#).unwrap_err();
        assert!(e.contains("unknown field `origin`"), "{e}");
    }
}
