//! The evidence manifest (`evidence/MANIFEST.sha256`): one `sha256sum` line per file an assessor
//! needs (every evidence file, `run.json` and the rendered reports), so
//! `cd RUN && sha256sum -c evidence/MANIFEST.sha256` proves a run folder untouched, and
//! [`verify_evidence`] reports each changed, missing or added file by name.
//!
//! This module reads files and hashes them; it renders nothing but the manifest text.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::ReportError;
use crate::record::RunRecord;

/// Where the manifest lives, relative to the run folder.
pub const MANIFEST_PATH: &str = "evidence/MANIFEST.sha256";

/// The run record's file name inside a run folder.
pub const RUN_JSON: &str = "run.json";

/// The folder, relative to the run folder, that holds the exchanged bytes.
const EVIDENCE_DIR: &str = "evidence";

/// Renders the manifest for a run folder: every evidence file the record names (checked against
/// the record's SHA-256), `run.json`, and `extra_files` (paths relative to `run_dir`, hashed from
/// disk), sorted by path, in `sha256sum` format with LF line endings.
///
/// Fails, naming the file, if an evidence file is missing or differs from the record, if a named
/// file cannot be read, or if the evidence folder holds a file the record does not name (the
/// manifest could not vouch for it, so verification would report it as added).
pub fn render_manifest(
    run_dir: &Path,
    record: &RunRecord,
    extra_files: &[&str],
) -> Result<String, ReportError> {
    let mut entries: BTreeMap<String, String> = BTreeMap::new();
    for file in record.evidence_files() {
        let relative = checked_relative(&file.path).ok_or_else(|| ReportError::EvidencePath {
            path: file.path.clone(),
        })?;
        let expected = file.sha256.to_ascii_lowercase();
        if let Some(listed) = entries.get(&file.path) {
            if *listed == expected {
                continue;
            }
            return Err(ReportError::EvidenceConflict {
                path: file.path.clone(),
            });
        }
        let full = run_dir.join(relative);
        let actual = match hash_file(&full) {
            Ok(hash) => hash,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(ReportError::EvidenceMissing {
                    path: file.path.clone(),
                    run_dir: run_dir.to_path_buf(),
                });
            }
            Err(source) => return Err(ReportError::Read { path: full, source }),
        };
        if actual != expected {
            return Err(ReportError::EvidenceChanged {
                path: file.path.clone(),
                expected: file.sha256.clone(),
                actual,
            });
        }
        entries.insert(file.path.clone(), actual);
    }
    for extra in std::iter::once(RUN_JSON).chain(extra_files.iter().copied()) {
        let relative = checked_relative(extra).ok_or_else(|| ReportError::EvidencePath {
            path: extra.to_owned(),
        })?;
        let full = run_dir.join(relative);
        let hash = hash_file(&full).map_err(|source| ReportError::Read { path: full, source })?;
        entries.insert(extra.to_owned(), hash);
    }
    for path in files_under(run_dir, EVIDENCE_DIR)? {
        if path != MANIFEST_PATH && !entries.contains_key(&path) {
            return Err(ReportError::Unrecorded { path });
        }
    }
    let mut text = String::new();
    for (path, hash) in &entries {
        text.push_str(hash);
        text.push_str("  ");
        text.push_str(path);
        text.push('\n');
    }
    Ok(text)
}

/// Checks a run folder against its `evidence/MANIFEST.sha256`: every listed file must exist with
/// the listed hash, and every file under `evidence/` (except the manifest) must be listed.
///
/// Problems are returned in the report, sorted by path; an `Err` means the manifest itself is
/// missing or malformed (naming the file and line), or a folder could not be read.
pub fn verify_evidence(run_dir: &Path) -> Result<VerifyReport, ReportError> {
    let manifest_file = run_dir.join(MANIFEST_PATH);
    let text =
        fs::read_to_string(&manifest_file).map_err(|source| ReportError::ManifestUnreadable {
            path: manifest_file.clone(),
            source,
        })?;
    let listed = parse_manifest(&manifest_file, &text)?;
    let mut problems = Vec::new();
    for (path, (expected, relative)) in &listed {
        let full = run_dir.join(relative);
        match hash_file(&full) {
            Ok(actual) if actual == *expected => {}
            Ok(_) => problems.push(Problem::new(ProblemKind::Changed, path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                problems.push(Problem::new(ProblemKind::Missing, path));
            }
            Err(source) => return Err(ReportError::Read { path: full, source }),
        }
    }
    for path in files_under(run_dir, EVIDENCE_DIR)? {
        if path != MANIFEST_PATH && !listed.contains_key(&path) {
            problems.push(Problem::new(ProblemKind::Added, &path));
        }
    }
    problems.sort();
    Ok(VerifyReport {
        checked: listed.len(),
        problems,
    })
}

/// The result of [`verify_evidence`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many files the manifest lists.
    pub checked: usize,
    /// What does not match, sorted by path.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// True when every listed file matches and nothing was added.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One file that does not match the manifest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Path relative to the run folder, with `/` separators.
    pub path: String,
    /// What is wrong with it.
    pub kind: ProblemKind,
}

impl Problem {
    fn new(kind: ProblemKind, path: &str) -> Self {
        Problem {
            path: path.to_owned(),
            kind,
        }
    }
}

/// How a file differs from the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// Listed, present, but its bytes have a different SHA-256.
    Changed,
    /// Listed but not present.
    Missing,
    /// Present under `evidence/` but not listed.
    Added,
}

impl ProblemKind {
    /// `changed`, `missing` or `added`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Changed => "changed",
            ProblemKind::Missing => "missing",
            ProblemKind::Added => "added",
        }
    }
}

/// A path from a record or manifest as a relative path inside the run folder, or `None` if it is
/// empty, absolute, climbs out (`..`), or holds characters `sha256sum` would escape.
pub(crate) fn checked_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains(['\\', '\n', '\r', '\0']) {
        return None;
    }
    let mut out = PathBuf::new();
    for part in path.split('/') {
        // A drive prefix (`C:`) would make the joined path absolute on Windows.
        if part.is_empty() || part == "." || part == ".." || part.contains(':') {
            return None;
        }
        out.push(part);
    }
    Some(out)
}

/// The SHA-256 of a file, lower-case hex, read in blocks.
pub(crate) fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// A manifest as path → (hash, the path as a relative file path).
type Listing = BTreeMap<String, (String, PathBuf)>;

/// Parses `sha256sum` lines, naming the line of any malformed entry.
fn parse_manifest(file: &Path, text: &str) -> Result<Listing, ReportError> {
    let mut listed = BTreeMap::new();
    let body = text.strip_suffix('\n').unwrap_or(text);
    for (index, raw) in body.split('\n').enumerate() {
        let bad = |message: &str| ReportError::ManifestLine {
            path: file.to_path_buf(),
            line: index + 1,
            message: message.to_owned(),
        };
        if body.is_empty() {
            break;
        }
        // Tolerate a checkout that turned LF into CRLF.
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let (hash, rest) = match (line.get(..64), line.get(64..)) {
            (Some(hash), Some(rest)) => (hash, rest),
            _ => return Err(bad("too short for a SHA-256 line")),
        };
        if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("does not start with 64 hex digits"));
        }
        let path = rest
            .strip_prefix("  ")
            .or_else(|| rest.strip_prefix(" *"))
            .ok_or_else(|| bad("the hash must be followed by two spaces and the path"))?;
        let relative = checked_relative(path).ok_or_else(|| {
            bad(&format!(
                "path {path:?} is not a plain relative path inside the run folder"
            ))
        })?;
        if listed
            .insert(path.to_owned(), (hash.to_ascii_lowercase(), relative))
            .is_some()
        {
            return Err(bad(&format!("{path} is listed twice")));
        }
    }
    Ok(listed)
}

/// Every file under `run_dir/sub` (recursively, not following links), as `/`-separated paths
/// relative to `run_dir`, sorted. A missing folder has no files.
fn files_under(run_dir: &Path, sub: &str) -> Result<Vec<String>, ReportError> {
    let mut found = Vec::new();
    let mut pending = vec![(run_dir.join(sub), sub.to_owned())];
    while let Some((dir, relative)) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(source) => return Err(ReportError::Read { path: dir, source }),
        };
        for entry in entries {
            let entry = entry.map_err(|source| ReportError::Read {
                path: dir.clone(),
                source,
            })?;
            let name = format!("{relative}/{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().map_err(|source| ReportError::Read {
                path: entry.path(),
                source,
            })?;
            if kind.is_dir() {
                pending.push((entry.path(), name));
            } else {
                found.push(name);
            }
        }
    }
    found.sort();
    Ok(found)
}
