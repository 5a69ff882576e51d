//! Reads the requirement rows of NHS England's TOM self-evaluation checklist (sheets 9a and 9b),
//! `.xls` or `.xlsx`, with calamine.
//!
//! The sheets are laid out for people: a title, notes, a header row ("Category / Requirement",
//! "Item", "Detail", "Guidance", "Type", "Actioned By", "Compliance Status", …; two columns are
//! headed "Type"), category headings between the requirement rows, and a list of statuses far
//! below for the status drop-down. So the loader finds things by content: the header row by its
//! cells, the Must/Should column as the "Type" column holding Must or Should, and requirement rows
//! by an id-shaped first cell. Blank rows, headings, notes and stray spaces are skipped; ids are
//! written the checklist's way ([`super::normalise_requirement_id`]).

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};

use super::requirements::wire_evidence;
use super::{
    Obligation, TomError, TomRequirement, TomSheet, WireEvidence, looks_like_requirement_id,
    normalise_requirement_id,
};

/// The official checklist's file name, which error messages ask for.
pub const CHECKLIST_FILE_NAME: &str =
    "Target Operating Model - Spine Mini Services - Self-Evaluation Checklist v0.10.xls";

/// How many rows from the top of a sheet are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 40;

/// Reads every requirement row of sheets "9a - SMS Generic Client Reqs" and "9b - SMS PDS Client
/// Reqs" of the checklist at `path` (`.xls` or `.xlsx`): id (normalised), category heading, item,
/// detail and Must/Should, in sheet order, 9a first. How far the wire can evidence each row comes
/// from our own table ([`super::builtin_requirements`]); an id we do not know is manual.
///
/// A blank Type cell takes Must or Should from the item's wording (MUST, SHOULD). Errors name the
/// file, and the sheet and cell where there is one.
pub fn load_tom_checklist(path: &Path) -> Result<Vec<TomRequirement>, TomError> {
    let bytes = std::fs::read(path).map_err(|e| TomError::Open {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| TomError::Open {
            path: path.to_owned(),
            reason: format!("not an .xls or .xlsx workbook ({e})"),
        })?;
    let names = workbook.sheet_names();
    let mut requirements = Vec::new();
    for sheet in TomSheet::ALL {
        let name = find_sheet(&names, sheet).ok_or_else(|| TomError::MissingSheet {
            path: path.to_owned(),
            expected: sheet.sheet_name().to_owned(),
            found: names.clone(),
        })?;
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| TomError::Sheet {
                path: path.to_owned(),
                sheet: name.clone(),
                reason: e.to_string(),
            })?;
        let reader = SheetReader {
            path,
            name: &name,
            sheet,
            range: &range,
            origin: range.start().unwrap_or((0, 0)),
        };
        requirements.extend(reader.requirements()?);
    }
    Ok(requirements)
}

/// The sheet holding `sheet`'s rows: the one with the official name, else the first whose name
/// starts with `9a`/`9b` once spaces and punctuation are ignored.
fn find_sheet(names: &[String], sheet: TomSheet) -> Option<String> {
    let simple = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    names
        .iter()
        .find(|n| n.trim() == sheet.sheet_name())
        .or_else(|| names.iter().find(|n| simple(n).starts_with(sheet.code())))
        .cloned()
}

/// Column positions (range-relative) found in the header row.
struct Columns {
    id: usize,
    item: usize,
    detail: usize,
    /// Every column headed like Must/Should ("Type"), left to right.
    obligation: Vec<usize>,
}

/// One sheet being read, for errors that name file, sheet and cell.
struct SheetReader<'a> {
    path: &'a Path,
    name: &'a str,
    sheet: TomSheet,
    range: &'a Range<Data>,
    /// Absolute (row, column) of the range's top-left cell: calamine ranges start at the first
    /// used cell, not at A1.
    origin: (u32, u32),
}

impl SheetReader<'_> {
    fn requirements(&self) -> Result<Vec<TomRequirement>, TomError> {
        let (header_row, columns) = self.header()?;
        let rows: Vec<(usize, &[Data])> = self
            .range
            .rows()
            .enumerate()
            .skip(header_row + 1)
            .filter(|(_, row)| looks_like_requirement_id(&text(row, columns.id)))
            .collect();
        let obligation_col = self.obligation_column(&columns, &rows);

        let mut category = String::new();
        let mut out: Vec<(TomRequirement, String)> = Vec::new();
        for (row_idx, row) in self.range.rows().enumerate().skip(header_row + 1) {
            let id_text = text(row, columns.id);
            if id_text.is_empty() {
                continue;
            }
            if !looks_like_requirement_id(&id_text) {
                // A heading sits alone in its row; anything else (a note) is not one.
                let alone = [columns.item, columns.detail]
                    .iter()
                    .chain(&columns.obligation)
                    .all(|col| text(row, *col).is_empty());
                if alone {
                    category = collapse_spaces(&id_text);
                }
                continue;
            }
            let id = normalise_requirement_id(&id_text);
            let id_cell = self.cell_ref(row_idx, columns.id);
            if let Some((_, first)) = out.iter().find(|(r, _)| r.id == id) {
                return Err(self.bad_cell(
                    row_idx,
                    columns.id,
                    format!("requirement {id} is listed twice (first in cell {first})"),
                ));
            }
            let item = text(row, columns.item);
            if item.is_empty() {
                return Err(self.bad_cell(
                    row_idx,
                    columns.item,
                    format!("requirement {id} has no Item text"),
                ));
            }
            let detail = text(row, columns.detail);
            let obligation = self.obligation(row_idx, row, obligation_col, &item, &detail)?;
            out.push((
                TomRequirement {
                    sheet: self.sheet,
                    category: category.clone(),
                    wire: wire_evidence(&id).unwrap_or(WireEvidence::Manual),
                    id,
                    item,
                    detail,
                    obligation,
                },
                id_cell,
            ));
        }
        if out.is_empty() {
            return Err(TomError::NoRequirements {
                path: self.path.to_owned(),
                sheet: self.name.to_owned(),
                header_cell: self.cell_ref(header_row, columns.id),
            });
        }
        Ok(out.into_iter().map(|(r, _)| r).collect())
    }

    /// The header row (range-relative) and its columns: the first row, among the top
    /// [`HEADER_SEARCH_ROWS`], with an id header and an Item header.
    fn header(&self) -> Result<(usize, Columns), TomError> {
        let mut best_missing = "'Category / Requirement'";
        for (row_idx, row) in self.range.rows().enumerate().take(HEADER_SEARCH_ROWS) {
            let find = |names: &[&str]| -> Vec<usize> {
                row.iter()
                    .enumerate()
                    .filter(|(_, cell)| names.contains(&header_key(&cell_text(cell)).as_str()))
                    .map(|(col, _)| col)
                    .collect()
            };
            let id = find(&["category/requirement", "requirement", "requirementid", "id"]);
            let Some(&id) = id.first() else { continue };
            let Some(&item) = find(&["item"]).first() else {
                best_missing = "'Item'";
                continue;
            };
            let Some(&detail) = find(&["detail", "details"]).first() else {
                best_missing = "'Detail'";
                continue;
            };
            let obligation = find(&["type", "must/should", "obligation"]);
            if obligation.is_empty() {
                best_missing = "'Type' (Must/Should)";
                continue;
            }
            return Ok((
                row_idx,
                Columns {
                    id,
                    item,
                    detail,
                    obligation,
                },
            ));
        }
        Err(TomError::MissingHeader {
            path: self.path.to_owned(),
            sheet: self.name.to_owned(),
            missing: best_missing.to_owned(),
        })
    }

    /// The Must/Should column: the first candidate holding Must or Should in some requirement
    /// row (the checklist has a second "Type" column holding `Req`), else the first candidate.
    fn obligation_column(&self, columns: &Columns, rows: &[(usize, &[Data])]) -> usize {
        columns
            .obligation
            .iter()
            .copied()
            .find(|col| {
                rows.iter()
                    .any(|(_, row)| parse_obligation(&text(row, *col)).is_some())
            })
            .unwrap_or(columns.obligation[0])
    }

    /// The row's Must/Should: its Type cell, or when that is blank the item's (then the
    /// detail's) first MUST or SHOULD.
    fn obligation(
        &self,
        row_idx: usize,
        row: &[Data],
        col: usize,
        item: &str,
        detail: &str,
    ) -> Result<Obligation, TomError> {
        let value = text(row, col);
        if let Some(obligation) = parse_obligation(&value) {
            return Ok(obligation);
        }
        if !value.is_empty() {
            return Err(self.bad_cell(
                row_idx,
                col,
                format!("Type is {value:?}, expected Must or Should"),
            ));
        }
        keyword_obligation(item)
            .or_else(|| keyword_obligation(detail))
            .ok_or_else(|| {
                self.bad_cell(
                    row_idx,
                    col,
                    "Type is blank and the item says neither MUST nor SHOULD".to_owned(),
                )
            })
    }

    fn bad_cell(&self, row: usize, col: usize, problem: String) -> TomError {
        TomError::BadCell {
            path: self.path.to_owned(),
            sheet: self.name.to_owned(),
            cell: self.cell_ref(row, col),
            problem,
        }
    }

    /// A1 reference of the cell at range-relative (row, col).
    fn cell_ref(&self, row: usize, col: usize) -> String {
        let abs_row = u64::from(self.origin.0) + row as u64;
        let abs_col = u64::from(self.origin.1) + col as u64;
        format!("{}{}", column_letters(abs_col), abs_row + 1)
    }
}

/// The trimmed text of a cell (empty when absent or blank); numbers and dates as displayed.
fn text(row: &[Data], col: usize) -> String {
    row.get(col).map(cell_text).unwrap_or_default()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        other => other.to_string().trim().to_owned(),
    }
}

/// A header cell reduced for comparison: lower case, no whitespace.
fn header_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Runs of whitespace as one space.
fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Must` or `Should`, in any case, with any surrounding spaces.
fn parse_obligation(value: &str) -> Option<Obligation> {
    match value.trim().to_ascii_lowercase().as_str() {
        "must" => Some(Obligation::Must),
        "should" => Some(Obligation::Should),
        _ => None,
    }
}

/// The first of the words MUST and SHOULD (upper case, as requirements write them) in `text`.
fn keyword_obligation(text: &str) -> Option<Obligation> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .find_map(|word| match word {
            "MUST" => Some(Obligation::Must),
            "SHOULD" => Some(Obligation::Should),
            _ => None,
        })
}

/// Spreadsheet column letters for a 0-based index (0 → A, 26 → AA).
fn column_letters(mut col: u64) -> String {
    let mut letters = Vec::new();
    loop {
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
    fn column_letters_are_spreadsheet_style() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(7), "H");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn obligation_from_wording() {
        assert_eq!(
            keyword_obligation("Events that MUST be audited"),
            Some(Obligation::Must)
        );
        assert_eq!(
            keyword_obligation("The client SHOULD use wildcards appropriately"),
            Some(Obligation::Should)
        );
        assert_eq!(keyword_obligation("must, in lower case, is prose"), None);
        assert_eq!(parse_obligation(" Should "), Some(Obligation::Should));
        assert_eq!(parse_obligation("Req"), None);
    }

    #[test]
    fn sheets_found_by_prefix() {
        let names = vec![
            "Cover".to_owned(),
            " 9A SMS generic".to_owned(),
            "9b - SMS PDS Client Reqs".to_owned(),
        ];
        assert_eq!(
            find_sheet(&names, TomSheet::Generic).as_deref(),
            Some(" 9A SMS generic")
        );
        assert_eq!(
            find_sheet(&names, TomSheet::Pds).as_deref(),
            Some("9b - SMS PDS Client Reqs")
        );
        assert_eq!(find_sheet(&names[..1], TomSheet::Pds), None);
    }
}
