//! Nx project inference (issue 13): the `namedInputs` and `targets` of every Nx project a generated
//! context holds, from its manifest alone. The Nx plugin (`npm/src/plugin.js`, `createNodesV2`) sends
//! every `.python-ddd.json` of the workspace in one batch (`python-ddd nx-targets`), so the generated
//! `project.json` files stay minimal (name, tags, implicit dependencies) and the targets follow the
//! installed plugin rather than what was generated once.
//!
//! The targets are templates too, `templates/nx-targets/<feature>/…/project.json.hbs`, rendered with
//! the model of the options the manifest records: the same features pick them as pick the files.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::generators::Generator;
use crate::manifest::{self, Manifest};
use crate::validate::Problem;
use crate::{Failure, model, render};

/// The template folder of the inferred configurations (beside `domain/`).
const TEMPLATES: &str = "nx-targets";

/// The configuration keys a target template may hold; the rest (name, tags) is `project.json`'s.
const INFERRED_KEYS: [&str; 2] = ["namedInputs", "targets"];

/// One inferred Nx project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The project's folder, workspace-relative (`libs/orders`, `libs/orders/domain`).
    pub root: String,
    /// `namedInputs` and `targets`, as Nx reads them from a project configuration.
    pub configuration: Map<String, Value>,
}

/// The projects of the context whose manifest is at the workspace-relative `manifest_path`
/// (`<context>/.python-ddd.json`), given the manifest's text. Project roots are taken from where the
/// manifest is, so a context folder moved by hand keeps its targets.
pub fn projects(manifest_path: &str, text: &str) -> Result<Vec<Project>, Failure> {
    let context = match manifest_path.rsplit_once('/') {
        Some((folder, manifest::FILE_NAME)) => folder,
        None if manifest_path == manifest::FILE_NAME => "",
        _ => {
            return Err(Failure::Invalid(vec![Problem {
                path: String::new(),
                message: format!("`{manifest_path}` is not a `{}` file", manifest::FILE_NAME),
            }]));
        }
    };
    let manifest = Manifest::parse(manifest_path, text)?;
    let Some(generator) = Generator::find(&manifest.generator) else {
        return Err(Failure::Error(Error::Manifest {
            path: manifest_path.to_owned(),
            message: format!("it names an unknown generator `{}`", manifest.generator),
        }));
    };
    // Only the `domain` generator writes a context's manifest: the others edit its spec and render
    // through it (`aggregate`), so the manifest still names `domain`.
    if generator != Generator::Domain {
        return Err(Failure::Error(Error::Manifest {
            path: manifest_path.to_owned(),
            message: format!(
                "it names the generator `{}`, which writes no manifest of its own",
                manifest.generator
            ),
        }));
    }
    let valid = crate::validate::domain(&manifest.options).map_err(Failure::Invalid)?;
    let model = model::DomainModel::new(&valid);
    let tree = render::render(TEMPLATES, &model.features(), &model.root, &model)?;
    let mut projects = tree
        .iter()
        .map(|(path, text)| project(context, &model.root, path, text))
        .collect::<Result<Vec<_>, _>>()?;
    projects.sort_by(|a, b| a.root.cmp(&b.root));
    Ok(projects)
}

/// One rendered `…/project.json` of `templates/nx-targets/` as a [`Project`] under `context`.
fn project(context: &str, rendered_root: &str, path: &str, text: &str) -> Result<Project, Error> {
    let broken = |message: String| Error::Render {
        template: format!("{TEMPLATES}/{path}"),
        message,
    };
    let folder = path
        .strip_prefix(rendered_root)
        .and_then(|p| p.strip_suffix("project.json"))
        .map(|p| p.trim_matches('/'))
        .ok_or_else(|| broken("renders a file that is not a `project.json`".into()))?;
    let root = [context, folder]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    let Value::Object(mut value) =
        serde_json::from_str(text).map_err(|e| broken(format!("renders invalid JSON: {e}")))?
    else {
        return Err(broken("renders JSON that is not an object".into()));
    };
    if let Some(unexpected) = value.keys().find(|k| !INFERRED_KEYS.contains(&k.as_str())) {
        return Err(broken(format!(
            "renders `{unexpected}`; inferred configurations hold only {}",
            INFERRED_KEYS.join(" and ")
        )));
    }
    let configuration = INFERRED_KEYS
        .iter()
        .filter_map(|key| Some(((*key).to_owned(), value.remove(*key)?)))
        .collect();
    Ok(Project {
        root,
        configuration,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Generator;

    fn manifest_of(options: &Value) -> (String, String) {
        let generation = crate::generate(Generator::Domain, options).unwrap();
        let path = format!("{}/{}", generation.root, manifest::FILE_NAME);
        let text = generation.tree.get(&path).unwrap().to_owned();
        (path, text)
    }

    fn names(project: &Project) -> Vec<&str> {
        project.configuration["targets"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn a_single_project_context_has_every_target() {
        let (path, text) = manifest_of(&json!({ "name": "orders" }));
        let projects = projects(&path, &text).unwrap();
        assert_eq!(projects.len(), 1);
        assert_eq!(projects[0].root, "libs/orders");
        assert_eq!(
            names(&projects[0]),
            [
                "test",
                "lint",
                "format",
                "typecheck",
                "build",
                "migrate",
                "serve"
            ]
        );
        assert!(projects[0].configuration["namedInputs"]["python"].is_array());
    }

    #[test]
    fn options_pick_the_targets() {
        let (path, text) =
            manifest_of(&json!({ "name": "orders", "persistence": "memory", "api": "none" }));
        let projects = projects(&path, &text).unwrap();
        assert_eq!(
            names(&projects[0]),
            ["test", "lint", "format", "typecheck", "build"]
        );
    }

    #[test]
    fn a_per_layer_context_has_one_project_per_layer_and_one_for_the_context() {
        let (path, text) = manifest_of(
            &json!({ "name": "billing", "directory": "services", "projectLayout": "per-layer" }),
        );
        let roots: Vec<String> = projects(&path, &text)
            .unwrap()
            .into_iter()
            .map(|p| p.root)
            .collect();
        assert_eq!(
            roots,
            [
                "services/billing",
                "services/billing/application",
                "services/billing/domain",
                "services/billing/infrastructure",
                "services/billing/interface",
            ]
        );
    }

    /// The roots follow the manifest, wherever it is now.
    #[test]
    fn roots_follow_the_manifest() {
        let (_, text) = manifest_of(&json!({ "name": "orders" }));
        let moved = projects("elsewhere/orders/.python-ddd.json", &text).unwrap();
        assert_eq!(moved[0].root, "elsewhere/orders");
        let top = projects(".python-ddd.json", &text).unwrap();
        assert_eq!(top[0].root, "");
    }

    #[test]
    fn a_broken_manifest_names_itself() {
        match projects("libs/x/.python-ddd.json", "{") {
            Err(Failure::Error(Error::Manifest { path, .. })) => {
                assert_eq!(path, "libs/x/.python-ddd.json");
            }
            other => panic!("{other:?}"),
        }
        match projects("libs/x/README.md", "{}") {
            Err(Failure::Invalid(problems)) => assert_eq!(
                problems[0].message,
                "`libs/x/README.md` is not a `.python-ddd.json` file"
            ),
            other => panic!("{other:?}"),
        }
        let text = json!({ "generator": "nope", "version": "0", "options": {}, "files": {} });
        assert!(matches!(
            projects("libs/x/.python-ddd.json", &text.to_string()),
            Err(Failure::Error(Error::Manifest { .. }))
        ));
    }
}
