//! `smsp test provider` end to end: the PDS provider suite against the built-in simulator
//! (in-process, mutual TLS) passes every case; the same suite with the OpenTest data profile
//! passes against a simulator serving the imported OpenTest patient list; exit codes for bad
//! options, unreadable inputs and an unreachable target.

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::{shared_spec, smsp};

fn record(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("run.json")).expect("run.json")).expect("json")
}

/// The cases that neither passed nor were skipped, with their summaries.
fn not_passed(record: &Value) -> Vec<String> {
    record["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["outcome"] != "pass" && c["outcome"] != "skipped")
        .map(|c| format!("{} {}: {}", c["id"], c["outcome"], c["summary"]))
        .collect()
}

fn outcomes(record: &Value, outcome: &str) -> usize {
    record["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["outcome"] == outcome)
        .count()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_pds_suite_passes_against_the_builtin_simulator() {
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("run");
    let o = smsp()
        .args([
            "test",
            "provider",
            "--against-simulator",
            "--seed",
            "7",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("run");
    let r = record(&out);
    assert_eq!(not_passed(&r), Vec::<String>::new(), "{}", stdout(&o));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        outcomes(&r, "skipped"),
        0,
        "the default profile binds every role"
    );
    assert!(r["cases"].as_array().expect("cases").len() >= 60);
    // The evidence of the mutual-TLS client is in the record.
    assert_eq!(
        r["target"]["client_certificate"]["subject"],
        "CN=smsp-dev-client,O=smsp development"
    );
    for input in ["suite", "data-profile", "response-codes"] {
        let found = r["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .find(|i| i["role"] == input);
        let sha = found.and_then(|i| i["sha256"].as_str()).unwrap_or_default();
        assert_eq!(sha.len(), 64, "{input} has a SHA-256");
    }
    // Every exchange's bytes are saved, and the record's hash is theirs.
    for case in r["cases"].as_array().expect("cases") {
        for ex in case["exchanges"].as_array().expect("exchanges") {
            for part in ["request", "response"] {
                if let Some(path) = ex[part]["path"].as_str() {
                    let bytes = std::fs::read(out.join(path)).expect("evidence file");
                    assert_eq!(ex[part]["bytes"], bytes.len());
                }
            }
        }
    }
}

#[test]
fn the_pds_suite_passes_with_the_opentest_profile_against_the_imported_opentest_list() {
    let work = tempfile::tempdir().expect("tempdir");
    let scenario = work.path().join("opentest.yaml");
    let import = smsp()
        .args(["scenario", "import-opentest"])
        .arg(shared_spec().join("opentest-patients.csv"))
        .arg("--out")
        .arg(&scenario)
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let out = work.path().join("run");
    let o = smsp()
        .args([
            "test",
            "provider",
            "--against-simulator",
            "--data",
            "opentest",
            "--scenario",
        ])
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    let r = record(&out);
    assert_eq!(not_passed(&r), Vec::<String>::new(), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0));
    assert!(
        outcomes(&r, "pass") >= 40,
        "most of the suite runs on OpenTest data: {} passed",
        outcomes(&r, "pass")
    );
    // Skipped cases say which role the profile lacks.
    for case in r["cases"].as_array().expect("cases") {
        if case["outcome"] == "skipped" {
            let s = case["summary"].as_str().expect("summary");
            assert!(s.contains("binds no") || s.contains("plain HTTP"), "{s}");
        }
    }
}

#[test]
fn only_runs_the_named_cases_and_unknown_ids_are_a_usage_error() {
    let work = tempfile::tempdir().expect("tempdir");
    let codes = smsp_codes_of_first_two_cases();
    let out = work.path().join("run");
    let o = smsp()
        .args(["test", "provider", "--against-simulator", "--only"])
        .arg(codes.join(","))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ids: Vec<String> = record(&out)["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, codes);

    let o = smsp()
        .args([
            "test",
            "provider",
            "--against-simulator",
            "--only",
            "NO-SUCH-CASE",
            "--out",
        ])
        .arg(work.path().join("bad"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("NO-SUCH-CASE"));
}

/// The ids of the built-in suite's first two cases.
fn smsp_codes_of_first_two_cases() -> Vec<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/suites/pds-provider.yaml"),
    )
    .expect("suite");
    let suite: Value = yaml_serde::from_str(&text).expect("yaml");
    suite["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .take(2)
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn exit_codes_for_bad_inputs_and_an_unreachable_target() {
    let work = tempfile::tempdir().expect("tempdir");
    // A suite that cannot be read: 2, naming the file and line.
    let bad = work.path().join("bad-suite.yaml");
    std::fs::write(
        &bad,
        "suite: x\ntitle: y\ncases:\n  - id: A\n    title: t\n    operation: fly\n    expect: {}\n",
    )
    .expect("write");
    let o = smsp()
        .args([
            "test",
            "provider",
            "--target",
            "http://127.0.0.1:9/smsp/pds",
            "--suite",
        ])
        .arg(&bad)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad-suite.yaml:4:3") && err.contains("unknown operation `fly`"),
        "{err}"
    );

    // An unknown data profile: 2.
    let o = smsp()
        .args([
            "test",
            "provider",
            "--target",
            "http://127.0.0.1:9/smsp/pds",
            "--data",
            "nowhere",
        ])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));

    // Nothing listening: 3.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let o = smsp()
        .args(["test", "provider", "--target"])
        .arg(format!("http://127.0.0.1:{port}/smsp/pds"))
        .arg("--out")
        .arg(work.path().join("unreachable"))
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot reach the target"));

    // No target and no --against-simulator: 1.
    let o = smsp().args(["test", "provider"]).output().expect("run");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_official_spreadsheet_can_be_the_code_table() {
    let work = tempfile::tempdir().expect("tempdir");
    let xlsx = shared_spec().join("SMSP Response Codes - v1.0.xlsx");
    let out = work.path().join("run");
    let o = smsp()
        .args(["test", "provider", "--against-simulator", "--codes"])
        .arg(&xlsx)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    let r = record(&out);
    assert_eq!(not_passed(&r), Vec::<String>::new(), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0));
    let codes = r["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["role"] == "response-codes")
        .expect("codes input");
    use sha2::Digest;
    let expected = hex::encode(sha2::Sha256::digest(std::fs::read(&xlsx).expect("xlsx")));
    assert_eq!(codes["sha256"], expected.as_str());
    assert_eq!(codes["source"], xlsx.display().to_string().as_str());
}
