//! The same client as `examples/follow.rs`, over `tokio::net::TcpStream`.
//!
//! ```text
//! cargo run -p redirects-example-tokio -- [-X METHOD] [-d BODY] [-H 'Name: value']... URL
//! cargo run -p redirects-example-tokio    # no URL: the loopback demo, served by tokio too
//! ```
//!
//! The machine does no I/O, and neither does the client loop around it
//! (`examples/common/driver.rs`, shared with the blocking example): this file only performs
//! the loop's actions with tokio (resolve, connect, write, read, each with a timeout) and
//! serves the demo routes (`examples/common/demo.rs`) from tokio tasks. Nothing borrowed
//! from the machine is held across an `await`. The private-network check on every address
//! before a connection is the driver's, so it is the same here.

#[path = "../../common/mod.rs"]
mod common;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use common::demo::{self, Received};
use common::driver::{Action, ClientError, Driver, Input, Options, Outcome};
use common::{cli, cookies};

/// Runs `io` within `limit`; a timeout is an I/O error like any other.
async fn timed<T>(limit: Duration, io: impl Future<Output = io::Result<T>>) -> io::Result<T> {
    timeout(limit, io)
        .await
        .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into()))
}

/// Follows the chain over tokio sockets; the trace is the same as the blocking client's.
async fn run(opts: &Options, trace: &mut dyn Write) -> Result<Outcome, ClientError> {
    let mut driver = Driver::new(opts, trace)?;
    let mut stream: Option<TcpStream> = None;
    let mut chunk = vec![0u8; 8192];
    let mut input = Input::Start;
    let limit = opts.io_timeout;
    loop {
        input = match driver.step(input)? {
            Action::Resolve { host, port } => {
                match timed(limit, tokio::net::lookup_host((host, port))).await {
                    Ok(addrs) => Input::Resolved(addrs.collect()),
                    Err(e) => Input::Failed(e),
                }
            }
            Action::Connect { addrs } => {
                stream = None;
                match connect(addrs, limit).await {
                    Ok(s) => {
                        stream = Some(s);
                        Input::Ready
                    }
                    Err(e) => Input::Failed(e),
                }
            }
            Action::Write(bytes) => match stream.as_mut() {
                Some(s) => match timed(limit, s.write_all(bytes)).await {
                    Ok(()) => Input::Ready,
                    Err(e) => Input::Failed(e),
                },
                None => Input::Failed(io::ErrorKind::NotConnected.into()),
            },
            Action::Read => match stream.as_mut() {
                Some(s) => match timed(limit, s.read(&mut chunk)).await {
                    Ok(0) => Input::Closed,
                    Ok(n) => Input::Data(&chunk[..n]),
                    Err(e) => Input::Failed(e),
                },
                None => Input::Failed(io::ErrorKind::NotConnected.into()),
            },
            Action::Done(outcome) => return Ok(*outcome),
        };
    }
}

/// Opens a connection to the first of `addrs` that accepts within `limit` (the driver has
/// checked every one with `Follow::check_address`).
async fn connect(addrs: &[std::net::SocketAddr], limit: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in addrs {
        match timed(limit, TcpStream::connect(addr)).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Serves one demo connection with the shared routes (bounded like the std server).
async fn serve(server: char, mut stream: TcpStream, port_b: u16, log: Arc<Mutex<Vec<Received>>>) {
    let mut buf = Vec::new();
    for _ in 0..demo::MAX_REQUESTS_PER_CONNECTION {
        let (req, used) = loop {
            match demo::parse_request(server, &buf) {
                Ok(Some(done)) => break done,
                Ok(None) if buf.len() < demo::MAX_REQUEST => {
                    match timeout(demo::IDLE_TIMEOUT, stream.read_buf(&mut buf)).await {
                        Ok(Ok(n)) if n > 0 => {}
                        _ => return,
                    }
                }
                _ => {
                    let bad = demo::response("400 Bad Request", &[], b"", false);
                    let _ = stream.write_all(&bad).await;
                    return;
                }
            }
        };
        buf.drain(..used);
        let answer = demo::route(&req, port_b);
        if let Ok(mut log) = log.lock() {
            log.push(req);
        }
        if stream.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// Both demo servers on 127.0.0.1, as tasks of this runtime. Returns their addresses.
async fn start_demo(log: Arc<Mutex<Vec<Received>>>) -> io::Result<(SocketAddr, SocketAddr)> {
    let a = TcpListener::bind("127.0.0.1:0").await?;
    let b = TcpListener::bind("127.0.0.1:0").await?;
    let (addr_a, addr_b) = (a.local_addr()?, b.local_addr()?);
    let port_b = addr_b.port();
    for (server, listener) in [('A', a), ('B', b)] {
        let log = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(server, stream, port_b, Arc::clone(&log)));
            }
        });
    }
    Ok((addr_a, addr_b))
}

/// The loopback demo: the same chains, trace and checks as `cargo run --example follow`.
async fn run_demo() -> Result<(), ClientError> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (a, b) = start_demo(Arc::clone(&log)).await?;
    let mut out = io::stdout();
    let mut outcomes = Vec::new();
    for (title, opts) in demo::chains(&format!("http://{a}")) {
        demo::print_chain(&mut out, "tokio", title, &opts)?;
        let outcome = run(&opts, &mut out).await?;
        demo::print_body(&mut out, &outcome)?;
        outcomes.push(outcome);
    }
    let (title, opts) = demo::private_chain(a, b);
    demo::print_chain(&mut out, "tokio", title, &opts)?;
    let result = run(&opts, &mut out).await;
    let refused = demo::print_refusal(&mut out, result)?;
    let received = log.lock().map(|r| r.clone()).unwrap_or_default();
    demo::print_checks(&mut out, &received, &outcomes, refused.as_ref(), b.port())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let opts = match cli::parse_args(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let result = match opts {
        // The driver checks the deadline between actions; this bounds a stuck one too.
        Some(opts) => match timeout(opts.deadline, run(&opts, &mut io::stderr())).await {
            Ok(Ok(outcome)) => match (&opts.cookie_out, &outcome.jar) {
                (Some(file), Some(jar)) => cookies::save(file, jar),
                _ => Ok(()),
            }
            .and_then(|()| io::stdout().write_all(&outcome.body))
            .map_err(ClientError::Io),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(ClientError::Deadline),
        },
        None => match timeout(Duration::from_secs(30), run_demo()).await {
            Ok(result) => result,
            Err(_) => Err(ClientError::Deadline),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
