//! LINE's documented limits on what one request sends, checked before it goes: a message past
//! one is an error naming it, instead of LINE's 400 after the call.

use super::Message;
use super::action::Action;
use super::flex::FlexContainer;

/// The most messages one reply or push carries.
pub const MAX_MESSAGES: usize = 5;
/// The most buttons a quick reply has.
pub const MAX_QUICK_REPLY_ITEMS: usize = 13;
/// The most bytes a bubble's JSON may be.
const MAX_BUBBLE_BYTES: usize = 30 * 1024;
/// The most bytes a carousel's JSON may be.
const MAX_CAROUSEL_BYTES: usize = 50 * 1024;

/// A limit a message (or the request) went past.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {what}")]
pub struct MessageError {
    /// Which message (`message 2 (flex)`), or the request.
    pub place: String,
    /// What is past the limit, and the limit.
    pub what: String,
}

/// Checks the messages of one request.
pub fn check(messages: &[Message]) -> Result<(), MessageError> {
    if messages.len() > MAX_MESSAGES {
        return Err(MessageError {
            place: "the request".into(),
            what: format!("{} messages, LINE allows {MAX_MESSAGES}", messages.len()),
        });
    }
    for (index, message) in messages.iter().enumerate() {
        let mut errors = Vec::new();
        check_message(message, &mut errors);
        if let Some(what) = errors.into_iter().next() {
            return Err(MessageError {
                place: format!("message {} ({})", index + 1, message.type_name()),
                what,
            });
        }
    }
    Ok(())
}

fn check_message(message: &Message, errors: &mut Vec<String>) {
    match message {
        Message::Text(m) => {
            // LINE counts UTF-16 code units.
            let n = crate::utf16_len(&m.text);
            if n > crate::MAX_TEXT_UTF16 {
                errors.push(format!(
                    "text is {n} UTF-16 units, LINE allows {}",
                    crate::MAX_TEXT_UTF16
                ));
            }
        }
        Message::Flex(m) => {
            chars(errors, "altText", &m.alt_text, 1500);
            if m.alt_text.trim().is_empty() {
                errors.push("altText is empty".into());
            }
            let bytes = serde_json::to_vec(&m.contents).map_or(0, |b| b.len());
            match &m.contents {
                FlexContainer::Bubble(_) if bytes > MAX_BUBBLE_BYTES => errors.push(format!(
                    "the bubble is {bytes} bytes of JSON, LINE allows {MAX_BUBBLE_BYTES}"
                )),
                FlexContainer::Carousel(c) => {
                    if c.contents.len() > 12 {
                        errors.push(format!("{} bubbles, LINE allows 12", c.contents.len()));
                    }
                    if bytes > MAX_CAROUSEL_BYTES {
                        errors.push(format!(
                            "the carousel is {bytes} bytes of JSON, LINE allows {MAX_CAROUSEL_BYTES}"
                        ));
                    }
                }
                _ => {}
            }
        }
        Message::Unknown(_) => {}
    }
    if let Some(quick_reply) = message.quick_reply_of() {
        let n = quick_reply.items.len();
        if n > MAX_QUICK_REPLY_ITEMS {
            errors.push(format!(
                "{n} quick reply buttons, LINE allows {MAX_QUICK_REPLY_ITEMS}"
            ));
        }
        for item in &quick_reply.items {
            check_action(&item.action, errors);
        }
    }
}

fn check_action(action: &Action, errors: &mut Vec<String>) {
    if let Some(label) = action.label() {
        chars(errors, "an action's label", label, 20);
    }
    match action {
        Action::Postback(a) => {
            chars(errors, "a postback's data", &a.data, 300);
            if let Some(text) = &a.display_text {
                chars(errors, "a postback's displayText", text, 300);
            }
        }
        Action::Message(a) => chars(errors, "a message action's text", &a.text, 300),
        Action::Uri(a) => chars(errors, "a uri", &a.uri, 1000),
        Action::DatetimePicker(a) => chars(errors, "a datetimepicker's data", &a.data, 300),
        Action::Unknown(_) => {}
    }
}

fn chars(errors: &mut Vec<String>, what: &str, value: &str, max: usize) {
    let n = value.chars().count();
    if n > max {
        errors.push(format!("{what} is {n} characters, LINE allows {max}"));
    }
}
