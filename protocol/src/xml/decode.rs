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
    let label = declared.or(charset).unwrap_or("UTF-8");
    match normalise_label(label) {
        Label::Utf8 => match std::str::from_utf8(bytes) {
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
        Label::Latin1 => {
            // Every byte is the code point of the same value, so this cannot fail.
            Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
        }
        Label::Other => Err(ParseError::UnsupportedEncoding {
            encoding: label.to_owned(),
        }),
    }
}

/// The encodings we read.
enum Label {
    Utf8,
    Latin1,
    Other,
}

/// Which encoding a label (XML declaration or HTTP charset) names, ignoring case, spaces and
/// quotes.
fn normalise_label(label: &str) -> Label {
    let label = label.trim().trim_matches(['"', '\'']);
    let is = |names: &[&str]| names.iter().any(|n| label.eq_ignore_ascii_case(n));
    if is(&["utf-8", "utf8", "us-ascii", "ascii"]) {
        Label::Utf8
    } else if is(&[
        "iso-8859-1",
        "latin1",
        "latin-1",
        "iso8859-1",
        "iso_8859-1",
        "l1",
    ]) {
        Label::Latin1
    } else {
        Label::Other
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start, if any.
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
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
    Some(&value[..close])
}

/// A `Malformed` error at byte offset `at` of `bytes`.
pub(crate) fn malformed_at(bytes: &[u8], at: usize, message: String) -> ParseError {
    let (line, column) = line_column_bytes(bytes, at);
    ParseError::Malformed {
        message,
        line,
        column,
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let upto = &bytes[..offset.min(bytes.len())];
    let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = upto.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}
