//! A checklist run: per-item states that change only through checked transitions, each
//! recorded in a hash-chained, append-only log.
//!
//! Every transition either succeeds, appending one event (plus one `void` event per
//! approved sign-off it invalidates, all as one revision), or fails with a
//! [`TransitionError`] and changes nothing. Item states are never set directly: a new
//! event is built first and the state is derived from it by the same fold that
//! [`State::replay`] uses, so a state is by construction the fold of its log.
//!
//! The rules (which action applies where, what resolves) are the table in [`rules`];
//! `check` below is lookups in it plus the named cross-item guards.

pub(crate) mod event;
pub mod evidence;
mod guards;
mod item_state;
pub mod rules;
mod shape;
mod transition;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use indexmap::IndexMap;

pub use event::{ChainError, Event, EventHash, GENESIS_HASH, InvalidDigest, Payload, verify_chain};
pub use evidence::{Capture, Evidence, Outcome};
pub use item_state::{ItemState, Origin, Voided, Waiver};
pub use rules::{Action, Kind, Resolution, Settled, Stale, Status};
pub use transition::{
    Actor, Refusal, RenameError, Request, StatusList, TransitionError, WaiverRequest,
};

use crate::clock::{Clock, SystemClock};
use crate::spec::{ItemIndex, Spec};
use crate::value::Value;
use event::Draft;
use rules::Leads;

/// What a [`State`] can hold its spec from, without copying it: a [`Spec`] (moved in),
/// an `Arc<Spec>`, or a `&Arc<Spec>` (shared with whoever else holds it).
pub trait IntoSpec {
    /// The shared spec.
    fn into_spec(self) -> Arc<Spec>;
}

impl IntoSpec for Spec {
    fn into_spec(self) -> Arc<Spec> {
        Arc::new(self)
    }
}

impl IntoSpec for Arc<Spec> {
    fn into_spec(self) -> Arc<Spec> {
        self
    }
}

impl IntoSpec for &Arc<Spec> {
    fn into_spec(self) -> Arc<Spec> {
        self.clone()
    }
}

/// What a successful transition did: the revision it made and the events it appended
/// (the first is the change itself, any others are voided sign-offs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The new revision.
    pub revision: u64,
    /// Positions of the appended events in [`State::events`].
    pub events: std::ops::Range<usize>,
}

/// The state of one run of a checklist.
///
/// A state owns its spec (through an `Arc`), so it can be kept in a struct, returned
/// from a function or shared between threads; it is `Send + Sync + 'static`.
///
/// ```
/// use checklist_core::{Actor, Spec, State, Status};
///
/// let spec = Spec::parse("# Ship\n\n- [ ] Tests pass\n- [ ] Release Date: ____\n")?;
/// let mut state = State::new(spec);
/// let tests_pass = state.spec().index_of("tests-pass").unwrap();
/// let release_date = state.spec().index_of("release-date").unwrap();
/// let ci = Actor::new("ci");
/// state.complete(tests_pass, &ci)?;
/// state.fill(release_date, &ci, "2026-12-01")?;
/// assert_eq!(state.get("tests-pass").unwrap().status(), Status::Done);
/// assert_eq!(state.events().len(), 2);
///
/// // A refused transition changes nothing.
/// let err = state.fill(release_date, &ci, "soon").unwrap_err();
/// assert!(err.to_string().contains("YYYY-MM-DD"));
/// assert_eq!(state.events().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct State {
    spec: Arc<Spec>,
    items: Vec<ItemState>,
    events: Vec<Event>,
    revision: u64,
    pub(crate) orphans: IndexMap<String, ItemState>,
    clock: Arc<dyn Clock>,
    /// How many sign-offs are approved: a transition only looks for approvals to void
    /// when there is one (the fold keeps it up to date).
    approved: usize,
    /// The raw digest of the last event (zeros before the first): the next event chains
    /// from it.
    head: [u8; 32],
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("checklist", &self.spec.id())
            .field("revision", &self.revision)
            .field("items", &self.items)
            .field("events", &self.events.len())
            .field("orphans", &self.orphans)
            .finish_non_exhaustive()
    }
}

impl PartialEq for State {
    /// Two states are equal when they are for the same spec and hold the same item
    /// states, orphans, log and revision (the clock is not compared).
    fn eq(&self, other: &Self) -> bool {
        self.spec.digest() == other.spec.digest()
            && self.items == other.items
            && self.events == other.events
            && self.revision == other.revision
            && self.orphans == other.orphans
    }
}

impl State {
    /// A fresh state: every item in its initial state (from the box as written), an
    /// empty log, revision 0, the system clock.
    pub fn new(spec: impl IntoSpec) -> Self {
        let spec = spec.into_spec();
        State {
            items: spec
                .items()
                .iter()
                .map(|i| ItemState::initial(i.kind(), i.mark()))
                .collect(),
            spec,
            events: Vec::new(),
            revision: 0,
            orphans: IndexMap::new(),
            clock: Arc::new(SystemClock),
            approved: 0,
            head: [0; 32],
        }
    }

    /// A state with no items and no log, standing in for a moment while a real one is
    /// moved out (see `TypedState`); it allocates nothing.
    pub(crate) fn placeholder(spec: Arc<Spec>, clock: Arc<dyn Clock>) -> Self {
        State {
            spec,
            items: Vec::new(),
            events: Vec::new(),
            revision: 0,
            orphans: IndexMap::new(),
            clock,
            approved: 0,
            head: [0; 32],
        }
    }

    /// Uses `clock` for timestamps and "today" from now on.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The clock this state reads.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Rebuilds a state by folding `events` over a fresh state, after verifying the hash
    /// chain. Events for ids the spec does not have, or whose statuses do not fit the
    /// item's kind (the checklist changed since), leave the items alone.
    pub fn replay(spec: impl IntoSpec, events: Vec<Event>) -> Result<Self, ChainError> {
        verify_chain(&events)?;
        let spec = spec.into_spec();
        crate::trust::verify_log(&spec, &events)
            .map_err(|(seq, problem)| ChainError::Signature { seq, problem })?;
        let indices = event_indices(&spec, &events);
        Ok(State::fold_verified(spec, events, &indices))
    }

    /// [`State::replay`] of a log the caller has already verified.
    /// `indices[k]` is the item of `events[k]` ([`event_indices`]), looked up once by
    /// the caller, which may need them too.
    pub(crate) fn fold_verified(
        spec: Arc<Spec>,
        mut events: Vec<Event>,
        indices: &[Option<ItemIndex>],
    ) -> Self {
        // Events about items of this checklist share the spec's id.
        // (Only where the event names the item itself: one recorded under an id that was
        // renamed since keeps the id it was recorded with.)
        for (e, index) in events.iter_mut().zip(indices) {
            if let Some(i) = index {
                let shared = spec.item(*i).shared_id();
                if **shared == *e.item {
                    e.item = shared.clone();
                }
            }
        }
        let mut state = State::new(spec);
        // The fold from the end: an item's state is made whole by the last of its events
        // that applies to it, so only that one is built (not one state per event), and
        // the log is kept as it came. It ends where the fold from the start would.
        let mut settled = vec![false; state.spec.items().len()];
        let mut open = settled.len();
        for (position, e) in events.iter().enumerate().rev() {
            if open == 0 {
                break;
            }
            let Some(index) = indices.get(position).copied().flatten() else {
                continue; // an item that is no longer in the checklist
            };
            if settled[index.get()] {
                continue;
            }
            if let Some(item_state) = state.state_after(index, e) {
                settled[index.get()] = true;
                open -= 1;
                state.set_item(index, item_state);
            }
        }
        state.revision = events.last().map_or(0, |e| e.revision);
        state.head = events.last().map_or([0; 32], |e| e.hash.0);
        state.events = events;
        state
    }

    /// The spec this state is for.
    pub fn spec(&self) -> &Arc<Spec> {
        &self.spec
    }

    /// Puts `spec`, a copy of this state's own (the same items, only its allowed-signers
    /// file differs), in its place.
    pub(crate) fn replace_spec(&mut self, spec: Arc<Spec>) {
        debug_assert_eq!(spec.items().len(), self.spec.items().len());
        self.spec = spec;
    }
    /// One item's state, by index.
    ///
    /// # Panics
    /// If the index is not from this state's spec.
    pub fn item(&self, index: ItemIndex) -> &ItemState {
        &self.items[index.get()]
    }
    /// One item's state, by id.
    pub fn get(&self, id: &str) -> Option<&ItemState> {
        self.spec.index_of(id).map(|i| self.item(i))
    }
    /// All item states, in the spec's item order.
    pub fn items(&self) -> &[ItemState] {
        &self.items
    }
    /// The audit log.
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    /// The number of successful transitions so far.
    pub fn revision(&self) -> u64 {
        self.revision
    }
    /// States of items that are no longer in the checklist, kept from older versions.
    pub fn orphans(&self) -> &IndexMap<String, ItemState> {
        &self.orphans
    }
    /// The current time by this state's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
    /// Today (UTC) by this state's clock: when waivers expire.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// Whether, and how, an item counts at `now` (see [`rules::resolution`], and
    /// [`rules::resolution_checked`] for a task with a check).
    #[inline]
    pub fn resolution(&self, index: ItemIndex, now: DateTime<Utc>) -> Resolution {
        let state = &self.items[index.get()];
        match self.spec.check(index) {
            Some(check) => rules::resolution_checked(state, check, now),
            None => rules::resolution(state, now),
        }
    }

    /// Whether an item counts as resolved on `today`: a task done or not applicable
    /// (with a waiver that has not expired, when it has one), a field filled, a sign-off
    /// approved.
    pub fn is_resolved(&self, index: ItemIndex, today: NaiveDate) -> bool {
        self.resolved_at(index, start_of(today))
    }

    pub(crate) fn resolved_at(&self, index: ItemIndex, now: DateTime<Utc>) -> bool {
        matches!(self.resolution(index, now), Resolution::Resolved(_))
    }

    /// Applies a change to one item; see [`Request`] for what each does. Refused changes
    /// return the reason and leave the state exactly as it was.
    ///
    /// When the checklist requires signatures, approve, reject, revoke and waivers are
    /// refused here: sign them with [`State::apply_signed`].
    pub fn apply(
        &mut self,
        index: ItemIndex,
        actor: &Actor,
        request: Request<'_>,
    ) -> Result<Change, TransitionError> {
        self.apply_with(index, actor, request, None)
    }

    /// [`State::apply`], signing the event with `signer` when it is one that is signed.
    pub(crate) fn apply_with(
        &mut self,
        index: ItemIndex,
        actor: &Actor,
        request: Request<'_>,
        signer: Option<&dyn crate::trust::Signer>,
    ) -> Result<Change, TransitionError> {
        let now = self.clock.now();
        let mut draft = self.check(index, actor, &request, now)?;
        let refuse = |refusal| TransitionError {
            item: self.spec.item(index).id().to_string(),
            status: self.items[index.get()].status(),
            action: request.action(),
            refusal,
        };
        // Timestamps never go backwards in the log, even if the clock does, and stay
        // within what RFC 3339 (the document's time format) can write.
        let at = self.next_time(now);
        if at > LATEST {
            return Err(refuse(Refusal::TimeOutOfRange { at }));
        }
        if let Some(principal) = crate::trust::signer_of(&draft.payload, &draft.actor) {
            match signer {
                Some(signer) => {
                    let event = self.provisional(&draft, at);
                    let signature = self
                        .sign_draft(&event, principal, signer)
                        .map_err(&refuse)?;
                    draft.signature = Some(Arc::new(signature));
                }
                None if self.spec.signatures_required() => {
                    return Err(refuse(Refusal::SignatureRequired {
                        principal: principal.to_string(),
                    }));
                }
                None => {}
            }
        }
        Ok(self.commit(index, draft, at))
    }

    /// The event `draft` becomes when it is appended next at `at` (its hash not yet
    /// computed): what a signature covers.
    fn provisional(&self, draft: &Draft, at: DateTime<Utc>) -> Event {
        Event {
            seq: self.events.len() as u64 + 1,
            revision: self.revision + 1,
            at,
            actor: draft.actor.clone(),
            item: draft.item.clone(),
            from: draft.from,
            to: draft.to,
            payload: draft.payload.clone(),
            covered: draft.covered,
            signature: None,
            hash: EventHash::GENESIS,
        }
    }

    /// The time the next event gets: the clock's, or the last event's if that is later.
    fn next_time(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.events.last().map_or(now, |e| e.at.max(now))
    }

    /// Task: pending → done.
    pub fn complete(&mut self, item: ItemIndex, actor: &Actor) -> Result<Change, TransitionError> {
        self.apply(
            item,
            actor,
            Request::Complete {
                note: None,
                evidence: None,
            },
        )
    }

    /// Task with a check: records a run of its check with its evidence (made by a
    /// [`CheckRunner`](crate::check::CheckRunner), or by [`State::verify`]): → done when
    /// it passed, else → failed. Refused for a task without a check, for evidence of
    /// another command than the check's, and where a task could not be done (open
    /// sub-items, earlier steps).
    pub fn record_check(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        run: &Evidence,
    ) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Verify { run })
    }

    /// Runs the check of `item` with `runner` and records its evidence
    /// ([`State::record_check`]). The run happens while the state is borrowed: to run
    /// long checks without holding a store's lock, run them with
    /// [`CheckRunner::run`](crate::check::CheckRunner::run) first and record the
    /// evidence in one [`Store::update`](crate::Store::update) afterwards.
    pub fn verify(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        runner: &dyn crate::check::CheckRunner,
    ) -> Result<Change, crate::check::VerifyError> {
        let Some(check) = self.spec.check(item) else {
            return Err(crate::check::VerifyError::Refused(TransitionError {
                item: self.spec.item(item).id().to_string(),
                status: self.items[item.get()].status(),
                action: Action::Verify,
                refusal: Refusal::NoCheck,
            }));
        };
        let run = runner.run(check).map_err(crate::check::VerifyError::Run)?;
        Ok(self.record_check(item, actor, &run)?)
    }

    /// Task: pending or blocked → not applicable, for optional tasks (a required task needs
    /// [`State::waive`]).
    pub fn skip(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Change, TransitionError> {
        self.apply(
            item,
            actor,
            Request::Skip {
                reason,
                waiver: None,
            },
        )
    }

    /// Task: pending or blocked → not applicable with a waiver (for required tasks).
    pub fn waive(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        reason: &str,
        approver: &str,
        expires: Option<NaiveDate>,
    ) -> Result<Change, TransitionError> {
        self.apply(
            item,
            actor,
            Request::Skip {
                reason: Some(reason),
                waiver: Some(WaiverRequest { approver, expires }),
            },
        )
    }

    /// Task: pending → blocked.
    pub fn block(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        reason: &str,
    ) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Block { reason })
    }

    /// Task: blocked → pending.
    pub fn unblock(&mut self, item: ItemIndex, actor: &Actor) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Unblock)
    }

    /// Task: done or not applicable → pending.
    pub fn reopen(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        reason: &str,
    ) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Reopen { reason })
    }

    /// Field: → filled, `value` parsed against the field's type.
    pub fn fill(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        value: &str,
    ) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Fill { value })
    }

    /// Field: → filled with a typed value (a `NaiveDate` for a date field).
    pub fn fill_value(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        value: impl Into<Value>,
    ) -> Result<Change, TransitionError> {
        self.apply(
            item,
            actor,
            Request::FillValue {
                value: value.into(),
            },
        )
    }

    /// Field: filled → empty.
    pub fn clear(&mut self, item: ItemIndex, actor: &Actor) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Clear)
    }

    /// Sign-off: → approved, by an actor holding its role, once its gate passes.
    pub fn approve(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        comment: Option<&str>,
    ) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Approve { comment })
    }

    /// Sign-off: → rejected, with a comment.
    pub fn reject(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        comment: &str,
    ) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Reject { comment })
    }

    /// Sign-off: approved or rejected → unsigned.
    pub fn revoke(
        &mut self,
        item: ItemIndex,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Change, TransitionError> {
        self.apply(item, actor, Request::Revoke { reason })
    }

    /// Gives the history of `old`, an id this checklist no longer has (an item was
    /// reworded or moved), to the item `new`, which has no history of its own yet: a
    /// `rename` event by `actor` records it, and from then on the events recorded under
    /// `old` fold into `new` (and its state under `orphans`, if it had one, goes). Voids
    /// the approvals that cover `new`, as a change to it would.
    pub fn rename(
        &mut self,
        old: &str,
        new: ItemIndex,
        actor: &Actor,
    ) -> Result<Change, RenameError> {
        let item = self.spec.item(new);
        let refuse = |why: String| RenameError {
            from: old.to_string(),
            to: item.id().to_string(),
            why,
        };
        if self.spec.index_of(old).is_some() {
            return Err(refuse(format!("`{old}` is still an item of the checklist")));
        }
        if old == item.id() {
            return Err(refuse("it is the same id".into()));
        }
        let indices = event_indices(&self.spec, &self.events);
        if indices.contains(&Some(new)) {
            return Err(refuse(format!(
                "`{}` has a history of its own already",
                item.id()
            )));
        }
        let has_history = self.events.iter().any(|e| &*e.item == old);
        if !has_history && !self.orphans.contains_key(old) {
            return Err(refuse(format!(
                "the state has nothing recorded for `{old}`"
            )));
        }
        if let Some(orphan) = self.orphans.get(old)
            && !orphan.status().fits(item.kind())
        {
            return Err(refuse(format!(
                "`{old}` was a {} and `{}` is a {}",
                orphan.status().kind(),
                item.id(),
                Kind::of(item.kind())
            )));
        }
        let at = self.next_time(self.clock.now());
        if at > LATEST {
            return Err(refuse(
                "the clock is past what a state file can hold".into(),
            ));
        }
        let revision = self.revision + 1;
        let start = self.events.len();
        let from = self.items[new.get()].status();
        let rename = Event {
            seq: start as u64 + 1,
            revision,
            at,
            actor: actor.shared_name().clone(),
            item: item.shared_id().clone(),
            from,
            to: from,
            payload: Payload::Rename { from: old.into() },
            covered: None,
            signature: None,
            hash: EventHash::GENESIS,
        };
        // The state the old history folds to, exactly as a replay will fold it: the last
        // event that, with the rename in the log, is about `new`.
        let mut log = self.events.clone();
        log.push(rename);
        let indices = event_indices(&self.spec, &log);
        let folded = (0..start)
            .rev()
            .filter(|&p| indices[p] == Some(new))
            .find_map(|p| self.state_after(new, &self.events[p]))
            .unwrap_or_else(|| ItemState::initial(item.kind(), item.mark()));
        let Some(mut rename) = log.pop() else {
            return Err(refuse("the log could not be extended".into()));
        };
        rename.to = folded.status();
        let draft = Draft {
            actor: rename.actor,
            item: rename.item,
            from,
            to: rename.to,
            payload: rename.payload,
            covered: None,
            signature: None,
        };
        self.push(new, draft, revision, at);
        self.set_item(new, folded);
        self.orphans.shift_remove(old);
        self.void_covering(
            new,
            actor.shared_name().clone(),
            Some(start as u64 + 1),
            revision,
            at,
        );
        self.revision = revision;
        Ok(Change {
            revision,
            events: start..self.events.len(),
        })
    }

    /// Checks a request against every rule without changing anything; returns the event
    /// to record. The table gives the kind and the statuses; then the actor, the
    /// payload (reasons, waiver, value) and the cross-item guards, in that order.
    fn check(
        &self,
        index: ItemIndex,
        actor: &Actor,
        request: &Request<'_>,
        now: DateTime<Utc>,
    ) -> Result<Draft, TransitionError> {
        let item = self.spec.item(index);
        let from = self.items[index.get()].status();
        let action = request.action();
        let rule = action.rule();
        let refuse = |refusal| TransitionError {
            item: item.id().to_string(),
            status: from,
            action,
            refusal,
        };
        if !action.applies_to(item.kind()) {
            return Err(refuse(Refusal::WrongKind {
                kind: Kind::of(item.kind()),
                action,
                applies_to: rule.kinds.to_vec(),
            }));
        }
        if !rule.from.is_empty() && !rule.from.contains(&from) {
            return Err(refuse(Refusal::WrongStatus {
                action,
                allowed: StatusList(rule.from.to_vec()),
            }));
        }
        self.check_actor(rule.actor, index, actor).map_err(refuse)?;
        let payload =
            Payload::from_request(request, item, actor, now.date_naive()).map_err(refuse)?;
        if let Payload::Skip {
            waiver: Some(w), ..
        } = &payload
        {
            crate::trust::check_approver(&self.spec, &w.approver).map_err(refuse)?;
        }
        for &guard in rule.guards {
            self.check_guard(guard, index, request, now)
                .map_err(refuse)?;
        }
        let to = match rule.leads {
            Leads::To(to) => to,
            Leads::Evidence { passed, failed } => match request {
                Request::Verify { run } if run.passed() => passed,
                _ => failed,
            },
            Leads::Initial => ItemState::initial(item.kind(), item.mark()).status(),
            // Library-written actions only; their drafts set `to` themselves.
            Leads::Carried => from,
        };
        let covered = matches!(payload, Payload::Approve { .. })
            .then(|| crate::trust::coverage_digest(&self.spec));
        Ok(Draft {
            actor: actor.shared_name().clone(),
            item: item.shared_id().clone(),
            from,
            to,
            payload,
            covered,
            signature: None,
        })
    }

    /// Appends the checked event and the void events it causes, as one revision.
    fn commit(&mut self, index: ItemIndex, draft: Draft, at: DateTime<Utc>) -> Change {
        let revision = self.revision + 1;
        let start = self.events.len();
        let cause = start as u64 + 1;
        let actor = draft.actor.clone();
        self.push(index, draft, revision, at);
        self.void_covering(index, actor, Some(cause), revision, at);
        self.revision = revision;
        Change {
            revision,
            events: start..self.events.len(),
        }
    }

    /// After a change to `index`, voids every approved sign-off that covers it.
    fn void_covering(
        &mut self,
        index: ItemIndex,
        actor: Arc<str>,
        cause: Option<u64>,
        revision: u64,
        at: DateTime<Utc>,
    ) {
        let voided = self.approvals_covering(index);
        if voided.is_empty() {
            return;
        }
        let because = self.spec.item(index).shared_id().clone();
        let reason: Arc<str> = match cause {
            Some(_) => format!("`{because}` changed after the approval"),
            None => format!("the checklist added or changed `{because}` after the approval"),
        }
        .into();
        for s in voided {
            let signoff = self.spec.item(s).shared_id().clone();
            let draft = Event::void(
                actor.clone(),
                signoff,
                because.clone(),
                cause,
                reason.clone(),
            );
            self.push(s, draft, revision, at);
        }
    }

    /// Gives a drafted event its place in the log (seq, revision, time, hash), folds it
    /// into the item states and appends it.
    fn push(&mut self, index: ItemIndex, draft: Draft, revision: u64, at: DateTime<Utc>) {
        // Built in its place in the log and hashed there: an event is moved once.
        self.events.push(Event {
            seq: self.events.len() as u64 + 1,
            revision,
            at,
            actor: draft.actor,
            item: draft.item,
            from: draft.from,
            to: draft.to,
            payload: draft.payload,
            covered: draft.covered,
            signature: draft.signature,
            hash: EventHash::GENESIS,
        });
        let Some(event) = self.events.last_mut() else {
            return;
        };
        let digest = event.digest_after(&self.head);
        event.hash = EventHash(digest);
        self.head = digest;
        // The index is the event's item's: the fold need not look the id up again.
        let folded = self
            .events
            .last()
            .and_then(|event| self.state_after(index, event));
        if let Some(state) = folded {
            self.set_item(index, state);
        }
    }

    /// Brings a state made for an older checklist up to date, as one revision: `reset`
    /// events for items whose kind or type changed, `void` events for approvals that no
    /// longer cover what they did (an item they cover was added or retyped), and
    /// `reopen` events where the new checklist would otherwise break a rule the state
    /// machine keeps (a done parent with an open required sub-item, a done step after
    /// an open one). Returns the ids it reopened. Does nothing when there is nothing to
    /// record.
    pub(crate) fn migrate_items(
        &mut self,
        reset: &[ItemIndex],
        changed: &[ItemIndex],
    ) -> Vec<String> {
        let voids = changed
            .iter()
            .copied()
            .find(|&i| self.spec.is_covered(i))
            .filter(|_| self.approved > 0);
        let at = self.next_time(self.clock.now()).min(LATEST);
        let revision = self.revision + 1;
        let start = self.events.len();
        for &i in reset {
            let item = self.spec.item(i);
            let draft = Event::reset(
                item.shared_id().clone(),
                self.items[i.get()].status(),
                ItemState::initial(item.kind(), item.mark()).status(),
            );
            self.push(i, draft, revision, at);
        }
        if let Some(i) = voids {
            self.void_covering(i, event::LIBRARY_ACTOR.into(), None, revision, at);
        }
        // What the approvals still standing covered, against what they cover now: a
        // gate widened, or an item reworded under a pinned id.
        for s in self.approvals_outdated() {
            let signoff = self.spec.item(s).shared_id().clone();
            let draft = Event::void(
                event::LIBRARY_ACTOR.into(),
                signoff.clone(),
                signoff,
                None,
                "the checklist changed what this approval covers (items added to or removed from its gate, or their text or kind changed): the signer did not see it"
                    .into(),
            );
            self.push(s, draft, revision, at);
        }
        let reopened = self.restore_invariants(revision, at);
        if self.events.len() > start {
            self.revision = revision;
        }
        reopened
    }

    /// Reopens what a changed checklist left breaking the rules on children and steps,
    /// until nothing does (a reopened step may be the sub-item of a done parent, which
    /// then reopens too). Each reopen is an event of `revision` with its reason, and
    /// voids the approvals covering it as any reopen does.
    fn restore_invariants(&mut self, revision: u64, at: DateTime<Utc>) -> Vec<String> {
        let mut reopened = Vec::new();
        loop {
            let Some((index, reason)) = self.first_broken_rule(at) else {
                return reopened;
            };
            let item = self.spec.item(index);
            reopened.push(item.id().to_string());
            let draft = Draft {
                actor: Arc::from(event::LIBRARY_ACTOR),
                item: item.shared_id().clone(),
                from: self.items[index.get()].status(),
                to: Status::Pending,
                payload: Payload::Reopen {
                    reason: reason.into(),
                },
                covered: None,
                signature: None,
            };
            let seq = self.events.len() as u64 + 1;
            self.push(index, draft, revision, at);
            self.void_covering(index, event::LIBRARY_ACTOR.into(), Some(seq), revision, at);
        }
    }

    /// A done task that the checklist's rules would not let be done now, and why: a
    /// required sub-item is open (checked children first, so the deepest goes first), or
    /// an earlier step of its ordered list is open (the last such step first).
    fn first_broken_rule(&self, now: DateTime<Utc>) -> Option<(ItemIndex, String)> {
        let spec = &self.spec;
        let done = |i: ItemIndex| self.items[i.get()].status() == Status::Done;
        for item in spec.items().iter().rev() {
            let i = item.index();
            if !done(i) {
                continue;
            }
            if let Some(&child) = item
                .children()
                .iter()
                .find(|&&c| !spec.item(c).is_optional() && !self.resolved_at(c, now))
            {
                return Some((
                    i,
                    format!(
                        "the checklist changed: its required sub-item `{}` is open",
                        spec.item(child).id()
                    ),
                ));
            }
            if let Some(&open) = spec
                .steps_before(i)
                .iter()
                .find(|&&s| !self.resolved_at(s, now))
            {
                return Some((
                    i,
                    format!(
                        "the checklist changed: the earlier step `{}` is open",
                        spec.item(open).id()
                    ),
                ));
            }
        }
        None
    }

    /// Every change of an item's state goes through here, keeping `approved` counted.
    fn set_item(&mut self, index: ItemIndex, state: ItemState) {
        let slot = &mut self.items[index.get()];
        let was = slot.status() == Status::Approved;
        let is = state.status() == Status::Approved;
        *slot = state;
        self.approved = self.approved + usize::from(is) - usize::from(was);
    }

    /// The state `e` leaves the item at `index` in, or `None` when it does not apply to
    /// it (recorded when the item was of another kind). This is the fold: from an
    /// event's payload to the item state it makes.
    fn state_after(&self, index: ItemIndex, e: &Event) -> Option<ItemState> {
        let item = self.spec.item(index);
        match e.payload {
            Payload::Reset { .. } => return Some(ItemState::initial(item.kind(), item.mark())),
            // A rename says where the history went; the events before it make the state.
            Payload::Rename { .. } => return None,
            _ => {}
        }
        if !e.to.fits(item.kind()) {
            return None; // recorded when the item was of another kind
        }
        let by = || e.actor.clone();
        let changed = || Origin::Change { by: by(), at: e.at };
        let state = match &e.payload {
            Payload::Complete { note, evidence } => ItemState::Done {
                origin: changed(),
                note: note.clone(),
                evidence: evidence.clone(),
                run: None,
            },
            Payload::Verify { run } if run.passed() => ItemState::Done {
                origin: changed(),
                note: None,
                evidence: None,
                run: Some(run.clone()),
            },
            Payload::Verify { run } => ItemState::Failed {
                by: by(),
                at: e.at,
                run: run.clone(),
            },
            Payload::Skip { reason, waiver } => ItemState::NotApplicable {
                origin: changed(),
                reason: reason.clone(),
                waiver: waiver.clone(),
            },
            Payload::Block { reason } => ItemState::Blocked {
                by: by(),
                at: e.at,
                reason: reason.clone(),
            },
            Payload::Unblock | Payload::Reopen { .. } => ItemState::Pending,
            Payload::Fill { value } => ItemState::Filled {
                by: by(),
                at: e.at,
                value: value.clone(),
            },
            Payload::Clear => ItemState::Empty,
            Payload::Approve { role, comment } => ItemState::Approved {
                by: by(),
                role: role.clone(),
                at: e.at,
                comment: comment.clone(),
            },
            Payload::Reject { role, comment } => ItemState::Rejected {
                by: by(),
                role: role.clone(),
                at: e.at,
                comment: comment.clone(),
            },
            Payload::Revoke { .. } => ItemState::Unsigned { voided: None },
            Payload::Void { because, cause, .. } => ItemState::Unsigned {
                voided: Some(Voided {
                    because: because.clone(),
                    event: *cause,
                    at: e.at,
                }),
            },
            Payload::Reset { .. } => ItemState::initial(item.kind(), item.mark()),
            Payload::Rename { .. } => return None,
        };
        Some(state)
    }
}

/// The last instant RFC 3339 can write: 9999-12-31T23:59:59.999999999Z. Later times
/// would be written with a fifth year digit that RFC 3339 readers refuse.
pub const LATEST: DateTime<Utc> = match chrono::NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => match chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999) {
        Some(time) => chrono::NaiveDateTime::new(day, time).and_utc(),
        None => DateTime::<Utc>::MAX_UTC,
    },
    None => DateTime::<Utc>::MAX_UTC,
};

/// The first instant RFC 3339 can write: 0000-01-01T00:00:00Z.
pub const EARLIEST: DateTime<Utc> = match chrono::NaiveDate::from_ymd_opt(0, 1, 1) {
    Some(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
    None => DateTime::<Utc>::MIN_UTC,
};

/// How far in the future of the reader's clock a log may end before loading it says so
/// ([`LoadWarning::FutureEvents`](crate::document::LoadWarning)): clocks of machines
/// that write one state disagree by seconds, not by minutes.
pub const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Midnight (UTC) at the start of `day`.
pub(crate) fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The item each event is about (`None`: not in this checklist): the item it names, or,
/// for an event recorded under an id that a later `rename` event gave up, the item it
/// was renamed to (through every later rename, in order).
pub(crate) fn event_indices(spec: &Spec, events: &[Event]) -> Vec<Option<ItemIndex>> {
    let renames: Vec<(usize, &str, &str)> = events
        .iter()
        .enumerate()
        .filter_map(|(position, e)| match &e.payload {
            Payload::Rename { from } => Some((position, &**from, &*e.item)),
            _ => None,
        })
        .collect();
    events
        .iter()
        .enumerate()
        .map(|(position, e)| {
            let mut id: &str = &e.item;
            for &(at, from, to) in &renames {
                if at > position && id == from {
                    id = to;
                }
            }
            spec.index_of(id)
        })
        .collect()
}

/// Whether an event's `from` and `to` fit its action: the status it leads to (or, for
/// a reset, any status), and statuses of one kind. A log that says `complete` led to
/// `blocked` was not written by the library.
pub(crate) fn event_is_consistent(e: &Event) -> bool {
    let rule = e.action().rule();
    let kinds_fit = rule.kinds.contains(&e.to.kind()) && e.from.kind() == e.to.kind();
    let to_fits = match rule.leads {
        Leads::To(to) => e.to == to,
        Leads::Initial => true,
        Leads::Carried => true,
        Leads::Evidence { passed, failed } => match &e.payload {
            Payload::Verify { run } if run.passed() => e.to == passed,
            _ => e.to == failed,
        },
    };
    kinds_fit && to_fits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_send_sync_and_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<State>();
        check::<Event>();
    }
}
