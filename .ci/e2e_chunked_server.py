#!/usr/bin/env python3
"""A redirect with a chunked body, for the e2e run of examples/minimal.rs.

httpbin's redirects carry `Content-Length` bodies; this HTTP/1.1 keep-alive server (Python's
http.server) answers:

- `GET /hop`: `302 Found`, `Location: /done`, and a chunked body with a chunk extension and
  a trailer field, so the client must drain it before it reuses the connection.
- `GET /done`: `200 OK` whose body says which connection (counted from 1, the e2e script's
  readiness probe included) and which request on it this is: `request 2` means the
  redirect's body was drained and the connection kept.
- Anything else: `404`.

Usage: e2e_chunked_server.py PORT (binds 127.0.0.1 only).
"""

import itertools
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONNECTIONS = itertools.count(1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection_id = next(CONNECTIONS)
        self.requests = 0

    def do_GET(self):
        self.requests += 1
        if self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "/done")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"5;note=moved\r\nmoved\r\n0\r\nX-Trailer: 1\r\n\r\n")
        elif self.path == "/done":
            body = f"connection {self.connection_id} request {self.requests}\n".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
