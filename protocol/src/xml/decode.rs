//! Turns request bytes into text: UTF-8 (the default and what SMSP senders use) or ISO-8859-1
//! (what some HTTP clients label their bodies with), refusing anything else with a typed error.

use std::borrow::Cow;

use crate::error::ParseError;

/// Decodes `bytes` to text, using the XML declaration's encoding if present, else the HTTP
/// `charset` parameter, else UTF-8. The declaration wins over the HTTP label because real
/// clients (Apache HttpClient's `ContentType.TEXT_XML`) label UTF-8 bodies as ISO-8859-1.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    charset: Option<&str>,
) -> Result<Cow<'a, str>, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE") {
        return Err(ParseError::UnsupportedEncoding {
            encoding: "UTF-16".to_owned(),
        });
    }
    let declared = declared_encoding(bytes);
    let label = declared.as_deref().or(charset).unwrap_or("UTF-8");
    match normalise_label(label).as_str() {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Cow::Borrowed(s)),
            Err(e) => {
                let offset = e.valid_up_to();
                let (line, column) = line_column_bytes(bytes, offset);
                Err(ParseError::InvalidUtf8 {
                    offset,
                    line,
                    column,
                })
            }
        },
        "iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "iso_8859-1" | "l1" => {
            // Every byte is the code point of the same value, so this cannot fail.
            Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
        }
        _ => Err(ParseError::UnsupportedEncoding {
            encoding: label.to_owned(),
        }),
    }
}

fn normalise_label(label: &str) -> String {
    label.trim().trim_matches(['"', '\'']).to_ascii_lowercase()
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(256)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].to_owned())
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let upto = &bytes[..offset.min(bytes.len())];
    let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = upto.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}
