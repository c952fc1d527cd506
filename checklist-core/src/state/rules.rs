//! The state machine's rules, in one table.
//!
//! Everything that asks "may this action be applied here", "where does it lead", "does
//! this status count as resolved" or "which box does it render as" reads [`ACTIONS`] and
//! [`STATUSES`]: the transition check, the fold, gate reports and progress, the renderer,
//! the JSON Schema and the command line's selection of items. Nothing restates them.
//!
//! - **To add a status**: a [`Status`] variant and its [`StatusRule`] row below (kind,
//!   whether it resolves, its box), plus the [`ItemState`] variant that
//!   holds its details.
//! - **To add an action**: an [`Action`] variant and its [`ActionRule`] row below (kinds,
//!   statuses it starts from, where it leads, who may ask, the cross-item guards), plus
//!   the [`Payload`](super::Payload) variant it records.
//!
//! The few rules that look at other items (children, ordered steps, what a sign-off
//! covers) are the [`Guard`]s; each is one named function in `state/guards.rs`.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Check, ItemIndex, ItemKind, Mark, Spec};

use super::item_state::ItemState;

/// What kind of item a rule is about: [`ItemKind`] without its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A task.
    Task,
    /// A field.
    Field,
    /// A sign-off.
    SignOff,
}

impl Kind {
    /// The kind of an item.
    pub fn of(kind: &ItemKind) -> Kind {
        match kind {
            ItemKind::Task => Kind::Task,
            ItemKind::Field(_) => Kind::Field,
            ItemKind::SignOff { .. } => Kind::SignOff,
        }
    }

    /// Every kind.
    pub const ALL: [Kind; 3] = [Kind::Task, Kind::Field, Kind::SignOff];

    /// The name in prose: `task`, `field`, `sign-off`.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Task => "task",
            Kind::Field => "field",
            Kind::SignOff => "sign-off",
        }
    }

    /// The plural in prose: `tasks`, `fields`, `sign-offs`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Task => "tasks",
            Kind::Field => "fields",
            Kind::SignOff => "sign-offs",
        }
    }

    /// The statuses an item of this kind can be in, in table order.
    pub fn statuses(self) -> impl Iterator<Item = Status> {
        STATUSES
            .iter()
            .filter(move |r| r.kind == self)
            .map(|r| r.status)
    }

    /// The actions a person can ask for on an item of this kind, in table order.
    pub fn actions(self) -> impl Iterator<Item = Action> {
        ACTIONS
            .iter()
            .filter(move |r| r.requested && r.kinds.contains(&self))
            .map(|r| r.action)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// The status of an item: the name of its state, without the details.
///
/// Tasks are `pending`, `done`, `not_applicable`, `blocked` or `failed`; fields `empty` or
/// `filled`; sign-offs `unsigned`, `approved` or `rejected` (see [`STATUSES`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
    /// Task whose check ran and did not pass.
    Failed,
}

/// What an action does, as recorded in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
    /// Any kind: the item's id changed (it was reworded or moved); its history under the
    /// old id is its own from here on.
    Rename,
    /// Task with a check: a run of it, with its evidence: → done when it passed, else
    /// → failed.
    Verify,
}

/// Whether a status counts as resolved (for gates, sign-off coverage, children, steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resolves {
    /// Never: the item is open.
    Never,
    /// Always.
    Always,
    /// While its waiver holds, if it has one (a required task skipped under a waiver
    /// stops counting on the waiver's expiry date).
    UntilWaiverExpires,
}

/// Which progress column a resolved status counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Column {
    /// Done, filled, approved.
    Done,
    /// Not applicable: without a waiver `not_applicable`, under one `waived`.
    NotApplicable,
    /// Blocked.
    Blocked,
    /// Everything else that is open.
    Pending,
}

/// One status: its kind, whether it resolves, its box, its progress column.
#[derive(Debug, Clone, Copy)]
pub struct StatusRule {
    /// The status.
    pub status: Status,
    /// The name as in JSON.
    pub name: &'static str,
    /// A stable one-byte code for the hashed event encoding (never reuse a retired code).
    pub code: u8,
    /// The kind of item that has it.
    pub kind: Kind,
    /// Whether it counts as resolved.
    pub resolves: Resolves,
    /// The box it renders as in Markdown.
    pub mark: Mark,
    /// The progress column it counts in.
    pub column: Column,
}

/// The statuses, in [`Status`] order.
pub const STATUSES: &[StatusRule] = &[
    StatusRule {
        status: Status::Pending,
        name: "pending",
        code: 1,
        kind: Kind::Task,
        resolves: Resolves::Never,
        mark: Mark::Open,
        column: Column::Pending,
    },
    StatusRule {
        status: Status::Done,
        name: "done",
        code: 2,
        kind: Kind::Task,
        resolves: Resolves::Always,
        mark: Mark::Checked,
        column: Column::Done,
    },
    StatusRule {
        status: Status::NotApplicable,
        name: "not_applicable",
        code: 3,
        kind: Kind::Task,
        resolves: Resolves::UntilWaiverExpires,
        mark: Mark::NotApplicable,
        column: Column::NotApplicable,
    },
    StatusRule {
        status: Status::Blocked,
        name: "blocked",
        code: 4,
        kind: Kind::Task,
        resolves: Resolves::Never,
        mark: Mark::Open,
        column: Column::Blocked,
    },
    StatusRule {
        status: Status::Empty,
        name: "empty",
        code: 5,
        kind: Kind::Field,
        resolves: Resolves::Never,
        mark: Mark::Open,
        column: Column::Pending,
    },
    StatusRule {
        status: Status::Filled,
        name: "filled",
        code: 6,
        kind: Kind::Field,
        resolves: Resolves::Always,
        mark: Mark::Checked,
        column: Column::Done,
    },
    StatusRule {
        status: Status::Unsigned,
        name: "unsigned",
        code: 7,
        kind: Kind::SignOff,
        resolves: Resolves::Never,
        mark: Mark::Open,
        column: Column::Pending,
    },
    StatusRule {
        status: Status::Approved,
        name: "approved",
        code: 8,
        kind: Kind::SignOff,
        resolves: Resolves::Always,
        mark: Mark::Checked,
        column: Column::Done,
    },
    StatusRule {
        status: Status::Rejected,
        name: "rejected",
        code: 9,
        kind: Kind::SignOff,
        resolves: Resolves::Never,
        mark: Mark::Open,
        column: Column::Pending,
    },
    StatusRule {
        status: Status::Failed,
        name: "failed",
        code: 10,
        kind: Kind::Task,
        resolves: Resolves::Never,
        mark: Mark::Open,
        column: Column::Pending,
    },
];

/// Where an action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Leads {
    /// To this status.
    To(Status),
    /// To the item's initial state (from its kind and the box as written).
    Initial,
    /// To the status the item's carried-over history gives it (a rename).
    Carried,
    /// To `passed` when the run's evidence passed, else to `failed`.
    Evidence {
        /// Where a passing run leads.
        passed: Status,
        /// Where any other run leads.
        failed: Status,
    },
}

/// What an action asks of the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActorCheck {
    /// Anyone may do it.
    Anyone,
    /// Only an actor holding the sign-off's role.
    HoldsRole,
}

/// A rule that looks at other items; each is a named function in `state/guards.rs`,
/// checked in the order listed, after the actor and the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Guard {
    /// A parent task cannot be done while a required sub-item is open.
    ChildrenResolved,
    /// Step N of an ordered list cannot be done before steps 1..N-1 are resolved.
    EarlierStepsResolved,
    /// A required sub-item cannot be reopened while its parent is done.
    ParentNotDone,
    /// A step cannot be reopened while a later step is resolved.
    LaterStepsOpen,
    /// A sign-off can be given only when every item it covers is resolved.
    CoverageResolved,
    /// A task with a check is resolved only by a passing run of it.
    NoCheck,
    /// Only a task with a check records runs, with evidence of its current command.
    CheckMatches,
}

impl Guard {
    /// Whether the guard refuses the item at `index` for what the checklist declares
    /// about it, whatever the state: `NoCheck` on a task with a check.
    pub(crate) fn refuses_as_declared(self, spec: &Spec, index: ItemIndex) -> bool {
        matches!(self, Guard::NoCheck) && spec.check(index).is_some()
    }
}

/// One action: what it applies to, from where, to where, who may ask, and its guards.
#[derive(Debug, Clone, Copy)]
pub struct ActionRule {
    /// The action.
    pub action: Action,
    /// The name as in JSON.
    pub name: &'static str,
    /// A stable one-byte code for the hashed event encoding (never reuse a retired code).
    pub code: u8,
    /// The kinds of item it applies to.
    pub kinds: &'static [Kind],
    /// The statuses it may start from (empty: any).
    pub from: &'static [Status],
    /// Where it leads.
    pub leads: Leads,
    /// Whether a person asks for it (`false`: the library records it on its own, as a
    /// consequence of another change or of a changed checklist).
    pub requested: bool,
    /// What it asks of the actor.
    pub actor: ActorCheck,
    /// The cross-item rules it must pass.
    pub guards: &'static [Guard],
    /// Statuses in which it has nothing left to do: a selection by pattern leaves items
    /// in them out rather than refusing them (completing a section whose optional items
    /// were skipped completes the rest).
    pub settled: &'static [Status],
    /// How such items are described: `resolved`, `blocked`, ...
    pub settled_as: &'static str,
}

const TASK: &[Kind] = &[Kind::Task];
const FIELD: &[Kind] = &[Kind::Field];
const SIGNOFF: &[Kind] = &[Kind::SignOff];

/// The actions, in [`Action`] order.
pub const ACTIONS: &[ActionRule] = &[
    ActionRule {
        action: Action::Complete,
        name: "complete",
        code: 1,
        kinds: TASK,
        from: &[Status::Pending],
        leads: Leads::To(Status::Done),
        requested: true,
        actor: ActorCheck::Anyone,
        guards: &[
            Guard::NoCheck,
            Guard::ChildrenResolved,
            Guard::EarlierStepsResolved,
        ],
        settled: &[Status::Done, Status::NotApplicable],
        settled_as: "resolved",
    },
    ActionRule {
        action: Action::Skip,
        name: "skip",
        code: 2,
        kinds: TASK,
        from: &[Status::Pending, Status::Blocked, Status::Failed],
        leads: Leads::To(Status::NotApplicable),
        requested: true,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[Status::Done, Status::NotApplicable],
        settled_as: "resolved",
    },
    ActionRule {
        action: Action::Block,
        name: "block",
        code: 3,
        kinds: TASK,
        from: &[Status::Pending],
        leads: Leads::To(Status::Blocked),
        requested: true,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[Status::Blocked],
        settled_as: "blocked",
    },
    ActionRule {
        action: Action::Unblock,
        name: "unblock",
        code: 4,
        kinds: TASK,
        from: &[Status::Blocked],
        leads: Leads::To(Status::Pending),
        requested: true,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[Status::Pending],
        settled_as: "pending",
    },
    ActionRule {
        action: Action::Reopen,
        name: "reopen",
        code: 5,
        kinds: TASK,
        from: &[Status::Done, Status::NotApplicable, Status::Failed],
        leads: Leads::To(Status::Pending),
        requested: true,
        actor: ActorCheck::Anyone,
        guards: &[Guard::ParentNotDone, Guard::LaterStepsOpen],
        settled: &[Status::Pending],
        settled_as: "pending",
    },
    ActionRule {
        action: Action::Fill,
        name: "fill",
        code: 6,
        kinds: FIELD,
        from: &[Status::Empty, Status::Filled],
        leads: Leads::To(Status::Filled),
        requested: true,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[],
        settled_as: "filled",
    },
    ActionRule {
        action: Action::Clear,
        name: "clear",
        code: 7,
        kinds: FIELD,
        from: &[Status::Filled],
        leads: Leads::To(Status::Empty),
        requested: true,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[Status::Empty],
        settled_as: "empty",
    },
    ActionRule {
        action: Action::Approve,
        name: "approve",
        code: 8,
        kinds: SIGNOFF,
        from: &[Status::Unsigned, Status::Rejected],
        leads: Leads::To(Status::Approved),
        requested: true,
        actor: ActorCheck::HoldsRole,
        guards: &[Guard::CoverageResolved],
        settled: &[Status::Approved],
        settled_as: "approved",
    },
    ActionRule {
        action: Action::Reject,
        name: "reject",
        code: 9,
        kinds: SIGNOFF,
        from: &[Status::Unsigned, Status::Approved],
        leads: Leads::To(Status::Rejected),
        requested: true,
        actor: ActorCheck::HoldsRole,
        guards: &[],
        settled: &[Status::Rejected],
        settled_as: "rejected",
    },
    ActionRule {
        action: Action::Revoke,
        name: "revoke",
        code: 10,
        kinds: SIGNOFF,
        from: &[Status::Approved, Status::Rejected],
        leads: Leads::To(Status::Unsigned),
        requested: true,
        actor: ActorCheck::HoldsRole,
        guards: &[],
        settled: &[Status::Unsigned],
        settled_as: "unsigned",
    },
    ActionRule {
        action: Action::Void,
        name: "void",
        code: 11,
        kinds: SIGNOFF,
        from: &[Status::Approved],
        leads: Leads::To(Status::Unsigned),
        requested: false,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[],
        settled_as: "unsigned",
    },
    ActionRule {
        action: Action::Reset,
        name: "reset",
        code: 12,
        kinds: &[Kind::Task, Kind::Field, Kind::SignOff],
        from: &[],
        leads: Leads::Initial,
        requested: false,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[],
        settled_as: "reset",
    },
    ActionRule {
        action: Action::Rename,
        name: "rename",
        code: 13,
        kinds: &[Kind::Task, Kind::Field, Kind::SignOff],
        from: &[],
        leads: Leads::Carried,
        requested: false,
        actor: ActorCheck::Anyone,
        guards: &[],
        settled: &[],
        settled_as: "renamed",
    },
    ActionRule {
        action: Action::Verify,
        name: "verify",
        code: 14,
        kinds: TASK,
        from: &[Status::Pending, Status::Done, Status::Failed],
        leads: Leads::Evidence {
            passed: Status::Done,
            failed: Status::Failed,
        },
        requested: false,
        actor: ActorCheck::Anyone,
        guards: &[
            Guard::CheckMatches,
            Guard::ChildrenResolved,
            Guard::EarlierStepsResolved,
        ],
        settled: &[],
        settled_as: "verified",
    },
];

impl Status {
    /// Its row of [`STATUSES`].
    pub fn rule(self) -> &'static StatusRule {
        &STATUSES[self as usize]
    }

    /// The name as in JSON: `not_applicable`.
    pub fn as_str(self) -> &'static str {
        self.rule().name
    }

    /// The kind of item that has this status.
    pub fn kind(self) -> Kind {
        self.rule().kind
    }

    /// Whether an item of `kind` can be in this status.
    pub fn fits(self, kind: &ItemKind) -> bool {
        self.kind() == Kind::of(kind)
    }

    pub(crate) fn code(self) -> u8 {
        self.rule().code
    }

    #[cfg(test)]
    fn from_code(code: u8) -> Option<Status> {
        STATUSES.iter().find(|r| r.code == code).map(|r| r.status)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// Its row of [`ACTIONS`].
    pub fn rule(self) -> &'static ActionRule {
        &ACTIONS[self as usize]
    }

    /// The name as in JSON.
    pub fn as_str(self) -> &'static str {
        self.rule().name
    }

    /// Whether it applies to items of `kind`.
    pub fn applies_to(self, kind: &ItemKind) -> bool {
        self.rule().kinds.contains(&Kind::of(kind))
    }

    /// Whether a selection by pattern keeps the item at `index` for this action: the
    /// action applies to its kind, and no guard refuses it for what the checklist itself
    /// declares (a task with a check is left to its check).
    pub fn selects(self, spec: &Spec, index: ItemIndex) -> bool {
        self.applies_to(spec.item(index).kind())
            && !self
                .rule()
                .guards
                .iter()
                .any(|guard| guard.refuses_as_declared(spec, index))
    }

    /// Whether an item in `status` is already where this action would put it, so that a
    /// selection by pattern leaves it out ([`ActionRule::settled`]).
    pub fn is_settled(self, status: Status) -> bool {
        self.rule().settled.contains(&status)
    }

    pub(crate) fn code(self) -> u8 {
        self.rule().code
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether, and how, an item counts on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resolution {
    /// Resolved, in this progress column.
    Resolved(Settled),
    /// Open.
    Open,
    /// Skipped under a waiver that expired on this day.
    WaiverExpired(NaiveDate),
    /// A task with a check, done, whose evidence no longer counts.
    Stale(Stale),
}

/// Why a checked task's evidence no longer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stale {
    /// It is older than the check's `valid_for`: it stopped counting at this time.
    Expired(DateTime<Utc>),
    /// It was made by another command than the check's (its definition digest differs).
    CommandChanged,
    /// The task was done without a run of its check (before the check was declared).
    NoEvidence,
}

/// How a resolved item was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Settled {
    /// Done, filled or approved.
    Done,
    /// Not applicable without a waiver.
    NotApplicable,
    /// Not applicable under a waiver that holds.
    Waived,
}

/// Whether `state` counts as resolved at `now`: [`StatusRule::resolves`], with waivers
/// judged on `now`'s date (a waiver holds until the day before its `expires`).
#[inline]
pub fn resolution(state: &ItemState, now: DateTime<Utc>) -> Resolution {
    let rule = state.status().rule();
    match rule.resolves {
        Resolves::Never => Resolution::Open,
        Resolves::Always => Resolution::Resolved(settled(rule.column, state)),
        Resolves::UntilWaiverExpires => match state.waiver() {
            None => Resolution::Resolved(settled(rule.column, state)),
            Some(w) => match w.expires {
                Some(expires) if now.date_naive() >= expires => Resolution::WaiverExpired(expires),
                _ => Resolution::Resolved(Settled::Waived),
            },
        },
    }
}

/// [`resolution`] of a task with a check: done counts only with evidence of the check's
/// current command that is younger than its `valid_for`.
pub fn resolution_checked(state: &ItemState, check: &Check, now: DateTime<Utc>) -> Resolution {
    let resolution = resolution(state, now);
    if state.status() != Status::Done {
        return resolution;
    }
    let Some(run) = state.run() else {
        return Resolution::Stale(Stale::NoEvidence);
    };
    if run.definition != check.definition() {
        return Resolution::Stale(Stale::CommandChanged);
    }
    match check.valid_for().and_then(|v| run.expires(v)) {
        Some(expires) if now >= expires => Resolution::Stale(Stale::Expired(expires)),
        _ => resolution,
    }
}

#[inline]
fn settled(column: Column, state: &ItemState) -> Settled {
    match column {
        Column::NotApplicable if state.waiver().is_some() => Settled::Waived,
        Column::NotApplicable => Settled::NotApplicable,
        _ => Settled::Done,
    }
}

/// "tasks take complete, skip, ...; fields fill and clear; sign-offs approve, ..." from
/// the table.
pub(crate) fn what_applies_to_what() -> String {
    Kind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let actions: Vec<&str> = kind.actions().map(Action::as_str).collect();
            let list = match actions.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("{} and {last}", rest.join(", "))
                }
                Some((last, _)) => last.to_string(),
                None => String::new(),
            };
            let verb = if i == 0 { " take" } else { "" };
            format!("{}{verb} {list}", kind.plural())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_in_enum_order_with_unique_codes() {
        for (i, r) in STATUSES.iter().enumerate() {
            assert_eq!(r.status as usize, i, "{}", r.name);
            assert_eq!(
                serde_json::to_value(r.status).unwrap(),
                serde_json::Value::String(r.name.into())
            );
            assert_eq!(Status::from_code(r.code), Some(r.status));
        }
        for (i, r) in ACTIONS.iter().enumerate() {
            assert_eq!(r.action as usize, i, "{}", r.name);
            assert_eq!(
                serde_json::to_value(r.action).unwrap(),
                serde_json::Value::String(r.name.into())
            );
        }
        let mut codes: Vec<u8> = ACTIONS.iter().map(|r| r.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), ACTIONS.len());
    }

    #[test]
    fn every_action_starts_and_ends_within_its_kinds() {
        for r in ACTIONS {
            for s in r.from.iter().chain(r.settled) {
                assert!(r.kinds.contains(&s.kind()), "{} from {s}", r.name);
            }
            if let Leads::To(s) = r.leads {
                assert!(r.kinds.contains(&s.kind()), "{} to {s}", r.name);
            }
        }
    }

    #[test]
    fn every_kind_has_an_open_and_a_resolved_status() {
        for kind in Kind::ALL {
            let rules: Vec<_> = STATUSES.iter().filter(|r| r.kind == kind).collect();
            assert!(rules.iter().any(|r| r.resolves == Resolves::Never));
            assert!(rules.iter().any(|r| r.resolves != Resolves::Never));
        }
    }

    #[test]
    fn the_help_lists_what_applies_to_what() {
        assert_eq!(
            what_applies_to_what(),
            "tasks take complete, skip, block, unblock and reopen; fields fill and clear; \
             sign-offs approve, reject and revoke"
        );
    }
}
