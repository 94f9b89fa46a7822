#!/usr/bin/env python3
"""Writes the agree target's seeds (fuzz/seeds/agree/).

Usage (from the repository root):
    python3 fuzz/seeds/agree_seeds.py

The agree target reads an `agree::Input` with `arbitrary` (1.x): four bytes (`limits`,
`odd`, `odd2`, `odd_at`), then a `scenario::Scenario` read as the machine target reads it
(fuzz/seeds/rule_seeds.py says how). So:

- `machine-<name>.bin` is the machine seed `<name>.bin` after four zero bytes (no limits,
  no odd fields, HTTP/2 for the third machine): every request, policy, chain and caller
  action the machine seeds reach, through both entry points. (Six of them met the first
  finding below, an obsolete fold inside Location, until the crate was fixed.)
- `agree-*.bin` are small scenarios written here for what the agree target adds: the field
  and size limits, odd fields (`agree::ODD_FIELDS`, index + 1), HTTP/2 and HTTP/3 rules,
  heads the harness's parser refuses or finds incomplete, interim heads, pending
  decisions.
- `regression-*.bin` reproduce the disagreements the target found in the crate, minimal
  (`REGRESSIONS` says each one's two answers before the fix).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from rule_seeds import (  # noqa: E402
    CURL, FETCH, HTTP_A, HTTP_B, HTTPS_A, S302, S307, S200, STRICT, field, resp, scenario,
    target, vec,
)

# agree::Input::limits: fields (bits 0-1: default, 1, 4, 16), head size (bits 2-4: 6 is
# 256 bytes, 7 is 1024), bit 5 HTTP/3, bit 6 values handed over with spaces and tabs
# around them, bit 7 lower-case names in the HTTP/2 leg.
FIELDS_1, FIELDS_16, SIZE_256, HTTP3, PAD, LOWER = 0x01, 0x03, 6 << 2, 0x20, 0x40, 0x80
# agree::ODD_FIELDS indexes (the `odd` byte is index + 1).
ODD = {
    "ws": 0, "empty": 1, "obs_text": 3, "del": 4, "loc_tabs": 8, "loc_fold_start": 9,
    "loc_fold_evil": 15, "cl_list": 20, "cl_differ": 22, "te_gzip_chunked": 28,
    "conn_keep_alive": 34, "keep_alive": 37, "upgrade": 38, "bad_name": 40,
    "continuation": 43, "rp_fold": 45, "sts_fold": 46,
}
# Statuses (`Resp::status` >= 160 picks OTHER_STATUSES[status % 19]).
S101, S204, S304, S099 = 161, 172, 174, 166
# Resp::style bits: 0x80 HTTP/1.0, 0x28 head cut short.
HTTP10, CUT = 0x80, 0x28
# FieldPiece kinds (scenario.rs): 5 Content-Length arg, 7 chunked, 17 arg X-N fields.
CL, CHUNKED, MANY = 5, 7, 17
# REQUEST_HEADERS index of `Expect: 100-continue`; METHODS index of POST; Body::Replayable.
EXPECT, POST, REPLAYABLE = 10, 2, 1
# Resp::action: 208 is "stop" on the handle `pending_redirect` gives back after an empty
# feed; 210 "set X-Hop" there; 203 "set Cookie" on the event's handle.
PENDING_STOP, PENDING_SET, SET_COOKIE = 208, 210, 203


def agree(sc, limits=0, odd=None, odd2=None, at=0):
    o = lambda k: 0 if k is None else ODD[k] + 1
    return bytes([limits, o(odd), o(odd2), at]) + sc


def resp_full(status, fields=(), action=0, interim=0, style=0):
    # resp() of rule_seeds with the interim and style bytes set.
    return bytes([interim, status, style]) + vec(fields) + vec([]) + bytes([action])


OK = resp(S200)
SEEDS = {
    # HTTP/2: Connection in a 302 is malformed there, ordinary in HTTP/1.1.
    "agree-h2-connection-specific": agree(
        scenario(FETCH, [resp(S302, [target(HTTP_B)]), OK]), odd="conn_keep_alive"),
    # HTTP/3: a 101 is malformed; in HTTP/1.1 it is final with keep-alive off.
    "agree-h3-101": agree(scenario(FETCH, [resp(S101)]), limits=HTTP3),
    # HTTP/2: Keep-Alive and Upgrade are connection-specific too.
    "agree-h2-keep-alive-upgrade": agree(
        scenario(FETCH, [resp(S307, [target(HTTP_B)]), OK]), odd="keep_alive",
        odd2="upgrade"),
    # A field limit of 16 and 20 fields: TooManyHeaders on both paths.
    "agree-field-limit": agree(
        scenario(FETCH, [resp(S302, [field(MANY, 20), target(HTTP_B)])]), limits=FIELDS_16),
    # A 256-byte head limit and 40 fields: HeadTooLarge (counted differently; the case
    # stops).
    "agree-head-size-limit": agree(
        scenario(FETCH, [resp(S302, [field(MANY, 40), target(HTTP_B)])]), limits=SIZE_256),
    # Expect: 100-continue, a 100 first: the 307 keeps the connection (same origin).
    "agree-continue-then-307": agree(scenario(
        FETCH, [resp_full(S307, [field(0, 0x10), field(CL, 0)], interim=1), OK],
        method=POST, headers=[EXPECT])),
    # The same without the 100: keep-alive off, on both paths.
    "agree-expect-no-continue": agree(scenario(
        FETCH, [resp(S307, [field(0, 0x10), field(CL, 0)]), OK],
        method=POST, headers=[EXPECT])),
    # Spaces and tabs around values (trimmed the same), obs-text.
    "agree-odd-whitespace": agree(
        scenario(FETCH, [resp(S302), OK]), odd="loc_tabs", odd2="ws"),
    "agree-obs-text": agree(scenario(FETCH, [resp(S302, [target(HTTP_B)]), OK]),
                            odd="obs_text", odd2="empty"),
    # A name httparse refuses: the harness refuses the head, the byte path is malformed.
    "agree-refused-name": agree(scenario(FETCH, [resp(S302)]), odd="bad_name"),
    # DEL in a value: refused the same way.
    "agree-refused-del": agree(scenario(FETCH, [resp(S302)]), odd="del"),
    # A fold right after the status line.
    "agree-continuation-first": agree(scenario(FETCH, [resp(S302)]), odd="continuation"),
    # A head cut short: incomplete for the harness, NeedData on the byte path.
    "agree-incomplete": agree(scenario(FETCH, [resp_full(S302, [target(HTTP_B)], style=CUT)])),
    # Content-Length lists: equal ones are one length (HTTP/2 body Length(1)), differing
    # ones malformed.
    "agree-content-length-list": agree(
        scenario(FETCH, [resp(S302, [target(HTTP_B)]), OK]), odd="cl_list"),
    "agree-content-length-differ": agree(
        scenario(FETCH, [resp(S302, [target(HTTP_B)])]), odd="cl_differ"),
    # HTTP/1.0 with Connection: keep-alive and a length: kept alive.
    "agree-http10-keep-alive": agree(scenario(
        FETCH, [resp_full(S302, [field(CL, 0), field(0, 0x10)], style=HTTP10), OK]),
        odd="conn_keep_alive"),
    # Transfer-Encoding: gzip, chunked: chunked (the last coding counts), kept alive.
    "agree-te-gzip-chunked": agree(
        scenario(FETCH, [resp(S302, [target(HTTP_B)]), OK]), odd="te_gzip_chunked"),
    # Folded Referrer-Policy and Strict-Transport-Security values.
    "agree-folded-referrer-policy": agree(
        scenario(FETCH, [resp(S302, [target(HTTP_B)]), OK], origin=1, referrer=1),
        odd="rp_fold"),
    "agree-folded-sts": agree(
        scenario(FETCH, [resp(S302, [target(HTTPS_A)]), OK], origin=1), odd="sts_fold"),
    # Stacks: values with spaces and tabs around them (handle_head drops them), HTTP/2
    # names in lower case; a two-hop chain with a Referrer-Policy and a Set-Cookie.
    "agree-stack-padded-lower": agree(scenario(
        FETCH, [resp(S302, [field(160, 0), field(11, 0), target(HTTP_B)]),
                resp(S307, [field(CL, 0), field(0, 0)]), OK], origin=1, referrer=1),
        limits=PAD | LOWER),
    # 204 and 304 finals (no body), curl and strict.
    "agree-curl-204": agree(scenario(CURL, [resp(S302, [target(HTTP_B)]), resp(S204)])),
    "agree-strict-304": agree(scenario(STRICT, [resp(S304)], origin=1)),
    # Decisions on the handle pending_redirect gives back (the parsed path's own copy of
    # the head): stop, and an edit then follow.
    "agree-pending-stop": agree(scenario(
        FETCH, [resp(S302, [target(HTTP_B)], action=PENDING_STOP), OK])),
    "agree-pending-edit": agree(scenario(
        FETCH, [resp(S302, [target(HTTP_B)], action=PENDING_SET), resp(S302, [field(0, 0)],
                action=SET_COOKIE), OK], headers=[0, 2])),
}

# The disagreements the target found, minimal; each failed before the crate's fix.
REGRESSIONS = {
    # `Location: /` folded onto `\t/evil.test/x` (obs-fold, RFC 9112 §5.2): the byte path
    # followed http://evil.test/x (the URL parser dropped the CR, LF and tab of the fold:
    # `//evil.test/x`); handle_head with the fold unfolded to one space, as its docs ask,
    # follows http://a.test/%20/evil.test/x. Fixed: both unfold.
    "folded-location": agree(scenario(FETCH, [resp(S302), OK]), odd="loc_fold_evil"),
    # `Strict-Transport-Security: max-age=1` folded onto ` ; includeSubDomains` on a
    # response of https://a.test, then `Location: http://a.test/t`: the byte path did not
    # learn the host (the value with its CR LF did not parse) and followed
    # http://a.test/t; handle_head with the value unfolded learns it and follows
    # https://a.test/t (hsts_upgrade: Learned). Fixed with the first.
    "folded-sts": agree(
        scenario(FETCH, [resp(S302, [target(HTTP_A)]), OK], origin=1), odd="sts_fold"),
    # Status 099 and two fields under a field limit of 1: the byte path said
    # TooManyHeaders (httparse runs out of slots before the status is looked at),
    # handle_head said MalformedResponse(Status(99)) (it checked the status first).
    # Fixed: handle_head judges the status after the fields.
    "status-before-field-limit": agree(
        scenario(FETCH, [resp(S099)]), limits=FIELDS_1, odd="ws", odd2="empty"),
}


def write(d, items):
    os.makedirs(d, exist_ok=True)
    for name, data in sorted(items.items()):
        with open(os.path.join(d, name + ".bin"), "wb") as f:
            f.write(data)


def main():
    machine = os.path.join(HERE, "machine")
    seeds = dict(SEEDS)
    for f in sorted(os.listdir(machine)):
        name = f[: -len(".bin")]
        if f.endswith(".bin"):
            with open(os.path.join(machine, f), "rb") as fh:
                seeds["machine-" + name] = b"\0\0\0\0" + fh.read()
    for name, data in REGRESSIONS.items():
        seeds["regression-" + name] = data
    write(os.path.join(HERE, "agree"), seeds)
    print("agree: %d seeds (%d written here, %d regressions), %d bytes" % (
        len(seeds), len(SEEDS), len(REGRESSIONS), sum(map(len, seeds.values()))))


if __name__ == "__main__":
    main()
