//! End-to-end tests of `smsp report` and `smsp evidence verify` on a run folder built here (not
//! by the harness): render, verify (exit 0), tamper (exit 4 naming the file), and unusable
//! inputs (exit 2).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use smsp_reports::{
    CaseRecord, EvidenceFile, ExchangeRecord, FORMAT_VERSION, InputFile, Outcome, RunRecord,
    TargetInfo, ToolInfo,
};

fn smsp() -> Command {
    let mut cmd = Command::cargo_bin("smsp").expect("smsp binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Writes a two-case run folder (one pass, one fail) into `dir`.
fn write_run(dir: &Path) {
    let mut cases = Vec::new();
    for (id, outcome) in [
        ("PDS-VER-001", Outcome::Pass),
        ("PDS-VER-002", Outcome::Fail),
    ] {
        let request = format!("<request case=\"{id}\"/>\n");
        let response = format!("<response case=\"{id}\" code=\"SMSP-0000\"/>\n");
        let request_path = format!("evidence/{id}/request.xml");
        let response_path = format!("evidence/{id}/response.xml");
        for (path, bytes) in [(&request_path, &request), (&response_path, &response)] {
            fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
            fs::write(dir.join(path), bytes).unwrap();
        }
        cases.push(CaseRecord {
            id: id.to_owned(),
            title: format!("case {id}"),
            requirements: vec!["SMSP-PDS-001".to_owned()],
            operation: Some("verifyNHSNumber".to_owned()),
            outcome,
            summary: format!("{} as recorded", outcome.as_str()),
            findings: vec![],
            comparisons: vec![],
            exchanges: vec![ExchangeRecord {
                message_id: None,
                request: EvidenceFile::from_bytes(request_path, request.as_bytes(), None),
                response: Some(EvidenceFile::from_bytes(
                    response_path,
                    response.as_bytes(),
                    None,
                )),
                http_status: Some(200),
                answer: Some("SMSP-0000".to_owned()),
                latency_ms: Some(5),
                transport_error: None,
            }],
            started_ms: 0,
            duration_ms: 5,
        });
    }
    let record = RunRecord {
        format: FORMAT_VERSION,
        tool: ToolInfo {
            name: "smsp".to_owned(),
            version: "0.1.0".to_owned(),
        },
        kind: "provider".to_owned(),
        started: "2026-11-02T10:00:00Z".to_owned(),
        finished: "2026-11-02T10:00:01Z".to_owned(),
        target: TargetInfo {
            url: "http://127.0.0.1:9/smsp/pds".to_owned(),
            description: None,
            client_certificate: None,
        },
        inputs: vec![InputFile {
            role: "suite".to_owned(),
            name: "cli-fixture".to_owned(),
            source: "built-in".to_owned(),
            sha256: "0".repeat(64),
        }],
        options: vec![],
        requirements: vec![],
        cases,
        tom: None,
    };
    fs::write(
        dir.join("run.json"),
        serde_json::to_string_pretty(&record).unwrap(),
    )
    .unwrap();
}

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn report_then_verify_then_tamper() {
    let dir = tempfile::tempdir().unwrap();
    write_run(dir.path());

    let output = smsp()
        .arg("report")
        .arg(dir.path().join("run.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(stdout.contains("report.html"), "{stdout}");
    assert!(
        stdout.contains("2 cases: 1 passed, 1 failed, 0 errors, 0 skipped, 0 to check"),
        "{stdout}"
    );
    for file in ["report.html", "junit.xml", "evidence/MANIFEST.sha256"] {
        assert!(dir.path().join(file).is_file(), "{file} not written");
    }

    let output = smsp()
        .args(["evidence", "verify"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).starts_with("ok: all 7 files listed in"),
        "{}",
        stdout_of(&output)
    );

    let tampered = dir.path().join("evidence/PDS-VER-002/response.xml");
    let mut bytes = fs::read(&tampered).unwrap();
    bytes[1] ^= 0x20;
    fs::write(&tampered, bytes).unwrap();
    let output = smsp()
        .args(["evidence", "verify"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "changed: evidence/PDS-VER-002/response.xml\n"
    );
    assert!(
        stderr_of(&output).contains("1 problem(s) among 7 listed files"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn verify_names_missing_and_added_files() {
    let dir = tempfile::tempdir().unwrap();
    write_run(dir.path());
    smsp().arg("report").arg(dir.path()).assert().code(0);
    fs::remove_file(dir.path().join("evidence/PDS-VER-001/request.xml")).unwrap();
    fs::write(dir.path().join("evidence/extra.txt"), "added").unwrap();
    let output = smsp()
        .args(["evidence", "verify"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "missing: evidence/PDS-VER-001/request.xml\nadded: evidence/extra.txt\n"
    );
}

#[test]
fn report_out_writes_a_self_contained_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let out = dir.path().join("out");
    fs::create_dir(&run).unwrap();
    write_run(&run);
    smsp()
        .arg("report")
        .arg(run.join("run.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    assert!(!run.join("report.html").exists());
    assert!(out.join("run.json").is_file());
    assert!(out.join("evidence/PDS-VER-001/request.xml").is_file());
    smsp()
        .args(["evidence", "verify"])
        .arg(&out)
        .assert()
        .code(0);
}

#[test]
fn unusable_inputs_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // No manifest yet.
    write_run(dir.path());
    let output = smsp()
        .args(["evidence", "verify"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("MANIFEST.sha256"),
        "{}",
        stderr_of(&output)
    );

    // A run.json that is not JSON.
    fs::write(dir.path().join("run.json"), "{ not json").unwrap();
    let output = smsp()
        .arg("report")
        .arg(dir.path().join("run.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("run.json:1:3"),
        "{}",
        stderr_of(&output)
    );

    // No run.json at all.
    let output = smsp()
        .arg("report")
        .arg(dir.path().join("missing/run.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("missing/run.json"),
        "{}",
        stderr_of(&output)
    );
}
