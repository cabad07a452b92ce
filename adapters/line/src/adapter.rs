//! The LINE [`Adapter`]: verifies `/line/webhook` Envelopes, parses their events into work, and
//! gives each a [`Delivery`](ackbot_core::adapter::Delivery) that answers by reply token or push, and a
//! [`Line`] handle for the handler.

use crate::LINE;
use std::sync::Arc;

use ackbot_core::Payload;
use ackbot_core::adapter::{Adapter, Envelope, Inbound, Work, is_blank};
use ackbot_core::{BoxError, Extensions, Platform, SecretString};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::api::ReplyTokenSpent;
use crate::client::LineClient;
use crate::delivery::LineDelivery;
use crate::incoming::{Mapped, map_event};
use crate::webhook::{Event, EventMode, Source};
use crate::{ConfigError, Line, LineConfig, ParseError, verify};

/// The edge route LINE posts webhooks to.
pub const WEBHOOK_ROUTE: &str = "/line/webhook";

/// The LINE Messaging API adapter.
pub struct LineAdapter {
    channel_secrets: Vec<SecretString>,
    client: Arc<LineClient>,
    reply_token_ttl_ms: i64,
    max_event_age_ms: i64,
    mark_as_read: bool,
}

/// The body with its events still raw, so each keeps its JSON as received (the handlers'
/// payload) and one bad event spoils no other.
#[derive(Deserialize)]
struct RawCallback {
    events: Vec<Box<RawValue>>,
}

impl LineAdapter {
    /// An adapter for `config`; fails when the channel secret or access token is missing.
    pub fn new(config: LineConfig) -> Result<Self, ConfigError> {
        let channel_secrets: Vec<SecretString> = config
            .channel_secrets
            .iter()
            .filter(|s| !is_blank(s))
            .cloned()
            .collect();
        if channel_secrets.is_empty() {
            return Err(ConfigError::MissingChannelSecret);
        }
        if is_blank(&config.access_token) {
            return Err(ConfigError::MissingAccessToken);
        }
        let url = config.api_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError::InvalidApiUrl {
                url: config.api_url.clone(),
            });
        }
        Ok(Self {
            channel_secrets,
            client: Arc::new(LineClient::new(&config)?),
            reply_token_ttl_ms: config.reply_token_ttl_ms,
            mark_as_read: config.mark_as_read,
            max_event_age_ms: config.max_event_age_ms,
        })
    }

    /// Parses a webhook body; `replay` is the request id of a replay asked for on purpose, whose
    /// replies are pushed (the reply token worked once already) under retry keys of their own.
    fn parse_delivery(
        &self,
        body: &[u8],
        received_at_ms: i64,
        replay: Option<&str>,
    ) -> Result<Vec<Inbound>, ParseError> {
        let callback: RawCallback = serde_json::from_slice(body)?;
        if callback.events.is_empty() {
            return Ok(vec![Inbound::skip("verify")]);
        }
        Ok(callback
            .events
            .into_iter()
            .map(|raw| self.inbound(raw, received_at_ms, replay))
            .collect())
    }

    fn inbound(&self, raw: Box<RawValue>, received_at_ms: i64, replay: Option<&str>) -> Inbound {
        let event: Event = match serde_json::from_str(raw.get()) {
            Ok(event) => event,
            Err(e) => {
                tracing::warn!(error = %e, "malformed LINE event: skipped");
                return Inbound::skip(format!("malformed LINE event: {e}"));
            }
        };
        // Saturating: neither time is bounded (a hostile or broken timestamp must not panic).
        let age_ms = received_at_ms.saturating_sub(event.timestamp);
        if age_ms > self.max_event_age_ms {
            // LINE's signature has no timestamp: only the event's own tells a replayed old event
            // from a new one once its idempotency key is forgotten.
            let (age_s, window_s) = (age_ms / 1000, self.max_event_age_ms / 1000);
            tracing::warn!(
                webhook_event_id = %event.webhook_event_id, age_s, window_s,
                "stale LINE event skipped: older than the idempotency window"
            );
            return Inbound::skip(format!(
                "stale LINE event: {age_s} s old when received, beyond the {window_s} s the \
                 idempotency store remembers"
            ));
        }
        let incoming = match map_event(&event, Payload::raw(raw)) {
            Mapped::Incoming(incoming) => incoming,
            Mapped::Skip(reason) => return Inbound::skip(reason),
        };
        let loading_chat_id = match (&event.source, &event.mode) {
            (Some(Source::User { user_id }), EventMode::Active) => user_id.clone(),
            _ => None,
        };
        let reply_token_spent = ReplyTokenSpent::default();
        let mut retry_key_seed = event.webhook_event_id.clone();
        if let Some(request_id) = replay {
            reply_token_spent.spend();
            retry_key_seed = format!("{retry_key_seed}#replay:{request_id}");
        }
        let line = Line::new(
            Arc::clone(&self.client),
            event.webhook_event_id.clone(),
            retry_key_seed.clone(),
            event.reply_token.clone(),
            reply_token_spent.clone(),
            event.source.clone(),
        );
        let delivery = LineDelivery {
            client: Arc::clone(&self.client),
            reply_token: event.reply_token.clone(),
            reply_token_spent,
            received_at_ms,
            reply_token_ttl_ms: self.reply_token_ttl_ms,
            is_redelivery: event.is_redelivery(),
            push_to: event
                .source
                .as_ref()
                .and_then(Source::push_target)
                .map(str::to_string),
            loading_chat_id,
            webhook_event_id: retry_key_seed,
            mark_as_read_token: (event.message())
                .and_then(|m| m.mark_as_read_token())
                .filter(|_| self.mark_as_read)
                .map(str::to_string),
        };
        let dedupe_key = Some(event.webhook_event_id).filter(|id| !id.is_empty());
        let mut extensions = Extensions::new().with(line);
        // A postback's data: a choice's `ID:VALUE` (or any action id).
        if let Some(interaction) = incoming.as_interaction() {
            extensions.insert(ackbot_core::Choice::from_wire(&interaction.id, None));
        }
        Inbound::Work(
            Work::new(incoming, Box::new(delivery))
                .with_dedupe_key(dedupe_key)
                .with_extensions(extensions),
        )
    }
}

impl Adapter for LineAdapter {
    fn platform(&self) -> Platform {
        LINE
    }

    fn routes(&self) -> &'static [&'static str] {
        &[WEBHOOK_ROUTE]
    }

    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        verify(&self.channel_secrets, &envelope.headers, &envelope.body).map_err(BoxError::from)
    }

    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let replay = envelope
            .replay_of
            .as_ref()
            .map(|_| envelope.request_id.as_str());
        self.parse_delivery(&envelope.body, envelope.received_at_ms, replay)
            .map_err(BoxError::from)
    }
}
