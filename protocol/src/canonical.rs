//! A canonical text form of any XML document for comparing documents as documents: names are
//! written `{namespace}local` (prefixes do not matter), attributes are sorted, namespace
//! declarations, comments and the XML declaration are dropped, and text is trimmed. Two
//! documents are equivalent when their canonical forms are equal.
//!
//! Used to prove that a parsed-then-rebuilt message says the same as the original, and by the
//! harness to diff expected and actual messages. Same limits and refusals as the parser.

use crate::error::ParseError;
use crate::parse::ParseLimits;
use crate::xml::tree::{DecodedUris, Element, parse_tree};

/// The canonical form of `bytes` (UTF-8 or declared ISO-8859-1), one element per line.
pub fn canonicalize(bytes: &[u8]) -> Result<String, ParseError> {
    let limits = ParseLimits::default();
    let text = crate::xml::decode::decode(bytes, None)?;
    let decoded = DecodedUris::default();
    let (doc, _) = parse_tree(&text, &decoded, &limits)?;
    let mut out = String::new();
    write(doc.root(), 0, &mut out);
    Ok(out)
}

fn write(el: Element<'_, '_>, depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push('{');
    out.push_str(el.namespace());
    out.push('}');
    out.push_str(el.name());
    let mut attrs: Vec<(String, &str)> = el
        .attrs()
        .iter()
        .map(|a| {
            let ns = a.namespace();
            let key = if ns.is_empty() {
                a.name.to_string()
            } else {
                format!("{{{ns}}}{}", a.name)
            };
            (key, a.value.as_ref())
        })
        .collect();
    attrs.sort();
    for (k, v) in attrs {
        out.push_str(&format!(" {k}={v:?}"));
    }
    let text = crate::xml::trim_xml_whitespace(el.text());
    if !text.is_empty() {
        out.push_str(&format!(" text={text:?}"));
    }
    out.push('\n');
    for c in el.children() {
        write(c, depth + 1, out);
    }
}
