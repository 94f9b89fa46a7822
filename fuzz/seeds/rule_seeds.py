#!/usr/bin/env python3
"""Writes the machine target's seeds for the rules of issue 10 (fuzz/seeds/machine/rule-*.bin
and the class-*-blocked_port.bin outcomes).

Usage (from the repository root):
    python3 fuzz/seeds/rule_seeds.py

The machine target reads a `scenario::Scenario` with `arbitrary` (1.x): each u8 is one
byte, in field order; a Vec is its elements, each preceded by a byte whose bit 0 is 1, then
a byte whose bit 0 is 0 (or the end of the input). `Scenario::extras` is last. Each seed
below is a small scenario written with the numbers of fuzz/src/scenario.rs (table indexes
are in the comments); the campaign inputs of the other seeds are not made here.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Scenario::policy: profile in bits 0-1, the profile's own redirect limit in bits 2-4.
FETCH, STRICT, CURL = 0x0C, 0x0E, 0x0F
# Resp::status: below 160 one of 301 302 303 307 308; 171 is "200" (OTHER_STATUSES[0]).
S302, S307, S200 = 1, 3, 171
# FieldPiece kinds: 0 Location (scenario::location), 160 Referrer-Policy, 164
# Strict-Transport-Security, 168 Location to TARGET_ORIGINS[arg & 15] with
# TARGET_PORTS[arg >> 4].
LOC, RP, STS, TARGET = 0, 160, 164, 168
# TARGET_ORIGINS indexes.
HTTP_A, HTTPS_A, HTTP_X_A, HTTP_X_Y_A, HTTP_B, HTTPS_B = 0, 1, 2, 4, 6, 7
# TARGET_PORTS indexes.
P25, P6667, P10080 = 1, 2, 3


def vec(items):
    out = b""
    for i in items:
        out += b"\x01" + i
    return out + b"\x00"


def field(kind, arg, raw=b""):
    return bytes([kind, arg]) + vec(bytes([b]) for b in raw)


def target(origin, port=0):
    return field(TARGET, port << 4 | origin)


def resp(status, fields=(), action=0):
    # interim 0, style 0 (CRLF, reason, HTTP/1.1, no body), no raw bytes.
    return bytes([0, status, 0]) + vec(fields) + vec([]) + bytes([action])


def scenario(policy, responses, origin=0, method=0, headers=(), referrer=0,
             referrer_policy=0, hsts=0, flags=0, extra_headers=0):
    # method, origin (FIRST_ORIGINS), path 0 ("/"), headers, body 0, policy, options 0.
    out = bytes([method, origin, 0]) + vec(bytes([h]) for h in headers)
    out += bytes([0, policy, 0]) + vec(responses)
    # Extras: referrer (referrer_url), referrer_policy, hsts (HSTS_LISTS), flags,
    # headers (extra_header bits).
    return out + bytes([referrer, referrer_policy, hsts, flags, extra_headers])


OK = resp(S200)
SEEDS = {
    # A 302's `Referrer-Policy: no-referrer,unsafe-url` (the last token wins) sends the
    # full referrer https://a.test/page?token=1 on a downgrade to http://b.test.
    "rule-referrer-policy-header": scenario(
        FETCH, [resp(S302, [field(RP, 9), target(HTTP_B)]), OK], origin=1, referrer=1),
    # with_referrer_policy(no-referrer-when-downgrade): the full referrer cross-origin.
    "rule-referrer-policy-value": scenario(
        FETCH, [resp(S302, [target(HTTPS_B)]), OK], origin=1, referrer=1,
        referrer_policy=2),
    # The first request cuts the referrer to its origin (cross-origin); back on its origin
    # it stays an origin.
    "rule-referer-stays-cut": scenario(
        FETCH, [resp(S302, [target(HTTPS_B)]), resp(S302, [target(HTTPS_A)]), OK],
        origin=1, referrer=1),
    # A caller-set Referer (userinfo, fragment, secret query) is sent as it is on the first
    # request, then recomputed: https -> http is a downgrade, no Referer.
    "rule-referer-field-recomputed": scenario(
        FETCH, [resp(S302, [target(HTTP_B)]), OK], origin=1, extra_headers=0x01),
    # A caller-set Referer over 4096 bytes is cut to its origin on a same-origin hop.
    "rule-referer-too-long": scenario(
        FETCH, [resp(S307, [target(HTTPS_B)]), OK], extra_headers=0x80),
    # curl --referer: the value as given, on every request.
    "rule-curl-referer": scenario(
        CURL, [resp(S302, [target(HTTP_B)]), OK], origin=1, referrer=1),
    # curl --referer ';auto': the previous URL on each redirect.
    "rule-curl-auto-referer": scenario(
        CURL, [resp(S302, [field(LOC, 0)]), resp(S302, [target(HTTP_B)]), OK],
        origin=1, referrer=3, flags=0x01),
    # Origin: a -> b keeps it, b -> https://b taints the chain: Origin: null.
    "rule-origin-null": scenario(
        FETCH, [resp(S307, [target(HTTP_B)]), resp(S307, [target(HTTPS_B)]), OK],
        extra_headers=0x04),
    # A caller-set Host is removed on a hop to another authority (port 8080 -> 80).
    "rule-host-other-authority": scenario(
        FETCH, [resp(S302, [target(HTTP_A)]), OK], origin=2, extra_headers=0x20),
    # The policy's HSTS host a.test (includeSubDomains) upgrades http://x.y.a.test.
    "rule-hsts-policy": scenario(
        FETCH, [resp(S302, [target(HTTP_X_Y_A)]), OK], origin=3, hsts=1),
    # https://a.test says max-age=31536000; includeSubDomains: http://x.a.test is upgraded.
    "rule-hsts-learned": scenario(
        FETCH, [resp(S302, [field(STS, 1), target(HTTP_X_A)]), OK], origin=1),
    # The first request is upgraded (policy host a.test); its max-age=0 forgets the host,
    # so http://a.test stays http.
    "rule-hsts-forgotten": scenario(
        FETCH, [resp(S302, [field(STS, 2), target(HTTP_A)]), OK], hsts=1),
    # curl learns only when asked (with_learn_hsts(true)).
    "rule-curl-hsts-learned": scenario(
        CURL, [resp(S302, [field(STS, 0), target(HTTP_A)]), OK], origin=1, flags=0x04),
    # Bad ports: blocked under fetch and strict, followed under curl unless asked.
    "class-fetch-blocked_port": scenario(
        FETCH, [resp(S302, [target(HTTP_A, P25)]), OK]),
    "class-strict-blocked_port": scenario(
        STRICT, [resp(S302, [target(HTTPS_A, P6667)]), OK]),
    "class-curl-blocked_port": scenario(
        CURL, [resp(S302, [target(HTTP_A, P25)]), OK], flags=0x02),
    "rule-curl-bad-port-followed": scenario(
        CURL, [resp(S302, [target(HTTP_A, P10080)]), OK]),
    "rule-fetch-bad-port-allowed": scenario(
        FETCH, [resp(S302, [target(HTTP_A, P25)]), OK], flags=0x02),
}


def main():
    d = os.path.join(HERE, "machine")
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(d, name + ".bin"), "wb") as f:
            f.write(data)
    print("machine: %d rule seeds, %d bytes" % (len(SEEDS), sum(map(len, SEEDS.values()))))


if __name__ == "__main__":
    main()
