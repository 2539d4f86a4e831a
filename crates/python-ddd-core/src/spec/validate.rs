//! Stage 2, validate: raw JSON options → typed options, or every problem at once.
//!
//! First the generator's JSON schema (the same one Nx validates with), so type errors read the same
//! everywhere; then the checks a schema cannot express: Python identifiers that are not keywords
//! and shadow nothing, a field spec that parses, a `directory` that stays inside the workspace.

use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::fields::{self, FieldSpec};
use crate::generators::{self, Generator};
use crate::names;
use crate::options::DomainOptions;
use crate::reflow;
use crate::schema;
use crate::schema_check;

/// One thing wrong with the options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer to the option (`/persistence`), or `""` for the options object itself.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The option as a user would type it: `persistence`, `fields`, or `options` for the root.
    pub fn option(&self) -> &str {
        let option = self.path.trim_start_matches('/');
        if option.is_empty() { "options" } else { option }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.option(), self.message)
    }
}

/// Options that passed every check, with the facts the checks derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDomain {
    pub options: DomainOptions,
    /// The aggregate root's class name (given, or derived from `name`).
    pub entity: String,
    pub fields: Vec<FieldSpec>,
}

/// Validates `domain` options given as JSON.
pub fn domain(raw: &Value) -> Result<ValidDomain, Vec<Problem>> {
    // A run validates the same options up to three times (the CLI's `root` to lock the folder,
    // `generate_in`'s `root`, then the options merged with an absent spec), and a validation costs
    // millions of instructions (docs/benchmarks.md): the last answer is kept for the same input.
    type Answer = Result<ValidDomain, Vec<Problem>>;
    thread_local! {
        static LAST: std::cell::RefCell<Option<(Value, Answer)>> =
            const { std::cell::RefCell::new(None) };
    }
    if let Some(answer) = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(input, _)| input == raw)
            .map(|(_, answer)| answer.clone())
    }) {
        return answer;
    }
    let answer = domain_uncached(raw);
    LAST.with_borrow_mut(|last| *last = Some((raw.clone(), answer.clone())));
    answer
}

fn domain_uncached(raw: &Value) -> Result<ValidDomain, Vec<Problem>> {
    let mut problems = against_schema(Generator::Domain, raw);
    if !problems.is_empty() {
        // The schema skips the name and entity spelling checks, which `names` explains better.
        if let Some(Err(problem)) = raw["name"]
            .as_str()
            .map(|n| (n, names::check_context_name(n)))
            .map(|(n, result)| result.map_err(|p| name_problem(n, p)))
        {
            problems.push(problem);
        }
        if let Some((entity, problem)) = raw["entity"].as_str().and_then(|entity| {
            names::check_entity_name(entity)
                .err()
                .map(|problem| (entity, problem))
        }) && matches!(
            problem,
            names::NameProblem::TooLong(_) | names::NameProblem::NotPascalIdentifier
        ) {
            problems.push(Problem::new(
                "/entity",
                format!(
                    "the aggregate root `{}` is {}",
                    names::shown(entity),
                    problem.describe()
                ),
            ));
        }
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(problems);
    }
    let options: DomainOptions = serde_json::from_value(raw.clone())
        .map_err(|error| vec![Problem::new("", error.to_string())])?;

    let name_ok = match names::check_context_name(&options.name) {
        Ok(()) => true,
        Err(problem) => {
            problems.push(name_problem(&options.name, problem));
            false
        }
    };
    let entity_given = options.entity.is_some();
    let entity_path = if entity_given { "/entity" } else { "/name" };
    let entity = if name_ok || entity_given {
        options
            .entity
            .clone()
            .unwrap_or_else(|| default_entity(&names::context_snake(&options.name)))
    } else {
        String::new() // the derived entity would only repeat the problem with `name`
    };
    let entity_ok = entity.is_empty() || {
        let before = problems.len();
        check_entity(&entity, entity_path, &mut problems);
        problems.len() == before
    };
    if let Err(message) = check_directory(&options.directory) {
        problems.push(Problem::new("/directory", message));
    }
    let spec = options.fields.as_deref().unwrap_or(fields::DEFAULT_FIELDS);
    // Problems in the default spec can only come from the entity it meets: say so, rather than
    // blame an item the user never wrote.
    let blame = if options.fields.is_some() {
        String::new()
    } else {
        format!("the default fields (`{}`), ", fields::DEFAULT_FIELDS)
    };
    let fields = match fields::parse_spec(spec) {
        Ok(fields) => fields,
        Err(field_problems) => {
            problems.extend(field_problems.into_iter().map(|p| {
                Problem::new(
                    "/fields",
                    format!(
                        "{blame}item {} (`{}`): {}",
                        p.position,
                        names::shown(&p.item),
                        p.message
                    ),
                )
            }));
            Vec::new()
        }
    };
    if entity_ok && !entity.is_empty() {
        for message in field_clashes(&fields, &entity) {
            let hint = if options.fields.is_some() {
                ""
            } else {
                "; pass `fields` to choose other names"
            };
            problems.push(Problem::new("/fields", format!("{blame}{message}{hint}")));
        }
    }
    if problems.is_empty() {
        Ok(ValidDomain {
            options,
            entity,
            fields,
        })
    } else {
        Err(problems)
    }
}

/// The problem reported for a refused context name.
fn name_problem(name: &str, problem: names::NameProblem) -> Problem {
    Problem::new(
        "/name",
        format!(
            "`{}` is {}{}",
            names::shown(name),
            problem.describe(),
            context_suggestion(name, problem)
        ),
    )
}

/// What to suggest after a refused context name.
fn context_suggestion(name: &str, problem: names::NameProblem) -> String {
    use names::NameProblem::{
        Builtin, Keyword, MixedSeparators, Reserved, SoftKeyword, StdlibModule,
    };
    match problem {
        MixedSeparators => format!(
            " (e.g. `{}` or `{}`)",
            name.replace('-', "_"),
            name.replace('_', "-")
        ),
        Keyword | SoftKeyword | Builtin | StdlibModule | Reserved => {
            format!(
                "; choose another name (e.g. `{}_records`)",
                names::context_snake(name)
            )
        }
        _ => String::new(),
    }
}

/// Every reason the aggregate root's class name cannot be used, pushed onto `problems`.
fn check_entity(entity: &str, path: &str, problems: &mut Vec<Problem>) {
    let option = if path == "/entity" {
        "`entity`"
    } else {
        "`entity` (the default is derived from `name`)"
    };
    let suggestion = format!(
        "choose another {option}, e.g. `{}Item`",
        names::shown(entity)
    );
    if let Err(problem) = names::check_entity_name(entity) {
        let message = match problem {
            names::NameProblem::Keyword
            | names::NameProblem::SoftKeyword
            | names::NameProblem::Builtin => {
                let snake = names::snake(entity);
                let plural = names::plural(&snake);
                let culprit = [entity, snake.as_str(), plural.as_str()]
                    .into_iter()
                    .find(|word| {
                        names::is_keyword(word)
                            || names::is_soft_keyword(word)
                            || names::is_builtin(word)
                    })
                    .unwrap_or(entity);
                format!(
                    "the aggregate root `{entity}` names its variables and collections `{snake}` and \
                     `{plural}`, and `{culprit}` is {}; {suggestion}",
                    problem.describe()
                )
            }
            _ => format!(
                "the aggregate root `{}` is {}",
                names::shown(entity),
                problem.describe()
            ),
        };
        problems.push(Problem::new(path, message));
        return;
    }
    let snake = names::snake(entity);
    let table = names::plural(&snake);
    if table == snake {
        problems.push(Problem::new(
            path,
            format!(
                "the aggregate root `{entity}` has no distinct plural to name its collections; {suggestion}"
            ),
        ));
    } else if let Some(clash) = entity_clash(entity) {
        problems.push(Problem::new(
            path,
            format!("the aggregate root `{entity}` {clash}; {suggestion}"),
        ));
    } else if table.len() > names::MAX_SQL_IDENTIFIER_BYTES {
        problems.push(Problem::new(
            path,
            format!(
                "the aggregate root `{entity}` names the table `{table}`, {} bytes long; PostgreSQL \
                 allows {}; choose a shorter {option}",
                table.len(),
                names::MAX_SQL_IDENTIFIER_BYTES
            ),
        ));
    }
}

/// Clashes between the fields, and between a field and the names the entity gives the generated
/// code: two fields with one Python attribute (`type` and `type_`), column or enum class.
fn field_clashes(fields: &[FieldSpec], entity: &str) -> Vec<String> {
    let entity_snake = names::snake(entity);
    let mut messages = Vec::new();
    let mut attrs: Vec<(String, &str)> = Vec::new();
    let mut classes: Vec<(String, &str)> = Vec::new();
    for field in fields {
        let attr = fields::python_attr(&field.name, &entity_snake);
        if let Some((_, other)) = attrs.iter().find(|(seen, _)| *seen == attr) {
            messages.push(format!(
                "fields `{other}` and `{}` would both be the Python attribute `{attr}`; rename one",
                field.name
            ));
        }
        attrs.push((attr, &field.name));
        if field.kind == fields::Kind::Enum {
            let class = fields::enum_class(entity, &names::pascal(&field.name));
            if let Some((_, other)) = classes.iter().find(|(seen, _)| *seen == class) {
                messages.push(format!(
                    "enum fields `{other}` and `{}` would both be the class `{class}`; rename one",
                    field.name
                ));
            } else if GENERATED_CLASSES.contains(&class.as_str()) {
                messages.push(format!(
                    "enum field `{}` would be the class `{class}`, which the generated code already defines; rename it",
                    field.name
                ));
            }
            classes.push((class, &field.name));
        }
    }
    messages
}

/// The last check, on the rendered (and reflowed, see [`crate::reflow`]) tree: no Python line
/// over [`reflow::MAX_LINE_COLUMNS`] that `ruff format` would rewrite. Long lines the formatter
/// cannot split (module paths, docstrings, comments) are fine: the generated project leaves line
/// length to the formatter. Templates explode every name-dependent construct, so a line found here
/// is a template defect for that input; the input is refused rather than a project generated that
/// fails `ruff format --check`.
pub fn check_line_lengths(
    tree: &crate::tree::Tree,
    valid: &ValidDomain,
) -> Result<(), Vec<Problem>> {
    let long = reflow::reformattable_long_lines(tree);
    let Some(&(path, line, columns)) = long.first() else {
        return Ok(());
    };
    let others = if long.len() == 1 {
        String::new()
    } else {
        format!(" and {} other line(s)", long.len() - 1)
    };
    Err(vec![Problem::new(
        "/name",
        format!(
            "the context `{}` with the aggregate root `{}` and these fields would generate lines longer \
             than {} columns that `ruff format` would rewrite ({path}:{line} is {columns}{others}); \
             shorten the context, entity or field names (see docs/naming.md)",
            valid.options.name,
            valid.entity,
            reflow::MAX_LINE_COLUMNS
        ),
    )])
}

/// The aggregate root a context is about: the singular of its name (`orders` → `Order`), or
/// `<Singular>Item` when the word has no distinct plural (`fish` → `FishItem`, collections
/// `fish_items`), since collections and their members need different names.
pub fn default_entity(name: &str) -> String {
    let singular = names::singular(name);
    if names::plural(&singular) == singular {
        format!("{}Item", names::pascal(&singular))
    } else {
        names::pascal(&singular)
    }
}

/// Classes (and imported class names) the generated code defines whatever the entity: the aggregate
/// root, or a class derived from it (`<Entity>Error`, `InMemory<Entity>Repository`, …), must not
/// be one of them.
const GENERATED_CLASSES: &[&str] = &[
    "APIRouter",
    "AbstractAsyncContextManager",
    "Adapters",
    "AdaptersMissingError",
    "AggregateRoot",
    "AndSpecification",
    "AsyncEngine",
    "AsyncIterator",
    "AsyncSession",
    "Awaitable",
    "Base",
    "BaseModel",
    "BoomError",
    "Cache",
    "CacheFactory",
    "CacheKind",
    "Callable",
    "ClassVar",
    "Config",
    "ConfigDict",
    "Connection",
    "Container",
    "CurrencyMismatchError",
    "Decimal",
    "DeclarativeBase",
    "Depends",
    "Domain",
    "DomainError",
    "DomainEvent",
    "Email",
    "Enum",
    "Event",
    "EventBus",
    "ExactDecimal",
    "FakeClock",
    "FakeProducer",
    "FastAPI",
    "Field",
    "Generic",
    "HTTPException",
    "HealthResponse",
    "HttpMoneySchema",
    "InMemoryCache",
    "InMemoryEventBus",
    "InMemoryUnitOfWork",
    "InvalidValueError",
    "IsEven",
    "IsPositive",
    "KafkaBusNotStartedError",
    "KafkaEventBus",
    "KafkaProducer",
    "Redis",
    "RedisCache",
    "Mapped",
    "MigrationContext",
    "Money",
    "MoneyDTO",
    "NoTransactionError",
    "NotSpecification",
    "NullProducer",
    "OrSpecification",
    "Path",
    "ProblemDetails",
    "Protocol",
    "Query",
    "RabbitMqBusNotStartedError",
    "RabbitMqEventBus",
    "Request",
    "Response",
    "Self",
    "SentMessage",
    "Sequence",
    "Settings",
    "SettingsError",
    "Specification",
    "SqlAlchemyUnitOfWork",
    "StrEnum",
    "TestClient",
    "TestEmail",
    "TestMoney",
    "TypeDecorator",
    "TypeVar",
    "UUID",
    "UnitOfWork",
    "UtcDateTime",
    "ValidationIssue",
];

/// Prefixes of the classes derived from the entity (`InMemory<Entity>Repository`, `Test<Entity>`, …).
const ENTITY_CLASS_PREFIXES: &[&str] = &[
    "Active",
    "Archive",
    "Create",
    "Get",
    "Http",
    "HttpCreate",
    "InMemory",
    "List",
    "SqlAlchemy",
    "Test",
];

/// Built-in exceptions named `<Word>Error`: the aggregate's error class `<Entity>Error` would shadow them.
const BUILTIN_ERRORS: &[&str] = &[
    "Arithmetic",
    "Assertion",
    "Attribute",
    "Buffer",
    "EOF",
    "Environment",
    "FloatingPoint",
    "IO",
    "Import",
    "Indentation",
    "Index",
    "Key",
    "Lookup",
    "Memory",
    "ModuleNotFound",
    "Name",
    "NotImplemented",
    "OS",
    "Overflow",
    "Recursion",
    "Reference",
    "Runtime",
    "Syntax",
    "System",
    "Tab",
    "Type",
    "UnboundLocal",
    "Unicode",
    "Value",
    "ZeroDivision",
    "BlockingIO",
    "BrokenPipe",
    "ChildProcess",
    "Connection",
    "ConnectionAborted",
    "ConnectionRefused",
    "ConnectionReset",
    "FileExists",
    "FileNotFound",
    "Interrupted",
    "IsADirectory",
    "NotADirectory",
    "Permission",
    "ProcessLookup",
    "Timeout",
];

/// Why an aggregate root name would break the generated code, if it would.
fn entity_clash(entity: &str) -> Option<String> {
    if entity == "Event" {
        return Some(
            "would give its events an `event_id` field, which every domain event already has"
                .to_owned(),
        );
    }
    if GENERATED_CLASSES.contains(&entity) {
        return Some(format!(
            "clashes with the `{entity}` the generated code defines or imports"
        ));
    }
    if BUILTIN_ERRORS.contains(&entity) {
        return Some(format!(
            "would name its error class `{entity}Error`, a Python built-in"
        ));
    }
    let suffixed = fields::ENTITY_CLASS_SUFFIXES
        .iter()
        .map(|suffix| format!("{entity}{suffix}"));
    let prefixed = ENTITY_CLASS_PREFIXES.iter().flat_map(|prefix| {
        std::iter::once(format!("{prefix}{entity}")).chain(
            fields::ENTITY_CLASS_SUFFIXES
                .iter()
                .map(move |suffix| format!("{prefix}{entity}{suffix}")),
        )
    });
    suffixed
        .chain(prefixed)
        .find(|derived| GENERATED_CLASSES.contains(&derived.as_str()))
        .map(|derived| {
            format!(
                "would name a generated class `{derived}`, which the generated code already defines"
            )
        })
}

/// `directory` must be a relative, normalised path of plain components: it is joined to the
/// workspace root, so `..`, absolute paths and drive prefixes would escape it.
pub fn check_directory(directory: &str) -> Result<(), String> {
    let allowed = "a relative path inside the workspace like `libs` or `packages/backend`";
    if directory.starts_with('/') || directory.starts_with('\\') || directory.contains(':') {
        return Err(format!("`{directory}` is absolute; expected {allowed}"));
    }
    if directory.contains('\\') {
        return Err(format!(
            "`{directory}` uses `\\`; separate folders with `/` ({allowed})"
        ));
    }
    for component in directory.split('/') {
        match component {
            "" => {
                return Err(format!(
                    "`{directory}` has an empty path component; expected {allowed}"
                ));
            }
            "." | ".." => {
                return Err(format!(
                    "`{directory}` contains `{component}`, which is not allowed; expected {allowed}"
                ));
            }
            _ if !component
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) =>
            {
                return Err(format!(
                    "`{directory}`: the folder name `{component}` may only use letters, digits, `.`, `_` and `-`"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every schema error, each with the pointer of the option it is about.
pub(crate) fn against_schema(generator: Generator, raw: &Value) -> Vec<Problem> {
    // One schema and one compiled validator per registered generator, made on first use.
    static SCHEMAS: [OnceLock<Value>; generators::COUNT] =
        [const { OnceLock::new() }; generators::COUNT];
    static VALIDATORS: [OnceLock<jsonschema::Validator>; generators::COUNT] =
        [const { OnceLock::new() }; generators::COUNT];
    let schema = SCHEMAS[generator.index()].get_or_init(|| schema::schema_value(generator));
    let validator = &VALIDATORS[generator.index()];
    let Some(object) = raw.as_object() else {
        return vec![Problem::new(
            "",
            format!("expected a JSON object of options, found `{raw}`"),
        )];
    };
    // Valid options (almost every run) need no compiled schema; problems and their messages
    // always come from `jsonschema` below.
    if schema_check::certainly_valid(schema, raw) {
        return Vec::new();
    }
    let validator = validator
        .get_or_init(|| jsonschema::draft7::new(schema).expect("the generated schema compiles"));
    let properties = schema["properties"]
        .as_object()
        .expect("the schema lists properties");
    let mut problems: Vec<Problem> = object
        .keys()
        .filter(|key| !properties.contains_key(*key))
        .map(|key| {
            let known: Vec<&str> = properties.keys().map(String::as_str).collect();
            Problem::new(
                format!("/{key}"),
                format!(
                    "unknown option `{key}`; the `{}` generator accepts: {}",
                    generator.name(),
                    known.join(", ")
                ),
            )
        })
        .collect();
    for error in validator.iter_errors(raw) {
        if matches!(
            error.kind(),
            jsonschema::error::ValidationErrorKind::AdditionalProperties { .. }
        ) {
            continue; // reported above, one problem per unknown option
        }
        let path = error.instance_path().as_str().to_owned();
        if (path == "/name" || path == "/entity")
            && matches!(
                error.kind(),
                jsonschema::error::ValidationErrorKind::Pattern { .. }
                    | jsonschema::error::ValidationErrorKind::MaxLength { .. }
                    | jsonschema::error::ValidationErrorKind::MinLength { .. }
            )
        {
            continue; // `names` explains these, with a suggestion
        }
        let message = match error.kind() {
            jsonschema::error::ValidationErrorKind::MaxLength { limit } => {
                let text = error.instance().as_str().unwrap_or_default();
                format!(
                    "`{}` is {} characters long; at most {limit} are allowed",
                    names::shown(text),
                    text.chars().count()
                )
            }
            jsonschema::error::ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default().to_owned();
                problems.push(Problem::new(
                    format!("/{name}"),
                    format!("`{name}` is required"),
                ));
                continue;
            }
            jsonschema::error::ValidationErrorKind::Pattern { pattern } => {
                format!("{} does not match `{pattern}`", error.instance())
            }
            _ => match error.instance().as_str() {
                // never echo a huge value back whole
                Some(text) if text.len() > 64 => error.to_string().replace(
                    &error.instance().to_string(),
                    &format!("\"{}\"", names::shown(text)),
                ),
                _ => error.to_string(),
            },
        };
        problems.push(Problem::new(path, message));
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    problems
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn messages(raw: &Value) -> Vec<String> {
        domain(raw)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn defaults_apply() {
        let valid = domain(&json!({ "name": "orders" })).unwrap();
        assert_eq!(valid.entity, "Order");
        assert_eq!(valid.options.directory, "libs");
        assert_eq!(valid.fields.len(), 4);
    }

    #[test]
    fn every_schema_error_is_listed_with_its_option() {
        assert_eq!(
            messages(
                &json!({ "name": "Bad-Name", "persistence": "mongo", "api": 3, "color": "red" })
            ),
            [
                "`api`: 3 is not of type \"string\"",
                "`api`: 3 is not one of \"fastapi\" or \"none\"",
                "`color`: unknown option `color`; the `domain` generator accepts: name, directory, entity, fields, persistence, eventBus, cache, api, cli, projectLayout, tags, force, conflicts",
                "`name`: `Bad-Name` is not a context name: use lowercase letters and digits, words separated by `_` or `-`, starting with a letter (e.g. `order_items` or `order-items`)",
                "`persistence`: \"mongo\" is not one of \"sqlalchemy\" or \"memory\"",
            ]
        );
    }

    #[test]
    fn entities_that_clash_with_generated_or_builtin_names_are_refused() {
        assert_eq!(
            messages(&json!({ "name": "keys" })),
            [
                "`name`: the aggregate root `Key` would name its error class `KeyError`, a Python built-in; choose another `entity` (the default is derived from `name`), e.g. `KeyItem`"
            ]
        );
        assert_eq!(
            messages(&json!({ "name": "venues", "entity": "Event" })),
            [
                "`entity`: the aggregate root `Event` would give its events an `event_id` field, which every domain event already has; choose another `entity`, e.g. `EventItem`"
            ]
        );
        assert!(domain(&json!({ "name": "keys", "entity": "ApiKey" })).is_ok());
    }

    #[test]
    fn fields_named_like_the_aggregate_are_mapped_not_refused() {
        let valid =
            domain(&json!({ "name": "orders", "fields": "order_id:uuid,order:str,total:int" }))
                .unwrap();
        let model = crate::model::DomainModel::new(&valid);
        let attrs: Vec<_> = model.fields.iter().map(|f| f.attr.as_str()).collect();
        assert_eq!(attrs, ["order_id_", "order_", "total"]);
    }

    #[test]
    fn fields_that_would_share_an_attribute_or_class_are_refused() {
        assert_eq!(
            messages(
                &json!({ "name": "orders", "fields": "type:str,type_:int,x_1:enum(a),x1:enum(b)" })
            ),
            [
                "`fields`: fields `type` and `type_` would both be the Python attribute `type_`; rename one",
                "`fields`: enum fields `x_1` and `x1` would both be the class `OrderX1`; rename one",
            ]
        );
    }

    #[test]
    fn a_context_whose_default_fields_meet_its_name_is_accepted() {
        // `statuses` → `Status`, and the default fields include `status`: mapped, not blamed.
        let valid = domain(&json!({ "name": "statuses" })).unwrap();
        let model = crate::model::DomainModel::new(&valid);
        assert_eq!(model.entity, "Status");
        assert_eq!(model.fields[2].attr, "status_");
        assert_eq!(model.fields[2].enum_class, "StatusStatus");
    }

    #[test]
    fn kebab_case_names_keep_their_folder_and_give_snake_case_packages() {
        let valid = domain(&json!({ "name": "order-items" })).unwrap();
        let model = crate::model::DomainModel::new(&valid);
        assert_eq!(model.root, "libs/order-items");
        assert_eq!(model.name, "order_items");
        assert_eq!(model.domain_pkg, "order_items_domain");
        assert_eq!(model.project_name, "order-items");
        assert_eq!(model.entity, "OrderItem");
        assert_eq!(
            messages(&json!({ "name": "order-items_x" })),
            [
                "`name`: `order-items_x` is mixing `-` and `_`; separate its words with one of them (e.g. `order_items_x` or `order-items-x`)"
            ]
        );
    }

    #[test]
    fn a_huge_name_is_refused_at_once_and_not_echoed() {
        let huge = "a".repeat(1 << 20);
        let started = std::time::Instant::now();
        let got =
            messages(&json!({ "name": huge, "entity": huge.to_uppercase(), "fields": "x:str" }));
        assert!(
            started.elapsed().as_secs_f64() < 1.0,
            "{:?}",
            started.elapsed()
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|m| m.len() < 300), "{got:?}");
        assert!(
            got[0].contains("is 1048576 characters long; names have at most 40"),
            "{got:?}"
        );
    }

    #[test]
    fn entities_whose_names_become_builtins_or_generated_classes_are_refused() {
        assert_eq!(
            messages(&json!({ "name": "orders", "entity": "Byte" })),
            [
                "`entity`: the aggregate root `Byte` names its variables and collections `byte` and `bytes`, and `bytes` is a Python built-in and would shadow it; choose another `entity`, e.g. `ByteItem`"
            ]
        );
        assert_eq!(
            messages(&json!({ "name": "orders", "entity": "Container" })),
            [
                "`entity`: the aggregate root `Container` clashes with the `Container` the generated code defines or imports; choose another `entity`, e.g. `ContainerItem`"
            ]
        );
        assert_eq!(
            messages(&json!({ "name": "orders", "entity": "Boom" })),
            [
                "`entity`: the aggregate root `Boom` would name a generated class `BoomError`, which the generated code already defines; choose another `entity`, e.g. `BoomItem`"
            ]
        );
    }

    /// Randomised: every accepted input derives identifiers that are valid Python, not keywords,
    /// and within the limits. Seed: `PYTHON_DDD_NAMES_SEED` (default 9); cases:
    /// `PYTHON_DDD_NAMES_CASES` (default 2000). A failure prints the options that reproduce it.
    #[test]
    fn accepted_names_derive_valid_identifiers_within_limits() {
        const WORDS: &[&str] = &[
            "order",
            "orders",
            "from",
            "type",
            "list",
            "str",
            "select",
            "table",
            "check",
            "user",
            "group",
            "status",
            "copy",
            "json",
            "schema",
            "validate",
            "id",
            "version",
            "metadata",
            "item",
            "items",
            "a",
            "b",
            "i",
            "x",
            "data",
            "record",
            "created",
            "bytes",
            "object",
            "shipment",
            "tracking",
            "events",
            "notification",
            "model_year",
            "self",
            "cls",
        ];
        let env = |key: &str, default: u64| {
            std::env::var(key)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let mut state = env("PYTHON_DDD_NAMES_SEED", 9) | 1;
        let cases = env("PYTHON_DDD_NAMES_CASES", 2000);
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % (bound as u64)).unwrap()
        };
        let python = |word: &str| {
            let mut chars = word.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !names::is_keyword(word)
                && !names::is_soft_keyword(word)
        };
        let mut accepted = 0;
        for _ in 0..cases {
            let words = |count: usize, sep: &str, next: &mut dyn FnMut(usize) -> usize| {
                (0..count)
                    .map(|_| WORDS[next(WORDS.len())])
                    .collect::<Vec<_>>()
                    .join(sep)
            };
            let name = words(1 + next(4), ["_", "-"][next(2)], &mut next);
            let field_count = next(8);
            let fields: Vec<String> = (0..field_count)
                .map(|_| {
                    let kind = [
                        "str",
                        "int",
                        "money",
                        "enum(select|from|a)",
                        "email",
                        "date",
                    ][next(6)];
                    format!(
                        "{}:{kind}{}",
                        words(1 + next(2), "_", &mut next),
                        ["", "?"][next(2)]
                    )
                })
                .collect();
            let mut options = json!({ "name": name });
            if !fields.is_empty() {
                options["fields"] = json!(fields.join(","));
            }
            if next(3) == 0 {
                options["entity"] = json!(names::pascal(&words(1 + next(3), "_", &mut next)));
            }
            let Ok(valid) = domain(&options) else {
                continue;
            };
            accepted += 1;
            let model = crate::model::DomainModel::new(&valid);
            let context = format!("reproduce with options {options}");
            assert!(
                python(&model.name),
                "`{}` is no usable identifier; {context}",
                model.name
            );
            for word in [
                &model.entity,
                &model.entity_snake,
                &model.entity_plural_snake,
                &model.domain_pkg,
                &model.infrastructure_pkg,
                &model.api_pkg,
            ] {
                assert!(python(word), "`{word}` is no usable identifier; {context}");
                assert!(
                    !names::is_builtin(word),
                    "`{word}` shadows a built-in; {context}"
                );
            }
            let mut attrs = std::collections::BTreeSet::new();
            for field in &model.fields {
                assert!(python(&field.attr), "attribute `{}`; {context}", field.attr);
                assert!(
                    !names::is_builtin(&field.attr),
                    "attribute `{}`; {context}",
                    field.attr
                );
                assert!(
                    attrs.insert(field.attr.clone()),
                    "two fields share `{}`; {context}",
                    field.attr
                );
                assert!(
                    field.name.chars().count() <= names::MAX_NAME_CHARS,
                    "{context}"
                );
                assert!(
                    field.check_name.len() <= names::MAX_SQL_IDENTIFIER_BYTES,
                    "{context}"
                );
            }
            for sql in [
                &model.entity_plural_snake,
                &model.sql.primary_key,
                &model.sql.unique_id,
                &model.sql.version_check,
            ] {
                assert!(
                    sql.len() <= names::MAX_SQL_IDENTIFIER_BYTES,
                    "`{sql}`; {context}"
                );
            }
        }
        assert!(accepted > 0, "no case was accepted");
    }

    #[test]
    fn missing_name() {
        assert_eq!(messages(&json!({})), ["`name`: `name` is required"]);
    }

    #[test]
    fn python_names_are_checked() {
        assert_eq!(
            messages(&json!({ "name": "class", "fields": "ok:str,x:float" })),
            [
                "`name`: `class` is a Python keyword; choose another name (e.g. `class_records`)",
                "`fields`: item 2 (`x:float`): field `x` has unknown type `float`; allowed: str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|…), each optionally followed by `?`",
            ]
        );
        assert_eq!(
            messages(&json!({ "name": "json" })),
            [
                "`name`: `json` is the name of a Python standard-library module and would shadow it; choose another name (e.g. `json_records`)"
            ]
        );
        assert_eq!(
            messages(&json!({ "name": "orders", "entity": "Sheep" })),
            [
                "`entity`: the aggregate root `Sheep` has no distinct plural to name its collections; choose another `entity`, e.g. `SheepItem`"
            ]
        );
    }

    #[test]
    fn default_entities() {
        for (name, entity) in [
            ("orders", "Order"),
            ("inventory", "Inventory"),
            ("billing", "Billing"),
            ("fish", "FishItem"),
            ("order_lines", "OrderLine"),
        ] {
            assert_eq!(
                domain(&json!({ "name": name })).unwrap().entity,
                entity,
                "{name}"
            );
        }
    }

    #[test]
    fn directory_escapes_are_refused() {
        for (directory, expected) in [
            (
                "../x",
                "`directory`: `../x` contains `..`, which is not allowed; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "/abs",
                "`directory`: `/abs` is absolute; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "libs//x",
                "`directory`: `libs//x` has an empty path component; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "libs/./x",
                "`directory`: `libs/./x` contains `.`, which is not allowed; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "C:/x",
                "`directory`: `C:/x` is absolute; expected a relative path inside the workspace like `libs` or `packages/backend`",
            ),
            (
                "a\\b",
                "`directory`: `a\\b` uses `\\`; separate folders with `/` (a relative path inside the workspace like `libs` or `packages/backend`)",
            ),
        ] {
            assert_eq!(
                messages(&json!({ "name": "orders", "directory": directory })),
                [expected]
            );
        }
        assert!(domain(&json!({ "name": "orders", "directory": "packages/back-end_1" })).is_ok());
    }
}
