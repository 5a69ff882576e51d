//! High-level constructors: a complete request for an operation, the response to a request,
//! and an ITK SOAP fault, filled with fresh ids and timestamps from an injected
//! [`Clock`] and [`IdSource`].
//!
//! They produce what a well-behaved sender produces (SPEC.md §1.5, §2, §10): distinct
//! upper-case UUIDs for MessageID, trackingid, manifest/payload id and Timestamp Id; Action
//! equal to the service; `uuid_` payload ids; a response shaped like the real OpenTest capture
//! (MessageID and Action only; no auditIdentity or senderAddress).

use crate::build::{ResponseShell, WriteOptions, response_to_xml};
use crate::determinism::{Clock, IdSource, ws_datetime};
use crate::model::*;
use crate::ns;
use crate::operation::{Operation, ResponseKind};

/// Who sends a request and where: everything in the envelope that is not the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// wsa:To: the endpoint URL.
    pub to: String,
    /// wsa:From/Address, if any.
    pub from: Option<String>,
    /// wsse:Username.
    pub username: String,
    /// The audit identity ids (MSCA-AUD-04).
    pub audit_identity: Vec<AuditIdentity>,
    /// itk:senderAddress/@uri, if any.
    pub sender_address: Option<String>,
    /// Lifetime of the WS-Security Timestamp in seconds (Expires − Created).
    pub timestamp_ttl_seconds: i64,
}

impl Default for Sender {
    fn default() -> Self {
        Sender {
            to: "https://127.0.0.1:8443/smsp/pds".to_owned(),
            from: None,
            username: "smsp-harness".to_owned(),
            audit_identity: vec![AuditIdentity {
                id_type: None,
                uri: Some("urn:nhs-uk:identity:ods:X09:SYS:SMSP".to_owned()),
            }],
            sender_address: None,
            timestamp_ttl_seconds: 300,
        }
    }
}

/// A manifest with one item and the matching single-payload list.
fn manifest_and_payloads(
    payload_id: &str,
    profile: &str,
    body: PayloadBody,
) -> (Manifest, Payloads) {
    let manifest = Manifest {
        count: Some("1".to_owned()),
        items: vec![ManifestItem {
            id: Some(payload_id.to_owned()),
            mime_type: Some("text/xml".to_owned()),
            profile_id: Some(profile.to_owned()),
            metadata: None,
            compressed: Some(false),
            base64: Some(false),
            encrypted: Some(false),
        }],
    };
    let payloads = Payloads {
        count: Some("1".to_owned()),
        items: vec![Payload {
            id: Some(payload_id.to_owned()),
            filename: None,
            body,
        }],
    };
    (manifest, payloads)
}

/// A complete request envelope for `operation` carrying `query`.
pub fn request(
    operation: Operation,
    query: TraceQuery,
    sender: &Sender,
    clock: &dyn Clock,
    ids: &dyn IdSource,
) -> Envelope {
    let now = clock.now();
    let payload_uuid = ids.next_id();
    let payload_id = format!("uuid_{payload_uuid}");
    let body = PayloadBody::Request(PdsRequest {
        operation,
        id: ids.next_id(),
        code: CodedValue::new(operation.request_code(), ns::OID_MESSAGE_TYPE),
        query,
    });
    let (manifest, payloads) =
        manifest_and_payloads(&payload_id, operation.request_profile(), body);
    Envelope {
        header: SoapHeader {
            addressing: Addressing {
                message_id: Some(ids.next_id()),
                action: Some(operation.service().to_owned()),
                to: Some(sender.to.clone()),
                from: sender.from.clone(),
                ..Addressing::default()
            },
            security: Some(Security {
                timestamp: Some(Timestamp {
                    id: Some(ids.next_id()),
                    created: Some(ws_datetime(now)),
                    expires: Some(ws_datetime(
                        now + time::Duration::seconds(sender.timestamp_ttl_seconds),
                    )),
                }),
                username: Some(sender.username.clone()),
            }),
            foreign_headers: Vec::new(),
        },
        body: Body::DistributionEnvelope(DistributionEnvelope {
            header: ItkHeader {
                service: Some(operation.service().to_owned()),
                tracking_id: Some(ids.next_id()),
                audit_identity: Some(sender.audit_identity.clone()),
                manifest: Some(manifest),
                sender_address: sender.sender_address.as_ref().map(|uri| ItkAddress {
                    address_type: None,
                    uri: Some(uri.clone()),
                }),
                ..ItkHeader::default()
            },
            payloads,
        }),
    }
}

/// What a response says, without its ids: the response code and, for success, the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseContent {
    /// verifyNHSNumber: the code and, unless bare, the valid-identifier component.
    Verify {
        /// Response code (SMSP-0000, DEMOG-0040, …).
        code: String,
        /// The component, absent in the bare error form.
        valid_identifier: Option<ValidIdentifier>,
    },
    /// getNHSNumber: the code and, unless bare, the patient ids.
    NhsNumber {
        /// Response code.
        code: String,
        /// The patient ids, absent in the bare error form.
        patient: Option<PatientIdentifiers>,
    },
    /// getPatientDetails*: the code and, unless bare, the patient record.
    PatientDetails {
        /// Response code.
        code: String,
        /// The patient record, absent in the bare error form (boxed: it dwarfs the others).
        patient: Option<Box<PatientRecord>>,
    },
}

impl ResponseContent {
    /// The bare error form for `operation`: the response code and nothing else.
    pub fn bare(operation: Operation, code: impl Into<String>) -> ResponseContent {
        let code = code.into();
        match operation.response_kind() {
            ResponseKind::VerifyNhsNumber => ResponseContent::Verify {
                code,
                valid_identifier: None,
            },
            ResponseKind::GetNhsNumber => ResponseContent::NhsNumber {
                code,
                patient: None,
            },
            ResponseKind::GetPatientDetails => ResponseContent::PatientDetails {
                code,
                patient: None,
            },
        }
    }
}

/// What a PDS response holds beyond its fixed shape, with its ids drawn in the one order both
/// [`response`] and [`response_xml`] rely on: payload, MessageID, trackingid.
struct ResponseParts {
    kind: ResponseKind,
    service: &'static str,
    payload_id: String,
    message_id: String,
    tracking_id: String,
    body: PayloadBody,
}

fn response_parts(
    operation: Operation,
    content: ResponseContent,
    ids: &dyn IdSource,
) -> ResponseParts {
    let payload_uuid = ids.next_id();
    let payload_id = format!("uuid_{payload_uuid}");
    let message_id = ids.next_id();
    let tracking_id = ids.next_id();
    let kind = operation.response_kind();
    ResponseParts {
        kind,
        service: operation.response_service(),
        payload_id,
        message_id,
        tracking_id,
        body: response_body(kind, content, payload_uuid),
    }
}

/// The response envelope for `operation`, shaped like the real service's (MessageID and
/// Action only in the SOAP header; RelatesTo added when `relates_to` is given).
pub fn response(
    operation: Operation,
    content: ResponseContent,
    relates_to: Option<&str>,
    ids: &dyn IdSource,
) -> Envelope {
    let parts = response_parts(operation, content, ids);
    let (manifest, payloads) =
        manifest_and_payloads(&parts.payload_id, parts.kind.profile(), parts.body);
    Envelope {
        header: SoapHeader {
            addressing: Addressing {
                message_id: Some(parts.message_id),
                action: Some(parts.service.to_owned()),
                relates_to: relates_to.map(str::to_owned),
                ..Addressing::default()
            },
            security: None,
            foreign_headers: Vec::new(),
        },
        body: Body::DistributionEnvelope(DistributionEnvelope {
            header: ItkHeader {
                service: Some(parts.service.to_owned()),
                tracking_id: Some(parts.tracking_id),
                manifest: Some(manifest),
                ..ItkHeader::default()
            },
            payloads,
        }),
    }
}

/// [`response`] written straight to XML: the bytes `to_xml_with(&response(..), options)`
/// gives, from the same ids drawn in the same order, without first building the envelope's
/// strings and lists (the simulator writes one for every PDS answer).
pub fn response_xml(
    operation: Operation,
    content: ResponseContent,
    relates_to: Option<&str>,
    ids: &dyn IdSource,
    options: &WriteOptions,
) -> String {
    let parts = response_parts(operation, content, ids);
    let shell = ResponseShell {
        message_id: &parts.message_id,
        action: parts.service,
        relates_to,
        service: parts.service,
        tracking_id: &parts.tracking_id,
        payload_id: &parts.payload_id,
        profile: parts.kind.profile(),
    };
    response_to_xml(&shell, &parts.body, options)
}

/// A response payload: `content` under a head with the payload id `id`.
fn response_body(kind: ResponseKind, content: ResponseContent, id: String) -> PayloadBody {
    let head = |code: String| ResponseHead {
        id,
        code: CodedValue::new(kind.root(), ns::OID_MESSAGE_TYPE),
        response_code: CodedValue::new(code, ns::OID_PDS_RESPONSE_CODE),
    };
    match content {
        ResponseContent::Verify {
            code,
            valid_identifier,
        } => PayloadBody::VerifyNhsNumberResponse(VerifyNhsNumberResponse {
            head: head(code),
            valid_identifier,
        }),
        ResponseContent::NhsNumber { code, patient } => {
            PayloadBody::GetNhsNumberResponse(GetNhsNumberResponse {
                head: head(code),
                patient,
            })
        }
        ResponseContent::PatientDetails { code, patient } => {
            PayloadBody::GetPatientDetailsResponse(GetPatientDetailsResponse {
                head: head(code),
                patient: patient.map(|p| *p),
            })
        }
    }
}

/// An ITK SOAP fault envelope (sent with HTTP 500). MustUnderstand faults use the Action TKW
/// gives them; every other fault uses `…/addressing/soap/fault`.
pub fn fault(
    code: FaultCode,
    error_code: ItkErrorCode,
    error_text: &str,
    diagnostic: Option<&str>,
    relates_to: Option<&str>,
    ids: &dyn IdSource,
) -> Envelope {
    let action = if code == FaultCode::MustUnderstand {
        ns::WSA_FAULT_ACTION
    } else {
        ns::WSA_SOAP_FAULT_ACTION
    };
    let string = match code {
        FaultCode::Client => {
            "A client related error has occurred, see detail element for further information"
        }
        FaultCode::Server => {
            "A server related error has occurred, see detail element for further information"
        }
        FaultCode::VersionMismatch => "SOAP version mismatch: SMSP accepts SOAP 1.1 only",
        FaultCode::MustUnderstand => "A mandatory header block was not understood",
        FaultCode::Other(_) => "An error has occurred, see detail element for further information",
    };
    Envelope {
        header: SoapHeader {
            addressing: Addressing {
                message_id: Some(ids.next_id()),
                action: Some(action.to_owned()),
                relates_to: relates_to.map(str::to_owned),
                ..Addressing::default()
            },
            security: None,
            foreign_headers: Vec::new(),
        },
        body: Body::Fault(SoapFault {
            code,
            string: string.to_owned(),
            actor: None,
            detail: Some(ToolkitErrorInfo {
                error_id: ids.next_id(),
                error_code,
                code_system: Some(ns::OID_ITK_ERROR_CODE.to_owned()),
                error_text: error_text.to_owned(),
                diagnostic_text: diagnostic.map(str::to_owned),
            }),
        }),
    }
}
