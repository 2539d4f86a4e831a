//! A cheap size guard on raw options, before any validation runs.
//!
//! Validation and naming work per character and some checks cost more than linear time, so a
//! megabyte-long name could keep a run busy for minutes before it is refused. No real option comes
//! near these sizes: a name or a tag list fits in a few hundred bytes, and `fields` for a thousand
//! fields in about 20 KiB. The precise, documented limits on names are the validator's; this only
//! keeps absurd input from reaching it.

use python_ddd_core::Problem;
use serde_json::Value;

use crate::json::pointer_segment;

/// The most bytes any option's text may hold.
pub const MAX_TEXT_BYTES: usize = 4 * 1024;
/// The most bytes of `fields`, which lists every field of the aggregate.
pub const MAX_FIELDS_BYTES: usize = 64 * 1024;
/// The most bytes an `--options-file` may hold.
pub const MAX_OPTIONS_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most bytes of an option's name (the longest real one has 13).
pub const MAX_KEY_BYTES: usize = 64;

/// Every text in `options` that is too long, each named by its JSON pointer. Nested values count
/// too, so a huge string inside an array or object is refused as early as a top-level one.
pub fn oversized(options: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    visit(options, "", &mut problems);
    problems
}

fn visit(value: &Value, pointer: &str, problems: &mut Vec<Problem>) {
    match value {
        Value::String(text) => {
            let limit = if pointer == "/fields" {
                MAX_FIELDS_BYTES
            } else {
                MAX_TEXT_BYTES
            };
            if text.len() > limit {
                problems.push(Problem {
                    path: pointer.to_owned(),
                    message: format!(
                        "the value is {} bytes long; at most {limit} are accepted",
                        text.len()
                    ),
                });
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                visit(item, &format!("{pointer}/{index}"), problems);
            }
        }
        Value::Object(object) => {
            for (key, item) in object {
                if key.len() > MAX_KEY_BYTES {
                    let shown: String = key.chars().take(32).collect();
                    problems.push(Problem {
                        path: pointer.to_owned(),
                        message: format!(
                            "an option name of {} bytes (`{shown}…`); at most {MAX_KEY_BYTES} are accepted",
                            key.len()
                        ),
                    });
                } else {
                    visit(
                        item,
                        &format!("{pointer}/{}", pointer_segment(key)),
                        problems,
                    );
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn limits_are_inclusive_and_named() {
        let at_limit = "a".repeat(MAX_TEXT_BYTES);
        let fields = "x".repeat(MAX_FIELDS_BYTES);
        assert!(oversized(&json!({ "name": at_limit, "fields": fields })).is_empty());
        let over = "a".repeat(MAX_TEXT_BYTES + 1);
        let problems =
            oversized(&json!({ "name": over, "tags": ["ok", over], "fields": fields + "x" }));
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "`name`: the value is 4097 bytes long; at most 4096 are accepted",
                "`tags/1`: the value is 4097 bytes long; at most 4096 are accepted",
                "`fields`: the value is 65537 bytes long; at most 65536 are accepted",
            ]
        );
    }

    #[test]
    fn long_option_names_are_cut_short() {
        let key = "k".repeat(MAX_KEY_BYTES + 1);
        let problems = oversized(&json!({ key: 1 }));
        assert_eq!(
            problems[0].to_string(),
            format!(
                "`options`: an option name of 65 bytes (`{}…`); at most 64 are accepted",
                "k".repeat(32)
            )
        );
    }
}
