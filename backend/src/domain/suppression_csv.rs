//! CSV import and export of suppression lists: `email,reason,note`. Only `email` is
//! required; an empty reason means `manual`. Cells go through the same formula guard as
//! recipient exports, so a file exported by Herald imports back exactly.

use std::collections::HashSet;

use herald_api_types::{ImportLineError, SuppressionReason};

use super::{
    imports::{from_cell, shown, to_cell},
    EmailAddress,
};
use crate::db::suppressions::Suppression;

pub struct ParsedSuppressions {
    /// (address, reason, note), one per address (the first line wins).
    pub rows: Vec<(String, SuppressionReason, String)>,
    /// Lines repeating an earlier line's address.
    pub repeats: i64,
    pub errors: Vec<ImportLineError>,
}

const MAX_NOTE: usize = 500;

pub fn parse(data: &[u8]) -> Result<ParsedSuppressions, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(data);
    let headers = reader
        .headers()
        .map_err(|e| format!("the file is not readable CSV: {e}"))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(email_col) = col("email") else {
        return Err(
            "the first line must be a header naming an `email` column (email,reason,note)".into(),
        );
    };
    let (reason_col, note_col) = (col("reason"), col("note"));
    let mut out = ParsedSuppressions {
        rows: Vec::new(),
        repeats: 0,
        errors: Vec::new(),
    };
    let mut seen = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        // The header is line 1; records here have no embedded line breaks worth
        // counting for the report beyond the csv crate's own position.
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position().map(|p| p.line()))
            .unwrap_or(i as u64 + 2);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(ImportLineError {
                    line,
                    message: format!("unreadable line: {e}"),
                    value: None,
                });
                continue;
            }
        };
        let cell = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .map(|v| from_cell(v).trim().to_owned())
                .unwrap_or_default()
        };
        let raw_email = cell(Some(email_col));
        if raw_email.is_empty() {
            out.errors.push(ImportLineError {
                line,
                message: "email is missing".into(),
                value: None,
            });
            continue;
        }
        let email = match EmailAddress::parse(&raw_email) {
            Ok(e) => e.into_inner(),
            Err(e) => {
                out.errors.push(ImportLineError {
                    line,
                    message: format!("email {e}"),
                    value: shown(&raw_email),
                });
                continue;
            }
        };
        let raw_reason = cell(reason_col);
        let reason = if raw_reason.is_empty() {
            SuppressionReason::Manual
        } else {
            match raw_reason.parse::<SuppressionReason>() {
                Ok(r) => r,
                Err(()) => {
                    out.errors.push(ImportLineError {
                        line,
                        message: "reason must be unsubscribed, hard_bounce, soft_bounce, complaint or manual".into(),
                        value: shown(&raw_reason),
                    });
                    continue;
                }
            }
        };
        let note = cell(note_col);
        if note.chars().count() > MAX_NOTE || note.chars().any(char::is_control) {
            out.errors.push(ImportLineError {
                line,
                message: "note must be one line of at most 500 characters".into(),
                value: shown(&note),
            });
            continue;
        }
        if !seen.insert(email.to_lowercase()) {
            out.repeats += 1;
            continue;
        }
        out.rows.push((email, reason, note));
    }
    Ok(out)
}

pub fn export(rows: &[Suppression]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["email", "reason", "note", "created_at"])?;
    for s in rows {
        w.write_record([
            to_cell(&s.email).into_owned(),
            s.reason.clone(),
            to_cell(&s.note).into_owned(),
            s.created_at.to_rfc3339(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_checked_one_by_one() {
        let csv = "email,reason,note\nann@example.com,,by phone\nbob@example.com,hard_bounce,\nnot-an-email,,\n,manual,\nANN@example.com,complaint,\ncid@example.com,spam,\n";
        let p = parse(csv.as_bytes()).unwrap();
        assert_eq!(
            p.rows,
            vec![
                (
                    "ann@example.com".to_owned(),
                    SuppressionReason::Manual,
                    "by phone".to_owned()
                ),
                (
                    "bob@example.com".to_owned(),
                    SuppressionReason::HardBounce,
                    String::new()
                ),
            ]
        );
        assert_eq!(p.repeats, 1);
        let lines: Vec<u64> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 5, 7]);
        assert_eq!(p.errors[1].message, "email is missing");
        assert!(parse(b"address\nann@example.com\n").is_err());
    }
}
