//! The template engine: a handlebars subset parsed when the binary is built.
//!
//! `build.rs` parses every `templates/**/*.hbs` with [`syntax`] (the same module, included by
//! path) and writes the trees as static [`node`] data; [`render`] walks them over the model's
//! JSON. Nothing is parsed at run time, and a template using an unsupported construct fails the
//! build with its path and line.

pub mod data;
pub mod node;
pub mod render;
pub mod syntax;

pub use data::Data;
pub use render::{Partials, RenderError};

/// Parses `source` at run time into the static form `build.rs` emits, leaking it: for tests and
/// tools that render template strings (the binary never calls it).
pub fn parse_leaked(source: &str, is_partial: bool) -> Result<node::Template, syntax::SyntaxError> {
    Ok(lower(syntax::parse(source, is_partial)?))
}

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Vec::leak(items)
}

fn lower(elements: Vec<syntax::Element>) -> node::Template {
    leak(elements.into_iter().filter_map(lower_element).collect())
}

fn lower_pos(pos: syntax::Pos) -> node::Pos {
    node::Pos {
        line: u32::try_from(pos.line).unwrap_or(u32::MAX),
        column: u32::try_from(pos.column).unwrap_or(u32::MAX),
    }
}

fn lower_str(text: String) -> &'static str {
    String::leak(text)
}

fn lower_element(element: syntax::Element) -> Option<node::Node> {
    Some(match element {
        syntax::Element::Text(text) if text.is_empty() => return None,
        syntax::Element::Comment => return None,
        syntax::Element::Text(text) => node::Node::Text(lower_str(text)),
        syntax::Element::Value(path) => node::Node::Value(lower_path(path)),
        syntax::Element::Block(block) => node::Node::Block(node::Block {
            helper: block.helper,
            param: lower_param(block.param),
            body: lower(block.body),
            inverse: block.inverse.map(lower),
            indent_before_write: block.indent_before_write,
            pos: lower_pos(block.pos),
        }),
        syntax::Element::Partial(partial) => node::Node::Partial(node::Partial {
            name: lower_str(partial.name),
            indent: partial.indent.map(lower_str),
            indent_before_write: partial.indent_before_write,
            pos: lower_pos(partial.pos),
        }),
        syntax::Element::Inline { name, body } => node::Node::Inline {
            name: lower_str(name),
            body: lower(body),
        },
    })
}

fn lower_path(path: syntax::PathExpr) -> node::Path {
    node::Path {
        raw: lower_str(path.raw),
        kind: match path.kind {
            syntax::PathKind::Context { up, root, segments } => node::PathKind::Context {
                up,
                root,
                segments: leak(segments.into_iter().map(lower_str).collect()),
            },
            syntax::PathKind::Local { up, name } => node::PathKind::Local {
                up,
                name: lower_str(name),
            },
        },
        pos: lower_pos(path.pos),
    }
}

fn lower_param(param: syntax::Param) -> node::Param {
    match param {
        syntax::Param::Path(path) => node::Param::Path(lower_path(path)),
        syntax::Param::Str(text) => node::Param::Str(lower_str(text)),
        syntax::Param::Int(number) => node::Param::Int(number),
        syntax::Param::Bool(flag) => node::Param::Bool(flag),
        syntax::Param::Null => node::Param::Null,
        syntax::Param::Sub(sub) => node::Param::Sub(node::Sub {
            helper: sub.helper,
            params: leak(sub.params.into_iter().map(lower_param).collect()),
        }),
    }
}
