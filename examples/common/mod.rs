//! Code shared by the examples and by `tests/e2e.rs` (which includes this module with
//! `#[path]`, as does `examples/tokio/src/main.rs`): the client loop as a sans-IO driver,
//! its blocking runtime (bodies are read with the crate's `Drainer`), a `curl -v`-style trace, curl-like arguments and
//! the loopback demo.
//!
//! Each user takes only some of it, hence `dead_code` is allowed here.
#![allow(dead_code)]

pub mod blocking;
pub mod cli;
pub mod cookies;
pub mod demo;
pub mod driver;
pub mod report;
