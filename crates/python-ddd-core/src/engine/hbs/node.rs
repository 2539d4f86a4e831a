//! A parsed template as static data: `build.rs` writes the templates in this form, so running the
//! binary parses nothing. The shapes mirror `syntax.rs`'s owned tree, with `&'static` slices.

pub use super::syntax::{BlockHelper, SubHelper};

/// A position in a template (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A template: its elements, in order.
pub type Template = &'static [Node];

#[derive(Debug)]
pub enum Node {
    /// Literal text (never empty).
    Text(&'static str),
    /// `{{path}}`.
    Value(Path),
    Block(Block),
    Partial(Partial),
    /// `{{#*inline "name"}}body{{/inline}}`.
    Inline {
        name: &'static str,
        body: Template,
    },
}

#[derive(Debug)]
pub struct Path {
    /// As written, for errors.
    pub raw: &'static str,
    pub kind: PathKind,
    pub pos: Pos,
}

#[derive(Debug)]
pub enum PathKind {
    Context {
        up: usize,
        root: bool,
        segments: &'static [&'static str],
    },
    Local {
        up: usize,
        name: &'static str,
    },
}

#[derive(Debug)]
pub struct Block {
    pub helper: BlockHelper,
    pub param: Param,
    pub body: Template,
    pub inverse: Option<Template>,
    pub indent_before_write: bool,
    pub pos: Pos,
}

#[derive(Debug)]
pub struct Partial {
    pub name: &'static str,
    pub indent: Option<&'static str>,
    pub indent_before_write: bool,
    pub pos: Pos,
}

#[derive(Debug)]
pub enum Param {
    Path(Path),
    Str(&'static str),
    Int(i64),
    Bool(bool),
    Null,
    Sub(Sub),
}

#[derive(Debug)]
pub struct Sub {
    pub helper: SubHelper,
    pub params: &'static [Param],
}
