//! End-to-end tests of `smsp --help`, `--version` and `smsp codes`, running the real binary and
//! checking exit codes, stdout and stderr.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const OFFICIAL_SHEET: &str = "Agreed Mini Service Repon Codes";

fn official() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/SMSP Response Codes - v1.0.xlsx")
}

fn smsp() -> Command {
    let mut cmd = Command::cargo_bin("smsp").expect("smsp binary is built");
    // Keep diagnostics plain regardless of the caller's terminal settings.
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `smsp` with `args`, expecting exit code 0, and parses stdout as JSON.
fn json_output(args: &[&std::ffi::OsStr]) -> Value {
    let output = smsp().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const DISTINCT_CODES: [&str; 20] = [
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
];

fn codes_of(doc: &Value) -> Vec<String> {
    doc["codes"]
        .as_array()
        .expect("codes array")
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn version_prints_name_and_version() {
    let output = smsp().arg("--version").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.trim(), format!("smsp {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_lists_codes_subcommand_and_exit_codes() {
    let output = smsp().arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("codes"), "{stdout}");
    assert!(stdout.contains("Exit codes:"), "{stdout}");
}

#[test]
fn codes_help_documents_options() {
    let output = smsp().args(["codes", "--help"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("--codes <PATH>"), "{stdout}");
    assert!(stdout.contains("--json"), "{stdout}");
}

#[test]
fn codes_json_embedded_lists_20_codes() {
    let doc = json_output(&["codes".as_ref(), "--json".as_ref()]);
    assert_eq!(doc["source"], "embedded");
    assert_eq!(codes_of(&doc), DISTINCT_CODES);
    assert_eq!(doc["code_systems"].as_array().unwrap().len(), 4);
}

#[test]
fn codes_json_from_official_workbook_matches_embedded_with_right_oids() {
    let path = official();
    let doc = json_output(&[
        "codes".as_ref(),
        "--json".as_ref(),
        "--codes".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(doc["source"], path.display().to_string());
    assert_eq!(codes_of(&doc), DISTINCT_CODES);

    let oids: Vec<(&str, &str)> = doc["code_systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cs| (cs["service"].as_str().unwrap(), cs["oid"].as_str().unwrap()))
        .collect();
    assert_eq!(
        oids,
        [
            ("Generic", "2.16.840.1.113883.2.1.3.2.4.17.500"),
            ("CP-IS", "2.16.840.1.113883.2.1.3.2.4.17.499"),
            ("PDS", "2.16.840.1.113883.2.1.3.2.4.17.285"),
            ("SCR", "2.16.840.1.113883.2.1.3.2.4.17.506"),
        ]
    );

    let code = |name: &str| {
        doc["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        code("SMSP-0001")["services"],
        serde_json::json!([
            {"service": "Generic", "oid": "2.16.840.1.113883.2.1.3.2.4.17.500"},
            {"service": "PDS", "oid": "2.16.840.1.113883.2.1.3.2.4.17.285"},
        ])
    );
    assert_eq!(
        code("DEMOG-0017")["description"],
        "Superceding NHS number returned"
    );
    assert_eq!(
        code("SCR-0001")["services"][0]["oid"],
        "2.16.840.1.113883.2.1.3.2.4.17.506"
    );
    assert_eq!(
        code("CPIS-0001")["services"][0]["oid"],
        "2.16.840.1.113883.2.1.3.2.4.17.499"
    );

    // Apart from "source", the workbook and the embedded table print the same document.
    let mut embedded = json_output(&["codes".as_ref(), "--json".as_ref()]);
    let mut loaded = doc.clone();
    embedded["source"] = Value::Null;
    loaded["source"] = Value::Null;
    assert_eq!(loaded, embedded);
}

#[test]
fn codes_text_table_shows_codes_services_and_oids() {
    let output = smsp().arg("codes").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("CODE "), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("DEMOG-0017"))
        .expect("DEMOG-0017 row");
    assert!(line.contains("PDS"), "{line}");
    assert!(
        line.contains("2.16.840.1.113883.2.1.3.2.4.17.285"),
        "{line}"
    );
    assert!(stdout.contains("20 distinct codes"), "{stdout}");
}

#[test]
fn corrupted_workbook_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupted.xlsx");
    let bytes = std::fs::read(official()).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();

    let output = smsp()
        .args(["codes", "--codes"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty());
    let stderr = stderr_of(&output);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(stderr.contains("not a valid xlsx workbook"), "{stderr}");
    assert!(
        stderr.contains("SMSP Response Codes - v1.0.xlsx"),
        "{stderr}"
    );
}

#[test]
fn missing_file_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.xlsx");
    let output = smsp()
        .args(["codes", "--json", "--codes"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr_of(&output).contains(&path.display().to_string()));
}

#[test]
fn workbook_without_the_sheet_exits_2_naming_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrong-sheet.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .set_name("Sheet1")
        .unwrap()
        .write_string(0, 0, "SMSP-0000 Success")
        .unwrap();
    workbook.save(&path).unwrap();

    let output = smsp()
        .args(["codes", "--codes"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = stderr_of(&output);
    assert!(stderr.contains(OFFICIAL_SHEET), "{stderr}");
    assert!(stderr.contains("Sheet1"), "{stderr}");
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
}

#[test]
fn unknown_flag_exits_1() {
    let output = smsp().args(["codes", "--bogus"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr_of(&output).contains("--bogus"));
}

#[test]
fn missing_subcommand_exits_1() {
    let output = smsp().output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr_of(&output).contains("Usage"));
}
