//! CSV import and export of recipients.
//!
//! Import parses the whole file first (each line validated on its own, errors kept
//! with their line numbers); `recipients::import` then stores the good rows.

use std::collections::HashMap;

use herald_api_types::ImportLineError;

use crate::{
    db::{self, clients::ImportRow},
    domain::EmailAddress,
};

pub struct ParsedCsv {
    pub rows: Vec<ImportRow>,
    pub duplicates: i64,
    pub errors: Vec<ImportLineError>,
}

/// Validates a CSV document. Fails as a whole only when there is no usable header.
pub fn parse_csv(data: &[u8]) -> Result<ParsedCsv, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data);
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header line: {e}"))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let email_col = col("email").ok_or("the header line must name an `email` column")?;
    let (name_col, comment_col) = (col("full_name"), col("comment"));
    let mut out = ParsedCsv {
        rows: Vec::new(),
        duplicates: 0,
        errors: Vec::new(),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                out.errors.push(ImportLineError {
                    line,
                    message: format!("unreadable line: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let email = match EmailAddress::parse(record.get(email_col).unwrap_or("")) {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(ImportLineError {
                    line,
                    message: format!("email {e}"),
                });
                continue;
            }
        };
        let (full_name, comment) = (field(name_col), field(comment_col));
        // PostgreSQL text cannot hold U+0000: a line with one is refused, not the file.
        if full_name.contains('\0') || comment.contains('\0') {
            out.errors.push(ImportLineError {
                line,
                message: "a field contains the NUL character (U+0000)".into(),
            });
            continue;
        }
        if full_name.chars().count() > 200 {
            out.errors.push(ImportLineError {
                line,
                message: "full_name must be at most 200 characters".into(),
            });
            continue;
        }
        if comment.chars().count() > 2000 {
            out.errors.push(ImportLineError {
                line,
                message: "comment must be at most 2000 characters".into(),
            });
            continue;
        }
        // One statement cannot upsert the same key twice; the first line wins.
        if seen.insert(email.as_str().to_lowercase(), line).is_some() {
            out.duplicates += 1;
            continue;
        }
        out.rows.push(ImportRow {
            email: email.into_inner(),
            full_name,
            comment,
        });
    }
    Ok(out)
}

pub fn export_csv(rows: &[db::clients::Client]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 64));
    w.write_record(["email", "full_name", "comment", "unsubscribed"])?;
    for c in rows {
        w.write_record([
            c.email.as_str(),
            &c.full_name,
            &c.comment,
            if c.unsubscribed_at.is_some() {
                "true"
            } else {
                "false"
            },
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_bad_lines_with_numbers_and_keeps_good_ones() {
        let csv = "email,full_name,comment\nann@example.com,Ann,first\nnot-an-email,Bob,\n\nANN@example.com,Dup,\ncid@example.com,,\n";
        let p = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.duplicates, 1);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].line, 3);
    }

    #[test]
    fn header_without_email_is_refused() {
        assert!(parse_csv(b"name,comment\nx,y\n").is_err());
    }

    #[test]
    fn columns_may_come_in_any_order() {
        let p = parse_csv(b"comment,Email\nhello,z@example.com\n").unwrap();
        assert_eq!(p.rows[0].email, "z@example.com");
        assert_eq!(p.rows[0].comment, "hello");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(data in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let mut doc = b"email,full_name,comment\n".to_vec();
            doc.extend(data);
            let lines = doc.split(|b| *b == b'\n').count() as u64;
            let p = parse_csv(&doc).unwrap();
            // Whatever comes in, what goes on is storable and every error names a line.
            for row in &p.rows {
                proptest::prop_assert!(EmailAddress::parse(&row.email).is_ok());
                proptest::prop_assert!(!row.full_name.contains('\0') && !row.comment.contains('\0'));
            }
            for e in &p.errors {
                proptest::prop_assert!(e.line >= 2 && e.line <= lines, "line {} of {}", e.line, lines);
            }
        }

        #[test]
        fn what_export_writes_import_reads_back(
            people in proptest::collection::vec(("[a-z0-9]{1,12}", "[a-z]{1,10}", "[^\\x00]{0,40}", "[^\\x00]{0,80}"), 0..40)
        ) {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["email", "full_name", "comment"]).unwrap();
            let mut expected = Vec::new();
            for (i, (local, domain, name, comment)) in people.iter().enumerate() {
                // Unique by construction: the index is part of the address.
                let email = format!("{local}.{i}@{domain}.example");
                w.write_record([email.as_str(), name, comment]).unwrap();
                expected.push((email, name.trim().to_owned(), comment.trim().to_owned()));
            }
            let p = parse_csv(&w.into_inner().unwrap()).unwrap();
            proptest::prop_assert!(p.errors.is_empty(), "{:?}", p.errors);
            proptest::prop_assert_eq!(p.duplicates, 0);
            // A line whose every field is empty after trimming is skipped; here the email
            // never is, so every line comes back.
            let got: Vec<_> = p
                .rows
                .into_iter()
                .map(|r| (r.email, r.full_name, r.comment))
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn a_nul_character_refuses_its_line_only() {
        let p = parse_csv(b"email,full_name\na@example.com,A\x00B\nb@example.com,B\n").unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.errors[0].line, 2);
        assert!(p.errors[0].message.contains("NUL"));
    }
}
