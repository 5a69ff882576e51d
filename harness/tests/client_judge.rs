//! The client judge on captured exchanges built here: a client that follows the built-in plan
//! correctly gets "Yes" on what the wire evidences; each known fault is named.

use smsp_harness::plan::judge::{Captured, WireStatus, judge_client};
use smsp_harness::plan::load_plan;
use smsp_harness::plan::reference::audit_identity_of;
use smsp_protocol::messages::{self, Sender};
use smsp_protocol::{
    AuditIdentity, Body, CodedValue, FixedClock, Identifier, Operation, Parameter, PersonName,
    QueryParam, SeededIds, TraceQuery, ns, to_xml,
};
use time::macros::datetime;

struct Request<'a> {
    op: Operation,
    user: &'a str,
    nhs: Option<&'a str>,
    surname: Option<&'a str>,
    answer: &'a str,
    at_ms: i64,
}

fn capture(
    reqs: &[Request<'_>],
    spoil: impl Fn(&mut smsp_protocol::Envelope, usize),
) -> Vec<Captured> {
    let ids = SeededIds::new(1);
    let start = datetime!(2026-11-21 10:00:00 UTC);
    reqs.iter()
        .enumerate()
        .map(|(i, r)| {
            let at = start + time::Duration::milliseconds(r.at_ms);
            let clock = FixedClock::at(at);
            let takes = |p| r.op.cardinality(p) != smsp_protocol::Cardinality::NotAllowed;
            let query = TraceQuery {
                date_of_birth: Some(QueryParam::new(
                    Parameter::DateOfBirth,
                    "19800131".to_owned(),
                )),
                gender: takes(Parameter::Gender).then(|| {
                    QueryParam::new(Parameter::Gender, CodedValue::new("2", ns::OID_GENDER))
                }),
                nhs_number: r
                    .nhs
                    .map(|n| QueryParam::new(Parameter::NhsNumber, Identifier::nhs_number(n))),
                name: r.surname.map(|s| {
                    QueryParam::new(
                        Parameter::Name,
                        PersonName {
                            family: Some(s.to_owned()),
                            ..PersonName::default()
                        },
                    )
                }),
                ..TraceQuery::default()
            };
            let sender = Sender {
                username: r.user.to_owned(),
                audit_identity: vec![AuditIdentity {
                    id_type: None,
                    uri: Some(audit_identity_of(r.user)),
                }],
                ..Sender::default()
            };
            let mut envelope = messages::request(r.op, query, &sender, &clock, &ids);
            spoil(&mut envelope, i);
            Captured {
                id: i as u64 + 1,
                received_at: at,
                request: to_xml(&envelope).into_bytes(),
                request_content_type: Some("text/xml; charset=UTF-8".to_owned()),
                soap_action: Some(r.op.service().to_owned()),
                answer: r.answer.to_owned(),
                http_status: Some(if r.answer == "busy" { 503 } else { 200 }),
                response: None,
                response_content_type: None,
            }
        })
        .collect()
}

/// What a correct client sends for the built-in plan.
fn good_run() -> Vec<Request<'static>> {
    use Operation::*;
    let r = |op, user, nhs, surname, answer, at_ms| Request {
        op,
        user,
        nhs,
        surname,
        answer,
        at_ms,
    };
    vec![
        r(
            GetPatientDetailsBySearch,
            "alice",
            None,
            Some("PRICE"),
            "SMSP-0000",
            0,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990000018"),
            None,
            "SMSP-0000",
            100,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990000042"),
            None,
            "DEMOG-0017",
            200,
        ),
        r(
            GetPatientDetailsByNhsNumber,
            "alice",
            Some("9990000050"),
            None,
            "SMSP-0000",
            300,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990000069"),
            None,
            "DEMOG-0022",
            400,
        ),
        r(
            GetPatientDetailsBySearch,
            "alice",
            None,
            Some("SMITHS*"),
            "SMSP-0000",
            500,
        ),
        r(
            GetPatientDetailsByNhsNumber,
            "alice",
            Some("9990000085"),
            None,
            "SMSP-0000",
            600,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990001022"),
            None,
            "SMSP-0004",
            700,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990001022"),
            None,
            "SMSP-0004",
            1900,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990000174"),
            None,
            "SMSP-0000",
            2500,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990000182"),
            None,
            "busy",
            3100,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990000182"),
            None,
            "busy",
            4300,
        ),
        r(
            VerifyNhsNumber,
            "alice",
            Some("9990000182"),
            None,
            "SMSP-0000",
            5500,
        ),
        r(
            GetPatientDetailsBySearch,
            "bob",
            None,
            Some("HIDDEN"),
            "SMSP-0000",
            6000,
        ),
    ]
}

fn status(j: &smsp_harness::plan::judge::ClientJudgement, id: &str) -> Option<WireStatus> {
    j.requirements.iter().find(|r| r.id == id).map(|r| r.status)
}

#[test]
fn a_correct_client_passes_every_step() {
    let plan = load_plan("pds-client").expect("plan");
    let j = judge_client(&plan.file, &capture(&good_run(), |_, _| {}));
    let failed: Vec<_> = j
        .cases
        .iter()
        .filter(|c| c.outcome.as_str() != "pass")
        .map(|c| format!("{}: {}", c.id, c.summary))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(j.unplanned.is_empty());
    for id in ["MSCA-AUD-04", "MSCA-AUD-07", "WS-ADR-01", "COR-DEH-03"] {
        assert_eq!(status(&j, id), Some(WireStatus::Yes), "{id}");
    }
    for id in ["MSCA-DQ-03", "MSCA-DQ-04", "MSCA-AUD-06"] {
        assert_eq!(status(&j, id), Some(WireStatus::Partial), "{id}");
    }
    // wsu:Created has whole seconds, so the skew of an exact clock is under a second.
    assert!(
        j.max_clock_skew_ms.is_some_and(|ms| ms.abs() < 1000),
        "{:?}",
        j.max_clock_skew_ms
    );
}

#[test]
fn a_client_without_audit_identity_fails_msca_aud_04_naming_the_exchanges() {
    let plan = load_plan("pds-client").expect("plan");
    let j = judge_client(
        &plan.file,
        &capture(&good_run(), |e, i| {
            if i == 1
                && let Body::DistributionEnvelope(de) = &mut e.body
            {
                de.header.audit_identity = None;
            }
        }),
    );
    let v = j
        .requirements
        .iter()
        .find(|r| r.id == "MSCA-AUD-04")
        .expect("AUD-04");
    assert_eq!(v.status, WireStatus::No);
    assert_eq!(v.evidence, vec!["exchange 2".to_owned()]);
}

#[test]
fn local_time_timestamps_fail_msca_aud_07() {
    let plan = load_plan("pds-client").expect("plan");
    let j = judge_client(
        &plan.file,
        &capture(&good_run(), |e, _| {
            if let Some(t) = e
                .header
                .security
                .as_mut()
                .and_then(|s| s.timestamp.as_mut())
            {
                t.created = t
                    .created
                    .as_ref()
                    .map(|c| c.trim_end_matches('Z').to_owned());
                t.expires = t
                    .expires
                    .as_ref()
                    .map(|c| c.trim_end_matches('Z').to_owned());
            }
        }),
    );
    assert_eq!(status(&j, "MSCA-AUD-07"), Some(WireStatus::No));
}

#[test]
fn reusing_a_superseded_number_fails_msca_dq_03() {
    let plan = load_plan("pds-client").expect("plan");
    let mut run = good_run();
    run[3].nhs = Some("9990000042");
    let j = judge_client(&plan.file, &capture(&run, |_, _| {}));
    assert_eq!(status(&j, "MSCA-DQ-03"), Some(WireStatus::No));
    let step = j
        .cases
        .iter()
        .find(|c| c.id == "CLIENT-SUPERSEDED-02")
        .expect("step");
    assert_eq!(step.outcome.as_str(), "fail");
    assert!(
        step.findings
            .iter()
            .any(|f| f.rule == "client.superseded.not-reused")
    );
}

#[test]
fn hammering_after_spine_down_and_retrying_an_invalidated_number_are_named() {
    let plan = load_plan("pds-client").expect("plan");
    let mut run = good_run();
    run[8].at_ms = 750; // 50 ms after SMSP-0004
    run.insert(
        5,
        Request {
            op: Operation::VerifyNhsNumber,
            user: "alice",
            nhs: Some("9990000069"),
            surname: None,
            answer: "DEMOG-0022",
            at_ms: 450,
        },
    );
    let j = judge_client(&plan.file, &capture(&run, |_, _| {}));
    let rules: Vec<&str> = j
        .cases
        .iter()
        .flat_map(|c| &c.findings)
        .map(|f| f.rule.as_str())
        .collect();
    assert!(rules.contains(&"client.backoff"), "{rules:?}");
    assert!(
        rules.contains(&"client.invalidated.not-retried"),
        "{rules:?}"
    );
    assert_eq!(status(&j, "MSCA-DQ-04"), Some(WireStatus::No));
}

#[test]
fn two_users_sharing_one_audit_identity_is_named() {
    let plan = load_plan("pds-client").expect("plan");
    let mut run = good_run();
    let last = run.len() - 1;
    run[last].user = "alice";
    // The step still says the user is bob: the client sent alice's identity for bob.
    let j = judge_client(&plan.file, &capture(&run, |_, _| {}));
    assert!(
        j.cases
            .iter()
            .flat_map(|c| &c.findings)
            .any(|f| f.rule == "client.audit-identity.per-user")
    );
    assert_eq!(status(&j, "MSCA-AUD-04"), Some(WireStatus::No));
}
