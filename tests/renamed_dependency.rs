//! `checklist!` in a crate that depends on the facade under another name
//! (`cl = { package = "checklist-md", ... }`): the generated code must name the crate as
//! that `Cargo.toml` does, with no `#[checklist(crate = ...)]` in the input.
//!
//! The test writes a small crate under `target/macro-rename/` and builds it with the
//! workspace's lock file (the target directory is shared with the macro corpus test).

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const LIB: &str = r##"//! A crate that knows the facade as `cl` only.
#![deny(missing_docs, warnings)]

cl::checklist!(
    /// Deployment.
    pub Deploy, inline "# Deploy\n\n## Checks\n\n- [ ] Tests pass\n- [ ] Überprüfung der Sicherheit\n"
);

/// Completes the checks; the gate passes.
pub fn run() -> bool {
    let mut state = Deploy::new_state();
    let ci = cl::Actor::new("ci");
    let checks = Deploy::items().checks;
    state.complete(checks.tests_pass, &ci).is_ok()
        && state.complete(checks.überprüfung_der_sicherheit, &ci).is_ok()
        && state.evaluate(Deploy::gates().complete).passed
}
"##;

#[test]
fn the_macro_follows_a_renamed_dependency() {
    let dir = repo().join("target/macro-rename/crate");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"renamed-facade\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ncl = {{ package = \"checklist-md\", path = {:?} }}\n\n[workspace]\n",
        repo().display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), LIB).unwrap();
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet"])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            repo().join("target/corpus-macro/target"),
        )
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "the crate with a renamed dependency failed to build:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
