//! Escaping for XML output. Text escapes `&`, `<`, `>`; attribute values also escape quotes
//! and the whitespace characters that attribute-value normalisation would otherwise eat.

/// Characters escaped in element content.
const TEXT_SPECIALS: &[char] = &['&', '<', '>', '\r'];
/// Characters escaped in a double-quoted attribute value.
const ATTR_SPECIALS: &[char] = &['&', '<', '>', '\r', '"', '\n', '\t'];

/// Appends `s` escaped for element content.
pub(crate) fn push_text(out: &mut String, s: &str) {
    push_escaped(out, s, TEXT_SPECIALS);
}

/// Appends `s` escaped for a double-quoted attribute value.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    push_escaped(out, s, ATTR_SPECIALS);
}

/// Appends `s`, replacing each character of `specials` with its reference. Runs of ordinary
/// characters are copied whole: most values need no escaping at all.
fn push_escaped(out: &mut String, s: &str, specials: &[char]) {
    let mut rest = s;
    while let Some(at) = rest.find(specials) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().unwrap_or_default();
        out.push_str(match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\n' => "&#10;",
            '\r' => "&#13;",
            _ => "&#9;",
        });
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
}
