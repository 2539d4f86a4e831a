//! What the previous run left in a context folder, as a run's starting point: the stored spec
//! (or, for a context generated before specs existed, the options its manifest recorded), its
//! migration history, and which files the previous run wrote.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::manifest::{self, Manifest};
use crate::options::Persistence;
use crate::plan::{self, Source};
use crate::spec::{self, AggregateSpec, ContextSpec, Revision, UseCaseSpec};
use crate::validate::{self, Problem};
use crate::{Failure, history};

/// The previous run's state of one context folder.
pub struct Previous<'a> {
    source: &'a dyn Source,
    root: String,
    /// The stored spec's workspace-relative path, when there is a stored spec.
    spec_path: Option<String>,
    /// The options the previous state stands for, for the new options to edit.
    base: Map<String, Value>,
    /// The migrations written so far.
    pub history: Vec<Revision>,
    /// The stored spec's aggregates after the root: options edit only the root, so these are
    /// carried as the spec states them.
    pub more_aggregates: Vec<AggregateSpec>,
    /// The root aggregate's use cases: options state its name and fields, not these, so they are
    /// carried as the spec states them.
    pub root_use_cases: Vec<UseCaseSpec>,
    manifest: Option<Manifest>,
}

impl<'a> Previous<'a> {
    /// Reads the context folder `root`: a broken spec is invalid input (exit 2), a broken manifest
    /// an error (exit 1).
    pub fn read(root: &str, source: &'a dyn Source) -> Result<Self, Failure> {
        let manifest = plan::read_manifest(source, &format!("{root}/{}", manifest::FILE_NAME))?;
        let spec_path = format!("{root}/{}", spec::FILE_NAME);
        let mut previous = Self {
            source,
            root: root.to_owned(),
            spec_path: None,
            base: Map::new(),
            history: Vec::new(),
            more_aggregates: Vec::new(),
            root_use_cases: Vec::new(),
            manifest,
        };
        if let Some(text) = source.read(&spec_path)? {
            let stored =
                ContextSpec::parse(&spec_path, &text).map_err(|p| Failure::Invalid(vec![p]))?;
            previous.base = stored.base_options();
            previous.history = stored.migrations;
            previous
                .root_use_cases
                .clone_from(&stored.aggregates[0].use_cases);
            previous.more_aggregates = stored.aggregates.into_iter().skip(1).collect();
            previous.spec_path = Some(spec_path);
        } else if let Some(recorded) = previous.recorded_options() {
            // Generated before specs existed: the manifest's options are the spec, and its
            // revision 0001 (if any) created the table they describe, and no outbox.
            if let Ok(valid) = validate::domain(&Value::Object(recorded.clone())) {
                if valid.options.persistence == Persistence::Sqlalchemy {
                    let spec = ContextSpec::from_valid(&valid, Vec::new());
                    previous.history = history::before_specs(spec.root_aggregate());
                }
                previous.base = recorded;
            }
        }
        Ok(previous)
    }

    /// The context as the spec file `path` describes it (`generate domain <name> --spec FILE`),
    /// in place of the stored spec's model. The migrations stay those the context has written:
    /// the generator writes them, so a file may leave them out or repeat them, never change them.
    pub fn with_spec_file(mut self, path: &str, text: &str) -> Result<Self, Failure> {
        let invalid = |message: String| Failure::Invalid(vec![Problem::new("/spec", message)]);
        let given = ContextSpec::parse(path, text).map_err(|p| invalid(p.message))?;
        let name = self.root.rsplit('/').next().unwrap_or_default();
        if given.name != name {
            return Err(invalid(format!(
                "the context spec `{path}` describes the context `{}`, not `{name}`; pass `{}` as the name, or change the spec's `name`",
                given.name, given.name
            )));
        }
        if !given.migrations.is_empty() && given.migrations != self.history {
            return Err(invalid(format!(
                "the context spec `{path}` lists migrations that `{}` did not write; leave `migrations` out: the generator writes them",
                self.root
            )));
        }
        self.base = given.base_options();
        self.root_use_cases
            .clone_from(&given.aggregates[0].use_cases);
        self.more_aggregates = given.aggregates.into_iter().skip(1).collect();
        self.spec_path = Some(path.to_owned());
        Ok(self)
    }

    /// Whether the folder holds a context: a stored spec, or a manifest a `domain` run wrote.
    pub fn exists(&self) -> bool {
        self.spec_path.is_some() || self.recorded_options().is_some()
    }

    /// The options a manifest of the `domain` generator recorded, without run flags.
    fn recorded_options(&self) -> Option<Map<String, Value>> {
        let manifest = self.manifest.as_ref()?;
        if manifest.generator != "domain" {
            return None;
        }
        let mut options = manifest.options.as_object()?.clone();
        options.remove("force");
        options.remove("conflicts");
        Some(options)
    }

    /// The previous state's options with `options` on top (an option given wins).
    pub fn edited_by(&self, options: &Value) -> Value {
        let mut merged = self.base.clone();
        if let Value::Object(given) = options {
            merged.extend(given.clone());
        }
        Value::Object(merged)
    }

    /// Problems with values the user did not pass this time name the stored spec they come from.
    pub fn blame(&self, mut problems: Vec<Problem>, options: &Value) -> Vec<Problem> {
        let Some(spec_path) = &self.spec_path else {
            return problems;
        };
        for problem in &mut problems {
            let key = problem.path.trim_start_matches('/');
            let key = key.split('/').next().unwrap_or_default();
            if !key.is_empty() && options.get(key).is_none() {
                problem.message = format!(
                    "{} (`{key}` as the context spec `{spec_path}` states it)",
                    problem.message
                );
            }
        }
        problems
    }

    /// The content of the file at the workspace-relative `path` as the previous run wrote it and
    /// it still is on disk; `None` when the previous manifest does not record it or it is gone.
    pub fn written(&self, path: &str) -> Result<Option<String>, Error> {
        let recorded = path
            .strip_prefix(&self.root)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|relative| {
                self.manifest
                    .as_ref()
                    .is_some_and(|m| m.files.contains_key(relative))
            });
        if recorded {
            self.source.read(path)
        } else {
            Ok(None)
        }
    }
}
