//! The JSON views of a spec: `Serialize for Spec` (the tree the snapshot tests review),
//! [`ItemView`] (one item, what the spec's JSON is made of) and [`Summary`] (counts).

use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};

use super::{Gate, ItemIndex, ItemKind, Mark, Section, Spec};

impl Spec {
    /// Counts of what the checklist holds: sections, items by kind, optional items and
    /// gates.
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

/// Counts of what a checklist holds, from [`Spec::summary`]: a plain library type; its
/// `Display` is one line (`34 sections, 177 items: 170 tasks, 3 fields, ...`).
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

/// The JSON view of one item, from [`Spec::item_view`]: a plain library type, the unit the
/// spec's JSON tree (`Serialize for Spec`) is made of. It borrows from the spec.
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
