//! What a complete final head means: how its body ends, whether the connection carries
//! another request, the HTTP/2 and HTTP/3 rules, and where the fields the rules read are
//! (`Location`, `Strict-Transport-Security`, `Referrer-Policy`). One function, [`read`],
//! from the status line, the fields and what the request announced, for every way a head
//! comes in: the byte path straight from `httparse`'s fields, an unfolded copy, a head
//! another stack parsed.

use crate::error::{Error, Malformed};
use crate::response::{BodyLength, Version};
use crate::syntax::{eq_name, has_no_body, trim_ows};

use super::Span;

/// Where the `Location` of the head is.
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

/// The first and the last of the head's fields with one name (indexes into its field
/// list, which holds at most `u16::MAX` fields: the policy's limit is a `u16`): the fields
/// between them are the only ones to look at for that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldRange {
    pub(crate) first: u16,
    pub(crate) last: u16,
}

/// What the request said that decides the connection's fate with this head's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RequestFacts {
    /// The request was `HEAD`: no body follows, whatever the fields say.
    pub(crate) head: bool,
    /// The request announced `Expect: 100-continue`.
    pub(crate) expects_continue: bool,
    /// The request sent `Connection: close`.
    pub(crate) closes: bool,
}

/// What a final head means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meaning {
    pub(crate) body: BodyLength,
    /// The connection can carry another request once the body is read: persistent, the
    /// body's end known, the framing trustworthy, and the request neither closed it nor
    /// left a body the server may still read ([`reuse`]).
    pub(crate) keep_alive: bool,
    pub(crate) location: LocationField,
    /// The `Referrer-Policy` fields, if any.
    pub(crate) referrer_policy: Option<FieldRange>,
    /// The value of the first `Strict-Transport-Security` field (RFC 6797 §8.1).
    pub(crate) sts: Option<Span>,
}

impl Meaning {
    /// The meaning of no head yet.
    pub(crate) const NONE: Meaning = Meaning {
        body: BodyLength::None,
        keep_alive: false,
        location: LocationField::Absent,
        referrer_policy: None,
        sts: None,
    };
}

/// The `Connection` options the head's persistence depends on (RFC 9112 §9.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ConnectionOptions {
    pub(crate) close: bool,
    pub(crate) keep_alive: bool,
}

impl ConnectionOptions {
    /// Adds the options of one `Connection` value: a comma-separated list of tokens, any
    /// case, in one pass. The value holds field-value bytes only, never a CR, on which
    /// [`eq_name`]'s case fold is exact.
    pub(crate) fn add(&mut self, value: &[u8]) {
        for option in value.split(|&b| b == b',') {
            let option = option.trim_ascii();
            self.close |= eq_name(option, b"close");
            self.keep_alive |= eq_name(option, b"keep-alive");
        }
    }
}

/// Whether the connection carries another request once the body is read: the one place
/// this is decided, from the head and the request.
pub(crate) fn reuse(
    version: Version,
    status: u16,
    body: BodyLength,
    connection: ConnectionOptions,
    faulty_framing: bool,
    continued: bool,
    request: RequestFacts,
) -> bool {
    if !version.is_http1() {
        // HTTP/2 and HTTP/3: a stream of its own; the connection carries other streams
        // whatever this one does, and the request's fields do not touch it.
        return true;
    }
    !connection.close
        && (version != Version::Http10 || connection.keep_alive)
        // The body's end must be known (RFC 9112 §6.3 items 4 and 8: until close).
        && body != BodyLength::UntilClose
        && !faulty_framing
        // After a 101 the connection speaks the protocol it switched to (RFC 9110 §15.2.2).
        && status != 101
        // The request announced `Expect: 100-continue` and its response came before any
        // `100`: the body was (as far as the machine knows) never sent, and the server may
        // still read it, so the next head would be taken as body (RFC 9110 §10.1.1, RFC
        // 9112 §9.3).
        && (continued || !request.expects_continue)
        // A request that sent `Connection: close` was the last one on its connection (RFC
        // 9112 §9.6: the client MUST NOT send further requests).
        && !request.closes
}

/// Reads what a final head means from its status line and its fields, in one pass over the
/// fields. `base` is the buffer the fields are slices of (the spans are into it);
/// `continued` says a `100 Continue` came before this head.
///
/// Errors: a `Content-Length` that is not one number, a connection-specific field or a
/// `101` in HTTP/2 or HTTP/3 (RFC 9113 §8.2.2 and §8.6, RFC 9114 §4.2 and §4.5).
#[inline(always)]
pub(crate) fn read<'b>(
    base: &[u8],
    version: Version,
    status: u16,
    continued: bool,
    request: RequestFacts,
    fields: impl Iterator<Item = (&'b [u8], &'b [u8])>,
) -> Result<Meaning, Error> {
    let http1 = version.is_http1();
    let mut content_length: Option<u64> = None;
    let mut chunked = None;
    let mut connection = ConnectionOptions::default();
    // A field HTTP/2 and HTTP/3 refuse that HTTP/1 may carry (`Keep-Alive`,
    // `Proxy-Connection`, `Upgrade`): an error once every field is read.
    let mut connection_specific = false;
    let mut location: Option<&[u8]> = None;
    let mut location_conflict = false;
    let mut referrer_policy: Option<FieldRange> = None;
    let mut sts: Option<&[u8]> = None;
    for (i, (name, value)) in fields.enumerate() {
        // The length first: most fields are none of these, and are passed over for one
        // comparison of their length.
        match name.len() {
            8 if eq_name(name, b"location") => {
                // An empty field says nothing, wherever it stands (curl ignores it too), so
                // the answer does not depend on the order of the fields.
                let v = trim_ows(value);
                match location {
                    _ if v.is_empty() => {}
                    None => location = Some(v),
                    Some(prev) => location_conflict |= prev != v,
                }
            }
            14 if eq_name(name, b"content-length") => {
                for part in value.split(|&b| b == b',') {
                    let n = parse_decimal(part.trim_ascii()).ok_or(Malformed::ContentLength)?;
                    if content_length.is_some_and(|c| c != n) {
                        return Err(Malformed::ContentLength.into());
                    }
                    content_length = Some(n);
                }
            }
            17 if eq_name(name, b"transfer-encoding") => {
                if !http1 {
                    return Err(Malformed::ConnectionSpecific.into());
                }
                let last = value.rsplit(|&b| b == b',').next().unwrap_or(b"");
                chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
            }
            10 if eq_name(name, b"connection") => {
                if !http1 {
                    return Err(Malformed::ConnectionSpecific.into());
                }
                connection.add(value);
            }
            15 if eq_name(name, b"referrer-policy") => {
                let i = u16::try_from(i).unwrap_or(u16::MAX);
                referrer_policy = Some(match referrer_policy {
                    None => FieldRange { first: i, last: i },
                    Some(r) => FieldRange { last: i, ..r },
                });
            }
            25 if sts.is_none() && eq_name(name, b"strict-transport-security") => {
                sts = Some(value);
            }
            // (Over HTTP/1 the flag would be read by nothing: a guard made `true` is an
            // equivalent mutant.)
            10 | 16 | 7 if !http1 => {
                connection_specific |= eq_name(name, b"keep-alive")
                    || eq_name(name, b"proxy-connection")
                    || eq_name(name, b"upgrade");
            }
            _ => {}
        }
    }
    let location = match location {
        None => LocationField::Absent,
        Some(_) if location_conflict => LocationField::Conflict,
        Some(v) => LocationField::One(Span::of(base, v)),
    };
    let sts = sts.map(|v| Span::of(base, v));
    let no_body = request.head || has_no_body(status);
    let body = if !http1 {
        if connection_specific {
            return Err(Malformed::ConnectionSpecific.into());
        }
        if status == 101 {
            return Err(Malformed::Status(101).into());
        }
        // The body ends with the stream (a `Content-Length` must agree with it: RFC 9113
        // §8.1.1).
        match content_length {
            _ if no_body => BodyLength::None,
            Some(n) => BodyLength::Length(n),
            None => BodyLength::EndOfStream,
        }
    } else {
        match (chunked, content_length) {
            _ if no_body => BodyLength::None,
            (Some(true), _) => BodyLength::Chunked,
            (Some(false), _) | (None, None) => BodyLength::UntilClose,
            (None, Some(n)) => BodyLength::Length(n),
        }
    };
    // The framing cannot be trusted, so the connection is closed after this response:
    // Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1: "treat the message as if the
    // framing is faulty ... and close the connection"), or with Content-Length (§6.3 item
    // 3: "ought to be handled as an error"; §6.1: the connection is closed after).
    let faulty_framing =
        chunked.is_some() && (version == Version::Http10 || content_length.is_some());
    let keep_alive = reuse(
        version,
        status,
        body,
        connection,
        faulty_framing,
        continued,
        request,
    );
    Ok(Meaning {
        body,
        keep_alive,
        location,
        referrer_policy,
        sts,
    })
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
mod tests;
