//! Loads the official workbook and hand-made broken workbooks, checking the table and each error.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use smsp_response_codes::{
    LoadError, Lookup, Misplacement, ResponseCodeTable, SHEET_NAME, Service, oid,
};

fn official() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/SMSP Response Codes - v1.0.xlsx")
}

const HEADERS: [&str; 4] = [
    "GenericMiniServiceResponseCode \nOID: 2.16.840.1.113883.2.1.3.2.4.17.500",
    "CP-ISMiniServiceResponseCode  \nOID: 2.16.840.1.113883.2.1.3.2.4.17.499",
    "PDSMiniServiceResponseCode\nOID:2.16.840.1.113883.2.1.3.2.4.17.285",
    "SCRMiniServiceResponseCode   \nOID: 2.16.840.1.113883.2.1.3.2.4.17.506",
];

/// Writes a workbook with one sheet holding the given (row, col, text) cells.
fn write_workbook(path: &Path, sheet_name: &str, cells: &[(u32, u16, &str)]) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).unwrap();
    for (row, col, text) in cells {
        sheet.write_string(*row, *col, *text).unwrap();
    }
    workbook.save(path).unwrap();
}

/// Header row 8 (index 7) in columns B..E, like the official sheet, plus extra cells.
fn sheet_with_headers<'a>(extra: &[(u32, u16, &'a str)]) -> Vec<(u32, u16, &'a str)> {
    let mut cells: Vec<(u32, u16, &str)> = HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| (7, 1 + i as u16, *h))
        .collect();
    cells.extend_from_slice(extra);
    cells
}

#[test]
fn official_workbook_equals_embedded_table() {
    let loaded = ResponseCodeTable::load_xlsx(official()).expect("official workbook loads");
    let embedded = ResponseCodeTable::embedded();
    // Compare entry by entry first so a mismatch names the entry.
    for (l, e) in loaded.iter().zip(embedded.iter()) {
        assert_eq!(l, e);
    }
    assert_eq!(loaded.code_systems(), embedded.code_systems());
    assert_eq!(loaded, embedded);
}

#[test]
fn official_workbook_has_20_distinct_codes_and_25_entries() {
    let table = ResponseCodeTable::load_xlsx(official()).unwrap();
    let distinct: Vec<&str> = table.distinct_codes().iter().map(|d| d.code()).collect();
    assert_eq!(
        distinct,
        [
            "SMSP-0000",
            "SMSP-0001",
            "SMSP-0002",
            "SMSP-0003",
            "SMSP-0004",
            "SMSP-0005",
            "SMSP-9999",
            "CPIS-0001",
            "CPIS-9999",
            "DEMOG-0001",
            "DEMOG-0007",
            "DEMOG-0017",
            "DEMOG-0022",
            "DEMOG-0040",
            "DEMOG-0042",
            "DEMOG-9999",
            "SCR-0001",
            "SCR-0002",
            "SCR-0003",
            "SCR-0004",
        ]
    );
    assert_eq!(table.len(), 25);
    assert_eq!(table.codes_for(Service::Pds).count(), 12);
}

#[test]
fn embedded_table_facts() {
    let table = ResponseCodeTable::embedded();
    assert_eq!(table.distinct_codes().len(), 20);
    assert_eq!(table.oid_for(Service::Generic), Some(oid::GENERIC));
    assert_eq!(table.oid_for(Service::CpIs), Some(oid::CP_IS));
    assert_eq!(table.oid_for(Service::Pds), Some(oid::PDS));
    assert_eq!(table.oid_for(Service::Scr), Some(oid::SCR));
    assert_eq!(
        table.service_for_oid("2.16.840.1.113883.2.1.3.2.4.17.285"),
        Some(Service::Pds)
    );
    assert_eq!(
        table.get("DEMOG-0017").unwrap().description,
        "Superceding NHS number returned"
    );
    let scr = table.get("SCR-0002").unwrap();
    assert_eq!(scr.description, "RBAC Check Failed");
    assert!(
        scr.detail
            .as_deref()
            .unwrap()
            .ends_with("to query for a SCR.")
    );
    // SMSP-0001 is repeated in the PDS column; SMSP-0004 is not.
    let smsp1 = table
        .distinct_codes()
        .into_iter()
        .find(|d| d.code() == "SMSP-0001")
        .unwrap();
    assert_eq!(smsp1.services, [Service::Generic, Service::Pds]);
    assert_eq!(table.get("SMSP-0001").unwrap().service, Service::Generic);
}

#[test]
fn lookup_and_check_placement() {
    let table = ResponseCodeTable::embedded();
    match table.lookup("SMSP-0001", Service::Pds) {
        Lookup::Defined { entry, code_system } => {
            assert_eq!(entry.service, Service::Pds);
            assert_eq!(code_system.oid, oid::PDS);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        table.lookup("SMSP-0004", Service::Pds),
        Lookup::OtherServices {
            defined_under: vec![Service::Generic]
        }
    );
    assert_eq!(table.lookup("DEMOG-0099", Service::Pds), Lookup::Unknown);

    assert!(table.check("DEMOG-0017", Service::Pds, oid::PDS).is_ok());
    assert_eq!(
        table.check("DEMOG-0017", Service::Pds, oid::GENERIC),
        Err(Misplacement::WrongOid {
            code: "DEMOG-0017".into(),
            service: Service::Pds,
            expected: oid::PDS.into(),
            found: oid::GENERIC.into(),
        })
    );
    let err = table
        .check("DEMOG-0017", Service::Scr, oid::SCR)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "response code DEMOG-0017 is not defined under SCR (defined under PDS)"
    );
    assert!(matches!(
        table.check("NOPE-0001", Service::Pds, oid::PDS),
        Err(Misplacement::UnknownCode { .. })
    ));
}

#[test]
fn missing_file_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.xlsx");
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(matches!(err, LoadError::Unreadable { .. }), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()));
    // A directory is not readable as a file either.
    let err = ResponseCodeTable::load_xlsx(dir.path()).unwrap_err();
    assert!(matches!(err, LoadError::Unreadable { .. }), "{err:?}");
}

#[test]
fn truncated_official_workbook_is_corrupted() {
    let bytes = std::fs::read(official()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truncated.xlsx");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(matches!(err, LoadError::Corrupted { .. }), "{err:?}");
    assert_eq!(err.path(), path);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn random_bytes_are_corrupted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.xlsx");
    // Deterministic pseudo-random bytes (xorshift), so a failure reproduces.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect();
    std::fs::write(&path, bytes).unwrap();
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(matches!(err, LoadError::Corrupted { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn every_truncation_of_the_official_workbook_errors_without_panicking() {
    let bytes = std::fs::read(official()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.xlsx");
    for len in (0..bytes.len()).step_by(997) {
        std::fs::write(&path, &bytes[..len]).unwrap();
        assert!(ResponseCodeTable::load_xlsx(&path).is_err(), "len {len}");
    }
}

#[test]
fn workbook_without_the_sheet_names_the_expected_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet1.xlsx");
    write_workbook(&path, "Sheet1", &[(0, 0, "hello")]);
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    match &err {
        LoadError::MissingSheet {
            expected, found, ..
        } => {
            assert_eq!(expected, SHEET_NAME);
            assert_eq!(found, &["Sheet1"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("'Agreed Mini Service Repon Codes'"), "{msg}");
    assert!(msg.contains("'Sheet1'"), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
}

#[test]
fn bad_code_cell_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bogus.xlsx");
    let cells = sheet_with_headers(&[(8, 1, "SMSP-0000 Success"), (9, 3, "BOGUS code")]);
    write_workbook(&path, SHEET_NAME, &cells);
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    match &err {
        LoadError::BadCode { cell, value, .. } => {
            assert_eq!(cell, "D10");
            assert_eq!(value, "BOGUS code");
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("cell D10"), "{msg}");
    assert!(msg.contains(SHEET_NAME), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
}

#[test]
fn tolerates_blank_cells_trailing_spaces_and_other_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.xlsx");
    let cells = sheet_with_headers(&[
        (1, 0, "KEY:"),
        (8, 1, "SMSP-0000 Success   "),
        (8, 3, "DEMOG-0001 No Match "),
        (8, 5, "not under any header"),
        (9, 3, "   "),
        (12, 3, "SMSP-0000 Success"),
        (10, 4, "SCR-0001 - User Not Authorised\nLong text\n"),
    ]);
    write_workbook(&path, SHEET_NAME, &cells);
    let table = ResponseCodeTable::load_xlsx(&path).unwrap();
    let got: Vec<(&str, Service, &str)> = table
        .iter()
        .map(|e| (e.code.as_str(), e.service, e.description.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("SMSP-0000", Service::Generic, "Success"),
            ("DEMOG-0001", Service::Pds, "No Match"),
            ("SMSP-0000", Service::Pds, "Success"),
            ("SCR-0001", Service::Scr, "User Not Authorised"),
        ]
    );
    assert_eq!(
        table.get("SCR-0001").unwrap().detail.as_deref(),
        Some("Long text")
    );
    assert_eq!(table.distinct_codes().len(), 3);
}

#[test]
fn header_errors_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.xlsx");

    write_workbook(&path, SHEET_NAME, &[(8, 1, "SMSP-0000 Success")]);
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(matches!(err, LoadError::HeaderNotFound { .. }), "{err:?}");

    write_workbook(
        &path,
        SHEET_NAME,
        &[(7, 2, "PDSMiniServiceResponseCode\nOID: 2.16.x")],
    );
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    match &err {
        LoadError::BadOid { cell, oid, .. } => {
            assert_eq!(cell, "C8");
            assert_eq!(oid, "2.16.x");
        }
        other => panic!("unexpected {other:?}"),
    }

    write_workbook(
        &path,
        SHEET_NAME,
        &[(7, 2, "ACSMiniServiceResponseCode\nOID: 1.2.3")],
    );
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(
        matches!(err, LoadError::UnknownCodeSystem { ref cell, .. } if cell == "C8"),
        "{err:?}"
    );

    write_workbook(&path, SHEET_NAME, &[(7, 2, HEADERS[2]), (7, 3, HEADERS[2])]);
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(
        matches!(err, LoadError::DuplicateCodeSystem { ref first, .. } if first == "C8"),
        "{err:?}"
    );

    write_workbook(&path, SHEET_NAME, &[(7, 2, HEADERS[2])]);
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(matches!(err, LoadError::NoCodes { .. }), "{err:?}");
}

#[test]
fn duplicate_code_in_one_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.xlsx");
    let cells = sheet_with_headers(&[(8, 3, "DEMOG-0001 No Match"), (10, 3, "DEMOG-0001 Again")]);
    write_workbook(&path, SHEET_NAME, &cells);
    let err = ResponseCodeTable::load_xlsx(&path).unwrap_err();
    assert!(
        matches!(err, LoadError::DuplicateCode { ref cell, ref first, .. } if cell == "D11" && first == "D9"),
        "{err:?}"
    );
}
