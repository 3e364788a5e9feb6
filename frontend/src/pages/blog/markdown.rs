//! Blog posts are Markdown, rendered here to HTML that is safe to put into the page.
//!
//! Why no HTML sanitiser (ammonia would add a large part of the wasm): the HTML comes
//! only out of pulldown-cmark's own renderer, and the two ways author-controlled markup
//! could get through it are closed before rendering:
//! - raw HTML (`Event::Html`, `Event::InlineHtml`) becomes `Event::Text`, which the
//!   renderer escapes, so `<script>`, `<img onerror=…>`, `<iframe>` … show as text;
//! - link and image destinations are the only attribute values taken from the text; the
//!   renderer escapes them (no breaking out of the quotes), and [`safe_url`] keeps only
//!   relative URLs and `http:`, `https:` and `mailto:`, so no `javascript:` or `data:`.
//!
//! Everything else the renderer writes is its own fixed set of tags (p, em, a, img,
//! code, …) with escaped text inside.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// A link or image destination, or `#` when its scheme is not an allowed one.
pub fn safe_url(url: &str) -> &str {
    let trimmed = url.trim();
    // A scheme is whatever comes before a `:` that precedes any `/`, `?` or `#`.
    let scheme_end = trimmed.find(':');
    let path_start = trimmed.find(['/', '?', '#']);
    let scheme = match (scheme_end, path_start) {
        (Some(colon), Some(path)) if colon < path => Some(&trimmed[..colon]),
        (Some(colon), None) => Some(&trimmed[..colon]),
        _ => None,
    };
    match scheme {
        None => url,
        Some(s) if ["http", "https", "mailto"].contains(&s.to_ascii_lowercase().as_str()) => url,
        Some(_) => "#",
    }
}

fn safe(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) == "#" {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

/// The post's Markdown as HTML with raw HTML escaped and unsafe URLs neutralised.
pub fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// The text of the Markdown without its markup, at most `max` characters (cut at a
/// word, with an ellipsis): for excerpts in lists.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) if !text.ends_with(' ') => text.push(' '),
            _ => {}
        }
        if text.chars().count() > max + 1 {
            break;
        }
    }
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        let html = to_html("# Hi\n\nSome **bold** and [a link](https://example.com/x).");
        assert!(html.contains("<h1>Hi</h1>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains(r#"<a href="https://example.com/x">a link</a>"#));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html("<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> here");
        assert!(!html.contains("<script"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn script_urls_are_neutralised() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](data:text/html;base64,AAAA)",
            "![x](javascript:alert(1))",
            "[x](vbscript:msgbox)",
        ] {
            let html = to_html(md);
            assert!(
                !html.to_ascii_lowercase().contains("script:"),
                "{md} -> {html}"
            );
            assert!(!html.contains("data:"), "{md} -> {html}");
        }
        assert_eq!(safe_url("/media/a.png"), "/media/a.png");
        assert_eq!(safe_url("#top"), "#top");
        assert_eq!(safe_url("page?a=b:c"), "page?a=b:c");
        assert_eq!(safe_url("mailto:a@example.com"), "mailto:a@example.com");
        assert_eq!(safe_url("ftp://x"), "#");
    }

    #[test]
    fn quotes_in_urls_cannot_leave_the_attribute() {
        let html = to_html(r#"[x](https://e.com/"onmouseover="alert(1))"#);
        assert!(!html.contains(r#"" onmouseover"#) && !html.contains(r#""onmouseover"#));
    }

    #[test]
    fn excerpts_drop_the_markup() {
        assert_eq!(
            excerpt("# Title\n\nSome **bold** text.", 100),
            "Title Some bold text."
        );
        assert_eq!(excerpt("one two three four", 9), "one two…");
    }
}
