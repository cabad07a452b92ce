//! The options a menu asks for as the user types (Slack's `block_suggestion`, Discord's
//! autocomplete), answered in the acknowledgement.

use serde_json::{Value, json};

use crate::{Answer, HandlerError, IntoOutput, Output};

/// The options of a menu, answering an [`.options(…)`](crate::Bot::options) request: Slack's
/// external select (`block_suggestion`, at most 100 shown) or Discord's autocomplete (at most 25).
/// The answer is in Slack's words (`{"options": [{"text": …, "value": …}]}`); other
/// platforms' adapters translate it in their acknowledgement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    options: Vec<(String, String)>,
}

/// How many options Slack shows; Discord's adapter keeps the first 25.
pub const MAX_OPTIONS: usize = 100;

impl Options {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an option showing `text` whose value is `value`.
    pub fn option(mut self, text: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.push((text.into(), value.into()));
        self
    }

    /// The acknowledgement's body.
    pub fn to_answer(&self) -> Answer {
        let options: Vec<Value> = self
            .options
            .iter()
            .take(MAX_OPTIONS)
            .map(|(text, value)| {
                json!({"text": {"type": "plain_text", "text": text}, "value": value})
            })
            .collect();
        Answer::json(json!({ "options": options }))
    }
}

impl IntoOutput for Options {
    fn into_output(self) -> Result<Output, HandlerError> {
        self.to_answer().into_output()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_plain_text_and_at_most_a_hundred() {
        let answer = Options::new().option("Tokyo 東京", "tyo").to_answer();
        assert_eq!(
            answer.body.unwrap(),
            json!({"options": [{"text": {"type": "plain_text", "text": "Tokyo 東京"}, "value": "tyo"}]})
        );
        let many = (0..150).fold(Options::new(), |o, i| {
            o.option(i.to_string(), i.to_string())
        });
        let body = many.to_answer().body.unwrap();
        assert_eq!(body["options"].as_array().unwrap().len(), MAX_OPTIONS);
    }
}
