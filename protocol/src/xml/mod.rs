//! XML plumbing shared by the parser and the builder: decoding, a small namespace-resolved
//! element tree built under hard limits, and escaping for output.
//!
//! Nothing here knows SMSP; it only turns bytes into a safe tree and strings back into XML.

pub(crate) mod decode;
pub(crate) mod scan;
pub(crate) mod tree;
pub(crate) mod write;

/// Whether two strings are equal, trying identity first: an end tag's name is its start tag's
/// own slice, and known namespace URIs are the same constants (see `tree`), so many of the
/// comparisons a parse makes end there. Otherwise the bytes are compared here, a word at a
/// time: the names and URIs a parse compares are short, and a call to `memcmp` for each (what
/// `==` compiles to) cost more than the comparing.
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// [`same`] for bytes.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if std::ptr::eq(a.as_ptr(), b.as_ptr()) {
        return true;
    }
    let word = |s: &[u8], at: usize| s[at..].first_chunk::<8>().map(|w| u64::from_ne_bytes(*w));
    if n >= 8 {
        let mut at = 0;
        while at + 8 <= n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        // The last word, overlapping the one before when the length is not a multiple of 8.
        return word(a, n - 8) == word(b, n - 8);
    }
    let mut differ = 0;
    for i in 0..n {
        differ |= a[i] ^ b[i];
    }
    differ == 0
}

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
    use super::{same, trim_xml_whitespace};

    #[test]
    fn same_is_string_equality() {
        let words = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "bbcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "abcdefghijklmnopq",
            "xbcdefghijklmnopq",
            "é",
            "éé",
            "http://schemas.xmlsoap.org/soap/envelope/",
            "http://schemas.xmlsoap.org/soap/envelope_",
        ];
        for a in words {
            for b in words {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
                let copy = b.to_owned();
                assert_eq!(same(a, &copy), a == b, "{a:?} {b:?} (a copy)");
            }
        }
    }

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
