//! The shipped suites and data profiles load, check clean, and agree with each other.

use smsp_harness::suite::load::unbound_roles;
use smsp_harness::suite::{builtin_profile_names, builtin_suite_names, load_profile, load_suite};
use smsp_response_codes::ResponseCodeTable;

#[test]
fn every_builtin_suite_and_profile_loads() {
    let codes = ResponseCodeTable::embedded();
    for name in builtin_suite_names() {
        let suite = load_suite(name, &codes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(suite.file.suite, name);
    }
    for name in builtin_profile_names() {
        let profile = load_profile(name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(profile.file.profile, name);
    }
}

#[test]
fn the_default_profile_binds_every_role_of_the_pds_suite() {
    let codes = ResponseCodeTable::embedded();
    let suite = load_suite("pds-provider", &codes).unwrap();
    let profile = load_profile("default").unwrap();
    let unbound = unbound_roles(&suite.file, &profile.file);
    assert!(
        unbound.is_empty(),
        "roles the default profile does not bind: {unbound:?}"
    );
}

#[test]
fn the_pds_suite_has_at_least_sixty_cases() {
    let codes = ResponseCodeTable::embedded();
    let suite = load_suite("pds-provider", &codes).unwrap();
    assert!(
        suite.file.cases.len() >= 60,
        "{} cases",
        suite.file.cases.len()
    );
}

fn validate(schema: serde_json::Value, yaml: &str) -> Result<(), String> {
    let id = schema["$id"].as_str().expect("an $id").to_owned();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource(&id, schema)
        .map_err(|e| format!("{e:#}"))?;
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(&id, &mut schemas)
        .map_err(|e| format!("{e:#}"))?;
    let instance: serde_json::Value = yaml_serde::from_str(yaml).map_err(|e| e.to_string())?;
    schemas
        .validate(&instance, index)
        .map_err(|e| format!("{e}"))
}

fn repo_file(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(path)).expect("read")
}

#[test]
fn shipped_suites_and_profiles_validate_against_their_schemas() {
    use smsp_harness::suite::schema::{profile_schema, suite_schema};
    validate(
        suite_schema(),
        &repo_file("scenarios/suites/pds-provider.yaml"),
    )
    .expect("suite");
    for p in ["default", "opentest"] {
        validate(
            profile_schema(),
            &repo_file(&format!("scenarios/profiles/{p}.yaml")),
        )
        .unwrap_or_else(|e| panic!("{p}: {e}"));
    }
    validate(
        smsp_harness::suite::schema::plan_schema(),
        &repo_file("scenarios/plans/pds-client.yaml"),
    )
    .expect("plan");
    // A misspelt expectation fails the schema as it fails the loader.
    let bad = "suite: s\ntitle: t\ncases:\n  - id: A\n    title: t\n    operation: getNHSNumber\n    expect: {respons_code: SMSP-0000}\n";
    assert!(validate(suite_schema(), bad).is_err());
}

#[test]
fn every_builtin_plan_loads() {
    for name in smsp_harness::plan::builtin_plan_names() {
        let plan = smsp_harness::plan::load_plan(name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.file.plan, name);
        assert!(plan.file.steps.len() >= 8);
    }
}
