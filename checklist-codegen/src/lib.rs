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
//!
//! The generated code reaches the facade crate by a path it does not assume: the
//! `#[checklist(crate = "...")]` option when given, else the name under which the user's
//! `Cargo.toml` depends on the facade package ([`FACADE_PACKAGE`], found the way
//! `proc-macro-crate` finds it, renames and workspace dependencies included), else
//! `::checklist_md`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod emit;
pub mod input;
mod load;
mod plan;

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The package name of the facade crate that re-exports the core and this macro: the
/// crate the generated code names.
pub const FACADE_PACKAGE: &str = "checklist-md";

/// Expands `checklist!(VIS Name, "path.md")` or `checklist!(VIS Name, inline "...")`,
/// resolving paths against the `CARGO_MANIFEST_DIR` environment variable, and naming the
/// facade crate as the `Cargo.toml` there depends on it.
pub fn expand(input: TokenStream) -> TokenStream {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    expand_with(input, dir.as_deref(), facade_from_manifest)
}

/// Like [`expand`], with an explicit manifest directory (for tests and benchmarks). The
/// facade is `::checklist_md` unless the input says `#[checklist(crate = "...")]`.
pub fn expand_in(input: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    expand_with(input, manifest_dir, default_facade)
}

/// `::checklist_md`, the facade under its own name.
fn default_facade() -> syn::Path {
    let name = Ident::new(&FACADE_PACKAGE.replace('-', "_"), Span::call_site());
    syn::parse_quote!(::#name)
}

/// The facade's path as the crate being compiled depends on it (`CARGO_MANIFEST_DIR`'s
/// `Cargo.toml`): `::cl` for `cl = { package = "checklist-md", ... }`. When that manifest
/// is the facade itself (its tests, examples and doctests, which are crates of their
/// own) or does not name it, `::checklist_md`.
fn facade_from_manifest() -> syn::Path {
    match proc_macro_crate::crate_name(FACADE_PACKAGE) {
        Ok(proc_macro_crate::FoundCrate::Name(name)) => {
            let name = Ident::new(&name, Span::call_site());
            syn::parse_quote!(::#name)
        }
        Ok(proc_macro_crate::FoundCrate::Itself) | Err(_) => default_facade(),
    }
}

fn expand_with(
    input: TokenStream,
    manifest_dir: Option<&Path>,
    facade: impl FnOnce() -> syn::Path,
) -> TokenStream {
    let mut input: input::Input = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let facade = input.krate.take().unwrap_or_else(facade);
    let loaded = load::load(&input.source, manifest_dir);
    let mut errors = loaded.errors.clone();
    let body = match &loaded.spec {
        Some(spec) => match plan::plan(spec, &loaded.file_label) {
            Ok(plan) => emit::expand(&input, &loaded, spec, &plan, &facade),
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
