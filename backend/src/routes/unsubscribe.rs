//! Unsubscribe links: `GET /u/{token}` shows a confirmation page with a button;
//! `POST /u/{token}` unsubscribes (RFC 8058 one-click: mail clients POST
//! `List-Unsubscribe=One-Click` here without any page); `POST /u/{token}/undo` takes
//! it back from the page. `GET /u/test` is where test emails point. Tokens are random
//! per client and reveal nothing about ids.
//!
//! The pages are for recipients, not Herald's users: they name the sender (the owner's
//! full name) and the address, masked (`m***@example.org`), in the recipient's language
//! (`Accept-Language`: Russian or English), and escape everything they print.

use std::sync::OnceLock;

use actix_web::{
    get,
    http::header::{AcceptLanguage, Header},
    post, web, HttpRequest, HttpResponse,
};
use minijinja::{context, Environment};

use crate::{db, error::ApiError, state::AppState};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(test_page)
        .service(unsubscribe_page)
        .service(unsubscribe)
        .service(undo);
}

/// The recipient's language, from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Ru,
}

impl Lang {
    fn of(req: &HttpRequest) -> Lang {
        let ranked = AcceptLanguage::parse(req)
            .map(|h| h.ranked())
            .unwrap_or_default();
        for pref in ranked {
            match pref.item().map(|tag| tag.primary_language()) {
                Some(l) if l.eq_ignore_ascii_case("ru") => return Lang::Ru,
                Some(l) if l.eq_ignore_ascii_case("en") => return Lang::En,
                _ => {}
            }
        }
        Lang::En
    }

    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }
}

/// Which page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Confirm,
    Unsubscribed,
    Resubscribed,
    Test,
}

/// The words of each page, per language. `{sender}` and `{address}` are filled (escaped)
/// by the template.
struct Words {
    title: &'static str,
    text: &'static str,
    button: Option<&'static str>,
    question: Option<&'static str>,
}

fn words(page: Page, lang: Lang) -> Words {
    use {Lang::*, Page::*};
    match (page, lang) {
        (Confirm, En) => Words {
            title: "Unsubscribe?",
            text: "You receive these emails from {sender} at {address}.",
            question: None,
            button: Some("Unsubscribe"),
        },
        (Confirm, Ru) => Words {
            title: "Отписаться?",
            text: "Вы получаете эти письма от {sender} на адрес {address}.",
            question: None,
            button: Some("Отписаться"),
        },
        (Unsubscribed, En) => Words {
            title: "You are unsubscribed",
            text: "{sender} will not send emails to {address} any more.",
            question: Some("Unsubscribed by mistake?"),
            button: Some("Subscribe again"),
        },
        (Unsubscribed, Ru) => Words {
            title: "Вы отписались",
            text: "{sender} больше не будет присылать письма на {address}.",
            question: Some("Отписались по ошибке?"),
            button: Some("Подписаться снова"),
        },
        (Resubscribed, En) => Words {
            title: "You are subscribed again",
            text: "{sender} may send emails to {address} again.",
            question: None,
            button: None,
        },
        (Resubscribed, Ru) => Words {
            title: "Вы снова подписаны",
            text: "{sender} снова может присылать письма на {address}.",
            question: None,
            button: None,
        },
        (Test, En) => Words {
            title: "This was a test email",
            text: "Test emails go to their sender only, so this link unsubscribes nobody.",
            question: None,
            button: None,
        },
        (Test, Ru) => Words {
            title: "Это было тестовое письмо",
            text: "Тестовые письма получает только их отправитель, поэтому эта ссылка никого не отписывает.",
            question: None,
            button: None,
        },
    }
}

const PAGE: &str = r#"<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{ title }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f7;color:#1d2430;margin:0}
main{max-width:32rem;margin:3rem auto;padding:2rem 1.5rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
.brand{font-weight:700;letter-spacing:.04em;color:#3b5bdb;margin:0 0 1.5rem}
h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.5}
button{font:inherit;font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:8px;background:#3b5bdb;color:#fff;cursor:pointer}
@media (prefers-color-scheme:dark){body{background:#15181e;color:#e6e8eb}main{background:#1f232b}}
</style></head>
<body><main><p class="brand">Herald</p><h1>{{ title }}</h1><p>{{ before }}<strong>{{ sender }}</strong>{{ middle }}<strong>{{ address }}</strong>{{ after }}</p>
{% if question %}<p>{{ question }}</p>{% endif %}
{% if button %}<form method="post" action="{{ action }}"><button type="submit">{{ button }}</button></form>{% endif %}
</main></body></html>"#;

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // The name ends in .html: everything printed is HTML-escaped.
        env.add_template("page.html", PAGE)
            .expect("the unsubscribe page template parses");
        env
    })
}

/// `m***@example.org`: enough for the recipient to recognise, little for anyone else.
fn mask(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Splits `text` around `{sender}` and `{address}` (in whichever order) so the template
/// can print each part escaped and the two values in bold.
fn split(text: &str) -> (String, String, String, bool) {
    let s = text.find("{sender}");
    let a = text.find("{address}");
    match (s, a) {
        (Some(s), Some(a)) if s < a => (
            text[..s].into(),
            text[s + 8..a].into(),
            text[a + 9..].into(),
            false,
        ),
        (Some(s), Some(a)) => (
            text[..a].into(),
            text[a + 9..s].into(),
            text[s + 8..].into(),
            true,
        ),
        _ => (text.into(), String::new(), String::new(), false),
    }
}

fn page(req: &HttpRequest, page: Page, token: &str, sender: &str, email: &str) -> HttpResponse {
    let lang = Lang::of(req);
    let w = words(page, lang);
    let (before, middle, after, swapped) = split(w.text);
    let sender = if sender.trim().is_empty() {
        match lang {
            Lang::En => "the sender",
            Lang::Ru => "отправитель",
        }
    } else {
        sender
    };
    let address = mask(email);
    let (first, second) = if swapped {
        (address.as_str(), sender)
    } else {
        (sender, address.as_str())
    };
    let action = match page {
        Page::Unsubscribed => format!("/u/{token}/undo"),
        _ => format!("/u/{token}"),
    };
    let html = env()
        .get_template("page.html")
        .and_then(|t| {
            t.render(context! {
                lang => lang.code(), title => w.title, before, middle, after,
                sender => first, address => second,
                question => w.question, button => w.button, action,
            })
        })
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "unsubscribe page did not render");
            w.title.to_owned()
        });
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Content-Language", lang.code()))
        .body(html)
}

fn valid_token(token: &str) -> bool {
    (20..=100).contains(&token.len())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Where the unsubscribe link of a test email points: a page saying it was a test.
#[utoipa::path(tag = "unsubscribe", responses((status = 200, description = "HTML page")))]
#[get("/u/test")]
async fn test_page(req: HttpRequest) -> HttpResponse {
    page(&req, Page::Test, "test", "", "")
}

async fn view(
    state: &AppState,
    token: String,
) -> Result<(String, db::suppressions::TokenView), ApiError> {
    if !valid_token(&token) {
        return Err(ApiError::NotFound);
    }
    let t = token.clone();
    let found = db::run_blocking(&state.db, move |conn| {
        db::suppressions::token_view(conn, &t).map_err(ApiError::from)
    })
    .await?;
    found.map(|v| (token, v)).ok_or(ApiError::NotFound)
}

/// Confirmation page for an unsubscribe link.
#[utoipa::path(tag = "unsubscribe", params(("token" = String, Path, description = "Unsubscribe token from the email")),
    responses((status = 200, description = "HTML page"), (status = 404, body = herald_api_types::Problem)))]
#[get("/u/{token}")]
async fn unsubscribe_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (token, v) = view(&state, token.into_inner()).await?;
    let which = if v.unsubscribed {
        Page::Unsubscribed
    } else {
        Page::Confirm
    };
    Ok(page(&req, which, &token, &v.sender, &v.email))
}

/// Unsubscribe (one-click, RFC 8058). Idempotent.
#[utoipa::path(tag = "unsubscribe", params(("token" = String, Path, description = "Unsubscribe token from the email")),
    responses((status = 200, description = "HTML confirmation"), (status = 404, body = herald_api_types::Problem)))]
#[post("/u/{token}")]
async fn unsubscribe(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    change(
        &req,
        &state,
        token.into_inner(),
        Page::Unsubscribed,
        db::suppressions::unsubscribe_by_token,
    )
    .await
}

/// Applies `change` to the client behind `token`, then shows `then`.
async fn change(
    req: &HttpRequest,
    state: &AppState,
    token: String,
    then: Page,
    change: fn(&mut diesel::PgConnection, &str) -> diesel::QueryResult<bool>,
) -> Result<HttpResponse, ApiError> {
    let (token, v) = view(state, token).await?;
    let t = token.clone();
    db::run_blocking(&state.db, move |conn| {
        change(conn, &t).map_err(ApiError::from)
    })
    .await?;
    Ok(page(req, then, &token, &v.sender, &v.email))
}

/// Take an unsubscribe back (the button on the "You are unsubscribed" page). Removes only
/// the `unsubscribed` suppression of that address.
#[utoipa::path(tag = "unsubscribe", params(("token" = String, Path, description = "Unsubscribe token from the email")),
    responses((status = 200, description = "HTML confirmation"), (status = 404, body = herald_api_types::Problem)))]
#[post("/u/{token}/undo")]
async fn undo(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    change(
        &req,
        &state,
        token.into_inner(),
        Page::Resubscribed,
        db::suppressions::resubscribe_by_token,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_masked_to_their_first_letter_and_domain() {
        assert_eq!(mask("mary@example.org"), "m***@example.org");
        assert_eq!(mask("Ж@пример.рф"), "Ж***@пример.рф");
        assert_eq!(mask("broken"), "***");
    }

    #[test]
    fn every_page_names_sender_and_address_once_in_each_language() {
        for page in [Page::Confirm, Page::Unsubscribed, Page::Resubscribed] {
            for lang in [Lang::En, Lang::Ru] {
                let text = words(page, lang).text;
                assert_eq!(text.matches("{sender}").count(), 1, "{text}");
                assert_eq!(text.matches("{address}").count(), 1, "{text}");
            }
        }
        let (before, middle, after, swapped) = split("a {sender} b {address} c");
        assert_eq!(
            (before.as_str(), middle.as_str(), after.as_str(), swapped),
            ("a ", " b ", " c", false)
        );
    }
}
