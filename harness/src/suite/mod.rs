//! Suites of provider test cases and the data profiles that bind their patient roles.

pub mod model;
