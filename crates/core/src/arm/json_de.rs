//! Reading JSON into Azimuth's types with a fraction of the code `serde_json::from_str` puts in
//! the wasm.
//!
//! `serde_json::from_str::<T>` compiles its whole streaming parser into every type it reads, and
//! serde's derive gives every struct a second, array-shaped reader (`visit_seq`) that JSON objects
//! never use. Here the text is parsed once into a `serde_json::Value` (one parser in the wasm) and
//! the value is handed to the types by a small deserializer that reads structs only from objects,
//! so the array-shaped readers are never referenced and the linker drops them. The first-load
//! budget is why: this halves the size of the studio's decoding code. Reading goes through an
//! intermediate value, which costs well under a millisecond for a class-sized workspace.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess};
use serde::de::{Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Value};

/// Reads `T` from JSON text; errors are serde_json's (a syntax error says where it is).
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    from_value(serde_json::from_str(text)?)
}

/// Reads `T` from a parsed JSON value.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(ValueDeserializer(value))
}

/// A deserializer over an owned JSON value.
struct ValueDeserializer(Value);

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (None, Some(i)) => visitor.visit_i64(i),
                (None, None) => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Object(entries) => visitor.visit_map(Entries {
                entries: entries.into_iter(),
                value: None,
            }),
        }
    }

    /// Structs come only from objects: the derive's `visit_seq` is never instantiated.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(entries) => visitor.visit_map(Entries {
                entries: entries.into_iter(),
                value: None,
            }),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(ValueDeserializer(other)),
        }
    }

    /// Enums are unit variants written as strings, as ARM writes them.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

/// The items of an array.
struct Items(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(ValueDeserializer(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of an object.
struct Entries {
    entries: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(ValueDeserializer(self.value.take().unwrap_or(Value::Null)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Sample {
        name: String,
        max_count: u32,
        offset: i64,
        description: Option<String>,
        #[serde(default)]
        tags: BTreeMap<String, String>,
        sizes: Vec<u8>,
        pace: crate::Pace,
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"name":"ci-1","maxCount":4,"offset":-3,"description":null,
            "tags":{"team":"a\"b"},"sizes":[1,2],"pace":"fast","unknown":{"x":[1]}}"#;
        let ours: Sample = from_json(text).unwrap();
        assert_eq!(ours, serde_json::from_str::<Sample>(text).unwrap());
        assert_eq!(ours.tags["team"], "a\"b");
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for bad in [
            r#"{"name":"x""#,
            r#"[]"#,
            r#"{"name":1,"maxCount":1,"offset":0,"sizes":[],"pace":"fast"}"#,
            r#"{"name":"x","maxCount":-1,"offset":0,"sizes":[],"pace":"fast"}"#,
            r#"{"name":"x","maxCount":1,"offset":0,"sizes":[],"pace":"warp"}"#,
            r#"{"name":"x","maxCount":1,"offset":0,"sizes":[]}"#,
        ] {
            assert!(from_json::<Sample>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<Sample>(bad).is_err(), "{bad}");
        }
        let syntax = from_json::<Sample>(r#"{"name": "#).unwrap_err();
        assert!(syntax.is_eof() || syntax.is_syntax());
    }
}
