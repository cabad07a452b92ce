use ackbot_core::{cmd, CommandDef};

/// `ping`: answers `pong`.
pub fn ping() -> CommandDef {
    cmd("ping", pong).about("Check that the bot answers")
}

async fn pong() -> &'static str {
    "pong"
}
