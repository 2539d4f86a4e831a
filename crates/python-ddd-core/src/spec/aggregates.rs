//! The checks a context with several aggregates needs beyond one aggregate's (issue 11): each
//! aggregate after the root is valid on its own (the same name and field checks as `entity` /
//! `fields`), the adapters render several aggregates, and no two aggregates' names collide in a
//! module, class, table or import order. Every problem names the aggregate by its JSON pointer in
//! the spec (`/aggregates/<index>`), with a suggestion; nothing is written (exit 2).

use serde_json::Value;

use crate::names;
use crate::options::{Api, EventBus};
use crate::spec::AggregateSpec;
use crate::validate::{self, Problem, ValidDomain};

/// Checks the aggregates after the root (`more`, as the spec lists them from index 1) against the
/// validated root and each other.
pub fn check(valid: &ValidDomain, more: &[AggregateSpec]) -> Result<(), Vec<Problem>> {
    if more.is_empty() {
        return Ok(());
    }
    let options = &valid.options;
    if options.event_bus != EventBus::Memory || options.api != Api::None {
        return Err(vec![Problem::new(
            "/aggregates",
            format!(
                "the context lists {} aggregates; this python-ddd renders more than one only with \
                 `eventBus: memory` and `api: none` so far: set those, or keep one aggregate",
                more.len() + 1
            ),
        )]);
    }
    let mut problems = Vec::new();
    let mut all = vec![(0, valid.entity.clone())];
    for (offset, aggregate) in more.iter().enumerate() {
        let index = offset + 1;
        let pointer = format!("/aggregates/{index}");
        // The same checks as the root's `entity` and `fields`, on the context's other options.
        let mut alone = serde_json::to_value(options).expect("options serialise");
        alone["entity"] = Value::String(aggregate.name.clone());
        alone["fields"] = Value::String(aggregate.fields_option());
        match validate::domain(&alone) {
            Ok(_) => all.push((index, aggregate.name.clone())),
            Err(found) => problems.extend(found.into_iter().map(|problem| {
                Problem::new(
                    &pointer,
                    format!("aggregate `{}`: {}", aggregate.name, problem.message),
                )
            })),
        }
    }
    for (i, (first_index, first)) in all.iter().enumerate() {
        for (second_index, second) in &all[i + 1..] {
            if let Some(message) = collision(first, second) {
                problems.push(Problem::new(
                    format!("/aggregates/{second_index}"),
                    format!(
                        "aggregate `{second}` (aggregate {first_index} is `{first}`): {message}"
                    ),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Why two aggregates' names cannot live in one context, if they cannot.
fn collision(first: &str, second: &str) -> Option<String> {
    let snake = [names::snake(first), names::snake(second)];
    let plural = [names::plural(&snake[0]), names::plural(&snake[1])];
    if snake[0] == snake[1] {
        return Some(format!(
            "both are `{}` in module names; give each aggregate its own name",
            snake[0]
        ));
    }
    for (a, b) in [(0, 1), (1, 0)] {
        if plural[a] == plural[b] || plural[a] == snake[b] {
            return Some(format!(
                "`{}` names the collection (repository attribute, table) of `{}` and `{}`; give \
                 each aggregate its own name",
                plural[a],
                [first, second][a],
                [first, second][b]
            ));
        }
        // `order` and `order_line`: `order_line.py` sorts after `order.py`, but
        // `order_line_id.py` before `order_id.py`, and `OrderLine` meets `Order`'s
        // `order_<word>` modules: the generated imports would not be in ruff's order.
        if let Some(rest) = snake[b].strip_prefix(&format!("{}_", snake[a])) {
            return Some(format!(
                "its module names start with `{}_`, which `{}`'s modules use; name it without \
                 that prefix (e.g. `{}`)",
                snake[a],
                [first, second][a],
                names::pascal(rest)
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::FieldEntry;

    fn valid() -> ValidDomain {
        validate::domain(&json!({
            "name": "shop", "entity": "Order", "api": "none"
        }))
        .unwrap()
    }

    fn aggregate(name: &str) -> AggregateSpec {
        AggregateSpec {
            name: name.to_owned(),
            fields: vec![FieldEntry {
                name: "title".into(),
                kind: crate::fields::Kind::Str,
                optional: false,
                values: Vec::new(),
            }],
            use_cases: Vec::new(),
        }
    }

    fn messages(more: &[&str]) -> Vec<(String, String)> {
        let more: Vec<AggregateSpec> = more.iter().map(|name| aggregate(name)).collect();
        check(&valid(), &more)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect()
    }

    #[test]
    fn distinct_aggregates_pass() {
        assert_eq!(messages(&["Customer", "Invoice"]), []);
    }

    #[test]
    fn colliding_names_are_refused_naming_the_aggregate() {
        assert_eq!(
            messages(&["Customer", "Order"]),
            [(
                "/aggregates/2".to_owned(),
                "aggregate `Order` (aggregate 0 is `Order`): both are `order` in module names; \
                 give each aggregate its own name"
                    .to_owned()
            )]
        );
        assert_eq!(
            messages(&["OrderLine"]),
            [(
                "/aggregates/1".to_owned(),
                "aggregate `OrderLine` (aggregate 0 is `Order`): its module names start with \
                 `order_`, which `Order`'s modules use; name it without that prefix (e.g. `Line`)"
                    .to_owned()
            )]
        );
        // `People` alone is refused (no plural of its own), so the collection clash is checked
        // on the names alone.
        assert_eq!(
            collision("Person", "People").as_deref(),
            Some(
                "`people` names the collection (repository attribute, table) of `Person` and \
                 `People`; give each aggregate its own name"
            )
        );
    }

    #[test]
    fn each_aggregate_gets_the_entity_checks() {
        let found = messages(&["class"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/aggregates/1");
        assert!(found[0].1.starts_with("aggregate `class`: "), "{found:?}");
    }

    #[test]
    fn other_adapters_are_refused_for_now() {
        let mut valid = valid();
        valid.options.api = Api::Fastapi;
        let problems = check(&valid, &[aggregate("Customer")]).unwrap_err();
        assert_eq!(problems[0].path, "/aggregates");
        assert!(problems[0].message.contains("`api: none`"), "{problems:?}");
        // SQLAlchemy persistence renders several aggregates (one table each, one outbox).
        let mut valid = self::valid();
        valid.options.persistence = crate::options::Persistence::Sqlalchemy;
        assert!(check(&valid, &[aggregate("Customer")]).is_ok());
    }
}
