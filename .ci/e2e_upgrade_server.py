#!/usr/bin/env python3
"""A WebSocket opening-handshake server for the e2e suite (tests/e2e.rs, `upgrade_101`).

httpbin has no endpoint that answers 101, so .ci/e2e.sh starts this one beside it. It is
Python's own HTTP/1.1 server (http.server) doing the server side of RFC 6455 §4.2.2:

- `GET /ws` (or `/ws-with-location`) with `Upgrade: websocket`, `Connection: Upgrade` and a
  `Sec-WebSocket-Key`: `101 Switching Protocols` with `Sec-WebSocket-Accept` (base64 of the
  SHA-1 of the key and the RFC's GUID); `/ws-with-location` adds a `Location` field, which
  no client may follow, since a 101 is not a redirect. Then the connection speaks
  WebSocket: one text frame ("hello"), a close frame, and the server closes it.
- `GET /redirect?to=URL`: `307 Temporary Redirect` to URL, with an empty body and the
  connection kept open (httpbin cannot redirect a handshake: Werkzeug answers any request
  carrying `Upgrade: websocket` with 400 unless the route is a WebSocket one).
- Anything else: `426 Upgrade Required`.

Usage: e2e_upgrade_server.py PORT (binds 127.0.0.1 only).
"""

import base64
import hashlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        key = self.headers.get("Sec-WebSocket-Key")
        upgrade = self.headers.get("Upgrade", "").lower() == "websocket"
        url = urlsplit(self.path)
        path = url.path
        if path == "/redirect":
            self.send_response(307, "Temporary Redirect")
            self.send_header("Location", parse_qs(url.query).get("to", ["/ws"])[0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not (upgrade and key and path in ("/ws", "/ws-with-location")):
            body = b"upgrade required\n"
            self.send_response(426, "Upgrade Required")
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        if path == "/ws-with-location":
            self.send_header("Location", "/not-a-redirect")
        self.end_headers()
        # WebSocket from here: a text frame "hello" (FIN, opcode 1, unmasked), then close.
        self.wfile.write(b"\x81\x05hello\x88\x00")
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, fmt, *args):
        sys.stderr.write("upgrade-server: " + (fmt % args) + "\n")


def main():
    port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
