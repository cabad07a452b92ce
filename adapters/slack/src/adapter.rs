//! The Slack [`Adapter`]: verifies the signature, picks the parser by route, and wires replies
//! to a shared [`SlackClient`].

use crate::SLACK;
use std::sync::Arc;

use ackbot_core::adapter::{Adapter, Envelope, Inbound, Page, PageRequest, Work, is_blank};
use ackbot_core::{BoxError, Platform, SecretString};
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};

use crate::ThreadContextStore;
use crate::client::SlackClient;
use crate::oauth::{INSTALL_ROUTE, OAUTH_REDIRECT_ROUTE};
use crate::parsed::Parsed;
use crate::tenancy::Tenancy;
use crate::{ConfigError, ParseError, SlackConfig};
use crate::{events, interactions, slash_command};

/// The route slash commands are posted to.
pub const COMMANDS_ROUTE: &str = "/slack/commands";
/// The route Events API requests are posted to.
pub const EVENTS_ROUTE: &str = "/slack/events";
/// The route interactivity requests (buttons, shortcuts, modals) are posted to.
pub const INTERACTIONS_ROUTE: &str = "/slack/interactions";
/// Every route the Slack adapter serves.
pub const ROUTES: &[&str] = &[COMMANDS_ROUTE, EVENTS_ROUTE, INTERACTIONS_ROUTE];

/// The Slack adapter: signature check, slash commands, Events API, interactivity and replies.
#[derive(Debug)]
pub struct SlackAdapter {
    signing_secret: SecretString,
    client: Arc<SlackClient>,
    /// Distribution mode: the install flow and each workspace's token.
    tenancy: Option<Tenancy>,
    /// Assistant threads' contexts.
    contexts: ThreadContextStore,
}

/// The pages of distribution mode.
const PAGES: &[&str] = &[INSTALL_ROUTE, OAUTH_REDIRECT_ROUTE];

impl SlackAdapter {
    /// Builds the adapter; refuses a blank signing secret or an invalid API URL.
    pub fn new(config: SlackConfig) -> Result<Self, ConfigError> {
        if is_blank(&config.signing_secret) {
            return Err(ConfigError::EmptySigningSecret);
        }
        let client = Arc::new(SlackClient::new(&config)?);
        let tenancy = (config.distribution)
            .map(|d| Tenancy::new(d, &client, &config.api_url))
            .transpose()?;
        Ok(Self {
            signing_secret: config.signing_secret,
            client,
            tenancy,
            contexts: config.thread_contexts,
        })
    }

    /// The client replies are sent with.
    pub fn client(&self) -> &SlackClient {
        &self.client
    }
}

impl Adapter for SlackAdapter {
    fn platform(&self) -> Platform {
        SLACK
    }

    fn routes(&self) -> &'static [&'static str] {
        ROUTES
    }

    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        // The gateway's receive time, not ours: an event may wait in the queue for minutes.
        let now_secs = envelope.received_at_ms / 1000;
        crate::verify(
            &self.signing_secret,
            &envelope.headers,
            &envelope.body,
            now_secs,
        )
        .map_err(BoxError::from)
    }

    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let items: Vec<Parsed> = match envelope.route.as_str() {
            COMMANDS_ROUTE => slash_command::parse(&envelope.body)?,
            EVENTS_ROUTE => events::parse(&envelope.body)?,
            INTERACTIONS_ROUTE => interactions::parse(&envelope.body)?,
            other => return Err(ParseError::UnknownRoute(other.to_string()).into()),
        };
        let replay_key = match envelope.route.as_str() {
            EVENTS_ROUTE => None,
            _ => envelope
                .headers
                .get(crate::SIGNATURE_HEADER)
                .map(replay_key),
        };
        Ok(items
            .into_iter()
            .map(|item| item.with_replay_key(replay_key.as_deref()))
            .map(|item| item.into_inbound(&self.client, self.tenancy.is_some()))
            .collect())
    }

    fn authorize<'a>(&'a self, work: &'a mut Work) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            if let Some(tenancy) = &self.tenancy {
                tenancy.authorize(work).await?;
            }
            crate::assistant::keep_or_recall(&self.contexts.0, work).await;
            Ok(())
        })
    }

    fn pages(&self) -> &[&'static str] {
        match self.tenancy {
            Some(_) => PAGES,
            None => &[],
        }
    }

    fn page<'a>(&'a self, request: &'a PageRequest) -> BoxFuture<'a, Page> {
        Box::pin(async move {
            match &self.tenancy {
                Some(tenancy) => tenancy.flow.page(request).await,
                None => Page::not_found(),
            }
        })
    }
}

/// The idempotency key of a slash command or an interaction, which carry no event id: their
/// signature (over the timestamp and body) is their identity, so a valid request replayed within
/// Slack's 5-minute window is answered once. The key is a SHA-256 of the signature, never the
/// signature itself: keys are logged, stored and shown, and a computed signature never is.
fn replay_key(signature: &str) -> String {
    // Hex in either case verifies: the key must not tell the spellings apart.
    let signature = signature.trim().to_ascii_lowercase();
    let digest = Sha256::digest(signature.as_bytes());
    format!("slack:replay:{}", hex::encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

    /// An Envelope of `body` signed at `signed_at` and received `received_after` seconds later
    /// (and 999 ms).
    fn envelope(route: &str, body: &str, signed_at: i64, received_after: i64) -> Envelope {
        let mut envelope = crate::sample::signed_envelope(route, body, SECRET, signed_at);
        envelope.received_at_ms = (signed_at + received_after) * 1000 + 999;
        envelope
    }

    fn adapter() -> SlackAdapter {
        SlackAdapter::new(SlackConfig::new(SECRET)).unwrap()
    }

    #[test]
    fn blank_signing_secret_is_refused() {
        for secret in ["", "  \n"] {
            let error = SlackAdapter::new(SlackConfig::new(secret)).unwrap_err();
            assert_eq!(error, ConfigError::EmptySigningSecret);
            assert!(error.to_string().contains("Basic Information"));
        }
    }

    #[test]
    fn serves_the_three_slack_routes() {
        let a = adapter();
        assert_eq!(a.platform(), SLACK);
        assert_eq!(
            a.routes(),
            ["/slack/commands", "/slack/events", "/slack/interactions"]
        );
    }

    #[test]
    fn freshness_is_judged_by_the_receive_time() {
        let a = adapter();
        // Signed in 2018 and received then: fine, whatever the wall clock says.
        let old = envelope(COMMANDS_ROUTE, "command=%2Fx", 1_531_420_618, 0);
        assert!(a.verify(&old).is_ok());
        // Received 301 s after it was signed: stale.
        let late = envelope(COMMANDS_ROUTE, "command=%2Fx", 1_531_420_618, 301);
        let error = a.verify(&late).unwrap_err();
        assert!(error.to_string().contains("301 s"), "{error}");
        assert_eq!(
            error.downcast_ref::<crate::VerifyError>(),
            Some(&crate::VerifyError::Stale { skew_secs: 301 })
        );
    }

    #[test]
    fn the_replay_key_is_a_hash_of_the_signature_in_either_case() {
        let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        let key = replay_key(signature);
        assert!(key.starts_with("slack:replay:"), "{key}");
        assert!(!key.contains("a2114d57b48eac39"), "{key}");
        assert_eq!(
            key,
            replay_key(&signature.to_ascii_uppercase().replace("V0=", "v0="))
        );
        assert_ne!(key, replay_key("v0=0000"));
    }

    #[test]
    fn parse_picks_the_parser_by_route() {
        let a = adapter();
        let command = envelope(COMMANDS_ROUTE, "command=%2Fecho&text=hi", 1, 0);
        assert!(
            matches!(&a.parse(&command).unwrap()[..], [Inbound::Work(w)] if w.incoming.name() == "echo")
        );
        let ssl = envelope(COMMANDS_ROUTE, "ssl_check=1", 1, 0);
        assert!(matches!(
            &a.parse(&ssl).unwrap()[..],
            [Inbound::Skip { .. }]
        ));
        let event = envelope(
            EVENTS_ROUTE,
            r#"{"type":"url_verification","challenge":"c"}"#,
            1,
            0,
        );
        assert!(matches!(
            &a.parse(&event).unwrap()[..],
            [Inbound::Answered { reason, .. }] if reason == "url_verification"
        ));
        let elsewhere = envelope("/line/webhook", "{}", 1, 0);
        let error = a.parse(&elsewhere).err().unwrap();
        assert!(error.to_string().contains("/line/webhook"), "{error}");
        // Typed, not a string: the worker keeps it for observers to downcast.
        assert_eq!(
            error.downcast_ref::<ParseError>(),
            Some(&ParseError::UnknownRoute("/line/webhook".into()))
        );
    }
}
