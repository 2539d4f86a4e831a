//! Raw arguments. Generator options are not known to clap (each generator has its own, described
//! by its schema), so `generate` collects them as words and `options_from_words` turns them into a
//! JSON object; the schema then validates it like any other options.

use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{Map, Value};

#[derive(Debug, Parser)]
#[command(
    name = "python-ddd",
    version,
    about = "Scaffold Python bounded contexts in domain-driven, hexagonal layers.",
    after_help = "Examples:\n  python-ddd generate domain orders --root . \n  python-ddd generate domain orders --persistence memory --dry-run\n  python-ddd list\n\nExit status: 0 success, 1 unexpected failure, 2 invalid options, 3 conflicts (nothing written)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate (or update) a bounded context.
    #[command(after_help = GENERATE_EXAMPLES)]
    Generate(GenerateArgs),
    /// Print a generator's options schema (draft-07 JSON) or the context spec's, or write every
    /// schema into a folder.
    #[command(
        after_help = "Examples:\n  python-ddd schema domain\n  python-ddd schema --spec\n  python-ddd schema --write schemas"
    )]
    Schema(SchemaArgs),
    /// List the generators.
    #[command(after_help = "Example:\n  python-ddd list --format json")]
    List(ListArgs),
    /// Speak the JSON protocol of the Nx shim: one request on stdin, one response on stdout.
    #[command(
        after_help = "Example:\n  echo '{\"generator\":\"domain\",\"options\":{\"name\":\"orders\"},\"files\":{}}' | python-ddd nx\n\nRequest: {\"generator\", \"options\", \"files\": {path: content} | null}. With `files: null` the response is\n{\"status\":\"needFiles\",\"root\"}: send every file the Nx tree holds under `root`. No disk access."
    )]
    Nx,
    /// Infer the Nx targets of generated contexts from their manifests, all in one batch (the Nx plugin's request).
    #[command(
        after_help = "Request on stdin: {\"manifests\": {\"libs/orders/.python-ddd.json\": \"<its text>\", …}}.\nResponse on stdout: {\"status\":\"ok\",\"manifests\":{<manifest>:{<project root>:{\"namedInputs\",\"targets\"}}}},\nor {\"status\":\"invalid\",\"problems\":[{\"path\",\"message\"}]} (exit 2). No disk access."
    )]
    NxTargets,
}

const GENERATE_EXAMPLES: &str = "\
Generator options follow the generator, as `--option value` (kebab-case or camelCase):
  python-ddd generate domain orders --root .
  python-ddd generate domain orders --fields 'email:email,total:money,note:str?' --event-bus kafka
  python-ddd generate domain orders --dry-run          # what would change; nothing written
  python-ddd generate domain orders --dry-run --diff   # … with every file's full diff
  python-ddd generate domain orders --force            # overwrite files you edited
  python-ddd generate domain --options-json '{\"name\":\"orders\",\"api\":\"none\"}'
Print a generator's options with `python-ddd schema domain`.";

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The generator (`python-ddd list` shows them).
    pub generator: String,

    /// The workspace root; generated paths are relative to it.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// List what would change, with diffs of updates and conflicts, and a summary; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// With `--dry-run`: also show the full content of created files and the diff of deleted ones.
    #[arg(long)]
    pub diff: bool,

    /// Options as a JSON file; flags override its values.
    #[arg(long, value_name = "FILE", conflicts_with = "options_json")]
    pub options_file: Option<PathBuf>,

    /// Options as a JSON object; flags override its values.
    #[arg(long, value_name = "JSON")]
    pub options_json: Option<String>,

    /// A context spec file (`python-ddd.spec.json`'s format) describing the whole context, its
    /// aggregates included; flags override its values. The context's migrations stay its own.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,

    /// Output format for results (stdout) and errors (stderr).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The NAME positional, then generator options: `--directory libs`, `--event-bus kafka`, `--force`, …
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "NAME] [--OPTION VALUE"
    )]
    // Kept as `OsString` so a word that is not UTF-8 is refused by our parser, which names it.
    pub words: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The generator whose schema to print.
    #[arg(required_unless_present_any = ["write", "spec"])]
    pub generator: Option<String>,

    /// Print the schema of the context spec (`<context>/python-ddd.spec.json`) instead.
    #[arg(long, conflicts_with_all = ["generator", "write", "markdown"])]
    pub spec: bool,

    /// Write every generator's schema as `<DIR>/<generator>.schema.json`, and the context spec's
    /// as `<DIR>/context-spec.json`.
    #[arg(long, value_name = "DIR", conflicts_with = "generator")]
    pub write: Option<PathBuf>,

    /// Print the options as a Markdown table (as in the README) instead of JSON.
    #[arg(long, conflicts_with = "write")]
    pub markdown: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// The engine flags that may also appear among the generator words (after the NAME).
#[derive(Debug, Default)]
pub struct EngineFlags {
    pub root: Option<PathBuf>,
    pub dry_run: bool,
    pub diff: bool,
    pub format: Option<Format>,
    pub options_file: Option<PathBuf>,
    pub options_json: Option<String>,
    pub spec: Option<PathBuf>,
}

/// Splits the generator words into engine flags and an options object.
///
/// `orders --event-bus kafka --force --fields=a:str --dry-run` →
/// `{"name": "orders", "eventBus": "kafka", "force": true, "fields": "a:str"}` and `dry_run`.
/// `boolean_options` names the options whose flag takes no value (`--force`, `--no-force`).
pub fn options_from_words(
    words: &[String],
    boolean_options: &[&str],
) -> anyhow::Result<(Map<String, Value>, EngineFlags)> {
    let mut options = Map::new();
    let mut flags = EngineFlags::default();
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let Some(flag) = word.strip_prefix("--") else {
            if options.contains_key("name") {
                bail!(
                    "unexpected argument `{word}`: the name is already `{}`",
                    options["name"]
                );
            }
            options.insert("name".into(), Value::String(word.clone()));
            continue;
        };
        let (key, inline) = match flag.split_once('=') {
            Some((key, value)) => (key, Some(value.to_owned())),
            None => (flag, None),
        };
        // An engine flag's value: inline (`--root=x`, taken as written) or the next word, unless that
        // word is itself an option: `--root --dry-run` is a missing folder, not one named `--dry-run`.
        let mut value = |what: &str| -> anyhow::Result<String> {
            match inline.clone() {
                Some(value) if value.is_empty() => {
                    bail!("`--{key}` needs {what}, not an empty value")
                }
                Some(value) => Ok(value),
                None => next_value(&mut words, key, what),
            }
        };
        match key {
            "root" => flags.root = Some(value("a folder")?.into()),
            "dry-run" | "dryRun" => flags.dry_run = switch(key, inline.as_deref())?,
            "diff" => flags.diff = switch(key, inline.as_deref())?,
            "format" => {
                flags.format = Some(match value("`human` or `json`")?.as_str() {
                    "human" => Format::Human,
                    "json" => Format::Json,
                    other => bail!("`--format` takes `human` or `json`, not `{other}`"),
                });
            }
            "options-file" => flags.options_file = Some(value("a file")?.into()),
            "options-json" => flags.options_json = Some(value("a JSON object")?),
            "spec" => flags.spec = Some(value("a spec file")?.into()),
            _ => {
                let camel = camel_case(key.strip_prefix("no-").unwrap_or(key));
                if boolean_options.contains(&camel.as_str()) {
                    let on = switch(key, inline.as_deref())?;
                    options.insert(camel, Value::Bool(on != key.starts_with("no-")));
                } else {
                    let camel = camel_case(key);
                    let text = match inline {
                        Some(value) => value,
                        None => next_value(&mut words, key, "a value")?,
                    };
                    options.insert(camel, Value::String(text));
                }
            }
        }
    }
    Ok((options, flags))
}

/// The word after `--<key>` as its value; a missing word, or one that is itself an option
/// (`--…`), is a missing value.
fn next_value<'a>(
    words: &mut impl Iterator<Item = &'a String>,
    key: &str,
    what: &str,
) -> anyhow::Result<String> {
    let mut words = words.peekable();
    match words.peek() {
        Some(next) if next.starts_with("--") => bail!(
            "`--{key}` needs {what}, but the next word `{next}` is an option; write `--{key}=VALUE` for a value that starts with `--`"
        ),
        Some(_) => Ok(words.next().cloned().unwrap_or_default()),
        None => bail!("`--{key}` needs {what}"),
    }
}

/// A switch's state: on when bare, else the inline `true` or `false`.
fn switch(key: &str, inline: Option<&str>) -> anyhow::Result<bool> {
    match inline {
        None | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => {
            bail!("`--{key}` is a switch; write `--{key}` or `--{key}=false`, not `{other}`")
        }
    }
}

/// `event-bus` → `eventBus`; camelCase passes through.
fn camel_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn words_become_options() {
        let (options, flags) = options_from_words(
            &words("orders --event-bus kafka --force --fields=a:str --dry-run --projectLayout per-layer --root /tmp/x"),
            &["force"],
        )
        .unwrap();
        assert_eq!(
            Value::Object(options),
            serde_json::json!({ "name": "orders", "eventBus": "kafka", "force": true, "fields": "a:str", "projectLayout": "per-layer" })
        );
        assert!(flags.dry_run);
        assert_eq!(flags.root, Some(PathBuf::from("/tmp/x")));
    }

    #[test]
    fn switches_can_be_turned_off() {
        let (options, _) = options_from_words(&words("--no-force"), &["force"]).unwrap();
        assert_eq!(options["force"], false);
    }

    #[test]
    fn missing_values_are_errors() {
        let error = options_from_words(&words("orders --fields"), &[]).unwrap_err();
        assert_eq!(error.to_string(), "`--fields` needs a value");
        let error = options_from_words(&words("orders other"), &[]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unexpected argument `other`: the name is already `\"orders\"`"
        );
    }
}
