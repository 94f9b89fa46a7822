//! drain: arbitrary bytes as a response body, through `Drainer::decode` and `Drainer::drain`.
//!
//! The first byte picks the framing (no body, `Content-Length` of the second byte, chunked,
//! until close, end of stream) and the limit (none, the default, or the third byte); the
//! fourth byte's low bit says whether the connection closes after the last byte; the rest
//! is the body and whatever follows it.
//!
//! Invariant: no panic; each call uses at most the bytes given and its data run lies
//! within them, after the bytes already used; the body's data never passes the limit and
//! `body_bytes` counts it; and the whole outcome (error, or data, bytes left after the
//! body, whether it ended) is identical fed whole, split at a point taken from the input,
//! one byte at a time, and through `drain` (which keeps no data) whole and byte by byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects::{BodyLength, DrainError, Drainer};

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Body {
        data: Vec<u8>,
        after: Vec<u8>,
        done: bool,
    },
    Error(DrainError),
}

fn feed(mut d: Drainer, pieces: &[&[u8]], finish: bool) -> Outcome {
    let (mut data, mut after) = (Vec::new(), Vec::new());
    for piece in pieces {
        if d.is_done() {
            after.extend_from_slice(piece);
            continue;
        }
        let mut at = 0;
        loop {
            let step = match d.decode(&piece[at..]) {
                Ok(step) => step,
                Err(e) => return Outcome::Error(e),
            };
            let rest = &piece[at..];
            assert!(step.used <= rest.len(), "used past the input");
            assert!(step.data.start <= step.data.end && step.data.end <= step.used);
            data.extend_from_slice(&rest[step.data]);
            assert!(d.body_bytes() <= d.max_body(), "past the limit");
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
        if let Err(e) = d.finish() {
            return Outcome::Error(e);
        }
    }
    assert_eq!(d.body_bytes(), data.len() as u64);
    Outcome::Body {
        done: d.is_done(),
        data,
        after,
    }
}

fn drained(mut d: Drainer, pieces: &[&[u8]], finish: bool) -> Result<(Vec<u8>, bool), DrainError> {
    let mut after = Vec::new();
    for piece in pieces {
        if d.is_done() {
            after.extend_from_slice(piece);
            continue;
        }
        let step = d.drain(piece)?;
        assert!(step.used <= piece.len());
        assert!(step.done || step.used == piece.len(), "drain stopped early");
        after.extend_from_slice(&piece[step.used..]);
    }
    if finish {
        d.finish()?;
    }
    Ok((after, d.is_done()))
}

fuzz_target!(|input: &[u8]| {
    let [pick, len, limit, flags, raw @ ..] = input else {
        return;
    };
    let length = match pick % 5 {
        0 => BodyLength::None,
        1 => BodyLength::Length(u64::from(*len)),
        2 => BodyLength::Chunked,
        3 => BodyLength::UntilClose,
        _ => BodyLength::EndOfStream,
    };
    let max = match (pick / 5) % 3 {
        0 => u64::MAX,
        1 => redirects::DEFAULT_MAX_BODY,
        _ => u64::from(*limit),
    };
    let finish = flags & 1 == 1;
    let new = || Drainer::new(length).with_max_body(max);
    let whole = feed(new(), &[raw], finish);
    let cut = usize::from(*len).min(raw.len());
    let (a, b) = raw.split_at(cut);
    assert_eq!(feed(new(), &[a, b], finish), whole, "split at {cut}");
    let bytes: Vec<&[u8]> = if raw.is_empty() {
        vec![raw]
    } else {
        raw.chunks(1).collect()
    };
    assert_eq!(feed(new(), &bytes, finish), whole, "byte by byte");
    let want = match &whole {
        Outcome::Body { after, done, .. } => Ok((after.clone(), *done)),
        Outcome::Error(e) => Err(*e),
    };
    assert_eq!(drained(new(), &[raw], finish), want, "drain whole");
    assert_eq!(drained(new(), &bytes, finish), want, "drain byte by byte");
});
