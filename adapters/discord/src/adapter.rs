//! The Discord [`Adapter`]: verifies `/discord/interactions` Envelopes, answers what Discord
//! needs within its 3 s (a PONG, a deferral, choices, a modal), and gives the work a
//! [`Delivery`](ackbot_core::adapter::Delivery) that edits the answer and follows up.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ackbot_core::adapter::{Adapter, Envelope, Inbound, Work};
use ackbot_core::{
    Answer, BoxError, Choice, Extensions, Incoming, InteractionKind, Payload, Platform,
};

use crate::client::DiscordClient;
use crate::config::CommandAck;
use crate::delivery::{DiscordDelivery, Original};
use crate::incoming::incoming;
use crate::interaction::{APPLICATION_COMMAND, Interaction, MESSAGE_COMPONENT, PING};
use crate::signature::{PublicKey, verify};
use crate::stream::DiscordStream;
use crate::{ConfigError, DISCORD, Discord, DiscordConfig, ParseError, is_snowflake, respond};

/// The edge route Discord posts interactions to (the "Interactions Endpoint URL").
pub const INTERACTIONS_ROUTE: &str = "/discord/interactions";

/// The Discord interactions adapter.
pub struct DiscordAdapter {
    key: PublicKey,
    client: Arc<DiscordClient>,
    commands: HashMap<String, CommandAck>,
}

impl DiscordAdapter {
    /// An adapter for `config`; fails when the public key, application id or API URL is not one.
    pub fn new(config: DiscordConfig) -> Result<Self, ConfigError> {
        let key = PublicKey::from_hex(&config.public_key)?;
        let id = config.application_id.trim();
        if !is_snowflake(id) {
            return Err(ConfigError::BadApplicationId(config.application_id.clone()));
        }
        let url = config.api_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError::BadApiUrl(config.api_url.clone()));
        }
        let config = DiscordConfig {
            application_id: id.to_string(),
            ..config
        };
        Ok(Self {
            key,
            client: Arc::new(DiscordClient::new(&config)?),
            commands: config.commands,
        })
    }

    pub(crate) fn client(&self) -> &DiscordClient {
        &self.client
    }

    fn command(&self, incoming: &Incoming) -> CommandAck {
        (incoming.as_command())
            .and_then(|c| self.commands.get(&c.name))
            .copied()
            .unwrap_or_default()
    }

    fn inbound(&self, envelope: &Envelope) -> Result<Inbound, ParseError> {
        let raw: Box<serde_json::value::RawValue> =
            serde_json::from_slice(&envelope.body).map_err(|e| ParseError::Json(e.to_string()))?;
        let interaction: Interaction =
            serde_json::from_str(raw.get()).map_err(|e| ParseError::Json(e.to_string()))?;
        if interaction.application_id != self.client.application_id() {
            return Err(ParseError::OtherApplication {
                expected: self.client.application_id().to_string(),
                got: interaction.application_id,
            });
        }
        if interaction.kind == PING {
            return Ok(Inbound::Answered {
                answer: respond::pong(),
                reason: "Discord's PING".into(),
            });
        }
        let Some(incoming) = incoming(&interaction) else {
            tracing::warn!(
                kind = interaction.kind,
                "a Discord interaction ackbot does not know: skipped"
            );
            return Ok(Inbound::skip(format!(
                "Discord interaction of type {} is not one ackbot answers",
                interaction.kind
            )));
        };
        if interaction.token.is_empty() {
            return Err(ParseError::MissingField {
                kind: interaction.kind,
                field: "token",
            });
        }
        let incoming = incoming.with_payload(Payload::raw(raw));
        let ack = self.command(&incoming);
        let original = match interaction.kind {
            APPLICATION_COMMAND => Original::Deferred {
                ephemeral: incoming.as_command().is_none() || !ack.in_channel,
            },
            _ => Original::Quiet,
        };
        let dedupe_key = Some(format!("discord:{}", interaction.id));
        let original_used = Arc::new(AtomicBool::new(false));
        // A slash command's stream grows in its "thinking…"; elsewhere it is gathered.
        let stream = match original {
            Original::Deferred { ephemeral } if incoming.as_command().is_some() => Some(
                DiscordStream::new(&self.client, &interaction.token, ephemeral, &original_used),
            ),
            _ => None,
        };
        let mut extensions = Extensions::new();
        if interaction.kind == MESSAGE_COMPONENT {
            let data = interaction.data.as_ref();
            let id = data
                .and_then(|d| d.custom_id.as_deref())
                .unwrap_or_default();
            let value = data.and_then(|d| d.values.first()).map(String::as_str);
            extensions.insert(Choice::from_wire(id, value));
        }
        let delivery = DiscordDelivery {
            client: Arc::clone(&self.client),
            token: interaction.token.clone(),
            original,
            received_at_ms: envelope.received_at_ms,
            original_used: Arc::clone(&original_used),
        };
        extensions.insert(Discord::new(
            Arc::clone(&self.client),
            Arc::new(interaction),
        ));
        let mut work = Work::new(incoming, Box::new(delivery))
            .with_dedupe_key(dedupe_key)
            .with_extensions(extensions);
        if let Some(stream) = stream {
            work = work.with_stream(Box::new(stream));
        }
        let in_ack = work.answers_in_ack || ack.answers_in_ack;
        Ok(Inbound::Work(work.answering_in_ack(in_ack)))
    }
}

impl Adapter for DiscordAdapter {
    fn platform(&self) -> Platform {
        DISCORD
    }

    fn routes(&self) -> &'static [&'static str] {
        &[INTERACTIONS_ROUTE]
    }

    fn front_door_only(&self) -> bool {
        true
    }

    fn verify(&self, envelope: &Envelope) -> Result<(), BoxError> {
        let now_secs = envelope.received_at_ms.div_euclid(1000);
        verify(&self.key, &envelope.headers, &envelope.body, now_secs).map_err(BoxError::from)
    }

    fn parse(&self, envelope: &Envelope) -> Result<Vec<Inbound>, BoxError> {
        let inbound = self.inbound(envelope)?;
        // Work the front door does not run is answered at once, the worker going on with it.
        let waiting = match &inbound {
            Inbound::Work(work) if !work.answers_in_ack => {
                Some(self.acknowledge(&work.incoming, None, true))
            }
            _ => None,
        };
        Ok(match waiting {
            Some(answer) => vec![
                Inbound::Answered {
                    answer,
                    reason: "Discord's deferral".into(),
                },
                inbound,
            ],
            None => vec![inbound],
        })
    }

    fn acknowledge(&self, incoming: &Incoming, answer: Option<Answer>, followed: bool) -> Answer {
        let given = answer.and_then(|a| a.body);
        if let Some(body) = given
            .as_ref()
            .filter(|b| respond::is_interaction_response(b))
        {
            return Answer::json(body.clone());
        }
        let kind = incoming.as_interaction().map(|i| i.kind);
        let (answer, used) = match kind {
            Some(InteractionKind::Options) => (respond::autocomplete(given.as_ref()), true),
            Some(InteractionKind::View) => match given.as_ref().and_then(respond::errors) {
                Some(errors) => (respond::ephemeral_message(&errors), true),
                None => (respond::deferred_update(), false),
            },
            // A user's or message's context menu: "thinking…" for the user who asked.
            Some(InteractionKind::Shortcut) => (respond::deferred(true), false),
            Some(_) => (respond::deferred_update(), false),
            // A command that answered nothing and sends nothing: say it is done.
            None if !followed => (respond::ephemeral_message("✓"), false),
            None => (respond::deferred(!self.command(incoming).in_channel), false),
        };
        if let Some(unused) = given.filter(|_| !used) {
            // Another platform's answer (a Slack `response_action: update`), or a mistake.
            tracing::warn!(answering = %incoming.invocation(), %unused,
                "an answer Discord has no place for is left out of its acknowledgement");
        }
        answer
    }
}
