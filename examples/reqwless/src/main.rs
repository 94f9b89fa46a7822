//! reqwless, the embedded async HTTP client, follows redirects through `redirects`.
//!
//! ```text
//! cargo run -p redirects-example-reqwless            # the loopback demo, checked
//! cargo run -p redirects-example-reqwless -- URL     # follows a GET to a plain-http URL
//! ```
//!
//! reqwless sends one request and parses its response head; `redirects` (built without
//! `std`, as on firmware) decides what follows from that parsed status and those headers
//! ([`Follow::handle_head`]). [`follow`] is the loop a firmware writes (it needs `alloc`,
//! as `redirects` does). What stands in for the firmware's own: `net.rs` (tokio behind
//! the `embedded-nal-async` traits) for embassy-net, the `trace` writer for `defmt` or
//! `log`, tokio's timeout for `embassy_time::with_timeout`. See README.md here.

mod net;
mod server;

use std::fmt;
use std::io::{self, Write};
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use embedded_nal_async::{AddrType, Dns as _};
use redirects::{Body, Event, Follow, Method, OutgoingRequest, Policy, Redirect, Request, Version};
use reqwless::client::HttpClient;
use reqwless::request::{Method as WireMethod, RequestBuilder as _};

use net::{TokioDns, TokioTcp};
use server::{FINAL_BODY, Received};

/// How a chain ended.
struct Outcome {
    status: u16,
    url: String,
    redirects: u32,
    connections: usize,
    body: Vec<u8>,
}

/// The request the machine says to send, copied out of it.
///
/// reqwless's builder borrows the path and the header list for as long as its `Response`
/// lives, and that response is still alive when its status and headers are fed to the
/// machine (which takes `&mut`): the loop holds a copy, not the machine's view.
struct Hop {
    method: WireMethod,
    /// The host to resolve and its port.
    host: String,
    port: u16,
    /// `Host`: the URL's authority. reqwless would send the host of the URL it connects
    /// to, here the checked address, and never a port.
    host_header: String,
    path: String,
    headers: Vec<(String, String)>,
    send_body: bool,
    /// May be sent again after a failure on a reused connection (RFC 9110 §9.2.2).
    idempotent: bool,
}

impl Hop {
    fn of(request: OutgoingRequest<'_>) -> Result<Hop, Failure> {
        let target = request.target();
        if target.tls {
            return Err(Failure::Unsupported(
                "https: this example builds reqwless without TLS".into(),
            ));
        }
        let method = match request.method() {
            Method::Get => WireMethod::GET,
            Method::Head => WireMethod::HEAD,
            Method::Post => WireMethod::POST,
            Method::Put => WireMethod::PUT,
            Method::Delete => WireMethod::DELETE,
            Method::Options => WireMethod::OPTIONS,
            Method::Trace => WireMethod::TRACE,
            Method::Patch => WireMethod::PATCH,
            other => {
                let name = other.as_str();
                return Err(Failure::Unsupported(format!(
                    "reqwless has no method {name}"
                )));
            }
        };
        let mut host_header = request.authority().to_owned();
        let mut headers = Vec::new();
        for (name, value) in request.headers() {
            let Ok(value) = std::str::from_utf8(value) else {
                let why =
                    format!("{name}: reqwless sends header values as &str, this is not UTF-8");
                return Err(Failure::Unsupported(why));
            };
            if name.eq_ignore_ascii_case("host") {
                host_header = value.to_owned();
            } else if name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("transfer-encoding")
            {
                // reqwless writes the framing of the body it is handed itself.
            } else {
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
        Ok(Hop {
            method,
            host: target.host.to_owned(),
            port: target.port,
            host_header,
            path: request.path_and_query().to_owned(),
            headers,
            send_body: request.sends_body(),
            idempotent: !matches!(method, WireMethod::POST | WireMethod::PATCH),
        })
    }
}

/// Follows the chain that starts with `first`. `body` is the first request's body (sent
/// again whenever the machine says so). Prints every hop to `trace`.
///
/// One iteration of the outer loop is one connection; one of the inner loop is one
/// request on it. A new connection is opened when the machine says the next request may
/// not reuse this one ([`redirects::Redirect::can_reuse_connection`]).
async fn follow(
    first: Request,
    policy: Policy,
    body: &[u8],
    trace: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let (tcp, dns) = (TokioTcp, TokioDns);
    let mut client = HttpClient::new(&tcp, &dns);
    let mut follow = Follow::new(first, policy)?;
    // Holds each response head, then the start of its body (reqwless reads into it).
    let mut rx_buf = [0u8; 4096];
    let mut hop = Hop::of(follow.request())?;
    let mut connections = 0;
    loop {
        // Resolve here, not in reqwless, so that the machine checks every address before
        // a connection is made (the private-network rule of `Policy::strict`); reqwless
        // then connects to the checked address.
        let ip = dns.get_host_by_name(&hop.host, AddrType::Either).await?;
        follow.check_address(ip)?;
        let origin = match ip {
            IpAddr::V4(v4) => format!("http://{v4}:{}", hop.port),
            IpAddr::V6(v6) => format!("http://[{v6}]:{}", hop.port),
        };
        let mut resource = client.resource(&origin).await?;
        connections += 1;
        writeln!(
            trace,
            "* connection #{connections} to {origin} ({})",
            hop.host
        )?;
        for sent_before in 0.. {
            print_request(trace, &hop, body)?;
            let fields: Vec<(&str, &str)> = hop.headers.iter().map(|(n, v)| (&**n, &**v)).collect();
            let request = resource
                .request(hop.method, &hop.path)
                .host(&hop.host_header)
                .headers(&fields);
            let sent = if hop.send_body {
                request.body(body).send(&mut rx_buf).await
            } else {
                request.send(&mut rx_buf).await
            };
            let response = match sent {
                Ok(response) => response,
                // A server may close a kept-alive connection whenever it likes, and an
                // HTTP/1.0 one does after every response (reqwless does not say which
                // version answered, see below). No response head came back: send an
                // idempotent request again on a new connection, once (RFC 9112 §9.3.1).
                Err(reqwless::Error::Network(_) | reqwless::Error::ConnectionAborted)
                    if sent_before > 0 && hop.idempotent =>
                {
                    writeln!(trace, "* connection #{connections} was closed: a new one")?;
                    break;
                }
                Err(e) => return Err(e.into()),
            };
            // reqwless parsed the head: hand its status and fields to the machine. Its
            // iterator also yields the unused slots of its 64-field array, with empty
            // names (drogue-iot/reqwless#141): skip those. It does not expose the
            // version: HTTP/1.1 is what it asked for and what servers answer.
            let status = response.status.0;
            let fields = response.headers().filter(|(name, _)| !name.is_empty());
            match follow.handle_head(Version::Http11, status, fields)? {
                Event::NeedData => {
                    // An interim 1xx: the machine waits for the next head, but reqwless
                    // reads one head per request and cannot read another.
                    let why = format!("interim {status}: reqwless reads one head per request");
                    return Err(Failure::Unsupported(why));
                }
                Event::Redirect(redirect) => {
                    print_redirect(trace, status, &redirect)?;
                    let reuse = redirect.can_reuse_connection();
                    let framing = redirect.response().body_length();
                    // reqwless frames the body itself (Content-Length, chunked, or until
                    // the close); it must be read to its end before the connection is
                    // used again or dropped.
                    let drained = response.body().discard().await?;
                    let next = if reuse {
                        "connection reused"
                    } else {
                        "new connection"
                    };
                    writeln!(
                        trace,
                        "*   body {framing:?}: reqwless drained {drained} bytes; {next}"
                    )?;
                    // Take the redirect: the next request to send, and from now on the
                    // machine reads its response.
                    hop = Hop::of(redirect.follow())?;
                    if !reuse {
                        break;
                    }
                }
                Event::Final(done) => {
                    let (url, redirects) = (done.url().to_string(), done.redirects());
                    writeln!(
                        trace,
                        "< {status}: final, at {url} after {redirects} redirects"
                    )?;
                    let body = read_body(response.body().reader()).await?;
                    return Ok(Outcome {
                        status,
                        url,
                        redirects,
                        connections,
                        body,
                    });
                }
            }
        }
    }
}

/// The final body, read with reqwless's own framing; at most 1 MiB (a firmware would
/// stream it to where it goes instead).
async fn read_body(
    mut reader: impl embedded_io_async::Read<Error = reqwless::Error>,
) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let n = reader.read(&mut chunk).await?;
        if n == 0 {
            return Ok(body);
        }
        if body.len() + n > 1 << 20 {
            return Err(Failure::Unsupported("a final body over 1 MiB".into()));
        }
        body.extend_from_slice(&chunk[..n]);
    }
}

/// `> METHOD path (Host; header names; body size)`.
fn print_request(trace: &mut dyn Write, hop: &Hop, body: &[u8]) -> io::Result<()> {
    let names: Vec<&str> = hop.headers.iter().map(|(n, _)| &**n).collect();
    let names = if names.is_empty() {
        "no other headers".into()
    } else {
        names.join(", ")
    };
    let size = if hop.send_body { body.len() } else { 0 };
    let (method, path, host) = (hop.method.as_str(), &hop.path, &hop.host_header);
    writeln!(
        trace,
        "> {method} {path} (Host: {host}; {names}; body: {size} bytes)"
    )
}

/// What the machine decided on a redirect, and why.
fn print_redirect(trace: &mut dyn Write, status: u16, redirect: &Redirect<'_>) -> io::Result<()> {
    let next = redirect.request();
    let (n, method, url) = (redirect.number(), next.method(), next.url());
    writeln!(trace, "< {status}: redirect #{n} to {method} {url}")?;
    match redirect.method_change() {
        Some(c) => writeln!(trace, "*   method: {} -> {} ({:?})", c.from, c.to, c.rule)?,
        None => writeln!(trace, "*   method: {method} kept")?,
    }
    if redirect.body_dropped() {
        writeln!(trace, "*   body: dropped")?;
    } else if next.sends_body() {
        writeln!(trace, "*   body: sent again")?;
    }
    for removed in redirect.removed_headers().filter(|r| !r.earlier) {
        writeln!(trace, "*   removed {} ({:?})", removed.name, removed.reason)?;
    }
    Ok(())
}

/// The demo: POST with a body and a credential to server A, four redirects, the last two
/// on server B (another origin); then the checks, on what the servers received.
async fn demo() -> Result<(), Failure> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (a, b) = server::start(Arc::clone(&log)).await?;
    let form = b"name=reqwless";
    let first = Request::new(Method::Post, &format!("http://{a}/start"))?
        .header("Authorization", "Bearer s3cret")?
        .header("Content-Type", "application/x-www-form-urlencoded")?
        .header("Content-Length", form.len().to_string())?
        .header("X-Firmware", "1.2.3")?
        .body(Body::Replayable);
    let mut out = io::stdout();
    writeln!(
        out,
        "=== reqwless follows POST http://{a}/start (server A; server B is {b})"
    )?;
    let outcome = follow(first, Policy::fetch(), form, &mut out).await?;
    writeln!(out, "* body: {:?}", String::from_utf8_lossy(&outcome.body))?;
    let received = log.lock().map(|r| r.clone()).unwrap_or_default();
    writeln!(out, "\n=== checks")?;
    let mut failed = 0;
    for (ok, what) in checks(&received, &outcome, a, b) {
        writeln!(out, "{} {what}", if ok { "ok:  " } else { "FAIL:" })?;
        failed += usize::from(!ok);
    }
    if failed > 0 {
        return Err(Failure::Checks(failed));
    }
    writeln!(out, "demo finished: every check passed")?;
    Ok(())
}

/// What the servers must have received, and the client must have ended with.
fn checks(
    received: &[Received],
    outcome: &Outcome,
    a: std::net::SocketAddr,
    b: std::net::SocketAddr,
) -> Vec<(bool, String)> {
    let at = |i: usize| received.get(i);
    let is = |i: usize, server: char, method: &str, target: &str| {
        at(i).is_some_and(|r| r.server == server && r.method == method && r.target == target)
    };
    let header = |i: usize, name: &str| at(i).and_then(|r| r.header(name));
    let body = |i: usize| at(i).map_or(&[][..], |r| &r.body[..]);
    let connection = |i: usize| at(i).map(|r| r.connection);
    let form = &b"name=reqwless"[..];
    vec![
        (
            received.len() == 5,
            format!("the servers received 5 requests (got {})", received.len()),
        ),
        (
            is(0, 'A', "POST", "/start")
                && body(0) == form
                && header(0, "Host") == Some(&a.to_string()),
            "1: POST /start with its body and Host with the port".into(),
        ),
        (
            is(1, 'A', "POST", "/again")
                && body(1) == form
                && header(1, "Content-Type") == Some("application/x-www-form-urlencoded"),
            "2: the 307 kept POST and its body was sent again".into(),
        ),
        (
            is(2, 'A', "GET", "/step")
                && body(2).is_empty()
                && header(2, "Content-Type").is_none()
                && header(2, "Content-Length").is_none(),
            "3: the 302 made POST a GET without body, Content-Type or Content-Length".into(),
        ),
        (
            (0..3).all(|i| header(i, "Authorization") == Some("Bearer s3cret")),
            "1-3: same origin, Authorization sent".into(),
        ),
        (
            connection(0).is_some()
                && connection(1) == connection(0)
                && connection(2) == connection(0),
            "1-3: one connection to A, reused after draining a fixed and a chunked body".into(),
        ),
        (
            is(3, 'B', "GET", "/old")
                && header(3, "Host") == Some(&b.to_string())
                && header(3, "X-Firmware") == Some("1.2.3"),
            "4: the 307 to the other origin kept GET, a new Host, X-Firmware".into(),
        ),
        (
            header(3, "Authorization").is_none() && connection(3) != connection(0),
            "4: another origin: no Authorization, a new connection".into(),
        ),
        (
            is(4, 'B', "GET", "/final")
                && header(4, "Authorization").is_none()
                && connection(4).is_some()
                && connection(4) != connection(3),
            "5: the HTTP/1.0 server closed after its 301: sent again on a new connection, \
             still no Authorization"
                .into(),
        ),
        (
            outcome.status == 200
                && outcome.body == FINAL_BODY
                && outcome.redirects == 4
                && outcome.connections == 3
                && outcome.url == format!("http://{b}/final"),
            format!(
                "client: 200 with the final body at B after 4 redirects on 3 connections \
                 (got {} after {} on {})",
                outcome.status, outcome.redirects, outcome.connections
            ),
        ),
    ]
}

/// `URL`: follows a GET and writes the final body to stdout, the hops to stderr.
async fn get(url: &str) -> Result<(), Failure> {
    let policy = Policy::fetch().with_allowed_schemes(["http"])?;
    let outcome = follow(Request::get(url)?, policy, b"", &mut io::stderr()).await?;
    io::stdout().write_all(&outcome.body)?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = async {
        match args.as_slice() {
            [] => demo().await,
            [url] if !url.starts_with('-') => get(url).await,
            _ => Err(Failure::Usage),
        }
    };
    // reqwless has no timeouts of its own (firmware: embassy_time::with_timeout).
    let result = match tokio::time::timeout(Duration::from_secs(30), run).await {
        Ok(result) => result,
        Err(_) => Err(Failure::Timeout),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage) => {
            eprintln!("usage: redirects-example-reqwless [http://URL]");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Why a run failed.
#[derive(Debug)]
enum Failure {
    Redirects(redirects::Error),
    Reqwless(reqwless::Error),
    Io(io::Error),
    Unsupported(String),
    Checks(usize),
    Timeout,
    Usage,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Redirects(e) => write!(f, "redirects: {e}"),
            Failure::Reqwless(e) => write!(f, "reqwless: {e:?}"),
            Failure::Io(e) => write!(f, "{e}"),
            Failure::Unsupported(what) => write!(f, "not supported: {what}"),
            Failure::Checks(n) => write!(f, "{n} demo check(s) failed"),
            Failure::Timeout => write!(f, "no answer within 30 s"),
            Failure::Usage => write!(f, "usage"),
        }
    }
}

impl From<redirects::Error> for Failure {
    fn from(e: redirects::Error) -> Failure {
        Failure::Redirects(e)
    }
}

impl From<reqwless::Error> for Failure {
    fn from(e: reqwless::Error) -> Failure {
        Failure::Reqwless(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}
