//! `smsp test client`: starts the simulator, walks a client plan (running a driver command per
//! step, or asking a person and waiting for the client's requests), then judges everything the
//! client sent. `--from-journal` judges a journal recorded earlier by `smsp simulate
//! --journal` instead; both assign requests to steps the same way, so they agree.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use sha2::{Digest, Sha256};
use smsp_harness::plan::judge::{Captured, ClientJudgement, WireStatus, judge_client};
use smsp_harness::plan::{Plan, load_plan};
use smsp_reports::tom::{Compliance, TomAssessment, TomSection, load_tom_checklist};
use smsp_reports::{
    CaseRecord, CertificateInfo, EvidenceFile, ExchangeRecord, FORMAT_VERSION, InputFile,
    RequirementInfo, RunRecord, TargetInfo, ToolInfo,
};
use smsp_simulator::engine::{Engine, EngineConfig};
use smsp_simulator::journal::{AnswerKind, Exchange, Journal, read_journal_file};
use smsp_simulator::net::ConnectionLimits;
use smsp_simulator::run::ListenConfig;
use smsp_simulator::server::{BodyLimits, PDS_PATH};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::CliError;
use super::simulate::{TlsArgs, TlsMode, load_codes, load_scenario, tls_setup};

/// Options of `smsp test client`.
#[derive(Debug, Args)]
pub(crate) struct ClientArgs {
    /// The plan: a built-in name (pds-client) or a path to a plan file.
    #[arg(long, value_name = "NAME|PATH", default_value = "pds-client")]
    plan: String,

    /// For each step, run this command with the step's inputs substituted: {nhs_number},
    /// {surname}, {given}, {gender}, {birth_date}, {postcode}, {user}, {action}, {step}, and
    /// {url}, {ca}, {cert}, {key} for reaching the simulator. Without it, each step's
    /// instruction is printed and the client's requests are awaited.
    #[arg(long, value_name = "TEMPLATE", conflicts_with_all = ["from_journal", "reference"])]
    drive: Option<String>,

    /// Walk the plan with the built-in reference client (a correct client, used by smsp demo).
    #[arg(long, conflicts_with = "from_journal")]
    reference: bool,

    /// Judge a journal recorded by `smsp simulate --journal FILE` instead of starting the
    /// simulator.
    #[arg(long, value_name = "FILE")]
    from_journal: Option<PathBuf>,

    /// The scenario to serve (file or folder, repeatable; default: the built-in default).
    #[arg(long = "scenario", value_name = "PATH")]
    scenarios: Vec<String>,

    /// Address of the PDS service (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    listen: SocketAddr,

    #[command(flatten)]
    tls: TlsArgs,

    /// Also write every exchange to this journal file (JSON lines).
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,

    /// How long to wait for a step: the driver command to finish, or the first request.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    step_timeout: f64,

    /// Without a driver: a step ends this long after its last request.
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0)]
    quiet: f64,

    /// The run folder (default: reports/out/<timestamp>/).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Check response codes in scenarios against this workbook instead of the embedded table.
    #[arg(long, value_name = "XLSX")]
    codes: Option<PathBuf>,

    /// Lay out tom-evidence.xlsx with the requirement rows of this official checklist (the
    /// 'Target Operating Model - Spine Mini Services - Self-Evaluation Checklist' .xls) instead
    /// of the table written from the facts.
    #[arg(long, value_name = "XLS")]
    tom_checklist: Option<PathBuf>,
}

impl ClientArgs {
    /// The options `smsp demo` runs with: the reference client through the built-in plan,
    /// against the simulator on a free port with mutual TLS on a dev PKI in `pki`.
    pub(crate) fn demo(out: PathBuf, pki: PathBuf) -> ClientArgs {
        ClientArgs {
            plan: "pds-client".to_owned(),
            drive: None,
            reference: true,
            from_journal: None,
            scenarios: Vec::new(),
            listen: "127.0.0.1:0".parse().expect("a socket address"),
            tls: TlsArgs::dev(pki),
            journal: None,
            step_timeout: 60.0,
            quiet: 3.0,
            out: Some(out),
            codes: None,
            tom_checklist: None,
        }
    }
}

/// Runs `smsp test client`.
pub(crate) fn run(args: &ClientArgs) -> Result<(), CliError> {
    let outcome = client(args)?;
    outcome.exit()
}

/// What a client run ended with.
pub(crate) struct ClientOutcome {
    pub(crate) record: RunRecord,
    pub(crate) out_dir: PathBuf,
}

impl ClientOutcome {
    /// Exit 0 when every step passed, 4 otherwise.
    pub(crate) fn exit(&self) -> Result<(), CliError> {
        super::test::failures(&self.record, &self.out_dir, "steps")
    }
}

/// The plan, the inputs' hashes, and where the run goes.
fn load(args: &ClientArgs) -> Result<(Plan, PathBuf), CliError> {
    let plan = load_plan(&args.plan).map_err(|e| CliError::Input {
        message: format!("cannot use the plan:\n{e}"),
        help: Some(
            "fix the places named above; scenarios/plans/README.md explains the format".into(),
        ),
    })?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(super::test::default_out_dir);
    Ok((plan, out))
}

/// Runs the client test and writes the run folder and reports.
pub(crate) fn client(args: &ClientArgs) -> Result<ClientOutcome, CliError> {
    let (plan, out_dir) = load(args)?;
    let started = OffsetDateTime::now_utc();
    let (captured, target, description, mut inputs, certificate) = match &args.from_journal {
        Some(path) => {
            let exchanges = read_journal_file(path).map_err(|e| CliError::Input {
                message: format!("cannot read the journal {}: {e}", path.display()),
                help: Some(
                    "give --from-journal a file written by `smsp simulate --journal`".into(),
                ),
            })?;
            let input = super::test::input_file("journal", path)?;
            (
                exchanges
                    .iter()
                    .map(captured_from)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| CliError::Input {
                        message: format!(
                            "the journal {} has an entry that cannot be judged: {e}",
                            path.display()
                        ),
                        help: Some(
                            "restore the entry as `smsp simulate --journal` wrote it, or remove it"
                                .into(),
                        ),
                    })?,
                format!("journal {}", path.display()),
                Some("a journal recorded earlier by smsp simulate --journal".to_owned()),
                vec![input],
                certificate_of(exchanges.iter()),
            )
        }
        None => live(args, &plan)?,
    };
    let judgement = judge_client(&plan.file, &captured);
    let tom = tom_section(args.tom_checklist.as_deref(), &judgement, &mut inputs)?;
    inputs.insert(
        0,
        InputFile {
            role: "plan".into(),
            name: plan.file.plan.clone(),
            source: plan.origin.source.clone(),
            sha256: plan.origin.sha256.clone(),
        },
    );
    let mut record = record(
        &plan,
        &judgement,
        &captured,
        &out_dir,
        started,
        target,
        description,
        inputs,
    )?;
    record.target.client_certificate = certificate;
    record.options = options(args);
    record.tom = Some(tom);
    smsp_harness::run::write_record(&out_dir, &record)
        .map_err(|e| CliError::runtime(e.to_string(), None))?;
    smsp_reports::write_reports(&out_dir, &record, &out_dir)
        .map_err(super::report::from_report_error)?;
    let s = record.summary();
    for case in &record.cases {
        println!(
            "  {:<7} {} {}: {}",
            case.outcome.as_str(),
            case.id,
            case.title,
            case.summary
        );
    }
    for r in &judgement.requirements {
        println!("  {:<12} {:?}: {}", r.id, r.status, r.notes);
    }
    println!(
        "{} steps: {} passed, {} failed, {} errors",
        s.total, s.passed, s.failed, s.errors
    );
    println!("report:   {}", out_dir.join("report.html").display());
    Ok(ClientOutcome { record, out_dir })
}

/// The TOM section: the checklist's rows (official, or ours) and what the wire showed.
fn tom_section(
    checklist: Option<&Path>,
    judgement: &ClientJudgement,
    inputs: &mut Vec<InputFile>,
) -> Result<TomSection, CliError> {
    let mut section = match checklist {
        Some(path) => {
            let requirements = load_tom_checklist(path).map_err(|e| CliError::Input {
                message: e.to_string(),
                help: Some("pass --tom-checklist the official TOM Self-Evaluation Checklist (.xls), or omit it to use the built-in requirement table".into()),
            })?;
            inputs.push(super::test::input_file("tom-checklist", path)?);
            TomSection {
                source: path.display().to_string(),
                requirements,
                assessments: Vec::new(),
            }
        }
        None => TomSection::builtin(),
    };
    section.assessments = judgement
        .requirements
        .iter()
        .map(|r| TomAssessment {
            id: r.id.clone(),
            status: match r.status {
                WireStatus::Yes => Compliance::Yes,
                WireStatus::No => Compliance::No,
                WireStatus::Partial => Compliance::Partial,
            },
            evidence: r.evidence.clone(),
            notes: r.notes.clone(),
        })
        .collect();
    Ok(section)
}

/// The options as given, for the record.
fn options(args: &ClientArgs) -> Vec<String> {
    let mut o = vec![format!("--plan={}", args.plan)];
    if args.reference {
        o.push("--reference".into());
    }
    if let Some(d) = &args.drive {
        o.push(format!("--drive={d}"));
    }
    if let Some(j) = &args.from_journal {
        o.push(format!("--from-journal={}", j.display()));
    }
    for s in &args.scenarios {
        o.push(format!("--scenario={s}"));
    }
    if let Some(c) = &args.tom_checklist {
        o.push(format!("--tom-checklist={}", c.display()));
    }
    o
}

/// The first client certificate the journal saw (the client under test's).
fn certificate_of<'a>(exchanges: impl Iterator<Item = &'a Exchange>) -> Option<CertificateInfo> {
    exchanges
        .filter_map(|e| e.client.as_ref())
        .next()
        .map(|c| CertificateInfo {
            subject: c.subject_dn.clone(),
            sha256_fingerprint: c.fingerprint_sha256.clone(),
        })
}

/// The answer of a journal entry in the judge's words.
fn answer_of(e: &Exchange) -> String {
    let a = &e.answer;
    match a.kind {
        AnswerKind::Response => a.response_code.clone().unwrap_or_else(|| "response".into()),
        AnswerKind::Fault => format!(
            "fault {} {}",
            a.fault_code.as_deref().unwrap_or("?"),
            a.error_code.as_deref().unwrap_or("?")
        ),
        AnswerKind::Busy => "busy".into(),
        AnswerKind::Http => format!("http {}", a.http_status.unwrap_or(0)),
        AnswerKind::Dropped => "dropped".into(),
        AnswerKind::Garbage => "garbage".into(),
    }
}

/// A journal entry as the judge sees it, or why it cannot be judged (a hand-edited journal
/// with a bad time or bad base64).
fn captured_from(e: &Exchange) -> Result<Captured, String> {
    Ok(Captured {
        id: e.id,
        received_at: OffsetDateTime::parse(&e.received_at, &Rfc3339).map_err(|err| {
            format!(
                "exchange {}: received_at `{}` is not an RFC 3339 time: {err}",
                e.id, e.received_at
            )
        })?,
        request: e
            .request
            .bytes()
            .ok_or_else(|| format!("exchange {}: the request body is not valid base64", e.id))?,
        request_content_type: e.request.content_type.clone(),
        soap_action: e.soap_action.clone(),
        answer: answer_of(e),
        http_status: e.answer.http_status,
        response: e.response.as_ref().and_then(|r| r.bytes()),
        response_content_type: e.response.as_ref().and_then(|r| r.content_type.clone()),
    })
}

type Live = (
    Vec<Captured>,
    String,
    Option<String>,
    Vec<InputFile>,
    Option<CertificateInfo>,
);

/// Starts the simulator, walks the plan, and returns what the client sent.
fn live(args: &ClientArgs, plan: &Plan) -> Result<Live, CliError> {
    let codes = load_codes(args.codes.as_deref())?;
    let scenario = load_scenario(&args.scenarios, &codes)?;
    let (tls_config, mode) = tls_setup(&args.tls)?;
    if args.reference && matches!(mode, TlsMode::Files) {
        return Err(CliError::Usage {
            message: "--reference presents the development PKI's client certificate, which your --client-ca does not trust".into(),
            help: Some("use --dev-tls DIR (the default) or --plain-http with --reference".into()),
        });
    }
    let mut journal = Journal::in_memory(100_000);
    if let Some(path) = &args.journal {
        journal = journal.with_file(path).map_err(|e| CliError::Input {
            message: e.to_string(),
            help: Some("give --journal a path in a folder that exists and is writable".into()),
        })?;
    }
    let engine = Arc::new(Engine::new(
        scenario,
        journal,
        Arc::new(smsp_protocol::SystemClock),
        Arc::new(smsp_protocol::RandomIds),
        EngineConfig::default(),
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::runtime(format!("cannot start the async runtime: {e}"), None))?;
    runtime.block_on(async {
        let running = smsp_simulator::run::start(
            Arc::clone(&engine),
            ListenConfig {
                listen: args.listen,
                admin: None,
                tls: tls_config,
                body_limits: BodyLimits::default(),
                connection_limits: ConnectionLimits::default(),
            },
        )
        .await
        .map_err(|e| CliError::runtime(e.to_string(), None))?;
        let scheme = if matches!(mode, TlsMode::Plain) {
            "http"
        } else {
            "https"
        };
        let url = format!("{scheme}://{}{PDS_PATH}", running.service_addr);
        println!(
            "smsp test client: plan {} ({} steps); the simulator listens on {url}",
            plan.file.plan,
            plan.file.steps.len()
        );
        let (ca, cert, key) = match &mode {
            TlsMode::Dev(dev, _) => (
                dev.ca_cert.display().to_string(),
                dev.client_cert.display().to_string(),
                dev.client_key.display().to_string(),
            ),
            _ => (String::new(), String::new(), String::new()),
        };
        if let TlsMode::Dev(..) = mode {
            println!("client TLS: CA {ca}, certificate {cert}, key {key}");
        }
        let result = walk(args, plan, &engine, &url, &ca, &cert, &key).await;
        running.shutdown(Duration::from_secs(2)).await;
        result?;
        let exchanges = engine.journal().exchanges();
        let captured: Vec<Captured> = exchanges
            .iter()
            .map(captured_from)
            .collect::<Result<_, _>>()
            .map_err(|e| CliError::runtime(e, None))?;
        let certificate = certificate_of(exchanges.iter());
        let description = format!(
            "the client under test, against the built-in simulator ({})",
            if args.reference {
                "the reference client"
            } else if args.drive.is_some() {
                "driven by --drive"
            } else {
                "operated by hand"
            }
        );
        Ok::<Live, CliError>((captured, url, Some(description), Vec::new(), certificate))
    })
}

/// Walks the plan's steps.
async fn walk(
    args: &ClientArgs,
    plan: &Plan,
    engine: &Engine,
    url: &str,
    ca: &str,
    cert: &str,
    key: &str,
) -> Result<(), CliError> {
    let step_timeout = Duration::from_secs_f64(args.step_timeout.max(0.1));
    let reference = if args.reference {
        let read = |path: &str| {
            std::fs::read(path).map_err(|e| {
                CliError::runtime(
                    format!("the reference client cannot read {path}: {e}"),
                    None,
                )
            })
        };
        let identity_pem = if cert.is_empty() {
            None
        } else {
            let mut pem = read(cert)?;
            pem.push(b'\n');
            pem.extend(read(key)?);
            Some(pem)
        };
        let tls = smsp_harness::client::ClientTls {
            ca_pem: if ca.is_empty() { None } else { Some(read(ca)?) },
            identity_pem,
        };
        let clients = smsp_harness::client::Clients::new(&tls, step_timeout)
            .map_err(|e| CliError::runtime(e.to_string(), None))?;
        Some(smsp_harness::plan::reference::ReferenceClient::new(
            clients.configured,
            url,
        ))
    } else {
        None
    };
    for step in &plan.file.steps {
        let instruction =
            smsp_harness::plan::load::fill_instruction(&step.instruction, &step.inputs)
                .unwrap_or_else(|_| step.instruction.clone());
        println!("step {}: {instruction}", step.id);
        let before = engine.journal().len();
        if let Some(client) = &reference {
            for line in client
                .perform(step, &smsp_protocol::SystemClock, &smsp_protocol::RandomIds)
                .await
            {
                println!("    {line}");
            }
        } else if let Some(template) = &args.drive {
            let mut values = step.inputs.clone();
            // Inputs a step does not use are empty, so a template can name every one.
            for name in [
                "nhs_number",
                "surname",
                "given",
                "gender",
                "birth_date",
                "postcode",
                "user",
            ] {
                values.entry(name.to_owned()).or_default();
            }
            for (k, v) in [
                ("url", url),
                ("ca", ca),
                ("cert", cert),
                ("key", key),
                ("action", &step.action),
                ("step", &step.id),
            ] {
                values.insert(k.to_owned(), v.to_owned());
            }
            let command = fill_drive(template, &values);
            println!("    running: {command}");
            let child = tokio::process::Command::new("sh")
                .arg("-c")
                .arg(&command)
                .kill_on_drop(true)
                .output();
            match tokio::time::timeout(step_timeout, child).await {
                Ok(Ok(out)) if out.status.success() => {}
                Ok(Ok(out)) => println!(
                    "    the driver exited with {}: {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                Ok(Err(e)) => {
                    return Err(CliError::runtime(
                        format!("cannot run the driver `{command}`: {e}"),
                        None,
                    ));
                }
                Err(_) => println!(
                    "    the driver did not finish within {} s",
                    step_timeout.as_secs_f64()
                ),
            }
        } else {
            wait_for_requests(
                engine,
                before,
                step_timeout,
                Duration::from_secs_f64(args.quiet.max(0.1)),
            )
            .await;
        }
        let after = engine.journal().len();
        println!("    {} request(s)", after - before);
    }
    Ok(())
}

/// Fills `{name}` in a driver template; unknown names are left as written, so a shell's own
/// braces survive.
fn fill_drive(template: &str, values: &std::collections::BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Waits for the first request of a step (up to `timeout`), then until none has come for `quiet`.
async fn wait_for_requests(engine: &Engine, before: usize, timeout: Duration, quiet: Duration) {
    let start = Instant::now();
    let mut last_count = before;
    let mut last_change = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let count = engine.journal().len();
        if count != last_count {
            last_count = count;
            last_change = Instant::now();
        }
        if count == before && start.elapsed() >= timeout {
            println!("    no request within {} s", timeout.as_secs_f64());
            return;
        }
        if count > before && last_change.elapsed() >= quiet {
            return;
        }
    }
}

/// Writes the exchanges' bytes as evidence and assembles the run record.
#[allow(clippy::too_many_arguments)]
fn record(
    plan: &Plan,
    judgement: &ClientJudgement,
    captured: &[Captured],
    out_dir: &Path,
    started: OffsetDateTime,
    target: String,
    description: Option<String>,
    inputs: Vec<InputFile>,
) -> Result<RunRecord, CliError> {
    let write = |case: &str,
                 name: &str,
                 bytes: &[u8],
                 ct: Option<&String>|
     -> Result<EvidenceFile, CliError> {
        let relative = format!("evidence/{case}/{name}");
        let path = out_dir.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                CliError::runtime(format!("cannot write {}: {e}", parent.display()), None)
            })?;
        }
        std::fs::write(&path, bytes).map_err(|e| {
            CliError::runtime(format!("cannot write {}: {e}", path.display()), None)
        })?;
        Ok(EvidenceFile {
            path: relative,
            sha256: hex::encode(Sha256::digest(bytes)),
            bytes: bytes.len() as u64,
            content_type: ct.cloned(),
        })
    };
    let mut cases: Vec<CaseRecord> = judgement.cases.clone();
    let groups: Vec<(usize, &Vec<usize>)> = judgement.assigned.iter().enumerate().collect();
    let mut all: Vec<(usize, Vec<usize>)> =
        groups.into_iter().map(|(i, g)| (i, g.clone())).collect();
    if !judgement.unplanned.is_empty() {
        all.push((plan.file.steps.len(), judgement.unplanned.clone()));
    }
    for (case_index, indexes) in all {
        let Some(case) = cases.get_mut(case_index) else {
            continue;
        };
        for i in indexes {
            let c = &captured[i];
            let request = write(
                &case.id,
                &format!("exchange-{}-request.xml", c.id),
                &c.request,
                c.request_content_type.as_ref(),
            )?;
            let response = match &c.response {
                Some(bytes) => Some(write(
                    &case.id,
                    &format!("exchange-{}-response.xml", c.id),
                    bytes,
                    c.response_content_type.as_ref(),
                )?),
                None => None,
            };
            case.exchanges.push(ExchangeRecord {
                message_id: None,
                request,
                response,
                http_status: c.http_status,
                answer: Some(c.answer.clone()),
                latency_ms: None,
                transport_error: None,
            });
        }
    }
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for case in &cases {
        ids.extend(case.requirements.iter().cloned());
    }
    ids.extend(judgement.requirements.iter().map(|r| r.id.clone()));
    Ok(RunRecord {
        format: FORMAT_VERSION,
        tool: ToolInfo {
            name: "smsp".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        kind: "client".into(),
        started: started.format(&Rfc3339).unwrap_or_default(),
        finished: OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
        target: TargetInfo {
            url: target,
            description,
            client_certificate: None,
        },
        inputs,
        options: Vec::new(),
        requirements: ids
            .into_iter()
            .map(|id| RequirementInfo {
                title: smsp_harness::requirements::title(&id)
                    .unwrap_or("")
                    .to_owned(),
                id,
            })
            .collect(),
        cases,
        tom: None,
    })
}
