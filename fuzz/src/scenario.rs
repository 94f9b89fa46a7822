//! The `machine` target's input: a compact, structured scenario (small numbers that pick
//! from tables of realistic pieces, plus a few raw bytes) rendered into a `checks::Case`.
//!
//! With the fuzz crate's `arbitrary` feature the types derive `arbitrary::Arbitrary`; the
//! stable property tests compile this same file without it and build the values with
//! proptest strategies instead.
#![allow(unexpected_cfgs)]

use std::string::{String, ToString};
use std::vec::Vec;

use redirects::{Body, Method, Rules};

use crate::checks::{Action, Case, Decision, Edit};

/// Origins of the first request.
pub const FIRST_ORIGINS: [&str; 4] = [
    "http://a.test",
    "https://a.test",
    "http://a.test:8080",
    "http://b.test",
];

/// Origins a Location may name: the first ones, spellings of the same origins, and others.
pub const ORIGINS: [&str; 16] = [
    "http://a.test",
    "https://a.test",
    "http://a.test:8080",
    "http://b.test",
    "https://b.test",
    "http://A.TEST:80",
    "https://a.test:443",
    "HTTP://a.test",
    "http://user:pw@a.test",
    "http://a.test.",
    "http://127.0.0.1",
    "http://[::1]",
    "http://xn--9ca.test",
    "http://\u{e9}.test",
    "https://a.test:8443",
    "http://0x7f.1",
];

pub const PATHS: [&str; 10] = [
    "/",
    "/a",
    "/a/b?q=1",
    "/p#frag",
    "/x?y#",
    "/%7e/caf%C3%A9",
    "/../up",
    "/a/./b/../c?#f",
    "",
    "/sp ace?\"q\"",
];

pub const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND",
];

/// Request headers: the three credentials (in several spellings), body headers, others.
pub const REQUEST_HEADERS: [(&str, &[u8]); 23] = [
    ("Authorization", b"Bearer s3cret"),
    ("authorization", b"Basic dTpw"),
    ("Cookie", b"sid=1"),
    ("COOKIE", b"a=b; c=d"),
    ("Proxy-Authorization", b"Basic cHJveHk="),
    ("Accept", b"*/*"),
    ("User-Agent", b"fuzz/1"),
    ("Content-Type", b"text/plain"),
    ("Content-Length", b"5"),
    ("Transfer-Encoding", b"chunked"),
    ("Expect", b"100-continue"),
    ("Content-Encoding", b"gzip"),
    ("Content-Language", b"en"),
    ("Content-Location", b"/x"),
    ("X-Api-Key", b"k3y"),
    ("Host", b"a.test"),
    ("Referer", b"http://a.test/"),
    ("X-Bytes", b"\xff\xfe\t"),
    ("Origin", b"http://a.test"),
    ("Content-Disposition", b"inline"),
    ("Cookie2", b"$Version=1"),
    ("WWW-Authenticate", b"Basic"),
    ("Proxy-Authenticate", b"Basic realm=p"),
];

pub const REDIRECT_STATUSES: [&str; 5] = ["301", "302", "303", "307", "308"];

pub const OTHER_STATUSES: [&str; 19] = [
    "200", "204", "300", "304", "305", "306", "309", "399", "100", "101", "103", "199", "404",
    "500", "099", "000", "1000", "3O2", "",
];

pub const OTHER_LOCATIONS: [&str; 12] = [
    "ftp://a.test/",
    "data:text/plain,x",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "mailto:a@b.test",
    "about:blank",
    "http:/b.test/p",
    "https:b.test",
    "http://[::1",
    "http://a b/",
    "http://",
    "\\\\b.test\\x",
];

#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub method: u8,
    pub origin: u8,
    pub path: u8,
    /// Each byte picks one of `REQUEST_HEADERS` (at most 8 are used).
    pub headers: Vec<u8>,
    /// 0: none, 1: replayable, 2: streamed (modulo 3).
    pub body: u8,
    /// Bits 0-1: profile (fetch, fetch, strict, curl); bits 2-4: limit (0, 1, 3, else the
    /// profile's); bit 5: `X-Api-Key` is a credential; bit 6: a streamed body makes the
    /// 3xx final; bit 7: credentials may follow an http -> https upgrade.
    pub policy: u8,
    /// Bit 0: `https://b.test` is a trusted origin.
    pub options: u8,
    /// At most 24 are used.
    pub responses: Vec<Resp>,
}

#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[derive(Debug, Clone, Default)]
pub struct Resp {
    /// 1xx heads before the real one: 0 none (most values), 1: 100, 2: 103, 3: both.
    pub interim: u8,
    /// Below 160: one of `REDIRECT_STATUSES`, else one of `OTHER_STATUSES`.
    pub status: u8,
    /// Bit flags: 1 LF line ends, 2 leading empty lines, 4 body bytes after the head,
    /// 8 `raw` appended after the head, 64 no reason phrase, 128 HTTP/1.0; bits 4-5 with
    /// bit 3: 0x38 `raw` alone (garbage), 0x28 head cut short.
    pub style: u8,
    /// At most 16 are used.
    pub fields: Vec<FieldPiece>,
    pub raw: Vec<u8>,
    /// What the caller does if this response is a redirect (see `Resp::action`): below
    /// 200 nothing, else edits of the next request then follow, stop or refuse, or follow
    /// and feed a byte of the next response; on the event's handle or on the one
    /// `pending_redirect` gives back after an empty feed.
    pub action: u8,
}

#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[derive(Debug, Clone, Default)]
pub struct FieldPiece {
    pub kind: u8,
    pub arg: u8,
    /// At most 32 bytes are used.
    pub raw: Vec<u8>,
}

fn pick<T: Copy>(table: &[T], i: u8) -> T {
    table[usize::from(i) % table.len()]
}

fn raw_of(raw: &[u8]) -> &[u8] {
    &raw[..raw.len().min(32)]
}

impl Scenario {
    pub fn first_url(&self) -> String {
        let mut u = pick(&FIRST_ORIGINS, self.origin).to_string();
        u.push_str(pick(&PATHS[..5], self.path));
        if self.path & 0x80 != 0 && !u.contains('#') {
            u.push_str("#start");
        }
        u
    }

    pub fn render(&self) -> Case {
        let first = self.first_url();
        let headers = self
            .headers
            .iter()
            .take(8)
            .map(|&i| {
                let (n, v) = pick(&REQUEST_HEADERS, i);
                (n.to_string(), v.to_vec())
            })
            .collect();
        let body = match self.body % 3 {
            0 => Body::None,
            1 => Body::Replayable,
            _ => Body::Streamed,
        };
        let responses = self
            .responses
            .iter()
            .take(24)
            .map(|r| r.render(&first))
            .collect();
        let actions = self.responses.iter().take(24).map(Resp::action).collect();
        Case {
            method: Method::parse(pick(&METHODS, self.method)).expect("a token"),
            url: first,
            headers,
            body,
            rules: match self.policy & 3 {
                2 => &Rules::STRICT,
                3 => &Rules::CURL,
                _ => &Rules::FETCH,
            },
            max_redirects: match (self.policy >> 2) & 7 {
                0 => Some(0),
                1 => Some(1),
                2 => Some(3),
                _ => None,
            },
            extra_credential: (self.policy & 0x20 != 0).then(|| "X-Api-Key".to_string()),
            unreplayable_final: self.policy & 0x40 != 0,
            https_upgrade: self.policy & 0x80 != 0,
            trusted: (self.options & 1 != 0).then(|| "https://b.test".to_string()),
            responses,
            actions,
        }
    }
}

impl Resp {
    /// Below 200: follow, nothing else. From 200, `action % 8` picks what the caller does
    /// and `(action - 200) / 8` (0 to 6) how: odd, on the handle `pending_redirect` gives
    /// back after an empty feed (else on the event's handle); 4 or more, the second form.
    ///
    /// | `% 8` | first form | second form |
    /// |---|---|---|
    /// | 0 | stop | set `X-Hop`, stop |
    /// | 1 | refuse | remove `Authorization`, refuse |
    /// | 2 | set `X-Hop` | set `X-Hop` twice |
    /// | 3 | set `Cookie` (a credential for the new origin) | append `Authorization` |
    /// | 4 | remove `Accept` | remove `Cookie` |
    /// | 5 | remove `Authorization` | append `X-Hop`, remove `x-hop` |
    /// | 6 | remove `x-hop` | invalid edits (errors, nothing changes), remove `x-hop` |
    /// | 7 | feed a byte of the next response | set `X-Hop`, feed a byte |
    pub fn action(&self) -> Action {
        use Edit::{Append, Invalid, Remove, Set};
        if self.action < 200 {
            return Action::default();
        }
        let form = (self.action - 200) / 8;
        let second = form >= 4;
        let pick = |first: Vec<Edit>, other: Vec<Edit>| if second { other } else { first };
        let (edits, decision) = match self.action % 8 {
            0 => (pick(vec![], vec![Set("X-Hop")]), Decision::Stop),
            1 => (
                pick(vec![], vec![Remove("Authorization")]),
                Decision::Refuse,
            ),
            2 => (
                pick(vec![Set("X-Hop")], vec![Set("X-Hop"), Set("X-Hop")]),
                Decision::Follow,
            ),
            3 => (
                pick(vec![Set("Cookie")], vec![Append("Authorization")]),
                Decision::Follow,
            ),
            4 => (
                pick(vec![Remove("Accept")], vec![Remove("Cookie")]),
                Decision::Follow,
            ),
            5 => (
                pick(
                    vec![Remove("Authorization")],
                    vec![Append("X-Hop"), Remove("x-hop")],
                ),
                Decision::Follow,
            ),
            6 => (
                pick(vec![Remove("x-hop")], vec![Invalid, Remove("x-hop")]),
                Decision::Follow,
            ),
            _ => (pick(vec![], vec![Set("X-Hop")]), Decision::LateByte),
        };
        Action {
            pending: form % 2 == 1,
            edits,
            decision,
        }
    }

    pub fn render(&self, first: &str) -> Vec<u8> {
        if self.style & 0x38 == 0x38 {
            return self.raw.clone();
        }
        let eol: &[u8] = if self.style & 1 != 0 { b"\n" } else { b"\r\n" };
        let version: &[u8] = if self.style & 128 != 0 {
            b"HTTP/1.0 "
        } else {
            b"HTTP/1.1 "
        };
        let mut out = Vec::new();
        if self.style & 2 != 0 {
            out.extend_from_slice(eol);
        }
        let interims: &[&[u8]] = match self.interim {
            1 => &[b"100 Continue"],
            2 => &[b"103 Early Hints\r\nLink: </s.css>; rel=preload"],
            3 => &[b"100 Continue", b"103 Early Hints\r\nLocation: /interim"],
            _ => &[],
        };
        for i in interims {
            out.extend_from_slice(version);
            out.extend_from_slice(i);
            out.extend_from_slice(eol);
            out.extend_from_slice(eol);
        }
        out.extend_from_slice(version);
        let status = if self.status < 160 {
            pick(&REDIRECT_STATUSES, self.status)
        } else {
            pick(&OTHER_STATUSES, self.status)
        };
        out.extend_from_slice(status.as_bytes());
        if self.style & 64 == 0 {
            out.extend_from_slice(b" Reason");
        }
        out.extend_from_slice(eol);
        for f in self.fields.iter().take(16) {
            f.render(first, eol, &mut out);
        }
        if self.style & 0x38 == 0x28 {
            return out;
        }
        out.extend_from_slice(eol);
        if self.style & 4 != 0 {
            out.extend_from_slice(b"hello");
        }
        if self.style & 8 != 0 {
            out.extend_from_slice(&self.raw);
        }
        out
    }
}

/// A Location value of the form `arg` picks.
pub fn location(arg: u8, raw: &[u8], first: &str) -> Vec<u8> {
    let mut v = Vec::new();
    let sub = arg >> 4;
    match arg % 13 {
        0 => v.extend_from_slice(pick(&PATHS, sub).as_bytes()),
        1 => {
            v.extend_from_slice(pick(&ORIGINS, sub).as_bytes());
            v.extend_from_slice(pick(&PATHS, arg >> 2).as_bytes());
        }
        2 => {
            let o = pick(&ORIGINS, sub);
            v.extend_from_slice(&o.as_bytes()[o.find("//").unwrap_or(0)..]);
            v.extend_from_slice(b"/s");
        }
        3 => {
            v.push(b'/');
            v.extend(raw_of(raw).iter().map(|b| b | 0x80));
        }
        4 => {}
        5 => v.extend_from_slice(raw_of(raw)),
        6 => v.extend_from_slice(b"?q=2"),
        7 => v.extend_from_slice(b"#frag2"),
        8 => v.extend_from_slice(pick(&OTHER_LOCATIONS, sub).as_bytes()),
        9 => {
            v.extend_from_slice(first.as_bytes());
            v.extend_from_slice(b"/back");
        }
        10 => {
            v.extend_from_slice(pick(&ORIGINS, sub).as_bytes());
            v.push(b'/');
            v.extend(
                raw_of(raw)
                    .iter()
                    .map(|b| if b.is_ascii_graphic() { *b } else { b'x' }),
            );
        }
        11 => v.extend_from_slice(b" \t/trimmed \t"),
        _ => {
            v.extend_from_slice(pick(&PATHS, sub).as_bytes());
            v.extend_from_slice(raw_of(raw));
        }
    }
    v
}

impl FieldPiece {
    fn render(&self, first: &str, eol: &[u8], out: &mut Vec<u8>) {
        let mut line = |name: &[u8], value: &[u8]| {
            out.extend_from_slice(name);
            out.extend_from_slice(value);
            out.extend_from_slice(eol);
        };
        let loc = || location(self.arg, &self.raw, first);
        match self.kind % 20 {
            0..=3 => line(b"Location: ", &loc()),
            4 => {
                // The same Location twice.
                let l = loc();
                line(b"Location: ", &l);
                line(b"location:", &l);
            }
            5 => line(b"Content-Length: ", self.arg.to_string().as_bytes()),
            6 => line(b"Content-Length: ", raw_of(&self.raw)),
            7 => line(b"Transfer-Encoding: ", b"chunked"),
            8 => line(b"Transfer-Encoding: ", b"gzip"),
            9 => line(b"Connection: ", b"close"),
            10 => line(b"Connection: ", b"keep-alive"),
            11 => line(b"Set-Cookie: ", b"id=1; Path=/"),
            12 => {
                // obs-fold in an ordinary field.
                let mut v = b"a".to_vec();
                v.extend_from_slice(eol);
                v.extend_from_slice(b" b");
                line(b"X-Folded: ", &v);
            }
            13 => {
                // obs-fold inside Location.
                let mut v = loc();
                v.extend_from_slice(eol);
                v.extend_from_slice(b"\t/more");
                line(b"Location: ", &v);
            }
            14 => line(b"", raw_of(&self.raw)),
            15 => line(b"Location : ", &loc()),
            16 => line(b"Location:", b""),
            17 => {
                for _ in 0..usize::from(self.arg) {
                    line(b"X-N: ", b"v");
                }
            }
            18 => line(b"LOCATION:\t", &loc()),
            _ => line(b"Content-Length: ", b"0"),
        }
    }
}
