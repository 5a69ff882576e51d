//! Text comparison shared by rule matching and PDS tracing: case-insensitive equality with
//! `*` standing for any run of characters, and postcode normalisation.

/// Whether `text` matches `pattern`, ignoring ASCII case; `*` in the pattern matches any run
/// of characters (including none). Linear in practice: one backtrack point, as in shell globs.
///
/// Works on bytes without allocating: `*` and the case-folded letters are ASCII, and a byte of
/// the pattern that begins a character never equals a byte that continues one, so a match
/// always falls on character boundaries, as a match over `char`s would.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern.eq_ignore_ascii_case(text);
    }
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi].eq_ignore_ascii_case(&t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A postcode for comparison: upper case, no spaces (`ls1 4hy` and `LS14HY` are one code).
pub fn normalise_postcode(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("SMI*", "smith"));
        assert!(glob_matches("smith", "SMITH"));
        assert!(glob_matches(
            "*:ods:rhm:*",
            "urn:nhs-uk:identity:ods:RHM:team1:C"
        ));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("SMI*", "SM"));
        assert!(!glob_matches("SMITH", "SMITHS"));
        assert!(glob_matches("a*b*c", "axxbyyc"));
        assert!(!glob_matches("a*b*c", "axxbyy"));
        assert!(glob_matches("zo*", "ZOË"));
        assert!(glob_matches("*ë", "zoË".to_lowercase().as_str()));
        assert!(!glob_matches("zoe", "zoë"));
        assert!(glob_matches("é*é", "éxé"));
        assert!(!glob_matches("é*", "e"));
    }

    #[test]
    fn postcodes() {
        assert_eq!(normalise_postcode(" ls1 4hy "), "LS14HY");
    }
}
