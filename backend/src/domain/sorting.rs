//! The orders a list can be sorted in (`?sort=<field>&order=asc|desc`), parsed once at
//! the edge. Unknown fields or directions are input errors (422) naming the parameter.
//! Default everywhere: newest first; ties by email for clients, by id elsewhere.

use crate::error::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

/// Sort fields of the recipient list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientSort {
    #[default]
    CreatedAt,
    Email,
    FullName,
}

/// Sort fields of the mailing list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailingSort {
    #[default]
    CreatedAt,
    Name,
    Status,
    NextRunAt,
}

/// Sort fields of the message list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageSort {
    #[default]
    CreatedAt,
    Subject,
}

/// A field name as the API spells it.
pub trait SortField: Sized + Copy + Default + 'static {
    const NAMES: &'static [(&'static str, Self)];
}

impl SortField for ClientSort {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("created_at", ClientSort::CreatedAt),
        ("email", ClientSort::Email),
        ("full_name", ClientSort::FullName),
    ];
}

impl SortField for MailingSort {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("created_at", MailingSort::CreatedAt),
        ("name", MailingSort::Name),
        ("status", MailingSort::Status),
        ("next_run_at", MailingSort::NextRunAt),
    ];
}

impl SortField for MessageSort {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("created_at", MessageSort::CreatedAt),
        ("subject", MessageSort::Subject),
    ];
}

/// `?sort=&order=` as a field and a direction; both default (newest first) when absent.
pub fn parse<F: SortField>(
    sort: Option<&str>,
    order: Option<&str>,
) -> Result<(F, Direction), FieldErrors> {
    let mut errors = FieldErrors::new();
    let field = match sort.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(F::default()),
        Some(name) => F::NAMES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f),
    };
    if field.is_none() {
        let names: Vec<&str> = F::NAMES.iter().map(|(n, _)| *n).collect();
        errors.add("sort", format!("must be one of: {}", names.join(", ")));
    }
    let direction = match order.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Direction::Desc),
        Some(o) if o.eq_ignore_ascii_case("asc") => Some(Direction::Asc),
        Some(o) if o.eq_ignore_ascii_case("desc") => Some(Direction::Desc),
        Some(_) => {
            errors.add("order", "must be asc or desc");
            None
        }
    };
    match (field, direction) {
        (Some(f), Some(d)) => Ok((f, d)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_parse_and_default_to_newest_first() {
        assert_eq!(
            parse::<ClientSort>(None, None).unwrap(),
            (ClientSort::CreatedAt, Direction::Desc)
        );
        assert_eq!(
            parse::<MailingSort>(Some("next_run_at"), Some("ASC")).unwrap(),
            (MailingSort::NextRunAt, Direction::Asc)
        );
        assert!(parse::<MessageSort>(Some("email"), None).is_err());
        assert!(parse::<ClientSort>(Some("email"), Some("up")).is_err());
    }
}
