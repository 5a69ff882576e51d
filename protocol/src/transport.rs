//! HTTP facts of the SMSP binding that both sides need, as pure functions on header values:
//! reading the charset from a Content-Type and the URN from a SOAPAction, which real senders
//! quote, leave unquoted, or omit (SPEC.md §1.1).

/// The `charset` parameter of a Content-Type value, unquoted (`text/xml; charset="UTF-8"`).
pub fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').trim_matches('\''))
    })
}

/// The media type of a Content-Type value, lower-cased (`text/xml`).
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The SOAPAction URN with surrounding quotes and whitespace removed; `None` when the header
/// is empty (`""` means "intent is the request URI" in SOAP 1.1, which SMSP never uses).
pub fn soap_action(header_value: &str) -> Option<&str> {
    let v = header_value.trim().trim_matches('"').trim();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_charset_in_any_form() {
        assert_eq!(charset("text/xml; charset=ISO-8859-1"), Some("ISO-8859-1"));
        assert_eq!(charset("text/xml;charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(charset("text/xml"), None);
        assert_eq!(media_type("Text/XML; charset=utf-8"), "text/xml");
    }

    #[test]
    fn reads_soap_action_quoted_unquoted_or_empty() {
        let urn = "urn:nhs-itk:services:201005:getNHSNumber-v1-0";
        assert_eq!(soap_action(urn), Some(urn));
        assert_eq!(soap_action(&format!("\"{urn}\"")), Some(urn));
        assert_eq!(soap_action("\"\""), None);
    }
}
