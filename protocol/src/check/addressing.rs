//! WS-Addressing rules (SPEC.md §1.5, §1.6), the HTTP SOAPAction cross-check, and refusal of
//! foreign `mustUnderstand` headers. Mirrors TKW's GEN_validate_soapEnvelope and the autotest
//! fault triggers (ATM_BadService, ATM_NoToElement, ATM_NonAnonymousReplyTo,
//! ATM_RejectForeignMustUnderstand).

use super::text::{UuidCase, split_prefixed_uuid, uuid_case};
use super::{Sink, Subject, loc};
use crate::ns;

/// wsa.message-id.present: every message (request, response, fault) has a MessageID.
pub(super) fn message_id_present(s: &Subject, out: &mut Sink) {
    match s.envelope.header.addressing.message_id.as_deref() {
        None => out.error(loc::MESSAGE_ID, "wsa:MessageID is missing"),
        Some(v) if v.trim().is_empty() => out.error(loc::MESSAGE_ID, "wsa:MessageID is empty"),
        Some(_) => {}
    }
}

/// wsa.message-id.format: TKW accepts `[a-zA-Z_:]*` + UUID and warns on lower-case hex
/// ("UPPER CASE (WITHOUT PREFIX) IS RECOMMENDED", WS-ADR-01).
pub(super) fn message_id_format(s: &Subject, out: &mut Sink) {
    let Some(id) = s.envelope.header.addressing.message_id.as_deref() else {
        return;
    };
    if id.trim().is_empty() {
        return; // wsa.message-id.present reports it
    }
    match split_prefixed_uuid(id) {
        None => out.error(
            loc::MESSAGE_ID,
            format!(
                "wsa:MessageID {id:?} is not a UUID (8-4-4-4-12 hex digits, optionally after a [a-zA-Z_:]* prefix)"
            ),
        ),
        Some((_, uuid)) if uuid_case(uuid) == Some(UuidCase::Lower) => out.warning(
            loc::MESSAGE_ID,
            format!(
                "wsa:MessageID {id:?} uses lower-case hex; upper case (without prefix) is recommended (WS-ADR-01)"
            ),
        ),
        Some(_) => {}
    }
}

/// wsa.action.present.
pub(super) fn action_present(s: &Subject, out: &mut Sink) {
    match s.action() {
        None => out.error(loc::ACTION, "wsa:Action is missing"),
        Some(v) if v.trim().is_empty() => out.error(loc::ACTION, "wsa:Action is empty"),
        Some(_) => {}
    }
}

/// wsa.action.matches-service: TKW ATM_BadService compares wsa:Action with the DE service.
pub(super) fn action_matches_service(s: &Subject, out: &mut Sink) {
    let (Some(action), Some(service)) = (s.action(), s.service()) else {
        return; // the presence rules report what is missing
    };
    if action.trim().is_empty() || service.trim().is_empty() {
        return;
    }
    if action != service {
        out.error(
            loc::ACTION,
            format!("wsa:Action {action:?} differs from itk:header/@service {service:?}"),
        );
    }
}

/// soap-action.matches-action: senders may omit SOAPAction (ICC does), but when it is sent it
/// should say the same as wsa:Action (SPEC.md §1.1).
pub(super) fn soap_action_matches_action(s: &Subject, out: &mut Sink) {
    let (Some(http), Some(action)) = (s.cx.soap_action, s.action()) else {
        return;
    };
    if http != action {
        out.warning(
            loc::SOAP_ACTION,
            format!("HTTP SOAPAction {http:?} differs from wsa:Action {action:?}"),
        );
    }
}

/// wsa.to.present: TKW exempts only the ITK demonstrator audit identity.
pub(super) fn to_present(s: &Subject, out: &mut Sink) {
    if s.audit_uris().any(|u| u == ns::ITK_DEMONSTRATOR_IDENTITY) {
        return;
    }
    match s.envelope.header.addressing.to.as_deref() {
        None => out.error(
            loc::TO,
            "wsa:To is missing; a request must name the endpoint it is sent to",
        ),
        Some(v) if v.trim().is_empty() => out.error(loc::TO, "wsa:To is empty"),
        Some(_) => {}
    }
}

/// wsa.reply-to.anonymous: the PDS mini services are synchronous ("pattern 2"), so a ReplyTo
/// can only be the anonymous address.
pub(super) fn reply_to_anonymous(s: &Subject, out: &mut Sink) {
    if let Some(reply_to) = s.envelope.header.addressing.reply_to.as_deref()
        && reply_to.trim() != ns::WSA_ANONYMOUS
    {
        out.error(
            loc::REPLY_TO,
            format!(
                "wsa:ReplyTo address {reply_to:?} is not {:?}; PDS mini services are synchronous only",
                ns::WSA_ANONYMOUS
            ),
        );
    }
}

/// wsa.relates-to.format: TKW's response validator wants an upper-case UUID in RelatesTo.
/// Lower case is only a warning: a responder echoes the request's MessageID, which may itself
/// be lower case (tolerated by WS-ADR-01).
pub(super) fn relates_to_format(s: &Subject, out: &mut Sink) {
    let Some(r) = s.envelope.header.addressing.relates_to.as_deref() else {
        return;
    };
    match split_prefixed_uuid(r.trim()) {
        None => out.error(
            loc::RELATES_TO,
            format!("wsa:RelatesTo {r:?} is not a UUID (the MessageID of the request answered)"),
        ),
        Some((_, uuid)) if uuid_case(uuid) == Some(UuidCase::Lower) => out.warning(
            loc::RELATES_TO,
            format!("wsa:RelatesTo {r:?} uses lower-case hex; TKW expects upper case"),
        ),
        Some(_) => {}
    }
}

/// wsa.reference-properties: WS-ADR-08. The model keeps only the Address of an endpoint
/// reference; the parser notes any other child, which is where ReferenceProperties shows up.
pub(super) fn reference_properties(s: &Subject, out: &mut Sink) {
    let Some(notes) = s.notes else { return };
    for path in &notes.ignored_elements {
        let Some(rest) = path.strip_prefix("/Envelope/Header/") else {
            continue;
        };
        if let Some((endpoint, "ReferenceProperties")) = rest.split_once('/')
            && matches!(endpoint, "From" | "ReplyTo" | "FaultTo")
        {
            out.error(
                format!("soap:Header/wsa:{endpoint}/wsa:ReferenceProperties"),
                format!(
                    "wsa:{endpoint} carries ReferenceProperties, which are not allowed (WS-ADR-08)"
                ),
            );
        }
    }
}

/// soap.must-understand: SOAP 1.1 §4.2.3 — a header block marked mustUnderstand that the
/// receiver does not understand must be refused with a MustUnderstand fault.
pub(super) fn must_understand(s: &Subject, out: &mut Sink) {
    for h in s
        .envelope
        .header
        .foreign_headers
        .iter()
        .filter(|h| h.must_understand)
    {
        let qualified = if h.namespace.is_empty() {
            h.name.clone()
        } else {
            format!("{{{}}}{}", h.namespace, h.name)
        };
        out.error(
            format!("soap:Header/{qualified}"),
            format!(
                "header block {qualified} has soap:mustUnderstand=\"1\" but is not part of SMSP (only WS-Addressing and WS-Security are understood)"
            ),
        );
    }
}
