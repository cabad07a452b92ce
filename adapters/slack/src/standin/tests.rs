use std::time::Duration;

use crate::{ReplyError, SlackClient, SlackConfig};
use ackbot_core::Reply;
use ackbot_core::retry::RetryPolicy;

use super::*;

fn client(standin: &SlackStandIn) -> SlackClient {
    let config = SlackConfig::new("signing")
        .with_bot_token("xoxb-standin-test")
        .with_api_url(standin.api_url())
        .with_retry(RetryPolicy::fixed(2, Duration::ZERO));
    SlackClient::new(&config).unwrap()
}

fn modal() -> Value {
    json!({
        "type": "modal",
        "title": {"type": "plain_text", "text": "Deploy"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Ship it?"}}],
    })
}

fn api_error(message: &str) -> ReplyError {
    ReplyError::Api {
        status: 200,
        message: message.into(),
    }
}

/// The calls to `path`, their recorded bodies.
fn bodies(standin: &SlackStandIn, path: &str) -> Vec<Value> {
    let calls = standin.recorder().calls();
    calls
        .into_iter()
        .filter(|c| c.path == path)
        .map(|c| c.body)
        .collect()
}

#[tokio::test]
async fn messages_are_posted_updated_and_whispered() {
    let standin = SlackStandIn::start().await.unwrap();
    let c = client(&standin);
    let posted = c
        .chat_post_message("C1", Some("1.000001"), &Reply::text("hi"))
        .await
        .unwrap();
    let ts = posted["ts"].as_str().unwrap().to_string();
    assert_eq!(posted["channel"], "C1");
    assert_eq!(posted["message"]["thread_ts"], "1.000001");
    let again = c
        .chat_post_message("C1", None, &Reply::text("hi"))
        .await
        .unwrap();
    assert_ne!(again["ts"], ts.as_str(), "every message has its own ts");

    let updated = c
        .chat_update("C1", &ts, &Reply::text("edited"))
        .await
        .unwrap();
    assert_eq!(
        (&updated["channel"], &updated["ts"], &updated["text"]),
        (&json!("C1"), &json!(ts), &json!("edited"))
    );
    let whispered = c
        .chat_post_ephemeral("C1", "U1", None, &Reply::text("psst"))
        .await
        .unwrap();
    assert!(
        whispered["message_ts"]
            .as_str()
            .is_some_and(|t| t.contains('.'))
    );

    assert_eq!(
        bodies(&standin, "/api/chat.update"),
        [json!({"channel": "C1", "ts": ts, "text": "edited", "blocks": []})]
    );
    assert_eq!(
        bodies(&standin, "/api/chat.postEphemeral"),
        [json!({"channel": "C1", "user": "U1", "text": "psst"})]
    );
    let call = &standin.recorder().calls()[0];
    assert!(
        call.headers
            .contains(&("authorization".into(), "Bearer xoxb-standin-test".into()))
    );
}

#[tokio::test]
async fn message_methods_refuse_what_slack_refuses() {
    let standin = SlackStandIn::start().await.unwrap();
    let c = client(&standin);
    let refused = |body: Value| {
        let c = c.clone();
        async move {
            c.call("chat.postEphemeral", &body)
                .await
                .unwrap_err()
                .to_string()
        }
    };
    assert!(
        refused(json!({"user": "U1", "text": "x"}))
            .await
            .contains("channel_not_found")
    );
    assert!(
        refused(json!({"channel": "C1", "text": "x"}))
            .await
            .contains("user_not_found")
    );
    assert!(
        refused(json!({"channel": "C1", "user": "U1"}))
            .await
            .contains("no_text")
    );
    let error = c
        .call("chat.update", &json!({"channel": "C1", "text": "x"}))
        .await
        .unwrap_err();
    assert_eq!(error, api_error("message_not_found"));
    let error = c
        .call("conversations.kick", &json!({"channel": "C1"}))
        .await
        .unwrap_err();
    assert_eq!(error, api_error("unknown_method"));
}

#[tokio::test]
async fn views_open_push_and_update() {
    let standin = SlackStandIn::start().await.unwrap();
    let c = client(&standin);
    let opened = c.views_open("1.2.abc", &modal()).await.unwrap();
    let view = &opened["view"];
    let id = view["id"].as_str().unwrap();
    assert!(id.starts_with('V'), "{id}");
    assert_eq!(view["type"], "modal");
    assert_eq!(view["title"], modal()["title"]);
    assert_eq!(view["blocks"], modal()["blocks"]);
    assert!(view["hash"].as_str().is_some_and(|h| !h.is_empty()));

    let hash = view["hash"].as_str().unwrap();
    let updated = c.views_update(id, Some(hash), &modal()).await.unwrap();
    assert_eq!(updated["view"]["id"], id);
    assert_ne!(updated["view"]["hash"], hash);
    let pushed = c.views_push("3.4.def", &modal()).await.unwrap();
    assert_ne!(pushed["view"]["id"], id);

    assert_eq!(
        bodies(&standin, "/api/views.open"),
        [json!({"trigger_id": "1.2.abc", "view": modal()})]
    );
    assert_eq!(
        bodies(&standin, "/api/views.update"),
        [json!({"view_id": id, "hash": hash, "view": modal()})]
    );
}

#[tokio::test]
async fn views_need_a_trigger_and_a_modal() {
    let standin = SlackStandIn::start().await.unwrap();
    let c = client(&standin);
    let error = c.views_open("", &modal()).await.unwrap_err();
    assert_eq!(error, api_error("invalid_arguments"));
    let mut untitled = modal();
    untitled.as_object_mut().unwrap().remove("title");
    let error = c.views_push("1.2.3", &untitled).await.unwrap_err();
    assert_eq!(error, api_error("invalid_arguments"));
    let home = json!({"type": "home", "title": {}, "blocks": []});
    let error = c.views_open("1.2.3", &home).await.unwrap_err();
    assert_eq!(error, api_error("invalid_arguments"));
    let error = c
        .call("views.update", &json!({"view": modal()}))
        .await
        .unwrap_err();
    assert_eq!(error, api_error("invalid_arguments"));
    // The detail Slack gives, for whoever reads the raw answer.
    let raw = reqwest::Client::new()
        .post(format!("{}/views.open", standin.api_url()))
        .bearer_auth("xoxb-1")
        .json(&json!({"trigger_id": "1.2.3"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    let raw: Value = raw.json().await.unwrap();
    assert_eq!(
        raw["response_metadata"]["messages"][0],
        "[ERROR] must provide an object [json-pointer:/view]"
    );
}

#[tokio::test]
async fn reactions_add_once_per_message_and_name() {
    let standin = SlackStandIn::start().await.unwrap();
    let c = client(&standin);
    c.reactions_add("C1", "1.000001", ":tada:").await.unwrap();
    let error = c.reactions_add("C1", "1.000001", "tada").await.unwrap_err();
    assert_eq!(error, api_error("already_reacted"));
    c.reactions_add("C1", "1.000002", "tada").await.unwrap();
    let error = c
        .call("reactions.add", &json!({"name": "tada"}))
        .await
        .unwrap_err();
    assert_eq!(error, api_error("no_item_specified"));
    let error = c
        .call(
            "reactions.add",
            &json!({"channel": "C1", "timestamp": "1.3", "name": ":tada:"}),
        )
        .await
        .unwrap_err();
    assert_eq!(error, api_error("invalid_name"));
    assert_eq!(
        bodies(&standin, "/api/reactions.add")[0],
        json!({"channel": "C1", "timestamp": "1.000001", "name": "tada"})
    );
}

#[tokio::test]
async fn users_info_reads_a_form_and_records_its_fields() {
    let standin = SlackStandIn::start().await.unwrap();
    let c = client(&standin);
    let user = c.users_info("U0G9QF9C6").await.unwrap();
    assert_eq!(user["id"], "U0G9QF9C6");
    assert_eq!(user["name"], "user-u0g9qf9c6");
    assert_eq!(user["real_name"], "Stand-in User");
    assert_eq!(user["profile"]["display_name"], "user-u0g9qf9c6");
    assert_eq!(
        bodies(&standin, "/api/users.info"),
        [json!({"user": "U0G9QF9C6"})]
    );
    let error = c.users_info("C123").await.unwrap_err();
    assert_eq!(error, api_error("user_not_found"));
    // As on Slack, a JSON body is not read.
    let error = c
        .call("users.info", &json!({"user": "U0G9QF9C6"}))
        .await
        .unwrap_err();
    assert_eq!(error, api_error("invalid_arguments"));
    // Nor does a GET with a query string go unanswered.
    let raw: Value = reqwest::Client::new()
        .get(format!("{}/users.info?user=W1", standin.api_url()))
        .bearer_auth("xoxb-1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw["user"]["id"], "W1");
}

#[tokio::test]
async fn every_method_wants_a_bearer_token_and_records_the_call() {
    let standin = SlackStandIn::start().await.unwrap();
    let http = reqwest::Client::new();
    let methods = [
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "views.open",
        "views.update",
        "views.push",
        "reactions.add",
        "users.info",
    ];
    for method in methods {
        let url = format!("{}/{method}", standin.api_url());
        let answer: Value = http
            .post(&url)
            .json(&json!({"channel": "C1", "text": "x"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer, failed("not_authed"), "{method}");
        let answer: Value = http
            .post(&url)
            .bearer_auth("not-a-slack-token")
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer, failed("invalid_auth"), "{method}");
    }
    let paths: Vec<String> = standin
        .recorder()
        .calls()
        .into_iter()
        .map(|c| c.path)
        .collect();
    assert_eq!(paths.len(), 2 * methods.len());
    for method in methods {
        assert!(paths.contains(&format!("/api/{method}")), "{method}");
    }
    let answer: Value = http
        .post(format!("{}/chat.postMessage", standin.api_url()))
        .bearer_auth("xoxb-1")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer, failed("invalid_json"));
}

#[tokio::test]
async fn form_encoded_messages_are_read_too() {
    let standin = SlackStandIn::start().await.unwrap();
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/chat.postMessage", standin.api_url()))
        .bearer_auth("xoxb-1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("channel=C1&text=a+b%26c&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["message"]["text"], "a b&c");
    assert_eq!(
        bodies(&standin, "/api/chat.postMessage"),
        [json!({"channel": "C1", "text": "a b&c", "blocks": [{"type": "divider"}]})]
    );
}
