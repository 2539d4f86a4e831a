//! A quick, conservative answer to "do these options satisfy the generator's JSON schema?".
//!
//! Compiling the schema with `jsonschema` costs millions of instructions, about a tenth of a
//! whole generation (docs/benchmarks.md), and almost every run's options are valid. This module
//! reads the same schema value and answers `true` only when it is sure the options pass: every
//! keyword it meets is one it checks exactly (`type`, `enum`, `minLength`, `maxLength`, the
//! `pattern`s below, `required`, `additionalProperties: false`). Anything else — an unknown
//! keyword, a pattern without a matcher here, any failing check — answers `false`, and the caller
//! runs `jsonschema` for the problems and their exact messages. So a mistake here can only cost
//! time, never change a message; `tests` compares both verdicts on random options.

use serde_json::{Map, Value};

/// Keywords that constrain nothing (Nx and Nx Console annotations, documentation).
const ANNOTATIONS: &[&str] = &[
    "description",
    "default",
    "$default",
    "x-prompt",
    "x-priority",
];

/// Whether `instance` certainly satisfies the flat object `schema`; `false` means "not sure".
pub fn certainly_valid(schema: &Value, instance: &Value) -> bool {
    let (Some(schema), Some(object)) = (schema.as_object(), instance.as_object()) else {
        return false;
    };
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return false;
    };
    let top_level_known = schema.iter().all(|(key, value)| match key.as_str() {
        "$schema" | "$id" | "cli" | "title" | "description" | "required" | "properties" => true,
        "type" => value == "object",
        "additionalProperties" => value == false,
        _ => false,
    });
    let required_present =
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_none_or(|required| {
                required
                    .iter()
                    .all(|key| key.as_str().is_some_and(|key| object.contains_key(key)))
            });
    top_level_known
        && required_present
        && object.iter().all(|(key, value)| {
            properties
                .get(key)
                .and_then(Value::as_object)
                .is_some_and(|property| property_holds(property, value))
        })
}

/// Whether `value` certainly satisfies one property's schema.
fn property_holds(property: &Map<String, Value>, value: &Value) -> bool {
    property
        .iter()
        .all(|(keyword, constraint)| match keyword.as_str() {
            "type" => match constraint.as_str() {
                Some("string") => value.is_string(),
                Some("boolean") => value.is_boolean(),
                _ => false,
            },
            "enum" => constraint
                .as_array()
                .is_some_and(|allowed| allowed.contains(value)),
            // jsonschema counts characters (code points), as `chars` does.
            "minLength" => match (constraint.as_u64(), value.as_str()) {
                (Some(min), Some(text)) => text.chars().count() as u64 >= min,
                (Some(_), None) => true, // applies to strings only
                (None, _) => false,
            },
            "maxLength" => match (constraint.as_u64(), value.as_str()) {
                (Some(max), Some(text)) => text.chars().count() as u64 <= max,
                (Some(_), None) => true,
                (None, _) => false,
            },
            "pattern" => match (constraint.as_str().and_then(matcher), value.as_str()) {
                (Some(matches), Some(text)) => matches(text),
                (Some(_), None) => true,
                (None, _) => false, // a pattern with no matcher here: let jsonschema decide
            },
            keyword => ANNOTATIONS.contains(&keyword) || keyword.starts_with("x-"),
        })
}

/// The hand-written matcher of each pattern the schema uses (`options.rs`), found by its text.
/// A pattern not listed makes [`certainly_valid`] defer to `jsonschema`; a test checks that every
/// pattern in the schema is listed, so that a new one is not a silent slowdown.
fn matcher(pattern: &str) -> Option<fn(&str) -> bool> {
    match pattern {
        r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$" => Some(is_context_name),
        r"^[A-Z][A-Za-z0-9]*$" => Some(is_pascal_name),
        r"^[A-Za-z0-9:_./@-]+(,[A-Za-z0-9:_./@-]+)*$" => Some(is_tag_list),
        _ => None,
    }
}

/// `^[a-z][a-z0-9]*([_-][a-z0-9]+)*$`: lowercase words of letters and digits, one `_` or `-`
/// between two of them.
fn is_context_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some((first, rest)) = bytes.split_first() else {
        return false;
    };
    let word = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut after_separator = false;
    for byte in rest {
        if *byte == b'_' || *byte == b'-' {
            if after_separator {
                return false;
            }
            after_separator = true;
        } else if word(byte) {
            after_separator = false;
        } else {
            return false;
        }
    }
    first.is_ascii_lowercase() && !after_separator
}

/// `^[A-Z][A-Za-z0-9]*$`.
fn is_pascal_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_uppercase) && bytes.iter().all(u8::is_ascii_alphanumeric)
}

/// `^[A-Za-z0-9:_./@-]+(,[A-Za-z0-9:_./@-]+)*$`: non-empty tags separated by single commas.
fn is_tag_list(text: &str) -> bool {
    text.split(',').all(|tag| {
        !tag.is_empty()
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b":_./@-".contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::generators::Generator;
    use crate::schema::schema_value;

    fn validator(schema: &Value) -> jsonschema::Validator {
        jsonschema::draft7::new(schema).expect("the generated schema compiles")
    }

    /// A pattern matcher must agree with the regular expression it stands for.
    fn regex_agrees(pattern: &str, text: &str) -> bool {
        let schema = json!({ "type": "string", "pattern": pattern });
        let expected = validator(&schema).is_valid(&json!(text));
        matcher(pattern).expect("a matcher")(text) == expected
    }

    #[test]
    fn every_pattern_of_the_schema_has_a_matcher() {
        let schema = schema_value(Generator::Domain);
        for (name, property) in schema["properties"].as_object().unwrap() {
            if let Some(pattern) = property["pattern"].as_str() {
                assert!(
                    matcher(pattern).is_some(),
                    "`{name}`'s pattern {pattern} has no matcher in schema_check.rs: every run \
                     would compile the schema"
                );
            }
        }
    }

    #[test]
    fn typical_options_are_certainly_valid() {
        let schema = schema_value(Generator::Domain);
        let options = json!({
            "name": "order-items", "directory": "libs", "entity": "OrderItem",
            "fields": "total:money", "persistence": "sqlalchemy", "eventBus": "kafka",
            "cache": "redis", "api": "fastapi", "projectLayout": "per-layer", "tags": "team:sales,x", "force": false
        });
        assert!(certainly_valid(&schema, &options));
        assert!(validator(&schema).is_valid(&options));
        for unsure in [
            json!({ "directory": "libs" }),               // `name` is required
            json!({ "name": "orders", "colour": "red" }), // unknown option
            json!({ "name": "orders", "persistence": "mongo" }),
            json!({ "name": "orders", "force": "yes" }),
            json!({ "name": "orders", "tags": "a,,b" }),
            json!({ "name": "orders", "directory": "" }),
            json!(["name"]),
        ] {
            assert!(!certainly_valid(&schema, &unsure), "{unsure}");
        }
    }

    /// `certainly_valid` says `true` exactly when `jsonschema` finds no error, on random options
    /// made of the characters and values the checks are about (`PYTHON_DDD_SCHEMA_SEED`,
    /// `PYTHON_DDD_SCHEMA_CASES`). Exactly, not only "never wrongly": a `false` for valid options
    /// would only cost time, but it would be time spent on every such run.
    #[test]
    fn agrees_with_jsonschema_on_random_options() {
        const PIECES: [&str; 16] = [
            "a", "z", "0", "9", "A", "Z", "_", "-", ",", ":", "/", "@", ".", "é", " ", "\n",
        ];
        const KEYS: [&str; 12] = [
            "name",
            "directory",
            "entity",
            "fields",
            "persistence",
            "eventBus",
            "cache",
            "api",
            "projectLayout",
            "tags",
            "force",
            "other",
        ];
        let mut rng = crate::test_cases::Cases::from_env("PYTHON_DDD_SCHEMA", 0x2026_1130);
        let (seed, cases) = (rng.seed, rng.count);
        let schema = schema_value(Generator::Domain);
        let validator = validator(&schema);
        let mut valid = 0;
        for case in 0..cases {
            let mut options = Map::new();
            if rng.below(8) != 0 {
                options.insert("name".into(), json!("orders"));
            }
            for _ in 0..rng.below(4) {
                let key = KEYS[rng.below(KEYS.len())];
                let value = match rng.below(8) {
                    0 => json!(true),
                    1 => json!(3),
                    2 => json!(
                        [
                            "sqlalchemy",
                            "memory",
                            "kafka",
                            "redis",
                            "fastapi",
                            "none",
                            "single",
                            "per-layer"
                        ][rng.below(8)]
                    ),
                    3 => json!("x".repeat(rng.below(2) * 41 + 1)),
                    _ => json!(
                        (0..rng.below(6))
                            .map(|_| PIECES[rng.below(PIECES.len())])
                            .collect::<String>()
                    ),
                };
                options.insert(key.to_owned(), value);
            }
            let options = Value::Object(options);
            let expected = validator.is_valid(&options);
            valid += usize::from(expected);
            assert_eq!(
                certainly_valid(&schema, &options),
                expected,
                "seed {seed}, case {case}: {options}"
            );
        }
        assert!(
            valid > 0 && valid < usize::try_from(cases).unwrap(),
            "{valid}"
        );
    }

    #[test]
    fn pattern_matchers_agree_with_the_regular_expressions() {
        let cases: &[(&str, &[&str])] = &[
            (
                r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$",
                &[
                    "orders",
                    "order_items",
                    "order-items",
                    "a1_b2-c3",
                    "",
                    "_a",
                    "a_",
                    "a__b",
                    "a_-b",
                    "Orders",
                    "9a",
                    "a b",
                    "é",
                    "a\n",
                    "a-",
                ],
            ),
            (
                r"^[A-Z][A-Za-z0-9]*$",
                &[
                    "Order",
                    "O",
                    "OrderItem2",
                    "",
                    "order",
                    "Order_Item",
                    "Ordé",
                    "Order\n",
                ],
            ),
            (
                r"^[A-Za-z0-9:_./@-]+(,[A-Za-z0-9:_./@-]+)*$",
                &[
                    "a",
                    "scope:x,type:y",
                    "@a/b.c-d_e",
                    "",
                    ",",
                    "a,",
                    ",a",
                    "a,,b",
                    "a b",
                    "é",
                    "a\n",
                ],
            ),
        ];
        for (pattern, texts) in cases {
            for text in *texts {
                assert!(regex_agrees(pattern, text), "{pattern} on {text:?}");
            }
        }
    }
}
