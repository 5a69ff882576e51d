//! report.html: a snapshot of the fixture run, and what the page must show whatever its styling.

mod common;

use smsp_reports::{DirEvidence, render_html};

/// The fixture page with every evidence file available.
fn fixture_html() -> String {
    let dir = tempfile::tempdir().unwrap();
    let record = common::write_run(dir.path());
    render_html(&record, &DirEvidence::new(dir.path())).unwrap()
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!("report.html", fixture_html());
}

#[test]
fn summary_counts_have_stable_ids() {
    let html = fixture_html();
    for (id, n) in common::COUNTS {
        let tag = format!(r#"id="{id}">{n}<"#);
        assert!(html.contains(&tag), "{tag} not found");
    }
}

#[test]
fn page_is_self_contained() {
    let html = fixture_html();
    for forbidden in [
        "<script",
        "<link",
        "@import",
        "url(",
        "src=",
        "http://fonts",
        "//cdn",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in report.html");
    }
    assert!(html.contains("<style>"));
    assert!(html.contains("@media print"));
}

#[test]
fn header_shows_the_run() {
    let html = fixture_html();
    for fact in [
        "smsp 0.1.0",
        "https://127.0.0.1:8443/smsp/pds",
        "the built-in simulator, in-process, default scenario",
        "CN=smsp-client,O=smsp development",
        "3A:7F:00:11",
        "2026-11-02T10:00:00Z",
        "2026-11-02T10:00:30.475Z",
        "30.475 s",
        "scenarios/profiles/default.yaml",
        &"b".repeat(64),
        "--seed=42",
    ] {
        assert!(html.contains(fact), "{fact} missing");
    }
}

#[test]
fn coverage_rolls_up_each_requirement() {
    let html = fixture_html();
    let row = |id: &str| {
        let start = html
            .find(&format!("<tr><td class=\"id\"><code>{id}</code>"))
            .unwrap_or_else(|| panic!("no row for {id}"));
        let end = start + html[start..].find("</tr>").unwrap();
        html[start..end].to_owned()
    };
    // PDS-VER-001 passed and PDS-VER-002 failed: fail.
    assert!(row("SMSP-PDS-001").contains(r#"badge fail">fail<"#));
    // Only the errored case: fail.
    assert!(row("SMSP-PDS-010").contains(r#"badge fail">fail<"#));
    // Only the skipped case: not run.
    assert!(row("SMSP-PDS-020").contains(r#"badge not-run">not run<"#));
    // Only the case to check: check.
    assert!(row("SMSP-PDS-030").contains(r#"badge check">check<"#));
    // A requirement named only by a case still gets a row; one no case names is not run.
    assert!(row("SMSP-SEC-001").contains(r#"badge check">check<"#));
    assert!(row("SMSP-TOM-099").contains("(no case)"));
    // Rows are sorted by id.
    let ids: Vec<usize> = [
        "SMSP-COR-002",
        "SMSP-ERR-001",
        "SMSP-PDS-001",
        "SMSP-SEC-001",
        "SMSP-TOM-099",
    ]
    .iter()
    .map(|id| {
        html.find(&format!("<tr><td class=\"id\"><code>{id}</code>"))
            .unwrap()
    })
    .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn text_is_escaped() {
    let html = fixture_html();
    assert!(html.contains("demographics &#60;exact match&#62; &#38; return"));
    assert!(!html.contains("<exact match>"));
    // Evidence bytes appear as text, not markup.
    assert!(!html.contains("<soap:Envelope"));
    assert!(html.contains("soap:Envelope"));
}

#[test]
fn exchanges_show_request_and_response_side_by_side() {
    let html = fixture_html();
    assert!(html.contains(r#"<div class="pair">"#));
    assert_eq!(html.matches("<details class=\"exchange\" open>").count(), 6);
    assert!(html.contains("Transport error: connection reset by peer"));
    assert!(html.contains("(no response received)"));
    assert!(html.contains("evidence/PDS-VER-001/request.xml"));
    assert!(html.contains("RelatesTo"));
    // Failed comparisons are highlighted.
    assert!(html.contains(r#"<tr class="bad"><td>response code</td><td><code>DEMOG-0001</code></td><td><code>SMSP-0000</code></td>"#));
}

#[test]
fn missing_and_altered_evidence_is_shown_as_such() {
    let record = common::record(&mut Vec::new());
    let none = |_: &str| None::<Vec<u8>>;
    let html = render_html(&record, &none).unwrap();
    assert_eq!(html.matches("(evidence file missing)").count(), 11);

    let altered = |_: &str| Some(b"not what was sent".to_vec());
    let html = render_html(&record, &altered).unwrap();
    assert_eq!(html.matches("do not match this hash").count(), 11);
}

#[test]
fn evidence_paths_cannot_leave_the_run_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "do not show").unwrap();
    let mut record = common::record(&mut Vec::new());
    record.cases[0].exchanges[0].request.path = "../secret.txt".to_owned();
    let html = render_html(&record, &DirEvidence::new(&run)).unwrap();
    assert!(!html.contains("do not show"));
}
