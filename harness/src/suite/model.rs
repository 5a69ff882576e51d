//! The suite file format: serde types, the contract documented in `scenarios/suites/README.md`
//! and published as a JSON Schema by `smsp suite schema`.
//!
//! A suite is a list of cases. A case names the operation, the request to send (fields, which
//! may be templates over the patient bound to a role, and deliberate envelope defects for
//! negative cases) and what the answer must be. Patients are never named by NHS number in a
//! suite: a case asks for a role ("single-match", "superseded", …) and a data profile binds each
//! role to a patient of the system under test, so one suite runs against our simulator and
//! against a provider wired to OpenTest.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One suite file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteFile {
    /// The suite's name, used by `--suite NAME` and in reports (`pds-provider`).
    pub suite: String,
    /// One line saying what the suite tests.
    pub title: String,
    /// More about the suite, for the report's header.
    #[serde(default)]
    pub description: Option<String>,
    /// The cases, run in this order (and reported in it).
    pub cases: Vec<Case>,
}

/// One test case: one request and the answer it must get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Stable id, unique in the suite (`PDS-VER-001`). Letters, digits, `-`, `_` and `.`.
    pub id: String,
    /// What the case checks, in one line.
    pub title: String,
    /// The official requirement ids this case evidences (SPEC.md §8), e.g. `SMSP-ERR-005`.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// The PDS operation, by its service name (`getPatientDetailsBySearch`).
    pub operation: String,
    /// The role of the patient the request is about, bound by the data profile. Templates in
    /// `request` and `expect.equal` read this patient's facts. A case whose role the profile
    /// does not bind is skipped, with the reason.
    #[serde(default)]
    pub patient: Option<String>,
    /// The query parameters to send. Omitted fields are not sent.
    #[serde(default)]
    pub request: RequestFields,
    /// Deliberate envelope defects, applied in order to an otherwise conformant request.
    #[serde(default)]
    pub envelope: Vec<EnvelopeDefect>,
    /// How to connect, when the case is about the connection itself.
    #[serde(default)]
    pub transport: Option<TransportSpec>,
    /// What the answer must be.
    pub expect: Expectation,
    /// Why the case exists, for a reader of the report.
    #[serde(default)]
    pub note: Option<String>,
}

/// The query parameters of a request. Each value is a template: literal text with `{fact}` or
/// `{fact:N}` (the first N characters) replaced from the bound patient, e.g. `"{family:3}*"`
/// or `"{birth_date:6}"`. Facts: `nhs_number`, `birth_date`, `gender` (the HL7 code),
/// `family`, `given`, `postcode`, `superseded_by`, `death_date`, `local_identifier`, and any
/// other key the profile gives the patient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestFields {
    /// `Person.NHSNumber`.
    #[serde(default)]
    pub nhs_number: Option<String>,
    /// `Person.DateOfBirth` (YYYYMMDD; YYYY or YYYYMM where partial dates are allowed).
    #[serde(default)]
    pub birth_date: Option<String>,
    /// `Person.Gender` code: 0 not known, 1 male, 2 female, 9 not specified.
    #[serde(default)]
    pub gender: Option<String>,
    /// `Person.Name/family`.
    #[serde(default)]
    pub surname: Option<String>,
    /// `Person.Name/given`.
    #[serde(default)]
    pub given: Option<String>,
    /// `Person.Postcode`.
    #[serde(default)]
    pub postcode: Option<String>,
    /// `Person.LocalIdentifier` extension (root: the harness's local-identifier OID).
    #[serde(default)]
    pub local_identifier: Option<String>,
}

/// A deliberate defect in the envelope of an otherwise conformant request (SPEC.md §1.5, §2,
/// §4.3). Each is one thing a real client gets wrong.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EnvelopeDefect {
    /// No `wsu:Timestamp` in `wsse:Security`.
    MissingTimestamp,
    /// A Timestamp that expired an hour ago (Created two hours ago).
    ExpiredTimestamp,
    /// No `wsse:UsernameToken`.
    MissingUsername,
    /// No `wsa:To`.
    MissingTo,
    /// No `wsa:MessageID`.
    MissingMessageId,
    /// `wsa:Action` names another operation's service than the DE service.
    ActionNotService,
    /// The manifest item's id differs from the payload's id.
    ManifestIdMismatch,
    /// The manifest count says 2 but there is one item.
    ManifestCountMismatch,
    /// No `itk:auditIdentity`.
    MissingAuditIdentity,
    /// A foreign header block with `soap:mustUnderstand="1"`.
    MustUnderstandHeader,
    /// The same message in a SOAP 1.2 envelope (`application/soap+xml`).
    Soap12,
    /// Bytes that are not XML at all.
    NotXml,
}

impl EnvelopeDefect {
    /// The kebab-case name used in suite files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EnvelopeDefect::MissingTimestamp => "missing-timestamp",
            EnvelopeDefect::ExpiredTimestamp => "expired-timestamp",
            EnvelopeDefect::MissingUsername => "missing-username",
            EnvelopeDefect::MissingTo => "missing-to",
            EnvelopeDefect::MissingMessageId => "missing-message-id",
            EnvelopeDefect::ActionNotService => "action-not-service",
            EnvelopeDefect::ManifestIdMismatch => "manifest-id-mismatch",
            EnvelopeDefect::ManifestCountMismatch => "manifest-count-mismatch",
            EnvelopeDefect::MissingAuditIdentity => "missing-audit-identity",
            EnvelopeDefect::MustUnderstandHeader => "must-understand-header",
            EnvelopeDefect::Soap12 => "soap12",
            EnvelopeDefect::NotXml => "not-xml",
        }
    }
}

/// How a case connects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransportSpec {
    /// `none`: connect without a client certificate (the target must refuse the handshake).
    /// Cases with a transport spec need an `https` target and are skipped otherwise.
    pub client_certificate: ClientCertificate,
}

/// Which client certificate a case presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClientCertificate {
    /// The run's client certificate (`--cert`/`--key`), as every other case.
    Configured,
    /// No client certificate at all.
    None,
}

/// What the answer must be. Every field is optional; what is given is checked. Whatever the
/// case expects, every answer is also judged by the checks that apply to all responses (the
/// conformance checker, the code table, the operation's codes, correlation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The HTTP status (200 for responses, 500 for faults).
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The response code (`value/@code`), e.g. `DEMOG-0017`.
    #[serde(default)]
    pub response_code: Option<String>,
    /// Other response codes a conformant provider may give instead (SPEC.md §4.1: business
    /// errors other than the six of SMSP-ERR-005 MAY be DEMOG-9999). Getting one makes the
    /// outcome `check`: a person decides.
    #[serde(default)]
    pub review_if_code: Vec<String>,
    /// An ITK SOAP fault.
    #[serde(default)]
    pub fault: Option<FaultExpectation>,
    /// Response fields that must be present.
    #[serde(default)]
    pub present: Vec<ResponseField>,
    /// Response fields that must be absent.
    #[serde(default)]
    pub absent: Vec<ResponseField>,
    /// Response fields that must equal a value (a template over the patient's facts).
    #[serde(default)]
    pub equal: BTreeMap<ResponseField, String>,
    /// The answer must arrive within this many milliseconds.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// The TLS handshake must be refused (no HTTP answer at all).
    #[serde(default)]
    pub refused: bool,
}

/// The fault a case expects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultExpectation {
    /// `faultcode` local name: `Client`, `Server`, `VersionMismatch`, `MustUnderstand`.
    #[serde(default)]
    pub code: Option<String>,
    /// `itk:ErrorCode`: `1000`, `2100`, `2200` or `3000`.
    #[serde(default)]
    pub error_code: Option<String>,
}

/// A field of a PDS response that a case can ask about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ResponseField {
    /// The patient's NHS number (`subject/patient/id`, or validIdentifier's id).
    NhsNumber,
    /// verifyNHSNumber: `validIdentifier/value/@value` (`true` or `false`).
    Verified,
    /// The local identifier echoed back.
    LocalIdentifier,
    /// The name (`name`).
    Name,
    /// The first given name.
    Given,
    /// The family name.
    Family,
    /// The title (`prefix`).
    NamePrefix,
    /// `administrativeGenderCode/@code`.
    Gender,
    /// `birthTime/@value`.
    BirthDate,
    /// `deceasedTime/@value`.
    DeathDate,
    /// Any address (`addr`).
    Address,
    /// The first address's postcode.
    Postcode,
    /// Any telecom.
    Telecom,
    /// The GP practice (`gPPractice`).
    GpPractice,
    /// The GP practice's ODS code.
    GpOdsCode,
}

impl ResponseField {
    /// The snake_case name used in suite files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseField::NhsNumber => "nhs_number",
            ResponseField::Verified => "verified",
            ResponseField::LocalIdentifier => "local_identifier",
            ResponseField::Name => "name",
            ResponseField::Given => "given",
            ResponseField::Family => "family",
            ResponseField::NamePrefix => "name_prefix",
            ResponseField::Gender => "gender",
            ResponseField::BirthDate => "birth_date",
            ResponseField::DeathDate => "death_date",
            ResponseField::Address => "address",
            ResponseField::Postcode => "postcode",
            ResponseField::Telecom => "telecom",
            ResponseField::GpPractice => "gp_practice",
            ResponseField::GpOdsCode => "gp_ods_code",
        }
    }
}

/// A data profile: binds the roles cases ask for to patients of one system under test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    /// The profile's name, used by `--data NAME` (`default`, `opentest`).
    pub profile: String,
    /// What system the profile describes.
    pub title: String,
    /// More about where the facts come from.
    #[serde(default)]
    pub description: Option<String>,
    /// Role name → the patient's facts (`nhs_number`, `birth_date`, `gender`, `family`,
    /// `given`, `postcode`, `superseded_by`, …). Values are strings.
    pub roles: BTreeMap<String, BTreeMap<String, String>>,
}
