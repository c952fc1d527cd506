//! Format 1 of the state document (`checklist-state/1`), read into format 2's types.
//!
//! Format 1 stored each event as one flat row of optional fields (`reason`, `value`,
//! `evidence`, `role`, `approver`, `expires`, `cause`) whose meaning depended on the
//! action, and an item ticked in the Markdown as if someone had done it (`"by": ""` at
//! the Unix epoch, with a note saying where it came from). Reading it:
//!
//! - each row becomes its action's [`Payload`](crate::state::Payload); a row with a
//!   field its action does not record is refused, naming the event (the library never
//!   wrote one, and dropping it would change what the hash covers);
//! - hashes are kept as they are: both formats hash the same canonical encoding, so the
//!   chain verifies unchanged and a log head recorded elsewhere stays valid;
//! - the Markdown's boxes become [`Origin::Markdown`](crate::state::Origin).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use indexmap::IndexMap;
use serde::Deserialize;

use super::{ChecklistRef, Document, FORMAT_1, StateError, json_error, unique_keys};
use crate::state::event::Row;
use crate::state::{Action, Event, EventHash, ItemState, Origin, Payload, Status};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentV1<'a> {
    format: String,
    checklist: ChecklistRef,
    revision: u64,
    #[serde(deserialize_with = "unique_keys")]
    items: IndexMap<String, ItemState>,
    #[serde(default, deserialize_with = "unique_keys")]
    orphans: IndexMap<String, ItemState>,
    #[serde(borrow)]
    events: Vec<EventV1<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventV1<'a> {
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
    reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    value: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    evidence: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    approver: Option<Cow<'a, str>>,
    #[serde(default)]
    expires: Option<NaiveDate>,
    #[serde(default)]
    cause: Option<u64>,
    hash: EventHash,
}

/// What format 1 wrote for a box ticked in the Markdown.
const CHECKED_NOTE: &str = "checked in the Markdown";
const NOT_APPLICABLE_REASON: &str = "marked [~] in the Markdown";

/// Reads a format-1 document (`format` must be [`FORMAT_1`]).
pub(crate) fn read(json: &str) -> Result<Document, StateError> {
    let doc: DocumentV1<'_> = serde_json::from_str(json).map_err(|e| json_error(&e))?;
    if doc.format != FORMAT_1 {
        return Err(StateError::Format { found: doc.format });
    }
    let mut events = Vec::with_capacity(doc.events.len());
    for e in &doc.events {
        let row = Row {
            reason: e.reason.as_deref(),
            value: e.value.as_deref(),
            evidence: e.evidence.as_deref(),
            role: e.role.as_deref(),
            approver: e.approver.as_deref(),
            expires: e.expires,
            cause: e.cause,
        };
        let payload = Payload::from_row(e.action, &row).map_err(|problem| StateError::Event {
            seq: e.seq,
            problem,
        })?;
        events.push(Event {
            seq: e.seq,
            revision: e.revision,
            at: e.at,
            actor: (*e.actor).into(),
            item: (*e.item).into(),
            from: e.from,
            to: e.to,
            payload,
            covered: None,
            signature: None,
            hash: e.hash,
        });
    }
    Ok(Document {
        format: FORMAT_1.to_string(),
        checklist: doc.checklist,
        revision: doc.revision,
        items: doc
            .items
            .into_iter()
            .map(|(k, v)| (k, from_markdown(v)))
            .collect(),
        orphans: doc
            .orphans
            .into_iter()
            .map(|(k, v)| (k, from_markdown(v)))
            .collect(),
        events,
    })
}

/// Format 1's stand-in for a box ticked in the Markdown, as what it is.
fn from_markdown(state: ItemState) -> ItemState {
    let nobody = |origin: &Origin| matches!(origin, Origin::Change { by, at } if by.is_empty() && *at == DateTime::<Utc>::UNIX_EPOCH);
    match state {
        ItemState::Done {
            origin,
            note: Some(note),
            evidence: None,
            run: None,
        } if nobody(&origin) && &*note == CHECKED_NOTE => ItemState::Done {
            origin: Origin::Markdown,
            note: None,
            evidence: None,
            run: None,
        },
        ItemState::NotApplicable {
            origin,
            reason: Some(reason),
            waiver: None,
        } if nobody(&origin) && &*reason == NOT_APPLICABLE_REASON => ItemState::NotApplicable {
            origin: Origin::Markdown,
            reason: None,
            waiver: None,
        },
        other => other,
    }
}
