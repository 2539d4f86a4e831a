//! The context spec and its checks: the spec itself, `<context>/python-ddd.spec.json`
//! ([`context`], re-exported here: `crate::spec::ContextSpec`), the typed [`options`] and their
//! JSON [`schema`], the field spec language ([`fields`]), the checks on names ([`names`], with
//! `inflect` and `stdlib` behind them), on options ([`validate`]), on several aggregates
//! ([`aggregates`]) and on use cases ([`use_cases`], with the names and literals they render),
//! the contexts a workspace holds ([`contexts`], from their manifests), the migration
//! [`history`] and what the `previous` run left.
//!
//! It reads the engine, never the view, with exceptions left as they were: [`history`] builds a
//! revision's template view (`RevisionModel`) from the context's view, `previous` returns the
//! crate root's `Failure`, and [`schema`] and [`validate`] find a generator's options type in the
//! crate root's registry (`crate::generators`).

pub mod aggregates;
pub mod context;
pub mod contexts;
pub mod fields;
pub mod history;
pub(crate) mod inflect;
pub mod names;
pub mod options;
pub(crate) mod previous;
pub mod schema;
pub(crate) mod stdlib;
pub mod use_cases;
pub mod validate;

// The context spec itself keeps its path, `crate::spec::ContextSpec`.
pub use context::*;
