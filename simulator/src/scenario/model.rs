//! The scenario file format, as serde types: what a user writes in YAML.
//!
//! These types are the contract between `scenarios/*.yaml`, the loader ([`super::load`]),
//! the JSON Schema (`smsp scenario schema`, derived from these types by schemars) and the
//! engine. Field-level validation (an NHS number's shape, a date's shape, a known gender)
//! happens while deserialising, through the `try_from` newtypes below, so a bad value is
//! reported with the file, line and column the YAML parser knows. Checks that need the whole
//! file (duplicate numbers, a `superseded_by` that names nobody) live in [`super::load`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One scenario file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// A short name, shown in the journal and reports.
    #[serde(default)]
    pub name: Option<String>,
    /// What this scenario is for.
    #[serde(default)]
    pub description: Option<String>,
    /// How the simulator shapes its answers. When several files are loaded, the first file
    /// that sets an option wins.
    #[serde(default)]
    pub options: Options,
    /// Rules, tried in order before patient matching; the first that matches answers.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The patients the simulated PDS holds.
    #[serde(default)]
    pub patients: Vec<Patient>,
}

/// How answers are shaped. Every field is optional so that files can be merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// How much of a name a getPatientDetails* response carries. Default `first_given`:
    /// the first given name and no title, as OpenTest answered (SPEC.md §3.6).
    #[serde(default)]
    pub name_detail: Option<NameDetail>,
    /// Whether DEMOG-0017 carries the superseding number (and, for the details operations,
    /// the current record). Default `with_new_number`; `bare` answers as TKW's templates do.
    #[serde(default)]
    pub superseded_response: Option<SupersededResponse>,
}

/// See [`Options::name_detail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NameDetail {
    /// The first given name only, no title (OpenTest).
    FirstGiven,
    /// Title and up to two given names (the full PN.NHS.PersonNameType2).
    Full,
}

/// See [`Options::superseded_response`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupersededResponse {
    /// DEMOG-0017 with the superseding number (and record, for the details operations).
    WithNewNumber,
    /// A bare DEMOG-0017, as TKW's templates answer.
    Bare,
}

// ---------------------------------------------------------------------------------------------
// Patients
// ---------------------------------------------------------------------------------------------

/// One patient record held by the simulated PDS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// The NHS number: ten digits passing the modulus-11 check, unless `old_style` is set.
    pub nhs_number: NhsNumberText,
    /// The current name.
    pub name: Name,
    /// Earlier names; a trace by surname also finds the patient by these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_names: Vec<Name>,
    /// Administrative gender.
    pub gender: Gender,
    /// Date of birth, HL7 TS at the precision held: YYYY, YYYYMM, YYYYMMDD or longer.
    pub birth_date: HlDate,
    /// Date of death, when deceased (full or partial).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<HlDate>,
    /// Up to three addresses, one per use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Telephone numbers and e-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub telecoms: Vec<TelecomEntry>,
    /// The registered GP practice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gp_practice: Option<GpPracticeEntry>,
    /// Local identifiers held for the patient; the first is returned when a request carries
    /// none of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_identifiers: Vec<LocalIdentifierEntry>,
    /// S-flagged: address, telecom and GP practice are withheld (SPEC.md §6.5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// This number was merged into another: requests with it get DEMOG-0017.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<NhsNumberText>,
    /// This number is no longer in use and has no replacement: DEMOG-0022.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invalidated: bool,
    /// The number is not a new-style (ten-digit, modulus-11) NHS number: DEMOG-0042.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub old_style: bool,
    /// Free text for people reading the scenario (where the data came from, what it tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A person's name as held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Name {
    /// Title (MR, MRS, DR…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Given names, first first; PDS returns at most two.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<String>,
    /// Family name (surname).
    pub family: String,
}

/// Administrative gender (codeSystem 2.16.840.1.113883.2.1.3.2.4.16.25). Written as a word
/// or as the code itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Gender {
    /// Code 0.
    #[serde(rename = "not_known", alias = "0")]
    NotKnown,
    /// Code 1.
    #[serde(rename = "male", alias = "1")]
    Male,
    /// Code 2.
    #[serde(rename = "female", alias = "2")]
    Female,
    /// Code 9 (not specified / indeterminate).
    #[serde(rename = "not_specified", alias = "9")]
    NotSpecified,
}

impl Gender {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            Gender::NotKnown => "0",
            Gender::Male => "1",
            Gender::Female => "2",
            Gender::NotSpecified => "9",
        }
    }

    /// From the wire code.
    pub fn from_code(code: &str) -> Option<Gender> {
        match code {
            "0" => Some(Gender::NotKnown),
            "1" => Some(Gender::Male),
            "2" => Some(Gender::Female),
            "9" => Some(Gender::NotSpecified),
            _ => None,
        }
    }
}

/// Address uses PDS returns (SPEC.md §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AddressUse {
    /// Home (usual) address.
    #[serde(rename = "H")]
    Home,
    /// Temporary address.
    #[serde(rename = "TMP")]
    Temporary,
    /// Correspondence (postal) address.
    #[serde(rename = "PST")]
    Postal,
}

impl AddressUse {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            AddressUse::Home => "H",
            AddressUse::Temporary => "TMP",
            AddressUse::Postal => "PST",
        }
    }
}

/// A postal address: up to five lines (kept in position; blanks stay blank) and a postcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// H, TMP or PST. Default H.
    #[serde(default = "default_address_use", rename = "use")]
    pub address_use: AddressUse,
    /// Up to five street lines; fewer are padded with blank lines on the wire.
    #[serde(default)]
    pub lines: Vec<String>,
    /// The postcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
}

fn default_address_use() -> AddressUse {
    AddressUse::Home
}

/// An address without a use (a GP practice's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlainAddress {
    /// Up to five street lines.
    #[serde(default)]
    pub lines: Vec<String>,
    /// The postcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
}

/// A telephone number or e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TelecomEntry {
    /// HL7 telecom use: H, HP, HV, WP, AS, EC, PG or MC (space-separated for several).
    #[serde(rename = "use")]
    pub telecom_use: String,
    /// The URL: `tel:01132974444`, `mailto:jim@example.com`.
    pub value: String,
    /// When it can be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodEntry>,
}

/// A usable period (HL7 IVL_TS low/high).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodEntry {
    /// Start date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<HlDate>,
    /// End date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<HlDate>,
}

/// The registered GP practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GpPracticeEntry {
    /// The practice's ODS code (H81109).
    pub ods_code: String,
    /// The practice's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The practice's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PlainAddress>,
    /// The practice's telephone, as a URL (`tel:01372462501`); returned with use WP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A local identifier: an OID naming the issuing system and the identifier in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalIdentifierEntry {
    /// The issuing system's OID.
    pub root: String,
    /// The identifier.
    pub extension: String,
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/// A rule: when a request matches `when`, answer with `then` instead of looking for patients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A name, recorded in the journal for every exchange the rule answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What a request must look like. Every field given must match; an empty `when` matches
    /// every request.
    #[serde(default)]
    pub when: Match,
    /// The answer. Give either `then` or `sequence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Action>,
    /// Answers for successive matches: the first match gets the first, and so on. After the
    /// last, the rule no longer matches (unless `repeat_last` is set).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence: Vec<Action>,
    /// With `sequence`: keep answering with the last action once the sequence is used up.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repeat_last: bool,
    /// Answer only the first N matching requests; later ones fall through to the next rule
    /// and then to patient matching. `POST /__admin/reset` starts counting again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

/// What a request must carry for a rule to match. Text fields compare case-insensitively and
/// may use `*` for any run of characters (`SMI*`, `*:ods:RHM:*`); postcodes compare without
/// spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// The operation(s): `verifyNHSNumber`, `getNHSNumber`, `getPatientDetailsByNHSNumber`,
    /// `getPatientDetailsBySearch`, `getPatientDetails`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<OneOrMany<OperationName>>,
    /// `Person.NHSNumber` as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    /// `Person.DateOfBirth` as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// `Person.Name/family`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// `Person.Postcode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// Any `itk:auditIdentity/itk:id/@uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_identity: Option<String>,
    /// `itk:header/@trackingid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_id: Option<String>,
    /// The client certificate's subject DN (RFC 4514 form, `CN=client,O=Example`). A request
    /// without a client certificate never matches a rule that names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_dn: Option<String>,
}

/// One value or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// Several values; any matches.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(t) => std::slice::from_ref(t),
            OneOrMany::Many(v) => v,
        }
    }
}

/// A PDS operation, by the name in its service URN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum OperationName {
    /// verifyNHSNumber-v1-0.
    #[serde(rename = "verifyNHSNumber")]
    VerifyNhsNumber,
    /// getNHSNumber-v1-0.
    #[serde(rename = "getNHSNumber")]
    GetNhsNumber,
    /// getPatientDetailsByNHSNumber-v1-0.
    #[serde(rename = "getPatientDetailsByNHSNumber")]
    GetPatientDetailsByNhsNumber,
    /// getPatientDetailsBySearch-v1-0.
    #[serde(rename = "getPatientDetailsBySearch")]
    GetPatientDetailsBySearch,
    /// getPatientDetails-v1-0.
    #[serde(rename = "getPatientDetails")]
    GetPatientDetails,
}

impl OperationName {
    /// The protocol crate's operation.
    pub fn operation(self) -> smsp_protocol::Operation {
        use smsp_protocol::Operation as O;
        match self {
            OperationName::VerifyNhsNumber => O::VerifyNhsNumber,
            OperationName::GetNhsNumber => O::GetNhsNumber,
            OperationName::GetPatientDetailsByNhsNumber => O::GetPatientDetailsByNhsNumber,
            OperationName::GetPatientDetailsBySearch => O::GetPatientDetailsBySearch,
            OperationName::GetPatientDetails => O::GetPatientDetails,
        }
    }
}

/// How a rule answers. Give exactly one of `code`, `fault`, `http`, `drop_connection`,
/// `garbage`, `busy` or `spine_unavailable`; `delay_ms` may accompany any of them, or stand
/// alone to delay the normal answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Wait this long before answering (or before dropping the connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Answer with this response code (HTTP 200). With SMSP-0000, SMSP-0003 or DEMOG-0017,
    /// `patient` names the record the body carries; other codes are sent bare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// With `code`: the NHS number of the patient whose data the answer carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<NhsNumberText>,
    /// Answer with an ITK SOAP fault (HTTP 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultAction>,
    /// Answer with this raw HTTP status and body, not SOAP at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpAction>,
    /// Close the connection without answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_connection: bool,
    /// Answer with bytes that are not HTTP, then close the connection.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub garbage: bool,
    /// The ITK busy tone: HTTP 503 with no SOAP body.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub busy: bool,
    /// Spine is down behind the provider: `cached` answers SMSP-0003 with the data the
    /// provider's local store holds (the normal answer, recoded); `down` answers a bare
    /// SMSP-0004.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spine_unavailable: Option<SpineUnavailable>,
}

/// See [`Action::spine_unavailable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpineUnavailable {
    /// SMSP-0003 with data from the local store.
    Cached,
    /// SMSP-0004, could not connect to Spine.
    Down,
}

/// An ITK SOAP fault to answer with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultAction {
    /// 1000 (invalid message), 2100 (processing error, retry), 2200 (processing error, do
    /// not retry), 3000 (access denied), `version_mismatch` or `must_understand`.
    pub kind: FaultKind,
    /// `itk:ErrorText`; a standard text for the kind when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `itk:ErrorDiagnosticText`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostic: Option<String>,
}

/// The kinds of ITK fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FaultKind {
    /// Client fault, ErrorCode 1000: invalid message.
    #[serde(rename = "1000")]
    InvalidMessage,
    /// Server fault, ErrorCode 2100: processing error, retryable.
    #[serde(rename = "2100")]
    ProcessingRetryable,
    /// Server fault, ErrorCode 2200: processing error, not retryable.
    #[serde(rename = "2200")]
    ProcessingNotRetryable,
    /// Client fault, ErrorCode 3000: access denied.
    #[serde(rename = "3000")]
    AccessDenied,
    /// VersionMismatch fault (ErrorCode 1000).
    #[serde(rename = "version_mismatch")]
    VersionMismatch,
    /// MustUnderstand fault (ErrorCode 1000).
    #[serde(rename = "must_understand")]
    MustUnderstand,
}

/// A raw HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpAction {
    /// The status code (100–999).
    pub status: u16,
    /// The body, sent as given.
    #[serde(default)]
    pub body: String,
    /// The Content-Type header; `text/plain` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Validated scalars
// ---------------------------------------------------------------------------------------------

/// An NHS number as written in a scenario: digits only (spaces are allowed and removed).
/// Whether it must pass the modulus-11 check depends on the patient's `old_style` flag, which
/// the loader checks with the whole record in view.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String")]
pub struct NhsNumberText(String);

impl NhsNumberText {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NhsNumberText {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let digits: String = s.chars().filter(|c| *c != ' ').collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "NHS number {s:?} must be digits (ten, for a new-style number)"
            ));
        }
        Ok(NhsNumberText(digits))
    }
}

impl From<NhsNumberText> for String {
    fn from(n: NhsNumberText) -> String {
        n.0
    }
}

/// A date as HL7 TS digits: YYYY, YYYYMM, YYYYMMDD, or with a time (YYYYMMDDHHMM…).
/// Dashes are allowed and removed (`1980-01-31`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "DateInput", into = "String")]
#[schemars(with = "String")]
pub struct HlDate(String);

impl HlDate {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// YAML may read an unquoted `19800131` as a number; accept both.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateInput {
    Text(String),
    Number(u64),
}

impl TryFrom<DateInput> for HlDate {
    type Error = String;
    fn try_from(d: DateInput) -> Result<Self, Self::Error> {
        let s = match d {
            DateInput::Text(s) => s,
            DateInput::Number(n) => n.to_string(),
        };
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        let shape_ok = matches!(digits.len(), 4 | 6 | 8 | 10 | 12 | 14)
            && digits.bytes().all(|b| b.is_ascii_digit());
        if !shape_ok {
            return Err(format!(
                "date {s:?} must be YYYY, YYYYMM, YYYYMMDD (dashes allowed) or YYYYMMDDHHMM[SS]"
            ));
        }
        let month = digits.get(4..6).map(|m| m.parse::<u8>().unwrap_or(0));
        let day = digits.get(6..8).map(|d| d.parse::<u8>().unwrap_or(0));
        if month.is_some_and(|m| !(1..=12).contains(&m))
            || day.is_some_and(|d| !(1..=31).contains(&d))
        {
            return Err(format!("date {s:?} has no such month or day"));
        }
        Ok(HlDate(digits))
    }
}

impl From<HlDate> for String {
    fn from(d: HlDate) -> String {
        d.0
    }
}
