//! The command line as clap sees it: every command, argument and help text.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

use crate::term::ColorChoice;

const ABOUT: &str = "Turn a Markdown checklist into a typed, validated, auditable process.";

const AFTER_HELP: &str = "\
Exit codes:
  0  success; the gate passes
  1  the checklist says no: lint errors, an unmet gate, a refused change
  2  usage, I/O, input or state-file errors

Environment:
  CHECKLIST_STATE       the default for `--state`
  CHECKLIST_RUN         the default for `--run`
  NO_COLOR              no colour, whatever its value (`--color always` still wins)
  CHECKLIST_FIXED_TIME  meant for tests: an RFC 3339 time (e.g. 2026-11-26T09:00:00Z)
                        used instead of the system clock, advancing one second per reading

Stores (`--state`):
  deploy.state.json                   a JSON file: one run
  sqlite:runs.db                      an SQLite database: many runs, picked with `--run`
  postgres://USER@HOST/DATABASE       a PostgreSQL database: many runs, picked with `--run`

Example:
  checklist status deploy.md --state deploy.state.json";

const IDS_HELP: &str = "Item ids, unique suffixes of ids (`code-quality/linting-passes-with-no-errors`) \
or globs (`pre-deployment/code-quality/*`, `**/health-*`). A glob selects only the items the \
command applies to, and leaves out those already where it would put them (for complete and skip: \
done or not applicable). All of them change in one write, or none do";

#[derive(Parser)]
#[command(name = "checklist", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// When to colour: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Show progress per section, the open items and the gates.
    #[command(after_help = "Example:\n  checklist status deploy.md --state deploy.state.json")]
    Status {
        #[command(flatten)]
        target: Target,
        /// Print a JSON object instead.
        #[arg(long)]
        json: bool,
    },
    /// Mark tasks done.
    #[command(
        after_help = "Examples:\n  checklist complete deploy.md code-quality/linting-passes-with-no-errors \\\n      --state s.json --by ana\n  checklist complete deploy.md 'pre-deployment/code-quality/*' \\\n      --state s.json --by ci --evidence https://ci.example/run/42"
    )]
    Complete {
        #[command(flatten)]
        change: Change,
        /// A note for the log.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Evidence, e.g. a CI run URL.
        #[arg(long, value_name = "TEXT")]
        evidence: Option<String>,
    },
    /// Mark tasks not applicable; a required task needs a waiver (`--approver`).
    #[command(
        after_help = "Examples:\n  checklist skip deploy.md read-replicas-configured \\\n      --state s.json --by ana --reason 'single instance'\n  checklist skip deploy.md e2e-tests-passing --state s.json --by ana \\\n      --reason 'flaky suite' --approver bob --expires 2026-12-31"
    )]
    Skip {
        #[command(flatten)]
        change: Change,
        /// Why it does not apply (required for required tasks).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// Who approves the waiver of a required task (not the `--by` actor).
        #[arg(long, value_name = "NAME")]
        approver: Option<String>,
        /// The first day the waiver no longer holds (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", requires = "approver", value_parser = date)]
        expires: Option<NaiveDate>,
        /// A waiver is signed by its approver: their key.
        #[command(flatten)]
        signing: Signing,
    },
    /// Mark pending tasks blocked.
    #[command(
        after_help = "Example:\n  checklist block deploy.md backup-restoration-tested \\\n      --state s.json --by ana --reason 'waiting for the DBA'"
    )]
    Block {
        #[command(flatten)]
        change: Change,
        /// What blocks them.
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Put blocked tasks back to pending.
    #[command(
        after_help = "Example:\n  checklist unblock deploy.md backup-restoration-tested --state s.json --by ana"
    )]
    Unblock {
        #[command(flatten)]
        change: Change,
    },
    /// Put done or not-applicable tasks back to pending (voids the sign-offs covering them).
    #[command(
        after_help = "Example:\n  checklist reopen deploy.md e2e-tests-passing \\\n      --state s.json --by ana --reason 'the suite was skipped'"
    )]
    Reopen {
        #[command(flatten)]
        change: Change,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Fill in a field; a date field takes YYYY-MM-DD.
    #[command(
        after_help = "Example:\n  checklist fill deploy.md scheduled-date 2026-12-01 --state s.json --by ana"
    )]
    Fill {
        #[command(flatten)]
        target: Target,
        /// The field: id, unique suffix or glob.
        #[arg(value_name = "ID", value_parser = non_empty)]
        id: String,
        /// The value.
        value: String,
        /// Who makes the change, as recorded in the audit log.
        #[arg(long, value_name = "NAME", value_parser = non_empty)]
        by: String,
    },
    /// Empty filled fields.
    #[command(
        after_help = "Example:\n  checklist clear deploy.md scheduled-date --state s.json --by ana"
    )]
    Clear {
        #[command(flatten)]
        change: Change,
    },
    /// Give sign-offs; only once the items they cover are resolved.
    #[command(
        after_help = "Example:\n  checklist approve deploy.md technical-lead-approval \\\n      --state s.json --by ana --role technical-lead --comment LGTM \\\n      --key ~/.ssh/id_ed25519"
    )]
    Approve {
        #[command(flatten)]
        change: Change,
        #[command(flatten)]
        roles: Roles,
        #[command(flatten)]
        signing: Signing,
        /// A comment for the log.
        #[arg(long, value_name = "TEXT")]
        comment: Option<String>,
    },
    /// Refuse sign-offs, saying why.
    #[command(
        after_help = "Example:\n  checklist reject deploy.md security-team-approval \\\n      --state s.json --by sam --role security-team --comment 'pen test pending'"
    )]
    Reject {
        #[command(flatten)]
        change: Change,
        #[command(flatten)]
        roles: Roles,
        #[command(flatten)]
        signing: Signing,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        comment: String,
    },
    /// Withdraw approvals or rejections.
    #[command(
        after_help = "Example:\n  checklist revoke deploy.md technical-lead-approval \\\n      --state s.json --by ana --role technical-lead --reason 'signed too early'"
    )]
    Revoke {
        #[command(flatten)]
        change: Change,
        #[command(flatten)]
        roles: Roles,
        #[command(flatten)]
        signing: Signing,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Run the checks of tasks (all by default) and record their evidence: a pass makes
    /// the task done, anything else failed.
    ///
    /// Each check is the front matter's `run`, run by `sh -c` in the checklist's directory
    /// with CHECKLIST_ITEM, CHECKLIST_FILE and CHECKLIST_STATE set, killed with its whole
    /// process group at its `timeout`. Checks run outside the state's lock, `--jobs` at a
    /// time; the results are saved in one update at the end, on the state as it is then.
    /// Only commands written in the checklist run, never anything from a state: running
    /// `verify` on a checklist runs its code. Exit 0 when every check passed, 1 when any
    /// failed or timed out, 2 when one could not run or be recorded.
    #[command(after_help = "Examples:
  checklist verify deploy.md --state s.json --by ci
  checklist verify deploy.md 'pre-deployment/**' --jobs 4 --json
  checklist verify deploy.md --dry-run")]
    Verify(Verify),
    /// Check a gate: exit 0 when it passes, 1 with the unmet items when it does not.
    #[command(
        after_help = "Examples:\n  checklist gate deploy.md deploy --state s.json\n  checklist gate deploy.md complete --state s.json --json"
    )]
    Gate {
        #[command(flatten)]
        target: Target,
        /// The gate: `complete`, or one declared in the front matter.
        name: String,
        /// Print the gate report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the Markdown with the state written in (boxes ticked, who and when).
    #[command(
        after_help = "Example:\n  checklist render deploy.md --state s.json -o deploy.done.md"
    )]
    Render {
        #[command(flatten)]
        target: Target,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Print the audit log, after verifying its hash chain.
    #[command(after_help = "Example:\n  checklist log deploy.md --state s.json --json")]
    Log {
        #[command(flatten)]
        target: Target,
        /// Print a JSON array of events.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of the state file: this checklist's, or the generic one.
    #[command(
        after_help = "Examples:\n  checklist schema deploy.md > deploy.state.schema.json\n  checklist schema"
    )]
    Schema {
        /// The Markdown checklist; without it, the schema of any state file.
        file: Option<PathBuf>,
    },
    /// Show what an edited checklist changes in its state, and record it with `--write`.
    ///
    /// Lists the items added, removed (their state is kept as orphans) and retyped, the
    /// tasks reopened and the approvals voided because what they covered changed.
    /// `--rename OLD=NEW` gives a reworded item's state and history to its new id (in the
    /// log). Nothing is written without `--write`; the other commands print a notice and
    /// migrate on their next write.
    #[command(
        after_help = "Examples:\n  checklist migrate deploy.md\n  checklist migrate deploy.md --rename tests-pass=unit-tests-pass --by ana --write"
    )]
    Migrate {
        #[command(flatten)]
        target: Target,
        /// Record the migration (and the renames) in the state.
        #[arg(long)]
        write: bool,
        /// An item whose id changed: `OLD=NEW`, both full ids; repeat for several.
        #[arg(long = "rename", value_name = "OLD=NEW", value_parser = rename, requires = "by")]
        renames: Vec<(String, String)>,
        /// Who renames, as recorded in the audit log.
        #[arg(long, value_name = "NAME", value_parser = non_empty)]
        by: Option<String>,
    },
    /// List the runs in a database store: name, checklist, revision, progress, last change.
    #[command(
        after_help = "Examples:\n  checklist runs --state sqlite:runs.db\n  checklist runs --state postgres://ci@db.internal/checklists --json"
    )]
    Runs {
        /// The database: `sqlite:PATH` or a postgres:// URL. Default: `CHECKLIST_STATE`.
        #[arg(long, value_name = "STATE", env = "CHECKLIST_STATE", hide_env = true)]
        state: std::ffi::OsString,
        /// Print a JSON array of runs.
        #[arg(long)]
        json: bool,
    },
    /// Copy a run from one store to another (file, sqlite:, postgres://), verified on the
    /// way; never overwrites a run that exists.
    #[command(
        after_help = "Examples:\n  checklist copy deploy.md --from deploy.state.json --to sqlite:runs.db --run release-2026-12-01\n  checklist copy deploy.md --from sqlite:runs.db --to postgres://ci@db.internal/checklists \\\n      --run release-2026-12-01"
    )]
    Copy {
        /// The Markdown checklist the run belongs to (its log is verified against it).
        file: PathBuf,
        /// Where the run is: a JSON file, `sqlite:PATH` or a postgres:// URL.
        #[arg(long, value_name = "STATE")]
        from: std::ffi::OsString,
        /// Where it goes: a JSON file, `sqlite:PATH` or a postgres:// URL.
        #[arg(long, value_name = "STATE")]
        to: std::ffi::OsString,
        /// The run's name at the database ends (files hold one run). Default:
        /// `CHECKLIST_RUN` when set, else the checklist's id.
        #[arg(long, value_name = "NAME", env = "CHECKLIST_RUN", hide_env = true)]
        run: Option<String>,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  checklist completions bash > ~/.local/share/bash-completion/completions/checklist"
    )]
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// The checklist and where its state lives.
#[derive(Args)]
pub struct Target {
    /// The Markdown checklist.
    pub file: PathBuf,
    /// Where the state lives: a JSON file, `sqlite:PATH` (an SQLite database) or a
    /// postgres:// URL, fresh until the first change creates it. Default:
    /// `CHECKLIST_STATE` when set, else `<checklist stem>.state.json` beside the checklist
    /// (`deploy.md` → `deploy.state.json`).
    #[arg(long, value_name = "STATE", env = "CHECKLIST_STATE", hide_env = true)]
    pub state: Option<std::ffi::OsString>,
    /// How long a change waits for another writer to finish with the state, in seconds;
    /// then it gives up, writing nothing (exit 2).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub wait: u64,
    /// The run, in a database store (a JSON file holds one run). Default:
    /// `CHECKLIST_RUN` when set, else the checklist's id.
    #[arg(long, value_name = "NAME", env = "CHECKLIST_RUN", hide_env = true)]
    pub run: Option<String>,
}

/// What every change takes: the checklist, its state, the items and the actor.
#[derive(Args)]
pub struct Change {
    #[command(flatten)]
    pub target: Target,
    #[arg(required = true, value_name = "ID", help = IDS_HELP, value_parser = non_empty)]
    pub ids: Vec<String>,
    /// Who makes the change, as recorded in the audit log.
    #[arg(long, value_name = "NAME", value_parser = non_empty)]
    pub by: String,
}

/// How a change that is signed (approve, reject, revoke, a waiver) is signed.
#[derive(Args)]
pub struct Signing {
    /// Sign with this SSH key: an OpenSSH private key file (Ed25519 or ECDSA signed
    /// in-process; RSA, encrypted and FIDO keys through `ssh-keygen`), or a `.pub` file
    /// whose private key is in ssh-agent. Without it, when the checklist requires
    /// signatures and SSH_AUTH_SOCK is set, ssh-agent signs with a key that the
    /// allowed-signers file lists for the signer.
    #[arg(long, value_name = "PATH")]
    pub key: Option<PathBuf>,
}

/// `verify`'s arguments.
#[derive(Args)]
pub struct Verify {
    #[command(flatten)]
    pub target: Target,
    /// Item ids, unique suffixes or globs of tasks with checks; all checks when none is
    /// given.
    #[arg(value_name = "ID", value_parser = non_empty)]
    pub ids: Vec<String>,
    /// Who runs the checks, as recorded in the audit log. Default: `USER`.
    #[arg(long, value_name = "NAME", env = "USER", hide_env = true, value_parser = non_empty)]
    pub by: Option<String>,
    /// How many checks run at once. Default: the number of cores.
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Print what would run, and run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print a JSON object with every result and its evidence.
    #[arg(long)]
    pub json: bool,
}

/// The roles the actor holds, for sign-offs.
#[derive(Args)]
pub struct Roles {
    /// A role the actor holds (`technical-lead`); repeat for several.
    #[arg(long = "role", value_name = "ROLE", required = true, value_parser = non_empty)]
    pub roles: Vec<String>,
}

fn non_empty(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(s.to_string())
    }
}

fn rename(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((old, new)) if !old.trim().is_empty() && !new.trim().is_empty() => {
            Ok((old.trim().to_string(), new.trim().to_string()))
        }
        _ => Err("expected OLD=NEW, two item ids".into()),
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    checklist_core::value::parse_date(s)
        .ok_or_else(|| "expected a date written YYYY-MM-DD (years 0001 to 9999)".to_string())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
