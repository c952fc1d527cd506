//! Diagnostics: what the parser says about a checklist, with a location and a hint.
//!
//! Every diagnostic has a stable [`Code`] (so tools and docs can refer to it), a
//! [`Severity`], a byte span into the source, the 1-based line and column of that span,
//! a message, and a help line that tells the user what to do. [`Diagnostic::render`]
//! prints it the way rustc does: the offending source line with a caret under it.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The checklist still parses; the author should look at it.
    Warning,
    /// The checklist does not parse.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $sev:ident, $title:literal; )*) => {
        /// A stable diagnostic code. The number never changes meaning once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $name, )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code as printed: `E0003`, `W0001`, ...
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// The severity this code has by default (strict mode may raise warnings).
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }

            /// A short title, e.g. `duplicate item id`.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title,)* }
            }
        }
    };
}

codes! {
    /// An attribute block `{...}` that cannot be read (not closed, bad quoting).
    UnreadableAttributes = "E0001", Error, "unreadable attribute block";
    /// An attribute block with a key or class the parser does not know.
    UnknownAttribute = "E0002", Error, "unknown attribute";
    /// Two items (or sections) under the same parent have the same id (strict mode).
    DuplicateId = "E0003", Error, "duplicate item id";
    /// The `+++` front matter is not valid TOML or does not fit the schema.
    InvalidFrontMatter = "E0004", Error, "invalid front matter";
    /// The `+++` front matter has no closing `+++` line.
    UnclosedFrontMatter = "E0005", Error, "front matter never closes";
    /// A gate pattern that matches no item, or a gate whose excludes remove everything.
    EmptyGate = "E0006", Error, "gate matches nothing";
    /// An id pin `{#...}` that is not a valid slug.
    InvalidIdPin = "E0007", Error, "invalid id pin";
    /// A field blank `____` with no label before it.
    UnlabelledField = "E0008", Error, "field blank with no label";
    /// A `type=` that is not `text`, `date`, `number`, `url` or `enum(a|b)`.
    InvalidFieldType = "E0009", Error, "invalid field type";
    /// Front matter refers to an item or gate that does not exist.
    UnknownReference = "E0010", Error, "unknown reference";
    /// A sign-off whose role is empty or not declared in front matter `roles`.
    InvalidRole = "E0011", Error, "invalid sign-off role";
    /// The input exceeds one of the parser's resource limits.
    LimitExceeded = "E0012", Error, "resource limit exceeded";
    /// The input is not valid UTF-8.
    InvalidUtf8 = "E0013", Error, "input is not UTF-8";
    /// An attribute that does not fit the item it is on (e.g. `role=` on a heading).
    MisplacedAttribute = "E0014", Error, "attribute does not apply here";
    /// The checklist has no items at all.
    NoItems = "W0001", Warning, "checklist has no items";
    /// A section with no items, no subsections and no notes.
    EmptySection = "W0002", Warning, "empty section";
    /// A line that looks like a task but is not one (`-[ ]`, `[ ]` without a bullet).
    NotATask = "W0003", Warning, "looks like a task but is not one";
    /// A heading more than one level below its parent (`##` then `####`).
    SkippedHeadingLevel = "W0004", Warning, "heading level skipped";
    /// Two items under the same parent have the same id; the later one got a suffix.
    RepeatedId = "W0005", Warning, "repeated item id";
    /// A `[x]` on a field or sign-off: the parser cannot know the value or signer.
    CheckedFieldIgnored = "W0006", Warning, "checked field or sign-off starts empty";
    /// An attribute that has no effect where it is (`type=` on a sign-off).
    IgnoredAttribute = "W0007", Warning, "attribute ignored";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

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

/// One message about the checklist source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code, e.g. `E0003`.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is.
    #[serde(flatten)]
    pub location: Location,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places that matter (e.g. the first definition of a repeated id).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A secondary location attached to a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// What is there.
    pub message: String,
}

impl Diagnostic {
    /// Whether this diagnostic fails the parse.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic like rustc: header, `--> file:line:col`, the source line with
    /// a caret under the span, related notes and the help line.
    ///
    /// ```
    /// let source = "# Deploy\n\n- [ ] Ship it {#Bad_Id}\n";
    /// let err = checklist_core::Spec::parse(source).unwrap_err();
    /// let text = err.diagnostics()[0].render("deploy.md", source);
    /// assert!(text.starts_with("error[E0007]"));
    /// assert!(text.contains("--> deploy.md:3:"));
    /// ```
    pub fn render(&self, file: &str, source: &str) -> String {
        let mut out = String::new();
        self.render_into(&mut out, file, source);
        out
    }

    fn render_into(&self, out: &mut String, file: &str, source: &str) {
        use fmt::Write;
        let line_no = self.location.line.to_string();
        let gutter = " ".repeat(line_no.len());
        let _ = writeln!(out, "{}[{}]: {}", self.severity, self.code, self.message);
        let _ = writeln!(
            out,
            "{gutter}--> {file}:{}:{}",
            self.location.line, self.location.column
        );
        let line_text = line_at(source, self.location.span.start);
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{line_no} | {}", sanitize(line_text.text));
        let caret_start = self.location.column.saturating_sub(1) as usize;
        let span_end = self.location.span.end.min(line_text.end);
        let width = source
            .get(self.location.span.start.min(span_end)..span_end)
            .map_or(1, |s| s.chars().count().max(1));
        let _ = writeln!(
            out,
            "{gutter} | {}{}",
            " ".repeat(caret_start),
            "^".repeat(width)
        );
        for related in &self.related {
            let _ = writeln!(
                out,
                "{gutter} = note: {} (line {}, column {})",
                related.message, related.location.line, related.location.column
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{gutter} = help: {help}");
        }
    }
}

/// Keeps one rendered line on one terminal line: control characters become spaces.
fn sanitize(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

struct LineText<'a> {
    text: &'a str,
    end: usize,
}

fn line_at(source: &str, offset: usize) -> LineText<'_> {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let start = source[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = source[offset..]
        .find(['\n', '\r'])
        .map_or(source.len(), |i| offset + i);
    LineText {
        text: &source[start..end],
        end,
    }
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
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `source`.
    pub fn new(source: &str) -> Self {
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
    pub fn line(&self, offset: usize) -> u32 {
        let line = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(line.max(1)).unwrap_or(u32::MAX)
    }

    /// The location of a byte span: its start's line and column.
    pub fn locate(&self, source: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line = self.line(start);
        self.location(source, span, start, line)
    }

    /// [`LineIndex::locate`] for a caller that asks in (mostly) source order, like the
    /// parser: `hint` holds the line of its previous answer, and the few lines after it
    /// are tried before a binary search over the whole file.
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

/// The error returned when a checklist does not parse: every diagnostic found (errors and
/// warnings, in source order), plus what is needed to render them.
///
/// `Display` renders all of them like rustc; [`Diagnostics::diagnostics`] gives the data.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    file: String,
    text: String,
    diagnostics: Vec<Diagnostic>,
    partial: Option<Box<crate::spec::Spec>>,
}

impl Diagnostics {
    pub(crate) fn new(file: String, text: String, diagnostics: Vec<Diagnostic>) -> Self {
        Diagnostics {
            file,
            text,
            diagnostics,
            partial: None,
        }
    }

    pub(crate) fn with_partial(mut self, spec: crate::spec::Spec) -> Self {
        self.partial = Some(Box::new(spec));
        self
    }

    /// The checklist as far as it could be read despite the errors, when the errors
    /// left a structure to read (not for unreadable input). Tools use it to keep going
    /// after reporting the errors: the `checklist!` macro expands it so that code using
    /// the checklist does not drown the real error in follow-up errors. Never use it as
    /// the checklist itself.
    pub fn partial_spec(&self) -> Option<&crate::spec::Spec> {
        self.partial.as_deref()
    }

    /// All diagnostics, errors and warnings, in source order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The file name used in rendered locations.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The source text the diagnostics point into.
    pub fn source_text(&self) -> &str {
        &self.text
    }
}

impl std::error::Error for Diagnostics {}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.errors().count();
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&d.render(&self.file, &self.text))?;
        }
        if !self.diagnostics.is_empty() {
            f.write_str("\n")?;
        }
        write!(
            f,
            "error: could not parse `{}` ({} error{})",
            self.file,
            errors,
            if errors == 1 { "" } else { "s" }
        )
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

    #[test]
    fn codes_are_unique_and_prefixed_by_severity() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            let prefix = match code.default_severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
            };
            assert!(code.as_str().starts_with(prefix));
        }
    }
}
