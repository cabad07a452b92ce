//! The public payload models against Slack's own examples, and their tolerance of odd shapes.

use ackbot_slack::ParseError;
use ackbot_slack::payload::{
    ChannelRef, EventChannel, EventUser, EventsRequest, InteractionPayload, SlashCommand,
    UrlVerification, UserRef,
};
use serde_json::{Value, json};

const SLASH_COMMAND: &str = include_str!("../data/slash_command.txt");
const APP_MENTION: &str = include_str!("../data/app_mention.json");
const URL_VERIFICATION: &str = include_str!("../data/url_verification.json");
const BLOCK_ACTIONS: &str = include_str!("../data/block_actions.json");

fn events(body: &Value) -> Result<EventsRequest, ParseError> {
    EventsRequest::from_value(body)
}

fn interaction(body: Value) -> InteractionPayload {
    serde_json::from_value(body).unwrap()
}

#[test]
fn slash_command_fixture_reads_every_field() {
    let fields = SlashCommand::form_fields(SLASH_COMMAND.as_bytes());
    assert_eq!(fields.len(), 11);
    let form = SlashCommand::from_fields(&fields);
    assert_eq!(form.team_id.as_deref(), Some("T1DC2JH3J"));
    assert_eq!(form.team_domain.as_deref(), Some("testteamnow"));
    assert_eq!(form.channel_id.as_deref(), Some("G8PSS9T3V"));
    assert_eq!(form.channel_name.as_deref(), Some("foobar"));
    assert_eq!(form.user_id.as_deref(), Some("U2CERLKJA"));
    assert_eq!(form.user_name.as_deref(), Some("roadrunner"));
    assert_eq!(form.command.as_deref(), Some("/webhook-collect"));
    assert_eq!(form.text.as_deref(), Some(""));
    let response_url = form.response_url.as_deref().unwrap();
    assert!(response_url.starts_with("https://hooks.slack.com/commands/"));
    assert!(form.trigger_id.is_some() && form.token.is_some());
    assert!(!form.is_ssl_check());
    assert_eq!((form.enterprise_id, form.api_app_id), (None, None));
}

#[test]
fn repeated_form_fields_keep_the_first_value() {
    let fields = SlashCommand::form_fields(b"command=%2Fa&command=%2Fb&ssl_check=1");
    let form = SlashCommand::from_fields(&fields);
    assert_eq!(form.command.as_deref(), Some("/a"));
    assert!(form.is_ssl_check());
}

#[test]
fn url_verification_carries_its_challenge() {
    let body: Value = serde_json::from_str(URL_VERIFICATION).unwrap();
    let EventsRequest::UrlVerification(UrlVerification { challenge, .. }) = events(&body).unwrap()
    else {
        panic!("expected url_verification")
    };
    assert_eq!(
        challenge.as_deref(),
        Some("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    );
}

#[test]
fn app_mention_fixture_is_typed() {
    let body: Value = serde_json::from_str(APP_MENTION).unwrap();
    let EventsRequest::EventCallback(callback) = events(&body).unwrap() else {
        panic!("expected event_callback")
    };
    assert_eq!(callback.event_id.as_deref(), Some("Ev0LAN670R"));
    assert_eq!(callback.team_id.as_deref(), Some("T061EG9R6"));
    assert_eq!(callback.event_time, Some(1_515_449_522_000_016));
    assert_eq!(callback.is_ext_shared_channel, Some(false));
    let event = callback.event.unwrap();
    assert_eq!(event.event_type.as_deref(), Some("app_mention"));
    assert_eq!(event.user_id(), Some("U061F7AUR"));
    assert_eq!(event.channel_id(), Some("C0LAN2Q65"));
    assert_eq!(event.ts.as_deref(), Some("1515449522.000016"));
    assert_eq!(event.thread_ts, None);
    assert!(!event.is_from_bot());
}

#[test]
fn users_and_channels_are_ids_or_objects() {
    let body = json!({"type": "event_callback", "event": {
        "type": "channel_created", "user": {"id": "U3", "name": "ann"},
        "channel": {"id": "C9", "name": "new", "creator": "U2"}
    }});
    let EventsRequest::EventCallback(callback) = events(&body).unwrap() else {
        panic!("expected event_callback")
    };
    let event = callback.event.unwrap();
    assert_eq!(
        event.user,
        Some(EventUser::Object(UserRef {
            id: Some("U3".into()),
            name: Some("ann".into())
        }))
    );
    assert_eq!(
        event.channel,
        Some(EventChannel::Object(ChannelRef {
            id: Some("C9".into()),
            name: Some("new".into())
        }))
    );
    // A reaction's channel is its item's.
    let body = json!({"type": "event_callback", "event": {
        "type": "reaction_added", "item": {"type": "message", "channel": "C5", "ts": "1.1"}
    }});
    let EventsRequest::EventCallback(callback) = events(&body).unwrap() else {
        panic!("expected event_callback")
    };
    assert_eq!(callback.event.unwrap().channel_id(), Some("C5"));
}

#[test]
fn fields_of_unexpected_types_read_as_absent() {
    let body = json!({"type": "event_callback", "event_id": 7, "event_time": "soon",
        "event": {"type": "app_mention", "text": 5, "user": [], "channel": [ "C1" ],
                  "item": ["C2"], "thread_ts": {}}});
    let EventsRequest::EventCallback(callback) = events(&body).unwrap() else {
        panic!("expected event_callback")
    };
    assert_eq!((callback.event_id, callback.event_time), (None, None));
    let event = callback.event.unwrap();
    assert_eq!((event.text, event.user, event.channel), (None, None, None));
    assert_eq!((event.item, event.thread_ts), (None, None));
    // An event that is not an object is no event.
    let body = json!({"type": "event_callback", "event": [1]});
    let EventsRequest::EventCallback(callback) = events(&body).unwrap() else {
        panic!("expected event_callback")
    };
    assert_eq!(callback.event, None);
}

#[test]
fn any_bot_id_but_null_marks_a_bot() {
    for (bot_id, from_bot) in [
        (json!("B1"), true),
        (json!(7), true),
        (json!({}), true),
        (json!(null), false),
    ] {
        let body =
            json!({"type": "event_callback", "event": {"type": "message", "bot_id": bot_id}});
        let EventsRequest::EventCallback(callback) = events(&body).unwrap() else {
            panic!("expected event_callback")
        };
        assert_eq!(callback.event.unwrap().is_from_bot(), from_bot, "{bot_id}");
    }
}

#[test]
fn events_requests_need_an_object_with_a_type() {
    assert_eq!(events(&json!([1])), Err(ParseError::NotAnObject));
    assert_eq!(
        events(&json!({"type": 1})),
        Err(ParseError::MissingField("type"))
    );
    assert_eq!(
        events(&json!({"type": "app_rate_limited", "minute_rate_limited": 1})),
        Ok(EventsRequest::Other("app_rate_limited".into()))
    );
}

#[test]
fn block_actions_fixture_is_typed() {
    let payload: InteractionPayload = serde_json::from_str(BLOCK_ACTIONS).unwrap();
    assert_eq!(payload.payload_type.as_deref(), Some("block_actions"));
    let user = payload.user.as_ref().unwrap();
    assert_eq!(user.id.as_deref(), Some("U0CA5"));
    assert_eq!(user.username.as_deref(), Some("amy.mcdee"));
    assert_eq!(
        payload.team.as_ref().unwrap().domain.as_deref(),
        Some("acme-creamery")
    );
    assert_eq!(payload.channel_id(), Some("C0CA5"));
    let container = payload.container.as_ref().unwrap();
    assert_eq!(container.message_ts.as_deref(), Some("1548261231.000200"));
    assert_eq!(container.is_ephemeral, Some(false));
    assert_eq!(payload.actions.len(), 1);
    assert_eq!(payload.actions[0].action_id.as_deref(), Some("approve"));
    assert_eq!(payload.actions[0].value.as_deref(), Some("order-42"));
    assert_eq!(
        payload.response_url(),
        Some("https://hooks.slack.com/actions/T0CAG/12345678901/a7dL8sQ2xG5nQeGw1bX1pC3e")
    );
}

#[test]
fn interactions_find_their_channel_and_response_url() {
    let payload = interaction(json!({"type": "view_submission", "response_urls": [
        "junk", {"channel_id": "C1", "response_url": "https://hooks.slack.com/app/x"}]}));
    assert_eq!(
        payload.response_url(),
        Some("https://hooks.slack.com/app/x")
    );
    let payload = interaction(json!({"type": "block_actions",
        "container": {"type": "message", "channel_id": "D42"}}));
    assert_eq!(payload.channel_id(), Some("D42"));
    let odd = interaction(json!({"type": 3, "user": "U1", "channel": 5, "actions": {}}));
    assert_eq!(
        (odd.payload_type, odd.user, odd.channel),
        (None, None, None)
    );
    assert!(odd.actions.is_empty());
}
