//! `gate`: exit 0 when the gate passes, 1 with the unmet items grouped by section.

use checklist_core::{SectionIndex, Spec};

use crate::cli::Target;
use crate::describe::one_line;
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, print, print_data};

/// Evaluates the gate `name`.
pub fn run(target: &Target, name: &str, json: bool, term: &Term) -> Result {
    let state = load::open(target, term)?.state;
    load::warn_order_dependent(&state, term);
    let spec = state.spec();
    let file = &target.file;
    let Some(report) = state.evaluate_named(name) else {
        let names: Vec<_> = spec
            .gates()
            .iter()
            .map(|g| format!("`{}`", g.name()))
            .collect();
        return Err(Fatal::new(
            format!(
                "`{}` has no gate named `{}`",
                file.display(),
                one_line(name)
            ),
            format!("its gates are {}", names.join(", ")),
        ));
    };
    let outcome = if report.passed {
        Outcome::Ok
    } else {
        Outcome::No
    };
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| Fatal::bare(e.to_string()))?;
        print_data(&format!("{text}\n"))?;
        return Ok(outcome);
    }
    let paint = &term.out;
    let mut out = String::new();
    if report.passed {
        out.push_str(&format!(
            "{} gate `{}` passes: all {} items resolved\n",
            paint.bold(&paint.green("✓")),
            report.gate,
            report.required
        ));
    } else {
        out.push_str(&format!(
            "{} gate `{}` is not met: {} of {} items unmet\n",
            paint.bold(&paint.red("✗")),
            report.gate,
            report.unmet.len(),
            report.required
        ));
        for (section, unmet) in report.by_section(&state) {
            out.push_str(&format!(
                "\n{} ({})\n",
                paint.bold(&breadcrumb(spec, section)),
                unmet.len()
            ));
            for u in unmet {
                out.push_str(&format!(
                    "  - {}: {}\n",
                    u.id,
                    one_line(&u.reason.to_string())
                ));
            }
        }
    }
    print(&out)?;
    Ok(outcome)
}

/// `Pre-Deployment › Code Quality`; the checklist's title for items outside any section.
fn breadcrumb(spec: &Spec, section: SectionIndex) -> String {
    let mut titles = Vec::new();
    let mut s = spec.section(section);
    while let Some(parent) = s.parent() {
        titles.push(s.title());
        s = spec.section(parent);
    }
    if titles.is_empty() {
        return one_line(spec.title().unwrap_or("(top level)"));
    }
    titles.reverse();
    one_line(&titles.join(" › "))
}
