//! python-ddd's core. The pipeline, one module per stage:
//!
//! stored [`spec`] + options → [`validate`] → [`spec`] (+ [`history`]) → [`model`] → [`render`] →
//! [`tree`] → [`plan`] (+ [`merge`]) → [`apply`] | [`diff`]
//!
//! The modules live in three folders, each importing only the ones below it: [`view`] (what
//! templates see) → [`spec`] (the context spec and its checks) → [`engine`] (render, tree, plan,
//! apply: generic, naming no generator). The crate root re-exports every module under its path
//! from before the folders (`crate::plan`, `python_ddd_core::model`).
//!
//! [`generate_in`] reads the context's stored spec from a [`plan::Source`] (the disk, or the files
//! an Nx tree holds), lets the options edit it, and renders the tree (spec and manifest included);
//! callers plan the tree against the same source and then apply or print. [`generate`] is the same
//! over an empty workspace.
//! [`infer`] gives the Nx plugin the targets of a generated context from its manifest.

pub mod engine;
pub mod generators;
pub mod infer;
pub mod spec;
#[cfg(test)]
mod test_cases;
pub mod view;

// Every module keeps its path from before the folders, so callers need not know which folder
// holds it.
pub use engine::{
    apply, diff, error, failpoint, hbs, journal, lock, manifest, merge, paths, plan, reflow,
    render, tree,
};
pub(crate) use engine::{scan, schema_check};
pub use spec::{aggregates, contexts, history, names, options, schema, use_cases, validate};
pub(crate) use spec::{inflect, previous, stdlib};
pub use view::model;

/// The field spec ([`spec::fields`]) and the field view ([`view::field`]) under their one former
/// path, `crate::fields`.
pub mod fields {
    pub use crate::spec::fields::*;
    pub use crate::view::field::*;
}

use serde_json::Value;

pub use crate::error::Error;
pub use crate::generators::Generator;
pub use crate::validate::Problem;

/// The version recorded in manifests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a generation did not produce a tree.
#[derive(Debug)]
pub enum Failure {
    /// The options are wrong: every problem, each naming its option.
    Invalid(Vec<Problem>),
    /// Something unexpected (a template failed to render).
    Error(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Error(error)
    }
}

/// A rendered generation: the tree to plan, with the facts the caller reports.
#[derive(Debug, Clone)]
pub struct Generation {
    pub generator: Generator,
    /// The context folder, workspace-relative (`libs/orders`).
    pub root: String,
    /// Every generated file, the manifest included.
    pub tree: tree::Tree,
    /// The user asked to overwrite their edits.
    pub force: bool,
    /// What to do with overlapping edits: stop, or write conflict markers.
    pub conflicts: options::ConflictMode,
    /// Files the run read as its input and writes back normalised (the context spec), each with
    /// the hash of the content it read: while the disk still holds that content, what the user
    /// changed in it is already in the tree, so it is an update, never an edit to keep or a
    /// conflict. Content the run did not read follows the usual rules.
    pub inputs: Vec<(String, String)>,
}

impl Generation {
    /// Plans the tree against what exists, merging the user's edits with the changes where the
    /// previous output renders again exactly ([`merge`]).
    pub fn plan(&self, source: &dyn plan::Source) -> Result<plan::Plan, Error> {
        let plan = plan::plan(&self.root, &self.tree, source, self.force, &self.inputs)?;
        self.merged(plan, source)
    }

    /// [`Generation::plan`], moving the tree's files into the plan instead of copying them: what a
    /// run that only applies or prints the plan calls (the output is held once, not twice).
    pub fn into_plan(mut self, source: &dyn plan::Source) -> Result<plan::Plan, Error> {
        let tree = std::mem::take(&mut self.tree);
        let plan = plan::plan_owned(&self.root, tree, source, self.force, &self.inputs)?;
        self.merged(plan, source)
    }

    /// The plan with the user's edits merged where the previous output renders again exactly.
    fn merged(&self, mut plan: plan::Plan, source: &dyn plan::Source) -> Result<plan::Plan, Error> {
        // Rendering the previous output costs a second generation: only when a merge may help.
        if plan.entries.iter().any(merge::mergeable) {
            let previous = self.previous_output(source)?;
            let markers = self.conflicts == options::ConflictMode::Markers;
            merge::merge_conflicts(&mut plan, &previous, markers);
        }
        Ok(plan)
    }

    /// The previous run's output rendered again: from the options its manifest records (the spec
    /// it rendered, normalised) and the aggregates after the root it records, with the stored
    /// spec replaced by theirs (or hidden, for one aggregate) so that a spec edited since is not
    /// read in their place. Empty when there is no manifest of this generator or its options no
    /// longer validate; the merge checks each file's hash against the manifest anyway.
    fn previous_output(
        &self,
        source: &dyn plan::Source,
    ) -> Result<std::collections::BTreeMap<String, String>, Error> {
        let manifest_path = format!("{}/{}", self.root, manifest::FILE_NAME);
        let Some(recorded) = plan::read_manifest(source, &manifest_path)? else {
            return Ok(std::collections::BTreeMap::new());
        };
        if recorded.generator != self.generator.name() {
            return Ok(std::collections::BTreeMap::new());
        }
        // Several aggregates: the spec the previous run rendered, made again from the manifest.
        let recorded_spec = if recorded.aggregates.is_empty() {
            None
        } else {
            let more: Result<Vec<spec::AggregateSpec>, _> = recorded
                .aggregates
                .iter()
                .map(|aggregate| serde_json::from_value(aggregate.clone()))
                .collect();
            let (Ok(valid), Ok(more)) = (validate::domain(&recorded.options), more) else {
                return Ok(std::collections::BTreeMap::new());
            };
            let mut spec = spec::ContextSpec::from_valid(&valid, Vec::new());
            spec.aggregates.extend(more);
            Some(spec.to_text())
        };
        let replaced = Replacing {
            source,
            path: format!("{}/{}", self.root, spec::FILE_NAME),
            content: recorded_spec,
        };
        match generate_in(self.generator, &recorded.options, &replaced) {
            Ok(previous) => Ok(previous
                .tree
                .iter()
                .map(|(path, content)| (path.to_owned(), content.to_owned()))
                .collect()),
            Err(Failure::Invalid(_)) => Ok(std::collections::BTreeMap::new()),
            Err(Failure::Error(error)) => Err(error),
        }
    }
}

/// A source with one file replaced by `content`, or left out when `content` is `None`.
struct Replacing<'a> {
    source: &'a dyn plan::Source,
    path: String,
    content: Option<String>,
}

impl plan::Source for Replacing<'_> {
    fn read(&self, path: &str) -> Result<Option<String>, Error> {
        if path == self.path {
            Ok(self.content.clone())
        } else {
            self.source.read(path)
        }
    }
}

/// Validates the options and renders the generator's tree for an empty workspace; writes nothing.
pub fn generate(generator: Generator, options: &Value) -> Result<Generation, Failure> {
    generate_in(generator, options, &std::collections::BTreeMap::new())
}

/// Validates the options as edits of the context's stored spec (read from `source`, like the
/// previous manifest), and renders the generator's tree; writes nothing.
pub fn generate_in(
    generator: Generator,
    options: &Value,
    source: &dyn plan::Source,
) -> Result<Generation, Failure> {
    generate_from(generator, options, source, None)
}

/// A context spec given as a file (`generate domain <name> --spec FILE`): `path` as the user
/// named it (messages quote it) and its text.
#[derive(Debug, Clone, Copy)]
pub struct SpecFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// [`generate_in`], with the context's model taken from `spec_file` instead of the stored spec
/// (its migration history stays the context's); the options edit it the same way.
pub fn generate_from(
    generator: Generator,
    options: &Value,
    source: &dyn plan::Source,
    spec_file: Option<SpecFile<'_>>,
) -> Result<Generation, Failure> {
    generator.definition().generate(options, source, spec_file)
}

/// Validates the options and returns the context folder (`libs/orders`) without rendering: all
/// the Nx shim needs for its first request, before it sends the files under that folder.
pub fn root(generator: Generator, options: &Value) -> Result<String, Failure> {
    generator.definition().root(options)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `root` is the root `generate` reports, and rejects what `generate` rejects.
    #[test]
    fn root_without_rendering() {
        for options in [
            json!({"name": "orders"}),
            json!({"name": "invoices", "directory": "services/python"}),
        ] {
            let generation = generate(Generator::Domain, &options).unwrap();
            assert_eq!(root(Generator::Domain, &options).unwrap(), generation.root);
        }
        let bad = json!({"name": "Orders"});
        assert!(matches!(
            root(Generator::Domain, &bad),
            Err(Failure::Invalid(_))
        ));
    }

    /// The files of a generation as a workspace holds them after applying it.
    fn disk_of(generation: &Generation) -> std::collections::BTreeMap<String, String> {
        generation
            .tree
            .iter()
            .map(|(path, content)| (path.to_owned(), content.to_owned()))
            .collect()
    }

    /// issue 11: a stored spec listing several aggregates renders each aggregate's files once,
    /// wires every aggregate into the unit of work and bootstrap, leaves the other aggregates'
    /// files as they were, and keeps the aggregates in the spec; a colliding one is refused
    /// naming its JSON pointer in the spec.
    #[test]
    fn a_context_with_several_aggregates() {
        let spec_path = "libs/shop/python-ddd.spec.json";
        let options =
            json!({"name": "shop", "entity": "Order", "persistence": "memory", "api": "none"});
        let first = generate(Generator::Domain, &options).unwrap();
        let mut disk = disk_of(&first);
        let add = |disk: &mut std::collections::BTreeMap<String, String>, aggregate: Value| {
            let mut spec: Value = serde_json::from_str(&disk[spec_path]).unwrap();
            spec["aggregates"].as_array_mut().unwrap().push(aggregate);
            disk.insert(spec_path.to_owned(), spec.to_string());
        };
        add(
            &mut disk,
            json!({"name": "Customer", "fields": [{"name": "email", "type": "email"}]}),
        );
        let second = generate_in(Generator::Domain, &json!({"name": "shop"}), &disk).unwrap();
        let file = |path: &str| {
            second
                .tree
                .get(&format!("libs/shop/{path}"))
                .map(str::to_owned)
        };
        for path in [
            "domain/shop_domain/entities/customer.py",
            "domain/shop_domain/events/customer_created.py",
            "application/shop_application/use_cases/create_customer.py",
            "application/tests/unit/test_create_customer_usecase.py",
            "infrastructure/shop_infrastructure/adapters/in_memory/in_memory_customer_repo.py",
        ] {
            assert!(file(path).is_some(), "{path}");
        }
        let uow =
            file("infrastructure/shop_infrastructure/adapters/in_memory/in_memory_uow.py").unwrap();
        for expected in [
            "def orders(self) -> InMemoryOrderRepository:",
            "def customers(self) -> InMemoryCustomerRepository:",
            "customers_store: dict[CustomerId, Customer] | None = None,",
            "self._customers = InMemoryCustomerRepository(self.customers_store)",
        ] {
            assert!(uow.contains(expected), "{expected}\n{uow}");
        }
        let port = file("application/shop_application/ports/unit_of_work.py").unwrap();
        assert!(
            port.contains("def customers(self) -> CustomerRepository:"),
            "{port}"
        );
        let order = "libs/shop/domain/shop_domain/entities/order.py";
        assert_eq!(first.tree.get(order), second.tree.get(order));
        let stored =
            spec::ContextSpec::parse(spec_path, second.tree.get(spec_path).unwrap()).unwrap();
        let names: Vec<&str> = stored.aggregates.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Order", "Customer"]);

        let mut disk = disk_of(&second);
        add(
            &mut disk,
            json!({"name": "OrderLine", "fields": [{"name": "sku", "type": "str"}]}),
        );
        let Err(Failure::Invalid(problems)) =
            generate_in(Generator::Domain, &json!({"name": "shop"}), &disk)
        else {
            panic!("a colliding aggregate was accepted");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "/aggregates/2");
        assert!(
            problems[0]
                .message
                .starts_with("aggregate `OrderLine` (aggregate 0 is `Order`): its module names start with `order_`"),
            "{}",
            problems[0].message
        );
    }

    /// issue 12: use cases added to the stored spec render their files, stay in the spec when
    /// options edit it, add no migration revision (no table changes) and leave every file of the
    /// context outside the ones that list them as it was; a bad one is refused naming its pointer.
    #[test]
    fn use_cases_in_the_stored_spec() {
        let spec_path = "libs/orders/python-ddd.spec.json";
        let first = generate(Generator::Domain, &json!({"name": "orders"})).unwrap();
        let with_use_cases = |use_cases: Value| {
            let mut disk = disk_of(&first);
            let mut spec: Value = serde_json::from_str(&disk[spec_path]).unwrap();
            spec["aggregates"][0]["use_cases"] = use_cases;
            disk.insert(spec_path.to_owned(), spec.to_string());
            generate_in(Generator::Domain, &json!({"name": "orders"}), &disk)
        };
        let second = with_use_cases(json!([
            {"name": "pay", "sets": {"status": "paid"}, "when": {"status": "pending"}}
        ]))
        .unwrap();
        assert_eq!(revisions(&second), revisions(&first));
        let file = |generation: &Generation, path: &str| {
            generation
                .tree
                .get(&format!("libs/orders/{path}"))
                .map(str::to_owned)
        };
        let entity = file(&second, "domain/orders_domain/entities/order.py").unwrap();
        for expected in [
            "    def pay(self) -> None:",
            "            \"status=pending\",",
            "            status=OrderStatus.PAID,",
            "            OrderPaid(",
        ] {
            assert!(entity.contains(expected), "{expected}\n{entity}");
        }
        for path in [
            "domain/orders_domain/events/order_transitions.py",
            "application/orders_application/use_cases/transition_order.py",
            "application/orders_application/dto/transition_order_dto.py",
            "domain/tests/unit/test_order_transitions.py",
            "application/tests/unit/test_transition_order_usecase.py",
            "interface/tests/api/test_orders_transitions_api.py",
        ] {
            assert!(file(&first, path).is_none(), "{path}");
            assert!(file(&second, path).is_some(), "{path}");
        }
        let changed: Vec<&str> = second
            .tree
            .iter()
            .filter(|(path, content)| first.tree.get(path) != Some(*content))
            .map(|(path, _)| path.trim_start_matches("libs/orders/"))
            .filter(|path| !path.starts_with(".python-ddd"))
            .collect();
        assert_eq!(
            changed,
            [
                "application/orders_application/dto/transition_order_dto.py",
                "application/orders_application/use_cases/transition_order.py",
                "application/tests/unit/test_transition_order_usecase.py",
                "domain/orders_domain/entities/order.py",
                "domain/orders_domain/errors/order_error.py",
                "domain/orders_domain/events/order_transitions.py",
                "domain/tests/unit/test_order_transitions.py",
                "infrastructure/orders_infrastructure/adapters/sqlalchemy/event_codec.py",
                "interface/orders_api/http/controllers/orders_controller.py",
                "interface/orders_api/http/problems.py",
                "interface/tests/api/test_orders_api.py",
                "interface/tests/api/test_orders_transitions_api.py",
                "python-ddd.spec.json",
            ]
        );
        // An option edits the spec: the use cases stay.
        let third = generate_in(
            Generator::Domain,
            &json!({"name": "orders", "api": "none"}),
            &disk_of(&second),
        )
        .unwrap();
        let stored =
            spec::ContextSpec::parse(spec_path, third.tree.get(spec_path).unwrap()).unwrap();
        assert_eq!(stored.aggregates[0].use_cases.len(), 1);
        assert!(file(&third, "domain/orders_domain/events/order_transitions.py").is_some());

        let Err(Failure::Invalid(problems)) = with_use_cases(json!([
            {"name": "pay", "sets": {"status": "shipped"}, "when": {"state": "pending"}}
        ])) else {
            panic!("a bad use case was accepted");
        };
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/aggregates/0/use_cases/0/sets/status",
                    "use case `pay`: field `status` takes one of pending, paid, cancelled; \
                     `shipped` is not one of them (`aggregates` as the context spec \
                     `libs/orders/python-ddd.spec.json` states it)"
                ),
                (
                    "/aggregates/0/use_cases/0/when/state",
                    "use case `pay`: `Order` has no field `state`; its fields: customer_email, \
                     total, status, note (`aggregates` as the context spec \
                     `libs/orders/python-ddd.spec.json` states it)"
                ),
            ]
        );
    }

    const VERSIONS: &str = "libs/orders/infrastructure/orders_infrastructure/migrations/versions";

    fn revisions(generation: &Generation) -> Vec<(String, String)> {
        generation
            .tree
            .iter()
            .filter(|(path, _)| path.starts_with(VERSIONS))
            .map(|(path, content)| (path[VERSIONS.len() + 1..].to_owned(), content.to_owned()))
            .collect()
    }

    /// issue 11: the first run writes revision 0001; each spec change that alters the table adds
    /// the next one, and every revision written earlier stays byte for byte what it was.
    #[test]
    fn migrations_are_history() {
        let steps = [
            "title:str,status:enum(new|done),total:money,amount:int",
            "title:str,status:enum(new|done),total:money,amount:int,priority:int?,channel:enum(web|shop)?",
            "title:str,status:enum(new|done),total:money,priority:int?,channel:enum(web|shop)?",
            "title:str,status:enum(new|done|cancelled_by_customer),total:money,priority:int?,channel:enum(web|shop)?",
            "title:str,status:enum(new|done|cancelled_by_customer),total:money?,priority:int?,channel:enum(web|shop)?",
            // Reordering fields alters no table: no revision.
            "total:money?,title:str,status:enum(new|done|cancelled_by_customer),priority:int?,channel:enum(web|shop)?",
        ];
        let mut disk = std::collections::BTreeMap::new();
        let mut written: Vec<(String, String)> = Vec::new();
        for (step, fields) in steps.iter().enumerate() {
            let options = json!({"name": "orders", "fields": fields});
            let generation = generate_in(Generator::Domain, &options, &disk)
                .unwrap_or_else(|e| panic!("step {step}: {e:?}"));
            let now = revisions(&generation);
            assert_eq!(&now[..written.len()], &written[..], "step {step}");
            let expected = (step + 1).min(5);
            assert_eq!(now.len(), expected, "step {step}: {now:?}");
            let plan = generation.plan(&disk).unwrap();
            for entry in plan.entries.iter().filter(|e| e.path.starts_with(VERSIONS)) {
                let new = entry
                    .path
                    .ends_with(&format!("rev_{expected:04}_alter_orders_table.py"))
                    || step == 0;
                let action = if new && written.len() < expected {
                    plan::Action::Create
                } else {
                    plan::Action::Unchanged
                };
                assert_eq!(entry.action, action, "step {step}: {}", entry.path);
            }
            written = now;
            disk = disk_of(&generation);
        }
        let names: Vec<&str> = written.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "rev_0001_create_orders_table.py",
                "rev_0002_alter_orders_table.py",
                "rev_0003_alter_orders_table.py",
                "rev_0004_alter_orders_table.py",
                "rev_0005_alter_orders_table.py",
            ]
        );
        // 0004 widens the enum column: its type changes with its CHECK constraint.
        assert!(
            written[3].1.contains("type_=sa.String(length=21)"),
            "{}",
            written[3].1
        );
        assert!(written[4].1.contains("\"total_amount\",\n            existing_type=ExactDecimal(),\n            nullable=True"));
    }

    /// issue 10 item 4: a context whose revisions predate the transactional outbox (its spec's
    /// revisions say nothing of it, its `0001` creates only the aggregate's table) gets revision
    /// `0002` creating the outbox table, and `0001` is carried as it is; a new context's `0001`
    /// creates both tables.
    #[test]
    fn a_context_from_before_the_outbox_gets_a_revision_creating_it() {
        let spec_path = "libs/orders/python-ddd.spec.json";
        let manifest_path = "libs/orders/.python-ddd.json";
        let options = json!({"name": "orders"});
        let new = generate(Generator::Domain, &options).unwrap();
        let new_revisions = revisions(&new);
        assert_eq!(new_revisions.len(), 1);
        assert!(
            new_revisions[0]
                .1
                .contains("op.create_table(\n        \"orders_outbox\",")
        );
        let mut spec =
            spec::ContextSpec::parse(spec_path, new.tree.get(spec_path).unwrap()).unwrap();
        assert!(spec.migrations[0].outbox);

        // The workspace a run before the outbox left: rendered from its spec, then without what
        // this run adds (revision 0002, in the files and in the manifest).
        spec.migrations[0].outbox = false;
        let legacy_spec = spec.to_text();
        let mut disk =
            std::collections::BTreeMap::from([(spec_path.to_owned(), legacy_spec.clone())]);
        disk = disk_of(&generate_in(Generator::Domain, &options, &disk).unwrap());
        let rev_0002 = format!("{VERSIONS}/rev_0002_create_orders_outbox.py");
        assert!(disk.remove(&rev_0002).is_some());
        let mut manifest: Value = serde_json::from_str(&disk[manifest_path]).unwrap();
        let relative = &rev_0002["libs/orders/".len()..];
        assert!(
            manifest["files"]
                .as_object_mut()
                .unwrap()
                .remove(relative)
                .is_some()
        );
        disk.insert(manifest_path.to_owned(), manifest.to_string());
        disk.insert(spec_path.to_owned(), legacy_spec);
        let rev_0001 = format!("{VERSIONS}/rev_0001_create_orders_table.py");
        // An edit to the carried revision shows it is carried, not rendered again.
        let carried = format!("{}# edited by hand\n", disk[&rev_0001]);
        assert!(!carried.contains("outbox"), "{carried}");
        disk.insert(rev_0001.clone(), carried.clone());

        let upgraded = generate_in(Generator::Domain, &options, &disk).unwrap();
        assert_eq!(upgraded.tree.get(&rev_0001), Some(carried.as_str()));
        let created = upgraded.tree.get(&rev_0002).expect("revision 0002");
        for expected in [
            "Revises: 0001",
            "down_revision: str | None = \"0001\"",
            "op.create_table(\n        \"orders_outbox\",",
            "op.drop_table(\"orders_outbox\")",
        ] {
            assert!(created.contains(expected), "{expected} not in:\n{created}");
        }
        assert!(!created.contains("batch_alter_table"), "{created}");
        let plan = upgraded.plan(&disk).unwrap();
        let action = |path: &str| plan.entries.iter().find(|e| e.path == path).unwrap().action;
        assert_eq!(action(&rev_0002), plan::Action::Create);
        assert_eq!(action(&rev_0001), plan::Action::Unchanged);
        let stored =
            spec::ContextSpec::parse(spec_path, upgraded.tree.get(spec_path).unwrap()).unwrap();
        let outbox: Vec<bool> = stored.migrations.iter().map(|r| r.outbox).collect();
        assert_eq!(outbox, [false, true]);
        // The next run adds nothing.
        let again = generate_in(Generator::Domain, &options, &disk_of(&upgraded)).unwrap();
        assert_eq!(revisions(&again), revisions(&upgraded));
    }

    /// A revision on disk is carried forward as it is, even when edited (a data migration added
    /// by hand) or when the template changed since; a missing one is rendered again.
    #[test]
    fn a_written_revision_is_never_rewritten() {
        let first = generate(
            Generator::Domain,
            &json!({"name": "orders", "fields": "title:str"}),
        )
        .unwrap();
        let mut disk = disk_of(&first);
        let rev_0001 = format!("{VERSIONS}/rev_0001_create_orders_table.py");
        let edited = format!("{}\n# a data migration added by hand\r\n", disk[&rev_0001]);
        disk.insert(rev_0001.clone(), edited.clone());
        let options = json!({"name": "orders", "fields": "title:str,note:str?"});
        let second = generate_in(Generator::Domain, &options, &disk).unwrap();
        assert_eq!(second.tree.get(&rev_0001), Some(edited.as_str()));
        let plan = second.plan(&disk).unwrap();
        let entry = plan.entries.iter().find(|e| e.path == rev_0001).unwrap();
        assert_eq!(entry.action, plan::Action::Unchanged);

        disk.remove(&rev_0001);
        let again = generate_in(Generator::Domain, &options, &disk).unwrap();
        assert_eq!(again.tree.get(&rev_0001), first.tree.get(&rev_0001));
    }

    /// Changes a migration cannot make to existing rows are refused (exit 2), naming the way out.
    #[test]
    fn changes_rows_cannot_take_are_refused() {
        let first = generate(
            Generator::Domain,
            &json!({"name": "orders", "fields": "title:str"}),
        )
        .unwrap();
        let disk = disk_of(&first);
        let refused = |fields: &str| match generate_in(
            Generator::Domain,
            &json!({"name": "orders", "fields": fields}),
            &disk,
        ) {
            Err(Failure::Invalid(problems)) => problems,
            other => panic!("{fields}: {other:?}"),
        };
        let problems = refused("title:str,priority:int");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "/fields");
        assert_eq!(
            problems[0].message,
            "the new field `priority` is required, but the table `orders` already exists and its \
             rows have no value for it; add it as optional (`priority:int?`)"
        );
        assert!(
            refused("title:int")[0]
                .message
                .contains("changes its type from str to int")
        );
        // With persistence in memory there is no table to migrate: anything goes.
        generate_in(
            Generator::Domain,
            &json!({"name": "orders", "fields": "title:int,p:int", "persistence": "memory"}),
            &disk,
        )
        .unwrap();
    }

    /// The stored spec is the model: options left out keep what it says, an edit of the spec
    /// itself is rendered, and a context generated before specs existed starts from the options
    /// its manifest recorded.
    #[test]
    fn the_stored_spec_is_read_and_edited_by_options() {
        let first = generate(
            Generator::Domain,
            &json!({"name": "orders", "fields": "title:str", "eventBus": "kafka", "tags": "team:a"}),
        )
        .unwrap();
        let mut disk = disk_of(&first);
        let spec_path = "libs/orders/python-ddd.spec.json";
        let rerun = generate_in(Generator::Domain, &json!({"name": "orders"}), &disk).unwrap();
        assert!(
            rerun
                .plan(&disk)
                .unwrap()
                .entries
                .iter()
                .all(|e| e.action == plan::Action::Unchanged),
            "a re-run with no options changes nothing"
        );

        let mut spec: Value = serde_json::from_str(&disk[spec_path]).unwrap();
        spec["aggregates"][0]["fields"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "due", "type": "date", "optional": true}));
        disk.insert(spec_path.to_owned(), spec.to_string());
        let edited = generate_in(Generator::Domain, &json!({"name": "orders"}), &disk).unwrap();
        // The hand-edited spec is the run's input, not an edit to protect: it is rewritten in its
        // normalised form, never kept or in conflict (Nx's `sync` found it reported as "edited").
        let spec_entry = edited
            .plan(&disk)
            .unwrap()
            .entries
            .into_iter()
            .find(|e| e.path == spec_path)
            .unwrap();
        assert_eq!(spec_entry.action, plan::Action::Update);
        assert!(!spec_entry.forced);
        // Content the run did not read is the user's: replaced after the run read it, the spec is
        // an edit like any other (the edit/regenerate loop found this).
        let mut replaced = disk.clone();
        replaced.insert(spec_path.to_owned(), "{\"replaced\": true}\n".to_owned());
        let spec_entry = edited
            .plan(&replaced)
            .unwrap()
            .entries
            .into_iter()
            .find(|e| e.path == spec_path)
            .unwrap();
        assert_eq!(spec_entry.action, plan::Action::Conflict);
        let stored =
            spec::ContextSpec::parse(spec_path, edited.tree.get(spec_path).unwrap()).unwrap();
        assert_eq!(
            stored.root_aggregate().fields_option(),
            "title:str,due:date?"
        );
        assert_eq!(stored.event_bus, options::EventBus::Kafka);
        assert_eq!(stored.tags, ["team:a"]);
        assert_eq!(stored.migrations.len(), 2);

        disk.insert(spec_path.to_owned(), "{\"version\": 1}".to_owned());
        match generate_in(Generator::Domain, &json!({"name": "orders"}), &disk) {
            Err(Failure::Invalid(problems)) => assert!(
                problems[0].message.starts_with(
                    "the context spec `libs/orders/python-ddd.spec.json` is not valid: missing field"
                ),
                "{problems:?}"
            ),
            other => panic!("{other:?}"),
        }

        // Before specs: only a manifest; its options are the previous spec, its 0001 the history.
        let mut old = disk_of(&first);
        old.remove(spec_path);
        let upgraded = generate_in(
            Generator::Domain,
            &json!({"name": "orders", "fields": "title:str,due:date?"}),
            &old,
        )
        .unwrap();
        assert_eq!(
            revisions(&upgraded)
                .iter()
                .map(|(name, _)| name.as_str())
                .collect::<Vec<_>>(),
            [
                "rev_0001_create_orders_table.py",
                "rev_0002_alter_orders_table.py"
            ]
        );
        assert!(
            upgraded
                .tree
                .get("libs/orders/docs/traceability.md")
                .is_some()
        );
        let kafka = "libs/orders/infrastructure/orders_infrastructure/adapters/kafka/event_bus.py";
        assert!(
            upgraded.tree.get(kafka).is_some(),
            "the recorded eventBus is kept"
        );
    }

    /// Every supported combination renders, no two feature folders write the same path, and the
    /// manifest lists every other file.
    #[test]
    fn every_combination_renders() {
        for persistence in ["sqlalchemy", "memory"] {
            for event_bus in ["memory", "kafka", "rabbitmq"] {
                for api in ["fastapi", "none"] {
                    for (layout, cache) in [
                        ("single", "memory"),
                        ("single", "redis"),
                        ("per-layer", "memory"),
                        ("per-layer", "redis"),
                    ] {
                        for fields in [
                            fields::DEFAULT_FIELDS,
                            "title:str",
                            "a:str,b:int,c:bool,d:decimal,e:datetime,f:date,g:uuid,h:email,i:money,j:enum(x|y),\
                             k:str?,l:int?,m:bool?,n:decimal?,o:datetime?,p:date?,q:uuid?,r:email?,s:money?,t:enum(z)?",
                        ] {
                            let options = json!({
                                "name": "orders", "persistence": persistence, "eventBus": event_bus,
                                "api": api, "projectLayout": layout, "fields": fields,
                                "cache": cache,
                            });
                            let generation = generate(Generator::Domain, &options)
                                .unwrap_or_else(|e| panic!("{options}: {e:?}"));
                            let manifest_path = format!("libs/orders/{}", manifest::FILE_NAME);
                            let manifest = manifest::Manifest::parse(
                                &manifest_path,
                                generation.tree.get(&manifest_path).expect("a manifest"),
                            )
                            .unwrap();
                            assert_eq!(
                                manifest.files.len() + 1,
                                generation.tree.len(),
                                "{options}"
                            );
                        }
                    }
                }
            }
        }
    }
}
