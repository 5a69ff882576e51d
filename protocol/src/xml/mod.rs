//! XML plumbing shared by the parser and the builder: decoding, a small namespace-resolved
//! element tree built under hard limits, and escaping for output.
//!
//! Nothing here knows SMSP; it only turns bytes into a safe tree and strings back into XML.

pub(crate) mod decode;
pub(crate) mod scan;
pub(crate) mod tree;
pub(crate) mod write;

/// Trims XML whitespace (space, tab, CR, LF) only. `str::trim` would also strip Unicode
/// spaces such as U+00A0 and U+3000, which XML treats as content, losing data at the edges
/// of a value.
pub(crate) fn trim_xml_whitespace(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}
