//! Rendering the state into the Markdown keeps every id, and the boxes match the state.
//! Includes the regression for the fuzzer's first finding.

use checklist::{Actor, Mark, ParseOptions, Spec, State, Status, parse};

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
    assert!(
        rendered
            .contains("- [ ] Parent\n  > blocked: waiting on [ ] the `vendor` - [ ] not a task"),
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
