//! Stage 2, validate: raw JSON options → typed options, or every problem at once.
//!
//! First the generator's JSON schema (the same one Nx validates with), so type errors read the same
//! everywhere; then the checks a schema cannot express: Python identifiers that are not keywords
//! and shadow nothing, a field spec that parses, a `directory` that stays inside the workspace.

use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::fields::{self, FieldSpec};
use crate::names;
use crate::options::{DomainOptions, Generator};
use crate::schema;

/// One thing wrong with the options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer to the option (`/persistence`), or `""` for the options object itself.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The option as a user would type it: `persistence`, `fields`, or `options` for the root.
    pub fn option(&self) -> &str {
        let option = self.path.trim_start_matches('/');
        if option.is_empty() { "options" } else { option }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.option(), self.message)
    }
}

/// Options that passed every check, with the facts the checks derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDomain {
    pub options: DomainOptions,
    /// The aggregate root's class name (given, or derived from `name`).
    pub entity: String,
    pub fields: Vec<FieldSpec>,
}

/// Validates `domain` options given as JSON.
pub fn domain(raw: &Value) -> Result<ValidDomain, Vec<Problem>> {
    let mut problems = against_schema(Generator::Domain, raw);
    if !problems.is_empty() {
        return Err(problems);
    }
    let options: DomainOptions = serde_json::from_value(raw.clone())
        .map_err(|error| vec![Problem::new("", error.to_string())])?;

    let name_ok = match names::check_context_name(&options.name) {
        Ok(()) => true,
        Err(problem) => {
            problems.push(Problem::new(
                "/name",
                format!("`{}` is {}", options.name, problem.describe()),
            ));
            false
        }
    };
    let entity = options
        .entity
        .clone()
        .unwrap_or_else(|| default_entity(&options.name));
    let entity_path = if options.entity.is_some() {
        "/entity"
    } else {
        "/name"
    };
    if !name_ok && options.entity.is_none() {
        // the derived entity would only repeat the problem with `name`
    } else if let Err(problem) = names::check_entity_name(&entity) {
        problems.push(Problem::new(
            entity_path,
            format!("the aggregate root `{entity}` is {}", problem.describe()),
        ));
    } else {
        let snake = names::snake(&entity);
        if names::plural(&snake) == snake {
            problems.push(Problem::new(
                entity_path,
                format!(
                    "the aggregate root `{entity}` has no distinct plural to name its collections; \
                     choose another `entity` (e.g. `{entity}Item`)"
                ),
            ));
        } else if let Some(clash) = entity_clash(&entity) {
            problems.push(Problem::new(
                entity_path,
                format!(
                    "the aggregate root `{entity}` {clash}; choose another `entity` (e.g. `{entity}Item`)"
                ),
            ));
        }
    }
    if let Err(message) = check_directory(&options.directory) {
        problems.push(Problem::new("/directory", message));
    }
    let fields =
        match fields::parse_spec(options.fields.as_deref().unwrap_or(fields::DEFAULT_FIELDS)) {
            Ok(fields) => fields,
            Err(field_problems) => {
                problems.extend(field_problems.into_iter().map(|p| {
                    Problem::new(
                        "/fields",
                        format!("item {} (`{}`): {}", p.position, p.item, p.message),
                    )
                }));
                Vec::new()
            }
        };
    // The generated code names the aggregate `<entity_snake>` and its id `<entity_snake>_id`.
    let entity_snake = names::snake(&entity);
    for (index, field) in fields.iter().enumerate() {
        if field.name == entity_snake || field.name == format!("{entity_snake}_id") {
            problems.push(Problem::new(
                "/fields",
                format!(
                    "item {}: field name `{}` clashes with the generated code, which names the aggregate \
                     `{entity_snake}` and its id `{entity_snake}_id`; choose another name",
                    index + 1,
                    field.name
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(ValidDomain {
            options,
            entity,
            fields,
        })
    } else {
        Err(problems)
    }
}

/// The aggregate root a context is about: the singular of its name (`orders` → `Order`), or
/// `<Singular>Item` when the word has no distinct plural (`fish` → `FishItem`, collections
/// `fish_items`), since collections and their members need different names.
fn default_entity(name: &str) -> String {
    let singular = names::singular(name);
    if names::plural(&singular) == singular {
        format!("{}Item", names::pascal(&singular))
    } else {
        names::pascal(&singular)
    }
}

/// Classes every generated context defines next to the aggregate root.
const GENERATED_CLASSES: &[&str] = &[
    "AggregateRoot",
    "Cache",
    "Domain",
    "DomainError",
    "DomainEvent",
    "Email",
    "Event",
    "EventBus",
    "Money",
    "Specification",
    "UnitOfWork",
];

/// Built-in exceptions named `<Word>Error`: the aggregate's error class `<Entity>Error` would shadow them.
const BUILTIN_ERRORS: &[&str] = &[
    "Arithmetic",
    "Assertion",
    "Attribute",
    "Buffer",
    "EOF",
    "Environment",
    "FloatingPoint",
    "IO",
    "Import",
    "Indentation",
    "Index",
    "Key",
    "Lookup",
    "Memory",
    "ModuleNotFound",
    "Name",
    "NotImplemented",
    "OS",
    "Overflow",
    "Recursion",
    "Reference",
    "Runtime",
    "Syntax",
    "System",
    "Tab",
    "Type",
    "UnboundLocal",
    "Unicode",
    "Value",
    "ZeroDivision",
    "BlockingIO",
    "BrokenPipe",
    "ChildProcess",
    "Connection",
    "ConnectionAborted",
    "ConnectionRefused",
    "ConnectionReset",
    "FileExists",
    "FileNotFound",
    "Interrupted",
    "IsADirectory",
    "NotADirectory",
    "Permission",
    "ProcessLookup",
    "Timeout",
];

/// Why an aggregate root name would break the generated code, if it would.
fn entity_clash(entity: &str) -> Option<String> {
    if entity == "Event" {
        return Some(
            "would give its events an `event_id` field, which every domain event already has"
                .to_owned(),
        );
    }
    if GENERATED_CLASSES.contains(&entity) {
        return Some(format!(
            "clashes with the `{entity}` the generated code defines"
        ));
    }
    if BUILTIN_ERRORS.contains(&entity) {
        return Some(format!(
            "would name its error class `{entity}Error`, a Python built-in"
        ));
    }
    None
}

/// `directory` must be a relative, normalised path of plain components: it is joined to the
/// workspace root, so `..`, absolute paths and drive prefixes would escape it.
pub fn check_directory(directory: &str) -> Result<(), String> {
    let allowed = "a relative path inside the workspace like `libs` or `packages/backend`";
    if directory.starts_with('/') || directory.starts_with('\\') || directory.contains(':') {
        return Err(format!("`{directory}` is absolute; expected {allowed}"));
    }
    if directory.contains('\\') {
        return Err(format!(
            "`{directory}` uses `\\`; separate folders with `/` ({allowed})"
        ));
    }
    for component in directory.split('/') {
        match component {
            "" => {
                return Err(format!(
                    "`{directory}` has an empty path component; expected {allowed}"
                ));
            }
            "." | ".." => {
                return Err(format!(
                    "`{directory}` contains `{component}`, which is not allowed; expected {allowed}"
                ));
            }
            _ if !component
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) =>
            {
                return Err(format!(
                    "`{directory}`: the folder name `{component}` may only use letters, digits, `.`, `_` and `-`"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every schema error, each with the pointer of the option it is about.
fn against_schema(generator: Generator, raw: &Value) -> Vec<Problem> {
    static DOMAIN: OnceLock<(Value, jsonschema::Validator)> = OnceLock::new();
    let (schema, validator) = match generator {
        Generator::Domain => DOMAIN.get_or_init(|| {
            let schema = schema::schema_value(Generator::Domain);
            let validator =
                jsonschema::draft7::new(&schema).expect("the generated schema compiles");
            (schema, validator)
        }),
    };
    let Some(object) = raw.as_object() else {
        return vec![Problem::new(
            "",
            format!("expected a JSON object of options, found `{raw}`"),
        )];
    };
    let properties = schema["properties"]
        .as_object()
        .expect("the schema lists properties");
    let mut problems: Vec<Problem> = object
        .keys()
        .filter(|key| !properties.contains_key(*key))
        .map(|key| {
            let known: Vec<&str> = properties.keys().map(String::as_str).collect();
            Problem::new(
                format!("/{key}"),
                format!(
                    "unknown option `{key}`; the `{}` generator accepts: {}",
                    generator.name(),
                    known.join(", ")
                ),
            )
        })
        .collect();
    for error in validator.iter_errors(raw) {
        if matches!(
            error.kind(),
            jsonschema::error::ValidationErrorKind::AdditionalProperties { .. }
        ) {
            continue; // reported above, one problem per unknown option
        }
        let path = error.instance_path().as_str().to_owned();
        let message = match error.kind() {
            jsonschema::error::ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default().to_owned();
                problems.push(Problem::new(
                    format!("/{name}"),
                    format!("`{name}` is required"),
                ));
                continue;
            }
            jsonschema::error::ValidationErrorKind::Pattern { pattern } => {
                format!("{} does not match `{pattern}`", error.instance())
            }
            _ => error.to_string(),
        };
        problems.push(Problem::new(path, message));
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    problems
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn messages(raw: &Value) -> Vec<String> {
        domain(raw)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn defaults_apply() {
        let valid = domain(&json!({ "name": "orders" })).unwrap();
        assert_eq!(valid.entity, "Order");
        assert_eq!(valid.options.directory, "libs");
        assert_eq!(valid.fields.len(), 4);
    }

    #[test]
    fn every_schema_error_is_listed_with_its_option() {
        assert_eq!(
            messages(
                &json!({ "name": "Bad-Name", "persistence": "mongo", "api": 3, "color": "red" })
            ),
            [
                "`api`: 3 is not of type \"string\"",
                "`api`: 3 is not one of \"fastapi\" or \"none\"",
                "`color`: unknown option `color`; the `domain` generator accepts: name, directory, entity, fields, persistence, eventBus, api, projectLayout, tags, force",
                "`name`: \"Bad-Name\" does not match `^[a-z][a-z0-9_]*$`",
                "`persistence`: \"mongo\" is not one of \"sqlalchemy\" or \"memory\"",
            ]
        );
    }

    #[test]
    fn entities_that_clash_with_generated_or_builtin_names_are_refused() {
        assert_eq!(
            messages(&json!({ "name": "keys" })),
            [
                "`name`: the aggregate root `Key` would name its error class `KeyError`, a Python built-in; choose another `entity` (e.g. `KeyItem`)"
            ]
        );
        assert_eq!(
            messages(&json!({ "name": "venues", "entity": "Event" })),
            [
                "`entity`: the aggregate root `Event` would give its events an `event_id` field, which every domain event already has; choose another `entity` (e.g. `EventItem`)"
            ]
        );
        assert!(domain(&json!({ "name": "keys", "entity": "ApiKey" })).is_ok());
    }

    #[test]
    fn fields_may_not_take_the_aggregate_names() {
        assert_eq!(
            messages(&json!({ "name": "orders", "fields": "order_id:uuid,order:str,total:int" })),
            [
                "`fields`: item 1: field name `order_id` clashes with the generated code, which names the aggregate `order` and its id `order_id`; choose another name",
                "`fields`: item 2: field name `order` clashes with the generated code, which names the aggregate `order` and its id `order_id`; choose another name",
            ]
        );
    }

    #[test]
    fn missing_name() {
        assert_eq!(messages(&json!({})), ["`name`: `name` is required"]);
    }

    #[test]
    fn python_names_are_checked() {
        assert_eq!(
            messages(&json!({ "name": "class", "fields": "ok:str,x:float" })),
            [
                "`name`: `class` is a Python keyword",
                "`fields`: item 2 (`x:float`): field `x` has unknown type `float`; allowed: str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|…), each optionally followed by `?`",
            ]
        );
        assert_eq!(
            messages(&json!({ "name": "json" })),
            ["`name`: `json` is the name of a Python standard-library module and would shadow it"]
        );
        assert_eq!(
            messages(&json!({ "name": "orders", "entity": "Sheep" })),
            [
                "`entity`: the aggregate root `Sheep` has no distinct plural to name its collections; choose another `entity` (e.g. `SheepItem`)"
            ]
        );
    }

    #[test]
    fn default_entities() {
        for (name, entity) in [
            ("orders", "Order"),
            ("inventory", "Inventory"),
            ("billing", "Billing"),
            ("fish", "FishItem"),
            ("order_lines", "OrderLine"),
        ] {
            assert_eq!(
                domain(&json!({ "name": name })).unwrap().entity,
                entity,
                "{name}"
            );
        }
    }

    #[test]
    fn directory_escapes_are_refused() {
        for (directory, expected) in [
            (
                "../x",
                "`directory`: `../x` contains `..`, which is not allowed; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "/abs",
                "`directory`: `/abs` is absolute; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "libs//x",
                "`directory`: `libs//x` has an empty path component; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "libs/./x",
                "`directory`: `libs/./x` contains `.`, which is not allowed; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "C:/x",
                "`directory`: `C:/x` is absolute; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "a\\b",
                "`directory`: `a\\b` uses `\\`; separate folders with `/` (a relative path inside the workspace like `libs` or `packages/backend`)",
            ),
        ] {
            assert_eq!(
                messages(&json!({ "name": "orders", "directory": directory })),
                [expected]
            );
        }
        assert!(domain(&json!({ "name": "orders", "directory": "packages/back-end_1" })).is_ok());
    }
}
