//! Per-recipient rendering of message subjects and bodies.
//!
//! Messages use minijinja with two variables, `{{ full_name }}` and `{{ email }}`.
//! HTML bodies auto-escape (a recipient named `<script>` stays text); plain text and
//! subjects do not. Templates are checked when a message is saved, so a run never
//! meets a syntax error.
//!
//! One message must never be able to take the process down, so a render is bounded in
//! time and in memory:
//! - fuel bounds the instructions (loops cannot spin);
//! - the subject, text and HTML of one email are written into one budget of
//!   `TEMPLATE_MAX_OUTPUT_BYTES` that stops the render as soon as it is exceeded;
//! - the text the template builds without emitting it (`{% set s = s ~ s %}`, `"x" * n`,
//!   `|join`, `|replace` ...) is charged to a string budget of [`STRING_BUDGET_FACTOR`]
//!   times the output cap, checked before each large string is allocated (the vendored
//!   minijinja's `value::budget`, see the root Cargo.toml: upstream has no such hook);
//! - filters that can pad or serialise without bound (`indent`, `format`, `tojson`,
//!   `pprint`) are not offered, and neither is the `debug()` helper, which dumps the
//!   engine's state (minijinja's `debug` feature, which adds template source and state
//!   to error texts, is off too: error texts end up in attempt logs).
//!
//! Over either budget the render fails with [`TemplateError::TooLarge`], whose text
//! starts with `template_too_large`: the delivery fails permanently with that reason.

use std::io;

use minijinja::{context, AutoEscape, Environment, UndefinedBehavior};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{0}")]
    Invalid(String),
    /// The rendered email (or the text built while rendering it) is over the cap.
    #[error("template_too_large: the rendered email would exceed {0} bytes")]
    TooLarge(usize),
}

/// Default of `TEMPLATE_MAX_OUTPUT_BYTES`.
pub const DEFAULT_MAX_OUTPUT: usize = 4 * 1024 * 1024;
/// The text a render may build (emitted or not) is this many times the output cap.
pub const STRING_BUDGET_FACTOR: usize = 4;

/// The compiled templates of one message.
pub struct MessageTemplate {
    env: Environment<'static>,
    has_html: bool,
    max_output: usize,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

const FUEL: u64 = 100_000;

/// Filters whose output can grow without bound before the string budget sees it
/// (padding widths, serialising whole structures).
const UNBOUNDED_FILTERS: [&str; 4] = ["indent", "format", "tojson", "pprint"];

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_fuel(Some(FUEL));
    for name in UNBOUNDED_FILTERS {
        env.remove_filter(name);
    }
    // `debug()` prints the whole render state (every variable in scope) into the output;
    // it is a builtin global whatever the crate's `debug` feature says.
    env.remove_global("debug");
    env.set_auto_escape_callback(|name| {
        if name == "html" {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

/// The placeholders Herald fills for every recipient (besides `attributes.*`).
pub const KNOWN_PLACEHOLDERS: [&str; 2] = ["full_name", "email"];

/// A placeholder a message uses that nothing fills: it would be sent as a blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPlaceholder {
    /// `subject`, `body` or `html_body`.
    pub field: &'static str,
    pub name: String,
    /// The known placeholder it most likely meant, when one is close.
    pub suggestion: Option<&'static str>,
}

impl std::fmt::Display for UnknownPlaceholder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.suggestion {
            Some(s) => write!(f, "unknown placeholder {} (did you mean {s}?)", self.name),
            None => write!(
                f,
                "unknown placeholder {} (known: full_name, email, attributes.*)",
                self.name
            ),
        }
    }
}

/// The closest known placeholder, if it is close enough to be a typo.
fn suggest(name: &str) -> Option<&'static str> {
    KNOWN_PLACEHOLDERS
        .iter()
        .map(|k| (strsim::normalized_damerau_levenshtein(name, k), *k))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

impl MessageTemplate {
    /// Placeholders used but never filled: not `full_name`, `email` or `attributes.*`,
    /// not bound inside the template (`set`, `for`, macro arguments: minijinja's static
    /// analysis leaves those out) and not one of the environment's functions (`range`).
    /// Checked when a message is saved; messages saved before keep sending.
    pub fn unknown_placeholders(&self) -> Vec<UnknownPlaceholder> {
        let fields = [
            ("subject", "subject"),
            ("body", "body"),
            ("html", "html_body"),
        ];
        let mut out = Vec::new();
        for (template, field) in fields {
            let Ok(t) = self.env.get_template(template) else {
                continue;
            };
            let mut names: Vec<String> = t
                .undeclared_variables(false)
                .into_iter()
                .filter(|n| {
                    !KNOWN_PLACEHOLDERS.contains(&n.as_str())
                        && n != "attributes"
                        && !self.env.globals().any(|(g, _)| g == n)
                })
                .collect();
            names.sort();
            out.extend(names.into_iter().map(|name| UnknownPlaceholder {
                field,
                suggestion: suggest(&name),
                name,
            }));
        }
        out
    }

    pub fn compile(
        subject: &str,
        body: &str,
        html: Option<&str>,
    ) -> Result<Self, (&'static str, TemplateError)> {
        let mut env = environment();
        let err = |field: &'static str| {
            move |e: minijinja::Error| (field, TemplateError::Invalid(describe(&e)))
        };
        env.add_template_owned("subject", subject.to_owned())
            .map_err(err("subject"))?;
        env.add_template_owned("body", body.to_owned())
            .map_err(err("body"))?;
        if let Some(html) = html {
            env.add_template_owned("html", html.to_owned())
                .map_err(err("html_body"))?;
        }
        Ok(MessageTemplate {
            env,
            has_html: html.is_some(),
            max_output: DEFAULT_MAX_OUTPUT,
        })
    }

    /// Sets the cap on subject + text + HTML of one rendered email.
    pub fn with_max_output(mut self, bytes: usize) -> Self {
        self.max_output = bytes;
        self
    }

    /// Renders one recipient's email within the output cap and the string budget.
    /// CPU-bound (up to the fuel limit): callers on an async executor other than the
    /// engine's own run it off the executor.
    pub fn render(&self, full_name: &str, email: &str) -> Result<Rendered, TemplateError> {
        let ctx = context! { full_name => full_name, email => email };
        let _budget = StringBudget::arm(self.max_output.saturating_mul(STRING_BUDGET_FACTOR));
        let mut out = CappedWriter {
            buf: Vec::new(),
            left: self.max_output,
            over: false,
        };
        let mut one = |name: &str| -> Result<String, TemplateError> {
            out.buf.clear();
            let result = self
                .env
                .get_template(name)
                .and_then(|t| t.render_captured_to(&ctx, &mut out).map(|_| ()));
            if out.over || minijinja::value::budget::budget_exhausted() {
                return Err(TemplateError::TooLarge(self.max_output));
            }
            result.map_err(|e| TemplateError::Invalid(describe(&e)))?;
            String::from_utf8(std::mem::take(&mut out.buf))
                .map_err(|_| TemplateError::Invalid("template error: output is not UTF-8".into()))
        };
        Ok(Rendered {
            // Headers are one line: a newline in a subject would be header injection.
            subject: one("subject")?.replace(['\r', '\n'], " "),
            text: one("body")?,
            html: if self.has_html {
                Some(one("html")?)
            } else {
                None
            },
        })
    }
}

/// Arms the render's string budget on this thread for its lifetime (restored on drop,
/// also when a render panics).
struct StringBudget(Option<usize>);

impl StringBudget {
    fn arm(bytes: usize) -> Self {
        StringBudget(minijinja::value::budget::set_string_budget(Some(bytes)))
    }
}

impl Drop for StringBudget {
    fn drop(&mut self) {
        minijinja::value::budget::set_string_budget(self.0);
    }
}

/// Collects one part of the email; refuses to grow past what is left of the cap shared
/// by the subject, text and HTML, so an over-large render stops at the cap.
struct CappedWriter {
    buf: Vec<u8>,
    left: usize,
    over: bool,
}

impl io::Write for CappedWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.len() > self.left {
            self.over = true;
            return Err(io::Error::other("template_too_large"));
        }
        self.left -= bytes.len();
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!(
            "template error on line {line}: {}",
            e.detail().unwrap_or(&e.kind().to_string())
        ),
        None => format!(
            "template error: {}",
            e.detail().unwrap_or(&e.kind().to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders_are_filled_and_html_is_escaped() {
        let t = MessageTemplate::compile(
            "Hi {{ full_name }}",
            "Dear {{ full_name }} <{{ email }}>",
            Some("<p>{{ full_name }}</p>"),
        )
        .unwrap();
        let r = t.render("<script>x</script>", "a@b.c").unwrap();
        assert_eq!(r.subject, "Hi <script>x</script>");
        assert_eq!(r.text, "Dear <script>x</script> <a@b.c>");
        assert!(r.html.unwrap().starts_with("<p>&lt;script&gt;"));
    }

    #[test]
    fn syntax_errors_name_the_field() {
        let err = MessageTemplate::compile("ok", "Hello {{ full_name", None)
            .err()
            .unwrap();
        assert_eq!(err.0, "body");
        assert!(err.1.to_string().contains("line 1"));
    }

    #[test]
    fn runaway_templates_run_out_of_fuel() {
        let t = MessageTemplate::compile(
            "s",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            None,
        )
        .unwrap();
        assert!(t.render("a", "b").is_err());
    }

    fn too_large(subject: &str, body: &str) -> bool {
        let t = MessageTemplate::compile(subject, body, None)
            .unwrap()
            .with_max_output(64 * 1024);
        matches!(
            t.render("Ann", "ann@example.com"),
            Err(TemplateError::TooLarge(_))
        )
    }

    #[test]
    fn a_loop_of_large_repeats_stops_at_the_output_cap() {
        assert!(too_large(
            "s",
            r#"{% for i in range(100000) %}{{ "x" * 1000000 }}{% endfor %}"#
        ));
    }

    #[test]
    fn text_built_without_being_emitted_is_bounded_too() {
        let doubling = format!(
            r#"{{% set s = "x" * 100000 %}}{}{{{{ s|length }}}}"#,
            r#"{% set s = s ~ s ~ s %}"#.repeat(20)
        );
        for bomb in [
            doubling.as_str(),
            r#"{% set s = "x" * 100000 %}{% for i in range(30) %}{% set s = s + s %}{% endfor %}{{ s|length }}"#,
            r#"{% set ns = namespace(s="xxxxxxxx") %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"#,
            r#"{% macro grow(s, n) %}{% if n %}{{ grow(s ~ s, n - 1)|length }}{% endif %}{% endmacro %}{{ grow("xxxxxxxx", 60) }}"#,
            r#"{% set s %}{% for i in range(100000) %}{{ "y" * 100000 }}{% endfor %}{% endset %}{{ s|length }}"#,
            r#"{{ (["x" * 100000] * 100000)|join|length }}"#,
            r#"{% set s = "x" * 50000 %}{{ s|replace("x", s)|length }}"#,
            r#"{{ ((["x"] * 1000) * 1000)|list|length }}"#,
        ] {
            assert!(too_large("s", bomb), "not stopped: {bomb}");
        }
        // The cap is shared: a big subject leaves less for the body.
        assert!(too_large(r#"{{ "s" * 40000 }}"#, r#"{{ "b" * 40000 }}"#));
    }

    #[test]
    fn ordinary_templates_render_under_the_budget() {
        let t = MessageTemplate::compile(
            "Hi {{ full_name|upper }}",
            r#"{% for i in range(3) %}{{ "-" * 10 ~ full_name }}{% endfor %}{{ [full_name, email]|join(", ") }}"#,
            None,
        )
        .unwrap()
        .with_max_output(64 * 1024);
        let r = t.render("Ann", "ann@example.com").unwrap();
        assert_eq!(r.subject, "Hi ANN");
        assert!(r.text.ends_with("----------AnnAnn, ann@example.com"));
    }

    #[test]
    fn no_helper_dumps_the_engine_state_and_unbounded_filters_are_gone() {
        // With minijinja's `debug` feature on, this printed the whole context.
        let t = MessageTemplate::compile("s", "{{ debug() }}", None).unwrap();
        if let Ok(r) = t.render("Ann", "ann@example.com") {
            assert!(
                !r.text.contains("full_name") && !r.text.contains("Ann"),
                "{}",
                r.text
            );
        }
        for src in [
            "{{ full_name|indent(100000000) }}",
            "{{ '%100000000s'|format(full_name) }}",
            "{{ full_name|tojson }}",
            "{{ full_name|pprint }}",
        ] {
            let t = MessageTemplate::compile("s", src, None).unwrap();
            assert!(
                t.render("Ann", "ann@example.com").is_err(),
                "{src} rendered"
            );
        }
    }

    #[test]
    fn subject_newlines_cannot_inject_headers() {
        let t = MessageTemplate::compile("Hi {{ full_name }}", "b", None).unwrap();
        assert_eq!(
            t.render("x\r\nBcc: evil@example.com", "e").unwrap().subject,
            "Hi x  Bcc: evil@example.com"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(src in "\\PC{0,200}", name in "\\PC{0,50}") {
            if let Ok(t) = MessageTemplate::compile(&src, &src, Some(&src)) {
                let _ = t.render(&name, "e@example.com");
            }
        }

        /// Templates built from repetition, concatenation and loops render under the cap
        /// or fail; never over it.
        #[test]
        fn renders_never_exceed_the_cap(
            seed in prop::sample::select(vec![r#""x""#, "full_name", r#"("ab" * 1000)"#, r#""""#]),
            ops in prop::collection::vec(
                prop::sample::select(vec![
                    "{% set s = s ~ s %}",
                    "{% set s = s + s %}",
                    "{% set s = s * 7 %}",
                    "{% set s = [s, s, s]|join %}",
                    r#"{% set s = s|replace("x", s) %}"#,
                    "{% set s %}{% for i in range(50) %}{{ s }}{% endfor %}{% endset %}",
                    "{% for i in range(20) %}{{ s }}{% endfor %}",
                    "{{ s }}",
                ]),
                0..12,
            ),
        ) {
            let cap = 32 * 1024;
            let body = format!("{{% set s = {seed} %}}{}", ops.concat());
            let t = MessageTemplate::compile("{{ s }}", &body, Some(&body))
                .unwrap()
                .with_max_output(cap);
            if let Ok(r) = t.render("Ann", "ann@example.com") {
                let total = r.subject.len() + r.text.len() + r.html.map_or(0, |h| h.len());
                prop_assert!(total <= cap, "{} bytes from {}", total, body);
            }
        }

        #[test]
        fn a_recipients_name_is_text_everywhere(name in "(?s).{0,60}") {
            let t = MessageTemplate::compile(
                "Hello {{ full_name }}",
                "{{ full_name }}",
                Some("<p>{{ full_name }}</p>"),
            )
            .unwrap();
            let r = t.render(&name, "e@example.com").unwrap();
            // Plain text carries the name as it is.
            prop_assert_eq!(&r.text, &name);
            // The subject is one header line whatever the name holds.
            prop_assert!(!r.subject.contains(['\r', '\n']));
            // In HTML the name can never open, close or break out of markup.
            let html = r.html.unwrap();
            let inner = &html["<p>".len()..html.len() - "</p>".len()];
            prop_assert!(!inner.contains(['<', '>', '"']), "{}", inner);
        }
    }

    #[test]
    fn misspelled_placeholders_are_found_with_a_suggestion() {
        let t = MessageTemplate::compile(
            "Hi {{ fullname }}",
            "{% set greeting = 'Hello' %}{{ greeting }} {{ full_name }} {{ attributes.city }} \
             {% for i in range(3) %}{{ i }}{% endfor %}{{ emial }} {{ xyzzy }}",
            Some("<p>{{ full_name | default('customer') }}</p>"),
        )
        .unwrap();
        let found: Vec<String> = t
            .unknown_placeholders()
            .iter()
            .map(|u| format!("{}: {u}", u.field))
            .collect();
        assert_eq!(
            found,
            vec![
                "subject: unknown placeholder fullname (did you mean full_name?)",
                "body: unknown placeholder emial (did you mean email?)",
                "body: unknown placeholder xyzzy (known: full_name, email, attributes.*)",
            ]
        );
    }
}
