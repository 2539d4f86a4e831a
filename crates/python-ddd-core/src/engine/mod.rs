//! The engine: generic machinery that names no generator and knows nothing of contexts,
//! aggregates or fields. It renders templates over any serializable view ([`render`], [`hbs`]),
//! holds the output as a normalised tree ([`tree`], `scan`), lays long Python lines out the way
//! `ruff format` keeps them ([`reflow`]), plans the tree against the disk and the manifest
//! ([`plan`], [`manifest`], [`merge`], [`diff`]) and applies the plan safely ([`apply`], [`lock`],
//! [`journal`], [`paths`], [`failpoint`]); `schema_check` is a fast, conservative JSON-schema
//! check for any flat schema; [`error`] is the failures of all of these.
//!
//! Nothing here imports `spec` or `view` (tests excepted). Modules that were judged and left out:
//! `schema` (the options' JSON schema, shaped for Nx) knows which options the context spec keeps,
//! so it lives in `spec`; `infer` (Nx targets of a generated context) renders the
//! context's view, so it stays at the crate root beside `generate`.

pub mod apply;
pub mod diff;
pub mod error;
pub mod failpoint;
pub mod hbs;
pub mod journal;
pub mod lock;
pub mod manifest;
pub mod merge;
pub mod paths;
pub mod plan;
pub mod reflow;
pub mod render;
pub(crate) mod scan;
pub(crate) mod schema_check;
pub mod tree;
