//! The same redirect loop as `examples/follow.rs`, over `tokio::net::TcpStream`.
//!
//! ```text
//! cargo run -p redirects-example-tokio -- [-X METHOD] [-d BODY] [-H 'Name: value']... URL
//! cargo run -p redirects-example-tokio    # no URL: the loopback demo, served by tokio too
//! ```
//!
//! A crate of its own (in the workspace) so that `cargo run --example follow` does not
//! build tokio; it shares `examples/common` with the blocking example.
//!
//! The machine does no I/O, so nothing about it is async: the loop awaits the socket and
//! hands the bytes to the same `Follow::handle_response` a blocking client uses.

#[path = "../../common/mod.rs"]
mod common;

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redirects::Follow;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use common::body::BodyReader;
use common::cli;
use common::client::{ClientError, Options, Outcome, Sent, Step, first_request, next_step};
use common::demo::{self, Received};
use common::report;

/// An open connection and the bytes read from it that no response has used yet.
struct Conn {
    stream: TcpStream,
    id: usize,
    pending: Vec<u8>,
}

/// Reads once more into `buf` within `limit`; `Ok(0)` at end of stream.
async fn fill(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    limit: Duration,
) -> Result<usize, ClientError> {
    match timeout(limit, stream.read_buf(buf)).await {
        Ok(read) => Ok(read?),
        Err(_) => Err(ClientError::Io(std::io::ErrorKind::TimedOut.into())),
    }
}

/// Reads the body after a head: `raw` holds the bytes already read. Whatever follows the
/// body stays in `conn.pending`. Returns the body and whether the peer closed.
async fn read_body(
    conn: &mut Conn,
    mut raw: Vec<u8>,
    mut reader: BodyReader,
    opts: &Options,
) -> Result<(Vec<u8>, bool), ClientError> {
    let mut body = Vec::new();
    loop {
        let used = reader.feed(&raw, Some(&mut body))?;
        if body.len() > opts.max_body {
            return Err(ClientError::TooLarge);
        }
        if reader.is_done() {
            conn.pending = raw.split_off(used);
            return Ok((body, false));
        }
        raw.clear();
        if fill(&mut conn.stream, &mut raw, opts.io_timeout).await? == 0 {
            reader.eof()?;
            return Ok((body, true));
        }
    }
}

/// Follows the chain; the trace is the same as the blocking client's.
async fn run(opts: &Options, trace: &mut dyn Write) -> Result<Outcome, ClientError> {
    let mut follow = Follow::new(first_request(opts)?, opts.policy.clone())?;
    let mut conn: Option<Conn> = None;
    let (mut hops, mut sent, mut connections) = (Vec::new(), Vec::new(), 0);
    for _ in 0..=opts.policy.max_redirects() {
        let request = follow.request();
        let target = request.target();
        if target.tls {
            return Err(ClientError::Tls(request.url().clone()));
        }
        let head = request.to_head();
        let body = if request.send_body() {
            opts.body.as_deref()
        } else {
            None
        };
        let mut c = match conn.take() {
            Some(c) => {
                writeln!(trace, "* Re-using connection #{}", c.id)?;
                c
            }
            None => {
                connections += 1;
                writeln!(trace, "* Connecting to {}:{} ...", target.host, target.port)?;
                let host = target.host.trim_start_matches('[').trim_end_matches(']');
                let stream = timeout(opts.io_timeout, TcpStream::connect((host, target.port)))
                    .await
                    .map_err(|_| ClientError::Io(std::io::ErrorKind::TimedOut.into()))??;
                stream.set_nodelay(true)?;
                writeln!(trace, "* Connected (connection #{connections})")?;
                Conn {
                    stream,
                    id: connections,
                    pending: Vec::new(),
                }
            }
        };
        report::head_lines(trace, "> ", &head[..head.len() - 2])?;
        c.stream.write_all(&head).await?;
        if let Some(body) = body {
            writeln!(trace, "* sending {} body bytes", body.len())?;
            c.stream.write_all(body).await?;
        }
        sent.push(Sent {
            method: request.method(),
            url: request.url().clone(),
            headers: request
                .headers()
                .map(|(k, v)| (k.to_owned(), String::from_utf8_lossy(v).into_owned()))
                .collect(),
            body: body.map(<[u8]>::len),
            connection: c.id,
        });

        let mut buf = std::mem::take(&mut c.pending);
        let step = loop {
            // Nothing is borrowed across the `await` below: the events are copied out.
            if let Some(step) = next_step(&mut follow, &buf, trace)? {
                break step;
            }
            if fill(&mut c.stream, &mut buf, opts.io_timeout).await? == 0 {
                return Err(ClientError::Closed);
            }
        };
        match step {
            Step::Redirect(hop, response) => {
                report::head_lines(trace, "< ", &response.raw)?;
                report::hop(trace, &hop)?;
                if hop.reuse {
                    // Bytes after the head are the body: drain it, keep what follows.
                    let raw = buf.split_off(response.head_len);
                    let reader = BodyReader::new(response.body_length);
                    let (drained, closed) = read_body(&mut c, raw, reader, opts).await?;
                    let drained = Some((drained.len(), response.body_length));
                    report::after_redirect(trace, c.id, drained, !closed)?;
                    if !closed {
                        conn = Some(c);
                    }
                } else {
                    report::after_redirect(trace, c.id, None, false)?;
                }
                hops.push(*hop);
            }
            Step::Final(response, url) => {
                report::head_lines(trace, "< ", &response.raw)?;
                let raw = buf.split_off(response.head_len);
                let reader = BodyReader::new(response.body_length);
                let (body, _) = read_body(&mut c, raw, reader, opts).await?;
                report::final_line(trace, &response, &url, hops.len(), body.len())?;
                return Ok(Outcome {
                    head: response,
                    body,
                    url,
                    hops,
                    sent,
                    connections,
                });
            }
        }
    }
    Err(ClientError::Closed)
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

/// Both demo servers on 127.0.0.1, as tasks of this runtime. Returns A's base URL and
/// B's port.
async fn start_demo(log: Arc<Mutex<Vec<Received>>>) -> std::io::Result<(String, u16)> {
    let a = TcpListener::bind("127.0.0.1:0").await?;
    let b = TcpListener::bind("127.0.0.1:0").await?;
    let (base, port_b) = (
        format!("http://{}", a.local_addr()?),
        b.local_addr()?.port(),
    );
    for (server, listener) in [('A', a), ('B', b)] {
        let log = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(server, stream, port_b, Arc::clone(&log)));
            }
        });
    }
    Ok((base, port_b))
}

async fn run_demo() -> Result<(), ClientError> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (base, port_b) = start_demo(Arc::clone(&log)).await?;
    let mut out = std::io::stdout();
    let mut outcomes = Vec::new();
    for (title, opts) in demo::chains(&base) {
        writeln!(
            out,
            "\n=== {title} (tokio)\n$ tokio -X {} {}",
            opts.method, opts.url
        )?;
        let outcome = run(&opts, &mut out).await?;
        writeln!(out, "* body:")?;
        out.write_all(&outcome.body)?;
        outcomes.push(outcome);
    }
    let received = log.lock().map(|r| r.clone()).unwrap_or_default();
    demo::print_checks(&mut out, &received, &outcomes, port_b)
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
        Some(opts) => match timeout(opts.deadline, run(&opts, &mut std::io::stderr())).await {
            Ok(Ok(outcome)) => std::io::stdout()
                .write_all(&outcome.body)
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
