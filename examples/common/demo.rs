//! The loopback demo: two tiny HTTP/1.1 servers on 127.0.0.1 (ports chosen by the OS)
//! that replay MDN's `DELETE /cars/oldest` -> `307` example and a few more hops.
//!
//! Routes (server A is the "api" origin, server B the "showroom" origin):
//!
//! | request | answer |
//! |---|---|
//! | A `DELETE /cars/oldest` | `307`, `Location: /cars/id/123456`, chunked body |
//! | A `DELETE /cars/id/123456` | `200`, echo |
//! | A `POST /cars` | `303`, `Location: /cars/id/777`, `Content-Length` body |
//! | A `GET /cars/id/777` | `302`, `Location: http://127.0.0.1:<B>/showroom/777` (another origin) |
//! | B `GET /showroom/777` | `200`, echo |
//! | A `PUT /cars/id/123456/photo` | `308`, `Location: /photos/123456` |
//! | A `PUT /photos/123456` | `200`, echo |
//! | A `GET /hook` | `302`, `Location: http://internal.test:<B>/admin` |
//! | B `GET /admin` | `200`, echo (never reached: the demo's SSRF chain is refused) |
//!
//! "echo" answers with what arrived: the request line, every header and the body size, so
//! the output shows which headers the server really got.
//!
//! The last chain ([`private_chain`]) is an SSRF attempt: it starts at `public.test`
//! (declared public, `--resolve`d to server A) and A redirects to `internal.test`, which
//! `--resolve` maps to 127.0.0.1 (server B). With private targets blocked, the client checks
//! B's address before connecting, finds it local, and ends the chain with
//! `private_target`: B receives nothing.
//!
//! The routing and request parsing are plain functions so that the std server here and the
//! tokio one in `examples/tokio/src/main.rs` share them; so are the chains, the way each is
//! printed and the checks.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use redirects::{AddressSpace, Method, Policy};

use super::cli;
use super::driver::{ClientError, Options, Outcome, Resolve};

/// Requests a demo connection serves before closing, and how long it waits for one.
pub const MAX_REQUESTS_PER_CONNECTION: usize = 32;
/// How long a demo connection waits for the next request before it closes.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest request head plus body the demo server reads.
pub const MAX_REQUEST: usize = 64 * 1024;

/// A request as the demo server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Which server got it: `'A'` or `'B'`.
    pub server: char,
    /// The method.
    pub method: String,
    /// The request-target (path and query).
    pub target: String,
    /// The header fields, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses one request (head plus `Content-Length` body) at the start of `buf`.
/// `Ok(None)`: not complete yet; `Ok(Some((request, used)))`; `Err` for a bad request.
pub fn parse_request(server: char, buf: &[u8]) -> Result<Option<(Received, usize)>, String> {
    let mut fields = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut fields);
    let head_len = match req.parse(buf).map_err(|e| e.to_string())? {
        httparse::Status::Partial => return Ok(None),
        httparse::Status::Complete(n) => n,
    };
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| {
            v.trim()
                .parse::<usize>()
                .map_err(|_| "bad Content-Length".to_owned())
        })
        .transpose()?
        .unwrap_or(0);
    if headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
    {
        return Err("the demo server does not read chunked requests".into());
    }
    if buf.len() < head_len + length {
        return Ok(None);
    }
    let received = Received {
        server,
        method: req.method.unwrap_or("").to_owned(),
        target: req.path.unwrap_or("").to_owned(),
        headers,
        body: buf[head_len..head_len + length].to_vec(),
    };
    Ok(Some((received, head_len + length)))
}

/// A response with a `Content-Length` body, or a chunked one (two chunks and a trailer).
pub fn response(status: &str, extra: &[(&str, String)], body: &[u8], chunked: bool) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nServer: redirects-demo\r\n");
    for (name, value) in extra {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    let mut out = out.into_bytes();
    if chunked {
        // Two chunks, an extension and a trailer: a caller must drain all of it.
        let (a, b) = body.split_at(body.len() / 2);
        out.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        for part in [a, b] {
            if !part.is_empty() {
                out.extend_from_slice(format!("{:x};demo=1\r\n", part.len()).as_bytes());
                out.extend_from_slice(part);
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(b"0\r\nX-Demo-Trailer: done\r\n\r\n");
    } else {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
    }
    out
}

fn echo(req: &Received) -> Vec<u8> {
    let mut text = format!("server {} got: {} {}\n", req.server, req.method, req.target);
    for (name, value) in &req.headers {
        text.push_str(&format!("  {name}: {value}\n"));
    }
    text.push_str(&format!("  ({} body bytes)\n", req.body.len()));
    response(
        "200 OK",
        &[("Content-Type", "text/plain".into())],
        text.as_bytes(),
        false,
    )
}

/// The answer of server `req.server` to `req`; `other_port` is server B's port.
pub fn route(req: &Received, port_b: u16) -> Vec<u8> {
    let html = |to: &str| format!("<a href=\"{to}\">moved</a>\n");
    match (req.server, req.method.as_str(), req.target.as_str()) {
        ('A', "DELETE", "/cars/oldest") => {
            let to = "/cars/id/123456";
            let body = html(to);
            response(
                "307 Temporary Redirect",
                &[
                    ("Location", to.into()),
                    ("Content-Type", "text/html".into()),
                ],
                body.as_bytes(),
                true,
            )
        }
        ('A', "DELETE", "/cars/id/123456") => echo(req),
        ('A', "POST", "/cars") => {
            let to = "/cars/id/777";
            response(
                "303 See Other",
                &[
                    ("Location", to.into()),
                    ("Set-Cookie", "seen=1; Path=/".into()),
                ],
                html(to).as_bytes(),
                false,
            )
        }
        ('A', "GET", "/cars/id/777") => {
            let to = format!("http://127.0.0.1:{port_b}/showroom/777");
            response("302 Found", &[("Location", to)], b"", false)
        }
        ('B', "GET", "/showroom/777") => echo(req),
        ('A', "PUT", "/cars/id/123456/photo") => response(
            "308 Permanent Redirect",
            &[("Location", "/photos/123456".into())],
            b"",
            false,
        ),
        ('A', "PUT", "/photos/123456") => echo(req),
        ('A', "GET", "/hook") => {
            let to = format!("http://internal.test:{port_b}/admin");
            response("302 Found", &[("Location", to)], b"", false)
        }
        ('B', "GET", "/admin") => echo(req),
        _ => response("404 Not Found", &[], b"no such demo route\n", false),
    }
}

/// The two running demo servers.
pub struct DemoServer {
    /// Server A's address.
    pub a: SocketAddr,
    /// Server B's address.
    pub b: SocketAddr,
    /// Every request the servers received, in order.
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl DemoServer {
    /// Binds both servers on 127.0.0.1 with OS-chosen ports and serves them on background
    /// threads (they end with the process).
    pub fn start() -> std::io::Result<DemoServer> {
        let la = TcpListener::bind("127.0.0.1:0")?;
        let lb = TcpListener::bind("127.0.0.1:0")?;
        let (a, b) = (la.local_addr()?, lb.local_addr()?);
        let received = Arc::new(Mutex::new(Vec::new()));
        for (server, listener) in [('A', la), ('B', lb)] {
            let received = Arc::clone(&received);
            thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let received = Arc::clone(&received);
                    thread::spawn(move || serve(server, stream, b.port(), &received));
                }
            });
        }
        Ok(DemoServer { a, b, received })
    }

    /// Base URL of server A, e.g. `http://127.0.0.1:41234`.
    pub fn url_a(&self) -> String {
        format!("http://{}", self.a)
    }

    /// What the servers received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Serves one connection: keep-alive, at most [`MAX_REQUESTS_PER_CONNECTION`] requests,
/// closed after [`IDLE_TIMEOUT`] without one.
fn serve(server: char, mut stream: TcpStream, port_b: u16, log: &Mutex<Vec<Received>>) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let (req, used) = loop {
            match parse_request(server, &buf) {
                Ok(Some(done)) => break done,
                Ok(None) if buf.len() < MAX_REQUEST => match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                },
                _ => {
                    let _ = stream.write_all(&response("400 Bad Request", &[], b"", false));
                    return;
                }
            }
        };
        buf.drain(..used);
        let answer = route(&req, port_b);
        if let Ok(mut log) = log.lock() {
            log.push(req);
        }
        if stream.write_all(&answer).is_err() {
            return;
        }
    }
}

/// The demo chains, against server A at `base`: a title and the request.
pub fn chains(base: &str) -> [(&'static str, Options); 3] {
    [
        (
            // MDN's example of a 307: the DELETE is repeated at the new URL.
            "MDN: DELETE /cars/oldest, answered by 307",
            Options::new(Method::Delete, &format!("{base}/cars/oldest"))
                .header("Authorization", "Bearer s3cret")
                .header("Accept", "*/*"),
        ),
        (
            // A POST: 303 turns it into a GET (the body and its headers go), then a hop to
            // the other server drops the credentials.
            "POST /cars, 303 See Other, then another origin",
            Options::new(Method::Post, &format!("{base}/cars"))
                .header("Authorization", "Bearer s3cret")
                .header("Cookie", "session=42")
                .header("Content-Type", "application/json")
                .header("X-Request-Id", "demo-1")
                .body(r#"{"make":"Volvo","model":"240"}"#),
        ),
        (
            // A 308 keeps the method and the body: the same bytes are sent again.
            "PUT with a body, answered by 308",
            Options::new(Method::Put, &format!("{base}/cars/id/123456/photo"))
                .header("Content-Type", "text/plain")
                .body("a photo of a Volvo 240"),
        ),
    ]
}

/// The SSRF chain: `GET http://public.test:<A>/hook`, the first URL declared public, with
/// `--resolve` sending `public.test` to server A and `internal.test` to server B (both on
/// 127.0.0.1), private targets blocked. A answers `302` to `http://internal.test:<B>/admin`:
/// a name, so the machine follows it, and its address (127.0.0.1, local) is refused before
/// any connection. (`public.test`'s own 127.0.0.1 is taken as public: the `--resolve`
/// address of the first URL's host, with `--start-space`.)
pub fn private_chain(a: SocketAddr, b: SocketAddr) -> (&'static str, Options) {
    let mut opts = Options::new(
        Method::Get,
        &format!("http://public.test:{}/hook", a.port()),
    );
    opts.policy = Policy::fetch().with_block_private_targets(true);
    opts.start_space = Some(AddressSpace::Public);
    for (host, addr) in [("public.test", a), ("internal.test", b)] {
        opts.resolve.push(Resolve {
            host: host.into(),
            port: addr.port(),
            addrs: vec![addr.ip()],
        });
    }
    (
        "SSRF: a public name redirects to a name that is 127.0.0.1 (refused before connecting)",
        opts,
    )
}

/// Prints how the SSRF chain ended: its error as the command line prints it, or the body
/// if it was (wrongly) followed. Returns the error.
pub fn print_refusal(
    out: &mut dyn Write,
    result: Result<Outcome, ClientError>,
) -> std::io::Result<Option<ClientError>> {
    match result {
        Err(e) => {
            writeln!(out, "error: {e}")?;
            Ok(Some(e))
        }
        Ok(outcome) => {
            writeln!(out, "* not refused!")?;
            print_body(out, &outcome)?;
            Ok(None)
        }
    }
}

/// Prints a chain's title and the command that follows it (`prog` is the program's name):
/// its method, headers and body as given (the trace then shows the bytes really sent).
pub fn print_chain(
    out: &mut dyn Write,
    prog: &str,
    title: &str,
    opts: &Options,
) -> std::io::Result<()> {
    writeln!(out, "\n=== {title}\n$ {}", cli::command_line(prog, opts))
}

/// Prints the final body of a chain.
pub fn print_body(out: &mut dyn Write, outcome: &Outcome) -> std::io::Result<()> {
    writeln!(out, "* body:")?;
    out.write_all(&outcome.body)
}

/// Checks the story against what the servers received, the outcomes of the chains and
/// the error the SSRF chain ended with (`refused`): each check with whether it held.
pub fn check(
    received: &[Received],
    outcomes: &[Outcome],
    refused: Option<&ClientError>,
    port_b: u16,
) -> Vec<(bool, &'static str)> {
    let deletes: Vec<_> = received.iter().filter(|r| r.method == "DELETE").collect();
    let get = received.iter().find(|r| r.target == "/cars/id/777");
    let showroom = received
        .iter()
        .find(|r| r.server == 'B' && r.target == "/showroom/777");
    let private = match refused {
        Some(ClientError::Redirect(redirects::Error::PrivateTarget(p))) => Some(p),
        _ => None,
    };
    let puts: Vec<_> = received.iter().filter(|r| r.method == "PUT").collect();
    let (first, second) = (outcomes.first(), outcomes.get(1));
    vec![
        (
            deletes.len() == 2 && deletes[1].target == "/cars/id/123456",
            "307: DELETE was sent again, to /cars/id/123456",
        ),
        (
            deletes
                .get(1)
                .is_some_and(|r| r.header("Authorization").is_some()),
            "same origin: Authorization still sent",
        ),
        (
            first.is_some_and(|o| o.hops.len() == 1 && o.connections == 1),
            "the 307's chunked body was drained and the connection reused",
        ),
        (
            get.is_some_and(|r| {
                r.method == "GET"
                    && r.body.is_empty()
                    && r.header("Content-Type").is_none()
                    && r.header("Content-Length").is_none()
            }),
            "303: POST became GET without body, Content-Type or Content-Length",
        ),
        (
            showroom.is_some_and(|r| {
                r.header("Authorization").is_none()
                    && r.header("Cookie").is_none()
                    && r.header("X-Request-Id") == Some("demo-1")
            }),
            "cross-origin: no Authorization or Cookie at the other server, X-Request-Id kept",
        ),
        (
            second.is_some_and(|o| {
                o.hops.len() == 2 && o.connections == 2 && o.url.port() == Some(port_b)
            }),
            "two redirects, two connections: reused after the 303, new for the other origin",
        ),
        (
            puts.len() == 2
                && puts[1].target == "/photos/123456"
                && !puts[0].body.is_empty()
                && puts[1].body == puts[0].body
                && puts[1].header("Content-Type") == Some("text/plain")
                && puts[1].header("Content-Length") == puts[0].header("Content-Length"),
            "308: PUT sent again with the same body, Content-Type and Content-Length",
        ),
        (
            private.is_some_and(|p| {
                p.host.as_ref() == "internal.test"
                    && p.address.is_some_and(|ip| ip.is_loopback())
                    && (p.space, p.chain) == (AddressSpace::Local, AddressSpace::Public)
                    && p.status == Some(302)
            }) && received
                .iter()
                .any(|r| r.server == 'A' && r.target == "/hook")
                && !received.iter().any(|r| r.target == "/admin"),
            "SSRF: the 302 to internal.test (127.0.0.1, local) from a chain declared public \
             refused with private_target; server B got no request",
        ),
    ]
}

/// Prints the demo's checks (the story is checked, not just told: CI runs the examples);
/// an error naming how many failed, if any did.
pub fn print_checks(
    out: &mut dyn Write,
    received: &[Received],
    outcomes: &[Outcome],
    refused: Option<&ClientError>,
    port_b: u16,
) -> Result<(), ClientError> {
    writeln!(out, "\n=== checks")?;
    let mut failed = 0;
    for (ok, what) in check(received, outcomes, refused, port_b) {
        writeln!(out, "{} {what}", if ok { "ok:  " } else { "FAIL:" })?;
        failed += usize::from(!ok);
    }
    if failed > 0 {
        return Err(ClientError::Io(std::io::Error::other(format!(
            "{failed} demo check(s) failed"
        ))));
    }
    writeln!(out, "demo finished: every check passed")?;
    Ok(())
}
