//! `log`: the audit log, one line per event, after the hash chain has verified.

use checklist_core::trust::{self, SignatureCheck};
use chrono::SecondsFormat;

use crate::cli::Target;
use crate::describe::{self, one_line};
use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{Term, pad, print, print_data};

/// Prints the log as text or JSON. Loading verifies the chain: a log that does not verify
/// is refused (exit 2) naming the first bad event, as every state command refuses it.
pub fn run(target: &Target, json: bool, term: &Term) -> Result {
    let state = load::open(target, term)?.state;
    let events = state.events();
    if json {
        let text = serde_json::to_string_pretty(events).map_err(|e| Fatal::bare(e.to_string()))?;
        print_data(&format!("{text}\n"))?;
        return Ok(Outcome::Ok);
    }
    let paint = &term.out;
    let seq_width = events.len().to_string().len() + 1;
    let actor_width = events
        .iter()
        .map(|e| one_line(&e.actor).chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let (mut verified, mut unverified) = (0, 0);
    for e in events {
        let signed = match state.signature_check(e.seq) {
            SignatureCheck::Verified {
                principal,
                fingerprint,
            } => {
                verified += 1;
                paint.green(&format!(
                    "  [signed by {} {fingerprint}]",
                    one_line(&principal)
                ))
            }
            SignatureCheck::Unverified {
                principal,
                fingerprint,
                why,
            } => {
                unverified += 1;
                paint.red(&format!(
                    "  [UNVERIFIED signature of {} {fingerprint}: {}]",
                    one_line(&principal),
                    one_line(&why)
                ))
            }
            _ if trust::signer_of(&e.payload, &e.actor).is_some() => paint.dim("  [unsigned]"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}  {}  {}  {}{signed}\n",
            paint.dim(&format!("{:>seq_width$}", format!("#{}", e.seq))),
            paint.dim(&e.at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            pad(&one_line(&e.actor), actor_width),
            describe::change(e, paint)
        ));
    }
    out.push_str(&match events.last() {
        None => "no events yet\n".to_string(),
        Some(last) => {
            let mut line = format!(
                "{} event{}, revision {}; hash chain verified ({})",
                events.len(),
                if events.len() == 1 { "" } else { "s" },
                state.revision(),
                last.hash
            );
            if verified + unverified > 0 {
                line.push_str(&format!(
                    "; {verified} signature{} verified",
                    if verified == 1 { "" } else { "s" }
                ));
            }
            if unverified > 0 {
                line.push_str(&paint.red(&format!(", {unverified} UNVERIFIED")));
            }
            line.push('\n');
            line
        }
    });
    print(&out)?;
    Ok(Outcome::Ok)
}
