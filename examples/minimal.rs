//! The whole client loop, small enough to copy: blocking `std::net`, plain `http`.
//!
//! ```text
//! cargo run --example minimal -- [-X METHOD] [-d BODY] [-H 'Name: value']... http://host/path
//! ```
//!
//! Connect to `target()`, write head and body, feed the response, take the redirect
//! (`Redirect::follow`), drain its body (or close without reading it), reuse; the final
//! body goes to stdout, the trace to stderr. Left out (the README's "What you still do"):
//! TLS, cookies, `Follow::check_address`, a deadline. `examples/follow.rs` is the full,
//! curl-like tool.

use std::error::Error;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use redirects::{Body, Event, Follow, Method, Policy, Request};

const TIMEOUT: Duration = Duration::from_secs(10);
const USAGE: &str = "usage: minimal [-X METHOD] [-d BODY] [-H 'Name: value']... URL";

fn main() -> Result<(), Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let url = args.pop().ok_or(USAGE)?;
    let (mut method, mut body, mut headers) = (None, Vec::new(), Vec::new());
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1)) {
            ("-X", Some(m)) => method = Some(m.parse::<Method>()?),
            ("-d", Some(d)) => body = d.as_bytes().to_vec(),
            ("-H", Some(h)) => headers.push(h.split_once(':').ok_or(USAGE)?),
            _ => return Err(USAGE.into()),
        }
    }
    let default = [Method::Get, Method::Post][usize::from(!body.is_empty())];
    let mut request = Request::new(method.unwrap_or(default), &url)?;
    for (name, value) in headers {
        request = request.header(name, value.trim())?;
    }
    if !body.is_empty() {
        // The machine never frames a body: say its length (see `Request::body`).
        let length = body.len().to_string();
        request = request
            .header("Content-Length", length)?
            .body(Body::Replayable);
    }

    let mut follow = Follow::new(request, Policy::fetch())?;
    let mut kept: Option<TcpStream> = None; // the connection the next request may reuse
    let mut buf = Vec::new(); // bytes read from it that no response has used yet
    loop {
        // 1. Write what the machine says to send: on the kept connection, or a new one.
        let mut out = follow.request().to_head();
        if follow.request().sends_body() {
            out.extend_from_slice(&body);
        }
        let target = follow.request().target();
        if target.tls {
            return Err("https needs TLS (rustls, native-tls): not in this example".into());
        }
        let to = (target.connect_host().to_owned(), target.port); // Target borrows `follow`
        eprintln!("> {} {}", follow.request().method(), follow.request().url());
        let mut may_retry = kept.as_mut().is_some_and(|s| s.write_all(&out).is_ok());
        let mut stream = match kept.take().filter(|_| may_retry) {
            Some(stream) => stream,
            None => connect(&to, &out, &mut buf)?,
        };

        // 2. Feed every byte read until the machine answers; copy out what the body needs
        //    (`framing()` is a plain value), so `follow` and `buf` are free again.
        let (framing, last) = loop {
            let answer = match follow.handle_response(&buf)? {
                Event::NeedData => None,
                Event::Redirect(r) => {
                    eprintln!("< {} -> {}", r.response().status(), r.request().url());
                    let framing = r.framing();
                    // Take the redirect: `follow.request()` is now the next request, and
                    // the machine reads the next response only from here on.
                    r.follow();
                    Some((framing, false))
                }
                Event::Final(done) => {
                    let (status, n) = (done.response().status(), done.redirects());
                    eprintln!("< {status} after {n} redirects: {}", done.url());
                    Some((done.framing(), true))
                }
            };
            if let Some(answer) = answer {
                break answer;
            }
            match read_more(&mut stream, &mut buf) {
                // A kept connection the server closed meanwhile: once more, on a new one.
                Ok(0) | Err(_) if may_retry && buf.is_empty() => {
                    may_retry = false;
                    stream = connect(&to, &out, &mut buf)?;
                }
                Ok(0) => return Err("the connection closed before the response head".into()),
                result => drop(result?),
            }
        };

        // 3. A redirect on a connection that cannot be reused: close it, skip its body.
        if !last && !framing.reuse {
            eprintln!("* closing the connection, body not read");
            continue;
        }
        // Otherwise read the body to its end: drained for a redirect, kept if final.
        let mut drainer = framing.drainer();
        let mut input = buf.split_off(framing.head_len);
        let mut data = Vec::new();
        loop {
            let step = drainer.decode(&input)?;
            if last {
                data.extend_from_slice(&input[step.data]);
            }
            input.drain(..step.used);
            if step.done {
                break;
            }
            if input.is_empty() && read_more(&mut stream, &mut input)? == 0 {
                drainer.finish()?; // fine only if the close ends the body
                break;
            }
        }
        buf = input; // what followed the body: the start of the next response
        if last {
            io::stdout().write_all(&data)?;
            return Ok(());
        }
        eprintln!("* drained {} bytes, connection kept", drainer.body_bytes());
        kept = Some(stream);
    }
}

/// Opens a connection to `to` (host, port), writes `out` on it, empties `buf`.
fn connect(to: &(String, u16), out: &[u8], buf: &mut Vec<u8>) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in (to.0.as_str(), to.1).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(mut stream) => {
                stream.set_read_timeout(Some(TIMEOUT))?;
                stream.write_all(out)?;
                buf.clear();
                eprintln!("* new connection to {addr}");
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Reads once into `buf`; 0 when the server closed the connection.
fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0; 8192];
    let n = stream.read(&mut chunk)?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}
