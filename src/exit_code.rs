//! Process exit codes of `smsp`, one named constant per outcome so scripts and CI can rely on them.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (including `--help` and `--version`) |
//! | 1 | bad options or usage: unknown flag, missing argument, no subcommand |
//! | 2 | an input file (e.g. the response-code spreadsheet given to `--codes`) could not be read or parsed |
//! | 3 | runtime error: the command started but could not finish, e.g. its output could not be written; for `smsp test`, the target could not be reached at all |
//! | 4 | the command ran, and what it checked failed: one or more test cases failed (`smsp test`, `smsp demo`), or evidence does not match its manifest (`smsp evidence verify`) |
//!
//! clap's own default for usage errors is 2; `main` maps those to [`USAGE`] so that 2 always means
//! "fix your input file". Keep [`HELP`] in step with this table: it is shown by `smsp --help`.

/// The command did what was asked.
pub(crate) const SUCCESS: u8 = 0;

/// The command line could not be parsed (clap's message is printed).
pub(crate) const USAGE: u8 = 1;

/// An input file could not be read or is not in the expected format.
pub(crate) const INPUT_UNREADABLE: u8 = 2;

/// The command failed while running, for a reason other than its input files.
pub(crate) const RUNTIME: u8 = 3;

/// What was checked failed: test cases, or evidence against its manifest.
pub(crate) const CHECKS_FAILED: u8 = 4;

/// The exit-code table as shown at the end of `smsp --help`.
pub(crate) const HELP: &str = "\
Exit codes:
  0  success
  1  bad options or usage
  2  an input file (e.g. --codes spreadsheet) could not be read or parsed
  3  runtime error (e.g. output could not be written; smsp test: the target could not be reached)
  4  checks failed (smsp test/demo: one or more cases failed; smsp evidence verify: evidence changed)";
