//! Step 2, load: read the Markdown and parse it with checklist-core's own reader and
//! parser ([`checklist_core::parse_file`]), in strict mode (every item needs exactly one
//! name). Problems become `syn::Error`s on the
//! path literal, rendered like rustc with the Markdown line, a caret and the help.

use std::path::{Path, PathBuf};

use checklist_core::{LoadError, ParseOptions, Spec};

use crate::input::Source;

/// The checklist, read and parsed.
pub(crate) struct Loaded {
    /// The spec, or the partial spec when there were errors (see `errors`).
    pub(crate) spec: Option<Spec>,
    /// What to call the file in messages and docs.
    pub(crate) file_label: String,
    /// The absolute path, for `include_bytes!` (not for inline sources).
    pub(crate) absolute: Option<PathBuf>,
    /// Errors to report; the expansion still uses `spec` when it is there.
    pub(crate) errors: Option<syn::Error>,
}

/// Reads and parses the checklist. `manifest_dir` is `CARGO_MANIFEST_DIR`.
pub(crate) fn load(source: &Source, manifest_dir: Option<&Path>) -> Loaded {
    let span = source.span();
    let fail = |label: String, message: String| Loaded {
        spec: None,
        file_label: label,
        absolute: None,
        errors: Some(syn::Error::new(span, message)),
    };
    let (label, parsed, absolute) = match source {
        Source::Inline(lit) => {
            let label = "inline".to_string();
            let options = ParseOptions::new(label.clone()).strict(true);
            (label, checklist_core::parse(&lit.value(), &options), None)
        }
        Source::Path(lit) => {
            let rel = lit.value();
            if Path::new(&rel).is_absolute() {
                return fail(
                    rel.clone(),
                    format!(
                        "checklist path `{rel}` is absolute; give it relative to the crate's \
                         CARGO_MANIFEST_DIR so the build works on every machine"
                    ),
                );
            }
            let Some(dir) = manifest_dir else {
                return fail(
                    rel,
                    "CARGO_MANIFEST_DIR is not set; build with cargo, or use the `inline` form"
                        .into(),
                );
            };
            let path = dir.join(&rel);
            let options = ParseOptions::new(rel.clone()).strict(true);
            match checklist_core::parse_file(&path, &options) {
                Ok(parsed) => (rel, Ok(parsed), Some(path)),
                Err(LoadError::Parse(diags)) => (rel, Err(diags), Some(path)),
                // No absolute path in the message: it would differ from one machine (or
                // target directory) to the next, and the path as written says it all.
                Err(LoadError::Io { source, .. }) => {
                    return fail(
                        rel.clone(),
                        format!(
                            "cannot read checklist `{rel}`: {source}\n  = help: the path is relative to the crate's directory (CARGO_MANIFEST_DIR, where its Cargo.toml is)"
                        ),
                    );
                }
                Err(e) => return fail(rel.clone(), format!("cannot load checklist `{rel}`: {e}")),
            }
        }
    };
    match parsed {
        Ok(parsed) => Loaded {
            spec: Some(parsed.spec),
            file_label: label,
            absolute,
            errors: None,
        },
        Err(diags) => {
            let mut errors: Option<syn::Error> = None;
            for d in diags.errors() {
                // rustc already prints `error: ` before the message: drop our own
                // severity word and keep the code, `[E0001] the message`.
                let rendered = d.render(&label, diags.source_text());
                let rendered = rendered
                    .strip_prefix("error[")
                    .map_or(rendered.clone(), |rest| {
                        format!("[{}", rest.replacen("]:", "]", 1))
                    });
                let e = syn::Error::new(span, rendered);
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
            }
            Loaded {
                spec: diags.partial_spec().cloned(),
                file_label: label,
                absolute,
                errors,
            }
        }
    }
}
