//! `report.html`: one self-contained page for an assessor (inline CSS, no scripts, no network),
//! rendered with askama from `templates/report.html` and `templates/report.css`.
//!
//! The page shows the run, the outcome counts (each in an element with a stable id,
//! `summary-total` … `summary-check`), requirement coverage, and every case with its findings,
//! expected-against-actual table and exchanges, request and response side by side. The exchanged
//! bytes are not in the record: an [`EvidenceReader`] supplies them, and a file it cannot supply
//! is shown as missing. Output depends on the record and the evidence only (no clock), so
//! rendering twice gives the same bytes.

use std::fs;
use std::path::PathBuf;

use askama::Template;
use chrono::DateTime;
use sha2::{Digest, Sha256};

use crate::error::ReportError;
use crate::manifest::checked_relative;
use crate::record::{
    CaseRecord, EvidenceFile, ExchangeRecord, Outcome, RunRecord, Summary, Verdict,
};
use crate::tom::{Compliance, TomAssessment, TomSection};

/// Supplies the bytes of evidence files for the HTML report.
pub trait EvidenceReader {
    /// The bytes of the evidence file at `path` (relative to the run folder, as in the record),
    /// or `None` if they are not available.
    fn read(&self, path: &str) -> Option<Vec<u8>>;
}

impl<F: Fn(&str) -> Option<Vec<u8>>> EvidenceReader for F {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self(path)
    }
}

/// Reads evidence files from a run folder. Paths that would leave the folder (absolute, `..`)
/// are refused, so a doctored `run.json` cannot pull other files into the report.
#[derive(Debug, Clone)]
pub struct DirEvidence {
    run_dir: PathBuf,
}

impl DirEvidence {
    /// Reads from `run_dir`, the folder holding `run.json` and `evidence/`.
    pub fn new(run_dir: impl Into<PathBuf>) -> Self {
        DirEvidence {
            run_dir: run_dir.into(),
        }
    }
}

impl EvidenceReader for DirEvidence {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        fs::read(self.run_dir.join(checked_relative(path)?)).ok()
    }
}

/// Renders the HTML report of a run, with evidence bytes from `evidence`.
pub fn render_html(
    record: &RunRecord,
    evidence: &impl EvidenceReader,
) -> Result<String, ReportError> {
    Ok(Page::new(record, evidence).render()?)
}

/// The stylesheet, inlined into the page.
const CSS: &str = include_str!("../templates/report.css");

/// The page's view of a record: the record itself plus what the template should not compute.
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    r: &'a RunRecord,
    css: &'static str,
    suite: &'a str,
    summary: Summary,
    overall: Verdict,
    duration: String,
    coverage: Vec<CoverageRow>,
    tom: Option<TomView<'a>>,
    cases: Vec<CaseView<'a>>,
}

/// The TOM self-evaluation table: checklist sheets 9a and 9b with the run's statuses.
struct TomView<'a> {
    source: &'a str,
    /// (status, rows with it), for every status.
    counts: Vec<(Compliance, usize)>,
    rows: Vec<TomRowView<'a>>,
    unplaced: Vec<&'a TomAssessment>,
}

/// One requirement row of the TOM table.
struct TomRowView<'a> {
    sheet: &'static str,
    id: &'a str,
    item: &'a str,
    obligation: &'static str,
    status: Compliance,
    evidence: Vec<EvidenceLink<'a>>,
    notes: &'a str,
}

/// An evidence item of a TOM row, linked to its case when it names one.
struct EvidenceLink<'a> {
    text: &'a str,
    anchor: Option<String>,
}

/// One row of the coverage table.
struct CoverageRow {
    id: String,
    title: String,
    cases: Vec<CaseLink>,
    verdict: Verdict,
}

/// A link to a case in the page.
struct CaseLink {
    id: String,
    anchor: String,
    outcome: Outcome,
}

/// One case with its anchor and its exchanges' evidence.
struct CaseView<'a> {
    c: &'a CaseRecord,
    anchor: String,
    exchanges: Vec<ExchangeView<'a>>,
}

/// One exchange with the evidence bytes as text.
struct ExchangeView<'a> {
    number: usize,
    e: &'a ExchangeRecord,
    request: EvidenceView<'a>,
    response: Option<EvidenceView<'a>>,
}

/// An evidence file and, if the reader supplied it, its bytes as text.
struct EvidenceView<'a> {
    f: &'a EvidenceFile,
    text: Option<String>,
    /// The supplied bytes do not have the SHA-256 the record gives.
    altered: bool,
}

impl<'a> Page<'a> {
    fn new(record: &'a RunRecord, evidence: &impl EvidenceReader) -> Self {
        let anchors = anchors(&record.cases);
        let anchor_of = |case_id: &str| {
            record
                .cases
                .iter()
                .position(|c| c.id == case_id)
                .map(|i| anchors[i].clone())
                .unwrap_or_default()
        };
        let coverage = record
            .coverage()
            .into_iter()
            .map(|row| CoverageRow {
                cases: row
                    .cases
                    .iter()
                    .map(|(id, outcome)| CaseLink {
                        id: id.clone(),
                        anchor: anchor_of(id),
                        outcome: *outcome,
                    })
                    .collect(),
                id: row.id,
                title: row.title.unwrap_or_default(),
                verdict: row.verdict,
            })
            .collect();
        let cases = record
            .cases
            .iter()
            .zip(anchors.iter())
            .map(|(c, anchor)| CaseView {
                c,
                anchor: anchor.clone(),
                exchanges: c
                    .exchanges
                    .iter()
                    .enumerate()
                    .map(|(i, e)| ExchangeView {
                        number: i + 1,
                        e,
                        request: EvidenceView::new(&e.request, evidence),
                        response: e.response.as_ref().map(|f| EvidenceView::new(f, evidence)),
                    })
                    .collect(),
            })
            .collect();
        let tom = record.tom.as_ref().map(|tom| {
            TomView::new(tom, |id| {
                record
                    .cases
                    .iter()
                    .position(|c| c.id == id)
                    .map(|i| anchors[i].clone())
            })
        });
        Page {
            r: record,
            css: CSS,
            suite: record.suite_name().unwrap_or("smsp"),
            summary: record.summary(),
            overall: Verdict::roll_up(record.cases.iter().map(|c| c.outcome)),
            duration: run_duration(&record.started, &record.finished),
            coverage,
            tom,
            cases,
        }
    }
}

impl<'a> TomView<'a> {
    /// The view of a TOM section; `case_anchor` gives the anchor of a case id in the page.
    fn new(tom: &'a TomSection, case_anchor: impl Fn(&str) -> Option<String>) -> Self {
        let counts = tom.compliance_counts();
        TomView {
            source: &tom.source,
            counts: Compliance::ALL
                .iter()
                .map(|status| (*status, counts.total(*status)))
                .collect(),
            rows: tom
                .rows()
                .into_iter()
                .map(|row| TomRowView {
                    sheet: row.requirement.sheet.code(),
                    id: &row.requirement.id,
                    item: &row.requirement.item,
                    obligation: row.requirement.obligation.label(),
                    status: row.status,
                    evidence: row
                        .assessment
                        .map(|a| {
                            a.evidence
                                .iter()
                                .map(|text| EvidenceLink {
                                    text,
                                    anchor: case_anchor(text),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    notes: row.assessment.map_or("", |a| a.notes.as_str()),
                })
                .collect(),
            unplaced: tom.unplaced_assessments(),
        }
    }
}

impl Page<'_> {
    /// The CSS class of a verdict (`not-run` for not run), called from the template.
    fn verdict_class(&self, verdict: &Verdict) -> &'static str {
        match verdict {
            Verdict::NotRun => "not-run",
            other => other.as_str(),
        }
    }
}

impl<'a> EvidenceView<'a> {
    fn new(f: &'a EvidenceFile, evidence: &impl EvidenceReader) -> Self {
        let bytes = evidence.read(&f.path);
        let altered = bytes
            .as_deref()
            .is_some_and(|b| !hex::encode(Sha256::digest(b)).eq_ignore_ascii_case(&f.sha256));
        EvidenceView {
            f,
            text: bytes.map(|b| String::from_utf8_lossy(&b).into_owned()),
            altered,
        }
    }
}

/// A fragment id per case: `case-` and the id with anything but letters, digits, `-` and `_`
/// replaced by `-`, made unique with the case's position when two ids collapse alike.
fn anchors(cases: &[CaseRecord]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let slug: String = case
                .id
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' {
                        ch
                    } else {
                        '-'
                    }
                })
                .collect();
            let mut anchor = format!("case-{slug}");
            if !seen.insert(anchor.clone()) {
                anchor = format!("case-{slug}-{}", i + 1);
                seen.insert(anchor.clone());
            }
            anchor
        })
        .collect()
}

/// The run's wall-clock duration (`12.345 s`), or empty if a time does not parse.
fn run_duration(started: &str, finished: &str) -> String {
    match (
        DateTime::parse_from_rfc3339(started),
        DateTime::parse_from_rfc3339(finished),
    ) {
        (Ok(start), Ok(end)) if end >= start => {
            let ms = (end - start).num_milliseconds();
            format!("{}.{:03} s", ms / 1000, ms % 1000)
        }
        _ => String::new(),
    }
}
