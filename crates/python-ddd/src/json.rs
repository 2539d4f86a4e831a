//! Strict JSON for everything a user hands us (`--options-json`, `--options-file`, `nx` stdin).
//!
//! `serde_json` keeps the last of two equal keys without a word, so `{"api":"none","api":"fastapi"}`
//! would silently mean `fastapi`. [`parse`] builds the same [`Value`] but refuses a repeated key
//! at any depth, naming the key and the JSON pointer of the object that repeats it.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses `text` as JSON, refusing duplicate keys. The error is `serde_json`'s, whose message
/// ends with the line and column.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Strict {
        pointer: String::new(),
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A JSON pointer segment: `~` and `/` escaped as RFC 6901 says.
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Deserializes one value that lives at `pointer`.
struct Strict {
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        // Not finite numbers cannot come out of JSON text; `Null` is what serde_json does too.
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict {
            pointer: format!("{}/{}", self.pointer, items.len()),
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, pointer_segment(&key));
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{key}` (at `{pointer}`)"
                )));
            }
            let value = map.next_value_seed(Strict { pointer })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_serde_json() {
        let text = r#"{"a":[1,-2,3.5,true,null,"x",{"b":{}}],"c~/d":"é"}"#;
        assert_eq!(
            parse(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn duplicate_keys_are_named_at_every_depth() {
        let cases = [
            (
                r#"{"api":"none","api":"fastapi"}"#,
                "duplicate key `api` (at `/api`) at line 1 column 19",
            ),
            (
                r#"{"options":{"name":"a","x":[{"k/~":1,"k/~":2}]}}"#,
                "duplicate key `k/~` (at `/options/x/0/k~1~0`) at line 1 column 42",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).unwrap_err().to_string(), expected, "{text}");
        }
    }

    #[test]
    fn trailing_garbage_is_refused() {
        assert_eq!(
            parse("{} x").unwrap_err().to_string(),
            "trailing characters at line 1 column 4"
        );
    }
}
