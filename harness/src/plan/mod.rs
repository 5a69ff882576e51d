//! Client plans: the steps a client under test is walked through, the judge of what it sent,
//! and the reference client that follows a plan correctly.

pub mod judge;
pub mod load;
pub mod model;
pub mod reference;

pub use load::{Plan, builtin_plan_names, load_plan};
