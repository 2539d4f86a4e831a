//! The handlebars subset the templates use, parsed into an owned tree. Shared by `build.rs` (which
//! parses every template when the binary is built and emits the tree as static data, see
//! `codegen.rs`) and the crate's tests (which parse template strings on the fly); std only.
//!
//! Whitespace follows handlebars-rust 6 byte for byte, because the generated code must not change
//! when the engine does: a line holding only a block tag, `{{else}}`, a comment or a partial is
//! removed with its newline (a partial is indented by the whitespace before it), and `~` strips
//! the whitespace beside a tag.
//! The equivalence tests compare this with handlebars-rust on every template and random ones.
//!
//! Supported: `{{path}}` (`a.b`, `a/b`, `this`, `../a`, `@root.a`, `a.[0]`, `@index`, `@first`,
//! `@last`, `@key`), blocks `#if` `#unless` `#each` `#with` with `{{else}}` and `{{else if …}}`,
//! subexpressions of `eq ne lt gt lte gte and or not len`, string / integer / `true` / `false` /
//! `null` literals, inline partials `{{#*inline "x"}}…{{/inline}}`, partials `{{> x}}`, comments
//! and `~`. Anything else is an error naming the line and column, so a template that uses it fails
//! the build instead of rendering differently.

use std::fmt;

/// A parse error: what is wrong and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SyntaxError {}

/// A position in a template (1-based), kept for render errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// One element of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// Literal text, already trimmed as handlebars trims it.
    Text(String),
    /// A comment: renders nothing, but counts as an element for the trimming rules.
    Comment,
    /// `{{path}}`.
    Value(PathExpr),
    Block(Box<Block>),
    Partial(Partial),
    /// `{{#*inline "name"}}…{{/inline}}`: defines a partial where it is rendered.
    Inline {
        name: String,
        body: Vec<Element>,
    },
}

/// The block helpers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockHelper {
    If,
    Unless,
    Each,
    With,
}

impl BlockHelper {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "if" => Self::If,
            "unless" => Self::Unless,
            "each" => Self::Each,
            "with" => Self::With,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::If => "if",
            Self::Unless => "unless",
            Self::Each => "each",
            Self::With => "with",
        }
    }
}

/// `{{#helper param}}body{{else}}inverse{{/helper}}`; `{{else if …}}` nests a block in `inverse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub helper: BlockHelper,
    pub param: Param,
    pub body: Vec<Element>,
    pub inverse: Option<Vec<Element>>,
    /// The opening tag stands alone on its line (handlebars' partial indentation uses it).
    pub indent_before_write: bool,
    pub pos: Pos,
}

/// `{{> name}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    pub name: String,
    /// The spaces and tabs before the tag: every line the partial renders is indented by them.
    pub indent: Option<String>,
    pub indent_before_write: bool,
    pub pos: Pos,
}

/// A helper parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Path(PathExpr),
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    Sub(Box<Sub>),
}

/// The helpers usable in subexpressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubHelper {
    Eq,
    Ne,
    Lt,
    Gt,
    Lte,
    Gte,
    And,
    Or,
    Not,
    Len,
}

impl SubHelper {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "lt" => Self::Lt,
            "gt" => Self::Gt,
            "lte" => Self::Lte,
            "gte" => Self::Gte,
            "and" => Self::And,
            "or" => Self::Or,
            "not" => Self::Not,
            "len" => Self::Len,
            _ => return None,
        })
    }

    /// How many parameters it takes: `(min, max)`.
    fn arity(self) -> (usize, usize) {
        match self {
            Self::Eq | Self::Ne | Self::Lt | Self::Gt | Self::Lte | Self::Gte => (2, 2),
            Self::And | Self::Or => (1, usize::MAX),
            Self::Not | Self::Len => (1, 1),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Lt => "lt",
            Self::Gt => "gt",
            Self::Lte => "lte",
            Self::Gte => "gte",
            Self::And => "and",
            Self::Or => "or",
            Self::Not => "not",
            Self::Len => "len",
        }
    }
}

/// `(helper params…)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sub {
    pub helper: SubHelper,
    pub params: Vec<Param>,
}

/// A path into the data, as written (`raw`) and resolved into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathExpr {
    pub raw: String,
    pub kind: PathKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathKind {
    /// `../../a.b`: `up` block levels out (or from the root), then the named steps.
    Context {
        up: usize,
        root: bool,
        segments: Vec<String>,
    },
    /// `@index`, `@../first`: a block's local variable.
    Local { up: usize, name: String },
}

/// Parses a template. `is_partial`: the template is a shared partial, whose last line is not
/// treated as ending in a newline (handlebars registers partials that way).
pub fn parse(source: &str, is_partial: bool) -> Result<Vec<Element>, SyntaxError> {
    Parser {
        source,
        is_partial,
        omit_pro_ws: false,
        trim_line_required: false,
        frames: vec![Frame {
            open: Open::Root,
            elements: Vec::new(),
        }],
    }
    .run()
}

/// Every partial name `elements` renders with `{{> name}}` (inline ones included), with where.
pub fn partial_references(elements: &[Element], found: &mut Vec<(String, Pos)>) {
    for element in elements {
        match element {
            Element::Partial(partial) => found.push((partial.name.clone(), partial.pos)),
            Element::Block(block) => {
                partial_references(&block.body, found);
                if let Some(inverse) = &block.inverse {
                    partial_references(inverse, found);
                }
            }
            Element::Inline { body, .. } => partial_references(body, found),
            Element::Text(_) | Element::Comment | Element::Value(_) => {}
        }
    }
}

/// Every inline partial `elements` defines.
pub fn inline_names(elements: &[Element], found: &mut Vec<String>) {
    for element in elements {
        match element {
            Element::Inline { name, body } => {
                found.push(name.clone());
                inline_names(body, found);
            }
            Element::Block(block) => {
                inline_names(&block.body, found);
                if let Some(inverse) = &block.inverse {
                    inline_names(inverse, found);
                }
            }
            Element::Text(_) | Element::Comment | Element::Value(_) | Element::Partial(_) => {}
        }
    }
}

/// What an open frame is waiting to close.
enum Open {
    Root,
    Block {
        /// `(helper, param, indent_before_write, pos)` of the opening tag and of each `{{else if}}`,
        /// with the finished body of each but the current one.
        sections: Vec<(BlockHelper, Param, bool, Pos, Vec<Element>)>,
        /// The body of the `{{else}}` section is the current one.
        in_else: bool,
    },
    Inline {
        name: String,
    },
}

struct Frame {
    open: Open,
    /// The elements of the section being parsed (handlebars' current template).
    elements: Vec<Element>,
}

/// A tag, split into its parts.
struct Tag {
    start: usize,
    end: usize,
    omit_pre: bool,
    omit_pro: bool,
    inner_start: usize,
}

struct Parser<'s> {
    source: &'s str,
    is_partial: bool,
    /// The last tag ended in `~}}`: the next text loses its leading whitespace.
    omit_pro_ws: bool,
    /// The last tag stood alone on its line: the next text loses the rest of that line.
    trim_line_required: bool,
    frames: Vec<Frame>,
}

fn is_pest_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_symbol_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$' | ':') || !c.is_ascii()
}

impl Parser<'_> {
    fn run(mut self) -> Result<Vec<Element>, SyntaxError> {
        let source = self.source;
        let mut pos = 0;
        let mut after_tag = false;
        while pos < source.len() {
            let Some(offset) = source[pos..].find("{{") else {
                self.text_after(&source[pos..], after_tag);
                break;
            };
            let start = pos + offset;
            if start > pos {
                self.text_after(&source[pos..start], after_tag);
            }
            pos = self.tag(start)?;
            after_tag = true;
        }
        if self.frames.len() > 1 {
            let frame = self.frames.last().expect("a frame");
            let what = match &frame.open {
                Open::Block { sections, .. } => format!("{{{{#{}}}}}", sections[0].0.name()),
                Open::Inline { .. } => "{{#*inline}}".to_owned(),
                Open::Root => unreachable!(),
            };
            return Err(self.error(source.len(), format!("{what} is never closed")));
        }
        Ok(self.frames.pop().expect("the root frame").elements)
    }

    fn error(&self, at: usize, message: impl Into<String>) -> SyntaxError {
        let before = &self.source[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        SyntaxError {
            line,
            column,
            message: message.into(),
        }
    }

    fn pos(&self, at: usize) -> Pos {
        let e = self.error(at, "");
        Pos {
            line: e.line,
            column: e.column,
        }
    }

    fn elements(&mut self) -> &mut Vec<Element> {
        &mut self.frames.last_mut().expect("a frame").elements
    }

    fn push(&mut self, element: Element) {
        self.elements().push(element);
    }

    /// Text up to the next tag or the end. handlebars-rust's pest grammar skips whitespace after a
    /// tag and then adds it back as text, except after `~}}`, where it is dropped and a pending
    /// standalone-line trim stays pending for the next text.
    fn text_after(&mut self, text: &str, after_tag: bool) {
        if !(after_tag && self.omit_pro_ws && text.chars().all(is_pest_whitespace)) {
            self.text(text);
        }
    }

    /// Text between tags, trimmed by the previous tag's `~` or standalone line.
    fn text(&mut self, text: &str) {
        let trimmed = if self.omit_pro_ws {
            text.trim_start()
        } else if self.trim_line_required {
            let rest = text.trim_start_matches(is_blank);
            rest.strip_prefix("\r\n")
                .or_else(|| rest.strip_prefix('\n'))
                .unwrap_or(rest)
        } else {
            text
        };
        self.trim_line_required = false;
        self.push(Element::Text(trimmed.to_owned()));
    }

    /// `{{~`: the previous text loses its trailing whitespace.
    fn remove_previous_whitespace(&mut self) {
        if let Some(Element::Text(text)) = self.elements().last_mut() {
            let kept = text.trim_end().len();
            text.truncate(kept);
        }
    }

    /// Whether the tag stands alone on its line; if it does, the blanks before it go.
    fn standalone(&mut self, tag: &Tag) -> bool {
        let continuation = &self.source[tag.end..];
        let with_trailing_newline = continuation
            .trim_start_matches(is_blank)
            .starts_with(['\n', '\r'])
            || (!self.is_partial && continuation.is_empty());
        if !with_trailing_newline {
            return false;
        }
        let before = self.source[..tag.start].trim_end_matches(is_blank);
        let with_leading_newline = before.ends_with(['\n', '\r']) || before.is_empty();
        if with_leading_newline && let Some(Element::Text(text)) = self.elements().last_mut() {
            let kept = text.trim_end_matches(is_blank).len();
            text.truncate(kept);
        }
        tag.start == 0 || with_leading_newline
    }

    /// Parses the tag at `start` and returns where it ends.
    fn tag(&mut self, start: usize) -> Result<usize, SyntaxError> {
        let source = self.source;
        let rest = &source[start..];
        if rest.starts_with("{{{") {
            return Err(self.error(
                start,
                "`{{{` (raw output or raw blocks) is not supported; write `{ {{~name}}` for a brace before a value",
            ));
        }
        if let Some(comment) = rest.strip_prefix("{{!") {
            let end = if let Some(close) = comment
                .strip_prefix("--")
                .and_then(|body| body.find("--}}"))
            {
                start + 5 + close + 4
            } else if let Some(close) = comment.find("}}") {
                start + 3 + close + 2
            } else {
                return Err(self.error(start, "unclosed comment"));
            };
            let tag = Tag {
                start,
                end,
                omit_pre: false,
                omit_pro: false,
                inner_start: start,
            };
            self.trim_line_required = self.standalone(&tag);
            self.push(Element::Comment);
            return Ok(end);
        }
        if start > 0 && source.as_bytes()[start - 1] == b'\\' {
            return Err(self.error(start - 1, "escaped `\\{{` is not supported"));
        }
        let Some(close) = rest[2..].find("}}") else {
            return Err(self.error(start, "unclosed `{{`"));
        };
        let end = start + 2 + close + 2;
        let mut inner = &source[start + 2..end - 2];
        let mut inner_start = start + 2;
        let strip_before = inner.starts_with('~');
        if strip_before {
            inner = &inner[1..];
            inner_start += 1;
        }
        let strip_after = inner.ends_with('~');
        if strip_after {
            inner = &inner[..inner.len() - 1];
        }
        let leading = inner.len() - inner.trim_start_matches(is_pest_whitespace).len();
        inner_start += leading;
        let inner = inner.trim_matches(is_pest_whitespace);
        let tag = Tag {
            start,
            end,
            omit_pre: strip_before,
            omit_pro: strip_after,
            inner_start,
        };
        if tag.omit_pre {
            self.remove_previous_whitespace();
        }
        self.omit_pro_ws = tag.omit_pro;

        if let Some(body) = inner.strip_prefix("#*") {
            self.open_inline(&tag, body)?;
        } else if let Some(body) = inner.strip_prefix('#') {
            if body.starts_with('>') {
                return Err(self.error(start, "partial blocks `{{#>` are not supported"));
            }
            self.open_block(&tag, body)?;
        } else if let Some(name) = inner.strip_prefix('/') {
            self.close(&tag, name.trim_matches(is_pest_whitespace))?;
        } else if let Some(name) = inner.strip_prefix('>') {
            self.partial(&tag, name.trim_matches(is_pest_whitespace))?;
        } else if inner == "else" || inner == "^" {
            self.invert(&tag, None)?;
        } else if let Some(chain) = inner.strip_prefix("else") {
            if !chain.starts_with(is_pest_whitespace) {
                return Err(self.error(
                    start,
                    "a value whose name starts with `else` is not supported",
                ));
            }
            self.invert(&tag, Some(chain))?;
        } else if inner.starts_with(['*', '&', '{', '^']) {
            return Err(self.error(start, format!("`{{{{{inner}}}}}` is not supported")));
        } else {
            let mut cursor = Cursor::new(self, inner, tag.inner_start);
            let path = cursor.path()?;
            cursor.skip_ws();
            if !cursor.at_end() {
                return Err(self.error(
                    start,
                    format!("`{{{{{inner}}}}}`: helpers outside `#if`/`#unless`/`#each`/`#with` and subexpressions are not supported"),
                ));
            }
            if let PathKind::Context {
                up: 0,
                root: false,
                segments,
            } = &path.kind
                && let [only] = segments.as_slice()
                && (SubHelper::parse(only).is_some()
                    || BlockHelper::parse(only).is_some()
                    || matches!(only.as_str(), "lookup" | "log" | "raw"))
            {
                return Err(self.error(
                    start,
                    format!("`{{{{{only}}}}}` names a helper, not a value"),
                ));
            }
            self.push(Element::Value(path));
        }
        Ok(end)
    }

    fn open_inline(&mut self, tag: &Tag, body: &str) -> Result<(), SyntaxError> {
        let mut cursor = Cursor::new(self, body, tag.inner_start + 2);
        let name = cursor.identifier()?;
        if name != "inline" {
            return Err(self.error(
                tag.start,
                format!("the decorator `{name}` is not supported"),
            ));
        }
        cursor.skip_ws();
        let Param::Str(partial) = cursor.param()? else {
            return Err(self.error(
                tag.start,
                "`{{#*inline}}` takes the partial's name as a string",
            ));
        };
        cursor.skip_ws();
        if !cursor.at_end() {
            return Err(self.error(tag.start, "`{{#*inline}}` takes one parameter"));
        }
        self.trim_line_required = self.standalone(tag);
        self.frames.push(Frame {
            open: Open::Inline { name: partial },
            elements: Vec::new(),
        });
        Ok(())
    }

    /// Parses `helper param` of a block tag or an `{{else helper param}}`.
    fn block_head(
        &self,
        tag: &Tag,
        text: &str,
        offset: usize,
    ) -> Result<(BlockHelper, Param), SyntaxError> {
        let mut cursor = Cursor::new(self, text, offset);
        let name = cursor.identifier()?;
        let Some(helper) = BlockHelper::parse(&name) else {
            return Err(self.error(
                tag.start,
                format!("the block helper `{name}` is not supported"),
            ));
        };
        cursor.skip_ws();
        let param = cursor.param()?;
        cursor.skip_ws();
        if !cursor.at_end() {
            return Err(self.error(
                tag.start,
                format!("`#{name}` takes exactly one parameter (no hash or block parameters)"),
            ));
        }
        if matches!(helper, BlockHelper::Each | BlockHelper::With)
            && !matches!(
                &param,
                Param::Path(PathExpr {
                    kind: PathKind::Context { .. },
                    ..
                })
            )
        {
            return Err(self.error(tag.start, format!("`#{name}` takes a path into the data")));
        }
        Ok((helper, param))
    }

    fn open_block(&mut self, tag: &Tag, body: &str) -> Result<(), SyntaxError> {
        let (helper, param) = self.block_head(tag, body, tag.inner_start + 1)?;
        self.trim_line_required = self.standalone(tag);
        let indent_before_write = self.trim_line_required && !tag.omit_pre;
        let pos = self.pos(tag.start);
        self.frames.push(Frame {
            open: Open::Block {
                sections: vec![(helper, param, indent_before_write, pos, Vec::new())],
                in_else: false,
            },
            elements: Vec::new(),
        });
        Ok(())
    }

    fn invert(&mut self, tag: &Tag, chain: Option<&str>) -> Result<(), SyntaxError> {
        let head = match chain {
            Some(chain) => {
                let offset = tag.inner_start + 4 + (chain.len() - chain.trim_start().len());
                Some(self.block_head(tag, chain.trim_start(), offset)?)
            }
            None => None,
        };
        self.trim_line_required = self.standalone(tag);
        let indent_before_write = self.trim_line_required && !tag.omit_pre;
        let pos = self.pos(tag.start);
        match &self.frames.last().expect("a frame").open {
            Open::Block { in_else: false, .. } => {}
            Open::Block { in_else: true, .. } => {
                return Err(self.error(tag.start, "a second `{{else}}` in one block"));
            }
            Open::Root | Open::Inline { .. } => {
                return Err(self.error(tag.start, "`{{else}}` outside a block"));
            }
        }
        let frame = self.frames.last_mut().expect("a frame");
        let body = std::mem::take(&mut frame.elements);
        let Open::Block { sections, in_else } = &mut frame.open else {
            unreachable!("checked above");
        };
        sections.last_mut().expect("a section").4 = body;
        match head {
            Some((helper, param)) => {
                sections.push((helper, param, indent_before_write, pos, Vec::new()));
            }
            None => *in_else = true,
        }
        Ok(())
    }

    fn close(&mut self, tag: &Tag, name: &str) -> Result<(), SyntaxError> {
        self.trim_line_required = self.standalone(tag);
        if self.frames.len() == 1 {
            return Err(self.error(tag.start, format!("`{{{{/{name}}}}}` closes nothing")));
        }
        let frame = self.frames.pop().expect("a frame");
        let element = match frame.open {
            Open::Root => unreachable!("the root frame is never popped here"),
            Open::Inline { name: partial } => {
                if !name.is_empty() && name != "inline" {
                    return Err(self.error(
                        tag.start,
                        format!("`{{{{/{name}}}}}` closes `{{{{#*inline}}}}`"),
                    ));
                }
                Element::Inline {
                    name: partial,
                    body: frame.elements,
                }
            }
            Open::Block {
                mut sections,
                in_else,
            } => {
                if name != sections[0].0.name() {
                    return Err(self.error(
                        tag.start,
                        format!(
                            "`{{{{/{name}}}}}` closes `{{{{#{}}}}}`",
                            sections[0].0.name()
                        ),
                    ));
                }
                let mut inverse = None;
                if in_else {
                    inverse = Some(frame.elements);
                } else {
                    sections.last_mut().expect("a section").4 = frame.elements;
                }
                // `{{#if a}}A{{else if b}}B{{else}}C{{/if}}` is `if a A else (if b B else C)`.
                let mut head = None;
                while let Some((helper, param, indent_before_write, pos, body)) = sections.pop() {
                    let block = Block {
                        helper,
                        param,
                        body,
                        inverse: inverse.take(),
                        indent_before_write,
                        pos,
                    };
                    if sections.is_empty() {
                        head = Some(block);
                    } else {
                        inverse = Some(vec![Element::Block(Box::new(block))]);
                    }
                }
                Element::Block(Box::new(head.expect("the opening section")))
            }
        };
        self.push(element);
        Ok(())
    }

    fn partial(&mut self, tag: &Tag, name: &str) -> Result<(), SyntaxError> {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
        if !valid {
            return Err(self.error(
                tag.start,
                format!("`{{{{> {name}}}}}`: only a partial name is supported (no context, hash or dynamic name)"),
            ));
        }
        self.trim_line_required = self.standalone(tag);
        let indent = if tag.omit_pre {
            None
        } else {
            let before = &self.source[..tag.start];
            let kept = before.trim_end_matches(is_blank).len();
            (kept < before.len()).then(|| before[kept..].to_owned())
        };
        let indent_before_write = self.trim_line_required && !tag.omit_pre;
        let pos = self.pos(tag.start);
        self.push(Element::Partial(Partial {
            name: name.to_owned(),
            indent,
            indent_before_write,
            pos,
        }));
        Ok(())
    }
}

/// Reads the inside of one tag.
struct Cursor<'p, 's> {
    parser: &'p Parser<'s>,
    text: &'p str,
    at: usize,
    /// Where `text` starts in the template, for errors.
    offset: usize,
}

impl<'p, 's> Cursor<'p, 's> {
    fn new(parser: &'p Parser<'s>, text: &'p str, offset: usize) -> Self {
        Self {
            parser,
            text,
            at: 0,
            offset,
        }
    }

    fn rest(&self) -> &'p str {
        &self.text[self.at..]
    }

    fn at_end(&self) -> bool {
        self.at == self.text.len()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches(is_pest_whitespace).len();
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        self.parser.error(self.offset + self.at, message)
    }

    fn identifier(&mut self) -> Result<String, SyntaxError> {
        let rest = self.rest();
        let len = rest.len() - rest.trim_start_matches(is_symbol_char).len();
        if len == 0 {
            return Err(self.error(format!("expected a name at `{rest}`")));
        }
        self.at += len;
        Ok(rest[..len].to_owned())
    }

    fn param(&mut self) -> Result<Param, SyntaxError> {
        let rest = self.rest();
        if rest.starts_with('(') {
            self.at += 1;
            self.skip_ws();
            let name = self.identifier()?;
            let Some(helper) = SubHelper::parse(&name) else {
                return Err(self.error(format!("the helper `{name}` is not supported")));
            };
            let mut params = Vec::new();
            loop {
                let before = self.at;
                self.skip_ws();
                if self.rest().starts_with(')') {
                    self.at += 1;
                    break;
                }
                if self.at_end() {
                    return Err(self.error("unclosed `(`"));
                }
                if self.at == before {
                    return Err(self.error("expected a space between parameters"));
                }
                params.push(self.param()?);
            }
            let (min, max) = helper.arity();
            if params.len() < min || params.len() > max {
                return Err(self.error(format!(
                    "`{name}` does not take {} parameters",
                    params.len()
                )));
            }
            return Ok(Param::Sub(Box::new(Sub { helper, params })));
        }
        if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let body = &rest[1..];
            let Some(close) = body.find(quote) else {
                return Err(self.error("unclosed string"));
            };
            let value = &body[..close];
            if value.contains('\\') {
                return Err(self.error("escapes in strings are not supported"));
            }
            self.at += close + 2;
            return Ok(Param::Str(value.to_owned()));
        }
        let word_len = rest.len()
            - rest
                .trim_start_matches(|c: char| !is_pest_whitespace(c) && c != ')' && c != '(')
                .len();
        let word = &rest[..word_len];
        let literal = match word {
            "true" => Some(Param::Bool(true)),
            "false" => Some(Param::Bool(false)),
            "null" => Some(Param::Null),
            _ if word.starts_with(|c: char| c.is_ascii_digit() || c == '-') => {
                let Ok(number) = word.parse::<i64>() else {
                    return Err(
                        self.error(format!("`{word}`: only integer literals are supported"))
                    );
                };
                Some(Param::Int(number))
            }
            _ => None,
        };
        if let Some(literal) = literal {
            self.at += word_len;
            return Ok(literal);
        }
        self.path().map(Param::Path)
    }

    /// A path: `this`, `a.b`, `a/b`, `../a`, `@root.a`, `a.[0]`, `@index`, `@../index`.
    fn path(&mut self) -> Result<PathExpr, SyntaxError> {
        let start = self.at;
        let pos = self.parser.pos(self.offset + self.at);
        let rest = self.rest();
        let mut up = 0;
        let mut root = false;
        let mut segments = Vec::new();
        let mut r = rest;
        if let Some(after) = r.strip_prefix("this").filter(|a| a.starts_with(['.', '/'])) {
            r = &after[1..];
        } else if let Some(after) = r.strip_prefix("./") {
            r = after;
        }
        if let Some(after) = r
            .strip_prefix("@root")
            .filter(|a| a.starts_with(['.', '/']))
        {
            root = true;
            r = &after[1..];
        }
        let local = if let Some(after) = r.strip_prefix('@') {
            r = after;
            true
        } else {
            false
        };
        while let Some(after) = r.strip_prefix("../") {
            up += 1;
            r = after;
        }
        loop {
            if let Some(after) = r.strip_prefix('[') {
                let Some(close) = after.find(']') else {
                    return Err(self.error("unclosed `[`"));
                };
                segments.push(after[..close].to_owned());
                r = &after[close + 1..];
            } else {
                let len = r.len() - r.trim_start_matches(is_symbol_char).len();
                if len == 0 {
                    return Err(self.error(format!("expected a name at `{r}`")));
                }
                segments.push(r[..len].to_owned());
                r = &r[len..];
            }
            match r.strip_prefix(['.', '/']) {
                Some(after) => r = after,
                None => break,
            }
        }
        self.at += rest.len() - r.len();
        let raw = self.text[start..self.at].to_owned();
        let kind = if local {
            if root || segments.len() != 1 {
                return Err(self.error(format!(
                    "`{raw}`: only `@name` and `@../name` are supported"
                )));
            }
            PathKind::Local {
                up,
                name: segments.pop().expect("one segment"),
            }
        } else {
            // `this` as a step means the current value (handlebars drops it).
            segments.retain(|segment| segment != "this");
            PathKind::Context { up, root, segments }
        };
        Ok(PathExpr { raw, kind, pos })
    }
}
