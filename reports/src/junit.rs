//! `junit.xml`: the run as one JUnit test suite, for CI dashboards (Jenkins, GitLab, GitHub
//! test reporters), written with quick-junit.
//!
//! One testcase per case, named `"{id} {title}"`, with the operation as class name. A case that
//! needs review (`check`) is a passing testcase with a `<system-out>` saying so and the property
//! `outcome=check`, since JUnit has no such verdict. Times come from the record, never the clock.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeDelta};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::error::ReportError;
use crate::record::{CaseRecord, Outcome, RunRecord};

/// The suite name used when the record has no `suite` input.
const DEFAULT_SUITE: &str = "smsp";

/// Renders the run as JUnit XML (one `<testsuite>` inside `<testsuites>`).
///
/// Fails if the record's `started` or `finished` is not an RFC 3339 time.
pub fn render_junit(record: &RunRecord) -> Result<String, ReportError> {
    let started = parse_time("started", &record.started)?;
    let finished = parse_time("finished", &record.finished)?;
    let suite_name = record.suite_name().unwrap_or(DEFAULT_SUITE);
    let run_time = (finished - started).to_std().unwrap_or_else(|_| {
        Duration::from_millis(record.cases.iter().map(|c| c.duration_ms).sum())
    });

    let mut suite = TestSuite::new(suite_name);
    suite.set_timestamp(started);
    suite.set_time(run_time);
    suite.add_properties([
        Property::new(
            "tool",
            format!("{} {}", record.tool.name, record.tool.version),
        ),
        Property::new("kind", record.kind.as_str()),
        Property::new("target", record.target.url.as_str()),
    ]);
    suite.add_test_cases(
        record
            .cases
            .iter()
            .map(|case| test_case(record, case, started)),
    );

    let mut report = Report::new(suite_name);
    report.set_timestamp(started);
    report.set_time(run_time);
    report.add_test_suite(suite);
    Ok(report.to_string()?)
}

/// One case as a testcase.
fn test_case(
    record: &RunRecord,
    case: &CaseRecord,
    run_started: DateTime<FixedOffset>,
) -> TestCase {
    let mut status = match case.outcome {
        Outcome::Pass | Outcome::Check => TestCaseStatus::success(),
        Outcome::Fail => non_success(NonSuccessKind::Failure, case),
        Outcome::Error => non_success(NonSuccessKind::Error, case),
        Outcome::Skipped => TestCaseStatus::skipped(),
    };
    if case.outcome == Outcome::Skipped {
        status.set_message(case.summary.as_str());
    }

    let mut test = TestCase::new(format!("{} {}", case.id, case.title), status);
    test.set_classname(case.operation.as_deref().unwrap_or(&record.kind));
    test.set_time(Duration::from_millis(case.duration_ms));
    let offset = i64::try_from(case.started_ms)
        .ok()
        .and_then(TimeDelta::try_milliseconds)
        .and_then(|delta| run_started.checked_add_signed(delta));
    test.set_timestamp(offset.unwrap_or(run_started));

    test.add_properties(
        case.requirements
            .iter()
            .map(|id| Property::new("requirement", id.as_str())),
    );
    if let Some(answer) = case.exchanges.first().and_then(|e| e.answer.as_deref()) {
        if !answer.starts_with("fault") {
            test.add_property(Property::new("response-code", answer));
        }
        test.add_property(Property::new("answer", answer));
    }
    test.add_property(Property::new("outcome", case.outcome.as_str()));

    if case.outcome == Outcome::Check {
        let mut out = format!("needs review: {}", case.summary);
        for line in finding_lines(case, |severity| severity != "info") {
            out.push('\n');
            out.push_str(&line);
        }
        test.set_system_out(out);
    }
    test
}

/// A `<failure>` or `<error>` with the summary as message and the details as text.
fn non_success(kind: NonSuccessKind, case: &CaseRecord) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(kind);
    status.set_message(case.summary.as_str());
    status.set_type(case.outcome.as_str());
    let mut lines: Vec<String> = case
        .exchanges
        .iter()
        .filter_map(|e| e.transport_error.as_deref())
        .map(|error| format!("transport: {error}"))
        .collect();
    lines.extend(finding_lines(case, |severity| severity == "error"));
    if lines.is_empty() {
        lines.extend(
            case.comparisons
                .iter()
                .filter(|c| !c.ok)
                .map(|c| format!("{}: expected {}, got {}", c.what, c.expected, c.actual)),
        );
    }
    if !lines.is_empty() {
        status.set_description(lines.join("\n"));
    }
    status
}

/// The findings whose severity passes `keep`, as `rule: location: message` (the location left
/// out when empty).
fn finding_lines(case: &CaseRecord, keep: impl Fn(&str) -> bool) -> Vec<String> {
    case.findings
        .iter()
        .filter(|f| keep(&f.severity))
        .map(|f| {
            if f.location.is_empty() {
                format!("{}: {}", f.rule, f.message)
            } else {
                format!("{}: {}: {}", f.rule, f.location, f.message)
            }
        })
        .collect()
}

/// Parses one of the record's RFC 3339 times.
fn parse_time(field: &'static str, value: &str) -> Result<DateTime<FixedOffset>, ReportError> {
    DateTime::parse_from_rfc3339(value).map_err(|_| ReportError::Time {
        field,
        value: value.to_owned(),
    })
}
