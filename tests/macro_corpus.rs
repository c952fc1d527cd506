//! `checklist!` on real-world checklists: every corpus file that passes a strict lint
//! must compile through the macro (warning-free, as a public API); a file that repeats an
//! item under one parent must fail with the duplicate-id error naming both lines.
//!
//! The corpus is not part of the repository: the test reads the folder named by
//! `CHECKLIST_CORPUS` (`.ci/run` sets it) and generates a small crate per case under
//! `target/corpus-macro/`, built with the workspace's lock file.

use std::path::{Path, PathBuf};
use std::process::Command;

use checklist_md::{Code, ParseOptions};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write_crate(dir: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::create_dir_all(dir.join("checklists"))?;
    let manifest = format!(
        "[package]\nname = \"corpus-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nchecklist-md = {{ path = {:?} }}\n\n[workspace]\n",
        repo().display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut lib = String::from(
        "//! Generated: every corpus checklist as a typed API.\n#![deny(missing_docs, warnings)]\n\n",
    );
    for (i, (name, text)) in files.iter().enumerate() {
        std::fs::write(dir.join("checklists").join(name), text)?;
        lib.push_str(&format!(
            "checklist_md::checklist!(\n    /// `{name}` from the corpus.\n    pub Corpus{i:02}, \"checklists/{name}\"\n);\n"
        ));
    }
    std::fs::write(dir.join("src/lib.rs"), lib)
}

fn build(dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO"))
        .arg("build")
        .arg("--quiet")
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            repo().join("target/corpus-macro/target"),
        )
        .output()
        .expect("cargo runs")
}

#[test]
fn corpus_through_the_macro() {
    let Some(corpus) = std::env::var_os("CHECKLIST_CORPUS") else {
        eprintln!(
            "CHECKLIST_CORPUS is unset: macro corpus test skipped; .ci/run sets it to ../shared/corpus"
        );
        return;
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("CHECKLIST_CORPUS is a readable folder")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    entries.sort();
    let mut passing = Vec::new();
    let mut repeating = Vec::new();
    for path in &entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        match checklist_md::parse(&text, &ParseOptions::new(name.clone()).strict(true)) {
            Ok(parsed) if parsed.warnings.is_empty() => passing.push((name, text)),
            Ok(parsed) => eprintln!(
                "{name}: {} warning(s) under --strict, not a compile-pass case",
                parsed.warnings.len()
            ),
            Err(diags) => {
                let dup: Vec<String> = diags
                    .errors()
                    .filter(|d| d.code == Code::DuplicateId)
                    .map(|d| d.message.clone())
                    .collect();
                assert!(
                    !dup.is_empty(),
                    "{name}: strict parse failed for another reason than a repeated id:\n{diags}"
                );
                repeating.push((name, text, dup));
            }
        }
    }
    assert!(!passing.is_empty(), "no corpus file passes a strict lint");
    eprintln!(
        "macro corpus: {} compile-pass, {} duplicate-id compile-fail",
        passing.len(),
        repeating.len()
    );

    let dir = repo().join("target/corpus-macro/pass");
    let _ = std::fs::remove_dir_all(dir.join("checklists"));
    write_crate(&dir, &passing).unwrap();
    let out = build(&dir);
    assert!(
        out.status.success(),
        "corpus crate failed to build:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    for (i, (name, text, messages)) in repeating.into_iter().enumerate() {
        let dir = repo().join(format!("target/corpus-macro/fail-{i}"));
        let _ = std::fs::remove_dir_all(dir.join("checklists"));
        write_crate(&dir, &[(name.clone(), text)]).unwrap();
        let out = build(&dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{name} compiled despite a repeated id"
        );
        assert!(
            stderr.contains("[E0003]"),
            "{name}: no duplicate-id error:\n{stderr}"
        );
        for m in messages {
            // The message names both lines: "... on line 864 is already used on line 839".
            assert!(m.matches("line ").count() == 2, "{m}");
            assert!(stderr.contains(&m), "{name}: expected `{m}` in:\n{stderr}");
        }
    }
}
