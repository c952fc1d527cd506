//! Diagnostics: what the parser says about a checklist, with a location and a hint.
//!
//! Every diagnostic has a stable [`Code`] (so tools and docs can refer to it), a
//! [`Severity`] (the code's), a byte span into the source, the 1-based line and column of
//! that span, a message, and a help line that tells the user what to do. They are built
//! one way, [`Diagnostic::new`] then [`Diagnostic::with_help`] and
//! [`Diagnostic::with_related`]; [`Diagnostic::render`] prints one the way rustc does,
//! through `annotate-snippets`: the offending source line with a caret under it.

use std::fmt;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

pub use crate::location::Location;
use crate::location::floor_char_boundary;
use crate::text::one_line;

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
    /// A `[checks."ID"]` entry that cannot be run: it names no task, its command is
    /// empty, or its `timeout` or `valid_for` is not a duration.
    InvalidCheck = "E0015", Error, "invalid check";
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
/// One message about the checklist source.
///
/// Built with [`Diagnostic::new`]; the fields are public to read.
///
/// ```
/// use checklist_core::{Code, Diagnostic, Severity, Spec};
///
/// let spec = Spec::parse("# Deploy\n\n- [ ] Ship it\n")?;
/// let at = spec.items()[0].location().clone();
/// let d = Diagnostic::new(Code::NotATask, at, "a message")
///     .with_help("what to do about it");
/// assert_eq!(d.severity, Severity::Warning);
/// assert_eq!(d.help.as_deref(), Some("what to do about it"));
/// # Ok::<(), checklist_core::Diagnostics>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning: the code's [`Code::default_severity`].
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
#[non_exhaustive]
pub struct Related {
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// What is there.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic with this code at this location; its severity is the code's.
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.default_severity(),
            code,
            message: message.into(),
            location,
            help: None,
            related: Vec::new(),
        }
    }

    /// Says what to do about it.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at another place that matters, e.g. where a repeated id was first used.
    #[must_use]
    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// Whether this diagnostic fails the parse.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic like rustc, without colour: header, `--> file:line:col`,
    /// the source line with a caret under the span, related notes and the help line.
    /// Every line ends with a newline.
    ///
    /// User text (the message, the source line, notes, help) goes through
    /// [`text::one_line`](crate::text::one_line), so it cannot break lines or send
    /// control sequences to a terminal.
    ///
    /// ```
    /// let source = "# Deploy\n\n- [ ] Ship it {#Bad_Id}\n";
    /// let err = checklist_core::Spec::parse(source).unwrap_err();
    /// let text = err.diagnostics()[0].render("deploy.md", source);
    /// assert!(text.starts_with("error[E0007]"));
    /// assert!(text.contains("--> deploy.md:3:"));
    /// ```
    pub fn render(&self, file: &str, source: &str) -> String {
        self.render_with(&Renderer::plain(), file, source)
    }

    /// [`Diagnostic::render`] with rustc's colours (ANSI escapes), for a terminal.
    pub fn render_styled(&self, file: &str, source: &str) -> String {
        self.render_with(&Renderer::styled(), file, source)
    }

    fn render_with(&self, renderer: &Renderer, file: &str, source: &str) -> String {
        let line = line_at(source, self.location.span.start);
        // The span inside the shown line, in the line's cleaned text: `one_line` keeps
        // every character one character, so columns (which annotate-snippets counts
        // from the line) stay those of `location`.
        let at = floor_char_boundary(source, self.location.span.start.min(source.len()));
        let start = at - line.start;
        let end = floor_char_boundary(
            line.text,
            self.location.span.end.clamp(line.start, line.end) - line.start,
        )
        .max(start);
        let shown_start = one_line(&line.text[..start]).len();
        let shown_end = shown_start + one_line(&line.text[start..end]).len();
        let text = one_line(line.text);
        let file = one_line(file);
        let message = one_line(&self.message);
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let notes: Vec<String> = self
            .related
            .iter()
            .map(|r| {
                format!(
                    "{} (line {}, column {})",
                    one_line(&r.message),
                    r.location.line,
                    r.location.column
                )
            })
            .collect();
        let help = self.help.as_deref().map(one_line);
        let group = level
            .primary_title(&*message)
            .id(self.code.as_str())
            .element(
                Snippet::source(&*text)
                    .line_start(self.location.line as usize)
                    .path(&*file)
                    .annotation(AnnotationKind::Primary.span(shown_start..shown_end)),
            )
            .elements(notes.iter().map(|n| Level::NOTE.message(n.as_str())))
            .elements(help.iter().map(|h| Level::HELP.message(&**h)));
        let mut out = renderer.render(&[group]);
        out.push('\n');
        out
    }
}

/// The line of `source` that holds byte `offset`, without its line break.
struct LineText<'a> {
    text: &'a str,
    start: usize,
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
        start,
        end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
