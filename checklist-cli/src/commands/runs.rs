//! `runs`: the runs a database store holds, one line each (or a JSON array), from their
//! `runs` rows: their logs are not loaded (any command on a run verifies it).

use std::ffi::OsStr;

use checklist_core::chrono::SecondsFormat;
use checklist_core::store::{PostgresStore, RunSummary, SqliteStore};

use crate::describe::one_line;
use crate::load::{self, Database};
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, pad, print, print_data};

/// Lists the runs in the database `state` names.
pub fn run(state: &OsStr, json: bool, term: &Term) -> Result {
    let database = Database::parse(state)?;
    let runs = match &database {
        Database::File(path) => {
            return Err(Fatal::new(
                format!(
                    "`{}` is a state file, which holds one run: `runs` lists the runs of a \
                     database",
                    path.display()
                ),
                format!(
                    "`checklist status CHECKLIST --state {}` shows its run; for a database, \
                     pass `--state sqlite:PATH` or a postgres:// URL",
                    path.display()
                ),
            ));
        }
        Database::Sqlite(path) => {
            existing(path, &database)?;
            SqliteStore::list_runs(path)
        }
        Database::Postgres(url) => PostgresStore::list_runs(url),
    }
    .map_err(load::store_error)?;
    if json {
        let text = serde_json::to_string_pretty(&runs).map_err(|e| Fatal::bare(e.to_string()))?;
        print_data(&format!("{text}\n"))?;
    } else {
        print(&text(
            &runs,
            &crate::describe::one_line(&database.to_string()),
            term,
        ))?;
    }
    Ok(Outcome::Ok)
}

/// Listing a database that does not exist would create an empty one: say so instead.
pub fn existing(path: &std::path::Path, database: &Database) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    Err(Fatal::new(
        format!(
            "there is no SQLite database at `{}` (`{database}`)",
            path.display()
        ),
        "check the path; the first change saved with `--state sqlite:PATH` creates the database",
    ))
}

fn text(runs: &[RunSummary], database: &str, term: &Term) -> String {
    let paint = &term.out;
    if runs.is_empty() {
        return format!("no runs in `{database}` yet\n");
    }
    let rows: Vec<[String; 5]> = runs
        .iter()
        .map(|r| {
            let percent = (r.resolved * 100).checked_div(r.total).unwrap_or(100);
            [
                one_line(&r.name),
                one_line(&r.checklist),
                r.revision.to_string(),
                format!("{}/{} ({percent}%)", r.resolved, r.total),
                r.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            ]
        })
        .collect();
    let header = ["RUN", "CHECKLIST", "REVISION", "PROGRESS", "LAST CHANGE"];
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 5]| {
        let mut out = String::new();
        for (c, cell) in cells.iter().enumerate() {
            if c == 2 {
                // Numbers line up on the right.
                out.push_str(&" ".repeat(widths[c].saturating_sub(cell.chars().count())));
                out.push_str(cell);
            } else if c + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&pad(cell, widths[c]));
            }
            if c + 1 < cells.len() {
                out.push_str("  ");
            }
        }
        out.push('\n');
        out
    };
    let mut out = paint.bold(line(header).trim_end());
    out.push('\n');
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    out.push_str(&format!(
        "{} run{} in `{database}`\n",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" }
    ));
    out
}
