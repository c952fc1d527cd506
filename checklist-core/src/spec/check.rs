//! Checks: a command declared in the front matter that verifies one task.
//!
//! ```toml
//! [checks."build/tests-pass"]
//! run = "cargo test"     # run by `sh -c` in the checklist's directory
//! timeout = "10m"        # default 10 minutes
//! valid_for = "24h"      # evidence older than this no longer counts; default: no expiry
//! ```
//!
//! A check belongs to the checklist, never to a state: the command that runs is always
//! the one written here. Checks are not part of the [spec's digest](super::Spec::digest):
//! adding or changing one keeps every item's identity and the state made so far.
//! Instead each check has a [definition digest](Check::definition), recorded in the
//! evidence of each run, so evidence made by another command does not count.

use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{ItemIndex, Spec};
use crate::location::Location;
use crate::state::EventHash;

/// How long a check may run when its definition does not say: 10 minutes.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// One task's check, as declared in the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub(crate) item: ItemIndex,
    pub(crate) item_id: String,
    pub(crate) run: String,
    pub(crate) timeout: Duration,
    pub(crate) valid_for: Option<Duration>,
    pub(crate) definition: EventHash,
    pub(crate) location: Location,
}

impl Check {
    /// The task it verifies.
    pub fn item(&self) -> ItemIndex {
        self.item
    }
    /// The task's id.
    pub fn item_id(&self) -> &str {
        &self.item_id
    }
    /// The command, as written (run with `sh -c`).
    pub fn run(&self) -> &str {
        &self.run
    }
    /// How long it may run before it is killed and counts as failed.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// How long its evidence counts (`None`: for ever).
    pub fn valid_for(&self) -> Option<Duration> {
        self.valid_for
    }
    /// The digest of what the check runs: SHA-256 of `checklist-check/1`, a zero byte and
    /// the command. Evidence records it; evidence with another digest was made by another
    /// command and does not count. The timeout and validity are not part of it.
    pub fn definition(&self) -> EventHash {
        self.definition
    }
    /// Where the check is declared (its `[checks."..."]` key).
    pub fn location(&self) -> &Location {
        &self.location
    }
}

/// The definition digest of a command (see [`Check::definition`]).
pub fn definition_digest(run: &str) -> EventHash {
    let mut h = Sha256::new();
    h.update(b"checklist-check/1\0");
    h.update(run.as_bytes());
    EventHash(h.finalize().into())
}

impl Spec {
    /// The check of a task, if the front matter declares one.
    pub fn check(&self, item: ItemIndex) -> Option<&Check> {
        self.checks
            .binary_search_by_key(&item, |c| c.item)
            .ok()
            .map(|i| &self.checks[i])
    }

    /// Every check, in document order of their tasks.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }
}

/// A duration as the front matter writes it: a whole number and `s`, `m`, `h` or `d`
/// (`90s`, `10m`, `24h`, `7d`).
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}` is not a duration")),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration"))?;
    // Ten years is more than anything means; it keeps times within what dates hold.
    const MAX: u64 = 10 * 366 * 86_400;
    match n.checked_mul(scale) {
        Some(0) => Err(format!("`{text}` is zero")),
        Some(secs) if secs <= MAX => Ok(Duration::from_secs(secs)),
        _ => Err(format!("`{text}` is longer than ten years")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_seconds_minutes_hours_and_days() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        for bad in ["", "10", "m", "1.5h", "-1m", "10 min", "0s", "99999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_definition_digest_is_of_the_command() {
        assert_eq!(definition_digest("true"), definition_digest("true"));
        assert_ne!(definition_digest("true"), definition_digest("true "));
    }
}
