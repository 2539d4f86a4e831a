//! Stage 4, render: strict handlebars over the embedded `templates/<generator>/<feature>/…​.hbs`.
//!
//! Strict mode turns a misspelt variable into an error instead of an empty string, and HTML
//! escaping is off because the output is code. File paths are templates too; each rendered path
//! is checked component by component before it enters the tree.

use handlebars::Handlebars;
use rust_embed::RustEmbed;
use serde::Serialize;

use crate::error::Error;
use crate::tree::Tree;

/// The templates, embedded in release builds (read from disk in debug builds).
#[derive(RustEmbed)]
#[folder = "../../templates/"]
#[include = "*.hbs"]
struct Templates;

/// The template files of `generator` (paths relative to `templates/`), sorted.
pub fn template_paths(generator: &str) -> Vec<String> {
    let prefix = format!("{generator}/");
    let mut paths: Vec<String> = Templates::iter()
        .filter(|path| path.starts_with(&prefix))
        .map(std::borrow::Cow::into_owned)
        .collect();
    paths.sort();
    paths
}

/// Renders every template of `generator` in the given feature folders into a tree rooted at
/// `root` (a workspace-relative folder).
pub fn render<C: Serialize>(
    generator: &str,
    features: &[&str],
    root: &str,
    model: &C,
) -> Result<Tree, Error> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::no_escape);
    let data = handlebars::Context::wraps(model).map_err(|source| Error::Render {
        template: generator.to_owned(),
        message: source.to_string(),
    })?;

    let mut tree = Tree::default();
    let mut origin: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for template_path in template_paths(generator) {
        let relative = &template_path[generator.len() + 1..];
        let Some((feature, rest)) = relative.split_once('/') else {
            continue;
        };
        // `per-layer+fastapi` is rendered only when every `+`-joined feature is on.
        if !feature.split('+').all(|part| features.contains(&part)) {
            continue;
        }
        let file = Templates::get(&template_path).expect("listed templates exist");
        let source = std::str::from_utf8(&file.data).map_err(|_| Error::Render {
            template: template_path.clone(),
            message: "the template is not UTF-8".into(),
        })?;
        let render_error = |message: String| Error::Render {
            template: template_path.clone(),
            message,
        };
        registry
            .register_template_string(&template_path, source)
            .map_err(|e| render_error(e.to_string()))?;
        let content = registry
            .render_with_context(&template_path, &data)
            .map_err(|e| render_error(e.to_string()))?;
        let path_template = rest.strip_suffix(".hbs").unwrap_or(rest);
        let rendered_path = registry
            .render_template_with_context(path_template, &data)
            .map_err(|e| render_error(format!("in its path: {e}")))?;
        check_relative_path(&rendered_path)
            .map_err(|message| render_error(format!("path `{rendered_path}` {message}")))?;
        let path = format!("{root}/{rendered_path}");
        if let Some(previous) = origin.insert(path.clone(), template_path.clone()) {
            return Err(render_error(format!(
                "renders `{path}`, which `{previous}` renders too"
            )));
        }
        tree.insert(path, &content);
    }
    Ok(tree)
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

    #[test]
    fn rendered_paths_are_checked() {
        assert!(check_relative_path("domain/orders_domain/x.py").is_ok());
        for bad in ["/etc/passwd", "a/../b", "a//b", "./a", "a\\b", "c:/x", ""] {
            assert!(check_relative_path(bad).is_err(), "{bad}");
        }
    }

    /// rust-embed silently yields nothing when the folder is missing in a debug build.
    #[test]
    fn templates_are_found() {
        assert!(
            template_paths("domain").len() >= 10,
            "{:?}",
            template_paths("domain")
        );
    }
}
