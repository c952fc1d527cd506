//! Signatures (benchmark 8): verifying every SSH signature of a 10,000-event log (each
//! event a signed approve or revoke, Ed25519) as a load does, against verifying its hash
//! chain alone, in the same run. Reported as the ratio of the two and in µs per event.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use checklist_md::trust::{AllowedSigners, PrivateKeySigner, Signer, check_event};
use checklist_md::{Actor, Event, EventHash, Request, Spec, State, verify_chain};
use common::{Row, Table};

const CHECKLIST: &str = "+++\nid = \"release\"\n[roles]\nlead = [\"ana@example.com\"]\n\
    [signatures]\nallowed_signers = \"allowed_signers\"\nrequired = true\n+++\n\
    # Release\n\n- [ ] Tests pass\n- [ ] Lead Approval: ____\n";

/// A log of `n` events: the task, then signed approvals and revocations by turns.
fn signed_log(n: usize) -> (Arc<Spec>, Vec<Event>) {
    let key = PrivateKeySigner::ed25519_from_seed(&[1; 32], "ana@example.com");
    let allowed = AllowedSigners::parse(&format!(
        "ana@example.com {}\n",
        key.public_key().to_openssh()
    ))
    .expect("an allowed-signers line");
    let spec = Arc::new(
        Spec::parse(CHECKLIST)
            .expect("the checklist parses")
            .with_allowed_signers(allowed),
    );
    let mut state = State::new(spec.clone());
    let ana = Actor::new("ana@example.com");
    let tests = spec.index_of("tests-pass").expect("an item");
    let lead = spec.index_of("lead-approval").expect("an item");
    state.complete(tests, &ana).expect("complete");
    for k in 1..n {
        let request = if k % 2 == 1 {
            Request::Approve {
                comment: Some("ok"),
            }
        } else {
            Request::Revoke {
                reason: Some("again"),
            }
        };
        state
            .apply_signed(lead, &ana, request, &key)
            .expect("a signed change");
    }
    (spec, state.events().to_vec())
}

/// What a load verifies: the chain, then every signature against the allowed signers.
fn verify_all(spec: &Spec, events: &[Event]) -> Duration {
    let start = Instant::now();
    verify_chain(black_box(events)).expect("the chain verifies");
    let mut previous = EventHash::GENESIS;
    for e in events {
        let check = check_event(spec, e, &previous).expect("the signature matches");
        black_box(check);
        previous = e.hash;
    }
    start.elapsed()
}

fn chain_only(events: &[Event]) -> Duration {
    let start = Instant::now();
    verify_chain(black_box(events)).expect("the chain verifies");
    start.elapsed()
}

fn main() {
    if !common::run_ratios() {
        return;
    }
    println!("signatures: {}", common::machine());
    let n = if common::full_run() { 10_000 } else { 200 };
    let (spec, events) = signed_log(n);
    let rounds = common::rounds(11);
    let mut subjects: Vec<Box<dyn FnMut() -> Duration + '_>> = vec![
        Box::new(|| verify_all(&spec, &events)),
        Box::new(|| chain_only(&events)),
    ];
    let mut refs: Vec<&mut dyn FnMut() -> Duration> = subjects
        .iter_mut()
        .map(|b| b.as_mut() as &mut dyn FnMut() -> Duration)
        .collect();
    let m = common::interleaved(rounds, &mut refs);
    let (all, chain) = (m[0], m[1]);
    let mut table = Table::new("signatures");
    table.push(Row {
        what: format!("verify a {n}-event log, every event signed (Ed25519)"),
        result: format!(
            "{:.1} ms ({:.1} µs per event)",
            all.as_secs_f64() * 1e3,
            common::ns(all, n) / 1e3
        ),
        baseline: format!(
            "hash chain alone: {:.2} ms ({:.0} ns per event)",
            chain.as_secs_f64() * 1e3,
            common::ns(chain, n)
        ),
        ratio: format!("{:.0}× the chain", all.as_secs_f64() / chain.as_secs_f64()),
        target: String::new(),
        pass: None,
    });
    table.finish();
}
