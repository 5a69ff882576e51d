//! Which response codes each PDS operation may return (SPEC.md §5.3).
//!
//! Every operation may return the generic codes (SMSP-0000 to SMSP-0005 and SMSP-9999) and
//! DEMOG-9999. The business codes follow from what the operation is given: a number to check
//! (DEMOG-0017/0022/0040/0042 make sense), demographics to trace (DEMOG-0001/0007), or both.
//! getNHSNumber may also say 0017 or 0022 when the one record its trace found is superseded or
//! invalidated.

use smsp_protocol::Operation;

/// Codes every PDS operation may return.
const GENERIC: [&str; 8] = [
    "SMSP-0000",
    "SMSP-0001",
    "SMSP-0002",
    "SMSP-0003",
    "SMSP-0004",
    "SMSP-0005",
    "SMSP-9999",
    "DEMOG-9999",
];

/// The business codes `operation` may return besides [`GENERIC`].
fn business_codes(operation: Operation) -> &'static [&'static str] {
    match operation {
        Operation::VerifyNhsNumber | Operation::GetPatientDetailsByNhsNumber => &[
            "DEMOG-0001",
            "DEMOG-0017",
            "DEMOG-0022",
            "DEMOG-0040",
            "DEMOG-0042",
        ],
        Operation::GetNhsNumber => &["DEMOG-0001", "DEMOG-0007", "DEMOG-0017", "DEMOG-0022"],
        Operation::GetPatientDetailsBySearch => {
            &["DEMOG-0001", "DEMOG-0007", "DEMOG-0017", "DEMOG-0022"]
        }
        Operation::GetPatientDetails => &[
            "DEMOG-0001",
            "DEMOG-0007",
            "DEMOG-0017",
            "DEMOG-0022",
            "DEMOG-0040",
            "DEMOG-0042",
        ],
    }
}

/// Whether `operation` may return `code`.
pub fn may_return(operation: Operation, code: &str) -> bool {
    GENERIC.contains(&code) || business_codes(operation).contains(&code)
}

/// Every code `operation` may return, generic codes first.
pub fn codes_for(operation: Operation) -> Vec<&'static str> {
    GENERIC
        .iter()
        .chain(business_codes(operation))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_cannot_say_not_verified_but_verify_can() {
        assert!(!may_return(
            Operation::GetPatientDetailsBySearch,
            "DEMOG-0040"
        ));
        assert!(may_return(Operation::VerifyNhsNumber, "DEMOG-0040"));
        assert!(!may_return(Operation::VerifyNhsNumber, "DEMOG-0007"));
        assert!(may_return(Operation::GetPatientDetails, "DEMOG-0007"));
        assert!(may_return(Operation::GetNhsNumber, "SMSP-0004"));
        assert!(!may_return(Operation::GetNhsNumber, "CPIS-0001"));
    }
}
