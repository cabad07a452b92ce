//! Slack's form bodies: `SlashCommand::form_fields`/`from_fields` on arbitrary bytes never
//! panic, and any text, form-encoded as Slack does, comes back exactly as the command's text.
#![no_main]

use std::sync::OnceLock;

use ackbot_core::adapter::{Adapter, Envelope, Inbound};
use ackbot_slack::payload::SlashCommand;
use ackbot_slack::{SlackAdapter, SlackConfig, COMMANDS_ROUTE};
use libfuzzer_sys::fuzz_target;

fn adapter() -> &'static SlackAdapter {
    static ADAPTER: OnceLock<SlackAdapter> = OnceLock::new();
    ADAPTER.get_or_init(|| SlackAdapter::new(SlackConfig::new("fuzz-secret")).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let fields = SlashCommand::form_fields(data);
    let form = SlashCommand::from_fields(&fields);
    let _ = form.is_ssl_check();

    let text = String::from_utf8_lossy(data);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("command", "/echo")
        .append_pair("text", &text)
        .finish();
    let items = adapter()
        .parse(&Envelope::new(COMMANDS_ROUTE, 0, body))
        .expect("a form with a command parses");
    match &items[..] {
        [Inbound::Work(work)] => assert_eq!(work.incoming.as_command().unwrap().text, text),
        _ => panic!("one command expected"),
    }
});
