//! A tiny `curl -L` over `std::net`, driven by the `redirects` machine.
//!
//! ```text
//! cargo run --example follow -- [-X METHOD] [-d BODY] [-H 'Name: value']... [--max-redirs N]
//!     [--profile fetch|strict|curl] [--block-private] [--start-space public|private|local]
//!     [--resolve HOST:PORT:ADDR[,ADDR]...]... [-b FILE] [-c FILE] URL
//! cargo run --example follow            # no URL: a self-contained loopback demo
//! cargo run --example follow -- --help  # every option
//! ```
//!
//! Cookies (`-b FILE`, `-c FILE`): curl's cookie engine over the crate's `Jar`, reading and
//! writing curl's Netscape cookie files (`common/cookies.rs`); each response's
//! `Set-Cookie` is stored against the URL of the request that got it and each request
//! carries the jar's `Cookie` for its own URL, so that
//! `follow -b jar -c jar http://HOST/cookies/set?a=1` ends at httpbin's `/cookies` showing
//! `a=1`, as `curl -L -b jar -c jar` does.
//!
//! The trace goes to stderr like `curl -v` (`>` sent, `<` received, `*` decisions: which
//! method, which headers were kept or dropped and why, whether the connection is reused);
//! the final body goes to stdout. Plain `http` only.
//!
//! Private networks (SSRF): with `--block-private` (or `--profile strict`), a
//! redirect to a host in a less public address space than the first URL's (local <
//! private < public) is refused by the machine, and before every connection the client
//! passes each address it is about to try to `Follow::check_address`: a host *name* that
//! resolves (or is `--resolve`d) into a less public space ends the chain with
//! `private_target`, naming the host, the address and both spaces, and no connection is
//! made. `--start-space` declares the first URL's space (`Request::address_space`; a
//! name is public by default), and with it the `--resolve` addresses of the first URL's
//! own host and port are taken to be in that space and not checked (the user chose them
//! and named their space): that is how a chain can start on a loopback server under a
//! name declared public. Every other address (DNS answers, `--resolve` entries of other
//! hosts or ports) is checked. The rule is in `common/driver.rs`, shared with tokio.
//!
//! With no URL it starts two loopback servers (127.0.0.1, OS-chosen ports) and follows
//! MDN's `DELETE /cars/oldest` -> `307` -> `DELETE /cars/id/123456`, then
//! `POST /cars` -> `303` -> `GET` (body headers dropped) -> `302` to the other server
//! (`Authorization` and `Cookie` dropped), then `PUT` with a body -> `308` -> the same
//! `PUT` and body again; last, an SSRF attempt: a chain started at a name declared public
//! is redirected to a name that resolves to 127.0.0.1, and is refused before connecting
//! (`private_target`). Then it checks what the servers received.
//! The client loop itself is `common/driver.rs` (shared with the tokio example,
//! `examples/tokio`); this program only adds blocking sockets (`common/blocking.rs`).

mod common;

use std::io::Write;
use std::process::ExitCode;

use common::driver::ClientError;
use common::{blocking, cli, cookies, demo};

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
            if let (Some(file), Some(jar)) = (&opts.cookie_out, &outcome.jar) {
                cookies::save(file, jar)?;
            }
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
    let (title, opts) = demo::private_chain(server.a, server.b);
    demo::print_chain(&mut out, "follow", title, &opts)?;
    let result = blocking::run(&opts, &mut out);
    let refused = demo::print_refusal(&mut out, result)?;
    demo::print_checks(
        &mut out,
        &server.received(),
        &outcomes,
        refused.as_ref(),
        server.b.port(),
    )
}
