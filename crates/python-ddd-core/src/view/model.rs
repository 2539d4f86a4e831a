//! Stage 3, model: the typed view templates render from. Every name in every case is derived here,
//! once, so templates never compute names (see `docs/dev/architecture.md` for the full contract).

use serde::Serialize;

use crate::fields::{EnumValue, Field, FieldSpec, Kind};
use crate::names;
use crate::options::{Api, Cache, Cli, DomainOptions, EventBus, Persistence, ProjectLayout};
use crate::spec::UseCaseSpec;
use crate::use_cases::{self, UseCaseView};
use crate::validate::ValidDomain;

/// The template folder (below `templates/`) of the files rendered once per aggregate; the rest of
/// `templates/domain/` is rendered once per context.
pub const AGGREGATE_TEMPLATES: &str = "aggregate";

/// The template folder of the files rendered once per aggregate that has use cases (over its
/// view), and for no other: a context without use cases renders as it did before them.
pub const TRANSITION_TEMPLATES: &str = "transitions";

/// The `domain` generator's template context.
#[derive(Debug, Clone, Serialize)]
#[allow(clippy::struct_excessive_bools)] // flags are what `{{#if}}` reads
pub struct DomainModel {
    pub name: String,
    /// The context's name as its folder spells it (`order-items`): what commands take.
    pub context_name: String,
    pub name_pascal: String,
    pub name_kebab: String,
    pub name_upper: String,
    pub name_title: String,
    pub entity: String,
    pub entity_snake: String,
    pub entity_kebab: String,
    pub entity_upper: String,
    pub entity_title: String,
    pub entity_plural_snake: String,
    pub entity_plural_kebab: String,
    pub entity_plural_pascal: String,
    pub domain_pkg: String,
    pub application_pkg: String,
    pub infrastructure_pkg: String,
    pub api_pkg: String,
    /// The CLI's package, `<name>_cli` (`python -m <name>_cli`).
    pub cli_pkg: String,
    /// The context folder relative to the workspace root: `libs/orders`.
    pub root: String,
    /// From `root` back to the workspace root: `../..`.
    pub root_to_workspace: String,
    pub directory: String,
    pub project_name: String,
    pub projects: Projects,
    pub tags: Vec<String>,
    pub persistence: &'static str,
    pub sqlalchemy: bool,
    pub memory_persistence: bool,
    pub event_bus: &'static str,
    pub kafka: bool,
    pub cache: &'static str,
    pub redis: bool,
    pub rabbitmq: bool,
    pub api: &'static str,
    pub fastapi: bool,
    pub cli: bool,
    /// The context has an `interface/` layer: the HTTP app, the CLI or both.
    pub interface: bool,
    pub project_layout: &'static str,
    pub single_project: bool,
    pub per_layer: bool,
    pub fields: Vec<Field>,
    /// Constraint names of the table, each within PostgreSQL's 63 bytes.
    pub sql: SqlNames,
    pub enums: Vec<EnumModel>,
    /// The enum class names sorted as isort / ruff sort imported names (case-insensitively), so
    /// templates can write `from … import (\n    Order,\n    OrderChannel,\n    OrderStatus,\n)`.
    pub enum_classes_sorted: Vec<String>,
    pub uses: Uses,
    /// The `fields` spec as given (or the default), for docs.
    pub fields_spec: String,
    /// Every aggregate of the context (the root is the one the top-level `entity*` name), sorted
    /// by `entity_snake`: what context-level files (unit of work, bootstrap, fixtures) loop over,
    /// in the order ruff sorts the imports of their modules (`validate` refuses names where that
    /// order would differ).
    pub aggregates: Vec<AggregateView>,
    /// The aggregates other than the root, in the same order.
    pub more_aggregates: Vec<AggregateView>,
    /// The context has more than one aggregate.
    pub many_aggregates: bool,
    /// Which field kinds occur in any aggregate (for files that import for every aggregate).
    pub all_uses: Uses,
    /// The root aggregate's [`AggregateView::store_attr`], so the per-aggregate templates render
    /// the root's files from the context's view as they do from its own.
    pub store_attr: &'static str,
    /// The root aggregate's use cases (guarded state transitions).
    pub transitions: Transitions,
}

/// An aggregate's use cases (guarded state transitions, [`crate::use_cases`]) and the names
/// their imports list, sorted as ruff sorts them.
#[derive(Debug, Clone, Default, Serialize)]
#[allow(clippy::struct_excessive_bools)] // flags are what `{{#if}}` reads
pub struct Transitions {
    /// The aggregate has use cases: `templates/transitions/` renders for it.
    pub any: bool,
    /// Sorted by name.
    pub list: Vec<UseCaseView>,
    /// The application use case classes (`PayOrder`), sorted for one import.
    pub classes: Vec<String>,
    /// The command DTO classes (`PayOrderCommand`), sorted for one import.
    pub commands: Vec<String>,
    /// The event classes (`OrderPaid`), sorted for one import.
    pub events: Vec<String>,
    /// Some use case sets a date field: the events module imports `date`.
    pub uses_date: bool,
    /// Some value the use cases set or test with is a `date(…)` / `UUID(…)`: tests import them.
    pub literals_date: bool,
    pub literals_uuid: bool,
    /// The enum classes of the values the use cases set or test with, sorted for one import.
    pub literal_enums: Vec<String>,
    /// Some use case has a guard.
    pub any_guarded: bool,
    /// Some use case has a guard that some value fails (its tests expect a refusal).
    pub any_refusable: bool,
}

impl Transitions {
    /// The use cases of the aggregate `entity` with the fields `fields` (already checked).
    pub fn of(entity: &str, fields: &[FieldSpec], use_cases: &[UseCaseSpec]) -> Self {
        let list = use_cases::views(entity, fields, use_cases);
        let uses_date = use_cases.iter().any(|use_case| {
            use_case.sets.keys().any(|name| {
                fields
                    .iter()
                    .any(|field| field.name == *name && field.kind == Kind::Date)
            })
        });
        let literals: Vec<&str> = list
            .iter()
            .flat_map(|u| u.sets.iter().chain(&u.when).chain(&u.refused_state))
            .map(|a| a.domain.as_str())
            .collect();
        let mut literal_enums: Vec<String> = fields
            .iter()
            .filter(|field| field.kind == Kind::Enum)
            .map(|field| crate::fields::enum_class(entity, &names::pascal(&field.name)))
            .filter(|class| {
                literals
                    .iter()
                    .any(|literal| literal.starts_with(&format!("{class}.")))
            })
            .collect();
        literal_enums = use_cases::sorted_names(literal_enums);
        Self {
            any: !list.is_empty(),
            literals_date: literals.iter().any(|l| l.starts_with("date(")),
            literals_uuid: literals.iter().any(|l| l.starts_with("UUID(")),
            literal_enums,
            any_guarded: list.iter().any(|u| !u.when.is_empty()),
            any_refusable: list.iter().any(|u| u.refused_by.is_some()),
            classes: use_cases::sorted_names(list.iter().map(|u| u.class.clone())),
            commands: use_cases::sorted_names(list.iter().map(|u| u.command.clone())),
            events: use_cases::sorted_names(list.iter().map(|u| u.event.clone())),
            uses_date,
            list,
        }
    }
}

/// One aggregate's part of the view: its names, fields and table names. The per-aggregate
/// templates see the context's view with these keys replaced by their aggregate's.
#[derive(Debug, Clone, Serialize)]
#[allow(clippy::struct_excessive_bools)] // flags are what `{{#if}}` reads
pub struct AggregateView {
    /// The context's aggregate root (the one `--entity` / `--fields` edit).
    pub root: bool,
    /// The in-memory unit of work's attribute holding this aggregate's dict: `store` for the
    /// root (as before contexts had several aggregates), `<entity_plural_snake>_store` otherwise.
    pub store_attr: String,
    /// The context's package names and adapter flags, so a `{{#each aggregates}}` block and the
    /// shared partials it calls read them as they do at the top level.
    pub domain_pkg: String,
    pub application_pkg: String,
    pub infrastructure_pkg: String,
    pub api_pkg: String,
    pub cli_pkg: String,
    pub sqlalchemy: bool,
    pub kafka: bool,
    pub fastapi: bool,
    pub entity: String,
    pub entity_snake: String,
    pub entity_kebab: String,
    pub entity_upper: String,
    pub entity_title: String,
    pub entity_plural_snake: String,
    pub entity_plural_kebab: String,
    pub entity_plural_pascal: String,
    /// Empty for the root, whose fields are the context's (`@root.fields`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    pub sql: SqlNames,
    pub enums: Vec<EnumModel>,
    pub enum_classes_sorted: Vec<String>,
    pub uses: Uses,
    pub fields_spec: String,
    /// The aggregate's use cases (always stated, so an aggregate without any does not read the
    /// root's from the context's view).
    pub transitions: Transitions,
}

impl AggregateView {
    /// The aggregate-level part of a model built for that aggregate.
    fn of(model: &DomainModel, root: bool) -> Self {
        Self {
            root,
            store_attr: if root {
                "store".to_owned()
            } else {
                format!("{}_store", model.entity_plural_snake)
            },
            domain_pkg: model.domain_pkg.clone(),
            application_pkg: model.application_pkg.clone(),
            infrastructure_pkg: model.infrastructure_pkg.clone(),
            api_pkg: model.api_pkg.clone(),
            cli_pkg: model.cli_pkg.clone(),
            sqlalchemy: model.sqlalchemy,
            kafka: model.kafka,
            fastapi: model.fastapi,
            entity: model.entity.clone(),
            entity_snake: model.entity_snake.clone(),
            entity_kebab: model.entity_kebab.clone(),
            entity_upper: model.entity_upper.clone(),
            entity_title: model.entity_title.clone(),
            entity_plural_snake: model.entity_plural_snake.clone(),
            entity_plural_kebab: model.entity_plural_kebab.clone(),
            entity_plural_pascal: model.entity_plural_pascal.clone(),
            fields: model.fields.clone(),
            sql: model.sql.clone(),
            enums: model.enums.clone(),
            enum_classes_sorted: model.enum_classes_sorted.clone(),
            uses: model.uses.clone(),
            fields_spec: model.fields_spec.clone(),
            transitions: model.transitions.clone(),
        }
    }
}

/// The table's constraint names, given in full (the metadata's naming convention passes them
/// through), so a long table name is shortened here, deterministically, not by PostgreSQL.
#[derive(Debug, Clone, Serialize)]
pub struct SqlNames {
    pub primary_key: String,
    pub unique_id: String,
    pub version_check: String,
    /// The transactional outbox's table (`<table>_outbox`) and its constraints.
    pub outbox_table: String,
    pub outbox_primary_key: String,
    pub outbox_unique_event_id: String,
}

/// Nx project names in the per-layer layout.
#[derive(Debug, Clone, Serialize)]
pub struct Projects {
    pub domain: String,
    pub application: String,
    pub infrastructure: String,
    pub interface: String,
}

/// An enum class generated for an enum field.
#[derive(Debug, Clone, Serialize)]
pub struct EnumModel {
    pub class: String,
    pub field: String,
    pub values: Vec<EnumValue>,
}

/// Which field kinds occur, so templates import only what they use.
#[derive(Debug, Clone, Default, Serialize)]
#[allow(clippy::struct_excessive_bools)]
pub struct Uses {
    pub str: bool,
    pub int: bool,
    pub bool: bool,
    pub decimal: bool,
    pub datetime: bool,
    pub date: bool,
    pub uuid: bool,
    pub email: bool,
    pub money: bool,
    #[serde(rename = "enum")]
    pub enum_: bool,
    pub optional: bool,
    /// Some field is required (not `?`).
    pub required: bool,
    /// Some required `str` field exists (it carries the not-blank invariant).
    pub required_str: bool,
    /// Some optional `str` field exists (HTTP schemas type it `Text`; required ones are `NonBlankText`).
    pub optional_str: bool,
    /// Some optional `email` field exists (its DTO conversions go through `Email.parse_optional` / `value_of`).
    pub optional_email: bool,
    /// Some optional `money` field exists (its DTO conversions go through `MoneyDTO`'s optional helpers).
    pub optional_money: bool,
    /// Some field's Python attribute differs from its name (`from` → `from_`): HTTP schemas alias it.
    pub alias: bool,
}

impl Uses {
    /// Some field of either has the kind.
    fn union(&self, other: &Self) -> Self {
        Self {
            str: self.str || other.str,
            int: self.int || other.int,
            bool: self.bool || other.bool,
            decimal: self.decimal || other.decimal,
            datetime: self.datetime || other.datetime,
            date: self.date || other.date,
            uuid: self.uuid || other.uuid,
            email: self.email || other.email,
            money: self.money || other.money,
            enum_: self.enum_ || other.enum_,
            optional: self.optional || other.optional,
            required: self.required || other.required,
            required_str: self.required_str || other.required_str,
            optional_str: self.optional_str || other.optional_str,
            optional_email: self.optional_email || other.optional_email,
            optional_money: self.optional_money || other.optional_money,
            alias: self.alias || other.alias,
        }
    }
}

impl DomainModel {
    /// The context folder, `<directory>/<name as written>` (the model's `root`), without the rest
    /// of the model.
    pub fn root_of(options: &DomainOptions) -> String {
        format!("{}/{}", options.directory, options.name)
    }

    pub fn new(valid: &ValidDomain) -> Self {
        let options = &valid.options;
        // The folder keeps the name as written; Python only ever sees the snake_case form.
        let name = names::context_snake(&options.name);
        let entity = valid.entity.clone();
        let entity_snake = names::snake(&entity);
        let entity_plural_snake = names::plural(&entity_snake);
        let root = Self::root_of(options);
        let root_to_workspace = vec![".."; root.split('/').count()].join("/");
        let table = &entity_plural_snake;
        let fields: Vec<Field> = valid
            .fields
            .iter()
            .map(|spec| {
                let mut field = Field::new(spec, &entity);
                if field.is_enum {
                    field.check_name =
                        names::sql_identifier(&format!("ck_{table}_{}_allowed", field.name));
                }
                field
            })
            .collect();
        let sql = SqlNames {
            primary_key: names::sql_identifier(&format!("pk_{table}")),
            unique_id: names::sql_identifier(&format!("uq_{table}_id")),
            version_check: names::sql_identifier(&format!("ck_{table}_version_not_negative")),
            outbox_table: names::sql_identifier(&format!("{table}_outbox")),
            outbox_primary_key: names::sql_identifier(&format!("pk_{table}_outbox")),
            outbox_unique_event_id: names::sql_identifier(&format!("uq_{table}_outbox_event_id")),
        };
        let enums = fields
            .iter()
            .filter(|f| f.is_enum)
            .map(|f| EnumModel {
                class: f.enum_class.clone(),
                field: f.name.clone(),
                values: f.enum_values.clone(),
            })
            .collect();
        let mut enum_classes_sorted: Vec<String> = fields
            .iter()
            .filter(|f| f.is_enum)
            .map(|f| f.enum_class.clone())
            .collect();
        enum_classes_sorted.sort_by_key(|class| (class.to_lowercase(), class.clone()));
        let has = |kind: Kind| fields.iter().any(|f| f.kind == kind);
        let uses = Uses {
            str: has(Kind::Str),
            int: has(Kind::Int),
            bool: has(Kind::Bool),
            decimal: has(Kind::Decimal),
            datetime: has(Kind::Datetime),
            date: has(Kind::Date),
            uuid: has(Kind::Uuid),
            email: has(Kind::Email),
            money: has(Kind::Money),
            enum_: has(Kind::Enum),
            optional: fields.iter().any(|f| f.optional),
            required: fields.iter().any(|f| f.required),
            required_str: fields.iter().any(|f| f.required && f.is_str),
            optional_str: fields.iter().any(|f| f.optional && f.is_str),
            optional_email: fields.iter().any(|f| f.optional && f.is_email),
            optional_money: fields.iter().any(|f| f.optional && f.is_money),
            alias: fields.iter().any(|f| f.aliased),
        };
        let kebab = names::kebab(&name);
        let mut tags = vec![format!("scope:{kebab}")];
        for tag in options
            .tags
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
        {
            if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        Self {
            context_name: options.name.clone(),
            name_pascal: names::pascal(&name),
            name_upper: names::upper(&name),
            name_title: names::title(&name),
            entity_kebab: names::kebab(&entity_snake),
            entity_upper: names::upper(&entity_snake),
            entity_title: names::title(&entity_snake),
            entity_plural_kebab: names::kebab(&entity_plural_snake),
            entity_plural_pascal: names::pascal(&entity_plural_snake),
            entity_plural_snake,
            entity_snake,
            entity,
            domain_pkg: format!("{name}_domain"),
            application_pkg: format!("{name}_application"),
            infrastructure_pkg: format!("{name}_infrastructure"),
            api_pkg: format!("{name}_api"),
            cli_pkg: format!("{name}_cli"),
            root,
            root_to_workspace,
            directory: options.directory.clone(),
            project_name: kebab.clone(),
            projects: Projects {
                domain: format!("{kebab}-domain"),
                application: format!("{kebab}-application"),
                infrastructure: format!("{kebab}-infrastructure"),
                // The HTTP app's project keeps the name it had before the CLI existed.
                interface: if options.api == Api::Fastapi {
                    format!("{kebab}-api")
                } else {
                    format!("{kebab}-cli")
                },
            },
            name_kebab: kebab,
            tags,
            persistence: options.persistence.as_str(),
            sqlalchemy: options.persistence == Persistence::Sqlalchemy,
            memory_persistence: options.persistence == Persistence::Memory,
            event_bus: options.event_bus.as_str(),
            kafka: options.event_bus == EventBus::Kafka,
            cache: options.cache.as_str(),
            redis: options.cache == Cache::Redis,
            rabbitmq: options.event_bus == EventBus::Rabbitmq,
            api: options.api.as_str(),
            fastapi: options.api == Api::Fastapi,
            cli: options.cli == Cli::Argparse,
            interface: options.api == Api::Fastapi || options.cli == Cli::Argparse,
            project_layout: options.project_layout.as_str(),
            single_project: options.project_layout == ProjectLayout::Single,
            per_layer: options.project_layout == ProjectLayout::PerLayer,
            fields,
            sql,
            enums,
            enum_classes_sorted,
            uses,
            fields_spec: options
                .fields
                .clone()
                .unwrap_or_else(|| crate::fields::DEFAULT_FIELDS.to_owned()),
            name,
            aggregates: Vec::new(),
            more_aggregates: Vec::new(),
            many_aggregates: false,
            all_uses: Uses::default(),
            store_attr: "store",
            transitions: Transitions::default(),
        }
        .with_root_view()
    }

    fn with_root_view(mut self) -> Self {
        let mut root = AggregateView::of(&self, true);
        // The root's fields are the context's own (`@root.fields`): not copied into its view, which
        // at 1,000 fields doubled the render data (issue 15's peak RSS). An aggregate's own view
        // starts from the context's, so the root's still has them.
        root.fields = Vec::new();
        self.aggregates = vec![root];
        self.all_uses = self.uses.clone();
        self
    }

    /// The root aggregate's use cases (already checked), in its own view and the context's.
    #[must_use]
    pub fn with_use_cases(mut self, valid: &ValidDomain, use_cases: &[UseCaseSpec]) -> Self {
        self.transitions = Transitions::of(&valid.entity, &valid.fields, use_cases);
        for view in &mut self.aggregates {
            if view.root {
                view.transitions = self.transitions.clone();
            }
        }
        self
    }

    /// The model of a context with more aggregates than its root (the spec's `aggregates` after
    /// the first, already validated): each gets its view, in spec order after the root.
    #[must_use]
    pub fn with_more(mut self, valid: &ValidDomain, more: &[crate::spec::AggregateSpec]) -> Self {
        if let Some(root) = self.aggregates.first_mut().filter(|_| !more.is_empty()) {
            // Context-level files loop over every aggregate's fields (tables, fixtures): with
            // several aggregates the root's view carries its own, like the others'.
            root.fields.clone_from(&self.fields);
        }
        for aggregate in more {
            let model = Self::new(&ValidDomain {
                options: valid.options.clone(),
                entity: aggregate.name.clone(),
                fields: aggregate.field_specs(),
            });
            let mut view = AggregateView::of(&model, false);
            view.fields_spec = aggregate.fields_option();
            view.transitions = Transitions::of(
                &aggregate.name,
                &aggregate.field_specs(),
                &aggregate.use_cases,
            );
            self.all_uses = self.all_uses.union(&view.uses);
            self.more_aggregates.push(view.clone());
            self.aggregates.push(view);
        }
        self.aggregates
            .sort_by(|a, b| a.entity_snake.cmp(&b.entity_snake));
        self.more_aggregates
            .sort_by(|a, b| a.entity_snake.cmp(&b.entity_snake));
        self.many_aggregates = self.aggregates.len() > 1;
        self
    }

    /// The views the per-aggregate templates ([`AGGREGATE_TEMPLATES`]) render over, one per
    /// aggregate: the context's view with the aggregate's keys (names, fields, table names)
    /// replaced by that aggregate's. The root aggregate's view is the context's.
    pub fn aggregate_views(&self) -> Result<Vec<serde_json::Value>, serde_json::Error> {
        let context = serde_json::to_value(self)?;
        self.aggregates
            .iter()
            .map(|aggregate| {
                let mut view = context.clone();
                if let (Some(view), serde_json::Value::Object(own)) =
                    (view.as_object_mut(), serde_json::to_value(aggregate)?)
                {
                    view.extend(own);
                }
                Ok(view)
            })
            .collect()
    }

    /// The template feature folders this model renders (see `docs/dev/architecture.md`).
    pub fn features(&self) -> Vec<&'static str> {
        let mut features = vec!["base"];
        if self.sqlalchemy {
            features.push("sqlalchemy");
        }
        if self.kafka {
            features.push("kafka");
        }
        if self.redis {
            features.push("redis");
        }
        if self.rabbitmq {
            features.push("rabbitmq");
        }
        if self.fastapi {
            features.push("fastapi");
        }
        if self.cli {
            features.push("cli");
        }
        if self.interface {
            features.push("interface");
        }
        features.push(if self.per_layer {
            "per-layer"
        } else {
            "single"
        });
        features
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_in_every_case() {
        let valid = crate::validate::domain(
            &json!({ "name": "order_lines", "directory": "packages/sales" }),
        )
        .unwrap();
        let model = DomainModel::new(&valid);
        assert_eq!(model.entity, "OrderLine");
        assert_eq!(model.entity_snake, "order_line");
        assert_eq!(model.entity_plural_snake, "order_lines");
        assert_eq!(model.entity_plural_kebab, "order-lines");
        assert_eq!(model.name_kebab, "order-lines");
        assert_eq!(model.root, "packages/sales/order_lines");
        assert_eq!(model.root_to_workspace, "../../..");
        assert_eq!(model.projects.interface, "order-lines-api");
        assert_eq!(
            model.features(),
            ["base", "sqlalchemy", "fastapi", "interface", "single"]
        );
    }

    #[test]
    fn tags_are_deduplicated_after_the_scope() {
        let valid = crate::validate::domain(
            &json!({ "name": "orders", "tags": "team:a,scope:orders,team:a" }),
        )
        .unwrap();
        assert_eq!(DomainModel::new(&valid).tags, ["scope:orders", "team:a"]);
    }
}
