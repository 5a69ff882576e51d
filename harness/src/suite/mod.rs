//! Suites of provider test cases and the data profiles that bind their patient roles.

pub mod load;
pub mod model;
pub mod schema;
pub mod template;

pub use load::{
    Origin, Profile, Suite, SuiteError, SuiteErrors, builtin_profile_names, builtin_suite_names,
    load_profile, load_suite,
};
