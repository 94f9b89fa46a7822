//! The client loop of both examples, written once and sans-IO like the machine itself.
//!
//! A [`Driver`] follows one chain. It never touches a socket: each call to
//! [`Driver::step`] says what I/O to do next ([`Action`]), and the next call reports how it
//! went ([`Input`]). A runtime is the few lines that perform the actions: `blocking.rs`
//! with `std::net`, `examples/tokio/src/main.rs` with tokio. Everything else is here:
//! building the first request, choosing a new or a kept connection, writing what the
//! machine describes, feeding the bytes read, turning the machine's events into steps,
//! draining redirect bodies, reading the final one, retrying a kept connection the server
//! closed meanwhile, the bounds, and the `curl -v`-style trace.
//!
//! ```text
//! let mut driver = Driver::new(&opts, &mut trace)?;
//! let mut input = Input::Start;
//! loop {
//!     input = match driver.step(input)? {
//!         Action::Connect { host, port } => /* drop the old connection, open one */ Input::Ready,
//!         Action::Write(bytes) => /* write them all */ Input::Ready,
//!         Action::Read => /* read once */ Input::Data(&buf[..n]), // Input::Closed on 0
//!         Action::Done(outcome) => return Ok(*outcome),
//!     }; // any I/O error: Input::Failed(e)
//! }
//! ```
//!
//! Plain `http` only: a real client would put TLS on the connection where `Target::tls`
//! says so.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use redirects::{Body, CurlRequest, Event, Follow, Method, Policy, Request, Url};

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
    /// How `curl` would send the request (`-d`, `-T`, `-X`), for the `curl` policy
    /// ([`Request::curl`]); `None` lets the machine assume the usual command line.
    pub curl: Option<CurlRequest>,
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
            curl: None,
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
    if let Some(curl) = opts.curl {
        request = request.curl(curl);
    }
    Ok(request)
}

/// What a response turned out to be, copied out of the machine's borrowed event: the
/// event is only looked at inside its match arm, and nothing borrowed from the machine is
/// kept while the loop does I/O.
enum Step {
    /// A redirect to follow, and its head.
    Redirect(Box<HopReport>, Head),
    /// The final response and the URL that answered it.
    Final(Head, Url),
}

/// Feeds `buf` (all bytes read so far for this response) to the machine: `None` if it
/// needs more. On an error, prints the refused head first, as `curl -v` would.
fn next_step(
    follow: &mut Follow,
    buf: &[u8],
    trace: &mut dyn Write,
) -> Result<Option<Step>, ClientError> {
    let event = follow.handle_response(buf).inspect_err(|_| {
        let end = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(buf.len(), |i| i + 4);
        let _ = report::head_lines(trace, "< ", &buf[..end]);
    })?;
    Ok(match event {
        Event::NeedData => None,
        Event::Redirect(hop) => Some(Step::Redirect(
            Box::new(HopReport::new(&hop)),
            Head::new(&hop.response(), buf),
        )),
        Event::Final(done) => Some(Step::Final(
            Head::new(&done.response(), buf),
            done.url().clone(),
        )),
    })
}

/// The I/O a runtime does for the driver next.
#[derive(Debug)]
pub enum Action<'d> {
    /// Close the current connection, if any, and open a new one to `host:port` (`host` is
    /// a name or an IP literal, IPv6 without brackets). Then: [`Input::Ready`].
    Connect {
        /// Host name or IP address.
        host: &'d str,
        /// TCP port.
        port: u16,
    },
    /// Write all of these bytes on the connection. Then: [`Input::Ready`].
    Write(&'d [u8]),
    /// Read once from the connection, any amount. Then: [`Input::Data`], or
    /// [`Input::Closed`] at the end of the stream.
    Read,
    /// The chain is over: the final response and its body. Close the connection.
    Done(Box<Outcome>),
}

/// How the last [`Action`] went (or [`Input::Start`] for the first call).
#[derive(Debug)]
pub enum Input<'a> {
    /// The first call.
    Start,
    /// The connection is open, or the bytes are written.
    Ready,
    /// Bytes read (not empty).
    Data(&'a [u8]),
    /// The peer closed the connection: a read returned no bytes.
    Closed,
    /// The I/O failed (a timeout included).
    Failed(io::Error),
}

/// The open connection, as the driver knows it.
#[derive(Debug, Clone, Copy)]
struct Conn {
    /// Its number (1-based).
    id: usize,
    /// Whether the request on it is not its first.
    reused: bool,
}

/// A body being read, and what to do once it is.
struct Reading {
    reader: BodyReader,
    /// The final body; a redirect body is drained, not kept.
    body: Vec<u8>,
    then: Then,
}

enum Then {
    /// Drain the redirect's body, then keep the connection for the next request.
    Redirect(Box<HopReport>, Head),
    /// Read the final body, then the chain is over.
    Final(Head, Url),
}

enum State {
    /// Before the first call.
    Start,
    /// Waiting for a new connection.
    Connecting,
    /// Waiting for the request to be written.
    Writing,
    /// Reading a response head.
    Head,
    /// Reading a body.
    Body(Box<Reading>),
    /// The chain is over (or failed).
    Over,
}

/// Follows one chain; see the module documentation for the calling loop.
pub struct Driver<'a> {
    opts: &'a Options,
    trace: &'a mut dyn Write,
    follow: Follow,
    deadline: Instant,
    state: State,
    conn: Option<Conn>,
    /// Where the current request goes.
    host: String,
    port: u16,
    /// The current request's bytes: head, then body when it is sent.
    out: Vec<u8>,
    head_len: usize,
    /// Its record, added to `sent` when its answer starts.
    sending: Option<Sent>,
    /// Whether the current request was already sent again on a new connection.
    retried: bool,
    /// The response being read; after a body, whatever followed it on the connection.
    buf: Vec<u8>,
    hops: Vec<HopReport>,
    sent: Vec<Sent>,
    connections: usize,
}

impl<'a> Driver<'a> {
    /// A driver for the chain `opts` describes, printing its trace to `trace`.
    pub fn new(opts: &'a Options, trace: &'a mut dyn Write) -> Result<Driver<'a>, ClientError> {
        Ok(Driver {
            opts,
            trace,
            follow: Follow::new(first_request(opts)?, opts.policy.clone())?,
            deadline: Instant::now() + opts.deadline,
            state: State::Start,
            conn: None,
            host: String::new(),
            port: 0,
            out: Vec::new(),
            head_len: 0,
            sending: None,
            retried: false,
            buf: Vec::new(),
            hops: Vec::new(),
            sent: Vec::new(),
            connections: 0,
        })
    }

    /// Takes how the last action went and says what to do next. After an error (or
    /// [`Action::Done`]) the chain is over.
    pub fn step(&mut self, input: Input<'_>) -> Result<Action<'_>, ClientError> {
        if Instant::now() >= self.deadline {
            self.state = State::Over;
            return Err(ClientError::Deadline);
        }
        match (std::mem::replace(&mut self.state, State::Over), input) {
            (State::Start, Input::Start) => self.send(),
            (State::Connecting, Input::Ready) => {
                let id = self.connections;
                writeln!(self.trace, "* Connected (connection #{id})")?;
                self.conn = Some(Conn { id, reused: false });
                self.write()
            }
            (State::Writing, Input::Ready) => {
                self.state = State::Head;
                if self.buf.is_empty() {
                    Ok(Action::Read)
                } else {
                    // The connection already holds bytes after the last body.
                    self.head(&[])
                }
            }
            (State::Writing, Input::Failed(e)) => self.retry(e.into()),
            (State::Head, Input::Data(data)) => self.head(data),
            (State::Head, Input::Closed) => self.retry(ClientError::Closed),
            (State::Head, Input::Failed(e)) => self.retry(e.into()),
            (State::Body(reading), Input::Data(data)) => self.body(reading, data),
            (State::Body(mut reading), Input::Closed) => {
                reading.reader.eof()?;
                self.body_done(reading, true)
            }
            (_, Input::Failed(e)) => Err(e.into()),
            (_, input) => Err(ClientError::Io(io::Error::other(format!(
                "driver called out of turn with {input:?}"
            )))),
        }
    }

    /// Starts the request the machine describes now: on the kept connection, or a new one.
    fn send(&mut self) -> Result<Action<'_>, ClientError> {
        // The machine ends the chain after `max_redirects`; this bound is only a backstop.
        let limit = self.opts.policy.max_redirects();
        if self.hops.len() > limit as usize {
            return Err(redirects::Error::TooManyRedirects { limit, status: 0 }.into());
        }
        let request = self.follow.request();
        let target = request.target();
        if target.tls {
            return Err(ClientError::Tls(request.url().clone()));
        }
        // The head the machine describes, written into the buffer as it is; a too-small
        // buffer says exactly what it needs.
        self.out.clear();
        self.out.resize(self.out.capacity().max(256), 0);
        self.head_len = match request.write_head(&mut self.out) {
            Ok(n) => n,
            Err(too_small) => {
                self.out.resize(too_small.required, 0);
                request
                    .write_head(&mut self.out)
                    .map_err(|_| ClientError::TooLarge)?
            }
        };
        self.out.truncate(self.head_len);
        let body = if request.send_body() {
            self.opts.body.as_deref()
        } else {
            None
        };
        self.out.extend_from_slice(body.unwrap_or_default());
        self.sending = Some(Sent {
            method: request.method(),
            url: request.url().clone(),
            headers: request
                .headers()
                .map(|(k, v)| (k.to_owned(), String::from_utf8_lossy(v).into_owned()))
                .collect(),
            body: body.map(<[u8]>::len),
            connection: 0,
        });
        // A bracketed IPv6 literal is not a name to resolve.
        self.host = target
            .host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        self.port = target.port;
        self.retried = false;
        match &mut self.conn {
            Some(conn) => {
                conn.reused = true;
                writeln!(self.trace, "* Re-using connection #{}", conn.id)?;
                self.write()
            }
            None => self.connect(),
        }
    }

    /// Asks for a new connection for the current request.
    fn connect(&mut self) -> Result<Action<'_>, ClientError> {
        self.conn = None;
        self.buf.clear();
        self.connections += 1;
        writeln!(
            self.trace,
            "* Connecting to {}:{} ...",
            self.host, self.port
        )?;
        self.state = State::Connecting;
        Ok(Action::Connect {
            host: &self.host,
            port: self.port,
        })
    }

    /// Prints the current request and asks for it to be written.
    fn write(&mut self) -> Result<Action<'_>, ClientError> {
        let Some(conn) = self.conn else {
            return Err(ClientError::Io(io::ErrorKind::NotConnected.into()));
        };
        if let Some(sent) = &mut self.sending {
            sent.connection = conn.id;
        }
        let (head, body) = self.out.split_at(self.head_len);
        report::head_lines(self.trace, "> ", head)?;
        if !body.is_empty() {
            // `sent` holds the requests answered so far: a body after the first is the
            // same bytes again.
            let replay = !self.sent.is_empty() || self.retried;
            report::request_body(self.trace, body, replay)?;
        }
        self.state = State::Writing;
        Ok(Action::Write(&self.out))
    }

    /// The request failed before any byte of its answer arrived: on a kept connection
    /// (which the server may have closed meanwhile) it is sent once more on a new one, as
    /// curl does; otherwise the chain fails with `error`.
    fn retry(&mut self, error: ClientError) -> Result<Action<'_>, ClientError> {
        match self.conn {
            Some(conn) if conn.reused && !self.retried && self.buf.is_empty() => {
                writeln!(
                    self.trace,
                    "* connection #{} was closed by the server; retrying",
                    conn.id
                )?;
                self.retried = true;
                self.connect()
            }
            _ => Err(error),
        }
    }

    /// Feeds the machine the response so far, with `data` added.
    fn head(&mut self, data: &[u8]) -> Result<Action<'_>, ClientError> {
        if let Some(sent) = self.sending.take() {
            self.sent.push(sent);
        }
        self.buf.extend_from_slice(data);
        let Some(step) = next_step(&mut self.follow, &self.buf, self.trace)? else {
            self.state = State::Head;
            return Ok(Action::Read);
        };
        let (head_len, length) = match &step {
            Step::Redirect(_, head) | Step::Final(head, _) => (head.head_len, head.body_length),
        };
        let then = match step {
            Step::Redirect(hop, head) => {
                report::head_lines(self.trace, "< ", &head.raw)?;
                report::hop(self.trace, &hop)?;
                if !hop.reuse {
                    // Closing the connection discards the body: no need to read it.
                    let id = self.conn.map_or(0, |c| c.id);
                    report::after_redirect(self.trace, id, None, false)?;
                    self.hops.push(*hop);
                    self.conn = None;
                    self.buf.clear();
                    return self.send();
                }
                Then::Redirect(hop, head)
            }
            Step::Final(head, url) => {
                report::head_lines(self.trace, "< ", &head.raw)?;
                Then::Final(head, url)
            }
        };
        // The bytes after the head are the start of the body.
        let rest = self.buf.split_off(head_len);
        self.buf.clear();
        let reading = Box::new(Reading {
            reader: BodyReader::new(length),
            body: Vec::new(),
            then,
        });
        self.body(reading, &rest)
    }

    /// Decodes body bytes; a redirect's are counted and dropped.
    fn body(&mut self, mut reading: Box<Reading>, data: &[u8]) -> Result<Action<'_>, ClientError> {
        let Reading { reader, body, then } = &mut *reading;
        let keep = matches!(then, Then::Final(..)).then_some(body);
        let used = reader.feed(data, keep)?;
        if reader.decoded() > self.opts.max_body as u64 {
            return Err(ClientError::TooLarge);
        }
        if reader.is_done() {
            // What follows the body is the start of the next response on this connection.
            self.buf = data[used..].to_vec();
            return self.body_done(reading, false);
        }
        self.state = State::Body(reading);
        Ok(Action::Read)
    }

    /// A body is complete (`closed`: the server closed the connection to end it).
    fn body_done(
        &mut self,
        reading: Box<Reading>,
        closed: bool,
    ) -> Result<Action<'_>, ClientError> {
        let id = self.conn.map_or(0, |c| c.id);
        let Reading { reader, body, then } = *reading;
        match then {
            Then::Redirect(hop, head) => {
                let drained = usize::try_from(reader.decoded()).unwrap_or(usize::MAX);
                report::after_redirect(self.trace, id, Some((drained, head.body_length)), !closed)?;
                if closed {
                    self.conn = None;
                    self.buf.clear();
                }
                self.hops.push(*hop);
                self.send()
            }
            Then::Final(head, url) => {
                report::final_line(self.trace, &head, &url, self.hops.len(), body.len())?;
                Ok(Action::Done(Box::new(Outcome {
                    head,
                    body,
                    url,
                    hops: std::mem::take(&mut self.hops),
                    sent: std::mem::take(&mut self.sent),
                    connections: self.connections,
                })))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a chain against scripted servers with no socket at all: `answers` are the
    /// bytes each connection (in order) sends back, fed one byte per read; then it closes.
    /// Returns the outcome, the bytes written on each connection and the trace.
    fn scripted(
        opts: &Options,
        answers: &[&[u8]],
    ) -> (Result<Outcome, ClientError>, Vec<Vec<u8>>, String) {
        let (mut trace, mut written) = (Vec::new(), Vec::new());
        let outcome = drive(opts, answers, &mut trace, &mut written);
        (
            outcome,
            written,
            String::from_utf8_lossy(&trace).into_owned(),
        )
    }

    fn drive(
        opts: &Options,
        answers: &[&[u8]],
        trace: &mut Vec<u8>,
        written: &mut Vec<Vec<u8>>,
    ) -> Result<Outcome, ClientError> {
        let mut driver = Driver::new(opts, trace)?;
        let mut input = Input::Start;
        let mut answer: &[u8] = &[];
        loop {
            input = match driver.step(input)? {
                Action::Connect { host, port } => {
                    assert_eq!((host, port), ("example.test", 80));
                    answer = answers[written.len()];
                    written.push(Vec::new());
                    Input::Ready
                }
                Action::Write(bytes) => {
                    written.last_mut().unwrap().extend_from_slice(bytes);
                    Input::Ready
                }
                Action::Read => match answer.split_first() {
                    Some((_, rest)) => {
                        let byte = &answer[..1];
                        answer = rest;
                        Input::Data(byte)
                    }
                    None => Input::Closed,
                },
                Action::Done(outcome) => return Ok(*outcome),
            };
        }
    }

    #[test]
    fn chain_fed_one_byte_at_a_time() {
        let opts = Options::new(Method::Put, "http://example.test/a").body("data");
        let first: &[u8] = b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\n\
            Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n\
            HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        let (outcome, written, trace) = scripted(&opts, &[first]);
        let outcome = outcome.unwrap_or_else(|e| panic!("{e}\n{trace}"));
        assert_eq!(outcome.body, b"ok");
        assert_eq!(outcome.url.as_str(), "http://example.test/b");
        assert_eq!((outcome.hops.len(), outcome.connections), (1, 1));
        let sent = String::from_utf8_lossy(&written[0]);
        assert_eq!(
            sent,
            "PUT /a HTTP/1.1\r\nHost: example.test\r\nContent-Length: 4\r\n\r\ndata\
             PUT /b HTTP/1.1\r\nHost: example.test\r\nContent-Length: 4\r\n\r\ndata"
        );
        assert!(trace.contains("> data\n"), "{trace}");
        assert!(trace.contains("* body: 4 bytes, a replay"), "{trace}");
        assert!(trace.contains("drained 3 body bytes (chunked)"), "{trace}");
    }

    #[test]
    fn kept_connection_closed_by_the_server_is_retried_once() {
        let opts = Options::new(Method::Get, "http://example.test/a");
        let redirect: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n";
        let ok: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        // The first connection closes after the redirect; the request for /b goes again
        // on a second one.
        let (outcome, written, trace) = scripted(&opts, &[redirect, ok]);
        let outcome = outcome.unwrap_or_else(|e| panic!("{e}\n{trace}"));
        assert_eq!(
            (outcome.body.as_slice(), outcome.connections),
            (&b"ok"[..], 2)
        );
        assert!(trace.contains("connection #1 was closed by the server; retrying"));
        assert!(String::from_utf8_lossy(&written[1]).starts_with("GET /b HTTP/1.1\r\n"));
        let on: Vec<usize> = outcome.sent.iter().map(|s| s.connection).collect();
        assert_eq!(on, [1, 2]);
        // Only once: a new connection that closes too is an error.
        let (outcome, _, _) = scripted(&opts, &[redirect, b""]);
        assert!(matches!(outcome, Err(ClientError::Closed)));
        // And a first request is never retried.
        let (outcome, written, _) = scripted(&opts, &[b""]);
        assert!(matches!(outcome, Err(ClientError::Closed)));
        assert_eq!(written.len(), 1);
    }

    #[test]
    fn bounded_and_out_of_turn() {
        let mut opts = Options::new(Method::Get, "http://example.test/a");
        opts.max_body = 3;
        let (outcome, _, _) = scripted(
            &opts,
            &[b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfour"],
        );
        assert!(matches!(outcome, Err(ClientError::TooLarge)));
        let (outcome, _, _) = scripted(
            &opts,
            &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
        );
        assert!(matches!(
            outcome,
            Err(ClientError::Body(BodyError::BadChunk))
        ));
        let mut trace = Vec::new();
        let mut driver = Driver::new(&opts, &mut trace).unwrap();
        assert!(driver.step(Input::Ready).is_err());
        let https = Options::new(Method::Get, "https://example.test/");
        let mut driver = Driver::new(&https, &mut trace).unwrap();
        assert!(matches!(
            driver.step(Input::Start),
            Err(ClientError::Tls(_))
        ));
    }
}
