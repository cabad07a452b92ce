//! What the interactions endpoint answers within Discord's 3 s (an interaction response): a
//! PONG, a deferral, choices for an autocomplete, a modal; and how a handler's answer becomes one.

use ackbot_core::{Answer, HandlerError, IntoOutput, Output};
use serde_json::{Value, json};

/// `EPHEMERAL`: only the user who asked sees the message.
pub const EPHEMERAL: u64 = 1 << 6;
/// Discord shows at most 25 autocomplete choices.
pub const MAX_CHOICES: usize = 25;

/// Response type 1: the answer to a PING.
pub(crate) fn pong() -> Answer {
    Answer::json(json!({"type": 1}))
}

/// Response type 5: "thinking…", for everyone or, `ephemeral`, for the user who asked; the
/// worker edits it into the first reply.
pub(crate) fn deferred(ephemeral: bool) -> Answer {
    match ephemeral {
        true => Answer::json(json!({"type": 5, "data": {"flags": EPHEMERAL}})),
        false => Answer::json(json!({"type": 5})),
    }
}

/// Response type 6: acknowledged with nothing shown (a click, a modal's submission); replies
/// follow as follow-up messages.
pub(crate) fn deferred_update() -> Answer {
    Answer::json(json!({"type": 6}))
}

/// Response type 4: a message only the user who asked sees.
pub(crate) fn ephemeral_message(content: &str) -> Answer {
    Answer::json(
        json!({"type": 4, "data": {"content": content, "flags": EPHEMERAL,
        "allowed_mentions": {"parse": []}}}),
    )
}

/// Response type 8: the autocomplete's choices, read from an [`Options`](ackbot_core::Options)
/// answer (`{"options": [{"text": …, "value": …}]}`); names and values at most 100 characters.
pub(crate) fn autocomplete(answer: Option<&Value>) -> Answer {
    let options = (answer
        .and_then(|a| a.get("options"))
        .and_then(Value::as_array))
    .map(Vec::as_slice)
    .unwrap_or_default();
    let choices: Vec<Value> = (options.iter())
        .filter_map(|option| {
            let text = option.get("text")?;
            let name = text.get("text").unwrap_or(text).as_str()?;
            let value = option.get("value").and_then(Value::as_str).unwrap_or(name);
            Some(json!({"name": cut(name, 100), "value": cut(value, 100)}))
        })
        .take(MAX_CHOICES)
        .collect();
    Answer::json(json!({"type": 8, "data": {"choices": choices}}))
}

/// What a modal's errors (Slack's `response_action: errors`, as `ViewResponse::error` writes
/// them) say, one line each: Discord cannot show them under the fields, so they come as a
/// message to the user.
pub(crate) fn errors(answer: &Value) -> Option<String> {
    if answer.get("response_action").and_then(Value::as_str) != Some("errors") {
        return None;
    }
    let errors = answer.get("errors")?.as_object()?;
    let lines: Vec<&str> = errors.values().filter_map(Value::as_str).collect();
    Some(lines.join("\n")).filter(|l| !l.is_empty())
}

/// Whether `answer` is already an interaction response (it has a numeric `type`).
pub(crate) fn is_interaction_response(answer: &Value) -> bool {
    answer.get("type").is_some_and(Value::is_u64)
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A modal: the answer (response type 9) of a command declared
/// [`answers_in_ack`](ackbot_core::CommandDef::answers_in_ack) or of a click; its submission
/// reaches `.view(custom_id, …)`, its fields read with [`Interaction::field`](crate::Interaction::field).
#[derive(Clone, Debug, PartialEq)]
pub struct Modal {
    custom_id: String,
    title: String,
    fields: Vec<TextInput>,
}

/// A text input of a [`Modal`].
#[derive(Clone, Debug, PartialEq)]
pub struct TextInput {
    custom_id: String,
    label: String,
    paragraph: bool,
    min_length: Option<u16>,
    max_length: Option<u16>,
    required: bool,
    value: Option<String>,
    placeholder: Option<String>,
}

impl TextInput {
    /// A one-line input `custom_id` labelled `label` (at most 45 characters), required.
    pub fn short(custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            custom_id: custom_id.into(),
            label: label.into(),
            paragraph: false,
            min_length: None,
            max_length: None,
            required: true,
            value: None,
            placeholder: None,
        }
    }

    /// A multi-line input.
    pub fn paragraph(custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            paragraph: true,
            ..Self::short(custom_id, label)
        }
    }

    /// The fewest characters Discord accepts (it says so to the user itself).
    pub fn min_length(mut self, min: u16) -> Self {
        self.min_length = Some(min);
        self
    }

    /// The most characters Discord accepts (up to 4000).
    pub fn max_length(mut self, max: u16) -> Self {
        self.max_length = Some(max);
        self
    }

    /// May be left empty.
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// The text it starts with (empty: none).
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into()).filter(|v| !v.is_empty());
        self
    }

    /// The grey text shown while it is empty.
    pub fn placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = Some(placeholder.into());
        self
    }

    fn to_json(&self) -> Value {
        let mut input = json!({"type": 4, "custom_id": self.custom_id, "label": self.label,
            "style": if self.paragraph { 2 } else { 1 }, "required": self.required});
        let fields = [
            ("min_length", self.min_length.map(Value::from)),
            ("max_length", self.max_length.map(Value::from)),
            ("value", self.value.clone().map(Value::from)),
            ("placeholder", self.placeholder.clone().map(Value::from)),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                input[name] = value;
            }
        }
        json!({"type": 1, "components": [input]})
    }
}

impl Modal {
    /// A modal `custom_id` titled `title` (at most 45 characters), with no fields yet.
    pub fn new(custom_id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            custom_id: custom_id.into(),
            title: title.into(),
            fields: Vec::new(),
        }
    }

    /// Adds a field (at most 5).
    pub fn field(mut self, input: TextInput) -> Self {
        self.fields.push(input);
        self
    }

    /// The interaction response that opens it.
    pub fn to_answer(&self) -> Answer {
        let components: Vec<Value> = self.fields.iter().map(TextInput::to_json).collect();
        Answer::json(json!({"type": 9, "data": {"custom_id": self.custom_id,
            "title": cut(&self.title, 45), "components": components}}))
    }
}

impl IntoOutput for Modal {
    fn into_output(self) -> Result<Output, HandlerError> {
        self.to_answer().into_output()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_modal_is_response_type_nine_with_one_row_per_field() {
        let modal = Modal::new("feedback", "Feedback").field(
            TextInput::paragraph("text", "Your feedback")
                .min_length(3)
                .value("hi"),
        );
        assert_eq!(
            modal.to_answer().body.unwrap(),
            json!({"type": 9, "data": {"custom_id": "feedback", "title": "Feedback",
                "components": [{"type": 1, "components": [{"type": 4, "custom_id": "text",
                "label": "Your feedback", "style": 2, "required": true, "min_length": 3,
                "value": "hi"}]}]}})
        );
    }

    #[test]
    fn options_become_at_most_twenty_five_choices() {
        let many = (0..40).fold(ackbot_core::Options::new(), |o, i| {
            o.option(format!("city {i}"), i.to_string())
        });
        let body = autocomplete(many.to_answer().body.as_ref()).body.unwrap();
        let choices = body["data"]["choices"].as_array().unwrap();
        assert_eq!(choices.len(), MAX_CHOICES);
        assert_eq!(choices[0], json!({"name": "city 0", "value": "0"}));
        assert_eq!(body["type"], 8);
    }

    #[test]
    fn a_modals_errors_become_lines_of_a_message() {
        let answer = json!({"response_action": "errors", "errors": {"a": "Too short"}});
        assert_eq!(errors(&answer).as_deref(), Some("Too short"));
        assert_eq!(errors(&json!({"response_action": "clear"})), None);
    }
}
