use bot_core::{Help, Reply};

/// Lists every registered command with its usage and one-line description.
pub async fn help(help: Help) -> Reply {
    Reply::text(help.render())
}
