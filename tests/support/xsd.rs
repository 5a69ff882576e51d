//! Schema validation of response bodies with xmllint against ../shared/spec/schemas: each
//! body is parsed, and its payload and Distribution Envelope (or, for a fault, the
//! itk:ToolkitErrorInfo) are validated against the official XSDs, as the fidelity test does
//! for generated messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use smsp_protocol::build::{distribution_envelope_to_xml, payload_to_xml};
use smsp_protocol::{Body, PayloadBody, WriteOptions, ns, parse_message};

fn schema_dir() -> PathBuf {
    super::shared_spec().join("schemas/Schemas")
}

fn payload_schema(body: &PayloadBody) -> Option<&'static str> {
    Some(match body.response_kind()?.root() {
        "verifyNHSNumberResponse-v1-0" => "COMT_MT000013GB01.xsd",
        "getNHSNumberResponse-v1-0" => "COMT_MT000014GB01.xsd",
        "getPatientDetailsResponse-v1-0" => "COMT_MT000016GB01.xsd",
        _ => return None,
    })
}

fn toolkit_error_info(soap: &str) -> Option<String> {
    let start = soap.find("<itk:ToolkitErrorInfo")?;
    let close = "</itk:ToolkitErrorInfo>";
    let end = soap[start..].find(close).map(|i| start + i + close.len())?;
    Some(soap[start..end].replacen(
        "<itk:ToolkitErrorInfo",
        &format!("<itk:ToolkitErrorInfo xmlns:itk=\"{}\"", ns::ITK),
        1,
    ))
}

/// Validates the SOAP response bodies among `bodies` (other bodies — 503 text, raw HTTP a
/// rule asked for — are skipped); panics with xmllint's report when one is invalid.
pub fn validate_bodies(bodies: &[Vec<u8>]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut by_schema: BTreeMap<&'static str, Vec<(PathBuf, String)>> = BTreeMap::new();
    let mut n = 0;
    for body in bodies {
        let Ok(parsed) = parse_message(body, None) else {
            continue;
        };
        let text = String::from_utf8_lossy(body).into_owned();
        let mut add = |schema: &'static str, xml: String| {
            n += 1;
            let path = dir.path().join(format!("{n:05}.xml"));
            std::fs::write(&path, &xml).expect("write");
            by_schema
                .entry(schema)
                .or_default()
                .push((path, text.clone()));
        };
        match &parsed.envelope.body {
            Body::DistributionEnvelope(de) => {
                if let Some(p) = de.payloads.items.first()
                    && let Some(schema) = payload_schema(&p.body)
                {
                    add(schema, payload_to_xml(&p.body, &WriteOptions::default()));
                }
                add(
                    "distributionEnvelope-v2-0.xsd",
                    distribution_envelope_to_xml(de, &WriteOptions::default()),
                );
            }
            Body::Fault(_) => {
                if let Some(info) = toolkit_error_info(&text) {
                    add("ITKMessageTypes-2010-05.xsd", info);
                }
            }
        }
    }
    let mut failures = Vec::new();
    for (schema, docs) in &by_schema {
        failures.extend(validate(&schema_dir().join(schema), docs));
    }
    assert!(
        failures.is_empty(),
        "{} response documents do not validate:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn validate(schema: &Path, docs: &[(PathBuf, String)]) -> Vec<String> {
    assert!(schema.is_file(), "schema {} is missing", schema.display());
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .args(docs.iter().map(|(p, _)| p))
        .output()
        .expect("xmllint is required (apt-get install libxml2-utils)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    docs.iter()
        .filter(|(p, _)| {
            let shown = p.display().to_string();
            !stderr.lines().any(|l| l == format!("{shown} validates"))
        })
        .map(|(p, body)| {
            let shown = p.display().to_string();
            let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with(&shown)).collect();
            format!(
                "{}:\n{}\n--- response ---\n{body}\n",
                schema.display(),
                errors.join("\n")
            )
        })
        .collect()
}
