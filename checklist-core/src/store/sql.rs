//! What the database stores share: run names, the listing of runs, the schema's version,
//! and the mapping between a run's rows and the state [`Document`] that every load goes
//! through.
//!
//! Both stores keep the same two tables (see `docs/stores.md` for the full schema):
//!
//! - `runs`: one row per run: its name, the checklist it is a run of (id, version,
//!   digest), its revision, how many events it has and the last one's hash, the item
//!   states and orphans as the state document holds them (JSON), the progress at the last
//!   save (items resolved, items in all) and when it was created and last changed;
//! - `events`: one append-only row per event of the audit log, with the event's fields
//!   as columns named like the document's (`seq`, `revision`, `at`, `actor`, `item`,
//!   `action`, `from_status`, `to_status`, the payload's `note`, `evidence`, `reason`,
//!   `approver`, `expires`, `value`, `role`, `comment`, `because`, `cause`, and `hash`).
//!
//! A third table, `checklist_schema`, holds the version of this layout. Loading turns the
//! rows back into a [`Document`] and hands it to [`State::from_document_with_clock`], so a
//! run in a database is checked exactly as a state file is: the hash chain, the
//! revisions, that the stored item states are the replay of the log, and the migration to
//! a changed checklist.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::StoreError;
use crate::clock::Clock;
use crate::document::{ChecklistRef, Document, FORMAT, LoadLimits, Loaded, StateError};
use crate::spec::Spec;
use crate::state::{Event, ItemState, Resolution, State};

/// The version of the tables' layout this version of the library writes and reads.
/// A database whose `checklist_schema` says more is refused.
pub const SCHEMA_VERSION: i64 = 1;

/// The longest run name, in bytes.
pub const MAX_RUN_NAME: usize = 128;

/// The name of a run in a database store: 1 to 128 ASCII letters, digits, `-`, `_` and
/// `.`, starting with a letter or a digit (`release-2026-12-01`).
///
/// ```
/// use checklist_core::store::RunName;
///
/// let name: RunName = "release-2026-12-01".parse()?;
/// assert_eq!(name.as_str(), "release-2026-12-01");
/// let refused = RunName::new("'; DROP TABLE runs; --").unwrap_err();
/// assert!(refused.to_string().contains("is not a run name"));
/// # Ok::<(), checklist_core::store::InvalidRunName>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunName(String);

/// Why a text is not a [`RunName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{shown}` is not a run name: {problem}")]
pub struct InvalidRunName {
    /// The text, shortened and with control characters replaced, for messages.
    shown: String,
    problem: String,
}

impl InvalidRunName {
    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        "a run name is 1 to 128 ASCII letters, digits, `-`, `_` and `.`, starting with a \
         letter or a digit, e.g. `release-2026-12-01`"
    }
}

impl RunName {
    /// Checks `name`.
    pub fn new(name: &str) -> Result<RunName, InvalidRunName> {
        let invalid = |problem: String| InvalidRunName {
            shown: name
                .chars()
                .take(40)
                .map(|c| if c.is_control() { ' ' } else { c })
                .chain(if name.chars().count() > 40 { "…" } else { "" }.chars())
                .collect(),
            problem,
        };
        let Some(first) = name.chars().next() else {
            return Err(invalid("it is empty".into()));
        };
        if name.len() > MAX_RUN_NAME {
            return Err(invalid(format!(
                "it is {} bytes long, more than {MAX_RUN_NAME}",
                name.len()
            )));
        }
        if !first.is_ascii_alphanumeric() {
            return Err(invalid(format!(
                "it starts with `{}`; it must start with a letter or a digit",
                first.escape_debug()
            )));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(invalid(format!(
                "it has `{}`; only ASCII letters, digits, `-`, `_` and `.` may appear",
                c.escape_debug()
            )));
        }
        Ok(RunName(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for RunName {
    type Err = InvalidRunName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunName::new(s)
    }
}

impl fmt::Display for RunName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RunName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// One run in a database, as its `runs` row describes it (without loading its log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RunSummary {
    /// The run's name.
    pub name: String,
    /// The id of the checklist it is a run of.
    pub checklist: String,
    /// That checklist's version, from its front matter.
    pub version: Option<String>,
    /// The run's revision.
    pub revision: u64,
    /// Events in its log.
    pub events: u64,
    /// Items resolved (done, filled, approved, not applicable, waived) as of its last
    /// change.
    pub resolved: u64,
    /// Items in the checklist it was last saved with.
    pub total: u64,
    /// When the run was last changed (its last event, or its creation).
    pub updated_at: DateTime<Utc>,
}

/// `name` as a run name, or the store error that says why it is not one.
pub(crate) fn run_name(name: &str, database: &str) -> Result<RunName, StoreError> {
    RunName::new(name).map_err(|e| StoreError::Backend {
        location: database.to_string(),
        message: e.to_string(),
        help: e.help().to_string(),
        source: None,
    })
}

/// A database whose schema is newer than this version knows.
pub(crate) fn newer_schema(location: String, what: &str, found: i64) -> StoreError {
    StoreError::Backend {
        message: format!(
            "{what} holds checklist tables of schema version {found}; this version of \
             checklist knows version {SCHEMA_VERSION} at most"
        ),
        help: format!(
            "use a version of checklist that knows schema version {found} (the one that \
             upgraded the database), or point this one at another database"
        ),
        location,
        source: None,
    }
}

// ---------------------------------------------------------------------------------------
// Events as rows

/// Every column of `events` but `run`, in the order the stores write and read them.
/// What an event records beyond who, what and when is one JSON object, `payload`: the
/// event's own fields as its JSON in a state file has them (`note`, `reason`, `waiver`,
/// `value`, ...), so an action added later needs no change of layout.
pub(crate) const EVENT_COLUMNS: &str =
    "seq, revision, at, actor, item, action, from_status, to_status, payload, hash";

/// The fields every event has, kept in columns of their own.
const COMMON_FIELDS: [&str; 9] = [
    "seq", "revision", "at", "actor", "item", "action", "from", "to", "hash",
];

/// One event as the columns of an `events` row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct EventRow {
    pub(crate) seq: i64,
    pub(crate) revision: i64,
    /// RFC 3339 in UTC, with as many fractional digits as needed: exactly what the hash
    /// covers (a database timestamp type would round the nanoseconds).
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) item: String,
    pub(crate) action: String,
    pub(crate) from_status: String,
    pub(crate) to_status: String,
    /// The event's other fields, as a JSON object (`{}` when it has none).
    pub(crate) payload: String,
    pub(crate) hash: String,
}

fn int(n: u64, what: &str) -> Result<i64, String> {
    i64::try_from(n).map_err(|_| format!("its {what} {n} does not fit a database integer"))
}

impl EventRow {
    /// The row of `event`: its common fields in their columns, the rest of its JSON (as a
    /// state file has it) in `payload`.
    pub(crate) fn of(event: &Event) -> Result<EventRow, String> {
        let Json::Object(mut json) =
            serde_json::to_value(event).map_err(|e| format!("event #{}: {e}", event.seq))?
        else {
            return Err(format!("event #{} is not a JSON object", event.seq));
        };
        for key in COMMON_FIELDS {
            json.remove(key);
        }
        Ok(EventRow {
            seq: int(event.seq, "seq")?,
            revision: int(event.revision, "revision")?,
            at: at_text(&event.at),
            actor: event.actor.to_string(),
            item: event.item.to_string(),
            action: event.action().as_str().to_string(),
            from_status: event.from.as_str().to_string(),
            to_status: event.to.as_str().to_string(),
            payload: Json::Object(json).to_string(),
            hash: event.hash.to_string(),
        })
    }

    /// The event this row holds, read by the same deserializer as a state file's events
    /// (which refuses fields that the action does not record, and requires those it
    /// does).
    pub(crate) fn into_event(self) -> Result<Event, StateError> {
        let seq = self.seq;
        let problem = |problem: String| StateError::Event {
            seq: u64::try_from(seq).unwrap_or(0),
            problem,
        };
        let mut json = match serde_json::from_str::<Json>(&self.payload) {
            Ok(Json::Object(payload)) => payload,
            Ok(other) => return Err(problem(format!("its payload is {other}, not an object"))),
            Err(e) => return Err(problem(format!("its payload is not JSON: {e}"))),
        };
        if let Some(key) = COMMON_FIELDS.iter().find(|k| json.contains_key(**k)) {
            return Err(problem(format!("its payload repeats the column `{key}`")));
        }
        json.insert("seq".into(), Json::from(self.seq));
        json.insert("revision".into(), Json::from(self.revision));
        json.insert("at".into(), Json::String(self.at));
        json.insert("actor".into(), Json::String(self.actor));
        json.insert("item".into(), Json::String(self.item));
        json.insert("action".into(), Json::String(self.action));
        json.insert("from".into(), Json::String(self.from_status));
        json.insert("to".into(), Json::String(self.to_status));
        json.insert("hash".into(), Json::String(self.hash));
        serde_json::from_value(Json::Object(json)).map_err(|e| problem(e.to_string()))
    }
}

/// How event times are stored: RFC 3339, UTC, `Z`, as many fractional digits as needed
/// (the JSON document's form).
pub(crate) fn at_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

// ---------------------------------------------------------------------------------------
// The run row

/// What a store reads of a `runs` row to check a save: the stored head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub(crate) checklist_id: String,
    pub(crate) revision: i64,
    pub(crate) events: i64,
    pub(crate) head_hash: String,
}

/// What a load reads of a `runs` row.
#[derive(Debug, Clone)]
pub(crate) struct RunRow {
    pub(crate) head: Head,
    pub(crate) checklist_version: Option<String>,
    pub(crate) digest: String,
    pub(crate) items: String,
    pub(crate) orphans: String,
}

/// The `runs` row a save writes for `state`.
#[derive(Debug, Clone)]
pub(crate) struct NewRunRow {
    pub(crate) checklist_id: String,
    pub(crate) checklist_version: Option<String>,
    pub(crate) digest: String,
    pub(crate) revision: i64,
    pub(crate) events: i64,
    pub(crate) head_hash: String,
    pub(crate) items: String,
    pub(crate) orphans: String,
    pub(crate) resolved: i64,
    pub(crate) total: i64,
    pub(crate) updated_at: String,
}

struct ItemsOf<'a>(&'a State);

impl Serialize for ItemsOf<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let state = self.0;
        let mut m = s.serialize_map(Some(state.items().len()))?;
        for (item, st) in state.spec().items().iter().zip(state.items()) {
            m.serialize_entry(item.id(), st)?;
        }
        m.end()
    }
}

impl NewRunRow {
    /// The row for `state`. Its progress and `updated_at` are as of its last event, so
    /// that saving reads no clock (a fixed clock's readings stay the events' own).
    pub(crate) fn of(state: &State) -> Result<NewRunRow, String> {
        let spec = state.spec();
        let last = state.events().last().map(|e| e.at);
        let at = last.unwrap_or_else(Utc::now);
        let resolved = spec
            .items()
            .iter()
            .filter(|i| matches!(state.resolution(i.index(), at), Resolution::Resolved(_)))
            .count();
        let json = |r: serde_json::Result<String>| r.map_err(|e| e.to_string());
        let count = |n: usize| i64::try_from(n).map_err(|_| format!("{n} does not fit"));
        Ok(NewRunRow {
            checklist_id: spec.id().to_string(),
            checklist_version: spec.version().map(str::to_string),
            digest: spec.digest().to_string(),
            revision: int(state.revision(), "revision")?,
            events: count(state.events().len())?,
            head_hash: state
                .events()
                .last()
                .map_or(crate::state::GENESIS_HASH.to_string(), |e| {
                    e.hash.to_string()
                }),
            items: json(serde_json::to_string(&ItemsOf(state)))?,
            orphans: json(serde_json::to_string(state.orphans()))?,
            resolved: count(resolved)?,
            total: count(spec.items().len())?,
            updated_at: at_text(&at),
        })
    }
}

/// Where a run lives, for messages: its database (`sqlite:ci.db`, a URL without its
/// password) and its name. [`Store::location`](super::Store::location) is
/// `DATABASE#RUN`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Site<'a> {
    pub(crate) database: &'a str,
    pub(crate) run: &'a RunName,
}

impl Site<'_> {
    pub(crate) fn location(&self) -> String {
        format!("{}#{}", self.database, self.run)
    }

    pub(crate) fn backend(&self, message: String, help: impl Into<String>) -> StoreError {
        StoreError::Backend {
            location: self.location(),
            message,
            help: help.into(),
            source: None,
        }
    }
}

/// Checks a save of `state` based on `expected` against the stored head, and returns how
/// many of the state's events are stored already (the save inserts the rest).
pub(crate) fn check_save(
    site: Site<'_>,
    head: Option<&Head>,
    state: &State,
    expected: Option<u64>,
) -> Result<usize, StoreError> {
    let found = head.map(|h| u64::try_from(h.revision).unwrap_or(0));
    if found != expected {
        return Err(StoreError::Conflict {
            location: site.location(),
            expected,
            found: found.unwrap_or(0),
        });
    }
    let Some(head) = head else { return Ok(0) };
    let (run, database) = (site.run, site.database);
    let id = state.spec().id();
    if head.checklist_id != id {
        return Err(site.backend(
            format!(
                "the run `{run}` in `{database}` is a run of the checklist `{}`, not `{id}`; \
                 nothing was written",
                head.checklist_id
            ),
            "name another run (`--run NAME`), or use the checklist this run belongs to",
        ));
    }
    let stored = usize::try_from(head.events).unwrap_or(usize::MAX);
    let continues = match stored.checked_sub(1) {
        None => true,
        Some(last) => state
            .events()
            .get(last)
            .is_some_and(|e| e.hash.to_string() == head.head_hash),
    };
    if !continues {
        return Err(site.backend(
            format!(
                "the state to save does not continue the log of the run `{run}` in \
                 `{database}` (its first {stored} events differ); nothing was written"
            ),
            "load the run again and make the change on what is stored",
        ));
    }
    Ok(stored)
}

#[derive(Deserialize)]
#[serde(transparent)]
struct UniqueItems(
    #[serde(deserialize_with = "crate::document::unique_keys")] IndexMap<String, ItemState>,
);

/// Loads a run from its row and its events' rows, through the one loader every store
/// uses ([`State::from_document_with_clock`]), then checks that the row's head (event
/// count and last hash) is the log's.
pub(crate) fn load(
    site: Site<'_>,
    spec: &Arc<Spec>,
    row: RunRow,
    events: Vec<EventRow>,
    clock: Arc<dyn Clock>,
    limits: &LoadLimits,
) -> Result<Loaded, StoreError> {
    let location = site.location();
    let state_error = |source| StoreError::State {
        location: location.clone(),
        source,
    };
    let bytes = row.items.len() + row.orphans.len();
    if bytes > limits.max_bytes {
        return Err(state_error(StateError::Limit {
            what: "size in bytes",
            size: bytes,
            limit: limits.max_bytes,
            field: "max_bytes",
        }));
    }
    let items = |text: &str, what: &str| {
        serde_json::from_str::<UniqueItems>(text)
            .map(|u| u.0)
            .map_err(|e| {
                state_error(StateError::Json {
                    line: e.line(),
                    column: e.column(),
                    message: format!("the run's {what}: {e}"),
                })
            })
    };
    let head = row.head;
    let doc = Document {
        format: FORMAT.to_string(),
        checklist: ChecklistRef {
            id: head.checklist_id.clone(),
            version: row.checklist_version,
            digest: row.digest,
        },
        revision: u64::try_from(head.revision).map_err(|_| {
            state_error(StateError::Revision {
                stored: 0,
                logged: 0,
            })
        })?,
        items: items(&row.items, "item states")?,
        orphans: items(&row.orphans, "orphans")?,
        events: events
            .into_iter()
            .map(EventRow::into_event)
            .collect::<Result<_, _>>()
            .map_err(state_error)?,
    };
    doc.check_limits(limits).map_err(state_error)?;
    let logged = (
        doc.events.len(),
        doc.events.last().map(|e| e.hash.to_string()),
    );
    let loaded = State::from_document_with_clock(spec.clone(), doc, clock).map_err(state_error)?;
    let recorded = (
        usize::try_from(head.events).unwrap_or(usize::MAX),
        (head.events > 0).then_some(head.head_hash),
    );
    if logged != recorded {
        return Err(site.backend(
            format!(
                "the run `{}` in `{}` records {} events ending at another hash than its \
                 log of {} events: events were added, removed or edited outside checklist",
                site.run, site.database, recorded.0, logged.0
            ),
            "restore the database from a backup",
        ));
    }
    Ok(loaded)
}

/// A fresh state, for a run that does not exist yet.
pub(crate) fn fresh(spec: &Arc<Spec>, clock: Arc<dyn Clock>) -> Loaded {
    Loaded::fresh(State::new(spec.clone()).with_clock(clock))
}

/// Parses a stored `updated_at`.
pub(crate) fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map_or(DateTime::UNIX_EPOCH, |t| t.with_timezone(&Utc))
}

// ---------------------------------------------------------------------------------------
// Connections

/// Idle connections a store keeps for its next operations, so that threads sharing one
/// store each get their own connection (and the database, not a mutex here, decides who
/// waits).
pub(crate) struct Pool<C> {
    idle: Mutex<Vec<C>>,
}

/// The most idle connections kept.
const POOL_SIZE: usize = 8;

impl<C> Pool<C> {
    pub(crate) fn new() -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
        }
    }

    fn guard(&self) -> MutexGuard<'_, Vec<C>> {
        // The vector is only pushed to and popped from: a panic elsewhere cannot leave
        // it half-changed.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An idle connection, if there is one.
    pub(crate) fn take(&self) -> Option<C> {
        self.guard().pop()
    }

    /// Keeps `conn` for later (or drops it when enough are kept).
    pub(crate) fn give(&self, conn: C) {
        let mut idle = self.guard();
        if idle.len() < POOL_SIZE {
            idle.push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Actor;

    #[test]
    fn run_names_are_slug_like() {
        for good in ["release-2026-12-01", "a", "R1.2_final", &"x".repeat(128)] {
            assert_eq!(RunName::new(good).unwrap().as_str(), good);
        }
        for (bad, why) in [
            ("", "empty"),
            ("-x", "starts with `-`"),
            ("a b", "has ` `"),
            ("'; DROP TABLE runs; --", "starts with `\\'`"),
            ("run;", "has `;`"),
            ("é", "starts with `é`"),
            (&"x".repeat(129), "129 bytes"),
        ] {
            let e = RunName::new(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    #[test]
    fn every_payload_round_trips_through_a_row() {
        let spec = Arc::new(
            Spec::parse(
                "+++\nsignoff_gate = \"complete\"\n+++\n- [ ] a\n- [ ] b\n- [ ] c (optional)\n\
                 - [ ] d\n- [ ] When Date: ____\n\n## Sign-Off\n- [ ] QA Approval: ____\n",
            )
            .unwrap(),
        );
        let i = |id: &str| spec.index_of(id).unwrap();
        let ann = Actor::new("ann");
        let qa = Actor::new("quinn").with_role("qa");
        let mut s = State::new(spec.clone());
        s.complete(i("a"), &ann).unwrap();
        s.apply(
            i("b"),
            &ann,
            crate::Request::Complete {
                note: Some("with 'quotes'; DROP TABLE runs; --"),
                evidence: Some("https://ci.example/1"),
            },
        )
        .unwrap();
        s.skip(i("c"), &ann, Some("not here")).unwrap();
        s.apply(
            i("d"),
            &ann,
            crate::Request::Skip {
                reason: Some("later"),
                waiver: Some(crate::WaiverRequest {
                    approver: "bob",
                    expires: chrono::NaiveDate::from_ymd_opt(2999, 1, 1),
                }),
            },
        )
        .unwrap();
        s.fill(i("when-date"), &ann, "2026-12-01").unwrap();
        s.approve(i("sign-off/qa-approval"), &qa, Some("ok"))
            .unwrap();
        s.reopen(i("a"), &ann, "again").unwrap(); // voids the approval
        s.block(i("a"), &ann, "waiting").unwrap();
        s.unblock(i("a"), &ann).unwrap();
        s.clear(i("when-date"), &ann).unwrap();
        assert!(s.events().iter().any(|e| e.action() == crate::Action::Void));
        for e in s.events() {
            let row = EventRow::of(e).unwrap();
            assert_eq!(&row.clone().into_event().unwrap(), e, "{row:?}");
        }
    }

    #[test]
    fn a_row_with_a_field_its_action_does_not_record_is_refused() {
        let mut s = State::new(Spec::parse("- [ ] a\n").unwrap());
        let a = s.spec().index_of("a").unwrap();
        s.complete(a, &Actor::new("ann")).unwrap();
        let mut row = EventRow::of(&s.events()[0]).unwrap();
        row.payload = r#"{"role":"admin"}"#.into(); // a `role` on a `complete`
        match row.into_event() {
            Err(StateError::Event { seq: 1, problem }) => {
                assert!(problem.contains("role"), "{problem}")
            }
            other => panic!("{other:?}"),
        }
    }
}
