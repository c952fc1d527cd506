//! A checklist run: per-item states that change only through checked transitions, each
//! recorded in a hash-chained, append-only log.
//!
//! Every transition either succeeds, appending one event (plus one `void` event per
//! approved sign-off it invalidates, all as one revision), or fails with a
//! [`TransitionError`] and changes nothing. Item states are never set directly: a new
//! event is built first and the state is derived from it by the same fold that
//! [`State::replay`] uses, so a state is by construction the fold of its log.

pub(crate) mod event;
mod item_state;
mod transition;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use indexmap::IndexMap;

pub use event::{Action, ChainError, Event, GENESIS_HASH, verify_chain};
pub use item_state::{ItemState, Status, Voided, Waiver};
pub use transition::{Actor, Refusal, Request, StatusList, TransitionError, WaiverRequest};

use crate::clock::{Clock, SystemClock};
use crate::spec::{FieldType, ItemIndex, ItemKind, Spec};
use crate::value::Value;

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
/// ```
/// use checklist_core::{Actor, Spec, State, Status};
///
/// let spec = Spec::parse("# Ship\n\n- [ ] Tests pass\n- [ ] Release Date: ____\n")?;
/// let mut state = State::new(&spec);
/// let ci = Actor::new("ci");
/// state.complete(spec.index_of("tests-pass").unwrap(), &ci)?;
/// state.fill(spec.index_of("release-date").unwrap(), &ci, "2026-12-01")?;
/// assert_eq!(state.get("tests-pass").unwrap().status(), Status::Done);
/// assert_eq!(state.events().len(), 2);
///
/// // A refused transition changes nothing.
/// let err = state.fill(spec.index_of("release-date").unwrap(), &ci, "soon").unwrap_err();
/// assert!(err.to_string().contains("YYYY-MM-DD"));
/// assert_eq!(state.events().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct State<'s> {
    spec: &'s Spec,
    items: Vec<ItemState>,
    events: Vec<Event>,
    revision: u64,
    pub(crate) orphans: IndexMap<String, ItemState>,
    clock: Arc<dyn Clock>,
    /// How many sign-offs are approved: a transition only looks for approvals to void
    /// when there is one (the fold keeps it up to date).
    approved: usize,
    /// The raw digest of the last event (zeros before the first): the next event chains
    /// from it without decoding the last event's hex.
    head: [u8; 32],
}

impl std::fmt::Debug for State<'_> {
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

impl PartialEq for State<'_> {
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

impl<'s> State<'s> {
    /// A fresh state: every item in its initial state (from the box as written), an
    /// empty log, revision 0, the system clock.
    pub fn new(spec: &'s Spec) -> Self {
        State {
            spec,
            items: spec
                .items()
                .iter()
                .map(|i| ItemState::initial(i.kind(), i.mark()))
                .collect(),
            events: Vec::new(),
            revision: 0,
            orphans: IndexMap::new(),
            clock: Arc::new(SystemClock),
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

    /// Rebuilds a state by folding `events` over a fresh state, after verifying the hash
    /// chain. Events for ids the spec does not have, or whose statuses do not fit the
    /// item's kind (the checklist changed since), leave the items alone.
    pub fn replay(spec: &'s Spec, events: Vec<Event>) -> Result<Self, ChainError> {
        verify_chain(&events)?;
        let indices = event_indices(spec, &events);
        Ok(State::fold_verified(spec, events, &indices))
    }

    /// [`State::replay`] of a log the caller has already verified.
    /// `indices[k]` is the item of `events[k]` ([`event_indices`]), looked up once by
    /// the caller, which may need them too.
    pub(crate) fn fold_verified(
        spec: &'s Spec,
        events: Vec<Event>,
        indices: &[Option<ItemIndex>],
    ) -> Self {
        let mut state = State::new(spec);
        // The fold from the end: an item's state is made whole by the last of its events
        // that applies to it, so only that one is built (not one state per event), and
        // the log is kept as it came instead of being moved over event by event. It ends
        // where the fold from the start would.
        let mut settled = vec![false; spec.items().len()];
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
            if let Some(item_state) = state.state_after(index, e, &events[..position]) {
                settled[index.get()] = true;
                open -= 1;
                state.set_item(index, item_state);
            }
        }
        state.revision = events.last().map_or(0, |e| e.revision);
        // A verified log's hashes are well formed.
        state.head = events
            .last()
            .and_then(|e| event::decode_hash(&e.hash))
            .unwrap_or([0; 32]);
        state.events = events;
        state
    }

    /// The spec this state is for.
    pub fn spec(&self) -> &'s Spec {
        self.spec
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

    /// Whether an item counts as resolved on `today`: a task done or not applicable
    /// (with a waiver that has not expired, when it has one), a field filled, a sign-off
    /// approved.
    pub fn is_resolved(&self, index: ItemIndex, today: NaiveDate) -> bool {
        match &self.items[index.get()] {
            ItemState::Done { .. } | ItemState::Filled { .. } | ItemState::Approved { .. } => true,
            ItemState::NotApplicable { waiver, .. } => waiver
                .as_ref()
                .and_then(|w| w.expires)
                .is_none_or(|expires| today < expires),
            _ => false,
        }
    }

    /// Applies a change to one item; see [`Request`] for what each does. Refused changes
    /// return the reason and leave the state exactly as it was.
    pub fn apply(
        &mut self,
        index: ItemIndex,
        actor: &Actor,
        request: Request<'_>,
    ) -> Result<Change, TransitionError> {
        let now = self.clock.now();
        let plan = self.check(index, actor, &request, now)?;
        Ok(self.commit(index, actor, plan, now))
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

    /// Checks a request against every rule without changing anything; returns the event
    /// fields to record.
    fn check(
        &self,
        index: ItemIndex,
        actor: &Actor,
        request: &Request<'_>,
        now: DateTime<Utc>,
    ) -> Result<Plan, TransitionError> {
        let spec = self.spec;
        let item = spec.item(index);
        let status = self.items[index.get()].status();
        let action = request.action();
        let error = |refusal| TransitionError {
            item: item.id().to_string(),
            status,
            action,
            refusal,
        };
        let refuse = |refusal| Err(error(refusal));
        let (kind_name, applies_to) = match item.kind() {
            ItemKind::Task => ("task", is_task_action(action)),
            ItemKind::Field(_) => ("field", matches!(action, Action::Fill | Action::Clear)),
            ItemKind::SignOff { .. } => (
                "sign-off",
                matches!(action, Action::Approve | Action::Reject | Action::Revoke),
            ),
        };
        if !applies_to {
            return refuse(Refusal::WrongKind {
                kind: kind_name,
                action,
                applies_to: if is_task_action(action) {
                    "tasks"
                } else if matches!(action, Action::Fill | Action::Clear) {
                    "fields"
                } else {
                    "sign-offs"
                },
            });
        }
        let allowed: &[Status] = match action {
            Action::Complete | Action::Block => &[Status::Pending],
            Action::Skip => &[Status::Pending, Status::Blocked],
            Action::Unblock => &[Status::Blocked],
            Action::Reopen => &[Status::Done, Status::NotApplicable],
            Action::Fill => &[Status::Empty, Status::Filled],
            Action::Clear => &[Status::Filled],
            Action::Approve => &[Status::Unsigned, Status::Rejected],
            Action::Reject => &[Status::Unsigned, Status::Approved],
            Action::Revoke => &[Status::Approved, Status::Rejected],
            Action::Void | Action::Reset => &[],
        };
        if !allowed.contains(&status) {
            return refuse(Refusal::WrongStatus {
                action,
                allowed: StatusList(allowed.to_vec()),
            });
        }
        let today = now.date_naive();
        let nonempty = |s: &str| !s.trim().is_empty();
        let mut plan = Plan {
            action,
            to: status,
            reason: None,
            value: None,
            evidence: None,
            role: None,
            approver: None,
            expires: None,
        };
        match request {
            Request::Complete { note, evidence } => {
                let open: Vec<String> = item
                    .children()
                    .iter()
                    .filter(|&&c| !spec.item(c).is_optional() && !self.is_resolved(c, today))
                    .map(|&c| spec.item(c).id().to_string())
                    .collect();
                if !open.is_empty() {
                    return refuse(Refusal::OpenChildren { open });
                }
                let open = self.open_earlier_steps(index, today);
                if !open.is_empty() {
                    return refuse(Refusal::EarlierStepsOpen { open });
                }
                plan.to = Status::Done;
                plan.reason = note.map(str::to_string);
                plan.evidence = evidence.map(str::to_string);
            }
            Request::Skip { reason, waiver } => {
                let reason = reason.filter(|r| nonempty(r));
                if !item.is_optional() {
                    if reason.is_none() {
                        return refuse(Refusal::ReasonRequired);
                    }
                    let Some(w) = waiver else {
                        return refuse(Refusal::WaiverRequired);
                    };
                    if !nonempty(w.approver) {
                        return refuse(Refusal::WaiverRequired);
                    }
                }
                if let Some(w) = waiver {
                    // Compared and recorded trimmed: padding must not let an actor approve
                    // their own waiver, and a waiver always names someone.
                    let approver = w.approver.trim();
                    if approver.is_empty() {
                        return refuse(Refusal::WaiverRequired);
                    }
                    if approver == actor.name().trim() {
                        return refuse(Refusal::SelfApprovedWaiver {
                            actor: actor.name().to_string(),
                        });
                    }
                    if let Some(expires) = w.expires
                        && expires <= today
                    {
                        return refuse(Refusal::WaiverAlreadyExpired { expires, today });
                    }
                    plan.approver = Some(approver.to_string());
                    plan.expires = w.expires;
                }
                plan.to = Status::NotApplicable;
                plan.reason = reason.map(str::to_string);
            }
            Request::Block { reason } => {
                if !nonempty(reason) {
                    return refuse(Refusal::ReasonRequired);
                }
                plan.to = Status::Blocked;
                plan.reason = Some(reason.to_string());
            }
            Request::Unblock => plan.to = Status::Pending,
            Request::Reopen { reason } => {
                if !nonempty(reason) {
                    return refuse(Refusal::ReasonRequired);
                }
                if let Some(p) = item.parent()
                    && !item.is_optional()
                    && self.items[p.get()].status() == Status::Done
                {
                    return refuse(Refusal::ParentDone {
                        parent: spec.item(p).id().to_string(),
                    });
                }
                let done = self.resolved_later_steps(index, today);
                if !done.is_empty() {
                    return refuse(Refusal::LaterStepsDone { done });
                }
                plan.to = Status::Pending;
                plan.reason = Some(reason.to_string());
            }
            Request::Fill { value } => {
                // The kind check above let only fields through; text is the fallback type.
                let ty = item.field_type().unwrap_or(&FieldType::Text);
                match Value::parse(ty, value) {
                    Ok(v) => plan.value = Some(v.to_string()),
                    Err(e) => return refuse(Refusal::InvalidValue(e)),
                }
                plan.to = Status::Filled;
            }
            Request::FillValue { value } => {
                let ty = item.field_type().unwrap_or(&FieldType::Text);
                match value.clone().check(ty) {
                    Ok(v) => plan.value = Some(v.to_string()),
                    Err(e) => return refuse(Refusal::InvalidValue(e)),
                }
                plan.to = Status::Filled;
            }
            Request::Clear => plan.to = Status::Empty,
            Request::Approve { comment } => {
                self.check_role(item.role(), actor).map_err(error)?;
                let open: Vec<ItemIndex> = spec
                    .signoff_coverage()
                    .iter()
                    .copied()
                    .filter(|&i| !self.is_resolved(i, today))
                    .collect();
                if !open.is_empty() {
                    return refuse(Refusal::GateUnmet {
                        gate: spec.signoff_gate().name().to_string(),
                        count: open.len(),
                        first: open
                            .iter()
                            .take(3)
                            .map(|&i| spec.item(i).id().to_string())
                            .collect(),
                    });
                }
                plan.to = Status::Approved;
                plan.role = item.role().map(str::to_string);
                plan.reason = comment.map(str::to_string);
            }
            Request::Reject { comment } => {
                self.check_role(item.role(), actor).map_err(error)?;
                if !nonempty(comment) {
                    return refuse(Refusal::ReasonRequired);
                }
                plan.to = Status::Rejected;
                plan.role = item.role().map(str::to_string);
                plan.reason = Some(comment.to_string());
            }
            Request::Revoke { reason } => {
                self.check_role(item.role(), actor).map_err(error)?;
                plan.to = Status::Unsigned;
                plan.reason = reason.map(str::to_string);
            }
        }
        Ok(plan)
    }

    fn check_role(&self, role: Option<&str>, actor: &Actor) -> Result<(), Refusal> {
        match role {
            Some(role) if !actor.has_role(role) => Err(Refusal::MissingRole {
                actor: actor.name().to_string(),
                role: role.to_string(),
            }),
            _ => Ok(()),
        }
    }

    fn open_earlier_steps(&self, index: ItemIndex, today: NaiveDate) -> Vec<String> {
        self.spec
            .steps_before(index)
            .iter()
            .filter(|&&s| !self.is_resolved(s, today))
            .map(|&s| self.spec.item(s).id().to_string())
            .collect()
    }

    fn resolved_later_steps(&self, index: ItemIndex, today: NaiveDate) -> Vec<String> {
        let Some(step) = self.spec.item(index).step() else {
            return vec![];
        };
        self.spec.ordered_lists()[step.list as usize][step.position as usize..]
            .iter()
            .filter(|&&s| self.is_resolved(s, today))
            .map(|&s| self.spec.item(s).id().to_string())
            .collect()
    }

    /// Appends the planned event and the void events it causes, as one revision.
    fn commit(
        &mut self,
        index: ItemIndex,
        actor: &Actor,
        plan: Plan,
        now: DateTime<Utc>,
    ) -> Change {
        // Timestamps never go backwards in the log, even if the clock does.
        let at = self.events.last().map_or(now, |e| e.at.max(now));
        let revision = self.revision + 1;
        let start = self.events.len();
        let from = self.items[index.get()].status();
        let cause_seq = start as u64 + 1;
        let event = Event {
            seq: cause_seq,
            revision,
            at,
            actor: actor.name().to_string(),
            item: self.spec.item(index).id().to_string(),
            action: plan.action,
            from,
            to: plan.to,
            reason: plan.reason,
            value: plan.value,
            evidence: plan.evidence,
            role: plan.role,
            approver: plan.approver,
            expires: plan.expires,
            cause: None,
            hash: String::new(),
        };
        self.push_at(index, event);
        self.void_covering(index, actor.name(), Some(cause_seq), revision, at);
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
        actor: &str,
        cause: Option<u64>,
        revision: u64,
        at: DateTime<Utc>,
    ) {
        if !self.spec.is_covered(index) || self.approved == 0 {
            return;
        }
        let because = self.spec.item(index).id();
        // Nearly every transition touches a covered item while nothing is approved, so
        // the reason is only written once there is an approval to void.
        let mut reason: Option<String> = None;
        for &s in self.spec.signoffs() {
            if self.items[s.get()].status() != Status::Approved {
                continue;
            }
            let reason = reason
                .get_or_insert_with(|| match cause {
                    Some(_) => format!("`{because}` changed after the approval"),
                    None => {
                        format!("the checklist added or changed `{because}` after the approval")
                    }
                })
                .clone();
            let event = Event {
                seq: self.events.len() as u64 + 1,
                revision,
                at,
                actor: actor.to_string(),
                item: self.spec.item(s).id().to_string(),
                action: Action::Void,
                from: Status::Approved,
                to: Status::Unsigned,
                reason: Some(reason),
                value: Some(because.to_string()),
                evidence: None,
                role: None,
                approver: None,
                expires: None,
                cause,
                hash: String::new(),
            };
            self.push_at(s, event);
        }
    }

    /// Hashes an event onto the chain, folds it into the item states and appends it.
    fn push_at(&mut self, index: ItemIndex, mut event: Event) {
        let digest = event.digest_after(&self.head);
        event.hash = event::hex_hash(&digest);
        self.head = digest;
        // The index is the event's item's: the fold need not look the id up again.
        self.fold_at(index, &event);
        self.events.push(event);
    }

    /// Brings a state made for an older checklist up to date, as one revision: `reset`
    /// events for items whose kind or type changed, and `void` events for approvals
    /// that no longer cover what they did (an item they cover was added or retyped).
    /// Does nothing when there is nothing to record.
    pub(crate) fn migrate_items(&mut self, reset: &[ItemIndex], changed: &[ItemIndex]) {
        let voids = changed
            .iter()
            .copied()
            .find(|&i| self.spec.is_covered(i))
            .filter(|_| {
                self.spec
                    .signoffs()
                    .iter()
                    .any(|&s| self.items[s.get()].status() == Status::Approved)
            });
        if reset.is_empty() && voids.is_none() {
            return;
        }
        let now = self.clock.now();
        let at = self.events.last().map_or(now, |e| e.at.max(now));
        let revision = self.revision + 1;
        for &i in reset {
            let item = self.spec.item(i);
            let event = Event {
                seq: self.events.len() as u64 + 1,
                revision,
                at,
                actor: "checklist".to_string(),
                item: item.id().to_string(),
                action: Action::Reset,
                from: self.items[i.get()].status(),
                to: ItemState::initial(item.kind(), item.mark()).status(),
                reason: Some("the checklist changed this item's kind or type".to_string()),
                value: None,
                evidence: None,
                role: None,
                approver: None,
                expires: None,
                cause: None,
                hash: String::new(),
            };
            self.push_at(i, event);
        }
        if let Some(i) = voids {
            self.void_covering(i, "checklist", None, revision, at);
        }
        self.revision = revision;
    }

    /// Every change of an item's state goes through here, keeping `approved` counted.
    fn set_item(&mut self, index: ItemIndex, state: ItemState) {
        let slot = &mut self.items[index.get()];
        let was = slot.status() == Status::Approved;
        let is = state.status() == Status::Approved;
        *slot = state;
        self.approved = self.approved + usize::from(is) - usize::from(was);
    }

    /// The fold step, for an event known to be about the item at `index`: the state the
    /// event leaves its item in.
    fn fold_at(&mut self, index: ItemIndex, e: &Event) {
        if let Some(state) = self.state_after(index, e, &self.events) {
            self.set_item(index, state);
        }
    }

    /// The state `e` leaves the item at `index` in, or `None` when it does not apply to
    /// it (recorded when the item was of another kind). `before` is the log before `e`.
    fn state_after(&self, index: ItemIndex, e: &Event, before: &[Event]) -> Option<ItemState> {
        let item = self.spec.item(index);
        if e.action == Action::Reset {
            return Some(ItemState::initial(item.kind(), item.mark()));
        }
        if !e.to.fits(item.kind()) {
            return None; // recorded when the item was of another kind
        }
        let by = || e.actor.clone();
        let state = match e.to {
            Status::Pending => ItemState::Pending,
            Status::Done => ItemState::Done {
                by: by(),
                at: e.at,
                note: e.reason.clone(),
                evidence: e.evidence.clone(),
            },
            Status::NotApplicable => ItemState::NotApplicable {
                by: by(),
                at: e.at,
                reason: e.reason.clone(),
                waiver: e.approver.clone().map(|approver| Waiver {
                    approver,
                    expires: e.expires,
                }),
            },
            Status::Blocked => ItemState::Blocked {
                by: by(),
                at: e.at,
                reason: e.reason.clone().unwrap_or_default(),
            },
            Status::Empty => ItemState::Empty,
            Status::Filled => ItemState::Filled {
                by: by(),
                at: e.at,
                value: e.value.clone().unwrap_or_default(),
            },
            Status::Unsigned => ItemState::Unsigned {
                voided: (e.action == Action::Void).then(|| Voided {
                    // `value` names the covered item; logs written before it did name it
                    // through the cause event only.
                    because: e
                        .value
                        .clone()
                        .or_else(|| {
                            e.cause
                                .and_then(|c| before.get((c as usize).checked_sub(1)?))
                                .map(|cause| cause.item.clone())
                        })
                        .unwrap_or_default(),
                    event: e.cause,
                    at: e.at,
                }),
            },
            Status::Approved => ItemState::Approved {
                by: by(),
                role: e.role.clone().unwrap_or_default(),
                at: e.at,
                comment: e.reason.clone(),
            },
            Status::Rejected => ItemState::Rejected {
                by: by(),
                role: e.role.clone().unwrap_or_default(),
                at: e.at,
                comment: e.reason.clone().unwrap_or_default(),
            },
        };
        Some(state)
    }
}

/// The item each event names (`None`: not in this checklist).
pub(crate) fn event_indices(spec: &Spec, events: &[Event]) -> Vec<Option<ItemIndex>> {
    events.iter().map(|e| spec.index_of(&e.item)).collect()
}

fn is_task_action(action: Action) -> bool {
    matches!(
        action,
        Action::Complete | Action::Skip | Action::Block | Action::Unblock | Action::Reopen
    )
}

/// The event fields a checked request will record.
struct Plan {
    action: Action,
    to: Status,
    reason: Option<String>,
    value: Option<String>,
    evidence: Option<String>,
    role: Option<String>,
    approver: Option<String>,
    expires: Option<NaiveDate>,
}
