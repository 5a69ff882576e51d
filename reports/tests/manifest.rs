//! The evidence manifest: written by `write_reports`, accepted by `sha256sum -c`, and
//! `verify_evidence` naming every changed, missing and added file.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use smsp_reports::{
    MANIFEST_PATH, Problem, ProblemKind, ReportError, render_manifest, verify_evidence,
    write_reports,
};

/// A fixture run folder with its reports and manifest written.
fn written_run() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    fs::create_dir(&run).unwrap();
    let record = common::write_run(&run);
    write_reports(&run, &record, &run).unwrap();
    (dir, run)
}

fn problems(run: &Path) -> Vec<(ProblemKind, String)> {
    verify_evidence(run)
        .unwrap()
        .problems
        .into_iter()
        .map(|Problem { kind, path }| (kind, path))
        .collect()
}

#[test]
fn manifest_lists_evidence_run_json_and_reports_sorted() {
    let (_dir, run) = written_run();
    let text = fs::read_to_string(run.join(MANIFEST_PATH)).unwrap();
    assert!(!text.contains('\r'));
    assert!(text.ends_with('\n'));
    let paths: Vec<&str> = text.lines().map(|l| &l[66..]).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(paths.len(), 11 + 3, "{text}");
    for path in [
        "run.json",
        "report.html",
        "junit.xml",
        "evidence/PDS-VER-001/request.xml",
    ] {
        assert!(paths.contains(&path), "{path} not listed");
    }
    for line in text.lines() {
        assert!(
            line[..64]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_eq!(&line[64..66], "  ");
    }
}

#[test]
fn untouched_folder_verifies() {
    let (_dir, run) = written_run();
    let report = verify_evidence(&run).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.checked, 14);
}

/// Fails, not skips, without sha256sum (coreutils).
#[test]
fn sha256sum_accepts_the_manifest() {
    let (_dir, run) = written_run();
    let output = Command::new("sha256sum")
        .args(["--check", "--strict", MANIFEST_PATH])
        .current_dir(&run)
        .output()
        .expect("sha256sum (coreutils) must be installed");
    assert!(
        output.status.success(),
        "sha256sum -c failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout)
            .matches(": OK")
            .count(),
        14
    );
}

#[test]
fn one_changed_byte_is_reported_as_changed() {
    let (_dir, run) = written_run();
    let file = run.join("evidence/PDS-VER-002/response.xml");
    let mut bytes = fs::read(&file).unwrap();
    bytes[10] ^= 0x01;
    fs::write(&file, bytes).unwrap();
    assert_eq!(
        problems(&run),
        [(
            ProblemKind::Changed,
            "evidence/PDS-VER-002/response.xml".to_owned()
        )]
    );
}

#[test]
fn a_deleted_file_is_reported_as_missing() {
    let (_dir, run) = written_run();
    fs::remove_file(run.join("evidence/PDS-GET-001/request.xml")).unwrap();
    assert_eq!(
        problems(&run),
        [(
            ProblemKind::Missing,
            "evidence/PDS-GET-001/request.xml".to_owned()
        )]
    );
}

#[test]
fn an_added_file_is_reported_as_added() {
    let (_dir, run) = written_run();
    fs::create_dir_all(run.join("evidence/EXTRA")).unwrap();
    fs::write(run.join("evidence/EXTRA/note.txt"), "slipped in").unwrap();
    assert_eq!(
        problems(&run),
        [(ProblemKind::Added, "evidence/EXTRA/note.txt".to_owned())]
    );
}

#[test]
fn a_changed_report_is_reported_too() {
    let (_dir, run) = written_run();
    fs::write(run.join("report.html"), "<p>all passed</p>").unwrap();
    fs::remove_file(run.join("run.json")).unwrap();
    assert_eq!(
        problems(&run),
        [
            (ProblemKind::Changed, "report.html".to_owned()),
            (ProblemKind::Missing, "run.json".to_owned()),
        ]
    );
}

#[test]
fn a_missing_manifest_is_an_error_naming_it() {
    let (_dir, run) = written_run();
    fs::remove_file(run.join(MANIFEST_PATH)).unwrap();
    let err = verify_evidence(&run).unwrap_err();
    assert!(
        matches!(err, ReportError::ManifestUnreadable { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("MANIFEST.sha256"), "{err}");
}

#[test]
fn a_malformed_manifest_line_is_an_error_naming_the_line() {
    let (_dir, run) = written_run();
    let manifest = run.join(MANIFEST_PATH);
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str("not a hash  evidence/x.xml\n");
    fs::write(&manifest, text).unwrap();
    let err = verify_evidence(&run).unwrap_err();
    assert!(
        matches!(err, ReportError::ManifestLine { line: 15, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("MANIFEST.sha256:15:"), "{err}");

    let escaping = format!("{}  ../outside.txt\n", "0".repeat(64));
    fs::write(&manifest, escaping).unwrap();
    let err = verify_evidence(&run).unwrap_err();
    assert!(
        matches!(err, ReportError::ManifestLine { line: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn rendering_refuses_evidence_that_differs_from_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let record = common::write_run(dir.path());
    fs::write(
        dir.path().join("evidence/PDS-VER-001/request.xml"),
        "edited",
    )
    .unwrap();
    let err = render_manifest(dir.path(), &record, &[]).unwrap_err();
    assert!(
        matches!(err, ReportError::EvidenceChanged { ref path, .. } if path == "evidence/PDS-VER-001/request.xml"),
        "{err:?}"
    );

    fs::remove_file(dir.path().join("evidence/PDS-VER-001/request.xml")).unwrap();
    let err = render_manifest(dir.path(), &record, &[]).unwrap_err();
    assert!(
        matches!(err, ReportError::EvidenceMissing { ref path, .. } if path == "evidence/PDS-VER-001/request.xml"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("evidence/PDS-VER-001/request.xml"),
        "{err}"
    );
}

#[test]
fn rendering_refuses_unrecorded_evidence_and_escaping_paths() {
    let dir = tempfile::tempdir().unwrap();
    let mut record = common::write_run(dir.path());
    fs::write(dir.path().join("evidence/stray.bin"), [0u8; 3]).unwrap();
    let err = render_manifest(dir.path(), &record, &[]).unwrap_err();
    assert!(
        matches!(err, ReportError::Unrecorded { ref path } if path == "evidence/stray.bin"),
        "{err:?}"
    );
    fs::remove_file(dir.path().join("evidence/stray.bin")).unwrap();

    record.cases[0].exchanges[0].request.path = "../run.json".to_owned();
    let err = render_manifest(dir.path(), &record, &[]).unwrap_err();
    assert!(matches!(err, ReportError::EvidencePath { .. }), "{err:?}");
}
