use ackbot::{CommandDef, cmd};

/// `ping`: answers `pong`.
pub fn ping() -> CommandDef {
    cmd("ping", pong).about("Check that the bot answers")
}

async fn pong() -> &'static str {
    "pong"
}
