//! A head another stack parsed (hyper, `h2`, `h3`, reqwless, `http` types), copied into the
//! machine's own buffer field by field, checked as `httparse` checks the wire, and read by
//! the same [`meaning::read`] as the byte path.

use alloc::vec::Vec;

use crate::error::{Error, Malformed};
use crate::response::Version;
use crate::syntax::{is_field_value, is_token, trim_ows};

use super::meaning::{self, RequestFacts};
use super::{FieldSpan, Head, Span};

/// The bytes of an interim head besides its fields, as written in HTTP/1.1 at the least:
/// `HTTP/1.1 103\r\n` and the empty line.
pub(crate) const INTERIM_FRAME: usize = b"HTTP/1.1 103\r\n\r\n".len();

/// Bytes reserved for the first head given to `Follow::handle_head` (names and values).
const PARSED_RESERVED: usize = 1024;

/// A head parsed by the caller's own HTTP stack, given to `Follow::handle_head`.
pub(crate) struct Parsed {
    pub(crate) version: Version,
    pub(crate) status: u16,
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

/// The size of a field of a parsed head as an HTTP/1.1 line: `name: value\r\n`, the value
/// without its leading and trailing spaces and tabs.
pub(crate) fn field_size(name: &[u8], value: &[u8]) -> usize {
    name.len() + trim_ows(value).len() + 4
}

impl Head {
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
        self.at = 0;
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
        if check == Check::Syntax && !is_token(name) {
            return Err(Malformed::Syntax(httparse::Error::HeaderName).into());
        }
        // `httparse` reads the field one too many before it finds no room for it.
        if self.fields.len() >= max_fields {
            if check == Check::Syntax && !is_field_value(value) {
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
        is_field_value(store)
    }

    /// Reads what the head means, as for a head read off the wire.
    pub(crate) fn finish_parsed(
        &mut self,
        store: &[u8],
        request: RequestFacts,
        continued: bool,
    ) -> Result<(), Error> {
        self.continued = continued;
        let fields = self
            .fields
            .iter()
            .map(|f| (f.name.get(store), f.value.get(store)));
        self.meaning = meaning::read(store, self.version, self.status, continued, request, fields)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::meaning::LocationField;
    use crate::response::BodyLength;
    use std::vec::Vec;

    const ROOM: (usize, usize) = (1 << 16, 1 << 16);

    /// Copies `fields` as `Follow::handle_head` does and reads the head.
    fn copy(
        version: Version,
        status: u16,
        fields: &[(&[u8], &[u8])],
        check: Check,
    ) -> Result<(Head, Vec<u8>), Error> {
        let mut head = Head::new();
        let mut store = Vec::new();
        let p = Parsed { version, status };
        head.start_parsed(&mut store, &p, ROOM.1)?;
        for &(name, value) in fields {
            head.push_field(&mut store, name, value, 8, check, ROOM)?;
        }
        if check == Check::Syntax && !Head::values_ok(&store) {
            return Err(Malformed::Syntax(httparse::Error::HeaderValue).into());
        }
        p.check_status()?;
        head.finish_parsed(&store, RequestFacts::default(), false)?;
        Ok((head, store))
    }

    #[test]
    fn fields_are_copied_trimmed_and_read() {
        let fields: &[(&[u8], &[u8])] = &[
            (b"location", b"  /next \t"),
            (b"Content-Length", b"0"),
            (b"X-Empty", b""),
        ];
        let (head, store) = copy(Version::Http11, 302, fields, Check::Syntax).unwrap();
        assert_eq!(store, b"location/nextContent-Length0X-Empty");
        let LocationField::One(span) = head.meaning.location else {
            panic!("{:?}", head.meaning.location);
        };
        assert_eq!(span.get(&store), b"/next");
        assert_eq!(head.meaning.body, BodyLength::Length(0));
        assert!(head.meaning.keep_alive);
        assert!(head.owned);
    }

    /// The checks `httparse` makes on the wire, and the size of a field as an HTTP/1.1 line.
    #[test]
    fn checks_table() {
        type Row<'a> = (&'a [u8], &'a [u8], Check, Option<httparse::Error>);
        let rows: &[Row<'_>] = &[
            (b"x-a", b"b", Check::Syntax, None),
            (b"", b"b", Check::Syntax, Some(httparse::Error::HeaderName)),
            (
                b"a b",
                b"b",
                Check::Syntax,
                Some(httparse::Error::HeaderName),
            ),
            (
                b"a",
                b"b\r\n c",
                Check::Syntax,
                Some(httparse::Error::HeaderValue),
            ),
            (
                b"a",
                b"\x7f",
                Check::Syntax,
                Some(httparse::Error::HeaderValue),
            ),
            (b"a", b"\xff\t", Check::Syntax, None),
            (b"a b", b"\x00", Check::Trusted, None),
        ];
        for &(name, value, check, want) in rows {
            let got = copy(Version::Http11, 200, &[(name, value)], check).err();
            let want = want.map(|e| Error::from(Malformed::Syntax(e)));
            assert_eq!(got, want, "{name:?}: {value:?} {check:?}");
        }
        assert_eq!(field_size(b"Location", b" /a "), 14);
        assert_eq!(
            copy(Version::Http11, 1000, &[], Check::Syntax).err(),
            Some(Malformed::Status(1000).into())
        );
        // Too large a field is not copied.
        let mut head = Head::new();
        let mut store = Vec::new();
        let big = head.push_field(&mut store, b"a", b"bcd", 8, Check::Syntax, (7, 99));
        assert_eq!(big, Err(Error::HeadTooLarge { limit: 99 }));
        assert!(store.is_empty() && head.fields.is_empty());
    }

    /// HTTP/2: the stream ends the body, reuse is a question of origin, connection-specific
    /// fields are refused.
    #[test]
    fn http2_heads() {
        let (head, _) = copy(Version::Http2, 200, &[], Check::Syntax).unwrap();
        assert_eq!(head.meaning.body, BodyLength::EndOfStream);
        assert!(head.meaning.keep_alive);
        let bad: &[(&[u8], &[u8])] = &[(b"upgrade", b"h2c")];
        assert_eq!(
            copy(Version::Http2, 200, bad, Check::Syntax).err(),
            Some(Malformed::ConnectionSpecific.into())
        );
    }
}
