//! Why the TOM checklist could not be read or the evidence workbook not written.

use std::path::PathBuf;

/// Why [`super::load_tom_checklist`] or [`super::render_tom_xlsx`] failed. Checklist errors name
/// the file, and where there is one the sheet and the cell (A1 notation), and end with the fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TomError {
    /// The checklist could not be opened as a workbook (missing, unreadable, not .xls/.xlsx).
    #[error(
        "cannot open TOM checklist {}: {reason}; pass --tom-checklist the official '{}'",
        path.display(),
        super::CHECKLIST_FILE_NAME
    )]
    Open {
        /// The path given.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },

    /// The workbook has no sheet 9a or 9b.
    #[error(
        "TOM checklist {} has no sheet '{expected}' (sheets found: {}); pass --tom-checklist the \
         official '{}'",
        path.display(),
        quote_list(found),
        super::CHECKLIST_FILE_NAME
    )]
    MissingSheet {
        /// The path given.
        path: PathBuf,
        /// The sheet looked for.
        expected: String,
        /// The sheets the workbook has.
        found: Vec<String>,
    },

    /// A sheet could not be read.
    #[error(
        "cannot read sheet '{sheet}' of TOM checklist {}: {reason}; pass --tom-checklist the \
         official '{}'",
        path.display(),
        super::CHECKLIST_FILE_NAME
    )]
    Sheet {
        /// The path given.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// What the reader reported.
        reason: String,
    },

    /// No row of a sheet has the header cells the loader needs.
    #[error(
        "sheet '{sheet}' of TOM checklist {} has no header row with the {missing} column (the \
         header row names 'Category / Requirement', 'Item', 'Detail' and 'Type'); pass \
         --tom-checklist the official '{}'",
        path.display(),
        super::CHECKLIST_FILE_NAME
    )]
    MissingHeader {
        /// The path given.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// The header not found, quoted (`'Item'`).
        missing: String,
    },

    /// A requirement row has an unusable cell.
    #[error(
        "cell {cell} of sheet '{sheet}' in TOM checklist {}: {problem}; pass --tom-checklist the \
         official '{}'",
        path.display(),
        super::CHECKLIST_FILE_NAME
    )]
    BadCell {
        /// The path given.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// The cell, A1 notation.
        cell: String,
        /// What is wrong with it.
        problem: String,
    },

    /// A sheet has a header row but no requirement rows under it.
    #[error(
        "sheet '{sheet}' of TOM checklist {} has no requirement rows (ids such as MSCA-ORG-01 \
         under the 'Category / Requirement' header in cell {header_cell}); pass --tom-checklist \
         the official '{}'",
        path.display(),
        super::CHECKLIST_FILE_NAME
    )]
    NoRequirements {
        /// The path given.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// The id column's header cell.
        header_cell: String,
    },

    /// The run record's `started` time, used as the workbook's creation time, is unusable.
    #[error(
        "the run record's `started` ({value:?}) is not an RFC 3339 time between 1900 and 9999, \
         such as 2026-11-02T10:00:00Z; fix it in run.json"
    )]
    Time {
        /// The value found.
        value: String,
    },

    /// The workbook could not be written.
    #[error("cannot render tom-evidence.xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// `'a', 'b'`, or `(none)`.
fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
