//! Markdown → [`Spec`]: the one parser of the checklist language.
//!
//! Both the run-time API and the `checklist!` macro call [`parse`], so they see exactly the
//! same language. The parse runs in three steps, each in its own file:
//!
//! 1. [`front_matter`]: split off `+++` TOML (ours) or `---` YAML (someone else's).
//! 2. [`walk`]: one pass over pulldown-cmark's events with an explicit stack (no
//!    recursion), building sections and items; [`item_text`] and [`attributes`] take a
//!    task line apart.
//! 3. [`resolve`]: apply front matter (item overrides, roles, gates), check what needs the
//!    whole document, assemble the [`Spec`].
//!
//! [`parse_file`] reads a file (bounded by [`Limits::max_input_bytes`]) and parses it;
//! [`error`] holds what a failed parse returns.

mod attributes;
mod checks;
mod error;
mod front_matter;
mod item_text;
mod resolve;
mod walk;

use std::io::Read;
use std::path::Path;

use pulldown_cmark::Options;

use crate::diagnostic::{Code, Diagnostic};
use crate::location::LineIndex;
use crate::spec::Spec;

pub use error::{Diagnostics, LoadError};

/// The pulldown-cmark options the checklist language is defined on: CommonMark plus
/// GFM task lists, tables, strikethrough, footnotes and alert quotes. (Tests and
/// benchmarks that run pulldown-cmark over the same bytes write the same flags.)
pub(crate) fn markdown_options() -> Options {
    Options::ENABLE_TASKLISTS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

/// Resource limits. Inputs beyond them fail with [`Code::LimitExceeded`] naming the limit,
/// instead of exhausting memory. The defaults are far above any real checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input in bytes (default 64 MiB; at most 4 GiB whatever it is set to).
    pub max_input_bytes: usize,
    /// Most items (default 1,000,000).
    pub max_items: usize,
    /// Deepest nesting of lists, quotes and items (default 100).
    pub max_depth: usize,
    /// Longest item text, heading or id in bytes (default 64 KiB).
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 << 20,
            max_items: 1_000_000,
            max_depth: 100,
            max_text_bytes: 64 << 10,
        }
    }
}

/// How to parse: the file name for messages and ids, strictness, limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// Shown in diagnostics; its stem is the checklist id when there is no title or
    /// front matter `id`.
    pub file_name: String,
    /// Repeated ids are errors instead of warnings with `-2` suffixes. The macro always
    /// parses strictly, since every item needs one name.
    pub strict: bool,
    /// Resource limits.
    pub limits: Limits,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            file_name: "checklist.md".to_string(),
            strict: false,
            limits: Limits::default(),
        }
    }
}

impl ParseOptions {
    /// Options for a file with this name.
    pub fn new(file_name: impl Into<String>) -> Self {
        ParseOptions {
            file_name: file_name.into(),
            ..ParseOptions::default()
        }
    }

    /// Sets strict mode.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Sets the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// A successful parse: the spec and the warnings about it.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The checklist.
    pub spec: Spec,
    /// Warnings, in source order (errors would have failed the parse).
    pub warnings: Vec<Diagnostic>,
}

impl Parsed {
    /// Renders every warning like rustc, separated by blank lines.
    pub fn render_warnings(&self) -> String {
        self.warnings
            .iter()
            .map(|d| d.render(self.spec.file_name(), self.spec.source()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Parses checklist Markdown.
///
/// Returns the spec and its warnings, or every diagnostic (errors and warnings) when there
/// is at least one error. Never panics, whatever the input.
///
/// ```
/// use checklist_core::{parse, ParseOptions};
///
/// let src = "# Deploy\n\n## Checks\n\n- [ ] Tests pass\n- [ ] Tests pass\n";
/// let parsed = parse(src, &ParseOptions::new("deploy.md"))?;
/// let ids: Vec<_> = parsed.spec.items().iter().map(|i| i.id()).collect();
/// assert_eq!(ids, ["checks/tests-pass", "checks/tests-pass-2"]);
/// assert_eq!(parsed.warnings[0].code.as_str(), "W0005");
///
/// // In strict mode the repeat is an error naming both lines.
/// let err = parse(src, &ParseOptions::new("deploy.md").strict(true)).unwrap_err();
/// assert!(err.to_string().contains("error[E0003]"));
/// # Ok::<(), checklist_core::Diagnostics>(())
/// ```
pub fn parse(source: &str, options: &ParseOptions) -> Result<Parsed, Diagnostics> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if source.len() > max_input(options) {
        return Err(input_too_large(options, Some(source.len())));
    }
    let (spec, mut diagnostics) = resolve::build(source, options);
    diagnostics.sort_by_key(|d| (d.location.span.start, d.severity));
    match spec {
        Some(spec) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(Parsed {
            spec,
            warnings: diagnostics,
        }),
        spec => {
            let err = Diagnostics::new(options.file_name.clone(), source.to_string(), diagnostics);
            Err(match spec {
                Some(spec) => err.with_partial(spec),
                None => err,
            })
        }
    }
}

/// The largest input accepted. Offsets are kept as u32 during the walk, so 4 GiB is a
/// hard ceiling whatever the limits say.
fn max_input(options: &ParseOptions) -> usize {
    options.limits.max_input_bytes.min(u32::MAX as usize - 1)
}

/// E0012 for an input over [`Limits::max_input_bytes`], at the start of the file; `len`
/// when the input's size is known.
fn input_too_large(options: &ParseOptions, len: Option<usize>) -> Diagnostics {
    let max = max_input(options);
    let message = match len {
        Some(len) => format!("the input is {len} bytes, more than the limit of {max} bytes"),
        None => format!("the input is more than the limit of {max} bytes"),
    };
    let d = Diagnostic::new(
        Code::LimitExceeded,
        LineIndex::new("").locate("", 0..0),
        message,
    )
    .with_help("split the checklist, or raise `Limits::max_input_bytes`");
    Diagnostics::new(options.file_name.clone(), String::new(), vec![d])
}

/// Parses bytes, reporting invalid UTF-8 as a diagnostic with its location.
pub fn parse_bytes(bytes: &[u8], options: &ParseOptions) -> Result<Parsed, Diagnostics> {
    match std::str::from_utf8(bytes) {
        Ok(s) => parse(s, options),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The valid prefix is UTF-8 by construction; show it so the caret lands right.
            let shown = String::from_utf8_lossy(valid).into_owned();
            let lines = LineIndex::new(&shown);
            let location = lines.locate(&shown, shown.len()..shown.len());
            let d = Diagnostic::new(
                Code::InvalidUtf8,
                location,
                format!("byte {} is not valid UTF-8", e.valid_up_to()),
            )
            .with_help("save the file as UTF-8");
            Err(Diagnostics::new(options.file_name.clone(), shown, vec![d]))
        }
    }
}

/// Reads a checklist file and parses it: the one way to load a checklist from disk.
///
/// The options' [`file_name`](ParseOptions::file_name) names the file in diagnostics (and
/// gives the checklist id when nothing else does): set it to the path as the user wrote
/// it, e.g. `ParseOptions::new(path.display().to_string())`.
///
/// At most [`Limits::max_input_bytes`] + 1 bytes are read (after a UTF-8 byte order
/// mark), from a regular file or anything else (a pipe, a device such as `/dev/zero`):
/// a larger input is the usual `E0012` diagnostic, located at the start of the file,
/// before it can fill memory.
///
/// ```
/// use checklist_core::{parse_file, LoadError, ParseOptions};
///
/// let dir = std::env::temp_dir().join(format!("checklist-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("deploy.md");
/// std::fs::write(&path, "# Deploy\n\n- [ ] Ship it\n").unwrap();
/// let parsed = parse_file(&path, &ParseOptions::new("deploy.md"))?;
/// assert_eq!(parsed.spec.items()[0].id(), "ship-it");
///
/// let missing = parse_file(dir.join("nope.md"), &ParseOptions::new("nope.md"));
/// assert!(matches!(missing, Err(LoadError::Io { .. })));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), LoadError>(())
/// ```
pub fn parse_file(path: impl AsRef<Path>, options: &ParseOptions) -> Result<Parsed, LoadError> {
    let path = path.as_ref();
    let io = |source| LoadError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let max = max_input(options) as u64;
    // A regular file says how large it is: refuse it before reading, and size the buffer.
    let known = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if let Some(len) = known
        && len > max + 3
    {
        return Err(input_too_large(options, usize::try_from(len).ok()).into());
    }
    let mut bytes = Vec::with_capacity(known.map_or(8 << 10, |len| (len.min(max + 4)) as usize));
    let mut reader = file;
    // Never more than the limit plus one byte (plus a byte order mark, which `parse`
    // skips): whatever the file is, the read ends there.
    (&mut reader).take(3).read_to_end(&mut bytes).map_err(io)?;
    let cap = max
        + 1
        + if bytes.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
    (&mut reader)
        .take(cap.saturating_sub(bytes.len() as u64))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 >= cap {
        return Err(input_too_large(options, None).into());
    }
    Ok(parse_bytes(&bytes, options)?)
}

impl Spec {
    /// Parses a checklist with default options (file name `checklist.md`, not strict),
    /// dropping warnings.
    ///
    /// ```
    /// let spec = checklist_core::Spec::parse("- [ ] Ship it\n")?;
    /// assert_eq!(spec.items()[0].id(), "ship-it");
    /// # Ok::<(), checklist_core::Diagnostics>(())
    /// ```
    pub fn parse(source: &str) -> Result<Spec, Diagnostics> {
        parse(source, &ParseOptions::default()).map(|p| p.spec)
    }
}
