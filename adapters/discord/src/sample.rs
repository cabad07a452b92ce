//! Signed sample interactions, as Discord sends them, and the test key pair that signs them:
//! for tests, the demo and `ackbot send discord`. The key pair is public: never configure its
//! public key ([`TEST_PUBLIC_KEY`]) anywhere but on a developer's machine.

use ackbot_core::adapter::Envelope;
use serde_json::{Value, json};

use crate::signing::KeyPair;
use crate::{INTERACTIONS_ROUTE, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// The test key pair's seed (its secret).
pub const TEST_SEED: [u8; 32] = *b"ackbot's discord test key pair!!";
/// The test key pair's public key, as `DISCORD_PUBLIC_KEY` in the demo and a new project's `.env`.
pub const TEST_PUBLIC_KEY: &str =
    "6b16b34df8b4f19a55decd9dca6255300a4ac3f52663d44dd0002cc9bb89f344";
/// The samples' application id.
pub const APPLICATION_ID: &str = "1100000000000000001";
/// The samples' user, server and channel.
pub const USER_ID: &str = "80351110224678912";
/// The samples' server.
pub const GUILD_ID: &str = "290926798626357999";
/// The samples' channel.
pub const CHANNEL_ID: &str = "290926798999357250";

/// The test key pair.
pub fn key_pair() -> KeyPair {
    KeyPair::from_seed(TEST_SEED)
}

fn unique() -> String {
    (1_000_000_000_000_000_000 + ackbot_core::testing::unique() % 1_000_000_000_000_000_000)
        .to_string()
}

fn interaction(kind: u8, data: Value) -> Value {
    let id = unique();
    json!({"id": id, "application_id": APPLICATION_ID, "type": kind, "data": data,
        "guild_id": GUILD_ID, "channel_id": CHANNEL_ID,
        "channel": {"id": CHANNEL_ID, "type": 0, "name": "general"},
        "member": {"user": {"id": USER_ID, "username": "nelly", "global_name": "Nelly"},
            "roles": [], "permissions": "2147483647"},
        "token": format!("aW50ZXJhY3Rpb246{id}:ZmFrZS10b2tlbg"), "version": 1, "locale": "en-US",
        "app_permissions": "2147483647"})
}

/// A PING.
pub fn ping() -> Value {
    json!({"id": unique(), "application_id": APPLICATION_ID, "type": 1,
        "token": "cGluZw", "version": 1})
}

/// The slash command `/name text` (`text` as its `text` option, none when empty).
pub fn command(name: &str, text: &str) -> Value {
    let mut data = json!({"id": "1300000000000000001", "name": name, "type": 1});
    if !text.is_empty() {
        data["options"] = json!([{"name": "text", "type": 3, "value": text}]);
    }
    interaction(2, data)
}

/// A typed command line, `/echo hi` or `echo hi`, as [`command`].
pub fn typed(line: &str) -> Value {
    let line = line.trim().trim_start_matches('/');
    let (name, text) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    command(&name.to_lowercase(), text.trim())
}

/// A button with `custom_id` clicked (a choice's `ID:OPTION`).
pub fn button(custom_id: &str) -> Value {
    interaction(3, json!({"custom_id": custom_id, "component_type": 2}))
}

/// A modal `custom_id` submitted with `fields` (a text input's `custom_id` and value).
pub fn modal_submit(custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = (fields.iter())
        .map(|(id, value)| json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]}))
        .collect();
    interaction(5, json!({"custom_id": custom_id, "components": rows}))
}

/// `/name` asking for choices while `typed` is in its `text` option.
pub fn autocomplete(name: &str, typed: &str) -> Value {
    interaction(
        4,
        json!({"id": "1300000000000000001", "name": name, "type": 1,
        "options": [{"name": "text", "type": 3, "value": typed, "focused": true}]}),
    )
}

/// The two signature headers of `body` sent at `timestamp` (Unix seconds), by `key` (the test
/// pair's, [`key_pair`], or another: Discord's probe).
pub fn signature_headers(
    key: &KeyPair,
    body: &[u8],
    timestamp: i64,
) -> [(&'static str, String); 2] {
    let timestamp = timestamp.to_string();
    let signature = key.sign(&timestamp, body);
    [(TIMESTAMP_HEADER, timestamp), (SIGNATURE_HEADER, signature)]
}

/// An Envelope of `interaction` received at `received_at_ms`, signed by the test key pair.
pub fn envelope(interaction: &Value, received_at_ms: i64) -> Envelope {
    let body = serde_json::to_vec(interaction).expect("JSON serialises");
    signed_envelope(body, &key_pair(), received_at_ms)
}

/// An Envelope of `body` as received at `received_at_ms`, signed by `key` at that time (another
/// key than the test pair's: Discord's probe, or another application's).
pub fn signed_envelope(body: Vec<u8>, key: &KeyPair, received_at_ms: i64) -> Envelope {
    let headers = signature_headers(key, &body, received_at_ms.div_euclid(1000));
    let envelope = Envelope::new(INTERACTIONS_ROUTE, received_at_ms, body)
        .with_header("Content-Type", "application/json");
    (headers.into_iter()).fold(envelope, |envelope, (name, value)| {
        envelope.with_header(name, value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_public_key_is_the_test_seeds() {
        assert_eq!(key_pair().public().to_hex(), TEST_PUBLIC_KEY);
    }

    #[cfg(feature = "doctor")]
    #[test]
    fn doctor_warns_of_this_key() {
        let checks = crate::doctor::check(&|name: &str| match name {
            "DISCORD_PUBLIC_KEY" => Some(TEST_PUBLIC_KEY.to_string()),
            _ => None,
        });
        assert!(checks.findings[0].message.contains("public test key"));
    }
}
