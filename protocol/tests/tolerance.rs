//! Tolerance corpus: what real senders send must be accepted (SPEC.md §1). Every folder under
//! tests/tolerance holds `input.xml` and `expected.yaml` with the values that must be read
//! from it, and optionally the HTTP charset the message arrived with.

use std::path::Path;

use serde::Deserialize;
use smsp_protocol::{Operation, parse_message};

#[derive(Deserialize)]
struct Expected {
    charset: Option<String>,
    message_id: String,
    username: String,
    given: String,
    family: String,
}

#[test]
fn real_world_variations_are_accepted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tolerance");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "{} cases", dirs.len());
    let mut failures = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read(dir.join("input.xml")).unwrap();
        let expected: Expected =
            yaml_serde::from_str(&std::fs::read_to_string(dir.join("expected.yaml")).unwrap())
                .unwrap_or_else(|e| panic!("{name}/expected.yaml: {e}"));
        let parsed = match parse_message(&input, expected.charset.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}: refused: {e}"));
                continue;
            }
        };
        let env = &parsed.envelope;
        let query = &env.pds_request().expect("a request").query;
        let name_value = &query.name.as_ref().expect("a name").value;
        let got = (
            env.operation(),
            env.header.addressing.message_id.clone(),
            env.header
                .security
                .as_ref()
                .and_then(|s| s.username.clone()),
            name_value.given.first().cloned(),
            name_value.family.clone(),
        );
        let want = (
            Some(Operation::GetNhsNumber),
            Some(expected.message_id),
            Some(expected.username),
            Some(expected.given),
            Some(expected.family),
        );
        if got != want {
            failures.push(format!("{name}: expected {want:?}, got {got:?}"));
        }
        if !parsed.notes.ignored_elements.is_empty() || !parsed.notes.blank_attributes.is_empty() {
            failures.push(format!("{name}: unexpected notes {:?}", parsed.notes));
        }
    }
    assert!(
        failures.is_empty(),
        "tolerance corpus failures:\n{}",
        failures.join("\n")
    );
}
