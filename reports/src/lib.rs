//! The run record (the stable contract between the harness and every report) and the pure
//! renderers that turn it into JSON, JUnit, HTML and TOM evidence.
//!
//! Not built yet: the harness issue fills this crate. It exports nothing until then, and it
//! will never depend on another crate of ours.
