//! Names: the checks that make a user-supplied word safe as a Python identifier, a module name and a
//! path component, and the case conversions the model derives from it.
//!
//! Everything here is pure; `validate` decides which check applies to which option.

use heck::{ToKebabCase, ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

use crate::stdlib::STDLIB_MODULES;

/// Python's hard keywords (`keyword.kwlist`).
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Soft keywords (`keyword.softkwlist` up to 3.12): legal identifiers, but confusing ones.
const SOFT_KEYWORDS: &[&str] = &["_", "case", "match", "type"];

/// Names of the generated layers and the packages the generated project depends on; a context with
/// one of these names would shadow them or make the generated imports ambiguous.
const RESERVED_CONTEXT_NAMES: &[&str] = &[
    "domain",
    "application",
    "infrastructure",
    "interface",
    "api",
    "tests",
    "test",
    "docs",
    "migrations",
    "alembic",
    "fastapi",
    "pydantic",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "aiokafka",
    "starlette",
    "httpx",
    "uvicorn",
    "pytest",
    "mypy",
    "ruff",
    "importlinter",
];

/// Why a word cannot be used where a Python identifier is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    NotSnakeIdentifier,
    NotPascalIdentifier,
    Keyword,
    SoftKeyword,
    StdlibModule,
    Reserved,
}

impl NameProblem {
    /// The sentence that follows "`<word>` is …" in an error message.
    pub fn describe(self) -> &'static str {
        match self {
            Self::NotSnakeIdentifier => {
                "not a snake_case Python identifier (lowercase letters, digits and `_`, starting with a letter)"
            }
            Self::NotPascalIdentifier => {
                "not a PascalCase Python class name (letters and digits, starting with an uppercase letter)"
            }
            Self::Keyword => "a Python keyword",
            Self::SoftKeyword => "a Python soft keyword",
            Self::StdlibModule => {
                "the name of a Python standard-library module and would shadow it"
            }
            Self::Reserved => "reserved by the generated project (a layer or dependency name)",
        }
    }
}

/// `^[a-z][a-z0-9_]*$` without a trailing or doubled underscore: what `name` and field names accept.
pub fn is_snake_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && !word.ends_with('_')
        && !word.contains("__")
}

/// `^[A-Z][A-Za-z0-9]*$`: what `entity` accepts.
pub fn is_pascal_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('A'..='Z')) && chars.all(|c| c.is_ascii_alphanumeric())
}

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

pub fn is_soft_keyword(word: &str) -> bool {
    SOFT_KEYWORDS.contains(&word)
}

/// Checks a word used as a Python module or variable name (context name, field name).
pub fn check_snake(word: &str) -> Result<(), NameProblem> {
    if is_keyword(word) {
        return Err(NameProblem::Keyword);
    }
    if is_soft_keyword(word) {
        return Err(NameProblem::SoftKeyword);
    }
    if !is_snake_identifier(word) {
        return Err(NameProblem::NotSnakeIdentifier);
    }
    Ok(())
}

/// Checks the bounded context's name: a snake identifier that shadows neither the standard library
/// nor a generated layer or dependency.
pub fn check_context_name(word: &str) -> Result<(), NameProblem> {
    check_snake(word)?;
    if STDLIB_MODULES.contains(&word) {
        return Err(NameProblem::StdlibModule);
    }
    if RESERVED_CONTEXT_NAMES.contains(&word)
        || ["_domain", "_application", "_infrastructure", "_api"]
            .iter()
            .any(|suffix| word.ends_with(suffix))
    {
        return Err(NameProblem::Reserved);
    }
    Ok(())
}

/// Checks the aggregate root's class name; its snake form becomes a module and variable name.
pub fn check_entity_name(word: &str) -> Result<(), NameProblem> {
    if !is_pascal_identifier(word) {
        return Err(NameProblem::NotPascalIdentifier);
    }
    let snake = snake(word);
    if is_keyword(&snake) || is_keyword(word) {
        return Err(NameProblem::Keyword);
    }
    if is_soft_keyword(&snake) {
        return Err(NameProblem::SoftKeyword);
    }
    Ok(())
}

pub fn snake(word: &str) -> String {
    word.to_snake_case()
}

pub fn pascal(word: &str) -> String {
    word.to_pascal_case()
}

pub fn kebab(word: &str) -> String {
    word.to_kebab_case()
}

pub fn upper(word: &str) -> String {
    word.to_shouty_snake_case()
}

pub fn camel(word: &str) -> String {
    heck::ToLowerCamelCase::to_lower_camel_case(word)
}

/// `customer_email` → `Customer email`: for docs and messages.
pub fn title(word: &str) -> String {
    let spaced = snake(word).replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// English singular of the last word of a snake_case name: `orders` → `order`, `order_lines` →
/// `order_line`, `categories` → `category`.
pub fn singular(snake_name: &str) -> String {
    map_last_word(snake_name, crate::inflect::singular)
}

/// English plural of the last word of a snake_case name: `order` → `orders`, `order_line` → `order_lines`.
pub fn plural(snake_name: &str) -> String {
    map_last_word(snake_name, crate::inflect::plural)
}

fn map_last_word(snake_name: &str, inflect: impl Fn(&str) -> String) -> String {
    match snake_name.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", inflect(last)),
        None => inflect(snake_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_identifiers() {
        for ok in ["orders", "order_lines", "a1", "x"] {
            assert!(is_snake_identifier(ok), "{ok}");
        }
        for bad in [
            "Orders",
            "1orders",
            "order-lines",
            "orders_",
            "a__b",
            "",
            "_x",
            "ordérs",
        ] {
            assert!(!is_snake_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn context_name_checks() {
        assert_eq!(check_context_name("orders"), Ok(()));
        assert_eq!(check_context_name("class"), Err(NameProblem::Keyword));
        assert_eq!(check_context_name("match"), Err(NameProblem::SoftKeyword));
        assert_eq!(check_context_name("type"), Err(NameProblem::SoftKeyword));
        assert_eq!(check_context_name("json"), Err(NameProblem::StdlibModule));
        assert_eq!(
            check_context_name("asyncio"),
            Err(NameProblem::StdlibModule)
        );
        assert_eq!(check_context_name("domain"), Err(NameProblem::Reserved));
        assert_eq!(
            check_context_name("sales_domain"),
            Err(NameProblem::Reserved)
        );
        assert_eq!(
            check_context_name("Bad-Name"),
            Err(NameProblem::NotSnakeIdentifier)
        );
    }

    #[test]
    fn entity_checks() {
        assert_eq!(check_entity_name("Order"), Ok(()));
        assert_eq!(check_entity_name("OrderLine"), Ok(()));
        assert_eq!(
            check_entity_name("order"),
            Err(NameProblem::NotPascalIdentifier)
        );
        assert_eq!(check_entity_name("Class"), Err(NameProblem::Keyword));
        assert_eq!(check_entity_name("Match"), Err(NameProblem::SoftKeyword));
    }

    #[test]
    fn inflections() {
        assert_eq!(singular("orders"), "order");
        assert_eq!(singular("order_lines"), "order_line");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(plural("order"), "orders");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("order_line"), "order_lines");
        assert_eq!(title("customer_email"), "Customer email");
        assert_eq!(pascal("order_line"), "OrderLine");
        assert_eq!(kebab("order_line"), "order-line");
        assert_eq!(upper("order_line"), "ORDER_LINE");
        assert_eq!(camel("order_line"), "orderLine");
    }
}
