//! Between render and the last check: long generated Python lines put in a form `ruff format`
//! keeps, and the classification of the long lines that remain.
//!
//! The generated `pyproject.toml` makes the formatter the line-length authority (`E501` is not
//! selected): what must hold is that `ruff format --check` leaves every file as generated. Lines
//! the formatter cannot shorten — a dotted module path, a docstring or comment sentence, a string
//! literal — may be longer than [`MAX_LINE_COLUMNS`]; any other long line would be rewritten by the
//! formatter, so [`reflow`] rewrites it first and [`reformattable_long_lines`] finds any left.
//!
//! Only lines over the limit are touched, so short names give the templates' bytes. Rewrites:
//!
//! - `from m import a, b` becomes `from m import (` + one name per line + `)`: what ruff's isort
//!   and formatter both produce.
//! - A call, signature, subscript with several items or literal is exploded one item per line
//!   *with a trailing comma*. That is not always the layout ruff would pick for the line, but it
//!   is one ruff keeps whatever the lengths: a bracket ending in a "magic trailing comma" stays
//!   exploded. Items still too long are rewritten in turn.
//! - Where ruff parenthesises instead — a value whose `target = f(` head does not fit, an
//!   `assert` comparison, an item split before its operator (before every `|` of a longer union),
//!   a returned tuple, a long name or string value, an annotation before a literal default or
//!   before an already exploded bracket (`name: T | None = Field(`) — the line gets ruff's own
//!   layout. `except (A, B):` is exploded like a condition's brackets.
//!
//! Shapes ruff lays out its own way (a comprehension, a trailing comment, several operators of
//! one precedence, a bracket followed by more code) are left alone; if they are too long the
//! check refuses the input, and templates avoid them with short locals.

use crate::tree::Tree;

/// The generated code's line limit (`line-length` in the generated `pyproject.toml`).
pub const MAX_LINE_COLUMNS: usize = 100;

/// Rewrites the tree's Python files so that no line over [`MAX_LINE_COLUMNS`] is one `ruff format`
/// would split differently (see the module documentation).
pub fn reflow(tree: &mut Tree) {
    let candidates: Vec<String> = tree
        .paths()
        .filter(|path| is_python(path) && may_have_long_line(tree, path))
        .map(str::to_owned)
        .collect();
    // One file at a time, each rewrite replacing (and freeing) the text it was made from: the
    // long files are the largest ones, and holding every rewrite at once, as a copy besides, was
    // a second copy of most of the output at 1,000 fields (issue 15).
    for path in candidates {
        if let Some(reflowed) = tree.get(&path).and_then(reflow_file) {
            tree.insert(path, reflowed);
        }
    }
}

/// The file with its long lines exploded, or `None` when nothing changed.
fn reflow_file(content: &str) -> Option<String> {
    let mut out = String::with_capacity(content.len() + 64);
    let mut changed = false;
    let mut in_string = false;
    for line in content.lines() {
        let quotes = triple_quotes(line);
        let string_line = in_string || quotes > 0;
        if quotes % 2 == 1 {
            in_string = !in_string;
        }
        if string_line || line.len() <= MAX_LINE_COLUMNS {
            out.push_str(line); // fits (bytes ≥ columns), or inside a string: kept as it is
            out.push('\n');
            continue;
        }
        let mut lines = Vec::new();
        reflow_line(line, &mut lines);
        changed |= lines.len() != 1;
        for reflowed in lines {
            out.push_str(&reflowed);
            out.push('\n');
        }
    }
    changed.then_some(out)
}

/// Pushes `line`, exploded when it is over the limit and has a shape this module handles.
fn reflow_line(line: &str, out: &mut Vec<String>) {
    if columns(line) <= MAX_LINE_COLUMNS {
        out.push(line.to_owned());
        return;
    }
    if let Some(exploded) = exploded_import(line) {
        out.extend(exploded);
        return;
    }
    if let Some(lines) = annotation_before_open_bracket(line) {
        out.extend(lines);
        return;
    }
    let Some(split) = bracket_split(line) else {
        push_parenthesised(line, out);
        return;
    };
    let indent = indentation(line);
    if columns(split.head) > MAX_LINE_COLUMNS && line.trim_start().starts_with("assert ") {
        // `assert a == f(` does not fit: ruff splits at the operator instead.
        push_parenthesised(line, out);
        return;
    }
    if columns(split.head) > MAX_LINE_COLUMNS {
        // `target = value(` does not fit: ruff puts the value in parentheses on its own lines.
        if let Some((target, value)) = simple_assignment(line.trim_start()) {
            out.push(format!("{indent}{target} = ("));
            reflow_line(&format!("{indent}    {value}"), out);
            out.push(format!("{indent})"));
            return;
        }
    }
    out.push(split.head.to_owned());
    for item in split.items {
        reflow_line(&format!("{indent}    {item},"), out);
    }
    out.push(format!("{indent}{}", split.tail));
}

/// Pushes ruff's parenthesised layout of `line` (see [`parenthesised`]), or the line unchanged
/// when it has none (the check then decides whether the formatter could still split it).
fn push_parenthesised(line: &str, out: &mut Vec<String>) {
    match parenthesised(line) {
        Some(lines) => out.extend(lines),
        None => out.push(line.to_owned()),
    }
}

/// `target: A | B = value(` — the head of a bracket the template already exploded, with a union
/// annotation — as ruff lays it out when it does not fit: the annotation parenthesised on its own
/// line, `) = value(` after it.
fn annotation_before_open_bracket(line: &str) -> Option<Vec<String>> {
    let indent = indentation(line);
    let statement = line.trim_start();
    let value_start = statement.strip_suffix(['(', '[', '{'])?;
    if top_level_pairs(value_start)?
        .iter()
        .any(|(open, close)| close != &(open + 1))
    {
        return None;
    }
    let at = top_level_find(value_start, ": ")?;
    let (target, rest) = (&value_start[..at], &value_start[at + 2..]);
    let equals = top_level_find(rest, " = ")?;
    let (annotation, value) = (&rest[..equals], &rest[equals + 3..]);
    let union = annotation.contains(" | ") && annotation.split(" | ").all(is_dotted_name);
    if !(is_dotted_name(target) && union && is_dotted_name(value)) {
        return None;
    }
    let open = &statement[statement.len() - 1..];
    Some(vec![
        format!("{indent}{target}: ("),
        format!("{indent}    {annotation}"),
        format!("{indent}) = {value}{open}"),
    ])
}

/// `from m import a, b` (over the limit, not already parenthesised) as
/// `from m import (`, `    a,`, `    b,`, `)` at the line's indentation.
fn exploded_import(line: &str) -> Option<Vec<String>> {
    let indent = indentation(line);
    let statement = line.trim_start().strip_prefix("from ")?;
    let (module, names) = statement.split_once(" import ")?;
    if module.contains(char::is_whitespace) || names.contains(['(', ')', '#', '\\', ';']) {
        return None;
    }
    let mut exploded = vec![format!("{indent}from {module} import (")];
    exploded.extend(
        names
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| format!("{indent}    {name},")),
    );
    exploded.push(format!("{indent})"));
    Some(exploded)
}

/// A line cut at one bracket pair: `head` ends with the opening bracket, `items` are the
/// top-level comma-separated contents, `tail` starts with the closing bracket.
#[derive(Debug, PartialEq, Eq)]
struct Split<'a> {
    head: &'a str,
    items: Vec<&'a str>,
    tail: &'a str,
}

/// Words that, at the top level of a line, make ruff choose its own layout (operators,
/// conditionals, comprehensions, lambdas).
const OPERATORS: &[&str] = &[
    " == ", " != ", " < ", " > ", " <= ", " >= ", " and ", " or ", " not ", " in ", " is ", " if ",
    " else ", " for ", " + ", " - ", " * ", " / ", " // ", " % ", " | ", " & ", " ** ", "lambda",
    " := ",
];

/// Where to explode `line`: the parameter list of a `def`/`class`, otherwise the last top-level
/// bracket pair when nothing but `,` (an item of an enclosing exploded bracket) or, after
/// `if`/`elif`/`while`, `:` follows it.
fn bracket_split(line: &str) -> Option<Split<'_>> {
    let trimmed = line.trim_start();
    let pairs = top_level_pairs(line)?;
    let is_definition = ["def ", "async def ", "class "]
        .iter()
        .any(|keyword| trimmed.starts_with(keyword));
    let (open, close) = if is_definition {
        let &(open, close) = pairs
            .iter()
            .find(|(open, _)| line.as_bytes()[*open] == b'(')?;
        let after = &line[close + 1..];
        if !(after == ":" || after.starts_with(" -> ") && after.ends_with(':')) {
            return None;
        }
        (open, close)
    } else {
        // The last bracket with contents: trailing empty calls (`.build()`) stay after it.
        let &(open, close) = pairs.iter().rev().find(|(open, close)| *close > open + 1)?;
        let after = &line[close + 1..];
        let after = if is_empty_call_chain(after) {
            ""
        } else {
            after
        };
        let colon_ok = ["if ", "elif ", "while ", "except "]
            .iter()
            .any(|keyword| trimmed.starts_with(keyword));
        if !(after.is_empty() || after == "," || after == ":" && colon_ok) {
            return None;
        }
        let head = &line[line.len() - trimmed.len()..open];
        let head = [
            "if ", "elif ", "while ", "except ", "return ", "raise ", "await ", "assert ",
        ]
        .iter()
        .find_map(|keyword| head.strip_prefix(keyword))
        .unwrap_or(head);
        let flat_head = flat(head);
        let is_assert = trimmed.starts_with("assert ");
        // `assert a == f(x)`: ruff splits `f`'s bracket when `assert a == f(` fits.
        let operators_ok = is_assert && binary_split(&format!("{head}x"), true).is_some();
        if !operators_ok
            && OPERATORS
                .iter()
                .any(|operator| flat_head.contains(operator))
            || flat_head.contains(',')
        {
            return None;
        }
        (open, close)
    };
    // A subscript (`dict[K, V]`, `x[i]`).
    let subscript = line.as_bytes()[open] == b'['
        && line[..open]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ']' | ')'));
    let body = &line[open + 1..close];
    let items = top_level_items(body)?;
    // A one-item subscript's trailing comma would make it a tuple.
    if items.is_empty() || subscript && items.len() < 2 {
        return None;
    }
    Some(Split {
        head: &line[..=open],
        items,
        tail: &line[close..],
    })
}

/// Byte offsets of the line's top-level bracket pairs, in order; `None` when the line has a
/// comment, an unclosed bracket or string, or a backslash (shapes left to the check).
fn top_level_pairs(line: &str) -> Option<Vec<(usize, usize)>> {
    let mut pairs = Vec::new();
    let mut depth = 0usize;
    let mut open_at = 0;
    let mut quote: Option<u8> = None;
    for (index, byte) in line.bytes().enumerate() {
        if let Some(q) = quote {
            if byte == b'\\' {
                return None;
            }
            if byte == q {
                quote = None;
            }
            continue;
        }
        match byte {
            b'"' | b'\'' => quote = Some(byte),
            b'#' | b'\\' => return None,
            b'(' | b'[' | b'{' => {
                if depth == 0 {
                    open_at = index;
                }
                depth += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    pairs.push((open_at, index));
                }
            }
            _ => {}
        }
    }
    (depth == 0 && quote.is_none()).then_some(pairs)
}

/// The trimmed top-level comma-separated items of a bracket's contents; `None` for a
/// comprehension or generator (ruff splits those at `for`, not at commas).
fn top_level_items(body: &str) -> Option<Vec<&str>> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut start = 0;
    for (index, byte) in body.bytes().enumerate() {
        if let Some(q) = quote {
            if byte == q {
                quote = None;
            }
            continue;
        }
        match byte {
            b'"' | b'\'' => quote = Some(byte),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                items.push(body[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(body[start..].trim());
    items.retain(|item| !item.is_empty());
    let comprehension = items.iter().any(|item| flat(item).contains(" for "));
    (!comprehension).then_some(items)
}

/// `.name()` repeated (possibly zero times).
fn is_empty_call_chain(text: &str) -> bool {
    text.split_terminator("()").all(|call| {
        call.strip_prefix('.')
            .is_some_and(|name| is_dotted_name(name) && !name.contains('.'))
    }) && (text.is_empty() || text.ends_with("()"))
}

/// `target = value` with a plain target (a name, attribute or subscript).
fn simple_assignment(statement: &str) -> Option<(&str, &str)> {
    let at = top_level_find(statement, " = ")?;
    let target = &statement[..at];
    (!flat(target).contains([' ', ':', ','])).then(|| (target, &statement[at + 3..]))
}

/// Binary operators a long expression may split before, two-word ones first.
const BINARY: &[&str] = &[
    " is not ", " not in ", " == ", " != ", " is ", " in ", " or ", " and ", " | ",
];

/// Binary operators by binding, loosest first (Python's precedence); two-word ones first in
/// their group.
const PRIORITY: &[&[&str]] = &[
    &[" or "],
    &[" and "],
    &[
        " is not ", " not in ", " == ", " != ", " <= ", " >= ", " < ", " > ", " is ", " in ",
    ],
    &[" | "],
    &[" + ", " - "],
];

/// `a OP b` as (`a`, `OP b`) when OP is its only top-level operator and, unless `bracket_ok`, `b`
/// does not end with a non-empty bracket (ruff would split that bracket instead).
fn binary_split(expression: &str, bracket_ok: bool) -> Option<(&str, &str)> {
    let flat_expression = flat(expression);
    if flat_expression.contains(',') || flat_expression.contains("lambda") {
        return None;
    }
    // Split at the loosest-binding operator present; it must occur once (`a and b and c`, or
    // two comparisons, are laid out differently). Tighter ones (`+`) stay inside an operand.
    let group = PRIORITY
        .iter()
        .find(|group| group.iter().any(|op| flat_expression.contains(op)))?;
    let mut rest = flat_expression.clone();
    let mut count = 0;
    for op in *group {
        count += rest.matches(op).count();
        rest = rest.replace(op, " ");
    }
    if count != 1 || rest.contains(" not ") {
        return None;
    }
    let operator = group.iter().find(|op| flat_expression.contains(**op))?;
    let at = top_level_find(expression, operator)?;
    let (left, right) = (&expression[..at], expression[at..].trim_start());
    let bracketed = right.ends_with([')', ']', '}']) && !right.ends_with("()");
    (bracket_ok || !bracketed).then_some((left, right))
}

/// `a | b | c` (a union, `|` its loosest top-level operator, at least twice) as `a`, `| b`,
/// `| c`: where ruff breaks a long one. `None` when the last operand ends with a non-empty bracket
/// (ruff would split that bracket instead).
fn union_chain(expression: &str) -> Option<Vec<&str>> {
    let flat_expression = flat(expression);
    let looser = PRIORITY
        .iter()
        .take_while(|group| !group.contains(&" | "))
        .flat_map(|group| group.iter());
    if flat_expression.contains(',')
        || flat_expression.contains("lambda")
        || flat_expression.contains(" not ")
        || looser.into_iter().any(|op| flat_expression.contains(op))
        || flat_expression.matches(" | ").count() < 2
    {
        return None;
    }
    // Byte offsets of every top-level ` | `; each part after the first starts with its `|`.
    let mut cuts = Vec::new();
    let mut from = 0;
    while let Some(at) = top_level_find(&expression[from..], " | ") {
        cuts.push(from + at);
        from += at + 3;
    }
    let mut parts = vec![&expression[..*cuts.first()?]];
    for (index, &cut) in cuts.iter().enumerate() {
        let end = cuts.get(index + 1).copied().unwrap_or(expression.len());
        parts.push(&expression[cut + 1..end]);
    }
    let last = parts.last()?;
    let bracketed = last.ends_with([')', ']', '}']) && !last.ends_with("()");
    (!bracketed).then_some(parts)
}

/// The layouts ruff gives a long statement with no bracket to split, when its parts fit:
/// `assert (` + `a OP b` (or `a` and `OP b` on two lines) + `)`, when `b` does not end with a
/// bracket (ruff would split that instead); `target = (` + a name or string + `)`; and
/// `target: (` + an annotation without brackets + `)` (` = value` after it).
fn parenthesised(line: &str) -> Option<Vec<String>> {
    let indent = indentation(line);
    let statement = line.trim_start();
    top_level_pairs(line)?;
    let fits = |text: &str| columns(text) <= MAX_LINE_COLUMNS;
    if let Some(expression) = statement.strip_prefix("assert ") {
        let (left, right) = binary_split(expression, true)?;
        let one_line = format!("{indent}    {expression}");
        let mut out = vec![format!("{indent}assert (")];
        if fits(&one_line) {
            out.push(one_line);
        } else {
            reflow_line(&format!("{indent}    {left}"), &mut out);
            reflow_line(&format!("{indent}    {right}"), &mut out);
        }
        out.push(format!("{indent})"));
        return Some(out);
    }
    if let Some(value) = statement.strip_prefix("return ") {
        // `return a, b`: a tuple, parenthesised one item per line.
        if flat(value).contains(',') {
            let items = top_level_items(value)?;
            let mut out = vec![format!("{indent}return (")];
            for item in items {
                reflow_line(&format!("{indent}    {item},"), &mut out);
            }
            out.push(format!("{indent})"));
            return Some(out);
        }
        // `return "a long string"`: in parentheses when that makes it fit.
        let out = vec![
            format!("{indent}return ("),
            format!("{indent}    {value}"),
            format!("{indent})"),
        ];
        return (is_atoms(value) && out.iter().all(|line| fits(line))).then_some(out);
    }
    if let Some(item) = statement.strip_suffix(',') {
        // An item of an exploded bracket (`key=a or b,`, `a == b,`, `name: T | None = None,`):
        // ruff breaks before its operator, the operator starting the next line.
        // A union of three or more (`name: T | Unchanged | None = UNCHANGED,`) breaks before
        // every `|`.
        let parts = match binary_split(item, false) {
            Some((left, right)) => vec![left, right],
            None => union_chain(item)?,
        };
        let (last, operands) = parts.split_last()?;
        let mut out = Vec::new();
        for operand in operands {
            reflow_line(&format!("{indent}{operand}"), &mut out);
        }
        reflow_line(&format!("{indent}{last},"), &mut out);
        return Some(out);
    }
    if let Some(definition) = statement
        .strip_suffix(':')
        .and_then(|rest| rest.split_once("() -> "))
    {
        // `def name() -> Type:`: nothing to explode but the return annotation.
        let (head, annotation) = definition;
        let keyword = ["def ", "async def "].iter().any(|k| head.starts_with(k));
        if !(keyword && is_dotted_name(annotation)) {
            return None;
        }
        let out = vec![
            format!("{indent}{head}() -> ("),
            format!("{indent}    {annotation}"),
            format!("{indent}):"),
        ];
        return out.iter().all(|line| fits(line)).then_some(out);
    }
    if statement.ends_with(':') {
        return None;
    }
    if let Some((target, value)) = simple_assignment(statement)
        && is_atoms(value)
    {
        let out = vec![
            format!("{indent}{target} = ("),
            format!("{indent}    {value}"),
            format!("{indent})"),
        ];
        return out.iter().all(|line| fits(line)).then_some(out);
    }
    let at = top_level_find(statement, ": ")?;
    let (target, rest) = (&statement[..at], &statement[at + 2..]);
    let (annotation, value) = match top_level_find(rest, " = ") {
        Some(equals) => (&rest[..equals], &rest[equals..]),
        None => (rest, ""),
    };
    let simple_value = value.is_empty() || {
        let value = &value[3..];
        is_dotted_name(value) || is_plain_string(value) || value.parse::<i64>().is_ok()
    };
    if let Some(value) = value.strip_prefix(" = ") {
        // ruff parenthesises the value first, the annotation only when that does not fit.
        let out = vec![
            format!("{indent}{target}: {annotation} = ("),
            format!("{indent}    {value}"),
            format!("{indent})"),
        ];
        if is_dotted_name(target) && simple_value && out.iter().all(|line| fits(line)) {
            return Some(out);
        }
    }
    if let Some((name, contents)) = annotation
        .strip_suffix(']')
        .and_then(|rest| rest.split_once('['))
    {
        // `target: dict[K, V] = value`: ruff breaks inside the subscript.
        let out = vec![
            format!("{indent}{target}: {name}["),
            format!("{indent}    {contents}"),
            format!("{indent}]{value}"),
        ];
        let plain = is_dotted_name(target)
            && is_dotted_name(name)
            && flat(contents) == contents
            && contents.contains(", ");
        return (plain && out.iter().all(|line| fits(line))).then_some(out);
    }
    let simple_annotation = annotation.split(" | ").all(is_dotted_name);
    // ruff parenthesises a union annotation (`T | None`) whatever follows; a plain one only
    // before a literal default (`= None`) and when that fits; otherwise it leaves the line.
    let union = annotation.contains(" | ");
    let literal_value = value.is_empty() || is_literal(&value[3..]);
    if !(is_dotted_name(target) && simple_annotation && simple_value && (literal_value || union)) {
        return None;
    }
    let out = vec![
        format!("{indent}{target}: ("),
        format!("{indent}    {annotation}"),
        format!("{indent}){value}"),
    ];
    (union || out.iter().all(|line| fits(line))).then_some(out)
}

/// The byte offset of the first `pattern` in `text` outside brackets and string literals.
fn top_level_find(text: &str, pattern: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (index, byte) in text.bytes().enumerate() {
        if let Some(q) = quote {
            if byte == q {
                quote = None;
            }
            continue;
        }
        match byte {
            b'"' | b'\'' => quote = Some(byte),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ if depth == 0
                && text.is_char_boundary(index)
                && text[index..].starts_with(pattern) =>
            {
                return Some(index);
            }
            _ => {}
        }
    }
    None
}

/// The text outside brackets and string literals (what is at its top level).
fn flat(text: &str) -> String {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A line over [`MAX_LINE_COLUMNS`] that `ruff format` would rewrite: `(path, line number,
/// columns)` of each, in tree order. Long lines the formatter leaves alone are not listed: comments,
/// lines inside or opening a triple-quoted string, an import's module path (`from m import (`,
/// `import m`), a single name or string on its line in an exploded import, call or collection, and
/// a keyword argument whose value is one dotted name or a simple string (nothing to split at).
pub fn reformattable_long_lines(tree: &Tree) -> Vec<(&str, usize, usize)> {
    let mut long = Vec::new();
    for (path, content) in tree
        .iter()
        .filter(|(path, _)| is_python(path) && may_have_long_line(tree, path))
    {
        let mut in_string = false;
        let lines: Vec<&str> = content.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let quotes = triple_quotes(line);
            let string_line = in_string || quotes > 0;
            if quotes % 2 == 1 {
                in_string = !in_string;
            }
            if string_line || line.len() <= MAX_LINE_COLUMNS {
                continue; // fits (bytes ≥ columns), or inside a string
            }
            let width = columns(line);
            let left_operand = lines
                .get(index + 1)
                .is_some_and(|next| continues_an_operation(next) && is_atoms(line.trim()));
            if width > MAX_LINE_COLUMNS && !left_operand && !unsplittable(line) {
                long.push((path, index + 1, width));
            }
        }
    }
    long
}

/// A line that starts with a binary operator (`| None = None,`, `or b`): the one before it is the
/// left operand of an expression the formatter already broke, so an atom there stays as it is.
fn continues_an_operation(line: &str) -> bool {
    let line = line.trim_start();
    BINARY
        .iter()
        .any(|operator| line.starts_with(operator.trim_start()))
}

/// A (trimmed) line the formatter cannot shorten.
fn unsplittable(full_line: &str) -> bool {
    let indent = indentation(full_line);
    let line = full_line.trim();
    if line.starts_with('#') || line.starts_with("import ") {
        return true;
    }
    if let Some(module) = line
        .strip_prefix("from ")
        .and_then(|rest| rest.strip_suffix(" import ("))
    {
        return is_dotted_name(module);
    }
    // `== a.b.c` continuing a split comparison: nothing left to split.
    let operand = BINARY
        .iter()
        .find_map(|operator| line.strip_prefix(operator.trim_start()))
        .map(|rest| rest.trim_end_matches(','));
    if operand.is_some_and(is_atoms) {
        return true;
    }
    let too_long = |text: String| columns(&text) > MAX_LINE_COLUMNS;
    if let Some(value) = line.strip_prefix(") = ") {
        // The default after a parenthesised annotation.
        return is_atoms(value);
    }
    if let Some(item) = line.strip_suffix(',') {
        // An item of an exploded call, signature or collection: `name`, `key=value`,
        // `"key": value`, `name: Type = default`. ruff never parenthesises those parts.
        return is_atoms(item);
    }
    if let Some(head) = line.strip_suffix(['(', '[', '{']) {
        // The head of an exploded bracket inside another (`key=Name(`): nothing to split.
        let plain = !head.starts_with("return ")
            && !head.starts_with("assert ")
            && top_level_find(head, " = ").is_none();
        return plain && is_atoms(head);
    }
    if !is_atoms(line) {
        return false;
    }
    // Atoms only: ruff would parenthesise a value or annotation, but not when that does not fit.
    if let Some(value) = line.strip_prefix("return ") {
        return too_long(format!("{indent}    {value}"));
    }
    if let Some(at) = top_level_find(line, ": ") {
        let (target, rest) = (&line[..at], &line[at + 2..]);
        let (annotation, value) = match top_level_find(rest, " = ") {
            Some(equals) => (&rest[..equals], &rest[equals..]),
            None => (rest, ""),
        };
        let value_fits = value.strip_prefix(" = ").is_some_and(|value| {
            !too_long(format!("{indent}{target}: {annotation} = ("))
                && !too_long(format!("{indent}    {value}"))
        });
        let annotation_fits =
            (value.is_empty() || is_literal(&value[3..]) || annotation.contains(" | "))
                && !too_long(format!("{indent}{target}: ("))
                && !too_long(format!("{indent}    {annotation}"))
                && !too_long(format!("{indent}){value}"));
        return !value_fits && !annotation_fits;
    }
    if let Some(at) = top_level_find(line, " = ") {
        return too_long(format!("{indent}    {}", &line[at + 3..]));
    }
    false
}

/// Names, dotted names, strings, empty calls (`a.b().c`), joined by `=`, `: ` or ` = ` (a
/// keyword argument, dict item, annotation or default): nothing a formatter can split.
fn is_atoms(text: &str) -> bool {
    let Some(pairs) = top_level_pairs(text) else {
        return false;
    };
    let flat_text = flat(text);
    pairs.iter().all(|(open, close)| close == &(open + 1))
        && !OPERATORS
            .iter()
            .any(|operator| flat_text.contains(operator))
        && !flat_text.contains(',')
}

/// `None`, `True`, `False`, a number or a plain string.
fn is_literal(text: &str) -> bool {
    matches!(text, "None" | "True" | "False")
        || text.parse::<f64>().is_ok()
        || is_plain_string(text)
}

/// `a`, `a.b.c`: identifiers joined by dots.
fn is_dotted_name(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// `"…"` or `f"…"` with no other quote inside.
fn is_plain_string(text: &str) -> bool {
    let text = text.strip_prefix('f').unwrap_or(text);
    text.len() >= 2
        && text.starts_with('"')
        && text.ends_with('"')
        && !text[1..text.len() - 1].contains('"')
}

fn is_python(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("py"))
}

/// Whether some line of the file may be over [`MAX_LINE_COLUMNS`]: a line's bytes are at least its
/// columns, so a file whose lines all fit in bytes has no long line. The tree measured the longest
/// line when it took the file in, so almost every generated file skips the per-line scan, which
/// cost more than rendering did (docs/benchmarks.md).
fn may_have_long_line(tree: &Tree, path: &str) -> bool {
    tree.widest_line(path)
        .is_some_and(|widest| widest > MAX_LINE_COLUMNS)
}

/// How many `"""` the line holds (non-overlapping, as `str::matches` counts them); a line
/// without a `"` (most lines) is answered by one `memchr`.
fn triple_quotes(line: &str) -> usize {
    if line.as_bytes().contains(&b'"') {
        line.matches("\"\"\"").count()
    } else {
        0
    }
}

fn columns(line: &str) -> usize {
    line.chars().count()
}

/// The line's leading whitespace.
fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_module() -> String {
        format!("pkg.{}", "m".repeat(90))
    }

    fn reflowed(source: &str) -> String {
        reflow_file(source).unwrap_or_else(|| source.to_owned())
    }

    /// Each `(line, expected)`: the line alone in a file reflows to exactly `expected`.
    fn assert_reflows(cases: &[(String, String)]) {
        for (line, expected) in cases {
            assert_eq!(
                reflowed(&format!("{line}\n")),
                format!("{expected}\n"),
                "{line}"
            );
        }
    }

    /// Each line alone in a file is left as it is.
    fn assert_left_alone(lines: &[String]) {
        for line in lines {
            assert_eq!(reflow_file(&format!("{line}\n")), None, "{line}");
        }
    }

    #[test]
    fn explodes_only_imports_over_the_limit_at_their_indentation() {
        let module = long_module();
        let source = format!(
            "from a import B\nif TYPE_CHECKING:\n    from {module} import Cls, other as alias\nx = 1\n"
        );
        let expected = format!(
            "from a import B\nif TYPE_CHECKING:\n    from {module} import (\n        Cls,\n        \
             other as alias,\n    )\nx = 1\n"
        );
        assert_eq!(reflow_file(&source).as_deref(), Some(expected.as_str()));
        assert_eq!(reflow_file("from a import B\n"), None);
        let parenthesised = format!("from {module} import (\n    Cls,\n)\n");
        assert_eq!(reflow_file(&parenthesised), None);
    }

    #[test]
    fn explodes_long_calls_with_magic_trailing_commas_innermost_too() {
        let a = "a".repeat(50);
        let b = "b".repeat(60);
        let source = format!("        x = await f.get({a}, g({b}, key=\"{b}\"))\n");
        let expected = format!(
            "        x = await f.get(\n            {a},\n            g(\n                {b},\n                \
             key=\"{b}\",\n            ),\n        )\n"
        );
        assert_eq!(reflowed(&source), expected);
        // Short lines keep the template's bytes.
        assert_eq!(reflow_file("x = f(a, b)\n"), None);
    }

    #[test]
    fn explodes_a_signature_at_its_parameters_not_its_return_type() {
        let a = "a".repeat(50);
        let source = format!("    async def list(self, *, {a}: int) -> Sequence[{a}]:\n");
        let expected = format!(
            "    async def list(\n        self,\n        *,\n        {a}: int,\n    ) -> Sequence[{a}]:\n"
        );
        assert_eq!(reflowed(&source), expected);
    }

    #[test]
    fn leaves_shapes_ruff_lays_out_its_own_way() {
        let a = "a".repeat(60);
        assert_left_alone(&[
            format!("    x = [item for item in f({a}, {a})]"),
            format!("    x = f({a}, {a})  # why"),
            format!("    x = f({a}, {a}).attribute"),
            format!("    y = \"\"\"{a} {a}\"\"\""),
            format!("    with f({a}, {a}) as x:"),
        ]);
    }

    #[test]
    fn parenthesises_what_ruff_parenthesises() {
        let a = "a".repeat(45);
        let b = "b".repeat(45);
        let cases = [
            (
                format!("        assert x.{} == {}", &a[..40], &b[..40]),
                format!(
                    "        assert (\n            x.{} == {}\n        )",
                    &a[..40],
                    &b[..40]
                ),
            ),
            (
                format!("        assert x.{a} == {b}"),
                format!("        assert (\n            x.{a}\n            == {b}\n        )"),
            ),
            (
                format!("        assert x.{a} is not y.{b}"),
                format!("        assert (\n            x.{a}\n            is not y.{b}\n        )"),
            ),
            (
                format!("        self._seen[{a}.id] = {b}.{b}", b = &b[..40]),
                format!(
                    "        self._seen[{a}.id] = (\n            {b}.{b}\n        )",
                    b = &b[..40]
                ),
            ),
            (
                format!("    {a}: {b} | None = {b}.{a}"),
                format!("    {a}: (\n        {b} | None\n    ) = {b}.{a}"),
            ),
            (
                format!("    {a}: {b} | None = None"),
                format!("    {a}: (\n        {b} | None\n    ) = None"),
            ),
        ];
        assert_reflows(&cases);
        let cases = [
            (
                format!("        {a}_id = {b}_mapper.to_domain_id(record)"),
                format!(
                    "        {a}_id = (\n            {b}_mapper.to_domain_id(record)\n        )"
                ),
            ),
            (
                format!("def create_{a}_dto() -> Create{b}DTO:"),
                format!("def create_{a}_dto() -> (\n    Create{b}DTO\n):"),
            ),
        ];
        assert_reflows(&cases);
        let cases = [
            (
                format!("        assert x.{a} == f({b})"),
                format!("        assert x.{a} == f(\n            {b},\n        )"),
            ),
            (
                format!("            id={a}_id or {b}Id.new(),"),
                format!("            id={a}_id\n            or {b}Id.new(),"),
            ),
            (
                format!(
                    "        store: dict[{}, {}] | None = None,",
                    &a[..35],
                    &b[..35]
                ),
                format!(
                    "        store: dict[{}, {}]\n        | None = None,",
                    &a[..35],
                    &b[..35]
                ),
            ),
        ];
        assert_reflows(&cases);
        assert_left_alone(&[
            format!("        assert x.{a} == {b}, \"message\""),
            format!("        x = {a} + {b} + {b}"),
            format!("    {a}: Sequence[{b}{b}]"),
        ]);
    }

    #[test]
    fn breaks_annotated_subscripts_and_returned_tuples() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let cases = [
            (
                format!("    return \"{}\"", "x".repeat(89)),
                format!("    return (\n        \"{}\"\n    )", "x".repeat(89)),
            ),
            (
                format!("        self._seen: dict[{a}Id, {b}] = {{}}"),
                format!("        self._seen: dict[\n            {a}Id, {b}\n        ] = {{}}"),
            ),
            (
                format!("        return status.HTTP_409_CONFLICT, \"{a}-{b}\""),
                format!(
                    "        return (\n            status.HTTP_409_CONFLICT,\n            \"{a}-{b}\",\n        )"
                ),
            ),
        ];
        assert_reflows(&cases);
    }

    #[test]
    fn lays_out_except_tuples_exploded_heads_and_long_unions_like_ruff() {
        let a = "a".repeat(45);
        let b = "b".repeat(45);
        assert_reflows(&[
            (
                format!("        except ({a}Error, {b}Error):"),
                format!(
                    "        except (\n            {a}Error,\n            {b}Error,\n        ):"
                ),
            ),
            (
                format!("    {a}: {b} | None = Field("),
                format!("    {a}: (\n        {b} | None\n    ) = Field("),
            ),
            (
                format!("        {a}: {b} | Unchanged | None = UNCHANGED,"),
                format!("        {a}: {b}\n        | Unchanged\n        | None = UNCHANGED,"),
            ),
        ]);
        assert_left_alone(&[
            // Not a tuple of exceptions only: ruff's own layout.
            format!("        except ({a}Error, {b}Error) as error:"),
            // A plain annotation before the bracket: ruff splits the value, not the annotation.
            format!("    {a}: {b}{b} = Field("),
            // The last operand ends with a bracket: ruff splits that bracket instead.
            format!("        {a}: {b} | Unchanged | f({a}),"),
        ]);
    }

    #[test]
    fn tolerates_a_long_left_operand_of_a_broken_union_only() {
        let a = "a".repeat(45);
        let b = "b".repeat(60);
        let broken = format!("def f(\n    {a}: {b}\n    | None = None,\n) -> None: ...\n");
        let mut tree = Tree::default();
        tree.insert("a.py".into(), &broken);
        assert_eq!(reformattable_long_lines(&tree), []);
        // The same annotation alone: ruff would parenthesise it.
        let alone = format!("{a}: {b}\nx = 1\n");
        tree.insert("a.py".into(), &alone);
        assert_eq!(reformattable_long_lines(&tree), [("a.py", 1, 107)]);
    }

    #[test]
    fn leaves_docstrings_alone() {
        let a = "a".repeat(60);
        let source = format!("\"\"\"Doc\n\n    f({a}, {a})\n\"\"\"\n");
        assert_eq!(reflow_file(&source), None);
    }

    #[test]
    fn tolerates_only_what_the_formatter_cannot_split() {
        let module = long_module();
        let long_name = "n".repeat(101);
        let mut tree = Tree::default();
        let tolerated = format!(
            "# {long_name}\n\"\"\"{long_name}\n{long_name}\n\"\"\"\nfrom {module} import (\n    \
             {long_name},\n)\nimport {module}\nf(\n    key={module},\n    key=f\"{long_name}\",\n    \
             \"{long_name}\",\n)\n"
        );
        tree.insert("a.py".into(), &tolerated);
        tree.insert("notes.md".into(), format!("{long_name} {long_name}\n"));
        assert_eq!(reformattable_long_lines(&tree), []);
        let mut tree = Tree::default();
        tree.insert(
            "b.py".into(),
            format!("x = 1\ndef f({long_name}: int) -> None: ...\ny = g({module})\n"),
        );
        assert_eq!(
            reformattable_long_lines(&tree),
            [("b.py", 2, 126), ("b.py", 3, 101)]
        );
    }
}
