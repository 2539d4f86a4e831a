//! `python-ddd nx`: the JSON protocol of the Nx shim (`npm/src/generator.js`). One request on
//! stdin, one response on stdout, no disk access: the shim owns the Nx tree.
//!
//! Request: `{"generator": "domain", "options": {…}, "files": {path: content} | null}`, and for
//! a generator that adds to an existing context (`aggregate`) `"contexts": {manifest path: text}`,
//! the workspace's `.python-ddd.json` files, to find the context its `context` option names.
//! Responses:
//! - `{"status": "needFiles", "root"}` when `files` is null: send every file under `root`;
//! - `{"status": "ok" | "conflict", "root", "files": [{path, action, content?, diff?, markers?}], "messages"}`
//!   (`content` for what the shim writes: creates, updates, merges, and with `conflicts: markers`
//!   the conflicts' merges with their markers, flagged `markers`);
//! - `{"status": "invalid", "problems": [{path, message}]}` (exit 2);
//! - `{"status": "error", "message"}` (exit 1).

use std::collections::BTreeMap;
use std::io::Read;

use python_ddd_core::plan::Action;
use python_ddd_core::{Failure, Generator, Problem, paths};
use serde_json::{Value, json};

use crate::Status;
use crate::{json, limits, output};

/// A request that passed the shape checks.
#[derive(Debug)]
struct Request {
    generator: String,
    options: Value,
    files: Option<BTreeMap<String, String>>,
    /// The workspace's context manifests (path → text), for a generator that adds to a context.
    contexts: BTreeMap<String, String>,
}

/// The request's top-level keys, in the order the protocol documents them.
const REQUEST_KEYS: [&str; 4] = ["generator", "options", "files", "contexts"];

pub fn run() -> anyhow::Result<Status> {
    answer_stdin(respond)
}

/// Reads one JSON request from stdin and prints `respond`'s answer: the protocol of `nx` and `nx-targets`.
pub(crate) fn answer_stdin(
    respond: impl FnOnce(&[u8]) -> (Value, Status),
) -> anyhow::Result<Status> {
    let mut input = Vec::new();
    let (response, status) = match std::io::stdin().read_to_end(&mut input) {
        Ok(_) => respond(&input),
        // Even a failed read is answered in the protocol, so the shim always has JSON to show.
        Err(error) => (
            json!({ "status": "error", "message": format!("failed to read the request from stdin: {error}") }),
            Status::Failure,
        ),
    };
    output::print_json(&response)?;
    Ok(status)
}

pub(crate) fn invalid(problems: &[Problem]) -> (Value, Status) {
    (
        json!({ "status": "invalid", "problems": problems }),
        Status::Invalid,
    )
}

/// A problem with the request itself rather than with one option.
pub(crate) fn request_problem(message: String) -> Problem {
    Problem {
        path: String::new(),
        message,
    }
}

/// A short description of a JSON value for messages: its type, and its text when it is short.
fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= 40 {
        format!("`{text}`")
    } else {
        match value {
            Value::Object(_) => "an object".into(),
            Value::Array(_) => "an array".into(),
            Value::String(_) => "a long string".into(),
            _ => "a value".into(),
        }
    }
}

/// Reads and checks the request: UTF-8, JSON without duplicate keys, and the protocol's shape.
/// Each problem names the part of the request (a key or a JSON pointer) that is wrong.
fn parse_request(input: &[u8]) -> Result<Request, Problem> {
    let text = std::str::from_utf8(input)
        .map_err(|error| request_problem(format!("the request is not UTF-8 text: {error}")))?;
    if text.trim().is_empty() {
        return Err(request_problem(
            "the request is empty; expected one JSON object {\"generator\", \"options\", \"files\"}"
                .into(),
        ));
    }
    let value = json::parse(text)
        .map_err(|error| request_problem(format!("the request is not valid JSON: {error}")))?;
    let Value::Object(mut object) = value else {
        return Err(request_problem(format!(
            "the request must be a JSON object {{\"generator\", \"options\", \"files\"}}, not {}",
            describe(&value)
        )));
    };
    if let Some(unknown) = object
        .keys()
        .find(|key| !REQUEST_KEYS.contains(&key.as_str()))
    {
        return Err(request_problem(format!(
            "the request has an unknown key `{unknown}`; expected {}",
            REQUEST_KEYS.join(", ")
        )));
    }
    let generator = match object.remove("generator") {
        Some(Value::String(generator)) => generator,
        None => return Err(request_problem("the request has no `generator`".into())),
        Some(other) => {
            return Err(request_problem(format!(
                "the request's `generator` must be a string, not {}",
                describe(&other)
            )));
        }
    };
    let options = match object.remove("options") {
        None => Value::Object(serde_json::Map::new()),
        Some(options @ Value::Object(_)) => options,
        Some(other) => {
            return Err(request_problem(format!(
                "the request's `options` must be an object, not {}",
                describe(&other)
            )));
        }
    };
    let files = match object.remove("files") {
        None | Some(Value::Null) => None,
        Some(Value::Object(files)) => Some(
            files
                .into_iter()
                .map(|(path, content)| match content {
                    Value::String(content) => Ok((path, content)),
                    other => Err(request_problem(format!(
                        "the request's `/files/{}` must be a string (the file's content), not {}",
                        json::pointer_segment(&path),
                        describe(&other)
                    ))),
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(other) => {
            return Err(request_problem(format!(
                "the request's `files` must be null or an object {{path: content}}, not {}",
                describe(&other)
            )));
        }
    };
    let contexts = match object.remove("contexts") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(contexts)) => contexts
            .into_iter()
            .map(|(path, content)| match content {
                Value::String(content) => Ok((path, content)),
                other => Err(request_problem(format!(
                    "the request's `/contexts/{}` must be a string (the manifest's text), not {}",
                    json::pointer_segment(&path),
                    describe(&other)
                ))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(request_problem(format!(
                "the request's `contexts` must be an object {{manifest path: text}}, not {}",
                describe(&other)
            )));
        }
    };
    Ok(Request {
        generator,
        options,
        files,
        contexts,
    })
}

/// The whole protocol as a pure function, so it is tested without a process.
fn respond(input: &[u8]) -> (Value, Status) {
    let request = match parse_request(input) {
        Ok(request) => request,
        Err(problem) => return invalid(&[problem]),
    };
    let oversized = limits::oversized(&request.options);
    if !oversized.is_empty() {
        return invalid(&oversized);
    }
    let Some(generator) = Generator::find(&request.generator) else {
        return invalid(&[Problem {
            path: String::new(),
            message: format!("unknown generator `{}`", request.generator),
        }]);
    };
    let definition = generator.definition();
    let options = if definition.adds_to_a_context() {
        let found = python_ddd_core::contexts::from_manifests(&request.contexts);
        match definition.locate(request.options, &found) {
            Ok(options) => options,
            Err(problems) => return invalid(&problems),
        }
    } else {
        request.options
    };
    // The first request only asks where the context lives: validate, but do not render.
    if request.files.is_none() {
        return match python_ddd_core::root(generator, &options) {
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
    let generation = match python_ddd_core::generate_in(
        generator,
        &options,
        request.files.as_ref().unwrap_or(&BTreeMap::new()),
    ) {
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
    let unsafe_keys = unsafe_file_keys(&generation.root, &files);
    if !unsafe_keys.is_empty() {
        return invalid(&unsafe_keys);
    }
    let plan = match generation.into_plan(&files) {
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
            // What to write: creates, updates, merges, and conflicts whose markers are written
            // (`conflicts: markers`; the shim writes them only when every conflict has them).
            if entry.writes() && entry.action != Action::Delete {
                value["content"] = json!(entry.content());
            }
            if entry.write_markers {
                value["markers"] = json!(true);
            }
            if matches!(
                entry.action,
                Action::Update | Action::Merged | Action::Delete | Action::Conflict
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
    for entry in plan.entries.iter().filter(|e| e.action == Action::Merged) {
        messages.push(format!(
            "merged {}: your edits with this run's changes",
            entry.path
        ));
    }
    for entry in plan.entries.iter().filter(|e| e.write_markers) {
        messages.push(format!(
            "conflict markers in {}: your edits and this run's changes overlap; resolve them",
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

/// The request's file paths become plan paths the shim writes and deletes, so each must be a
/// normalised path inside the context folder, like a generated one (issue 8).
fn unsafe_file_keys(root: &str, files: &BTreeMap<String, String>) -> Vec<Problem> {
    files
        .keys()
        .filter_map(|key| {
            let flaw = paths::check_inside(root, key).err()?;
            Some(Problem {
                path: format!("/files/{}", key.replace('~', "~0").replace('/', "~1")),
                message: format!(
                    "the file path `{key}` is not a path inside the context folder `{root}` ({flaw})"
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_files_it_asks_for_them() {
        let (response, status) =
            respond(br#"{"generator":"domain","options":{"name":"orders"},"files":null}"#);
        assert_eq!(
            response,
            json!({ "status": "needFiles", "root": "libs/orders" })
        );
        assert_eq!(status, Status::Success);
    }

    /// `aggregate` finds its context among the request's manifests (by folder or Nx project),
    /// and names those there are when none matches.
    #[test]
    fn aggregate_finds_its_context_in_the_requests_manifests() {
        let manifest = r#"{\"generator\":\"domain\",\"version\":\"0\",\"options\":{\"name\":\"shop\",\"projectLayout\":\"per-layer\"},\"files\":{}}"#;
        let request = |context: &str| {
            format!(
                r#"{{"generator":"aggregate","options":{{"name":"customers","context":"{context}"}},"files":null,"contexts":{{"apps/shop/.python-ddd.json":"{manifest}"}}}}"#
            )
        };
        let (response, status) = respond(request("shop-domain").as_bytes());
        assert_eq!(
            response,
            json!({ "status": "needFiles", "root": "apps/shop" })
        );
        assert_eq!(status, Status::Success);
        let (response, status) = respond(request("billing").as_bytes());
        assert_eq!(status, Status::Invalid);
        assert_eq!(
            response,
            json!({ "status": "invalid", "problems": [{ "path": "/context", "message":
                "no context python-ddd generated is named `billing` in the workspace; contexts found: `shop` (apps/shop)" }] })
        );
    }

    #[test]
    fn invalid_options_list_every_problem() {
        let (response, status) = respond(
            br#"{"generator":"domain","options":{"name":"Bad-Name","persistence":"mongo"},"files":null}"#,
        );
        assert_eq!(status, Status::Invalid);
        assert_eq!(
            response,
            json!({ "status": "invalid", "problems": [
                { "path": "/name", "message": "`Bad-Name` is not a context name: use lowercase letters and digits, words separated by `_` or `-`, starting with a letter (e.g. `order_items` or `order-items`)" },
                { "path": "/persistence", "message": "\"mongo\" is not one of \"sqlalchemy\" or \"memory\"" },
            ] })
        );
    }

    /// Every malformed request is answered with the protocol's `invalid` object, exit 2, and a
    /// message that names what is wrong.
    #[test]
    fn malformed_requests_get_the_error_object() {
        let cases: [(&[u8], &str); 12] = [
            (
                b"",
                "the request is empty; expected one JSON object {\"generator\", \"options\", \"files\"}",
            ),
            (
                b" \n",
                "the request is empty; expected one JSON object {\"generator\", \"options\", \"files\"}",
            ),
            (
                b"{\"generator\":\"dom\xffain\"}",
                "the request is not UTF-8 text: invalid utf-8 sequence of 1 bytes from index 17",
            ),
            (
                b"{",
                "the request is not valid JSON: EOF while parsing an object at line 1 column 1",
            ),
            (
                b"[1]",
                "the request must be a JSON object {\"generator\", \"options\", \"files\"}, not `[1]`",
            ),
            (
                br#"{"generator":"domain","generator":"domain"}"#,
                "the request is not valid JSON: duplicate key `generator` (at `/generator`) at line 1 column 33",
            ),
            (
                br#"{"generator":"domain","extra":1}"#,
                "the request has an unknown key `extra`; expected generator, options, files, contexts",
            ),
            (br#"{"options":{}}"#, "the request has no `generator`"),
            (
                br#"{"generator":7}"#,
                "the request's `generator` must be a string, not `7`",
            ),
            (
                br#"{"generator":"domain","options":"name=orders"}"#,
                "the request's `options` must be an object, not `\"name=orders\"`",
            ),
            (
                br#"{"generator":"domain","options":{},"files":[]}"#,
                "the request's `files` must be null or an object {path: content}, not `[]`",
            ),
            (
                br#"{"generator":"domain","options":{},"files":{"a/b":null}}"#,
                "the request's `/files/a~1b` must be a string (the file's content), not `null`",
            ),
        ];
        for (input, message) in cases {
            let (response, status) = respond(input);
            assert_eq!(
                status,
                Status::Invalid,
                "{}",
                String::from_utf8_lossy(input)
            );
            assert_eq!(
                response,
                json!({ "status": "invalid", "problems": [{ "path": "", "message": message }] }),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn duplicate_option_keys_are_named() {
        let (response, status) = respond(
            br#"{"generator":"domain","options":{"name":"a","api":"none","api":"fastapi"},"files":null}"#,
        );
        assert_eq!(status, Status::Invalid);
        assert_eq!(
            response["problems"][0]["message"],
            "the request is not valid JSON: duplicate key `api` (at `/options/api`) at line 1 column 62"
        );
    }

    #[test]
    fn huge_options_are_refused_before_validation() {
        let request = json!({ "generator": "domain", "options": { "name": "n".repeat(1 << 20) }, "files": null });
        let started = std::time::Instant::now();
        let (response, status) = respond(request.to_string().as_bytes());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(status, Status::Invalid);
        assert_eq!(
            response,
            json!({ "status": "invalid", "problems": [{ "path": "/name", "message": "the value is 1048576 bytes long; at most 4096 are accepted" }] })
        );
    }

    /// issue 8: a request key that leads out of the context folder is refused by name, and a
    /// manifest entry that does is an error naming the entry; neither plans a delete.
    #[test]
    fn request_paths_outside_the_context_are_refused() {
        let manifest = json!({
            "generator": "domain", "version": "0", "options": {},
            "files": { "../../elsewhere/file.txt": python_ddd_core::manifest::hash("x\n") },
        })
        .to_string();
        let request = json!({
            "generator": "domain", "options": { "name": "orders" },
            "files": { "libs/orders/../../elsewhere/file.txt": "x\n", "/etc/passwd": "" },
        });
        let (response, status) = respond(request.to_string().as_bytes());
        assert_eq!(status, Status::Invalid);
        assert_eq!(
            response,
            json!({ "status": "invalid", "problems": [
                { "path": "/files/~1etc~1passwd", "message": "the file path `/etc/passwd` is not a path inside the context folder `libs/orders` (it is absolute)" },
                { "path": "/files/libs~1orders~1..~1..~1elsewhere~1file.txt", "message": "the file path `libs/orders/../../elsewhere/file.txt` is not a path inside the context folder `libs/orders` (it contains `..`)" },
            ] })
        );

        let request = json!({
            "generator": "domain", "options": { "name": "orders" },
            "files": { "libs/orders/.python-ddd.json": manifest },
        });
        let (response, status) = respond(request.to_string().as_bytes());
        assert_eq!(status, Status::Failure);
        assert_eq!(response["status"], "error");
        assert!(
            response["message"]
                .as_str()
                .unwrap()
                .starts_with("the manifest `libs/orders/.python-ddd.json` lists `../../elsewhere/file.txt`, which is not a path inside the context folder (it contains `..`)"),
            "{response}"
        );
    }

    #[test]
    fn fresh_tree_creates_everything_with_content() {
        let (response, status) =
            respond(br#"{"generator":"domain","options":{"name":"orders"},"files":{}}"#);
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

    /// issue 12: over the Nx tree's files too, an edit apart from the changes is merged (its
    /// content sent, a message naming it); an overlapping one is a conflict, whose markers are
    /// sent as content only with `conflicts: markers`.
    #[test]
    fn edits_are_merged_or_marked() {
        const ENTITY: &str = "libs/orders/domain/orders_domain/entities/order.py";
        let mut files: BTreeMap<String, String> =
            python_ddd_core::generate(Generator::Domain, &json!({"name": "orders"}))
                .unwrap()
                .tree
                .iter()
                .map(|(path, content)| (path.to_owned(), content.to_owned()))
                .collect();
        let fields = "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?,title:str?";
        let request = |files: &BTreeMap<String, String>, conflicts: &str| {
            let request = json!({
                "generator": "domain",
                "options": {"name": "orders", "fields": fields, "conflicts": conflicts},
                "files": files,
            });
            respond(request.to_string().as_bytes())
        };
        let entity = |response: &Value| {
            response["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["path"] == ENTITY)
                .cloned()
                .unwrap()
        };

        let method = "\n    def describe(self) -> str:\n        return \"mine\"\n";
        files.insert(ENTITY.into(), format!("{}{method}", files[ENTITY]));
        let (response, status) = request(&files, "stop");
        assert_eq!(status, Status::Success, "{response}");
        let merged = entity(&response);
        assert_eq!(merged["action"], "merged");
        assert!(merged["content"].as_str().unwrap().ends_with(method));
        assert!(
            merged["content"]
                .as_str()
                .unwrap()
                .contains("    title: str | None\n")
        );
        assert_eq!(
            response["messages"],
            json!([format!(
                "merged {ENTITY}: your edits with this run's changes"
            )])
        );

        let overlapping = files[ENTITY].replacen(
            "\n    note: str | None\n",
            "\n    note: str | None  # mine\n",
            1,
        );
        files.insert(ENTITY.into(), overlapping);
        let (response, status) = request(&files, "stop");
        assert_eq!(status, Status::Conflict);
        let conflict = entity(&response);
        assert_eq!(conflict["action"], "conflict");
        assert!(conflict.get("content").is_none(), "{conflict}");
        assert!(
            conflict["diff"]
                .as_str()
                .unwrap()
                .contains("\n+<<<<<<< ours\n")
        );

        let (response, status) = request(&files, "markers");
        assert_eq!(status, Status::Conflict);
        let marked = entity(&response);
        assert_eq!(marked["markers"], true);
        assert!(
            marked["content"]
                .as_str()
                .unwrap()
                .contains("<<<<<<< ours\n    note: str | None  # mine\n||||||| original\n"),
            "{marked}"
        );
    }
}
