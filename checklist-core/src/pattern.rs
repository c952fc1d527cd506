//! Id patterns: how gates, and tools through [`Spec::select`](crate::Spec::select), name
//! sets of items.
//!
//! A pattern is an id path whose segments may use globs: `*` matches within one segment
//! (`code-*`, `*`), `**` as a whole segment matches any number of segments, zero included.
//! A pattern also matches everything under what it names, so `infrastructure` (a section)
//! and `infrastructure/**` select the same items, and naming a parent task selects its
//! children too.
//!
//! Matching is iterative with a single backtrack point per level, so it is linear-ish in
//! the id length and never recurses.
//!
//! [`is_glob`] tells a pattern from a plain id (or suffix) in what a user typed, and
//! [`Spec::select`](crate::Spec::select) resolves such a query to items, suggesting the
//! closest id when nothing matches.

/// Whether `text` is a glob pattern (uses `*` anywhere) rather than an id or a suffix of
/// one. [`Pattern::is_glob`] and [`Spec::select`](crate::Spec::select) decide the same way.
///
/// ```
/// use checklist_core::pattern::is_glob;
/// assert!(is_glob("pre-deployment/**"));
/// assert!(is_glob("*/security/xss-*"));
/// assert!(!is_glob("code-quality/linting-passes-with-no-errors"));
/// ```
pub fn is_glob(text: &str) -> bool {
    text.contains('*')
}

/// The known id most like `wanted`, for a "did you mean" hint: one whose last segment is
/// `wanted`'s, else one whose last segment contains it, else the one sharing the longest
/// prefix with it (more than 3 characters); the first such id in `ids` order. A trailing
/// `/**` or `/*` of a pattern is ignored.
pub(crate) fn closest_id<'a>(
    wanted: &str,
    ids: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = wanted.trim_end_matches("/**").trim_end_matches("/*");
    let last = wanted.rsplit('/').next().unwrap_or(wanted);
    let mut best: Option<(usize, &str)> = None;
    for id in ids {
        let own = id.rsplit('/').next().unwrap_or(id);
        let score = if own == last {
            usize::MAX
        } else if !last.is_empty() && !is_glob(last) && own.contains(last) {
            usize::MAX - 1
        } else {
            common_prefix(id, wanted)
        };
        if score > 3 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, id));
        }
    }
    best.map(|(_, id)| id)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// A compiled id pattern.
///
/// ```
/// use checklist_core::pattern::Pattern;
/// let p = Pattern::new("pre-deployment/**");
/// assert!(p.matches("pre-deployment/code-quality/linting-passes-with-no-errors"));
/// assert!(!p.matches("deployment/pre-deployment-checks/rollback-plan-reviewed"));
/// assert!(Pattern::new("infrastructure").matches("infrastructure/database/database-migrations-ready"));
/// assert!(Pattern::new("*/security/*").matches("pre-deployment/security/xss-protection-enabled"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    segments: Vec<String>,
    /// What each segment is, decided once here rather than on every match.
    kinds: Vec<Kind>,
}

/// A pattern segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No `*`: matches itself.
    Literal,
    /// `*`: any one segment.
    Any,
    /// `**`: any run of segments.
    Deep,
    /// `*` within text, like `code-*`.
    Glob,
}

impl Kind {
    fn of(segment: &str) -> Kind {
        match segment {
            "**" => Kind::Deep,
            "*" => Kind::Any,
            s if s.contains('*') => Kind::Glob,
            _ => Kind::Literal,
        }
    }
}

impl Pattern {
    /// Compiles a pattern. Leading and trailing `/` are ignored.
    pub fn new(text: &str) -> Self {
        let segments: Vec<String> = text
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let kinds = segments.iter().map(|s| Kind::of(s)).collect();
        Pattern {
            text: text.to_string(),
            segments,
            kinds,
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern uses `*` anywhere (see [`is_glob`]).
    pub fn is_glob(&self) -> bool {
        is_glob(&self.text)
    }

    /// Whether `id` is selected: matched exactly, or lies under what the pattern names.
    pub fn matches(&self, id: &str) -> bool {
        // "under what it names" = the pattern followed by an implicit `**`.
        self.match_id(id, true)
    }

    /// Whether `id` is matched exactly (without the implicit "and everything under it").
    pub fn matches_exactly(&self, id: &str) -> bool {
        self.match_id(id, false)
    }

    fn match_id(&self, id: &str, open_tail: bool) -> bool {
        match_segments(
            &self.segments,
            &self.kinds,
            &mut Segments::new(id),
            open_tail,
        )
    }
}

/// An id's segments, split only as far as the matcher asks: gates match every pattern
/// against every item while parsing, and most ids are told apart by their first segment.
/// Allocation-free for ids of up to 32 segments.
struct Segments<'a> {
    id: &'a str,
    /// Where the next unsplit segment starts; `None` once the last one is split.
    rest: Option<usize>,
    /// Where each split segment ends (the next starts one byte later). Offsets rather
    /// than `&str`s so that setting up the array is a plain zero fill.
    ends: [usize; 32],
    len: usize,
    /// Every segment, for ids deeper than `ends` holds.
    deep: Vec<&'a str>,
}

impl<'a> Segments<'a> {
    fn new(id: &'a str) -> Self {
        Segments {
            id,
            rest: Some(0),
            ends: [0; 32],
            len: 0,
            deep: Vec::new(),
        }
    }

    /// Segment `i`, if the id has that many.
    fn get(&mut self, i: usize) -> Option<&'a str> {
        if !self.deep.is_empty() {
            return self.deep.get(i).copied();
        }
        while self.len <= i {
            let start = self.rest?;
            if self.len == self.ends.len() {
                self.deep = self.id.split('/').collect();
                return self.deep.get(i).copied();
            }
            // A plain scan: segments are a few bytes, shorter than `memchr`'s set-up.
            let bytes = self.id.as_bytes();
            let mut end = start;
            while end < bytes.len() && bytes[end] != b'/' {
                end += 1;
            }
            self.rest = (end < bytes.len()).then_some(end + 1);
            self.ends[self.len] = end;
            self.len += 1;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        Some(&self.id[start..self.ends[i]])
    }

    fn has(&mut self, i: usize) -> bool {
        self.get(i).is_some()
    }
}

/// Segment-level wildcard matching where `**` matches any run of segments.
fn match_segments(pat: &[String], kinds: &[Kind], id: &mut Segments<'_>, open_tail: bool) -> bool {
    let (mut p, mut i) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if p == pat.len() && (open_tail || !id.has(i)) {
            return true;
        }
        if p < pat.len() && kinds[p] == Kind::Deep {
            backtrack = Some((p, i));
            p += 1;
            continue;
        }
        if p < pat.len()
            && let Some(segment) = id.get(i)
            && match kinds[p] {
                Kind::Literal => pat[p] == segment,
                Kind::Any => true,
                Kind::Glob | Kind::Deep => match_segment(&pat[p], segment),
            }
        {
            p += 1;
            i += 1;
            continue;
        }
        match backtrack {
            Some((bp, bi)) if id.has(bi) => {
                backtrack = Some((bp, bi + 1));
                p = bp + 1;
                i = bi + 1;
            }
            _ => return false,
        }
    }
}

/// Character-level wildcard matching where `*` matches any run of characters.
fn match_segment(pat: &str, seg: &str) -> bool {
    if !pat.contains('*') {
        return pat == seg;
    }
    // ASCII (every generated slug, most ids): bytes are characters, no allocation.
    if pat.is_ascii() && seg.is_ascii() {
        return glob(pat.as_bytes(), seg.as_bytes(), b'*');
    }
    let pat: Vec<char> = pat.chars().collect();
    let seg: Vec<char> = seg.chars().collect();
    glob(&pat, &seg, '*')
}

fn glob<T: Copy + PartialEq>(pat: &[T], seg: &[T], star: T) -> bool {
    let (mut p, mut s) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while s < seg.len() {
        if p < pat.len() && pat[p] == star {
            backtrack = Some((p, s));
            p += 1;
        } else if p < pat.len() && pat[p] == seg[s] {
            p += 1;
            s += 1;
        } else if let Some((bp, bs)) = backtrack {
            backtrack = Some((bp, bs + 1));
            p = bp + 1;
            s = bs + 1;
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&c| c == star)
}

/// Why a query names no item, or more than one where one was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SelectError {
    /// Nothing matches.
    #[error("no item matches `{query}`{}", hint.as_ref().map_or(String::new(), |h| format!("; did you mean `{h}`?")))]
    NotFound {
        /// The query.
        query: String,
        /// The closest id, when one is close.
        hint: Option<String>,
    },
    /// A suffix that ends more than one id.
    #[error("`{query}` is ambiguous: it could be {}", candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        /// The query.
        query: String,
        /// Every id it could mean.
        candidates: Vec<String>,
    },
}

impl crate::spec::Spec {
    /// Resolves a user's query to items: an exact id, a glob (`pre-deployment/code-quality/*`,
    /// `**/health-*`; matches and everything under them), or a unique suffix of whole
    /// segments (`code-quality/linting-passes-with-no-errors`).
    ///
    /// ```
    /// let spec = checklist_core::Spec::parse("## A\n- [ ] x\n## B\n- [ ] x\n- [ ] y\n")?;
    /// assert_eq!(spec.select("b/y").unwrap().len(), 1);
    /// assert_eq!(spec.select("y").unwrap().len(), 1);
    /// assert_eq!(spec.select("*/x").unwrap().len(), 2);
    /// let err = spec.select("x").unwrap_err();
    /// assert!(err.to_string().contains("`a/x`, `b/x`"));
    /// # Ok::<(), checklist_core::Diagnostics>(())
    /// ```
    pub fn select(&self, query: &str) -> Result<Vec<crate::spec::ItemIndex>, SelectError> {
        let query = query.trim().trim_matches('/');
        if let Some(i) = self.index_of(query) {
            return Ok(vec![i]);
        }
        let found: Vec<_> = if is_glob(query) {
            let p = Pattern::new(query);
            self.items()
                .iter()
                .filter(|i| p.matches(i.id()))
                .map(|i| i.index())
                .collect()
        } else {
            let suffix = format!("/{query}");
            let found: Vec<_> = self
                .items()
                .iter()
                .filter(|i| i.id().ends_with(&suffix))
                .map(|i| i.index())
                .collect();
            if found.len() > 1 {
                return Err(SelectError::Ambiguous {
                    query: query.to_string(),
                    candidates: found
                        .iter()
                        .map(|&i| self.item(i).id().to_string())
                        .collect(),
                });
            }
            found
        };
        if found.is_empty() {
            let hint = if is_glob(query) {
                None
            } else {
                closest_id(query, self.items().iter().map(|i| i.id())).map(str::to_string)
            };
            return Err(SelectError::NotFound {
                query: query.to_string(),
                hint,
            });
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_star_matches_zero_or_more_segments() {
        let p = Pattern::new("a/**/z");
        assert!(p.matches_exactly("a/z"));
        assert!(p.matches_exactly("a/b/z"));
        assert!(p.matches_exactly("a/b/c/z"));
        assert!(!p.matches_exactly("a/b/c"));
        assert!(!p.matches_exactly("b/z"));
    }

    #[test]
    fn single_star_stays_in_one_segment() {
        let p = Pattern::new("a/*");
        assert!(p.matches_exactly("a/b"));
        assert!(!p.matches_exactly("a/b/c"));
        assert!(p.matches("a/b/c"), "but selects what is under a/b");
        assert!(Pattern::new("a/c*-x").matches_exactly("a/code-x"));
        assert!(!Pattern::new("a/c*-x").matches_exactly("a/code-y"));
    }

    #[test]
    fn plain_path_selects_its_subtree_only() {
        let p = Pattern::new("deployment");
        assert!(p.matches("deployment/x"));
        assert!(p.matches("deployment"));
        assert!(!p.matches("deployment-date/x"));
    }

    #[test]
    fn closest_id_prefers_the_same_last_segment_then_containment_then_prefix() {
        let ids = ["checks/lint-all", "checks/lint", "deploy/ship-it"];
        assert_eq!(closest_id("chekcs/lint", ids), Some("checks/lint"));
        assert_eq!(closest_id("lin", ids), Some("checks/lint-all"));
        assert_eq!(closest_id("deploy/shp-it", ids), Some("deploy/ship-it"));
        assert_eq!(closest_id("checks/lint/**", ids), Some("checks/lint"));
        assert_eq!(closest_id("zzz", ids), None);
    }

    #[test]
    fn pathological_patterns_finish() {
        let p = Pattern::new(&"**/".repeat(50));
        let id = "a/".repeat(200) + "b";
        assert!(p.matches(&id));
        let p = Pattern::new(&"*a".repeat(100));
        assert!(!p.matches_exactly(&"a".repeat(99)));
    }
}
