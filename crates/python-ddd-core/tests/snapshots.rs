//! Snapshots of generated trees (every path and every byte), so each change to the generated code is
//! reviewed as a diff of `tests/snapshots/*.snap`.
//!
//! When a template change is intended, accept the new output and commit the snapshots with it:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test -p python-ddd-core --test snapshots   # or: cargo insta review
//! git diff crates/python-ddd-core/tests/snapshots/
//! ```
//!
//! `tests/run-all.sh` runs these in their own section (`snapshots`), after the option matrix, so a stale
//! snapshot never hides what the matrix says about the generated code.

use std::fmt::Write as _;

use python_ddd_core::{Generator, generate};
use serde_json::{Value, json};

/// The tree as one reviewable text: the list of paths, then each file under a header.
fn render(options: &Value) -> String {
    let generation = generate(Generator::Domain, options)
        .unwrap_or_else(|failure| panic!("{options}: {failure:?}"));
    let mut text = String::new();
    writeln!(
        text,
        "# python-ddd generate domain with {options}\n# {} files under {}\n",
        generation.tree.len(),
        generation.root
    )
    .expect("writing to a String");
    for (path, _) in generation.tree.iter() {
        text.push_str(path);
        text.push('\n');
    }
    for (path, content) in generation.tree.iter() {
        writeln!(text, "\n======== {path} ========").expect("writing to a String");
        text.push_str(content);
    }
    text
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// The default options: `python-ddd generate domain orders`.
#[test]
fn snapshot_default_tree() {
    let text = render(&json!({ "name": "orders" }));
    settings().bind(|| insta::assert_snapshot!("default_tree", text));
}

/// The features the default leaves out: Kafka, the Redis cache, per-layer Nx projects, another
/// name and entity, and fields of every kind, required and optional.
#[test]
fn snapshot_other_features_tree() {
    let text = render(&json!({
        "name": "shipping",
        "entity": "Parcel",
        "directory": "services",
        "eventBus": "kafka",
        "cache": "redis",
        "projectLayout": "per-layer",
        "tags": "team:logistics",
        "fields": "label:str,quantity:int,gift:bool,weight:decimal,placed_at:datetime,due_on:date,\
                   customer_id:uuid,contact:email,price:money,priority:enum(low|normal|high),\
                   nickname:str?,retries:int?,express:bool?,rate:decimal?,shipped_at:datetime?,\
                   delivered_on:date?,tracking_id:uuid?,backup_email:email?,discount:money?,\
                   channel:enum(web|phone)?",
    }));
    settings().bind(|| insta::assert_snapshot!("other_features_tree", text));
}

/// Without the optional adapters: in-memory persistence, no API.
#[test]
fn snapshot_minimal_tree_paths() {
    let options = json!({ "name": "orders", "persistence": "memory", "api": "none" });
    let generation = generate(Generator::Domain, &options).expect("renders");
    let paths: Vec<&str> = generation.tree.iter().map(|(path, _)| path).collect();
    settings().bind(|| insta::assert_snapshot!("minimal_tree_paths", paths.join("\n")));
}

/// The files of `options`' tree that are new or differ from the default tree's, whole.
fn files_against_default(options: &Value) -> String {
    let default = generate(Generator::Domain, &json!({ "name": "orders" })).expect("renders");
    let changed = generate(Generator::Domain, options).expect("renders");
    let mut text = format!(
        "# python-ddd generate domain with {options}: files new or changed against the default tree\n"
    );
    for (path, content) in changed.tree.iter() {
        if default.tree.get(path).is_some_and(|same| same == content) {
            continue;
        }
        writeln!(text, "\n======== {path} ========").expect("writing to a String");
        text.push_str(content);
    }
    text
}

/// `eventBus: rabbitmq` with SQLAlchemy (so through the outbox): the files that are new or differ
/// from the default tree's, whole.
#[test]
fn snapshot_rabbitmq_files() {
    let text = files_against_default(&json!({ "name": "orders", "eventBus": "rabbitmq" }));
    settings().bind(|| insta::assert_snapshot!("rabbitmq_files", text));
}

/// `cli: argparse` beside the default options: the CLI package, its tests, and the project files
/// that name it.
#[test]
fn snapshot_cli_files() {
    let text = files_against_default(&json!({ "name": "orders", "cli": "argparse" }));
    settings().bind(|| insta::assert_snapshot!("cli_files", text));
}

/// Issue 12: what use cases add to the default context (spec edited, then re-rendered): each new
/// file in full, each changed file as a diff against the context without use cases.
#[test]
fn snapshot_use_case_files() {
    let spec_path = "libs/orders/python-ddd.spec.json";
    let options = json!({ "name": "orders" });
    let before = generate(Generator::Domain, &options).expect("the default context renders");
    let mut disk: std::collections::BTreeMap<String, String> = before
        .tree
        .iter()
        .map(|(path, content)| (path.to_owned(), content.to_owned()))
        .collect();
    let mut spec: Value = serde_json::from_str(&disk[spec_path]).expect("the spec is JSON");
    spec["aggregates"][0]["use_cases"] = json!([
        {"name": "pay", "sets": {"status": "paid"}, "when": {"status": "pending"}},
        {"name": "cancel", "sets": {"status": "cancelled", "note": "cancelled by the customer"}},
    ]);
    disk.insert(spec_path.to_owned(), spec.to_string());
    let after = python_ddd_core::generate_in(Generator::Domain, &options, &disk)
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    let mut text = String::from("# the default context, then use cases `pay` and `cancel`\n");
    for (path, content) in after.tree.iter() {
        if path.ends_with(".python-ddd.json") {
            continue;
        }
        match before.tree.get(path) {
            Some(old) if old == content => {}
            Some(old) => {
                writeln!(text, "\n======== {path} (changed) ========").expect("a String");
                text.push_str(&python_ddd_core::diff::unified(
                    path,
                    Some(old),
                    path,
                    Some(content),
                ));
            }
            None => {
                writeln!(text, "\n======== {path} (new) ========").expect("a String");
                text.push_str(content);
            }
        }
    }
    settings().bind(|| insta::assert_snapshot!("use_case_files", text));
}
