//! The inputs of the benchmarks and the two contenders that need nothing but `redirects`,
//! `httparse` and `url`: the three redirect responses, the first request, and per contender
//! (`floor`, `machine`) one function doing one hop and one doing a whole chain.
//!
//! A hop is: parse the redirect head (fed whole unless said otherwise), read `Location` and
//! the framing, resolve `Location`, decide, and write the next request head into a reused
//! caller buffer. The state each contender needs before the response arrives (the `Follow`
//! with its first request) is built outside the measured part, and what a hop returns (the
//! new URL, or the machine that now owns it) is dropped outside it too.
//!
//! A whole chain is everything from the user's URL and headers to the final response,
//! building and dropping the machine included (see "whole chain" below).
//!
//! No criterion, no ureq-proto here: `tests/alloc.rs` (a test of the `redirects` package)
//! includes this file with `#[path]`, so that its allocation counts are about the same hops.
//! The bench crate uses it through `benches/common/mod.rs`, which adds ureq-proto.

#![allow(dead_code)]

use std::mem::MaybeUninit;

use redirects::{BodyLength, Event, Follow, Method, Policy, Request, Url, Version};

/// The first request of the chain (every contender sends these headers).
pub const START_URL: &str = "https://www.example.com/account/settings?tab=security";
pub const REQUEST_HEADERS: [(&str, &str); 4] = [
    ("User-Agent", "redirects-bench/0.1"),
    (
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    ),
    ("Accept-Language", "en-US,en;q=0.9"),
    ("Accept-Encoding", "gzip, deflate, br"),
];

/// The output buffer every contender writes the next head into (reused across hops).
pub const OUT_LEN: usize = 4096;

/// `small`: a 58-byte `302` with a relative `Location`.
pub fn small() -> Vec<u8> {
    b"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n".to_vec()
}

/// `typical`: 641 bytes, what a web application's login redirect looks like: Date,
/// Server, Cache-Control, two Set-Cookie, Content-Type, Content-Length, and an absolute
/// https `Location` with a query (to another origin).
pub fn typical() -> Vec<u8> {
    let mut r = String::new();
    r.push_str("HTTP/1.1 302 Found\r\n");
    r.push_str("Date: Sat, 22 Nov 2025 01:23:45 GMT\r\n");
    r.push_str("Server: nginx/1.24.0\r\n");
    r.push_str("Cache-Control: private, no-cache, no-store, must-revalidate, max-age=0\r\n");
    r.push_str(
        "Set-Cookie: __Host-session=8f2c1b9e4d7a4c3e9b0f6a2d5e8c1f7a3b9d2e6c; Path=/; \
         Expires=Sun, 23 Nov 2025 01:23:45 GMT; Secure; HttpOnly; SameSite=Lax\r\n",
    );
    r.push_str(
        "Set-Cookie: csrftoken=Zx8Qm2Lr5Tp9Wv3Yb6Nc1Hd4Kf7Gj0Sa; Path=/; Domain=example.com; \
         Secure; SameSite=Strict\r\n",
    );
    r.push_str("Content-Type: text/html; charset=utf-8\r\n");
    r.push_str("Content-Length: 0\r\n");
    r.push_str(
        "Location: https://accounts.example.com/signin/v2/identifier?continue=https%3A%2F%2F\
         www.example.com%2Faccount%2Fsettings%3Ftab%3Dsecurity&service=web&flowName=GlifWebSignIn\r\n",
    );
    r.push_str("\r\n");
    r.into_bytes()
}

/// `large`: 4 KiB (4,094 bytes), 30 header fields, long `Set-Cookie` and `Content-Security-Policy`
/// values, an absolute https `Location` with a query.
pub fn large() -> Vec<u8> {
    let mut r = String::new();
    r.push_str("HTTP/1.1 301 Moved Permanently\r\n");
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut add = |n: &str, v: String| fields.push((n.to_owned(), v));
    add("Date", "Sat, 22 Nov 2025 01:23:45 GMT".into());
    add("Server", "Apache/2.4.62 (Unix) OpenSSL/3.0.15".into());
    add(
        "Cache-Control",
        "private, no-cache, no-store, must-revalidate, max-age=0".into(),
    );
    add("Pragma", "no-cache".into());
    add("Expires", "Thu, 01 Jan 1970 00:00:00 GMT".into());
    add("Vary", "Accept-Encoding, Cookie, User-Agent".into());
    add("X-Frame-Options", "DENY".into());
    add("X-Content-Type-Options", "nosniff".into());
    add("Referrer-Policy", "strict-origin-when-cross-origin".into());
    add(
        "Strict-Transport-Security",
        "max-age=63072000; includeSubDomains; preload".into(),
    );
    add(
        "Permissions-Policy",
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), \
         microphone=(), payment=(), usb=(), interest-cohort=()"
            .into(),
    );
    let csp = "default-src 'self'; script-src 'self' 'nonce-r4nd0mN0nc3V4lu3' \
               https://static.example.com https://www.googletagmanager.com \
               https://www.google-analytics.com https://cdn.jsdelivr.net; style-src 'self' \
               'unsafe-inline' https://static.example.com https://fonts.googleapis.com; img-src \
               'self' data: blob: https://static.example.com https://images.example-cdn.net \
               https://www.google-analytics.com; font-src 'self' https://fonts.gstatic.com; \
               connect-src 'self' https://api.example.com wss://realtime.example.com \
               https://www.google-analytics.com; frame-src https://www.youtube-nocookie.com \
               https://player.vimeo.com; frame-ancestors 'none'; base-uri 'self'; form-action \
               'self' https://accounts.example.com; object-src 'none'; upgrade-insecure-requests; \
               report-uri https://csp.example.com/report; report-to csp-endpoint";
    add("Content-Security-Policy", csp.into());
    add(
        "Report-To",
        "{\"group\":\"csp-endpoint\",\"max_age\":10886400,\"endpoints\":[{\"url\":\
         \"https://csp.example.com/report\"}],\"include_subdomains\":true}"
            .into(),
    );
    add(
        "NEL",
        "{\"report_to\":\"csp-endpoint\",\"max_age\":2592000}".into(),
    );
    for (i, name) in [
        "session",
        "prefs",
        "ab_test",
        "tracking_id",
        "consent",
        "locale",
    ]
    .iter()
    .enumerate()
    {
        let value: String = (0..182)
            .map(|j| {
                char::from(
                    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        [(i * 7 + j * 13) % 62],
                )
            })
            .collect();
        add(
            "Set-Cookie",
            format!(
                "{name}={value}; Path=/; Domain=.example.com; Expires=Sun, 22 Nov 2026 01:23:45 \
                 GMT; Max-Age=31536000; Secure; HttpOnly; SameSite=Lax"
            ),
        );
    }
    add(
        "X-Request-Id",
        "7c9e6679-7425-40de-944b-e07fc1f90ae7".into(),
    );
    add(
        "X-Correlation-Id",
        "f47ac10b-58cc-4372-a567-0e02b2c3d479".into(),
    );
    add("X-Runtime", "0.004211".into());
    add("X-Powered-By", "Phusion Passenger(R) 6.0.23".into());
    add(
        "Via",
        "1.1 varnish (Varnish/7.5), 1.1 proxy.example.net".into(),
    );
    add("X-Cache", "MISS from edge-fra-03".into());
    add("Content-Type", "text/html; charset=iso-8859-1".into());
    add("Content-Length", "0".into());
    add("Connection", "keep-alive".into());
    add(
        "Location",
        "https://www.example.com/en-us/account/security/settings/overview?tab=security\
         &utm_source=legacy&utm_medium=redirect&utm_campaign=migration-2025&ref=%2Faccount"
            .into(),
    );
    for (n, v) in &fields {
        r.push_str(n);
        r.push_str(": ");
        r.push_str(v);
        r.push_str("\r\n");
    }
    r.push_str("\r\n");
    r.into_bytes()
}

/// Builds one response.
pub type MakeResponse = fn() -> Vec<u8>;

/// The three responses by name.
pub const RESPONSES: [(&str, MakeResponse); 3] =
    [("small", small), ("typical", typical), ("large", large)];

pub fn response(name: &str) -> Option<Vec<u8>> {
    RESPONSES.iter().find(|(n, _)| *n == name).map(|(_, f)| f())
}

// ------------------------------------------------------------------------------------ floor
//
// The floor is the least work any client must do for a hop, written by hand with the same
// two libraries the machine uses (`httparse`, `url`):
//
// 1. Parse the head with `httparse` into a stack array of 100 headers (default parser
//    configuration), and check the status is 301, 302, 303, 307 or 308.
// 2. Read what a client needs out of every head, in ONE pass over the fields, each name
//    compared (`eq_ignore_ascii_case`) with the names below until one matches, as the
//    machine does when it interprets a head:
//    - `Location`: the first one, trimmed;
//    - `Content-Length`: the value as a decimal number (no list, no consistency check);
//    - `Transfer-Encoding`: whether its last coding is `chunked`;
//    - `Connection`: whether its tokens include `close` or `keep-alive`.
//    From those: the body's length (none for 1xx, 204, 304; chunked; a length; or until
//    close) and whether the connection stays open (HTTP/1.1 or `keep-alive`, no `close`, a
//    body with a known end, no `Transfer-Encoding` in HTTP/1.0 nor with `Content-Length`,
//    not a `101`).
// 3. `Url::join` the `Location` (as UTF-8) onto the current URL.
// 4. Write the next head into the caller's buffer: `GET`, the new URL's path and query,
//    ` HTTP/1.1`, a `Host` line with the URL's authority, then the request's header lines,
//    kept rendered as `Name: value\r\n` bytes (rendered once, when the request is built, as
//    the machine keeps them), copied in one piece, and the empty line.
//
// Not done: no policy (scheme, downgrade, limit, method rewrite, credentials), no duplicate
// or empty `Location` handling, no `Content-Length` list, no origin check for reuse, no
// error values (malformed input panics). Same allocations as the machine's hop: the new URL.

/// What the floor keeps between hops: the current URL (parsed once).
pub fn floor_base() -> Url {
    Url::parse(START_URL).unwrap()
}

/// The request headers rendered as `Name: value\r\n` lines, as the floor writes them into
/// every head. Built at run time from `headers`, so the compiler cannot fold their length
/// into the copy.
pub fn floor_render(headers: &[(&str, &str)]) -> Vec<u8> {
    let len = headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum();
    let mut lines = Vec::with_capacity(len);
    for (n, v) in headers {
        lines.extend_from_slice(n.as_bytes());
        lines.extend_from_slice(b": ");
        lines.extend_from_slice(v.as_bytes());
        lines.extend_from_slice(b"\r\n");
    }
    lines
}

/// The benchmark's request headers as the floor holds them (see [`floor_render`]).
pub fn floor_lines() -> Vec<u8> {
    floor_render(&REQUEST_HEADERS)
}

/// What the floor reads out of a response head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloorHead<'b> {
    pub status: u16,
    /// The first `Location` field, trimmed.
    pub location: Option<&'b [u8]>,
    /// How the body after the head ends.
    pub body: BodyLength,
    /// Whether the connection stays open after the body.
    pub keep_alive: bool,
}

/// Steps 1 and 2 of the floor: parse a complete head and read `Location` and the framing.
pub fn floor_read_head(resp: &[u8]) -> FloorHead<'_> {
    let mut storage = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; 100];
    let mut res = httparse::Response::new(&mut []);
    let status = httparse::ParserConfig::default()
        .parse_response_with_uninit_headers(&mut res, resp, &mut storage)
        .unwrap();
    assert!(status.is_complete());
    let mut location = None;
    let mut content_length = None;
    let mut chunked = None;
    let mut close = false;
    let mut keep_alive = false;
    for h in res.headers.iter() {
        let name = h.name;
        if name.eq_ignore_ascii_case("location") {
            location.get_or_insert(h.value.trim_ascii());
        } else if name.eq_ignore_ascii_case("content-length") {
            content_length = Some(floor_decimal(h.value.trim_ascii()));
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            let last = h.value.rsplit(|&b| b == b',').next().unwrap_or(b"");
            chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            for token in h.value.split(|&b| b == b',') {
                let token = token.trim_ascii();
                close |= token.eq_ignore_ascii_case(b"close");
                keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }
    let status = res.code.unwrap();
    let body = match (status, chunked, content_length) {
        (100..=199 | 204 | 304, _, _) => BodyLength::None,
        (_, Some(true), _) => BodyLength::Chunked,
        (_, None, Some(n)) => BodyLength::Length(n),
        _ => BodyLength::UntilClose,
    };
    FloorHead {
        status,
        location,
        body,
        keep_alive: !close
            && (res.version == Some(1) || keep_alive)
            && body != BodyLength::UntilClose
            && !(chunked.is_some() && (res.version == Some(0) || content_length.is_some()))
            && status != 101,
    }
}

/// A `Content-Length` value (panics unless it is all ASCII digits and fits).
fn floor_decimal(digits: &[u8]) -> u64 {
    assert!(!digits.is_empty(), "empty Content-Length");
    digits.iter().fold(0u64, |n, &d| {
        assert!(d.is_ascii_digit(), "Content-Length is not a number");
        n.checked_mul(10).unwrap() + u64::from(d - b'0')
    })
}

fn put(out: &mut [u8], at: &mut usize, bytes: &[u8]) {
    out[*at..*at + bytes.len()].copy_from_slice(bytes);
    *at += bytes.len();
}

/// Step 4 of the floor: writes the `GET` head for `url` with the rendered header `lines`
/// into `out`; returns its length.
pub fn floor_write_head(url: &Url, lines: &[u8], out: &mut [u8]) -> usize {
    let mut at = 0;
    put(out, &mut at, b"GET ");
    let pq = &url[url::Position::BeforePath..url::Position::AfterQuery];
    put(
        out,
        &mut at,
        if pq.is_empty() { b"/" } else { pq.as_bytes() },
    );
    put(out, &mut at, b" HTTP/1.1\r\nHost: ");
    put(
        out,
        &mut at,
        url[url::Position::BeforeHost..url::Position::AfterPort].as_bytes(),
    );
    put(out, &mut at, b"\r\n");
    put(out, &mut at, lines);
    put(out, &mut at, b"\r\n");
    at
}

/// What a floor hop returns (dropped outside the measured part).
#[derive(Debug)]
pub struct FloorHop {
    /// The URL of the next request.
    pub next: Url,
    /// Bytes of the next head written.
    pub written: usize,
    /// How the redirect's body ends (the client reads or drains it).
    pub body: BodyLength,
    /// Whether the redirect's connection stays open.
    pub keep_alive: bool,
}

/// The floor's hop (steps 1 to 4 above, from `base`, the URL that answered).
#[inline(never)]
pub fn floor_hop(base: &Url, lines: &[u8], resp: &[u8], out: &mut [u8]) -> FloorHop {
    let head = floor_read_head(resp);
    assert!(matches!(head.status, 301 | 302 | 303 | 307 | 308));
    let location = std::str::from_utf8(head.location.unwrap()).unwrap();
    let next = base.join(location).unwrap();
    let written = floor_write_head(&next, lines, out);
    FloorHop {
        next,
        written,
        body: head.body,
        keep_alive: head.keep_alive,
    }
}

// ---------------------------------------------------------------------------------- machine

/// The first request with the benchmark's headers.
pub fn machine_request() -> Request {
    let mut req = Request::new(Method::Get, START_URL).unwrap();
    for (n, v) in REQUEST_HEADERS {
        req = req.header(n, v).unwrap();
    }
    req
}

/// The machine before the response arrives: first request (whose head was already written),
/// `fetch` policy. Built fresh for every hop with `Follow::new` (outside the measured part):
/// a *cloned* `Follow` is not the same thing, since `Vec::clone` drops the spare capacity
/// `Follow::new` reserves for the history, and the first redirect then allocates.
pub fn machine_start_from(req: &Request) -> Follow {
    Follow::new(req.clone(), Policy::fetch()).unwrap()
}

pub fn machine_start() -> Follow {
    machine_start_from(&machine_request())
}

/// One hop with the crate: feed the whole head, decide, take the redirect
/// (`Redirect::follow`, as a caller must before the next response), write the next head.
#[inline(never)]
pub fn machine_hop(follow: &mut Follow, resp: &[u8], out: &mut [u8]) -> usize {
    match follow.handle_response(resp) {
        Ok(Event::Redirect(hop)) => hop.follow().write_head(out).unwrap(),
        other => panic!("expected a redirect, got {other:?}"),
    }
}

/// The same hop, the head fed in `chunk`-byte pieces (the caller's buffer grows by `chunk`
/// each time and the machine is given all bytes so far).
#[inline(never)]
pub fn machine_hop_chunked(
    follow: &mut Follow,
    resp: &[u8],
    chunk: usize,
    out: &mut [u8],
) -> usize {
    let mut end = chunk.min(resp.len());
    loop {
        match follow.handle_response(&resp[..end]) {
            Ok(Event::NeedData) => {
                assert!(end < resp.len(), "head incomplete at the end of the bytes");
                end = (end + chunk).min(resp.len());
            }
            Ok(Event::Redirect(hop)) => return hop.follow().write_head(out).unwrap(),
            other => panic!("expected a redirect, got {other:?}"),
        }
    }
}

// ------------------------------------------------------------------------------ parsed head
//
// The same hop for a runtime that parses heads itself (hyper, h2, reqwless): the head is
// parsed before the measured part, into the (name, value) pairs such a stack holds, and
// given to `Follow::handle_head`. Beside it, `parse_only`: the stack-array `httparse`
// parse the byte path does (and the floor does), alone, so that "byte path minus parsing"
// can be read off the same run.

/// A head as a stack that parsed it holds it: version, status, owned fields.
pub struct ParsedHead {
    pub version: Version,
    pub status: u16,
    pub fields: Vec<(String, Vec<u8>)>,
}

/// Parses `resp` (a complete head) outside any measurement.
pub fn parsed_head(resp: &[u8]) -> ParsedHead {
    let mut slots = [httparse::EMPTY_HEADER; 100];
    let mut res = httparse::Response::new(&mut slots);
    assert!(res.parse(resp).unwrap().is_complete());
    ParsedHead {
        version: if res.version == Some(0) {
            Version::Http10
        } else {
            Version::Http11
        },
        status: res.code.unwrap(),
        fields: res
            .headers
            .iter()
            .map(|h| (h.name.to_owned(), h.value.to_vec()))
            .collect(),
    }
}

/// One hop through the parsed-head entry point: give the head, decide, take the redirect,
/// write the next head.
#[inline(never)]
pub fn machine_hop_parsed(follow: &mut Follow, head: &ParsedHead, out: &mut [u8]) -> usize {
    let fields = head
        .fields
        .iter()
        .map(|(n, v)| (n.as_bytes(), v.as_slice()));
    match follow.handle_head(head.version, head.status, fields) {
        Ok(Event::Redirect(hop)) => hop.follow().write_head(out).unwrap(),
        other => panic!("expected a redirect, got {other:?}"),
    }
}

/// The parse alone: `httparse` into a stack array, as the byte path and the floor do.
#[inline(never)]
pub fn parse_only(resp: &[u8]) -> usize {
    let mut storage = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; 64];
    let mut res = httparse::Response::new(&mut []);
    let status = httparse::ParserConfig::default()
        .parse_response_with_uninit_headers(&mut res, resp, &mut storage)
        .unwrap();
    assert!(status.is_complete());
    res.headers.len()
}

// ------------------------------------------------------------------------------ whole chain
//
// A whole chain, as a client runs it from its user's URL and headers to the final response:
// build the first request, write its head, read the redirect (`small`, `typical` or `large`),
// write the second head, read the final response (`FINAL_RESPONSE`), and free everything.
// Nothing is built beforehand and nothing survives the call: `Follow::new` and the drop of
// the machine are measured here, unlike in the per-hop benchmarks.

/// The final response of the whole-chain benchmarks (the body is in the buffer too, after
/// the head, as a read would leave it).
pub const FINAL_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// What a chain returns: the lengths of the two heads written and how the final body ends.
pub type ChainOut = (usize, usize, BodyLength);

/// A whole chain: first URL, its headers, the redirect, the final response, the buffer the
/// heads are written into.
pub type ChainFn = fn(&str, &[(&str, &str)], &[u8], &[u8], &mut [u8]) -> ChainOut;

/// The whole chain with the crate: `Request::new` and `Request::header` for each header,
/// `Follow::new(request, Policy::fetch())`, `write_head` of the first request,
/// `handle_response` of the redirect, `Redirect::follow` and `write_head` of the next
/// request, `handle_response` of the final response and its body length, then the machine
/// dropped.
#[inline(never)]
pub fn machine_chain(
    url: &str,
    headers: &[(&str, &str)],
    redirect: &[u8],
    last: &[u8],
    out: &mut [u8],
) -> ChainOut {
    let mut req = Request::new(Method::Get, url).unwrap();
    for (n, v) in headers {
        req = req.header(n, v).unwrap();
    }
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    let first = follow.request().write_head(out).unwrap();
    let second = match follow.handle_response(redirect) {
        Ok(Event::Redirect(hop)) => hop.follow().write_head(out).unwrap(),
        other => panic!("expected a redirect, got {other:?}"),
    };
    let body = match follow.handle_response(last) {
        Ok(Event::Final(end)) => end.response().body_length(),
        other => panic!("expected the final response, got {other:?}"),
    };
    (first, second, body)
}

/// The whole chain by hand (the floor): `Url::parse` the first URL and render the headers
/// as lines ([`floor_render`]), write the first head ([`floor_write_head`]), the floor's hop
/// on the redirect ([`floor_hop`]), read the final head ([`floor_read_head`]: a status that
/// is not a redirect, and its framing), then drop both URLs and the lines.
#[inline(never)]
pub fn floor_chain(
    url: &str,
    headers: &[(&str, &str)],
    redirect: &[u8],
    last: &[u8],
    out: &mut [u8],
) -> ChainOut {
    let url = Url::parse(url).unwrap();
    let lines = floor_render(headers);
    let first = floor_write_head(&url, &lines, out);
    let hop = floor_hop(&url, &lines, redirect, out);
    let end = floor_read_head(last);
    assert!(!matches!(end.status, 301 | 302 | 303 | 307 | 308));
    (first, hop.written, end.body)
}

// ------------------------------------------------------------------------------- self-check

/// Checks that the floor and the machine do the same work on every response: the same next
/// URL, byte for byte the same next head, the same framing of the redirect; the same heads
/// and final framing over a whole chain; and that the machine fed in pieces writes the same
/// head. Panics otherwise.
pub fn check_floor_matches_machine() {
    let lines = floor_lines();
    for (name, make) in RESPONSES {
        let resp = make();
        let mut a = [0u8; OUT_LEN];
        let mut b = [0u8; OUT_LEN];
        let floor = floor_hop(&floor_base(), &lines, &resp, &mut a);
        let mut m = machine_start();
        let (nb, body, keep_alive) = match m.handle_response(&resp) {
            Ok(Event::Redirect(hop)) => (
                hop.request().write_head(&mut b).unwrap(),
                hop.response().body_length(),
                hop.response().keep_alive(),
            ),
            other => panic!("{name}: expected a redirect, got {other:?}"),
        };
        assert_eq!(
            m.url(),
            &floor.next,
            "{name}: floor and machine resolve differently"
        );
        assert_eq!(
            String::from_utf8_lossy(&a[..floor.written]),
            String::from_utf8_lossy(&b[..nb]),
            "{name}: floor and machine write different heads"
        );
        assert_eq!(
            (floor.body, floor.keep_alive),
            (body, keep_alive),
            "{name}: floor and machine read the framing differently"
        );
        let chain = |f: ChainFn| {
            let mut out = [0u8; OUT_LEN];
            let got = f(START_URL, &REQUEST_HEADERS, &resp, FINAL_RESPONSE, &mut out);
            (got, String::from_utf8_lossy(&out[..got.1]).into_owned())
        };
        let (floor_chain_out, floor_chain_head) = chain(floor_chain);
        let (machine_chain_out, machine_chain_head) = chain(machine_chain);
        assert_eq!(
            (floor_chain_out, &floor_chain_head),
            (machine_chain_out, &machine_chain_head),
            "{name}: floor and machine chains differ"
        );
        assert_eq!(
            floor_chain_head.as_bytes(),
            &b[..nb],
            "{name}: chain vs hop"
        );
        assert_eq!(
            floor_chain_out.2,
            BodyLength::Length(2),
            "{name}: final body"
        );
        for chunk in [1, 64] {
            let mut m2 = machine_start();
            let mut c = [0u8; OUT_LEN];
            let n2 = machine_hop_chunked(&mut m2, &resp, chunk, &mut c);
            assert_eq!(
                &c[..n2],
                &b[..nb],
                "{name}: chunk {chunk} differs from whole"
            );
        }
    }
}
