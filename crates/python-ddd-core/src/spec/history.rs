//! Migrations are history: the first generation writes revision `0001` (create the table); every
//! later spec change that alters the table adds the next revision, computed from the tables the
//! last revision left (recorded in the stored spec) and the new spec. A revision once written is
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
//!   a new optional field instead (or write that migration by hand).
//!
//! - create the transactional outbox table (`<table>_outbox`): revision `0001` of a new context
//!   does; a history recorded before the outbox existed (its revisions say `outbox: false`) gets
//!   the next revision to create it, with the field changes of that run if there are any.
//!
//! Every alteration runs in `op.batch_alter_table`, which SQLite needs for drops and alters (it
//! copies the table) and other databases run as plain `ALTER TABLE`s.

use serde::Serialize;

use crate::fields::{Field, Kind};
use crate::model::DomainModel;
use crate::spec::{AggregateSpec, FieldEntry, Revision};
use crate::validate::{Problem, ValidDomain};

/// The id of the n-th revision (1-based): `0001`.
pub fn revision_id(number: usize) -> String {
    format!("{number:04}")
}

/// The history after this run: `history` plus, when the tables changed since its last revision, a
/// new revision leaving them as `current` says. An empty history starts with `0001`. Every
/// revision this writes leaves the transactional outbox table: a history whose last revision
/// predates the outbox gets one that creates it, with the field changes if there are any.
pub fn advance(
    mut history: Vec<Revision>,
    current: &AggregateSpec,
) -> Result<Vec<Revision>, Vec<Problem>> {
    check_recorded(&history)?;
    // A revision records tables: an aggregate's use cases change none, so none is recorded.
    let current = &AggregateSpec {
        use_cases: Vec::new(),
        ..current.clone()
    };
    let Some(last) = history.last() else {
        history.push(Revision {
            revision: revision_id(1),
            aggregates: vec![current.clone()],
            outbox: true,
        });
        return Ok(history);
    };
    let before = &last.aggregates[0];
    let changes = Changes::between(before, current)?;
    if !changes.is_empty() || !last.outbox {
        history.push(Revision {
            revision: revision_id(history.len() + 1),
            aggregates: vec![current.clone()],
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
/// generator could have written: revisions `0001`, `0002`, … each with one aggregate, and each
/// step a change a migration can make. Anything else would render revisions that do not match
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
        if revision.aggregates.len() != 1 {
            return Err(problem(revision, "must list exactly one aggregate"));
        }
        if let Some(previous) = index.checked_sub(1).map(|i| &history[i])
            && (Changes::between(&previous.aggregates[0], &revision.aggregates[0]).is_err()
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
    /// The changes, or every refused one as a problem.
    fn between(before: &'a AggregateSpec, now: &'a AggregateSpec) -> Result<Self, Vec<Problem>> {
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
                    "/fields",
                    format!(
                        "the new field `{name}` is required, but the table `{table}` already exists and \
                         its rows have no value for it; add it as optional (`{name}:{kind}?`)",
                        name = field.name,
                        table = crate::names::plural(&crate::names::snake(&now.name)),
                        kind = kind_word(field),
                    ),
                )),
                None => changes.added.push(field),
                Some(old) if old.kind != field.kind => problems.push(Problem::new(
                    "/fields",
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
                            "/fields",
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
    /// `create_orders_outbox`); the first revision's file is always `create_<table>_table`.
    pub slug: String,
    /// The previous revision's id; empty for the first.
    pub down: String,
    pub added: Vec<Field>,
    pub dropped: Vec<Field>,
    pub relaxed: Vec<Field>,
    pub enums: Vec<EnumChange>,
    /// The file uses the context's `ExactDecimal` / `UtcDateTime` column types.
    pub exact_decimal: bool,
    pub utc_datetime: bool,
    /// The revision creates the transactional outbox table: the first revision of a new context,
    /// or the one after a revision that predates the outbox.
    pub creates_outbox: bool,
    /// The revision changes the aggregate's table (an alter revision may only create the outbox).
    pub alters_table: bool,
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

/// The feature folder (under `templates/domain/`) of the first revision's template, and of the
/// later ones'. They are rendered once per revision, never with the context's other features.
pub const CREATE_FEATURE: &str = "revision-create";
pub const ALTER_FEATURE: &str = "revision-alter";

/// The data of the template of `history[index]` and its feature folder.
pub fn revision_model(
    valid: &ValidDomain,
    history: &[Revision],
    index: usize,
) -> (&'static str, RevisionModel) {
    let revision = &history[index];
    let now = &revision.aggregates[0];
    let model = model_of(valid, now);
    let Some(previous) = index.checked_sub(1).map(|i| &history[i]) else {
        let view = RevisionView {
            id: revision.revision.clone(),
            slug: format!("create_{}_table", model.entity_plural_snake),
            down: String::new(),
            added: Vec::new(),
            dropped: Vec::new(),
            relaxed: Vec::new(),
            enums: Vec::new(),
            exact_decimal: false,
            utc_datetime: false,
            creates_outbox: revision.outbox,
            alters_table: false,
        };
        return (
            CREATE_FEATURE,
            RevisionModel {
                model,
                revision: view,
            },
        );
    };
    let before = &previous.aggregates[0];
    let old_model = model_of(valid, before);
    let changes = Changes::between(before, now)
        .expect("a recorded revision holds only changes a migration can make");
    let new_field = |entry: &FieldEntry| field_named(&model, &entry.name);
    let old_field = |entry: &FieldEntry| field_named(&old_model, &entry.name);
    let added: Vec<Field> = changes.added.iter().map(|e| new_field(e)).collect();
    let dropped: Vec<Field> = changes.dropped.iter().map(|e| old_field(e)).collect();
    let relaxed: Vec<Field> = changes.relaxed.iter().map(|e| new_field(e)).collect();
    let enums: Vec<EnumChange> = changes
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
        .collect();
    let columns = || added.iter().chain(&dropped).chain(&relaxed);
    let creates_outbox = revision.outbox && !previous.outbox;
    let alters_table = !changes.is_empty();
    let view = RevisionView {
        id: revision.revision.clone(),
        slug: if alters_table {
            format!("alter_{}_table", model.entity_plural_snake)
        } else {
            format!("create_{}_outbox", model.entity_plural_snake)
        },
        down: previous.revision.clone(),
        exact_decimal: columns().any(|f| matches!(f.kind, Kind::Decimal | Kind::Money)),
        // The outbox's timestamps are `UtcDateTime` columns.
        utc_datetime: creates_outbox || columns().any(|f| f.kind == Kind::Datetime),
        creates_outbox,
        alters_table,
        added,
        dropped,
        relaxed,
        enums,
    };
    (
        ALTER_FEATURE,
        RevisionModel {
            model,
            revision: view,
        },
    )
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
        let first = advance(Vec::new(), &aggregate("title:str")).unwrap();
        assert_eq!(ids(&first), ["0001"]);
        // Reordering fields changes no table.
        let same = advance(first.clone(), &aggregate("title:str")).unwrap();
        assert_eq!(same, first);
        let two = advance(first, &aggregate("a:int?,title:str")).unwrap();
        let reordered = advance(two.clone(), &aggregate("title:str,a:int?")).unwrap();
        assert_eq!(ids(&reordered), ["0001", "0002"]);
    }

    #[test]
    fn every_allowed_change_adds_a_revision() {
        let mut history = advance(Vec::new(), &aggregate("t:str,s:enum(a|b),n:int")).unwrap();
        for step in [
            "t:str,s:enum(a|b),n:int,p:int?",       // add an optional field
            "t:str,s:enum(a|b),p:int?",             // drop a field
            "t:str?,s:enum(a|b),p:int?",            // make a field optional
            "t:str?,s:enum(a|b|cccccccccc),p:int?", // change enum values
        ] {
            let before = history.len();
            history = advance(history, &aggregate(step)).unwrap();
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
        let created = advance(old.clone(), &aggregate("t:str")).unwrap();
        assert_eq!(ids(&created), ["0001", "0002"]);
        assert!(created[1].outbox);
        assert_eq!(created[1].aggregates, old[0].aggregates);
        assert_eq!(
            advance(created.clone(), &aggregate("t:str")).unwrap(),
            created
        );
        let with_field = advance(old, &aggregate("t:str,p:int?")).unwrap();
        assert_eq!(ids(&with_field), ["0001", "0002"]);
        assert!(with_field[1].outbox);
        assert_eq!(with_field[1].aggregates[0], aggregate("t:str,p:int?"));
        // A new context's first revision creates it.
        assert!(advance(Vec::new(), &aggregate("t:str")).unwrap()[0].outbox);
    }

    /// What a revision template is told: the first revision creates the outbox only when its
    /// revision says so, and an outbox-only revision alters no table and is named for what it does.
    #[test]
    fn revision_views_say_what_creates_the_outbox() {
        let valid =
            crate::validate::domain(&serde_json::json!({"name": "orders", "fields": "t:str"}))
                .unwrap();
        let view = |history: &[Revision], index: usize| revision_model(&valid, history, index);
        let new = advance(Vec::new(), &aggregate("t:str")).unwrap();
        let (feature, first) = view(&new, 0);
        assert_eq!(feature, CREATE_FEATURE);
        assert!(first.revision.creates_outbox);
        let old = advance(before_specs(&aggregate("t:str")), &aggregate("t:str")).unwrap();
        assert!(!view(&old, 0).1.revision.creates_outbox);
        let (feature, second) = view(&old, 1);
        assert_eq!(feature, ALTER_FEATURE);
        let second = second.revision;
        assert!(second.creates_outbox && !second.alters_table && second.utc_datetime);
        assert_eq!(second.slug, "create_orders_outbox");
        let later = advance(old, &aggregate("t:str,p:int?")).unwrap();
        let third = view(&later, 2).1.revision;
        assert!(!third.creates_outbox && third.alters_table);
        assert_eq!(third.slug, "alter_orders_table");
    }

    /// A hand-edited history that the generator could not have written is refused, not rendered.
    #[test]
    fn a_tampered_history_is_refused() {
        let history = advance(Vec::new(), &aggregate("t:str,o:int?")).unwrap();
        let mut renumbered = history.clone();
        renumbered[0].revision = "0002".into();
        let mut empty = history.clone();
        empty[0].aggregates.clear();
        let mut impossible = advance(history.clone(), &aggregate("t:str")).unwrap();
        impossible[1].aggregates[0] = aggregate("t:int");
        let mut outbox_dropped = advance(history, &aggregate("t:str")).unwrap();
        outbox_dropped[1].outbox = false;
        for (history, why) in [
            (renumbered, "`0002` is out of order: expected `0001`"),
            (empty, "`0001` must list exactly one aggregate"),
            (
                impossible,
                "`0002` records a change no generated migration makes",
            ),
            (
                outbox_dropped,
                "`0002` records a change no generated migration makes",
            ),
        ] {
            let problems = advance(history, &aggregate("t:str")).unwrap_err();
            assert!(problems[0].message.contains(why), "{problems:?}");
        }
    }

    #[test]
    fn changes_existing_rows_cannot_take_are_refused() {
        let history = advance(Vec::new(), &aggregate("t:str,o:int?")).unwrap();
        let refused = |fields: &str| {
            advance(history.clone(), &aggregate(fields))
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
        assert_eq!(advance(history, &renamed).unwrap_err()[0].path, "/entity");
    }
}
