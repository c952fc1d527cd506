//! `schema`: the JSON Schema of a state file.

use std::path::Path;

use checklist_core::document::{generic_schema, schema_for_spec};

use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::print_data;

/// This checklist's schema (its ids as properties), or the generic one without a file.
pub fn run(file: Option<&Path>) -> Result {
    let schema = match file {
        // The schema needs no allowed-signers file: only the checklist.
        Some(file) => schema_for_spec(&load::parsed(file)?.spec),
        None => generic_schema(),
    };
    let text = serde_json::to_string_pretty(&schema).map_err(|e| Fatal::bare(e.to_string()))?;
    print_data(&format!("{text}\n"))?;
    Ok(Outcome::Ok)
}
