//! Reading suite and data-profile files, built in or from disk, and checking them.
//!
//! Errors name the file, line and column: yaml_serde places syntax and type errors; the checks
//! that run on the whole suite (unique ids, known operations and codes, templates, fields the
//! operation can return) place an error at the line of the case's `id:`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use smsp_protocol::{ItkErrorCode, Operation};
use smsp_response_codes::ResponseCodeTable;

use super::model::{Case, ProfileFile, RequestFields, ResponseField, SuiteFile};
use super::template::facts_used;

/// The largest suite or profile file read. The PDS suite is about 40 KB.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Built-in suites: name → (file name, text).
const BUILTIN_SUITES: [(&str, &str, &str); 1] = [(
    "pds-provider",
    "pds-provider.yaml",
    include_str!("../../../scenarios/suites/pds-provider.yaml"),
)];

/// Built-in data profiles: name → (file name, text).
const BUILTIN_PROFILES: [(&str, &str, &str); 2] = [
    (
        "default",
        "default.yaml",
        include_str!("../../../scenarios/profiles/default.yaml"),
    ),
    (
        "opentest",
        "opentest.yaml",
        include_str!("../../../scenarios/profiles/opentest.yaml"),
    ),
];

/// The names of the built-in suites.
pub fn builtin_suite_names() -> Vec<&'static str> {
    BUILTIN_SUITES.iter().map(|(n, _, _)| *n).collect()
}

/// The names of the built-in data profiles.
pub fn builtin_profile_names() -> Vec<&'static str> {
    BUILTIN_PROFILES.iter().map(|(n, _, _)| *n).collect()
}

/// One problem in a suite or profile file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.located_message())]
pub struct SuiteError {
    /// The file (or `<built-in pds-provider.yaml>`).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is more to say.
    pub help: Option<String>,
}

impl SuiteError {
    pub(crate) fn new(
        file: &Path,
        pos: Option<(usize, usize)>,
        message: impl Into<String>,
    ) -> SuiteError {
        SuiteError {
            file: file.to_owned(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> SuiteError {
        self.help = Some(help.into());
        self
    }

    fn located_message(&self) -> String {
        let mut s = self.file.display().to_string();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                s.push_str(&format!(":{column}"));
            }
        }
        s.push_str(": ");
        s.push_str(&self.message);
        if let Some(help) = &self.help {
            s.push_str(&format!(" (help: {help})"));
        }
        s
    }
}

/// Every problem found in a file; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SuiteErrors(pub Vec<SuiteError>);

impl fmt::Display for SuiteErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<SuiteError> for SuiteErrors {
    fn from(e: SuiteError) -> SuiteErrors {
        SuiteErrors(vec![e])
    }
}

/// Where a suite or profile came from, and the exact bytes read (for the run record's hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The name it is known by (`pds-provider`, or the path as given).
    pub name: String,
    /// A path, or `built-in`.
    pub source: String,
    /// The file as shown in errors.
    pub file: PathBuf,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

/// A checked suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// Where it came from.
    pub origin: Origin,
    /// Its contents.
    pub file: SuiteFile,
}

/// A checked data profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Where it came from.
    pub origin: Origin,
    /// Its contents.
    pub file: ProfileFile,
}

impl Profile {
    /// The facts of the patient bound to `role`, if the profile binds it.
    pub fn role(&self, role: &str) -> Option<&BTreeMap<String, String>> {
        self.file.roles.get(role)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads `name_or_path`: a built-in name (`pds-provider`) or a path to a file.
pub(crate) fn read_source(
    name_or_path: &str,
    builtins: &[(&'static str, &'static str, &'static str)],
    what: &str,
) -> Result<(Origin, String), SuiteErrors> {
    if let Some((name, file, text)) = builtins.iter().find(|(n, _, _)| *n == name_or_path) {
        let origin = Origin {
            name: (*name).to_owned(),
            source: "built-in".to_owned(),
            file: PathBuf::from(format!("<built-in {file}>")),
            sha256: sha256_hex(text.as_bytes()),
        };
        return Ok((origin, (*text).to_owned()));
    }
    let path = Path::new(name_or_path);
    let known = builtins
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ");
    let meta = std::fs::metadata(path).map_err(|e| {
        SuiteError::new(path, None, format!("cannot read the {what}: {e}")).with_help(format!(
            "give a path to a YAML file, or a built-in {what} name: {known}"
        ))
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(SuiteError::new(
            path,
            None,
            format!(
                "file is {} bytes, more than the {MAX_FILE_BYTES}-byte limit",
                meta.len()
            ),
        )
        .into());
    }
    let bytes = std::fs::read(path)
        .map_err(|e| SuiteError::new(path, None, format!("cannot read the {what}: {e}")))?;
    let sha256 = sha256_hex(&bytes);
    let text = String::from_utf8(bytes).map_err(|e| {
        SuiteError::new(path, None, format!("not UTF-8 text: {e}"))
            .with_help("save the file as UTF-8")
    })?;
    let origin = Origin {
        name: name_or_path.to_owned(),
        source: path.display().to_string(),
        file: path.to_owned(),
        sha256,
    };
    Ok((origin, text))
}

pub(crate) fn parse_yaml<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, SuiteErrors> {
    if let Some(pos) = find_alias(text) {
        return Err(
            SuiteError::new(file, Some(pos), "YAML aliases are not allowed")
                .with_help("write the value out in full, or quote text that starts with `*`")
                .into(),
        );
    }
    yaml_serde::from_str::<T>(text).map_err(|e| {
        let pos = e.location().map(|l| (l.line(), l.column()));
        let mut message = e.to_string();
        if let Some((line, column)) = pos {
            let suffix = format!(" at line {line} column {column}");
            if let Some(at) = message.find(&suffix) {
                message.replace_range(at..at + suffix.len(), "");
            }
        }
        SuiteError::new(file, pos, message).into()
    })
}

/// Where the text first uses a YAML alias (`*name` as a value), 1-based line and column.
/// Suites have no use for aliases and an alias can expand without bound.
fn find_alias(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(n, line)| {
        let line = line.split(" #").next().unwrap_or(line);
        line.match_indices('*').find_map(|(i, _)| {
            let before = line[..i].trim_end();
            let after = line[i + 1..].chars().next();
            let value_start = before.is_empty()
                || before.ends_with(':')
                || before.ends_with('-')
                || before.ends_with('[')
                || before.ends_with(',');
            (value_start && after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_'))
                .then(|| (n + 1, line[..i].chars().count() + 1))
        })
    })
}

/// The 1-based line and column of the `id:` of case `id` in `text`.
pub(crate) fn locate_case(text: &str, id: &str) -> Option<(usize, usize)> {
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if let Some(value) = trimmed.strip_prefix("id:") {
            let value = value.split(" #").next().unwrap_or(value).trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            if value == id {
                let column = line.len() - line.trim_start().len() + 1;
                return Some((n + 1, column));
            }
        }
    }
    None
}

/// Loads and checks a suite (a built-in name or a path) against a response-code table.
pub fn load_suite(name_or_path: &str, codes: &ResponseCodeTable) -> Result<Suite, SuiteErrors> {
    let (origin, text) = read_source(name_or_path, &BUILTIN_SUITES, "suite")?;
    let file: SuiteFile = parse_yaml(&origin.file, &text)?;
    let errors = check_suite(&origin.file, &text, &file, codes);
    if errors.is_empty() {
        Ok(Suite { origin, file })
    } else {
        Err(SuiteErrors(errors))
    }
}

/// Loads and checks a data profile (a built-in name or a path).
pub fn load_profile(name_or_path: &str) -> Result<Profile, SuiteErrors> {
    let (origin, text) = read_source(name_or_path, &BUILTIN_PROFILES, "data profile")?;
    let file: ProfileFile = parse_yaml(&origin.file, &text)?;
    let mut errors = Vec::new();
    for (role, facts) in &file.roles {
        let pos = text
            .lines()
            .position(|l| l.trim_start().trim_end_matches(':') == role.as_str())
            .map(|n| (n + 1, 1));
        if let Some(n) = facts.get("nhs_number")
            && (n.len() != 10 || !n.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.push(SuiteError::new(
                &origin.file,
                pos,
                format!("role `{role}`: nhs_number `{n}` is not ten digits"),
            ));
        }
        if facts.is_empty() {
            errors.push(SuiteError::new(
                &origin.file,
                pos,
                format!("role `{role}` has no facts"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(Profile { origin, file })
    } else {
        Err(SuiteErrors(errors))
    }
}

/// The roles a suite uses that a profile does not bind, with the cases using each.
pub fn unbound_roles(suite: &SuiteFile, profile: &ProfileFile) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in &suite.cases {
        if let Some(role) = &case.patient
            && !profile.roles.contains_key(role)
        {
            out.entry(role.clone()).or_default().push(case.id.clone());
        }
    }
    out
}

/// The facts a case reads from its patient (in the request and in `expect.equal`).
pub fn facts_read(case: &Case) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for template in request_templates(&case.request)
        .into_iter()
        .chain(case.expect.equal.values().map(String::as_str))
    {
        if let Ok(names) = facts_used(template) {
            out.extend(names.into_iter().map(str::to_owned));
        }
    }
    out
}

fn request_templates(r: &RequestFields) -> Vec<&str> {
    [
        &r.nhs_number,
        &r.birth_date,
        &r.gender,
        &r.surname,
        &r.given,
        &r.postcode,
        &r.local_identifier,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect()
}

/// Whether a response to `operation` can carry `field` at all.
pub fn field_applies(operation: Operation, field: ResponseField) -> bool {
    use ResponseField::*;
    match operation {
        Operation::VerifyNhsNumber => matches!(field, NhsNumber | Verified),
        Operation::GetNhsNumber => matches!(field, NhsNumber | LocalIdentifier),
        _ => field != Verified,
    }
}

fn check_suite(
    file: &Path,
    text: &str,
    suite: &SuiteFile,
    codes: &ResponseCodeTable,
) -> Vec<SuiteError> {
    let mut errors = Vec::new();
    if suite.cases.is_empty() {
        errors.push(SuiteError::new(file, None, "the suite has no cases"));
    }
    let mut seen = BTreeSet::new();
    for case in &suite.cases {
        let pos = locate_case(text, &case.id);
        let mut err = |message: String, help: Option<&str>| {
            let e = SuiteError::new(file, pos, format!("case `{}`: {message}", case.id));
            errors.push(match help {
                Some(h) => e.with_help(h),
                None => e,
            });
        };
        if case.id.is_empty()
            || !case
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            err(
                "an id is letters, digits, `-`, `_` and `.`".to_owned(),
                Some("ids name evidence folders and JUnit test cases"),
            );
        }
        if !seen.insert(case.id.as_str()) {
            err("the id is used by an earlier case".to_owned(), None);
        }
        let operation = Operation::from_name(&case.operation);
        if operation.is_none() {
            let names: Vec<&str> = Operation::ALL.iter().map(|o| o.name()).collect();
            err(
                format!("unknown operation `{}`", case.operation),
                Some(&format!("one of: {}", names.join(", "))),
            );
        }
        for template in request_templates(&case.request)
            .into_iter()
            .chain(case.expect.equal.values().map(String::as_str))
        {
            match facts_used(template) {
                Ok(facts) if !facts.is_empty() && case.patient.is_none() => err(
                    format!(
                        "`{template}` reads the patient's facts, but the case names no `patient` role"
                    ),
                    Some("add `patient: ROLE`, or write the value out"),
                ),
                Ok(_) => {}
                Err(e) => err(e.to_string(), None),
            }
        }
        let expect = &case.expect;
        for code in expect.response_code.iter().chain(&expect.review_if_code) {
            if codes.get(code).is_none() {
                err(
                    format!("response code `{code}` is not in the response-code table"),
                    Some("`smsp codes` lists the codes"),
                );
            }
        }
        if let Some(fault) = &expect.fault {
            if expect.response_code.is_some() {
                err(
                    "expects both a response code and a fault".to_owned(),
                    Some("a provider answers one or the other"),
                );
            }
            if let Some(c) = &fault.code
                && !matches!(
                    c.as_str(),
                    "Client" | "Server" | "VersionMismatch" | "MustUnderstand"
                )
            {
                err(
                    format!(
                        "fault code `{c}` is not Client, Server, VersionMismatch or MustUnderstand"
                    ),
                    None,
                );
            }
            if let Some(c) = &fault.error_code
                && matches!(ItkErrorCode::from_wire(c), ItkErrorCode::Other(_))
            {
                err(
                    format!("ITK error code `{c}` is not 1000, 2100, 2200 or 3000"),
                    None,
                );
            }
        }
        if expect.refused && case.transport.is_none() {
            err(
                "expects the handshake to be refused but sets no `transport`".to_owned(),
                Some("add `transport: {client_certificate: none}`"),
            );
        }
        if let Some(op) = operation {
            let fields = expect
                .present
                .iter()
                .chain(&expect.absent)
                .chain(expect.equal.keys());
            for field in fields {
                if !field_applies(op, *field) {
                    err(
                        format!("a {} response has no `{}`", op.name(), field.as_str()),
                        None,
                    );
                }
            }
        }
        for field in &expect.present {
            if expect.absent.contains(field) {
                err(
                    format!("`{}` is expected both present and absent", field.as_str()),
                    None,
                );
            }
        }
        for req in &case.requirements {
            if req.is_empty() || req.contains(char::is_whitespace) {
                err(
                    format!("requirement id `{req}` is empty or has spaces"),
                    None,
                );
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_a_case() {
        let text = "cases:\n  - id: A-1\n    title: x\n  - id: \"B-2\"\n";
        assert_eq!(locate_case(text, "B-2"), Some((4, 3)));
        assert_eq!(locate_case(text, "C-3"), None);
    }

    #[test]
    fn spots_aliases_but_not_wildcards() {
        assert_eq!(find_alias("a: &x 1\nb: *x\n"), Some((2, 4)));
        assert_eq!(find_alias("surname: \"SMI*\"\n"), None);
        assert_eq!(find_alias("surname: '*'\n"), None);
    }
}
