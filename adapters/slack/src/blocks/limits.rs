//! Slack's documented Block Kit limits, checked before a message or view is sent: a block past
//! one is an error naming the block, instead of Slack's `invalid_blocks` after the call.

use super::block::{Block, ContextElement};
use super::composition::{OptionObject, PlainText, TextObject};
use super::element::Element;
use super::view::View;

/// The most blocks a message holds.
pub const MAX_MESSAGE_BLOCKS: usize = 50;
/// The most blocks a modal or the Home tab holds.
pub const MAX_VIEW_BLOCKS: usize = 100;

/// A limit a block (or the whole) went past.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {what}")]
pub struct BlockError {
    /// Which block (`block 3 (section "intro")`), or the whole message or view.
    pub place: String,
    /// What is past the limit, and the limit.
    pub what: String,
}

/// Checks a message's `blocks`.
pub fn check_message(blocks: &[Block]) -> Result<(), BlockError> {
    check_blocks(blocks, MAX_MESSAGE_BLOCKS, "the message")
}

/// Checks a view: its blocks, and its own fields.
pub fn check_view(view: &View) -> Result<(), BlockError> {
    if let View::Modal(modal) = view {
        let whole = |what: String| BlockError {
            place: "the modal".into(),
            what,
        };
        let mut errors = Vec::new();
        plain(&mut errors, "title", Some(&modal.title), 24);
        plain(&mut errors, "submit", modal.submit.as_ref(), 24);
        plain(&mut errors, "close", modal.close.as_ref(), 24);
        chars(
            &mut errors,
            "callback_id",
            modal.callback_id.as_deref(),
            255,
        );
        chars(
            &mut errors,
            "private_metadata",
            modal.private_metadata.as_deref(),
            3000,
        );
        let has_input = modal.blocks.iter().any(|b| matches!(b, Block::Input(_)));
        if has_input && modal.submit.is_none() {
            errors.push("it has an input block but no submit button".into());
        }
        if let Some(what) = errors.into_iter().next() {
            return Err(whole(what));
        }
    }
    let name = match view {
        View::Home(_) => "the Home tab",
        _ => "the modal",
    };
    check_blocks(view.blocks(), MAX_VIEW_BLOCKS, name)
}

/// Checks what a call to `endpoint` (a Web API method, or `response_url`) carries: a message's
/// `blocks`, or a `view`. Blocks that are not Block Kit JSON at all are an error too.
pub fn check_request(endpoint: &str, body: &serde_json::Value) -> Result<(), BlockError> {
    let malformed = |what: &str, e: serde_json::Error| BlockError {
        place: format!("the {what}"),
        what: format!("not Block Kit JSON ({e})"),
    };
    if endpoint.starts_with("views.") {
        return match body.get("view") {
            Some(view) => {
                check_view(&serde_json::from_value(view.clone()).map_err(|e| malformed("view", e))?)
            }
            None => Ok(()),
        };
    }
    match body.get("blocks") {
        Some(blocks) => check_message(
            &serde_json::from_value::<Vec<Block>>(blocks.clone())
                .map_err(|e| malformed("blocks", e))?,
        ),
        None => Ok(()),
    }
}

fn check_blocks(blocks: &[Block], max: usize, whole: &str) -> Result<(), BlockError> {
    if blocks.len() > max {
        return Err(BlockError {
            place: whole.into(),
            what: format!("{} blocks, Slack allows {max}", blocks.len()),
        });
    }
    for (index, block) in blocks.iter().enumerate() {
        let mut errors = Vec::new();
        check_block(block, &mut errors);
        if let Some(what) = errors.into_iter().next() {
            let place = match block.block_id() {
                Some(id) => format!("block {} ({} {id:?})", index + 1, block.type_name()),
                None => format!("block {} ({})", index + 1, block.type_name()),
            };
            return Err(BlockError { place, what });
        }
    }
    Ok(())
}

fn check_block(block: &Block, errors: &mut Vec<String>) {
    chars(errors, "block_id", block.block_id(), 255);
    match block {
        Block::Section(s) => {
            text(errors, "text", s.text.as_ref(), 3000);
            if s.text.is_none() && s.fields.is_none() {
                errors.push("a section needs text or fields".into());
            }
            let fields = s.fields.as_deref().unwrap_or_default();
            count(errors, "fields", fields.len(), 10);
            for field in fields {
                text(errors, "a field", Some(field), 2000);
            }
            if let Some(accessory) = &s.accessory {
                check_element(accessory, errors);
            }
        }
        Block::Context(c) => {
            count(errors, "elements", c.elements.len(), 10);
            for element in &c.elements {
                if let ContextElement::Plain(PlainText { text: t, .. }) = element {
                    chars(errors, "a text", Some(t), 3000);
                }
            }
        }
        Block::Header(h) => plain(errors, "text", Some(&h.text), 150),
        Block::Image(i) => {
            chars(errors, "alt_text", Some(&i.alt_text), 2000);
            chars(errors, "image_url", i.image_url.as_deref(), 3000);
            plain(errors, "title", i.title.as_ref(), 2000);
        }
        Block::Actions(a) => {
            count(errors, "elements", a.elements.len(), 25);
            ids_unique(errors, &a.elements);
            a.elements.iter().for_each(|e| check_element(e, errors));
        }
        Block::Input(i) => {
            plain(errors, "label", Some(&i.label), 2000);
            plain(errors, "hint", i.hint.as_ref(), 2000);
            check_element(&i.element, errors);
        }
        Block::Divider(_) | Block::RichText(_) | Block::Unknown(_) => {}
    }
}

fn check_element(element: &Element, errors: &mut Vec<String>) {
    let what = element.type_name().to_string();
    chars(
        errors,
        &format!("{what} action_id"),
        element.action_id(),
        255,
    );
    match element {
        Element::Button(b) => {
            plain(errors, "button text", Some(&b.text), 75);
            chars(errors, "button value", b.value.as_deref(), 2000);
            chars(errors, "button url", b.url.as_deref(), 3000);
        }
        Element::StaticSelect(s) => {
            plain(errors, "placeholder", s.placeholder.as_ref(), 150);
            let options = s.options.as_deref().unwrap_or_default();
            count(errors, "options", options.len(), 100);
            check_options(errors, options);
            count(
                errors,
                "option_groups",
                s.option_groups.as_deref().map_or(0, <[_]>::len),
                100,
            );
        }
        Element::Overflow(o) => {
            let options = o.options.as_deref().unwrap_or_default();
            if options.is_empty() {
                errors.push("an overflow menu needs an option".into());
            }
            count(errors, "overflow options", options.len(), 5);
            check_options(errors, options);
        }
        Element::Checkboxes(c) => {
            let options = c.options.as_deref().unwrap_or_default();
            count(errors, "checkboxes", options.len(), 10);
            check_options(errors, options);
        }
        Element::RadioButtons(r) => {
            let options = r.options.as_deref().unwrap_or_default();
            count(errors, "radio buttons", options.len(), 10);
            check_options(errors, options);
        }
        Element::PlainTextInput(p) if p.max_length.is_some_and(|n| n > 3000) => {
            errors.push("max_length is past 3000, Slack's most".into());
        }
        _ => {}
    }
}

fn check_options(errors: &mut Vec<String>, options: &[OptionObject]) {
    for option in options {
        text(errors, "an option's text", Some(&option.text), 75);
        chars(errors, "an option's value", Some(&option.value), 150);
    }
}

fn ids_unique(errors: &mut Vec<String>, elements: &[Element]) {
    let mut seen = std::collections::BTreeSet::new();
    for id in elements.iter().filter_map(Element::action_id) {
        if !seen.insert(id) {
            errors.push(format!("action_id {id:?} is used twice in the block"));
        }
    }
}

fn chars(errors: &mut Vec<String>, what: &str, value: Option<&str>, max: usize) {
    if let Some(n) = value.map(|v| v.chars().count()).filter(|n| *n > max) {
        errors.push(format!("{what} is {n} characters, Slack allows {max}"));
    }
}

fn text(errors: &mut Vec<String>, what: &str, value: Option<&TextObject>, max: usize) {
    chars(errors, what, value.map(TextObject::text), max);
}

fn plain(errors: &mut Vec<String>, what: &str, value: Option<&PlainText>, max: usize) {
    chars(errors, what, value.map(|t| t.text.as_str()), max);
}

fn count(errors: &mut Vec<String>, what: &str, n: usize, max: usize) {
    if n > max {
        errors.push(format!("{n} {what}, Slack allows {max}"));
    }
}
