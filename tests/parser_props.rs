//! Property tests for the parser: it never panics on any input, and on generated
//! checklists its ids keep their promises (unique, slug paths, order-independent) and it
//! finds exactly the tasks pulldown-cmark finds.

use std::collections::{BTreeSet, HashSet};

use checklist_core::slug::is_slug;
use checklist_core::{
    Code, Diagnostics, ItemKind, Limits, Mark, ParseOptions, Parsed, parse, parse_bytes,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
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

const CASES: u32 = 256;

/// Failing cases are saved next to this file (`parser_props.proptest-regressions`) and
/// replayed first on the next run.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

// --- (a) arbitrary input never panics ------------------------------------------------

/// What must hold for any input: a consistent spec, or diagnostics that point into the
/// source and render.
fn check_outcome(result: Result<Parsed, Diagnostics>) {
    match result {
        Ok(parsed) => {
            let spec = &parsed.spec;
            let mut seen = HashSet::new();
            for item in spec.items() {
                assert!(seen.insert(item.id()), "duplicate id {}", item.id());
                assert_eq!(spec.index_of(item.id()), Some(item.index()));
                assert!(item.location().span.start <= spec.source().len());
            }
            assert!(parsed.warnings.iter().all(|w| !w.is_error()));
            let _ = parsed.render_warnings();
            let _ = serde_json::to_string(spec).expect("spec serializes");
        }
        Err(err) => {
            assert!(
                err.errors().count() > 0,
                "an Err carries at least one error"
            );
            for d in err.diagnostics() {
                assert!(d.location.span.start <= err.source_text().len());
                assert!(d.location.line >= 1 && d.location.column >= 1);
            }
            let rendered = err.to_string();
            assert!(rendered.contains("error["), "{rendered}");
        }
    }
}

/// Text dense in the characters the checklist language gives meaning to.
fn markdownish() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(String::new()),
        Just("+++\n".to_string()),
        Just("---\n".to_string()),
        Just("+++\nid = \"x\"\n[gates.g]\ninclude = [\"**\"]\n+++\n".to_string()),
        Just("\u{feff}".to_string()),
    ];
    let body = "[-*+#>\\[\\]{}()xX~ _:.=\"'`|!\n\r\t\u{0}a-cé0-9]{0,300}";
    (prefix, body).prop_map(|(p, b)| p + &b)
}

fn tiny_limits() -> impl Strategy<Value = Limits> {
    (0usize..400, 0usize..6, 0usize..6, 0usize..40).prop_map(|(input, items, depth, text)| Limits {
        max_input_bytes: input,
        max_items: items,
        max_depth: depth,
        max_text_bytes: text,
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_string_never_panics(source in any::<String>(), strict in any::<bool>()) {
        check_outcome(parse(&source, &ParseOptions::new("p.md").strict(strict)));
    }

    #[test]
    fn markdownish_text_never_panics(source in markdownish(), strict in any::<bool>()) {
        check_outcome(parse(&source, &ParseOptions::new("p.md").strict(strict)));
    }

    #[test]
    fn any_bytes_never_panic(bytes in vec(any::<u8>(), 0..400), strict in any::<bool>()) {
        let result = parse_bytes(&bytes, &ParseOptions::new("p.md").strict(strict));
        if std::str::from_utf8(&bytes).is_err() {
            let err = result.as_ref().expect_err("invalid UTF-8 is an error");
            prop_assert_eq!(err.diagnostics()[0].code, Code::InvalidUtf8);
        }
        check_outcome(result);
    }

    #[test]
    fn tiny_limits_never_panic(source in markdownish(), limits in tiny_limits()) {
        let result = parse(&source, &ParseOptions::new("p.md").limits(limits));
        if let Ok(parsed) = &result {
            prop_assert!(parsed.spec.items().len() <= limits.max_items);
            // The limit applies to the text after a leading byte order mark.
            let text = source.strip_prefix('\u{feff}').unwrap_or(&source);
            prop_assert!(text.len() <= limits.max_input_bytes);
        }
        check_outcome(result);
    }
}

// --- (b) generated checklists ---------------------------------------------------------

#[derive(Debug, Clone)]
enum Shape {
    Task,
    /// Ends in an optional marker.
    Optional(&'static str),
    /// `Label: ____` with this many underscores.
    Field(usize),
    /// `Label (marker): ____`.
    OptionalField(&'static str, usize),
}

#[derive(Debug, Clone)]
struct Task {
    text: String,
    mark: &'static str,
    shape: Shape,
    children: Vec<Task>,
}

#[derive(Debug, Clone)]
struct Section {
    /// Levels 2..=4; a skipped level is only a warning.
    level: usize,
    title: String,
    tasks: Vec<Task>,
}

#[derive(Debug, Clone)]
struct Doc {
    title: Option<String>,
    root: Vec<Task>,
    sections: Vec<Section>,
}

/// Words joined by single spaces; each word starts with a letter or digit, so no text
/// begins like a list marker, and none holds `_`, `{`, `[` or other markup.
fn text() -> impl Strategy<Value = String> {
    vec("[A-Za-z0-9éÜß][A-Za-z0-9éÜß.,()/&%'-]{0,8}", 1..4).prop_map(|w| w.join(" "))
}

fn marker() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "(if needed)",
        "(IF NEEDED)",
        "(if applicable)",
        "(If Applicable)",
        "(optional)",
        "(Optional)",
    ])
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        4 => Just(Shape::Task),
        1 => marker().prop_map(Shape::Optional),
        1 => (3usize..10).prop_map(Shape::Field),
        1 => (marker(), 3usize..10).prop_map(|(m, n)| Shape::OptionalField(m, n)),
    ]
}

fn mark() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["[ ]", "[ ]", "[x]", "[X]", "[~]"])
}

fn task(depth: u32) -> BoxedStrategy<Task> {
    let children = if depth == 0 {
        Just(Vec::new()).boxed()
    } else {
        vec(task(depth - 1), 0..3).boxed()
    };
    (text(), mark(), shape(), children)
        .prop_map(|(text, mark, shape, children)| Task {
            text,
            mark,
            shape,
            children,
        })
        .boxed()
}

fn doc() -> impl Strategy<Value = Doc> {
    // Sometimes a section repeats its first task in upper case, which is (usually) the
    // same slug: a repeated id.
    let section = (
        2usize..5,
        text(),
        vec(task(2), 0..5),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(level, title, mut tasks, repeat)| {
            if repeat && let Some(first) = tasks.first() {
                let copy = Task {
                    text: first.text.to_uppercase(),
                    mark: "[ ]",
                    shape: first.shape.clone(),
                    children: vec![],
                };
                tasks.push(copy);
            }
            Section {
                level,
                title,
                tasks,
            }
        });
    (
        prop::option::of(text()),
        vec(task(1), 0..3),
        vec(section, 0..5),
    )
        .prop_map(|(title, root, sections)| Doc {
            title,
            root,
            sections,
        })
}

impl Task {
    fn line_text(&self) -> String {
        match &self.shape {
            Shape::Task => self.text.clone(),
            Shape::Optional(m) => format!("{} {m}", self.text),
            Shape::Field(n) => format!("{}: {}", self.text, "_".repeat(*n)),
            Shape::OptionalField(m, n) => format!("{} {m}: {}", self.text, "_".repeat(*n)),
        }
    }

    fn optional(&self) -> bool {
        matches!(self.shape, Shape::Optional(_) | Shape::OptionalField(..))
    }

    fn field(&self) -> bool {
        matches!(self.shape, Shape::Field(_) | Shape::OptionalField(..))
    }

    fn render(&self, indent: usize, out: &mut String) {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        out.push_str(self.mark);
        out.push(' ');
        out.push_str(&self.line_text());
        out.push('\n');
        for child in &self.children {
            child.render(indent + 2, out);
        }
    }

    /// Document order, parents before children.
    fn flatten<'a>(&'a self, out: &mut Vec<&'a Task>) {
        out.push(self);
        for child in &self.children {
            child.flatten(out);
        }
    }

    fn reversed(&self) -> Task {
        Task {
            children: self.children.iter().rev().map(Task::reversed).collect(),
            ..self.clone()
        }
    }
}

impl Doc {
    fn render(&self) -> String {
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(&format!("# {title}\n\n"));
        }
        for t in &self.root {
            t.render(0, &mut out);
        }
        for s in &self.sections {
            out.push_str(&format!("\n{} {}\n\n", "#".repeat(s.level), s.title));
            for t in &s.tasks {
                t.render(0, &mut out);
            }
        }
        out
    }

    fn tasks(&self) -> Vec<&Task> {
        let mut out = Vec::new();
        for t in self
            .root
            .iter()
            .chain(self.sections.iter().flat_map(|s| s.tasks.iter()))
        {
            t.flatten(&mut out);
        }
        out
    }

    /// The same checklist with the tasks of every section (and every task's children)
    /// in reverse order.
    fn reversed(&self) -> Doc {
        let rev = |tasks: &[Task]| tasks.iter().rev().map(Task::reversed).collect();
        Doc {
            title: self.title.clone(),
            root: rev(&self.root),
            sections: self
                .sections
                .iter()
                .map(|s| Section {
                    tasks: rev(&s.tasks),
                    ..s.clone()
                })
                .collect(),
        }
    }
}

fn task_list_markers(source: &str) -> usize {
    Parser::new_ext(source, markdown_options())
        .filter(|e| matches!(e, Event::TaskListMarker(_)))
        .count()
}

fn parse_generated(source: &str) -> Result<Parsed, TestCaseError> {
    parse(source, &ParseOptions::new("generated.md"))
        .map_err(|e| TestCaseError::fail(format!("generated checklist fails:\n{e}\n---\n{source}")))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_checklists_keep_the_id_invariants(doc in doc()) {
        let source = doc.render();
        let parsed = parse_generated(&source)?;
        let spec = &parsed.spec;
        let generated = doc.tasks();

        // Every task found, in document order, with the meaning it was written with.
        prop_assert_eq!(spec.items().len(), generated.len(), "{}", source);
        for (item, task) in spec.items().iter().zip(&generated) {
            prop_assert_eq!(item.text(), task.line_text());
            prop_assert_eq!(item.is_optional(), task.optional(), "{}", item.id());
            prop_assert_eq!(
                !matches!(item.kind(), ItemKind::Task),
                task.field(),
                "{}", item.id()
            );
            let mark = match task.mark {
                "[ ]" => Mark::Open,
                "[~]" => Mark::NotApplicable,
                _ => Mark::Checked,
            };
            prop_assert_eq!(item.mark(), mark);
            prop_assert_eq!(item.children().len(), task.children.len());
        }

        // Unique, and each a `/`-joined path of slugs under its section and parent.
        let mut ids = HashSet::new();
        for item in spec.items() {
            prop_assert!(ids.insert(item.id()), "duplicate id {}", item.id());
            prop_assert!(
                item.id().split('/').all(is_slug),
                "{} is not a path of slugs", item.id()
            );
            prop_assert_eq!(spec.index_of(item.id()), Some(item.index()));
            let section = spec.section(item.section()).id();
            let under_section = section.is_empty() || item.id().starts_with(&format!("{section}/"));
            prop_assert!(under_section, "{} is not under {}", item.id(), section);
            if let Some(parent) = item.parent() {
                let parent_id = spec.item(parent).id();
                let under_parent = item.id().starts_with(&format!("{parent_id}/"));
                prop_assert!(under_parent, "{} is not under {}", item.id(), parent_id);
            }
        }

        // Exactly the tasks pulldown-cmark sees, plus the `[~]` ones it does not.
        let not_applicable = spec
            .items()
            .iter()
            .filter(|i| i.mark() == Mark::NotApplicable)
            .count();
        prop_assert_eq!(
            spec.items().len(),
            task_list_markers(&source) + not_applicable
        );

        // Reordering keeps ids, as long as no two siblings share a slug (a repeat gets
        // `-2` in document order, so then which one is `-2` depends on the order).
        let repeats = parsed.warnings.iter().any(|w| w.code == Code::RepeatedId);
        if !repeats {
            let reversed_source = doc.reversed().render();
            let reversed = parse_generated(&reversed_source)?;
            let before: BTreeSet<&str> = spec.items().iter().map(|i| i.id()).collect();
            let after: BTreeSet<&str> = reversed.spec.items().iter().map(|i| i.id()).collect();
            prop_assert_eq!(before, after, "{}\n---\n{}", source, reversed_source);
            // And each id still names the same text.
            for item in reversed.spec.items() {
                prop_assert_eq!(item.text(), spec.item_by_id(item.id()).unwrap().text());
            }
        }
    }

    #[test]
    fn generated_checklists_parse_the_same_in_strict_mode_without_repeats(doc in doc()) {
        let source = doc.render();
        let default = parse_generated(&source)?;
        let repeats = default.warnings.iter().any(|w| w.code == Code::RepeatedId);
        let strict = parse(&source, &ParseOptions::new("generated.md").strict(true));
        match strict {
            Ok(strict) => {
                prop_assert!(!repeats);
                prop_assert_eq!(strict.spec.digest(), default.spec.digest());
            }
            Err(err) => {
                prop_assert!(repeats, "strict mode fails only on repeats:\n{}", err);
                prop_assert!(err.errors().all(|d| d.code == Code::DuplicateId));
            }
        }
    }
}
