//! The SMSP conformance harness: suites and client plans, and the runner that speaks HTTP to
//! whatever is under test (our simulator or a supplier's provider, by the same code path).
//!
//! Not built yet: the harness issue fills this crate. It exports nothing until then.
