//! When a mailing runs. Pure functions of (start, periodicity, end, now).
//!
//! Occurrence k of a mailing is start + k periods, always computed from the start (not
//! from the previous occurrence), so monthly clamping does not drift: Jan 31 ->
//! Feb 28/29 -> Mar 31. After a run the next run is the first occurrence strictly
//! after now: occurrences missed while the service was down collapse into the one
//! run that just happened (catch-up by one run, not a burst).

use chrono::{DateTime, Duration, Months, Utc};

use super::periodicity::Periodicity;

/// Occurrence `k` (0 = the start itself); `None` past chrono's range.
pub fn occurrence(start: DateTime<Utc>, periodicity: Periodicity, k: u32) -> Option<DateTime<Utc>> {
    match periodicity {
        Periodicity::Once => (k == 0).then_some(start),
        Periodicity::Daily => start.checked_add_signed(Duration::days(k.into())),
        Periodicity::Weekly => start.checked_add_signed(Duration::weeks(k.into())),
        // chrono clamps the day of month (Jan 31 + 1 month = Feb 28/29).
        Periodicity::Monthly => start.checked_add_months(Months::new(k)),
    }
}

/// The first occurrence strictly after `after`, if any is left before `end`
/// (an occurrence exactly at `end` still runs).
pub fn next_after(
    start: DateTime<Utc>,
    periodicity: Periodicity,
    end: Option<DateTime<Utc>>,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let next = if start > after {
        Some(start)
    } else {
        // Jump close to `after` arithmetically, then step; avoids looping over years of days.
        let elapsed = after - start;
        let guess: u32 = match periodicity {
            Periodicity::Once => return None,
            Periodicity::Daily => elapsed.num_days().max(0) as u32,
            Periodicity::Weekly => elapsed.num_weeks().max(0) as u32,
            Periodicity::Monthly => (elapsed.num_days().max(0) / 31) as u32,
        };
        let mut k = guess;
        loop {
            let t = occurrence(start, periodicity, k)?;
            if t > after {
                break Some(t);
            }
            k = k.checked_add(1)?;
        }
    };
    next.filter(|t| end.is_none_or(|end| *t <= end))
}

/// The first run of a newly created (or rescheduled) mailing: its start, unless the
/// mailing is already over.
pub fn first_run(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    end.is_none_or(|end| start <= end).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn monthly_clamps_to_month_end_without_drifting() {
        let start = at(2024, 1, 31, 9);
        assert_eq!(
            occurrence(start, Periodicity::Monthly, 1),
            Some(at(2024, 2, 29, 9))
        );
        assert_eq!(
            occurrence(start, Periodicity::Monthly, 2),
            Some(at(2024, 3, 31, 9))
        );
        assert_eq!(
            occurrence(at(2025, 1, 31, 9), Periodicity::Monthly, 1),
            Some(at(2025, 2, 28, 9))
        );
        assert_eq!(
            next_after(start, Periodicity::Monthly, None, at(2024, 2, 29, 9)),
            Some(at(2024, 3, 31, 9))
        );
    }

    #[test]
    fn daily_and_weekly_step_from_the_start() {
        let start = at(2026, 1, 1, 8);
        assert_eq!(
            next_after(start, Periodicity::Daily, None, start),
            Some(at(2026, 1, 2, 8))
        );
        assert_eq!(
            next_after(start, Periodicity::Weekly, None, start),
            Some(at(2026, 1, 8, 8))
        );
    }

    #[test]
    fn a_once_mailing_has_no_next_run() {
        let start = at(2026, 1, 1, 8);
        assert_eq!(next_after(start, Periodicity::Once, None, start), None);
        assert_eq!(
            next_after(start, Periodicity::Once, None, at(2025, 1, 1, 0)),
            Some(start)
        );
    }

    #[test]
    fn downtime_is_caught_up_by_one_run() {
        // Down for ten days: the run that happens now covers them; the next is tomorrow's.
        let start = at(2026, 1, 1, 8);
        let now = at(2026, 1, 11, 12);
        assert_eq!(
            next_after(start, Periodicity::Daily, None, now),
            Some(at(2026, 1, 12, 8))
        );
    }

    #[test]
    fn nothing_runs_after_the_end() {
        let start = at(2026, 1, 1, 8);
        let end = Some(at(2026, 1, 3, 8));
        assert_eq!(
            next_after(start, Periodicity::Daily, end, at(2026, 1, 2, 8)),
            Some(at(2026, 1, 3, 8))
        );
        assert_eq!(
            next_after(start, Periodicity::Daily, end, at(2026, 1, 3, 8)),
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

    proptest! {
        #[test]
        fn next_is_an_occurrence_strictly_after_now_with_none_skipped_between(
            start_secs in 1_600_000_000i64..1_900_000_000,
            offset_secs in 0i64..400_000_000,
            p in periodicity(),
        ) {
            let start = Utc.timestamp_opt(start_secs, 0).unwrap();
            let now = start + Duration::seconds(offset_secs);
            let next = next_after(start, p, None, now).unwrap();
            prop_assert!(next > now);
            // It is an occurrence, and the one before it is not after now.
            let k = (0..20_000u32).find(|k| occurrence(start, p, *k) == Some(next));
            prop_assert!(k.is_some(), "next is an occurrence");
            let k = k.unwrap();
            if k > 0 {
                prop_assert!(occurrence(start, p, k - 1).unwrap() <= now);
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
            if let Some(next) = next_after(start, p, Some(end), start + Duration::seconds(offset)) {
                prop_assert!(next <= end);
            }
        }

        #[test]
        fn monthly_keeps_the_day_of_month_when_it_exists(day in 1u32..=28, k in 0u32..120) {
            let start = at(2024, 1, day, 10);
            let t = occurrence(start, Periodicity::Monthly, k).unwrap();
            prop_assert_eq!(chrono::Datelike::day(&t), day);
        }
    }
}
