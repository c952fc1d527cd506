//! The JSON state document: one versioned file holding a run's item states, its log and
//! its revision, with a JSON Schema.
//!
//! ```json
//! {
//!   "format": "checklist-state/2",
//!   "checklist": { "id": "...", "version": "...", "digest": "sha256:..." },
//!   "revision": 3,
//!   "items": { "pre-deployment/code-quality/...": { "status": "done", "by": "...", "at": "..." } },
//!   "orphans": { },
//!   "events": [ { "seq": 1, "revision": 1, "at": "...", "actor": "...", ... } ]
//! }
//! ```
//!
//! Saving serializes straight from the [`State`] (no copy); loading verifies the format,
//! the checklist id, the hash chain and the revisions, then replays the log and, when the
//! document was made for this exact spec, checks that the stored item states are the fold
//! of the log. A document made for an older version of the checklist is migrated by id.
//!
//! Format 2 records each event's payload by action (a fill's `value`, a void's
//! `because`, a waiver's `waiver`). Documents of format 1 (one flat row of optional
//! fields per event) still load: the `v1` module reads them into the same types, their hashes
//! unchanged (both formats hash the same canonical encoding), and they are written back
//! as format 2.

mod schema;
pub(crate) mod v1;

pub use schema::{generic_schema, schema_for_spec};

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize};

use crate::clock::{Clock, SystemClock};
use crate::spec::{ItemIndex, ItemKind, Spec};
use crate::state::{ChainError, Event, IntoSpec, ItemState, State, verify_chain};
use crate::value::Value;

/// The format tag of the current document version.
pub const FORMAT: &str = "checklist-state/2";

/// The format tag of the first document version, which this version still reads.
pub const FORMAT_1: &str = "checklist-state/1";

/// Which checklist a document was made for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistRef {
    /// The checklist id.
    pub id: String,
    /// The checklist version from front matter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The spec digest (`sha256:...`).
    pub digest: String,
}

/// The state document as stored. [`State::to_json`] writes it and [`State::from_json`]
/// reads it; this type is what the JSON Schema describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// `checklist-state/2` ([`FORMAT`]); `checklist-state/1` for a document read from
    /// the first format, whose events have been read into this format's types.
    pub format: String,
    /// The checklist it was made for.
    pub checklist: ChecklistRef,
    /// How many transitions the state has seen.
    pub revision: u64,
    /// Every item's state, keyed by id, in document order.
    #[serde(deserialize_with = "unique_keys")]
    #[schemars(with = "IndexMap<String, ItemState>")]
    pub items: IndexMap<String, ItemState>,
    /// States of items no longer in the checklist.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    #[schemars(with = "IndexMap<String, ItemState>")]
    pub orphans: IndexMap<String, ItemState>,
    /// The audit log, oldest first.
    pub events: Vec<Event>,
}

/// Maps in the document must not repeat a key: JSON parsers disagree on which copy wins,
/// so a repeated key is refused instead of silently resolved.
pub(crate) fn unique_keys<'de, D, V>(d: D) -> Result<IndexMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Unique<V> {
        type Value = IndexMap<String, V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map from item id to item state")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = IndexMap::with_capacity(map.size_hint().unwrap_or(0).min(1 << 16));
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                // One hash per key: the entry both checks and inserts.
                match out.entry(k) {
                    indexmap::map::Entry::Occupied(e) => {
                        let k = e.key();
                        return Err(de::Error::custom(format!("the item `{k}` appears twice")));
                    }
                    indexmap::map::Entry::Vacant(e) => {
                        e.insert(v);
                    }
                }
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique(std::marker::PhantomData))
}

/// What changed between the checklist a document was made for and the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// The digest the document was made for.
    pub from_digest: String,
    /// The current digest.
    pub to_digest: String,
    /// Items in the checklist that the document did not have (they start fresh).
    pub added: Vec<String>,
    /// Items the document had that the checklist no longer has (kept under `orphans`).
    pub removed: Vec<String>,
    /// Items whose kind or field type changed; their old state moved to `orphans` and a
    /// `reset` event records the change.
    pub retyped: Vec<String>,
    /// Done tasks the new checklist would not let be done (a required sub-item or an
    /// earlier step was added, or is open): a `reopen` event records each, with why.
    pub reopened: Vec<String>,
    /// Approved sign-offs the migration voided: what they covered is not what the
    /// checklist has them cover now (an item added, retyped or reworded, a gate
    /// widened), so the signer did not see it. A `void` event records each.
    pub voided: Vec<String>,
}

impl Migration {
    /// Whether anything but the digest changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.retyped.is_empty()
            && self.reopened.is_empty()
            && self.voided.is_empty()
    }
}

impl fmt::Display for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "state migrated to the current checklist: {} added, {} removed, {} retyped",
            self.added.len(),
            self.removed.len(),
            self.retyped.len()
        )?;
        if !self.reopened.is_empty() {
            write!(f, ", {} reopened", self.reopened.len())?;
        }
        if !self.voided.is_empty() {
            write!(f, ", {} approvals voided", self.voided.len())?;
        }
        for (what, ids) in [
            ("added", &self.added),
            ("removed (kept as orphans)", &self.removed),
            ("retyped (old state kept as orphans)", &self.retyped),
            ("reopened (the new checklist's rules)", &self.reopened),
            ("approval voided (what it covers changed)", &self.voided),
        ] {
            for id in ids {
                write!(f, "\n  {what}: {id}")?;
            }
        }
        Ok(())
    }
}

/// Resource limits for loading a state document. Documents beyond them fail with
/// [`StateError::Limit`] naming the limit, instead of exhausting memory. The defaults are
/// far above any real run; raise them with struct update syntax:
/// `LoadLimits { max_bytes: 1 << 30, ..LoadLimits::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Largest document in bytes (default 256 MiB).
    pub max_bytes: usize,
    /// Longest single text (an actor, a reason, a value...) in bytes (default 1 MiB).
    pub max_text_bytes: usize,
    /// Most events in the log (default 10,000,000).
    pub max_events: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_bytes: 256 << 20,
            max_text_bytes: 1 << 20,
            max_events: 10_000_000,
        }
    }
}

/// Why a state document cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Not valid JSON, or not the document's shape.
    #[error(
        "the state file is not a valid state document (line {line}, column {column}): {message}"
    )]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// A format version this library does not read.
    #[error(
        "the state file has format `{found}`; this version of checklist reads `{FORMAT}` and `{FORMAT_1}`"
    )]
    Format {
        /// The format found.
        found: String,
    },
    /// The document belongs to another checklist.
    #[error("the state file is for the checklist `{found}`, not `{expected}`")]
    WrongChecklist {
        /// This spec's id.
        expected: String,
        /// The document's.
        found: String,
    },
    /// The log does not verify.
    #[error("the audit log does not verify: {0}")]
    Chain(ChainError),
    /// An event whose statuses do not fit its action (a `complete` that led to
    /// `blocked`), or a format-1 event with fields its action does not record.
    #[error("event #{seq} is not an event the library writes: {problem}")]
    Event {
        /// The event.
        seq: u64,
        /// What is wrong with it.
        problem: String,
    },
    /// The revision does not match the log.
    #[error("the state file says revision {stored}, but its log ends at revision {logged}")]
    Revision {
        /// The revision written.
        stored: u64,
        /// The last event's revision.
        logged: u64,
    },
    /// A stored item state is not what its log says.
    #[error("the stored state of `{item}` does not match its audit log: the file was edited")]
    Mismatch {
        /// The item.
        item: String,
    },
    /// The document exceeds one of the [`LoadLimits`].
    #[error(
        "the state file's {what} is {size}, more than the limit of {limit}; raise `LoadLimits::{field}` if it is genuine"
    )]
    Limit {
        /// What is too big.
        what: &'static str,
        /// How big it is.
        size: usize,
        /// The limit.
        limit: usize,
        /// The `LoadLimits` field that sets it.
        field: &'static str,
    },
    /// An event names an item this checklist does not have, while the document claims to
    /// be for this exact checklist.
    #[error("event #{seq} names the item `{item}`, which this checklist does not have")]
    UnknownItem {
        /// The event.
        seq: u64,
        /// The id it names.
        item: String,
    },
    /// The document lacks an item the checklist has, or has one it lacks, while claiming
    /// to be for this exact checklist.
    #[error("the state file claims to be for this checklist but its items differ: `{item}`")]
    Items {
        /// The first id that differs.
        item: String,
    },
}

impl From<ChainError> for StateError {
    fn from(e: ChainError) -> Self {
        StateError::Chain(e)
    }
}

impl StateError {
    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            StateError::Json { .. } => "restore the file from a backup or version control",
            StateError::Format { .. } => "use the version of checklist that wrote the file",
            StateError::WrongChecklist { .. } => {
                "pass the state file that belongs to this checklist"
            }
            StateError::Limit { .. } => {
                "if the file is genuine, load it with larger `LoadLimits`; otherwise restore it from a backup"
            }
            StateError::Chain(_)
            | StateError::Event { .. }
            | StateError::Revision { .. }
            | StateError::Mismatch { .. }
            | StateError::Items { .. }
            | StateError::UnknownItem { .. } => {
                "the file was changed outside checklist; restore it from a backup or version control"
            }
        }
    }
}

/// Something loading found that does not make the document invalid but that its reader
/// should know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadWarning {
    /// The log ends more than [`CLOCK_SKEW`](crate::state::CLOCK_SKEW) after the
    /// reader's clock: an event was dated by a clock that is (or was) ahead. Later
    /// events get at least its time, since times in the log never go back.
    FutureEvents {
        /// The first event dated that far ahead.
        seq: u64,
        /// Its time.
        at: chrono::DateTime<chrono::Utc>,
        /// The reader's clock.
        now: chrono::DateTime<chrono::Utc>,
    },
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadWarning::FutureEvents { seq, at, now } => write!(
                f,
                "event #{seq} is dated {at}, {} ahead of this clock ({now}); every later event \
                 is dated at least that late: check the clock of whoever wrote it",
                human(*at - *now)
            ),
        }
    }
}

/// `3 days`, `5 hours`, `12 minutes`.
fn human(d: chrono::TimeDelta) -> String {
    let (n, unit) = if d.num_days() >= 2 {
        (d.num_days(), "days")
    } else if d.num_hours() >= 2 {
        (d.num_hours(), "hours")
    } else {
        (d.num_minutes(), "minutes")
    };
    format!("{n} {unit}")
}

/// A loaded state, with what loading it found.
#[derive(Debug)]
#[non_exhaustive]
pub struct Loaded {
    /// The state.
    pub state: State,
    /// What changed since the document was written, if the checklist changed.
    pub migration: Option<Migration>,
    /// The revision as stored: the one a save must still find to succeed (`None` when
    /// nothing was stored). A migration may have moved `state.revision()` past it.
    pub stored_revision: Option<u64>,
    /// The format the document was stored in, when it is an older one than this
    /// version writes ([`FORMAT_1`]); saving writes the current format.
    pub upgraded_from: Option<&'static str>,
    /// What the reader should know about it.
    pub warnings: Vec<LoadWarning>,
}

impl Loaded {
    /// A fresh state, for a store that holds nothing yet.
    pub fn fresh(state: State) -> Self {
        Loaded {
            state,
            migration: None,
            stored_revision: None,
            upgraded_from: None,
            warnings: Vec::new(),
        }
    }
}

struct ItemsView<'a>(&'a State);

impl Serialize for ItemsView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let state = self.0;
        let mut m = s.serialize_map(Some(state.items().len()))?;
        for (item, st) in state.spec().items().iter().zip(state.items()) {
            m.serialize_entry(item.id(), st)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct DocumentView<'a> {
    format: &'static str,
    checklist: ChecklistRefView<'a>,
    revision: u64,
    items: ItemsView<'a>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    orphans: &'a IndexMap<String, ItemState>,
    events: &'a [Event],
}

#[derive(Serialize)]
struct ChecklistRefView<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    digest: &'a str,
}

impl Serialize for State {
    /// Serializes as the state [`Document`], without copying.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let spec = self.spec();
        DocumentView {
            format: FORMAT,
            checklist: ChecklistRefView {
                id: spec.id(),
                version: spec.version(),
                digest: spec.digest(),
            },
            revision: self.revision(),
            items: ItemsView(self),
            orphans: self.orphans(),
            events: self.events(),
        }
        .serialize(s)
    }
}

/// Which format a document says it is, read from its first key without parsing the
/// rest (the writer puts `format` first). `None` when the text does not start that way.
fn sniff_format(json: &str) -> Option<&str> {
    let rest = json.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"format\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
}

/// The `format` of a document wherever it is, reading (and skipping) the whole text.
fn format_anywhere(json: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct FormatOnly {
        format: String,
    }
    serde_json::from_str::<FormatOnly>(json)
        .ok()
        .map(|f| f.format)
}

pub(crate) fn json_error(e: &serde_json::Error) -> StateError {
    StateError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

impl Document {
    /// Parses a document of either format, enforcing `limits` (size first, before
    /// anything is allocated for it; then the log length and every text). A format-1
    /// document comes back with `format` = [`FORMAT_1`] and its events in this format's
    /// types.
    pub fn from_json(json: &str, limits: &LoadLimits) -> Result<Document, StateError> {
        check_limit("size in bytes", json.len(), limits.max_bytes, "max_bytes")?;
        let doc = match sniff_format(json) {
            Some(FORMAT_1) => v1::read(json)?,
            Some(_) => serde_json::from_str(json).map_err(|e| json_error(&e))?,
            // Keys in another order than written: try this format, then the first.
            None => match serde_json::from_str::<Document>(json) {
                Ok(doc) => doc,
                Err(e) if format_anywhere(json).as_deref() == Some(FORMAT_1) => {
                    drop(e);
                    v1::read(json)?
                }
                Err(e) => return Err(json_error(&e)),
            },
        };
        doc.check_limits(limits)?;
        Ok(doc)
    }

    /// Checks the log length and the length of every text against `limits`.
    pub fn check_limits(&self, limits: &LoadLimits) -> Result<(), StateError> {
        check_limit(
            "number of events",
            self.events.len(),
            limits.max_events,
            "max_events",
        )?;
        let longest = self
            .items
            .iter()
            .chain(&self.orphans)
            .flat_map(|(id, state)| std::iter::once(id.as_str()).chain(state.texts()))
            .chain(self.events.iter().flat_map(Event::texts))
            .map(str::len)
            .max()
            .unwrap_or(0);
        check_limit(
            "longest text in bytes",
            longest,
            limits.max_text_bytes,
            "max_text_bytes",
        )
    }
}

fn check_limit(
    what: &'static str,
    size: usize,
    limit: usize,
    field: &'static str,
) -> Result<(), StateError> {
    if size > limit {
        return Err(StateError::Limit {
            what,
            size,
            limit,
            field,
        });
    }
    Ok(())
}

impl State {
    /// The state document as pretty-printed JSON (two-space indent, trailing newline).
    ///
    /// ```
    /// use checklist_core::{Actor, Spec, State};
    /// let mut state = State::new(Spec::parse("- [ ] a\n")?);
    /// let a = state.spec().index_of("a").unwrap();
    /// state.complete(a, &Actor::new("ann"))?;
    /// let json = state.to_json();
    /// let loaded = State::from_json(state.spec().clone(), &json)?.state;
    /// assert_eq!(loaded, state);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a state always serializes");
        s.push('\n');
        s
    }

    /// An owned copy of the document.
    pub fn to_document(&self) -> Document {
        let spec = self.spec();
        Document {
            format: FORMAT.to_string(),
            checklist: ChecklistRef {
                id: spec.id().to_string(),
                version: spec.version().map(str::to_string),
                digest: spec.digest().to_string(),
            },
            revision: self.revision(),
            items: spec
                .items()
                .iter()
                .map(|i| (i.id().to_string(), self.item(i.index()).clone()))
                .collect(),
            orphans: self.orphans().clone(),
            events: self.events().to_vec(),
        }
    }

    /// Parses and loads a state document for `spec`.
    pub fn from_json(spec: impl IntoSpec, json: &str) -> Result<Loaded, StateError> {
        State::from_json_with_limits(spec, json, &LoadLimits::default())
    }

    /// [`State::from_json`] with explicit resource limits.
    pub fn from_json_with_limits(
        spec: impl IntoSpec,
        json: &str,
        limits: &LoadLimits,
    ) -> Result<Loaded, StateError> {
        let doc = Document::from_json(json, limits)?;
        State::from_document(spec, doc)
    }

    /// Loads a state document for `spec`: checks it and replays its log (see the module
    /// docs), migrating it when it was made for another version of the checklist.
    pub fn from_document(spec: impl IntoSpec, doc: Document) -> Result<Loaded, StateError> {
        State::from_document_with_clock(spec, doc, Arc::new(SystemClock))
    }

    /// [`State::from_document`] with the clock the loaded state uses, given before the
    /// load so that a migration's `reset` and `void` events are stamped by it too.
    pub fn from_document_with_clock(
        spec: impl IntoSpec,
        doc: Document,
        clock: Arc<dyn Clock>,
    ) -> Result<Loaded, StateError> {
        let spec = spec.into_spec();
        let upgraded_from = match doc.format.as_str() {
            FORMAT => None,
            FORMAT_1 => Some(FORMAT_1),
            _ => return Err(StateError::Format { found: doc.format }),
        };
        if doc.checklist.id != spec.id() {
            return Err(StateError::WrongChecklist {
                expected: spec.id().to_string(),
                found: doc.checklist.id,
            });
        }
        verify_chain(&doc.events)?;
        crate::trust::verify_log(&spec, &doc.events).map_err(|(seq, problem)| {
            StateError::from(crate::state::ChainError::Signature { seq, problem })
        })?;
        if let Some(e) = doc
            .events
            .iter()
            .find(|e| !crate::state::event_is_consistent(e))
        {
            return Err(StateError::Event {
                seq: e.seq,
                problem: format!(
                    "`{}` does not lead from `{}` to `{}`",
                    e.action(),
                    e.from,
                    e.to
                ),
            });
        }
        // Times never go back (the chain checks it), so the first and last bound them.
        for e in [doc.events.first(), doc.events.last()]
            .into_iter()
            .flatten()
        {
            if e.at < crate::state::EARLIEST || e.at > crate::state::LATEST {
                return Err(StateError::Event {
                    seq: e.seq,
                    problem: format!(
                        "it is dated {}, outside the years 0000 to 9999 that RFC 3339 writes",
                        e.at
                    ),
                });
            }
        }
        let now = clock.now();
        let warnings: Vec<LoadWarning> = doc
            .events
            .iter()
            .find(|e| e.at > now + crate::state::CLOCK_SKEW)
            .map(|e| LoadWarning::FutureEvents {
                seq: e.seq,
                at: e.at,
                now,
            })
            .into_iter()
            .collect();
        let logged = doc.events.last().map_or(0, |e| e.revision);
        if doc.revision != logged {
            return Err(StateError::Revision {
                stored: doc.revision,
                logged,
            });
        }
        let stored_revision = Some(doc.revision);
        if doc.checklist.digest != spec.digest() {
            let (state, migration) = migrate(spec, doc, clock);
            return Ok(Loaded {
                state,
                migration: Some(migration),
                stored_revision,
                upgraded_from,
                warnings,
            });
        }
        let indices = crate::state::event_indices(&spec, &doc.events);
        // For this exact checklist every event must name one of its items, or an item
        // an earlier migration removed (whose state the document keeps as an orphan).
        if let Some(e) = doc
            .events
            .iter()
            .zip(&indices)
            .find(|(e, index)| index.is_none() && !doc.orphans.contains_key(&*e.item))
            .map(|(e, _)| e)
        {
            return Err(StateError::UnknownItem {
                seq: e.seq,
                item: e.item.to_string(),
            });
        }
        let mut state = State::fold_verified(spec, doc.events, &indices).with_clock(clock);
        check_items(&state, &doc.items)?;
        state.orphans = doc.orphans;
        Ok(Loaded {
            state,
            migration: None,
            stored_revision,
            upgraded_from,
            warnings,
        })
    }
}

/// Same spec: the stored states must be exactly the fold of the log, for exactly this
/// checklist's ids (equal counts plus every id present = no extra ids).
fn check_items(state: &State, stored: &IndexMap<String, ItemState>) -> Result<(), StateError> {
    let spec = state.spec();
    if stored.len() != spec.items().len() {
        // Name an id the checklist lacks, else one the document lacks.
        let item = stored
            .keys()
            .find(|k| spec.index_of(k).is_none())
            .cloned()
            .or_else(|| {
                spec.items()
                    .iter()
                    .find(|i| !stored.contains_key(i.id()))
                    .map(|i| i.id().to_string())
            })
            .unwrap_or_default();
        return Err(StateError::Items { item });
    }
    for (position, item) in spec.items().iter().enumerate() {
        // Documents list items in the spec's order (that is how they are written): try
        // the entry at the same position before hashing the id to find it.
        let found = match stored.get_index(position) {
            Some((id, found)) if id == item.id() => Some(found),
            _ => stored.get(item.id()),
        };
        match found {
            None => {
                return Err(StateError::Items {
                    item: item.id().to_string(),
                });
            }
            Some(found) if found != state.item(item.index()) => {
                return Err(StateError::Mismatch {
                    item: item.id().to_string(),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Loads a document made for another version of the checklist: matches items by id,
/// keeps removed items' states as orphans, resets retyped items with a logged event.
fn migrate(spec: Arc<Spec>, doc: Document, clock: Arc<dyn Clock>) -> (State, Migration) {
    let mut report = Migration {
        from_digest: doc.checklist.digest.clone(),
        to_digest: spec.digest().to_string(),
        ..Migration::default()
    };
    let mut orphans = doc.orphans;
    let mut retyped: Vec<ItemIndex> = Vec::new();
    for (id, stored) in &doc.items {
        match spec.index_of(id) {
            None => {
                report.removed.push(id.clone());
                orphans.insert(id.clone(), stored.clone());
            }
            Some(i) => {
                if !fits(spec.item(i).kind(), stored) {
                    report.retyped.push(id.clone());
                    orphans.insert(id.clone(), stored.clone());
                    retyped.push(i);
                }
            }
        }
    }
    for item in spec.items() {
        if !doc.items.contains_key(item.id()) {
            report.added.push(item.id().to_string());
        }
    }
    let indices = crate::state::event_indices(&spec, &doc.events);
    let mut state = State::fold_verified(spec.clone(), doc.events, &indices).with_clock(clock);
    state.orphans = orphans;
    // Only items whose folded state still does not fit need a reset: an item retyped
    // task -> field has task events that the fold already skipped.
    let needs_reset: Vec<ItemIndex> = retyped
        .iter()
        .copied()
        .filter(|&i| state.item(i) != &ItemState::initial(spec.item(i).kind(), spec.item(i).mark()))
        .collect();
    // An approval covers what was there when it was given: an item added to (or retyped
    // in) what it covers voids it, as a change to a covered item would.
    let changed: Vec<ItemIndex> = report
        .added
        .iter()
        .filter_map(|id| spec.index_of(id))
        .chain(retyped.iter().copied())
        .collect();
    let start = state.events().len();
    report.reopened = state.migrate_items(&needs_reset, &changed);
    report.voided = state.events()[start..]
        .iter()
        .filter(|e| e.action() == crate::state::Action::Void)
        .map(|e| e.item.to_string())
        .collect();
    (state, report)
}

/// Whether a stored state still makes sense for an item of `kind`.
fn fits(kind: &ItemKind, stored: &ItemState) -> bool {
    if !stored.status().fits(kind) {
        return false;
    }
    match (kind, stored) {
        (ItemKind::Field(ty), ItemState::Filled { value, .. }) => Value::parse(ty, value).is_ok(),
        (
            ItemKind::SignOff { role },
            ItemState::Approved { role: r, .. } | ItemState::Rejected { role: r, .. },
        ) => **role == **r,
        _ => true,
    }
}
