//! Places in the source: [`Location`] (a byte span with its line and column), and the
//! line index that finds them. The model ([`Spec`](crate::Spec)) and the diagnostics
//! both point into the source with it, so it depends on neither.

use std::ops::Range;

use serde::Serialize;

/// A position in the source: byte span plus the 1-based line and column of its start.
///
/// Columns count characters (not bytes), so they match what an editor shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    /// Byte range in the source.
    #[serde(skip)]
    pub span: Range<usize>,
    /// 1-based line of `span.start`.
    pub line: u32,
    /// 1-based column (in characters) of `span.start`.
    pub column: u32,
}

pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Maps byte offsets to 1-based line and column numbers.
///
/// Built once per source; lookups are a binary search. `\n`, `\r\n` and a lone `\r` all
/// end a line, as in CommonMark.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `source`.
    pub(crate) fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        if !bytes.contains(&b'\r') {
            // Only `\n` breaks lines: let `memchr` find them (a byte loop costs several
            // times more on a large file).
            starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
            return LineIndex { starts };
        }
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        let line = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(line.max(1)).unwrap_or(u32::MAX)
    }

    /// The location of a byte span: its start's line and column.
    pub(crate) fn locate(&self, source: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line = self.line(start);
        self.location(source, span, start, line)
    }

    /// [`LineIndex::locate`] for a caller that asks in (mostly) source order, like the
    /// parser: `hint` holds the line of its previous answer, and the few lines after it
    /// are tried before a binary search over the whole file.
    #[inline]
    pub(crate) fn locate_near(
        &self,
        source: &str,
        span: Range<usize>,
        hint: &std::cell::Cell<u32>,
    ) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        // Line `l` (1-based) holds `start` when it starts at or before it and the next
        // line starts after it: the same line `LineIndex::line` finds.
        let holds = |l: usize| {
            l >= 1
                && self.starts.get(l - 1).is_some_and(|&s| s <= start)
                && self.starts.get(l).is_none_or(|&s| s > start)
        };
        let from = hint.get() as usize;
        let line = (from..from + 8).find(|&l| holds(l)).map_or_else(
            || self.line(start),
            |l| u32::try_from(l).unwrap_or(u32::MAX),
        );
        hint.set(line);
        self.location(source, span, start, line)
    }

    #[inline]
    fn location(&self, source: &str, span: Range<usize>, start: usize, line: u32) -> Location {
        let line_start = self.starts[line as usize - 1];
        let column = source
            .get(line_start..start)
            .map_or(0, |s| s.chars().count());
        Location {
            span: start..span.end.max(start).min(source.len()),
            line,
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_handles_all_line_endings() {
        let src = "a\nb\r\nc\rd";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 3);
        assert_eq!(idx.line(7), 4);
        let loc = idx.locate(src, 7..8);
        assert_eq!((loc.line, loc.column), (4, 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "é {#x";
        let idx = LineIndex::new(src);
        // `é` is two bytes, so byte 3 is `{`: the third character on the line.
        let loc = idx.locate(src, 3..4);
        assert_eq!(loc.column, 3);
    }
}
