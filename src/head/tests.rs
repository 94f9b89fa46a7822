//! The byte path as a whole: scanning, parsing and meaning fed whole and one byte at a time.

use super::*;
use crate::response::BodyLength;
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
        if s.feed(
            &bytes[..i],
            &policy,
            RequestFacts::default(),
            &mut h,
            &mut Vec::new(),
        )? {
            return Ok(Some((h.status, h.len, h.meaning.body)));
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
                got = s.feed(
                    &bytes[..i],
                    &policy,
                    RequestFacts::default(),
                    &mut h,
                    &mut Vec::new(),
                );
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
            RequestFacts::default(),
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
            RequestFacts::default(),
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
            RequestFacts::default(),
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
            RequestFacts::default(),
            &mut h,
            &mut Vec::new()
        )
        .unwrap()
    );
    assert_eq!(
        s.feed(
            b"HTTP",
            &limits(MAX, FIELDS),
            RequestFacts::default(),
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
                got = s.feed(
                    &input[..i],
                    &policy,
                    RequestFacts::default(),
                    &mut h,
                    &mut Vec::new(),
                );
                if got != Ok(false) {
                    break;
                }
            }
            if got
                .as_ref()
                .map(|&done| done && h.meaning.keep_alive == *want)
                != Ok(true)
            {
                failed.push(format!(
                    "{rule}: {:?} bytewise {bytewise}: {got:?}, keep_alive {}",
                    String::from_utf8_lossy(input),
                    h.meaning.keep_alive
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
                if s.feed(
                    &input[..i],
                    &policy,
                    RequestFacts::default(),
                    &mut h,
                    &mut Vec::new(),
                ) != Ok(false)
                {
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
