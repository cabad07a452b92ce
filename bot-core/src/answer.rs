//! What a handler gives back: replies to send, and for an interaction answered in the
//! acknowledgement itself (a modal's `response_action`, a menu's options) the answer.

use serde_json::Value;

use crate::{HandlerError, Reply};

/// The body of an acknowledgement a handler computed: JSON, or empty (which closes a Slack modal).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    /// The JSON body; `None` is an empty `200`.
    pub body: Option<Value>,
}

impl Answer {
    /// An empty acknowledgement.
    pub fn empty() -> Self {
        Self { body: None }
    }

    /// An acknowledgement with a JSON body.
    pub fn json(body: Value) -> Self {
        Self { body: Some(body) }
    }
}

/// Everything a handler produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// Replies to send, possibly none.
    pub replies: Vec<Reply>,
    /// The acknowledgement's answer, for interactions answered in it.
    pub answer: Option<Answer>,
}

impl Output {
    /// Replies and no answer.
    pub fn replies(replies: Vec<Reply>) -> Self {
        Self {
            replies,
            answer: None,
        }
    }
}

/// What a handler may return: a [`Reply`], text, several replies, nothing, an [`Answer`] (or a
/// type that becomes one, such as Slack's `ViewResponse`), a pair of those, or a `Result` of any.
#[diagnostic::on_unimplemented(
    message = "a handler cannot return `{Self}`",
    label = "not something a handler may return",
    note = "a handler returns `Reply`, `String`, `&'static str`, `()`, `Vec<Reply>`, `Option<_>`, \
            an `Answer` (e.g. Slack's `ViewResponse`), a pair `(answer, reply)`, or a `Result` of \
            one of these whose error becomes a `HandlerError`"
)]
pub trait IntoOutput {
    /// The replies and answer.
    fn into_output(self) -> Result<Output, HandlerError>;
}

impl IntoOutput for Output {
    fn into_output(self) -> Result<Output, HandlerError> {
        Ok(self)
    }
}

impl IntoOutput for Answer {
    fn into_output(self) -> Result<Output, HandlerError> {
        Ok(Output {
            replies: Vec::new(),
            answer: Some(self),
        })
    }
}

impl IntoOutput for Reply {
    fn into_output(self) -> Result<Output, HandlerError> {
        Ok(Output::replies(vec![self]))
    }
}

impl IntoOutput for String {
    fn into_output(self) -> Result<Output, HandlerError> {
        Ok(Output::replies(vec![Reply::text(self)]))
    }
}

impl IntoOutput for &'static str {
    fn into_output(self) -> Result<Output, HandlerError> {
        Ok(Output::replies(vec![Reply::text(self)]))
    }
}

impl IntoOutput for () {
    fn into_output(self) -> Result<Output, HandlerError> {
        Ok(Output::default())
    }
}

impl IntoOutput for Vec<Reply> {
    fn into_output(self) -> Result<Output, HandlerError> {
        Ok(Output::replies(self))
    }
}

impl<T: IntoOutput> IntoOutput for Option<T> {
    fn into_output(self) -> Result<Output, HandlerError> {
        self.map_or_else(|| Ok(Output::default()), T::into_output)
    }
}

impl<T: IntoOutput, E: Into<HandlerError>> IntoOutput for Result<T, E> {
    fn into_output(self) -> Result<Output, HandlerError> {
        self.map_err(Into::into)?.into_output()
    }
}

/// Both: the replies of each in order, and the first answer.
impl<A: IntoOutput, B: IntoOutput> IntoOutput for (A, B) {
    fn into_output(self) -> Result<Output, HandlerError> {
        let mut first = self.0.into_output()?;
        let second = self.1.into_output()?;
        first.replies.extend(second.replies);
        first.answer = first.answer.or(second.answer);
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pair_keeps_both_replies_and_the_first_answer() {
        let out = (
            Answer::json(json!({"response_action": "clear"})),
            vec![Reply::text("a"), Reply::text("b")],
        )
            .into_output()
            .unwrap();
        assert_eq!(out.replies.len(), 2);
        assert_eq!(
            out.answer,
            Some(Answer::json(json!({"response_action": "clear"})))
        );
        let out = ("x", Answer::empty()).into_output().unwrap();
        assert_eq!(out.replies, vec![Reply::text("x")]);
        assert_eq!(out.answer, Some(Answer::empty()));
    }

    #[test]
    fn an_error_in_either_half_is_the_error() {
        let failed: Result<Reply, HandlerError> = Err(HandlerError::msg("no"));
        assert!((Answer::empty(), failed).into_output().is_err());
    }
}
