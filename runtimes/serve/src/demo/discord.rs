//! The demo's Discord samples: interactions signed with the test key pair, through the front
//! door (Discord's route is always function-ack) to the stand-in of Discord's API.

use ackbot_core::runtime::now_ms;
use ackbot_discord::sample;
use ackbot_discord::signing::KeyPair;
use ackbot_discord::standin::TOKEN_HEADER;
use ackbot_discord::{DISCORD, INTERACTIONS_ROUTE};
use serde_json::Value;

use super::samples::{Belongs, Catalog, Expect, Sample};

/// The Discord samples, those the bot can answer.
pub(super) fn discord_samples(catalog: &Catalog) -> Vec<Sample> {
    // Signed by `key`: the test pair, whose public key the demo's adapter has, or another.
    let signed = |label: String, interaction: &Value, expect: Expect, key: KeyPair| {
        let token = interaction["token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let body = interaction.to_string();
        let headers = sample::signature_headers(&key, body.as_bytes(), now_ms() / 1000);
        let belongs: Belongs = Box::new(move |c| c.header(TOKEN_HEADER) == Some(token.as_str()));
        Sample {
            label,
            route: INTERACTIONS_ROUTE,
            headers: [("content-type", "application/json".to_string())]
                .into_iter()
                .chain(headers)
                .collect(),
            body,
            belongs,
            expect,
            settle: true,
        }
    };
    let interaction =
        |label, interaction: &Value, expect| signed(label, interaction, expect, sample::key_pair());
    let mut samples = vec![interaction(
        "Discord PING (checking the endpoint)".into(),
        &sample::ping(),
        Expect::Answered("{\"type\":1}"),
    )];
    let echo = "こんにちは 🎮 Discord";
    if catalog.has("echo") {
        let command = sample::command("echo", echo);
        samples.push(interaction(
            format!("Discord /echo {echo}"),
            &command,
            Expect::Exactly(echo.into()),
        ));
        samples.push(interaction(
            "Discord the same interaction again (same id)".into(),
            &command,
            Expect::Duplicate,
        ));
        samples.push(signed(
            "Discord's probe: /echo signed by another key".into(),
            &sample::command("echo", "probe"),
            Expect::Refused,
            KeyPair::from_seed([9; 32]),
        ));
    }
    if catalog.has("help") {
        samples.push(interaction(
            "Discord /help".into(),
            &sample::command("help", ""),
            Expect::Naming(catalog.named(DISCORD)),
        ));
    }
    // The built-in feedback's modal, when the bot has it: its ids are the built-in's.
    if catalog.has("feedback") && catalog.has_view("feedback") {
        samples.push(interaction(
            "Discord /feedback (a modal, in the acknowledgement)".into(),
            &sample::command("feedback", ""),
            Expect::Answered("\"type\":9"),
        ));
    }
    samples
}
