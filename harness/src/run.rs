//! Running a suite against a provider: prepare every request (in suite order, so seeded ids
//! give the same bytes every run), send them with up to `jobs` in flight, judge each answer,
//! save the exact bytes as evidence and assemble the [`RunRecord`].
//!
//! The runner reports progress as [`RunEvent`]s to a [`RunObserver`]; it prints nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use smsp_protocol::messages::Sender;
use smsp_protocol::{Clock, IdSource};
use smsp_reports::{
    CaseRecord, CertificateInfo, EvidenceFile, ExchangeRecord, FORMAT_VERSION, InputFile, Outcome,
    RequirementInfo, RunRecord, TargetInfo, ToolInfo,
};
use smsp_response_codes::ResponseCodeTable;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::Semaphore;

use crate::client::{ClientError, ClientTls, Clients, send};
use crate::judge::{Answer, JudgeContext, judge};
use crate::request::{PreparedRequest, prepare};
use crate::requirements;
use crate::suite::model::{Case, ClientCertificate};
use crate::suite::{Profile, Suite};

/// Everything a provider run needs.
pub struct RunConfig {
    /// The URL to POST requests to.
    pub target: String,
    /// What the target is, in words, for the report.
    pub target_description: Option<String>,
    /// The suite.
    pub suite: Suite,
    /// The data profile binding the suite's roles.
    pub profile: Profile,
    /// The response-code table in force.
    pub codes: ResponseCodeTable,
    /// Where the table came from, for the record (role `response-codes`).
    pub codes_input: InputFile,
    /// Client TLS material.
    pub tls: ClientTls,
    /// The client certificate presented, as identified in evidence.
    pub client_certificate: Option<CertificateInfo>,
    /// Run only these case ids (all when empty).
    pub only: Vec<String>,
    /// Requests in flight at once (at least 1).
    pub jobs: usize,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The run folder: `run.json` and `evidence/` go here.
    pub out_dir: PathBuf,
    /// Who the requests say they are from.
    pub sender: Sender,
    /// The clock for request timestamps and the record's times.
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// The id source for request ids.
    pub ids: Arc<dyn IdSource + Send + Sync>,
    /// The options as given, for the record.
    pub options: Vec<String>,
}

/// Progress of a run.
#[derive(Debug, Clone, Copy)]
pub enum RunEvent<'a> {
    /// The run is about to send `total` cases (skipped ones included).
    Started {
        /// Cases in the run.
        total: usize,
    },
    /// A case has its verdict.
    CaseFinished {
        /// The case's result.
        case: &'a CaseRecord,
    },
}

/// Something that follows a run's progress (a progress bar, plain lines, a test).
pub trait RunObserver: Send + Sync {
    /// Called for each event, in order for a given case.
    fn event(&self, event: RunEvent<'_>);
}

/// An observer that ignores everything.
pub struct Quiet;

impl RunObserver for Quiet {
    fn event(&self, _: RunEvent<'_>) {}
}

/// Why a run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// `--only` names a case the suite does not have.
    #[error("--only names cases the suite `{suite}` does not have: {ids}")]
    UnknownCases {
        /// The suite.
        suite: String,
        /// The unknown ids, comma-separated.
        ids: String,
    },
    /// The target URL is not an http(s) URL.
    #[error("the target `{0}` is not an http:// or https:// URL")]
    BadTarget(String),
    /// Nothing listens at the target.
    #[error("cannot reach the target {url}: {reason}")]
    Unreachable {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The TLS material is unusable.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The run folder could not be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A case ready to run, or the reason it will not be.
enum Plan {
    Send {
        request: PreparedRequest,
        facts: BTreeMap<String, String>,
        anonymous: bool,
    },
    Skip(String),
    Broken(String),
}

fn plan(case: &Case, config: &RunConfig, https: bool) -> Plan {
    let empty = BTreeMap::new();
    let facts = match &case.patient {
        None => &empty,
        Some(role) => match config.profile.role(role) {
            Some(facts) => facts,
            None => {
                return Plan::Skip(format!(
                    "the data profile `{}` binds no `{role}` patient",
                    config.profile.file.profile
                ));
            }
        },
    };
    let anonymous = matches!(
        case.transport.as_ref().map(|t| t.client_certificate),
        Some(ClientCertificate::None)
    );
    if case.transport.is_some() && !https {
        return Plan::Skip(
            "the case is about TLS client certificates and the target is plain HTTP".to_owned(),
        );
    }
    match prepare(
        case,
        facts,
        &config.sender,
        config.clock.as_ref(),
        config.ids.as_ref(),
    ) {
        Ok(request) => Plan::Send {
            request,
            facts: facts.clone(),
            anonymous,
        },
        Err(e) => Plan::Broken(format!(
            "cannot build the request from the data profile `{}`: {e}",
            config.profile.file.profile
        )),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Writes one evidence file and describes it.
fn evidence(
    out_dir: &Path,
    case_id: &str,
    name: &str,
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<EvidenceFile, RunError> {
    let relative = format!("evidence/{case_id}/{name}");
    let path = out_dir.join(&relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| RunError::Output {
            path: parent.to_owned(),
            source,
        })?;
    }
    std::fs::write(&path, bytes).map_err(|source| RunError::Output { path, source })?;
    Ok(EvidenceFile {
        path: relative,
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
        content_type: content_type.map(str::to_owned),
    })
}

/// The file name for a response body: `.xml` when it looks like XML, else `.txt` or `.bin`.
fn response_name(body: &[u8]) -> &'static str {
    let text = std::str::from_utf8(body).ok();
    match text.map(str::trim_start) {
        Some(t) if t.starts_with('<') => "response.xml",
        Some(_) => "response.txt",
        None => "response.bin",
    }
}

/// Checks that something listens at the target's host and port.
async fn reachable(url: &reqwest::Url, timeout: Duration) -> Result<(), String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect((host, port))).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "no TCP connection within {} ms",
            timeout.as_millis()
        )),
    }
}

/// Runs the suite against the target, writes `evidence/` and `run.json` into the run folder,
/// and returns the record.
pub async fn run_provider(
    config: RunConfig,
    observer: &dyn RunObserver,
) -> Result<RunRecord, RunError> {
    let url = reqwest::Url::parse(&config.target)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| RunError::BadTarget(config.target.clone()))?;
    let known: BTreeSet<&str> = config
        .suite
        .file
        .cases
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let unknown: Vec<&str> = config
        .only
        .iter()
        .map(String::as_str)
        .filter(|id| !known.contains(id))
        .collect();
    if !unknown.is_empty() {
        return Err(RunError::UnknownCases {
            suite: config.suite.file.suite.clone(),
            ids: unknown.join(", "),
        });
    }
    let clients = Clients::new(&config.tls, config.timeout)?;
    reachable(&url, config.timeout)
        .await
        .map_err(|reason| RunError::Unreachable {
            url: config.target.clone(),
            reason,
        })?;
    std::fs::create_dir_all(&config.out_dir).map_err(|source| RunError::Output {
        path: config.out_dir.clone(),
        source,
    })?;

    let started_at = config.clock.now();
    let run_start = Instant::now();
    let https = url.scheme() == "https";
    let cases: Vec<&Case> = config
        .suite
        .file
        .cases
        .iter()
        .filter(|c| config.only.is_empty() || config.only.contains(&c.id))
        .collect();
    // Prepared in suite order before anything is sent, so ids do not depend on scheduling.
    let plans: Vec<Plan> = cases.iter().map(|c| plan(c, &config, https)).collect();
    observer.event(RunEvent::Started { total: cases.len() });

    let semaphore = Arc::new(Semaphore::new(config.jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, plan) in plans.iter().enumerate() {
        if let Plan::Send {
            request, anonymous, ..
        } = plan
        {
            let client = if *anonymous {
                clients.anonymous.clone()
            } else {
                clients.configured.clone()
            };
            let request = request.clone();
            let target = config.target.clone();
            let semaphore = semaphore.clone();
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                let started = run_start.elapsed();
                let answer = send(&client, &target, &request).await;
                (index, started, answer)
            });
        }
    }

    let mut records: Vec<Option<CaseRecord>> = vec![None; cases.len()];
    let finish = |index: usize, record: CaseRecord, records: &mut Vec<Option<CaseRecord>>| {
        observer.event(RunEvent::CaseFinished { case: &record });
        records[index] = Some(record);
    };
    for (index, plan) in plans.iter().enumerate() {
        let case = cases[index];
        let (outcome, summary) = match plan {
            Plan::Skip(reason) => (Outcome::Skipped, reason.clone()),
            Plan::Broken(reason) => (Outcome::Error, reason.clone()),
            Plan::Send { .. } => continue,
        };
        finish(index, blank_record(case, outcome, summary), &mut records);
    }
    while let Some(joined) = tasks.join_next().await {
        let Ok((index, started, answer)) = joined else {
            continue;
        };
        let case = cases[index];
        let Plan::Send { request, facts, .. } = &plans[index] else {
            continue;
        };
        let cx = JudgeContext {
            codes: &config.codes,
            now: config.clock.now(),
        };
        let verdict = judge(case, facts, request, &answer, &cx);
        let request_file = evidence(
            &config.out_dir,
            &case.id,
            "request.xml",
            &request.body,
            Some(&request.content_type),
        )?;
        let (exchange, latency) = match &answer {
            Answer::Http {
                status,
                content_type,
                body,
                latency,
            } => {
                let response = evidence(
                    &config.out_dir,
                    &case.id,
                    response_name(body),
                    body,
                    content_type.as_deref(),
                )?;
                (
                    ExchangeRecord {
                        message_id: request.message_id.clone(),
                        request: request_file,
                        response: Some(response),
                        http_status: Some(*status),
                        answer: verdict.answer.clone(),
                        latency_ms: Some(latency.as_millis() as u64),
                        transport_error: None,
                    },
                    *latency,
                )
            }
            Answer::Failed {
                reason, latency, ..
            } => (
                ExchangeRecord {
                    message_id: request.message_id.clone(),
                    request: request_file,
                    response: None,
                    http_status: None,
                    answer: verdict.answer.clone(),
                    latency_ms: Some(latency.as_millis() as u64),
                    transport_error: Some(reason.clone()),
                },
                *latency,
            ),
        };
        let mut record = blank_record(case, verdict.outcome, verdict.summary);
        record.findings = verdict.findings;
        record.comparisons = verdict.comparisons;
        record.exchanges = vec![exchange];
        record.started_ms = started.as_millis() as u64;
        record.duration_ms = latency.as_millis() as u64;
        finish(index, record, &mut records);
    }
    let cases: Vec<CaseRecord> = records.into_iter().flatten().collect();
    let finished_at = config.clock.now();

    let mut requirement_ids: BTreeSet<&str> = BTreeSet::new();
    for case in &cases {
        requirement_ids.extend(case.requirements.iter().map(String::as_str));
    }
    let record = RunRecord {
        format: FORMAT_VERSION,
        tool: ToolInfo {
            name: "smsp".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        kind: "provider".to_owned(),
        started: rfc3339(started_at),
        finished: rfc3339(finished_at),
        target: TargetInfo {
            url: config.target.clone(),
            description: config.target_description.clone(),
            client_certificate: config.client_certificate.clone(),
        },
        inputs: vec![
            InputFile {
                role: "suite".to_owned(),
                name: config.suite.file.suite.clone(),
                source: config.suite.origin.source.clone(),
                sha256: config.suite.origin.sha256.clone(),
            },
            InputFile {
                role: "data-profile".to_owned(),
                name: config.profile.file.profile.clone(),
                source: config.profile.origin.source.clone(),
                sha256: config.profile.origin.sha256.clone(),
            },
            config.codes_input.clone(),
        ],
        options: config.options.clone(),
        requirements: requirement_ids
            .into_iter()
            .map(|id| RequirementInfo {
                id: id.to_owned(),
                title: requirements::title(id).unwrap_or("").to_owned(),
            })
            .collect(),
        cases,
        tom: None,
    };
    write_record(&config.out_dir, &record)?;
    Ok(record)
}

fn blank_record(case: &Case, outcome: Outcome, summary: String) -> CaseRecord {
    let mut record = CaseRecord::new(
        case.id.clone(),
        case.title.clone(),
        case.requirements.clone(),
        Some(case.operation.clone()),
    );
    record.outcome = outcome;
    record.summary = summary;
    record
}

/// Writes `run.json` into the run folder.
pub fn write_record(out_dir: &Path, record: &RunRecord) -> Result<PathBuf, RunError> {
    let path = out_dir.join("run.json");
    let mut json = serde_json::to_string_pretty(record).map_err(|e| RunError::Output {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    json.push('\n');
    std::fs::write(&path, json).map_err(|source| RunError::Output {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Whether any case got an HTTP answer: a run where none did never reached the target.
pub fn target_answered(record: &RunRecord) -> bool {
    record
        .cases
        .iter()
        .flat_map(|c| &c.exchanges)
        .any(|e| e.http_status.is_some())
}
