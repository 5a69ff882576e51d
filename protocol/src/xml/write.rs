//! Escaping for XML output. Text escapes `&`, `<`, `>`; attribute values also escape quotes
//! and the whitespace characters that attribute-value normalisation would otherwise eat.

/// Whether a byte is escaped in element content (`&`, `<`, `>`, CR).
const fn text_special(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'\r')
}

/// Whether a byte is escaped in a double-quoted attribute value (also `"`, LF and tab).
const fn attr_special(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'\r' | b'"' | b'\n' | b'\t')
}

/// Appends `s` escaped for element content.
pub(crate) fn push_text(out: &mut String, s: &str) {
    push_escaped(out, s, text_special);
}

/// Appends `s` escaped for a double-quoted attribute value.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    push_escaped(out, s, attr_special);
}

/// Whether any byte is special. Tested sixteen bytes at a time without branching inside a
/// block, which the compiler turns into vector instructions: most values need no escaping,
/// and this is how they are found out quickly.
fn any_special(bytes: &[u8], special: impl Fn(u8) -> bool + Copy) -> bool {
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        if block.iter().fold(false, |any, &b| any | special(b)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| special(b))
}

/// Appends `s`, replacing each special character with its reference. Runs of ordinary
/// characters are copied whole: most values need no escaping at all. Every special character
/// is ASCII, so scanning bytes finds them without decoding UTF-8, and every split falls on a
/// character boundary.
fn push_escaped(out: &mut String, s: &str, special: impl Fn(u8) -> bool + Copy) {
    let bytes = s.as_bytes();
    if !any_special(bytes, special) {
        out.push_str(s);
        return;
    }
    let mut from = 0;
    for (at, &b) in bytes.iter().enumerate() {
        if !special(b) {
            continue;
        }
        out.push_str(&s[from..at]);
        out.push_str(match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\n' => "&#10;",
            b'\r' => "&#13;",
            _ => "&#9;",
        });
        from = at + 1;
    }
    out.push_str(&s[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_the_specials_and_keeps_other_characters() {
        let mut out = String::new();
        push_text(&mut out, "a<b>&\"c\"\r\n\té€😀");
        assert_eq!(out, "a&lt;b&gt;&amp;\"c\"&#13;\n\té€😀");
        let mut out = String::new();
        push_attr(&mut out, "é\"<\n\t&x");
        assert_eq!(out, "é&quot;&lt;&#10;&#9;&amp;x");
        let mut out = String::new();
        push_attr(&mut out, "plain");
        assert_eq!(out, "plain");
    }
}
