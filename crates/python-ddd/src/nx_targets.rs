//! `python-ddd nx-targets`: the inference request of the Nx plugin (`npm/src/plugin.js`). One
//! request on stdin with every manifest of the workspace, one response on stdout, no disk access:
//!
//! - request: `{"manifests": {"libs/orders/.python-ddd.json": "<its text>", …}}`;
//! - `{"status": "ok", "manifests": {"libs/orders/.python-ddd.json": {"libs/orders": {"namedInputs", "targets"}, …}, …}}`;
//! - `{"status": "invalid", "problems": [{path, message}]}` (exit 2): the request, or a manifest, is wrong; each
//!   problem's `path` is the JSON pointer of the manifest at fault (`/manifests/libs~1orders~1.python-ddd.json`).
//!
//! One process for the whole batch: Nx calls the plugin for every graph it builds.

use python_ddd_core::{Failure, Problem, infer, paths};
use serde_json::{Map, Value, json};

use crate::nx::{invalid, request_problem};
use crate::{Status, json, nx};

pub fn run() -> anyhow::Result<Status> {
    nx::answer_stdin(respond)
}

/// The request's manifests, checked for shape: `{"manifests": {path: text}}` and nothing else.
fn parse_request(input: &[u8]) -> Result<Map<String, Value>, Problem> {
    let text = std::str::from_utf8(input)
        .map_err(|e| request_problem(format!("the request is not UTF-8 text: {e}")))?;
    let value = json::parse(text)
        .map_err(|e| request_problem(format!("the request is not valid JSON: {e}")))?;
    let Value::Object(mut object) = value else {
        return Err(request_problem(
            "the request must be a JSON object {\"manifests\": {path: text}}".into(),
        ));
    };
    if let Some(unknown) = object.keys().find(|key| *key != "manifests") {
        return Err(request_problem(format!(
            "the request has an unknown key `{unknown}`; expected manifests"
        )));
    }
    match object.remove("manifests") {
        Some(Value::Object(manifests)) => Ok(manifests),
        _ => Err(request_problem(
            "the request's `manifests` must be an object {path: text}".into(),
        )),
    }
}

/// The whole request as a pure function, so it is tested without a process.
fn respond(input: &[u8]) -> (Value, Status) {
    let manifests = match parse_request(input) {
        Ok(manifests) => manifests,
        Err(problem) => return invalid(&[problem]),
    };
    let mut answers = Map::new();
    let mut problems = Vec::new();
    for (path, text) in &manifests {
        let pointer = format!("/manifests/{}", json::pointer_segment(path));
        let at = |message: String| Problem {
            path: pointer.clone(),
            message,
        };
        if let Err(flaw) = paths::check_relative(path) {
            problems.push(at(format!(
                "`{path}` is not a workspace-relative path ({flaw})"
            )));
            continue;
        }
        let Value::String(text) = text else {
            problems.push(at(format!("`{path}` must map to the manifest's text")));
            continue;
        };
        match infer::projects(path, text) {
            Ok(projects) => {
                let projects: Map<String, Value> = projects
                    .into_iter()
                    .map(|p| (p.root, Value::Object(p.configuration)))
                    .collect();
                answers.insert(path.clone(), Value::Object(projects));
            }
            Err(Failure::Invalid(found)) => problems.extend(found.into_iter().map(|p| {
                at(format!(
                    "{path}: the options it records are invalid: {}{}",
                    if p.path.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", p.path)
                    },
                    p.message
                ))
            })),
            Err(Failure::Error(error)) => problems.push(at(error.to_string())),
        }
    }
    if !problems.is_empty() {
        return invalid(&problems);
    }
    (
        json!({ "status": "ok", "manifests": answers }),
        Status::Success,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(options: &Value) -> String {
        let generation =
            python_ddd_core::generate(python_ddd_core::Generator::Domain, options).unwrap();
        generation
            .tree
            .get(&format!("{}/.python-ddd.json", generation.root))
            .unwrap()
            .to_owned()
    }

    #[test]
    fn answers_every_manifest_of_the_batch() {
        let request = json!({ "manifests": {
            "libs/orders/.python-ddd.json": manifest(&json!({ "name": "orders" })),
            "libs/billing/.python-ddd.json":
                manifest(&json!({ "name": "billing", "projectLayout": "per-layer", "api": "none" })),
        } });
        let (response, status) = respond(request.to_string().as_bytes());
        assert_eq!(status, Status::Success, "{response}");
        let orders = &response["manifests"]["libs/orders/.python-ddd.json"]["libs/orders"];
        assert_eq!(
            orders["targets"]["test"]["options"]["command"],
            "uv run --project . pytest"
        );
        let billing = response["manifests"]["libs/billing/.python-ddd.json"]
            .as_object()
            .unwrap();
        assert_eq!(
            billing.keys().collect::<Vec<_>>(),
            [
                "libs/billing",
                "libs/billing/application",
                "libs/billing/domain",
                "libs/billing/infrastructure"
            ]
        );
    }

    #[test]
    fn bad_requests_and_manifests_are_named() {
        for (request, message) in [
            (
                "[]",
                "the request must be a JSON object {\"manifests\": {path: text}}",
            ),
            (
                "{\"files\":{}}",
                "the request has an unknown key `files`; expected manifests",
            ),
            (
                "{\"manifests\":[]}",
                "the request's `manifests` must be an object {path: text}",
            ),
        ] {
            let (response, status) = respond(request.as_bytes());
            assert_eq!(status, Status::Invalid);
            assert_eq!(response["problems"][0]["message"], message, "{request}");
        }
        let request = json!({ "manifests": {
            "../x/.python-ddd.json": "{}",
            "libs/a/.python-ddd.json": 3,
            "libs/b/.python-ddd.json": "{",
            "libs/c/.python-ddd.json": json!({
                "generator": "domain", "version": "0", "options": { "name": "Bad" }, "files": {}
            }).to_string(),
        } });
        let (response, status) = respond(request.to_string().as_bytes());
        assert_eq!(status, Status::Invalid);
        let problems = response["problems"].as_array().unwrap();
        let paths: Vec<&str> = problems
            .iter()
            .map(|p| p["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "/manifests/..~1x~1.python-ddd.json",
                "/manifests/libs~1a~1.python-ddd.json",
                "/manifests/libs~1b~1.python-ddd.json",
                "/manifests/libs~1c~1.python-ddd.json",
            ]
        );
        assert!(
            problems[3]["message"].as_str().unwrap().starts_with(
                "libs/c/.python-ddd.json: the options it records are invalid: /name: "
            ),
            "{}",
            problems[3]
        );
    }
}
