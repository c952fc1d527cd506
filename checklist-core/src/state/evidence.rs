//! The evidence of a check's run: what ran, when, how it ended, and what it printed.
//!
//! Evidence is recorded in the log by a `verify` event (and kept on the task's state):
//! its canonical bytes (`Evidence::encode`) are the event's extension tag 3, so the
//! event's hash covers every field of it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::event::EventHash;
use crate::spec::Check;

/// How many bytes of a run's output the evidence keeps: its last 4 KiB. The SHA-256 is of
/// the whole output however long it is.
pub const TAIL_BYTES: usize = 4096;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Outcome {
    /// It exited with this status (0 passes; 127 is `sh`'s "command not found").
    Exit(i32),
    /// A signal ended it.
    Signal(i32),
    /// It ran past its timeout and was killed, with every process it started.
    Timeout,
}

impl Outcome {
    /// Whether the run passed: it exited with status 0.
    pub fn passed(self) -> bool {
        self == Outcome::Exit(0)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Exit(0) => f.write_str("passed"),
            Outcome::Exit(code) => write!(f, "exit status {code}"),
            Outcome::Signal(signal) => write!(f, "killed by signal {signal}"),
            Outcome::Timeout => f.write_str("timed out"),
        }
    }
}

/// The evidence of one run of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The command that ran, as the checklist wrote it.
    #[schemars(with = "String")]
    pub command: Arc<str>,
    /// The check's definition digest when it ran: SHA-256 of `checklist-check/1`, a zero
    /// byte and the command.
    pub definition: EventHash,
    /// When it started (UTC).
    pub started: DateTime<Utc>,
    /// How long it ran, in milliseconds.
    pub duration_ms: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// SHA-256 of everything it printed (stdout and stderr as one stream), whatever its
    /// length or encoding.
    pub output_sha256: EventHash,
    /// How many bytes it printed.
    pub output_bytes: u64,
    /// The last 4 KiB it printed, as text (invalid UTF-8 replaced).
    #[schemars(with = "String")]
    pub output_tail: Arc<str>,
}

impl Evidence {
    /// Evidence of a run of `check` from what it printed, all of it in `output`.
    pub fn new(
        check: &Check,
        started: DateTime<Utc>,
        duration: Duration,
        outcome: Outcome,
        output: &[u8],
    ) -> Evidence {
        let mut capture = Capture::default();
        capture.write(output);
        capture.finish(check, started, duration, outcome)
    }

    /// Whether the run passed.
    pub fn passed(&self) -> bool {
        self.outcome.passed()
    }

    /// When it stops counting for a check valid for `valid_for`.
    pub fn expires(&self, valid_for: Duration) -> Option<DateTime<Utc>> {
        let valid = chrono::TimeDelta::from_std(valid_for).ok()?;
        self.started.checked_add_signed(valid)
    }

    /// The canonical bytes of the evidence, as the event's hash covers them: each text
    /// varint-length-prefixed, digests as their 32 bytes, times and numbers fixed-size
    /// little-endian, the outcome as a tag byte and its number.
    pub(crate) fn encode(&self) -> Vec<u8> {
        use super::event::Sink;
        let mut out = Vec::with_capacity(128 + self.command.len() + self.output_tail.len());
        out.push(1); // the version of this encoding
        out.prefixed(self.command.as_bytes());
        out.extend_from_slice(&self.definition.0);
        out.extend_from_slice(&self.started.timestamp().to_le_bytes());
        out.extend_from_slice(&self.started.timestamp_subsec_nanos().to_le_bytes());
        out.extend_from_slice(&self.duration_ms.to_le_bytes());
        let (tag, number) = match self.outcome {
            Outcome::Exit(code) => (1u8, code),
            Outcome::Signal(signal) => (2, signal),
            Outcome::Timeout => (3, 0),
        };
        out.push(tag);
        out.extend_from_slice(&number.to_le_bytes());
        out.extend_from_slice(&self.output_sha256.0);
        out.extend_from_slice(&self.output_bytes.to_le_bytes());
        out.prefixed(self.output_tail.as_bytes());
        out
    }
}

/// A run's output as it streams in: hashed whole, its last [`TAIL_BYTES`] kept. A
/// [`CheckRunner`](crate::check::CheckRunner) that produces output in pieces writes
/// them here and then [`finish`](Capture::finish)es it into the [`Evidence`].
#[derive(Clone, Default)]
pub struct Capture {
    hasher: Sha256,
    total: u64,
    tail: std::collections::VecDeque<u8>,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture")
            .field("bytes", &self.total)
            .finish_non_exhaustive()
    }
}

impl Capture {
    /// Adds the next piece of output.
    pub fn write(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.total += bytes.len() as u64;
        let keep = &bytes[bytes.len().saturating_sub(TAIL_BYTES)..];
        let excess = (self.tail.len() + keep.len()).saturating_sub(TAIL_BYTES);
        self.tail.drain(..excess);
        self.tail.extend(keep);
    }

    /// How many bytes were written so far.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The evidence of a run of `check` that printed what was written.
    pub fn finish(
        self,
        check: &Check,
        started: DateTime<Utc>,
        duration: Duration,
        outcome: Outcome,
    ) -> Evidence {
        let tail: Vec<u8> = self.tail.into_iter().collect();
        Evidence {
            command: check.run().into(),
            definition: check.definition(),
            started,
            duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            outcome,
            output_sha256: EventHash(self.hasher.finalize().into()),
            output_bytes: self.total,
            output_tail: String::from_utf8_lossy(&tail).into(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A run of `true` (passed) or `false`.
    pub(crate) fn sample(passed: bool) -> Evidence {
        Evidence {
            command: if passed { "true" } else { "false" }.into(),
            definition: crate::spec::check::definition_digest(if passed {
                "true"
            } else {
                "false"
            }),
            started: "2026-11-26T09:00:00Z".parse().unwrap(),
            duration_ms: 3,
            outcome: if passed {
                Outcome::Exit(0)
            } else {
                Outcome::Exit(1)
            },
            output_sha256: EventHash(Sha256::digest(b"out\n").into()),
            output_bytes: 4,
            output_tail: "out\n".into(),
        }
    }

    #[test]
    fn the_tail_is_bounded_and_the_hash_is_of_everything() {
        let mut c = Capture::default();
        let mut all = Vec::new();
        for i in 0..100u8 {
            let piece = vec![i; 1000];
            c.write(&piece);
            all.extend_from_slice(&piece);
        }
        c.write(&[0xff, 0xfe]);
        all.extend_from_slice(&[0xff, 0xfe]);
        let check = crate::Spec::parse("+++\n[checks.a]\nrun = \"true\"\n+++\n- [ ] a\n").unwrap();
        let check = check.checks()[0].clone();
        let e = c.finish(
            &check,
            sample(true).started,
            Duration::from_millis(5),
            Outcome::Exit(0),
        );
        assert_eq!(e.output_bytes, all.len() as u64);
        assert_eq!(e.output_sha256.0, <[u8; 32]>::from(Sha256::digest(&all)));
        assert!(e.output_tail.len() <= TAIL_BYTES * 3);
        assert!(e.output_tail.ends_with("\u{fffd}\u{fffd}"));
    }

    #[test]
    fn every_field_is_encoded() {
        let a = sample(true);
        let mut b = a.clone();
        b.duration_ms += 1;
        assert_ne!(a.encode(), b.encode());
        let mut c = a.clone();
        c.output_tail = "other".into();
        assert_ne!(a.encode(), c.encode());
    }
}
