//! Issue 9: names up to the documented limits (docs/naming.md: 40 characters for a context, an
//! entity and a field) generate, whatever the options — the line-length check
//! (`validate::check_line_lengths`) never refuses them. Whether the generated code is then green
//! (`ruff format --check`, mypy, pytest) is the matrix's `longest` case and the `tests/names`
//! property test; this pins the refusal side in `cargo test`.

use python_ddd_core::{Generator, generate};
use serde_json::{Value, json};

/// A 40-character context (default entity: 39 characters) and 40-character fields of every kind.
const LONGEST_NAME: &str = "international_freight_shipment_trackings";
const LONGEST_FIELDS: &str = "customer_delivery_confirmation_reference:str,\
    number_of_parcels_in_this_whole_shipment:int,\
    declared_customs_value_of_every_shipment:money,\
    current_tracking_status_of_this_shipment:enum(\
    awaiting_pickup_at_the_origin_warehouses|delivered_to_the_final_recipient_address),\
    expected_delivery_date_for_this_shipment:date?,\
    timestamp_of_the_most_recent_scan_events:datetime?,\
    customer_notification_email_address_used:email,\
    requires_a_signature_on_delivery_of_item:bool,\
    insurance_premium_rate_for_this_shipment:decimal?,\
    external_carrier_tracking_identifier_abc:uuid?";

/// Every combination of the options that add or drop templates.
fn option_sets() -> Vec<Value> {
    let mut sets = Vec::new();
    for persistence in ["sqlalchemy", "memory"] {
        for event_bus in ["kafka", "memory", "rabbitmq"] {
            for api in ["fastapi", "none"] {
                for layout in ["single", "per-layer"] {
                    for cache in ["memory", "redis"] {
                        sets.push(json!({
                            "persistence": persistence,
                            "eventBus": event_bus,
                            "cache": cache,
                            "api": api,
                            "projectLayout": layout,
                        }));
                    }
                }
            }
        }
    }
    sets
}

fn assert_generates(name: &str, entity: Option<&str>, fields: &str) {
    for mut options in option_sets() {
        options["name"] = json!(name);
        options["fields"] = json!(fields);
        if let Some(entity) = entity {
            options["entity"] = json!(entity);
        }
        if let Err(failure) = generate(Generator::Domain, &options) {
            panic!("refused {options}:\n{failure:?}");
        }
    }
}

#[test]
fn the_longest_context_and_fields_generate_with_every_option() {
    assert_generates(LONGEST_NAME, None, LONGEST_FIELDS);
}

#[test]
fn a_40_character_entity_override_generates_with_the_longest_fields() {
    assert_generates(
        LONGEST_NAME,
        Some("InternationalFreightShipmentTrackingItem"),
        LONGEST_FIELDS,
    );
}

/// Found by `tests/names`: an optional enum field's update parameter is a union of three
/// (`<Entity><Field> | Unchanged | None`) that ruff breaks before every `|`.
#[test]
fn an_optional_enum_with_a_long_class_generates() {
    assert_generates(
        "order_order_order_order",
        None,
        "customer_delivery_confirmation_refere_00:str,\
         customer_delivery_confirmation_refere_04:enum(awaiting_pickup_at_the_origin)?",
    );
}

/// Issue 12: a use case of the longest name (24 characters) on the longest context and fields,
/// setting and guarding the longest values of every kind it takes, generates with every option.
#[test]
fn the_longest_use_cases_generate() {
    let use_cases = json!([
        {
            "name": "confirm_the_delivery_now",
            "sets": {
                "current_tracking_status_of_this_shipment": "delivered_to_the_final_recipient_address",
                "expected_delivery_date_for_this_shipment": "2024-05-06",
                "customer_delivery_confirmation_reference": "a text of forty characters with 'quotes'",
                "number_of_parcels_in_this_whole_shipment": i64::MIN,
                "external_carrier_tracking_identifier_abc": "0b7c6a43-9a49-4b52-8a0e-5d7b0d4c1e2f",
            },
            "when": {
                "current_tracking_status_of_this_shipment": "awaiting_pickup_at_the_origin_warehouses",
                "requires_a_signature_on_delivery_of_item": true,
                "expected_delivery_date_for_this_shipment": null,
            },
        },
    ]);
    for mut options in option_sets() {
        options["name"] = json!(LONGEST_NAME);
        options["fields"] = json!(LONGEST_FIELDS);
        let first = generate(Generator::Domain, &options)
            .unwrap_or_else(|failure| panic!("refused {options}:\n{failure:?}"));
        let spec_path = format!("libs/{LONGEST_NAME}/python-ddd.spec.json");
        let mut disk: std::collections::BTreeMap<String, String> = first
            .tree
            .iter()
            .map(|(path, content)| (path.to_owned(), content.to_owned()))
            .collect();
        let mut spec: Value = serde_json::from_str(&disk[&spec_path]).unwrap();
        spec["aggregates"][0]["use_cases"] = use_cases.clone();
        disk.insert(spec_path, spec.to_string());
        if let Err(failure) = python_ddd_core::generate_in(Generator::Domain, &options, &disk) {
            panic!("refused the use cases with {options}:\n{failure:?}");
        }
    }
}
