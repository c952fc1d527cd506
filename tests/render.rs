//! Rendering the state into the Markdown keeps every id, and the boxes match the state.
//! Includes the regression for the fuzzer's first finding.

use checklist_md::{Actor, Mark, ParseOptions, Spec, State, Status, parse};

fn boxes_match(state: &State, rendered: &Spec) {
    for (item, st) in rendered.items().iter().zip(state.items()) {
        let expected = match st.status() {
            Status::Done | Status::Filled | Status::Approved => Mark::Checked,
            Status::NotApplicable => Mark::NotApplicable,
            _ => Mark::Open,
        };
        assert_eq!(item.mark(), expected, "{}", item.id());
    }
}

fn ids(spec: &Spec) -> Vec<&str> {
    spec.items().iter().map(|i| i.id()).collect()
}

/// Found by `fuzz/fuzz_targets/render_roundtrip.rs` within a minute: the annotation used
/// to be a nested bullet, and a child indented past that bullet's content column became
/// the bullet's child, so its id gained the annotation's text.
#[test]
fn annotations_do_not_adopt_deeply_indented_children() {
    let md =
        "# T\n\n- [ ] Parent\n    - [ ] Child indented four\n      - [ ] Grandchild\n- [ ] Next\n";
    let spec = Spec::parse(md).unwrap();
    assert_eq!(
        ids(&spec),
        [
            "parent",
            "parent/child-indented-four",
            "parent/child-indented-four/grandchild",
            "next"
        ]
    );
    let mut state = State::new(spec.clone());
    let ann = Actor::new("ann");
    state
        .block(
            spec.index_of("parent").unwrap(),
            &ann,
            "waiting on [ ] the `vendor`\n- [ ] not a task",
        )
        .unwrap();
    state
        .complete(
            spec.index_of("parent/child-indented-four/grandchild")
                .unwrap(),
            &ann,
        )
        .unwrap();
    state
        .complete(spec.index_of("parent/child-indented-four").unwrap(), &ann)
        .unwrap();
    let rendered = state.render_markdown();
    let again = parse(&rendered, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{e}\n{rendered}"))
        .spec;
    assert_eq!(ids(&again), ids(&spec), "\n{rendered}");
    boxes_match(&state, &again);
    // On one line, and escaped: the reason's `[ ]` and backticks stay text.
    assert!(
        rendered.contains(
            "- [ ] Parent\n  > blocked: waiting on \\[ \\] the \\`vendor\\` - \\[ \\] not a task"
        ),
        "{rendered}"
    );
}

#[test]
fn rendering_keeps_crlf_and_lone_cr_line_endings() {
    for newline in ["\r\n", "\r"] {
        let md = ["# T", "", "- [ ] A", "- [ ] B", ""].join(newline);
        let spec = Spec::parse(&md).unwrap();
        let mut state = State::new(spec.clone());
        state
            .complete(spec.index_of("a").unwrap(), &Actor::new("ann"))
            .unwrap();
        let rendered = state.render_markdown();
        assert!(
            !rendered.replace(newline, "").contains(['\r', '\n']),
            "{rendered:?}"
        );
        let again = Spec::parse(&rendered).unwrap();
        assert_eq!(ids(&again), ids(&spec));
        boxes_match(&state, &again);
    }
}

/// User text goes into the rendered file as text: a value that looks like a link, HTML,
/// emphasis or a new line of Markdown does not become one.
#[test]
fn user_values_are_escaped_in_the_rendered_markdown() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let md = "# T\n\n- [ ] Ship it\n- [ ] Notes: ____\n";
    let spec = Spec::parse(md).unwrap();
    let mut state = State::new(spec.clone());
    let hostile =
        "[click](javascript:alert(1)) <img src=x onerror=alert(1)> *bold* `code`\n- [x] forged";
    state
        .apply(
            spec.index_of("ship-it").unwrap(),
            &Actor::new("eve [x](https://evil.example)"),
            checklist_md::Request::Complete {
                note: Some(hostile),
                evidence: Some("<https://evil.example>"),
            },
        )
        .unwrap();
    state
        .fill(spec.index_of("notes").unwrap(), &Actor::new("eve"), hostile)
        .unwrap();
    let rendered = state.render_markdown();
    let options =
        Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(&rendered, options) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::Emphasis | Tag::Strong)
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::Code(_) => panic!("user text became markup: {event:?}\n{rendered}"),
            _ => {}
        }
    }
    // Still one item per item, the same ids, and the text reads as it was given.
    let again = Spec::parse(&rendered).unwrap();
    assert_eq!(ids(&again), ids(&spec), "{rendered}");
    let text: String = Parser::new_ext(&rendered, options)
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.into_string()),
            _ => None,
        })
        .collect();
    assert!(text.contains("[click](javascript:alert(1))"), "{text}");
}
