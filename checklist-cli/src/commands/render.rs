//! `render`: the checklist's Markdown with the state written in.

use std::path::Path;

use crate::cli::Target;
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, print};

/// Renders to standard output, or to `output`.
pub fn run(target: &Target, output: Option<&Path>, term: &Term) -> Result {
    let opened = load::open(target, term)?;
    let markdown = opened.state.render_markdown();
    match output {
        None => print(&markdown),
        Some(path) => {
            let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            if same(path, &target.file) {
                return Err(Fatal::new(
                    format!(
                        "refusing to overwrite the checklist `{}` with its rendering",
                        path.display()
                    ),
                    "write the rendering to another file, e.g. `-o rendered.md`",
                ));
            }
            if opened
                .location
                .file()
                .is_some_and(|state| same(path, state))
            {
                return Err(Fatal::new(
                    format!(
                        "refusing to overwrite the state file `{}` (its audit log) with the rendering",
                        path.display()
                    ),
                    "write the rendering to another file, e.g. `-o rendered.md`",
                ));
            }
            // Atomic, like state saves: a crash never leaves half a file.
            checklist_core::store::write_atomically(path, markdown.as_bytes()).map_err(|e| {
                Fatal::new(
                    format!("cannot write `{}`: {e}", path.display()),
                    "check that the directory exists and is writable",
                )
            })?
        }
    }
    Ok(Outcome::Ok)
}
