//! Time as an injected dependency.
//!
//! Deadlines (R13, R15, R19, R23 …) are computed from "now"; code that reads the system clock
//! directly cannot be tested on 29 February or across a time-zone boundary. Everything that needs
//! the time takes a `&dyn Clock`.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// A source of the current UTC instant.
pub trait Clock: Send + Sync {
    /// The current instant, always UTC (local dates are a presentation concern).
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests and reproducible renders.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    /// A clock stopped at `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves the clock to `at` (forwards or backwards).
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
    }

    /// Moves the clock forwards by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut guard = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fixed_clock_stands_still_until_moved() {
        let start = Utc.with_ymd_and_hms(2024, 2, 28, 23, 0, 0).single().expect("valid date");
        let clock = FixedClock::new(start);
        assert_eq!(clock.now(), start);
        assert_eq!(clock.now(), start, "reading the clock must not move it");

        clock.advance(chrono::Duration::hours(2));
        assert_eq!(clock.now().date_naive().to_string(), "2024-02-29");

        clock.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn system_clock_is_utc_and_moves_forward() {
        let a = SystemClock.now();
        let b = SystemClock.now();
        assert!(b >= a);
        assert_eq!(a.offset().to_string(), "UTC");
    }
}
