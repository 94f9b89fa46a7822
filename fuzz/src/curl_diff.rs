//! The `curl_diff` target's harness: the `curl` profile against real libcurl.
//!
//! A fuzzer-chosen chain ([`Input`]: the body source `-d`, `-T` or none, `-X METHOD`, `-I`,
//! `-u user:pw`, a `Cookie` or `Authorization` given with `-H`, `--location-trusted`,
//! `--max-redirs`, `--referer URL` and `;auto`, then up to [`MAX_HOPS`] responses: a status
//! and a `Location` form) is played twice:
//!
//! - to libcurl (the `curl` crate over `curl-sys` with `static-curl`: the libcurl it
//!   bundles, built from source, no TLS), set up as the `curl` command line sets it up for
//!   those options, against a loopback server started once inside the target ([`Server`]:
//!   two `std::net` listeners on `127.0.0.1`, names `a.test` and `b.test` pinned to them
//!   with `CURLOPT_RESOLVE`, any other host sent by `CURLOPT_CONNECT_TO` to a listener that
//!   closes at once, so nothing but 127.0.0.1 is ever contacted and no name is looked up);
//!   the server answers each request with the chain's next response and logs what it
//!   received. One libcurl handle and its connections serve every execution, driven
//!   through a multi handle so that the fuzzing thread serves the requests between
//!   libcurl's steps ([`run_curl`]);
//! - to the machine, with `Policy::curl()` and `Request::curl(CurlRequest { .. })`, fed the
//!   same response bytes.
//!
//! Invariant: libcurl made exactly the requests the machine asked for, and hop by hop they
//! agree on the method, the request target and `Host`, the body bytes, and the headers the
//! crate decides (`Authorization`, `Cookie`, `Referer`, `Content-Length`); the chain ends
//! the same way (final with the same status, or too many redirects for both). The
//! differences the crate documents (URL parsing: WHATWG here, RFC 3986 in curl) are in
//! [`DECLARED`], each with its reason: a chain whose `Location` hits one is played (no
//! panic) but not compared. Any other difference panics: a finding.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Duration;

use arbitrary::Arbitrary;
use curl::easy::{Easy2, Handler, List, ReadError, SeekResult, WriteError};
use curl::multi::{Multi, WaitFd};
use redirects::{Body, CurlBody, CurlRequest, Error, Event, Follow, Method, Policy, Request};

/// At most this many responses before the final `200`.
pub const MAX_HOPS: usize = 8;
/// The `-d` data, and the `-T` file's bytes.
pub const DATA: &[u8] = b"name=volvo&model=240";
/// `-u user:pw` as libcurl sends it.
const BASIC: &[u8] = b"Basic dXNlcjpwdw==";
const COOKIE: &[u8] = b"session=s3cret";
const BEARER: &[u8] = b"Bearer t0k3n";
const REFERER: &str = "http://ref.test/from?page=1";

/// The headers compared on every request (the ones the crate decides).
const COMPARED: [&str; 4] = ["authorization", "cookie", "referer", "content-length"];

/// Differences the crate documents (crate docs, "The `curl` profile"): curl resolves a
/// `Location` with its own RFC 3986 parser, the crate with the WHATWG one. A chain with a
/// `Location` for which `applies` is true is played but not compared.
pub struct Declared {
    pub name: &'static str,
    pub reason: &'static str,
    pub applies: fn(&[u8]) -> bool,
}

pub const DECLARED: &[Declared] = &[
    Declared {
        name: "space",
        reason: "a space in the query is `+` for curl, `%20` for the WHATWG parser; in the path \
                 both write `%20` but curl also trims and re-encodes around it",
        applies: |l| l.contains(&b' '),
    },
    Declared {
        name: "backslash",
        reason: "the WHATWG parser reads `\\` as `/` in http(s) URLs; curl keeps it as a byte",
        applies: |l| l.contains(&b'\\'),
    },
    Declared {
        name: "slashes",
        reason: "`http:` followed by other than two slashes (`http:/x`, `http:///x`, \
                 `http:////x`) is a host for the WHATWG parser, a path or an error for curl",
        applies: |l| {
            let lower = l.to_ascii_lowercase();
            lower.starts_with(b"http:") && !lower.starts_with(b"http://")
                || lower.starts_with(b"http:///")
                || l.starts_with(b"///")
        },
    },
    Declared {
        name: "zone-id",
        reason: "an IPv6 zone id (`[fe80::1%25eth0]`) is refused by the WHATWG parser; curl \
                 takes it",
        applies: |l| l.windows(3).any(|w| w == b"%25") && l.contains(&b'['),
    },
];

/// Differences this target found that the crate does not document yet: open findings
/// (fuzz/README.md, `curl_diff`), skipped like [`DECLARED`] until they are fixed or
/// documented. None is open; the fixed ones are checked like any other chain (the
/// `regression-*` seeds of `fuzz/seeds/curl_diff/` replay them).
pub const FINDINGS: &[Declared] = &[];

/// The origins of the test universe: a host name (pinned to 127.0.0.1) and which of the
/// two listeners.
const ORIGINS: [(&str, usize); 4] = [
    ("a.test", 0),
    ("a.test", 1),
    ("b.test", 0),
    ("127.0.0.1", 0),
];

/// Path-and-query forms a `Location` and the first URL use. The last three have an empty
/// query or fragment, which libcurl drops (the `curl` rules too).
const PATHS: [&str; 13] = [
    "/",
    "/a",
    "/a/b/c",
    "/x?y=1",
    "/a/./b/../c",
    "/%7Euser/",
    "/q?a=b&c=d",
    "/p#frag",
    "/caf%C3%A9?%zz",
    "/UPPER/Case",
    "/e?",
    "/f#",
    "/g?#h",
];

/// Odd `Location` values (with `{A}` replaced by the first origin, `{B}` by the other
/// host): where two URL parsers could part.
const ODD: [&[u8]; 20] = [
    b"/a b",
    b"/x?a b",
    b"/x?a+b",
    b"\\\\{BH}/x",
    b"/a\\b",
    b"http:/x",
    b"http:///{BH}/x",
    b"HTTP://{B}/Upper",
    b"//{B}",
    b"/caf\xc3\xa9",
    b"/\xff?\xfe",
    b"..",
    b"../../../x",
    b"./",
    b"?",
    b"#only-fragment",
    b"/x?q#f?g",
    b"http://{B}/a/%2e%2e/b",
    b"?#",
    b"#",
];

/// A `-X` method.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Forced {
    Get,
    Post,
    Put,
    Delete,
    Patch,
}

impl Forced {
    fn method(self) -> Method {
        match self {
            Forced::Get => Method::Get,
            Forced::Post => Method::Post,
            Forced::Put => Method::Put,
            Forced::Delete => Method::Delete,
            Forced::Patch => Method::Patch,
        }
    }
}

/// The body option of the command line.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    None,
    /// `-d DATA`
    Data,
    /// `-T FILE`
    Upload,
}

/// Where a `Location` points.
#[derive(Arbitrary, Debug, Clone)]
pub enum Loc {
    /// `http://ORIGIN` + a path form.
    Absolute { origin: u8, path: u8 },
    /// A path form, as it is (absolute-path reference).
    Path(u8),
    /// A path form without its leading slash (relative to the current directory).
    Relative(u8),
    /// `//ORIGIN` + a path form.
    SchemeRelative { origin: u8, path: u8 },
    /// One of [`ODD`].
    Odd(u8),
    /// No `Location` field.
    Missing,
    /// `Location:` with an empty value.
    Empty,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Hop {
    /// Index into [`STATUSES`].
    pub status: u8,
    pub location: Loc,
}

const STATUSES: [u16; 12] = [301, 302, 303, 307, 308, 300, 304, 305, 306, 399, 200, 404];

/// One command line and the chain its server answers.
#[derive(Arbitrary, Debug, Clone)]
pub struct Input {
    pub source: Source,
    /// `-X METHOD`
    pub forced: Option<Forced>,
    /// `-I` (only without `-X` and a body)
    pub head: bool,
    /// `-u user:pw`
    pub user: bool,
    /// `-H 'Cookie: session=s3cret'`
    pub cookie: bool,
    /// `-H 'Authorization: Bearer t0k3n'` (only without `-u`)
    pub bearer: bool,
    /// `--location-trusted`
    pub trusted: bool,
    /// `--max-redirs N` (N = the value mod 6), or the default 50.
    pub max_redirs: Option<u8>,
    /// `--referer URL`
    pub referer: bool,
    /// `--referer ';auto'` (with the URL when `referer`)
    pub auto_referer: bool,
    /// Index into [`ORIGINS`]: the first URL's origin.
    pub start: u8,
    pub start_path: u8,
    pub hops: Vec<Hop>,
}

// --- The loopback server ---------------------------------------------------------------

/// What the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub host: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

/// The answer to a request past the end of the script.
const OUT_OF_SCRIPT: &[u8] =
    b"HTTP/1.1 500 Out Of Script\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// The loopback server: two non-blocking listeners on 127.0.0.1 (free ports), served by the
/// fuzzing thread itself between libcurl's steps ([`run_curl`]), so no other thread, lock or
/// wake-up sits between a request and its answer. A connection stays open and carries
/// request after request (keep-alive, as the script's responses allow): each request is
/// framed exactly (its `Content-Length`, or the chunked coding), logged, and answered with
/// the script's next response. libcurl makes one request at a time (one transfer, HTTP/1.1,
/// no pipelining), so the log is in the order the requests were made, whichever connection
/// carried them.
struct Server {
    ports: [u16; 2],
    listeners: [TcpListener; 2],
    /// Where libcurl is sent for a host outside the test universe (`CURLOPT_CONNECT_TO`):
    /// a listener that closes each connection at once, so no such name is ever looked up.
    dead_end: TcpListener,
    conns: Vec<Conn>,
    script: VecDeque<Vec<u8>>,
    log: Vec<Seen>,
}

/// One accepted connection.
struct Conn {
    stream: TcpStream,
    /// Received and not yet answered: the start of the next request.
    buf: Vec<u8>,
    /// `100 Continue` sent for the request at the start of `buf`.
    continued: bool,
    /// Response bytes the socket did not take yet.
    out: Vec<u8>,
    /// False once the client closed it (or sent what cannot be framed).
    open: bool,
}

fn listener() -> TcpListener {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    listener
}

impl Server {
    fn new() -> Server {
        let listeners = [listener(), listener()];
        Server {
            ports: [
                listeners[0].local_addr().expect("bound").port(),
                listeners[1].local_addr().expect("bound").port(),
            ],
            listeners,
            dead_end: listener(),
            conns: Vec::new(),
            script: VecDeque::new(),
            log: Vec::new(),
        }
    }

    /// The sockets to wait for, as `curl_multi_wait` takes them: the two listeners, the
    /// dead end, then each connection (for writing too while it has bytes to send).
    fn wait_fds(&self, fds: &mut Vec<WaitFd>) {
        fds.clear();
        let listeners = self.listeners.iter().chain([&self.dead_end]);
        let sockets = listeners.map(|l| (l.as_raw_fd(), false)).chain(
            self.conns
                .iter()
                .map(|c| (c.stream.as_raw_fd(), !c.out.is_empty())),
        );
        for (socket, write) in sockets {
            let mut fd = WaitFd::new();
            fd.set_fd(socket);
            fd.poll_on_read(true);
            fd.poll_on_write(write);
            fds.push(fd);
        }
    }

    /// Serves the sockets `curl_multi_wait` found ready in `fds` (made by
    /// [`Server::wait_fds`]), one read, accept or flush each, so that no call is made on a
    /// socket with nothing for it; what is left is ready again at the next wait. A
    /// connection closed by the client (its end of stream or reset reads as ready) is
    /// dropped.
    fn serve(&mut self, fds: &[WaitFd]) {
        let ready = |i: usize| {
            fds.get(i)
                .is_some_and(|fd| fd.received_read() || fd.received_write())
        };
        if ready(2) {
            // Closed at once.
            let _ = self.dead_end.accept();
        }
        let old = self.conns.len();
        for (i, listener) in self.listeners.iter().enumerate() {
            if !ready(i) {
                continue;
            }
            if let Ok((stream, _)) = listener.accept() {
                stream.set_nonblocking(true).expect("a non-blocking socket");
                // Each response is one write; no Nagle wait behind a `100 Continue`.
                let _ = stream.set_nodelay(true);
                self.conns.push(Conn {
                    stream,
                    buf: Vec::new(),
                    continued: false,
                    out: Vec::new(),
                    open: true,
                });
            }
        }
        for (i, conn) in self.conns[..old].iter_mut().enumerate() {
            if ready(3 + i) {
                conn.step(&mut self.script, &mut self.log);
            }
        }
        self.conns.retain(|c| c.open);
    }
}

impl Conn {
    /// Reads once, answers each whole request, writes what is pending. A request cut short
    /// by the client closing is dropped unlogged and unanswered.
    fn step(&mut self, script: &mut VecDeque<Vec<u8>>, log: &mut Vec<Seen>) {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => self.open = false,
            Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
            Err(_) => self.open = false,
        }
        loop {
            match request(&self.buf) {
                Parsed::Partial { expect } => {
                    if expect && !self.continued {
                        self.continued = true;
                        self.out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                    }
                    break;
                }
                Parsed::Whole(seen, len) => {
                    self.buf.drain(..len);
                    self.continued = false;
                    log.push(seen);
                    let response = script.pop_front();
                    self.out
                        .extend_from_slice(response.as_deref().unwrap_or(OUT_OF_SCRIPT));
                }
                Parsed::Bad => {
                    // Logged as it is (the comparison then fails on it), and the connection
                    // closed: what follows cannot be framed.
                    log.push(Seen {
                        method: "(not a request)".to_string(),
                        target: String::from_utf8_lossy(&self.buf).into_owned(),
                        host: String::new(),
                        headers: Vec::new(),
                        body: std::mem::take(&mut self.buf),
                    });
                    self.open = false;
                    return;
                }
            }
        }
        self.flush();
    }

    /// Writes what the socket takes of `out`; the rest when it is ready for more.
    fn flush(&mut self) {
        while !self.out.is_empty() {
            match self.stream.write(&self.out) {
                Ok(0) => break,
                Ok(n) => {
                    self.out.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // WouldBlock: the rest goes when the socket takes it; any other error: the
                // client is gone, which the next read says.
                Err(_) => break,
            }
        }
    }
}

/// A request at the start of a connection's buffer.
enum Parsed {
    /// Not whole yet; `expect`: the head is whole and asks for `100 Continue`.
    Partial { expect: bool },
    /// The request, and the bytes it takes.
    Whole(Seen, usize),
    /// Not an HTTP/1.1 request.
    Bad,
}

fn request(buf: &[u8]) -> Parsed {
    if buf.is_empty() {
        return Parsed::Partial { expect: false };
    }
    let mut fields = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut fields);
    let head = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Parsed::Partial { expect: false },
        Err(_) => return Parsed::Bad,
    };
    let headers: Vec<(String, Vec<u8>)> = req
        .headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
        .collect();
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_slice())
    };
    let expect = get("expect").is_some();
    let chunked = get("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().windows(7).any(|w| w == b"chunked"));
    let (body, len) = if chunked {
        match dechunk(&buf[head..]) {
            Ok(Some((body, len))) => (body, head + len),
            Ok(None) => return Parsed::Partial { expect },
            Err(()) => return Parsed::Bad,
        }
    } else {
        let length = get("content-length")
            .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if buf.len() - head < length {
            return Parsed::Partial { expect };
        }
        (buf[head..head + length].to_vec(), head + length)
    };
    let seen = Seen {
        method: req.method.unwrap_or_default().to_string(),
        target: req.path.unwrap_or_default().to_string(),
        host: String::from_utf8_lossy(get("host").unwrap_or_default()).into_owned(),
        body,
        headers,
    };
    Parsed::Whole(seen, len)
}

/// A chunked body at the start of `bytes`: its data and the bytes it takes (trailer fields
/// included); `None` if it is not whole yet.
fn dechunk(bytes: &[u8]) -> Result<Option<(Vec<u8>, usize)>, ()> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let (len, size) = match httparse::parse_chunk_size(&bytes[at..]) {
            Ok(httparse::Status::Complete(sized)) => sized,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(_) => return Err(()),
        };
        at += len;
        if size == 0 {
            // Trailer fields, up to an empty line.
            loop {
                let Some(eol) = bytes[at..].windows(2).position(|w| w == b"\r\n") else {
                    return Ok(None);
                };
                at += eol + 2;
                if eol == 0 {
                    return Ok(Some((body, at)));
                }
            }
        }
        let size = usize::try_from(size).map_err(|_| ())?;
        let Some(end) = at
            .checked_add(size)
            .filter(|end| end.checked_add(2).is_some_and(|e| e <= bytes.len()))
        else {
            return Ok(None);
        };
        body.extend_from_slice(&bytes[at..end]);
        if &bytes[end..end + 2] != b"\r\n" {
            return Err(());
        }
        at = end + 2;
    }
}

// --- Rendering the chain ---------------------------------------------------------------

fn origin(ports: [u16; 2], i: u8) -> String {
    let (host, port) = ORIGINS[i as usize % ORIGINS.len()];
    format!("http://{host}:{}", ports[port])
}

fn path(i: u8) -> &'static str {
    PATHS[i as usize % PATHS.len()]
}

/// The `Location` value (None: no field).
fn location(ports: [u16; 2], loc: &Loc) -> Option<Vec<u8>> {
    Some(match loc {
        Loc::Absolute { origin: o, path: p } => {
            format!("{}{}", origin(ports, *o), path(*p)).into_bytes()
        }
        Loc::Path(p) => path(*p).as_bytes().to_vec(),
        Loc::Relative(p) => path(*p).trim_start_matches('/').as_bytes().to_vec(),
        Loc::SchemeRelative { origin: o, path: p } => {
            let o = origin(ports, *o);
            format!("{}{}", o.trim_start_matches("http:"), path(*p)).into_bytes()
        }
        Loc::Odd(i) => {
            let raw = ODD[*i as usize % ODD.len()];
            let b = format!("b.test:{}", ports[0]);
            let mut out = Vec::new();
            let mut rest = raw;
            while !rest.is_empty() {
                if rest.starts_with(b"{BH}") {
                    out.extend_from_slice(b.as_bytes());
                    rest = &rest[4..];
                } else if rest.starts_with(b"{B}") {
                    out.extend_from_slice(b.as_bytes());
                    rest = &rest[3..];
                } else {
                    out.push(rest[0]);
                    rest = &rest[1..];
                }
            }
            out
        }
        Loc::Missing => return None,
        Loc::Empty => Vec::new(),
    })
}

fn response(status: u16, location: Option<&[u8]>) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status} Fuzz\r\n").into_bytes();
    if let Some(l) = location {
        r.extend_from_slice(b"Location: ");
        r.extend_from_slice(l);
        r.extend_from_slice(b"\r\n");
    }
    // No `Connection: close`: libcurl keeps the connection for its next request.
    r.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    r
}

/// The chain's responses, in order: each hop's, then a final `200`; and the `Location`
/// values used.
pub fn script(ports: [u16; 2], input: &Input) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut responses = Vec::new();
    let mut locations = Vec::new();
    for hop in input.hops.iter().take(MAX_HOPS) {
        let status = STATUSES[hop.status as usize % STATUSES.len()];
        let loc = location(ports, &hop.location);
        if let Some(l) = &loc {
            locations.push(l.clone());
        }
        responses.push(response(status, loc.as_deref()));
    }
    responses.push(response(200, None));
    (responses, locations)
}

// --- The command line, for libcurl and for the machine ----------------------------------

struct Line {
    method: Method,
    /// `-I` without `-X`: libcurl's HEAD request kind.
    nobody: bool,
    curl: CurlRequest,
    max_redirs: u32,
}

fn line(input: &Input) -> Line {
    let body = match input.source {
        Source::None => CurlBody::None,
        Source::Data => CurlBody::Data,
        Source::Upload => CurlBody::Upload,
    };
    let nobody = input.head && input.forced.is_none() && body == CurlBody::None;
    let method = match (input.forced, body) {
        (Some(f), _) => f.method(),
        (None, CurlBody::Data) => Method::Post,
        (None, CurlBody::Upload) => Method::Put,
        (None, _) if nobody => Method::Head,
        (None, _) => Method::Get,
    };
    Line {
        method,
        nobody,
        curl: CurlRequest {
            body,
            forced_method: input.forced.is_some(),
        },
        max_redirs: input.max_redirs.map_or(50, |n| u32::from(n % 6)),
    }
}

/// libcurl's side: the body for `-T`, rewound on a redirect (the command line's seek
/// callback); the response body is discarded.
struct Client {
    upload: &'static [u8],
    at: usize,
}

impl Handler for Client {
    fn write(&mut self, data: &[u8]) -> Result<usize, WriteError> {
        Ok(data.len())
    }
    fn read(&mut self, into: &mut [u8]) -> Result<usize, ReadError> {
        let rest = &self.upload[self.at..];
        let n = rest.len().min(into.len());
        into[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
    fn seek(&mut self, whence: std::io::SeekFrom) -> SeekResult {
        match whence {
            std::io::SeekFrom::Start(0) => {
                self.at = 0;
                SeekResult::Ok
            }
            _ => SeekResult::CantSeek,
        }
    }
}

/// How a chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Final(u16),
    TooManyRedirects,
    Other(String),
}

/// libcurl and the server, kept from one execution to the next (the fuzzing thread's own).
struct Harness {
    server: Server,
    /// Drives the transfer, so that the server can answer between libcurl's steps; it holds
    /// the connection pool and the DNS cache.
    multi: Multi,
    /// The one libcurl handle, between executions.
    easy: Option<Easy2<Client>>,
    /// The server's sockets, for `curl_multi_wait`.
    fds: Vec<WaitFd>,
}

thread_local! {
    static HARNESS: RefCell<Harness> = RefCell::new(Harness {
        server: Server::new(),
        multi: Multi::new(),
        easy: None,
        fds: Vec::new(),
    });
}

/// Plays the command line to libcurl; returns what the server received and how it ended.
fn run_curl(h: &mut Harness, input: &Input, first: &str, script: Vec<Vec<u8>>) -> (Vec<Seen>, End) {
    h.server.script = script.into();
    h.server.log.clear();
    let l = line(input);
    let ports = h.server.ports;
    let dead_end = h.server.dead_end.local_addr().expect("bound").port();
    // One handle for every execution: reset to the defaults here, then given this command
    // line's options. The connections and the DNS cache stay (the multi handle's);
    // libcurl's `Curl_pretransfer` starts each transfer afresh (referrer, first origin,
    // authentication state), so nothing compared carries over from one execution to the
    // next.
    let mut easy = h.easy.take().unwrap_or_else(|| {
        Easy2::new(Client {
            upload: DATA,
            at: 0,
        })
    });
    easy.reset();
    easy.get_mut().at = 0;
    let setup = (|| -> Result<(), curl::Error> {
        easy.url(first)?;
        easy.follow_location(true)?;
        easy.max_redirections(l.max_redirs)?;
        easy.noproxy("*")?;
        easy.timeout(Duration::from_secs(20))?;
        let mut resolve = List::new();
        for host in ["a.test", "b.test"] {
            for port in ports {
                resolve.append(&format!("{host}:{port}:127.0.0.1"))?;
            }
        }
        easy.resolve(resolve)?;
        // The universe's hosts and ports go where they are (a mapping to itself is no
        // mapping); any other host, or port, to the dead end instead of the system resolver.
        let mut connect_to = List::new();
        for host in ["a.test", "b.test", "127.0.0.1"] {
            for port in ports {
                connect_to.append(&format!("{host}:{port}:{host}:{port}"))?;
            }
        }
        connect_to.append(&format!("::127.0.0.1:{dead_end}"))?;
        easy.connect_to(connect_to)?;
        match l.curl.body {
            CurlBody::Data => easy.post_fields_copy(DATA)?,
            CurlBody::Upload => {
                easy.upload(true)?;
                easy.in_filesize(DATA.len() as u64)?;
            }
            _ => {}
        }
        if let Some(f) = input.forced {
            easy.custom_request(f.method().as_str())?;
        }
        if l.nobody {
            easy.nobody(true)?;
        }
        if input.user {
            easy.username("user")?;
            easy.password("pw")?;
        }
        let mut headers = List::new();
        if input.cookie {
            headers.append("Cookie: session=s3cret")?;
        }
        if input.bearer && !input.user {
            headers.append("Authorization: Bearer t0k3n")?;
        }
        easy.http_headers(headers)?;
        if input.trusted {
            easy.unrestricted_auth(true)?;
        }
        if input.referer {
            easy.referer(REFERER)?;
        }
        if input.auto_referer {
            easy.autoreferer(true)?;
        }
        Ok(())
    })();
    setup.expect("libcurl takes the options");
    // What `curl_easy_perform` does, with the server's turn between libcurl's steps: wait
    // for libcurl's sockets and timers or the server's sockets, whichever is first, then
    // the server serves those of its sockets that are ready.
    let handle = h
        .multi
        .add2(easy)
        .expect("the handle joins the multi handle");
    let result = loop {
        let running = h.multi.perform().expect("curl_multi_perform");
        if running == 0 {
            let mut result = None;
            h.multi.messages(|m| {
                if let Some(r) = m.result_for2(&handle) {
                    result = Some(r);
                }
            });
            break result.expect("the finished transfer's result");
        }
        h.server.wait_fds(&mut h.fds);
        h.multi
            .wait(&mut h.fds, Duration::from_secs(1))
            .expect("curl_multi_wait");
        h.server.serve(&h.fds);
    };
    let easy = h
        .multi
        .remove2(handle)
        .expect("the handle leaves the multi handle");
    let end = match result {
        Ok(()) => End::Final(easy.response_code().expect("a status") as u16),
        Err(e) if e.is_too_many_redirects() => End::TooManyRedirects,
        Err(e) => End::Other(format!("{e}")),
    };
    h.easy = Some(easy);
    (std::mem::take(&mut h.server.log), end)
}

/// What the machine asks libcurl to send, in the server's terms.
fn seen_of(req: redirects::OutgoingRequest<'_>, body: bool) -> Seen {
    let mut headers: Vec<(String, Vec<u8>)> = req
        .headers()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_vec()))
        .collect();
    headers.retain(|(n, _)| COMPARED.contains(&n.as_str()));
    Seen {
        method: req.method().as_str().to_string(),
        target: req.path_and_query().to_string(),
        host: req.authority().to_string(),
        headers,
        body: if body { DATA.to_vec() } else { Vec::new() },
    }
}

/// Plays the chain to the machine (`Policy::curl()`).
fn run_machine(
    ports: [u16; 2],
    input: &Input,
    first: &str,
    script: &[Vec<u8>],
) -> (Vec<Seen>, End) {
    let l = line(input);
    let mut policy = Policy::curl().with_max_redirects(l.max_redirs);
    if input.trusted {
        // --location-trusted: every origin of this universe is trusted.
        for i in 0..ORIGINS.len() as u8 {
            policy = policy
                .with_trusted_origin(&origin(ports, i))
                .expect("an origin");
        }
    }
    if input.auto_referer {
        policy = policy.with_auto_referer(true);
    }
    let mut req = Request::new(l.method, first).expect("a URL").curl(l.curl);
    let body = l.curl.body != CurlBody::None;
    if body {
        req = req
            .header("Content-Length", DATA.len().to_string())
            .expect("a field")
            .body(Body::Replayable);
    }
    if input.user {
        req = req.header("Authorization", BASIC).expect("a field");
    }
    if input.cookie {
        req = req.header("Cookie", COOKIE).expect("a field");
    }
    if input.bearer && !input.user {
        req = req.header("Authorization", BEARER).expect("a field");
    }
    if input.referer {
        req = req.referrer(REFERER).expect("a referrer");
    }
    let mut follow = Follow::new(req, policy).expect("a valid first request");
    let mut sent = vec![seen_of(follow.request(), body)];
    for bytes in script {
        match follow.handle_response(bytes) {
            Ok(Event::Redirect(r)) => {
                let req = r.follow();
                let send = req.sends_body();
                sent.push(seen_of(req, send));
            }
            Ok(Event::Final(f)) => return (sent, End::Final(f.response().status())),
            Ok(Event::NeedData) => panic!("a whole head gave NeedData"),
            Err(Error::TooManyRedirects { .. }) => return (sent, End::TooManyRedirects),
            Err(e) => return (sent, End::Other(format!("{e:?}"))),
        }
    }
    panic!("the script ended without a final response")
}

/// Invariant (curl_diff): see the module docs.
pub fn check_curl(input: &Input) {
    HARNESS.with_borrow_mut(|h| check(h, input));
}

fn check(h: &mut Harness, input: &Input) {
    let ports = h.server.ports;
    let first = format!("{}{}", origin(ports, input.start), path(input.start_path));
    let (script, locations) = script(ports, input);
    let (want, want_end) = run_machine(ports, input, &first, &script);
    let (got, got_end) = run_curl(h, input, &first, script);
    let declared: Vec<&str> = DECLARED
        .iter()
        .chain(FINDINGS)
        .filter(|d| locations.iter().any(|l| (d.applies)(l)))
        .map(|d| d.name)
        .collect();
    if !declared.is_empty() {
        return;
    }
    // The order of fields is libcurl's own; the set is compared.
    let tidy = |mut s: Seen| {
        s.headers.retain(|(n, _)| COMPARED.contains(&n.as_str()));
        s.headers.sort();
        s
    };
    let want: Vec<Seen> = want.into_iter().map(tidy).collect();
    let got: Vec<Seen> = got.into_iter().map(tidy).collect();
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert_eq!(
            w,
            g,
            "request {i}: the machine (left) and libcurl (right) differ\nchain: {input:?}\nlocations: {:?}",
            locations
                .iter()
                .map(|l| String::from_utf8_lossy(l))
                .collect::<Vec<_>>()
        );
    }
    assert_eq!(
        (want.len(), &want_end),
        (got.len(), &got_end),
        "requests made and how the chain ended: the machine (left), libcurl (right)\nchain: {input:?}\nlocations: {:?}",
        locations
            .iter()
            .map(|l| String::from_utf8_lossy(l))
            .collect::<Vec<_>>()
    );
}
