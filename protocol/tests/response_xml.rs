//! `messages::response_xml`, which the simulator answers with, writes the very bytes that
//! `to_xml_with` writes for the envelope `messages::response` builds: for every operation's
//! response, full and bare, with and without RelatesTo, compact and pretty, from the same ids.

mod support;

use proptest::prelude::*;
use smsp_protocol::messages::{self, ResponseContent};
use smsp_protocol::*;

/// What a response of `op`'s kind carries: its body when `full`, else the bare form.
fn content(
    op: Operation,
    full: bool,
    code: &str,
    valid_identifier: ValidIdentifier,
    identifiers: PatientIdentifiers,
    record: PatientRecord,
) -> ResponseContent {
    if !full {
        return ResponseContent::bare(op, code);
    }
    let code = code.to_owned();
    match op.response_kind() {
        ResponseKind::VerifyNhsNumber => ResponseContent::Verify {
            code,
            valid_identifier: Some(valid_identifier),
        },
        ResponseKind::GetNhsNumber => ResponseContent::NhsNumber {
            code,
            patient: Some(identifiers),
        },
        ResponseKind::GetPatientDetails => ResponseContent::PatientDetails {
            code,
            patient: Some(Box::new(record)),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn response_xml_writes_the_response_envelope(
        op in proptest::sample::select(&Operation::ALL[..]),
        full in any::<bool>(),
        code in proptest::sample::select(&["SMSP-0000", "DEMOG-0001", "DEMOG-0017"][..]),
        nhs_number in support::nhs_number(),
        identifiers in support::patient_identifiers(),
        record in support::patient_record(),
        relates_to in proptest::option::of(support::upper_uuid()),
        pretty in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let valid_identifier = ValidIdentifier {
            verified: true,
            nhs_number: Identifier::nhs_number(nhs_number),
        };
        let content = content(op, full, code, valid_identifier, identifiers, record);
        let options = if pretty { WriteOptions::pretty() } else { WriteOptions::default() };
        let relates_to = relates_to.as_deref();
        let built = messages::response(op, content.clone(), relates_to, &SeededIds::new(seed));
        let expected = to_xml_with(&built, &options);
        let written =
            messages::response_xml(op, content, relates_to, &SeededIds::new(seed), &options);
        prop_assert_eq!(written, expected);
    }
}
