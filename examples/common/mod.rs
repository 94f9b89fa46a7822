//! Code shared by the examples and by `tests/e2e.rs` (which include this module with
//! `#[path]`, as does `examples/tokio/src/main.rs`): a body decoder, a `curl -v`-style
//! trace, a blocking client loop and the loopback demo servers.
//!
//! Each user takes only some of it, hence `dead_code` is allowed here.
#![allow(dead_code)]

pub mod body;
pub mod cli;
pub mod client;
pub mod demo;
pub mod report;
