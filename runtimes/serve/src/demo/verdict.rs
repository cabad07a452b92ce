//! Each sample's life as the demo prints it, and the verdict on whether it behaved.

use ackbot_core::runtime::{Observation, Stage, Status};
use ackbot_core::{DispatchError, Outcome};
use serde_json::Value;

use super::samples::{Expect, Sample};
use ackbot_core::testing::Recorded;

/// A sample as sent, with its acknowledgement.
pub(super) struct Sent {
    pub(super) sample: Sample,
    pub(super) started_ms: i64,
    pub(super) ack_status: u16,
    pub(super) ack_body: String,
    pub(super) ack_ms: u128,
    pub(super) request_id: String,
}

/// Prints the life of sample number `n` from its stages and the stand-in calls that belong to it,
/// and says whether it came to what it should.
pub(super) fn print_life(n: usize, s: &Sent, stages: &[Observation], calls: &[Recorded]) -> bool {
    println!("{n}. {}", s.sample.label);
    if s.ack_body.is_empty() {
        println!("   acked      {} in {} ms", s.ack_status, s.ack_ms);
    } else {
        println!(
            "   acked      {} {} in {} ms",
            s.ack_status, s.ack_body, s.ack_ms
        );
    }
    let mut duplicate = false;
    for o in stages {
        let after = o.at_ms - s.started_ms;
        match &o.stage {
            Stage::Answered { status, .. } => {
                println!("   front door verified it and answered {status} (+{after} ms)")
            }
            Stage::Verified => println!("   verified   signature ok (+{after} ms)"),
            Stage::Rejected(why) => println!("   rejected   {why} (+{after} ms)"),
            Stage::Invalid(why) => println!("   invalid    {why} (+{after} ms)"),
            Stage::Skipped(why) => println!("   skipped    {why}: nothing to send (+{after} ms)"),
            Stage::Duplicate(key) => {
                duplicate = true;
                println!("   duplicate  {key} was handled already (+{after} ms)")
            }
            Stage::Handled {
                command, outcome, ..
            } => println!(
                "   handled    {command} → {} (+{after} ms)",
                describe(outcome)
            ),
            Stage::DeliveryFailed { error, .. } => {
                println!(
                    "   failed     {} (+{after} ms)",
                    ackbot_core::chain(error.as_ref())
                )
            }
            Stage::Done(status @ (Status::Failed(_) | Status::Undeliverable(_))) => {
                println!("   failed     {}", status.reason().unwrap_or_default())
            }
            Stage::Replied { .. } | Stage::Call(_) | Stage::Done(_) => {}
        }
    }
    let mine: Vec<&Recorded> = calls.iter().filter(|c| c.at_ms >= s.started_ms).collect();
    for call in &mine {
        let after = call.at_ms - s.started_ms;
        match reply_text(call) {
            text if text.is_empty() => println!("   called     {} in {after} ms", call.path),
            text => println!(
                "   replied    {} in {after} ms: {}",
                call.path,
                quote(&text)
            ),
        }
    }
    let status = match s.sample.expect {
        Expect::Refused => 401,
        _ => 200,
    };
    let ok = s.ack_status == status && s.sample.expect.met(s, duplicate, &mine, calls);
    if ok
        && matches!(
            s.sample.expect,
            Expect::Nothing | Expect::Duplicate | Expect::Answered(_) | Expect::Refused
        )
    {
        println!("   no API call, as it should be");
    }
    if ok {
        println!("   ✓ as expected\n");
    } else {
        println!("   ✗ NOT as expected");
        println!("     expected: {}", s.sample.expect.describe());
        println!("     came:     {}\n", came(s, duplicate, &mine, calls));
    }
    ok
}

impl Expect {
    /// Whether the sample came to this: `mine` are the calls made after it was sent, `calls`
    /// all that belong to it.
    fn met(&self, s: &Sent, duplicate: bool, mine: &[&Recorded], calls: &[Recorded]) -> bool {
        let one = mine.len() == 1;
        match self {
            Expect::Exactly(want) => one && reply_text(mine[0]) == *want,
            Expect::Replied => one && !reply_text(mine[0]).is_empty(),
            Expect::Naming(names) => {
                one && names
                    .iter()
                    .all(|n| reply_text(mine[0]).contains(n.as_str()))
            }
            Expect::Nothing | Expect::Refused => mine.is_empty() && calls.is_empty(),
            Expect::Duplicate => duplicate && mine.is_empty() && calls.len() == 1,
            Expect::Answered(want) => s.ack_body.contains(want) && calls.is_empty(),
            Expect::Called(path) => one && mine[0].path == *path,
            Expect::Streamed => {
                let paths: Vec<&str> = mine.iter().map(|c| c.path.as_str()).collect();
                paths.len() >= 2
                    && paths[0] == "/api/chat.startStream"
                    && paths[paths.len() - 1] == "/api/chat.stopStream"
                    && paths[1..paths.len() - 1]
                        .iter()
                        .all(|p| *p == "/api/chat.appendStream")
            }
        }
    }

    /// What it expects, in a line.
    fn describe(&self) -> String {
        match self {
            Expect::Exactly(want) => format!("an ack 200 and one reply, exactly {}", quote(want)),
            Expect::Replied => "an ack 200 and one reply".into(),
            Expect::Naming(names) => {
                format!("an ack 200 and one reply naming {}", names.join(", "))
            }
            Expect::Nothing => "an ack 200 and no API call".into(),
            Expect::Duplicate => "an ack 200, recognised as a duplicate, no second reply".into(),
            Expect::Answered(want) => {
                format!("an ack 200 whose body holds {want}, and no API call")
            }
            Expect::Called(path) => format!("an ack 200 and one call to {path}"),
            Expect::Refused => "a 401 from the front door, and no API call".into(),
            Expect::Streamed => {
                "an ack 200 and a streamed message: chat.startStream, appendStream…, stopStream"
                    .into()
            }
        }
    }
}

/// What a sample came to, in a line: its ack, whether it was a duplicate, and its calls.
fn came(s: &Sent, duplicate: bool, mine: &[&Recorded], calls: &[Recorded]) -> String {
    let mut text = format!("an ack {}", s.ack_status);
    if !s.ack_body.is_empty() {
        text += &format!(" {}", s.ack_body);
    }
    if duplicate {
        text += ", a duplicate";
    }
    let shown: Vec<String> = (mine.iter())
        .map(|c| format!("{} {}", c.path, quote(&reply_text(c))))
        .collect();
    match shown.is_empty() {
        true => text += &format!(", no call ({} before it)", calls.len()),
        false => text += &format!(", {} call(s): {}", shown.len(), shown.join("; ")),
    }
    text
}

/// The text a stand-in call carried: Slack's `text`, Discord's `content`, or LINE's text
/// messages joined.
fn reply_text(call: &Recorded) -> String {
    let text = (call.body.get("text"))
        .or_else(|| call.body.get("markdown_text"))
        .or_else(|| call.body.get("content"));
    if let Some(text) = text.and_then(Value::as_str) {
        return text.to_string();
    }
    call.body
        .get("messages")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|m| m.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Handled => "handler ran".into(),
        Outcome::NoHandler => "no handler for this event".into(),
        Outcome::Failed(error) => match error.as_ref() {
            DispatchError::UnknownCommand { .. } => "unknown command, pointed to help".into(),
            DispatchError::BadArguments { rejection, .. } => format!("bad arguments ({rejection})"),
            DispatchError::Panic { message, .. } => format!("handler panicked ({message})"),
            other => format!("handler failed ({other})"),
        },
    }
}

fn quote(text: &str) -> String {
    if text.contains('\n') {
        format!("\n      {}", text.replace('\n', "\n      "))
    } else {
        format!("“{text}”")
    }
}
