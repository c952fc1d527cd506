//! The verbs that change state (`complete`, `skip`, `block`, `unblock`, `reopen`, `fill`,
//! `clear`, `approve`, `reject`, `revoke`): every selected item changes in one
//! `FileStore::update`, or nothing is written.

use checklist_core::{Action, Actor, Event, Refusal, Request, Store, TransitionError, UpdateError};

use super::select::{self, Selected};
use crate::cli::{Change, Signing};
use crate::describe;
use crate::load;
use crate::outcome::{Outcome, Result};
use crate::sign;
use crate::term::{Paint, Term, eprint, print};

/// What one successful update did.
struct Applied {
    revision: u64,
    events: Vec<Event>,
    /// Items a glob matched that were already where the change would put them.
    left_out: usize,
}

/// Why an update wrote nothing.
enum Stop {
    /// At least one change was refused: the refusals, and how many changes were tried.
    Refused(Vec<TransitionError>, usize),
    /// Every item was matched by a glob and already where the change would put it.
    NothingToDo(usize),
}

/// Applies `request` as `actor` to every item `change.ids` names.
pub fn run(change: &Change, actor: Actor, request: Request<'_>, term: &Term) -> Result {
    run_with(change, actor, request, None, term)
}

/// [`run`] for a change that is signed: with the key `--key` names, or ssh-agent.
pub fn run_signed(
    change: &Change,
    actor: Actor,
    request: Request<'_>,
    signing: &Signing,
    term: &Term,
) -> Result {
    run_with(change, actor, request, Some(signing), term)
}

fn run_with(
    change: &Change,
    actor: Actor,
    request: Request<'_>,
    signing: Option<&Signing>,
    term: &Term,
) -> Result {
    let target = &change.target;
    let action = request.action();
    // Opening first reports a migration and refuses a broken state file (exit 2) before
    // anything is attempted; `update` below loads again, in its transaction.
    let load::Opened {
        spec,
        store,
        location,
        ..
    } = load::open(target, term)?;
    let items: Vec<Selected> = select::items(&spec, &change.ids, action)?;
    // Who signs: the actor, or a waiver's approver.
    let principal = match &request {
        Request::Skip {
            waiver: Some(w), ..
        } => w.approver,
        _ => actor.name(),
    };
    let signer = match signing {
        Some(signing) => sign::signer(signing.key.as_deref(), &spec, principal)?,
        None => None,
    };

    let result = store.update(&spec, |state| {
        let start = state.events().len();
        let mut refused: Vec<TransitionError> = Vec::new();
        let mut left_out = 0;
        for s in &items {
            // Decided on the state read under the lock, so a concurrent writer's changes
            // count.
            if !s.named && action.is_settled(state.item(s.index).status()) {
                left_out += 1;
                continue;
            }
            // A refused change leaves the state as it was, so the others are still
            // checked and every refusal is reported; any refusal writes nothing.
            let applied = match &signer {
                Some(signer) => state.apply_signed(s.index, &actor, request.clone(), &**signer),
                None => state.apply(s.index, &actor, request.clone()),
            };
            if let Err(e) = applied {
                refused.push(e);
            }
        }
        if !refused.is_empty() {
            Err(Stop::Refused(refused, items.len() - left_out))
        } else if state.events().len() == start {
            Err(Stop::NothingToDo(left_out))
        } else {
            Ok(Applied {
                revision: state.revision(),
                events: state.events()[start..].to_vec(),
                left_out,
            })
        }
    });

    let state_name = location.to_string();
    let already = action.rule().settled_as;
    match result {
        Ok(applied) => {
            print(&applied_text(&applied, &state_name, already, &term.out))?;
            Ok(Outcome::Ok)
        }
        Err(UpdateError::Refused(Stop::NothingToDo(n))) => {
            print(&format!(
                "nothing to do: the {n} item{} matched {} already {already}; `{state_name}` is unchanged\n",
                plural(n),
                if n == 1 { "is" } else { "are" },
            ))?;
            Ok(Outcome::Ok)
        }
        Err(UpdateError::Refused(Stop::Refused(refused, tried))) => {
            let paint = &term.err;
            let mut err = String::new();
            for e in &refused {
                err.push_str(
                    &paint.error(&describe::one_line(&e.to_string()), Some(&help(e, &spec))),
                );
            }
            // Asked after the refused update, so a file another writer created
            // meanwhile is not reported as missing.
            let existed = match store.load(&spec) {
                Ok(loaded) => loaded.stored_revision.is_some(),
                Err(_) => true,
            };
            let left = if existed {
                format!("`{state_name}` is unchanged")
            } else {
                format!("`{state_name}` was not created")
            };
            err.push_str(&format!(
                "{} of {} change{} refused; nothing was written: {left}\n",
                refused.len(),
                tried,
                plural(tried)
            ));
            eprint(&err);
            Ok(Outcome::No)
        }
        Err(UpdateError::Store(e)) => Err(load::store_error(e)),
    }
}

/// One line per event, then what was saved, voided and left out.
fn applied_text(applied: &Applied, state_name: &str, already: &str, paint: &Paint) -> String {
    let mut out = String::new();
    for e in &applied.events {
        out.push_str(&describe::change(e, paint));
        out.push('\n');
    }
    let voided = applied
        .events
        .iter()
        .filter(|e| e.action() == Action::Void)
        .count();
    let changes = applied.events.len() - voided;
    out.push_str(&format!(
        "{} {changes} change{} saved to `{state_name}` (revision {})",
        paint.bold("✓"),
        plural(changes),
        applied.revision
    ));
    if applied.left_out > 0 {
        out.push_str(&format!(
            "; {} matched item{} already {already}, left as {}",
            applied.left_out,
            plural(applied.left_out),
            if applied.left_out == 1 {
                "it was"
            } else {
                "they were"
            }
        ));
    }
    if voided > 0 {
        out.push_str(&paint.yellow(&format!(
            "; {voided} sign-off{} voided: they must be given again",
            plural(voided)
        )));
    }
    out.push('\n');
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What to do about a refusal, in the command line's words: the library's help, with the
/// flag or command that does it.
fn help(e: &TransitionError, spec: &checklist_core::Spec) -> String {
    match &e.refusal {
        Refusal::ReasonRequired => match e.action {
            Action::Reject => "give a reason (`--comment TEXT`)".into(),
            _ => "give a reason (`--reason TEXT`)".into(),
        },
        Refusal::WaiverRequired => "name who approves the waiver (`--approver NAME`), or mark \
                                    the item optional in the Markdown"
            .into(),
        Refusal::HasCheck => "run its check (`checklist verify FILE ID`); or, if it does not \
                              apply, skip it (`--reason`, and `--approver` for a required task)"
            .into(),
        Refusal::GateUnmet { gate, .. } => {
            format!("resolve the open items first (`checklist gate FILE {gate}` lists them)")
        }
        Refusal::SignatureRequired { principal } => format!(
            "sign it: `--key ~/.ssh/id_ed25519` with a key that {} lists for `{principal}`, \
             or with that key in ssh-agent (SSH_AUTH_SOCK)",
            signers_file(spec)
        ),
        Refusal::SignatureNotAllowed { principal, .. } => format!(
            "pass `--key` a key that {} lists for `{principal}` (valid now, in the namespace \
             `checklist`), or ask whoever keeps that file to add yours",
            signers_file(spec)
        ),
        Refusal::RoleNotBound { role, .. } => format!(
            "{}; who holds `{role}` is the checklist's `[roles]` table, whatever `--role` says",
            e.help()
        ),
        _ => e.help(),
    }
}

/// The allowed-signers file, as the checklist names it.
fn signers_file(spec: &checklist_core::Spec) -> String {
    match spec.signature_policy().allowed_signers() {
        Some(file) => format!("the allowed-signers file `{file}`"),
        None => "the allowed-signers file".into(),
    }
}
