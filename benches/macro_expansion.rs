//! The macro (benchmark 6): expansion time of `checklist!` for the seed and for a 2,000-item
//! checklist (calling `checklist_codegen::expand_in` directly), generated lines per item
//! (the expansion pretty-printed, as `cargo expand` shows it), and the time of `cargo
//! build` of a small crate using the 2,000-item checklist after touching its Markdown.
//!
//! The crate lives in `target/bench-rebuild/` with its own target directory and a copy
//! of this workspace's Cargo.lock; its first build (all dependencies, a few minutes on a
//! cold cache) is not timed. Set `CHECKLIST_BENCH_REBUILD=0` to skip it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use common::{Limit, Row, Table};
use criterion::Criterion;
use proc_macro2::TokenStream;
use quote::quote;

const ITEMS: usize = 2_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed_input() -> TokenStream {
    quote!(pub ProductionDeployment, "examples/checklists/production-deployment.md")
}

fn big_input() -> TokenStream {
    quote!(pub Big, "big.md")
}

/// Writes the 2,000-item checklist into `dir` (only when it changed, so that a rebuild
/// measures a touch, not a new file).
fn write_big(dir: &Path) -> usize {
    let generated = common::generate(Limit::Items(ITEMS));
    std::fs::create_dir_all(dir).expect("creates the directory");
    let path = dir.join("big.md");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.markdown.as_str()) {
        std::fs::write(&path, &generated.markdown).expect("writes the checklist");
    }
    generated.items
}

fn expand(input: TokenStream, dir: &Path) -> TokenStream {
    let out = checklist_codegen::expand_in(input, Some(dir));
    assert!(
        !out.to_string().contains("compile_error"),
        "the checklist expands without errors"
    );
    out
}

fn lines(tokens: TokenStream) -> usize {
    let file: syn::File = syn::parse2(tokens).expect("the expansion is valid Rust");
    prettyplease::unparse(&file).lines().count()
}

/// Sets up the crate, builds it once, then times `runs` builds after touching big.md.
fn rebuild(runs: usize) -> Result<Vec<Duration>, String> {
    let dir = root().join("target/bench-rebuild");
    write_big(&dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"bench-rebuild\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nchecklist-md = {{ path = {:?} }}\n\n# Not part of the checklist workspace.\n[workspace]\n",
        root().display().to_string()
    );
    let main = "checklist_md::checklist!(pub Big, \"big.md\");\n\nfn main() {\n    \
                let run = Big::new_state();\n    \
                let report = run.evaluate(Big::gates().complete);\n    \
                println!(\"{} of {} items open\", report.unmet.len(), report.required);\n}\n";
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src/main.rs"), main)?;
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| e.to_string())?;
    write_if_changed(&dir.join("Cargo.lock"), &lock)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = || -> Result<Duration, String> {
        let start = Instant::now();
        let out = Command::new(&cargo)
            .args(["build", "--offline", "--quiet"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let d = start.elapsed();
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(d)
    };
    println!("rebuild: first build of target/bench-rebuild (untimed)...");
    build()?;
    let md = dir.join("big.md");
    let mut times = vec![];
    for _ in 0..runs {
        // Touch: a new modification time, the same bytes.
        let file = std::fs::File::options()
            .write(true)
            .open(&md)
            .map_err(|e| e.to_string())?;
        file.set_modified(SystemTime::now())
            .map_err(|e| e.to_string())?;
        drop(file);
        times.push(build()?);
    }
    Ok(times)
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn criterion_groups(c: &mut Criterion, big_dir: &Path) {
    let mut g = c.benchmark_group("macro");
    g.bench_function("expand seed (177 items)", |b| {
        b.iter(|| expand(seed_input(), &root()))
    });
    g.bench_function("expand 2000 items", |b| {
        b.iter(|| expand(big_input(), big_dir))
    });
    g.finish();
}

fn main() {
    let big_dir = root().join("target/bench-macro");
    let big_items = write_big(&big_dir);
    let seed_items = checklist_md::Spec::parse(common::SEED)
        .expect("the seed")
        .items()
        .len();
    if common::run_ratios() {
        ratios(&big_dir, big_items, seed_items);
    }
    if common::run_criterion() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &big_dir);
        c.final_summary();
    }
}

fn ratios(big_dir: &Path, big_items: usize, seed_items: usize) {
    println!("macro: {}", common::machine());
    let rounds = common::rounds(31);
    let mut seed = || common::time(|| expand(seed_input(), &root())).0;
    let mut big = || common::time(|| expand(big_input(), big_dir)).0;
    let m = common::interleaved(rounds, &mut [&mut seed, &mut big]);
    let seed_lines = lines(expand(seed_input(), &root()));
    let big_lines = lines(expand(big_input(), big_dir));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut table = Table::new("macro");
    table.push(Row {
        what: format!("expand the seed ({seed_items} items)"),
        result: format!("{:.2} ms", ms(m[0])),
        baseline: String::new(),
        ratio: String::new(),
        target: "< 50 ms".into(),
        pass: Some(ms(m[0]) < 50.0),
    });
    table.push(Row::info(
        format!("expand {big_items} items"),
        format!("{:.2} ms", ms(m[1])),
    ));
    table.push(Row::info(
        "generated lines per item (prettyplease)",
        format!(
            "seed {:.1} ({seed_lines} lines), {big_items} items {:.1} ({big_lines} lines)",
            seed_lines as f64 / seed_items as f64,
            big_lines as f64 / big_items as f64
        ),
    ));
    let skip = std::env::var("CHECKLIST_BENCH_REBUILD").is_ok_and(|v| v == "0");
    if common::full_run() && !skip {
        match rebuild(3) {
            Ok(times) => {
                let d = common::median(times.clone());
                table.push(Row {
                    what: format!(
                        "`cargo build` after touching the {big_items}-item Markdown (median of {})",
                        times.len()
                    ),
                    result: format!("{:.2} s", d.as_secs_f64()),
                    baseline: String::new(),
                    ratio: String::new(),
                    target: "< 10 s".into(),
                    pass: Some(d < Duration::from_secs(10)),
                });
            }
            Err(e) => {
                eprintln!("rebuild failed:\n{e}");
                table.push(Row::info(
                    "`cargo build` after touching the Markdown",
                    "failed (see above)",
                ));
            }
        }
    }
    table.finish();
}
