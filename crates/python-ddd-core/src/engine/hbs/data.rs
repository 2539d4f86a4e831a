//! The data templates render from: serde_json's values in a leaner shape.
//!
//! A model's JSON as `serde_json::Value` holds every object in an `IndexMap` (a hash index beside
//! 112-byte entries, each key its own allocation), and the domain model is an object of some forty
//! keys per field: at 1,000 fields that alone was ~8 MB, most of a run's peak memory (issue 15).
//! The engine never hashes a key (it compares them in order, see `render::field`), so an object is
//! a plain list of `(key, value)` pairs here, a struct's keys are its `&'static` field names (no
//! allocation each), and [`to_data`] serializes a model straight into this form, so a run never
//! holds the model's `Value` at all.

use std::borrow::Cow;
use std::fmt;

use serde::ser::{self, Serialize};
use serde_json::{Number, Value};

/// A JSON value as the engine reads it: objects keep their keys in order, in a list.
#[derive(Debug, Clone)]
pub enum Data {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Data>),
    Object(Vec<(Key, Data)>),
}

/// An object's key: a struct's field name, or a map's key.
pub type Key = Cow<'static, str>;

impl From<Value> for Data {
    fn from(value: Value) -> Self {
        match value {
            Value::Null => Data::Null,
            Value::Bool(flag) => Data::Bool(flag),
            Value::Number(number) => Data::Number(number),
            Value::String(text) => Data::String(text),
            Value::Array(items) => Data::Array(items.into_iter().map(Data::from).collect()),
            Value::Object(map) => Data::Object(
                map.into_iter()
                    .map(|(key, value)| (Cow::Owned(key), Data::from(value)))
                    .collect(),
            ),
        }
    }
}

impl From<&Value> for Data {
    fn from(value: &Value) -> Self {
        Data::from(value.clone())
    }
}

impl From<bool> for Data {
    fn from(flag: bool) -> Self {
        Data::Bool(flag)
    }
}

impl From<usize> for Data {
    fn from(number: usize) -> Self {
        Data::Number(Number::from(number))
    }
}

impl From<i64> for Data {
    fn from(number: i64) -> Self {
        Data::Number(Number::from(number))
    }
}

/// JSON equality, as `serde_json::Value`'s: objects are equal when they hold the same keys with
/// equal values, in any order.
impl PartialEq for Data {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Data::Null, Data::Null) => true,
            (Data::Bool(a), Data::Bool(b)) => a == b,
            (Data::Number(a), Data::Number(b)) => a == b,
            (Data::String(a), Data::String(b)) => a == b,
            (Data::Array(a), Data::Array(b)) => a == b,
            (Data::Object(a), Data::Object(b)) => {
                a.len() == b.len()
                    && a.iter().all(|(key, value)| {
                        b.iter()
                            .find(|(other, _)| other == key)
                            .is_some_and(|(_, other)| other == value)
                    })
            }
            _ => false,
        }
    }
}

/// Why a value could not be made [`Data`]: a map key that is not a string, or the value's own
/// `Serialize` failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError(String);

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DataError {}

impl ser::Error for DataError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DataError(message.to_string())
    }
}

/// `value` as [`Data`]: the same value `serde_json::to_value` gives (a map with a repeated key
/// keeps the key's first place and its last value, as serde_json's ordered map does), made
/// without the `Value`.
pub fn to_data<T: Serialize + ?Sized>(value: &T) -> Result<Data, DataError> {
    value.serialize(Serializer)
}

/// Puts `(key, value)` in `entries`, replacing the value of a key already there.
fn insert(entries: &mut Vec<(Key, Data)>, key: Key, value: Data) {
    match entries.iter_mut().find(|(existing, _)| *existing == key) {
        Some((_, slot)) => *slot = value,
        None => entries.push((key, value)),
    }
}

struct Serializer;

type Result<T, E = DataError> = std::result::Result<T, E>;

impl ser::Serializer for Serializer {
    type Ok = Data;
    type Error = DataError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = VariantBuilder<SeqBuilder>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = VariantBuilder<MapBuilder>;

    fn serialize_bool(self, v: bool) -> Result<Data> {
        Ok(Data::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_u8(self, v: u8) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Data> {
        Ok(Data::Number(v.into()))
    }
    fn serialize_f32(self, v: f32) -> Result<Data> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Data> {
        // serde_json: a float JSON cannot hold (NaN, infinity) is `null`.
        Ok(Number::from_f64(v).map_or(Data::Null, Data::Number))
    }
    fn serialize_char(self, v: char) -> Result<Data> {
        Ok(Data::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Data> {
        Ok(Data::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Data> {
        Ok(Data::Array(
            v.iter()
                .map(|&byte| Data::from(usize::from(byte)))
                .collect(),
        ))
    }
    fn serialize_none(self) -> Result<Data> {
        Ok(Data::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Data> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Data> {
        Ok(Data::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Data> {
        Ok(Data::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Data> {
        Ok(Data::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Data> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Data> {
        Ok(Data::Object(vec![(
            Cow::Borrowed(variant),
            to_data(value)?,
        )]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder> {
        Ok(SeqBuilder(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<SeqBuilder>> {
        Ok(VariantBuilder {
            variant,
            inner: SeqBuilder(Vec::with_capacity(len)),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder> {
        Ok(MapBuilder {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<MapBuilder>> {
        Ok(VariantBuilder {
            variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

struct SeqBuilder(Vec<Data>);

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Data;
    type Error = DataError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.0.push(to_data(value)?);
        Ok(())
    }
    fn end(self) -> Result<Data> {
        Ok(Data::Array(self.0))
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Data;
    type Error = DataError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Data> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Data;
    type Error = DataError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Data> {
        ser::SerializeSeq::end(self)
    }
}

struct MapBuilder {
    entries: Vec<(Key, Data)>,
    /// The key whose value comes next (`serialize_key` then `serialize_value`).
    key: Option<Key>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Data;
    type Error = DataError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        // serde_json's keys: strings, and numbers, booleans and chars as their text.
        self.key = Some(Cow::Owned(match to_data(key)? {
            Data::String(text) => text,
            Data::Number(number) => number.to_string(),
            Data::Bool(flag) => flag.to_string(),
            _ => return Err(DataError("key must be a string".to_owned())),
        }));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| DataError("a map value before its key".to_owned()))?;
        insert(&mut self.entries, key, to_data(value)?);
        Ok(())
    }
    fn end(self) -> Result<Data> {
        Ok(Data::Object(self.entries))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Data;
    type Error = DataError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        insert(&mut self.entries, Cow::Borrowed(key), to_data(value)?);
        Ok(())
    }
    fn end(self) -> Result<Data> {
        Ok(Data::Object(self.entries))
    }
}

/// An enum variant with content: `{"<variant>": <content>}`, as serde_json makes it.
struct VariantBuilder<T> {
    variant: &'static str,
    inner: T,
}

impl ser::SerializeTupleVariant for VariantBuilder<SeqBuilder> {
    type Ok = Data;
    type Error = DataError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }
    fn end(self) -> Result<Data> {
        let content = ser::SerializeSeq::end(self.inner)?;
        Ok(Data::Object(vec![(Cow::Borrowed(self.variant), content)]))
    }
}

impl ser::SerializeStructVariant for VariantBuilder<MapBuilder> {
    type Ok = Data;
    type Error = DataError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Result<Data> {
        let content = ser::SerializeMap::end(self.inner)?;
        Ok(Data::Object(vec![(Cow::Borrowed(self.variant), content)]))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Conversion keeps every value and the keys' order; equality is JSON's.
    #[test]
    fn converts_and_compares_like_json() {
        let value = json!({"b": [1, "x", null, true], "a": {"y": 2.5, "x": false}});
        let data = Data::from(&value);
        let Data::Object(entries) = &data else {
            panic!("{data:?}")
        };
        assert_eq!(
            entries
                .iter()
                .map(|(key, _)| key.as_ref())
                .collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(
            data,
            Data::from(json!({"a": {"x": false, "y": 2.5}, "b": [1, "x", null, true]}))
        );
        assert_ne!(
            data,
            Data::from(json!({"a": {"x": false}, "b": [1, "x", null, true]}))
        );
        assert_ne!(Data::from(json!(1)), Data::from(json!("1")));
    }

    #[derive(serde::Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(i32, f64),
        Struct { side: Option<u32> },
    }

    #[derive(serde::Serialize)]
    struct Inner {
        name: String,
        shapes: Vec<Shape>,
        by_number: std::collections::BTreeMap<u16, bool>,
        nothing: (),
        letter: char,
        ratio: f32,
        not_a_number: f64,
    }

    #[derive(serde::Serialize)]
    struct Outer {
        #[serde(flatten)]
        inner: Inner,
        extra: std::collections::BTreeMap<String, Vec<i64>>,
        /// A key the flattened struct has too: replaced in place, as in serde_json's map.
        #[serde(rename = "name")]
        renamed: &'static str,
    }

    /// `to_data` gives what `serde_json::to_value` gives, for every kind of value serde has.
    #[test]
    fn serializes_as_serde_json_does() {
        let outer = Outer {
            inner: Inner {
                name: "orders".into(),
                shapes: vec![
                    Shape::Unit,
                    Shape::Newtype(7),
                    Shape::Tuple(-3, 0.5),
                    Shape::Struct { side: None },
                    Shape::Struct { side: Some(4) },
                ],
                by_number: [(2, true), (10, false)].into(),
                nothing: (),
                letter: 'é',
                ratio: 0.25,
                not_a_number: f64::NAN,
            },
            extra: [("a".to_owned(), vec![-1, i64::MAX])].into(),
            renamed: "again",
        };
        let expected = serde_json::to_value(&outer).unwrap();
        let data = to_data(&outer).unwrap();
        assert_eq!(data, Data::from(&expected));
        // The same keys in the same order, the repeated one in its first place.
        let keys = |data: &Data| match data {
            Data::Object(entries) => entries.iter().map(|(key, _)| key.to_string()).collect(),
            _ => Vec::new(),
        };
        assert_eq!(keys(&data), keys(&Data::from(&expected)));
        assert_eq!(keys(&data)[0], "name");
        assert!(to_data(&std::collections::BTreeMap::from([((1, 2), 3)])).is_err());
    }
}
