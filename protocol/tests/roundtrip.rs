//! Build → parse round trip: for every kind of message (five requests, three full responses,
//! three bare error responses, the fault) an arbitrary schema-valid model, written with
//! `to_xml` and read back with `parse_message`, is the same model, and the parser notes
//! nothing (no blank attribute, no skipped element). The pretty (indented) form reads back
//! to the same model too.

mod support;

use proptest::prelude::*;
use smsp_protocol::*;
use support::Kind;

/// Cases per kind: enough to reach every optional branch, few enough for a fast debug run.
const CASES: u32 = 128;

fn assert_round_trips(envelope: &Envelope) -> Result<(), TestCaseError> {
    for (form, xml) in [
        ("compact", to_xml(envelope)),
        ("pretty", to_xml_with(envelope, &WriteOptions::pretty())),
    ] {
        let parsed = parse_message(xml.as_bytes(), None)
            .map_err(|e| TestCaseError::fail(format!("{form} output refused: {e}\n{xml}")))?;
        prop_assert_eq!(
            &parsed.envelope,
            envelope,
            "{} output parses to a different model:\n{}",
            form,
            xml
        );
        prop_assert_eq!(
            &parsed.notes,
            &ParseNotes::default(),
            "{} output left parse notes:\n{}",
            form,
            xml
        );
    }
    Ok(())
}

macro_rules! round_trip_tests {
    ($($name:ident => $kind:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(CASES))]
            $(
                #[test]
                fn $name(envelope in support::envelope($kind)) {
                    assert_round_trips(&envelope)?;
                }
            )*
        }
    };
}

round_trip_tests! {
    verify_nhs_number_request => Kind::Request(Operation::VerifyNhsNumber);
    get_nhs_number_request => Kind::Request(Operation::GetNhsNumber);
    get_patient_details_by_nhs_number_request => Kind::Request(Operation::GetPatientDetailsByNhsNumber);
    get_patient_details_by_search_request => Kind::Request(Operation::GetPatientDetailsBySearch);
    get_patient_details_request => Kind::Request(Operation::GetPatientDetails);
    verify_nhs_number_full_response => Kind::FullResponse(ResponseKind::VerifyNhsNumber);
    get_nhs_number_full_response => Kind::FullResponse(ResponseKind::GetNhsNumber);
    get_patient_details_full_response => Kind::FullResponse(ResponseKind::GetPatientDetails);
    verify_nhs_number_bare_response => Kind::BareResponse(ResponseKind::VerifyNhsNumber);
    get_nhs_number_bare_response => Kind::BareResponse(ResponseKind::GetNhsNumber);
    get_patient_details_bare_response => Kind::BareResponse(ResponseKind::GetPatientDetails);
    fault => Kind::Fault;
}

#[test]
fn there_is_a_test_for_every_kind() {
    assert_eq!(support::Kind::all().len(), 12);
}
