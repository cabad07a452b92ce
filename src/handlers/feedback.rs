//! `feedback`: the whole interactive loop in one place. On Slack, `/feedback` opens a modal
//! (`views.open` with the command's `trigger_id`, the channel in `private_metadata`); a
//! submission with fewer than three non-space characters is answered in the acknowledgement with
//! an error under the input, any other closes the modal and posts the thanks to that channel. On
//! LINE, `feedback TEXT` answers the same thanks at once. On Discord, `/feedback` answers with a
//! modal in its acknowledgement (the command is declared `answers_in_ack`, so its handler runs at
//! the front door there), Discord itself enforcing the length; the submission is thanked in the
//! channel with a follow-up.

use ackbot::discord::{DISCORD, Interaction, Modal as DiscordModal, TextInput};
use ackbot::slack::SLACK;
use ackbot::slack::blocks::{Block, Modal, PlainTextInput, View};
use ackbot::slack::{Slack, TriggerId, ViewResponse, ViewSubmission};
use ackbot::{Answer, Bot, HandlerError, Incoming, Reply, State, Text, User, cmd};

/// The modal's `callback_id`.
pub const CALLBACK_ID: &str = "feedback";
/// The input block's `block_id`.
pub const BLOCK_ID: &str = "feedback";
/// The input's `action_id`.
pub const ACTION_ID: &str = "text";
/// The fewest non-space characters a feedback may have.
pub const MIN_CHARS: usize = 3;

/// Every text `feedback` shows, to replace with [`feedback_with`].
#[derive(Clone, Debug)]
pub struct FeedbackTexts {
    /// What `help` says of the command.
    pub about: String,
    /// The modal's title (Slack allows 24 characters, Discord 45).
    pub title: String,
    /// The input's label.
    pub label: String,
    /// The submit button.
    pub submit: String,
    /// The error under the input, or the LINE reply, when the feedback is too short.
    pub too_short: String,
    /// The thanks; `{user}` becomes the user's mention and `{text}` the feedback.
    pub thanks: String,
}

impl Default for FeedbackTexts {
    fn default() -> Self {
        Self {
            about: "Send feedback (Slack and Discord open a form)".into(),
            title: "Feedback".into(),
            label: "Your feedback".into(),
            submit: "Send".into(),
            too_short: format!("Please write at least {MIN_CHARS} characters."),
            thanks: "Thanks {user}: {text}".into(),
        }
    }
}

/// The `feedback` command and its modal, in English.
pub fn feedback() -> Bot {
    feedback_with(FeedbackTexts::default())
}

/// The `feedback` command and its modal, with your own words.
pub fn feedback_with(texts: FeedbackTexts) -> Bot {
    let about = texts.about.clone();
    Bot::new()
        .state(texts)
        .command(
            cmd("feedback", command)
                .about(about)
                .usage("[TEXT]")
                // Discord opens a modal only in the acknowledgement.
                .answers_in_ack(),
        )
        .view(CALLBACK_ID, submitted)
}

async fn command(
    State(texts): State<FeedbackTexts>,
    incoming: Incoming,
    Text(text): Text,
    slack: Option<Slack>,
    trigger: Option<TriggerId>,
) -> Result<(Option<Answer>, Option<Reply>), HandlerError> {
    let text = text.trim();
    match (incoming.platform, slack, trigger) {
        (SLACK, Some(slack), Some(TriggerId(trigger_id))) => {
            let view = modal(&texts, &incoming.conversation.id, text);
            slack.views_open(&trigger_id, &view).await?;
            Ok((None, None))
        }
        (DISCORD, _, _) => Ok((Some(discord_modal(&texts, text)), None)),
        _ if !long_enough(text) => Ok((None, Some(Reply::text(&texts.too_short)))),
        _ => Ok((
            None,
            Some(Reply::text(thanks(&texts, &incoming.user, text))),
        )),
    }
}

/// Discord's modal: one paragraph, at least [`MIN_CHARS`] long (Discord says so itself).
fn discord_modal(texts: &FeedbackTexts, initial: &str) -> Answer {
    let input = TextInput::paragraph(ACTION_ID, &texts.label)
        .min_length(MIN_CHARS as u16)
        .value(initial);
    DiscordModal::new(CALLBACK_ID, &texts.title)
        .field(input)
        .to_answer()
}

/// The modal: one multiline input; `private_metadata` carries the channel to thank in.
fn modal(texts: &FeedbackTexts, channel: &str, initial: &str) -> View {
    let mut input = PlainTextInput::new(ACTION_ID).multiline();
    input.initial_value = Some(initial.to_string()).filter(|t| !t.is_empty());
    let field = Block::input(BLOCK_ID, &texts.label, input);
    Modal::new(CALLBACK_ID, &texts.title, [field])
        .submit(&texts.submit)
        .private_metadata(channel)
        .into()
}

async fn submitted(
    State(texts): State<FeedbackTexts>,
    view: Option<ViewSubmission>,
    discord: Option<Interaction>,
    user: User,
) -> (ViewResponse, Option<Reply>) {
    let (text, channel) = match (&view, &discord) {
        (Some(view), _) if view.closed => return (ViewResponse::close(), None),
        (Some(view), _) => {
            // Opened outside a channel (or by someone else's code): thank the user directly.
            let channel = match view.private_metadata.as_str() {
                "" => user.id.clone(),
                channel => channel.to_string(),
            };
            (view.value(BLOCK_ID, ACTION_ID), Some(channel))
        }
        // Discord: thanked in the channel it came from, as a follow-up.
        (None, Some(interaction)) => (interaction.field(ACTION_ID), None),
        (None, None) => (None, None),
    };
    let text = text.unwrap_or_default().trim();
    if !long_enough(text) {
        return (ViewResponse::error(BLOCK_ID, &texts.too_short), None);
    }
    let reply = Reply::text(thanks(&texts, &user, text)).in_channel();
    let reply = match channel {
        Some(channel) => reply.to_conversation(channel),
        None => reply,
    };
    (ViewResponse::close(), Some(reply))
}

fn long_enough(text: &str) -> bool {
    text.chars().filter(|c| !c.is_whitespace()).count() >= MIN_CHARS
}

fn thanks(texts: &FeedbackTexts, user: &User, text: &str) -> String {
    texts
        .thanks
        .replace("{user}", &user.mention())
        .replace("{text}", text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot::line::LINE;
    use ackbot::{InteractionKind, Payload};
    use serde_json::json;

    fn submission(text: &str, channel: &str) -> Incoming {
        let raw = json!({
            "type": "view_submission", "user": {"id": "U1"},
            "view": {"callback_id": CALLBACK_ID, "private_metadata": channel,
                "state": {"values": {BLOCK_ID: {ACTION_ID: {"type": "plain_text_input", "value": text}}}}}
        });
        Incoming::interaction(SLACK, InteractionKind::View, CALLBACK_ID, "view_submission")
            .with_user(User::new(SLACK, "U1"))
            .with_payload(Payload::from_value(&raw))
    }

    #[tokio::test]
    async fn a_short_submission_keeps_the_modal_open_with_an_error() {
        let bot = feedback().build().unwrap();
        let done = bot.dispatch(submission("  a b ", "C1")).await;
        assert!(done.replies.is_empty());
        assert_eq!(
            done.answer.unwrap().body.unwrap(),
            json!({"response_action": "errors", "errors": {"feedback": "Please write at least 3 characters."}})
        );
    }

    #[tokio::test]
    async fn a_real_submission_closes_the_modal_and_thanks_in_the_channel() {
        let bot = feedback().build().unwrap();
        let done = bot.dispatch(submission(" Great bot 👍 ", "C1")).await;
        assert_eq!(done.answer.unwrap().body, None, "an empty ack closes it");
        assert_eq!(done.replies[0].text, "Thanks <@U1>: Great bot 👍");
        assert_eq!(done.replies[0].conversation.as_deref(), Some("C1"));
        let done = bot.dispatch(submission("Great", "")).await;
        assert_eq!(done.replies[0].conversation.as_deref(), Some("U1"));
    }

    #[tokio::test]
    async fn on_line_the_text_is_thanked_at_once() {
        let bot = feedback_with(FeedbackTexts {
            thanks: "ありがとう {user}: {text}".into(),
            ..FeedbackTexts::default()
        })
        .build()
        .unwrap();
        let user = User::new(LINE, "U9").with_name("Ann");
        let done = bot
            .dispatch(Incoming::typed(LINE, "feedback よい").with_user(user.clone()))
            .await;
        assert_eq!(done.replies[0].text, "Please write at least 3 characters.");
        let done = bot
            .dispatch(Incoming::typed(LINE, "feedback とてもよい").with_user(user))
            .await;
        assert_eq!(done.replies[0].text, "ありがとう Ann: とてもよい");
    }

    #[cfg(feature = "testing")]
    #[tokio::test]
    async fn on_discord_the_command_answers_with_a_modal_and_the_submission_is_thanked() {
        use ackbot::discord::sample;
        let bot = ackbot::testing::TestBot::new(feedback()).await.unwrap();
        let command = bot.discord_command("/feedback so good").await;
        let modal = command.ack.as_ref().unwrap().json().unwrap();
        assert_eq!(modal["type"], 9, "{modal}");
        assert_eq!(modal["data"]["custom_id"], CALLBACK_ID);
        let input = &modal["data"]["components"][0]["components"][0];
        let shape = (input["custom_id"].as_str(), input["min_length"].as_u64());
        assert_eq!(shape, (Some(ACTION_ID), Some(3)));
        assert_eq!(input["value"], "so good");
        assert!(command.calls.is_empty());
        let submitted = sample::modal_submit(CALLBACK_ID, &[(ACTION_ID, " Nice one ")]);
        let done = bot.discord_interaction(submitted).await;
        let thanks = format!("Thanks <@{}>: Nice one", sample::USER_ID);
        assert_eq!(done.texts(), [thanks]);
        let short = sample::modal_submit(CALLBACK_ID, &[(ACTION_ID, "a")]);
        let short = bot.discord_interaction(short).await;
        let told = short.ack.as_ref().unwrap().json().unwrap();
        assert_eq!(
            told["data"]["content"],
            "Please write at least 3 characters."
        );
        assert_eq!(told["data"]["flags"], 64);
    }

    #[test]
    fn the_modal_carries_the_channel_and_the_ids() {
        let view = modal(&FeedbackTexts::default(), "C42", "");
        assert_eq!(ackbot::slack::blocks::limits::check_view(&view), Ok(()));
        let view = serde_json::to_value(&view).unwrap();
        assert_eq!(view["callback_id"], CALLBACK_ID);
        assert_eq!(view["private_metadata"], "C42");
        assert_eq!(view["blocks"][0]["block_id"], BLOCK_ID);
        assert_eq!(view["blocks"][0]["element"]["action_id"], ACTION_ID);
        assert_eq!(view["blocks"][0]["element"]["multiline"], true);
    }
}
