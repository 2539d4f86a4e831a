//! `python-ddd nx`: the JSON protocol of the Nx shim (`npm/src/generator.js`). One request on
//! stdin, one response on stdout, no disk access: the shim owns the Nx tree.
//!
//! Request: `{"generator": "domain", "options": {…}, "files": {path: content} | null}`.
//! Responses:
//! - `{"status": "needFiles", "root"}` when `files` is null: send every file under `root`;
//! - `{"status": "ok" | "conflict", "root", "files": [{path, action, content?, diff?}], "messages"}`;
//! - `{"status": "invalid", "problems": [{path, message}]}` (exit 2);
//! - `{"status": "error", "message"}` (exit 1).

use std::collections::BTreeMap;
use std::io::Read;

use python_ddd_core::plan::Action;
use python_ddd_core::{Failure, Generator, Problem};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Status;
use crate::output;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    generator: String,
    #[serde(default)]
    options: Value,
    #[serde(default)]
    files: Option<BTreeMap<String, String>>,
}

pub fn run() -> anyhow::Result<Status> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let (response, status) = respond(&input);
    output::print_json(&response)?;
    Ok(status)
}

fn invalid(problems: &[Problem]) -> (Value, Status) {
    (
        json!({ "status": "invalid", "problems": problems }),
        Status::Invalid,
    )
}

/// The whole protocol as a pure function, so it is tested without a process.
fn respond(input: &str) -> (Value, Status) {
    let request: Request = match serde_json::from_str(input) {
        Ok(request) => request,
        Err(error) => {
            return invalid(&[Problem {
                path: String::new(),
                message: format!("the request is not valid: {error}"),
            }]);
        }
    };
    let Some(generator) = Generator::find(&request.generator) else {
        return invalid(&[Problem {
            path: String::new(),
            message: format!("unknown generator `{}`", request.generator),
        }]);
    };
    // The first request only asks where the context lives: validate, but do not render.
    if request.files.is_none() {
        return match python_ddd_core::root(generator, &request.options) {
            Ok(root) => (
                json!({ "status": "needFiles", "root": root }),
                Status::Success,
            ),
            Err(Failure::Invalid(problems)) => invalid(&problems),
            Err(Failure::Error(error)) => (
                json!({ "status": "error", "message": error.to_string() }),
                Status::Failure,
            ),
        };
    }
    let generation = match python_ddd_core::generate(generator, &request.options) {
        Ok(generation) => generation,
        Err(Failure::Invalid(problems)) => return invalid(&problems),
        Err(Failure::Error(error)) => {
            return (
                json!({ "status": "error", "message": error.to_string() }),
                Status::Failure,
            );
        }
    };
    let Some(files) = request.files else {
        return (
            json!({ "status": "needFiles", "root": generation.root }),
            Status::Success,
        );
    };
    let plan = match generation.plan(&files) {
        Ok(plan) => plan,
        Err(error) => {
            return (
                json!({ "status": "error", "message": error.to_string() }),
                Status::Failure,
            );
        }
    };
    let entries: Vec<Value> = plan
        .entries
        .iter()
        .map(|entry| {
            let mut value = json!({ "path": entry.path, "action": entry.action });
            if matches!(entry.action, Action::Create | Action::Update) {
                value["content"] = json!(entry.generated);
            }
            if matches!(
                entry.action,
                Action::Update | Action::Delete | Action::Conflict
            ) {
                value["diff"] = json!(entry.diff());
            }
            value
        })
        .collect();
    let summary = plan.summary();
    let mut messages = Vec::new();
    for entry in plan.entries.iter().filter(|e| e.action == Action::Kept) {
        messages.push(format!(
            "kept {}: you edited it, and this run would not change it",
            entry.path
        ));
    }
    for entry in plan.entries.iter().filter(|e| e.forced) {
        messages.push(format!("overwrote your edits in {} (force)", entry.path));
    }
    let (status, code) = if plan.has_conflicts() {
        ("conflict", Status::Conflict)
    } else {
        ("ok", Status::Success)
    };
    (
        json!({ "status": status, "root": plan.root, "files": entries, "summary": summary, "messages": messages }),
        code,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_files_it_asks_for_them() {
        let (response, status) =
            respond(r#"{"generator":"domain","options":{"name":"orders"},"files":null}"#);
        assert_eq!(
            response,
            json!({ "status": "needFiles", "root": "libs/orders" })
        );
        assert_eq!(status, Status::Success);
    }

    #[test]
    fn invalid_options_list_every_problem() {
        let (response, status) = respond(
            r#"{"generator":"domain","options":{"name":"Bad-Name","persistence":"mongo"},"files":null}"#,
        );
        assert_eq!(status, Status::Invalid);
        assert_eq!(
            response,
            json!({ "status": "invalid", "problems": [
                { "path": "/name", "message": "\"Bad-Name\" does not match `^[a-z][a-z0-9_]*$`" },
                { "path": "/persistence", "message": "\"mongo\" is not one of \"sqlalchemy\" or \"memory\"" },
            ] })
        );
    }

    #[test]
    fn a_broken_request_is_invalid() {
        let (response, status) = respond("{");
        assert_eq!(status, Status::Invalid);
        assert_eq!(response["status"], "invalid");
    }

    #[test]
    fn fresh_tree_creates_everything_with_content() {
        let (response, status) =
            respond(r#"{"generator":"domain","options":{"name":"orders"},"files":{}}"#);
        assert_eq!(status, Status::Success);
        let files = response["files"].as_array().unwrap();
        assert!(
            files
                .iter()
                .all(|f| f["action"] == "create" && f["content"].is_string())
        );
        assert!(
            files
                .iter()
                .any(|f| f["path"] == "libs/orders/.python-ddd.json")
        );
    }
}
