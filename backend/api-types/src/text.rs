//! Rules for text fields that end up in one line of something else (a mail header, a
//! CSV cell, a log line): names refuse Unicode control characters (category Cc: C0,
//! DEL and C1, TAB included), so a CR/LF can never reach a `To:` header.

use validator::ValidationError;

/// True when `s` holds a character of Unicode category Cc.
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// The validator for single-line text fields (`full_name`, names).
pub fn single_line(s: &str) -> Result<(), ValidationError> {
    if has_control(s) {
        let mut e = ValidationError::new("control_character");
        e.message =
            Some("must be one line: no line breaks, tabs or other control characters".into());
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_ordinary_text_is_not() {
        for bad in ["a\rb", "a\nb", "a\tb", "\u{0}", "x\u{7f}", "x\u{85}y"] {
            assert!(single_line(bad).is_err(), "{bad:?}");
        }
        for good in [
            "",
            "Ann O'Neil",
            "Аня Петрова",
            "李雷",
            "emoji 🎉",
            "a\u{2028}b",
        ] {
            assert!(single_line(good).is_ok(), "{good:?}");
        }
    }
}
