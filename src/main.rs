//! The `ackbot` binary: the built-in commands on the local edge, in the demo, or under Lambda.

use std::process::ExitCode;

use ackbot::prelude::*;

#[tokio::main(flavor = "current_thread")] // the quickest cold start; `serve` still uses every core
async fn main() -> ExitCode {
    let bot = Bot::new().mount(ackbot::handlers::builtins());
    match bot.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ackbot: {}", ackbot_core::chain(&e));
            ExitCode::FAILURE
        }
    }
}
