//! The engine's decisions, through its public interface, without sockets: PDS semantics,
//! rule precedence, counters, faults and the journal.

use std::sync::Arc;

use bytes::Bytes;
use smsp_protocol::messages::{self, Sender};
use smsp_protocol::{
    CodedValue, Identifier, Operation, Parameter, PersonName, QueryParam, SeededIds, SystemClock,
    TraceQuery, parse_message, to_xml,
};
use smsp_simulator::engine::{Delivery, Engine, EngineConfig, Inbound, Reply};
use smsp_simulator::journal::{AnswerKind, Journal};
use smsp_simulator::scenario::{LoadedRule, Scenario, ScenarioFile};

const YAML: &str = r#"
rules:
  - name: busy-then-normal
    when: { surname: RETRY }
    sequence: [ { busy: true }, { busy: true } ]
  - when: { nhs_number: "9990000042" }
    then: { code: SMSP-9999 }
  - when: { surname: DOWN }
    then: { spine_unavailable: down }
  - when: { surname: CACHED }
    then: { spine_unavailable: cached }
  - when: { surname: ONCE }
    times: 1
    then: { fault: { kind: "2100" } }
patients:
  - nhs_number: "9000000009"
    name: { title: MR, given: [JOHN, PAUL], family: SMITH }
    gender: male
    birth_date: "19800101"
    addresses: [ { use: H, lines: ["1 HIGH ST", "", "LEEDS"], postcode: LS1 1AA } ]
    gp_practice: { ods_code: H81109, name: CAPELFIELD SURGERY }
  - nhs_number: "9000000017"
    name: { given: [ANNE], family: DOUBLE }
    gender: female
    birth_date: "19700101"
    addresses: [ { postcode: KT10 0NW } ]
  - nhs_number: "9000000025"
    name: { given: [BETH], family: DOUBLE }
    gender: female
    birth_date: "19700101"
    addresses: [ { postcode: KT10 0HW } ]
  - nhs_number: "9000000033"
    name: { given: [OLD], family: MERGED }
    gender: male
    birth_date: "19600101"
    superseded_by: "9000000009"
  - nhs_number: "9000000041"
    name: { family: GONE }
    gender: male
    birth_date: "19500101"
    invalidated: true
  - nhs_number: "9000000068"
    name: { given: [SECRET], family: HIDDEN }
    gender: female
    birth_date: "19900101"
    sensitive: true
    addresses: [ { lines: ["X"], postcode: LS2 2BB } ]
  - nhs_number: "9000000076"
    name: { given: [CACHED], family: CACHED }
    gender: female
    birth_date: "19910101"
"#;

fn engine() -> Engine {
    let file: ScenarioFile = yaml_serde::from_str(YAML).expect("test scenario parses");
    let scenario = Scenario {
        rules: file
            .rules
            .into_iter()
            .enumerate()
            .map(|(i, rule)| LoadedRule {
                rule,
                origin: format!("test#rules[{i}]"),
            })
            .collect(),
        patients: file.patients,
        ..Scenario::default()
    };
    Engine::new(
        scenario,
        Journal::in_memory(100),
        Arc::new(SystemClock),
        Arc::new(SeededIds::new(7)),
        EngineConfig::default(),
    )
}

fn send(engine: &Engine, op: Operation, query: TraceQuery) -> Reply {
    let ids = SeededIds::new(1);
    let envelope = messages::request(op, query, &Sender::default(), &SystemClock, &ids);
    engine.handle(Inbound {
        body: Bytes::from(to_xml(&envelope)),
        content_type: Some("text/xml".to_owned()),
        soap_action: Some(op.service().to_owned()),
        peer: None,
        client: None,
    })
}

fn code_of(reply: &Reply) -> String {
    let Delivery::Http { status, body, .. } = &reply.delivery else {
        panic!("expected HTTP, got {:?}", reply.delivery);
    };
    let parsed = parse_message(body, None).expect("response parses");
    match parsed.envelope.response_head() {
        Some(head) => {
            assert_eq!(*status, 200);
            head.response_code.code.clone()
        }
        None => {
            assert_eq!(*status, 500);
            let fault = parsed.envelope.fault().expect("a fault");
            format!(
                "fault {} {}",
                fault.code.local_name(),
                fault
                    .detail
                    .as_ref()
                    .map(|d| d.error_code.as_str().to_owned())
                    .unwrap_or_default()
            )
        }
    }
}

fn verify(nhs: &str, dob: &str) -> TraceQuery {
    TraceQuery {
        nhs_number: Some(QueryParam::new(
            Parameter::NhsNumber,
            Identifier::nhs_number(nhs),
        )),
        date_of_birth: Some(QueryParam::new(Parameter::DateOfBirth, dob.to_owned())),
        ..TraceQuery::default()
    }
}

fn trace(
    surname: &str,
    given: Option<&str>,
    gender: &str,
    dob: &str,
    postcode: Option<&str>,
) -> TraceQuery {
    TraceQuery {
        date_of_birth: Some(QueryParam::new(Parameter::DateOfBirth, dob.to_owned())),
        gender: Some(QueryParam::new(
            Parameter::Gender,
            CodedValue::new(gender, smsp_protocol::ns::OID_GENDER),
        )),
        name: Some(QueryParam::new(
            Parameter::Name,
            PersonName {
                given: given.map(|g| vec![g.to_owned()]).unwrap_or_default(),
                family: Some(surname.to_owned()),
                ..PersonName::default()
            },
        )),
        postcode: postcode.map(|p| QueryParam::new(Parameter::Postcode, p.to_owned())),
        ..TraceQuery::default()
    }
}

#[test]
fn cross_checks() {
    let e = engine();
    let op = Operation::VerifyNhsNumber;
    assert_eq!(
        code_of(&send(&e, op, verify("9000000009", "19800101"))),
        "SMSP-0000"
    );
    assert_eq!(
        code_of(&send(&e, op, verify("9000000009", "19800102"))),
        "DEMOG-0040"
    );
    assert_eq!(
        code_of(&send(&e, op, verify("9000000092", "19800101"))),
        "DEMOG-0001"
    );
    assert_eq!(
        code_of(&send(&e, op, verify("900000000", "19800101"))),
        "DEMOG-0042"
    );
    assert_eq!(
        code_of(&send(&e, op, verify("9000000033", "19600101"))),
        "DEMOG-0017"
    );
    assert_eq!(
        code_of(&send(&e, op, verify("9000000041", "19500101"))),
        "DEMOG-0022"
    );
    // A partial date is refused in a cross-check (SMSP-0001 from the checker).
    assert_eq!(
        code_of(&send(&e, op, verify("9000000009", "1980"))),
        "SMSP-0001"
    );
}

#[test]
fn traces() {
    let e = engine();
    let op = Operation::GetNhsNumber;
    assert_eq!(
        code_of(&send(&e, op, trace("SMITH", None, "1", "19800101", None))),
        "SMSP-0000"
    );
    assert_eq!(
        code_of(&send(&e, op, trace("SM*", None, "1", "1980", None))),
        "SMSP-0000"
    );
    assert_eq!(
        code_of(&send(&e, op, trace("DOUBLE", None, "2", "19700101", None))),
        "DEMOG-0007"
    );
    assert_eq!(
        code_of(&send(
            &e,
            op,
            trace("DOUBLE", Some("ANNE"), "2", "19700101", None)
        )),
        "SMSP-0000"
    );
    assert_eq!(
        code_of(&send(
            &e,
            op,
            trace("DOUBLE", None, "2", "19700101", Some("KT10 0HW"))
        )),
        "SMSP-0000"
    );
    assert_eq!(
        code_of(&send(&e, op, trace("NOBODY", None, "2", "19700101", None))),
        "DEMOG-0001"
    );
    assert_eq!(
        code_of(&send(&e, op, trace("MERGED", None, "1", "19600101", None))),
        "DEMOG-0017"
    );
    // Gender code 3 is content the schema refuses: SMSP-0001 with HTTP 200.
    assert_eq!(
        code_of(&send(&e, op, trace("SMITH", None, "3", "19800101", None))),
        "SMSP-0001"
    );
}

#[test]
fn details_are_shaped() {
    let e = engine();
    let reply = send(
        &e,
        Operation::GetPatientDetailsBySearch,
        trace("HIDDEN", None, "2", "19900101", None),
    );
    let Delivery::Http { body, .. } = &reply.delivery else {
        panic!()
    };
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.contains("SMSP-0000"), "{text}");
    assert!(
        !text.contains("<addr"),
        "sensitive record withholds addresses: {text}"
    );
    let reply = send(
        &e,
        Operation::GetPatientDetailsByNhsNumber,
        verify("9000000009", "19800101"),
    );
    let Delivery::Http { body, .. } = &reply.delivery else {
        panic!()
    };
    let text = std::str::from_utf8(body).unwrap();
    assert!(
        text.contains("<given>JOHN</given>")
            && !text.contains("PAUL")
            && !text.contains("<prefix>"),
        "{text}"
    );
    assert_eq!(text.matches("<streetAddressLine").count(), 5, "{text}");
}

#[test]
fn rules_take_precedence_and_count() {
    let e = engine();
    let op = Operation::GetNhsNumber;
    let busy = |r: &Reply| matches!(&r.delivery, Delivery::Http { status: 503, .. });
    assert!(busy(&send(
        &e,
        op,
        trace("RETRY", None, "1", "19800101", None)
    )));
    assert!(busy(&send(
        &e,
        op,
        trace("RETRY", None, "1", "19800101", None)
    )));
    assert_eq!(
        code_of(&send(&e, op, trace("RETRY", None, "1", "19800101", None))),
        "DEMOG-0001"
    );
    e.reset();
    assert!(busy(&send(
        &e,
        op,
        trace("RETRY", None, "1", "19800101", None)
    )));
    assert_eq!(
        code_of(&send(&e, op, trace("DOWN", None, "1", "19800101", None))),
        "SMSP-0004"
    );
    assert_eq!(
        code_of(&send(&e, op, trace("CACHED", None, "2", "19910101", None))),
        "SMSP-0003"
    );
    assert_eq!(
        code_of(&send(&e, op, trace("ONCE", None, "2", "19910101", None))),
        "fault Server 2100"
    );
    assert_eq!(
        code_of(&send(&e, op, trace("ONCE", None, "2", "19910101", None))),
        "DEMOG-0001"
    );
    assert_eq!(
        code_of(&send(
            &e,
            Operation::VerifyNhsNumber,
            verify("9990000042", "19800101")
        )),
        "SMSP-9999"
    );
}

#[test]
fn envelope_defects_are_faults_and_journaled() {
    let e = engine();
    let reply = e.handle(Inbound {
        body: Bytes::from_static(b"<not-soap/>"),
        content_type: Some("text/xml".to_owned()),
        soap_action: None,
        peer: None,
        client: None,
    });
    assert_eq!(code_of(&reply), "fault Client 1000");
    let soap12 =
        br#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#;
    let reply = e.handle(Inbound {
        body: Bytes::from_static(soap12),
        content_type: Some("application/soap+xml".to_owned()),
        soap_action: None,
        peer: None,
        client: None,
    });
    assert_eq!(code_of(&reply), "fault VersionMismatch 1000");
    let journal = e.journal().exchanges();
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[0].answer.kind, AnswerKind::Fault);
    assert_eq!(journal[0].answer.http_status, Some(500));
}
