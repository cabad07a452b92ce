//! What every outbound HTTP client of ackbot shares: no redirects and no `Referer` (a Slack
//! `response_url`'s path is a credential, and a redirect would carry it elsewhere), and answers
//! read only up to a cap, so that a hostile or broken server cannot fill the worker's memory.

use std::time::Duration;

/// The cap on an answer to a delivery (a `response_url`, a LINE reply or push, an AWS call):
/// the platforms answer these with a few hundred bytes.
pub const DELIVERY_ANSWER_CAP: usize = 64 * 1024;

/// The cap on an answer that carries data a handler asked for (a Slack Web API method, a LINE
/// call): paginated answers stay well under it.
pub const DATA_ANSWER_CAP: usize = 4 * 1024 * 1024;

/// A client builder with ackbot's user agent, `timeout` per request, no redirects followed and
/// no `Referer` sent.
pub fn client_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("ackbot/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
}

/// An answer's body, read up to a cap.
#[derive(Debug, Default)]
pub struct Capped {
    /// The bytes read: the whole body, or its first `cap` bytes.
    pub bytes: Vec<u8>,
    /// Whether the body went on past the cap (the rest was not read).
    pub truncated: bool,
}

impl Capped {
    /// The body as text (lossy), with a note when it was cut.
    pub fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes).into_owned();
        match self.truncated {
            true => format!("{text}… (cut at {} bytes)", self.bytes.len()),
            false => text,
        }
    }
}

/// Reads `response`'s body, stopping after `cap` bytes: the rest is never read, and the
/// connection is dropped with the response.
pub async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Capped, reqwest::Error> {
    let mut capped = Capped {
        bytes: Vec::with_capacity(
            response
                .content_length()
                .map_or(0, |n| (n as usize).min(cap)),
        ),
        truncated: false,
    };
    while let Some(chunk) = response.chunk().await? {
        let room = cap - capped.bytes.len();
        if chunk.len() > room {
            capped.bytes.extend_from_slice(&chunk[..room]);
            capped.truncated = true;
            break;
        }
        capped.bytes.extend_from_slice(&chunk);
    }
    Ok(capped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::EndlessServer;

    #[tokio::test]
    async fn an_endless_body_is_read_up_to_the_cap_only() {
        let server = EndlessServer::start("HTTP/1.1 200 OK");
        let client = client_builder(Duration::from_secs(5)).build().unwrap();
        let response = client.get(&server.url).send().await.unwrap();
        let capped = read_capped(response, 20_000).await.unwrap();
        assert_eq!(capped.bytes.len(), 20_000);
        assert!(capped.truncated);
        assert!(capped.text().ends_with("(cut at 20000 bytes)"));
        assert!(server.written() < 32 * 1024 * 1024);
    }

    #[tokio::test]
    async fn a_short_body_is_read_whole() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("ok"))
            .mount(&server)
            .await;
        let client = client_builder(Duration::from_secs(5)).build().unwrap();
        let response = client.get(server.uri()).send().await.unwrap();
        let capped = read_capped(response, 64 * 1024).await.unwrap();
        assert_eq!((capped.bytes, capped.truncated), (b"ok".to_vec(), false));
    }

    #[tokio::test]
    async fn redirects_are_not_followed_and_no_referer_is_sent() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::path("/here"))
            .respond_with(wiremock::ResponseTemplate::new(307).insert_header("location", "/there"))
            .mount(&server)
            .await;
        let client = client_builder(Duration::from_secs(5)).build().unwrap();
        let url = format!("{}/here", server.uri());
        let response = client.post(&url).body("x").send().await.unwrap();
        assert_eq!(response.status(), 307, "the redirect is the answer");
        let seen = server.received_requests().await.unwrap();
        assert_eq!(seen.len(), 1, "nothing went to /there");
        assert!(!seen[0].headers.contains_key("referer"));
    }
}
