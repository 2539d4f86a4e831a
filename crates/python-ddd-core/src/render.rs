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
///
/// Compiling a handlebars template costs far more than rendering it (its parser is quadratic in
/// the template's length), so the templates are compiled and rendered on a few threads, each with
/// its own registry (templates only use their own inline partials). The tree, and the first
/// error, are the same as in template order.
pub fn render<C: Serialize>(
    generator: &str,
    features: &[&str],
    root: &str,
    model: &C,
) -> Result<Tree, Error> {
    let data = handlebars::Context::wraps(model).map_err(|source| Error::Render {
        template: generator.to_owned(),
        message: source.to_string(),
    })?;

    let mut selected: Vec<(String, String)> = Vec::new();
    for template_path in template_paths(generator) {
        let relative = &template_path[generator.len() + 1..];
        let Some((feature, rest)) = relative.split_once('/') else {
            continue;
        };
        // `per-layer+fastapi` is rendered only when every `+`-joined feature is on.
        if !feature.split('+').all(|part| features.contains(&part)) {
            continue;
        }
        let rest = rest.to_owned();
        selected.push((template_path, rest));
    }

    let mut tree = Tree::default();
    let mut origin: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(8);
    for ((template_path, _), rendered) in selected.iter().zip(render_all(&selected, &data, workers))
    {
        let (rendered_path, content) = rendered?;
        let path = format!("{root}/{rendered_path}");
        if let Some(previous) = origin.insert(path.clone(), template_path.clone()) {
            return Err(Error::Render {
                template: template_path.clone(),
                message: format!("renders `{path}`, which `{previous}` renders too"),
            });
        }
        tree.insert(path, &content);
    }
    Ok(tree)
}

fn registry() -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::no_escape);
    registry
}

/// Renders each `(template path, path template)` into `(rendered path, content)`, in order, on up
/// to `workers` threads.
fn render_all(
    selected: &[(String, String)],
    data: &handlebars::Context,
    workers: usize,
) -> Vec<Result<(String, String), Error>> {
    let workers = workers.min(selected.len().div_ceil(4));
    if workers <= 1 {
        let mut registry = registry();
        return selected
            .iter()
            .map(|(template, rest)| render_one(&mut registry, template, rest, data))
            .collect();
    }
    // Largest templates first, handed out one at a time, so the threads finish together.
    let mut order: Vec<usize> = (0..selected.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(Templates::get(&selected[i].0).map_or(0, |file| file.data.len()))
    });
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<(String, String), Error>>> = std::iter::repeat_with(|| None)
        .take(selected.len())
        .collect();
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut registry = registry();
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = order.get(k) else { break };
                        let (template, rest) = &selected[i];
                        done.push((i, render_one(&mut registry, template, rest, data)));
                    }
                    done
                })
            })
            .collect();
        for thread in threads {
            for (i, rendered) in thread.join().expect("a render thread panicked") {
                results[i] = Some(rendered);
            }
        }
    });
    results
        .into_iter()
        .map(|rendered| rendered.expect("every template was rendered"))
        .collect()
}

/// Compiles and renders one template and its path.
fn render_one(
    registry: &mut Handlebars<'static>,
    template_path: &str,
    rest: &str,
    data: &handlebars::Context,
) -> Result<(String, String), Error> {
    let render_error = |message: String| Error::Render {
        template: template_path.to_owned(),
        message,
    };
    let file = Templates::get(template_path).expect("listed templates exist");
    let source = std::str::from_utf8(&file.data)
        .map_err(|_| render_error("the template is not UTF-8".into()))?;
    registry
        .register_template_string(template_path, source)
        .map_err(|e| render_error(e.to_string()))?;
    let content = registry
        .render_with_context(template_path, data)
        .map_err(|e| render_error(e.to_string()))?;
    // The registry only needs a template while rendering it.
    registry.unregister_template(template_path);
    let path_template = rest.strip_suffix(".hbs").unwrap_or(rest);
    let rendered_path = registry
        .render_template_with_context(path_template, data)
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

    #[test]
    fn rendered_paths_are_checked() {
        assert!(check_relative_path("domain/orders_domain/x.py").is_ok());
        for bad in ["/etc/passwd", "a/../b", "a//b", "./a", "a\\b", "c:/x", ""] {
            assert!(check_relative_path(bad).is_err(), "{bad}");
        }
    }

    /// Threads change nothing: the same paths, contents and errors as one registry in order.
    #[test]
    fn threads_render_what_one_registry_renders() {
        let options = serde_json::json!({"name": "orders", "eventBus": "kafka"});
        let valid = crate::validate::domain(&options).unwrap();
        let model = crate::model::DomainModel::new(&valid);
        let data = handlebars::Context::wraps(&model).unwrap();
        let selected: Vec<(String, String)> = template_paths("domain")
            .into_iter()
            .filter_map(|path| {
                let rest = path.split_once('/')?.1.split_once('/')?.1.to_owned();
                Some((path, rest))
            })
            .collect();
        // Every feature folder against one model: some templates fail in strict mode, and their
        // errors must come out the same too.
        let show = |results: Vec<Result<(String, String), Error>>| -> Vec<String> {
            results.into_iter().map(|r| format!("{r:?}")).collect()
        };
        let one = show(render_all(&selected, &data, 1));
        let four = show(render_all(&selected, &data, 4));
        assert!(one.len() > 20);
        assert_eq!(one, four);
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
