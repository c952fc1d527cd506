//! One audit-log event as a line of text, for `log` and for what a change prints.

use checklist_core::{Action, Event, Payload};

use crate::term::{Paint, pad};

/// `action  item  from → to` and the event's details, without seq, time or actor.
pub fn change(e: &Event, paint: &Paint) -> String {
    format!(
        "{} {}  {} → {}{}",
        action(e.action(), paint),
        e.item,
        e.from,
        e.to,
        details(e)
    )
}

/// The action name, padded to line up and coloured by what it does.
pub fn action(action: Action, paint: &Paint) -> String {
    let name = pad(action.as_str(), 8);
    match action {
        Action::Complete | Action::Fill | Action::Approve => paint.green(&name),
        Action::Block | Action::Reject | Action::Void | Action::Reset => paint.red(&name),
        _ => paint.yellow(&name),
    }
}

/// What else the event records: value, role, reason, evidence, waiver, cause.
pub fn details(e: &Event) -> String {
    let mut s = String::new();
    match &e.payload {
        Payload::Fill { value } => s.push_str(&format!(" = {}", one_line(value))),
        Payload::Approve { role, .. } | Payload::Reject { role, .. } => {
            s.push_str(&format!(" as {}", one_line(role)))
        }
        _ => {}
    }
    if let Some(words) = e.payload.words() {
        s.push_str(&format!(" — {}", one_line(words)));
    }
    match &e.payload {
        Payload::Complete {
            evidence: Some(evidence),
            ..
        } => s.push_str(&format!(" (evidence: {})", one_line(evidence))),
        Payload::Skip {
            waiver: Some(w), ..
        } => {
            s.push_str(&format!(" (waiver approved by {}", one_line(&w.approver)));
            if let Some(expires) = w.expires {
                s.push_str(&format!(", until {expires}"));
            }
            s.push(')');
        }
        Payload::Void {
            cause: Some(cause), ..
        } => s.push_str(&format!(" (by event #{cause})")),
        Payload::Verify { run } => s.push_str(&format!(
            " — `{}` {} in {} ms (output {} bytes, {})",
            one_line(&run.command),
            run.outcome,
            run.duration_ms,
            run.output_bytes,
            run.output_sha256
        )),
        _ => {}
    }
    s
}

/// Keeps user text on one line, and control, escape and bidi characters out of the
/// terminal.
pub fn one_line(text: &str) -> String {
    checklist_core::text::one_line(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_break_lines_or_send_escapes() {
        assert_eq!(one_line("a\nb\x1b[31mc"), "a b\u{fffd}[31mc");
        assert_eq!(one_line("ana\u{202e}txt"), "ana\u{fffd}txt");
    }
}
