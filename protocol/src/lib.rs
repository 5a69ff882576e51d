//! The SMSP wire format, shared by the simulator and the harness: a typed model of SOAP 1.1 +
//! WS-Addressing + WS-Security + ITK Distribution Envelope + PDS payloads + ITK faults, a
//! parser and a builder for it, and the conformance checker that judges a message.
//!
//! Invariants: no I/O and no async in this crate; no input makes it panic; no entity is ever
//! expanded; every conformance rule lives in one function in [`check`] and names itself in
//! its findings.
//!
//! Where things are: the facts of each operation in [`operation`]; namespaces and OIDs in
//! [`ns`]; the message model in [`model`]; bytes → model in [`parse`]; model → bytes in
//! [`build`]; ready-made requests, responses and faults in [`messages`].

pub mod build;
pub mod canonical;
pub mod check;
pub mod determinism;
pub mod error;
pub mod messages;
pub mod model;
pub mod nhs_number;
pub mod ns;
pub mod operation;
pub mod parse;
pub mod transport;
mod xml;

pub use build::{WriteOptions, to_xml, to_xml_with};
pub use check::{CheckContext, Consequence, Finding, Severity};
pub use determinism::{Clock, FixedClock, IdSource, RandomIds, SeededIds, SplitMix64, SystemClock};
pub use error::{FaultClass, ParseError};
pub use model::*;
pub use nhs_number::{NhsNumber, NhsNumberError};
pub use operation::{Cardinality, Operation, Parameter, ResponseKind};
pub use parse::{
    ParseLimits, ParseNotes, ParsedMessage, parse_envelope, parse_message, parse_message_with,
};
