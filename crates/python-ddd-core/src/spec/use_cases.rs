//! An aggregate's use cases (issue 12): named commands that are guarded state transitions. `pay`
//! with `sets: {"status": "paid"}` and `when: {"status": "pending"}` becomes `Order.pay()`, the
//! event `OrderPaid`, the command `PayOrderCommand`, the application use case `PayOrder` and the
//! route `POST /orders/{order_id}/pay`.
//!
//! [`check`] validates them against their aggregate's fields (every problem names the use case by
//! its JSON pointer, `/aggregates/<i>/use_cases/<j>`, exit 2); [`views`] derives what templates
//! print: every name and every Python literal, so templates compute nothing.

use serde::Serialize;

use super::fields::{self, FieldSpec, Kind};
use super::names;
use super::validate::Problem;
use super::{UseCaseSpec, UseCaseValue};

/// A use case's name has at most this many characters: it is spelled inside longer names (the
/// event `<Entity><Verb>ed`, the command `<Verb><Entity>Command`) that lines must hold.
pub const MAX_USE_CASE_CHARS: usize = 24;

/// Names the generated code already gives an aggregate's methods, use cases, routes and events.
const TAKEN: &[&str] = &[
    "create",
    "get",
    "list",
    "update",
    "archive",
    "id",
    "version",
    "is_archived",
    "archived_at",
    "pull_events",
    "pending_events",
    "events",
    "from_dto",
    "to_dto",
];

/// How the field kinds a use case cannot set are refused.
const SETTABLE: &str =
    "enum, bool, int, str, date and uuid fields (and `null` for an optional one)";

/// Verbs whose past participle is not the regular `-ed` form (or doubles its last letter).
const PARTICIPLES: &[(&str, &str)] = &[
    ("pay", "paid"),
    ("repay", "repaid"),
    ("prepay", "prepaid"),
    ("send", "sent"),
    ("resend", "resent"),
    ("spend", "spent"),
    ("lend", "lent"),
    ("buy", "bought"),
    ("sell", "sold"),
    ("resell", "resold"),
    ("hold", "held"),
    ("put", "put"),
    ("set", "set"),
    ("reset", "reset"),
    ("shut", "shut"),
    ("cut", "cut"),
    ("split", "split"),
    ("quit", "quit"),
    ("lay", "laid"),
    ("make", "made"),
    ("take", "taken"),
    ("give", "given"),
    ("write", "written"),
    ("rewrite", "rewritten"),
    ("do", "done"),
    ("undo", "undone"),
    ("redo", "redone"),
    ("freeze", "frozen"),
    ("unfreeze", "unfrozen"),
    ("choose", "chosen"),
    ("break", "broken"),
    ("hide", "hidden"),
    ("find", "found"),
    ("keep", "kept"),
    ("leave", "left"),
    ("bring", "brought"),
    ("build", "built"),
    ("rebuild", "rebuilt"),
    ("win", "won"),
    ("lose", "lost"),
    ("begin", "begun"),
    ("withdraw", "withdrawn"),
    ("submit", "submitted"),
    ("resubmit", "resubmitted"),
    ("admit", "admitted"),
    ("commit", "committed"),
    ("omit", "omitted"),
    ("permit", "permitted"),
    ("refer", "referred"),
    ("prefer", "preferred"),
    ("transfer", "transferred"),
    ("cancel", "cancelled"),
    ("label", "labelled"),
    ("travel", "travelled"),
    ("control", "controlled"),
    ("enrol", "enrolled"),
    ("enroll", "enrolled"),
];

/// The past participle of a verb: `pay` → `paid`, `ship` → `shipped`, `approve` → `approved`,
/// `verify` → `verified`, `open` → `opened`.
pub fn participle(verb: &str) -> String {
    if let Some((_, known)) = PARTICIPLES.iter().find(|(word, _)| *word == verb) {
        return (*known).to_owned();
    }
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let chars: Vec<char> = verb.chars().collect();
    if verb.ends_with('e') {
        return format!("{verb}d");
    }
    if let [.., before, 'y'] = chars[..]
        && !is_vowel(before)
    {
        return format!("{}ied", &verb[..verb.len() - 1]);
    }
    // One syllable ending consonant-vowel-consonant doubles its last letter: ship → shipped.
    let vowel_groups = chars
        .iter()
        .enumerate()
        .filter(|(i, c)| is_vowel(**c) && (*i == 0 || !is_vowel(chars[i - 1])))
        .count();
    if let [.., a, b, c] = chars[..]
        && vowel_groups == 1
        && !is_vowel(a)
        && is_vowel(b)
        && !is_vowel(c)
        && !matches!(c, 'w' | 'x' | 'y')
        && c.is_ascii_lowercase()
    {
        return format!("{verb}{c}ed");
    }
    format!("{verb}ed")
}

/// The event class a use case records: the aggregate's name, then the name with its first word in
/// the past participle: `pay` → `OrderPaid`, `mark_shipped` → `OrderMarkedShipped`.
pub fn event_class(entity: &str, name: &str) -> String {
    let (verb, rest) = name.split_once('_').unwrap_or((name, ""));
    let past = participle(verb);
    let snake = if rest.is_empty() {
        past
    } else {
        format!("{past}_{rest}")
    };
    format!("{entity}{}", names::pascal(&snake))
}

/// One field a use case sets or requires, with its value as each layer writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools)] // flags are what `{{#if}}` reads
pub struct Assignment {
    /// The field's word (JSON key, column).
    pub name: String,
    /// The field's Python attribute.
    pub attr: String,
    /// The value as a domain expression: `OrderStatus.PAID`, `True`, `date(2024, 5, 6)`, `None`.
    pub domain: String,
    /// The value as the HTTP API's JSON, as a Python expression: `"paid"`, `True`, `None`.
    pub json: String,
    /// The event's field annotation (enum values travel as their text): `str`, `date | None`.
    pub event_type: String,
    /// The value as the event holds it: `"paid"`, `date(2024, 5, 6)`.
    pub event_value: String,
    /// How the guard compares the field with the value: `is` for `True`/`False`/`None`, else `==`.
    pub compare: &'static str,
    /// `field=value`, as the CLI spells it (messages, docs).
    pub spelled: String,
}

/// One keyword argument of the aggregate's new state.
#[derive(Debug, Clone, Serialize)]
pub struct StateArgument {
    pub attr: String,
    pub value: String,
}

/// One use case as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct UseCaseView {
    /// snake_case: the aggregate's method.
    pub name: String,
    /// The route's last segment: `mark-shipped`.
    pub kebab: String,
    /// The application use case class: `PayOrder`.
    pub class: String,
    /// Its command DTO: `PayOrderCommand`.
    pub command: String,
    /// The event class: `OrderPaid`.
    pub event: String,
    /// The route function and route name: `pay_order`.
    pub route: String,
    /// The fields it sets, in the aggregate's field order.
    pub sets: Vec<Assignment>,
    /// The guard's fields, in the aggregate's field order; empty when it always runs.
    pub when: Vec<Assignment>,
    /// `status=paid, note=null`: what it sets, as the CLI spells it.
    pub sets_spelled: String,
    /// `status=pending`, or empty: the guard as the CLI spells it.
    pub when_spelled: String,
    /// `when_spelled` as a Python string literal.
    pub when_literal: String,
    /// Every field of the aggregate with the value its new state takes: the value set, or
    /// `self._state.<attr>` (the aggregate method builds the new state from these).
    pub state: Vec<StateArgument>,
    /// For the tests of a refused command: a guard field with a value that fails the guard
    /// (another enum member, the other bool, …); `None` when every value passes (a guard on a
    /// required one-member enum).
    pub refused_by: Option<Assignment>,
    /// The guard's values with `refused_by`'s in its place: a state the use case refuses.
    pub refused_state: Vec<Assignment>,
}

/// Checks the use cases of one aggregate (`index` in the spec, class `entity`, fields `fields`).
pub fn check(
    index: usize,
    entity: &str,
    fields: &[FieldSpec],
    use_cases: &[UseCaseSpec],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let entity_snake = names::snake(entity);
    let enum_classes: Vec<String> = fields
        .iter()
        .filter(|f| f.kind == Kind::Enum)
        .map(|f| fields::enum_class(entity, &names::pascal(&f.name)))
        .collect();
    for (j, use_case) in use_cases.iter().enumerate() {
        let pointer = format!("/aggregates/{index}/use_cases/{j}");
        let at = |suffix: &str| format!("{pointer}{suffix}");
        let name = &use_case.name;
        let mut problem = |path: String, message: String| {
            problems.push(Problem::new(
                path,
                format!("use case `{}`: {message}", names::shown(name)),
            ));
        };
        if let Some(message) = name_problem(name, &entity_snake, fields) {
            problem(at("/name"), message);
            continue;
        }
        if use_cases[..j].iter().any(|other| other.name == *name) {
            problem(
                at("/name"),
                format!("`{entity}` lists it twice; give each use case its own name"),
            );
            continue;
        }
        let event = event_class(entity, name);
        let derived = fields::ENTITY_CLASS_SUFFIXES
            .iter()
            .any(|suffix| event == format!("{entity}{suffix}"));
        if derived || enum_classes.contains(&event) {
            problem(
                at("/name"),
                format!(
                    "its event would be `{event}`, a class `{entity}` already has; choose another name"
                ),
            );
        } else if let Some(other) = use_cases[..j]
            .iter()
            .find(|other| event_class(entity, &other.name) == event)
        {
            problem(
                at("/name"),
                format!(
                    "its event `{event}` is use case `{}`'s too; choose another name",
                    other.name
                ),
            );
        }
        if use_case.sets.is_empty() {
            problem(
                at("/sets"),
                "sets no field; name at least one (`status=paid`)".to_owned(),
            );
        }
        for (part, values) in [("sets", &use_case.sets), ("when", &use_case.when)] {
            for (field_name, value) in values {
                if let Err(message) = assignment(entity, fields, field_name, value) {
                    problem(at(&format!("/{part}/{field_name}")), message);
                }
            }
        }
    }
    problems
}

/// Why `name` cannot name a use case of the aggregate, if it cannot.
fn name_problem(name: &str, entity_snake: &str, fields: &[FieldSpec]) -> Option<String> {
    if name.chars().nth(MAX_USE_CASE_CHARS).is_some() {
        return Some(format!(
            "the name is {} characters long; use cases have at most {MAX_USE_CASE_CHARS} (they \
             are spelled inside class, event and route names)",
            name.chars().count()
        ));
    }
    if !names::is_snake_identifier(name) {
        return Some(
            "the name must be a lowercase snake_case verb (e.g. `pay`, `mark_shipped`)".to_owned(),
        );
    }
    if names::is_keyword(name) || names::is_soft_keyword(name) {
        return Some(format!(
            "`{name}` is a Python keyword and cannot name a method; choose another verb"
        ));
    }
    if TAKEN.contains(&name) || name.starts_with("model_") {
        return Some(format!(
            "`{name}` is a method or use case every aggregate already has; choose another verb"
        ));
    }
    if let Some(field) = fields
        .iter()
        .find(|f| f.name == name || fields::python_attr(&f.name, entity_snake) == name)
    {
        return Some(format!(
            "`{name}` is the aggregate's field `{}`; a method cannot share its name",
            field.name
        ));
    }
    None
}

/// The value of one `sets` / `when` entry, checked against the field it names.
fn assignment(
    entity: &str,
    fields: &[FieldSpec],
    name: &str,
    value: &UseCaseValue,
) -> Result<Assignment, String> {
    let Some(spec) = fields.iter().find(|f| f.name == name) else {
        let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        return Err(format!(
            "`{entity}` has no field `{}`; its fields: {}",
            names::shown(name),
            known.join(", ")
        ));
    };
    let attr = fields::python_attr(&spec.name, &names::snake(entity));
    let enum_class = fields::enum_class(entity, &names::pascal(&spec.name));
    let wrong = |expected: &str| {
        Err(format!(
            "field `{name}` is {}; {expected}, not {}",
            article(spec.kind),
            shown_value(value)
        ))
    };
    let text = python_string;
    let (domain, json, event_value) = match (spec.kind, value) {
        (_, UseCaseValue::Null) if spec.optional => {
            ("None".to_owned(), "None".to_owned(), "None".to_owned())
        }
        (_, UseCaseValue::Null) => {
            return Err(format!(
                "field `{name}` is required; it cannot be set to or compared with null"
            ));
        }
        (Kind::Enum, UseCaseValue::Text(member)) => {
            if !spec.enum_values.contains(member) {
                return Err(format!(
                    "field `{name}` takes one of {}; `{}` is not one of them",
                    spec.enum_values.join(", "),
                    names::shown(member)
                ));
            }
            (
                format!("{enum_class}.{}", names::upper(member)),
                text(member),
                text(member),
            )
        }
        (Kind::Enum, _) => return wrong("give one of its members as a string"),
        (Kind::Bool, UseCaseValue::Bool(flag)) => {
            let python = if *flag { "True" } else { "False" }.to_owned();
            (python.clone(), python.clone(), python)
        }
        (Kind::Bool, _) => return wrong("give `true` or `false`"),
        (Kind::Int, UseCaseValue::Int(number)) => {
            let python = number.to_string();
            (python.clone(), python.clone(), python)
        }
        (Kind::Int, _) => return wrong("give an integer"),
        (Kind::Str, UseCaseValue::Text(words)) => {
            if words.chars().nth(MAX_TEXT_CHARS).is_some() {
                return Err(format!(
                    "the text for field `{name}` is {} characters long; use cases set texts of at \
                     most {MAX_TEXT_CHARS}",
                    words.chars().count()
                ));
            }
            if words.chars().any(char::is_control) {
                return Err(format!(
                    "the text for field `{name}` holds a control character; write it on one line"
                ));
            }
            if !spec.optional && words.trim().is_empty() {
                return Err(format!(
                    "field `{name}` is required text, which must not be blank"
                ));
            }
            (text(words), text(words), text(words))
        }
        (Kind::Str, _) => return wrong("give a string"),
        (Kind::Date, UseCaseValue::Text(day)) => {
            let Some((year, month, date)) = parse_date(day) else {
                return Err(format!(
                    "field `{name}` is a date; give it as `YYYY-MM-DD` (e.g. `2024-05-06`), not {}",
                    shown_value(value)
                ));
            };
            let python = format!("date({year}, {month}, {date})");
            (python.clone(), text(day), python)
        }
        (Kind::Date, _) => return wrong("give a `YYYY-MM-DD` string"),
        (Kind::Uuid, UseCaseValue::Text(id)) => {
            if !is_canonical_uuid(id) {
                return Err(format!(
                    "field `{name}` is a uuid; give it in lowercase 8-4-4-4-12 hex form, not {}",
                    shown_value(value)
                ));
            }
            let python = format!("UUID({})", text(id));
            (python.clone(), text(id), python)
        }
        (Kind::Uuid, _) => return wrong("give a lowercase 8-4-4-4-12 hex string"),
        (Kind::Decimal | Kind::Datetime | Kind::Email | Kind::Money, _) => {
            return Err(format!(
                "field `{name}` is {}, which use cases do not set or compare: they take {SETTABLE}; \
                 change it through `update`",
                article(spec.kind)
            ));
        }
    };
    // Enum values travel as their text; the other kinds a use case sets keep their Python type.
    let event_base = match spec.kind {
        Kind::Bool => "bool",
        Kind::Int => "int",
        Kind::Date => "date",
        Kind::Uuid => "UUID",
        _ => "str",
    };
    let compare = if matches!(value, UseCaseValue::Null | UseCaseValue::Bool(_)) {
        "is"
    } else {
        "=="
    };
    Ok(Assignment {
        name: name.to_owned(),
        attr,
        domain,
        json,
        event_type: if spec.optional {
            format!("{event_base} | None")
        } else {
            event_base.to_owned()
        },
        event_value,
        compare,
        spelled: format!("{name}={}", spelled_value(value)),
    })
}

/// `text` as a Python string literal in the quotes `ruff format` picks: double, unless single
/// ones need fewer escapes. Control characters are refused before this is asked.
pub fn python_string(text: &str) -> String {
    let doubles = text.matches('"').count();
    let singles = text.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push(quote);
    for c in text.chars() {
        if c == '\\' || c == quote {
            literal.push('\\');
        }
        literal.push(c);
    }
    literal.push(quote);
    literal
}

/// A text a use case sets has at most this many characters (it is printed in code and tests).
const MAX_TEXT_CHARS: usize = 40;

fn article(kind: Kind) -> String {
    let word = kind.as_str();
    let an = matches!(word, "int" | "enum" | "email");
    format!("{} {word} field", if an { "an" } else { "a" })
}

fn shown_value(value: &UseCaseValue) -> String {
    match value {
        UseCaseValue::Text(text) => format!("the string `{}`", names::shown(text)),
        UseCaseValue::Int(number) => format!("the integer `{number}`"),
        UseCaseValue::Bool(flag) => format!("`{flag}`"),
        UseCaseValue::Null => "`null`".to_owned(),
    }
}

/// `value` as `field=value` spells it.
pub fn spelled_value(value: &UseCaseValue) -> String {
    match value {
        UseCaseValue::Text(text) => text.clone(),
        UseCaseValue::Int(number) => number.to_string(),
        UseCaseValue::Bool(flag) => flag.to_string(),
        UseCaseValue::Null => "null".to_owned(),
    }
}

/// `(year, month, day)` of a valid `YYYY-MM-DD` date in years 1–9999 (Python's `date` range).
fn parse_date(text: &str) -> Option<(u32, u32, u32)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !text
            .chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return None;
    }
    let year: u32 = text[..4].parse().ok()?;
    let month: u32 = text[5..7].parse().ok()?;
    let day: u32 = text[8..].parse().ok()?;
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (year >= 1 && (1..=days).contains(&day)).then_some((year, month, day))
}

fn is_canonical_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || matches!(c, 'a'..='f'),
        })
}

/// The views of an aggregate's use cases (already [`check`]ed), sorted by name.
pub fn views(entity: &str, fields: &[FieldSpec], use_cases: &[UseCaseSpec]) -> Vec<UseCaseView> {
    let entity_snake = names::snake(entity);
    let in_field_order = |values: &std::collections::BTreeMap<String, UseCaseValue>| {
        fields
            .iter()
            .filter_map(|spec| {
                let value = values.get(&spec.name)?;
                assignment(entity, fields, &spec.name, value).ok()
            })
            .collect::<Vec<_>>()
    };
    let spelled = |assignments: &[Assignment]| {
        assignments
            .iter()
            .map(|a| a.spelled.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut views: Vec<UseCaseView> = use_cases
        .iter()
        .map(|use_case| {
            let pascal = names::pascal(&use_case.name);
            let sets = in_field_order(&use_case.sets);
            let when = in_field_order(&use_case.when);
            let refused_by = fields.iter().find_map(|spec| {
                let value = use_case.when.get(&spec.name)?;
                let other = other_value(spec, value)?;
                assignment(entity, fields, &spec.name, &other).ok()
            });
            let refused_state = refused_by
                .as_ref()
                .map(|refused| {
                    when.iter()
                        .map(|a| if a.name == refused.name { refused } else { a })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let when_spelled = spelled(&when);
            let state = fields
                .iter()
                .map(|spec| {
                    let attr = fields::python_attr(&spec.name, &entity_snake);
                    let value = sets.iter().find(|a| a.name == spec.name).map_or_else(
                        || format!("self._state.{attr}"),
                        |assignment| assignment.domain.clone(),
                    );
                    StateArgument { attr, value }
                })
                .collect();
            UseCaseView {
                when_literal: python_string(&when_spelled),
                when_spelled,
                state,
                kebab: names::kebab(&use_case.name),
                class: format!("{pascal}{entity}"),
                command: format!("{pascal}{entity}Command"),
                event: event_class(entity, &use_case.name),
                route: format!("{}_{entity_snake}", use_case.name),
                sets_spelled: spelled(&sets),
                name: use_case.name.clone(),
                sets,
                when,
                refused_by,
                refused_state,
            }
        })
        .collect();
    views.sort_by(|a, b| a.name.cmp(&b.name));
    views
}

/// A value of the field `spec` other than `value`, if the field has one.
fn other_value(spec: &FieldSpec, value: &UseCaseValue) -> Option<UseCaseValue> {
    let other = match (spec.kind, value) {
        (_, UseCaseValue::Null) => match spec.kind {
            Kind::Enum => UseCaseValue::Text(spec.enum_values.first()?.clone()),
            Kind::Bool => UseCaseValue::Bool(true),
            Kind::Int => UseCaseValue::Int(1),
            Kind::Str => UseCaseValue::Text("other".to_owned()),
            Kind::Date => UseCaseValue::Text("2000-01-01".to_owned()),
            Kind::Uuid => UseCaseValue::Text("00000000-0000-4000-8000-000000000001".to_owned()),
            _ => return None,
        },
        (_, _) if spec.optional => UseCaseValue::Null,
        (Kind::Enum, UseCaseValue::Text(member)) => {
            UseCaseValue::Text(spec.enum_values.iter().find(|m| *m != member)?.clone())
        }
        (_, UseCaseValue::Bool(flag)) => UseCaseValue::Bool(!flag),
        (_, UseCaseValue::Int(number)) => {
            UseCaseValue::Int(number.checked_add(1).unwrap_or(number - 1))
        }
        (Kind::Date, UseCaseValue::Text(day)) => UseCaseValue::Text(
            if day == "2000-01-01" {
                "2000-01-02"
            } else {
                "2000-01-01"
            }
            .to_owned(),
        ),
        (Kind::Uuid, UseCaseValue::Text(id)) => {
            let one = "00000000-0000-4000-8000-000000000001";
            let two = "00000000-0000-4000-8000-000000000002";
            UseCaseValue::Text(if id == one { two } else { one }.to_owned())
        }
        (_, UseCaseValue::Text(text)) => {
            UseCaseValue::Text(if text == "other" { "another" } else { "other" }.to_owned())
        }
    };
    Some(other)
}

/// Class names as ruff sorts the names of one `from … import (…)`: case-insensitively.
pub fn sorted_names(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort_by_key(|name| (name.to_lowercase(), name.clone()));
    names
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn fields() -> Vec<FieldSpec> {
        fields::parse_spec(
            "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?,\
             paid_on:date?,rush:bool,count:int,ref:uuid?",
        )
        .unwrap()
    }

    fn use_case(
        name: &str,
        sets: &[(&str, UseCaseValue)],
        when: &[(&str, UseCaseValue)],
    ) -> UseCaseSpec {
        let map = |pairs: &[(&str, UseCaseValue)]| -> BTreeMap<String, UseCaseValue> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect()
        };
        UseCaseSpec {
            name: name.to_owned(),
            sets: map(sets),
            when: map(when),
        }
    }

    fn text(word: &str) -> UseCaseValue {
        UseCaseValue::Text(word.to_owned())
    }

    fn problems(use_cases: &[UseCaseSpec]) -> Vec<(String, String)> {
        check(0, "Order", &fields(), use_cases)
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect()
    }

    #[test]
    fn python_strings_take_the_quotes_ruff_keeps() {
        assert_eq!(python_string("plain"), "\"plain\"");
        assert_eq!(python_string("say \"hi\""), "'say \"hi\"'");
        assert_eq!(python_string("it's"), "\"it's\"");
        assert_eq!(python_string("a\\b \"c\" 'd'"), "\"a\\\\b \\\"c\\\" 'd'\"");
    }

    #[test]
    fn participles() {
        for (verb, past) in [
            ("pay", "paid"),
            ("ship", "shipped"),
            ("approve", "approved"),
            ("verify", "verified"),
            ("open", "opened"),
            ("cancel", "cancelled"),
            ("fix", "fixed"),
            ("void", "voided"),
            ("submit", "submitted"),
            ("delay", "delayed"),
            ("confirm", "confirmed"),
        ] {
            assert_eq!(participle(verb), past, "{verb}");
        }
        assert_eq!(event_class("Order", "mark_shipped"), "OrderMarkedShipped");
        assert_eq!(event_class("Order", "pay"), "OrderPaid");
    }

    #[test]
    fn a_valid_use_case_passes_and_renders_its_literals() {
        let pay = use_case(
            "pay",
            &[
                ("status", text("paid")),
                ("paid_on", text("2024-02-29")),
                ("note", UseCaseValue::Null),
            ],
            &[
                ("status", text("pending")),
                ("rush", UseCaseValue::Bool(false)),
            ],
        );
        assert_eq!(problems(std::slice::from_ref(&pay)), []);
        let [view] = &views("Order", &fields(), &[pay])[..] else {
            panic!("one view")
        };
        assert_eq!(
            (view.class.as_str(), view.command.as_str()),
            ("PayOrder", "PayOrderCommand")
        );
        assert_eq!(
            (view.event.as_str(), view.route.as_str()),
            ("OrderPaid", "pay_order")
        );
        let domain: Vec<&str> = view.sets.iter().map(|a| a.domain.as_str()).collect();
        assert_eq!(domain, ["OrderStatus.PAID", "None", "date(2024, 2, 29)"]);
        assert_eq!(
            view.sets_spelled,
            "status=paid, note=null, paid_on=2024-02-29"
        );
        assert_eq!(view.when_spelled, "status=pending, rush=false");
        assert_eq!(view.when[1].compare, "is");
        assert_eq!(view.sets[2].event_type, "date | None");
        assert_eq!(view.sets[0].event_type, "str");
        let refused = view.refused_by.as_ref().unwrap();
        assert_eq!(refused.spelled, "status=paid");
    }

    #[test]
    fn bad_names_are_refused_naming_the_use_case() {
        let sets = [("status", text("paid"))];
        assert_eq!(
            problems(&[use_case("update", &sets, &[])]),
            [(
                "/aggregates/0/use_cases/0/name".to_owned(),
                "use case `update`: `update` is a method or use case every aggregate already has; \
                 choose another verb"
                    .to_owned()
            )]
        );
        assert_eq!(
            problems(&[use_case("pay", &sets, &[]), use_case("pay", &sets, &[])])[0],
            (
                "/aggregates/0/use_cases/1/name".to_owned(),
                "use case `pay`: `Order` lists it twice; give each use case its own name"
                    .to_owned()
            )
        );
        assert!(
            problems(&[use_case("Pay", &sets, &[])])[0]
                .1
                .contains("snake_case")
        );
        assert!(
            problems(&[use_case("class", &sets, &[])])[0]
                .1
                .contains("keyword")
        );
        assert!(
            problems(&[use_case("status", &sets, &[])])[0]
                .1
                .contains("field `status`")
        );
        let long = "a".repeat(MAX_USE_CASE_CHARS + 1);
        assert!(
            problems(&[use_case(&long, &sets, &[])])[0]
                .1
                .contains("25 characters")
        );
        assert!(
            problems(&[use_case("pay", &[], &[])])[0]
                .1
                .contains("sets no field")
        );
    }

    #[test]
    fn values_must_fit_their_field() {
        let cases: [(&str, UseCaseValue, &str); 9] = [
            (
                "statuss",
                text("paid"),
                "`Order` has no field `statuss`; its fields: customer_email",
            ),
            (
                "status",
                text("shipped"),
                "takes one of pending, paid, cancelled; `shipped` is not",
            ),
            (
                "status",
                UseCaseValue::Bool(true),
                "is an enum field; give one of its members",
            ),
            (
                "rush",
                text("yes"),
                "is a bool field; give `true` or `false`, not the string `yes`",
            ),
            (
                "count",
                UseCaseValue::Null,
                "is required; it cannot be set to or compared with null",
            ),
            ("paid_on", text("2023-02-29"), "give it as `YYYY-MM-DD`"),
            ("ref", text("ABC"), "lowercase 8-4-4-4-12"),
            (
                "total",
                text("1"),
                "is a money field, which use cases do not set or compare",
            ),
            (
                "customer_email",
                text("a@b.c"),
                "is an email field, which use cases do not",
            ),
        ];
        for (field, value, expected) in cases {
            let found = problems(&[use_case("pay", &[(field, value.clone())], &[])]);
            assert_eq!(found.len(), 1, "{field}: {found:?}");
            assert_eq!(
                found[0].0,
                format!("/aggregates/0/use_cases/0/sets/{field}")
            );
            assert!(found[0].1.contains(expected), "{field}: {}", found[0].1);
            let guard = problems(&[use_case(
                "pay",
                &[("status", text("paid"))],
                &[(field, value)],
            )]);
            assert_eq!(
                guard[0].0,
                format!("/aggregates/0/use_cases/0/when/{field}")
            );
        }
    }

    #[test]
    fn an_event_class_the_aggregate_has_is_refused() {
        let fields = fields::parse_spec("paid:enum(yes|no),status:enum(a|b)").unwrap();
        let found = check(
            0,
            "Order",
            &fields,
            &[use_case("pay", &[("status", text("a"))], &[])],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("its event would be `OrderPaid`"),
            "{found:?}"
        );
    }

    /// Every guard value has another value that fails it, but a required one-member enum's.
    #[test]
    fn a_refusing_value_differs_from_the_guard() {
        for (spec, value) in [
            ("x:enum(a|b)", text("a")),
            ("x:bool", UseCaseValue::Bool(true)),
            ("x:int", UseCaseValue::Int(i64::MAX)),
            ("x:str", text("other")),
            ("x:date", text("2000-01-01")),
            ("x:uuid", text("00000000-0000-4000-8000-000000000001")),
            ("x:int?", UseCaseValue::Int(3)),
            ("x:str?", UseCaseValue::Null),
        ] {
            let field = &fields::parse_spec(spec).unwrap()[0];
            let other = other_value(field, &value).unwrap();
            assert_ne!(other, value, "{spec}");
            assert!(
                assignment("Order", std::slice::from_ref(field), "x", &other).is_ok(),
                "{spec}"
            );
        }
        let single = &fields::parse_spec("x:enum(a)").unwrap()[0];
        assert_eq!(other_value(single, &text("a")), None);
    }
}
