//! Shared proptest strategies for schema-valid SMSP messages, used by the roundtrip,
//! fidelity and snapshot tests.
//!
//! Every strategy here produces a model that the builder turns into XML valid against the
//! official schemas (QUPA_MT000001–5GB01, COMT_MT000013/14/16GB01, distributionEnvelope-v2-0,
//! ITK ToolkitErrorInfo) and that the parser reads back without notes:
//!
//! * query parameters follow [`Operation::cardinality`]: Required always, Optional sometimes,
//!   NotAllowed never; request names have at most one given name and no prefix, and `@use`
//!   only where PN.NHS.PersonNameType1 allows it;
//! * UUIDs are upper-case, OIDs are OIDs, HL7 timestamps match the `ts` pattern, genders are
//!   0/1/2/9 in [`ns::OID_GENDER`], NHS numbers pass the modulus-11 check;
//! * free text is non-empty, has no leading or trailing whitespace (the parser trims text) and
//!   no control characters, and often carries XML-special characters (`& < > " '`),
//!   non-ASCII letters (é, Ł) and non-XML whitespace (U+00A0, U+3000, even at the edges) to
//!   exercise escaping and trimming; values typed xs:anyURI or `url` are kept URI-shaped.
//!
//! [`Generator`] draws values deterministically, so a fixed set of messages can be produced
//! the same on every run.

// Each test binary that includes this module uses only part of it; the rest would warn as
// dead code in that binary.
#![allow(dead_code)]

use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use smsp_protocol::nhs_number::NhsNumber;
use smsp_protocol::ns;
use smsp_protocol::*;

// ---------------------------------------------------------------------------------------
// Message kinds
// ---------------------------------------------------------------------------------------

/// The twelve kinds of message the strategies produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A request for the operation.
    Request(Operation),
    /// A response of this kind with its body (component / subject).
    FullResponse(ResponseKind),
    /// A response of this kind in the bare error form (response code only).
    BareResponse(ResponseKind),
    /// An ITK SOAP fault.
    Fault,
}

impl Kind {
    /// All kinds: five requests, three full responses, three bare responses, the fault.
    pub(crate) fn all() -> Vec<Kind> {
        let mut kinds: Vec<Kind> = Operation::ALL.into_iter().map(Kind::Request).collect();
        kinds.extend(ResponseKind::ALL.into_iter().map(Kind::FullResponse));
        kinds.extend(ResponseKind::ALL.into_iter().map(Kind::BareResponse));
        kinds.push(Kind::Fault);
        kinds
    }

    /// A short name for messages and file names.
    pub(crate) fn label(self) -> String {
        match self {
            Kind::Request(op) => format!("request-{}", op.name()),
            Kind::FullResponse(k) => format!("full-{}", k.root()),
            Kind::BareResponse(k) => format!("bare-{}", k.root()),
            Kind::Fault => "fault".to_owned(),
        }
    }
}

/// A message of the given kind.
pub(crate) fn envelope(kind: Kind) -> BoxedStrategy<Envelope> {
    match kind {
        Kind::Request(op) => request_envelope(op),
        Kind::FullResponse(k) => response_envelope(k, true),
        Kind::BareResponse(k) => response_envelope(k, false),
        Kind::Fault => fault_envelope(),
    }
}

// ---------------------------------------------------------------------------------------
// Deterministic generation
// ---------------------------------------------------------------------------------------

/// Draws values from strategies with a fixed-seed RNG: the same sequence on every run.
pub(crate) struct Generator {
    runner: TestRunner,
}

impl Generator {
    /// A generator seeded with proptest's fixed deterministic seed (ChaCha).
    pub(crate) fn deterministic() -> Generator {
        Generator {
            runner: TestRunner::new_with_rng(
                Config::default(),
                TestRng::deterministic_rng(RngAlgorithm::ChaCha),
            ),
        }
    }

    /// One value of `strategy`.
    pub(crate) fn sample<S: Strategy>(&mut self, strategy: &S) -> S::Value {
        strategy
            .new_tree(&mut self.runner)
            .expect("the strategies never reject")
            .current()
    }
}

// ---------------------------------------------------------------------------------------
// Leaf values
// ---------------------------------------------------------------------------------------

/// An upper-case hyphenated UUID (`itk:uuid` / HL7 `uuid` pattern).
pub(crate) fn upper_uuid() -> impl Strategy<Value = String> + Clone {
    any::<u128>().prop_map(|n| {
        smsp_protocol::determinism::upper_uuid(
            uuid::Builder::from_random_bytes(n.to_be_bytes()).into_uuid(),
        )
    })
}

/// Words with XML-special characters and non-ASCII letters, mixed in with ordinary ones.
const AWKWARD_WORDS: &[&str] = &[
    "O'Brien",
    "D'Arcy-Jones",
    "Smith & Sons",
    "<b>",
    "a<b",
    "x>y",
    "\"Quoted\"",
    "'single'",
    "&amp;",
    "]]>",
    "Renée",
    "Łukasz",
    "Zoë",
    "Ødegård",
    "Straße",
    "ÉCOLE",
    "Mañana",
    "Ünal",
    // U+00A0 and U+3000 are not XML whitespace: they are content, even at the edges.
    "\u{A0}nbsp\u{A0}",
    "\u{3000}全角",
];

/// One word: an awkward one, or letters, digits and punctuation (including é, Ł, & < > " ').
fn word() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        2 => select(AWKWARD_WORDS).prop_map(str::to_owned),
        3 => "[A-Za-z]{1,10}",
        1 => "[A-Za-z0-9éŁ&<>\"'.,()/-]{1,10}",
    ]
}

/// Non-empty free text: one to four words separated by one or two spaces, so no leading or
/// trailing XML whitespace and no control characters.
pub(crate) fn text() -> impl Strategy<Value = String> + Clone {
    (
        prop::collection::vec(word(), 1..=4),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(words, wide)| words.join(if wide { "  " } else { " " }))
}

/// A realistic given name, sometimes an awkward one.
fn given_name() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        3 => select(&["JANE", "JOHN", "LILITH", "KYLER", "CINCO", "DORIS", "INDIANA", "Anne-Marie", "Zoë", "Łucja", "Renée"][..])
            .prop_map(str::to_owned),
        1 => text(),
    ]
}

/// A realistic family name, sometimes an awkward one.
fn family_name() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        3 => select(&["SMITH", "LAWALI", "DEMAYO", "KHICHEN-HOCHE", "O'BRIEN", "Ó Séaghdha", "WÓJCIK", "D'ARCY & CO"][..])
            .prop_map(str::to_owned),
        1 => text(),
    ]
}

/// A ten-digit NHS number that passes the modulus-11 check, mostly in the 999/944 test ranges.
pub(crate) fn nhs_number() -> impl Strategy<Value = String> + Clone {
    (select(&[9u8, 9, 4, 6][..]), prop::array::uniform8(0u8..10)).prop_filter_map(
        "check value 10",
        |(first, rest)| {
            let mut nine = [0u8; 9];
            nine[0] = first;
            nine[1..].copy_from_slice(&rest);
            NhsNumber::from_first_nine(&nine).map(|n| n.as_str().to_owned())
        },
    )
}

/// An OID (`([0-9][0-9]*)(\.[0-9][0-9]*)*`).
pub(crate) fn oid() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        2 => select(&[
            ns::OID_LOCAL_IDENTIFIER,
            "1.3.5.7.9.24.68.1",
            "2.16.840.1.113883.2.1.3.2.4.18.24",
        ][..])
        .prop_map(str::to_owned),
        1 => "[12](\\.[0-9]{1,6}){2,9}",
    ]
}

/// A local identifier: a local OID root and an extension (`st`, so any non-empty text).
pub(crate) fn local_identifier() -> impl Strategy<Value = Identifier> + Clone {
    (
        oid(),
        prop_oneof![
            2 => "R[A-Z]{2}:[0-9]{5}",
            1 => text(),
        ],
    )
        .prop_map(|(root, ext)| Identifier::new(root, ext))
}

/// An HL7 date (`ts`): YYYY, YYYYMM or YYYYMMDD.
pub(crate) fn hl7_date() -> impl Strategy<Value = String> + Clone {
    (1900u32..=2025, 1u32..=12, 1u32..=28, 0u8..3).prop_map(
        |(y, m, d, precision)| match precision {
            0 => format!("{y:04}"),
            1 => format!("{y:04}{m:02}"),
            _ => format!("{y:04}{m:02}{d:02}"),
        },
    )
}

/// An HL7 timestamp at any precision the `ts` pattern allows for dates and times, each
/// equally likely: YYYY, YYYYMM, YYYYMMDD, YYYYMMDDHHMM, YYYYMMDDHHMMSS.
pub(crate) fn hl7_timestamp() -> impl Strategy<Value = String> + Clone {
    (
        1900u32..=2025,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        0u8..5,
    )
        .prop_map(|(y, mo, d, h, mi, s, precision)| match precision {
            0 => format!("{y:04}"),
            1 => format!("{y:04}{mo:02}"),
            2 => format!("{y:04}{mo:02}{d:02}"),
            3 => format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}"),
            _ => format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"),
        })
}

/// A gender code in the PDS code system.
pub(crate) fn gender() -> impl Strategy<Value = CodedValue> + Clone {
    select(&["0", "1", "2", "9"][..]).prop_map(|c| CodedValue::new(c, ns::OID_GENDER))
}

/// A UK-style postcode, or occasionally awkward text (postalCode is free text in HL7).
pub(crate) fn postcode() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => "[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}",
        1 => text(),
    ]
}

/// A value of the HL7 EntityNameUse vocabulary: one code or a two-code set.
pub(crate) fn name_use() -> impl Strategy<Value = String> + Clone {
    const USES: &[&str] = &[
        "L",
        "A",
        "I",
        "R",
        "ABC",
        "SYL",
        "IDE",
        "PREVIOUS-BIRTH",
        "PREVIOUS-MAIDEN",
        "PREVIOUS-BACHELOR",
        "PREVIOUS",
        "PREFERRED",
    ];
    prop_oneof![
        3 => select(USES).prop_map(str::to_owned),
        1 => (select(USES), select(USES)).prop_map(|(a, b)| format!("{a} {b}")),
    ]
}

/// A value of the HL7 TelecommunicationAddressUse vocabulary: one code or a two-code set.
pub(crate) fn telecom_use() -> impl Strategy<Value = String> + Clone {
    const USES: &[&str] = &["H", "HP", "HV", "WP", "AS", "EC", "PG", "MC"];
    prop_oneof![
        3 => select(USES).prop_map(str::to_owned),
        1 => (select(USES), select(USES)).prop_map(|(a, b)| format!("{a} {b}")),
    ]
}

/// A TEL value (`url`: scheme, colon, anything URI-safe).
pub(crate) fn telecom_value() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        3 => "0[0-9]{9,10}".prop_map(|n| format!("tel:{n}")),
        1 => "\\+44[0-9]{10}".prop_map(|n| format!("tel:{n}")),
        2 => ("[a-z]{1,8}", select(&["", ".", "'", "&", "_", "-"][..]), "[a-z]{1,8}", "[a-z]{2,8}")
            .prop_map(|(a, sep, b, domain)| format!("mailto:{a}{sep}{b}@{domain}.example.nhs.uk")),
        1 => "[0-9]{11}".prop_map(|n| format!("fax:{n}")),
    ]
}

/// An xs:dateTime as WS-Security writes it, sometimes with fractional seconds or an offset.
fn xs_datetime(
    year: i32,
    rest: (u32, u32, u32, u32, u32),
    millis: Option<u32>,
    zone: u8,
) -> String {
    let (mo, d, h, mi, s) = rest;
    let frac = millis.map(|m| format!(".{m:03}")).unwrap_or_default();
    let zone = match zone {
        0 => "+01:00",
        1 => "-05:30",
        _ => "Z",
    };
    format!("{year:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{zone}")
}

/// A wsu:Timestamp with Created before Expires (same offset, Expires a year later).
pub(crate) fn timestamp() -> impl Strategy<Value = Timestamp> + Clone {
    (
        option::weighted(0.8, upper_uuid()),
        2010i32..2030,
        (1u32..=12, 1u32..=28, 0u32..24, 0u32..60, 0u32..60),
        option::weighted(0.2, 0u32..1000),
        0u8..6,
    )
        .prop_map(|(id, year, rest, millis, zone)| Timestamp {
            id,
            created: Some(xs_datetime(year, rest, millis, zone)),
            expires: Some(xs_datetime(year + 1, rest, millis, zone)),
        })
}

/// An endpoint URL for wsa:To.
fn endpoint_url() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("https://192.168.{a}.{b}/smsp/pds")),
        Just("https://127.0.0.1:8443/smsp/pds".to_owned()),
        "[a-z]{3,10}".prop_map(|h| format!("https://{h}.example.nhs.uk:443/smsp/pds")),
    ]
}

/// A wsa:From / FaultTo address: a client IP, URL or the TKW default.
fn client_address() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("192.168.{a}.{b}")),
        Just("http://localhost:4000".to_owned()),
        "[a-z]{3,10}".prop_map(|h| format!("https://{h}.example.nhs.uk/client")),
    ]
}

/// An ODS-like organisation code.
fn ods_code() -> impl Strategy<Value = String> + Clone {
    prop_oneof!["[A-Z][0-9]{5}", "R[A-Z0-9]{2}", "[A-Z]{3}"]
}

/// An `urn:nhs-uk:addressing:ods:...` address URI (TKW's senderAddress pattern).
pub(crate) fn addressing_uri() -> impl Strategy<Value = String> + Clone {
    (ods_code(), option::of("[a-z]{3,6}[0-9]?:[A-Z]")).prop_map(|(ods, tail)| match tail {
        Some(t) => format!("urn:nhs-uk:addressing:ods:{ods}:{t}"),
        None => format!("urn:nhs-uk:addressing:ods:{ods}"),
    })
}

/// An ITK address, `@type` sometimes given (the default OID).
fn itk_address() -> impl Strategy<Value = ItkAddress> + Clone {
    (
        option::weighted(0.3, Just(ns::OID_ITK_ADDRESS.to_owned())),
        addressing_uri(),
    )
        .prop_map(|(address_type, uri)| ItkAddress {
            address_type,
            uri: Some(uri),
        })
}

/// One audit identity id in one of the shapes SPEC.md §2 lists.
fn audit_identity_id() -> impl Strategy<Value = AuditIdentity> + Clone {
    prop_oneof![
        // Spine ASID.
        "[0-9]{12}".prop_map(|asid| AuditIdentity {
            id_type: Some(ns::OID_SPINE_ASID.to_owned()),
            uri: Some(asid),
        }),
        // ITK toolkit identity, type omitted or the default.
        (
            option::of(Just(ns::OID_ITK_AUDIT_IDENTITY.to_owned())),
            ods_code(),
            select(&["SYS:SMSP", "localOrgID", "team1:C", "User:jsmith"][..]),
        )
            .prop_map(|(id_type, ods, tail)| AuditIdentity {
                id_type,
                uri: Some(format!("urn:nhs-uk:identity:ods:{ods}:{tail}")),
            }),
        // Smartcard user id / role profile id.
        (
            select(&["1.2.826.0.1285.0.2.0.65", "1.2.826.0.1285.0.2.0.67"][..]),
            "[0-9]{12}",
        )
            .prop_map(|(t, v)| AuditIdentity {
                id_type: Some(t.to_owned()),
                uri: Some(v),
            }),
    ]
}

/// A foreign SOAP header block (never mustUnderstand in requests we expect to accept).
fn foreign_header() -> impl Strategy<Value = ForeignHeader> + Clone {
    (
        select(&["urn:example:ext", "http://example.org/trace"][..]),
        select(&["TraceContext", "CorrelationId", "Hint"][..]),
    )
        .prop_map(|(namespace, name)| ForeignHeader {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            must_understand: false,
        })
}

// ---------------------------------------------------------------------------------------
// Envelope pieces
// ---------------------------------------------------------------------------------------

/// Request SOAP header: MessageID, Action = service, To, optional From/ReplyTo/FaultTo/
/// RelatesTo, wsse:Security with Timestamp and Username, sometimes a foreign header.
pub(crate) fn request_header(op: Operation) -> impl Strategy<Value = SoapHeader> + Clone {
    (
        upper_uuid(),
        endpoint_url(),
        option::of(client_address()),
        option::of(Just(ns::WSA_ANONYMOUS.to_owned())),
        option::weighted(0.3, client_address()),
        option::weighted(0.2, upper_uuid()),
        timestamp(),
        prop_oneof![
            2 => Just("TKS Server test".to_owned()),
            1 => "[a-z]{3,10}",
            2 => text(),
        ],
        prop::collection::vec(foreign_header(), 0..=1),
    )
        .prop_map(
            move |(message_id, to, from, reply_to, fault_to, relates_to, ts, username, foreign)| {
                SoapHeader {
                    addressing: Addressing {
                        message_id: Some(message_id),
                        action: Some(op.service().to_owned()),
                        to: Some(to),
                        from,
                        reply_to,
                        fault_to,
                        relates_to,
                    },
                    security: Some(Security {
                        timestamp: Some(ts),
                        username: Some(username),
                    }),
                    foreign_headers: foreign,
                }
            },
        )
}

/// Response / fault SOAP header: MessageID and Action, optional RelatesTo and To.
fn reply_header(action: &'static str) -> impl Strategy<Value = SoapHeader> + Clone {
    (
        upper_uuid(),
        option::of(upper_uuid()),
        option::weighted(0.2, endpoint_url()),
    )
        .prop_map(move |(message_id, relates_to, to)| SoapHeader {
            addressing: Addressing {
                message_id: Some(message_id),
                action: Some(action.to_owned()),
                to,
                relates_to,
                ..Addressing::default()
            },
            security: None,
            foreign_headers: Vec::new(),
        })
}

/// The optional parts of an ITK header and the manifest item's optional attributes.
#[derive(Debug, Clone)]
struct DeExtras {
    address_list: Option<Vec<ItkAddress>>,
    audit_identity: Option<Vec<AuditIdentity>>,
    sender_address: Option<ItkAddress>,
    handling_specification: Option<Vec<HandlingSpec>>,
    flags: [Option<bool>; 4],
    filename: Option<String>,
}

fn handling_spec() -> impl Strategy<Value = HandlingSpec> + Clone {
    (
        select(
            &[
                "urn:nhs-itk:ns:201005:interaction",
                "urn:nhs-itk:ns:201005:ackrequested",
                "urn:nhs-itk:ns:201005:infAckRequested",
            ][..],
        ),
        prop_oneof![
            Just("true".to_owned()),
            "[a-z]{3,10}".prop_map(|s| format!("urn:nhs-itk:interaction:{s}")),
            text(),
        ],
    )
        .prop_map(|(key, value)| HandlingSpec {
            key: key.to_owned(),
            value,
        })
}

/// `audit_required`: requests must carry an audit identity (MSCA-AUD-04); responses may.
fn de_extras(audit_required: bool) -> impl Strategy<Value = DeExtras> + Clone {
    let audit = prop::collection::vec(audit_identity_id(), 1..=4);
    let audit = if audit_required {
        audit.prop_map(Some).boxed()
    } else {
        option::weighted(0.3, audit).boxed()
    };
    (
        option::weighted(0.3, prop::collection::vec(itk_address(), 1..=3)),
        audit,
        option::weighted(0.4, itk_address()),
        option::weighted(0.3, prop::collection::vec(handling_spec(), 1..=3)),
        [
            option::of(any::<bool>()),
            option::weighted(0.8, any::<bool>()),
            option::weighted(0.8, any::<bool>()),
            option::weighted(0.8, any::<bool>()),
        ],
        option::weighted(0.15, "[a-z]{3,8}\\.xml"),
    )
        .prop_map(
            |(
                address_list,
                audit_identity,
                sender_address,
                handling_specification,
                flags,
                filename,
            )| {
                DeExtras {
                    address_list,
                    audit_identity,
                    sender_address,
                    handling_specification,
                    flags,
                    filename,
                }
            },
        )
}

/// A one-payload Distribution Envelope around `body`.
fn distribution_envelope(
    service: &str,
    tracking_id: String,
    payload_uuid: &str,
    profile: &str,
    extras: DeExtras,
    body: PayloadBody,
) -> DistributionEnvelope {
    let payload_id = format!("uuid_{payload_uuid}");
    let [metadata, base64, compressed, encrypted] = extras.flags;
    DistributionEnvelope {
        header: ItkHeader {
            service: Some(service.to_owned()),
            tracking_id: Some(tracking_id),
            address_list: extras.address_list,
            audit_identity: extras.audit_identity,
            manifest: Some(Manifest {
                count: Some("1".to_owned()),
                items: vec![ManifestItem {
                    id: Some(payload_id.clone()),
                    mime_type: Some("text/xml".to_owned()),
                    profile_id: Some(profile.to_owned()),
                    metadata,
                    compressed,
                    base64,
                    encrypted,
                }],
            }),
            sender_address: extras.sender_address,
            handling_specification: extras.handling_specification,
        },
        payloads: Payloads {
            count: Some("1".to_owned()),
            items: vec![Payload {
                id: Some(payload_id),
                filename: extras.filename,
                body,
            }],
        },
    }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// A parameter present or absent as the operation's schema says.
fn param<T: Clone + std::fmt::Debug + 'static>(
    op: Operation,
    parameter: Parameter,
    value: BoxedStrategy<T>,
) -> BoxedStrategy<Option<QueryParam<T>>> {
    let value = value.prop_map(move |v| QueryParam::new(parameter, v));
    match op.cardinality(parameter) {
        Cardinality::Required => value.prop_map(Some).boxed(),
        Cardinality::Optional => option::of(value).boxed(),
        Cardinality::NotAllowed => Just(None).boxed(),
    }
}

/// A request name: at most one given name, usually a family name, no prefix, `@use` only
/// where the operation's name type allows it.
pub(crate) fn request_name(op: Operation) -> BoxedStrategy<PersonName> {
    let name_use = if op.name_use_prohibited() {
        Just(None).boxed()
    } else {
        option::of(name_use()).boxed()
    };
    (
        name_use,
        option::weighted(0.7, given_name()),
        option::weighted(0.9, family_name()),
    )
        .prop_map(|(name_use, given, family)| PersonName {
            name_use,
            prefix: None,
            given: given.into_iter().collect(),
            family,
        })
        .boxed()
}

/// The query of a request for `op`, respecting [`Operation::cardinality`].
pub(crate) fn trace_query(op: Operation) -> impl Strategy<Value = TraceQuery> + Clone {
    (
        param(op, Parameter::DateOfBirth, hl7_date().boxed()),
        param(op, Parameter::Gender, gender().boxed()),
        param(op, Parameter::LocalIdentifier, local_identifier().boxed()),
        param(
            op,
            Parameter::NhsNumber,
            nhs_number().prop_map(Identifier::nhs_number).boxed(),
        ),
        param(op, Parameter::Name, request_name(op)),
        param(op, Parameter::Postcode, postcode().boxed()),
    )
        .prop_map(
            |(date_of_birth, gender, local_identifier, nhs_number, name, postcode)| TraceQuery {
                date_of_birth,
                gender,
                local_identifier,
                nhs_number,
                name,
                postcode,
            },
        )
}

/// A complete request envelope for `op`.
pub(crate) fn request_envelope(op: Operation) -> BoxedStrategy<Envelope> {
    (
        request_header(op),
        upper_uuid(),
        upper_uuid(),
        upper_uuid(),
        de_extras(true),
        trace_query(op),
    )
        .prop_map(
            move |(header, tracking_id, payload_uuid, request_id, extras, query)| {
                let body = PayloadBody::Request(PdsRequest {
                    operation: op,
                    id: request_id,
                    code: CodedValue::new(op.request_code(), ns::OID_MESSAGE_TYPE),
                    query,
                });
                Envelope {
                    header,
                    body: Body::DistributionEnvelope(distribution_envelope(
                        op.service(),
                        tracking_id,
                        &payload_uuid,
                        op.request_profile(),
                        extras,
                        body,
                    )),
                }
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

/// Response codes that come with a body.
const SUCCESS_CODES: &[&str] = &["SMSP-0000", "DEMOG-0017"];
/// Response codes of the bare error form.
const ERROR_CODES: &[&str] = &[
    "SMSP-0001",
    "SMSP-0002",
    "SMSP-0003",
    "SMSP-0004",
    "SMSP-0005",
    "SMSP-9999",
    "DEMOG-0001",
    "DEMOG-0007",
    "DEMOG-0022",
    "DEMOG-0040",
    "DEMOG-0042",
    "DEMOG-9999",
];

/// The operations whose response is of this kind.
pub(crate) fn operations_answered_by(kind: ResponseKind) -> Vec<Operation> {
    Operation::ALL
        .into_iter()
        .filter(|op| op.response_kind() == kind)
        .collect()
}

/// The ids of a patient: NHS number, sometimes a local identifier.
pub(crate) fn patient_identifiers() -> impl Strategy<Value = PatientIdentifiers> + Clone {
    (nhs_number(), option::of(local_identifier())).prop_map(|(nhs, local_identifier)| {
        PatientIdentifiers {
            nhs_number: Identifier::nhs_number(nhs),
            local_identifier,
        }
    })
}

/// A response name (PN.NHS.PersonNameType2): prefix, up to two given names, family, @use.
pub(crate) fn response_name() -> impl Strategy<Value = PersonName> + Clone {
    (
        option::of(name_use()),
        option::of(prop_oneof![
            3 => select(&["MR", "MRS", "MISS", "MS", "DR", "Revd"][..]).prop_map(str::to_owned),
            1 => text(),
        ]),
        prop::collection::vec(given_name(), 0..=2),
        option::weighted(0.8, family_name()),
    )
        .prop_map(|(name_use, prefix, given, family)| PersonName {
            name_use,
            prefix,
            given,
            family,
        })
}

/// Exactly five street lines, some of them empty placeholders.
fn street_lines() -> impl Strategy<Value = Vec<String>> + Clone {
    prop::array::uniform5(option::weighted(0.6, text()))
        .prop_map(|lines| lines.into_iter().map(Option::unwrap_or_default).collect())
}

/// An AD.NHS.AddressType2 with the given use.
fn postal_address(
    address_use: Option<&'static str>,
) -> impl Strategy<Value = PostalAddress> + Clone {
    (option::weighted(0.85, postcode()), street_lines()).prop_map(move |(postal_code, lines)| {
        PostalAddress {
            address_use: address_use.map(str::to_owned),
            postal_code,
            lines,
        }
    })
}

/// Zero to three patient addresses, uses drawn from H, TMP and PST.
fn patient_addresses() -> impl Strategy<Value = Vec<PostalAddress>> + Clone {
    prop::collection::vec(
        select(&["H", "TMP", "PST"][..]).prop_flat_map(|u| postal_address(Some(u))),
        0..=3,
    )
}

/// A useablePeriod with low, high or both.
fn period() -> impl Strategy<Value = Period> + Clone {
    prop_oneof![
        hl7_date().prop_map(|l| Period {
            low: Some(l),
            high: None
        }),
        hl7_date().prop_map(|h| Period {
            low: None,
            high: Some(h)
        }),
        (hl7_date(), hl7_date()).prop_map(|(l, h)| Period {
            low: Some(l),
            high: Some(h),
        }),
    ]
}

/// A patient telecom with use, value and up to two useable periods.
fn telecom() -> impl Strategy<Value = Telecom> + Clone {
    (
        option::weighted(0.9, telecom_use()),
        option::weighted(0.95, telecom_value()),
        prop::collection::vec(period(), 0..=2),
    )
        .prop_map(|(telecom_use, value, useable_periods)| Telecom {
            telecom_use,
            value,
            useable_periods,
        })
}

/// A GP practice: address (no use), WP telecom, organisation with ODS id and name.
fn gp_practice() -> impl Strategy<Value = GpPractice> + Clone {
    (
        option::weighted(0.8, postal_address(None)),
        option::weighted(
            0.8,
            (
                "0[0-9]{10}",
                option::weighted(0.3, prop::collection::vec(period(), 1..=1)),
            )
                .prop_map(|(n, periods)| Telecom {
                    telecom_use: Some("WP".to_owned()),
                    value: Some(format!("tel:{n}")),
                    useable_periods: periods.unwrap_or_default(),
                }),
        ),
        option::weighted(
            0.85,
            (
                option::weighted(
                    0.9,
                    ods_code().prop_map(|c| Identifier::new(ns::OID_ODS_CODE, c)),
                ),
                option::weighted(
                    0.9,
                    prop_oneof![Just("CAPELFIELD SURGERY".to_owned()), text(),],
                ),
            )
                .prop_map(|(id, name)| Organization { id, name }),
        ),
    )
        .prop_map(|(address, telecom, organization)| GpPractice {
            address,
            telecom,
            organization,
        })
}

/// patientPerson: gender, birth time, (partial) death time, GP practice.
fn patient_person() -> impl Strategy<Value = PatientPerson> + Clone {
    (
        option::weighted(0.9, gender()),
        option::weighted(0.9, hl7_timestamp()),
        option::weighted(0.4, hl7_date()),
        option::weighted(0.8, gp_practice()),
    )
        .prop_map(
            |(gender, birth_time, deceased_time, gp_practice)| PatientPerson {
                gender,
                birth_time,
                deceased_time,
                gp_practice,
            },
        )
}

/// A full getPatientDetails patient record.
pub(crate) fn patient_record() -> impl Strategy<Value = PatientRecord> + Clone {
    (
        patient_identifiers(),
        option::weighted(0.8, response_name()),
        patient_addresses(),
        prop::collection::vec(telecom(), 0..=3),
        option::weighted(0.8, patient_person()),
    )
        .prop_map(|(ids, name, addresses, telecoms, person)| PatientRecord {
            ids,
            name,
            addresses,
            telecoms,
            person,
        })
}

/// The body of a response of `kind`, full (with component/subject) or bare.
fn response_body(kind: ResponseKind, full: bool) -> BoxedStrategy<(String, PayloadBody)> {
    let codes = if full { SUCCESS_CODES } else { ERROR_CODES };
    let head = (upper_uuid(), select(codes)).prop_map(move |(id, code)| ResponseHead {
        id,
        code: CodedValue::new(kind.root(), ns::OID_MESSAGE_TYPE),
        response_code: CodedValue::new(code, ns::OID_PDS_RESPONSE_CODE),
    });
    let with_id = |head: ResponseHead, body: PayloadBody| (head.id.clone(), body);
    match kind {
        ResponseKind::VerifyNhsNumber => {
            let vi = (any::<bool>(), nhs_number()).prop_map(|(verified, n)| ValidIdentifier {
                verified,
                nhs_number: Identifier::nhs_number(n),
            });
            let vi = if full {
                vi.prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            (head, vi)
                .prop_map(move |(head, valid_identifier)| {
                    with_id(
                        head.clone(),
                        PayloadBody::VerifyNhsNumberResponse(VerifyNhsNumberResponse {
                            head,
                            valid_identifier,
                        }),
                    )
                })
                .boxed()
        }
        ResponseKind::GetNhsNumber => {
            let patient = if full {
                patient_identifiers().prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            (head, patient)
                .prop_map(move |(head, patient)| {
                    with_id(
                        head.clone(),
                        PayloadBody::GetNhsNumberResponse(GetNhsNumberResponse { head, patient }),
                    )
                })
                .boxed()
        }
        ResponseKind::GetPatientDetails => {
            let patient = if full {
                patient_record().prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            (head, patient)
                .prop_map(move |(head, patient)| {
                    with_id(
                        head.clone(),
                        PayloadBody::GetPatientDetailsResponse(GetPatientDetailsResponse {
                            head,
                            patient,
                        }),
                    )
                })
                .boxed()
        }
    }
}

/// A response envelope of `kind` for one of the operations it answers; the payload id reuses
/// the payload's own UUID, as the real service does.
pub(crate) fn response_envelope(kind: ResponseKind, full: bool) -> BoxedStrategy<Envelope> {
    select(operations_answered_by(kind))
        .prop_flat_map(move |op| {
            (
                Just(op),
                reply_header(op.response_service()),
                upper_uuid(),
                de_extras(false),
                response_body(kind, full),
            )
        })
        .prop_map(
            move |(op, header, tracking_id, extras, (payload_uuid, body))| Envelope {
                header,
                body: Body::DistributionEnvelope(distribution_envelope(
                    op.response_service(),
                    tracking_id,
                    &payload_uuid,
                    kind.profile(),
                    extras,
                    body,
                )),
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------

/// A SOAP fault with ITK ToolkitErrorInfo: all four fault codes and ITK error codes,
/// optional faultactor, codeSystem and ErrorDiagnosticText.
pub(crate) fn fault_envelope() -> BoxedStrategy<Envelope> {
    let code = select(vec![
        FaultCode::Client,
        FaultCode::Server,
        FaultCode::MustUnderstand,
        FaultCode::VersionMismatch,
    ]);
    let error_code = select(vec![
        ItkErrorCode::InvalidMessage,
        ItkErrorCode::RetryableProcessingError,
        ItkErrorCode::ProcessingError,
        ItkErrorCode::AccessDenied,
    ]);
    (
        code,
        error_code,
        prop_oneof![
            Just(
                "A client related error has occurred, see detail element for further information"
                    .to_owned()
            ),
            text(),
        ],
        option::weighted(
            0.4,
            select(&["http://itk.cfh.com/", "https://smsp.example.nhs.uk/pds"][..])
                .prop_map(str::to_owned),
        ),
        upper_uuid(),
        option::weighted(0.7, Just(ns::OID_ITK_ERROR_CODE.to_owned())),
        prop_oneof![
            Just("Invalid Message".to_owned()),
            Just("Access Denied".to_owned()),
            text(),
        ],
        option::of(text()),
        upper_uuid(),
        option::of(upper_uuid()),
    )
        .prop_map(
            |(
                code,
                error_code,
                string,
                actor,
                error_id,
                code_system,
                error_text,
                diagnostic_text,
                message_id,
                relates_to,
            )| {
                let action = if code == FaultCode::MustUnderstand {
                    ns::WSA_FAULT_ACTION
                } else {
                    ns::WSA_SOAP_FAULT_ACTION
                };
                Envelope {
                    header: SoapHeader {
                        addressing: Addressing {
                            message_id: Some(message_id),
                            action: Some(action.to_owned()),
                            relates_to,
                            ..Addressing::default()
                        },
                        security: None,
                        foreign_headers: Vec::new(),
                    },
                    body: Body::Fault(SoapFault {
                        code,
                        string,
                        actor,
                        detail: Some(ToolkitErrorInfo {
                            error_id,
                            error_code,
                            code_system,
                            error_text,
                            diagnostic_text,
                        }),
                    }),
                }
            },
        )
        .boxed()
}
