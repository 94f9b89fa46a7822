//! The one table of request header classes, and the request headers as the machine keeps
//! them: every field's `Name: value\r\n` line in one buffer, in order, so that writing a
//! head copies the lines as they stand, and what the rules need to know about them.

use alloc::vec::Vec;

use crate::error::InvalidRequest;
use crate::policy::Policy;
use crate::syntax::{is_field_value, is_token};

mod removed;

pub(crate) use removed::Removed;
use removed::{Gone, bury};

/// What a request header is to the redirect rules: a set of classes, from [`HEADER_CLASSES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Class(u16);

impl Class {
    /// None of the classes: the header goes to every request of the chain.
    pub(crate) const NONE: Class = Class(0);
    /// Describes the request body (Fetch's "request-body-header name", plus `Expect`): it
    /// goes when the body is dropped, under the `fetch` rules.
    pub(crate) const BODY: Class = Class(1);
    /// The body's framing (`Content-Length`, `Transfer-Encoding`) and `Expect`: wrong on
    /// any request without the body, so it goes whenever the body is dropped.
    pub(crate) const FRAMING: Class = Class(2);
    /// Bound to the origin it was set for (the credential rule applies).
    pub(crate) const CREDENTIAL: Class = Class(4);
    /// A proxy credential: for the proxy that serves its origin only. No credential rule or
    /// trusted origin extends it (requests CVE-2023-32681: behind a tunnel to an `https`
    /// URL the head reaches the destination server).
    pub(crate) const PROXY: Class = Class(8);
    /// `Host`: when the caller sets it, the machine does not write the URL's authority.
    /// It is bound to the authority (host and port) of the request it was set for: no
    /// credential rule or trusted origin extends it.
    pub(crate) const HOST: Class = Class(16);
    /// `Referer`: recomputed on every redirect from the referrer, never forwarded.
    pub(crate) const REFERER: Class = Class(32);
    /// `Origin`: becomes `null` once the chain is redirect-tainted.
    pub(crate) const ORIGIN: Class = Class(64);
    /// The `Cookie` a cookie jar gives a request: written by the machine for each
    /// request, never forwarded.
    pub(crate) const COOKIE_JAR: Class = Class(128);
    /// `Content-Length`: every one must state the same length, and none may come with
    /// `Transfer-Encoding`.
    pub(crate) const LENGTH: Class = Class(256);
    /// `Transfer-Encoding`.
    pub(crate) const CODING: Class = Class(512);
    /// `Expect` (its `100-continue` changes what reuses a connection).
    pub(crate) const EXPECT: Class = Class(1024);
    /// `Connection` (its `close` option ends the connection).
    pub(crate) const CONNECTION: Class = Class(2048);
    /// The classes the credential step decides on each redirect.
    pub(crate) const BOUND: Class = Class::CREDENTIAL.or(Class::HOST);

    pub(crate) const fn or(self, other: Class) -> Class {
        Class(self.0 | other.0)
    }

    /// Whether `self` has any class of `other`.
    pub(crate) const fn has(self, other: Class) -> bool {
        self.0 & other.0 != 0
    }
}

/// Every request header name the rules treat specially, lower case, with its classes.
/// Any other name is [`Class::NONE`] unless the policy names it a credential.
///
/// Credentials are Go's `makeHeadersCopier` sensitive list (Go CVE-2025-4673 added the
/// proxy ones). A caller-set `Host` is bound to its authority and never follows the
/// request to another one (the URL's own authority is written instead).
pub(crate) const HEADER_CLASSES: &[(&str, Class)] = &[
    ("content-type", Class::BODY),
    ("content-encoding", Class::BODY),
    ("content-language", Class::BODY),
    ("content-location", Class::BODY),
    (
        "content-length",
        Class::BODY.or(Class::FRAMING).or(Class::LENGTH),
    ),
    (
        "transfer-encoding",
        Class::BODY.or(Class::FRAMING).or(Class::CODING),
    ),
    ("expect", Class::BODY.or(Class::FRAMING).or(Class::EXPECT)),
    ("authorization", Class::CREDENTIAL),
    ("cookie", Class::CREDENTIAL),
    ("cookie2", Class::CREDENTIAL),
    ("www-authenticate", Class::CREDENTIAL),
    ("proxy-authorization", Class::CREDENTIAL.or(Class::PROXY)),
    ("proxy-authenticate", Class::CREDENTIAL.or(Class::PROXY)),
    (
        "proxy-authentication-info",
        Class::CREDENTIAL.or(Class::PROXY),
    ),
    ("host", Class::HOST),
    ("referer", Class::REFERER),
    ("origin", Class::ORIGIN),
    ("connection", Class::CONNECTION),
];

/// [`HEADER_CLASSES`] by name length (index: the length), so that a name is compared with
/// the few of its length only (most names, `Accept-Language` or `User-Agent`, with none).
/// `by_length_is_the_table` checks it holds the table's rows exactly.
const BY_LENGTH: [&[(&str, Class)]; 26] = {
    const T: &[(&str, Class)] = HEADER_CLASSES;
    [
        &[],
        &[],
        &[],
        &[],
        &[T[14]],
        &[],
        &[T[6], T[8], T[16]],
        &[T[9], T[15]],
        &[],
        &[],
        &[T[17]],
        &[],
        &[T[0]],
        &[T[7]],
        &[T[4]],
        &[],
        &[T[1], T[2], T[3], T[10]],
        &[T[5]],
        &[T[12]],
        &[T[11]],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[T[13]],
    ]
};

/// The classes of the header `name` (case-insensitive); `extra_credential` says whether
/// the policy names it a credential too.
pub(crate) fn classify(name: &str, extra_credential: bool) -> Class {
    let class = BY_LENGTH
        .get(name.len())
        .and_then(|rows| rows.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
        .map_or(Class::NONE, |&(_, c)| c);
    if extra_credential {
        class.or(Class::CREDENTIAL)
    } else {
        class
    }
}

/// Why a header is not in the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemovalReason {
    /// A header that describes the request body, removed because the body was dropped:
    /// under the `fetch` and `strict` rules `Content-Type`, `Content-Encoding`,
    /// `Content-Language`, `Content-Location`, `Content-Length`, `Transfer-Encoding` and
    /// `Expect`; under `curl` only `Content-Length`, `Transfer-Encoding` and `Expect`.
    BodyDropped,
    /// A credential (`Authorization`, `Cookie`, `Cookie2`, `WWW-Authenticate`,
    /// `Proxy-Authorization`, `Proxy-Authenticate`, `Proxy-Authentication-Info`, names the
    /// policy adds) or a caller-set `Host`, not sent because the request goes to an origin
    /// other than the one it was set for.
    CrossOrigin,
    /// Removed by the caller ([`Redirect::remove_header`](crate::Redirect::remove_header)
    /// or [`Redirect::set_header`](crate::Redirect::set_header)).
    Caller,
    /// A caller-set `Host`, not sent because the request goes to another authority (host
    /// and port) than the one it was set for, whatever the credential rule and trusted
    /// origins.
    OtherAuthority,
    /// A caller-set `Referer`: sent as it is on its own request only, then the referrer
    /// the machine recomputes `Referer` from
    /// ([`Redirect::referrer_decision`](crate::Redirect::referrer_decision)).
    Recomputed,
    /// A caller-set `Origin`, replaced by `Origin: null` because the chain is
    /// redirect-tainted (Fetch: it went from an origin other than the request's own to yet
    /// another origin).
    RedirectTainted,
    /// A caller-set `Origin` on a request with a request mode
    /// ([`Request::mode`](crate::Request::mode)): the machine writes the `Origin` of every
    /// request ([`Redirect::origin_decision`](crate::Redirect::origin_decision)).
    RequestMode,
}

/// One request header as the machine keeps it: where its line is in the buffer, and what
/// it is to the rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// Where its line `Name: value\r\n` starts in the buffer.
    at: usize,
    name_len: usize,
    value_len: usize,
    /// Its place among every field the chain had (the order `removed_headers` keeps).
    seq: u64,
    pub(crate) class: Class,
    /// `Some((reason, n))`: removed for good on redirect number `n` (1-based; 0 for the
    /// first request).
    pub(crate) removed: Option<(RemovalReason, u32)>,
    /// Left out of the current request only (the `curl` credential scope); decided again
    /// on every redirect.
    pub(crate) withheld: bool,
    /// The request (0 = the first) whose origin a credential was set for.
    pub(crate) set_for: u32,
    /// Written by the machine (a recomputed `Referer`, `Origin: null`), not the caller.
    pub(crate) machine: bool,
}

impl Field {
    /// Whether the field goes out with the current request.
    pub(crate) fn sent(&self) -> bool {
        self.removed.is_none() && !self.withheld
    }

    /// A credential or `Host` that has not been removed for good (it may be withheld for
    /// now): the credential step has something to decide.
    pub(crate) fn live_bound(&self) -> bool {
        self.class.has(Class::BOUND) && self.removed.is_none()
    }

    /// The name, as the caller wrote it (`buf`: the buffer of the fields' lines).
    pub(crate) fn name<'b>(&self, buf: &'b [u8]) -> &'b str {
        // A name is a token (checked when it was added): ASCII.
        core::str::from_utf8(self.name_bytes(buf)).unwrap_or_default()
    }

    /// The name's bytes.
    pub(crate) fn name_bytes<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        buf.get(self.at..self.at + self.name_len)
            .unwrap_or_default()
    }

    /// Whether the field is named `name` (any case).
    pub(crate) fn is_named(&self, buf: &[u8], name: &str) -> bool {
        let own = buf
            .get(self.at..self.at + self.name_len)
            .unwrap_or_default();
        own.eq_ignore_ascii_case(name.as_bytes())
    }

    /// The value.
    pub(crate) fn value<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        let start = self.at + self.name_len + 2;
        buf.get(start..start + self.value_len).unwrap_or_default()
    }

    /// `Name: value\r\n`.
    pub(crate) fn line<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        buf.get(self.at..self.end()).unwrap_or_default()
    }

    fn end(&self) -> usize {
        self.at + self.name_len + self.value_len + 4
    }

    /// The value as a URL, if it is one (a `Referer` or `Origin` the caller set).
    pub(crate) fn url(&self, buf: &[u8]) -> Option<url::Url> {
        core::str::from_utf8(self.value(buf))
            .ok()
            .and_then(|v| url::Url::parse(v).ok())
    }
}

/// Appends `name: value` (already checked) to the lines `buf` and its field to `fields`.
/// The first line reserves room for a few more, so that a request with a handful of
/// headers allocates its lines once.
pub(crate) fn push_line(
    buf: &mut Vec<u8>,
    fields: &mut Vec<Field>,
    name: &str,
    value: &[u8],
    class: Class,
    seq: u64,
) {
    let len = name.len() + value.len() + 4;
    if buf.capacity() == 0 {
        buf.reserve(len.max(FIRST_LINES));
    }
    let at = buf.len();
    buf.extend_from_slice(name.as_bytes());
    buf.extend_from_slice(b": ");
    buf.extend_from_slice(value);
    buf.extend_from_slice(b"\r\n");
    fields.push(Field {
        at,
        name_len: name.len(),
        value_len: value.len(),
        seq,
        class,
        removed: None,
        withheld: false,
        set_for: 0,
        machine: false,
    });
}

/// The room the first header line reserves (bytes): four browser-like headers fit.
const FIRST_LINES: usize = 256;

/// The request headers: the fields, their lines, and what the rules read of them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Headers {
    /// The line of every field in `fields`, in their order, and the lines of fields
    /// dropped since the last compaction (at most as many bytes as the fields').
    pub(crate) buf: Vec<u8>,
    pub(crate) fields: Vec<Field>,
    /// Caller fields removed on earlier redirects, by `seq`.
    gone: Vec<Gone>,
    /// What the rules read of the fields.
    seen: Seen,
}

/// What the rules read of the fields, worked out in one pass ([`Headers::refresh`]) and
/// kept up to date by each addition.
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// The classes of the live (not removed) fields, and of the sent ones.
    live: Class,
    sent: Class,
    /// `buf[run.0..run.1]` holds the lines of the sent fields, one after the other
    /// (unless `scattered`): writing a head copies it in one piece.
    run: (u32, u32),
    scattered: bool,
    /// The index in `fields` of a live `Content-Length` (`u32::MAX`: none).
    length: u32,
    /// A field is removed.
    removed: bool,
    /// A live caller-set `Origin`.
    origin: bool,
    /// A sent `Expect` asks for `100-continue`.
    expect_continue: bool,
    /// A sent `Connection` has the `close` option.
    close: bool,
}

impl Default for Seen {
    fn default() -> Seen {
        Seen {
            live: Class::NONE,
            sent: Class::NONE,
            run: (0, 0),
            scattered: false,
            length: u32::MAX,
            removed: false,
            origin: false,
            expect_continue: false,
            close: false,
        }
    }
}

impl Seen {
    /// Adds field `i`, `f`, whose line is in `buf`.
    #[inline(always)]
    fn add(&mut self, f: &Field, i: usize, buf: &[u8]) {
        if f.removed.is_some() {
            self.removed = true;
            return;
        }
        let class = f.class;
        self.live = self.live.or(class);
        self.origin |= class.has(Class::ORIGIN) && !f.machine;
        if class.has(Class::LENGTH) && self.length == u32::MAX {
            self.length = u32::try_from(i).unwrap_or(u32::MAX);
        }
        if f.withheld {
            return;
        }
        self.sent = self.sent.or(class);
        if class.has(Class::EXPECT.or(Class::CONNECTION)) {
            self.expect_continue |=
                class.has(Class::EXPECT) && has_token(f.value(buf), b"100-continue");
            self.close |= class.has(Class::CONNECTION) && has_token(f.value(buf), b"close");
        }
        if self.scattered {
            return;
        }
        match (u32::try_from(f.at), u32::try_from(f.end())) {
            (Ok(at), Ok(end)) if self.run.0 == self.run.1 => self.run = (at, end),
            (Ok(at), Ok(end)) if self.run.1 == at => self.run.1 = end,
            _ => self.scattered = true,
        }
    }
}

impl Headers {
    /// The headers of a first request, from its lines and fields ([`push_line`]), under
    /// `policy` (which may name more credentials). What the rules
    /// read of them is worked out by the [`Headers::refresh`] that follows.
    pub(crate) fn new(buf: Vec<u8>, mut fields: Vec<Field>, policy: &Policy) -> Headers {
        if policy.has_extra_credentials() {
            for f in &mut fields {
                if policy.is_extra_credential(f.name(&buf)) {
                    f.class = f.class.or(Class::CREDENTIAL);
                }
            }
        }
        Headers {
            buf,
            fields,
            ..Headers::default()
        }
    }

    /// Adds a field set for request `set_for` (the machine's when `machine`), after the
    /// others: its line is appended, and what the rules read of the fields updated.
    pub(crate) fn push(
        &mut self,
        name: &str,
        value: &[u8],
        class: Class,
        set_for: u32,
        machine: bool,
    ) {
        let seq = self.next_seq();
        push_line(&mut self.buf, &mut self.fields, name, value, class, seq);
        let i = self.fields.len() - 1;
        if let Some(f) = self.fields.get_mut(i) {
            f.set_for = set_for;
            f.machine = machine;
            self.seen.add(f, i, &self.buf);
        }
    }

    /// The `seq` of the next field: after every field kept and every run of `gone`.
    fn next_seq(&self) -> u64 {
        let field = self.fields.last().map_or(0, |f| f.seq + 1);
        field.max(self.gone.last().map_or(0, |g| g.last + 1))
    }

    /// Adds a field the machine writes for request `set_for`.
    pub(crate) fn push_machine(&mut self, name: &str, value: &[u8], class: Class, set_for: u32) {
        self.push(name, value, class, set_for, true);
    }

    /// Works out again what the rules read of the fields (after any change but an
    /// addition), and drops the lines of dropped fields once they are as many bytes as the
    /// fields' own.
    pub(crate) fn refresh(&mut self) {
        let mut kept = 0;
        let mut seen = Seen::default();
        for (i, f) in self.fields.iter().enumerate() {
            kept += f.end() - f.at;
            seen.add(f, i, &self.buf);
        }
        if self.buf.len() - kept > kept {
            self.compact();
            seen = Seen::default();
            for (i, f) in self.fields.iter().enumerate() {
                seen.add(f, i, &self.buf);
            }
        }
        self.seen = seen;
    }

    /// A sent field is `Host` (then the URL's authority is not written).
    pub(crate) fn host(&self) -> bool {
        self.seen.sent.has(Class::HOST)
    }

    /// A field is a live credential or `Host`: the credential step has something to decide.
    pub(crate) fn credentials(&self) -> bool {
        self.seen.live.has(Class::BOUND)
    }

    /// A live (not removed) `Referer` field exists, the caller's or the machine's.
    pub(crate) fn referer(&self) -> bool {
        self.seen.live.has(Class::REFERER)
    }

    /// A live caller-set `Origin` field exists.
    pub(crate) fn origin(&self) -> bool {
        self.seen.origin
    }

    /// Moves the fields' lines to the front of the buffer, dropping the others.
    fn compact(&mut self) {
        let mut to = 0;
        for f in &mut self.fields {
            let (from, end) = (f.at, f.end());
            self.buf.copy_within(from..end, to);
            f.at = to;
            to += end - from;
        }
        self.buf.truncate(to);
    }

    /// On a new redirect: what was removed on an earlier one can never come back (only
    /// the current redirect can be taken back), so it goes. The machine's fields go
    /// outright; of the caller's, only what [`Headers::removed`] reports stays (folded
    /// into the runs of [`Gone`]), so that a header edited on every hop keeps nothing
    /// per hop and costs no more per hop.
    #[inline]
    pub(crate) fn forget_removed(&mut self) {
        if self.seen.removed {
            self.forget();
        }
    }

    fn forget(&mut self) {
        let Headers {
            buf, fields, gone, ..
        } = self;
        // The `seq` of the last caller field kept so far (fields are in `seq` order): a
        // run of `gone` may not fold over it.
        let mut kept: Option<u64> = None;
        fields.retain(|f| {
            let Some((reason, at)) = f.removed else {
                if !f.machine {
                    kept = Some(f.seq);
                }
                return true;
            };
            if !f.machine {
                bury(gone, f.name(buf), reason, at, f.seq, kept);
            }
            false
        });
        self.refresh();
    }

    /// The lines of the sent fields, when they are one run of the buffer.
    pub(crate) fn sent_lines(&self) -> Option<&[u8]> {
        let Seen { run, scattered, .. } = self.seen;
        if scattered {
            return None;
        }
        self.buf.get(run.0 as usize..run.1 as usize)
    }

    /// The sent fields, in order: name and value.
    pub(crate) fn sent(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let buf = &self.buf;
        self.fields
            .iter()
            .filter(|f| f.sent())
            .map(move |f| (f.name(buf), f.value(buf)))
    }

    /// The sent fields, in order, the names as bytes (no UTF-8 check: they are tokens).
    pub(crate) fn sent_bytes(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let buf = &self.buf;
        self.fields
            .iter()
            .filter(|f| f.sent())
            .map(move |f| (f.name_bytes(buf), f.value(buf)))
    }

    /// Every caller field the request with `n` redirects behind it does not carry, in
    /// order: its name, why and on which redirect it was removed (a withheld one: on
    /// `n`). A name some sent caller field has is carried, so not reported.
    pub(crate) fn removed(&self, n: u32) -> Removed<'_> {
        Removed {
            h: self,
            n,
            gone: 0,
            member: 0,
            field: 0,
        }
    }

    /// Whether a sent caller field is named `name` (any case).
    fn carries(&self, name: &str) -> bool {
        self.fields
            .iter()
            .any(|g| !g.machine && g.sent() && g.is_named(&self.buf, name))
    }

    /// Removes for good every live field of `class` the machine wrote.
    pub(crate) fn remove_machine_class(&mut self, class: Class, reason: RemovalReason, at: u32) {
        for f in &mut self.fields {
            if f.machine && f.class.has(class) && f.removed.is_none() {
                f.removed = Some((reason, at));
            }
        }
    }

    /// Replaces the live field of `class` the machine wrote (a request mode's `Origin`, a
    /// jar's `Cookie`) with `name: value` for request `n`, or with none when `value` is
    /// empty. Whether the field list changed.
    pub(crate) fn replace_machine(
        &mut self,
        name: &str,
        class: Class,
        value: &[u8],
        n: u32,
    ) -> bool {
        let live = self
            .fields
            .iter()
            .position(|f| f.machine && f.class.has(class) && f.removed.is_none());
        if let Some(i) = live {
            if !value.is_empty() && self.fields[i].value(&self.buf) == value {
                return false;
            }
            self.fields[i].removed = Some((RemovalReason::Recomputed, n));
        }
        if !value.is_empty() {
            self.push_machine(name, value, class, n);
        }
        live.is_some() || !value.is_empty()
    }

    /// Whether the request announces `Expect: 100-continue`: a sent `Expect` field (any
    /// case) with the token `100-continue` (any case) in its list.
    pub(crate) fn expects_continue(&self) -> bool {
        self.seen.expect_continue
    }

    /// Whether a sent `Referer` field is the machine's (`machine`) or the caller's.
    pub(crate) fn sends_referer(&self, machine: bool) -> bool {
        self.fields
            .iter()
            .any(|f| f.class.has(Class::REFERER) && f.machine == machine && f.sent())
    }

    /// The first field of `class`, removed or not.
    pub(crate) fn first_of(&self, class: Class) -> Option<&Field> {
        self.fields.iter().find(|f| f.class.has(class))
    }

    /// Whether the request sends `Connection` with the `close` option (any case).
    pub(crate) fn announces_close(&self) -> bool {
        self.seen.close
    }

    /// Checks the field set a caller's edit would make: every field not removed for good
    /// (sent, or withheld from this request only, which a later request may send again),
    /// without those named `name` when the edit replaces them, plus `name: value`. The
    /// fields kept are a valid set already, so only what the new one adds is checked, in
    /// the order [`check_field_set`] finds it.
    pub(crate) fn check_edit(
        &self,
        name: &str,
        value: &[u8],
        replaces: bool,
    ) -> Result<(), InvalidRequest> {
        let class = classify(name, false);
        if class.has(Class::LENGTH) {
            let length = length_of(value)?;
            let kept = self
                .fields
                .get(self.seen.length as usize)
                .filter(|_| !replaces);
            if let Some(f) = kept {
                if length_of(f.value(&self.buf))? != length {
                    return Err(InvalidRequest::ContentLength);
                }
            }
        }
        let live = self.seen.live;
        if class.has(Class::HOST) && live.has(Class::HOST) && !replaces {
            return Err(InvalidRequest::DuplicateHost);
        }
        let length = self.seen.length != u32::MAX && !(replaces && class.has(Class::LENGTH));
        let coding = live.has(Class::CODING) && !(replaces && class.has(Class::CODING));
        if (class.has(Class::LENGTH) && coding) || (class.has(Class::CODING) && length) {
            return Err(InvalidRequest::ContentLengthWithTransferEncoding);
        }
        Ok(())
    }

    /// Checks the first request's fields as a set ([`check_field_set`]).
    pub(crate) fn check_set(&self) -> Result<(), InvalidRequest> {
        check_field_set(self.fields.iter().map(|f| (f.class, f.value(&self.buf))))
    }

    /// Removes for good every live field of `class`; whether any was removed.
    pub(crate) fn remove_class(&mut self, class: Class, reason: RemovalReason, at: u32) -> bool {
        let mut changed = false;
        for f in &mut self.fields {
            if f.class.has(class) && f.removed.is_none() {
                f.removed = Some((reason, at));
                changed = true;
            }
        }
        changed
    }
}

/// Whether the comma-separated list `value` has `token` (any case).
pub(crate) fn has_token(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token))
}

/// Checks a header the caller gives (on the first request or in a per-redirect edit): the
/// name is a token, the value has no control character but HTAB (the bytes the `http`
/// crate's `HeaderValue` refuses).
pub(crate) fn validate_header(name: &str, value: &[u8]) -> Result<(), InvalidRequest> {
    if !is_token(name.as_bytes()) {
        return Err(InvalidRequest::HeaderName);
    }
    if !is_field_value(value) {
        return Err(InvalidRequest::HeaderValue);
    }
    Ok(())
}

/// Checks a complete set of request fields (their classes and values) for what would make
/// the request ambiguous on the wire: two `Host` fields, `Content-Length` with
/// `Transfer-Encoding`, or `Content-Length` fields that do not state one length (RFC 9110
/// §8.6, RFC 9112 §6.3).
pub(crate) fn check_field_set<'a>(
    fields: impl IntoIterator<Item = (Class, &'a [u8])>,
) -> Result<(), InvalidRequest> {
    let (mut hosts, mut coding) = (0, false);
    // The one length every `Content-Length` value states, without leading zeros.
    let mut length: Option<&[u8]> = None;
    for (class, value) in fields {
        if class.has(Class::HOST) {
            hosts += 1;
        } else if class.has(Class::LENGTH) {
            let stated = length_of(value)?;
            match length {
                Some(l) if l != stated => return Err(InvalidRequest::ContentLength),
                _ => length = Some(stated),
            }
        } else if class.has(Class::CODING) {
            coding = true;
        }
    }
    if hosts > 1 {
        return Err(InvalidRequest::DuplicateHost);
    }
    if length.is_some() && coding {
        return Err(InvalidRequest::ContentLengthWithTransferEncoding);
    }
    Ok(())
}

/// The one length a `Content-Length` value states (a list of the same decimal length
/// repeated), without leading zeros; [`InvalidRequest::ContentLength`] if it states none
/// or several.
fn length_of(value: &[u8]) -> Result<&[u8], InvalidRequest> {
    let mut length: Option<&[u8]> = None;
    for item in value.split(|&b| b == b',') {
        let digits = item.trim_ascii();
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(InvalidRequest::ContentLength);
        }
        let first_nonzero = digits.iter().position(|&b| b != b'0');
        let digits = first_nonzero.map_or(&b"0"[..], |i| &digits[i..]);
        match length {
            Some(l) if l != digits => return Err(InvalidRequest::ContentLength),
            _ => length = Some(digits),
        }
    }
    length.ok_or(InvalidRequest::ContentLength)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::borrow::ToOwned;
    use alloc::string::String;

    #[test]
    fn classification_table() {
        let body_framing = Class::BODY.or(Class::FRAMING);
        let length = body_framing.or(Class::LENGTH);
        let coding = body_framing.or(Class::CODING);
        let expect = body_framing.or(Class::EXPECT);
        let proxy = Class::CREDENTIAL.or(Class::PROXY);
        let cases: &[(&str, bool, Class)] = &[
            ("Content-Type", false, Class::BODY),
            ("content-length", false, length),
            ("Transfer-Encoding", false, coding),
            ("EXPECT", false, expect),
            ("Connection", false, Class::CONNECTION),
            ("Authorization", false, Class::CREDENTIAL),
            ("cookie", false, Class::CREDENTIAL),
            ("Proxy-Authorization", false, proxy),
            ("proxy-authenticate", false, proxy),
            ("Proxy-Authentication-Info", false, proxy),
            ("Cookie2", false, Class::CREDENTIAL),
            ("WWW-Authenticate", false, Class::CREDENTIAL),
            ("Host", false, Class::HOST),
            ("referer", false, Class::REFERER),
            ("Origin", false, Class::ORIGIN),
            ("Accept", false, Class::NONE),
            ("Accept-Language", false, Class::NONE),
            ("Hosts", false, Class::NONE),
            ("Cookie3", false, Class::NONE),
            ("Proxy-Authentication-Infos", false, Class::NONE),
            ("Content-Disposition", false, Class::NONE),
            ("X-Api-Key", true, Class::CREDENTIAL),
            ("Content-Type", true, Class::BODY.or(Class::CREDENTIAL)),
        ];
        let mut failed = Vec::new();
        for &(name, extra, want) in cases {
            let got = classify(name, extra);
            if got != want {
                failed.push(alloc::format!(
                    "{name} (extra {extra}): {got:?}, want {want:?}"
                ));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn table_names_are_lower_case_and_unique() {
        for (i, (name, _)) in HEADER_CLASSES.iter().enumerate() {
            assert_eq!(*name, name.to_ascii_lowercase(), "{name}");
            assert!(is_token(name.as_bytes()), "{name}");
            assert!(
                HEADER_CLASSES[..i].iter().all(|(n, _)| n != name),
                "{name} twice"
            );
        }
    }

    /// The figure the `Follow` docs give per request header field.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_field_takes_48_bytes() {
        assert_eq!(core::mem::size_of::<Field>(), 48);
    }

    #[test]
    fn by_length_is_the_table() {
        let mut rows = 0;
        for (len, of_len) in BY_LENGTH.iter().enumerate() {
            for row in *of_len {
                assert_eq!(row.0.len(), len, "{} under length {len}", row.0);
                assert!(HEADER_CLASSES.contains(row), "{} not in the table", row.0);
                rows += 1;
            }
        }
        assert_eq!(rows, HEADER_CLASSES.len(), "a row of the table is missing");
        for &(name, class) in HEADER_CLASSES {
            assert_eq!(classify(name, false), class, "{name}");
        }
    }

    /// A field as the list kept it when nothing was ever forgotten: what `removed` must
    /// report from.
    #[derive(Debug, Clone)]
    struct Kept {
        seq: u64,
        name: &'static str,
        removed: Option<(RemovalReason, u32)>,
        withheld: bool,
        machine: bool,
        host: bool,
    }

    /// `removed_headers` as it read the whole list: every caller field not sent, in order,
    /// unless a sent caller field has its name.
    fn report_of(all: &[Kept], n: u32) -> Vec<(String, RemovalReason, u32)> {
        let sent = |k: &Kept| k.removed.is_none() && !k.withheld;
        all.iter()
            .filter(|k| !k.machine)
            .filter_map(|k| {
                let (reason, at) = match k.removed {
                    Some(r) => r,
                    None if k.withheld && k.host => (RemovalReason::OtherAuthority, n),
                    None if k.withheld => (RemovalReason::CrossOrigin, n),
                    None => return None,
                };
                let carried = all
                    .iter()
                    .any(|g| !g.machine && sent(g) && g.name.eq_ignore_ascii_case(k.name));
                (!carried).then(|| (k.name.into(), reason, at))
            })
            .collect()
    }

    /// Random edits over many redirects, the list forgetting what was removed before each
    /// one: it reports exactly what the whole list would, in the same order.
    #[test]
    fn forgetting_keeps_the_report() {
        const NAMES: [&str; 5] = ["Cookie", "cookie", "X-A", "Host", "Authorization"];
        const REASONS: [RemovalReason; 3] = [
            RemovalReason::Caller,
            RemovalReason::CrossOrigin,
            RemovalReason::BodyDropped,
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut rand = |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        for round in 0..60 {
            let mut h = Headers::default();
            let mut all: Vec<Kept> = Vec::new();
            let mut n = 0;
            for _ in 0..300 {
                match rand(8) {
                    0 => {
                        n += 1;
                        h.forget_removed();
                    }
                    1 | 2 => {
                        let name = NAMES[rand(NAMES.len())];
                        let machine = rand(5) == 0;
                        let class = classify(name, false);
                        h.push(name, b"v", class, n, machine);
                        let seq = h.fields.last().unwrap().seq;
                        let host = class.has(Class::HOST);
                        all.push(Kept {
                            seq,
                            name,
                            removed: None,
                            withheld: false,
                            machine,
                            host,
                        });
                    }
                    3..=5 => {
                        let live: Vec<usize> = (0..h.fields.len())
                            .filter(|&i| h.fields[i].removed.is_none())
                            .collect();
                        if live.is_empty() {
                            continue;
                        }
                        let i = live[rand(live.len())];
                        let reason = REASONS[rand(REASONS.len())];
                        let f = &mut h.fields[i];
                        // The newest of that `seq`: a machine field forgotten from the end
                        // of the list leaves its `seq` to the next field.
                        let k = all.iter_mut().rev().find(|k| k.seq == f.seq).unwrap();
                        match rand(3) {
                            0 => {
                                f.withheld = !f.withheld;
                                k.withheld = f.withheld;
                            }
                            _ => {
                                f.removed = Some((reason, n));
                                k.removed = f.removed;
                            }
                        }
                        h.refresh();
                    }
                    6 => {
                        // A caller field added to this request and dropped again.
                        let Some(i) = h.fields.iter().rposition(|f| {
                            !f.machine && f.set_for == n && f.removed.is_none() && n > 0
                        }) else {
                            continue;
                        };
                        let seq = h.fields.remove(i).seq;
                        let k = all.iter().rposition(|k| k.seq == seq).unwrap();
                        all.remove(k);
                        h.refresh();
                    }
                    _ => {}
                }
                let got: Vec<_> = h
                    .removed(n)
                    .map(|(name, reason, at)| (name.into(), reason, at))
                    .collect();
                assert_eq!(got, report_of(&all, n), "round {round}, redirect {n}");
                let sent: Vec<_> = h.sent().map(|(n, v)| (n.to_owned(), v.to_vec())).collect();
                let want: Vec<_> = all
                    .iter()
                    .filter(|k| k.removed.is_none() && !k.withheld)
                    .map(|k| (k.name.to_owned(), b"v".to_vec()))
                    .collect();
                assert_eq!(sent, want, "round {round}, redirect {n}: sent");
                let lines: Vec<u8> = want
                    .iter()
                    .flat_map(|(n, v)| [n.as_bytes(), b": ", v, b"\r\n"].concat())
                    .collect();
                if let Some(run) = h.sent_lines() {
                    assert_eq!(run, &lines[..], "round {round}: the sent run");
                }
            }
        }
    }

    /// An edit is checked against what the rules read of the fields kept: the answer is
    /// the whole set's, for every valid set of up to three fields (some removed or
    /// withheld) and every edit of the names and values that matter.
    #[test]
    fn edits_are_checked_as_the_whole_set() {
        const FIELDS: [(&str, &str); 7] = [
            ("Host", "a"),
            ("Content-Length", "5"),
            ("content-length", "05, 5"),
            ("Content-Length", "6"),
            ("Transfer-Encoding", "chunked"),
            ("X", "1"),
            ("HOST", "b"),
        ];
        const EDITS: [(&str, &str); 9] = [
            ("Host", "c"),
            ("host", "a"),
            ("Content-Length", "5"),
            ("CONTENT-LENGTH", "005,5"),
            ("Content-Length", "6"),
            ("Content-Length", "x"),
            ("Content-Length", "5, 6"),
            ("Transfer-Encoding", "gzip"),
            ("X", "2"),
        ];
        let mut checked = 0;
        for a in FIELDS {
            for b in FIELDS {
                for c in FIELDS {
                    // Field 1 removed, field 2 withheld: neither, one or both.
                    for state in 0..4 {
                        let mut h = Headers::default();
                        for (k, (name, value)) in [a, b, c].into_iter().enumerate() {
                            h.push(name, value.as_bytes(), classify(name, false), 0, false);
                            let f = &mut h.fields[k];
                            if k == 1 && state & 1 == 1 {
                                f.removed = Some((RemovalReason::Caller, 0));
                            }
                            if k == 2 && state & 2 == 2 {
                                f.withheld = true;
                            }
                        }
                        h.refresh();
                        let kept = |h: &Headers| -> Vec<(Class, Vec<u8>)> {
                            h.fields
                                .iter()
                                .filter(|f| f.removed.is_none())
                                .map(|f| (f.class, f.value(&h.buf).to_vec()))
                                .collect()
                        };
                        let set = kept(&h);
                        if check_field_set(set.iter().map(|(c, v)| (*c, &v[..]))).is_err() {
                            continue;
                        }
                        for (name, value) in EDITS {
                            for replaces in [false, true] {
                                let mut whole: Vec<(Class, &[u8])> = h
                                    .fields
                                    .iter()
                                    .filter(|f| f.removed.is_none())
                                    .filter(|f| !(replaces && f.is_named(&h.buf, name)))
                                    .map(|f| (f.class, f.value(&h.buf)))
                                    .collect();
                                whole.push((classify(name, false), value.as_bytes()));
                                assert_eq!(
                                    h.check_edit(name, value.as_bytes(), replaces),
                                    check_field_set(whole),
                                    "{:?} (state {state}), edit {name}: {value} (replaces {replaces})",
                                    [a, b, c]
                                );
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked} edits checked");
    }

    /// Headers replaced on every redirect leave one run behind, however long the chain,
    /// and it reports each of them on each redirect, in order.
    #[test]
    fn headers_replaced_on_every_redirect_leave_one_run() {
        let mut h = Headers::default();
        let cookie = classify("Cookie", false);
        let auth = classify("Authorization", false);
        h.push("Accept", b"*/*", Class::NONE, 0, false);
        h.push("Cookie", b"n=0", cookie, 0, false);
        h.push("Authorization", b"t0", auth, 0, false);
        for n in 1..=1000 {
            h.forget_removed();
            for f in &mut h.fields {
                if f.class.has(Class::CREDENTIAL) && f.removed.is_none() {
                    f.removed = Some((RemovalReason::Caller, n));
                }
            }
            h.push("Cookie", b"n=1", cookie, n, false);
            h.push("Authorization", b"t1", auth, n, false);
            h.refresh();
        }
        assert_eq!(h.gone.len(), 1, "{:?}", h.gone);
        assert_eq!((h.gone[0].round.len(), h.gone[0].rounds), (2, 999));
        assert_eq!(h.fields.len(), 5);
        let kept: usize = h.fields.iter().map(|f| f.end() - f.at).sum();
        assert!(h.buf.len() <= 2 * kept, "{} bytes for {kept}", h.buf.len());
        h.fields
            .retain(|f| !f.class.has(Class::CREDENTIAL) || f.removed.is_some());
        h.refresh();
        let report: Vec<_> = h.removed(1000).collect();
        let want: Vec<_> = (1..=1000)
            .flat_map(|at| {
                [
                    ("Cookie", RemovalReason::Caller, at),
                    ("Authorization", RemovalReason::Caller, at),
                ]
            })
            .collect();
        assert_eq!(report, want);
    }

    /// Headers from `(name, value, machine)`, each field set for the first request.
    fn headers_of(fields: &[(&str, &str, bool)]) -> Headers {
        let mut h = Headers::default();
        for &(name, value, machine) in fields {
            h.push(name, value.as_bytes(), classify(name, false), 0, machine);
        }
        h
    }

    /// The sent lines are one run of the buffer, from the first sent field on, until a
    /// field between two sent ones is not sent; the head then writes each sent line.
    #[test]
    fn the_sent_lines_are_one_run_while_nothing_between_is_left_out() {
        let mut h = headers_of(&[("Accept", "*/*", false), ("X-A", "1", false)]);
        assert_eq!(
            h.sent_lines(),
            Some(&b"Accept: */*\r\nX-A: 1\r\n"[..]),
            "two fields"
        );
        // The first field withheld: the run starts at the second.
        h.push("X-B", b"2", Class::NONE, 0, false);
        h.fields[0].withheld = true;
        h.refresh();
        assert_eq!(
            h.sent_lines(),
            Some(&b"X-A: 1\r\nX-B: 2\r\n"[..]),
            "from the second"
        );
        // The middle one withheld: no run; the sent fields' lines are what the head writes.
        h.fields[0].withheld = false;
        h.fields[1].withheld = true;
        h.refresh();
        assert_eq!(h.sent_lines(), None, "a gap");
        let lines: Vec<u8> = h
            .fields
            .iter()
            .filter(|f| f.sent())
            .flat_map(|f| f.line(&h.buf).iter().copied())
            .collect();
        assert_eq!(lines, b"Accept: */*\r\nX-B: 2\r\n");
        let bytes: Vec<_> = h.sent_bytes().collect();
        assert_eq!(
            bytes,
            [(&b"Accept"[..], &b"*/*"[..]), (&b"X-B"[..], &b"2"[..])],
            "sent_bytes"
        );
    }

    /// `host` is a sent `Host`; `credentials` a live credential or `Host`; `referer` a live
    /// `Referer`; `origin` a live `Origin` the caller set.
    #[test]
    fn what_the_rules_read_of_the_classes() {
        let read = |h: &Headers| (h.host(), h.credentials(), h.referer(), h.origin());
        let h = headers_of(&[("Accept", "*/*", false)]);
        assert_eq!(read(&h), (false, false, false, false), "Accept");
        let mut h = headers_of(&[("Host", "a", false)]);
        assert_eq!(read(&h), (true, true, false, false), "Host");
        h.fields[0].withheld = true;
        h.refresh();
        assert_eq!(read(&h), (false, true, false, false), "Host withheld");
        let mut h = headers_of(&[("Cookie", "a=1", false)]);
        assert_eq!(read(&h), (false, true, false, false), "Cookie");
        h.fields[0].removed = Some((RemovalReason::CrossOrigin, 1));
        h.refresh();
        assert_eq!(read(&h), (false, false, false, false), "Cookie removed");
        let mut h = headers_of(&[("Referer", "https://a.test/", true)]);
        assert_eq!(read(&h), (false, false, true, false), "Referer");
        h.fields[0].removed = Some((RemovalReason::Recomputed, 1));
        h.refresh();
        assert_eq!(read(&h), (false, false, false, false), "Referer removed");
        let h = headers_of(&[("Origin", "null", true)]);
        assert_eq!(
            read(&h),
            (false, false, false, false),
            "the machine's Origin"
        );
        let h = headers_of(&[
            ("Accept", "*/*", false),
            ("Origin", "https://a.test", false),
        ]);
        assert_eq!(read(&h), (false, false, false, true), "the caller's Origin");
    }

    /// `Expect: 100-continue` and `Connection: close` are read from their own field, as a
    /// token of its list (any case), when it is sent.
    #[test]
    fn continue_and_close_are_tokens_of_their_own_sent_field() {
        let read = |h: &Headers| (h.expects_continue(), h.announces_close());
        let cases: &[(&str, &str, (bool, bool))] = &[
            ("Expect", "100-continue", (true, false)),
            ("expect", "foo, 100-Continue", (true, false)),
            ("Expect", "100-continued", (false, false)),
            ("Expect", "close", (false, false)),
            ("Connection", "close", (false, true)),
            ("Connection", "keep-alive , CLOSE", (false, true)),
            ("Connection", "closed", (false, false)),
            ("Connection", "100-continue", (false, false)),
            ("X", "100-continue, close", (false, false)),
        ];
        for &(name, value, want) in cases {
            let mut h = headers_of(&[(name, value, false)]);
            assert_eq!(read(&h), want, "{name}: {value}");
            h.fields[0].withheld = true;
            h.refresh();
            assert_eq!(read(&h), (false, false), "{name}: {value} withheld");
        }
    }

    /// `sends_referer` tells a sent machine `Referer` from a sent caller one; `first_of`
    /// finds the first field of a class, removed or not.
    #[test]
    fn the_referer_sent_and_the_first_of_a_class() {
        let h = headers_of(&[("Accept", "*/*", false), ("Origin", "null", true)]);
        assert!(
            !h.sends_referer(false) && !h.sends_referer(true),
            "no Referer"
        );
        let mut h = headers_of(&[
            ("Referer", "https://c.test/", false),
            ("Referer", "https://m.test/", true),
        ]);
        assert!(h.sends_referer(false) && h.sends_referer(true), "both");
        h.fields[1].removed = Some((RemovalReason::Recomputed, 1));
        h.refresh();
        assert!(
            h.sends_referer(false) && !h.sends_referer(true),
            "the caller's"
        );
        h.fields[0].withheld = true;
        h.fields[1].removed = None;
        h.refresh();
        assert!(
            !h.sends_referer(false) && h.sends_referer(true),
            "the machine's"
        );
        h.fields[0].removed = Some((RemovalReason::Caller, 1));
        h.refresh();
        let first = h.first_of(Class::REFERER).map(|f| f.value(&h.buf));
        assert_eq!(first, Some(&b"https://c.test/"[..]), "removed, still first");
        assert!(h.first_of(Class::ORIGIN).is_none(), "no Origin");
    }

    /// Each field's `removed`, in order.
    fn removals(h: &Headers) -> Vec<Option<(RemovalReason, u32)>> {
        h.fields.iter().map(|f| f.removed).collect()
    }

    /// `remove_machine_class` removes the live fields of the class the machine wrote, and
    /// leaves the caller's, other classes and fields removed before as they are.
    #[test]
    fn removing_the_machines_class_leaves_the_callers_fields() {
        let mut h = headers_of(&[
            ("Referer", "https://c.test/", false),
            ("Referer", "https://m.test/", true),
            ("Origin", "null", true),
            ("Accept", "*/*", false),
            ("Referer", "https://old.test/", true),
        ]);
        let earlier = Some((RemovalReason::RedirectTainted, 1));
        h.fields[4].removed = earlier;
        h.refresh();
        h.remove_machine_class(Class::REFERER, RemovalReason::Recomputed, 2);
        let now = Some((RemovalReason::Recomputed, 2));
        assert_eq!(removals(&h), [None, now, None, None, earlier]);
    }

    /// `replace_machine` replaces the machine's live field of the class only: another
    /// value is written after the others and the old one removed; the same value changes
    /// nothing; an empty one only removes.
    #[test]
    fn replacing_the_machines_field_of_a_class() {
        let mut h = headers_of(&[
            ("Referer", "https://m.test/", true),
            ("Origin", "https://a.test", false),
            ("Origin", "https://a.test", true),
        ]);
        assert!(!h.replace_machine("Origin", Class::ORIGIN, b"https://a.test", 1));
        assert_eq!(removals(&h), [None, None, None], "the same value");
        assert!(h.replace_machine("Origin", Class::ORIGIN, b"null", 1));
        let now = Some((RemovalReason::Recomputed, 1));
        assert_eq!(removals(&h), [None, None, now, None], "another value");
        let sent: Vec<_> = h.sent().collect();
        assert_eq!(
            sent,
            [
                ("Referer", &b"https://m.test/"[..]),
                ("Origin", &b"https://a.test"[..]),
                ("Origin", &b"null"[..]),
            ]
        );
        assert!(h.fields[3].machine && h.fields[3].set_for == 1);
        assert!(h.replace_machine("Origin", Class::ORIGIN, b"", 2));
        let then = Some((RemovalReason::Recomputed, 2));
        assert_eq!(removals(&h), [None, None, now, then], "no value");
        assert!(
            !h.replace_machine("Origin", Class::ORIGIN, b"", 3),
            "none left"
        );
    }

    /// The lines of fields no longer in the list stay in the buffer until they are more
    /// bytes than the fields' own lines; then only the fields' lines are kept, in order.
    #[test]
    fn dropped_lines_go_once_they_outweigh_the_fields() {
        // Three lines of 8 bytes.
        let mut h = headers_of(&[
            ("X-A", "1", false),
            ("X-B", "2", false),
            ("X-C", "3", false),
        ]);
        h.fields.remove(2);
        h.refresh();
        assert_eq!(h.buf.len(), 24, "8 dropped, 16 kept");
        h.fields.remove(1);
        h.refresh();
        assert_eq!(h.buf, b"X-A: 1\r\n", "16 dropped, 8 kept");
        let mut h = headers_of(&[("X-A", "1", false), ("X-B", "2", false)]);
        h.fields.remove(0);
        h.refresh();
        assert_eq!(h.buf.len(), 16, "8 dropped, 8 kept");
        assert_eq!(h.sent_lines(), Some(&b"X-B: 2\r\n"[..]));
    }

    /// The first line reserves room for [`FIRST_LINES`] bytes, or for itself when longer,
    /// so that the lines that follow it need no other allocation.
    #[test]
    fn the_first_line_reserves_room_for_the_next() {
        let (mut buf, mut fields) = (Vec::new(), Vec::new());
        push_line(&mut buf, &mut fields, "Accept", b"*/*", Class::NONE, 0);
        let room = buf.capacity();
        assert!(room >= FIRST_LINES, "{room}");
        push_line(&mut buf, &mut fields, "X-A", b"1", Class::NONE, 1);
        assert_eq!(buf.capacity(), room, "the second line");
        let (mut buf, mut fields) = (Vec::new(), Vec::new());
        let value = [b'v'; 400];
        push_line(&mut buf, &mut fields, "X", &value, Class::NONE, 0);
        let len = 1 + 400 + 4;
        // Reserved once for the line: not grown after a shorter reservation, nor far more.
        assert!(
            (len..len + len / 2).contains(&buf.capacity()),
            "{} for {len}",
            buf.capacity()
        );
    }

    /// The first request's fields are checked as a set.
    #[test]
    fn the_first_requests_fields_are_checked_as_a_set() {
        let h = headers_of(&[("Host", "a", false), ("Content-Length", "5", false)]);
        assert_eq!(h.check_set(), Ok(()));
        let h = headers_of(&[("Host", "a", false), ("host", "a", false)]);
        assert_eq!(h.check_set(), Err(InvalidRequest::DuplicateHost));
    }

    #[test]
    fn header_validation_table() {
        let cases: &[(&str, &[u8], bool)] = &[
            ("Accept", b"*/*", true),
            ("X-Bytes", b"\xff\xfe", true),
            ("X-Tab", b"a\tb", true),
            ("", b"x", false),
            ("Bad Name", b"x", false),
            ("Bad:Name", b"x", false),
            ("X-Inject", b"a\r\nEvil: 1", false),
            ("X-Lf", b"a\nb", false),
            ("X-Cr", b"a\rb", false),
            ("X-Nul", b"a\0b", false),
            ("X-Soh", b"a\x01b", false),
            ("X-Bs", b"a\x08b", false),
            ("X-Vt", b"a\x0bb", false),
            ("X-Ff", b"a\x0cb", false),
            ("X-Esc", b"\x1b[31m", false),
            ("X-Us", b"a\x1f", false),
            ("X-Del", b"a\x7fb", false),
            ("X-Space", b" a b ", true),
            ("X-Tilde", b"~", true),
            ("X-Obs", b"\x80\xff", true),
            ("X-Empty", b"", true),
        ];
        let mut failed = Vec::new();
        for &(name, value, ok) in cases {
            if validate_header(name, value).is_ok() != ok {
                failed.push(alloc::format!("{name:?} {value:?}: want ok={ok}"));
            }
        }
        // Every byte: refused exactly when `http`'s HeaderValue refuses it (controls but
        // HTAB, and DEL).
        for b in 0..=255u8 {
            let http_ok = b == b'\t' || (b >= 0x20 && b != 0x7f);
            if validate_header("X", &[b'a', b]).is_ok() != http_ok {
                failed.push(alloc::format!("byte {b:#04x}: want ok={http_ok}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn field_set_table() {
        use InvalidRequest::{
            ContentLength as Cl, ContentLengthWithTransferEncoding as ClTe, DuplicateHost,
        };
        /// (fields, the answer).
        type Row<'a> = (&'a [(&'a str, &'a str)], Result<(), InvalidRequest>);
        let cases: &[Row<'_>] = &[
            (&[], Ok(())),
            (&[("Host", "a"), ("Accept", "*/*")], Ok(())),
            (&[("Host", "a"), ("host", "a")], Err(DuplicateHost)),
            (
                &[("HOST", "a"), ("Accept", ""), ("Host", "b")],
                Err(DuplicateHost),
            ),
            (&[("Content-Length", "5")], Ok(())),
            (&[("Content-Length", "0")], Ok(())),
            (&[("Transfer-Encoding", "chunked")], Ok(())),
            (&[("Content-Length", "5"), ("Content-Length", "5")], Ok(())),
            // RFC 9110 §8.6: the same value repeated states one length.
            (&[("Content-Length", "5, 5")], Ok(())),
            (
                &[("Content-Length", "5,5"), ("content-length", " 05 ")],
                Ok(()),
            ),
            (
                &[("Content-Length", "000"), ("Content-Length", "0")],
                Ok(()),
            ),
            // Two lengths: a recipient cannot tell where the body ends.
            (&[("Content-Length", "5"), ("Content-Length", "6")], Err(Cl)),
            (&[("Content-Length", "5"), ("CONTENT-LENGTH", "6")], Err(Cl)),
            (&[("Content-Length", "5, 6")], Err(Cl)),
            (&[("Content-Length", "5,")], Err(Cl)),
            (&[("Content-Length", "")], Err(Cl)),
            (&[("Content-Length", "-1")], Err(Cl)),
            (&[("Content-Length", "+5")], Err(Cl)),
            (&[("Content-Length", "0x10")], Err(Cl)),
            (&[("Content-Length", "5 6")], Err(Cl)),
            (&[("Content-Length", "1e3")], Err(Cl)),
            (&[("Content-Length", "99999999999999999999999999")], Ok(())),
            (
                &[
                    ("Content-Length", "99999999999999999999999999"),
                    ("Content-Length", "99999999999999999999999998"),
                ],
                Err(Cl),
            ),
            (
                &[("content-length", "3"), ("TRANSFER-ENCODING", "chunked")],
                Err(ClTe),
            ),
            (
                &[
                    ("Transfer-Encoding", "chunked"),
                    ("X", ""),
                    ("Content-Length", "3"),
                ],
                Err(ClTe),
            ),
            (
                &[
                    ("Host", "a"),
                    ("Host", "a"),
                    ("Content-Length", "3"),
                    ("Transfer-Encoding", "chunked"),
                ],
                Err(DuplicateHost),
            ),
            (
                &[("X-Host", "a"), ("Hosts", "a"), ("Content-Lengths", "x")],
                Ok(()),
            ),
        ];
        let mut failed = Vec::new();
        for &(fields, want) in cases {
            let got = check_field_set(
                fields
                    .iter()
                    .map(|&(n, v)| (classify(n, false), v.as_bytes())),
            );
            if got != want {
                failed.push(alloc::format!("{fields:?}: {got:?}, want {want:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }
}
