//! Everything that needs the whole document: front matter (item overrides, roles, gates,
//! the sign-off gate), document-wide warnings, and the final [`Spec`].
//!
//! [`build`] runs the steps in the order the data flows, each a function below it:
//! front matter → walk → checklist id → item overrides → checks → roles → gates → sign-off
//! coverage → document warnings → title and description → assemble.

use std::ops::Range;
use std::path::Path;

use super::ParseOptions;
use super::front_matter::{self, Found, FrontMatter, Version};
use super::walk::{GateMatch, Walked, Walker};
use crate::diagnostic::{Code, Diagnostic};
use crate::location::LineIndex;
use crate::pattern::closest_id;
use crate::slug::{is_slug, slugify};
use crate::spec::{
    FieldType, ForeignMetadata, Gate, GateIndex, IdIndex, Item, ItemIndex, ItemKind, NoteKind,
    Section, Spec,
};
use crate::trust::{RoleBinding, SignaturePolicy};

/// Where the resolver reports to, and how it locates front matter spans.
pub(super) struct Resolver<'s> {
    pub(super) src: &'s str,
    pub(super) lines: LineIndex,
    pub(super) diags: Vec<Diagnostic>,
    /// Where the `+++` front matter's body starts: TOML spans are relative to it.
    fm_base: usize,
}

impl Resolver<'_> {
    pub(super) fn diag(&mut self, code: Code, span: Range<usize>, message: String, help: String) {
        let location = self.lines.locate(self.src, span);
        self.diags
            .push(Diagnostic::new(code, location, message).with_help(help));
    }

    /// A span inside the front matter body, as a span of the source.
    pub(super) fn fm_span(&self, span: Range<usize>) -> Range<usize> {
        self.fm_base + span.start..self.fm_base + span.end
    }
}

/// Parses `source` into a spec (when nothing stopped it) and all diagnostics.
pub(crate) fn build(source: &str, options: &ParseOptions) -> (Option<Spec>, Vec<Diagnostic>) {
    let mut r = Resolver {
        src: source,
        lines: LineIndex::new(source),
        diags: vec![],
        fm_base: 0,
    };
    let (fm, foreign, markdown_start) = front_matter(&mut r);
    let walked = walk(&r, options, &fm, markdown_start);
    let Walked {
        title,
        title_pin,
        mut sections,
        mut items,
        item_ids,
        ordered_lists,
        diagnostics,
        gates: gate_matches,
    } = walked;
    r.diags.extend(diagnostics);
    let id = checklist_id(&mut r, &fm, title_pin, title.as_deref(), &options.file_name);
    let version = version(&mut r, &fm);
    apply_item_overrides(&mut r, &fm, &mut items, &item_ids);
    let checks = super::checks::resolve(&mut r, &fm, &items, &item_ids);
    let roles = declared_roles(&mut r, &fm, &items);
    let (bindings, signatures) = bindings_and_signatures(&mut r, &fm);
    let gates = gates(&mut r, &fm, gate_matches, &sections, &items);
    let signoff_gate = signoff_gate(&mut r, &fm, &gates);
    let coverage = Coverage::of(&gates[signoff_gate.get()], &items);
    document_warnings(&mut r, &sections, &items);
    let (title, description) = title_and_description(&fm, title, &mut sections[0]);
    // Step 9: assemble.
    let spec = Spec {
        id,
        title,
        version,
        description,
        file_name: options.file_name.clone(),
        source: source.to_string(),
        sections,
        items,
        item_ids,
        gates,
        signoff_gate,
        signoff_coverage: coverage.items,
        covered: coverage.covered,
        signoffs: coverage.signoffs,
        roles,
        bindings,
        signatures,
        allowed_signers: None,
        ordered_lists,
        foreign_metadata: foreign,
        checks,
        digest: std::sync::OnceLock::new(),
        coverage: std::sync::OnceLock::new(),
    };
    (Some(spec), r.diags)
}

/// Step 1: the front matter at the top, if any. Returns it (default when there is none
/// or it does not read), YAML kept as foreign metadata, and where the Markdown starts.
fn front_matter(r: &mut Resolver<'_>) -> (FrontMatter, Option<ForeignMetadata>, usize) {
    match front_matter::find(r.src) {
        Found::None => (FrontMatter::default(), None, 0),
        Found::Yaml { body, end } => (
            FrontMatter::default(),
            Some(ForeignMetadata::Yaml(body.to_string())),
            end,
        ),
        Found::Toml {
            body,
            body_start,
            end,
        } => {
            r.fm_base = body_start;
            let fm = match front_matter::parse_toml(body) {
                Ok(parsed) => parsed,
                Err(e) => {
                    let span = e.range.map_or(body_start..body_start + 1, |s| {
                        body_start + s.start..body_start + s.end.max(s.start + 1)
                    });
                    r.diag(
                        Code::InvalidFrontMatter,
                        span,
                        format!("front matter: {}", e.message),
                        "front matter keys are `id`, `title`, `version`, `description`, \
                         `signoff_gate`, `roles`, `[signatures]`, `[gates.NAME]` and `[items.\"ID\"]`"
                            .into(),
                    );
                    FrontMatter::default()
                }
            };
            (fm, None, end)
        }
        Found::UnclosedToml { first_line } => {
            r.diag(
                Code::UnclosedFrontMatter,
                first_line,
                "the front matter that starts here never closes".into(),
                "end the front matter with a line holding only `+++`".into(),
            );
            (FrontMatter::default(), None, 0)
        }
    }
}

/// Step 2: the walk over the Markdown, matching the declared gates' patterns against
/// every item as it is made.
fn walk(r: &Resolver<'_>, options: &ParseOptions, fm: &FrontMatter, start: usize) -> Walked {
    let gate_patterns = fm
        .gates
        .values()
        .map(|d| {
            GateMatch::new(
                d.include.iter().map(|p| p.get_ref().as_str()),
                d.exclude.iter().map(|p| p.get_ref().as_str()),
            )
        })
        .collect();
    Walker::new(r.src, options, &r.lines)
        .with_gates(gate_patterns)
        .run(start)
}

/// Step 3: the checklist id: front matter, then the title's pin or slug, then the file
/// name, then `checklist`.
fn checklist_id(
    r: &mut Resolver<'_>,
    fm: &FrontMatter,
    title_pin: Option<String>,
    title: Option<&str>,
    file_name: &str,
) -> String {
    let mut id = None;
    if let Some(fm_id) = &fm.id {
        if is_slug(fm_id.get_ref()) {
            id = Some(fm_id.get_ref().clone());
        } else {
            r.diag(
                Code::InvalidIdPin,
                r.fm_span(fm_id.span()),
                format!("`{}` is not a valid checklist id", fm_id.get_ref()),
                format!(
                    "an id is lowercase letters and digits separated by `-`, e.g. `id = \"{}\"`",
                    slugify(fm_id.get_ref())
                ),
            );
        }
    }
    id.or(title_pin)
        .or_else(|| title.map(slugify).filter(|s| !s.is_empty()))
        .or_else(|| {
            Path::new(file_name)
                .file_stem()
                .map(|s| slugify(&s.to_string_lossy()))
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "checklist".to_string())
}

/// The front matter `version`: a string, or an integer kept as its digits. A float is
/// refused where it is written (TOML would read `2.10` as `2.1`).
fn version(r: &mut Resolver<'_>, fm: &FrontMatter) -> Option<String> {
    let version = fm.version.as_ref()?;
    match version.get_ref() {
        Version::Text(v) => Some(v.clone()),
        Version::Float => {
            let span = r.fm_span(version.span());
            let written = r.src.get(span.clone()).unwrap_or("").trim().to_string();
            r.diag(
                Code::InvalidFrontMatter,
                span,
                format!("front matter: the version `{written}` is a number with a fraction"),
                format!(
                    "write the version as a string, so it is kept as written: `version = \"{written}\"`"
                ),
            );
            None
        }
    }
}

/// Step 4: `[items."ID"]` overrides of type, role and optional.
fn apply_item_overrides(
    r: &mut Resolver<'_>,
    fm: &FrontMatter,
    items: &mut [Item],
    item_ids: &IdIndex,
) {
    for (key, ov) in &fm.items {
        let key_span = r.fm_span(key.span());
        let Some(index) = item_ids.get(key.get_ref(), items) else {
            let hint = closest_id(key.get_ref(), items.iter().map(|i| &*i.id));
            r.diag(
                Code::UnknownReference,
                key_span,
                format!(
                    "front matter names the item `{}`, which does not exist",
                    key.get_ref()
                ),
                hint.map_or_else(
                    || {
                        "an item id is the slug path of its section headings, the list items \
                         it is nested in and its own text, e.g. `checks/tests-pass`"
                            .to_string()
                    },
                    |h| format!("did you mean `{h}`?"),
                ),
            );
            continue;
        };
        let item = &mut items[index.get()];
        if let Some(t) = &ov.field_type {
            match t.get_ref().parse::<FieldType>() {
                Ok(t) => item.kind = ItemKind::Field(t),
                Err(e) => r.diag(
                    Code::InvalidFieldType,
                    r.fm_span(t.span()),
                    e.to_string(),
                    "e.g. `type = \"date\"` or `type = \"enum(low|high)\"`".into(),
                ),
            }
        }
        if let Some(role) = &ov.role {
            if is_slug(role.get_ref()) {
                item.kind = ItemKind::SignOff {
                    role: role.get_ref().clone(),
                };
            } else {
                r.diag(
                    Code::InvalidRole,
                    r.fm_span(role.span()),
                    format!("`{}` is not a valid role", role.get_ref()),
                    format!(
                        "a role is lowercase letters and digits separated by `-`, e.g. `{}`",
                        slugify(role.get_ref())
                    ),
                );
            }
        }
        if let Some(optional) = ov.optional {
            item.optional = optional;
        }
    }
}

/// Step 5: the declared roles; when there are any, every sign-off must use one.
fn declared_roles(r: &mut Resolver<'_>, fm: &FrontMatter, items: &[Item]) -> Vec<String> {
    let roles: Vec<String> = match &fm.roles {
        None => vec![],
        Some(front_matter::Roles::Names(names)) => {
            names.iter().map(|r| r.get_ref().clone()).collect()
        }
        Some(front_matter::Roles::Bound(table)) => {
            table.keys().map(|r| r.get_ref().clone()).collect()
        }
    };
    if roles.is_empty() {
        return roles;
    }
    for item in items {
        // An empty role was already reported as E0011 "this sign-off has no role".
        if let ItemKind::SignOff { role } = &item.kind
            && !role.is_empty()
            && !roles.contains(role)
        {
            r.diag(
                Code::InvalidRole,
                item.location.span.clone(),
                format!("the role `{role}` is not declared in the front matter `roles`"),
                format!("add \"{role}\" to `roles`, or fix the role"),
            );
        }
    }
    roles
}

/// Step 5b: who holds each bound role (principals normalized), and the `[signatures]`
/// policy.
fn bindings_and_signatures(
    r: &mut Resolver<'_>,
    fm: &FrontMatter,
) -> (Vec<RoleBinding>, SignaturePolicy) {
    let mut bindings = Vec::new();
    if let Some(front_matter::Roles::Bound(table)) = &fm.roles {
        for (role, listed) in table {
            let mut principals = Vec::new();
            for p in listed {
                match crate::principal::normalize(p.get_ref()) {
                    Ok(n) => principals.push(n.into_owned()),
                    Err(e) => r.diag(
                        Code::InvalidRole,
                        r.fm_span(p.span()),
                        format!("role `{}`: {e}", role.get_ref()),
                        e.help().into(),
                    ),
                }
            }
            bindings.push(RoleBinding::new(role.get_ref().clone(), principals));
        }
    }
    let Some(sig) = &fm.signatures else {
        return (bindings, SignaturePolicy::default());
    };
    let policy = SignaturePolicy::new(
        sig.get_ref()
            .allowed_signers
            .as_ref()
            .map(|p| p.get_ref().clone()),
        sig.get_ref().required,
    );
    if policy.required() && policy.allowed_signers().is_none() {
        r.diag(
            Code::InvalidFrontMatter,
            r.fm_span(sig.span()),
            "`[signatures]` requires signatures but names no allowed-signers file".into(),
            "add `allowed_signers = \".checklist/allowed_signers\"` (a path relative to the checklist, in git's allowed-signers format)".into(),
        );
    }
    (bindings, policy)
}

/// Step 6: the gates, `complete` first, then the declared ones in name order, with what
/// the walk matched for each.
fn gates(
    r: &mut Resolver<'_>,
    fm: &FrontMatter,
    matches: Vec<GateMatch>,
    sections: &[Section],
    items: &[Item],
) -> Vec<Gate> {
    let mut gates = vec![Gate {
        index: GateIndex::from_raw(0),
        name: Gate::COMPLETE.to_string(),
        description: Some("every item resolved".to_string()),
        include: vec!["**".to_string()],
        exclude: vec![],
        items: (0..items.len()).map(ItemIndex::from_usize).collect(),
    }];
    for ((name, decl), matches) in fm.gates.iter().zip(matches) {
        let name_span = r.fm_span(name.span());
        let name = name.get_ref();
        if name == Gate::COMPLETE {
            r.diag(
                Code::InvalidFrontMatter,
                name_span,
                "`complete` is the built-in gate and cannot be redefined".into(),
                "choose another name, e.g. `[gates.release]`".into(),
            );
            continue;
        }
        if !is_slug(name) {
            r.diag(
                Code::InvalidFrontMatter,
                name_span,
                format!("`{name}` is not a valid gate name"),
                format!(
                    "a gate name is lowercase letters and digits separated by `-`, e.g. `{}`",
                    slugify(name)
                ),
            );
            continue;
        }
        let GateMatch {
            matched: matched_any,
            selected,
            ..
        } = matches;
        let mut problems = false;
        let written = decl.include.iter().chain(&decl.exclude);
        for (p, _) in written.zip(&matched_any).filter(|(_, matched)| !**matched) {
            problems = true;
            let hint = closest_id(
                p.get_ref(),
                sections
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(items.iter().map(|i| &*i.id)),
            );
            r.diag(
                Code::EmptyGate,
                r.fm_span(p.span()),
                format!(
                    "the pattern `{}` in gate `{name}` matches no item",
                    p.get_ref()
                ),
                hint.map_or_else(
                    || "patterns are section or item ids, with `*` and `**` globs".into(),
                    |h| format!("did you mean `{h}`?"),
                ),
            );
        }
        if selected.is_empty() && !problems {
            r.diag(
                Code::EmptyGate,
                name_span,
                format!("the gate `{name}` matches nothing"),
                "its excludes remove every item its includes select".into(),
            );
        }
        gates.push(Gate {
            index: GateIndex::from_usize(gates.len()),
            name: name.clone(),
            description: decl.description.clone(),
            include: decl.include.iter().map(|p| p.get_ref().clone()).collect(),
            exclude: decl.exclude.iter().map(|p| p.get_ref().clone()).collect(),
            items: selected,
        });
    }
    gates
}

/// The gate sign-offs wait for: front matter `signoff_gate`, else `complete`.
fn signoff_gate(r: &mut Resolver<'_>, fm: &FrontMatter, gates: &[Gate]) -> GateIndex {
    let Some(name) = &fm.signoff_gate else {
        return GateIndex::from_raw(0);
    };
    if let Some(g) = gates.iter().find(|g| &g.name == name.get_ref()) {
        return g.index;
    }
    let known: Vec<_> = gates.iter().map(|g| format!("`{}`", g.name)).collect();
    r.diag(
        Code::UnknownReference,
        r.fm_span(name.span()),
        format!(
            "`signoff_gate` names the gate `{}`, which does not exist",
            name.get_ref()
        ),
        format!("declared gates: {}", known.join(", ")),
    );
    GateIndex::from_raw(0)
}

/// Step 7: what a sign-off covers (its gate's items but the sign-offs), as a list and
/// as a flag per item, and the sign-offs.
struct Coverage {
    items: Vec<ItemIndex>,
    covered: Vec<bool>,
    signoffs: Vec<ItemIndex>,
}

impl Coverage {
    fn of(gate: &Gate, items: &[Item]) -> Coverage {
        let covered_items: Vec<ItemIndex> = gate
            .items
            .iter()
            .copied()
            .filter(|&i| !items[i.get()].is_signoff())
            .collect();
        let mut covered = vec![false; items.len()];
        for &i in &covered_items {
            covered[i.get()] = true;
        }
        let signoffs = items
            .iter()
            .filter(|i| i.is_signoff())
            .map(|i| i.index)
            .collect();
        Coverage {
            items: covered_items,
            covered,
            signoffs,
        }
    }
}

/// Step 8: warnings about the whole document: no items, empty sections.
fn document_warnings(r: &mut Resolver<'_>, sections: &[Section], items: &[Item]) {
    if items.is_empty() {
        r.diag(
            Code::NoItems,
            0..0,
            "this checklist has no items".into(),
            "a task is a list item with a box: `- [ ] text`".into(),
        );
    }
    for s in &sections[1..] {
        if s.items.is_empty() && s.children.is_empty() && s.notes.is_empty() {
            r.diags.push(
                Diagnostic::new(
                    Code::EmptySection,
                    s.location.clone(),
                    format!("the section `{}` is empty", s.title),
                )
                .with_help("add tasks to it (`- [ ] text`) or remove the heading"),
            );
        }
    }
}

/// The title (front matter, else the leading `# H1`, which also names the root) and the
/// description (front matter, else the paragraphs before the first section).
fn title_and_description(
    fm: &FrontMatter,
    title: Option<String>,
    root: &mut Section,
) -> (Option<String>, String) {
    let description = fm.description.clone().unwrap_or_else(|| {
        root.notes
            .iter()
            .filter(|n| n.kind == NoteKind::Paragraph)
            .map(|n| n.markdown.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    });
    let title = fm.title.clone().or(title);
    if let Some(t) = &title {
        root.title = t.clone();
    }
    (title, description)
}
