//! Command-line interface: the argument model (clap derive), dispatch to one module per subcommand,
//! and the error type that carries a diagnostic and an exit code back to `main`.
//!
//! Later subcommands (`simulate`, `test`, `report`) get their own module beside [`codes`].

mod codes;

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
    /// List the SMSP response codes, their services and code-system OIDs.
    Codes(codes::CodesArgs),
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Command::Codes(args) => codes::run(&args, &mut out),
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
            CliError::Codes { .. } => exit_code::INPUT_UNREADABLE,
            CliError::Output { .. } => exit_code::RUNTIME,
        }
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
