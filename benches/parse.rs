//! Parse (benchmark 1): checklist-core's whole parse into a `Spec` versus bare iteration of
//! pulldown-cmark's events with the same options over the same bytes (the floor of any
//! parser built on pulldown-cmark), at 1 MiB and 10 MiB of generated Markdown and on the
//! seed checklist.

mod common;

use std::hint::black_box;

use checklist_md::ParseOptions;
use common::{Limit, Row, Table};
use criterion::{BenchmarkId, Criterion, Throughput};
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

/// The floor: every event with its source range, as the parser's walk consumes them.
fn pulldown_offsets(md: &str) -> usize {
    let mut n = 0;
    for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        black_box((&event, &range));
        n += 1;
    }
    n
}

/// Plain event iteration, without ranges.
fn pulldown_plain(md: &str) -> usize {
    let mut n = 0;
    for event in Parser::new_ext(md, markdown_options()) {
        black_box(&event);
        n += 1;
    }
    n
}

fn parse(md: &str) -> checklist_md::Parsed {
    // Default options: not strict, as `checklist lint` and run-time tools parse.
    checklist_md::parse(md, &ParseOptions::new("generated.md"))
        .unwrap_or_else(|e| panic!("the input must parse:\n{e}"))
}

fn inputs() -> Vec<(String, String)> {
    let mut v = vec![("seed".to_string(), common::SEED.to_string())];
    for (name, bytes) in common::sizes() {
        let generated = common::generate(Limit::Bytes(bytes));
        v.push((name.to_string(), generated.markdown));
    }
    v
}

fn criterion_groups(c: &mut Criterion, inputs: &[(String, String)]) {
    let mut g = c.benchmark_group("parse");
    for (name, md) in inputs {
        g.throughput(Throughput::Bytes(md.len() as u64));
        g.bench_with_input(BenchmarkId::new("checklist", name), md, |b, md| {
            b.iter(|| parse(md));
        });
        g.bench_with_input(BenchmarkId::new("pulldown-cmark", name), md, |b, md| {
            b.iter(|| pulldown_offsets(md));
        });
        g.bench_with_input(
            BenchmarkId::new("pulldown-cmark-plain", name),
            md,
            |b, md| {
                b.iter(|| pulldown_plain(md));
            },
        );
    }
    g.finish();
}

fn ratios(inputs: &[(String, String)]) {
    println!("parse: {}", common::machine());
    let mut table = Table::new("parse");
    for (name, md) in inputs {
        // About 2 s of samples per subject at every size.
        let per_call = if name == "seed" { 200 } else { 1 };
        let rounds = common::rounds(if name == "10MiB" { 15 } else { 31 });
        let mut ours = || {
            let (d, r) = common::time(|| {
                for _ in 0..per_call - 1 {
                    black_box(parse(md));
                }
                parse(md)
            });
            drop(r);
            d
        };
        let mut offsets =
            || common::time(|| (0..per_call).map(|_| pulldown_offsets(md)).sum::<usize>()).0;
        let mut plain =
            || common::time(|| (0..per_call).map(|_| pulldown_plain(md)).sum::<usize>()).0;
        // The spec's digest is computed on first use (a state, the macro): timed apart.
        let mut digest = || {
            let parsed = parse(md);
            common::time(|| parsed.spec.digest().len()).0 * per_call as u32
        };
        let m = common::interleaved(
            rounds,
            &mut [&mut ours, &mut offsets, &mut plain, &mut digest],
        );
        let bytes = md.len() * per_call;
        let (ours, offsets, plain) = (
            common::mb_per_s(bytes, m[0]),
            common::mb_per_s(bytes, m[1]),
            common::mb_per_s(bytes, m[2]),
        );
        // The stricter floor of the two ways to iterate.
        let floor = offsets.max(plain);
        let ratio = ours / floor;
        let items = parse(md).spec.items().len();
        table.push(Row {
            what: format!(
                "parse {name} ({:.2} MiB, {items} items)",
                common::mib(md.len())
            ),
            result: format!("{ours:.0} MB/s"),
            baseline: format!("{floor:.0} MB/s (offsets {offsets:.0}, plain {plain:.0})"),
            ratio: format!("{ratio:.2}"),
            target: if name == "10MiB" {
                "≥ 0.60 and ≥ 100 MB/s".into()
            } else {
                "≥ 0.60".into()
            },
            pass: Some(ratio >= 0.6 && (name != "10MiB" || ours >= 100.0)),
        });
        let with_digest = common::mb_per_s(bytes, m[0] + m[3]);
        table.push(Row::info(
            format!("parse {name}, then the first `digest()`"),
            format!(
                "{with_digest:.0} MB/s (ratio {:.2}; the digest alone {:.1} ms)",
                with_digest / floor,
                m[3].as_secs_f64() * 1e3 / per_call as f64
            ),
        ));
    }
    table.finish();
}

fn main() {
    let inputs = inputs();
    // The table first, from a fresh heap: after criterion's many parse-and-drop cycles,
    // whether a sample's large buffers come from fresh pages depends on the allocator's
    // state, which moves these ratios by more than anything measured.
    if common::run_ratios() {
        ratios(&inputs);
    }
    if common::run_criterion() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &inputs);
        c.final_summary();
    }
}
