//! `ackbot::testing`: the kit bot authors test their handlers with, on both platforms.

use std::time::Duration;

use ackbot::prelude::*;
use ackbot::testing::{START_MS, TestBot, payload};
use serde_json::json;

async fn builtins() -> TestBot {
    TestBot::new(Bot::new().mount(ackbot::handlers::builtins()))
        .await
        .expect("the built-ins build")
}

#[tokio::test]
async fn a_slash_command_is_answered_at_its_response_url() {
    let bot = builtins().await;
    let out = bot.slack_command("/echo hi there").await;
    assert_eq!(out.outcome(), "processed");
    assert_eq!(out.texts(), ["hi there"]);
    assert_eq!(out.handlers(), ["/echo"]);
    assert_eq!(out.ack, None, "slash commands get the gateway's static ack");
    let call = out
        .call("response_url")
        .expect("posted to the response_url");
    assert_eq!(call.platform, SLACK);
    assert_eq!(call.body["response_type"], "ephemeral");
}

#[tokio::test]
async fn a_discord_command_is_deferred_then_edits_the_original_and_a_click_follows_up() {
    let bot = builtins().await;
    let out = bot.discord_command("/echo hi there").await;
    let ack = out
        .ack
        .as_ref()
        .expect("Discord is answered at the front door");
    assert_eq!(ack.json(), Some(json!({"type": 5, "data": {"flags": 64}})));
    assert_eq!(out.texts(), ["hi there"]);
    assert_eq!(out.calls[0].platform, DISCORD);
    assert!(
        out.calls[0].method.ends_with("/messages/@original"),
        "{:?}",
        out.calls
    );
    let offered = bot.discord_command("/choose tea coffee").await;
    let picked = bot.click(&offered, "coffee").await;
    assert_eq!(
        picked.ack.as_ref().unwrap().json(),
        Some(json!({"type": 6}))
    );
    assert!(
        picked.texts()[0].ends_with("chose coffee"),
        "{:?}",
        picked.texts()
    );
    let forged = bot
        .discord_command("/echo x")
        .signed_with("another key")
        .await;
    assert!(forged.rejection().unwrap().contains("X-Signature-Ed25519"));
}

#[tokio::test]
async fn unsigned_and_forged_slack_requests_are_rejected_with_the_reason() {
    let bot = builtins().await;
    let unsigned = bot.slack_command("/echo hi").unsigned().await;
    assert_eq!(unsigned.outcome(), "rejected");
    assert!(
        unsigned
            .rejection()
            .unwrap()
            .contains("missing X-Slack-Signature"),
        "{unsigned:?}"
    );
    assert!(unsigned.calls.is_empty());

    let forged = bot
        .slack_command("/echo hi")
        .signed_with("not-the-secret")
        .await;
    assert_eq!(forged.outcome(), "rejected");
    assert!(
        forged.rejection().unwrap().contains("does not match"),
        "{forged:?}"
    );
    assert!(forged.texts().is_empty());

    // On the front door's routes the platform is answered 401 at once.
    let event = bot
        .slack_mention("echo hi")
        .signed_with("not-the-secret")
        .await;
    assert_eq!(event.ack.as_ref().map(|a| a.status), Some(401));
    assert_eq!(event.outcome(), "rejected");
}

#[tokio::test]
async fn the_url_verification_challenge_is_the_computed_ack() {
    let bot = builtins().await;
    let out = bot
        .slack_events_body(json!({"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}))
        .await;
    let ack = out.ack.clone().expect("the front door answers events");
    assert_eq!(ack.status, 200);
    assert_eq!(
        ack.json().unwrap()["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    assert_eq!(out.outcome(), "answered");
    assert!(out.calls.is_empty());
}

#[tokio::test]
async fn a_mention_is_answered_in_its_thread() {
    let bot = builtins().await;
    let out = bot.slack_mention("echo hello").await;
    assert_eq!(out.ack.as_ref().map(|a| a.status), Some(200));
    assert_eq!(out.texts(), ["hello"]);
    let call = &out.messages()[0];
    assert_eq!(call.method, "chat.postEphemeral");
    assert_eq!(call.body["channel"], payload::CHANNEL);
    assert!(call.body["thread_ts"].is_string(), "{:?}", call.body);
}

#[tokio::test]
async fn an_event_reaches_its_handler_with_its_payload() {
    /// Thanks whoever reacted, naming the reaction from the event's own JSON.
    async fn thank(user: User, payload: ackbot::Payload) -> String {
        let reaction = payload.value()["event"]["reaction"].clone();
        format!("thanks for the {reaction} {}", user.mention())
    }
    let bot = TestBot::new(Bot::new().on("reaction_added", thank))
        .await
        .unwrap();
    let out = bot
        .slack_event(json!({
            "type": "reaction_added", "user": payload::SLACK_USER_ID, "reaction": "tada",
            "item": {"type": "message", "channel": payload::CHANNEL, "ts": "1700000000.000100"},
            "event_ts": "1700000001.000200"
        }))
        .await;
    assert_eq!(out.outcome(), "processed", "{out:?}");
    assert_eq!(out.handlers(), ["reaction_added"]);
    assert_eq!(
        out.texts(),
        [format!(
            "thanks for the \"tada\" <@{}>",
            payload::SLACK_USER_ID
        )]
    );
    // The next delivery is a new event, not a duplicate of this one.
    let again = bot
        .slack_event(json!({"type": "reaction_added", "user": "U1", "reaction": "eyes"}))
        .await;
    assert_eq!(again.duplicates(), 0);
    assert_eq!(again.handlers(), ["reaction_added"]);
}

/// Reacts to a button with a reaction and an in-channel reply, through the Web API.
async fn approve(
    slack: Slack,
    payload: ackbot::slack::InteractionPayload,
) -> Result<Reply, HandlerError> {
    let channel = payload.channel.and_then(|c| c.id).unwrap_or_default();
    let value = (payload.actions.first()).and_then(|a| a.value.clone());
    slack
        .reactions_add(&channel, "1700000000.000100", "white_check_mark")
        .await?;
    Ok(Reply::text(format!("approved {}", value.unwrap_or_default())).in_channel())
}

#[tokio::test]
async fn a_button_handler_calls_the_web_api_and_replies() {
    let bot = TestBot::new(Bot::new().action("approve", approve))
        .await
        .unwrap();
    let out = bot
        .slack_interaction(payload::block_action("approve", "PR-42"))
        .await;
    assert_eq!(out.outcome(), "processed", "{:?}", out.failure());
    let reaction = out.call("reactions.add").expect("the reaction is added");
    assert_eq!(reaction.body["name"], "white_check_mark");
    assert_eq!(out.texts(), ["approved PR-42"]);
}

#[tokio::test]
async fn a_line_text_is_answered_with_the_reply_token() {
    let bot = builtins().await;
    let out = bot.line_text("echo こんにちは").await;
    assert_eq!(out.outcome(), "processed");
    assert_eq!(out.texts(), ["こんにちは"]);
    let call = out
        .call("/v2/bot/message/reply")
        .expect("answered with the reply token");
    assert_eq!(call.platform, LINE);
    assert!(call.body["replyToken"].is_string());
}

#[tokio::test]
async fn an_old_line_event_is_answered_by_push_with_a_retry_key() {
    let bot = builtins().await;
    let out = bot
        .line_text("echo late")
        .received_at(bot.now_ms() - 120_000)
        .await;
    assert_eq!(out.texts(), ["late"]);
    let push = out
        .call("/v2/bot/message/push")
        .expect("pushed: the reply token is too old");
    assert_eq!(push.body["to"], payload::LINE_USER_ID);
}

#[tokio::test]
async fn unsigned_line_webhooks_are_rejected_and_duplicates_skipped() {
    let bot = builtins().await;
    let unsigned = bot.line_text("echo hi").unsigned().await;
    assert_eq!(unsigned.outcome(), "rejected");
    assert!(
        unsigned
            .rejection()
            .unwrap()
            .to_lowercase()
            .contains("signature"),
        "{unsigned:?}"
    );

    let body: serde_json::Value = serde_json::from_str(&ackbot::line::sample::text_message(
        "echo once",
        payload::LINE_USER_ID,
        false,
    ))
    .unwrap();
    let first = bot.line_webhook_body(body.clone()).await;
    assert_eq!(first.texts(), ["once"]);
    let again = bot.line_webhook_body(body).await;
    assert_eq!((again.duplicates(), again.calls.len()), (1, 0));
}

#[tokio::test]
async fn a_line_follow_gets_the_welcome() {
    let bot = builtins().await;
    let out = bot
        .line_event(json!({"type": "follow", "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", "follow": {"isUnblocked": false}}))
        .await;
    assert_eq!(out.outcome(), "processed");
    assert_eq!(out.messages().len(), 1, "{:?}", out.calls);
    assert!(!out.texts()[0].is_empty());
}

#[tokio::test]
async fn the_clock_is_fixed_until_advanced() {
    let bot = builtins().await;
    assert_eq!(bot.now_ms(), START_MS);
    bot.advance(Duration::from_secs(90));
    assert_eq!(bot.now_ms(), START_MS + 90_000);
    // Received at the new time, the event is still fresh: the reply token is used.
    let out = bot.line_text("echo now").await;
    assert!(
        out.call("/v2/bot/message/reply").is_some(),
        "{:?}",
        out.calls
    );
}

#[tokio::test]
async fn a_bot_that_cannot_build_says_why() {
    #[derive(Clone)]
    struct Missing;
    async fn needs(State(_): State<Missing>) -> Reply {
        Reply::text("never")
    }
    let Err(err) = TestBot::new(Bot::new().command(cmd("needs", needs))).await else {
        panic!("a handler without its state must not build");
    };
    assert!(
        bot_core_chain(&err).contains("Missing"),
        "{}",
        bot_core_chain(&err)
    );
}

fn bot_core_chain(err: &ackbot::Error) -> String {
    format!("{err:?}")
}

/// Says which workspace installed the app, and where the bot user is.
async fn whoami(installation: ackbot::slack::oauth::Installation) -> String {
    format!(
        "{} {}",
        installation.team_id.unwrap_or_default(),
        installation.bot_user_id
    )
}

#[tokio::test]
async fn in_many_workspaces_each_request_carries_its_own_workspace_token() {
    let bot = Bot::new()
        .mount(ackbot::handlers::builtins())
        .command(cmd("whoami", whoami));
    let bot = TestBot::in_workspaces(bot).await.unwrap();
    bot.install("T1").await.unwrap();
    bot.install("T2").await.unwrap();
    for team in ["T1", "T2"] {
        let out = bot.slack_mention("echo hi").from_team(team).await;
        assert_eq!(out.texts(), ["hi"], "{out:?}");
        let token = out.messages()[0].token.clone().unwrap();
        assert!(token.starts_with(&format!("xoxb-{team}-")), "{token}");
        let who = bot.slack_command("/whoami").from_team(team).await;
        assert_eq!(who.texts(), [format!("{team} UB{team}")]);
    }
    // A workspace that never installed the app: no Web API call, and the handler's extractor
    // says what is missing; a slash command's response_url needs no token and still answers.
    let stranger = bot.slack_mention("echo hi").from_team("T9").await;
    assert!(stranger.messages().is_empty(), "{stranger:?}");
    assert!(
        stranger
            .failure()
            .unwrap()
            .contains("T9 has no installation"),
        "{stranger:?}"
    );
    let who = bot.slack_command("/whoami").from_team("T9").await;
    assert_eq!(
        who.call("response_url").map(|c| c.token.clone()),
        Some(None)
    );
    assert!(who.texts()[0].contains("not available"), "{who:?}");
    assert_eq!(who.handlers(), ["/whoami"]);
}

#[tokio::test]
async fn the_kit_without_many_workspaces_has_no_install() {
    let bot = builtins().await;
    assert!(bot.install("T1").await.is_err());
    let out = bot.slack_mention("echo hi").await;
    assert_eq!(
        out.messages()[0].token.as_deref(),
        Some(ackbot::testing::SLACK_BOT_TOKEN)
    );
}

/// Tokens kept elsewhere: every workspace's token is made up from its id.
struct ElsewhereTokens;

impl ackbot::slack::oauth::Authorize for ElsewhereTokens {
    fn authorize<'a>(
        &'a self,
        workspace: &'a ackbot::slack::oauth::Workspace,
    ) -> futures::future::BoxFuture<
        'a,
        Result<Option<ackbot::slack::oauth::Authorized>, ackbot::BoxError>,
    > {
        Box::pin(async move {
            let Some(team) = workspace.team_id.clone() else {
                return Ok(None);
            };
            Ok(Some(ackbot::slack::oauth::Authorized {
                installation: ackbot::slack::oauth::Installation {
                    team_id: Some(team.clone()),
                    bot_user_id: "UELSEWHERE".into(),
                    ..Default::default()
                },
                bot_token: format!("xoxb-elsewhere-{team}").into(),
            }))
        })
    }
}

#[tokio::test]
async fn a_bot_that_keeps_its_tokens_elsewhere_brings_its_own_authorize() {
    let bot = Bot::new()
        .mount(ackbot::handlers::builtins())
        .command(cmd("whoami", whoami))
        .state(ackbot::slack::oauth::AuthorizeWith(std::sync::Arc::new(
            ElsewhereTokens,
        )));
    let bot = TestBot::in_workspaces(bot).await.unwrap();
    let out = bot.slack_mention("echo hi").from_team("T5").await;
    assert_eq!(
        out.messages()[0].token.as_deref(),
        Some("xoxb-elsewhere-T5")
    );
    let who = bot.slack_command("/whoami").from_team("T5").await;
    assert_eq!(who.texts(), ["T5 UELSEWHERE"]);
}

/// Streams its text word by word (80 words of `lorem`), failing halfway when asked to.
async fn tell(Text(text): Text, stream: Stream) -> Result<(), HandlerError> {
    let fail = text.trim() == "fail";
    for n in 0..80 {
        if fail && n == 40 {
            return Err(HandlerError::msg("the model went away"));
        }
        stream.write(format!("lorem{n} ")).await?;
    }
    Ok(())
}

fn story() -> String {
    (0..80).map(|n| format!("lorem{n} ")).collect()
}

#[tokio::test]
async fn a_stream_grows_in_a_mentions_thread_and_in_a_dm_on_slack() {
    let bot = TestBot::new(Bot::new().command(cmd("tell", tell)))
        .await
        .unwrap();
    let out = bot.slack_mention("tell").await;
    let methods: Vec<&str> = out.calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(methods.first(), Some(&"chat.startStream"), "{methods:?}");
    assert_eq!(methods.last(), Some(&"chat.stopStream"), "{methods:?}");
    let appends = methods
        .iter()
        .filter(|m| **m == "chat.appendStream")
        .count();
    // 630 characters: the first words at once, then what gathered while Slack took the last
    // piece, once it is 256 characters (or at the end): never more than a call per 256.
    assert_eq!(story().len(), 630);
    assert!(appends <= 2, "{methods:?}");
    let first = out.calls[0].body["markdown_text"].as_str().unwrap();
    assert!(first.starts_with("lorem0 "), "{first}");
    let start = out.call("chat.startStream").unwrap();
    assert_eq!(start.body["channel"], payload::CHANNEL);
    assert!(start.body["thread_ts"].is_string(), "{}", start.body);
    assert_eq!(
        start.body["recipient_user_id"], "U061F7AUR",
        "in a channel: its user"
    );
    assert_eq!(out.texts(), [story()]);
    assert_eq!(out.outcome(), "processed");

    let dm = bot
        .slack_event(
            json!({"type": "message", "channel_type": "im", "channel": "D0001",
            "user": "U1", "text": "tell", "ts": "1700000000.000100"}),
        )
        .await;
    let start = dm.call("chat.startStream").expect("streamed in the DM");
    assert_eq!(start.body["thread_ts"], "1700000000.000100");
    assert!(
        start.body.get("recipient_user_id").is_none(),
        "a DM needs no recipient"
    );
    assert_eq!(dm.texts(), [story()]);
}

#[tokio::test]
async fn a_failing_stream_still_ends_with_a_note_and_a_slash_command_gathers_it() {
    let bot = TestBot::new(Bot::new().command(cmd("tell", tell)))
        .await
        .unwrap();
    let out = bot.slack_mention("tell fail").await;
    let stop = out.call("chat.stopStream").expect("the end is always sent");
    assert!(
        stop.body["markdown_text"]
            .as_str()
            .unwrap()
            .contains("stopped"),
        "{}",
        stop.body
    );
    assert_eq!(out.outcome(), "processed");
    // A slash command has no thread: the whole text, once, at its response_url.
    let command = bot.slack_command("/tell").await;
    assert!(command.call("chat.startStream").is_none());
    assert_eq!(command.texts(), [story()]);
}

#[tokio::test]
async fn on_line_a_stream_is_gathered_into_the_reply() {
    let bot = TestBot::new(Bot::new().command(cmd("tell", tell)))
        .await
        .unwrap();
    let out = bot.line_text("tell").await;
    assert_eq!(out.texts(), [story()]);
    assert!(
        out.call("/v2/bot/message/reply").is_some(),
        "{:?}",
        out.calls
    );
    let failed = bot.line_text("tell fail").await;
    assert!(
        failed.texts()[0].ends_with("(stopped: something went wrong)"),
        "{:?}",
        failed.texts()
    );
}

#[tokio::test]
async fn line_read_receipts_mark_the_message_read_when_its_handler_starts() {
    let bot = Bot::new().mount(ackbot::handlers::builtins());
    let on = TestBot::with_env(bot, &[("ACKBOT_LINE_MARK_AS_READ", "on")])
        .await
        .unwrap();
    let out = on.line_text("echo hi").await;
    let methods: Vec<&str> = out.calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        ["/v2/bot/chat/markAsRead", "/v2/bot/message/reply"]
    );
    let token = &out.calls[0].body["markAsReadToken"];
    assert!(
        token.as_str().is_some_and(|t| t.starts_with("30yhdy232Rm")),
        "{token}"
    );
    let off = TestBot::new(Bot::new().mount(ackbot::handlers::builtins()))
        .await
        .unwrap();
    let out = off.line_text("echo hi").await;
    assert!(
        out.call("/v2/bot/chat/markAsRead").is_none(),
        "off by default"
    );
}

/// How many times the slow part of [`file_ticket`] ran.
static FILED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Validates the modal at once (and slowly when the title says `slow`); files the ticket later.
async fn file_ticket(
    view: ackbot::slack::ViewSubmission,
    later: ackbot::Later,
) -> ackbot::slack::ViewResponse {
    let title = view.value("title", "text").unwrap_or_default().to_string();
    if title.len() < 3 {
        return ackbot::slack::ViewResponse::error("title", "Say a little more");
    }
    if title.contains("slow") {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    later.run(async move {
        FILED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        vec![Reply::text(format!("Filed: {title}"))]
    });
    ackbot::slack::ViewResponse::close()
}

#[tokio::test]
async fn a_modal_is_answered_at_once_and_its_slow_part_runs_once_even_past_the_deadline() {
    let bot = Bot::new().view("ticket", file_ticket);
    let bot = TestBot::with_env(bot, &[("ACKBOT_ACK_DEADLINE_MS", "100")])
        .await
        .unwrap();
    let short = bot
        .slack_interaction(payload::view_submission(
            "ticket",
            &[("title", "text", "no")],
            "",
        ))
        .await;
    assert_eq!(
        short.ack.unwrap().json().unwrap()["response_action"],
        "errors"
    );
    assert_eq!(
        FILED.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "refused: nothing filed"
    );

    let good = bot
        .slack_interaction(payload::view_submission(
            "ticket",
            &[("title", "text", "Printer")],
            "",
        ))
        .await;
    let ack = good.ack.as_ref().unwrap();
    assert_eq!((ack.status, ack.body.as_str()), (200, ""), "closed at once");
    assert_eq!(
        FILED.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "filed once, by the worker"
    );
    assert_eq!(good.texts(), ["Filed: Printer"]);

    // Validation slower than the deadline: the plain ack, and the worker still files it once.
    let slow = bot
        .slack_interaction(payload::view_submission(
            "ticket",
            &[("title", "text", "slow one")],
            "",
        ))
        .await;
    assert_eq!(slow.ack.as_ref().unwrap().body, "");
    assert_eq!(
        FILED.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "once more, not twice"
    );
    assert_eq!(slow.texts(), ["Filed: slow one"]);
}

#[tokio::test]
async fn a_burst_to_one_channel_is_paced_about_a_message_a_second() {
    async fn three() -> Vec<Reply> {
        ["one", "two", "three"]
            .map(|t| Reply::text(t).in_channel())
            .to_vec()
    }
    let bot = TestBot::new(Bot::new().command(cmd("three", three)))
        .await
        .unwrap();
    let out = bot.slack_mention("three").await;
    let posts: Vec<i64> = (out.calls.iter())
        .filter(|c| c.method == "chat.postMessage")
        .map(|c| c.at_ms())
        .collect();
    assert_eq!(posts.len(), 3, "{:?}", out.calls);
    for pair in posts.windows(2) {
        assert!(pair[1] - pair[0] >= 950, "{posts:?}");
    }
}

/// The README's kit example for a modal's acknowledgement, run.
#[tokio::test]
async fn the_readmes_modal_ack_example_holds() {
    use ackbot::slack::{ViewResponse, ViewSubmission};
    use ackbot::testing::payload;
    async fn check(view: ViewSubmission) -> ViewResponse {
        match view.value("title", "text") {
            Some(t) if t.len() >= 3 => ViewResponse::close(),
            _ => ViewResponse::error("title", "Say a little more"),
        }
    }
    let bot = TestBot::new(Bot::new().view("ticket", check))
        .await
        .unwrap();
    let short = payload::view_submission("ticket", &[("title", "text", "hi")], payload::CHANNEL);
    let sent = bot.slack_interaction(short).await;
    let ack = sent.ack.clone().unwrap().json().unwrap();
    assert_eq!(ack["errors"]["title"], "Say a little more");
    assert_eq!(payload::SLACK_USER_ID, "U2147483697");
}
