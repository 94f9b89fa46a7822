//! The body drainer (`Drainer`): the same answer however the bytes are split, for every
//! framing, on valid and hostile input, as the head scanner is tested.

use proptest::prelude::*;
use redirects::{BodyLength, DEFAULT_MAX_BODY, DrainError, Drainer, MAX_CHUNK_LINE};

/// What feeding a body gives: the error, or the body's data, the bytes left after it (the
/// next response) and whether it ended; `finish` says the connection closed after the
/// last piece.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Body {
        data: Vec<u8>,
        after: Vec<u8>,
        done: bool,
    },
    Error(DrainError),
}

/// Feeds `pieces` in order to a drainer, reading data with `decode`, as a client does.
fn feed(mut drainer: Drainer, pieces: &[&[u8]], finish: bool) -> Outcome {
    let mut data = Vec::new();
    let mut after = Vec::new();
    for piece in pieces {
        if drainer.is_done() {
            after.extend_from_slice(piece);
            continue;
        }
        let mut at = 0;
        loop {
            let step = match drainer.decode(&piece[at..]) {
                Ok(step) => step,
                Err(e) => return Outcome::Error(e),
            };
            data.extend_from_slice(&piece[at..][step.data.clone()]);
            at += step.used;
            if step.done {
                after.extend_from_slice(&piece[at..]);
                break;
            }
            if step.used == 0 {
                assert_eq!(at, piece.len(), "a pause before the end of the input");
                break;
            }
        }
    }
    if finish {
        if let Err(e) = drainer.finish() {
            return Outcome::Error(e);
        }
    }
    assert_eq!(drainer.body_bytes(), data.len() as u64);
    Outcome::Body {
        done: drainer.is_done(),
        data,
        after,
    }
}

/// The same input drained with `drain` (no data kept): the same end, the same rest.
fn drained(mut drainer: Drainer, pieces: &[&[u8]], finish: bool) -> Result<Vec<u8>, DrainError> {
    let mut after = Vec::new();
    for piece in pieces {
        if drainer.is_done() {
            after.extend_from_slice(piece);
            continue;
        }
        let d = drainer.drain(piece)?;
        assert!(d.done || d.used == piece.len());
        after.extend_from_slice(&piece[d.used..]);
    }
    if finish {
        drainer.finish()?;
    }
    Ok(after)
}

/// Checks that `raw` gives the same outcome whole, split at every point, byte by byte and
/// through `drain`; returns it.
fn same_however_split(length: BodyLength, max: u64, raw: &[u8], finish: bool) -> Outcome {
    let new = || Drainer::new(length).with_max_body(max);
    let whole = feed(new(), &[raw], finish);
    // `ToEnd` bodies past the limit fail on the piece that passes it: the error is the
    // same, the data before it is not compared.
    for split in 0..=raw.len() {
        let (a, b) = raw.split_at(split);
        assert_eq!(
            feed(new(), &[a, b], finish),
            whole,
            "split at {split} of {raw:?}"
        );
    }
    let bytes = byte_by_byte(raw);
    assert_eq!(feed(new(), &bytes, finish), whole, "byte by byte: {raw:?}");
    match &whole {
        Outcome::Body { after, .. } => {
            assert_eq!(drained(new(), &[raw], finish).as_ref(), Ok(after));
            assert_eq!(drained(new(), &bytes, finish).as_ref(), Ok(after));
        }
        Outcome::Error(e) => {
            assert_eq!(drained(new(), &[raw], finish), Err(*e));
            assert_eq!(drained(new(), &bytes, finish), Err(*e));
        }
    }
    whole
}

/// One piece per byte (one empty piece for no bytes: the caller always calls once).
fn byte_by_byte(raw: &[u8]) -> Vec<&[u8]> {
    if raw.is_empty() {
        return vec![raw];
    }
    raw.chunks(1).collect()
}

fn body(data: &[u8], after: &[u8], done: bool) -> Outcome {
    Outcome::Body {
        data: data.to_vec(),
        after: after.to_vec(),
        done,
    }
}

#[test]
fn every_framing_split_anywhere() {
    let cases: &[(BodyLength, &[u8], bool, Outcome)] = &[
        (
            BodyLength::None,
            b"HTTP/1.1 200 OK\r\n",
            false,
            body(b"", b"HTTP/1.1 200 OK\r\n", true),
        ),
        (
            BodyLength::Length(0),
            b"next",
            false,
            body(b"", b"next", true),
        ),
        (
            BodyLength::Length(5),
            b"helloHTTP",
            false,
            body(b"hello", b"HTTP", true),
        ),
        (
            BodyLength::Length(5),
            b"hel",
            false,
            body(b"hel", b"", false),
        ),
        (
            BodyLength::Length(5),
            b"hel",
            true,
            Outcome::Error(DrainError::Truncated),
        ),
        (
            BodyLength::Chunked,
            b"5;ext=1\r\nhello\r\n7 ; a=\"b;c\"\r\n, world\r\n0\r\nX-T: 1\r\nX-O:\r\n\r\nNEXT",
            false,
            body(b"hello, world", b"NEXT", true),
        ),
        (
            BodyLength::Chunked,
            b"A\r\n0123456789\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n",
            false,
            body(b"0123456789", b"HTTP/1.1 200 OK\r\n", true),
        ),
        (
            BodyLength::Chunked,
            b"00003\r\nabc\r\n000\r\n\r\n",
            false,
            body(b"abc", b"", true),
        ),
        (
            BodyLength::Chunked,
            b"3\r\nabc\r\n",
            false,
            body(b"abc", b"", false),
        ),
        (
            BodyLength::Chunked,
            b"3\r\nabc\r\n",
            true,
            Outcome::Error(DrainError::Truncated),
        ),
        (
            BodyLength::UntilClose,
            b"all of it",
            true,
            body(b"all of it", b"", true),
        ),
        (
            BodyLength::UntilClose,
            b"all of it",
            false,
            body(b"all of it", b"", false),
        ),
        (
            BodyLength::EndOfStream,
            b"stream",
            true,
            body(b"stream", b"", true),
        ),
    ];
    for (length, raw, finish, want) in cases {
        let got = same_however_split(*length, DEFAULT_MAX_BODY, raw, *finish);
        assert_eq!(&got, want, "{length:?} {raw:?}");
    }
}

#[test]
fn hostile_sizes_split_anywhere() {
    let mut zeros = vec![b'0'; 10_000];
    zeros.extend_from_slice(b"5\r\nhello\r\n0\r\n\r\n");
    let mut trailer_flood = b"1\r\na\r\n0\r\n".to_vec();
    for _ in 0..100 {
        trailer_flood.extend_from_slice(b"X-Flood: 1\r\n");
    }
    let mut long_trailer = b"0\r\nX: ".to_vec();
    long_trailer.resize(20_000, b'a');
    let cases: &[(&[u8], DrainError)] = &[
        (
            b"ffffffffffffffff\r\n",
            DrainError::TooLarge {
                limit: DEFAULT_MAX_BODY,
            },
        ),
        (b"10000000000000000\r\nx", DrainError::ChunkSizeOverflow),
        (&[b'9'; 10_000], DrainError::ChunkSizeOverflow),
        (
            &zeros,
            DrainError::ChunkLineTooLong {
                limit: MAX_CHUNK_LINE,
            },
        ),
        (b"5\r\nhelloX", DrainError::MissingCrlf),
        (b"5\nhello\r\n", DrainError::MissingCrlf),
        (b"5\r\nhello\n0\r\n\r\n", DrainError::MissingCrlf),
        (b"-5\r\n", DrainError::InvalidChunkLine),
        (b"0x5\r\n", DrainError::InvalidChunkLine),
        (b"+5\r\n", DrainError::InvalidChunkLine),
        (b"5\x0b\r\n", DrainError::InvalidChunkLine),
        (&trailer_flood, DrainError::TooManyTrailers { limit: 64 }),
        (
            &long_trailer,
            DrainError::TrailersTooLarge { limit: 8 * 1024 },
        ),
        (b"0\r\nBad Name: x\r\n\r\n", DrainError::InvalidTrailer),
        (b"0\r\nA: \x01\r\n\r\n", DrainError::InvalidTrailer),
    ];
    for (raw, e) in cases {
        let got = same_however_split(BodyLength::Chunked, DEFAULT_MAX_BODY, raw, true);
        assert_eq!(
            got,
            Outcome::Error(*e),
            "{:?}",
            String::from_utf8_lossy(&raw[..raw.len().min(40)])
        );
    }
    // 2^64 - 1 with no limit: a valid size, its data simply not there yet.
    let got = same_however_split(
        BodyLength::Chunked,
        u64::MAX,
        b"ffffffffffffffff\r\nab",
        false,
    );
    assert_eq!(got, body(b"ab", b"", false));
    // Content-Length past the limit fails before a byte of it; until-close at the byte
    // that passes it.
    for raw in [&b""[..], b"abcdef"] {
        assert_eq!(
            same_however_split(BodyLength::Length(u64::MAX), 4, raw, false),
            Outcome::Error(DrainError::TooLarge { limit: 4 })
        );
    }
    assert_eq!(
        same_however_split(BodyLength::UntilClose, 4, b"abcdef", true),
        Outcome::Error(DrainError::TooLarge { limit: 4 })
    );
    assert_eq!(
        same_however_split(BodyLength::Chunked, 4, b"2\r\nab\r\n3\r\nabc\r\n", false),
        Outcome::Error(DrainError::TooLarge { limit: 4 })
    );
}

/// A valid chunked body built from its parts.
fn chunked(chunks: &[Vec<u8>], ext: &str, trailers: &[(String, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in chunks.iter().filter(|c| !c.is_empty()) {
        out.extend_from_slice(format!("{:x}{ext}\r\n", c.len()).as_bytes());
        out.extend_from_slice(c);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("0{ext}\r\n").as_bytes());
    for (n, v) in trailers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn lengths() -> impl Strategy<Value = BodyLength> {
    prop_oneof![
        Just(BodyLength::None),
        (0u64..40).prop_map(BodyLength::Length),
        Just(BodyLength::Chunked),
        Just(BodyLength::UntilClose),
        Just(BodyLength::EndOfStream),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn valid_chunked_bodies_any_split(
        chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..20), 0..6),
        ext in prop_oneof![Just(""), Just(";a=b"), Just(" ; q=\"x;y\""), Just(";n")],
        trailers in prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,8}", "[ -~]{0,10}"), 0..4),
        after in prop::collection::vec(any::<u8>(), 0..10),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let mut raw = chunked(&chunks, ext, &trailers);
        raw.extend_from_slice(&after);
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(raw.len() + 1)).collect();
        at.sort_unstable();
        let mut pieces = Vec::new();
        let mut from = 0;
        for to in at {
            pieces.push(&raw[from..to]);
            from = to;
        }
        pieces.push(&raw[from..]);
        let want = body(&chunks.concat(), &after, true);
        prop_assert_eq!(feed(Drainer::new(BodyLength::Chunked), &pieces, false), want);
        prop_assert_eq!(drained(Drainer::new(BodyLength::Chunked), &pieces, false), Ok(after));
    }

    #[test]
    fn arbitrary_bytes_any_split(
        length in lengths(),
        raw in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..60),
            prop::collection::vec(prop::sample::select(b"0123456789abcdefAF;= \t\r\n:xX-\"".to_vec()), 0..60),
        ],
        max in prop_oneof![Just(u64::MAX), 0u64..30],
        finish in any::<bool>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let new = || Drainer::new(length).with_max_body(max);
        let whole = feed(new(), &[&raw], finish);
        let (a, b) = raw.split_at(cut.index(raw.len() + 1));
        prop_assert_eq!(feed(new(), &[a, b], finish), whole.clone_outcome());
        prop_assert_eq!(feed(new(), &byte_by_byte(&raw), finish), whole);
    }
}

impl Outcome {
    fn clone_outcome(&self) -> Outcome {
        match self {
            Outcome::Body { data, after, done } => Outcome::Body {
                data: data.clone(),
                after: after.clone(),
                done: *done,
            },
            Outcome::Error(e) => Outcome::Error(*e),
        }
    }
}

/// `Framing` is a plain value: copied out of the handle, it outlives the borrow of the
/// machine, so the body can be read while `follow` and the buffer are used again (the
/// E0502 a caller met when it kept the `Redirect` or the `Response` instead).
#[test]
fn framing_is_copied_out_of_the_machine() {
    use redirects::{Event, Follow, Framing, Policy, Request};
    let mut follow =
        Follow::new(Request::get("http://a.test/x").unwrap(), Policy::fetch()).unwrap();
    let mut buf = b"HTTP/1.1 301 Moved\r\nLocation: /y\r\nContent-Length: 3\r\n\r\nabc".to_vec();
    let framing: Framing = match follow.handle_response(&buf).unwrap() {
        Event::Redirect(r) => {
            assert_eq!(r.framing().reuse, r.can_reuse_connection());
            assert_eq!(r.framing().body, r.response().body_length());
            r.framing()
        }
        other => panic!("{other:?}"),
    };
    // The machine and the buffer are free again.
    assert_eq!(follow.request().url().as_str(), "http://a.test/y");
    let body = buf.split_off(framing.head_len);
    assert_eq!(framing.body, BodyLength::Length(3));
    assert!(framing.reuse);
    let drained = framing.drainer().drain(&body).unwrap();
    assert_eq!((drained.used, drained.done), (3, true));

    // Another origin: not reused, whatever the head says; the response's own framing
    // still says keep-alive.
    let mut follow =
        Follow::new(Request::get("http://a.test/x").unwrap(), Policy::fetch()).unwrap();
    let buf =
        b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\nTransfer-Encoding: chunked\r\n\r\n";
    let Event::Redirect(r) = follow.handle_response(buf).unwrap() else {
        panic!()
    };
    assert_eq!(
        (r.framing().reuse, r.response().framing().reuse),
        (false, true)
    );
    assert_eq!(r.framing().body, BodyLength::Chunked);
    r.follow();
    let buf = b"HTTP/1.0 200 OK\r\n\r\nall";
    let Event::Final(done) = follow.handle_response(buf).unwrap() else {
        panic!()
    };
    let framing = done.framing();
    assert_eq!(
        (framing.head_len, framing.body, framing.reuse),
        (19, BodyLength::UntilClose, false)
    );
}

/// The drainer keeps counters, never bytes: its size is small and fixed.
#[test]
fn drainer_size_is_bounded() {
    assert!(size_of::<Drainer>() <= 64, "{}", size_of::<Drainer>());
}
