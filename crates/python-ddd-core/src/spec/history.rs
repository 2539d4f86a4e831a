//! Migrations are history: the first generation writes revision `0001` (create every aggregate's
//! table); every later spec change that alters the tables adds the next revision, computed from the
//! tables the last revision left (recorded in the stored spec, every aggregate's) and the new spec. A revision once written is
//! never rewritten: a run carries the file on disk forward byte for byte, and renders one only
//! when it is missing.
//!
//! What a revision may do, and why the rest is refused (exit 2, before anything is written):
//! - add a field: only an optional one — the table's existing rows have no value for it, and the
//!   generator does not invent one (a server default would be made-up data);
//! - remove a field: drops its column(s) (and its CHECK constraint);
//! - make a required field optional: relaxes `NOT NULL`;
//! - change an enum field's values: replaces its CHECK constraint (and its column's length);
//! - make an optional field required, change a field's type or the aggregate's name: refused —
//!   existing rows may hold `NULL`s, values of the old type, or live under the old table name; add
//!   a new optional field instead (or write that migration by hand);
//! - add an aggregate: creates its table (its fields may be required: the table has no rows);
//! - remove an aggregate: refused — its table holds rows a generated `DROP TABLE` would destroy
//!   without a word; keep the aggregate in the spec.
//!
//! A revision's tables are matched by aggregate name. Revisions of a context with one aggregate
//! render as they always did (`revision-create`, `revision-alter`), so the histories recorded
//! before contexts had several aggregates still render byte for byte; a revision that leaves
//! several tables renders from `revision-many`.
//!
//! - create the transactional outbox table (`<table>_outbox`): revision `0001` of a new context
//!   does; a history recorded before the outbox existed (its revisions say `outbox: false`) gets
//!   the next revision to create it, with the field changes of that run if there are any.
//!
//! Every alteration runs in `op.batch_alter_table`, which SQLite needs for drops and alters (it
//! copies the table) and other databases run as plain `ALTER TABLE`s.

use serde::Serialize;

use crate::fields::{Field, Kind};
use crate::model::{DomainModel, SqlNames};
use crate::spec::{AggregateSpec, FieldEntry, Revision};
use crate::validate::{Problem, ValidDomain};

/// The id of the n-th revision (1-based): `0001`.
pub fn revision_id(number: usize) -> String {
    format!("{number:04}")
}

/// The history after this run: `history` plus, when the tables changed since its last revision, a
/// new revision leaving them as `current` (every aggregate of the context, the root first) says.
/// An empty history starts with `0001`. Every revision this writes leaves the transactional outbox
/// table: a history whose last revision predates the outbox gets one that creates it, with the
/// field changes if there are any.
pub fn advance(
    mut history: Vec<Revision>,
    current: &[AggregateSpec],
) -> Result<Vec<Revision>, Vec<Problem>> {
    check_recorded(&history)?;
    // A revision records tables: an aggregate's use cases change none, so none is recorded.
    let current: Vec<AggregateSpec> = current
        .iter()
        .map(|aggregate| AggregateSpec {
            use_cases: Vec::new(),
            ..aggregate.clone()
        })
        .collect();
    let Some(last) = history.last() else {
        history.push(Revision {
            revision: revision_id(1),
            aggregates: current,
            outbox: true,
        });
        return Ok(history);
    };
    let changes = TableChange::between(&last.aggregates, &current)?;
    if changes.iter().any(|change| !change.is_empty()) || !last.outbox {
        history.push(Revision {
            revision: revision_id(history.len() + 1),
            aggregates: current,
            outbox: true,
        });
    }
    Ok(history)
}

/// The history a context generated before context specs existed has: its revision `0001` created
/// the table of the fields its manifest recorded, and no outbox (which came later still).
pub fn before_specs(aggregate: &AggregateSpec) -> Vec<Revision> {
    vec![Revision {
        revision: revision_id(1),
        aggregates: vec![aggregate.clone()],
        outbox: false,
    }]
}

/// The recorded history (the spec's `migrations`, which a user may have edited) is one the
/// generator could have written: revisions `0001`, `0002`, … each with at least one aggregate, no
/// name twice, and each step a change a migration can make. Anything else would render revisions that do not match
/// the files on disk, so it is refused (exit 2), naming the revision.
fn check_recorded(history: &[Revision]) -> Result<(), Vec<Problem>> {
    let problem = |revision: &Revision, why: &str| {
        vec![Problem::new(
            "",
            format!(
                "the context spec's `migrations` entry `{}` {why}; restore `python-ddd.spec.json` \
                 from version control (the generator writes `migrations`)",
                revision.revision
            ),
        )]
    };
    for (index, revision) in history.iter().enumerate() {
        if revision.revision != revision_id(index + 1) {
            return Err(problem(
                revision,
                &format!("is out of order: expected `{}`", revision_id(index + 1)),
            ));
        }
        if revision.aggregates.is_empty() {
            return Err(problem(revision, "must list at least one aggregate"));
        }
        for (at, aggregate) in revision.aggregates.iter().enumerate() {
            if revision.aggregates[..at]
                .iter()
                .any(|other| other.name == aggregate.name)
            {
                return Err(problem(
                    revision,
                    &format!("lists the aggregate `{}` twice", aggregate.name),
                ));
            }
        }
        if let Some(previous) = index.checked_sub(1).map(|i| &history[i])
            && (TableChange::between(&previous.aggregates, &revision.aggregates).is_err()
                || (previous.outbox && !revision.outbox))
        {
            return Err(problem(
                revision,
                "records a change no generated migration makes",
            ));
        }
    }
    Ok(())
}

/// What a revision does to one aggregate's table.
#[derive(Debug, PartialEq, Eq)]
enum TableChange<'a> {
    /// The aggregate is new: its table is created.
    Created(&'a AggregateSpec),
    /// The aggregate had a table: how its fields changed (maybe not at all).
    Altered {
        before: &'a AggregateSpec,
        now: &'a AggregateSpec,
        changes: Changes<'a>,
    },
}

impl<'a> TableChange<'a> {
    /// Each table of `now` (spec order) and what changes it, or every refused change as a
    /// problem. Aggregates are matched by name; one aggregate before and one now are the same
    /// table (so renaming a context's only aggregate is refused as a rename, as it always was).
    fn between(
        before: &'a [AggregateSpec],
        now: &'a [AggregateSpec],
    ) -> Result<Vec<Self>, Vec<Problem>> {
        if let ([old], [new]) = (before, now) {
            let changes = Changes::between(old, new, "/fields")?;
            return Ok(vec![Self::Altered {
                before: old,
                now: new,
                changes,
            }]);
        }
        let mut problems: Vec<Problem> = before
            .iter()
            .filter(|old| !now.iter().any(|new| new.name == old.name))
            .map(|old| {
                Problem::new(
                    "/aggregates",
                    format!(
                        "the aggregate `{name}` is gone from the spec, but the migrations created its \
                         table `{table}`; a generated migration does not drop a table and its rows: \
                         keep `{name}` in `aggregates` (rename or remove its table by hand first if \
                         you must)",
                        name = old.name,
                        table = table_of(old),
                    ),
                )
            })
            .collect();
        let mut changes = Vec::new();
        for (index, new) in now.iter().enumerate() {
            match before.iter().find(|old| old.name == new.name) {
                None => changes.push(Self::Created(new)),
                Some(old) => {
                    let pointer = if index == 0 {
                        "/fields".to_owned()
                    } else {
                        format!("/aggregates/{index}/fields")
                    };
                    match Changes::between(old, new, &pointer) {
                        Ok(found) => changes.push(Self::Altered {
                            before: old,
                            now: new,
                            changes: found,
                        }),
                        Err(found) => problems.extend(found),
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(changes)
        } else {
            Err(problems)
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::Created(_) => false,
            Self::Altered { changes, .. } => changes.is_empty(),
        }
    }
}

/// The table of an aggregate: its plural, snake_case.
fn table_of(aggregate: &AggregateSpec) -> String {
    crate::names::plural(&crate::names::snake(&aggregate.name))
}

/// How one table's fields changed between two revisions (fields matched by name; order alone is
/// no change: columns have no order a schema comparison sees).
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes<'a> {
    added: Vec<&'a FieldEntry>,
    dropped: Vec<&'a FieldEntry>,
    /// Required before, optional now.
    relaxed: Vec<&'a FieldEntry>,
    /// Enum fields whose values changed: (before, now).
    enums: Vec<(&'a FieldEntry, &'a FieldEntry)>,
}

impl<'a> Changes<'a> {
    /// The changes, or every refused one as a problem (at `pointer`, the fields' place in the
    /// options or spec).
    fn between(
        before: &'a AggregateSpec,
        now: &'a AggregateSpec,
        pointer: &str,
    ) -> Result<Self, Vec<Problem>> {
        if before.name != now.name {
            return Err(vec![Problem::new(
                "/entity",
                format!(
                    "the aggregate root `{}` has migrations, and renaming it (to `{}`) would rename its \
                     table; migrations cannot do that yet: keep `entity` as `{}`",
                    before.name, now.name, before.name
                ),
            )]);
        }
        let mut changes = Self::default();
        let mut problems = Vec::new();
        for field in &now.fields {
            match before.fields.iter().find(|old| old.name == field.name) {
                None if !field.optional => problems.push(Problem::new(
                    pointer,
                    format!(
                        "the new field `{name}` is required, but the table `{table}` already exists and \
                         its rows have no value for it; add it as optional (`{name}:{kind}?`)",
                        name = field.name,
                        table = table_of(now),
                        kind = kind_word(field),
                    ),
                )),
                None => changes.added.push(field),
                Some(old) if old.kind != field.kind => problems.push(Problem::new(
                    pointer,
                    format!(
                        "field `{}` changes its type from {} to {}, which a migration cannot do to \
                         existing rows; add a new optional field instead",
                        field.name,
                        kind_word(old),
                        kind_word(field)
                    ),
                )),
                Some(old) => {
                    if old.optional && !field.optional {
                        problems.push(Problem::new(
                            pointer,
                            format!(
                                "field `{}` becomes required, but existing rows may hold no value for \
                                 it; keep it optional (`{}:{}?`)",
                                field.name,
                                field.name,
                                kind_word(field)
                            ),
                        ));
                    } else if !old.optional && field.optional {
                        changes.relaxed.push(field);
                    }
                    if old.values != field.values {
                        changes.enums.push((old, field));
                    }
                }
            }
        }
        changes.dropped = before
            .fields
            .iter()
            .filter(|old| !now.fields.iter().any(|field| field.name == old.name))
            .collect();
        if problems.is_empty() {
            Ok(changes)
        } else {
            Err(problems)
        }
    }

    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A field's type as the `fields` option writes it.
fn kind_word(field: &FieldEntry) -> String {
    if field.kind == Kind::Enum {
        format!("enum({})", field.values.join("|"))
    } else {
        field.kind.as_str().to_owned()
    }
}

/// What a revision template sees besides the context's model (of the tables after the revision).
#[derive(Debug, Clone, Serialize)]
#[allow(clippy::struct_excessive_bools)] // flags are what `{{#if}}` reads
pub struct RevisionView {
    pub id: String,
    /// The file name after `rev_<id>_`: what the revision does (`alter_orders_table`,
    /// `create_orders_outbox`); the first revision's file is always `create_<table>_table` for
    /// one aggregate, `create_tables` for several.
    pub slug: String,
    /// The previous revision's id; empty for the first.
    pub down: String,
    /// The root aggregate's table changes (`table`, `added`, `dropped`, `relaxed`, `enums`): what
    /// a revision of a one-aggregate context does.
    #[serde(flatten)]
    pub changes: TableChanges,
    /// A revision leaving several tables (`revision-many`): the tables it creates, in spec order.
    pub created: Vec<TableView>,
    /// A revision leaving several tables: the tables whose fields it changes, in spec order.
    pub altered: Vec<TableChanges>,
    /// The file uses the context's `ExactDecimal` / `UtcDateTime` column types.
    pub exact_decimal: bool,
    pub utc_datetime: bool,
    /// The revision creates the transactional outbox table: the first revision of a new context,
    /// or the one after a revision that predates the outbox.
    pub creates_outbox: bool,
    /// The revision changes the aggregate's table (an alter revision may only create the outbox).
    pub alters_table: bool,
}

/// How a revision changes one existing table's columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TableChanges {
    /// The table's name.
    pub table: String,
    pub added: Vec<Field>,
    pub dropped: Vec<Field>,
    pub relaxed: Vec<Field>,
    pub enums: Vec<EnumChange>,
}

impl TableChanges {
    fn columns(&self) -> impl Iterator<Item = &Field> {
        self.added.iter().chain(&self.dropped).chain(&self.relaxed)
    }
}

/// A table a revision creates: what `partials/create_table` reads.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    pub entity_plural_snake: String,
    pub fields: Vec<Field>,
    pub sql: SqlNames,
}

/// An enum field whose values changed.
#[derive(Debug, Clone, Serialize)]
pub struct EnumChange {
    pub old: Field,
    pub new: Field,
    /// The column's length changes too.
    pub retyped: bool,
}

/// A revision template's data: the model of the tables after the revision, and the revision.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionModel {
    #[serde(flatten)]
    pub model: DomainModel,
    pub revision: RevisionView,
}

/// The model of a context whose aggregate has the given fields (those of a past revision).
fn model_of(valid: &ValidDomain, aggregate: &AggregateSpec) -> DomainModel {
    DomainModel::new(&ValidDomain {
        options: valid.options.clone(),
        entity: aggregate.name.clone(),
        fields: aggregate.field_specs(),
    })
}

/// The feature folder (under `templates/domain/`) of the first revision's template, of the later
/// ones', and of every revision that leaves several tables. They are rendered once per revision,
/// never with the context's other features.
pub const CREATE_FEATURE: &str = "revision-create";
pub const ALTER_FEATURE: &str = "revision-alter";
pub const MANY_FEATURE: &str = "revision-many";

/// The data of the template of `history[index]` and its feature folder.
pub fn revision_model(
    valid: &ValidDomain,
    history: &[Revision],
    index: usize,
) -> (&'static str, RevisionModel) {
    let revision = &history[index];
    let previous = index.checked_sub(1).map(|i| &history[i]);
    let before: &[AggregateSpec] = previous.map_or(&[], |p| &p.aggregates);
    let changes = TableChange::between(before, &revision.aggregates)
        .expect("a recorded revision holds only changes a migration can make");
    let (mut created, mut altered) = (Vec::new(), Vec::new());
    for change in &changes {
        match change {
            TableChange::Created(aggregate) => {
                let model = model_of(valid, aggregate);
                created.push(TableView {
                    entity_plural_snake: model.entity_plural_snake,
                    fields: model.fields,
                    sql: model.sql,
                });
            }
            TableChange::Altered {
                before,
                now,
                changes,
            } if !changes.is_empty() => altered.push(table_changes(valid, before, now, changes)),
            TableChange::Altered { .. } => {}
        }
    }
    let now = &revision.aggregates;
    let model = model_of(valid, &now[0]);
    let creates_outbox = revision.outbox && !previous.is_some_and(|p| p.outbox);
    let mut view = RevisionView {
        id: revision.revision.clone(),
        slug: String::new(),
        down: previous.map(|p| p.revision.clone()).unwrap_or_default(),
        changes: TableChanges::default(),
        exact_decimal: created
            .iter()
            .flat_map(|table| &table.fields)
            .chain(altered.iter().flat_map(TableChanges::columns))
            .any(|f| matches!(f.kind, Kind::Decimal | Kind::Money)),
        // The outbox's timestamps and every table's `archived_at` are `UtcDateTime` columns.
        utc_datetime: creates_outbox
            || !created.is_empty()
            || altered
                .iter()
                .flat_map(TableChanges::columns)
                .any(|f| f.kind == Kind::Datetime),
        creates_outbox,
        alters_table: !altered.is_empty(),
        created: Vec::new(),
        altered: Vec::new(),
    };
    if now.len() > 1 {
        let root_table = &model.entity_plural_snake;
        view.slug = match (created.as_slice(), altered.as_slice()) {
            _ if previous.is_none() => "create_tables".to_owned(),
            ([], []) => format!("create_{root_table}_outbox"),
            ([one], []) => format!("create_{}_table", one.entity_plural_snake),
            ([], [one]) => format!("alter_{}_table", one.table),
            _ => "alter_tables".to_owned(),
        };
        view.created = created;
        view.altered = altered;
        let more = &now[1..];
        let model = model.with_more(valid, more);
        return (
            MANY_FEATURE,
            RevisionModel {
                model,
                revision: view,
            },
        );
    }
    // One table: the revision templates of a context's only aggregate, as they always rendered.
    if previous.is_none() {
        view.slug = format!("create_{}_table", model.entity_plural_snake);
        view.exact_decimal = false;
        view.utc_datetime = false;
        return (
            CREATE_FEATURE,
            RevisionModel {
                model,
                revision: view,
            },
        );
    }
    view.slug = if view.alters_table {
        format!("alter_{}_table", model.entity_plural_snake)
    } else {
        format!("create_{}_outbox", model.entity_plural_snake)
    };
    view.changes = altered.pop().unwrap_or_else(|| TableChanges {
        table: model.entity_plural_snake.clone(),
        ..TableChanges::default()
    });
    (
        ALTER_FEATURE,
        RevisionModel {
            model,
            revision: view,
        },
    )
}

/// The column changes of one table, with each field as the templates see it.
fn table_changes(
    valid: &ValidDomain,
    before: &AggregateSpec,
    now: &AggregateSpec,
    changes: &Changes<'_>,
) -> TableChanges {
    let (old_model, model) = (model_of(valid, before), model_of(valid, now));
    let new_field = |entry: &FieldEntry| field_named(&model, &entry.name);
    let old_field = |entry: &FieldEntry| field_named(&old_model, &entry.name);
    TableChanges {
        table: model.entity_plural_snake.clone(),
        added: changes.added.iter().map(|e| new_field(e)).collect(),
        dropped: changes.dropped.iter().map(|e| old_field(e)).collect(),
        relaxed: changes.relaxed.iter().map(|e| new_field(e)).collect(),
        enums: changes
            .enums
            .iter()
            .map(|(old, new)| {
                let (old, new) = (old_field(old), new_field(new));
                EnumChange {
                    retyped: old.migration_type != new.migration_type,
                    old,
                    new,
                }
            })
            .collect(),
    }
}

fn field_named(model: &DomainModel, name: &str) -> Field {
    model
        .fields
        .iter()
        .find(|field| field.name == name)
        .cloned()
        .expect("the revision's field is in its model")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::parse_spec;

    fn aggregate(fields: &str) -> AggregateSpec {
        AggregateSpec {
            name: "Order".into(),
            fields: parse_spec(fields)
                .unwrap()
                .iter()
                .map(|spec| FieldEntry {
                    name: spec.name.clone(),
                    kind: spec.kind,
                    optional: spec.optional,
                    values: spec.enum_values.clone(),
                })
                .collect(),
            use_cases: Vec::new(),
        }
    }

    fn ids(history: &[Revision]) -> Vec<&str> {
        history.iter().map(|r| r.revision.as_str()).collect()
    }

    #[test]
    fn the_first_run_writes_0001_and_unchanged_tables_add_nothing() {
        let first = advance(Vec::new(), &[aggregate("title:str")]).unwrap();
        assert_eq!(ids(&first), ["0001"]);
        // Reordering fields changes no table.
        let same = advance(first.clone(), &[aggregate("title:str")]).unwrap();
        assert_eq!(same, first);
        let two = advance(first, &[aggregate("a:int?,title:str")]).unwrap();
        let reordered = advance(two.clone(), &[aggregate("title:str,a:int?")]).unwrap();
        assert_eq!(ids(&reordered), ["0001", "0002"]);
    }

    #[test]
    fn every_allowed_change_adds_a_revision() {
        let mut history = advance(Vec::new(), &[aggregate("t:str,s:enum(a|b),n:int")]).unwrap();
        for step in [
            "t:str,s:enum(a|b),n:int,p:int?",       // add an optional field
            "t:str,s:enum(a|b),p:int?",             // drop a field
            "t:str?,s:enum(a|b),p:int?",            // make a field optional
            "t:str?,s:enum(a|b|cccccccccc),p:int?", // change enum values
        ] {
            let before = history.len();
            history = advance(history, &[aggregate(step)]).unwrap();
            assert_eq!(history.len(), before + 1, "{step}");
            assert_eq!(history.last().unwrap().aggregates[0], aggregate(step));
        }
        assert_eq!(ids(&history), ["0001", "0002", "0003", "0004", "0005"]);
    }

    /// The outbox came after context specs: a history whose last revision predates it gets one
    /// more revision that creates it (alone, or with the run's field changes), and only one.
    #[test]
    fn a_history_from_before_the_outbox_gets_a_revision_creating_it() {
        let old = before_specs(&aggregate("t:str"));
        assert!(!old[0].outbox);
        let created = advance(old.clone(), &[aggregate("t:str")]).unwrap();
        assert_eq!(ids(&created), ["0001", "0002"]);
        assert!(created[1].outbox);
        assert_eq!(created[1].aggregates, old[0].aggregates);
        assert_eq!(
            advance(created.clone(), &[aggregate("t:str")]).unwrap(),
            created
        );
        let with_field = advance(old, &[aggregate("t:str,p:int?")]).unwrap();
        assert_eq!(ids(&with_field), ["0001", "0002"]);
        assert!(with_field[1].outbox);
        assert_eq!(with_field[1].aggregates[0], aggregate("t:str,p:int?"));
        // A new context's first revision creates it.
        assert!(advance(Vec::new(), &[aggregate("t:str")]).unwrap()[0].outbox);
    }

    /// What a revision template is told: the first revision creates the outbox only when its
    /// revision says so, and an outbox-only revision alters no table and is named for what it does.
    #[test]
    fn revision_views_say_what_creates_the_outbox() {
        let valid =
            crate::validate::domain(&serde_json::json!({"name": "orders", "fields": "t:str"}))
                .unwrap();
        let view = |history: &[Revision], index: usize| revision_model(&valid, history, index);
        let new = advance(Vec::new(), &[aggregate("t:str")]).unwrap();
        let (feature, first) = view(&new, 0);
        assert_eq!(feature, CREATE_FEATURE);
        assert!(first.revision.creates_outbox);
        let old = advance(before_specs(&aggregate("t:str")), &[aggregate("t:str")]).unwrap();
        assert!(!view(&old, 0).1.revision.creates_outbox);
        let (feature, second) = view(&old, 1);
        assert_eq!(feature, ALTER_FEATURE);
        let second = second.revision;
        assert!(second.creates_outbox && !second.alters_table && second.utc_datetime);
        assert_eq!(second.slug, "create_orders_outbox");
        let later = advance(old, &[aggregate("t:str,p:int?")]).unwrap();
        let third = view(&later, 2).1.revision;
        assert!(!third.creates_outbox && third.alters_table);
        assert_eq!(third.slug, "alter_orders_table");
    }

    /// A hand-edited history that the generator could not have written is refused, not rendered.
    #[test]
    fn a_tampered_history_is_refused() {
        let history = advance(Vec::new(), &[aggregate("t:str,o:int?")]).unwrap();
        let mut renumbered = history.clone();
        renumbered[0].revision = "0002".into();
        let mut empty = history.clone();
        empty[0].aggregates.clear();
        let mut impossible = advance(history.clone(), &[aggregate("t:str")]).unwrap();
        impossible[1].aggregates[0] = aggregate("t:int");
        let mut outbox_dropped = advance(history, &[aggregate("t:str")]).unwrap();
        outbox_dropped[1].outbox = false;
        for (history, why) in [
            (renumbered, "`0002` is out of order: expected `0001`"),
            (empty, "`0001` must list at least one aggregate"),
            (
                impossible,
                "`0002` records a change no generated migration makes",
            ),
            (
                outbox_dropped,
                "`0002` records a change no generated migration makes",
            ),
        ] {
            let problems = advance(history, &[aggregate("t:str")]).unwrap_err();
            assert!(problems[0].message.contains(why), "{problems:?}");
        }
    }

    #[test]
    fn changes_existing_rows_cannot_take_are_refused() {
        let history = advance(Vec::new(), &[aggregate("t:str,o:int?")]).unwrap();
        let refused = |fields: &str| {
            advance(history.clone(), &[aggregate(fields)])
                .unwrap_err()
                .into_iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            refused("t:str,o:int?,p:money"),
            [
                "/fields: the new field `p` is required, but the table `orders` already exists and \
              its rows have no value for it; add it as optional (`p:money?`)"
            ]
        );
        assert_eq!(
            refused("t:int,o:int?"),
            [
                "/fields: field `t` changes its type from str to int, which a migration cannot do to \
              existing rows; add a new optional field instead"
            ]
        );
        assert_eq!(
            refused("t:str,o:int"),
            [
                "/fields: field `o` becomes required, but existing rows may hold no value for it; \
              keep it optional (`o:int?`)"
            ]
        );
        let mut renamed = aggregate("t:str,o:int?");
        renamed.name = "Purchase".into();
        assert_eq!(advance(history, &[renamed]).unwrap_err()[0].path, "/entity");
    }

    fn named(name: &str, fields: &str) -> AggregateSpec {
        AggregateSpec {
            name: name.into(),
            ..aggregate(fields)
        }
    }

    /// Several aggregates: the first revision creates every table; a new aggregate later is the
    /// next revision creating its table (required fields and all: it has no rows); a field change
    /// in any aggregate alters that table alone. The one-aggregate revisions before keep their
    /// templates, so a history recorded before contexts had several aggregates renders as it did.
    #[test]
    fn every_aggregate_has_its_table_in_the_history() {
        let valid =
            crate::validate::domain(&serde_json::json!({"name": "orders", "fields": "t:str"}))
                .unwrap();
        let both = [aggregate("t:str"), named("Customer", "n:str")];
        let fresh = advance(Vec::new(), &both).unwrap();
        assert_eq!(ids(&fresh), ["0001"]);
        let (feature, first) = revision_model(&valid, &fresh, 0);
        assert_eq!(feature, MANY_FEATURE);
        let tables: Vec<&str> = (first.revision.created.iter())
            .map(|table| table.entity_plural_snake.as_str())
            .collect();
        assert_eq!(tables, ["orders", "customers"]);
        assert_eq!(first.revision.slug, "create_tables");
        assert!(first.revision.creates_outbox && first.revision.down.is_empty());

        let one = advance(Vec::new(), &[aggregate("t:str")]).unwrap();
        let grown = advance(one.clone(), &both).unwrap();
        assert_eq!(ids(&grown), ["0001", "0002"]);
        assert_eq!(grown[0], one[0], "a written revision is never rewritten");
        assert_eq!(revision_model(&valid, &grown, 0).0, CREATE_FEATURE);
        let (feature, second) = revision_model(&valid, &grown, 1);
        assert_eq!(feature, MANY_FEATURE);
        let second = second.revision;
        assert_eq!(second.slug, "create_customers_table");
        assert_eq!((second.created.len(), second.altered.len()), (1, 0));
        assert!(!second.creates_outbox && !second.alters_table);
        assert_eq!(advance(grown.clone(), &both).unwrap(), grown);

        let changed = [aggregate("t:str"), named("Customer", "n:str,e:email?")];
        let altered = advance(grown, &changed).unwrap();
        assert_eq!(ids(&altered), ["0001", "0002", "0003"]);
        let third = revision_model(&valid, &altered, 2).1.revision;
        assert_eq!(third.slug, "alter_customers_table");
        assert!(third.created.is_empty());
        let columns: Vec<&str> = third.altered[0]
            .added
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(
            (third.altered[0].table.as_str(), columns),
            ("customers", vec!["e"])
        );
    }

    #[test]
    fn another_aggregates_refused_changes_name_its_fields() {
        let history = advance(
            Vec::new(),
            &[aggregate("t:str"), named("Customer", "n:str")],
        )
        .unwrap();
        let problems = advance(
            history,
            &[aggregate("t:str"), named("Customer", "n:str,p:int")],
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "/aggregates/1/fields");
        assert!(
            problems[0].message.starts_with(
                "the new field `p` is required, but the table `customers` already exists"
            ),
            "{problems:?}"
        );
    }

    /// Removing an aggregate would drop its table with its rows: refused, naming it.
    #[test]
    fn removing_an_aggregate_is_refused() {
        let history = advance(
            Vec::new(),
            &[aggregate("t:str"), named("Customer", "n:str")],
        )
        .unwrap();
        let problems = advance(history.clone(), &[aggregate("t:str")]).unwrap_err();
        assert_eq!(
            problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>(),
            [
                "/aggregates: the aggregate `Customer` is gone from the spec, but the migrations \
                 created its table `customers`; a generated migration does not drop a table and \
                 its rows: keep `Customer` in `aggregates` (rename or remove its table by hand \
                 first if you must)"
            ]
        );
        let mut twice = history;
        twice[0].aggregates[1].name = "Order".into();
        let problems = advance(twice, &[aggregate("t:str")]).unwrap_err();
        assert!(
            problems[0]
                .message
                .contains("`0001` lists the aggregate `Order` twice"),
            "{problems:?}"
        );
    }
}
