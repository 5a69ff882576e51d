//! Command-line interface: the argument model (clap derive), dispatch to one module per subcommand,
//! and the error type that carries a diagnostic and an exit code back to `main`.
//!
//! One module per subcommand: [`demo`], [`simulate`], [`test`], [`suite`], [`report`],
//! [`evidence`], [`certs`], [`scenario`], [`request`], [`codes`].

mod certs;
mod client;
mod codes;
mod demo;
mod evidence;
mod report;
mod request;
mod scenario;
mod simulate;
mod suite;
mod test;

use std::io::{self, Write};

use clap::{Parser, Subcommand};
use smsp_response_codes::{LoadError, SHEET_NAME};

use crate::exit_code;

/// NHS Spine Mini Services (SMSP) simulator and conformance test harness.
#[derive(Debug, Parser)]
#[command(
    name = "smsp",
    version,
    about,
    subcommand_required = true,
    arg_required_else_help = true,
    after_help = exit_code::HELP
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Run the simulator and the PDS provider suite against it, and write the reports.
    Demo(demo::DemoArgs),
    /// Serve the PDS mini service from scenarios (mutual TLS, admin API, journal).
    Simulate(Box<simulate::SimulateArgs>),
    /// Write a development PKI (CA, server and client certificates) for mutual TLS.
    Certs(certs::CertsArgs),
    /// Check scenario files, print their JSON Schema, or import the OpenTest patient list.
    Scenario(scenario::ScenarioArgs),
    /// Print a conformant PDS request, ready to send with curl.
    Request(request::RequestArgs),
    /// Test an SMSP provider (or the built-in simulator) against a suite of requirement cases.
    Test(test::TestArgs),
    /// Check suite and data-profile files, or print the suite JSON Schema.
    Suite(suite::SuiteArgs),
    /// Render report.html, junit.xml and the evidence manifest from a saved run.json.
    Report(report::ReportArgs),
    /// Check a run folder's evidence against its manifest (`smsp evidence verify DIR`).
    Evidence(evidence::EvidenceArgs),
    /// List the SMSP response codes, their services and code-system OIDs.
    Codes(codes::CodesArgs),
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Command::Codes(args) => codes::run(&args, &mut out),
        Command::Simulate(args) => {
            drop(out);
            return simulate::run(&args);
        }
        Command::Certs(args) => certs::run(&args, &mut out),
        Command::Scenario(args) => scenario::run(&args, &mut out),
        Command::Request(args) => request::run(&args, &mut out),
        Command::Suite(args) => suite::run(&args, &mut out),
        Command::Report(args) => report::run(&args, &mut out),
        Command::Evidence(args) => evidence::run(&args, &mut out),
        Command::Demo(args) => {
            drop(out);
            return demo::run(&args);
        }
        Command::Test(args) => {
            drop(out);
            return test::run(&args);
        }
    };
    match result.and_then(|()| out.flush().map_err(CliError::from)) {
        // A closed pipe (`smsp codes | head`) means the reader has all it wants, not a failure.
        Err(CliError::Output { source }) if source.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Why a command failed; rendered by miette in `main`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum CliError {
    /// The response-code spreadsheet given to `--codes` could not be used.
    #[error("cannot use the response-code workbook given with --codes")]
    #[diagnostic(code(smsp::codes::load))]
    Codes {
        // Boxed: the loader's error is large and would bloat every `Result` in the CLI.
        #[source]
        source: Box<LoadError>,
        #[help]
        help: String,
    },

    /// A scenario could not be used; every error is listed with file, line and column.
    #[error("the scenario has errors:\n{errors}")]
    #[diagnostic(
        code(smsp::scenario),
        help(
            "fix the places named above; `smsp scenario schema` prints the format, scenarios/README.md explains it"
        )
    )]
    Scenario {
        /// The errors, one per line.
        errors: String,
    },

    /// An input (file, certificate, folder) could not be used.
    #[error("{message}")]
    #[diagnostic(code(smsp::input))]
    Input {
        /// What went wrong, naming the input.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// An option's value is unusable (found after parsing).
    #[error("{message}")]
    #[diagnostic(code(smsp::usage))]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// The command started but could not go on.
    #[error("{message}")]
    #[diagnostic(code(smsp::runtime))]
    Runtime {
        /// What went wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// The command ran and what it checked failed (test cases, evidence). The details were
    /// already printed; this is the closing line.
    #[error("{message}")]
    #[diagnostic(code(smsp::failed))]
    Failed {
        /// What failed, in one line, and where the details are.
        message: String,
    },

    /// Writing the command's output failed.
    #[error("cannot write output")]
    #[diagnostic(code(smsp::output))]
    Output {
        #[source]
        source: io::Error,
    },
}

impl CliError {
    /// The process exit code for this failure (see [`crate::exit_code`]).
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Codes { .. } | CliError::Scenario { .. } | CliError::Input { .. } => {
                exit_code::INPUT_UNREADABLE
            }
            CliError::Usage { .. } => exit_code::USAGE,
            CliError::Failed { .. } => exit_code::CHECKS_FAILED,
            CliError::Output { .. } | CliError::Runtime { .. } => exit_code::RUNTIME,
        }
    }

    /// A runtime failure with an optional hint.
    fn runtime(message: String, help: Option<String>) -> Self {
        CliError::Runtime { message, help }
    }

    /// Wraps a spreadsheet loading error with advice on how to fix it.
    fn codes(source: LoadError) -> Self {
        const OFFICIAL: &str = "pass --codes with the official 'SMSP Response Codes - v1.0.xlsx', \
                                or omit --codes to use the embedded table";
        let help = match &source {
            LoadError::Unreadable { .. } => {
                format!("check the path exists and is readable; {OFFICIAL}")
            }
            LoadError::Corrupted { .. } => {
                format!("the file is not a readable .xlsx workbook (re-download it?); {OFFICIAL}")
            }
            LoadError::MissingSheet { .. } => {
                format!("the codes must be on a sheet named '{SHEET_NAME}' (sic); {OFFICIAL}")
            }
            _ => format!("fix the named cell, or {OFFICIAL}"),
        };
        CliError::Codes {
            source: Box::new(source),
            help,
        }
    }
}

impl From<io::Error> for CliError {
    fn from(source: io::Error) -> Self {
        CliError::Output { source }
    }
}

/// Writes `text` to `out`, for commands that print.
fn emit(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    out.write_all(text.as_bytes())?;
    Ok(())
}
