//! The `agree` target: `Follow::handle_head` (a head the caller's own stack parsed) gives
//! what `Follow::handle_response` (the bytes) gives, over whole chains.
//!
//! The input is an [`Input`]: a few bytes of its own, then a `machine` scenario
//! ([`Scenario`], last, so a `machine` input after four bytes reads as it does there). The
//! scenario gives the first request, the policy, the responses (structured heads rendered to
//! bytes, or raw bytes) and what the caller does on each redirect; [`Input`] adds the
//! policy's field and size limits, odd fields ([`ODD_FIELDS`]) put into one response,
//! whether the third machine speaks HTTP/2 or HTTP/3, and how the stacks hand fields over.
//!
//! Three machines start from the same request and policy:
//! - `bytes`: each response through `handle_response`, whole;
//! - `h1`: the harness parses each response itself as a stack would (`httparse`, the
//!   crate's configuration: obsolete line folds allowed in responses; [`SLOTS`] field
//!   slots), unfolds every obsolete line fold ([`unfold`](crate::unfold::unfold), as `tests/conformance.rs`
//!   does, and as `handle_head`'s documentation asks) and gives every interim head (`1xx`
//!   but `101`) then the final one to `handle_head`, with `Version::Http10` or
//!   `Version::Http11` from the status line; when the input says so, each value with
//!   spaces and tabs around it (a stack that does not trim: `handle_head` drops them);
//! - `h2`: the same parsed heads with `Version::Http2` (or `Http3`), names in lower case
//!   when the input says so (as an HTTP/2 stack gives them), checked against the
//!   documented HTTP/2 rules ([`check_h2`]): a connection-specific field or a `101` is
//!   malformed (a head with several faults may give any of their errors: the docs do not
//!   order them), otherwise the `h1` answer with the body to the end of the stream (or its
//!   `Content-Length`), keep-alive, reuse by origin alone (and names in lower case where
//!   they were given so).
//!
//! After each response the whole answers must be equal ([`Step`]: event kind; the next
//! request: method, URL, header list in order, `sends_body`, the bytes `write_head` writes;
//! `can_reuse_connection`, `method_change` and its rule, `body_dropped`, `removed_headers`,
//! `referrer_decision`, `hsts_upgrade`, `address_spaces`, the redirect's number and
//! `from_url`; the response: status, version, headers in order, body length, keep-alive;
//! a final response's URL, count and history; an error's whole value), then the caller's
//! turn is played on every machine (the same edits, each call's result compared; stop,
//! refuse, or acting on `pending_redirect`'s handle after an empty feed and the same
//! response fed again, which every path refuses alike: `redirect_not_followed`) and the
//! machines' states are compared ([`Snapshot`]: URL, count, history, finished, the current
//! request, `referrer_decision`, `hsts_upgrade`, `address_space`, `check_address` of a few
//! addresses, `last_response`, `pending_redirect`). The chain goes on while the answer is a
//! redirect the caller follows: each machine then takes it with `Redirect::follow` on the
//! handle `pending_redirect` gives back, and the request that gives must be the one the
//! snapshot showed. (The scenario's "feed a byte of the next response" is played as a
//! plain follow: a response begun on the byte path cannot be given to `handle_head`, so
//! there is nothing to compare.)
//!
//! Declared exceptions, each with its reason (anything else that differs is a finding):
//! - `Response::head_len` and `Response::reason`: documented as `0` and empty for a parsed
//!   head (no buffer was used, a stack does not pass the reason on). The parsed side must
//!   show exactly those; the byte side's are not compared.
//! - `Error::HeadTooLarge`: the byte path counts the bytes of the head, status line and
//!   interim heads included; the parsed path counts only the fields, written as
//!   `name: value\r\n` lines. When either side says `head_too_large`, the rest of the case
//!   is skipped.
//! - Heads the harness's `httparse` refuses or finds incomplete: a stack would refuse them
//!   itself and never call `handle_head`. The byte path must then have answered `NeedData`
//!   (it waits for the end of the head before it reports a syntax error) or, for a refused
//!   one, an error of the head kind (`Malformed::Syntax`, `TooManyHeaders`), or
//!   `HeadTooLarge`; the case ends there.

use std::mem::MaybeUninit;
use std::net::IpAddr;
use std::string::{String, ToString};
use std::vec::Vec;

use redirects::{
    AddressSpace, BodyLength, Error, Event, Follow, HstsUpgrade, Malformed, Method, Policy,
    Redirect, ReferrerDecision, Url, Version,
};

use crate::checks::{
    Action, Case, Decision, Edit, Head, Next, Outcome, final_outcome, head_of, next_of, outcome_of,
    redirect_outcome,
};
use crate::scenario::Scenario;
use crate::unfold::unfold;

/// The `agree` target's input.
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// Bits 0-1: `Policy::with_max_header_fields` (the default, 1, 4, 16); bits 2-4:
    /// `Policy::with_max_head_size` (6: 256 bytes, 7: 1024 bytes, else the default); bit 5:
    /// the third machine is given `Version::Http3` instead of `Version::Http2`; bit 6: the
    /// stacks hand values over with spaces and tabs around them (`handle_head` drops
    /// them); bit 7: the HTTP/2 stack hands names over in lower case (as they are on an
    /// HTTP/2 or HTTP/3 wire).
    pub limits: u8,
    /// A field line put into one response: 0 none, else `ODD_FIELDS[(v - 1) % len]`.
    pub odd: u8,
    /// A second one, after the first.
    pub odd2: u8,
    /// Bits 0-4: which response gets them (modulo the number of responses); bit 7: after the
    /// last status line of that response (its final head) rather than the first.
    pub odd_at: u8,
    /// Last: a `machine` input reads the same here after the four bytes above.
    pub scenario: Scenario,
}

impl Input {
    /// The chain (the scenario's, odd fields put in), the policy (the scenario's, with the
    /// limits) and the version of the third machine.
    pub fn render(&self) -> (Case, Policy, Version) {
        let mut case = self.scenario.render();
        let lines: Vec<&[u8]> = [self.odd, self.odd2]
            .iter()
            .filter_map(|&v| v.checked_sub(1))
            .map(|i| ODD_FIELDS[usize::from(i) % ODD_FIELDS.len()])
            .collect();
        if !lines.is_empty() && !case.responses.is_empty() {
            let i = usize::from(self.odd_at & 31) % case.responses.len();
            case.responses[i] = with_odd_fields(&case.responses[i], &lines, self.odd_at & 128 != 0);
        }
        let mut policy = case.policy();
        policy = match self.limits & 3 {
            1 => policy.with_max_header_fields(1),
            2 => policy.with_max_header_fields(4),
            3 => policy.with_max_header_fields(16),
            _ => Ok(policy),
        }
        .expect("a field limit");
        policy = match (self.limits >> 2) & 7 {
            6 => policy.with_max_head_size(256),
            7 => policy.with_max_head_size(1024),
            _ => Ok(policy),
        }
        .expect("a head size limit");
        let v2 = if self.limits & 32 != 0 {
            Version::Http3
        } else {
            Version::Http2
        };
        (case, policy, v2)
    }
}

/// Field lines (without their line end) with the bytes where a stack and the byte path
/// could part: spaces and tabs around values, empty values, obs-text, control bytes,
/// obsolete line folds (at the start of a value, in the middle, of whitespace only, in the
/// fields the machine decides by), framing and connection fields in every odd spelling,
/// HTTP/2 connection-specific fields, and names `httparse` refuses.
pub const ODD_FIELDS: [&[u8]; 49] = [
    b"X-Odd: \t a\tb \t",
    b"X-Odd:",
    b"X-Odd: \t ",
    b"X-Odd: \x80\xff obs-text",
    b"X-Odd: a\x7fb",
    b"X-Odd: a\x00b",
    b"X-Odd: a\rb",
    b"X-Odd: a\x0bb",
    b"Location: \t/odd\t ",
    b"Location:\r\n /folded",
    b"Location: /a\r\n \r\n\t/b",
    b"Location: /caf\xc3\xa9?\xff",
    b"Location: https://b.test/\r\n\t",
    b"Location: /a\r\n\t/more",
    b"Location: http://b.test/x\r\n y",
    b"Location: /\r\n\t/evil.test/x",
    b"Location: ",
    b"LOCATION: //b.test/x",
    b"Location: http://b.test:25/",
    b"Location: https://a.test/secure",
    b"Content-Length: 1,1",
    b"Content-Length: 01, 1",
    b"Content-Length: 1, 2",
    b"Content-Length: 18446744073709551616",
    b"Content-Length: +1",
    b"Content-Length: 0\r\n 0",
    b"Content-Length:\t7\t",
    b"content-length:5",
    b"Transfer-Encoding: gzip, chunked",
    b"Transfer-Encoding: chunked, gzip",
    b"Transfer-Encoding: Chunked",
    b"Transfer-Encoding:\r\n chunked",
    b"Connection: Close",
    b"Connection: keep-alive, close",
    b"Connection: keep-alive",
    b"Connection:\r\n\tclose",
    b"Connection: upgrade",
    b"Keep-Alive: timeout=5",
    b"Upgrade: h2c",
    b"Proxy-Connection: keep-alive",
    b"X Bad: v",
    b":status: 200",
    b"X-Odd : v",
    b"\tcontinuation",
    b"Referrer-Policy: \tunsafe-url\t",
    b"Referrer-Policy: no-referrer,\r\n\tunsafe-url",
    b"Strict-Transport-Security: max-age=1\r\n ; includeSubDomains",
    b"Strict-Transport-Security: max-age=31536000",
    b"Set-Cookie: a=1\r\n\tb=2",
];

/// Field slots of the harness's own parser: more than any field limit [`Input`] sets, so the
/// limit is the machine's to apply (a head with more is refused by the harness).
pub const SLOTS: usize = 1024;

/// Addresses given to `Follow::check_address` after every step.
const ADDRESSES: [&str; 5] = ["127.0.0.1", "10.0.0.1", "8.8.8.8", "::1", "fd00::1"];

/// One head as the harness's parser saw it, obsolete folds unfolded.
#[derive(Debug, Clone)]
pub struct ParsedHead {
    pub version: Version,
    pub status: u16,
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

impl ParsedHead {
    fn interim(&self) -> bool {
        is_interim(self.status)
    }
}

fn is_interim(status: u16) -> bool {
    (100..200).contains(&status) && status != 101
}

/// Why the harness's parser gave no (further) head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unparsed {
    /// `httparse` refused it (syntax, or more fields than [`SLOTS`]).
    Refused,
    /// `httparse` needs more bytes.
    Incomplete,
}

/// Parses `bytes` as a stack would: each interim head, then the final one. Stops at the
/// final head, or at the first head `httparse` refuses or finds incomplete (returned with
/// the heads before it, all interim).
pub fn parse_heads(bytes: &[u8]) -> (Vec<ParsedHead>, Option<Unparsed>) {
    let mut heads = Vec::new();
    let mut rest = bytes;
    loop {
        let mut config = httparse::ParserConfig::default();
        config.allow_obsolete_multiline_headers_in_responses(true);
        let mut slots: Vec<MaybeUninit<httparse::Header<'_>>> = Vec::with_capacity(SLOTS);
        slots.resize_with(SLOTS, MaybeUninit::uninit);
        let mut res = httparse::Response::new(&mut []);
        let n = match config.parse_response_with_uninit_headers(&mut res, rest, &mut slots) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => return (heads, Some(Unparsed::Incomplete)),
            Err(_) => return (heads, Some(Unparsed::Refused)),
        };
        let head = ParsedHead {
            version: if res.version == Some(0) {
                Version::Http10
            } else {
                Version::Http11
            },
            status: res.code.unwrap_or(0),
            fields: res
                .headers
                .iter()
                .map(|h| (h.name.as_bytes().to_vec(), unfold(h.value)))
                .collect(),
        };
        let interim = head.interim();
        heads.push(head);
        if !interim {
            return (heads, None);
        }
        rest = &rest[n..];
    }
}

/// The heads as a stack hands them over: each value with spaces and tabs around it
/// (`pad`: a stack that does not trim them), each name in lower case (`lower`: HTTP/2 and
/// HTTP/3 stacks).
fn as_stack_gives(heads: &[ParsedHead], pad: bool, lower: bool) -> Vec<ParsedHead> {
    let mut heads = heads.to_vec();
    for h in &mut heads {
        for (n, v) in &mut h.fields {
            if pad {
                *v = [&b" \t"[..], v, b"\t "].concat();
            }
            if lower {
                n.make_ascii_lowercase();
            }
        }
    }
    heads
}

/// Gives `heads` to `handle_head` in order (as `version` when given, else each head's
/// own), interim ones first; returns the last answer. An interim head must give
/// `NeedData` (or an error, which ends it).
fn feed_heads<'f>(
    follow: &'f mut Follow,
    version: Option<Version>,
    heads: &[ParsedHead],
) -> Result<Event<'f>, Error> {
    let (last, interims) = heads.split_last().expect("at least one head");
    for (i, h) in interims.iter().enumerate() {
        let fields = h.fields.iter().map(|(n, v)| (n, v));
        match follow.handle_head(version.unwrap_or(h.version), h.status, fields) {
            Ok(Event::NeedData) => {}
            Err(e) => return Err(e),
            Ok(ev) => panic!(
                "{version:?}: interim head {i} ({}) gave {:?}, not NeedData",
                h.status,
                outcome_of(Ok(ev))
            ),
        }
    }
    let fields = last.fields.iter().map(|(n, v)| (n, v));
    follow.handle_head(version.unwrap_or(last.version), last.status, fields)
}

/// The whole answer to one response, and what the caller's turn gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub outcome: Outcome,
    /// `Redirect::address_spaces` (not in `checks::Outcome`).
    pub spaces: Option<(AddressSpace, AddressSpace)>,
    /// The caller's turn on a redirect: the answer of each call (edits, the empty feeds of
    /// a pending decision and the response fed again before follow, `pending_redirect`'s
    /// handle), then what `stop` or `refuse` gave.
    pub turn: Vec<String>,
    /// `stop`'s final response or `refuse`'s error.
    pub ended: Option<Outcome>,
}

/// What a machine shows between responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub url: String,
    pub redirects: u32,
    pub history: Vec<(u16, String)>,
    pub finished: bool,
    pub request: Next,
    pub referrer: Option<ReferrerDecision>,
    pub hsts: Option<HstsUpgrade>,
    pub space: AddressSpace,
    pub addresses: Vec<Result<(), Error>>,
    pub last: Option<Head>,
    pub pending: Option<Outcome>,
}

fn snapshot(follow: &mut Follow, buf: &[u8]) -> Snapshot {
    let addresses = ADDRESSES
        .iter()
        .map(|a| follow.check_address(a.parse::<IpAddr>().expect("an address")))
        .collect();
    Snapshot {
        url: follow.url().as_str().to_string(),
        redirects: follow.redirects(),
        history: follow
            .history()
            .iter()
            .map(|h| (h.status(), h.url().as_str().to_string()))
            .collect(),
        finished: follow.is_finished(),
        request: next_of(follow.request()),
        referrer: follow.referrer_decision(),
        hsts: follow.hsts_upgrade(),
        space: follow.address_space(),
        addresses,
        last: follow.last_response(buf).map(head_of),
        pending: follow.pending_redirect(buf).map(|r| redirect_outcome(&r)),
    }
}

/// The caller's edits on a handle; each call's answer.
fn edit(r: &mut Redirect<'_>, edits: &[Edit], n: usize, turn: &mut Vec<String>) {
    for (j, e) in edits.iter().enumerate() {
        let value = format!("r{n}e{j}");
        let got = match *e {
            Edit::Set(name) => format!("set {name}: {:?}", r.set_header(name, &value)),
            Edit::Append(name) => format!("append {name}: {:?}", r.append_header(name, &value)),
            Edit::Remove(name) => format!("remove {name}: {}", r.remove_header(name)),
            Edit::Invalid => format!(
                "invalid: {:?} {:?} {:?}",
                r.set_header("Bad Name", "x"),
                r.set_header("X-Hop", "a\r\nInjected: 1"),
                r.append_header("X-Hop", b"a\x7fb"),
            ),
        };
        turn.push(got);
    }
}

/// The caller's edits then decision on a handle: `Some` when the chain ended there. A
/// redirect to follow stays proposed (the handle dropped) so that the machines can be
/// compared with it pending; [`take`] follows it afterwards.
fn decide(
    mut r: Redirect<'_>,
    action: &Action,
    n: usize,
    turn: &mut Vec<String>,
) -> Option<Outcome> {
    edit(&mut r, &action.edits, n, turn);
    match action.decision {
        Decision::Follow | Decision::LateByte => None,
        Decision::Stop => Some(final_outcome(&r.stop())),
        Decision::Refuse => Some(Outcome::Error(r.refuse("agree"))),
    }
}

/// How one response is given to a machine.
#[derive(Debug, Clone, Copy)]
enum Feed<'x> {
    /// The bytes, whole, to `handle_response`.
    Bytes(&'x [u8]),
    /// The parsed heads to `handle_head`, as this version (else each head's own).
    Heads(Option<Version>, &'x [ParsedHead]),
}

/// One response through one machine: the answer, then the caller's turn on a redirect
/// (`last_response` and `pending_redirect` get the bytes, or `&[]` on the parsed paths).
fn step(follow: &mut Follow, feed: Feed<'_>, action: &Action, n: usize) -> Step {
    let buf = match feed {
        Feed::Bytes(b) => b,
        Feed::Heads(..) => &[],
    };
    let answer = match feed {
        Feed::Bytes(b) => follow.handle_response(b),
        Feed::Heads(version, heads) => feed_heads(follow, version, heads),
    };
    let mut turn = Vec::new();
    let (outcome, spaces, mut ended) = match answer {
        Ok(Event::Redirect(r)) => {
            let outcome = redirect_outcome(&r);
            let spaces = r.address_spaces();
            let ended = if action.pending {
                None
            } else {
                decide(r, action, n, &mut turn)
            };
            (outcome, spaces, ended)
        }
        other => (outcome_of(other), None, None),
    };
    if action.pending && matches!(outcome, Outcome::Redirect { .. }) {
        // Empty reads keep the redirect proposed; the caller acts on the handle
        // `pending_redirect` gives back.
        for _ in 0..2 {
            let empty = outcome_of(follow.handle_response(b""));
            turn.push(format!("empty feed: {empty:?}"));
        }
        // The same response again before the redirect is followed: not read.
        let again = match feed {
            Feed::Bytes(b) => follow.handle_response(b),
            Feed::Heads(version, heads) => feed_heads(follow, version, heads),
        };
        turn.push(format!("fed again: {:?}", outcome_of(again)));
        match follow.pending_redirect(buf) {
            Some(r) => {
                let again = redirect_outcome(&r);
                turn.push(format!(
                    "pending_redirect: {}",
                    if again == outcome {
                        "the same"
                    } else {
                        "differs"
                    }
                ));
                ended = decide(r, action, n, &mut turn);
            }
            None => turn.push("pending_redirect: none".to_string()),
        }
    }
    Step {
        outcome,
        spaces,
        turn,
        ended,
    }
}

/// The byte side's answer as the parsed side must show it: `head_len` and `reason` as a
/// parsed head documents them (see the module docs).
fn as_parsed(step: &Step) -> Step {
    let mut s = step.clone();
    for o in [Some(&mut s.outcome), s.ended.as_mut()]
        .into_iter()
        .flatten()
    {
        norm_outcome(o, norm_head);
    }
    s
}

fn norm_head(h: &mut Head) {
    h.head_len = 0;
    h.reason.clear();
}

fn norm_outcome(o: &mut Outcome, f: impl Fn(&mut Head)) {
    match o {
        Outcome::Redirect { response, .. } | Outcome::Final { response, .. } => f(response),
        Outcome::NeedData | Outcome::Error(_) => {}
    }
}

fn norm_snapshot(s: &Snapshot) -> Snapshot {
    let mut s = s.clone();
    if let Some(h) = &mut s.last {
        norm_head(h);
    }
    if let Some(o) = &mut s.pending {
        norm_outcome(o, norm_head);
    }
    s
}

/// The parsed side shows the documented `head_len` (0) and `reason` (empty).
fn check_parsed_head(step: &Step, side: &str) {
    for o in [Some(&step.outcome), step.ended.as_ref()]
        .into_iter()
        .flatten()
    {
        if let Outcome::Redirect { response, .. } | Outcome::Final { response, .. } = o {
            assert_eq!(response.head_len, 0, "{side}: head_len of a parsed head");
            assert_eq!(response.reason, "", "{side}: reason of a parsed head");
        }
    }
}

fn is_head_too_large(o: &Outcome) -> bool {
    matches!(o, Outcome::Error(Error::HeadTooLarge { .. }))
}

/// The byte side's answer when the harness's parser refused a head or found it
/// incomplete (see the module docs).
fn unparsed_ok(o: &Outcome, why: Unparsed) -> bool {
    match o {
        Outcome::NeedData | Outcome::Error(Error::HeadTooLarge { .. }) => true,
        Outcome::Error(
            Error::MalformedResponse(Malformed::Syntax(_)) | Error::TooManyHeaders { .. },
        ) => why == Unparsed::Refused,
        _ => false,
    }
}

/// Same origin: scheme, host and port (the scheme's default when none is written).
fn same_origin(a: &str, b: &str) -> bool {
    match (Url::parse(a), Url::parse(b)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str() == b.host_str()
                && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => false,
    }
}

/// Whether `v` is a `Content-Length` value the machine takes: comma-separated decimals
/// (around spaces and tabs), all equal; the number.
fn content_length(v: &[u8]) -> Option<u64> {
    let mut n = None;
    for part in v.split(|&b| b == b',') {
        let d = part.trim_ascii();
        if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let m = d.iter().try_fold(0u64, |acc, &b| {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })?;
        if n.is_some_and(|n| n != m) {
            return None;
        }
        n = Some(m);
    }
    n
}

/// HTTP/2 and HTTP/3, from the final head alone: the faults that make it malformed (an
/// invalid or differing `Content-Length`, a connection-specific field, a `101`; the docs
/// say which error each one is, not which comes first when there are several, so any of
/// them is the answer), else its body length (`None` for a `HEAD` request, a `204` or a
/// `304`; the `Content-Length`; else to the end of the stream).
fn h2_rules(head: &ParsedHead, method: Method) -> Result<BodyLength, Vec<Error>> {
    const CONNECTION: [&str; 5] = [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
    ];
    let mut faults: Vec<Error> = Vec::new();
    let mut fault = |e: Malformed| {
        let e = Error::from(e);
        if !faults.contains(&e) {
            faults.push(e);
        }
    };
    let mut length: Option<u64> = None;
    for (name, value) in &head.fields {
        let name = std::str::from_utf8(name).unwrap_or("");
        if name.eq_ignore_ascii_case("content-length") {
            match content_length(value) {
                Some(n) if length.is_none_or(|l| l == n) => length = Some(n),
                _ => fault(Malformed::ContentLength),
            }
        } else if CONNECTION.iter().any(|c| name.eq_ignore_ascii_case(c)) {
            fault(Malformed::ConnectionSpecific);
        }
    }
    if head.status == 101 {
        fault(Malformed::Status(101));
    }
    if !faults.is_empty() {
        return Err(faults);
    }
    Ok(
        if method == Method::Head || matches!(head.status, 204 | 304) {
            BodyLength::None
        } else {
            length.map_or(BodyLength::EndOfStream, BodyLength::Length)
        },
    )
}

/// The HTTP/2 answer the HTTP/1 parsed answer `h1` stands for: the same, but the version,
/// the body length given, keep-alive, and reuse by origin alone.
fn as_h2(h1: &Step, leg: H2, body: BodyLength) -> Step {
    let mut s = h1.clone();
    for o in [Some(&mut s.outcome), s.ended.as_mut()]
        .into_iter()
        .flatten()
    {
        h2_outcome(o, leg, body);
    }
    s
}

/// How the HTTP/2 leg runs: the version, and names handed over in lower case.
#[derive(Debug, Clone, Copy)]
struct H2 {
    version: Version,
    lower: bool,
}

fn h2_head(h: &mut Head, leg: H2, body: BodyLength) {
    h.version = leg.version;
    h.body_length = body;
    h.keep_alive = true;
    if leg.lower {
        for (n, _) in &mut h.headers {
            n.make_ascii_lowercase();
        }
    }
}

fn h2_outcome(o: &mut Outcome, leg: H2, body: BodyLength) {
    norm_outcome(o, |h| h2_head(h, leg, body));
    if let Outcome::Redirect {
        reuse, from, next, ..
    } = o
    {
        *reuse = same_origin(from, &next.url);
    }
}

/// Errors a head gives before its fields are read for their meaning: the same whatever
/// the version.
fn read_error(o: &Outcome) -> bool {
    matches!(
        o,
        Outcome::Error(
            Error::TooManyHeaders { .. }
                | Error::HeadTooLarge { .. }
                | Error::MalformedResponse(Malformed::Syntax(_))
        )
    ) || matches!(o, Outcome::Error(Error::MalformedResponse(Malformed::Status(s))) if *s != 101)
}

/// The HTTP/2 (or HTTP/3) machine's answer to a response whose heads are `heads`,
/// against the HTTP/1 parsed machine's (`h1`): the same when the head fails before its
/// fields are read for their meaning; else the error `h2_rules` says, or `h1` as HTTP/2
/// shows it (`as_h2`). `Some`: the HTTP/2 machine went the HTTP/1 one's way, with this
/// body length when the head was read (`None`: it failed as only the HTTP/2 rules say, and
/// its leg ends).
fn check_h2(
    h2: &Step,
    h1: &Step,
    heads: &[ParsedHead],
    method: Method,
    leg: H2,
) -> Option<Option<BodyLength>> {
    let version = leg.version;
    let last = heads.last().expect("a head");
    let mut way = Some(None);
    let want = if read_error(&h1.outcome) || last.interim() {
        h1.clone()
    } else {
        match h2_rules(last, method) {
            Err(faults)
                if faults
                    .iter()
                    .any(|e| h2.outcome == Outcome::Error(e.clone())) =>
            {
                return None;
            }
            Err(faults) => Step {
                outcome: Outcome::Error(faults[0].clone()),
                spaces: None,
                turn: Vec::new(),
                ended: None,
            },
            Ok(body) => {
                way = Some(Some(body));
                as_h2(h1, leg, body)
            }
        }
    };
    if *h2 != want {
        differ(
            &format!(
                "{version:?} disagrees with the documented rules (for a malformed head: any of its faults)"
            ),
            &format!("heads: {}\nHTTP/1 parsed: {:?}", heads_text(heads), h1),
            (&format!("{version:?}"), step_lines(h2)),
            ("the rules", step_lines(&want)),
        )
    }
    way
}

/// Puts the odd field lines into the response: after the line end that follows the first
/// (or, `at_last`, the last) `HTTP/` of it.
fn with_odd_fields(bytes: &[u8], lines: &[&[u8]], at_last: bool) -> Vec<u8> {
    let starts: Vec<usize> = bytes
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == b"HTTP/")
        .map(|(i, _)| i)
        .collect();
    let start = if at_last {
        starts.last()
    } else {
        starts.first()
    };
    let Some(at) = start.and_then(|&s| {
        bytes[s..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| s + i + 1)
    }) else {
        return bytes.to_vec();
    };
    let eol: &[u8] = if bytes[..at].ends_with(b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    let mut out = bytes[..at].to_vec();
    for l in lines {
        out.extend_from_slice(l);
        out.extend_from_slice(eol);
    }
    out.extend_from_slice(&bytes[at..]);
    out
}

// ---------------------------------------------------------------------------------------
// Reports: one `key: value` line per thing compared, bytes escaped, so a finding prints
// the lines that differ first.

fn esc(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

fn head_lines(p: &str, h: &Head, out: &mut Vec<String>) {
    out.push(format!("{p}status: {}", h.status));
    out.push(format!("{p}version: {:?}", h.version));
    out.push(format!("{p}reason: {:?}", h.reason));
    out.push(format!("{p}head_len: {}", h.head_len));
    for (n, v) in &h.headers {
        out.push(format!("{p}header: {n}: {}", esc(v)));
    }
    out.push(format!("{p}body_length: {:?}", h.body_length));
    out.push(format!("{p}keep_alive: {}", h.keep_alive));
}

fn next_lines(p: &str, n: &Next, out: &mut Vec<String>) {
    out.push(format!("{p}method: {}", n.method));
    out.push(format!("{p}url: {}", n.url));
    for (k, v) in &n.headers {
        out.push(format!("{p}header: {k}: {}", esc(v)));
    }
    out.push(format!("{p}send_body: {}", n.send_body));
    out.push(format!("{p}write_head: {}", esc(&n.head)));
}

fn outcome_lines(p: &str, o: &Outcome, out: &mut Vec<String>) {
    match o {
        Outcome::NeedData => out.push(format!("{p}NeedData")),
        Outcome::Error(e) => out.push(format!("{p}Error: {e:?}")),
        Outcome::Final {
            response,
            url,
            redirects,
            history,
        } => {
            out.push(format!("{p}Final"));
            head_lines(&format!("{p}response."), response, out);
            out.push(format!("{p}url: {url}"));
            out.push(format!("{p}redirects: {redirects}"));
            out.push(format!("{p}history: {history:?}"));
        }
        Outcome::Redirect {
            response,
            number,
            from,
            method_change,
            method_rule,
            body_dropped,
            removed,
            reuse,
            referrer,
            hsts,
            next,
        } => {
            out.push(format!("{p}Redirect"));
            head_lines(&format!("{p}response."), response, out);
            out.push(format!("{p}number: {number}"));
            out.push(format!("{p}from: {from}"));
            out.push(format!(
                "{p}method_change: {method_change:?} {method_rule:?}"
            ));
            out.push(format!("{p}body_dropped: {body_dropped}"));
            out.push(format!("{p}removed_headers: {removed:?}"));
            out.push(format!("{p}reuse_connection: {reuse}"));
            out.push(format!("{p}referrer_decision: {referrer:?}"));
            out.push(format!("{p}hsts_upgrade: {hsts:?}"));
            next_lines(&format!("{p}next."), next, out);
        }
    }
}

fn step_lines(s: &Step) -> Vec<String> {
    let mut out = Vec::new();
    outcome_lines("", &s.outcome, &mut out);
    out.push(format!("address_spaces: {:?}", s.spaces));
    for t in &s.turn {
        out.push(format!("turn: {t}"));
    }
    if let Some(o) = &s.ended {
        outcome_lines("ended: ", o, &mut out);
    }
    out
}

fn snapshot_lines(s: &Snapshot) -> Vec<String> {
    let mut out = vec![
        format!("url: {}", s.url),
        format!("redirects: {}", s.redirects),
        format!("history: {:?}", s.history),
        format!("finished: {}", s.finished),
    ];
    next_lines("request.", &s.request, &mut out);
    out.push(format!("referrer_decision: {:?}", s.referrer));
    out.push(format!("hsts_upgrade: {:?}", s.hsts));
    out.push(format!("address_space: {:?}", s.space));
    out.push(format!("check_address: {:?}", s.addresses));
    match &s.last {
        Some(h) => head_lines("last_response.", h, &mut out),
        None => out.push("last_response: None".to_string()),
    }
    match &s.pending {
        Some(o) => outcome_lines("pending_redirect: ", o, &mut out),
        None => out.push("pending_redirect: None".to_string()),
    }
    out
}

/// Panics with what differs (lines only in one of them), then both in full.
fn differ(
    what: &str,
    context: &str,
    (la, a): (&str, Vec<String>),
    (lb, b): (&str, Vec<String>),
) -> ! {
    let only = |x: &[String], y: &[String], mark: &str| {
        x.iter()
            .filter(|l| !y.contains(l))
            .map(|l| format!("  {mark} {l}\n"))
            .collect::<String>()
    };
    let full = |x: &[String]| x.iter().map(|l| format!("    {l}\n")).collect::<String>();
    panic!(
        "{what}\n{context}\nonly in {la} (-) / {lb} (+):\n{}{}{la}:\n{}{lb}:\n{}",
        only(&a, &b, "-"),
        only(&b, &a, "+"),
        full(&a),
        full(&b)
    )
}

/// The heads as the harness gave them, escaped.
fn heads_text(heads: &[ParsedHead]) -> String {
    heads
        .iter()
        .map(|h| {
            let fields: String = h
                .fields
                .iter()
                .map(|(n, v)| format!("{}: {} | ", esc(n), esc(v)))
                .collect();
            format!("[{:?} {} | {fields}]", h.version, h.status)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Invariant (agree): see the module docs. Panics with both answers on a difference.
pub fn check_agree(input: &Input) {
    let (case, policy, v2) = input.render();
    let pad = input.limits & 64 != 0;
    let leg = H2 {
        version: v2,
        lower: input.limits & 128 != 0,
    };

    let start = |policy| Follow::new(case.request(), policy);
    let (mut bytes_m, mut h1_m, mut h2_m) =
        match (start(policy.clone()), start(policy.clone()), start(policy)) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, Some(c)),
            (a, b, c) => {
                let e = |r: Result<Follow, Error>| r.err();
                let (a, b, c) = (e(a), e(b), e(c));
                assert!(
                    a.is_some() && a == b && a == c,
                    "Follow::new: {a:?} {b:?} {c:?}"
                );
                return;
            }
        };

    for (i, bytes) in case.responses.iter().enumerate() {
        let action = case.actions.get(i).cloned().unwrap_or_default();
        let (parsed, unparsed) = parse_heads(bytes);
        let heads = as_stack_gives(&parsed, pad, false);
        let method = h1_m.request().method();
        let by_bytes = step(&mut bytes_m, Feed::Bytes(bytes), &action, i);
        if is_head_too_large(&by_bytes.outcome) {
            return;
        }
        if heads.is_empty() || (unparsed.is_some() && heads.iter().all(ParsedHead::interim)) {
            // Nothing or only interim heads a stack would pass on. They may fail already
            // (a field limit, a bad field): then as on the byte path.
            let mut early = None;
            if !heads.is_empty() {
                let s = step(&mut h1_m, Feed::Heads(None, &heads), &action, i);
                if is_head_too_large(&s.outcome) {
                    return;
                }
                if s.outcome != Outcome::NeedData {
                    early = Some(s);
                }
            }
            match early {
                Some(s) if s != as_parsed(&by_bytes) => differ(
                    &format!("response {i}: an interim head's answer differs"),
                    &format!("bytes: {}\nheads: {}", esc(bytes), heads_text(&heads)),
                    ("the byte path", step_lines(&as_parsed(&by_bytes))),
                    ("the parsed path", step_lines(&s)),
                ),
                Some(_) => {}
                None => {
                    let why = unparsed.expect("no head is an unparsed one");
                    assert!(
                        unparsed_ok(&by_bytes.outcome, why),
                        "response {i}: the harness's parser says {why:?}, the byte path {:?}\nbytes: {}",
                        by_bytes.outcome,
                        esc(bytes)
                    );
                }
            }
            return;
        }
        let by_h1 = step(&mut h1_m, Feed::Heads(None, &heads), &action, i);
        if is_head_too_large(&by_h1.outcome) {
            return;
        }
        check_parsed_head(&by_h1, "HTTP/1 parsed");
        let want = as_parsed(&by_bytes);
        let context = || format!("bytes: {}\nheads: {}", esc(bytes), heads_text(&heads));
        if by_h1 != want {
            differ(
                &format!("response {i}: the two entry points disagree"),
                &context(),
                ("the byte path", step_lines(&want)),
                ("the parsed path", step_lines(&by_h1)),
            );
        }
        let (sa, sb) = (snapshot(&mut bytes_m, bytes), snapshot(&mut h1_m, &[]));
        let sa = norm_snapshot(&sa);
        if sa != sb {
            differ(
                &format!("response {i}: the machines differ after the step"),
                &context(),
                ("the byte path", snapshot_lines(&sa)),
                ("the parsed path", snapshot_lines(&sb)),
            );
        }

        if let Some(c) = &mut h2_m {
            let h2_heads = as_stack_gives(&parsed, pad, leg.lower);
            let by_h2 = step(c, Feed::Heads(Some(v2), &h2_heads), &action, i);
            check_parsed_head(&by_h2, "HTTP/2");
            match check_h2(&by_h2, &by_h1, &h2_heads, method, leg) {
                None => h2_m = None,
                Some(body) => {
                    // Where the chain stands is the HTTP/1 machine's, the last response
                    // and the pending redirect as HTTP/2 shows them.
                    let sc = snapshot(c, &[]);
                    let mut want = sb.clone();
                    if let Some(body) = body {
                        if let Some(h) = &mut want.last {
                            h2_head(h, leg, body);
                        }
                        if let Some(o) = &mut want.pending {
                            h2_outcome(o, leg, body);
                        }
                    }
                    if sc != want {
                        differ(
                            &format!("response {i}: the {v2:?} machine differs after the step"),
                            &context(),
                            (&format!("{v2:?}"), snapshot_lines(&sc)),
                            ("HTTP/1 parsed, as HTTP/2", snapshot_lines(&want)),
                        );
                    }
                    if !matches!(by_h2.outcome, Outcome::Redirect { .. }) || by_h2.ended.is_some() {
                        h2_m = None;
                    }
                }
            }
        }

        let followed = matches!(by_h1.outcome, Outcome::Redirect { .. }) && by_h1.ended.is_none();
        if !followed {
            return;
        }
        take(&mut bytes_m, bytes, "the byte path");
        take(&mut h1_m, &[], "the parsed path");
        if let Some(c) = &mut h2_m {
            take(c, &[], &format!("{v2:?}"));
        }
    }
}

/// The caller takes the redirect a step left proposed: `Redirect::follow` on the handle
/// `pending_redirect` gives back for `buf` (the bytes that completed it, `&[]` for a
/// parsed head) gives the request the machine showed, and nothing is pending after it.
fn take(follow: &mut Follow, buf: &[u8], side: &str) {
    let shown = next_of(follow.request());
    let r = follow
        .pending_redirect(buf)
        .unwrap_or_else(|| panic!("{side}: no redirect pending to follow"));
    let next = next_of(r.follow());
    assert_eq!(
        next, shown,
        "{side}: Redirect::follow gives the request shown"
    );
    assert!(
        follow.pending_redirect(buf).is_none(),
        "{side}: a redirect pending after follow"
    );
}
