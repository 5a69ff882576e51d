//! Parsing a getPatientDetails request and building a full getPatientDetailsResponse, each
//! beside a baseline measured in the same run, so figures can be read as ratios:
//! - parse baseline: tokenising the same bytes with quick-xml and doing nothing else (the
//!   floor for any parser built on it);
//! - build baseline: copying the finished response bytes into a fresh `String` (the floor for
//!   any builder that produces them).
//!
//! `bash bench/protocol.sh` runs this and prints the ratios.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use smsp_protocol::messages::{ResponseContent, Sender, request, response};
use smsp_protocol::*;

fn get_patient_details_request() -> Vec<u8> {
    let query = TraceQuery {
        date_of_birth: Some(QueryParam::new(
            Parameter::DateOfBirth,
            "19770705".to_owned(),
        )),
        gender: Some(QueryParam::new(
            Parameter::Gender,
            CodedValue::new("2", ns::OID_GENDER),
        )),
        local_identifier: Some(QueryParam::new(
            Parameter::LocalIdentifier,
            Identifier::new(ns::OID_LOCAL_IDENTIFIER, "RXX:00001"),
        )),
        nhs_number: None,
        name: Some(QueryParam::new(
            Parameter::Name,
            PersonName {
                given: vec!["LILITH".to_owned()],
                family: Some("LAWALI".to_owned()),
                ..PersonName::default()
            },
        )),
        postcode: Some(QueryParam::new(Parameter::Postcode, "SK8 5HS".to_owned())),
    };
    let clock = FixedClock::at(time::macros::datetime!(2026-11-21 10:00:00 UTC));
    let ids = SeededIds::new(1);
    let env = request(
        Operation::GetPatientDetails,
        query,
        &Sender::default(),
        &clock,
        &ids,
    );
    to_xml(&env).into_bytes()
}

fn full_record() -> PatientRecord {
    let address = |use_: &str, lines: [&str; 5], postcode: &str| PostalAddress {
        address_use: Some(use_.to_owned()),
        postal_code: Some(postcode.to_owned()),
        lines: lines.iter().map(|s| (*s).to_owned()).collect(),
    };
    PatientRecord {
        ids: PatientIdentifiers {
            nhs_number: Identifier::nhs_number("9449310580"),
            local_identifier: Some(Identifier::new(ns::OID_LOCAL_IDENTIFIER, "RXX:00001")),
        },
        name: Some(PersonName {
            name_use: Some("L".to_owned()),
            prefix: Some("MRS".to_owned()),
            given: vec!["LILITH".to_owned(), "ANNE".to_owned()],
            family: Some("LAWALI".to_owned()),
        }),
        addresses: vec![
            address(
                "H",
                ["1 ELM ROAD", "", "CLAYGATE", "ESHER", "SURREY"],
                "KT10 0EH",
            ),
            address(
                "TMP",
                ["FLAT 2", "3 HIGH STREET", "", "LEEDS", ""],
                "LS1 4HY",
            ),
            address("PST", ["PO BOX 12", "", "", "LEEDS", ""], "LS1 1AA"),
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
                value: Some("mailto:lilith@example.org".to_owned()),
                useable_periods: Vec::new(),
            },
        ],
        person: Some(PatientPerson {
            gender: Some(CodedValue::new("2", ns::OID_GENDER)),
            birth_time: Some("19770705".to_owned()),
            deceased_time: None,
            gp_practice: Some(GpPractice {
                address: Some(PostalAddress {
                    address_use: None,
                    postal_code: Some("KT10 0EH".to_owned()),
                    lines: ["ELM ROAD", "CLAYGATE", "", "ESHER", "SURREY"]
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect(),
                }),
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

fn benches(c: &mut Criterion) {
    let req = get_patient_details_request();
    let mut group = c.benchmark_group("parse");
    group.bench_function("getPatientDetails_request", |b| {
        b.iter(|| parse_message(black_box(&req), None).expect("parses"))
    });
    group.bench_function("baseline_quick_xml_tokenise", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&req)).expect("utf-8");
            let mut reader = quick_xml::reader::NsReader::from_str(text);
            let mut n = 0usize;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => n += 1,
                    Err(e) => panic!("{e}"),
                }
            }
            n
        })
    });
    group.finish();

    let ids = SeededIds::new(2);
    let env = response(
        Operation::GetPatientDetailsBySearch,
        ResponseContent::PatientDetails {
            code: "SMSP-0000".to_owned(),
            patient: Some(Box::new(full_record())),
        },
        None,
        &ids,
    );
    let built = to_xml(&env);
    let mut group = c.benchmark_group("build");
    group.bench_function("getPatientDetailsResponse_full", |b| {
        b.iter(|| to_xml(black_box(&env)))
    });
    group.bench_function("baseline_copy_bytes", |b| {
        b.iter(|| {
            let mut s = String::with_capacity(2048);
            s.push_str(black_box(&built));
            s
        })
    });
    group.finish();
}

criterion_group!(protocol, benches);
criterion_main!(protocol);
