//! Stage 1, options: the typed options of each generator. The JSON schema users, Nx and Nx Console
//! see is generated from these types (`schema.rs`), so a doc comment here is the option's help text.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Options of the `domain` generator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "python-ddd domain",
    description = "Generate a Python bounded context in domain-driven, hexagonal layers.",
    extend("$id" = "PythonDddDomain", "cli" = "nx")
)]
pub struct DomainOptions {
    /// The bounded context's name, snake_case (`order_items`) or kebab-case (`order-items`), at most
    /// 40 characters: the folder keeps it as written (`libs/order-items`), the Nx project is its
    /// kebab-case form and the Python packages its snake_case form (`order_items_domain`, …). Rules:
    /// `docs/naming.md`.
    #[schemars(
        regex(pattern = r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$"),
        length(min = 1, max = 40),
        extend(
            "$default" = { "$source": "argv", "index": 0 },
            "x-prompt" = "What is the bounded context called (snake_case or kebab-case, e.g. orders)?",
            "x-priority" = "important"
        )
    )]
    pub name: String,

    /// The folder, relative to the workspace root, that holds the context's folder.
    #[serde(default = "default_directory")]
    #[schemars(length(min = 1, max = 200), extend("x-priority" = "important"))]
    pub directory: String,

    /// The aggregate root's class name, in PascalCase, at most 40 characters. Default: the singular of
    /// `name` (`orders` → `Order`; `FishItem` for a word with no distinct plural).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"), length(min = 1, max = 40))]
    pub entity: Option<String>,

    /// The aggregate root's fields: `name:type[?]` separated by commas, types str, int, bool,
    /// decimal, datetime, date, uuid, email, money, enum(a|b|c); `?` makes a field optional. Names
    /// are snake_case, at most 40 characters; words Python reserves (`type`, `from`, `list`, …) are
    /// fine: the code calls them `type_`, the API and the table keep the word. Default: `customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(min = 1, max = 20000),
        extend("x-hint" = "customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?")
    )]
    pub fields: Option<String>,

    /// Where aggregates are stored: async SQLAlchemy 2 (SQLite by default, PostgreSQL by URL, with
    /// Alembic migrations) or in memory only.
    #[serde(default)]
    #[schemars(extend("x-priority" = "important"))]
    pub persistence: Persistence,

    /// How domain events are published: an asyncio in-process bus, or Kafka (aiokafka) or RabbitMQ
    /// (aio-pika: a durable topic exchange per context, publisher confirms) besides it.
    #[serde(default)]
    pub event_bus: EventBus,

    /// Where read models are cached: in each process's memory, or in a Redis server every process
    /// shares (redis-py's asyncio client). Both keep versioned entries with a bounded time to live.
    #[serde(default)]
    pub cache: Cache,

    /// The delivery interface: a FastAPI app with routers and problem responses, or none.
    #[serde(default)]
    pub api: Api,

    /// A command-line interface, `python -m <name>_cli` (argparse, no extra dependency): one
    /// subcommand per use case of the aggregate root (`create`, `get`, `list`, `update`,
    /// `archive`), the other aggregates' under their name (`invoice create`); JSON out.
    #[serde(default, skip_serializing_if = "Cli::is_none")]
    #[schemars(extend("default" = "none"))] // serde's default is not shown once it is skipped
    pub cli: Cli,

    /// One Nx project for the whole context, or one Nx project per layer (tagged `type:<layer>`).
    #[serde(default)]
    pub project_layout: ProjectLayout,

    /// Extra Nx tags, comma separated (`scope:<name>` is always added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9:_./@-]+(,[A-Za-z0-9:_./@-]+)*$"))]
    pub tags: Option<String>,

    /// Overwrite generated files you edited, when the generator would change them. Review the
    /// preview of `--dry-run` first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(extend("default" = false))]
    pub force: bool,

    /// What a run does when your edits and the generator's changes overlap in a file (a three-way
    /// merge of the rest is applied either way): `stop` writes nothing; `markers` writes everything,
    /// the overlapping files with conflict markers to resolve by hand. Both exit with status 3.
    #[serde(default, skip_serializing_if = "ConflictMode::is_stop")]
    #[schemars(extend("default" = "stop"))]
    pub conflicts: ConflictMode,
}

/// Options of the `aggregate` generator: one more aggregate root in an existing context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "python-ddd aggregate",
    description = "Add an aggregate root, with all its layers, to a bounded context python-ddd generated.",
    extend("$id" = "PythonDddAggregate", "cli" = "nx")
)]
pub struct AggregateOptions {
    /// The aggregate's name, snake_case (`line_items`) or kebab-case (`line-items`), at most 40
    /// characters: its class is the singular in PascalCase (`customers` → `Customer`) unless
    /// `entity` names it.
    #[schemars(
        regex(pattern = r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$"),
        length(min = 1, max = 40),
        extend(
            "$default" = { "$source": "argv", "index": 0 },
            "x-prompt" = "What is the aggregate called (snake_case or kebab-case, e.g. customers)?",
            "x-priority" = "important"
        )
    )]
    pub name: String,

    /// The bounded context to add it to: its folder's name (`orders`) or one of its Nx projects
    /// (`orders`, `orders-domain`, …). It must be a context python-ddd generated.
    #[schemars(
        length(min = 1, max = 100),
        extend(
            "x-dropdown" = "projects",
            "x-prompt" = "Which bounded context gets the aggregate (its folder or Nx project, e.g. orders)?",
            "x-priority" = "important"
        )
    )]
    pub context: String,

    /// The folder, relative to the workspace root, that holds the context's folder. Default: the
    /// folder of the one context named `context` in the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub directory: Option<String>,

    /// The aggregate root's class name, in PascalCase, at most 40 characters. Default: the singular
    /// of `name` (`customers` → `Customer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"), length(min = 1, max = 40))]
    pub entity: Option<String>,

    /// The aggregate's fields, as the `domain` generator's `fields`: `name:type[?]` separated by
    /// commas, types str, int, bool, decimal, datetime, date, uuid, email, money, enum(a|b|c); `?`
    /// makes a field optional. Default: `customer_email:email,total:money,status:enum(pending|paid|cancelled),note:str?`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(min = 1, max = 20000),
        extend("x-hint" = "email:email,name:str,nickname:str?", "x-priority" = "important")
    )]
    pub fields: Option<String>,

    /// Overwrite generated files you edited, when the generator would change them. Review the
    /// preview of `--dry-run` first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(extend("default" = false))]
    pub force: bool,

    /// What a run does when your edits and the generator's changes overlap in a file (a three-way
    /// merge of the rest is applied either way): `stop` writes nothing; `markers` writes everything,
    /// the overlapping files with conflict markers to resolve by hand. Both exit with status 3.
    #[serde(default, skip_serializing_if = "ConflictMode::is_stop")]
    #[schemars(extend("default" = "stop"))]
    pub conflicts: ConflictMode,
}

/// What a run does with overlapping edits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum ConflictMode {
    // Write nothing; the dry run shows the merge with its conflict markers.
    #[default]
    Stop,
    // Write every file, the conflicting ones with conflict markers.
    Markers,
}

impl ConflictMode {
    /// `serde`'s `skip_serializing_if`: the default is a run flag the manifest never records.
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
    pub fn is_stop(&self) -> bool {
        *self == Self::Stop
    }
}

fn default_directory() -> String {
    "libs".to_owned()
}

/// Where aggregates are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum Persistence {
    #[default]
    Sqlalchemy,
    Memory,
}

/// How domain events are published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum EventBus {
    #[default]
    Memory,
    Kafka,
    Rabbitmq,
}

/// Where read models are cached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum Cache {
    #[default]
    Memory,
    Redis,
}

/// The delivery interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum Api {
    #[default]
    Fastapi,
    None,
}

/// The command-line interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum Cli {
    #[default]
    None,
    Argparse,
}

/// How the context is split into Nx projects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(inline)]
pub enum ProjectLayout {
    #[default]
    Single,
    PerLayer,
}

impl Persistence {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlalchemy => "sqlalchemy",
            Self::Memory => "memory",
        }
    }
}

impl EventBus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Kafka => "kafka",
            Self::Rabbitmq => "rabbitmq",
        }
    }
}

impl Cache {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Redis => "redis",
        }
    }
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fastapi => "fastapi",
            Self::None => "none",
        }
    }
}

impl Cli {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Argparse => "argparse",
        }
    }

    /// Contexts without a CLI leave it out of manifests and specs (as before the option existed).
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` passes a reference
    pub fn is_none(&self) -> bool {
        *self == Self::None
    }
}

impl ProjectLayout {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::PerLayer => "per-layer",
        }
    }
}
