//! The SMSP response-code table: which response codes exist, under which mini-service code system they
//! are defined, and which OID each code system carries.
//!
//! The official source of truth is the spreadsheet `SMSP Response Codes - v1.0.xlsx` (sheet
//! "Agreed Mini Service Repon Codes", sic). [`ResponseCodeTable::load_xlsx`] reads it;
//! [`ResponseCodeTable::embedded`] is a default table written by hand from the same facts so the tools
//! work without the file. The two are tested to be identical.
//!
//! The table keeps one [`ResponseCode`] per spreadsheet cell, i.e. per (code, service column). The PDS
//! column repeats several `SMSP-*` codes for backward compatibility, so "is SMSP-0001 defined under PDS"
//! has an answer; [`ResponseCodeTable::distinct_codes`] folds those repeats into one row per code.
//!
//! This crate does no printing and never panics on input; loading failures are [`LoadError`]s.

mod embedded;
mod error;
mod service;
mod xlsx;

use std::path::Path;

use serde::Serialize;

pub use error::{LoadError, Misplacement, UnknownService};
pub use service::{Service, oid};
pub use xlsx::SHEET_NAME;

/// One response code as defined under one service's code system (one spreadsheet cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseCode {
    /// The code as sent on the wire, e.g. `DEMOG-0017`.
    pub code: String,
    /// The service whose code-system column defines this entry.
    pub service: Service,
    /// The short meaning, in the spreadsheet's wording (e.g. "Superceding NHS number returned"); for
    /// SCR codes this is the title before the first line break.
    pub description: String,
    /// The longer explanation that SCR cells carry after the title, if any.
    pub detail: Option<String>,
}

/// A code system: the OID a service's response codes are qualified with on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeSystem {
    /// The service this code system belongs to.
    pub service: Service,
    /// The code system OID, dotted digits, e.g. `2.16.840.1.113883.2.1.3.2.4.17.285`.
    pub oid: String,
}

/// One distinct response code with every service column that defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistinctCode<'a> {
    /// The first entry for the code in table order (the Generic column for `SMSP-*` codes).
    pub entry: &'a ResponseCode,
    /// The services defining the code, in table order.
    pub services: Vec<Service>,
}

impl<'a> DistinctCode<'a> {
    /// The code, e.g. `SMSP-0001`.
    pub fn code(&self) -> &'a str {
        &self.entry.code
    }
}

/// The answer to "is this code defined under this service, and with which OID".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The code is defined under the service, whose code system is given.
    Defined {
        /// The table entry for (code, service).
        entry: &'a ResponseCode,
        /// The service's code system, carrying the OID to expect on the wire.
        code_system: &'a CodeSystem,
    },
    /// The code exists, but only under other services.
    OtherServices {
        /// The services that do define the code, in table order.
        defined_under: Vec<Service>,
    },
    /// No service defines the code.
    Unknown,
}

/// The response-code table: entries per service column plus the code systems (OIDs).
///
/// Entries are kept in a canonical order (service order Generic, CP-IS, PDS, SCR, then spreadsheet
/// row) so that a loaded table compares equal to [`ResponseCodeTable::embedded`] regardless of column
/// order in the workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseCodeTable {
    code_systems: Vec<CodeSystem>,
    entries: Vec<ResponseCode>,
}

impl ResponseCodeTable {
    /// The default table, written from the official spreadsheet's facts (SPEC §5.2).
    pub fn embedded() -> Self {
        embedded::table()
    }

    /// Loads the table from the official workbook (sheet [`SHEET_NAME`]).
    ///
    /// Header cells name a code system and its OID ("PDSMiniServiceResponseCode\nOID:2.16..."); each
    /// cell below holds "CODE description". Blank cells, trailing spaces and multi-line descriptions
    /// are tolerated.
    pub fn load_xlsx(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        xlsx::load(path.as_ref())
    }

    /// Builds a table from parts, putting them in canonical order. Used by the loader and the
    /// embedded table so both share one ordering rule.
    fn from_parts(mut code_systems: Vec<CodeSystem>, mut entries: Vec<ResponseCode>) -> Self {
        // Stable sorts: within a service, spreadsheet row order is kept.
        code_systems.sort_by_key(|cs| cs.service);
        entries.sort_by_key(|e| e.service);
        Self {
            code_systems,
            entries,
        }
    }

    /// All entries, one per (code, service column), in canonical order.
    pub fn iter(&self) -> std::slice::Iter<'_, ResponseCode> {
        self.entries.iter()
    }

    /// Number of entries (not distinct codes; see [`Self::distinct_codes`]).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first entry for `code` in table order (for `SMSP-*` codes, the Generic column's entry).
    pub fn get(&self, code: &str) -> Option<&ResponseCode> {
        self.entries.iter().find(|e| e.code == code)
    }

    /// Every entry for `code`, one per service column that defines it.
    pub fn entries_for(&self, code: &str) -> impl Iterator<Item = &ResponseCode> {
        self.entries.iter().filter(move |e| e.code == code)
    }

    /// The entries of one service's column, in spreadsheet row order.
    pub fn codes_for(&self, service: Service) -> impl Iterator<Item = &ResponseCode> {
        self.entries.iter().filter(move |e| e.service == service)
    }

    /// One row per distinct code, in order of first appearance, with all services defining it.
    pub fn distinct_codes(&self) -> Vec<DistinctCode<'_>> {
        let mut out: Vec<DistinctCode<'_>> = Vec::new();
        for entry in &self.entries {
            match out.iter_mut().find(|d| d.entry.code == entry.code) {
                Some(d) => {
                    if !d.services.contains(&entry.service) {
                        d.services.push(entry.service);
                    }
                }
                None => out.push(DistinctCode {
                    entry,
                    services: vec![entry.service],
                }),
            }
        }
        out
    }

    /// The code systems (service and OID), in service order.
    pub fn code_systems(&self) -> &[CodeSystem] {
        &self.code_systems
    }

    /// The code system of `service`, if the table has one.
    pub fn code_system(&self, service: Service) -> Option<&CodeSystem> {
        self.code_systems.iter().find(|cs| cs.service == service)
    }

    /// The OID `service`'s codes carry, if the table has that service.
    pub fn oid_for(&self, service: Service) -> Option<&str> {
        self.code_system(service).map(|cs| cs.oid.as_str())
    }

    /// The service whose code system has `oid`, if any.
    pub fn service_for_oid(&self, oid: &str) -> Option<Service> {
        self.code_systems
            .iter()
            .find(|cs| cs.oid == oid)
            .map(|cs| cs.service)
    }

    /// Whether `code` is defined under `service`, and if so with which code system (OID).
    ///
    /// This answers from the spreadsheet alone: e.g. `SMSP-0004` is defined under Generic only, even
    /// though providers send it with the PDS OID. Policy about such codes belongs to the caller.
    pub fn lookup(&self, code: &str, service: Service) -> Lookup<'_> {
        let defined = self
            .entries
            .iter()
            .find(|e| e.code == code && e.service == service)
            .and_then(|entry| {
                self.code_system(service)
                    .map(|code_system| Lookup::Defined { entry, code_system })
            });
        if let Some(found) = defined {
            return found;
        }
        let mut defined_under: Vec<Service> = Vec::new();
        for e in self.entries_for(code) {
            if !defined_under.contains(&e.service) {
                defined_under.push(e.service);
            }
        }
        if defined_under.is_empty() {
            Lookup::Unknown
        } else {
            Lookup::OtherServices { defined_under }
        }
    }

    /// Checks that `code`, sent with code system `oid`, sits under `service` with that service's OID.
    ///
    /// Returns the matching entry, or a [`Misplacement`] saying what is wrong (unknown code, code
    /// not defined under the service, or the wrong OID).
    pub fn check(
        &self,
        code: &str,
        service: Service,
        oid: &str,
    ) -> Result<&ResponseCode, Misplacement> {
        match self.lookup(code, service) {
            Lookup::Defined { entry, code_system } if code_system.oid == oid => Ok(entry),
            Lookup::Defined { code_system, .. } => Err(Misplacement::WrongOid {
                code: code.to_owned(),
                service,
                expected: code_system.oid.clone(),
                found: oid.to_owned(),
            }),
            Lookup::OtherServices { defined_under } => Err(Misplacement::NotUnderService {
                code: code.to_owned(),
                service,
                defined_under,
            }),
            Lookup::Unknown => Err(Misplacement::UnknownCode {
                code: code.to_owned(),
            }),
        }
    }
}

impl<'a> IntoIterator for &'a ResponseCodeTable {
    type Item = &'a ResponseCode;
    type IntoIter = std::slice::Iter<'a, ResponseCode>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Whether `code` has the shape of a response code: `[A-Z]+(-[A-Z]+)?-\d{4}`, e.g. `DEMOG-0017`.
pub fn is_valid_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    let Some((digits, prefix)) = parts.split_last() else {
        return false;
    };
    (1..=2).contains(&prefix.len())
        && digits.len() == 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && prefix
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_uppercase()))
}

/// Whether `oid` is dotted digits (at least two arcs), e.g. `2.16.840.1.113883.2.1.3.2.4.17.285`.
pub fn is_valid_oid(oid: &str) -> bool {
    let mut arcs = 0;
    for arc in oid.split('.') {
        if arc.is_empty() || !arc.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        arcs += 1;
    }
    arcs >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_shapes() {
        for ok in ["SMSP-0000", "DEMOG-0017", "CP-IS-0001", "SCR-9999"] {
            assert!(is_valid_code(ok), "{ok}");
        }
        for bad in [
            "",
            "BOGUS",
            "smsp-0000",
            "SMSP-000",
            "SMSP-00000",
            "-0001",
            "A-B-C-0001",
            "SMSP0001",
            "SMSP--0001",
            "SMSP-00a1",
        ] {
            assert!(!is_valid_code(bad), "{bad}");
        }
    }

    #[test]
    fn oid_shapes() {
        assert!(is_valid_oid("2.16.840.1.113883.2.1.3.2.4.17.285"));
        for bad in ["", "2", "2.", ".2", "2..16", "2.16.x", " 2.16", "2.16 "] {
            assert!(!is_valid_oid(bad), "{bad:?}");
        }
    }
}
