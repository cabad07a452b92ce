//! The platforms' objects that say what they are in a `type` field (Slack's blocks, LINE's
//! messages and actions): read by that field, a `type` ackbot does not know (or a known one it
//! cannot read) kept whole as [`Value`], never a parse failure — the platforms add types, and a
//! bot must still read what they send back. The adapters' typed models use [`tagged_enum!`].

use serde::Serialize;
use serde_json::{Map, Value};

/// `inner` as a JSON object with `"type": tag` first.
pub fn serialize<T: Serialize, S: serde::Serializer>(
    tag: &str,
    inner: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut object = Map::new();
    object.insert("type".into(), Value::String(tag.into()));
    match serde_json::to_value(inner).map_err(serde::ser::Error::custom)? {
        Value::Object(fields) => object.extend(fields.into_iter().filter(|(k, _)| k != "type")),
        other => {
            return Err(serde::ser::Error::custom(format!(
                "{tag} is not an object: {other}"
            )));
        }
    }
    Value::Object(object).serialize(serializer)
}

/// `value` without its `type` (which would otherwise land in `T`'s unknown fields), read as `T`.
pub fn read<T: serde::de::DeserializeOwned>(value: &Value) -> Option<T> {
    let mut object = value.as_object()?.clone();
    object.remove("type");
    serde_json::from_value(Value::Object(object)).ok()
}

/// An enum of objects by their `type`, with `Unknown(Value)` for the rest; `From` each variant's
/// struct; serde by the `type` field.
#[macro_export]
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $tag:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// A `type` ackbot does not know, or cannot read, kept as the platform sent it.
            Unknown(serde_json::Value),
        }

        impl $name {
            /// Its `type`, as Slack names it.
            pub fn type_name(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $tag, )*
                    Self::Unknown(value) => value
                        .get("type")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default(),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(inner) => $crate::tagged::serialize($tag, inner, serializer), )*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get("type").and_then(serde_json::Value::as_str).unwrap_or_default();
                let known = match tag {
                    $( $tag => $crate::tagged::read(&value).map(Self::$variant), )*
                    _ => None,
                };
                Ok(known.unwrap_or(Self::Unknown(value)))
            }
        }

        $( impl From<$ty> for $name {
            fn from(inner: $ty) -> Self {
                Self::$variant(inner)
            }
        } )*
    };
}
