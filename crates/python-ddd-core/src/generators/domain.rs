//! The `domain` generator: a whole bounded context from its spec. The stored spec (or a spec
//! file) and the options make the new spec; every file is rendered from it, the migration history
//! advanced, and the manifest recorded. `aggregate` edits the spec and renders through here too.

use serde_json::Value;

use super::{Definition, Generator};
use crate::error::Error;
use crate::options::{self, DomainOptions};
use crate::previous::Previous;
use crate::{
    Failure, Generation, SpecFile, VERSION, aggregates, hbs, history, manifest, model, plan,
    reflow, render, spec, tree, use_cases, validate,
};

/// The `domain` generator.
pub struct Domain;

impl Definition for Domain {
    fn name(&self) -> &'static str {
        "domain"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["d", "ddd"]
    }

    fn description(&self) -> &'static str {
        "A bounded context in hexagonal layers: domain, application, infrastructure and interface, with tests, docs and Nx wiring"
    }

    fn schema(&self, settings: schemars::generate::SchemaGenerator) -> schemars::Schema {
        settings.into_root_schema_for::<DomainOptions>()
    }

    fn root(&self, options: &Value) -> Result<String, Failure> {
        let valid = validate::domain(options).map_err(Failure::Invalid)?;
        Ok(model::DomainModel::root_of(&valid.options))
    }

    fn generate(
        &self,
        options: &Value,
        source: &dyn plan::Source,
        spec_file: Option<SpecFile<'_>>,
    ) -> Result<Generation, Failure> {
        let root = self.root(options)?;
        let mut previous = Previous::read(&root, source)?;
        if let Some(file) = spec_file {
            previous = previous.with_spec_file(file.path, file.text)?;
        }
        render_domain(options, &previous, source)
    }
}

/// Renders the context `previous` describes, edited by `options` (the `domain` options: an
/// option given wins over the stored spec's), through the whole pipeline: validation, aggregate
/// checks, migration history, templates, manifest.
pub(crate) fn render_domain(
    options: &Value,
    previous: &Previous<'_>,
    source: &dyn plan::Source,
) -> Result<Generation, Failure> {
    let generator = Generator::Domain;
    let merged = previous.edited_by(options);
    let valid = validate::domain(&merged)
        .map_err(|problems| Failure::Invalid(previous.blame(problems, options)))?;
    aggregates::check(&valid, &previous.more_aggregates)
        .map_err(|problems| Failure::Invalid(previous.blame(problems, options)))?;
    let mut problems = use_cases::check(0, &valid.entity, &valid.fields, &previous.root_use_cases);
    for (offset, aggregate) in previous.more_aggregates.iter().enumerate() {
        problems.extend(use_cases::check(
            offset + 1,
            &aggregate.name,
            &aggregate.field_specs(),
            &aggregate.use_cases,
        ));
    }
    if !problems.is_empty() {
        return Err(Failure::Invalid(previous.blame(problems, options)));
    }
    let mut spec = spec::ContextSpec::from_valid(&valid, Vec::new());
    spec.aggregates[0]
        .use_cases
        .clone_from(&previous.root_use_cases);
    spec.aggregates
        .extend(previous.more_aggregates.iter().cloned());
    spec.migrations = match valid.options.persistence {
        // Every aggregate's table: the root's and the others'.
        options::Persistence::Sqlalchemy => {
            history::advance(previous.history.clone(), &spec.aggregates)
                .map_err(|problems| Failure::Invalid(previous.blame(problems, options)))?
        }
        options::Persistence::Memory => previous.history.clone(),
    };
    // Every render reads the spec: the options it stands for, normalised.
    let recorded = spec.options(&valid.options.directory);
    let valid = validate::ValidDomain {
        options: DomainOptions {
            force: valid.options.force,
            conflicts: valid.options.conflicts,
            ..recorded.clone()
        },
        entity: spec.root_aggregate().name.clone(),
        fields: spec.root_aggregate().field_specs(),
    };
    // The revisions first, and each model dropped once its data is made: at 1,000 fields a
    // model and its data are megabytes each, and rendering one while another is held
    // was the run's peak memory (issue 15).
    let revisions = if valid.options.persistence == options::Persistence::Sqlalchemy {
        render_revisions(&valid, &spec, previous)?
    } else {
        Vec::new()
    };
    let model = model::DomainModel::new(&valid)
        .with_use_cases(&valid, &spec.aggregates[0].use_cases)
        .with_more(&valid, &spec.aggregates[1..]);
    let root = model.root.clone();
    let mut tree = render_context(generator, model)?;
    for revision in revisions {
        match revision {
            Revision::Carried(path, written) => tree.insert_exact(path, written),
            Revision::Rendered(path, content) => tree.insert(path, content),
        };
    }
    let spec_path = format!("{root}/{}", spec::FILE_NAME);
    tree.insert(spec_path.clone(), spec.to_text());
    // After the revisions: migrations carry names too. Lines within the limit are never
    // touched, so a carried revision (generated under the same rules) keeps its bytes.
    reflow::reflow(&mut tree);
    validate::check_line_lengths(&tree, &valid).map_err(Failure::Invalid)?;
    add_manifest(
        generator,
        &root,
        &recorded,
        &spec.aggregates[1..],
        &mut tree,
    );
    Ok(Generation {
        generator,
        root,
        tree,
        force: valid.options.force,
        conflicts: valid.options.conflicts,
        inputs: read_inputs(source, [spec_path])?,
    })
}

/// Renders the context's templates (`templates/domain/`) over the context's view and the
/// per-aggregate templates (`templates/aggregate/`) once for each aggregate, over its view. The
/// model is dropped once the views' data is made, and the view of a context's only aggregate (the
/// same keys with the same values as the context's) renders from the context's data: at 1,000
/// fields each is megabytes (issue 15).
fn render_context(generator: Generator, model: model::DomainModel) -> Result<tree::Tree, Error> {
    let (features, root) = (model.features(), model.root.clone());
    let context = render::to_data(generator.name(), &model)?;
    let transitions = transition_data(&model)?;
    let aggregates = if model.many_aggregates {
        model
            .aggregate_views()
            .map_err(|source| Error::Render {
                template: model::AGGREGATE_TEMPLATES.to_owned(),
                message: source.to_string(),
            })?
            .iter()
            .map(|view| render::to_data(model::AGGREGATE_TEMPLATES, view).map(Some))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        vec![None]
    };
    drop(model);
    let mut passes = vec![render::Pass {
        templates: generator.name(),
        data: &context,
    }];
    passes.extend(aggregates.iter().map(|data| render::Pass {
        templates: model::AGGREGATE_TEMPLATES,
        data: data.as_ref().unwrap_or(&context),
    }));
    passes.extend(transitions.iter().map(|data| render::Pass {
        templates: model::TRANSITION_TEMPLATES,
        data,
    }));
    render::render_passes(&features, &root, &passes)
}

/// The views `templates/transitions/` renders over: one per aggregate that has use cases (none
/// for a context without any, which then renders as it did before them).
fn transition_data(model: &model::DomainModel) -> Result<Vec<hbs::Data>, Error> {
    if !model.aggregates.iter().any(|view| view.transitions.any) {
        return Ok(Vec::new());
    }
    let views = model.aggregate_views().map_err(|source| Error::Render {
        template: model::TRANSITION_TEMPLATES.to_owned(),
        message: source.to_string(),
    })?;
    model
        .aggregates
        .iter()
        .zip(&views)
        .filter(|(aggregate, _)| aggregate.transitions.any)
        .map(|(_, view)| render::to_data(model::TRANSITION_TEMPLATES, view))
        .collect()
}

/// The `(path, hash of the content read)` of each input file that exists in `source`.
fn read_inputs(
    source: &dyn plan::Source,
    paths: impl IntoIterator<Item = String>,
) -> Result<Vec<(String, String)>, Failure> {
    let mut inputs = Vec::new();
    for path in paths {
        if let Some(text) = source.read(&path)? {
            let hash = manifest::hash(&text);
            inputs.push((path, hash));
        }
    }
    Ok(inputs)
}

/// A migration revision's file for the tree.
enum Revision {
    /// Written by an earlier run and still on disk: carried byte for byte.
    Carried(String, String),
    /// Rendered now.
    Rendered(String, String),
}

/// Every migration revision of the spec's history: a revision the previous run wrote and that is
/// still on disk is carried forward byte for byte (never rewritten); a missing one is rendered
/// from the tables the history records for it.
fn render_revisions(
    valid: &validate::ValidDomain,
    spec: &spec::ContextSpec,
    previous: &Previous<'_>,
) -> Result<Vec<Revision>, Error> {
    let mut revisions = Vec::new();
    for index in 0..spec.migrations.len() {
        let (feature, model) = history::revision_model(valid, &spec.migrations, index);
        let root = model.model.root.clone();
        let data = render::to_data(Generator::Domain.name(), &model)?;
        drop(model);
        let pass = render::Pass {
            templates: Generator::Domain.name(),
            data: &data,
        };
        let rendered = render::render_passes(&[feature], &root, &[pass])?;
        drop(data);
        for (path, content, _) in rendered.into_files(|_| false) {
            revisions.push(match previous.written(&path)? {
                Some(written) => Revision::Carried(path, written),
                None => Revision::Rendered(path, content),
            });
        }
    }
    Ok(revisions)
}

/// Adds `<root>/.python-ddd.json`, hashing every other file of the tree, with the options and
/// the aggregates after the root (`more`) that rendered it.
fn add_manifest(
    generator: Generator,
    root: &str,
    options: &impl serde::Serialize,
    more: &[spec::AggregateSpec],
    tree: &mut tree::Tree,
) {
    let prefix = format!("{root}/");
    let files = tree
        .iter_hashed()
        .filter_map(|(path, _, hash)| {
            Some((path.strip_prefix(&prefix)?.to_owned(), hash.to_owned()))
        })
        .collect();
    let manifest = manifest::Manifest {
        generator: generator.name().to_owned(),
        version: VERSION.to_owned(),
        options: serde_json::to_value(options).expect("options serialise"),
        aggregates: more
            .iter()
            .map(|aggregate| serde_json::to_value(aggregate).expect("a spec always serialises"))
            .collect(),
        files,
    };
    tree.insert(
        format!("{prefix}{}", manifest::FILE_NAME),
        manifest.to_text(),
    );
}
