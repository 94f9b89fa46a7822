#!/usr/bin/env python3
"""Writes tests/vectors/curl-body.json (format 2, profile `curl`) from what real curl sends.

Issue 12: libcurl decides each redirect by where the body comes from (`-d`, `-T`, none) and
whether the method was forced with `-X`, not by the method. This script runs each command
line of the issue's table with the real `curl` CLI (`curl -q -sS -L ... URL`) against a
loopback server (Python's http.server on 127.0.0.1, a free port) that answers a programmed
chain of redirects and logs every request it gets (method, path, headers, body bytes).
Each vector case is written from those observations: the method curl sent on each hop,
whether it sent the body again, and which of the request-body headers it sent.

How a command line becomes a vector request:
- `method`: what curl sent first; `body`: the `-d` data or the `-T` file's bytes (null for
  none, and for `-d ''`, whose form post has no bytes).
- `headers`: only what a caller of the crate sets itself. `Content-Length` stands for the
  one curl computes (present when curl sent one on the first request); a `-H` header is
  itself. The `Content-Type: application/x-www-form-urlencoded` of `-d` and the
  `Expect: 100-continue` of `-T` are curl's own and not modelled (curl drops them with
  the body; the crate never had them).
- `curl_body` (`data`, `upload`, `none`) and `curl_forced_method` (crate extension, see
  FORMAT.md): every command line gets a case with both keys; when it is the command line
  the crate assumes for the method (`CurlRequest::assumed`), a second case without the keys
  (id ending in `-assumed`); a few cases give one key only.
- `expect.next` per hop: `method`, `url`, `body` (the body when curl sent it again, else
  null), `headers_include` for each modelled header curl sent, `headers_exclude` for each of
  `Content-Length`, `Content-Type`, `Expect`, `Transfer-Encoding` curl did not send.
- the final step: `done` with curl's `%{http_code}`, `%{url_effective}`, `%{num_redirects}`.

URLs: the server's `http://127.0.0.1:PORT` is written as `http://a.test`; the chain is
`/start` -> `/hop1` -> `/hop2` ... (relative `Location`s).

With a Python that has `pycurl` (PyPI wheels bundle libcurl 8.x), every command line is
also run through libcurl with the options the CLI sets for it (FOLLOWLOCATION, MAXREDIRS 50,
CUSTOMREQUEST for `-X`, POSTFIELDS for `-d`, UPLOAD with a read and seek callback for `-T`,
NOBODY for `-I`) and compared hop by hop; a difference is printed and fails the run (exit
1), and each case's `source` then names the libcurl version that agreed.

Offline and deterministic: only 127.0.0.1 is contacted (`--noproxy '*'`, `-q` skips
~/.curlrc); the output depends only on the curl (and libcurl) versions.

Run: python3 tests/vectors/observe_curl_body.py            (rewrites curl-body.json)
     python3 tests/vectors/observe_curl_body.py --check    (compares, writes nothing;
                                                            without pycurl, the CLI only)
     /path/to/venv-with-pycurl/bin/python tests/vectors/observe_curl_body.py
The committed file was written by the last form (python3 -m venv V; V/bin/pip install
pycurl), so its sources name both versions.
"""

import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "curl-body.json")
BASE = "http://a.test"

DATA = "name=volvo&model=240"  # the -d body
FILE_BYTES = "a photo of a Volvo 240\n"  # the -T file's contents
WATCHED = ["Content-Length", "Content-Type", "Expect", "Transfer-Encoding"]
REASONS = {
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    306: "Switch Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
}


# --- The loopback server -----------------------------------------------------------------


class Server:
    """Answers `/start` and `/hopN` per the programmed chain; logs every request."""

    def __init__(self):
        self.chain = []
        self.log = []
        self.lock = threading.Lock()
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
                    owner.log.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": list(self.headers.items()),
                            "body": body.decode("latin-1"),
                        }
                    )
                self.wfile.write(owner.response(self.path, self.command).encode("latin-1"))
                self.wfile.flush()

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = handle_request

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def response(self, path, method):
        """The raw response for `path` (also what the vector's step feeds the crate)."""
        index = 0 if path == "/start" else int(path[len("/hop"):])
        if index < len(self.chain):
            status = self.chain[index]
            return redirect(status, f"/hop{index + 1}")
        return FINAL_HEAD if method == "HEAD" else FINAL

    def run(self, chain, client):
        """Runs `client()` against `chain`; returns (the requests logged, its result)."""
        with self.lock:
            self.chain = list(chain)
            self.log = []
        result = client(self.url + "/start")
        with self.lock:
            return list(self.log), result

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def redirect(status, location):
    return f"HTTP/1.1 {status} {REASONS[status]}\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"


FINAL = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
FINAL_HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"


# --- The command lines -------------------------------------------------------------------


class Line:
    """One curl command line: its arguments (URL aside) and what the crate is told."""

    def __init__(self, key, args, method, body, curl_body, forced, headers=()):
        self.key = key
        self.args = args
        self.method = method
        self.body = body  # the body bytes as text, or None
        self.curl_body = curl_body  # "data", "upload" or "none"
        self.forced = forced
        self.headers = list(headers)  # caller -H headers, [name, value]
        # CurlRequest::assumed gives this command line: a case without the keys too.
        self.assumed = assumed(method, body is not None) == (curl_body, forced)

    def shown(self, file_name="FILE"):
        """The command line as typed, with `-T FILE`."""
        args = ["curl", "-L"]
        for a in self.args:
            args.append(file_name if a is UPLOAD else a)
        return " ".join(shlex.quote(a) for a in args) + " URL"


UPLOAD = object()  # stands for the -T file's path in `Line.args`


def assumed(method, has_body):
    """CurlRequest::assumed (src/rules.rs) as (curl_body, forced): GET `curl -L`, HEAD
    `-I`, POST `-d` (no body: `-d ''`), PUT with a body `-T`, any other method
    `-X METHOD [-d BODY]`."""
    if method in ("GET", "HEAD"):
        return ("none", False)
    if method == "POST":
        return ("data", False)
    if method == "PUT" and has_body:
        return ("upload", False)
    return ("data" if has_body else "none", True)


LINES = {
    "x-put-d": Line("x-put-d", ["-X", "PUT", "-d", DATA], "PUT", DATA, "data", True),
    "x-delete-d": Line("x-delete-d", ["-X", "DELETE", "-d", DATA], "DELETE", DATA, "data", True),
    "x-patch-d": Line("x-patch-d", ["-X", "PATCH", "-d", DATA], "PATCH", DATA, "data", True),
    "t-put": Line("t-put", ["-T", UPLOAD], "PUT", FILE_BYTES, "upload", False),
    "x-patch-t": Line("x-patch-t", ["-X", "PATCH", "-T", UPLOAD], "PATCH", FILE_BYTES, "upload", True),
    "x-put": Line("x-put", ["-X", "PUT"], "PUT", None, "none", True),
    "x-post": Line("x-post", ["-X", "POST"], "POST", None, "none", True),
    "d-post": Line("d-post", ["-d", DATA], "POST", DATA, "data", False),
    "get": Line("get", [], "GET", None, "none", False),
    "i-head": Line("i-head", ["-I"], "HEAD", None, "none", False),
    # Beyond the table.
    "d-post-empty": Line("d-post-empty", ["-d", ""], "POST", None, "data", False),
    "x-delete-d-empty": Line("x-delete-d-empty", ["-X", "DELETE", "-d", ""], "DELETE", None, "data", True),
    "x-post-d": Line("x-post-d", ["-X", "POST", "-d", DATA], "POST", DATA, "data", True),
    "x-put-d-ct": Line(
        "x-put-d-ct",
        ["-X", "PUT", "-H", "Content-Type: text/plain", "-d", DATA],
        "PUT",
        DATA,
        "data",
        True,
        headers=[["Content-Type", "text/plain"]],
    ),
}

TABLE = ["x-put-d", "x-delete-d", "x-patch-d", "t-put", "x-patch-t", "x-put", "x-post", "d-post", "get", "i-head"]
MAIN_STATUSES = [301, 302, 303, 307, 308]
# (command line, chain): the other 3xx, the cases beyond the table, and two-hop chains.
EXTRA_CHAINS = (
    [(k, [s]) for k in ["x-put-d", "t-put", "d-post"] for s in [300, 304, 305, 306]]
    + [(k, [s]) for k in ["d-post-empty", "x-delete-d-empty", "x-post-d", "x-put-d-ct"] for s in [301, 302, 303, 307]]
    + [
        ("x-put-d", [302, 307]),
        ("x-put-d", [307, 302]),
        ("x-delete-d", [303, 308]),
        ("x-patch-d", [301, 301]),
        ("t-put", [302, 303]),
        ("t-put", [303, 307]),
        ("x-patch-t", [303, 307]),
        ("x-patch-t", [308, 302]),
        ("x-put", [303, 301]),
        ("x-post", [302, 303]),
        ("d-post", [302, 307]),
        ("d-post", [307, 302]),
        ("i-head", [303, 302]),
    ]
)
CHAINS = [(k, [s]) for k in TABLE for s in MAIN_STATUSES] + EXTRA_CHAINS


# --- Running curl ------------------------------------------------------------------------


def curl_version():
    out = subprocess.run(["curl", "--version"], capture_output=True, text=True, check=True).stdout
    return out.split()[1]


def run_cli(line, tmp):
    path = os.path.join(tmp, "upload.txt")
    with open(path, "w", encoding="latin-1") as f:
        f.write(FILE_BYTES)
    args = [path if a is UPLOAD else a for a in line.args]

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
            elif a == "-T":
                args.pop(0)
                upload = io.BytesIO(FILE_BYTES.encode("latin-1"))
                c.setopt(pycurl.UPLOAD, 1)
                c.setopt(pycurl.READFUNCTION, upload.read)
                c.setopt(pycurl.SEEKFUNCTION, lambda offset, origin: upload.seek(offset, origin) and 0)
                c.setopt(pycurl.INFILESIZE_LARGE, len(FILE_BYTES))
            else:
                raise SystemExit(f"no pycurl mapping for {a}")
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


def header(hop, name):
    for n, v in hop["headers"]:
        if n.lower() == name.lower():
            return v
    return None


def summary(hops, names):
    """Per hop: method, path, body length, and the headers `names`."""
    return [
        (h["method"], h["path"], len(h["body"]), tuple(header(h, n) for n in names))
        for h in hops
    ]


# curl's own `Expect: 100-continue` on a -T upload: 7.88 sends it on every upload, libcurl
# 8.x only past 1 MiB. Not modelled (the vector never expects it present), so not a
# difference that counts; it is reported as a note.
COMPARED = [n for n in WATCHED if n != "Expect"]


# --- Writing the vector ------------------------------------------------------------------


def modelled_headers(line, first):
    """The request headers of the vector: Content-Length as curl sent it, and the -H ones."""
    headers = []
    length = header(first, "Content-Length")
    if length is not None:
        headers.append(["Content-Length", length])
    return headers + line.headers


def explain(line, chain, hops):
    """One clause per hop from lib/http.c Curl_http_follow, for the source text."""
    parts = []
    kind = line.curl_body  # libcurl's request kind: POST for -d, PUT for -T, else GET/HEAD
    head = line.method == "HEAD" and not line.forced
    for status, hop in zip(chain, hops[1:]):
        if status in (301, 302) and kind == "data":
            why = f"the POST kind (-d) switches to GET on a {status} (http_switch_to_get)"
        elif status == 303 and (kind != "none" or head):
            why = "every kind but GET switches to GET on a 303 (http_switch_to_get; -I stays HEAD)"
        else:
            kept = "method and body" if hop["body"] else "method"
            parts.append(f"{status}: the request kind is kept, and with it the {kept}")
            continue
        if line.forced:
            why += f"; -X keeps the method name {line.method}, the body is dropped"
        else:
            why += ", the body is dropped"
        parts.append(f"{status}: {why}")
        kind = "none"
    return "; ".join(parts)


def make_cases(line, chain, hops, final, versions):
    statuses = "-".join(str(s) for s in chain)
    paths = ["/start"] + [f"/hop{i}" for i in range(1, len(chain) + 1)]
    if [h["path"] for h in hops] != paths:
        raise SystemExit(f"{line.key} {chain}: curl went {[h['path'] for h in hops]}, not {paths}")
    first = hops[0]
    if first["method"] != line.method or first["body"] != (line.body or ""):
        raise SystemExit(f"{line.key}: the first request was {first['method']} with {first['body']!r}")
    request = {
        "method": line.method,
        "url": BASE + "/start",
        "headers": modelled_headers(line, first),
        "body": line.body,
    }
    steps = []
    for i, status in enumerate(chain):
        hop = hops[i + 1]
        if hop["body"] not in ("", line.body):
            raise SystemExit(f"{line.key} {chain}: hop {i + 1} sent {hop['body']!r}")
        nxt = {
            "method": hop["method"],
            "url": BASE + hop["path"],
            "body": line.body if hop["body"] else None,
        }
        include = [[n, header(hop, n)] for n, _ in request["headers"] if header(hop, n) is not None]
        exclude = [n for n in WATCHED if header(hop, n) is None]
        if include:
            nxt["headers_include"] = include
        if exclude:
            nxt["headers_exclude"] = exclude
        steps.append({"response": redirect(status, f"/hop{i + 1}"), "expect": {"next": nxt}})
    status, redirects, effective = final
    effective = effective.replace(f"http://127.0.0.1:{SERVER_PORT[0]}", BASE)
    steps.append(
        {
            "response": FINAL_HEAD if line.method == "HEAD" else FINAL,
            "expect": {"done": {"status": status, "url": effective, "redirects": redirects}},
        }
    )
    sent = ", then ".join(
        "%s %s%s" % (h["method"], h["path"], " with the body" if h["body"] else " without a body")
        for h in hops
    )
    observed = f"observed: {versions} ran `{line.shown()}` (URL = the loopback server's /start; tests/vectors/observe_curl_body.py) and sent {sent}"
    why = f"lib/http.c Curl_http_follow: {explain(line, chain, hops)}"
    cases = []
    keyed = dict(request, curl_body=line.curl_body, curl_forced_method=line.forced)
    variants = [("", keyed)]
    if line.assumed:
        variants.append(("-assumed", request))
    # One key only: the other comes from CurlRequest::assumed(method, body present).
    if line.key == "x-patch-t":
        variants.append(("-body-key-only", dict(request, curl_body="upload")))
    if line.key == "x-delete-d-empty":
        variants.append(("-body-key-only", dict(request, curl_body="data")))
    for suffix, req in variants:
        note = " (no curl keys: the command line CurlRequest::assumed picks for the method)" if suffix == "-assumed" else ""
        cases.append(
            {
                "id": f"curl-body-{line.key}-{statuses}{suffix}",
                "source": f"{observed}{note}. {why}.",
                "profile": "curl",
                "request": req,
                "steps": steps,
            }
        )
    return cases


SERVER_PORT = [0]


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
    server = Server()
    SERVER_PORT[0] = server.port
    cases = []
    differences = []
    expect_notes = set()
    with tempfile.TemporaryDirectory() as tmp:
        for key, chain in CHAINS:
            line = LINES[key]
            hops, final = server.run(chain, run_cli(line, tmp))
            if libcurl:
                hops8, final8 = server.run(chain, run_pycurl(line))
                if summary(hops8, COMPARED) != summary(hops, COMPARED) or final8 != final:
                    differences.append((key, chain, summary(hops, COMPARED), summary(hops8, COMPARED), final, final8))
                elif summary(hops8, WATCHED) != summary(hops, WATCHED):
                    expect_notes.add(key)
            cases.extend(make_cases(line, chain, hops, final, versions))
            print(
                f"{line.shown():45} {'-'.join(map(str, chain)):8} "
                + " | ".join(f"{h['method']} body={len(h['body'])}" for h in hops),
                file=sys.stderr,
            )
    server.stop()
    if expect_notes:
        print(
            f"note: Expect: 100-continue differs (curl {cli} sends it with the upload, libcurl "
            f"{libcurl} does not) for {', '.join(sorted(expect_notes))}; not compared",
            file=sys.stderr,
        )
    for key, chain, a, b, fa, fb in differences:
        print(f"DIFFERENCE {key} {chain}:\n  curl {cli}: {a} {fa}\n  libcurl {libcurl}: {b} {fb}", file=sys.stderr)
    text = json.dumps({"format": 2, "cases": cases}, indent=2, ensure_ascii=True) + "\n"
    if check:
        with open(OUT, encoding="utf-8") as f:
            committed = f.read()
        if not libcurl:
            # Without pycurl only the CLI is checked: leave out what the file says of libcurl.
            committed = re.sub(r" and libcurl \S+ \(PycURL/[^,]+, the same options\)", "", committed)
        same = committed == text
        print(f"{OUT}: {'up to date' if same else 'DIFFERS from what curl does now'}", file=sys.stderr)
        sys.exit(0 if same and not differences else 1)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{OUT}: {len(cases)} cases from {len(CHAINS)} chains", file=sys.stderr)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
