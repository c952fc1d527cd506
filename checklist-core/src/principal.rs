//! Principals: the names that say who did something (an actor, a waiver's approver, a
//! person a role is bound to), compared as identities rather than as strings.
//!
//! [`normalize`] is the one place a principal is made comparable. It is used by
//! [`Actor::new`](crate::Actor::new) and the transition check, by the waiver rule (the
//! approver must be someone else), and by role bindings:
//!
//! - surrounding white space is trimmed;
//! - the text is put in Unicode NFC, so that `é` typed precomposed or as `e` and a
//!   combining accent is one name;
//! - in an e-mail address (`local@domain`) the domain is lowercased, as domains are
//!   case-insensitive; the local part is kept, as git's allowed-signers file compares it;
//! - control characters, zero-width characters and bidirectional controls are refused
//!   (they make two different names look alike, or one name look like another).
//!
//! Two principals are [`same_person`] when their normalized forms are equal ignoring
//! case altogether: for separation of duties, `ANA@example.com` and `ana@example.com`
//! are one person.
//!
//! ```
//! use checklist_core::principal::{normalize, same_person};
//!
//! assert_eq!(normalize(" ana@EXAMPLE.com ")?, "ana@example.com");
//! assert_eq!(normalize("Jose\u{301}")?, "Jos\u{e9}");
//! assert!(normalize("ana\u{200b}").is_err()); // a zero-width space
//! assert!(same_person("ANA@example.com", "ana@example.com"));
//! # Ok::<(), checklist_core::principal::InvalidPrincipal>(())
//! ```

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Why a text is not a principal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidPrincipal {
    /// Nothing but white space.
    #[error("a principal cannot be empty")]
    Empty,
    /// A character that hides or disguises what the name says.
    #[error(
        "`{shown}` holds the invisible or control character U+{code:04X} at position {position}"
    )]
    Hidden {
        /// The name with the character shown as `�`.
        shown: String,
        /// The character's code point.
        code: u32,
        /// Its 1-based position, in characters.
        position: usize,
    },
}

impl InvalidPrincipal {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            InvalidPrincipal::Empty => "name who acts, e.g. an e-mail address",
            InvalidPrincipal::Hidden { .. } => {
                "type the name again without invisible characters (zero-width, bidirectional or control characters)"
            }
        }
    }
}

/// Whether `c` has no place in a principal: control characters, zero-width characters
/// (and the byte-order mark), bidirectional controls, and other invisible formatting.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{ad}'                     // soft hyphen
            | '\u{34f}'                  // combining grapheme joiner
            | '\u{61c}'                  // Arabic letter mark
            | '\u{115f}' | '\u{1160}'    // Hangul fillers
            | '\u{17b4}' | '\u{17b5}'    // Khmer inherent vowels
            | '\u{180b}'..='\u{180f}'    // Mongolian variation selectors and vowel separator
            | '\u{200b}'..='\u{200f}'    // zero-width space, joiners, LRM, RLM
            | '\u{2028}'..='\u{202e}'    // separators, embeddings and overrides
            | '\u{205f}'..='\u{206f}'    // word joiner, invisible operators, isolates
            | '\u{3164}'                 // Hangul filler
            | '\u{fe00}'..='\u{fe0f}'    // variation selectors
            | '\u{feff}'                 // zero-width no-break space, BOM
            | '\u{ffa0}'                 // halfwidth Hangul filler
            | '\u{fff9}'..='\u{fffb}'    // interlinear annotations
            | '\u{1d173}'..='\u{1d17a}'  // musical formatting
            | '\u{e0000}'..='\u{e007f}'  // tags
            | '\u{e0100}'..='\u{e01ef}' // variation selectors supplement
        )
}

/// The normalized form of a principal (see the module docs), or why it is not one.
pub fn normalize(name: &str) -> Result<Cow<'_, str>, InvalidPrincipal> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(InvalidPrincipal::Empty);
    }
    if let Some((position, c)) = trimmed.chars().enumerate().find(|&(_, c)| is_hidden(c)) {
        let shown = trimmed
            .chars()
            .map(|c| if is_hidden(c) { '\u{fffd}' } else { c })
            .take(200)
            .collect();
        return Err(InvalidPrincipal::Hidden {
            shown,
            code: u32::from(c),
            position: position + 1,
        });
    }
    let nfc = if unicode_normalization::is_nfc(trimmed) {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.nfc().collect::<String>())
    };
    Ok(match nfc.rfind('@') {
        Some(at) if nfc[at + 1..].chars().any(char::is_uppercase) => {
            let (local, domain) = nfc.split_at(at);
            Cow::Owned(format!("{local}{}", domain.to_lowercase()))
        }
        _ => nfc,
    })
}

/// The normalized form of a principal for recording and comparing, keeping a text that
/// is not a principal as it is (trimmed) so that checking it can say why.
pub(crate) fn normalize_or_keep(name: &str) -> Cow<'_, str> {
    normalize(name).unwrap_or(Cow::Borrowed(name.trim()))
}

/// Whether two principals name the same person: their normalized forms are equal,
/// ignoring case. A text that is not a principal (see [`normalize`]) is compared with
/// its hidden characters removed, so that an invisible character never makes a second
/// person.
pub fn same_person(a: &str, b: &str) -> bool {
    fn key(name: &str) -> String {
        let visible: String = name.chars().filter(|&c| !is_hidden(c)).collect();
        normalize_or_keep(&visible).to_lowercase()
    }
    key(a) == key(b)
}

/// Whether `principal` is one of `listed` (each normalized the same way); exact after
/// normalization, as git's allowed-signers file matches principals.
pub(crate) fn is_listed(principal: &str, listed: &[String]) -> bool {
    let me = normalize_or_keep(principal);
    listed.iter().any(|p| normalize_or_keep(p) == me)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(normalize("ann").unwrap(), "ann");
        assert_eq!(normalize("Ana@Example.COM").unwrap(), "Ana@example.com");
        assert_eq!(normalize("ci@build-host").unwrap(), "ci@build-host");
        assert!(matches!(normalize("  "), Err(InvalidPrincipal::Empty)));
        for hidden in [
            "a\u{200b}",
            "a\u{202e}b",
            "a\u{7}",
            "\u{feff}a",
            "a\u{2060}",
        ] {
            assert!(
                matches!(normalize(hidden), Err(InvalidPrincipal::Hidden { .. })),
                "{hidden:?}"
            );
        }
    }

    #[test]
    fn identities() {
        assert!(same_person("ANA", "ana"));
        assert!(same_person("ana", "ana\u{200b}"));
        assert!(same_person("Jose\u{301}", "jos\u{e9}"));
        assert!(same_person("ana@EXAMPLE.com", "ana@example.com "));
        assert!(!same_person("ana", "anna"));
        assert!(is_listed("ana@EXAMPLE.com", &["ana@example.com".into()]));
        assert!(!is_listed("ANA@example.com", &["ana@example.com".into()]));
    }
}
