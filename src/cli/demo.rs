//! `smsp demo`: the whole product in one command, on built-in defaults. Starts the simulator
//! with mutual TLS on the default scenario, runs the PDS provider suite against it, writes the
//! run record and reports, and says where they are.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::test::{ProviderArgs, default_out_dir, provider};

/// Options of `smsp demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Where to write the run (default: reports/out/<timestamp>/).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed for request ids, so the demo's requests are the same bytes every time.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

/// Runs `smsp demo`.
pub(crate) fn run(args: &DemoArgs) -> Result<(), CliError> {
    let out = args.out.clone().unwrap_or_else(default_out_dir);
    let provider_args = ProviderArgs::demo(out, args.seed);
    let outcome = provider(
        &provider_args,
        Some(
            "smsp demo: the built-in PDS simulator (mutual TLS, default scenario) tested with the \
             PDS provider suite",
        ),
    )?;
    println!(
        "open {} in a browser; `smsp test provider --target URL` runs the same suite against your provider",
        outcome.out_dir.join("report.html").display()
    );
    outcome.exit()
}
