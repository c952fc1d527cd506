//! The terminal: whether to colour, ANSI styles, progress bars, and writing output without
//! panicking when the reader goes away (`checklist log ... | head`).

use std::io::{IsTerminal, Write};

use crate::outcome::Fatal;

/// The `--color` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    // Plain comments, not doc comments: clap would list each value in every `--help`.
    // auto: colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// Styles for standard output and standard error.
#[derive(Clone, Copy, Debug)]
pub struct Term {
    /// For standard output.
    pub out: Paint,
    /// For standard error.
    pub err: Paint,
}

impl Term {
    /// Decides colour for both streams from the flag, `NO_COLOR` and whether each stream is
    /// a terminal.
    pub fn new(choice: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some();
        let on = |is_terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        };
        Term {
            out: Paint {
                on: on(std::io::stdout().is_terminal()),
            },
            err: Paint {
                on: on(std::io::stderr().is_terminal()),
            },
        }
    }
}

/// Wraps text in ANSI styles, or leaves it alone when colour is off.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    on: bool,
}

macro_rules! styles {
    ($($name:ident = $code:literal),* $(,)?) => {
        impl Paint {
            $(
                #[doc = concat!("`", stringify!($name), "` text.")]
                pub fn $name(&self, text: &str) -> String {
                    self.wrap($code, text)
                }
            )*
        }
    };
}

styles!(
    bold = "1",
    dim = "2",
    red = "31",
    green = "32",
    yellow = "33",
    cyan = "36"
);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// `error: message` and, when given, an indented `help: ...` line. Both may quote
    /// user text (a name, a path), so they are neutralised before the colours go on.
    pub fn error(&self, message: &str, help: Option<&str>) -> String {
        let message = checklist_core::text::lines(message);
        let mut s = format!("{} {message}\n", self.bold(&self.red("error:")));
        if let Some(help) = help {
            let help = checklist_core::text::lines(help);
            s.push_str(&format!("  {} {help}\n", self.bold(&self.cyan("help:"))));
        }
        s
    }

    /// A progress bar `width` cells wide, filled to `percent`.
    pub fn bar(&self, percent: f64, width: usize) -> String {
        let filled = ((percent / 100.0) * width as f64).floor() as usize;
        let filled = filled.min(width);
        let done = "█".repeat(filled);
        let open = "░".repeat(width - filled);
        let done = if percent >= 100.0 {
            self.green(&done)
        } else {
            self.cyan(&done)
        };
        format!("{done}{}", self.dim(&open))
    }
}

/// Writes to standard output. A reader that went away (`checklist log | head`) is not an
/// error: the command ends quietly, as if the reader had read it all. Any other failure
/// (a full disk, `> /dev/full`) is: a truncated output must not pass for a whole one.
///
/// The text is the command's own: its user parts went through
/// [`checklist_core::text::one_line`] and its escapes are this module's colours. For
/// data (Markdown, JSON, ids), use [`print_data`].
pub fn print(text: &str) -> Result<(), Fatal> {
    write_out(text)
}

/// Writes data to standard output: on a terminal, with control, escape and bidi
/// characters (from a checklist, a state or a command line) neutralised
/// ([`checklist_core::text::lines`]); into a pipe or a file, as it is, so data stays
/// exact.
pub fn print_data(text: &str) -> Result<(), Fatal> {
    if std::io::stdout().is_terminal() {
        write_out(&checklist_core::text::lines(text))
    } else {
        write_out(text)
    }
}

fn write_out(text: &str) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fatal::new(
            format!("cannot write to standard output: {e}"),
            "the output is incomplete; check where it goes (a full disk, a closed file)",
        )),
    }
}

/// Writes to standard error, ignoring errors. Messages quote user text, so control,
/// escape and bidi characters are neutralised wherever they go; the colours this module
/// adds itself are added after that, by the caller's [`Paint`].
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Pads `text` with spaces to `width` characters (counting chars, not bytes).
pub fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_by_percent_and_never_overflow() {
        let p = Paint { on: false };
        assert_eq!(p.bar(0.0, 4), "░░░░");
        assert_eq!(p.bar(50.0, 4), "██░░");
        assert_eq!(p.bar(99.9, 4), "███░");
        assert_eq!(p.bar(250.0, 4), "████");
    }

    #[test]
    fn no_escapes_when_colour_is_off() {
        assert_eq!(Paint { on: false }.red("x"), "x");
        assert_eq!(Paint { on: true }.red("x"), "\x1b[31mx\x1b[0m");
    }
}
