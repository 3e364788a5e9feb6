//! How often a mailing repeats.

use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Periodicity {
    Once,
    Daily,
    Weekly,
    Monthly,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: once, daily, weekly, monthly")]
pub struct InvalidPeriodicity;

impl Periodicity {
    pub fn as_str(self) -> &'static str {
        match self {
            Periodicity::Once => "once",
            Periodicity::Daily => "daily",
            Periodicity::Weekly => "weekly",
            Periodicity::Monthly => "monthly",
        }
    }
}

impl FromStr for Periodicity {
    type Err = InvalidPeriodicity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "once" => Ok(Periodicity::Once),
            "daily" => Ok(Periodicity::Daily),
            "weekly" => Ok(Periodicity::Weekly),
            "monthly" => Ok(Periodicity::Monthly),
            _ => Err(InvalidPeriodicity),
        }
    }
}

impl fmt::Display for Periodicity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mailing's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailingStatus {
    /// Never sent.
    Created,
    /// Sent at least once and not over.
    Running,
    /// Past its end, or a `once` mailing whose run completed.
    Finished,
}

impl MailingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailingStatus::Created => "created",
            MailingStatus::Running => "running",
            MailingStatus::Finished => "finished",
        }
    }
}

impl FromStr for MailingStatus {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "created" => Ok(MailingStatus::Created),
            "running" => Ok(MailingStatus::Running),
            "finished" => Ok(MailingStatus::Finished),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_others_are_refused() {
        for p in [
            Periodicity::Once,
            Periodicity::Daily,
            Periodicity::Weekly,
            Periodicity::Monthly,
        ] {
            assert_eq!(p.as_str().parse::<Periodicity>(), Ok(p));
        }
        assert!("hourly".parse::<Periodicity>().is_err());
        assert!("Daily".parse::<Periodicity>().is_err());
    }
}
