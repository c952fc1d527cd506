//! Code generation behind `checklist!`: a plain library, proc-macro2 in and out, so that
//! tests and benchmarks call it directly. The work follows the data:
//!
//! 1. [`input`]: parse the macro input (visibility, type name, path or inline Markdown);
//! 2. `load`: read the file and parse it with checklist-core's own parser, strictly;
//! 3. `plan`: decide every Rust name and reject clashes;
//! 4. `emit`: write the types, handles and constants.
//!
//! Errors at any step become `compile_error!`s on the path literal. When the Markdown
//! has errors but still has a structure, the expansion of that structure is emitted next
//! to the errors, so code that uses the checklist does not add follow-up errors.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod emit;
pub mod input;
mod load;
mod plan;

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;

/// Expands `checklist!(VIS Name, "path.md")` or `checklist!(VIS Name, inline "...")`,
/// resolving paths against the `CARGO_MANIFEST_DIR` environment variable.
pub fn expand(input: TokenStream) -> TokenStream {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    expand_in(input, dir.as_deref())
}

/// Like [`expand`], with an explicit manifest directory (for tests and benchmarks).
pub fn expand_in(input: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    let input: input::Input = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let loaded = load::load(&input.source, manifest_dir);
    let mut errors = loaded.errors.clone();
    let body = match &loaded.spec {
        Some(spec) => match plan::plan(spec, &loaded.file_label) {
            Ok(plan) => emit::expand(&input, &loaded, spec, &plan),
            Err(clashes) => {
                for message in clashes {
                    let e = syn::Error::new(input.source.span(), message);
                    match &mut errors {
                        Some(all) => all.combine(e),
                        None => errors = Some(e),
                    }
                }
                emit::stub(&input)
            }
        },
        None => emit::stub(&input),
    };
    let errors = errors.map(|e| e.to_compile_error());
    quote! { #errors #body }
}
