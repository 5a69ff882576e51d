//! Judging one answer: the checks every response gets whatever the case expects (the
//! conformance checker, the code table, the operation's codes, correlation with the request),
//! then the case's own expectations. The result is plain data for the run record.
//!
//! Harness rules, named in findings like the checker's own:
//! - `http.answer`: an HTTP answer came (or, for a refusal case, did not);
//! - `http.status-matches-body`: a SOAP fault comes with HTTP 500, a response with 200
//!   (SPEC.md §4.1, §4.2);
//! - `http.content-type`: SOAP 1.1 travels as `text/xml`;
//! - `response.readable`: the body parses as an SMSP SOAP message;
//! - `codes.defined`, `codes.service`, `codes.oid`: the response code is in the loaded
//!   response-code table, under PDS (or a generic SMSP code), with PDS's OID;
//! - `codes.operation`: the operation may return the code (SPEC.md §5.3);
//! - `correlation.action`, `correlation.service`, `correlation.payload`,
//!   `correlation.relates-to`, `correlation.message-id`, `correlation.nhs-number`: the answer
//!   belongs to the request;
//! - `expect.*`: the case's expectations.

pub mod applicability;
pub mod fields;

use std::collections::BTreeMap;
use std::time::Duration;

use smsp_protocol::check::{self, CheckContext};
use smsp_protocol::{Operation, ParsedMessage, Severity, parse_message, transport};
use smsp_reports::{Comparison, FindingRecord, Outcome};
use smsp_response_codes::{Lookup, ResponseCodeTable, Service};
use time::OffsetDateTime;

use crate::request::PreparedRequest;
use crate::suite::model::{Case, ResponseField};
use crate::suite::template::fill;

/// What came back for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP answer.
    Http {
        /// Status code.
        status: u16,
        /// The Content-Type header, if any.
        content_type: Option<String>,
        /// The body, as received.
        body: Vec<u8>,
        /// From sending to the whole body.
        latency: Duration,
    },
    /// No HTTP answer.
    Failed {
        /// Why, in words (connection refused, TLS handshake failed, timed out, …).
        reason: String,
        /// Whether it was the request timeout.
        timed_out: bool,
        /// Time until the failure.
        latency: Duration,
    },
}

/// The judgement of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The outcome.
    pub outcome: Outcome,
    /// Why, in one line.
    pub summary: String,
    /// Every finding.
    pub findings: Vec<FindingRecord>,
    /// Expected against actual.
    pub comparisons: Vec<Comparison>,
    /// The response code, or the fault, in a few words.
    pub answer: Option<String>,
}

struct Judgement {
    findings: Vec<FindingRecord>,
    comparisons: Vec<Comparison>,
}

impl Judgement {
    fn finding(
        &mut self,
        rule: &str,
        severity: Severity,
        requirements: &[&str],
        location: &str,
        message: String,
    ) {
        self.findings.push(FindingRecord {
            rule: rule.to_owned(),
            severity: severity.as_str().to_owned(),
            requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
            location: location.to_owned(),
            message,
        });
    }

    fn error(&mut self, rule: &str, location: &str, message: String) {
        self.finding(rule, Severity::Error, &[], location, message);
    }

    /// Records a comparison and, when it fails, an error finding under `rule`.
    fn compare(
        &mut self,
        rule: &str,
        what: &str,
        expected: String,
        actual: Option<String>,
    ) -> bool {
        let actual_text = actual.clone().unwrap_or_else(|| "(absent)".to_owned());
        let ok = actual.as_deref() == Some(expected.as_str());
        if !ok {
            self.error(
                rule,
                "",
                format!("{what}: expected {expected}, got {actual_text}"),
            );
        }
        self.comparisons.push(Comparison {
            what: what.to_owned(),
            expected,
            actual: actual_text,
            ok,
        });
        ok
    }
}

/// What the judge needs besides the case and the answer.
pub struct JudgeContext<'a> {
    /// The response-code table in force (`--codes`, or the embedded one).
    pub codes: &'a ResponseCodeTable,
    /// When the answer arrived, for the checker's time rules.
    pub now: OffsetDateTime,
}

/// Judges `answer` to `request`, sent for `case` about the patient with `facts`.
pub fn judge(
    case: &Case,
    facts: &BTreeMap<String, String>,
    request: &PreparedRequest,
    answer: &Answer,
    cx: &JudgeContext<'_>,
) -> Verdict {
    let mut j = Judgement {
        findings: Vec::new(),
        comparisons: Vec::new(),
    };
    let expect = &case.expect;
    let (status, content_type, body, latency) = match answer {
        Answer::Failed {
            reason, timed_out, ..
        } => {
            let refused_ok = expect.refused && !timed_out;
            j.comparisons.push(Comparison {
                what: "connection".to_owned(),
                expected: if expect.refused {
                    "refused at the TLS handshake"
                } else {
                    "an HTTP answer"
                }
                .to_owned(),
                actual: format!("no HTTP answer: {reason}"),
                ok: refused_ok,
            });
            if refused_ok {
                return Verdict {
                    outcome: Outcome::Pass,
                    summary: format!("refused as expected: {reason}"),
                    findings: j.findings,
                    comparisons: j.comparisons,
                    answer: Some("refused".to_owned()),
                };
            }
            let summary = if expect.refused {
                format!("expected a refused handshake, but the request timed out: {reason}")
            } else {
                format!("no HTTP answer: {reason}")
            };
            j.finding("http.answer", Severity::Error, &[], "", summary.clone());
            return Verdict {
                outcome: Outcome::Error,
                summary,
                findings: j.findings,
                comparisons: j.comparisons,
                answer: None,
            };
        }
        Answer::Http {
            status,
            content_type,
            body,
            latency,
        } => (*status, content_type.as_deref(), body.as_slice(), *latency),
    };

    if expect.refused {
        j.comparisons.push(Comparison {
            what: "connection".to_owned(),
            expected: "refused at the TLS handshake".to_owned(),
            actual: format!("HTTP {status}"),
            ok: false,
        });
        j.finding(
            "expect.refused",
            Severity::Error,
            &[],
            "",
            format!("the target answered HTTP {status} to a client without a certificate; it must refuse the TLS handshake"),
        );
    }

    let parsed = parse_message(body, content_type.and_then(transport::charset));
    let answer_text = match &parsed {
        Ok(m) => describe(m),
        Err(_) => None,
    };
    if let Some(expected) = expect.http_status {
        j.compare(
            "expect.http-status",
            "HTTP status",
            expected.to_string(),
            Some(status.to_string()),
        );
    }
    match &parsed {
        Err(e) => {
            j.error(
                "response.readable",
                "",
                format!("the HTTP {status} body is not a readable SMSP SOAP message: {e}"),
            );
        }
        Ok(message) => {
            every_response(&mut j, request, message, status, content_type, cx);
            expectations(&mut j, case, facts, message);
        }
    }
    if let Some(bound) = expect.latency_ms {
        let took = latency.as_millis() as u64;
        let ok = took <= bound;
        j.comparisons.push(Comparison {
            what: "latency".to_owned(),
            expected: format!("≤ {bound} ms"),
            actual: format!("{took} ms"),
            ok,
        });
        if !ok {
            j.error(
                "expect.latency",
                "",
                format!("answered in {took} ms, over the {bound} ms bound"),
            );
        }
    }
    conclude(j, case, answer_text)
}

/// The response code, or the fault, in a few words.
fn describe(message: &ParsedMessage) -> Option<String> {
    if let Some(fault) = message.envelope.fault() {
        let code = fault
            .detail
            .as_ref()
            .map(|d| format!(" {}", d.error_code.as_str()))
            .unwrap_or_default();
        return Some(format!("fault {}{code}", fault.code.local_name()));
    }
    message
        .envelope
        .response_head()
        .map(|h| h.response_code.code.clone())
}

/// The checks every response gets, whatever the case expects.
fn every_response(
    j: &mut Judgement,
    request: &PreparedRequest,
    message: &ParsedMessage,
    status: u16,
    content_type: Option<&str>,
    cx: &JudgeContext<'_>,
) {
    let envelope = &message.envelope;
    let is_fault = envelope.fault().is_some();

    // The conformance checker on the response or fault.
    for f in check::check(message, &CheckContext::at(cx.now)) {
        j.finding(f.rule, f.severity, f.requirements, &f.location, f.message);
    }

    // HTTP.
    let want = if is_fault { 500 } else { 200 };
    if status != want {
        j.error(
            "http.status-matches-body",
            "",
            format!(
                "a {} must come with HTTP {want}, not {status}",
                if is_fault {
                    "SOAP fault"
                } else {
                    "normal response"
                }
            ),
        );
    }
    match content_type.map(transport::media_type) {
        Some(m) if m == "text/xml" => {}
        other => j.finding(
            "http.content-type",
            Severity::Warning,
            &[],
            "http:Content-Type",
            format!(
                "SOAP 1.1 travels as text/xml; got {}",
                other.unwrap_or_else(|| "no Content-Type".to_owned())
            ),
        ),
    }

    // Correlation.
    let addressing = &envelope.header.addressing;
    if let (Some(sent), Some(got)) = (&request.message_id, &addressing.message_id)
        && sent.eq_ignore_ascii_case(got)
    {
        j.error(
            "correlation.message-id",
            "soap:Header/wsa:MessageID",
            "the response reuses the request's MessageID; it needs its own".to_owned(),
        );
    }
    if let Some(relates) = &addressing.relates_to
        && request.message_id.as_deref() != Some(relates.as_str())
    {
        j.error(
            "correlation.relates-to",
            "soap:Header/wsa:RelatesTo",
            format!(
                "RelatesTo `{relates}` is not the request's MessageID `{}`",
                request.message_id.as_deref().unwrap_or("(none sent)")
            ),
        );
    }
    if is_fault {
        return;
    }
    let operation = request.operation;
    let response_service = operation.response_service();
    if addressing.action.as_deref() != Some(response_service) {
        j.error(
            "correlation.action",
            "soap:Header/wsa:Action",
            format!(
                "Action `{}` does not answer {}: expected `{response_service}`",
                addressing.action.as_deref().unwrap_or("(none)"),
                operation.name()
            ),
        );
    }
    let service = envelope
        .distribution_envelope()
        .and_then(|de| de.header.service.as_deref());
    if service != Some(response_service) {
        j.error(
            "correlation.service",
            "itk:header/@service",
            format!(
                "DE service `{}` does not answer {}: expected `{response_service}`",
                service.unwrap_or("(none)"),
                operation.name()
            ),
        );
    }
    let kind = envelope.payload().and_then(|p| p.response_kind());
    if kind != Some(operation.response_kind()) {
        j.error(
            "correlation.payload",
            "itk:payloads/itk:payload[1]",
            format!(
                "the payload is not a {} (the answer to {})",
                operation.response_kind().root(),
                operation.name()
            ),
        );
    }

    // The response code against the table and the operation.
    let Some(head) = envelope.response_head() else {
        return;
    };
    let code = head.response_code.code.as_str();
    let location = "payload/value/@code";
    let oid = head.response_code.code_system.as_deref().unwrap_or("");
    let pds_oid = cx.codes.oid_for(Service::Pds).unwrap_or_default();
    match cx.codes.lookup(code, Service::Pds) {
        Lookup::Defined { .. } => {}
        Lookup::OtherServices { defined_under } => {
            // SMSP-0004/0005 sit in the Generic column only, yet providers send them with the
            // PDS OID (SPEC.md §5.2): a generic code is fine for PDS, any other service's is not.
            if !defined_under.contains(&Service::Generic) {
                let names: Vec<String> = defined_under.iter().map(|s| s.to_string()).collect();
                j.finding(
                    "codes.service",
                    Severity::Error,
                    &["SMSP-ERR-005"],
                    location,
                    format!("{code} is defined under {}, not PDS", names.join(", ")),
                );
            }
        }
        Lookup::Unknown => j.finding(
            "codes.defined",
            Severity::Error,
            &["SMSP-ERR-005"],
            location,
            format!("{code} is not in the response-code table"),
        ),
    }
    if oid != pds_oid {
        j.finding(
            "codes.oid",
            Severity::Error,
            &[],
            "payload/value/@codeSystem",
            format!("{code} is sent with code system `{oid}`; PDS codes carry `{pds_oid}`"),
        );
    }
    if cx.codes.entries_for(code).next().is_some() && !applicability::may_return(operation, code) {
        j.error(
            "codes.operation",
            location,
            format!(
                "{} may not return {code} (it may return {})",
                operation.name(),
                applicability::codes_for(operation).join(", ")
            ),
        );
    }

    // The record is about the patient asked for.
    if code == "SMSP-0000"
        && matches!(
            operation,
            Operation::VerifyNhsNumber | Operation::GetPatientDetailsByNhsNumber
        )
    {
        let returned = fields::read(envelope, ResponseField::NhsNumber);
        if let (Some(sent), Some(returned)) = (&request.nhs_number, &returned)
            && sent != returned
        {
            j.error(
                "correlation.nhs-number",
                "subject/patient/id/@extension",
                format!("asked about {sent}, answered about {returned}"),
            );
        }
    }
}

/// The case's own expectations.
fn expectations(
    j: &mut Judgement,
    case: &Case,
    facts: &BTreeMap<String, String>,
    message: &ParsedMessage,
) {
    let expect = &case.expect;
    let envelope = &message.envelope;
    let code = envelope
        .response_head()
        .map(|h| h.response_code.code.clone());
    if let Some(expected) = &expect.response_code {
        let actual = code.clone().or_else(|| describe(message));
        j.compare(
            "expect.response-code",
            "response code",
            expected.clone(),
            actual,
        );
    }
    if let Some(fault_expect) = &expect.fault {
        let fault = envelope.fault();
        if let Some(c) = &fault_expect.code {
            j.compare(
                "expect.fault",
                "faultcode",
                c.clone(),
                fault.map(|f| f.code.local_name().to_owned()),
            );
        }
        if let Some(c) = &fault_expect.error_code {
            j.compare(
                "expect.fault",
                "itk:ErrorCode",
                c.clone(),
                fault
                    .and_then(|f| f.detail.as_ref())
                    .map(|d| d.error_code.as_str().to_owned()),
            );
        }
        if fault_expect.code.is_none() && fault_expect.error_code.is_none() && fault.is_none() {
            j.compare(
                "expect.fault",
                "answer",
                "a SOAP fault".to_owned(),
                describe(message),
            );
        }
    }
    for field in &expect.present {
        let value = fields::read(envelope, *field);
        let ok = value.is_some();
        j.comparisons.push(Comparison {
            what: format!("{} present", field.as_str()),
            expected: "present".to_owned(),
            actual: value.clone().unwrap_or_else(|| "(absent)".to_owned()),
            ok,
        });
        if !ok {
            j.error(
                "expect.present",
                "",
                format!("`{}` is missing from the response", field.as_str()),
            );
        }
    }
    for field in &expect.absent {
        let value = fields::read(envelope, *field);
        let ok = value.is_none();
        j.comparisons.push(Comparison {
            what: format!("{} absent", field.as_str()),
            expected: "(absent)".to_owned(),
            actual: value.clone().unwrap_or_else(|| "(absent)".to_owned()),
            ok,
        });
        if let Some(v) = value {
            j.error(
                "expect.absent",
                "",
                format!(
                    "`{}` must be withheld, but the response carries `{v}`",
                    field.as_str()
                ),
            );
        }
    }
    for (field, template) in &expect.equal {
        match fill(template, facts) {
            Ok(expected) => {
                j.compare(
                    "expect.equal",
                    field.as_str(),
                    expected,
                    fields::read(envelope, *field),
                );
            }
            Err(e) => j.error("expect.equal", "", format!("`{}`: {e}", field.as_str())),
        }
    }
}

/// The outcome from the findings: any error fails the case, unless the only errors are a
/// response code the case allows for review.
fn conclude(j: Judgement, case: &Case, answer: Option<String>) -> Verdict {
    let errors: Vec<&FindingRecord> = j
        .findings
        .iter()
        .filter(|f| f.severity == "error")
        .collect();
    let reviewable = answer
        .as_ref()
        .is_some_and(|a| case.expect.review_if_code.contains(a));
    let (outcome, summary) = if errors.is_empty() {
        let warnings = j
            .findings
            .iter()
            .filter(|f| f.severity == "warning")
            .count();
        let s = match warnings {
            0 => format!("passed: {}", answer.clone().unwrap_or_default()),
            n => format!(
                "passed with {n} warning(s): {}",
                answer.clone().unwrap_or_default()
            ),
        };
        (Outcome::Pass, s)
    } else if reviewable && errors.iter().all(|f| f.rule == "expect.response-code") {
        (
            Outcome::Check,
            format!(
                "answered {} where {} was expected; a conformant provider may do so (review)",
                answer.clone().unwrap_or_default(),
                case.expect.response_code.clone().unwrap_or_default()
            ),
        )
    } else {
        let first = errors[0];
        let more = match errors.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        (
            Outcome::Fail,
            format!("{}: {}{more}", first.rule, first.message),
        )
    };
    Verdict {
        outcome,
        summary,
        findings: j.findings,
        comparisons: j.comparisons,
        answer,
    }
}
