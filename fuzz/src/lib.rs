//! Shared code of the fuzz targets: the invariant checks and the `machine` input grammar,
//! and the `agree` target's harness (both entry points on the same heads).
//! `tests/properties.rs` compiles `checks.rs` and `scenario.rs`, so the stable property
//! tests check exactly what the fuzzers check; `agree.rs` (which parses heads with
//! `httparse` itself) is the fuzz crate's only.

pub mod agree;
pub mod checks;
pub mod curl_diff;
pub mod scenario;
pub mod unfold;
