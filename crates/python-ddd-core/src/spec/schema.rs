//! The JSON schema of each generator's options, generated from the Rust types in `options.rs`
//! (each generator's [`crate::generators::Definition::schema`] names its type).
//!
//! Emitted as flat draft-07 (no `$ref`, enums inline) because that is what Nx's validator and
//! Nx Console's form builder understand. The same text is committed under `schemas/` and copied
//! into the npm package; a test fails with a diff when the committed copy is stale.

use std::fmt::Write as _;

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::generators::Generator;

/// The schema as a JSON value.
pub fn schema_value(generator: Generator) -> Value {
    let schema = generator
        .definition()
        .schema(SchemaSettings::draft07().into_generator());
    flatten_for_nx(schema.to_value())
}

/// Options with a default that the stored context spec keeps between runs.
const SPEC_KEPT: &[&str] = &[
    "persistence",
    "eventBus",
    "cache",
    "api",
    "cli",
    "projectLayout",
];

/// Shapes schemars' output for Nx: `Option<T>` becomes plain `T` (an absent option is the null
/// case; Nx Console renders `["string", "null"]` as an untyped box), doc-comment line breaks become
/// spaces, and the top-level keys come first in the order schema files are usually read.
fn flatten_for_nx(mut schema: Value) -> Value {
    if let Some(properties) = schema["properties"].as_object_mut() {
        for property in properties.values_mut() {
            if let Some(types) = property["type"].as_array() {
                let non_null: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                if let [single] = non_null.as_slice() {
                    property["type"] = single.clone();
                }
            }
            if let Some(description) = property["description"].as_str() {
                property["description"] = Value::String(description.replace('\n', " "));
            }
        }
    }
    // Nx fills every option's `default` in before a generator runs, so a default would override
    // what the stored context spec says on every `nx g` re-run: options the spec keeps state their
    // default for a new context as `x-default` instead (the engine applies it when there is no spec).
    if let Some(properties) = schema["properties"].as_object_mut() {
        for key in SPEC_KEPT {
            if let Some(property) = properties.get_mut(*key).and_then(Value::as_object_mut)
                && let Some(default) = property.remove("default")
            {
                property.insert("x-default".to_owned(), default);
            }
        }
    }
    let Value::Object(mut object) = schema else {
        return schema;
    };
    let mut ordered = serde_json::Map::new();
    for key in ["$schema", "$id", "cli", "title", "description", "type"] {
        if let Some(value) = object.remove(key) {
            ordered.insert(key.to_owned(), value);
        }
    }
    ordered.extend(object);
    Value::Object(ordered)
}

/// The schema as committed: pretty JSON, two-space indent, one trailing newline.
pub fn schema_text(generator: Generator) -> String {
    let mut text = serde_json::to_string_pretty(&schema_value(generator))
        .expect("a serde_json::Value always serialises");
    text.push('\n');
    text
}

/// The file name under `schemas/`.
pub fn schema_file_name(generator: Generator) -> String {
    format!("{}.schema.json", generator.name())
}

/// The options as a Markdown table (option, type, default, description), for the README.
pub fn options_table(generator: Generator) -> String {
    let schema = schema_value(generator);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut table = String::from("| option | type | default | description |\n|---|---|---|---|\n");
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let kind = match property["enum"].as_array() {
            Some(values) => values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(" \\| "),
            None => property["type"].as_str().unwrap_or("any").to_owned(),
        };
        let default = match &property["default"] {
            Value::Null if required.contains(&name.as_str()) => {
                "required (1st positional)".to_owned()
            }
            Value::Null => match property["x-default"].as_str() {
                Some(default) => format!("`{default}` (new context; then the stored spec's)"),
                None => "—".to_owned(),
            },
            value => format!(
                "`{}`",
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned)
            ),
        };
        let description = property["description"]
            .as_str()
            .unwrap_or_default()
            .replace('|', "\\|");
        let _ = writeln!(table, "| `{name}` | {kind} | {default} | {description} |");
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> Value {
        schema_value(Generator::Domain)
    }

    #[test]
    fn is_flat_draft_07() {
        let text = schema_text(Generator::Domain);
        assert!(
            !text.contains("$ref"),
            "Nx Console cannot follow $ref:\n{text}"
        );
        assert!(!text.contains("definitions") && !text.contains("$defs"));
        assert_eq!(
            domain()["$schema"],
            "http://json-schema.org/draft-07/schema#"
        );
        assert_eq!(domain()["additionalProperties"], false);
        assert_eq!(domain()["required"], serde_json::json!(["name"]));
    }

    #[test]
    fn name_is_the_first_positional_argument() {
        let name = &domain()["properties"]["name"];
        assert_eq!(
            name["$default"],
            serde_json::json!({ "$source": "argv", "index": 0 })
        );
        assert_eq!(name["pattern"], "^[a-z][a-z0-9]*([_-][a-z0-9]+)*$");
        assert!(name["x-prompt"].is_string());
    }

    #[test]
    fn enums_are_inline_with_defaults() {
        let properties = &domain()["properties"];
        assert_eq!(
            properties["persistence"]["enum"],
            serde_json::json!(["sqlalchemy", "memory"])
        );
        // Nx would fill a `default` in on every run, over the stored spec's value.
        assert_eq!(properties["persistence"]["default"], Value::Null);
        assert_eq!(properties["persistence"]["x-default"], "sqlalchemy");
        for key in SPEC_KEPT {
            assert!(properties[*key]["x-default"].is_string(), "{key}");
        }
        assert_eq!(
            properties["eventBus"]["enum"],
            serde_json::json!(["memory", "kafka", "rabbitmq"])
        );
        assert_eq!(
            properties["api"]["enum"],
            serde_json::json!(["fastapi", "none"])
        );
        assert_eq!(
            properties["projectLayout"]["enum"],
            serde_json::json!(["single", "per-layer"])
        );
        assert_eq!(properties["directory"]["default"], "libs");
        assert_eq!(properties["force"]["default"], false);
    }

    /// The README's options table of every generator must match its schema.
    #[test]
    fn readme_options_tables_are_fresh() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"),
        )
        .expect("README.md exists");
        for &generator in Generator::ALL {
            let name = generator.name();
            let (start, end) = (
                format!("<!-- options:{name}:start -->\n"),
                format!("<!-- options:{name}:end -->"),
            );
            let table = readme
                .split_once(&start)
                .and_then(|(_, rest)| rest.split_once(&end))
                .map_or_else(
                    || panic!("README.md has no `{start}` … `{end}` markers"),
                    |(table, _)| table,
                );
            let fresh = options_table(generator);
            assert!(
                table == fresh,
                "README.md's `{name}` options table is stale; replace it with `python-ddd schema {name} --markdown`:\n{fresh}"
            );
        }
    }

    /// The committed `schemas/*.schema.json` must equal what the types generate. Rewrite them with
    /// `cargo run -p python-ddd -- schema --write schemas` (or `just schemas`).
    #[test]
    fn committed_schemas_are_fresh() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
        for &generator in Generator::ALL {
            let path = dir.join(schema_file_name(generator));
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            let fresh = schema_text(generator);
            if committed != fresh {
                let diff = crate::diff::unified(
                    &format!("committed/{}", schema_file_name(generator)),
                    Some(&committed),
                    &format!("generated/{}", schema_file_name(generator)),
                    Some(&fresh),
                );
                panic!(
                    "`{}` is stale; rewrite it with `just schemas` \
                     (cargo run -p python-ddd -- schema --write schemas):\n{diff}",
                    path.display()
                );
            }
        }
    }
}
