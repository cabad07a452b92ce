//! The kit clicks: a button or quick reply the bot sent, pressed as the platform reports it.

use ackbot_discord::DISCORD;
use ackbot_line::LINE;
use ackbot_slack::SLACK;
use serde_json::{Value, json};

use super::{Delivered, Delivery, TestBot, payload};

impl TestBot {
    /// Presses the button (Slack, Discord) or quick reply (LINE) saying `label` in what `sent`
    /// sent — the last one, if several say it — and delivers the platform's own payload for it:
    /// a `block_actions` with its `action_id` and `value`, a `postback` with its `data` (a
    /// `message` quick reply sends its text), a component interaction with its `custom_id`. Panics, listing the labels there are, when none
    /// says `label`.
    ///
    /// ```no_run
    /// # async fn run(bot: ackbot::testing::TestBot) {
    /// let asked = bot.slack_command("/choose pizza sushi").await;
    /// let picked = bot.click(&asked, "sushi").await;
    /// assert!(picked.texts()[0].ends_with("chose sushi"));
    /// # }
    /// ```
    pub fn click(&self, sent: &Delivered, label: &str) -> Delivery<'_> {
        let mut labels = Vec::new();
        for call in sent.calls.iter().rev() {
            match call.platform {
                SLACK => {
                    let buttons = slack_buttons(&call.body);
                    if let Some(button) = buttons.iter().find(|b| label_of(b) == Some(label)) {
                        let action_id = button["action_id"].as_str().unwrap_or_default();
                        let value = button["value"].as_str().unwrap_or(label);
                        return self.slack_interaction(payload::block_action(action_id, value));
                    }
                    labels.extend(buttons.iter().filter_map(|b| label_of(b).map(String::from)));
                }
                LINE => {
                    let actions = line_quick_replies(&call.body);
                    let found = actions.iter().find(|a| {
                        a["label"].as_str() == Some(label)
                            || a["displayText"].as_str() == Some(label)
                    });
                    if let Some(action) = found {
                        return match action["type"].as_str() {
                            Some("message") => {
                                self.line_text(action["text"].as_str().unwrap_or(label))
                            }
                            _ => self.line_event(json!({"type": "postback",
                                "replyToken": format!("{:032x}", ackbot_core::testing::unique()),
                                "postback": {"data": action["data"]}})),
                        };
                    }
                    labels.extend(
                        actions
                            .iter()
                            .filter_map(|a| a["label"].as_str().map(String::from)),
                    );
                }
                DISCORD => {
                    let buttons = discord_buttons(&call.body);
                    let found = buttons.iter().find(|b| b["label"].as_str() == Some(label));
                    if let Some(custom_id) = found.and_then(|b| b["custom_id"].as_str()) {
                        let click = ackbot_discord::sample::button(custom_id);
                        return self.discord_interaction(click);
                    }
                    labels.extend(
                        buttons
                            .iter()
                            .filter_map(|b| b["label"].as_str().map(String::from)),
                    );
                }
                _ => {}
            }
        }
        panic!("nothing to click saying {label:?}; the buttons there are: {labels:?}")
    }
}

/// A button's words.
fn label_of(button: &Value) -> Option<&str> {
    button.pointer("/text/text").and_then(Value::as_str)
}

/// The buttons in a Slack message's `actions` blocks (and sections' accessories).
fn slack_buttons(body: &Value) -> Vec<Value> {
    let blocks = body["blocks"].as_array().cloned().unwrap_or_default();
    blocks
        .iter()
        .flat_map(|block| {
            let elements = block["elements"].as_array().cloned().unwrap_or_default();
            elements.into_iter().chain(block.get("accessory").cloned())
        })
        .filter(|element| element["type"] == "button")
        .collect()
}

/// The actions of the quick replies in a LINE reply or push.
fn line_quick_replies(body: &Value) -> Vec<Value> {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .flat_map(|m| {
            m.pointer("/quickReply/items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .map(|item| item["action"].clone())
        .collect()
}

/// The buttons in a Discord message's action rows.
fn discord_buttons(body: &Value) -> Vec<Value> {
    let rows = body["components"].as_array().cloned().unwrap_or_default();
    (rows.iter())
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter(|component| component["type"] == 2)
        .collect()
}
