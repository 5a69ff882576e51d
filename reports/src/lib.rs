//! The run record and its renderers. The harness produces a [`RunRecord`]; everything here
//! reads one and writes files, so reports can be regenerated from a saved `run.json`:
//! [`render_html`] (`report.html`), [`render_junit`] (`junit.xml`), [`render_manifest`]
//! (`evidence/MANIFEST.sha256`), with [`write_reports`] doing all three for a run folder and
//! [`verify_evidence`] checking a folder against its manifest. When the record has a TOM section,
//! [`render_tom_xlsx`] writes the TOM evidence pack (`tom-evidence.xlsx`) and the HTML report
//! shows the same table ([`tom`]).
//!
//! This crate depends on no other crate of ours. Output is deterministic: the same record and
//! evidence give the same bytes.

pub mod error;
pub mod html;
pub mod junit;
pub mod manifest;
pub mod record;
pub mod run_folder;
pub mod tom;

pub use error::ReportError;
pub use html::{DirEvidence, EvidenceReader, render_html};
pub use junit::render_junit;
pub use manifest::{
    MANIFEST_PATH, Problem, ProblemKind, RUN_JSON, VerifyReport, render_manifest, verify_evidence,
};
pub use record::*;
pub use run_folder::{JUNIT_XML, REPORT_HTML, Written, load_record, write_reports};
pub use tom::{
    Compliance, Obligation, TOM_XLSX, TomAssessment, TomError, TomRequirement, TomSection,
    TomSheet, WireEvidence, builtin_requirements, load_tom_checklist, normalise_requirement_id,
    render_tom_xlsx,
};
