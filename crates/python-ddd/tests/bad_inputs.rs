//! The bad-input corpus: hundreds of wrong command lines, options objects, options files and `nx`
//! requests, each refused with the right exit status, a message that names the input (the option,
//! the key or the JSON pointer), nothing written, and within a second.
//!
//! The corpus is built in code: tables for every option and channel, then random mutations of
//! valid inputs, each mutation made so that it cannot be valid. The mutations use a fixed seed; set
//! `PYTHON_DDD_BAD_INPUT_SEED=<n>` for another one and `PYTHON_DDD_BAD_INPUT_MUTATIONS=<n>` for more
//! of them (default 40 per channel). A failure prints the case: its arguments, stdin and seed.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The longest single argument Linux passes to a process is 128 KiB (`MAX_ARG_STRLEN`), so huge
/// texts on the command line are this long; files and stdin carry a full mebibyte.
const HUGE_ARG: usize = 100_000;
const HUGE: usize = 1 << 20;

/// The bound every refusal must meet, start to exit of the process.
const DEADLINE: Duration = Duration::from_secs(1);
/// The fixed seed CI uses for the random mutations.
const DEFAULT_SEED: u64 = 0x5EED_BAD1;

/// What a refusal must say.
#[derive(Debug, Clone)]
enum Expect {
    /// A problem about this option: "`option`: …" on stderr, or `"path": "/option"` from `nx`.
    Option(String),
    /// This text in the message.
    Text(String),
}

fn option(name: &str) -> Expect {
    Expect::Option(name.to_owned())
}

fn text(fragment: &str) -> Expect {
    Expect::Text(fragment.to_owned())
}

/// One bad input.
#[derive(Debug, Clone)]
struct Case {
    /// The arguments after `python-ddd`; `{inputs}` stands for the folder of the case's files.
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
    /// Files the case reads (`--options-file`), written under `{inputs}` before it runs.
    inputs: Vec<(String, Vec<u8>)>,
    status: i32,
    expect: Expect,
}

impl Case {
    /// `python-ddd generate domain <words…>`, refused with exit 2.
    fn generate<S: AsRef<str>>(words: &[S], expect: Expect) -> Self {
        let mut args: Vec<OsString> = vec!["generate".into(), "domain".into()];
        args.extend(words.iter().map(|w| OsString::from(w.as_ref())));
        Self {
            args,
            stdin: None,
            inputs: Vec::new(),
            status: 2,
            expect,
        }
    }

    /// `python-ddd nx` with this request on stdin, refused with exit 2.
    fn nx(request: impl Into<Vec<u8>>, expect: Expect) -> Self {
        Self {
            args: vec!["nx".into()],
            stdin: Some(request.into()),
            inputs: Vec::new(),
            status: 2,
            expect,
        }
    }

    /// `--options-file {inputs}/options.json` holding `content`.
    fn options_file(content: impl Into<Vec<u8>>, expect: Expect) -> Self {
        let mut case = Self::generate(&["--options-file", "{inputs}/options.json"], expect);
        case.inputs.push(("options.json".into(), content.into()));
        case
    }

    fn describe(&self) -> String {
        let mut text = format!("args: {:?}", self.args);
        if let Some(stdin) = &self.stdin {
            let shown = String::from_utf8_lossy(stdin);
            let shown: String = shown.chars().take(400).collect();
            let _ = write!(text, "\nstdin ({} bytes): {shown:?}", stdin.len());
        }
        for (name, content) in &self.inputs {
            let shown = String::from_utf8_lossy(content);
            let shown: String = shown.chars().take(400).collect();
            let _ = write!(text, "\nfile {name} ({} bytes): {shown:?}", content.len());
        }
        text
    }

    /// Runs the case in a fresh empty folder (the default root, `.`) and checks every promise.
    fn check(&self) {
        let dir = tempfile::tempdir().unwrap();
        let workspace = dir.path().join("workspace");
        let inputs = dir.path().join("inputs");
        std::fs::create_dir(&workspace).unwrap();
        std::fs::create_dir(&inputs).unwrap();
        for (name, content) in &self.inputs {
            std::fs::write(inputs.join(name), content).unwrap();
        }
        let placeholder = inputs.to_str().unwrap();
        let args: Vec<OsString> = self
            .args
            .iter()
            .map(|arg| match arg.to_str() {
                Some(text) if text.contains("{inputs}") => {
                    text.replace("{inputs}", placeholder).into()
                }
                _ => arg.clone(),
            })
            .collect();
        let mut command = assert_cmd::Command::cargo_bin("python-ddd").unwrap();
        command.args(&args).current_dir(&workspace);
        command.write_stdin(self.stdin.clone().unwrap_or_default());
        let started = Instant::now();
        let output = command.output().unwrap();
        let elapsed = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let context = || {
            format!(
                "{}\nstatus: {:?}\nstdout: {stdout}\nstderr: {stderr}",
                self.describe(),
                output.status.code()
            )
        };
        assert_eq!(output.status.code(), Some(self.status), "{}", context());
        assert!(elapsed < DEADLINE, "took {elapsed:?}\n{}", context());
        let written = std::fs::read_dir(&workspace).unwrap().count();
        assert_eq!(written, 0, "something was written\n{}", context());
        if self.args[0] == "nx" {
            // The protocol always answers on stdout with its JSON object.
            let response: Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", context()));
            assert_eq!(response["status"], "invalid", "{}", context());
            let problems = response["problems"].as_array().unwrap();
            let found = problems.iter().any(|problem| match &self.expect {
                Expect::Option(name) => problem["path"] == format!("/{name}"),
                Expect::Text(fragment) => problem["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(fragment.as_str())),
            });
            assert!(found, "expected {:?}\n{}", self.expect, context());
        } else {
            assert_eq!(stdout, "", "{}", context());
            let found = match &self.expect {
                Expect::Option(name) => stderr.contains(&format!("`{name}`: ")),
                Expect::Text(fragment) => stderr.contains(fragment.as_str()),
            };
            assert!(found, "expected {:?}\n{}", self.expect, context());
        }
    }
}

/// Runs every case, reporting all failures at once with what reproduces each.
fn check_all(cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            std::panic::catch_unwind(|| case.check())
                .err()
                .map(|panic| {
                    panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default()
                })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs were not refused as promised:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The options that take a text value, with their spellings on the command line.
const TEXT_OPTIONS: [(&str, &str); 9] = [
    ("directory", "directory"),
    ("entity", "entity"),
    ("fields", "fields"),
    ("persistence", "persistence"),
    ("eventBus", "event-bus"),
    ("cache", "cache"),
    ("api", "api"),
    ("projectLayout", "project-layout"),
    ("tags", "tags"),
];

/// The engine flags that take a value, with what the missing-value message calls it.
const ENGINE_OPTIONS: [(&str, &str); 4] = [
    ("root", "a folder"),
    ("format", "`human` or `json`"),
    ("options-file", "a file"),
    ("options-json", "a JSON object"),
];

/// Values each option refuses (beyond the ones every option refuses: a huge text, a wrong type).
fn bad_values(option: &str) -> &'static [&'static str] {
    match option {
        "name" => &[
            "Orders", "1orders", "or--ders", "", "import", "class", "_orders", "or ders",
            "orders\n", "ördérs", "ORDERS", "orders!", "a/b", "..",
        ],
        "directory" => &["../x", "/abs", "a/../../b", "..", "a\\..\\..\\b"],
        "entity" => &[
            "order", "1Order", "Or-der", "Or der", "None", "class", "Order!",
        ],
        "fields" => &[
            "x:float",
            "x",
            "x:str,x:int",
            "X:str",
            ":str",
            "x:enum()",
            "x:str??",
            "version:str",
            "x:enum(a|a)",
            "id:str",
        ],
        "persistence" => &["mongo", "SQLALCHEMY", "", "memory "],
        "eventBus" => &["rabbit", "Kafka", "RabbitMQ", "", "memory,kafka"],
        "cache" => &["memcached", "Redis", "", "memory,redis"],
        "api" => &["grpc", "FastAPI", "", "None"],
        "projectLayout" => &["multi", "per_layer", "", "Single"],
        "tags" => &["has space", "a,,b", "scope:x,", "ünï:code"],
        _ => &[],
    }
}

/// The table part of the corpus for the command line: every option, spelling and mistake.
fn command_line_cases() -> Vec<Case> {
    let huge = "x".repeat(HUGE_ARG);
    let mut cases = Vec::new();
    // The positional name.
    for name in bad_values("name") {
        cases.push(Case::generate(&[*name], option("name")));
    }
    cases.push(Case::generate(&[huge.as_str()], option("name")));
    cases.push(Case::generate(
        &["orders", "other"],
        text("unexpected argument `other`"),
    ));
    cases.push(Case::generate(&["--force"], option("name")));
    // Every text option: bad values in both spellings and both forms, a missing value, a huge one.
    for (camel, kebab) in TEXT_OPTIONS {
        for value in bad_values(camel) {
            cases.push(Case::generate(
                &["orders", &format!("--{kebab}"), value],
                option(camel),
            ));
            cases.push(Case::generate(
                &[format!("--{camel}={value}").as_str(), "orders"],
                option(camel),
            ));
        }
        for spelling in [kebab, camel] {
            let flag = format!("--{spelling}");
            cases.push(Case::generate(
                &["orders", &flag],
                text(&format!("`{flag}` needs a value")),
            ));
            for next in ["--dry-run", "--force", "--root", "--options-json"] {
                cases.push(Case::generate(
                    &["orders", &flag, next],
                    text(&format!(
                        "`{flag}` needs a value, but the next word `{next}` is an option"
                    )),
                ));
            }
        }
        cases.push(Case::generate(
            &["orders", &format!("--{kebab}"), &huge],
            option(camel),
        ));
        cases.push(Case::generate(
            &["orders", &format!("--{kebab}={huge}")],
            text(&format!(
                "`{camel}`: the value is {} bytes long",
                huge.len()
            )),
        ));
    }
    // The engine flags: a missing value, one that is another option, an empty inline one.
    for (flag, what) in ENGINE_OPTIONS {
        for before in [true, false] {
            let words: Vec<String> = if before {
                // Before the name, clap reads the flags; after it, our own parser does.
                vec![format!("--{flag}"), "--dry-run".into(), "orders".into()]
            } else {
                vec!["orders".into(), format!("--{flag}"), "--dry-run".into()]
            };
            let expect = if before {
                text(&format!("--{flag}"))
            } else {
                text(&format!(
                    "`--{flag}` needs {what}, but the next word `--dry-run` is an option"
                ))
            };
            cases.push(Case::generate(&words, expect));
        }
        cases.push(Case::generate(
            &["orders", &format!("--{flag}")],
            text(&format!("`--{flag}` needs {what}")),
        ));
        cases.push(Case::generate(
            &["orders", &format!("--{flag}=")],
            text(&format!("`--{flag}` needs {what}, not an empty value")),
        ));
    }
    for format in ["xml", "JSON", "human,json"] {
        cases.push(Case::generate(
            &["orders", "--format", format],
            text("`--format` takes `human` or `json`"),
        ));
        cases.push(Case::generate(
            &["--format", format, "orders"],
            text("--format"),
        ));
    }
    // Switches take no value but `true` or `false`.
    for (flag, value) in [
        ("force", "yes"),
        ("force", "1"),
        ("no-force", "no"),
        ("dry-run", "yes"),
        ("diff", "on"),
        ("dryRun", "0"),
    ] {
        cases.push(Case::generate(
            &["orders", format!("--{flag}={value}").as_str()],
            text(&format!(
                "`--{flag}` is a switch; write `--{flag}` or `--{flag}=false`, not `{value}`"
            )),
        ));
    }
    cases.push(Case::generate(
        &["orders", "--diff"],
        text("`--diff` shows the diffs of a dry run; add `--dry-run`"),
    ));
    cases.push(Case::generate(
        &["--diff", "orders"],
        text("`--diff` shows the diffs of a dry run"),
    ));
    // Unknown options, huge option names, unknown generators.
    for unknown in ["colour", "dryrun", "event_bus", "Name", "x"] {
        cases.push(Case::generate(
            &["orders", &format!("--{unknown}"), "v"],
            option(unknown),
        ));
    }
    cases.push(Case::generate(
        &["orders", &format!("--{}", "k".repeat(70_000)), "v"],
        text("an option name of 70000 bytes"),
    ));
    // Before the name, clap reads the engine switches, and refuses a value on them in its words.
    for flag in ["dry-run", "diff"] {
        cases.push(Case::generate(
            &[format!("--{flag}=yes").as_str(), "orders"],
            text(&format!("'--{flag}'")),
        ));
    }
    for generator in ["nope", "", "Domain", "domain "] {
        let mut case = Case::generate(
            &["orders"],
            text(&format!("unknown generator `{generator}`")),
        );
        case.args[1] = generator.into();
        cases.push(case);
    }
    // Both sources of options at once.
    cases.push(Case::generate(
        &["--options-json", "{}", "--options-file", "f.json", "orders"],
        text("--options-file"),
    ));
    // Arguments that are not UTF-8.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt as _;
        for (index, word) in [["orders"].as_slice(), ["orders", "--entity"].as_slice()]
            .iter()
            .enumerate()
        {
            let mut case = Case::generate(word, text("UTF-8"));
            case.args.push(OsString::from_vec(b"Or\xffder".to_vec()));
            if index == 0 {
                case.args.swap(2, 3);
            }
            cases.push(case);
        }
    }
    cases
}

/// Bad options objects, each with what names it; used through `--options-json`, `--options-file`
/// and the `nx` request's `options`.
fn bad_objects(huge: usize) -> Vec<(String, Expect)> {
    let mut objects: Vec<(String, Expect)> = Vec::new();
    let valid = json!({ "name": "orders" });
    for (key, _) in TEXT_OPTIONS.iter().chain(&[("name", "name")]) {
        for value in bad_values(key).iter().take(3) {
            let mut object = valid.clone();
            object[*key] = json!(value);
            objects.push((object.to_string(), option(key)));
        }
        for wrong in [
            json!(1),
            json!(true),
            json!(["orders"]),
            json!({ "v": "orders" }),
        ] {
            let mut object = valid.clone();
            object[*key] = wrong;
            objects.push((object.to_string(), option(key)));
        }
        let mut object = valid.clone();
        object[*key] = json!("y".repeat(huge));
        objects.push((object.to_string(), option(key)));
    }
    for wrong in [json!("yes"), json!(1), json!(null)] {
        objects.push((
            json!({ "name": "orders", "force": wrong }).to_string(),
            option("force"),
        ));
    }
    objects.push((json!({}).to_string(), text("name")));
    objects.push((
        json!({ "name": "orders", "colour": "red" }).to_string(),
        option("colour"),
    ));
    for (text_, key) in [
        (r#"{"name":"orders","name":"orders"}"#, "name"),
        (r#"{"name":"orders","api":"none","api":"fastapi"}"#, "api"),
        (r#"{"name":"orders","tags":{"a":1,"a":2}}"#, "a"),
        (r#"{"name":"orders","x":[{"k":1,"k":1}]}"#, "k"),
    ] {
        objects.push((text_.to_owned(), text(&format!("duplicate key `{key}`"))));
    }
    objects
}

/// Texts that are not a JSON object, each with what the message says.
fn not_objects() -> Vec<(&'static str, &'static str)> {
    vec![
        ("", "EOF while parsing"),
        ("{", "EOF while parsing"),
        (r#"{"name":"orders",}"#, "trailing comma"),
        ("{'name':'orders'}", "key must be a string"),
        (r#"{"name":"orders"} {}"#, "trailing characters"),
        (r#"{"name":NaN}"#, "expected value"),
        ("// c\n{}", "expected value"),
        (r#"{"name":"or\ders"}"#, "invalid escape"),
        ("[]", "must hold a JSON object of options"),
        (r#""orders""#, "must hold a JSON object of options"),
        ("null", "must hold a JSON object of options"),
        ("42", "must hold a JSON object of options"),
    ]
}

fn options_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (object, expect) in bad_objects(HUGE_ARG) {
        cases.push(Case::generate(&["--options-json", &object], expect));
    }
    for (object, expect) in bad_objects(HUGE) {
        cases.push(Case::options_file(object.clone(), expect.clone()));
        cases.push(Case::nx(
            format!(r#"{{"generator":"domain","options":{object},"files":null}}"#),
            expect,
        ));
    }
    for (content, fragment) in not_objects() {
        cases.push(Case::generate(
            &[format!("--options-json={content}").as_str()],
            text(fragment),
        ));
        cases.push(Case::options_file(content, text(fragment)));
    }
    // Files that cannot be options files.
    cases.push(Case::generate(
        &["--options-file", "{inputs}/missing.json"],
        text("failed to read `"),
    ));
    cases.push(Case::generate(
        &["--options-file", "{inputs}"],
        text("failed to read `"),
    ));
    cases.push(Case::options_file(
        b"{\"name\":\"or\xffders\"}".to_vec(),
        text("is not UTF-8 text"),
    ));
    let mut large = br#"{"name":"orders","tags":""#.to_vec();
    large.resize(4 * 1024 * 1024 + 10, b'a');
    cases.push(Case::options_file(
        large,
        text("is larger than 4194304 bytes"),
    ));
    // Nesting deep enough to overflow a naive recursive parser.
    let deep = format!(
        r#"{{"name":"orders","tags":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    cases.push(Case::options_file(
        deep.clone(),
        text("recursion limit exceeded"),
    ));
    cases.push(Case::generate(
        &["--options-json", &deep[..HUGE_ARG]],
        text("recursion limit exceeded"),
    ));
    cases.push(Case::nx(
        format!(r#"{{"generator":"domain","options":{deep},"files":null}}"#),
        text("recursion limit exceeded"),
    ));
    cases
}

fn nx_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let valid =
        r#"{"generator":"domain","options":{"name":"orders"},"files":{"libs/orders/a.py":"x"}}"#;
    // Every proper prefix of a valid request is not one.
    for end in 0..valid.len() {
        let expect = if valid[..end].trim().is_empty() {
            text("the request is empty")
        } else {
            text("the request is not valid JSON")
        };
        cases.push(Case::nx(&valid.as_bytes()[..end], expect));
    }
    for (request, fragment) in [
        (&b"\xff"[..], "the request is not UTF-8 text"),
        (
            b"{\"generator\":\"domain\",\"options\":{\"name\":\"or\xc3\"}}",
            "the request is not UTF-8 text",
        ),
        (b"\xef\xbb\xbf{}", "the request is not valid JSON"),
        (b"[]", "the request must be a JSON object"),
        (b"null", "the request must be a JSON object"),
        (
            br#"{"generator":"domain","extra":1}"#,
            "unknown key `extra`",
        ),
        (
            br#"{"options":{"name":"orders"}}"#,
            "the request has no `generator`",
        ),
        (br#"{"generator":null}"#, "`generator` must be a string"),
        (
            br#"{"generator":"nope","options":{"name":"orders"}}"#,
            "unknown generator `nope`",
        ),
        (
            br#"{"generator":"domain","options":[]}"#,
            "`options` must be an object",
        ),
        (
            br#"{"generator":"domain","options":{"name":"orders"},"files":"x"}"#,
            "`files` must be null or an object",
        ),
        (
            br#"{"generator":"domain","options":{"name":"orders"},"files":{"a":1}}"#,
            "`/files/a` must be a string",
        ),
        (
            br#"{"generator":"domain","options":{"name":"orders"},"files":{"a":"x","a":"y"}}"#,
            "duplicate key `a` (at `/files/a`)",
        ),
        (
            br#"{"generator":"domain","generator":"domain"}"#,
            "duplicate key `generator`",
        ),
    ] {
        cases.push(Case::nx(request, text(fragment)));
    }
    cases
}

/// A small deterministic generator (splitmix64): the corpus needs no cryptographic randomness, and
/// a fixed algorithm keeps a seed meaning the same inputs on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound).unwrap()).unwrap()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |value| {
        let value = value.trim();
        value
            .strip_prefix("0x")
            .map_or_else(|| value.parse(), |hex| u64::from_str_radix(hex, 16))
            .unwrap_or_else(|_| panic!("{name} must be a number, not `{value}`"))
    })
}

/// One random mutation of a valid options object that is sure to be invalid, with what names it.
fn mutate(rng: &mut Rng) -> (String, Expect) {
    let valid = json!({
        "name": "orders",
        "entity": "Order",
        "fields": "title:str,total:money",
        "persistence": "memory",
        "eventBus": "kafka",
        "api": "none",
        "projectLayout": "per-layer",
        "tags": "team:a",
        "force": false,
    });
    let keys: Vec<String> = valid.as_object().unwrap().keys().cloned().collect();
    let key = rng.pick(&keys).clone();
    match rng.below(4) {
        // A proper prefix of the text: never a complete JSON value.
        0 => {
            let text_ = valid.to_string();
            let end = 1 + rng.below(text_.len() - 1);
            let end = (0..=end)
                .rev()
                .find(|&i| text_.is_char_boundary(i))
                .unwrap();
            (text_[..end].to_owned(), text("EOF while parsing"))
        }
        // A key repeated: once with its own value, again with a random one.
        1 => {
            let text_ = valid.to_string();
            let repeated = format!(r#""{key}":{},"#, json!(rng.next() % 1000));
            (
                text_.replacen('{', &format!("{{{repeated}"), 1),
                text(&format!("duplicate key `{key}`")),
            )
        }
        // A value of the wrong type.
        2 => {
            let mut object = valid.clone();
            let wrong = match (key.as_str(), rng.below(4)) {
                ("force", 0) => json!("true"),
                ("force", _) => json!(rng.next() % 7),
                (_, 0) => json!(rng.next() % 1000),
                (_, 1) => json!(rng.below(2) == 0),
                (_, 2) => json!([object[&key].clone()]),
                _ => json!({ "value": object[&key].clone() }),
            };
            object[&key] = wrong;
            (object.to_string(), option(&key))
        }
        // An option no generator has.
        _ => {
            let mut object = valid.clone();
            let unknown = format!("{key}X{}", rng.next() % 10_000);
            object[&unknown] = json!("v");
            (object.to_string(), option(&unknown))
        }
    }
}

fn mutation_cases() -> (u64, Vec<Case>) {
    let seed = env_number("PYTHON_DDD_BAD_INPUT_SEED", DEFAULT_SEED);
    let count = env_number("PYTHON_DDD_BAD_INPUT_MUTATIONS", 40);
    let mut rng = Rng(seed);
    let mut cases = Vec::new();
    for _ in 0..count {
        let (object, expect) = mutate(&mut rng);
        cases.push(match rng.below(3) {
            0 => Case::generate(&["--options-json", &object], expect),
            1 => Case::options_file(object, expect),
            _ => Case::nx(
                format!(r#"{{"generator":"domain","options":{object},"files":null}}"#),
                match expect {
                    // Inside the request, a truncated options object is a truncated request.
                    Expect::Text(fragment) if fragment == "EOF while parsing" => {
                        text("the request is not valid JSON")
                    }
                    other => other,
                },
            ),
        });
    }
    (seed, cases)
}

#[test]
fn the_corpus_is_large_enough() {
    let total = command_line_cases().len() + options_cases().len() + nx_cases().len();
    assert!(total >= 300, "only {total} fixed bad inputs");
}

#[test]
fn bad_command_lines_are_refused() {
    check_all(&command_line_cases());
}

#[test]
fn bad_options_objects_and_files_are_refused() {
    check_all(&options_cases());
}

#[test]
fn bad_nx_requests_get_the_error_object() {
    check_all(&nx_cases());
}

#[test]
fn random_mutations_are_refused() {
    let (seed, cases) = mutation_cases();
    let result = std::panic::catch_unwind(|| check_all(&cases));
    assert!(
        result.is_ok(),
        "seed {seed:#x} (PYTHON_DDD_BAD_INPUT_SEED={seed:#x} reproduces it)"
    );
}

/// The root named by `--root` that does not exist stays absent after a refusal.
#[test]
fn a_refused_run_does_not_create_its_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("absent");
    for extra in [
        &["--api", "grpc"][..],
        &["--dry-run", "--api", "grpc"],
        &["--fields"],
    ] {
        let output = assert_cmd::Command::cargo_bin("python-ddd")
            .unwrap()
            .args(["generate", "domain", "orders"])
            .args(extra)
            .arg("--root")
            .arg(&root)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        assert!(!Path::new(&root).exists(), "{extra:?} created the root");
    }
}
