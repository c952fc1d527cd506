//! `completions`: shell completion scripts.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::outcome::{Outcome, Result};

/// Writes the completion script for `shell` to standard output.
pub fn run(shell: Shell) -> Result {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "checklist", &mut script);
    crate::term::print(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Ok)
}
