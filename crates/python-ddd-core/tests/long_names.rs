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
