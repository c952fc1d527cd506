//! What a parse that fails returns: [`Diagnostics`], every diagnostic with what is needed
//! to render them, and [`LoadError`] for [`parse_file`](super::parse_file), which reads
//! the file first.

use std::fmt;

use crate::diagnostic::Diagnostic;
use crate::spec::Spec;

/// The error returned when a checklist does not parse: every diagnostic found (errors and
/// warnings, in source order), plus what is needed to render them.
///
/// `Display` renders all of them like rustc; [`Diagnostics::diagnostics`] gives the data.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    file: String,
    text: String,
    diagnostics: Vec<Diagnostic>,
    partial: Option<Box<Spec>>,
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

    pub(crate) fn with_partial(mut self, spec: Spec) -> Self {
        self.partial = Some(Box::new(spec));
        self
    }

    /// The checklist as far as it could be read despite the errors, when the errors
    /// left a structure to read (not for unreadable input). Tools use it to keep going
    /// after reporting the errors: the `checklist!` macro expands it so that code using
    /// the checklist does not drown the real error in follow-up errors. Never use it as
    /// the checklist itself.
    pub fn partial_spec(&self) -> Option<&Spec> {
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
            crate::text::one_line(&self.file),
            errors,
            if errors == 1 { "" } else { "s" }
        )
    }
}

/// Errors from [`parse_file`](super::parse_file).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read; the I/O error is the [`source`](std::error::Error::source).
    #[error("cannot read `{path}`")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file does not parse, or is larger than
    /// [`Limits::max_input_bytes`](super::Limits::max_input_bytes) (`E0012`).
    #[error(transparent)]
    Parse(#[from] Diagnostics),
}
