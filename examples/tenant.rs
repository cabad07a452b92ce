//! An extractor of your own: `Tenant`, the customer a request belongs to — the Slack workspace
//! (`team_id`, read from the platform's own payload) or, on LINE, the group or the user — so one
//! deployment can answer each customer in its own words.
//!
//! Run it like the `ackbot` binary: `cargo run --example tenant -- demo`. Its tests run with
//! `cargo test --example tenant --features testing`.

use std::collections::HashMap;

use ackbot::prelude::*;
use ackbot::{FromIncoming, Request, UnavailableRejection};
use serde::Deserialize;

/// The customer a request belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant(pub String);

/// Where Slack names the workspace: `team_id` in a slash command and an event callback,
/// `team.id` in an interaction.
#[derive(Deserialize)]
struct SlackTeam {
    team_id: Option<String>,
    team: Option<TeamRef>,
}

#[derive(Deserialize)]
struct TeamRef {
    id: Option<String>,
}

impl FromIncoming for Tenant {
    // "Not available" reaches the user as "Sorry, … is not available on Slack." and the log.
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        let incoming = &request.incoming;
        let id = match incoming.platform {
            SLACK => incoming
                .payload
                .parse::<SlackTeam>()
                .ok()
                .and_then(|p| p.team_id.or_else(|| p.team?.id)),
            LINE => Some(incoming.conversation.id.clone()),
            // Another platform's adapter knows its own tenants; this example keeps to two.
            _ => None,
        };
        id.filter(|id| !id.is_empty())
            .map(Tenant)
            .ok_or(UnavailableRejection { what: "the tenant" })
    }
}

/// Each tenant's greeting, as `State<Greetings>`.
#[derive(Clone, Default)]
pub struct Greetings(pub HashMap<String, String>);

/// Greets in the tenant's words, or in plain English.
async fn hello(Tenant(tenant): Tenant, State(greetings): State<Greetings>, user: User) -> String {
    let greeting = greetings.0.get(&tenant).map_or("Hello", String::as_str);
    format!("{greeting}, {}!", user.mention())
}

/// The bot: the built-ins and `hello`.
pub fn bot(greetings: Greetings) -> Bot {
    Bot::new()
        .mount(ackbot::handlers::builtins())
        .command(cmd("hello", hello).about("Greet in your workspace's words"))
        .state(greetings)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), ackbot::Error> {
    let greetings = HashMap::from([("T0001".to_string(), "Howdy".to_string())]);
    bot(Greetings(greetings)).run().await
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use ackbot::testing::{TestBot, payload};

    fn greetings() -> Greetings {
        Greetings(HashMap::from([
            ("T0001".to_string(), "Howdy".to_string()),
            (payload::LINE_USER_ID.to_string(), "こんにちは".to_string()),
        ]))
    }

    #[tokio::test]
    async fn each_tenant_is_greeted_in_its_words() {
        let bot = TestBot::new(bot(greetings())).await.unwrap();
        let slack = bot.slack_command("/hello").await;
        assert_eq!(
            slack.texts(),
            [format!("Howdy, <@{}>!", payload::SLACK_USER_ID)]
        );
        let line = bot.line_text("hello").await;
        assert_eq!(line.texts().len(), 1);
        assert!(line.texts()[0].starts_with("こんにちは, "), "{line:?}");
    }

    #[tokio::test]
    async fn an_interaction_names_its_team_elsewhere() {
        let bot =
            TestBot::new(bot(greetings()).action("wave", |Tenant(t): Tenant| async move { t }))
                .await
                .unwrap();
        let out = bot
            .slack_interaction(payload::block_action("wave", "x"))
            .await;
        assert_eq!(out.texts(), ["T0001"]);
    }

    #[tokio::test]
    async fn no_tenant_is_answered_not_available() {
        let bot = TestBot::new(bot(Greetings::default())).await.unwrap();
        let body = payload::event_callback(serde_json::json!({
            "type": "app_mention", "user": payload::SLACK_USER_ID, "text": "<@U0BOT> hello",
            "channel": "C1", "ts": "1700000000.000200"
        }));
        let mut body = body;
        body.as_object_mut().unwrap().remove("team_id");
        let out = bot.slack_events_body(body).await;
        assert_eq!(
            out.texts(),
            ["Sorry, /hello is not available on Slack."],
            "{out:?}"
        );
    }
}
