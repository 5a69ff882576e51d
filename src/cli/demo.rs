//! `smsp demo`: the whole product in one command, on built-in defaults. Starts the simulator
//! with mutual TLS on the default scenario and runs the PDS provider suite against it; then
//! walks the built-in reference client through the PDS client plan against the simulator, so
//! the demo ends with a complete TOM evidence pack. Writes both runs' records and reports and
//! says where they are.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::client::{ClientArgs, client};
use super::test::{ProviderArgs, default_out_dir, provider};

/// Options of `smsp demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Where to write the runs (default: reports/out/<timestamp>/): provider/ and client/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed for the provider suite's request ids, so its requests are the same bytes every time.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

/// Runs `smsp demo`.
pub(crate) fn run(args: &DemoArgs) -> Result<(), CliError> {
    let out = args.out.clone().unwrap_or_else(default_out_dir);
    let provider_outcome = provider(
        &ProviderArgs::demo(out.join("provider"), args.seed),
        Some(
            "smsp demo, 1 of 2: the built-in PDS simulator (mutual TLS, default scenario) tested \
             with the PDS provider suite",
        ),
    )?;
    println!();
    println!(
        "smsp demo, 2 of 2: the reference client walked through the PDS client plan against the simulator"
    );
    let pki = tempfile::tempdir().map_err(|e| {
        CliError::runtime(
            format!("cannot make a folder for the demo's PKI: {e}"),
            None,
        )
    })?;
    let client_outcome = client(&ClientArgs::demo(
        out.join("client"),
        pki.path().to_path_buf(),
    ))?;
    println!();
    println!(
        "provider run: open {} in a browser",
        provider_outcome.out_dir.join("report.html").display()
    );
    println!(
        "client run:   open {}; the TOM evidence pack is {}",
        client_outcome.out_dir.join("report.html").display(),
        client_outcome.out_dir.join("tom-evidence.xlsx").display()
    );
    println!(
        "`smsp test provider --target URL` runs the suite against your provider; `smsp test client --drive 'CMD'` walks your client through the plan"
    );
    provider_outcome.exit()?;
    client_outcome.exit()
}
