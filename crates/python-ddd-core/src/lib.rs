//! python-ddd's engine. The pipeline, one module per stage:
//!
//! options → [`validate`] → [`model`] → [`render`] → [`tree`] → [`plan`] → [`apply`] | [`diff`]
//!
//! [`generate`] runs the first four stages and returns the tree (manifest included); callers plan
//! it against a [`plan::Source`] (the disk, or the files an Nx tree holds) and then apply or print.

pub mod apply;
pub mod diff;
pub mod error;
pub mod failpoint;
pub mod fields;
pub mod hbs;
mod inflect;
pub mod journal;
pub mod lock;
pub mod manifest;
pub mod model;
pub mod names;
pub mod options;
pub mod paths;
pub mod plan;
pub mod render;
pub mod schema;
mod stdlib;
pub mod tree;
pub mod validate;

use serde_json::Value;

pub use crate::error::Error;
pub use crate::options::Generator;
pub use crate::validate::Problem;

/// The version recorded in manifests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a generation did not produce a tree.
#[derive(Debug)]
pub enum Failure {
    /// The options are wrong: every problem, each naming its option.
    Invalid(Vec<Problem>),
    /// Something unexpected (a template failed to render).
    Error(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Error(error)
    }
}

/// A rendered generation: the tree to plan, with the facts the caller reports.
#[derive(Debug, Clone)]
pub struct Generation {
    pub generator: Generator,
    /// The context folder, workspace-relative (`libs/orders`).
    pub root: String,
    /// Every generated file, the manifest included.
    pub tree: tree::Tree,
    /// The user asked to overwrite their edits.
    pub force: bool,
}

impl Generation {
    /// Plans the tree against what exists.
    pub fn plan(&self, source: &dyn plan::Source) -> Result<plan::Plan, Error> {
        plan::plan(&self.root, &self.tree, source, self.force)
    }
}

/// Validates the options and renders the generator's tree; writes nothing.
pub fn generate(generator: Generator, options: &Value) -> Result<Generation, Failure> {
    match generator {
        Generator::Domain => {
            let valid = validate::domain(options).map_err(Failure::Invalid)?;
            let model = model::DomainModel::new(&valid);
            let mut tree =
                render::render(generator.name(), &model.features(), &model.root, &model)?;
            validate::check_line_lengths(&tree, &valid).map_err(Failure::Invalid)?;
            let recorded = options::DomainOptions {
                force: false,
                ..valid.options.clone()
            };
            add_manifest(generator, &model.root, &recorded, &mut tree);
            Ok(Generation {
                generator,
                root: model.root,
                tree,
                force: valid.options.force,
            })
        }
    }
}

/// Validates the options and returns the context folder (`libs/orders`) without rendering: all
/// the Nx shim needs for its first request, before it sends the files under that folder.
pub fn root(generator: Generator, options: &Value) -> Result<String, Failure> {
    match generator {
        Generator::Domain => {
            let valid = validate::domain(options).map_err(Failure::Invalid)?;
            Ok(model::DomainModel::new(&valid).root)
        }
    }
}

/// Adds `<root>/.python-ddd.json`, hashing every other file of the tree.
fn add_manifest(
    generator: Generator,
    root: &str,
    options: &impl serde::Serialize,
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
        files,
    };
    tree.insert(
        format!("{prefix}{}", manifest::FILE_NAME),
        manifest.to_text(),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `root` is the root `generate` reports, and rejects what `generate` rejects.
    #[test]
    fn root_without_rendering() {
        for options in [
            json!({"name": "orders"}),
            json!({"name": "invoices", "directory": "services/python"}),
        ] {
            let generation = generate(Generator::Domain, &options).unwrap();
            assert_eq!(root(Generator::Domain, &options).unwrap(), generation.root);
        }
        let bad = json!({"name": "Orders"});
        assert!(matches!(
            root(Generator::Domain, &bad),
            Err(Failure::Invalid(_))
        ));
    }

    /// Every supported combination renders, no two feature folders write the same path, and the
    /// manifest lists every other file.
    #[test]
    fn every_combination_renders() {
        for persistence in ["sqlalchemy", "memory"] {
            for event_bus in ["memory", "kafka"] {
                for api in ["fastapi", "none"] {
                    for layout in ["single", "per-layer"] {
                        for fields in [
                            fields::DEFAULT_FIELDS,
                            "title:str",
                            "a:str,b:int,c:bool,d:decimal,e:datetime,f:date,g:uuid,h:email,i:money,j:enum(x|y),\
                             k:str?,l:int?,m:bool?,n:decimal?,o:datetime?,p:date?,q:uuid?,r:email?,s:money?,t:enum(z)?",
                        ] {
                            let options = json!({
                                "name": "orders", "persistence": persistence, "eventBus": event_bus,
                                "api": api, "projectLayout": layout, "fields": fields,
                            });
                            let generation = generate(Generator::Domain, &options)
                                .unwrap_or_else(|e| panic!("{options}: {e:?}"));
                            let manifest_path = format!("libs/orders/{}", manifest::FILE_NAME);
                            let manifest = manifest::Manifest::parse(
                                &manifest_path,
                                generation.tree.get(&manifest_path).expect("a manifest"),
                            )
                            .unwrap();
                            assert_eq!(
                                manifest.files.len() + 1,
                                generation.tree.len(),
                                "{options}"
                            );
                        }
                    }
                }
            }
        }
    }
}
