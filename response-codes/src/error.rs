//! Errors: why a workbook could not be loaded, and why a code does not sit where a response put it.

use std::path::PathBuf;

use crate::Service;

/// Why [`crate::ResponseCodeTable::load_xlsx`] failed. Every variant names the file; variants about
/// content also name the sheet and the cell (A1 notation).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read at all (missing, a directory, no permission).
    #[error("cannot read response-code workbook {}", path.display())]
    Unreadable {
        /// The path given.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The file was read but is not a usable xlsx workbook (truncated, corrupted, or another format).
    #[error("{} is not a valid xlsx workbook (corrupted or not xlsx): {reason}", path.display())]
    Corrupted {
        /// The path given.
        path: PathBuf,
        /// What the xlsx reader reported.
        reason: String,
    },

    /// The workbook has no sheet with the expected name.
    #[error(
        "workbook {} has no sheet named '{expected}' (sheets found: {})",
        path.display(),
        quote_list(found)
    )]
    MissingSheet {
        /// The path given.
        path: PathBuf,
        /// The sheet name looked for.
        expected: String,
        /// The sheet names the workbook does have.
        found: Vec<String>,
    },

    /// No row of the sheet has header cells carrying a code-system OID.
    #[error(
        "sheet '{sheet}' of {} has no header row naming code systems with their OIDs \
         (cells like 'PDSMiniServiceResponseCode OID: 2.16.840.1.113883.2.1.3.2.4.17.285')",
        path.display()
    )]
    HeaderNotFound {
        /// The path given.
        path: PathBuf,
        /// The sheet searched.
        sheet: String,
    },

    /// A header cell carries an OID but names no known service.
    #[error(
        "cell {cell} of sheet '{sheet}' in {}: header {header:?} names no known code system \
         (expected Generic, CP-IS, PDS or SCR)",
        path.display()
    )]
    UnknownCodeSystem {
        /// The path given.
        path: PathBuf,
        /// The sheet read.
        sheet: String,
        /// The header cell, A1 notation.
        cell: String,
        /// The header cell's text.
        header: String,
    },

    /// Two header cells name the same service.
    #[error(
        "cell {cell} of sheet '{sheet}' in {}: code system {service} is already defined in cell {first}",
        path.display()
    )]
    DuplicateCodeSystem {
        /// The path given.
        path: PathBuf,
        /// The sheet read.
        sheet: String,
        /// The second header cell, A1 notation.
        cell: String,
        /// The first header cell, A1 notation.
        first: String,
        /// The service named twice.
        service: Service,
    },

    /// A header cell's OID is not dotted digits.
    #[error(
        "cell {cell} of sheet '{sheet}' in {}: OID {oid:?} is not dotted digits \
         like 2.16.840.1.113883.2.1.3.2.4.17.285",
        path.display()
    )]
    BadOid {
        /// The path given.
        path: PathBuf,
        /// The sheet read.
        sheet: String,
        /// The header cell, A1 notation.
        cell: String,
        /// The text found where the OID should be.
        oid: String,
    },

    /// A cell under a header does not start with a response code.
    #[error(
        "cell {cell} of sheet '{sheet}' in {}: {value:?} does not start with a response code \
         like 'DEMOG-0017' (letters, optional -LETTERS, then -4 digits)",
        path.display()
    )]
    BadCode {
        /// The path given.
        path: PathBuf,
        /// The sheet read.
        sheet: String,
        /// The offending cell, A1 notation.
        cell: String,
        /// The cell's text.
        value: String,
    },

    /// The same code appears twice in one service's column, which would make lookups ambiguous.
    #[error(
        "cell {cell} of sheet '{sheet}' in {}: code {code} appears again under {service} (first in cell {first})",
        path.display()
    )]
    DuplicateCode {
        /// The path given.
        path: PathBuf,
        /// The sheet read.
        sheet: String,
        /// The repeated cell, A1 notation.
        cell: String,
        /// The first cell with the code, A1 notation.
        first: String,
        /// The repeated code.
        code: String,
        /// The service column.
        service: Service,
    },

    /// The header row was found but no codes sit below it.
    #[error("sheet '{sheet}' of {}: no response codes below the header row", path.display())]
    NoCodes {
        /// The path given.
        path: PathBuf,
        /// The sheet read.
        sheet: String,
    },
}

impl LoadError {
    /// The workbook path the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            LoadError::Unreadable { path, .. }
            | LoadError::Corrupted { path, .. }
            | LoadError::MissingSheet { path, .. }
            | LoadError::HeaderNotFound { path, .. }
            | LoadError::UnknownCodeSystem { path, .. }
            | LoadError::DuplicateCodeSystem { path, .. }
            | LoadError::BadOid { path, .. }
            | LoadError::BadCode { path, .. }
            | LoadError::DuplicateCode { path, .. }
            | LoadError::NoCodes { path, .. } => path,
        }
    }
}

fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a response code does not sit where a response put it (see
/// [`crate::ResponseCodeTable::check`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misplacement {
    /// No service defines the code.
    #[error("response code {code} is not defined under any service")]
    UnknownCode {
        /// The code checked.
        code: String,
    },
    /// The code exists, but not under the service checked.
    #[error(
        "response code {code} is not defined under {service} (defined under {})",
        join(defined_under)
    )]
    NotUnderService {
        /// The code checked.
        code: String,
        /// The service it was expected under.
        service: Service,
        /// The services that do define it.
        defined_under: Vec<Service>,
    },
    /// The code is defined under the service, but was sent with another OID.
    #[error("response code {code} under {service} must use code system {expected}, found {found}")]
    WrongOid {
        /// The code checked.
        code: String,
        /// The service checked.
        service: Service,
        /// The service's OID.
        expected: String,
        /// The OID that was sent.
        found: String,
    },
}

fn join(services: &[Service]) -> String {
    services
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A service name that is not Generic, CP-IS, PDS or SCR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown service {0:?} (expected Generic, CP-IS, PDS or SCR)")]
pub struct UnknownService(pub String);
