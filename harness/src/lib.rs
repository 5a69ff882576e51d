//! The SMSP conformance harness: suites and data profiles, and the runner that speaks HTTP to
//! whatever is under test (our simulator or a supplier's provider, by the same code path).
//!
//! - [`suite`]: the suite and data-profile formats, loading and checking them.
//! - [`request`]: a case's request, conformant or deliberately broken.
//! - [`client`]: sending it over HTTP(S) with the run's client certificate, or none.
//! - [`judge`]: the checks every response gets, and the case's expectations.
//! - [`run`]: the run itself, its events and its record.

pub mod client;
pub mod judge;
pub mod plan;
pub mod request;
pub mod requirements;
pub mod run;
pub mod suite;
