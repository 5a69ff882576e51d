//! Judging a client from what it sent: the requests a simulator captured, assigned to the
//! plan's steps, each judged by the conformance checker, then the run-wide checks (ids unique,
//! clock skew, distinct audit identities per user) and each step's behaviour checks (uses the
//! superseding number, does not retry an invalidated one, backs off).
//!
//! Everything is computed from the captured exchanges alone (request bytes, the answer, the
//! time the simulator received it), so a journal judged later gives the verdicts of the live
//! run that recorded it.

use std::collections::{BTreeMap, BTreeSet};

use smsp_protocol::check::{self, CheckContext};
use smsp_protocol::{Severity, parse_message, transport};
use smsp_reports::{CaseRecord, Comparison, FindingRecord, Outcome};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::model::{PlanFile, Step};

/// One request the simulator received from the client, and what it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The simulator's exchange id.
    pub id: u64,
    /// When the simulator received it.
    pub received_at: OffsetDateTime,
    /// The request bytes.
    pub request: Vec<u8>,
    /// The request's Content-Type.
    pub request_content_type: Option<String>,
    /// The SOAPAction header, unquoted.
    pub soap_action: Option<String>,
    /// What was answered: a response code (`DEMOG-0017`), `fault Client 1000`, `busy`,
    /// `http 502`, `dropped` or `garbage`.
    pub answer: String,
    /// The HTTP status, if one was sent.
    pub http_status: Option<u16>,
    /// The response bytes, if any.
    pub response: Option<Vec<u8>>,
    /// The response's Content-Type.
    pub response_content_type: Option<String>,
}

/// What a request says, as far as step matching and behaviour checks need.
#[derive(Debug, Clone, Default)]
struct RequestFacts {
    operation: Option<String>,
    nhs_number: Option<String>,
    surname: Option<String>,
    message_id: Option<String>,
    tracking_id: Option<String>,
    audit_identities: Vec<String>,
    created: Option<String>,
    findings: Vec<FindingRecord>,
}

fn finding(rule: &str, requirements: &[&str], location: &str, message: String) -> FindingRecord {
    FindingRecord {
        rule: rule.to_owned(),
        severity: Severity::Error.as_str().to_owned(),
        requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
        location: location.to_owned(),
        message,
    }
}

fn facts_of(c: &Captured) -> RequestFacts {
    let parsed = parse_message(
        &c.request,
        c.request_content_type
            .as_deref()
            .and_then(transport::charset),
    );
    let message = match parsed {
        Ok(m) => m,
        Err(e) => {
            return RequestFacts {
                findings: vec![finding(
                    "request.readable",
                    &[],
                    "",
                    format!(
                        "exchange {}: the request is not a readable SMSP message: {e}",
                        c.id
                    ),
                )],
                ..RequestFacts::default()
            };
        }
    };
    let cx = CheckContext::at(c.received_at).with_soap_action(c.soap_action.as_deref());
    let findings = check::check(&message, &cx)
        .into_iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| FindingRecord {
            rule: f.rule.to_owned(),
            severity: f.severity.as_str().to_owned(),
            requirements: f.requirements.iter().map(|r| (*r).to_owned()).collect(),
            location: f.location,
            message: format!("exchange {}: {}", c.id, f.message),
        })
        .collect();
    let envelope = &message.envelope;
    let request = envelope.pds_request();
    let de = envelope.distribution_envelope();
    RequestFacts {
        operation: envelope.operation().map(|o| o.name().to_owned()),
        nhs_number: request
            .and_then(|r| r.query.nhs_number.as_ref())
            .and_then(|n| n.value.extension.clone()),
        surname: request
            .and_then(|r| r.query.name.as_ref())
            .and_then(|n| n.value.family.clone()),
        message_id: envelope.header.addressing.message_id.clone(),
        tracking_id: de.and_then(|d| d.header.tracking_id.clone()),
        audit_identities: de
            .and_then(|d| d.header.audit_identity.as_ref())
            .map(|ids| ids.iter().filter_map(|i| i.uri.clone()).collect())
            .unwrap_or_default(),
        created: envelope
            .header
            .security
            .as_ref()
            .and_then(|s| s.timestamp.as_ref())
            .and_then(|t| t.created.clone()),
        findings,
    }
}

fn step_matches(step: &Step, facts: &RequestFacts) -> bool {
    let m = &step.matcher;
    if !m.operations.is_empty()
        && !facts
            .operation
            .as_ref()
            .is_some_and(|o| m.operations.contains(o))
    {
        return false;
    }
    let by_number = facts
        .nhs_number
        .as_ref()
        .is_some_and(|n| m.nhs_numbers.contains(n));
    let by_surname = facts.surname.as_ref().is_some_and(|s| {
        let s = s.to_ascii_uppercase();
        m.surnames.iter().any(|want| {
            let want = want.to_ascii_uppercase();
            match s.strip_suffix('*') {
                Some(prefix) => want.starts_with(prefix),
                None => want == s,
            }
        })
    });
    (m.nhs_numbers.is_empty() && m.surnames.is_empty()) || by_number || by_surname
}

/// Assigns each request (in arrival order) to the first step at or after the latest step
/// matched so far whose match it satisfies; `None` for requests no such step matches.
fn assign(plan: &PlanFile, facts: &[RequestFacts]) -> Vec<Option<usize>> {
    let mut floor = 0;
    facts
        .iter()
        .map(|f| {
            let found = (floor..plan.steps.len()).find(|&i| step_matches(&plan.steps[i], f));
            if let Some(i) = found {
                floor = i;
            }
            found
        })
        .collect()
}

/// A requirement's verdict from the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementVerdict {
    /// The requirement id.
    pub id: String,
    /// Yes, No or Partial.
    pub status: WireStatus,
    /// Step ids and exchange ids that evidence it.
    pub evidence: Vec<String>,
    /// Why, in a sentence or two.
    pub notes: String,
}

/// What the wire shows for a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireStatus {
    /// Evidenced and never broken.
    Yes,
    /// Broken at least once.
    No,
    /// The wire shows part of it; the rest needs manual evidence.
    Partial,
}

/// The requirements the wire can evidence (SPEC.md §8: W) or evidence in part (P), and for
/// the partial ones what else an assessor needs.
const WIRE_REQUIREMENTS: &[(&str, Option<&str>)] = &[
    ("COR-DEH-03", None),
    ("COR-DEH-04", None),
    ("MSCA-AUD-04", None),
    (
        "MSCA-AUD-06",
        Some(
            "the wire shows the clock skew; the stratum-3 time source itself needs documentary evidence",
        ),
    ),
    ("MSCA-AUD-07", None),
    (
        "MSCA-DQ-03",
        Some(
            "the wire shows the superseding number is used; the user warning and the back-office report need manual evidence",
        ),
    ),
    (
        "MSCA-DQ-04",
        Some(
            "the wire shows the invalidated number is not retried; the warning at every access and the back-office alert need manual evidence",
        ),
    ),
    (
        "MSCA-IG-02",
        Some(
            "the wire shows a Username on every request; how users authenticate needs manual evidence",
        ),
    ),
    (
        "MSCA-PDS-07",
        Some(
            "the wire shows where wildcards are used; the clinical safety assessment needs manual evidence",
        ),
    ),
    ("WS-ADR-01", None),
];

/// The judgement of a whole client run.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientJudgement {
    /// One case per step (and one for requests no step claims, if any).
    pub cases: Vec<CaseRecord>,
    /// For each step index, the captured exchanges assigned to it (indexes into the input).
    pub assigned: Vec<Vec<usize>>,
    /// Requests no step claims (indexes into the input).
    pub unplanned: Vec<usize>,
    /// The largest difference between a request's wsu:Created and the simulator's clock, in
    /// milliseconds (positive: the client is ahead).
    pub max_clock_skew_ms: Option<i64>,
    /// What the wire shows for each requirement it can evidence.
    pub requirements: Vec<RequirementVerdict>,
}

/// Judges the captured exchanges (in arrival order) against the plan.
pub fn judge_client(plan: &PlanFile, captured: &[Captured]) -> ClientJudgement {
    let facts: Vec<RequestFacts> = captured.iter().map(facts_of).collect();
    let assignment = assign(plan, &facts);
    let mut assigned: Vec<Vec<usize>> = vec![Vec::new(); plan.steps.len()];
    let mut unplanned = Vec::new();
    for (i, a) in assignment.iter().enumerate() {
        match a {
            Some(step) => assigned[*step].push(i),
            None => unplanned.push(i),
        }
    }

    // Run-wide: ids unique across the run (WS-ADR-01 for MessageID; trackingid likewise).
    let mut run_findings: BTreeMap<usize, Vec<FindingRecord>> = BTreeMap::new();
    let mut seen_ids: BTreeMap<(&str, String), u64> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        for (kind, value) in [("MessageID", &f.message_id), ("trackingid", &f.tracking_id)] {
            let Some(v) = value else { continue };
            let key = (kind, v.to_ascii_uppercase());
            if let Some(first) = seen_ids.get(&key) {
                run_findings.entry(i).or_default().push(finding(
                    "client.ids.unique",
                    &["WS-ADR-01"],
                    if kind == "MessageID" {
                        "soap:Header/wsa:MessageID"
                    } else {
                        "itk:header/@trackingid"
                    },
                    format!(
                        "exchange {}: {kind} {v} was already used by exchange {first}",
                        captured[i].id
                    ),
                ));
            } else {
                seen_ids.insert(key, captured[i].id);
            }
        }
    }

    // Distinct audit identities per user: one user, one identity; two users, two identities.
    let mut by_user: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (step_index, indexes) in assigned.iter().enumerate() {
        let Some(user) = plan.steps[step_index].inputs.get("user") else {
            continue;
        };
        for &i in indexes {
            by_user
                .entry(user.as_str())
                .or_default()
                .extend(facts[i].audit_identities.iter().map(String::as_str));
        }
    }
    let users: Vec<(&str, &BTreeSet<&str>)> = by_user.iter().map(|(u, ids)| (*u, ids)).collect();
    for (a, (user_a, ids_a)) in users.iter().enumerate() {
        for (user_b, ids_b) in users.iter().skip(a + 1) {
            if let Some(shared) = ids_a.intersection(ids_b).next() {
                let first_of_b = assigned
                    .iter()
                    .enumerate()
                    .filter(|(s, _)| {
                        plan.steps[*s].inputs.get("user").map(String::as_str) == Some(*user_b)
                    })
                    .flat_map(|(_, ix)| ix.iter().copied())
                    .next();
                if let Some(i) = first_of_b {
                    run_findings.entry(i).or_default().push(finding(
                        "client.audit-identity.per-user",
                        &["MSCA-AUD-04"],
                        "itk:header/itk:auditIdentity",
                        format!(
                            "exchange {}: users {user_a} and {user_b} sent the same audit identity {shared}; each user needs their own",
                            captured[i].id
                        ),
                    ));
                }
            }
        }
    }

    // Clock skew (MSCA-AUD-06), as a figure.
    let mut max_skew: Option<i64> = None;
    for (i, f) in facts.iter().enumerate() {
        let Some(created) = f.created.as_deref() else {
            continue;
        };
        let Ok(t) = OffsetDateTime::parse(created, &Rfc3339) else {
            continue;
        };
        let skew = (t - captured[i].received_at).whole_milliseconds() as i64;
        if max_skew.is_none_or(|m| skew.abs() > m.abs()) {
            max_skew = Some(skew);
        }
    }

    let mut cases = Vec::new();
    for (s, step) in plan.steps.iter().enumerate() {
        cases.push(judge_step(
            step,
            &assigned[s],
            captured,
            &facts,
            &run_findings,
        ));
    }
    if !unplanned.is_empty() {
        let mut case = CaseRecord::new(
            "UNPLANNED",
            "Requests no step of the plan asked for",
            Vec::new(),
            None,
        );
        for &i in &unplanned {
            case.findings.extend(facts[i].findings.iter().cloned());
            case.findings
                .extend(run_findings.get(&i).into_iter().flatten().cloned());
        }
        conclude(
            &mut case,
            format!(
                "{} request(s) no step asked for, judged on their own",
                unplanned.len()
            ),
        );
        cases.push(case);
    }

    let requirements = requirement_verdicts(&cases, captured, max_skew);
    ClientJudgement {
        cases,
        assigned,
        unplanned,
        max_clock_skew_ms: max_skew,
        requirements,
    }
}

fn judge_step(
    step: &Step,
    indexes: &[usize],
    captured: &[Captured],
    facts: &[RequestFacts],
    run_findings: &BTreeMap<usize, Vec<FindingRecord>>,
) -> CaseRecord {
    let mut case = CaseRecord::new(
        step.id.clone(),
        step.title.clone(),
        step.requirements.clone(),
        step.matcher.operations.first().cloned(),
    );
    let expect = &step.expect;
    case.comparisons.push(Comparison {
        what: "requests".to_owned(),
        expected: format!("at least {}", expect.min_requests),
        actual: indexes.len().to_string(),
        ok: indexes.len() >= expect.min_requests,
    });
    if indexes.is_empty() {
        case.outcome = Outcome::Error;
        case.summary = "no request arrived for this step".to_owned();
        return case;
    }
    for &i in indexes {
        case.findings.extend(facts[i].findings.iter().cloned());
        case.findings
            .extend(run_findings.get(&i).into_iter().flatten().cloned());
    }
    if indexes.len() < expect.min_requests {
        case.findings.push(finding(
            "client.step.requests",
            &[],
            "",
            format!(
                "{} request(s); the step needs at least {}",
                indexes.len(),
                expect.min_requests
            ),
        ));
    }
    let first = &captured[indexes[0]];
    if let Some(want) = &expect.first_answer {
        let ok = first.answer.eq_ignore_ascii_case(want);
        case.comparisons.push(Comparison {
            what: "first answer".to_owned(),
            expected: want.clone(),
            actual: first.answer.clone(),
            ok,
        });
        if !ok {
            case.outcome = Outcome::Error;
            case.summary = format!(
                "the first request got {} instead of {want}: the step did not test what it is about (check the scenario and the step's inputs)",
                first.answer
            );
            return case;
        }
    }
    for &i in indexes {
        let number = facts[i].nhs_number.as_deref();
        if let Some(want) = &expect.uses_nhs_number
            && number != Some(want.as_str())
        {
            case.findings.push(finding(
                "client.superseded.replaced",
                &["MSCA-DQ-03"],
                "Person.NHSNumber",
                format!(
                    "exchange {}: sent {} where the superseding number {want} is due",
                    captured[i].id,
                    number.unwrap_or("no NHS number")
                ),
            ));
        }
        if let Some(old) = &expect.not_nhs_number
            && number == Some(old.as_str())
        {
            case.findings.push(finding(
                "client.superseded.not-reused",
                &["MSCA-DQ-03"],
                "Person.NHSNumber",
                format!(
                    "exchange {}: reused the superseded number {old}",
                    captured[i].id
                ),
            ));
        }
    }
    if let Some(code) = &expect.no_repeat_after {
        let mut refused: BTreeSet<&str> = BTreeSet::new();
        for &i in indexes {
            let number = facts[i].nhs_number.as_deref();
            if let Some(n) = number {
                if refused.contains(n) {
                    case.findings.push(finding(
                        "client.invalidated.not-retried",
                        &["MSCA-DQ-04"],
                        "Person.NHSNumber",
                        format!(
                            "exchange {}: sent {n} again after it was answered {code}",
                            captured[i].id
                        ),
                    ));
                }
                if captured[i].answer.eq_ignore_ascii_case(code) {
                    refused.insert(n);
                }
            }
        }
    }
    if let Some(backoff) = &expect.backoff {
        let attempts = indexes.len();
        if attempts > backoff.max_attempts {
            case.findings.push(finding(
                "client.backoff",
                &[],
                "",
                format!(
                    "{attempts} attempts; at most {} are acceptable",
                    backoff.max_attempts
                ),
            ));
        }
        for pair in indexes.windows(2) {
            let (a, b) = (&captured[pair[0]], &captured[pair[1]]);
            let gap = (b.received_at - a.received_at).whole_milliseconds();
            let refused = matches!(a.answer.as_str(), "busy" | "SMSP-0004")
                || a.answer.starts_with("fault Server 2100");
            if refused && gap < i128::from(backoff.min_gap_ms) {
                case.findings.push(finding(
                    "client.backoff",
                    &[],
                    "",
                    format!(
                        "exchange {} came {gap} ms after exchange {} was answered {}; wait at least {} ms",
                        b.id, a.id, a.answer, backoff.min_gap_ms
                    ),
                ));
            }
        }
        case.comparisons.push(Comparison {
            what: "attempts".to_owned(),
            expected: format!(
                "at most {}, {} ms apart",
                backoff.max_attempts, backoff.min_gap_ms
            ),
            actual: attempts.to_string(),
            ok: attempts <= backoff.max_attempts,
        });
    }
    let exchanges: Vec<String> = indexes
        .iter()
        .map(|&i| captured[i].id.to_string())
        .collect();
    conclude(&mut case, format!("exchanges {}", exchanges.join(", ")));
    case
}

fn conclude(case: &mut CaseRecord, context: String) {
    let errors: Vec<&FindingRecord> = case
        .findings
        .iter()
        .filter(|f| f.severity == "error")
        .collect();
    if let Some(first) = errors.first() {
        case.outcome = Outcome::Fail;
        let more = match errors.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        case.summary = format!("{}: {}{more}", first.rule, first.message);
    } else {
        case.outcome = Outcome::Pass;
        case.summary = format!("passed: {context}");
    }
}

fn requirement_verdicts(
    cases: &[CaseRecord],
    captured: &[Captured],
    max_skew: Option<i64>,
) -> Vec<RequirementVerdict> {
    let mut out = Vec::new();
    for (id, partial) in WIRE_REQUIREMENTS {
        let failing: Vec<&FindingRecord> = cases
            .iter()
            .flat_map(|c| &c.findings)
            .filter(|f| f.severity == "error" && f.requirements.iter().any(|r| r == id))
            .collect();
        let steps: Vec<String> = cases
            .iter()
            .filter(|c| c.requirements.iter().any(|r| r == id))
            .map(|c| c.id.clone())
            .collect();
        // Requirements every request shows (audit identity, timestamps, ids, Username) are
        // evidenced by all exchanges; behaviour requirements by the steps that test them.
        let every_request = !matches!(*id, "MSCA-DQ-03" | "MSCA-DQ-04" | "MSCA-PDS-07");
        if !every_request && steps.is_empty() && failing.is_empty() {
            continue;
        }
        if captured.is_empty() {
            continue;
        }
        let (status, evidence, notes) = if !failing.is_empty() {
            let exchanges: BTreeSet<String> = failing
                .iter()
                .filter_map(|f| f.message.strip_prefix("exchange "))
                .filter_map(|m| m.split(':').next())
                .map(|n| format!("exchange {n}"))
                .collect();
            (
                WireStatus::No,
                exchanges.into_iter().collect(),
                format!(
                    "{} finding(s); first: {}: {}",
                    failing.len(),
                    failing[0].rule,
                    failing[0].message
                ),
            )
        } else {
            let evidence = if every_request {
                vec![format!(
                    "exchanges {}–{}",
                    captured[0].id,
                    captured[captured.len() - 1].id
                )]
            } else {
                steps
            };
            let mut notes = match partial {
                Some(rest) => format!("Met on the wire; {rest}."),
                None => "Met by every request judged.".to_owned(),
            };
            if *id == "MSCA-AUD-06"
                && let Some(ms) = max_skew
            {
                notes = format!(
                    "Largest clock skew {:.3} s (wsu:Created against the simulator's clock). {notes}",
                    ms as f64 / 1000.0
                );
            }
            let status = if partial.is_some() {
                WireStatus::Partial
            } else {
                WireStatus::Yes
            };
            (status, evidence, notes)
        };
        out.push(RequirementVerdict {
            id: (*id).to_owned(),
            status,
            evidence,
            notes,
        });
    }
    out
}
