//! The checklist model: an immutable [`Spec`] parsed from Markdown.
//!
//! A spec is a tree of [`Section`]s holding [`Item`]s, plus named [`Gate`]s. Items are
//! stored in document order in one vector, so an item is addressed in O(1) both by its
//! [`ItemIndex`] and (through a hash map) by its id path.
//!
//! The model is this file; the rest of the module is what is derived from it, one job
//! per file: `ids.rs` (the id index behind [`Spec::index_of`]), `digest.rs` (the bytes of
//! [`Spec::digest`]) and `json.rs` (the JSON views: [`ItemView`], [`Summary`] and
//! `Serialize for Spec`).

pub mod check;
mod digest;
mod ids;
mod json;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::Serialize;

use crate::location::Location;

pub use check::Check;
pub(crate) use ids::IdIndex;
pub use json::{ItemView, Summary};

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// Wraps a raw position. Crate-private: an index comes from the spec it
            /// addresses (or from the typed handles the macro generates for it).
            pub(crate) const fn from_raw(raw: u32) -> Self {
                $name(raw)
            }

            /// The position as a `usize`, for indexing.
            pub const fn get(self) -> usize {
                self.0 as usize
            }

            pub(crate) fn from_usize(i: usize) -> Self {
                // The parser refuses inputs with more than `Limits::max_items` items, far
                // below u32::MAX, so this never truncates.
                $name(u32::try_from(i).unwrap_or(u32::MAX))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

index_type!(
    /// The position of an item in [`Spec::items`] (document order).
    ItemIndex
);
index_type!(
    /// The position of a section in [`Spec::sections`]; `0` is the root.
    SectionIndex
);
index_type!(
    /// The position of a gate in [`Spec::gates`]; `0` is the built-in `complete`.
    GateIndex
);

/// The type of a field's value.
///
/// Grows with the language (more value types), so matches outside this crate need a
/// wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// Free text.
    Text,
    /// A calendar date, ISO 8601 (`2026-11-26`).
    Date,
    /// A decimal number.
    Number,
    /// An absolute URL (`https://...`).
    Url,
    /// One of a fixed set of values.
    Enum(Vec<String>),
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldType::Text => f.write_str("text"),
            FieldType::Date => f.write_str("date"),
            FieldType::Number => f.write_str("number"),
            FieldType::Url => f.write_str("url"),
            FieldType::Enum(values) => write!(f, "enum({})", values.join("|")),
        }
    }
}

/// The error for a field type that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown field type `{0}`: expected `text`, `date`, `number`, `url` or `enum(a|b|c)`")]
pub struct InvalidFieldType(pub String);

impl FromStr for FieldType {
    type Err = InvalidFieldType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t {
            "text" => return Ok(FieldType::Text),
            "date" => return Ok(FieldType::Date),
            "number" => return Ok(FieldType::Number),
            "url" => return Ok(FieldType::Url),
            _ => {}
        }
        let inner = t
            .strip_prefix("enum(")
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| InvalidFieldType(s.to_string()))?;
        let values: Vec<String> = inner.split('|').map(|v| v.trim().to_string()).collect();
        if values.iter().any(String::is_empty) {
            return Err(InvalidFieldType(s.to_string()));
        }
        Ok(FieldType::Enum(values))
    }
}

/// What an item is, which decides its states and transitions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// Something to do: pending, done, not applicable or blocked.
    Task,
    /// A value to fill in, checked against its type.
    Field(FieldType),
    /// An approval that only an actor holding `role` can give.
    SignOff {
        /// The role, as a slug (`technical-lead`).
        role: String,
    },
}

impl ItemKind {
    /// `task`, `field` or `signoff`, as in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::Task => "task",
            ItemKind::Field(_) => "field",
            ItemKind::SignOff { .. } => "signoff",
        }
    }
}

/// The checkbox as written in the Markdown.
///
/// Grows if more box spellings are read (some editors write `[-]` or `[/]`), so
/// matches outside this crate need a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mark {
    /// `[ ]`
    Open,
    /// `[x]` or `[X]`
    Checked,
    /// `[~]`
    NotApplicable,
}

/// One checklist item.
#[derive(Debug, Clone)]
pub struct Item {
    pub(crate) index: ItemIndex,
    pub(crate) id: std::sync::Arc<str>,
    pub(crate) text: String,
    /// The label is `text[..label_end]` (always a prefix of the text).
    pub(crate) label_end: usize,
    pub(crate) kind: ItemKind,
    pub(crate) optional: bool,
    /// The id got a `-2`, `-3`... suffix (see [`Item::is_suffixed`]).
    pub(crate) suffixed: bool,
    pub(crate) mark: Mark,
    pub(crate) section: SectionIndex,
    pub(crate) parent: Option<ItemIndex>,
    pub(crate) children: Vec<ItemIndex>,
    pub(crate) step: Option<Step>,
    pub(crate) location: Location,
    pub(crate) box_span: Range<usize>,
    pub(crate) line_end: usize,
    /// Borrowed from a static run of spaces in the common case (an indent of spaces
    /// only), so that most items do not allocate for it.
    pub(crate) indent: std::borrow::Cow<'static, str>,
}

/// An item's place in an ordered task list (`1. [ ]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    /// Which ordered list, an index into [`Spec::ordered_lists`].
    pub list: u32,
    /// 1-based position among the tasks of that list.
    pub position: u32,
}

impl Item {
    /// Its position in [`Spec::items`].
    pub fn index(&self) -> ItemIndex {
        self.index
    }
    /// The stable id path, e.g. `pre-deployment/code-quality/linting-passes-with-no-errors`.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The id as the spec keeps it: events and item states share it instead of copying.
    #[allow(
        dead_code,
        reason = "for the state side, whose events will share the id"
    )]
    pub(crate) fn shared_id(&self) -> &std::sync::Arc<str> {
        &self.id
    }
    /// The item's text as plain text (Markdown markup removed, attribute block removed).
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The text the id was made from: the text without optional marker, blank or box.
    /// For fields and sign-offs this is the label (`Technical Lead Approval`).
    pub fn label(&self) -> &str {
        &self.text[..self.label_end]
    }
    /// Task, field or sign-off.
    pub fn kind(&self) -> &ItemKind {
        &self.kind
    }
    /// Whether it may be marked not applicable without a waiver.
    pub fn is_optional(&self) -> bool {
        self.optional
    }
    /// Whether its id got an automatic `-2`, `-3`... suffix: its text repeats an earlier
    /// item's under the same parent (a warning, `W0005`; an error in strict mode). Such an
    /// id depends on the order of the repeats, unlike every other id: moving the items
    /// around gives the suffix to another one. A pin (`{#id}`) makes it stable.
    ///
    /// ```
    /// let spec = checklist_core::Spec::parse("- [ ] Tests pass\n- [ ] Tests pass\n")?;
    /// let [first, again] = spec.items() else { unreachable!() };
    /// assert_eq!((first.id(), first.is_suffixed()), ("tests-pass", false));
    /// assert_eq!((again.id(), again.is_suffixed()), ("tests-pass-2", true));
    /// # Ok::<(), checklist_core::Diagnostics>(())
    /// ```
    pub fn is_suffixed(&self) -> bool {
        self.suffixed
    }
    /// The checkbox as written.
    pub fn mark(&self) -> Mark {
        self.mark
    }
    /// The section it is in.
    pub fn section(&self) -> SectionIndex {
        self.section
    }
    /// The enclosing task, if it is nested under one.
    pub fn parent(&self) -> Option<ItemIndex> {
        self.parent
    }
    /// Tasks nested directly under this one.
    pub fn children(&self) -> &[ItemIndex] {
        &self.children
    }
    /// Its position in an ordered task list.
    pub fn step(&self) -> Option<Step> {
        self.step
    }
    /// Where the item starts in the source (its list marker).
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// 1-based line of the item.
    pub fn line(&self) -> u32 {
        self.location.line
    }
    /// The byte span of its checkbox (`[ ]`) in the source.
    pub fn box_span(&self) -> Range<usize> {
        self.box_span.clone()
    }
    /// The field type, for fields.
    pub fn field_type(&self) -> Option<&FieldType> {
        match &self.kind {
            ItemKind::Field(t) => Some(t),
            _ => None,
        }
    }
    /// The role, for sign-offs.
    pub fn role(&self) -> Option<&str> {
        match &self.kind {
            ItemKind::SignOff { role } => Some(role),
            _ => None,
        }
    }
    /// Whether this is a sign-off.
    pub fn is_signoff(&self) -> bool {
        matches!(self.kind, ItemKind::SignOff { .. })
    }
    /// Byte offset of the end of the item's first line: where the renderer attaches notes.
    pub(crate) fn line_end(&self) -> usize {
        self.line_end
    }
    /// The prefix that puts a line at this item's content column (spaces, and `>` for
    /// items inside block quotes).
    pub(crate) fn indent(&self) -> &str {
        &self.indent
    }
}

/// What kind of note a section carries.
///
/// Grows with the blocks Markdown gains, so matches outside this crate need a wildcard
/// arm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum NoteKind {
    /// A paragraph of prose.
    Paragraph,
    /// A fenced or indented code block, with its info string.
    Code {
        /// The info string after the opening fence (`rust`, empty when none).
        info: String,
    },
    /// A list with no tasks in it.
    List,
    /// A block quote.
    Quote,
    /// A table.
    Table,
    /// An HTML block (comments are not kept).
    Html,
}

/// A block of a section that is not an item: prose, code, plain lists, quotes, tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// What kind of block.
    #[serde(flatten)]
    pub kind: NoteKind,
    /// The block's Markdown source, as written.
    pub markdown: String,
    /// Where it starts.
    #[serde(flatten)]
    pub location: Location,
}

/// A heading and everything under it up to the next heading of the same or higher level.
#[derive(Debug, Clone)]
pub struct Section {
    pub(crate) index: SectionIndex,
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) level: u8,
    pub(crate) parent: Option<SectionIndex>,
    pub(crate) children: Vec<SectionIndex>,
    pub(crate) items: Vec<ItemIndex>,
    pub(crate) notes: Vec<Note>,
    pub(crate) location: Location,
}

impl Section {
    /// Its position in [`Spec::sections`].
    pub fn index(&self) -> SectionIndex {
        self.index
    }
    /// The slug path (`pre-deployment/code-quality`); empty for the root.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The heading text (for the root: the checklist title).
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Heading level 1–6; 0 for the root.
    pub fn level(&self) -> u8 {
        self.level
    }
    /// The enclosing section; `None` for the root.
    pub fn parent(&self) -> Option<SectionIndex> {
        self.parent
    }
    /// Direct subsections, in document order.
    pub fn children(&self) -> &[SectionIndex] {
        &self.children
    }
    /// Items directly in this section (not in subsections), in document order.
    pub fn items(&self) -> &[ItemIndex] {
        &self.items
    }
    /// Prose, code blocks, plain lists, quotes and tables of this section.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }
    /// Where the heading is (the root: start of the file).
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// Whether this is the root section (the whole checklist).
    pub fn is_root(&self) -> bool {
        self.parent.is_none()
    }
}

/// A named set of items that must all be resolved for the gate to pass.
#[derive(Debug, Clone)]
pub struct Gate {
    pub(crate) index: GateIndex,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) include: Vec<String>,
    pub(crate) exclude: Vec<String>,
    pub(crate) items: Vec<ItemIndex>,
}

impl Gate {
    /// The name of the built-in gate that covers every item.
    pub const COMPLETE: &'static str = "complete";

    /// Its position in [`Spec::gates`].
    pub fn index(&self) -> GateIndex {
        self.index
    }
    /// The gate's name (`complete`, `deploy`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The description from front matter.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Include patterns as written (`pre-deployment/**`); `["**"]` for `complete`.
    pub fn include(&self) -> &[String] {
        &self.include
    }
    /// Exclude patterns as written.
    pub fn exclude(&self) -> &[String] {
        &self.exclude
    }
    /// The items it requires, in document order.
    pub fn items(&self) -> &[ItemIndex] {
        &self.items
    }
    /// Whether this is the built-in `complete` gate.
    pub fn is_builtin(&self) -> bool {
        self.index.0 == 0
    }
}

/// Metadata at the top of the file that is not the checklist's own (`---` YAML).
///
/// Grows with the front matter formats other tools use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ForeignMetadata {
    /// YAML front matter, kept verbatim (without the `---` lines).
    Yaml(String),
}

/// A parsed checklist: immutable, cheap to query.
///
/// ```
/// use checklist_core::{Spec, ItemKind};
///
/// let spec = Spec::parse("# Release\n\n## Checks\n\n- [ ] Tests pass\n- [ ] Release Date: ____\n")?;
/// assert_eq!(spec.id(), "release");
/// let item = spec.item_by_id("checks/tests-pass").unwrap();
/// assert_eq!(item.kind(), &ItemKind::Task);
/// assert_eq!(spec.items().len(), 2);
/// # Ok::<(), checklist_core::Diagnostics>(())
/// ```
#[derive(Debug, Clone)]
pub struct Spec {
    pub(crate) id: String,
    pub(crate) title: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) description: String,
    pub(crate) file_name: String,
    pub(crate) source: String,
    pub(crate) sections: Vec<Section>,
    pub(crate) items: Vec<Item>,
    pub(crate) item_ids: IdIndex,
    pub(crate) gates: Vec<Gate>,
    pub(crate) signoff_gate: GateIndex,
    pub(crate) signoff_coverage: Vec<ItemIndex>,
    pub(crate) covered: Vec<bool>,
    pub(crate) signoffs: Vec<ItemIndex>,
    pub(crate) roles: Vec<String>,
    /// `[roles]` as a table: who holds each bound role.
    pub(crate) bindings: Vec<crate::trust::RoleBinding>,
    /// `[signatures]`.
    pub(crate) signatures: crate::trust::SignaturePolicy,
    /// The allowed-signers file, when the embedder read it (see
    /// [`Spec::with_allowed_signers`]).
    pub(crate) allowed_signers: Option<std::sync::Arc<checklist_sshsig::AllowedSigners>>,
    pub(crate) ordered_lists: Vec<Vec<ItemIndex>>,
    pub(crate) foreign_metadata: Option<ForeignMetadata>,
    /// The front matter's checks, by item index (not part of the digest).
    pub(crate) checks: Vec<check::Check>,
    /// Computed on first use: parsing for `lint`, `ids` or `render` never needs it, and
    /// hashing every item's id and text is a large part of a parse's cost.
    pub(crate) digest: std::sync::OnceLock<String>,
    /// What an approval covers ([`crate::trust::coverage_digest`]), computed on the first
    /// approval: it hashes every covered item's id, kind and text.
    pub(crate) coverage: std::sync::OnceLock<crate::state::EventHash>,
}

impl Spec {
    /// The checklist id: front matter `id`, else the title's slug, else the file name's.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The title: front matter `title`, else the leading `# H1`.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    /// The version from front matter.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// Prose before the first section (or front matter `description`).
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The file name given in [`ParseOptions`](crate::ParseOptions), used in messages.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }
    /// The Markdown this spec was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// All sections in document order; index 0 is the root.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }
    /// The root section.
    pub fn root(&self) -> &Section {
        &self.sections[0]
    }
    /// One section by index.
    ///
    /// # Panics
    /// If the index is not from this spec.
    pub fn section(&self, index: SectionIndex) -> &Section {
        &self.sections[index.get()]
    }
    /// All items in document order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    /// One item by index.
    ///
    /// # Panics
    /// If the index is not from this spec.
    pub fn item(&self, index: ItemIndex) -> &Item {
        &self.items[index.get()]
    }
    /// The index of the item with this id, in O(1).
    pub fn index_of(&self, id: &str) -> Option<ItemIndex> {
        self.item_ids.get(id, &self.items)
    }
    /// The item with this id, in O(1).
    pub fn item_by_id(&self, id: &str) -> Option<&Item> {
        self.index_of(id).map(|i| self.item(i))
    }
    /// All gates; index 0 is the built-in `complete`, the others in name order.
    pub fn gates(&self) -> &[Gate] {
        &self.gates
    }
    /// One gate by index.
    ///
    /// # Panics
    /// If the index is not from this spec.
    pub fn gate(&self, index: GateIndex) -> &Gate {
        &self.gates[index.get()]
    }
    /// The gate with this name.
    pub fn gate_by_name(&self, name: &str) -> Option<&Gate> {
        self.gates.iter().find(|g| g.name == name)
    }
    /// The gate sign-offs cover (front matter `signoff_gate`, default `complete`).
    pub fn signoff_gate(&self) -> &Gate {
        self.gate(self.signoff_gate)
    }
    /// The items a sign-off covers: the sign-off gate's items minus the sign-offs.
    pub fn signoff_coverage(&self) -> &[ItemIndex] {
        &self.signoff_coverage
    }
    /// Whether a change to this item voids approved sign-offs (it is in
    /// [`Spec::signoff_coverage`]). O(1).
    pub fn is_covered(&self, index: ItemIndex) -> bool {
        self.covered.get(index.get()).copied().unwrap_or(false)
    }
    /// The sign-off items, in document order.
    pub fn signoffs(&self) -> &[ItemIndex] {
        &self.signoffs
    }
    /// Roles declared in front matter (empty when the checklist declares none).
    pub fn roles(&self) -> &[String] {
        &self.roles
    }
    /// Each ordered task list, its items in step order.
    pub fn ordered_lists(&self) -> &[Vec<ItemIndex>] {
        &self.ordered_lists
    }
    /// The steps that must be resolved before this one can be done (empty for
    /// items outside ordered lists).
    pub fn steps_before(&self, index: ItemIndex) -> &[ItemIndex] {
        match self.item(index).step {
            Some(step) => {
                let list = &self.ordered_lists[step.list as usize];
                &list[..step.position as usize - 1]
            }
            None => &[],
        }
    }
    /// YAML front matter kept as foreign metadata.
    pub fn foreign_metadata(&self) -> Option<&ForeignMetadata> {
        self.foreign_metadata.as_ref()
    }
    /// `sha256:<hex>` over everything that gives state meaning: ids, kinds, types,
    /// roles, optional flags, nesting, steps and gates. Text-only edits that keep ids
    /// change it too, since the words are what people sign.
    pub fn digest(&self) -> &str {
        self.digest.get_or_init(|| self.compute_digest())
    }
    /// Items of a section and all its subsections, in document order.
    pub fn items_under(&self, section: SectionIndex) -> Vec<ItemIndex> {
        let mut out = Vec::new();
        let mut stack = vec![section];
        let mut sections = Vec::new();
        while let Some(s) = stack.pop() {
            sections.push(s);
            stack.extend(self.section(s).children.iter().rev());
        }
        for s in sections {
            out.extend_from_slice(&self.section(s).items);
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_round_trip_through_text() {
        for t in ["text", "date", "number", "url", "enum(low|medium|high)"] {
            let parsed: FieldType = t.parse().unwrap();
            assert_eq!(parsed.to_string(), t);
        }
        assert_eq!(
            " enum( a | b ) ".parse::<FieldType>().unwrap(),
            FieldType::Enum(vec!["a".into(), "b".into()])
        );
        assert!("enum()".parse::<FieldType>().is_err());
        assert!("enum(a||b)".parse::<FieldType>().is_err());
        assert!("integer".parse::<FieldType>().is_err());
    }
}
