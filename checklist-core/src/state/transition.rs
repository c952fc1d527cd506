//! What a change asks for ([`Request`]), who asks ([`Actor`]), and why one is refused
//! ([`TransitionError`], [`Refusal`]).

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use super::evidence::Evidence;
use super::rules::{Action, Kind, Status};
use crate::value::{InvalidValue, Value};

/// Who is making a change, and the roles they hold.
///
/// The library trusts the embedding tool to have authenticated the actor; it enforces
/// what the roles allow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    name: Arc<str>,
    roles: Vec<String>,
    /// Whether `name` is a principal, decided once here rather than on every transition.
    principal: bool,
}

impl Actor {
    /// An actor with no roles. The name is recorded normalized (see
    /// [`crate::principal`]); a name that is not a principal (empty, or with invisible
    /// characters) is refused by every transition.
    pub fn new(name: impl Into<Arc<str>>) -> Self {
        let name: Arc<str> = name.into();
        let (normalized, principal) = match crate::principal::normalize(&name) {
            Ok(normalized) => (normalized, true),
            Err(_) => (std::borrow::Cow::Borrowed(name.trim()), false),
        };
        let name = match normalized {
            std::borrow::Cow::Borrowed(same) if same.len() == name.len() => name,
            other => Arc::from(other.as_ref()),
        };
        Actor {
            name,
            roles: vec![],
            principal,
        }
    }

    /// Whether the name is a principal ([`crate::principal::normalize`] accepts it).
    pub(crate) fn is_principal(&self) -> bool {
        self.principal
    }

    /// Adds a role.
    #[must_use]
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// The actor's name, as recorded in the log.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name as events and item states share it.
    pub(crate) fn shared_name(&self) -> &Arc<str> {
        &self.name
    }

    /// The roles held.
    pub fn roles(&self) -> &[String] {
        &self.roles
    }

    /// Whether the actor holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// A requested change to one item. The convenience methods on
/// [`State`](crate::State) (`complete`, `skip`, `fill`, ...) build these.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Request<'a> {
    /// Task: pending → done.
    Complete {
        /// A note for the log.
        note: Option<&'a str>,
        /// Evidence (a URL, a log line).
        evidence: Option<&'a str>,
    },
    /// Task: pending or blocked → not applicable. A required task needs a reason and a
    /// waiver.
    Skip {
        /// Why it does not apply.
        reason: Option<&'a str>,
        /// The waiver, for required tasks.
        waiver: Option<WaiverRequest<'a>>,
    },
    /// Task: pending → blocked.
    Block {
        /// What blocks it.
        reason: &'a str,
    },
    /// Task: blocked → pending.
    Unblock,
    /// Task: done or not applicable → pending.
    Reopen {
        /// Why.
        reason: &'a str,
    },
    /// Field: → filled, the text parsed against the field's type.
    Fill {
        /// The value as text.
        value: &'a str,
    },
    /// Field: → filled with an already typed value.
    FillValue {
        /// The value.
        value: Value,
    },
    /// Field: filled → empty.
    Clear,
    /// Sign-off: unsigned or rejected → approved.
    Approve {
        /// An optional comment.
        comment: Option<&'a str>,
    },
    /// Sign-off: unsigned or approved → rejected.
    Reject {
        /// Why (required).
        comment: &'a str,
    },
    /// Sign-off: approved or rejected → unsigned.
    Revoke {
        /// Why.
        reason: Option<&'a str>,
    },
    /// Task with a check: record a run of it; → done when it passed, else → failed.
    Verify {
        /// The run's evidence.
        run: &'a Evidence,
    },
}

/// The approver and expiry of a waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiverRequest<'a> {
    /// Who approves the waiver; must not be the actor asking for it.
    pub approver: &'a str,
    /// The first day the waiver no longer holds.
    pub expires: Option<NaiveDate>,
}

impl Request<'_> {
    /// The action this request performs.
    pub fn action(&self) -> Action {
        match self {
            Request::Complete { .. } => Action::Complete,
            Request::Skip { .. } => Action::Skip,
            Request::Block { .. } => Action::Block,
            Request::Unblock => Action::Unblock,
            Request::Reopen { .. } => Action::Reopen,
            Request::Fill { .. } | Request::FillValue { .. } => Action::Fill,
            Request::Clear => Action::Clear,
            Request::Approve { .. } => Action::Approve,
            Request::Reject { .. } => Action::Reject,
            Request::Revoke { .. } => Action::Revoke,
            Request::Verify { .. } => Action::Verify,
        }
    }
}

/// A refused change: which item, in which state, which change, and why.
///
/// Display gives one line; [`TransitionError::help`] says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot {action} `{item}` ({status}): {refusal}")]
pub struct TransitionError {
    /// The item's id.
    pub item: String,
    /// The item's status, unchanged.
    pub status: Status,
    /// What was asked.
    pub action: Action,
    /// Why it was refused.
    pub refusal: Refusal,
}

/// Why a change was refused. Each rule of the state machine has its own variant.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The action does not apply to this kind of item.
    #[error("it is a {kind}, and `{action}` applies to {}", KindList(applies_to))]
    WrongKind {
        /// The item's kind.
        kind: Kind,
        /// What was asked.
        action: Action,
        /// The kinds it applies to.
        applies_to: Vec<Kind>,
    },
    /// The action does not apply from the current status.
    #[error("`{action}` applies only to an item that is {allowed}")]
    WrongStatus {
        /// What was asked.
        action: Action,
        /// The statuses it applies from.
        allowed: StatusList,
    },
    /// A reason (or comment) is required and was not given.
    #[error("a reason is required")]
    ReasonRequired,
    /// A required task was skipped without a waiver.
    #[error(
        "a waiver needs a named approver (a required item is marked not applicable only under a waiver)"
    )]
    WaiverRequired,
    /// The waiver's approver is the actor who asked for it.
    #[error("`{actor}` cannot approve a waiver they asked for")]
    SelfApprovedWaiver {
        /// The actor.
        actor: String,
    },
    /// The waiver would already be expired.
    #[error("the waiver would expire on {expires}, which is not after today ({today})")]
    WaiverAlreadyExpired {
        /// The requested expiry.
        expires: NaiveDate,
        /// Today, by the state's clock.
        today: NaiveDate,
    },
    /// A parent task with open required children.
    #[error("its required sub-items are still open: {}", list(.open))]
    OpenChildren {
        /// Ids of the open children.
        open: Vec<String>,
    },
    /// An ordered step before the earlier steps are resolved.
    #[error("the earlier steps are not resolved: {}", list(.open))]
    EarlierStepsOpen {
        /// Ids of the open earlier steps.
        open: Vec<String>,
    },
    /// Reopening a sub-item of a done parent.
    #[error("its parent `{parent}` is done")]
    ParentDone {
        /// The parent's id.
        parent: String,
    },
    /// Reopening a step while a later step is done.
    #[error("later steps are done: {}", list(.done))]
    LaterStepsDone {
        /// Ids of the later done steps.
        done: Vec<String>,
    },
    /// The actor does not hold the sign-off's role.
    #[error("`{actor}` does not hold the role `{role}`")]
    MissingRole {
        /// The actor.
        actor: String,
        /// The role required.
        role: String,
    },
    /// A sign-off before the items it covers are resolved.
    #[error("the gate `{gate}` it covers is not met: {count} item{} open, e.g. {}", if *.count == 1 { "" } else { "s" }, list(.first))]
    GateUnmet {
        /// The sign-off gate.
        gate: String,
        /// How many items are open.
        count: usize,
        /// The first few open ids.
        first: Vec<String>,
    },
    /// A value that does not fit the field.
    #[error("{0}")]
    InvalidValue(InvalidValue),
    /// The actor's name is not a principal.
    #[error("{problem}")]
    InvalidPrincipal {
        /// What is wrong with it.
        problem: String,
        /// What to do.
        help: &'static str,
    },
    /// The role is bound to principals, and the actor is not one of them.
    #[error("`{actor}` does not hold the role `{role}`: the checklist binds it to {}", list(.principals))]
    RoleNotBound {
        /// The actor.
        actor: String,
        /// The role.
        role: String,
        /// Who holds it.
        principals: Vec<String>,
    },
    /// The checklist binds roles, and the waiver's approver is in none of them.
    #[error("the waiver's approver `{approver}` holds no role of the checklist; who may approve: {}", list(.principals))]
    ApproverNotBound {
        /// The approver.
        approver: String,
        /// Every principal a binding lists.
        principals: Vec<String>,
    },
    /// The checklist requires this event to be signed, and no signer was given.
    #[error("the checklist requires it to be signed by `{principal}`")]
    SignatureRequired {
        /// Who must sign: the actor, or a waiver's approver.
        principal: String,
    },
    /// The signer failed, or gave a signature that does not verify.
    #[error("signing failed: {problem}")]
    SigningFailed {
        /// What went wrong.
        problem: String,
    },
    /// The signing key is not trusted for the principal.
    #[error("the signature by key {fingerprint} is not trusted for `{principal}`: {problem}")]
    SignatureNotAllowed {
        /// Who signs.
        principal: String,
        /// The key that signed.
        fingerprint: String,
        /// What the allowed-signers file says.
        problem: String,
    },
    /// A signature was made, but no allowed-signers file was given to trust it.
    #[error("no allowed-signers file was read{}", .file.as_ref().map(|f| format!(" (the checklist names `{f}`)")).unwrap_or_default())]
    NoAllowedSigners {
        /// The file the checklist names.
        file: Option<String>,
    },
    /// Completing a task that has a check: only a passing run of it resolves it.
    #[error("it has a check, and only a passing run of its check makes it done")]
    HasCheck,
    /// Recording a run for a task without a check.
    #[error("it has no check in the checklist")]
    NoCheck,
    /// Recording a run of another command than the task's check.
    #[error("the run is of `{ran}`, and the checklist's check now runs `{check}`")]
    OtherCommand {
        /// The command that ran.
        ran: String,
        /// The check's command.
        check: String,
    },
    /// The event would be dated after 9999-12-31T23:59:59Z, which the document cannot
    /// write (the clock, or an event before it, is that far ahead).
    #[error("the event would be dated {at}, after the last time a state file can hold")]
    TimeOutOfRange {
        /// The time it would get.
        at: chrono::DateTime<chrono::Utc>,
    },
}

/// A list of statuses, printed `pending or blocked`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList(pub Vec<Status>);

impl fmt::Display for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        or_list(f, self.0.iter().map(|s| s.as_str()))
    }
}

/// A list of kinds, printed `tasks or fields`.
struct KindList<'a>(&'a [Kind]);

impl fmt::Display for KindList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        or_list(f, self.0.iter().map(|k| k.plural()))
    }
}

fn or_list<'a>(f: &mut fmt::Formatter<'_>, names: impl Iterator<Item = &'a str>) -> fmt::Result {
    let names: Vec<&str> = names.collect();
    match names.split_last() {
        Some((last, [])) => f.write_str(last),
        Some((last, rest)) => write!(f, "{} or {last}", rest.join(", ")),
        None => Ok(()),
    }
}

fn list(ids: &[String]) -> String {
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl TransitionError {
    /// What the user can do about it, in the library's terms (a tool with its own
    /// vocabulary, like the command line's flags, says it its own way).
    pub fn help(&self) -> String {
        match &self.refusal {
            Refusal::WrongKind { .. } => super::rules::what_applies_to_what(),
            Refusal::WrongStatus { .. } => match (self.action, self.status) {
                (Action::Complete, Status::Blocked) => "unblock it first".into(),
                (Action::Complete | Action::Skip | Action::Block, _) => {
                    "reopen it first if it needs doing again".into()
                }
                _ => format!("it is {} now; nothing to {}", self.status, self.action),
            },
            Refusal::ReasonRequired => "give a reason".into(),
            Refusal::WaiverRequired => {
                "name who approves the waiver, or mark the item optional in the Markdown".into()
            }
            Refusal::SelfApprovedWaiver { .. } => {
                "a waiver needs a second person: ask someone else to approve it".into()
            }
            Refusal::WaiverAlreadyExpired { .. } => "choose an expiry date after today".into(),
            Refusal::OpenChildren { .. } => "resolve the sub-items first".into(),
            Refusal::EarlierStepsOpen { .. } => "resolve the steps in order".into(),
            Refusal::ParentDone { parent } => format!("reopen `{parent}` first"),
            Refusal::LaterStepsDone { .. } => "reopen the later steps first, last one first".into(),
            Refusal::MissingRole { role, .. } => {
                format!("ask someone holding `{role}` to do it")
            }
            Refusal::GateUnmet { gate, .. } => {
                format!("resolve the open items of the gate `{gate}` first")
            }
            Refusal::InvalidValue(_) => "give a value of the field's type".into(),
            Refusal::InvalidPrincipal { help, .. } => (*help).into(),
            Refusal::RoleNotBound { principals, role, .. } => match principals.as_slice() {
                [] => format!("the checklist binds `{role}` to no one: list who holds it under `[roles]`"),
                _ => format!("ask {} to do it, or add the actor to `{role}` under `[roles]` in the checklist", list(principals)),
            },
            Refusal::ApproverNotBound { .. } => {
                "name as approver someone the checklist binds to a role under `[roles]`".into()
            }
            Refusal::SignatureRequired { principal } => format!(
                "sign it with a key that the allowed-signers file lists for `{principal}`"
            ),
            Refusal::SigningFailed { .. } => "check the key: its file, its passphrase, or the agent holding it".into(),
            Refusal::SignatureNotAllowed { principal, .. } => format!(
                "sign with a key the allowed-signers file lists for `{principal}` (and valid now, in the namespace `checklist`), or ask whoever keeps that file to add the key"
            ),
            Refusal::NoAllowedSigners { .. } => {
                "read the allowed-signers file and give it with the checklist (`Spec::with_allowed_signers`)".into()
            }
            Refusal::HasCheck => {
                "run its check; or, if it does not apply, skip it (a required task under a waiver)"
                    .into()
            }
            Refusal::NoCheck => "declare a check for it in the front matter's `checks`".into(),
            Refusal::OtherCommand { .. } => "run the check again".into(),
            Refusal::TimeOutOfRange { .. } => {
                "check the clock: the system's, or the times in the log (an event dated in the far future pins every later one)".into()
            }
        }
    }
}

/// Why [`State::rename`](crate::State::rename) refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot carry the state of `{from}` over to `{to}`: {why}")]
pub struct RenameError {
    /// The old id.
    pub from: String,
    /// The item it was to go to.
    pub to: String,
    /// Why not.
    pub why: String,
}
