use bot_core::{Platform, Reply, Text};

/// Replies with the argument text exactly, or with the usage when there is none.
pub async fn echo(Text(text): Text, platform: Platform) -> Reply {
    if text.trim().is_empty() {
        return Reply::text(format!("Usage: {} TEXT", platform.invocation("echo")));
    }
    Reply::text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bot_core::{Command, Router};

    #[tokio::test]
    async fn echoes_exactly_and_explains_when_empty() {
        let bot = Router::new().command("echo", echo).build();
        let text = "  こんにちは 👋 a+b=100% ";
        let done = bot
            .dispatch(Command::new(Platform::Slack, "echo", text))
            .await;
        assert_eq!(done.replies, vec![Reply::text(text)]);
        let done = bot.dispatch(Command::new(Platform::Line, "echo", "")).await;
        assert_eq!(done.replies[0].text, "Usage: echo TEXT");
    }
}
