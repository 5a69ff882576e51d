//! Schema fidelity: a fixed set of generated messages (the same on every run) is written by
//! the builder and validated with xmllint against the official schemas in
//! ../shared/spec/schemas:
//!
//! * each payload against its message type (QUPA_MT000001–5GB01 by request root,
//!   COMT_MT000013/14/16GB01 by response root);
//! * each Distribution Envelope against distributionEnvelope-v2-0.xsd;
//! * each fault's `itk:ToolkitErrorInfo` against ITKMessageTypes-2010-05.xsd, the official
//!   schema that declares the global element (ITKDatatypes-2010-05.xsd, which it includes,
//!   only declares the type).
//!
//! Both the compact (wire) and the pretty form are validated. The set is checked to cover
//! every optional field at least once, so a builder bug in a rarely used branch cannot hide.
//!
//! xmllint comes from Debian's libxml2-utils; without it the test fails rather than skips.
//! Set SMSP_FIDELITY_KEEP=<dir> to keep the generated documents for inspection.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use smsp_protocol::build::{distribution_envelope_to_xml, payload_to_xml};
use smsp_protocol::*;
use support::{Generator, Kind};

/// Messages generated per kind (12 kinds); the full getPatientDetails response and the fault,
/// which have the most optional fields and combinations, get twice as many.
const PER_KIND: usize = 25;
/// The least number of messages the fidelity run must validate.
const MIN_MESSAGES: usize = 200;

const SCHEMA_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/spec/schemas/Schemas"
);

/// The deterministic message set: `PER_KIND` of every kind, in a fixed order.
fn generated_set() -> Vec<(Kind, Envelope)> {
    let mut generator = Generator::deterministic();
    let mut out = Vec::new();
    for kind in Kind::all() {
        let strategy = support::envelope(kind);
        for _ in 0..count_for(kind) {
            out.push((kind, generator.sample(&strategy)));
        }
    }
    out
}

fn count_for(kind: Kind) -> usize {
    if matches!(
        kind,
        Kind::FullResponse(ResponseKind::GetPatientDetails) | Kind::Fault
    ) {
        2 * PER_KIND
    } else {
        PER_KIND
    }
}

/// Messages made by the high-level constructors in `messages` (what the simulator and
/// harness send) around generated content: every request operation, and every response
/// kind full and bare, for every operation it answers.
fn constructor_set() -> Vec<(Kind, Envelope)> {
    use smsp_protocol::messages::{self, ResponseContent, Sender};
    let mut generator = Generator::deterministic();
    let clock = FixedClock::stepping(time::macros::datetime!(2026-03-02 09:30:00 UTC), 1000);
    let ids = SeededIds::new(7);
    let mut out = Vec::new();
    for op in Operation::ALL {
        for _ in 0..3 {
            let query = generator.sample(&support::trace_query(op));
            let env = messages::request(op, query, &Sender::default(), &clock, &ids);
            out.push((Kind::Request(op), env));
        }
        let code = "DEMOG-0001";
        out.push((
            Kind::BareResponse(op.response_kind()),
            messages::response(op, ResponseContent::bare(op, code), None, &ids),
        ));
        let content = match op.response_kind() {
            ResponseKind::VerifyNhsNumber => ResponseContent::Verify {
                code: "SMSP-0000".to_owned(),
                valid_identifier: Some(ValidIdentifier {
                    verified: true,
                    nhs_number: Identifier::nhs_number(generator.sample(&support::nhs_number())),
                }),
            },
            ResponseKind::GetNhsNumber => ResponseContent::NhsNumber {
                code: "SMSP-0000".to_owned(),
                patient: Some(generator.sample(&support::patient_identifiers())),
            },
            ResponseKind::GetPatientDetails => ResponseContent::PatientDetails {
                code: "SMSP-0000".to_owned(),
                patient: Some(Box::new(generator.sample(&support::patient_record()))),
            },
        };
        out.push((
            Kind::FullResponse(op.response_kind()),
            messages::response(op, content, Some(&ids.next_id()), &ids),
        ));
    }
    for code in [
        FaultCode::Client,
        FaultCode::Server,
        FaultCode::MustUnderstand,
        FaultCode::VersionMismatch,
    ] {
        out.push((
            Kind::Fault,
            messages::fault(
                code,
                ItkErrorCode::InvalidMessage,
                "Invalid Message",
                Some("diagnostic <detail> & more"),
                None,
                &ids,
            ),
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Validation with xmllint
// ---------------------------------------------------------------------------------------

/// One document to validate.
struct Doc {
    /// Schema file name in SCHEMA_DIR.
    schema: &'static str,
    /// File name (unique).
    name: String,
    xml: String,
}

/// The schema of a payload, chosen by its root element.
fn payload_schema(body: &PayloadBody) -> &'static str {
    let root = match body {
        PayloadBody::Request(r) => r.operation.request_root(),
        other => other
            .response_kind()
            .expect("generated payloads are PDS requests or responses")
            .root(),
    };
    match root {
        "verifyNHSNumberRequest-v1-0" => "QUPA_MT000001GB01.xsd",
        "getNHSNumberRequest-v1-0" => "QUPA_MT000002GB01.xsd",
        "getPatientDetailsByNHSNumberRequest-v1-0" => "QUPA_MT000003GB01.xsd",
        "getPatientDetailsBySearchRequest-v1-0" => "QUPA_MT000004GB01.xsd",
        "getPatientDetails-v1-0" => "QUPA_MT000005GB01.xsd",
        "verifyNHSNumberResponse-v1-0" => "COMT_MT000013GB01.xsd",
        "getNHSNumberResponse-v1-0" => "COMT_MT000014GB01.xsd",
        "getPatientDetailsResponse-v1-0" => "COMT_MT000016GB01.xsd",
        other => panic!("no schema for payload root {other}"),
    }
}

/// `itk:ToolkitErrorInfo` cut out of a built fault, as a standalone document.
fn toolkit_error_info(soap: &str) -> String {
    let start = soap
        .find("<itk:ToolkitErrorInfo")
        .unwrap_or_else(|| panic!("no itk:ToolkitErrorInfo in\n{soap}"));
    let close = "</itk:ToolkitErrorInfo>";
    let end = soap[start..]
        .find(close)
        .map(|i| start + i + close.len())
        .unwrap_or_else(|| panic!("unclosed itk:ToolkitErrorInfo in\n{soap}"));
    soap[start..end].replacen(
        "<itk:ToolkitErrorInfo",
        &format!("<itk:ToolkitErrorInfo xmlns:itk=\"{}\"", ns::ITK),
        1,
    )
}

/// The documents of one message: payload and DE, or the fault detail; compact and pretty.
fn documents(index: usize, kind: Kind, envelope: &Envelope) -> Vec<Doc> {
    let mut docs = Vec::new();
    for (form, options) in [
        ("compact", WriteOptions::default()),
        ("pretty", WriteOptions::pretty()),
    ] {
        let stem = format!("{index:03}-{}-{form}", kind.label());
        match &envelope.body {
            Body::DistributionEnvelope(de) => {
                let payload = &de.payloads.items[0].body;
                docs.push(Doc {
                    schema: payload_schema(payload),
                    name: format!("{stem}-payload.xml"),
                    xml: payload_to_xml(payload, &options),
                });
                docs.push(Doc {
                    schema: "distributionEnvelope-v2-0.xsd",
                    name: format!("{stem}-de.xml"),
                    xml: distribution_envelope_to_xml(de, &options),
                });
            }
            Body::Fault(_) => docs.push(Doc {
                schema: "ITKMessageTypes-2010-05.xsd",
                name: format!("{stem}-toolkit-error-info.xml"),
                xml: toolkit_error_info(&to_xml_with(envelope, &options)),
            }),
        }
    }
    docs
}

/// Fails the test, with the remedy, when xmllint is not installed.
fn require_xmllint() {
    match Command::new("xmllint").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "xmllint --version failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!(
            "xmllint is required for the schema fidelity tests and could not be run ({e}); \
             install it with `apt-get install libxml2-utils`"
        ),
    }
}

/// Validates `docs` (all against `schema`) in one xmllint run; returns one failure report
/// per document that did not validate, with xmllint's errors and the document.
fn validate(dir: &Path, schema: &str, docs: &[&Doc]) -> Vec<String> {
    let schema_path = Path::new(SCHEMA_DIR).join(schema);
    assert!(
        schema_path.is_file(),
        "schema {} is missing",
        schema_path.display()
    );
    let paths: Vec<PathBuf> = docs
        .iter()
        .map(|d| {
            let p = dir.join(&d.name);
            std::fs::write(&p, &d.xml).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
            p
        })
        .collect();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema_path)
        .args(&paths)
        .output()
        .expect("run xmllint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut failures = Vec::new();
    for (doc, path) in docs.iter().zip(&paths) {
        let shown = path.display().to_string();
        let validated = stderr.lines().any(|l| l == format!("{shown} validates"));
        if !validated {
            let errors: Vec<&str> = stderr
                .lines()
                .filter(|l| l.starts_with(shown.as_str()))
                .collect();
            failures.push(format!(
                "{} against {schema}:\n{}\n--- document ---\n{}\n",
                doc.name,
                errors.join("\n"),
                doc.xml
            ));
        }
    }
    if failures.is_empty() && !out.status.success() {
        failures.push(format!(
            "xmllint exited with {} against {schema}:\n{stderr}",
            out.status
        ));
    }
    failures
}

/// Validates every document, one xmllint run per schema; returns all failure reports.
fn validate_all(dir: &Path, docs: &[Doc]) -> Vec<String> {
    let mut by_schema: BTreeMap<&str, Vec<&Doc>> = BTreeMap::new();
    for d in docs {
        by_schema.entry(d.schema).or_default().push(d);
    }
    by_schema
        .into_iter()
        .flat_map(|(schema, docs)| validate(dir, schema, &docs))
        .collect()
}

fn work_dir() -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("SMSP_FIDELITY_KEEP") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir).expect("create SMSP_FIDELITY_KEEP dir");
            (None, dir)
        }
        None => {
            let tmp = tempfile::tempdir().expect("temp dir");
            let path = tmp.path().to_owned();
            (Some(tmp), path)
        }
    }
}

#[test]
fn generated_messages_are_valid_against_the_official_schemas() {
    require_xmllint();
    let set = generated_set();
    assert!(
        set.len() >= MIN_MESSAGES,
        "only {} messages generated",
        set.len()
    );
    let constructed = constructor_set();
    let docs: Vec<Doc> = set
        .iter()
        .chain(&constructed)
        .enumerate()
        .flat_map(|(i, (kind, env))| documents(i, *kind, env))
        .collect();
    let (_keep, dir) = work_dir();
    let failures = validate_all(&dir, &docs);
    assert!(
        failures.is_empty(),
        "{} of {} documents are schema-invalid:\n\n{}",
        failures.len(),
        docs.len(),
        failures.join("\n")
    );
    let messages_validated = set.len() + constructed.len();
    assert!(messages_validated >= MIN_MESSAGES);
    eprintln!(
        "validated {messages_validated} messages ({} generated, {} from the constructors; \
         {} documents) against the official schemas",
        set.len(),
        constructed.len(),
        docs.len()
    );
}

#[test]
fn the_validation_catches_schema_violations() {
    // Guards against a vacuous pass: each kind of document, broken in a way its schema
    // forbids, must be reported.
    require_xmllint();
    let mut generator = Generator::deterministic();
    let request = generator.sample(&support::envelope(Kind::Request(Operation::GetNhsNumber)));
    let fault = generator.sample(&support::envelope(Kind::Fault));
    let mut docs = documents(0, Kind::Request(Operation::GetNhsNumber), &request);
    docs.extend(documents(1, Kind::Fault, &fault));
    let mut broken = Vec::new();
    for d in &docs {
        let xml = match d.schema {
            // semanticsText is fixed to the parameter's element name.
            "QUPA_MT000002GB01.xsd" => d.xml.replacen(
                "<semanticsText>Person.Gender</semanticsText>",
                "<semanticsText>Person.Sex</semanticsText>",
                1,
            ),
            // trackingid must be an upper-case UUID.
            "distributionEnvelope-v2-0.xsd" => d.xml.replacen("trackingid=\"", "trackingid=\"x", 1),
            // ErrorText is required.
            "ITKMessageTypes-2010-05.xsd" => d
                .xml
                .replacen("<itk:ErrorText>", "<itk:ErrorTextX>", 1)
                .replacen("</itk:ErrorText>", "</itk:ErrorTextX>", 1),
            other => panic!("unexpected schema {other}"),
        };
        assert_ne!(xml, d.xml, "the breakage applies to {}", d.name);
        broken.push(Doc {
            schema: d.schema,
            name: format!("broken-{}", d.name),
            xml,
        });
    }
    // payload, DE and fault detail, compact and pretty.
    assert_eq!(broken.len(), 6, "every breakage applies to its documents");
    let (_keep, dir) = work_dir();
    let failures = validate_all(&dir, &broken);
    assert_eq!(
        failures.len(),
        broken.len(),
        "xmllint must reject every broken document; it reported:\n{}",
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Coverage of optional fields
// ---------------------------------------------------------------------------------------

/// The features of one message, as names counted across the set.
fn features(envelope: &Envelope, out: &mut BTreeMap<String, usize>) {
    let mut add = |f: String| *out.entry(f).or_default() += 1;
    let a = &envelope.header.addressing;
    let role = match &envelope.body {
        Body::Fault(_) => "fault",
        Body::DistributionEnvelope(_) if envelope.pds_request().is_some() => "request",
        Body::DistributionEnvelope(_) => "response",
    };
    for (name, present) in [
        ("wsa:To", a.to.is_some()),
        ("wsa:From", a.from.is_some()),
        ("wsa:ReplyTo", a.reply_to.is_some()),
        ("wsa:FaultTo", a.fault_to.is_some()),
        ("wsa:RelatesTo", a.relates_to.is_some()),
        (
            "foreign header",
            !envelope.header.foreign_headers.is_empty(),
        ),
    ] {
        if present {
            add(format!("{role}: {name}"));
        }
    }
    if let Some(ts) = envelope
        .header
        .security
        .as_ref()
        .and_then(|s| s.timestamp.as_ref())
    {
        add(format!(
            "wsu:Timestamp/@wsu:Id {}",
            presence(ts.id.is_some())
        ));
    }

    match &envelope.body {
        Body::Fault(f) => {
            add(format!("faultcode {}", f.code.local_name()));
            add(format!("faultactor {}", presence(f.actor.is_some())));
            let d = f.detail.as_ref().expect("generated faults carry detail");
            add(format!("ErrorCode {}", d.error_code.as_str()));
            add(format!(
                "ErrorCode/@codeSystem {}",
                presence(d.code_system.is_some())
            ));
            add(format!(
                "ErrorDiagnosticText {}",
                presence(d.diagnostic_text.is_some())
            ));
        }
        Body::DistributionEnvelope(de) => {
            let h = &de.header;
            add(format!(
                "addresslist {}",
                presence(h.address_list.is_some())
            ));
            add(format!(
                "senderAddress {}",
                presence(h.sender_address.is_some())
            ));
            if h.sender_address
                .as_ref()
                .is_some_and(|s| s.address_type.is_some())
            {
                add("senderAddress/@type".into());
            }
            add(format!(
                "handlingSpecification {}",
                presence(h.handling_specification.is_some())
            ));
            match &h.audit_identity {
                Some(ids) => add(format!("{role}: auditIdentity with {} ids", ids.len())),
                None => add(format!("{role}: no auditIdentity")),
            }
            let item = &h.manifest.as_ref().expect("manifest").items[0];
            for (name, v) in [
                ("metadata", item.metadata),
                ("base64", item.base64),
                ("compressed", item.compressed),
                ("encrypted", item.encrypted),
            ] {
                add(format!("manifestitem/@{name} {}", presence(v.is_some())));
            }
            let payload = &de.payloads.items[0];
            add(format!(
                "payload/@filename {}",
                presence(payload.filename.is_some())
            ));
            payload_features(&payload.body, h.service.as_deref(), &mut add);
        }
    }

    let xml = to_xml(envelope);
    for (name, needle) in [
        ("escaped &", "&amp;"),
        ("escaped <", "&lt;"),
        ("escaped >", "&gt;"),
        ("escaped \" in an attribute", "&quot;"),
        ("' in a value", "'"),
        ("non-ASCII é", "é"),
        ("non-ASCII Ł", "Ł"),
    ] {
        // The XML declaration is single-quoted; look past it for '.
        let body = &xml[xml.find("?>").map_or(0, |i| i + 2)..];
        if body.contains(needle) {
            add(format!("text: {name}"));
        }
    }
}

fn presence(present: bool) -> &'static str {
    if present { "present" } else { "absent" }
}

fn payload_features(body: &PayloadBody, service: Option<&str>, add: &mut impl FnMut(String)) {
    match body {
        PayloadBody::Request(r) => {
            let op = r.operation;
            let q = &r.query;
            let present = [
                (Parameter::DateOfBirth, q.date_of_birth.is_some()),
                (Parameter::Gender, q.gender.is_some()),
                (Parameter::LocalIdentifier, q.local_identifier.is_some()),
                (Parameter::NhsNumber, q.nhs_number.is_some()),
                (Parameter::Name, q.name.is_some()),
                (Parameter::Postcode, q.postcode.is_some()),
            ];
            for (p, is_present) in present {
                add(format!(
                    "{op}: {} {}",
                    p.element_name(),
                    presence(is_present)
                ));
            }
            if let Some(n) = q.name.as_ref().map(|p| &p.value) {
                add(format!("{op}: Person.Name given {}", n.given.len()));
                add(format!(
                    "{op}: Person.Name family {}",
                    presence(n.family.is_some())
                ));
                if n.name_use.is_some() {
                    add(format!("{op}: Person.Name/@use"));
                }
            }
            if let Some(d) = &q.date_of_birth {
                add(format!("DOB with {} digits", d.value.len()));
            }
            if let Some(g) = &q.gender {
                add(format!("gender {}", g.value.code));
            }
        }
        PayloadBody::VerifyNhsNumberResponse(r) => match &r.valid_identifier {
            Some(vi) => add(format!("verify response verified={}", vi.verified)),
            None => add("verify response bare".into()),
        },
        PayloadBody::GetNhsNumberResponse(r) => match &r.patient {
            Some(p) => add(format!(
                "getNHSNumber response local id {}",
                presence(p.local_identifier.is_some())
            )),
            None => add("getNHSNumber response bare".into()),
        },
        PayloadBody::GetPatientDetailsResponse(r) => {
            add(format!(
                "getPatientDetails response for {}",
                service.unwrap_or("?")
            ));
            let Some(p) = &r.patient else {
                add("getPatientDetails response bare".into());
                return;
            };
            add(format!(
                "patient local id {}",
                presence(p.ids.local_identifier.is_some())
            ));
            match &p.name {
                Some(n) => {
                    add(format!("name/prefix {}", presence(n.prefix.is_some())));
                    add(format!("name/given x{}", n.given.len()));
                    add(format!("name/family {}", presence(n.family.is_some())));
                    add(format!("name/@use {}", presence(n.name_use.is_some())));
                }
                None => add("name absent".into()),
            }
            add(format!("{} addresses", p.addresses.len()));
            for a in &p.addresses {
                add(format!(
                    "addr use {}",
                    a.address_use.as_deref().unwrap_or("none")
                ));
                address_features("addr", a, add);
            }
            add(format!("{} telecoms", p.telecoms.len().min(2)));
            for t in &p.telecoms {
                telecom_features("telecom", t, add);
            }
            let Some(pp) = &p.person else {
                add("patientPerson absent".into());
                return;
            };
            add(format!(
                "administrativeGenderCode {}",
                presence(pp.gender.is_some())
            ));
            match &pp.birth_time {
                Some(b) if b.len() > 8 => add("birthTime with a time".into()),
                Some(b) if b.len() == 8 => add("birthTime full date".into()),
                Some(_) => add("birthTime partial date".into()),
                None => add("birthTime absent".into()),
            }
            match &pp.deceased_time {
                Some(d) if d.len() >= 8 => add("deceasedTime full date".into()),
                Some(_) => add("deceasedTime partial date".into()),
                None => add("deceasedTime absent".into()),
            }
            let Some(gp) = &pp.gp_practice else {
                add("gPPractice absent".into());
                return;
            };
            match &gp.address {
                Some(a) => {
                    add("gPPractice/addr".into());
                    assert!(a.address_use.is_none(), "GP practice address has no use");
                    address_features("gPPractice/addr", a, add);
                }
                None => add("gPPractice/addr absent".into()),
            }
            match &gp.telecom {
                Some(t) => telecom_features("gPPractice/telecom", t, add),
                None => add("gPPractice/telecom absent".into()),
            }
            match &gp.organization {
                Some(o) => {
                    add(format!(
                        "locationOrganization/id {}",
                        presence(o.id.is_some())
                    ));
                    add(format!(
                        "locationOrganization/name {}",
                        presence(o.name.is_some())
                    ));
                }
                None => add("locationOrganization absent".into()),
            }
        }
        other => panic!("unexpected generated payload {other:?}"),
    }
}

fn address_features(at: &str, a: &PostalAddress, add: &mut impl FnMut(String)) {
    assert_eq!(
        a.lines.len(),
        5,
        "AD.NHS.AddressType2 has five street lines"
    );
    add(format!(
        "{at}/postalCode {}",
        presence(a.postal_code.is_some())
    ));
    if a.lines.iter().any(String::is_empty) {
        add(format!("{at} with an empty street line"));
    }
}

fn telecom_features(at: &str, t: &Telecom, add: &mut impl FnMut(String)) {
    add(at.to_owned());
    if let Some(u) = &t.telecom_use {
        add(format!(
            "{at}/@use {}",
            if u.contains(' ') { "set" } else { "single" }
        ));
    }
    if let Some(v) = &t.value {
        add(format!("{at}/@value {}", &v[..v.find(':').unwrap_or(0)]));
    }
    for p in &t.useable_periods {
        add(format!(
            "{at}/useablePeriod {}{}",
            if p.low.is_some() { "low" } else { "" },
            if p.high.is_some() { "+high" } else { "" }
        ));
    }
}

/// Every feature the set must show at least once.
fn expected_features() -> Vec<String> {
    let mut f: Vec<String> = Vec::new();
    let mut push = |s: &str| f.push(s.to_owned());
    for role in ["request", "response", "fault"] {
        push(&format!("{role}: wsa:RelatesTo"));
    }
    for name in [
        "wsa:To",
        "wsa:From",
        "wsa:ReplyTo",
        "wsa:FaultTo",
        "foreign header",
    ] {
        push(&format!("request: {name}"));
    }
    push("response: wsa:To");
    for p in ["present", "absent"] {
        for name in [
            "wsu:Timestamp/@wsu:Id",
            "faultactor",
            "ErrorCode/@codeSystem",
            "ErrorDiagnosticText",
            "addresslist",
            "senderAddress",
            "handlingSpecification",
            "manifestitem/@metadata",
            "manifestitem/@base64",
            "manifestitem/@compressed",
            "manifestitem/@encrypted",
            "payload/@filename",
            "getNHSNumber response local id",
            "patient local id",
            "name/prefix",
            "name/family",
            "name/@use",
            "addr/postalCode",
            "administrativeGenderCode",
            "locationOrganization/id",
            "locationOrganization/name",
        ] {
            push(&format!("{name} {p}"));
        }
    }
    push("senderAddress/@type");
    for n in 1..=4 {
        push(&format!("request: auditIdentity with {n} ids"));
    }
    push("response: no auditIdentity");
    push("response: auditIdentity with 1 ids");
    for code in ["Client", "Server", "MustUnderstand", "VersionMismatch"] {
        push(&format!("faultcode {code}"));
    }
    for code in ["1000", "2100", "2200", "3000"] {
        push(&format!("ErrorCode {code}"));
    }
    for op in Operation::ALL {
        for p in Parameter::ALL {
            let name = p.element_name();
            match op.cardinality(p) {
                Cardinality::Required => push(&format!("{op}: {name} present")),
                Cardinality::Optional => {
                    push(&format!("{op}: {name} present"));
                    push(&format!("{op}: {name} absent"));
                }
                Cardinality::NotAllowed => {}
            }
        }
        push(&format!("{op}: Person.Name given 0"));
        push(&format!("{op}: Person.Name given 1"));
        push(&format!("{op}: Person.Name family present"));
        if !op.name_use_prohibited() {
            push(&format!("{op}: Person.Name/@use"));
        }
    }
    for digits in [4, 6, 8] {
        push(&format!("DOB with {digits} digits"));
    }
    for precision in ["partial date", "full date", "with a time"] {
        push(&format!("birthTime {precision}"));
    }
    push("birthTime absent");
    push("deceasedTime partial date");
    push("deceasedTime full date");
    for code in ["0", "1", "2", "9"] {
        push(&format!("gender {code}"));
    }
    push("verify response verified=true");
    push("verify response verified=false");
    push("verify response bare");
    push("getNHSNumber response bare");
    push("getPatientDetails response bare");
    for op in support::operations_answered_by(ResponseKind::GetPatientDetails) {
        push(&format!(
            "getPatientDetails response for {}",
            op.response_service()
        ));
    }
    for n in 0..=3 {
        push(&format!("{n} addresses"));
    }
    for u in ["H", "TMP", "PST"] {
        push(&format!("addr use {u}"));
    }
    push("addr with an empty street line");
    push("name/given x0");
    push("name/given x1");
    push("name/given x2");
    push("name absent");
    push("0 telecoms");
    push("2 telecoms");
    push("telecom/@use single");
    push("telecom/@use set");
    push("telecom/@value tel");
    push("telecom/@value mailto");
    push("telecom/useablePeriod low");
    push("telecom/useablePeriod +high");
    push("telecom/useablePeriod low+high");
    push("deceasedTime absent");
    push("gPPractice absent");
    push("gPPractice/addr");
    push("gPPractice/addr/postalCode present");
    push("gPPractice/addr with an empty street line");
    push("gPPractice/telecom");
    push("gPPractice/telecom/@use single");
    push("patientPerson absent");
    for t in [
        "escaped &",
        "escaped <",
        "escaped >",
        "escaped \" in an attribute",
        "' in a value",
        "non-ASCII é",
        "non-ASCII Ł",
    ] {
        push(&format!("text: {t}"));
    }
    f
}

#[test]
fn generated_set_covers_every_optional_field() {
    let set = generated_set();
    let mut seen = BTreeMap::new();
    for (_, env) in &set {
        features(env, &mut seen);
    }
    let missing: Vec<String> = expected_features()
        .into_iter()
        .filter(|f| !seen.contains_key(f))
        .collect();
    let table: Vec<String> = seen.iter().map(|(f, n)| format!("{n:5}  {f}")).collect();
    assert!(
        missing.is_empty(),
        "the {} generated messages never show:\n  {}\n\nwhat they show:\n{}",
        set.len(),
        missing.join("\n  "),
        table.join("\n")
    );
    eprintln!("coverage of {} messages:\n{}", set.len(), table.join("\n"));
}

#[test]
fn generated_set_is_the_same_every_run() {
    let a = generated_set();
    let b = generated_set();
    assert_eq!(
        a.len(),
        Kind::all().into_iter().map(count_for).sum::<usize>()
    );
    assert!(
        a == b,
        "the deterministic generator produced different sets"
    );
}
