//! Loader for the official workbook `SMSP Response Codes - v1.0.xlsx`.
//!
//! The layout is hand-made and quirky (SPEC §5.1), so the loader finds things by content rather than by
//! fixed position: the header row is the first row with a cell containing "OID"; each such cell names a
//! service and its OID ("PDSMiniServiceResponseCode\nOID:2.16..."); every non-blank cell below it is
//! "CODE description". It does not read the cover sheet or the colour key.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, Xlsx};

use crate::{CodeSystem, LoadError, ResponseCode, ResponseCodeTable, Service};

/// The name of the sheet holding the codes, spelled as in the official workbook ("Repon", sic).
pub const SHEET_NAME: &str = "Agreed Mini Service Repon Codes";

/// Loads and parses the workbook at `path`.
pub(crate) fn load(path: &Path) -> Result<ResponseCodeTable, LoadError> {
    // Read the bytes ourselves so "cannot read the file" and "not a workbook" stay distinct errors.
    let bytes = std::fs::read(path).map_err(|source| LoadError::Unreadable {
        path: path.to_owned(),
        source,
    })?;
    let corrupted = |err: calamine::XlsxError| LoadError::Corrupted {
        path: path.to_owned(),
        reason: err.to_string(),
    };
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(corrupted)?;
    let found = workbook.sheet_names();
    if !found.iter().any(|name| name == SHEET_NAME) {
        return Err(LoadError::MissingSheet {
            path: path.to_owned(),
            expected: SHEET_NAME.to_owned(),
            found,
        });
    }
    let range = workbook.worksheet_range(SHEET_NAME).map_err(corrupted)?;
    parse_sheet(path, &range)
}

/// One header cell: the column it heads and the code system it names.
struct Header {
    col: usize,
    cell: String,
    code_system: CodeSystem,
}

/// The sheet being parsed, for building errors that name the file, sheet and cell.
struct Sheet<'a> {
    path: &'a Path,
    range: &'a Range<Data>,
    /// Absolute (row, column) of the range's top-left cell: calamine ranges start at the first used
    /// cell, not at A1.
    origin: (u32, u32),
}

impl Sheet<'_> {
    fn path(&self) -> PathBuf {
        self.path.to_owned()
    }

    fn sheet(&self) -> String {
        SHEET_NAME.to_owned()
    }

    /// A1 reference of the cell at range-relative (row, col).
    fn cell_ref(&self, row: usize, col: usize) -> String {
        let abs_row = u64::from(self.origin.0) + row as u64;
        let abs_col = u64::from(self.origin.1) + col as u64;
        format!("{}{}", column_letters(abs_col), abs_row + 1)
    }
}

fn parse_sheet(path: &Path, range: &Range<Data>) -> Result<ResponseCodeTable, LoadError> {
    let sheet = Sheet {
        path,
        range,
        origin: range.start().unwrap_or((0, 0)),
    };
    let (header_row, headers) = find_headers(&sheet)?;

    let mut entries = Vec::new();
    // First cell of each (service, code), to report duplicates within a column.
    let mut seen: HashMap<(Service, String), String> = HashMap::new();
    for (row_idx, row) in sheet.range.rows().enumerate().skip(header_row + 1) {
        for header in &headers {
            let Some(value) = row.get(header.col) else {
                continue;
            };
            let text = match value {
                Data::Empty => continue,
                Data::String(s) => s.clone(),
                // Numbers, dates, booleans or error values where a code belongs: report them as text.
                other => other.to_string(),
            };
            if text.trim().is_empty() {
                continue;
            }
            let cell = sheet.cell_ref(row_idx, header.col);
            let service = header.code_system.service;
            let Some((code, description, detail)) = parse_code_cell(&text) else {
                return Err(LoadError::BadCode {
                    path: sheet.path(),
                    sheet: sheet.sheet(),
                    cell,
                    value: text,
                });
            };
            if let Some(first) = seen.get(&(service, code.clone())) {
                return Err(LoadError::DuplicateCode {
                    path: sheet.path(),
                    sheet: sheet.sheet(),
                    cell,
                    first: first.clone(),
                    code,
                    service,
                });
            }
            seen.insert((service, code.clone()), cell);
            entries.push(ResponseCode {
                code,
                service,
                description,
                detail,
            });
        }
    }
    if entries.is_empty() {
        return Err(LoadError::NoCodes {
            path: sheet.path(),
            sheet: sheet.sheet(),
        });
    }
    let code_systems = headers.into_iter().map(|h| h.code_system).collect();
    Ok(ResponseCodeTable::from_parts(code_systems, entries))
}

/// Finds the first row with a cell containing "OID" and parses every such cell in it.
fn find_headers(sheet: &Sheet<'_>) -> Result<(usize, Vec<Header>), LoadError> {
    for (row_idx, row) in sheet.range.rows().enumerate() {
        let mut headers: Vec<Header> = Vec::new();
        for (col, value) in row.iter().enumerate() {
            let Data::String(text) = value else {
                continue;
            };
            if !text.contains("OID") {
                continue;
            }
            let cell = sheet.cell_ref(row_idx, col);
            let (name, oid) = split_header(text);
            let Some(service) = Service::from_loose_name(name) else {
                return Err(LoadError::UnknownCodeSystem {
                    path: sheet.path(),
                    sheet: sheet.sheet(),
                    cell,
                    header: text.clone(),
                });
            };
            if !crate::is_valid_oid(oid) {
                return Err(LoadError::BadOid {
                    path: sheet.path(),
                    sheet: sheet.sheet(),
                    cell,
                    oid: oid.to_owned(),
                });
            }
            if let Some(first) = headers.iter().find(|h| h.code_system.service == service) {
                return Err(LoadError::DuplicateCodeSystem {
                    path: sheet.path(),
                    sheet: sheet.sheet(),
                    cell,
                    first: first.cell.clone(),
                    service,
                });
            }
            headers.push(Header {
                col,
                cell,
                code_system: CodeSystem {
                    service,
                    oid: oid.to_owned(),
                },
            });
        }
        if !headers.is_empty() {
            return Ok((row_idx, headers));
        }
    }
    Err(LoadError::HeaderNotFound {
        path: sheet.path(),
        sheet: sheet.sheet(),
    })
}

/// Splits "Name \nOID: 1.2.3" (spacing varies, colon optional) into ("Name", "1.2.3").
fn split_header(text: &str) -> (&str, &str) {
    match text.split_once("OID") {
        Some((name, rest)) => {
            let rest = rest.trim_start();
            let rest = rest.strip_prefix(':').unwrap_or(rest);
            (name.trim(), rest.trim())
        }
        None => (text.trim(), ""),
    }
}

/// Parses "CODE description" or SCR-style "CODE - Title\nLong description\n" into
/// (code, description, detail). Returns `None` if the cell does not start with a valid code.
fn parse_code_cell(text: &str) -> Option<(String, String, Option<String>)> {
    let text = text.trim();
    let (code, rest) = match text.split_once(char::is_whitespace) {
        Some((code, rest)) => (code, rest.trim()),
        None => (text, ""),
    };
    if !crate::is_valid_code(code) {
        return None;
    }
    // SCR cells separate the code from the title with " - ".
    let rest = rest.strip_prefix('-').map_or(rest, str::trim_start);
    let (title, detail) = match rest.split_once('\n') {
        Some((title, detail)) => (title.trim(), detail.trim()),
        None => (rest, ""),
    };
    let detail = (!detail.is_empty()).then(|| detail.to_owned());
    Some((code.to_owned(), title.to_owned(), detail))
}

/// Spreadsheet column letters for a 0-based column index: 0 → A, 25 → Z, 26 → AA.
fn column_letters(mut col: u64) -> String {
    let mut letters = Vec::new();
    loop {
        // `col % 26` is below 26, so the cast cannot truncate.
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_a1_notation() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn header_spacing_variants() {
        assert_eq!(
            split_header(
                "GenericMiniServiceResponseCode \nOID: 2.16.840.1.113883.2.1.3.2.4.17.500"
            ),
            (
                "GenericMiniServiceResponseCode",
                "2.16.840.1.113883.2.1.3.2.4.17.500"
            )
        );
        assert_eq!(
            split_header("PDSMiniServiceResponseCode\nOID:2.16.840.1.113883.2.1.3.2.4.17.285"),
            (
                "PDSMiniServiceResponseCode",
                "2.16.840.1.113883.2.1.3.2.4.17.285"
            )
        );
    }

    #[test]
    fn code_cells() {
        assert_eq!(
            parse_code_cell("DEMOG-0001 No Match "),
            Some(("DEMOG-0001".into(), "No Match".into(), None))
        );
        assert_eq!(
            parse_code_cell("SCR-0003 - ACS Check Failed\nThe patient has not consented. \n"),
            Some((
                "SCR-0003".into(),
                "ACS Check Failed".into(),
                Some("The patient has not consented.".into())
            ))
        );
        assert_eq!(
            parse_code_cell("SMSP-0000"),
            Some(("SMSP-0000".into(), String::new(), None))
        );
        assert_eq!(parse_code_cell("BOGUS code"), None);
        assert_eq!(parse_code_cell("#N/A"), None);
    }
}
