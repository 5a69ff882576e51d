//! `tom-evidence.xlsx`: the TOM evidence pack as a workbook, written with rust_xlsxwriter.
//!
//! A "Cover" sheet says what was run against what, with which inputs, and how it came out; then
//! sheets "9a - SMS Generic Client Reqs" and "9b - SMS PDS Client Reqs" lay the requirement rows
//! out like the official checklist, with the run's compliance status, evidence and notes. The
//! workbook's creation time is the run's start, so rendering a record twice gives the same bytes.

use chrono::DateTime;
use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, DataValidation, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use super::{Compliance, TomError, TomRow, TomSection, TomSheet};
use crate::record::RunRecord;

/// The evidence workbook's file name in an output folder.
pub const TOM_XLSX: &str = "tom-evidence.xlsx";

/// The columns of sheets 9a and 9b: header and width (in characters).
const COLUMNS: [(&str, f64); 8] = [
    ("Requirement", 19.0),
    ("Item", 42.0),
    ("Detail", 62.0),
    ("Must/Should", 12.0),
    ("Compliance Status", 18.0),
    ("Evidence", 38.0),
    ("Notes", 44.0),
    ("Wire (W/P/M)", 13.0),
];

/// The column of the compliance status (0-based).
const STATUS_COL: u16 = 4;

/// What an unassessed row's notes say.
const NOT_ASSESSED: &str = "Not assessed by this run: attach documents, screenshots or a \
                            description of the process.";

/// Renders the TOM evidence workbook of `record`: the Cover sheet, then sheets 9a and 9b. A
/// record without a TOM section is laid out with the built-in requirements, every one needing
/// manual evidence. The same record always gives the same bytes.
pub fn render_tom_xlsx(record: &RunRecord) -> Result<Vec<u8>, TomError> {
    let builtin;
    let tom = match &record.tom {
        Some(tom) => tom,
        None => {
            builtin = TomSection::builtin();
            &builtin
        }
    };
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(record)?);

    cover(workbook.add_worksheet(), record, tom, &formats)?;
    for sheet in TomSheet::ALL {
        requirement_sheet(
            workbook.add_worksheet(),
            sheet,
            &tom.sheet_rows(sheet),
            &formats,
        )?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Document properties, created at the run's start.
fn properties(record: &RunRecord) -> Result<DocProperties, TomError> {
    let time_error = || TomError::Time {
        value: record.started.clone(),
    };
    let started = DateTime::parse_from_rfc3339(&record.started).map_err(|_| time_error())?;
    let created = ExcelDateTime::from_timestamp(started.timestamp()).map_err(|_| time_error())?;
    Ok(DocProperties::new()
        .set_title("TOM self-evaluation evidence")
        .set_subject("Spine Mini Services: checklist sheets 9a and 9b")
        .set_author(format!("{} {}", record.tool.name, record.tool.version))
        .set_comment("Rendered from run.json; the exchanged bytes are in evidence/.")
        .set_creation_datetime(&created))
}

/// The cell formats used.
struct Formats {
    title: Format,
    heading: Format,
    label: Format,
    text: Format,
    header: Format,
    category: Format,
    cell: Format,
    id: Format,
    status: [Format; 5],
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color("BFBFBF");
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            heading: Format::new().set_bold().set_font_size(12),
            label: Format::new().set_bold().set_align(FormatAlign::Top),
            text: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            header: cell.clone().set_bold().set_background_color("D9E1F2"),
            category: cell.clone().set_bold().set_background_color("F2F2F2"),
            id: cell.clone().set_bold(),
            status: Compliance::ALL.map(|status| status_format(&cell, status)),
            cell,
        }
    }

    fn status(&self, status: Compliance) -> &Format {
        let index = Compliance::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or(0);
        &self.status[index]
    }
}

/// A status cell: Yes green, No red, Partial amber, N/A plain, manual grey.
fn status_format(base: &Format, status: Compliance) -> Format {
    let (fill, font) = status_colours(status);
    base.clone()
        .set_bold()
        .set_background_color(fill)
        .set_font_color(font)
}

/// (fill, font) colours of a status.
fn status_colours(status: Compliance) -> (Color, Color) {
    match status {
        Compliance::Yes => (Color::RGB(0xC6EFCE), Color::RGB(0x006100)),
        Compliance::No => (Color::RGB(0xFFC7CE), Color::RGB(0x9C0006)),
        Compliance::Partial => (Color::RGB(0xFFEB9C), Color::RGB(0x9C5700)),
        Compliance::NotApplicable => (Color::RGB(0xFFFFFF), Color::RGB(0x000000)),
        Compliance::ManualEvidenceRequired => (Color::RGB(0xD9D9D9), Color::RGB(0x404040)),
    }
}

/// The Cover sheet: run, target, certificate, inputs, outcome counts, compliance counts.
fn cover(
    ws: &mut Worksheet,
    record: &RunRecord,
    tom: &TomSection,
    f: &Formats,
) -> Result<(), TomError> {
    ws.set_name("Cover")?;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 48)?;
    ws.set_column_width(2, 40)?;
    ws.set_column_width(3, 68)?;
    ws.set_column_width(4, 40)?;

    ws.write_string_with_format(0, 0, "TOM self-evaluation evidence", &f.title)?;
    ws.write_string(
        1,
        0,
        "Spine Mini Services, checklist sheets 9a and 9b, filled in from a conformance run.",
    )?;

    let certificate = record.target.client_certificate.as_ref();
    let none_presented = "(none presented)";
    let facts: [(&str, String); 9] = [
        (
            "Tool",
            format!("{} {}", record.tool.name, record.tool.version),
        ),
        ("Kind", record.kind.clone()),
        ("Run started", record.started.clone()),
        ("Run finished", record.finished.clone()),
        ("Target URL", record.target.url.clone()),
        (
            "Target description",
            record
                .target
                .description
                .clone()
                .unwrap_or_else(|| "(none given)".to_owned()),
        ),
        (
            "Client certificate DN",
            certificate.map_or_else(|| none_presented.to_owned(), |c| c.subject.clone()),
        ),
        (
            "Client certificate SHA-256",
            certificate.map_or_else(
                || none_presented.to_owned(),
                |c| c.sha256_fingerprint.clone(),
            ),
        ),
        ("Requirement rows from", tom.source.clone()),
    ];
    let mut row = 3;
    for (label, value) in &facts {
        ws.write_string_with_format(row, 0, *label, &f.label)?;
        ws.write_string_with_format(row, 1, value, &f.text)?;
        row += 1;
    }

    row += 1;
    ws.write_string_with_format(row, 0, "Inputs", &f.heading)?;
    row += 1;
    if record.inputs.is_empty() {
        ws.write_string(row, 0, "(no inputs recorded)")?;
        row += 1;
    } else {
        for (col, header) in ["Role", "Name", "Source", "SHA-256"].iter().enumerate() {
            ws.write_string_with_format(row, col as u16, *header, &f.header)?;
        }
        row += 1;
        for input in &record.inputs {
            for (col, value) in [&input.role, &input.name, &input.source, &input.sha256]
                .iter()
                .enumerate()
            {
                ws.write_string_with_format(row, col as u16, value.as_str(), &f.cell)?;
            }
            row += 1;
        }
    }

    row += 1;
    ws.write_string_with_format(row, 0, "Summary", &f.heading)?;
    row += 1;
    let summary = record.summary();
    for (label, count) in [
        ("Cases", summary.total),
        ("Passed", summary.passed),
        ("Failed", summary.failed),
        ("Errors", summary.errors),
        ("Skipped", summary.skipped),
        ("To check", summary.check),
    ] {
        ws.write_string_with_format(row, 0, label, &f.label)?;
        ws.write_number(row, 1, count as f64)?;
        row += 1;
    }

    row += 1;
    ws.write_string_with_format(row, 0, "Compliance", &f.heading)?;
    row += 1;
    for (col, header) in ["Status", "9a", "9b", "Total"].iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *header, &f.header)?;
    }
    row += 1;
    let counts = tom.compliance_counts();
    for status in Compliance::ALL {
        ws.write_string_with_format(row, 0, status.label(), f.status(status))?;
        ws.write_number_with_format(
            row,
            1,
            counts.get(TomSheet::Generic, status) as f64,
            &f.cell,
        )?;
        ws.write_number_with_format(row, 2, counts.get(TomSheet::Pds, status) as f64, &f.cell)?;
        ws.write_number_with_format(row, 3, counts.total(status) as f64, &f.cell)?;
        row += 1;
    }

    let unplaced = tom.unplaced_assessments();
    if !unplaced.is_empty() {
        row += 1;
        ws.write_string_with_format(row, 0, "Other requirements assessed", &f.heading)?;
        row += 1;
        ws.merge_range(
            row,
            0,
            row,
            3,
            "Assessments whose id is not a row of sheets 9a or 9b (an ITK transport rule, for \
             example), or whose id an earlier assessment already covers.",
            &f.text,
        )?;
        ws.set_row_height(row, 30)?;
        row += 1;
        for (col, header) in ["Requirement", "Compliance Status", "Evidence", "Notes"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(row, col as u16, *header, &f.header)?;
        }
        row += 1;
        for assessment in unplaced {
            ws.write_string_with_format(row, 0, &assessment.id, &f.id)?;
            ws.write_string_with_format(
                row,
                1,
                assessment.status.label(),
                f.status(assessment.status),
            )?;
            ws.write_string_with_format(row, 2, assessment.evidence.join("\n"), &f.cell)?;
            ws.write_string_with_format(row, 3, &assessment.notes, &f.cell)?;
            row += 1;
        }
    }

    row += 1;
    ws.write_string_with_format(row, 0, "How to read this workbook", &f.heading)?;
    row += 1;
    for line in [
        "Sheets 9a and 9b follow the layout of the official checklist's sheets. The compliance \
         status comes from what the run observed on the wire; \"Manual evidence required\" marks \
         a requirement a run cannot decide, for which the supplier attaches documents, \
         screenshots or process descriptions.",
        "Evidence names the run's cases, message ids and evidence files; the files are in the \
         run folder's evidence/ folder, each listed with its SHA-256 in \
         evidence/MANIFEST.sha256.",
        "Wire (W/P/M): W checkable on the wire, P partly checkable on the wire, M manual \
         evidence only.",
    ] {
        ws.merge_range(row, 0, row, 3, line, &f.text)?;
        ws.set_row_height(row, 45)?;
        row += 1;
    }
    Ok(())
}

/// Sheet 9a or 9b: a frozen, filtered header row, then the rows under their category headings.
fn requirement_sheet(
    ws: &mut Worksheet,
    sheet: TomSheet,
    rows: &[TomRow<'_>],
    f: &Formats,
) -> Result<(), TomError> {
    ws.set_name(sheet.sheet_name())?;
    let last_col = COLUMNS.len() as u16 - 1;
    for (col, (header, width)) in COLUMNS.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
        ws.write_string_with_format(0, col as u16, *header, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;

    let mut row: u32 = 1;
    let mut category: Option<&str> = None;
    for r in rows {
        let requirement = r.requirement;
        if !requirement.category.is_empty() && category != Some(requirement.category.as_str()) {
            ws.write_string_with_format(row, 0, &requirement.category, &f.category)?;
            for col in 1..=last_col {
                ws.write_blank(row, col, &f.category)?;
            }
            row += 1;
        }
        category = Some(&requirement.category);

        let (evidence, notes) = match r.assessment {
            Some(a) => (a.evidence.join("\n"), a.notes.as_str()),
            None => (String::new(), NOT_ASSESSED),
        };
        ws.write_string_with_format(row, 0, &requirement.id, &f.id)?;
        ws.write_string_with_format(row, 1, &requirement.item, &f.cell)?;
        ws.write_string_with_format(row, 2, &requirement.detail, &f.cell)?;
        ws.write_string_with_format(row, 3, requirement.obligation.label(), &f.cell)?;
        ws.write_string_with_format(row, STATUS_COL, r.status.label(), f.status(r.status))?;
        ws.write_string_with_format(row, 5, evidence, &f.cell)?;
        ws.write_string_with_format(row, 6, notes, &f.cell)?;
        ws.write_string_with_format(row, 7, requirement.wire.letter(), &f.cell)?;
        row += 1;
    }

    let last_row = row.saturating_sub(1).max(1);
    ws.autofilter(0, 0, last_row, last_col)?;
    // A person completing the pack picks a status from a list, and its colour follows the
    // choice: each status has a rule giving the same colours as the rendered cells.
    let labels = Compliance::ALL.map(Compliance::label);
    ws.add_data_validation(
        1,
        STATUS_COL,
        last_row,
        STATUS_COL,
        &DataValidation::new()
            .allow_list_strings(&labels)?
            .ignore_blank(true),
    )?;
    for status in Compliance::ALL {
        let rule = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::EqualTo(status.label()))
            .set_format(f.status(status).clone());
        ws.add_conditional_format(1, STATUS_COL, last_row, STATUS_COL, &rule)?;
    }
    Ok(())
}
