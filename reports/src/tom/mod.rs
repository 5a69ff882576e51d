//! The TOM evidence pack: NHS England's Target Operating Model self-evaluation checklist for Spine
//! Mini Services, sheets "9a - SMS Generic Client Reqs" and "9b - SMS PDS Client Reqs", filled in
//! from a run record.
//!
//! Suppliers fill those sheets by hand. Here a run record's [`TomSection`] carries the rows to lay
//! out (our [`builtin_requirements`], or the official checklist read by [`load_tom_checklist`])
//! and the harness's [`TomAssessment`]s of what the wire showed; [`render_tom_xlsx`] writes
//! `tom-evidence.xlsx` from it, and the HTML report shows the same table. A requirement nobody
//! assessed is shown as "Manual evidence required".
//!
//! Requirement ids are written the checklist's way (`MSCA-ORG-01`, `MSCA-IG-05`);
//! [`normalise_requirement_id`] maps other spellings (`MSCA_IG_005`) to it.

mod checklist;
mod error;
mod requirements;
mod xlsx;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

pub use checklist::{CHECKLIST_FILE_NAME, load_tom_checklist};
pub use error::TomError;
pub use requirements::{BUILTIN_SOURCE, builtin_requirements};
pub use xlsx::{TOM_XLSX, render_tom_xlsx};

/// The TOM part of a run record: the requirement rows to lay out and the run's assessments of
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TomSection {
    /// Where `requirements` came from: [`BUILTIN_SOURCE`], or the path of the official checklist
    /// they were read from.
    pub source: String,
    /// The rows of sheets 9a and 9b, in sheet order.
    pub requirements: Vec<TomRequirement>,
    /// What the run showed about each requirement, at most one per id. Requirements without one
    /// are shown as [`Compliance::ManualEvidenceRequired`].
    #[serde(default)]
    pub assessments: Vec<TomAssessment>,
}

/// One requirement row of sheet 9a or 9b.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TomRequirement {
    /// The sheet the row belongs to.
    pub sheet: TomSheet,
    /// The heading the row sits under in its sheet (`Audit`, `PDS - Data Quality`), or empty.
    #[serde(default)]
    pub category: String,
    /// The requirement id in the checklist's spelling (`MSCA-AUD-04`).
    pub id: String,
    /// What is required, in one line.
    pub item: String,
    /// What meeting it involves.
    #[serde(default)]
    pub detail: String,
    /// Must or Should.
    pub obligation: Obligation,
    /// How far a run can evidence it from the messages on the wire (SPEC.md §8: W, P, M).
    pub wire: WireEvidence,
}

/// A sheet of the checklist that holds requirement rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TomSheet {
    /// "9a - SMS Generic Client Reqs": the common client requirements (ITK, MSCA-ORG/IG/AUD).
    #[serde(rename = "9a")]
    Generic,
    /// "9b - SMS PDS Client Reqs": the PDS client requirements (MSCA-PDS/DQ).
    #[serde(rename = "9b")]
    Pds,
}

impl TomSheet {
    /// Both sheets, in workbook order.
    pub const ALL: [TomSheet; 2] = [TomSheet::Generic, TomSheet::Pds];

    /// The sheet's name in the official checklist, which the evidence workbook reuses.
    pub fn sheet_name(self) -> &'static str {
        match self {
            TomSheet::Generic => "9a - SMS Generic Client Reqs",
            TomSheet::Pds => "9b - SMS PDS Client Reqs",
        }
    }

    /// The short code: `9a` or `9b`.
    pub fn code(self) -> &'static str {
        match self {
            TomSheet::Generic => "9a",
            TomSheet::Pds => "9b",
        }
    }
}

/// Whether a requirement is mandatory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Obligation {
    /// MUST.
    Must,
    /// SHOULD.
    Should,
}

impl Obligation {
    /// `Must` or `Should`, as the checklist writes it.
    pub fn label(self) -> &'static str {
        match self {
            Obligation::Must => "Must",
            Obligation::Should => "Should",
        }
    }
}

impl fmt::Display for Obligation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How far the messages on the wire can evidence a requirement (SPEC.md §8 legend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WireEvidence {
    /// W: checkable by observing messages; the harness can decide it.
    #[serde(rename = "W")]
    Wire,
    /// P: the wire gives some evidence; the rest needs documents or screens.
    #[serde(rename = "P")]
    Partial,
    /// M: manual or documentary evidence only.
    #[serde(rename = "M")]
    Manual,
}

impl WireEvidence {
    /// The legend letter: `W`, `P` or `M`.
    pub fn letter(self) -> &'static str {
        match self {
            WireEvidence::Wire => "W",
            WireEvidence::Partial => "P",
            WireEvidence::Manual => "M",
        }
    }

    /// The letter with its meaning, for a reader without the legend.
    pub fn describe(self) -> &'static str {
        match self {
            WireEvidence::Wire => "W: checkable on the wire",
            WireEvidence::Partial => "P: partly checkable on the wire",
            WireEvidence::Manual => "M: manual evidence only",
        }
    }
}

/// The run's verdict on one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TomAssessment {
    /// The requirement id (any spelling [`normalise_requirement_id`] understands).
    pub id: String,
    /// The compliance status.
    pub status: Compliance,
    /// What evidences it: case ids, exchange (message) ids, evidence file names.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Why, in words.
    #[serde(default)]
    pub notes: String,
}

/// A compliance status, as in the checklist's "Compliance Status" column, plus
/// "Manual evidence required" for what a run cannot decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Compliance {
    /// The requirement is met.
    #[serde(rename = "yes")]
    Yes,
    /// The requirement is not met.
    #[serde(rename = "no")]
    No,
    /// Partly met.
    #[serde(rename = "partial")]
    Partial,
    /// Does not apply.
    #[serde(rename = "n/a")]
    NotApplicable,
    /// The run cannot decide it: the supplier must provide documents, screens or processes.
    #[serde(rename = "manual")]
    ManualEvidenceRequired,
}

impl Compliance {
    /// Every status, in display order.
    pub const ALL: [Compliance; 5] = [
        Compliance::Yes,
        Compliance::No,
        Compliance::Partial,
        Compliance::NotApplicable,
        Compliance::ManualEvidenceRequired,
    ];

    /// The words shown: `Yes`, `No`, `Partial`, `N/A`, `Manual evidence required`.
    pub fn label(self) -> &'static str {
        match self {
            Compliance::Yes => "Yes",
            Compliance::No => "No",
            Compliance::Partial => "Partial",
            Compliance::NotApplicable => "N/A",
            Compliance::ManualEvidenceRequired => "Manual evidence required",
        }
    }

    /// A CSS-class-safe name: `yes`, `no`, `partial`, `na`, `manual`.
    pub fn css_class(self) -> &'static str {
        match self {
            Compliance::Yes => "yes",
            Compliance::No => "no",
            Compliance::Partial => "partial",
            Compliance::NotApplicable => "na",
            Compliance::ManualEvidenceRequired => "manual",
        }
    }
}

impl fmt::Display for Compliance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A requirement with the run's assessment of it, as laid out in the evidence pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TomRow<'a> {
    /// The requirement.
    pub requirement: &'a TomRequirement,
    /// Its status: the assessment's, or [`Compliance::ManualEvidenceRequired`] without one.
    pub status: Compliance,
    /// The assessment, if the run made one.
    pub assessment: Option<&'a TomAssessment>,
}

impl TomSection {
    /// A section laying out [`builtin_requirements`], with no assessments yet.
    pub fn builtin() -> Self {
        TomSection {
            source: BUILTIN_SOURCE.to_owned(),
            requirements: builtin_requirements(),
            assessments: Vec::new(),
        }
    }

    /// Every requirement row in order, each with its assessment: the first assessment whose id
    /// normalises to the requirement's.
    pub fn rows(&self) -> Vec<TomRow<'_>> {
        let mut first: BTreeMap<String, &TomAssessment> = BTreeMap::new();
        for assessment in &self.assessments {
            first
                .entry(normalise_requirement_id(&assessment.id))
                .or_insert(assessment);
        }
        self.requirements
            .iter()
            .map(|requirement| {
                let assessment = first
                    .get(&normalise_requirement_id(&requirement.id))
                    .copied();
                TomRow {
                    requirement,
                    status: assessment.map_or(Compliance::ManualEvidenceRequired, |a| a.status),
                    assessment,
                }
            })
            .collect()
    }

    /// The rows of one sheet, in order.
    pub fn sheet_rows(&self, sheet: TomSheet) -> Vec<TomRow<'_>> {
        self.rows()
            .into_iter()
            .filter(|row| row.requirement.sheet == sheet)
            .collect()
    }

    /// Assessments that no row shows: their id names no requirement of the section, or an
    /// earlier assessment already covers the id. Reports list them so nothing is dropped silently.
    pub fn unplaced_assessments(&self) -> Vec<&TomAssessment> {
        let ids: BTreeSet<String> = self
            .requirements
            .iter()
            .map(|r| normalise_requirement_id(&r.id))
            .collect();
        let mut placed = BTreeSet::new();
        self.assessments
            .iter()
            .filter(|a| {
                let id = normalise_requirement_id(&a.id);
                !(ids.contains(&id) && placed.insert(id))
            })
            .collect()
    }

    /// How many rows have each status, per sheet.
    pub fn compliance_counts(&self) -> ComplianceCounts {
        let mut counts = ComplianceCounts::default();
        for row in self.rows() {
            let index = Compliance::ALL
                .iter()
                .position(|s| *s == row.status)
                .unwrap_or(Compliance::ALL.len() - 1);
            match row.requirement.sheet {
                TomSheet::Generic => counts.generic[index] += 1,
                TomSheet::Pds => counts.pds[index] += 1,
            }
        }
        counts
    }
}

/// Rows per compliance status, for sheets 9a and 9b, indexed like [`Compliance::ALL`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComplianceCounts {
    /// Sheet 9a.
    pub generic: [usize; 5],
    /// Sheet 9b.
    pub pds: [usize; 5],
}

impl ComplianceCounts {
    /// Rows with `status` on `sheet`.
    pub fn get(&self, sheet: TomSheet, status: Compliance) -> usize {
        let index = Compliance::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or(0);
        match sheet {
            TomSheet::Generic => self.generic[index],
            TomSheet::Pds => self.pds[index],
        }
    }

    /// Rows with `status` on both sheets.
    pub fn total(&self, status: Compliance) -> usize {
        TomSheet::ALL.iter().map(|s| self.get(*s, status)).sum()
    }
}

/// Writes a requirement id the TOM checklist's way: surrounding and inner whitespace removed,
/// upper case, underscores as hyphens, and in `MSCA-*` ids a number written with a leading zero
/// beyond two digits shortened to two (`MSCA_IG_005` → `MSCA-IG-05`, `MSCA_ORG_01` →
/// `MSCA-ORG-01`). Other ids keep their digits (`SMSP-ERR-005`). Applying it twice changes
/// nothing.
pub fn normalise_requirement_id(id: &str) -> String {
    let joined: String = id
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    if !joined.starts_with("MSCA-") {
        return joined;
    }
    match joined.rsplit_once('-') {
        Some((head, number))
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let mut digits = number;
            while digits.len() > 2 && digits.starts_with('0') {
                digits = &digits[1..];
            }
            format!("{head}-{digits}")
        }
        _ => joined,
    }
}

/// Whether a cell's text looks like a requirement id (`MSCA-IG-005`, `SMSP-MESSAGES-001`) rather
/// than a heading or a note: letters, then hyphen- or underscore-separated parts, ending in digits.
pub(crate) fn looks_like_requirement_id(text: &str) -> bool {
    let id = normalise_requirement_id(text);
    let mut parts = id.split('-');
    let first_is_word = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_uppercase()));
    let rest: Vec<&str> = parts.collect();
    first_is_word
        && !rest.is_empty()
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'))
        && rest
            .last()
            .is_some_and(|p| p.bytes().next().is_some_and(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_look_like_requirements() {
        for id in [
            "MSCA-IG-005",
            "MSCA_ORG_01",
            "SMSP-MESSAGES-001",
            " MSCA-DQ-06 ",
        ] {
            assert!(looks_like_requirement_id(id), "{id}");
        }
        for text in [
            "Organisational Requirements",
            "PDS - General",
            "General IG",
            "Yes",
            "N/A",
            "",
            "MSCA-",
        ] {
            assert!(!looks_like_requirement_id(text), "{text}");
        }
    }
}
