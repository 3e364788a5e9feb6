//! The preview's rendering of `{{ full_name }}` and `{{ email }}`.
//!
//! The backend renders messages with minijinja (lenient: an unknown variable is empty;
//! HTML bodies auto-escape the values). This mirrors that for the two variables the
//! product offers, for the preview only: what is sent is always the server's rendering.

/// Replaces every `{{ name }}` (any spacing) with its value; unknown names become empty
/// like the server's lenient templates; text that is not a `{{ … }}` stays as it is.
pub fn render(template: &str, full_name: &str, email: &str, html: bool) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = rest[start + 2..start + 2 + len].trim();
        let value = match name {
            "full_name" => full_name,
            "email" => email,
            _ => "",
        };
        if html {
            out.push_str(&escape_html(value));
        } else {
            out.push_str(value);
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    out
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_with_any_spacing_are_filled() {
        assert_eq!(
            render("Hi {{full_name}}, {{ email }}!", "Ann", "a@x.io", false),
            "Hi Ann, a@x.io!"
        );
        assert_eq!(render("{{   full_name\t}}", "Ann", "", false), "Ann");
    }

    #[test]
    fn unknown_names_are_empty_and_unclosed_braces_stay() {
        assert_eq!(render("a{{ other }}b", "Ann", "", false), "ab");
        assert_eq!(render("a {{ full_name", "Ann", "", false), "a {{ full_name");
    }

    #[test]
    fn html_values_are_escaped() {
        assert_eq!(
            render("<b>{{ full_name }}</b>", "<i>x</i>", "", true),
            "<b>&lt;i&gt;x&lt;/i&gt;</b>"
        );
    }
}
