//! `ask QUESTION`: the question goes to the assistant's model (an OpenAI-compatible
//! chat-completions endpoint the runtime configures from `ACKBOT_LLM_*`), and the answer streams
//! back as it is written ([`Stream`]): on Slack in the thread of the mention or DM that asked (in
//! an assistant thread with the status "is thinking…" until it starts), on LINE behind the
//! loading animation, on Discord as one reply.

use ackbot::handlers::Assistant;
use ackbot::slack::{AssistantThread, Slack, SuggestedPrompt};
use ackbot::{Bot, CommandDef, HandlerError, NonEmpty, Reply, State, Stream, Text, cmd};

/// The assistant thread's status while the model thinks.
const THINKING: &str = "is thinking…";

/// The words `ask` says when the model does not answer in full.
const APOLOGY: &str = "Sorry: the answer broke off. Please ask again in a moment.";

/// The assistant as a group to mount: `ask QUESTION`, with an [`Assistant`] the runtime
/// configures from `ACKBOT_LLM_*` (without one, `ask` says it is not configured); and Slack's
/// AI app — in an assistant thread (the split view, or any thread of the app's DM) a message
/// that names no command is a question too, a new thread offers a first prompt, and the
/// registrations make `ackbot manifest slack` turn the app's assistant view on. Mount it before
/// a fallback of your own: yours then takes that text everywhere.
pub fn assistant() -> Bot {
    Bot::new()
        .state(Assistant::default())
        .command(ask())
        .on("assistant_thread_started", welcome)
        // Its context (the channel in view) is kept by the Slack adapter for the thread's
        // messages; subscribing is what this registration is for.
        .on("assistant_thread_context_changed", || async {})
        .fallback(in_thread)
}

/// A new assistant thread: a first prompt to press.
async fn welcome(thread: AssistantThread, slack: Slack) -> Result<(), HandlerError> {
    let prompt = SuggestedPrompt {
        title: "What can you do?".into(),
        message: "What can you do?".into(),
    };
    slack
        .assistant_threads_set_suggested_prompts(&thread, &[prompt], None)
        .await?;
    Ok(())
}

/// Text in an assistant thread that names no command: a question. (Elsewhere the fallback does
/// not apply — it takes an assistant thread — and the command stays unknown.)
async fn in_thread(
    thread: AssistantThread,
    Text(question): Text,
    State(assistant): State<Assistant>,
    stream: Stream,
    slack: Option<Slack>,
) -> Result<Vec<Reply>, HandlerError> {
    if question.trim().is_empty() {
        return Ok(Vec::new()); // a file or a reaction, not a question
    }
    answer(
        NonEmpty(Text(question)),
        State(assistant),
        stream,
        Some(thread),
        slack,
    )
    .await
}

/// `ask QUESTION`: the model's answer, streamed.
pub fn ask() -> CommandDef {
    cmd("ask", answer)
        .about("Ask the AI assistant; the answer appears as it is written")
        .usage("QUESTION")
        .slow()
}

async fn answer(
    NonEmpty(Text(question)): NonEmpty<Text>,
    State(assistant): State<Assistant>,
    stream: Stream,
    thread: Option<AssistantThread>,
    slack: Option<Slack>,
) -> Result<Vec<Reply>, HandlerError> {
    let Some(model) = assistant.model() else {
        return Ok(vec![Reply::text(
            "The assistant is not configured: set ACKBOT_LLM_URL, ACKBOT_LLM_MODEL and \
             ACKBOT_LLM_API_KEY.",
        )]);
    };
    if let (Some(thread), Some(slack)) = (&thread, &slack) {
        // Shown until the answer's first words are posted.
        if let Err(e) = slack.assistant_threads_set_status(thread, THINKING).await {
            ackbot::tracing::warn!(error = %e, "could not set the assistant thread's status");
        }
    }
    // What the user is looking at beside the assistant, as Slack said (and the store kept).
    let viewing = (thread.as_ref())
        .and_then(|t| t.context.as_ref()?.channel_id.clone())
        .map(|channel| format!("The user is viewing the Slack channel <#{channel}>."));
    let asked = model
        .ask(&question, viewing.as_deref(), |piece| {
            let stream = stream.clone();
            async move {
                // An ended stream takes nothing more; the answer's end is what is lost.
                let _ = stream.write(piece).await;
            }
        })
        .await;
    if let Err(error) = asked {
        ackbot::tracing::error!(error = %error, chars = stream.text().chars().count(),
            "the model's answer stopped short");
        let apology = match stream.is_used() {
            true => format!("\n\n{APOLOGY}"),
            false => APOLOGY.to_string(),
        };
        stream.write(apology).await?;
    }
    Ok(Vec::new())
}
