//! `https` -> `http` on the same host and port, side by side with reqwest 0.13's own
//! redirect handling: `Authorization`, `Cookie` and `Referer` after the downgrade. One
//! in-test server speaks TLS (rustls with aws-lc-rs, a certificate rcgen makes for the run, which the
//! clients do not verify) and plain HTTP on the same port, telling them apart by the first
//! byte; `h.test` resolves to it through reqwest's `ClientBuilder::resolve` (a name, not
//! loopback: `http://h.test` is not potentially trustworthy).
//!
//! The table is printed (`cargo test -p redirects-reqwest --test https -- --nocapture`),
//! every cell is asserted, and it must appear verbatim in the crate's README.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use redirects::Policy;
use redirects_reqwest::FollowRedirects;
use tokio::net::TcpListener;

/// What the server received: scheme, path and query, headers.
type Seen = Arc<Mutex<Vec<(&'static str, String, HeaderMap)>>>;

/// Routes: (scheme, path and query) -> (status, Location).
type Routes = Arc<Mutex<HashMap<(&'static str, String), (u16, String)>>>;

struct Dual {
    addr: SocketAddr,
    seen: Seen,
    routes: Routes,
}

impl Dual {
    fn redirect(&self, scheme: &'static str, target: &str, status: u16, location: &str) {
        self.routes
            .lock()
            .unwrap()
            .insert((scheme, target.to_owned()), (status, location.to_owned()));
    }

    fn at(&self, scheme: &str, target: &str) -> Option<HeaderMap> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .find(|(s, t, _)| *s == scheme && t == target)
            .map(|(_, _, h)| h.clone())
    }
}

async fn start() -> Dual {
    let key = rcgen::generate_simple_self_signed(vec!["h.test".to_owned()]).expect("cert");
    let cert = key.cert.der().clone();
    let private = rustls::pki_types::PrivateKeyDer::Pkcs8(key.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], private)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let routes = Routes::default();
    let seen = Seen::default();
    let (accept_seen, accept_routes) = (Arc::clone(&seen), Arc::clone(&routes));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (seen, routes, acceptor) = (
                Arc::clone(&accept_seen),
                Arc::clone(&accept_routes),
                acceptor.clone(),
            );
            tokio::spawn(async move {
                let mut first = [0u8; 1];
                if stream.peek(&mut first).await.is_err() {
                    return;
                }
                // A TLS handshake record starts with 0x16.
                if first[0] == 0x16 {
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    serve(TokioIo::new(tls), "https", seen, routes).await;
                } else {
                    serve(TokioIo::new(stream), "http", seen, routes).await;
                }
            });
        }
    });
    Dual { addr, seen, routes }
}

async fn serve<I>(io: I, scheme: &'static str, seen: Seen, routes: Routes)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let target = req
            .uri()
            .path_and_query()
            .map_or("/".to_owned(), |pq| pq.as_str().to_owned());
        seen.lock()
            .unwrap()
            .push((scheme, target.clone(), req.headers().clone()));
        let answer = routes.lock().unwrap().get(&(scheme, target)).cloned();
        async move {
            let res = match answer {
                Some((status, location)) => Response::builder()
                    .status(status)
                    .header("location", location)
                    .body(Full::<Bytes>::default()),
                None => Response::builder().body(Full::from("ok")),
            };
            Ok::<_, Infallible>(res.expect("response"))
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

#[derive(Debug, Clone, Copy)]
enum Client {
    Reqwest,
    Ours,
}

fn client(which: Client, server: &Dual) -> reqwest_middleware::ClientWithMiddleware {
    let builder = reqwest::Client::builder()
        .no_proxy()
        .resolve("h.test", server.addr)
        .tls_danger_accept_invalid_certs(true);
    match which {
        Client::Reqwest => reqwest_middleware::ClientBuilder::new(builder.build().unwrap()).build(),
        Client::Ours => {
            let inner = builder
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            reqwest_middleware::ClientBuilder::new(inner)
                .with(FollowRedirects::new(Policy::fetch()))
                .build()
        }
    }
}

fn cell(headers: Option<&HeaderMap>, name: &str) -> String {
    match headers {
        None => "(no request)".into(),
        Some(h) => match h.get(name) {
            None => "-".into(),
            Some(v) => format!("`{}`", v.to_str().unwrap_or("?")),
        },
    }
}

/// `https://h.test:P/a?token=s3cret` -> 302 -> `https://h.test:P/b` (same origin) -> 302
/// -> `http://h.test:P/c` (the same host and port over `http`), with `Authorization` and
/// `Cookie`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_to_http_on_the_same_host_and_port() {
    let mut seen = Vec::new();
    for which in [Client::Reqwest, Client::Ours] {
        let server = start().await;
        let port = server.addr.port();
        server.redirect("https", "/a?token=s3cret", 302, "/b");
        server.redirect("https", "/b", 302, &format!("http://h.test:{port}/c"));
        let res = client(which, &server)
            .get(format!("https://h.test:{port}/a?token=s3cret"))
            .header("authorization", "Bearer s3cret")
            .header("cookie", "sid=https-only")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{which:?}: {e:?}"));
        assert_eq!(res.status(), 200, "{which:?}");
        let mask = |h: Option<HeaderMap>| {
            let mut h = h?;
            if let Some(v) = h.get("referer") {
                let v = v.to_str().unwrap().replace(&port.to_string(), "P");
                h.insert("referer", v.parse().unwrap());
            }
            Some(h)
        };
        seen.push([
            mask(server.at("https", "/b")),
            mask(server.at("http", "/c")),
        ]);
    }
    let mut rows = Vec::new();
    for (label, pick) in [
        ("`https://h.test:P/b` (same origin)", 0),
        ("`http://h.test:P/c` (same host and port)", 1),
    ] {
        for (name, title) in [
            ("authorization", "Authorization"),
            ("cookie", "Cookie"),
            ("referer", "Referer"),
        ] {
            let cells = [0, 1].map(|c| cell(seen[c][pick].as_ref(), name));
            rows.push((format!("`{title}` at {label}"), cells));
        }
    }
    let mut printed = String::from(
        "| what reached | reqwest 0.13, its redirect policy | redirects-reqwest, `Policy::fetch()` |\n|---|---|---|\n",
    );
    for (field, [a, b]) in &rows {
        printed.push_str(&format!("| {field} | {a} | {b} |\n"));
    }
    println!(
        "\nhttps://h.test:P/a?token=s3cret -> 302 -> /b -> 302 -> http://h.test:P/c\n\n{printed}"
    );
    let want: [(&str, [&str; 2]); 6] = [
        (
            "`Authorization` at `https://h.test:P/b` (same origin)",
            ["`Bearer s3cret`", "`Bearer s3cret`"],
        ),
        (
            "`Cookie` at `https://h.test:P/b` (same origin)",
            ["`sid=https-only`", "`sid=https-only`"],
        ),
        (
            "`Referer` at `https://h.test:P/b` (same origin)",
            ["`https://h.test:P/a?token=s3cret`", "-"],
        ),
        (
            "`Authorization` at `http://h.test:P/c` (same host and port)",
            ["-", "-"],
        ),
        (
            "`Cookie` at `http://h.test:P/c` (same host and port)",
            ["-", "-"],
        ),
        (
            "`Referer` at `http://h.test:P/c` (same host and port)",
            ["-", "-"],
        ),
    ];
    for ((field, cells), (want_field, want_cells)) in rows.iter().zip(want) {
        assert_eq!(field, want_field);
        assert_eq!(cells, &want_cells, "{field}");
    }
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&printed),
        "redirects-reqwest/README.md does not have this table:\n{printed}"
    );
}
