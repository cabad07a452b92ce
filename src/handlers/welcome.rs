use ackbot::{Platform, Reply};

/// Greets a user who adds the bot as a friend (LINE `follow`) or a group that invites it
/// (LINE `join`), and says how to start.
pub async fn welcome(platform: Platform) -> Reply {
    Reply::text(format!(
        "Hello! Send {} to see what I can do.",
        platform.invocation("help")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot::line::LINE;
    use ackbot::{Bot, Incoming};

    #[tokio::test]
    async fn greets_on_follow_and_join() {
        let bot = Bot::new()
            .mount(ackbot::handlers::builtins())
            .build()
            .unwrap();
        for event in ["follow", "join"] {
            let done = bot.dispatch(Incoming::event(LINE, event)).await;
            assert_eq!(
                done.replies,
                vec![Reply::text("Hello! Send help to see what I can do.")]
            );
        }
        let done = bot.dispatch(Incoming::event(LINE, "unfollow")).await;
        assert!(done.replies.is_empty(), "nobody is left to read a reply");
    }
}
