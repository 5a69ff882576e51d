//! The conformance checker against its corpus: every folder under `tests/checker/` holds a
//! `message.xml`, the findings it must produce (`expected.yaml`) and optionally the context
//! to check it in (`context.yaml`). See `tests/checker/README.md`.
//!
//! One test runs every case and reports every mismatch at once, with the actual findings
//! written as YAML ready to paste; other tests keep the corpus in step with the catalogue.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use smsp_protocol::check::{self, CheckContext, Finding, Severity};
use smsp_protocol::parse_message;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One expected finding. `message` is not compared unless `contains` is given.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Expected {
    rule: String,
    severity: String,
    location: String,
    #[serde(default)]
    contains: Option<String>,
}

/// `context.yaml`: the check context and what to compare.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseContext {
    /// RFC 3339 receive time.
    #[serde(default)]
    now: Option<String>,
    /// HTTP SOAPAction (unquoted).
    #[serde(default)]
    soap_action: Option<String>,
    #[serde(default)]
    max_clock_skew_seconds: Option<i64>,
    /// Compare info findings too (otherwise only errors and warnings).
    #[serde(default)]
    include_info: bool,
    /// What a provider should answer ([`check::consequence_of`], as displayed), e.g.
    /// `SOAP fault Client 1000`, `response SMSP-0001`, `report only`.
    #[serde(default)]
    answer: Option<String>,
}

struct Case {
    name: String,
    dir: PathBuf,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/checker")
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(corpus_dir())
        .expect("tests/checker exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| Case {
            name: e.file_name().to_string_lossy().into_owned(),
            dir: e.path(),
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn read_yaml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    yaml_serde::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn context(case: &Case) -> Result<CaseContext, String> {
    let path = case.dir.join("context.yaml");
    if path.exists() {
        read_yaml(&path)
    } else {
        Ok(CaseContext::default())
    }
}

fn expected(case: &Case) -> Result<Vec<Expected>, String> {
    let mut e: Vec<Expected> = read_yaml(&case.dir.join("expected.yaml"))?;
    e.sort();
    Ok(e)
}

/// Runs one case: its findings, or why it could not run.
fn run(case: &Case) -> Result<(Vec<Finding>, CaseContext), String> {
    let cx_file = context(case)?;
    let bytes = std::fs::read(case.dir.join("message.xml"))
        .map_err(|e| format!("{}/message.xml: {e}", case.dir.display()))?;
    let parsed = parse_message(&bytes, None).map_err(|e| format!("does not parse: {e}"))?;
    let now = match &cx_file.now {
        Some(t) => Some(
            OffsetDateTime::parse(t, &Rfc3339).map_err(|e| format!("context now {t:?}: {e}"))?,
        ),
        None => None,
    };
    let mut cx = CheckContext {
        now,
        soap_action: cx_file.soap_action.as_deref(),
        ..CheckContext::default()
    };
    if let Some(skew) = cx_file.max_clock_skew_seconds {
        cx.max_clock_skew_seconds = skew;
    }
    let findings = check::check(&parsed, &cx);
    Ok((findings, cx_file))
}

fn compared(findings: &[Finding], include_info: bool) -> Vec<&Finding> {
    let mut f: Vec<&Finding> = findings
        .iter()
        .filter(|f| include_info || f.severity != Severity::Info)
        .collect();
    f.sort_by(|a, b| {
        (a.rule, a.severity.as_str(), &a.location).cmp(&(b.rule, b.severity.as_str(), &b.location))
    });
    f
}

fn matches(e: &Expected, f: &Finding) -> bool {
    e.rule == f.rule
        && e.severity == f.severity.as_str()
        && e.location == f.location
        && e.contains.as_ref().is_none_or(|c| f.message.contains(c))
}

fn as_yaml(findings: &[&Finding]) -> String {
    if findings.is_empty() {
        return "[]\n".to_owned();
    }
    let mut s = String::new();
    for f in findings {
        let _ = writeln!(
            s,
            "- {{rule: {}, severity: {}, location: \"{}\"}}  # {}",
            f.rule,
            f.severity.as_str(),
            f.location,
            f.message
        );
    }
    s
}

#[test]
fn corpus_cases_produce_exactly_their_expected_findings() {
    let cases = cases();
    assert!(
        !cases.is_empty(),
        "no cases under {}",
        corpus_dir().display()
    );
    let mut failures = String::new();
    for case in &cases {
        let outcome = run(case).and_then(|(findings, cx)| {
            let want = expected(case)?;
            let got = compared(&findings, cx.include_info);
            let same = want.len() == got.len() && want.iter().zip(&got).all(|(e, f)| matches(e, f));
            let answer = check::consequence_of(&findings).to_string();
            if let Some(expected_answer) = cx.answer.as_ref().filter(|a| **a != answer) {
                Err(format!(
                    "answer: expected {expected_answer:?}, actual {answer:?}\nfindings:\n{}",
                    as_yaml(&got)
                ))
            } else if same {
                Ok(())
            } else {
                let want_yaml: String = want
                    .iter()
                    .map(|e| {
                        format!(
                            "- {{rule: {}, severity: {}, location: \"{}\"{}}}\n",
                            e.rule,
                            e.severity,
                            e.location,
                            e.contains
                                .as_ref()
                                .map(|c| format!(", contains: {c:?}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                Err(format!(
                    "expected:\n{}actual:\n{}",
                    if want_yaml.is_empty() {
                        "[]\n".to_owned()
                    } else {
                        want_yaml
                    },
                    as_yaml(&got)
                ))
            }
        });
        if let Err(why) = outcome {
            let _ = writeln!(failures, "=== {}\n{why}", case.name);
        }
    }
    assert!(
        failures.is_empty(),
        "checker corpus mismatches:\n{failures}"
    );
}

/// `<rule-id>--fail-<what>`, `<rule-id>--pass-<what>` or `clean--<what>`.
fn split_name(name: &str) -> Option<(&str, &str)> {
    let (rule, rest) = name.split_once("--")?;
    let kind = if rest.starts_with("fail-") {
        "fail"
    } else if rest.starts_with("pass-") {
        "pass"
    } else {
        return None;
    };
    Some((rule, kind))
}

#[test]
fn corpus_folders_are_named_for_known_rules() {
    let ids: BTreeSet<&str> = check::rules().iter().map(|r| r.id).collect();
    let mut bad = Vec::new();
    for case in cases() {
        if case.name.starts_with("clean--") {
            continue;
        }
        match split_name(&case.name) {
            Some((rule, _)) if ids.contains(rule) => {}
            _ => bad.push(case.name),
        }
    }
    assert!(
        bad.is_empty(),
        "folders must be <rule-id>--fail-<what>, <rule-id>--pass-<what> or clean--<what> with a rule id from check::rules(): {bad:?}"
    );
}

#[test]
fn every_rule_has_a_failing_and_a_passing_case() {
    let names: Vec<String> = cases().into_iter().map(|c| c.name).collect();
    let mut missing = Vec::new();
    for r in check::rules() {
        for kind in ["fail", "pass"] {
            let has = names.iter().any(|n| split_name(n) == Some((r.id, kind)));
            if !has {
                missing.push(format!("{}--{kind}-…", r.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without a corpus case: {missing:#?}"
    );
}

#[test]
fn failing_cases_expect_their_rule_and_passing_cases_do_not() {
    let mut wrong = Vec::new();
    for case in cases() {
        let Some((rule, kind)) = split_name(&case.name) else {
            continue;
        };
        let want = match expected(&case) {
            Ok(w) => w,
            Err(e) => {
                wrong.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        let mentions = want.iter().any(|e| e.rule == rule);
        if (kind == "fail") != mentions {
            wrong.push(case.name.clone());
        }
    }
    assert!(
        wrong.is_empty(),
        "a fail case must expect a finding of its rule, a pass case none: {wrong:#?}"
    );
}

#[test]
fn clean_cases_expect_nothing() {
    for case in cases().iter().filter(|c| c.name.starts_with("clean--")) {
        let want = expected(case).unwrap_or_else(|e| panic!("{e}"));
        assert!(want.is_empty(), "{} must expect []", case.name);
    }
}

#[test]
fn every_finding_names_a_catalogued_rule_with_its_requirements() {
    for case in cases() {
        let Ok((findings, _)) = run(&case) else {
            continue; // reported by the corpus test
        };
        for f in findings {
            let rule = check::rule(f.rule).unwrap_or_else(|| {
                panic!("{}: rule {} is not in the catalogue", case.name, f.rule)
            });
            assert_eq!(f.requirements, rule.requirements, "{}", case.name);
            assert!(
                !f.message.is_empty() && !f.location.is_empty(),
                "{}: {f:?}",
                case.name
            );
        }
    }
}

#[test]
fn findings_serialise() {
    let case = cases()
        .into_iter()
        .find(|c| c.name.starts_with("wsse.username.present--fail"))
        .expect("a username case");
    let (findings, _) = run(&case).expect("runs");
    let yaml = yaml_serde::to_string(&findings).expect("serialises");
    assert!(yaml.contains("rule: wsse.username.present"), "{yaml}");
    assert!(yaml.contains("severity: error"), "{yaml}");
    assert!(yaml.contains("3000"), "{yaml}");
}

// ------------------------------------------------------------------ built messages and fuzzing

use proptest::prelude::*;
use smsp_protocol::messages::{self, ResponseContent, Sender};
use smsp_protocol::{
    Body, CodedValue, Envelope, FaultCode, FixedClock, Identifier, ItkErrorCode, Operation,
    Parameter, PatientIdentifiers, PersonName, QueryParam, SeededIds, TraceQuery, ValidIdentifier,
    ns,
};

fn query(operation: Operation) -> TraceQuery {
    let dob = Some(QueryParam::new(
        Parameter::DateOfBirth,
        "19770705".to_owned(),
    ));
    let gender = Some(QueryParam::new(
        Parameter::Gender,
        CodedValue::new("2", ns::OID_GENDER),
    ));
    let nhs = Some(QueryParam::new(
        Parameter::NhsNumber,
        Identifier::nhs_number("9449310467"),
    ));
    let name = Some(QueryParam::new(
        Parameter::Name,
        PersonName {
            given: vec!["LILITH".to_owned()],
            family: Some("LAWALI".to_owned()),
            ..PersonName::default()
        },
    ));
    match operation {
        Operation::VerifyNhsNumber | Operation::GetPatientDetailsByNhsNumber => TraceQuery {
            date_of_birth: dob,
            nhs_number: nhs,
            ..TraceQuery::default()
        },
        Operation::GetNhsNumber | Operation::GetPatientDetailsBySearch => TraceQuery {
            date_of_birth: dob,
            gender,
            name,
            ..TraceQuery::default()
        },
        Operation::GetPatientDetails => TraceQuery {
            date_of_birth: dob,
            gender,
            name,
            nhs_number: nhs,
            ..TraceQuery::default()
        },
    }
}

fn now() -> OffsetDateTime {
    time::macros::datetime!(2026-11-21 10:00:00 UTC)
}

/// What the crate builds (requests, success and bare responses, faults) passes its own
/// checker, in the context of the time it was built.
#[test]
fn messages_built_by_the_crate_pass() {
    let clock = FixedClock::at(now());
    let ids = SeededIds::new(7);
    let mut built: Vec<(String, Envelope)> = Vec::new();
    for op in Operation::ALL {
        built.push((
            format!("{op} request"),
            messages::request(op, query(op), &Sender::default(), &clock, &ids),
        ));
        built.push((
            format!("{op} DEMOG-0001"),
            messages::response(op, ResponseContent::bare(op, "DEMOG-0001"), None, &ids),
        ));
    }
    let relates_to = "B72F7785-534C-11E6-ADCA-29C651A3BE6F";
    built.push((
        "verifyNHSNumber SMSP-0000".to_owned(),
        messages::response(
            Operation::VerifyNhsNumber,
            ResponseContent::Verify {
                code: "SMSP-0000".to_owned(),
                valid_identifier: Some(ValidIdentifier {
                    verified: true,
                    nhs_number: Identifier::nhs_number("9449310467"),
                }),
            },
            Some(relates_to),
            &ids,
        ),
    ));
    built.push((
        "getNHSNumber SMSP-0000".to_owned(),
        messages::response(
            Operation::GetNhsNumber,
            ResponseContent::NhsNumber {
                code: "SMSP-0000".to_owned(),
                patient: Some(PatientIdentifiers {
                    nhs_number: Identifier::nhs_number("9449310467"),
                    local_identifier: None,
                }),
            },
            Some(relates_to),
            &ids,
        ),
    ));
    for (code, error_code) in [
        (FaultCode::Client, ItkErrorCode::InvalidMessage),
        (FaultCode::Client, ItkErrorCode::AccessDenied),
        (FaultCode::MustUnderstand, ItkErrorCode::InvalidMessage),
        (FaultCode::Server, ItkErrorCode::ProcessingError),
    ] {
        built.push((
            format!("{code:?} {} fault", error_code.as_str()),
            messages::fault(code, error_code, "error", None, Some(relates_to), &ids),
        ));
    }
    let cx = CheckContext::at(now());
    for (what, envelope) in built {
        let findings = check::check_envelope(&envelope, &cx);
        assert!(findings.is_empty(), "{what}: {findings:#?}");
        // And the same after a trip through the wire form, with parse notes.
        let xml = smsp_protocol::to_xml(&envelope);
        let parsed = parse_message(xml.as_bytes(), None).expect("built messages parse");
        let findings = check::check(&parsed, &cx);
        assert!(findings.is_empty(), "{what} (parsed): {findings:#?}");
    }
}

/// Any value in any field the rules read: the checker never panics, and names only
/// catalogued rules.
fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "[0-9A-Fa-f-]{30,40}",
        "[0-9:T+Z.-]{0,30}",
        "[0-9*]{0,14}",
        "[1-9][0-9]{3}-(0[1-9]|1[0-2])-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,12})?(Z|[+-]1[0-4]:[0-5][0-9])?",
        Just("9999-12-31T23:59:59-14:00".to_owned()),
        Just("1000-01-01T00:00:00+14:00".to_owned()),
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_checker_never_panics(
        values in proptest::collection::vec(any_value(), 16),
        skew in any::<i64>(),
    ) {
        let clock = FixedClock::at(now());
        let ids = SeededIds::new(1);
        let op = Operation::ALL[values[0].len() % 5];
        let mut env = messages::request(op, query(op), &Sender::default(), &clock, &ids);
        let v = |i: usize| values[i].clone();
        env.header.addressing.message_id = Some(v(1));
        env.header.addressing.action = Some(v(2));
        env.header.addressing.relates_to = Some(v(3));
        if let Some(ts) = env.header.security.as_mut().and_then(|s| s.timestamp.as_mut()) {
            ts.id = Some(v(4));
            ts.created = Some(v(5));
            ts.expires = Some(v(6));
        }
        if let Body::DistributionEnvelope(de) = &mut env.body {
            de.header.tracking_id = Some(v(7));
            if let Some(ids) = de.header.audit_identity.as_mut() {
                ids.push(smsp_protocol::AuditIdentity { id_type: Some(v(8)), uri: Some(v(9)) });
            }
            if let Some(m) = de.header.manifest.as_mut() {
                m.count = Some(v(10));
                if let Some(item) = m.items.first_mut() {
                    item.id = Some(v(11));
                }
            }
            if let Some(p) = de.payloads.items.first_mut()
                && let smsp_protocol::PayloadBody::Request(r) = &mut p.body
            {
                r.id = v(12);
                if let Some(d) = r.query.date_of_birth.as_mut() {
                    d.value = v(13);
                }
                if let Some(n) = r.query.nhs_number.as_mut() {
                    n.value.extension = Some(v(14));
                }
                r.query.postcode = Some(QueryParam::new(Parameter::Postcode, v(15)));
            }
        }
        let soap_action = v(0);
        let cx = CheckContext {
            now: Some(now()),
            max_clock_skew_seconds: skew,
            soap_action: Some(&soap_action),
        };
        for f in check::check_envelope(&env, &cx) {
            prop_assert!(check::rule(f.rule).is_some(), "{}", f.rule);
        }
        let _ = check::consequence_of(&check::check_envelope(&env, &CheckContext::default()));
    }
}
