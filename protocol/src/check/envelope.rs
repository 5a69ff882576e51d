//! ITK Distribution Envelope rules (SPEC.md §2): service, trackingid, audit identity,
//! manifest and payload bookkeeping, id uniqueness and sender address. Mirrors TKW's
//! GEN_validate_DistributionEnvelope (COR-DEH-03/04.x), `crosscheck_id.xslt` and the autotest
//! triggers ATM_BadManifestNum, ATM_BadPayloadNum, ATM_PayloadManifestIDMismatch,
//! ATM_PayloadManifestCountMismatch, ATM_NoPayloadID and ATM_RejectMissingProfileID.

use super::text::{
    UuidCase, is_oid, is_upper_uuid, split_prefixed_uuid, uri_problem, uuid_case, uuid_part,
};
use super::{Sink, Subject, loc};
use crate::model::*;
use crate::ns;
use crate::operation::{Operation, ResponseKind};

const TOOLKIT_IDENTITY_PREFIX: &str = "urn:nhs-uk:identity:";
const SENDER_ADDRESS_PREFIX: &str = "urn:nhs-uk:addressing:";

/// itk.service.known: the five request URNs and the five `…Response` URNs.
pub(super) fn service_known(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    match de.header.service.as_deref() {
        None => out.error(loc::SERVICE, "itk:header/@service is missing"),
        Some(service) => {
            let known = Operation::from_service(service).is_some()
                || Operation::from_response_service(service).is_some();
            if !known && !service.trim().is_empty() {
                out.error(
                    loc::SERVICE,
                    format!(
                        "itk:header/@service {service:?} is not a PDS mini-service URN (expected {}<operation>-v1-0, or …Response in a response)",
                        ns::SERVICE_PREFIX
                    ),
                );
            }
        }
    }
}

/// itk.tracking-id.format: the DE schema's `itk:uuid` is upper-case only and has no prefix.
pub(super) fn tracking_id_format(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    match de.header.tracking_id.as_deref() {
        None => out.error(loc::TRACKING_ID, "itk:header/@trackingid is missing"),
        Some(t) if !is_upper_uuid(t) => out.error(
            loc::TRACKING_ID,
            format!(
                "itk:header/@trackingid {t:?} is not an upper-case UUID (DE schema pattern [A-F0-9]{{8}}-[A-F0-9]{{4}}-[A-F0-9]{{4}}-[A-F0-9]{{4}}-[A-F0-9]{{12}})"
            ),
        ),
        Some(_) => {}
    }
}

/// itk.audit-identity.present: MSCA-AUD-04 / COR-DEH-03 — a client populates the audit
/// identity of the originating user.
pub(super) fn audit_identity_present(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    match de.header.audit_identity.as_deref() {
        None => out.error(
            loc::AUDIT_IDENTITY,
            "itk:auditIdentity is missing; a request must identify the originating user (MSCA-AUD-04, COR-DEH-03)",
        ),
        Some([]) => out.error(
            loc::AUDIT_IDENTITY,
            "itk:auditIdentity has no itk:id; a request must identify the originating user (MSCA-AUD-04, COR-DEH-03)",
        ),
        Some(_) => {}
    }
}

/// itk.audit-identity.well-formed: TKW's COR-DEH-04.x checks, applied to every id.
pub(super) fn audit_identity_well_formed(s: &Subject, out: &mut Sink) {
    let Some(ids) = s.de().and_then(|de| de.header.audit_identity.as_deref()) else {
        return;
    };
    if ids.len() > 4 {
        out.error(
            loc::AUDIT_IDENTITY,
            format!(
                "itk:auditIdentity has {} ids; the DE schema allows 1 to 4",
                ids.len()
            ),
        );
    }
    for (i, id) in ids.iter().enumerate() {
        let at = || loc::audit_id(i);
        let Some(uri) = id.uri.as_deref() else {
            out.error(
                format!("{}/@uri", at()),
                "audit identity id has no @uri (COR-DEH-04)",
            );
            continue;
        };
        if uri.trim().is_empty() {
            out.error(
                format!("{}/@uri", at()),
                "audit identity @uri is empty (COR-DEH-04)",
            );
            continue;
        }
        if let Some(why) = uri_problem(uri) {
            out.error(
                format!("{}/@uri", at()),
                format!(
                    "audit identity @uri {uri:?} is not a well-formed URI: it {why} (COR-DEH-04.1)"
                ),
            );
        }
        match uri.strip_prefix(TOOLKIT_IDENTITY_PREFIX) {
            Some(rest) => toolkit_identity(out, &at, uri, rest, id.id_type.as_deref()),
            None => other_identity(out, &at, uri, id.id_type.as_deref()),
        }
    }
}

/// A toolkit identity: `urn:nhs-uk:identity:<authority>:<organisation>[:…]`.
fn toolkit_identity(
    out: &mut Sink,
    at: &dyn Fn() -> String,
    uri: &str,
    rest: &str,
    id_type: Option<&str>,
) {
    // Counted as they are split, rather than collected, so a message costs no list.
    let (mut tokens, mut empty, mut second) = (0, false, "");
    for (i, t) in rest.split(':').enumerate() {
        tokens += 1;
        empty |= t.is_empty();
        if i == 1 {
            second = t;
        }
    }
    if tokens < 2 || empty {
        out.error(
            format!("{}/@uri", at()),
            format!(
                "toolkit identity {uri:?} must continue with at least two non-empty colon-separated tokens after {TOOLKIT_IDENTITY_PREFIX} (COR-DEH-04.3)"
            ),
        );
    } else if !second.chars().all(|c| c.is_ascii_alphanumeric()) {
        out.error(
            format!("{}/@uri", at()),
            format!(
                "toolkit identity {uri:?}: the second token {:?} must be an organisation identifier (letters and digits) (COR-DEH-04.5)",
                second
            ),
        );
    }
    if let Some(t) = id_type
        && t != ns::OID_ITK_AUDIT_IDENTITY
    {
        out.error(
            format!("{}/@type", at()),
            format!(
                "toolkit identity has @type {t:?}; a toolkit identity's @type, when present, must be the default {} (COR-DEH-04.7)",
                ns::OID_ITK_AUDIT_IDENTITY
            ),
        );
    }
}

/// Any other identity (an ASID, a Smartcard user id): @type is mandatory and says what it is.
fn other_identity(out: &mut Sink, at: &dyn Fn() -> String, uri: &str, id_type: Option<&str>) {
    let location = || format!("{}/@type", at());
    match id_type {
        None => out.error(
            location(),
            format!(
                "non-toolkit identity {uri:?} has no @type; it must carry an OID saying what kind of identifier it is (COR-DEH-04.7)"
            ),
        ),
        Some(t) if t.trim().is_empty() => {
            out.error(location(), "audit identity @type is empty (COR-DEH-04)")
        }
        Some(t) if t == ns::OID_ITK_AUDIT_IDENTITY => out.error(
            location(),
            format!(
                "non-toolkit identity {uri:?} uses the default toolkit @type {t}; it must name its own identifier type (COR-DEH-04.7)"
            ),
        ),
        Some(t) if !is_oid(t) => out.error(
            location(),
            format!("audit identity @type {t:?} is not an OID (COR-DEH-04.1)"),
        ),
        Some(_) => {}
    }
}

/// itk.manifest.present.
pub(super) fn manifest_present(s: &Subject, out: &mut Sink) {
    if let Some(de) = s.de()
        && de.header.manifest.is_none()
    {
        out.error(loc::MANIFEST, "itk:header has no itk:manifest");
    }
}

/// Checks a `@count` attribute against the number of items it counts.
fn count_matches(out: &mut Sink, location: &str, what: &str, count: Option<&str>, actual: usize) {
    match count {
        None => out.error(location, format!("{what}/@count is missing")),
        Some(c) => match c.trim().parse::<usize>() {
            Err(_) => out.error(location, format!("{what}/@count {c:?} is not an integer")),
            Ok(n) if n != actual => out.error(
                location,
                format!("{what}/@count is {n} but it holds {actual}"),
            ),
            Ok(_) => {}
        },
    }
}

/// itk.manifest.count.
pub(super) fn manifest_count(s: &Subject, out: &mut Sink) {
    let Some(m) = s.de().and_then(|de| de.header.manifest.as_ref()) else {
        return;
    };
    if m.items.is_empty() {
        out.error(loc::MANIFEST, "itk:manifest has no itk:manifestitem");
    }
    count_matches(
        out,
        loc::MANIFEST_COUNT,
        "itk:manifest",
        m.count.as_deref(),
        m.items.len(),
    );
}

/// itk.payloads.count.
pub(super) fn payloads_count(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    if de.payloads.items.is_empty() {
        out.error(loc::PAYLOADS, "itk:payloads has no itk:payload");
    }
    count_matches(
        out,
        loc::PAYLOADS_COUNT,
        "itk:payloads",
        de.payloads.count.as_deref(),
        de.payloads.items.len(),
    );
}

/// itk.manifest.payload-ids: the manifest describes exactly the payloads carried.
pub(super) fn manifest_payload_ids(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    let Some(m) = &de.header.manifest else { return };
    let payloads = &de.payloads.items;
    if m.items.len() != payloads.len() {
        out.error(
            loc::PAYLOADS,
            format!(
                "itk:manifest lists {} item(s) but itk:payloads carries {} payload(s)",
                m.items.len(),
                payloads.len()
            ),
        );
    }
    for (i, p) in payloads.iter().enumerate() {
        let at = || format!("{}/@id", loc::payload(i));
        match p.id.as_deref() {
            None => out.error(at(), "itk:payload has no @id"),
            Some(id) if !m.items.iter().any(|item| item.id.as_deref() == Some(id)) => out.error(
                at(),
                format!("itk:payload/@id {id:?} is not the id of any itk:manifestitem"),
            ),
            Some(_) => {}
        }
    }
    for (i, item) in m.items.iter().enumerate() {
        if let Some(id) = item.id.as_deref()
            && !payloads.iter().any(|p| p.id.as_deref() == Some(id))
        {
            out.error(
                format!("{}/@id", loc::manifest_item(i)),
                format!("itk:manifestitem/@id {id:?} names no itk:payload"),
            );
        }
    }
}

/// itk.manifest.id-format: TKW `^[a-zA-Z_:]*` + upper-case UUID; the DE schema makes it an
/// xs:IDREF (an NCName), hence the customary `uuid_` prefix.
pub(super) fn manifest_id_format(s: &Subject, out: &mut Sink) {
    let Some(m) = s.de().and_then(|de| de.header.manifest.as_ref()) else {
        return;
    };
    for (i, item) in m.items.iter().enumerate() {
        let at = || format!("{}/@id", loc::manifest_item(i));
        match item.id.as_deref() {
            None => out.error(at(), "itk:manifestitem has no @id"),
            Some(id) => match split_prefixed_uuid(id) {
                None => out.error(
                    at(),
                    format!("itk:manifestitem/@id {id:?} is not a UUID after an optional [a-zA-Z_:]* prefix (e.g. uuid_<UUID>)"),
                ),
                Some((_, uuid)) if uuid_case(uuid) == Some(UuidCase::Lower) => out.warning(
                    at(),
                    format!("itk:manifestitem/@id {id:?} uses lower-case hex; TKW expects upper case"),
                ),
                Some(_) => {}
            },
        }
    }
}

/// itk.manifest.mimetype: TKW compares case-insensitively with text/xml.
pub(super) fn manifest_mimetype(s: &Subject, out: &mut Sink) {
    let Some(m) = s.de().and_then(|de| de.header.manifest.as_ref()) else {
        return;
    };
    for (i, item) in m.items.iter().enumerate() {
        let at = || format!("{}/@mimetype", loc::manifest_item(i));
        match item.mime_type.as_deref() {
            None => out.error(at(), "itk:manifestitem has no @mimetype; expected text/xml"),
            Some(t) if !t.trim().eq_ignore_ascii_case("text/xml") => out.error(
                at(),
                format!("itk:manifestitem/@mimetype {t:?} is not text/xml"),
            ),
            Some(_) => {}
        }
    }
}

/// The profile a payload document calls for, if it is a PDS document.
fn profile_of(body: &PayloadBody) -> Option<&'static str> {
    match body {
        PayloadBody::Request(r) => Some(r.operation.request_profile()),
        PayloadBody::Unparsable(d) => d
            .operation
            .map(Operation::request_profile)
            .or_else(|| d.response_kind.map(ResponseKind::profile)),
        other => other.response_kind().map(ResponseKind::profile),
    }
}

/// itk.manifest.profile: present, non-empty, and the profile of the payload it describes
/// (found by id, or by position when the ids do not match).
pub(super) fn manifest_profile(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    let Some(m) = &de.header.manifest else { return };
    for (i, item) in m.items.iter().enumerate() {
        let at = || format!("{}/@profileid", loc::manifest_item(i));
        let payload = item
            .id
            .as_deref()
            .and_then(|id| {
                de.payloads
                    .items
                    .iter()
                    .find(|p| p.id.as_deref() == Some(id))
            })
            .or_else(|| de.payloads.items.get(i));
        let expected = payload.and_then(|p| profile_of(&p.body));
        match item.profile_id.as_deref() {
            None => out.error(
                at(),
                match expected {
                    Some(e) => format!("itk:manifestitem has no @profileid; expected {e:?}"),
                    None => "itk:manifestitem has no @profileid".to_owned(),
                },
            ),
            Some(p) if p.trim().is_empty() => out.error(
                at(),
                match expected {
                    Some(e) => format!("itk:manifestitem/@profileid is empty; expected {e:?}"),
                    None => "itk:manifestitem/@profileid is empty".to_owned(),
                },
            ),
            Some(p) => {
                if let (Some(e), Some(payload)) = (expected, payload)
                    && p != e
                {
                    out.error(
                        at(),
                        format!(
                            "itk:manifestitem/@profileid {p:?} is not the profile of its {} payload; expected {e:?}",
                            super::payload_root(&payload.body)
                        ),
                    );
                }
            }
        }
    }
}

/// itk.ids.distinct: TKW crosscheck_id — MessageID, trackingid, manifest ids and Timestamp
/// Id must all differ. Compared by their UUID part, ignoring case and prefix. The payload id
/// is left out: it must equal its manifest item id.
pub(super) fn ids_distinct(s: &Subject, out: &mut Sink) {
    let Some(de) = s.de() else { return };
    /// Which id: the three fixed ones, or a manifest item by index.
    #[derive(Clone, Copy)]
    enum Which {
        MessageId,
        TimestampId,
        TrackingId,
        ManifestItem(usize),
    }
    impl Which {
        fn location(self) -> String {
            match self {
                Which::MessageId => loc::MESSAGE_ID.to_owned(),
                Which::TimestampId => loc::TIMESTAMP_ID.to_owned(),
                Which::TrackingId => loc::TRACKING_ID.to_owned(),
                Which::ManifestItem(i) => format!("{}/@id", loc::manifest_item(i)),
            }
        }
        fn name(self) -> String {
            match self {
                Which::MessageId => "wsa:MessageID".to_owned(),
                Which::TimestampId => "wsu:Timestamp/@wsu:Id".to_owned(),
                Which::TrackingId => "itk:header/@trackingid".to_owned(),
                Which::ManifestItem(i) => format!("itk:manifestitem[{}]/@id", i + 1),
            }
        }
    }
    // Each id with its comparison key, worked out once (one list, not two).
    let mut ids: Vec<(Which, &str, &str)> = Vec::with_capacity(4);
    if let Some(v) = s.envelope.header.addressing.message_id.as_deref() {
        ids.push((Which::MessageId, v, uuid_part(v)));
    }
    if let Some(v) = s
        .envelope
        .header
        .security
        .as_ref()
        .and_then(|sec| sec.timestamp.as_ref())
        .and_then(|t| t.id.as_deref())
    {
        ids.push((Which::TimestampId, v, uuid_part(v)));
    }
    if let Some(v) = de.header.tracking_id.as_deref() {
        ids.push((Which::TrackingId, v, uuid_part(v)));
    }
    if let Some(m) = &de.header.manifest {
        for (i, item) in m.items.iter().enumerate() {
            if let Some(v) = item.id.as_deref() {
                ids.push((Which::ManifestItem(i), v, uuid_part(v)));
            }
        }
    }
    for (j, &(id, value, key)) in ids.iter().enumerate() {
        if value.trim().is_empty() {
            continue;
        }
        if let Some(&(first, first_value, _)) = ids[..j]
            .iter()
            .find(|(_, _, k)| k.eq_ignore_ascii_case(key))
        {
            out.error(
                id.location(),
                format!(
                    "{} {value:?} repeats the UUID of {} {first_value:?}; MessageID, trackingid, manifest item ids and Timestamp Id must be distinct",
                    id.name(),
                    first.name()
                ),
            );
        }
    }
}

/// itk.sender-address.format: TKW `^urn:nhs-uk:addressing:[a-zA-Z_:0-9]{1,}`.
pub(super) fn sender_address_format(s: &Subject, out: &mut Sink) {
    let Some(a) = s.de().and_then(|de| de.header.sender_address.as_ref()) else {
        return;
    };
    let Some(uri) = a.uri.as_deref() else {
        out.error(loc::SENDER_ADDRESS, "itk:senderAddress has no @uri");
        return;
    };
    let ok = uri.strip_prefix(SENDER_ADDRESS_PREFIX).is_some_and(|rest| {
        rest.bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':')
    });
    if !ok {
        out.error(
            loc::SENDER_ADDRESS,
            format!(
                "itk:senderAddress/@uri {uri:?} does not match {SENDER_ADDRESS_PREFIX}<address> (e.g. urn:nhs-uk:addressing:ods:RHM)"
            ),
        );
    }
}
