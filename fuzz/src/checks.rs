//! The invariants, in one place: the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the stable
//! property tests (`tests/properties.rs`, which includes this file with `#[path]`) call the
//! same `check_*` functions. Each one panics with a message naming the broken invariant.
//!
//! Only `redirects` and `core`/`std` are used here, so the file compiles in both crates.

use std::string::{String, ToString};
use std::vec::Vec;

use redirects::{
    Body, BodyLength, CredentialRule, Error, Event, Follow, Method, MethodChange, Policy, Profile,
    RemovalReason, Request, UnreplayableBody, Url, resolve_location,
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
    pub version: u8,
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
        body_dropped: bool,
        removed: Vec<(String, RemovalReason, u32, bool)>,
        reuse: bool,
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

fn head_of(r: redirects::Response<'_>) -> Head {
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

fn next_of(req: redirects::OutgoingRequest<'_>) -> Next {
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
        send_body: req.send_body(),
        head,
    }
}

fn outcome_of(ev: Result<Event<'_>, Error>) -> Outcome {
    match ev {
        Ok(Event::NeedData) => Outcome::NeedData,
        Ok(Event::Redirect(r)) => Outcome::Redirect {
            response: head_of(r.response()),
            number: r.number(),
            from: r.from_url().as_str().to_string(),
            method_change: r.method_change(),
            body_dropped: r.body_dropped(),
            removed: r
                .removed_headers()
                .map(|h| (h.name.to_string(), h.reason, h.hop, h.earlier))
                .collect(),
            reuse: r.reuse_connection(),
            next: next_of(r.request()),
        },
        Ok(Event::Final(f)) => Outcome::Final {
            response: head_of(f.response()),
            url: f.url().as_str().to_string(),
            redirects: f.redirects(),
            history: f
                .history()
                .iter()
                .map(|h| (h.status(), h.url().as_str().to_string()))
                .collect(),
        },
        Err(e) => Outcome::Error(e),
    }
}

/// Feeds one response; returns the first answer that is not `NeedData` (or `NeedData` if
/// the bytes never complete a head).
pub fn feed(follow: &mut Follow, bytes: &[u8], how: Feed) -> Outcome {
    let cuts: Vec<usize> = match how {
        Feed::Whole => vec![bytes.len()],
        Feed::SplitAt(n) => vec![n.min(bytes.len()), bytes.len()],
        // From one byte: a response whose first byte was already fed (a caller's late
        // edit) must not be fed a shorter buffer.
        Feed::Bytewise => (1.min(bytes.len())..=bytes.len()).collect(),
    };
    for cut in cuts {
        let out = outcome_of(follow.handle_response(&bytes[..cut]));
        if out != Outcome::NeedData {
            return out;
        }
    }
    Outcome::NeedData
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
    if let Ok(u) = resolve_location(base, raw) {
        if is_followable(&u) {
            assert_reparses(&u);
        }
    }

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
            // Bytes with many line ends are many fields: over the field capacity.
            | Error::HeadTooLarge { .. },
        ) => {}
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
                    if is_followable(&u) {
                        Ok(u)
                    } else {
                        Err(Error::SchemeNotAllowed { status: 302 })
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

/// What the caller does right after a redirect is proposed (before feeding the next
/// response).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    None,
    /// `Follow::stop`: the 3xx becomes final.
    Stop,
    /// `Follow::refuse`: the chain ends with `Error::Refused`.
    Refuse,
    /// `Follow::set_header("X-Hop", <hop number>)`.
    SetHeader,
    /// `Follow::remove_header(name)`.
    RemoveHeader(&'static str),
    /// Feed the first byte of the next response, then check that `stop`, `refuse` and
    /// `set_header` are `InvalidState`.
    LateEdit,
}

/// One chain: the first request, the policy, the raw responses in order and what the
/// caller does after each redirect.
#[derive(Debug, Clone)]
pub struct Case {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Body,
    pub profile: Profile,
    pub max_redirects: Option<u32>,
    /// A header name the policy adds to the credentials.
    pub extra_credential: Option<String>,
    /// `CredentialRule::SameOriginOrHttpsUpgrade`.
    pub https_upgrade: bool,
    /// An origin the policy trusts with credentials.
    pub trusted: Option<String>,
    /// `UnreplayableBody::Final`.
    pub unreplayable_final: bool,
    pub responses: Vec<Vec<u8>>,
    /// `actions[i]` runs after the redirect of `responses[i]` (missing: `Action::None`).
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
            profile: Profile::Fetch,
            max_redirects: None,
            extra_credential: None,
            https_upgrade: false,
            trusted: None,
            unreplayable_final: false,
            responses: responses.iter().map(|r| r.to_vec()).collect(),
            actions: Vec::new(),
        }
    }

    pub fn policy(&self) -> Policy {
        let mut p = Policy::new(self.profile);
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
        p
    }

    fn curl(&self) -> bool {
        self.profile == Profile::Curl
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

fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// The model of one request header.
#[derive(Debug, Clone)]
struct MField {
    name: String,
    value: Vec<u8>,
    /// The URL of the request it was set for.
    set_for: Url,
    removed: bool,
}

/// What the next request must look like, kept independently of the machine.
struct Model<'c> {
    case: &'c Case,
    first: Url,
    current: Url,
    method: Method,
    /// The body is still attached (the caller sends it).
    body: bool,
    fields: Vec<MField>,
    count: u32,
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

    /// Whether a credential set for `from` may go to `to` under the case's policy.
    fn allowed(&self, name: &str, from: &Url, to: &Url) -> bool {
        if same_origin(from, to) {
            return true;
        }
        if is_proxy_credential(name) {
            return false;
        }
        let trusted = self
            .case
            .trusted
            .as_deref()
            .is_some_and(|t| same_origin(&Url::parse(t).unwrap(), to));
        let upgrade = self.case.https_upgrade
            && from.scheme() == "http"
            && to.scheme() == "https"
            && from.host().is_some()
            && from.host() == to.host()
            && from.port().is_none()
            && to.port().is_none();
        trusted || upgrade
    }

    fn sent(&self) -> Vec<(String, Vec<u8>)> {
        self.fields
            .iter()
            .filter(|f| !f.removed)
            .filter(|f| {
                !(self.case.curl()
                    && self.credential(&f.name)
                    && !self.allowed(&f.name, &f.set_for, &self.current))
            })
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect()
    }

    fn is_redirect(&self, status: u16) -> bool {
        if self.case.curl() {
            (300..400).contains(&status)
        } else {
            matches!(status, 301 | 302 | 303 | 307 | 308)
        }
    }

    /// The method after a `status` hop, if the hop rewrites it (and drops the body).
    fn rewrite(&self, status: u16) -> Option<Method> {
        match (status, self.method) {
            (301 | 302, Method::Post) => Some(Method::Get),
            (303, Method::Head) => Some(Method::Head),
            // curl keeps a custom method on 303 (without the body).
            (303, m)
                if self.case.curl() && !matches!(m, Method::Get | Method::Post | Method::Put) =>
            {
                Some(m)
            }
            (303, _) => Some(Method::Get),
            _ => None,
        }
    }

    /// Checks a request against the model.
    fn check_request(&self, r: redirects::OutgoingRequest<'_>, when: &str) {
        assert_eq!(r.url(), &self.current, "{when}: URL");
        assert_eq!(r.method(), self.method, "{when}: method");
        assert_eq!(r.send_body(), self.body, "{when}: send_body");
        let headers: Vec<(String, Vec<u8>)> = r
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_vec()))
            .collect();
        assert_eq!(headers, self.sent(), "{when}: header list");
        for (n, _) in &headers {
            if is_fetch_credential(n) {
                let ok = self.allowed(n, &self.first, &self.current);
                assert!(
                    ok,
                    "{when}: credential {n} sent to {}, first origin {}",
                    self.current, self.first
                );
            }
        }
        let head = r.to_head();
        assert_eq!(head.len(), r.head_len());
        let text = String::from_utf8_lossy(&head);
        let line = text.split("\r\n").next().unwrap_or("");
        assert!(
            line.starts_with(r.method().as_str()) && line.ends_with(" HTTP/1.1"),
            "{when}: {line:?}"
        );
        assert!(
            !line.contains('#'),
            "{when}: fragment on the wire: {line:?}"
        );
        assert!(head.ends_with(b"\r\n\r\n"));
    }
}

/// Every misuse after the chain ended is `InvalidState`, never a panic.
fn check_ended(follow: &mut Follow, bytes: &[u8]) {
    assert!(follow.is_finished());
    assert_eq!(
        follow.handle_response(bytes).map(|_| ()),
        Err(Error::InvalidState),
        "feed after the end"
    );
    assert_eq!(
        follow.stop(),
        Err(Error::InvalidState),
        "stop after the end"
    );
    assert_eq!(
        follow.refuse("again"),
        Error::InvalidState,
        "refuse after the end"
    );
    assert_eq!(
        follow.set_header("X-Late", "1"),
        Err(Error::InvalidState),
        "set_header after the end"
    );
}

/// Runs the chain, checking the per-hop invariants against the model; returns every
/// outcome (and caller action result) in order.
pub fn drive(case: &Case, how: Feed) -> Vec<Outcome> {
    let policy = case.policy();
    let limit = policy.max_redirects();
    let mut req = Request::new(case.method, &case.url).expect("valid first URL");
    for (n, v) in &case.headers {
        req = req.header(n, v).expect("valid header");
    }
    let req = req.body(case.body);
    let mut follow = Follow::new(req, policy).expect("valid first request");

    let first = Url::parse(&case.url).expect("valid first URL");
    let mut m = Model {
        case,
        first: first.clone(),
        current: first.clone(),
        method: case.method,
        body: case.body != Body::None,
        fields: case
            .headers
            .iter()
            .map(|(n, v)| MField {
                name: n.clone(),
                value: v.clone(),
                set_for: first.clone(),
                removed: false,
            })
            .collect(),
        count: 0,
    };
    m.check_request(follow.request(), "first request");
    let mut outcomes = Vec::new();
    let mut gone: Vec<String> = Vec::new();

    for (i, bytes) in case.responses.iter().enumerate() {
        let out = feed(&mut follow, bytes, how);
        assert!(
            follow.redirects() <= limit,
            "redirect limit {limit} exceeded: {}",
            follow.redirects()
        );
        let count = m.count;
        match &out {
            Outcome::NeedData => {
                outcomes.push(out);
                return outcomes;
            }
            Outcome::Error(e) => {
                if let Error::TooManyRedirects { limit: l, .. } = e {
                    assert_eq!(*l, limit);
                    assert_eq!(
                        count, limit,
                        "TooManyRedirects before the limit was reached"
                    );
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
                assert_eq!(*redirects, count);
                assert_eq!(history.len() as u32, count);
                assert_eq!(url, m.current.as_str());
                check_ended(&mut follow, bytes);
                outcomes.push(out);
                return outcomes;
            }
            Outcome::Redirect {
                response,
                number,
                from,
                method_change,
                body_dropped,
                next,
                ..
            } => {
                let status = response.status;
                let when = format!("hop {} ({status})", count + 1);
                assert!(count < limit, "{when}: followed with a limit of {limit}");
                assert_eq!(*number, count + 1);
                assert!(m.is_redirect(status), "{when}: followed a {status}");
                assert!(response.head_len <= bytes.len());
                assert_eq!(from, m.current.as_str());

                let next_url = Url::parse(&next.url).expect("next URL parses");
                assert!(is_followable(&next_url), "{when}: followed to {next_url}");
                assert_reparses(&next_url);
                if case.profile == Profile::Strict {
                    assert!(
                        !(m.current.scheme() == "https" && next_url.scheme() == "http"),
                        "strict followed https -> http"
                    );
                }

                // Method and body.
                let rewrite = m.rewrite(status);
                let needs_body = if case.curl() {
                    rewrite.is_none()
                } else {
                    status != 303
                };
                if case.body == Body::Streamed && m.body && needs_body {
                    panic!("{when}: a streamed body would be sent again");
                }
                let was_sending = m.body;
                if let Some(to) = rewrite {
                    let changed = to != m.method;
                    assert_eq!(
                        method_change.map(|c| (c.from, c.to)),
                        changed.then_some((m.method, to)),
                        "{when}: method change"
                    );
                    assert_eq!(*body_dropped, was_sending, "{when}: body_dropped");
                    if changed || was_sending {
                        for f in &mut m.fields {
                            let drop = if case.curl() {
                                is_framing_header(&f.name)
                            } else {
                                is_body_header(&f.name)
                            };
                            if drop {
                                f.removed = true;
                            }
                        }
                    }
                    m.method = to;
                    m.body = false;
                } else {
                    assert!(
                        method_change.is_none() && !body_dropped,
                        "{when}: no rewrite expected"
                    );
                }
                if case.body == Body::Streamed {
                    assert!(
                        !m.body,
                        "{when}: model: streamed body still attached after a hop"
                    );
                }

                // Credentials: Fetch removes them for good on the first hop where they
                // may not go; curl leaves them out while the hop's origin is not theirs.
                if !case.curl() {
                    for i in 0..m.fields.len() {
                        let f = &m.fields[i];
                        if !f.removed
                            && m.credential(&f.name)
                            && !m.allowed(&f.name, &f.set_for, &next_url)
                        {
                            m.fields[i].removed = true;
                        }
                    }
                }
                m.current = next_url;
                m.count += 1;
                m.check_request(follow.request(), &when);
                assert_eq!(follow.redirects(), m.count);
                // Once removed, a credential never returns (fetch, strict; curl sends them
                // again when the chain comes back to their origin, by design).
                let sent: Vec<String> = follow
                    .request()
                    .headers()
                    .map(|(n, _)| n.to_ascii_lowercase())
                    .collect();
                for (n, _) in &case.headers {
                    let n = n.to_ascii_lowercase();
                    if is_fetch_credential(&n) && !sent.contains(&n) {
                        gone.push(n);
                    } else if gone.contains(&n) && !case.curl() {
                        panic!("{when}: credential {n} came back after it was removed");
                    }
                }
                outcomes.push(out.clone());

                // What the caller does before sending the next request.
                match case.actions.get(i).copied().unwrap_or(Action::None) {
                    Action::None => {}
                    Action::Stop => {
                        assert_eq!(follow.stop(), Ok(()), "{when}: stop");
                        assert_eq!(follow.redirects(), count, "stop undoes the hop");
                        assert_eq!(follow.url().as_str(), from.as_str(), "stop undoes the hop");
                        check_ended(&mut follow, bytes);
                        outcomes.push(Outcome::Error(Error::InvalidState));
                        return outcomes;
                    }
                    Action::Refuse => {
                        let e = follow.refuse("fuzz");
                        assert_eq!(
                            e,
                            Error::Refused {
                                status,
                                reason: "fuzz"
                            },
                            "{when}: refuse"
                        );
                        assert_eq!(follow.redirects(), count, "refuse undoes the hop");
                        check_ended(&mut follow, bytes);
                        outcomes.push(Outcome::Error(e));
                        return outcomes;
                    }
                    Action::SetHeader => {
                        let value = m.count.to_string();
                        assert_eq!(
                            follow.set_header("X-Hop", &value),
                            Ok(()),
                            "{when}: set_header"
                        );
                        for f in &mut m.fields {
                            if f.name.eq_ignore_ascii_case("x-hop") {
                                f.removed = true;
                            }
                        }
                        m.fields.push(MField {
                            name: "X-Hop".to_string(),
                            value: value.into_bytes(),
                            set_for: m.current.clone(),
                            removed: false,
                        });
                        m.check_request(follow.request(), "after set_header");
                    }
                    Action::RemoveHeader(name) => {
                        let want = m
                            .sent()
                            .iter()
                            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                            .count();
                        assert_eq!(
                            follow.remove_header(name),
                            Ok(want),
                            "{when}: remove_header({name})"
                        );
                        for f in &mut m.fields {
                            if f.name.eq_ignore_ascii_case(name) {
                                f.removed = true;
                            }
                        }
                        m.check_request(follow.request(), "after remove_header");
                    }
                    Action::LateEdit => {
                        if let Some(next_bytes) =
                            case.responses.get(i + 1).filter(|b| !b.is_empty())
                        {
                            let first_byte = outcome_of(follow.handle_response(&next_bytes[..1]));
                            if first_byte == Outcome::NeedData {
                                assert_eq!(
                                    follow.stop(),
                                    Err(Error::InvalidState),
                                    "stop after a byte"
                                );
                                assert_eq!(
                                    follow.refuse("late"),
                                    Error::InvalidState,
                                    "refuse after a byte"
                                );
                                assert_eq!(
                                    follow.set_header("X-Late", "1"),
                                    Err(Error::InvalidState)
                                );
                                assert_eq!(follow.redirects(), m.count);
                            }
                            // A one-byte head cannot be complete; if it were, the comparison
                            // with the other feeding modes would show it.
                            outcomes.push(first_byte);
                            if follow.is_finished() {
                                return outcomes;
                            }
                        }
                    }
                }
            }
        }
    }
    outcomes
}

/// Invariant (machine): see `drive` and `Model::check_request` for the per-hop checks (no
/// panic; the limit; the method and body rules, a dropped body never re-sent and a
/// streamed one never asked for again; credentials never to another origin than the first
/// (or one the policy trusts), and under fetch/strict never back once removed; the exact
/// header list; the caller's edits; misuse is `InvalidState`); and the whole chain gives
/// the same outcomes when every response is fed one byte at a time.
pub fn check_machine(case: &Case) -> Vec<Outcome> {
    let whole = drive(case, Feed::Whole);
    let bytewise = drive(case, Feed::Bytewise);
    assert_eq!(whole, bytewise, "whole vs one byte at a time");
    whole
}
