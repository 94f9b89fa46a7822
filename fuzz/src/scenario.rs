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

use crate::checks::{Action, Case, Decision, Edit, REFERRER_POLICIES};

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

/// `Request::referrer` values (`Extras::referrer`, 0 = none): a typical page with a secret
/// query, userinfo to strip, another origin, potentially trustworthy `http` hosts, one over
/// and one at the 4096-byte limit, local schemes (no referrer at all), another port.
pub fn referrer_url(i: u8) -> Option<String> {
    let long = |len: usize| {
        let mut u = "https://a.test/long?".to_string();
        while u.len() < len {
            u.push('l');
        }
        u
    };
    Some(match (i.checked_sub(1)?) % 10 {
        0 => "https://a.test/page?token=1#frag".to_string(),
        1 => "http://user:pw@a.test/p?q=1#f".to_string(),
        2 => "https://b.test/".to_string(),
        3 => "http://127.0.0.1:8080/x".to_string(),
        4 => long(4097),
        5 => long(4096),
        6 => "about:blank".to_string(),
        7 => "https://a.test:8443/r".to_string(),
        8 => "http://localhost/x".to_string(),
        _ => "data:text/plain,x".to_string(),
    })
}

/// HSTS host lists the policy knows (`Extras::hsts`, 0 = none): (host, includeSubDomains).
/// Spellings the policy normalizes (case, trailing dot, IDNA), a whole TLD, and an IP
/// address (which `Policy::with_hsts_host` refuses).
pub const HSTS_LISTS: [&[(&str, bool)]; 7] = [
    &[("a.test", true)],
    &[("a.test", false)],
    &[("b.test", false), ("xn--9ca.test", true)],
    &[("A.TEST.", true)],
    &[("x.a.test", false), ("test", true)],
    &[("\u{e9}.test", false), ("127.0.0.1", true)],
    &[("b.test", true), ("a.test", false)],
];

/// Request headers the caller may add on top of `REQUEST_HEADERS` (`Extras::headers`, one
/// bit each, appended in this order): `Referer` values (a URL with secrets, one that does
/// not parse, one over 4096 bytes under a lower-case name), `Origin` values (another
/// scheme, `null`, another host) and `Host` values (another port, another host).
pub fn extra_header(i: usize) -> (&'static str, Vec<u8>) {
    match i {
        0 => (
            "Referer",
            b"https://user:pw@a.test/r?secret=1#frag".to_vec(),
        ),
        1 => ("Referer", b"not a url".to_vec()),
        2 => ("Origin", b"https://a.test".to_vec()),
        3 => ("Origin", b"null".to_vec()),
        4 => ("Origin", b"http://b.test".to_vec()),
        5 => ("Host", b"a.test:8080".to_vec()),
        6 => ("Host", b"b.test".to_vec()),
        _ => {
            let mut long = b"https://b.test/long?".to_vec();
            long.resize(4100, b'l');
            ("referer", long)
        }
    }
}

/// `Referrer-Policy` values on a response (field kinds 160..=163): each token, lists where
/// the last recognised token wins, unknown tokens (ignored), a token in the wrong case
/// (unknown), an empty value, empty list elements.
pub const REFERRER_POLICY_VALUES: [&str; 16] = [
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
    "unsafe-url, no-referrer",
    "no-referrer,unsafe-url",
    "origin, not-a-policy",
    "not-a-policy",
    "No-Referrer",
    "",
    " strict-origin ,, ",
    "same-origin, unknown-token, origin-when-cross-origin",
];

/// `Strict-Transport-Security` values (field kinds 164..=167): valid ones with and without
/// `includeSubDomains`, `max-age=0` (forget), directive names in any case, a quoted value,
/// unknown directives, and invalid ones (no `max-age`, a directive twice, a bad number, a
/// comma list) that a UA ignores (RFC 6797 §6.1).
pub const STS_VALUES: [&str; 16] = [
    "max-age=31536000",
    "max-age=31536000; includeSubDomains",
    "max-age=0",
    "max-age=0; includeSubDomains",
    "Max-Age=\"60\"; INCLUDESUBDOMAINS; preload",
    "includeSubDomains",
    "max-age=1; max-age=2",
    "max-age=-1",
    "max-age = 20 ; includesubdomains",
    "max-age=99999999999999999999999",
    "",
    "max-age=1; foo=\"a; max-age=2\"",
    "max-age=5, max-age=6",
    "max-age=7;;",
    "max-age=8; includeSubDomains; includeSubDomains",
    "max-age=9; preload",
];

/// Origins of the Location field kinds 168..=175 (`arg & 15`): hosts an HSTS list may name
/// (and their subdomains, a look-alike, a trailing dot, a TLD), an IP address, `localhost`.
pub const TARGET_ORIGINS: [&str; 16] = [
    "http://a.test",
    "https://a.test",
    "http://x.a.test",
    "https://x.a.test",
    "http://x.y.a.test",
    "http://xa.test",
    "http://b.test",
    "https://b.test",
    "http://x.b.test",
    "http://A.TEST.",
    "http://127.0.0.1",
    "http://xn--9ca.test",
    "https://xn--9ca.test",
    "http://test",
    "http://localhost",
    "http://user:pw@a.test",
];

/// Locations of the field kinds 176..=183 (address spaces): IP literals of every address space in
/// the spellings the URL parser normalizes, and `localhost` names.
pub const PRIVATE_TARGETS: [&str; 16] = [
    "http://169.254.169.254/latest/meta-data/",
    "http://0x7f.1/admin",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://10.0.0.6/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://localhost:8080/",
    "http://api.localhost./",
    "http://100.64.0.1/",
    "http://172.31.255.255/",
    "http://0.0.0.0/",
    "http://8.8.8.8/",
    "//192.168.1.1/x",
];

/// Ports of the Location field kinds 168..=175 (`arg >> 4`; 0: none): Fetch's bad ports
/// (the first and last of the table among them), the default ports written out, ports
/// next to bad ones.
pub const TARGET_PORTS: [Option<u16>; 16] = [
    None,
    Some(25),
    Some(6667),
    Some(10080),
    Some(0),
    Some(80),
    Some(443),
    Some(8080),
    Some(1),
    Some(6665),
    Some(993),
    Some(65535),
    Some(5060),
    Some(4190),
    Some(6679),
    Some(444),
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
    /// Referrers, referrer policy, HSTS, bad ports, more request headers. Last, so that
    /// an input made before it existed reads as before (all zero: none of it).
    pub extras: Extras,
}

/// What a scenario sets beyond the first grammar; all zero is the policy's defaults and no
/// referrer.
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// `Request::referrer`: 0 none, else `referrer_url`.
    pub referrer: u8,
    /// `Policy::with_referrer_policy`: 0 the default, else `REFERRER_POLICIES[(v - 1) % 8]`.
    pub referrer_policy: u8,
    /// `Policy::with_hsts_host`: 0 none, else the hosts of `HSTS_LISTS[(v - 1) % 7]`.
    pub hsts: u8,
    /// Bit 0: `Policy::with_auto_referer(true)`; bit 1: bad-port blocking the other way
    /// than the profile's default; bit 2: HSTS learning the other way; bit 3: an explicit
    /// `Request::curl` (bits 4-5 the body source, bit 6 `-X`); bit 7: private-target
    /// blocking the other way.
    pub flags: u8,
    /// One bit per `extra_header`, appended after the `headers` picks.
    pub headers: u8,
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
    /// 200 nothing, else edits of the next request then follow, stop or refuse, or drop
    /// the handle, feed the 3xx and a byte of the next response before following it, then
    /// follow and feed that byte again; on the event's handle or on the one
    /// `pending_redirect` gives back after an empty feed.
    pub action: u8,
}

#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[derive(Debug, Clone, Default)]
pub struct FieldPiece {
    /// 160..=163 `Referrer-Policy`, 164..=167 `Strict-Transport-Security`, 168..=175 a
    /// Location to `target_location(arg)`; any other value `kind % 20`: Location forms,
    /// framing, `Connection`, `Set-Cookie`, obs-fold, raw lines, many fields.
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
        let x = &self.extras;
        let headers = self
            .headers
            .iter()
            .take(8)
            .map(|&i| {
                let (n, v) = pick(&REQUEST_HEADERS, i);
                (n, v.to_vec())
            })
            .chain(
                (0..8)
                    .filter(|i| x.headers & (1 << i) != 0)
                    .map(extra_header),
            )
            .map(|(n, v)| (n.to_string(), v))
            .collect();
        let rules: &'static Rules = match self.policy & 3 {
            2 => &Rules::STRICT,
            3 => &Rules::CURL,
            _ => &Rules::FETCH,
        };
        let default_blocking = rules.name() != "curl";
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
            rules,
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
            referrer: referrer_url(x.referrer),
            referrer_policy: x
                .referrer_policy
                .checked_sub(1)
                .map(|i| REFERRER_POLICIES[usize::from(i) % 8].1),
            auto_referer: x.flags & 1 != 0,
            blocked_ports: (x.flags & 2 != 0).then_some(!default_blocking),
            hsts_hosts: x
                .hsts
                .checked_sub(1)
                .map(|i| pick(&HSTS_LISTS, i))
                .unwrap_or(&[])
                .iter()
                .map(|&(h, inc)| (h.to_string(), inc))
                .collect(),
            learn_hsts: (x.flags & 4 != 0).then_some(!default_blocking),
            // Bit 3: say how curl sent the request (bits 4-5: 0/3 none, 1 `-d`, 2 `-T`; bit 6:
            // `-X`), else the command line a user would type.
            curl_request: (x.flags & 8 != 0)
                .then_some((((x.flags >> 4) & 3) % 3, x.flags & 64 != 0)),
            // Bit 7: private-target blocking the other way than the profile's default.
            block_private: (x.flags & 128 != 0).then_some(rules.name() != "strict"),
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
    /// | 7 | feed a byte of the next response (`Decision::LateByte`) | set `X-Hop`, feed a byte |
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

/// A Location to one of `TARGET_ORIGINS` (`arg & 15`) with one of `TARGET_PORTS`
/// (`arg >> 4`).
pub fn target_location(arg: u8) -> Vec<u8> {
    let mut v = TARGET_ORIGINS[usize::from(arg & 15)].to_string();
    if let Some(port) = TARGET_PORTS[usize::from(arg >> 4)] {
        v.push_str(&format!(":{port}"));
    }
    v.push_str("/t");
    v.into_bytes()
}

impl FieldPiece {
    fn render(&self, first: &str, eol: &[u8], out: &mut Vec<u8>) {
        let mut line = |name: &[u8], value: &[u8]| {
            out.extend_from_slice(name);
            out.extend_from_slice(value);
            out.extend_from_slice(eol);
        };
        let loc = || location(self.arg, &self.raw, first);
        match self.kind {
            // The referrer and HSTS fields take sixteen kinds that no committed seed used (so the
            // seeds read as before).
            160..=163 => {
                return line(
                    b"Referrer-Policy: ",
                    pick(&REFERRER_POLICY_VALUES, self.arg).as_bytes(),
                );
            }
            164..=167 => {
                return line(
                    b"Strict-Transport-Security: ",
                    pick(&STS_VALUES, self.arg).as_bytes(),
                );
            }
            168..=175 => return line(b"Location: ", &target_location(self.arg)),
            176..=183 => {
                return line(b"Location: ", pick(&PRIVATE_TARGETS, self.arg).as_bytes());
            }
            _ => {}
        }
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
