//! Scenario loading through the public interface: the shipped files, a data-driven corpus of
//! bad scenarios, folder merging, the OpenTest import and the JSON Schema.

use std::fs;
use std::path::{Path, PathBuf};

use smsp_response_codes::ResponseCodeTable;
use smsp_simulator::scenario::load::{self, ScenarioErrors};
use smsp_simulator::scenario::{NameDetail, SupersededResponse};

fn codes() -> ResponseCodeTable {
    ResponseCodeTable::embedded()
}

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

#[test]
fn shipped_default_loads() {
    let s = load::builtin_default(&codes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.sources.len(), 1);
    assert_eq!(s.sources[0].path, PathBuf::from("<built-in default.yaml>"));
    assert_eq!(s.sources[0].name.as_deref(), Some("default"));
    assert_eq!(s.sources[0].sha256.len(), 64);
    assert!(s.patients.len() >= 15, "{}", s.patients.len());
    assert!(s.rules.len() >= 20);
    assert_eq!(
        s.rules[0].origin,
        "default.yaml#rules[0] (SMSP-0001 by surname)"
    );
    assert_eq!(s.options.name_detail, NameDetail::FirstGiven);
    assert_eq!(
        s.options.superseded_response,
        SupersededResponse::WithNewNumber
    );
}

#[test]
fn shipped_files_load_from_disk_too() {
    for name in ["default.yaml", "tkw-triggers.yaml"] {
        let path = repo_file(&format!("scenarios/{name}"));
        load::load_paths(&[path], &codes()).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn shipped_tkw_triggers_load() {
    let s = load::builtin("tkw-triggers", &codes())
        .expect("a built-in")
        .unwrap_or_else(|e| panic!("{e}"));
    // 14 codes for each of the five operations.
    assert_eq!(s.rules.len(), 70);
    assert!(load::builtin("nonsense", &codes()).is_none());
}

/// Every folder under `tests/scenario-errors/` holds a `scenario.yaml` that must fail to load
/// and an `expected.txt` with the rendered errors, the file's path written `scenario.yaml`.
/// Run with `SMSP_BLESS=1` to write the expected files afresh (then read them!).
#[test]
fn error_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenario-errors");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .expect("the corpus folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 12, "only {} cases", cases.len());
    let bless = std::env::var_os("SMSP_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let file = case.join("scenario.yaml");
        let errors: ScenarioErrors = match load::load_paths(std::slice::from_ref(&file), &codes()) {
            Ok(_) => {
                failures.push(format!("{}: loaded without error", case.display()));
                continue;
            }
            Err(e) => e,
        };
        for e in errors.iter() {
            assert_eq!(e.file, file, "{}: error names another file", case.display());
            assert!(
                e.line.is_some() && e.column.is_some(),
                "{}: error without line and column: {e}",
                case.display()
            );
        }
        let rendered = errors
            .to_string()
            .replace(&file.display().to_string(), "scenario.yaml");
        let expected_path = case.join("expected.txt");
        if bless {
            fs::write(&expected_path, format!("{rendered}\n")).expect("write expected.txt");
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected.trim_end() != rendered {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- got\n{rendered}",
                case.display(),
                expected.trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const PATIENT_A: &str = r#"
name: first
options: {name_detail: full}
rules:
  - name: from a
    when: {surname: AAA}
    then: {busy: true}
patients:
  - nhs_number: "9990000018"
    name: {family: AAA}
    gender: female
    birth_date: "19800131"
"#;

const PATIENT_B: &str = r#"
name: second
options: {name_detail: first_given, superseded_response: bare}
rules:
  - when: {surname: BBB}
    then: {code: SMSP-0000, patient: "9990000018"}
patients:
  - nhs_number: "9990000026"
    name: {family: BBB}
    gender: male
    birth_date: "19650505"
    superseded_by: "9990000018"
"#;

#[test]
fn folder_merges_in_name_order() {
    let dir = tempfile::tempdir().expect("a temp dir");
    // Written in the opposite order to their names, to show the names decide.
    fs::write(dir.path().join("20-b.yml"), PATIENT_B).expect("write");
    fs::write(dir.path().join("10-a.yaml"), PATIENT_A).expect("write");
    fs::write(dir.path().join("notes.txt"), "not a scenario").expect("write");
    let s =
        load::load_paths(&[dir.path().to_path_buf()], &codes()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<_> = s
        .sources
        .iter()
        .map(|src| src.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["first", "second"]);
    assert_eq!(s.sources[0].path, dir.path().join("10-a.yaml"));
    // b refers to a patient of a: cross-file references resolve.
    let origins: Vec<_> = s.rules.iter().map(|r| r.origin.as_str()).collect();
    assert_eq!(
        origins,
        ["10-a.yaml#rules[0] (from a)", "20-b.yml#rules[0]"]
    );
    let numbers: Vec<_> = s.patients.iter().map(|p| p.nhs_number.as_str()).collect();
    assert_eq!(numbers, ["9990000018", "9990000026"]);
    // The first file that sets an option wins; the second file sets the other.
    assert_eq!(s.options.name_detail, NameDetail::Full);
    assert_eq!(s.options.superseded_response, SupersededResponse::Bare);
    // The hash is of the file's bytes.
    use sha2::Digest;
    assert_eq!(
        s.sources[1].sha256,
        hex::encode(sha2::Sha256::digest(PATIENT_B.as_bytes()))
    );
}

#[test]
fn errors_in_several_files_are_all_reported() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    fs::write(
        &a,
        PATIENT_A.replace("busy: true", "busy: true, garbage: true"),
    )
    .expect("write");
    fs::write(&b, PATIENT_B.replace("9990000026", "9990000018")).expect("write");
    let e = load::load_paths(&[a.clone(), b.clone()], &codes()).unwrap_err();
    let files: Vec<_> = e.iter().map(|e| e.file.clone()).collect();
    // a: two answers in one action; b: a duplicate number and supersession by itself.
    assert_eq!(files, [a.clone(), b.clone(), b.clone()], "{e}");
    assert!(
        e.to_string()
            .contains("already used by patients[0] (a.yaml:"),
        "{e}"
    );
}

#[test]
fn an_empty_folder_and_a_missing_file_are_errors() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let missing = dir.path().join("missing.yaml");
    let e = load::load_paths(&[dir.path().to_path_buf(), missing.clone()], &codes()).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    assert!(e.0[0].message.contains("no scenario files"), "{e}");
    assert_eq!(e.0[1].file, missing);
}

#[test]
fn files_in_the_same_load_are_checked_together() {
    // A dangling reference is not reported when another file failed to parse: that file
    // might hold the patient.
    let broken = (PathBuf::from("broken.yaml"), "patients: [".to_owned());
    let b = (PathBuf::from("b.yaml"), PATIENT_B.to_owned());
    let e = load::load_texts(&[broken, b], &codes()).unwrap_err();
    assert_eq!(e.0.len(), 1, "{e}");
    assert_eq!(e.0[0].file, PathBuf::from("broken.yaml"));
}

#[test]
fn hostile_yaml_is_refused_quickly() {
    let path = Path::new("hostile.yaml");
    let started = std::time::Instant::now();

    // Oversize: refused before parsing.
    let big = " ".repeat(usize::try_from(load::MAX_SCENARIO_BYTES).expect("fits") + 1);
    let e = load::parse_file_text(path, &big).unwrap_err();
    assert!(e.to_string().contains("limit"), "{e}");

    // Deep flow nesting, which costs the YAML parser time quadratic in the depth.
    let deep = format!("name: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let e = load::parse_file_text(path, &deep).unwrap_err();
    assert_eq!(
        (e.0[0].line, e.0[0].column),
        (Some(1), Some(7 + load::MAX_FLOW_DEPTH))
    );

    // Deep block nesting: yaml_serde's recursion limit.
    let mut block = String::from("rules:\n");
    for depth in 1..2_000 {
        block.push_str(&" ".repeat(depth));
        block.push_str("- \n");
    }
    assert!(load::parse_file_text(path, &block).is_err());

    // A large anchored list referenced many times: quadratic in yaml_serde, refused here.
    let mut wide = String::from("rules:\n  - when:\n      operation: [&a [");
    wide.push_str(&"verifyNHSNumber, ".repeat(20_000));
    wide.push_str("getNHSNumber]");
    wide.push_str(&", *a".repeat(20_000));
    wide.push_str("]\n    then: {busy: true}\n");
    let e = load::parse_file_text(path, &wide).unwrap_err();
    assert!(e.to_string().contains("alias"), "{e}");

    // Not UTF-8.
    let dir = tempfile::tempdir().expect("a temp dir");
    let latin1 = dir.path().join("latin1.yaml");
    fs::write(&latin1, b"name: caf\xe9\n").expect("write");
    let e = load::load_paths(&[latin1], &codes()).unwrap_err();
    assert_eq!((e.0[0].line, e.0[0].column), (Some(1), Some(10)), "{e}");

    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn text_that_looks_like_an_alias_is_not_one() {
    // `*` inside quotes, in a wildcard, in a comment, in a block scalar and in a plain
    // multi-line scalar is text.
    let text = r#"
description: |
  * a bullet
  * another
name: >-
  stars
  *everywhere*
rules:
  # *not an alias
  - when: {surname: "*SON", postcode: 'LS1 *'}
    then: {busy: true}
  - when:
      surname: SMI*
    then: {busy: true}
"#;
    load::parse_file_text(Path::new("t.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
}

/// The OpenTest patient list, read from the shared specification folder (never copied here).
fn opentest_csv() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/spec/opentest-patients.csv"
    );
    fs::read_to_string(path).expect("../shared/spec/opentest-patients.csv")
}

#[test]
fn opentest_list_imports_and_loads() {
    use smsp_simulator::scenario::Gender;
    use smsp_simulator::scenario::opentest;

    let csv = opentest_csv();
    let rows = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
    let file = opentest::import_opentest_csv(&csv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.patients.len(), rows);
    let find = |n: &str| {
        file.patients
            .iter()
            .find(|p| p.nhs_number.as_str() == n)
            .unwrap_or_else(|| panic!("{n} imported"))
    };

    // The multiple-match pair (SPEC.md §6.1).
    let doubles: Vec<_> = file
        .patients
        .iter()
        .filter(|p| {
            p.name.family == "DOUBLE"
                && p.birth_date.as_str() == "19330910"
                && p.gender == Gender::Male
        })
        .collect();
    assert_eq!(doubles.len(), 2);

    // The superseded record (SPEC.md §6.2) and its merged twin.
    let superseded = find("9449310424");
    let successor = superseded.superseded_by.as_ref().expect("superseded_by");
    assert_ne!(successor.as_str(), "9449310424");
    assert_eq!(find(successor.as_str()).name.family, "HEBRON");
    assert!(
        superseded
            .note
            .as_deref()
            .unwrap_or("")
            .contains("does not say")
    );

    // The invalidated (I) and sensitive (S) flags.
    for n in ["9449310378", "9449310718", "9449310599", "9449310408"] {
        assert!(find(n).invalidated, "{n}");
    }
    for n in ["9449310610", "9449310475"] {
        assert!(find(n).sensitive, "{n}");
    }

    // Address lines keep their positions; telecom and previous name from the notes.
    let p = find("9449310025");
    assert_eq!(p.addresses[0].lines[0], "");
    assert_eq!(p.addresses[0].postcode.as_deref(), Some("KT10 0NW"));
    assert_eq!(find("9462658137").telecoms[0].value, "tel:");
    assert_eq!(find("9449310076").previous_names.len(), 1);
    // Every other field of a full row.
    let p = find("9449310106");
    assert_eq!(p.name.title.as_deref(), Some("MR"));
    assert_eq!(p.name.given.len(), 2);
    assert_eq!(
        p.gp_practice.as_ref().map(|g| g.ods_code.as_str()),
        Some("H81109")
    );
    // The death date a spreadsheet mangled keeps what survived.
    assert_eq!(
        find("9449303371").death_date.as_ref().map(|d| d.as_str()),
        Some("201206")
    );

    // Written out and loaded back, it passes the whole-scenario checks.
    let yaml = opentest::to_yaml(&file, "Imported from opentest-patients.csv.\nDo not edit.");
    assert!(yaml.starts_with("# Imported from opentest-patients.csv.\n# Do not edit.\n"));
    validate_against_schema(&yaml).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("opentest.yaml");
    fs::write(&path, &yaml).expect("write");
    let s = load::load_paths(&[path], &codes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.patients, file.patients);
}

#[test]
fn opentest_errors_name_row_and_column() {
    use smsp_simulator::scenario::opentest::{self, ImportError};
    let csv = opentest_csv();
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    lines[3] = lines[3].replacen(",Female,", ",Woman,", 1);
    let e = opentest::import_opentest_csv(&lines.join("\n")).unwrap_err();
    assert!(
        matches!(&e, ImportError::Field { row: 4, column, .. } if column == "GENDER"),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("opentest csv, row 4, column GENDER:"),
        "{e}"
    );
}

/// Validates YAML text, as JSON, against the scenario schema.
fn validate_against_schema(yaml: &str) -> Result<(), String> {
    let schema = smsp_simulator::scenario::schema::json_schema();
    let id = schema["$id"].as_str().expect("an $id").to_owned();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource(&id, schema)
        .map_err(|e| format!("{e:#}"))?;
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(&id, &mut schemas)
        .map_err(|e| format!("{e:#}"))?;
    let instance: serde_json::Value = yaml_serde::from_str(yaml).map_err(|e| e.to_string())?;
    schemas
        .validate(&instance, index)
        .map_err(|e| format!("{e}"))
}

#[test]
fn shipped_files_validate_against_the_schema() {
    let schema = smsp_simulator::scenario::schema::json_schema();
    assert_eq!(schema["$id"], "urn:smsp:schema:scenario:v1");
    assert!(schema["title"].is_string() && schema["description"].is_string());
    for name in ["default.yaml", "tkw-triggers.yaml"] {
        let text = fs::read_to_string(repo_file(&format!("scenarios/{name}"))).expect("read");
        validate_against_schema(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // The schema knows the field names: a misspelt one fails, as it does in the loader.
    let bad = "patients:\n  - nhs_number: '9990000018'\n    name: {family: A}\n    gendre: male\n    birth_date: '1980'\n";
    assert!(validate_against_schema(bad).is_err());
    assert!(load::parse_file_text(Path::new("bad.yaml"), bad).is_err());
}

#[test]
fn built_ins_and_files_load_together() {
    use smsp_simulator::scenario::load::ScenarioSource;
    let dir = tempfile::tempdir().expect("a temp dir");
    let extra = dir.path().join("extra.yaml");
    // A patient the default scenario already has: the checks see both.
    fs::write(&extra, PATIENT_A).expect("write");
    let sources = [
        ScenarioSource::Builtin("default".into()),
        ScenarioSource::Path(extra.clone()),
    ];
    let e = load::load_sources(&sources, &codes()).unwrap_err();
    assert_eq!(e.0.len(), 1, "{e}");
    assert_eq!(e.0[0].file, extra);
    assert!(
        e.0[0]
            .message
            .contains("already used by patients[0] (default.yaml:"),
        "{e}"
    );

    let e = load::load_sources(&[ScenarioSource::Builtin("nope".into())], &codes()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("<built-in nope>: there is no built-in scenario"),
        "{e}"
    );
    assert_eq!(
        load::builtin_text("tkw-triggers").map(|(name, _)| name),
        Some("tkw-triggers.yaml")
    );
}
