//! Reading JSON into Azimuth's types with a fraction of the code `serde_json::from_str` puts in
//! the wasm.
//!
//! `serde_json::from_str::<T>` compiles its whole streaming parser into every type it reads, and
//! serde's derive gives every struct a visitor over a streaming map: field-name matching,
//! duplicate checks, a pass for missing fields, and an array-shaped reader (`visit_seq`) that
//! JSON objects never use. Here the text is parsed once into a `serde_json::Value` (one parser in
//! the wasm), and a type reads itself from that value ([`FromValue`], derived by
//! `azimuth-derive` from the type's own serde attributes): each field is taken from the object by
//! name, through one shared reader per field type. The first-load budget is why. On the studio's
//! main module, serde's readers over a value took about 230 KB of its 1,090 KB of code before
//! wasm-opt (the compute's properties alone 35 KB). Reading goes through an intermediate value,
//! which costs well under a millisecond for a class-sized workspace.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess};
use serde::de::{Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// `#[derive(FromValue)]`, beside the trait of the same name.
pub use azimuth_derive::FromValue;

/// Reads `T` from JSON text; a syntax error is serde_json's (it says where it is).
pub fn from_json<T: FromValue>(text: &str) -> Result<T, Error> {
    T::from_value(serde_json::from_str(text)?)
}

/// Reads `T` from a parsed JSON value.
pub fn from_value<T: FromValue>(value: Value) -> Result<T, Error> {
    T::from_value(value)
}

/// A type read from a parsed JSON value, as its `Deserialize` would read it
/// (`#[derive(azimuth_derive::FromValue)]` beside `Deserialize`).
pub trait FromValue: Sized {
    /// Reads the value.
    fn from_value(value: Value) -> Result<Self, Error>;

    /// What a struct's field of this type is when the object leaves it out and it has no
    /// default: an error, except for `Option`s, which are then `None` (as serde reads them).
    fn missing(name: &'static str) -> Result<Self, Error> {
        Err(missing_field(name))
    }

    /// Reads the type from the entries a struct that flattens it (`#[serde(flatten)]`) has not
    /// taken, taking those it uses.
    fn take_flattened(entries: &mut Map<String, Value>) -> Result<Self, Error> {
        Self::from_value(Value::Object(std::mem::take(entries)))
    }
}

/// Reads `T` with its `Deserialize` (for the shapes `FromValue`'s derive leaves to serde).
pub fn by_serde<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(ValueDeserializer(value))
}

/// The entries of an object, or serde's error for anything else.
pub fn object(value: Value) -> Result<Map<String, Value>, Error> {
    match value {
        Value::Object(entries) => Ok(entries),
        other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
    }
}

/// The text of a string, or serde's error for anything else.
pub fn string(value: Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(de::Error::invalid_type(unexpected(&other), &"a string")),
    }
}

/// Takes the entry `name` out of an object.
pub fn take(entries: &mut Map<String, Value>, name: &str) -> Option<Value> {
    entries.remove(name)
}

/// Reads the field `name` of an object (taking it out), or what a missing one is
/// ([`FromValue::missing`]). Not inlined: one copy per field type serves every struct.
#[inline(never)]
pub fn field<T: FromValue>(
    entries: &mut Map<String, Value>,
    name: &'static str,
) -> Result<T, Error> {
    match entries.remove(name) {
        Some(value) => T::from_value(value),
        None => T::missing(name),
    }
}

/// Reads the field `name` of an object (taking it out), or its default when it is missing.
#[inline(never)]
pub fn field_or_default<T: FromValue + Default>(
    entries: &mut Map<String, Value>,
    name: &str,
) -> Result<T, Error> {
    match entries.remove(name) {
        Some(value) => T::from_value(value),
        None => Ok(T::default()),
    }
}

/// Takes the first of `names` (a field and its aliases) out of an object.
pub fn take_any(entries: &mut Map<String, Value>, names: &[&str]) -> Option<Value> {
    names.iter().find_map(|name| entries.remove(*name))
}

/// serde's error for a field the object leaves out.
pub fn missing_field(name: &'static str) -> Error {
    de::Error::missing_field(name)
}

/// serde's error for an enum string that names no variant.
pub fn unknown_variant(found: &str, expected: &'static [&'static str]) -> Error {
    de::Error::unknown_variant(found, expected)
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, Error> {
        string(value)
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a boolean")),
        }
    }
}

/// serde's error for a number out of the type's range, or for what is no number.
fn not_a(value: &Value, what: &'static str) -> Error {
    match value {
        Value::Number(n) => de::Error::invalid_value(Unexpected::Other(&n.to_string()), &what),
        other => de::Error::invalid_type(unexpected(other), &what),
    }
}

/// Whole numbers: JSON's integers that fit the type.
macro_rules! whole {
    ($($t:ty: $what:literal),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, Error> {
                let fits = match &value {
                    Value::Number(n) => n
                        .as_u64()
                        .and_then(|u| <$t>::try_from(u).ok())
                        .or_else(|| n.as_i64().and_then(|i| <$t>::try_from(i).ok())),
                    _ => None,
                };
                fits.ok_or_else(|| not_a(&value, $what))
            }
        }
    )*};
}

whole!(u8: "a u8", u16: "a u16", u32: "a u32", u64: "a u64", usize: "a usize", i32: "an i32", i64: "an i64");

impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self, Error> {
        match &value {
            Value::Number(n) => n.as_f64().ok_or_else(|| not_a(&value, "a number")),
            _ => Err(not_a(&value, "a number")),
        }
    }
}

impl FromValue for f32 {
    fn from_value(value: Value) -> Result<Self, Error> {
        f64::from_value(value).map(|x| x as f32)
    }
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, Error> {
        Ok(value)
    }
}

impl FromValue for Map<String, Value> {
    fn from_value(value: Value) -> Result<Self, Error> {
        object(value)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }

    fn missing(_: &'static str) -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Array(items) => items.into_iter().map(T::from_value).collect(),
            other => Err(de::Error::invalid_type(unexpected(&other), &"an array")),
        }
    }
}

impl<T: FromValue + Ord> FromValue for BTreeSet<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        let mut set = BTreeSet::new();
        for item in Vec::<T>::from_value(value)? {
            set.insert(item);
        }
        Ok(set)
    }
}

/// The items of an array of `n` items.
fn items(value: Value, n: usize) -> Result<std::vec::IntoIter<Value>, Error> {
    match value {
        Value::Array(items) if items.len() == n => Ok(items.into_iter()),
        Value::Array(items) => Err(de::Error::invalid_length(items.len(), &"a tuple's items")),
        other => Err(de::Error::invalid_type(unexpected(&other), &"an array")),
    }
}

/// Tuples, written as arrays of their items.
macro_rules! tuple {
    ($n:literal: $($t:ident),*) => {
        impl<$($t: FromValue),*> FromValue for ($($t,)*) {
            fn from_value(value: Value) -> Result<Self, Error> {
                let mut items = items(value, $n)?;
                Ok(($($t::from_value(items.next().unwrap_or(Value::Null))?,)*))
            }
        }
    };
}

tuple!(2: A, B);
tuple!(3: A, B, C);
tuple!(4: A, B, C, D);

impl<T: FromValue> FromValue for Box<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        T::from_value(value).map(Box::new)
    }
}

impl<T: FromValue> FromValue for Arc<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        T::from_value(value).map(Arc::new)
    }
}

/// Maps and sets are filled by `insert`: collecting into them sorts the items first, and each
/// item type's sort is about 3 KB of wasm.
impl<T: FromValue> FromValue for BTreeMap<String, T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        for (k, v) in object(value)? {
            map.insert(k, T::from_value(v)?);
        }
        Ok(map)
    }
}

impl<T: FromValue, S: std::hash::BuildHasher + Default> FromValue for HashMap<String, T, S> {
    fn from_value(value: Value) -> Result<Self, Error> {
        object(value)?
            .into_iter()
            .map(|(k, v)| Ok((k, T::from_value(v)?)))
            .collect()
    }
}

/// A deserializer over an owned JSON value (for a field's `deserialize_with`).
pub struct ValueDeserializer(Value);

impl ValueDeserializer {
    /// A deserializer over `value`.
    pub fn new(value: Value) -> Self {
        Self(value)
    }
}

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

    /// A unit variant is its name (as ARM writes enums); a variant with data is an object of
    /// one entry, its name and its data (serde's default, as the training events are written).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            Value::Object(entries) if entries.len() == 1 => {
                let (name, data) = entries.into_iter().next().unwrap_or_default();
                visitor.visit_enum(Variant { name, data })
            }
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

/// A variant with data: its name, then its data.
struct Variant {
    name: String,
    data: Value,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = ValueDeserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, ValueDeserializer), Error> {
        let name = seed.deserialize(self.name.into_deserializer())?;
        Ok((name, ValueDeserializer(self.data)))
    }
}

impl<'de> de::VariantAccess<'de> for ValueDeserializer {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"a unit variant",
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
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

    #[derive(Debug, PartialEq, Deserialize, FromValue)]
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

    #[derive(Debug, PartialEq, Deserialize, FromValue)]
    enum Step {
        Start,
        Log(String),
        Moved { from: u32, to: u32 },
        Pair(u8, u8),
    }

    #[test]
    fn reads_enums_with_data_as_serde_json_does() {
        for text in [
            r#""Start""#,
            r#"{"Log":"a line"}"#,
            r#"{"Moved":{"from":1,"to":2}}"#,
            r#"{"Pair":[3,4]}"#,
        ] {
            let ours: Vec<Step> = from_json(&format!("[{text}]")).unwrap();
            assert_eq!(
                ours,
                serde_json::from_str::<Vec<Step>>(&format!("[{text}]")).unwrap()
            );
        }
        for bad in [
            r#""Log""#,
            r#"{"Log":1}"#,
            r#"{"Stop":null}"#,
            r#"{"Log":"a","Start":null}"#,
        ] {
            assert!(from_json::<Step>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<Step>(bad).is_err(), "{bad}");
        }
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
