//! Memory (benchmark 5): peak heap while parsing the 10 MiB input (against bare pulldown-cmark
//! iteration over the same bytes) and for the 100,000-item state, measured by a counting
//! global allocator, as multiples of the input size. Allocation is deterministic, so one
//! run is the measurement; there is no criterion group here.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use checklist_md::{ParseOptions, State};
use common::{Limit, Row, Table};
use pulldown_cmark::{Options, Parser};

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

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let live = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(n: usize) {
    LIVE.fetch_sub(n, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f`; returns the peak heap above what was live before, what is still live while
/// its result is held, and the result.
fn measure<R>(f: impl FnOnce() -> R) -> (usize, usize, R) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let r = black_box(f());
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let retained = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    (peak, retained, r)
}

fn times(bytes: usize, input: usize) -> String {
    format!(
        "{:.1} MiB = {:.2}× input",
        common::mib(bytes),
        bytes as f64 / input as f64
    )
}

fn main() {
    println!("memory: {}", common::machine());
    let mut table = Table::new("memory");

    let (label, size) = *common::sizes().last().expect("a size");
    let md = common::generate(Limit::Bytes(size)).markdown;
    let input = md.len();
    let (floor, _, _) = measure(|| {
        let mut n = 0usize;
        for (event, range) in Parser::new_ext(&md, markdown_options()).into_offset_iter() {
            black_box((&event, &range));
            n += 1;
        }
        n
    });
    let (peak, retained, parsed) =
        measure(|| checklist_md::parse(&md, &ParseOptions::new("generated.md")).expect("parses"));
    let items = parsed.spec.items().len();
    drop(parsed);
    table.push(Row::info(
        format!(
            "pulldown-cmark iteration, {label} ({:.2} MiB)",
            common::mib(input)
        ),
        format!("peak {}", times(floor, input)),
    ));
    table.push(Row {
        what: format!("parse {label} into a Spec ({items} items)"),
        result: format!("peak {}", times(peak, input)),
        baseline: format!("{:.1} MiB (pulldown-cmark peak)", common::mib(floor)),
        ratio: format!("{:.2}", peak as f64 / floor as f64),
        target: "< 1.50".into(),
        pass: Some((peak as f64) < 1.5 * floor as f64),
    });
    table.push(Row::info(
        "the Spec it returns (retained)",
        times(retained, input),
    ));
    drop(md);

    // The 100,000-item state: built through transitions, saved, loaded.
    let generated = common::generate(Limit::Items(common::state_items()));
    let md = generated.markdown;
    let spec = common::parse(&md);
    let n = spec.items().len();
    let (peak, retained, state) = measure(|| common::resolve_all(&spec, n));
    let events = state.events().len();
    let (save_peak, _, json) = measure(|| state.to_json());
    let (load_peak, load_retained, loaded) =
        measure(|| State::from_json(&spec, &json).expect("loads").state);
    assert_eq!(loaded, state);
    drop(loaded);
    let (j, m) = (json.len(), md.len());
    table.push(Row::info(
        format!("{n}-item state with {events} events, built by transitions"),
        format!(
            "peak {:.1} MiB, retained {:.1} MiB = {:.1}× its Markdown ({:.1} MiB), {:.2}× its JSON ({:.1} MiB)",
            common::mib(peak),
            common::mib(retained),
            retained as f64 / m as f64,
            common::mib(m),
            retained as f64 / j as f64,
            common::mib(j)
        ),
    ));
    table.push(Row::info(
        "save it (to_json)",
        format!(
            "peak {} (the JSON itself: {:.1} MiB)",
            times(save_peak, j),
            common::mib(j)
        ),
    ));
    table.push(Row::info(
        "load it (from_json)",
        format!(
            "peak {}, retained {}",
            times(load_peak, j),
            times(load_retained, j)
        ),
    ));
    table.finish();
}
