//! Where time comes from: the system clock by default, a fixed clock for tests.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

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
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(since) => from_unix(since.as_secs(), since.subsec_nanos()),
            Err(_) => Utc::now(),
        }
    }
}

/// `DateTime::from_timestamp`, with the calendar date of the last day it was asked for
/// kept per thread: every transition reads the clock, and turning a day number into a
/// date is as costly as reading the clock itself.
fn from_unix(secs: u64, nanos: u32) -> DateTime<Utc> {
    use std::cell::Cell;
    thread_local! {
        static DAY: Cell<Option<(u64, NaiveDate)>> = const { Cell::new(None) };
    }
    let (day, second) = (secs / 86_400, (secs % 86_400) as u32);
    let date = DAY.with(|cached| match cached.get() {
        Some((d, date)) if d == day => Some(date),
        _ => {
            let date = NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(day).ok()? + UNIX_EPOCH_DAYS_FROM_CE,
            )?;
            cached.set(Some((day, date)));
            Some(date)
        }
    });
    match (
        date,
        NaiveTime::from_num_seconds_from_midnight_opt(second, nanos),
    ) {
        (Some(date), Some(time)) => NaiveDateTime::new(date, time).and_utc(),
        _ => DateTime::from_timestamp(secs as i64, nanos).unwrap_or_default(),
    }
}

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_reads_unix_time_as_chrono_does() {
        // Midnights, leap days, the last second of a day, nanoseconds, far years.
        let samples: Vec<(u64, u32)> = [
            0,
            1,
            86_399,
            86_400,
            951_782_400,
            951_868_799,
            1_764_547_200,
            4_102_444_800,
            253_402_300_799,
        ]
        .into_iter()
        .flat_map(|s| [(s, 0), (s, 999_999_999), (s + 1, 1)])
        .collect();
        for (secs, nanos) in samples {
            let expected = DateTime::from_timestamp(secs as i64, nanos).unwrap();
            assert_eq!(from_unix(secs, nanos), expected, "{secs}.{nanos}");
        }
        let a = SystemClock.now();
        let b = Utc::now();
        assert!((b - a).num_seconds().abs() < 5);
    }
}
