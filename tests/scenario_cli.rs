//! End to end: `smsp scenario check|schema` and `smsp certs`, `smsp request`.

mod support;

use support::smsp;

#[test]
fn scenario_check_lists_every_error_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "patients:\n  - nhs_number: \"9990000019\"\n    name: { family: A }\n    gender: male\n    birth_date: \"19801301\"\n",
    )
    .unwrap();
    let out = smsp()
        .current_dir(dir.path())
        .args(["scenario", "check", "bad.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.yaml:5:"),
        "the bad date is located: {err}"
    );
    let ok = smsp()
        .args([
            "scenario",
            "check",
            "builtin:default",
            "builtin:tkw-triggers",
        ])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("ok: "));
}

#[test]
fn scenario_schema_is_json_schema_of_the_format() {
    let out = smsp().args(["scenario", "schema"]).output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(schema["properties"]["patients"].is_object(), "{schema}");
    assert!(schema["properties"]["rules"].is_object(), "{schema}");
}

#[test]
fn request_prints_a_conformant_request() {
    let out = smsp()
        .args([
            "request",
            "getPatientDetailsBySearch",
            "--surname",
            "PRICE",
            "--gender",
            "2",
            "--birth-date",
            "19800131",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let parsed = smsp_protocol::parse_message(&out.stdout, None).unwrap();
    let cx = smsp_protocol::CheckContext::at(time::OffsetDateTime::now_utc());
    let errors: Vec<_> = smsp_protocol::check::check(&parsed, &cx)
        .into_iter()
        .filter(|f| f.severity == smsp_protocol::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}
