//! A LINE bot that answers entirely in Japanese: its own command names and help, the built-in
//! `echo` in Japanese words, a welcome, free text answered by a fallback, and every error
//! answered by `on_error` instead of ackbot's English.
//!
//! Run it with `LINE_CHANNEL_SECRET` and `LINE_CHANNEL_ACCESS_TOKEN` set:
//! `cargo run --example line_ja -- serve`, then `cargo run --bin ackbot -- send line 'おみくじ'`.

use ackbot::prelude::*;

const FORTUNES: [&str; 5] = ["大吉", "中吉", "小吉", "吉", "末吉"];

/// Draws a fortune slip.
async fn omikuji(user: User) -> String {
    let fortune = FORTUNES[fastrand::usize(..FORTUNES.len())];
    format!("{}さんの運勢は「{fortune}」です。", user.mention())
}

/// Lists the commands under a Japanese header.
async fn help(help: Help) -> String {
    format!("使えるコマンド:\n{}", help.lines().join("\n"))
}

/// Greets a new friend (LINE `follow`) or a group that invites the bot (`join`).
async fn welcome() -> &'static str {
    "友だち追加ありがとうございます！「ヘルプ」と送ると、使えるコマンドを表示します。"
}

/// Answers any text that is no command.
async fn chat(Text(text): Text) -> String {
    format!("「{text}」ですね。コマンドの一覧は「ヘルプ」と送ってください。")
}

/// Every error in Japanese. The log keeps ackbot's own English line for each.
fn in_japanese(error: &DispatchError) -> Option<Reply> {
    let text = match error {
        DispatchError::UnknownCommand { invocation, .. } => {
            format!("「{invocation}」というコマンドはありません。「ヘルプ」と送ってください。")
        }
        DispatchError::BadArguments {
            usage, rejection, ..
        } => match rejection {
            ArgsRejection::Missing => format!("入力が足りません。使い方: {usage}"),
            ArgsRejection::Invalid { input, .. } => {
                format!("「{input}」は読み取れませんでした。使い方: {usage}")
            }
        },
        DispatchError::Handler { error, .. } => match error.user_message() {
            Some(message) => format!("エラー: {message}"),
            None => "エラーが発生しました。しばらくしてからもう一度お試しください。".into(),
        },
        _ => "予期しないエラーが発生しました。管理者に記録されています。".into(),
    };
    Some(Reply::text(text))
}

/// The bot: everything it says is Japanese.
pub fn bot() -> Bot {
    Bot::new()
        .command(
            ackbot::handlers::echo()
                .about("テキストをそのまま返します")
                .usage("テキスト"),
        )
        .command(cmd("おみくじ", omikuji).about("今日の運勢を占います"))
        .command(cmd("ヘルプ", help).about("使えるコマンドを表示します"))
        .command(
            ackbot::handlers::wait()
                .about("指定した秒数（60秒まで）待ってから返事をします")
                .usage("秒数"),
        )
        .on("follow", welcome)
        .on("join", welcome)
        .fallback(chat)
        .on_error(in_japanese)
}

#[tokio::main(flavor = "current_thread")] // the quickest cold start; `serve` still uses every core
async fn main() -> Result<(), ackbot::Error> {
    bot().run().await
}
