//! Suite files with mistakes are refused with errors naming file, line and column: one folder
//! per case under `tests/suite-errors/`, holding `suite.yaml` and the expected `errors.txt`.
//! `SMSP_BLESS=1 cargo test` rewrites the expected files after a deliberate change.

use std::path::Path;

use smsp_harness::suite::load_suite;
use smsp_response_codes::ResponseCodeTable;

#[test]
fn every_broken_suite_is_refused_with_its_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite-errors");
    let codes = ResponseCodeTable::embedded();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10);
    let mut mismatches = Vec::new();
    for dir in dirs {
        let suite = dir.join("suite.yaml");
        let relative = suite
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .expect("inside");
        let errors = match load_suite(relative.to_str().expect("utf-8"), &codes) {
            Ok(_) => "(accepted)".to_owned(),
            Err(e) => e.to_string(),
        };
        let expected_path = dir.join("errors.txt");
        if std::env::var_os("SMSP_BLESS").is_some() {
            std::fs::write(&expected_path, format!("{errors}\n")).expect("bless");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected.trim_end() != errors {
            mismatches.push(format!(
                "{}:\n  expected: {}\n  actual:   {errors}",
                dir.display(),
                expected.trim_end()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
