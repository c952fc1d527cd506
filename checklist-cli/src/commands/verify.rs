//! `verify`: runs the checks of the selected tasks, in parallel and outside the store's
//! lock, then records every result in one update.
//!
//! A run can take minutes, so nothing is held while checks run: the state is read to
//! select the items, the checks run, and then one `Store::update` records the evidence.
//! That update works on the state as it is then (re-applied on the fresh state if another
//! writer saved in between), so a concurrent change to other items is kept. A result
//! whose task changed meanwhile so that a run no longer applies (someone skipped or
//! blocked it) is refused with the reason and not recorded; the others are.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use checklist_core::check::{Check, CheckRunner, ProcessRunner, RunError};
use checklist_core::{Action, Actor, Evidence, Spec, Store, TransitionError, UpdateError};
use serde_json::json;

use super::select;
use crate::cli::Verify;
use crate::describe::one_line;
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Paint, Term, eprint, print, print_data};

/// One check's run: its evidence, or why it could not run.
type Ran = std::result::Result<Evidence, RunError>;

pub fn run(args: &Verify, term: &Term) -> Result {
    let load::Opened {
        spec,
        store,
        location,
        ..
    } = load::open(&args.target, term)?;
    let checks = selected(&spec, &args.ids)?;
    let dir = checklist_dir(&args.target.file)?;
    if args.dry_run {
        return dry_run(&checks, &dir, args.json);
    }
    let Some(by) = args.by.as_deref() else {
        return Err(Fatal::new(
            "who runs the checks? the audit log records who verified",
            "give `--by NAME` (it defaults to `USER`, which is not set)",
        ));
    };
    let clock = load::clock()?;
    let file = std::path::absolute(&args.target.file).unwrap_or(args.target.file.clone());
    let state_name = match location.file() {
        Some(path) => std::path::absolute(path)
            .unwrap_or(path.to_path_buf())
            .display()
            .to_string(),
        None => location.to_string(),
    };
    let runner = ProcessRunner::new(&dir)
        .env("CHECKLIST_FILE", file.as_os_str())
        .env("CHECKLIST_STATE", &state_name)
        .with_clock(clock);
    let jobs = args.jobs.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let ran = run_all(&checks, &runner, jobs.max(1), args.json, term);

    let actor = Actor::new(by);
    let recorded = store.update(&spec, |state| {
        let start = state.events().len();
        let results: Vec<Option<TransitionError>> = checks
            .iter()
            .zip(&ran)
            .map(|(check, ran)| match ran {
                Ok(evidence) => state.record_check(check.item(), &actor, evidence).err(),
                Err(_) => None,
            })
            .collect();
        let saved = state.events().len() > start;
        Ok::<_, std::convert::Infallible>((results, saved.then(|| state.revision())))
    });
    let (refused, revision) = match recorded {
        Ok(r) => r,
        Err(UpdateError::Store(e)) => return Err(load::store_error(e)),
        Err(UpdateError::Refused(never)) => match never {},
    };
    report(
        &checks,
        &ran,
        &refused,
        revision,
        &location.to_string(),
        args.json,
        term,
    )
}

/// The checks of the items named (all of them when none is): a glob keeps the tasks
/// that have a check; a named item without one is an error.
fn selected<'s>(spec: &'s Spec, ids: &[String]) -> Result<Vec<&'s Check>> {
    if ids.is_empty() {
        if spec.checks().is_empty() {
            return Err(Fatal::new(
                "this checklist declares no checks",
                "add one to the front matter: [checks.\"ID\"] with run = \"COMMAND\"",
            ));
        }
        return Ok(spec.checks().iter().collect());
    }
    let items = select::items(spec, ids, Action::Verify)?;
    let mut checks = Vec::new();
    let mut missing = Vec::new();
    for s in items {
        match spec.check(s.index) {
            Some(check) => checks.push(check),
            None if s.named => missing.push(spec.item(s.index).id().to_string()),
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(Fatal::new(
            format!(
                "no check is declared for {}",
                missing
                    .iter()
                    .map(|m| format!("`{}`", one_line(m)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "declare one in the front matter ([checks.\"ID\"] with run = \"COMMAND\"), or mark \
             the task done with `checklist complete`",
        ));
    }
    if checks.is_empty() {
        return Err(Fatal::new(
            "the items selected have no checks",
            "`checklist verify FILE` with no ids runs every check",
        ));
    }
    checks.sort_by_key(|c| c.item());
    checks.dedup_by_key(|c| c.item());
    Ok(checks)
}

/// Where checks run: the checklist's directory.
fn checklist_dir(file: &Path) -> Result<std::path::PathBuf> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::path::absolute(&dir).map_err(|e| {
        Fatal::new(
            format!("cannot find the checklist's directory: {e}"),
            "run from a directory that exists",
        )
    })
}

fn dry_run(checks: &[&Check], dir: &Path, as_json: bool) -> Result {
    if as_json {
        let list: Vec<_> = checks
            .iter()
            .map(|c| {
                json!({
                    "id": c.item_id(),
                    "run": c.run(),
                    "timeout_secs": c.timeout().as_secs(),
                    "valid_for_secs": c.valid_for().map(|v| v.as_secs()),
                    "dir": dir.display().to_string(),
                })
            })
            .collect();
        print_data(&format!("{}\n", json!({ "dry_run": true, "checks": list })))?;
        return Ok(Outcome::Ok);
    }
    let mut out = String::new();
    for c in checks {
        out.push_str(&format!(
            "would run  {}  sh -c {}  (timeout {})\n",
            c.item_id(),
            one_line(&shell_quote(c.run())),
            duration(c.timeout().as_secs())
        ));
    }
    out.push_str(&format!(
        "{} check{} in `{}`; nothing was run\n",
        checks.len(),
        plural(checks.len()),
        one_line(&dir.display().to_string())
    ));
    print(&out)?;
    Ok(Outcome::Ok)
}

/// Runs every check, `jobs` at a time, with a progress bar on a terminal and one line per
/// result otherwise (none with `--json`: the report says it all).
fn run_all(
    checks: &[&Check],
    runner: &ProcessRunner,
    jobs: usize,
    as_json: bool,
    term: &Term,
) -> Vec<Ran> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Ran)>();
    let bar = (!as_json && std::io::stderr().is_terminal()).then(|| progress(checks.len()));
    let mut ran: Vec<Option<Ran>> = (0..checks.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(checks.len()) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(check) = checks.get(i) else { break };
                    if tx.send((i, runner.run(check))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, result) in rx {
            let line = result_line(checks[i], &result, &term.out);
            match &bar {
                Some(bar) => {
                    bar.println(&line);
                    bar.inc(1);
                }
                None if !as_json => {
                    let _ = print(&format!("{line}\n"));
                }
                None => {}
            }
            ran[i] = Some(result);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    ran.into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(RunError {
                    item: String::new(),
                    why: "it was not run".into(),
                })
            })
        })
        .collect()
}

fn progress(len: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} running checks [{bar:30}] {pos}/{len} {elapsed}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// `✓ passed   ID  (1.2 s)` or `✗ exit status 1  ID  (0.3 s): last line of output`.
fn result_line(check: &Check, ran: &Ran, paint: &Paint) -> String {
    match ran {
        Ok(e) if e.passed() => format!(
            "{} {}  ({})",
            paint.green("✓ passed"),
            check.item_id(),
            seconds(e.duration_ms)
        ),
        Ok(e) => {
            let mut line = format!(
                "{} {}  ({})",
                paint.red(&format!("✗ {}", e.outcome)),
                check.item_id(),
                seconds(e.duration_ms)
            );
            if let Some(last) = last_line(&e.output_tail) {
                line.push_str(&format!(": {}", one_line(last)));
            }
            line
        }
        Err(e) => format!(
            "{} {}: {}",
            paint.red("✗ error"),
            check.item_id(),
            one_line(&e.why)
        ),
    }
}

fn report(
    checks: &[&Check],
    ran: &[Ran],
    refused: &[Option<TransitionError>],
    revision: Option<u64>,
    state_name: &str,
    as_json: bool,
    term: &Term,
) -> Result {
    let passed = ran
        .iter()
        .filter(|r| r.as_ref().is_ok_and(Evidence::passed))
        .count();
    let errors = ran.iter().filter(|r| r.is_err()).count();
    let failed = ran.len() - passed - errors;
    let not_recorded = refused.iter().flatten().count();
    if as_json {
        let results: Vec<_> = checks
            .iter()
            .zip(ran)
            .zip(refused)
            .map(|((check, ran), refused)| {
                let mut o = json!({ "id": check.item_id() });
                match ran {
                    Ok(e) => {
                        o["passed"] = e.passed().into();
                        o["run"] = serde_json::to_value(e).unwrap_or_default();
                        o["recorded"] = refused.is_none().into();
                    }
                    Err(e) => {
                        o["error"] = e.why.clone().into();
                        o["recorded"] = false.into();
                    }
                }
                if let Some(r) = refused {
                    o["refused"] = r.to_string().into();
                }
                o
            })
            .collect();
        let doc = json!({
            "passed": passed,
            "failed": failed,
            "errors": errors + not_recorded,
            "revision": revision,
            "state": state_name,
            "results": results,
        });
        print_data(&format!("{doc}\n"))?;
    } else {
        let mut err = String::new();
        for (check, ran) in checks.iter().zip(ran) {
            if let Err(e) = ran {
                err.push_str(&term.err.error(
                    &one_line(&e.to_string()),
                    Some("check that `sh` can run in the checklist's directory"),
                ));
                let _ = check;
            }
        }
        for r in refused.iter().flatten() {
            err.push_str(&term.err.error(
                &format!("not recorded: {}", one_line(&r.to_string())),
                Some(&r.help()),
            ));
        }
        if !err.is_empty() {
            eprint(&err);
        }
        let saved = match revision {
            Some(r) => format!("saved to `{state_name}` (revision {r})"),
            None => format!("nothing was recorded: `{state_name}` is unchanged"),
        };
        print(&format!(
            "{} check{}: {passed} passed, {failed} failed{}; {saved}\n",
            ran.len(),
            plural(ran.len()),
            if errors + not_recorded > 0 {
                format!(", {} not recorded", errors + not_recorded)
            } else {
                String::new()
            }
        ))?;
    }
    if errors + not_recorded > 0 {
        // The results that were recorded are saved; the rest is an error.
        return Err(Fatal::bare(format!(
            "{} result{} not recorded",
            errors + not_recorded,
            if errors + not_recorded == 1 {
                " was"
            } else {
                "s were"
            }
        )));
    }
    Ok(if failed > 0 { Outcome::No } else { Outcome::Ok })
}

fn last_line(text: &str) -> Option<&str> {
    text.lines().rev().find(|l| !l.trim().is_empty())
}

fn seconds(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
}

fn duration(secs: u64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
