//! `smsp scenario check|schema|import-opentest`: working with scenario files.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use smsp_simulator::scenario::{opentest, schema};

use super::{CliError, emit};

/// Options of `smsp scenario`.
#[derive(Debug, Args)]
pub(crate) struct ScenarioArgs {
    #[command(subcommand)]
    command: ScenarioCommand,
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Check scenario files (or folders) and report every error with file, line and column.
    Check {
        /// Scenario files or folders (`builtin:default`, `builtin:tkw-triggers` for the shipped
        /// ones).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        /// Check response codes against this workbook instead of the embedded table.
        #[arg(long, value_name = "XLSX")]
        codes: Option<PathBuf>,
    },
    /// Print the JSON Schema of scenario files (for editors: yaml-language-server).
    Schema,
    /// Turn the OpenTest patient list (CSV) into a scenario, printed as YAML.
    ImportOpentest {
        /// The CSV file (the format of the OpenTest patient list).
        #[arg(value_name = "CSV")]
        csv: PathBuf,
        /// Write the scenario here instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Runs `smsp scenario …`.
pub(crate) fn run(args: &ScenarioArgs, out: &mut dyn Write) -> Result<(), CliError> {
    match &args.command {
        ScenarioCommand::Check { paths, codes } => {
            let codes = super::simulate::load_codes(codes.as_deref())?;
            let scenario = super::simulate::load_scenario(paths, &codes)?;
            emit(
                out,
                &format!(
                    "ok: {} patients, {} rules in {}\n",
                    scenario.patients.len(),
                    scenario.rules.len(),
                    scenario
                        .sources
                        .iter()
                        .map(|s| s.path.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }
        ScenarioCommand::Schema => {
            let mut text = serde_json::to_string_pretty(&schema::json_schema())
                .map_err(|e| CliError::from(std::io::Error::other(e)))?;
            text.push('\n');
            emit(out, &text)
        }
        ScenarioCommand::ImportOpentest { csv, out: target } => {
            let text = std::fs::read_to_string(csv).map_err(|e| CliError::Input {
                message: format!("cannot read {}: {e}", csv.display()),
                help: Some("give the path of the OpenTest patient list (CSV)".into()),
            })?;
            let file = opentest::import_opentest_csv(&text).map_err(|e| CliError::Input {
                message: format!("{}: {e}", csv.display()),
                help: Some(
                    "the file must have the OpenTest patient list's header row and columns".into(),
                ),
            })?;
            let yaml = opentest::to_yaml(
                &file,
                &format!(
                    "Imported by `smsp scenario import-opentest` from {}",
                    csv.display()
                ),
            );
            match target {
                Some(path) => {
                    std::fs::write(path, yaml).map_err(|e| CliError::Input {
                        message: format!("cannot write {}: {e}", path.display()),
                        help: None,
                    })?;
                    emit(
                        out,
                        &format!(
                            "wrote {} patients to {}\n",
                            file.patients.len(),
                            path.display()
                        ),
                    )
                }
                None => emit(out, &yaml),
            }
        }
    }
}
