//! Block Kit, typed: blocks, elements, composition objects and views in Slack's own names, with
//! builders, and serde that reads back whatever Slack sends — a block or element `type` ackbot
//! does not know is kept whole (`Unknown`), and so are fields it does not know (`extra`), so a
//! new Slack shape never fails a parse. [`limits`] checks Slack's documented limits before a
//! message or view goes out, naming the block past one.
//!
//! ```
//! use ackbot_slack::blocks::{Block, Button};
//!
//! let blocks = vec![
//!     Block::section("*Lunch?*").into(),
//!     Block::actions([Button::new("Pizza", "lunch_pizza").value("pizza").primary()]).into(),
//! ];
//! let json = ackbot_slack::blocks::to_value(&blocks);
//! assert_eq!(json[1]["elements"][0]["action_id"], "lunch_pizza");
//! ```

mod block;
mod composition;
mod element;
pub mod limits;
mod unknowns;
mod view;

pub use block::{
    Actions, Block, Context, ContextElement, Divider, Header, Image, Input, RichText, Section,
};
pub use composition::{ConfirmDialog, Mrkdwn, OptionGroup, OptionObject, PlainText, TextObject};
pub use element::{
    Button, Checkboxes, ConversationsSelect, Datepicker, Element, ExternalSelect, ImageElement,
    Overflow, PlainTextInput, RadioButtons, RichTextInput, StaticSelect, UsersSelect,
};
pub use limits::BlockError;
pub use view::{Home, Modal, View};

impl From<Block> for serde_json::Value {
    /// The block as Slack takes it: so `Vec<Block>` goes straight into
    /// [`Reply::with_slack_blocks`](ackbot_core::Reply::with_slack_blocks).
    fn from(block: Block) -> Self {
        serde_json::to_value(block).unwrap_or_default()
    }
}

/// `blocks` as the JSON array a message's `blocks` (or
/// [`Reply::with_slack_blocks`](ackbot_core::Reply::with_slack_blocks)) takes.
pub fn to_value(blocks: &[Block]) -> serde_json::Value {
    serde_json::to_value(blocks).unwrap_or_default()
}
