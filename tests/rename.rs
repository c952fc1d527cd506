//! Carrying an item's state and history to its new id when the checklist rewords it.

use std::sync::Arc;

use checklist_md::{Action, Actor, ItemState, Origin, Payload, Spec, State, Status};

fn spec(md: &str) -> Arc<Spec> {
    Arc::new(Spec::parse(md).unwrap())
}

const V1: &str = "# R\n\n- [ ] Tests pass\n- [ ] Docs\n- [ ] Lead Approval: ____\n";
const V2: &str = "# R\n\n- [ ] Unit tests pass\n- [ ] Docs\n- [ ] Lead Approval: ____\n";

fn worked() -> String {
    let v1 = spec(V1);
    let mut s = State::new(&v1);
    s.complete(v1.index_of("tests-pass").unwrap(), &Actor::new("ann"))
        .unwrap();
    s.complete(v1.index_of("docs").unwrap(), &Actor::new("ann"))
        .unwrap();
    s.approve(
        v1.index_of("lead-approval").unwrap(),
        &Actor::new("lee").with_role("lead"),
        None,
    )
    .unwrap();
    s.to_json()
}

#[test]
fn a_reworded_item_gets_its_history_back_in_the_log() {
    let v2 = spec(V2);
    let loaded = State::from_json(&v2, &worked()).unwrap();
    let migration = loaded.migration.unwrap();
    assert_eq!(migration.removed, ["tests-pass"]);
    assert_eq!(migration.added, ["unit-tests-pass"]);
    let mut state = loaded.state;
    let new = v2.index_of("unit-tests-pass").unwrap();
    assert_eq!(state.item(new).status(), Status::Pending);
    let change = state.rename("tests-pass", new, &Actor::new("ana")).unwrap();
    // The state and who did it come back; the orphan goes.
    assert!(matches!(
        state.item(new),
        ItemState::Done { origin: Origin::Change { by, .. }, .. } if &**by == "ann"
    ));
    assert!(!state.orphans().contains_key("tests-pass"));
    let events = &state.events()[change.events.clone()];
    assert_eq!(events[0].action(), Action::Rename);
    assert!(matches!(&events[0].payload, Payload::Rename { from } if &**from == "tests-pass"));
    assert_eq!(&*events[0].actor, "ana");
    assert_eq!(
        (events[0].from, events[0].to),
        (Status::Pending, Status::Done)
    );
    // The approval covered what was reworded: loading for the new checklist voided it
    // already (an item it covers was added), so the rename has nothing more to void.
    assert_eq!(events.len(), 1);
    assert_eq!(
        state.get("lead-approval").unwrap().status(),
        Status::Unsigned
    );
    // A replay of the log gives the same state; it saves and loads unchanged.
    let replayed = State::replay(&v2, state.events().to_vec()).unwrap();
    assert_eq!(replayed.items(), state.items());
    let again = State::from_json(&v2, &state.to_json()).unwrap();
    assert!(again.migration.is_none());
    assert_eq!(again.state, state);
}

/// A rename to try on a fresh state.
type Attempt<'a> = Box<dyn Fn(&mut State) -> Result<(), checklist_md::RenameError> + 'a>;

#[test]
fn a_rename_that_would_lose_or_mix_histories_is_refused() {
    let v2 = spec(V2);
    let fresh = || State::from_json(&v2, &worked()).unwrap().state;
    let actor = Actor::new("ana");
    let new = v2.index_of("unit-tests-pass").unwrap();
    let docs = v2.index_of("docs").unwrap();
    let cases: Vec<(Attempt<'_>, &str)> = vec![
        (
            Box::new(|s| s.rename("docs", new, &actor).map(drop)),
            "still an item",
        ),
        (
            Box::new(|s| s.rename("tests-pass", docs, &actor).map(drop)),
            "history of its own",
        ),
        (
            Box::new(|s| s.rename("never-was", new, &actor).map(drop)),
            "nothing recorded",
        ),
        (
            Box::new(|s| s.rename("unit-tests-pass", new, &actor).map(drop)),
            "still an item",
        ),
        (
            Box::new(|s| {
                s.rename("tests-pass", v2.index_of("lead-approval").unwrap(), &actor)
                    .map(drop)
            }),
            "has a history of its own",
        ),
    ];
    for (attempt, why) in cases {
        let mut state = fresh();
        let before = state.to_json();
        let err = attempt(&mut state).unwrap_err();
        assert!(err.to_string().contains(why), "{err}");
        assert_eq!(state.to_json(), before, "a refused rename changes nothing");
    }
    // Twice is refused the second time: the new id has its history now.
    let mut state = fresh();
    state.rename("tests-pass", new, &actor).unwrap();
    let err = state.rename("tests-pass", new, &actor).unwrap_err();
    assert!(err.to_string().contains("history of its own"), "{err}");
}

#[test]
fn a_rename_to_another_kind_is_refused() {
    let v1 = spec("# R\n\n- [ ] Owner\n");
    let mut s = State::new(&v1);
    s.complete(v1.index_of("owner").unwrap(), &Actor::new("ann"))
        .unwrap();
    let v2 = spec("# R\n\n- [ ] Owner Name: ____\n");
    let mut state = State::from_json(&v2, &s.to_json()).unwrap().state;
    let before = state.to_json();
    let err = state
        .rename(
            "owner",
            v2.index_of("owner-name").unwrap(),
            &Actor::new("ana"),
        )
        .unwrap_err();
    assert!(err.to_string().contains("was a task"), "{err}");
    assert_eq!(state.to_json(), before);
}
