//! `python-ddd generate`: options → generation → plan against the disk → dry-run preview or apply.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use anyhow::{Context, bail};
use python_ddd_core::apply::Workspace;
use python_ddd_core::plan::{Action, Plan};
use python_ddd_core::{Error, Failure, Generator, Problem, SpecFile, schema};
use serde_json::{Map, Value, json};

use crate::Status;
use crate::args::{Format, GenerateArgs, options_from_words};
use crate::{json, limits, output};

/// What `generate`'s arguments resolve to, before any option is validated.
struct Invocation {
    generator: Generator,
    options: Value,
    format: Format,
    dry_run: bool,
    /// Show every file's diff in a dry run, creations and deletions too.
    full_diff: bool,
    root: std::path::PathBuf,
    /// `--spec FILE`: the file as named, and its text.
    spec: Option<(String, String)>,
}

/// Reads the arguments: the generator, the options object (file or JSON, then flags on top) and
/// the engine flags, which may also stand among the generator words.
fn invocation(args: &GenerateArgs) -> Result<Invocation, Problem> {
    let problem = |message: String| Problem {
        path: String::new(),
        message,
    };
    let generator = Generator::find(&args.generator).ok_or_else(|| {
        let known: Vec<&str> = Generator::ALL.iter().map(|g| g.name()).collect();
        problem(format!(
            "unknown generator `{}`; available: {}",
            args.generator,
            known.join(", ")
        ))
    })?;
    let schema = schema::schema_value(generator);
    let booleans: Vec<&str> = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, property)| property["type"] == "boolean")
        .map(|(key, _)| key.as_str())
        .collect();
    let words = args
        .words
        .iter()
        .map(|word| {
            word.clone().into_string().map_err(|word| {
                problem(format!(
                    "the argument `{}` is not UTF-8 text",
                    word.to_string_lossy()
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (word_options, flags) =
        options_from_words(&words, &booleans).map_err(|e| problem(e.to_string()))?;
    let mut options = base_options(
        flags.options_file.as_ref().or(args.options_file.as_ref()),
        flags
            .options_json
            .as_deref()
            .or(args.options_json.as_deref()),
    )
    .map_err(|e| problem(format!("{e:#}")))?;
    options.extend(word_options);
    let spec = match flags.spec.as_ref().or(args.spec.as_ref()) {
        Some(file) => {
            let text = read_options_file(file).map_err(|e| problem(format!("{e:#}")))?;
            // `generate domain --spec FILE` names the context as the file does.
            if !options.contains_key("name")
                && let Ok(Value::Object(spec)) = json::parse(&text)
                && let Some(name @ Value::String(_)) = spec.get("name")
            {
                options.insert("name".into(), name.clone());
            }
            Some((file.display().to_string(), text))
        }
        None => None,
    };
    let dry_run = args.dry_run || flags.dry_run;
    let full_diff = args.diff || flags.diff;
    if full_diff && !dry_run {
        return Err(problem(
            "`--diff` shows the diffs of a dry run; add `--dry-run`".into(),
        ));
    }
    Ok(Invocation {
        generator,
        options: Value::Object(options),
        format: flags.format.unwrap_or(args.format),
        dry_run,
        full_diff,
        root: flags.root.unwrap_or_else(|| args.root.clone()),
        spec,
    })
}

pub fn run(args: &GenerateArgs) -> anyhow::Result<Status> {
    let Invocation {
        generator,
        options,
        format,
        dry_run,
        full_diff,
        root,
        spec,
    } = match invocation(args) {
        Ok(invocation) => invocation,
        Err(problem) => {
            output::problems(requested_format(args), &[problem]);
            return Ok(Status::Invalid);
        }
    };
    // Absurdly long texts are refused before validation, whose cost grows with their length.
    let oversized = limits::oversized(&options);
    if !oversized.is_empty() {
        output::problems(format, &oversized);
        return Ok(Status::Invalid);
    }
    let definition = generator.definition();
    // A generator that adds to an existing context finds it among those on disk first.
    let options = if definition.adds_to_a_context() {
        let found = python_ddd_core::contexts::from_manifests(&crate::found::manifests(&root));
        match definition.locate(options, &found) {
            Ok(options) => options,
            Err(problems) => {
                output::problems(format, &problems);
                return Ok(Status::Invalid);
            }
        }
    } else {
        options
    };
    // The context folder first (the options validated as given), so the run can lock it and read
    // the spec stored there before the options edit it.
    let context = match python_ddd_core::root(generator, &options) {
        Ok(context) => context,
        Err(Failure::Invalid(problems)) => {
            output::problems(format, &problems);
            return Ok(Status::Invalid);
        }
        Err(Failure::Error(error)) => return Err(error.into()),
    };
    let workspace = Workspace::open(&root)?;
    // Locks the context, and repairs what a killed run left, before anything is read. Neither
    // `open` nor a dry run's session creates anything: a dry run writes nothing, not even folders
    // (and a session that wrote nothing removes the folders it made).
    let session = workspace.session(&context, dry_run).map(|session| {
        let spec_file = spec.as_ref().map(|(path, text)| SpecFile { path, text });
        let generation = python_ddd_core::generate_from(generator, &options, &session, spec_file);
        (generation, session)
    });
    let (generation, session) = match session {
        Ok(planned) => planned,
        // A folder on the way to the context that is a link out of the root, or not a folder, is
        // the `directory` option's problem. A link or a non-file where a generated file goes is not:
        // that error names the file and says what to do (exit 1, like a broken manifest).
        Err(error @ (Error::SymlinkEscape { .. } | Error::NotAFolder { .. })) => {
            return Ok(directory_problem(format, &error));
        }
        Err(error) => return Err(error.into()),
    };
    let generation = match generation {
        Ok(generation) => generation,
        Err(Failure::Invalid(problems)) => {
            output::problems(format, &problems);
            return Ok(Status::Invalid);
        }
        Err(Failure::Error(error @ (Error::SymlinkEscape { .. } | Error::NotAFolder { .. }))) => {
            return Ok(directory_problem(format, &error));
        }
        Err(Failure::Error(error)) => return Err(error.into()),
    };
    let plan = match generation.into_plan(&session) {
        Ok(plan) => plan,
        Err(error @ (Error::SymlinkEscape { .. } | Error::NotAFolder { .. })) => {
            return Ok(directory_problem(format, &error));
        }
        Err(error) => return Err(error.into()),
    };

    if dry_run {
        preview(format, &plan, full_diff)?;
        return Ok(if plan.has_conflicts() {
            Status::Conflict
        } else {
            Status::Success
        });
    }
    if !plan.applicable() {
        conflicts(format, &plan);
        return Ok(Status::Conflict);
    }
    session.apply(&plan)?;
    report(format, &plan, workspace.root())?;
    // `conflicts: markers` wrote the overlaps with their markers: still not a finished run.
    if plan.has_conflicts() {
        if format == Format::Human {
            output::eprint(markers_advice(&plan).trim_end());
        }
        return Ok(Status::Conflict);
    }
    Ok(Status::Success)
}

/// A folder on the way to the context that is a link out of the root, or not a folder: the
/// `directory` option's problem (exit 2).
fn directory_problem(format: Format, error: &Error) -> Status {
    let message =
        format!("{error}; choose a `directory` that is a real folder inside the workspace root");
    output::problems(
        format,
        &[Problem {
            path: "/directory".into(),
            message,
        }],
    );
    Status::Invalid
}

/// The output format asked for, when the words could not all be read: the last `--format` among
/// them with a known value, so a script that asked for JSON gets its error as JSON.
fn requested_format(args: &GenerateArgs) -> Format {
    let words: Vec<std::borrow::Cow<'_, str>> = args
        .words
        .iter()
        .map(|word| word.to_string_lossy())
        .collect();
    let mut format = args.format;
    for (index, word) in words.iter().enumerate() {
        let value = match word.strip_prefix("--format") {
            Some("") => words.get(index + 1).map(AsRef::as_ref),
            Some(inline) => inline.strip_prefix('='),
            None => None,
        };
        match value {
            Some("json") => format = Format::Json,
            Some("human") => format = Format::Human,
            _ => {}
        }
    }
    format
}

/// The options object from `--options-file` or `--options-json`, or an empty one.
fn base_options(
    file: Option<&std::path::PathBuf>,
    json: Option<&str>,
) -> anyhow::Result<Map<String, Value>> {
    let (text, origin) = match (file, json) {
        (Some(file), _) => (read_options_file(file)?, format!("`{}`", file.display())),
        (None, Some(json)) => (json.to_owned(), "`--options-json`".to_owned()),
        (None, None) => return Ok(Map::new()),
    };
    match json::parse(&text).with_context(|| format!("{origin} is not valid JSON"))? {
        Value::Object(options) => Ok(options),
        other => bail!("{origin} must hold a JSON object of options, not `{other}`"),
    }
}

/// An options file's text, refusing a file larger than any real options could be before reading
/// all of it.
fn read_options_file(file: &Path) -> anyhow::Result<String> {
    let context = || format!("failed to read `{}`", file.display());
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .with_context(context)?
        .take(limits::MAX_OPTIONS_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(context)?;
    if bytes.len() > usize::try_from(limits::MAX_OPTIONS_FILE_BYTES).unwrap_or(usize::MAX) {
        bail!(
            "`{}` is larger than {} bytes, more than any options file holds",
            file.display(),
            limits::MAX_OPTIONS_FILE_BYTES
        );
    }
    String::from_utf8(bytes).with_context(|| format!("`{}` is not UTF-8 text", file.display()))
}

fn label(action: Action) -> &'static str {
    match action {
        Action::Create => "CREATE",
        Action::Update => "UPDATE",
        Action::Unchanged => "UNCHANGED",
        Action::Kept => "KEPT",
        Action::Merged => "MERGED",
        Action::Conflict => "CONFLICT",
        Action::Delete => "DELETE",
    }
}

fn summary_line(plan: &Plan) -> String {
    let s = plan.summary();
    format!(
        "{} created, {} updated, {} unchanged, {} kept, {} merged, {} deleted, {} conflicts",
        s.create, s.update, s.unchanged, s.kept, s.merged, s.delete, s.conflict
    )
}

fn entries_json(plan: &Plan, with_diffs: bool) -> Vec<Value> {
    plan.entries
        .iter()
        .map(|entry| {
            let mut value = json!({ "path": entry.path, "action": entry.action });
            if entry.forced {
                value["forced"] = Value::Bool(true);
            }
            if entry.write_markers {
                value["markers"] = Value::Bool(true);
            }
            if with_diffs && (entry.action.writes() || entry.action == Action::Conflict) {
                value["diff"] = Value::String(entry.diff());
            }
            value
        })
        .collect()
}

/// The JSON report of a plan; a dry run also carries each changed file's diff.
fn plan_json(plan: &Plan, dry_run: bool) -> Value {
    json!({
        "status": if plan.has_conflicts() { "conflict" } else { "ok" },
        "dryRun": dry_run,
        "root": plan.root,
        "files": entries_json(plan, dry_run),
        "summary": plan.summary(),
    })
}

/// A dry run: one line per file that would change or that you edited, the diffs of updates and
/// conflicts (of every file with `--diff`), then the counts. JSON carries every diff.
fn preview(format: Format, plan: &Plan, full_diff: bool) -> anyhow::Result<()> {
    match format {
        Format::Json => output::print_json(&plan_json(plan, true)),
        Format::Human => {
            let mut text = file_lines(plan, true);
            let mut diffs = plan.entries.iter().filter(|entry| match entry.action {
                Action::Update | Action::Merged | Action::Conflict => true,
                Action::Create | Action::Delete => full_diff,
                Action::Unchanged | Action::Kept => false,
            });
            if let Some(first) = diffs.next() {
                text.push('\n');
                for entry in std::iter::once(first).chain(diffs) {
                    text.push_str(&entry.diff());
                }
                text.push('\n');
            }
            let _ = writeln!(text, "dry run: {}; nothing written", summary_line(plan));
            if plan.has_conflicts() {
                text.push_str(&conflict_advice(plan, true));
            }
            output::print(&text)
        }
    }
}

/// `ACTION   path  (note)` for every file but the unchanged ones, which only the summary counts.
fn file_lines(plan: &Plan, dry_run: bool) -> String {
    let mut text = String::new();
    for entry in plan
        .entries
        .iter()
        .filter(|e| e.action != Action::Unchanged)
    {
        let note = match entry.action {
            Action::Kept => "  (edited by you; left as it is)",
            Action::Merged => "  (your edits merged with the changes)",
            Action::Conflict if entry.write_markers && !dry_run => {
                "  (your edits and the changes overlap: conflict markers written)"
            }
            Action::Conflict if entry.merged.is_some() => "  (your edits and the changes overlap)",
            Action::Conflict => "  (edited by you; no previous output to merge with)",
            _ if entry.forced && dry_run => "  (your edits would be overwritten: --force)",
            _ if entry.forced => "  (your edits overwritten: --force)",
            _ => "",
        };
        let _ = writeln!(text, "{:<8} {}{note}", label(entry.action), entry.path);
    }
    text
}

fn conflict_advice(plan: &Plan, dry_run: bool) -> String {
    let mut text = format!(
        "{} file(s) you edited conflict with this run's changes:\n",
        plan.summary().conflict
    );
    for entry in plan.conflicts() {
        let _ = writeln!(text, "  {}", entry.path);
    }
    // `--conflicts markers` helps only when every conflict has a merge to mark.
    let markers = if plan.conflicts().all(|e| e.merged.is_some()) {
        "`--conflicts markers` to write them with conflict markers to resolve, or "
    } else {
        ""
    };
    // A dry run already shows the changes, so it does not send the reader to itself.
    let lead = if dry_run {
        "Re-run"
    } else {
        "Review the changes with `--dry-run`, then re-run"
    };
    let _ = writeln!(
        text,
        "{lead} with {markers}`--force` to overwrite them, or keep your edits and leave the options as they were."
    );
    text
}

/// After a run that wrote conflict markers: where they are, and what to do.
fn markers_advice(plan: &Plan) -> String {
    let mut text = format!(
        "{} file(s) hold conflict markers where your edits and the changes overlap:\n",
        plan.summary().conflict
    );
    for entry in plan.conflicts() {
        let _ = writeln!(text, "  {}", entry.path);
    }
    text.push_str(
        "Resolve each `<<<<<<< ours` … `>>>>>>> theirs` block (ours: your edits, original: the previous output, theirs: the new output); the next run keeps what you make of them.\n",
    );
    text
}

fn conflicts(format: Format, plan: &Plan) {
    match format {
        Format::Json => output::eprint_json(&json!({
            "status": "conflict",
            "root": plan.root,
            "files": entries_json(plan, false),
            "conflicts": plan.conflicts().map(|e| e.path.as_str()).collect::<Vec<_>>(),
        })),
        Format::Human => output::eprint(
            format!(
                "error: nothing was written. {}",
                conflict_advice(plan, false)
            )
            .trim_end(),
        ),
    }
}

fn report(format: Format, plan: &Plan, root: &Path) -> anyhow::Result<()> {
    match format {
        Format::Json => output::print_json(&plan_json(plan, false)),
        Format::Human => {
            let mut text = file_lines(plan, false);
            let _ = writeln!(
                text,
                "{}: {}",
                root.join(&plan.root).display(),
                summary_line(plan)
            );
            output::print(&text)
        }
    }
}
