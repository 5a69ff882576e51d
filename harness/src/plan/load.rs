//! Reading plan files, built in or from disk, and checking them (errors with file, line and
//! column, like suites).

use std::collections::BTreeSet;
use std::path::Path;

use smsp_protocol::Operation;

use super::model::PlanFile;
use crate::suite::load::{Origin, SuiteError, SuiteErrors, locate_case, parse_yaml, read_source};

/// Built-in plans: name → (file name, text).
const BUILTIN_PLANS: [(&str, &str, &str); 1] = [(
    "pds-client",
    "pds-client.yaml",
    include_str!("../../../scenarios/plans/pds-client.yaml"),
)];

/// The actions a step may ask for.
pub const ACTIONS: [&str; 4] = ["verify", "trace", "details", "search"];

/// The names of the built-in plans.
pub fn builtin_plan_names() -> Vec<&'static str> {
    BUILTIN_PLANS.iter().map(|(n, _, _)| *n).collect()
}

/// A checked plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Where it came from.
    pub origin: Origin,
    /// Its contents.
    pub file: PlanFile,
}

/// Loads and checks a plan: a built-in name (`pds-client`) or a path.
pub fn load_plan(name_or_path: &str) -> Result<Plan, SuiteErrors> {
    let (origin, text) = read_source(name_or_path, &BUILTIN_PLANS, "plan")?;
    let file: PlanFile = parse_yaml(&origin.file, &text)?;
    let errors = check_plan(&origin.file, &text, &file);
    if errors.is_empty() {
        Ok(Plan { origin, file })
    } else {
        Err(SuiteErrors(errors))
    }
}

fn check_plan(path: &Path, text: &str, plan: &PlanFile) -> Vec<SuiteError> {
    let mut errors = Vec::new();
    if plan.steps.is_empty() {
        errors.push(SuiteError::new(path, None, "the plan has no steps"));
    }
    let mut seen = BTreeSet::new();
    for step in &plan.steps {
        let pos = locate_case(text, &step.id);
        let mut err = |message: String| {
            errors.push(SuiteError::new(
                path,
                pos,
                format!("step `{}`: {message}", step.id),
            ));
        };
        if step.id.is_empty()
            || !step
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            err("an id is letters, digits, `-`, `_` and `.`".to_owned());
        }
        if !seen.insert(step.id.as_str()) {
            err("the id is used by an earlier step".to_owned());
        }
        if !ACTIONS.contains(&step.action.as_str()) {
            err(format!(
                "unknown action `{}` (one of: {})",
                step.action,
                ACTIONS.join(", ")
            ));
        }
        for op in &step.matcher.operations {
            if Operation::from_name(op).is_none() {
                err(format!("unknown operation `{op}` in `match.operations`"));
            }
        }
        if let Err(e) = fill_instruction(&step.instruction, &step.inputs) {
            err(e);
        }
        if step
            .expect
            .backoff
            .as_ref()
            .is_some_and(|b| b.max_attempts == 0)
        {
            err("`backoff.max_attempts` must be at least 1".to_owned());
        }
    }
    errors
}

/// Fills `{name}` in a step's text from its inputs.
pub fn fill_instruction(
    template: &str,
    inputs: &std::collections::BTreeMap<String, String>,
) -> Result<String, String> {
    crate::suite::template::fill(template, inputs).map_err(|e| e.to_string())
}
