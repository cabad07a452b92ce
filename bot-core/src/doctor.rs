//! The words of a configuration check, as `ackbot doctor` reports them: a [`Finding`] a line,
//! each of a [`Level`]. Each platform adapter checks its own variables in these words (its
//! feature `doctor`) and says what to ask the platform about ([`PlatformChecks`]); the checks
//! every platform shares are here: an API base URL ([`api_url`]), a value's shape
//! ([`is_lowercase_hex`], [`padded`]), a platform that could not be asked ([`unanswered`]).
//!
//! No finding ever holds a secret's value: at most its length, or a well-known prefix.
//!
//! ```
//! use ackbot_core::doctor::{api_url, Level};
//!
//! let checked = api_url(Some("http://127.0.0.1:9/"), "LINE_API_URL", "LINE API URL", "https://api.line.me");
//! assert_eq!(checked.finding.unwrap().level, Level::Ok);
//! assert_eq!(checked.usable.as_deref(), Some("http://127.0.0.1:9"));
//! ```

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

use crate::SecretString;
use crate::http::NoResponse;

/// How a check reads a variable: the environment, or a test's map.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Checked and fine.
    Ok,
    /// Worth knowing; nothing to do.
    Info,
    /// Works, but probably not as meant.
    Warn,
    /// ackbot will not start, or a platform will not work, until it is fixed.
    Problem,
}

/// One thing a check found: a line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub level: Level,
    /// What it is about, e.g. "Slack signing secret".
    pub subject: &'static str,
    /// What the check found, in plain words; never a secret's value.
    pub message: String,
}

impl Finding {
    /// A finding of `level` about `subject`.
    pub fn new(level: Level, subject: &'static str, message: impl Into<String>) -> Self {
        Self {
            level,
            subject,
            message: message.into(),
        }
    }

    /// Checked and fine.
    pub fn ok(subject: &'static str, message: impl Into<String>) -> Self {
        Self::new(Level::Ok, subject, message)
    }

    /// Worth knowing.
    pub fn info(subject: &'static str, message: impl Into<String>) -> Self {
        Self::new(Level::Info, subject, message)
    }

    /// Works, but probably not as meant.
    pub fn warn(subject: &'static str, message: impl Into<String>) -> Self {
        Self::new(Level::Warn, subject, message)
    }

    /// Must be fixed.
    pub fn problem(subject: &'static str, message: impl Into<String>) -> Self {
        Self::new(Level::Problem, subject, message)
    }
}

/// What one platform's offline checks found, and what to ask the platform about.
#[derive(Debug)]
pub struct PlatformChecks {
    /// The platform's name, e.g. "Slack".
    pub platform: &'static str,
    /// The subject of the token's findings, e.g. "Slack bot token".
    pub token_subject: &'static str,
    /// Whether its secret is set: the platform is on, or ackbot refuses to start.
    pub configured: bool,
    /// What the values look like.
    pub findings: Vec<Finding>,
    /// The token to show the platform, when there is a usable one.
    pub token: Option<TokenCheck>,
}

/// A platform's API and the token to show it.
#[derive(Debug)]
pub struct TokenCheck {
    /// The API base URL, without a trailing `/`.
    pub api_url: String,
    /// The token, without spaces around it.
    pub token: SecretString,
}

/// What [`api_url`] made of an API base URL variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiUrl {
    /// What to say about it; none when it is not set (the default is used, as expected).
    pub finding: Option<Finding>,
    /// The URL to call, without a trailing `/`; none when it is unusable.
    pub usable: Option<String>,
}

/// Checks the value of the API base URL variable `name` (`None`: not set): a URL, https:// or
/// http:// on this machine (a stand-in), shown without a user name or password.
pub fn api_url(value: Option<&str>, name: &str, subject: &'static str, default: &str) -> ApiUrl {
    let unusable = |finding| ApiUrl {
        finding: Some(finding),
        usable: None,
    };
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return ApiUrl {
            finding: None,
            usable: Some(default.to_string()),
        };
    };
    let value = value.trim().trim_end_matches('/');
    let url = match Url::parse(value) {
        Ok(url) => url,
        Err(e) => {
            return unusable(Finding::problem(
                subject,
                format!("{name} is not a URL starting with https:// ({e}); unset it for {default}"),
            ));
        }
    };
    // A proxy's user name or password in the URL is not for the report.
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    let shown = shown.as_str().trim_end_matches('/').to_string();
    let host = url.host_str().unwrap_or_default();
    let instead = match shown == default {
        true => "the default".to_string(),
        false => format!("instead of {default}"),
    };
    let finding = match url.scheme() {
        "https" => Finding::ok(subject, format!("{shown} ({instead})")),
        "http" if is_loopback(host) => Finding::ok(
            subject,
            format!("{shown} ({instead}; a local stand-in, over http://)"),
        ),
        "http" => Finding::warn(
            subject,
            format!(
                "{name} is {shown}: over http:// the token travels unencrypted to {host}; use \
                 https:// (http:// is for a stand-in on this machine)"
            ),
        ),
        other => {
            return unusable(Finding::problem(
                subject,
                format!("{name} must be an https:// URL, not {other}: (unset it for {default})"),
            ));
        }
    };
    ApiUrl {
        finding: Some(finding),
        usable: Some(value.to_string()),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether `value` is `len` characters of `0-9` and `a-f`, the shape of both platforms'
/// secrets.
pub fn is_lowercase_hex(value: &str, len: usize) -> bool {
    value.len() == len
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The variable `name` has white space around it, which is sent as it is.
pub fn padded(subject: &'static str, name: &str) -> Finding {
    Finding::warn(
        subject,
        format!(
            "{name} has spaces or a line break around it, which ackbot sends as they are: \
             remove them"
        ),
    )
}

/// `platform` could not be asked about the token at `api_url` (the attempt had `timeout`): a
/// warning that says why, in the attempt's words, which never hold the URL's path or a token.
pub fn unanswered(
    subject: &'static str,
    platform: &str,
    api_url: &str,
    no_answer: &NoResponse,
    timeout: Duration,
) -> Finding {
    let reason = if no_answer.timed_out {
        format!("no answer within {}", seconds(timeout))
    } else if !no_answer.uncertain && !no_answer.malformed {
        // Certain that nothing was sent, and the request was well formed: no connection.
        let whom = authority(api_url).unwrap_or_else(|| platform.to_string());
        format!("cannot connect to {whom} ({})", no_answer.cause)
    } else {
        no_answer.reason.clone()
    };
    Finding::warn(
        subject,
        format!("could not check with {platform}: {reason} (offline? use --offline to skip this)"),
    )
}

/// `host` or `host:port` (only a port the URL names) of `url`.
fn authority(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// `5 s`, or `100 ms` for less than whole seconds.
fn seconds(timeout: Duration) -> String {
    match timeout.subsec_millis() {
        0 => format!("{} s", timeout.as_secs()),
        _ => format!("{} ms", timeout.as_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE_URL: &str = "LINE API URL";
    const DEFAULT: &str = "https://api.line.me";

    fn check(value: &str) -> (Option<Finding>, Option<String>) {
        let ApiUrl { finding, usable } = api_url(Some(value), "LINE_API_URL", LINE_URL, DEFAULT);
        (finding, usable)
    }

    #[test]
    fn api_urls_must_be_http_and_https_outside_this_machine() {
        assert_eq!(
            check("http://127.0.0.1:9/"),
            (
                Some(Finding::ok(
                    LINE_URL,
                    "http://127.0.0.1:9 (instead of https://api.line.me; a local stand-in, over http://)"
                )),
                Some("http://127.0.0.1:9".to_string())
            )
        );
        let (f, url) = check("http://line.example.com");
        assert_eq!(f.unwrap().level, Level::Warn);
        assert!(url.is_some());
        for loopback in [
            "http://localhost:3000",
            "http://[::1]:80/x",
            "http://a.localhost",
        ] {
            assert_eq!(check(loopback).0.unwrap().level, Level::Ok, "{loopback}");
        }
        let (f, url) = check("api.line.me");
        assert_eq!((f.unwrap().level, url), (Level::Problem, None));
        let (f, url) = check("ftp://api.line.me");
        assert_eq!((f.unwrap().level, url), (Level::Problem, None));
        let (f, _) = check("https://user:pw-secret@proxy.example/line");
        let f = f.unwrap();
        assert!(!f.message.contains("pw-secret"), "{}", f.message);
        assert_eq!(check(""), (None, Some(DEFAULT.to_string())));
        assert_eq!(
            api_url(None, "LINE_API_URL", LINE_URL, DEFAULT),
            ApiUrl {
                finding: None,
                usable: Some(DEFAULT.to_string())
            }
        );
        assert!(
            check("https://api.line.me/")
                .0
                .unwrap()
                .message
                .contains("the default")
        );
    }

    #[test]
    fn shapes() {
        assert!(is_lowercase_hex("0123456789abcdef", 16));
        assert!(!is_lowercase_hex("0123456789ABCDEF", 16));
        assert!(!is_lowercase_hex("0123456789abcdef", 32));
        let f = padded("LINE channel access token", "LINE_CHANNEL_ACCESS_TOKEN");
        assert_eq!(f.level, Level::Warn);
        assert!(
            f.message
                .starts_with("LINE_CHANNEL_ACCESS_TOKEN has spaces")
        );
    }

    fn no_answer(uncertain: bool, timed_out: bool) -> NoResponse {
        NoResponse {
            reason: "error sending request: tcp connect error: Connection refused".into(),
            uncertain,
            malformed: false,
            timed_out,
            cause: "Connection refused".into(),
        }
    }

    #[test]
    fn a_platform_not_asked_is_a_warning_that_says_why() {
        let timeout = Duration::from_secs(5);
        let url = "http://user:pw@127.0.0.1:9/api";
        let refused = unanswered("S", "Slack", url, &no_answer(false, false), timeout);
        assert_eq!(
            refused,
            Finding::warn(
                "S",
                "could not check with Slack: cannot connect to 127.0.0.1:9 (Connection refused) \
                 (offline? use --offline to skip this)"
            )
        );
        let slow = unanswered("S", "Slack", url, &no_answer(true, true), timeout);
        assert!(
            slow.message
                .starts_with("could not check with Slack: no answer within 5 s ("),
            "{}",
            slow.message
        );
        let quick = Duration::from_millis(100);
        let slow = unanswered("S", "Slack", url, &no_answer(true, true), quick);
        assert!(slow.message.contains("within 100 ms"), "{}", slow.message);
        let lost = unanswered(
            "S",
            "LINE",
            "https://api.line.me",
            &no_answer(true, false),
            timeout,
        );
        assert!(
            lost.message
                .starts_with("could not check with LINE: error sending request:"),
            "{}",
            lost.message
        );
        let default_port = unanswered(
            "S",
            "LINE",
            "https://api.line.me",
            &no_answer(false, false),
            timeout,
        );
        assert!(
            default_port
                .message
                .contains("cannot connect to api.line.me (Connection"),
            "{}",
            default_port.message
        );
    }
}
