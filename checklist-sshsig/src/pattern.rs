//! OpenSSH pattern lists, as in `ssh_config` PATTERNS: comma-separated patterns where `*`
//! matches any run of characters, `?` any one character, and a leading `!` negates.
//! Matching is case-sensitive, as OpenSSH's is for principals and namespaces.

/// The outcome of matching a string against a pattern list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListMatch {
    /// A positive pattern matched and no negated one did.
    Yes,
    /// Nothing matched.
    No,
    /// A negated pattern matched: the string is excluded whatever else matches.
    Negated,
}

/// `match_pattern_list` semantics: any matching `!pattern` excludes, otherwise any matching
/// pattern includes.
pub(crate) fn match_list(s: &str, list: &str) -> ListMatch {
    let mut positive = false;
    for pattern in list.split(',') {
        if let Some(negated) = pattern.strip_prefix('!') {
            if match_pattern(s, negated) {
                return ListMatch::Negated;
            }
        } else if match_pattern(s, pattern) {
            positive = true;
        }
    }
    if positive {
        ListMatch::Yes
    } else {
        ListMatch::No
    }
}

/// Wildcard match of the whole of `s` against `pattern`.
///
/// Iterative with one backtrack point (the last `*`), so it runs in O(len(s)·len(pattern))
/// whatever the input: a hostile allowed-signers file cannot make it blow up, unlike a
/// naive recursive matcher.
pub(crate) fn match_pattern(s: &str, pattern: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut si, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if c == '?' || c == s[si] => {
                si += 1;
                pi += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more character and retry after it.
                Some((star_p, star_s)) => {
                    pi = star_p + 1;
                    si = star_s + 1;
                    star = Some((star_p, star_s + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(match_pattern("alice@example.com", "alice@example.com"));
        assert!(match_pattern("alice@example.com", "*@example.com"));
        assert!(match_pattern("alice@example.com", "?lice@*"));
        assert!(match_pattern("", "*"));
        assert!(match_pattern("abc", "a*b*c"));
        assert!(match_pattern("aXbYc", "a*b*c"));
        assert!(!match_pattern("alice@example.org", "*@example.com"));
        assert!(!match_pattern("Alice@example.com", "alice@example.com"));
        assert!(!match_pattern("alice", "alice?"));
        assert!(!match_pattern("", "?"));
        assert!(!match_pattern("ab", "a*c"));
    }

    #[test]
    fn lists_and_negation() {
        assert_eq!(match_list("bob@x", "alice@x,bob@x"), ListMatch::Yes);
        assert_eq!(match_list("eve@x", "alice@x,bob@x"), ListMatch::No);
        assert_eq!(match_list("eve@x", "*@x,!eve@x"), ListMatch::Negated);
        // Negation wins whatever the order, as in OpenSSH.
        assert_eq!(match_list("eve@x", "!eve@x,*@x"), ListMatch::Negated);
        // A list of only negations never includes anything.
        assert_eq!(match_list("bob@x", "!eve@x"), ListMatch::No);
    }

    #[test]
    fn hostile_patterns_stay_fast() {
        let s = "a".repeat(2000);
        let p = format!("{}b", "*a".repeat(500));
        let start = std::time::Instant::now();
        assert!(!match_pattern(&s, &p));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
