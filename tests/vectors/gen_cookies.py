#!/usr/bin/env python3
"""Writes cookies.json (format 3): a chain's cookie jar (RFC 6265bis storage and retrieval)
across redirects: Set-Cookie on a 3xx stored against the URL that answered (never the
target: CVE-2015-2296), the jar's Cookie per request URL, Domain, Path, Secure, deletion,
order. Expectations follow the RFC 6265bis sections cited per case.
Run: python3 tests/vectors/gen_cookies.py"""
import json, os

BIS = "draft-ietf-httpbis-rfc6265bis"
def resp(status, loc=None, cookies=(), extra=""):
    h = f"HTTP/1.1 {status} R\r\n"
    for c in cookies:
        h += f"Set-Cookie: {c}\r\n"
    if loc:
        h += f"Location: {loc}\r\n"
    return h + extra + "Content-Length: 0\r\n\r\n"

def nxt(url, cookie):
    return {"expect": {"next": {"url": url, "cookie": cookie}}}
def done(url, n, cookie):
    return {"expect": {"done": {"status": 200, "url": url, "redirects": n, "cookie": cookie}}}

cases = []
def case(id, src, url, steps, profiles=("fetch", "strict", "curl"), seeds=None, first=None, method="GET"):
    for p in profiles:
        req = {"method": method, "url": url}
        if seeds:
            req["cookies"] = seeds
        c = {"id": f"{p}-{id}", "source": src, "profile": p, "policy": {"cookie_jar": True}, "request": req}
        if first is not None:
            c["first"] = {"cookie": first}
        c["steps"] = [dict({"response": r}, **e) for r, e in steps]
        cases.append(c)

case("login-302-cookie-stored-against-the-3xx-url", "CVE-2015-2296 (Python requests stored it against the target); " + BIS + " §5.7 (the request-uri of the response)",
     "http://a.test/login",
     [(resp(302, "/home", ["sid=42"]), nxt("http://a.test/home", "sid=42")),
      (resp(200), done("http://a.test/home", 1, "sid=42"))], first=None)
case("cookie-set-on-a-302-to-another-host-is-not-sent-there", "CVE-2026-63481 / hurl #5118 (jar cookies on a cross-host redirect); " + BIS + " §5.8.3 (domain-match)",
     "http://a.test/start",
     [(resp(302, "http://b.test/x", ["sid=a-only"]), nxt("http://b.test/x", None)),
      (resp(302, "http://a.test/back"), nxt("http://a.test/back", "sid=a-only")),
      (resp(200), done("http://a.test/back", 2, "sid=a-only"))])
case("domain-attribute-of-the-target-from-the-3xx-host-is-ignored", "CVE-2015-2296; " + BIS + " §5.7 (Domain must domain-match the request host, else ignore the cookie entirely)",
     "http://a.test/go",
     [(resp(302, "http://b.test/", ["evil=1; Domain=b.test"]), nxt("http://b.test/", None)),
      (resp(200), done("http://b.test/", 1, None))])
case("domain-cookie-goes-to-subdomains-host-only-does-not", BIS + " §5.7 (host-only flag), §5.1.3 (domain-match)",
     "http://a.test/",
     [(resp(302, "http://sub.a.test/", ["d=1; Domain=a.test", "h=2"]), nxt("http://sub.a.test/", "d=1")),
      (resp(302, "http://a.test/again"), nxt("http://a.test/again", "d=1; h=2"))])
case("leading-dot-in-domain-is-dropped", BIS + " §5.6.3 (a leading %x2E is removed)",
     "http://a.test/",
     [(resp(302, "http://www.a.test/", ["d=1; Domain=.a.test"]), nxt("http://www.a.test/", "d=1"))])
case("path-attribute-limits-where-the-cookie-goes", BIS + " §5.1.4 (path-match), §5.8.3",
     "http://a.test/app/login",
     [(resp(302, "/app/x", ["p=1; Path=/app"]), nxt("http://a.test/app/x", "p=1")),
      (resp(302, "/other"), nxt("http://a.test/other", None)),
      (resp(302, "/application"), nxt("http://a.test/application", None))])
case("default-path-is-the-directory-of-the-request-uri", BIS + " §5.1.4 (default-path)",
     "http://a.test/dir/page",
     [(resp(302, "/dir/x", ["dp=1"]), nxt("http://a.test/dir/x", "dp=1")),
      (resp(302, "/"), nxt("http://a.test/", None))])
case("secure-cookie-from-http-is-ignored", BIS + " §5.7 (Secure from a non-secure request-uri is ignored)",
     "http://a.test/",
     [(resp(302, "/next", ["s=1; Secure", "n=2"]), nxt("http://a.test/next", "n=2"))])
case("secure-cookie-from-https-not-sent-to-http", BIS + " §5.8.3 (secure-only cookies only over secure channels)",
     "https://a.test/",
     [(resp(302, "https://a.test/s", ["s=1; Secure", "n=2"]), nxt("https://a.test/s", "s=1; n=2")),
      (resp(302, "http://a.test/plain"), nxt("http://a.test/plain", "n=2"))], profiles=("fetch", "curl"))
case("max-age-zero-deletes", BIS + " §5.6.2, §5.7 (an expired cookie removes the stored one)",
     "http://a.test/",
     [(resp(302, "/a", ["x=1", "y=2"]), nxt("http://a.test/a", "x=1; y=2")),
      (resp(302, "/b", ["x=gone; Max-Age=0"]), nxt("http://a.test/b", "y=2")),
      (resp(200, None, ["y=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]), done("http://a.test/b", 2, None))])
case("longer-paths-first-then-earlier-creation", BIS + " §5.8.3 step 2 (order)",
     "http://a.test/p/q/start",
     [(resp(302, "/p/q/next", ["a=1; Path=/", "b=2; Path=/p/q", "c=3; Path=/p"]), nxt("http://a.test/p/q/next", "b=2; c=3; a=1"))])
case("replacement-keeps-the-creation-time", BIS + " §5.7 (an old cookie's creation-time is kept on replacement)",
     "http://a.test/",
     [(resp(302, "/1", ["first=1", "second=2"]), nxt("http://a.test/1", "first=1; second=2")),
      (resp(302, "/2", ["first=updated"]), nxt("http://a.test/2", "first=updated; second=2"))])
case("ports-are-ignored", BIS + " §8.5 (cookies do not provide isolation by port)",
     "http://a.test/",
     [(resp(302, "http://a.test:8080/", ["p=1"]), nxt("http://a.test:8080/", "p=1"))])
case("seeded-jar-gives-the-first-request-its-cookie", "FORMAT.md format 3 request.cookies; " + BIS + " §5.8.3",
     "http://a.test/x", [(resp(302, "http://b.test/"), nxt("http://b.test/", "other=2"))],
     seeds=[["http://a.test/", "seed=1"], ["http://b.test/", "other=2"]], first="seed=1")
case("seeded-jar-cookie-reaches-the-other-host-only-from-its-own-entry", "FORMAT.md format 3 request.cookies; " + BIS + " §5.8.3",
     "http://a.test/x", [(resp(302, "http://b.test/"), nxt("http://b.test/", "other=2")),
                          (resp(200, None, ["late=3"]), done("http://b.test/", 1, "other=2; late=3"))],
     seeds=[["http://b.test/", "other=2"]], first=None)
case("cookie-on-a-final-4xx-is-stored", BIS + " §5.7 (any response); FORMAT.md (every response that is not a 1xx)",
     "http://a.test/", [(resp(302, "/n"), nxt("http://a.test/n", None)),
                         ("HTTP/1.1 404 Not Found\r\nSet-Cookie: after=1\r\nContent-Length: 0\r\n\r\n",
                          {"expect": {"done": {"status": 404, "url": "http://a.test/n", "redirects": 1, "cookie": "after=1"}}})])
case("cookie-on-an-interim-103-is-not-stored", "FORMAT.md (every response that is not a 1xx)",
     "http://a.test/",
     [("HTTP/1.1 103 Early Hints\r\nSet-Cookie: early=1\r\n\r\n" + resp(302, "/n"), nxt("http://a.test/n", None))])
case("domain-of-an-ip-host-must-be-identical", BIS + " §5.1.3 (an IP address domain-matches only itself)",
     "http://10.0.0.1/",
     [(resp(302, "/n", ["ok=1; Domain=10.0.0.1", "bad=2; Domain=0.0.1"]), nxt("http://10.0.0.1/n", "ok=1"))],
     profiles=("fetch", "curl"))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cookies.json")
json.dump({"format": 3, "cases": cases}, open(path, "w"), indent=1)
print(len(cases), "cases")
