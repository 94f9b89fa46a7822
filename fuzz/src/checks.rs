//! The invariants, in one place: the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the stable
//! property tests (`tests/properties.rs`, which includes this file with `#[path]`) call the
//! same `check_*` functions. Each one panics with a message naming the broken invariant.
//!
//! Only `redirects` and `core`/`std` are used here, so the file compiles in both crates.

use std::string::{String, ToString};
use std::vec::Vec;

use redirects::{
    Body, BodyLength, CredentialRule, CurlBody, CurlRequest, Error, Event, Fault, Final, Follow,
    HstsSource, HstsUpgrade, InvalidPolicy, InvalidRequest, Method, MethodChange, MethodRule,
    Policy, Redirect, ReferrerDecision, ReferrerPolicy, ReferrerSent, ReferrerWhy, RemovalReason,
    Request, Rules, UnreplayableBody, Url, resolve_location,
};

/// The URL the `parse_head` check sends its GET to.
pub const HEAD_URL: &str = "http://a.test/dir/page?q=1#frag";

/// Base URLs for the `location` check (the first input byte picks one).
pub const BASES: [&str; 8] = [
    "http://a.test/d1/d2/page?q=1#frag",
    "http://a.test/",
    "https://b.test:8443/x/y?z",
    "http://[::1]:8080/a/b#",
    "https://user:pw@c.test/p/#f%20g",
    "http://192.168.0.1/%7Efoo/bar;p?q#x",
    "https://xn--9ca.test/caf%C3%A9/",
    "http://a.test:80/dir/#%FF",
];

/// How the bytes of one response are handed to `handle_response`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// All at once.
    Whole,
    /// The first `n` bytes, then all of them.
    SplitAt(usize),
    /// One more byte per call.
    Bytewise,
}

/// A response head as the caller sees it, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    pub version: redirects::Version,
    pub reason: String,
    pub head_len: usize,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body_length: BodyLength,
    pub keep_alive: bool,
}

/// The request the machine says to send, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub send_body: bool,
    /// What `write_head` wrote.
    pub head: Vec<u8>,
}

/// The full outcome of one `handle_response` sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    NeedData,
    Redirect {
        response: Head,
        number: u32,
        from: String,
        method_change: Option<MethodChange>,
        method_rule: Option<MethodRule>,
        body_dropped: bool,
        removed: Vec<(String, RemovalReason, u32, bool)>,
        reuse: bool,
        referrer: Option<ReferrerDecision>,
        hsts: Option<HstsUpgrade>,
        next: Next,
    },
    Final {
        response: Head,
        url: String,
        redirects: u32,
        history: Vec<(u16, String)>,
    },
    Error(Error),
}

/// A response head as the caller sees it, owned.
pub fn head_of(r: redirects::Response<'_>) -> Head {
    Head {
        status: r.status(),
        version: r.version(),
        reason: r.reason().to_string(),
        head_len: r.head_len(),
        headers: r
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_vec()))
            .collect(),
        body_length: r.body_length(),
        keep_alive: r.keep_alive(),
    }
}

/// The request the machine says to send, owned (and `write_head` checked against
/// `to_head`).
pub fn next_of(req: redirects::OutgoingRequest<'_>) -> Next {
    let head = req.to_head();
    assert_eq!(
        head.len(),
        req.head_len(),
        "to_head writes exactly head_len bytes"
    );
    if head.len() > 1 {
        let short = req.write_head(&mut vec![0u8; head.len() - 1]);
        assert_eq!(
            short.map_err(|e| e.required),
            Err(head.len()),
            "a too small buffer is a typed error with the exact size"
        );
    }
    Next {
        method: req.method().as_str().to_string(),
        url: req.url().as_str().to_string(),
        headers: req
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_vec()))
            .collect(),
        send_body: req.sends_body(),
        head,
    }
}

/// The headers the next request does not carry, as `Redirect::removed_headers` lists them:
/// name, reason, redirect number, earlier.
pub type Removed = Vec<(String, RemovalReason, u32, bool)>;

fn removed_of(r: &Redirect<'_>) -> Removed {
    r.removed_headers()
        .map(|h| (h.name.to_string(), h.reason, h.redirect, h.earlier))
        .collect()
}

/// Everything a `Redirect` handle shows, owned.
pub fn redirect_outcome(r: &Redirect<'_>) -> Outcome {
    Outcome::Redirect {
        response: head_of(r.response()),
        number: r.number(),
        from: r.from_url().as_str().to_string(),
        method_change: r.method_change(),
        method_rule: r.method_rule(),
        body_dropped: r.body_dropped(),
        removed: removed_of(r),
        reuse: r.can_reuse_connection(),
        referrer: r.referrer_decision(),
        hsts: r.hsts_upgrade(),
        next: next_of(r.request()),
    }
}

/// Everything a `Final` shows, owned.
pub fn final_outcome(f: &Final<'_>) -> Outcome {
    Outcome::Final {
        response: head_of(f.response()),
        url: f.url().as_str().to_string(),
        redirects: f.redirects(),
        history: f
            .history()
            .iter()
            .map(|h| (h.status(), h.url().as_str().to_string()))
            .collect(),
    }
}

/// Everything an answer of `handle_response` or `handle_head` shows, owned.
pub fn outcome_of(ev: Result<Event<'_>, Error>) -> Outcome {
    match ev {
        Ok(Event::NeedData) => Outcome::NeedData,
        Ok(Event::Redirect(r)) => redirect_outcome(&r),
        Ok(Event::Final(f)) => final_outcome(&f),
        Err(e) => Outcome::Error(e),
    }
}

/// Whose fault an error is, as the crate documents it: the caller's for a call after the
/// end, a response fed before the proposed redirect was followed, a buffer that shrank and
/// its own refusal; the peer's for everything the response bytes or the chain cause. Every
/// code is a stable snake-case name.
pub fn check_fault(e: &Error) {
    let want = match e {
        Error::InvalidState
        | Error::RedirectNotFollowed { .. }
        | Error::BufferShrunk { .. }
        | Error::Refused { .. }
        | Error::InvalidRequest(_)
        | Error::InvalidPolicy(_) => Fault::Caller,
        _ => Fault::Peer,
    };
    assert_eq!(e.fault(), want, "fault of {e:?}");
    let code = e.code();
    assert!(
        !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "code {code:?} of {e:?}"
    );
}

/// Feeds one response; returns the first answer that is not `NeedData` (or `NeedData` if
/// the bytes never complete a head) and the length of the buffer that gave it. On a
/// redirect, `on_redirect` gets the event's handle before it is dropped.
///
/// Every error is checked: its fault ([`check_fault`]), and for a peer error, the status
/// it carries is that of the response `Follow::last_response` gives (none when no head
/// completed).
pub fn feed_with<R>(
    follow: &mut Follow,
    bytes: &[u8],
    how: Feed,
    on_redirect: impl FnOnce(Redirect<'_>) -> R,
) -> (Outcome, usize, Option<R>) {
    let cuts: Vec<usize> = match how {
        Feed::Whole => vec![bytes.len()],
        Feed::SplitAt(n) => vec![n.min(bytes.len()), bytes.len()],
        // From one byte: a response whose first byte was already fed (a caller's late
        // decision) must not be fed a shorter buffer.
        Feed::Bytewise => (1.min(bytes.len())..=bytes.len()).collect(),
    };
    let mut on_redirect = Some(on_redirect);
    let mut last = (Outcome::NeedData, 0);
    for cut in cuts {
        let buf = &bytes[..cut];
        let out = match follow.handle_response(buf) {
            Ok(Event::Redirect(r)) => {
                let out = redirect_outcome(&r);
                let acted = on_redirect.take().map(|f| f(r));
                return (out, cut, acted);
            }
            other => outcome_of(other),
        };
        if let Outcome::Error(e) = &out {
            check_fault(e);
            if e.fault() == Fault::Peer {
                assert_eq!(
                    follow.last_response(buf).map(|r| r.status()),
                    e.status(),
                    "the response kept after {e:?}"
                );
            }
        }
        if out != Outcome::NeedData {
            return (out, cut, None);
        }
        last = (out, cut);
    }
    (last.0, last.1, None)
}

/// Feeds one response (see [`feed_with`]); returns the first answer that is not
/// `NeedData`.
pub fn feed(follow: &mut Follow, bytes: &[u8], how: Feed) -> Outcome {
    feed_with(follow, bytes, how, |_| ()).0
}

fn is_followable(u: &Url) -> bool {
    matches!(u.scheme(), "http" | "https") && u.host().is_some()
}

/// `Url::parse(u.as_str()) == u`.
pub fn assert_reparses(u: &Url) {
    let again = Url::parse(u.as_str());
    assert_eq!(
        again.as_ref(),
        Ok(u),
        "URL does not re-parse to itself: {:?}",
        u.as_str()
    );
}

// ---------------------------------------------------------------------------------------
// parse_head

/// The split point and the policy come from the input's last two bytes, so the fuzzer
/// controls them while a plain raw response stays a valid input.
pub fn head_params(data: &[u8]) -> (usize, Policy) {
    let seed = match data {
        [.., a, b] => u16::from_le_bytes([*a, *b]),
        [a] => u16::from(*a),
        [] => 0,
    };
    let split = usize::from(seed) % (data.len() + 1);
    let policy = if seed & 0x8000 != 0 {
        // A small head limit: 16..=524 bytes, so the size limit is reached within the
        // inputs libFuzzer makes.
        let max = 16 + usize::from((seed >> 8) & 0x7f) * 4;
        Policy::fetch().with_max_head_size(max).expect("max >= 16")
    } else {
        Policy::fetch()
    };
    (split, policy)
}

fn run_head(data: &[u8], policy: &Policy, how: Feed) -> Outcome {
    let req = Request::get(HEAD_URL).expect("valid URL");
    let mut follow = Follow::new(req, policy.clone()).expect("valid request");
    feed(&mut follow, data, how)
}

/// Invariant (parse_head): on any bytes no panic; a head never uses more bytes than were
/// given (nor more than the head limit); the full outcome (event kind, status, head_len,
/// headers, body length, next request, error) is the same fed whole, split at a point taken
/// from the input, and one byte at a time.
pub fn check_head(data: &[u8]) -> Outcome {
    let (split, policy) = head_params(data);
    let whole = run_head(data, &policy, Feed::Whole);
    if let Outcome::Redirect { response, .. } | Outcome::Final { response, .. } = &whole {
        assert!(response.head_len > 0, "a head of zero bytes: {response:?}");
        assert!(
            response.head_len <= data.len(),
            "head_len {} exceeds the {} bytes given",
            response.head_len,
            data.len()
        );
        assert!(
            response.head_len <= policy.max_head_size(),
            "head_len {} exceeds the limit {}",
            response.head_len,
            policy.max_head_size()
        );
        assert!(
            response.status >= 100,
            "status below 100 accepted: {}",
            response.status
        );
        check_interpretation(&whole, response);
    }
    match &whole {
        Outcome::Error(Error::TooManyHeaders { limit }) => {
            assert_eq!(*limit, policy.max_header_fields());
            let lines = data.iter().filter(|&&b| b == b'\n').count();
            assert!(lines > *limit, "too many headers in {lines} lines");
        }
        Outcome::Error(Error::HeadTooLarge { limit }) => {
            assert_eq!(*limit, policy.max_head_size());
            assert!(
                data.len() >= *limit,
                "a head of {} bytes too large",
                data.len()
            );
        }
        _ => {}
    }
    let at = run_head(data, &policy, Feed::SplitAt(split));
    assert_eq!(whole, at, "whole vs split at {split}");
    let bytewise = run_head(data, &policy, Feed::Bytewise);
    assert_eq!(whole, bytewise, "whole vs one byte at a time");
    whole
}

/// The head's meaning, recomputed from the header list the caller sees with plain
/// case-insensitive name matching: the body length (RFC 9112 §6.3) and, for the redirect
/// statuses, whether a `Location` was there and where it leads.
fn check_interpretation(out: &Outcome, response: &Head) {
    let named = |name: &'static str| {
        response
            .headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    };
    let body = if matches!(response.status, 100..=199 | 204 | 304) {
        BodyLength::None
    } else if let Some(te) = named("transfer-encoding").next_back() {
        let last = te.rsplit(|&b| b == b',').next().unwrap_or(b"");
        if last.trim_ascii().eq_ignore_ascii_case(b"chunked") {
            BodyLength::Chunked
        } else {
            BodyLength::UntilClose
        }
    } else if let Some(cl) = named("content-length").next() {
        let first = cl.split(|&b| b == b',').next().unwrap_or(b"");
        BodyLength::Length(
            core::str::from_utf8(first.trim_ascii())
                .unwrap()
                .parse()
                .unwrap(),
        )
    } else {
        BodyLength::UntilClose
    };
    assert_eq!(response.body_length, body, "body length of {response:?}");

    // The request is a GET without `Expect`: keep-alive is the head's alone.
    assert_eq!(
        response.keep_alive,
        head_keep_alive(response),
        "keep-alive of {response:?}"
    );

    let locations: Vec<&[u8]> = named("location")
        .map(trim_sp_htab)
        .filter(|v| !v.is_empty())
        .collect();
    let redirect = matches!(response.status, 301 | 302 | 303 | 307 | 308);
    match out {
        Outcome::Redirect { next, .. } => {
            assert!(redirect, "followed a {}", response.status);
            assert!(
                locations.windows(2).all(|w| w[0] == w[1]),
                "followed one of different Locations: {locations:?}"
            );
            let base = Url::parse(HEAD_URL).unwrap();
            let mut want = resolve_location(&base, locations[0]).expect("it was followed");
            if want.fragment().is_none() {
                want.set_fragment(base.fragment());
            }
            assert_eq!(next.url, want.as_str(), "the URL followed");
        }
        Outcome::Final { .. } if redirect => {
            assert!(
                locations.is_empty(),
                "a {} with Location {locations:?} is final",
                response.status
            );
        }
        _ => {}
    }
}

/// Whether the connection can carry another request after `response`, from its header
/// list as the caller sees it: HTTP/1.1 without `Connection: close`, or HTTP/1.0 with
/// `keep-alive`; a body with a known end; trustworthy framing (no `Transfer-Encoding` in
/// HTTP/1.0, no `Transfer-Encoding` together with `Content-Length`: RFC 9112 §6.1, §6.3);
/// not a `101`. (The request's `Expect: 100-continue` comes on top: see [`expects_continue`].)
fn head_keep_alive(response: &Head) -> bool {
    let named = |name: &'static str| {
        response
            .headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    };
    let connection = |token: &str| {
        named("connection").any(|v| {
            v.split(|&b| b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
        })
    };
    let te = named("transfer-encoding").next().is_some();
    let cl = named("content-length").next().is_some();
    !connection("close")
        && (response.version != redirects::Version::Http10 || connection("keep-alive"))
        && response.body_length != BodyLength::UntilClose
        && !(te && (response.version == redirects::Version::Http10 || cl))
        && response.status != 101
}

/// Whether a request with these headers announces `Expect: 100-continue` (name and token
/// in any case, the token anywhere in the list).
fn expects_continue<'h>(mut headers: impl Iterator<Item = (&'h str, &'h [u8])>) -> bool {
    headers.any(|(n, v)| {
        n.eq_ignore_ascii_case("expect")
            && v.split(|&b| b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(b"100-continue"))
    })
}

/// Whether a `100` interim head comes before the final head in `head`, the bytes a
/// complete response head used (skipped 1xx heads included): heads are runs of non-empty
/// lines, and every status line but the last one's is looked at.
fn continued_before(head: &[u8]) -> bool {
    let mut statuses = Vec::new();
    let mut in_head = false;
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            in_head = false;
        } else if !in_head {
            in_head = true;
            statuses.push(line.split(|&b| b == b' ').nth(1).unwrap_or(b"").to_vec());
        }
    }
    statuses.pop();
    statuses.iter().any(|s| s == b"100")
}

/// Keep-alive as the machine must report it for `response`, the answer to a request that
/// did (`expects`) or did not announce `Expect: 100-continue`, read from `bytes` (the
/// response as fed): the head's own rule, and not before a `100` when the body was held
/// back (RFC 9110 §10.1.1).
fn keep_alive_for(response: &Head, bytes: &[u8], expects: bool) -> bool {
    head_keep_alive(response) && (!expects || continued_before(&bytes[..response.head_len]))
}

// ---------------------------------------------------------------------------------------
// location

fn trim_sp_htab(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// Bytes that can stand in a header field value as they are (HTAB, SP, VCHAR, obs-text).
fn is_field_value_byte(b: u8) -> bool {
    b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80
}

/// Invariant (location): resolving any Location bytes against `BASES[data[0]]` never
/// panics; every http(s) result re-parses to itself. A 302 with that Location, through the
/// machine, is followed only to an http(s) URL with a host, or ends in a typed error (or
/// is final if the value is empty); the URL followed re-parses to itself, keeps the base's
/// fragment when the Location has none, and is exactly `resolve_location` of the trimmed
/// value plus that fragment.
pub fn check_location(data: &[u8]) {
    let Some((&pick, raw)) = data.split_first() else {
        return;
    };
    let base = Url::parse(BASES[usize::from(pick) % BASES.len()]).expect("valid base");
    check_location_at(&base, raw);
}

pub fn check_location_at(base: &Url, raw: &[u8]) {
    let resolved = resolve_location(base, raw);
    if let Ok(u) = &resolved {
        if is_followable(u) {
            assert_reparses(u);
        }
    }
    // `resolve_location` takes shortcuts (UTF-8 to the parser as it is, a path-absolute
    // value through `url`'s setters); what it means is every byte >= 0x80
    // percent-encoded, then `Url::join`.
    let mut encoded = String::with_capacity(raw.len() * 3);
    for &b in raw {
        if b < 0x80 {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    assert_eq!(
        resolved.as_ref().map(Url::as_str),
        base.join(&encoded).as_ref().map(Url::as_str),
        "resolve_location differs from Url::join of the percent-encoded bytes"
    );

    let mut response = b"HTTP/1.1 302 Found\r\nLocation: ".to_vec();
    response.extend_from_slice(raw);
    response.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
    let req = Request::from_url(Method::Get, base.clone());
    let mut follow = Follow::new(req, Policy::fetch()).expect("valid request");
    let out = feed(&mut follow, &response, Feed::Whole);

    match &out {
        Outcome::Redirect { next, response, .. } => {
            assert_eq!(response.status, 302);
            let u = Url::parse(&next.url).expect("the next URL parses");
            assert!(
                is_followable(&u),
                "followed a URL that is not http(s) with a host: {u}"
            );
            assert_reparses(&u);
            if let Some(frag) = base.fragment() {
                // The value followed is the (identical) non-empty Location field(s); an
                // empty field counts as absent.
                let has_fragment = response
                    .headers
                    .iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case("location"))
                    .any(|(_, v)| v.contains(&b'#'));
                if !has_fragment {
                    assert_eq!(u.fragment(), Some(frag), "the base's fragment was lost");
                }
            }
            let line = next.head.split(|&b| b == b'\n').next().unwrap_or(b"");
            assert!(
                !line.contains(&b'#'),
                "a fragment went on the wire: {:?}",
                String::from_utf8_lossy(line)
            );
        }
        Outcome::Final { response, .. } => assert_eq!(response.status, 302),
        Outcome::Error(
            Error::InvalidLocation { .. }
            | Error::SchemeNotAllowed { .. }
            | Error::ConflictingLocation { .. }
            | Error::MalformedResponse(_)
            // Fetch's bad ports are blocked under the default policy.
            | Error::BlockedPort { .. }
            // Bytes with many line ends are many fields: over the field capacity.
            | Error::TooManyHeaders { .. },
        ) => {}
        Outcome::Error(Error::HeadTooLarge { limit }) if response.len() >= *limit => {}
        other => panic!("unexpected outcome for a 302: {other:?}"),
    }

    // When the bytes can stand in a field value as they are, the machine's answer is
    // exactly what `resolve_location` and the Fetch rules give.
    if raw.iter().all(|&b| is_field_value_byte(b)) {
        let value = trim_sp_htab(raw);
        let want = if value.is_empty() {
            None
        } else {
            Some(match resolve_location(base, value) {
                Err(error) => Err(Error::InvalidLocation { status: 302, error }),
                Ok(mut u) => {
                    if u.fragment().is_none() {
                        if let Some(f) = base.fragment() {
                            u.set_fragment(Some(f));
                        }
                    }
                    match u.port() {
                        _ if !is_followable(&u) => Err(Error::SchemeNotAllowed { status: 302 }),
                        Some(port) if FETCH_BAD_PORTS.contains(&port) => {
                            Err(Error::BlockedPort { status: 302, port })
                        }
                        _ => Ok(u),
                    }
                }
            })
        };
        match (&out, want) {
            (Outcome::Final { .. }, None) => {}
            (Outcome::Redirect { next, .. }, Some(Ok(u))) => assert_eq!(next.url, u.as_str()),
            (Outcome::Error(e), Some(Err(w))) => assert_eq!(e, &w),
            (out, want) => panic!("machine gave {out:?}, resolve_location says {want:?}"),
        }

        // The order of the fields does not matter: an empty `Location` field next to this
        // one gives the same answer before it as after it.
        let before = decision(&redirect_with(base, &[b"", raw]));
        let after = decision(&redirect_with(base, &[raw, b""]));
        assert_eq!(
            before, after,
            "an empty Location field before the value vs after it"
        );
    }
}

/// A 302 answering a GET of `base`, with one `Location` field per value, fed whole.
pub fn redirect_with(base: &Url, locations: &[&[u8]]) -> Outcome {
    let mut response = b"HTTP/1.1 302 Found\r\n".to_vec();
    for l in locations {
        response.extend_from_slice(b"Location: ");
        response.extend_from_slice(l);
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    let req = Request::from_url(Method::Get, base.clone());
    let mut follow = Follow::new(req, Policy::fetch()).expect("valid request");
    feed(&mut follow, &response, Feed::Whole)
}

/// What the machine decided, without the bytes of the head: followed (to which URL),
/// final, or which error.
pub fn decision(o: &Outcome) -> String {
    match o {
        Outcome::NeedData => "need data".to_string(),
        Outcome::Redirect { next, .. } => format!("follow {}", next.url),
        Outcome::Final { response, .. } => format!("final {}", response.status),
        Outcome::Error(e) => format!("error {e:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// machine

/// One edit of the proposed request, through the `Redirect` handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// `set_header(name, value)`, the value naming the redirect and the edit.
    Set(&'static str),
    /// `append_header(name, value)`, the value naming the redirect and the edit.
    Append(&'static str),
    /// `remove_header(name)`.
    Remove(&'static str),
    /// Invalid `set_header` and `append_header` calls: typed errors, and nothing changes.
    Invalid,
}

/// How the caller ends its turn on a proposed redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Decision {
    /// `Redirect::follow`: the request it gives is the next one (`Follow::request` from
    /// then on), and no redirect is pending any more.
    #[default]
    Follow,
    /// `Redirect::stop`: the 3xx becomes final.
    Stop,
    /// `Redirect::refuse`: the chain ends with `Error::Refused`.
    Refuse,
    /// Drop the handle without following: the 3xx's bytes fed again, its head given to
    /// `handle_head` and the first byte of the next response are all
    /// `Error::RedirectNotFollowed`, and change nothing. Then `Follow::pending_redirect`'s
    /// handle is followed, and the first byte of the next response is read: the redirect
    /// is no longer pending (`Follow::pending_redirect` is `None`).
    LateByte,
}

/// What the caller does right after a redirect is proposed, before the next response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Action {
    /// Act on the handle `Follow::pending_redirect` gives back after an empty feed,
    /// instead of on the event's handle.
    pub pending: bool,
    /// Edits of the next request, in order.
    pub edits: Vec<Edit>,
    pub decision: Decision,
}

/// One chain: the first request, the policy, the raw responses in order and what the
/// caller does after each redirect.
#[derive(Debug, Clone)]
pub struct Case {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Body,
    /// The profile.
    pub rules: &'static Rules,
    pub max_redirects: Option<u32>,
    /// A header name the policy adds to the credentials.
    pub extra_credential: Option<String>,
    /// `CredentialRule::SameOriginOrHttpsUpgrade`.
    pub https_upgrade: bool,
    /// An origin the policy trusts with credentials.
    pub trusted: Option<String>,
    /// `UnreplayableBody::Final`.
    pub unreplayable_final: bool,
    /// `Request::referrer`.
    pub referrer: Option<String>,
    /// `Policy::with_referrer_policy` (`None`: the default).
    pub referrer_policy: Option<ReferrerPolicy>,
    /// `Policy::with_auto_referer(true)`.
    pub auto_referer: bool,
    /// `Policy::with_blocked_ports` (`None`: the profile's default).
    pub blocked_ports: Option<bool>,
    /// `Policy::with_hsts_host`, in order (an IP address is refused and left out).
    pub hsts_hosts: Vec<(String, bool)>,
    /// `Policy::with_learn_hsts` (`None`: the profile's default).
    pub learn_hsts: Option<bool>,
    /// `Request::curl`: where curl's body comes from (0 none, 1 `-d`, 2 `-T`) and `-X`
    /// (`None`: the command line a user would type, `CurlRequest::assumed`).
    pub curl_request: Option<(u8, bool)>,
    /// `Policy::with_block_private_targets` (`None`: the profile's default).
    pub block_private: Option<bool>,
    pub responses: Vec<Vec<u8>>,
    /// `actions[i]` runs after the redirect of `responses[i]` (missing: the default, follow).
    pub actions: Vec<Action>,
}

impl Case {
    /// A `fetch` chain with default settings and no caller actions.
    pub fn fetch(
        method: Method,
        url: &str,
        headers: &[(&str, &[u8])],
        body: Body,
        responses: &[&[u8]],
    ) -> Case {
        Case {
            method,
            url: url.to_string(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_vec()))
                .collect(),
            body,
            rules: &Rules::FETCH,
            max_redirects: None,
            extra_credential: None,
            https_upgrade: false,
            trusted: None,
            unreplayable_final: false,
            referrer: None,
            referrer_policy: None,
            auto_referer: false,
            blocked_ports: None,
            hsts_hosts: Vec::new(),
            learn_hsts: None,
            curl_request: None,
            block_private: None,
            responses: responses.iter().map(|r| r.to_vec()).collect(),
            actions: Vec::new(),
        }
    }

    pub fn policy(&self) -> Policy {
        let mut p = Policy::new(self.rules);
        if let Some(n) = self.max_redirects {
            p = p.with_max_redirects(n);
        }
        if let Some(name) = &self.extra_credential {
            p = p.with_credential_header(name).expect("a token");
        }
        if self.https_upgrade {
            p = p.with_credential_rule(CredentialRule::SameOriginOrHttpsUpgrade);
        }
        if let Some(t) = &self.trusted {
            p = p.with_trusted_origin(t).expect("an origin");
        }
        if self.unreplayable_final {
            p = p.with_unreplayable_body(UnreplayableBody::Final);
        }
        // The new values' documented defaults, before they are changed.
        let fetchlike = !self.curl();
        assert_eq!(
            p.referrer_policy(),
            ReferrerPolicy::StrictOriginWhenCrossOrigin
        );
        assert!(!p.auto_referer(), "auto referer by default");
        assert_eq!(p.blocked_ports(), fetchlike, "bad-port blocking by default");
        assert_eq!(p.learn_hsts(), fetchlike, "HSTS learning by default");
        if let Some(rp) = self.referrer_policy {
            p = p.with_referrer_policy(rp);
        }
        if self.auto_referer {
            p = p.with_auto_referer(true);
        }
        if let Some(b) = self.blocked_ports {
            p = p.with_blocked_ports(b);
        }
        for (host, include) in &self.hsts_hosts {
            let refused = hsts_host_name(host).is_none();
            match p.clone().with_hsts_host(host, *include) {
                Ok(q) if !refused => p = q,
                Err(e) if refused => {
                    assert_eq!(e, Error::InvalidPolicy(InvalidPolicy::HstsHost), "{host}")
                }
                other => panic!("with_hsts_host({host:?}): {other:?}"),
            }
        }
        if let Some(l) = self.learn_hsts {
            p = p.with_learn_hsts(l);
        }
        assert_eq!(
            p.block_private_targets(),
            self.profile() == "strict",
            "private-target blocking by default"
        );
        if let Some(b) = self.block_private {
            p = p.with_block_private_targets(b);
        }
        p
    }

    /// The first request: method, URL, the caller's fields in order, the referrer, the
    /// body and how curl sent it (`Follow::new` decides whether it is valid).
    pub fn request(&self) -> Request {
        let mut req = Request::new(self.method, &self.url).expect("valid first URL");
        for (n, v) in &self.headers {
            req = req.header(n, v).expect("valid header");
        }
        if let Some(r) = &self.referrer {
            req = req.referrer(r).expect("a referrer URL");
            assert_eq!(req.referrer_str(), Some(r.as_str()));
        }
        let mut req = req.body(self.body);
        if let Some((src, forced)) = self.curl_request {
            let body = [CurlBody::None, CurlBody::Data, CurlBody::Upload][usize::from(src % 3)];
            req = req.curl(CurlRequest {
                body,
                forced_method: forced,
            });
        }
        req
    }

    /// Whether redirects into a less public address space are refused.
    fn blocking_private(&self) -> bool {
        self.block_private.unwrap_or(self.profile() == "strict")
    }

    /// How curl sends the first request: (body source 0 none / 1 `-d` / 2 `-T`, `-X`). The
    /// command line a user would type unless the case says: GET `curl URL`, HEAD `-I`,
    /// POST `-d`, PUT with a body `-T`, any other method `-X METHOD [-d BODY]`.
    fn curl_command(&self) -> (u8, bool) {
        if let Some(c) = self.curl_request {
            return c;
        }
        let body = self.body != Body::None;
        match self.method {
            Method::Get | Method::Head => (0, false),
            Method::Post => (1, false),
            Method::Put if body => (2, false),
            _ if body => (1, true),
            _ => (0, true),
        }
    }

    /// Whether redirects to Fetch's bad ports are blocked.
    fn blocking(&self) -> bool {
        self.blocked_ports.unwrap_or(!self.curl())
    }

    /// Whether HSTS hosts are learned from the chain's `https` responses.
    fn learning(&self) -> bool {
        self.learn_hsts.unwrap_or(!self.curl())
    }

    /// The profile, by its documented name.
    fn profile(&self) -> &'static str {
        self.rules.name()
    }

    fn curl(&self) -> bool {
        self.profile() == "curl"
    }
}

fn eq_any(name: &str, list: &[&str]) -> bool {
    list.iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// The three credential headers the Fetch standard names.
pub fn is_fetch_credential(name: &str) -> bool {
    eq_any(name, &["authorization", "cookie", "proxy-authorization"])
}

/// Headers bound to the origin they were set for (the crate's documented list).
fn is_credential(name: &str) -> bool {
    eq_any(
        name,
        &[
            "authorization",
            "cookie",
            "cookie2",
            "www-authenticate",
            "host",
            "proxy-authorization",
            "proxy-authenticate",
            "proxy-authentication-info",
        ],
    )
}

fn is_proxy_credential(name: &str) -> bool {
    eq_any(
        name,
        &[
            "proxy-authorization",
            "proxy-authenticate",
            "proxy-authentication-info",
        ],
    )
}

fn is_body_header(name: &str) -> bool {
    eq_any(
        name,
        &[
            "content-type",
            "content-encoding",
            "content-language",
            "content-location",
            "content-length",
            "transfer-encoding",
            "expect",
        ],
    )
}

fn is_framing_header(name: &str) -> bool {
    eq_any(name, &["content-length", "transfer-encoding", "expect"])
}

/// Why a bound header is not sent: `Host` is bound to its authority, credentials to their
/// origin.
fn removal_reason(name: &str) -> RemovalReason {
    if name.eq_ignore_ascii_case("host") {
        RemovalReason::OtherAuthority
    } else {
        RemovalReason::CrossOrigin
    }
}

/// HTML's "same origin", as `a.origin() == b.origin()` says it, without building the two
/// origins (they allocate; this is on every credential decision of the oracle): a tuple
/// origin for the schemes the URL crate gives one (same scheme, host and port, the
/// scheme's default port counted), the URL crate's own answer for `blob:` and any other
/// scheme (opaque origins are never equal).
fn same_origin(a: &Url, b: &Url) -> bool {
    match a.scheme() {
        "http" | "https" | "ws" | "wss" | "ftp" => {
            a.scheme() == b.scheme()
                && a.host() == b.host()
                && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => a.origin() == b.origin(),
    }
}

// ---------------------------------------------------------------------------------------
// The referrer, taint, port and HSTS rules, each written from its spec (not from the crate): referrers (W3C
// Referrer Policy, Fetch), redirect-taint (Fetch), bad ports (Fetch), HSTS (RFC 6797,
// Fetch main fetch).

/// Referrer Policy §3: the eight policies, by token.
pub const REFERRER_POLICIES: [(&str, ReferrerPolicy); 8] = [
    ("no-referrer", ReferrerPolicy::NoReferrer),
    (
        "no-referrer-when-downgrade",
        ReferrerPolicy::NoReferrerWhenDowngrade,
    ),
    ("same-origin", ReferrerPolicy::SameOrigin),
    ("origin", ReferrerPolicy::Origin),
    ("strict-origin", ReferrerPolicy::StrictOrigin),
    (
        "origin-when-cross-origin",
        ReferrerPolicy::OriginWhenCrossOrigin,
    ),
    (
        "strict-origin-when-cross-origin",
        ReferrerPolicy::StrictOriginWhenCrossOrigin,
    ),
    ("unsafe-url", ReferrerPolicy::UnsafeUrl),
];

/// WICG Private Network Access address spaces, least public first (the model's own, so
/// that the crate's `AddressSpace` is checked against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Space {
    Local,
    Private,
    Public,
}

/// The space of a URL's host, from the PNA table (IPv4-mapped addresses take their IPv4
/// address's space; `localhost` and `*.localhost` are local, RFC 6761; `0.0.0.0/8` and `::`
/// reach the host: local, as the crate documents), written out from the RFCs' blocks.
pub fn space_of(url: &Url) -> Space {
    fn v4(o: [u8; 4]) -> Space {
        let n = u32::from_be_bytes(o);
        let within =
            |base: [u8; 4], bits: u32| n >> (32 - bits) == u32::from_be_bytes(base) >> (32 - bits);
        if within([127, 0, 0, 0], 8) || within([0, 0, 0, 0], 8) {
            Space::Local
        } else if within([10, 0, 0, 0], 8)
            || within([100, 64, 0, 0], 10)
            || within([172, 16, 0, 0], 12)
            || within([192, 168, 0, 0], 16)
            || within([169, 254, 0, 0], 16)
            || within([198, 18, 0, 0], 15)
        {
            Space::Private
        } else {
            Space::Public
        }
    }
    let Some(host) = url.host_str() else {
        return Space::Public;
    };
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return v4(ip.octets());
    }
    if let Some(ip) = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<std::net::Ipv6Addr>().ok())
    {
        let seg = ip.segments();
        return if seg[..5] == [0; 5] && seg[5] == 0xffff {
            let [a, b] = seg[6].to_be_bytes();
            let [c, d] = seg[7].to_be_bytes();
            v4([a, b, c, d])
        } else if seg == [0, 0, 0, 0, 0, 0, 0, 1] || seg == [0; 8] {
            Space::Local
        } else if seg[0] & 0xfe00 == 0xfc00 || seg[0] & 0xffc0 == 0xfe80 {
            Space::Private
        } else {
            Space::Public
        };
    }
    let d = host.trim_end_matches('.').to_ascii_lowercase();
    if d == "localhost" || d.ends_with(".localhost") {
        Space::Local
    } else {
        Space::Public
    }
}

/// Fetch, "port blocking": the first column of the bad-port table.
pub const FETCH_BAD_PORTS: [u16; 83] = [
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
    102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427,
    465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990,
    993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667,
    6668, 6669, 6679, 6697, 10080,
];

/// Fetch, "should request be blocked due to a bad port": an HTTP(S) URL whose port (null
/// for the scheme's default) is a bad port. The port, if so.
pub fn bad_port(url: &Url) -> Option<u16> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.port().filter(|p| FETCH_BAD_PORTS.contains(p))
}

/// Secure Contexts, "is url potentially trustworthy": `about:blank`, `about:srcdoc` and
/// `data:` URLs; else the origin: `https`/`wss`, a loopback address (127.0.0.0/8, ::1),
/// `localhost` and `*.localhost` (with or without a final dot). Opaque origins are not.
fn potentially_trustworthy(u: &Url) -> bool {
    if matches!(u.as_str(), "about:blank" | "about:srcdoc") || u.scheme() == "data" {
        return true;
    }
    if !u.origin().is_tuple() {
        return false;
    }
    if matches!(u.scheme(), "https" | "wss") {
        return true;
    }
    match u.host_str() {
        Some(h) if h.starts_with('[') => h == "[::1]",
        Some(h) => {
            let dotless = h.strip_suffix('.').unwrap_or(h);
            if dotless == "localhost" || dotless.ends_with(".localhost") {
                return true;
            }
            // An IPv4 host is serialized as four decimal numbers.
            h.parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.octets()[0] == 127)
        }
        None => false,
    }
}

/// Referrer Policy §8.4, "strip url for use as a referrer": no referrer for a local scheme;
/// else without username, password and fragment, and with the origin-only flag without
/// path and query.
fn strip_for_referrer(url: &Url, origin_only: bool) -> Option<Url> {
    if matches!(url.scheme(), "about" | "blob" | "data") {
        return None;
    }
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_fragment(None);
    if origin_only {
        u.set_path("");
        u.set_query(None);
    }
    Some(u)
}

/// What "determine request's referrer" returned, and which branch of §8.3 step 7 said so.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Determined {
    /// The referrer the request carries (and the request's referrer from then on).
    url: Option<Url>,
    /// `referrerOrigin` was returned, or `referrerURL` after the 4096-byte cut.
    origin_only: bool,
    why: ReferrerWhy,
}

/// Referrer Policy §8.3, "determine request's referrer", for a request to `target` whose
/// referrer is `source`, under `policy`.
fn determine_referrer(source: &Url, policy: ReferrerPolicy, target: &Url) -> Determined {
    use ReferrerPolicy as P;
    let none = |why| Determined {
        url: None,
        origin_only: false,
        why,
    };
    let (Some(full), Some(origin)) = (
        strip_for_referrer(source, false),
        strip_for_referrer(source, true),
    ) else {
        return none(ReferrerWhy::Policy);
    };
    // Step 6: a referrerURL longer than 4096 bytes is its origin.
    let too_long = full.as_str().len() > 4096;
    let referrer_url = |why| Determined {
        url: Some(if too_long {
            origin.clone()
        } else {
            full.clone()
        }),
        origin_only: too_long,
        why: if too_long { ReferrerWhy::TooLong } else { why },
    };
    let referrer_origin = |why| Determined {
        url: Some(origin.clone()),
        origin_only: true,
        why,
    };
    let same = full.origin() == target.origin();
    let downgrade = potentially_trustworthy(&full) && !potentially_trustworthy(target);
    match policy {
        P::NoReferrer => none(ReferrerWhy::Policy),
        P::Origin => referrer_origin(ReferrerWhy::Policy),
        P::UnsafeUrl => referrer_url(ReferrerWhy::Policy),
        P::StrictOrigin if downgrade => none(ReferrerWhy::Downgrade),
        P::StrictOrigin => referrer_origin(ReferrerWhy::Policy),
        P::StrictOriginWhenCrossOrigin | P::SameOrigin | P::OriginWhenCrossOrigin if same => {
            referrer_url(ReferrerWhy::SameOrigin)
        }
        P::StrictOriginWhenCrossOrigin if downgrade => none(ReferrerWhy::Downgrade),
        P::StrictOriginWhenCrossOrigin | P::OriginWhenCrossOrigin => {
            referrer_origin(ReferrerWhy::CrossOrigin)
        }
        P::SameOrigin => none(ReferrerWhy::CrossOrigin),
        P::NoReferrerWhenDowngrade if downgrade => none(ReferrerWhy::Downgrade),
        P::NoReferrerWhenDowngrade => referrer_url(ReferrerWhy::Policy),
    }
}

/// Fetch, "get, decode, and split" a header's values (combined with ", "): split on commas
/// outside HTTP quoted strings, each piece trimmed of spaces and tabs.
fn get_decode_split(values: &[&[u8]]) -> Vec<Vec<u8>> {
    let input: Vec<u8> = values.join(&b", "[..]);
    let mut out = Vec::new();
    let mut pos = 0;
    let mut temp = Vec::new();
    loop {
        while pos < input.len() && input[pos] != b'"' && input[pos] != b',' {
            temp.push(input[pos]);
            pos += 1;
        }
        if pos < input.len() && input[pos] == b'"' {
            // Collect an HTTP quoted string, quotes and escapes kept.
            let start = pos;
            pos += 1;
            loop {
                while pos < input.len() && input[pos] != b'"' && input[pos] != b'\\' {
                    pos += 1;
                }
                if pos >= input.len() {
                    break;
                }
                let c = input[pos];
                pos += 1;
                if c == b'\\' {
                    if pos >= input.len() {
                        break;
                    }
                    pos += 1;
                } else {
                    break;
                }
            }
            temp.extend_from_slice(&input[start..pos]);
            if pos < input.len() {
                continue;
            }
        }
        out.push(trim_sp_htab(&temp).to_vec());
        temp.clear();
        if pos >= input.len() {
            return out;
        }
        pos += 1;
    }
}

/// Referrer Policy §8.1, "parse a referrer policy from a Referrer-Policy header": the last
/// token that is a referrer policy (compared exactly), `None` if there is none.
fn referrer_policy_of(response: &Head) -> Option<ReferrerPolicy> {
    let values: Vec<&[u8]> = response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("referrer-policy"))
        .map(|(_, v)| v.as_slice())
        .collect();
    if values.is_empty() {
        return None;
    }
    get_decode_split(&values)
        .iter()
        .filter_map(|t| {
            REFERRER_POLICIES
                .iter()
                .find(|(tok, _)| tok.as_bytes() == t.as_slice())
                .map(|&(_, p)| p)
        })
        .next_back()
}

/// RFC 9110 tchar.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 6797 §6.1: a `Strict-Transport-Security` value, `directive *( ";" [ directive ] )`
/// with `directive = token [ "=" ( token / quoted-string ) ]` and implied whitespace;
/// names without case, each at most once; `max-age` required (delta-seconds, quoted or
/// not), `includeSubDomains` valueless; unknown directives ignored. `None` for a value
/// that does not conform (the UA ignores the field). Else (max-age > 0, includeSubDomains).
fn parse_sts(value: &[u8]) -> Option<(bool, bool)> {
    let ows = |v: &[u8], mut i: usize| {
        while i < v.len() && (v[i] == b' ' || v[i] == b'\t') {
            i += 1;
        }
        i
    };
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut max_age: Option<bool> = None;
    let mut include = false;
    let mut i = 0;
    loop {
        i = ows(value, i);
        if i < value.len() && value[i] != b';' {
            // A directive: its name.
            let start = i;
            while i < value.len() && is_tchar(value[i]) {
                i += 1;
            }
            if i == start {
                return None;
            }
            let name = value[start..i].to_ascii_lowercase();
            i = ows(value, i);
            let mut arg: Option<Vec<u8>> = None;
            if i < value.len() && value[i] == b'=' {
                i = ows(value, i + 1);
                let mut v = Vec::new();
                if i < value.len() && value[i] == b'"' {
                    i += 1;
                    loop {
                        match value.get(i) {
                            None => return None,
                            Some(b'"') => break,
                            Some(b'\\') => {
                                v.push(*value.get(i + 1)?);
                                i += 2;
                            }
                            Some(&c) => {
                                v.push(c);
                                i += 1;
                            }
                        }
                    }
                    i += 1;
                } else {
                    let start = i;
                    while i < value.len() && is_tchar(value[i]) {
                        i += 1;
                    }
                    if i == start {
                        return None;
                    }
                    v.extend_from_slice(&value[start..i]);
                }
                arg = Some(v);
                i = ows(value, i);
            }
            if names.contains(&name) {
                return None;
            }
            match (&name[..], arg) {
                (b"max-age", Some(v)) if !v.is_empty() && v.iter().all(u8::is_ascii_digit) => {
                    max_age = Some(v.iter().any(|&d| d != b'0'));
                }
                (b"max-age", _) => return None,
                (b"includesubdomains", None) => include = true,
                (b"includesubdomains", Some(_)) => return None,
                _ => {}
            }
            names.push(name);
        }
        if i >= value.len() {
            break;
        }
        if value[i] != b';' {
            return None;
        }
        i += 1;
    }
    Some((max_age?, include))
}

/// The domain an HSTS host names, as RFC 6797 compares it: the URL parser's host (lower
/// case, IDNA), without a final dot; `None` for an IP address or no host.
fn hsts_host_name(host: &str) -> Option<String> {
    let u = Url::parse(&format!("http://{host}/")).ok()?;
    domain_of(&u)
}

/// A URL's host as a domain for HSTS (no final dot); `None` for IP addresses.
fn domain_of(u: &Url) -> Option<String> {
    let h = u.host_str()?;
    if h.starts_with('[') || h.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    Some(h.strip_suffix('.').unwrap_or(h).to_string())
}

/// The model of one request header.
#[derive(Debug, Clone)]
struct MField {
    name: String,
    value: Vec<u8>,
    /// The URL of the request it was set for.
    set_for: Url,
    /// The request it was added to: 0 for the first, `n` when the caller added it to the
    /// request redirect `n` proposed.
    added: u32,
    /// Removed for good: why, and on which redirect.
    removed: Option<(RemovalReason, u32)>,
    /// Written by the machine (`Referer`, `Origin: null`), after the caller's fields as
    /// they stood then; never listed by `removed_headers`.
    machine: bool,
}

/// Fetch's request referrer, as main fetch leaves it after each request.
#[derive(Debug, Clone)]
enum MRef {
    /// The caller gave none: no request has a `Referer`.
    Never,
    /// A URL; `cut` once a request carried only its origin (it is that origin from then
    /// on, and stays so).
    Url { url: Url, cut: bool },
    /// A request went without one: "no-referrer" from then on.
    Gone,
}

/// The known HSTS hosts: (domain, includeSubDomains, who said so).
type Known = Vec<(String, bool, HstsSource)>;

/// Where a redirect goes, as Fetch computes it before the machine is asked.
struct Target {
    /// The Location's URL (fragment inherited), before any HSTS upgrade.
    location: Url,
    /// The URL requested: `location` upgraded to `https` on a known HSTS host.
    url: Url,
    /// Who said the host requires https (every matching entry), if it was upgraded.
    sources: Vec<HstsSource>,
    /// The known hosts after this response's `Strict-Transport-Security`.
    known: Known,
}

/// What the next request must look like, kept independently of the machine.
struct Model<'c> {
    case: &'c Case,
    first: Url,
    current: Url,
    /// The URL the current request's Location named, before an HSTS upgrade (the first
    /// request's own URL for the first request): Fetch compares credentials and the
    /// referrer with it.
    location: Url,
    method: Method,
    /// The body is still attached (the caller sends it).
    body: bool,
    fields: Vec<MField>,
    /// Redirects followed.
    count: u32,
    /// (status, URL that answered) per redirect followed.
    history: Vec<(u16, String)>,
    referrer: MRef,
    /// The request's referrer policy now.
    ref_policy: ReferrerPolicy,
    known: Known,
    /// Fetch's request origin (`None` inside: opaque), when the caller set `Origin` and
    /// the rules null it once the chain is redirect-tainted.
    request_origin: Option<Option<Url>>,
    tainted: bool,
    /// What `referrer_decision` says on the redirect proposed now.
    decision: Option<ReferrerDecision>,
    /// The sources `hsts_upgrade` may name on the redirect proposed now (none: no upgrade).
    upgrade: Vec<HstsSource>,
    /// libcurl's request kind by its body source (0 GET, 1 POST `-d`, 2 PUT `-T`) and
    /// whether the method was forced with `-X`.
    curl_src: u8,
    curl_forced: bool,
    /// The address space of the first URL (private-target blocking).
    space: Space,
    /// The policy's trusted origin, parsed once.
    trusted: Option<Url>,
}

/// RFC 6797 §8.2 as Fetch's main fetch uses it: every known host that matches `url`'s
/// host (a domain whose public suffix is not `localhost`) congruently, or as a superdomain
/// with includeSubDomains.
fn hsts_matches(known: &Known, url: &Url) -> Vec<HstsSource> {
    let Some(host) = domain_of(url) else {
        return Vec::new();
    };
    if host == "localhost" || host.ends_with(".localhost") {
        return Vec::new();
    }
    known
        .iter()
        .filter(|(k, include, _)| *k == host || (*include && host.ends_with(&format!(".{k}"))))
        .map(|&(_, _, source)| source)
        .collect()
}

/// RFC 6797 §8.3: the URI with scheme `https`, an explicit port 80 made 443 (the URL
/// parser never keeps 80 for `http`), any other port kept.
fn https_of(url: &Url) -> Url {
    let rest = &url.as_str()[url.scheme().len()..];
    Url::parse(&format!("https{rest}")).expect("an https URL")
}

/// RFC 6797 §8.1: the first `Strict-Transport-Security` field of a response received over
/// https from `url` (a domain, not an IP literal): `max-age=0` forgets the host, another
/// valid value notes it (or updates it); an invalid value is ignored. What the policy
/// lists is the caller's preload list: a response neither removes nor narrows it (the
/// crate's documented choice, as browsers keep preloaded hosts).
fn learn_hsts(known: &mut Known, url: &Url, response: &Head) {
    if url.scheme() != "https" {
        return;
    }
    let Some(host) = domain_of(url) else {
        return;
    };
    let Some((_, value)) = response
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("strict-transport-security"))
    else {
        return;
    };
    let Some((keep, include)) = parse_sts(value) else {
        return;
    };
    known.retain(|(k, _, source)| *source == HstsSource::Policy || *k != host);
    if keep {
        known.push((host, include, HstsSource::Learned));
    }
}

/// A header list, readable.
fn show(h: &[(String, Vec<u8>)]) -> String {
    h.iter()
        .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v)))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn is_named(name: &str, what: &str) -> bool {
    name.eq_ignore_ascii_case(what)
}

/// The referrer a caller-set `Referer` value names: its URL, or none if it is not one.
fn referrer_of_field(value: &[u8]) -> MRef {
    match std::str::from_utf8(value).ok().map(Url::parse) {
        Some(Ok(url)) => MRef::Url { url, cut: false },
        _ => MRef::Gone,
    }
}

impl Model<'_> {
    fn credential(&self, name: &str) -> bool {
        is_credential(name)
            || self
                .case
                .extra_credential
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(name))
    }

    /// Whether a credential set for `from` may go to `to` under the case's policy. A
    /// caller-set `Host` goes only to the same host and port, whatever the policy.
    fn allowed(&self, name: &str, from: &Url, to: &Url) -> bool {
        if name.eq_ignore_ascii_case("host") {
            return from.host_str() == to.host_str()
                && from.port_or_known_default() == to.port_or_known_default();
        }
        if same_origin(from, to) {
            return true;
        }
        if is_proxy_credential(name) {
            return false;
        }
        let trusted = self.trusted.as_ref().is_some_and(|t| same_origin(t, to));
        let upgrade = self.case.https_upgrade
            && from.scheme() == "http"
            && to.scheme() == "https"
            && from.host().is_some()
            && from.host() == to.host()
            && from.port().is_none()
            && to.port().is_none();
        trusted || upgrade
    }

    /// Under curl, a credential not removed for good is left out of a request its rule
    /// does not allow (and sent again on a later one it does).
    fn withheld(&self, f: &MField) -> bool {
        // A field set for the current request goes with it.
        self.case.curl()
            && f.added != self.count
            && f.removed.is_none()
            && self.credential(&f.name)
            && !self.allowed(&f.name, &f.set_for, &self.current)
    }

    fn sent_fields(&self) -> impl Iterator<Item = &MField> + '_ {
        self.fields
            .iter()
            .filter(|f| f.removed.is_none() && !self.withheld(f))
    }

    fn sent(&self) -> Vec<(String, Vec<u8>)> {
        self.sent_fields()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect()
    }

    /// What `removed_headers` lists on the proposed redirect `self.count`: every field
    /// not sent, with why and when; a withheld curl credential as removed on this one.
    /// A name the request still carries in a caller's field is not listed (the list is
    /// what the next request does not carry).
    fn removed(&self) -> Removed {
        let n = self.count;
        let carried = |name: &str| {
            self.sent_fields()
                .any(|g| !g.machine && g.name.eq_ignore_ascii_case(name))
        };
        self.fields
            .iter()
            .filter(|f| !f.machine && !carried(&f.name))
            .filter_map(|f| {
                let (reason, at) = match f.removed {
                    Some(r) => r,
                    None if self.withheld(f) => (removal_reason(&f.name), n),
                    None => return None,
                };
                Some((f.name.clone(), reason, at, at != n))
            })
            .collect()
    }

    fn is_redirect(&self, status: u16) -> bool {
        if self.case.curl() {
            (300..400).contains(&status)
        } else {
            matches!(status, 301 | 302 | 303 | 307 | 308)
        }
    }

    /// Whether a `status` redirect needs the streamed body again (Fetch: any but 303; curl:
    /// unless the method is rewritten).
    fn streamed_body_needed(&self, status: u16) -> bool {
        let needs_body = if self.case.curl() {
            self.rewrite(status).is_none()
        } else {
            status != 303
        };
        self.case.body == Body::Streamed && self.body && needs_body
    }

    /// The method after a `status` redirect, if it rewrites it (and drops the body), and
    /// the rule.
    fn rewrite(&self, status: u16) -> Option<(Method, MethodRule)> {
        if self.case.curl() {
            // libcurl, lib/http.c `Curl_http_follow`: the POST kind switches to GET on
            // 301/302, every kind but GET on 303 (`-I` is the HEAD kind); a method given
            // with `-X` sticks ("Stick to PUT instead of GET"), `-I` stays HEAD.
            let head = self.method == Method::Head && !self.curl_forced;
            let switch = match status {
                301 | 302 => self.curl_src == 1,
                303 => self.curl_src != 0 || head,
                _ => false,
            };
            let next = if self.curl_forced {
                (self.method, MethodRule::CurlStickToMethod)
            } else if head {
                (Method::Head, MethodRule::CurlSwitchToGet)
            } else {
                (Method::Get, MethodRule::CurlSwitchToGet)
            };
            return switch.then_some(next);
        }
        match (status, self.method) {
            (301 | 302, Method::Post) => Some((Method::Get, MethodRule::PostToGet)),
            (303, Method::Head) => Some((Method::Head, MethodRule::SeeOther)),
            (303, _) => Some((Method::Get, MethodRule::SeeOther)),
            _ => None,
        }
    }

    /// `remove_header(name)` on the proposed redirect: every field of that name that is
    /// not removed yet goes, for good; one the caller added to this same request goes
    /// outright (it was never sent, so it is not listed as removed). Returns how many the
    /// request carried.
    fn remove(&mut self, name: &str) -> usize {
        let n = self.count;
        let carried = self
            .sent_fields()
            .filter(|f| f.name.eq_ignore_ascii_case(name))
            .count();
        self.fields.retain_mut(|f| {
            if f.removed.is_some() || !f.name.eq_ignore_ascii_case(name) {
                return true;
            }
            if f.added == n {
                return false;
            }
            f.removed = Some((RemovalReason::Caller, n));
            true
        });
        carried
    }

    /// `append_header` on the proposed redirect: set for the next request's origin.
    fn append(&mut self, name: &str, value: &[u8]) {
        self.fields.push(MField {
            name: name.to_string(),
            value: value.to_vec(),
            set_for: self.current.clone(),
            added: self.count,
            removed: None,
            machine: false,
        });
    }

    /// A field the machine writes for the current request, after every field there is.
    fn write(&mut self, name: &str, value: &[u8]) {
        self.append(name, value);
        self.fields.last_mut().expect("just pushed").machine = true;
    }

    /// Where the redirect `response` goes (`None` if it has no usable Location): the
    /// Location's URL, resolved against the current URL, with its fragment (Fetch: the
    /// current one when it has none; not under curl), then the HSTS upgrade after this
    /// response's `Strict-Transport-Security` is learned.
    fn target(&self, response: &Head) -> Option<Target> {
        let locations: Vec<&[u8]> = response
            .headers
            .iter()
            .filter(|(n, _)| is_named(n, "location"))
            .map(|(_, v)| trim_sp_htab(v))
            .filter(|v| !v.is_empty())
            .collect();
        let first = *locations.first()?;
        if locations.iter().any(|l| *l != first) {
            return None;
        }
        let mut location = resolve_location(&self.current, first).ok()?;
        if self.case.curl() {
            curl_parts(&mut location);
        } else if location.fragment().is_none() {
            location.set_fragment(self.current.fragment());
        }
        let mut known = self.known.clone();
        if self.case.learning() {
            learn_hsts(&mut known, &self.current, response);
        }
        let sources = if location.scheme() == "http" {
            hsts_matches(&known, &location)
        } else {
            Vec::new()
        };
        let url = if sources.is_empty() {
            location.clone()
        } else {
            https_of(&location)
        };
        Some(Target {
            location,
            url,
            sources,
            known,
        })
    }

    /// The `Referer` of request `n`, whose redirect `response` came from `from`.
    ///
    /// Fetch and strict: the 3xx's `Referrer-Policy` sets the policy ("set request's
    /// referrer policy on redirect"); a caller-set `Referer` (sent as it is on the first
    /// request) is the referrer now and is replaced; then "determine request's referrer"
    /// against the Location's URL (main fetch runs it before the HSTS upgrade), whose
    /// result is the referrer from then on.
    ///
    /// curl: the caller's `Referer` field, or the `--referer` value, goes on as it is;
    /// with `;auto` (and no `Referer` field of the caller's) the previous URL, without
    /// userinfo and fragment (curl's `Curl_follow`).
    fn referer_on_redirect(&mut self, response: &Head, from: &Url, n: u32) {
        let case = self.case;
        let configured = case
            .referrer_policy
            .unwrap_or(ReferrerPolicy::StrictOriginWhenCrossOrigin);
        self.decision = None;
        if case.curl() {
            let custom = self
                .fields
                .iter()
                .any(|f| is_named(&f.name, "referer") && !f.machine && f.removed.is_none());
            if custom {
                return;
            }
            if !case.auto_referer {
                // `--referer URL`: the same value on every request, reported as such.
                let fixed = self
                    .fields
                    .iter()
                    .any(|f| f.machine && is_named(&f.name, "referer") && f.removed.is_none());
                self.decision = fixed.then_some(ReferrerDecision {
                    policy: configured,
                    sent: ReferrerSent::Url,
                    why: ReferrerWhy::CurlFixed,
                });
                return;
            }
            let mut prev = from.clone();
            let _ = prev.set_username("");
            let _ = prev.set_password(None);
            prev.set_fragment(None);
            curl_parts(&mut prev);
            for f in &mut self.fields {
                if f.machine && is_named(&f.name, "referer") && f.removed.is_none() {
                    f.removed = Some((RemovalReason::Recomputed, n));
                }
            }
            self.write("Referer", prev.as_str().as_bytes());
            self.decision = Some(ReferrerDecision {
                policy: configured,
                sent: ReferrerSent::Url,
                why: ReferrerWhy::CurlAuto,
            });
            return;
        }
        if let Some(p) = referrer_policy_of(response) {
            self.ref_policy = p;
        }
        let mut caller = None;
        for f in &mut self.fields {
            if is_named(&f.name, "referer") && f.removed.is_none() {
                if !f.machine && caller.is_none() {
                    caller = Some(f.value.clone());
                }
                f.removed = Some((RemovalReason::Recomputed, n));
            }
        }
        if let Some(v) = caller {
            self.referrer = referrer_of_field(&v);
        }
        let policy = self.ref_policy;
        let (d, cut) = match &self.referrer {
            MRef::Never => return,
            MRef::Gone => (
                Determined {
                    url: None,
                    origin_only: false,
                    why: ReferrerWhy::Earlier,
                },
                false,
            ),
            MRef::Url { url, cut } => (determine_referrer(url, policy, &self.location), *cut),
        };
        let sent = match (&d.url, d.origin_only || cut) {
            (None, _) => ReferrerSent::None,
            (Some(_), true) => ReferrerSent::Origin,
            (Some(_), false) => ReferrerSent::Url,
        };
        // Cut earlier, the full referrer is that origin: it stays an origin.
        let why = if cut && d.url.is_some() && !d.origin_only {
            ReferrerWhy::Earlier
        } else {
            d.why
        };
        self.decision = Some(ReferrerDecision { policy, sent, why });
        self.referrer = match d.url {
            Some(url) => {
                self.write("Referer", url.as_str().as_bytes());
                MRef::Url {
                    url,
                    cut: sent == ReferrerSent::Origin,
                }
            }
            None => MRef::Gone,
        };
    }

    /// Fetch "redirect-taint" and "serializing a request origin": once a hop goes from a
    /// URL whose origin is not the request's to another origin, every caller-set `Origin`
    /// is replaced by `Origin: null`, for the rest of the chain.
    fn taint_on_redirect(&mut self, from: &Url, n: u32) {
        let Some(origin) = &self.request_origin else {
            return;
        };
        let origin_is_from = origin.as_ref().is_some_and(|o| same_origin(o, from));
        self.tainted |= !same_origin(from, &self.current) && !origin_is_from;
        if !self.tainted {
            return;
        }
        // Every caller-set `Origin` still sent (set first, or added by the caller on a
        // later redirect) becomes `Origin: null`.
        let mut nulled = false;
        for f in &mut self.fields {
            if is_named(&f.name, "origin") && !f.machine && f.removed.is_none() {
                f.removed = Some((RemovalReason::RedirectTainted, n));
                nulled = true;
            }
        }
        let has_null = self
            .fields
            .iter()
            .any(|f| f.machine && is_named(&f.name, "origin") && f.removed.is_none());
        if nulled && !has_null {
            self.write("Origin", b"null");
        }
    }

    /// Checks a request against the model.
    fn check_request(&self, r: redirects::OutgoingRequest<'_>, when: &str) {
        assert_eq!(r.url(), &self.current, "{when}: URL");
        assert_eq!(r.method(), self.method, "{when}: method");
        assert_eq!(r.sends_body(), self.body, "{when}: send_body");
        // Compared in place (this runs several times per redirect); the lists are built
        // only to say how they differ.
        let same = r.headers().eq(self
            .sent_fields()
            .map(|f| (f.name.as_str(), f.value.as_slice())));
        if !same {
            let headers: Vec<(String, Vec<u8>)> = r
                .headers()
                .map(|(n, v)| (n.to_string(), v.to_vec()))
                .collect();
            panic!(
                "{when}: header list\n  machine: {}\n  model:   {}",
                show(&headers),
                show(&self.sent())
            );
        }
        // A credential goes only where its rule lets it go from the origin it was set
        // for: the first request's (the Fetch three from the first request, checked
        // against the first URL itself), or the one the caller named it on.
        for (n, v) in r.headers() {
            if is_fetch_credential(n)
                && self
                    .case
                    .headers
                    .iter()
                    .any(|(cn, cv)| cn.eq_ignore_ascii_case(n) && cv == v)
            {
                assert!(
                    self.allowed(n, &self.first, &self.current),
                    "{when}: credential {n} sent to {}, first origin {}",
                    self.current,
                    self.first
                );
            }
        }
        for f in self.sent_fields() {
            // (A field set for this request goes with it.)
            if self.credential(&f.name) && f.added != self.count {
                assert!(
                    self.allowed(&f.name, &f.set_for, &self.current),
                    "{when}: model: credential {} set for {} sent to {}",
                    f.name,
                    f.set_for,
                    self.current
                );
            }
        }
        let head = r.to_head();
        assert_eq!(head.len(), r.head_len());
        let line_len = head
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or(head.len());
        let line = &head[..line_len];
        assert!(
            line.starts_with(r.method().as_str().as_bytes()) && line.ends_with(b" HTTP/1.1"),
            "{when}: {:?}",
            String::from_utf8_lossy(line)
        );
        assert!(
            !line.contains(&b'#'),
            "{when}: fragment on the wire: {:?}",
            String::from_utf8_lossy(line)
        );
        assert!(head.ends_with(b"\r\n\r\n"));
    }

    /// Checks a `Redirect` handle against the model: the request it proposes, what it
    /// says was removed, how the referrer was decided and whether HSTS upgraded the URL.
    fn check_handle(&self, r: &Redirect<'_>, when: &str) {
        assert_eq!(r.number(), self.count, "{when}: number");
        self.check_request(r.request(), when);
        assert_eq!(removed_of(r), self.removed(), "{when}: removed_headers");
        assert_eq!(
            r.referrer_decision(),
            self.decision,
            "{when}: referrer_decision"
        );
        match r.hsts_upgrade() {
            None => assert!(self.upgrade.is_empty(), "{when}: no hsts_upgrade"),
            Some(u) => assert!(
                self.upgrade.contains(&u.source),
                "{when}: hsts_upgrade {u:?}, known hosts say {:?}",
                self.upgrade
            ),
        }
    }

    /// Whether the current request announces `Expect: 100-continue`.
    fn expects_continue(&self) -> bool {
        expects_continue(
            self.sent_fields()
                .map(|f| (f.name.as_str(), f.value.as_slice())),
        )
    }

    /// The redirect the machine just proposed (`bytes`: the response, as fed): checks what
    /// the handle says against the documented rules and moves the model to the next
    /// request.
    fn step(&mut self, r: &Redirect<'_>, bytes: &[u8], limit: u32, when: &str) {
        let Outcome::Redirect {
            response,
            number,
            from,
            method_change,
            method_rule,
            body_dropped,
            reuse,
            next,
            ..
        } = redirect_outcome(r)
        else {
            unreachable!()
        };
        let case = self.case;
        let status = response.status;
        assert!(
            self.count < limit,
            "{when}: followed with a limit of {limit}"
        );
        assert_eq!(number, self.count + 1, "{when}: number");
        assert!(self.is_redirect(status), "{when}: followed a {status}");
        assert!(
            case.rules.follows(status),
            "{when}: Rules::follows({status})"
        );
        assert_eq!(from, self.current.as_str(), "{when}: from_url");

        let next_url = Url::parse(&next.url).expect("next URL parses");
        assert!(is_followable(&next_url), "{when}: followed to {next_url}");
        assert_reparses(&next_url);
        // Where Fetch goes: the Location, then HSTS; never to a bad port while blocked.
        let target = self
            .target(&response)
            .unwrap_or_else(|| panic!("{when}: followed without a usable Location"));
        assert_eq!(
            next_url.as_str(),
            target.url.as_str(),
            "{when}: the URL followed (Location {}, known HSTS hosts {:?})",
            target.location,
            target.known
        );
        if case.blocking() {
            assert_eq!(
                bad_port(&target.location),
                None,
                "{when}: followed to a bad port"
            );
        }
        if case.blocking_private() {
            assert!(
                space_of(&target.url) >= self.space,
                "{when}: followed into a less public space: {} from {:?}",
                target.url,
                self.space
            );
        }
        if case.profile() == "strict" {
            assert!(
                !(self.current.scheme() == "https" && next_url.scheme() == "http"),
                "{}: followed https -> http",
                case.profile()
            );
        }
        // Reuse: the same origin and a connection that can carry another request (RFC 9112
        // §6.1, §6.3, §9.3; not before a `100` when the request held its body back).
        let keep_alive = keep_alive_for(&response, bytes, self.expects_continue());
        assert_eq!(response.keep_alive, keep_alive, "{when}: keep_alive");
        assert_eq!(
            reuse,
            keep_alive && same_origin(&self.current, &next_url),
            "{when}: can_reuse_connection"
        );
        let n = self.count + 1;

        // Method and body.
        let rewrite = self.rewrite(status);
        // `Rules::next_method` answers by the method alone: under curl, for the command
        // line a user would type with a body.
        if !case.curl() {
            assert_eq!(
                case.rules.next_method(status, self.method),
                rewrite.map(|(m, _)| m),
                "{when}: Rules::next_method({status}, {})",
                self.method
            );
        }
        assert_eq!(
            method_rule,
            rewrite.map(|(_, rule)| rule),
            "{when}: method_rule"
        );
        if self.streamed_body_needed(status) {
            panic!("{when}: a streamed body would be sent again");
        }
        let was_sending = self.body;
        if let Some((to, rule)) = rewrite {
            let changed = to != self.method;
            assert_eq!(
                method_change.map(|c| (c.from, c.to, c.rule)),
                changed.then_some((self.method, to, rule)),
                "{when}: method change"
            );
            assert_eq!(body_dropped, was_sending, "{when}: body_dropped");
            // curl drops its body source on a switch, an empty `-d ''` too: the framing
            // headers describe a body the next request does not have.
            let curl_source = case.curl() && self.curl_src != 0;
            if changed || was_sending || curl_source {
                for f in &mut self.fields {
                    let drop = if case.curl() {
                        is_framing_header(&f.name)
                    } else {
                        is_body_header(&f.name)
                    };
                    if drop && f.removed.is_none() {
                        f.removed = Some((RemovalReason::BodyDropped, n));
                    }
                }
            }
            self.method = to;
            self.body = false;
            // libcurl's request kind is GET after a switch.
            self.curl_src = 0;
        } else {
            assert!(
                method_change.is_none() && !body_dropped,
                "{when}: no rewrite expected"
            );
        }
        if case.body == Body::Streamed {
            assert!(
                !self.body,
                "{when}: model: streamed body still attached after a redirect"
            );
        }

        // Credentials: Fetch removes them for good on the first request they may not go
        // to, comparing with the Location's URL (HTTP-redirect fetch runs before main
        // fetch's HSTS upgrade); a `Host` is compared with the authority requested. curl
        // leaves them out while the request's origin is not theirs.
        if !case.curl() {
            for i in 0..self.fields.len() {
                let f = &self.fields[i];
                let to = if is_named(&f.name, "host") {
                    &target.url
                } else {
                    &target.location
                };
                if f.removed.is_none()
                    && self.credential(&f.name)
                    && !self.allowed(&f.name, &f.set_for, to)
                {
                    self.fields[i].removed = Some((removal_reason(&f.name), n));
                }
            }
        }
        let from = self.current.clone();
        self.history.push((status, self.current.to_string()));
        self.current = next_url;
        self.location = target.location;
        self.known = target.known;
        self.upgrade = target.sources;
        self.count = n;
        self.referer_on_redirect(&response, &from, n);
        self.taint_on_redirect(&from, n);
        self.check_handle(r, when);
    }

    /// Applies the caller's edits through the handle, checking each against the model.
    fn edit(&mut self, r: &mut Redirect<'_>, edits: &[Edit], when: &str) {
        for (j, &e) in edits.iter().enumerate() {
            let value = format!("r{}e{j}", self.count);
            let what = format!("{when}: {e:?}");
            match e {
                Edit::Set(name) => {
                    assert_eq!(r.set_header(name, &value), Ok(()), "{what}");
                    self.remove(name);
                    self.append(name, value.as_bytes());
                }
                Edit::Append(name) => {
                    assert_eq!(r.append_header(name, &value), Ok(()), "{what}");
                    self.append(name, value.as_bytes());
                }
                Edit::Remove(name) => {
                    let want = self.remove(name);
                    assert_eq!(r.remove_header(name), want, "{what}");
                }
                Edit::Invalid => {
                    assert_eq!(
                        r.set_header("Bad Name", "x"),
                        Err(InvalidRequest::HeaderName),
                        "{what}"
                    );
                    assert_eq!(
                        r.set_header("X-Hop", "a\r\nInjected: 1"),
                        Err(InvalidRequest::HeaderValue),
                        "{what}"
                    );
                    assert_eq!(
                        r.append_header("X-Hop", b"a\0b"),
                        Err(InvalidRequest::HeaderValue),
                        "{what}"
                    );
                    // Every control byte but HTAB, as the `http` crate refuses them.
                    for bad in [&b"a\x01b"[..], b"\x1b[0m", b"a\x7f"] {
                        assert_eq!(
                            r.append_header("X-Hop", bad),
                            Err(InvalidRequest::HeaderValue),
                            "{what}"
                        );
                    }
                }
            }
            self.check_handle(r, &what);
        }
    }
}

/// What became of a proposed redirect.
enum Acted {
    /// The caller decides on the handle `pending_redirect` gives back.
    Later,
    /// Followed (`Redirect::follow`): the next request is `Follow::request`.
    Followed,
    /// The handle dropped, the redirect still proposed (`Decision::LateByte`).
    Dropped,
    /// Stopped: the 3xx is final.
    Stopped(Box<Outcome>),
    /// Refused.
    Refused(Error),
}

/// The caller's turn on a handle: its edits, then its decision.
fn act(mut r: Redirect<'_>, action: &Action, m: &mut Model<'_>, when: &str) -> Acted {
    m.edit(&mut r, &action.edits, when);
    match action.decision {
        Decision::Follow => {
            // The handle as edited, then the request it gives.
            m.check_handle(&r, &format!("{when}: before follow"));
            let next = r.follow();
            m.check_request(next, &format!("{when}: Redirect::follow"));
            Acted::Followed
        }
        Decision::LateByte => Acted::Dropped,
        Decision::Stop => Acted::Stopped(Box::new(final_outcome(&r.stop()))),
        Decision::Refuse => Acted::Refused(r.refuse("fuzz")),
    }
}

/// Every call after the chain ended is `InvalidState` (a caller fault), never a panic, and
/// there is no redirect to decide any more.
fn check_ended(follow: &mut Follow, bytes: &[u8]) {
    assert!(follow.is_finished());
    let again = follow.handle_response(bytes).map(|_| ());
    assert_eq!(again, Err(Error::InvalidState), "feed after the end");
    check_fault(&Error::InvalidState);
    assert!(
        follow.pending_redirect(bytes).is_none(),
        "a pending redirect after the end"
    );
    assert!(follow.pending_redirect(b"").is_none());
}

/// libcurl's URL API reports an empty query or fragment as absent unless asked with
/// `CURLU_GET_EMPTY` (lib/urlapi.c, `curl_url_get`); `Curl_follow` and the `;auto` referer
/// ask without it, so a followed URL and the `;auto` `Referer` have neither (the first
/// URL's request target keeps its `?`: lib/url.c asks with the flag).
fn curl_parts(url: &mut Url) {
    if url.query() == Some("") {
        url.set_query(None);
    }
    if url.fragment() == Some("") {
        url.set_fragment(None);
    }
}

/// The model of the first request: its URL upgraded on a host of the policy's HSTS list
/// (main fetch), the caller's fields, then the `Referer` the referrer gives (fetch and
/// strict: "determine request's referrer" against the URL before the upgrade; curl: the
/// `--referer` value as it is), unless the caller set a `Referer` field, which is sent as
/// it is and is the referrer.
fn first_request(case: &Case) -> Model<'_> {
    let given = Url::parse(&case.url).expect("valid first URL");
    let known: Known = case
        .hsts_hosts
        .iter()
        .filter_map(|(h, include)| Some((hsts_host_name(h)?, *include, HstsSource::Policy)))
        .collect();
    let upgrade = if given.scheme() == "http" {
        hsts_matches(&known, &given)
    } else {
        Vec::new()
    };
    let first = if upgrade.is_empty() {
        given.clone()
    } else {
        https_of(&given)
    };
    let caller_referer = case
        .headers
        .iter()
        .find(|(n, _)| is_named(n, "referer"))
        .map(|(_, v)| referrer_of_field(v));
    // FORMAT.md: the request's origin is the one a caller-set `Origin` names (the first
    // such field, when its value is a serialized origin or `null`), else the referrer's
    // origin when given (a caller-set `Referer` that is a URL counts), else the first
    // URL's.
    let caller_origin = case
        .headers
        .iter()
        .find(|(n, _)| is_named(n, "origin"))
        .and_then(|(_, v)| origin_named(v));
    let request_origin = caller_origin.unwrap_or_else(|| {
        Some(match (&caller_referer, &case.referrer) {
            (Some(MRef::Url { url, .. }), _) => url.clone(),
            (None, Some(r)) => Url::parse(r).expect("a referrer URL"),
            _ => first.clone(),
        })
    });
    let mut m = Model {
        case,
        first: first.clone(),
        current: first.clone(),
        // The first request's credentials are set for it: they go with it.
        location: first.clone(),
        method: case.method,
        body: case.body != Body::None,
        fields: case
            .headers
            .iter()
            .map(|(n, v)| MField {
                name: n.clone(),
                value: v.clone(),
                set_for: first.clone(),
                added: 0,
                removed: None,
                machine: false,
            })
            .collect(),
        count: 0,
        history: Vec::new(),
        referrer: caller_referer.clone().unwrap_or(MRef::Never),
        ref_policy: case
            .referrer_policy
            .unwrap_or(ReferrerPolicy::StrictOriginWhenCrossOrigin),
        known,
        request_origin: (!case.curl()).then_some(request_origin),
        tainted: false,
        decision: None,
        upgrade,
        curl_src: case.curl_command().0,
        curl_forced: case.curl_command().1,
        space: space_of(&first),
        trusted: case
            .trusted
            .as_deref()
            .map(|t| Url::parse(t).expect("a trusted origin")),
    };
    if let (None, Some(r)) = (caller_referer, &case.referrer) {
        let r = Url::parse(r).expect("a referrer URL");
        if case.curl() {
            m.write("Referer", r.as_str().as_bytes());
        } else {
            let d = determine_referrer(&r, m.ref_policy, &given);
            m.referrer = match d.url {
                Some(url) => {
                    m.write("Referer", url.as_str().as_bytes());
                    MRef::Url {
                        url,
                        cut: d.origin_only,
                    }
                }
                None => MRef::Gone,
            };
        }
    }
    m
}

/// Runs the chain, checking the per-redirect invariants against the model; returns every
/// outcome (and caller action result) in order.
pub fn drive(case: &Case, how: Feed) -> Vec<Outcome> {
    let policy = case.policy();
    assert_eq!(policy.rules(), case.rules, "Policy::rules");
    assert_eq!(Rules::from_name(case.profile()), Some(case.rules));
    let limit = policy.max_redirects();
    let default_limit = match case.profile() {
        "curl" => 50,
        "strict" => 10,
        _ => 20,
    };
    assert_eq!(limit, case.max_redirects.unwrap_or(default_limit), "limit");
    assert_eq!(policy.allow_downgrade(), case.profile() != "strict");
    let req = case.request();
    // Follow::new refuses a first request that would be ambiguous on the wire.
    let named = |name: &str| {
        case.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    };
    let refused = if case.method == Method::Connect {
        Some(InvalidRequest::Connect)
    } else if named("host") > 1 {
        Some(InvalidRequest::DuplicateHost)
    } else if named("content-length") > 0 && named("transfer-encoding") > 0 {
        Some(InvalidRequest::ContentLengthWithTransferEncoding)
    } else {
        None
    };
    let mut follow = match (Follow::new(req, policy), refused) {
        (Ok(follow), None) => follow,
        (Err(e), Some(want)) => {
            assert_eq!(e, Error::InvalidRequest(want), "Follow::new");
            check_fault(&e);
            return vec![Outcome::Error(e)];
        }
        (got, want) => panic!("Follow::new gave {got:?}, want the refusal {want:?}"),
    };

    let m = first_request(case);
    m.check_request(follow.request(), "first request");
    let mut m = m;
    let mut outcomes = Vec::new();
    // First-request credentials (lower-case name, value) once left out: under fetch and
    // strict they never come back (the caller's own values differ from these).
    let mut gone: Vec<(String, Vec<u8>)> = Vec::new();
    let mut check_gone = |sent: Vec<(String, Vec<u8>)>, when: &str| {
        let sent: Vec<(String, Vec<u8>)> = sent
            .into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect();
        for (n, v) in &case.headers {
            let pair = (n.to_ascii_lowercase(), v.clone());
            if !is_fetch_credential(n) {
                continue;
            }
            if !sent.contains(&pair) {
                gone.push(pair);
            } else if gone.contains(&pair) && !case.curl() {
                panic!("{when}: credential {n} came back after it was removed");
            }
        }
    };

    for (i, bytes) in case.responses.iter().enumerate() {
        let action = case.actions.get(i).cloned().unwrap_or_default();
        let count = m.count;
        let from = m.current.clone();
        let when = format!("redirect {} (response {i})", count + 1);
        let (out, cut, acted) = feed_with(&mut follow, bytes, how, |mut r| {
            m.step(&r, bytes, limit, &when);
            // Removing a header the request does not carry changes nothing.
            assert_eq!(
                r.remove_header("X-Never-Set"),
                0,
                "{when}: remove_header of nothing"
            );
            if action.pending {
                Acted::Later
            } else {
                act(r, &action, &mut m, &when)
            }
        });
        assert!(
            follow.redirects() <= limit,
            "redirect limit {limit} exceeded: {}",
            follow.redirects()
        );
        let buf = &bytes[..cut];
        match &out {
            Outcome::NeedData => {
                outcomes.push(out);
                return outcomes;
            }
            Outcome::Error(e) => {
                if let Error::TooManyRedirects { limit: l, .. } = e {
                    assert_eq!(*l, limit);
                    assert_eq!(count, limit, "TooManyRedirects before the limit");
                }
                let target = follow
                    .last_response(buf)
                    .and_then(|r| m.target(&head_of(r)));
                if let Error::InsecureRedirect { .. } = e {
                    assert!(!follow.policy().allow_downgrade());
                    assert_eq!(m.current.scheme(), "https");
                    // An http Location on a known HSTS host is upgraded first.
                    let t = target.as_ref().expect("an insecure Location");
                    assert_eq!(t.url.scheme(), "http", "{when}: {e:?} to {}", t.url);
                }
                if let Error::PrivateTarget(p) = e {
                    assert!(case.blocking_private(), "{when}: {e:?} while allowed");
                    let status = p.status.expect("a redirect's status");
                    assert!(case.rules.follows(status), "{when}: {e:?}");
                    assert!(count < limit, "{when}: {e:?} at the limit");
                    let t = target.as_ref().expect("a Location");
                    let want = space_of(&t.url);
                    assert!(
                        want < m.space,
                        "{when}: {e:?} into {want:?} from {:?}",
                        m.space
                    );
                    assert_eq!(Some(&*p.host), t.url.host_str(), "{when}: {e:?}");
                    assert_eq!(
                        (p.space as u8, p.chain as u8, p.address),
                        (want as u8, m.space as u8, None),
                        "{when}: {e:?}"
                    );
                }
                if let Error::BlockedPort { status, port } = e {
                    assert!(case.blocking(), "{when}: {e:?} while bad ports are allowed");
                    assert!(case.rules.follows(*status), "{when}: {e:?}");
                    assert!(count < limit, "{when}: {e:?} at the limit");
                    let t = target.as_ref().expect("a Location");
                    assert_eq!(bad_port(&t.location), Some(*port), "{when}: {e:?}");
                }
                if let Some(status) = e.status() {
                    if matches!(
                        e,
                        Error::TooManyRedirects { .. }
                            | Error::BodyNotReplayable { .. }
                            | Error::InsecureRedirect { .. }
                    ) {
                        assert!(case.rules.follows(status), "{e:?} on a {status}");
                    }
                }
                assert_eq!(follow.redirects(), count);
                assert_eq!(follow.url(), &m.current);
                check_ended(&mut follow, bytes);
                outcomes.push(out);
                return outcomes;
            }
            Outcome::Final {
                response,
                url,
                redirects,
                history,
            } => {
                assert!(response.head_len <= bytes.len());
                assert_eq!(
                    response.keep_alive,
                    keep_alive_for(response, bytes, m.expects_continue()),
                    "final response: keep_alive"
                );
                assert_eq!(*redirects, count);
                assert_eq!(history, &m.history, "history");
                assert_eq!(url, m.current.as_str());
                assert_eq!(follow.redirects(), count);
                if (300..400).contains(&response.status) {
                    // A 3xx is final when the profile does not follow its status, it has
                    // no usable Location, or a streamed body makes it final.
                    let followable_status = case.rules.follows(response.status);
                    assert_eq!(followable_status, m.is_redirect(response.status));
                    // A followed status with a Location to http(s) is final only when the
                    // streamed body makes it so (not, say, for a bad port).
                    let usable = m
                        .target(response)
                        .is_some_and(|t| is_followable(&t.location));
                    if followable_status && usable {
                        assert!(
                            case.unreplayable_final && m.streamed_body_needed(response.status),
                            "{when}: a {} with a usable Location is final",
                            response.status
                        );
                    }
                }
                check_ended(&mut follow, bytes);
                outcomes.push(out);
                return outcomes;
            }
            Outcome::Redirect { response, .. } => {
                let status = response.status;
                assert!(response.head_len <= cut);
                let acted = match acted.expect("the handle was given to the caller") {
                    Acted::Later => {
                        // An empty read keeps the redirect proposed, the request unchanged.
                        for _ in 0..2 {
                            let empty = outcome_of(follow.handle_response(b""));
                            assert_eq!(empty, Outcome::NeedData, "{when}: empty feed");
                            m.check_request(follow.request(), "after an empty feed");
                        }
                        // Nor is any response read before the redirect is followed.
                        not_followed(&mut follow, &m, &out, buf, bytes, &when);
                        let r = follow
                            .pending_redirect(buf)
                            .expect("still proposed after an empty feed");
                        assert_eq!(redirect_outcome(&r), out, "{when}: pending_redirect");
                        act(r, &action, &mut m, &when)
                    }
                    acted => acted,
                };
                match acted {
                    Acted::Later => unreachable!(),
                    Acted::Followed | Acted::Dropped => {}
                    Acted::Stopped(done) => {
                        let want_history = &m.history[..count as usize];
                        match &*done {
                            Outcome::Final {
                                response: r,
                                url,
                                redirects,
                                history,
                            } => {
                                assert_eq!(r, response, "{when}: stop: the 3xx is final");
                                assert_eq!(url, from.as_str(), "{when}: stop: URL");
                                assert_eq!(*redirects, count, "{when}: stop: redirects");
                                assert_eq!(history, want_history, "{when}: stop: history");
                            }
                            other => panic!("{when}: stop gave {other:?}"),
                        }
                        assert_eq!(follow.redirects(), count, "stop takes the redirect back");
                        assert_eq!(follow.url(), &from, "stop takes the redirect back");
                        assert_eq!(follow.history().len(), count as usize);
                        check_ended(&mut follow, bytes);
                        outcomes.push(out);
                        outcomes.push(*done);
                        return outcomes;
                    }
                    Acted::Refused(e) => {
                        assert_eq!(
                            e,
                            Error::Refused {
                                status,
                                reason: "fuzz"
                            },
                            "{when}: refuse"
                        );
                        check_fault(&e);
                        assert_eq!(follow.redirects(), count, "refuse takes the redirect back");
                        assert_eq!(follow.url(), &from, "refuse takes the redirect back");
                        assert_eq!(
                            follow.last_response(buf).map(|r| r.status()),
                            Some(status),
                            "the 3xx after refuse"
                        );
                        check_ended(&mut follow, bytes);
                        outcomes.push(out);
                        outcomes.push(Outcome::Error(e));
                        return outcomes;
                    }
                }

                let head_len = response.head_len;
                if matches!(acted, Acted::Dropped) {
                    // The handle is gone, the redirect still proposed: no response is read
                    // until it is followed, and nothing changes meanwhile.
                    not_followed(&mut follow, &m, &out, buf, bytes, &when);
                    let first = case.responses.get(i + 1).filter(|b| !b.is_empty());
                    if let Some(next_bytes) = first {
                        // Before the contract, this byte started the next response.
                        let early = follow.handle_response(&next_bytes[..1]).map(|_| ());
                        assert_eq!(
                            early,
                            Err(Error::RedirectNotFollowed { status }),
                            "{when}: a byte of the next response before follow"
                        );
                        let Outcome::Redirect { response, .. } = &out else {
                            unreachable!()
                        };
                        let after = format!("{when}: after a byte fed before follow");
                        still_pending(&mut follow, &m, response, buf, &after);
                    }
                    assert!(
                        follow.pending_redirect(&buf[..head_len - 1]).is_none(),
                        "pending_redirect with a buffer shorter than the 3xx"
                    );
                    let r = follow.pending_redirect(buf).expect("still proposed");
                    m.check_handle(&r, "pending_redirect");
                    let next = r.follow();
                    m.check_request(next, &format!("{when}: pending_redirect, then follow"));
                }

                // Followed: `Follow::request` is the next request, no redirect is pending.
                assert_eq!(follow.redirects(), m.count);
                assert_eq!(follow.url(), &m.current);
                m.check_request(follow.request(), &when);
                check_gone(
                    follow
                        .request()
                        .headers()
                        .map(|(n, v)| (n.to_string(), v.to_vec()))
                        .collect(),
                    &when,
                );
                assert!(
                    follow.pending_redirect(buf).is_none(),
                    "{when}: a redirect still pending after follow"
                );
                assert!(
                    follow.last_response(buf).is_none(),
                    "{when}: the 3xx is not the last response once followed"
                );
                outcomes.push(out);

                if action.decision == Decision::LateByte {
                    if let Some(next_bytes) = case.responses.get(i + 1).filter(|b| !b.is_empty()) {
                        let first_byte = outcome_of(follow.handle_response(&next_bytes[..1]));
                        // One byte never completes a head, nor fails one.
                        assert_eq!(first_byte, Outcome::NeedData, "{when}: one byte");
                        assert!(
                            follow.pending_redirect(buf).is_none(),
                            "{when}: a redirect still pending after a byte of the next response"
                        );
                        let shrunk = follow.handle_response(b"").map(|_| ());
                        assert_eq!(
                            shrunk,
                            Err(Error::BufferShrunk {
                                previous: 1,
                                now: 0
                            }),
                            "{when}: an empty feed after a byte"
                        );
                        check_fault(&Error::BufferShrunk {
                            previous: 1,
                            now: 0,
                        });
                        assert!(!follow.is_finished());
                        assert_eq!(follow.redirects(), m.count);
                        m.check_request(follow.request(), "after a byte");
                        outcomes.push(first_byte);
                    }
                }
            }
        }
    }
    outcomes
}

/// The redirect of `response` is still pending, as the model (with the caller's edits so
/// far) says.
fn still_pending(follow: &mut Follow, m: &Model<'_>, response: &Head, buf: &[u8], when: &str) {
    let r = follow
        .pending_redirect(buf)
        .unwrap_or_else(|| panic!("{when}: the redirect is no longer pending"));
    assert_eq!(&head_of(r.response()), response, "{when}: the pending 3xx");
    m.check_handle(&r, when);
}

/// A redirect proposed and not followed (the handle dropped): the 3xx's own bytes fed
/// again (`buf`, the very buffer that completed it, and all of `bytes`) and its head given
/// to `handle_head` are `RedirectNotFollowed`, a caller fault, and change nothing: the
/// same redirect is pending, with the same next request, URL and count. A copy of `buf`
/// (same bytes, another address) reads neither the redirect nor the response; `buf` reads
/// both.
fn not_followed(
    follow: &mut Follow,
    m: &Model<'_>,
    out: &Outcome,
    buf: &[u8],
    bytes: &[u8],
    when: &str,
) {
    let Outcome::Redirect { response, .. } = out else {
        unreachable!("not a redirect: {out:?}")
    };
    let status = response.status;
    let want = Err(Error::RedirectNotFollowed { status });
    check_fault(&Error::RedirectNotFollowed { status });
    let (count, url) = (follow.redirects(), follow.url().clone());
    let again = follow.handle_response(buf).map(|_| ());
    assert_eq!(again, want, "{when}: the 3xx fed again before follow");
    let all = follow.handle_response(bytes).map(|_| ());
    assert_eq!(all, want, "{when}: all the bytes fed again before follow");
    let fields = response
        .headers
        .iter()
        .map(|(n, v)| (n.as_bytes(), v.as_slice()));
    let parsed = follow
        .handle_head(response.version, status, fields)
        .map(|_| ());
    assert_eq!(
        parsed, want,
        "{when}: the 3xx's head given again before follow"
    );
    // An empty feed is not a response: the decision stays open.
    let empty = outcome_of(follow.handle_response(b""));
    assert_eq!(empty, Outcome::NeedData, "{when}: empty feed before follow");
    assert_eq!(
        follow.redirects(),
        count,
        "{when}: refused feed changed the count"
    );
    assert_eq!(follow.url(), &url, "{when}: refused feed changed the URL");
    assert!(
        !follow.is_finished(),
        "{when}: refused feed ended the chain"
    );
    m.check_request(follow.request(), &format!("{when}: after a refused feed"));
    still_pending(
        follow,
        m,
        response,
        buf,
        &format!("{when}: after a refused feed"),
    );
    assert_eq!(
        follow.last_response(buf).map(head_of).as_ref(),
        Some(response),
        "{when}: last_response of the buffer that completed the 3xx"
    );
    let copy = buf.to_vec();
    assert!(
        follow.pending_redirect(&copy).is_none(),
        "{when}: pending_redirect of a copy of the buffer"
    );
    assert!(
        follow.last_response(&copy).is_none(),
        "{when}: last_response of a copy of the buffer"
    );
}

/// Invariant (machine): see `drive`, `Model::step` and `Model::check_request` for the
/// per-redirect checks (no panic; the limit; the profile's `Rules` agree with the
/// documented tables; the method and body rules, a dropped body never re-sent and a
/// streamed one never asked for again; credentials only where their rule lets them go from
/// the origin they were set for, and under fetch/strict never back once removed; the exact
/// header list and `removed_headers`; the caller's edits, follow, stop and refuse on the
/// event's handle and on `pending_redirect`'s; `Redirect::follow` gives the next request;
/// until it is called, an empty feed keeps the redirect proposed and any response fed (the
/// 3xx's own bytes again, its head, a byte of the next one) is `RedirectNotFollowed` and
/// changes nothing (`not_followed`); once followed, a byte of the next response is read;
/// `last_response` and `pending_redirect` read the very buffer that completed the 3xx,
/// not a copy; every error's fault; any call after the end is `InvalidState`); and the
/// whole chain gives the same outcomes when every response is fed one byte at a time.
///
/// The `machine_bytewise` target runs this; the `machine` target runs [`check_chain`] (every
/// check but the byte-at-a-time replay, at a multiple of the speed).
pub fn check_machine(case: &Case) -> Vec<Outcome> {
    let whole = drive(case, Feed::Whole);
    let bytewise = drive(case, Feed::Bytewise);
    assert_eq!(whole, bytewise, "whole vs one byte at a time");
    whole
}

/// Invariant (machine): every per-redirect check of [`drive`] on the chain fed whole (see
/// [`check_machine`], which adds the byte-at-a-time replay).
pub fn check_chain(case: &Case) -> Vec<Outcome> {
    drive(case, Feed::Whole)
}

/// The origin an `Origin` value names: `Some(None)` for `null` (opaque), `Some(Some(url))`
/// when the value is exactly the ASCII serialization of a tuple origin, `None` otherwise.
fn origin_named(value: &[u8]) -> Option<Option<Url>> {
    if value == b"null" {
        return Some(None);
    }
    let text = std::str::from_utf8(value).ok()?;
    let url = Url::parse(text).ok()?;
    let serialized = format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str()?,
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    );
    (serialized == text && matches!(url.scheme(), "http" | "https" | "ws" | "wss" | "ftp"))
        .then_some(Some(url))
}
