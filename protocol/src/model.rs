//! The typed model of an SMSP message: SOAP 1.1 envelope, WS-Addressing and WS-Security
//! headers, ITK Distribution Envelope v2.0, the PDS payloads and the ITK SOAP fault.
//!
//! The model keeps what a sender actually sent, including mistakes, so that the conformance
//! checker can judge it: required attributes that a sender may omit are `Option`s, values the
//! schema restricts (gender codes, dates, NHS numbers) are kept as the strings on the wire, and
//! an unparsable payload is kept as [`PayloadBody::Unparsable`] next to a well-formed envelope.
//! Values that are fixed by the schemas (classCode, moodCode, typeCode, the "VI" code) are not
//! stored: the builder always writes them and the parser does not require them.

use crate::operation::{Operation, ResponseKind};

/// A SOAP 1.1 envelope: every SMSP request, response and fault.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// `soap:Header`.
    pub header: SoapHeader,
    /// `soap:Body` content.
    pub body: Body,
}

/// `soap:Header`: WS-Addressing, WS-Security and any other header blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SoapHeader {
    /// WS-Addressing properties.
    pub addressing: Addressing,
    /// `wsse:Security`, absent in responses.
    pub security: Option<Security>,
    /// Header blocks we do not model, kept so none is silently dropped and so a
    /// `mustUnderstand="1"` block can be refused.
    pub foreign_headers: Vec<ForeignHeader>,
}

/// WS-Addressing 1.0 message addressing properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Addressing {
    /// `wsa:MessageID`: a UUID, optionally prefixed (WS-ADR-01).
    pub message_id: Option<String>,
    /// `wsa:Action`: the service URN (equal to the DE service).
    pub action: Option<String>,
    /// `wsa:To`: the endpoint URL.
    pub to: Option<String>,
    /// `wsa:From/wsa:Address`.
    pub from: Option<String>,
    /// `wsa:ReplyTo/wsa:Address`: anonymous for synchronous services.
    pub reply_to: Option<String>,
    /// `wsa:FaultTo/wsa:Address`.
    pub fault_to: Option<String>,
    /// `wsa:RelatesTo`: the MessageID this message answers.
    pub relates_to: Option<String>,
}

/// `wsse:Security`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Security {
    /// `wsu:Timestamp`.
    pub timestamp: Option<Timestamp>,
    /// `wsse:UsernameToken/wsse:Username`. `Some("")` when the element is present but empty.
    pub username: Option<String>,
}

/// `wsu:Timestamp`, with the times as sent (xs:dateTime text), so the checker can judge them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timestamp {
    /// `@wsu:Id`.
    pub id: Option<String>,
    /// `wsu:Created`.
    pub created: Option<String>,
    /// `wsu:Expires`.
    pub expires: Option<String>,
}

/// A SOAP header block that is not WS-Addressing or WS-Security.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignHeader {
    /// Namespace URI of the block's element, empty when unqualified.
    pub namespace: String,
    /// Local name of the block's element.
    pub name: String,
    /// Whether it carries `soap:mustUnderstand="1"` (or `"true"`).
    pub must_understand: bool,
}

/// The content of `soap:Body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// An ITK Distribution Envelope carrying the payload.
    DistributionEnvelope(DistributionEnvelope),
    /// A SOAP fault.
    Fault(SoapFault),
}

impl Default for Body {
    fn default() -> Self {
        Body::DistributionEnvelope(DistributionEnvelope::default())
    }
}

/// ITK Distribution Envelope v2.0 (`itk:DistributionEnvelope`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DistributionEnvelope {
    /// `itk:header`.
    pub header: ItkHeader,
    /// `itk:payloads`.
    pub payloads: Payloads,
}

/// `itk:header` and its children, in schema order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItkHeader {
    /// `@service`: the service URN.
    pub service: Option<String>,
    /// `@trackingid`: an upper-case UUID, distinct from the MessageID.
    pub tracking_id: Option<String>,
    /// `itk:addresslist/itk:address`; `None` when the list is absent.
    pub address_list: Option<Vec<ItkAddress>>,
    /// `itk:auditIdentity/itk:id` (1–4); `None` when auditIdentity is absent.
    pub audit_identity: Option<Vec<AuditIdentity>>,
    /// `itk:manifest`; `None` when absent.
    pub manifest: Option<Manifest>,
    /// `itk:senderAddress`.
    pub sender_address: Option<ItkAddress>,
    /// `itk:handlingSpecification/itk:spec`; `None` when absent.
    pub handling_specification: Option<Vec<HandlingSpec>>,
}

/// An ITK address (`itk:address` or `itk:senderAddress`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItkAddress {
    /// `@type`, default 2.16.840.1.113883.2.1.3.2.4.18.22 when absent.
    pub address_type: Option<String>,
    /// `@uri`.
    pub uri: Option<String>,
}

/// One `itk:auditIdentity/itk:id`: who initiated the request (MSCA-AUD-04).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditIdentity {
    /// `@type`: an OID; absent or 2.16.840.1.113883.2.1.3.2.4.18.27 for toolkit identities.
    pub id_type: Option<String>,
    /// `@uri`.
    pub uri: Option<String>,
}

/// `itk:manifest`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    /// `@count` as sent.
    pub count: Option<String>,
    /// `itk:manifestitem`.
    pub items: Vec<ManifestItem>,
}

/// `itk:manifestitem` with all its attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ManifestItem {
    /// `@id`: `uuid_<UUID>`, equal to the payload id.
    pub id: Option<String>,
    /// `@mimetype`: `text/xml`.
    pub mime_type: Option<String>,
    /// `@profileid`: the payload's profile URN.
    pub profile_id: Option<String>,
    /// `@metadata` (default false).
    pub metadata: Option<bool>,
    /// `@compressed` (default false).
    pub compressed: Option<bool>,
    /// `@base64` (default false).
    pub base64: Option<bool>,
    /// `@encrypted` (default false).
    pub encrypted: Option<bool>,
}

/// `itk:handlingSpecification/itk:spec`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HandlingSpec {
    /// `@key`.
    pub key: String,
    /// `@value`.
    pub value: String,
}

/// `itk:payloads`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payloads {
    /// `@count` as sent.
    pub count: Option<String>,
    /// `itk:payload`.
    pub items: Vec<Payload>,
}

/// One `itk:payload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// `@id`: equal to a manifest item id.
    pub id: Option<String>,
    /// `@filename`.
    pub filename: Option<String>,
    /// The payload document.
    pub body: PayloadBody,
}

/// The document inside a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadBody {
    /// One of the five PDS requests.
    Request(PdsRequest),
    /// verifyNHSNumberResponse-v1-0.
    VerifyNhsNumberResponse(VerifyNhsNumberResponse),
    /// getNHSNumberResponse-v1-0.
    GetNhsNumberResponse(GetNhsNumberResponse),
    /// getPatientDetailsResponse-v1-0.
    GetPatientDetailsResponse(GetPatientDetailsResponse),
    /// A known PDS payload whose content could not be read (a schema violation such as a
    /// missing required attribute). The envelope is still usable, so a provider can answer
    /// SMSP-0001 for the right operation.
    Unparsable(PayloadDefect),
    /// A payload that is not a PDS message (for example SCR or CP-IS), kept as XML.
    Other(ForeignPayload),
    /// `itk:payload` with no element content.
    Empty,
}

/// Why a PDS payload could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadDefect {
    /// Local name of the payload root.
    pub root: String,
    /// The operation whose request root this is, if any.
    pub operation: Option<Operation>,
    /// The response kind whose root this is, if any.
    pub response_kind: Option<ResponseKind>,
    /// Where in the payload the defect is (a path of local names).
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// A payload we do not model, re-serialised as a standalone XML fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignPayload {
    /// Namespace of the root element.
    pub namespace: String,
    /// Local name of the root element.
    pub name: String,
    /// The element, serialised with its own namespace declarations.
    pub xml: String,
}

/// A coded value (`code/@code` + `@codeSystem`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodedValue {
    /// `@code`.
    pub code: String,
    /// `@codeSystem`.
    pub code_system: Option<String>,
}

impl CodedValue {
    /// A code in a code system.
    pub fn new(code: impl Into<String>, code_system: impl Into<String>) -> CodedValue {
        CodedValue {
            code: code.into(),
            code_system: Some(code_system.into()),
        }
    }
}

/// An instance identifier (`@root` + optional `@extension`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identifier {
    /// `@root`: an OID.
    pub root: String,
    /// `@extension`: the identifier within the root.
    pub extension: Option<String>,
}

impl Identifier {
    /// An identifier with a root and extension.
    pub fn new(root: impl Into<String>, extension: impl Into<String>) -> Identifier {
        Identifier {
            root: root.into(),
            extension: Some(extension.into()),
        }
    }

    /// An NHS number identifier (root 2.16.840.1.113883.2.1.4.1).
    pub fn nhs_number(number: impl Into<String>) -> Identifier {
        Identifier::new(crate::ns::OID_NHS_NUMBER, number)
    }
}

/// A PDS request payload (QUPA_MT000001GB01–QUPA_MT000005GB01).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdsRequest {
    /// Which operation the payload root names.
    pub operation: Operation,
    /// `id/@root`: an upper-case UUID.
    pub id: String,
    /// `code`: the message-type code (`getPatientDetailsRequest-v1-0` for getPatientDetails).
    pub code: CodedValue,
    /// `queryEvent`: the trace parameters.
    pub query: TraceQuery,
}

/// The parameters of a PDS query (`queryEvent/Person.*`). Which are required or allowed
/// depends on the operation ([`Operation::cardinality`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceQuery {
    /// `Person.DateOfBirth/value/@value` (HL7 TS: YYYY, YYYYMM, YYYYMMDD…).
    pub date_of_birth: Option<QueryParam<String>>,
    /// `Person.Gender/value`: code 0, 1, 2 or 9.
    pub gender: Option<QueryParam<CodedValue>>,
    /// `Person.LocalIdentifier/value`.
    pub local_identifier: Option<QueryParam<Identifier>>,
    /// `Person.NHSNumber/value` (extension is kept as sent: it may not be ten digits).
    pub nhs_number: Option<QueryParam<Identifier>>,
    /// `Person.Name/value`.
    pub name: Option<QueryParam<PersonName>>,
    /// `Person.Postcode/value/postalCode`.
    pub postcode: Option<QueryParam<String>>,
}

/// One query parameter: its value and its `semanticsText` (fixed to the element name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam<T> {
    /// The `value` element.
    pub value: T,
    /// `semanticsText`, `None` when missing.
    pub semantics_text: Option<String>,
}

impl<T> QueryParam<T> {
    /// A parameter with the given value and the correct semanticsText for `parameter`.
    pub fn new(parameter: crate::operation::Parameter, value: T) -> QueryParam<T> {
        QueryParam {
            value,
            semantics_text: Some(parameter.element_name().to_owned()),
        }
    }
}

/// A person name (HL7 PN): title, up to two given names, family name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonName {
    /// `@use`.
    pub name_use: Option<String>,
    /// `prefix` (title); responses only.
    pub prefix: Option<String>,
    /// `given` (at most one in requests, two in responses).
    pub given: Vec<String>,
    /// `family`.
    pub family: Option<String>,
}

/// The fields every response payload has: id, message-type code and response code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseHead {
    /// `id/@root`: an upper-case UUID.
    pub id: String,
    /// `code`: the message-type code.
    pub code: CodedValue,
    /// `value`: the SMSP/DEMOG response code with code system ...17.285.
    pub response_code: CodedValue,
}

/// verifyNHSNumberResponse-v1-0 (COMT_MT000013GB01).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyNhsNumberResponse {
    /// id, code and response code.
    pub head: ResponseHead,
    /// `component/validIdentifier`; absent in the bare error form.
    pub valid_identifier: Option<ValidIdentifier>,
}

/// `component/validIdentifier` of a verifyNHSNumber response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidIdentifier {
    /// `value/@value`: whether the number was verified.
    pub verified: bool,
    /// `subject/patient/id`: the NHS number.
    pub nhs_number: Identifier,
}

/// getNHSNumberResponse-v1-0 (COMT_MT000014GB01).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetNhsNumberResponse {
    /// id, code and response code.
    pub head: ResponseHead,
    /// `subject/patient`; absent in the bare error form.
    pub patient: Option<PatientIdentifiers>,
}

/// `subject/patient/id` (1..2): the NHS number and an optional local identifier.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientIdentifiers {
    /// First id: the NHS number.
    pub nhs_number: Identifier,
    /// Second id: the local identifier echoed from the request.
    pub local_identifier: Option<Identifier>,
}

/// getPatientDetailsResponse-v1-0 (COMT_MT000016GB01).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetPatientDetailsResponse {
    /// id, code and response code.
    pub head: ResponseHead,
    /// `subject/patient`; absent in the bare error form.
    pub patient: Option<PatientRecord>,
}

/// `subject/patient` of a getPatientDetails response (SPEC.md §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientRecord {
    /// NHS number and local identifier.
    pub ids: PatientIdentifiers,
    /// `name` (PN.NHS.PersonNameType2).
    pub name: Option<PersonName>,
    /// `addr` (0..3), use H, TMP or PST.
    pub addresses: Vec<PostalAddress>,
    /// `telecom`.
    pub telecoms: Vec<Telecom>,
    /// `patientPerson`.
    pub person: Option<PatientPerson>,
}

/// A postal address (AD.NHS.AddressType2): postcode then exactly five street lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostalAddress {
    /// `@use`: H (home), TMP (temporary), PST (correspondence).
    pub address_use: Option<String>,
    /// `postalCode`.
    pub postal_code: Option<String>,
    /// `streetAddressLine`, blanks kept as empty strings (the schema wants exactly five).
    pub lines: Vec<String>,
}

/// A telecom address (HL7 TEL).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Telecom {
    /// `@use`: H, HP, HV, WP, AS, EC, PG, MC (space-separated set).
    pub telecom_use: Option<String>,
    /// `@value`: `tel:…`, `mailto:…`, `fax:…`.
    pub value: Option<String>,
    /// `useablePeriod`.
    pub useable_periods: Vec<Period>,
}

/// An interval of time (`low/@value`, `high/@value`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Period {
    /// `low/@value`.
    pub low: Option<String>,
    /// `high/@value`.
    pub high: Option<String>,
}

/// `patientPerson`: gender, birth and death, GP practice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientPerson {
    /// `administrativeGenderCode`.
    pub gender: Option<CodedValue>,
    /// `birthTime/@value`.
    pub birth_time: Option<String>,
    /// `deceasedTime/@value` (partial dates allowed).
    pub deceased_time: Option<String>,
    /// `gPPractice`.
    pub gp_practice: Option<GpPractice>,
}

/// `gPPractice`: the registered GP practice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GpPractice {
    /// `addr` (no @use).
    pub address: Option<PostalAddress>,
    /// `telecom` (use WP).
    pub telecom: Option<Telecom>,
    /// `locationOrganization`.
    pub organization: Option<Organization>,
}

/// `locationOrganization`: ODS code and name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Organization {
    /// `id` (root 2.16.840.1.113883.2.1.3.2.4.19.2, extension = ODS code).
    pub id: Option<Identifier>,
    /// `name`.
    pub name: Option<String>,
}

/// A SOAP 1.1 fault carrying ITK ToolkitErrorInfo (SPEC.md §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    /// `faultcode`.
    pub code: FaultCode,
    /// `faultstring`.
    pub string: String,
    /// `faultactor`.
    pub actor: Option<String>,
    /// `detail/itk:ToolkitErrorInfo`.
    pub detail: Option<ToolkitErrorInfo>,
}

/// SOAP 1.1 fault codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultCode {
    /// The envelope is not SOAP 1.1.
    VersionMismatch,
    /// A mandatory header block was not understood.
    MustUnderstand,
    /// The sender is at fault.
    Client,
    /// The receiver is at fault.
    Server,
    /// Any other code, as sent (prefix stripped).
    Other(String),
}

impl FaultCode {
    /// The local part of the code.
    pub fn local_name(&self) -> &str {
        match self {
            FaultCode::VersionMismatch => "VersionMismatch",
            FaultCode::MustUnderstand => "MustUnderstand",
            FaultCode::Client => "Client",
            FaultCode::Server => "Server",
            FaultCode::Other(s) => s,
        }
    }

    /// The code with this local part.
    pub fn from_local_name(s: &str) -> FaultCode {
        match s {
            "VersionMismatch" => FaultCode::VersionMismatch,
            "MustUnderstand" => FaultCode::MustUnderstand,
            "Client" => FaultCode::Client,
            "Server" => FaultCode::Server,
            other => FaultCode::Other(other.to_owned()),
        }
    }
}

/// `itk:ToolkitErrorInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolkitErrorInfo {
    /// `itk:ErrorID`: an upper-case UUID.
    pub error_id: String,
    /// `itk:ErrorCode`.
    pub error_code: ItkErrorCode,
    /// `itk:ErrorCode/@codeSystem` (2.16.840.1.113883.2.1.3.2.4.17.268).
    pub code_system: Option<String>,
    /// `itk:ErrorText`.
    pub error_text: String,
    /// `itk:ErrorDiagnosticText`.
    pub diagnostic_text: Option<String>,
}

/// ITK fault error codes (code system ...17.268).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItkErrorCode {
    /// 1000: invalid message.
    InvalidMessage,
    /// 2100: processing error, retryable.
    RetryableProcessingError,
    /// 2200: processing error, not retryable.
    ProcessingError,
    /// 3000: access denied.
    AccessDenied,
    /// Any other code, as sent.
    Other(String),
}

impl ItkErrorCode {
    /// The code as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            ItkErrorCode::InvalidMessage => "1000",
            ItkErrorCode::RetryableProcessingError => "2100",
            ItkErrorCode::ProcessingError => "2200",
            ItkErrorCode::AccessDenied => "3000",
            ItkErrorCode::Other(s) => s,
        }
    }

    /// The code for this wire text.
    pub fn from_wire(s: &str) -> ItkErrorCode {
        match s {
            "1000" => ItkErrorCode::InvalidMessage,
            "2100" => ItkErrorCode::RetryableProcessingError,
            "2200" => ItkErrorCode::ProcessingError,
            "3000" => ItkErrorCode::AccessDenied,
            other => ItkErrorCode::Other(other.to_owned()),
        }
    }

    /// The text TKW and OIH give each code.
    pub fn meaning(&self) -> &'static str {
        match self {
            ItkErrorCode::InvalidMessage => "Invalid Message",
            ItkErrorCode::RetryableProcessingError => "Processing Error (retryable)",
            ItkErrorCode::ProcessingError => "Processing Error (not retryable)",
            ItkErrorCode::AccessDenied => "Access Denied",
            ItkErrorCode::Other(_) => "Unknown error code",
        }
    }
}

impl Envelope {
    /// The Distribution Envelope, if the body carries one.
    pub fn distribution_envelope(&self) -> Option<&DistributionEnvelope> {
        match &self.body {
            Body::DistributionEnvelope(de) => Some(de),
            Body::Fault(_) => None,
        }
    }

    /// The fault, if the body is one.
    pub fn fault(&self) -> Option<&SoapFault> {
        match &self.body {
            Body::Fault(f) => Some(f),
            Body::DistributionEnvelope(_) => None,
        }
    }

    /// The first payload's body, if any.
    pub fn payload(&self) -> Option<&PayloadBody> {
        self.distribution_envelope()?
            .payloads
            .items
            .first()
            .map(|p| &p.body)
    }

    /// The PDS request in the first payload, if that is what it carries.
    pub fn pds_request(&self) -> Option<&PdsRequest> {
        match self.payload()? {
            PayloadBody::Request(r) => Some(r),
            _ => None,
        }
    }

    /// The response head of the first payload, if it is a PDS response.
    pub fn response_head(&self) -> Option<&ResponseHead> {
        self.payload()?.response_head()
    }

    /// The operation this message belongs to, from the DE service (request or response URN),
    /// falling back to wsa:Action.
    pub fn operation(&self) -> Option<Operation> {
        let from =
            |s: &str| Operation::from_service(s).or_else(|| Operation::from_response_service(s));
        self.distribution_envelope()
            .and_then(|de| de.header.service.as_deref())
            .and_then(from)
            .or_else(|| self.header.addressing.action.as_deref().and_then(from))
    }
}

impl PayloadBody {
    /// The response head, if this is a PDS response.
    pub fn response_head(&self) -> Option<&ResponseHead> {
        match self {
            PayloadBody::VerifyNhsNumberResponse(r) => Some(&r.head),
            PayloadBody::GetNhsNumberResponse(r) => Some(&r.head),
            PayloadBody::GetPatientDetailsResponse(r) => Some(&r.head),
            _ => None,
        }
    }

    /// The response kind, if this is (or was meant to be) a PDS response.
    pub fn response_kind(&self) -> Option<ResponseKind> {
        match self {
            PayloadBody::VerifyNhsNumberResponse(_) => Some(ResponseKind::VerifyNhsNumber),
            PayloadBody::GetNhsNumberResponse(_) => Some(ResponseKind::GetNhsNumber),
            PayloadBody::GetPatientDetailsResponse(_) => Some(ResponseKind::GetPatientDetails),
            PayloadBody::Unparsable(d) => d.response_kind,
            _ => None,
        }
    }
}
