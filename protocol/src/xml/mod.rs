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
    // By bytes: all four are ASCII, so the first and last other bytes begin and end
    // characters, and no character need be decoded.
    let is_space = |b: &u8| scan::CLASSES[usize::from(*b)] & scan::SPACE != 0;
    let bytes = s.as_bytes();
    let Some(start) = bytes.iter().position(|b| !is_space(b)) else {
        return "";
    };
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |i| i + 1);
    &s[start..end]
}

#[cfg(test)]
mod tests {
    use super::trim_xml_whitespace;

    #[test]
    fn trims_xml_whitespace_only() {
        for s in [
            "",
            " ",
            " \t\r\n",
            "a",
            " a ",
            "\n\ta b\r\n",
            "\u{a0}a\u{3000}",
            " é ",
            "\té\u{85}",
        ] {
            assert_eq!(
                trim_xml_whitespace(s),
                s.trim_matches([' ', '\t', '\r', '\n']),
                "{s:?}"
            );
        }
    }
}
