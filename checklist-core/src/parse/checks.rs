//! Step 5 of the resolver: `[checks."ID"]`, each bound to a task, located like an item
//! override when it is not.

use super::front_matter::FrontMatter;
use super::resolve::Resolver;
use crate::diagnostic::Code;
use crate::pattern::closest_id;
use crate::spec::check::{Check, DEFAULT_TIMEOUT, definition_digest, parse_duration};
use crate::spec::{IdIndex, Item};

const DURATION_HELP: &str =
    "a duration is a whole number and `s`, `m`, `h` or `d`, e.g. `timeout = \"10m\"`";

/// The checks, in item order; every bad one reported.
pub(super) fn resolve(
    r: &mut Resolver<'_>,
    fm: &FrontMatter,
    items: &[Item],
    item_ids: &IdIndex,
) -> Vec<Check> {
    let mut checks = Vec::new();
    for (key, decl) in &fm.checks {
        let key_span = r.fm_span(key.span());
        let Some(index) = item_ids.get(key.get_ref(), items) else {
            let hint = closest_id(key.get_ref(), items.iter().map(|i| &*i.id));
            r.diag(
                Code::UnknownReference,
                key_span,
                format!(
                    "the check names the item `{}`, which does not exist",
                    key.get_ref()
                ),
                hint.map_or_else(
                    || {
                        "a check's key is the id of the task it verifies, e.g. `checks/tests-pass`"
                            .to_string()
                    },
                    |h| format!("did you mean `{h}`?"),
                ),
            );
            continue;
        };
        let item = &items[index.get()];
        if !matches!(item.kind, crate::spec::ItemKind::Task) {
            r.diag(
                Code::InvalidCheck,
                key_span,
                format!(
                    "`{}` is a {}; only a task can have a check",
                    key.get_ref(),
                    crate::state::Kind::of(&item.kind)
                ),
                "a check verifies a task (`- [ ] text`); fields are filled and sign-offs given by people".into(),
            );
            continue;
        }
        let mut ok = true;
        if decl.run.get_ref().trim().is_empty() {
            r.diag(
                Code::InvalidCheck,
                r.fm_span(decl.run.span()),
                format!("the check of `{}` has an empty command", key.get_ref()),
                "give the command to run, e.g. `run = \"cargo test\"`".into(),
            );
            ok = false;
        } else if decl.run.get_ref().contains('\0') {
            // No process can be given it: the run could only ever fail to start.
            r.diag(
                Code::InvalidCheck,
                r.fm_span(decl.run.span()),
                format!(
                    "the check of `{}` has a NUL character in its command",
                    key.get_ref()
                ),
                "remove the `\\u0000` from `run`: a command line cannot hold it".into(),
            );
            ok = false;
        }
        let mut duration = |value: &Option<toml::Spanned<String>>, name: &str| match value {
            None => None,
            Some(v) => match parse_duration(v.get_ref()) {
                Ok(d) => Some(d),
                Err(why) => {
                    r.diag(
                        Code::InvalidCheck,
                        r.fm_span(v.span()),
                        format!("the check's `{name}`: {why}"),
                        DURATION_HELP.into(),
                    );
                    ok = false;
                    None
                }
            },
        };
        let timeout = duration(&decl.timeout, "timeout").unwrap_or(DEFAULT_TIMEOUT);
        let valid_for = duration(&decl.valid_for, "valid_for");
        if !ok {
            continue;
        }
        let location = r.lines.locate(r.src, key_span);
        checks.push(Check {
            item: index,
            item_id: item.id.to_string(),
            run: decl.run.get_ref().clone(),
            timeout,
            valid_for,
            definition: definition_digest(decl.run.get_ref()),
            location,
        });
    }
    checks.sort_by_key(|c| c.item);
    checks
}
