//! `smsp`: the command-line entry point for the SMSP simulator and conformance harness.
//!
//! This file only parses arguments, runs the chosen command and turns the outcome into an exit code;
//! the commands themselves live in [`cli`].

mod cli;
mod exit_code;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a request makes about eighty short-lived
/// allocations on whichever worker thread serves it, and glibc's malloc spent about 15 % of the
/// simulator's time per request on them (consolidating its free lists on every parse), more
/// under two threads. See ARCHITECTURE.md and bench/README.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    install_error_renderer();
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // clap would exit with 2 for usage errors, which we reserve for unreadable input files.
            // `--help` and `--version` also arrive here, as "errors" printed to stdout.
            let code = if err.use_stderr() {
                exit_code::USAGE
            } else {
                exit_code::SUCCESS
            };
            // Nothing useful can be done if the message itself cannot be printed.
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(args) {
        Ok(()) => ExitCode::from(exit_code::SUCCESS),
        Err(err) => {
            let code = err.exit_code();
            eprintln!("{:?}", miette::Report::new(err));
            ExitCode::from(code)
        }
    }
}

/// Renders errors with miette, without wrapping lines: wrapping could split a file path across lines,
/// and the path is the part a user (or a test) needs intact.
fn install_error_renderer() {
    // `set_hook` only fails if a hook is already installed, which is then good enough.
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .wrap_lines(false)
                .terminal_links(false)
                .build(),
        )
    }));
}
