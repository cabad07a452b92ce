//! What ackbot's types did not recognise in a block or view: `type`s it keeps whole, and fields
//! it keeps in `extra`. Empty for anything Slack documents (the tests hold ackbot to that), and
//! a quick answer to "what is new in this payload?".

use serde_json::{Map, Value};

use super::block::{Block, ContextElement};
use super::composition::{ConfirmDialog, OptionObject, PlainText, TextObject};
use super::element::Element;
use super::view::View;

impl Block {
    /// The paths of what ackbot's types did not recognise in it (`section.accessory: a
    /// "multi_static_select"`, `section.expand_all: an unknown field`).
    pub fn unknowns(&self) -> Vec<String> {
        let mut found = Vec::new();
        block(self, self.type_name(), &mut found);
        found
    }
}

impl View {
    /// The paths of what ackbot's types did not recognise in it.
    pub fn unknowns(&self) -> Vec<String> {
        let mut found = Vec::new();
        let at = self.type_name().to_string();
        match self {
            View::Modal(m) => {
                extra(&m.extra, &at, &mut found);
                for t in [Some(&m.title), m.submit.as_ref(), m.close.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    plain(t, &at, &mut found);
                }
            }
            View::Home(h) => extra(&h.extra, &at, &mut found),
            View::Unknown(_) => found.push(format!("a view of type {at:?}")),
        }
        for (i, b) in self.blocks().iter().enumerate() {
            block(b, &format!("{at}.blocks[{i}]"), &mut found);
        }
        found
    }
}

fn extra(fields: &Map<String, Value>, at: &str, found: &mut Vec<String>) {
    found.extend(fields.keys().map(|k| format!("{at}.{k}: an unknown field")));
}

fn unknown(type_name: &str, at: &str, found: &mut Vec<String>) {
    found.push(format!("{at}: a {type_name:?}"));
}

fn block(b: &Block, at: &str, found: &mut Vec<String>) {
    match b {
        Block::Section(s) => {
            extra(&s.extra, at, found);
            s.text.iter().for_each(|t| text(t, at, found));
            s.fields.iter().flatten().for_each(|t| text(t, at, found));
            s.accessory
                .iter()
                .for_each(|e| element(e, &format!("{at}.accessory"), found));
        }
        Block::Context(c) => {
            extra(&c.extra, at, found);
            for e in &c.elements {
                match e {
                    ContextElement::Plain(t) => plain(t, at, found),
                    ContextElement::Mrkdwn(t) => extra(&t.extra, at, found),
                    ContextElement::Image(i) => extra(&i.extra, at, found),
                    ContextElement::Unknown(_) => unknown(e.type_name(), at, found),
                }
            }
        }
        Block::Divider(d) => extra(&d.extra, at, found),
        Block::Header(h) => {
            extra(&h.extra, at, found);
            plain(&h.text, at, found);
        }
        Block::Image(i) => {
            extra(&i.extra, at, found);
            i.title.iter().for_each(|t| plain(t, at, found));
        }
        Block::Actions(a) => {
            extra(&a.extra, at, found);
            for (i, e) in a.elements.iter().enumerate() {
                element(e, &format!("{at}.elements[{i}]"), found);
            }
        }
        Block::Input(i) => {
            extra(&i.extra, at, found);
            plain(&i.label, at, found);
            i.hint.iter().for_each(|t| plain(t, at, found));
            element(&i.element, &format!("{at}.element"), found);
        }
        Block::RichText(r) => extra(&r.extra, at, found),
        Block::Unknown(_) => unknown(b.type_name(), at, found),
    }
}

fn element(e: &Element, at: &str, found: &mut Vec<String>) {
    let at = format!("{at}({})", e.type_name());
    let at = at.as_str();
    let (fields, options, confirm, placeholder): (_, Vec<&OptionObject>, _, _) = match e {
        Element::Button(b) => {
            plain(&b.text, at, found);
            (&b.extra, Vec::new(), b.confirm.as_ref(), None)
        }
        Element::StaticSelect(s) => {
            let groups = s.option_groups.iter().flatten().flat_map(|g| &g.options);
            let options = s
                .options
                .iter()
                .flatten()
                .chain(groups)
                .chain(&s.initial_option);
            (
                &s.extra,
                options.collect(),
                s.confirm.as_ref(),
                s.placeholder.as_ref(),
            )
        }
        Element::ExternalSelect(s) => {
            let options = s.initial_option.iter().collect();
            (
                &s.extra,
                options,
                s.confirm.as_ref(),
                s.placeholder.as_ref(),
            )
        }
        Element::UsersSelect(s) => (
            &s.extra,
            Vec::new(),
            s.confirm.as_ref(),
            s.placeholder.as_ref(),
        ),
        Element::ConversationsSelect(s) => (
            &s.extra,
            Vec::new(),
            s.confirm.as_ref(),
            s.placeholder.as_ref(),
        ),
        Element::Overflow(o) => (
            &o.extra,
            o.options.iter().flatten().collect(),
            o.confirm.as_ref(),
            None,
        ),
        Element::Datepicker(d) => (
            &d.extra,
            Vec::new(),
            d.confirm.as_ref(),
            d.placeholder.as_ref(),
        ),
        Element::PlainTextInput(p) => (&p.extra, Vec::new(), None, p.placeholder.as_ref()),
        Element::RichTextInput(r) => (&r.extra, Vec::new(), None, r.placeholder.as_ref()),
        Element::Checkboxes(c) => {
            let options = c
                .options
                .iter()
                .flatten()
                .chain(c.initial_options.iter().flatten());
            (&c.extra, options.collect(), c.confirm.as_ref(), None)
        }
        Element::RadioButtons(r) => {
            let options = r.options.iter().flatten().chain(&r.initial_option);
            (&r.extra, options.collect(), r.confirm.as_ref(), None)
        }
        Element::Image(i) => (&i.extra, Vec::new(), None, None),
        Element::Unknown(_) => return unknown(e.type_name(), at, found),
    };
    extra(fields, at, found);
    for option in options {
        extra(&option.extra, at, found);
        text(&option.text, at, found);
        option.description.iter().for_each(|t| text(t, at, found));
    }
    confirm.iter().for_each(|c| dialog(c, at, found));
    placeholder.iter().for_each(|t| plain(t, at, found));
}

fn dialog(c: &ConfirmDialog, at: &str, found: &mut Vec<String>) {
    extra(&c.extra, at, found);
    [&c.title, &c.confirm, &c.deny]
        .into_iter()
        .for_each(|t| plain(t, at, found));
    text(&c.text, at, found);
}

fn text(t: &TextObject, at: &str, found: &mut Vec<String>) {
    match t {
        TextObject::Plain(p) => plain(p, at, found),
        TextObject::Mrkdwn(m) => extra(&m.extra, at, found),
        TextObject::Unknown(_) => unknown(t.type_name(), at, found),
    }
}

fn plain(t: &PlainText, at: &str, found: &mut Vec<String>) {
    extra(&t.extra, at, found);
}
