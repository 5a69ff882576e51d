//! Escaping for XML output. Text escapes `&`, `<`, `>`; attribute values also escape quotes
//! and the whitespace characters that attribute-value normalisation would otherwise eat.

/// Escaped in element content (`&`, `<`, `>`, CR).
const TEXT: u8 = 1;
/// Escaped in a double-quoted attribute value (those, and `"`, LF, tab).
const ATTR: u8 = 2;

/// Which bytes need escaping where: a table lookup per byte.
const SPECIAL: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'&' as usize] = TEXT | ATTR;
    t[b'<' as usize] = TEXT | ATTR;
    t[b'>' as usize] = TEXT | ATTR;
    t[b'\r' as usize] = TEXT | ATTR;
    t[b'"' as usize] = ATTR;
    t[b'\n' as usize] = ATTR;
    t[b'\t' as usize] = ATTR;
    t
};

/// Appends `s` escaped for element content.
pub(crate) fn push_text(out: &mut String, s: &str) {
    push_escaped(out, s, TEXT);
}

/// Appends `s` escaped for a double-quoted attribute value.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    push_escaped(out, s, ATTR);
}

/// Where the first special character (of class `class`) is. Four bytes are looked up per
/// test: most values (ids, codes, URNs) have none, and this is how that is found out quickly.
fn first_special(bytes: &[u8], class: u8) -> Option<usize> {
    let mut n = 0;
    for quad in bytes.chunks_exact(4) {
        let any = SPECIAL[quad[0] as usize]
            | SPECIAL[quad[1] as usize]
            | SPECIAL[quad[2] as usize]
            | SPECIAL[quad[3] as usize];
        if any & class != 0 {
            break;
        }
        n += 4;
    }
    bytes[n..]
        .iter()
        .position(|&b| SPECIAL[b as usize] & class != 0)
        .map(|at| n + at)
}

/// Appends `s`, replacing each special character (of class `class`) with its reference. Runs
/// of ordinary characters are copied whole: most values need no escaping at all. Every special
/// character is ASCII, so scanning bytes finds them without decoding UTF-8, and every split
/// falls on a character boundary.
fn push_escaped(out: &mut String, s: &str, class: u8) {
    let bytes = s.as_bytes();
    let Some(first) = first_special(bytes, class) else {
        out.push_str(s);
        return;
    };
    let mut from = 0;
    for (at, &b) in bytes.iter().enumerate().skip(first) {
        if SPECIAL[b as usize] & class == 0 {
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
