//! The two real OpenTest messages in ../shared/spec/examples parse, and rebuilt from the model
//! they are equivalent documents (same canonical form: namespaces, not prefixes; attribute
//! order, whitespace and comments aside).

use smsp_protocol::canonical::canonicalize;
use smsp_protocol::*;

fn example(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../shared/spec/examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn round_trip(name: &str) -> Envelope {
    let original = example(name);
    let parsed = parse_message(&original, None).expect("parses");
    assert!(
        parsed.notes.ignored_elements.is_empty(),
        "nothing skipped: {:?}",
        parsed.notes.ignored_elements
    );
    let rebuilt = to_xml(&parsed.envelope);
    assert_eq!(
        canonicalize(&original).unwrap(),
        canonicalize(rebuilt.as_bytes()).unwrap(),
        "rebuilt {name} differs from the original"
    );
    assert_eq!(parse_envelope(rebuilt.as_bytes()).unwrap(), parsed.envelope);
    parsed.envelope
}

#[test]
fn opentest_get_nhs_number_request_round_trips() {
    let env = round_trip("getNHSNumber-request.opentest.xml");
    assert_eq!(env.operation(), Some(Operation::GetNhsNumber));
    let r = env.pds_request().expect("a PDS request");
    assert_eq!(r.query.date_of_birth.as_ref().unwrap().value, "19770705");
    assert_eq!(
        r.query.name.as_ref().unwrap().value.family.as_deref(),
        Some("LAWALI")
    );
    assert_eq!(r.query.postcode.as_ref().unwrap().value, "SK8 5HS");
    let sec = env.header.security.as_ref().unwrap();
    assert_eq!(sec.username.as_deref(), Some("TKS Server test"));
}

#[test]
fn opentest_get_nhs_number_response_round_trips() {
    let env = round_trip("getNHSNumber-response.opentest.xml");
    let Some(PayloadBody::GetNhsNumberResponse(r)) = env.payload() else {
        panic!("a getNHSNumber response")
    };
    assert_eq!(r.head.response_code.code, "SMSP-0000");
    assert_eq!(
        r.patient.as_ref().unwrap().nhs_number.extension.as_deref(),
        Some("9473480032")
    );
}
