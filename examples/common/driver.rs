//! The client loop of both examples, written once and sans-IO like the machine itself.
//!
//! A [`Driver`] follows one chain. It never touches a socket: each call to
//! [`Driver::step`] says what I/O to do next ([`Action`]), and the next call reports how it
//! went ([`Input`]). A runtime is the few lines that perform the actions: `blocking.rs`
//! with `std::net`, `examples/tokio/src/main.rs` with tokio. Everything else is here:
//! building the first request, choosing a new or a kept connection, the addresses to
//! connect to (`--resolve`, or the runtime's resolver) and the private-network check on
//! each of them, writing what the machine describes, feeding the bytes read, turning the
//! machine's events into steps, draining redirect bodies, reading the final one, retrying
//! a kept connection the server closed meanwhile, the bounds, and the `curl -v`-style
//! trace.
//!
//! ```text
//! let mut driver = Driver::new(&opts, &mut trace)?;
//! let mut input = Input::Start;
//! loop {
//!     input = match driver.step(input)? {
//!         Action::Resolve { host, port } => /* look the name up */ Input::Resolved(addrs),
//!         Action::Connect { addrs } => /* drop the old connection, open one */ Input::Ready,
//!         Action::Write(bytes) => /* write them all */ Input::Ready,
//!         Action::Read => /* read once */ Input::Data(&buf[..n]), // Input::Closed on 0
//!         Action::Done(outcome) => return Ok(*outcome),
//!     }; // any I/O error: Input::Failed(e)
//! }
//! ```
//!
//! # Private networks (SSRF)
//!
//! Before every new connection, the driver passes each address it is about to connect to
//! (all of them, before trying any) to [`Follow::check_address`], whatever the policy (the
//! call is a no-op when the policy does not block private targets). If one fails, the
//! chain ends with that error ([`redirects::Error::PrivateTarget`]) and no connection is
//! made. The machine has already refused a redirect whose URL host is in a less public
//! space than the chain's; this catches a host *name* that resolves into one.
//!
//! One exception, so that a chain can start on a loopback server under a name declared
//! public (tests, and this machine where every server is on 127.0.0.1): when the caller
//! declares the first URL's address space ([`Options::start_space`], `--start-space`), the
//! addresses a [`Resolve`] entry (`--resolve`) gives for the first URL's host and port are
//! taken to be in that space and are not checked, on every connection to that host and
//! port. The caller vouches for them twice over: it chose the addresses and it named their
//! space. Addresses from DNS, and `--resolve` addresses for any other host or port, are
//! always checked; without `--start-space`, so are the first host's.
//!
//! # Cookies
//!
//! With a jar ([`Options::jar`], `-b`/`-c`), the driver gives it to the machine
//! ([`Follow::with_cookie_jar`], shared as an `Arc<Mutex<Jar>>` so that it can be read
//! after the chain): each response's `Set-Cookie` fields are stored against the URL of
//! the request that received it (never the `Location` target: CVE-2015-2296), and each
//! request, the first included, carries the `Cookie` the jar gives for its own URL. The
//! jar then owns the `Cookie` header (a `-H 'Cookie: ..'` is refused with a jar). The
//! trace says what the jar did on each hop (`Redirect::cookies`, `Final::cookies`). The
//! jar at the end is [`Outcome::jar`].
//!
//! Plain `http` only: a real client would put TLS on the connection where `Target::tls`
//! says so.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use redirects::{
    AddressSpace, Body, CurlRequest, DrainError, Drainer, Event, Follow, Jar, Method, Policy,
    Request, Url,
};

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
    /// The address space declared for the first URL ([`Request::address_space`]); `None`:
    /// the machine's default (an IP address's own space, `local` for `localhost`, `public`
    /// for any other name). When set, the [`Resolve`] addresses of the first URL's host and
    /// port are taken to be in this space (see the module documentation).
    pub start_space: Option<AddressSpace>,
    /// Addresses to use instead of resolving a host and port (curl's `--resolve`).
    pub resolve: Vec<Resolve>,
    /// The cookie jar to start with (`-b`, `-c`); `None`: no cookie engine.
    pub jar: Option<Jar>,
    /// Where to write the jar at the end (`-c FILE`).
    pub cookie_out: Option<String>,
}

/// Addresses to use for `host:port` instead of asking the resolver (curl's
/// `--resolve HOST:PORT:ADDR[,ADDR]...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolve {
    /// The host as a URL gives it (a name, or an IP literal without brackets); compared
    /// without regard to ASCII case.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The addresses, tried in this order.
    pub addrs: Vec<IpAddr>,
}

impl Resolve {
    /// Whether this entry is for `host:port`.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        self.port == port && self.host.eq_ignore_ascii_case(host)
    }
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
            start_space: None,
            resolve: Vec::new(),
            jar: None,
            cookie_out: None,
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
    /// The cookie jar after the chain (with [`Options::jar`]).
    pub jar: Option<Jar>,
}

/// Why a chain failed.
#[derive(Debug)]
pub enum ClientError {
    /// The machine refused (bad first request, or a redirect it must not follow).
    Redirect(redirects::Error),
    /// A socket error, a timeout included.
    Io(io::Error),
    /// A body could not be read ([`Drainer`]).
    Body(DrainError),
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

impl From<DrainError> for ClientError {
    fn from(e: DrainError) -> Self {
        match e {
            DrainError::TooLarge { .. } => ClientError::TooLarge,
            e => ClientError::Body(e),
        }
    }
}

/// Builds the machine's first request from the options. A body gets a `Content-Length`
/// (unless the caller set one) so that the machine removes it with the body on a 303.
pub fn first_request(opts: &Options) -> Result<Request, redirects::Error> {
    let mut request = Request::new(opts.method, &opts.url)?;
    if let Some(space) = opts.start_space {
        request = request.address_space(space);
    }
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
    notes: &mut Vec<String>,
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
        Event::Redirect(hop) => {
            let report = Box::new(HopReport::new(&hop));
            let head = Head::new(&hop.response(), buf);
            if let Some(did) = hop.cookies() {
                // The machine stored the 3xx's `Set-Cookie` against the URL that answered
                // it, and wrote the next request's `Cookie` from the jar for its own URL.
                jar_notes(
                    notes,
                    hop.response().headers_named("set-cookie"),
                    hop.from_url(),
                );
                notes.push(format!(
                    "*   jar: {} stored, {} deleted, {} ignored; Cookie: {} from the jar for {}",
                    did.stored,
                    did.deleted,
                    did.ignored,
                    did.sent,
                    hop.request().url()
                ));
            }
            // The driver follows every redirect the policy proposes: take it now, so that
            // `follow.request()` is the next request and the next bytes fed are its
            // response's (`send` writes it once the body is drained or the connection
            // closed).
            hop.follow();
            Some(Step::Redirect(report, head))
        }
        Event::Final(done) => {
            if let Some(did) = done.cookies() {
                jar_notes(
                    notes,
                    done.response().headers_named("set-cookie"),
                    done.url(),
                );
                notes.push(format!(
                    "*   jar: {} stored, {} deleted, {} ignored",
                    did.stored, did.deleted, did.ignored
                ));
            }
            Some(Step::Final(
                Head::new(&done.response(), buf),
                done.url().clone(),
            ))
        }
    })
}

/// The trace lines for the `Set-Cookie` fields the jar was given (received from `url`).
fn jar_notes<'f>(notes: &mut Vec<String>, fields: impl Iterator<Item = &'f [u8]>, url: &Url) {
    for field in fields {
        let field = report::escape(field);
        notes.push(format!("*   Set-Cookie: {field} -> jar (for {url})"));
    }
}

/// The I/O a runtime does for the driver next.
#[derive(Debug)]
pub enum Action<'d> {
    /// Look up the addresses of `host:port` (a host name: IP literals and `--resolve`
    /// entries need no lookup). Then: [`Input::Resolved`].
    Resolve {
        /// The host name.
        host: &'d str,
        /// TCP port.
        port: u16,
    },
    /// Close the current connection, if any, and open a new one to the first of `addrs`
    /// that accepts, in order. Every one of them has passed [`Follow::check_address`].
    /// Then: [`Input::Ready`].
    Connect {
        /// The addresses to try.
        addrs: &'d [SocketAddr],
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
    /// The addresses the host resolved to, in the resolver's order.
    Resolved(Vec<SocketAddr>),
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
    reader: Drainer,
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
    /// Waiting for the addresses of the host.
    Resolving,
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
    /// The addresses of the next connection.
    addrs: Vec<SocketAddr>,
    /// The first URL's host (no brackets) and port: its `--resolve` addresses are taken
    /// to be in [`Options::start_space`] when that is set.
    first: (String, u16),
    /// The space the chain started in, for the trace (the machine decides with its own).
    chain_space: AddressSpace,
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
    /// The cookie jar, shared with the machine ([`Follow::with_cookie_jar`]): read back for
    /// [`Outcome::jar`].
    jar: Option<Arc<Mutex<Jar>>>,
}

impl<'a> Driver<'a> {
    /// A driver for the chain `opts` describes, printing its trace to `trace`.
    pub fn new(opts: &'a Options, trace: &'a mut dyn Write) -> Result<Driver<'a>, ClientError> {
        let jar = opts.jar.clone().map(|jar| Arc::new(Mutex::new(jar)));
        let request = first_request(opts)?;
        let mut follow = Follow::new(request, opts.policy.clone())?;
        if let Some(jar) = &jar {
            // The machine applies the jar on every request, the first included.
            follow = follow.with_cookie_jar(Arc::clone(jar))?;
        }
        let target = follow.request().target();
        let first = (target.connect_host().to_owned(), target.port);
        let chain_space = opts.start_space.unwrap_or_else(|| {
            let url = follow.request().url();
            url.host()
                .map_or(AddressSpace::Public, |h| AddressSpace::of_host(&h))
        });
        Ok(Driver {
            opts,
            trace,
            follow,
            deadline: Instant::now() + opts.deadline,
            state: State::Start,
            conn: None,
            host: String::new(),
            port: 0,
            addrs: Vec::new(),
            first,
            chain_space,
            out: Vec::new(),
            head_len: 0,
            sending: None,
            retried: false,
            buf: Vec::new(),
            hops: Vec::new(),
            sent: Vec::new(),
            connections: 0,
            jar,
        })
    }

    /// When the whole chain must be over ([`Options::deadline`] after [`Driver::new`]):
    /// a runtime bounds every wait by it, and the next step after it is
    /// [`ClientError::Deadline`].
    pub fn deadline(&self) -> Instant {
        self.deadline
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
            (State::Resolving, Input::Resolved(addrs)) => {
                writeln!(
                    self.trace,
                    "* {}:{} resolved to {}",
                    self.host,
                    self.port,
                    list(&addrs)
                )?;
                self.checked_connect(addrs, false)
            }
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
                reading.reader.finish()?;
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
        let body = if request.sends_body() {
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
        self.host = target.connect_host().to_owned();
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

    /// Finds the addresses for a new connection for the current request: a `--resolve`
    /// entry's, an IP literal, or the runtime's resolver.
    fn connect(&mut self) -> Result<Action<'_>, ClientError> {
        self.conn = None;
        self.buf.clear();
        let (host, port) = (self.host.as_str(), self.port);
        if let Some(entry) = self.opts.resolve.iter().find(|r| r.matches(host, port)) {
            let addrs: Vec<SocketAddr> = entry
                .addrs
                .iter()
                .map(|&ip| SocketAddr::new(ip, port))
                .collect();
            writeln!(
                self.trace,
                "* {host}:{port} is {} (--resolve)",
                list(&addrs)
            )?;
            return self.checked_connect(addrs, true);
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.checked_connect(vec![SocketAddr::new(ip, port)], false);
        }
        self.state = State::Resolving;
        Ok(Action::Resolve {
            host: &self.host,
            port: self.port,
        })
    }

    /// Applies [`Follow::check_address`] to every address of the next connection (all of
    /// them, before trying any), then asks for the connection. `resolved` says the
    /// addresses come from a `--resolve` entry: for the first URL's host and port, with
    /// [`Options::start_space`] set, they are taken to be in that space and not checked.
    fn checked_connect(
        &mut self,
        addrs: Vec<SocketAddr>,
        resolved: bool,
    ) -> Result<Action<'_>, ClientError> {
        if addrs.is_empty() {
            let what = format!("no address for {}:{}", self.host, self.port);
            return Err(io::Error::new(io::ErrorKind::NotFound, what).into());
        }
        let blocking = self.opts.policy.block_private_targets();
        let vouched = self.opts.start_space.filter(|_| {
            resolved && (self.host.as_str(), self.port) == (self.first.0.as_str(), self.first.1)
        });
        for addr in &addrs {
            let ip = addr.ip();
            let space = AddressSpace::of_ip(ip);
            if let Some(declared) = vouched {
                if blocking {
                    writeln!(
                        self.trace,
                        "* {ip}: given by --resolve for the first URL's host, taken as {declared} \
                         (--start-space), not checked"
                    )?;
                }
                continue;
            }
            if let Err(e) = self.follow.check_address(ip) {
                let chain = match &e {
                    redirects::Error::PrivateTarget(p) => p.chain,
                    _ => space,
                };
                writeln!(
                    self.trace,
                    "* {ip}: a {space} address, less public than the {chain} space the chain \
                     started in: refused, no connection made"
                )?;
                return Err(e.into());
            }
            if blocking {
                writeln!(
                    self.trace,
                    "* {ip}: a {space} address, not less public than the {} space the chain \
                     started in: allowed",
                    self.chain_space
                )?;
            }
        }
        self.connections += 1;
        // The addresses, unless the host is the one address.
        let shown = match addrs.as_slice() {
            [one] if one.ip().to_string() == self.host => String::new(),
            _ => format!(" ({})", list(&addrs)),
        };
        writeln!(
            self.trace,
            "* Connecting to {}:{}{shown} ...",
            self.host, self.port
        )?;
        self.addrs = addrs;
        self.state = State::Connecting;
        Ok(Action::Connect { addrs: &self.addrs })
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
        let mut notes = Vec::new();
        let step = next_step(&mut self.follow, &self.buf, self.trace, &mut notes)?;
        let Some(step) = step else {
            self.state = State::Head;
            return Ok(Action::Read);
        };
        let (head_len, length) = match &step {
            Step::Redirect(_, head) | Step::Final(head, _) => (head.head_len, head.body_length),
        };
        let then = match step {
            Step::Redirect(mut hop, head) => {
                report::head_lines(self.trace, "< ", &head.raw)?;
                if self.jar.is_some() {
                    // Said below, with what the jar did, instead.
                    let set_cookies = std::mem::take(&mut hop.set_cookies);
                    report::hop(self.trace, &hop)?;
                    hop.set_cookies = set_cookies;
                } else {
                    report::hop(self.trace, &hop)?;
                }
                for note in notes {
                    writeln!(self.trace, "{note}")?;
                }
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
                for note in notes {
                    writeln!(self.trace, "{note}")?;
                }
                Then::Final(head, url)
            }
        };
        // The bytes after the head are the start of the body.
        let rest = self.buf.split_off(head_len);
        self.buf.clear();
        let reading = Box::new(Reading {
            reader: Drainer::new(length).with_max_body(self.opts.max_body as u64),
            body: Vec::new(),
            then,
        });
        self.body(reading, &rest)
    }

    /// Decodes body bytes; a redirect's are counted and dropped.
    fn body(&mut self, mut reading: Box<Reading>, data: &[u8]) -> Result<Action<'_>, ClientError> {
        let Reading { reader, body, then } = &mut *reading;
        let used = if matches!(then, Then::Final(..)) {
            // One run of body data per call (chunk framing left out).
            let mut at = 0;
            loop {
                let step = reader.decode(&data[at..])?;
                body.extend_from_slice(&data[at..][step.data]);
                at += step.used;
                if step.done || step.used == 0 {
                    break at;
                }
            }
        } else {
            reader.drain(data)?.used
        };
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
                let drained = usize::try_from(reader.body_bytes()).unwrap_or(usize::MAX);
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
                    jar: self
                        .jar
                        .take()
                        .map(|jar| jar.lock().unwrap_or_else(PoisonError::into_inner).clone()),
                })))
            }
        }
    }
}

/// Addresses for the trace: `127.0.0.1, [::1]` (ports left out).
fn list(addrs: &[SocketAddr]) -> String {
    let ips: Vec<String> = addrs
        .iter()
        .map(|a| match a {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        })
        .collect();
    ips.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scripted resolver: `example.test` is a public address (TEST-NET-1),
    /// `rebind.test` a public one and a loopback one.
    fn resolver(host: &str, port: u16) -> Vec<SocketAddr> {
        let ips: &[&str] = match host {
            "example.test" => &["192.0.2.1"],
            "rebind.test" => &["192.0.2.1", "127.0.0.1"],
            _ => panic!("the scripted resolver does not know {host}"),
        };
        ips.iter()
            .map(|ip| SocketAddr::new(ip.parse().unwrap(), port))
            .collect()
    }

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
                Action::Resolve { host, port } => Input::Resolved(resolver(host, port)),
                Action::Connect { addrs } => {
                    assert!(!addrs.is_empty());
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

    /// No byte a server sends reaches the terminal raw: ESC sequences (a title
    /// set, a screen cleared), C1 controls (U+009B, the 8-bit CSI, as UTF-8 and as a lone
    /// byte) and bidi overrides (U+202E), in a head that parses (the `<` lines, `Location`,
    /// `Set-Cookie`, the reason phrase) and in one that does not (dumped as received).
    #[test]
    fn the_trace_shows_no_raw_control_byte_from_a_server() {
        let raw = |trace: &str| {
            trace.chars().find(|&c| {
                (c.is_control() && c != '\n')
                    || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
        };
        let opts = Options::new(Method::Get, "http://example.test/a");
        let valid: &[u8] = b"HTTP/1.1 302 Fo\xc2\x9bund\xe2\x80\xae\r\n\
            Location: /b?\xc2\x9b[2J\xe2\x80\xaetxt.exe\r\n\
            Set-Cookie: id=\xe2\x80\xae\xc2\x9b31m\x9b; Path=/\r\n\
            X-Note: \x9b\xc2\x85\xe2\x81\xa6\r\nContent-Length: 0\r\n\r\n\
            HTTP/1.1 200 \xe2\x80\xaeOK\r\nContent-Length: 2\r\n\r\nok";
        let (outcome, _, trace) = scripted(&opts, &[valid]);
        assert!(outcome.is_ok(), "{trace}");
        assert_eq!(raw(&trace), None, "{trace}");
        assert!(
            trace.contains("< Location: /b?\\u{9b}[2J\\u{202e}txt.exe\n"),
            "{trace}"
        );
        assert!(
            trace.contains("Set-Cookie: id=\\u{202e}\\u{9b}31m\\x9b; Path=/ ("),
            "{trace}"
        );
        assert!(
            trace.contains("*   Location: /b?\\u{9b}[2J\\u{202e}txt.exe -> "),
            "{trace}"
        );
        let malformed: &[u8] =
            b"HTTP/1.1 302 Found\r\nX: \x1b]0;owned\x07\x1b[2J\xc2\x9b\xe2\x80\xae\r\n\r\n";
        let (outcome, _, trace) = scripted(&opts, &[malformed]);
        assert!(matches!(outcome, Err(ClientError::Redirect(_))), "{trace}");
        assert_eq!(raw(&trace), None, "{trace}");
        assert!(
            trace.contains("< X: \\x1b]0;owned\\x07\\x1b[2J\\u{9b}\\u{202e}\n"),
            "{trace}"
        );
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

    /// A server that sends the same redirect twice (the same bytes, on one connection) is
    /// followed twice: the driver takes each redirect (`Redirect::follow`) before it feeds
    /// the next response, so the machine never mistakes one for the other.
    #[test]
    fn the_same_redirect_twice_is_followed_twice() {
        let opts = Options::new(Method::Get, "http://example.test/a");
        let again: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n";
        let answer = [again, again, OK].concat();
        let (outcome, written, trace) = scripted(&opts, &[&answer]);
        let outcome = outcome.unwrap_or_else(|e| panic!("{e}\n{trace}"));
        assert_eq!(outcome.body, b"ok");
        assert_eq!((outcome.hops.len(), outcome.connections), (2, 1));
        let sent = String::from_utf8_lossy(&written[0]);
        assert_eq!(sent.matches(" HTTP/1.1\r\n").count(), 3, "{sent}");
        assert!(sent.starts_with("GET /a HTTP/1.1\r\n"), "{sent}");
        assert_eq!(sent.matches("GET /b HTTP/1.1\r\n").count(), 2, "{sent}");
    }

    /// With a jar, the machine applies it (`Follow::with_cookie_jar`): the file's cookie on
    /// the first request, a redirect's `Set-Cookie` on the next, the trace says what the
    /// jar did, and the jar at the end has what the servers set (for `-c`).
    #[test]
    fn the_jar_goes_through_the_machine() {
        let mut opts = Options::new(Method::Get, "http://example.test/a");
        let mut jar = Jar::new();
        jar.insert(redirects::Cookie::new("old", "0", "example.test"));
        opts.jar = Some(jar);
        let first: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: /b\r\n\
            Set-Cookie: sid=1; Path=/\r\nContent-Length: 0\r\n\r\n\
            HTTP/1.1 200 OK\r\nSet-Cookie: old=; Max-Age=0\r\nContent-Length: 2\r\n\r\nok";
        let (outcome, written, trace) = scripted(&opts, &[first]);
        let outcome = outcome.unwrap_or_else(|e| panic!("{e}\n{trace}"));
        let sent = String::from_utf8_lossy(&written[0]);
        assert!(sent.starts_with("GET /a HTTP/1.1\r\n"), "{sent}");
        assert!(sent.contains("\r\nCookie: old=0\r\n\r\nGET /b"), "{sent}");
        assert!(sent.ends_with("\r\nCookie: old=0; sid=1\r\n\r\n"), "{sent}");
        assert!(
            trace.contains("*   Set-Cookie: sid=1; Path=/ -> jar (for http://example.test/a)"),
            "{trace}"
        );
        assert!(
            trace.contains(
                "*   jar: 1 stored, 0 deleted, 0 ignored; Cookie: 2 from the jar for http://example.test/b"
            ),
            "{trace}"
        );
        assert!(
            trace.contains("*   jar: 0 stored, 1 deleted, 0 ignored"),
            "{trace}"
        );
        let jar = outcome.jar.expect("the jar at the end");
        assert_eq!(jar.len(), 1);
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
            Err(ClientError::Body(DrainError::InvalidChunkLine))
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

    fn resolve(host: &str, port: u16, ip: &str) -> Resolve {
        Resolve {
            host: host.into(),
            port,
            addrs: vec![ip.parse().unwrap()],
        }
    }

    /// The private-target error's fields: host, address, its space, the chain's, status.
    type Refusal = (
        String,
        Option<IpAddr>,
        AddressSpace,
        AddressSpace,
        Option<u16>,
    );

    fn refusal(outcome: Result<Outcome, ClientError>, trace: &str) -> Refusal {
        match outcome {
            Err(ClientError::Redirect(redirects::Error::PrivateTarget(p))) => {
                (p.host.to_string(), p.address, p.space, p.chain, p.status)
            }
            Err(e) => panic!("not private_target: {e}\n{trace}"),
            Ok(o) => panic!("followed to {}\n{trace}", o.url),
        }
    }

    const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    #[test]
    fn every_address_is_checked_before_connecting() {
        use AddressSpace::{Private, Public};
        let to_internal: &[u8] =
            b"HTTP/1.1 302 Found\r\nLocation: http://internal.test/admin\r\nContent-Length: 0\r\n\r\n";
        let mut opts = Options::new(Method::Get, "http://example.test/a");
        opts.resolve.push(resolve("internal.test", 80, "10.0.0.1"));
        // Off (fetch): followed, the second connection is made.
        let (outcome, written, trace) = scripted(&opts, &[to_internal, OK]);
        assert!(outcome.is_ok(), "{trace}");
        assert_eq!(written.len(), 2);
        assert!(
            !trace.contains("address"),
            "nothing said when off:\n{trace}"
        );
        // On (strict): the name is public to the machine, its address is not.
        opts.policy = Policy::strict();
        let (outcome, written, trace) = scripted(&opts, &[to_internal, OK]);
        let ip = "10.0.0.1".parse().ok();
        assert_eq!(
            refusal(outcome, &trace),
            ("internal.test".into(), ip, Private, Public, Some(302))
        );
        assert_eq!(written.len(), 1, "{trace}");
        assert!(
            trace.contains("* 192.0.2.1: a public address, not less public than the public space"),
            "{trace}"
        );
        assert!(
            trace.contains(
                "* 10.0.0.1: a private address, less public than the public space \
                the chain started in: refused, no connection made"
            ),
            "{trace}"
        );
        assert_eq!(trace.matches("* Connecting to").count(), 1, "{trace}");
        // A name with a public and a loopback address: refused before trying either.
        let mut opts = Options::new(Method::Get, "http://rebind.test/");
        opts.policy = Policy::fetch().with_block_private_targets(true);
        let (outcome, written, trace) = scripted(&opts, &[OK]);
        let (host, ip, ..) = refusal(outcome, &trace);
        assert_eq!(
            (host.as_str(), ip),
            ("rebind.test", "127.0.0.1".parse().ok())
        );
        assert!(written.is_empty(), "{trace}");
    }

    #[test]
    fn a_declared_space_vouches_for_the_first_hosts_resolve_entry() {
        use AddressSpace::{Local, Public};
        let loopback = "127.0.0.1".parse().ok();
        let redirect =
            |to: &str| format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nConnection: close\r\n\r\n");
        let to_internal = redirect("http://internal.test/admin");
        let mut opts = Options::new(Method::Get, "http://public.test/a");
        opts.policy = Policy::strict();
        opts.resolve.push(resolve("public.test", 80, "127.0.0.1"));
        opts.resolve.push(resolve("internal.test", 80, "127.0.0.1"));
        // Not declared: the first host's loopback address is checked, and refused.
        let (outcome, written, trace) = scripted(&opts, &[to_internal.as_bytes(), OK]);
        assert_eq!(
            refusal(outcome, &trace),
            ("public.test".into(), loopback, Local, Public, None)
        );
        assert!(written.is_empty(), "{trace}");
        // Declared public: the first host's --resolve address is taken as public; the
        // redirect's is checked.
        opts.start_space = Some(Public);
        let (outcome, written, trace) = scripted(&opts, &[to_internal.as_bytes(), OK]);
        assert_eq!(
            refusal(outcome, &trace),
            ("internal.test".into(), loopback, Local, Public, Some(302))
        );
        assert_eq!(written.len(), 1, "{trace}");
        assert!(
            trace.contains(
                "* 127.0.0.1: given by --resolve for the first URL's host, taken as \
                public (--start-space), not checked"
            ),
            "{trace}"
        );
        // Back to the first host and port on a new connection: vouched for again.
        let back = redirect("/b");
        let (outcome, written, trace) = scripted(&opts, &[back.as_bytes(), OK]);
        assert_eq!(
            outcome.map(|o| o.url.to_string()).ok().as_deref(),
            Some("http://public.test/b"),
            "{trace}"
        );
        assert_eq!(written.len(), 2, "{trace}");
        // The same host on another port is not the first URL's: checked.
        opts.resolve.push(resolve("public.test", 8080, "127.0.0.1"));
        let other_port = redirect("http://public.test:8080/");
        let (outcome, written, trace) = scripted(&opts, &[other_port.as_bytes(), OK]);
        assert_eq!(
            refusal(outcome, &trace),
            ("public.test".into(), loopback, Local, Public, Some(302))
        );
        assert_eq!(written.len(), 1, "{trace}");
    }
}
