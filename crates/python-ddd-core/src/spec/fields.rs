//! The `fields` option: a small spec language for an aggregate's fields, parsed into
//! [`FieldSpec`]s, and the rules for the Python names fields and their enum classes get.
//!
//! Spec: `name:type[?]` separated by commas, where type is one of [`Kind`] and `enum(a|b|c)` lists
//! the members. `customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?`
//!
//! What templates print for a field (its snippets) is the view's: `crate::view::field`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::names;

/// The spec used when `fields` is omitted.
pub const DEFAULT_FIELDS: &str =
    "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?";

/// Field names that are the generated table's or API's own columns and keys: no spelling of the
/// field could live beside them.
const RESERVED_FIELD_NAMES: &[&str] = &["id", "archived_at", "version", "seq"];

/// Field names Python code cannot use as they are, though the API and the table can: the
/// generated code names the attribute `<name>_` (`from` → `from_`), the JSON key and the column keep
/// the user's word. Besides keywords and built-ins ([`names::KEYWORDS`], [`names::BUILTINS`]):
/// members of the generated aggregate and schemas, names the generated modules import (`date: date`
/// is no annotation), SQLAlchemy's declarative attributes and pydantic's `BaseModel` attributes.
const MAPPED_FIELD_NAMES: &[&str] = &[
    // members of the generated aggregate root and HTTP schemas, and method parameters
    "create",
    "archive",
    "update",
    "is_archived",
    "pull_events",
    "pending_events",
    "events",
    "self",
    "cls",
    "to_dto",
    "from_dto",
    // imported at module level next to field declarations
    "date",
    "datetime",
    "field",
    "dataclass",
    "sa",
    "mapped_column",
    // SQLAlchemy declarative base
    "metadata",
    "registry",
    // pydantic `BaseModel` (v2 and its v1 compatibility methods)
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
    "model_computed_fields",
    "model_config",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_extra",
    "model_fields",
    "model_fields_set",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
];

/// The Python attribute of a field named `name` on the aggregate `entity_snake`: the name itself,
/// or `<name>_` where the name itself would break Python code (see `MAPPED_FIELD_NAMES`); the
/// aggregate's variable `<entity_snake>` and parameter `<entity_snake>_id` are taken, too.
pub fn python_attr(name: &str, entity_snake: &str) -> String {
    let mapped = names::is_keyword(name)
        || names::is_ambiguous(name)
        || names::is_soft_keyword(name)
        || names::is_builtin(name)
        || MAPPED_FIELD_NAMES.contains(&name)
        || name == entity_snake
        || name.strip_suffix("_id") == Some(entity_snake);
    if mapped {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// The closed set of field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Str,
    Int,
    Bool,
    Decimal,
    Datetime,
    Date,
    Uuid,
    Email,
    Money,
    Enum,
}

/// How the allowed types are listed in error messages.
pub const ALLOWED_TYPES: &str = "str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|…), each optionally followed by `?`";

impl Kind {
    /// The word the `fields` spec and the context spec use for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Str => "str",
            Self::Int => "int",
            Self::Bool => "bool",
            Self::Decimal => "decimal",
            Self::Datetime => "datetime",
            Self::Date => "date",
            Self::Uuid => "uuid",
            Self::Email => "email",
            Self::Money => "money",
            Self::Enum => "enum",
        }
    }

    fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "str" => Self::Str,
            "int" => Self::Int,
            "bool" => Self::Bool,
            "decimal" => Self::Decimal,
            "datetime" => Self::Datetime,
            "date" => Self::Date,
            "uuid" => Self::Uuid,
            "email" => Self::Email,
            "money" => Self::Money,
            _ => return None,
        })
    }
}

/// A field as the spec states it, before the model gives it its snippets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: String,
    pub kind: Kind,
    pub optional: bool,
    pub enum_values: Vec<String>,
}

/// A problem with one item of the spec; `item` is the item's text, 1-based `position` its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub position: usize,
    pub item: String,
    pub message: String,
}

/// Parses a whole spec, reporting every bad item rather than the first.
pub fn parse_spec(spec: &str) -> Result<Vec<FieldSpec>, Vec<FieldProblem>> {
    let mut fields: Vec<FieldSpec> = Vec::new();
    let mut problems = Vec::new();
    let items = split_items(spec);
    if items.iter().all(|item| item.trim().is_empty()) {
        problems.push(FieldProblem {
            position: 1,
            item: spec.to_owned(),
            message: "the spec names no field; write `name:type` items separated by commas".into(),
        });
        return Err(problems);
    }
    for (index, raw) in items.iter().enumerate() {
        let item = raw.trim();
        let problem = |message: String| FieldProblem {
            position: index + 1,
            item: item.to_owned(),
            message,
        };
        match parse_item(item) {
            Ok(field) if fields.iter().any(|f| f.name == field.name) => {
                problems.push(problem(format!("field `{}` is listed twice", field.name)));
            }
            Ok(field) => fields.push(field),
            Err(message) => problems.push(problem(message)),
        }
    }
    for money in fields.iter().filter(|f| f.kind == Kind::Money) {
        for suffix in ["amount", "currency"] {
            let column = format!("{}_{suffix}", money.name);
            let clash = items.iter().enumerate().find(|(_, item)| {
                item.split_once(':')
                    .is_some_and(|(name, _)| name.trim() == column)
            });
            if let Some((index, item)) = clash {
                problems.push(FieldProblem {
                    position: index + 1,
                    item: item.trim().to_owned(),
                    message: format!(
                        "field `{column}` clashes with the `{column}` column of money field `{}`",
                        money.name
                    ),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(fields)
    } else {
        Err(problems)
    }
}

/// Splits on commas outside `enum(...)` parentheses.
fn split_items(spec: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0_i32;
    let mut start = 0;
    for (i, c) in spec.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&spec[start..]);
    items
}

/// What a field name must be on its own (clashes with other fields and the entity are checked by
/// `validate`, which knows the entity).
fn check_field_name(name: &str) -> Result<(), String> {
    if let Err(problem) = names::check_length(name) {
        return Err(format!(
            "field name `{}` is {}",
            names::shown(name),
            problem.describe()
        ));
    }
    if !names::is_field_identifier(name) {
        return Err(format!(
            "field name `{name}` is {}",
            names::NameProblem::NotSnakeIdentifier.describe()
        ));
    }
    if let Some(instead) = RESERVED_FIELD_NAMES
        .iter()
        .position(|reserved| *reserved == name)
        .map(|at| ["external_id", "retired_at", "revision", "sequence"][at])
    {
        return Err(format!(
            "field name `{name}` is taken: the generated table or API already has a `{name}`; \
             choose another name (e.g. `{instead}`)"
        ));
    }
    if name.starts_with("model_dump") || name.starts_with("model_validate") {
        return Err(format!(
            "field name `{name}` is in pydantic's protected `model_dump*`/`model_validate*` namespace; \
             choose another name (e.g. `{}`)",
            name.trim_start_matches("model_")
        ));
    }
    Ok(())
}

fn parse_item(item: &str) -> Result<FieldSpec, String> {
    let Some((name, ty)) = item.split_once(':') else {
        return Err(format!(
            "expected `name:type`, found `{}`; types: {ALLOWED_TYPES}",
            names::shown(item)
        ));
    };
    let (name, ty) = (name.trim(), ty.trim());
    check_field_name(name)?;
    let (ty, optional) = match ty.strip_suffix('?') {
        Some(inner) => (inner.trim_end(), true),
        None => (ty, false),
    };
    if let Some(members) = ty
        .strip_prefix("enum(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let values: Vec<String> = members.split('|').map(|v| v.trim().to_owned()).collect();
        for value in &values {
            if let Err(names::NameProblem::TooLong(chars)) = names::check_length(value) {
                return Err(format!(
                    "enum member `{}` of field `{name}` is {chars} characters long; members have at most {} (they become SQL values and Python names)",
                    names::shown(value),
                    names::MAX_NAME_CHARS
                ));
            }
            if matches!(value.as_str(), "i" | "o" | "l") {
                return Err(format!(
                    "enum member `{value}` of field `{name}` would be the constant `{}`, which reads like a digit \
                     (ruff's E741 refuses it); use a longer word",
                    value.to_uppercase()
                ));
            }
            if !names::is_snake_identifier(value) {
                return Err(format!(
                    "enum member `{value}` of field `{name}` must be lowercase snake_case (e.g. `enum(pending|paid)`)"
                ));
            }
        }
        if let Some(dup) = values
            .iter()
            .enumerate()
            .find(|(i, v)| values[..*i].contains(v))
        {
            return Err(format!(
                "enum member `{}` of field `{name}` is listed twice",
                dup.1
            ));
        }
        return Ok(FieldSpec {
            name: name.to_owned(),
            kind: Kind::Enum,
            optional,
            enum_values: values,
        });
    }
    let kind = Kind::parse(ty).ok_or_else(|| {
        format!(
            "field `{name}` has unknown type `{}`; allowed: {ALLOWED_TYPES}",
            names::shown(ty)
        )
    })?;
    Ok(FieldSpec {
        name: name.to_owned(),
        kind,
        optional,
        enum_values: Vec::new(),
    })
}

/// Suffixes of the classes every context derives from its entity (`OrderId`, `OrderDTO`, …): an
/// enum field whose class would be one of them (`created:enum(…)` → `OrderCreated`) gets `Choice`
/// appended (`OrderCreatedChoice`).
pub const ENTITY_CLASS_SUFFIXES: &[&str] = &[
    "Id",
    "DTO",
    "Created",
    "Factory",
    "Archived",
    "Repository",
    "Record",
    "VersionConflictError",
    "NotFoundError",
    "Response",
    "InvariantError",
    "AlreadyArchivedError",
    "Error",
    "Specification",
    "ArchivingService",
    "ListResponse",
    "Schema",
];

/// The enum class of a field: `<Entity><FieldPascal>`, or with `Choice` appended when that is a
/// class the context already derives from the entity.
pub fn enum_class(entity: &str, field_pascal: &str) -> String {
    if ENTITY_CLASS_SUFFIXES.contains(&field_pascal) {
        format!("{entity}{field_pascal}Choice")
    } else {
        format!("{entity}{field_pascal}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_default_spec() {
        let fields = parse_spec(DEFAULT_FIELDS).unwrap();
        let summary: Vec<_> = fields
            .iter()
            .map(|f| (f.name.as_str(), f.kind, f.optional))
            .collect();
        assert_eq!(
            summary,
            [
                ("customer_email", Kind::Email, false),
                ("total", Kind::Money, false),
                ("status", Kind::Enum, false),
                ("note", Kind::Str, true),
            ]
        );
        assert_eq!(fields[2].enum_values, ["pending", "paid", "cancelled"]);
    }

    #[test]
    fn reports_every_bad_item() {
        let problems =
            parse_spec("ok:str,bad,x:float,class:int,id:uuid,s:enum(A|b),ok:int").unwrap_err();
        let messages: Vec<_> = problems
            .iter()
            .map(|p| (p.position, p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    2,
                    "expected `name:type`, found `bad`; types: str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|…), each optionally followed by `?`"
                ),
                (
                    3,
                    "field `x` has unknown type `float`; allowed: str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|…), each optionally followed by `?`"
                ),
                (
                    5,
                    "field name `id` is taken: the generated table or API already has a `id`; choose another name (e.g. `external_id`)"
                ),
                (
                    6,
                    "enum member `A` of field `s` must be lowercase snake_case (e.g. `enum(pending|paid)`)"
                ),
                (7, "field `ok` is listed twice"),
            ]
        );
    }

    #[test]
    fn length_and_namespace_limits() {
        let long = "a".repeat(41);
        let problems =
            parse_spec(&format!("{long}:str,model_dump_x:int,s:enum({long})")).unwrap_err();
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                format!("field name `{long}` is 41 characters long; names have at most 40 (they become Python modules, classes and SQL names), so shorten it").as_str(),
                "field name `model_dump_x` is in pydantic's protected `model_dump*`/`model_validate*` namespace; choose another name (e.g. `dump_x`)",
                format!("enum member `{long}` of field `s` is 41 characters long; members have at most 40 (they become SQL values and Python names)").as_str(),
            ]
        );
        assert!(parse_spec(&format!("{}:str", "a".repeat(40))).is_ok());
    }

    #[test]
    fn money_columns_and_the_tables_own_columns_are_reserved() {
        let problems = parse_spec("total:money,total_amount:decimal,seq:int,sa:str").unwrap_err();
        let messages: Vec<_> = problems
            .iter()
            .map(|p| (p.position, p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    3,
                    "field name `seq` is taken: the generated table or API already has a `seq`; choose another name (e.g. `sequence`)"
                ),
                (
                    2,
                    "field `total_amount` clashes with the `total_amount` column of money field `total`"
                ),
            ]
        );
    }

    #[test]
    fn empty_spec_is_an_error() {
        assert_eq!(parse_spec(" ").unwrap_err()[0].position, 1);
    }
}
