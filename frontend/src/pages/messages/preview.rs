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
        let expr = &rest[start + 2..start + 2 + len];
        let value = match lead_name(expr) {
            "full_name" => full_name,
            "email" => email,
            _ => "",
        };
        // `{{ full_name | default("customer") }}`: the fallback shows when the value is empty.
        let fallback = (value.is_empty()).then(|| default_of(expr)).flatten();
        let value = fallback.unwrap_or(value);
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

/// The variable an expression starts with: `full_name` in `full_name | default("x")`,
/// `attributes` in `attributes.city`.
pub fn lead_name(expr: &str) -> &str {
    let expr = expr.trim();
    let end = expr
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(expr.len());
    &expr[..end]
}

/// The literal of a `| default("…")` filter, if the expression has one.
fn default_of(expr: &str) -> Option<&str> {
    let rest = &expr[expr.find("default(")? + "default(".len()..];
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &rest[1..];
    inner.find(quote).map(|end| &inner[..end])
}

/// The known placeholders (the server's list: `domain::template::KNOWN_PLACEHOLDERS`).
const KNOWN: [&str; 2] = ["full_name", "email"];

/// A `{{ name }}` nothing fills, with the known placeholder it most likely meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub name: String,
    pub suggestion: Option<&'static str>,
}

/// The placeholders of `template` that would be sent as blanks: not `full_name`,
/// `email` or `attributes.*`, and not bound by the template itself (`{% set x %}`,
/// `{% for x in … %}`). The server checks the same when the message is saved.
pub fn unknown_placeholders(template: &str) -> Vec<Unknown> {
    let mut bound: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{%") {
        let Some(len) = rest[start + 2..].find("%}") else {
            break;
        };
        let tag = rest[start + 2..start + 2 + len]
            .trim()
            .trim_start_matches('-')
            .trim();
        if let Some(after) = tag.strip_prefix("set ") {
            bound.push(lead_name(after));
        } else if let Some(after) = tag.strip_prefix("for ") {
            let targets = after.split(" in ").next().unwrap_or("");
            bound.extend(targets.split(',').map(lead_name));
        }
        rest = &rest[start + 2 + len + 2..];
    }
    let mut out: Vec<Unknown> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = lead_name(&rest[start + 2..start + 2 + len]);
        let known = name.is_empty()
            || KNOWN.contains(&name)
            || name == "attributes"
            || name == "loop"
            || bound.contains(&name);
        if !known && !out.iter().any(|u| u.name == name) {
            out.push(Unknown {
                name: name.to_owned(),
                suggestion: KNOWN
                    .iter()
                    .map(|k| (strsim::normalized_damerau_levenshtein(name, k), *k))
                    .filter(|(score, _)| *score >= 0.6)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, k)| k),
            });
        }
        rest = &rest[start + 2 + len + 2..];
    }
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

    #[test]
    fn misspelled_placeholders_are_found_and_bound_names_are_not() {
        let found = unknown_placeholders(
            "Hi {{ fullname }} {{ full_name | default(\"x\") }} {{ attributes.city }} \
             {% set g = 'Hello' %}{{ g }} {% for a, b in pairs %}{{ a }}{{ b }}{% endfor %} {{ emial }} {{ fullname }}",
        );
        assert_eq!(
            found,
            vec![
                Unknown {
                    name: "fullname".into(),
                    suggestion: Some("full_name")
                },
                Unknown {
                    name: "emial".into(),
                    suggestion: Some("email")
                },
            ]
        );
    }

    #[test]
    fn a_default_shows_when_the_value_is_empty() {
        assert_eq!(
            render(
                "Dear {{ full_name | default(\"customer\") }},",
                "",
                "",
                false
            ),
            "Dear customer,"
        );
        assert_eq!(
            render(
                "Dear {{ full_name | default('customer') }},",
                "Ann",
                "",
                false
            ),
            "Dear Ann,"
        );
    }
}
