//! Flex Messages' containers and components, in LINE's names (the style properties ackbot does
//! not type — offsets, padding, borders… — are kept in `extra` and sent as given).

use ackbot_core::tagged_enum;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::action::Action;

tagged_enum! {
    /// A Flex container: a `bubble`, or a `carousel` of them.
    pub enum FlexContainer {
        /// `bubble`.
        Bubble(Bubble) = "bubble",
        /// `carousel`: at most 12 bubbles.
        Carousel(Carousel) = "carousel",
    }
}

/// A `bubble`: a card of up to four boxes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bubble {
    /// `nano`, `micro`, `deca`, `hecto`, `kilo`, `mega` (default) or `giga`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// `ltr` or `rtl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// The header box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<FlexComponent>,
    /// The hero: an image (or a box, a video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hero: Option<FlexComponent>,
    /// The body box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<FlexComponent>,
    /// The footer box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<FlexComponent>,
    /// Each block's style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub styles: Option<Value>,
    /// What a tap on the bubble does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Bubble {
    /// A bubble whose body is `body`.
    pub fn new(body: impl Into<FlexComponent>) -> Self {
        Self {
            body: Some(body.into()),
            ..Self::default()
        }
    }

    /// Its footer.
    pub fn footer(mut self, footer: impl Into<FlexComponent>) -> Self {
        self.footer = Some(footer.into());
        self
    }

    /// Its hero.
    pub fn hero(mut self, hero: impl Into<FlexComponent>) -> Self {
        self.hero = Some(hero.into());
        self
    }
}

/// A `carousel` of bubbles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Carousel {
    /// Its bubbles, at most 12.
    pub contents: Vec<Bubble>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// A Flex component.
    pub enum FlexComponent {
        /// `box`: a layout of components.
        Box(FlexBox) = "box",
        /// `text`.
        Text(FlexText) = "text",
        /// `button`.
        Button(FlexButton) = "button",
        /// `image`.
        Image(FlexImage) = "image",
        /// `separator`.
        Separator(FlexSeparator) = "separator",
    }
}

impl FlexComponent {
    /// A `box` laid out `vertical`ly.
    pub fn vertical(contents: impl IntoIterator<Item = impl Into<FlexComponent>>) -> FlexBox {
        FlexBox::new("vertical", contents)
    }

    /// A `box` laid out `horizontal`ly.
    pub fn horizontal(contents: impl IntoIterator<Item = impl Into<FlexComponent>>) -> FlexBox {
        FlexBox::new("horizontal", contents)
    }

    /// A `text`.
    pub fn text(text: impl Into<String>) -> FlexText {
        FlexText {
            text: Some(text.into()),
            ..FlexText::default()
        }
    }

    /// A `button` doing `action`.
    pub fn button(action: Action) -> FlexButton {
        FlexButton {
            action,
            ..FlexButton::default()
        }
    }

    /// A `separator`.
    pub fn separator() -> Self {
        FlexSeparator::default().into()
    }
}

/// A `box`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlexBox {
    /// `horizontal`, `vertical` or `baseline`.
    pub layout: String,
    /// Its components.
    pub contents: Vec<FlexComponent>,
    /// The space between them (`none`, `xs` … `xxl`, or pixels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spacing: Option<String>,
    /// The space before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<String>,
    /// Its background colour, `#RRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    /// Its share of the parent box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex: Option<i32>,
    /// What a tap does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Fields ackbot does not type (padding, offsets, borders…), kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FlexBox {
    /// A box laid out `layout`.
    pub fn new(
        layout: impl Into<String>,
        contents: impl IntoIterator<Item = impl Into<FlexComponent>>,
    ) -> Self {
        Self {
            layout: layout.into(),
            contents: contents.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// The space between its components.
    pub fn spacing(mut self, spacing: impl Into<String>) -> Self {
        self.spacing = Some(spacing.into());
        self
    }
}

/// A `text`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlexText {
    /// Its text (absent when `contents` spans say it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `xxs` … `5xl`, or pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// `regular` or `bold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// Its colour, `#RRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Whether it wraps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap: Option<bool>,
    /// `start`, `end` or `center`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<String>,
    /// The space before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<String>,
    /// Its share of the parent box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex: Option<i32>,
    /// Spans of differently styled text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<Vec<Value>>,
    /// What a tap does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Fields ackbot does not type, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FlexText {
    /// Bold.
    pub fn bold(mut self) -> Self {
        self.weight = Some("bold".into());
        self
    }

    /// Of `size` (`xs`, `sm`, `md`, `lg`, `xl`, …).
    pub fn size(mut self, size: impl Into<String>) -> Self {
        self.size = Some(size.into());
        self
    }

    /// Wrapping.
    pub fn wrap(mut self) -> Self {
        self.wrap = Some(true);
        self
    }
}

/// A `button`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlexButton {
    /// What it does (its label is the action's).
    pub action: Action,
    /// `primary`, `secondary` or `link` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Its colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// `sm` or `md`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<String>,
    /// The space before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<String>,
    /// Its share of the parent box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex: Option<i32>,
    /// Fields ackbot does not type, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for FlexButton {
    fn default() -> Self {
        Self {
            action: Action::message("", ""),
            style: None,
            color: None,
            height: None,
            margin: None,
            flex: None,
            extra: Map::new(),
        }
    }
}

impl FlexButton {
    /// Filled with the theme's colour.
    pub fn primary(mut self) -> Self {
        self.style = Some("primary".into());
        self
    }
}

/// An `image`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlexImage {
    /// Its https URL, at most 2,000 characters.
    pub url: String,
    /// `xxs` … `5xl`, `full`, or pixels or a percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// `width:height`, e.g. `20:13`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
    /// `fit` or `cover`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_mode: Option<String>,
    /// What a tap does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Fields ackbot does not type, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `separator`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlexSeparator {
    /// The space before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<String>,
    /// Its colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Fields ackbot does not know, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
