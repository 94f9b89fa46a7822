//! Conversions between this crate's types and the `http` 1.x crate (feature `http`).
//!
//! - [`Method`] <-> [`http::Method`]: `From<Method> for http::Method`,
//!   `TryFrom<&http::Method> for Method`.
//! - [`http::Request`] -> [`Request`]: `TryFrom<&http::Request<B>> for Request` (method,
//!   absolute `http`/`https` URI, headers; the body disposition starts as [`Body::None`]).
//! - [`OutgoingRequest::to_http_request`]: the next request as an `http::Request<()>`
//!   (absolute URI, method, headers), for clients built on `http` types.
//! - [`Follow::handle_http_response`] and [`Follow::handle_http_parts`]: a response head
//!   your `http`-based client already parsed (hyper, `h2`, `h3`), fed through
//!   [`Follow::handle_head`] with its version, status and fields.
//! - [`Response::status_code`], [`Response::to_header_map`] and
//!   [`Response::to_http_response`]: a response head as `http` types.
//!
//! ```
//! use redirects::{Event, Follow, Policy, Request};
//!
//! let first = http::Request::delete("http://www.example.org/cars/oldest")
//!     .header("authorization", "Bearer s3cret")
//!     .body(())?;
//! let mut follow = Follow::new(Request::try_from(&first)?, Policy::fetch())?;
//!
//! // What the client (hyper, say) gave back for the first request.
//! let response = http::Response::builder()
//!     .status(307)
//!     .header("location", "/cars/id/123456")
//!     .body(())?;
//! let Event::Redirect(redirect) = follow.handle_http_response(&response)? else {
//!     unreachable!()
//! };
//! assert_eq!(redirect.response().status_code()?, http::StatusCode::TEMPORARY_REDIRECT);
//!
//! let next: http::Request<()> = redirect.request().to_http_request()?;
//! assert_eq!(next.method(), http::Method::DELETE);
//! assert_eq!(next.uri(), "http://www.example.org/cars/id/123456");
//! assert_eq!(next.headers()["authorization"], "Bearer s3cret");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::string::String;

use arrayvec::ArrayString;

use crate::error::{Error, InvalidRequest, Malformed};
use crate::head::{Check, Parsed};
use crate::machine::Follow;
use crate::method::Method;
use crate::outgoing::OutgoingRequest;
use crate::request::{Body, Request};
use crate::response::{Response, Version};
use crate::views::Event;

impl Follow {
    /// Feeds the head of a response your `http`-based client parsed (feature `http`): its
    /// version, status and every header field, through [`Follow::handle_head`] (see there
    /// for what is checked and how HTTP/2 and HTTP/3 are judged). The body is not looked
    /// at. A version other than HTTP/1.0, 1.1, 2 and 3 (`HTTP/0.9`) is
    /// [`Malformed::Syntax`] (`httparse::Error::Version`).
    ///
    /// With hyper (or hyper-util's client), hyper answers `1xx` itself, undoes the
    /// chunked framing and pools connections: [`Response::body_length`],
    /// [`Response::keep_alive`] and [`Redirect::can_reuse_connection`](crate::Redirect::can_reuse_connection)
    /// are then for information, and the body is hyper's to drain.
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("https://a.test/x")?, Policy::fetch())?;
    /// let res = http::Response::builder()
    ///     .version(http::Version::HTTP_2)
    ///     .status(http::StatusCode::MOVED_PERMANENTLY)
    ///     .header(http::header::LOCATION, "/y")
    ///     .body("moved")?;
    /// let Event::Redirect(hop) = follow.handle_http_response(&res)? else { unreachable!() };
    /// assert!(hop.can_reuse_connection()); // HTTP/2, same origin
    /// let next = hop.request().to_http_request()?;
    /// assert_eq!(next.uri(), "https://a.test/y");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle_http_response<B>(
        &mut self,
        response: &http::Response<B>,
    ) -> Result<Event<'_>, Error> {
        self.handle_http_head(response.version(), response.status(), response.headers())
    }

    /// [`Follow::handle_http_response`] for the parts of a response (feature `http`).
    pub fn handle_http_parts(&mut self, parts: &http::response::Parts) -> Result<Event<'_>, Error> {
        self.handle_http_head(parts.version, parts.status, &parts.headers)
    }

    fn handle_http_head(
        &mut self,
        version: http::Version,
        status: http::StatusCode,
        headers: &http::HeaderMap,
    ) -> Result<Event<'_>, Error> {
        let version = match version {
            http::Version::HTTP_10 => Version::Http10,
            http::Version::HTTP_11 => Version::Http11,
            http::Version::HTTP_2 => Version::Http2,
            http::Version::HTTP_3 => Version::Http3,
            _ => return self.fail_parsed(Malformed::Syntax(httparse::Error::Version).into()),
        };
        let fields = headers
            .iter()
            .map(|(name, value)| (name.as_str().as_bytes(), value.as_bytes()));
        // `HeaderName` and `HeaderValue` hold exactly what `httparse` takes: no check again.
        let parsed = Parsed {
            version,
            status: status.as_u16(),
        };
        self.handle_parsed(parsed, fields, Check::Trusted)
    }
}

impl TryFrom<Method> for http::Method {
    type Error = http::method::InvalidMethod;

    /// Every [`Method`] is an RFC 9110 token, which `http` accepts (tested for every
    /// `tchar`), so this does not fail in practice; it is `TryFrom` so that no panic path
    /// exists if the two crates ever disagree.
    fn try_from(method: Method) -> Result<http::Method, Self::Error> {
        Ok(match method {
            Method::Get => http::Method::GET,
            Method::Head => http::Method::HEAD,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Delete => http::Method::DELETE,
            Method::Connect => http::Method::CONNECT,
            Method::Options => http::Method::OPTIONS,
            Method::Trace => http::Method::TRACE,
            Method::Patch => http::Method::PATCH,
            Method::Extension(e) => http::Method::from_bytes(e.as_str().as_bytes())?,
        })
    }
}

impl TryFrom<&http::Method> for Method {
    type Error = InvalidRequest;

    /// Fails ([`InvalidRequest::Method`]) only for an extension method longer than
    /// [`MAX_METHOD_LEN`](crate::MAX_METHOD_LEN).
    fn try_from(method: &http::Method) -> Result<Method, InvalidRequest> {
        Method::parse(method.as_str())
    }
}

impl TryFrom<http::Method> for Method {
    type Error = InvalidRequest;

    /// See `TryFrom<&http::Method>`.
    fn try_from(method: http::Method) -> Result<Method, InvalidRequest> {
        Method::try_from(&method)
    }
}

/// The longest URI `TryFrom<&http::Request<B>>` puts together on the stack.
const SHORT_URI: usize = 256;

impl<B> TryFrom<&http::Request<B>> for Request {
    type Error = Error;

    /// The method, the URI (which must be absolute, `http` or `https`) and every header,
    /// in order. The `http` body is not looked at: the request starts with
    /// [`Body::None`]; call [`Request::body`] to say whether it can be re-sent.
    ///
    /// ```
    /// use redirects::{Body, Request};
    /// let req = http::Request::post("https://example.org/form?x=1")
    ///     .header("content-type", "text/plain")
    ///     .body("hello")?;
    /// let req = Request::try_from(&req)?.body(Body::Replayable);
    /// assert_eq!(req.url().as_str(), "https://example.org/form?x=1");
    /// assert!(Request::try_from(&http::Request::get("/relative").body(())?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn try_from(req: &http::Request<B>) -> Result<Request, Error> {
        let uri = req.uri();
        let (scheme, authority) = match (uri.scheme_str(), uri.authority()) {
            (Some(scheme @ ("http" | "https")), Some(authority)) => (scheme, authority.as_str()),
            _ => return Err(InvalidRequest::Scheme.into()),
        };
        let method = Method::try_from(req.method())?;
        // The URI as `Uri`'s `Display` writes it, put together from its parts: on the stack
        // when it is short, as most are.
        let (path, query) = (uri.path(), uri.query());
        let parts = [
            scheme,
            "://",
            authority,
            path,
            if query.is_some() { "?" } else { "" },
            query.unwrap_or(""),
        ];
        let mut short = ArrayString::<SHORT_URI>::new();
        let long: String;
        let url = if parts.iter().all(|part| short.try_push_str(part).is_ok()) {
            short.as_str()
        } else {
            long = parts.concat();
            long.as_str()
        };
        let mut request = Request::new(method, url)?.body(Body::None);
        // `HeaderName` is a token and `HeaderValue` holds no control byte but HTAB: what
        // `Request::push_header` checks. No check again.
        for (name, value) in req.headers() {
            request.push_checked_header(name.as_str(), value.as_bytes());
        }
        Ok(request)
    }
}

impl OutgoingRequest<'_> {
    /// The request as an `http::Request<()>` (feature `http`): the method, the absolute
    /// URI without the fragment (scheme, authority, path and query) and the headers of
    /// [`OutgoingRequest::headers`], in order. Like `headers()`, it carries no `Host`
    /// unless the caller set one: HTTP/1.1 clients on `http` types (`hyper`) write it
    /// from the URI. The caller attaches the body if [`OutgoingRequest::sends_body`].
    ///
    /// Fails if `http` refuses a part: a header value with control characters other than
    /// tab (this crate only refuses CR, LF and NUL), a URL character `http`'s stricter
    /// URI parser does not take, or a path and query longer than 65,534 bytes, the most
    /// an `http::Uri` holds. [`OutgoingRequest::write_head`] has no such limit, and a URL
    /// can pass it within the head size limit: a `Location` is bounded by
    /// [`Policy::max_head_size`](crate::Policy::max_head_size), but each of its bytes at
    /// or above 0x80 is percent-encoded into three, so a 30 KB `Location` of them is a
    /// 90 KB URL. Such a request can be written as bytes but not made an `http::Request`:
    /// the error is `http`'s `InvalidUri`.
    ///
    /// ```
    /// use redirects::{Follow, Policy, Request};
    /// let req = Request::get("http://example.org:8080/a?b=1#frag")?.header("Accept", "*/*")?;
    /// let follow = Follow::new(req, Policy::fetch())?;
    /// let req = follow.request().to_http_request()?;
    /// assert_eq!(req.uri(), "http://example.org:8080/a?b=1");
    /// assert_eq!(req.headers()["accept"], "*/*");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_http_request(&self) -> Result<http::Request<()>, http::Error> {
        let url = self.url();
        let uri = http::Uri::builder()
            .scheme(url.scheme())
            .authority(self.authority())
            .path_and_query(self.path_and_query())
            .build()?;
        let method = http::Method::try_from(self.method()).map_err(http::Error::from)?;
        // Built in place: `http::request::Builder` moves the whole request once per header.
        let fields = self.headers();
        let mut headers = http::HeaderMap::with_capacity(fields.size_hint().0);
        for (name, value) in fields {
            headers.append(
                http::HeaderName::from_bytes(name.as_bytes())?,
                http::HeaderValue::from_bytes(value)?,
            );
        }
        let mut request = http::Request::new(());
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.version_mut() = http::Version::HTTP_11;
        *request.headers_mut() = headers;
        Ok(request)
    }
}

impl Response<'_> {
    /// The status as an `http::StatusCode` (feature `http`). Fails for a status above
    /// 999, which the parser lets through.
    pub fn status_code(&self) -> Result<http::StatusCode, http::status::InvalidStatusCode> {
        http::StatusCode::from_u16(self.status())
    }

    /// Every header field, in order and repeated ones included (each `Set-Cookie`), as an
    /// `http::HeaderMap` (feature `http`). Fails on a name or value `http` refuses (the
    /// parser accepts a few bytes in values, such as obs-text, that `http` does not).
    pub fn to_header_map(&self) -> Result<http::HeaderMap, http::Error> {
        let mut map = http::HeaderMap::with_capacity(self.headers().count());
        for (name, value) in self.headers() {
            let name = http::HeaderName::from_bytes(name.as_bytes())?;
            map.append(name, http::HeaderValue::from_bytes(value)?);
        }
        Ok(map)
    }

    /// The head as an `http::Response<()>`: status, version and headers (feature `http`).
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://example.org/")?, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n";
    /// let Event::Final(done) = follow.handle_response(bytes)? else { unreachable!() };
    /// let res = done.response().to_http_response()?;
    /// assert_eq!(res.status(), http::StatusCode::OK);
    /// assert_eq!(res.headers().get_all("set-cookie").iter().count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_http_response(&self) -> Result<http::Response<()>, http::Error> {
        let mut res = http::Response::new(());
        *res.status_mut() = self.status_code()?;
        *res.version_mut() = match self.version() {
            Version::Http10 => http::Version::HTTP_10,
            Version::Http11 => http::Version::HTTP_11,
            Version::Http2 => http::Version::HTTP_2,
            Version::Http3 => http::Version::HTTP_3,
        };
        *res.headers_mut() = self.to_header_map()?;
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use std::string::{String, ToString};
    use std::vec::Vec;

    use super::*;
    use crate::{Event, Follow, Policy};

    #[test]
    fn methods_round_trip() {
        let names = [
            "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
            "PROPFIND", "M-SEARCH", "get",
        ];
        for name in names {
            let ours = Method::parse(name).unwrap();
            let theirs = http::Method::try_from(ours).unwrap();
            assert_eq!(theirs.as_str(), name);
            assert_eq!(Method::try_from(&theirs).unwrap(), ours);
        }
        // Every tchar, and the longest extension method we take.
        let tchars: String = (0u8..128)
            .filter(|&b| crate::syntax::is_tchar(b))
            .map(char::from)
            .collect();
        for chunk in tchars.as_bytes().chunks(crate::MAX_METHOD_LEN) {
            let s = core::str::from_utf8(chunk).unwrap();
            let ours = Method::parse(s).unwrap();
            assert_eq!(http::Method::try_from(ours).unwrap().as_str(), s);
        }
        let long = http::Method::from_bytes(&[b'A'; 40]).unwrap();
        assert_eq!(Method::try_from(&long), Err(InvalidRequest::Method));
    }

    #[test]
    fn request_from_http() {
        let req = http::Request::put("http://[::1]:8080/a%20b?q=1")
            .header("X-One", "1")
            .header("x-one", "2")
            .header("Cookie", "c=1")
            .body(())
            .unwrap();
        let req = Request::try_from(&req).unwrap();
        assert_eq!(req.method(), Method::Put);
        assert_eq!(req.url().as_str(), "http://[::1]:8080/a%20b?q=1");
        let names: Vec<_> = req.headers().collect();
        assert_eq!(
            names,
            [("x-one", &b"1"[..]), ("x-one", b"2"), ("cookie", b"c=1")]
        );

        // The URI as `Uri` writes it: on the stack or, past `SHORT_URI` bytes, not.
        let long = std::format!("https://a.test/{}?q", "x".repeat(SHORT_URI));
        for uri in ["http://a.test", "HTTPS://A.test:443?x=1", long.as_str()] {
            let req = http::Request::get(uri).body(()).unwrap();
            let want = req.uri().to_string();
            let got = Request::try_from(&req).unwrap();
            assert_eq!(got.url().as_str(), url::Url::parse(&want).unwrap().as_str());
        }
        // Names and values as `http` holds them (obs-text, HTAB), not checked again.
        let req = http::Request::get("http://a.test/")
            .header("x-obs", &b"\x80\tz"[..])
            .body(())
            .unwrap();
        let req = Request::try_from(&req).unwrap();
        assert_eq!(
            req.headers().collect::<Vec<_>>(),
            [("x-obs", &b"\x80\tz"[..])]
        );

        for bad in ["/path", "ftp://example.org/", "*"] {
            let req = http::Request::get(bad).body(()).unwrap();
            assert_eq!(
                Request::try_from(&req).unwrap_err(),
                Error::InvalidRequest(InvalidRequest::Scheme),
                "{bad}"
            );
        }
    }

    #[test]
    fn outgoing_to_http_is_the_next_request() {
        let req = Request::new(Method::Post, "http://a.test/form#top")
            .unwrap()
            .header("Authorization", "Bearer t")
            .unwrap()
            .header("Content-Type", "text/plain")
            .unwrap()
            .body(Body::Replayable);
        let mut follow = Follow::new(req, Policy::fetch()).unwrap();
        let first = follow.request().to_http_request().unwrap();
        assert_eq!(first.method(), http::Method::POST);
        assert_eq!(first.uri(), "http://a.test/form");
        assert_eq!(first.headers().len(), 2);

        let bytes = b"HTTP/1.1 303 See Other\r\nLocation: https://b.test:8443/done?x=%41\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n";
        let Ok(Event::Redirect(redirect)) = follow.handle_response(bytes) else {
            panic!("expected a redirect");
        };
        let map = redirect.response().to_header_map().unwrap();
        assert_eq!(
            map.get_all("set-cookie").iter().collect::<Vec<_>>(),
            ["a=1", "b=2"]
        );
        assert_eq!(
            redirect.response().status_code().unwrap(),
            http::StatusCode::SEE_OTHER
        );
        let next = redirect.request().to_http_request().unwrap();
        assert_eq!(next.method(), http::Method::GET);
        // The fragment is inherited by the URL but never part of the request URI.
        assert_eq!(redirect.request().url().fragment(), Some("top"));
        assert_eq!(next.uri(), "https://b.test:8443/done?x=%41");
        assert_eq!(next.uri().authority().unwrap(), "b.test:8443");
        assert!(next.headers().is_empty(), "{:?}", next.headers());
    }

    #[test]
    fn values_http_refuses_are_errors_not_panics() {
        // A control byte `http` refuses in a value is refused when the caller gives it, so
        // every request the machine describes converts.
        let err = Request::get("http://a.test/")
            .unwrap()
            .header("X-Ctl", b"a\x01b")
            .unwrap_err();
        assert_eq!(err, Error::InvalidRequest(InvalidRequest::HeaderValue));
        assert!(http::HeaderValue::from_bytes(b"a\x01b").is_err());

        let mut follow =
            Follow::new(Request::get("http://a.test/").unwrap(), Policy::fetch()).unwrap();
        let bytes = b"HTTP/1.1 200 OK\r\nX-Bin: \xff\x01\r\nContent-Length: 0\r\n\r\n";
        match follow.handle_response(bytes) {
            Ok(Event::Final(done)) => assert!(done.response().to_http_response().is_err()),
            // The parser may refuse the control byte itself; either way, no panic.
            other => assert!(other.is_err(), "{other:?}"),
        }
    }
}
