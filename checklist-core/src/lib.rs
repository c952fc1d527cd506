//! The core of `checklist`: a Markdown checklist as a typed, validated, auditable process.
//!
//! Data flows one way:
//!
//! **Markdown → [`parse`] → [`Spec`] (immutable) → [`State`] + event log (changed only by
//! transitions) → gate reports, progress → JSON document / rendered Markdown**, kept in a
//! [`Store`].
//!
//! An embedder's whole flow, from the Markdown to a saved, gated run:
//!
//! ```
//! use std::sync::Arc;
//! use checklist_core::{parse, Actor, ItemKind, ParseOptions, State, Status, Store};
//! use checklist_core::store::MemoryStore;
//!
//! // 1. Parse: the Markdown becomes a spec (sections, items with stable ids, gates).
//! let md = "# Release\n\n## Checks\n- [ ] Tests pass\n- [ ] Changelog updated (if needed)\n\n\
//!           ## Sign-Off\n- [ ] Release Manager Approval: ____\n";
//! let parsed = parse(md, &ParseOptions::new("release.md"))?;
//! assert!(parsed.warnings.is_empty());
//! let spec = Arc::new(parsed.spec);
//! let tests = spec.index_of("checks/tests-pass").unwrap();
//! let changelog = spec.index_of("checks/changelog-updated").unwrap();
//! let signoff = spec.index_of("sign-off/release-manager-approval").unwrap();
//! assert_eq!(spec.item(signoff).kind(), &ItemKind::SignOff { role: "release-manager".into() });
//!
//! // 2. State: a run of it; every change is a checked transition, recorded in the log.
//! let mut run = State::new(&spec);
//! let ci = Actor::new("ci");
//! run.complete(tests, &ci)?;
//! // A refused transition says why, and changes nothing.
//! let mia = Actor::new("mia").with_role("release-manager");
//! let early = run.approve(signoff, &mia, None).unwrap_err();
//! assert!(early.to_string().contains("is not met"));
//! run.skip(changelog, &ci, Some("no user-facing change"))?;
//! run.approve(signoff, &mia, Some("ship it"))?;
//!
//! // 3. Gates: what is still missing, and why.
//! let report = run.evaluate_named("complete").unwrap();
//! assert!(report.passed);
//! assert_eq!(run.events().len(), 3);
//!
//! // 4. Store: load, change and save as one transaction, never losing another writer's
//! //    update; a `FileStore` does the same with a JSON file, atomically.
//! let store = MemoryStore::new();
//! store.save(&run, None)?;
//! store.update(&spec, |run| run.reopen(tests, &ci, "flaky"))?;
//! let loaded = store.load(&spec)?;                  // verified: hash chain, replay
//! assert_eq!(loaded.state.item(tests).status(), Status::Pending);
//! // The approval covered the reopened task, so it was voided, in the log.
//! assert_eq!(loaded.state.item(signoff).status(), Status::Unsigned);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Where things are: [`parse`] and [`spec`] (the language and the model);
//! [`state`] (transitions, with the rules in one table, [`state::rules`]); [`report`]
//! (gates, progress); [`document`] (the JSON document and its schema); [`store`] (the
//! [`Store`] trait, its implementations and conformance suite); [`render`] (Markdown with
//! the state written in); [`typed`] (what the `checklist!` macro generates code against).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// Re-exported so that date fields can be filled without a direct dependency.
pub use chrono;

pub mod check;
pub mod clock;
pub mod diagnostic;
pub mod document;
mod location;
mod parse;
pub mod pattern;
pub mod principal;
pub mod render;
pub mod report;
pub mod slug;
pub mod spec;
pub mod state;
pub mod store;
pub mod text;
pub mod trust;
pub mod typed;
pub mod value;

pub use check::{CheckRunner, ProcessRunner, VerifyError};
pub use diagnostic::{Code, Diagnostic, Related, Severity};
pub use document::{Document, LoadLimits, LoadWarning, Loaded, Migration, StateError};
pub use location::Location;
pub use parse::{
    Diagnostics, Limits, LoadError, ParseOptions, Parsed, parse, parse_bytes, parse_file,
};
pub use report::{GateReport, Progress, Unmet, UnmetItem};
pub use spec::Check;
pub use spec::{
    FieldType, Gate, GateIndex, Item, ItemIndex, ItemKind, Mark, Note, NoteKind, Section,
    SectionIndex, Spec, Step, Summary,
};
pub use state::{
    Action, Actor, ChainError, Change, Event, EventHash, Evidence, IntoSpec, ItemState, Kind,
    Origin, Outcome, Payload, Refusal, RenameError, Request, Resolution, Stale, State, Status,
    TransitionError, Voided, Waiver, WaiverRequest, verify_chain,
};
pub use store::{FileStore, MemoryStore, Store, StoreError, UpdateError};
pub use value::{InvalidValue, Value};
