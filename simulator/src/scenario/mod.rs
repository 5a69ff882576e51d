//! Scenarios: the YAML files a user writes ([`model`]), read and checked as a whole by
//! [`load`], and merged into one [`Scenario`] the engine serves.

pub mod generate;
pub mod load;
pub mod model;
pub mod opentest;
mod parallel;
pub mod schema;

use std::path::PathBuf;

pub use model::{
    Action, Gender, Match, NameDetail, Options, Patient, Rule, ScenarioFile, SupersededResponse,
};

/// Scenario files merged and checked: what the engine serves.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// Where the scenario came from, in load order.
    pub sources: Vec<Source>,
    /// The options, resolved (the first file that sets one wins; the rest take defaults).
    pub options: ResolvedOptions,
    /// Every rule of every file, in load order.
    pub rules: Vec<LoadedRule>,
    /// Every patient of every file.
    pub patients: Vec<Patient>,
}

/// One file (or built-in text) a scenario was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The path, or `<built-in default>`.
    pub path: PathBuf,
    /// The file's `name`, if it has one.
    pub name: Option<String>,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
}

/// The options with their defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedOptions {
    /// See [`Options::name_detail`].
    pub name_detail: NameDetail,
    /// See [`Options::superseded_response`].
    pub superseded_response: SupersededResponse,
}

impl Default for ResolvedOptions {
    fn default() -> Self {
        ResolvedOptions {
            name_detail: NameDetail::FirstGiven,
            superseded_response: SupersededResponse::WithNewNumber,
        }
    }
}

/// A rule with where it was written, so the journal can say which rule answered.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedRule {
    /// The rule.
    pub rule: Rule,
    /// `file.yaml#rules[3]`, plus the rule's name when it has one.
    pub origin: String,
}
