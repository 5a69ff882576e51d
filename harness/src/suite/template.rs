//! Templates in suite files: literal text with `{fact}` or `{fact:N}` (the first N characters
//! of the fact) replaced from the patient a data profile binds to the case's role.

use std::collections::BTreeMap;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Fact { name: &'a str, take: Option<usize> },
}

/// Why a template cannot be read or filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{` without `}`, an empty name, or a bad `:N`.
    #[error("malformed template `{template}`: {why}")]
    Malformed {
        /// The template.
        template: String,
        /// What is wrong.
        why: &'static str,
    },
    /// The patient has no such fact.
    #[error("the patient has no fact `{fact}` (it has: {available})")]
    MissingFact {
        /// The fact asked for.
        fact: String,
        /// The facts the patient has, comma-separated.
        available: String,
    },
}

fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let malformed = |why| TemplateError::Malformed {
        template: template.to_owned(),
        why,
    };
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(malformed("`}` without `{`"));
        }
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| malformed("`{` without `}`"))?;
        let inner = &after[..close];
        let (name, take) = match inner.split_once(':') {
            Some((name, n)) => {
                let n: usize = n
                    .parse()
                    .map_err(|_| malformed("`:N` must be a number of characters"))?;
                (name, Some(n))
            }
            None => (inner, None),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(malformed("a fact name is letters, digits, `_` and `-`"));
        }
        pieces.push(Piece::Fact { name, take });
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

/// The fact names a template reads, or why it is malformed.
pub fn facts_used(template: &str) -> Result<Vec<&str>, TemplateError> {
    Ok(parse(template)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Fact { name, .. } => Some(name),
            Piece::Text(_) => None,
        })
        .collect())
}

/// Fills a template from a patient's facts.
pub fn fill(template: &str, facts: &BTreeMap<String, String>) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    for piece in parse(template)? {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Fact { name, take } => {
                let value = facts.get(name).ok_or_else(|| TemplateError::MissingFact {
                    fact: name.to_owned(),
                    available: facts.keys().cloned().collect::<Vec<_>>().join(", "),
                })?;
                match take {
                    Some(n) => out.extend(value.chars().take(n)),
                    None => out.push_str(value),
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> BTreeMap<String, String> {
        [("family", "SMITH"), ("birth_date", "19700101")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn fills_whole_and_prefixed_facts() {
        assert_eq!(fill("{family:3}*", &facts()).unwrap(), "SMI*");
        assert_eq!(fill("{birth_date:6}", &facts()).unwrap(), "197001");
        assert_eq!(fill("x{family}y", &facts()).unwrap(), "xSMITHy");
        assert_eq!(fill("literal", &facts()).unwrap(), "literal");
    }

    #[test]
    fn refuses_malformed_templates_and_missing_facts() {
        assert!(matches!(
            fill("{family", &facts()),
            Err(TemplateError::Malformed { .. })
        ));
        assert!(matches!(
            fill("family}", &facts()),
            Err(TemplateError::Malformed { .. })
        ));
        assert!(matches!(
            fill("{family:x}", &facts()),
            Err(TemplateError::Malformed { .. })
        ));
        assert!(matches!(
            fill("{}", &facts()),
            Err(TemplateError::Malformed { .. })
        ));
        let e = fill("{postcode}", &facts()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the patient has no fact `postcode` (it has: birth_date, family)"
        );
    }
}
