//! Slack's installations in DynamoDB ([`DynamoInstallations`]) against moto's server, as
//! idempotency.rs runs the idempotency store (`MOTO_SERVER`, else `.venv-moto/bin/moto_server`,
//! installed by `make test`): the contract every installation store keeps, then what the items
//! hold and what an error shows.

use crate::common::moto::{Moto, SECRET_KEY};
use ackbot_core::ExposeSecret;
use ackbot_lambda::{DynamoInstallations, InstallationsError};
use ackbot_slack::oauth::contract::{check, record};
use ackbot_slack::oauth::{InstallationKey, InstallationStore};
use serde_json::json;

/// The store of `table` on `moto`.
fn store(moto: &Moto, table: &str) -> DynamoInstallations {
    let env = moto.env();
    DynamoInstallations::from_env(table, |name| {
        env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_keeps_the_installation_store_contract() {
    let moto = Moto::start().await;
    moto.create_table("installations").await;
    check(&store(&moto, "installations")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_only_in_the_record_and_a_state_expires_in_seconds() {
    let moto = Moto::start().await;
    moto.create_table("items").await;
    let store = store(&moto, "items");
    let saved = record("T0ITEMS", "xoxb-items-bot-token");
    store.save(&saved).await.unwrap();
    let key = InstallationKey::Team("T0ITEMS".into());
    assert!(store.lease(&key, 1, 1_000, 61_000).await.unwrap());

    let item = moto.item("items", "installation#team:T0ITEMS").await;
    let item = item.expect("the installation's item");
    assert_eq!(item["version"]["N"], "1");
    assert_eq!(item["lease_until"]["N"], "61000", "epoch ms");
    let mut names: Vec<&String> = item.as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(names, ["id", "lease_until", "record", "version"]);
    let tokens = [
        saved.bot.token.expose_secret().to_string(),
        "xoxe-1-refresh-T0ITEMS".to_string(),
        "xoxp-user-T0ITEMS".to_string(),
    ];
    let record_json = item["record"]["S"].as_str().unwrap();
    for token in &tokens {
        assert!(
            record_json.contains(token.as_str()),
            "the record holds {token}"
        );
    }
    let mut outside = item.clone();
    outside.as_object_mut().unwrap().remove("record");
    for token in &tokens {
        assert!(!outside.to_string().contains(token.as_str()), "{outside}");
    }

    // Deleted: the item stays as a tombstone with its version, with no record and no token.
    assert!(store.delete(&key).await.unwrap());
    let tombstone = moto.item("items", "installation#team:T0ITEMS").await;
    assert_eq!(
        tombstone.unwrap(),
        json!({"id": {"S": "installation#team:T0ITEMS"}, "version": {"N": "1"}})
    );
    store.save(&saved).await.unwrap();
    assert_eq!(store.find(&key).await.unwrap().unwrap().version, 2);

    // A state: its expiry in ms for the condition, DynamoDB's TTL in seconds (never earlier).
    let expires_at_ms = 1_800_000_600_500;
    store
        .issue_state("hashed-state", expires_at_ms)
        .await
        .unwrap();
    let state = moto.item("items", "state#hashed-state").await.unwrap();
    assert_eq!(state["expires_at_ms"]["N"], expires_at_ms.to_string());
    assert_eq!(state["expiration"]["N"], "1800000601", "epoch seconds");
    // Past its expiry but not yet deleted by TTL: the condition refuses it, and it stays.
    assert!(
        !store
            .spend_state("hashed-state", expires_at_ms)
            .await
            .unwrap()
    );
    assert!(moto.item("items", "state#hashed-state").await.is_some());
    assert!(
        store
            .spend_state("hashed-state", expires_at_ms - 1)
            .await
            .unwrap()
    );
    assert!(moto.item("items", "state#hashed-state").await.is_none());
    assert_eq!(moto.items("items").await.len(), 1, "only the installation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_table_is_named_and_no_token_is_shown() {
    let moto = Moto::start().await;
    let store = store(&moto, "no-such-installations");
    let saved = record("T0MISSING", "xoxb-missing-table-token");
    let err = store.save(&saved).await.unwrap_err();
    let text = ackbot_core::chain(&err);
    assert!(
        text.contains("the installations table `no-such-installations` does not exist"),
        "{text}"
    );
    let inner = err.0.downcast_ref::<InstallationsError>();
    assert!(
        matches!(inner, Some(InstallationsError::TableNotFound { table }) if table == "no-such-installations"),
        "{err:?}"
    );
    let key = InstallationKey::Team("T0MISSING".into());
    let found = store.find(&key).await.unwrap_err();
    let replaced = store.replace(&key, 1, &saved).await.unwrap_err();
    for err in [err, found, replaced] {
        let shown = format!("{} {err:?}", ackbot_core::chain(&err));
        assert!(shown.contains("no-such-installations"), "{shown}");
        for secret in [
            "xoxb-missing-table-token",
            "xoxe-1-refresh",
            "xoxp-user",
            SECRET_KEY,
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
