use ackbot::{CommandDef, NonEmpty, Reply, Text, cmd};

/// `echo TEXT`: replies with TEXT exactly as typed. Without TEXT, the user gets the usage.
pub fn echo() -> CommandDef {
    cmd("echo", reply_exactly)
        .about("Reply with TEXT exactly")
        .usage("TEXT")
}

async fn reply_exactly(NonEmpty(Text(text)): NonEmpty<Text>) -> Reply {
    Reply::text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot::line::LINE;
    use ackbot::slack::SLACK;
    use ackbot::{Bot, Incoming};

    #[tokio::test]
    async fn echoes_exactly_and_explains_when_empty() {
        let bot = Bot::new().command(echo()).build().unwrap();
        let text = "  こんにちは 👋 a+b=100% ";
        let done = bot.dispatch(Incoming::command(SLACK, "echo", text)).await;
        assert_eq!(done.replies, vec![Reply::text(text)]);
        let done = bot.dispatch(Incoming::command(LINE, "echo", "")).await;
        assert_eq!(
            done.replies[0].text,
            "Couldn't read the arguments of echo: this command needs arguments.\nUsage: echo TEXT"
        );
    }
}
