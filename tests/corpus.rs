//! Real-world checklists: every `*.md` in `$CHECKLIST_CORPUS` must parse without error,
//! and the parser must find exactly the task items pulldown-cmark finds (plus the `[~]`
//! items, which are GitLab's convention and not a GFM task list marker).
//!
//! `.ci/run` sets `CHECKLIST_CORPUS=../shared/corpus`; without it the test is skipped
//! with a note on stderr. A relative path is resolved against the crate root.

use std::path::{Path, PathBuf};

use checklist_core::{Mark, ParseOptions, parse};
use pulldown_cmark::{Event, Options, Parser};

/// The pulldown-cmark options the checklist language is defined on (the parser's own,
/// which are not public): CommonMark plus GFM task lists, tables, strikethrough,
/// footnotes, alert quotes and both front matter styles.
fn markdown_options() -> Options {
    Options::ENABLE_TASKLISTS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CHECKLIST_CORPUS")?;
    let dir = PathBuf::from(dir);
    Some(if dir.is_absolute() {
        dir
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
    })
}

fn task_list_markers(source: &str) -> usize {
    Parser::new_ext(source, markdown_options())
        .filter(|e| matches!(e, Event::TaskListMarker(_)))
        .count()
}

#[test]
fn every_corpus_file_parses_and_finds_every_task() {
    let Some(dir) = corpus_dir() else {
        eprintln!(
            "CHECKLIST_CORPUS is unset: corpus test skipped; .ci/run sets it to ../shared/corpus"
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read CHECKLIST_CORPUS={}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "CHECKLIST_CORPUS={} holds no *.md files",
        dir.display()
    );

    let mut failures = Vec::new();
    let mut total_items = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).expect("readable corpus file");
        let parsed = match checklist_core::parse_bytes(&bytes, &ParseOptions::new(name.clone())) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}: does not parse:\n{e}"));
                continue;
            }
        };
        let spec = &parsed.spec;
        let not_applicable = spec
            .items()
            .iter()
            .filter(|i| i.mark() == Mark::NotApplicable)
            .count();
        // The parser strips a leading BOM before pulldown-cmark sees the text; do the same.
        let text = std::str::from_utf8(&bytes).expect("corpus files are UTF-8");
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let markers = task_list_markers(text);
        if spec.items().len() != markers + not_applicable {
            failures.push(format!(
                "{name}: {} items, but pulldown-cmark reports {markers} task list markers \
                 and there are {not_applicable} `[~]` items",
                spec.items().len()
            ));
        }
        // The same text through `parse` gives the same spec.
        let again = parse(text, &ParseOptions::new(name.clone())).expect("parses as str too");
        assert_eq!(again.spec.digest(), spec.digest(), "{name}");
        total_items += spec.items().len();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(total_items > 0, "the corpus holds no task items at all");
    eprintln!(
        "corpus: {} files, {total_items} items, all parsed",
        files.len()
    );
}
