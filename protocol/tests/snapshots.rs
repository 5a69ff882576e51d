//! Snapshots of one built message of each kind, in the pretty form people read: the five
//! requests, three full responses, three bare error responses, a Client fault and a
//! MustUnderstand fault. Ids come from `SeededIds` and times from a `FixedClock`, so nothing
//! needs redacting. Every snapshot message also parses back to the model it was built from.
//!
//! Patient data is synthetic: NHS numbers from the 944 test range with correct check digits,
//! a made-up patient, and the public TKW test GP practice.
//!
//! Update with `INSTA_UPDATE=always cargo test -p smsp-protocol --test snapshots` (or
//! `cargo insta review`), then read the diff.

use smsp_protocol::messages::{self, ResponseContent, Sender};
use smsp_protocol::nhs_number::NhsNumber;
use smsp_protocol::*;
use time::macros::datetime;

const NHS_NUMBER: &str = "9449310467";
const DATE_OF_BIRTH: &str = "19750411";
const LOCAL_ID: &str = "RXX:00001";

fn clock() -> FixedClock {
    FixedClock::at(datetime!(2026-03-02 09:30:00 UTC))
}

fn sender() -> Sender {
    Sender {
        to: "https://192.168.54.6/smsp/pds".to_owned(),
        from: Some("192.168.54.7".to_owned()),
        username: "smsp-harness".to_owned(),
        audit_identity: vec![AuditIdentity {
            id_type: None,
            uri: Some("urn:nhs-uk:identity:ods:X09:SYS:SMSP".to_owned()),
        }],
        sender_address: Some("urn:nhs-uk:addressing:ods:X09:SMSP".to_owned()),
        timestamp_ttl_seconds: 300,
    }
}

fn dob() -> Option<QueryParam<String>> {
    Some(QueryParam::new(
        Parameter::DateOfBirth,
        DATE_OF_BIRTH.to_owned(),
    ))
}

fn nhs_number() -> Option<QueryParam<Identifier>> {
    Some(QueryParam::new(
        Parameter::NhsNumber,
        Identifier::nhs_number(NHS_NUMBER),
    ))
}

fn gender() -> Option<QueryParam<CodedValue>> {
    Some(QueryParam::new(
        Parameter::Gender,
        CodedValue::new("2", ns::OID_GENDER),
    ))
}

fn local_identifier() -> Identifier {
    Identifier::new(ns::OID_LOCAL_IDENTIFIER, LOCAL_ID)
}

fn name(name_use: Option<&str>) -> Option<QueryParam<PersonName>> {
    Some(QueryParam::new(
        Parameter::Name,
        PersonName {
            name_use: name_use.map(str::to_owned),
            prefix: None,
            given: vec!["JANE".to_owned()],
            family: Some("SMITH".to_owned()),
        },
    ))
}

fn postcode() -> Option<QueryParam<String>> {
    Some(QueryParam::new(Parameter::Postcode, "LS1 6AE".to_owned()))
}

fn request(op: Operation, query: TraceQuery) -> Envelope {
    messages::request(op, query, &sender(), &clock(), &SeededIds::new(1))
}

/// The MessageID of the request a response or fault answers.
fn request_message_id(op: Operation) -> String {
    let r = request(op, TraceQuery::default());
    r.header.addressing.message_id.expect("requests have ids")
}

fn response(op: Operation, content: ResponseContent) -> Envelope {
    messages::response(
        op,
        content,
        Some(&request_message_id(op)),
        &SeededIds::new(2),
    )
}

fn address(address_use: Option<&str>, postcode: &str, lines: [&str; 5]) -> PostalAddress {
    PostalAddress {
        address_use: address_use.map(str::to_owned),
        postal_code: Some(postcode.to_owned()),
        lines: lines.into_iter().map(str::to_owned).collect(),
    }
}

fn patient_record() -> PatientRecord {
    PatientRecord {
        ids: PatientIdentifiers {
            nhs_number: Identifier::nhs_number(NHS_NUMBER),
            local_identifier: Some(local_identifier()),
        },
        name: Some(PersonName {
            name_use: Some("L".to_owned()),
            prefix: Some("MRS".to_owned()),
            given: vec!["JANE".to_owned(), "ANNE".to_owned()],
            family: Some("SMITH".to_owned()),
        }),
        addresses: vec![
            address(
                Some("H"),
                "LS1 6AE",
                ["1 PARK ROW", "", "", "LEEDS", "WEST YORKSHIRE"],
            ),
            address(
                Some("TMP"),
                "LS6 2QB",
                ["FLAT 2", "14 HYDE PARK ROAD", "", "LEEDS", ""],
            ),
        ],
        telecoms: vec![
            Telecom {
                telecom_use: Some("H".to_owned()),
                value: Some("tel:01132974444".to_owned()),
                useable_periods: vec![Period {
                    low: Some("20110324".to_owned()),
                    high: None,
                }],
            },
            Telecom {
                telecom_use: Some("HP".to_owned()),
                value: Some("mailto:jane.smith@example.com".to_owned()),
                useable_periods: Vec::new(),
            },
        ],
        person: Some(PatientPerson {
            gender: Some(CodedValue::new("2", ns::OID_GENDER)),
            birth_time: Some(DATE_OF_BIRTH.to_owned()),
            deceased_time: None,
            gp_practice: Some(GpPractice {
                address: Some(address(
                    None,
                    "KT10 0EH",
                    ["ELM ROAD", "CLAYGATE", "", "ESHER", "SURREY"],
                )),
                telecom: Some(Telecom {
                    telecom_use: Some("WP".to_owned()),
                    value: Some("tel:01372462501".to_owned()),
                    useable_periods: Vec::new(),
                }),
                organization: Some(Organization {
                    id: Some(Identifier::new(ns::OID_ODS_CODE, "H81109")),
                    name: Some("CAPELFIELD SURGERY".to_owned()),
                }),
            }),
        }),
    }
}

/// Snapshots the pretty form and checks that both forms parse back to the same model,
/// with nothing noted.
fn check(name: &str, envelope: &Envelope) {
    let pretty = to_xml_with(envelope, &WriteOptions::pretty());
    insta::assert_snapshot!(name, pretty);
    for (form, xml) in [("pretty", pretty.clone()), ("compact", to_xml(envelope))] {
        let parsed = parse_message(xml.as_bytes(), None)
            .unwrap_or_else(|e| panic!("{name} ({form}) does not parse: {e}\n{xml}"));
        assert_eq!(
            &parsed.envelope, envelope,
            "{name} ({form}) parses to a different model"
        );
        assert_eq!(
            parsed.notes,
            ParseNotes::default(),
            "{name} ({form}) left parse notes"
        );
    }
}

#[test]
fn synthetic_nhs_number_passes_the_check() {
    assert!(NhsNumber::parse(NHS_NUMBER).is_ok());
}

#[test]
fn verify_nhs_number_request() {
    let env = request(
        Operation::VerifyNhsNumber,
        TraceQuery {
            date_of_birth: dob(),
            nhs_number: nhs_number(),
            name: name(None),
            ..TraceQuery::default()
        },
    );
    check("verify_nhs_number_request", &env);
}

#[test]
fn get_nhs_number_request() {
    let env = request(
        Operation::GetNhsNumber,
        TraceQuery {
            date_of_birth: dob(),
            gender: gender(),
            local_identifier: Some(QueryParam::new(
                Parameter::LocalIdentifier,
                local_identifier(),
            )),
            name: name(None),
            postcode: postcode(),
            ..TraceQuery::default()
        },
    );
    check("get_nhs_number_request", &env);
}

#[test]
fn get_patient_details_by_nhs_number_request() {
    let env = request(
        Operation::GetPatientDetailsByNhsNumber,
        TraceQuery {
            date_of_birth: dob(),
            local_identifier: Some(QueryParam::new(
                Parameter::LocalIdentifier,
                local_identifier(),
            )),
            nhs_number: nhs_number(),
            name: name(Some("L")),
            ..TraceQuery::default()
        },
    );
    check("get_patient_details_by_nhs_number_request", &env);
}

#[test]
fn get_patient_details_by_search_request() {
    let env = request(
        Operation::GetPatientDetailsBySearch,
        TraceQuery {
            date_of_birth: dob(),
            gender: gender(),
            name: name(None),
            postcode: postcode(),
            ..TraceQuery::default()
        },
    );
    check("get_patient_details_by_search_request", &env);
}

#[test]
fn get_patient_details_request() {
    let env = request(
        Operation::GetPatientDetails,
        TraceQuery {
            date_of_birth: dob(),
            nhs_number: nhs_number(),
            ..TraceQuery::default()
        },
    );
    check("get_patient_details_request", &env);
}

#[test]
fn verify_nhs_number_full_response() {
    let env = response(
        Operation::VerifyNhsNumber,
        ResponseContent::Verify {
            code: "SMSP-0000".to_owned(),
            valid_identifier: Some(ValidIdentifier {
                verified: true,
                nhs_number: Identifier::nhs_number(NHS_NUMBER),
            }),
        },
    );
    check("verify_nhs_number_full_response", &env);
}

#[test]
fn get_nhs_number_full_response() {
    let env = response(
        Operation::GetNhsNumber,
        ResponseContent::NhsNumber {
            code: "SMSP-0000".to_owned(),
            patient: Some(PatientIdentifiers {
                nhs_number: Identifier::nhs_number(NHS_NUMBER),
                local_identifier: Some(local_identifier()),
            }),
        },
    );
    check("get_nhs_number_full_response", &env);
}

#[test]
fn get_patient_details_full_response() {
    let env = response(
        Operation::GetPatientDetailsByNhsNumber,
        ResponseContent::PatientDetails {
            code: "SMSP-0000".to_owned(),
            patient: Some(Box::new(patient_record())),
        },
    );
    check("get_patient_details_full_response", &env);
}

#[test]
fn verify_nhs_number_bare_response() {
    let env = response(
        Operation::VerifyNhsNumber,
        ResponseContent::bare(Operation::VerifyNhsNumber, "DEMOG-0040"),
    );
    check("verify_nhs_number_bare_response", &env);
}

#[test]
fn get_nhs_number_bare_response() {
    let env = response(
        Operation::GetNhsNumber,
        ResponseContent::bare(Operation::GetNhsNumber, "DEMOG-0001"),
    );
    check("get_nhs_number_bare_response", &env);
}

#[test]
fn get_patient_details_bare_response() {
    let env = response(
        Operation::GetPatientDetailsBySearch,
        ResponseContent::bare(Operation::GetPatientDetailsBySearch, "DEMOG-0007"),
    );
    check("get_patient_details_bare_response", &env);
}

#[test]
fn client_fault() {
    let env = messages::fault(
        FaultCode::Client,
        ItkErrorCode::InvalidMessage,
        "Invalid Message",
        Some("wsa:To is missing from the SOAP header"),
        Some(&request_message_id(Operation::GetNhsNumber)),
        &SeededIds::new(3),
    );
    check("client_fault", &env);
}

#[test]
fn must_understand_fault() {
    let env = messages::fault(
        FaultCode::MustUnderstand,
        ItkErrorCode::InvalidMessage,
        "Invalid Message",
        Some("header {urn:example:ext}Trace has soap:mustUnderstand=\"1\" & is not understood"),
        Some(&request_message_id(Operation::VerifyNhsNumber)),
        &SeededIds::new(4),
    );
    check("must_understand_fault", &env);
}
