//! Attacks on sign-offs, each refused or voided, and nothing written that should not be:
//! people bound to roles, SSH-signed events, a history the signatures anchor, approvals
//! that mean what the signer saw, principals compared as identities.

use std::sync::Arc;

use checklist_md::clock::FixedClock;
use checklist_md::trust::{AllowedSigners, PrivateKeySigner, SignatureCheck, Signer};
use checklist_md::{
    Actor, ChainError, Document, Request, Spec, State, StateError, Status, TransitionError, Unmet,
    WaiverRequest,
};

/// Four people, each with a key; `mallory` is in no file.
fn key(who: &str) -> PrivateKeySigner {
    let seed = match who {
        "ana" => [1; 32],
        "li" => [2; 32],
        "sec" => [3; 32],
        "ops" => [4; 32],
        _ => [9; 32],
    };
    PrivateKeySigner::ed25519_from_seed(&seed, &format!("{who}@example.com"))
}

fn line(who: &str, options: &str) -> String {
    format!(
        "{who}@example.com {options}{}\n",
        key(who).public_key().to_openssh()
    )
}

fn allowed(lines: &[String]) -> AllowedSigners {
    AllowedSigners::parse(&lines.concat()).unwrap()
}

fn everyone() -> AllowedSigners {
    allowed(&[
        line("ana", "namespaces=\"checklist\" "),
        line("li", ""),
        line("sec", ""),
        line("ops", ""),
    ])
}

const RELEASE: &str = r#"+++
id = "release"
signoff_gate = "ship"

[roles]
lead = ["ana@example.com", "li@example.com"]
security = ["sec@example.com"]

[signatures]
allowed_signers = "allowed_signers"
required = true

[gates.ship]
include = ["checks/**", "sign-off/**"]
+++

# Release

## Checks

- [ ] Tests pass {#tests}
- [ ] Docs updated {#docs}

## Later

- [ ] Announce on Friday {#announce}

## Sign-off

- [ ] Lead Approval: ________
- [ ] Security Approval: ________
"#;

const TIME: &str = "2026-11-26T09:00:00Z";

fn spec_of(source: &str, signers: AllowedSigners) -> Arc<Spec> {
    Arc::new(Spec::parse(source).unwrap().with_allowed_signers(signers))
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::parse(TIME, chrono::Duration::seconds(1)).unwrap())
}

fn person(who: &str) -> Actor {
    Actor::new(format!("{who}@example.com"))
}

fn index(state: &State, id: &str) -> checklist_md::ItemIndex {
    state
        .spec()
        .index_of(id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

const LEAD: &str = "sign-off/lead-approval";
const SECURITY: &str = "sign-off/security-approval";

/// The checks done by ana; nothing signed yet.
fn checks_done(spec: Arc<Spec>) -> State {
    let mut state = State::new(spec).with_clock(clock());
    for id in ["checks/tests", "checks/docs"] {
        let i = index(&state, id);
        state.complete(i, &person("ana")).unwrap();
    }
    state
}

fn approve(
    state: &mut State,
    id: &str,
    who: &str,
    signer: &dyn Signer,
) -> Result<(), TransitionError> {
    let i = index(state, id);
    state
        .apply_signed(
            i,
            &person(who),
            Request::Approve {
                comment: Some("looks good"),
            },
            signer,
        )
        .map(|_| ())
}

/// Both sign-offs given, signed by their holders.
fn signed_off() -> State {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    approve(&mut state, LEAD, "ana", &key("ana")).unwrap();
    approve(&mut state, SECURITY, "sec", &key("sec")).unwrap();
    state
}

/// A refused change: the refusal, and the state byte for byte as before.
fn refused(
    state: &mut State,
    change: impl FnOnce(&mut State) -> Result<(), TransitionError>,
) -> TransitionError {
    let before = state.to_json();
    let err = change(state).expect_err("the change must be refused");
    assert_eq!(state.to_json(), before, "a refused change wrote something");
    err
}

/// Re-hashes a log after it was edited, as a forger who knows the encoding would.
fn rehash(doc: &mut Document) {
    let mut previous = checklist_md::EventHash::GENESIS;
    for (i, e) in doc.events.iter_mut().enumerate() {
        e.seq = i as u64 + 1;
        e.hash = e.compute_hash(&previous);
        previous = e.hash;
    }
    doc.revision = doc.events.last().map_or(0, |e| e.revision);
}

/// Loading `doc` fails on event `seq`'s signature.
fn broken_signature(spec: Arc<Spec>, doc: Document) -> (u64, String) {
    match State::from_document_with_clock(spec, doc, clock()) {
        Err(StateError::Chain(ChainError::Signature { seq, problem })) => (seq, problem),
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a forged document loaded"),
    }
}

#[test]
fn the_happy_path_verifies_and_passes_the_gate() {
    let state = signed_off();
    assert!(state.evaluate_named("ship").unwrap().passed);
    let loaded = State::from_json(state.spec().clone(), &state.to_json()).unwrap();
    assert!(loaded.migration.is_none());
    let approvals: Vec<_> = loaded
        .state
        .events()
        .iter()
        .filter(|e| e.signature.is_some())
        .map(|e| loaded.state.signature_check(e.seq))
        .collect();
    assert_eq!(approvals.len(), 2);
    for check in approvals {
        match check {
            SignatureCheck::Verified {
                principal,
                fingerprint,
            } => {
                assert!(principal.ends_with("@example.com"));
                assert!(fingerprint.to_string().starts_with("SHA256:"));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_unsigned_approval_is_refused_when_signatures_are_required() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    let i = index(&state, LEAD);
    let err = refused(&mut state, |s| {
        s.approve(i, &person("ana"), None).map(|_| ())
    });
    assert!(
        err.to_string()
            .contains("requires it to be signed by `ana@example.com`"),
        "{err}"
    );
}

#[test]
fn a_key_the_file_does_not_list_is_refused() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    let err = refused(&mut state, |s| approve(s, LEAD, "ana", &key("mallory")));
    let text = err.to_string();
    assert!(text.contains("not trusted for `ana@example.com`"), "{text}");
    assert!(
        err.help()
            .contains("allowed-signers file lists for `ana@example.com`")
    );
}

#[test]
fn another_listed_persons_key_does_not_sign_for_you() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    // li's key is listed, for li.
    let err = refused(&mut state, |s| approve(s, LEAD, "ana", &key("li")));
    assert!(
        err.to_string()
            .contains("not listed for principal `ana@example.com`"),
        "{err}"
    );
}

#[test]
fn a_listed_key_of_someone_outside_the_role_cannot_sign_it() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    let err = refused(&mut state, |s| approve(s, LEAD, "sec", &key("sec")));
    let text = err.to_string();
    assert!(
        text.contains("the checklist binds it to `ana@example.com`, `li@example.com`"),
        "{text}"
    );
}

#[test]
fn an_expired_key_is_refused() {
    let signers = allowed(&[line("ana", "valid-before=\"20260101Z\" "), line("sec", "")]);
    let mut state = checks_done(spec_of(RELEASE, signers));
    let err = refused(&mut state, |s| approve(s, LEAD, "ana", &key("ana")));
    assert!(err.to_string().contains("expired"), "{err}");
}

#[test]
fn a_role_claim_the_binding_does_not_give_is_refused() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    let i = index(&state, "later/announce");
    let liar = person("li").with_role("security");
    let err = refused(&mut state, |s| s.complete(i, &liar).map(|_| ()));
    assert!(
        err.to_string()
            .contains("does not hold the role `security`"),
        "{err}"
    );
    assert!(err.help().contains("`sec@example.com`"), "{}", err.help());
}

#[test]
fn a_self_approved_waiver_disguised_by_case_or_an_invisible_character_is_refused() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    let i = index(&state, "later/announce");
    for approver in [
        "ANA@example.com",
        "ana@EXAMPLE.com",
        "ana@example.com\u{200b}",
        " ana@example.com",
    ] {
        let err = refused(&mut state, |s| {
            s.apply_signed(
                i,
                &person("ana"),
                Request::Skip {
                    reason: Some("not this time"),
                    waiver: Some(WaiverRequest {
                        approver,
                        expires: None,
                    }),
                },
                &key("ana"),
            )
            .map(|_| ())
        });
        let text = err.to_string();
        assert!(
            text.contains("cannot approve a waiver they asked for") || text.contains("invisible"),
            "{approver:?}: {text}"
        );
    }
    // The actor's own name cannot hide a character either.
    let err = refused(&mut state, |s| {
        s.complete(i, &Actor::new("ana\u{200b}@example.com"))
            .map(|_| ())
    });
    assert!(err.to_string().contains("U+200B"), "{err}");
}

#[test]
fn a_waiver_by_an_unbound_approver_is_refused() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    let i = index(&state, "later/announce");
    let err = refused(&mut state, |s| {
        s.apply_signed(
            i,
            &person("ana"),
            Request::Skip {
                reason: Some("not this time"),
                waiver: Some(WaiverRequest {
                    approver: "ops@example.com",
                    expires: None,
                }),
            },
            &key("ops"),
        )
        .map(|_| ())
    });
    assert!(
        err.to_string().contains("holds no role of the checklist"),
        "{err}"
    );
}

#[test]
fn a_waiver_is_signed_by_its_approver() {
    let mut state = checks_done(spec_of(RELEASE, everyone()));
    let i = index(&state, "later/announce");
    let waiver = |approver| Request::Skip {
        reason: Some("not this time"),
        waiver: Some(WaiverRequest {
            approver,
            expires: None,
        }),
    };
    // Signed by the one who asks: refused, the approver must sign.
    let err = refused(&mut state, |s| {
        s.apply_signed(i, &person("ana"), waiver("li@example.com"), &key("ana"))
            .map(|_| ())
    });
    assert!(err.to_string().contains("`li@example.com`"), "{err}");
    state
        .apply_signed(i, &person("ana"), waiver("li@example.com"), &key("li"))
        .unwrap();
    let seq = state.events().last().unwrap().seq;
    assert!(state.signature_check(seq).is_verified());
}

#[test]
fn a_signature_copied_from_another_event_is_refused_on_load() {
    let state = signed_off();
    let spec = state.spec().clone();
    let mut doc = state.to_document();
    let n = doc.events.len();
    // ana's signature of the lead approval, copied onto sec's security approval.
    let lead_sig = doc.events[n - 2].signature.clone();
    doc.events[n - 1].signature = lead_sig;
    rehash(&mut doc);
    let (seq, problem) = broken_signature(spec, doc);
    assert_eq!(seq, n as u64);
    assert!(problem.contains("does not match"), "{problem}");
}

#[test]
fn a_signature_moved_to_another_item_is_refused_on_load() {
    let state = signed_off();
    let spec = state.spec().clone();
    let mut doc = state.to_document();
    let n = doc.events.len();
    // ana's approval of the lead sign-off, claimed to be of the security sign-off.
    doc.events[n - 2].item = SECURITY.into();
    doc.events[n - 2].payload = checklist_md::Payload::Approve {
        role: "security".into(),
        comment: Some("looks good".into()),
    };
    rehash(&mut doc);
    let (seq, _) = broken_signature(spec, doc);
    assert_eq!(seq, n as u64 - 1);
}

#[test]
fn a_signature_moved_to_another_checklist_is_refused_on_load() {
    let other_source = RELEASE.replace("id = \"release\"", "id = \"hotfix\"");
    let mut theirs = checks_done(spec_of(&other_source, everyone()));
    approve(&mut theirs, LEAD, "ana", &key("ana")).unwrap();
    let ours = signed_off();
    let mut doc = theirs.to_document();
    // The events of `hotfix`, with the signature ana made for `release`.
    let last = doc.events.len() - 1;
    doc.events[last].signature = ours.events()[ours.events().len() - 2].signature.clone();
    rehash(&mut doc);
    let (seq, _) = broken_signature(theirs.spec().clone(), doc);
    assert_eq!(seq, last as u64 + 1);
}

#[test]
fn a_comment_edited_after_signing_is_refused_on_load() {
    let state = signed_off();
    let spec = state.spec().clone();
    let mut doc = state.to_document();
    let n = doc.events.len();
    doc.events[n - 1].payload = checklist_md::Payload::Approve {
        role: "security".into(),
        comment: Some("ship it whatever the tests say".into()),
    };
    // Without a new hash, the chain already breaks; with one, the signature does.
    assert!(matches!(
        State::from_document(spec.clone(), doc.clone()),
        Err(StateError::Chain(ChainError::HashMismatch { .. }))
    ));
    rehash(&mut doc);
    let (seq, _) = broken_signature(spec, doc);
    assert_eq!(seq, n as u64);
}

#[test]
fn a_deleted_event_is_refused_on_load() {
    let state = signed_off();
    let spec = state.spec().clone();
    let mut doc = state.to_document();
    // Drop "docs updated", re-number and re-hash: the approvals signed the history that
    // had it.
    doc.events.remove(1);
    rehash(&mut doc);
    for e in &mut doc.events {
        e.revision = e.seq;
    }
    rehash(&mut doc);
    let (seq, _) = broken_signature(spec, doc);
    assert_eq!(seq, 2, "the first signed event after the gap names it");
}

#[test]
fn history_rewritten_before_a_signed_approval_is_refused_on_load() {
    let state = signed_off();
    let spec = state.spec().clone();
    let mut doc = state.to_document();
    // Who completed the tests, rewritten, every hash recomputed.
    doc.events[0].actor = "li@example.com".into();
    rehash(&mut doc);
    assert!(
        checklist_md::verify_chain(&doc.events).is_ok(),
        "the chain alone is fooled"
    );
    let (seq, problem) = broken_signature(spec, doc);
    assert_eq!(seq, 3, "the first signed event names the rewrite");
    assert!(problem.contains("history"), "{problem}");
}

#[test]
fn a_key_removed_from_the_file_makes_its_approvals_unverified() {
    let state = signed_off();
    let json = state.to_json();
    // sec left the team: their line is gone.
    let without_sec = allowed(&[line("ana", ""), line("li", "")]);
    let spec = spec_of(RELEASE, without_sec);
    let loaded = State::from_json(spec, &json).unwrap().state;
    let report = loaded.evaluate_named("ship").unwrap();
    assert!(!report.passed);
    assert_eq!(report.unmet.len(), 1);
    assert_eq!(report.unmet[0].id, SECURITY);
    match &report.unmet[0].reason {
        Unmet::Unverified { principal, why } => {
            assert_eq!(principal, "sec@example.com");
            assert!(
                why.contains("no entry for principal `sec@example.com`"),
                "{why}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(report.unmet[0].reason.code(), "unverified");
    // The approval is still in the log, and still approved: it is not counted.
    assert_eq!(
        loaded.item(index(&loaded, SECURITY)).status(),
        Status::Approved
    );
}

#[test]
fn without_required_signatures_they_are_optional() {
    let source = RELEASE.replace("required = true", "required = false");
    let mut state = checks_done(spec_of(&source, everyone()));
    let i = index(&state, LEAD);
    state.approve(i, &person("ana"), None).unwrap();
    approve(&mut state, SECURITY, "sec", &key("sec")).unwrap();
    assert!(state.evaluate_named("ship").unwrap().passed);
    let n = state.events().len() as u64;
    assert_eq!(state.signature_check(n - 1), SignatureCheck::Unsigned);
    assert!(state.signature_check(n).is_verified());
}

#[test]
fn widening_the_gate_voids_the_approval_on_migration() {
    let state = signed_off();
    let json = state.to_json();
    // `announce` was never covered; now it is.
    let wider = RELEASE.replace(
        "include = [\"checks/**\", \"sign-off/**\"]",
        "include = [\"checks/**\", \"later/**\", \"sign-off/**\"]",
    );
    let loaded = State::from_json(spec_of(&wider, everyone()), &json).unwrap();
    let migration = loaded.migration.expect("the checklist changed");
    assert_eq!(
        migration.voided,
        vec![LEAD.to_string(), SECURITY.to_string()]
    );
    let state = loaded.state;
    for id in [LEAD, SECURITY] {
        assert_eq!(state.item(index(&state, id)).status(), Status::Unsigned);
    }
    assert!(!state.evaluate_named("ship").unwrap().passed);
    let void = state.events().last().unwrap();
    assert!(
        checklist_md::Payload::words(&void.payload)
            .unwrap()
            .contains("what this approval covers")
    );
}

#[test]
fn rewording_a_pinned_item_voids_the_approval_on_migration() {
    let state = signed_off();
    let json = state.to_json();
    let reworded = RELEASE.replace(
        "Tests pass {#tests}",
        "Skip all tests and deploy on Friday {#tests}",
    );
    let loaded = State::from_json(spec_of(&reworded, everyone()), &json).unwrap();
    let migration = loaded.migration.expect("the checklist changed");
    assert!(
        migration.added.is_empty() && migration.removed.is_empty() && migration.retyped.is_empty()
    );
    assert_eq!(migration.voided.len(), 2);
    let state = loaded.state;
    // The task keeps its done state; the approvals go.
    assert_eq!(
        state.item(index(&state, "checks/tests")).status(),
        Status::Done
    );
    assert_eq!(state.item(index(&state, LEAD)).status(), Status::Unsigned);
}

#[test]
fn an_unrelated_edit_keeps_the_approvals() {
    let state = signed_off();
    let json = state.to_json();
    let edited = RELEASE.replace("Announce on Friday", "Announce on Monday");
    let loaded = State::from_json(spec_of(&edited, everyone()), &json).unwrap();
    assert!(loaded.migration.unwrap().voided.is_empty());
    assert!(loaded.state.evaluate_named("ship").unwrap().passed);
}

#[test]
fn signature_fields_survive_the_json() {
    let state = signed_off();
    let json = state.to_json();
    assert!(json.contains("\"signature\": {"));
    assert!(json.contains("-----BEGIN SSH SIGNATURE-----"));
    assert!(json.contains("\"covered\": \"sha256:"));
    let again = State::from_json(state.spec().clone(), &json).unwrap().state;
    assert_eq!(again.to_json(), json);
}

#[test]
fn an_sqlite_store_round_trips_signatures_and_verifies_them_on_load() {
    use checklist_md::Store;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let state = signed_off();
    let spec = state.spec().clone();
    let store = checklist_md::store::SqliteStore::open(&db, "r1").unwrap();
    store.save(&state, None).unwrap();
    let loaded = store.load(&spec).unwrap().state;
    assert_eq!(loaded.to_json(), state.to_json());
    let seq = loaded.events().last().unwrap().seq;
    assert!(loaded.signature_check(seq).is_verified());

    // A log with a comment edited after signing, every hash recomputed, does not replay.
    let mut doc = state.to_document();
    let n = doc.events.len();
    doc.events[n - 1].payload = checklist_md::Payload::Approve {
        role: "security".into(),
        comment: Some("edited".into()),
    };
    rehash(&mut doc);
    let forged = State::replay(spec.clone(), doc.events);
    assert!(matches!(forged, Err(ChainError::Signature { .. })));
}

/// A typed checklist written by hand, as `checklist!` would generate it.
struct Release;

impl checklist_md::typed::Checklist for Release {
    fn spec() -> &'static Arc<Spec> {
        static SPEC: std::sync::OnceLock<Arc<Spec>> = std::sync::OnceLock::new();
        SPEC.get_or_init(|| Arc::new(Spec::parse(RELEASE).unwrap()))
    }
}

#[test]
fn the_typed_api_signs_where_the_cli_takes_a_key() {
    use checklist_md::typed::{Checklist, SignOff, Task, TypedState};
    let spec = Release::spec();
    let task = |id: &str| Task::<Release>::__new(spec.index_of(id).unwrap().get() as u32);
    let signoff = |id: &str| SignOff::<Release>::__new(spec.index_of(id).unwrap().get() as u32);
    let store = checklist_md::MemoryStore::new();
    let ana = person("ana");
    TypedState::<Release>::update(&store, |run| {
        run.set_allowed_signers(everyone());
        run.complete(task("checks/tests"), &ana)?;
        run.complete(task("checks/docs"), &ana)?;
        // Unsigned, refused; signed, recorded.
        assert!(run.approve(signoff(LEAD), &ana, None).is_err());
        run.approve_signed(signoff(LEAD), &ana, Some("ok"), &key("ana"))
    })
    .unwrap();
    let (mut run, _) = TypedState::<Release>::load(&store).unwrap();
    run.set_allowed_signers(everyone());
    let seq = run.events().last().unwrap().seq;
    assert!(run.signature_check(seq).is_verified());
}
