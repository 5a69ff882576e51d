//! Loading a saved run.json and writing the reports: byte-identical re-renders, a separate
//! self-contained output folder, and errors that name the file.

mod common;

use std::fs;
use std::path::Path;

use smsp_reports::{
    FORMAT_VERSION, JUNIT_XML, MANIFEST_PATH, REPORT_HTML, ReportError, load_record,
    verify_evidence, write_reports,
};

const OUTPUTS: [&str; 3] = [REPORT_HTML, JUNIT_XML, MANIFEST_PATH];

fn read_outputs(dir: &Path) -> Vec<Vec<u8>> {
    OUTPUTS
        .iter()
        .map(|f| fs::read(dir.join(f)).unwrap())
        .collect()
}

#[test]
fn rendering_twice_from_run_json_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let written = common::write_run(dir.path());
    let record = load_record(&dir.path().join("run.json")).unwrap();
    assert_eq!(record, written);

    write_reports(dir.path(), &record, dir.path()).unwrap();
    let first = read_outputs(dir.path());
    let again = load_record(&dir.path().join("run.json")).unwrap();
    write_reports(dir.path(), &again, dir.path()).unwrap();
    assert_eq!(first, read_outputs(dir.path()));
}

#[test]
fn a_separate_output_folder_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let out = dir.path().join("elsewhere/out");
    fs::create_dir(&run).unwrap();
    let record = common::write_run(&run);
    let written = write_reports(&run, &record, &out).unwrap();
    assert_eq!(written.copied, 1 + 11);
    assert_eq!(written.html, out.join(REPORT_HTML));
    assert!(verify_evidence(&out).unwrap().is_ok());
    assert_eq!(
        fs::read(run.join("run.json")).unwrap(),
        fs::read(out.join("run.json")).unwrap()
    );
    // The run folder is left alone, and both renderings agree byte for byte.
    assert!(!run.join(REPORT_HTML).exists());
    write_reports(&run, &record, &run).unwrap();
    assert_eq!(read_outputs(&run), read_outputs(&out));
}

#[test]
fn a_missing_evidence_file_stops_the_copy_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    fs::create_dir(&run).unwrap();
    let record = common::write_run(&run);
    fs::remove_file(run.join("evidence/PDS-DET-001/response.xml")).unwrap();
    let err = write_reports(&run, &record, &dir.path().join("out")).unwrap_err();
    assert!(
        err.to_string()
            .contains("evidence/PDS-DET-001/response.xml"),
        "{err}"
    );
    assert!(err.is_input());
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.json");
    fs::write(&path, "{\n  \"format\": 1,\n  \"tool\": oops\n}\n").unwrap();
    let err = load_record(&path).unwrap_err();
    assert!(
        matches!(
            err,
            ReportError::Json {
                line: 3,
                column: 11,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "{}:3:11: not a readable run record: expected value;",
            path.display()
        )),
        "{message}"
    );
}

#[test]
fn a_record_missing_fields_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.json");
    fs::write(&path, format!("{{\"format\": {FORMAT_VERSION}}}")).unwrap();
    let err = load_record(&path).unwrap_err();
    assert!(err.to_string().contains("missing field `tool`"), "{err}");
}

#[test]
fn another_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.json");
    fs::write(&path, "{\"format\": 99, \"cases\": \"whatever\"}").unwrap();
    let err = load_record(&path).unwrap_err();
    assert!(
        matches!(err, ReportError::FormatVersion { ref found, expected: FORMAT_VERSION, .. } if found == "99"),
        "{err:?}"
    );

    fs::write(&path, "\"a string\"").unwrap();
    let err = load_record(&path).unwrap_err();
    assert!(err.to_string().contains("expected a run record"), "{err}");
}

#[test]
fn an_unreadable_record_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere/run.json");
    let err = load_record(&path).unwrap_err();
    assert!(matches!(err, ReportError::Read { .. }));
    assert!(err.to_string().contains("nowhere/run.json"), "{err}");
}
