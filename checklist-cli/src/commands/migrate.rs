//! `migrate`: what an edited checklist changes in its state, and, with `--write`, the
//! record of it (and of renamed items) in the state.

use checklist_core::{Action, Actor, Store};

use crate::cli::Target;
use crate::describe::one_line;
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, print};

/// Shows the migration (and applies `renames`); writes only when `write`.
pub fn run(
    target: &Target,
    write: bool,
    renames: &[(String, String)],
    by: Option<&str>,
    term: &Term,
) -> Result {
    let spec = load::spec(&target.file)?;
    let place = load::Location::of(target, spec.id())?;
    let store = place.store(load::clock()?, std::time::Duration::from_secs(target.wait))?;
    let location = place.to_string();
    let loaded = store.load(&spec).map_err(load::store_error)?;
    let paint = &term.out;
    let Some(stored) = loaded.stored_revision else {
        print(&format!(
            "nothing to migrate: `{}` holds no state yet\n",
            one_line(&location)
        ))?;
        return Ok(Outcome::Ok);
    };
    let mut state = loaded.state;
    let actor = Actor::new(by.unwrap_or("checklist"));
    let mut out = String::new();
    match &loaded.migration {
        None if renames.is_empty() => {
            print(&format!(
                "nothing to migrate: `{}` was made for this version of `{}`\n",
                one_line(&location),
                one_line(&target.file.display().to_string())
            ))?;
            return Ok(Outcome::Ok);
        }
        None => {}
        Some(m) => {
            out.push_str(&format!(
                "`{}` was made for another version of `{}`:\n",
                one_line(&location),
                one_line(&target.file.display().to_string())
            ));
            for (what, ids) in [
                ("added", &m.added),
                ("removed (their state is kept as orphans)", &m.removed),
                ("retyped (their old state is kept as orphans)", &m.retyped),
                ("reopened (the new checklist's rules)", &m.reopened),
            ] {
                for id in ids {
                    out.push_str(&format!("  {what}: {}\n", one_line(id)));
                }
            }
        }
    }
    for (old, new) in renames {
        let Some(index) = spec.index_of(new) else {
            return Err(Fatal::new(
                format!("`{}` is not an item of the checklist", one_line(new)),
                format!(
                    "give the item's full new id; `checklist ids {}` lists them",
                    target.file.display()
                ),
            ));
        };
        if let Err(e) = state.rename(old, index, &actor) {
            crate::term::eprint(&paint_error(term, &e.to_string()));
            return Ok(Outcome::No);
        }
        out.push_str(&format!(
            "  renamed: {} → {} (its state and history go with it)\n",
            one_line(old),
            one_line(new)
        ));
    }
    for e in state.events().iter().skip_while(|e| e.revision <= stored) {
        if e.action() == Action::Void {
            out.push_str(&format!(
                "  {}: {}{}\n",
                paint.yellow("approval voided"),
                e.item,
                e.payload
                    .words()
                    .map(|w| format!(" ({})", one_line(w)))
                    .unwrap_or_default()
            ));
        }
    }
    if !write {
        out.push_str(&format!(
            "nothing was written; `--write` records this in `{}`\n",
            one_line(&location)
        ));
        print(&out)?;
        return Ok(Outcome::Ok);
    }
    store
        .save(&state, Some(stored))
        .map_err(load::store_error)?;
    out.push_str(&format!(
        "{} migrated `{}` (revision {})\n",
        paint.bold("✓"),
        one_line(&location),
        state.revision()
    ));
    print(&out)?;
    Ok(Outcome::Ok)
}

fn paint_error(term: &Term, message: &str) -> String {
    term.err.error(
        &one_line(message),
        Some("rename an id the checklist no longer has to one it added, of the same kind"),
    )
}
