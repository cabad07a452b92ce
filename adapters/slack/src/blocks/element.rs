//! Block Kit's interactive elements (and the image element), in Slack's names.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::composition::{ConfirmDialog, OptionGroup, OptionObject, PlainText, TextObject};
use ackbot_core::tagged_enum as tagged;

tagged! {
    /// An element: in an `actions` block, a section's accessory, an `input` block, or (images)
    /// a `context` block.
    pub enum Element {
        /// `button`.
        Button(Button) = "button",
        /// `static_select`: a menu of the app's options.
        StaticSelect(StaticSelect) = "static_select",
        /// `external_select`: a menu whose options the app answers as the user types.
        ExternalSelect(ExternalSelect) = "external_select",
        /// `users_select`.
        UsersSelect(UsersSelect) = "users_select",
        /// `conversations_select`.
        ConversationsSelect(ConversationsSelect) = "conversations_select",
        /// `overflow`: a "…" menu.
        Overflow(Overflow) = "overflow",
        /// `datepicker`.
        Datepicker(Datepicker) = "datepicker",
        /// `plain_text_input`.
        PlainTextInput(PlainTextInput) = "plain_text_input",
        /// `rich_text_input`.
        RichTextInput(RichTextInput) = "rich_text_input",
        /// `checkboxes`.
        Checkboxes(Checkboxes) = "checkboxes",
        /// `radio_buttons`.
        RadioButtons(RadioButtons) = "radio_buttons",
        /// `image`.
        Image(ImageElement) = "image",
    }
}

impl Element {
    /// Its `action_id`, if it has one.
    pub fn action_id(&self) -> Option<&str> {
        let id = match self {
            Self::Button(e) => &e.action_id,
            Self::StaticSelect(e) => &e.action_id,
            Self::ExternalSelect(e) => &e.action_id,
            Self::UsersSelect(e) => &e.action_id,
            Self::ConversationsSelect(e) => &e.action_id,
            Self::Overflow(e) => &e.action_id,
            Self::Datepicker(e) => &e.action_id,
            Self::PlainTextInput(e) => &e.action_id,
            Self::RichTextInput(e) => &e.action_id,
            Self::Checkboxes(e) => &e.action_id,
            Self::RadioButtons(e) => &e.action_id,
            Self::Image(_) => return None,
            Self::Unknown(v) => return v.get("action_id").and_then(Value::as_str),
        };
        id.as_deref()
    }
}

/// Writes the fields every interactive element has, and `extra`.
macro_rules! element {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// Its `action_id` (at most 255 characters), unique in its block: what routes an
            /// interaction with it to `.action(…)`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub action_id: Option<String>,
            $( $(#[$fmeta])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>, )*
            /// Fields ackbot does not know, kept.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

/// A `button`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Button {
    /// Its words (`plain_text`), at most 75 characters.
    pub text: PlainText,
    /// Its `action_id`, at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// What a click sends, at most 2,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A URL it opens, at most 3,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `primary` (green) or `danger` (red).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Asks first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// What a screen reader says, at most 75 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility_label: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Button {
    /// A button saying `text`, its `action_id` `action_id`.
    pub fn new(text: impl Into<String>, action_id: impl Into<String>) -> Self {
        Self {
            text: PlainText::new(text),
            action_id: Some(action_id.into()),
            ..Self::default()
        }
    }

    /// What a click sends.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Green.
    pub fn primary(mut self) -> Self {
        self.style = Some("primary".into());
        self
    }

    /// Red.
    pub fn danger(mut self) -> Self {
        self.style = Some("danger".into());
        self
    }

    /// Opens `url`.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Asks `confirm` first.
    pub fn confirm(mut self, confirm: ConfirmDialog) -> Self {
        self.confirm = Some(confirm);
        self
    }
}

element! {
    /// A `static_select`: `options` (at most 100) or `option_groups`.
    pub struct StaticSelect {
        /// What it says before a choice (`plain_text`, at most 150 characters).
        pub placeholder: PlainText,
        /// Its options, at most 100.
        pub options: Vec<OptionObject>,
        /// Its options in groups, at most 100 groups.
        pub option_groups: Vec<OptionGroup>,
        /// The option chosen at first.
        pub initial_option: OptionObject,
        /// Asks first.
        pub confirm: ConfirmDialog,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

impl StaticSelect {
    /// A menu `action_id` of `options` (text, value), saying `placeholder` before a choice.
    pub fn new<T: Into<String>, V: Into<String>>(
        action_id: impl Into<String>,
        placeholder: impl Into<String>,
        options: impl IntoIterator<Item = (T, V)>,
    ) -> Self {
        Self {
            action_id: Some(action_id.into()),
            placeholder: Some(PlainText::new(placeholder)),
            options: Some(
                (options.into_iter())
                    .map(|(t, v)| OptionObject::new(t, v))
                    .collect(),
            ),
            ..Self::default()
        }
    }
}

element! {
    /// An `external_select`: its options come from the app's `.options(…)` handler.
    pub struct ExternalSelect {
        /// What it says before a choice.
        pub placeholder: PlainText,
        /// The option chosen at first.
        pub initial_option: OptionObject,
        /// How many characters are typed before the options are asked for.
        pub min_query_length: u32,
        /// Asks first.
        pub confirm: ConfirmDialog,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

impl ExternalSelect {
    /// A menu `action_id` whose options the app's `.options(action_id, …)` handler answers.
    pub fn new(action_id: impl Into<String>) -> Self {
        Self {
            action_id: Some(action_id.into()),
            ..Self::default()
        }
    }

    /// Asks for options once `n` characters are typed.
    pub fn min_query_length(mut self, n: u32) -> Self {
        self.min_query_length = Some(n);
        self
    }
}

element! {
    /// A `users_select`.
    pub struct UsersSelect {
        /// What it says before a choice.
        pub placeholder: PlainText,
        /// The user chosen at first.
        pub initial_user: String,
        /// Asks first.
        pub confirm: ConfirmDialog,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

element! {
    /// A `conversations_select`.
    pub struct ConversationsSelect {
        /// What it says before a choice.
        pub placeholder: PlainText,
        /// The conversation chosen at first.
        pub initial_conversation: String,
        /// Whether the conversation the view was opened from is chosen at first.
        pub default_to_current_conversation: bool,
        /// Whether the submission carries a `response_url` for the chosen conversation.
        pub response_url_enabled: bool,
        /// Which conversations it lists (`include`, `exclude_bot_users`, …).
        pub filter: Value,
        /// Asks first.
        pub confirm: ConfirmDialog,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

element! {
    /// An `overflow` menu: one to five options.
    pub struct Overflow {
        /// Its options.
        pub options: Vec<OptionObject>,
        /// Asks first.
        pub confirm: ConfirmDialog,
    }
}

element! {
    /// A `datepicker`.
    pub struct Datepicker {
        /// The date chosen at first, `YYYY-MM-DD`.
        pub initial_date: String,
        /// What it says before a choice.
        pub placeholder: PlainText,
        /// Asks first.
        pub confirm: ConfirmDialog,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

element! {
    /// A `plain_text_input`.
    pub struct PlainTextInput {
        /// The text at first.
        pub initial_value: String,
        /// Several lines.
        pub multiline: bool,
        /// The fewest characters it takes.
        pub min_length: u32,
        /// The most characters it takes (at most 3,000).
        pub max_length: u32,
        /// When it sends a `block_actions` (`on_enter_pressed`, `on_character_entered`).
        pub dispatch_action_config: Value,
        /// What it says while empty.
        pub placeholder: PlainText,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

impl PlainTextInput {
    /// An input `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        Self {
            action_id: Some(action_id.into()),
            ..Self::default()
        }
    }

    /// Several lines.
    pub fn multiline(mut self) -> Self {
        self.multiline = Some(true);
        self
    }

    /// What it says while empty.
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.placeholder = Some(PlainText::new(text));
        self
    }
}

element! {
    /// A `rich_text_input`.
    pub struct RichTextInput {
        /// The rich text at first (a `rich_text` block).
        pub initial_value: Value,
        /// When it sends a `block_actions`.
        pub dispatch_action_config: Value,
        /// What it says while empty.
        pub placeholder: PlainText,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

element! {
    /// `checkboxes`: at most 10 options.
    pub struct Checkboxes {
        /// Its options.
        pub options: Vec<OptionObject>,
        /// The options checked at first.
        pub initial_options: Vec<OptionObject>,
        /// Asks first.
        pub confirm: ConfirmDialog,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

element! {
    /// `radio_buttons`: at most 10 options.
    pub struct RadioButtons {
        /// Its options.
        pub options: Vec<OptionObject>,
        /// The option chosen at first.
        pub initial_option: OptionObject,
        /// Asks first.
        pub confirm: ConfirmDialog,
        /// Whether it takes the focus when the view opens.
        pub focus_on_load: bool,
    }
}

/// An `image` element (in a `context` block or as a section's accessory).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageElement {
    /// What it shows, for those who cannot see it.
    pub alt_text: String,
    /// Its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// A file in Slack instead (`{"url": …}` or `{"id": …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_file: Option<Value>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl From<TextObject> for super::block::ContextElement {
    fn from(text: TextObject) -> Self {
        match text {
            TextObject::Plain(t) => Self::Plain(t),
            TextObject::Mrkdwn(t) => Self::Mrkdwn(t),
            TextObject::Unknown(v) => Self::Unknown(v),
        }
    }
}
