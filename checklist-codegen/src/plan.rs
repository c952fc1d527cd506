//! Step 3, validate: decide every generated name and check that none clash.
//!
//! Each section becomes a struct named from its whole id path in UpperCamelCase
//! (`pre-deployment/code-quality` → `PreDeploymentCodeQuality`); each subsection and
//! item becomes a snake_case field of its section's struct. Items nested under other
//! list items are named by their path below the section, joined with `__`
//! (`grouping-bullet/task` → `grouping_bullet__task`). Two different ids can still meet
//! in one Rust name (`x-1` and `x1` both make the type `X1`); that is reported with both
//! lines and the `{#id}` fix.

use std::collections::HashMap;

use checklist_core::{FieldType, ItemKind, SectionIndex, Spec};

/// A generated struct: one per section.
pub(crate) struct SectionPlan {
    pub(crate) type_name: String,
    pub(crate) doc: String,
    pub(crate) fields: Vec<FieldPlan>,
}

/// One field of a generated struct.
pub(crate) struct FieldPlan {
    pub(crate) name: String,
    pub(crate) doc: String,
    pub(crate) kind: FieldKind,
}

/// What a field holds.
pub(crate) enum FieldKind {
    /// The struct of a subsection (index into `Plan::sections`).
    Section(usize),
    /// A task handle.
    Task(u32),
    /// A field handle with its value kind (`Date`, `Text`, ...).
    Field(u32, &'static str),
    /// A sign-off handle.
    SignOff(u32),
}

/// Everything the expansion needs, all names decided.
pub(crate) struct Plan {
    /// Section structs; index 0 is the root (`Items`).
    pub(crate) sections: Vec<SectionPlan>,
    /// Gate fields: name, gate index, doc.
    pub(crate) gates: Vec<(String, u32, String)>,
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "union",
];

/// Characters outside ASCII are spelled as their code point, so every name is a plain
/// ASCII identifier (no `non_ascii_idents` or confusable-script lints in user crates).
fn ascii_word(word: &str, upper: bool) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if upper {
            out.push_str(&format!("U{:X}", c as u32));
        } else {
            out.push_str(&format!("u{:x}", c as u32));
        }
    }
    out
}

/// `linting-passes-with-no-errors` → `linting_passes_with_no_errors`; keywords get a
/// trailing `_`, a leading digit a leading `_`.
pub(crate) fn field_name(slug_path: &str) -> String {
    let joined = slug_path
        .split('/')
        .map(|seg| {
            seg.split('-')
                .map(|w| ascii_word(w, false))
                .collect::<Vec<_>>()
                .join("_")
        })
        .collect::<Vec<_>>()
        .join("__");
    if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{joined}")
    } else if KEYWORDS.contains(&joined.as_str()) {
        format!("{joined}_")
    } else if joined.is_empty() {
        "item".to_string()
    } else {
        joined
    }
}

/// `pre-deployment/code-quality` → `PreDeploymentCodeQuality`; a leading digit gets a
/// `Section` prefix.
pub(crate) fn type_name(slug_path: &str) -> String {
    let mut out = String::new();
    for word in slug_path.split(['/', '-']) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push_str(&ascii_word(&first.to_uppercase().collect::<String>(), true));
            out.push_str(&ascii_word(chars.as_str(), true));
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() || out == "Self" {
        format!("Section{out}")
    } else {
        out
    }
}

/// The typed value of a field type; `None` for a type the typed API does not know yet.
fn value_kind(t: &FieldType) -> Option<&'static str> {
    Some(match t {
        FieldType::Text => "Text",
        FieldType::Date => "Date",
        FieldType::Number => "Number",
        FieldType::Url => "Url",
        FieldType::Enum(_) => "Choice",
        _ => return None,
    })
}

fn doc_escape(s: &str) -> String {
    s.replace('`', "'")
}

struct Claim {
    what: String,
    line: u32,
}

/// Decides all names; returns every clash as an error message.
pub(crate) fn plan(spec: &Spec, file: &str) -> Result<Plan, Vec<String>> {
    let mut errors = Vec::new();
    let mut sections: Vec<SectionPlan> = Vec::with_capacity(spec.sections().len());
    let mut plan_of: HashMap<SectionIndex, usize> = HashMap::new();
    let mut type_names: HashMap<String, Claim> = HashMap::new();
    // Sections in document order: a parent always comes before its children.
    for section in spec.sections() {
        let name = if section.is_root() {
            "Items".to_string()
        } else {
            type_name(section.id())
        };
        let what = if section.is_root() {
            "the checklist root".to_string()
        } else {
            format!("section `{}`", section.id())
        };
        if let Some(prev) = type_names.get(&name) {
            errors.push(clash(
                &name,
                "type",
                prev,
                &what,
                section.location().line,
                file,
            ));
        } else {
            type_names.insert(
                name.clone(),
                Claim {
                    what,
                    line: section.location().line,
                },
            );
        }
        let doc = if section.is_root() {
            format!(
                "Items of `{}` ({}): its sections and the items before the first heading.",
                spec.id(),
                file
            )
        } else {
            format!(
                "Section \"{}\" (`{}`), {}:{}.",
                doc_escape(section.title()),
                section.id(),
                file,
                section.location().line
            )
        };
        plan_of.insert(section.index(), sections.len());
        sections.push(SectionPlan {
            type_name: name,
            doc,
            fields: Vec::new(),
        });
    }
    let mut claims: Vec<HashMap<String, Claim>> =
        (0..sections.len()).map(|_| HashMap::new()).collect();
    let mut add =
        |errors: &mut Vec<String>, owner: usize, field: FieldPlan, what: String, line: u32| {
            if let Some(prev) = claims[owner].get(&field.name) {
                errors.push(clash(&field.name, "field", prev, &what, line, file));
                return;
            }
            claims[owner].insert(field.name.clone(), Claim { what, line });
            sections[owner].fields.push(field);
        };
    for section in spec.sections().iter().skip(1) {
        let parent = section.parent().map_or(0, |p| plan_of[&p]);
        let own = section.id().rsplit('/').next().unwrap_or(section.id());
        let me = plan_of[&section.index()];
        add(
            &mut errors,
            parent,
            FieldPlan {
                name: field_name(own),
                doc: format!(
                    "Section \"{}\" (`{}`).",
                    doc_escape(section.title()),
                    section.id()
                ),
                kind: FieldKind::Section(me),
            },
            format!("section `{}`", section.id()),
            section.location().line,
        );
    }
    for item in spec.items() {
        let section = spec.section(item.section());
        let owner = plan_of[&item.section()];
        let relative = if section.id().is_empty() {
            item.id()
        } else {
            item.id()
                .strip_prefix(section.id())
                .and_then(|r| r.strip_prefix('/'))
                .unwrap_or(item.id())
        };
        let raw = item.index().get() as u32;
        let (kind, kind_doc) = match item.kind() {
            ItemKind::Task => (FieldKind::Task(raw), "Task".to_string()),
            ItemKind::Field(t) => {
                let Some(value) = value_kind(t) else {
                    errors.push(format!(
                        "{file}:{}: the field type `{t}` of item `{}` has no typed handle",
                        item.line(),
                        item.id()
                    ));
                    continue;
                };
                (FieldKind::Field(raw, value), format!("Field (type `{t}`)"))
            }
            ItemKind::SignOff { role } => {
                (FieldKind::SignOff(raw), format!("Sign-off (role `{role}`)"))
            }
        };
        let doc = format!(
            "{}\n\n{} `{}`{}, {}:{}.",
            doc_escape(item.text()),
            kind_doc,
            item.id(),
            if item.is_optional() { ", optional" } else { "" },
            file,
            item.line()
        );
        add(
            &mut errors,
            owner,
            FieldPlan {
                name: field_name(relative),
                doc,
                kind,
            },
            format!("item `{}`", item.id()),
            item.line(),
        );
    }
    let gates = spec
        .gates()
        .iter()
        .map(|g| {
            let doc = match g.description() {
                Some(d) => format!(
                    "Gate `{}`: {}.",
                    g.name(),
                    doc_escape(d).trim_end_matches('.')
                ),
                None => format!("Gate `{}`.", g.name()),
            };
            (field_name(g.name()), g.index().get() as u32, doc)
        })
        .collect();
    if errors.is_empty() {
        Ok(Plan { sections, gates })
    } else {
        Err(errors)
    }
}

fn clash(name: &str, what: &str, first: &Claim, second: &str, line: u32, file: &str) -> String {
    format!(
        "{file}:{line}: {second} and {} (line {}) both become the Rust {what} name `{name}`\n  = help: give one of them its own id with an attribute block, e.g. `{{#another-name}}` at the end of line {line}",
        first.what, first.line
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field_name("linting-passes"), "linting_passes");
        assert_eq!(field_name("1-before-the-start"), "_1_before_the_start");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("group/task"), "group__task");
        assert_eq!(field_name("überprüfung"), "ufcberprufcfung");
        assert_eq!(
            type_name("pre-deployment/code-quality"),
            "PreDeploymentCodeQuality"
        );
        assert_eq!(type_name("1-before"), "Section1Before");
        assert_eq!(type_name("self"), "SectionSelf");
    }
}
