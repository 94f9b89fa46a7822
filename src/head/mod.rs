//! Reading a response head, in pieces that each take inputs to outputs:
//! - [`scan`]: where the head ends in the caller's growing buffer, each byte looked at once;
//! - [`parse`]: `httparse` and the obsolete-fold ladder, the fields as spans;
//! - [`meaning`]: what a final head means (framing, reuse, HTTP/2-3 rules, the fields the
//!   rules read), one function for every way a head comes in;
//! - [`parsed`]: a head another stack parsed, copied and checked as the wire is.
//!
//! The byte path's contract, which makes feeding linear and split-independent:
//! - The first time a head is looked at, `httparse` gets everything there is (up to the
//!   size limit). A complete parse ends the work in one pass, as the floor does.
//! - Otherwise only the line scanner runs, over the bytes not scanned yet, looking for the
//!   empty line that ends the head (the same line `httparse` ends on). When it is found,
//!   `httparse` parses exactly that head once.
//! - A parse error seen early is not reported until the end of the head is seen, so the
//!   answer for a given byte stream is the same however it is split.

mod meaning;
mod parse;
mod parsed;
mod scan;

use alloc::vec::Vec;

use crate::error::{Error, Malformed};
use crate::policy::Policy;
use crate::response::Version;
use crate::syntax::eq_name;

pub(crate) use meaning::{LocationField, Meaning, RequestFacts};
pub(crate) use parsed::{Check, INTERIM_FRAME, Parsed, field_size};

use parse::{Ended, Parse, Reading, parse_into};
use scan::EndScan;

/// How many header fields `httparse` gets room for on the stack. A head with more fields
/// (when the policy's limit allows more) is parsed once more with room on the heap for as
/// many as the limit, or as the head has lines, whichever is fewer. The machine reserves as
/// many field spans up front, so a head of up to this many fields allocates nothing.
pub(crate) const INLINE_FIELDS: usize = 64;

/// Bytes of a buffer: where they start and how many. A head is at most `u32::MAX` bytes
/// (the policy caps it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// The span of `part` within `base`; an empty span if `part` is not a part of it.
    fn of(base: &[u8], part: &[u8]) -> Span {
        let start = (part.as_ptr() as usize).wrapping_sub(base.as_ptr() as usize);
        if start > base.len() || part.len() > base.len() - start {
            return Span::default();
        }
        Span::within(base, part)
    }

    /// The span of `part`, a part of `base` (as every slice `httparse` gives back is of the
    /// bytes it parsed): no check, the one cost of a field's span being a subtraction. A
    /// `part` from elsewhere gives a span that reads nothing or other bytes of `base`,
    /// never a panic.
    #[inline(always)]
    fn within(base: &[u8], part: &[u8]) -> Span {
        Span {
            start: (part.as_ptr() as usize).wrapping_sub(base.as_ptr() as usize) as u32,
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
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FieldSpan {
    pub(crate) name: Span,
    pub(crate) value: Span,
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
    /// The address of the caller's buffer that completed the head on the byte path (`0`
    /// for a head given to `Follow::handle_head`): `Follow::last_response` and
    /// `Follow::pending_redirect` read the head again only from that very buffer.
    pub(crate) at: usize,
    /// A `100 Continue` interim head came before this one in the same response.
    pub(crate) continued: bool,
    /// A value of the head read off the wire holds an obsolete line fold: the machine
    /// interprets an unfolded copy (`owned`).
    pub(crate) folded: bool,
    /// What the head means.
    pub(crate) meaning: Meaning,
}

impl Head {
    /// The values of every field named `lower` (lower case letters and `-`), read from
    /// `buf` by the bytes of the name (no UTF-8 check: the names are tokens).
    pub(crate) fn values_named<'b>(
        &'b self,
        buf: &'b [u8],
        lower: &'static [u8],
    ) -> impl Iterator<Item = &'b [u8]> + 'b {
        named(&self.fields, buf, lower)
    }

    /// The values of the `Referrer-Policy` fields, from where reading the head's meaning
    /// found them (no walk over the other fields).
    pub(crate) fn referrer_policy_values<'b>(
        &'b self,
        buf: &'b [u8],
    ) -> impl Iterator<Item = &'b [u8]> + 'b {
        let fields = self.meaning.referrer_policy.map_or(&[][..], |r| {
            let range = r.first as usize..=r.last as usize;
            self.fields.get(range).unwrap_or(&[])
        });
        named(fields, buf, b"referrer-policy")
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
            at: 0,
            continued: false,
            folded: false,
            meaning: Meaning::NONE,
        }
    }
}

/// The values of the fields among `fields` named `lower`.
fn named<'b>(
    fields: &'b [FieldSpan],
    buf: &'b [u8],
    lower: &'static [u8],
) -> impl Iterator<Item = &'b [u8]> + 'b {
    fields
        .iter()
        .filter(move |f| eq_name(f.name.get(buf), lower))
        .map(move |f| f.value.get(buf))
}

/// Reading state of the current response on the byte path (and what came of it through
/// `Follow::handle_head`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scanner {
    /// Where the current head starts (after skipped 1xx heads).
    head_start: usize,
    /// Where the current head's end was looked for.
    end: EndScan,
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

    /// Finds the end of the next non-1xx head in `buf`, filling `head` and what it means
    /// for a request that announced `request`: at most the policy's head size and header
    /// fields. `Ok(false)`: more bytes are needed.
    ///
    /// A head with an obsolete line fold is copied into `store` with each fold replaced by
    /// one space and interpreted there; `head.owned` then says so.
    pub(crate) fn feed(
        &mut self,
        buf: &[u8],
        policy: &Policy,
        request: RequestFacts,
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
            let mut ended = None;
            if !self.tried {
                self.tried = true;
                let mut r = Reading::new(policy, request, self.continued, store);
                if let Parse::Ended(e) = parse_into(head, buf, self.head_start, limit, &mut r) {
                    ended = Some(e);
                }
            }
            let ended = match ended {
                Some(e) => e,
                None => {
                    let Some(t) = self.end.find_end(buf, self.head_start, limit) else {
                        if limit == max {
                            return Err(Error::HeadTooLarge { limit: max });
                        }
                        return Ok(false);
                    };
                    let mut r = Reading::new(policy, request, self.continued, store);
                    match parse_into(head, buf, self.head_start, t, &mut r) {
                        Parse::Ended(e) => e,
                        Parse::Error(e) => return Err(e),
                        // The scanner saw an empty line that httparse did not take as the end.
                        Parse::Partial => {
                            return Err(Malformed::Syntax(httparse::Error::NewLine).into());
                        }
                    }
                }
            };
            match ended {
                Ended::Interim { end, status } => {
                    // Skipped; the real response follows in the same bytes.
                    self.continued |= status == 100;
                    self.head_start = end;
                    self.end = EndScan::at(end);
                    self.tried = false;
                }
                Ended::Final { end, meaning } => {
                    head.len = end;
                    meaning?;
                    return Ok(true);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
