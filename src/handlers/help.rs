use ackbot::{CommandDef, Help, Reply, cmd};

/// `help`: lists every registered command with its usage and description, under `Commands:`.
/// For a header in your own words, register a handler of your own that takes [`Help`] and
/// joins [`Help::lines`].
pub fn help() -> CommandDef {
    cmd("help", list).about("List the commands this bot knows")
}

async fn list(help: Help) -> Reply {
    Reply::text(help.render())
}
