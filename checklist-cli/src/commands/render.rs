//! `render`: the checklist's Markdown with the state written in.

use std::path::Path;

use crate::cli::Target;
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, print};

/// Renders to standard output, or to `output`.
pub fn run(target: &Target, output: Option<&Path>, term: &Term) -> Result {
    let spec = load::spec(&target.file)?;
    let store = load::store(&target.state)?;
    let state = load::state(&store, &spec, term)?;
    let markdown = state.render_markdown();
    match output {
        None => print(&markdown),
        Some(path) => std::fs::write(path, markdown).map_err(|e| {
            Fatal::new(
                format!("cannot write `{}`: {e}", path.display()),
                "check that the directory exists and is writable",
            )
        })?,
    }
    Ok(Outcome::Ok)
}
