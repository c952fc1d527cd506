//! Access rules, enforced by the library itself (the CLI only passes them through):
//! a sign-off is approved, rejected or revoked only by an actor holding its role, and a
//! waiver of a required item needs a named approver other than the actor asking for it.
//! Every refusal is its own `Refusal` variant and leaves the state, and so its JSON, byte
//! for byte as it was, through `State` directly and through `FileStore::update`.

use std::sync::Arc;

use checklist_md::clock::FixedClock;
use checklist_md::{
    Actor, FileStore, ItemIndex, ItemState, Origin, ParseOptions, Payload, Refusal, Spec, State,
    Status, Store, TransitionError, UpdateError, parse,
};
use chrono::{Duration, NaiveDate, TimeZone, Utc};

const RELEASE: &str = "\
# Release

## Checks

- [ ] Build passes
- [ ] Tests pass
- [ ] Docs updated (optional)

## Sign-Off

- [ ] Lead Approval: ____
- [ ] Security Approval: ____
";

fn spec() -> Arc<Spec> {
    let parsed = parse(RELEASE, &ParseOptions::new("release.md")).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.warnings.is_empty(), "{}", parsed.render_warnings());
    Arc::new(parsed.spec)
}

fn fresh(spec: &Arc<Spec>) -> State {
    let start = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
    State::new(spec.clone()).with_clock(Arc::new(FixedClock::stepping(start, Duration::seconds(1))))
}

fn ix(spec: &Arc<Spec>, id: &str) -> ItemIndex {
    spec.index_of(id).unwrap_or_else(|| panic!("no item {id}"))
}

fn lead() -> Actor {
    Actor::new("lee").with_role("lead")
}

/// Every task resolved, so the sign-off gate passes and only the role decides.
fn ready(spec: &Arc<Spec>) -> State {
    let mut s = fresh(spec);
    let ann = Actor::new("ann");
    s.complete(ix(spec, "checks/build-passes"), &ann).unwrap();
    s.complete(ix(spec, "checks/tests-pass"), &ann).unwrap();
    s.complete(ix(spec, "checks/docs-updated"), &ann).unwrap();
    s
}

/// Applies `change`, expects `refusal`, and checks that nothing changed.
fn refused(
    state: &mut State,
    refusal: &Refusal,
    change: impl FnOnce(&mut State) -> Result<checklist_md::Change, TransitionError>,
) -> TransitionError {
    let before = state.to_json();
    let (events, revision) = (state.events().len(), state.revision());
    let err = change(state).expect_err("expected a refusal");
    assert_eq!(&err.refusal, refusal, "{err}");
    assert!(!err.help().is_empty());
    assert_eq!(
        state.to_json(),
        before,
        "a refusal leaves the JSON byte-identical"
    );
    assert_eq!((state.events().len(), state.revision()), (events, revision));
    err
}

fn missing(actor: &str, role: &str) -> Refusal {
    Refusal::MissingRole {
        actor: actor.into(),
        role: role.into(),
    }
}

// --- sign-offs -------------------------------------------------------------------------

#[test]
fn approving_without_the_role_is_refused() {
    let spec = spec();
    let mut state = ready(&spec);
    let item = ix(&spec, "sign-off/lead-approval");
    for actor in [
        Actor::new("mallory"),
        Actor::new("mallory").with_role("security"),
        // Roles are exact: no case folding, no padding, no prefixes.
        Actor::new("mallory").with_role("Lead"),
        Actor::new("mallory").with_role(" lead"),
        Actor::new("mallory").with_role("lead-approval"),
        Actor::new("mallory").with_role("lea"),
        Actor::new("mallory").with_role(""),
    ] {
        let err = refused(&mut state, &missing("mallory", "lead"), |s| {
            s.approve(item, &actor, Some("lgtm"))
        });
        assert_eq!(err.status, Status::Unsigned);
        assert!(
            err.to_string()
                .contains("`mallory` does not hold the role `lead`"),
            "{err}"
        );
        assert!(err.help().contains("`lead`"));
    }
    // The name does not matter either: a role holder's name without the role is nothing.
    refused(&mut state, &missing("lee", "lead"), |s| {
        s.approve(item, &Actor::new("lee"), None)
    });
    // The role is checked before the gate: someone without it learns nothing more.
    let mut early = fresh(&spec);
    refused(&mut early, &missing("mallory", "lead"), |s| {
        s.approve(item, &Actor::new("mallory"), None)
    });
    // With the role it goes through.
    state.approve(item, &lead(), Some("lgtm")).unwrap();
    assert!(
        matches!(state.item(item), ItemState::Approved { by, role, .. } if &**by == "lee" && &**role == "lead")
    );
}

#[test]
fn rejecting_without_the_role_is_refused() {
    let spec = spec();
    let mut state = ready(&spec);
    let item = ix(&spec, "sign-off/security-approval");
    refused(&mut state, &missing("lee", "security"), |s| {
        s.reject(item, &lead(), "not yet")
    });
    // Even once approved, someone else cannot reject it.
    let sec = Actor::new("sue").with_role("security");
    state.approve(item, &sec, None).unwrap();
    refused(&mut state, &missing("lee", "security"), |s| {
        s.reject(item, &lead(), "overruled")
    });
    state.reject(item, &sec, "found an issue").unwrap();
    assert_eq!(state.item(item).status(), Status::Rejected);
}

#[test]
fn revoking_without_the_role_is_refused() {
    let spec = spec();
    let mut state = ready(&spec);
    let item = ix(&spec, "sign-off/lead-approval");
    state.approve(item, &lead(), None).unwrap();
    for actor in [
        Actor::new("mallory"),
        Actor::new("sue").with_role("security"),
    ] {
        let name = actor.name().to_string();
        let err = refused(&mut state, &missing(&name, "lead"), |s| {
            s.revoke(item, &actor, Some("changed my mind"))
        });
        assert_eq!(err.status, Status::Approved);
    }
    // A rejection cannot be revoked by someone without the role either.
    state.reject(item, &lead(), "wait").unwrap();
    refused(&mut state, &missing("mallory", "lead"), |s| {
        s.revoke(item, &Actor::new("mallory"), None)
    });
    // Another holder of the role can.
    state
        .revoke(item, &Actor::new("lou").with_role("lead"), Some("resolved"))
        .unwrap();
    assert_eq!(state.item(item).status(), Status::Unsigned);
}

// --- waivers ---------------------------------------------------------------------------

#[test]
fn a_waiver_approved_by_the_actor_who_asked_is_refused() {
    let spec = spec();
    let mut state = fresh(&spec);
    let item = ix(&spec, "checks/tests-pass");
    for (actor, approver) in [
        ("ann", "ann"),
        // Padding on either side does not make a second person.
        ("ann", " ann "),
        ("ann", "\tann\n"),
        (" ann", "ann"),
        ("ann\u{a0}", "\u{3000}ann"),
        // Nor does case, or a character no one sees.
        ("ann", "ANN"),
        ("Ann", "ann"),
    ] {
        let err = refused(
            &mut state,
            // Recorded and named as the principal it normalizes to.
            &Refusal::SelfApprovedWaiver {
                actor: actor.trim().into(),
            },
            |s| s.waive(item, &Actor::new(actor), "flaky on CI", approver, None),
        );
        assert!(err.help().contains("second person"), "{}", err.help());
    }
    // An optional item needs no waiver, but one given is still checked.
    let optional = ix(&spec, "checks/docs-updated");
    refused(
        &mut state,
        &Refusal::SelfApprovedWaiver {
            actor: "ann".into(),
        },
        |s| s.waive(optional, &Actor::new("ann"), "internal", "ann", None),
    );
}

#[test]
fn a_waiver_needs_a_named_approver() {
    let spec = spec();
    let mut state = fresh(&spec);
    let item = ix(&spec, "checks/tests-pass");
    let ann = Actor::new("ann");
    for approver in ["", " ", "\t\n", "\u{a0}"] {
        refused(&mut state, &Refusal::WaiverRequired, |s| {
            s.waive(item, &ann, "flaky on CI", approver, None)
        });
    }
    // A required item skipped without a waiver at all, or without a reason.
    refused(&mut state, &Refusal::WaiverRequired, |s| {
        s.skip(item, &ann, Some("flaky on CI"))
    });
    refused(&mut state, &Refusal::ReasonRequired, |s| {
        s.skip(item, &ann, None)
    });
    refused(&mut state, &Refusal::ReasonRequired, |s| {
        s.waive(item, &ann, "  ", "bob", None)
    });
    // Also when it is blocked first.
    state.block(item, &ann, "CI down").unwrap();
    refused(&mut state, &Refusal::WaiverRequired, |s| {
        s.skip(item, &ann, Some("flaky on CI"))
    });
    // A waiver that would already be expired.
    let today = state.today();
    refused(
        &mut state,
        &Refusal::WaiverAlreadyExpired {
            expires: today,
            today,
        },
        |s| s.waive(item, &ann, "flaky on CI", "bob", Some(today)),
    );
    // With a second person it goes through, recorded trimmed.
    let until = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    state
        .waive(item, &ann, "flaky on CI", "  bob ", Some(until))
        .unwrap();
    match state.item(item) {
        ItemState::NotApplicable {
            origin: Origin::Change { by, .. },
            waiver: Some(w),
            ..
        } => assert_eq!(
            (&**by, &*w.approver, w.expires),
            ("ann", "bob", Some(until))
        ),
        other => panic!("{other:?}"),
    }
    match &state.events().last().unwrap().payload {
        Payload::Skip {
            waiver: Some(w), ..
        } => assert_eq!(&*w.approver, "bob"),
        other => panic!("{other:?}"),
    }
    // An optional item may be skipped without a waiver.
    state
        .skip(ix(&spec, "checks/docs-updated"), &ann, None)
        .unwrap();
}

// --- through the store -----------------------------------------------------------------

#[test]
fn refusals_through_the_file_store_write_nothing() {
    let spec = spec();
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("state.json"));
    let ann = Actor::new("ann");
    for id in [
        "checks/build-passes",
        "checks/tests-pass",
        "checks/docs-updated",
    ] {
        let item = ix(&spec, id);
        store.update(&spec, |s| s.complete(item, &ann)).unwrap();
    }
    let before = std::fs::read(store.path()).unwrap();
    let lead_item = ix(&spec, "sign-off/lead-approval");
    let tests = ix(&spec, "checks/tests-pass");
    type Attempt = Box<dyn Fn(&mut State) -> Result<checklist_md::Change, TransitionError>>;
    let attempts: Vec<(Refusal, Attempt)> = vec![
        (
            missing("mallory", "lead"),
            Box::new(move |s| s.approve(lead_item, &Actor::new("mallory"), None)),
        ),
        (
            missing("mallory", "lead"),
            Box::new(move |s| s.reject(lead_item, &Actor::new("mallory"), "no")),
        ),
        (
            Refusal::SelfApprovedWaiver {
                actor: "ann".into(),
            },
            Box::new(move |s| {
                s.reopen(tests, &Actor::new("ann"), "again")?;
                s.waive(tests, &Actor::new("ann"), "flaky", " ann", None)
            }),
        ),
    ];
    for (refusal, attempt) in attempts {
        match store.update(&spec, |s| attempt(s)) {
            Err(UpdateError::Refused(e)) => assert_eq!(e.refusal, refusal),
            other => panic!("{other:?}"),
        }
        // Nothing written, not even the reopen that came before the refused waiver.
        assert_eq!(std::fs::read(store.path()).unwrap(), before);
    }
    let state = store.load(&spec).unwrap().state;
    assert_eq!(state.revision(), 3);
    assert_eq!(state.item(tests).status(), Status::Done);
}
