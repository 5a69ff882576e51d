//! The SMSP conformance harness: suites and data profiles, and the runner that speaks HTTP to
//! whatever is under test (our simulator or a supplier's provider, by the same code path).

pub mod suite;
