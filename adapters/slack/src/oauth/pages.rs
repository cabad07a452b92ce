//! The pages a browser sees during an install: small, escaped, never framed, never cached,
//! no script and no referrer (the redirect's URL carries the code), under a strict CSP.

use ackbot_core::adapter::Page;

/// What every install page allows: nothing but itself, with no styles, scripts or frames.
pub(crate) const CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A page with `status`, a `title` and a paragraph of `text` (escaped here), and an optional
/// link.
pub(crate) fn html(status: u16, title: &str, text: &str, link: Option<(&str, &str)>) -> Page {
    let link = link
        .map(|(href, label)| {
            format!(
                "<p><a href=\"{}\">{}</a></p>\n",
                escape(href),
                escape(label)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\n\
         <body><h1>{title}</h1>\n<p>{text}</p>\n{link}</body></html>\n",
        title = escape(title),
        text = escape(text),
    );
    Page {
        status,
        headers: secure_headers("text/html; charset=utf-8"),
        body,
    }
}

/// A redirect to `location` (one ackbot built, never one from the request), with a page
/// linking to it for browsers that do not follow.
pub(crate) fn redirect(location: &str, title: &str) -> Page {
    let mut page = html(
        302,
        title,
        "Continue to Slack to finish.",
        Some((location, title)),
    );
    page.headers.push(("location".into(), location.into()));
    page
}

fn secure_headers(content_type: &str) -> Vec<(String, String)> {
    [
        ("content-type", content_type),
        ("content-security-policy", CSP),
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
    ]
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .to_vec()
}

/// `text` safe inside HTML text and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_and_forbid() {
        let page = html(
            400,
            "No",
            "<script>alert(1)</script>",
            Some(("https://x/?a=1&b=\"", "go")),
        );
        assert!(!page.body.contains("<script>"), "{}", page.body);
        assert!(page.body.contains("&lt;script&gt;"));
        assert!(page.body.contains("href=\"https://x/?a=1&amp;b=&quot;\""));
        assert_eq!(page.header("content-security-policy"), Some(CSP));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        let moved = redirect("https://slack.com/oauth/v2/authorize?x=1", "Add to Slack");
        assert_eq!(
            (moved.status, moved.header("location")),
            (302, Some("https://slack.com/oauth/v2/authorize?x=1"))
        );
    }
}
