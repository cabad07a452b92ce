use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use ackbot::{Args, CommandDef, cmd};

/// A number of seconds from 0 to 60, as `wait` takes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seconds(pub f64);

impl Seconds {
    /// The longest wait `wait` accepts.
    pub const MAX: f64 = 60.0;
}

/// Why a [`Seconds`] argument was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondsError(String);

impl fmt::Display for SecondsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SecondsError {}

impl FromStr for Seconds {
    type Err = SecondsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value: f64 = s
            .trim()
            .trim_end_matches('s')
            .parse()
            .map_err(|_| SecondsError("expected a number of seconds, e.g. 3 or 1.5".into()))?;
        if !(0.0..=Self::MAX).contains(&value) {
            return Err(SecondsError(format!(
                "expected from 0 to {} seconds",
                Self::MAX
            )));
        }
        Ok(Seconds(value))
    }
}

/// `wait SECONDS`: waits, then says so; marked slow, so LINE shows its loading animation.
pub fn wait() -> CommandDef {
    cmd("wait", sleep)
        .about("Wait SECONDS (up to 60) before answering, to show the ack never waits for the work")
        .usage("SECONDS")
        .slow()
}

async fn sleep(Args(Seconds(seconds)): Args<Seconds>) -> String {
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    format!("Waited {seconds} s.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot::slack::SLACK;
    use ackbot::{Bot, DispatchError, Incoming, Outcome};

    #[test]
    fn parses_seconds() {
        assert_eq!("3".parse::<Seconds>(), Ok(Seconds(3.0)));
        assert_eq!("1.5s".parse::<Seconds>(), Ok(Seconds(1.5)));
        assert!("61".parse::<Seconds>().is_err());
        assert!("-1".parse::<Seconds>().is_err());
        assert!("soon".parse::<Seconds>().is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn waits_then_answers() {
        let bot = Bot::new().command(wait()).build().unwrap();
        let start = tokio::time::Instant::now();
        let done = bot.dispatch(Incoming::command(SLACK, "wait", "5")).await;
        assert_eq!(done.replies[0].text, "Waited 5 s.");
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        let bad = bot.dispatch(Incoming::command(SLACK, "wait", "ages")).await;
        assert!(matches!(
            bad.outcome,
            Outcome::Failed(ref e) if matches!(**e, DispatchError::BadArguments { .. })
        ));
        assert!(
            bad.replies[0].text.ends_with("Usage: /wait SECONDS"),
            "{}",
            bad.replies[0].text
        );
    }
}
