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
    let content = match render_chunks(registry, template_path, source, data) {
        Some(content) => content,
        // One piece failed: the whole template gives the error, with its real line numbers.
        None => render_whole(registry, template_path, source, data)
            .map_err(|e| render_error(e.to_string()))?,
    };
    let path_template = rest.strip_suffix(".hbs").unwrap_or(rest);
    let rendered_path = registry
        .render_template_with_context(path_template, data)
        .map_err(|e| render_error(format!("in its path: {e}")))?;
    check_relative_path(&rendered_path)
        .map_err(|message| render_error(format!("path `{rendered_path}` {message}")))?;
    Ok((rendered_path, content))
}

fn render_whole(
    registry: &mut Handlebars<'static>,
    name: &str,
    source: &str,
    data: &handlebars::Context,
) -> Result<String, Box<dyn std::error::Error>> {
    registry.register_template_string(name, source)?;
    let content = registry.render_with_context(name, data);
    // The registry only needs a template while rendering it.
    registry.unregister_template(name);
    Ok(content?)
}

/// Renders `source` piece by piece (see [`chunks`]); `None` when a piece fails to compile or
/// render.
///
/// Why: handlebars asks pest for the line and column of every token while compiling, and pest
/// finds them by rescanning the template from its first byte, so compiling costs time quadratic
/// in a template's length (most of a whole run). Pieces of a few hundred bytes make that cost linear.
fn render_chunks(
    registry: &mut Handlebars<'static>,
    name: &str,
    source: &str,
    data: &handlebars::Context,
) -> Option<String> {
    let mut content = String::with_capacity(source.len() + source.len() / 4);
    for piece in chunks(source, CHUNK_BYTES) {
        content.push_str(&render_whole(registry, name, piece, data).ok()?);
    }
    Some(content)
}

const CHUNK_BYTES: usize = 256;

/// Splits a template into pieces of about `target` bytes whose renderings, concatenated, are the
/// template's rendering. A piece starts only at a line that holds text but no `{{` or `}}`,
/// outside every block, tag and comment, after a line that holds text and no `~}}`: there no
/// standalone-line trimming and no `~` whitespace control can reach across, and each piece is a
/// template of its own in the root context. Templates with inline partials or raw blocks are not
/// split.
fn chunks(source: &str, target: usize) -> Vec<&str> {
    if source.len() <= target || source.contains("{{#*") || source.contains("{{{{") {
        return vec![source];
    }
    // Block depth and whether we are inside a tag, at the start of every line.
    let bytes = source.as_bytes();
    let mut cuts = Vec::new();
    let mut depth: i64 = 0;
    let mut in_tag: Option<&str> = None; // the closing delimiter we wait for
    let mut line_start = 0;
    let mut line_clean = true; // the current line has text and no tag delimiter
    // the previous line may end a piece: it has text, ends outside any tag, and no `~}}` on it
    let mut previous_line_ends_piece = false;
    let mut last_cut = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(close) = in_tag {
            if bytes[i..].starts_with(close.as_bytes()) {
                in_tag = None;
                i += close.len();
            } else {
                if bytes[i] == b'\n' {
                    previous_line_ends_piece = false;
                    line_start = i + 1;
                }
                i += 1;
            }
            line_clean = false;
            continue;
        }
        if bytes[i..].starts_with(b"{{") {
            let mut rest = &bytes[i + 2..];
            while let [b'~', tail @ ..] = rest {
                rest = tail;
            }
            if rest.starts_with(b"!--") {
                in_tag = Some("--}}");
            } else {
                in_tag = Some("}}");
                if rest.starts_with(b"#") {
                    depth += 1;
                } else if rest.starts_with(b"/") {
                    depth -= 1;
                } else if let [b'^', after @ ..] = rest {
                    // `{{^name}}` opens an inverse block; `{{^}}` is an `else`.
                    let mut after = after;
                    while let [b' ' | b'~', tail @ ..] = after {
                        after = tail;
                    }
                    if !after.starts_with(b"}}") {
                        depth += 1;
                    }
                }
            }
            line_clean = false;
            i += 2;
            continue;
        }
        if bytes[i..].starts_with(b"}}") {
            line_clean = false;
        }
        if bytes[i] == b'\n' {
            let line = &source[line_start..i];
            let has_text = !line.trim().is_empty();
            let clean = line_clean && has_text;
            if clean && previous_line_ends_piece && depth == 0 && line_start - last_cut >= target {
                cuts.push(line_start);
                last_cut = line_start;
            }
            previous_line_ends_piece = has_text && !line.contains("~}}");
            line_start = i + 1;
            line_clean = true;
        }
        i += 1;
    }
    if in_tag.is_some() || depth != 0 {
        return vec![source]; // unbalanced: let handlebars report it on the whole template
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        pieces.push(&source[start..cut]);
        start = cut;
    }
    pieces.push(&source[start..]);
    pieces
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

    /// Rendering a template in pieces gives what rendering it whole gives, for every template and
    /// every option combination; and the pieces really split the long templates.
    #[test]
    fn pieces_render_what_the_whole_template_renders() {
        let mut split = 0;
        for persistence in ["sqlalchemy", "memory"] {
            for event_bus in ["memory", "kafka"] {
                for api in ["fastapi", "none"] {
                    for layout in ["single", "per-layer"] {
                        let options = serde_json::json!({
                            "name": "order_lines", "persistence": persistence, "eventBus": event_bus,
                            "api": api, "projectLayout": layout,
                            "fields": "a:str,b:int?,c:enum(x|y),d:money,e:datetime?",
                        });
                        let valid = crate::validate::domain(&options).unwrap();
                        let model = crate::model::DomainModel::new(&valid);
                        let data = handlebars::Context::wraps(&model).unwrap();
                        let mut registry = registry();
                        for path in template_paths("domain") {
                            let file = Templates::get(&path).unwrap();
                            let source = std::str::from_utf8(&file.data).unwrap();
                            let pieces = chunks(source, CHUNK_BYTES);
                            assert_eq!(pieces.concat(), source, "{path}");
                            split += usize::from(pieces.len() > 1);
                            let Ok(whole) = render_whole(&mut registry, &path, source, &data)
                            else {
                                continue; // a feature folder this model does not render
                            };
                            let pieces = render_chunks(&mut registry, &path, source, &data);
                            assert_eq!(pieces.as_deref(), Some(whole.as_str()), "{path} {options}");
                        }
                    }
                }
            }
        }
        assert!(split > 0, "no template was split");
    }

    #[test]
    fn chunk_boundaries() {
        let source = "a\nb\n{{#if x}}\nc\nd\n{{/if}}\ne\nf\n{{y~}}\n\ng\nh\ni\n";
        let pieces = chunks(source, 1);
        assert_eq!(pieces.concat(), source);
        // before each clean line outside blocks that follows a line with text and no `~}}`
        assert_eq!(
            pieces,
            [
                "a\n",
                "b\n{{#if x}}\nc\nd\n{{/if}}\n",
                "e\n",
                "f\n{{y~}}\n\ng\n",
                "h\n",
                "i\n"
            ]
        );
        assert_eq!(
            chunks("{{#*inline \"p\"}}x{{/inline}}\na\nb\nc\n", 1).len(),
            1
        );
        assert_eq!(
            chunks("{{!-- a\nb\nc --}}\nd\n", 1),
            ["{{!-- a\nb\nc --}}\n", "d\n"]
        );
        // and each renders as the whole does (pieces of 1 byte: every possible cut is taken)
        let data =
            handlebars::Context::wraps(serde_json::json!({"x": true, "y": "Y", "z": [1, 2]}))
                .unwrap();
        let mut registry = registry();
        for source in [
            source,
            "{{!-- a\nb\nc --}}\nd\n",
            "  {{#if x}}\n  a\n  {{/if}}\n  b\n  c\n{{y}}\n  d\n{{~y}}\n  e\n  f\n",
            "x = {{y}}\n    a\n{{#each z}}\n{{/each}}\n    b\n{{y~}}\n  \n    c\n    d\n",
        ] {
            let whole = render_whole(&mut registry, "t", source, &data).unwrap();
            let mut pieces = String::new();
            for piece in chunks(source, 1) {
                pieces.push_str(&render_whole(&mut registry, "t", piece, &data).unwrap());
            }
            assert_eq!(pieces, whole, "{source:?}");
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
