//! IANA time zones, and turning a local wall time into an instant.
//!
//! Local times are not all instants: on a spring-forward day 02:30 does not exist, and on
//! a fall-back day 02:30 happens twice. Herald's rule (API.md "Time, windows and control
//! of runs"): a time that does not exist means the first valid instant after it (the end
//! of the gap); an ambiguous one means the first of its two instants.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone as _, Timelike, Utc};
use chrono_tz::Tz;

/// A time zone from the IANA database (`Europe/Berlin`, `UTC`, ...), parsed once at the
/// edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a time zone of the IANA database (e.g. Europe/Berlin, America/New_York, UTC)")]
pub struct UnknownZone;

impl crate::error::ErrorCode for UnknownZone {
    fn code(&self) -> &'static str {
        "unknown_time_zone"
    }
}

impl Zone {
    pub const UTC: Zone = Zone(Tz::UTC);

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The wall time at `t` in this zone.
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.0).naive_local()
    }

    /// The instant of a local wall time (see the module doc for gaps and folds).
    pub fn resolve(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(first, second) => Some(first.min(second).with_timezone(&Utc)),
            LocalResult::None => {
                // Inside a gap: walk forward to the first local minute that exists, which
                // is where the gap ends (gaps are at most a few hours; bounded anyway).
                let mut t = local.with_second(0)?.with_nanosecond(0)?;
                for _ in 0..(26 * 60) {
                    t = t.checked_add_signed(Duration::minutes(1))?;
                    match self.0.from_local_datetime(&t) {
                        LocalResult::Single(x) => return Some(x.with_timezone(&Utc)),
                        LocalResult::Ambiguous(a, b) => return Some(a.min(b).with_timezone(&Utc)),
                        LocalResult::None => {}
                    }
                }
                None
            }
        }
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::UTC
    }
}

impl FromStr for Zone {
    type Err = UnknownZone;

    fn from_str(s: &str) -> Result<Self, UnknownZone> {
        // Exact IANA names only ("utc" or "Europe/berlin" are refused): the name is stored
        // and shown back, so it must be the canonical spelling.
        s.parse::<Tz>()
            .ok()
            .filter(|tz| tz.name() == s)
            .map(Zone)
            .ok_or(UnknownZone)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        local(y, m, d, h, min).and_utc()
    }

    #[test]
    fn names_are_exact_iana_names() {
        assert_eq!(
            "Europe/Berlin".parse::<Zone>().unwrap().name(),
            "Europe/Berlin"
        );
        assert!("UTC".parse::<Zone>().is_ok());
        assert!("Mars/Olympus".parse::<Zone>().is_err());
        assert!("europe/berlin".parse::<Zone>().is_err());
        assert!("".parse::<Zone>().is_err());
    }

    #[test]
    fn a_time_in_the_spring_gap_is_the_end_of_the_gap() {
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
        assert_eq!(
            berlin.resolve(local(2026, 3, 29, 2, 30)),
            Some(utc(2026, 3, 29, 1, 0))
        );
    }

    #[test]
    fn an_ambiguous_time_is_its_first_instant() {
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        // 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
        assert_eq!(
            berlin.resolve(local(2026, 10, 25, 2, 30)),
            Some(utc(2026, 10, 25, 0, 30))
        );
    }
}
