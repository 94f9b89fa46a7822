//! Finding and parsing a response head in the caller's growing buffer.
//!
//! The contract that makes feeding linear and split-independent:
//! - The first time a head is looked at, `httparse` gets everything there is (up to the
//!   size limit). A complete parse ends the work in one pass, as the floor does.
//! - Otherwise only a line scanner runs, over the bytes not scanned yet, looking for the
//!   empty line that ends the head (the same line `httparse` ends on). When it is found,
//!   `httparse` parses exactly that head once.
//! - A parse error seen early is not reported until the end of the head is seen, so the
//!   answer for a given byte stream is the same however it is split.

use alloc::vec::Vec;
use core::mem::MaybeUninit;

use crate::error::{Error, Malformed};
use crate::headers::has_token;
use crate::policy::Policy;
use crate::response::{BodyLength, Version};

/// How many header fields `httparse` gets room for on the stack. A head with more fields
/// (when the policy's limit allows more) is parsed once more with room on the heap for as
/// many as the limit, or as the head has lines, whichever is fewer. The machine reserves as
/// many field spans up front, so a head of up to this many fields allocates nothing.
pub(crate) const INLINE_FIELDS: usize = 64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn of(base: &[u8], part: &[u8]) -> Span {
        // Offsets of an httparse sub-slice within the buffer it parsed.
        let start = (part.as_ptr() as usize).wrapping_sub(base.as_ptr() as usize);
        if start > base.len() || part.len() > base.len() - start {
            return Span::default();
        }
        // The head is at most `u32::MAX` bytes (the policy caps it).
        Span {
            start: start as u32,
            len: part.len() as u32,
        }
    }

    /// The span of `len` bytes at `start` (a head copied into the machine's own buffer).
    fn at(start: usize, len: usize) -> Span {
        Span {
            start: start as u32,
            len: len as u32,
        }
    }

    pub(crate) fn get(self, buf: &[u8]) -> &[u8] {
        let start = self.start as usize;
        buf.get(start..start + self.len as usize).unwrap_or(&[])
    }

    fn trimmed(self, buf: &[u8]) -> Span {
        let v = self.get(buf);
        let lead = v.len() - trim_ows_start(v).len();
        Span {
            start: self.start + lead as u32,
            len: trim_ows(v).len() as u32,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FieldSpan {
    pub(crate) name: Span,
    pub(crate) value: Span,
}

/// Where the `Location` of the last head is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LocationField {
    /// No `Location` field, or only empty ones.
    Absent,
    /// One non-empty value (trimmed), possibly repeated identically; empty fields are
    /// ignored.
    One(Span),
    /// Several different values.
    Conflict,
}

/// The last complete head: everything is a span into the caller's buffer, or into the
/// machine's own copy of a head given to `Follow::handle_head` (`owned`).
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub(crate) version: Version,
    /// The spans are into the machine's copy of a parsed head, not the caller's buffer.
    pub(crate) owned: bool,
    pub(crate) status: u16,
    pub(crate) reason: Span,
    /// Reserved once (see [`Head::with_field_capacity`]); `clear` keeps the capacity.
    pub(crate) fields: Vec<FieldSpan>,
    /// Bytes of the buffer the head used, skipped 1xx heads included.
    pub(crate) len: usize,
    pub(crate) body: BodyLength,
    /// The connection can carry another request once the body is read: persistent, the
    /// body's end known and the framing trustworthy. The machine also clears it when the
    /// request announced `Expect: 100-continue` and no `100` came first.
    pub(crate) keep_alive: bool,
    /// A `100 Continue` interim head came before this one in the same response.
    pub(crate) continued: bool,
    pub(crate) location: LocationField,
    /// A `Referrer-Policy` field is present (the machine reads them all only then).
    pub(crate) referrer_policy: bool,
    /// The value of the first `Strict-Transport-Security` field (RFC 6797 §8.1).
    pub(crate) sts: Option<Span>,
    /// A value of the head read off the wire holds an obsolete line fold: the machine
    /// interprets an unfolded copy (`owned`).
    pub(crate) folded: bool,
}

impl Head {
    /// The values of every field named `lower` (lower case letters and `-`), read from
    /// `buf` by the bytes of the name (no UTF-8 check: `httparse` took them as tokens).
    pub(crate) fn values_named<'b>(
        &'b self,
        buf: &'b [u8],
        lower: &'static [u8],
    ) -> impl Iterator<Item = &'b [u8]> + 'b {
        self.fields
            .iter()
            .filter(move |f| eq_name(f.name.get(buf), lower))
            .map(move |f| f.value.get(buf))
    }

    /// An empty head with room for the spans of `limit` fields, at most [`INLINE_FIELDS`]
    /// (a head with more grows the vector once, up to the limit).
    pub(crate) fn with_field_capacity(limit: usize) -> Head {
        let mut head = Head::new();
        head.fields.reserve_exact(limit.min(INLINE_FIELDS));
        head
    }

    pub(crate) const fn new() -> Head {
        Head {
            version: Version::Http11,
            owned: false,
            status: 0,
            reason: Span { start: 0, len: 0 },
            fields: Vec::new(),
            len: 0,
            body: BodyLength::None,
            keep_alive: false,
            continued: false,
            location: LocationField::Absent,
            referrer_policy: false,
            sts: None,
            folded: false,
        }
    }
}

/// Scanning state for the head being read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scanner {
    /// Where the current head starts (after skipped 1xx heads).
    head_start: usize,
    /// Bytes looked at by the line scanner (absolute offset).
    pos: usize,
    /// At the start of a line (0), after a CR at the start of a line (1), in a line (2).
    line: u8,
    /// A non-empty line has been seen in the current head (leading empty lines are skipped).
    content: bool,
    /// `httparse` has had its one look at the current head.
    tried: bool,
    /// A `100 Continue` interim head was skipped.
    continued: bool,
    /// Longest buffer seen for this response.
    seen: usize,
    /// An interim head of this response was given to `Follow::handle_head`.
    headed: bool,
    /// The size of the interim heads of this response given to `Follow::handle_head`, as
    /// written in HTTP/1.1 ([`INTERIM_FRAME`] plus their fields): they count against the
    /// head size limit with the final head, as they do on the wire.
    interim_size: usize,
}

/// The bytes of an interim head besides its fields, as written in HTTP/1.1 at the least:
/// `HTTP/1.1 103\r\n` and the empty line.
pub(crate) const INTERIM_FRAME: usize = b"HTTP/1.1 103\r\n\r\n".len();

enum Parse {
    Complete(usize),
    Partial,
    Error(Error),
}

fn parse_into(head: &mut Head, buf: &[u8], start: usize, end: usize, max_fields: usize) -> Parse {
    let Some(slice) = buf.get(start..end) else {
        return Parse::Partial;
    };
    // Obsolete line folds (RFC 9112 §5.2) are taken only when a head fails without them:
    // then the head is parsed once more with them allowed, and `folded` says its values
    // must be unfolded before they are interpreted. Heads without folds pay nothing.
    let mut config = httparse::ParserConfig::default();
    head.folded = false;
    // Declared before `res`, which may borrow it.
    let mut heap: Vec<MaybeUninit<httparse::Header<'_>>> = Vec::new();
    let mut storage = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; INLINE_FIELDS];
    let mut res = httparse::Response::new(&mut []);
    let mut parsed = config.parse_response_with_uninit_headers(
        &mut res,
        slice,
        &mut storage[..max_fields.min(INLINE_FIELDS)],
    );
    // Any error, `TooManyHeaders` too when there is no heap parse to come (which allows
    // folds): a fold past the last field the strict parse read decides the error then.
    if matches!(parsed, Err(e) if e != httparse::Error::TooManyHeaders || max_fields <= INLINE_FIELDS)
    {
        config.allow_obsolete_multiline_headers_in_responses(true);
        head.folded = true;
        res = httparse::Response::new(&mut []);
        parsed = config.parse_response_with_uninit_headers(
            &mut res,
            slice,
            &mut storage[..max_fields.min(INLINE_FIELDS)],
        );
    }
    if parsed == Err(httparse::Error::TooManyHeaders) && max_fields > INLINE_FIELDS {
        // More fields than the stack holds and the policy allows more: parse once more with
        // a slot per field the limit allows, never more than the head has lines (folds
        // allowed: a fold past the stack's fields is only found here).
        config.allow_obsolete_multiline_headers_in_responses(true);
        let lines = slice.iter().filter(|&&b| b == b'\n').count();
        heap.resize_with(max_fields.min(lines + 1), MaybeUninit::uninit);
        res = httparse::Response::new(&mut []);
        parsed = config.parse_response_with_uninit_headers(&mut res, slice, &mut heap);
        head.folded = res.headers.iter().any(|h| h.value.contains(&b'\n'));
    }
    let n = match parsed {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Parse::Partial,
        Err(httparse::Error::TooManyHeaders) => {
            return Parse::Error(Error::TooManyHeaders { limit: max_fields });
        }
        Err(e) => return Parse::Error(Malformed::Syntax(e).into()),
    };
    let status = res.code.unwrap_or(0);
    if status < 100 {
        return Parse::Error(Malformed::Status(status).into());
    }
    head.version = if res.version == Some(0) {
        Version::Http10
    } else {
        Version::Http11
    };
    head.owned = false;
    head.status = status;
    head.reason = Span::of(buf, res.reason.unwrap_or("").as_bytes());
    head.fields.clear();
    // Within the capacity reserved up front unless the head has more than INLINE_FIELDS.
    head.fields.extend(res.headers.iter().map(|h| FieldSpan {
        name: Span::of(buf, h.name.as_bytes()),
        value: Span::of(buf, h.value),
    }));
    Parse::Complete(start + n)
}

impl Scanner {
    /// Whether bytes of this response were fed (the byte path is in use for it).
    pub(crate) fn fed(&self) -> bool {
        self.seen > 0
    }

    /// Records an interim head given to `Follow::handle_head`; `size` is what this
    /// response's heads measure with it ([`Scanner::interim_size`] included).
    pub(crate) fn interim(&mut self, status: u16, size: usize) {
        self.continued |= status == 100;
        self.headed = true;
        self.interim_size = size;
    }

    /// What the interim heads given to `Follow::handle_head` for this response measure.
    pub(crate) fn interim_size(&self) -> usize {
        self.interim_size
    }

    /// Whether an interim head of this response came through `Follow::handle_head`.
    pub(crate) fn headed(&self) -> bool {
        self.headed
    }

    /// Whether a `100 Continue` came before the final head of this response.
    pub(crate) fn continued(&self) -> bool {
        self.continued
    }

    /// Finds the end of the next non-1xx head in `buf`, filling `head`: at most the
    /// policy's head size and header fields. `Ok(false)`: more bytes are needed.
    ///
    /// A head with an obsolete line fold is copied into `store` with each fold replaced by
    /// one space (RFC 9112 §5.2: a recipient replaces them "prior to interpreting the field
    /// value") and interpreted there; `head.owned` then says so.
    pub(crate) fn feed(
        &mut self,
        buf: &[u8],
        policy: &Policy,
        head_request: bool,
        head: &mut Head,
        store: &mut Vec<u8>,
    ) -> Result<bool, Error> {
        let max = policy.max_head_size();
        if buf.len() < self.seen {
            return Err(Error::BufferShrunk {
                previous: self.seen,
                now: buf.len(),
            });
        }
        self.seen = buf.len();
        let limit = buf.len().min(max);
        loop {
            let mut end = None;
            if !self.tried {
                self.tried = true;
                if let Parse::Complete(e) = parse_into(
                    head,
                    buf,
                    self.head_start,
                    limit,
                    policy.max_header_fields(),
                ) {
                    end = Some(e);
                }
            }
            if end.is_none() {
                let Some(t) = self.scan(buf, limit) else {
                    if limit == max {
                        return Err(Error::HeadTooLarge { limit: max });
                    }
                    return Ok(false);
                };
                match parse_into(head, buf, self.head_start, t, policy.max_header_fields()) {
                    Parse::Complete(e) => end = Some(e),
                    Parse::Error(e) => return Err(e),
                    // The scanner saw an empty line that httparse did not take as the end.
                    Parse::Partial => {
                        return Err(Malformed::Syntax(httparse::Error::NewLine).into());
                    }
                }
            }
            let end = end.unwrap_or(limit);
            if (100..200).contains(&head.status) && head.status != 101 {
                // Interim response: skip it; the real one follows in the same bytes.
                self.continued |= head.status == 100;
                self.head_start = end;
                self.pos = end;
                self.line = 0;
                self.content = false;
                self.tried = false;
                continue;
            }
            head.len = end;
            head.continued = self.continued;
            if head.folded {
                head.unfold_into(buf, store);
                interpret(head, store, head_request)?;
            } else {
                interpret(head, buf, head_request)?;
            }
            return Ok(true);
        }
    }

    /// Scans the not-yet-scanned bytes below `limit` for the empty line that ends the head.
    /// Returns the offset just past it.
    fn scan(&mut self, buf: &[u8], limit: usize) -> Option<usize> {
        if self.pos < self.head_start {
            self.pos = self.head_start;
        }
        let bytes = buf.get(..limit)?;
        while self.pos < limit {
            if self.line == 2 {
                // Inside a line: jump to its end.
                match find_lf(&bytes[self.pos..]) {
                    Some(i) => {
                        self.pos += i + 1;
                        self.line = 0;
                    }
                    None => {
                        self.pos = limit;
                        return None;
                    }
                }
                continue;
            }
            let b = bytes[self.pos];
            self.pos += 1;
            match (self.line, b) {
                (_, b'\n') => {
                    if self.content {
                        return Some(self.pos);
                    }
                    self.line = 0;
                }
                (0, b'\r') => self.line = 1,
                _ => {
                    self.line = 2;
                    self.content = true;
                }
            }
        }
        None
    }
}

/// The first `\n` in `s`, eight bytes at a time (SWAR, no `unsafe`).
fn find_lf(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w) ^ (LO * u64::from(b'\n'));
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| at + i)
}

/// `name == lower` ignoring ASCII case, eight bytes at a time. `lower` is lower-case letters
/// and `-`; `name` is an HTTP token (httparse checked), so OR-ing 0x20 into each byte folds
/// exactly (the only non-letter it could confuse with `-` is CR, never in a token).
#[inline(always)]
fn eq_name(name: &[u8], lower: &[u8]) -> bool {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let n = name.len();
    if n != lower.len() {
        return false;
    }
    if n < 8 {
        return name.eq_ignore_ascii_case(lower);
    }
    let word = |s: &[u8], i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let mut i = 0;
    while i + 8 < n {
        if word(name, i) | FOLD != word(lower, i) {
            return false;
        }
        i += 8;
    }
    word(name, n - 8) | FOLD == word(lower, n - 8)
}

/// Reads framing, keep-alive, `Location`, and where `Referrer-Policy` and
/// `Strict-Transport-Security` are, out of a complete final head. Inlined into its two
/// callers (the byte path's scanner and a parsed head's end), as it was into the first.
#[inline(always)]
fn interpret(head: &mut Head, buf: &[u8], head_request: bool) -> Result<(), Error> {
    let http1 = head.version.is_http1();
    let mut content_length: Option<u64> = None;
    let mut chunked = None;
    let mut close = false;
    let mut keep_alive = false;
    let mut location = LocationField::Absent;
    let mut referrer_policy = false;
    let mut sts = None;
    for f in &head.fields {
        let name = f.name.get(buf);
        let value = f.value.get(buf);
        if eq_name(name, b"location") {
            let v = f.value.trimmed(buf);
            // An empty field says nothing, wherever it stands (curl ignores it too), so the
            // answer does not depend on the order of the fields.
            location = match location {
                _ if v.len == 0 => location,
                LocationField::Absent => LocationField::One(v),
                LocationField::One(prev) if prev.get(buf) == v.get(buf) => location,
                _ => LocationField::Conflict,
            };
        } else if eq_name(name, b"content-length") {
            for part in value.split(|&b| b == b',') {
                let n = parse_decimal(part.trim_ascii()).ok_or(Malformed::ContentLength)?;
                if content_length.is_some_and(|c| c != n) {
                    return Err(Malformed::ContentLength.into());
                }
                content_length = Some(n);
            }
        } else if eq_name(name, b"transfer-encoding") {
            if !http1 {
                return Err(Malformed::ConnectionSpecific.into());
            }
            let last = value.rsplit(|&b| b == b',').next().unwrap_or(b"");
            chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if eq_name(name, b"connection") {
            if !http1 {
                return Err(Malformed::ConnectionSpecific.into());
            }
            close |= has_token(value, b"close");
            keep_alive |= has_token(value, b"keep-alive");
        } else if eq_name(name, b"referrer-policy") {
            referrer_policy = true;
        } else if sts.is_none() && eq_name(name, b"strict-transport-security") {
            sts = Some(f.value);
        }
    }
    head.location = location;
    head.referrer_policy = referrer_policy;
    head.sts = sts;
    if !http1 {
        // RFC 9113 §8.2.2, RFC 9114 §4.2: connection-specific fields make an HTTP/2 or
        // HTTP/3 message malformed (`Connection` and `Transfer-Encoding` were refused
        // above). A pass of its own, so that HTTP/1 heads pay nothing for it.
        let connection_specific = head.fields.iter().any(|f| {
            let name = f.name.get(buf);
            eq_name(name, b"keep-alive")
                || eq_name(name, b"proxy-connection")
                || eq_name(name, b"upgrade")
        });
        if connection_specific {
            return Err(Malformed::ConnectionSpecific.into());
        }
        // RFC 9113 §8.6, RFC 9114 §4.5: no 101 in HTTP/2 or HTTP/3.
        if head.status == 101 {
            return Err(Malformed::Status(101).into());
        }
        // The body ends with the stream (a `Content-Length` must agree with it: RFC 9113
        // §8.1.1); the connection carries other streams whatever this one does.
        head.body = if head_request || matches!(head.status, 204 | 304) {
            BodyLength::None
        } else {
            content_length.map_or(BodyLength::EndOfStream, BodyLength::Length)
        };
        head.keep_alive = true;
        return Ok(());
    }
    head.body = if head_request || matches!(head.status, 100..=199 | 204 | 304) {
        BodyLength::None
    } else {
        match (chunked, content_length) {
            (Some(true), _) => BodyLength::Chunked,
            (Some(false), _) => BodyLength::UntilClose,
            (None, Some(n)) => BodyLength::Length(n),
            (None, None) => BodyLength::UntilClose,
        }
    };
    // The framing cannot be trusted, so the connection is closed after this response:
    // Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1: "treat the message as if the
    // framing is faulty ... and close the connection"), or with Content-Length (§6.3 item
    // 3: "ought to be handled as an error"; §6.1: the connection is closed after).
    let http10 = head.version == Version::Http10;
    let faulty_framing = chunked.is_some() && (http10 || content_length.is_some());
    head.keep_alive = !close
        && (!http10 || keep_alive)
        // The body's end must be known (RFC 9112 §6.3 items 4 and 8: until close).
        && head.body != BodyLength::UntilClose
        && !faulty_framing
        // After a 101 the connection speaks the protocol it switched to (RFC 9110 §15.2.2).
        && head.status != 101;
    Ok(())
}

impl Parsed {
    /// The status `httparse` would take: three digits, at least 100.
    pub(crate) fn check_status(&self) -> Result<(), Error> {
        if (100..=999).contains(&self.status) {
            Ok(())
        } else {
            Err(Malformed::Status(self.status).into())
        }
    }
}

/// Bytes reserved for the first head given to `Follow::handle_head` (names and values).
const PARSED_RESERVED: usize = 1024;

/// A head parsed by the caller's own HTTP stack, given to `Follow::handle_head`.
pub(crate) struct Parsed {
    pub(crate) version: Version,
    pub(crate) status: u16,
}

/// Whether every byte of `value` may be in a field value: what `httparse` accepts (HTAB,
/// visible ASCII, space, obs-text), so both entry points take the same heads. No early
/// exit: the compiler turns the fold into vector compares.
fn value_bytes_ok(value: &[u8]) -> bool {
    let mut bad = 0u8;
    for &b in value {
        bad |= (u8::from(b < b' ') & u8::from(b != b'\t')) | u8::from(b == 0x7f);
    }
    bad == 0
}

/// `tchar` (RFC 9110 §5.6.2), as `httparse` checks names.
static TOKEN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    t
};

/// The size of a field of a parsed head as an HTTP/1.1 line: `name: value\r\n`, the value
/// without its leading and trailing spaces and tabs.
pub(crate) fn field_size(name: &[u8], value: &[u8]) -> usize {
    name.len() + trim_ows(value).len() + 4
}

/// `value` without its leading and trailing spaces and tabs.
fn trim_ows(value: &[u8]) -> &[u8] {
    trim_ows_end(trim_ows_start(value))
}

fn trim_ows_start(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    value
}

fn trim_ows_end(mut value: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// How the fields of a parsed head are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// As `httparse` checks them on the wire.
    Syntax,
    /// Not at all: they come from `http` types, whose names are tokens and whose values
    /// hold exactly the bytes `httparse` takes (`HeaderName`, `HeaderValue`).
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    Trusted,
}

impl Head {
    /// Copies the reason and the fields read from `buf` into `store`, each obsolete line
    /// fold of a value (optional spaces, a line break, spaces) replaced by one space, and
    /// points the head there.
    fn unfold_into(&mut self, buf: &[u8], store: &mut Vec<u8>) {
        store.clear();
        let reason = self.reason.get(buf);
        store.extend_from_slice(reason);
        self.reason = Span::at(0, reason.len());
        for f in &mut self.fields {
            let at = store.len();
            let name = f.name.get(buf);
            store.extend_from_slice(name);
            f.name = Span::at(at, name.len());
            let mut rest = f.value.get(buf);
            while let Some(i) = rest.iter().position(|&b| matches!(b, b'\r' | b'\n')) {
                store.extend_from_slice(trim_ows_end(&rest[..i]));
                store.push(b' ');
                rest = trim_ows_start(&rest[i..]);
                while let [b'\r' | b'\n', tail @ ..] = rest {
                    rest = trim_ows_start(tail);
                }
            }
            store.extend_from_slice(rest);
            f.value = Span::at(at + name.len(), store.len() - at - name.len());
        }
        self.owned = true;
    }

    /// Starts filling the head from a parsed one: the fields are added with
    /// [`Head::push_field`], the status is checked with [`Parsed::check_status`] once they
    /// are (`httparse` meets a field fault first), and the head is closed with
    /// [`Head::finish_parsed`].
    pub(crate) fn start_parsed(
        &mut self,
        store: &mut Vec<u8>,
        p: &Parsed,
        max_size: usize,
    ) -> Result<(), Error> {
        store.clear();
        // Room for a typical head at once rather than doubling up from a few bytes; the
        // buffer is kept from head to head.
        store.reserve(PARSED_RESERVED.min(max_size));
        self.fields.clear();
        self.version = p.version;
        self.status = p.status;
        self.owned = true;
        self.reason = Span::default();
        self.len = 0;
        Ok(())
    }

    /// Copies one field into `store`, as it would be checked on the wire, and gives its
    /// size as written in HTTP/1.1 (`name: value\r\n`, [`field_size`]). A field larger
    /// than `room` is not copied: [`Error::HeadTooLarge`] with `max_size`.
    ///
    /// Under [`Check::Syntax`], a name is checked here; the values are checked all at once
    /// over the copy by [`Head::values_ok`] (one long run is several times cheaper than
    /// many short ones), which the caller runs before it reports any error, so the error is
    /// the one `httparse` meets first.
    pub(crate) fn push_field(
        &mut self,
        store: &mut Vec<u8>,
        name: &[u8],
        value: &[u8],
        max_fields: usize,
        check: Check,
        (room, max_size): (usize, usize),
    ) -> Result<usize, Error> {
        let value = trim_ows(value);
        let size = name.len() + value.len() + 4;
        if size > room {
            return Err(Error::HeadTooLarge { limit: max_size });
        }
        if check == Check::Syntax
            && (name.is_empty() || !name.iter().fold(true, |ok, &b| ok & TOKEN[usize::from(b)]))
        {
            return Err(Malformed::Syntax(httparse::Error::HeaderName).into());
        }
        // `httparse` reads the field one too many before it finds no room for it.
        if self.fields.len() >= max_fields {
            if check == Check::Syntax && !value_bytes_ok(value) {
                return Err(Malformed::Syntax(httparse::Error::HeaderValue).into());
            }
            return Err(Error::TooManyHeaders { limit: max_fields });
        }
        let at = store.len();
        store.reserve(name.len() + value.len());
        store.extend_from_slice(name);
        store.extend_from_slice(value);
        self.fields.push(FieldSpan {
            name: Span::at(at, name.len()),
            value: Span::at(at + name.len(), value.len()),
        });
        Ok(size)
    }

    /// Whether every value copied so far holds only bytes `httparse` takes (the names, all
    /// tokens by then, hold such bytes too).
    pub(crate) fn values_ok(store: &[u8]) -> bool {
        value_bytes_ok(store)
    }

    /// Reads framing, persistence and the fields the machine decides by, as for a head
    /// read off the wire.
    pub(crate) fn finish_parsed(
        &mut self,
        store: &[u8],
        head_request: bool,
        continued: bool,
    ) -> Result<(), Error> {
        self.continued = continued;
        interpret(self, store, head_request)
    }
}

fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    /// The byte and field limits of most tests (the field limit is the policy's default).
    const MAX: usize = 1024;
    const FIELDS: usize = crate::policy::DEFAULT_MAX_HEADER_FIELDS;

    type Got = Result<Option<(u16, usize, BodyLength)>, Error>;

    /// A policy with these limits (bytes, fields).
    fn limits(max: usize, max_fields: usize) -> Policy {
        Policy::fetch()
            .with_max_head_size(max)
            .and_then(|p| p.with_max_header_fields(max_fields))
            .unwrap()
    }

    /// Feeds `bytes` whole, or one more byte per call.
    fn feed_with(bytes: &[u8], max: usize, max_fields: usize, bytewise: bool) -> Got {
        let mut s = Scanner::default();
        let mut h = Head::with_field_capacity(max_fields);
        let policy = limits(max, max_fields);
        let start = if bytewise { 1 } else { bytes.len() };
        for i in start..=bytes.len() {
            if s.feed(&bytes[..i], &policy, false, &mut h, &mut Vec::new())? {
                return Ok(Some((h.status, h.len, h.body)));
            }
        }
        Ok(None)
    }

    fn feed_whole(bytes: &[u8]) -> Got {
        feed_with(bytes, MAX, FIELDS, false)
    }

    fn feed_bytewise(bytes: &[u8]) -> Got {
        feed_with(bytes, MAX, FIELDS, true)
    }

    #[test]
    fn head_table() {
        use BodyLength::{Chunked, Length, UntilClose};
        const NO_BODY: BodyLength = BodyLength::None;
        type Want = Result<Option<(u16, usize, BodyLength)>, &'static str>;
        let cases: &[(&[u8], Want)] = &[
            (b"HTTP/1.1 200 OK\r\n\r\n", Ok(Some((200, 19, UntilClose)))),
            (
                b"HTTP/1.1 204 No Content\r\n\r\nrest",
                Ok(Some((204, 27, NO_BODY))),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                Ok(Some((200, 38, Length(5)))),
            ),
            (
                b"HTTP/1.1 200 OK\nContent-Length: 5\n\nhello",
                Ok(Some((200, 35, Length(5)))),
            ),
            (
                b"\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
                Ok(Some((200, 23, UntilClose))),
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                Ok(Some((200, 53, Chunked))),
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                Ok(Some((200, 53, UntilClose))),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n",
                Ok(Some((200, 41, Length(3)))),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                Err("malformed_response"),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                Err("malformed_response"),
            ),
            (
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\n\r\n",
                Ok(Some((302, 47, UntilClose))),
            ),
            (
                b"HTTP/1.1 101 Switching\r\n\r\n",
                Ok(Some((101, 26, NO_BODY))),
            ),
            (
                b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
                Ok(Some((200, 29, UntilClose))),
            ),
            (b"HTTP/1.1 099 Low\r\n\r\n", Err("malformed_response")),
            (b"garbage\r\n\r\n", Err("malformed_response")),
            (b"garbage\r\n", Ok(None)),
            (b"HTTP/1.1 200 OK\r\n", Ok(None)),
            (
                b"HTTP/1.1 200 OK\r\nX: \x01\r\n\r\n",
                Err("malformed_response"),
            ),
        ];
        let mut failed = Vec::new();
        for (input, want) in cases {
            let whole = feed_whole(input).map_err(|e| e.code());
            let bytewise = feed_bytewise(input).map_err(|e| e.code());
            if &whole != want || bytewise != whole {
                failed.push(format!(
                    "{:?}: whole {whole:?}, byte by byte {bytewise:?}, want {want:?}",
                    String::from_utf8_lossy(input)
                ));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn size_limit_is_split_independent() {
        let mut big = b"HTTP/1.1 200 OK\r\n".to_vec();
        while big.len() < 1100 {
            big.extend_from_slice(b"X-Filler: 0123456789\r\n");
        }
        big.extend_from_slice(b"\r\n");
        assert_eq!(feed_whole(&big).unwrap_err().code(), "head_too_large");
        assert_eq!(feed_bytewise(&big).unwrap_err().code(), "head_too_large");
        // No terminator at all: the limit still ends it.
        assert_eq!(
            feed_whole(&big[..1050]).unwrap_err().code(),
            "head_too_large"
        );
    }

    /// A head with `n` fields: `Set-Cookie` ones, then the framing.
    fn head_with_fields(n: usize) -> Vec<u8> {
        let mut h = b"HTTP/1.1 302 Found\r\nLocation: /next\r\n".to_vec();
        for i in 1..n.saturating_sub(1) {
            h.extend_from_slice(format!("Set-Cookie: c{i}=v\r\n").as_bytes());
        }
        h.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        h
    }

    /// The field limit is the policy's: up to it a head is ordinary (on the stack up to
    /// INLINE_FIELDS, then on the heap), past it `TooManyHeaders` with that limit, never
    /// `HeadTooLarge`; the same fed whole and one byte at a time.
    #[test]
    fn field_limit_table() {
        // (fields in the head, the policy's limit, Ok(fields kept) or Err(limit reported)).
        let cases: &[(usize, usize, Result<usize, usize>)] = &[
            (2, 1, Err(1)),
            (16, 16, Ok(16)),
            (17, 16, Err(16)),
            (64, 64, Ok(64)),
            (65, 64, Err(64)),
            (65, 65, Ok(65)),
            (66, 65, Err(65)),
            (150, FIELDS, Ok(150)), // a 302 with ~150 Set-Cookie fields is ordinary
            (256, FIELDS, Ok(256)),
            (257, FIELDS, Err(256)),
            (300, 1000, Ok(300)),
            (2000, 1000, Err(1000)),
            (2000, 65_535, Ok(2000)),
        ];
        let mut failed = Vec::new();
        for &(n, limit, want) in cases {
            let bytes = head_with_fields(n);
            for bytewise in [false, true] {
                let mut s = Scanner::default();
                let mut h = Head::with_field_capacity(limit);
                let policy = limits(1 << 20, limit);
                let mut got = Ok(false);
                let start = if bytewise { 1 } else { bytes.len() };
                for i in start..=bytes.len() {
                    got = s.feed(&bytes[..i], &policy, false, &mut h, &mut Vec::new());
                    if got != Ok(false) {
                        break;
                    }
                }
                let got = match got {
                    Ok(true) => Ok(h.fields.len()),
                    Err(Error::TooManyHeaders { limit }) => Err(limit),
                    other => {
                        failed.push(format!("{n} fields, limit {limit}: {other:?}"));
                        continue;
                    }
                };
                if got != want {
                    failed.push(format!(
                        "{n} fields, limit {limit}, bytewise {bytewise}: {got:?}, want {want:?}"
                    ));
                }
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// Parsing a head of up to INLINE_FIELDS fields keeps the spans in the capacity
    /// reserved up front; a larger one grows it once and later heads reuse it.
    #[test]
    fn field_spans_reuse_their_capacity() {
        let mut h = Head::with_field_capacity(FIELDS);
        let reserved = h.fields.capacity();
        assert_eq!(reserved, INLINE_FIELDS);
        let small = head_with_fields(INLINE_FIELDS);
        assert_eq!(
            Scanner::default().feed(
                &small,
                &limits(MAX * 8, FIELDS),
                false,
                &mut h,
                &mut Vec::new()
            ),
            Ok(true)
        );
        assert_eq!(h.fields.capacity(), reserved);
        let big = head_with_fields(200);
        assert_eq!(
            Scanner::default().feed(
                &big,
                &limits(1 << 20, FIELDS),
                false,
                &mut h,
                &mut Vec::new()
            ),
            Ok(true)
        );
        let grown = h.fields.capacity();
        assert!(grown >= 200);
        assert_eq!(
            Scanner::default().feed(
                &small,
                &limits(MAX * 8, FIELDS),
                false,
                &mut h,
                &mut Vec::new()
            ),
            Ok(true)
        );
        assert_eq!(h.fields.capacity(), grown);
        assert_eq!(Head::with_field_capacity(16).fields.capacity(), 16);
    }

    #[test]
    fn shrinking_buffer_is_an_error() {
        let mut s = Scanner::default();
        let mut h = Head::new();
        assert!(
            !s.feed(
                b"HTTP/1.1 2",
                &limits(MAX, FIELDS),
                false,
                &mut h,
                &mut Vec::new()
            )
            .unwrap()
        );
        assert_eq!(
            s.feed(
                b"HTTP",
                &limits(MAX, FIELDS),
                false,
                &mut h,
                &mut Vec::new()
            )
            .unwrap_err()
            .code(),
            "buffer_shrunk"
        );
    }

    /// Whether the connection can carry another request after the head (the machine adds
    /// the `Expect: 100-continue` rule, tested in `tests/scenarios.rs`), with the rule each
    /// row shows; every row fed whole and one byte at a time.
    #[test]
    fn keep_alive_table() {
        let cases: &[(&[u8], bool, &str)] = &[
            (
                b"HTTP/1.1 302 F\r\nContent-Length: 0\r\n\r\n",
                true,
                "RFC 9112 §9.3: HTTP/1.1 persists by default",
            ),
            (
                b"HTTP/1.1 302 F\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                false,
                "RFC 9112 §9.3: close",
            ),
            (
                b"HTTP/1.1 302 F\r\nContent-Length: 0\r\nConnection: Keep-Alive, CLOSE\r\n\r\n",
                false,
                "RFC 9112 §9.3: close wins",
            ),
            (
                b"HTTP/1.0 302 F\r\nContent-Length: 0\r\n\r\n",
                false,
                "RFC 9112 §9.3: HTTP/1.0 without keep-alive",
            ),
            (
                b"HTTP/1.0 302 F\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
                true,
                "RFC 9112 Appendix C.2.2: HTTP/1.0 keep-alive",
            ),
            (
                b"HTTP/1.1 302 F\r\n\r\n",
                false,
                "RFC 9112 §6.3 item 8: until close",
            ),
            (
                b"HTTP/1.1 302 F\r\nTransfer-Encoding: chunked\r\n\r\n",
                true,
                "RFC 9112 §6.3 item 4: chunked",
            ),
            (
                b"HTTP/1.1 302 F\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                false,
                "RFC 9112 §6.3 item 4: not ending in chunked: until close",
            ),
            (
                b"HTTP/1.1 302 F\r\nTransfer-Encoding: gzip\r\nContent-Length: 0\r\n\r\n",
                false,
                "RFC 9112 §6.3 items 3 and 4: TE overrides CL, until close",
            ),
            (
                b"HTTP/1.1 302 F\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
                false,
                "RFC 9112 §6.3 item 3: TE and CL, an error",
            ),
            (
                b"HTTP/1.1 302 F\r\nContent-Length: 5\r\ntransfer-encoding: CHUNKED\r\n\r\n",
                false,
                "RFC 9112 §6.3 item 3: TE and CL, either order, any case",
            ),
            (
                b"HTTP/1.1 304 N\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                false,
                "RFC 9112 §6.3 item 3: TE and CL even with no body",
            ),
            (
                b"HTTP/1.0 302 F\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n",
                false,
                "RFC 9112 §6.1: TE in HTTP/1.0, framing faulty",
            ),
            (
                b"HTTP/1.0 302 F\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
                false,
                "RFC 9112 §6.1: TE in HTTP/1.0 even with CL",
            ),
            (
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
                false,
                "RFC 9110 §15.2.2: 101, another protocol",
            ),
            (
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n",
                false,
                "RFC 9110 §15.2.2: 101 after a 100",
            ),
            (
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 F\r\nContent-Length: 0\r\n\r\n",
                true,
                "RFC 9110 §15.2: interim heads skipped",
            ),
        ];
        let policy = limits(MAX, FIELDS);
        let mut failed = Vec::new();
        for (input, want, rule) in cases {
            for bytewise in [false, true] {
                let mut s = Scanner::default();
                let mut h = Head::new();
                let start = if bytewise { 1 } else { input.len() };
                let mut got = Ok(false);
                for i in start..=input.len() {
                    got = s.feed(&input[..i], &policy, false, &mut h, &mut Vec::new());
                    if got != Ok(false) {
                        break;
                    }
                }
                if got.as_ref().map(|&done| done && h.keep_alive == *want) != Ok(true) {
                    failed.push(format!(
                        "{rule}: {:?} bytewise {bytewise}: {got:?}, keep_alive {}",
                        String::from_utf8_lossy(input),
                        h.keep_alive
                    ));
                }
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// The scanner records whether a `100 Continue` came before the final head of this
    /// response (only `100`: `103 Early Hints` does not ask for the body), however the
    /// bytes are split, and a new response starts without it.
    #[test]
    fn continue_is_recorded_per_response() {
        let cases: &[(&[u8], bool)] = &[
            (b"HTTP/1.1 307 T\r\nLocation: /b\r\n\r\n", false),
            (
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 307 T\r\nLocation: /b\r\n\r\n",
                true,
            ),
            (
                b"HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 307 T\r\n\r\n",
                false,
            ),
            (
                b"HTTP/1.1 103 H\r\n\r\nHTTP/1.1 100 C\r\n\r\nHTTP/1.1 307 T\r\n\r\n",
                true,
            ),
            (b"HTTP/1.1 199 X\r\n\r\nHTTP/1.1 307 T\r\n\r\n", false),
        ];
        let policy = limits(MAX, FIELDS);
        let mut failed = Vec::new();
        for (input, want) in cases {
            for bytewise in [false, true] {
                let mut h = Head::new();
                // The head kept from an earlier response said a 100 came.
                h.continued = true;
                let mut s = Scanner::default();
                let start = if bytewise { 1 } else { input.len() };
                for i in start..=input.len() {
                    if s.feed(&input[..i], &policy, false, &mut h, &mut Vec::new()) != Ok(false) {
                        break;
                    }
                }
                if h.continued != *want {
                    failed.push(format!(
                        "{:?} bytewise {bytewise}: {}",
                        String::from_utf8_lossy(input),
                        h.continued
                    ));
                }
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }
}
