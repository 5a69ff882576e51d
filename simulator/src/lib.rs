//! The SMSP Spine simulator: scenario model, PDS trace semantics and the HTTP/TLS server.
//!
//! Not built yet: the simulator issue fills this crate. It will use `smsp-protocol` to parse
//! requests, judge them with the conformance checker and build responses, and
//! `smsp-response-codes` for the code table. This crate exports nothing until then, so nothing
//! can depend on a simulator that does not exist.
