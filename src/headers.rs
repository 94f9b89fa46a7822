//! The one table of request header classes, and the request headers as the machine keeps
//! them (fields, plus the header lines rendered once for writing heads).

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::error::InvalidRequest;
use crate::syntax::{is_field_value, is_token};

/// What a request header is to the redirect rules: a set of classes, from [`HEADER_CLASSES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Class(u8);

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
    /// The classes the credential step decides on each redirect.
    pub(crate) const BOUND: Class = Class(4 | 16);

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
    ("content-length", Class::BODY.or(Class::FRAMING)),
    ("transfer-encoding", Class::BODY.or(Class::FRAMING)),
    ("expect", Class::BODY.or(Class::FRAMING)),
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
];

/// The classes of the header `name` (case-insensitive); `extra_credential` says whether
/// the policy names it a credential too.
pub(crate) fn classify(name: &str, extra_credential: bool) -> Class {
    let class = HEADER_CLASSES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
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

/// One request header as the machine keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: Box<str>,
    pub(crate) value: Box<[u8]>,
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

    /// The value as a URL, if it is one (a `Referer` or `Origin` the caller set).
    pub(crate) fn url(&self) -> Option<url::Url> {
        core::str::from_utf8(&self.value)
            .ok()
            .and_then(|v| url::Url::parse(v).ok())
    }

    /// A field the machine writes for request `set_for`.
    pub(crate) fn machine(name: &str, value: &[u8], class: Class, set_for: u32) -> Field {
        Field {
            name: name.into(),
            value: value.into(),
            class,
            removed: None,
            withheld: false,
            set_for,
            machine: true,
        }
    }
}

/// The request headers: the fields and their rendering as header lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Headers {
    pub(crate) fields: Vec<Field>,
    /// `Name: value\r\n` for every sent field, in order; rendered again only when the set
    /// of sent fields changes, so that writing a head is a few copies.
    pub(crate) lines: Vec<u8>,
    /// A sent field is `Host` (then the URL's authority is not written).
    pub(crate) host: bool,
    /// A field is a live credential or `Host`: the credential step has something to decide.
    pub(crate) credentials: bool,
    /// A sent `Expect` asks for `100-continue`.
    pub(crate) expect_continue: bool,
    /// A sent `Connection` has the `close` option.
    pub(crate) close: bool,
    /// A live (not removed) `Referer` field exists, the caller's or the machine's.
    pub(crate) referer: bool,
    /// A live caller-set `Origin` field exists.
    pub(crate) origin: bool,
}

impl Headers {
    /// Renders the header lines again, reserving their exact length (the first rendering
    /// allocates once; later ones reuse the capacity whenever the lines got no longer).
    pub(crate) fn render(&mut self) {
        let len: usize = self
            .fields
            .iter()
            .filter(|f| f.sent())
            .map(|f| f.name.len() + f.value.len() + 4)
            .sum();
        self.lines.clear();
        self.lines.reserve_exact(len);
        self.host = false;
        self.credentials = false;
        self.expect_continue = false;
        self.close = false;
        self.referer = false;
        self.origin = false;
        for f in &self.fields {
            self.origin |= f.class.has(Class::ORIGIN) && !f.machine && f.removed.is_none();
            self.credentials |= f.live_bound();
            self.referer |= f.class.has(Class::REFERER) && f.removed.is_none();
            if !f.sent() {
                continue;
            }
            self.host |= f.class.has(Class::HOST);
            // `Expect` is of the framing class: the class test skips the others cheaply.
            self.expect_continue |= f.class.has(Class::FRAMING)
                && f.name.eq_ignore_ascii_case("expect")
                && has_token(&f.value, b"100-continue");
            self.close |=
                f.name.eq_ignore_ascii_case("connection") && has_token(&f.value, b"close");
            self.lines.extend_from_slice(f.name.as_bytes());
            self.lines.extend_from_slice(b": ");
            self.lines.extend_from_slice(&f.value);
            self.lines.extend_from_slice(b"\r\n");
        }
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
            if !value.is_empty() && *self.fields[i].value == *value {
                return false;
            }
            self.fields[i].removed = Some((RemovalReason::Recomputed, n));
        }
        if !value.is_empty() {
            self.fields.push(Field::machine(name, value, class, n));
        }
        live.is_some() || !value.is_empty()
    }

    /// Whether the request announces `Expect: 100-continue`: a sent `Expect` field (any
    /// case) with the token `100-continue` (any case) in its list.
    pub(crate) fn expects_continue(&self) -> bool {
        self.expect_continue
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
        self.close
    }

    /// Checks the field set a caller's edit would make: every field not removed for good
    /// (sent, or withheld from this request only, which a later request may send again),
    /// without those named `name` when the edit replaces them, plus `name: value`.
    pub(crate) fn check_edit(
        &self,
        name: &str,
        value: &[u8],
        replaces: bool,
    ) -> Result<(), InvalidRequest> {
        let kept = self
            .fields
            .iter()
            .filter(|f| f.removed.is_none() && !(replaces && f.name.eq_ignore_ascii_case(name)))
            .map(|f| (&*f.name, &*f.value));
        check_field_set(kept.chain([(name, value)]))
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

/// Checks a complete set of request fields for what would make the request ambiguous on
/// the wire: two `Host` fields, `Content-Length` with `Transfer-Encoding`, or
/// `Content-Length` fields that do not state one length (RFC 9110 §8.6, RFC 9112 §6.3).
pub(crate) fn check_field_set<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<(), InvalidRequest> {
    let (mut hosts, mut coding) = (0, false);
    // The one length every `Content-Length` value states, without leading zeros.
    let mut length: Option<&[u8]> = None;
    for (name, value) in fields {
        if name.eq_ignore_ascii_case("host") {
            hosts += 1;
        } else if name.eq_ignore_ascii_case("content-length") {
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
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let body_framing = Class::BODY.or(Class::FRAMING);
        let proxy = Class::CREDENTIAL.or(Class::PROXY);
        let cases: &[(&str, bool, Class)] = &[
            ("Content-Type", false, Class::BODY),
            ("content-length", false, body_framing),
            ("Transfer-Encoding", false, body_framing),
            ("EXPECT", false, body_framing),
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
            let got = check_field_set(fields.iter().map(|&(n, v)| (n, v.as_bytes())));
            if got != want {
                failed.push(alloc::format!("{fields:?}: {got:?}, want {want:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }
}
