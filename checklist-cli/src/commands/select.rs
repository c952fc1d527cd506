//! From what the user typed (ids, suffixes, globs) to the items a change applies to, in
//! the order it can apply them.

use std::cmp::Reverse;

use checklist_core::pattern::SelectError;
use checklist_core::{Action, ItemIndex, Spec};

use crate::describe::one_line;
use crate::outcome::{Fatal, Result};

/// One selected item, and whether it was named (an id or suffix) rather than matched by a
/// glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    pub index: ItemIndex,
    pub named: bool,
}

/// Resolves every query with [`Spec::select`]; an unknown or ambiguous one is an input
/// error (exit 2). A glob keeps only the items `action` selects (`Action::selects`), so
/// `complete 'deployment/**'` leaves the fields and sign-offs alone; a named item is kept
/// whatever its kind, and the library says why the change does not apply.
///
/// The items come back without repeats (named wins over matched), in an order the change
/// can succeed in: children before their parent and earlier steps first for `complete`,
/// the reverse for `reopen`.
pub fn items(spec: &Spec, queries: &[String], action: Action) -> Result<Vec<Selected>> {
    let mut selected = Vec::new();
    let mut errors = Vec::new();
    for query in queries {
        match spec.select(query) {
            Ok(found) if checklist_core::pattern::is_glob(query) => {
                let applicable: Vec<_> = found
                    .iter()
                    .copied()
                    .filter(|&i| action.selects(spec, i))
                    .collect();
                if applicable.is_empty() {
                    errors.push(format!(
                        "`{}` matches {} item{}, none of which `{action}` applies to",
                        one_line(query),
                        found.len(),
                        if found.len() == 1 { "" } else { "s" }
                    ));
                }
                selected.extend(applicable.into_iter().map(|index| Selected {
                    index,
                    named: false,
                }));
            }
            Ok(found) => selected.extend(
                found
                    .into_iter()
                    .map(|index| Selected { index, named: true }),
            ),
            Err(SelectError::Ambiguous { query, candidates }) => {
                let mut message =
                    format!("`{}` is ambiguous; it could be any of:", one_line(&query));
                for c in &candidates {
                    message.push_str(&format!("\n    {c}"));
                }
                errors.push(message);
            }
            Err(e) => errors.push(one_line(&e.to_string())),
        }
    }
    if !errors.is_empty() {
        return Err(Fatal::new(
            errors.join("\nerror: "),
            format!(
                "give an id, enough of its end to be unique, or a glob; `checklist ids {}` lists them",
                shell_word(spec.file_name())
            ),
        ));
    }
    // Named before matched for the same item, so dedup keeps the named one.
    selected.sort_unstable_by_key(|s| (s.index, !s.named));
    selected.dedup_by_key(|s| s.index);
    match action {
        Action::Complete => children_first(spec, &mut selected),
        Action::Reopen => {
            children_first(spec, &mut selected);
            selected.reverse();
        }
        _ => {}
    }
    Ok(selected)
}

/// Orders items (given in document order) so that each comes after everything nested
/// under it; steps of an ordered list stay in order.
fn children_first(spec: &Spec, items: &mut [Selected]) {
    items.sort_by_key(|s| {
        (
            last_descendant(spec, s.index),
            Reverse(depth(spec, s.index)),
        )
    });
}

fn last_descendant(spec: &Spec, mut i: ItemIndex) -> ItemIndex {
    while let Some(&c) = spec.item(i).children().last() {
        i = c;
    }
    i
}

fn depth(spec: &Spec, mut i: ItemIndex) -> usize {
    let mut d = 0;
    while let Some(p) = spec.item(i).parent() {
        d += 1;
        i = p;
    }
    d
}

/// Quotes a path for a command suggestion when it needs it.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::parse(
            "# T\n\n## A\n- [ ] parent\n  - [ ] one\n  - [ ] two\n- [ ] other\n\n## B\n1. [ ] s1\n2. [ ] s2\n- [ ] Due Date: ___\n",
        )
        .unwrap()
    }

    fn ids(spec: &Spec, items: &[Selected]) -> Vec<String> {
        items
            .iter()
            .map(|s| spec.item(s.index).id().to_string())
            .collect()
    }

    #[test]
    fn complete_puts_children_before_parents_and_reopen_the_reverse() {
        let spec = spec();
        let all = vec!["**".to_string()];
        let done = items(&spec, &all, Action::Complete).unwrap();
        assert_eq!(
            ids(&spec, &done),
            [
                "a/parent/one",
                "a/parent/two",
                "a/parent",
                "a/other",
                "b/s1",
                "b/s2"
            ]
        );
        let reopened = items(&spec, &all, Action::Reopen).unwrap();
        assert_eq!(
            ids(&spec, &reopened),
            [
                "b/s2",
                "b/s1",
                "a/other",
                "a/parent",
                "a/parent/two",
                "a/parent/one"
            ]
        );
    }

    #[test]
    fn globs_keep_what_the_action_applies_to_and_ids_are_kept_as_given() {
        let spec = spec();
        let fill = items(&spec, &["b/*".to_string()], Action::Fill).unwrap();
        assert_eq!(ids(&spec, &fill), ["b/due-date"]);
        let exact = items(&spec, &["b/due-date".to_string()], Action::Complete).unwrap();
        assert_eq!(ids(&spec, &exact), ["b/due-date"]);
        let err = items(&spec, &["b/due-*".to_string()], Action::Complete).unwrap_err();
        assert!(
            matches!(err, Fatal::Error { message, .. } if message.contains("none of which `complete`"))
        );
    }

    #[test]
    fn repeats_are_applied_once() {
        let spec = spec();
        let q = vec![
            "a/other".to_string(),
            "other".to_string(),
            "a/*".to_string(),
        ];
        let got = items(&spec, &q, Action::Block).unwrap();
        assert_eq!(
            ids(&spec, &got),
            ["a/parent", "a/parent/one", "a/parent/two", "a/other"]
        );
        let named: Vec<bool> = got.iter().map(|s| s.named).collect();
        assert_eq!(
            named,
            [false, false, false, true],
            "named wins over matched"
        );
    }
}
