//! The client plan format: serde types, the contract documented in `scenarios/plans/README.md`.
//!
//! A plan is the list of things a client under test is asked to do against the simulator,
//! in order. Each step says what to ask of the client (an instruction for a person, and inputs
//! for a `--drive` command), which requests belong to the step, and what the client must do
//! with the answers it gets (use the superseding number, not retry an invalidated one, back
//! off after SMSP-0004 or a busy tone).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One plan file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// The plan's name (`pds-client`), used by `--plan NAME` and in reports.
    pub plan: String,
    /// One line saying what the plan tests.
    pub title: String,
    /// More about the plan.
    #[serde(default)]
    pub description: Option<String>,
    /// The steps, walked in this order.
    pub steps: Vec<Step>,
}

/// One thing the client is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable id, unique in the plan (`CLIENT-TRACE-01`).
    pub id: String,
    /// What the step checks, in one line.
    pub title: String,
    /// The requirement ids the step evidences (SPEC.md §8).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// What the client is asked to do, for `{action}` in a `--drive` template: `verify`,
    /// `trace`, `details` or `search`.
    pub action: String,
    /// The step's inputs, for `{name}` in a `--drive` template and in the instruction:
    /// `nhs_number`, `surname`, `given`, `gender`, `birth_date`, `postcode`, `user`, …
    #[serde(default)]
    pub inputs: BTreeMap<String, String>,
    /// What a person operating the client is asked to do (a template over `inputs`).
    pub instruction: String,
    /// Which requests belong to this step.
    #[serde(rename = "match")]
    pub matcher: StepMatch,
    /// What the client must do.
    #[serde(default)]
    pub expect: StepExpect,
    /// Why the step exists.
    #[serde(default)]
    pub note: Option<String>,
}

/// Which requests belong to a step: a request belongs to the first step, in plan order, whose
/// match it satisfies and that has not been left behind (a later step has matched). Live runs
/// and runs judged from a journal assign requests the same way, so they give the same verdicts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepMatch {
    /// The operations the step's requests may use (any, when empty).
    #[serde(default)]
    pub operations: Vec<String>,
    /// The request carries one of these NHS numbers.
    #[serde(default)]
    pub nhs_numbers: Vec<String>,
    /// The request's surname is one of these (case-insensitive; a trailing `*` in the request
    /// matches by prefix).
    #[serde(default)]
    pub surnames: Vec<String>,
}

/// What the client must do in a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepExpect {
    /// At least this many requests (default 1).
    #[serde(default = "one")]
    pub min_requests: usize,
    /// The answer the scenario gives the step's first request (`DEMOG-0017`, `SMSP-0004`,
    /// `busy`, …). If it is not what the first request got, the step is an error: the client
    /// was not tested on what the step is about.
    #[serde(default)]
    pub first_answer: Option<String>,
    /// Every request must carry this NHS number (MSCA-DQ-03: the superseding number).
    #[serde(default)]
    pub uses_nhs_number: Option<String>,
    /// No request may carry this NHS number (MSCA-DQ-03: the superseded one).
    #[serde(default)]
    pub not_nhs_number: Option<String>,
    /// After an answer with this code, the same NHS number is not sent again in the step
    /// (MSCA-DQ-04: no silent retry of an invalidated number).
    #[serde(default)]
    pub no_repeat_after: Option<String>,
    /// After an SMSP-0004 or busy answer: retries, if any, keep at least this gap and stay
    /// within this many attempts.
    #[serde(default)]
    pub backoff: Option<Backoff>,
}

fn one() -> usize {
    1
}

impl Default for StepExpect {
    fn default() -> Self {
        StepExpect {
            min_requests: 1,
            first_answer: None,
            uses_nhs_number: None,
            not_nhs_number: None,
            no_repeat_after: None,
            backoff: None,
        }
    }
}

/// How a client must back off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backoff {
    /// The shortest acceptable gap between two attempts, in milliseconds.
    pub min_gap_ms: u64,
    /// The most attempts acceptable in the step.
    pub max_attempts: usize,
}
