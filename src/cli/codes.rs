//! `smsp codes`: lists the response-code table, from the embedded default or from the official
//! spreadsheet given with `--codes`, as an aligned text table or as JSON.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use smsp_response_codes::{CodeSystem, ResponseCodeTable, Service};

use super::{CliError, emit};

/// Options of `smsp codes`.
#[derive(Debug, Args)]
pub(crate) struct CodesArgs {
    /// Read the codes from this workbook (the official 'SMSP Response Codes - v1.0.xlsx') instead of
    /// the embedded table.
    #[arg(long, value_name = "PATH")]
    codes: Option<PathBuf>,

    /// Print JSON: {source, code_systems, codes[{code, description, detail, services[{service, oid}]}]}
    /// with one element per distinct code.
    #[arg(long)]
    json: bool,
}

/// Runs `smsp codes`.
pub(crate) fn run(args: &CodesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let (table, source) = match &args.codes {
        Some(path) => (
            ResponseCodeTable::load_xlsx(path).map_err(CliError::codes)?,
            path.display().to_string(),
        ),
        None => (ResponseCodeTable::embedded(), "embedded".to_owned()),
    };
    if args.json {
        let mut text = serde_json::to_string_pretty(&to_json(&table, &source))
            .map_err(|e| CliError::from(std::io::Error::other(e)))?;
        text.push('\n');
        emit(out, &text)
    } else {
        emit(out, &to_text(&table, &source))
    }
}

/// The `--json` document. Field order is the order printed, so it is spelled out as structs.
#[derive(Debug, Serialize)]
struct CodesJson<'a> {
    /// "embedded" or the workbook path.
    source: &'a str,
    code_systems: &'a [CodeSystem],
    /// One element per distinct code.
    codes: Vec<CodeJson<'a>>,
}

/// One distinct code with every service (and its OID) defining it.
#[derive(Debug, Serialize)]
struct CodeJson<'a> {
    code: &'a str,
    description: &'a str,
    detail: Option<&'a str>,
    services: Vec<ServiceJson<'a>>,
}

/// A service defining a code, with the OID to pair the code with.
#[derive(Debug, Serialize)]
struct ServiceJson<'a> {
    service: Service,
    oid: Option<&'a str>,
}

/// Builds the JSON document from the table.
fn to_json<'a>(table: &'a ResponseCodeTable, source: &'a str) -> CodesJson<'a> {
    let codes = table
        .distinct_codes()
        .into_iter()
        .map(|d| CodeJson {
            code: d.code(),
            description: &d.entry.description,
            detail: d.entry.detail.as_deref(),
            services: d
                .services
                .iter()
                .map(|&service| ServiceJson {
                    service,
                    oid: table.oid_for(service),
                })
                .collect(),
        })
        .collect();
    CodesJson {
        source,
        code_systems: table.code_systems(),
        codes,
    }
}

/// An aligned table with one row per (code, service) entry, grouped by service, so a reader can see
/// at once which OID to pair a code with.
fn to_text(table: &ResponseCodeTable, source: &str) -> String {
    let header = ["CODE", "SERVICE", "CODE SYSTEM OID", "DESCRIPTION"];
    let rows: Vec<[&str; 4]> = table
        .iter()
        .map(|e| {
            [
                e.code.as_str(),
                e.service.name(),
                table.oid_for(e.service).unwrap_or("-"),
                e.description.as_str(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let push_row = |text: &mut String, cells: &[&str; 4]| {
        let line = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect::<Vec<_>>()
            .join("  ");
        text.push_str(line.trim_end());
        text.push('\n');
    };
    let mut text = String::new();
    push_row(&mut text, &header);
    let mut previous: Option<Service> = None;
    for (row, entry) in rows.iter().zip(table.iter()) {
        // A blank line between services keeps the groups readable.
        if previous.is_some_and(|p| p != entry.service) {
            text.push('\n');
        }
        previous = Some(entry.service);
        push_row(&mut text, row);
    }
    text.push_str(&format!(
        "\n{} entries, {} distinct codes (source: {source})\n",
        table.len(),
        table.distinct_codes().len()
    ));
    text.push_str(
        "note: on the wire, SMSP-* codes carry the OID of the service answering (PDS, CP-IS or SCR), \
         never the Generic OID\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn text_table_is_aligned_and_grouped() {
        let text = to_text(&ResponseCodeTable::embedded(), "embedded");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("CODE "));
        let oid_col = lines[0].find("CODE SYSTEM OID").unwrap();
        let row = lines.iter().find(|l| l.starts_with("DEMOG-0017")).unwrap();
        assert_eq!(
            row.find("2.16.840.1.113883.2.1.3.2.4.17.285"),
            Some(oid_col)
        );
        assert!(row.ends_with("Superceding NHS number returned"));
        assert!(text.contains("25 entries, 20 distinct codes (source: embedded)"));
    }

    #[test]
    fn json_lists_distinct_codes_with_services() {
        let table = ResponseCodeTable::embedded();
        let value = serde_json::to_value(to_json(&table, "embedded")).unwrap();
        let codes = value["codes"].as_array().unwrap();
        assert_eq!(codes.len(), 20);
        assert_eq!(codes[1]["code"], "SMSP-0001");
        assert_eq!(
            codes[1]["services"],
            json!([
                {"service": "Generic", "oid": "2.16.840.1.113883.2.1.3.2.4.17.500"},
                {"service": "PDS", "oid": "2.16.840.1.113883.2.1.3.2.4.17.285"},
            ])
        );
        assert_eq!(
            value["code_systems"][1],
            json!({"service": "CP-IS", "oid": "2.16.840.1.113883.2.1.3.2.4.17.499"})
        );
    }
}
