//! One webhook on its way to the bot under test: how it is signed and when it is received.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use ackbot_core::adapter::Envelope;

use super::delivered::{Ack, ApiCall, Delivered};
use super::{LINE_CHANNEL_SECRET, SLACK_SIGNING_SECRET, TestBot};

/// How the webhook is signed.
#[derive(Clone, Debug)]
enum Signing {
    /// With the bot's own secret, as the platform signs.
    Bot,
    /// With another secret: a forgery, or a secret rotated on one side only.
    Secret(String),
    /// No signature header at all.
    Unsigned,
}

/// A webhook to deliver: `.await` it for the [`Delivered`]. Before that, [`unsigned`](Self::unsigned),
/// [`signed_with`](Self::signed_with), [`received_at`](Self::received_at) and
/// [`header`](Self::header) change how it arrives.
#[must_use = "a delivery does nothing until it is awaited"]
pub struct Delivery<'a> {
    bot: &'a TestBot,
    route: &'static str,
    body: String,
    signing: Signing,
    received_at_ms: Option<i64>,
    headers: Vec<(String, String)>,
}

impl<'a> Delivery<'a> {
    /// `body` as received on `route`, signed with the bot's secret, received now.
    pub(super) fn new(bot: &'a TestBot, route: &'static str, body: String) -> Self {
        Self {
            bot,
            route,
            body,
            signing: Signing::Bot,
            received_at_ms: None,
            headers: Vec::new(),
        }
    }

    /// Sends it without the signature header.
    pub fn unsigned(mut self) -> Self {
        self.signing = Signing::Unsigned;
        self
    }

    /// Signs it with `secret` instead of the bot's (on Discord: with a key pair made from it).
    pub fn signed_with(mut self, secret: &str) -> Self {
        self.signing = Signing::Secret(secret.to_string());
        self
    }

    /// Has the gateway receive (and Slack sign) it at `ms` since the epoch rather than at the
    /// kit's clock: in the past for a stale request or an old LINE reply token.
    pub fn received_at(mut self, ms: i64) -> Self {
        self.received_at_ms = Some(ms);
        self
    }

    /// Has it come from the Slack workspace `team` (e.g. `T2`): its payload's team ids say so.
    pub fn from_team(mut self, team: &str) -> Self {
        self.body = super::payload::from_team(self.route, &self.body, team);
        self
    }

    /// Adds a request header, e.g. `X-Slack-Retry-Num`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The Envelope the edge would build for this request.
    fn envelope(&self) -> Envelope {
        let received_at = self.received_at_ms.unwrap_or_else(|| self.bot.now_ms());
        let secret = match &self.signing {
            Signing::Bot | Signing::Unsigned => None,
            Signing::Secret(secret) => Some(secret.as_str()),
        };
        let mut envelope = if self.route == ackbot_discord::INTERACTIONS_ROUTE {
            let key = match secret {
                // Another key pair: Discord's probe, or a key from another application.
                Some(secret) => ackbot_discord::signing::KeyPair::from_seed(seed(secret)),
                None => ackbot_discord::sample::key_pair(),
            };
            let body = self.body.clone().into_bytes();
            ackbot_discord::sample::signed_envelope(body, &key, received_at)
        } else if self.route == ackbot_line::WEBHOOK_ROUTE {
            let secret = secret.unwrap_or(LINE_CHANNEL_SECRET);
            ackbot_line::sample::signed_envelope(&self.body, secret, received_at)
        } else {
            let secret = secret.unwrap_or(SLACK_SIGNING_SECRET);
            let signed_at = received_at.div_euclid(1000);
            let mut envelope =
                ackbot_slack::sample::signed_envelope(self.route, &self.body, secret, signed_at);
            envelope.received_at_ms = received_at;
            envelope
        };
        if matches!(self.signing, Signing::Unsigned) {
            let signature = match self.route {
                ackbot_line::WEBHOOK_ROUTE => ackbot_line::SIGNATURE_HEADER,
                ackbot_discord::INTERACTIONS_ROUTE => ackbot_discord::SIGNATURE_HEADER,
                _ => ackbot_slack::SIGNATURE_HEADER,
            };
            envelope.headers = (envelope.headers.iter())
                .filter(|(name, _)| !name.eq_ignore_ascii_case(signature))
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect();
        }
        for (name, value) in &self.headers {
            envelope = envelope.with_header(name, value);
        }
        envelope
    }

    async fn deliver(self) -> Delivered {
        let bot = self.bot;
        let _turn = bot.turn.lock().await;
        let envelope = self.envelope();
        let before = bot.calls().len();
        bot.stages.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let front_door = bot.config.edge.is_function_ack(self.route)
            || bot.worker.front_door_routes().contains(&self.route);
        let (ack, report) = if front_door {
            let answer = bot.worker.front(envelope, bot.config.ack_deadline).await;
            let ack = Ack {
                status: answer.status,
                content_type: answer.content_type.to_string(),
                body: answer.body_text(),
            };
            let report = match answer.forward {
                Some(forward) => Some(bot.worker.process(forward).await),
                None => None,
            };
            (Some(ack), report)
        } else {
            (None, Some(bot.worker.process(envelope).await))
        };
        let calls: Vec<ApiCall> = bot.calls().into_iter().skip(before).collect();
        let stages = std::mem::take(&mut *bot.stages.lock().unwrap_or_else(|p| p.into_inner()));
        Delivered::new(
            ack,
            report,
            calls,
            stages.into_iter().map(|o| o.stage).collect(),
        )
    }
}

impl<'a> IntoFuture for Delivery<'a> {
    type Output = Delivered;
    type IntoFuture = Pin<Box<dyn Future<Output = Delivered> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.deliver())
    }
}

/// A key pair's seed made from `secret`: its bytes, repeated to 32.
fn seed(secret: &str) -> [u8; 32] {
    let mut seed = [0u8; 32];
    for (byte, from) in seed.iter_mut().zip(secret.bytes().cycle()) {
        *byte = from;
    }
    seed
}
