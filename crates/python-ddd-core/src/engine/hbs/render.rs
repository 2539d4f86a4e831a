//! Renders a parsed template over JSON data, as handlebars-rust 6 does in strict mode with HTML
//! escaping off: a missing value is an error, `{{#if missing}}` is false, and the partial
//! indentation state (`indent_before_write`, `trailing_newline`, `content_produced`) follows
//! handlebars-rust's `render.rs` step for step so indented partials come out the same.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;

use super::data::Data;

use super::node::{
    Block, BlockHelper, Node, Param, Partial, Path, PathKind, Pos, Sub, SubHelper, Template,
};

/// Why a template did not render, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    pub pos: Option<Pos>,
    pub message: String,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(
                f,
                "line {}, column {}: {}",
                pos.line, pos.column, self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RenderError {}

fn error(pos: Pos, message: impl Into<String>) -> RenderError {
    RenderError {
        pos: Some(pos),
        message: message.into(),
    }
}

/// Shared partials by name, usable as `{{> name}}` from every template.
pub type Partials = [(&'static str, Template)];

/// How deep partials may nest before rendering stops (a partial that includes itself).
const MAX_PARTIAL_DEPTH: usize = 32;

/// Renders `template` over `data` (converted to [`Data`] first: for tests and tools; a generation
/// converts its model once and calls [`render_data`]).
pub fn render(
    template: Template,
    data: &Value,
    partials: &Partials,
) -> Result<String, RenderError> {
    render_data(template, &Data::from(data), partials)
}

/// Renders `template` over `data`.
pub fn render_data(
    template: Template,
    data: &Data,
    partials: &Partials,
) -> Result<String, RenderError> {
    let mut renderer = Renderer {
        root: data,
        scopes: vec![Scope {
            this: data,
            locals: None,
            inline: Vec::new(),
        }],
        partials,
        out: String::with_capacity(4096),
        trailing_newline: false,
        content_produced: false,
        indent_before_write: false,
        indent: None,
        depth: 0,
    };
    renderer.template(template)?;
    Ok(renderer.out)
}

/// The local variables of an `#each` iteration.
#[derive(Debug, Clone, Copy)]
struct Locals<'a> {
    index: usize,
    first: bool,
    last: bool,
    key: Option<&'a str>,
}

/// handlebars' block context: the current value, the loop variables, inline partials.
struct Scope<'a> {
    this: &'a Data,
    locals: Option<Locals<'a>>,
    inline: Vec<(&'static str, Template)>,
}

/// A value a parameter evaluates to.
enum Val<'a> {
    Ref(&'a Data),
    Owned(Data),
    Missing,
}

static NULL: Data = Data::Null;

impl Val<'_> {
    fn value(&self) -> &Data {
        match self {
            Val::Ref(value) => value,
            Val::Owned(value) => value,
            Val::Missing => &NULL,
        }
    }
}

struct Renderer<'a, 'p> {
    root: &'a Data,
    /// Innermost last.
    scopes: Vec<Scope<'a>>,
    partials: &'p Partials,
    out: String,
    trailing_newline: bool,
    content_produced: bool,
    indent_before_write: bool,
    indent: Option<String>,
    depth: usize,
}

impl<'a> Renderer<'a, '_> {
    fn template(&mut self, template: Template) -> Result<(), RenderError> {
        for node in template {
            match node {
                Node::Text(text) => self.write(text),
                Node::Value(path) => {
                    let value = self.path(path)?;
                    if matches!(value, Val::Missing) {
                        return Err(error(path.pos, format!("`{}` is missing", path.raw)));
                    }
                    let text = render_json(value.value());
                    self.write(&text);
                }
                Node::Block(block) => {
                    let indent_before_write = self.indent_before_write
                        || (block.indent_before_write && self.trailing_newline);
                    self.indent_aware(indent_before_write, |r| r.block(block))?;
                }
                Node::Partial(partial) => self.partial(partial)?,
                Node::Inline { name, body } => {
                    self.scopes
                        .last_mut()
                        .expect("a scope")
                        .inline
                        .push((name, body));
                }
            }
        }
        Ok(())
    }

    /// handlebars-rust's `indent_aware_write`.
    fn write(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.content_produced = true;
        if let Some(indent) = &self.indent {
            if self.indent_before_write && !text.starts_with(['\n', '\r']) {
                self.out.push_str(indent);
            }
            let mut lines = text.split_inclusive('\n').peekable();
            while let Some(line) = lines.next() {
                self.out.push_str(line);
                if line.ends_with('\n') && lines.peek().is_some() {
                    self.out.push_str(indent);
                }
            }
        } else {
            self.out.push_str(text);
        }
        self.trailing_newline = text.ends_with(['\n', '\r']);
        self.indent_before_write = self.trailing_newline;
    }

    /// handlebars-rust's bookkeeping around a helper or partial call.
    fn indent_aware(
        &mut self,
        indent_before_write: bool,
        call: impl FnOnce(&mut Self) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        let indent_before = self.indent_before_write;
        let content_before = self.content_produced;
        self.content_produced = false;
        self.indent_before_write = indent_before_write;
        call(self)?;
        if self.content_produced {
            self.indent_before_write = self.trailing_newline;
        } else {
            self.content_produced = content_before;
            self.indent_before_write = indent_before;
        }
        Ok(())
    }

    fn block(&mut self, block: &'static Block) -> Result<(), RenderError> {
        let value = self.param(&block.param)?;
        match block.helper {
            BlockHelper::If | BlockHelper::Unless => {
                let truthy = is_truthy(value.value()) == (block.helper == BlockHelper::If);
                self.branch(if truthy {
                    Some(block.body)
                } else {
                    block.inverse
                })
            }
            BlockHelper::Each => {
                let Val::Ref(value) = value else {
                    return self.missing(block);
                };
                match value {
                    Data::Array(items) if !items.is_empty() || block.inverse.is_none() => self
                        .iterate(
                            block.body,
                            items.iter().map(|item| (None, item)),
                            items.len(),
                        ),
                    Data::Object(map) if !map.is_empty() || block.inverse.is_none() => self
                        .iterate(
                            block.body,
                            map.iter().map(|(key, item)| (Some(key.as_ref()), item)),
                            map.len(),
                        ),
                    _ => self.missing(block),
                }
            }
            BlockHelper::With => {
                let Val::Ref(value) = value else {
                    return self.missing(block);
                };
                if !is_truthy(value) {
                    return self.missing(block);
                }
                let locals = self.scopes.last().and_then(|scope| scope.locals);
                self.scopes.push(Scope {
                    this: value,
                    locals,
                    inline: Vec::new(),
                });
                let result = self.template(block.body);
                self.scopes.pop();
                result
            }
        }
    }

    fn branch(&mut self, template: Option<Template>) -> Result<(), RenderError> {
        match template {
            Some(template) => self.template(template),
            None => Ok(()),
        }
    }

    /// `#each`/`#with` over nothing it can use: the `{{else}}`, or a strict-mode error.
    fn missing(&mut self, block: &'static Block) -> Result<(), RenderError> {
        if let Some(inverse) = block.inverse {
            return self.template(inverse);
        }
        let raw = match &block.param {
            Param::Path(path) => path.raw,
            _ => "its parameter",
        };
        Err(error(
            block.pos,
            format!(
                "`#{}` over `{raw}`, which is missing, empty or cannot be iterated",
                block.helper.name()
            ),
        ))
    }

    /// One scope for the whole loop, updated per item (inline partials defined in one iteration
    /// stay visible in the next, as in handlebars-rust).
    fn iterate(
        &mut self,
        body: Template,
        items: impl Iterator<Item = (Option<&'a str>, &'a Data)>,
        len: usize,
    ) -> Result<(), RenderError> {
        self.scopes.push(Scope {
            this: &NULL,
            locals: None,
            inline: Vec::new(),
        });
        for (index, (key, item)) in items.enumerate() {
            let scope = self.scopes.last_mut().expect("the loop scope");
            scope.this = item;
            scope.locals = Some(Locals {
                index,
                first: index == 0,
                last: index + 1 == len,
                key,
            });
            if let Err(e) = self.template(body) {
                self.scopes.pop();
                return Err(e);
            }
        }
        self.scopes.pop();
        Ok(())
    }

    fn partial(&mut self, partial: &'static Partial) -> Result<(), RenderError> {
        let template = self
            .scopes
            .iter()
            .rev()
            .find_map(|scope| {
                scope
                    .inline
                    .iter()
                    .rev()
                    .find(|(name, _)| *name == partial.name)
                    .map(|(_, body)| *body)
            })
            .or_else(|| {
                self.partials
                    .iter()
                    .find(|(name, _)| *name == partial.name)
                    .map(|(_, body)| *body)
            })
            .ok_or_else(|| {
                error(
                    partial.pos,
                    format!("the partial `{}` does not exist", partial.name),
                )
            })?;
        if self.depth == MAX_PARTIAL_DEPTH {
            return Err(error(
                partial.pos,
                format!("partials nest deeper than {MAX_PARTIAL_DEPTH} levels"),
            ));
        }
        let indent_before_write =
            partial.indent_before_write && (self.trailing_newline || partial.indent.is_some());
        let indent = match (&self.indent, partial.indent) {
            (None, None) => None,
            (Some(outer), None) => Some(outer.clone()),
            (None, Some(own)) => Some(own.to_owned()),
            (Some(outer), Some(own)) => Some(format!("{outer}{own}")),
        };
        self.indent_aware(indent_before_write, |r| {
            let scope = r.scopes.last().expect("a scope");
            let (this, locals) = (scope.this, scope.locals);
            r.scopes.push(Scope {
                this,
                locals,
                inline: Vec::new(),
            });
            let outer_indent = std::mem::replace(&mut r.indent, indent);
            r.depth += 1;
            let result = r.template(template);
            r.depth -= 1;
            r.indent = outer_indent;
            r.scopes.pop();
            result
        })
    }

    fn param(&mut self, param: &'static Param) -> Result<Val<'a>, RenderError> {
        Ok(match param {
            Param::Path(path) => self.path(path)?,
            Param::Str(text) => Val::Owned(Data::String((*text).to_owned())),
            Param::Int(number) => Val::Owned(Data::from(*number)),
            Param::Bool(flag) => Val::Owned(Data::Bool(*flag)),
            Param::Null => Val::Owned(Data::Null),
            Param::Sub(sub) => Val::Owned(self.sub(sub)?),
        })
    }

    fn sub(&mut self, sub: &'static Sub) -> Result<Data, RenderError> {
        let mut values = Vec::with_capacity(sub.params.len());
        for param in sub.params {
            values.push(self.param(param)?);
        }
        let strict = |index: usize| -> Result<&Data, RenderError> {
            match &values[index] {
                Val::Missing => Err(RenderError {
                    pos: None,
                    message: format!("`{}`: parameter {index} is missing", sub.helper.name()),
                }),
                value => Ok(value.value()),
            }
        };
        let compare = |expected: fn(Ordering) -> bool| -> Result<Data, RenderError> {
            let ordering = compare_json(strict(0)?, strict(1)?);
            Ok(Data::Bool(ordering.is_some_and(expected)))
        };
        Ok(match sub.helper {
            SubHelper::Eq => Data::Bool(strict(0)? == strict(1)?),
            SubHelper::Ne => Data::Bool(strict(0)? != strict(1)?),
            SubHelper::Lt => compare(Ordering::is_lt)?,
            SubHelper::Gt => compare(Ordering::is_gt)?,
            SubHelper::Lte => compare(Ordering::is_le)?,
            SubHelper::Gte => compare(Ordering::is_ge)?,
            SubHelper::And => Data::Bool(values.iter().all(|v| is_truthy(v.value()))),
            SubHelper::Or => Data::Bool(values.iter().any(|v| is_truthy(v.value()))),
            SubHelper::Not => Data::Bool(!is_truthy(strict(0)?)),
            SubHelper::Len => Data::from(match strict(0)? {
                Data::Array(items) => items.len(),
                Data::Object(map) => map.len(),
                Data::String(text) => text.len(),
                _ => 0,
            }),
        })
    }

    fn path(&self, path: &Path) -> Result<Val<'a>, RenderError> {
        match &path.kind {
            PathKind::Local { up, name } => {
                let Some(scope) = self
                    .scopes
                    .len()
                    .checked_sub(up + 1)
                    .map(|i| &self.scopes[i])
                else {
                    return Ok(Val::Missing);
                };
                let Some(locals) = scope.locals else {
                    return Ok(Val::Missing);
                };
                Ok(match *name {
                    "index" => Val::Owned(Data::from(locals.index)),
                    "first" => Val::Owned(Data::Bool(locals.first)),
                    "last" => Val::Owned(Data::Bool(locals.last)),
                    "key" => match locals.key {
                        Some(key) => Val::Owned(Data::String(key.to_owned())),
                        None => Val::Missing,
                    },
                    _ => Val::Missing,
                })
            }
            PathKind::Context { up, root, segments } => {
                let mut value = if *root {
                    self.root
                } else {
                    // handlebars-rust: `../` beyond the outermost block means the innermost one
                    let innermost = self.scopes.len() - 1;
                    self.scopes[innermost.checked_sub(*up).unwrap_or(innermost)].this
                };
                for segment in *segments {
                    let next = match value {
                        Data::Object(map) => field(map, segment),
                        Data::Array(items) => {
                            let index: usize = segment.parse().map_err(|_| {
                                error(
                                    path.pos,
                                    format!(
                                        "`{}`: `{segment}` is not an index into a list",
                                        path.raw
                                    ),
                                )
                            })?;
                            items.get(index)
                        }
                        _ => None,
                    };
                    match next {
                        Some(next) => value = next,
                        None => return Ok(Val::Missing),
                    }
                }
                Ok(Val::Ref(value))
            }
        }
    }
}

/// handlebars-rust's truthiness (`includeZero` off).
fn is_truthy(value: &Data) -> bool {
    match value {
        Data::Bool(flag) => *flag,
        Data::Number(number) => number.as_f64().is_some_and(f64::is_normal),
        Data::Null => false,
        Data::String(text) => !text.is_empty(),
        Data::Array(items) => !items.is_empty(),
        Data::Object(map) => !map.is_empty(),
    }
}

/// handlebars-rust's `{{value}}` text.
fn render_json(value: &Data) -> std::borrow::Cow<'_, str> {
    match value {
        Data::String(text) => std::borrow::Cow::Borrowed(text),
        Data::Bool(flag) => std::borrow::Cow::Borrowed(if *flag { "true" } else { "false" }),
        Data::Number(number) => std::borrow::Cow::Owned(number.to_string()),
        Data::Null => std::borrow::Cow::Borrowed(""),
        Data::Array(items) => std::borrow::Cow::Owned(format!(
            "[{}]",
            items.iter().map(render_json).collect::<Vec<_>>().join(", ")
        )),
        Data::Object(_) => std::borrow::Cow::Borrowed("[object]"),
    }
}

/// handlebars-rust's ordering for `lt`/`gt`/…: numbers, strings, booleans, a number and a
/// numeric string; anything else is unordered.
fn compare_json(x: &Data, y: &Data) -> Option<Ordering> {
    fn numbers(a: &serde_json::Number, b: &serde_json::Number) -> Option<Ordering> {
        match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
            (Some(a), Some(b), _, _) => Some(a.cmp(&b)),
            (_, _, Some(a), Some(b)) => Some(a.cmp(&b)),
            (Some(_), None, _, Some(_)) => Some(Ordering::Less),
            (None, Some(_), Some(_), _) => Some(Ordering::Greater),
            _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
        }
    }
    match (x, y) {
        (Data::Number(a), Data::Number(b)) => numbers(a, b),
        (Data::String(a), Data::String(b)) => Some(a.cmp(b)),
        (Data::Bool(a), Data::Bool(b)) => Some(a.cmp(b)),
        (Data::Number(a), Data::String(b)) => numbers(a, &b.parse().ok()?),
        (Data::String(a), Data::Number(b)) => numbers(&a.parse().ok()?, b).map(Ordering::reverse),
        _ => None,
    }
}

/// `map[key]` by comparing keys in order: the model's objects are small (a few dozen keys at most),
/// and a hash map would hash every looked-up key first, which costs more than comparing lengths
/// and the odd equal-length key (issue 15: ~2 M instructions per generation with serde_json's).
fn field<'v>(map: &'v [(super::data::Key, Data)], key: &str) -> Option<&'v Data> {
    map.iter()
        .find_map(|(name, value)| (name == key).then_some(value))
}
