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
