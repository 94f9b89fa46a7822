#!/usr/bin/env python3
"""Writes tests/vectors/curl-options.json (format 3, profile `curl`) from what real curl sends.

Issue 18, part 8: the curl options that `curl -L` users rely on and curl's own test suite
exercises: `--post301`, `--post302`, `--post303` (CURLOPT_POSTREDIR; vector key
`policy.post_redirect`) and `--referer 'TEXT;auto'` (CURLOPT_AUTOREFERER; `policy.auto_referer`,
with TEXT as `request.referrer`). This mirrors observe_curl_body.py: each command line runs
with the real `curl` CLI (`curl -q -sS -L ... URL`) against loopback servers that answer a
programmed chain of redirects and log every request (method, path, headers, body bytes);
each vector case is written from those observations, never by hand.

Three servers stand for three origins (Python's http.server on 127.0.0.1, free ports):
`http://a.test`, `http://b.test` and `https://a.test` (TLS with a throwaway self-signed
certificate made with `openssl`; curl runs with `-k`). Locations in the vectors name those
origins; the servers send the real `http://127.0.0.1:PORT` ones, and every URL and `Referer`
curl sent is mapped back before it is written (FORMAT.md: vectors are WHATWG-serialized).
The n-th request of a run, whichever server gets it, is answered with the chain's n-th
redirect, then `200 OK`.

How a command line becomes a vector case (as in observe_curl_body.py):
- `request`: `method` and `body` as curl sent them first (`-d ''` has no bytes: null);
  `headers`: `Content-Length` when curl sent one first (it stands for the one curl
  computes), and the `-H` headers; `curl_body` and `curl_forced_method` say the command line
  (FORMAT.md "Crate extension"); `referrer` is the `--referer` text before `;auto`.
- `policy`: `post_redirect` from the `--post30x` options, `auto_referer` from `;auto`.
- `expect.next` per hop: `method`; `url` (the Location resolved against the URL before it,
  checked against the server and path that got the request; fragments never reach a
  server, so they are the resolution's); `body` (the body when curl sent it again, else
  null); `headers_include` for `Content-Length` and the `-H` headers curl sent, and for the
  `Referer` curl sent; `headers_exclude` for each of `Content-Length`, `Content-Type`,
  `Expect`, `Transfer-Encoding`, `Referer` curl did not send.
- the first request's `Referer` cannot be a vector expectation (FORMAT.md's `first` is not
  this runner's); the script checks it (the referrer text, or none) and each case's source
  says what it was; tests/scenarios.rs checks the crate's first request.
- the final step: `done` with curl's `%{http_code}` and `%{num_redirects}`, and the last
  URL (curl's `%{url_effective}` mapped back must be the same, user info and fragment
  included, or the run fails).

With a Python that has `pycurl` (PyPI wheels bundle libcurl 8.x), every command line is
also run through libcurl with the options the CLI sets for it (FOLLOWLOCATION, MAXREDIRS 50,
POSTREDIR, AUTOREFERER and REFERER, CUSTOMREQUEST, POSTFIELDS, UPLOAD, NOBODY, HTTPHEADER)
and compared hop by hop; a difference is printed and fails the run (exit 1), and each
case's source then names the libcurl version that agreed.

Run: python3 tests/vectors/observe_curl_options.py            (rewrites curl-options.json)
     python3 tests/vectors/observe_curl_options.py --check    (compares, writes nothing;
                                                               without pycurl, the CLI only)
     /path/to/venv-with-pycurl/bin/python tests/vectors/observe_curl_options.py
"""

import http.server
import json
import os
import re
import shlex
import ssl
import subprocess
import sys
import tempfile
import threading
from urllib.parse import urljoin, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "curl-options.json")

DATA = "name=volvo&model=240"  # the -d body
FILE_BYTES = "a photo of a Volvo 240\n"  # the -T file's contents
WATCHED = ["Content-Length", "Content-Type", "Expect", "Transfer-Encoding", "Referer"]
# Compared with libcurl: `Expect: 100-continue` on an upload differs between curl 7.88
# (always) and libcurl 8.x (past 1 MiB) and is not modelled.
COMPARED = [n for n in WATCHED if n != "Expect"]
REASONS = {301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect", 308: "Permanent Redirect"}
ORIGINS = ["http://a.test", "http://b.test", "https://a.test"]

FINAL = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
FINAL_HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"


def redirect(status, location):
    return f"HTTP/1.1 {status} {REASONS[status]}\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"


# --- The loopback servers ----------------------------------------------------------------


class Servers:
    """One server per symbolic origin; the n-th request of a run gets the n-th answer."""

    def __init__(self, tmp):
        self.chain = []
        self.log = []
        self.lock = threading.Lock()
        self.real = {}  # symbolic origin -> real origin
        self.httpds = []
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
             "-days", "2", "-subj", "/CN=127.0.0.1"],
            check=True, capture_output=True,
        )
        for origin in ORIGINS:
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self.handler(origin))
            httpd.daemon_threads = True
            scheme = origin.split(":")[0]
            if scheme == "https":
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(cert, key)
                httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
            self.real[origin] = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
            self.httpds.append(httpd)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def handler(self, origin):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_request(self):
                body = b""
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                elif "Content-Length" in self.headers:
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                with owner.lock:
                    index = len(owner.log)
                    owner.log.append(
                        {
                            "origin": origin,
                            "method": self.command,
                            "path": self.path,
                            "headers": list(self.headers.items()),
                            "body": body.decode("latin-1"),
                        }
                    )
                    if index < len(owner.chain):
                        status, location = owner.chain[index]
                        answer = redirect(status, owner.to_real(location))
                    else:
                        answer = FINAL_HEAD if self.command == "HEAD" else FINAL
                self.wfile.write(answer.encode("latin-1"))
                self.wfile.flush()

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = handle_request

        return Handler

    def to_real(self, text):
        for origin, real in self.real.items():
            text = text.replace(origin, real)
        # `http://user:pass@a.test` and the like.
        for origin, real in self.real.items():
            scheme, host = origin.split("://")
            text = re.sub(rf"{scheme}://([^/@]*@){re.escape(host)}(?=[/?#]|$)", lambda m: real.replace("://", "://" + m.group(1)), text)
        return text

    def to_symbolic(self, text):
        for origin, real in self.real.items():
            scheme, hostport = real.split("://")
            text = re.sub(
                rf"{scheme}://([^/@]*@)?{re.escape(hostport)}(?![0-9])",
                lambda m: origin.replace("://", "://" + (m.group(1) or "")),
                text,
            )
        return text

    def run(self, chain, start, client):
        with self.lock:
            self.chain = list(chain)
            self.log = []
        result = client(self.to_real(start))
        with self.lock:
            return list(self.log), result

    def stop(self):
        for httpd in self.httpds:
            httpd.shutdown()
            httpd.server_close()


# --- The command lines -------------------------------------------------------------------

UPLOAD = object()  # stands for the -T file's path in `Line.args`


class Line:
    """One curl command line (URL aside), what the crate is told, and the chain it meets."""

    def __init__(self, key, args, chain, start="http://a.test/start", source=None):
        self.key = key
        self.args = args
        self.chain = chain  # [(status, symbolic Location)]
        self.start = start
        self.source = source  # the curl test this case mirrors, if any
        self.method, self.body, self.curl_body, self.forced = describe(args)
        self.headers = [a.split(": ", 1) for a in after(args, "-H")]
        self.keep = sorted(int(a[len("--post"):]) for a in args if a in ALL)
        referer = after(args, "--referer")
        self.auto = bool(referer) and referer[-1].endswith(";auto")
        text = referer[-1][: -len(";auto")] if self.auto else (referer[-1] if referer else "")
        self.referrer = text or None

    def shown(self):
        args = ["curl", "-L"] + ["FILE" if a is UPLOAD else a for a in self.args]
        return " ".join(shlex.quote(a) for a in args) + " " + shlex.quote(self.start)


def after(args, flag):
    return [args[i + 1] for i, a in enumerate(args) if a == flag]


def describe(args):
    """(method, body, curl_body, forced) of a command line, as libcurl takes it."""
    forced = "-X" in args
    if "-T" in args:
        method, body, kind = "PUT", FILE_BYTES, "upload"
    elif "-d" in args:
        data = after(args, "-d")[-1]
        method, body, kind = "POST", data or None, "data"
    elif "-I" in args:
        method, body, kind = "HEAD", None, "none"
    else:
        method, body, kind = "GET", None, "none"
    if forced:
        method = after(args, "-X")[-1]
    return method, body, kind, forced


ALL = ["--post301", "--post302", "--post303"]
D = ["-d", DATA]


def hop(status, location="/hop"):
    return (status, location)


def chain(*statuses):
    return [(s, f"/hop{i + 1}") for i, s in enumerate(statuses)]


LINES = []
# --post301/302/303: each status, each option alone and all three.
for s in (301, 302, 303):
    test = {301: "curl test 1012 (-d moo --post301)", 302: "curl test 1076 (-d moo --post302)", 303: "curl test 1332 (-d moo --post303)"}[s]
    LINES += [
        Line(f"d-post{s}-{s}", D + [f"--post{s}"], chain(s), source=test),
        Line(f"d-postall-{s}", D + ALL, chain(s)),
        Line(f"d-empty-post{s}-{s}", ["-d", "", f"--post{s}"], chain(s)),
        Line(f"x-put-d-post{s}-{s}", ["-X", "PUT"] + D + [f"--post{s}"], chain(s)),
        Line(f"t-put-postall-{s}", ["-T", UPLOAD] + ALL, chain(s)),
        Line(f"i-head-postall-{s}", ["-I"] + ALL, chain(s)),
        Line(f"get-postall-{s}", ALL, chain(s)),
        Line(f"x-post-postall-{s}", ["-X", "POST"] + ALL, chain(s)),
    ]
LINES += [
    # The option is per status: an unlisted one still switches.
    Line("d-post301-302", D + ["--post301"], chain(302)),
    Line("d-post302-301", D + ["--post302"], chain(301)),
    Line("d-post302-303", D + ["--post302"], chain(303)),
    Line("d-post303-302", D + ["--post303"], chain(302)),
    Line("x-delete-d-empty-post303-303", ["-X", "DELETE", "-d", "", "--post303"], chain(303)),
    # 307 and 308 keep the POST anyway.
    Line("d-postall-307", D + ALL, chain(307)),
    Line("d-postall-308", D + ALL, chain(308)),
    Line("d-postall-301-307-303-308-302", D + ALL, chain(301, 307, 303, 308, 302)),
    # Switched to GET, later listed statuses keep the GET.
    Line("d-post302-303-302", D + ["--post302"], chain(303, 302)),
    Line("d-post301-302-301", D + ["--post301"], chain(302, 301)),
    Line("d-post301-post302-303-301-302", D + ["--post301", "--post302"], chain(303, 301, 302)),
    Line("x-put-d-post302-301-302", ["-X", "PUT"] + D + ["--post302"], chain(301, 302)),
    Line("t-put-postall-303-301", ["-T", UPLOAD] + ALL, chain(303, 301)),
    Line("i-head-postall-303-302", ["-I"] + ALL, chain(303, 302)),
    # Across origins too.
    Line("d-postall-cross-origin-302", D + ALL, [(302, "http://b.test/hop1")]),
    # --referer ';auto'.
    Line("auto-cross-origin", ["--referer", ";auto"], [(302, "http://b.test/hop1"), (301, "http://a.test/hop2")]),
    Line(
        "auto-text-first",
        ["--referer", "firstone.html;auto"],
        [(301, "data/hop1.txt?coolsite=yes")],
        start="http://a.test/want/start",
        source="curl test 1067 (--referer \"firstone.html;auto\")",
    ),
    Line("auto-url-first", ["--referer", "https://origin.test/page?q=1;auto"], [(302, "http://b.test/hop1"), (307, "/hop2")]),
    Line("auto-downgrade", ["-k", "--referer", ";auto"], [(302, "http://b.test/hop1"), (302, "https://a.test/hop2"), (301, "http://a.test/hop3")], start="https://a.test/start"),
    Line(
        "auto-userinfo-fragment",
        ["--referer", ";auto"],
        [(301, "data/hop1.txt?coolsite=yes"), (302, "/hop2#frag2"), (302, "http://b.test/hop3")],
        start="http://user:pass@a.test/we/want/our/start#anchor",
        source="curl test 2081 (--referer ';auto' from http://user:pass@HOST/...#anchor)",
    ),
    Line("auto-location-userinfo", ["--referer", ";auto"], [(302, "http://u:p@b.test/hop1#f"), (302, "/hop2")]),
    Line("auto-custom-header", ["-H", "Referer: http://x.test/custom", "--referer", ";auto"], [(302, "http://b.test/hop1"), (302, "http://a.test/hop2")]),
    Line("auto-custom-header-text", ["-H", "Referer: custom value", "--referer", "firstone.html;auto"], [(302, "http://b.test/hop1"), (307, "/hop2")]),
    Line("auto-custom-header-downgrade", ["-k", "-H", "Referer: https://x.test/secret?token=1", "--referer", ";auto"], [(302, "http://b.test/hop1")], start="https://a.test/start"),
    Line("auto-d-post302", D + ["--post302", "--referer", ";auto"], [(302, "http://b.test/hop1"), (303, "/hop2")]),
    # --referer without ;auto: the same value everywhere.
    Line("fixed-text", ["--referer", "firstone.html"], [(302, "http://b.test/hop1"), (301, "http://a.test/hop2")]),
    Line("fixed-url-downgrade", ["-k", "--referer", "https://origin.test/page?q=1"], [(302, "http://b.test/hop1")], start="https://a.test/start"),
    Line("custom-header", ["-H", "Referer: http://x.test/custom"], [(302, "http://b.test/hop1"), (302, "http://a.test/hop2")]),
]


# --- Running curl ------------------------------------------------------------------------


def curl_version():
    out = subprocess.run(["curl", "--version"], capture_output=True, text=True, check=True).stdout
    return out.split()[1]


def run_cli(line, upload_path):
    args = [upload_path if a is UPLOAD else a for a in line.args]

    def client(url):
        cmd = ["curl", "-q", "-sS", "-L", "--noproxy", "*", "--max-time", "20", "-o", os.devnull]
        cmd += ["-w", "%{http_code} %{num_redirects} %{url_effective}"] + args + [url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise SystemExit(f"curl failed ({done.returncode}): {cmd}\n{done.stderr}")
        status, redirects, effective = done.stdout.split(" ", 2)
        return int(status), int(redirects), effective

    return client


def run_pycurl(line):
    import io

    import pycurl

    def client(url):
        c = pycurl.Curl()
        c.setopt(pycurl.URL, url)
        c.setopt(pycurl.FOLLOWLOCATION, 1)
        c.setopt(pycurl.MAXREDIRS, 50)
        c.setopt(pycurl.NOPROXY, "*")
        c.setopt(pycurl.TIMEOUT, 20)
        c.setopt(pycurl.WRITEFUNCTION, lambda b: None)
        headers = []
        postredir = 0
        args = list(line.args)
        while args:
            a = args.pop(0)
            if a == "-X":
                c.setopt(pycurl.CUSTOMREQUEST, args.pop(0))
            elif a == "-d":
                c.setopt(pycurl.POSTFIELDS, args.pop(0))
            elif a == "-H":
                headers.append(args.pop(0))
            elif a == "-I":
                c.setopt(pycurl.NOBODY, 1)
            elif a == "-k":
                c.setopt(pycurl.SSL_VERIFYPEER, 0)
                c.setopt(pycurl.SSL_VERIFYHOST, 0)
            elif a in ALL:
                postredir |= {"--post301": 1, "--post302": 2, "--post303": 4}[a]
            elif a == "--referer":
                text = args.pop(0)
                if text.endswith(";auto"):
                    c.setopt(pycurl.AUTOREFERER, 1)
                    text = text[: -len(";auto")]
                if text:
                    c.setopt(pycurl.REFERER, text)
            elif a == "-T":
                args.pop(0)
                upload = io.BytesIO(FILE_BYTES.encode("latin-1"))
                c.setopt(pycurl.UPLOAD, 1)
                c.setopt(pycurl.READFUNCTION, upload.read)
                c.setopt(pycurl.SEEKFUNCTION, lambda offset, origin: upload.seek(offset, origin) and 0)
                c.setopt(pycurl.INFILESIZE_LARGE, len(FILE_BYTES))
            else:
                raise SystemExit(f"no pycurl mapping for {a}")
        if postredir:
            c.setopt(pycurl.POSTREDIR, postredir)
        if headers:
            c.setopt(pycurl.HTTPHEADER, headers)
        c.perform()
        result = (
            c.getinfo(pycurl.RESPONSE_CODE),
            c.getinfo(pycurl.REDIRECT_COUNT),
            c.getinfo(pycurl.EFFECTIVE_URL),
        )
        c.close()
        return result

    return client


def header(h, name):
    for n, v in h["headers"]:
        if n.lower() == name.lower():
            return v
    return None


def summary(hops, names):
    return [(h["origin"], h["method"], h["path"], len(h["body"]), tuple(header(h, n) for n in names)) for h in hops]


# --- Writing the vector ------------------------------------------------------------------


def strip_userinfo(url):
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc}"


def explain(line, hops):
    """One clause per hop from lib/http.c Curl_http_follow, for the source text."""
    parts = []
    kind = line.curl_body
    head = line.method == "HEAD" and not line.forced
    for (status, _), h in zip(line.chain, hops[1:]):
        post = kind == "data"
        if post and status in line.keep:
            why = f"the POST kind (-d) with --post{status} (CURLOPT_POSTREDIR) keeps method and body"
        elif status in (301, 302) and post:
            why = f"the POST kind switches to GET on a {status} (--post{status} not given)"
            if line.forced:
                why += f"; -X keeps the method name {line.method}, the body is dropped"
            kind = "none"
        elif status == 303 and (kind != "none" or head):
            why = "a 303 switches every kind but POST with --post303 to GET (-I stays HEAD)"
            kind = "none"
        else:
            why = "the request kind is kept" + (" (GET since an earlier switch)" if line.curl_body != "none" and kind == "none" else "")
        parts.append(f"{status}: {why}")
    return "; ".join(parts)


def referer_story(line, hops):
    if header(hops[0], "Referer") is None:
        first = "The first request had no Referer"
    else:
        first = f"The first request had Referer: {header(hops[0], 'Referer')}"
    if line.headers and any(n.lower() == "referer" for n, _ in line.headers):
        rule = "a -H Referer is a custom header, sent as it is on every request, and replaces curl's own"
    elif line.auto:
        rule = "with ;auto each redirected request carries the previous URL without user info and fragment (Curl_http_follow, http_auto_referer)"
    elif line.referrer:
        rule = "--referer without ;auto sends its text on every request"
    else:
        return ""
    return f" {first}; {rule}."


def make_case(servers, line, hops, final, versions):
    # Where each request should have gone: the Location resolved against the URL before it.
    urls = [line.start]
    for _, location in line.chain:
        urls.append(urljoin(urls[-1], location))
    if len(hops) != len(urls):
        raise SystemExit(f"{line.key}: curl sent {len(hops)} requests, not {len(urls)}")
    for url, h in zip(urls, hops):
        parts = urlsplit(url)
        want = (strip_userinfo(url), parts.path + (f"?{parts.query}" if parts.query else ""))
        if (h["origin"], h["path"]) != want:
            raise SystemExit(f"{line.key}: curl went to {h['origin']}{h['path']}, not {want}")
    first = hops[0]
    if first["method"] != line.method or first["body"] != (line.body or ""):
        raise SystemExit(f"{line.key}: the first request was {first['method']} with {first['body']!r}")
    custom = [v for n, v in line.headers if n.lower() == "referer"]
    want_first = custom[0] if custom else line.referrer
    if header(first, "Referer") != want_first:
        raise SystemExit(f"{line.key}: the first Referer was {header(first, 'Referer')!r}, not {want_first!r}")
    request = {"method": line.method, "url": line.start}
    headers = []
    if header(first, "Content-Length") is not None:
        headers.append(["Content-Length", header(first, "Content-Length")])
    headers += line.headers
    if headers:
        request["headers"] = headers
    request["body"] = line.body
    if line.referrer is not None:
        request["referrer"] = line.referrer
    request["curl_body"] = line.curl_body
    request["curl_forced_method"] = line.forced
    policy = {}
    if line.keep:
        policy["post_redirect"] = line.keep
    if line.auto:
        policy["auto_referer"] = True
    steps = []
    for i, (status, location) in enumerate(line.chain):
        h = hops[i + 1]
        if h["body"] not in ("", line.body):
            raise SystemExit(f"{line.key}: hop {i + 1} sent {h['body']!r}")
        nxt = {"method": h["method"], "url": urls[i + 1], "body": line.body if h["body"] else None}
        include = [[n, header(h, n)] for n, _ in headers if header(h, n) is not None]
        referer = header(h, "Referer")
        if referer is not None and "referer" not in (n.lower() for n, _ in headers):
            include.append(["Referer", servers.to_symbolic(referer)])
        exclude = [n for n in WATCHED if header(h, n) is None]
        if include:
            nxt["headers_include"] = include
        if exclude:
            nxt["headers_exclude"] = exclude
        steps.append({"response": redirect(status, location), "expect": {"next": nxt}})
    status, redirects, effective = final
    effective = servers.to_symbolic(effective)
    if (effective, redirects) != (urls[-1], len(line.chain)):
        raise SystemExit(f"{line.key}: curl ended at {effective} after {redirects}, not {urls[-1]}")
    steps.append(
        {
            "response": FINAL_HEAD if line.method == "HEAD" else FINAL,
            "expect": {"done": {"status": status, "url": urls[-1], "redirects": redirects}},
        }
    )
    sent = ", then ".join(
        "%s %s%s%s" % (
            h["method"],
            h["origin"] + h["path"],
            " with the body" if h["body"] else "",
            f" (Referer: {servers.to_symbolic(header(h, 'Referer'))})" if header(h, "Referer") is not None else "",
        )
        for h in hops
    )
    source = f"observed {versions} `{line.shown()}` (tests/vectors/observe_curl_options.py) sent {sent}."
    if line.source:
        source = f"{line.source}; {source}"
    source += f" lib/http.c Curl_http_follow: {explain(line, hops)}." + referer_story(line, hops)
    case = {"id": f"curl-options-{line.key}", "source": source, "profile": "curl"}
    if policy:
        case["policy"] = policy
    case["request"] = request
    case["steps"] = steps
    return case


def main():
    check = "--check" in sys.argv[1:]
    try:
        import pycurl

        libcurl = pycurl.version_info()[1]
        pycurl_version = pycurl.version.split()[0]
    except ImportError:
        libcurl = None
    cli = curl_version()
    versions = f"curl {cli} (CLI)"
    if libcurl:
        versions += f" and libcurl {libcurl} ({pycurl_version}, the same options)"
    cases, differences, notes = [], [], set()
    with tempfile.TemporaryDirectory() as tmp:
        servers = Servers(tmp)
        upload_path = os.path.join(tmp, "upload.txt")
        with open(upload_path, "w", encoding="latin-1") as f:
            f.write(FILE_BYTES)
        for line in LINES:
            hops, final = servers.run(line.chain, line.start, run_cli(line, upload_path))
            if libcurl:
                hops8, final8 = servers.run(line.chain, line.start, run_pycurl(line))
                if summary(hops8, COMPARED) != summary(hops, COMPARED) or final8[:2] != final[:2]:
                    differences.append((line.key, summary(hops, COMPARED), summary(hops8, COMPARED), final, final8))
                elif summary(hops8, WATCHED) != summary(hops, WATCHED):
                    notes.add(line.key)
            cases.append(make_case(servers, line, hops, final, versions))
            print(
                f"{line.shown():80} {'-'.join(str(st) for st, _ in line.chain):16} "
                + " | ".join(f"{h['method']} body={len(h['body'])} ref={servers.to_symbolic(header(h, 'Referer') or '-')}" for h in hops),
                file=sys.stderr,
            )
        servers.stop()
    if notes:
        print(f"note: Expect: 100-continue differs between curl {cli} and libcurl {libcurl} for {', '.join(sorted(notes))}; not compared", file=sys.stderr)
    for key, a, b, fa, fb in differences:
        print(f"DIFFERENCE {key}:\n  curl {cli}: {a} {fa}\n  libcurl {libcurl}: {b} {fb}", file=sys.stderr)
    text = json.dumps({"format": 3, "cases": cases}, indent=2, ensure_ascii=True) + "\n"
    if check:
        with open(OUT, encoding="utf-8") as f:
            committed = f.read()
        if not libcurl:
            committed = re.sub(r" and libcurl \S+ \(PycURL/[^,]+, the same options\)", "", committed)
        same = committed == text
        print(f"{OUT}: {'up to date' if same else 'DIFFERS from what curl does now'}", file=sys.stderr)
        sys.exit(0 if same and not differences else 1)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{OUT}: {len(cases)} cases", file=sys.stderr)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
