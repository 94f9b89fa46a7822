#!/usr/bin/env python3
"""Writes tests/vectors/curl.json: conformance vectors (format 1) for the `curl` profile.

Every expectation comes from curl's own source, tests or documentation (curl 8.x, the
`curl -L` command line); each case cites where. Paths are in the curl/curl repository:
  lib/http.c         http_header_l, Curl_http_follow, http_switch_to_get,
                     Curl_http_method, Curl_add_custom_headers
  lib/urlapi.c       redirect_url, urlencode_str
  lib/vauth/vauth.c  Curl_auth_allowed_to_host, Curl_auth_allowed_to_origin
  lib/peer.c         Curl_peer_equal
  lib/protocol.h     CURLPROTO_REDIR
  src/tool_main.h    DEFAULT_MAXREDIRS
  docs/cmdline-opts/location.md, request.md; docs/libcurl/opts/CURLOPT_MAXREDIRS.md,
  CURLOPT_REDIR_PROTOCOLS_STR.md; tests/data/testNNN

How the crate's request model maps to curl's command line: GET is a plain `curl -L URL`;
POST with a body is `-d`; PUT with a body is `-T file`; HEAD is `-I`; any other method
(DELETE) is `-X METHOD` (with `-d` when it has a body); every request header is a `-H`
custom header, except that Content-Length stands for the one curl computes itself.

Run: python3 tests/vectors/gen_curl.py   (rewrites curl.json next to this script)
"""

import json
import os

HTTP_C = "curl lib/http.c"
CASES = []


def resp(status, reason, *headers, body=""):
    head = f"HTTP/1.1 {status} {reason}\r\n"
    for h in headers:
        head += h + "\r\n"
    if not any(h.lower().startswith("content-length:") for h in headers) and status >= 200:
        head += f"Content-Length: {len(body)}\r\n"
    return head + "\r\n" + body


def redirect(status, location, reason="Redirect"):
    return resp(status, reason, f"Location: {location}")


OK = resp(200, "OK", body="ok")


def nxt(method, url, body=None, include=None, exclude=None):
    n = {"method": method, "url": url, "body": body}
    if include:
        n["headers_include"] = include
    if exclude:
        n["headers_exclude"] = exclude
    return {"next": n}


def done(status, url, redirects):
    return {"done": {"status": status, "url": url, "redirects": redirects}}


def error(kind):
    return {"error": kind}


def case(id, source, request, steps, policy=None):
    c = {"id": id, "source": source, "profile": "curl"}
    if policy:
        c["policy"] = policy
    req = {"method": request[0], "url": request[1], "headers": request[2] if len(request) > 2 else []}
    req["body"] = request[3] if len(request) > 3 else None
    req["body_replayable"] = request[4] if len(request) > 4 else True
    c["request"] = req
    c["steps"] = [{"response": r, "expect": e} for r, e in steps]
    CASES.append(c)


# --- Which responses are followed -------------------------------------------------------

FOLLOW_SRC = (
    f"{HTTP_C} http_header_l (a non-empty Location on a response with "
    "'k->httpcode >= 300 && k->httpcode < 400' sets data->req.newurl when following is on) "
    "and Curl_http_follow (switch on data->info.httpcode: 300, 304, 305, 306, 307 and unknown "
    "codes fall to 'default: break', i.e. the redirect is made); "
    "docs/cmdline-opts/location.md ('indicated with a Location: header and a 3XX response code')"
)
for status, reason in [
    (300, "Multiple Choices"),
    (301, "Moved Permanently"),
    (302, "Found"),
    (303, "See Other"),
    (304, "Not Modified"),
    (305, "Use Proxy"),
    (306, "Switch Proxy"),
    (307, "Temporary Redirect"),
    (308, "Permanent Redirect"),
    (399, "Unknown Redirect"),
]:
    case(
        f"curl-{status}-with-location-is-followed",
        FOLLOW_SRC,
        ("GET", "http://a.test/start", [["Accept", "*/*"]]),
        [
            (resp(status, reason, "Location: /next", "Content-Length: 0"),
             nxt("GET", "http://a.test/next", include=[["Accept", "*/*"]])),
            (OK, done(200, "http://a.test/next", 1)),
        ],
    )

case(
    "curl-302-without-location-is-final",
    f"{HTTP_C} http_header_l (only a Location header sets data->req.newurl; without one "
    "nothing is followed and the 3xx is the transfer's response)",
    ("GET", "http://a.test/start"),
    [(resp(302, "Found"), done(302, "http://a.test/start", 0))],
)
case(
    "curl-301-empty-location-is-final",
    f"{HTTP_C} http_header_l ('if(!*location ...) ignore empty header'; "
    "Curl_copy_header_value trims the value, so blanks only are empty too)",
    ("GET", "http://a.test/start"),
    [(resp(301, "Moved Permanently", "Location:", "Location:    "), done(301, "http://a.test/start", 0))],
)
case(
    "curl-201-with-location-is-final",
    f"{HTTP_C} http_header_l (newurl is set only when 300 <= httpcode < 400)",
    ("POST", "http://a.test/items", [["Content-Type", "application/json"]], "{}"),
    [(resp(201, "Created", "Location: /items/7"), done(201, "http://a.test/items", 0))],
)

# --- Method rules -----------------------------------------------------------------------

SWITCH_SRC = (
    f"{HTTP_C} Curl_http_follow ('case 301'/'case 302': 'if(HTTPREQ_IS_POST(data) && "
    "!data->set.post301/post302) http_switch_to_get'), http_switch_to_get (state.httpreq = "
    "HTTPREQ_GET, Curl_creader_set_rewind(data, FALSE): no body); Curl_add_custom_headers "
    "(a -H Content-Type is sent on every request, only POST_FORM/POST_MIME skip it; the "
    "Content-Length curl computes for -d is not sent on a GET); "
    "docs/cmdline-opts/location.md ('it sends the following request with a GET if the HTTP "
    "response was 301, 302, or 303')"
)
for status in [301, 302]:
    case(
        f"curl-{status}-post-becomes-get-keeps-custom-content-type",
        SWITCH_SRC,
        ("POST", "http://a.test/form",
         [["Content-Type", "application/json"], ["Content-Length", "7"], ["X-Trace", "t-1"]],
         '{"a":1}'),
        [
            (redirect(status, "/done"),
             nxt("GET", "http://a.test/done", None,
                 include=[["Content-Type", "application/json"], ["X-Trace", "t-1"]],
                 exclude=["Content-Length", "Transfer-Encoding"])),
            (OK, done(200, "http://a.test/done", 1)),
        ],
    )
    case(
        f"curl-{status}-put-keeps-method-and-body",
        f"{HTTP_C} Curl_http_follow (301/302 switch to GET only when HTTPREQ_IS_POST; an "
        "upload (-T, HTTPREQ_PUT) is rewound and sent again with the same method); "
        "docs/cmdline-opts/location.md ('If the response code was any other 3xx code, curl "
        "resends the following request using the same unmodified method' - for non-POST "
        "requests no code changes the method)",
        ("PUT", "http://a.test/file", [["Content-Type", "text/plain"]], "data"),
        [
            (redirect(status, "/moved"),
             nxt("PUT", "http://a.test/moved", "data", include=[["Content-Type", "text/plain"]])),
            (OK, done(200, "http://a.test/moved", 1)),
        ],
    )

case(
    "curl-303-post-becomes-get",
    f"{HTTP_C} Curl_http_follow ('case 303': 'if(!HTTPREQ_IS_POST(data) || "
    "!data->set.post303) http_switch_to_get'); tests/data/test1332 shows the opposite with "
    "--post303",
    ("POST", "http://a.test/form", [["Content-Type", "application/x-www-form-urlencoded"],
                                    ["Content-Length", "3"]], "moo"),
    [
        (redirect(303, "/blah/moo.html"),
         nxt("GET", "http://a.test/blah/moo.html", None, exclude=["Content-Length"])),
        (OK, done(200, "http://a.test/blah/moo.html", 1)),
    ],
)
case(
    "curl-303-put-becomes-get",
    "curl tests/data/test1524 ('HTTP PUT with 303 redirect': -L -T upload, then "
    "'GET /blah/moo.html&testcase=/15240002' without Content-Length or body); "
    f"{HTTP_C} Curl_http_follow 'case 303'",
    ("PUT", "http://a.test/blah/1524", [["Content-Length", "4"]], "moo\n"),
    [
        (redirect(303, "/blah/moo.html&testcase=/15240002", "OK"),
         nxt("GET", "http://a.test/blah/moo.html&testcase=/15240002", None,
             exclude=["Content-Length"])),
        (OK, done(200, "http://a.test/blah/moo.html&testcase=/15240002", 1)),
    ],
)
case(
    "curl-303-head-stays-head",
    f"{HTTP_C} Curl_http_method ('if(data->req.no_body) request = \"HEAD\"': -I sets "
    "no_body, which http_switch_to_get does not clear)",
    ("HEAD", "http://a.test/doc"),
    [
        (redirect(303, "/other"), nxt("HEAD", "http://a.test/other")),
        (resp(200, "OK", "Content-Length: 2"), done(200, "http://a.test/other", 1)),
    ],
)
case(
    "curl-303-delete-stays-delete-without-body",
    f"{HTTP_C} http_switch_to_get (with a custom request method and the default follow "
    "mode: 'Stick to %s instead of GET', state.httpreq = HTTPREQ_GET so the -d body is not "
    "sent) and Curl_http_method (the custom request string wins); "
    "docs/cmdline-opts/request.md ('If --location is used, the method string you set with "
    "--request is used for all requests'); contrast tests/data/test1983 (--follow turns it "
    "into GET)",
    ("DELETE", "http://a.test/blah/1983", [["Content-Type", "text/plain"],
                                           ["Content-Length", "4"]], "gone"),
    [
        (redirect(303, "/blah/moo.html"),
         nxt("DELETE", "http://a.test/blah/moo.html", None,
             include=[["Content-Type", "text/plain"]], exclude=["Content-Length"])),
        (OK, done(200, "http://a.test/blah/moo.html", 1)),
    ],
)
for status in [300, 307, 308]:
    case(
        f"curl-{status}-post-keeps-method-and-body",
        f"{HTTP_C} Curl_http_follow ({status} falls to 'default: break': no switch to GET; "
        "the body is rewound and sent again); docs/cmdline-opts/location.md ('If the "
        "response code was any other 3xx code, curl resends the following request using the "
        "same unmodified method')",
        ("POST", "http://a.test/form", [["Content-Type", "text/plain"]], "hello"),
        [
            (redirect(status, "/again"),
             nxt("POST", "http://a.test/again", "hello", include=[["Content-Type", "text/plain"]])),
            (OK, done(200, "http://a.test/again", 1)),
        ],
    )

# --- Body that cannot be sent again -----------------------------------------------------

REWIND_SRC = (
    f"{HTTP_C} http_header_l (http_perhapsrewind when a 3xx is followed) and Curl_http_follow "
    "('When rewind of upload data failed and we are not switching to GET, we need to fail "
    "the follow': 'if(rewind_result && !switch_to_get) return rewind_result', "
    "CURLE_SEND_FAIL_REWIND)"
)
case(
    "curl-307-streamed-body-not-replayable",
    REWIND_SRC,
    ("POST", "http://a.test/upload", [["Content-Type", "text/plain"]], "stream", False),
    [(redirect(307, "/again"), error("body_not_replayable"))],
)
case(
    "curl-301-put-streamed-body-not-replayable",
    REWIND_SRC,
    ("PUT", "http://a.test/upload", [], "stream", False),
    [(redirect(301, "/again"), error("body_not_replayable"))],
)
case(
    "curl-302-post-streamed-body-becomes-get",
    REWIND_SRC + "; the 302 switches a POST to GET (switch_to_get), so no rewind is needed",
    ("POST", "http://a.test/upload", [["Content-Type", "text/plain"]], "stream", False),
    [
        (redirect(302, "/done"), nxt("GET", "http://a.test/done", None)),
        (OK, done(200, "http://a.test/done", 1)),
    ],
)
case(
    "curl-303-delete-streamed-body-stays-delete-without-body",
    REWIND_SRC + "; a 303 always calls http_switch_to_get (switch_to_get = TRUE), which "
    "keeps a custom method but drops the body",
    ("DELETE", "http://a.test/upload", [], "stream", False),
    [
        (redirect(303, "/gone"), nxt("DELETE", "http://a.test/gone", None)),
        (OK, done(200, "http://a.test/gone", 1)),
    ],
)

# --- The limit --------------------------------------------------------------------------

LIMIT_SRC = (
    "curl src/tool_main.h ('#define DEFAULT_MAXREDIRS  50L', set as CURLOPT_MAXREDIRS by the "
    f"command line); {HTTP_C} Curl_http_follow ('if((data->set.maxredirs != -1) && "
    "(data->state.followlocation >= data->set.maxredirs))' -> 'Maximum (%d) redirects "
    "followed', CURLE_TOO_MANY_REDIRECTS); docs/libcurl/opts/CURLOPT_MAXREDIRS.md ('If that "
    "many redirections have been followed, the next redirect triggers the error'). "
    "Generated by tests/vectors/gen_curl.py"
)


def chain(n):
    steps = []
    for i in range(1, n + 1):
        steps.append((redirect(302, f"/r{i}"), nxt("GET", f"http://a.test/r{i}")))
    return steps


case(
    "curl-chain-of-50-redirects-is-followed",
    LIMIT_SRC,
    ("GET", "http://a.test/r0"),
    chain(50) + [(OK, done(200, "http://a.test/r50", 50))],
)
case(
    "curl-51st-redirect-is-too-many",
    LIMIT_SRC,
    ("GET", "http://a.test/r0"),
    chain(50) + [(redirect(302, "/r51"), error("too_many_redirects"))],
)

# --- Fragments --------------------------------------------------------------------------

FRAG_SRC = (
    "curl lib/urlapi.c redirect_url (a relative Location is appended to the base URL cut at "
    "the first '/' of the path, at its '?' or at its '#', so the base fragment is never "
    "carried over; an absolute Location replaces the URL) - unlike RFC 9110 section 10.2.2"
)
case(
    "curl-no-fragment-inheritance-absolute-path",
    FRAG_SRC,
    ("GET", "http://a.test/start#frag"),
    [
        (redirect(302, "/next"), nxt("GET", "http://a.test/next")),
        (redirect(301, "http://b.test/far"), nxt("GET", "http://b.test/far")),
        (OK, done(200, "http://b.test/far", 2)),
    ],
)
case(
    "curl-no-fragment-inheritance-query-only",
    FRAG_SRC,
    ("GET", "http://a.test/dir/page#frag"),
    [
        (redirect(302, "?q=1"), nxt("GET", "http://a.test/dir/page?q=1")),
        (redirect(302, "other"), nxt("GET", "http://a.test/dir/other")),
        (OK, done(200, "http://a.test/dir/other", 2)),
    ],
)
case(
    "curl-location-own-fragment-kept",
    FRAG_SRC,
    ("GET", "http://a.test/start#old"),
    [
        (redirect(302, "/next#new"), nxt("GET", "http://a.test/next#new")),
        (OK, done(200, "http://a.test/next#new", 1)),
    ],
)

# --- Credentials ------------------------------------------------------------------------

CRED_SRC = (
    "curl lib/vauth/vauth.c Curl_auth_allowed_to_host / Curl_auth_allowed_to_origin "
    "('Curl_peer_equal(data->state.initial_origin, origin)': scheme, host and port of the "
    f"first URL, compared on every request); {HTTP_C} Curl_add_custom_headers (custom "
    "Authorization: and Cookie: are skipped when !Curl_auth_allowed_to_host(data)); "
    "docs/cmdline-opts/location.md ('curl only sends its credentials to the initial host')"
)
AUTH = ["Authorization", "Basic am9lOnNlY3JldA=="]
COOKIE = ["Cookie", "userpwd=am9lOnNlY3JldA=="]
case(
    "curl-credentials-restored-when-chain-returns-to-first-origin",
    CRED_SRC + "; the origin is compared again on each request, so a request back on the "
    "initial origin carries them again",
    ("GET", "http://a.test/start", [AUTH, COOKIE, ["X-Trace", "t-1"]]),
    [
        (redirect(302, "http://b.test/away"),
         nxt("GET", "http://b.test/away", include=[["X-Trace", "t-1"]],
             exclude=["Authorization", "Cookie"])),
        (redirect(302, "http://a.test/back"),
         nxt("GET", "http://a.test/back", include=[AUTH, COOKIE, ["X-Trace", "t-1"]])),
        (redirect(302, "/again"),
         nxt("GET", "http://a.test/again", include=[AUTH, COOKIE])),
        (OK, done(200, "http://a.test/again", 3)),
    ],
)
case(
    "curl-credentials-kept-same-origin",
    CRED_SRC,
    ("GET", "http://a.test/start", [AUTH, COOKIE]),
    [
        (redirect(301, "/next"), nxt("GET", "http://a.test/next", include=[AUTH, COOKIE])),
        (redirect(302, "http://A.TEST:80/last"),
         nxt("GET", "http://a.test/last", include=[AUTH, COOKIE])),
        (OK, done(200, "http://a.test/last", 2)),
    ],
)
case(
    "curl-credentials-not-sent-to-other-host",
    "curl tests/data/test317 ('HTTP with custom Authorization: and redirect to new host') "
    "and tests/data/test330 ('HTTP with custom Cookie: and redirect to new host'); CVE-2018-1000007; "
    + CRED_SRC,
    ("GET", "http://first.host.it.is/we/want/that/page/317", [["Authorization", "s3cr3t"],
                                                               ["Cookie", "test=yes"]]),
    [
        (redirect(302, "http://goto.second.host.now/3170002"),
         nxt("GET", "http://goto.second.host.now/3170002", exclude=["Authorization", "Cookie"])),
        (OK, done(200, "http://goto.second.host.now/3170002", 1)),
    ],
)
case(
    "curl-credentials-not-sent-to-other-port",
    "curl tests/data/test898 ('HTTP with custom auth and cookies redirected to HTTP on a diff "
    "port'); CVE-2022-27776; " + CRED_SRC,
    ("GET", "http://firsthost.com/", [AUTH, COOKIE]),
    [
        (redirect(301, "http://firsthost.com:9999/a/path/8980002"),
         nxt("GET", "http://firsthost.com:9999/a/path/8980002", exclude=["Authorization", "Cookie"])),
        (OK, done(200, "http://firsthost.com:9999/a/path/8980002", 1)),
    ],
)
case(
    "curl-https-to-http-followed-without-credentials",
    "curl tests/data/test3106 ('HTTPS to HTTP redirect on same host and port without auth': "
    "https://example.com:PORT/3106 with --user, 302 to http://example.com:PORT/31060002, "
    "followed, no Authorization); curl follows https -> http (HTTP is in CURLPROTO_REDIR, "
    "lib/protocol.h); CVE-2022-27774; " + CRED_SRC,
    ("GET", "https://example.com:8990/3106", [AUTH]),
    [
        (redirect(302, "http://example.com:8990/31060002", "Found"),
         nxt("GET", "http://example.com:8990/31060002", exclude=["Authorization"])),
        (OK, done(200, "http://example.com:8990/31060002", 1)),
    ],
)
case(
    "curl-http-to-https-same-host-is-another-origin",
    "curl tests/data/test309 ('HTTP Location: redirect to HTTPS URL', followed); "
    "CVE-2022-27776 ('the same-host check is extended to check the port number and protocol "
    "as well'); " + CRED_SRC,
    ("GET", "http://a.test/start", [AUTH, COOKIE]),
    [
        (redirect(301, "https://a.test/secure"),
         nxt("GET", "https://a.test/secure", exclude=["Authorization", "Cookie"])),
        (OK, done(200, "https://a.test/secure", 1)),
    ],
)

# --- Location fields --------------------------------------------------------------------

LOC_SRC = (
    f"{HTTP_C} http_header_l ('if(!*location || (data->req.location && "
    "!strcmp(data->req.location, location)))' ignores an empty or exactly repeated Location; "
    "another value: failf(data, \"Multiple Location headers\"), CURLE_WEIRD_SERVER_REPLY)"
)
case(
    "curl-identical-duplicate-locations-followed",
    LOC_SRC,
    ("GET", "http://a.test/start"),
    [
        (resp(302, "Found", "Location: /next", "Location: /next"), nxt("GET", "http://a.test/next")),
        (OK, done(200, "http://a.test/next", 1)),
    ],
)
case(
    "curl-empty-then-real-location-followed",
    LOC_SRC,
    ("GET", "http://a.test/start"),
    [
        (resp(302, "Found", "Location:", "Location: /next"), nxt("GET", "http://a.test/next")),
        (OK, done(200, "http://a.test/next", 1)),
    ],
)
case(
    "curl-different-locations-conflict",
    LOC_SRC,
    ("GET", "http://a.test/start"),
    [(resp(302, "Found", "Location: /one", "Location: /two"), error("conflicting_location"))],
)
case(
    "curl-location-high-bytes-percent-encoded-byte-by-byte",
    f"{HTTP_C} Curl_http_follow (the Location is set with CURLU_URLENCODE); curl "
    "lib/urlapi.c urlencode_str ('(*iptr < ' ') || (*iptr >= 0x7f)' -> '%' + Curl_hexbyte, "
    "upper-case hex, one byte at a time, UTF-8 or not)",
    ("GET", "http://a.test/start"),
    [
        (redirect(302, "/caf\u00c3\u00a9?q=\u00ff"), nxt("GET", "http://a.test/caf%C3%A9?q=%FF")),
        (redirect(302, "/\u00e9t\u00e9"), nxt("GET", "http://a.test/%E9t%E9")),
        (redirect(302, "http://b.test/p\u00e9?\u00e9"), nxt("GET", "http://b.test/p%E9?%E9")),
        (OK, done(200, "http://b.test/p%E9?%E9", 3)),
    ],
)
case(
    "curl-unparseable-location-is-an-error",
    f"{HTTP_C} Curl_http_follow (curl_url_set fails: 'The redirect target URL could not be "
    "parsed', Curl_uc_to_curlcode)",
    ("GET", "http://a.test/start"),
    [(redirect(302, "http://[::1"), error("invalid_location"))],
)

# --- Schemes ----------------------------------------------------------------------------

case(
    "curl-ftp-location-scheme-not-allowed-by-default-policy",
    "curl itself follows ftp: and ftps: (CURLPROTO_REDIR in lib/protocol.h; "
    "docs/libcurl/opts/CURLOPT_REDIR_PROTOCOLS_STR.md DEFAULT 'HTTP, HTTPS, FTP and FTPS'; "
    "tests/data/test975 'HTTP with auth redirected to FTP'). The machine writes only HTTP "
    "heads, so the profile's default allowed schemes are http and https and an ftp: Location "
    "is SchemeNotAllowed (what curl does with --proto-redir =http,https); see "
    "curl-ftp-location-followed-when-allowed for curl's own default",
    ("GET", "http://a.test/start"),
    [(redirect(302, "ftp://a.test/file.txt"), error("scheme_not_allowed"))],
)
case(
    "curl-ftp-location-followed-when-allowed",
    "curl lib/protocol.h CURLPROTO_REDIR (HTTP|HTTPS|FTP|FTPS); "
    "docs/libcurl/opts/CURLOPT_REDIR_PROTOCOLS_STR.md (DEFAULT 'HTTP, HTTPS, FTP and FTPS'); "
    "tests/data/test975 (an HTTP redirect to FTP is followed)",
    ("GET", "http://a.test/start"),
    [(redirect(302, "ftp://a.test/file.txt"), nxt("GET", "ftp://a.test/file.txt"))],
    policy={"allowed_schemes": ["http", "https", "ftp", "ftps"]},
)
case(
    "curl-file-location-scheme-not-allowed",
    "curl lib/url.c url_set_conn_scheme (on a follow the scheme must be in "
    "data->set.redir_protocols, else 'Protocol \"%s\" is disabled (in redirect)', "
    "CURLE_UNSUPPORTED_PROTOCOL); FILE is not in CURLPROTO_REDIR (lib/protocol.h)",
    ("GET", "http://a.test/start"),
    [(redirect(302, "file:///etc/passwd"), error("scheme_not_allowed"))],
)


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "curl.json")
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"format": 1, "cases": CASES}, f, indent=2, ensure_ascii=True)
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {out}")


if __name__ == "__main__":
    main()
