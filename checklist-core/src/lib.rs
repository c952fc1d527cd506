//! The core of `checklist`: a Markdown checklist as a typed, validated, auditable process.
//!
//! Data flows one way:
//!
//! **Markdown → [`parse`] → [`Spec`] (immutable)**
//!
//! ```
//! use checklist_core::{parse, ParseOptions, ItemKind};
//!
//! let md = "# Release\n\n## Checks\n- [ ] Tests pass\n- [ ] Changelog updated (if needed)\n\n\
//!           ## Sign-Off\n- [ ] Release Manager Approval: ____\n";
//! let parsed = parse(md, &ParseOptions::new("release.md"))?;
//! let spec = parsed.spec;
//! assert_eq!(spec.id(), "release");
//! assert!(spec.item_by_id("checks/changelog-updated").unwrap().is_optional());
//! let signoff = spec.item_by_id("sign-off/release-manager-approval").unwrap();
//! assert_eq!(signoff.kind(), &ItemKind::SignOff { role: "release-manager".into() });
//! # Ok::<(), checklist_core::Diagnostics>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// Re-exported so that date fields can be filled without a direct dependency.
pub use chrono;

pub mod clock;
pub mod diagnostic;
pub mod document;
mod location;
mod parse;
pub mod pattern;
pub mod render;
pub mod report;
pub mod slug;
pub mod spec;
pub mod state;
pub mod store;
pub mod text;
pub mod typed;
pub mod value;

pub use diagnostic::{Code, Diagnostic, Related, Severity};
pub use document::{Document, LoadLimits, Loaded, Migration, StateError};
pub use location::Location;
pub use parse::{
    Diagnostics, Limits, LoadError, ParseOptions, Parsed, parse, parse_bytes, parse_file,
};
pub use report::{GateReport, Progress, Unmet, UnmetItem};
pub use spec::{
    FieldType, Gate, GateIndex, Item, ItemIndex, ItemKind, Mark, Note, NoteKind, Section,
    SectionIndex, Spec, Step, Summary,
};
pub use state::{
    Action, Actor, ChainError, Change, Event, ItemState, Refusal, Request, State, Status,
    TransitionError, Voided, Waiver, WaiverRequest, verify_chain,
};
pub use store::{FileStore, Store, StoreError, UpdateError};
pub use value::{InvalidValue, Value};
