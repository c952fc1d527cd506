//! What every benchmark shares: the deterministic checklist generator, the 100,000-item
//! state, and a small harness that times a subject and its baseline interleaved (same
//! method, same run) and prints the ratio table.
//!
//! Each bench binary has its own `main`: criterion groups first (skip them with
//! `CHECKLIST_BENCH=ratios`), then the ratio table (skip it with
//! `CHECKLIST_BENCH=criterion`). Under `cargo test --benches` (no `--bench` argument)
//! everything runs once on small inputs, as a smoke test.
// Each bench binary uses a different part of this module.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use checklist_md::{Actor, Event, EventHash, ItemKind, ParseOptions, Spec, State, Status};
use sha2::Digest as _;

pub const KIB: usize = 1 << 10;
pub const MIB: usize = 1 << 20;

/// The reference checklist: the production deployment checklist (177 items in 34 sections).
pub const SEED: &str = include_str!("../../examples/checklists/production-deployment.md");

// ---------------------------------------------------------------------------------------
// Run modes

/// `cargo bench` passes `--bench`; `cargo test --benches` does not, and then every bench
/// runs once on small inputs.
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn mode() -> String {
    std::env::var("CHECKLIST_BENCH").unwrap_or_default()
}

/// Whether to run the criterion groups (`CHECKLIST_BENCH=ratios` skips them).
pub fn run_criterion() -> bool {
    mode() != "ratios"
}

/// Whether to run the ratio table (`CHECKLIST_BENCH=criterion` skips it).
pub fn run_ratios() -> bool {
    mode() != "criterion"
}

/// Criterion settings for this 2-core machine: few, long-enough samples.
pub fn criterion() -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// Sizes of the generated Markdown inputs: 1 MiB and 10 MiB, or 64 KiB in a smoke test.
pub fn sizes() -> Vec<(&'static str, usize)> {
    if full_run() {
        vec![("1MiB", MIB), ("10MiB", 10 * MIB)]
    } else {
        vec![("64KiB", 64 * KIB)]
    }
}

/// Items of the "100,000-item" checklist (2,000 in a smoke test).
pub fn state_items() -> usize {
    if full_run() { 100_000 } else { 2_000 }
}

/// Rounds of interleaved sampling (one in a smoke test).
pub fn rounds(full: usize) -> usize {
    if full_run() { full } else { 1 }
}

// ---------------------------------------------------------------------------------------
// The checklist generator

/// When to stop generating.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// At least this many bytes of Markdown (the section in progress is finished).
    Bytes(usize),
    /// Exactly this many items.
    Items(usize),
}

/// A generated checklist.
pub struct Generated {
    pub markdown: String,
    pub items: usize,
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.next().is_multiple_of(one_in)
    }
}

const VERBS: &[&str] = &[
    "Verify",
    "Configure",
    "Enable",
    "Review",
    "Document",
    "Test",
    "Rotate",
    "Monitor",
    "Back up",
    "Audit",
    "Scan",
    "Tune",
];
const OBJECTS: &[&str] = &[
    "database backups",
    "TLS certificates",
    "rate limiting on public endpoints",
    "the connection pool",
    "alerting rules for error rates",
    "feature flags",
    "container images",
    "the rollback procedure",
    "structured logging",
    "cache invalidation",
    "read replicas",
    "the load balancer health checks",
    "secrets in the vault",
    "CORS policy",
    "the CDN configuration",
];
const AREAS: &[&str] = &[
    "Infrastructure",
    "Security",
    "Performance",
    "Observability",
    "Data",
    "Delivery",
    "Compliance",
    "Recovery",
];
const PARTS: &[&str] = &[
    "Database", "Network", "Storage", "Access", "Pipeline", "Runtime", "Caching", "Edge",
];

struct Writer {
    md: String,
    items: usize,
    limit: Limit,
    rng: Rng,
    /// A global counter that keeps every task text unique.
    n: usize,
}

impl Writer {
    fn full(&self) -> bool {
        match self.limit {
            Limit::Items(n) => self.items >= n,
            Limit::Bytes(_) => false,
        }
    }

    /// Writes one item line unless the item limit is reached.
    fn item(&mut self, line: &str) -> bool {
        if self.full() {
            return false;
        }
        self.md.push_str(line);
        self.md.push('\n');
        self.items += 1;
        true
    }

    fn task_text(&mut self) -> String {
        self.n += 1;
        let verb = self.rng.pick(VERBS);
        let object = self.rng.pick(OBJECTS);
        format!("{verb} {object} for service {}", self.n)
    }

    /// One subsection: a note, then 8 top-level tasks (one with nested tasks, one
    /// optional, one checked, one with inline markup, a text field and a date field),
    /// sometimes as ordered steps, sometimes followed by a code block or a quote.
    fn part(&mut self, area: usize, part: usize) {
        let name = self.rng.pick(PARTS);
        let _ = write!(
            self.md,
            "### Part {part}: {name}\n\nEverything about {} in area {area}, checked before \
             the release is cut.\n\n",
            name.to_lowercase()
        );
        let ordered = part.is_multiple_of(4);
        for k in 0..8 {
            let bullet = if ordered {
                format!("{}.", k + 1)
            } else {
                "-".to_string()
            };
            let text = self.task_text();
            let line = match k {
                0 => format!("{bullet} [ ] {text}"),
                1 => format!("{bullet} [x] {text}"),
                2 => format!("{bullet} [ ] {text} (if needed)"),
                3 if !ordered => {
                    if !self.item(&format!("{bullet} [ ] {text}")) {
                        return;
                    }
                    for c in 0..2 {
                        let child = self.task_text();
                        let label = if c == 0 { "staging" } else { "production" };
                        if !self.item(&format!("  - [ ] {child} in {label}")) {
                            return;
                        }
                    }
                    continue;
                }
                4 => format!(
                    "{bullet} [ ] **{text}** with `cfg-{}` per [the runbook](https://example.com/runbook/{})",
                    self.n, self.n
                ),
                5 => format!("{bullet} [ ] Owner {}: ____", self.n),
                6 => format!("{bullet} [ ] Review Date {}: ________", self.n),
                _ => format!("{bullet} [ ] {text}"),
            };
            if !self.item(&line) {
                return;
            }
        }
        self.md.push('\n');
        if self.rng.chance(3) {
            let _ = write!(
                self.md,
                "```sh\n./scripts/check --area {area} --part {part}\ncurl -fsS https://status.example.com/{area}/{part}\n```\n\n"
            );
        } else if self.rng.chance(3) {
            self.md.push_str(
                "> **Note:** run these against staging first; production only after the\n> change window opens.\n\n",
            );
        }
    }

    fn area(&mut self, area: usize) {
        let name = AREAS[(area - 1) % AREAS.len()];
        let _ = write!(
            self.md,
            "## Area {area}: {name}\n\nThe {} checks of this release. Plain bullets are notes:\n\n\
             - ask in #release if unsure\n- link the ticket in the log\n\n",
            name.to_lowercase()
        );
        for part in 1..=4 {
            if self.full() {
                return;
            }
            self.part(area, part);
        }
        if self.full() {
            return;
        }
        self.md.push_str("### Sign-Off\n\n");
        self.item("- [ ] QA Approval: ____");
        self.item("- [ ] Release Manager Approval: ____");
        self.md.push('\n');
    }
}

/// Generates a checklist: front matter with a gate, a title, then areas (`##`) of four
/// parts (`###`) of 8 tasks each (nested tasks, fields, a checked and an optional task,
/// ordered steps), notes, code blocks, quotes, and a sign-off section per area.
pub fn generate(limit: Limit) -> Generated {
    let mut w = Writer {
        md: String::with_capacity(match limit {
            Limit::Bytes(b) => b + 64 * KIB,
            Limit::Items(n) => n * 80,
        }),
        items: 0,
        limit,
        rng: Rng(0x9e37_79b9_7f4a_7c15),
        n: 0,
    };
    w.md.push_str(
        "+++\nid = \"generated\"\nversion = \"1.0.0\"\n\n[gates.release]\n\
         description = \"The first area and every sign-off\"\n\
         include = [\"area-1-*/**\", \"*/sign-off/*\"]\n+++\n\
         # Generated Checklist\n\nA checklist generated for the benchmarks: every construct \
         of the language, repeated.\n\n",
    );
    let mut area = 0;
    loop {
        area += 1;
        w.area(area);
        let done = match limit {
            Limit::Bytes(b) => w.md.len() >= b,
            Limit::Items(n) => w.items >= n,
        };
        if done {
            break;
        }
    }
    Generated {
        markdown: w.md,
        items: w.items,
    }
}

/// Parses generated Markdown the way a tool would (strict, as the macro does).
pub fn parse(markdown: &str) -> Arc<Spec> {
    let parsed = checklist_md::parse(markdown, &ParseOptions::new("generated.md").strict(true))
        .unwrap_or_else(|e| panic!("the generated checklist must parse:\n{e}"));
    assert!(
        parsed.warnings.is_empty(),
        "the generated checklist must parse without warnings:\n{}",
        parsed.render_warnings()
    );
    Arc::new(parsed.spec)
}

// ---------------------------------------------------------------------------------------
// The 100,000-item state

/// Drives a fresh state until every item is resolved (children before parents, steps in
/// order, sign-offs last), then refills one field until the log holds `events` events.
pub fn resolve_all(spec: &Arc<Spec>, events: usize) -> State {
    resolve(spec, true, events)
}

/// Resolves every item but the sign-offs: what a sign-off needs before it can be given.
pub fn resolve_without_signoffs(spec: &Arc<Spec>) -> State {
    resolve(spec, false, 0)
}

fn resolve(spec: &Arc<Spec>, approve: bool, events: usize) -> State {
    let mut state = State::new(spec.clone());
    let ci = Actor::new("ci-bot");
    let mut order = Vec::with_capacity(spec.items().len());
    // Post-order over the item forest, with an explicit stack.
    for root in spec.items().iter().filter(|i| i.parent().is_none()) {
        let mut stack = vec![(root.index(), false)];
        while let Some((i, expanded)) = stack.pop() {
            if expanded {
                order.push(i);
            } else {
                stack.push((i, true));
                for &c in spec.item(i).children().iter().rev() {
                    stack.push((c, false));
                }
            }
        }
    }
    let mut signoffs = vec![];
    let mut a_field = None;
    for i in order {
        let item = spec.item(i);
        match item.kind() {
            ItemKind::Task => {
                if state.item(i).status() == Status::Pending {
                    state.complete(i, &ci).expect("complete");
                }
            }
            ItemKind::Field(t) => {
                let value = if t.to_string() == "date" {
                    "2026-12-01"
                } else {
                    "team-platform"
                };
                state.fill(i, &ci, value).expect("fill");
                a_field = Some((i, value));
            }
            ItemKind::SignOff { .. } => signoffs.push(i),
        }
    }
    for i in signoffs.into_iter().filter(|_| approve) {
        let role = spec.item(i).role().unwrap_or_default();
        let signer = Actor::new("signer").with_role(role);
        state.approve(i, &signer, Some("ok")).expect("approve");
    }
    if let Some((field, value)) = a_field {
        while state.events().len() < events {
            state.fill(field, &ci, value).expect("refill");
        }
    }
    state
}

// ---------------------------------------------------------------------------------------
// The hash chain's input

/// The bytes the chain hashes for one event: the library's own encoding, so the
/// baseline can never drift from what the chain does.
pub fn canonical(e: &Event, previous: &EventHash, out: &mut Vec<u8>) {
    out.extend_from_slice(&e.hash_input(previous));
}

pub fn hex(digest: &[u8]) -> String {
    let mut s = String::from("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Every event's canonical bytes, one buffer per event.
pub fn event_bytes(events: &[Event]) -> Vec<Vec<u8>> {
    let mut previous = &EventHash::GENESIS;
    events
        .iter()
        .map(|e| {
            let mut one = Vec::new();
            canonical(e, previous, &mut one);
            previous = &e.hash;
            one
        })
        .collect()
}

/// Every event's canonical bytes, concatenated; checks that they give the stored hashes.
pub fn chain_bytes(events: &[Event]) -> Vec<u8> {
    let mut all = Vec::new();
    let mut one = Vec::new();
    let mut previous = &EventHash::GENESIS;
    for e in events {
        one.clear();
        canonical(e, previous, &mut one);
        assert_eq!(
            hex(&sha2::Sha256::digest(&one)),
            e.hash.to_string(),
            "the bench's encoding is the chain's"
        );
        all.extend_from_slice(&one);
        previous = &e.hash;
    }
    all
}

// ---------------------------------------------------------------------------------------
// Timing

/// Runs `f` and returns how long it took; the caller drops the result after the clock
/// stopped.
pub fn time<R>(f: impl FnOnce() -> R) -> (Duration, R) {
    let start = Instant::now();
    let r = black_box(f());
    (start.elapsed(), r)
}

/// Puts the allocator in the state of a process that has run for a while.
///
/// glibc starts with small mmap and trim thresholds and raises them only once a large
/// block is freed; until then, memory a sample frees at the top of the heap goes back to
/// the system and the next sample faults it in again. Freeing one 16 MiB block (mapped,
/// since it is above the initial threshold) raises both, as any long-running program
/// does early on, so samples measure the work rather than the first-run page faults.
pub fn steady_heap() {
    let block = black_box(vec![1u8; 16 * MIB]);
    drop(block);
}

/// Lets the allocator finish with what the last sample freed, outside any timing.
///
/// glibc defers merging freed small blocks until a later large request; without this, a
/// sample that follows one which dropped a large spec (hundreds of thousands of blocks)
/// pays for that drop. A largebin-sized allocation makes glibc do it now.
pub fn settle() {
    drop(black_box(Vec::<u8>::with_capacity(64 * KIB)));
}

/// Times `subjects` interleaved: one warm-up round, then `rounds` rounds that each call
/// every subject once (in rotating order), so a subject and its baseline see the same
/// machine load. Each call returns its own measured duration (so it can keep set-up and
/// clean-up out of it), and the allocator is settled before each. Returns the median of
/// every subject.
pub fn interleaved(rounds: usize, subjects: &mut [&mut dyn FnMut() -> Duration]) -> Vec<Duration> {
    steady_heap();
    let n = subjects.len();
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); n];
    for s in subjects.iter_mut() {
        s();
    }
    for r in 0..rounds {
        for k in 0..n {
            let i = (r + k) % n;
            settle();
            samples[i].push(subjects[i]());
        }
    }
    samples.into_iter().map(median).collect()
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

/// Megabytes (10^6 bytes) per second.
pub fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / d.as_secs_f64() / 1e6
}

pub fn ns(d: Duration, per: usize) -> f64 {
    d.as_nanos() as f64 / per as f64
}

pub fn mib(bytes: usize) -> f64 {
    bytes as f64 / MIB as f64
}

// ---------------------------------------------------------------------------------------
// The ratio table

/// One row: what was measured, our number, the baseline's, their ratio and the target.
pub struct Row {
    pub what: String,
    pub result: String,
    pub baseline: String,
    pub ratio: String,
    pub target: String,
    /// `None`: informational, no target.
    pub pass: Option<bool>,
}

impl Row {
    pub fn info(what: impl Into<String>, result: impl Into<String>) -> Row {
        Row {
            what: what.into(),
            result: result.into(),
            baseline: String::new(),
            ratio: String::new(),
            target: String::new(),
            pass: None,
        }
    }
}

pub struct Table {
    pub name: &'static str,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn new(name: &'static str) -> Table {
        Table { name, rows: vec![] }
    }

    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Prints the table as Markdown and writes it to `target/bench-results/NAME.md`.
    pub fn finish(self) {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {} | result | baseline | ratio | target | |",
            self.name
        );
        out.push_str("|---|---:|---:|---:|---|---|\n");
        for r in &self.rows {
            let status = match r.pass {
                Some(true) => "PASS",
                Some(false) => "MISS",
                None => "",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                r.what, r.result, r.baseline, r.ratio, r.target, status
            );
        }
        println!("\n{out}");
        if full_run() {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-results");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{}.md", self.name)), out);
        }
    }
}

/// A short description of the machine, printed above every table.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, load average {load}")
}
