//! The TOM evidence pack: the workbook read back with calamine (cover, sheets 9a and 9b), every
//! requirement of NHS England's requirement lists and checklist laid out, byte-identical
//! re-renders, the checklist loader's errors, requirement-id spelling, the run-record contract,
//! and the HTML report's TOM section.

mod common;

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;
use smsp_reports::{
    Compliance, DirEvidence, MANIFEST_PATH, Obligation, RunRecord, TOM_XLSX, TomAssessment,
    TomError, TomSection, TomSheet, builtin_requirements, load_tom_checklist,
    normalise_requirement_id, render_html, render_tom_xlsx, verify_evidence, write_reports,
};

/// The official material, outside the repository.
fn spec_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/spec")
        .join(name)
}

fn checklist_path() -> PathBuf {
    spec_file("Target Operating Model - Spine Mini Services - Self-Evaluation Checklist v0.10.xls")
}

fn assessment(id: &str, status: Compliance, evidence: &[&str], notes: &str) -> TomAssessment {
    TomAssessment {
        id: id.to_owned(),
        status,
        evidence: evidence.iter().map(|s| (*s).to_owned()).collect(),
        notes: notes.to_owned(),
    }
}

/// The fixture record with the built-in requirement rows and a few assessments: one of each
/// status, one spelled the requirement-list way, and one naming no requirement.
fn record_with_tom() -> RunRecord {
    let mut record = common::record(&mut Vec::new());
    record.tom = Some(TomSection {
        assessments: vec![
            assessment(
                "MSCA-AUD-04",
                Compliance::Yes,
                &[
                    "PDS-VER-001",
                    "5C7A1C7E-0B0F-4F27-9B7B-3E9A0E1D4F10",
                    "evidence/PDS-VER-001/request.xml",
                ],
                "every request carried an audit identity",
            ),
            assessment(
                "MSCA-AUD-07",
                Compliance::No,
                &["PDS-VER-002"],
                "wsu:Created had no time zone",
            ),
            assessment(
                "MSCA_IG_005",
                Compliance::Partial,
                &[],
                "hosting statement seen, IGSoC not",
            ),
            assessment(
                "MSCA-PDS-07",
                Compliance::NotApplicable,
                &[],
                "the client never sends wildcards",
            ),
            assessment("MSCA-XYZ-99", Compliance::Yes, &["PDS-VER-001"], "stray"),
        ],
        ..TomSection::builtin()
    });
    record
}

/// Every row of a sheet of an xlsx workbook, cells as text (numbers as written by calamine).
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut workbook = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a readable xlsx");
    let range = workbook.worksheet_range(name).expect(name);
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    Xlsx::new(Cursor::new(bytes.to_vec()))
        .unwrap()
        .sheet_names()
}

/// The value beside the first cell in column A that says `label`.
fn beside<'a>(rows: &'a [Vec<String>], label: &str) -> &'a str {
    rows.iter()
        .find(|row| row[0] == label)
        .unwrap_or_else(|| panic!("no {label:?} on the cover"))[1]
        .as_str()
}

/// The requirement row with `id` in column A.
fn row<'a>(rows: &'a [Vec<String>], id: &str) -> &'a [String] {
    rows.iter()
        .find(|row| row[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

/// The ids in column `requirement` of one of NHS England's requirement lists (tab- or
/// comma-separated).
fn requirement_list(name: &str) -> Vec<String> {
    let text = fs::read_to_string(spec_file(name)).unwrap();
    let delimiter = if text.lines().next().unwrap().contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h.trim() == "requirement")
        .expect("a requirement column");
    let ids: Vec<String> = reader
        .records()
        .map(|r| normalise_requirement_id(&r.unwrap()[column]))
        .filter(|id| !id.is_empty())
        .collect();
    assert!(!ids.is_empty(), "{name} lists no requirements");
    ids
}

#[test]
fn workbook_has_a_cover_then_sheets_9a_and_9b() {
    let bytes = render_tom_xlsx(&record_with_tom()).unwrap();
    assert_eq!(
        sheet_names(&bytes),
        [
            "Cover",
            "9a - SMS Generic Client Reqs",
            "9b - SMS PDS Client Reqs"
        ]
    );
}

#[test]
fn cover_names_the_run_target_inputs_and_counts() {
    let record = record_with_tom();
    let cover = sheet(&render_tom_xlsx(&record).unwrap(), "Cover");

    assert_eq!(beside(&cover, "Tool"), "smsp 0.1.0");
    assert_eq!(beside(&cover, "Kind"), "provider");
    assert_eq!(beside(&cover, "Run started"), "2026-11-02T10:00:00Z");
    assert_eq!(beside(&cover, "Run finished"), record.finished);
    assert_eq!(beside(&cover, "Target URL"), record.target.url);
    assert_eq!(
        beside(&cover, "Target description"),
        "the built-in simulator, in-process, default scenario"
    );
    let certificate = record.target.client_certificate.as_ref().unwrap();
    assert_eq!(beside(&cover, "Client certificate DN"), certificate.subject);
    assert_eq!(
        beside(&cover, "Client certificate SHA-256"),
        certificate.sha256_fingerprint
    );
    assert_eq!(beside(&cover, "Requirement rows from"), "built-in");

    assert!(!record.inputs.is_empty());
    for input in &record.inputs {
        let found = cover
            .iter()
            .find(|row| row[0] == input.role && row[1] == input.name)
            .unwrap_or_else(|| panic!("input {} not on the cover", input.role));
        assert_eq!(found[2], input.source);
        assert_eq!(found[3], input.sha256);
    }

    let summary = record.summary();
    for (label, n) in [
        ("Cases", summary.total),
        ("Passed", summary.passed),
        ("Failed", summary.failed),
        ("Errors", summary.errors),
        ("Skipped", summary.skipped),
        ("To check", summary.check),
    ] {
        assert_eq!(beside(&cover, label), n.to_string(), "{label}");
    }

    // Status, 9a, 9b, total. 16 rows in 9a, 17 in 9b; four assessed (the fifth names no row).
    let compliance: Vec<(&str, &str, &str, &str)> = Compliance::ALL
        .iter()
        .map(|status| {
            let r = row(&cover, status.label());
            (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str())
        })
        .collect();
    assert_eq!(
        compliance,
        [
            ("Yes", "1", "0", "1"),
            ("No", "1", "0", "1"),
            ("Partial", "1", "0", "1"),
            ("N/A", "0", "1", "1"),
            ("Manual evidence required", "13", "16", "29"),
        ]
    );

    // The assessment naming no requirement is listed, not dropped.
    let stray = row(&cover, "MSCA-XYZ-99");
    assert_eq!(stray[1], "Yes");
    assert_eq!(stray[3], "stray");
}

#[test]
fn cover_without_certificate_or_description_says_so() {
    let mut record = record_with_tom();
    record.target.client_certificate = None;
    record.target.description = None;
    record.inputs.clear();
    let cover = sheet(&render_tom_xlsx(&record).unwrap(), "Cover");
    assert_eq!(beside(&cover, "Target description"), "(none given)");
    assert_eq!(beside(&cover, "Client certificate DN"), "(none presented)");
    assert_eq!(
        beside(&cover, "Client certificate SHA-256"),
        "(none presented)"
    );
    assert!(cover.iter().any(|r| r[0] == "(no inputs recorded)"));
}

#[test]
fn requirement_sheets_lay_out_status_evidence_and_notes() {
    let bytes = render_tom_xlsx(&record_with_tom()).unwrap();
    let generic = sheet(&bytes, TomSheet::Generic.sheet_name());
    let pds = sheet(&bytes, TomSheet::Pds.sheet_name());
    for rows in [&generic, &pds] {
        assert_eq!(
            rows[0],
            [
                "Requirement",
                "Item",
                "Detail",
                "Must/Should",
                "Compliance Status",
                "Evidence",
                "Notes",
                "Wire (W/P/M)"
            ]
        );
    }

    let aud04 = row(&generic, "MSCA-AUD-04");
    assert_eq!(aud04[3], "Must");
    assert_eq!(aud04[4], "Yes");
    assert_eq!(
        aud04[5],
        "PDS-VER-001\n5C7A1C7E-0B0F-4F27-9B7B-3E9A0E1D4F10\nevidence/PDS-VER-001/request.xml"
    );
    assert_eq!(aud04[6], "every request carried an audit identity");
    assert_eq!(aud04[7], "W");
    assert_eq!(row(&generic, "MSCA-AUD-07")[4], "No");
    // Assessed as MSCA_IG_005, shown on MSCA-IG-05.
    assert_eq!(row(&generic, "MSCA-IG-05")[4], "Partial");
    assert_eq!(row(&generic, "MSCA-IG-03")[3], "Should");
    assert_eq!(row(&pds, "MSCA-PDS-07")[4], "N/A");

    let unassessed = row(&pds, "MSCA-DQ-01");
    assert_eq!(unassessed[4], "Manual evidence required");
    assert_eq!(unassessed[5], "");
    assert!(unassessed[6].starts_with("Not assessed by this run"));
    assert_eq!(unassessed[7], "M");

    // Category headings sit above their rows, alone.
    let audit = generic.iter().position(|r| r[0] == "Audit").unwrap();
    assert_eq!(generic[audit + 1][0], "MSCA-AUD-01");
    assert!(generic[audit][1..].iter().all(String::is_empty));
    assert!(!generic.iter().any(|r| r[0].starts_with("MSCA-PDS")));
    assert!(!pds.iter().any(|r| r[0].starts_with("MSCA-AUD")));
}

#[test]
fn sheets_carry_every_requirement_of_the_official_requirement_lists() {
    let bytes = render_tom_xlsx(&record_with_tom()).unwrap();
    for (list, sheet_kind) in [
        ("requirements-common-client.csv", TomSheet::Generic),
        ("requirements-pds-client.csv", TomSheet::Pds),
    ] {
        let rows = sheet(&bytes, sheet_kind.sheet_name());
        for id in requirement_list(list) {
            let found = row(&rows, &id);
            assert!(!found[1].is_empty(), "{id} has an item");
            assert!(!found[2].is_empty(), "{id} has a detail");
            assert!(
                found[3] == "Must" || found[3] == "Should",
                "{id}: {}",
                found[3]
            );
        }
    }
}

#[test]
fn official_checklist_is_read_row_by_row() {
    let requirements = load_tom_checklist(&checklist_path()).unwrap();
    let ids = |sheet: TomSheet| -> Vec<&str> {
        requirements
            .iter()
            .filter(|r| r.sheet == sheet)
            .map(|r| r.id.as_str())
            .collect()
    };
    let expected_9a: Vec<String> = requirement_list("requirements-common-client.csv");
    let expected_9b: Vec<String> = requirement_list("requirements-pds-client.csv");
    assert_eq!(ids(TomSheet::Generic), expected_9a);
    assert_eq!(ids(TomSheet::Pds), expected_9b);
    assert_eq!(requirements.len(), 16 + 13);

    for r in &requirements {
        assert!(!r.item.is_empty() && !r.detail.is_empty(), "{}", r.id);
        assert!(!r.category.is_empty(), "{} has a category", r.id);
    }
    let get = |id: &str| requirements.iter().find(|r| r.id == id).unwrap();
    assert_eq!(get("MSCA-IG-03").obligation, Obligation::Should);
    assert_eq!(get("MSCA-IG-05").obligation, Obligation::Must);
    assert_eq!(get("MSCA-DQ-06").obligation, Obligation::Should);
    assert_eq!(get("MSCA-AUD-04").wire, smsp_reports::WireEvidence::Wire);
    // The official Must/Should agree with ours for every shared id.
    for ours in builtin_requirements() {
        if let Some(theirs) = requirements.iter().find(|r| r.id == ours.id) {
            assert_eq!(theirs.obligation, ours.obligation, "{}", ours.id);
            assert_eq!(theirs.sheet, ours.sheet, "{}", ours.id);
            assert_eq!(theirs.wire, ours.wire, "{}", ours.id);
        }
    }
}

#[test]
fn every_official_checklist_row_appears_in_the_rendered_workbook() {
    let path = checklist_path();
    let requirements = load_tom_checklist(&path).unwrap();
    let mut record = record_with_tom();
    record.tom = Some(TomSection {
        source: path.display().to_string(),
        requirements: requirements.clone(),
        assessments: vec![assessment(
            "MSCA-AUD-04",
            Compliance::Yes,
            &["PDS-VER-001"],
            "",
        )],
    });
    let bytes = render_tom_xlsx(&record).unwrap();
    let cover = sheet(&bytes, "Cover");
    assert_eq!(
        beside(&cover, "Requirement rows from"),
        path.display().to_string()
    );
    for requirement in &requirements {
        let rows = sheet(&bytes, requirement.sheet.sheet_name());
        let found = row(&rows, &requirement.id);
        assert_eq!(found[1], requirement.item);
        assert_eq!(found[2], requirement.detail);
        assert_eq!(found[3], requirement.obligation.label());
    }
    // What was rendered reads back as a checklist with the same rows.
    let dir = tempfile::tempdir().unwrap();
    let rendered = dir.path().join("tom-evidence.xlsx");
    fs::write(&rendered, &bytes).unwrap();
    assert_eq!(load_tom_checklist(&rendered).unwrap(), requirements);
}

#[test]
fn builtin_rows_read_back_through_the_checklist_loader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tom-evidence.xlsx");
    fs::write(&path, render_tom_xlsx(&record_with_tom()).unwrap()).unwrap();
    assert_eq!(load_tom_checklist(&path).unwrap(), builtin_requirements());
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let record = record_with_tom();
    let first = render_tom_xlsx(&record).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // Through run.json and back, as `smsp report` does.
    let json = serde_json::to_string(&record).unwrap();
    let reloaded: RunRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(render_tom_xlsx(&reloaded).unwrap(), first);

    let mut later = record.clone();
    later.started = "2026-11-03T10:00:00Z".to_owned();
    assert_ne!(render_tom_xlsx(&later).unwrap(), first);
}

#[test]
fn unusable_start_time_is_refused() {
    let mut record = record_with_tom();
    record.started = "yesterday".to_owned();
    let err = render_tom_xlsx(&record).unwrap_err();
    assert!(matches!(err, TomError::Time { .. }), "{err}");
    assert!(err.to_string().contains("\"yesterday\""), "{err}");
}

#[test]
fn record_without_tom_section_renders_the_builtin_rows() {
    let mut record = record_with_tom();
    record.tom = None;
    let bytes = render_tom_xlsx(&record).unwrap();
    let pds = sheet(&bytes, TomSheet::Pds.sheet_name());
    assert_eq!(row(&pds, "MSCA-DQ-03")[4], "Manual evidence required");
}

#[test]
fn missing_checklist_is_named_with_the_fix() {
    let path = Path::new("/nonexistent/checklist.xls");
    let err = load_tom_checklist(path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, TomError::Open { .. }), "{message}");
    assert!(message.contains("/nonexistent/checklist.xls"), "{message}");
    assert!(
        message.contains(
            "pass --tom-checklist the official 'Target Operating Model - Spine Mini Services - \
             Self-Evaluation Checklist v0.10.xls'"
        ),
        "{message}"
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checklist.xls");
    fs::write(&path, "Category / Requirement,Item\n").unwrap();
    let err = load_tom_checklist(&path).unwrap_err();
    assert!(matches!(err, TomError::Open { .. }), "{err}");
    assert!(err.to_string().contains("not an .xls or .xlsx workbook"));
}

/// Writes a workbook with the given sheets, each a list of rows of cells, starting at A1.
fn workbook(dir: &Path, sheets: &[(&str, &[&[&str]])]) -> PathBuf {
    let mut workbook = Workbook::new();
    for (name, rows) in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, cells) in rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    let path = dir.join("checklist.xlsx");
    workbook.save(&path).unwrap();
    path
}

const HEADER: &[&str] = &["", "Category / Requirement", "Item", "Detail", "Type"];

#[test]
fn workbook_without_sheet_9a_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(
        dir.path(),
        &[
            ("Cover", &[&["TOM"]]),
            (
                "9b - SMS PDS Client Reqs",
                &[HEADER, &["", "MSCA-PDS-01", "Trace well", "", "Should"]],
            ),
        ],
    );
    let err = load_tom_checklist(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, TomError::MissingSheet { .. }), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        message.contains("no sheet '9a - SMS Generic Client Reqs'"),
        "{message}"
    );
    assert!(
        message.contains("sheets found: 'Cover', '9b - SMS PDS Client Reqs'"),
        "{message}"
    );
    assert!(
        message.contains("pass --tom-checklist the official"),
        "{message}"
    );
}

#[test]
fn sheet_without_an_item_header_is_refused_naming_sheet_and_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(
        dir.path(),
        &[(
            "9a - SMS Generic Client Reqs",
            &[&["", "Category / Requirement", "Text", "Type"]],
        )],
    );
    let err = load_tom_checklist(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, TomError::MissingHeader { .. }), "{message}");
    assert!(
        message.contains("sheet '9a - SMS Generic Client Reqs'"),
        "{message}"
    );
    assert!(message.contains("'Item' column"), "{message}");
}

#[test]
fn unusable_cells_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let pds: &[&[&str]] = &[HEADER, &["", "MSCA-PDS-01", "Trace well", "", "Should"]];
    let cases: [(&[&[&str]], &str, &str); 4] = [
        (
            &[
                &["Step 9a"],
                &[],
                HEADER,
                &["", "MSCA-ORG-01", "Use it well", "", "Mandatory"],
            ],
            "cell E4",
            "Type is \"Mandatory\", expected Must or Should",
        ),
        (
            &[HEADER, &["", "MSCA-ORG-01", "", "detail only", "Must"]],
            "cell C2",
            "MSCA-ORG-01 has no Item text",
        ),
        (
            &[
                HEADER,
                &["", "MSCA_ORG_01", "Use it well", "", "Must"],
                &["", "MSCA-ORG-01", "Again", "", "Must"],
            ],
            "cell B3",
            "listed twice (first in cell B2)",
        ),
        (
            &[HEADER, &["", "MSCA-ORG-01", "Use it", "", ""]],
            "cell E2",
            "Type is blank and the item says neither MUST nor SHOULD",
        ),
    ];
    for (rows, cell, problem) in cases {
        let path = workbook(
            dir.path(),
            &[
                ("9a - SMS Generic Client Reqs", rows),
                ("9b - SMS PDS Client Reqs", pds),
            ],
        );
        let err = load_tom_checklist(&path).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, TomError::BadCell { .. }), "{message}");
        assert!(
            message.contains(&format!("{cell} of sheet '9a - SMS Generic Client Reqs'")),
            "{message}"
        );
        assert!(message.contains(problem), "{message}");
    }
}

#[test]
fn sheet_without_requirement_rows_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(
        dir.path(),
        &[
            ("9a - SMS Generic Client Reqs", &[HEADER, &["", "Audit"]]),
            (
                "9b - SMS PDS Client Reqs",
                &[HEADER, &["", "MSCA-PDS-01", "Trace well", "", "Should"]],
            ),
        ],
    );
    let err = load_tom_checklist(&path).unwrap_err();
    assert!(matches!(err, TomError::NoRequirements { .. }), "{err}");
    assert!(err.to_string().contains("cell B1"), "{err}");
}

#[test]
fn loader_tolerates_spaces_blank_rows_headings_and_blank_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(
        dir.path(),
        &[
            (
                " 9a  SMS generic ",
                &[
                    &["Step 9a"],
                    &[],
                    &[
                        "",
                        " Category /  Requirement ",
                        "ITEM",
                        " Detail",
                        "Type",
                        "Compliance Status",
                        "Type",
                    ],
                    &["", "General  IG"],
                    &[],
                    &[
                        "",
                        " MSCA_IG_005 ",
                        "  Host it safely ",
                        "",
                        " must ",
                        "",
                        "Req",
                    ],
                    &["", "MSCA-AUD-02", "Sign-ins SHOULD be audited", "", ""],
                    &["", "", "a note under the table"],
                    &["", "", "", "", "", "Yes"],
                ],
            ),
            ("9b", pds_rows()),
        ],
    );
    let requirements = load_tom_checklist(&path).unwrap();
    assert_eq!(requirements.len(), 3);
    let ig = &requirements[0];
    assert_eq!(
        (
            ig.sheet,
            ig.id.as_str(),
            ig.item.as_str(),
            ig.category.as_str()
        ),
        (
            TomSheet::Generic,
            "MSCA-IG-05",
            "Host it safely",
            "General IG"
        )
    );
    assert_eq!(ig.obligation, Obligation::Must);
    assert_eq!(requirements[1].obligation, Obligation::Should);
    assert_eq!(requirements[2].sheet, TomSheet::Pds);
}

fn pds_rows() -> &'static [&'static [&'static str]] {
    &[HEADER, &["", "MSCA-PDS-01", "Trace well", "", "Should"]]
}

#[test]
fn requirement_ids_are_normalised_to_the_checklist_spelling() {
    for (given, expected) in [
        ("MSCA_ORG_01", "MSCA-ORG-01"),
        ("MSCA_IG_005", "MSCA-IG-05"),
        ("MSCA-IG-005", "MSCA-IG-05"),
        ("MSCA-IG-05", "MSCA-IG-05"),
        ("msca_aud_07", "MSCA-AUD-07"),
        (" MSCA_DQ_06\t", "MSCA-DQ-06"),
        ("MSCA-PDS-010", "MSCA-PDS-10"),
        ("MSCA-PDS-100", "MSCA-PDS-100"),
        ("SMSP-ERR-005", "SMSP-ERR-005"),
        ("SMSP_CACHE_002", "SMSP-CACHE-002"),
        ("SMSP- MESSAGES-001", "SMSP-MESSAGES-001"),
        ("COR-DEH-04.1", "COR-DEH-04.1"),
        ("", ""),
    ] {
        assert_eq!(normalise_requirement_id(given), expected, "{given:?}");
    }
}

proptest! {
    #[test]
    fn normalising_is_idempotent(id in "[ A-Za-z0-9_.-]{0,24}") {
        let once = normalise_requirement_id(&id);
        prop_assert_eq!(normalise_requirement_id(&once), once.clone());
    }

    #[test]
    fn msca_ids_in_any_spelling_meet(area in "(ORG|IG|AUD|PDS|DQ)", n in 1u32..100, pad in 2usize..5,
                                     underscore in any::<bool>(), lower in any::<bool>()) {
        let sep = if underscore { "_" } else { "-" };
        let mut written = format!("MSCA{sep}{area}{sep}{n:0pad$}");
        if lower {
            written = written.to_lowercase();
        }
        prop_assert_eq!(normalise_requirement_id(&written), format!("MSCA-{area}-{n:02}"));
    }

    #[test]
    fn other_ids_keep_their_digits(area in "(ERR|CACHE|MESSAGES)", n in 0u32..1000) {
        let id = format!("SMSP_{area}_{n:03}");
        prop_assert_eq!(normalise_requirement_id(&id), format!("SMSP-{area}-{n:03}"));
    }
}

#[test]
fn run_json_carries_the_tom_section_only_when_there_is_one() {
    let mut record = record_with_tom();
    let json = serde_json::to_value(&record).unwrap();
    let tom = &json["tom"];
    assert_eq!(tom["source"], "built-in");
    assert_eq!(tom["requirements"][0]["sheet"], "9a");
    assert_eq!(tom["requirements"][0]["obligation"], "must");
    assert_eq!(tom["requirements"][12]["wire"], "W");
    let statuses: Vec<&str> = tom["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["yes", "no", "partial", "n/a", "yes"]);
    let back: RunRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, record);

    let manual: Compliance = serde_json::from_str("\"manual\"").unwrap();
    assert_eq!(manual, Compliance::ManualEvidenceRequired);
    assert_eq!(manual.to_string(), "Manual evidence required");

    record.tom = None;
    let json = serde_json::to_value(&record).unwrap();
    assert!(json.get("tom").is_none());
    // A run.json written before the TOM section existed still loads.
    assert_eq!(serde_json::from_value::<RunRecord>(json).unwrap(), record);
}

#[test]
fn write_reports_writes_the_workbook_and_the_manifest_covers_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut record = common::write_run(dir.path());
    let written = write_reports(dir.path(), &record, dir.path()).unwrap();
    assert_eq!(written.tom, None);
    assert!(!dir.path().join(TOM_XLSX).exists());

    record.tom = record_with_tom().tom;
    let written = write_reports(dir.path(), &record, dir.path()).unwrap();
    let path = written.tom.expect("tom-evidence.xlsx written");
    assert_eq!(path, dir.path().join(TOM_XLSX));
    assert_eq!(fs::read(&path).unwrap(), render_tom_xlsx(&record).unwrap());
    let manifest = fs::read_to_string(dir.path().join(MANIFEST_PATH)).unwrap();
    assert!(
        manifest
            .lines()
            .any(|l| l.ends_with(&format!("  {TOM_XLSX}"))),
        "{manifest}"
    );
    assert!(verify_evidence(dir.path()).unwrap().is_ok());

    // A separate output folder gets its own copy, listed in its own manifest.
    let out = tempfile::tempdir().unwrap();
    let written = write_reports(dir.path(), &record, out.path()).unwrap();
    assert_eq!(written.tom, Some(out.path().join(TOM_XLSX)));
    assert!(verify_evidence(out.path()).unwrap().is_ok());
}

/// The `<section id="tom">` of the fixture page with a TOM section.
fn tom_section_html(record: &RunRecord) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let html = render_html(record, &DirEvidence::new(dir.path())).unwrap();
    let start = html.find(r#"<section id="tom">"#)?;
    let end = start + html[start..].find("</section>").unwrap() + "</section>".len();
    Some(html[start..end].to_owned())
}

#[test]
fn html_tom_section_snapshot() {
    insta::assert_snapshot!(
        "tom-section.html",
        tom_section_html(&record_with_tom()).unwrap()
    );
}

#[test]
fn html_tom_section_shows_every_row_and_links_cases() {
    let record = record_with_tom();
    let html = tom_section_html(&record).unwrap();
    for requirement in builtin_requirements() {
        assert!(
            html.contains(&format!("<code>{}</code>", requirement.id)),
            "{}",
            requirement.id
        );
    }
    assert_eq!(
        html.matches(r#"<span class="badge tom-manual">Manual evidence required</span>"#)
            .count(),
        29 + 1
    );
    assert!(html.contains(r##"<a href="#case-PDS-VER-001"><code>PDS-VER-001</code></a>"##));
    assert!(html.contains("<code>MSCA-XYZ-99</code>"));

    let mut without = record;
    without.tom = None;
    assert_eq!(tom_section_html(&without), None);
}
