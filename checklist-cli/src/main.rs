//! The `checklist` command: every feature of the library from the shell.
//!
//! Exit codes: 0 success, 1 the checklist or gate says no (errors, unmet items, refused
//! transition), 2 usage, I/O or input errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use checklist_core::{ParseOptions, Parsed, Spec};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "checklist", version, about = "Turn a Markdown checklist into a typed, validated, auditable process.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a checklist for errors and warnings and print a summary.
    #[command(after_help = "Example:\n  checklist lint deploy.md --strict")]
    Lint {
        /// The Markdown checklist.
        file: PathBuf,
        /// Repeated ids are errors, and warnings fail the lint.
        #[arg(long)]
        strict: bool,
    },
    /// Print the item ids, one per line in document order.
    #[command(after_help = "Example:\n  checklist ids deploy.md --json")]
    Ids {
        /// The Markdown checklist.
        file: PathBuf,
        /// Print a JSON array of objects (id, kind, text, line, optional, type, role).
        #[arg(long)]
        json: bool,
    },
}

/// How a command ended.
enum Outcome {
    Ok,
    /// The answer is no: errors in the checklist, an unmet gate, a refused transition.
    No,
}

/// An error that ends the command with exit code 2.
struct Fatal(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::No) => ExitCode::from(1),
        Err(Fatal(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<Outcome, Fatal> {
    match cli.command {
        Command::Lint { file, strict } => lint(&file, strict),
        Command::Ids { file, json } => ids(&file, json),
    }
}

fn read(file: &PathBuf) -> Result<Vec<u8>, Fatal> {
    std::fs::read(file).map_err(|e| Fatal(format!("error: cannot read `{}`: {e}", file.display())))
}

fn options(file: &PathBuf, strict: bool) -> ParseOptions {
    ParseOptions::new(file.display().to_string()).strict(strict)
}

/// Parses a checklist for commands that need a spec: any error ends the command (exit 2).
fn load(file: &PathBuf) -> Result<Parsed, Fatal> {
    let bytes = read(file)?;
    checklist_core::parse_bytes(&bytes, &options(file, false)).map_err(|d| Fatal(d.to_string()))
}

fn lint(file: &PathBuf, strict: bool) -> Result<Outcome, Fatal> {
    let bytes = read(file)?;
    let mut err = std::io::stderr().lock();
    match checklist_core::parse_bytes(&bytes, &options(file, strict)) {
        Ok(parsed) => {
            for w in &parsed.warnings {
                let _ = writeln!(err, "{}", w.render(parsed.spec.file_name(), parsed.spec.source()));
            }
            let summary = parsed.spec.summary();
            let n = parsed.warnings.len();
            println!(
                "{}: {summary}; {n} warning{}",
                file.display(),
                if n == 1 { "" } else { "s" }
            );
            Ok(if strict && n > 0 { Outcome::No } else { Outcome::Ok })
        }
        Err(diags) => {
            let _ = writeln!(err, "{diags}");
            Ok(Outcome::No)
        }
    }
}

fn ids(file: &PathBuf, json: bool) -> Result<Outcome, Fatal> {
    let parsed = load(file)?;
    let spec: &Spec = &parsed.spec;
    let mut out = std::io::stdout().lock();
    if json {
        let views: Vec<_> = spec.items().iter().map(|i| spec.item_view(i.index())).collect();
        let text = serde_json::to_string_pretty(&views).map_err(|e| Fatal(e.to_string()))?;
        let _ = writeln!(out, "{text}");
    } else {
        for item in spec.items() {
            let _ = writeln!(out, "{}", item.id());
        }
    }
    Ok(Outcome::Ok)
}
