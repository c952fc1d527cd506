//! How a command ends, and the exit codes that go with it.

use std::process::ExitCode;

use crate::term::Paint;

/// How a command ended, when it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1. The answer is no: errors in the checklist, an unmet gate, a refused transition.
    No,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> ExitCode {
        match self {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::No => ExitCode::from(1),
        }
    }
}

/// An error that ends the command with exit code 2: usage, I/O, input or state-file errors.
#[derive(Debug)]
pub enum Fatal {
    /// Text printed as it is (rendered parse diagnostics).
    Raw(String),
    /// `error: ...` with an optional `help: ...`.
    Error {
        /// What went wrong.
        message: String,
        /// What to do about it.
        help: Option<String>,
    },
}

impl Fatal {
    /// An error with a help line.
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Fatal::Error {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// An error without a help line.
    pub fn bare(message: impl Into<String>) -> Self {
        Fatal::Error {
            message: message.into(),
            help: None,
        }
    }

    /// The text for standard error.
    pub fn render(&self, paint: &Paint) -> String {
        match self {
            Fatal::Raw(text) => format!("{text}\n"),
            Fatal::Error { message, help } => paint.error(message, help.as_deref()),
        }
    }

    /// Exit code 2.
    pub fn code() -> ExitCode {
        ExitCode::from(2)
    }
}

/// What commands return.
pub type Result<T = Outcome> = std::result::Result<T, Fatal>;
