#!/usr/bin/env python3
"""Writes request-mode.json (format 3): Fetch's request modes and the `Origin` the machine
owns with one ("append a request `Origin` header", response tainting, redirect taint, the
referrer policy), and the errors `cross_origin_redirect` and `credentials_in_location`.
Expectations follow the Fetch standard's steps, cited per case.
Run: python3 tests/vectors/gen_request_mode.py"""
import json, os

APPEND = "Fetch, 'append a request `Origin` header'"
TAINT = "Fetch, main fetch (response tainting 'cors') and 'compute a request's redirect-taint'"
CREDS = "Fetch, HTTP-redirect fetch step 10/11 (credentials in locationURL)"
SAME = "Fetch, main fetch: request's mode 'same-origin' and another origin is a network error"

def resp(status, loc, extra=""):
    return f"HTTP/1.1 {status} R\r\nLocation: {loc}\r\n{extra}Content-Length: 0\r\n\r\n"
OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

def nxt(url, origin, method="GET", body=None):
    e = {"method": method, "url": url, "body": body}
    if origin is None:
        e["headers_exclude"] = ["Origin"]
    else:
        e["headers_include"] = [["Origin", origin]]
    return {"expect": {"next": e}}

def first(origin):
    return {"headers_exclude": ["Origin"]} if origin is None else {"headers_include": [["Origin", origin]]}

cases = []
def case(id, src, req, fst, steps, profile="fetch"):
    c = {"id": id, "source": src, "profile": profile, "request": req}
    if fst is not None:
        c["first"] = fst
    c["steps"] = [dict({"response": r}, **e) for r, e in steps]
    cases.append(c)

for prof in ["fetch", "strict"]:
    p = prof + "-"
    case(p + "cors-get-to-another-origin-carries-origin-from-the-first-request", TAINT + "; " + APPEND,
         {"method": "GET", "url": "https://api.test/a", "origin": "https://app.test", "mode": "cors"},
         first("https://app.test"),
         [(resp(302, "https://api.test/b"), nxt("https://api.test/b", "https://app.test")),
          (resp(302, "https://evil.test/"), nxt("https://evil.test/", "null")),
          (OK, {"expect": {"done": {"status": 200, "url": "https://evil.test/", "redirects": 2}}})], prof)
    case(p + "cors-get-same-origin-no-origin-until-the-chain-leaves", TAINT + "; " + APPEND,
         {"method": "GET", "url": "https://app.test/a", "mode": "cors"},
         first(None),
         [(resp(302, "https://app.test/b"), nxt("https://app.test/b", None)),
          (resp(302, "https://b.test/"), nxt("https://b.test/", "https://app.test")),
          (resp(302, "https://c.test/"), nxt("https://c.test/", "null")),
          (resp(302, "https://app.test/back"), nxt("https://app.test/back", "null"))], prof)
    case(p + "no-cors-post-302-becomes-get-without-origin", APPEND + ": GET and HEAD carry none outside cors tainting",
         {"method": "POST", "url": "https://app.test/form", "mode": "no-cors", "body": "x=1",
          "headers": [["Content-Type", "application/x-www-form-urlencoded"]]},
         first("https://app.test"),
         [(resp(302, "https://api.test/done"), nxt("https://api.test/done", None))], prof)
    case(p + "no-cors-post-307-keeps-origin", APPEND,
         {"method": "POST", "url": "https://app.test/form", "mode": "no-cors", "body": "x=1"},
         first("https://app.test"),
         [(resp(307, "https://api.test/done"), nxt("https://api.test/done", "https://app.test", "POST", "x=1")),
          (resp(307, "https://other.test/"), nxt("https://other.test/", "null", "POST", "x=1"))], prof)
    case(p + "same-origin-mode-redirect-to-another-origin-is-an-error", SAME,
         {"method": "POST", "url": "https://app.test/form", "mode": "same-origin", "body": "x"},
         first("https://app.test"),
         [(resp(307, "https://app.test/next"), nxt("https://app.test/next", "https://app.test", "POST", "x")),
          (resp(307, "https://api.test/"), {"expect": {"error": "cross_origin_redirect"}})], prof)
    case(p + "same-origin-mode-another-port-is-another-origin", SAME,
         {"method": "GET", "url": "https://app.test/", "mode": "same-origin"},
         first(None),
         [(resp(302, "https://app.test:8443/"), {"expect": {"error": "cross_origin_redirect"}})], prof)
    case(p + "cors-credentials-in-a-cross-origin-location-is-an-error", CREDS,
         {"method": "GET", "url": "https://app.test/", "mode": "cors"},
         first(None),
         [(resp(302, "https://u:p@api.test/"), {"expect": {"error": "credentials_in_location"}})], prof)
    case(p + "cors-user-only-in-a-cross-origin-location-is-an-error", CREDS + " (a username alone is credentials)",
         {"method": "GET", "url": "https://app.test/", "mode": "cors"},
         first(None),
         [(resp(302, "https://u@api.test/"), {"expect": {"error": "credentials_in_location"}})], prof)
    case(p + "cors-credentials-same-origin-before-cors-tainting-are-followed", CREDS,
         {"method": "POST", "url": "https://app.test/", "mode": "cors", "body": "b"},
         first("https://app.test"),
         [(resp(307, "https://u:p@app.test/x"), nxt("https://u:p@app.test/x", "https://app.test", "POST", "b"))], prof)
    case(p + "cors-credentials-after-cors-tainting-are-an-error", CREDS + " (response tainting 'cors')",
         {"method": "GET", "url": "https://api.test/", "origin": "https://app.test", "mode": "cors"},
         first("https://app.test"),
         [(resp(302, "https://u:p@api.test/x"), {"expect": {"error": "credentials_in_location"}})], prof)
    case(p + "cors-empty-userinfo-is-not-credentials", CREDS + "; URL standard: '@' alone leaves username and password empty",
         {"method": "GET", "url": "https://app.test/", "mode": "cors"},
         first(None),
         [(resp(302, "https://@api.test/"), nxt("https://api.test/", "https://app.test"))], prof)
    case(p + "no-cors-credentials-in-location-are-followed", CREDS + " (cors mode only)",
         {"method": "GET", "url": "https://app.test/", "mode": "no-cors"},
         first(None),
         [(resp(302, "https://u:p@api.test/"), nxt("https://u:p@api.test/", None))], prof)
    case(p + "no-cors-referrer-policy-header-no-referrer-nulls-origin", APPEND + " step 4.1 (no-referrer); Referrer Policy 'set request's referrer policy on redirect'",
         {"method": "POST", "url": "https://app.test/", "mode": "no-cors", "body": "b"},
         first("https://app.test"),
         [(resp(307, "https://app.test/next", "Referrer-Policy: no-referrer\r\n"), nxt("https://app.test/next", "null", "POST", "b"))], prof)
    case(p + "no-cors-referrer-policy-same-origin-nulls-origin-to-another-origin", APPEND + " step 4.1 (same-origin)",
         {"method": "PUT", "url": "https://app.test/", "mode": "no-cors", "body": "b"},
         first("https://app.test"),
         [(resp(307, "https://app.test/same", "Referrer-Policy: same-origin\r\n"), nxt("https://app.test/same", "https://app.test", "PUT", "b")),
          (resp(308, "https://api.test/"), nxt("https://api.test/", "null", "PUT", "b"))], prof)
    case(p + "cors-ignores-the-referrer-policy-for-origin", APPEND + " step 4.1 applies outside cors mode only",
         {"method": "POST", "url": "https://app.test/", "mode": "cors", "body": "b"},
         first("https://app.test"),
         [(resp(307, "https://app.test/next", "Referrer-Policy: no-referrer\r\n"), nxt("https://app.test/next", "https://app.test", "POST", "b"))], prof)
    case(p + "mode-takes-the-origin-a-caller-set-origin-names", APPEND + "; FORMAT.md request.origin order",
         {"method": "DELETE", "url": "https://api.test/item", "mode": "no-cors", "headers": [["Origin", "https://app.test"]]},
         first("https://app.test"),
         [(resp(307, "https://evil.test/"), nxt("https://evil.test/", "null", "DELETE"))], prof)
    case(p + "no-cors-head-carries-no-origin", APPEND,
         {"method": "HEAD", "url": "https://app.test/", "mode": "no-cors"},
         first(None),
         [(resp(307, "https://api.test/"), nxt("https://api.test/", None, "HEAD"))], prof)
    case(p + "no-cors-303-post-becomes-get-without-origin", APPEND + "; HTTP-redirect fetch step 12",
         {"method": "POST", "url": "https://app.test/", "mode": "no-cors", "body": "b"},
         first("https://app.test"),
         [(resp(303, "https://app.test/see"), nxt("https://app.test/see", None))], prof)

# Downgrades: strict refuses https -> http, so only fetch.
case("fetch-no-cors-post-downgrade-nulls-origin", APPEND + " step 4.1 (strict-origin-when-cross-origin, the default: an https origin to a non-https URL)",
     {"method": "POST", "url": "https://app.test/", "mode": "no-cors", "body": "b"},
     first("https://app.test"),
     [(resp(307, "http://app.test/plain"), nxt("http://app.test/plain", "null", "POST", "b"))])
case("fetch-no-cors-post-downgrade-with-unsafe-url-keeps-origin", APPEND + " step 4.1 (unsafe-url never nulls)",
     {"method": "POST", "url": "https://app.test/", "mode": "no-cors", "body": "b"},
     first("https://app.test"),
     [(resp(307, "http://app.test/plain", "Referrer-Policy: unsafe-url\r\n"), nxt("http://app.test/plain", "https://app.test", "POST", "b"))])
case("fetch-cors-post-downgrade-keeps-origin", APPEND + " (cors mode: the referrer policy does not apply)",
     {"method": "POST", "url": "https://app.test/", "mode": "cors", "body": "b"},
     first("https://app.test"),
     [(resp(307, "http://app.test/plain"), nxt("http://app.test/plain", "https://app.test", "POST", "b"))])
case("fetch-no-cors-http-origin-to-http-keeps-origin", APPEND + " step 4.1 (the origin is not https)",
     {"method": "POST", "url": "http://app.test/", "mode": "no-cors", "body": "b"},
     first("http://app.test"),
     [(resp(307, "http://app.test/next"), nxt("http://app.test/next", "http://app.test", "POST", "b"))])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "request-mode.json")
json.dump({"format": 3, "cases": cases}, open(path, "w"), indent=1)
print(len(cases), "cases")
