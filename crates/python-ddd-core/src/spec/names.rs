//! Names: the checks that make a user-supplied word safe as a Python identifier, a module name, a SQL
//! identifier and a path component, and the case conversions the model derives from it.
//!
//! Everything here is pure; `validate` decides which check applies to which option. The rules are
//! documented for users in `docs/naming.md`; keep the two in step.

use heck::{ToKebabCase, ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

use crate::stdlib::STDLIB_MODULES;

/// The longest context, entity, field or enum-member name, in characters. Long enough for real
/// names (`shipment_tracking_event_notifications` is 36), short enough that every identifier,
/// table and constraint derived from it fits PostgreSQL's limit and every generated line fits 100
/// columns. Checked before anything else looks at a name, so a huge name is refused at once.
pub const MAX_NAME_CHARS: usize = 40;

/// PostgreSQL truncates identifiers longer than this many bytes (`NAMEDATALEN - 1`); two long
/// constraint names could then collide, so no derived SQL name may be longer.
pub const MAX_SQL_IDENTIFIER_BYTES: usize = 63;

/// Python's hard keywords (`keyword.kwlist`).
pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Soft keywords (`keyword.softkwlist` up to 3.12): legal identifiers, but confusing ones.
pub const SOFT_KEYWORDS: &[&str] = &["_", "case", "match", "type"];

/// The lowercase names of Python's `builtins` module (3.11–3.13): an attribute, parameter or
/// variable with one of these names shadows it (ruff's A00x rules, and real breakage when a class
/// body annotates with `str` after defining a `str` attribute).
pub const BUILTINS: &[&str] = &[
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

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
    "aio_pika",
    "aiormq",
    "pamqp",
    "starlette",
    "httpx",
    "uvicorn",
    "pytest",
    "mypy",
    "ruff",
    "importlinter",
];

/// Why a word cannot be used where it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// Longer than [`MAX_NAME_CHARS`]; carries the length in characters.
    TooLong(usize),
    NotContextName,
    MixedSeparators,
    NotSnakeIdentifier,
    NotPascalIdentifier,
    Keyword,
    SoftKeyword,
    Builtin,
    StdlibModule,
    Reserved,
    Ambiguous,
}

impl NameProblem {
    /// The sentence that follows "`<word>` is …" in an error message.
    pub fn describe(self) -> String {
        match self {
            Self::TooLong(chars) => format!(
                "{chars} characters long; names have at most {MAX_NAME_CHARS} (they become Python \
                 modules, classes and SQL names), so shorten it"
            ),
            Self::NotContextName => "not a context name: use lowercase letters and digits, words \
                 separated by `_` or `-`, starting with a letter (e.g. `order_items` or `order-items`)"
                .to_owned(),
            Self::MixedSeparators => {
                "mixing `-` and `_`; separate its words with one of them".to_owned()
            }
            Self::NotSnakeIdentifier => "not a snake_case name: use lowercase letters, digits and single \
                 `_` between words, starting with a letter (e.g. `unit_price`)"
                .to_owned(),
            Self::NotPascalIdentifier => "not a PascalCase class name: use letters and digits, starting \
                 with an uppercase letter (e.g. `OrderLine`)"
                .to_owned(),
            Self::Keyword => "a Python keyword".to_owned(),
            Self::SoftKeyword => "a Python soft keyword".to_owned(),
            Self::Builtin => "a Python built-in and would shadow it".to_owned(),
            Self::StdlibModule => {
                "the name of a Python standard-library module and would shadow it".to_owned()
            }
            Self::Reserved => {
                "reserved by the generated project (a layer or dependency name)".to_owned()
            }
            Self::Ambiguous => "`I`, `O` or `l`, which read like `1` and `0` (ruff's E741/E742 refuse them)"
                .to_owned(),
        }
    }
}

/// A word as error messages quote it: a huge input is cut, so a message stays readable (and the
/// 1 MiB name someone pasted is not echoed back whole).
pub fn shown(word: &str) -> String {
    const SHOWN_CHARS: usize = 48;
    if word.chars().nth(SHOWN_CHARS).is_none() {
        word.to_owned()
    } else {
        let head: String = word.chars().take(SHOWN_CHARS).collect();
        format!("{head}…")
    }
}

/// Refuses a word longer than [`MAX_NAME_CHARS`] without walking more than that many characters.
pub fn check_length(word: &str) -> Result<(), NameProblem> {
    if word.chars().nth(MAX_NAME_CHARS).is_some() {
        Err(NameProblem::TooLong(word.chars().count()))
    } else {
        Ok(())
    }
}

/// `^[a-z][a-z0-9_]*$` without a trailing or doubled underscore.
pub fn is_snake_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && !word.ends_with('_')
        && !word.contains("__")
}

/// What field names accept: a snake identifier, optionally with one trailing `_` (`type_`).
pub fn is_field_identifier(word: &str) -> bool {
    is_snake_identifier(word.strip_suffix('_').unwrap_or(word))
}

/// A context name as typed: snake_case (`order_items`) or kebab-case (`order-items`), lowercase
/// ASCII words of letters and digits, the first starting with a letter.
pub fn is_context_spelling(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-'))
        && !word.ends_with(['_', '-'])
        && !["__", "--", "_-", "-_"]
            .iter()
            .any(|pair| word.contains(pair))
}

/// The Python spelling of a context name: `order-items` → `order_items`.
pub fn context_snake(word: &str) -> String {
    word.replace('-', "_")
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

/// `I`, `O`, `l`: names ruff refuses (E741, E742) because they read like digits.
pub fn is_ambiguous(word: &str) -> bool {
    matches!(word, "I" | "O" | "l")
}

pub fn is_builtin(word: &str) -> bool {
    BUILTINS.contains(&word)
}

/// Checks a word used as a Python module or variable name as it is (an enum member's value).
pub fn check_snake(word: &str) -> Result<(), NameProblem> {
    check_length(word)?;
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

/// Checks the bounded context's name as typed (snake_case or kebab-case): its snake form names
/// the Python packages, so it may shadow neither the standard library nor a layer or dependency.
pub fn check_context_name(word: &str) -> Result<(), NameProblem> {
    check_length(word)?;
    if !is_context_spelling(word) {
        return Err(NameProblem::NotContextName);
    }
    if word.contains('-') && word.contains('_') {
        return Err(NameProblem::MixedSeparators);
    }
    let snake = context_snake(word);
    if is_keyword(&snake) {
        return Err(NameProblem::Keyword);
    }
    if is_soft_keyword(&snake) {
        return Err(NameProblem::SoftKeyword);
    }
    if STDLIB_MODULES.contains(&snake.as_str()) {
        return Err(NameProblem::StdlibModule);
    }
    if RESERVED_CONTEXT_NAMES.contains(&snake.as_str())
        || ["_domain", "_application", "_infrastructure", "_api"]
            .iter()
            .any(|suffix| snake.ends_with(suffix))
    {
        return Err(NameProblem::Reserved);
    }
    Ok(())
}

/// Checks the aggregate root's class name; its snake form and that form's plural become module,
/// variable and parameter names, so neither may be a keyword or a built-in (`Object` → `object`,
/// `I` → plural `is`, `Byte` → plural `bytes`).
pub fn check_entity_name(word: &str) -> Result<(), NameProblem> {
    check_length(word)?;
    if !is_pascal_identifier(word) {
        return Err(NameProblem::NotPascalIdentifier);
    }
    if is_ambiguous(word) {
        return Err(NameProblem::Ambiguous);
    }
    let snake = snake(word);
    let plural = plural(&snake);
    for derived in [word, snake.as_str(), plural.as_str()] {
        if is_keyword(derived) {
            return Err(NameProblem::Keyword);
        }
        if is_soft_keyword(derived) {
            return Err(NameProblem::SoftKeyword);
        }
        if is_builtin(derived) {
            return Err(NameProblem::Builtin);
        }
    }
    Ok(())
}

/// A SQL identifier derived from names, kept within [`MAX_SQL_IDENTIFIER_BYTES`]: a longer one is
/// cut and ends in 8 hex digits of its SHA-256 (the same input always gives the same name, and two
/// long names that share a prefix still differ).
pub fn sql_identifier(full: &str) -> String {
    if full.len() <= MAX_SQL_IDENTIFIER_BYTES {
        return full.to_owned();
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, full.as_bytes());
    let hash = digest.as_ref()[..4]
        .iter()
        .fold(String::new(), |mut hex, byte| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    // Names are ASCII (validated), so any byte index is a char boundary.
    let keep = MAX_SQL_IDENTIFIER_BYTES - hash.len() - 1;
    format!("{}_{hash}", full[..keep].trim_end_matches('_'))
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
        assert!(is_field_identifier("type_"));
        assert!(!is_field_identifier("type__"));
        assert!(!is_field_identifier("_"));
    }

    #[test]
    fn context_name_checks() {
        assert_eq!(check_context_name("orders"), Ok(()));
        assert_eq!(check_context_name("order-items"), Ok(()));
        assert_eq!(check_context_name("order_items"), Ok(()));
        assert_eq!(
            check_context_name("order-line_items"),
            Err(NameProblem::MixedSeparators)
        );
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
            check_context_name("sales-domain"),
            Err(NameProblem::Reserved)
        );
        for bad in ["Bad-Name", "orders-", "-orders", "a--b", "1x", ""] {
            assert_eq!(
                check_context_name(bad),
                Err(NameProblem::NotContextName),
                "{bad}"
            );
        }
        assert_eq!(check_context_name(&"a".repeat(40)), Ok(()));
        assert_eq!(
            check_context_name(&"a".repeat(41)),
            Err(NameProblem::TooLong(41))
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
        // the snake form or its plural would shadow a built-in or be a keyword
        assert_eq!(check_entity_name("Object"), Err(NameProblem::Builtin));
        assert_eq!(check_entity_name("Byte"), Err(NameProblem::Builtin));
        assert_eq!(check_entity_name("A"), Err(NameProblem::Keyword));
        assert_eq!(check_entity_name("O"), Err(NameProblem::Ambiguous));
    }

    #[test]
    fn a_huge_name_is_refused_without_reading_it_all() {
        let huge = "a".repeat(1 << 20);
        let started = std::time::Instant::now();
        assert_eq!(
            check_context_name(&huge),
            Err(NameProblem::TooLong(1 << 20))
        );
        assert!(started.elapsed().as_millis() < 200);
        assert_eq!(shown(&huge), format!("{}…", "a".repeat(48)));
    }

    #[test]
    fn sql_identifiers_stay_within_postgres_limit() {
        assert_eq!(
            sql_identifier("ck_orders_status_allowed"),
            "ck_orders_status_allowed"
        );
        let long = format!("ck_{}_{}_allowed", "t".repeat(40), "f".repeat(40));
        let short = sql_identifier(&long);
        assert_eq!(short.len(), MAX_SQL_IDENTIFIER_BYTES);
        assert_eq!(short, sql_identifier(&long), "deterministic");
        let other = sql_identifier(&format!("ck_{}_{}_allowed", "t".repeat(40), "g".repeat(40)));
        assert_ne!(short, other);
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
