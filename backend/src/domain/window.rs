//! Send windows: the days and hours (in a mailing's zone) when its runs may send.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use herald_api_types as api;

use super::zone::Zone;

/// A validated window: a set of weekdays and `[from, to)` minutes after local midnight
/// (`to` may be 1440, the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendWindow {
    /// Bit 0 = Monday .. bit 6 = Sunday.
    pub days: u8,
    pub from: u16,
    pub to: u16,
}

/// Where a window stands at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    /// Open until `closes_at`.
    Open { closes_at: DateTime<Utc> },
    /// Closed until `opens_at`.
    Closed { opens_at: DateTime<Utc> },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWindow {
    #[error("must name at least one day")]
    NoDays,
    #[error("must be a time HH:MM (00:00 to 24:00)")]
    BadTime,
    #[error("must be before \"to\"")]
    Empty,
}

fn minutes(s: &str) -> Result<u16, InvalidWindow> {
    let (h, m) = s.split_once(':').ok_or(InvalidWindow::BadTime)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(InvalidWindow::BadTime);
    }
    let h: u16 = h.parse().map_err(|_| InvalidWindow::BadTime)?;
    let m: u16 = m.parse().map_err(|_| InvalidWindow::BadTime)?;
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(InvalidWindow::BadTime);
    }
    Ok(h * 60 + m)
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl SendWindow {
    /// Parses the API shape; each error names its field (`days`, `from`, `to`).
    pub fn parse(w: &api::SendWindow) -> Result<SendWindow, (&'static str, InvalidWindow)> {
        let days = w.days.iter().fold(0u8, |acc, d| acc | (1 << d.index()));
        if days == 0 {
            return Err(("days", InvalidWindow::NoDays));
        }
        let from = minutes(&w.from).map_err(|e| ("from", e))?;
        let to = minutes(&w.to).map_err(|e| ("to", e))?;
        if from == 1440 {
            return Err(("from", InvalidWindow::BadTime));
        }
        if from >= to {
            return Err(("from", InvalidWindow::Empty));
        }
        Ok(SendWindow { days, from, to })
    }

    /// From the stored columns (all set, or no window).
    pub fn from_columns(days: Option<i16>, from: Option<i16>, to: Option<i16>) -> Option<Self> {
        match (days, from, to) {
            (Some(days), Some(from), Some(to)) if days > 0 && from >= 0 && to > from => {
                Some(SendWindow {
                    days: days as u8,
                    from: from as u16,
                    to: to as u16,
                })
            }
            _ => None,
        }
    }

    pub fn to_api(self) -> api::SendWindow {
        api::SendWindow {
            days: api::Weekday::ALL
                .into_iter()
                .filter(|d| self.days & (1 << d.index()) != 0)
                .collect(),
            from: hhmm(self.from),
            to: hhmm(self.to),
        }
    }

    /// Whether the window is open at `now` in `zone`, and until when; or when it opens
    /// next. Looks at most 8 local days ahead (a window has at least one day a week);
    /// `None` only past chrono's range.
    pub fn state_at(self, zone: Zone, now: DateTime<Utc>) -> Option<WindowState> {
        let today = zone.local(now).date();
        for ahead in 0..=8 {
            let date = today.checked_add_signed(Duration::days(ahead))?;
            let weekday = date.weekday().num_days_from_monday();
            if self.days & (1 << weekday) == 0 {
                continue;
            }
            let at = |m: u16| {
                let midnight = date.and_time(NaiveTime::MIN);
                zone.resolve(midnight + Duration::minutes(m.into()))
            };
            let (opens, closes) = (at(self.from)?, at(self.to)?);
            if opens >= closes {
                // The whole window fell into a DST gap that day.
                continue;
            }
            if now < opens {
                return Some(WindowState::Closed { opens_at: opens });
            }
            if now < closes {
                return Some(WindowState::Open { closes_at: closes });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::Weekday::*;
    use chrono::TimeZone;

    fn window(days: Vec<api::Weekday>, from: &str, to: &str) -> api::SendWindow {
        api::SendWindow {
            days,
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn bad_windows_are_refused_naming_the_field() {
        assert_eq!(
            SendWindow::parse(&window(vec![], "09:00", "17:00"))
                .unwrap_err()
                .0,
            "days"
        );
        assert_eq!(
            SendWindow::parse(&window(vec![Mon], "17:00", "09:00")).unwrap_err(),
            ("from", InvalidWindow::Empty)
        );
        assert_eq!(
            SendWindow::parse(&window(vec![Mon], "09:00", "09:00"))
                .unwrap_err()
                .0,
            "from"
        );
        for bad in ["9:00", "25:00", "12:60", "24:01", "ab:cd", ""] {
            assert_eq!(
                SendWindow::parse(&window(vec![Mon], "00:00", bad))
                    .unwrap_err()
                    .0,
                "to",
                "{bad}"
            );
        }
        let w = SendWindow::parse(&window(vec![Sun, Mon, Mon], "00:00", "24:00")).unwrap();
        assert_eq!(w.to_api(), window(vec![Mon, Sun], "00:00", "24:00"));
    }

    #[test]
    fn open_and_closed_in_the_mailings_zone() {
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        let w =
            SendWindow::parse(&window(vec![Mon, Tue, Wed, Thu, Fri], "09:00", "17:00")).unwrap();
        // Wednesday 2026-12-02 10:00 Berlin = 09:00 UTC: open until 17:00 Berlin.
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        assert_eq!(
            w.state_at(berlin, now),
            Some(WindowState::Open {
                closes_at: Utc.with_ymd_and_hms(2026, 12, 2, 16, 0, 0).unwrap()
            })
        );
        // Friday 18:00 Berlin: opens Monday 09:00 Berlin.
        let friday = Utc.with_ymd_and_hms(2026, 12, 4, 17, 0, 0).unwrap();
        assert_eq!(
            w.state_at(berlin, friday),
            Some(WindowState::Closed {
                opens_at: Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap()
            })
        );
        // To 24:00 closes at the next local midnight.
        let all_day = SendWindow::parse(&window(vec![Wed], "00:00", "24:00")).unwrap();
        assert_eq!(
            all_day.state_at(berlin, now),
            Some(WindowState::Open {
                closes_at: Utc.with_ymd_and_hms(2026, 12, 2, 23, 0, 0).unwrap()
            })
        );
    }

    proptest::proptest! {
        #[test]
        fn the_answer_is_consistent(
            secs in 1_600_000_000i64..1_900_000_000,
            days in 1u8..128,
            from in 0u16..1439,
            len in 1u16..1440,
            zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"]),
        ) {
            let to = (from + len).min(1440);
            let w = SendWindow { days, from, to };
            let zone: Zone = zone.parse().unwrap();
            let now = Utc.timestamp_opt(secs, 0).unwrap();
            match w.state_at(zone, now).unwrap() {
                WindowState::Open { closes_at } => proptest::prop_assert!(closes_at > now),
                WindowState::Closed { opens_at } => {
                    proptest::prop_assert!(opens_at > now);
                    proptest::prop_assert!(opens_at - now <= Duration::days(8));
                    // At the opening it is open.
                    let at_open = w.state_at(zone, opens_at);
                    let is_open = matches!(at_open, Some(WindowState::Open { .. }));
                    proptest::prop_assert!(is_open, "open at {}", opens_at);
                }
            }
        }
    }
}
