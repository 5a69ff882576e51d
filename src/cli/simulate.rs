//! `smsp simulate`: serves the PDS mini service from scenarios, with mutual TLS, an admin API
//! and a journal, until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use smsp_protocol::{Clock, FixedClock, IdSource, RandomIds, SeededIds, SystemClock};
use smsp_response_codes::ResponseCodeTable;
use smsp_simulator::engine::{Engine, EngineConfig, Loader};
use smsp_simulator::journal::Journal;
use smsp_simulator::net::ConnectionLimits;
use smsp_simulator::pki;
use smsp_simulator::run::{self, ListenConfig, Running};
use smsp_simulator::scenario::Scenario;
use smsp_simulator::scenario::load;
use smsp_simulator::server::{BodyLimits, PDS_PATH};
use smsp_simulator::tls;

use super::CliError;

/// Where the dev PKI lives when `--dev-tls` is not given a folder.
pub(crate) const DEFAULT_PKI_DIR: &str = ".smsp/pki";

/// Options of `smsp simulate`.
#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// A scenario file or folder of *.yaml files (repeatable; later files add to earlier ones).
    /// Default: the built-in default scenario. `builtin:default` and `builtin:tkw-triggers`
    /// name the shipped ones.
    #[arg(long = "scenario", value_name = "PATH")]
    scenarios: Vec<String>,

    /// Address of the PDS service (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    listen: SocketAddr,

    #[command(flatten)]
    tls: TlsArgs,

    /// Address of the admin API and live journal (plain HTTP; keep it on loopback).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8444")]
    admin: SocketAddr,

    /// Serve no admin API.
    #[arg(long, conflicts_with = "admin")]
    no_admin: bool,

    /// Check response codes in scenarios against this workbook (the official
    /// 'SMSP Response Codes - v1.0.xlsx') instead of the embedded table.
    #[arg(long, value_name = "XLSX")]
    codes: Option<PathBuf>,

    /// Reload the scenario when its files change (an invalid edit is refused; the old
    /// scenario keeps serving).
    #[arg(long)]
    watch: bool,

    /// Append every exchange to this file as JSON lines.
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,

    /// How many of the newest exchanges the admin API keeps in memory (the journal file keeps
    /// all; evictions are counted).
    #[arg(long, value_name = "N", default_value_t = smsp_simulator::journal::DEFAULT_CAPACITY)]
    journal_capacity: usize,

    /// Deterministic ids (and journal times, from --clock or 2026-01-01T00:00:00Z, advancing
    /// 1 ms per reading); request timestamps are still judged by the real time.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,

    /// With --seed: start the simulator's clock at this RFC 3339 time, and judge request
    /// timestamps by it (for replaying recorded requests).
    #[arg(long, value_name = "RFC3339", requires = "seed")]
    clock: Option<String>,

    /// Largest request body accepted, in bytes; larger ones get HTTP 413.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    max_body: usize,
}

/// TLS choices: explicit files, a dev PKI, or plain HTTP.
#[derive(Debug, Args)]
pub(crate) struct TlsArgs {
    /// Server certificate (PEM), for mutual TLS with your own PKI.
    #[arg(long, value_name = "FILE", requires_all = ["tls_key", "client_ca"], conflicts_with_all = ["dev_tls", "plain_http"])]
    tls_cert: Option<PathBuf>,

    /// Server private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// CA certificate(s) (PEM) that client certificates must chain to.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    client_ca: Option<PathBuf>,

    /// Use (or create) a development PKI in DIR: CA, server and client certificates.
    /// This is the default, in .smsp/pki.
    #[arg(long, value_name = "DIR", conflicts_with = "plain_http")]
    dev_tls: Option<PathBuf>,

    /// Serve plain HTTP, without TLS.
    #[arg(long)]
    plain_http: bool,
}

impl TlsArgs {
    /// Mutual TLS with a development PKI in `dir` (created if missing).
    pub(crate) fn dev(dir: PathBuf) -> TlsArgs {
        TlsArgs {
            tls_cert: None,
            tls_key: None,
            client_ca: None,
            dev_tls: Some(dir),
            plain_http: false,
        }
    }
}

/// The clocks and id source of a run.
struct TimeAndIds {
    /// Stamps the journal.
    clock: Arc<dyn Clock>,
    /// Judges request timestamps, when not `clock`.
    judge: Option<Arc<dyn Clock>>,
    /// Message, tracking and payload ids.
    ids: Arc<dyn IdSource>,
}

/// The TLS mode chosen, with what to print about it.
pub(crate) enum TlsMode {
    Plain,
    Files,
    Dev(pki::DevPki, bool),
}

/// Runs `smsp simulate`.
pub(crate) fn run(args: &SimulateArgs) -> Result<(), CliError> {
    init_logging();
    let codes = load_codes(args.codes.as_deref())?;
    let scenario_args = args.scenarios.clone();
    let loader: Loader = {
        let codes = codes.clone();
        let scenario_args = scenario_args.clone();
        Arc::new(move || load_scenario(&scenario_args, &codes).map_err(|e| e.to_string()))
    };
    let scenario = load_scenario(&scenario_args, &codes)?;

    let (tls_config, mode) = tls_setup(&args.tls)?;
    let TimeAndIds { clock, judge, ids } = match args.seed {
        None => TimeAndIds {
            clock: Arc::new(SystemClock),
            judge: None,
            ids: Arc::new(RandomIds),
        },
        Some(seed) => {
            let start = match &args.clock {
                Some(text) => parse_time(text)?,
                None => time::macros::datetime!(2026-01-01 00:00:00 UTC),
            };
            let clock: Arc<dyn Clock> = Arc::new(FixedClock::stepping(start, 1));
            let judge: Option<Arc<dyn Clock>> = match &args.clock {
                Some(_) => None,
                None => Some(Arc::new(SystemClock)),
            };
            TimeAndIds {
                clock,
                judge,
                ids: Arc::new(SeededIds::new(seed)),
            }
        }
    };
    let mut journal = Journal::in_memory(args.journal_capacity);
    if let Some(path) = &args.journal {
        journal = journal.with_file(path).map_err(|e| CliError::Input {
            message: e.to_string(),
            help: Some("give --journal a path in a folder that exists and is writable".into()),
        })?;
    }
    let mut engine =
        Engine::new(scenario, journal, clock, ids, EngineConfig::default()).with_loader(loader);
    if let Some(judge) = judge {
        engine = engine.with_judge_clock(judge);
    }
    let engine = Arc::new(engine);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::runtime(format!("cannot start the async runtime: {e}"), None))?;
    runtime.block_on(async {
        let running = run::start(
            Arc::clone(&engine),
            ListenConfig {
                listen: args.listen,
                admin: (!args.no_admin).then_some(args.admin),
                tls: tls_config,
                body_limits: BodyLimits {
                    max_bytes: args.max_body,
                    ..BodyLimits::default()
                },
                connection_limits: ConnectionLimits::default(),
            },
        )
        .await
        .map_err(|e| CliError::runtime(e.to_string(), None))?;
        announce(&running, &mode, &engine);
        let _watch = if args.watch {
            let paths = watch_paths(&scenario_args);
            if paths.is_empty() {
                eprintln!("smsp simulate: --watch has nothing to watch: the built-in scenario cannot change");
                None
            } else {
                let w = smsp_simulator::watch::watch(Arc::clone(&engine), &paths, |result| match result {
                    Ok(s) => eprintln!(
                        "smsp simulate: scenario reloaded: {} patients, {} rules",
                        s.patients, s.rules
                    ),
                    Err(e) => eprintln!(
                        "smsp simulate: scenario change refused, still serving the previous one:\n{e}"
                    ),
                })
                .map_err(|e| CliError::runtime(e.to_string(), None))?;
                println!("watching {} for changes", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
                Some(w)
            }
        } else {
            None
        };
        wait_for_signal().await;
        println!("smsp simulate: shutting down");
        running.shutdown(Duration::from_secs(5)).await;
        Ok::<(), CliError>(())
    })?;
    Ok(())
}

/// Loads the response-code table (embedded or from --codes).
pub(crate) fn load_codes(path: Option<&Path>) -> Result<ResponseCodeTable, CliError> {
    match path {
        Some(p) => ResponseCodeTable::load_xlsx(p).map_err(CliError::codes),
        None => Ok(ResponseCodeTable::embedded()),
    }
}

/// Loads the scenarios named on the command line (built-in default when none), checked as one
/// scenario: duplicates and references are checked across every file.
pub(crate) fn load_scenario(
    args: &[String],
    codes: &ResponseCodeTable,
) -> Result<Scenario, CliError> {
    let scenario_error = |e: load::ScenarioErrors| CliError::Scenario {
        errors: e.to_string(),
    };
    if args.is_empty() {
        return load::builtin_default(codes).map_err(scenario_error);
    }
    let mut sources = Vec::new();
    for a in args {
        match a.strip_prefix("builtin:") {
            Some(name) if load::BUILTIN_NAMES.contains(&name) => {
                sources.push(load::ScenarioSource::Builtin(name.to_owned()));
            }
            Some(name) => {
                return Err(CliError::Input {
                    message: format!("there is no built-in scenario {name:?}"),
                    help: Some(format!(
                        "built-in scenarios: {}",
                        load::BUILTIN_NAMES
                            .iter()
                            .map(|n| format!("builtin:{n}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                });
            }
            None => sources.push(load::ScenarioSource::Path(PathBuf::from(a))),
        }
    }
    load::load_sources(&sources, codes).map_err(scenario_error)
}

fn watch_paths(args: &[String]) -> Vec<PathBuf> {
    args.iter()
        .filter(|a| !a.starts_with("builtin:"))
        .map(PathBuf::from)
        .collect()
}

pub(crate) fn tls_setup(
    args: &TlsArgs,
) -> Result<(Option<Arc<rustls::ServerConfig>>, TlsMode), CliError> {
    if args.plain_http {
        return Ok((None, TlsMode::Plain));
    }
    let tls_error = |e: tls::TlsError| {
        CliError::Input {
        message: e.to_string(),
        help: Some("give PEM files with --tls-cert/--tls-key/--client-ca, use --dev-tls DIR for a development PKI, or --plain-http".into()),
    }
    };
    if let (Some(cert), Some(key), Some(ca)) = (&args.tls_cert, &args.tls_key, &args.client_ca) {
        let config = tls::server_config(cert, key, ca).map_err(tls_error)?;
        return Ok((Some(config), TlsMode::Files));
    }
    let dir = args
        .dev_tls
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PKI_DIR));
    let (dev, created) = pki::ensure_dev_pki(&dir).map_err(|e| CliError::Input {
        message: e.to_string(),
        help: Some(format!(
            "delete {} to have a new development PKI made, or run `smsp certs --out {}`",
            dir.display(),
            dir.display()
        )),
    })?;
    let config =
        tls::server_config(&dev.server_cert, &dev.server_key, &dev.ca_cert).map_err(tls_error)?;
    Ok((Some(config), TlsMode::Dev(dev, created)))
}

pub(crate) fn announce(running: &Running, mode: &TlsMode, engine: &Engine) {
    let world = engine.world();
    let scheme = match mode {
        TlsMode::Plain => "http",
        _ => "https",
    };
    let tls_note = match mode {
        TlsMode::Plain => "plain HTTP",
        _ => "mutual TLS",
    };
    let url = format!("{scheme}://{}{PDS_PATH}", running.service_addr);
    println!(
        "PDS service listening on {url} ({tls_note}; {} patients, {} rules from {})",
        world.store.len(),
        world.rules.len(),
        world
            .sources
            .iter()
            .map(|s| s.path.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(admin) = running.admin_addr {
        println!(
            "admin API listening on http://{admin}/__admin/ (live journal: http://{admin}/__admin/ui)"
        );
    }
    let example = "smsp request verifyNHSNumber --nhs-number 9990000018 --birth-date 19800131";
    match mode {
        TlsMode::Dev(dev, created) => {
            println!(
                "dev TLS ({}): CA {}, client certificate {}, client key {}",
                if *created { "created" } else { "reused" },
                dev.ca_cert.display(),
                dev.client_cert.display(),
                dev.client_key.display()
            );
            println!(
                "try: {example} --to {url} | curl --cacert {} --cert {} --key {} -H 'Content-Type: text/xml' --data-binary @- {url}",
                dev.ca_cert.display(),
                dev.client_cert.display(),
                dev.client_key.display()
            );
        }
        TlsMode::Files => println!(
            "try: {example} --to {url} | curl --cacert YOUR_CA --cert YOUR_CLIENT_CERT --key YOUR_CLIENT_KEY -H 'Content-Type: text/xml' --data-binary @- {url}"
        ),
        TlsMode::Plain => println!(
            "try: {example} --to {url} | curl -H 'Content-Type: text/xml' --data-binary @- {url}"
        ),
    }
    println!("stop with Ctrl-C");
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn parse_time(text: &str) -> Result<time::OffsetDateTime, CliError> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(|e| {
        CliError::Usage {
            message: format!("--clock {text:?} is not an RFC 3339 time: {e}"),
            help: Some("for example --clock 2026-01-01T00:00:00Z".into()),
        }
    })
}

/// Logs go to stderr, filtered by `SMSP_LOG` (e.g. `SMSP_LOG=debug`); warnings by default.
pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SMSP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
