//! The text of one task line: what its box, attribute block, optional marker and field
//! blank say. Works on plain text (markup removed) plus the raw source for spans.

/// Markers that make an item optional (compared case-insensitively at the end of text).
pub(crate) const OPTIONAL_MARKERS: &[&str] = &["(if needed)", "(if applicable)", "(optional)"];

/// A task line taken apart.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The text as shown: plain, attribute block removed, trimmed.
    pub(crate) text: String,
    /// Where the label ends in `text`: the label is always a prefix of the text, so it
    /// is kept as a length rather than as a second string.
    pub(crate) label_end: usize,
    /// Ended in an optional marker.
    pub(crate) optional_marker: bool,
    /// Ended in a field blank (`____`, three or more underscores).
    pub(crate) blank: bool,
}

impl Shape {
    /// What the id is made from: `text` minus optional marker, field blank and colon.
    pub(crate) fn label(&self) -> &str {
        &self.text[..self.label_end]
    }
}

/// Takes `plain` (with any attribute block already cut off) apart, reusing its buffer
/// for the text.
pub(crate) fn shape(plain: impl Into<String>) -> Shape {
    let mut text = plain.into();
    // Trimmed in place: no second buffer per item.
    text.truncate(text.trim_end().len());
    let lead = text.len() - text.trim_start().len();
    if lead > 0 {
        text.drain(..lead);
    }
    let mut rest = text.as_str();
    let mut optional_marker = false;
    let mut blank = false;
    // Markers and blanks may come in either order: `Label (optional): ____` and
    // `Label: ____ (optional)` both occur.
    for _ in 0..2 {
        if let Some(r) = strip_marker(rest) {
            optional_marker = true;
            rest = r;
        }
        if let Some(r) = strip_blank(rest) {
            blank = true;
            rest = r;
        }
    }
    // `rest` is a prefix of `text`, which starts with a non-space: trimming it only
    // shortens it, so the label is `text[..label_end]`.
    let label_end = rest.trim().len();
    debug_assert!(text.starts_with(rest.trim()));
    Shape {
        text,
        label_end,
        optional_marker,
        blank,
    }
}

fn strip_marker(s: &str) -> Option<&str> {
    let t = s.trim_end();
    OPTIONAL_MARKERS.iter().find_map(|m| {
        let cut = t.len().checked_sub(m.len())?;
        (t.is_char_boundary(cut) && t[cut..].eq_ignore_ascii_case(m)).then(|| t[..cut].trim_end())
    })
}

fn strip_blank(s: &str) -> Option<&str> {
    let t = s.trim_end();
    let without = t.trim_end_matches('_');
    if t.len() - without.len() < 3 {
        return None;
    }
    let without = without.trim_end();
    Some(without.strip_suffix(':').unwrap_or(without).trim_end())
}

/// Whether `word` occurs in `text` as a whole word, ignoring ASCII case.
pub(crate) fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// `Technical Lead Approval` -> `Some("Technical Lead")`.
pub(crate) fn strip_approval(label: &str) -> Option<&str> {
    let t = label.trim_end();
    let cut = t.len().checked_sub("approval".len())?;
    if !t.is_char_boundary(cut) || !t[cut..].eq_ignore_ascii_case("approval") {
        return None;
    }
    let head = &t[..cut];
    // Whole word only: "Disapproval" is not a sign-off.
    if head.chars().next_back().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some(head.trim_end())
}

/// Headings whose fields are sign-offs.
pub(crate) fn is_signoff_heading(title: &str) -> bool {
    matches!(
        crate::slug::slugify(title).as_str(),
        "sign-off" | "sign-offs" | "signoff" | "signoffs" | "approvals"
    )
}

/// Whether `s` starts like a checkbox: `[ ]`, `[]`, `[x]`, `[ x ]`, `[-]`, `[/]`...
/// Used to warn about lines that look like tasks but are not.
pub(crate) fn looks_like_box(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find(']') else {
        return false;
    };
    close <= 3
        && rest[..close]
            .chars()
            .all(|c| matches!(c, ' ' | 'x' | 'X' | '~' | '-' | '/' | '*' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_task() {
        let s = shape("  Linting passes with no errors ");
        assert_eq!(s.text, "Linting passes with no errors");
        assert_eq!(s.label(), "Linting passes with no errors");
        assert!(!s.optional_marker && !s.blank);
    }

    #[test]
    fn optional_markers_any_case() {
        for t in [
            "Read replicas configured (if needed)",
            "VPC configured (If Applicable)",
            "Extra (OPTIONAL)",
        ] {
            let s = shape(t);
            assert!(s.optional_marker, "{t}");
            assert!(!s.label().contains('('), "{t}");
        }
    }

    #[test]
    fn fields_and_blanks() {
        let s = shape("Scheduled Date: ________________");
        assert!(s.blank);
        assert_eq!(s.label(), "Scheduled Date");
        let s = shape("Notes (optional): ___");
        assert!(s.blank && s.optional_marker);
        assert_eq!(s.label(), "Notes");
        let s = shape("Ticket: ____ (optional)");
        assert!(s.blank && s.optional_marker);
        assert_eq!(s.label(), "Ticket");
        assert!(!shape("Under__score").blank);
        assert!(!shape("Two: __").blank);
        let s = shape("____");
        assert!(s.blank && s.label().is_empty());
    }

    #[test]
    fn approval_suffix() {
        assert_eq!(
            strip_approval("Technical Lead Approval"),
            Some("Technical Lead")
        );
        assert_eq!(strip_approval("Disapproval"), None);
        assert_eq!(strip_approval("Scheduled Date"), None);
        assert_eq!(strip_approval("approval"), Some(""));
    }

    #[test]
    fn date_is_a_whole_word() {
        assert!(has_word("Scheduled Date", "date"));
        assert!(!has_word("Update notes", "date"));
    }

    #[test]
    fn box_lookalikes() {
        for s in ["[ ] a", "[] a", "[x]a", "[ x ] a", "[-] a"] {
            assert!(looks_like_box(s), "{s}");
        }
        for s in ["[Contributor Guide] a", "[link](x)", "plain"] {
            assert!(!looks_like_box(s), "{s}");
        }
    }
}
