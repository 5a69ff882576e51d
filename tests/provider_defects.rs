//! A provider that is wrong in known ways fails exactly the cases it should, each naming its
//! rule, and `smsp test provider` exits 4.
//!
//! The "provider" is a proxy in front of the real `smsp simulate` that spoils its answers in
//! one way per URL prefix (`/wrong-code-system/smsp/pds`, …). A clean run through the same
//! proxy (`/clean/smsp/pds`) says what each case gets from a correct provider; for each defect,
//! the cases that should fail are the ones whose clean answer the defect touches, and every
//! other case must keep its clean outcome.

mod support;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use support::{Simulator, smsp};

/// One way of being wrong: how it spoils an answer, which clean answers it touches, and the
/// rule that must name it.
struct Defect {
    name: &'static str,
    /// Whether the defect changes the clean answer `answer` (response code or `fault …`) to a
    /// request for `operation`.
    touches: fn(answer: &str, operation: &str) -> bool,
    /// The rule every touched case must name among its findings.
    rule: &'static str,
}

fn is_code(answer: &str) -> bool {
    !answer.starts_with("fault") && answer != "refused"
}

const DEFECTS: &[Defect] = &[
    Defect {
        name: "wrong-code-system",
        touches: |answer, _| is_code(answer),
        rule: "codes.oid",
    },
    Defect {
        name: "demog-9999-for-0001",
        touches: |answer, _| answer == "DEMOG-0001",
        rule: "expect.response-code",
    },
    Defect {
        name: "wrong-action",
        touches: |answer, operation| is_code(answer) && operation == "getNHSNumber",
        rule: "correlation.action",
    },
    Defect {
        name: "manifest-id-mismatch",
        touches: |answer, _| is_code(answer),
        rule: "itk.manifest.payload-ids",
    },
    Defect {
        name: "fault-with-200",
        touches: |answer, _| answer.starts_with("fault"),
        rule: "http.status-matches-body",
    },
    Defect {
        name: "unknown-code",
        touches: |answer, _| answer == "DEMOG-0042",
        rule: "codes.defined",
    },
];

/// Spoils one answer.
fn spoil(defect: &str, status: StatusCode, body: String) -> (StatusCode, String) {
    match defect {
        "clean" => (status, body),
        "wrong-code-system" => (
            status,
            body.replace(
                "codeSystem=\"2.16.840.1.113883.2.1.3.2.4.17.285\"",
                "codeSystem=\"2.16.840.1.113883.2.1.3.2.4.17.500\"",
            ),
        ),
        "demog-9999-for-0001" => (
            status,
            body.replace("code=\"DEMOG-0001\"", "code=\"DEMOG-9999\""),
        ),
        "wrong-action" => (
            status,
            body.replace(
                ">urn:nhs-itk:services:201005:getNHSNumber-v1-0Response</",
                ">urn:nhs-itk:services:201005:getNHSNumber-v1-0</",
            ),
        ),
        "manifest-id-mismatch" => {
            // The manifest item's id is the first `id="uuid_…"`; the payload's is the second.
            let spoiled = match body.find("manifestitem") {
                Some(at) => {
                    let (head, tail) = body.split_at(at);
                    format!("{head}{}", tail.replacen("id=\"uuid_", "id=\"uuid_0", 1))
                }
                None => body,
            };
            (status, spoiled)
        }
        "fault-with-200" if status == StatusCode::INTERNAL_SERVER_ERROR => (StatusCode::OK, body),
        "fault-with-200" => (status, body),
        "unknown-code" => (
            status,
            body.replace("code=\"DEMOG-0042\"", "code=\"DEMOG-0043\""),
        ),
        other => panic!("unknown defect {other}"),
    }
}

#[derive(Clone)]
struct Upstream {
    url: String,
    client: reqwest::Client,
}

async fn forward(
    State(up): State<Upstream>,
    UrlPath(defect): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut request = up.client.post(&up.url).body(body);
    for name in [header::CONTENT_TYPE.as_str(), "soapaction"] {
        if let Some(v) = headers.get(name) {
            request = request.header(name, v.clone());
        }
    }
    let answer = match request.send().await {
        Ok(a) => a,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).expect("status");
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let text = answer.text().await.unwrap_or_default();
    let (status, text) = spoil(&defect, status, text);
    let mut response = (status, text).into_response();
    if let Some(ct) = content_type {
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    response
}

/// Starts the spoiling proxy on a free port in a background runtime.
fn start_proxy(upstream: &str) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    let upstream = Upstream {
        url: upstream.to_owned(),
        client: reqwest::Client::new(),
    };
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let app = Router::new()
                .route("/{defect}/smsp/pds", axum::routing::post(forward))
                .with_state(upstream);
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    addr
}

/// What one case got: outcome, answer, operation, and the rules of its error findings.
type CaseResult = (String, String, String, Vec<String>);

/// Runs the suite against `url`; returns the exit code and case id → (outcome, answer,
/// operation, rules named).
fn run_suite(url: &str, out: &Path) -> (i32, BTreeMap<String, CaseResult>) {
    let output = smsp()
        .args(["test", "provider", "--target", url, "--out"])
        .arg(out)
        .output()
        .expect("run smsp test provider");
    let record: Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).expect("run.json"))
            .expect("json");
    let mut cases = BTreeMap::new();
    for case in record["cases"].as_array().expect("cases") {
        let answer = case["exchanges"][0]["answer"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let rules = case["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| f["rule"].as_str().expect("rule").to_owned())
            .collect();
        cases.insert(
            case["id"].as_str().expect("id").to_owned(),
            (
                case["outcome"].as_str().expect("outcome").to_owned(),
                answer,
                case["operation"].as_str().unwrap_or("").to_owned(),
                rules,
            ),
        );
    }
    (output.status.code().unwrap_or(-1), cases)
}

#[test]
fn a_provider_wrong_in_known_ways_fails_exactly_the_cases_it_should() {
    let work = tempfile::tempdir().expect("tempdir");
    let sim = Simulator::start(&[], work.path());
    let proxy = start_proxy(&sim.url);

    let (code, clean) = run_suite(
        &format!("http://{proxy}/clean/smsp/pds"),
        &work.path().join("clean"),
    );
    let not_passing: Vec<_> = clean
        .iter()
        .filter(|(_, c)| c.0 != "pass" && c.0 != "skipped")
        .collect();
    assert!(
        not_passing.is_empty(),
        "the clean run must pass: {not_passing:?}"
    );
    assert_eq!(code, 0);

    for defect in DEFECTS {
        let (code, spoiled) = run_suite(
            &format!("http://{proxy}/{}/smsp/pds", defect.name),
            &work.path().join(defect.name),
        );
        let mut touched = 0;
        for (id, (clean_outcome, clean_answer, operation, _)) in &clean {
            let (outcome, _, _, rules) = &spoiled[id];
            if clean_outcome == "pass" && (defect.touches)(clean_answer, operation) {
                touched += 1;
                assert_eq!(
                    outcome, "fail",
                    "{}: {id} ({clean_answer}) should fail",
                    defect.name
                );
                assert!(
                    rules.iter().any(|r| r == defect.rule),
                    "{}: {id} should name {}, named {rules:?}",
                    defect.name,
                    defect.rule
                );
            } else {
                assert_eq!(
                    outcome, clean_outcome,
                    "{}: {id} ({clean_answer}) is not touched by the defect and should stay {clean_outcome}; findings {rules:?}",
                    defect.name
                );
            }
        }
        assert!(
            touched > 0,
            "{}: the suite has no case the defect touches",
            defect.name
        );
        assert_eq!(code, 4, "{}: exit code", defect.name);
    }
}
