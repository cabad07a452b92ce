//! A [`Reply`] as Discord messages: its text as `content` (split at Discord's 2000 characters),
//! ephemeral unless in channel, its choices as buttons under the last piece, and mentions of
//! users only (never `@everyone`, `@here` or a role, whatever the text says).

use ackbot_core::{Reply, Visibility};
use serde_json::{Value, json};

use crate::ReplyError;
use crate::respond::EPHEMERAL;

/// The most characters of a message's `content`.
pub const MAX_CONTENT_CHARS: usize = 2000;
/// The most buttons in a message: 5 rows of 5.
pub const MAX_BUTTONS: usize = 25;
/// The most characters of a button's label.
pub const MAX_LABEL_CHARS: usize = 80;
/// The most characters of a component's `custom_id`.
pub const MAX_CUSTOM_ID_CHARS: usize = 100;

/// The messages of `reply`, in order: one unless its text is longer than Discord takes.
pub(crate) fn messages(reply: &Reply) -> Result<Vec<Value>, ReplyError> {
    let buttons = buttons(reply)?;
    let pieces = split(&reply.text, MAX_CONTENT_CHARS);
    let last = pieces.len() - 1;
    Ok((pieces.into_iter().enumerate())
        .map(|(i, content)| {
            let mut message = json!({"content": content, "allowed_mentions": {"parse": ["users"]}});
            if reply.visibility == Visibility::Ephemeral {
                message["flags"] = json!(EPHEMERAL);
            }
            if i == last && !buttons.is_empty() {
                message["components"] = json!(
                    buttons
                        .chunks(5)
                        .map(|row| json!({"type": 1, "components": row}))
                        .collect::<Vec<_>>()
                );
            }
            message
        })
        .collect())
}

/// The reply's choices as buttons, each `custom_id` the choice's `ID:OPTION`.
fn buttons(reply: &Reply) -> Result<Vec<Value>, ReplyError> {
    let Some(choices) = &reply.choices else {
        return Ok(Vec::new());
    };
    if choices.options.len() > MAX_BUTTONS {
        return Err(ReplyError::InvalidRequest(format!(
            "{} choices under `{}`: a Discord message holds at most {MAX_BUTTONS} buttons",
            choices.options.len(),
            choices.id
        )));
    }
    (choices.options.iter())
        .map(|option| {
            let custom_id = choices.wire_id(option);
            if custom_id.chars().count() > MAX_CUSTOM_ID_CHARS {
                return Err(ReplyError::InvalidRequest(format!(
                    "the choice `{option}` under `{}` is too long for a Discord button's \
                     custom_id ({MAX_CUSTOM_ID_CHARS} characters with its id)",
                    choices.id
                )));
            }
            let label: String = option.chars().take(MAX_LABEL_CHARS).collect();
            Ok(json!({"type": 2, "style": 2, "label": label, "custom_id": custom_id}))
        })
        .collect()
}

/// `text` in pieces of at most `max` characters, cut after a line where one ends in the second
/// half of a piece; at least one piece (an empty text is one empty piece).
pub(crate) fn split(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let end = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        let window = &rest[..end];
        let cut = match window.rfind('\n') {
            Some(newline) if window[..newline].chars().count() >= max / 2 => newline + 1,
            _ => end,
        };
        pieces.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    pieces.push(rest.to_string());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_ephemeral_unless_in_channel_and_mentions_only_users() {
        let message = &messages(&Reply::text("hi @everyone")).unwrap()[0];
        assert_eq!(message["flags"], EPHEMERAL);
        assert_eq!(message["allowed_mentions"], json!({"parse": ["users"]}));
        let public = &messages(&Reply::text("hi").in_channel()).unwrap()[0];
        assert!(public.get("flags").is_none());
    }

    #[test]
    fn choices_are_buttons_in_rows_of_five_under_the_last_piece() {
        let options: Vec<String> = (0..7).map(|i| format!("o{i}")).collect();
        let reply = Reply::text("x".repeat(2500)).choices("pick", options);
        let sent = messages(&reply).unwrap();
        assert_eq!(sent.len(), 2);
        assert!(sent[0].get("components").is_none());
        let rows = sent[1]["components"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["components"].as_array().unwrap().len(), 5);
        assert_eq!(rows[0]["components"][0]["custom_id"], "pick:o0");
        assert_eq!(rows[1]["components"][1]["label"], "o6");
    }

    #[test]
    fn too_many_or_too_long_choices_are_refused_before_a_call() {
        let many = Reply::text("x").choices("pick", (0..26).map(|i| i.to_string()));
        assert!(
            messages(&many)
                .unwrap_err()
                .to_string()
                .contains("at most 25")
        );
        let long = Reply::text("x").choices("pick", ["y".repeat(99)]);
        assert!(
            messages(&long)
                .unwrap_err()
                .to_string()
                .contains("too long")
        );
    }

    #[test]
    fn long_text_is_cut_after_a_line_when_one_ends_late_enough() {
        let text = format!("{}\n{}", "a".repeat(1500), "b".repeat(1000));
        let pieces = split(&text, 2000);
        assert_eq!(pieces.len(), 2);
        assert!(pieces[0].ends_with("a\n"));
        assert_eq!(pieces.concat(), text);
        let unbroken = "é".repeat(4001);
        let pieces = split(&unbroken, 2000);
        assert_eq!(
            pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            [2000, 2000, 1]
        );
        assert_eq!(split("", 2000), [""]);
    }
}
