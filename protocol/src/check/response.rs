//! PDS response rules, used by the harness to judge a provider (SPEC.md §1.6, §2 "Response
//! DE", §3.1–3.6, §4.1, §5). All report-only: nothing answers a response.
//!
//! The operation a response answers comes from its DE service (`<service>Response`), falling
//! back to wsa:Action, so that one wrong field is reported against the others rather than
//! hiding them.

use super::text::is_hl7_ts;
use super::{Sink, Subject, loc, payload_root};
use crate::model::*;
use crate::ns;
use crate::operation::Operation;

/// Address uses a patient address may have (home, temporary, correspondence).
const ADDRESS_USES: [&str; 3] = ["H", "TMP", "PST"];

/// pds.response.service: a response's DE service is `<request service>Response`.
pub(super) fn service(s: &Subject, out: &mut Sink) {
    let Some(service) = s.service() else { return };
    if let Some(op) = Operation::from_service(service) {
        out.error(
            loc::SERVICE,
            format!(
                "itk:header/@service {service:?} is the request service; a response carries {:?}",
                op.response_service()
            ),
        );
    }
}

/// pds.response.action: wsa:Action is the response service of the operation.
pub(super) fn action(s: &Subject, out: &mut Sink) {
    let (Some(op), Some(action)) = (
        s.service().and_then(Operation::from_response_service),
        s.action(),
    ) else {
        return;
    };
    if action.trim().is_empty() {
        return; // wsa.action.present reports it
    }
    if action != op.response_service() {
        out.error(
            loc::ACTION,
            format!(
                "wsa:Action {action:?} is not the {} response action {:?}",
                op.name(),
                op.response_service()
            ),
        );
    }
}

/// pds.response.profile: the manifest profile of the operation's response kind.
pub(super) fn profile(s: &Subject, out: &mut Sink) {
    let (Some(op), Some(m)) = (
        s.response_operation(),
        s.de().and_then(|de| de.header.manifest.as_ref()),
    ) else {
        return;
    };
    let expected = op.response_kind().profile();
    for (i, item) in m.items.iter().enumerate() {
        if let Some(p) = item.profile_id.as_deref()
            && !p.trim().is_empty()
            && p != expected
        {
            out.error(
                format!("{}/@profileid", loc::manifest_item(i)),
                format!(
                    "profileid {p:?} is not the {} response profile {expected:?}",
                    op.name()
                ),
            );
        }
    }
}

/// pds.response.kind: the payload is the kind the operation answers with.
pub(super) fn kind(s: &Subject, out: &mut Sink) {
    let Some(op) = s.response_operation() else {
        return;
    };
    let expected = op.response_kind();
    let found = match s.payload() {
        None => "no payload".to_owned(),
        Some(body) => match body.response_kind() {
            Some(k) if k == expected => return,
            _ => format!("a {} payload", payload_root(body)),
        },
    };
    out.error(
        format!("{}/*", loc::payload(0)),
        format!(
            "a {} response carries a {} payload, found {found}",
            op.name(),
            expected.root()
        ),
    );
}

fn head_and_root<'a>(s: &Subject<'a>) -> Option<(&'a ResponseHead, &'a str)> {
    let body = s.payload()?;
    Some((body.response_head()?, payload_root(body)))
}

/// pds.response.code-system: PDS response codes are in …17.285, even SMSP-* codes (the
/// generic …17.500 is never seen on the wire, SPEC.md §5.2).
pub(super) fn code_system(s: &Subject, out: &mut Sink) {
    let Some((head, root)) = head_and_root(s) else {
        return;
    };
    if head.response_code.code_system.as_deref() != Some(ns::OID_PDS_RESPONSE_CODE) {
        out.error(
            format!("{root}/value/@codeSystem"),
            format!(
                "response code codeSystem {:?} is not {:?}",
                head.response_code
                    .code_system
                    .as_deref()
                    .unwrap_or("(absent)"),
                ns::OID_PDS_RESPONSE_CODE
            ),
        );
    }
}

/// pds.response.code-format: `SMSP-nnnn` or `DEMOG-nnnn` (SPEC.md §5.2).
pub(super) fn code_format(s: &Subject, out: &mut Sink) {
    let Some((head, root)) = head_and_root(s) else {
        return;
    };
    let code = head.response_code.code.as_str();
    let digits = code
        .strip_prefix("SMSP-")
        .or_else(|| code.strip_prefix("DEMOG-"));
    if !digits.is_some_and(|d| d.len() == 4 && d.bytes().all(|c| c.is_ascii_digit())) {
        out.error(
            format!("{root}/value/@code"),
            format!("response code {code:?} is not SMSP-nnnn or DEMOG-nnnn"),
        );
    }
}

/// pds.response.body: success (SMSP-0000) and cached data (SMSP-0003) carry the body; error
/// outcomes are bare (every TKW template), except DEMOG-0017 which may return the superseding
/// number (SPEC.md §4.1, §6.2, §6.7).
pub(super) fn body(s: &Subject, out: &mut Sink) {
    let Some(body) = s.payload() else { return };
    let has_body = match body {
        PayloadBody::VerifyNhsNumberResponse(r) => r.valid_identifier.is_some(),
        PayloadBody::GetNhsNumberResponse(r) => r.patient.is_some(),
        PayloadBody::GetPatientDetailsResponse(r) => r.patient.is_some(),
        _ => return,
    };
    let Some(head) = body.response_head() else {
        return;
    };
    let root = payload_root(body);
    let code = head.response_code.code.as_str();
    let part = if matches!(body, PayloadBody::VerifyNhsNumberResponse(_)) {
        "component"
    } else {
        "subject"
    };
    match code {
        "SMSP-0000" if !has_body => out.warning(
            format!("{root}/{part}"),
            format!("the response code is {code} but there is no {part}; a success carries the data"),
        ),
        "SMSP-0003" if !has_body => out.warning(
            format!("{root}/{part}"),
            format!(
                "the response code is {code} (data returned from the local store) but there is no {part}; the cached data is expected (SPEC.md §6.7, INFERRED: TKW's templates are bare)"
            ),
        ),
        "SMSP-0000" | "SMSP-0003" | "DEMOG-0017" => {}
        _ if has_body => out.warning(
            format!("{root}/{part}"),
            format!("the response code is {code} but there is a {part}; error outcomes are bare"),
        ),
        _ => {}
    }
}

/// pds.response.record-shape: the COMT schemas' limits on the patient data (SPEC.md §3.1,
/// §3.2, §3.6).
pub(super) fn record_shape(s: &Subject, out: &mut Sink) {
    let Some(body) = s.payload() else { return };
    let root = payload_root(body);
    match body {
        PayloadBody::VerifyNhsNumberResponse(r) => {
            if let Some(vi) = &r.valid_identifier {
                nhs_number_id(
                    out,
                    &format!("{root}/component/validIdentifier/subject/patient/id"),
                    &vi.nhs_number,
                );
            }
        }
        PayloadBody::GetNhsNumberResponse(r) => {
            if let Some(p) = &r.patient {
                nhs_number_id(out, &format!("{root}/subject/patient/id[1]"), &p.nhs_number);
            }
        }
        PayloadBody::GetPatientDetailsResponse(r) => {
            if let Some(p) = &r.patient {
                patient_record(out, &format!("{root}/subject/patient"), p);
            }
        }
        _ => {}
    }
}

fn nhs_number_id(out: &mut Sink, at: &str, id: &Identifier) {
    if id.root != ns::OID_NHS_NUMBER {
        out.error(
            format!("{at}/@root"),
            format!(
                "patient id root {:?} is not the NHS number root {:?}",
                id.root,
                ns::OID_NHS_NUMBER
            ),
        );
    }
    if id.extension.as_deref().is_none_or(|e| e.trim().is_empty()) {
        out.error(
            format!("{at}/@extension"),
            "patient id has no NHS number (@extension)",
        );
    }
}

fn patient_record(out: &mut Sink, at: &str, p: &PatientRecord) {
    nhs_number_id(out, &format!("{at}/id[1]"), &p.ids.nhs_number);
    if let Some(n) = &p.name
        && n.given.len() > 2
    {
        out.error(
            format!("{at}/name/given[3]"),
            format!(
                "a patient name has at most two given names, found {}",
                n.given.len()
            ),
        );
    }
    if p.addresses.len() > 3 {
        out.error(
            format!("{at}/addr[4]"),
            format!(
                "a patient has at most 3 addresses, found {}",
                p.addresses.len()
            ),
        );
    }
    for (i, a) in p.addresses.iter().enumerate() {
        let aat = format!("{at}/addr[{}]", i + 1);
        match a.address_use.as_deref() {
            None => out.error(
                format!("{aat}/@use"),
                "a patient address has no @use (expected H, TMP or PST)",
            ),
            Some(u) if !ADDRESS_USES.contains(&u) => out.error(
                format!("{aat}/@use"),
                format!("address use {u:?} is not H, TMP or PST"),
            ),
            Some(_) => {}
        }
        five_lines(out, &aat, a);
    }
    let Some(person) = &p.person else { return };
    let pat = format!("{at}/patientPerson");
    for (name, value) in [
        ("birthTime", &person.birth_time),
        ("deceasedTime", &person.deceased_time),
    ] {
        if let Some(v) = value
            && !is_hl7_ts(v)
        {
            out.error(
                format!("{pat}/{name}/@value"),
                format!("{name} {v:?} is not an HL7 timestamp (digits: YYYY[MM[DD[HH[MM[SS]]]]])"),
            );
        }
    }
    if let Some(a) = person.gp_practice.as_ref().and_then(|g| g.address.as_ref()) {
        let gat = format!("{pat}/gPPractice/addr");
        if let Some(u) = &a.address_use {
            out.error(
                format!("{gat}/@use"),
                format!("the GP practice address takes no @use, found {u:?}"),
            );
        }
        five_lines(out, &gat, a);
    }
}

/// AD.NHS.AddressType2 has exactly five streetAddressLine elements (blank ones included).
fn five_lines(out: &mut Sink, at: &str, a: &PostalAddress) {
    if a.lines.len() != 5 {
        out.error(
            format!("{at}/streetAddressLine"),
            format!(
                "an address has exactly 5 streetAddressLine elements (empty ones as placeholders), found {}",
                a.lines.len()
            ),
        );
    }
}
