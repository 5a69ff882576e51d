//! junit.xml: a snapshot of the fixture run, validation against a JUnit schema with xmllint,
//! and the mapping of each outcome.

mod common;

use std::path::Path;
use std::process::Command;

use smsp_reports::{ReportError, render_junit};

fn fixture_xml() -> String {
    render_junit(&common::record(&mut Vec::new())).unwrap()
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit.xml", fixture_xml());
}

/// Fails, not skips, without xmllint: CI installs libxml2-utils.
#[test]
fn junit_validates_against_the_junit_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, fixture_xml()).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit/junit.xsd");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "xmllint could not be run ({e}); install it (Debian: apt-get install libxml2-utils)"
            )
        });
    assert!(
        output.status.success(),
        "junit.xml does not validate:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn outcomes_map_to_junit_elements() {
    let xml = fixture_xml();
    // One suite named after the suite input, one testcase per case, counts in the header.
    assert!(
        xml.contains(
            r#"<testsuite name="pds-provider" tests="7" skipped="1" errors="1" failures="2""#
        ),
        "{xml}"
    );
    assert!(xml.contains(r#"timestamp="2026-11-02T10:00:00.000+00:00" time="30.475""#));
    assert_eq!(xml.matches("<testcase ").count(), 7);
    // Fail: message is the summary; text has the error findings as rule: location: message.
    assert!(xml.contains(r#"<failure message="expected response code DEMOG-0001, got SMSP-0000" type="fail">expect.response-code: hl7:value/@code: expected DEMOG-0001, got SMSP-0000
pds.response.code-system: hl7:value/@codeSystem: code system"#));
    // A failure without error findings lists the comparisons that differ.
    assert!(xml.contains(
        "http status: expected 500, got 200\nfault: expected Client 1000, got (absent)</failure>"
    ));
    // Error, skipped, check.
    assert!(xml.contains(r#"<error message="no answer: connection reset by peer after 30 s" type="error">transport: connection reset by peer"#));
    assert!(xml.contains(r#"<skipped message="role `search-range` is not in the data profile"/>"#));
    assert!(xml.contains("<system-out>needs review: the address was withheld"));
    assert!(xml.contains(r#"<property name="outcome" value="check"/>"#));
    // Properties: one per requirement, the answer, the outcome; response-code only for codes.
    assert!(
        xml.contains(
            r#"<property name="requirement" value="SMSP-PDS-001"/>
                <property name="requirement" value="SMSP-COR-002"/>
                <property name="response-code" value="SMSP-0000"/>
                <property name="answer" value="SMSP-0000"/>
                <property name="outcome" value="pass"/>"#
        ),
        "{xml}"
    );
    assert!(xml.contains(r#"<property name="answer" value="fault Client 1000"/>"#));
    assert!(!xml.contains(r#"<property name="response-code" value="fault"#));
    // Class name is the operation, or the kind when the case has none; escaping holds.
    assert!(xml.contains(r#"classname="verifyNHSNumber""#));
    assert!(xml.contains(
        r#"<testcase name="PDS-ERR-001 Malformed envelope gets a SOAP fault" classname="provider""#
    ));
    assert!(xml.contains("&lt;exact match&gt; &amp; return one record"));
}

#[test]
fn suite_name_defaults_to_smsp() {
    let mut record = common::record(&mut Vec::new());
    record.inputs.retain(|i| i.role != "suite");
    let xml = render_junit(&record).unwrap();
    assert!(xml.contains(r#"<testsuite name="smsp""#), "{xml}");
}

#[test]
fn a_bad_start_time_is_an_error_naming_the_field() {
    let mut record = common::record(&mut Vec::new());
    record.started = "yesterday".to_owned();
    let err = render_junit(&record).unwrap_err();
    assert!(
        matches!(
            err,
            ReportError::Time {
                field: "started",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("`started` (\"yesterday\") is not an RFC 3339 time"),
        "{err}"
    );
}
