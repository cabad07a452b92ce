//! The durable idempotency store against a real DynamoDB-compatible server: moto's server, which
//! each test starts on a free loopback port (`MOTO_SERVER`, installed by `make test`). First the
//! store's own semantics; then the real binary as Lambda workers sharing one table.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::Server;
use crate::common::moto::{Moto, SECRET_KEY, dynamo};
use crate::common::runtime::{Answer, RuntimeApi};
use crate::common::slack::SECRET;
use ackbot::{DynamoDedupe, DynamoError};
use ackbot_core::runtime::{Claim, DedupeStore, Expiry, now_ms};
use serde_json::{Value, json};
use wiremock::MockServer;

fn store(moto: &Moto, table: &str, expiry: Expiry) -> DynamoDedupe {
    let env = moto.env();
    DynamoDedupe::from_env(table, |name| {
        env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    })
    .unwrap()
    .with_expiry(expiry)
}

fn expiry(in_progress_ms: i64, completed_ms: i64) -> Expiry {
    Expiry {
        in_progress_ms,
        completed_ms,
    }
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_complete_and_release_as_powertools_does() {
    let moto = Moto::start().await;
    moto.create_table("keys").await;
    let store = store(&moto, "keys", expiry(1_000, 60_000));
    let t = 1_800_000_000_000; // the store takes the clock's time, not DynamoDB's

    assert_eq!(store.claim("a", t).await.unwrap(), Claim::Claimed);
    let item = moto.item("keys", "a").await.expect("the claim's item");
    assert_eq!(item["status"]["S"], "INPROGRESS");
    assert_eq!(item["in_progress_expiration"]["N"], (t + 1_000).to_string());
    // Abandoned claims age out too: the TTL attribute is set from the start, in seconds.
    assert_eq!(item["expiration"]["N"], ((t + 60_000) / 1000).to_string());

    assert_eq!(store.claim("a", t + 999).await.unwrap(), Claim::InProgress);
    // Its worker died: once the in-progress expiry passed, another delivery takes the work up.
    assert_eq!(store.claim("a", t + 1_001).await.unwrap(), Claim::Claimed);

    store.complete("a", t + 1_500).await.unwrap();
    let item = moto.item("keys", "a").await.unwrap();
    assert_eq!(item["status"]["S"], "COMPLETED");
    assert_eq!(item["expiration"]["N"], ((t + 61_500) / 1000).to_string());
    // Completed: a duplicate, long after any in-progress expiry...
    assert_eq!(
        store.claim("a", t + 30_000).await.unwrap(),
        Claim::Completed
    );
    // ...until the key's own expiration, whether or not DynamoDB's TTL has deleted it yet.
    assert_eq!(store.claim("a", t + 63_000).await.unwrap(), Claim::Claimed);

    assert_eq!(store.claim("b", t).await.unwrap(), Claim::Claimed);
    store.release("b").await.unwrap();
    assert!(moto.item("keys", "b").await.is_none(), "released: deleted");
    assert_eq!(store.claim("b", t + 1).await.unwrap(), Claim::Claimed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_past_its_expiration_is_claimed_again() {
    let moto = Moto::start().await;
    moto.create_table("aged").await;
    // A completed key whose TTL passed an hour ago: DynamoDB deletes such items only within
    // days, so the condition, not the deletion, must let the claim through.
    let now = now_ms();
    let hour_ago = (now / 1000 - 3600).to_string();
    let (status, answer) = dynamo(
        &moto.url,
        "PutItem",
        json!({"TableName": "aged", "Item": {
            "id": {"S": "old"}, "status": {"S": "COMPLETED"}, "expiration": {"N": hour_ago},
        }}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let store = store(&moto, "aged", Expiry::default());
    assert_eq!(store.claim("old", now).await.unwrap(), Claim::Claimed);
    assert_eq!(
        moto.item("aged", "old").await.unwrap()["status"]["S"],
        "INPROGRESS"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_claims_have_one_winner() {
    let moto = Moto::start().await;
    moto.create_table("race").await;
    let stores: Vec<Arc<DynamoDedupe>> = (0..8)
        .map(|_| Arc::new(store(&moto, "race", Expiry::default())))
        .collect();
    let now = now_ms();
    let mut claims = tokio::task::JoinSet::new();
    for store in stores {
        claims.spawn(async move { store.claim("contested", now).await.unwrap() });
    }
    let claims = claims.join_all().await;
    let won = claims.iter().filter(|c| **c == Claim::Claimed).count();
    assert_eq!(won, 1, "{claims:?}");
    assert!(
        claims
            .iter()
            .all(|c| matches!(c, Claim::Claimed | Claim::InProgress))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_table_is_named() {
    let moto = Moto::start().await;
    let store = store(&moto, "no-such-table", Expiry::default());
    let err = store.claim("k", now_ms()).await.unwrap_err();
    let dynamo = err.downcast_ref::<DynamoError>().expect("a DynamoError");
    assert!(
        matches!(dynamo, DynamoError::TableNotFound { table } if table == "no-such-table"),
        "{dynamo}"
    );
    assert!(!ackbot_core::chain(err.as_ref()).contains(SECRET_KEY));
}

// ---------------------------------------------------------------------------------------------
// The real binary as Lambda workers sharing the table
// ---------------------------------------------------------------------------------------------

/// A Lambda worker using `table` and the Slack stand-in `api`, with its own Runtime API double,
/// ready for events.
async fn worker(
    moto: &Moto,
    api: &MockServer,
    table: &str,
    extra: &[(&str, &str)],
) -> (Server, RuntimeApi) {
    let runtime = RuntimeApi::start().await;
    let mut env = moto.env();
    env.push(("SLACK_SIGNING_SECRET", SECRET.into()));
    env.push(("SLACK_API_URL", api.uri()));
    env.push(("ACKBOT_IDEMPOTENCY_TABLE", table.into()));
    let mut env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    env.extend_from_slice(extra);
    let server = Server::lambda(&runtime.addr.to_string(), &env);
    let deadline = Instant::now() + Duration::from_secs(20);
    while runtime.first_poll().is_none() {
        assert!(Instant::now() < deadline, "the worker did not start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (server, runtime)
}

/// A signed slash command as the gateway's mapping template delivers it; its reply goes to a
/// `response_url` on `api` that names `id`.
fn slash_envelope(api: &MockServer, id: &str, typed: &str, request_id: &str) -> String {
    let body =
        ackbot_slack::sample::slash_command(typed, &format!("{}/commands/T1/{id}/tok", api.uri()));
    let received_at_ms = now_ms();
    let mut envelope = ackbot_slack::sample::signed_envelope(
        "/slack/commands",
        &body,
        SECRET,
        received_at_ms / 1000,
    )
    .with_request_id(request_id.to_string());
    envelope.received_at_ms = received_at_ms;
    String::from_utf8(envelope.to_json()).unwrap()
}

/// The replies posted to `id`'s `response_url`.
async fn replies_to(api: &MockServer, id: &str) -> Vec<Value> {
    api.received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().contains(&format!("/{id}/")))
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

async fn answer(runtime: &RuntimeApi, invocation: &str, seconds: u64) -> Answer {
    runtime
        .answer(invocation, Duration::from_secs(seconds))
        .await
        .expect("the worker answers")
}

fn is_in_progress(answer: &Answer) -> bool {
    matches!(answer, Answer::Error(e) if e["errorType"] == "ackbot.InProgress")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_given_the_same_envelope_at_once_reply_once() {
    let moto = Moto::start().await;
    moto.create_table("shared").await;
    let api = crate::common::slack::api().await;
    let (_a, runtime_a) = worker(&moto, &api, "shared", &[]).await;
    let (_b, runtime_b) = worker(&moto, &api, "shared", &[]).await;

    for round in 0..3 {
        let id = format!("twice{round}");
        let envelope = slash_envelope(&api, &id, "/echo once", &format!("req-{id}"));
        let (first, second) = (
            runtime_a.invoke(envelope.clone()),
            runtime_b.invoke(envelope),
        );
        let answers = [
            answer(&runtime_a, &first, 20).await,
            answer(&runtime_b, &second, 20).await,
        ];
        let replied = Answer::Success(json!({"handled": 1, "replied": 1}));
        let duplicate = Answer::Success(json!({"handled": 0, "replied": 0}));
        assert_eq!(
            answers.iter().filter(|a| **a == replied).count(),
            1,
            "one worker does the work: {answers:?}"
        );
        assert!(
            answers
                .iter()
                .all(|a| *a == replied || *a == duplicate || is_in_progress(a)),
            "the other sees it under way or done: {answers:?}"
        );
        // A Lambda worker answers its invocation once its replies are sent: both have answered.
        assert_eq!(
            replies_to(&api, &id).await,
            vec![json!({"response_type": "ephemeral", "text": "once"})]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_left_by_a_killed_worker_is_taken_up_after_its_expiry() {
    let moto = Moto::start().await;
    moto.create_table("abandoned").await;
    let api = crate::common::slack::api().await;
    let short = [("ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS", "1500")];
    let envelope = slash_envelope(&api, "killed", "/wait 3", "req-killed");

    let (a, runtime_a) = worker(&moto, &api, "abandoned", &short).await;
    runtime_a.invoke(envelope.clone());
    let deadline = Instant::now() + Duration::from_secs(10);
    let claim = loop {
        if let Some(item) = moto.item("abandoned", "gw:req-killed#0").await {
            break item;
        }
        assert!(Instant::now() < deadline, "worker A never claimed the work");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(claim["status"]["S"], "INPROGRESS");
    let claim_expires: i64 = claim["in_progress_expiration"]["N"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    drop(a); // killed mid-way through its 3 s handler: the claim stays, in progress

    let (_b, runtime_b) = worker(&moto, &api, "abandoned", &short).await;
    let invoked_at = now_ms();
    let early = runtime_b.invoke(envelope.clone());
    let early = answer(&runtime_b, &early, 20).await;
    if invoked_at < claim_expires - 100 {
        // Lambda's retry comes later: by then the claim has expired.
        assert!(is_in_progress(&early), "{early:?}");
    }

    let wait = claim_expires - now_ms() + 50;
    tokio::time::sleep(Duration::from_millis(wait.max(0) as u64)).await;
    let retry = runtime_b.invoke(envelope);
    assert_eq!(
        answer(&runtime_b, &retry, 20).await,
        Answer::Success(json!({"handled": 1, "replied": 1}))
    );
    assert_eq!(
        replies_to(&api, "killed").await,
        vec![json!({"response_type": "ephemeral", "text": "Waited 3 s."})]
    );
    let done = moto.item("abandoned", "gw:req-killed#0").await.unwrap();
    assert_eq!(done["status"]["S"], "COMPLETED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_key_is_answered_as_a_duplicate() {
    let moto = Moto::start().await;
    moto.create_table("completed").await;
    let api = crate::common::slack::api().await;
    let envelope = slash_envelope(&api, "done", "/echo done", "req-done");

    let (_a, runtime_a) = worker(&moto, &api, "completed", &[]).await;
    let first = runtime_a.invoke(envelope.clone());
    assert_eq!(
        answer(&runtime_a, &first, 20).await,
        Answer::Success(json!({"handled": 1, "replied": 1}))
    );
    let keys: Vec<Value> = moto.items("completed").await;
    assert_eq!(
        keys.len(),
        2,
        "the signature and the gateway's request: {keys:?}"
    );
    assert!(keys.iter().all(|k| k["status"]["S"] == "COMPLETED"));

    // Lambda runs the event again on a fresh worker, with nothing in its memory.
    let (b, runtime_b) = worker(&moto, &api, "completed", &[]).await;
    let again = runtime_b.invoke(envelope.clone());
    assert_eq!(
        answer(&runtime_b, &again, 20).await,
        Answer::Success(json!({"handled": 0, "replied": 0}))
    );
    let line = b
        .wait_for_log(
            |l| l["request_id"] == "req-done" && l.get("outcome").is_some(),
            Duration::from_secs(5),
        )
        .await
        .expect("one line about the Envelope");
    assert_eq!(line["duplicates"], 1, "{line}");

    // Slack's own retry comes through the gateway as a new request, with the same signature.
    let mut resent: Value = serde_json::from_str(&envelope).unwrap();
    resent["request_id"] = json!("req-done-retry");
    let retried = runtime_b.invoke(resent.to_string());
    assert_eq!(
        answer(&runtime_b, &retried, 20).await,
        Answer::Success(json!({"handled": 0, "replied": 0}))
    );
    // Every invocation has answered, so every reply it was going to send is sent.
    assert_eq!(replies_to(&api, "done").await.len(), 1, "replied once");
}
