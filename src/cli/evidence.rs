//! `smsp evidence verify DIR`: checks a run folder against its `evidence/MANIFEST.sha256` and
//! names every changed, missing or added file. Exit 0 when everything matches, 4 when anything
//! does not, 2 when the manifest itself is missing or malformed.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use smsp_reports::{MANIFEST_PATH, verify_evidence};

use super::report::from_report_error;
use super::{CliError, emit};

/// Options of `smsp evidence`.
#[derive(Debug, Args)]
pub(crate) struct EvidenceArgs {
    #[command(subcommand)]
    command: EvidenceCommand,
}

/// The `smsp evidence` subcommands.
#[derive(Debug, Subcommand)]
enum EvidenceCommand {
    /// Check a run folder against evidence/MANIFEST.sha256: prints `changed: PATH`,
    /// `missing: PATH` or `added: PATH` for each file that does not match.
    Verify {
        /// The run folder (holding run.json, the reports and evidence/).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Runs `smsp evidence`.
pub(crate) fn run(args: &EvidenceArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let EvidenceCommand::Verify { dir } = &args.command;
    let report = verify_evidence(dir).map_err(from_report_error)?;
    let mut text = String::new();
    for problem in &report.problems {
        text.push_str(&format!("{}: {}\n", problem.kind.as_str(), problem.path));
    }
    let manifest = dir.join(MANIFEST_PATH);
    if report.is_ok() {
        text.push_str(&format!(
            "ok: all {} files listed in {} match, and nothing was added\n",
            report.checked,
            manifest.display()
        ));
        return emit(out, &text);
    }
    emit(out, &text)?;
    Err(CliError::Failed {
        message: format!(
            "evidence does not match {}: {} problem(s) among {} listed files",
            manifest.display(),
            report.problems.len(),
            report.checked
        ),
    })
}
