//! Which `response_url`s the adapter posts to. A `response_url` comes in the request, and its path
//! is a credential: posting a reply (with the path) anywhere a request names would make the worker
//! a messenger to any server. Slack's own are `https://hooks.slack.com/…` (GovSlack's
//! `https://hooks.slack-gov.com/…`); a stand-in's are on the host of `SLACK_API_URL` (its
//! scheme, any port); and a
//! developer's loopback edge may allow loopback addresses, where `ackbot send` and the
//! inspector's Send listen for their replies.

use std::net::IpAddr;

use reqwest::Url;

use crate::ReplyError;

/// The hosts of Slack's own `response_url`s, reached over https only.
pub const SLACK_HOOK_HOSTS: &[&str] = &["hooks.slack.com", "hooks.slack-gov.com"];

/// Where `response_url`s may point.
#[derive(Clone, Debug)]
pub(crate) struct ResponseUrls {
    /// The scheme and host of the configured Web API (a stand-in's in tests and the demo).
    api: Option<(String, String)>,
    /// Whether loopback addresses are allowed too.
    loopback: bool,
}

impl ResponseUrls {
    /// Slack's hooks, the host of `api_url`, and loopback addresses when `loopback` is set.
    pub(crate) fn new(api_url: &str, loopback: bool) -> Self {
        let api = Url::parse(api_url).ok().and_then(|u| {
            let host = u.host_str()?.to_ascii_lowercase();
            Some((u.scheme().to_string(), host))
        });
        Self { api, loopback }
    }

    /// Whether a reply may be posted to `url`; if not, why, naming only its scheme and host.
    pub(crate) fn check(&self, url: &str) -> Result<(), ReplyError> {
        let refuse = |what: String| {
            ReplyError::InvalidCall(format!(
                "the response_url {what} is not Slack's (https://hooks.slack.com/…), nor the host \
                 of SLACK_API_URL: no reply is posted there"
            ))
        };
        let Ok(parsed) = Url::parse(url) else {
            return Err(refuse("(not a URL)".into()));
        };
        let scheme = parsed.scheme();
        let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
        let allowed = match scheme {
            "https" if SLACK_HOOK_HOSTS.contains(&host.as_str()) => true,
            "http" | "https" => {
                self.api
                    .as_ref()
                    .is_some_and(|(s, h)| s == scheme && *h == host)
                    || (self.loopback && is_loopback(&host))
            }
            _ => false,
        };
        match allowed {
            true => Ok(()),
            false => Err(refuse(format!("{scheme}://{host}"))),
        }
    }
}

/// Whether `host` (as a URL names it) is a loopback address.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN";

    #[test]
    fn slack_hooks_over_https_and_the_api_host_only() {
        let urls = ResponseUrls::new("http://127.0.0.1:4000/api", false);
        for good in [
            format!("https://hooks.slack.com{PATH}"),
            format!("https://HOOKS.slack.com{PATH}"),
            format!("https://hooks.slack-gov.com{PATH}"),
            // The stand-in's host, on any port: stand-ins of response_urls listen beside the API.
            format!("http://127.0.0.1:4001{PATH}"),
        ] {
            assert_eq!(urls.check(&good), Ok(()), "{good}");
        }
        for bad in [
            format!("http://hooks.slack.com{PATH}"),
            format!("https://hooks.slack.com.evil.example{PATH}"),
            format!("https://evil.example{PATH}"),
            format!("https://slack.com{PATH}"),
            format!("http://localhost:4001{PATH}"),
            format!("http://169.254.169.254{PATH}"),
            format!("file:///etc/passwd{PATH}"),
            "not a url".to_string(),
        ] {
            let error = urls.check(&bad).unwrap_err().to_string();
            assert!(!error.contains("96rGlfmibIGlgcZRskXaIFfN"), "{error}");
            assert!(error.contains("not Slack's"), "{error}");
        }
    }

    #[test]
    fn a_loopback_edge_may_allow_loopback_addresses() {
        let urls = ResponseUrls::new("https://slack.com/api", true);
        for good in [
            "http://127.0.0.1:53211/hook",
            "http://localhost:53211/hook",
            "http://[::1]:53211/hook",
            "https://hooks.slack.com/commands/1",
        ] {
            assert_eq!(urls.check(good), Ok(()), "{good}");
        }
        for bad in ["http://10.0.0.1/hook", "http://slack.com/hook"] {
            assert!(urls.check(bad).is_err(), "{bad}");
        }
        let strict = ResponseUrls::new("https://slack.com/api", false);
        assert!(strict.check("http://127.0.0.1:53211/hook").is_err());
    }
}
