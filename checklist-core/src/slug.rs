//! Slugs: the path segments that make item and section ids.
//!
//! A slug is lowercase letters and digits (Unicode letters included, as GitHub's heading
//! anchors do) separated by single `-`. Everything else collapses into a `-`, and the slug
//! is never cut short, so two different texts only share a slug when they differ in
//! punctuation or case alone.

/// Turns text into a slug: `"Unit tests passing (minimum 80% coverage)"` becomes
/// `"unit-tests-passing-minimum-80-coverage"`.
///
/// Returns an empty string when the text has no letters or digits at all.
///
/// ```
/// use checklist_core::slug::slugify;
/// assert_eq!(slugify("`.env.production` created"), "env-production-created");
/// assert_eq!(slugify("Redis/Caching"), "redis-caching");
/// assert_eq!(slugify("🗂 Front-End Checklist"), "front-end-checklist");
/// ```
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    slugify_into(&mut out, text);
    out
}

/// Appends the slug of `text` to `out`, as `out.push_str(&slugify(text))` would (the
/// parser builds each id path in one buffer this way).
pub(crate) fn slugify_into(out: &mut String, text: &str) {
    // ASCII text (nearly every checklist) goes byte by byte; the result is the same as
    // the char-by-char loop below, which handles everything else.
    if text.is_ascii() {
        // Bytes are collected in a small stack buffer and appended in runs: pushing them
        // one by one into the `String` costs several times more.
        let mut buf = [0u8; 64];
        let mut n = 0;
        let mut written = false;
        let mut pending_dash = false;
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if n + 2 > buf.len() {
                    flush_ascii(out, &buf[..n]);
                    n = 0;
                }
                if pending_dash && written {
                    buf[n] = b'-';
                    n += 1;
                }
                pending_dash = false;
                written = true;
                buf[n] = b.to_ascii_lowercase();
                n += 1;
            } else {
                pending_dash = true;
            }
        }
        flush_ascii(out, &buf[..n]);
        return;
    }
    let start = out.len();
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && out.len() > start {
                out.push('-');
            }
            pending_dash = false;
            // Some lowercase mappings add combining marks ('İ' -> "i\u{307}"); keep only
            // what is itself alphanumeric so that slugify is idempotent.
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else {
            pending_dash = true;
        }
    }
}

fn flush_ascii(out: &mut String, bytes: &[u8]) {
    // Only ASCII letters, digits and `-` are ever written, so this is always `Ok`.
    if let Ok(run) = std::str::from_utf8(bytes) {
        out.push_str(run);
    }
}

/// Whether `s` is a valid slug: non-empty, lowercase letters and digits separated by
/// single dashes, no dash at either end. This is what an id pin `{#...}` must be.
///
/// ```
/// use checklist_core::slug::is_slug;
/// assert!(is_slug("smoke-tests-2"));
/// assert!(!is_slug("Smoke Tests"));
/// assert!(!is_slug("a/b"));
/// ```
pub fn is_slug(s: &str) -> bool {
    !s.is_empty() && slugify(s) == s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_of_seed_texts() {
        assert_eq!(
            slugify("Unit tests passing (minimum 80% coverage)"),
            "unit-tests-passing-minimum-80-coverage"
        );
        assert_eq!(
            slugify("Security audit completed (no high/critical vulnerabilities)"),
            "security-audit-completed-no-high-critical-vulnerabilities"
        );
        assert_eq!(slugify("Sign-Off"), "sign-off");
        assert_eq!(slugify("Monitoring & Alerting"), "monitoring-alerting");
        assert_eq!(slugify("  --  "), "");
    }

    #[test]
    fn unicode_letters_are_kept_and_lowercased() {
        assert_eq!(slugify("Überprüfung ÄNDERN"), "überprüfung-ändern");
        assert!(is_slug("überprüfung"));
    }

    #[test]
    fn slug_is_idempotent() {
        for s in ["A b", "x--y", "-a-", "Ünïcode", "1. Before"] {
            let once = slugify(s);
            assert_eq!(slugify(&once), once);
        }
    }
}
