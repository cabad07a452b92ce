//! Portable choices: a reply offers options as buttons — on Slack in an `actions` block, on LINE
//! as quick-reply postbacks — and a click on either comes back to the same `.action(id, …)`
//! handler, which takes the [`Choice`].
//!
//! On the wire a choice is `ID:VALUE`-shaped so that one id routes every option: Slack's buttons
//! have `action_id` `ID:N` (N the option's place, as Slack wants the ids of a block unique) and
//! `value` VALUE; LINE's postbacks have `data` `ID:VALUE` (at most 300 characters). An action
//! handler registered as `ID` answers an action id `ID` and any `ID:…`; the id itself may not
//! hold a `:`.

use serde::{Deserialize, Serialize};

use crate::extract::{FromIncoming, Request, UnavailableRejection};

/// What separates a choice's id from the rest of its wire form.
pub const CHOICE_SEPARATOR: char = ':';

/// The options a reply offers, under one id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    /// The id their clicks are routed by: `.action(id, handler)`.
    pub id: String,
    /// The options, in order: each one's words are also its value.
    pub options: Vec<String>,
}

impl Choices {
    /// The wire id of one of its options: `ID:TAIL` — a Slack button's `action_id` (the tail the
    /// option's place) or a LINE postback's `data` (the tail the option); [`Choice::from_wire`]
    /// reads it back.
    pub fn wire_id(&self, tail: impl std::fmt::Display) -> String {
        format!("{}{CHOICE_SEPARATOR}{tail}", self.id)
    }
}

/// The option a user picked: an extractor in the `.action(…)` handler of a click on a choice (or
/// on any Slack button, select or overflow menu: its value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The id the choice was offered under.
    pub id: String,
    /// The option picked.
    pub value: String,
}

impl Choice {
    /// The choice a LINE postback's `data` (`ID:VALUE`) names, or a Slack `action_id`
    /// (`ID:N`) with its `value`.
    pub fn from_wire(wire_id: &str, value: Option<&str>) -> Self {
        let (id, rest) = wire_id
            .split_once(CHOICE_SEPARATOR)
            .unwrap_or((wire_id, ""));
        Self {
            id: id.to_string(),
            value: value.unwrap_or(rest).to_string(),
        }
    }
}

impl FromIncoming for Choice {
    type Rejection = UnavailableRejection;

    fn from_incoming(request: &Request) -> Result<Self, UnavailableRejection> {
        request
            .extension::<Choice>()
            .cloned()
            .ok_or(UnavailableRejection {
                what: "a choice (it comes with a click on a button or a quick reply)",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_splits_at_the_first_separator() {
        let line = Choice::from_wire("lunch:pizza: the big one", None);
        assert_eq!(
            (line.id.as_str(), line.value.as_str()),
            ("lunch", "pizza: the big one")
        );
        let slack = Choice::from_wire("lunch:1", Some("sushi"));
        assert_eq!(
            (slack.id.as_str(), slack.value.as_str()),
            ("lunch", "sushi")
        );
        let choices = Choices {
            id: "lunch".into(),
            options: vec!["pizza".into()],
        };
        let back = Choice::from_wire(&choices.wire_id("pizza"), None);
        assert_eq!((back.id.as_str(), back.value.as_str()), ("lunch", "pizza"));
        let plain = Choice::from_wire("approve", Some("yes"));
        assert_eq!(
            (plain.id.as_str(), plain.value.as_str()),
            ("approve", "yes")
        );
    }
}
