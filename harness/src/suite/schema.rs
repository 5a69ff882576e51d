//! The JSON Schemas of suite and data-profile files, derived from [`super::model`] by
//! schemars so they cannot drift from what the loader accepts; `smsp suite schema` prints them.
//!
//! The schemas check shapes only; what needs the whole suite (unique ids, known operations and
//! codes, templates, fields an operation can return) is checked by [`super::load`].

use serde_json::Value;

use super::model::{ProfileFile, SuiteFile};
use crate::plan::model::PlanFile;

/// The suite schema's `$id`: a name, not a place to fetch it from.
pub const SUITE_SCHEMA_ID: &str = "urn:smsp:schema:suite:v1";
/// The client-plan schema's `$id`.
pub const PLAN_SCHEMA_ID: &str = "urn:smsp:schema:client-plan:v1";
/// The data-profile schema's `$id`.
pub const PROFILE_SCHEMA_ID: &str = "urn:smsp:schema:data-profile:v1";

/// The JSON Schema (draft 2020-12) of a suite file.
pub fn suite_schema() -> Value {
    let mut schema = schemars::schema_for!(SuiteFile);
    schema.insert("$id".to_owned(), Value::from(SUITE_SCHEMA_ID));
    schema.insert("title".to_owned(), Value::from("smsp suite file"));
    schema.insert(
        "description".to_owned(),
        Value::from(
            "Provider test cases for smsp test provider: each case one request (fields, roles, \
             envelope defects) and what the answer must be. See scenarios/suites/README.md.",
        ),
    );
    schema.to_value()
}

/// The JSON Schema (draft 2020-12) of a data-profile file.
pub fn profile_schema() -> Value {
    let mut schema = schemars::schema_for!(ProfileFile);
    schema.insert("$id".to_owned(), Value::from(PROFILE_SCHEMA_ID));
    schema.insert("title".to_owned(), Value::from("smsp data profile"));
    schema.insert(
        "description".to_owned(),
        Value::from(
            "Binds the patient roles of smsp suites to the patients of one system under test. \
             See scenarios/profiles/README.md.",
        ),
    );
    schema.to_value()
}

/// The JSON Schema (draft 2020-12) of a client-plan file.
pub fn plan_schema() -> Value {
    let mut schema = schemars::schema_for!(PlanFile);
    schema.insert("$id".to_owned(), Value::from(PLAN_SCHEMA_ID));
    schema.insert("title".to_owned(), Value::from("smsp client plan"));
    schema.insert(
        "description".to_owned(),
        Value::from(
            "The steps smsp test client walks a client under test through, which requests \
             belong to each, and what the client must do. See scenarios/plans/README.md.",
        ),
    );
    schema.to_value()
}
