//! HTTP Strict Transport Security inside one chain (RFC 6797): the hosts the policy knows,
//! plus what the chain's own `https` responses say, upgrade a redirect to `http://`.

use alloc::vec::Vec;

use url::Url;

use crate::syntax::{eq_name, is_tchar, trim_ows_start};

/// How many HSTS hosts a chain learns at most by default
/// ([`Policy::with_max_learned_hsts_hosts`](crate::Policy::with_max_learned_hsts_hosts)):
/// more than a chain of the default length can meet (every response learns one host at
/// most), so only a chain whose redirect limit was raised ever forgets one.
pub const DEFAULT_MAX_LEARNED_HSTS_HOSTS: usize = 64;

/// Where the chain learned that a host requires https.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HstsSource {
    /// A host given with [`Policy::with_hsts_host`](crate::Policy::with_hsts_host).
    Policy,
    /// A `Strict-Transport-Security` header on an earlier `https` response of this chain.
    Learned,
}

/// A redirect to `http://` that the machine sent to `https://` instead ([`crate::Redirect::hsts_upgrade`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HstsUpgrade {
    /// Who said the host requires https.
    pub source: HstsSource,
}

/// A set of known hosts: the policy's (the caller's preload list, never changed by a
/// response), or what a chain learned. Which set a host is in says who said so. Each host
/// is a domain (lower case, IDNA-encoded, no trailing dot), with whether its subdomains
/// are covered too. A chain learns at most
/// [`Policy::max_learned_hsts_hosts`](crate::Policy::max_learned_hsts_hosts) hosts, so
/// a lookup in them costs at most that many comparisons, however long the chain.
///
/// The hosts live in one buffer, so that learning the first host of a chain is one
/// allocation: each host as its length ([`LEN`] bytes, little endian), whether it covers its
/// subdomains (one byte), then its bytes; learned ones oldest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct HstsHosts {
    bytes: Vec<u8>,
}

/// The bytes of a host's length in [`HstsHosts`].
const LEN: usize = 4;
/// The bytes before a host's name in [`HstsHosts`]: its length and its flag.
const ENTRY_HEAD: usize = LEN + 1;

/// One host of [`HstsHosts`], and where it is in the buffer.
struct Entry<'a> {
    host: &'a [u8],
    include_subdomains: bool,
    /// Where the entry starts and ends in the buffer.
    start: usize,
    end: usize,
}

/// The hosts of [`HstsHosts`], oldest first.
#[derive(Clone)]
struct Entries<'a> {
    rest: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        let [a, b, c, d, flag, tail @ ..] = self.rest else {
            return None;
        };
        let len = u32::from_le_bytes([*a, *b, *c, *d]) as usize;
        let host = tail.get(..len)?;
        let start = self.at;
        self.at += ENTRY_HEAD + len;
        self.rest = &tail[len..];
        Some(Entry {
            host,
            include_subdomains: *flag != 0,
            start,
            end: self.at,
        })
    }
}

fn strip_dot(host: &str) -> &str {
    host.strip_suffix('.').unwrap_or(host)
}

impl HstsHosts {
    fn entries(&self) -> Entries<'_> {
        Entries {
            rest: &self.bytes,
            at: 0,
        }
    }

    /// Adds a host at the end (the newest).
    fn push(&mut self, host: &str, include_subdomains: bool) {
        // A host of 4 GiB is not a host anyone has: such a length saturates and the entry
        // reads as cut short, which no lookup matches.
        let len = u32::try_from(host.len()).unwrap_or(u32::MAX);
        // Room for the whole entry, so that it is written with one allocation at most.
        // Only the capacity depends on this size: reserving more changes nothing else.
        self.bytes.reserve(ENTRY_HEAD + host.len());
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.push(u8::from(include_subdomains));
        self.bytes.extend_from_slice(host.as_bytes());
    }

    /// RFC 6797 §8.2 "Known HSTS Host Domain Name Matching", as Fetch's main fetch uses it:
    /// a congruent match, or a superdomain match with `includeSubDomains`. Only for a
    /// domain whose public suffix is not `localhost`.
    pub(crate) fn matches(&self, url: &Url) -> bool {
        if self.bytes.is_empty() {
            return false;
        }
        let Some(host) = matchable_host(url) else {
            return false;
        };
        self.entries()
            .any(|e| covers(e.host, e.include_subdomains, host.as_bytes()))
    }

    /// Whether `url` would match once `lesson` (taught by a response from `from`) is
    /// learned with at most `max` hosts kept, changing nothing: [`HstsHosts::learn_lesson`]
    /// followed by [`HstsHosts::matches`], as a question.
    pub(crate) fn matches_after(
        &self,
        lesson: Option<Lesson>,
        from: &Url,
        max: usize,
        url: &Url,
    ) -> bool {
        let (Some(lesson), Some(taught)) = (lesson, from.host_str().map(strip_dot)) else {
            return self.matches(url);
        };
        if !lesson.forget && self.knows(taught, lesson.include_subdomains) {
            return self.matches(url);
        }
        let Some(host) = matchable_host(url) else {
            return false;
        };
        let host = host.as_bytes();
        let taught = taught.as_bytes();
        let kept = self.entries().filter(|e| e.host != taught);
        if lesson.forget || max == 0 {
            return kept
                .clone()
                .any(|e| covers(e.host, e.include_subdomains, host));
        }
        let over = (kept.clone().count() + 1).saturating_sub(max);
        covers(taught, lesson.include_subdomains, host)
            || kept
                .skip(over)
                .any(|e| covers(e.host, e.include_subdomains, host))
    }

    /// Whether `host` is known with exactly this `includeSubDomains`.
    fn knows(&self, host: &str, include_subdomains: bool) -> bool {
        self.entries()
            .any(|e| e.host == host.as_bytes() && e.include_subdomains == include_subdomains)
    }

    /// Whether no host is known.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// How many hosts are known.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries().count()
    }

    /// Adds a host the caller knows (a preload list): a host given twice covers its
    /// subdomains if either said so.
    pub(crate) fn insert(&mut self, host: &str, include_subdomains: bool) {
        match self
            .entries()
            .find(|e| e.host == host.as_bytes())
            .map(|e| e.start)
        {
            Some(start) => self.bytes[start + LEN] |= u8::from(include_subdomains),
            None => self.push(host, include_subdomains),
        }
    }

    /// RFC 6797 §8.1: the first `Strict-Transport-Security` field of a response received
    /// over `https` from `url`'s host (a domain, not an IP literal) updates the learned
    /// hosts: `max-age=0` forgets the host, any other valid value (re)learns it.
    ///
    /// At most `max` hosts are kept: learning one more forgets the one learned longest
    /// ago (browsers bound their stores too).
    #[cfg(test)]
    pub(crate) fn learn(&mut self, url: &Url, first_field: Option<&[u8]>, max: usize) {
        if let Some(lesson) = first_field.and_then(|value| Lesson::of(url, value)) {
            self.learn_lesson(url, lesson, max);
        }
    }

    /// Learns what a response from `url` taught ([`Lesson::of`]), keeping at most `max`
    /// hosts (the oldest go first).
    pub(crate) fn learn_lesson(&mut self, url: &Url, lesson: Lesson, max: usize) {
        let Some(host) = url.host_str().map(strip_dot) else {
            return;
        };
        if !lesson.forget && self.knows(host, lesson.include_subdomains) {
            // Learned already: nothing changes (and nothing is allocated again).
            return;
        }
        let mut known = None;
        let mut count = 0;
        for e in self.entries() {
            count += 1;
            if e.host == host.as_bytes() {
                known = Some((e.start, e.end));
            }
        }
        if let Some((start, end)) = known {
            self.bytes.drain(start..end);
            count -= 1;
        }
        if lesson.forget || max == 0 {
            return;
        }
        if count >= max {
            // Full: forget the hosts learned longest ago (the first ones).
            let over = count + 1 - max;
            let end = self.entries().nth(over - 1).map_or(0, |e| e.end);
            self.bytes.drain(..end);
        }
        self.push(host, lesson.include_subdomains);
    }
}

/// What one response's `Strict-Transport-Security` field teaches about its own host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lesson {
    /// `max-age=0`: the host is forgotten.
    forget: bool,
    include_subdomains: bool,
}

impl Lesson {
    /// RFC 6797 §8.1: what the first `Strict-Transport-Security` field (`value`) of a
    /// response from `url` teaches: nothing unless `url` is `https` and its host a domain
    /// (not an IP literal), or the value does not conform.
    pub(crate) fn of(url: &Url, value: &[u8]) -> Option<Lesson> {
        if url.scheme() != "https" || !matches!(url.host(), Some(url::Host::Domain(_))) {
            return None;
        }
        let (max_age, include_subdomains) = parse_sts(value)?;
        Some(Lesson {
            forget: max_age == 0,
            include_subdomains,
        })
    }
}

/// `url`'s host as the known hosts are matched against it: a domain (trailing dot
/// stripped) whose public suffix is not `localhost`.
fn matchable_host(url: &Url) -> Option<&str> {
    let Some(url::Host::Domain(host)) = url.host() else {
        return None;
    };
    let host = strip_dot(host);
    (host != "localhost" && !host.ends_with(".localhost")).then_some(host)
}

/// Whether a known host (`known`, with `includeSubDomains` as `sub`) covers `host`.
fn covers(known: &[u8], sub: bool, host: &[u8]) -> bool {
    let superdomain = sub
        && host.len() > known.len()
        && host.ends_with(known)
        && host[host.len() - known.len() - 1] == b'.';
    known == host || superdomain
}

/// Who says `url`'s host requires https: the policy's hosts first, then the learned ones.
pub(crate) fn source(known: &HstsHosts, learned: &HstsHosts, url: &Url) -> Option<HstsSource> {
    if known.matches(url) {
        Some(HstsSource::Policy)
    } else {
        learned.matches(url).then_some(HstsSource::Learned)
    }
}

/// Upgrades an `http` URL on a known HSTS host to `https` (Fetch main fetch; the WHATWG
/// scheme setter turns an explicit `:443` into the default and keeps any other port: port
/// 80 is the default and not stored, so it becomes 443's default too).
pub(crate) fn upgrade(
    known: &HstsHosts,
    learned: &HstsHosts,
    url: &mut Url,
) -> Option<HstsUpgrade> {
    if url.scheme() != "http" {
        return None;
    }
    let source = source(known, learned, url)?;
    url.set_scheme("https").ok()?;
    Some(HstsUpgrade { source })
}

/// The directives of one `Strict-Transport-Security` value as they are read.
#[derive(Default)]
struct Directives<'v> {
    max_age: Option<u64>,
    include: bool,
    /// Unknown directive names seen (at most 8: more is no HSTS field anyone sends).
    seen_other: arrayvec::ArrayVec<&'v [u8], 8>,
}

impl<'v> Directives<'v> {
    /// One directive, its name a token and its value unquoted; `None` if it breaks a rule
    /// of RFC 6797 §6.1.
    #[inline]
    fn add(&mut self, name: &'v [u8], val: Option<&[u8]>) -> Option<()> {
        // The names are tokens: `eq_name`'s case fold is exact on them.
        if eq_name(name, b"max-age") {
            let v = val?;
            if self.max_age.is_some() || v.is_empty() {
                return None;
            }
            if !v.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let digit = |b: &u8| u64::from(b - b'0');
            self.max_age = Some(if v.len() <= 19 {
                // At most 19 digits: below 10^19, never past u64::MAX.
                v.iter().fold(0, |acc, b| acc * 10 + digit(b))
            } else {
                // Saturate: any huge age means "for the rest of this chain".
                v.iter().fold(0u64, |acc, b| {
                    acc.saturating_mul(10).saturating_add(digit(b))
                })
            });
        } else if eq_name(name, b"includesubdomains") {
            if self.include || val.is_some() {
                return None;
            }
            self.include = true;
        } else {
            if self.seen_other.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                return None;
            }
            self.seen_other.try_push(name).ok()?;
        }
        Some(())
    }

    fn finish(self) -> Option<(u64, bool)> {
        Some((self.max_age?, self.include))
    }
}

/// RFC 6797 §6.1: `directive *( ";" [ directive ] )`, each `token [ "=" ( token /
/// quoted-string ) ]` with optional whitespace around; directive names without case, each
/// at most once; `max-age` (required; delta-seconds, quoted or not) and
/// `includeSubDomains` (no value); unknown directives ignored. `None` for a field that
/// does not conform, which the UA ignores.
fn parse_sts(value: &[u8]) -> Option<(u64, bool)> {
    let mut d = Directives::default();
    let mut rest = value;
    loop {
        rest = trim_ows_start(rest);
        let Some((&first, tail)) = rest.split_first() else {
            break;
        };
        if first == b';' {
            rest = tail;
            continue;
        }
        let (name, after) = rest.split_at(token_len(rest));
        if name.is_empty() {
            return None;
        }
        rest = trim_ows_start(after);
        // The value, unquoted (escapes kept as they stand: only digits matter here).
        let mut val = None;
        if let [b'=', tail @ ..] = rest {
            rest = trim_ows_start(tail);
            if let [b'"', quoted @ ..] = rest {
                let mut i = 0;
                loop {
                    match quoted.get(i) {
                        None => return None,
                        Some(b'\\') => i += 2,
                        Some(b'"') => break,
                        Some(_) => i += 1,
                    }
                }
                val = Some(&quoted[..i]);
                rest = &quoted[i + 1..];
            } else {
                let (v, after) = rest.split_at(token_len(rest));
                if v.is_empty() {
                    return None;
                }
                val = Some(v);
                rest = after;
            }
            rest = trim_ows_start(rest);
        }
        d.add(name, val)?;
        // The directive ends at the end of the value or at a `;`.
        match rest {
            [] => break,
            [b';', tail @ ..] => rest = tail,
            _ => return None,
        }
    }
    d.finish()
}

/// How many bytes at the start of `s` are `tchar`s.
fn token_len(s: &[u8]) -> usize {
    s.iter().position(|&b| !is_tchar(b)).unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    #[test]
    fn sts_parsing_table() {
        type Row<'a> = (&'a [u8], Option<(u64, bool)>);
        let cases: &[Row<'_>] = &[
            (b"max-age=31536000", Some((31_536_000, false))),
            (b"max-age=0", Some((0, false))),
            (b"Max-Age=\"60\"; includeSubDomains", Some((60, true))),
            (
                b" includesubdomains ; max-age = 5 ; preload",
                Some((5, true)),
            ),
            (b"includeSubDomains", None),
            (b"max-age=1; max-age=2", None),
            (b"max-age=-1", None),
            (b"max-age=", None),
            (b"max-age=1; includeSubDomains; includeSubDomains", None),
            (b"max-age=99999999999999999999999", Some((u64::MAX, false))),
            (b"max-age=1; foo=\"a; max-age=2\"", Some((1, false))),
            (
                b"max-age=10; foo=\";includeSubDomains;\"",
                Some((10, false)),
            ),
            (b"max-age=5, max-age=6", None),
            (b"max-age=7;;", Some((7, false))),
            (b"max-age=9; preload; preload", None),
            (b"max-age=9; foo=\"unterminated", None),
        ];
        for (value, want) in cases {
            assert_eq!(parse_sts(value), *want, "{:?}", core::str::from_utf8(value));
        }
    }

    /// The same grammar read byte by byte with indexes, written apart: the reference
    /// [`parse_sts`] is checked against.
    fn reference(value: &[u8]) -> Option<(u64, bool)> {
        let ows = |i: &mut usize| {
            while *i < value.len() && matches!(value[*i], b' ' | b'\t') {
                *i += 1;
            }
        };
        let mut d = Directives::default();
        let mut i = 0;
        loop {
            ows(&mut i);
            if i == value.len() {
                break;
            }
            if value[i] == b';' {
                i += 1;
                continue;
            }
            let start = i;
            while i < value.len() && is_tchar(value[i]) {
                i += 1;
            }
            let name = &value[start..i];
            if name.is_empty() {
                return None;
            }
            ows(&mut i);
            // The value, unquoted (escapes kept as they stand: only digits matter here).
            let mut val: Option<&[u8]> = None;
            if i < value.len() && value[i] == b'=' {
                i += 1;
                ows(&mut i);
                if i < value.len() && value[i] == b'"' {
                    let from = i + 1;
                    i += 1;
                    loop {
                        match value.get(i) {
                            None => return None,
                            Some(b'\\') => i += 2,
                            Some(b'"') => break,
                            Some(_) => i += 1,
                        }
                    }
                    val = Some(value.get(from..i)?);
                    i += 1;
                } else {
                    let from = i;
                    while i < value.len() && is_tchar(value[i]) {
                        i += 1;
                    }
                    if i == from {
                        return None;
                    }
                    val = Some(&value[from..i]);
                }
                ows(&mut i);
            }
            if i < value.len() && value[i] != b';' {
                return None;
            }
            d.add(name, val)?;
        }
        d.finish()
    }

    /// [`parse_sts`] agrees with the reference on every pair of these directives, however
    /// they are separated.
    #[test]
    fn parsing_agrees_with_a_byte_by_byte_reference() {
        let parts: &[&[u8]] = &[
            b"max-age=5",
            b" max-age = 7 ",
            b"includeSubDomains",
            b"preload",
            b"",
            b" ",
            b"max-age",
            b"max-age=",
            b"=5",
            b"max age=5",
            b"max-age=5 6",
            b"a==b",
            b"x=y",
            b"X=Y",
            b"max-age=\t9",
            b"incl\x01",
            b"max-age=1\r",
            b"max-age=\"3\"",
            b"a=\"x;y\\\"z\"",
            b"a=\"open",
            b"a=\"\\",
            b"max-age = \"12\" ",
        ];
        let mut checked = 0;
        for a in parts {
            for b in parts {
                for sep in [&b";"[..], b"; ", b" ;;", b","] {
                    let value = [*a, sep, *b].concat();
                    assert_eq!(
                        parse_sts(&value),
                        reference(&value),
                        "{:?}",
                        String::from_utf8_lossy(&value)
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, parts.len() * parts.len() * 4);
    }

    fn hosts(list: &[(&str, bool)]) -> HstsHosts {
        let mut hosts = HstsHosts::default();
        for &(h, include_subdomains) in list {
            hosts.insert(h, include_subdomains);
        }
        hosts
    }

    #[test]
    fn matching_table() {
        let known = hosts(&[("a.test", true), ("b.test", false)]);
        let u = |s: &str| Url::parse(s).unwrap();
        let cases = [
            ("http://a.test/", true),
            ("http://x.y.a.test/", true),
            ("http://xa.test/", false),
            ("http://b.test:8080/", true),
            ("http://x.b.test/", false),
            ("http://A.TEST./", true),
            ("http://127.0.0.1/", false),
            ("http://test/", false),
            ("http://.a.test/", true),
            ("http://a.test.evil/", false),
        ];
        for (url, want) in cases {
            assert_eq!(known.matches(&u(url)), want, "{url}");
        }
    }

    #[test]
    fn learning_follows_the_first_field_over_https_only() {
        let u = |s: &str| Url::parse(s).unwrap();
        let mut learned = HstsHosts::default();
        let max = DEFAULT_MAX_LEARNED_HSTS_HOSTS;
        learned.learn(&u("http://c.test/"), Some(b"max-age=100"), max);
        assert!(!learned.matches(&u("http://c.test/")));
        learned.learn(&u("https://10.0.0.1/"), Some(b"max-age=100"), max);
        assert!(learned.is_empty());
        learned.learn(
            &u("https://c.test/"),
            Some(b"max-age=100; includeSubDomains"),
            max,
        );
        assert!(learned.matches(&u("http://d.c.test/")));
        learned.learn(&u("https://c.test/"), Some(b"max-age=100"), max);
        assert!(!learned.matches(&u("http://d.c.test/")));
        assert!(learned.matches(&u("http://c.test/")));
        learned.learn(&u("https://c.test/"), Some(b"max-age=0"), max);
        assert!(!learned.matches(&u("http://c.test/")));
        assert!(learned.is_empty());
    }

    /// The learned set is bounded: one host more forgets the one learned longest ago;
    /// learning a host again makes it the newest.
    #[test]
    fn learning_is_bounded_and_forgets_the_oldest() {
        let u = |s: &str| Url::parse(s).unwrap();
        let mut learned = HstsHosts::default();
        for i in 0..10 {
            learned.learn(
                &u(&alloc::format!("https://h{i}.test/")),
                Some(b"max-age=1"),
                4,
            );
        }
        assert_eq!(learned.len(), 4);
        for i in 0..10 {
            let url = u(&alloc::format!("http://h{i}.test/"));
            assert_eq!(learned.matches(&url), i >= 6, "h{i}");
        }
        // h6 again (with another flag: relearned), then one more: h7 goes, not h6.
        learned.learn(
            &u("https://h6.test/"),
            Some(b"max-age=1; includeSubDomains"),
            4,
        );
        learned.learn(&u("https://h10.test/"), Some(b"max-age=1"), 4);
        assert!(learned.matches(&u("http://x.h6.test/")));
        assert!(!learned.matches(&u("http://h7.test/")));
        assert!(learned.matches(&u("http://h10.test/")));
        assert_eq!(learned.len(), 4);
        // A limit of zero learns nothing.
        let mut none = HstsHosts::default();
        none.learn(&u("https://a.test/"), Some(b"max-age=1"), 0);
        assert!(none.is_empty());
    }

    /// `matches_after` answers as learning and then matching would, for every lesson
    /// (learn, relearn with other flags, forget, nothing), bound (full, zero) and target.
    #[test]
    fn matching_after_a_lesson_is_learning_then_matching() {
        let u = |s: &str| Url::parse(s).unwrap();
        let start = [("a.test", false), ("b.test", true), ("c.test", false)];
        let fields: [&[u8]; 5] = [
            b"max-age=100",
            b"max-age=100; includeSubDomains",
            b"max-age=0",
            b"nonsense",
            b"max-age=5; includeSubDomains",
        ];
        let froms = [
            "https://a.test/",
            "https://b.test/",
            "https://new.test/",
            "http://c.test/",
        ];
        let targets = [
            "http://a.test/",
            "http://x.a.test/",
            "http://b.test/",
            "http://x.b.test/",
            "http://c.test/",
            "http://new.test/",
            "http://x.new.test/",
            "http://localhost/",
        ];
        for max in [0, 1, 3, 4, 64] {
            for from in froms {
                for field in fields {
                    let from = u(from);
                    let lesson = Lesson::of(&from, field);
                    let before = hosts(&start);
                    let mut after = before.clone();
                    after.learn(&from, Some(field), max);
                    for target in targets {
                        let target = u(target);
                        assert_eq!(
                            before.matches_after(lesson, &from, max, &target),
                            after.matches(&target),
                            "max {max}, {from} says {:?}, {target}",
                            core::str::from_utf8(field),
                        );
                    }
                }
            }
        }
    }

    /// A host the policy gives twice covers its subdomains if either time said so, in
    /// either order, and wherever it stands among the others; the others are unchanged.
    #[test]
    fn a_policy_host_given_twice_covers_subdomains_if_either_said_so() {
        let u = |s: &str| Url::parse(s).unwrap();
        for (first, second) in [(true, false), (false, true), (true, true), (false, false)] {
            let known = hosts(&[
                ("a.test", false),
                ("b.test", first),
                ("c.test", true),
                ("b.test", second),
            ]);
            assert_eq!(known.len(), 3);
            let label = alloc::format!("{first} then {second}");
            assert!(known.matches(&u("http://b.test/")), "{label}");
            assert_eq!(
                known.matches(&u("http://x.b.test/")),
                first || second,
                "{label}"
            );
            assert!(known.matches(&u("http://a.test/")), "{label}");
            assert!(!known.matches(&u("http://x.a.test/")), "{label}");
            assert!(known.matches(&u("http://x.c.test/")), "{label}");
        }
        // The first entry given again gains its subdomains; the entry after it keeps its flag.
        let known = hosts(&[("a.test", false), ("b.test", false), ("a.test", true)]);
        assert!(known.matches(&u("http://x.a.test/")));
        assert!(!known.matches(&u("http://x.b.test/")));
        assert_eq!(known.len(), 2);
    }

    /// `localhost` and its subdomains never match, even when named as known hosts with
    /// their subdomains.
    #[test]
    fn localhost_never_matches_even_when_known() {
        let u = |s: &str| Url::parse(s).unwrap();
        let known = hosts(&[("localhost", true), ("a.localhost", true), ("test", true)]);
        for url in [
            "http://localhost/",
            "http://localhost./",
            "http://a.localhost/",
            "http://b.a.localhost/",
        ] {
            assert!(!known.matches(&u(url)), "{url}");
        }
        assert!(known.matches(&u("http://a.test/")));
    }

    /// Relearning a host with the flags it already has changes nothing: it keeps its
    /// place, so it is still the first forgotten when the set is full.
    #[test]
    fn relearning_the_same_flags_keeps_the_hosts_place() {
        let u = |s: &str| Url::parse(s).unwrap();
        for field in [&b"max-age=1"[..], b"max-age=99; includeSubDomains"] {
            let mut learned = HstsHosts::default();
            for host in ["h0", "h1", "h2"] {
                learned.learn(&u(&alloc::format!("https://{host}.test/")), Some(field), 3);
            }
            learned.learn(&u("https://h0.test/"), Some(field), 3);
            learned.learn(&u("https://h3.test/"), Some(field), 3);
            let label = core::str::from_utf8(field).unwrap();
            assert!(!learned.matches(&u("http://h0.test/")), "{label}");
            for host in ["h1", "h2", "h3"] {
                let url = u(&alloc::format!("http://{host}.test/"));
                assert!(learned.matches(&url), "{label}: {host}");
            }
        }
    }

    #[test]
    fn the_policys_hosts_come_first_and_upgrade() {
        let u = |s: &str| Url::parse(s).unwrap();
        let known = hosts(&[("p.test", true)]);
        let learned = hosts(&[("p.test", false), ("l.test", false)]);
        assert_eq!(
            source(&known, &learned, &u("http://p.test/")),
            Some(HstsSource::Policy)
        );
        assert_eq!(
            source(&known, &learned, &u("http://l.test/")),
            Some(HstsSource::Learned)
        );
        assert_eq!(source(&known, &learned, &u("http://o.test/")), None);
        let mut url = u("http://x.p.test:8080/a");
        assert!(upgrade(&known, &learned, &mut url).is_some());
        assert_eq!(url.as_str(), "https://x.p.test:8080/a");
        let mut url = u("http://p.test:80/");
        assert!(upgrade(&known, &learned, &mut url).is_some());
        assert_eq!(url.as_str(), "https://p.test/");
    }
}
