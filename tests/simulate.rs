//! End-to-end tests of `smsp simulate`: the real binary on loopback. Transport (mutual TLS,
//! network faults, limits, hostile bodies), the admin API and journal, hot reload, seeded
//! determinism, and every fault kind; every SOAP body received is validated against the
//! official schemas.

mod support;

use std::time::Duration;

use smsp_protocol::Operation;
use support::{Simulator, by_number, by_search, outcome, request_xml, smsp, tls_client};

/// A scenario exercising rule kinds, written for these tests.
const SCENARIO: &str = r#"
name: e2e
rules:
  - name: fault-1000
    when: { surname: FAULTA }
    then: { fault: { kind: "1000" } }
  - name: fault-2100
    when: { surname: FAULTB }
    then: { fault: { kind: "2100" } }
  - name: fault-2200
    when: { surname: FAULTC }
    then: { fault: { kind: "2200" } }
  - name: fault-3000
    when: { surname: FAULTD }
    then: { fault: { kind: "3000", text: "audit identity not authorised" } }
  - name: version-mismatch
    when: { surname: FAULTE }
    then: { fault: { kind: version_mismatch } }
  - name: must-understand
    when: { surname: FAULTF }
    then: { fault: { kind: must_understand } }
  - name: raw
    when: { surname: RAW }
    then: { http: { status: 502, body: "bad gateway from the test", content_type: text/plain } }
  - name: drop
    when: { surname: DROP }
    then: { drop_connection: true }
  - name: garbage
    when: { surname: GARBAGE }
    then: { garbage: true }
  - name: busy
    when: { surname: BUSY }
    then: { busy: true }
  - name: slow
    when: { surname: SLOW }
    then: { delay_ms: 700 }
  - name: by-dn
    when: { client_dn: "CN=second-user*" }
    then: { code: SMSP-0005 }
patients:
  - nhs_number: "9000000009"
    name: { given: [JOHN], family: SMITH }
    gender: male
    birth_date: "19800101"
    addresses: [ { lines: ["1 HIGH ST"], postcode: LS1 1AA } ]
"#;

fn scenario_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("e2e.yaml"), SCENARIO).expect("write scenario");
    dir
}

fn surname(s: &str) -> smsp_protocol::TraceQuery {
    by_search(s, None, "1", "19800101", None)
}

#[test]
fn every_operation_answers_and_every_fault_kind_is_sent() {
    let dir = scenario_dir();
    let sim = Simulator::start(&["--scenario", "e2e.yaml"], dir.path());
    assert_eq!(
        sim.ask(
            Operation::VerifyNhsNumber,
            by_number("9000000009", "19800101")
        ),
        (200, "SMSP-0000".into())
    );
    assert_eq!(
        sim.ask(
            Operation::GetPatientDetailsByNhsNumber,
            by_number("9000000009", "19800101")
        ),
        (200, "SMSP-0000".into())
    );
    assert_eq!(
        sim.ask(
            Operation::GetPatientDetails,
            by_number("9000000009", "19800101")
        ),
        (200, "SMSP-0000".into())
    );
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("SMITH")),
        (200, "SMSP-0000".into())
    );
    assert_eq!(
        sim.ask(Operation::GetPatientDetailsBySearch, surname("SMITH")),
        (200, "SMSP-0000".into())
    );
    assert_eq!(
        sim.ask(Operation::GetPatientDetails, surname("SMITH")),
        (200, "SMSP-0000".into())
    );
    for (name, expected) in [
        ("FAULTA", "fault Client 1000"),
        ("FAULTB", "fault Server 2100"),
        ("FAULTC", "fault Server 2200"),
        ("FAULTD", "fault Client 3000"),
        ("FAULTE", "fault VersionMismatch 1000"),
        ("FAULTF", "fault MustUnderstand 1000"),
    ] {
        assert_eq!(
            sim.ask(Operation::GetNhsNumber, surname(name)),
            (500, expected.to_owned()),
            "{name}"
        );
    }
    sim.validate_responses();
}

#[test]
fn network_faults_are_injected_and_the_server_carries_on() {
    let dir = scenario_dir();
    let sim = Simulator::start(&["--scenario", "e2e.yaml"], dir.path());
    let send = |name: &str| {
        let body = request_xml(
            Operation::GetNhsNumber,
            surname(name),
            &sim.url,
            "urn:nhs-uk:identity:ods:X09:SYS:e2e",
        );
        reqwest::blocking::Client::new()
            .post(&sim.url)
            .header("Content-Type", "text/xml")
            .body(body)
            .send()
    };
    let raw = send("RAW").expect("raw HTTP answer");
    assert_eq!(raw.status().as_u16(), 502);
    assert_eq!(raw.text().unwrap(), "bad gateway from the test");
    let busy = send("BUSY").expect("busy tone");
    assert_eq!(busy.status().as_u16(), 503);
    let dropped = send("DROP").expect_err("a dropped connection gives no response");
    assert!(dropped.status().is_none(), "{dropped:?}");
    let garbage = send("GARBAGE").expect_err("garbage is not HTTP");
    assert!(garbage.status().is_none(), "{garbage:?}");
    let started = std::time::Instant::now();
    let slow = send("SLOW").expect("a delayed answer");
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "the delay was applied"
    );
    assert_eq!(outcome(&slow.bytes().unwrap()), "DEMOG-0001");
    // Still serving.
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("SMITH")),
        (200, "SMSP-0000".into())
    );
    let journal = sim.admin_get("/__admin/exchanges");
    let kinds: Vec<String> = journal["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["answer"]["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["http", "busy", "dropped", "garbage", "response", "response"]
    );
    assert_eq!(journal["exchanges"][4]["delay_ms"], 700);
}

#[test]
fn mutual_tls_accepts_dev_clients_records_their_dn_and_refuses_others() {
    let dir = scenario_dir();
    let pki = dir.path().join("pki");
    let certs = smsp()
        .args(["certs", "--out"])
        .arg(&pki)
        .args(["--client", "second-user"])
        .output()
        .unwrap();
    assert!(
        certs.status.success(),
        "{}",
        String::from_utf8_lossy(&certs.stderr)
    );
    let sim = Simulator::start(&["--scenario", "e2e.yaml", "--dev-tls", "pki"], dir.path());
    assert!(sim.url.starts_with("https://"), "{}", sim.url);
    assert!(
        sim.banner.iter().any(|l| l.starts_with("dev TLS (reused)")),
        "{:?}",
        sim.banner
    );
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("SMITH")),
        (200, "SMSP-0000".into())
    );

    // Another user of the same CA: accepted, recorded, and matched by a rule on its DN.
    let second = tls_client(
        &pki,
        Some(("client-second-user.pem", "client-second-user-key.pem")),
    );
    let body = request_xml(
        Operation::GetNhsNumber,
        surname("SMITH"),
        &sim.url,
        "urn:nhs-uk:identity:ods:X09:SYS:e2e",
    );
    let res = second
        .post(&sim.url)
        .header("Content-Type", "text/xml")
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(outcome(&res.bytes().unwrap()), "SMSP-0005");

    // No certificate: refused at the handshake, no HTTP answer.
    let anonymous = tls_client(&pki, None);
    let refused = anonymous
        .post(&sim.url)
        .header("Content-Type", "text/xml")
        .body(body.clone())
        .send();
    assert!(
        refused.as_ref().map(|r| r.status().as_u16()).is_err(),
        "{refused:?}"
    );

    // A certificate from another CA: refused too.
    let other = dir.path().join("other");
    assert!(
        smsp()
            .args(["certs", "--out"])
            .arg(&other)
            .output()
            .unwrap()
            .status
            .success()
    );
    let mut pem = std::fs::read(other.join("client.pem")).unwrap();
    pem.extend(std::fs::read(other.join("client-key.pem")).unwrap());
    let foreign = reqwest::blocking::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(
            &std::fs::read(pki.join("ca.pem")).unwrap(),
        )
        .unwrap()])
        .identity(reqwest::Identity::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let refused = foreign
        .post(&sim.url)
        .header("Content-Type", "text/xml")
        .body(body)
        .send();
    assert!(refused.is_err(), "{refused:?}");

    // Still serving the good client; the journal names each client.
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("SMITH")),
        (200, "SMSP-0000".into())
    );
    let journal = sim.admin_get("/__admin/exchanges");
    let dns: Vec<&str> = journal["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["client"]["subject_dn"].as_str().unwrap())
        .collect();
    assert_eq!(
        dns,
        [
            "CN=smsp-dev-client,O=smsp development",
            "CN=second-user,O=smsp development",
            "CN=smsp-dev-client,O=smsp development"
        ]
    );
    let fp = journal["exchanges"][0]["client"]["fingerprint_sha256"]
        .as_str()
        .unwrap();
    assert_eq!(
        fp.len(),
        95,
        "SHA-256 as 32 colon-separated hex pairs: {fp}"
    );
    sim.validate_responses();
}

#[test]
fn hostile_bodies_get_faults_or_refusals_and_the_server_carries_on() {
    let dir = scenario_dir();
    let sim = Simulator::start(
        &["--scenario", "e2e.yaml", "--max-body", "200000"],
        dir.path(),
    );
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol/tests/hostile");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let case = entry.unwrap().path();
        let input = case.join("input.xml");
        if !input.is_file() {
            continue; // generated cases (huge bodies) are covered below
        }
        let body = std::fs::read(&input).unwrap();
        let (status, answer) = sim.post(&body, None);
        let text = outcome(&answer);
        assert!(
            (status == 500 && text.starts_with("fault ")) || status == 413,
            "{}: HTTP {status} {text}",
            case.display()
        );
        if case.ends_with("soap12") {
            assert_eq!(text, "fault VersionMismatch 1000");
        }
        seen += 1;
    }
    assert!(seen >= 15, "only {seen} hostile cases found");
    // Over the body limit: 413, journaled.
    let huge = vec![b'x'; 300_000];
    let (status, body) = sim.post(&huge, None);
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    // Still serving.
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("SMITH")),
        (200, "SMSP-0000".into())
    );
    let health = sim.admin_get("/__admin/health");
    assert_eq!(health["status"], "ok");
    sim.validate_responses();
}

#[test]
fn a_slow_sender_is_timed_out_and_others_are_served() {
    use std::io::{Read, Write};
    let dir = scenario_dir();
    let sim = Simulator::start(&["--scenario", "e2e.yaml"], dir.path());
    let addr = sim
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/smsp/pds")
        .to_owned();
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    // Headers that never finish.
    slow.write_all(b"POST /smsp/pds HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // Meanwhile another client is served.
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("SMITH")),
        (200, "SMSP-0000".into())
    );
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut buf = Vec::new();
    let n = slow.read_to_end(&mut buf);
    assert!(
        n.is_ok(),
        "the server closes a connection whose headers never arrive: {n:?}"
    );
}

#[test]
fn journal_file_and_admin_api_record_every_exchange() {
    let dir = scenario_dir();
    let sim = Simulator::start(
        &["--scenario", "e2e.yaml", "--journal", "journal.jsonl"],
        dir.path(),
    );
    for _ in 0..3 {
        sim.ask(Operation::GetNhsNumber, surname("SMITH"));
    }
    sim.ask(
        Operation::GetNhsNumber,
        by_search("SMYTH", Some("JON"), "1", "19800101", Some("LS1 1AB")),
    );
    let list = sim.admin_get("/__admin/exchanges");
    let exchanges = list["exchanges"].as_array().unwrap();
    assert_eq!(exchanges.len(), 4);
    let first = &exchanges[0];
    for field in [
        "id",
        "received_at",
        "operation",
        "message_id",
        "answer",
        "latency_ms",
        "findings",
    ] {
        assert!(!first[field].is_null(), "{field} missing in {first}");
    }
    assert!(
        first.get("request").is_none(),
        "the listing leaves bodies out"
    );
    let one = sim.admin_get(&format!("/__admin/exchanges/{}", first["id"]));
    assert!(
        one["request"]["body"]
            .as_str()
            .unwrap()
            .contains("getNHSNumberRequest-v1-0")
    );
    assert!(
        one["response"]["body"]
            .as_str()
            .unwrap()
            .contains("SMSP-0000")
    );

    let unmatched = sim.admin_get("/__admin/unmatched");
    let item = &unmatched["unmatched"][0];
    assert_eq!(item["response_code"], "DEMOG-0001");
    assert_eq!(item["nearest"]["nhs_number"], "9000000009");
    let diffs = item["nearest"]["differences"].as_array().unwrap();
    let surname_diff = diffs.iter().find(|d| d["field"] == "surname").unwrap();
    assert_eq!(surname_diff["sent"], "SMYTH");
    assert_eq!(surname_diff["held"], "SMITH");
    assert_eq!(surname_diff["agrees"], false);
    let dob_diff = diffs.iter().find(|d| d["field"] == "birth_date").unwrap();
    assert_eq!(dob_diff["agrees"], true);

    let ui = reqwest::blocking::get(format!("{}/__admin/ui", sim.admin)).unwrap();
    assert!(ui.text().unwrap().contains("live journal"));

    let del = reqwest::blocking::Client::new()
        .delete(format!("{}/__admin/exchanges", sim.admin))
        .send()
        .unwrap();
    assert_eq!(del.status().as_u16(), 204);
    assert_eq!(
        sim.admin_get("/__admin/exchanges")["exchanges"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let text = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "clearing the in-memory journal keeps the file"
    );
    assert_eq!(lines[3]["answer"]["response_code"], "DEMOG-0001");
    assert_eq!(sim.terminate(), Some(0), "SIGTERM shuts down cleanly");
}

#[test]
fn no_exchange_is_lost_under_concurrent_load() {
    let dir = scenario_dir();
    let sim = Simulator::start(
        &["--scenario", "e2e.yaml", "--journal", "load.jsonl"],
        dir.path(),
    );
    let url = sim.url.clone();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                for _ in 0..25 {
                    let body = request_xml(
                        Operation::GetNhsNumber,
                        surname("SMITH"),
                        &url,
                        "urn:nhs-uk:identity:ods:X09:SYS:e2e",
                    );
                    let res = client
                        .post(&url)
                        .header("Content-Type", "text/xml")
                        .body(body)
                        .send()
                        .unwrap();
                    assert_eq!(res.status().as_u16(), 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let text = std::fs::read_to_string(dir.path().join("load.jsonl")).unwrap();
    let mut ids: Vec<u64> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=200).collect::<Vec<_>>());
}

#[test]
fn reload_swaps_a_valid_scenario_and_refuses_an_invalid_one() {
    let dir = scenario_dir();
    let sim = Simulator::start(&["--scenario", "e2e.yaml", "--watch"], dir.path());
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("JONES")),
        (200, "DEMOG-0001".into())
    );
    // Edit: add JONES. The watcher swaps it in.
    let edited = format!(
        "{SCENARIO}  - nhs_number: \"9000000017\"\n    name: {{ family: JONES }}\n    gender: male\n    birth_date: \"19800101\"\n"
    );
    std::fs::write(dir.path().join("e2e.yaml"), &edited).unwrap();
    let mut answer = String::new();
    for _ in 0..50 {
        answer = sim.ask(Operation::GetNhsNumber, surname("JONES")).1;
        if answer == "SMSP-0000" {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        answer, "SMSP-0000",
        "the watcher reloaded the edited scenario"
    );
    // An invalid edit is refused; the old scenario keeps serving.
    std::fs::write(
        dir.path().join("e2e.yaml"),
        "patients: [ { nhs_number: \"123\" ",
    )
    .unwrap();
    let (status, body) = sim.admin_post("/__admin/reload");
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("e2e.yaml"),
        "{body}"
    );
    assert_eq!(
        sim.ask(Operation::GetNhsNumber, surname("JONES")),
        (200, "SMSP-0000".into())
    );
    // Fixed again, reloaded through the admin API.
    std::fs::write(dir.path().join("e2e.yaml"), SCENARIO).unwrap();
    let (status, body) = sim.admin_post("/__admin/reload");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scenario"]["patients"], 1);
}

#[test]
fn seeded_runs_answer_byte_for_byte_the_same() {
    let dir = scenario_dir();
    let body = request_xml(
        Operation::GetPatientDetailsBySearch,
        surname("SMITH"),
        "http://x/smsp/pds",
        "urn:nhs-uk:identity:ods:X09:SYS:e2e",
    );
    let run = || {
        let sim = Simulator::start(&["--scenario", "e2e.yaml", "--seed", "42"], dir.path());
        let a = sim.post(body.as_bytes(), None).1;
        let b = sim.post(body.as_bytes(), None).1;
        (a, b)
    };
    let first = run();
    let second = run();
    assert_eq!(first, second);
    assert_ne!(first.0, first.1, "ids still differ between responses");
}

#[test]
fn startup_errors_name_the_place_and_exit_2() {
    let dir = scenario_dir();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "patients:\n  - nhs_number: \"9000000008\"\n",
    )
    .unwrap();
    let out = smsp()
        .current_dir(dir.path())
        .args(["simulate", "--plain-http", "--scenario", "bad.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml:2:"), "{err}");
    let out = smsp()
        .current_dir(dir.path())
        .args([
            "simulate",
            "--tls-cert",
            "nope.pem",
            "--tls-key",
            "k.pem",
            "--client-ca",
            "ca.pem",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.pem"));
    // A port in use: runtime error 3.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = smsp()
        .current_dir(dir.path())
        .args([
            "simulate",
            "--plain-http",
            "--scenario",
            "e2e.yaml",
            "--listen",
            &addr,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&addr));
}
