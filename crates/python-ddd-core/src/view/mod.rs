//! The template view: what templates see, derived once from a validated spec so templates never
//! compute a name or decide how a kind is written. [`model`] is the context's view and each
//! aggregate's (names in every case, adapter flags, `uses`, SQL names); [`field`] is one field's
//! (names, a flag per kind, and the Python, DTO, SQLAlchemy, migration and HTTP snippets), built
//! from its kind's row in [`field_kinds`], the one place that says how each kind is written.
//!
//! The view reads `spec` and renders nothing itself: the crate root's `generate` hands it to the
//! engine's [`crate::engine::render`].

pub mod field;
pub mod field_kinds;
pub mod model;
