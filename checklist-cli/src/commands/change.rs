//! The verbs that change state (`complete`, `skip`, `block`, `unblock`, `reopen`, `fill`,
//! `clear`, `approve`, `reject`, `revoke`): every selected item changes in one
//! `FileStore::update`, or nothing is written.

use checklist_core::{Action, Actor, Event, Refusal, Request, Store, TransitionError, UpdateError};

use super::select::{self, Selected};
use crate::cli::Change;
use crate::describe;
use crate::load;
use crate::outcome::{Outcome, Result};
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
            if let Err(e) = state.apply(s.index, &actor, request.clone()) {
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
                err.push_str(&paint.error(&describe::one_line(&e.to_string()), Some(&help(e))));
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
fn help(e: &TransitionError) -> String {
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
        _ => e.help(),
    }
}
