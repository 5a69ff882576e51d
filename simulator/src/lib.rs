//! The SMSP Spine simulator: scenario model, PDS trace semantics and the HTTP/TLS server.

pub mod scenario;
pub mod pds;
pub mod store;
pub mod text;
pub mod journal;
pub mod rules;
pub mod net;
pub mod pki;
pub mod tls;
pub mod engine;
pub mod server;
pub mod admin;
pub mod run;
pub mod watch;
