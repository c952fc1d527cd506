//! Step 3, validate: decide every generated name and check that none clash.
//!
//! Each section becomes a struct named from its whole id path in UpperCamelCase
//! (`pre-deployment/code-quality` → `PreDeploymentCodeQuality`); each subsection and
//! item becomes a snake_case field of its section's struct. Items nested under other
//! list items are named by their path below the section, joined with `__`
//! (`grouping-bullet/task` → `grouping_bullet__task`). Two different ids can still meet
//! in one Rust name (`x-1` and `x1` both make the type `X1`); that is reported with both
//! lines and the `{#id}` fix.
//!
//! Ids are Unicode (`代码质量/所有代码审查完成`, `überprüfung-der-sicherheit`), and so are
//! the names, as far as Rust and the user's lints allow (see [`Speller`]): each id word is
//! NFC-normalised, and its characters are kept when they are `XID_Continue`, allowed by
//! Unicode's general security profile and not the only letters of their script, all
//! Latin look-alikes; other characters are transliterated (their compatibility form, else
//! `u` and the code point). A name that cannot start an identifier gets `_` (fields) or
//! `Section` (types) in front.

use std::collections::{HashMap, HashSet};

use checklist_core::{FieldType, ItemKind, SectionIndex, Spec};
use unicode_normalization::UnicodeNormalization;
use unicode_security::mixed_script::AugmentedScriptSet;
use unicode_security::{GeneralSecurityProfile, is_potential_mixed_script_confusable_char};

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
    /// The handle of a task that has a check.
    CheckedTask(u32),
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

/// How the characters of ids are spelled in Rust names.
///
/// A character is kept when Rust accepts it in an identifier and no lint of the user's
/// crate would fire on it: it is `XID_Continue` and allowed by Unicode's general security
/// profile (`uncommon_codepoints`), and its script is not used only through characters
/// that look like Latin ones (`mixed_script_confusables`). Those two lints can only be
/// allowed for a whole crate, never for the generated code alone, so the names avoid
/// them instead. Other characters are transliterated: their compatibility form when that
/// is made of kept characters (`²` → `2`, `ﬁ` → `fi`), else `u` and the code point in hex.
#[derive(Default)]
pub(crate) struct Speller {
    /// Script sets whose every character used here is a Latin look-alike.
    confusable: HashSet<AugmentedScriptSet>,
}

impl Speller {
    /// The speller for every name of `spec`: a first spelling of all of them finds the
    /// scripts used only through Latin look-alikes, whose characters are then spelled out.
    pub(crate) fn for_spec(spec: &Spec) -> Speller {
        let plain = Speller::default();
        let mut names: Vec<String> = Vec::new();
        for section in spec.sections().iter().skip(1) {
            names.push(plain.type_name(section.id()));
            names.push(plain.field_name(own_segment(section.id())));
        }
        for item in spec.items() {
            names.push(plain.field_name(item.id()));
        }
        for gate in spec.gates() {
            names.push(plain.field_name(gate.name()));
        }
        // As rustc's lint does: per script set, suspicious while every character seen
        // is a potential confusable.
        let mut suspicious: HashMap<AugmentedScriptSet, bool> = HashMap::new();
        for c in names
            .iter()
            .flat_map(|n| n.chars())
            .filter(|c| !c.is_ascii())
        {
            let confusable = is_potential_mixed_script_confusable_char(c);
            suspicious
                .entry(AugmentedScriptSet::for_char(c))
                .and_modify(|s| *s &= confusable)
                .or_insert(confusable);
        }
        Speller {
            confusable: suspicious
                .into_iter()
                .filter_map(|(set, s)| s.then_some(set))
                .collect(),
        }
    }

    fn keeps(&self, c: char) -> bool {
        c.is_ascii_alphanumeric()
            || (!c.is_ascii()
                && unicode_ident::is_xid_continue(c)
                && c.identifier_allowed()
                && !self.confusable.contains(&AugmentedScriptSet::for_char(c)))
    }

    /// One word of an id (NFC-normalised), spelled for Rust.
    fn word(&self, word: &str, upper: bool, out: &mut String) {
        for c in word.nfc() {
            if self.keeps(c) {
                out.push(c);
                continue;
            }
            let compatible: String = std::iter::once(c).nfkc().collect();
            if !compatible.is_empty()
                && compatible != c.to_string()
                && compatible.chars().all(|k| self.keeps(k))
            {
                out.push_str(&compatible);
            } else if upper {
                out.push_str(&format!("U{:X}", c as u32));
            } else {
                out.push_str(&format!("u{:x}", c as u32));
            }
        }
    }

    /// `linting-passes-with-no-errors` → `linting_passes_with_no_errors`,
    /// `überprüfung` → `überprüfung`, `代码质量/所有代码审查完成` → `代码质量__所有代码审查完成`;
    /// keywords get a trailing `_`, a name that cannot start an identifier (a digit) a
    /// leading `_`.
    pub(crate) fn field_name(&self, slug_path: &str) -> String {
        let mut joined = String::with_capacity(slug_path.len() + 8);
        for (i, seg) in slug_path.split('/').enumerate() {
            if i > 0 {
                joined.push_str("__");
            }
            for (j, w) in seg.split('-').enumerate() {
                if j > 0 {
                    joined.push('_');
                }
                self.word(w, false, &mut joined);
            }
        }
        if joined.starts_with(|c: char| !unicode_ident::is_xid_start(c)) {
            format!("_{joined}")
        } else if KEYWORDS.contains(&joined.as_str()) {
            format!("{joined}_")
        } else if joined.is_empty() {
            "item".to_string()
        } else {
            joined
        }
    }

    /// `pre-deployment/code-quality` → `PreDeploymentCodeQuality`, `überprüfung` →
    /// `Überprüfung`; a name that cannot start an identifier (a digit) gets a `Section`
    /// prefix.
    pub(crate) fn type_name(&self, slug_path: &str) -> String {
        let mut out = String::new();
        for word in slug_path.split(['/', '-']) {
            let word: String = word.nfc().collect();
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                self.word(&first.to_uppercase().collect::<String>(), true, &mut out);
                self.word(chars.as_str(), true, &mut out);
            }
        }
        if out.is_empty()
            || out == "Self"
            || out.starts_with(|c: char| !unicode_ident::is_xid_start(c))
        {
            format!("Section{out}")
        } else {
            out
        }
    }
}

/// The last segment of an id path.
fn own_segment(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

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
    let speller = Speller::for_spec(spec);
    let mut sections: Vec<SectionPlan> = Vec::with_capacity(spec.sections().len());
    let mut plan_of: HashMap<SectionIndex, usize> = HashMap::new();
    let mut type_names: HashMap<String, Claim> = HashMap::new();
    // Sections in document order: a parent always comes before its children.
    for section in spec.sections() {
        let name = if section.is_root() {
            "Items".to_string()
        } else {
            speller.type_name(section.id())
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
        let own = own_segment(section.id());
        let me = plan_of[&section.index()];
        add(
            &mut errors,
            parent,
            FieldPlan {
                name: speller.field_name(own),
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
            ItemKind::Task if spec.check(item.index()).is_some() => {
                (FieldKind::CheckedTask(raw), "Task with a check".to_string())
            }
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
                name: speller.field_name(relative),
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
            (speller.field_name(g.name()), g.index().get() as u32, doc)
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

    fn field_name(id: &str) -> String {
        Speller::default().field_name(id)
    }

    fn type_name(id: &str) -> String {
        Speller::default().type_name(id)
    }

    #[test]
    fn names() {
        assert_eq!(field_name("linting-passes"), "linting_passes");
        assert_eq!(field_name("1-before-the-start"), "_1_before_the_start");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("group/task"), "group__task");
        assert_eq!(
            type_name("pre-deployment/code-quality"),
            "PreDeploymentCodeQuality"
        );
        assert_eq!(type_name("1-before"), "Section1Before");
        assert_eq!(type_name("self"), "SectionSelf");
    }

    #[test]
    fn unicode_names_are_kept_where_rust_accepts_them() {
        assert_eq!(
            field_name("überprüfung-der-sicherheit"),
            "überprüfung_der_sicherheit"
        );
        assert_eq!(
            type_name("überprüfung-der-sicherheit"),
            "ÜberprüfungDerSicherheit"
        );
        assert_eq!(
            field_name("代码质量/所有代码审查完成"),
            "代码质量__所有代码审查完成"
        );
        assert_eq!(type_name("代码质量"), "代码质量");
        assert_eq!(field_name("проверка-безопасности"), "проверка_безопасности");
        assert_eq!(type_name("проверка-безопасности"), "ПроверкаБезопасности");
        // Decomposed input is normalised (NFC), as rustc does with identifiers.
        assert_eq!(field_name("u\u{308}ber"), "über");
    }

    #[test]
    fn other_characters_are_transliterated() {
        // Compatibility forms that are identifier characters: superscripts, ligatures.
        assert_eq!(field_name("x²"), "x2");
        assert_eq!(field_name("ﬁle"), "file");
        // Not an identifier character, nor made of them: the code point.
        assert_eq!(field_name("a½"), "aubd");
        // A digit cannot start a name, in any script.
        assert_eq!(field_name("٣-steps"), "_٣_steps");
        assert_eq!(type_name("٣-steps"), "Section٣Steps");
    }

    #[test]
    fn a_script_used_only_through_latin_look_alikes_is_spelled_out() {
        // `сор` is Cyrillic letters that all look like Latin ones: `mixed_script_confusables`
        // would fire in the user's crate, so they are spelled as code points.
        let spec = Spec::parse("- [ ] сор\n").unwrap();
        let speller = Speller::for_spec(&spec);
        assert_eq!(speller.field_name("сор"), "u441u43eu440");
        // With one Cyrillic letter that looks like no Latin one, the script is fine.
        let spec = Spec::parse("- [ ] сор\n- [ ] проверка\n").unwrap();
        let speller = Speller::for_spec(&spec);
        assert_eq!(speller.field_name("сор"), "сор");
    }
}
