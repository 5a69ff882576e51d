//! A fixed run folder for the report tests: a run record with cases of every outcome (two passes,
//! two failures, an error, a skip and one to check), its evidence files, and `run.json`, written
//! into a temporary folder. Built here, so the tests do not depend on the harness.

#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::Path;

use smsp_reports::{
    CaseRecord, CertificateInfo, Comparison, EvidenceFile, ExchangeRecord, FORMAT_VERSION,
    FindingRecord, InputFile, Outcome, RequirementInfo, RunRecord, TargetInfo, ToolInfo,
};

/// The outcome counts of [`record`]: total, passed, failed, errors, skipped, check.
pub const COUNTS: [(&str, usize); 6] = [
    ("summary-total", 7),
    ("summary-passed", 2),
    ("summary-failed", 2),
    ("summary-errors", 1),
    ("summary-skipped", 1),
    ("summary-check", 1),
];

/// Writes the fixture run folder (`run.json` and `evidence/`) into `dir` and returns its record.
pub fn write_run(dir: &Path) -> RunRecord {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let record = record(&mut files);
    for (path, bytes) in &files {
        let full = dir.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, bytes).unwrap();
    }
    let mut json = serde_json::to_string_pretty(&record).unwrap();
    json.push('\n');
    fs::write(dir.join("run.json"), json).unwrap();
    record
}

/// The fixture record alone; the evidence bytes are pushed onto `files` as (path, bytes).
pub fn record(files: &mut Vec<(String, Vec<u8>)>) -> RunRecord {
    let cases = vec![
        case(
            "PDS-VER-001",
            "Verify a valid NHS number and name",
            &["SMSP-PDS-001", "SMSP-COR-002"],
            Some("verifyNHSNumber"),
            Outcome::Pass,
            "SMSP-0000: the number and demographics verified",
            vec![finding(
                "codes.defined",
                "info",
                "",
                "SMSP-0000 is defined for verifyNHSNumber",
            )],
            vec![
                ok("http status", "200", "200"),
                ok("response code", "SMSP-0000", "SMSP-0000"),
            ],
            vec![exchange(
                files,
                "PDS-VER-001",
                1,
                Some(200),
                Some("SMSP-0000"),
                Some(112),
                None,
            )],
            0,
            140,
        ),
        case(
            "PDS-VER-002",
            "Verify an NHS number that fails the check digit",
            &["SMSP-PDS-001", "SMSP-ERR-005"],
            Some("verifyNHSNumber"),
            Outcome::Fail,
            "expected response code DEMOG-0001, got SMSP-0000",
            vec![
                finding(
                    "expect.response-code",
                    "error",
                    "hl7:value/@code",
                    "expected DEMOG-0001, got SMSP-0000",
                ),
                finding(
                    "pds.response.code-system",
                    "error",
                    "hl7:value/@codeSystem",
                    "code system 2.16.840.1.113883.2.1.3.2.4.17.285 is not the one for verifyNHSNumber",
                ),
                finding(
                    "codes.defined",
                    "warning",
                    "",
                    "SMSP-0000 should not answer an invalid number",
                ),
            ],
            vec![
                ok("http status", "200", "200"),
                bad("response code", "DEMOG-0001", "SMSP-0000"),
                bad("nhs_number", "(absent)", "9434765870"),
            ],
            vec![exchange(
                files,
                "PDS-VER-002",
                2,
                Some(200),
                Some("SMSP-0000"),
                Some(87),
                None,
            )],
            140,
            95,
        ),
        case(
            "PDS-GET-001",
            "Get NHS number: trace by demographics <exact match> & return one record",
            &["SMSP-PDS-010"],
            Some("getNHSNumber"),
            Outcome::Error,
            "no answer: connection reset by peer after 30 s",
            vec![finding(
                "transport.answer",
                "error",
                "",
                "the connection was reset before an HTTP response arrived",
            )],
            vec![],
            vec![ExchangeRecord {
                message_id: Some("5C7A1C7E-0B0F-4F27-9B7B-3E9A0E1D4F10".to_owned()),
                request: evidence(files, "PDS-GET-001", "request.xml", &request_bytes(3)),
                response: None,
                http_status: None,
                answer: None,
                latency_ms: None,
                transport_error: Some("connection reset by peer".to_owned()),
            }],
            235,
            30_000,
        ),
        case(
            "PDS-SRCH-001",
            "Search by date of birth range",
            &["SMSP-PDS-020"],
            Some("getPatientDetailsBySearch"),
            Outcome::Skipped,
            "role `search-range` is not in the data profile",
            vec![],
            vec![],
            vec![],
            30_235,
            0,
        ),
        case(
            "PDS-DET-001",
            "Get patient details of a sensitive patient",
            &["SMSP-PDS-030", "SMSP-SEC-001"],
            Some("getPatientDetails"),
            Outcome::Check,
            "the address was withheld as for a sensitive record; confirm the patient is flagged S",
            vec![finding(
                "expect.sensitive",
                "warning",
                "hl7:patientPerson/hl7:addr",
                "address absent: correct only if the record is sensitive",
            )],
            vec![
                ok("response code", "SMSP-0000", "SMSP-0000"),
                ok("address absent", "true", "true"),
            ],
            vec![exchange(
                files,
                "PDS-DET-001",
                5,
                Some(200),
                Some("SMSP-0000"),
                Some(131),
                None,
            )],
            30_235,
            150,
        ),
        case(
            "PDS-ERR-001",
            "Malformed envelope gets a SOAP fault",
            &["SMSP-ERR-001"],
            None,
            Outcome::Pass,
            "fault Client 1000 as expected",
            vec![],
            vec![
                ok("http status", "500", "500"),
                ok("fault", "Client 1000", "Client 1000"),
            ],
            vec![exchange(
                files,
                "PDS-ERR-001",
                6,
                Some(500),
                Some("fault Client 1000"),
                Some(9),
                None,
            )],
            30_385,
            20,
        ),
        case(
            "PDS-ERR-002",
            "Missing wsa:Action is refused",
            &["SMSP-ERR-001", "SMSP-COR-002"],
            Some("getPatientDetailsByNHSNumber"),
            Outcome::Fail,
            "expected a SOAP fault, got HTTP 200 with SMSP-0000",
            vec![],
            vec![
                bad("http status", "500", "200"),
                bad("fault", "Client 1000", "(absent)"),
            ],
            vec![exchange(
                files,
                "PDS-ERR-002",
                7,
                Some(200),
                Some("SMSP-0000"),
                Some(64),
                None,
            )],
            30_405,
            70,
        ),
    ];
    RunRecord {
        format: FORMAT_VERSION,
        tool: ToolInfo {
            name: "smsp".to_owned(),
            version: "0.1.0".to_owned(),
        },
        kind: "provider".to_owned(),
        started: "2026-11-02T10:00:00Z".to_owned(),
        finished: "2026-11-02T10:00:30.475Z".to_owned(),
        target: TargetInfo {
            url: "https://127.0.0.1:8443/smsp/pds".to_owned(),
            description: Some("the built-in simulator, in-process, default scenario".to_owned()),
            client_certificate: Some(CertificateInfo {
                subject: "CN=smsp-client,O=smsp development".to_owned(),
                sha256_fingerprint: "3A:7F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76:98:BA"
                    .to_owned(),
            }),
        },
        inputs: vec![
            input("suite", "pds-provider", "built-in", 'a'),
            input("data-profile", "default", "scenarios/profiles/default.yaml", 'b'),
            input("response-codes", "embedded", "built-in", 'c'),
        ],
        options: vec![
            "--suite=pds-provider".to_owned(),
            "--target=https://127.0.0.1:8443/smsp/pds".to_owned(),
            "--seed=42".to_owned(),
        ],
        requirements: vec![
            req("SMSP-COR-002", "Correlate the response with the request (RelatesTo)"),
            req("SMSP-ERR-001", "Refuse a malformed envelope with a SOAP fault"),
            req("SMSP-ERR-005", "Answer an invalid NHS number with DEMOG-0001"),
            req("SMSP-PDS-001", "Verify an NHS number against demographics"),
            req("SMSP-PDS-010", "Trace an NHS number by demographics"),
            req("SMSP-PDS-020", "Search by date-of-birth range"),
            req("SMSP-PDS-030", "Withhold the address of a sensitive patient"),
            req("SMSP-TOM-099", "Keep an audit trail (no case evidences it in this run)"),
        ],
        cases,
        tom: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn case(
    id: &str,
    title: &str,
    requirements: &[&str],
    operation: Option<&str>,
    outcome: Outcome,
    summary: &str,
    findings: Vec<FindingRecord>,
    comparisons: Vec<Comparison>,
    exchanges: Vec<ExchangeRecord>,
    started_ms: u64,
    duration_ms: u64,
) -> CaseRecord {
    CaseRecord {
        id: id.to_owned(),
        title: title.to_owned(),
        requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
        operation: operation.map(str::to_owned),
        outcome,
        summary: summary.to_owned(),
        findings,
        comparisons,
        exchanges,
        started_ms,
        duration_ms,
    }
}

fn finding(rule: &str, severity: &str, location: &str, message: &str) -> FindingRecord {
    FindingRecord {
        rule: rule.to_owned(),
        severity: severity.to_owned(),
        requirements: vec!["SMSP-PDS-001".to_owned()],
        location: location.to_owned(),
        message: message.to_owned(),
    }
}

fn ok(what: &str, expected: &str, actual: &str) -> Comparison {
    Comparison {
        what: what.to_owned(),
        expected: expected.to_owned(),
        actual: actual.to_owned(),
        ok: true,
    }
}

fn bad(what: &str, expected: &str, actual: &str) -> Comparison {
    Comparison {
        ok: false,
        ..ok(what, expected, actual)
    }
}

fn exchange(
    files: &mut Vec<(String, Vec<u8>)>,
    case_id: &str,
    n: u8,
    status: Option<u16>,
    answer: Option<&str>,
    latency_ms: Option<u64>,
    transport_error: Option<&str>,
) -> ExchangeRecord {
    let response = response_bytes(n, answer.unwrap_or(""));
    ExchangeRecord {
        message_id: Some(format!("5C7A1C7E-0B0F-4F27-9B7B-3E9A0E1D4F0{n}")),
        request: evidence(files, case_id, "request.xml", &request_bytes(n)),
        response: Some(evidence(files, case_id, "response.xml", &response)),
        http_status: status,
        answer: answer.map(str::to_owned),
        latency_ms,
        transport_error: transport_error.map(str::to_owned),
    }
}

fn evidence(
    files: &mut Vec<(String, Vec<u8>)>,
    case_id: &str,
    name: &str,
    bytes: &[u8],
) -> EvidenceFile {
    let path = format!("evidence/{case_id}/{name}");
    files.push((path.clone(), bytes.to_vec()));
    EvidenceFile::from_bytes(path, bytes, Some("text/xml; charset=UTF-8".to_owned()))
}

fn request_bytes(n: u8) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://www.w3.org/2005/08/addressing">
  <soap:Header>
    <wsa:MessageID>uuid:5C7A1C7E-0B0F-4F27-9B7B-3E9A0E1D4F0{n}</wsa:MessageID>
    <wsa:Action>urn:nhs-itk:services:201005:verifyNHSNumber-v1-0</wsa:Action>
    <wsa:To>https://127.0.0.1:8443/smsp/pds</wsa:To>
  </soap:Header>
  <soap:Body>
    <itk:DistributionEnvelope xmlns:itk="urn:nhs-itk:ns:201005"><itk:payloads count="1"><itk:payload id="uuid:0000000{n}-AAAA-BBBB-CCCC-DDDDEEEEFFFF">&lt;a very long single-line payload value that has to wrap inside the column rather than widen the page: 9434765919 9434765870 9434765919 9434765870 9434765919&gt;</itk:payload></itk:payloads></itk:DistributionEnvelope>
  </soap:Body>
</soap:Envelope>
"#
    )
    .into_bytes()
}

fn response_bytes(n: u8, answer: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://www.w3.org/2005/08/addressing">
  <soap:Header>
    <wsa:RelatesTo>uuid:5C7A1C7E-0B0F-4F27-9B7B-3E9A0E1D4F0{n}</wsa:RelatesTo>
  </soap:Header>
  <soap:Body>
    <value code="{answer}" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.285"/>
  </soap:Body>
</soap:Envelope>
"#
    )
    .into_bytes()
}

fn input(role: &str, name: &str, source: &str, fill: char) -> InputFile {
    InputFile {
        role: role.to_owned(),
        name: name.to_owned(),
        source: source.to_owned(),
        sha256: fill.to_string().repeat(64),
    }
}

fn req(id: &str, title: &str) -> RequirementInfo {
    RequirementInfo {
        id: id.to_owned(),
        title: title.to_owned(),
    }
}
