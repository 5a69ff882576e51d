//! Hostile-input corpus: every folder under tests/hostile holds one input (`input.xml`, or
//! `generate.yaml` for inputs too large to commit) and `expected.yaml` naming the typed error
//! and the SOAP fault a provider answers with. None may panic and none may expand an entity.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use smsp_protocol::{FaultCode, ParseError, ParseLimits, parse_message_with};

#[derive(Deserialize)]
struct Expected {
    error: String,
    fault: String,
    error_code: String,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Generate {
    HugeAttribute {
        bytes: usize,
        max_bytes: Option<usize>,
    },
    DeepNesting {
        depth: usize,
    },
    ManyElements {
        count: usize,
    },
    ManyAttributes {
        count: usize,
    },
}

const OPEN: &str =
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#;
const CLOSE: &str = "</soap:Body></soap:Envelope>";

fn generate(g: &Generate) -> (Vec<u8>, ParseLimits) {
    let mut limits = ParseLimits::default();
    let doc = match g {
        Generate::HugeAttribute { bytes, max_bytes } => {
            if let Some(m) = max_bytes {
                limits.max_bytes = *m;
            }
            format!("{OPEN}<x a=\"{}\"/>{CLOSE}", "A".repeat(*bytes))
        }
        Generate::DeepNesting { depth } => {
            format!(
                "{OPEN}{}{}{CLOSE}",
                "<d>".repeat(*depth),
                "</d>".repeat(*depth)
            )
        }
        Generate::ManyElements { count } => format!("{OPEN}{}{CLOSE}", "<e/>".repeat(*count)),
        Generate::ManyAttributes { count } => {
            let attrs: String = (0..*count).map(|i| format!(" a{i}=\"v\"")).collect();
            format!("{OPEN}<x{attrs}/>{CLOSE}")
        }
    };
    (doc.into_bytes(), limits)
}

fn variant_name(e: &ParseError) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/hostile exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_hostile_input_gives_its_typed_error_and_fault() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 20, "the corpus has {} cases", cases.len());
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Expected = yaml_serde::from_str(
            &std::fs::read_to_string(dir.join("expected.yaml")).expect("expected.yaml"),
        )
        .unwrap_or_else(|e| panic!("{name}/expected.yaml: {e}"));
        let (input, limits) = if dir.join("generate.yaml").exists() {
            let g: Generate =
                yaml_serde::from_str(&std::fs::read_to_string(dir.join("generate.yaml")).unwrap())
                    .unwrap_or_else(|e| panic!("{name}/generate.yaml: {e}"));
            generate(&g)
        } else {
            (
                std::fs::read(dir.join("input.xml")).expect("input.xml"),
                ParseLimits::default(),
            )
        };
        let outcome = std::panic::catch_unwind(|| parse_message_with(&input, None, &limits));
        let result = match outcome {
            Ok(r) => r,
            Err(_) => {
                failures.push(format!("{name}: PANICKED"));
                continue;
            }
        };
        let err = match result {
            Ok(parsed) => {
                failures.push(format!(
                    "{name}: parsed without error: {:?}",
                    parsed.envelope
                ));
                continue;
            }
            Err(e) => e,
        };
        let message = err.to_string();
        assert!(
            !message.contains("lollol"),
            "{name}: an entity was expanded: {message}"
        );
        let class = err.fault_class();
        let fault = match &class.code {
            FaultCode::Other(s) => s.clone(),
            c => c.local_name().to_owned(),
        };
        let got = (
            variant_name(&err),
            fault,
            class.error_code.as_str().to_owned(),
        );
        let want = (expected.error, expected.fault, expected.error_code);
        if got != want {
            failures.push(format!(
                "{name}: expected {want:?}, got {got:?} ({message})"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "hostile corpus failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn errors_name_the_place_and_the_fix() {
    let dtd = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/dtd-external-entity/input.xml"),
    )
    .unwrap();
    let e = parse_message_with(&dtd, None, &ParseLimits::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "document type declarations (DTDs) are refused, found one at line 2, column 1; remove the <!DOCTYPE …>"
    );
    let soap12 = br#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"/>"#;
    let e = parse_message_with(soap12, None, &ParseLimits::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("use http://schemas.xmlsoap.org/soap/envelope/")
    );
}
