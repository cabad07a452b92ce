//! The Japanese LINE example answers entirely in Japanese: commands, help, welcome, free text and
//! every kind of error.

#[path = "../../examples/line_ja.rs"]
#[allow(dead_code)]
mod example;

use ackbot::Incoming;
use ackbot::line::LINE;
use ackbot_core::Dispatcher;

fn bot() -> Dispatcher {
    example::bot().build().expect("the example builds")
}

async fn answer(typed: &str) -> String {
    let done = bot().dispatch(Incoming::typed(LINE, typed)).await;
    assert_eq!(done.replies.len(), 1, "{typed}: {done:?}");
    done.replies[0].text.clone()
}

/// Latin letters allowed in a Japanese answer: command names and what the user typed.
fn assert_japanese(text: &str, allowed: &[&str]) {
    let mut rest = text.to_string();
    for word in allowed {
        rest = rest.replace(word, "");
    }
    assert!(
        !rest.chars().any(|c| c.is_ascii_alphabetic()),
        "English left in {text:?}"
    );
    assert!(
        rest.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
        "{text:?}"
    );
}

#[tokio::test]
async fn commands_and_help_are_japanese() {
    let fortune = answer("おみくじ").await;
    assert!(fortune.contains("運勢は「"), "{fortune}");
    assert_eq!(answer("echo こんにちは").await, "こんにちは");
    let help = answer("ヘルプ").await;
    assert!(help.starts_with("使えるコマンド:\n"), "{help}");
    assert!(
        help.contains("• echo テキスト — テキストをそのまま返します"),
        "{help}"
    );
    assert!(help.contains("• おみくじ — 今日の運勢を占います"), "{help}");
    assert_japanese(&help, &["echo", "wait"]);
}

#[tokio::test]
async fn free_text_goes_to_the_fallback() {
    let text = answer("今日はいい天気ですね").await;
    assert_eq!(
        text,
        "「今日はいい天気ですね」ですね。コマンドの一覧は「ヘルプ」と送ってください。"
    );
}

#[tokio::test]
async fn errors_are_answered_in_japanese() {
    let missing = answer("echo").await;
    assert_eq!(missing, "入力が足りません。使い方: echo テキスト");
    let invalid = answer("wait ずっと").await;
    assert_eq!(
        invalid,
        "「ずっと」は読み取れませんでした。使い方: wait 秒数"
    );
    assert_japanese(&missing, &["echo"]);
}

#[tokio::test]
async fn new_friends_are_welcomed_in_japanese() {
    for event in ["follow", "join"] {
        let done = bot().dispatch(Incoming::event(LINE, event)).await;
        assert_japanese(&done.replies[0].text, &[]);
    }
}
