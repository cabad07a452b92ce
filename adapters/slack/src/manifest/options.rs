//! What the manifest was asked for — where the edge is, the app's name, further scopes — and the
//! checks that Slack would take each.

use super::ManifestError;
use super::notes::Notes;

/// Slack's limit on an app's name.
const MAX_APP_NAME_CHARS: usize = 35;

const EXAMPLE_BASE_URL: &str = "https://abc.execute-api.us-east-1.amazonaws.com/prod";

/// What to build a manifest for: `ManifestOptions::new(base_url).with_name(..).with_scopes(..)`.
#[derive(Clone, Debug)]
pub struct ManifestOptions {
    pub(super) base_url: String,
    pub(super) name: String,
    pub(super) scopes: Vec<String>,
    pub(super) user_scopes: Vec<String>,
    pub(super) distribution: bool,
}

impl ManifestOptions {
    /// An app named `ackbot` whose edge is reachable at `base_url`; ackbot's routes
    /// (`/slack/commands`, …) go below it.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            name: "ackbot".to_string(),
            scopes: Vec::new(),
            user_scopes: Vec::new(),
            distribution: false,
        }
    }

    /// The app's name, also its bot user's display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Further bot scopes, for the Web API methods the handlers call (e.g. `reactions:write`);
    /// blank ones are skipped.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }
}

impl ManifestOptions {
    /// For an app installed in many workspaces (distribution mode): the OAuth redirect URL
    /// (`/slack/oauth_redirect` below the base URL), and the `app_uninstalled` and
    /// `tokens_revoked` events ackbot keeps its installations by.
    pub fn with_distribution(mut self, distribution: bool) -> Self {
        self.distribution = distribution;
        self
    }

    /// User scopes the install asks for (distribution mode); blank ones are skipped.
    pub fn with_user_scopes<S: Into<String>>(
        mut self,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.user_scopes.extend(scopes.into_iter().map(Into::into));
        self
    }
}

/// The base URL without its trailing slashes, if Slack can call it.
pub(super) fn base_url(raw: &str, notes: &mut Notes) -> Result<String, ManifestError> {
    let fail = |reason: String| ManifestError::BaseUrl {
        url: raw.to_string(),
        reason,
    };
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| {
        fail(format!(
            "{e}; give an absolute https URL such as {EXAMPLE_BASE_URL}"
        ))
    })?;
    let host = url.host_str().unwrap_or_default();
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if loopback => notes.not_https(raw),
        "http" => {
            return Err(fail(
                "Slack sends requests only to https URLs (http is accepted for localhost and \
                 127.0.0.1, to try things out)"
                    .to_string(),
            ));
        }
        other => {
            return Err(fail(format!(
                "its scheme is `{other}`; give an absolute https URL such as {EXAMPLE_BASE_URL}"
            )));
        }
    }
    if host.is_empty() {
        return Err(fail("it has no host".to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(fail(
            "it carries a user name or password, which Slack does not send".to_string(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(fail(
            "it has a query (`?…`) or fragment (`#…`); ackbot's routes go after its path"
                .to_string(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The app's name without surrounding white space, if Slack takes it.
pub(super) fn app_name(raw: &str) -> Result<String, ManifestError> {
    let name = raw.trim();
    let fail = |reason: String| ManifestError::AppName {
        name: raw.to_string(),
        reason,
    };
    if name.is_empty() {
        return Err(fail("it is empty".to_string()));
    }
    if name.chars().count() > MAX_APP_NAME_CHARS {
        return Err(fail(format!(
            "Slack takes at most {MAX_APP_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(fail("it contains a control character".to_string()));
    }
    Ok(name.to_string())
}

/// The further scopes, trimmed and without blank ones, if each is written like a scope.
pub(super) fn extra_scopes(raw: &[String]) -> Result<Vec<String>, ManifestError> {
    raw.iter()
        .map(|scope| scope.trim())
        .filter(|scope| !scope.is_empty())
        .map(|scope| match is_scope(scope) {
            true => Ok(scope.to_string()),
            false => Err(ManifestError::Scope {
                scope: scope.to_string(),
            }),
        })
        .collect()
}

/// Whether `scope` has the shape of a Slack scope: lowercase words with `:`, `.`, `_` or `-`
/// (`chat:write`, `metadata.message:read`).
pub fn is_scope(scope: &str) -> bool {
    scope
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ":._-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_must_be_https_without_query() {
        for (url, expected) in [
            ("https://e.com/prod", "https://e.com/prod"),
            ("https://e.com/prod/", "https://e.com/prod"),
            ("https://E.com:8443", "https://e.com:8443"),
            (" https://e.com ", "https://e.com"),
        ] {
            let mut notes = Notes::default();
            assert_eq!(base_url(url, &mut notes).unwrap(), expected);
            assert!(notes.into_lines().is_empty());
        }
        for url in [
            "http://localhost:3000",
            "http://127.0.0.1:3000/",
            "http://[::1]:3000",
        ] {
            let mut notes = Notes::default();
            assert!(base_url(url, &mut notes).is_ok(), "{url}");
            let notes = notes.into_lines();
            assert!(notes[0].starts_with("warning:"), "{notes:?}");
        }
        for (url, expected) in [
            ("http://e.com", "only to https"),
            ("ftp://e.com", "scheme is `ftp`"),
            ("e.com/prod", "relative URL"),
            ("", "relative URL"),
            ("https://u:p@e.com", "user name or password"),
            ("https://e.com/prod?stage=1", "query"),
            ("https://e.com/#top", "fragment"),
            ("file:///tmp", "scheme is `file`"),
        ] {
            let e = base_url(url, &mut Notes::default()).expect_err(url);
            let message = e.to_string();
            assert!(message.contains(expected), "{url}: {message}");
            assert!(message.contains(&format!("`{url}`")), "{message}");
        }
    }

    #[test]
    fn app_names_are_trimmed_and_checked() {
        assert_eq!(app_name("  Deploy Bot 🚀 ").unwrap(), "Deploy Bot 🚀");
        assert_eq!(
            app_name(&"n".repeat(MAX_APP_NAME_CHARS)).unwrap().len(),
            MAX_APP_NAME_CHARS
        );
        for (name, expected) in [
            ("", "empty"),
            ("   ", "empty"),
            (&"n".repeat(MAX_APP_NAME_CHARS + 1), "at most 35"),
            ("tab\there", "control character"),
        ] {
            let e = app_name(name).expect_err(name);
            assert!(matches!(e, ManifestError::AppName { .. }), "{e}");
            assert!(e.to_string().contains(expected), "{e}");
        }
    }

    #[test]
    fn extra_scopes_are_trimmed_and_checked() {
        let given = [
            "users:read",
            " reactions:write ",
            " ",
            "metadata.message:read",
        ];
        let scopes = extra_scopes(&given.map(String::from)).unwrap();
        assert_eq!(
            scopes,
            ["users:read", "reactions:write", "metadata.message:read"]
        );
        let e = extra_scopes(&["chat:write".into(), "Reactions Write".into()]).unwrap_err();
        assert_eq!(
            e,
            ManifestError::Scope {
                scope: "Reactions Write".into()
            }
        );
    }
}
