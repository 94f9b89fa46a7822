#!/usr/bin/env python3
"""Writes tests/vectors/private.json (format 2): issue 13's rule, redirects into a less
public IP address space than the chain's first URL, the way WICG Private Network Access
draws the spaces (`block_private_targets`, error `private_target`).

Every expectation comes from the source its case cites, not from what the crate does:

  PNA   WICG Private Network Access, wicg.github.io/private-network-access (index.src.html
        at WICG/private-network-access 7be5a64): "IP Address Space" (the three spaces,
        "less public", "determine the IP address space", the "Non-public IP address blocks"
        table), "Private Network Request", "Integration with Fetch" > "Fetching" (the
        Private Network Access check runs in HTTP-network fetch on the obtained connection,
        against the request's policy container's IP address space, which redirects do not
        change).
  LNA   WICG Local Network Access (its successor; WICG/local-network-access index.bs), cited
        only where PNA is silent (0.0.0.0/8, ::).
  Fetch fetch.spec.whatwg.org: HTTP-redirect fetch steps 5 (location URL failure), 6 (not an
        HTTP(S) scheme), 7 (redirect count 20), 11 (body without a source); main fetch
        step 7 (bad port). All come before the connection is obtained, where PNA checks.
  URL   url.spec.whatwg.org: the host parser ("ends in a number", IPv4 parser, IPv4 number
        parser, IPv6 parser and serializer).
  RFCs  for each block, as the PNA table references them.

Two choices are the issue's, not a reading of one table, and are kept out of the cases
where sources disagree:
  - 198.18.0.0/15 is private. PNA's table says "local" and LNA's "loopback", but the row
    was added by PR #105 ("Add private benchmarking IP range to local list", 2354604,
    written when "local" meant the private network) in parallel with the rename of PR #106
    (def5455: local -> private, loopback -> local), and kept its old word. Only cases that
    hold in both readings are here (refused from a public first URL).
  - fec0::/10 (deprecated site-local), 2001:db8::/32 and 3fff::/20 are public in PNA and
    local in LNA: no case uses them, and no "public" example is taken from them.

Run: python3 tests/vectors/gen_private.py   (rewrites private.json next to this script)
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FILE = "private.json"
CASES = []


def resp(status, reason, *headers, body=""):
    head = f"HTTP/1.1 {status} {reason}\r\n"
    for h in headers:
        head += h + "\r\n"
    head += f"Content-Length: {len(body)}\r\n"
    return head + "\r\n" + body


REASONS = {301: "Moved Permanently", 302: "Found", 303: "See Other",
           307: "Temporary Redirect", 308: "Permanent Redirect"}


def redirect(status, location):
    return resp(status, REASONS[status], f"Location: {location}")


OK = resp(200, "OK", body="ok")


def nxt(url, method=None, body="unset"):
    n = {}
    if method:
        n["method"] = method
    n["url"] = url
    if body != "unset":
        n["body"] = body
    return {"next": n}


def done(url, redirects, status=200):
    return {"done": {"status": status, "url": url, "redirects": redirects}}


def error(kind):
    return {"error": kind}


ON = {"block_private_targets": True}
OFF = {"block_private_targets": False}


def case(id, source, url, steps, profile="fetch", policy=None, method="GET", body=None,
         replayable=None):
    c = {"id": id, "source": source, "profile": profile}
    if policy:
        c["policy"] = policy
    req = {"method": method, "url": url, "headers": [], "body": body}
    if replayable is not None:
        req["body_replayable"] = replayable
    c["request"] = req
    c["steps"] = [{"response": r, "expect": e} for r, e in steps]
    CASES.append(c)


def refused(id, source, location, start="http://a.test/start", status=302, **kw):
    """One redirect from `start` to `location`, refused with private_target."""
    case(id, source, start, [(redirect(status, location), error("private_target"))], **kw)


def followed(id, source, location, url, start="http://a.test/start", status=302, **kw):
    """One redirect from `start` to `location`, followed to `url` (WHATWG serialization)."""
    case(id, source, start, [(redirect(status, location), nxt(url)), (OK, done(url, 1))], **kw)


# =======================================================================================
# Sources
# =======================================================================================

PNA = ("WICG Private Network Access (WICG/private-network-access index.src.html, 7be5a64), "
       "'IP Address Space': 'determine the IP address space' and the 'Non-public IP address "
       "blocks' table")
LESS = ("PNA 'IP Address Space': local is less public than private and public, private less "
        "public than public")
REQ = ("PNA 'Private Network Request' and 'Integration with Fetch' > 'Fetching' (the Private "
       "Network Access check returns a network error when the connection's space is less "
       "public than the policy container's, which is the client's and stays the same across "
       "redirects); FORMAT.md format 2 block_private_targets (the chain's space is its first "
       "URL's; a host name other than localhost counts as public)")
ON_SRC = f"{REQ}; block_private_targets true"
OFF_SRC = ("FORMAT.md format 2 block_private_targets (default false under fetch and curl): "
           "with the rule off Fetch's HTTP-redirect fetch follows the Location")
STRICT_SRC = "FORMAT.md format 2 block_private_targets (default true under strict)"
PUBLIC_ROW = ("the address is in no row of the table, so 'determine the IP address space' "
              "returns public, which is not less public than public")
URL_IPV4 = ("WHATWG URL host parser: the domain 'ends in a number', so the IPv4 parser "
            "turns it into an IPv4 address ({how}); the URL's host is 127.0.0.1, and the "
            "space is the parsed host's, not the Location text's (issue 13)")
MAPPED = ("PNA 'determine the IP address space' step 1 (an address in ::ffff:0:0/96, "
          "'IPv4-mapped Address', is replaced by its embedded IPv4 address; table row "
          "::ffff:0:0/96, RFC 4291 §2.5.5.2); WHATWG URL IPv6 parser and serializer")
LOCALHOST = ("RFC 6761 §6.3 (localhost names: 'localhost.' and names falling within "
             "'.localhost.' resolve to the loopback address, 127.0.0.0/8 or ::1, local in "
             "PNA's table); W3C Secure Contexts 'Is origin potentially trustworthy?' treats "
             "'localhost', 'localhost.' and names ending in '.localhost' or '.localhost.' as "
             "loopback; FORMAT.md format 2 ('a host name other than localhost counts as "
             "public'); the WHATWG URL host parser lowercases the domain")
ZERO = ("Chrome 'Private Network Access on hold' (developer.chrome.com/blog/pna-on-hold, "
        "2024-10-09: 0.0.0.0/8 added to PNA, treated as a local address), PNA issue #71 "
        "('Decide how to treat 0.0.0.0': it reaches the host on Linux and macOS); WICG Local "
        "Network Access table (0.0.0.0/32 and ::/128 loopback, 0.0.0.0/8 local: less public "
        "than public either way)")
ORDER = ("Fetch HTTP-redirect fetch step {step} returns a network error before main fetch "
         "runs for the location URL, and the Private Network Access check runs later still, "
         "in HTTP-network fetch on the obtained connection (PNA 'Integration with Fetch' > "
         "'Fetching')")

# =======================================================================================
# Every block's edges: refused with the rule on, followed with it off (fetch's default);
# the address just outside is public and followed with the rule on.
# =======================================================================================

# (slug, host as written in the Location, host as serialized, space, block source)
INSIDE = [
    ("127-0-0-0", "127.0.0.0", "127.0.0.0", "local", "127.0.0.0/8, IPv4 Loopback, RFC 1122 §3.2.1.3"),
    ("127-0-0-1", "127.0.0.1", "127.0.0.1", "local", "127.0.0.0/8, IPv4 Loopback, RFC 1122 §3.2.1.3"),
    ("127-255-255-255", "127.255.255.255", "127.255.255.255", "local", "127.0.0.0/8, IPv4 Loopback, RFC 1122 §3.2.1.3"),
    ("10-0-0-0", "10.0.0.0", "10.0.0.0", "private", "10.0.0.0/8, Private Use, RFC 1918 §3"),
    ("10-255-255-255", "10.255.255.255", "10.255.255.255", "private", "10.0.0.0/8, Private Use, RFC 1918 §3"),
    ("100-64-0-0", "100.64.0.0", "100.64.0.0", "private", "100.64.0.0/10, Carrier-Grade NAT (Shared Address Space), RFC 6598 §7"),
    ("100-127-255-255", "100.127.255.255", "100.127.255.255", "private", "100.64.0.0/10, Carrier-Grade NAT (Shared Address Space), RFC 6598 §7"),
    ("172-16-0-0", "172.16.0.0", "172.16.0.0", "private", "172.16.0.0/12, Private Use, RFC 1918 §3"),
    ("172-31-255-255", "172.31.255.255", "172.31.255.255", "private", "172.16.0.0/12, Private Use, RFC 1918 §3"),
    ("192-168-0-0", "192.168.0.0", "192.168.0.0", "private", "192.168.0.0/16, Private Use, RFC 1918 §3"),
    ("192-168-255-255", "192.168.255.255", "192.168.255.255", "private", "192.168.0.0/16, Private Use, RFC 1918 §3"),
    ("169-254-0-0", "169.254.0.0", "169.254.0.0", "private", "169.254.0.0/16, Link Local, RFC 3927 §2.1"),
    ("169-254-255-255", "169.254.255.255", "169.254.255.255", "private", "169.254.0.0/16, Link Local, RFC 3927 §2.1"),
    ("198-18-0-0", "198.18.0.0", "198.18.0.0", "private (PNA's table: local; see gen_private.py)",
     "198.18.0.0/15, Benchmarking, RFC 2544 Appendix C.2.2"),
    ("198-19-255-255", "198.19.255.255", "198.19.255.255", "private (PNA's table: local; see gen_private.py)",
     "198.18.0.0/15, Benchmarking, RFC 2544 Appendix C.2.2"),
    ("v6-loopback", "[::1]", "[::1]", "local", "::1/128, IPv6 Loopback, RFC 4291 §2.5.3"),
    ("v6-loopback-long-form", "[0:0:0:0:0:0:0:1]", "[::1]", "local",
     "::1/128, IPv6 Loopback, RFC 4291 §2.5.3; the WHATWG IPv6 serializer compresses the zeros"),
    ("v6-fc00", "[fc00::]", "[fc00::]", "private", "fc00::/7, Unique Local, RFC 4193 §3.1"),
    ("v6-fd00-1", "[fd00::1]", "[fd00::1]", "private", "fc00::/7, Unique Local, RFC 4193 §3.1 (L = 1)"),
    ("v6-fdff-last", "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
     "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "private", "fc00::/7, Unique Local, RFC 4193 §3.1"),
    ("v6-fe80", "[fe80::]", "[fe80::]", "private", "fe80::/10, Link-Local Unicast, RFC 4291 §2.5.6"),
    ("v6-fe80-1", "[fe80::1]", "[fe80::1]", "private", "fe80::/10, Link-Local Unicast, RFC 4291 §2.5.6"),
    ("v6-febf-last", "[febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
     "[febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "private", "fe80::/10, Link-Local Unicast, RFC 4291 §2.5.6"),
]

# (slug, host, serialized host, the block it is just outside of)
OUTSIDE = [
    ("126-255-255-255", "126.255.255.255", "126.255.255.255", "127.0.0.0/8"),
    ("128-0-0-0", "128.0.0.0", "128.0.0.0", "127.0.0.0/8"),
    ("9-255-255-255", "9.255.255.255", "9.255.255.255", "10.0.0.0/8"),
    ("11-0-0-0", "11.0.0.0", "11.0.0.0", "10.0.0.0/8"),
    ("100-63-255-255", "100.63.255.255", "100.63.255.255", "100.64.0.0/10"),
    ("100-128-0-0", "100.128.0.0", "100.128.0.0", "100.64.0.0/10"),
    ("172-15-255-255", "172.15.255.255", "172.15.255.255", "172.16.0.0/12"),
    ("172-32-0-0", "172.32.0.0", "172.32.0.0", "172.16.0.0/12"),
    ("192-167-255-255", "192.167.255.255", "192.167.255.255", "192.168.0.0/16"),
    ("192-169-0-0", "192.169.0.0", "192.169.0.0", "192.168.0.0/16"),
    ("169-253-255-255", "169.253.255.255", "169.253.255.255", "169.254.0.0/16"),
    ("169-255-0-0", "169.255.0.0", "169.255.0.0", "169.254.0.0/16"),
    ("198-17-255-255", "198.17.255.255", "198.17.255.255", "198.18.0.0/15"),
    ("198-20-0-0", "198.20.0.0", "198.20.0.0", "198.18.0.0/15"),
    ("1-0-0-0", "1.0.0.0", "1.0.0.0", "0.0.0.0/8"),
    ("8-8-8-8", "8.8.8.8", "8.8.8.8", "every block"),
    ("v6-2", "[::2]", "[::2]", "::1/128"),
    ("v6-fbff-last", "[fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
     "[fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "fc00::/7"),
    ("v6-fe00", "[fe00::]", "[fe00::]", "fc00::/7"),
    ("v6-fe7f-last", "[fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
     "[fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "fe80::/10"),
    ("v6-2606-4700", "[2606:4700:4700::1111]", "[2606:4700:4700::1111]", "every block"),
    ("v4-mapped-8-8-8-8", "[::ffff:8.8.8.8]", "[::ffff:808:808]", "every block, once unmapped"),
]

for slug, host, ser, space, block in INSIDE:
    refused(f"private-{slug}-refused",
            f"{PNA}: row {block}, {space}; {LESS}; {ON_SRC}",
            f"http://{host}/x", policy=ON)
    followed(f"private-{slug}-followed-when-off",
             f"{OFF_SRC}; {PNA}: row {block}",
             f"http://{host}/x", f"http://{ser}/x")

for slug, host, ser, block in OUTSIDE:
    mapped = f"; {MAPPED}" if "ffff" in host and "." in host else ""
    followed(f"private-{slug}-is-public",
             f"{PNA}: just outside {block}, {PUBLIC_ROW}; {ON_SRC}{mapped}",
             f"http://{host}/x", f"http://{ser}/x", policy=ON)

# The cloud metadata endpoint (AWS EC2 IMDS, GCP metadata server), link-local.
META = ("169.254.169.254: the instance metadata endpoint of AWS EC2 ('Instance metadata "
        "service': http://169.254.169.254/latest/meta-data/) and of Google Cloud (the "
        "metadata server at metadata.google.internal, 169.254.169.254), in 169.254.0.0/16")
refused("private-metadata-endpoint-refused",
        f"{PNA}: row 169.254.0.0/16, Link Local, RFC 3927, private; {META}; {LESS}; {ON_SRC}",
        "http://169.254.169.254/latest/meta-data/", policy=ON)
followed("private-metadata-endpoint-followed-when-off",
         f"{OFF_SRC}; {META}",
         "http://169.254.169.254/latest/meta-data/", "http://169.254.169.254/latest/meta-data/")
followed("private-metadata-name-is-a-name",
         f"{REQ}: metadata.google.internal is a host name, so the hop is judged public; only "
         f"the address it resolves to (PNA checks the obtained connection) is private, which "
         f"is the caller's check; block_private_targets true",
         "http://metadata.google.internal/computeMetadata/v1/",
         "http://metadata.google.internal/computeMetadata/v1/", policy=ON)

# 0.0.0.0/8 and :: (beyond PNA's table; LNA and Chrome).
for slug, host, ser in [("0-0-0-0", "0.0.0.0", "0.0.0.0"), ("0-short", "0", "0.0.0.0"),
                        ("0-255-255-255", "0.255.255.255", "0.255.255.255"),
                        ("v6-unspecified", "[::]", "[::]")]:
    refused(f"private-{slug}-refused", f"{ZERO}; {ON_SRC}", f"http://{host}:8080/", policy=ON)
    followed(f"private-{slug}-followed-when-off", f"{OFF_SRC}; {ZERO}",
             f"http://{host}:8080/", f"http://{ser}:8080/")

# =======================================================================================
# The WHATWG IPv4 parser's forms of 127.0.0.1 and 169.254.169.254.
# =======================================================================================

FORMS = [
    ("hex-two-parts", "0x7f.1", "127.0.0.1", "0x7f is hexadecimal 127; with two parts the "
     "last, 1, fills the remaining three bytes"),
    ("decimal-integer", "2130706433", "127.0.0.1", "one part, the 32-bit number 2130706433"),
    ("octal-first-part", "0177.0.0.1", "127.0.0.1", "a leading 0 makes 0177 octal 127"),
    ("short-two-parts", "127.1", "127.0.0.1", "two parts, the last filling three bytes"),
    ("hex-integer", "0x7f000001", "127.0.0.1", "one hexadecimal part"),
    ("hex-upper-case", "0X7F.0.0.1", "127.0.0.1", "0X is a hexadecimal prefix too"),
    ("trailing-dot", "127.0.0.1.", "127.0.0.1", "a last empty part is removed first"),
    ("percent-encoded", "%31%32%37.0.0.1", "127.0.0.1", "the host parser percent-decodes "
     "before it looks for a number"),
    ("metadata-hex", "0xa9fea9fe", "169.254.169.254", "one hexadecimal part"),
    ("metadata-decimal", "2852039166", "169.254.169.254", "one decimal part"),
    ("metadata-octal", "0251.0376.0251.0376", "169.254.169.254", "four octal parts"),
]
for slug, host, ip, how in FORMS:
    src = URL_IPV4.format(how=how).replace("127.0.0.1", ip)
    space = "local (127.0.0.0/8)" if ip.startswith("127.") else "private (169.254.0.0/16)"
    refused(f"private-form-{slug}-refused", f"{src}; {PNA}: {space}; {ON_SRC}",
            f"http://{host}/admin", policy=ON)
    followed(f"private-form-{slug}-followed-when-off", f"{src}; {OFF_SRC}",
             f"http://{host}/admin", f"http://{ip}/admin")

# Fullwidth digits and full stops: UTS #46 maps them to ASCII before the number check. The
# Location bytes are UTF-8, written one byte per \u00XX (FORMAT.md).
fullwidth = "１２７．０．０．１".encode("utf-8").decode("latin-1")
refused("private-form-fullwidth-refused",
        "WHATWG URL host parser: 'domain to ASCII' (UTS #46 mapping) turns fullwidth digits "
        "and U+FF0E FULLWIDTH FULL STOP into 127.0.0.1, which then ends in a number and is "
        f"parsed as IPv4; {PNA}: local; {ON_SRC}",
        f"http://{fullwidth}/admin", policy=ON)
refused("private-form-backslashes-refused",
        "WHATWG URL: in a special scheme a backslash is read as a slash (special authority "
        f"slashes state, a validation error only), so the host is 127.0.0.1; {PNA}: local; "
        f"{ON_SRC}",
        "http:\\\\127.0.0.1\\admin", policy=ON)
followed("private-form-number-in-a-name-is-a-name",
         "WHATWG URL host parser: 127.0.0.1.nip.io does not end in a number, so it is a "
         f"domain, judged by name; {REQ}; block_private_targets true",
         "http://127.0.0.1.nip.io/admin", "http://127.0.0.1.nip.io/admin", policy=ON)

# =======================================================================================
# IPv4-mapped IPv6 addresses take the space of the IPv4 address they carry.
# =======================================================================================

for slug, host, ser, space in [
    ("loopback-dotted", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "local (127.0.0.0/8)"),
    ("loopback-hex", "[::ffff:7f00:1]", "[::ffff:7f00:1]", "local (127.0.0.0/8)"),
    ("metadata-hex", "[::ffff:a9fe:a9fe]", "[::ffff:a9fe:a9fe]", "private (169.254.0.0/16)"),
    ("metadata-dotted", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "private (169.254.0.0/16)"),
    ("private-10", "[::ffff:10.0.0.1]", "[::ffff:a00:1]", "private (10.0.0.0/8)"),
    ("upper-case", "[::FFFF:7F00:1]", "[::ffff:7f00:1]", "local (127.0.0.0/8)"),
]:
    refused(f"private-v4-mapped-{slug}-refused", f"{MAPPED}: {space}; {ON_SRC}",
            f"http://{host}/admin", policy=ON)
    followed(f"private-v4-mapped-{slug}-followed-when-off", f"{MAPPED}; {OFF_SRC}",
             f"http://{host}/admin", f"http://{ser}/admin")

# =======================================================================================
# localhost names.
# =======================================================================================

for slug, host, ser in [("localhost", "localhost", "localhost"),
                        ("localhost-port", "localhost:8080", "localhost:8080"),
                        ("localhost-upper-trailing-dot", "LOCALHOST.", "localhost."),
                        ("subdomain", "api.localhost", "api.localhost"),
                        ("subdomain-trailing-dot", "a.b.localhost.", "a.b.localhost."),
                        ("subdomain-mixed-case", "Api.LocalHost", "api.localhost")]:
    refused(f"private-name-{slug}-refused", f"{LOCALHOST}; {ON_SRC}",
            f"http://{host}/", policy=ON)
    followed(f"private-name-{slug}-followed-when-off", f"{OFF_SRC}; {LOCALHOST}",
             f"http://{host}/", f"http://{ser}/")
for slug, host in [("localhost-as-a-label", "localhost.example.com"),
                   ("localhost-as-a-prefix", "localhostx.test"),
                   ("localhost-as-a-suffix-of-a-label", "notlocalhost")]:
    followed(f"private-name-{slug}-is-public",
             "RFC 6761 §6.3 covers 'localhost.' and names falling within '.localhost.' only; "
             f"{host} is another name, which FORMAT.md format 2 counts as public; {ON_SRC}",
             f"http://{host}/", f"http://{host}/", policy=ON)

# =======================================================================================
# Profiles: on by default under strict, off under fetch and curl; the key turns it either way.
# =======================================================================================

for slug, loc in [("loopback", "https://127.0.0.1/admin"),
                  ("metadata", "https://169.254.169.254/latest/meta-data/"),
                  ("private", "https://10.0.0.1/"), ("localhost", "https://localhost:8443/")]:
    case(f"private-strict-{slug}-refused-by-default",
         f"{STRICT_SRC}; {PNA}; {REQ}", "https://a.test/start",
         [(redirect(302, loc), error("private_target"))], profile="strict")
followed("private-strict-off-followed", f"{STRICT_SRC}: false turns it off; {OFF_SRC}",
         "https://127.0.0.1/admin", "https://127.0.0.1/admin", start="https://a.test/start",
         profile="strict", policy=OFF)
followed("private-strict-public-address-followed", f"{STRICT_SRC}; {PNA}: {PUBLIC_ROW}",
         "https://8.8.8.8/", "https://8.8.8.8/", start="https://a.test/start", profile="strict")
followed("private-fetch-off-explicit-followed", OFF_SRC,
         "http://127.0.0.1/admin", "http://127.0.0.1/admin", policy=OFF)
followed("private-curl-followed-by-default",
         "FORMAT.md format 2 block_private_targets (default false under curl: curl -L follows "
         "a Location to any address, lib/transfer.c Curl_follow)",
         "http://169.254.169.254/latest/meta-data/",
         "http://169.254.169.254/latest/meta-data/", profile="curl")
refused("private-curl-on-refused",
        f"FORMAT.md format 2 block_private_targets (true under curl); {PNA}; {REQ}",
        "http://169.254.169.254/latest/meta-data/", profile="curl", policy=ON)
refused("private-curl-on-loopback-refused",
        f"FORMAT.md format 2 block_private_targets (true under curl); {PNA}; {REQ}",
        "http://127.0.0.1:8080/admin", profile="curl", policy=ON)
followed("private-curl-on-public-followed",
         f"FORMAT.md format 2 block_private_targets (true under curl); {PNA}: {PUBLIC_ROW}",
         "http://8.8.8.8/", "http://8.8.8.8/", profile="curl", policy=ON)

# =======================================================================================
# The chain's space is its first URL's, and stays so.
# =======================================================================================

CHAIN = f"{REQ}; {LESS}"
followed("private-from-private-to-private", f"{CHAIN}: private -> private is not less public",
         "http://10.0.0.6/", "http://10.0.0.6/", start="http://10.0.0.5/", policy=ON)
followed("private-from-private-to-other-private-block",
         f"{CHAIN}: 10.0.0.0/8 and 192.168.0.0/16 are both private",
         "http://192.168.1.1/", "http://192.168.1.1/", start="http://10.0.0.5/", policy=ON)
refused("private-from-private-to-local", f"{CHAIN}: local is less public than private",
        "http://127.0.0.1/", start="http://10.0.0.5/", policy=ON)
refused("private-from-private-to-localhost", f"{CHAIN}; {LOCALHOST}",
        "http://localhost:8080/", start="http://10.0.0.5/", policy=ON)
followed("private-from-private-to-public", f"{CHAIN}: public is more public",
         "http://8.8.8.8/", "http://8.8.8.8/", start="http://10.0.0.5/", policy=ON)
case("private-from-private-via-public-back-to-private",
     f"{CHAIN}: the space compared with is the first URL's (private), not the previous hop's "
     f"(public)", "http://10.0.0.5/",
     [(redirect(302, "http://8.8.8.8/"), nxt("http://8.8.8.8/")),
      (redirect(302, "http://10.0.0.7/"), nxt("http://10.0.0.7/")),
      (OK, done("http://10.0.0.7/", 2))], policy=ON)
followed("private-from-v6-private-to-v6-private", f"{CHAIN}: fc00::/7 -> fc00::/7",
         "http://[fd00::2]/", "http://[fd00::2]/", start="http://[fd00::1]/", policy=ON)
refused("private-from-v6-private-to-v6-loopback", f"{CHAIN}: ::1 is local",
        "http://[::1]/", start="http://[fd00::1]/", policy=ON)
refused("private-from-v6-link-local-to-v4-mapped-loopback", f"{CHAIN}; {MAPPED}",
        "http://[::ffff:127.0.0.1]/", start="http://[fe80::1]/", policy=ON)
followed("private-from-mapped-private-to-private", f"{CHAIN}; {MAPPED}",
         "http://10.0.0.2/", "http://10.0.0.2/", start="http://[::ffff:10.0.0.1]/", policy=ON)
for slug, loc, url in [("private", "http://10.0.0.1/", "http://10.0.0.1/"),
                       ("metadata", "http://169.254.169.254/", "http://169.254.169.254/"),
                       ("loopback", "http://127.0.0.2/", "http://127.0.0.2/"),
                       ("v6-loopback", "http://[::1]/", "http://[::1]/"),
                       ("localhost", "http://localhost/", "http://localhost/"),
                       ("public", "http://8.8.8.8/", "http://8.8.8.8/"),
                       ("name", "http://a.test/", "http://a.test/")]:
    followed(f"private-from-local-to-{slug}",
             f"{CHAIN}: nothing is less public than local", loc, url,
             start="http://127.0.0.1/", policy=ON)
followed("private-from-localhost-to-loopback",
         f"{CHAIN}; {LOCALHOST}: the first URL localhost is local", "http://127.0.0.1:8080/",
         "http://127.0.0.1:8080/", start="http://localhost/", policy=ON)
followed("private-from-v6-loopback-to-private", f"{CHAIN}: ::1 is local",
         "http://192.168.0.1/", "http://192.168.0.1/", start="http://[::1]:8080/", policy=ON)
refused("private-from-public-address-to-private",
        f"{CHAIN}: a first URL with a public IP address is public",
        "http://10.0.0.1/", start="http://8.8.8.8/", policy=ON)
case("private-public-chain-refused-on-the-second-hop",
     f"{CHAIN}: every hop is checked against the first URL's space",
     "http://a.test/start",
     [(redirect(302, "http://b.test/next"), nxt("http://b.test/next")),
      (redirect(307, "http://169.254.169.254/latest/meta-data/"), error("private_target"))],
     policy=ON)
case("private-public-chain-via-public-address-refused",
     f"{CHAIN}: public -> public -> private", "http://a.test/start",
     [(redirect(301, "http://8.8.8.8/"), nxt("http://8.8.8.8/")),
      (redirect(308, "http://10.1.2.3/"), error("private_target"))], policy=ON)
for status in (301, 303, 307, 308):
    refused(f"private-status-{status}-refused", f"{REQ} (every redirect status); {PNA}",
            "http://127.0.0.1/", status=status, policy=ON)

# =======================================================================================
# Relative Locations resolve against the current URL and stay in its space.
# =======================================================================================

REL = "WHATWG URL parser with the current URL as base (Fetch 'location URL')"
followed("private-relative-path-public", f"{REL}: same host; {CHAIN}", "/next",
         "http://a.test/next", policy=ON)
followed("private-relative-path-private", f"{REL}: same host, still 10.0.0.5; {CHAIN}",
         "/next", "http://10.0.0.5/next", start="http://10.0.0.5/a/b", policy=ON)
followed("private-relative-dot-dot-local", f"{REL}; {CHAIN}", "../c",
         "http://127.0.0.1/c", start="http://127.0.0.1/a/b", policy=ON)
followed("private-relative-query-v6-private", f"{REL}; {CHAIN}", "?q=1",
         "http://[fd00::1]/a?q=1", start="http://[fd00::1]/a", policy=ON)
followed("private-relative-under-strict", f"{REL}; {STRICT_SRC}; {CHAIN}", "next",
         "https://a.test/dir/next", start="https://a.test/dir/start", profile="strict")
refused("private-scheme-relative-to-loopback",
        f"{REL}: a scheme-relative reference names a new host, 127.0.0.1; {CHAIN}",
        "//127.0.0.1/x", policy=ON)

# =======================================================================================
# Order: the HTTP-redirect fetch and main fetch checks come first.
# =======================================================================================

refused_first = [
    ("scheme", "ftp://127.0.0.1/", "scheme_not_allowed", 6),
    ("invalid-location", "http://127.0.0.1:65536/", "invalid_location", 5),
]
for slug, loc, kind, step in refused_first:
    case(f"private-order-{slug}-first", ORDER.format(step=step), "http://a.test/start",
         [(redirect(302, loc), error(kind))], policy=ON)
case("private-order-too-many-redirects-first",
     ORDER.format(step=7) + " (the limit 20 replaced by policy.max_redirects = 1, FORMAT.md)",
     "http://a.test/start",
     [(redirect(302, "http://b.test/"), nxt("http://b.test/")),
      (redirect(302, "http://127.0.0.1/"), error("too_many_redirects"))],
     policy={"block_private_targets": True, "max_redirects": 1})
case("private-order-too-many-redirects-first-under-strict",
     ORDER.format(step=7) + f" (strict's limit is 10, FORMAT.md); {STRICT_SRC}",
     "https://a.test/0",
     [(redirect(302, f"https://a.test/{i}"), nxt(f"https://a.test/{i}")) for i in range(1, 11)]
     + [(redirect(302, "https://127.0.0.1/"), error("too_many_redirects"))], profile="strict")
case("private-order-body-not-replayable-first", ORDER.format(step=11),
     "http://a.test/upload",
     [(redirect(307, "http://127.0.0.1/upload"), error("body_not_replayable"))],
     policy=ON, method="PUT", body="data", replayable=False)
case("private-order-303-drops-the-body-then-refused",
     "Fetch HTTP-redirect fetch step 11 exempts a 303, and step 12 makes it a GET without a "
     f"body; the Private Network Access check then refuses the target; {REQ}",
     "http://a.test/upload",
     [(redirect(303, "http://127.0.0.1/done"), error("private_target"))],
     policy=ON, method="POST", body="data", replayable=False)
case("private-order-bad-port-first",
     "Fetch main fetch step 7 ('should request be blocked due to a bad port') returns a "
     "network error before any connection is obtained, where the Private Network Access "
     "check runs (PNA 'Integration with Fetch' > 'Fetching')",
     "http://a.test/start",
     [(redirect(302, "http://127.0.0.1:25/"), error("blocked_port"))], policy=ON)
case("private-order-bad-port-off-then-refused",
     f"FORMAT.md format 2 blocked_ports false; then the Private Network Access check; {REQ}",
     "http://a.test/start",
     [(redirect(302, "http://127.0.0.1:25/"), error("private_target"))],
     policy={"block_private_targets": True, "blocked_ports": False})


def main():
    seen = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".json") and name != FILE:
            with open(os.path.join(HERE, name)) as f:
                for c in json.load(f)["cases"]:
                    seen[c["id"]] = name
    for c in CASES:
        assert c["id"] not in seen, f"duplicate id {c['id']} ({seen[c['id']]})"
        seen[c["id"]] = FILE
    with open(os.path.join(HERE, FILE), "w") as f:
        json.dump({"format": 2, "cases": CASES}, f, indent=2, ensure_ascii=True)
        f.write("\n")
    print(f"{FILE}: {len(CASES)} cases")


if __name__ == "__main__":
    main()
