//! `copy`: a run from one store to another (file, SQLite, PostgreSQL, in any direction),
//! loaded with its checklist, so that only a run that verifies is copied, and saved as
//! new at the destination, so that nothing there is ever overwritten.

use std::ffi::OsStr;
use std::path::Path;

use checklist_core::StoreError;

use crate::load::{self, Database, Location};
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, eprint, print};

/// Copies the run of `file` at `from` to `to`.
pub fn run(file: &Path, from: &OsStr, to: &OsStr, run: Option<&str>, term: &Term) -> Result {
    let spec = load::spec(file)?;
    let (from, to) = (Database::parse(from)?, Database::parse(to)?);
    if from.is_file() && to.is_file() && run.is_some() {
        return Err(Fatal::new(
            "`--run` names a run in a database, but both ends are state files, which hold one \
             run each",
            "leave out `--run` (and unset CHECKLIST_RUN), or copy to or from `sqlite:PATH` or a \
             postgres:// URL",
        ));
    }
    // `--run` names the run at the database ends; a file holds one run.
    let run_at = |d: &Database| if d.is_file() { None } else { run };
    if let Database::Sqlite(path) = &from {
        super::runs::existing(path, &from)?;
    }
    let source = Location::in_database(from.clone(), run_at(&from), spec.id())?;
    let target = Location::in_database(to.clone(), run_at(&to), spec.id())?;
    if same(&source, &target) {
        return Err(Fatal::new(
            format!("`--from` and `--to` are the same run, `{source}`"),
            "copy to another store, or to another run with `--run`",
        ));
    }
    let clock = load::clock()?;
    let loaded = source
        .store(clock.clone(), checklist_core::store::DEFAULT_LOCK_TIMEOUT)?
        .load(&spec)
        .map_err(load::store_error)?;
    if loaded.stored_revision.is_none() {
        return Err(Fatal::new(
            format!("`{source}` holds no run of `{}` to copy", spec.id()),
            match source {
                Location::File(_) => "check the path of the state file".to_string(),
                _ => format!("check the run's name (`checklist runs --state {from}` lists them)"),
            },
        ));
    }
    if let Some(migration) = &loaded.migration {
        eprint(&format!(
            "{} {migration}\n",
            term.err.bold(&term.err.yellow("note:"))
        ));
    }
    let state = loaded.state;
    match target
        .store(clock, checklist_core::store::DEFAULT_LOCK_TIMEOUT)?
        .save(&state, None)
    {
        Ok(()) => {
            let (source, target) = (
                crate::describe::one_line(&source.to_string()),
                crate::describe::one_line(&target.to_string()),
            );
            print(&format!(
                "{} copied `{source}` to `{target}`: revision {}, {} event{}, the log verified\n",
                term.out.bold("✓"),
                state.revision(),
                state.events().len(),
                if state.events().len() == 1 { "" } else { "s" }
            ))?;
            Ok(Outcome::Ok)
        }
        Err(StoreError::Conflict { found, .. }) => Err(Fatal::new(
            format!(
                "`{target}` already holds a run (revision {found}); nothing was written: a copy \
                 never overwrites"
            ),
            match target {
                Location::File(_) => "copy to another file",
                _ => "copy under another name (`--run NAME`), or to another store",
            },
        )),
        Err(e) => Err(load::store_error(e)),
    }
}

/// Whether two locations are the same run (the same file, however it is spelled).
fn same(a: &Location, b: &Location) -> bool {
    let same_file = |x: &Path, y: &Path| match (x.canonicalize(), y.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => x == y,
    };
    match (a, b) {
        (Location::File(x), Location::File(y)) => same_file(x, y),
        (Location::Sqlite { path: x, run: r }, Location::Sqlite { path: y, run: s }) => {
            r == s && same_file(x, y)
        }
        (Location::Postgres { url: x, run: r }, Location::Postgres { url: y, run: s }) => {
            r == s && x == y
        }
        _ => false,
    }
}
