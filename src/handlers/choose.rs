//! `choose OPTION…`: the portable buttons in one command. It answers "Pick one:" with a button
//! per option — Slack buttons, LINE quick replies — and a click on either platform reaches the
//! same handler, which says who chose what, for everyone in the conversation.

use ackbot::{Bot, Choice, Reply, Text, User, cmd};

/// The id the buttons are offered under (and routed by).
pub const CHOICES_ID: &str = "choose";
/// The most options: LINE's quick replies take 13.
pub const MAX_OPTIONS: usize = 13;

/// The `choose` command and its buttons' handler.
pub fn choose() -> Bot {
    Bot::new()
        .command(
            cmd("choose", offer)
                .about("Offer OPTIONs as buttons; anyone may pick one")
                .usage("OPTION OPTION… (or OPTION, OPTION, …)")
                // Its buttons are for everyone: Discord's "thinking…" too.
                .in_channel(),
        )
        .action(CHOICES_ID, chosen)
}

/// The options typed: separated by commas when there are any (so an option may hold spaces),
/// else by spaces.
fn options(text: &str) -> Vec<String> {
    let parts: Vec<&str> = match text.contains(',') {
        true => text.split(',').collect(),
        false => text.split_whitespace().collect(),
    };
    (parts.into_iter())
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

async fn offer(Text(text): Text) -> Reply {
    let options = options(&text);
    let usage = "Usage: choose OPTION OPTION… (or OPTION, OPTION, … for options with spaces)";
    match options.len() {
        0 | 1 => Reply::text(format!(
            "Give me at least two options to pick from.\n{usage}"
        )),
        n if n > MAX_OPTIONS => Reply::text(format!(
            "That is {n} options; at most {MAX_OPTIONS} fit (LINE shows 13 quick replies).\n{usage}"
        )),
        _ => Reply::text("Pick one:")
            .in_channel()
            .choices(CHOICES_ID, options),
    }
}

async fn chosen(choice: Choice, user: User) -> Reply {
    Reply::text(format!("{} chose {}", user.mention(), choice.value)).in_channel()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_split_by_commas_when_there_are_any() {
        assert_eq!(options(" pizza  sushi "), ["pizza", "sushi"]);
        assert_eq!(
            options("ramen bowl, pizza,, sushi "),
            ["ramen bowl", "pizza", "sushi"]
        );
        assert!(options("   ").is_empty());
    }
}
