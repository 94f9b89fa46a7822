//! In-test HTTP servers (hyper 1, HTTP/1.1 and h2c by prior knowledge on the same port)
//! and hyper-util clients.

#![allow(dead_code)] // each test file uses its own part

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, Version};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// The protocol a client speaks to the servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Http1,
    /// HTTP/2 over cleartext TCP, by prior knowledge.
    H2c,
}

impl Proto {
    pub const ALL: [Proto; 2] = [Proto::Http1, Proto::H2c];

    pub fn version(self) -> Version {
        match self {
            Proto::Http1 => Version::HTTP_11,
            Proto::H2c => Version::HTTP_2,
        }
    }
}

/// A hyper-util legacy client speaking `proto` (no redirect following of its own).
pub fn client<B>(proto: Proto) -> Client<HttpConnector, B>
where
    B: http_body::Body + Send + 'static + Unpin,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut builder = Client::builder(TokioExecutor::new());
    builder.pool_idle_timeout(Duration::from_secs(30));
    if proto == Proto::H2c {
        builder.http2_only(true);
    }
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    builder.build(connector)
}

/// One request as a server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub version: Version,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    /// The header's value as text, `-` when absent (several values joined with `, `).
    pub fn header(&self, name: &str) -> String {
        let values: Vec<_> = self
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        if values.is_empty() {
            "-".to_owned()
        } else {
            values.join(", ")
        }
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What a route answers.
#[derive(Debug, Clone)]
pub struct Route {
    pub status: u16,
    pub location: Option<String>,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
    /// The response body: this many bytes.
    pub body_len: usize,
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    received: Mutex<Vec<Received>>,
    connections: AtomicUsize,
}

/// A server on 127.0.0.1 (its own origin: each server has its own port). Paths with a
/// route answer as it says; any other path answers `200` with `ok`. Every request is
/// recorded whole (body read to its end) before the answer.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(State::default());
        let accept_state = Arc::clone(&state);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                accept_state.connections.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&accept_state);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = Arc::clone(&state);
                        async move { Ok::<_, Infallible>(handle(&state, req).await) }
                    });
                    // HTTP/1.1, or HTTP/2 when the connection starts with its preface.
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Server { addr, state }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `path` answers `status` with this `Location` and a body of `body_len` bytes.
    pub fn redirect(&self, path: &str, status: u16, location: &str) -> &Server {
        self.route(
            path,
            Route {
                status,
                location: Some(location.to_owned()),
                headers: Vec::new(),
                body_len: 64,
            },
        )
    }

    pub fn route(&self, path: &str, route: Route) -> &Server {
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), route);
        self
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// The requests received for `path` (path and query).
    pub fn received_at(&self, target: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.target == target)
            .collect()
    }

    /// How many connections the server accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

async fn handle(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/".to_owned(), |pq| pq.as_str().to_owned());
    state.received.lock().unwrap().push(Received {
        method: parts.method.as_str().to_owned(),
        target: target.clone(),
        version: parts.version,
        headers: parts.headers,
        body,
    });
    let route = state.routes.lock().unwrap().get(&target).cloned();
    let Some(route) = route else {
        return Response::new(Full::from("ok"));
    };
    let mut res = Response::builder().status(route.status);
    if let Some(location) = &route.location {
        res = res.header("location", location);
    }
    for (name, value) in &route.headers {
        res = res.header(name, value);
    }
    res.body(Full::from(vec![b'r'; route.body_len]))
        .expect("valid response")
}

/// A request with these headers and body.
pub fn request<B>(method: &str, url: &str, headers: &[(&str, &str)], body: B) -> Request<B> {
    let mut req = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.body(body).expect("valid request")
}

/// A response body read to its end, as text.
pub async fn text<B>(body: B) -> String
where
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let bytes = body.collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}
