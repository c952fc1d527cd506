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
//! use checklist_md::{checklist, Actor};
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
//! run.fill(items.checks.release_date, &ci, checklist_md::chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())?;
//!
//! let manager = Actor::new("mia").with_role("release-manager");
//! run.approve(items.sign_off.release_manager_approval, &manager, None)?;
//! assert!(run.evaluate(Release::gates().complete).passed);
//! # Ok::<(), checklist_md::TransitionError>(())
//! ```
//!
//! These do not compile:
//!
//! ```compile_fail
//! # use checklist_md::{checklist, Actor};
//! # checklist!(Release, inline "- [ ] Tests pass\n- [ ] Release Date: ____\n");
//! let mut run = Release::new_state();
//! // a task is not a field
//! run.fill(Release::items().tests_pass, &Actor::new("ci"), "yes");
//! ```
//!
//! ```compile_fail
//! # use checklist_md::{checklist, Actor};
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
///
/// # Names
///
/// A section's struct is its id path in UpperCamelCase (`pre-deployment/code-quality` →
/// `PreDeploymentCodeQuality`), an item's field its path below the section in snake_case
/// (`linting_passes_with_no_errors`, nested paths joined with `__`). Ids in any language
/// keep their own letters, NFC-normalised, wherever Rust accepts them in an identifier
/// (`XID_Start` / `XID_Continue`) and no lint of your crate would fire on them:
///
/// ```
/// # use checklist_md::checklist;
/// checklist!(pub Freigabe, inline "## Überprüfung der Sicherheit\n- [ ] Abhängigkeiten geprüft\n");
/// checklist!(pub Fabu, inline "## 代码质量\n- [ ] 所有代码审查完成\n");
/// checklist!(pub Vypusk, inline "## Проверка безопасности\n- [ ] Аудит проведён\n");
///
/// let _ = Freigabe::items().überprüfung_der_sicherheit.abhängigkeiten_geprüft;
/// let _ = Fabu::items().代码质量.所有代码审查完成;
/// let _ = Vypusk::items().проверка_безопасности.аудит_проведён;
/// ```
///
/// Other characters are transliterated: to their compatibility form when that is made of
/// identifier characters (`x²` → `x2`, `ﬁ` → `fi`), else to `u` and the code point in
/// hex. That covers characters outside Unicode's general security profile (which the
/// `uncommon_codepoints` lint flags) and the letters of a script that the checklist uses
/// only through look-alikes of Latin letters (which `mixed_script_confusables` flags):
/// both lints can be allowed only for a whole crate, so the macro avoids them instead.
/// The generated module allows `non_snake_case` and `non_camel_case_types`. A crate that
/// denies `non_ascii_idents` pins ASCII ids (`{#code-quality}`). Two ids that meet in one
/// Rust name are a compile error naming both.
///
/// # The path to this crate
///
/// The generated code names this crate as your `Cargo.toml` does, so a renamed dependency
/// (`cl = { package = "checklist-md", ... }`) just works; without a `Cargo.toml` entry it
/// uses `::checklist_md`. To give the path yourself (say, when another crate re-exports this
/// one), write `#[checklist(crate = "PATH")]` first, as with serde's
/// `#[serde(crate = "...")]`:
///
/// ```
/// extern crate checklist_md as cl;
///
/// cl::checklist!(#[checklist(crate = "::cl")] pub Release, inline "- [ ] Tests pass\n");
/// # fn main() {
/// let _ = Release::items().tests_pass;
/// # }
/// ```
#[cfg(feature = "macros")]
pub use checklist_macros::checklist;
