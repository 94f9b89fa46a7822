//! Address spaces as WICG Private Network Access draws them, for refusing redirects (and
//! connections) into a less public network than the one a chain started in.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::Host;

/// How public a network address is (WICG Private Network Access, "IP address space").
/// The order is from the least to the most public: `Local < Private < Public`.
///
/// ```
/// use core::net::IpAddr;
/// use redirects::AddressSpace;
/// let ip = |s: &str| s.parse::<IpAddr>().unwrap();
/// assert_eq!(AddressSpace::of_ip(ip("127.0.0.1")), AddressSpace::Local);
/// assert_eq!(AddressSpace::of_ip(ip("169.254.169.254")), AddressSpace::Private);
/// assert_eq!(AddressSpace::of_ip(ip("::ffff:10.1.2.3")), AddressSpace::Private);
/// assert_eq!(AddressSpace::of_ip(ip("93.184.215.14")), AddressSpace::Public);
/// assert!(AddressSpace::Local < AddressSpace::Private && AddressSpace::Private < AddressSpace::Public);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum AddressSpace {
    /// The host itself: `127.0.0.0/8`, `::1`, `0.0.0.0/8` and `::` (which reach the host
    /// too), and the names `localhost` and `*.localhost` (RFC 6761 §6.3).
    Local,
    /// A private network: `10.0.0.0/8`, `100.64.0.0/10`, `172.16.0.0/12`,
    /// `192.168.0.0/16`, `169.254.0.0/16` (link-local, where cloud metadata endpoints
    /// live), `198.18.0.0/15`, `fc00::/7`, `fe80::/10`.
    Private,
    /// Everything else, and every host name but `localhost` unless the caller says
    /// otherwise.
    Public,
}

impl AddressSpace {
    /// The space of an IP address.
    ///
    /// An IPv6 address that carries an IPv4 address which a translator or tunnel delivers
    /// packets to is no more public than that IPv4 address:
    /// - IPv4-mapped, `::ffff:0:0/96`: the IPv4 address itself;
    /// - NAT64, the well-known prefix `64:ff9b::/96` (RFC 6052): on an IPv6-only network
    ///   with DNS64, `64:ff9b::a00:5` reaches `10.0.0.5`;
    /// - NAT64, the local-use prefix `64:ff9b:1::/48` (RFC 8215): never more public than
    ///   `Private` (an operator's own translator), and less when the IPv4 address at any
    ///   place RFC 6052 §2.2 allows for a prefix inside it (/48, /56, /64, /96) is;
    /// - 6to4, `2002::/16` (RFC 3056): the IPv4 address in bits 16..48, where the
    ///   packets are tunnelled;
    /// - Teredo, `2001::/32` (RFC 4380): the less public of the server's IPv4 address
    ///   (bits 32..64) and the client's (the last 32 bits, inverted).
    ///
    /// IPv4-compatible addresses (`::a.b.c.d`, deprecated by RFC 4291 §2.5.5.1, routed
    /// by no current stack) and other translation prefixes an operator chooses (any
    /// NAT64 prefix but the two above) are classified as the IPv6 addresses they are: a
    /// caller behind such a translator checks the IPv4 address it knows the translator
    /// will use.
    ///
    /// ```
    /// use core::net::IpAddr;
    /// use redirects::AddressSpace;
    /// let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    /// assert_eq!(AddressSpace::of_ip(ip("64:ff9b::a00:5")), AddressSpace::Private); // 10.0.0.5
    /// assert_eq!(AddressSpace::of_ip(ip("2002:7f00:1::")), AddressSpace::Local); // 127.0.0.1
    /// assert_eq!(AddressSpace::of_ip(ip("64:ff9b::808:808")), AddressSpace::Public);
    /// ```
    pub fn of_ip(ip: IpAddr) -> AddressSpace {
        match ip {
            IpAddr::V4(v4) => of_v4(v4),
            IpAddr::V6(v6) => of_v6(v6),
        }
    }

    /// The space of a URL's host as the WHATWG parser left it (so `0x7f.1`, `2130706433`
    /// and `0177.0.0.1` are already `127.0.0.1`): an IP address's space, `Local` for
    /// `localhost` and `*.localhost` (a trailing dot ignored), `Public` for any other name.
    pub fn of_host<S: AsRef<str>>(host: &Host<S>) -> AddressSpace {
        match host {
            Host::Ipv4(v4) => of_v4(*v4),
            Host::Ipv6(v6) => of_v6(*v6),
            Host::Domain(d) => {
                let d = d.as_ref();
                // A scheme the WHATWG parser does not treat as special (`gopher:`) leaves
                // its host as text: one that reads as an IPv4 address (`127.0.0.1`,
                // `0x7f.1`) is that address to a resolver, so it is classified as one.
                let numeric = d
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || matches!(b, b'.' | b'x' | b'X'));
                if numeric {
                    if let Ok(Host::Ipv4(v4)) = Host::parse(d) {
                        return of_v4(v4);
                    }
                }
                let d = d.strip_suffix('.').unwrap_or(d);
                let d = d.as_bytes();
                let suffix = b".localhost";
                if d.eq_ignore_ascii_case(b"localhost")
                    || d.len() > suffix.len()
                        && d[d.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                {
                    AddressSpace::Local
                } else {
                    AddressSpace::Public
                }
            }
        }
    }

    /// The space of a URL's host (`Public` for a URL without one).
    pub(crate) fn of_url(url: &url::Url) -> AddressSpace {
        url.host()
            .map_or(AddressSpace::Public, |h| AddressSpace::of_host(&h))
    }

    /// The space's name: `local`, `private` or `public`.
    pub fn name(self) -> &'static str {
        match self {
            AddressSpace::Local => "local",
            AddressSpace::Private => "private",
            AddressSpace::Public => "public",
        }
    }
}

impl fmt::Display for AddressSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn of_v4(ip: Ipv4Addr) -> AddressSpace {
    let [a, b, ..] = ip.octets();
    match (a, b) {
        (127, _) | (0, _) => AddressSpace::Local,
        (10, _) | (192, 168) | (169, 254) => AddressSpace::Private,
        (100, 64..=127) | (172, 16..=31) | (198, 18..=19) => AddressSpace::Private,
        _ => AddressSpace::Public,
    }
}

fn of_v6(ip: Ipv6Addr) -> AddressSpace {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return of_v4(v4);
    }
    if ip == Ipv6Addr::LOCALHOST || ip == Ipv6Addr::UNSPECIFIED {
        return AddressSpace::Local;
    }
    let bits = ip.to_bits();
    let s = ip.segments();
    // IPv4 addresses carried inside IPv6 ones, which a translator or tunnel delivers to
    // that IPv4 host: the address is as public as the least public IPv4 it can reach.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64, the well-known prefix `64:ff9b::/96` (RFC 6052 §2.1): the IPv4 address
        // is the last 32 bits.
        return of_v4(Ipv4Addr::from_bits(bits as u32));
    }
    if s[..3] == [0x64, 0xff9b, 1] {
        // NAT64, the local-use prefix `64:ff9b:1::/48` (RFC 8215): an operator's own
        // translator, never global, with its prefix of any RFC 6052 length inside the
        // /48 (so the IPv4 address may sit at any of these places).
        return rfc6052_candidates(bits)
            .into_iter()
            .map(of_v4)
            .fold(AddressSpace::Private, Ord::min);
    }
    if s[0] == 0x2002 {
        // 6to4 (RFC 3056): tunnelled to the IPv4 address in bits 16..48.
        return of_v4(Ipv4Addr::from_bits((bits >> 80) as u32));
    }
    if s[..2] == [0x2001, 0] {
        // Teredo (RFC 4380 §4): the server's IPv4 address in bits 32..64, and the
        // client's, inverted, in the last 32 bits: either may be reached.
        let server = of_v4(Ipv4Addr::from_bits((bits >> 64) as u32));
        let client = of_v4(Ipv4Addr::from_bits(!(bits as u32)));
        return server.min(client);
    }
    let first = s[0];
    if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 {
        AddressSpace::Private
    } else {
        AddressSpace::Public
    }
}

/// The IPv4 addresses an IPv6 address under a NAT64 prefix of each RFC 6052 §2.2 length
/// from /48 up would embed (the u-octet, bits 64..72, is skipped).
fn rfc6052_candidates(bits: u128) -> [Ipv4Addr; 4] {
    // The high part from bits ending at 64, the low `lo_bits` from bits ending at
    // `shift_lo` (counted from the least significant bit).
    let at = |lo_bits: u32, shift_lo: u32| -> Ipv4Addr {
        let high = ((bits >> 64) as u32) & ((1u32 << (32 - lo_bits)) - 1);
        let low = ((bits >> shift_lo) as u32) & ((1u32 << lo_bits) - 1);
        Ipv4Addr::from_bits((high << lo_bits) | low)
    };
    [
        // /48: bits 48..64, then 72..88.
        at(16, 40),
        // /56: bits 56..64, then 72..96.
        at(24, 32),
        // /64: bits 72..104.
        Ipv4Addr::from_bits((bits >> 24) as u32),
        // /96: the last 32 bits.
        Ipv4Addr::from_bits(bits as u32),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec::Vec;
    use url::Url;

    #[test]
    fn block_edges() {
        use AddressSpace::{Local as L, Private as P, Public as U};
        let cases: &[(&str, AddressSpace)] = &[
            ("127.0.0.0", L),
            ("127.255.255.255", L),
            ("126.255.255.255", U),
            ("128.0.0.0", U),
            ("0.0.0.0", L),
            ("10.0.0.0", P),
            ("10.255.255.255", P),
            ("11.0.0.0", U),
            ("9.255.255.255", U),
            ("100.63.255.255", U),
            ("100.64.0.0", P),
            ("100.127.255.255", P),
            ("100.128.0.0", U),
            ("172.15.255.255", U),
            ("172.16.0.0", P),
            ("172.31.255.255", P),
            ("172.32.0.0", U),
            ("192.167.255.255", U),
            ("192.168.0.0", P),
            ("192.168.255.255", P),
            ("192.169.0.0", U),
            ("169.253.255.255", U),
            ("169.254.169.254", P),
            ("169.255.0.0", U),
            ("198.17.255.255", U),
            ("198.18.0.0", P),
            ("198.19.255.255", P),
            ("198.20.0.0", U),
            ("8.8.8.8", U),
            ("::1", L),
            ("::", L),
            ("::2", U),
            ("fc00::", P),
            ("fdff:ffff::1", P),
            ("fe00::", U),
            ("fe80::1", P),
            ("febf:ffff::", P),
            ("fec0::", U),
            ("::ffff:127.0.0.1", L),
            ("::ffff:192.168.1.1", P),
            ("::ffff:8.8.8.8", U),
            ("2001:db8::1", U),
            // NAT64, well-known prefix: the IPv4 address in the last 32 bits.
            ("64:ff9b::a00:5", P),
            ("64:ff9b::10.0.0.5", P),
            ("64:ff9b::7f00:1", L),
            ("64:ff9b::a9fe:a9fe", P),
            ("64:ff9b::808:808", U),
            // Not under the /96: the bits between are not zero.
            ("64:ff9b:0:0:1::a00:5", U),
            // NAT64, local-use prefix: never more public than private, and the IPv4
            // address at any RFC 6052 place counts.
            ("64:ff9b:1:808:808:808:808:808", P),
            // Each row local through one place only (8.x.x.x at the others).
            ("64:ff9b:1:7f08:8:808:808:808", L),
            ("64:ff9b:1:87f:8:1:808:808", L),
            ("64:ff9b:1:808:7f:0:108:808", L),
            ("64:ff9b:1:808:808:808:7f00:1", L),
            // Zeros where the /48 place reads `0.0.x.x`: local, as `0.0.0.0/8` is.
            ("64:ff9b:1::808:808", L),
            ("64:ff9b:2::a00:5", U),
            // 6to4: the IPv4 address in bits 16..48.
            ("2002:a00:5::1", P),
            ("2002:7f00:1::", L),
            ("2002:808:808::1", U),
            // Teredo: the server (bits 32..64) or the client (last 32 bits, inverted).
            ("2001:0:a00:5::", P),
            ("2001:0:808:808::80ff:fefe", L),
            ("2001:0:808:808::f7f7:f7f7", U),
            ("2001:1::a00:5", U),
            // IPv4-compatible addresses (deprecated, RFC 4291 §2.5.5.1) are not unwrapped.
            ("::a00:5", U),
        ];
        let mut failed = Vec::new();
        for &(ip, want) in cases {
            let got = AddressSpace::of_ip(ip.parse().unwrap());
            if got != want {
                failed.push(format!("{ip}: {got}, want {want}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// Not a host the URL parser makes, but the public API must not panic on it.
    #[test]
    fn non_ascii_domains_do_not_panic() {
        let host: Host<&str> = Host::Domain("\u{e9}abcdefghi");
        assert_eq!(AddressSpace::of_host(&host), AddressSpace::Public);
        let host: Host<&str> = Host::Domain("\u{e9}.localhost");
        assert_eq!(AddressSpace::of_host(&host), AddressSpace::Local);
    }

    #[test]
    fn hosts_as_the_url_parser_leaves_them() {
        use AddressSpace::{Local as L, Private as P, Public as U};
        let cases = [
            ("http://0x7f.1/", L),
            ("http://2130706433/", L),
            ("http://0177.0.0.1/", L),
            ("http://localhost/", L),
            ("http://LOCALHOST./", L),
            ("http://api.localhost/", L),
            ("http://localhost.example/", U),
            ("http://xlocalhost/", U),
            ("http://[::ffff:a9fe:a9fe]/", P),
            ("http://169.254.169.254/latest/meta-data/", P),
            ("http://example.com/", U),
            ("gopher://127.0.0.1:6379/_INFO", L),
            ("gopher://0x7f.1/", L),
            ("gopher://169.254.169.254/", P),
            ("gopher://cafe.test/", U),
        ];
        for (url, want) in cases {
            let u = Url::parse(url).unwrap();
            assert_eq!(AddressSpace::of_host(&u.host().unwrap()), want, "{url}");
        }
    }
}
