//! Runs the built `checklist` binary in a temporary directory, deterministically: no
//! colour, a fixed clock, relative paths (so no temp path shows up in the output).

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The time every run starts its clock at.
pub const TIME: &str = "2026-11-26T09:00:00Z";
/// The seed checklist, as copied into the session.
pub const SEED: &str = "production-deployment.md";
/// The seed with a `deploy` gate, as copied into the session.
pub const GATED: &str = "production-deployment-gated.md";
/// The state file name used by the sessions.
pub const STATE: &str = "state.json";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the output when it is not the one expected.
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A temporary directory holding the example checklists.
pub struct Session {
    pub dir: tempfile::TempDir,
}

impl Session {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/checklists");
        for name in [SEED, GATED] {
            std::fs::copy(examples.join(name), dir.path().join(name)).expect("copy the example");
        }
        Session { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write a file");
    }

    /// Runs `checklist ARGS` in the session's directory.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs with extra environment variables.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("checklist").expect("the binary is built");
        cmd.current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("CHECKLIST_FIXED_TIME", TIME)
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("the binary runs");
        Run {
            code: out.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Runs a state command on `STATE`: `checklist VERB CHECKLIST ARGS... --state state.json`.
    pub fn on(&self, verb: &str, checklist: &str, args: &[&str]) -> Run {
        let mut all = vec![verb, checklist];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--state", STATE]);
        self.run(&all)
    }

    /// The state file's bytes, `None` when it does not exist.
    pub fn state_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(self.path(STATE)).ok()
    }

    /// The state file as JSON.
    #[track_caller]
    pub fn state(&self) -> Value {
        let bytes = self.state_bytes().expect("the state file exists");
        serde_json::from_slice(&bytes).expect("the state file is JSON")
    }

    /// The status of one item in the state file.
    #[track_caller]
    pub fn status_of(&self, id: &str) -> String {
        self.state()["items"][id]["status"]
            .as_str()
            .unwrap_or_else(|| panic!("no item `{id}` in the state file"))
            .to_string()
    }

    /// `checklist ids --json` of a checklist.
    pub fn items(&self, checklist: &str) -> Vec<Value> {
        let run = self.run(&["ids", checklist, "--json"]).code(0);
        serde_json::from_str::<Value>(&run.stdout)
            .expect("ids --json is JSON")
            .as_array()
            .expect("an array")
            .clone()
    }
}
