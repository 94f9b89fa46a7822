//! A tiny `curl -L` over `std::net`, driven by the `redirects` machine.
//!
//! ```text
//! cargo run --example follow -- [-X METHOD] [-d BODY] [-H 'Name: value']... [--max-redirs N] URL
//! cargo run --example follow            # no URL: a self-contained loopback demo
//! ```
//!
//! The trace goes to stderr like `curl -v` (`>` sent, `<` received, `*` decisions: which
//! method, which headers were kept or dropped and why, whether the connection is reused);
//! the final body goes to stdout. Plain `http` only.
//!
//! With no URL it starts two loopback servers (127.0.0.1, OS-chosen ports) and follows
//! MDN's `DELETE /cars/oldest` -> `307` -> `DELETE /cars/id/123456`, then
//! `POST /cars` -> `303` -> `GET` (body headers dropped) -> `302` to the other server
//! (`Authorization` and `Cookie` dropped), then `PUT` with a body -> `308` -> the same
//! `PUT` and body again, and checks what the servers received.
//! The client loop itself is `common/driver.rs` (shared with the tokio example,
//! `examples/tokio`); this program only adds blocking sockets (`common/blocking.rs`).

mod common;

use std::io::Write;
use std::process::ExitCode;

use common::driver::ClientError;
use common::{blocking, cli, demo};

fn main() -> ExitCode {
    let opts = match cli::parse_args(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let result = match opts {
        Some(opts) => blocking::run(&opts, &mut std::io::stderr()).and_then(|outcome| {
            std::io::stdout().write_all(&outcome.body)?;
            Ok(())
        }),
        None => run_demo(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The loopback demo. Everything goes to stdout so that the story reads in order.
fn run_demo() -> Result<(), ClientError> {
    let server = demo::DemoServer::start()?;
    let mut out = std::io::stdout().lock();
    let mut outcomes = Vec::new();
    for (title, opts) in demo::chains(&server.url_a()) {
        demo::print_chain(&mut out, "follow", title, &opts)?;
        let outcome = blocking::run(&opts, &mut out)?;
        demo::print_body(&mut out, &outcome)?;
        outcomes.push(outcome);
    }
    demo::print_checks(&mut out, &server.received(), &outcomes, server.b.port())
}
