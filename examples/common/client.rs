//! A blocking HTTP/1.1 client over `std::net` that follows redirects with the machine.
//!
//! The machine decides; this file only moves bytes: it opens (or reuses) connections,
//! writes the head the machine describes, feeds the bytes it reads, drains redirect bodies
//! and reads the final one. Plain `http` only: a real client would put TLS on the stream
//! where `Target::tls` says so.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use redirects::{Body, Event, Follow, Method, Policy, Request, Target, Url};

use super::body::{BodyError, BodyReader};
use super::report::{self, Head, HopReport};

/// What to fetch, and the bounds of the attempt.
#[derive(Debug, Clone)]
pub struct Options {
    /// The first method.
    pub method: Method,
    /// The first URL.
    pub url: String,
    /// Headers of the first request, in order.
    pub headers: Vec<(String, String)>,
    /// The request body, sent again whenever the machine says so.
    pub body: Option<Vec<u8>>,
    /// The redirect policy.
    pub policy: Policy,
    /// Timeout of each connect, read and write.
    pub io_timeout: Duration,
    /// Time limit for the whole chain.
    pub deadline: Duration,
    /// Largest body kept (final) or drained (redirects).
    pub max_body: usize,
}

impl Options {
    /// A request with no headers or body, the `fetch` policy and bounded defaults.
    pub fn new(method: Method, url: &str) -> Options {
        Options {
            method,
            url: url.to_owned(),
            headers: Vec::new(),
            body: None,
            policy: Policy::fetch(),
            io_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            max_body: 16 << 20,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Options {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Options {
        self.body = Some(body.into());
        self
    }
}

/// One request as it went on the wire.
#[derive(Debug, Clone)]
pub struct Sent {
    /// Its method.
    pub method: Method,
    /// Its URL.
    pub url: Url,
    /// The headers written after `Host`.
    pub headers: Vec<(String, String)>,
    /// Body bytes sent with it.
    pub body: Option<usize>,
    /// Which connection (1-based) carried it.
    pub connection: usize,
}

/// The end of a chain.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The final response head.
    pub head: Head,
    /// The final body.
    pub body: Vec<u8>,
    /// The final URL.
    pub url: Url,
    /// The redirects followed.
    pub hops: Vec<HopReport>,
    /// Every request sent, in order.
    pub sent: Vec<Sent>,
    /// How many connections were opened.
    pub connections: usize,
}

/// Why a chain failed.
#[derive(Debug)]
pub enum ClientError {
    /// The machine refused (bad first request, or a redirect it must not follow).
    Redirect(redirects::Error),
    /// A socket error, a timeout included.
    Io(io::Error),
    /// A body could not be read.
    Body(BodyError),
    /// The server closed the connection before the response head was complete.
    Closed,
    /// A body is larger than [`Options::max_body`].
    TooLarge,
    /// The chain leads to `https`, which this plain-TCP example does not speak.
    Tls(Url),
    /// The whole chain took longer than [`Options::deadline`].
    Deadline,
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Redirect(e) => write!(f, "{e} [{}]", e.code()),
            ClientError::Io(e) => write!(f, "I/O error: {e}"),
            ClientError::Body(e) => write!(f, "{e}"),
            ClientError::Closed => f.write_str("connection closed before the response head"),
            ClientError::TooLarge => f.write_str("body larger than the example's limit"),
            ClientError::Tls(url) => write!(f, "{url}: https needs TLS, not in this example"),
            ClientError::Deadline => f.write_str("time limit for the whole chain reached"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<redirects::Error> for ClientError {
    fn from(e: redirects::Error) -> Self {
        ClientError::Redirect(e)
    }
}

impl From<io::Error> for ClientError {
    fn from(e: io::Error) -> Self {
        ClientError::Io(e)
    }
}

impl From<BodyError> for ClientError {
    fn from(e: BodyError) -> Self {
        ClientError::Body(e)
    }
}

/// Builds the machine's first request from the options. A body gets a `Content-Length`
/// (unless the caller set one) so that the machine removes it with the body on a 303.
pub fn first_request(opts: &Options) -> Result<Request, redirects::Error> {
    let mut request = Request::new(opts.method, &opts.url)?;
    for (name, value) in &opts.headers {
        request = request.header(name, value)?;
    }
    if let Some(body) = &opts.body {
        if !opts
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            request = request.header("Content-Length", body.len().to_string())?;
        }
        request = request.body(Body::Replayable);
    }
    Ok(request)
}

/// An open connection and the bytes read from it that no response has used yet.
struct Conn {
    stream: TcpStream,
    id: usize,
    pending: Vec<u8>,
}

impl Conn {
    fn open(target: &Target<'_>, id: usize, timeout: Duration) -> io::Result<Conn> {
        // A bracketed IPv6 literal is not a name to resolve.
        let host = target.host.trim_start_matches('[').trim_end_matches(']');
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
        for addr in (host, target.port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(timeout))?;
                    stream.set_write_timeout(Some(timeout))?;
                    stream.set_nodelay(true)?;
                    return Ok(Conn {
                        stream,
                        id,
                        pending: Vec::new(),
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Reads once more into `buf`; `Ok(0)` at end of stream.
    fn fill(&mut self, buf: &mut Vec<u8>, deadline: Instant) -> Result<usize, ClientError> {
        if Instant::now() >= deadline {
            return Err(ClientError::Deadline);
        }
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk)?;
        buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }
}

/// Reads a body delimited by `reader` from `raw` (bytes already read) and the connection.
/// Leaves any bytes after it in `conn.pending`. Returns the body and whether the connection
/// reached its end.
fn read_body(
    conn: &mut Conn,
    mut raw: Vec<u8>,
    mut reader: BodyReader,
    max: usize,
    deadline: Instant,
) -> Result<(Vec<u8>, bool), ClientError> {
    let mut body = Vec::new();
    loop {
        let used = reader.feed(&raw, Some(&mut body))?;
        if body.len() > max {
            return Err(ClientError::TooLarge);
        }
        if reader.is_done() {
            conn.pending = raw.split_off(used);
            return Ok((body, false));
        }
        raw.clear();
        if conn.fill(&mut raw, deadline)? == 0 {
            reader.eof()?;
            return Ok((body, true));
        }
    }
}

/// What a response turned out to be, copied out of the machine's borrowed event so that
/// the loop can do I/O (or `await`) while it acts on it.
pub enum Step {
    /// A redirect to follow, and its head.
    Redirect(Box<HopReport>, Head),
    /// The final response and the URL that answered it.
    Final(Head, Url),
}

/// Feeds `buf` (all bytes read so far for this response) to the machine: `None` if it
/// needs more. On an error, prints the refused head first, as `curl -v` would.
pub fn next_step(
    follow: &mut Follow,
    buf: &[u8],
    trace: &mut dyn Write,
) -> Result<Option<Step>, ClientError> {
    let event = follow.handle_response(buf).inspect_err(|_| {
        let end = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(buf.len(), |i| i + 2);
        let _ = report::head_lines(trace, "< ", &buf[..end]);
    })?;
    Ok(match event {
        Event::NeedData => None,
        Event::Redirect(r) => Some(Step::Redirect(
            Box::new(HopReport::new(&r)),
            Head::new(&r.response(), buf),
        )),
        Event::Final(f) => Some(Step::Final(Head::new(&f.response(), buf), f.url().clone())),
    })
}

/// Follows the chain, printing it like `curl -v` to `trace`.
pub fn run(opts: &Options, trace: &mut dyn Write) -> Result<Outcome, ClientError> {
    let deadline = Instant::now() + opts.deadline;
    let mut follow = Follow::new(first_request(opts)?, opts.policy.clone())?;
    let mut conn: Option<Conn> = None;
    let (mut hops, mut sent, mut connections) = (Vec::new(), Vec::new(), 0);
    let mut head = vec![0u8; 256];
    // The machine ends the chain after `max_redirects`; this bound is only a backstop.
    for _ in 0..=opts.policy.max_redirects() {
        let request = follow.request();
        let target = request.target();
        if target.tls {
            return Err(ClientError::Tls(request.url().clone()));
        }
        // The head the machine describes; a too-small buffer says exactly what it needs.
        let n = match request.write_head(&mut head) {
            Ok(n) => n,
            Err(too_small) => {
                head.resize(too_small.required, 0);
                request
                    .write_head(&mut head)
                    .map_err(|_| ClientError::TooLarge)?
            }
        };
        let body = if request.send_body() {
            opts.body.as_deref()
        } else {
            None
        };

        // Send it, and read the response head. A reused connection that the server closed
        // meanwhile gets one retry on a new one, as curl does.
        let mut attempt = 0;
        let (mut c, mut buf) = loop {
            attempt += 1;
            let (mut c, reused) = match conn.take() {
                Some(c) => {
                    writeln!(trace, "* Re-using connection #{}", c.id)?;
                    (c, true)
                }
                None => {
                    connections += 1;
                    writeln!(trace, "* Connecting to {}:{} ...", target.host, target.port)?;
                    let c = Conn::open(&target, connections, opts.io_timeout)?;
                    writeln!(trace, "* Connected (connection #{connections})")?;
                    (c, false)
                }
            };
            report::head_lines(trace, "> ", &head[..n - 2])?;
            let mut wrote = c.stream.write_all(&head[..n]);
            if let (Some(body), Ok(())) = (body, &wrote) {
                writeln!(trace, "* sending {} body bytes", body.len())?;
                wrote = c.stream.write_all(body);
            }
            let mut buf = std::mem::take(&mut c.pending);
            let got = match wrote {
                Ok(()) if !buf.is_empty() => Ok(true),
                Ok(()) => c.fill(&mut buf, deadline).map(|n| n > 0),
                Err(e) => Err(e.into()),
            };
            match got {
                Ok(true) => break (c, buf),
                Ok(false) | Err(ClientError::Io(_)) if reused && attempt == 1 => {
                    writeln!(
                        trace,
                        "* connection #{} was closed by the server; retrying",
                        c.id
                    )?;
                }
                Ok(false) => return Err(ClientError::Closed),
                Err(e) => return Err(e),
            }
        };
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

        let step = loop {
            if let Some(step) = next_step(&mut follow, &buf, trace)? {
                break step;
            }
            if c.fill(&mut buf, deadline)? == 0 {
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
                    let (drained, closed) =
                        read_body(&mut c, raw, reader, opts.max_body, deadline)?;
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
                let (body, _) = read_body(&mut c, raw, reader, opts.max_body, deadline)?;
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
    Err(ClientError::Redirect(redirects::Error::TooManyRedirects {
        limit: opts.policy.max_redirects(),
        status: 0,
    }))
}
