//! When a mailing runs. Pure functions of (start, periodicity, end, zone, now).
//!
//! Occurrence k of a mailing is start + k periods in the mailing's local wall time,
//! always computed from the start (not from the previous occurrence), so monthly
//! clamping does not drift: Jan 31 -> Feb 28/29 -> Mar 31, and a daily 09:00 stays 09:00
//! local across DST changes (see `zone` for times that do not exist or happen twice). After a run the next run is the first occurrence strictly
//! after now: occurrences missed while the service was down collapse into the one
//! run that just happened (catch-up by one run, not a burst).

use chrono::{DateTime, Duration, Months, Utc};

use super::{periodicity::Periodicity, zone::Zone};

/// Occurrence `k` (0 = the start itself) in `zone`'s wall time; `None` past chrono's range.
pub fn occurrence(
    start: DateTime<Utc>,
    periodicity: Periodicity,
    zone: Zone,
    k: u32,
) -> Option<DateTime<Utc>> {
    if k == 0 {
        return Some(start);
    }
    let local = zone.local(start);
    let local = match periodicity {
        Periodicity::Once => return None,
        Periodicity::Daily => local.checked_add_signed(Duration::days(k.into()))?,
        Periodicity::Weekly => local.checked_add_signed(Duration::weeks(k.into()))?,
        // chrono clamps the day of month (Jan 31 + 1 month = Feb 28/29).
        Periodicity::Monthly => local.checked_add_months(Months::new(k))?,
    };
    zone.resolve(local)
}

/// The first occurrence strictly after `after`, if any is left before `end`
/// (an occurrence exactly at `end` still runs).
pub fn next_after(
    start: DateTime<Utc>,
    periodicity: Periodicity,
    zone: Zone,
    end: Option<DateTime<Utc>>,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let next = if start > after {
        Some(start)
    } else {
        // Jump close to `after` arithmetically, then step; avoids looping over years of
        // days. One period short of the estimate: offsets move local time by hours.
        let elapsed = after - start;
        let guess: u32 = match periodicity {
            Periodicity::Once => return None,
            Periodicity::Daily => (elapsed.num_days() - 1).max(0) as u32,
            Periodicity::Weekly => (elapsed.num_weeks() - 1).max(0) as u32,
            Periodicity::Monthly => (elapsed.num_days() / 31 - 1).max(0) as u32,
        };
        let mut k = guess;
        loop {
            let t = occurrence(start, periodicity, zone, k)?;
            if t > after {
                break Some(t);
            }
            k = k.checked_add(1)?;
        }
    };
    next.filter(|t| end.is_none_or(|end| *t <= end))
}

/// What the scheduler does with an occurrence it sees late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatePolicy {
    /// Send it, however late (missed occurrences collapse into this one run).
    CatchUp,
    /// Skip it when the scheduler sees it more than this long after its time.
    SkipLaterThan(Duration),
}

impl LatePolicy {
    /// Whether the occurrence due at `due`, first seen at `now`, is skipped.
    pub fn skips(self, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        match self {
            LatePolicy::CatchUp => false,
            LatePolicy::SkipLaterThan(max) => now - due > max,
        }
    }
}

/// The first run of a newly created (or rescheduled) mailing: its start, unless the
/// mailing is already over.
pub fn first_run(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    end.is_none_or(|end| start <= end).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone};
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn monthly_clamps_to_month_end_without_drifting() {
        let start = at(2024, 1, 31, 9);
        assert_eq!(
            occurrence(start, Periodicity::Monthly, Zone::UTC, 1),
            Some(at(2024, 2, 29, 9))
        );
        assert_eq!(
            occurrence(start, Periodicity::Monthly, Zone::UTC, 2),
            Some(at(2024, 3, 31, 9))
        );
        assert_eq!(
            occurrence(at(2025, 1, 31, 9), Periodicity::Monthly, Zone::UTC, 1),
            Some(at(2025, 2, 28, 9))
        );
        assert_eq!(
            next_after(
                start,
                Periodicity::Monthly,
                Zone::UTC,
                None,
                at(2024, 2, 29, 9)
            ),
            Some(at(2024, 3, 31, 9))
        );
    }

    #[test]
    fn daily_and_weekly_step_from_the_start() {
        let start = at(2026, 1, 1, 8);
        assert_eq!(
            next_after(start, Periodicity::Daily, Zone::UTC, None, start),
            Some(at(2026, 1, 2, 8))
        );
        assert_eq!(
            next_after(start, Periodicity::Weekly, Zone::UTC, None, start),
            Some(at(2026, 1, 8, 8))
        );
    }

    #[test]
    fn a_once_mailing_has_no_next_run() {
        let start = at(2026, 1, 1, 8);
        assert_eq!(
            next_after(start, Periodicity::Once, Zone::UTC, None, start),
            None
        );
        assert_eq!(
            next_after(start, Periodicity::Once, Zone::UTC, None, at(2025, 1, 1, 0)),
            Some(start)
        );
    }

    #[test]
    fn downtime_is_caught_up_by_one_run() {
        // Down for ten days: the run that happens now covers them; the next is tomorrow's.
        let start = at(2026, 1, 1, 8);
        let now = at(2026, 1, 11, 12);
        assert_eq!(
            next_after(start, Periodicity::Daily, Zone::UTC, None, now),
            Some(at(2026, 1, 12, 8))
        );
    }

    #[test]
    fn nothing_runs_after_the_end() {
        let start = at(2026, 1, 1, 8);
        let end = Some(at(2026, 1, 3, 8));
        assert_eq!(
            next_after(start, Periodicity::Daily, Zone::UTC, end, at(2026, 1, 2, 8)),
            Some(at(2026, 1, 3, 8))
        );
        assert_eq!(
            next_after(start, Periodicity::Daily, Zone::UTC, end, at(2026, 1, 3, 8)),
            None
        );
        assert_eq!(first_run(start, Some(at(2025, 12, 31, 0))), None);
    }

    fn periodicity() -> impl Strategy<Value = Periodicity> {
        prop_oneof![
            Just(Periodicity::Daily),
            Just(Periodicity::Weekly),
            Just(Periodicity::Monthly)
        ]
    }

    fn zone() -> impl Strategy<Value = Zone> {
        // DST both ways, the southern hemisphere, 30- and 45-minute offsets, a
        // 30-minute DST shift (Lord Howe), and zones past +12.
        prop::sample::select(vec![
            "UTC",
            "Europe/Berlin",
            "Europe/Moscow",
            "America/New_York",
            "America/Santiago",
            "Australia/Sydney",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "America/St_Johns",
            "Pacific/Chatham",
            "Pacific/Kiritimati",
            "Africa/Casablanca",
        ])
        .prop_map(|z| z.parse::<Zone>().unwrap())
    }

    #[test]
    fn daily_keeps_its_local_time_across_dst_in_both_directions() {
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        // 09:00 Berlin in winter (08:00 UTC) ...
        let start = at(2026, 3, 27, 8);
        // ... is 07:00 UTC after the spring change on March 29th ...
        assert_eq!(
            occurrence(start, Periodicity::Daily, berlin, 3),
            Some(at(2026, 3, 30, 7))
        );
        // ... and 08:00 UTC again after the autumn change on October 25th.
        assert_eq!(
            next_after(
                start,
                Periodicity::Daily,
                berlin,
                None,
                at(2026, 10, 25, 12)
            ),
            Some(at(2026, 10, 26, 8))
        );
    }

    #[test]
    fn monthly_keeps_its_local_calendar_day() {
        // The 1st at 01:00 Moscow is 22:00 UTC on the last day of the month before: in
        // UTC arithmetic it drifts to the 28th-30th; in local time it stays on the 1st.
        let moscow: Zone = "Europe/Moscow".parse().unwrap();
        let start = at(2026, 1, 31, 22);
        for k in 1..=24 {
            let t = occurrence(start, Periodicity::Monthly, moscow, k).unwrap();
            let local = moscow.local(t);
            assert_eq!(
                (
                    chrono::Datelike::day(&local),
                    chrono::Timelike::hour(&local)
                ),
                (1, 1),
                "k = {k}"
            );
        }
    }

    #[test]
    fn a_time_skipped_by_dst_sends_at_the_end_of_the_gap() {
        let ny: Zone = "America/New_York".parse().unwrap();
        // 02:30 daily in New York; 2026-03-08 has no 02:30 (02:00 -> 03:00 EDT = 07:00 UTC).
        let start = at(2026, 3, 6, 7) + Duration::minutes(30);
        assert_eq!(
            occurrence(start, Periodicity::Daily, ny, 2),
            Some(at(2026, 3, 8, 7))
        );
        // And the day after, 02:30 EDT again.
        assert_eq!(
            occurrence(start, Periodicity::Daily, ny, 3),
            Some(at(2026, 3, 9, 6) + Duration::minutes(30))
        );
    }

    proptest! {
        #[test]
        fn in_any_zone_occurrences_keep_the_local_wall_time_and_next_is_right(
            start_secs in 1_600_000_000i64..1_900_000_000,
            offset_secs in 0i64..400_000_000,
            p in periodicity(),
            zone in zone(),
        ) {
            let start = Utc.timestamp_opt(start_secs, 0).unwrap();
            let now = start + Duration::seconds(offset_secs);
            let next = next_after(start, p, zone, None, now).unwrap();
            prop_assert!(next > now);
            let k = (0..20_000u32).find(|k| occurrence(start, p, zone, *k) == Some(next));
            prop_assert!(k.is_some(), "next is an occurrence");
            let k = k.unwrap();
            if k > 0 {
                prop_assert!(occurrence(start, p, zone, k - 1).unwrap() <= now);
            }
            // The wall time is the start's unless that time did not exist that day
            // (then it is later, by less than the gap).
            let want = zone.local(start).time();
            let got = zone.local(next).time();
            let drift = (got - want).num_minutes();
            prop_assert!(drift == 0 || (0..=120).contains(&drift), "{} vs {}", got, want);
        }

        #[test]
        fn monthly_on_the_29th_to_31st_clamps_and_comes_back(day in 29u32..=31, k in 0u32..48, zone in zone()) {
            let local = chrono::NaiveDate::from_ymd_opt(2025, 1, day).unwrap().and_hms_opt(10, 0, 0).unwrap();
            let start = zone.resolve(local).unwrap();
            let t = zone.local(occurrence(start, Periodicity::Monthly, zone, k).unwrap());
            let month_len = {
                let first = t.date().with_day(1).unwrap();
                (first.checked_add_months(Months::new(1)).unwrap() - first).num_days() as u32
            };
            prop_assert_eq!(chrono::Datelike::day(&t), day.min(month_len));
        }

        #[test]
        fn next_is_an_occurrence_strictly_after_now_with_none_skipped_between(
            start_secs in 1_600_000_000i64..1_900_000_000,
            offset_secs in 0i64..400_000_000,
            p in periodicity(),
        ) {
            let start = Utc.timestamp_opt(start_secs, 0).unwrap();
            let now = start + Duration::seconds(offset_secs);
            let next = next_after(start, p, Zone::UTC, None, now).unwrap();
            prop_assert!(next > now);
            // It is an occurrence, and the one before it is not after now.
            let k = (0..20_000u32).find(|k| occurrence(start, p, Zone::UTC, *k) == Some(next));
            prop_assert!(k.is_some(), "next is an occurrence");
            let k = k.unwrap();
            if k > 0 {
                prop_assert!(occurrence(start, p, Zone::UTC, k - 1).unwrap() <= now);
            }
        }

        #[test]
        fn never_past_the_end(
            start_secs in 1_600_000_000i64..1_900_000_000,
            len in 0i64..100_000_000,
            offset in 0i64..200_000_000,
            p in periodicity(),
        ) {
            let start = Utc.timestamp_opt(start_secs, 0).unwrap();
            let end = start + Duration::seconds(len);
            if let Some(next) = next_after(start, p, Zone::UTC, Some(end), start + Duration::seconds(offset)) {
                prop_assert!(next <= end);
            }
        }

        #[test]
        fn monthly_keeps_the_day_of_month_when_it_exists(day in 1u32..=28, k in 0u32..120) {
            let start = at(2024, 1, day, 10);
            let t = occurrence(start, Periodicity::Monthly, Zone::UTC, k).unwrap();
            prop_assert_eq!(chrono::Datelike::day(&t), day);
        }
    }
}
