//! Building and walking chains in the integration tests: the responses a test feeds, the
//! first request, feeding a response and taking the event it must give, and reading what a
//! proposed request carries. Included by each test file with
//! `#[path = "support/chain.rs"] mod chain;`; a file uses only some of it.
#![allow(dead_code)]

use redirects::{
    Error, Event, Final, Follow, Method, OutgoingRequest, Policy, Redirect, ReferrerDecision,
    Request,
};

/// A final `200` with an empty body.
pub const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

/// A redirect response: `status`, `Location: location`, an empty body.
pub fn redirect(status: u16, location: &str) -> String {
    redirect_with(status, location, "")
}

/// As [`redirect`], with `extra` (whole field lines, each ending in CRLF) after `Location`.
pub fn redirect_with(status: u16, location: &str, extra: &str) -> String {
    format!(
        "HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\n{extra}Content-Length: 0\r\n\r\n"
    )
}

/// The three profiles, each with its name, for tests that run under each.
pub fn profiles() -> [(&'static str, Policy); 3] {
    [
        ("fetch", Policy::fetch()),
        ("strict", Policy::strict()),
        ("curl", Policy::curl()),
    ]
}

/// A request with no headers.
#[track_caller]
pub fn req(method: Method, url: &str) -> Request {
    request(method, url, &[])
}

/// A request with `headers`, in order.
#[track_caller]
pub fn request(method: Method, url: &str, headers: &[(&str, &str)]) -> Request {
    let mut r = Request::new(method, url).expect("valid URL");
    for (n, v) in headers {
        r = r.header(n, v).expect("valid header");
    }
    r
}

/// A chain that starts with `GET url` under `policy`.
#[track_caller]
pub fn start(url: &str, policy: Policy) -> Follow {
    Follow::new(Request::get(url).expect("valid URL"), policy).expect("valid first request")
}

/// Feeds a whole `response` that must be a redirect, and hands over its handle, not yet
/// followed: the caller follows ([`Redirect::follow`]), stops or refuses it.
#[track_caller]
pub fn expect_redirect<'f>(follow: &'f mut Follow, response: &'f [u8]) -> Redirect<'f> {
    match follow.handle_response(response) {
        Ok(Event::Redirect(r)) => r,
        other => panic!(
            "expected a redirect for {:?}, got {other:?}",
            String::from_utf8_lossy(response)
        ),
    }
}

/// Feeds a whole `response` that must be a redirect, lets `check` look at its handle (and
/// edit the next request with it), then follows it, as a caller that sends the next request
/// does: the next response can be fed.
#[track_caller]
pub fn hop(follow: &mut Follow, response: &str, check: impl FnOnce(&mut Redirect<'_>)) {
    let mut r = expect_redirect(follow, response.as_bytes());
    check(&mut r);
    r.follow();
}

/// Feeds a whole `response` that must end the chain with an error, and returns it.
#[track_caller]
pub fn expect_error(follow: &mut Follow, response: &[u8]) -> Error {
    match follow.handle_response(response) {
        Err(e) => e,
        Ok(other) => panic!(
            "expected an error for {:?}, got {other:?}",
            String::from_utf8_lossy(response)
        ),
    }
}

/// Starts `request` under `policy` and feeds each of `responses`, every one a redirect,
/// following each: the request proposed last, as its URL and header list, and the last
/// referrer decision.
#[track_caller]
pub fn walk(
    policy: Policy,
    request: Request,
    responses: &[&[u8]],
) -> (String, Vec<(String, String)>, Option<ReferrerDecision>) {
    let mut follow = Follow::new(request, policy).expect("valid first request");
    let mut last = None;
    for response in responses {
        let r = expect_redirect(&mut follow, response);
        last = r.referrer_decision();
        r.follow();
    }
    let next = follow.request();
    let headers = next
        .headers()
        .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    (next.url().to_string(), headers, last)
}

/// The first value of `name` (any case) in a header list [`walk`] gave.
pub fn field<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A chain under test: the first request and policy, then whole responses fed one after
/// another.
pub struct Chain {
    pub follow: Follow,
}

impl Chain {
    /// `request` under [`Policy::fetch`].
    #[track_caller]
    pub fn new(request: Request) -> Chain {
        Chain::with_policy(request, Policy::fetch())
    }

    #[track_caller]
    pub fn with_policy(request: Request, policy: Policy) -> Chain {
        Chain {
            follow: Follow::new(request, policy).expect("valid request"),
        }
    }

    /// Feeds a whole response that must produce a redirect, lets `check` look at it (and
    /// edit the next request with the handle), then follows it.
    #[track_caller]
    pub fn redirect(&mut self, response: &str, check: impl FnOnce(&mut Redirect<'_>)) {
        hop(&mut self.follow, response, check);
    }

    /// Feeds a whole response that must produce a redirect, and hands over its handle, not
    /// yet followed: the caller follows, stops or refuses it.
    #[track_caller]
    pub fn propose<'s>(&'s mut self, response: &'s str) -> Redirect<'s> {
        expect_redirect(&mut self.follow, response.as_bytes())
    }

    /// Feeds a whole response that must be final, and lets `check` look at it.
    #[track_caller]
    pub fn finish(&mut self, response: &str, check: impl FnOnce(&Final<'_>)) {
        match self.follow.handle_response(response.as_bytes()) {
            Ok(Event::Final(f)) => check(&f),
            other => panic!("expected a final response for {response:?}, got {other:?}"),
        }
    }

    /// Feeds a whole response that must end the chain with an error, and returns it.
    #[track_caller]
    pub fn fail(&mut self, response: &str) -> Error {
        expect_error(&mut self.follow, response.as_bytes())
    }
}

/// Whether `needle` (not empty) occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The first value of the header `name` (any case) that `request` sends, as text.
pub fn header_text(request: &OutgoingRequest<'_>, name: &str) -> Option<String> {
    request
        .header(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Every value of the header `name` (any case) that `request` sends, as text.
pub fn values(request: &OutgoingRequest<'_>, name: &str) -> Vec<String> {
    request
        .headers()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .collect()
}
