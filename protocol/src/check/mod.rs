//! The conformance checker: judges one parsed SMSP message and returns [`Finding`]s.
//!
//! The simulator uses it on clients' requests, both to report and to decide how to answer
//! (a SOAP fault, an SMSP-0001 response, or just a report: see [`consequence_of`]); the
//! harness uses it on providers' responses and faults. It does no I/O and never panics.
//!
//! One rule, one place: every rule has an entry in one table ([`rules`], sorted by id) and
//! one function in a file by area — `addressing` (WS-Addressing, SOAPAction, mustUnderstand),
//! `security` (WS-Security Timestamp and Username), `envelope` (the ITK Distribution
//! Envelope), `payload` (PDS requests), `response` (PDS responses), `fault` (ITK SOAP faults)
//! and `notes` (what the parser noticed but the model cannot hold). Every finding names the
//! rule that produced it and the official requirement ids the rule checks (SPEC.md §8).
//!
//! What the checker does not do: validate against the XSDs (the parser already refuses what
//! it cannot read, and keeps unreadable PDS payloads as [`PayloadBody::Unparsable`]), or
//! judge business outcomes (whether a patient matches is the simulator's job).

mod addressing;
mod envelope;
mod fault;
mod notes;
mod payload;
mod response;
mod security;
mod text;

use serde::{Serialize, Serializer};
use time::OffsetDateTime;

use crate::model::*;
use crate::operation::{Operation, ResponseKind};
use crate::parse::{ParseNotes, ParsedMessage};

/// What the checker needs to know besides the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckContext<'a> {
    /// The time the message was received. Without it, the rules that compare a time with
    /// "now" (an expired Timestamp, a Created in the future, a date of birth in the future)
    /// are not applied, so results stay reproducible.
    pub now: Option<OffsetDateTime>,
    /// How far wsu:Created may be ahead of `now` before it counts as in the future
    /// (clocks differ; MSCA-AUD-06 asks for a stratum-3 source, not for perfection).
    pub max_clock_skew_seconds: i64,
    /// The HTTP SOAPAction header, already unquoted (see [`crate::transport::soap_action`]);
    /// `None` when absent, which SMSP tolerates (SPEC.md §1.1).
    pub soap_action: Option<&'a str>,
}

impl Default for CheckContext<'_> {
    fn default() -> Self {
        CheckContext {
            now: None,
            max_clock_skew_seconds: 60,
            soap_action: None,
        }
    }
}

impl<'a> CheckContext<'a> {
    /// A context that judges times against `now`.
    pub fn at(now: OffsetDateTime) -> CheckContext<'a> {
        CheckContext {
            now: Some(now),
            ..CheckContext::default()
        }
    }

    /// The same context with the HTTP SOAPAction given.
    pub fn with_soap_action(self, soap_action: Option<&'a str>) -> CheckContext<'a> {
        CheckContext {
            soap_action,
            ..self
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The message breaks a MUST.
    Error,
    /// The message works but departs from a recommendation (SHOULD, TKW warning).
    Warning,
    /// Something worth knowing, not a defect (an element the model ignores).
    Info,
}

impl Severity {
    /// The lower-case name used in reports and in the test corpus.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a provider should answer to a request that breaks a rule (SPEC.md §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consequence {
    /// HTTP 500 with a SOAP fault carrying ITK ToolkitErrorInfo.
    Fault {
        /// `faultcode`.
        code: FaultCode,
        /// `itk:ErrorCode`.
        error_code: ItkErrorCode,
    },
    /// HTTP 200 with a normal response whose `value/@code` is this code (`SMSP-0001`).
    ResponseCode(&'static str),
    /// Nothing changes in the answer; the finding is only reported.
    ReportOnly,
}

/// Client fault with ITK error 1000 (invalid message): the answer to envelope-level defects.
const FAULT_1000: Consequence = Consequence::Fault {
    code: FaultCode::Client,
    error_code: ItkErrorCode::InvalidMessage,
};
/// Client fault with ITK error 3000 (access denied): TKW's answer to a missing Username.
const FAULT_3000: Consequence = Consequence::Fault {
    code: FaultCode::Client,
    error_code: ItkErrorCode::AccessDenied,
};
/// MustUnderstand fault (ITK error 1000): a foreign header the provider must refuse.
const FAULT_MUST_UNDERSTAND: Consequence = Consequence::Fault {
    code: FaultCode::MustUnderstand,
    error_code: ItkErrorCode::InvalidMessage,
};
/// SMSP-0001 "Input message validation error": the answer to payload-level defects.
const SMSP_0001: Consequence = Consequence::ResponseCode("SMSP-0001");
/// Report only.
const REPORT: Consequence = Consequence::ReportOnly;

impl Consequence {
    /// Rank used by [`consequence_of`]; higher wins.
    ///
    /// 1. Access denied (fault 3000): a caller that cannot be identified learns nothing else
    ///    about its message.
    /// 2. MustUnderstand: SOAP 1.1 §4.2.3 — a header that must be understood is refused
    ///    before the message is processed at all.
    /// 3. VersionMismatch (normally raised by the parser, never by a rule).
    /// 4. Any other fault (Client 1000): the envelope is unusable.
    /// 5. A response code (SMSP-0001): the envelope is fine, the payload is not.
    /// 6. Report only.
    fn rank(&self) -> u8 {
        match self {
            Consequence::Fault {
                error_code: ItkErrorCode::AccessDenied,
                ..
            } => 6,
            Consequence::Fault {
                code: FaultCode::MustUnderstand,
                ..
            } => 5,
            Consequence::Fault {
                code: FaultCode::VersionMismatch,
                ..
            } => 4,
            Consequence::Fault { .. } => 3,
            Consequence::ResponseCode(_) => 2,
            Consequence::ReportOnly => 1,
        }
    }

    /// Whether this consequence is a SOAP fault.
    pub fn is_fault(&self) -> bool {
        matches!(self, Consequence::Fault { .. })
    }
}

impl std::fmt::Display for Consequence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Consequence::Fault { code, error_code } => {
                write!(
                    f,
                    "SOAP fault {} {}",
                    code.local_name(),
                    error_code.as_str()
                )
            }
            Consequence::ResponseCode(code) => write!(f, "response {code}"),
            Consequence::ReportOnly => f.write_str("report only"),
        }
    }
}

/// Serialised as `{"fault": {"faultcode": "Client", "error_code": "1000"}}`,
/// `{"response_code": "SMSP-0001"}` or `"report_only"`.
impl Serialize for Consequence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Repr<'a> {
            Fault {
                faultcode: &'a str,
                error_code: &'a str,
            },
            ResponseCode(&'a str),
            ReportOnly,
        }
        match self {
            Consequence::Fault { code, error_code } => Repr::Fault {
                faultcode: code.local_name(),
                error_code: error_code.as_str(),
            },
            Consequence::ResponseCode(c) => Repr::ResponseCode(c),
            Consequence::ReportOnly => Repr::ReportOnly,
        }
        .serialize(serializer)
    }
}

/// One thing the checker found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id (an entry of [`rules`]).
    pub rule: &'static str,
    /// The official requirement ids the rule checks (may be empty: many TKW checks are
    /// unnamed, SPEC.md §8.3).
    pub requirements: &'static [&'static str],
    /// How serious this finding is (a rule may report an error or only a warning).
    pub severity: Severity,
    /// What a provider should answer because of it. Only requests are answered, so findings
    /// on responses and faults are always [`Consequence::ReportOnly`]; so are warnings.
    pub consequence: Consequence,
    /// What was found and what was expected.
    pub message: String,
    /// Where: a readable path with conventional prefixes, e.g. `soap:Header/wsa:MessageID`,
    /// `itk:header/itk:manifest/itk:manifestitem[1]/@profileid`,
    /// `getNHSNumberRequest-v1-0/queryEvent/Person.Gender/value/@code`.
    pub location: String,
}

/// Which messages a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every message.
    All,
    /// Requests and responses (messages with a Distribution Envelope).
    DistributionEnvelope,
    /// Requests only.
    Requests,
    /// Responses only.
    Responses,
    /// SOAP faults only.
    Faults,
}

impl Scope {
    fn covers(self, direction: Direction) -> bool {
        match self {
            Scope::All => true,
            Scope::DistributionEnvelope => direction != Direction::Fault,
            Scope::Requests => direction == Direction::Request,
            Scope::Responses => direction == Direction::Response,
            Scope::Faults => direction == Direction::Fault,
        }
    }
}

/// Whether a message is a request, a response or a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// A PDS request (or something sent to a provider that is not a response).
    Request,
    /// A PDS response.
    Response,
    /// A SOAP fault.
    Fault,
}

/// Tells a request from a response and a fault: by the body, then the payload root, then
/// (for payloads that are not PDS documents) whether the DE service or wsa:Action is a
/// response URN. Anything else is treated as a request, since that is what a provider
/// receives.
pub fn direction(envelope: &Envelope) -> Direction {
    let Body::DistributionEnvelope(de) = &envelope.body else {
        return Direction::Fault;
    };
    match de.payloads.items.first().map(|p| &p.body) {
        Some(PayloadBody::Request(_)) => return Direction::Request,
        Some(PayloadBody::Unparsable(d)) if d.operation.is_some() => return Direction::Request,
        Some(body) if body.response_kind().is_some() => return Direction::Response,
        _ => {}
    }
    let is_response_urn = |s: Option<&str>| s.and_then(Operation::from_response_service).is_some();
    if is_response_urn(de.header.service.as_deref())
        || is_response_urn(envelope.header.addressing.action.as_deref())
    {
        Direction::Response
    } else {
        Direction::Request
    }
}

/// A conformance rule: its id, the requirements it checks, how serious a breach is, what a
/// provider answers, and what it says in one sentence.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// Stable id, lower-case and dotted (`wsa.message-id.present`).
    pub id: &'static str,
    /// Official requirement ids (SPEC.md §8), possibly none.
    pub requirements: &'static [&'static str],
    /// The strongest severity the rule reports (some findings of the rule may be weaker).
    pub severity: Severity,
    /// What a provider answers to a request with an error from this rule (warnings and
    /// findings on responses or faults are report-only).
    pub consequence: Consequence,
    /// Which messages it applies to.
    pub scope: Scope,
    /// What the rule requires, in one sentence.
    pub summary: &'static str,
    #[serde(skip)]
    check: CheckFn,
}

/// The rule catalogue, sorted by id.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES
        .binary_search_by(|r| r.id.cmp(id))
        .ok()
        .and_then(|i| RULES.get(i))
}

/// Checks a parsed message, including what the parser noticed (blank attributes, ignored
/// elements). Findings come in catalogue order, then document order within a rule.
pub fn check(message: &ParsedMessage, cx: &CheckContext) -> Vec<Finding> {
    run(&message.envelope, Some(&message.notes), cx)
}

/// Checks an envelope built or held without parse notes: the rules that read the notes
/// (`xml.*`, `wsa.reference-properties`) find nothing.
pub fn check_envelope(envelope: &Envelope, cx: &CheckContext) -> Vec<Finding> {
    run(envelope, None, cx)
}

/// What a provider should answer, given the findings on a request: the strongest consequence
/// among the error findings, in this order (strongest first): fault 3000 (access denied),
/// MustUnderstand fault, VersionMismatch fault, any other fault (Client 1000), a response
/// code (SMSP-0001), report only. Among equals the first finding wins. Warnings and info
/// never change the answer.
pub fn consequence_of(findings: &[Finding]) -> Consequence {
    let mut best = &REPORT;
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        if f.consequence.rank() > best.rank() {
            best = &f.consequence;
        }
    }
    best.clone()
}

fn run(envelope: &Envelope, notes: Option<&ParseNotes>, cx: &CheckContext) -> Vec<Finding> {
    let direction = direction(envelope);
    let subject = Subject {
        envelope,
        notes,
        cx,
        times: std::cell::OnceCell::new(),
    };
    let mut out = Vec::new();
    for rule in RULES.iter().filter(|r| r.scope.covers(direction)) {
        let mut sink = Sink {
            rule,
            direction,
            out: &mut out,
        };
        (rule.check)(&subject, &mut sink);
    }
    out
}

type CheckFn = fn(&Subject<'_>, &mut Sink<'_>);

/// The message under check and its context, with the look-ups most rules need.
struct Subject<'a> {
    envelope: &'a Envelope,
    notes: Option<&'a ParseNotes>,
    cx: &'a CheckContext<'a>,
    /// wsu:Created and wsu:Expires, parsed on first use.
    times: std::cell::OnceCell<(Option<text::XsDateTime>, Option<text::XsDateTime>)>,
}

impl<'a> Subject<'a> {
    fn de(&self) -> Option<&'a DistributionEnvelope> {
        self.envelope.distribution_envelope()
    }

    fn service(&self) -> Option<&'a str> {
        self.de()?.header.service.as_deref()
    }

    fn action(&self) -> Option<&'a str> {
        self.envelope.header.addressing.action.as_deref()
    }

    fn payload(&self) -> Option<&'a PayloadBody> {
        self.envelope.payload()
    }

    fn request(&self) -> Option<&'a PdsRequest> {
        self.envelope.pds_request()
    }

    /// The audit identity uris, for the wsa:To exemption.
    fn audit_uris(&self) -> impl Iterator<Item = &'a str> {
        self.de()
            .and_then(|de| de.header.audit_identity.as_deref())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| id.uri.as_deref())
    }

    /// The operation a response answers: from the DE service, else wsa:Action (response URNs
    /// only).
    fn response_operation(&self) -> Option<Operation> {
        self.service()
            .and_then(Operation::from_response_service)
            .or_else(|| self.action().and_then(Operation::from_response_service))
    }
}

/// The local name of a payload's root element, used as the first step of payload locations.
fn payload_root(body: &PayloadBody) -> &str {
    match body {
        PayloadBody::Request(r) => r.operation.request_root(),
        PayloadBody::VerifyNhsNumberResponse(_) => ResponseKind::VerifyNhsNumber.root(),
        PayloadBody::GetNhsNumberResponse(_) => ResponseKind::GetNhsNumber.root(),
        PayloadBody::GetPatientDetailsResponse(_) => ResponseKind::GetPatientDetails.root(),
        PayloadBody::Unparsable(d) => &d.root,
        PayloadBody::Other(f) => &f.name,
        PayloadBody::Empty => "itk:payload",
    }
}

/// Collects one rule's findings, stamping each with the rule's id, requirements and the
/// consequence that applies to this message.
struct Sink<'o> {
    rule: &'static Rule,
    direction: Direction,
    out: &'o mut Vec<Finding>,
}

impl Sink<'_> {
    fn push(
        &mut self,
        severity: Severity,
        consequence: Consequence,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.out.push(Finding {
            rule: self.rule.id,
            requirements: self.rule.requirements,
            severity,
            consequence,
            message: message.into(),
            location: location.into(),
        });
    }

    /// An error with the rule's consequence (report-only unless the message is a request).
    fn error(&mut self, location: impl Into<String>, message: impl Into<String>) {
        let consequence = if self.direction == Direction::Request {
            self.rule.consequence.clone()
        } else {
            REPORT
        };
        self.push(Severity::Error, consequence, location, message);
    }

    /// A warning: always report-only.
    fn warning(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, REPORT, location, message);
    }

    /// An informational note: always report-only.
    fn info(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Info, REPORT, location, message);
    }
}

/// Locations of the envelope parts, with the conventional prefixes.
mod loc {
    pub(super) const MESSAGE_ID: &str = "soap:Header/wsa:MessageID";
    pub(super) const ACTION: &str = "soap:Header/wsa:Action";
    pub(super) const TO: &str = "soap:Header/wsa:To";
    pub(super) const REPLY_TO: &str = "soap:Header/wsa:ReplyTo/wsa:Address";
    pub(super) const RELATES_TO: &str = "soap:Header/wsa:RelatesTo";
    pub(super) const SOAP_ACTION: &str = "http:SOAPAction";
    pub(super) const SECURITY: &str = "soap:Header/wsse:Security";
    pub(super) const TIMESTAMP: &str = "soap:Header/wsse:Security/wsu:Timestamp";
    pub(super) const TIMESTAMP_ID: &str = "soap:Header/wsse:Security/wsu:Timestamp/@wsu:Id";
    pub(super) const CREATED: &str = "soap:Header/wsse:Security/wsu:Timestamp/wsu:Created";
    pub(super) const EXPIRES: &str = "soap:Header/wsse:Security/wsu:Timestamp/wsu:Expires";
    pub(super) const USERNAME_TOKEN: &str = "soap:Header/wsse:Security/wsse:UsernameToken";
    pub(super) const USERNAME: &str = "soap:Header/wsse:Security/wsse:UsernameToken/wsse:Username";
    pub(super) const SERVICE: &str = "itk:header/@service";
    pub(super) const TRACKING_ID: &str = "itk:header/@trackingid";
    pub(super) const AUDIT_IDENTITY: &str = "itk:header/itk:auditIdentity";
    pub(super) const MANIFEST: &str = "itk:header/itk:manifest";
    pub(super) const MANIFEST_COUNT: &str = "itk:header/itk:manifest/@count";
    pub(super) const PAYLOADS: &str = "itk:payloads";
    pub(super) const PAYLOADS_COUNT: &str = "itk:payloads/@count";
    pub(super) const SENDER_ADDRESS: &str = "itk:header/itk:senderAddress/@uri";
    pub(super) const FAULT: &str = "soap:Fault";

    /// `itk:header/itk:auditIdentity/itk:id[n]` (1-based).
    pub(super) fn audit_id(index: usize) -> String {
        format!("{AUDIT_IDENTITY}/itk:id[{}]", index + 1)
    }

    /// `itk:header/itk:manifest/itk:manifestitem[n]` (1-based).
    pub(super) fn manifest_item(index: usize) -> String {
        format!("{MANIFEST}/itk:manifestitem[{}]", index + 1)
    }

    /// `itk:payloads/itk:payload[n]` (1-based).
    pub(super) fn payload(index: usize) -> String {
        format!("{PAYLOADS}/itk:payload[{}]", index + 1)
    }
}

macro_rules! rule {
    ($id:literal, [$($req:literal),*], $severity:ident, $consequence:expr, $scope:ident,
     $summary:literal, $check:path) => {
        Rule {
            id: $id,
            requirements: &[$($req),*],
            severity: Severity::$severity,
            consequence: $consequence,
            scope: Scope::$scope,
            summary: $summary,
            check: $check,
        }
    };
}

/// The catalogue, sorted by id (a unit test keeps it so).
static RULES: &[Rule] = &[
    rule!(
        "itk.audit-identity.present",
        ["MSCA-AUD-04", "COR-DEH-03"],
        Error,
        REPORT,
        Requests,
        "A request carries itk:auditIdentity with at least one itk:id identifying the originating user.",
        envelope::audit_identity_present
    ),
    rule!(
        "itk.audit-identity.well-formed",
        [
            "MSCA-AUD-04",
            "COR-DEH-04",
            "COR-DEH-04.1",
            "COR-DEH-04.3",
            "COR-DEH-04.5",
            "COR-DEH-04.7"
        ],
        Error,
        REPORT,
        DistributionEnvelope,
        "Each audit identity id has a well-formed uri; toolkit uris (urn:nhs-uk:identity:) have an organisation token and the default @type or none; other uris have an OID @type that is not the default.",
        envelope::audit_identity_well_formed
    ),
    rule!(
        "itk.fault.action",
        [],
        Error,
        REPORT,
        Faults,
        "A fault's wsa:Action is http://www.w3.org/2005/08/addressing/soap/fault (or …/addressing/fault).",
        fault::action
    ),
    rule!(
        "itk.fault.actor",
        [],
        Error,
        REPORT,
        Faults,
        "A faultactor, if present, is an http(s) URI.",
        fault::actor
    ),
    rule!(
        "itk.fault.code",
        [],
        Error,
        REPORT,
        Faults,
        "faultcode is VersionMismatch, MustUnderstand, Client or Server.",
        fault::code
    ),
    rule!(
        "itk.fault.detail",
        [],
        Error,
        REPORT,
        Faults,
        "A fault carries detail/itk:ToolkitErrorInfo with an upper-case UUID ErrorID, ErrorCode 1000, 2100, 2200 or 3000 in code system 2.16.840.1.113883.2.1.3.2.4.17.268, and an ErrorText.",
        fault::detail
    ),
    rule!(
        "itk.fault.string",
        [],
        Error,
        REPORT,
        Faults,
        "A fault carries a non-empty faultstring.",
        fault::string
    ),
    rule!(
        "itk.ids.distinct",
        [],
        Error,
        REPORT,
        DistributionEnvelope,
        "MessageID, trackingid, manifest item ids and Timestamp Id are distinct UUIDs (TKW crosscheck_id).",
        envelope::ids_distinct
    ),
    rule!(
        "itk.manifest.count",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "manifest/@count is an integer equal to the number of manifestitems (TKW ATM_BadManifestNum).",
        envelope::manifest_count
    ),
    rule!(
        "itk.manifest.id-format",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "Each manifestitem/@id is an optional [a-zA-Z_:]* prefix and an upper-case UUID.",
        envelope::manifest_id_format
    ),
    rule!(
        "itk.manifest.mimetype",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "Each manifestitem/@mimetype is text/xml.",
        envelope::manifest_mimetype
    ),
    rule!(
        "itk.manifest.payload-ids",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "Every manifestitem id names a payload and every payload has the id of a manifestitem (TKW ATM_PayloadManifestIDMismatch, ATM_NoPayloadID, ATM_PayloadManifestCountMismatch).",
        envelope::manifest_payload_ids
    ),
    rule!(
        "itk.manifest.present",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "itk:header carries an itk:manifest.",
        envelope::manifest_present
    ),
    rule!(
        "itk.manifest.profile",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "Each manifestitem/@profileid is present and is the profile of the payload it describes (TKW ATM_RejectMissingProfileID).",
        envelope::manifest_profile
    ),
    rule!(
        "itk.payloads.count",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "payloads/@count is an integer equal to the number of payloads (TKW ATM_BadPayloadNum).",
        envelope::payloads_count
    ),
    rule!(
        "itk.sender-address.format",
        [],
        Error,
        REPORT,
        DistributionEnvelope,
        "senderAddress/@uri, if present, matches ^urn:nhs-uk:addressing:[a-zA-Z_:0-9]+.",
        envelope::sender_address_format
    ),
    rule!(
        "itk.service.known",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "itk:header/@service is one of the five PDS mini-service URNs or their …Response URNs.",
        envelope::service_known
    ),
    rule!(
        "itk.tracking-id.format",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "itk:header/@trackingid is present and an upper-case UUID (DE schema itk:uuid).",
        envelope::tracking_id_format
    ),
    rule!(
        "pds.date-of-birth.shape",
        [],
        Error,
        SMSP_0001,
        Requests,
        "Person.DateOfBirth is a real date of digits: YYYY, YYYYMM or YYYYMMDD in a trace, YYYYMMDD in a cross-check, not in the future.",
        payload::date_of_birth_shape
    ),
    rule!(
        "pds.gender.code",
        [],
        Error,
        SMSP_0001,
        DistributionEnvelope,
        "Gender codes are 0, 1, 2 or 9 in code system 2.16.840.1.113883.2.1.3.2.4.16.25.",
        payload::gender_code
    ),
    rule!(
        "pds.get-patient-details.combination",
        [],
        Error,
        SMSP_0001,
        Requests,
        "getPatientDetails carries an NHS number (cross-check) or a surname and gender (trace) besides the date of birth.",
        payload::get_patient_details_combination
    ),
    rule!(
        "pds.message-type.code",
        [],
        Error,
        SMSP_0001,
        DistributionEnvelope,
        "The payload's code/@code is its message type and code/@codeSystem is 2.16.840.1.113883.2.1.3.2.4.17.284.",
        payload::message_type_code
    ),
    rule!(
        "pds.name.shape",
        [],
        Error,
        SMSP_0001,
        Requests,
        "A request name has at most one given name and no prefix, no @use in getNHSNumber and getPatientDetailsBySearch, and a family name in those two traces.",
        payload::name_shape
    ),
    rule!(
        "pds.nhs-number.format",
        [],
        Warning,
        REPORT,
        Requests,
        "Person.NHSNumber/value/@extension is ten digits passing the modulus-11 check.",
        payload::nhs_number_format
    ),
    rule!(
        "pds.nhs-number.root",
        [],
        Error,
        SMSP_0001,
        Requests,
        "Person.NHSNumber/value has @root 2.16.840.1.113883.2.1.4.1 and an @extension.",
        payload::nhs_number_root
    ),
    rule!(
        "pds.parameter.allowed",
        [],
        Error,
        SMSP_0001,
        Requests,
        "A request carries no query parameter its operation does not take.",
        payload::parameter_allowed
    ),
    rule!(
        "pds.parameter.required",
        [],
        Error,
        SMSP_0001,
        Requests,
        "A request carries every query parameter its operation requires.",
        payload::parameter_required
    ),
    rule!(
        "pds.parameter.semantics-text",
        [],
        Error,
        SMSP_0001,
        Requests,
        "Each query parameter has a semanticsText equal to its element name.",
        payload::parameter_semantics_text
    ),
    rule!(
        "pds.payload-id.format",
        [],
        Error,
        SMSP_0001,
        DistributionEnvelope,
        "The payload's id/@root is an upper-case UUID.",
        payload::payload_id_format
    ),
    rule!(
        "pds.payload.matches-service",
        [],
        Error,
        FAULT_1000,
        Requests,
        "The request payload's root is the one the DE service calls for.",
        payload::payload_matches_service
    ),
    rule!(
        "pds.payload.readable",
        [],
        Error,
        SMSP_0001,
        DistributionEnvelope,
        "A PDS payload can be read: required elements and attributes are present.",
        payload::payload_readable
    ),
    rule!(
        "pds.postcode.format",
        [],
        Warning,
        REPORT,
        Requests,
        "A postcode is at most 8 characters of letters, digits, * and at most one space.",
        payload::postcode_format
    ),
    rule!(
        "pds.response.action",
        [],
        Error,
        REPORT,
        Responses,
        "A response's wsa:Action is the response service URN of its operation.",
        response::action
    ),
    rule!(
        "pds.response.body",
        [],
        Warning,
        REPORT,
        Responses,
        "SMSP-0000 and SMSP-0003 responses carry a body; error codes other than DEMOG-0017 are bare.",
        response::body
    ),
    rule!(
        "pds.response.code-format",
        [],
        Error,
        REPORT,
        Responses,
        "The response code matches ^(SMSP|DEMOG)-\\d{4}$.",
        response::code_format
    ),
    rule!(
        "pds.response.code-system",
        [],
        Error,
        REPORT,
        Responses,
        "The response code's codeSystem is 2.16.840.1.113883.2.1.3.2.4.17.285.",
        response::code_system
    ),
    rule!(
        "pds.response.kind",
        [],
        Error,
        REPORT,
        Responses,
        "The response payload is the kind the operation answers with.",
        response::kind
    ),
    rule!(
        "pds.response.profile",
        [],
        Error,
        REPORT,
        Responses,
        "The response manifest profile is the one the operation's response kind calls for.",
        response::profile
    ),
    rule!(
        "pds.response.record-shape",
        [],
        Error,
        REPORT,
        Responses,
        "Patient data has NHS-number ids, ≤2 given names, ≤3 addresses of 5 lines with use H, TMP or PST, and HL7 TS birth and death times.",
        response::record_shape
    ),
    rule!(
        "pds.response.service",
        [],
        Error,
        REPORT,
        Responses,
        "A response's DE service is a …Response URN, not the request service.",
        response::service
    ),
    rule!(
        "pds.wildcard",
        ["MSCA-PDS-07"],
        Error,
        SMSP_0001,
        Requests,
        "Wildcards (*) appear only in surname, given name and postcode of a trace, after at least two characters.",
        payload::wildcard
    ),
    rule!(
        "soap-action.matches-action",
        [],
        Warning,
        REPORT,
        Requests,
        "The HTTP SOAPAction, when sent, equals wsa:Action.",
        addressing::soap_action_matches_action
    ),
    rule!(
        "soap.must-understand",
        [],
        Error,
        FAULT_MUST_UNDERSTAND,
        All,
        "No foreign SOAP header block carries soap:mustUnderstand=\"1\".",
        addressing::must_understand
    ),
    rule!(
        "wsa.action.matches-service",
        [],
        Error,
        FAULT_1000,
        DistributionEnvelope,
        "wsa:Action equals itk:header/@service (TKW ATM_BadService).",
        addressing::action_matches_service
    ),
    rule!(
        "wsa.action.present",
        [],
        Error,
        FAULT_1000,
        All,
        "soap:Header carries a non-empty wsa:Action.",
        addressing::action_present
    ),
    rule!(
        "wsa.message-id.format",
        ["WS-ADR-01"],
        Error,
        REPORT,
        All,
        "wsa:MessageID is an optional [a-zA-Z_:]* prefix and a UUID; upper case without prefix is recommended.",
        addressing::message_id_format
    ),
    rule!(
        "wsa.message-id.present",
        ["WS-ADR-01"],
        Error,
        FAULT_1000,
        All,
        "soap:Header carries a non-empty wsa:MessageID.",
        addressing::message_id_present
    ),
    rule!(
        "wsa.reference-properties",
        ["WS-ADR-08"],
        Error,
        REPORT,
        All,
        "Endpoint references (From, ReplyTo, FaultTo) carry no ReferenceProperties.",
        addressing::reference_properties
    ),
    rule!(
        "wsa.relates-to.format",
        [],
        Error,
        REPORT,
        All,
        "wsa:RelatesTo, if present, is a UUID (optionally prefixed); upper case is expected.",
        addressing::relates_to_format
    ),
    rule!(
        "wsa.reply-to.anonymous",
        [],
        Error,
        FAULT_1000,
        Requests,
        "wsa:ReplyTo, if present, is the anonymous address: PDS mini services are synchronous (TKW ATM_NonAnonymousReplyTo).",
        addressing::reply_to_anonymous
    ),
    rule!(
        "wsa.to.present",
        [],
        Error,
        FAULT_1000,
        Requests,
        "A request carries a non-empty wsa:To, unless its audit identity is the ITK demonstrator (TKW ATM_NoToElement).",
        addressing::to_present
    ),
    rule!(
        "wsse.timestamp.expired",
        [],
        Error,
        FAULT_1000,
        All,
        "wsu:Expires is after the time the message is received.",
        security::timestamp_expired
    ),
    rule!(
        "wsse.timestamp.format",
        [],
        Error,
        FAULT_1000,
        All,
        "wsu:Created and wsu:Expires are present, xs:dateTime-shaped and real dates (TKW ATM_InvalidCreatedTimeStamp, ATM_InvalidExpiredTimeStamp).",
        security::timestamp_format
    ),
    rule!(
        "wsse.timestamp.future",
        ["MSCA-AUD-06"],
        Error,
        FAULT_1000,
        All,
        "wsu:Created is not later than the time the message is received, allowing for clock skew.",
        security::timestamp_future
    ),
    rule!(
        "wsse.timestamp.id-format",
        ["WS-ADR-01"],
        Warning,
        REPORT,
        All,
        "wsu:Timestamp/@wsu:Id, if present, is an optional [a-zA-Z_:]* prefix and an upper-case UUID.",
        security::timestamp_id_format
    ),
    rule!(
        "wsse.timestamp.order",
        [],
        Error,
        FAULT_1000,
        All,
        "wsu:Created is before wsu:Expires.",
        security::timestamp_order
    ),
    rule!(
        "wsse.timestamp.present",
        [],
        Error,
        FAULT_1000,
        Requests,
        "A request carries wsse:Security/wsu:Timestamp (TKW ATM_NoTimeStamp).",
        security::timestamp_present
    ),
    rule!(
        "wsse.timestamp.utc",
        ["MSCA-AUD-07"],
        Error,
        REPORT,
        All,
        "wsu:Created and wsu:Expires state their time zone (Z or an offset); a bare local time breaks the time-zone guidance.",
        security::timestamp_utc
    ),
    rule!(
        "wsse.username.present",
        ["MSCA-IG-02"],
        Error,
        FAULT_3000,
        Requests,
        "A request carries a non-empty wsse:UsernameToken/wsse:Username (TKW ATM_NoUsernameElement → 3000).",
        security::username_present
    ),
    rule!(
        "xml.blank-attribute",
        [],
        Error,
        FAULT_1000,
        All,
        "No attribute anywhere in the message is empty or blank (TKW XSLT_BLANK).",
        notes::blank_attribute
    ),
    rule!(
        "xml.ignored-element",
        [],
        Info,
        REPORT,
        All,
        "Elements outside the SMSP message model are reported, since they are ignored.",
        notes::ignored_element
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} must sort before {}",
                pair[0].id,
                pair[1].id
            );
        }
    }

    #[test]
    fn rule_ids_are_lower_case_dotted() {
        for r in RULES {
            assert!(
                r.id.split('.').count() >= 2
                    && r.id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '-'),
                "{}",
                r.id
            );
            assert!(rule(r.id).is_some());
        }
    }

    #[test]
    fn consequence_order_is_documented_order() {
        let order = [
            FAULT_3000,
            FAULT_MUST_UNDERSTAND,
            Consequence::Fault {
                code: FaultCode::VersionMismatch,
                error_code: ItkErrorCode::InvalidMessage,
            },
            FAULT_1000,
            SMSP_0001,
            REPORT,
        ];
        for pair in order.windows(2) {
            assert!(pair[0].rank() > pair[1].rank(), "{:?}", pair);
        }
    }

    fn finding(severity: Severity, consequence: Consequence) -> Finding {
        Finding {
            rule: "x.y",
            requirements: &[],
            severity,
            consequence,
            message: String::new(),
            location: String::new(),
        }
    }

    #[test]
    fn consequence_of_takes_the_strongest_error() {
        assert_eq!(consequence_of(&[]), REPORT);
        let findings = [
            finding(Severity::Error, SMSP_0001),
            finding(Severity::Warning, FAULT_3000),
            finding(Severity::Error, FAULT_1000),
            finding(Severity::Error, SMSP_0001),
        ];
        assert_eq!(consequence_of(&findings), FAULT_1000);
    }
}
