//! Where time comes from: the system clock by default, a fixed clock for tests.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// A source of the current time. Injected into a [`State`](crate::State) so that tests
/// (and replays of recorded sessions) are deterministic.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's UTC clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that starts at a given time and advances by a fixed step on every reading
/// (a step of zero gives the same time forever).
///
/// ```
/// use checklist_core::clock::{Clock, FixedClock};
/// use chrono::{Duration, TimeZone, Utc};
/// let start = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
/// let clock = FixedClock::stepping(start, Duration::seconds(1));
/// assert_eq!(clock.now(), start);
/// assert_eq!(clock.now(), start + Duration::seconds(1));
/// ```
#[derive(Debug)]
pub struct FixedClock {
    start: DateTime<Utc>,
    step_nanos: i64,
    readings: AtomicI64,
}

impl FixedClock {
    /// Always `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock::stepping(at, Duration::zero())
    }

    /// `start`, then `start + step`, `start + 2 * step`, ...
    pub fn stepping(start: DateTime<Utc>, step: Duration) -> Self {
        FixedClock {
            start,
            step_nanos: step.num_nanoseconds().unwrap_or(i64::MAX),
            readings: AtomicI64::new(0),
        }
    }

    /// Parses an RFC 3339 time (`2026-11-26T09:00:00Z`), for clocks set from the
    /// environment in end-to-end tests.
    pub fn parse(rfc3339: &str, step: Duration) -> Result<Self, chrono::ParseError> {
        let start = DateTime::parse_from_rfc3339(rfc3339)?.with_timezone(&Utc);
        Ok(FixedClock::stepping(start, step))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        let n = self.readings.fetch_add(1, Ordering::Relaxed);
        self.start + Duration::nanoseconds(self.step_nanos.saturating_mul(n))
    }
}
