//! Markdown rendering: the checklist's own source with the state written in.
//!
//! Rendering edits the original Markdown instead of regenerating it, so everything the
//! author wrote (prose, code, HTML, front matter, spacing) survives byte for byte. Two
//! kinds of edit are made, both chosen so that parsing the output gives the same ids:
//!
//! - each item's box becomes `[x]` (done, filled, approved), `[~]` (not applicable) or
//!   `[ ]`;
//! - under each item's first paragraph that has something to say, a quoted line with who
//!   did what and when (`> approved by ana as technical-lead, 2026-11-26 10:05 UTC`).
//!   Quotes are notes, never items; an item's id comes from its own first paragraph; and
//!   a quote, unlike a bullet, cannot adopt the item's nested tasks (a child indented
//!   past a bullet's content column would become that bullet's child and change its id).
//!   Whatever follows the first paragraph starts a new block, so it cannot run on into
//!   the quote either.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use crate::spec::Mark;
use crate::state::{ItemState, Origin, State};

/// One splice into the source.
struct Edit {
    at: usize,
    remove: usize,
    insert: String,
}

impl State {
    /// The checklist's Markdown with this state written in.
    ///
    /// ```
    /// use checklist_core::{Actor, Spec, State};
    /// let spec = std::sync::Arc::new(Spec::parse("# Ship\n\n- [ ] Tests pass\n- [ ] Docs (optional)\n")?);
    /// let mut state = State::new(spec.clone());
    /// let ann = Actor::new("ann");
    /// state.complete(spec.index_of("tests-pass").unwrap(), &ann)?;
    /// state.skip(spec.index_of("docs").unwrap(), &ann, Some("internal release"))?;
    /// let md = state.render_markdown();
    /// assert!(md.contains("- [x] Tests pass\n  > done by ann"));
    /// assert!(md.contains("- [~] Docs (optional)\n  > not applicable: internal release"));
    /// // The rendered file parses to the same ids.
    /// let again = Spec::parse(&md)?;
    /// assert_eq!(again.index_of("docs"), spec.index_of("docs"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render_markdown(&self) -> String {
        let spec = self.spec();
        let src = spec.source();
        let mut edits = Vec::with_capacity(spec.items().len() * 2);
        for item in spec.items() {
            let state = self.item(item.index());
            let mark = match state.status().rule().mark {
                Mark::Checked => "[x]",
                Mark::NotApplicable => "[~]",
                Mark::Open => "[ ]",
            };
            let span = item.box_span();
            if src.get(span.clone()) != Some(mark) {
                edits.push(Edit {
                    at: span.start,
                    remove: span.len(),
                    insert: mark.to_string(),
                });
            }
            if let Some(note) = annotation(state) {
                let mut insert = String::new();
                // Keep the file's own line ending (CRLF, lone CR or LF).
                let rest = &src[item.line_end()..];
                let newline = if rest.starts_with("\r\n") {
                    "\r\n"
                } else if rest.starts_with('\r') {
                    "\r"
                } else {
                    "\n"
                };
                insert.push_str(newline);
                insert.push_str(item.indent());
                insert.push_str("> ");
                insert.push_str(&note);
                edits.push(Edit {
                    at: item.line_end(),
                    remove: 0,
                    insert,
                });
            }
        }
        edits.sort_by_key(|e| e.at);
        let mut out = String::with_capacity(src.len() + edits.len() * 48);
        let mut pos = 0;
        for e in edits {
            if e.at < pos {
                continue; // overlapping edits cannot happen; never panic if they did
            }
            out.push_str(&src[pos..e.at]);
            out.push_str(&e.insert);
            pos = e.at + e.remove;
        }
        out.push_str(&src[pos.min(src.len())..]);
        out
    }
}

fn when(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// User text (names, notes, reasons, values) as literal text on one Markdown line: no
/// line breaks, no control or bidi characters ([`crate::text::one_line`]), and every
/// character Markdown could read as markup
/// escaped with a backslash, so `[click](javascript:alert(1))` in a field stays text
/// instead of becoming a live link in the rendered file, and `<b>` stays text instead of
/// HTML.
fn inline(s: &str) -> String {
    let s = crate::text::one_line(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '<' | '>' | '!' | '|' | '~' | '&'
            | '#' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The note written under an item, or `None` when there is nothing to say (pending,
/// empty, or a state that came from the Markdown itself).
fn annotation(state: &ItemState) -> Option<String> {
    let mut s = String::new();
    match state {
        ItemState::Done {
            origin: Origin::Markdown,
            ..
        }
        | ItemState::NotApplicable {
            origin: Origin::Markdown,
            ..
        } => return None,
        ItemState::Done {
            origin: Origin::Change { by, at },
            note,
            evidence,
            run,
        } => {
            let _ = write!(s, "done by {}, {}", inline(by), when(at));
            if let Some(run) = run {
                let _ = write!(
                    s,
                    ": `{}` passed in {} ms (output {})",
                    inline(&run.command),
                    run.duration_ms,
                    run.output_sha256
                );
            }
            if let Some(n) = note {
                let _ = write!(s, ": {}", inline(n));
            }
            if let Some(e) = evidence {
                let _ = write!(s, " (evidence: {})", inline(e));
            }
        }
        ItemState::NotApplicable {
            origin: Origin::Change { by, at },
            reason,
            waiver,
        } => {
            s.push_str("not applicable");
            if let Some(r) = reason {
                let _ = write!(s, ": {}", inline(r));
            }
            let _ = write!(s, " ({}, {})", inline(by), when(at));
            if let Some(w) = waiver {
                let _ = write!(s, "; waiver approved by {}", inline(&w.approver));
                if let Some(e) = w.expires {
                    let _ = write!(s, " until {e}");
                }
            }
        }
        ItemState::Blocked { by, at, reason } => {
            let _ = write!(
                s,
                "blocked: {} ({}, {})",
                inline(reason),
                inline(by),
                when(at)
            );
        }
        ItemState::Filled { by, at, value } => {
            let _ = write!(
                s,
                "value: {} (filled by {}, {})",
                inline(value),
                inline(by),
                when(at)
            );
        }
        ItemState::Approved {
            by,
            role,
            at,
            comment,
        } => {
            let _ = write!(s, "approved by {} as {}, {}", inline(by), role, when(at));
            if let Some(c) = comment {
                let _ = write!(s, ": {}", inline(c));
            }
        }
        ItemState::Rejected {
            by,
            role,
            at,
            comment,
        } => {
            let _ = write!(
                s,
                "rejected by {} as {}, {}: {}",
                inline(by),
                role,
                when(at),
                inline(comment)
            );
        }
        ItemState::Failed { by, at, run } => {
            let _ = write!(
                s,
                "check failed ({}): `{}`, run by {}, {}",
                run.outcome,
                inline(&run.command),
                inline(by),
                when(at)
            );
            if let Some(last) = run.output_tail.lines().rev().find(|l| !l.trim().is_empty()) {
                let _ = write!(s, "; output ends: {}", inline(last));
            }
        }
        ItemState::Unsigned { voided: Some(v) } => {
            let _ = write!(
                s,
                "approval voided: `{}` changed after it, {}",
                v.because,
                when(&v.at)
            );
        }
        ItemState::Pending | ItemState::Empty | ItemState::Unsigned { voided: None } => {
            return None;
        }
    }
    Some(s)
}
