//! `render`: the checklist's Markdown with the state written in.

use std::io::Write;
use std::path::{Path, PathBuf};

use checklist_core::store::{resolve_links, write_atomically};

use crate::cli::Target;
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, print_data};

/// Renders to standard output, or to `output`.
pub fn run(target: &Target, output: Option<&Path>, term: &Term) -> Result {
    let opened = load::open(target, term)?;
    let markdown = opened.state.render_markdown();
    let Some(path) = output else {
        print_data(&markdown)?;
        return Ok(Outcome::Ok);
    };
    let refuse = |what: &str| {
        Fatal::new(
            format!(
                "refusing to overwrite {what} `{}` with the rendering",
                path.display()
            ),
            "write the rendering to another file, e.g. `-o rendered.md`",
        )
    };
    if same_file(path, &target.file) {
        return Err(refuse("the checklist"));
    }
    if opened
        .location
        .file()
        .is_some_and(|state| same_file(path, state))
    {
        return Err(refuse("the state file (its audit log)"));
    }
    write_output(path, markdown.as_bytes()).map_err(|e| {
        Fatal::new(
            format!("cannot write `{}`: {e}", path.display()),
            "check that the directory exists and is writable",
        )
    })?;
    Ok(Outcome::Ok)
}

/// The file a path means, whether or not it exists yet: links followed, the directory
/// made absolute. Two paths are the same file when these are equal.
fn real(path: &Path) -> Option<PathBuf> {
    let resolved = resolve_links(path).ok()?;
    if let Ok(canonical) = resolved.canonicalize() {
        return Some(canonical);
    }
    let dir = match resolved.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?,
    };
    Some(dir.join(resolved.file_name()?))
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((real(a), real(b)), (Some(a), Some(b)) if a == b)
}

/// Writes the rendering where `path` leads: through a link to its target (the link
/// stays), straight into a device or a fifo (`-o /dev/stdout` writes to standard output;
/// replacing the node with a file would break it for everyone), and atomically over a
/// regular file, so a crash never leaves half a file.
fn write_output(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = resolve_links(path)?;
    match std::fs::metadata(&target) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let mut node = std::fs::OpenOptions::new().write(true).open(&target)?;
            node.write_all(bytes)?;
            node.flush()
        }
        _ => write_atomically(&target, bytes),
    }
}
