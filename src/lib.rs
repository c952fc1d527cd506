//! `checklist`: turn a Markdown checklist into a typed, validated, auditable process.
//!
//! The Markdown file stays the single source of truth. At run time, [`parse`] reads any
//! checklist into a [`Spec`]; a [`State`] runs it through checked transitions recorded in
//! a hash-chained log; gates say whether it is done; the state is one JSON document.
//! At compile time, [`checklist!`] turns the same Markdown into typed Rust, so code that
//! names a removed item, fills a task, or passes a string to a date field does not
//! compile.
//!
//! This crate re-exports `checklist-core` and, with the default `macros` feature, the
//! `checklist!` macro. The features `sqlite` and `postgres` (off by default) add the
//! database stores, `SqliteStore` and `PostgresStore`: many named runs in one SQLite
//! file or PostgreSQL database, with the file store's promises (see `store`).
//!
//! ```
//! use checklist::{checklist, Actor};
//!
//! checklist!(pub Release, inline "
//! Release
//! =======
//!
//! Checks
//! ------
//! - [ ] Tests pass
//! - [ ] Changelog updated (if needed)
//! - [ ] Release Date: ____
//!
//! Sign-Off
//! --------
//! - [ ] Release Manager Approval: ____
//! ");
//!
//! let items = Release::items();
//! let mut run = Release::new_state();
//! let ci = Actor::new("ci");
//! run.complete(items.checks.tests_pass, &ci)?;
//! run.skip(items.checks.changelog_updated, &ci, Some("no user-facing change"))?;
//! run.fill(items.checks.release_date, &ci, checklist::chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())?;
//!
//! let manager = Actor::new("mia").with_role("release-manager");
//! run.approve(items.sign_off.release_manager_approval, &manager, None)?;
//! assert!(run.evaluate(Release::gates().complete).passed);
//! # Ok::<(), checklist::TransitionError>(())
//! ```
//!
//! These do not compile:
//!
//! ```compile_fail
//! # use checklist::{checklist, Actor};
//! # checklist!(Release, inline "- [ ] Tests pass\n- [ ] Release Date: ____\n");
//! let mut run = Release::new_state();
//! // a task is not a field
//! run.fill(Release::items().tests_pass, &Actor::new("ci"), "yes");
//! ```
//!
//! ```compile_fail
//! # use checklist::{checklist, Actor};
//! # checklist!(Release, inline "- [ ] Tests pass\n- [ ] Release Date: ____\n");
//! let mut run = Release::new_state();
//! // a date field takes a chrono::NaiveDate, not a string
//! run.fill(Release::items().release_date, &Actor::new("ci"), "2026-12-01");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use checklist_core::*;

/// Runs in an SQLite database file (feature `sqlite`).
#[cfg(feature = "sqlite")]
pub use checklist_core::store::SqliteStore;

/// Runs in a PostgreSQL database (feature `postgres`).
#[cfg(feature = "postgres")]
pub use checklist_core::store::PostgresStore;

/// Compiles a Markdown checklist into typed Rust.
///
/// ```text
/// checklist!(pub ProductionDeployment, "examples/checklists/production-deployment.md");
/// checklist!(pub(crate) Release, inline "# Release\n\n- [ ] Tests pass\n");
/// ```
///
/// The path is relative to `CARGO_MANIFEST_DIR` (absolute paths are refused, so the
/// build works on every machine); cargo rebuilds the crate when the file changes. The
/// Markdown is parsed by checklist-core's parser in strict mode, so an item repeated
/// under one parent is an error (give one an `{#id}`). Any problem in the Markdown is a
/// compile error pointing at `file.md:line:column` with the offending line and a hint.
///
/// For `checklist!(pub Deploy, "deploy.md")` it generates:
///
/// - `pub struct Deploy;` implementing [`typed::Checklist`], with
///   - `Deploy::items()`: the items as typed handles, one field per section and item,
///     nesting like the headings (`Deploy::items().pre_deployment.code_quality.linting_passes_with_no_errors`);
///     a task is a [`typed::Task`], a field a [`typed::Field`] of [`typed::Date`],
///     [`typed::Text`], [`typed::Number`], [`typed::Url`] or [`typed::Choice`], a
///     sign-off a [`typed::SignOff`];
///   - `Deploy::gates()`: the gates as [`typed::Gate`]s (`Deploy::gates().deploy`);
///   - `Deploy::spec()`: the [`Spec`], for every run-time API;
///   - `Deploy::new_state()`: a [`typed::TypedState`] whose methods take only the right
///     handles of this checklist, and whose JSON is byte-identical to the run-time
///     [`State`]'s;
/// - `pub mod deploy` with the generated structs (`Items`, one per section, `Gates`),
///   each documented with the Markdown text and `file:line`.
#[cfg(feature = "macros")]
pub use checklist_macros::checklist;
