//! Building the request a case sends: a conformant envelope from the case's fields (templates
//! filled from the bound patient), then the case's deliberate envelope defects, then bytes.

use std::collections::BTreeMap;

use smsp_protocol::messages::{self, Sender};
use smsp_protocol::{
    Body, Clock, CodedValue, ForeignHeader, IdSource, Identifier, Operation, Parameter, PersonName,
    QueryParam, TraceQuery, determinism::ws_datetime, ns, to_xml,
};

use crate::suite::model::{Case, EnvelopeDefect, RequestFields};
use crate::suite::template::{TemplateError, fill};

/// A request ready to send, with what the judge needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The operation the case is about.
    pub operation: Operation,
    /// The exact bytes to POST.
    pub body: Vec<u8>,
    /// The Content-Type header.
    pub content_type: String,
    /// The SOAPAction header value (unquoted), if one is sent.
    pub soap_action: Option<String>,
    /// wsa:MessageID, unless a defect removed it.
    pub message_id: Option<String>,
    /// The NHS number sent, if any.
    pub nhs_number: Option<String>,
    /// The local identifier sent, if any.
    pub local_identifier: Option<String>,
}

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The suite names an operation this tool does not know.
    #[error("unknown operation `{0}`")]
    UnknownOperation(String),
    /// A template could not be filled from the patient's facts.
    #[error("request field `{field}`: {source}")]
    Template {
        /// The request field.
        field: &'static str,
        /// Why.
        source: TemplateError,
    },
}

/// Fills a case's request fields from the patient's facts.
fn filled(
    fields: &RequestFields,
    facts: &BTreeMap<String, String>,
) -> Result<BTreeMap<&'static str, String>, RequestError> {
    let mut out = BTreeMap::new();
    let named = [
        ("nhs_number", &fields.nhs_number),
        ("birth_date", &fields.birth_date),
        ("gender", &fields.gender),
        ("surname", &fields.surname),
        ("given", &fields.given),
        ("postcode", &fields.postcode),
        ("local_identifier", &fields.local_identifier),
    ];
    for (field, template) in named {
        if let Some(t) = template {
            let value =
                fill(t, facts).map_err(|source| RequestError::Template { field, source })?;
            out.insert(field, value);
        }
    }
    Ok(out)
}

/// The trace query for the filled fields.
fn query(values: &BTreeMap<&'static str, String>) -> TraceQuery {
    let get = |k: &str| values.get(k).cloned();
    let name = (values.contains_key("surname") || values.contains_key("given")).then(|| {
        QueryParam::new(
            Parameter::Name,
            PersonName {
                given: get("given").into_iter().collect(),
                family: get("surname"),
                ..PersonName::default()
            },
        )
    });
    TraceQuery {
        date_of_birth: get("birth_date").map(|d| QueryParam::new(Parameter::DateOfBirth, d)),
        gender: get("gender")
            .map(|g| QueryParam::new(Parameter::Gender, CodedValue::new(g, ns::OID_GENDER))),
        local_identifier: get("local_identifier").map(|l| {
            QueryParam::new(
                Parameter::LocalIdentifier,
                Identifier::new(ns::OID_LOCAL_IDENTIFIER, l),
            )
        }),
        nhs_number: get("nhs_number")
            .map(|n| QueryParam::new(Parameter::NhsNumber, Identifier::nhs_number(n))),
        name,
        postcode: get("postcode").map(|p| QueryParam::new(Parameter::Postcode, p)),
    }
}

/// Builds the request for `case` about the patient with `facts` (empty when the case names no
/// role), from `sender`, at the clock's time with ids from `ids`.
pub fn prepare(
    case: &Case,
    facts: &BTreeMap<String, String>,
    sender: &Sender,
    clock: &dyn Clock,
    ids: &dyn IdSource,
) -> Result<PreparedRequest, RequestError> {
    let operation = Operation::from_name(&case.operation)
        .ok_or_else(|| RequestError::UnknownOperation(case.operation.clone()))?;
    let values = filled(&case.request, facts)?;
    let mut envelope = messages::request(operation, query(&values), sender, clock, ids);
    let mut soap12 = false;
    let mut not_xml = false;
    for defect in &case.envelope {
        let header = &mut envelope.header;
        match defect {
            EnvelopeDefect::MissingTimestamp => {
                if let Some(s) = header.security.as_mut() {
                    s.timestamp = None;
                }
            }
            EnvelopeDefect::ExpiredTimestamp => {
                if let Some(t) = header.security.as_mut().and_then(|s| s.timestamp.as_mut()) {
                    let now = clock.now();
                    t.created = Some(ws_datetime(now - time::Duration::hours(2)));
                    t.expires = Some(ws_datetime(now - time::Duration::hours(1)));
                }
            }
            EnvelopeDefect::MissingUsername => {
                if let Some(s) = header.security.as_mut() {
                    s.username = None;
                }
            }
            EnvelopeDefect::MissingTo => header.addressing.to = None,
            EnvelopeDefect::MissingMessageId => header.addressing.message_id = None,
            EnvelopeDefect::ActionNotService => {
                let other = if operation == Operation::VerifyNhsNumber {
                    Operation::GetNhsNumber
                } else {
                    Operation::VerifyNhsNumber
                };
                header.addressing.action = Some(other.service().to_owned());
            }
            EnvelopeDefect::MustUnderstandHeader => header.foreign_headers.push(ForeignHeader {
                namespace: "urn:example:smsp-harness:unknown-header".to_owned(),
                name: "MustBeUnderstood".to_owned(),
                must_understand: true,
            }),
            EnvelopeDefect::ManifestIdMismatch => {
                if let Some(item) = distribution_manifest_item(&mut envelope.body) {
                    item.id = Some(format!("uuid_{}", ids.next_id()));
                }
            }
            EnvelopeDefect::ManifestCountMismatch => {
                if let Body::DistributionEnvelope(de) = &mut envelope.body
                    && let Some(m) = de.header.manifest.as_mut()
                {
                    m.count = Some("2".to_owned());
                }
            }
            EnvelopeDefect::MissingAuditIdentity => {
                if let Body::DistributionEnvelope(de) = &mut envelope.body {
                    de.header.audit_identity = None;
                }
            }
            EnvelopeDefect::Soap12 => soap12 = true,
            EnvelopeDefect::NotXml => not_xml = true,
        }
    }
    let message_id = envelope.header.addressing.message_id.clone();
    let service = operation.service();
    let (body, content_type, soap_action) = if not_xml {
        (
            b"This is not XML: the harness sends it to see the provider refuse it.\n".to_vec(),
            "text/xml; charset=UTF-8".to_owned(),
            Some(service.to_owned()),
        )
    } else if soap12 {
        // The same message in the SOAP 1.2 namespace, sent the SOAP 1.2 way (the action travels
        // in the media type).
        let xml = to_xml(&envelope).replace(ns::SOAP11, ns::SOAP12);
        (
            xml.into_bytes(),
            format!("application/soap+xml; charset=UTF-8; action=\"{service}\""),
            None,
        )
    } else {
        (
            to_xml(&envelope).into_bytes(),
            "text/xml; charset=UTF-8".to_owned(),
            Some(service.to_owned()),
        )
    };
    Ok(PreparedRequest {
        operation,
        body,
        content_type,
        soap_action,
        message_id,
        nhs_number: values.get("nhs_number").cloned(),
        local_identifier: values.get("local_identifier").cloned(),
    })
}

fn distribution_manifest_item(body: &mut Body) -> Option<&mut smsp_protocol::ManifestItem> {
    match body {
        Body::DistributionEnvelope(de) => de.header.manifest.as_mut()?.items.first_mut(),
        Body::Fault(_) => None,
    }
}
