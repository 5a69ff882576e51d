//! A run folder on disk: loading its `run.json`, and writing every report into it (or into a
//! separate, self-contained output folder) followed by the evidence manifest.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ReportError;
use crate::html::{DirEvidence, render_html};
use crate::junit::render_junit;
use crate::manifest::{MANIFEST_PATH, RUN_JSON, checked_relative, render_manifest};
use crate::record::{FORMAT_VERSION, RunRecord};
use crate::tom::{TOM_XLSX, render_tom_xlsx};

/// The HTML report's file name in an output folder.
pub const REPORT_HTML: &str = "report.html";

/// The JUnit report's file name in an output folder.
pub const JUNIT_XML: &str = "junit.xml";

/// What [`write_reports`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// `OUT/report.html`.
    pub html: PathBuf,
    /// `OUT/junit.xml`.
    pub junit: PathBuf,
    /// `OUT/evidence/MANIFEST.sha256`.
    pub manifest: PathBuf,
    /// `OUT/tom-evidence.xlsx`, written when the record has a TOM section.
    pub tom: Option<PathBuf>,
    /// How many files (run.json and evidence) were copied from the run folder; 0 when the
    /// output folder is the run folder.
    pub copied: usize,
}

/// Reads a `run.json`, checking its `format` is [`FORMAT_VERSION`]. Errors name the file, and
/// for malformed JSON the line and column.
pub fn load_record(path: &Path) -> Result<RunRecord, ReportError> {
    let bytes = fs::read(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let json_error = |e: serde_json::Error| {
        let (line, column) = (e.line(), e.column());
        // serde_json ends its message with the place, which the error already leads with.
        let full = e.to_string();
        let message = full
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&full)
            .to_owned();
        ReportError::Json {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    // Check the version before the shape, so a record from another version is reported as such
    // rather than as whichever field moved.
    let probe: FormatProbe = serde_json::from_slice(&bytes).map_err(json_error)?;
    if probe.format.as_ref().and_then(|f| f.as_u64()) != Some(u64::from(FORMAT_VERSION)) {
        return Err(ReportError::FormatVersion {
            path: path.to_path_buf(),
            found: probe
                .format
                .map_or_else(|| "(missing)".to_owned(), |f| f.to_string()),
            expected: FORMAT_VERSION,
        });
    }
    serde_json::from_slice(&bytes).map_err(json_error)
}

/// Writes `report.html` and `junit.xml` into `out_dir`, and `tom-evidence.xlsx` when the record
/// has a TOM section, then `out_dir/evidence/MANIFEST.sha256` covering them.
///
/// When `out_dir` is not `run_dir`, `run.json` and every evidence file the record names are
/// copied there first, so the output folder stands on its own. The HTML shows the evidence from
/// `out_dir`. Fails if an evidence file is missing or changed, naming it (see
/// [`render_manifest`]).
pub fn write_reports(
    run_dir: &Path,
    record: &RunRecord,
    out_dir: &Path,
) -> Result<Written, ReportError> {
    fs::create_dir_all(out_dir).map_err(|source| ReportError::Write {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let copied = if same_folder(run_dir, out_dir)? {
        0
    } else {
        copy_run(run_dir, record, out_dir)?
    };

    let html = out_dir.join(REPORT_HTML);
    write(
        &html,
        render_html(record, &DirEvidence::new(out_dir))?.as_bytes(),
    )?;
    let junit = out_dir.join(JUNIT_XML);
    write(&junit, render_junit(record)?.as_bytes())?;

    let mut rendered = vec![REPORT_HTML, JUNIT_XML];
    let tom = match &record.tom {
        Some(_) => {
            let path = out_dir.join(TOM_XLSX);
            write(&path, &render_tom_xlsx(record)?)?;
            rendered.push(TOM_XLSX);
            Some(path)
        }
        None => None,
    };

    let manifest_text = render_manifest(out_dir, record, &rendered)?;
    let manifest = out_dir.join(MANIFEST_PATH);
    create_parent(&manifest)?;
    write(&manifest, manifest_text.as_bytes())?;
    Ok(Written {
        html,
        junit,
        manifest,
        tom,
        copied,
    })
}

/// Just the `format` field of a run record.
#[derive(Deserialize)]
#[serde(expecting = "a run record (a JSON object with `format`, `tool`, `cases`, …)")]
struct FormatProbe {
    format: Option<serde_json::Value>,
}

/// Whether two paths name the same existing folder.
fn same_folder(run_dir: &Path, out_dir: &Path) -> Result<bool, ReportError> {
    let canonical = |dir: &Path| {
        dir.canonicalize().map_err(|source| ReportError::Read {
            path: dir.to_path_buf(),
            source,
        })
    };
    Ok(canonical(run_dir)? == canonical(out_dir)?)
}

/// Copies `run.json` and the record's evidence files from `run_dir` to `out_dir`; returns how
/// many files were copied.
fn copy_run(run_dir: &Path, record: &RunRecord, out_dir: &Path) -> Result<usize, ReportError> {
    copy_file(&run_dir.join(RUN_JSON), &out_dir.join(RUN_JSON))?;
    let mut copied = 1;
    let mut previous: Option<&str> = None;
    for file in record.evidence_files() {
        if previous == Some(file.path.as_str()) {
            continue;
        }
        previous = Some(&file.path);
        let relative = checked_relative(&file.path).ok_or_else(|| ReportError::EvidencePath {
            path: file.path.clone(),
        })?;
        let from = run_dir.join(&relative);
        if !from.is_file() {
            return Err(ReportError::EvidenceMissing {
                path: file.path.clone(),
                run_dir: run_dir.to_path_buf(),
            });
        }
        let to = out_dir.join(&relative);
        create_parent(&to)?;
        copy_file(&from, &to)?;
        copied += 1;
    }
    Ok(copied)
}

/// Copies one file, naming whichever side failed.
fn copy_file(from: &Path, to: &Path) -> Result<(), ReportError> {
    let bytes = fs::read(from).map_err(|source| ReportError::Read {
        path: from.to_path_buf(),
        source,
    })?;
    write(to, &bytes)
}

/// Creates the folder a file goes in.
fn create_parent(file: &Path) -> Result<(), ReportError> {
    match file.parent() {
        Some(dir) => fs::create_dir_all(dir).map_err(|source| ReportError::Write {
            path: dir.to_path_buf(),
            source,
        }),
        None => Ok(()),
    }
}

/// Writes a file, naming it on failure.
fn write(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    fs::write(path, bytes).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}
