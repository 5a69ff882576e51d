//! The SMSP Spine simulator: scenario model, PDS trace semantics and the HTTP/TLS server.

pub mod scenario;
pub mod pds;
pub mod store;
pub mod text;
