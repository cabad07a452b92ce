//! What a modal's submission answers in the acknowledgement itself: its `response_action`. (A
//! menu's options, answered there too, are `ackbot_core::Options`: Discord's autocomplete takes
//! them as well.)

use std::collections::BTreeMap;

use ackbot_core::{Answer, HandlerError, IntoOutput, Output};
use serde_json::{Value, json};

/// How a modal's submission is answered (Slack `response_action`).
#[derive(Clone, Debug, PartialEq)]
pub enum ViewResponse {
    /// Close this modal (an empty acknowledgement).
    Close,
    /// Close every modal of the stack.
    Clear,
    /// Keep the modal open and show an error under each named block (`block_id` → message).
    Errors(BTreeMap<String, String>),
    /// Replace the modal with this view.
    Update(Value),
    /// Push this view on top of the modal.
    Push(Value),
}

impl ViewResponse {
    /// Close this modal.
    pub fn close() -> Self {
        ViewResponse::Close
    }

    /// Keep the modal open with `message` under the block `block_id`.
    pub fn error(block_id: impl Into<String>, message: impl Into<String>) -> Self {
        ViewResponse::Errors(BTreeMap::from([(block_id.into(), message.into())]))
    }

    /// The acknowledgement's body.
    pub fn to_answer(&self) -> Answer {
        match self {
            ViewResponse::Close => Answer::empty(),
            ViewResponse::Clear => Answer::json(json!({"response_action": "clear"})),
            ViewResponse::Errors(errors) => {
                Answer::json(json!({"response_action": "errors", "errors": errors}))
            }
            ViewResponse::Update(view) => {
                Answer::json(json!({"response_action": "update", "view": view}))
            }
            ViewResponse::Push(view) => {
                Answer::json(json!({"response_action": "push", "view": view}))
            }
        }
    }
}

impl IntoOutput for ViewResponse {
    fn into_output(self) -> Result<Output, HandlerError> {
        self.to_answer().into_output()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_responses_are_slacks_response_actions() {
        assert_eq!(ViewResponse::close().to_answer(), Answer::empty());
        assert_eq!(
            ViewResponse::error("feedback", "Too short").to_answer(),
            Answer::json(json!({"response_action": "errors", "errors": {"feedback": "Too short"}}))
        );
        let view = json!({"type": "modal"});
        assert_eq!(
            ViewResponse::Push(view.clone()).to_answer().body.unwrap()["response_action"],
            "push"
        );
        assert_eq!(
            ViewResponse::Update(view).to_answer().body.unwrap()["view"]["type"],
            "modal"
        );
        assert_eq!(
            ViewResponse::Clear.to_answer().body.unwrap(),
            json!({"response_action": "clear"})
        );
    }
}
