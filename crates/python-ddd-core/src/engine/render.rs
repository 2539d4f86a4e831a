//! Stage 4, render: strict handlebars over `templates/<generator>/<feature>/…​.hbs`, parsed when
//! the crate is built (`build.rs`, see [`crate::hbs`]).
//!
//! Strict mode turns a misspelt variable into an error instead of an empty string, and HTML
//! escaping is off because the output is code. File paths are templates too; each rendered path
//! is checked component by component before it enters the tree.

use serde::Serialize;

use crate::error::Error;
use crate::hbs::node::Template;
use crate::hbs::{Data, Partials, render::render_data as render_template};
use crate::tree::Tree;

/// A template file, parsed by `build.rs`.
#[derive(Debug)]
pub struct TemplateFile {
    /// Relative to `templates/`: `domain/base/README.md.hbs`.
    pub path: &'static str,
    /// The path below the feature folder, without `.hbs`: a template too.
    pub path_template: Template,
    pub content: Template,
}

/// The parsed templates (sorted by path) and shared partials.
mod compiled {
    use super::TemplateFile;
    use crate::hbs::Partials;
    use crate::hbs::node::{
        Block, BlockHelper, Node, Param, Partial, Path, PathKind, Pos, Sub, SubHelper,
    };

    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// Every template file, sorted by path.
pub fn templates() -> &'static [TemplateFile] {
    compiled::TEMPLATES
}

/// The shared partials (`templates/partials/<name>.hbs`), usable as `{{> name}}` everywhere.
pub fn partials() -> &'static Partials {
    compiled::PARTIALS
}

/// The template files of `generator` (paths relative to `templates/`), sorted.
pub fn template_paths(generator: &str) -> Vec<String> {
    let prefix = format!("{generator}/");
    templates()
        .iter()
        .filter(|file| file.path.starts_with(&prefix))
        .map(|file| file.path.to_owned())
        .collect()
}

/// Renders every template of `generator` in the given feature folders into a tree rooted at
/// `root` (a workspace-relative folder).
pub fn render<C: Serialize>(
    generator: &str,
    features: &[&str],
    root: &str,
    model: &C,
) -> Result<Tree, Error> {
    let data = to_data(generator, model)?;
    render_passes(
        features,
        root,
        &[Pass {
            templates: generator,
            data: &data,
        }],
    )
}

/// One template set rendered over one view: the context's templates over the context's view,
/// or an aggregate's templates over that aggregate's view.
#[derive(Debug, Clone, Copy)]
pub struct Pass<'a> {
    /// The template folder below `templates/`: `domain`, `aggregate`.
    pub templates: &'a str,
    pub data: &'a Data,
}

/// A view as the data the templates read ([`Data`]: the view's JSON, made without a
/// `serde_json::Value`); a failure names the template set. A caller holding a large view can
/// drop it once this is made, and render from the data alone.
pub fn to_data<C: Serialize>(templates: &str, model: &C) -> Result<Data, Error> {
    crate::hbs::data::to_data(model).map_err(|source| Error::Render {
        template: templates.to_owned(),
        message: source.to_string(),
    })
}

/// Renders each pass's templates in the given feature folders into one tree rooted at `root`.
/// No two templates may render the same path, within a pass or across passes (two aggregates
/// included), so no file silently replaces another.
pub fn render_passes(features: &[&str], root: &str, passes: &[Pass<'_>]) -> Result<Tree, Error> {
    let mut tree = Tree::default();
    let mut origin: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for pass in passes {
        let prefix = format!("{}/", pass.templates);
        for file in templates() {
            let Some(relative) = file.path.strip_prefix(&prefix) else {
                continue;
            };
            let Some((feature, _)) = relative.split_once('/') else {
                continue;
            };
            // `per-layer+interface` is rendered only when every `+`-joined feature is on.
            if !feature.split('+').all(|part| features.contains(&part)) {
                continue;
            }
            let (rendered_path, content) = render_file(file, pass.data)?;
            let path = format!("{root}/{rendered_path}");
            if let Some(previous) = origin.insert(path.clone(), file.path) {
                return Err(Error::Render {
                    template: file.path.to_owned(),
                    message: format!("renders `{path}`, which `{previous}` renders too"),
                });
            }
            tree.insert(path, content);
        }
    }
    Ok(tree)
}

/// Renders one template file over the view's data: `(rendered path, content)`.
pub fn render_file(file: &TemplateFile, data: &Data) -> Result<(String, String), Error> {
    let render_error = |message: String| Error::Render {
        template: file.path.to_owned(),
        message,
    };
    let content =
        render_template(file.content, data, partials()).map_err(|e| render_error(e.to_string()))?;
    let rendered_path = render_template(file.path_template, data, partials())
        .map_err(|e| render_error(format!("in its path: {e}")))?;
    check_relative_path(&rendered_path)
        .map_err(|message| render_error(format!("path `{rendered_path}` {message}")))?;
    Ok((rendered_path, content))
}

/// A rendered path must stay below the context root: plain components only.
fn check_relative_path(path: &str) -> Result<(), &'static str> {
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Err("is not a relative `/`-separated path");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err("has an empty, `.` or `..` component");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data a generation renders from is the model's JSON, key order included, for every
    /// option and field kind (the engine reads `{{#each}}` over objects in that order).
    #[test]
    fn model_data_is_the_models_json() {
        let kinds =
            "a:str,b:int?,c:bool,d:decimal,e:datetime?,f:date,g:uuid,h:email?,i:money,j:enum(x|y)";
        for options in [
            serde_json::json!({"name": "orders"}),
            serde_json::json!({"name": "orders", "persistence": "sqlalchemy", "eventBus": "kafka",
                "api": "fastapi", "projectLayout": "per-layer", "fields": kinds}),
            serde_json::json!({"name": "order-items", "persistence": "memory", "fields": kinds}),
        ] {
            let valid = crate::validate::domain(&options).unwrap();
            let model = crate::model::DomainModel::new(&valid);
            let data = to_data("domain", &model).unwrap();
            let json = Data::from(serde_json::to_value(&model).unwrap());
            // Debug shows every key and value in order.
            assert_eq!(format!("{data:?}"), format!("{json:?}"), "{options}");
        }
    }

    #[test]
    fn rendered_paths_are_checked() {
        assert!(check_relative_path("domain/orders_domain/x.py").is_ok());
        for bad in ["/etc/passwd", "a/../b", "a//b", "./a", "a\\b", "c:/x", ""] {
            assert!(check_relative_path(bad).is_err(), "{bad}");
        }
    }

    /// Every template file of the generator is compiled in.
    #[test]
    fn templates_are_found() {
        assert!(
            template_paths("domain").len() >= 10,
            "{:?}",
            template_paths("domain")
        );
    }
}
