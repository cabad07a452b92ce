// A handler's argument that is no extractor.
use ackbot_core::{cmd, Bot};

async fn greet(name: String) -> String {
    name
}

fn main() {
    let _ = Bot::new().command(cmd("greet", greet));
}
