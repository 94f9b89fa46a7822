//! Shared code of the fuzz targets: the invariant checks and the `machine` input grammar.
//! `tests/properties.rs` compiles the same two files, so the stable property tests check
//! exactly what the fuzzers check.

pub mod checks;
pub mod scenario;
