//! Getting the inputs: the checklist (parsed), its state file (through `FileStore`) and
//! the clock, with every failure turned into an exit-2 error that says what to do.

use std::path::Path;
use std::sync::Arc;

use checklist_core::clock::FixedClock;
use checklist_core::{FileStore, ParseOptions, Parsed, Spec, State, StoreError};

use crate::outcome::{Fatal, Result};
use crate::term::{Term, eprint};

/// The variable that fixes the clock, for tests.
pub const FIXED_TIME_VAR: &str = "CHECKLIST_FIXED_TIME";

/// Reads a file whole.
pub fn read(file: &Path) -> Result<Vec<u8>> {
    std::fs::read(file)
        .map_err(|e| Fatal::Raw(format!("error: cannot read `{}`: {e}", file.display())))
}

/// Parse options naming the file as given on the command line.
pub fn options(file: &Path, strict: bool) -> ParseOptions {
    ParseOptions::new(file.display().to_string()).strict(strict)
}

/// Parses a checklist for commands that need a spec: any error ends the command (exit 2)
/// with the rendered diagnostics.
pub fn parsed(file: &Path) -> Result<Parsed> {
    let bytes = read(file)?;
    checklist_core::parse_bytes(&bytes, &options(file, false))
        .map_err(|d| Fatal::Raw(d.to_string()))
}

/// Parses a checklist and keeps only the spec.
pub fn spec(file: &Path) -> Result<Spec> {
    parsed(file).map(|p| p.spec)
}

/// The store for a state file, on the fixed clock when `CHECKLIST_FIXED_TIME` is set.
pub fn store(path: &Path) -> Result<FileStore> {
    let store = FileStore::new(path);
    let Some(value) = std::env::var_os(FIXED_TIME_VAR) else {
        return Ok(store);
    };
    let text = value.to_string_lossy();
    let clock = FixedClock::parse(&text, chrono::Duration::seconds(1)).map_err(|e| {
        Fatal::new(
            format!("{FIXED_TIME_VAR}=`{text}` is not an RFC 3339 time: {e}"),
            format!("unset {FIXED_TIME_VAR}, or set it like 2026-11-26T09:00:00Z"),
        )
    })?;
    Ok(store.with_clock(Arc::new(clock)))
}

/// Loads the state for `spec` (fresh when the file does not exist). A migration report
/// goes to standard error; a file that does not load ends the command (exit 2).
pub fn state<'s>(store: &FileStore, spec: &'s Spec, term: &Term) -> Result<State<'s>> {
    let loaded = store.load(spec).map_err(store_error)?;
    if let Some(migration) = &loaded.migration {
        eprint(&format!(
            "{} {migration}\n",
            term.err.bold(&term.err.yellow("note:"))
        ));
    }
    Ok(loaded.state)
}

/// A store error as an exit-2 error with help.
pub fn store_error(e: StoreError) -> Fatal {
    let help = match &e {
        StoreError::State { source, .. } => source.help(),
        StoreError::Io { .. } => {
            "check that the path is right and its directory exists and is writable"
        }
        StoreError::Conflict { .. } => {
            "someone else changed the state meanwhile; run the command again"
        }
        _ => "see the error above",
    };
    Fatal::new(e.to_string(), help)
}
