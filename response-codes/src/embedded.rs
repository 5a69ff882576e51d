//! The default response-code table, written by hand from SPEC §5.2 so the tools work without the
//! official workbook. Wording follows the spreadsheet exactly (including its "Superceding"), because a
//! test asserts that loading the official workbook gives this very table.

use crate::{CodeSystem, ResponseCode, ResponseCodeTable, Service};

/// (code, description, detail) per service column, in spreadsheet row order.
type Column = &'static [(&'static str, &'static str, Option<&'static str>)];

const GENERIC: Column = &[
    ("SMSP-0000", "Success", None),
    ("SMSP-0001", "Input message validation error", None),
    ("SMSP-0002", "Response message validation error", None),
    (
        "SMSP-0003",
        "Data returned from local store, Spine unavailable",
        None,
    ),
    ("SMSP-0004", "Could not connect to Spine", None),
    ("SMSP-0005", "Author Credentials Error", None),
    (
        "SMSP-9999",
        "Generic Spine Mini Service Provider software failure",
        None,
    ),
];

const CP_IS: Column = &[
    ("CPIS-0001", "No Match", None),
    ("CPIS-9999", "Generic CP-IS Service Errors", None),
];

/// The PDS column repeats SMSP-0000..0003 and SMSP-9999 (not 0004/0005) for backward compatibility
/// with the OID the PDS mini service originally used.
const PDS: Column = &[
    ("DEMOG-0001", "No Match", None),
    ("DEMOG-0007", "Multiple matches found", None),
    ("DEMOG-0017", "Superceding NHS number returned", None),
    (
        "DEMOG-0022",
        "NHS Number of response record has been invalidated",
        None,
    ),
    ("DEMOG-0040", "NHS number not verified", None),
    ("DEMOG-0042", "NHS Number is not a new style number", None),
    ("DEMOG-9999", "Generic Spine Service Errors", None),
    ("SMSP-0000", "Success", None),
    ("SMSP-0001", "Input message validation error", None),
    ("SMSP-0002", "Response message validation error", None),
    (
        "SMSP-0003",
        "Data returned from local store, Spine unavailable",
        None,
    ),
    (
        "SMSP-9999",
        "Generic Spine Mini Service Provider software failure",
        None,
    ),
];

/// SCR cells carry a title and a longer explanation. Note the TKW SCR templates number these
/// differently (SPEC §5.2 CONFLICT); the spreadsheet is the source of truth here.
const SCR: Column = &[
    (
        "SCR-0001",
        "User Not Authorised",
        Some(
            "The user identified in the request has not been authorised, their SDS User Identity \
             is not present in the appropriate configuration item",
        ),
    ),
    (
        "SCR-0002",
        "RBAC Check Failed",
        Some(
            "The user identified in the request does not have appropriate Spine RBAC to query \
             for a SCR.",
        ),
    ),
    (
        "SCR-0003",
        "ACS Check Failed",
        Some(
            "The patient identified in the request has not given Spine Access Control Services \
             consent.",
        ),
    ),
    (
        "SCR-0004",
        "PTV Check Failed",
        Some(
            "There is no valid recorded permission to view between the patient identified in the \
             request and the user.",
        ),
    ),
];

/// Builds the embedded table.
pub(crate) fn table() -> ResponseCodeTable {
    let columns = [
        (Service::Generic, GENERIC),
        (Service::CpIs, CP_IS),
        (Service::Pds, PDS),
        (Service::Scr, SCR),
    ];
    let code_systems = columns
        .iter()
        .map(|(service, _)| CodeSystem {
            service: *service,
            oid: service.official_oid().to_owned(),
        })
        .collect();
    let entries = columns
        .iter()
        .flat_map(|(service, rows)| {
            rows.iter().map(|(code, description, detail)| ResponseCode {
                code: (*code).to_owned(),
                service: *service,
                description: (*description).to_owned(),
                detail: detail.map(str::to_owned),
            })
        })
        .collect();
    ResponseCodeTable::from_parts(code_systems, entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::is_valid_code;

    #[test]
    fn embedded_codes_are_well_formed_and_unique_per_column() {
        let table = table();
        for e in &table {
            assert!(is_valid_code(&e.code), "{}", e.code);
            assert_eq!(e.description.trim(), e.description);
            assert_eq!(
                table
                    .entries_for(&e.code)
                    .filter(|x| x.service == e.service)
                    .count(),
                1
            );
        }
        assert_eq!(table.len(), 25);
    }
}
