//! Rules on what the parser noticed but the model cannot hold ([`ParseNotes`]): blank
//! attributes (TKW `blank_attribute_checker.xslt`, XSLT_BLANK → fault 1000) and elements the
//! model ignores. They find nothing when the checker is given an envelope without notes.
//!
//! [`ParseNotes`]: crate::parse::ParseNotes

use super::{Sink, Subject};

/// Turns a parser path of local names (`/Envelope/Body/DistributionEnvelope/header/manifest/
/// manifestitem/@profileid`) into the checker's location convention
/// (`itk:header/itk:manifest/itk:manifestitem/@profileid`): payload paths start at the
/// payload root, DE and fault parts get their prefixes, and header parts get the prefix of
/// the WS-Addressing or WS-Security element of that name. The parser records local names
/// only, so this is for reading, not for resolving.
fn location(path: &str) -> String {
    let path = path.strip_prefix('/').unwrap_or(path);
    if let Some(rest) = path
        .strip_prefix("Envelope/Body/DistributionEnvelope/payloads/payload/")
        .filter(|rest| !rest.starts_with('@'))
    {
        return rest.to_owned();
    }
    if let Some(rest) = path.strip_prefix("Envelope/Body/DistributionEnvelope/") {
        return prefixed(rest, |_| Some("itk"));
    }
    if let Some(rest) = path.strip_prefix("Envelope/Body/Fault/") {
        let steps = prefixed(rest, |name| {
            matches!(
                name,
                "ToolkitErrorInfo" | "ErrorID" | "ErrorCode" | "ErrorText" | "ErrorDiagnosticText"
            )
            .then_some("itk")
        });
        return format!("soap:Fault/{steps}");
    }
    if let Some(rest) = path.strip_prefix("Envelope/Header/") {
        let steps = prefixed(rest, |name| match name {
            "MessageID"
            | "Action"
            | "To"
            | "From"
            | "ReplyTo"
            | "FaultTo"
            | "RelatesTo"
            | "Address"
            | "ReferenceProperties"
            | "ReferenceParameters" => Some("wsa"),
            "Security" | "UsernameToken" | "Username" | "Password" => Some("wsse"),
            "Timestamp" | "Created" | "Expires" => Some("wsu"),
            _ => None,
        })
        .replace("wsu:Timestamp/@Id", "wsu:Timestamp/@wsu:Id");
        return format!("soap:Header/{steps}");
    }
    if let Some(rest) = path.strip_prefix("Envelope/") {
        return format!("soap:Envelope/{rest}");
    }
    path.to_owned()
}

/// Prefixes each element step of a path (attributes, `@…`, stay unprefixed).
fn prefixed(path: &str, prefix: impl Fn(&str) -> Option<&'static str>) -> String {
    path.split('/')
        .map(|step| match prefix(step) {
            Some(p) if !step.starts_with('@') => format!("{p}:{step}"),
            _ => step.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// xml.blank-attribute.
pub(super) fn blank_attribute(s: &Subject, out: &mut Sink) {
    let Some(notes) = s.notes else { return };
    for path in &notes.blank_attributes {
        out.error(
            location(path),
            "attribute is empty; TKW refuses blank attributes anywhere in the message (omit it or give it a value)",
        );
    }
}

/// xml.ignored-element.
pub(super) fn ignored_element(s: &Subject, out: &mut Sink) {
    let Some(notes) = s.notes else { return };
    for path in &notes.ignored_elements {
        out.info(
            location(path),
            "not part of the SMSP message model; ignored",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::location;

    #[test]
    fn locations_follow_the_checker_convention() {
        for (path, want) in [
            (
                "/Envelope/Body/DistributionEnvelope/header/manifest/manifestitem/@profileid",
                "itk:header/itk:manifest/itk:manifestitem/@profileid",
            ),
            (
                "/Envelope/Body/DistributionEnvelope/payloads/payload/getNHSNumberRequest-v1-0/templateId",
                "getNHSNumberRequest-v1-0/templateId",
            ),
            (
                "/Envelope/Header/Security/Timestamp/@Id",
                "soap:Header/wsse:Security/wsu:Timestamp/@wsu:Id",
            ),
            (
                "/Envelope/Header/From/ReferenceProperties",
                "soap:Header/wsa:From/wsa:ReferenceProperties",
            ),
            (
                "/Envelope/Body/Fault/detail/ToolkitErrorInfo/ErrorCode/@codeSystem",
                "soap:Fault/detail/itk:ToolkitErrorInfo/itk:ErrorCode/@codeSystem",
            ),
            (
                "/Envelope/Body/DistributionEnvelope/payloads/payload/@filename",
                "itk:payloads/itk:payload/@filename",
            ),
            ("/Envelope/Trailer", "soap:Envelope/Trailer"),
        ] {
            assert_eq!(location(path), want);
        }
    }
}
