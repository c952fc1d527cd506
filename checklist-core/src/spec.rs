//! The checklist model: an immutable [`Spec`] parsed from Markdown.
//!
//! A spec is a tree of [`Section`]s holding [`Item`]s, plus named [`Gate`]s. Items are
//! stored in document order in one vector, so an item is addressed in O(1) both by its
//! [`ItemIndex`] and (through a hash map) by its id path.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::ops::Range;
use std::str::FromStr;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use sha2::{Digest, Sha256};

use crate::diagnostic::Location;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// Wraps a raw position. Only meaningful for the spec it came from.
            pub const fn from_raw(raw: u32) -> Self {
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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForeignMetadata {
    /// YAML front matter, kept verbatim (without the `---` lines).
    Yaml(String),
}

/// Ids to indices (of items, or of sections), in O(1), without a second copy of every id.
///
/// The map holds a keyed hash of each id (SipHash with per-process random keys, as
/// `HashMap` uses, so input cannot be crafted to collide) and the index; a lookup
/// confirms the candidate against the id the indexed element holds. Two ids that share a
/// 64-bit hash (not expected ever, but possible) are kept apart in a small side map keyed
/// by the id itself. Growing the map rehashes `u64`s, never re-reads the ids.
#[derive(Debug, Clone)]
pub(crate) struct IdIndex<I = ItemIndex> {
    keys: RandomState,
    by_hash: HashMap<u64, I, BuildHasherDefault<Prehashed>>,
    collided: HashMap<String, I>,
}

impl<I> Default for IdIndex<I> {
    fn default() -> Self {
        IdIndex {
            keys: RandomState::new(),
            by_hash: HashMap::default(),
            collided: HashMap::new(),
        }
    }
}

/// What an [`IdIndex`] indexes: elements with an id, addressed by a position.
pub(crate) trait Identified {
    /// The index type.
    type Index: Copy;
    /// The position of an index.
    fn position(index: Self::Index) -> usize;
    /// The element's id.
    fn id(&self) -> &str;
}

impl Identified for Item {
    type Index = ItemIndex;
    fn position(index: ItemIndex) -> usize {
        index.get()
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Section {
    type Index = SectionIndex;
    fn position(index: SectionIndex) -> usize {
        index.get()
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl<I: Copy> IdIndex<I> {
    /// The hash `get_hashed` and `insert_hashed` take (so that a caller doing both pays
    /// for it once).
    pub(crate) fn hash(&self, id: &str) -> u64 {
        self.keys.hash_one(id)
    }

    /// The index of the element with this id; `elements` are those indexed so far.
    pub(crate) fn get<T: Identified<Index = I>>(&self, id: &str, elements: &[T]) -> Option<I> {
        self.get_hashed(id, self.hash(id), elements)
    }

    /// [`IdIndex::get`] with the id's [`IdIndex::hash`].
    pub(crate) fn get_hashed<T: Identified<Index = I>>(
        &self,
        id: &str,
        hash: u64,
        elements: &[T],
    ) -> Option<I> {
        if let Some(&i) = self.by_hash.get(&hash)
            && elements.get(T::position(i)).is_some_and(|e| e.id() == id)
        {
            return Some(i);
        }
        if self.collided.is_empty() {
            None
        } else {
            self.collided.get(id).copied()
        }
    }

    /// Indexes a new id (not already present), with its [`IdIndex::hash`], for the
    /// element at `index`.
    pub(crate) fn insert_hashed(&mut self, id: &str, hash: u64, index: I) {
        match self.by_hash.entry(hash) {
            Entry::Vacant(v) => {
                v.insert(index);
            }
            Entry::Occupied(_) => {
                self.collided.insert(id.to_string(), index);
            }
        }
    }

    /// Room for `n` more ids.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }
}

/// The hasher of a map whose keys are already hashes: passes them through.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are `u64`); this keeps the hasher total.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
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
    pub(crate) ordered_lists: Vec<Vec<ItemIndex>>,
    pub(crate) foreign_metadata: Option<ForeignMetadata>,
    /// Computed on first use: parsing for `lint`, `ids` or `render` never needs it, and
    /// hashing every item's id and text is a large part of a parse's cost.
    pub(crate) digest: std::sync::OnceLock<String>,
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

    pub(crate) fn compute_digest(&self) -> String {
        // Every field goes into one buffer that is hashed in large pieces, and numbers are
        // written into it directly: fed to SHA-256 field by field, with a `String` per
        // number, the bookkeeping cost several times the hashing itself on a large
        // checklist. The bytes hashed are the same.
        let mut d = DigestInput::new();
        d.field(b"checklist-spec/1");
        d.field(self.id.as_bytes());
        d.field(self.version.as_deref().unwrap_or("").as_bytes());
        for item in &self.items {
            d.field(item.id.as_bytes());
            d.field(item.text.as_bytes());
            d.field(item.kind.name().as_bytes());
            match &item.kind {
                ItemKind::Task => d.field(b""),
                ItemKind::Field(t) => d.display(t),
                ItemKind::SignOff { role } => d.field(role.as_bytes()),
            }
            d.field(if item.optional {
                b"optional"
            } else {
                b"required"
            });
            match item.parent {
                Some(p) => d.number(p.0.into()),
                None => d.field(b""),
            }
            match item.step {
                Some(s) => d.step(s),
                None => d.field(b""),
            }
        }
        for gate in &self.gates {
            d.field(gate.name.as_bytes());
            for i in &gate.items {
                d.number(i.0.into());
            }
        }
        d.field(self.signoff_gate().name.as_bytes());
        let h = d.finish();
        let digest = h.finalize();
        let mut out = String::with_capacity(7 + 64);
        out.push_str("sha256:");
        for b in digest {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    /// Counts of what the checklist holds (as `checklist lint` prints them).
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            sections: self.sections.len(),
            items: self.items.len(),
            ..Summary::default()
        };
        for item in &self.items {
            match item.kind {
                ItemKind::Task => s.tasks += 1,
                ItemKind::Field(_) => s.fields += 1,
                ItemKind::SignOff { .. } => s.signoffs += 1,
            }
            if item.optional {
                s.optional += 1;
            }
        }
        s.gates = self.gates.len();
        s
    }
}

/// The bytes of [`Spec::digest`], buffered: each field is its length as a little-endian
/// u64, then its bytes; numbers are written in decimal.
struct DigestInput {
    sha: Sha256,
    buf: Vec<u8>,
    scratch: String,
}

impl DigestInput {
    const FLUSH: usize = 1 << 16;

    fn new() -> Self {
        DigestInput {
            sha: Sha256::new(),
            buf: Vec::with_capacity(Self::FLUSH + 256),
            scratch: String::new(),
        }
    }

    fn field(&mut self, bytes: &[u8]) {
        self.buf
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= Self::FLUSH {
            self.sha.update(&self.buf);
            self.buf.clear();
        }
    }

    /// `n` in decimal, as `n.to_string()` writes it.
    fn number(&mut self, n: u64) {
        let mut digits = [0u8; 20];
        let len = decimal(n, &mut digits);
        self.field(&digits[20 - len..]);
    }

    /// `list.position`.
    fn step(&mut self, s: Step) {
        let mut text = [0u8; 21];
        let mut digits = [0u8; 20];
        let a = decimal(s.list.into(), &mut digits);
        text[..a].copy_from_slice(&digits[20 - a..]);
        text[a] = b'.';
        let b = decimal(s.position.into(), &mut digits);
        text[a + 1..a + 1 + b].copy_from_slice(&digits[20 - b..]);
        self.field(&text[..a + 1 + b]);
    }

    fn display(&mut self, value: &impl fmt::Display) {
        use fmt::Write as _;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let _ = write!(scratch, "{value}");
        self.field(scratch.as_bytes());
        self.scratch = scratch;
    }

    fn finish(mut self) -> Sha256 {
        self.sha.update(&self.buf);
        self.sha
    }
}

/// Writes `n` in decimal at the end of `out`; returns how many digits it took.
fn decimal(mut n: u64, out: &mut [u8; 20]) -> usize {
    let mut i = out.len();
    loop {
        i -= 1;
        out[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return out.len() - i;
        }
    }
}

/// Counts of what a checklist holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Sections, the root included.
    pub sections: usize,
    /// All items.
    pub items: usize,
    /// Items that are tasks.
    pub tasks: usize,
    /// Items that are fields.
    pub fields: usize,
    /// Items that are sign-offs.
    pub signoffs: usize,
    /// Optional items.
    pub optional: usize,
    /// Gates, `complete` included.
    pub gates: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} sections, {} items: {} tasks, {} fields, {} sign-offs, {} optional",
            self.sections, self.items, self.tasks, self.fields, self.signoffs, self.optional
        )
    }
}

/// The JSON view of one item, as `checklist ids --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView<'a> {
    /// Id path.
    pub id: &'a str,
    /// `task`, `field` or `signoff`.
    pub kind: &'static str,
    /// Plain text.
    pub text: &'a str,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Optional item.
    pub optional: bool,
    /// The box as written.
    pub mark: Mark,
    /// Field type (fields only).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub field_type: Option<String>,
    /// Role (sign-offs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'a str>,
    /// The enclosing task's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<&'a str>,
    /// Position in an ordered list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
}

impl Spec {
    /// The JSON view of one item.
    pub fn item_view(&self, index: ItemIndex) -> ItemView<'_> {
        let item = self.item(index);
        ItemView {
            id: &item.id,
            kind: item.kind.name(),
            text: &item.text,
            line: item.location.line,
            column: item.location.column,
            optional: item.optional,
            mark: item.mark,
            field_type: item.field_type().map(ToString::to_string),
            role: item.role(),
            parent: item.parent.map(|p| self.item(p).id()),
            step: item.step.map(|s| s.position),
        }
    }
}

struct SectionView<'a>(&'a Spec, &'a Section);

impl Serialize for SectionView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let SectionView(spec, section) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &section.id)?;
        m.serialize_entry("title", &section.title)?;
        m.serialize_entry("level", &section.level)?;
        m.serialize_entry("line", &section.location.line)?;
        if !section.notes.is_empty() {
            m.serialize_entry("notes", &section.notes)?;
        }
        let items: Vec<_> = section.items.iter().map(|&i| spec.item_view(i)).collect();
        m.serialize_entry("items", &items)?;
        let children: Vec<_> = section
            .children
            .iter()
            .map(|&c| SectionView(spec, spec.section(c)))
            .collect();
        m.serialize_entry("sections", &children)?;
        m.end()
    }
}

struct GateView<'a>(&'a Spec, &'a Gate);

impl Serialize for GateView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let GateView(spec, gate) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", &gate.name)?;
        if let Some(d) = &gate.description {
            m.serialize_entry("description", d)?;
        }
        m.serialize_entry("include", &gate.include)?;
        m.serialize_entry("exclude", &gate.exclude)?;
        struct Ids<'a>(&'a Spec, &'a [ItemIndex]);
        impl Serialize for Ids<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.1.len()))?;
                for &i in self.1 {
                    seq.serialize_element(self.0.item(i).id())?;
                }
                seq.end()
            }
        }
        m.serialize_entry("items", &Ids(spec, &gate.items))?;
        m.end()
    }
}

/// The spec as a JSON tree: metadata, gates, and sections nesting with their items.
/// This is what the snapshot tests review.
impl Serialize for Spec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("title", &self.title)?;
        m.serialize_entry("version", &self.version)?;
        m.serialize_entry("digest", self.digest())?;
        if !self.description.is_empty() {
            m.serialize_entry("description", &self.description)?;
        }
        if let Some(meta) = &self.foreign_metadata {
            m.serialize_entry("foreign_metadata", meta)?;
        }
        if !self.roles.is_empty() {
            m.serialize_entry("roles", &self.roles)?;
        }
        m.serialize_entry("signoff_gate", &self.signoff_gate().name)?;
        let gates: Vec<_> = self.gates.iter().map(|g| GateView(self, g)).collect();
        m.serialize_entry("gates", &gates)?;
        m.serialize_entry("root", &SectionView(self, self.root()))?;
        m.end()
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
