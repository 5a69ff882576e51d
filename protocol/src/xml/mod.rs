//! XML plumbing shared by the parser and the builder: decoding, a small namespace-resolved
//! element tree built under hard limits, and escaping for output.
//!
//! Nothing here knows SMSP; it only turns bytes into a safe tree and strings back into XML.

pub(crate) mod decode;
pub(crate) mod tree;
pub(crate) mod write;
