//! `smsp test provider`: drives a provider under test (or the built-in simulator, in-process)
//! through a suite, writes the run folder (`run.json`, `evidence/`) and renders the reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::{Args, Subcommand};
use sha2::{Digest, Sha256};
use smsp_harness::client::ClientTls;
use smsp_harness::run::{self, RunConfig, RunError, RunEvent, RunObserver};
use smsp_harness::suite::{self, Profile, Suite};
use smsp_protocol::messages::Sender;
use smsp_protocol::{AuditIdentity, IdSource, RandomIds, SeededIds, SystemClock};
use smsp_reports::{CertificateInfo, InputFile, Outcome, RunRecord};
use smsp_response_codes::ResponseCodeTable;
use smsp_simulator::engine::{Engine, EngineConfig};
use smsp_simulator::journal::Journal;
use smsp_simulator::net::ConnectionLimits;
use smsp_simulator::run::{ListenConfig, Running};
use smsp_simulator::server::{BodyLimits, PDS_PATH};
use smsp_simulator::{pki, tls};

use super::CliError;
use super::simulate::{load_codes, load_scenario};

/// `smsp test …`.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    #[command(subcommand)]
    command: TestCommand,
}

#[derive(Debug, Subcommand)]
enum TestCommand {
    /// Drive an SMSP provider (or the built-in simulator) through a suite of requirement cases.
    Provider(Box<ProviderArgs>),
    /// Walk an SMSP client through a plan against the simulator, and judge what it sends.
    Client(Box<super::client::ClientArgs>),
}

/// Options of `smsp test provider`.
#[derive(Debug, Args)]
pub(crate) struct ProviderArgs {
    /// The provider's endpoint URL, e.g. https://provider.example:8443/smsp/pds.
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "against_simulator"
    )]
    target: Option<String>,

    /// Test the built-in simulator, started in-process with mutual TLS on a free loopback port.
    #[arg(long, conflicts_with_all = ["target", "cert", "key", "ca"])]
    against_simulator: bool,

    /// With --against-simulator: the scenario to load (file or folder, repeatable; default:
    /// the built-in default scenario).
    #[arg(long = "scenario", value_name = "PATH", requires = "against_simulator")]
    scenarios: Vec<String>,

    /// The suite: a built-in name (pds-provider) or a path to a suite file.
    #[arg(long, value_name = "NAME|PATH", default_value = "pds-provider")]
    suite: String,

    /// The data profile binding the suite's patient roles: default (our simulator's data),
    /// opentest (a provider wired to OpenTest), or a path.
    #[arg(long, value_name = "PROFILE", default_value = "default")]
    data: String,

    /// Client certificate (PEM) presented to the target.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,

    /// The client certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,

    /// CA certificate(s) (PEM) to trust for the target's server certificate.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,

    /// Run only these cases (ids, space- or comma-separated).
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    only: Vec<String>,

    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    jobs: usize,

    /// Per-request timeout, in seconds (fractions allowed).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    timeout: f64,

    /// The run folder (default: reports/out/<timestamp>/).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// The response-code workbook (the official 'SMSP Response Codes - v1.0.xlsx') to check
    /// every response code against, instead of the embedded table.
    #[arg(long, value_name = "XLSX")]
    codes: Option<PathBuf>,

    /// Seed for request ids, so a run's requests are the same bytes every time.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// wsse:Username the requests carry.
    #[arg(long, value_name = "NAME", default_value = "smsp-harness")]
    username: String,

    /// itk:auditIdentity/itk:id/@uri the requests carry (MSCA-AUD-04).
    #[arg(
        long,
        value_name = "URI",
        default_value = "urn:nhs-uk:identity:ods:X09:SYS:smsp-harness"
    )]
    audit_identity: String,
}

impl ProviderArgs {
    /// The options `smsp demo` runs with: the built-in simulator on the default scenario, the
    /// PDS provider suite, the default data profile.
    pub(crate) fn demo(out: PathBuf, seed: Option<u64>) -> ProviderArgs {
        ProviderArgs {
            target: None,
            against_simulator: true,
            scenarios: Vec::new(),
            suite: "pds-provider".to_owned(),
            data: "default".to_owned(),
            cert: None,
            key: None,
            ca: None,
            only: Vec::new(),
            jobs: 4,
            timeout: 10.0,
            out: Some(out),
            codes: None,
            seed,
            username: "smsp-harness".to_owned(),
            audit_identity: "urn:nhs-uk:identity:ods:X09:SYS:smsp-harness".to_owned(),
        }
    }
}

/// Runs `smsp test …`.
pub(crate) fn run(args: &TestArgs) -> Result<(), CliError> {
    match &args.command {
        TestCommand::Provider(p) => {
            let outcome = provider(p, None)?;
            outcome.exit()
        }
        TestCommand::Client(c) => super::client::run(c),
    }
}

/// What a provider run ended with, for the caller to print and turn into an exit code.
pub(crate) struct ProviderOutcome {
    pub(crate) record: RunRecord,
    pub(crate) out_dir: PathBuf,
}

impl ProviderOutcome {
    /// Exit 0 when nothing failed, 4 when cases failed or errored, 3 when the target never
    /// answered at all.
    pub(crate) fn exit(&self) -> Result<(), CliError> {
        let s = self.record.summary();
        if !run::target_answered(&self.record) && s.total > s.skipped {
            return Err(CliError::runtime(
                format!(
                    "the target {} gave no HTTP answer to any case",
                    self.record.target.url
                ),
                Some(format!(
                    "see the transport errors in {}; check the URL, --ca, --cert and --key",
                    self.out_dir.join("report.html").display()
                )),
            ));
        }
        failures(&self.record, &self.out_dir, "cases")
    }
}

/// Exit 4 (with where to look) when any case or step failed or errored.
pub(crate) fn failures(record: &RunRecord, out_dir: &Path, noun: &str) -> Result<(), CliError> {
    let s = record.summary();
    if s.failed + s.errors == 0 {
        return Ok(());
    }
    Err(CliError::Failed {
        message: format!(
            "{} of {} {noun} failed ({} failed, {} errors); see {}",
            s.failed + s.errors,
            s.total,
            s.failed,
            s.errors,
            out_dir.join("report.html").display()
        ),
    })
}

/// An input file of a run, with its SHA-256, for the record.
pub(crate) fn input_file(role: &str, path: &Path) -> Result<InputFile, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::Input {
        message: format!("cannot read {}: {e}", path.display()),
        help: None,
    })?;
    Ok(InputFile {
        role: role.into(),
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        source: path.display().to_string(),
        sha256: hex::encode(Sha256::digest(&bytes)),
    })
}

/// Loads the suite, profile and codes; starts the simulator if asked; runs; renders reports.
/// `title` replaces the opening line (used by `smsp demo`).
pub(crate) fn provider(
    args: &ProviderArgs,
    title: Option<&str>,
) -> Result<ProviderOutcome, CliError> {
    let codes = load_codes(args.codes.as_deref())?;
    let codes_input = codes_input(args.codes.as_deref())?;
    let suite = load_suite(&args.suite, &codes)?;
    let profile = load_profile(&args.data)?;
    if args.jobs == 0 {
        return Err(CliError::Usage {
            message: "--jobs must be at least 1".into(),
            help: None,
        });
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(CliError::Usage {
            message: format!(
                "--timeout {} is not a positive number of seconds",
                args.timeout
            ),
            help: None,
        });
    }
    let out_dir = match &args.out {
        Some(d) => d.clone(),
        None => default_out_dir(),
    };
    let ids: Arc<dyn IdSource + Send + Sync> = match args.seed {
        Some(seed) => Arc::new(SeededIds::new(seed)),
        None => Arc::new(RandomIds),
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::runtime(format!("cannot start the async runtime: {e}"), None))?;
    runtime.block_on(async {
        // The in-process simulator, when asked for; kept alive until the run ends.
        let mut simulator: Option<(Running, tempfile::TempDir)> = None;
        let (target, description, tls, certificate) = if args.against_simulator {
            let (running, pki_dir, dev) =
                start_simulator(&args.scenarios, &codes, args.seed).await?;
            let target = format!("https://{}{PDS_PATH}", running.service_addr);
            let tls = client_tls(
                Some(&dev.client_cert),
                Some(&dev.client_key),
                Some(&dev.ca_cert),
            )?;
            let certificate = certificate_info(&dev.client_cert)?;
            let what = if args.scenarios.is_empty() {
                "the built-in default scenario".to_owned()
            } else {
                args.scenarios.join(", ")
            };
            simulator = Some((running, pki_dir));
            (
                target,
                Some(format!(
                    "the built-in simulator, in-process with mutual TLS, serving {what}"
                )),
                tls,
                Some(certificate),
            )
        } else {
            let target = args.target.clone().unwrap_or_default();
            let tls = client_tls(
                args.cert.as_deref(),
                args.key.as_deref(),
                args.ca.as_deref(),
            )?;
            let certificate = match &args.cert {
                Some(c) => Some(certificate_info(c)?),
                None => None,
            };
            (target, None, tls, certificate)
        };
        let sender = Sender {
            to: target.clone(),
            username: args.username.clone(),
            audit_identity: vec![AuditIdentity {
                id_type: None,
                uri: Some(args.audit_identity.clone()),
            }],
            ..Sender::default()
        };
        println!(
            "{}",
            title.map(str::to_owned).unwrap_or_else(|| format!(
                "smsp test provider: suite {} ({} cases), data {}, against {target}",
                suite.file.suite,
                suite.file.cases.len(),
                profile.file.profile
            ))
        );
        let config = RunConfig {
            target,
            target_description: description,
            suite,
            profile,
            codes,
            codes_input,
            tls,
            client_certificate: certificate,
            only: args.only.clone(),
            jobs: args.jobs,
            timeout: Duration::from_secs_f64(args.timeout),
            out_dir: out_dir.clone(),
            sender,
            clock: Arc::new(SystemClock),
            ids,
            options: options(args),
        };
        let observer = Progress::new();
        let result = run::run_provider(config, &observer).await;
        observer.finish();
        if let Some((running, _pki)) = simulator {
            running.shutdown(Duration::from_secs(2)).await;
        }
        let record = result.map_err(run_error)?;
        render_reports(&out_dir, &record)?;
        print_summary(&record, &out_dir);
        Ok(ProviderOutcome { record, out_dir })
    })
}

/// Starts the simulator in-process on a free loopback port with a fresh dev PKI.
async fn start_simulator(
    scenarios: &[String],
    codes: &ResponseCodeTable,
    seed: Option<u64>,
) -> Result<(Running, tempfile::TempDir, pki::DevPki), CliError> {
    let scenario = load_scenario(scenarios, codes)?;
    let dir = tempfile::tempdir().map_err(|e| {
        CliError::runtime(
            format!("cannot make a folder for the simulator's PKI: {e}"),
            None,
        )
    })?;
    let (dev, _) = pki::ensure_dev_pki(dir.path())
        .map_err(|e| CliError::runtime(format!("cannot make the simulator's PKI: {e}"), None))?;
    let server = tls::server_config(&dev.server_cert, &dev.server_key, &dev.ca_cert)
        .map_err(|e| CliError::runtime(e.to_string(), None))?;
    let ids: Arc<dyn IdSource> = match seed {
        Some(s) => Arc::new(SeededIds::new(s.wrapping_add(1))),
        None => Arc::new(RandomIds),
    };
    let engine = Arc::new(Engine::new(
        scenario,
        Journal::in_memory(smsp_simulator::journal::DEFAULT_CAPACITY),
        Arc::new(SystemClock),
        ids,
        EngineConfig::default(),
    ));
    let running = smsp_simulator::run::start(
        engine,
        ListenConfig {
            listen: "127.0.0.1:0".parse().expect("a socket address"),
            admin: None,
            tls: Some(server),
            body_limits: BodyLimits::default(),
            connection_limits: ConnectionLimits::default(),
        },
    )
    .await
    .map_err(|e| CliError::runtime(format!("cannot start the simulator: {e}"), None))?;
    Ok((running, dir, dev))
}

fn read_input(path: &Path, what: &str, flag: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Input {
        message: format!("cannot read the {what} {}: {e}", path.display()),
        help: Some(format!("give {flag} a PEM file that exists")),
    })
}

/// Reads the client TLS material.
fn client_tls(
    cert: Option<&Path>,
    key: Option<&Path>,
    ca: Option<&Path>,
) -> Result<ClientTls, CliError> {
    let identity_pem = match (cert, key) {
        (Some(c), Some(k)) => {
            let mut pem = read_input(c, "client certificate", "--cert")?;
            pem.push(b'\n');
            pem.extend(read_input(k, "client key", "--key")?);
            Some(pem)
        }
        _ => None,
    };
    let ca_pem = ca
        .map(|p| read_input(p, "CA certificate", "--ca"))
        .transpose()?;
    Ok(ClientTls {
        ca_pem,
        identity_pem,
    })
}

/// The subject and fingerprint of the client certificate, for the evidence.
fn certificate_info(path: &Path) -> Result<CertificateInfo, CliError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let bad = |why: String| CliError::Input {
        message: format!(
            "the client certificate {} is unusable: {why}",
            path.display()
        ),
        help: Some("give --cert a PEM certificate (BEGIN CERTIFICATE)".into()),
    };
    let der = CertificateDer::from_pem_file(path).map_err(|e| bad(e.to_string()))?;
    let identity = tls::ClientIdentity::from_der(&der)
        .ok_or_else(|| bad("not an X.509 certificate".into()))?;
    Ok(CertificateInfo {
        subject: identity.subject_dn,
        sha256_fingerprint: identity.fingerprint_sha256,
    })
}

fn codes_input(path: Option<&Path>) -> Result<InputFile, CliError> {
    Ok(match path {
        Some(p) => input_file("response-codes", p)?,
        None => {
            // The embedded table has no file; its hash is that of its canonical listing, so
            // a changed table shows as a changed hash.
            let table = ResponseCodeTable::embedded();
            let listing: String = table
                .iter()
                .map(|c| format!("{}\t{}\t{}\n", c.code, c.service, c.description))
                .collect();
            InputFile {
                role: "response-codes".into(),
                name: "embedded response-code table".into(),
                source: "built-in".into(),
                sha256: hex::encode(Sha256::digest(listing.as_bytes())),
            }
        }
    })
}

pub(crate) fn load_suite(name: &str, codes: &ResponseCodeTable) -> Result<Suite, CliError> {
    suite::load_suite(name, codes).map_err(|e| CliError::Input {
        message: format!("cannot use the suite:\n{e}"),
        help: Some(format!(
            "fix the places named above (scenarios/suites/README.md explains the format), or use a built-in suite: {}",
            suite::builtin_suite_names().join(", ")
        )),
    })
}

pub(crate) fn load_profile(name: &str) -> Result<Profile, CliError> {
    suite::load_profile(name).map_err(|e| CliError::Input {
        message: format!("cannot use the data profile:\n{e}"),
        help: Some(
            "fix the places named above; scenarios/profiles/README.md explains the format".into(),
        ),
    })
}

fn run_error(e: RunError) -> CliError {
    match e {
        RunError::UnknownCases { .. } | RunError::BadTarget(_) => CliError::Usage {
            message: e.to_string(),
            help: Some("`smsp suite check SUITE` lists the suite's case ids".into()),
        },
        RunError::Unreachable { .. } => CliError::runtime(
            e.to_string(),
            Some("check the URL and that the provider is running and reachable from here".into()),
        ),
        RunError::Client(_) => CliError::Input {
            message: e.to_string(),
            help: Some("give --cert, --key and --ca PEM files".into()),
        },
        RunError::Output { .. } => CliError::runtime(
            e.to_string(),
            Some("give --out a folder you can write to".into()),
        ),
    }
}

pub(crate) fn default_out_dir() -> PathBuf {
    let now = time::OffsetDateTime::now_utc();
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "run".to_owned());
    PathBuf::from("reports/out").join(stamp)
}

fn options(args: &ProviderArgs) -> Vec<String> {
    let mut o = Vec::new();
    match &args.target {
        Some(t) => o.push(format!("--target={t}")),
        None => o.push("--against-simulator".to_owned()),
    }
    for s in &args.scenarios {
        o.push(format!("--scenario={s}"));
    }
    o.push(format!("--suite={}", args.suite));
    o.push(format!("--data={}", args.data));
    if !args.only.is_empty() {
        o.push(format!("--only={}", args.only.join(",")));
    }
    o.push(format!("--jobs={}", args.jobs));
    o.push(format!("--timeout={}", args.timeout));
    if let Some(c) = &args.codes {
        o.push(format!("--codes={}", c.display()));
    }
    if let Some(s) = args.seed {
        o.push(format!("--seed={s}"));
    }
    o
}

fn print_summary(record: &RunRecord, out_dir: &Path) {
    let s = record.summary();
    for case in &record.cases {
        if matches!(
            case.outcome,
            Outcome::Fail | Outcome::Error | Outcome::Check
        ) {
            println!(
                "  {:<7} {} {}: {}",
                case.outcome.as_str().to_uppercase(),
                case.id,
                case.title,
                case.summary
            );
        }
    }
    println!(
        "{} cases: {} passed, {} failed, {} errors, {} skipped, {} to review",
        s.total, s.passed, s.failed, s.errors, s.skipped, s.check
    );
    println!("run record: {}", out_dir.join("run.json").display());
    println!("report:     {}", out_dir.join("report.html").display());
    println!("junit:      {}", out_dir.join("junit.xml").display());
    println!(
        "evidence:   {} (smsp evidence verify {})",
        out_dir.join("evidence").display(),
        out_dir.display()
    );
}

/// Progress: a bar on a terminal, a line per finished case otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: Mutex<usize>,
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            plain: Mutex::new(0),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl RunObserver for Progress {
    fn event(&self, event: RunEvent<'_>) {
        match (event, &self.bar) {
            (RunEvent::Started { total }, Some(bar)) => bar.set_length(total as u64),
            (RunEvent::Started { .. }, None) => {}
            (RunEvent::CaseFinished { case }, Some(bar)) => {
                bar.inc(1);
                bar.set_message(format!("{} {}", case.id, case.outcome.as_str()));
            }
            (RunEvent::CaseFinished { case }, None) => {
                let mut n = self.plain.lock().unwrap_or_else(|p| p.into_inner());
                *n += 1;
                println!(
                    "[{n:>3}] {:<7} {} {}",
                    case.outcome.as_str(),
                    case.id,
                    case.title
                );
            }
        }
    }
}

/// Renders report.html, junit.xml and the evidence manifest into the run folder.
fn render_reports(out_dir: &Path, record: &RunRecord) -> Result<(), CliError> {
    smsp_reports::write_reports(out_dir, record, out_dir)
        .map(|_| ())
        .map_err(super::report::from_report_error)
}
