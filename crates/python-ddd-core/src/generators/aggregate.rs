//! The `aggregate` generator: one more aggregate root in a context python-ddd generated. It reads
//! the context's stored spec, appends the aggregate, and renders the context again through the
//! `domain` pipeline ([`super::domain::render_domain`]): the same plan, merge, conflicts, dry run,
//! manifest and migration history as a `domain` run. The context's manifest stays the `domain`
//! generator's: the spec, not the command that edited it last, is what the context is made of.

use serde_json::{Value, json};

use super::{Definition, Generator, domain};
use crate::contexts::{self, Found};
use crate::options::AggregateOptions;
use crate::previous::Previous;
use crate::validate::{self, Problem};
use crate::{Failure, Generation, SpecFile, names, plan, spec};

/// The `aggregate` generator.
pub struct Aggregate;

impl Definition for Aggregate {
    fn name(&self) -> &'static str {
        "aggregate"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["a", "agg"]
    }

    fn description(&self) -> &'static str {
        "Another aggregate root in an existing context: entity, id, events, errors, repository, adapters, DTOs, use cases and tests, wired into the unit of work"
    }

    fn schema(&self, settings: schemars::generate::SchemaGenerator) -> schemars::Schema {
        settings.into_root_schema_for::<AggregateOptions>()
    }

    fn root(&self, options: &Value) -> Result<String, Failure> {
        let valid = validate(options)?;
        Ok(context_root(&valid))
    }

    fn adds_to_a_context(&self) -> bool {
        true
    }

    fn locate(&self, options: Value, found: &[Found]) -> Result<Value, Vec<Problem>> {
        locate(options, found)
    }

    fn generate(
        &self,
        options: &Value,
        source: &dyn plan::Source,
        spec_file: Option<SpecFile<'_>>,
    ) -> Result<Generation, Failure> {
        if let Some(file) = spec_file {
            return Err(invalid(
                "/spec",
                format!(
                    "`--spec {}` describes a whole context; add its aggregates with `python-ddd generate domain --spec {}`, or leave `--spec` out",
                    file.path, file.path
                ),
            ));
        }
        let valid = validate(options)?;
        let root = context_root(&valid);
        let mut previous = Previous::read(&root, source)?;
        if !previous.exists() {
            return Err(invalid(
                "/context",
                format!(
                    "`{root}` holds no context python-ddd generated (no `{}`, no manifest); generate it first with `python-ddd generate domain {}`",
                    spec::FILE_NAME,
                    valid.context
                ),
            ));
        }
        let given = Value::Object(serde_json::Map::new());
        let context = validate::domain(&previous.edited_by(&given))
            .map_err(|problems| Failure::Invalid(previous.blame(problems, &given)))?;
        let entity = valid
            .entity
            .clone()
            .unwrap_or_else(|| validate::default_entity(&names::context_snake(&valid.name)));
        // The aggregate's own checks: the root's `entity` and `fields` checks, with the context's
        // adapters, reported against this generator's options.
        let entity_option = if valid.entity.is_some() {
            "/entity"
        } else {
            "/name"
        };
        let mut alone = json!({ "entity": entity });
        if let Some(fields) = &valid.fields {
            alone["fields"] = Value::String(fields.clone());
        } else {
            alone["fields"] = Value::String(crate::fields::DEFAULT_FIELDS.to_owned());
        }
        let checked = validate::domain(&previous.edited_by(&alone)).map_err(|problems| {
            Failure::Invalid(
                problems
                    .into_iter()
                    .map(|problem| match problem.option() {
                        "entity" => Problem::new(entity_option, problem.message),
                        "fields" => Problem::new("/fields", problem.message),
                        _ => problem,
                    })
                    .collect(),
            )
        })?;
        let mut existing = std::iter::once(context.entity.as_str())
            .chain(previous.more_aggregates.iter().map(|a| a.name.as_str()));
        if let Some(index) = existing.position(|name| name == entity) {
            let how = if index == 0 {
                format!(
                    "its aggregate root; change the root's fields with `python-ddd generate domain {} --fields …`",
                    context.options.name
                )
            } else {
                format!(
                    "`/aggregates/{index}` in `{root}/{}`; change its fields there and re-run `python-ddd generate domain {}`",
                    spec::FILE_NAME,
                    context.options.name
                )
            };
            return Err(invalid(
                entity_option,
                format!(
                    "the context `{}` already has the aggregate `{entity}`: {how}; or choose another name",
                    context.options.name
                ),
            ));
        }
        let mut added = spec::ContextSpec::from_valid(&checked, Vec::new()).aggregates;
        let index = previous.more_aggregates.len() + 1;
        previous.more_aggregates.append(&mut added);
        let run = json!({ "force": valid.force, "conflicts": valid.conflicts });
        domain::render_domain(&run, &previous, source).map_err(|failure| match failure {
            Failure::Invalid(problems) => Failure::Invalid(
                problems
                    .into_iter()
                    .map(|problem| reported(problem, index, entity_option))
                    .collect(),
            ),
            error @ Failure::Error(_) => error,
        })
    }
}

/// A problem of the context's whole spec, reported against this generator's options: the new
/// aggregate's (`/aggregates/<index>`) against its name, the aggregates' as a whole (the adapters
/// that take one only) against the context.
fn reported(problem: Problem, index: usize, entity_option: &str) -> Problem {
    if problem.path == format!("/aggregates/{index}") {
        // The new aggregate comes from this run's options, not from the stored spec the
        // `domain` pipeline blames for what the options did not state.
        let message = problem
            .message
            .split(" (`aggregates` as the context spec ")
            .next()
            .unwrap_or_default();
        Problem::new(entity_option, message)
    } else if problem.path == "/aggregates" {
        Problem::new("/context", problem.message)
    } else {
        problem
    }
}

fn invalid(path: &str, message: String) -> Failure {
    Failure::Invalid(vec![Problem::new(path, message)])
}

/// The options checked against the schema, then typed.
fn validate(options: &Value) -> Result<AggregateOptions, Failure> {
    let problems = validate::against_schema(Generator::Aggregate, options);
    if !problems.is_empty() {
        return Err(Failure::Invalid(problems));
    }
    let valid: AggregateOptions = serde_json::from_value(options.clone())
        .map_err(|error| invalid("", format!("the options do not fit: {error}")))?;
    if let Some(directory) = &valid.directory {
        validate::check_directory(directory).map_err(|message| invalid("/directory", message))?;
    }
    if !names::is_context_spelling(&valid.context) && !valid.context.contains('/') {
        return Err(invalid(
            "/context",
            format!(
                "`{}` is not a context's name: name its folder (`orders`) or one of its Nx projects",
                valid.context
            ),
        ));
    }
    Ok(valid)
}

/// `<directory>/<context>`: the context folder, once the caller resolved `context` to its folder.
fn context_root(valid: &AggregateOptions) -> String {
    let folder = valid.context.rsplit('/').next().unwrap_or(&valid.context);
    format!("{}/{folder}", valid.directory.as_deref().unwrap_or("libs"))
}

/// `options` with `context` and `directory` naming the folder of the context `context` names
/// among `found` (by folder, path or Nx project), as the callers that can look (the CLI on disk,
/// the Nx shim in its tree) resolve it before the run.
fn locate(mut options: Value, found: &[Found]) -> Result<Value, Vec<Problem>> {
    let given = options["context"].as_str().map(str::to_owned);
    let directory = options["directory"].as_str().map(str::to_owned);
    let Some(given) = given else {
        return Ok(options); // the schema reports the missing or mistyped option
    };
    let context = contexts::resolve(&given, directory.as_deref(), found)
        .map_err(|message| vec![Problem::new("/context", message)])?;
    options["context"] = Value::String(context.folder().to_owned());
    options["directory"] = Value::String(context.directory().to_owned());
    Ok(options)
}
