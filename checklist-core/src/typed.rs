//! What `checklist!` builds on: item handles typed by kind and branded with their
//! checklist, and a state wrapper whose methods only accept the right handles.
//!
//! The macro generates a marker type per checklist (implementing [`Checklist`]) and a
//! tree of structs whose fields are these handles. A handle is an index into the spec,
//! so every typed call is an O(1) forward to [`State`], with no id lookup; the brand
//! `C` makes a handle of one checklist unusable with another; the kind makes filling a
//! task or approving a field a type error.
//!
//! ```
//! use checklist_core::typed::{Checklist, Task, TypedState};
//! use checklist_core::{Actor, Spec};
//! use std::sync::{Arc, OnceLock};
//!
//! // What the macro generates, written by hand:
//! struct Release;
//! impl Checklist for Release {
//!     fn spec() -> &'static Arc<Spec> {
//!         static SPEC: OnceLock<Arc<Spec>> = OnceLock::new();
//!         SPEC.get_or_init(|| Arc::new(Spec::parse("- [ ] Tests pass\n").unwrap()))
//!     }
//! }
//! let tests_pass: Task<Release> = Task::__new(0);
//!
//! let mut state = TypedState::<Release>::new();
//! state.complete(tests_pass, &Actor::new("ci"))?;
//! assert!(state.evaluate(Release::complete_gate()).passed);
//! # Ok::<(), checklist_core::TransitionError>(())
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::document::{Loaded, Migration, StateError};
use crate::report::GateReport;
use crate::spec::{GateIndex, ItemIndex, Spec};
use crate::state::{Actor, Change, ItemState, Request, State, TransitionError};
use crate::store::{Store, StoreError, UpdateError};
use crate::value::Value;

/// A checklist known at compile time. Implemented by the marker type `checklist!`
/// generates.
pub trait Checklist: 'static {
    /// The spec, parsed once from the Markdown embedded at compile time. Every typed
    /// state of this checklist shares it.
    fn spec() -> &'static Arc<Spec>;

    /// The built-in `complete` gate.
    fn complete_gate() -> Gate<Self>
    where
        Self: Sized,
    {
        Gate::__new(0)
    }
}

/// Used by generated code: parses the Markdown embedded by `checklist!`.
///
/// The macro parsed these exact bytes with this exact parser at compile time, so this
/// cannot fail; if it ever did (a mismatched `checklist-core` version), it stops with a
/// message instead of running a process against a different checklist.
#[doc(hidden)]
pub fn __embedded_spec(source: &str, file: &str, digest: &str) -> Spec {
    let options = crate::ParseOptions::new(file).strict(true);
    match crate::parse(source, &options) {
        Ok(parsed) if parsed.spec.digest() == digest => parsed.spec,
        _ => panic!(
            "checklist!: the checklist `{file}` embedded at compile time reads differently at run \
             time; rebuild with matching versions of checklist-core and checklist-macros"
        ),
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $index:ty) => {
        $(#[$doc])*
        pub struct $name<C> {
            index: $index,
            brand: PhantomData<fn() -> C>,
        }

        impl<C> $name<C> {
            /// Used by generated code. The index must be valid for `C`'s spec.
            #[doc(hidden)]
            pub const fn __new(raw: u32) -> Self {
                $name {
                    index: <$index>::from_raw(raw),
                    brand: PhantomData,
                }
            }

            /// The index in the spec.
            pub const fn index(self) -> $index {
                self.index
            }
        }

        impl<C> Clone for $name<C> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<C> Copy for $name<C> {}
        impl<C> PartialEq for $name<C> {
            fn eq(&self, other: &Self) -> bool {
                self.index == other.index
            }
        }
        impl<C> Eq for $name<C> {}
        impl<C> std::hash::Hash for $name<C> {
            fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
                self.index.hash(h)
            }
        }
        impl<C> fmt::Debug for $name<C> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.index)
            }
        }
    };
}

handle!(
    /// A task of checklist `C`: complete, skip, block, unblock, reopen.
    Task,
    ItemIndex
);
handle!(
    /// A task of checklist `C` that has a check: verify (or record a run), and skip,
    /// block, unblock and reopen as any task (it converts into a [`Task`]); only a
    /// passing run makes it done, so it has no `complete`.
    CheckedTask,
    ItemIndex
);

impl<C> From<CheckedTask<C>> for Task<C> {
    fn from(task: CheckedTask<C>) -> Task<C> {
        Task {
            index: task.index,
            brand: PhantomData,
        }
    }
}

handle!(
    /// A sign-off of checklist `C`: approve, reject, revoke.
    SignOff,
    ItemIndex
);
handle!(
    /// A gate of checklist `C`.
    Gate,
    GateIndex
);

/// A field of checklist `C` of kind `T` ([`Date`], [`Text`], [`Number`], [`Url`],
/// [`Choice`]).
pub struct Field<C, T> {
    index: ItemIndex,
    brand: PhantomData<fn() -> (C, T)>,
}

impl<C, T> Field<C, T> {
    /// Used by generated code. The index must be valid for `C`'s spec.
    #[doc(hidden)]
    pub const fn __new(raw: u32) -> Self {
        Field {
            index: ItemIndex::from_raw(raw),
            brand: PhantomData,
        }
    }

    /// The index in the spec.
    pub const fn index(self) -> ItemIndex {
        self.index
    }
}

impl<C, T> Clone for Field<C, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C, T> Copy for Field<C, T> {}
impl<C, T> PartialEq for Field<C, T> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}
impl<C, T> Eq for Field<C, T> {}
impl<C, T> fmt::Debug for Field<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({})", self.index)
    }
}

/// A date field: filled with a [`chrono::NaiveDate`].
#[derive(Debug, Clone, Copy)]
pub enum Date {}
/// A text field: filled with a `String` or a `&str`.
#[derive(Debug, Clone, Copy)]
pub enum Text {}
/// A number field: filled with an `f64`, `i64`, `i32` or `u32`.
#[derive(Debug, Clone, Copy)]
pub enum Number {}
/// A URL field: filled with a `String` or `&str` that must be an absolute URL.
#[derive(Debug, Clone, Copy)]
pub enum Url {}
/// An enum field: filled with a `&str` or `String` that must be one of its values.
#[derive(Debug, Clone, Copy)]
pub enum Choice {}

/// What can fill a field of kind `K` ([`Date`], [`Text`], [`Number`], [`Url`],
/// [`Choice`]): the argument type of [`TypedState::fill`]. A date field takes only a
/// `NaiveDate`, so passing a string is a compile error rather than a run-time one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill this field: it is a `{K}` field",
    label = "not a value for a `{K}` field",
    note = "a `Date` field takes a `chrono::NaiveDate`; `Text` and `Url` fields a `&str` or `String`; a `Number` field an `f64`; a `Choice` field a `&str`"
)]
pub trait FieldValue<K> {
    /// The library's value for it (checked against the field's type when filled).
    fn into_value(self) -> Value;
}

impl FieldValue<Date> for NaiveDate {
    fn into_value(self) -> Value {
        Value::Date(self)
    }
}

macro_rules! field_values {
    ($kind:ty => $variant:ident: $($t:ty),*) => {
        $(impl FieldValue<$kind> for $t {
            fn into_value(self) -> Value {
                Value::$variant(self.to_string())
            }
        })*
    };
}
field_values!(Text => Text: String, &str);
field_values!(Url => Url: String, &str);
field_values!(Choice => Enum: String, &str);
field_values!(Number => Number: f64, i64, i32, u32);

/// The state of a run of checklist `C`, driven through typed handles.
///
/// It holds a [`State`] of `C`'s spec and no other: it is made only from `C`'s spec
/// (or from a state checked to be of it), and it hands out the state only to read.
/// Changes by index go through [`TypedState::apply`], the same checked transitions.
/// Derefs to [`State`] for everything that is not typed (reports, JSON, rendering).
pub struct TypedState<C: Checklist> {
    state: State,
    brand: PhantomData<fn() -> C>,
}

impl<C: Checklist> fmt::Debug for TypedState<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.state.fmt(f)
    }
}

impl<C: Checklist> Clone for TypedState<C> {
    fn clone(&self) -> Self {
        TypedState {
            state: self.state.clone(),
            brand: PhantomData,
        }
    }
}

impl<C: Checklist> PartialEq for TypedState<C> {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl<C: Checklist> Default for TypedState<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Checklist> std::ops::Deref for TypedState<C> {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl<C: Checklist> TypedState<C> {
    /// A fresh state for `C`.
    pub fn new() -> Self {
        TypedState::wrap(State::new(C::spec().clone()))
    }

    fn wrap(state: State) -> Self {
        TypedState {
            state,
            brand: PhantomData,
        }
    }

    /// Wraps a run-time state; gives it back when it is for another spec (the very spec
    /// `C` holds, not an equal copy).
    pub fn from_state(state: State) -> Result<Self, Box<State>> {
        if Arc::ptr_eq(state.spec(), C::spec()) {
            Ok(TypedState::wrap(state))
        } else {
            Err(Box::new(state))
        }
    }

    /// Loads a state document for `C`.
    pub fn from_json(json: &str) -> Result<(Self, Option<Migration>), StateError> {
        let loaded = State::from_json(C::spec().clone(), json)?;
        Ok((TypedState::wrap(loaded.state), loaded.migration))
    }

    /// Loads the run `store` holds (a fresh one when it holds none), with what loading
    /// found (a migration, the stored revision a [`TypedState::save`] must give).
    pub fn load(store: &(impl Store + ?Sized)) -> Result<(Self, Loaded), StoreError> {
        let mut loaded = store.load(C::spec())?;
        let placeholder = State::placeholder(C::spec().clone(), loaded.state.clock().clone());
        let state = std::mem::replace(&mut loaded.state, placeholder);
        Ok((TypedState::wrap(state), loaded))
    }

    /// Saves to `store` if its stored revision is still `expected` (see [`Store::save`]).
    pub fn save(
        &self,
        store: &(impl Store + ?Sized),
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        store.save(&self.state, expected)
    }

    /// Loads the run `store` holds, applies `change` to it and saves, as one
    /// transaction ([`Store::update`]); nothing is written when `change` fails.
    ///
    /// ```
    /// # use checklist_core::typed::{Checklist, Task, TypedState};
    /// # use checklist_core::{Actor, Spec, store::MemoryStore};
    /// # use std::sync::{Arc, OnceLock};
    /// # struct Release;
    /// # impl Checklist for Release {
    /// #     fn spec() -> &'static Arc<Spec> {
    /// #         static SPEC: OnceLock<Arc<Spec>> = OnceLock::new();
    /// #         SPEC.get_or_init(|| Arc::new(Spec::parse("- [ ] Tests pass\n").unwrap()))
    /// #     }
    /// # }
    /// # let tests_pass: Task<Release> = Task::__new(0);
    /// let store = MemoryStore::new();
    /// TypedState::<Release>::update(&store, |run| run.complete(tests_pass, &Actor::new("ci")))?;
    /// let (run, _) = TypedState::<Release>::load(&store)?;
    /// assert!(run.evaluate(Release::complete_gate()).passed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn update<T, E>(
        store: &(impl Store + ?Sized),
        mut change: impl FnMut(&mut TypedState<C>) -> Result<T, E>,
    ) -> Result<T, UpdateError<E>> {
        crate::store::update(store, C::spec(), |state| {
            // Move the state into a typed wrapper for the change, and back.
            let placeholder = State::placeholder(C::spec().clone(), state.clock().clone());
            let mut typed = TypedState::wrap(std::mem::replace(state, placeholder));
            let result = change(&mut typed);
            *state = typed.state;
            result
        })
    }

    /// Signs and verifies against `allowed` from now on (see
    /// [`State::set_allowed_signers`]): `C`'s spec is built into the program, its
    /// allowed-signers file is the embedder's to read. Call it after
    /// [`TypedState::load`], or first thing in a [`TypedState::update`].
    pub fn set_allowed_signers(&mut self, allowed: crate::trust::AllowedSigners) {
        self.state.set_allowed_signers(allowed);
    }

    /// Uses `clock` from now on.
    #[must_use]
    pub fn with_clock(self, clock: std::sync::Arc<dyn crate::clock::Clock>) -> Self {
        TypedState::wrap(self.state.with_clock(clock))
    }

    /// The run-time state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Unwraps the run-time state.
    pub fn into_state(self) -> State {
        self.state
    }

    /// A change to an item by index, through the same checked transitions as the typed
    /// methods (only the compile-time kind check is lost).
    pub fn apply(
        &mut self,
        index: ItemIndex,
        actor: &Actor,
        request: Request<'_>,
    ) -> Result<Change, TransitionError> {
        self.state.apply(index, actor, request)
    }

    /// A task's state.
    pub fn task(&self, task: impl Into<Task<C>>) -> &ItemState {
        self.state.item(task.into().index)
    }

    /// A field's state.
    pub fn field<T>(&self, field: Field<C, T>) -> &ItemState {
        self.state.item(field.index)
    }

    /// A sign-off's state.
    pub fn signoff(&self, signoff: SignOff<C>) -> &ItemState {
        self.state.item(signoff.index)
    }

    /// Task: pending → done.
    pub fn complete(&mut self, task: Task<C>, actor: &Actor) -> Result<Change, TransitionError> {
        self.state.complete(task.index, actor)
    }

    /// Task: pending → done, with a note and evidence.
    pub fn complete_with(
        &mut self,
        task: Task<C>,
        actor: &Actor,
        note: Option<&str>,
        evidence: Option<&str>,
    ) -> Result<Change, TransitionError> {
        self.state
            .apply(task.index, actor, Request::Complete { note, evidence })
    }

    /// Task: → not applicable (optional tasks).
    pub fn skip(
        &mut self,
        task: impl Into<Task<C>>,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Change, TransitionError> {
        self.state.skip(task.into().index, actor, reason)
    }

    /// Task: → not applicable under a waiver (required tasks).
    pub fn waive(
        &mut self,
        task: impl Into<Task<C>>,
        actor: &Actor,
        reason: &str,
        approver: &str,
        expires: Option<NaiveDate>,
    ) -> Result<Change, TransitionError> {
        self.state
            .waive(task.into().index, actor, reason, approver, expires)
    }

    /// Task: pending → blocked.
    pub fn block(
        &mut self,
        task: impl Into<Task<C>>,
        actor: &Actor,
        reason: &str,
    ) -> Result<Change, TransitionError> {
        self.state.block(task.into().index, actor, reason)
    }

    /// Task: blocked → pending.
    pub fn unblock(
        &mut self,
        task: impl Into<Task<C>>,
        actor: &Actor,
    ) -> Result<Change, TransitionError> {
        self.state.unblock(task.into().index, actor)
    }

    /// Task: done or not applicable → pending.
    pub fn reopen(
        &mut self,
        task: impl Into<Task<C>>,
        actor: &Actor,
        reason: &str,
    ) -> Result<Change, TransitionError> {
        self.state.reopen(task.into().index, actor, reason)
    }

    /// Task with a check: runs it with `runner` and records the evidence; → done when it
    /// passed, else → failed (see [`State::verify`]).
    pub fn verify(
        &mut self,
        task: CheckedTask<C>,
        actor: &Actor,
        runner: &dyn crate::check::CheckRunner,
    ) -> Result<Change, crate::check::VerifyError> {
        self.state.verify(task.index, actor, runner)
    }

    /// Task with a check: records a run made elsewhere (see [`State::record_check`]).
    pub fn record_check(
        &mut self,
        task: CheckedTask<C>,
        actor: &Actor,
        run: &crate::Evidence,
    ) -> Result<Change, TransitionError> {
        self.state.record_check(task.index, actor, run)
    }

    /// The check of a task that has one.
    pub fn check(&self, task: CheckedTask<C>) -> Option<&crate::Check> {
        self.state.spec().check(task.index)
    }

    /// Field: → filled with a value of its type: a `NaiveDate` for a date field (a string
    /// does not compile), a `&str` or `String` for text, an `f64` for a number.
    pub fn fill<T>(
        &mut self,
        field: Field<C, T>,
        actor: &Actor,
        value: impl FieldValue<T>,
    ) -> Result<Change, TransitionError> {
        self.state
            .fill_value(field.index, actor, value.into_value())
    }

    /// Field: filled → empty.
    pub fn clear<T>(
        &mut self,
        field: Field<C, T>,
        actor: &Actor,
    ) -> Result<Change, TransitionError> {
        self.state.clear(field.index, actor)
    }

    /// Sign-off: → approved.
    pub fn approve(
        &mut self,
        signoff: SignOff<C>,
        actor: &Actor,
        comment: Option<&str>,
    ) -> Result<Change, TransitionError> {
        self.state.approve(signoff.index, actor, comment)
    }

    /// Sign-off: → rejected.
    pub fn reject(
        &mut self,
        signoff: SignOff<C>,
        actor: &Actor,
        comment: &str,
    ) -> Result<Change, TransitionError> {
        self.state.reject(signoff.index, actor, comment)
    }

    /// Sign-off: approved or rejected → unsigned.
    pub fn revoke(
        &mut self,
        signoff: SignOff<C>,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Change, TransitionError> {
        self.state.revoke(signoff.index, actor, reason)
    }

    /// Sign-off: → approved, signed by `signer` (see [`State::apply_signed`]).
    pub fn approve_signed(
        &mut self,
        signoff: SignOff<C>,
        actor: &Actor,
        comment: Option<&str>,
        signer: &dyn crate::trust::Signer,
    ) -> Result<Change, TransitionError> {
        self.state
            .apply_signed(signoff.index, actor, Request::Approve { comment }, signer)
    }

    /// Sign-off: → rejected, signed by `signer`.
    pub fn reject_signed(
        &mut self,
        signoff: SignOff<C>,
        actor: &Actor,
        comment: &str,
        signer: &dyn crate::trust::Signer,
    ) -> Result<Change, TransitionError> {
        self.state
            .apply_signed(signoff.index, actor, Request::Reject { comment }, signer)
    }

    /// Sign-off: approved or rejected → unsigned, signed by `signer`.
    pub fn revoke_signed(
        &mut self,
        signoff: SignOff<C>,
        actor: &Actor,
        reason: Option<&str>,
        signer: &dyn crate::trust::Signer,
    ) -> Result<Change, TransitionError> {
        self.state
            .apply_signed(signoff.index, actor, Request::Revoke { reason }, signer)
    }

    /// Task: → not applicable under a waiver, signed by its approver's `signer`.
    pub fn waive_signed(
        &mut self,
        task: Task<C>,
        actor: &Actor,
        reason: &str,
        approver: &str,
        expires: Option<NaiveDate>,
        signer: &dyn crate::trust::Signer,
    ) -> Result<Change, TransitionError> {
        let request = Request::Skip {
            reason: Some(reason),
            waiver: Some(crate::WaiverRequest { approver, expires }),
        };
        self.state.apply_signed(task.index, actor, request, signer)
    }

    /// Evaluates a gate of `C`.
    pub fn evaluate(&self, gate: Gate<C>) -> GateReport<'_> {
        self.state.evaluate(gate.index)
    }
}

impl<C: Checklist> serde::Serialize for TypedState<C> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.state.serialize(s)
    }
}

impl<C: Checklist> schemars::JsonSchema for TypedState<C> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("ChecklistState_{}", C::spec().id().replace('-', "_")).into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::Schema::try_from(crate::document::schema_for_spec(C::spec())).unwrap_or_default()
    }
}
