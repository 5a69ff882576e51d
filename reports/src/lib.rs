//! The run record and its renderers. The harness produces a [`RunRecord`]; everything here
//! reads one and writes files, so reports can be regenerated from a saved `run.json`.
//!
//! This crate depends on no other crate of ours.

pub mod record;

pub use record::*;
