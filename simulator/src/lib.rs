//! The SMSP Spine simulator: scenario model, PDS trace semantics and the HTTP/TLS server.

pub mod admin;
pub mod engine;
pub mod journal;
pub mod net;
pub mod pds;
pub mod pki;
pub mod rules;
pub mod run;
pub mod scenario;
pub mod server;
pub mod store;
pub mod text;
pub mod tls;
pub mod watch;
