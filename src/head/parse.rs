//! Parsing one head with `httparse`: the field spans into the buffer, the obsolete line
//! folds (RFC 9112 §5.2) taken only when a head fails without them and then unfolded into a
//! copy, and the meaning of a final head read straight from `httparse`'s fields.

use alloc::vec::Vec;
use core::mem::MaybeUninit;

use crate::error::{Error, Malformed};
use crate::policy::Policy;
use crate::response::Version;
use crate::syntax::{is_interim, trim_ows_end, trim_ows_start};

use super::meaning::{self, RequestFacts};
use super::{FieldSpan, Head, INLINE_FIELDS, Span};

/// A head parsed to its end.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    /// A final head, ending at `end`: the head is filled, and its meaning read (or the
    /// error reading it).
    Final {
        end: usize,
        meaning: Result<(), Error>,
    },
    /// An interim head (`1xx` but `101`), ending at `end`: the final head follows.
    Interim { end: usize, status: u16 },
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parse {
    Ended(Ended),
    Partial,
    Error(Error),
}

/// What reading a final head needs besides its bytes.
pub(crate) struct Reading<'s> {
    pub(crate) max_fields: usize,
    pub(crate) request: RequestFacts,
    /// A `100 Continue` came before this head.
    pub(crate) continued: bool,
    /// Where a head with an obsolete line fold is copied unfolded.
    pub(crate) store: &'s mut Vec<u8>,
}

impl<'s> Reading<'s> {
    pub(crate) fn new(
        policy: &Policy,
        request: RequestFacts,
        continued: bool,
        store: &'s mut Vec<u8>,
    ) -> Reading<'s> {
        Reading {
            max_fields: policy.max_header_fields(),
            request,
            continued,
            store,
        }
    }
}

/// Parses the head in `buf[start..end]` into `head`.
pub(crate) fn parse_into(
    head: &mut Head,
    buf: &[u8],
    start: usize,
    end: usize,
    r: &mut Reading<'_>,
) -> Parse {
    let Some(slice) = buf.get(start..end) else {
        return Parse::Partial;
    };
    let max_fields = r.max_fields;
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
    let end = start + n;
    if is_interim(status) {
        return Parse::Ended(Ended::Interim { end, status });
    }
    let version = if res.version == Some(0) {
        Version::Http10
    } else {
        Version::Http11
    };
    head.version = version;
    head.owned = false;
    head.status = status;
    head.continued = r.continued;
    head.reason = Span::within(buf, res.reason.unwrap_or("").as_bytes());
    head.fields.clear();
    // Within the capacity reserved up front unless the head has more than INLINE_FIELDS.
    head.fields.extend(res.headers.iter().map(|h| FieldSpan {
        name: Span::within(buf, h.name.as_bytes()),
        value: Span::within(buf, h.value),
    }));
    let meaning = if head.folded {
        head.unfold_into(buf, r.store);
        let store = &r.store[..];
        let fields = head
            .fields
            .iter()
            .map(|f| (f.name.get(store), f.value.get(store)));
        meaning::read(store, version, status, r.continued, r.request, fields)
    } else {
        let fields = res.headers.iter().map(|h| (h.name.as_bytes(), h.value));
        meaning::read(buf, version, status, r.continued, r.request, fields)
    };
    let meaning = meaning.map(|m| head.meaning = m);
    Parse::Ended(Ended::Final { end, meaning })
}

impl Head {
    /// Copies the reason and the fields read from `buf` into `store`, each obsolete line
    /// fold of a value (optional spaces, a line break, spaces) replaced by one space (RFC
    /// 9112 §5.2: a recipient replaces them "prior to interpreting the field value"), and
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::BodyLength;
    use std::vec::Vec;

    fn parse(bytes: &[u8], max_fields: usize) -> (Parse, Head, Vec<u8>) {
        let mut head = Head::with_field_capacity(max_fields);
        let mut store = Vec::new();
        let mut r = Reading {
            max_fields,
            request: RequestFacts::default(),
            continued: false,
            store: &mut store,
        };
        let p = parse_into(&mut head, bytes, 0, bytes.len(), &mut r);
        (p, head, store)
    }

    /// The fold ladder: a head is parsed strictly first; only a head that fails is parsed
    /// again with folds allowed, and its values are read unfolded from a copy.
    #[test]
    fn folds_are_unfolded_into_a_copy() {
        // (head, folded, the values as interpreted)
        type Row<'a> = (&'a [u8], bool, &'a [&'a [u8]]);
        let rows: &[Row<'_>] = &[
            (b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n", false, &[b"b"]),
            (b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", true, &[b"b c"]),
            (
                b"HTTP/1.1 200 OK\r\nA: b \r\n \t c\r\n\td\r\nE: f\r\n\r\n",
                true,
                &[b"b c d", b"f"],
            ),
            (b"HTTP/1.1 200 OK\nA: b\n c\n\n", true, &[b"b c"]),
        ];
        for &(bytes, folded, values) in rows {
            let (p, head, store) = parse(bytes, 16);
            let end = bytes.len();
            assert_eq!(
                p,
                Parse::Ended(Ended::Final {
                    end,
                    meaning: Ok(())
                }),
                "{bytes:?}"
            );
            assert_eq!(head.folded, folded, "{bytes:?}");
            assert_eq!(head.owned, folded, "{bytes:?}");
            let src: &[u8] = if folded { &store } else { bytes };
            let got: Vec<&[u8]> = head.fields.iter().map(|f| f.value.get(src)).collect();
            assert_eq!(got, values, "{bytes:?}");
        }
    }

    /// A `Location` folded over two lines is read from the unfolded copy.
    #[test]
    fn the_meaning_of_a_folded_head_is_read_unfolded() {
        let bytes = b"HTTP/1.1 302 F\r\nLocation: /a\r\n b\r\nContent-Length: 3\r\n\r\n";
        let (_, head, store) = parse(bytes, 16);
        let meaning::LocationField::One(span) = head.meaning.location else {
            panic!("{:?}", head.meaning.location);
        };
        assert_eq!(span.get(&store), b"/a b");
        assert_eq!(head.meaning.body, BodyLength::Length(3));
    }

    #[test]
    fn interim_and_faulty_heads() {
        let interim = b"HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
        assert_eq!(
            parse(interim, 16).0,
            Parse::Ended(Ended::Interim {
                end: 40,
                status: 103
            })
        );
        assert_eq!(parse(b"HTTP/1.1 200 OK\r\nA: b\r\n", 16).0, Parse::Partial);
        assert_eq!(
            parse(b"HTTP/1.1 099 Low\r\n\r\n", 16).0,
            Parse::Error(Malformed::Status(99).into())
        );
        assert_eq!(
            parse(b"HTTP/1.1 200 OK\r\nA: b\r\nC: d\r\n\r\n", 1).0,
            Parse::Error(Error::TooManyHeaders { limit: 1 })
        );
        // The meaning's error comes with the end of the head.
        assert_eq!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 16).0,
            Parse::Ended(Ended::Final {
                end: 38,
                meaning: Err(Malformed::ContentLength.into())
            })
        );
    }
}
