//! Text shown to a person on a terminal or on a single line.
//!
//! Item texts, ids, reasons and actor names come from the Markdown or from whoever fills
//! the state, and end up in diagnostics, reports and logs. [`one_line`] is the one place
//! that makes such text safe to show there.

use std::borrow::Cow;

/// What a character of user text becomes on one line.
enum Shown {
    Kept,
    Space,
    Placeholder,
}

/// The placeholder for a character that must not reach a terminal: U+FFFD, the
/// replacement character.
pub const PLACEHOLDER: char = '\u{fffd}';

fn classify(c: char) -> Shown {
    match c {
        // Line and paragraph breaks, and tabs (whose width is the terminal's choice).
        '\n' | '\r' | '\t' | '\u{85}' | '\u{2028}' | '\u{2029}' => Shown::Space,
        // C0 and C1 control characters and DEL (ESC, BEL, backspace, CSI, ...).
        c if c.is_control() => Shown::Placeholder,
        // Bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates
        // (U+2066–U+2069), and the left-to-right, right-to-left and Arabic letter marks.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}' => {
            Shown::Placeholder
        }
        _ => Shown::Kept,
    }
}

/// User text made safe to show on one line of a terminal, or in a one-line message.
///
/// - Line breaks (`\n`, `\r`, U+0085, U+2028, U+2029) and tabs become a space.
/// - Every other control character (C0 and C1, e.g. ESC, BEL, backspace, and DEL) and
///   every Unicode bidirectional control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
///   U+061C) becomes [`PLACEHOLDER`] (`�`), so the text can neither move the cursor,
///   retitle or clear the terminal, nor reorder what a reviewer reads, and it is visible
///   that something was there.
///
/// Each character becomes exactly one character, so columns counted in the original
/// text stay right in the result (diagnostics rely on it). Text with nothing to replace
/// is returned as it is, without a copy.
///
/// ```
/// use checklist_core::text::one_line;
///
/// assert_eq!(one_line("Tests pass"), "Tests pass");
/// assert_eq!(one_line("two\nlines"), "two lines");
/// assert_eq!(one_line("\u{1b}]0;owned\u{7}title"), "�]0;owned�title");
/// // A right-to-left override cannot make `exe.txt` read as `txt.exe`.
/// assert_eq!(one_line("report\u{202e}txt.exe"), "report�txt.exe");
/// ```
pub fn one_line(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(|c| !matches!(classify(c), Shown::Kept)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        out.push(match classify(c) {
            Shown::Kept => c,
            Shown::Space => ' ',
            Shown::Placeholder => PLACEHOLDER,
        });
    }
    Cow::Owned(out)
}

/// Text of several lines made safe to show on a terminal: as [`one_line`], but line
/// breaks stay (`\r\n` and a lone `\r` become `\n`, so a carriage return cannot draw
/// over what a line said) and tabs stay.
///
/// ```
/// use checklist_core::text::lines;
///
/// assert_eq!(lines("- [x] done\r\n- [ ] open\n"), "- [x] done\n- [ ] open\n");
/// assert_eq!(lines("ok\rFAKED"), "ok\nFAKED");
/// assert_eq!(lines("\u{1b}[2J\tcleared"), "�[2J\tcleared");
/// ```
pub fn lines(text: &str) -> Cow<'_, str> {
    let changed =
        |c: char| c == '\r' || (c != '\n' && c != '\t' && !matches!(classify(c), Shown::Kept));
    let Some(first) = text.find(changed) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c => out.push(match classify(c) {
                Shown::Kept => c,
                Shown::Space => '\n',
                Shown::Placeholder => PLACEHOLDER,
            }),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(one_line("über alles, 代码"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_control_character_is_neutralised() {
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            let shown = one_line(&format!("a{c}b")).into_owned();
            let expected = if matches!(c, '\n' | '\r' | '\t' | '\u{85}') {
                "a b".to_string()
            } else {
                format!("a{PLACEHOLDER}b")
            };
            assert_eq!(shown, expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn bidi_controls_are_neutralised() {
        let bidi = [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
        ];
        for c in bidi {
            assert_eq!(one_line(&format!("a{c}b")), format!("a{PLACEHOLDER}b"));
        }
    }

    #[test]
    fn line_breaks_become_spaces_one_per_character() {
        assert_eq!(one_line("a\r\nb\u{2028}c\u{2029}d"), "a  b c d");
        let text = "x\u{1b}[2Jy\u{202e}z\n";
        assert_eq!(one_line(text).chars().count(), text.chars().count());
    }
}
