//! Everything that needs the whole document: front matter (item overrides, roles, gates,
//! the sign-off gate), document-wide warnings, and the final [`Spec`] with its digest.

use std::ops::Range;
use std::path::Path;

use super::ParseOptions;
use super::front_matter::{self, Found, FrontMatter};
use super::walk::{GateMatch, Walked, Walker};
use crate::diagnostic::{Code, Diagnostic, LineIndex};
use crate::slug::{is_slug, slugify};
use crate::spec::{
    FieldType, ForeignMetadata, Gate, GateIndex, ItemIndex, ItemKind, NoteKind, Spec,
};

struct Resolver<'s> {
    src: &'s str,
    lines: LineIndex,
    diags: Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn diag(&mut self, code: Code, span: Range<usize>, message: String, help: String) {
        let location = self.lines.locate(self.src, span);
        self.diags.push(Diagnostic {
            severity: code.default_severity(),
            code,
            message,
            location,
            help: (!help.is_empty()).then_some(help),
            related: vec![],
        });
    }
}

/// Parses `source` into a spec (when nothing stopped it) and all diagnostics.
pub(crate) fn build(source: &str, options: &ParseOptions) -> (Option<Spec>, Vec<Diagnostic>) {
    let mut r = Resolver {
        src: source,
        lines: LineIndex::new(source),
        diags: vec![],
    };
    let mut fm = FrontMatter::default();
    let mut fm_base = 0;
    let mut foreign = None;
    let markdown_start = match front_matter::find(source) {
        Found::None => 0,
        Found::Yaml { body, end } => {
            foreign = Some(ForeignMetadata::Yaml(body.to_string()));
            end
        }
        Found::Toml {
            body,
            body_start,
            end,
        } => {
            fm_base = body_start;
            match front_matter::parse_toml(body) {
                Ok(parsed) => fm = parsed,
                Err(e) => {
                    let span = e.range.map_or(body_start..body_start + 1, |s| {
                        body_start + s.start..body_start + s.end.max(s.start + 1)
                    });
                    r.diag(
                        Code::InvalidFrontMatter,
                        span,
                        format!("front matter: {}", e.message),
                        "front matter keys are `id`, `title`, `version`, `description`, \
                         `signoff_gate`, `roles`, `[gates.NAME]` and `[items.\"ID\"]`"
                            .into(),
                    );
                }
            }
            end
        }
        Found::UnclosedToml { first_line } => {
            r.diag(
                Code::UnclosedFrontMatter,
                first_line,
                "the front matter that starts here never closes".into(),
                "end the front matter with a line holding only `+++`".into(),
            );
            0
        }
    };

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
    let walked = Walker::new(source, options, &r.lines)
        .with_gates(gate_patterns)
        .run(markdown_start);
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

    // Checklist id: front matter, then the title's pin or slug, then the file name.
    let mut id = None;
    if let Some(fm_id) = &fm.id {
        if is_slug(fm_id.get_ref()) {
            id = Some(fm_id.get_ref().clone());
        } else {
            let span = fm_base + fm_id.span().start..fm_base + fm_id.span().end;
            r.diag(
                Code::InvalidIdPin,
                span,
                format!("`{}` is not a valid checklist id", fm_id.get_ref()),
                format!(
                    "an id is lowercase letters and digits separated by `-`, e.g. `id = \"{}\"`",
                    slugify(fm_id.get_ref())
                ),
            );
        }
    }
    let id = id
        .or(title_pin)
        .or_else(|| title.as_deref().map(slugify).filter(|s| !s.is_empty()))
        .or_else(|| {
            Path::new(&options.file_name)
                .file_stem()
                .map(|s| slugify(&s.to_string_lossy()))
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "checklist".to_string());

    // Per-item overrides.
    for (key, ov) in &fm.items {
        let key_span = fm_base + key.span().start..fm_base + key.span().end;
        let Some(index) = item_ids.get(key.get_ref(), &items) else {
            let hint = closest_id(key.get_ref(), items.iter().map(|i| &*i.id));
            r.diag(
                Code::UnknownReference,
                key_span,
                format!(
                    "front matter names the item `{}`, which does not exist",
                    key.get_ref()
                ),
                hint.map_or_else(
                    || "run `checklist ids FILE` to list the item ids".to_string(),
                    |h| format!("did you mean `{h}`?"),
                ),
            );
            continue;
        };
        let item = &mut items[index.get()];
        if let Some(t) = &ov.field_type {
            match t.get_ref().parse::<FieldType>() {
                Ok(t) => item.kind = ItemKind::Field(t),
                Err(e) => {
                    let span = fm_base + t.span().start..fm_base + t.span().end;
                    r.diag(
                        Code::InvalidFieldType,
                        span,
                        e.to_string(),
                        "e.g. `type = \"date\"` or `type = \"enum(low|high)\"`".into(),
                    );
                }
            }
        }
        if let Some(role) = &ov.role {
            if is_slug(role.get_ref()) {
                item.kind = ItemKind::SignOff {
                    role: role.get_ref().clone(),
                };
            } else {
                let span = fm_base + role.span().start..fm_base + role.span().end;
                r.diag(
                    Code::InvalidRole,
                    span,
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

    // Declared roles: every sign-off must use one.
    let roles: Vec<String> = fm
        .roles
        .iter()
        .flatten()
        .map(|r| r.get_ref().clone())
        .collect();
    if !roles.is_empty() {
        for item in &items {
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
    }

    // Gates: `complete` first, then the declared ones in name order.
    let mut gates = vec![Gate {
        index: GateIndex::from_raw(0),
        name: Gate::COMPLETE.to_string(),
        description: Some("every item resolved".to_string()),
        include: vec!["**".to_string()],
        exclude: vec![],
        items: (0..items.len()).map(ItemIndex::from_usize).collect(),
    }];
    for ((name, decl), matches) in fm.gates.iter().zip(gate_matches) {
        let name_span = fm_base + name.span().start..fm_base + name.span().end;
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
        // The walk matched the patterns against every item as it made it.
        let GateMatch {
            matched: matched_any,
            selected,
            ..
        } = matches;
        let mut problems = false;
        let written = decl.include.iter().chain(&decl.exclude);
        for (p, _) in written.zip(&matched_any).filter(|(_, matched)| !**matched) {
            problems = true;
            let span = fm_base + p.span().start..fm_base + p.span().end;
            let hint = closest_id(
                p.get_ref(),
                sections
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(items.iter().map(|i| &*i.id)),
            );
            r.diag(
                Code::EmptyGate,
                span,
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
    let mut signoff_gate = GateIndex::from_raw(0);
    if let Some(name) = &fm.signoff_gate {
        match gates.iter().find(|g| &g.name == name.get_ref()) {
            Some(g) => signoff_gate = g.index,
            None => {
                let span = fm_base + name.span().start..fm_base + name.span().end;
                let known: Vec<_> = gates.iter().map(|g| format!("`{}`", g.name)).collect();
                r.diag(
                    Code::UnknownReference,
                    span,
                    format!(
                        "`signoff_gate` names the gate `{}`, which does not exist",
                        name.get_ref()
                    ),
                    format!("declared gates: {}", known.join(", ")),
                );
            }
        }
    }
    let signoff_coverage: Vec<ItemIndex> = gates[signoff_gate.get()]
        .items
        .iter()
        .copied()
        .filter(|&i| !items[i.get()].is_signoff())
        .collect();
    let mut covered = vec![false; items.len()];
    for &i in &signoff_coverage {
        covered[i.get()] = true;
    }
    let signoffs = items
        .iter()
        .filter(|i| i.is_signoff())
        .map(|i| i.index)
        .collect();

    // Document-wide warnings.
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
            r.diags.push(Diagnostic {
                severity: Code::EmptySection.default_severity(),
                code: Code::EmptySection,
                message: format!("the section `{}` is empty", s.title),
                location: s.location.clone(),
                help: Some("add tasks to it (`- [ ] text`) or remove the heading".into()),
                related: vec![],
            });
        }
    }

    let description = fm.description.clone().unwrap_or_else(|| {
        sections[0]
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::Paragraph)
            .map(|n| n.markdown.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    });
    let title = fm.title.clone().or(title);
    if let Some(t) = &title {
        sections[0].title = t.clone();
    }
    let spec = Spec {
        id,
        title,
        version: fm.version.clone(),
        description,
        file_name: options.file_name.clone(),
        source: source.to_string(),
        sections,
        items,
        item_ids,
        gates,
        signoff_gate,
        signoff_coverage,
        covered,
        signoffs,
        roles,
        ordered_lists,
        foreign_metadata: foreign,
        digest: std::sync::OnceLock::new(),
    };
    (Some(spec), r.diags)
}

/// The known id most like `wanted`: same last segment, else the longest common prefix.
fn closest_id<'a>(wanted: &str, ids: impl Iterator<Item = &'a str>) -> Option<String> {
    let wanted = wanted.trim_end_matches("/**").trim_end_matches("/*");
    let last = wanted.rsplit('/').next().unwrap_or(wanted);
    let mut best: Option<(usize, &str)> = None;
    for id in ids {
        let score = if id.rsplit('/').next() == Some(last) {
            usize::MAX
        } else {
            common_prefix(id, wanted)
        };
        if score > 3 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, id));
        }
    }
    best.map(|(_, id)| id.to_string())
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}
