//! `smsp suite check|schema`: checks suite files (and the data profiles that will bind their
//! roles) without running them, or prints the suite file's JSON Schema.

use std::io::Write;

use clap::{Args, Subcommand};
use smsp_harness::suite::load::unbound_roles;

use super::simulate::load_codes;
use super::test::{load_profile, load_suite};
use super::{CliError, emit};

/// `smsp suite …`.
#[derive(Debug, Args)]
pub(crate) struct SuiteArgs {
    #[command(subcommand)]
    command: SuiteCommand,
}

#[derive(Debug, Subcommand)]
enum SuiteCommand {
    /// Check a suite: its format, ids, operations, codes and templates, and which of its
    /// patient roles each data profile binds.
    Check {
        /// A suite file, or a built-in suite name (pds-provider).
        #[arg(value_name = "PATH|NAME")]
        suite: String,
        /// Data profiles to check the roles against (repeatable; default: the built-in ones).
        #[arg(long, value_name = "PROFILE")]
        data: Vec<String>,
        /// Check response codes against this workbook instead of the embedded table.
        #[arg(long, value_name = "XLSX")]
        codes: Option<std::path::PathBuf>,
    },
    /// Print the JSON Schema of suite files (of data profiles with --profile, of client plans
    /// with --plan).
    Schema {
        /// The data-profile schema instead.
        #[arg(long, conflicts_with = "plan")]
        profile: bool,
        /// The client-plan schema instead.
        #[arg(long)]
        plan: bool,
    },
}

/// Runs `smsp suite …`.
pub(crate) fn run(args: &SuiteArgs, out: &mut dyn Write) -> Result<(), CliError> {
    match &args.command {
        SuiteCommand::Check { suite, data, codes } => {
            let codes = load_codes(codes.as_deref())?;
            let suite = load_suite(suite, &codes)?;
            let names: Vec<String> = if data.is_empty() {
                smsp_harness::suite::builtin_profile_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            } else {
                data.clone()
            };
            let mut text = format!(
                "{}: suite `{}` is valid: {} cases\n",
                suite.origin.file.display(),
                suite.file.suite,
                suite.file.cases.len()
            );
            let mut all_unbound_everywhere: Option<std::collections::BTreeSet<String>> = None;
            for name in &names {
                let profile = load_profile(name)?;
                let unbound = unbound_roles(&suite.file, &profile.file);
                if unbound.is_empty() {
                    text.push_str(&format!(
                        "data profile `{}`: binds every role\n",
                        profile.file.profile
                    ));
                } else {
                    let skipped: usize = unbound.values().map(Vec::len).sum();
                    text.push_str(&format!(
                        "data profile `{}`: {skipped} cases will be skipped, roles not bound: {}\n",
                        profile.file.profile,
                        unbound.keys().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
                let these: std::collections::BTreeSet<String> = unbound.into_keys().collect();
                all_unbound_everywhere = Some(match all_unbound_everywhere {
                    None => these,
                    Some(prev) => prev.intersection(&these).cloned().collect(),
                });
            }
            emit(out, &text)?;
            if let Some(roles) = all_unbound_everywhere.filter(|r| !r.is_empty()) {
                return Err(CliError::Input {
                    message: format!(
                        "no data profile checked binds these roles, so their cases would never run: {}",
                        roles.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                    help: Some("fix the role names in the suite, or add them to a data profile (--data PATH)".into()),
                });
            }
            Ok(())
        }
        SuiteCommand::Schema { profile, plan } => {
            let schema = if *profile {
                smsp_harness::suite::schema::profile_schema()
            } else if *plan {
                smsp_harness::suite::schema::plan_schema()
            } else {
                smsp_harness::suite::schema::suite_schema()
            };
            let mut json = serde_json::to_string_pretty(&schema)
                .map_err(|e| CliError::runtime(format!("cannot render the schema: {e}"), None))?;
            json.push('\n');
            emit(out, &json)
        }
    }
}
