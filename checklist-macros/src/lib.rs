//! The `checklist!` proc macro. This crate is a thin shell: all the work happens in
//! `checklist-codegen`, a plain library (proc-macro2 in, proc-macro2 out) that tests and
//! benchmarks can call directly. Use the macro through the `checklist` crate, which
//! documents it.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// Compiles a Markdown checklist into typed Rust. See the `checklist` crate's docs.
#[proc_macro]
pub fn checklist(input: TokenStream) -> TokenStream {
    checklist_codegen::expand(input.into()).into()
}
