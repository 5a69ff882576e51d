//! End-to-end, data-driven: the shipped scenarios answer as documented. Each file in
//! tests/simulate-cases/ lists requests and the answer expected; one simulator per file runs
//! them all, and every SOAP body it sent is validated against the official schemas.
//!
//! - `default.yaml`: every response code and behaviour reachable from scenarios/default.yaml
//!   (the table in scenarios/README.md);
//! - `tkw-triggers.yaml`: every trigger of NHS's TKW ITK_SMS_PDS pack (SPEC.md §5.4) gives
//!   TKW's code from scenarios/tkw-triggers.yaml.

mod support;

use serde::Deserialize;
use smsp_protocol::{
    CodedValue, Identifier, Operation, Parameter, PersonName, QueryParam, TraceQuery, ns,
};
use support::{Simulator, outcome, request_xml};

#[derive(Debug, Deserialize)]
struct Cases {
    /// Extra `smsp simulate` arguments.
    #[serde(default)]
    args: Vec<String>,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    operation: String,
    nhs_number: Option<String>,
    birth_date: Option<String>,
    surname: Option<String>,
    given: Option<String>,
    gender: Option<String>,
    postcode: Option<String>,
    /// A response code, `fault <faultcode> <ErrorCode>`, `http <status>`, `busy`,
    /// `dropped` or `garbage`.
    expect: String,
    /// Text the response body must contain.
    #[serde(default)]
    contains: Vec<String>,
    /// Text the response body must not contain.
    #[serde(default)]
    lacks: Vec<String>,
}

impl Case {
    fn query(&self) -> TraceQuery {
        let name = (self.surname.is_some() || self.given.is_some()).then(|| {
            QueryParam::new(
                Parameter::Name,
                PersonName {
                    given: self.given.iter().cloned().collect(),
                    family: self.surname.clone(),
                    ..PersonName::default()
                },
            )
        });
        TraceQuery {
            date_of_birth: self
                .birth_date
                .clone()
                .map(|d| QueryParam::new(Parameter::DateOfBirth, d)),
            gender: self
                .gender
                .clone()
                .map(|g| QueryParam::new(Parameter::Gender, CodedValue::new(g, ns::OID_GENDER))),
            local_identifier: None,
            nhs_number: self
                .nhs_number
                .clone()
                .map(|n| QueryParam::new(Parameter::NhsNumber, Identifier::nhs_number(n))),
            name,
            postcode: self
                .postcode
                .clone()
                .map(|p| QueryParam::new(Parameter::Postcode, p)),
        }
    }
}

fn run_cases(file: &str, scenario_args: &[&str]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/simulate-cases")
        .join(file);
    let cases: Cases = yaml_serde::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<&str> = scenario_args.to_vec();
    args.extend(cases.args.iter().map(String::as_str));
    let sim = Simulator::start(&args, dir.path());
    let client = reqwest::blocking::Client::new();
    let mut failures = Vec::new();
    for case in &cases.cases {
        let op = Operation::from_name(&case.operation)
            .unwrap_or_else(|| panic!("{}: unknown operation {}", case.name, case.operation));
        let body = request_xml(
            op,
            case.query(),
            &sim.url,
            "urn:nhs-uk:identity:ods:X09:SYS:e2e",
        );
        let res = client
            .post(&sim.url)
            .header("Content-Type", "text/xml")
            .header("SOAPAction", op.service())
            .body(body)
            .send();
        let (got, text) = match res {
            Err(e) if e.status().is_none() => {
                // No HTTP answer: a dropped connection or bytes that are not HTTP.
                let what = if format!("{e:?}").contains("Parse") {
                    "garbage"
                } else {
                    "dropped"
                };
                (what.to_owned(), String::new())
            }
            Err(e) => (format!("error {e}"), String::new()),
            Ok(r) => {
                let status = r.status().as_u16();
                let bytes = r.bytes().unwrap().to_vec();
                sim.responses.borrow_mut().push(bytes.clone());
                let got = match status {
                    200 | 500 => outcome(&bytes),
                    503 => "busy".to_owned(),
                    s => format!("http {s}"),
                };
                (got, String::from_utf8_lossy(&bytes).into_owned())
            }
        };
        if got != case.expect {
            failures.push(format!(
                "{}: expected {}, got {got}",
                case.name, case.expect
            ));
        }
        for c in &case.contains {
            if !text.contains(c.as_str()) {
                failures.push(format!("{}: the response lacks {c:?}", case.name));
            }
        }
        for c in &case.lacks {
            if text.contains(c.as_str()) {
                failures.push(format!("{}: the response contains {c:?}", case.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.cases.len(),
        failures.join("\n")
    );
    sim.validate_responses();
}

#[test]
fn tkw_triggers_give_tkw_codes() {
    run_cases("tkw-triggers.yaml", &["--scenario", "builtin:tkw-triggers"]);
}

#[test]
fn default_scenario_reaches_every_code_and_behaviour() {
    run_cases("default.yaml", &[]);
}
