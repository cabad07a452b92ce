//! The `ackbot` binary: the built-in commands on the local edge, in the demo, or under Lambda.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let bot = ackbot::Bot::new().mount(bot_handlers::builtins());
    match bot.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ackbot: {e}");
            ExitCode::FAILURE
        }
    }
}
