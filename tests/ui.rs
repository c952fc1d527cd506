//! Compile-fail and compile-pass tests of `checklist!` (trybuild). Each `.stderr` next
//! to a failing case is the exact error a user sees.
//!
//! trybuild compiles the cases as a crate of its own, in `tests/trybuild/checklist/` under
//! the target directory: that is the `CARGO_MANIFEST_DIR` the macro resolves paths
//! against. So that the cases name their Markdown as this repository does
//! (`examples/checklists/...`, `tests/ui/fixtures/...`) wherever the target directory is
//! (`CARGO_TARGET_DIR`, `--target-dir`), the files are copied there first, to the same
//! relative paths.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory trybuild builds the cases in: `<target>/tests/trybuild/<package>/`,
/// with the target directory as cargo reports it (as trybuild asks for it).
fn trybuild_dir() -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let target = metadata["target_directory"]
        .as_str()
        .expect("cargo metadata names the target directory");
    Path::new(target)
        .join("tests/trybuild")
        .join(env!("CARGO_PKG_NAME"))
}

/// Copies the Markdown the cases read to the same relative paths under `dir`.
fn copy_checklists(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["examples/checklists", "tests/ui/fixtures"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        for entry in std::fs::read_dir(repo.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let to = dir.join(folder).join(path.file_name().unwrap());
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
}

#[test]
fn ui() {
    copy_checklists(&trybuild_dir());
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
