//! JSON (benchmark 4): save (`State::to_json`) and load (`State::from_json`: parse, limits, chain
//! verification, replay, comparison) of a 100,000-item state with a 100,000-event log,
//! versus serde_json on a plain document of equivalent structs (same fields, a `Vec` of
//! items and a `Vec` of events, pretty-printed to about the same size). Log verification
//! (`verify_chain`) versus one SHA-256 over exactly the bytes the chain hashes.

mod common;

use std::hint::black_box;
use std::sync::Arc;

use checklist_md::chrono::{DateTime, NaiveDate, Utc};
use checklist_md::{Event, ItemState, Payload, Spec, State, verify_chain};
use common::{Limit, Row, Table};
use criterion::{Criterion, Throughput};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The baseline: the same data as plain structs, derived serde, no checks.
#[derive(Serialize, Deserialize)]
struct PlainDoc {
    format: String,
    checklist: PlainRef,
    revision: u64,
    items: Vec<PlainItem>,
    events: Vec<PlainEvent>,
}

#[derive(Serialize, Deserialize)]
struct PlainRef {
    id: String,
    version: Option<String>,
    digest: String,
}

#[derive(Serialize, Deserialize)]
struct PlainItem {
    id: String,
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct PlainEvent {
    seq: u64,
    revision: u64,
    at: DateTime<Utc>,
    actor: String,
    item: String,
    action: String,
    from: String,
    to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    waiver: Option<PlainWaiver>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    because: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cause: Option<u64>,
    hash: String,
}

#[derive(Serialize, Deserialize)]
struct PlainWaiver {
    approver: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires: Option<NaiveDate>,
}

/// The payload's fields as plain strings, in the document's shape.
fn plain_event(e: &Event) -> PlainEvent {
    let text = |t: &Option<std::sync::Arc<str>>| t.as_deref().map(str::to_string);
    let mut p = PlainEvent {
        seq: e.seq,
        revision: e.revision,
        at: e.at,
        actor: e.actor.to_string(),
        item: e.item.to_string(),
        action: e.action().to_string(),
        from: e.from.to_string(),
        to: e.to.to_string(),
        note: None,
        evidence: None,
        reason: None,
        waiver: None,
        value: None,
        role: None,
        comment: None,
        because: None,
        cause: None,
        hash: e.hash.to_string(),
    };
    match &e.payload {
        Payload::Complete { note, evidence } => {
            p.note = text(note);
            p.evidence = text(evidence);
        }
        Payload::Skip { reason, waiver } => {
            p.reason = text(reason);
            p.waiver = waiver.as_ref().map(|w| PlainWaiver {
                approver: w.approver.to_string(),
                expires: w.expires,
            });
        }
        Payload::Block { reason } | Payload::Reopen { reason } | Payload::Reset { reason } => {
            p.reason = Some(reason.to_string())
        }
        Payload::Revoke { reason } => p.reason = text(reason),
        Payload::Fill { value } => p.value = Some(value.to_string()),
        Payload::Approve { role, comment } => {
            p.role = Some(role.to_string());
            p.comment = text(comment);
        }
        Payload::Reject { role, comment } => {
            p.role = Some(role.to_string());
            p.comment = Some(comment.to_string());
        }
        Payload::Void {
            because,
            cause,
            reason,
        } => {
            p.because = Some(because.to_string());
            p.cause = *cause;
            p.reason = Some(reason.to_string());
        }
        _ => {}
    }
    p
}

fn plain(state: &State) -> PlainDoc {
    let spec = state.spec();
    let items = spec
        .items()
        .iter()
        .map(|item| {
            let st = state.item(item.index());
            let text = |t: &Option<std::sync::Arc<str>>| t.as_deref().map(str::to_string);
            let at = st.at();
            let (note, value, role) = match st {
                ItemState::Done { note, .. } => (text(note), None, None),
                ItemState::NotApplicable { reason, .. } => (text(reason), None, None),
                ItemState::Blocked { reason, .. } => (Some(reason.to_string()), None, None),
                ItemState::Filled { value, .. } => (None, Some(value.to_string()), None),
                ItemState::Approved { role, comment, .. } => {
                    (text(comment), None, Some(role.to_string()))
                }
                _ => (None, None, None),
            };
            PlainItem {
                id: item.id().to_string(),
                status: st.status().to_string(),
                by: st.by().map(str::to_string),
                at,
                note,
                value,
                role,
            }
        })
        .collect();
    let events = state.events().iter().map(plain_event).collect();
    PlainDoc {
        format: "checklist-state/2".into(),
        checklist: PlainRef {
            id: spec.id().into(),
            version: spec.version().map(str::to_string),
            digest: spec.digest().into(),
        },
        revision: state.revision(),
        items,
        events,
    }
}

fn plain_json(doc: &PlainDoc) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("serializes");
    s.push('\n');
    s
}

struct Fixture {
    spec: std::sync::Arc<Spec>,
}

fn criterion_groups(
    c: &mut Criterion,
    state: &State,
    json: &str,
    plain: &PlainDoc,
    plain_json: &str,
    bytes: &[u8],
) {
    let spec = state.spec();
    let mut g = c.benchmark_group("json");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("save", |b| b.iter(|| state.to_json()));
    g.bench_function("load", |b| {
        b.iter(|| State::from_json(spec, json).expect("loads"))
    });
    g.throughput(Throughput::Bytes(plain_json.len() as u64));
    g.bench_function("serde_json save (plain)", |b| {
        b.iter(|| self::plain_json(plain))
    });
    g.bench_function("serde_json load (plain)", |b| {
        b.iter(|| serde_json::from_str::<PlainDoc>(plain_json).expect("loads"))
    });
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("verify_chain", |b| b.iter(|| verify_chain(state.events())));
    g.bench_function("sha256 once", |b| b.iter(|| Sha256::digest(bytes)));
    g.finish();
}

fn main() {
    let generated = common::generate(Limit::Items(common::state_items()));
    let f = Fixture {
        spec: common::parse(&generated.markdown),
    };
    let n = f.spec.items().len();
    let state = common::resolve_all(&f.spec, n);
    let json = state.to_json();
    let plain = plain(&state);
    let plain_json = plain_json(&plain);
    let bytes = common::chain_bytes(state.events());
    assert_eq!(
        State::from_json(&f.spec, &json).expect("loads").state,
        state
    );

    // The table first, from a fresh heap (see benches/parse.rs).
    if common::run_ratios() {
        ratios(&f.spec, &state, &json, &plain, &plain_json, &bytes);
    }
    if common::run_criterion() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &state, &json, &plain, &plain_json, &bytes);
        c.final_summary();
    }
}

fn ratios(
    spec: &Arc<Spec>,
    state: &State,
    json: &str,
    plain: &PlainDoc,
    plain_json: &str,
    bytes: &[u8],
) {
    let n = spec.items().len();
    println!("json: {}", common::machine());
    let rounds = common::rounds(11);
    let mut save = || common::time(|| state.to_json()).0;
    let mut save_plain = || common::time(|| self::plain_json(plain)).0;
    let mut load = || common::time(|| State::from_json(spec, json).expect("loads")).0;
    let mut load_plain =
        || common::time(|| serde_json::from_str::<PlainDoc>(plain_json).expect("loads")).0;
    let mut verify = || common::time(|| verify_chain(state.events()).expect("verifies")).0;
    let mut sha = || common::time(|| Sha256::digest(bytes)).0;
    // The log as it is stored: the events' JSON. "Verify N MB of log" against "hash N MB".
    let log = serde_json::to_vec(state.events()).expect("events serialize");
    let mut sha_log = || common::time(|| Sha256::digest(&log)).0;
    // One SHA-256 per event over the same bytes: what a chain hashed event by event costs
    // at least (each event is padded and finalized on its own).
    let per_event = common::event_bytes(state.events());
    let mut sha_each = || {
        common::time(|| {
            for e in &per_event {
                black_box(Sha256::digest(e));
            }
        })
        .0
    };
    let m = common::interleaved(
        rounds,
        &mut [
            &mut save,
            &mut save_plain,
            &mut load,
            &mut load_plain,
            &mut verify,
            &mut sha,
            &mut sha_each,
            &mut sha_log,
        ],
    );
    let (j, p) = (json.len(), plain_json.len());
    let mut table = Table::new("json");
    let events = state.events().len();
    for (what, ours, base, target) in [
        ("save (to_json)", (j, m[0]), (p, m[1]), 0.6),
        (
            "load (from_json: parse, verify, replay, compare)",
            (j, m[2]),
            (p, m[3]),
            0.6,
        ),
        (
            "verify_chain, over the log as stored (its events' JSON)",
            (log.len(), m[4]),
            (log.len(), m[7]),
            0.8,
        ),
    ] {
        let a = common::mb_per_s(ours.0, ours.1);
        let b = common::mb_per_s(base.0, base.1);
        let baseline = if what.starts_with("verify_chain") {
            format!(
                "{b:.0} MB/s (sha2 once over the same {:.1} MiB)",
                common::mib(base.0)
            )
        } else {
            format!(
                "{b:.0} MB/s (serde_json, plain structs, {:.1} MiB)",
                common::mib(base.0)
            )
        };
        table.push(Row {
            what: format!(
                "{what}, {n} items, {events} events, {:.1} MiB",
                common::mib(ours.0)
            ),
            result: format!("{a:.0} MB/s ({:.0} ms)", ours.1.as_secs_f64() * 1e3),
            baseline,
            ratio: format!("{:.2}", a / b),
            target: format!("≥ {target:.2}"),
            pass: Some(a / b >= target),
        });
    }
    table.push(Row::info(
        "verify_chain, over the bytes it hashes (the compact encoding)",
        format!(
            "{:.0} MB/s = {:.2}× sha2 once over those {:.1} MiB",
            common::mb_per_s(bytes.len(), m[4]),
            common::mb_per_s(bytes.len(), m[4]) / common::mb_per_s(bytes.len(), m[5]),
            common::mib(bytes.len())
        ),
    ));
    let each = common::mb_per_s(bytes.len(), m[6]);
    table.push(Row::info(
        "SHA-256 event by event over the same bytes (the floor of a per-event chain)",
        format!(
            "{each:.0} MB/s = {:.2}× sha2 once; verify_chain is {:.2}× this",
            each / common::mb_per_s(bytes.len(), m[5]),
            common::mb_per_s(bytes.len(), m[4]) / each
        ),
    ));
    table.finish();
}
