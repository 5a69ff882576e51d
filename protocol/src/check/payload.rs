//! PDS payload rules: mostly requests (parameters, date of birth, names, wildcards, NHS
//! number, postcode: SPEC.md §3.0–3.5, §6.3), plus the rules every PDS payload shares
//! (readable, message type, payload id, gender codes).
//!
//! A provider answers a payload defect in a well-formed envelope with SMSP-0001 (HTTP 200),
//! not a fault (SPEC.md §4.1, §4.3); only a payload that does not belong to the service is a
//! fault.

use super::text::{is_upper_uuid, num, real_date};
use super::{Sink, Subject, payload_root};
use crate::model::*;
use crate::nhs_number::NhsNumber;
use crate::ns;
use crate::operation::{Cardinality, Operation, Parameter};

/// The gender codes of code system 2.16.840.1.113883.2.1.3.2.4.16.25.
const GENDER_CODES: [&str; 4] = ["0", "1", "2", "9"];

fn param_at(r: &PdsRequest, p: Parameter) -> String {
    format!(
        "{}/queryEvent/{}",
        r.operation.request_root(),
        p.element_name()
    )
}

fn present(q: &TraceQuery, p: Parameter) -> bool {
    match p {
        Parameter::DateOfBirth => q.date_of_birth.is_some(),
        Parameter::Gender => q.gender.is_some(),
        Parameter::LocalIdentifier => q.local_identifier.is_some(),
        Parameter::NhsNumber => q.nhs_number.is_some(),
        Parameter::Name => q.name.is_some(),
        Parameter::Postcode => q.postcode.is_some(),
    }
}

fn semantics_text(q: &TraceQuery, p: Parameter) -> Option<Option<&str>> {
    fn st(s: &Option<String>) -> Option<&str> {
        s.as_deref()
    }
    match p {
        Parameter::DateOfBirth => q.date_of_birth.as_ref().map(|x| st(&x.semantics_text)),
        Parameter::Gender => q.gender.as_ref().map(|x| st(&x.semantics_text)),
        Parameter::LocalIdentifier => q.local_identifier.as_ref().map(|x| st(&x.semantics_text)),
        Parameter::NhsNumber => q.nhs_number.as_ref().map(|x| st(&x.semantics_text)),
        Parameter::Name => q.name.as_ref().map(|x| st(&x.semantics_text)),
        Parameter::Postcode => q.postcode.as_ref().map(|x| st(&x.semantics_text)),
    }
}

fn has_text(v: Option<&str>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty())
}

/// Whether the request is a trace (wildcards and partial dates allowed).
fn is_trace(r: &PdsRequest) -> bool {
    r.operation.is_trace(r.query.nhs_number.is_some())
}

/// pds.payload.readable: the parser kept an unreadable PDS payload as `Unparsable`, with
/// where and why; a provider answers SMSP-0001 for the right operation.
pub(super) fn payload_readable(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    for p in &de.payloads.items {
        if let PayloadBody::Unparsable(d) = &p.body {
            out.error(d.location.clone(), d.message.clone());
        }
    }
}

/// pds.payload.matches-service: the DE service names an operation; its request root must be
/// the payload's root (a getNHSNumber service carrying a verifyNHSNumberRequest is refused).
pub(super) fn payload_matches_service(s: &Subject, out: &mut Sink) {
    let Some(service) = s.service() else { return };
    let Some(op) = Operation::from_service(service) else {
        if let Some(op) = Operation::from_response_service(service) {
            out.error(
                super::loc::SERVICE,
                format!(
                    "itk:header/@service {service:?} is a response service but the message carries a request; a {} request uses {:?}",
                    op.name(),
                    op.service()
                ),
            );
        }
        return; // itk.service.known reports unknown services
    };
    let expected = op.request_root();
    let at = || format!("{}/*", super::loc::payload(0));
    let found = match s.payload() {
        None => {
            out.error(
                super::loc::PAYLOADS,
                format!("no payload; service {service:?} calls for a {expected} payload"),
            );
            return;
        }
        Some(PayloadBody::Request(r)) if r.operation == op => return,
        Some(PayloadBody::Unparsable(d)) if d.operation == Some(op) => return,
        Some(PayloadBody::Empty) => "an empty payload".to_owned(),
        Some(PayloadBody::Other(f)) if !f.namespace.is_empty() => {
            format!("a {{{}}}{} payload", f.namespace, f.name)
        }
        Some(body) => format!("a {} payload", payload_root(body)),
    };
    out.error(
        at(),
        format!("itk:header/@service {service:?} calls for a {expected} payload but the message carries {found}"),
    );
}

/// pds.message-type.code: `code/@code` names the message type (for getPatientDetails it is
/// `getPatientDetailsRequest-v1-0`, not the root's name) in code system …17.284.
pub(super) fn message_type_code(s: &Subject, out: &mut Sink) {
    let Some(body) = s.payload() else { return };
    let (code, expected) = match body {
        PayloadBody::Request(r) => (&r.code, r.operation.request_code()),
        other => match (other.response_head(), other.response_kind()) {
            (Some(h), Some(kind)) => (&h.code, kind.root()),
            _ => return,
        },
    };
    let root = payload_root(body);
    if code.code != expected {
        out.error(
            format!("{root}/code/@code"),
            format!("message type code {:?} is not {expected:?}", code.code),
        );
    }
    if code.code_system.as_deref() != Some(ns::OID_MESSAGE_TYPE) {
        out.error(
            format!("{root}/code/@codeSystem"),
            format!(
                "message type codeSystem {:?} is not {:?}",
                code.code_system.as_deref().unwrap_or("(absent)"),
                ns::OID_MESSAGE_TYPE
            ),
        );
    }
}

/// pds.payload-id.format: the payload's `id/@root` is an upper-case UUID
/// (II.NHS.IdentifierType2 pattern `[0-9A-F]{8}-…`).
pub(super) fn payload_id_format(s: &Subject, out: &mut Sink) {
    let Some(body) = s.payload() else { return };
    let id = match body {
        PayloadBody::Request(r) => &r.id,
        other => match other.response_head() {
            Some(h) => &h.id,
            None => return,
        },
    };
    if !is_upper_uuid(id) {
        out.error(
            format!("{}/id/@root", payload_root(body)),
            format!("payload id/@root {id:?} is not an upper-case UUID"),
        );
    }
}

/// pds.parameter.required: per the QUPA schemas ([`Operation::cardinality`]).
pub(super) fn parameter_required(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    for p in Parameter::ALL {
        if r.operation.cardinality(p) == Cardinality::Required && !present(&r.query, p) {
            out.error(
                param_at(r, p),
                format!(
                    "{} is required in a {} request",
                    p.element_name(),
                    r.operation
                ),
            );
        }
    }
}

/// pds.parameter.allowed: per the QUPA schemas ([`Operation::cardinality`]).
pub(super) fn parameter_allowed(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    for p in Parameter::ALL {
        if r.operation.cardinality(p) == Cardinality::NotAllowed && present(&r.query, p) {
            out.error(
                param_at(r, p),
                format!("{} is not a parameter of {}", p.element_name(), r.operation),
            );
        }
    }
}

/// pds.parameter.semantics-text: mandatory, fixed to the element name (SPEC.md §3.0).
pub(super) fn parameter_semantics_text(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    for p in Parameter::ALL {
        let expected = p.element_name();
        match semantics_text(&r.query, p) {
            None => {}
            Some(None) => out.error(
                format!("{}/semanticsText", param_at(r, p)),
                format!("{expected} has no semanticsText; expected {expected:?}"),
            ),
            Some(Some(t)) if t != expected => out.error(
                format!("{}/semanticsText", param_at(r, p)),
                format!("semanticsText {t:?} is not {expected:?}"),
            ),
            Some(Some(_)) => {}
        }
    }
}

/// pds.get-patient-details.combination: the schema makes everything but the date of birth
/// optional; PDS needs either a cross-check (NHS number) or a trace (surname and gender)
/// (SPEC.md §3.5, INFERRED from the PDS mapping and clients).
pub(super) fn get_patient_details_combination(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    if r.operation != Operation::GetPatientDetails || r.query.nhs_number.is_some() {
        return;
    }
    let has_surname = r
        .query
        .name
        .as_ref()
        .is_some_and(|n| has_text(n.value.family.as_deref()));
    let mut missing = Vec::new();
    if !has_surname {
        missing.push("a surname (Person.Name/value/family)");
    }
    if r.query.gender.is_none() {
        missing.push("Person.Gender");
    }
    if !missing.is_empty() {
        out.error(
            format!("{}/queryEvent", r.operation.request_root()),
            format!(
                "getPatientDetails without Person.NHSNumber is a trace and needs {} besides the date of birth",
                missing.join(" and ")
            ),
        );
    }
}

/// pds.gender.code: requests' Person.Gender and responses' administrativeGenderCode.
pub(super) fn gender_code(s: &Subject, out: &mut Sink) {
    let Some(body) = s.payload() else { return };
    let (value, request) = match body {
        PayloadBody::Request(r) => match &r.query.gender {
            Some(g) => (&g.value, Some(r)),
            None => return,
        },
        PayloadBody::GetPatientDetailsResponse(resp) => match resp
            .patient
            .as_ref()
            .and_then(|p| p.person.as_ref())
            .and_then(|pp| pp.gender.as_ref())
        {
            Some(g) => (g, None),
            None => return,
        },
        _ => return,
    };
    let at = || match request {
        Some(r) => format!("{}/value", param_at(r, Parameter::Gender)),
        None => format!(
            "{}/subject/patient/patientPerson/administrativeGenderCode",
            payload_root(body)
        ),
    };
    if !GENDER_CODES.contains(&value.code.as_str()) {
        out.error(
            format!("{}/@code", at()),
            format!(
                "gender code {:?} is not one of 0 (not known), 1 (male), 2 (female), 9 (not specified)",
                value.code
            ),
        );
    }
    if value.code_system.as_deref() != Some(ns::OID_GENDER) {
        out.error(
            format!("{}/@codeSystem", at()),
            format!(
                "gender codeSystem {:?} is not {:?}",
                value.code_system.as_deref().unwrap_or("(absent)"),
                ns::OID_GENDER
            ),
        );
    }
}

/// pds.date-of-birth.shape: digits; YYYY, YYYYMM or YYYYMMDD in a trace (partial dates are
/// for Advanced Trace, TRCPDS-10), exactly YYYYMMDD in a cross-check; a real date, not in
/// the future. OpenTest answers SMSP-0001 to "201405" ("too small") and "2014051200"
/// ("with hhmm") (SPEC.md §6.3).
pub(super) fn date_of_birth_shape(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    let Some(dob) = &r.query.date_of_birth else {
        return;
    };
    let at = || format!("{}/value/@value", param_at(r, Parameter::DateOfBirth));
    let v = dob.value.as_str();
    if v.is_empty() || !v.bytes().all(|c| c.is_ascii_digit()) {
        out.error(
            at(),
            format!("date of birth {v:?} is not digits (expected YYYYMMDD)"),
        );
        return;
    }
    let trace = is_trace(r);
    let allowed: &[usize] = if trace { &[4, 6, 8] } else { &[8] };
    if !allowed.contains(&v.len()) {
        let expected = if trace {
            "YYYY, YYYYMM or YYYYMMDD"
        } else {
            "exactly YYYYMMDD (partial dates are for traces only)"
        };
        let what = if v.len() > 8 {
            "is longer than a date (it has a time)"
        } else {
            "is too short"
        };
        out.error(
            at(),
            format!(
                "date of birth {v:?} {what}; a {} request takes {expected}",
                r.operation
            ),
        );
        return;
    }
    let b = v.as_bytes();
    let year = i32::try_from(num(&b[0..4])).unwrap_or(i32::MAX);
    let month = (v.len() >= 6).then(|| u8::try_from(num(&b[4..6])).unwrap_or(u8::MAX));
    let day = (v.len() == 8).then(|| u8::try_from(num(&b[6..8])).unwrap_or(u8::MAX));
    let real = match (month, day) {
        (Some(m), Some(d)) => real_date(year, m, d).map(|_| ()),
        (Some(m), None) => real_date(year, m, 1).map(|_| ()),
        _ => Ok(()),
    };
    if let Err(why) = real {
        out.error(
            at(),
            format!("date of birth {v:?} is not a real date: {why}"),
        );
        return;
    }
    if let Some(now) =
        s.cx.now
            .and_then(|n| n.checked_to_offset(time::UtcOffset::UTC))
    {
        let today = now.date();
        let today = (today.year(), u8::from(today.month()), today.day());
        let future = match (month, day) {
            (Some(m), Some(d)) => (year, m, d) > today,
            (Some(m), None) => (year, m) > (today.0, today.1),
            _ => year > today.0,
        };
        if future {
            out.error(at(), format!("date of birth {v:?} is in the future"));
        }
    }
}

/// pds.nhs-number.root: Person.NHSNumber/value has the NHS number root and an extension.
pub(super) fn nhs_number_root(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    let Some(n) = &r.query.nhs_number else { return };
    let at = || format!("{}/value", param_at(r, Parameter::NhsNumber));
    if n.value.root != ns::OID_NHS_NUMBER {
        out.error(
            format!("{at_}/@root", at_ = at()),
            format!(
                "NHS number root {:?} is not {:?}",
                n.value.root,
                ns::OID_NHS_NUMBER
            ),
        );
    }
    if !has_text(n.value.extension.as_deref()) {
        out.error(
            format!("{at_}/@extension", at_ = at()),
            "Person.NHSNumber/value has no @extension (the NHS number)",
        );
    }
}

/// pds.nhs-number.format: a warning only — the schema does not restrict the extension, and a
/// provider answers a bad number with a business outcome (DEMOG-0042 for a number that is not
/// ten digits, DEMOG-0001 or SMSP-0001 for a failed check digit: SPEC.md §6.2, §6.4).
pub(super) fn nhs_number_format(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    let Some(ext) = r
        .query
        .nhs_number
        .as_ref()
        .and_then(|n| n.value.extension.as_deref())
    else {
        return;
    };
    if ext.trim().is_empty() {
        return; // pds.nhs-number.root reports it
    }
    let at = || format!("{}/value/@extension", param_at(r, Parameter::NhsNumber));
    if ext.len() != 10 || !ext.bytes().all(|c| c.is_ascii_digit()) {
        out.warning(
            at(),
            format!("NHS number {ext:?} is not ten digits (a provider answers DEMOG-0042)"),
        );
        return;
    }
    if let Err(e) = NhsNumber::parse(ext) {
        out.warning(at(), format!("{e}"));
    }
}

/// pds.name.shape: request names are PN.NHS.PersonNameType1/3 — one given name at most, no
/// prefix, no @use in Type3 (getNHSNumber, getPatientDetailsBySearch), where the surname is
/// mandatory (PDS20 info model). getPatientDetails' trace form is judged by
/// pds.get-patient-details.combination instead.
pub(super) fn name_shape(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    let Some(name) = &r.query.name else { return };
    let at = || format!("{}/value", param_at(r, Parameter::Name));
    let n = &name.value;
    if n.given.len() > 1 {
        out.error(
            format!("{at_}/given[2]", at_ = at()),
            format!(
                "a request name carries at most one given name, found {}",
                n.given.len()
            ),
        );
    }
    if n.prefix.is_some() {
        out.error(
            format!("{at_}/prefix", at_ = at()),
            "a request name carries no prefix (title)",
        );
    }
    if r.operation.name_use_prohibited()
        && let Some(u) = &n.name_use
    {
        out.error(
            format!("{at_}/@use", at_ = at()),
            format!(
                "{} requests take a name without @use, found use={u:?}",
                r.operation
            ),
        );
    }
    let surname_required = matches!(
        r.operation,
        Operation::GetNhsNumber | Operation::GetPatientDetailsBySearch
    );
    if surname_required && !has_text(n.family.as_deref()) {
        out.error(
            format!("{at_}/family", at_ = at()),
            format!("a {} request needs a surname (family)", r.operation),
        );
    }
}

/// pds.wildcard: MSCA-PDS-07 and TRCPDS-6 — `*` only in surname, given name and postcode of
/// an alphanumeric trace, and never before the third character (OIH client rules).
pub(super) fn wildcard(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    let q = &r.query;
    let trace = is_trace(r);
    // Where a searchable value sits: (parameter, path under its value element, value), in
    // the order family, given names, postcode; gathered lazily, so a message costs no list.
    // Locations are written only for a value that has a wildcard.
    let family = q.name.iter().filter_map(|n| {
        let f = n.value.family.as_deref()?;
        Some((Parameter::Name, None, f))
    });
    let given = q.name.iter().flat_map(|n| {
        n.value
            .given
            .iter()
            .enumerate()
            .map(|(i, g)| (Parameter::Name, Some(i + 1), g.as_str()))
    });
    let postcode = q
        .postcode
        .iter()
        .map(|p| (Parameter::Postcode, None, p.value.as_str()));
    for (p, given, v) in family.chain(given).chain(postcode) {
        let Some(star) = v.chars().position(|c| c == '*') else {
            continue;
        };
        let at = || match (p, given) {
            (Parameter::Name, None) => format!("{}/value/family", param_at(r, p)),
            (Parameter::Name, Some(i)) => format!("{}/value/given[{i}]", param_at(r, p)),
            _ => format!("{}/value/postalCode", param_at(r, p)),
        };
        if !trace {
            out.error(
                at(),
                format!(
                    "{v:?} has a wildcard, but a {} request with an NHS number is a cross-check, where wildcards are not allowed",
                    r.operation
                ),
            );
        } else if star < 2 {
            out.error(
                at(),
                format!("{v:?} has a wildcard before its third character; at least two characters must precede *"),
            );
        }
    }
    let other = [
        (
            Parameter::DateOfBirth,
            "@value",
            q.date_of_birth.as_ref().map(|d| d.value.as_str()),
        ),
        (
            Parameter::Gender,
            "@code",
            q.gender.as_ref().map(|g| g.value.code.as_str()),
        ),
        (
            Parameter::NhsNumber,
            "@extension",
            q.nhs_number
                .as_ref()
                .and_then(|i| i.value.extension.as_deref()),
        ),
        (
            Parameter::LocalIdentifier,
            "@extension",
            q.local_identifier
                .as_ref()
                .and_then(|i| i.value.extension.as_deref()),
        ),
    ];
    for (p, attribute, v) in other {
        if let Some(v) = v
            && v.contains('*')
        {
            out.error(
                format!("{}/value/{attribute}", param_at(r, p)),
                format!("{v:?} has a wildcard; wildcards are allowed only in surname, given name and postcode"),
            );
        }
    }
}

/// pds.postcode.format: OIH's client rules — at most 8 characters, letters, digits and `*`,
/// at most one space. A warning: PDS itself decides what matches.
pub(super) fn postcode_format(s: &Subject, out: &mut Sink) {
    let Some(r) = s.request() else { return };
    let Some(p) = &r.query.postcode else { return };
    let v = p.value.as_str();
    let at = || format!("{}/value/postalCode", param_at(r, Parameter::Postcode));
    let problem = if v.is_empty() {
        Some("is empty".to_owned())
    } else if v.chars().count() > 8 {
        Some(format!(
            "is {} characters long (at most 8)",
            v.chars().count()
        ))
    } else if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '*' || *c == ' '))
    {
        Some(format!(
            "contains {c:?} (only letters, digits, * and one space)"
        ))
    } else if v.matches(' ').count() > 1 {
        Some("has more than one space".to_owned())
    } else {
        None
    };
    if let Some(why) = problem {
        out.warning(at(), format!("postcode {v:?} {why}"));
    }
}
