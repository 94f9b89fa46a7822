#!/usr/bin/env python3
"""Writes request-origin.json (format 3): the request origin of issue 18 finding 1, from the Fetch spec's redirect-taint rules. Run: python3 tests/vectors/gen_request_origin.py"""
import json
F="Fetch, HTTP-redirect fetch and 'compute a request's redirect-taint' (whatwg/fetch#1807), 'serializing a request origin'; FORMAT.md format 3 request.origin; issue 18 finding 1"
def r307(loc): return f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {loc}\r\nContent-Length: 0\r\n\r\n"
def r302(loc): return f"HTTP/1.1 302 Found\r\nLocation: {loc}\r\nContent-Length: 0\r\n\r\n"
OK="HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
def nxt(url, origin, method="GET", body=None):
    e={"method":method,"url":url,"body":body}
    if origin is None: e["headers_exclude"]=["Origin"]
    else: e["headers_include"]=[["Origin",origin]]
    return {"expect":{"next":e}}
cases=[]
def case(id, src, req, steps, profile=None, policy=None):
    c={"id":id,"source":src}
    if profile: c["profile"]=profile
    if policy: c["policy"]=policy
    c["request"]=req; c["steps"]=steps; cases.append(c)
def step(resp, exp): d={"response":resp}; d.update(exp); return d
def done(url, n): return {"expect":{"done":{"status":200,"url":url,"redirects":n}}}

for prof in ["fetch","strict"]:
    case(f"{prof}-caller-origin-names-another-origin-cross-origin-hop-taints", F,
        {"method":"GET","url":"https://api.test/data","headers":[["Origin","https://app.test"]]},
        [step(r307("https://evil.test/"), nxt("https://evil.test/","null")), step(OK, done("https://evil.test/",1))], prof)
    case(f"{prof}-confused-deputy-post-back-to-the-callers-own-origin-gets-origin-null", F+"; the review's confused-deputy form (an Origin-based CSRF check at app.test)",
        {"method":"POST","url":"https://api.test/submit","headers":[["Origin","https://app.test"],["Content-Type","text/plain"]],"body":"x=1"},
        [step(r307("https://app.test/admin/delete-all"), nxt("https://app.test/admin/delete-all","null","POST","x=1")), step(OK, done("https://app.test/admin/delete-all",1))], prof)
    case(f"{prof}-explicit-request-origin-is-used", F,
        {"method":"GET","url":"https://api.test/data","origin":"https://app.test","headers":[["Origin","https://app.test"]]},
        [step(r302("https://evil.test/"), nxt("https://evil.test/","null"))], prof)
    case(f"{prof}-explicit-request-origin-beats-the-origin-field", F+"; FORMAT.md: request.origin comes first",
        {"method":"GET","url":"https://api.test/data","origin":"https://api.test","headers":[["Origin","https://app.test"]]},
        [step(r302("https://evil.test/"), nxt("https://evil.test/","https://app.test")),
         step(r302("https://other.test/"), nxt("https://other.test/","null"))], prof)
    case(f"{prof}-explicit-request-origin-beats-the-referrer", F+"; FORMAT.md: request.origin comes before the referrer",
        {"method":"GET","url":"https://api.test/data","origin":"https://api.test","referrer":"https://app.test/page","headers":[["Origin","https://api.test"]]},
        [step(r302("https://evil.test/"), nxt("https://evil.test/","https://api.test"))], prof)
    case(f"{prof}-origin-field-beats-the-referrer", F+"; FORMAT.md: the origin a caller-set Origin names comes before the referrer's",
        {"method":"GET","url":"https://api.test/data","referrer":"https://app.test/page","headers":[["Origin","https://api.test"]]},
        [step(r302("https://evil.test/"), nxt("https://evil.test/","https://api.test"))], prof)
    case(f"{prof}-opaque-request-origin-taints-on-the-first-cross-origin-hop", F+": an opaque origin is same origin with no URL",
        {"method":"GET","url":"https://api.test/data","origin":"null","headers":[["Origin","https://api.test"]]},
        [step(r302("https://api.test/same"), nxt("https://api.test/same","https://api.test")),
         step(r302("https://evil.test/"), nxt("https://evil.test/","null"))], prof)
    case(f"{prof}-own-origin-field-a-to-b-alone-does-not-taint", F+": A->B alone is same-origin taint when the request's origin is A",
        {"method":"GET","url":"https://api.test/data","headers":[["Origin","https://api.test"]]},
        [step(r302("https://b.test/"), nxt("https://b.test/","https://api.test")),
         step(r302("https://c.test/"), nxt("https://c.test/","null")),
         step(r302("https://api.test/back"), nxt("https://api.test/back","null"))], prof)
    case(f"{prof}-origin-field-that-is-not-a-serialized-origin-names-none", F+"; FORMAT.md: only a serialized origin names the request's origin (a trailing slash is not one)",
        {"method":"GET","url":"https://api.test/data","headers":[["Origin","https://app.test/"]]},
        [step(r302("https://evil.test/"), nxt("https://evil.test/","https://app.test/"))], prof)
    case(f"{prof}-origin-field-with-a-port", F,
        {"method":"GET","url":"http://api.test:8080/data","headers":[["Origin","http://api.test:8080"]]},
        [step(r302("http://b.test/"), nxt("http://b.test/","http://api.test:8080")),
         step(r302("http://c.test/"), nxt("http://c.test/","null"))], prof)
case("curl-caller-origin-forwarded-as-is", "curl sends a -H header on every request of a -L chain as it is (lib/http.c, custom headers; no redirect taint in curl)",
    {"method":"GET","url":"https://api.test/data","headers":[["Origin","https://app.test"]]},
    [step(r307("https://evil.test/"), nxt("https://evil.test/","https://app.test"))], "curl")
case("curl-request-origin-does-not-change-a-custom-origin", "curl has no request origin: the -H value goes everywhere",
    {"method":"GET","url":"https://api.test/data","origin":"https://app.test","headers":[["Origin","https://api.test"]]},
    [step(r307("https://evil.test/"), nxt("https://evil.test/","https://api.test"))], "curl")
json.dump({"format":3,"cases":cases}, open(__import__("os").path.join(__import__("os").path.dirname(__file__),"request-origin.json"),"w"), indent=1)
print(len(cases))
