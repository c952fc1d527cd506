//! `status`: overall progress, a line per section with a bar and counts, the open items
//! under each, and the gates.

use checklist_core::{Progress, Spec, State, Unmet};
use serde::Serialize;

use crate::cli::Target;
use crate::describe::one_line;
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Paint, Term, pad, print, print_data};

const BAR: usize = 16;

/// Prints the status as text or JSON.
pub fn run(target: &Target, json: bool, term: &Term) -> Result {
    let opened = load::open(target, term)?;
    load::warn_order_dependent(&opened.state, term);
    let report = Report::new(&opened.state, &opened.location.to_string());
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| Fatal::bare(e.to_string()))?;
        print_data(&format!("{text}\n"))?;
    } else {
        print(&report.text(&term.out))?;
    }
    Ok(Outcome::Ok)
}

/// Everything `status` shows, as `--json` prints it.
#[derive(Serialize)]
struct Report<'a> {
    checklist: Checklist<'a>,
    state: String,
    revision: u64,
    events: usize,
    progress: Counts,
    sections: Vec<SectionStatus<'a>>,
    gates: Vec<GateStatus<'a>>,
}

#[derive(Serialize)]
struct Checklist<'a> {
    id: &'a str,
    title: Option<&'a str>,
    version: Option<&'a str>,
}

/// Progress counts plus the percentage.
#[derive(Serialize)]
struct Counts {
    #[serde(flatten)]
    progress: Progress,
    percent: f64,
}

impl From<Progress> for Counts {
    fn from(progress: Progress) -> Self {
        Counts {
            progress,
            percent: (progress.percent() * 10.0).floor() / 10.0,
        }
    }
}

#[derive(Serialize)]
struct SectionStatus<'a> {
    id: &'a str,
    title: &'a str,
    level: u8,
    /// The section and its subsections.
    progress: Counts,
    /// Open items directly in this section.
    open: Vec<Open<'a>>,
}

#[derive(Serialize)]
struct Open<'a> {
    id: &'a str,
    reason: &'static str,
    detail: String,
}

#[derive(Serialize)]
struct GateStatus<'a> {
    name: &'a str,
    passed: bool,
    required: usize,
    unmet: usize,
}

impl<'a> Report<'a> {
    fn new(state: &'a State, state_path: &str) -> Self {
        let spec: &'a Spec = state.spec();
        let today = state.today();
        let totals = state.progress_by_section();
        let sections = spec
            .sections()
            .iter()
            .filter(|s| totals[s.index().get()].total > 0 && !(s.is_root() && s.items().is_empty()))
            .map(|s| SectionStatus {
                id: s.id(),
                title: if s.is_root() {
                    "(top level)"
                } else {
                    s.title()
                },
                level: s.level(),
                // The root row is for items outside any section, not the whole checklist.
                progress: if s.is_root() {
                    state.section_progress(s.index()).into()
                } else {
                    totals[s.index().get()].into()
                },
                open: s
                    .items()
                    .iter()
                    .filter_map(|&i| {
                        state.unmet_reason(i, today).map(|why| Open {
                            id: spec.item(i).id(),
                            reason: why.code(),
                            detail: match why {
                                Unmet::Pending => String::new(),
                                other => one_line(&other.to_string()),
                            },
                        })
                    })
                    .collect(),
            })
            .collect();
        let gates = spec
            .gates()
            .iter()
            .map(|g| {
                let r = state.evaluate(g.index());
                GateStatus {
                    name: g.name(),
                    passed: r.passed,
                    required: r.required,
                    unmet: r.unmet.len(),
                }
            })
            .collect();
        Report {
            checklist: Checklist {
                id: spec.id(),
                title: spec.title(),
                version: spec.version(),
            },
            state: state_path.to_string(),
            revision: state.revision(),
            events: state.events().len(),
            progress: state.progress().into(),
            sections,
            gates,
        }
    }

    fn text(&self, paint: &Paint) -> String {
        let mut out = String::new();
        let title = one_line(self.checklist.title.unwrap_or(self.checklist.id));
        out.push_str(&paint.bold(&title));
        out.push('\n');
        out.push_str(&paint.dim(&format!(
            "{} · revision {} · {} event{}",
            one_line(&self.state),
            self.revision,
            self.events,
            if self.events == 1 { "" } else { "s" }
        )));
        out.push_str("\n\n");

        let base = self
            .sections
            .iter()
            .filter(|s| s.level > 0)
            .map(|s| s.level)
            .min()
            .unwrap_or(0);
        let indent = |s: &SectionStatus| "  ".repeat(usize::from(s.level.saturating_sub(base)));
        let width = self
            .sections
            .iter()
            .map(|s| indent(s).len() + s.title.chars().count())
            .chain(["Overall".len()])
            .max()
            .unwrap_or(0);
        let digits = self.progress.progress.total.to_string().len();

        out.push_str(&paint.dim(&header(width, digits)));
        out.push_str(&row(
            &paint.bold(&pad("Overall", width)),
            &self.progress,
            digits,
            paint,
        ));
        out.push('\n');
        for s in &self.sections {
            let label = pad(&format!("{}{}", indent(s), one_line(s.title)), width);
            let label = if s.open.is_empty() {
                label
            } else {
                paint.bold(&label)
            };
            out.push_str(&row(&label, &s.progress, digits, paint));
            for o in &s.open {
                let detail = match o.reason {
                    "pending" => String::new(),
                    "blocked" | "signoff_rejected" | "waiver_expired" => {
                        format!("  {}", paint.red(&format!("({})", o.detail)))
                    }
                    _ => format!("  {}", paint.yellow(&format!("({})", o.detail))),
                };
                out.push_str(&format!("{}    - {}{detail}\n", indent(s), o.id));
            }
        }

        out.push_str(&format!("\n{}\n", paint.bold("Gates")));
        let gate_width = self
            .gates
            .iter()
            .map(|g| g.name.chars().count())
            .max()
            .unwrap_or(0);
        for g in &self.gates {
            let verdict = if g.passed {
                paint.green(&format!("passes ({} items)", g.required))
            } else {
                paint.red(&format!(
                    "not met: {} of {} items open",
                    g.unmet, g.required
                ))
            };
            out.push_str(&format!("  {}  {verdict}\n", pad(g.name, gate_width)));
        }
        out
    }
}

type Style = fn(&Paint, &str) -> String;

/// The count columns: header, and how to colour a non-zero count.
const COLUMNS: [(&str, Style); 5] = [
    ("done", Paint::green),
    ("n/a", Paint::cyan),
    ("waived", Paint::cyan),
    ("blocked", Paint::red),
    ("pending", Paint::yellow),
];

/// The header over the bars and counts.
fn header(width: usize, digits: usize) -> String {
    let mut s = format!("{}  {}", " ".repeat(width), pad("progress", BAR + 5));
    for (name, _) in COLUMNS {
        s.push_str(&format!("  {name:>w$}", w = name.len().max(digits)));
    }
    s.push('\n');
    s
}

/// `label  bar  pct%  done  n/a  waived  blocked  pending`
fn row(label: &str, counts: &Counts, digits: usize, paint: &Paint) -> String {
    let p = &counts.progress;
    let percent = p.percent();
    let mut s = format!(
        "{label}  {} {:>3}%",
        paint.bar(percent, BAR),
        percent.floor() as u64
    );
    let values = [p.done, p.not_applicable, p.waived, p.blocked, p.pending];
    for ((name, style), n) in COLUMNS.into_iter().zip(values) {
        let text = format!("{n:>w$}", w = name.len().max(digits));
        s.push_str("  ");
        s.push_str(&if n == 0 {
            paint.dim(&text)
        } else {
            style(paint, &text)
        });
    }
    s.push('\n');
    s
}
