//! `checklist`: turn a Markdown checklist into a typed, validated, auditable process.
//!
//! This facade re-exports [`checklist_core`]; see its documentation.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use checklist_core::*;
