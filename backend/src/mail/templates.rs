//! Account emails (verification, password reset), as minijinja templates with plain
//! and HTML parts. `.html` templates auto-escape, so a name like `<b>Eve</b>` is inert.

use std::sync::OnceLock;

use minijinja::{context, Environment};

pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

const VERIFY_TXT: &str = "Hello {{ name }},\n\nPlease confirm your email address for Herald by opening this link:\n\n{{ link }}\n\nThe link works once and expires in {{ hours }} hours. If you did not sign up, ignore this email.\n";
const VERIFY_HTML: &str = "<p>Hello {{ name }},</p><p>Please confirm your email address for Herald:</p><p><a href=\"{{ link }}\">Confirm my email</a></p><p>The link works once and expires in {{ hours }} hours. If you did not sign up, ignore this email.</p>";
const RESET_TXT: &str = "Hello {{ name }},\n\nSomeone asked to reset your Herald password. To choose a new one, open:\n\n{{ link }}\n\nThe link works once and expires in {{ minutes }} minutes. If it was not you, ignore this email; your password stays as it is.\n";
const DISABLED_TXT: &str = "Hello {{ name }},\n\nA manager disabled your mailing \"{{ subject }}\". It will not be sent, by schedule or by hand, until it is enabled again.\n{% if reason %}\nReason: {{ reason }}\n{% endif %}\nSee the mailing: {{ link }}\n";
const DISABLED_HTML: &str = "<p>Hello {{ name }},</p><p>A manager disabled your mailing <strong>{{ subject }}</strong>. It will not be sent, by schedule or by hand, until it is enabled again.</p>{% if reason %}<p>Reason: {{ reason }}</p>{% endif %}<p><a href=\"{{ link }}\">See the mailing</a></p>";
const RESET_HTML: &str = "<p>Hello {{ name }},</p><p>Someone asked to reset your Herald password.</p><p><a href=\"{{ link }}\">Choose a new password</a></p><p>The link works once and expires in {{ minutes }} minutes. If it was not you, ignore this email; your password stays as it is.</p>";

const INVITE_TXT: &str = "Hello {{ name }},\n\n{{ inviter }} invited you to Herald. To choose your password and sign in, open:\n\n{{ link }}\n\nThe link works once and expires in {{ days }} days. If you do not know why you got this, ignore this email.\n";
const INVITE_HTML: &str = "<p>Hello {{ name }},</p><p>{{ inviter }} invited you to Herald.</p><p><a href=\"{{ link }}\">Choose my password</a></p><p>The link works once and expires in {{ days }} days. If you do not know why you got this, ignore this email.</p>";

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, src) in [
            ("verify.txt", VERIFY_TXT),
            ("verify.html", VERIFY_HTML),
            ("reset.txt", RESET_TXT),
            ("reset.html", RESET_HTML),
            ("disabled.txt", DISABLED_TXT),
            ("disabled.html", DISABLED_HTML),
            ("invite.txt", INVITE_TXT),
            ("invite.html", INVITE_HTML),
        ] {
            env.add_template(name, src)
                .expect("built-in templates parse");
        }
        env
    })
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    env()
        .get_template(name)
        .and_then(|t| t.render(&ctx))
        .unwrap_or_else(|e| {
            // Built-in templates over plain strings do not fail; should one ever, the bare
            // values (the link among them) beat a panic on the request path.
            tracing::error!(error = %e, template = name, "built-in email template failed");
            ctx.to_string()
        })
}

pub fn verification(name: &str, link: &str, ttl: std::time::Duration) -> RenderedEmail {
    let ctx = context! { name => name, link => link, hours => ttl.as_secs() / 3600 };
    RenderedEmail {
        subject: "Confirm your email for Herald".into(),
        text: render("verify.txt", ctx.clone()),
        html: render("verify.html", ctx),
    }
}

pub fn password_reset(name: &str, link: &str, ttl: std::time::Duration) -> RenderedEmail {
    let ctx = context! { name => name, link => link, minutes => ttl.as_secs() / 60 };
    RenderedEmail {
        subject: "Reset your Herald password".into(),
        text: render("reset.txt", ctx.clone()),
        html: render("reset.html", ctx),
    }
}

/// To someone an administrator invited (`inviter` is the administrator's name or address).
pub fn invitation(
    name: &str,
    inviter: &str,
    link: &str,
    ttl: std::time::Duration,
) -> RenderedEmail {
    let days = (ttl.as_secs() / 86_400).max(1);
    let ctx = context! { name => name, inviter => inviter, link => link, days => days };
    RenderedEmail {
        subject: "You are invited to Herald".into(),
        text: render("invite.txt", ctx.clone()),
        html: render("invite.html", ctx),
    }
}

/// To the owner, when a manager disabled their mailing.
pub fn mailing_disabled(
    name: &str,
    subject: &str,
    reason: Option<&str>,
    link: &str,
) -> RenderedEmail {
    let ctx = context! { name => name, subject => subject, reason => reason, link => link };
    RenderedEmail {
        subject: "Your mailing was disabled".into(),
        text: render("disabled.txt", ctx.clone()),
        html: render("disabled.html", ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn html_part_escapes_the_name_and_text_part_keeps_the_link() {
        let e = verification(
            "<b>Eve</b>",
            "http://x/verify-email?token=a&b",
            Duration::from_secs(48 * 3600),
        );
        assert!(e.html.contains("&lt;b&gt;Eve") && !e.html.contains("<b>"));
        assert!(e.text.contains("http://x/verify-email?token=a&b"));
        assert!(e.text.contains("48 hours"));
    }
}
