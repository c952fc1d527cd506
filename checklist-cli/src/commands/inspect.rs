//! `lint` and `ids`: look at a checklist without any state.

use std::path::Path;

use crate::load;
use crate::outcome::{Fatal, Outcome, Result};
use crate::term::{eprint, print, print_data};

/// Errors and warnings, then a one-line summary. Exit 1 on errors, or on warnings when
/// `strict`.
pub fn lint(file: &Path, strict: bool) -> Result {
    match load::parse_file(file, strict)? {
        Ok(parsed) => {
            for w in &parsed.warnings {
                eprint(&format!(
                    "{}\n",
                    w.render(parsed.spec.file_name(), parsed.spec.source())
                ));
            }
            let summary = parsed.spec.summary();
            let n = parsed.warnings.len();
            print(&format!(
                "{}: {summary}; {n} warning{}\n",
                file.display(),
                if n == 1 { "" } else { "s" }
            ))?;
            Ok(if strict && n > 0 {
                Outcome::No
            } else {
                Outcome::Ok
            })
        }
        Err(diags) => {
            eprint(&format!("{diags}\n"));
            Ok(Outcome::No)
        }
    }
}

/// The item ids in document order, or their JSON views.
pub fn ids(file: &Path, json: bool) -> Result {
    let spec = load::spec(file)?;
    let mut out = String::new();
    if json {
        let views: Vec<_> = spec
            .items()
            .iter()
            .map(|i| spec.item_view(i.index()))
            .collect();
        let text = serde_json::to_string_pretty(&views).map_err(|e| Fatal::Raw(e.to_string()))?;
        out.push_str(&text);
        out.push('\n');
    } else {
        for item in spec.items() {
            out.push_str(item.id());
            out.push('\n');
        }
    }
    print_data(&out)?;
    Ok(Outcome::Ok)
}
