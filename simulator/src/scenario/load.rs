//! Reading scenario files and checking them as a whole.
//!
//! [`parse_file_text`] turns one file's text into a [`ScenarioFile`], guarding against hostile
//! YAML first. [`load_paths`] reads files and folders, parses each, checks the whole scenario
//! (numbers, supersession, rules, response codes) and merges the files into the [`Scenario`] the
//! engine serves. [`builtin_default`] and [`builtin`] do the same for the scenarios shipped
//! inside the binary.
//!
//! # Where errors point
//!
//! yaml_serde knows the line and column of syntax and type errors, but keeps no positions once a
//! file is deserialised. For the whole-file checks an outline of the text, built by a small
//! line scanner, remembers where each block-style key and list item starts (`patients[3]`,
//! `rules[2].then.code`), so an error can name the line and column of the offending item. When an
//! item is written in flow style (`{...}`) the error points at the nearest enclosing item the
//! scanner saw.
//!
//! # Hostile input
//!
//! - Size: files over [`MAX_SCENARIO_BYTES`] are refused before they are read.
//! - Aliases: refused. yaml_serde stops the classic billion-laughs bomb (it limits alias
//!   expansions to 100 per event), but a large anchored list referenced many times still costs
//!   time quadratic in the file size (we measured 1.5 s for a 20 KB file), so a scenario file may
//!   define anchors but not use them.
//! - Flow nesting: refused beyond [`MAX_FLOW_DEPTH`], because the YAML parser's cost per token
//!   grows with the flow depth (quadratic overall: 20 000 nested `[` took 0.75 s, 100 000 took a
//!   minute). Block nesting is bounded by yaml_serde's recursion limit, and costs the file size.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::hash::BuildHasherDefault;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use smsp_protocol::NhsNumber;
use smsp_response_codes::{ResponseCodeTable, Service};

use super::model::{Action, Patient, Rule, ScenarioFile};
use super::parallel;
use super::{LoadedRule, ResolvedOptions, Scenario, Source};
use crate::store::MixHasher;

/// The largest scenario file read, in bytes. A 700-patient file is about 300 KB; the cap only
/// stops a mistaken or hostile path from exhausting memory (the YAML events of a file take
/// several times its size).
pub const MAX_SCENARIO_BYTES: u64 = 64 * 1024 * 1024;

/// The deepest flow nesting (`[`/`{`) accepted. Scenario files need three levels at most.
pub const MAX_FLOW_DEPTH: usize = 32;

/// The text of the built-in default scenario.
const DEFAULT_YAML: &str = include_str!("../../../scenarios/default.yaml");
/// The text of the built-in TKW trigger scenario.
const TKW_TRIGGERS_YAML: &str = include_str!("../../../scenarios/tkw-triggers.yaml");

/// The names [`builtin`] knows, with their file names.
pub const BUILTIN_NAMES: [&str; 2] = ["default", "tkw-triggers"];

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// One problem in a scenario, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.located_message())]
pub struct ScenarioError {
    /// The file (or `<built-in default.yaml>`).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is more to say than the message.
    pub help: Option<String>,
}

impl ScenarioError {
    fn new(file: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_path_buf(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message: message.into(),
            help: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column: message`, leaving out what is not known.
    fn located_message(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}: {}", self.message),
            (Some(l), None) => format!("{file}:{l}: {}", self.message),
            _ => format!("{file}: {}", self.message),
        }
    }
}

/// Every problem found in a scenario. Displayed one error per line, each followed by an
/// indented `help:` line when it has help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
            if let Some(help) = &e.help {
                write!(f, "\n  help: {help}")?;
            }
        }
        Ok(())
    }
}

impl ScenarioErrors {
    /// The errors.
    pub fn iter(&self) -> std::slice::Iter<'_, ScenarioError> {
        self.0.iter()
    }
}

impl From<ScenarioError> for ScenarioErrors {
    fn from(e: ScenarioError) -> Self {
        ScenarioErrors(vec![e])
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    column: usize,
}

// ---------------------------------------------------------------------------------------------
// One file
// ---------------------------------------------------------------------------------------------

/// Parses one scenario file's text. `path` is only used in errors.
///
/// Checks the YAML syntax, the field names and each field's shape (NHS numbers are digits, dates
/// are dates). Checks that need the whole scenario are [`load_paths`]'s.
pub fn parse_file_text(path: &Path, text: &str) -> Result<ScenarioFile, ScenarioErrors> {
    parse_texts(&[(path, text)])
        .pop()
        .unwrap_or_else(|| Err(internal_parse_error(path)))
}

/// Patients text per parsing job: large enough that a job's set-up is small beside it, small
/// enough that a file spreads over the cores and the parser's buffers for a job stay small.
const RUN_BYTES: usize = 64 * 1024;

/// How one file is parsed: whole, or split at the items of its root `patients` list.
///
/// yaml_serde reads a whole document's events into memory before deserialising it, about 20
/// bytes of events per byte of text, so a 37 MB file of 100,000 patients took 0.9 GB and most of
/// its time went to the kernel handing out pages. Split, each run of items is a small document
/// of its own, and the runs of every file are parsed in parallel.
///
/// A split changes nothing a user can see: the runs are the items' exact text (their columns
/// kept), the rest is the file with the list replaced by ` []`, and if any part fails to parse the
/// whole file is parsed as one document, so errors and their places are the same as ever. Only
/// lines the outline scanner takes for items of the root list are split at; were it wrong, a
/// run would start or end inside a quoted scalar, a flow collection or a block scalar, and that
/// run fails to parse (a line at the list's column cannot continue a block or plain scalar).
enum ParsePlan<'a> {
    /// No block-style root `patients` list: one document.
    Whole,
    /// The file without its patients, and the runs of items in order.
    Split { rest: String, runs: Vec<&'a str> },
}

impl<'a> ParsePlan<'a> {
    /// Splits `text` where `items` says its patients are.
    fn new(text: &'a str, items: &PatientItems) -> ParsePlan<'a> {
        let (Some(&first), Some(end)) = (items.starts.first(), items.end) else {
            return ParsePlan::Whole;
        };
        let mut rest = String::with_capacity(first + 4 + text.len() - end);
        rest.push_str(&text[..first]);
        rest.push_str(" []\n");
        rest.push_str(&text[end..]);
        let mut runs = Vec::new();
        let mut from = first;
        for &start in &items.starts[1..] {
            if start - from >= RUN_BYTES {
                runs.push(&text[from..start]);
                from = start;
            }
        }
        runs.push(&text[from..end]);
        ParsePlan::Split { rest, runs }
    }
}

/// One parsing job: a whole file or the rest of a split file, or one run of its patients.
enum ParseJob<'p> {
    File(&'p str),
    Patients(&'p str),
}

/// What a [`ParseJob`] gave.
enum ParseOutput {
    File(Result<ScenarioFile, yaml_serde::Error>),
    Patients(Result<Vec<Patient>, yaml_serde::Error>),
}

/// Parses files' texts (each a path, used only in errors, and the text), their patients spread
/// over the machine's cores; results in input order.
fn parse_texts(files: &[(&Path, &str)]) -> Vec<Result<ScenarioFile, ScenarioErrors>> {
    let plans = parallel::map(files.len(), |i| plan(files[i].0, files[i].1));
    // Each planned file's jobs, in order: the file (or its rest), then its runs.
    let mut jobs = Vec::new();
    for (planned, &(_, text)) in plans.iter().zip(files) {
        match planned {
            Some(Ok(ParsePlan::Whole)) => jobs.push(ParseJob::File(text)),
            Some(Ok(ParsePlan::Split { rest, runs })) => {
                jobs.push(ParseJob::File(rest));
                jobs.extend(runs.iter().map(|run| ParseJob::Patients(run)));
            }
            _ => {}
        }
    }
    let outputs = parallel::map(jobs.len(), |j| match jobs[j] {
        ParseJob::File(text) => ParseOutput::File(yaml_serde::from_str(text)),
        ParseJob::Patients(text) => ParseOutput::Patients(yaml_serde::from_str(text)),
    });
    let mut outputs = outputs.into_iter();
    plans
        .into_iter()
        .zip(files)
        .map(|(planned, &(path, text))| {
            // The fallback for a split file, on this thread: caught like the jobs were.
            let whole = || match parallel::catching(|| yaml_serde::from_str::<ScenarioFile>(text)) {
                Some(Ok(file)) => Ok(file),
                Some(Err(e)) => Err(yaml_error(path, text, &e).into()),
                None => Err(internal_parse_error(path)),
            };
            match planned {
                None => Err(internal_parse_error(path)),
                Some(Err(e)) => Err(e),
                Some(Ok(ParsePlan::Whole)) => match outputs.next() {
                    Some(Some(ParseOutput::File(Ok(file)))) => Ok(file),
                    Some(Some(ParseOutput::File(Err(e)))) => Err(yaml_error(path, text, &e).into()),
                    _ => Err(internal_parse_error(path)),
                },
                Some(Ok(ParsePlan::Split { runs, .. })) => {
                    let rest = outputs.next();
                    let mut file = match rest {
                        Some(Some(ParseOutput::File(Ok(file)))) if file.patients.is_empty() => {
                            Some(file)
                        }
                        _ => None,
                    };
                    let mut patients = Vec::new();
                    for _ in 0..runs.len() {
                        match outputs.next() {
                            Some(Some(ParseOutput::Patients(Ok(run)))) => {
                                if patients.is_empty() {
                                    patients.reserve(run.len() * runs.len());
                                }
                                patients.extend(run);
                            }
                            // A run that fails: the whole file's parse says what and where.
                            _ => file = None,
                        }
                    }
                    match file {
                        Some(mut file) => {
                            file.patients = patients;
                            Ok(file)
                        }
                        None => whole(),
                    }
                }
            }
        })
        .collect()
}

/// The hostile-input guards, then how to parse the file.
fn plan<'a>(path: &Path, text: &'a str) -> Result<ParsePlan<'a>, ScenarioErrors> {
    if text.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(too_big(path, text.len() as u64).into());
    }
    // Only the guards and the patients items here: where other items start is needed only to
    // place a whole-scenario error, so that part of the outline is built later, and only if one
    // is found.
    let outline = Outline::guard(text);
    if let Some(pos) = outline.flow_too_deep {
        return Err(ScenarioError::new(
            path,
            Some(pos),
            format!("flow collections nested more than {MAX_FLOW_DEPTH} deep"),
        )
        .with_help("a scenario needs a few levels of `[...]`/`{...}` at most; write nested items in block style")
        .into());
    }
    if let Some((pos, name)) = outline.aliases.first() {
        let more = match outline.aliases.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        return Err(ScenarioError::new(
            path,
            Some(*pos),
            format!("YAML alias `*{name}`{more}: aliases are not allowed in scenario files"),
        )
        .with_help(
            "an alias can expand without bound (an alias bomb); write the value out in full, \
             or quote it if `*` is meant as text",
        )
        .into());
    }
    Ok(ParsePlan::new(text, &outline.patients))
}

/// A parse that panicked (never expected: the invariant is that input cannot make one).
fn internal_parse_error(path: &Path) -> ScenarioErrors {
    ScenarioError::new(
        path,
        None,
        "internal error while parsing this file".to_owned(),
    )
    .into()
}

fn too_big(path: &Path, len: u64) -> ScenarioError {
    ScenarioError::new(
        path,
        None,
        format!(
            "file is {len} bytes, more than the {MAX_SCENARIO_BYTES}-byte limit for a scenario"
        ),
    )
    .with_help("split the scenario into several files in one folder")
}

/// Turns a yaml_serde error into ours, moving its `at line L column C` into the location.
fn yaml_error(path: &Path, text: &str, e: &yaml_serde::Error) -> ScenarioError {
    let mut message = e.to_string();
    let pos = e.location().map(|l| Pos {
        line: l.line(),
        column: l.column(),
    });
    if let Some(p) = pos {
        let suffix = format!(" at line {} column {}", p.line, p.column);
        if let Some(at) = message.find(&suffix) {
            message.replace_range(at..at + suffix.len(), "");
        }
    }
    // A backstop: aliases are refused before parsing, so this should not be reachable.
    if message == "repetition limit exceeded" {
        message = "too many alias expansions (an alias bomb?)".to_owned();
    }
    let pos = e
        .location()
        .and_then(|l| locate_bad_value(text, l.index(), &message))
        .or(pos);
    ScenarioError::new(path, pos, message)
}

/// Our field checks (`date "…"`, `NHS number "…"`) fail after yaml_serde has moved past the
/// value, so it reports the start of the enclosing item. The value is in the message: find it
/// in the text from there on, and point at it.
fn locate_bad_value(text: &str, from: usize, message: &str) -> Option<Pos> {
    let quoted = ["date \"", "NHS number \""]
        .iter()
        .find_map(|lead| message.find(lead).map(|at| at + lead.len()))?;
    let value = message.get(quoted..)?.split('"').next()?;
    // A value with escapes in its debug form is not worth chasing; keep yaml_serde's place.
    if value.is_empty() || value.contains('\\') {
        return None;
    }
    let at = from + text.get(from..)?.find(value)?;
    let before = text.get(..at)?;
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..)?.chars().count() + 1;
    Some(Pos { line, column })
}

// ---------------------------------------------------------------------------------------------
// Loading and merging
// ---------------------------------------------------------------------------------------------

/// One text to load: where it came from, and what to call it in rule origins.
struct Input {
    path: PathBuf,
    display_name: String,
    text: String,
}

/// Where one part of a scenario comes from: a file or folder, or a built-in scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioSource {
    /// A file, or a folder of `*.yaml` / `*.yml` files.
    Path(PathBuf),
    /// A built-in scenario by name (see [`BUILTIN_NAMES`]).
    Builtin(String),
}

/// Loads scenario files and folders, checks them as a whole and merges them.
///
/// A folder contributes every `*.yaml` / `*.yml` file directly inside it, in name order; an empty
/// folder is an error. Files merge in the order given: options from the first file that sets
/// each, rules and patients in order. Every problem found is reported, not only the first.
pub fn load_paths(
    paths: &[PathBuf],
    codes: &ResponseCodeTable,
) -> Result<Scenario, ScenarioErrors> {
    let sources: Vec<ScenarioSource> = paths.iter().cloned().map(ScenarioSource::Path).collect();
    load_sources(&sources, codes)
}

/// Loads files, folders and built-in scenarios together, as [`load_paths`] does files, so the
/// whole-scenario checks (duplicate numbers, references) see all of them.
pub fn load_sources(
    sources: &[ScenarioSource],
    codes: &ResponseCodeTable,
) -> Result<Scenario, ScenarioErrors> {
    let mut errors = Vec::new();
    let mut inputs = Vec::new();
    for source in sources {
        match source {
            ScenarioSource::Builtin(name) => match builtin_input(name) {
                Some(input) => inputs.push(input),
                None => errors.push(
                    ScenarioError::new(
                        &PathBuf::from(format!("<built-in {name}>")),
                        None,
                        format!("there is no built-in scenario {name:?}"),
                    )
                    .with_help(format!("built-in scenarios: {}", BUILTIN_NAMES.join(", "))),
                ),
            },
            ScenarioSource::Path(path) => match expand(path) {
                Ok(files) => {
                    for file in files {
                        match read_capped(&file) {
                            Ok(text) => inputs.push(Input {
                                display_name: file_display_name(&file),
                                path: file,
                                text,
                            }),
                            Err(e) => errors.push(e),
                        }
                    }
                }
                Err(e) => errors.push(e),
            },
        }
    }
    load_inputs(inputs, errors, codes)
}

/// Loads scenario texts already in memory, as [`load_paths`] does files: each is a path (used
/// in errors and origins) and the file's text.
pub fn load_texts(
    files: &[(PathBuf, String)],
    codes: &ResponseCodeTable,
) -> Result<Scenario, ScenarioErrors> {
    let inputs = files
        .iter()
        .map(|(path, text)| Input {
            display_name: file_display_name(path),
            path: path.clone(),
            text: text.clone(),
        })
        .collect();
    load_inputs(inputs, Vec::new(), codes)
}

/// The built-in default scenario (`scenarios/default.yaml`, compiled in).
pub fn builtin_default(codes: &ResponseCodeTable) -> Result<Scenario, ScenarioErrors> {
    load_sources(&[ScenarioSource::Builtin("default".to_owned())], codes)
}

/// A built-in scenario by name: `default` or `tkw-triggers` (see [`BUILTIN_NAMES`]). `None`
/// for any other name.
pub fn builtin(name: &str, codes: &ResponseCodeTable) -> Option<Result<Scenario, ScenarioErrors>> {
    builtin_text(name)?;
    Some(load_sources(
        &[ScenarioSource::Builtin(name.to_owned())],
        codes,
    ))
}

/// A built-in scenario's file name and text (`default.yaml` for `default`), for showing or
/// copying it.
pub fn builtin_text(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "default" => Some(("default.yaml", DEFAULT_YAML)),
        "tkw-triggers" => Some(("tkw-triggers.yaml", TKW_TRIGGERS_YAML)),
        _ => None,
    }
}

fn builtin_input(name: &str) -> Option<Input> {
    let (file_name, text) = builtin_text(name)?;
    Some(Input {
        path: PathBuf::from(format!("<built-in {file_name}>")),
        display_name: file_name.to_owned(),
        text: text.to_owned(),
    })
}

/// The name rule origins use: the file name, or the built-in's file name.
fn file_display_name(path: &Path) -> String {
    let shown = path.display().to_string();
    if let Some(inner) = shown
        .strip_prefix("<built-in ")
        .and_then(|s| s.strip_suffix('>'))
    {
        return inner.to_owned();
    }
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(shown)
}

/// A path to the files it stands for: itself, or a folder's YAML files in name order.
fn expand(path: &Path) -> Result<Vec<PathBuf>, ScenarioError> {
    let meta = fs::metadata(path)
        .map_err(|e| ScenarioError::new(path, None, format!("cannot read: {e}")))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = fs::read_dir(path)
        .map_err(|e| ScenarioError::new(path, None, format!("cannot list the folder: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry
            .map_err(|e| ScenarioError::new(path, None, format!("cannot list the folder: {e}")))?;
        let p = entry.path();
        let is_yaml = p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"));
        // Follows symbolic links, so a linked scenario file counts.
        if is_yaml && fs::metadata(&p).is_ok_and(|m| m.is_file()) {
            files.push(p);
        }
    }
    if files.is_empty() {
        return Err(ScenarioError::new(
            path,
            None,
            "folder has no scenario files (*.yaml or *.yml directly inside)",
        ));
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// Reads a file as UTF-8, refusing it past [`MAX_SCENARIO_BYTES`] without reading it all.
fn read_capped(path: &Path) -> Result<String, ScenarioError> {
    let cannot = |e: std::io::Error| ScenarioError::new(path, None, format!("cannot read: {e}"));
    let file = fs::File::open(path).map_err(cannot)?;
    // Sized from the file's length, so a large file is not copied through doubling buffers
    // (`take` hides the length `read_to_end` would otherwise use).
    let declared = file
        .metadata()
        .map_or(0, |m| m.len().min(MAX_SCENARIO_BYTES + 1));
    let mut bytes = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        let len = fs::metadata(path)
            .map(|m| m.len())
            .unwrap_or(bytes.len() as u64);
        return Err(too_big(path, len));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = e.as_bytes().get(..valid).unwrap_or_default();
        let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
        let column = prefix.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        ScenarioError::new(
            path,
            Some(Pos { line, column }),
            format!("not UTF-8 text (invalid byte at offset {valid})"),
        )
        .with_help("save the scenario as UTF-8")
    })
}

/// A parsed file with what the checks need.
struct Parsed {
    path: PathBuf,
    display_name: String,
    sha256: String,
    file: ScenarioFile,
    /// The text, kept to build the outline if an error has to be placed.
    text: String,
    outline: std::sync::OnceLock<Outline>,
}

impl Parsed {
    /// Where items start, scanned on first use: a valid scenario never needs it.
    fn outline(&self) -> &Outline {
        self.outline.get_or_init(|| Outline::scan(&self.text))
    }
}

/// A parsed file and its SHA-256, or its errors.
type ParseResult = Result<(ScenarioFile, String), ScenarioErrors>;

/// Hashes and parses every input, spread over the machine's cores; results in input order.
fn parse_all(inputs: Vec<Input>) -> Vec<(Input, ParseResult)> {
    let hashes = parallel::map(inputs.len(), |i| {
        hex::encode(Sha256::digest(inputs[i].text.as_bytes()))
    });
    let texts: Vec<(&Path, &str)> = inputs
        .iter()
        .map(|i| (i.path.as_path(), i.text.as_str()))
        .collect();
    let parsed = parse_texts(&texts);
    let results: Vec<ParseResult> = parsed
        .into_iter()
        .zip(hashes)
        .zip(&inputs)
        .map(|((parsed, hash), input)| {
            let hash = hash.ok_or_else(|| internal_parse_error(&input.path))?;
            parsed.map(|file| (file, hash))
        })
        .collect();
    inputs.into_iter().zip(results).collect()
}

fn load_inputs(
    inputs: Vec<Input>,
    mut errors: Vec<ScenarioError>,
    codes: &ResponseCodeTable,
) -> Result<Scenario, ScenarioErrors> {
    let mut parsed = Vec::new();
    let mut all_parsed = errors.is_empty();
    for (input, result) in parse_all(inputs) {
        match result {
            Ok((file, sha256)) => parsed.push(Parsed {
                path: input.path,
                display_name: input.display_name,
                sha256,
                file,
                text: input.text,
                outline: std::sync::OnceLock::new(),
            }),
            Err(e) => {
                all_parsed = false;
                errors.extend(e.0);
            }
        }
    }
    let mut check_errors = Checker::new(&parsed, codes, all_parsed).run();
    // Per file, in order of position, so a reader can work down the file.
    let order: HashMap<&Path, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_path(), i))
        .collect();
    check_errors.sort_by_key(|e| {
        (
            order.get(e.file.as_path()).copied().unwrap_or(usize::MAX),
            e.line.unwrap_or(0),
            e.column.unwrap_or(0),
        )
    });
    errors.extend(check_errors);
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    Ok(merge(parsed))
}

fn merge(parsed: Vec<Parsed>) -> Scenario {
    // A million patients are hundreds of megabytes: one allocation, not a doubling series.
    let mut scenario = Scenario {
        patients: Vec::with_capacity(parsed.iter().map(|p| p.file.patients.len()).sum()),
        ..Scenario::default()
    };
    let mut name_detail = None;
    let mut superseded_response = None;
    for p in parsed {
        name_detail = name_detail.or(p.file.options.name_detail);
        superseded_response = superseded_response.or(p.file.options.superseded_response);
        scenario.sources.push(Source {
            path: p.path,
            name: p.file.name,
            sha256: p.sha256,
        });
        for (i, rule) in p.file.rules.into_iter().enumerate() {
            let origin = match &rule.name {
                Some(name) => format!("{}#rules[{i}] ({name})", p.display_name),
                None => format!("{}#rules[{i}]", p.display_name),
            };
            scenario.rules.push(LoadedRule { rule, origin });
        }
        scenario.patients.extend(p.file.patients);
    }
    let defaults = ResolvedOptions::default();
    scenario.options = ResolvedOptions {
        name_detail: name_detail.unwrap_or(defaults.name_detail),
        superseded_response: superseded_response.unwrap_or(defaults.superseded_response),
    };
    scenario
}

// ---------------------------------------------------------------------------------------------
// Whole-scenario checks
// ---------------------------------------------------------------------------------------------

/// Where a patient is written.
#[derive(Clone, Copy)]
struct PatientRef<'a> {
    file: &'a Parsed,
    index: usize,
    patient: &'a Patient,
}

impl PatientRef<'_> {
    fn path(&self) -> String {
        format!("patients[{}]", self.index)
    }
}

struct Checker<'a> {
    parsed: &'a [Parsed],
    codes: &'a ResponseCodeTable,
    /// Whether every file parsed: cross-references are only checked then, since a file that
    /// failed could hold the patient a reference names.
    complete: bool,
    errors: Vec<ScenarioError>,
    /// Patients by number, the first holder of each.
    /// (A cheap hash: a million numbers go in, and they come from the user's own files.)
    by_number: HashMap<&'a str, PatientRef<'a>, BuildHasherDefault<MixHasher>>,
}

impl<'a> Checker<'a> {
    fn new(parsed: &'a [Parsed], codes: &'a ResponseCodeTable, complete: bool) -> Self {
        Checker {
            parsed,
            codes,
            complete,
            errors: Vec::new(),
            by_number: HashMap::default(),
        }
    }

    fn run(mut self) -> Vec<ScenarioError> {
        for file in self.parsed {
            for (index, patient) in file.file.patients.iter().enumerate() {
                self.check_patient(PatientRef {
                    file,
                    index,
                    patient,
                });
            }
        }
        if self.complete {
            self.check_supersession();
        }
        for file in self.parsed {
            for (index, rule) in file.file.rules.iter().enumerate() {
                self.check_rule(file, index, rule);
            }
        }
        self.errors
    }

    fn error(&mut self, file: &Parsed, path: &str, message: String, help: Option<&str>) {
        let (pos, exact) = file.outline().locate(path);
        let mut message = format!("{path}: {message}");
        if !exact && pos.is_some() {
            // Say so, so nobody hunts for the value on a line that only starts its item.
            message.push_str(" (reported at the enclosing item)");
        }
        let mut e = ScenarioError::new(&file.path, pos, message);
        e.help = help.map(str::to_owned);
        self.errors.push(e);
    }

    fn check_patient(&mut self, p: PatientRef<'a>) {
        let patient = p.patient;
        let number = patient.nhs_number.as_str();
        // Written only when an error needs it: most patients have none.
        let at = || p.path();
        if !patient.old_style
            && let Err(e) = NhsNumber::parse(number)
        {
            self.error(
                p.file,
                &format!("{at_}.nhs_number", at_ = at()),
                e.to_string(),
                Some(
                    "a new-style NHS number is ten digits ending in its modulus-11 check digit; \
                     set `old_style: true` for a number meant to answer DEMOG-0042",
                ),
            );
        }
        if let Some(first) = self.by_number.get(number).copied() {
            let place = self.describe(first);
            self.error(
                p.file,
                &format!("{at_}.nhs_number", at_ = at()),
                format!("NHS number {number} is already used by {place}"),
                Some("every patient needs a number of its own"),
            );
        } else {
            self.by_number.insert(number, p);
        }
        if patient.superseded_by.is_some() && patient.invalidated {
            self.error(
                p.file,
                &format!("{at_}.invalidated", at_ = at()),
                "a superseded patient cannot also be invalidated".to_owned(),
                Some(
                    "superseded answers DEMOG-0017 with the new number; invalidated answers \
                     DEMOG-0022 (no replacement): choose one",
                ),
            );
        }
        if patient.addresses.len() > 3 {
            self.error(
                p.file,
                &format!("{at_}.addresses[3]", at_ = at()),
                format!(
                    "{} addresses; PDS holds at most three (one each H, TMP, PST)",
                    patient.addresses.len()
                ),
                None,
            );
        }
        let mut uses = Vec::new();
        for (j, address) in patient.addresses.iter().enumerate() {
            if address.lines.len() > 5 {
                self.error(
                    p.file,
                    &format!("{at_}.addresses[{j}].lines", at_ = at()),
                    format!(
                        "{} address lines; an address has at most five",
                        address.lines.len()
                    ),
                    None,
                );
            }
            if uses.contains(&address.address_use) {
                self.error(
                    p.file,
                    &format!("{at_}.addresses[{j}].use", at_ = at()),
                    format!(
                        "a second {} address; a patient has one address per use",
                        address.address_use.code()
                    ),
                    None,
                );
            }
            uses.push(address.address_use);
        }
        if let Some(address) = patient
            .gp_practice
            .as_ref()
            .and_then(|g| g.address.as_ref())
            && address.lines.len() > 5
        {
            self.error(
                p.file,
                &format!("{at_}.gp_practice.address.lines", at_ = at()),
                format!(
                    "{} address lines; an address has at most five",
                    address.lines.len()
                ),
                None,
            );
        }
    }

    /// `superseded_by` must name another patient, and the chain must end.
    fn check_supersession(&mut self) {
        let mut reported_cycles: HashSet<&str> = HashSet::new();
        let patients: Vec<PatientRef<'a>> = self
            .parsed
            .iter()
            .flat_map(|file| {
                file.file
                    .patients
                    .iter()
                    .enumerate()
                    .map(move |(index, patient)| PatientRef {
                        file,
                        index,
                        patient,
                    })
            })
            .collect();
        for p in patients {
            let Some(next) = &p.patient.superseded_by else {
                continue;
            };
            let path = format!("{}.superseded_by", p.path());
            let number = p.patient.nhs_number.as_str();
            if next.as_str() == number {
                self.error(
                    p.file,
                    &path,
                    format!("patient {number} is superseded by itself"),
                    None,
                );
                continue;
            }
            if !self.by_number.contains_key(next.as_str()) {
                self.error(
                    p.file,
                    &path,
                    format!("{} names no patient in the scenario", next.as_str()),
                    Some("add the superseding patient, or correct the number"),
                );
                continue;
            }
            // Walk the chain; a number seen twice closes a cycle.
            let mut chain = vec![number];
            let mut current = next.as_str();
            loop {
                if let Some(start) = chain.iter().position(|n| *n == current) {
                    let cycle = &chain[start..];
                    if cycle.contains(&number) && !cycle.iter().any(|n| reported_cycles.contains(n))
                    {
                        reported_cycles.extend(cycle.iter().copied());
                        let mut shown: Vec<&str> = cycle.to_vec();
                        shown.push(current);
                        self.error(
                            p.file,
                            &path,
                            format!("superseded_by forms a cycle: {}", shown.join(" -> ")),
                            Some("a chain of superseded numbers must end at a current record"),
                        );
                    }
                    break;
                }
                chain.push(current);
                match self
                    .by_number
                    .get(current)
                    .and_then(|r| r.patient.superseded_by.as_ref())
                {
                    Some(n) => current = n.as_str(),
                    None => break,
                }
            }
        }
    }

    fn check_rule(&mut self, file: &'a Parsed, index: usize, rule: &Rule) {
        let at = format!("rules[{index}]");
        match (&rule.then, rule.sequence.is_empty()) {
            (Some(_), false) => self.error(
                file,
                &at,
                "rule has both `then` and `sequence`".to_owned(),
                Some("give `then` for one answer, or `sequence` for successive answers"),
            ),
            (None, true) => self.error(
                file,
                &at,
                "rule has neither `then` nor `sequence`".to_owned(),
                Some("say how the rule answers: `then: {code: DEMOG-0001}`, for example"),
            ),
            _ => {}
        }
        if rule.repeat_last && rule.sequence.is_empty() {
            self.error(
                file,
                &format!("{at}.repeat_last"),
                "`repeat_last` only applies to a `sequence`".to_owned(),
                None,
            );
        }
        if rule.times == Some(0) {
            self.error(
                file,
                &format!("{at}.times"),
                "`times: 0` would never answer".to_owned(),
                Some("leave `times` out to answer every matching request, or give 1 or more"),
            );
        }
        if let Some(action) = &rule.then {
            self.check_action(file, &format!("{at}.then"), action);
        }
        for (k, action) in rule.sequence.iter().enumerate() {
            self.check_action(file, &format!("{at}.sequence[{k}]"), action);
        }
    }

    fn check_action(&mut self, file: &'a Parsed, at: &str, action: &Action) {
        let answers: Vec<&str> = [
            ("code", action.code.is_some()),
            ("fault", action.fault.is_some()),
            ("http", action.http.is_some()),
            ("drop_connection", action.drop_connection),
            ("garbage", action.garbage),
            ("busy", action.busy),
            ("spine_unavailable", action.spine_unavailable.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        if answers.len() > 1 {
            self.error(
                file,
                at,
                format!(
                    "action gives {} answers: {}",
                    answers.len(),
                    answers.join(", ")
                ),
                Some("an action answers one way; use a `sequence` for successive answers"),
            );
        }
        if answers.is_empty() && action.delay_ms.is_none() && action.patient.is_none() {
            self.error(
                file,
                at,
                "empty action".to_owned(),
                Some(
                    "give one of code, fault, http, drop_connection, garbage, busy or \
                     spine_unavailable, or `delay_ms` alone to delay the normal answer",
                ),
            );
        }
        if let Some(patient) = &action.patient {
            match &action.code {
                None => self.error(
                    file,
                    &format!("{at}.patient"),
                    "`patient` needs a `code` (SMSP-0000, SMSP-0003 or DEMOG-0017)".to_owned(),
                    None,
                ),
                Some(code)
                    if !matches!(code.as_str(), "SMSP-0000" | "SMSP-0003" | "DEMOG-0017") =>
                {
                    self.error(
                        file,
                        &format!("{at}.patient"),
                        format!(
                            "{code} answers carry no patient data, so `patient` would be ignored"
                        ),
                        Some("only SMSP-0000, SMSP-0003 and DEMOG-0017 carry a patient"),
                    )
                }
                Some(_) => {}
            }
            if self.complete && !self.by_number.contains_key(patient.as_str()) {
                self.error(
                    file,
                    &format!("{at}.patient"),
                    format!("patient {} is not in the scenario", patient.as_str()),
                    Some("add the patient, or correct the number"),
                );
            }
        }
        if let Some(code) = &action.code {
            let entries: Vec<Service> = self.codes.entries_for(code).map(|e| e.service).collect();
            if entries.is_empty() {
                self.error(
                    file,
                    &format!("{at}.code"),
                    format!("unknown response code {code:?}"),
                    Some("PDS answers carry SMSP-0000..0005, SMSP-9999 or a DEMOG-* code (`smsp codes` lists them)"),
                );
            } else if !entries
                .iter()
                .any(|s| matches!(s, Service::Generic | Service::Pds))
            {
                let services: Vec<&str> = entries.iter().map(|s| s.name()).collect();
                self.error(
                    file,
                    &format!("{at}.code"),
                    format!(
                        "{code} is defined for {} only, not for PDS answers",
                        services.join(" and ")
                    ),
                    None,
                );
            }
        }
        if let Some(http) = &action.http
            && !(100..=999).contains(&http.status)
        {
            self.error(
                file,
                &format!("{at}.http.status"),
                format!("HTTP status {} is not three digits (100-999)", http.status),
                None,
            );
        }
    }

    fn describe(&self, r: PatientRef<'_>) -> String {
        let (pos, _) = r.file.outline().locate(&format!("{}.nhs_number", r.path()));
        match pos {
            Some(p) => format!("{} ({}:{})", r.path(), r.file.display_name, p.line),
            None => format!("{} ({})", r.path(), r.file.display_name),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The outline: where block-style items start, and the hostile-input pre-scan
// ---------------------------------------------------------------------------------------------

/// What a quick scan of the text found: where each block-style key and list item starts, the
/// aliases used, whether flow collections nest too deep, and where the root `patients` list's
/// items are (for splitting a large file, see [`ParsePlan`]).
///
/// The scanner follows YAML's block structure by indentation and skips the insides of block
/// scalars (`|`, `>`), plain multi-line scalars and quoted scalars, so a `*` or `[` in text is not
/// mistaken for structure. It is not a YAML parser: it only has to be right for files yaml_serde
/// accepts, and a wrong guess costs an approximate location, never a wrong verdict on the file
/// (except that `*` at the start of a token outside quotes is always taken for an alias, as YAML
/// takes it).
#[derive(Debug, Default)]
struct Outline {
    /// `patients[3].nhs_number` → where that key (or `-` of that item) is.
    spots: HashMap<String, Pos>,
    /// Alias uses, with the alias name.
    aliases: Vec<(Pos, String)>,
    /// Where flow nesting first passed [`MAX_FLOW_DEPTH`].
    flow_too_deep: Option<Pos>,
    /// Whether `spots` is filled (only when an error has to be placed).
    record_spots: bool,
    /// Byte offsets of the lines where the block items of the root `patients` list start, in
    /// order, and where that list ends: what [`parse_file_text`] splits a file at.
    patients: PatientItems,
}

/// Where the root `patients` list's block items are in the text (see [`Outline::patients`]).
#[derive(Debug, Default)]
struct PatientItems {
    /// The byte offset of each item's first line.
    starts: Vec<usize>,
    /// The byte offset of the first line after the list (the text's length if none).
    end: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Map,
    Seq,
}

#[derive(Debug)]
struct Frame {
    indent: usize,
    kind: FrameKind,
    path: String,
    next_index: usize,
    /// The value of the root mapping's `patients` key.
    patients: bool,
}

/// A key or item whose value starts on a later line.
#[derive(Debug)]
struct Pending {
    path: String,
    indent: usize,
    /// A key's list may sit at the key's own indentation; an item's children must be deeper.
    seq_at_same_indent: bool,
    /// The root mapping's `patients` key.
    patients: bool,
}

/// What the scanner carries from one line to the next.
#[derive(Debug, Default)]
struct ScanState {
    /// The open block collections, outermost first.
    stack: Vec<Frame>,
    /// A key or item whose value starts on a later line.
    pending: Option<Pending>,
    /// Inside a flow collection or quoted scalar that runs over lines.
    flow: FlowState,
    /// Lines indented deeper than this belong to a block or plain multi-line scalar.
    skip_deeper_than: Option<usize>,
    /// The line just scanned started an item of the root `patients` list.
    patients_item: bool,
}

/// Flow and quote state carried from one line to the next.
#[derive(Debug, Default)]
struct FlowState {
    depth: usize,
    quote: Option<char>,
}

impl FlowState {
    fn open(&self) -> bool {
        self.depth > 0 || self.quote.is_some()
    }
}

impl PatientItems {
    /// An item starts at `offset`, unless the list has already ended (a second `patients`
    /// key is left whole, for the parser to refuse).
    fn item_at(&mut self, offset: usize) {
        if self.end.is_none() {
            self.starts.push(offset);
        }
    }

    /// The list, if it has started, ends before the line at `offset`.
    fn close_at(&mut self, offset: usize) {
        if !self.starts.is_empty() && self.end.is_none() {
            self.end = Some(offset);
        }
    }
}

impl Outline {
    /// Where `path` is, or the nearest enclosing item; the flag says whether it was `path`
    /// itself.
    fn locate(&self, path: &str) -> (Option<Pos>, bool) {
        if let Some(p) = self.spots.get(path) {
            return (Some(*p), true);
        }
        let mut prefix = path;
        while let Some(cut) = prefix.rfind(['.', '[']) {
            prefix = &prefix[..cut];
            if let Some(p) = self.spots.get(prefix) {
                return (Some(*p), false);
            }
        }
        (None, false)
    }

    /// Records the alias `*name` that starts at `chars[at]`.
    fn alias_at(&mut self, chars: &[char], at: usize, line_no: usize) {
        let name: String = chars[at + 1..]
            .iter()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect();
        self.aliases.push((
            Pos {
                line: line_no,
                column: at + 1,
            },
            name,
        ));
    }

    fn record(&mut self, path: &str, line: usize, column: usize) {
        if !self.record_spots {
            return;
        }
        self.spots
            .entry(path.to_owned())
            .or_insert(Pos { line, column });
    }

    /// The whole outline: where items start, and the guards.
    fn scan(text: &str) -> Outline {
        Outline::scan_with(text, true)
    }

    /// Only the hostile-input guards (aliases, flow depth), without recording where items start.
    fn guard(text: &str) -> Outline {
        Outline::scan_with(text, false)
    }

    fn scan_with(text: &str, record_spots: bool) -> Outline {
        let mut out = Outline {
            record_spots,
            ..Outline::default()
        };
        let mut st = ScanState::default();
        let base = text.as_ptr() as usize;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // One buffer for every line: a large scenario has millions of lines.
        let mut chars: Vec<char> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line_no = n + 1;
            let offset = raw.as_ptr() as usize - base;
            chars.clear();
            chars.extend(raw.chars());
            let chars = chars.as_slice();
            if st.flow.open() {
                out.scan_flow(chars, 0, line_no, &mut st.flow);
                if out.flow_too_deep.is_some() {
                    return out;
                }
                continue;
            }
            let indent = chars.iter().take_while(|c| **c == ' ').count();
            let rest = &chars[indent..];
            if rest.is_empty() || rest[0] == '#' {
                continue;
            }
            if let Some(limit) = st.skip_deeper_than {
                if indent > limit {
                    continue;
                }
                st.skip_deeper_than = None;
            }
            if indent == 0
                && (starts_with(rest, "---") || starts_with(rest, "...") || rest[0] == '%')
            {
                st.stack.clear();
                st.pending = None;
                out.patients.close_at(offset);
                continue;
            }
            if st.stack.is_empty() {
                st.stack.push(Frame {
                    indent: 0,
                    kind: FrameKind::Map,
                    path: String::new(),
                    next_index: 0,
                    patients: false,
                });
            }
            out.scan_block_line(chars, indent, line_no, &mut st);
            if out.flow_too_deep.is_some() {
                return out;
            }
            if std::mem::take(&mut st.patients_item) {
                out.patients.item_at(offset);
            } else if !st.stack.get(1).is_some_and(|f| f.patients) {
                out.patients.close_at(offset);
            }
        }
        let end = text.len() + (text.as_ptr() as usize - base);
        out.patients.close_at(end);
        out
    }

    /// One line in block context, starting at column `col` (0-based).
    fn scan_block_line(
        &mut self,
        chars: &[char],
        mut col: usize,
        line_no: usize,
        st: &mut ScanState,
    ) {
        loop {
            let rest = &chars[col..];
            let is_dash = rest.first() == Some(&'-') && rest.get(1).is_none_or(|c| *c == ' ');
            if is_dash {
                let Some(item_path) =
                    Self::enter_item(&mut st.stack, &mut st.pending, col, self.record_spots)
                else {
                    return;
                };
                self.record(&item_path, line_no, col + 1);
                st.patients_item |= st.stack.len() == 2 && st.stack[1].patients;
                let after = col + 1 + chars[col + 1..].iter().take_while(|c| **c == ' ').count();
                if after >= chars.len() || chars[after] == '#' {
                    st.pending = Some(Pending {
                        path: item_path,
                        indent: col,
                        seq_at_same_indent: false,
                        patients: false,
                    });
                    return;
                }
                if chars[after] == '-' && chars.get(after + 1).is_none_or(|c| *c == ' ') {
                    // `- - x`: a list inside the item, on the same line.
                    st.pending = Some(Pending {
                        path: item_path,
                        indent: col,
                        seq_at_same_indent: false,
                        patients: false,
                    });
                    col = after;
                    continue;
                }
                if key_end(&chars[after..]).is_some() {
                    st.stack.push(Frame {
                        indent: after,
                        kind: FrameKind::Map,
                        path: item_path,
                        next_index: 0,
                        patients: false,
                    });
                    st.pending = None;
                    col = after;
                    continue;
                }
                self.scan_value(chars, after, line_no, col, st);
                return;
            }
            // A key.
            let Some((key, value_at)) = key_end(rest).map(|(key, end)| (key, col + end)) else {
                // Not a key (a stray scalar line): nothing to record.
                st.skip_deeper_than = Some(col);
                return;
            };
            let Some(parent) =
                Self::enter_key(&mut st.stack, &mut st.pending, col, self.record_spots)
            else {
                return;
            };
            let is_patients =
                st.stack.len() == 1 && rest[key.clone()].iter().copied().eq("patients".chars());
            // Paths are only written when spots are recorded: the guards need none.
            let path = if !self.record_spots {
                String::new()
            } else {
                let key: String = rest[key].iter().collect();
                if parent.is_empty() {
                    key
                } else {
                    format!("{parent}.{key}")
                }
            };
            self.record(&path, line_no, col + 1);
            let mut v = value_at + chars[value_at..].iter().take_while(|c| **c == ' ').count();
            // Anchors and tags before a value do not make the value.
            while v < chars.len() && (chars[v] == '&' || chars[v] == '!') {
                v += chars[v..].iter().take_while(|c| **c != ' ').count();
                v += chars[v..].iter().take_while(|c| **c == ' ').count();
            }
            if v >= chars.len() || chars[v] == '#' {
                st.pending = Some(Pending {
                    path,
                    indent: col,
                    seq_at_same_indent: true,
                    patients: is_patients,
                });
                return;
            }
            self.scan_value(chars, v, line_no, col, st);
            return;
        }
    }

    /// Finds the list a `-` at `col` belongs to; returns the item's path.
    fn enter_item(
        stack: &mut Vec<Frame>,
        pending: &mut Option<Pending>,
        col: usize,
        with_path: bool,
    ) -> Option<String> {
        if let Some(p) = pending.take() {
            let fits = if p.seq_at_same_indent {
                col >= p.indent
            } else {
                col > p.indent
            };
            if fits {
                stack.push(Frame {
                    indent: col,
                    kind: FrameKind::Seq,
                    path: p.path,
                    next_index: 0,
                    patients: p.patients,
                });
            }
        }
        while stack.last().is_some_and(|f| f.indent > col) {
            stack.pop();
        }
        let top = stack.last_mut()?;
        if top.kind != FrameKind::Seq || top.indent != col {
            return None;
        }
        let index = top.next_index;
        top.next_index += 1;
        Some(if with_path {
            format!("{}[{index}]", top.path)
        } else {
            String::new()
        })
    }

    /// Finds the mapping a key at `col` belongs to; returns the mapping's path.
    fn enter_key(
        stack: &mut Vec<Frame>,
        pending: &mut Option<Pending>,
        col: usize,
        with_path: bool,
    ) -> Option<String> {
        if let Some(p) = pending.take()
            && col > p.indent
        {
            stack.push(Frame {
                indent: col,
                kind: FrameKind::Map,
                path: p.path,
                next_index: 0,
                patients: false,
            });
        }
        while stack
            .last()
            .is_some_and(|f| f.indent > col || (f.indent == col && f.kind == FrameKind::Seq))
        {
            stack.pop();
        }
        let top = stack.last()?;
        (top.kind == FrameKind::Map && top.indent == col).then(|| {
            if with_path {
                top.path.clone()
            } else {
                String::new()
            }
        })
    }

    /// A value starting at `at` on a line whose key or dash is at `owner_col`.
    fn scan_value(
        &mut self,
        chars: &[char],
        at: usize,
        line_no: usize,
        owner_col: usize,
        st: &mut ScanState,
    ) {
        match chars[at] {
            '*' => {
                self.alias_at(chars, at, line_no);
            }
            '[' | '{' | '"' | '\'' => {
                self.scan_flow(chars, at, line_no, &mut st.flow);
            }
            // Block scalars and plain scalars run on over deeper lines.
            _ => st.skip_deeper_than = Some(owner_col),
        }
    }

    /// Flow context and quoted scalars: counts nesting, finds aliases, skips comments.
    fn scan_flow(&mut self, chars: &[char], from: usize, line_no: usize, flow: &mut FlowState) {
        let mut i = from;
        // At the start of a continuation line, a token may start.
        let mut token_start = true;
        while i < chars.len() {
            let c = chars[i];
            match flow.quote {
                Some('"') => {
                    if c == '\\' {
                        i += 1;
                    } else if c == '"' {
                        flow.quote = None;
                    }
                    i += 1;
                    token_start = false;
                    continue;
                }
                Some(_) => {
                    if c == '\'' {
                        if chars.get(i + 1) == Some(&'\'') {
                            i += 1;
                        } else {
                            flow.quote = None;
                        }
                    }
                    i += 1;
                    token_start = false;
                    continue;
                }
                None => {}
            }
            if flow.depth == 0 && i > from && !token_start {
                // A quoted block value ended; only a comment may follow.
                return;
            }
            match c {
                '#' if token_start => return,
                '"' | '\'' if token_start => flow.quote = Some(c),
                '[' | '{' => {
                    flow.depth += 1;
                    if flow.depth > MAX_FLOW_DEPTH {
                        self.flow_too_deep = Some(Pos {
                            line: line_no,
                            column: i + 1,
                        });
                        return;
                    }
                }
                ']' | '}' => {
                    flow.depth = flow.depth.saturating_sub(1);
                    if flow.depth == 0 {
                        return;
                    }
                }
                '*' if token_start && flow.depth > 0 => {
                    self.alias_at(chars, i, line_no);
                }
                _ => {}
            }
            token_start = c.is_whitespace() || matches!(c, '[' | '{' | ',');
            i += 1;
        }
    }
}

fn starts_with(chars: &[char], s: &str) -> bool {
    let mut it = chars.iter();
    s.chars().all(|c| it.next() == Some(&c))
}

/// If `chars` starts with a mapping key (`key:` then a space or the end), where the key is in
/// `chars` (without trailing whitespace) and the index just after the colon.
fn key_end(chars: &[char]) -> Option<(std::ops::Range<usize>, usize)> {
    match chars.first()? {
        q @ ('"' | '\'') => {
            let close = chars[1..].iter().position(|c| c == q)? + 1;
            let after = close + 1;
            let colon = after + chars[after..].iter().take_while(|c| **c == ' ').count();
            (chars.get(colon) == Some(&':') && chars.get(colon + 1).is_none_or(|c| *c == ' '))
                .then_some((1..close, colon + 1))
        }
        '[' | '{' | '#' | '&' | '*' | '!' | '|' | '>' | '?' => None,
        _ => {
            let mut i = 0;
            while i < chars.len() {
                if chars[i] == ':' && chars.get(i + 1).is_none_or(|c| *c == ' ') {
                    // The key without trailing whitespace.
                    let end = chars[..i]
                        .iter()
                        .rposition(|c| !c.is_whitespace())
                        .map_or(0, |last| last + 1);
                    return Some((0..end, i + 1));
                }
                if chars[i] == ' ' && chars.get(i + 1) == Some(&'#') {
                    return None;
                }
                i += 1;
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spot(outline: &Outline, path: &str) -> (usize, usize) {
        let p = outline
            .spots
            .get(path)
            .unwrap_or_else(|| panic!("{path} in {outline:?}"));
        (p.line, p.column)
    }

    #[test]
    fn outline_follows_indented_and_compact_lists() {
        let text = "\
name: x
rules:
  - name: a
    when: {surname: A}
    sequence:
    - busy: true
    - fault:
        kind: '2100'
    times: 2
patients:
- nhs_number: '9990000018'
  name:
    given:
    - ALICE
    family: PRICE
- nhs_number: '9990000026'
  addresses:
  -
    use: H
";
        let o = Outline::scan(text);
        assert_eq!(spot(&o, "rules[0]"), (3, 3));
        assert_eq!(spot(&o, "rules[0].when"), (4, 5));
        assert_eq!(spot(&o, "rules[0].sequence[1].fault.kind"), (8, 9));
        assert_eq!(spot(&o, "rules[0].times"), (9, 5));
        assert_eq!(spot(&o, "patients[0].name.given[0]"), (14, 5));
        assert_eq!(spot(&o, "patients[0].name.family"), (15, 5));
        assert_eq!(spot(&o, "patients[1].nhs_number"), (16, 3));
        assert_eq!(spot(&o, "patients[1].addresses[0]"), (18, 3));
        assert_eq!(spot(&o, "patients[1].addresses[0].use"), (19, 5));
        assert_eq!(
            o.locate("rules[0].when.surname"),
            (Some(Pos { line: 4, column: 5 }), false)
        );
        assert!(o.aliases.is_empty());
    }

    #[test]
    fn outline_skips_scalars_that_run_over_lines() {
        let text = "\
description: |
  - not: an item
  *not an alias
note: 'quoted
  - still: quoted'
rules:
  - name: plain
      continued *here
    then: [a,
      *b]
";
        let o = Outline::scan(text);
        assert!(!o.spots.contains_key("description.not"));
        assert_eq!(spot(&o, "rules[0].then"), (9, 5));
        assert_eq!(o.aliases.len(), 1, "{o:?}");
        assert_eq!(
            o.aliases[0].0,
            Pos {
                line: 10,
                column: 7
            }
        );
        assert_eq!(o.aliases[0].1, "b");
    }
}
