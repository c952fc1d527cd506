//! The `checklist` command: every feature of the library from the shell.
//!
//! Exit codes: 0 success, 1 the checklist or gate says no (errors, unmet items, refused
//! transition), 2 usage, I/O, input or state-file errors.
//!
//! `cli` declares the command line, `commands` holds one module per command group, `load`
//! gets the checklist, state and clock, `describe` turns events into lines, `term` does
//! colour and output, `outcome` maps results to exit codes.

mod cli;
mod commands;
mod describe;
mod load;
mod outcome;
mod sign;
mod term;

use std::process::ExitCode;

use clap::Parser;

use crate::outcome::Fatal;
use crate::term::Term;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let term = Term::new(cli.color);
    match commands::run(cli.command, &term) {
        Ok(outcome) => outcome.code(),
        Err(fatal) => {
            term::eprint(&fatal.render(&term.err));
            Fatal::code()
        }
    }
}
