//! Per-recipient rendering of message subjects and bodies.
//!
//! Messages use minijinja with two variables, `{{ full_name }}` and `{{ email }}`.
//! HTML bodies auto-escape (a recipient named `<script>` stays text); plain text and
//! subjects do not. Templates are checked when a message is saved, so a run never
//! meets a syntax error, and rendering is bounded with fuel so a template cannot spin.

use minijinja::{context, AutoEscape, Environment, UndefinedBehavior};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(String);

/// The compiled templates of one message.
pub struct MessageTemplate {
    env: Environment<'static>,
    has_html: bool,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

const FUEL: u64 = 100_000;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_fuel(Some(FUEL));
    env.set_auto_escape_callback(|name| {
        if name == "html" {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

impl MessageTemplate {
    pub fn compile(
        subject: &str,
        body: &str,
        html: Option<&str>,
    ) -> Result<Self, (&'static str, TemplateError)> {
        let mut env = environment();
        let err =
            |field: &'static str| move |e: minijinja::Error| (field, TemplateError(describe(&e)));
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
        })
    }

    pub fn render(&self, full_name: &str, email: &str) -> Result<Rendered, TemplateError> {
        let ctx = context! { full_name => full_name, email => email };
        let one = |name: &str| {
            self.env
                .get_template(name)
                .and_then(|t| t.render(&ctx))
                .map_err(|e| TemplateError(describe(&e)))
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
}
