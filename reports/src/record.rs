//! The run record (`run.json`): everything a run found, as plain data. The harness writes it;
//! every report is rendered from it afterwards, so reports can be regenerated from a saved
//! `run.json` alone and always agree with each other.
//!
//! The record holds no rendering decisions and no types from the harness or the protocol
//! crate: strings, numbers and lists, sorted where order is not meaningful.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::tom::TomSection;

/// The version of this format, written as `format` in every `run.json`.
pub const FORMAT_VERSION: u32 = 1;

/// One run of a suite (or, later, a client plan) against one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// [`FORMAT_VERSION`].
    pub format: u32,
    /// The tool that made the run.
    pub tool: ToolInfo,
    /// What kind of run: `provider` (a provider under test) or `client`.
    pub kind: String,
    /// When the run started, RFC 3339 UTC.
    pub started: String,
    /// When the run finished, RFC 3339 UTC.
    pub finished: String,
    /// What was tested.
    pub target: TargetInfo,
    /// The inputs the run read, each with its SHA-256, so an assessor can tie the evidence to
    /// exact files: the suite, the data profile, the response-code table.
    pub inputs: Vec<InputFile>,
    /// The options the run was started with, as `name=value` strings in command-line order.
    pub options: Vec<String>,
    /// The requirements the run's cases evidence, sorted by id (for the coverage table).
    pub requirements: Vec<RequirementInfo>,
    /// The cases, in suite order.
    pub cases: Vec<CaseRecord>,
    /// The TOM self-evaluation checklist rows and the run's assessments of them, when the run
    /// makes a TOM evidence pack (`tom-evidence.xlsx`). Absent from records that do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tom: Option<TomSection>,
}

/// The tool that made the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `smsp`.
    pub name: String,
    /// The tool's version (`0.1.0`).
    pub version: String,
}

/// What was tested and how the harness connected to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// The URL requests were posted to.
    pub url: String,
    /// What the target is, in words (`the built-in simulator, in-process, default scenario`).
    pub description: Option<String>,
    /// The client certificate the harness presented, if any.
    pub client_certificate: Option<CertificateInfo>,
}

/// A certificate, as identified in evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Subject DN, RFC 4514.
    pub subject: String,
    /// SHA-256 of the DER, colon-separated upper-case hex.
    pub sha256_fingerprint: String,
}

/// An input file of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// What it is: `suite`, `data-profile`, `response-codes`, `scenario`, `plan`, …
    pub role: String,
    /// Its name (`pds-provider`) or path as given.
    pub name: String,
    /// Where it came from: a path, or `built-in`.
    pub source: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
}

/// A requirement evidenced by the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementInfo {
    /// The official id (`SMSP-ERR-005`, `MSCA-AUD-04`).
    pub id: String,
    /// What it asks, in a few words.
    pub title: String,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The case id (`PDS-VER-001`).
    pub id: String,
    /// The case title.
    pub title: String,
    /// The requirement ids the case evidences.
    pub requirements: Vec<String>,
    /// The operation (`verifyNHSNumber`), if the case has one.
    pub operation: Option<String>,
    /// The verdict.
    pub outcome: Outcome,
    /// Why, in one line (the first failing finding, the skip reason, …).
    pub summary: String,
    /// Everything found, failing or not, in the order checked.
    pub findings: Vec<FindingRecord>,
    /// Expected against actual, one row per expectation, for the report's diff.
    pub comparisons: Vec<Comparison>,
    /// The request/response pairs of the case (one for a provider case).
    pub exchanges: Vec<ExchangeRecord>,
    /// Milliseconds from the run's start to the case's start.
    pub started_ms: u64,
    /// Milliseconds the case took.
    pub duration_ms: u64,
}

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every expectation held and no check failed.
    Pass,
    /// An expectation or a check failed.
    Fail,
    /// The case could not be carried out (connection failed, timed out, …).
    Error,
    /// The case was not run (its role is not in the data profile, `--only`, …).
    Skipped,
    /// The answer is one a conformant system may give, but a person must decide.
    Check,
}

impl Outcome {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
            Outcome::Check => "check",
        }
    }
}

/// One finding on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// The rule that produced it: a conformance-checker rule id (`pds.response.code-system`),
    /// or a harness rule (`expect.response-code`, `codes.defined`, `correlation.action`, …).
    pub rule: String,
    /// `error`, `warning` or `info`. Errors fail the case.
    pub severity: String,
    /// Official requirement ids the rule checks.
    pub requirements: Vec<String>,
    /// Where in the message (`soap:Header/wsa:Action`), or empty.
    pub location: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// One expectation compared with what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// What was compared (`http status`, `response code`, `nhs_number`, `address absent`).
    pub what: String,
    /// The expected value.
    pub expected: String,
    /// The value received (`(absent)` when missing).
    pub actual: String,
    /// Whether they agree.
    pub ok: bool,
}

/// One HTTP exchange, with its exact bytes saved as evidence files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRecord {
    /// The request's wsa:MessageID, if it had one.
    pub message_id: Option<String>,
    /// The request bytes, as sent.
    pub request: EvidenceFile,
    /// The response bytes, as received (none if nothing came back).
    pub response: Option<EvidenceFile>,
    /// The HTTP status, if an HTTP answer came.
    pub http_status: Option<u16>,
    /// The response code (`value/@code`) or the fault (`fault Client 1000`), if any.
    pub answer: Option<String>,
    /// Milliseconds from sending the request to the whole answer.
    pub latency_ms: Option<u64>,
    /// Why there was no answer (refused handshake, timeout, connection reset).
    pub transport_error: Option<String>,
}

/// A file under the run's `evidence/` folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    /// Path relative to the run folder, with `/` separators (`evidence/PDS-VER-001/request.xml`).
    pub path: String,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// The HTTP Content-Type sent or received, if any.
    pub content_type: Option<String>,
}

impl EvidenceFile {
    /// Describes `bytes` saved at `path` (relative to the run folder): their SHA-256 and size.
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8], content_type: Option<String>) -> Self {
        use sha2::{Digest, Sha256};
        EvidenceFile {
            path: path.into(),
            sha256: hex::encode(Sha256::digest(bytes)),
            bytes: bytes.len() as u64,
            content_type,
        }
    }
}

/// Counts of outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Cases in the run.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Could not be carried out.
    pub errors: usize,
    /// Not run.
    pub skipped: usize,
    /// Need a person's review.
    pub check: usize,
}

impl CaseRecord {
    /// A case that has not run yet: outcome pass, nothing found, no exchanges, no timings.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        requirements: Vec<String>,
        operation: Option<String>,
    ) -> CaseRecord {
        CaseRecord {
            id: id.into(),
            title: title.into(),
            requirements,
            operation,
            outcome: Outcome::Pass,
            summary: String::new(),
            findings: Vec::new(),
            comparisons: Vec::new(),
            exchanges: Vec::new(),
            started_ms: 0,
            duration_ms: 0,
        }
    }
}

impl RunRecord {
    /// Counts the cases by outcome.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            total: self.cases.len(),
            ..Summary::default()
        };
        for case in &self.cases {
            match case.outcome {
                Outcome::Pass => s.passed += 1,
                Outcome::Fail => s.failed += 1,
                Outcome::Error => s.errors += 1,
                Outcome::Skipped => s.skipped += 1,
                Outcome::Check => s.check += 1,
            }
        }
        s
    }

    /// Every evidence file the record names, sorted by path.
    pub fn evidence_files(&self) -> Vec<&EvidenceFile> {
        let mut files: Vec<&EvidenceFile> = self
            .cases
            .iter()
            .flat_map(|c| &c.exchanges)
            .flat_map(|e| std::iter::once(&e.request).chain(e.response.as_ref()))
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl RunRecord {
    /// The name of the suite input (role `suite`), or of the client plan (role `plan`), if any.
    pub fn suite_name(&self) -> Option<&str> {
        self.inputs
            .iter()
            .find(|input| input.role == "suite")
            .or_else(|| self.inputs.iter().find(|input| input.role == "plan"))
            .map(|input| input.name.as_str())
    }

    /// One row per requirement, sorted by id: every requirement the record describes and every
    /// requirement a case names, with the cases evidencing it (in suite order) and a roll-up
    /// verdict.
    pub fn coverage(&self) -> Vec<RequirementCoverage> {
        let mut rows: BTreeMap<&str, RequirementCoverage> = BTreeMap::new();
        for requirement in &self.requirements {
            rows.entry(&requirement.id)
                .or_insert_with(|| RequirementCoverage::new(&requirement.id))
                .title = Some(requirement.title.clone());
        }
        for case in &self.cases {
            for id in &case.requirements {
                let row = rows
                    .entry(id)
                    .or_insert_with(|| RequirementCoverage::new(id));
                if !row.cases.iter().any(|(case_id, _)| *case_id == case.id) {
                    row.cases.push((case.id.clone(), case.outcome));
                }
            }
        }
        rows.into_values()
            .map(|mut row| {
                row.verdict = Verdict::roll_up(row.cases.iter().map(|(_, outcome)| *outcome));
                row
            })
            .collect()
    }
}

/// How the run stands on one requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementCoverage {
    /// The official id.
    pub id: String,
    /// What it asks, if the record describes it.
    pub title: Option<String>,
    /// The cases evidencing it, as (case id, outcome), in suite order.
    pub cases: Vec<(String, Outcome)>,
    /// The roll-up of the cases' outcomes.
    pub verdict: Verdict,
}

impl RequirementCoverage {
    fn new(id: &str) -> Self {
        RequirementCoverage {
            id: id.to_owned(),
            title: None,
            cases: Vec::new(),
            verdict: Verdict::NotRun,
        }
    }
}

/// The roll-up verdict of a requirement over the cases evidencing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Every case that ran passed (skipped cases aside), and at least one ran.
    Pass,
    /// A case failed or could not be carried out.
    Fail,
    /// No case failed, but at least one needs a person's review.
    Check,
    /// No case ran: all were skipped, or none evidences the requirement.
    NotRun,
}

impl Verdict {
    /// Fail if any case failed or errored, else check if any needs review, else pass if any
    /// passed, else not run.
    pub fn roll_up(outcomes: impl IntoIterator<Item = Outcome>) -> Verdict {
        let (mut fail, mut check, mut pass) = (false, false, false);
        for outcome in outcomes {
            match outcome {
                Outcome::Fail | Outcome::Error => fail = true,
                Outcome::Check => check = true,
                Outcome::Pass => pass = true,
                Outcome::Skipped => {}
            }
        }
        if fail {
            Verdict::Fail
        } else if check {
            Verdict::Check
        } else if pass {
            Verdict::Pass
        } else {
            Verdict::NotRun
        }
    }

    /// The words shown in reports: `pass`, `fail`, `check`, `not run`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Check => "check",
            Verdict::NotRun => "not run",
        }
    }
}
