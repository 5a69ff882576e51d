//! The errors of loading a run record, rendering reports and writing or verifying evidence.
//!
//! Each message names the file (and line and column where there is one) and says how to fix it.
//! A failed verification is not an error: [`crate::verify_evidence`] returns the problems found as
//! a [`crate::VerifyReport`]; an `Err` means the check itself could not be made.

use std::io;
use std::path::PathBuf;

/// Why a run record could not be loaded, rendered or written, or its evidence not checked.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be read.
    #[error("cannot read {}: {source}; check the path and its permissions", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// A file or folder could not be written.
    #[error("cannot write {}: {source}; check the folder exists and is writable", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// The run record is not valid JSON or not shaped like a run record.
    #[error(
        "{}:{line}:{column}: not a readable run record: {message}; \
         the harness writes run.json, regenerate it with `smsp test` or fix the named place",
        path.display()
    )]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json found.
        message: String,
    },

    /// The run record is in another version of the format.
    #[error(
        "{}: run record format {found} is not supported (this smsp reads format {expected}); \
         render it with the smsp version that wrote it, or run the tests again",
        path.display()
    )]
    FormatVersion {
        /// The file.
        path: PathBuf,
        /// The `format` value found, as written.
        found: String,
        /// [`crate::FORMAT_VERSION`].
        expected: u32,
    },

    /// A time in the run record is not RFC 3339.
    #[error(
        "the run record's `{field}` ({value:?}) is not an RFC 3339 time such as \
         2026-11-02T10:00:00Z; fix it in run.json"
    )]
    Time {
        /// `started` or `finished`.
        field: &'static str,
        /// The value found.
        value: String,
    },

    /// An evidence path in the run record is unusable (absolute, leaving the run folder, or not
    /// representable in a `sha256sum` manifest).
    #[error(
        "evidence path {path:?} in the run record is not a plain relative path inside the run \
         folder (no `..`, no leading `/`, no backslash or line break); fix run.json"
    )]
    EvidencePath {
        /// The path as written in the record.
        path: String,
    },

    /// An evidence file the run record names is not in the run folder.
    #[error(
        "evidence file {path} named by the run record is missing from {}; \
         restore it from the original run folder, or run the tests again",
        run_dir.display()
    )]
    EvidenceMissing {
        /// The path relative to the run folder.
        path: String,
        /// The run folder.
        run_dir: PathBuf,
    },

    /// An evidence file's bytes differ from the SHA-256 the run record gives.
    #[error(
        "evidence file {path} has changed since the run: the run record says SHA-256 {expected}, \
         the file has {actual}; restore the original file, or run the tests again"
    )]
    EvidenceChanged {
        /// The path relative to the run folder.
        path: String,
        /// The SHA-256 in the run record.
        expected: String,
        /// The SHA-256 of the file on disk.
        actual: String,
    },

    /// The run record names one evidence path twice with different hashes.
    #[error(
        "the run record names evidence file {path} twice with different SHA-256 values; \
         fix run.json so each path has one hash"
    )]
    EvidenceConflict {
        /// The path relative to the run folder.
        path: String,
    },

    /// A file lies in the evidence folder that the run record does not name, so the manifest
    /// could not vouch for it.
    #[error(
        "{path} is in the evidence folder but the run record does not name it; \
         remove it, or keep it outside evidence/"
    )]
    Unrecorded {
        /// The path relative to the run folder.
        path: String,
    },

    /// The evidence manifest could not be read.
    #[error(
        "cannot read the evidence manifest {}: {source}; \
         write it with `smsp report RUN/run.json`",
        path.display()
    )]
    ManifestUnreadable {
        /// The manifest file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// A line of the evidence manifest is not `<64 hex>  <path>`.
    #[error(
        "{}:{line}: {message}; each line must be 64 lower-case hex digits, two spaces and a path \
         relative to the run folder (sha256sum format); write it again with `smsp report`",
        path.display()
    )]
    ManifestLine {
        /// The manifest file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },

    /// The HTML template could not be rendered.
    #[error("cannot render report.html: {0}")]
    Html(#[from] askama::Error),

    /// The JUnit XML could not be serialised.
    #[error("cannot render junit.xml: {0}")]
    Junit(#[from] quick_junit::SerializeError),

    /// The TOM evidence workbook could not be rendered.
    #[error(transparent)]
    Tom(#[from] crate::tom::TomError),
}

impl ReportError {
    /// Whether the error is about the inputs (the run record, the evidence, the manifest) rather
    /// than about writing output. The binary maps input problems and output problems to
    /// different exit codes.
    pub fn is_input(&self) -> bool {
        !matches!(
            self,
            ReportError::Write { .. }
                | ReportError::Html(_)
                | ReportError::Junit(_)
                | ReportError::Tom(crate::tom::TomError::Xlsx(_))
        )
    }
}
