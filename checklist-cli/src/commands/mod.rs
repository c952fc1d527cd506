//! One module per command group; [`run`] dispatches to them.

mod change;
mod completions;
mod copy;
mod gate;
mod inspect;
mod log;
mod migrate;
mod render;
mod runs;
mod schema;
mod select;
mod status;
mod verify;

use checklist_core::{Actor, Request};

use crate::cli::Command;
use crate::outcome::Result;
use crate::term::Term;

/// Runs one command.
pub fn run(command: Command, term: &Term) -> Result {
    match command {
        Command::Lint { file, strict } => inspect::lint(&file, strict),
        Command::Ids { file, json } => inspect::ids(&file, json),
        Command::Status { target, json } => status::run(&target, json, term),
        Command::Gate { target, name, json } => gate::run(&target, &name, json, term),
        Command::Render { target, output } => render::run(&target, output.as_deref(), term),
        Command::Log { target, json } => log::run(&target, json, term),
        Command::Schema { file } => schema::run(file.as_deref()),
        Command::Verify(args) => verify::run(&args, term),
        Command::Completions { shell } => completions::run(shell),
        Command::Migrate {
            target,
            write,
            renames,
            by,
        } => migrate::run(&target, write, &renames, by.as_deref(), term),
        Command::Runs { state, json } => runs::run(&state, json, term),
        Command::Copy {
            file,
            from,
            to,
            run,
        } => copy::run(&file, &from, &to, run.as_deref(), term),
        Command::Complete {
            change,
            note,
            evidence,
        } => {
            let request = Request::Complete {
                note: note.as_deref(),
                evidence: evidence.as_deref(),
            };
            change::run(&change, Actor::new(change.by.as_str()), request, term)
        }
        Command::Skip {
            change,
            reason,
            approver,
            expires,
            signing,
        } => {
            let request = Request::Skip {
                reason: reason.as_deref(),
                waiver: approver
                    .as_deref()
                    .map(|approver| checklist_core::WaiverRequest { approver, expires }),
            };
            let actor = Actor::new(change.by.as_str());
            change::run_signed(&change, actor, request, &signing, term)
        }
        Command::Block { change, reason } => {
            let request = Request::Block { reason: &reason };
            change::run(&change, Actor::new(change.by.as_str()), request, term)
        }
        Command::Unblock { change } => change::run(
            &change,
            Actor::new(change.by.as_str()),
            Request::Unblock,
            term,
        ),
        Command::Reopen { change, reason } => {
            let request = Request::Reopen { reason: &reason };
            change::run(&change, Actor::new(change.by.as_str()), request, term)
        }
        Command::Fill {
            target,
            id,
            value,
            by,
        } => {
            let change = crate::cli::Change {
                target,
                ids: vec![id],
                by,
            };
            let request = Request::Fill { value: &value };
            change::run(&change, Actor::new(change.by.as_str()), request, term)
        }
        Command::Clear { change } => change::run(
            &change,
            Actor::new(change.by.as_str()),
            Request::Clear,
            term,
        ),
        Command::Approve {
            change,
            roles,
            signing,
            comment,
        } => {
            let request = Request::Approve {
                comment: comment.as_deref(),
            };
            let actor = signer(&change.by, &roles.roles);
            change::run_signed(&change, actor, request, &signing, term)
        }
        Command::Reject {
            change,
            roles,
            signing,
            comment,
        } => {
            let request = Request::Reject { comment: &comment };
            let actor = signer(&change.by, &roles.roles);
            change::run_signed(&change, actor, request, &signing, term)
        }
        Command::Revoke {
            change,
            roles,
            signing,
            reason,
        } => {
            let request = Request::Revoke {
                reason: reason.as_deref(),
            };
            let actor = signer(&change.by, &roles.roles);
            change::run_signed(&change, actor, request, &signing, term)
        }
    }
}

/// An actor holding the roles given with `--role`.
fn signer(name: &str, roles: &[String]) -> Actor {
    roles
        .iter()
        .fold(Actor::new(name), |actor, role| actor.with_role(role.trim()))
}
