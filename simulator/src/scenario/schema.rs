//! The JSON Schema of the scenario file format, derived from [`super::model`] by schemars, so
//! it cannot drift from what the loader accepts. Editors use it to complete and check scenario
//! YAML (`# yaml-language-server: $schema=...`); `smsp scenario schema` prints it.
//!
//! The schema checks shapes only. What needs the whole scenario (duplicate numbers, a
//! `superseded_by` that names nobody, response codes, one answer per action) is checked by
//! [`super::load`].

use serde_json::Value;

use super::model::ScenarioFile;

/// The schema's `$id`: a name, not a place to fetch it from.
pub const SCHEMA_ID: &str = "urn:smsp:schema:scenario:v1";

/// The JSON Schema (draft 2020-12) of a scenario file.
pub fn json_schema() -> Value {
    let mut schema = schemars::schema_for!(ScenarioFile);
    schema.insert("$id".to_owned(), Value::from(SCHEMA_ID));
    schema.insert("title".to_owned(), Value::from("smsp scenario file"));
    schema.insert(
        "description".to_owned(),
        Value::from(
            "A scenario for the smsp PDS simulator: options, rules tried in order before patient \
             matching, and the patients the simulated PDS holds. See scenarios/README.md.",
        ),
    );
    schema.to_value()
}
