//! A scenario file is parsed in runs of patients, in parallel (`load::parse_file_text`). These
//! tests hold that to what parsing the file as one YAML document gives: the same
//! `ScenarioFile`, or an error where the whole-document parse has one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use smsp_simulator::scenario::ScenarioFile;
use smsp_simulator::scenario::generate;
use smsp_simulator::scenario::load;

/// What parsing `text` as one document gives.
fn whole(text: &str) -> Result<ScenarioFile, String> {
    yaml_serde::from_str::<ScenarioFile>(text).map_err(|e| e.to_string())
}

/// Asserts that the split parse agrees with the whole-document one. Files with aliases are
/// refused before parsing (a guard), so those are left out by the callers.
fn assert_agrees(name: &str, text: &str) {
    let split = load::parse_file_text(Path::new(name), text);
    match (whole(text), split) {
        (Ok(expected), Ok(got)) => {
            assert!(
                expected == got,
                "{name}: the split parse differs ({} patients against {})",
                got.patients.len(),
                expected.patients.len()
            );
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => panic!("{name}: the split parse refused a valid file: {e}"),
        (Err(e), Ok(_)) => panic!("{name}: the split parse accepted a file YAML refuses: {e}"),
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn every_scenario_file_in_the_repository_parses_as_one_document_would() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    yaml_files(&root.join("scenarios"), &mut files);
    yaml_files(&root.join("simulator/tests/scenario-errors"), &mut files);
    assert!(files.len() > 20, "found only {} YAML files", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains('*') && load::parse_file_text(&path, &text).is_err() {
            // An alias is refused by the guard, whatever YAML makes of it.
            continue;
        }
        assert_agrees(&path.display().to_string(), &text);
    }
}

#[test]
fn a_generated_file_of_many_runs_parses_as_one_document_would() {
    // About 370 bytes a patient: 3,000 patients are over a megabyte, many runs.
    let text = generate::generate_yaml(3_000, 7);
    assert!(text.len() > 1_000_000);
    assert_agrees("generated.yaml", &text);
    let crlf = text.replace('\n', "\r\n");
    assert_agrees("generated-crlf.yaml", &crlf);
    assert_agrees("generated-bom.yaml", &format!("\u{feff}{text}"));
}

#[test]
fn an_error_in_a_late_run_is_reported_where_it_is() {
    let mut text = generate::generate_yaml(3_000, 7);
    let at = text.rfind("    gender: male").unwrap();
    text.replace_range(at..at + "    gender: male".len(), "    gender: [male");
    let errors = load::parse_file_text(Path::new("late.yaml"), &text).unwrap_err();
    let first = errors.iter().next().unwrap();
    let expected = yaml_serde::from_str::<ScenarioFile>(&text).unwrap_err();
    let place = expected.location().unwrap();
    assert!(place.line() > text[..at].lines().count(), "{expected}");
    assert_eq!(
        (first.line, first.column),
        (Some(place.line()), Some(place.column())),
        "{first}; YAML says {expected}"
    );
}

/// A patient item written in one of several styles, some of which put a line that looks like
/// an item of the list inside a scalar.
#[derive(Debug, Clone)]
enum Item {
    Block {
        number: usize,
        note: Option<Note>,
    },
    Flow {
        number: usize,
    },
    /// A flow mapping over two lines, the second at the list's column.
    FlowOverLines {
        number: usize,
    },
    /// Lines that are not a patient.
    Garbage(String),
}

#[derive(Debug, Clone)]
enum Note {
    /// A double-quoted note over lines, one of them `- …` at the list's column.
    Quoted,
    /// A single-quoted one likewise.
    SingleQuoted,
    /// A literal block scalar.
    Literal,
    /// A plain scalar over lines.
    Plain,
    /// A long comment after the note, to make runs end in different places.
    Padding(usize),
}

/// A valid NHS number (modulus 11) from 9 900 000 000 up.
fn nhs_number(i: usize) -> String {
    (990_000_000 + i as u64..)
        .find_map(|n| {
            let sum: u64 = n
                .to_string()
                .bytes()
                .zip((2..=10).rev())
                .map(|(b, weight)| u64::from(b - b'0') * weight)
                .sum();
            match 11 - sum % 11 {
                11 => Some(format!("{n}0")),
                10 => None,
                check => Some(format!("{n}{check}")),
            }
        })
        .unwrap()
}

fn write_item(out: &mut String, item: &Item, col: usize) {
    let pad = " ".repeat(col);
    match item {
        Item::Block { number, note } => {
            let _ = writeln!(out, "{pad}- nhs_number: \"{}\"", nhs_number(*number));
            let _ = writeln!(out, "{pad}  name: {{ family: SMITH{number} }}");
            let _ = writeln!(out, "{pad}  gender: female");
            let _ = writeln!(out, "{pad}  birth_date: \"19800101\"");
            match note {
                None => {}
                Some(Note::Quoted) => {
                    let _ = writeln!(out, "{pad}  note: \"first line");
                    let _ = writeln!(out, "{pad}- nhs_number: 1\"");
                }
                Some(Note::SingleQuoted) => {
                    let _ = writeln!(out, "{pad}  note: 'it''s");
                    let _ = writeln!(out, "{pad}- gender: male'");
                }
                Some(Note::Literal) => {
                    let _ = writeln!(out, "{pad}  note: |");
                    let _ = writeln!(out, "{pad}    - not an item");
                    let _ = writeln!(out, "{pad}    nor: this");
                }
                Some(Note::Plain) => {
                    let _ = writeln!(out, "{pad}  note: a plain");
                    let _ = writeln!(out, "{pad}   - scalar over lines");
                }
                Some(Note::Padding(n)) => {
                    let _ = writeln!(out, "{pad}  note: padded");
                    let _ = writeln!(out, "# {}", "x".repeat(*n));
                }
            }
        }
        Item::Flow { number } => {
            let _ = writeln!(
                out,
                "{pad}- {{ nhs_number: \"{}\", name: {{ family: JONES }}, gender: male, birth_date: \"1990\" }}",
                nhs_number(*number)
            );
        }
        Item::FlowOverLines { number } => {
            let _ = writeln!(
                out,
                "{pad}- {{ nhs_number: \"{}\", name: {{ family: JONES }},",
                nhs_number(*number)
            );
            let _ = writeln!(out, "{pad}- gender: male, birth_date: \"1990\" }}");
        }
        Item::Garbage(text) => {
            let _ = writeln!(out, "{pad}{text}");
        }
    }
}

fn item() -> impl Strategy<Value = Item> {
    let note = prop_oneof![
        Just(Note::Quoted),
        Just(Note::SingleQuoted),
        Just(Note::Literal),
        Just(Note::Plain),
        (2000usize..20000).prop_map(Note::Padding),
    ];
    prop_oneof![
        8 => (0usize..1_000_000, proptest::option::of(note))
            .prop_map(|(number, note)| Item::Block { number, note }),
        2 => (0usize..1_000_000).prop_map(|number| Item::Flow { number }),
        1 => (0usize..1_000_000).prop_map(|number| Item::FlowOverLines { number }),
        1 => "[-:\\[\\]{}\"' a-z#|>&!%]{0,12}".prop_map(Item::Garbage),
    ]
}

/// What follows the list.
fn tail() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(""),
        Just("rules: []\n"),
        Just("# the end\nrules: []\n"),
        Just("patients: []\n"),
        Just("---\nname: second document\n"),
        Just("...\n"),
        Just("options: { name_detail: full }\n"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_file_in_many_styles_parses_as_one_document_would(
        items in proptest::collection::vec(item(), 1..80),
        col in prop_oneof![Just(0usize), Just(2), Just(4)],
        comment_between in any::<bool>(),
        tail in tail(),
        crlf in any::<bool>(),
    ) {
        let mut text = String::from("name: styles\npatients:  # the list\n");
        for (i, it) in items.iter().enumerate() {
            write_item(&mut text, it, col);
            if comment_between && i % 3 == 0 {
                text.push_str("# between items\n");
            }
        }
        text.push_str(tail);
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        assert_agrees("styles.yaml", &text);
    }
}
