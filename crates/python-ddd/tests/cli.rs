//! The command line's contract: exact stdout, stderr and exit statuses, against a real temporary
//! workspace. Expected file lists come from the library (`python_ddd_core::generate`), so these
//! tests pin the CLI's behaviour while the templates evolve; the templates' content is pinned by
//! the snapshot tests in `python-ddd-core`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use python_ddd_core::Generator;
use serde_json::{Value, json};

/// A fluent harness: `Test::new().args([..]).status(0).stdout(..)`.
struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdin: Option<String>,
}

struct Outcome {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Test {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            args: Vec::new(),
            stdin: None,
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.args = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        self
    }

    fn stdin(mut self, input: &str) -> Self {
        self.stdin = Some(input.to_owned());
        self
    }

    /// Runs with `--root <tempdir>` appended when the command is `generate`.
    fn run(&self) -> Outcome {
        let mut command = assert_cmd::Command::cargo_bin("python-ddd").unwrap();
        command.args(&self.args);
        if self.args.first().is_some_and(|a| a == "generate") {
            command.arg("--root").arg(self.root());
        }
        if let Some(stdin) = &self.stdin {
            command.write_stdin(stdin.clone());
        }
        let output = command.output().unwrap();
        Outcome {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    fn write(&self, path: &str, content: &str) {
        fs::write(self.root().join(path), content).unwrap();
    }

    fn read(&self, path: &str) -> String {
        fs::read_to_string(self.root().join(path)).unwrap()
    }

    /// Every file under the root, relative, sorted.
    fn files(&self) -> Vec<String> {
        let mut files = Vec::new();
        walk(self.root(), self.root(), &mut files);
        files.sort();
        files
    }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        if path.is_dir() {
            walk(base, &path, out);
        } else {
            out.push(
                path.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

impl Outcome {
    fn status(self, expected: i32) -> Self {
        assert_eq!(
            self.status, expected,
            "status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    fn stdout(self, expected: &str) -> Self {
        pretty_assertions::assert_eq!(self.stdout, expected);
        self
    }

    fn stderr(self, expected: &str) -> Self {
        pretty_assertions::assert_eq!(self.stderr, expected);
        self
    }
}

/// The tree the library generates for these options: `(path, content)`, sorted.
fn generated(options: &Value) -> Vec<(String, String)> {
    let generation = python_ddd_core::generate(Generator::Domain, options).unwrap();
    generation
        .tree
        .iter()
        .map(|(p, c)| (p.to_owned(), c.to_owned()))
        .collect()
}

fn summary(root: &Path, counts: [usize; 6]) -> String {
    let [create, update, unchanged, kept, delete, conflict] = counts;
    format!(
        "{}: {create} created, {update} updated, {unchanged} unchanged, {kept} kept, 0 merged, {delete} deleted, {conflict} conflicts\n",
        fs::canonicalize(root)
            .unwrap()
            .join("libs/orders")
            .display()
    )
}

#[test]
fn fresh_generate_writes_the_tree() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    let tree = generated(&json!({ "name": "orders" }));
    let mut expected = String::new();
    for (path, _) in &tree {
        expected.push_str("CREATE   ");
        expected.push_str(path);
        expected.push('\n');
    }
    expected.push_str(&summary(test.root(), [tree.len(), 0, 0, 0, 0, 0]));
    test.run().status(0).stdout(&expected).stderr("");
    assert_eq!(
        test.files(),
        tree.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>()
    );
    for (path, content) in &tree {
        assert_eq!(&test.read(path), content, "{path}");
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    let options = json!({ "name": "orders", "eventBus": "kafka", "projectLayout": "per-layer" });
    assert_eq!(generated(&options), generated(&options));
    let first = Test::new().args(["generate", "domain", "orders", "--event-bus", "kafka"]);
    let second = Test::new().args(["generate", "domain", "orders", "--event-bus", "kafka"]);
    first.run().status(0);
    second.run().status(0);
    for path in first.files() {
        assert_eq!(first.read(&path), second.read(&path), "{path}");
    }
}

/// `CREATE   path` for every generated file, as both the run and the dry run list them.
fn create_lines(tree: &[(String, String)]) -> String {
    tree.iter().fold(String::new(), |mut lines, (path, _)| {
        let _ = writeln!(lines, "CREATE   {path}");
        lines
    })
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let test = Test::new().args(["generate", "domain", "orders", "--dry-run"]);
    let tree = generated(&json!({ "name": "orders" }));
    test.run().status(0).stderr("").stdout(&format!(
        "{}dry run: {} created, 0 updated, 0 unchanged, 0 kept, 0 merged, 0 deleted, 0 conflicts; nothing written\n",
        create_lines(&tree),
        tree.len()
    ));
    assert!(
        test.files().is_empty(),
        "a dry run wrote {:?}",
        test.files()
    );
}

#[test]
fn dry_run_with_diff_shows_created_files_in_full() {
    let test = Test::new().args(["generate", "domain", "orders", "--dry-run", "--diff"]);
    let tree = generated(&json!({ "name": "orders" }));
    let outcome = test.run().status(0).stderr("");
    let (lines, rest) = outcome.stdout.split_at(create_lines(&tree).len());
    assert_eq!(lines, create_lines(&tree));
    for (path, content) in &tree {
        let added = content.lines().fold(String::new(), |mut added, line| {
            let _ = writeln!(added, "+{line}");
            added
        });
        assert!(
            rest.contains(&format!("--- /dev/null\n+++ b/{path}\n")) && rest.contains(&added),
            "no full diff of {path}"
        );
    }
    assert!(rest.starts_with("\n--- /dev/null\n"), "{rest}");
    assert!(rest.ends_with(&format!(
        "\n\ndry run: {} created, 0 updated, 0 unchanged, 0 kept, 0 merged, 0 deleted, 0 conflicts; nothing written\n",
        tree.len()
    )));
    assert!(test.files().is_empty());
}

#[test]
fn diff_needs_a_dry_run() {
    let test = Test::new().args(["generate", "domain", "orders", "--diff"]);
    test.run().status(2).stdout("").stderr(
        "error: invalid options (1):\n  - `options`: `--diff` shows the diffs of a dry run; add `--dry-run`\nNothing was written. `python-ddd schema <generator>` lists every option.\n",
    );
    assert!(test.files().is_empty());
}

/// A dry run into a root that does not exist leaves it absent: not even the folder is made.
#[test]
fn dry_run_does_not_create_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("new/workspace");
    for format in ["human", "json"] {
        let output = assert_cmd::Command::cargo_bin("python-ddd")
            .unwrap()
            .args([
                "generate",
                "domain",
                "orders",
                "--dry-run",
                "--format",
                format,
                "--root",
            ])
            .arg(&root)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}");
        assert!(
            String::from_utf8(output.stdout)
                .unwrap()
                .contains("libs/orders/README.md")
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{format}: something was written"
        );
    }
}

/// The default fields and one more, optional: a change the existing table can take (a new
/// required field is refused once a migration exists).
const NEW_FIELDS: &str =
    "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?,title:str?";

/// An update lists every file and shows the diffs of the updated ones only, exactly as the
/// library plans them.
#[test]
fn dry_run_of_an_update_shows_only_update_diffs() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let new_options = json!({ "name": "orders", "fields": NEW_FIELDS });
    let workspace = python_ddd_core::apply::Workspace::open(test.root()).unwrap();
    let generation =
        python_ddd_core::generate_in(Generator::Domain, &new_options, &workspace).unwrap();
    let plan = generation.plan(&workspace).unwrap();
    let mut expected = String::new();
    let mut diffs = String::new();
    for entry in &plan.entries {
        let label = match entry.action.as_str() {
            "unchanged" => continue,
            action => action.to_uppercase(),
        };
        let _ = writeln!(expected, "{label:<8} {}", entry.path);
        if entry.action.as_str() == "update" {
            diffs.push_str(&entry.diff());
        }
    }
    let s = plan.summary();
    assert!(s.update > 0, "{s:?}");
    let _ = writeln!(
        expected,
        "\n{diffs}\ndry run: {} created, {} updated, {} unchanged, 0 kept, 0 merged, {} deleted, 0 conflicts; nothing written",
        s.create, s.update, s.unchanged, s.delete
    );
    let before: Vec<(String, String)> = test
        .files()
        .into_iter()
        .map(|p| {
            let c = test.read(&p);
            (p, c)
        })
        .collect();
    let update = test.args([
        "generate",
        "domain",
        "orders",
        "--fields",
        NEW_FIELDS,
        "--dry-run",
    ]);
    update.run().status(0).stderr("").stdout(&expected);
    let after: Vec<(String, String)> = update
        .files()
        .into_iter()
        .map(|p| {
            let c = update.read(&p);
            (p, c)
        })
        .collect();
    assert!(before == after, "the dry run changed the tree");
}

/// `--root --dry-run` is a missing folder, not a folder named `--dry-run` (and so for every
/// option that takes a value).
#[test]
fn an_option_followed_by_an_option_is_missing_its_value() {
    for (flag, what) in [
        ("--root", "a folder"),
        ("--format", "`human` or `json`"),
        ("--options-json", "a JSON object"),
        ("--fields", "a value"),
        ("--event-bus", "a value"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let output = assert_cmd::Command::cargo_bin("python-ddd")
            .unwrap()
            .args(["generate", "domain", "orders", flag, "--dry-run"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}");
        assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            format!(
                "error: invalid options (1):\n  - `options`: `{flag}` needs {what}, but the next word `--dry-run` is an option; write `{flag}=VALUE` for a value that starts with `--`\nNothing was written. `python-ddd schema <generator>` lists every option.\n"
            )
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{flag}: something was written"
        );
    }
}

/// An inline value is taken as written, even when it starts with `--`.
#[test]
fn an_inline_value_may_start_with_dashes() {
    let dir = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("python-ddd")
        .unwrap()
        .args(["generate", "domain", "orders", "--root=--odd"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(dir.path().join("--odd/libs/orders/README.md").is_file());
}

#[test]
fn duplicate_keys_in_options_json_are_named() {
    let test = Test::new().args([
        "generate",
        "domain",
        "--options-json",
        r#"{"name":"orders","api":"none","api":"fastapi"}"#,
    ]);
    test.run().status(2).stdout("").stderr(
        "error: invalid options (1):\n  - `options`: `--options-json` is not valid JSON: duplicate key `api` (at `/api`) at line 1 column 35\nNothing was written. `python-ddd schema <generator>` lists every option.\n",
    );
    assert!(test.files().is_empty());
}

#[test]
fn nx_answers_bad_bytes_with_its_error_object() {
    let mut command = assert_cmd::Command::cargo_bin("python-ddd").unwrap();
    let output = command
        .arg("nx")
        .write_stdin(b"{\"generator\":\"domain\xff\"}".to_vec())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        serde_json::from_slice::<Value>(&output.stdout).unwrap(),
        json!({ "status": "invalid", "problems": [{ "path": "", "message": "the request is not UTF-8 text: invalid utf-8 sequence of 1 bytes from index 20" }] })
    );
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}

#[test]
fn rerun_changes_nothing() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let readme = test.root().join("libs/orders/README.md");
    let before = fs::metadata(&readme).unwrap().modified().unwrap();
    let count = test.files().len();
    test.run()
        .status(0)
        .stdout(&summary(test.root(), [0, 0, count, 0, 0, 0]))
        .stderr("");
    assert_eq!(fs::metadata(&readme).unwrap().modified().unwrap(), before);
}

/// The first generated path whose content differs (or not) between two option sets.
fn path_where(a: &Value, b: &Value, differs: bool) -> String {
    let (a, b) = (generated(a), generated(b));
    a.iter()
        .find(|(path, content)| {
            !path.ends_with(".python-ddd.json")
                && b.iter()
                    .any(|(p, c)| p == path && (c != content) == differs)
        })
        .map(|(path, _)| path.clone())
        .expect("such a file exists")
}

#[test]
fn an_edit_that_new_options_would_change_is_a_conflict() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let path = path_where(
        &json!({ "name": "orders" }),
        &json!({ "name": "orders", "fields": NEW_FIELDS }),
        true,
    );
    test.write(&path, "# my edit\n");

    let changed = test.args(["generate", "domain", "orders", "--fields", NEW_FIELDS]);
    let outcome = changed.run().status(3).stdout("");
    assert!(
        outcome.stderr.starts_with("error: nothing was written. ")
            && outcome.stderr.contains(&format!("\n  {path}\n"))
            && outcome.stderr.ends_with("Review the changes with `--dry-run`, then re-run with `--conflicts markers` to write them with conflict markers to resolve, or `--force` to overwrite them, or keep your edits and leave the options as they were.\n"),
        "{}",
        outcome.stderr
    );
    assert_eq!(changed.read(&path), "# my edit\n");
    let manifest_before = changed.read("libs/orders/.python-ddd.json");

    // the dry run shows what would change, and still writes nothing
    let mut args = changed.args.clone();
    args.push("--dry-run".into());
    let preview = changed.args(args);
    let outcome = preview.run().status(3);
    assert!(
        outcome.stdout.contains(&format!("\nCONFLICT {path}  (your edits and the changes overlap)\n"))
            && outcome.stdout.ends_with(&format!("conflicts; nothing written\n1 file(s) you edited conflict with this run's changes:\n  {path}\nRe-run with `--conflicts markers` to write them with conflict markers to resolve, or `--force` to overwrite them, or keep your edits and leave the options as they were.\n"))
            && outcome
                .stdout
                .contains(&format!("--- a/{path}\n+++ b/{path}\n@@ ")),
        "{}",
        outcome.stdout
    );
    assert_eq!(preview.read(&path), "# my edit\n");
    assert_eq!(
        preview.read("libs/orders/.python-ddd.json"),
        manifest_before
    );

    let mut args = preview.args.clone();
    args.pop();
    args.push("--force".into());
    let forced = preview.args(args);
    let outcome = forced.run().status(0);
    assert!(
        outcome.stdout.contains(&format!(
            "UPDATE   {path}  (your edits overwritten: --force)\n"
        )),
        "{}",
        outcome.stdout
    );
    let expected = generated(&json!({ "name": "orders", "fields": NEW_FIELDS }));
    assert_eq!(
        &forced.read(&path),
        &expected.iter().find(|(p, _)| *p == path).unwrap().1
    );
}

#[test]
fn an_edit_that_new_options_would_not_change_is_kept() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let path = path_where(
        &json!({ "name": "orders" }),
        &json!({ "name": "orders", "fields": NEW_FIELDS }),
        false,
    );
    test.write(&path, "# my edit\n");
    let changed = test.args(["generate", "domain", "orders", "--fields", NEW_FIELDS]);
    let outcome = changed.run().status(0).stderr("");
    assert!(
        outcome.stdout.contains(&format!(
            "KEPT     {path}  (edited by you; left as it is)\n"
        )),
        "{}",
        outcome.stdout
    );
    assert_eq!(changed.read(&path), "# my edit\n");
}

#[test]
fn invalid_options_are_all_listed_and_nothing_is_written() {
    let test = Test::new().args([
        "generate",
        "domain",
        "Bad-Name",
        "--persistence",
        "mongo",
        "--fields",
        "x:float",
        "--colour",
        "red",
    ]);
    test.run().status(2).stdout("").stderr(
        "error: invalid options (3):
  - `colour`: unknown option `colour`; the `domain` generator accepts: name, directory, entity, fields, persistence, eventBus, cache, api, cli, projectLayout, tags, force, conflicts
  - `name`: `Bad-Name` is not a context name: use lowercase letters and digits, words separated by `_` or `-`, starting with a letter (e.g. `order_items` or `order-items`)
  - `persistence`: \"mongo\" is not one of \"sqlalchemy\" or \"memory\"
Nothing was written. `python-ddd schema <generator>` lists every option.
",
    );
    assert!(test.files().is_empty());
}

/// issue 11: a spec with several aggregates needs adapters that render them; until then a run
/// says so naming the spec, exit 2, and writes nothing (SQLAlchemy renders several: the default
/// `api: fastapi` is what is refused here).
#[test]
fn several_aggregates_need_the_memory_adapters_for_now() {
    let test = Test::new().args(["generate", "domain", "shop"]);
    test.run().status(0);
    let spec_path = "libs/shop/python-ddd.spec.json";
    let mut spec: Value = serde_json::from_str(&test.read(spec_path)).unwrap();
    spec["aggregates"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Customer", "fields": [{"name": "email", "type": "email"}]}));
    let edited = serde_json::to_string_pretty(&spec).unwrap();
    test.write(spec_path, &edited);
    let before = test.files();
    test.run().status(2).stdout("").stderr(
        "error: invalid options (1):
  - `aggregates`: the context lists 2 aggregates; this python-ddd renders more than one only with `eventBus: memory` and `api: none` so far: set those, or keep one aggregate (`aggregates` as the context spec `libs/shop/python-ddd.spec.json` states it)
Nothing was written. `python-ddd schema <generator>` lists every option.
",
    );
    assert_eq!(test.files(), before);
    assert_eq!(test.read(spec_path), edited);
}

#[test]
fn keywords_and_bad_fields_are_named() {
    let test = Test::new().args([
        "generate",
        "domain",
        "import",
        "--fields",
        "ok:str,total:float",
    ]);
    test.run().status(2).stdout("").stderr(
        "error: invalid options (2):
  - `name`: `import` is a Python keyword; choose another name (e.g. `import_records`)
  - `fields`: item 2 (`total:float`): field `total` has unknown type `float`; allowed: str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|…), each optionally followed by `?`
Nothing was written. `python-ddd schema <generator>` lists every option.
",
    );
    assert!(test.files().is_empty());
}

#[test]
fn json_errors_are_machine_readable() {
    let test = Test::new().args([
        "generate", "domain", "orders", "--api", "grpc", "--format", "json",
    ]);
    let outcome = test.run().status(2).stdout("");
    let errors: Value = serde_json::from_str(&outcome.stderr).unwrap();
    assert_eq!(
        errors,
        json!({ "status": "invalid", "problems": [{ "path": "/api", "message": "\"grpc\" is not one of \"fastapi\" or \"none\"" }] })
    );
}

/// Even when the words cannot all be read, a `--format json` among them makes the error JSON.
#[test]
fn unreadable_words_are_reported_in_the_format_asked_for() {
    for words in [
        ["orders", "--format", "json", "--fields"],
        ["orders", "--format=json", "--root", "--force"],
    ] {
        let test = Test::new().args(["generate", "domain"].into_iter().chain(words));
        let outcome = test.run().status(2).stdout("");
        let errors: Value = serde_json::from_str(&outcome.stderr).unwrap();
        assert_eq!(errors["status"], "invalid", "{words:?}");
        assert_eq!(errors["problems"][0]["path"], "", "{words:?}");
        assert!(
            errors["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("` needs "),
            "{words:?}"
        );
    }
}

#[test]
fn directory_escapes_are_refused() {
    for (directory, message) in [
        (
            "../x",
            "`directory`: `../x` contains `..`, which is not allowed; expected a relative path inside the workspace like `libs` or `packages/backend`",
        ),
        (
            "/abs",
            "`directory`: `/abs` is absolute; expected a relative path inside the workspace like `libs` or `packages/backend`",
        ),
    ] {
        let test = Test::new().args(["generate", "domain", "orders", "--directory", directory]);
        test.run()
            .status(2)
            .stdout("")
            .stderr(&format!("error: invalid options (1):\n  - {message}\nNothing was written. `python-ddd schema <generator>` lists every option.\n"));
        assert!(test.files().is_empty());
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_root_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let test = Test::new().args(["generate", "domain", "orders"]);
    std::os::unix::fs::symlink(outside.path(), test.root().join("libs")).unwrap();
    let outcome = test.run().status(2).stdout("");
    assert!(
        outcome
            .stderr
            .contains("is a symbolic link that leads outside the workspace root"),
        "{}",
        outcome.stderr
    );
    assert_eq!(
        fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
}

/// A link where a generated file goes is that file's problem, not the `directory` option's: the
/// error names the file and says what to do, and the link and its target are left alone.
#[cfg(unix)]
#[test]
fn a_symlink_at_a_generated_file_is_named() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    fs::write(test.root().join("notes.txt"), "mine\n").unwrap();
    let readme = test.root().join("libs/orders/README.md");
    fs::remove_file(&readme).unwrap();
    std::os::unix::fs::symlink("../../notes.txt", &readme).unwrap();
    let outcome = test.run().status(1).stdout("");
    assert!(
        outcome.stderr.contains(
            "README.md` is a symbolic link where a generated file goes; refusing to replace it: \
             remove the link (or replace it with a regular file) and run again"
        ),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("directory"), "{}", outcome.stderr);
    assert!(fs::symlink_metadata(&readme).unwrap().is_symlink());
    assert_eq!(
        fs::read_to_string(test.root().join("notes.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn options_json_and_flags_combine() {
    let test = Test::new().args([
        "generate",
        "domain",
        "--options-json",
        r#"{"name":"orders","api":"none"}"#,
        "--event-bus",
        "kafka",
        "--format",
        "json",
    ]);
    let outcome = test.run().status(0).stderr("");
    let report: Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(report["status"], "ok");
    let manifest: Value = serde_json::from_str(&test.read("libs/orders/.python-ddd.json")).unwrap();
    assert_eq!(manifest["options"]["api"], "none");
    assert_eq!(manifest["options"]["eventBus"], "kafka");
}

#[test]
fn unknown_generator() {
    Test::new()
        .args(["generate", "nope", "x"])
        .run()
        .status(2)
        .stdout("")
        .stderr("error: invalid options (1):\n  - `options`: unknown generator `nope`; available: domain, aggregate\nNothing was written. `python-ddd schema <generator>` lists every option.\n");
}

/// `python-ddd list`: every registered generator, names padded to the longest.
const LIST: &str = "\
domain    A bounded context in hexagonal layers: domain, application, infrastructure and interface, with tests, docs and Nx wiring (aliases: d, ddd)
aggregate Another aggregate root in an existing context: entity, id, events, errors, repository, adapters, DTOs, use cases and tests, wired into the unit of work (aliases: a, agg)
";

#[test]
fn list_and_schema() {
    Test::new().args(["list"]).run().status(0).stdout(LIST);
    let committed = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/domain.schema.json"),
    )
    .unwrap();
    Test::new()
        .args(["schema", "domain"])
        .run()
        .status(0)
        .stdout(&committed);
}

#[test]
fn nx_protocol_round_trip() {
    let needs = Test::new()
        .args(["nx"])
        .stdin(r#"{"generator":"domain","options":{"name":"orders"},"files":null}"#)
        .run()
        .status(0);
    assert_eq!(
        serde_json::from_str::<Value>(&needs.stdout).unwrap(),
        json!({ "status": "needFiles", "root": "libs/orders" })
    );

    let tree = generated(&json!({ "name": "orders" }));
    let files: serde_json::Map<String, Value> = tree
        .iter()
        .map(|(p, c)| (p.clone(), Value::String(c.clone())))
        .collect();
    let request = json!({ "generator": "domain", "options": { "name": "orders" }, "files": files });
    let again = Test::new()
        .args(["nx"])
        .stdin(&request.to_string())
        .run()
        .status(0);
    let response: Value = serde_json::from_str(&again.stdout).unwrap();
    assert!(
        response["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["action"] == "unchanged" && f.get("content").is_none())
    );
}

#[test]
fn help_shows_examples() {
    let outcome = Test::new().args(["generate", "--help"]).run().status(0);
    assert!(
        outcome
            .stdout
            .contains("python-ddd generate domain orders --dry-run"),
        "{}",
        outcome.stdout
    );
}

/// `python-ddd … | head -1` must not report an error when the reader goes away.
#[test]
fn a_closed_stdout_is_not_an_error() {
    let binary = assert_cmd::cargo::cargo_bin("python-ddd");
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(binary)
        .args(["generate", "domain", "orders", "--dry-run", "--root"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn json_dry_run_carries_diffs() {
    let test = Test::new().args([
        "generate",
        "domain",
        "orders",
        "--dry-run",
        "--format",
        "json",
    ]);
    let outcome = test.run().status(0).stderr("");
    let report: Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(
        (report["status"].as_str(), report["dryRun"].as_bool()),
        (Some("ok"), Some(true))
    );
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), generated(&json!({ "name": "orders" })).len());
    assert!(
        files.iter().all(|f| f["action"] == "create"
            && f["diff"].as_str().unwrap().starts_with("--- /dev/null\n"))
    );
    assert!(test.files().is_empty());
}

/// issue 11: adding a field adds a migration revision; the ones written before stay byte for
/// byte, and a change existing rows cannot take is refused with nothing written.
#[test]
fn a_new_field_adds_a_revision_and_keeps_the_written_ones() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let versions = "libs/orders/infrastructure/orders_infrastructure/migrations/versions";
    let rev_0001 = format!("{versions}/rev_0001_create_orders_table.py");
    let first = test.read(&rev_0001);

    let added = test.args(["generate", "domain", "orders", "--fields", NEW_FIELDS]);
    let outcome = added.run().status(0).stderr("");
    assert!(
        outcome.stdout.contains(&format!(
            "CREATE   {versions}/rev_0002_alter_orders_table.py\n"
        )) && !outcome.stdout.contains(&rev_0001),
        "{}",
        outcome.stdout
    );
    assert_eq!(added.read(&rev_0001), first);
    let rev_0002 = added.read(&format!("{versions}/rev_0002_alter_orders_table.py"));
    assert!(rev_0002.contains("down_revision: str | None = \"0001\"\n"));

    let before: Vec<(String, String)> = added
        .files()
        .into_iter()
        .map(|p| {
            let c = added.read(&p);
            (p, c)
        })
        .collect();
    let required = added.args([
        "generate",
        "domain",
        "orders",
        "--fields",
        "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?,title:str?,rank:int",
    ]);
    required.run().status(2).stdout("").stderr(
        "error: invalid options (1):\n  - `fields`: the new field `rank` is required, but the table `orders` \
         already exists and its rows have no value for it; add it as optional (`rank:int?`)\n\
         Nothing was written. `python-ddd schema <generator>` lists every option.\n",
    );
    let after: Vec<(String, String)> = required
        .files()
        .into_iter()
        .map(|p| {
            let c = required.read(&p);
            (p, c)
        })
        .collect();
    assert!(before == after, "a refused run changed the tree");
}

/// The entity as generated with the default fields, and as `NEW_FIELDS` renders it.
const ENTITY: &str = "libs/orders/domain/orders_domain/entities/order.py";
const MANIFEST: &str = "libs/orders/.python-ddd.json";

fn generated_file(options: &Value, path: &str) -> String {
    generated(options)
        .into_iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} is generated"))
        .1
}

/// Every file under the root with its content.
fn contents(test: &Test) -> Vec<(String, String)> {
    test.files()
        .into_iter()
        .map(|path| {
            let content = test.read(&path);
            (path, content)
        })
        .collect()
}

/// issue 12: an edit away from what the new options change (a method added to the entity) is
/// merged with the change: the dry run says so and shows the merged diff, the run writes the new
/// output with the user's method in it, reports `merged`, and a re-run keeps the merge.
#[test]
fn an_edit_apart_from_the_changes_is_merged() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let method = "\n    def describe(self) -> str:\n        return f\"order {self.id}\"\n";
    let edited = format!("{}{method}", test.read(ENTITY));
    test.write(ENTITY, &edited);
    let new_options = json!({ "name": "orders", "fields": NEW_FIELDS });
    let expected = format!("{}{method}", generated_file(&new_options, ENTITY));

    let preview = test.args([
        "generate",
        "domain",
        "orders",
        "--fields",
        NEW_FIELDS,
        "--dry-run",
    ]);
    let outcome = preview.run().status(0).stderr("");
    let diff = python_ddd_core::diff::unified(
        &format!("a/{ENTITY}"),
        Some(&edited),
        &format!("b/{ENTITY}"),
        Some(&expected),
    );
    assert!(
        outcome.stdout.contains(&format!(
            "\nMERGED   {ENTITY}  (your edits merged with the changes)\n"
        )) && outcome.stdout.contains(&diff)
            && outcome
                .stdout
                .ends_with(" 0 kept, 1 merged, 0 deleted, 0 conflicts; nothing written\n"),
        "{}",
        outcome.stdout
    );
    assert_eq!(preview.read(ENTITY), edited);

    let run = preview.args(["generate", "domain", "orders", "--fields", NEW_FIELDS]);
    let outcome = run.run().status(0).stderr("");
    assert!(
        outcome.stdout.contains(&format!(
            "\nMERGED   {ENTITY}  (your edits merged with the changes)\n"
        )) && outcome
            .stdout
            .ends_with(" 0 kept, 1 merged, 0 deleted, 0 conflicts\n"),
        "{}",
        outcome.stdout
    );
    assert_eq!(run.read(ENTITY), expected);
    // The manifest records what we generated, not the merge: the method stays the user's.
    let manifest: Value = serde_json::from_str(&run.read(MANIFEST)).unwrap();
    assert_eq!(
        manifest["files"]["domain/orders_domain/entities/order.py"],
        python_ddd_core::manifest::hash(&generated_file(&new_options, ENTITY))
    );
    let again = run.run().status(0).stderr("");
    assert!(
        again.stdout.starts_with(&format!(
            "KEPT     {ENTITY}  (edited by you; left as it is)\n"
        )),
        "{}",
        again.stdout
    );
    assert_eq!(run.read(ENTITY), expected);
}

/// issue 12: an edit of a line the new options change is a conflict: nothing written (exit 3),
/// the dry run shows the merge with its markers; `--conflicts markers` writes everything, the
/// entity with the markers, and still exits 3; the next run keeps the file as the user resolves it.
#[test]
fn overlapping_edits_conflict_and_markers_are_written_on_request() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let original = test.read(ENTITY);
    let edited = original.replacen(
        "\n    note: str | None\n",
        "\n    note: str | None  # free text, mine\n",
        1,
    );
    assert_ne!(edited, original);
    test.write(ENTITY, &edited);
    let files_before = contents(&test);
    let marked = "    status: OrderStatus\n<<<<<<< ours\n    note: str | None  # free text, mine\n||||||| original\n    note: str | None\n=======\n    note: str | None\n    title: str | None\n>>>>>>> theirs\n    archived_at: datetime | None\n";

    let stop = test.args(["generate", "domain", "orders", "--fields", NEW_FIELDS]);
    stop.run().status(3).stdout("").stderr(&format!(
        "error: nothing was written. 1 file(s) you edited conflict with this run's changes:\n  {ENTITY}\nReview the changes with `--dry-run`, then re-run with `--conflicts markers` to write them with conflict markers to resolve, or `--force` to overwrite them, or keep your edits and leave the options as they were.\n"
    ));
    let dry = stop.args([
        "generate",
        "domain",
        "orders",
        "--fields",
        NEW_FIELDS,
        "--dry-run",
    ]);
    let outcome = dry.run().status(3).stderr("");
    assert!(
        outcome.stdout.contains(&format!(
            "\nCONFLICT {ENTITY}  (your edits and the changes overlap)\n"
        )) && outcome.stdout.contains(
            "     status: OrderStatus\n+<<<<<<< ours\n     note: str | None  # free text, mine\n+||||||| original\n+    note: str | None\n+=======\n+    note: str | None\n+    title: str | None\n+>>>>>>> theirs\n     archived_at: datetime | None\n"
        ),
        "{}",
        outcome.stdout
    );
    assert_eq!(contents(&dry), files_before, "a conflict writes nothing");

    let markers = dry.args([
        "generate",
        "domain",
        "orders",
        "--fields",
        NEW_FIELDS,
        "--conflicts",
        "markers",
    ]);
    let outcome = markers.run().status(3).stderr(&format!(
        "1 file(s) hold conflict markers where your edits and the changes overlap:\n  {ENTITY}\nResolve each `<<<<<<< ours` … `>>>>>>> theirs` block (ours: your edits, original: the previous output, theirs: the new output); the next run keeps what you make of them.\n"
    ));
    assert!(
        outcome.stdout.contains(&format!(
            "\nCONFLICT {ENTITY}  (your edits and the changes overlap: conflict markers written)\n"
        )) && outcome
            .stdout
            .ends_with(" 0 kept, 0 merged, 0 deleted, 1 conflicts\n"),
        "{}",
        outcome.stdout
    );
    let written = markers.read(ENTITY);
    assert!(written.contains(marked), "{written}");
    // Everything else is the new output.
    let new_options = json!({ "name": "orders", "fields": NEW_FIELDS });
    // (The manifest, the spec and the migrations are the history's: the tree of an empty
    // workspace differs there.)
    for (path, content) in generated(&new_options) {
        if path != ENTITY
            && !path.ends_with(".python-ddd.json")
            && !path.ends_with("python-ddd.spec.json")
            && !path.contains("/migrations/versions/")
        {
            assert_eq!(markers.read(&path), content, "{path}");
        }
    }
    // The user resolves the markers; the next run (the same options) keeps the file.
    let resolved = written.replace(
        marked,
        "    status: OrderStatus\n    note: str | None  # free text, mine\n    title: str | None\n    archived_at: datetime | None\n",
    );
    markers.write(ENTITY, &resolved);
    let again = markers.args(["generate", "domain", "orders"]);
    let outcome = again.run().status(0).stderr("");
    assert!(
        outcome.stdout.starts_with(&format!(
            "KEPT     {ENTITY}  (edited by you; left as it is)\n"
        )),
        "{}",
        outcome.stdout
    );
    assert_eq!(again.read(ENTITY), resolved);
}

/// issue 12: when the previous output cannot be rendered again exactly (here: the manifest
/// records output an older template wrote), there is no base to merge with: the edited file stays
/// a conflict, and `--conflicts markers` writes nothing either.
#[test]
fn a_previous_output_that_does_not_render_again_stays_a_conflict() {
    let mut test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let older = format!("# written by an older template\n{}", test.read(ENTITY));
    let mut manifest: Value = serde_json::from_str(&test.read(MANIFEST)).unwrap();
    manifest["files"]["domain/orders_domain/entities/order.py"] =
        json!(python_ddd_core::manifest::hash(&older));
    test.write(
        MANIFEST,
        &format!("{}\n", serde_json::to_string_pretty(&manifest).unwrap()),
    );
    let edited = format!("{older}# mine\n");
    test.write(ENTITY, &edited);
    let manifest_before = test.read(MANIFEST);

    for conflicts in ["stop", "markers"] {
        test = test.args([
            "generate",
            "domain",
            "orders",
            "--fields",
            NEW_FIELDS,
            "--conflicts",
            conflicts,
        ]);
        let outcome = test.run().status(3).stdout("");
        assert_eq!(
            outcome.stderr,
            format!(
                "error: nothing was written. 1 file(s) you edited conflict with this run's changes:\n  {ENTITY}\nReview the changes with `--dry-run`, then re-run with `--force` to overwrite them, or keep your edits and leave the options as they were.\n"
            ),
            "{conflicts}"
        );
        assert_eq!(test.read(ENTITY), edited, "{conflicts}");
        assert_eq!(test.read(MANIFEST), manifest_before, "{conflicts}");
    }
    test = test.args([
        "generate",
        "domain",
        "orders",
        "--fields",
        NEW_FIELDS,
        "--dry-run",
    ]);
    let outcome = test.run().status(3).stderr("");
    assert!(
        outcome.stdout.contains(&format!(
            "\nCONFLICT {ENTITY}  (edited by you; no previous output to merge with)\n"
        )),
        "{}",
        outcome.stdout
    );
}

/// `python-ddd list`: every generator of the registry (`Generator::ALL`), one line each.
#[test]
fn list_names_every_generator() {
    Test::new()
        .args(["list"])
        .run()
        .status(0)
        .stderr("")
        .stdout(LIST);
    let outcome = Test::new()
        .args(["list", "--format", "json"])
        .run()
        .status(0)
        .stderr("");
    assert_eq!(
        serde_json::from_str::<Value>(&outcome.stdout).unwrap(),
        json!([{
            "name": "domain",
            "aliases": ["d", "ddd"],
            "description": "A bounded context in hexagonal layers: domain, application, infrastructure and interface, with tests, docs and Nx wiring",
        }, {
            "name": "aggregate",
            "aliases": ["a", "agg"],
            "description": "Another aggregate root in an existing context: entity, id, events, errors, repository, adapters, DTOs, use cases and tests, wired into the unit of work",
        }])
    );
}

/// `generate domain --spec FILE` builds a whole context, several aggregates included, from a spec
/// file: the stored spec then says what the file says, with the command line's options on top, and
/// a second run from the same file changes nothing.
#[test]
fn a_spec_file_builds_the_whole_context() {
    let test = Test::new();
    let spec = json!({
        "version": 1,
        "name": "shop",
        "persistence": "memory",
        "eventBus": "memory",
        "api": "none",
        "projectLayout": "single",
        "aggregates": [
            {"name": "Order", "fields": [{"name": "total", "type": "money"}]},
            {"name": "Customer", "fields": [{"name": "email", "type": "email"}]},
        ],
    });
    test.write("shop.json", &spec.to_string());
    let file = test.root().join("shop.json").display().to_string();
    let test = test.args([
        "generate",
        "domain",
        "--spec",
        &file,
        "--projectLayout",
        "per-layer",
    ]);
    test.run().status(0);
    let stored: Value = serde_json::from_str(&test.read("libs/shop/python-ddd.spec.json")).unwrap();
    assert_eq!(stored["aggregates"], spec["aggregates"]);
    assert_eq!(stored["projectLayout"], "per-layer");
    let files = test.files();
    for entity in ["order", "customer"] {
        let path = format!("libs/shop/domain/shop_domain/entities/{entity}.py");
        assert!(files.contains(&path), "{path} is missing");
    }
    let outcome = test.run().status(0);
    assert!(
        outcome.stdout.contains(" 0 created, 0 updated, "),
        "{}",
        outcome.stdout
    );
    assert_eq!(test.files(), files);
}

/// A spec file for another context, one that is not a spec, or one that makes up migrations is
/// refused naming the file, and nothing is written.
#[test]
fn a_spec_file_that_cannot_be_the_context_is_refused() {
    let spec = |name: &str, extra: Value| {
        let mut spec = json!({
            "version": 1, "name": name, "persistence": "sqlalchemy", "eventBus": "memory",
            "api": "none", "projectLayout": "single",
            "aggregates": [{"name": "Order", "fields": [{"name": "total", "type": "int"}]}],
        });
        spec.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        spec.to_string()
    };
    let migrations = json!({"migrations": [{"revision": "0007", "aggregates": []}]});
    let cases = [
        (
            spec("shop", json!({})),
            "describes the context `shop`, not `orders`; pass `shop` as the name, or change the spec's `name`",
        ),
        (
            r#"{"version": 1, "name": "orders"}"#.to_owned(),
            "is not valid: missing field `persistence` at line 1 column 32; fix it or restore it from version control",
        ),
        (
            spec("orders", migrations),
            "lists migrations that `libs/orders` did not write; leave `migrations` out: the generator writes them",
        ),
    ];
    for (text, why) in cases {
        let test = Test::new();
        test.write("spec.json", &text);
        let file = test.root().join("spec.json").display().to_string();
        let test = test.args(["generate", "domain", "orders", "--spec", &file]);
        test.run().status(2).stdout("").stderr(&format!(
            "error: invalid options (1):
  - `spec`: the context spec `{file}` {why}
Nothing was written. `python-ddd schema <generator>` lists every option.
"
        ));
        assert_eq!(test.files(), ["spec.json"]);
    }
}

/// A workspace holding the context `shop` with the adapters that take several aggregates.
fn shop() -> Test {
    let test = Test::new().args([
        "generate",
        "domain",
        "shop",
        "--persistence",
        "memory",
        "--api",
        "none",
        "--fields",
        "total:money",
    ]);
    test.run().status(0);
    test
}

/// issue 11: `generate aggregate` appends the aggregate to the context's spec and renders the
/// context again: the same files as a `--spec` file listing both aggregates, and a second run of
/// `domain` changes nothing.
#[test]
fn generate_aggregate_adds_an_aggregate_root() {
    let test = shop().args([
        "generate",
        "aggregate",
        "customers",
        "--context",
        "shop",
        "--fields",
        "email:email,nickname:str?",
    ]);
    let outcome = test.run().status(0).stderr("");
    assert!(
        outcome
            .stdout
            .contains("CREATE   libs/shop/domain/shop_domain/entities/customer.py\n"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stdout
            .contains("UPDATE   libs/shop/python-ddd.spec.json\n"),
        "{}",
        outcome.stdout
    );
    let spec: Value = serde_json::from_str(&test.read("libs/shop/python-ddd.spec.json")).unwrap();
    assert_eq!(
        spec["aggregates"],
        json!([
            {"name": "Shop", "fields": [{"name": "total", "type": "money"}]},
            {"name": "Customer", "fields": [
                {"name": "email", "type": "email"},
                {"name": "nickname", "type": "str", "optional": true},
            ]},
        ])
    );

    // The same context from a spec file: byte for byte the same files.
    let twin = Test::new();
    twin.write("shop.json", &spec.to_string());
    let file = twin.root().join("shop.json").display().to_string();
    let twin = twin.args(["generate", "domain", "--spec", &file]);
    twin.run().status(0);
    let files: Vec<String> = test.files();
    assert_eq!(
        twin.files()
            .into_iter()
            .filter(|f| f != "shop.json")
            .collect::<Vec<_>>(),
        files
    );
    for path in &files {
        assert_eq!(test.read(path), twin.read(path), "{path}");
    }
    let again = test.args(["generate", "domain", "shop"]);
    let outcome = again.run().status(0);
    assert!(
        outcome.stdout.contains(" 0 created, 0 updated, "),
        "{}",
        outcome.stdout
    );
}

/// A dry run of `generate aggregate` lists what it would write and writes nothing.
#[test]
fn generate_aggregate_dry_run_writes_nothing() {
    let test = shop();
    let before: Vec<(String, String)> = test
        .files()
        .into_iter()
        .map(|f| (test.read(&f), f))
        .map(|(c, f)| (f, c))
        .collect();
    let test = test.args([
        "generate",
        "aggregate",
        "customers",
        "--context",
        "shop",
        "--dry-run",
    ]);
    let outcome = test.run().status(0).stderr("");
    assert!(
        outcome
            .stdout
            .contains("CREATE   libs/shop/domain/shop_domain/entities/customer.py\n"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("; nothing written\n"),
        "{}",
        outcome.stdout
    );
    let after: Vec<(String, String)> = test
        .files()
        .into_iter()
        .map(|f| (test.read(&f), f))
        .map(|(c, f)| (f, c))
        .collect();
    assert_eq!(after, before);
}

/// Each refusal is exit 2, names the option at fault with a way out, and writes nothing.
#[test]
fn generate_aggregate_refusals_name_the_input() {
    let test = shop();
    let cases: [(&[&str], &str); 6] = [
        (
            &["customers", "--context", "billing"],
            "  - `context`: no context python-ddd generated is named `billing` in the workspace; contexts found: `shop` (libs/shop)\n",
        ),
        (
            &["customers", "--context", "shop", "--directory", "apps"],
            "  - `context`: no context python-ddd generated is named `shop` in `apps`; contexts found: `shop` (libs/shop)\n",
        ),
        (
            &["shops", "--context", "shop"],
            "  - `name`: the context `shop` already has the aggregate `Shop`: its aggregate root; change the root's fields with `python-ddd generate domain shop --fields …`; or choose another name\n",
        ),
        (
            &["customers", "--context", "shop", "--fields", "total:float"],
            "  - `fields`: item 1 (`total:float`): field `total` has unknown type `float`; allowed: str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|…), each optionally followed by `?`\n",
        ),
        (
            &["customers", "--context", "shop", "--entity", "ShopLine"],
            "  - `entity`: aggregate `ShopLine` (aggregate 0 is `Shop`): its module names start with `shop_`, which `Shop`'s modules use; name it without that prefix (e.g. `Line`)\n",
        ),
        (&["customers"], "  - `context`: `context` is required\n"),
    ];
    let before = test.files();
    let mut test = test;
    for (words, problem) in cases {
        let mut args = vec!["generate", "aggregate"];
        args.extend_from_slice(words);
        test = test.args(args);
        test.run().status(2).stdout("").stderr(&format!(
            "error: invalid options (1):\n{problem}Nothing was written. `python-ddd schema <generator>` lists every option.\n"
        ));
        assert_eq!(test.files(), before, "{words:?}");
    }
    // `--spec` belongs to `domain`.
    test.write("shop.json", "{}");
    let file = test.root().join("shop.json").display().to_string();
    test = test.args([
        "generate",
        "aggregate",
        "customers",
        "--context",
        "shop",
        "--spec",
        &file,
    ]);
    test.run().status(2).stdout("").stderr(&format!(
        "error: invalid options (1):
  - `spec`: `--spec {file}` describes a whole context; add its aggregates with `python-ddd generate domain --spec {file}`, or leave `--spec` out
Nothing was written. `python-ddd schema <generator>` lists every option.
"
    ));
}

/// Until the SQLAlchemy, FastAPI, Kafka and RabbitMQ adapters render several aggregates, a
/// context using one refuses a second aggregate, naming the context.
#[test]
fn generate_aggregate_needs_adapters_that_take_several() {
    let test = Test::new().args(["generate", "domain", "orders"]);
    test.run().status(0);
    let before = test.files();
    let test = test.args(["generate", "aggregate", "customers", "--context", "orders"]);
    test.run().status(2).stdout("").stderr(
        "error: invalid options (1):
  - `context`: the context lists 2 aggregates; this python-ddd renders more than one only with `eventBus: memory` and `api: none` so far: set those, or keep one aggregate (`aggregates` as the context spec `libs/orders/python-ddd.spec.json` states it)
Nothing was written. `python-ddd schema <generator>` lists every option.
",
    );
    assert_eq!(test.files(), before);
}

/// issue 11 step "Many aggregates" / issue 12 item 5: a second aggregate's files merge like the
/// root's. The manifest records the aggregates it rendered, so the previous output renders again
/// and is the merge base: an edit of `Customer`'s entity survives a new field of `Customer`, and
/// an edit where the new field goes is a conflict (exit 3, nothing written).
#[test]
fn a_second_aggregates_edits_merge_on_re_render() {
    let test = shop().args([
        "generate",
        "aggregate",
        "customers",
        "--context",
        "shop",
        "--fields",
        "email:email",
    ]);
    test.run().status(0);
    let entity = "libs/shop/domain/shop_domain/entities/customer.py";
    let spec_path = "libs/shop/python-ddd.spec.json";
    let generated = test.read(entity);
    let edited = format!(
        "{generated}

def greeting() -> str:
    return \"hello\"
"
    );
    test.write(entity, &edited);
    let mut spec: Value = serde_json::from_str(&test.read(spec_path)).unwrap();
    spec["aggregates"][1]["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "nickname", "type": "str", "optional": true}));
    test.write(spec_path, &serde_json::to_string_pretty(&spec).unwrap());
    let test = test.args(["generate", "domain", "shop"]);
    let outcome = test.run().status(0).stderr("");
    assert!(
        outcome.stdout.contains(&format!(
            "MERGED   {entity}  (your edits merged with the changes)\n"
        )),
        "{}",
        outcome.stdout
    );
    let merged = test.read(entity);
    assert!(merged.contains("def greeting() -> str:"), "{merged}");
    assert!(merged.contains("nickname"), "{merged}");

    // An edit on a line the next change rewrites: a conflict, nothing written.
    let line = merged
        .lines()
        .find(|line| line.contains("nickname"))
        .unwrap()
        .to_owned();
    let overlapping = merged.replacen(&line, &format!("{line}  # mine"), 1);
    test.write(entity, &overlapping);
    let mut spec: Value = serde_json::from_str(&test.read(spec_path)).unwrap();
    spec["aggregates"][1]["fields"][1]["optional"] = json!(false);
    spec["aggregates"][1]["fields"][1]["type"] = json!("int");
    let spec_text = serde_json::to_string_pretty(&spec).unwrap();
    test.write(spec_path, &spec_text);
    let before = test.files();
    let outcome = test.run().status(3).stdout("");
    assert!(
        outcome.stderr.contains(&format!("  {entity}\n")),
        "{}",
        outcome.stderr
    );
    assert_eq!(test.files(), before);
    assert_eq!(test.read(entity), overlapping);
    assert_eq!(test.read(spec_path), spec_text);
}
