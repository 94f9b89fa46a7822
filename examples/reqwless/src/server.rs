//! The loopback servers of the demo: two tokio listeners on 127.0.0.1 (two origins) that
//! serve one redirect chain and log every request they receive, so the demo can check on
//! the server side what the client really sent.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// The body of the final response.
pub const FINAL_BODY: &[u8] = b"you followed 4 redirects with reqwless\n";

/// One request as a server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// `'A'` or `'B'`.
    pub server: char,
    /// Which connection of the demo it came on (1-based, both servers counted together).
    pub connection: usize,
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub type Log = Arc<Mutex<Vec<Received>>>;

/// Starts servers A and B; returns their addresses. They run until the program ends.
pub async fn start(log: Log) -> io::Result<(SocketAddr, SocketAddr)> {
    let a = TcpListener::bind("127.0.0.1:0").await?;
    let b = TcpListener::bind("127.0.0.1:0").await?;
    let (addr_a, addr_b) = (a.local_addr()?, b.local_addr()?);
    let connections = Arc::new(Mutex::new(0));
    for (server, listener) in [('A', a), ('B', b)] {
        let (log, connections) = (Arc::clone(&log), Arc::clone(&connections));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let connection = match connections.lock() {
                    Ok(mut n) => {
                        *n += 1;
                        *n
                    }
                    Err(_) => return,
                };
                tokio::spawn(serve(server, connection, stream, addr_b, Arc::clone(&log)));
            }
        });
    }
    Ok((addr_a, addr_b))
}

/// The chain: `POST A/start` -307-> `A/again` -302-> `A/step` -307-> `B/old` -301->
/// `B/final` -> 200. Each redirect has a body the client must drain (the 302's chunked,
/// the 301's empty). `B/old` answers as an HTTP/1.0 server does: it closes the
/// connection after the response, without saying so in a field. Returns the response
/// and whether to close the connection after it.
fn route(server: char, target: &str, b: SocketAddr) -> (Vec<u8>, bool) {
    if (server, target) == ('B', "/old") {
        let head =
            "HTTP/1.0 301 Moved Permanently\r\nLocation: /final\r\nContent-Length: 0\r\n\r\n";
        return (head.as_bytes().to_vec(), true);
    }
    let response = match (server, target) {
        ('A', "/start") => answer("307 Temporary Redirect", "Location: /again\r\n", b"moved\n"),
        ('A', "/again") => {
            let head =
                "HTTP/1.1 302 Found\r\nLocation: /step\r\nTransfer-Encoding: chunked\r\n\r\n";
            [head.as_bytes(), b"6\r\nmoved\n\r\n0\r\n\r\n"].concat()
        }
        ('A', "/step") => {
            let location = format!("Location: http://{b}/old\r\n");
            answer("307 Temporary Redirect", &location, b"moved\n")
        }
        ('B', "/final") => answer("200 OK", "Content-Type: text/plain\r\n", FINAL_BODY),
        _ => answer("404 Not Found", "", b"not part of the chain\n"),
    };
    (response, false)
}

fn answer(status: &str, fields: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 {status}\r\n{fields}Content-Length: {}\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

/// Serves one connection: up to 16 requests, each closed by 5 s of silence.
async fn serve(server: char, connection: usize, mut stream: TcpStream, b: SocketAddr, log: Log) {
    let mut buf = Vec::new();
    for _ in 0..16 {
        let (request, used) = loop {
            match parse(server, connection, &buf) {
                Ok(Some(done)) => break done,
                Ok(None) if buf.len() < 64 * 1024 => {
                    match timeout(Duration::from_secs(5), stream.read_buf(&mut buf)).await {
                        Ok(Ok(n)) if n > 0 => {}
                        _ => return,
                    }
                }
                _ => {
                    let _ = stream.write_all(&answer("400 Bad Request", "", b"")).await;
                    return;
                }
            }
        };
        buf.drain(..used);
        let (response, close) = route(server, &request.target, b);
        if let Ok(mut log) = log.lock() {
            log.push(request);
        }
        if stream.write_all(&response).await.is_err() || close {
            return;
        }
    }
}

/// A complete request at the start of `buf` and its length; `None` if more bytes are
/// needed. Bodies are `Content-Length` only (reqwless sends a `&[u8]` body that way).
fn parse(server: char, connection: usize, buf: &[u8]) -> Result<Option<(Received, usize)>, ()> {
    let mut fields = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut fields);
    let head_len = match request.parse(buf).map_err(|_| ())? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => return Ok(None),
    };
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let mut length = 0;
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(());
        }
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().map_err(|_| ())?;
        }
    }
    let Some(body) = buf.get(head_len..head_len + length) else {
        return Ok(None);
    };
    let received = Received {
        server,
        connection,
        method: request.method.unwrap_or("").to_owned(),
        target: request.path.unwrap_or("").to_owned(),
        headers,
        body: body.to_vec(),
    };
    Ok(Some((received, head_len + length)))
}
