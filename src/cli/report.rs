//! `smsp report RUN_JSON [--out DIR]`: renders `report.html`, `junit.xml` and
//! `evidence/MANIFEST.sha256` from a saved run record, so reports can be regenerated (or
//! written elsewhere, with copies of the evidence) without running the tests again.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use smsp_reports::{RUN_JSON, ReportError, load_record, write_reports};

use super::{CliError, emit};

/// Options of `smsp report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The run record: RUN/run.json as written by `smsp test`, or the run folder RUN itself.
    /// Evidence paths in it are relative to its folder.
    #[arg(value_name = "RUN_JSON")]
    run_json: PathBuf,

    /// Write the reports into this folder, with copies of run.json and the evidence, so it stands
    /// on its own (default: the run.json's own folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs `smsp report`.
pub(crate) fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let (run_dir, record_path) = locate(&args.run_json)?;
    let record = load_record(&record_path).map_err(from_report_error)?;
    let out_dir = args.out.as_deref().unwrap_or(&run_dir);
    let written = write_reports(&run_dir, &record, out_dir).map_err(from_report_error)?;
    let s = record.summary();
    emit(
        out,
        &format!(
            "report:   {}\njunit:    {}\nmanifest: {}\n{} cases: {} passed, {} failed, {} errors, {} skipped, {} to check\n",
            written.html.display(),
            written.junit.display(),
            written.manifest.display(),
            s.total,
            s.passed,
            s.failed,
            s.errors,
            s.skipped,
            s.check
        ),
    )
}

/// The run folder and its `run.json`, from a path to either.
fn locate(given: &Path) -> Result<(PathBuf, PathBuf), CliError> {
    if given.is_dir() {
        return Ok((given.to_path_buf(), given.join(RUN_JSON)));
    }
    if given.file_name().and_then(|n| n.to_str()) != Some(RUN_JSON) {
        return Err(CliError::Input {
            message: format!("{} is not a run record named {RUN_JSON}", given.display()),
            help: Some(format!(
                "pass RUN/{RUN_JSON} or the run folder RUN: the evidence paths in the record \
                 are relative to the folder holding {RUN_JSON}, and the manifest lists it by that name"
            )),
        });
    }
    let run_dir = match given.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((run_dir, given.to_path_buf()))
}

/// A reports error as a CLI error: input problems (run.json, evidence, manifest) are exit 2,
/// failures to write are exit 3. The message already names the file and the fix.
pub(super) fn from_report_error(err: ReportError) -> CliError {
    if err.is_input() {
        CliError::Input {
            message: err.to_string(),
            help: None,
        }
    } else {
        CliError::Runtime {
            message: err.to_string(),
            help: None,
        }
    }
}
