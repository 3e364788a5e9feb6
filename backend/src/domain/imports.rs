//! CSV import and export of recipients.
//!
//! Import parses the whole file first (each line validated on its own, errors kept
//! with their line numbers); `recipients::import` then stores the good rows.

use std::collections::HashMap;

use herald_api_types::{ImportDuplicate, ImportLineError};

use crate::{
    db::{self, clients::ImportRow},
    domain::EmailAddress,
};

pub struct ParsedCsv {
    pub rows: Vec<ImportRow>,
    /// Lines repeating an earlier line's email (not imported; the first line wins).
    pub duplicates: Vec<ImportDuplicate>,
    pub errors: Vec<ImportLineError>,
}

/// 1-based line numbers of byte offsets that only move forward.
struct LineCounter<'a> {
    data: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(data: &'a [u8]) -> Self {
        LineCounter {
            data,
            offset: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.data.len());
        // A record's position may point at the blank lines before it: skip them.
        while target < self.data.len() && matches!(self.data[target], b'\n' | b'\r') {
            target += 1;
        }
        if target > self.offset {
            let newlines = self.data[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = target;
        }
        self.line
    }
}

/// A value as a report shows it: at most 100 characters, control characters escaped,
/// so a line break in a name is visible instead of breaking the report's layout.
pub(crate) fn shown(value: &str) -> Option<String> {
    let mut out = String::new();
    for c in value.chars().take(100) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if value.chars().count() > 100 {
        out.push('…');
    }
    Some(out)
}

/// Validates a CSV document. Fails as a whole only when there is no usable header.
pub fn parse_csv(data: &[u8]) -> Result<ParsedCsv, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        // Fields are trimmed after the export guard is undone (see `from_cell`).
        .trim(csv::Trim::Headers)
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
        duplicates: Vec::new(),
        errors: Vec::new(),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    // Line numbers as an editor shows them. The csv crate's own count skips blank lines,
    // so it is recomputed from the byte offset (incrementally: O(file), not O(lines²)).
    let mut lines = LineCounter::new(data);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| lines.at(p.byte())).unwrap_or(0);
                out.errors.push(ImportLineError {
                    line,
                    message: format!("unreadable line: {e}"),
                    value: None,
                });
                continue;
            }
        };
        let line = record.position().map(|p| lines.at(p.byte())).unwrap_or(0);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let raw_email = from_cell(record.get(email_col).unwrap_or("").trim_start()).into_owned();
        if raw_email.trim().is_empty() {
            out.errors.push(ImportLineError {
                line,
                message: "email is missing".into(),
                value: None,
            });
            continue;
        }
        let email = match EmailAddress::parse(&raw_email) {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(ImportLineError {
                    line,
                    message: format!("email {e}"),
                    value: shown(raw_email.trim()),
                });
                continue;
            }
        };
        let (full_name, comment) = (
            from_cell(field(name_col).trim_start()).trim().to_owned(),
            from_cell(field(comment_col).trim_start()).trim().to_owned(),
        );
        // PostgreSQL text cannot hold U+0000: a line with one is refused, not the file.
        if full_name.contains('\0') || comment.contains('\0') {
            out.errors.push(ImportLineError {
                line,
                message: "a field contains the NUL character (U+0000)".into(),
                value: shown(if full_name.contains('\0') {
                    &full_name
                } else {
                    &comment
                }),
            });
            continue;
        }
        // A name goes into a mail header: one line, no control characters.
        if herald_api_types::text::has_control(&full_name) {
            out.errors.push(ImportLineError {
                line,
                message:
                    "full_name must be one line: no line breaks, tabs or other control characters"
                        .into(),
                value: shown(&full_name),
            });
            continue;
        }
        if full_name.chars().count() > 200 {
            out.errors.push(ImportLineError {
                line,
                message: "full_name must be at most 200 characters".into(),
                value: shown(&full_name),
            });
            continue;
        }
        if comment.chars().count() > 2000 {
            out.errors.push(ImportLineError {
                line,
                message: "comment must be at most 2000 characters".into(),
                value: shown(&comment),
            });
            continue;
        }
        // One statement cannot upsert the same key twice; the first line wins.
        if let Some(first_line) = seen.get(&email.as_str().to_lowercase()) {
            out.duplicates.push(ImportDuplicate {
                line,
                email: email.into_inner(),
                first_line: *first_line,
            });
            continue;
        }
        seen.insert(email.as_str().to_lowercase(), line);
        out.rows.push(ImportRow {
            email: email.into_inner(),
            full_name,
            comment,
        });
    }
    Ok(out)
}

pub fn export_csv(rows: &[db::clients::Client]) -> Result<Vec<u8>, csv::Error> {
    write_csv(rows.iter().map(|c| {
        [
            c.email.as_str(),
            c.full_name.as_str(),
            c.comment.as_str(),
            if c.unsubscribed_at.is_some() {
                "true"
            } else {
                "false"
            },
        ]
    }))
}

fn write_csv<'a>(rows: impl Iterator<Item = [&'a str; 4]>) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["email", "full_name", "comment", "unsubscribed"])?;
    for row in rows {
        w.write_record(row.map(|cell| to_cell(cell).into_owned()))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `s` is apostrophes followed by a formula character: such a cell gets one more
/// apostrophe on export (spreadsheets show it as text) and loses one on import, so a
/// file exported by Herald imports back exactly, whatever the cells held.
fn is_guarded(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A value as written into an exported cell: formulas neutralised.
pub fn to_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if is_guarded(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// An imported cell's value: the export's neutralising apostrophe removed.
pub fn from_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.strip_prefix('\'') {
        Some(rest) if is_guarded(rest) => rest.into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_bad_lines_with_numbers_and_keeps_good_ones() {
        let csv = "email,full_name,comment\nann@example.com,Ann,first\nnot-an-email,Bob,\n\nANN@example.com,Dup,\ncid@example.com,,\n";
        let p = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!((p.duplicates[0].line, p.duplicates[0].first_line), (5, 2));
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
            people in proptest::collection::vec(("[=+-]?[a-z0-9]{1,12}", "[a-z]{1,10}", "['=+@-]{0,3}[^\\p{Cc}]{0,40}", "['=+@\t\r-]{0,3}[^\\x00]{0,80}"), 0..40)
        ) {
            let mut expected = Vec::new();
            let mut records = Vec::new();
            for (i, (local, domain, name, comment)) in people.iter().enumerate() {
                // Unique by construction: the index is part of the address.
                let email = format!("{local}.{i}@{domain}.example");
                records.push([email.clone(), name.clone(), comment.clone()]);
                expected.push((email, name.trim().to_owned(), comment.trim().to_owned()));
            }
            let doc = write_csv(records.iter().map(|[e, n, c]| [e.as_str(), n.as_str(), c.as_str(), "false"])).unwrap();
            let p = parse_csv(&doc).unwrap();
            proptest::prop_assert!(p.errors.is_empty(), "{:?}", p.errors);
            proptest::prop_assert!(p.duplicates.is_empty());
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

    #[test]
    fn exported_cells_never_start_a_formula() {
        for (raw, cell) in [
            (
                "=HYPERLINK(\"http://evil\")",
                "'=HYPERLINK(\"http://evil\")",
            ),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("Ann", "Ann"),
            ("a=b", "a=b"),
            ("'quoted'", "'quoted'"),
        ] {
            assert_eq!(to_cell(raw), cell);
            assert_eq!(from_cell(cell), raw);
        }
    }

    #[test]
    fn a_name_with_a_line_break_refuses_its_line_only() {
        let p = parse_csv(b"email,full_name\na@example.com,\"A\rBcc: x@evil.test\"\nb@example.com,B\tC\nc@example.com,C\n").unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].email, "c@example.com");
        assert_eq!(
            p.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert!(p.errors[0].message.contains("one line"));
    }

    #[test]
    fn a_report_names_the_offending_value_and_a_missing_email() {
        let p =
            parse_csv(b"email,full_name\n,Nobody\nnot-an-email,X\nz@example.com,\"Z\r\nBcc: y\"\n")
                .unwrap();
        let got: Vec<(&str, Option<&str>)> = p
            .errors
            .iter()
            .map(|e| (e.message.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(got[0], ("email is missing", None));
        assert_eq!(
            got[1],
            ("email is not a valid email address", Some("not-an-email"))
        );
        assert_eq!(got[2].1, Some("Z\\r\\nBcc: y"));
    }
}
