//! Follow HTTP redirects the way browsers do, without doing any I/O.
//!
//! `redirects` is a sans-IO state machine. You own the sockets, TLS, timers and bodies; the
//! machine owns the decision. You give it the first request and a [`Policy`], write the
//! request it says to send, feed it the raw bytes of each response as you read them, and it
//! answers: read more, here is the next request (method, URL, exact headers, whether to
//! re-send the body, whether the connection can be reused, and what changed and why), this
//! response is final, or a typed [`Error`].
//!
//! It works in `no_std` (with `alloc`) firmware, in custom async runtimes and in fuzzers
//! alike, parses with [`httparse`](https://docs.rs/httparse) and resolves `Location` with
//! the WHATWG parser of [`url`](https://docs.rs/url).
//!
//! A runtime that parses heads itself (hyper, `h2`, `h3`, reqwless) feeds each head as
//! its version, status and fields instead: [`Follow::handle_head`], with the same events,
//! decisions and errors, and with the `http` feature [`Follow::handle_http_response`]. For
//! HTTP/2 and HTTP/3 the body ends with the stream and the connection is reused by origin.
//! The `redirects-tower` crate of this repository wraps the machine as a tower layer.
//!
//! # Words
//!
//! - A **request** is one request of the chain: request 0 is the first, request *n* the one
//!   redirect *n* asked for.
//! - A **redirect** is a 3xx response the policy follows; redirect *n* (1-based) is the
//!   *n*th. [`Follow::redirects`] counts them, [`Follow::history`] lists them
//!   ([`HistoryEntry`]: the status and the URL that answered with it).
//! - A **proposed** redirect is one that was just taken, whose next request has not had a
//!   byte of response yet: the [`Redirect`] handle acts on it.
//!
//! # The loop
//!
//! ```text
//!            +---------------------------+
//!  new(req)  |                           v
//!  --------> request() -> write it -> handle_response(bytes) --+-- NeedData: read more,
//!                ^                          ^                   |   call again
//!                |                          +-------------------+
//!                +------------ Event::Redirect(handle) <--------+
//!                                           Event::Final(response) / Err(Error)
//! ```
//!
//! # What you still do
//!
//! The machine decides; the I/O around it is the caller's. `examples/minimal.rs` in the
//! repository does all of it over blocking `std::net` in about 150 lines.
//!
//! - **Read or drain every body.** Copy out [`Redirect::framing`] (or [`Final::framing`],
//!   [`Response::framing`]): head length, body delimitation and reuse as one [`Framing`]
//!   value that borrows nothing. [`Framing::drainer`] gives a [`Drainer`], fed the bytes
//!   after [`Framing::head_len`]: [`Drainer::decode`] hands back the data,
//!   [`Drainer::drain`] discards it; both say how many bytes the body used and whether it
//!   ended, and what follows is the next response.
//! - **Close instead of reading** when [`Framing::reuse`]
//!   ([`Redirect::can_reuse_connection`]) is `false`: do not read that body, open a new
//!   connection to [`OutgoingRequest::target`], at [`Target::connect_host`] (no IPv6
//!   brackets) and [`Target::port`].
//! - **TLS** where [`Target::tls`] says so: the crate has none.
//! - **Frame the request body**: `Content-Length` (or chunked) set on the [`Request`]
//!   ([`Request::body`]); the body written after the head whenever
//!   [`OutgoingRequest::sends_body`].
//! - **Cookies**: give the chain a jar with [`Follow::with_cookie_jar`] ([`Jar`], the
//!   crate's `no_std` RFC 6265bis jar, or any [`CookieJar`]): every response's
//!   `Set-Cookie`, a redirect's included, is stored against the URL that answered, and
//!   every request carries the jar's `Cookie` for its own URL ([`Redirect::cookies`] says
//!   what it did). Without a jar, `Set-Cookie` is the caller's
//!   ([`Response::headers_named`]).
//! - **Retry a kept connection the server closed** before any byte of the response: once,
//!   on a new connection, with the same [`Follow::request`] (unchanged until a byte of the
//!   response is fed).
//! - **Check each address** with [`Follow::check_address`] before connecting (private
//!   networks, below), and bound the chain with your own timeouts.
//!
//! # The states
//!
//! The machine is in exactly one of four states; every transition is in one file
//! (`src/machine.rs`) and is this table:
//!
//! | state | call | answer | next state |
//! |---|---|---|---|
//! | reading | [`Follow::handle_response`], head incomplete | [`Event::NeedData`] | reading |
//! | reading | `handle_response`, buffer shorter than before | [`Error::BufferShrunk`] | reading |
//! | reading | `handle_response`, head unreadable or too large | peer [`Error`] | failed |
//! | reading | `handle_response`, a redirect the policy follows | [`Event::Redirect`] | proposed |
//! | reading | `handle_response`, a final response | [`Event::Final`] | finished |
//! | reading | `handle_response`, a redirect that must not be followed | peer [`Error`] | failed |
//! | reading, nothing fed yet | [`Follow::handle_head`] | as `handle_response` with a complete head; an interim `1xx`: [`Event::NeedData`] | as `handle_response` |
//! | reading, bytes fed | `handle_head` | [`Error::InvalidState`] | unchanged |
//! | proposed | `handle_response` with no bytes | [`Event::NeedData`] | proposed |
//! | proposed | `handle_response` with bytes, or `handle_head` | [`Error::RedirectNotFollowed`] | proposed |
//! | proposed | [`Redirect::follow`] | the next request ([`OutgoingRequest`]) | reading (the next response) |
//! | proposed | [`Redirect::stop`] | [`Final`] (the 3xx) | finished |
//! | proposed | [`Redirect::refuse`] | [`Error::Refused`] | failed |
//! | finished, failed | `handle_response`, `handle_head` | [`Error::InvalidState`] | unchanged |
//!
//! The per-redirect decisions exist only on the [`Redirect`] handle, which exists only in
//! the proposed state: editing a request that is already answered, or stopping a chain
//! that has moved on, cannot be written.
//!
//! # Example: a whole chain over in-memory bytes
//!
//! MDN's example: `DELETE /cars/oldest` answered by `307` means DELETE again at the new URL;
//! then a `303` turns it into a GET, and the cross-origin request drops the credentials.
//!
//! ```
//! use redirects::{Event, Follow, Method, Policy, Request};
//!
//! let request = Request::new(Method::Delete, "http://www.example.org/cars/oldest")?
//!     .header("Authorization", "Bearer s3cret")?;
//! let mut follow = Follow::new(request, Policy::fetch())?;
//!
//! // What the servers answer, in order (a real client reads these from sockets).
//! let responses: [&[u8]; 3] = [
//!     b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://www.example.org/cars/id/123456\r\nContent-Length: 0\r\n\r\n",
//!     b"HTTP/1.1 303 See Other\r\nLocation: https://archive.example.com/cars/123456\r\nContent-Length: 0\r\n\r\n",
//!     b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
//! ];
//! let mut head = [0u8; 1024];
//! let mut sent = Vec::new();
//! for response in responses {
//!     let n = follow.request().write_head(&mut head).expect("1 KiB is enough here");
//!     sent.push(String::from_utf8_lossy(&head[..n]).lines().next().unwrap().to_owned());
//!
//!     // Feed the response in two pieces, as a socket might deliver it.
//!     let (first, _) = response.split_at(10);
//!     assert!(matches!(follow.handle_response(first)?, Event::NeedData));
//!     match follow.handle_response(response)? {
//!         Event::NeedData => unreachable!("the head is complete"),
//!         Event::Redirect(redirect) => {
//!             let next = redirect.request();
//!             println!("{} -> {} {}", redirect.response().status(), next.method(), next.url());
//!             for removed in redirect.removed_headers() {
//!                 println!("  dropped {} ({:?})", removed.name, removed.reason);
//!             }
//!             // Take it: `follow` gives the request to send (written at the top of the
//!             // loop); no response is read before.
//!             redirect.follow();
//!         }
//!         Event::Final(done) => {
//!             assert_eq!(done.response().status(), 200);
//!             assert_eq!(done.url().as_str(), "https://archive.example.com/cars/123456");
//!             assert_eq!(done.redirects(), 2);
//!             let body = &response[done.response().head_len()..];
//!             assert_eq!(body, b"ok");
//!         }
//!     }
//! }
//! assert_eq!(sent, [
//!     "DELETE /cars/oldest HTTP/1.1",
//!     "DELETE /cars/id/123456 HTTP/1.1",
//!     "GET /cars/123456 HTTP/1.1",
//! ]);
//! assert!(follow.request().header("Authorization").is_none());
//! # Ok::<(), redirects::Error>(())
//! ```
//!
//! # Profiles
//!
//! A profile is one `const` [`Rules`] value; a [`Policy`] is those rules plus the caller's
//! values (limit, schemes, credential rule, trusted origins, ...).
//!
//! | profile | what it is |
//! |---|---|
//! | [`Rules::FETCH`] ([`Policy::fetch`], the default) | WHATWG Fetch, as browsers do it |
//! | [`Rules::STRICT`] ([`Policy::strict`]) | `fetch`, plus https -> http refused ([`Error::InsecureRedirect`]), redirects into a less public network refused ([`Error::PrivateTarget`]) and 10 redirects |
//! | [`Rules::CURL`] ([`Policy::curl`]) | what `curl -L` does |
//!
//! ## What the default `fetch` profile does
//!
//! | Case | Behaviour |
//! |---|---|
//! | 301, 302, 303, 307, 308 with a `Location` | followed; any other status is final |
//! | 1xx interim responses | skipped; the response after them counts |
//! | no `Location`, or an empty one | the 3xx is final |
//! | several `Location` fields | identical: followed; different: [`Error::ConflictingLocation`]; empty ones are ignored |
//! | `Location` bytes >= 0x80 | percent-encoded byte by byte, then WHATWG-parsed against the current URL |
//! | no fragment in `Location` | the current URL's fragment is inherited (RFC 9110 §10.2.2) |
//! | scheme other than http/https | [`Error::SchemeNotAllowed`] |
//! | more than 20 redirects | [`Error::TooManyRedirects`] |
//! | 301/302 + POST, 303 + anything but GET/HEAD | GET without body; body headers and `Expect` removed |
//! | 307, 308 | same method, same body |
//! | body that cannot be re-sent, on any redirect but 303 | [`Error::BodyNotReplayable`] |
//! | request to another origin | credentials (`Authorization`, `Cookie`, `Proxy-Authorization`, ..., see below) removed for the rest of the chain |
//! | connection reuse | [`Redirect::can_reuse_connection`] only to the same origin, over a persistent connection whose framing is trustworthy: never after a close-delimited body, `Transfer-Encoding` in HTTP/1.0 or with `Content-Length`, a `101`, or an answer that came before any `100 Continue` to a request announcing `Expect: 100-continue` (every profile) |
//! | caller input that would make the request ambiguous | [`Error::InvalidRequest`]: control bytes but HTAB in a value, two `Host` fields, `Content-Length` with `Transfer-Encoding`, `Content-Length` values that differ or are not decimal (also in per-redirect edits), `CONNECT` (every profile) |
//!
//! ## The `curl` profile: what `curl -L` does
//!
//! [`Rules::CURL`] follows curl 8.x with its command-line defaults (read from curl's
//! `lib/http.c` `Curl_http_follow`, `http_switch_to_get`, `http_header_l`,
//! `lib/vauth/vauth.c` `Curl_auth_allowed_to_host`, `src/tool_main.h`). libcurl decides
//! the method by where the body comes from, not by the method: say it with
//! [`Request::curl`], or the machine assumes the command line a user would type for the
//! method ([`CurlRequest::assumed`]: POST is `-d`, a PUT with a body is `-T`, any other
//! method is `-X METHOD [-d BODY]`). Each redirect names the rule it applied
//! ([`Redirect::method_rule`]: [`MethodRule::CurlSwitchToGet`],
//! [`MethodRule::CurlStickToMethod`]). Where it differs from `fetch`:
//!
//! | Case | `fetch` | `curl` |
//! |---|---|---|
//! | statuses followed | 301, 302, 303, 307, 308 | every 3xx with a `Location` (300, 304, 305, 306 too) |
//! | limit | 20 | 50 (`--max-redirs` default) |
//! | fragment | inherited when the `Location` has none | not inherited |
//! | an empty query or fragment in a `Location` (`/x?`, `/x#`) | kept: `GET /x?` | dropped, as libcurl does: `GET /x`, and none in the `;auto` `Referer` (the first URL's request target keeps its `?`, as libcurl's does) |
//! | what decides the method | the method (POST on 301/302, all but HEAD on 303) | how curl sent the request ([`CurlRequest`]: `-d`, `-T` or no body, `-X` or not), as libcurl's request kind does |
//! | 301/302 | POST -> GET, body dropped | a `-d` body is dropped and the request becomes GET, or keeps its `-X` method ("Stick to PUT instead of GET"); a `-T` upload keeps method and body |
//! | 303 | all but HEAD -> GET, body dropped | any body (`-d` or `-T`) is dropped; GET, or the `-X` method; `-X POST`/`-X PUT` without a body stay as they are |
//! | `--post301`, `--post302`, `--post303` | - (ignored) | on a listed status a `-d` request (with or without `-X`) keeps method, body and body headers; `-T`, GET and `-I` are not affected, and a request once switched to GET stays GET: [`Policy::with_post_redirect`] ([`PostRedirect`]) |
//! | headers on a body drop | every request-body header and `Expect` | only `Content-Length`, `Transfer-Encoding`, `Expect` (custom `Content-Type` is kept) |
//! | streamed body | error on any redirect but 303 | error only when the body must be re-sent (no switch to GET) |
//! | credentials | removed on the first request to another origin, for good | sent on every request to the origin they were set for: back on the first origin they are sent again |
//! | different `Location` fields | an error on a followed status | an error on any status ("Multiple Location headers") |
//!
//! Shared by both: identical duplicate `Location` fields are followed; bytes >= 0x80 are
//! percent-encoded byte by byte; an empty `Location` is ignored. curl would also follow to
//! `ftp:`; this crate speaks only HTTP, so that is [`Error::SchemeNotAllowed`]. curl resolves
//! relative references with its own RFC 3986 parser, this crate with the WHATWG one: they
//! differ only on odd input (backslashes, tabs; a space in the query is `+` for curl and
//! `%20` here).
//!
//! # Deciding each redirect
//!
//! Every redirect is proposed as an [`Event::Redirect`] that already carries the policy's
//! answer, so a caller that does not care writes one call: [`Redirect::follow`], which
//! gives the request to send. Before that, the handle lets the caller:
//! - edit the next request: [`Redirect::set_header`], [`Redirect::append_header`],
//!   [`Redirect::remove_header`] (for example the `Cookie` its jar holds for the new URL; a
//!   credential goes to another origin only when the caller names it like this);
//! - stop and treat the 3xx as final: [`Redirect::stop`];
//! - fail with its own reason: [`Redirect::refuse`].
//!
//! No response is read while a redirect is proposed ([`Error::RedirectNotFollowed`]), so
//! the 3xx's own bytes fed again by mistake are never taken for the next response, while a
//! server that answers with the same bytes twice is followed twice.
//!
//! The handle shows the status and headers ([`Redirect::response`]), the current and next
//! URL ([`Redirect::from_url`], [`Redirect::request`]), the redirect's number
//! ([`Redirect::number`]) and what is dropped and why ([`Redirect::removed_headers`],
//! [`Redirect::method_change`], [`Redirect::body_dropped`]). [`Follow::pending_redirect`]
//! gives it back while the redirect is still proposed.
//!
//! # What else changes on a redirect
//!
//! Browsers change more than method, body and credentials on a redirect; the machine does
//! all of it, under every profile with that profile's default, and says on the handle
//! what it did and why.
//!
//! | rule | `fetch` | `strict` | `curl` | policy value | reported by |
//! |---|---|---|---|---|---|
//! | `Referer` | W3C Referrer Policy on every request, `strict-origin-when-cross-origin` | same | the caller's `--referer` text (any header value) on every request; with `;auto` on the first, then the previous URL without user info and fragment, whatever its origin or scheme; a caller-set `Referer` header is sent as it is on every request instead | [`Policy::with_referrer_policy`], [`Policy::with_auto_referer`], [`Request::referrer`] | [`Redirect::referrer_decision`] |
//! | a 3xx's `Referrer-Policy` | sets the policy for the requests after it (last known token wins) | same | ignored | - | [`Redirect::referrer_decision`] |
//! | caller-set `Origin` | `null` once the chain is redirect-tainted (judged against the request's origin: [`Request::origin`], else the one the `Origin` names, else the referrer's, else the first URL's) | same | forwarded | - | [`Redirect::removed_headers`] ([`RemovalReason::RedirectTainted`]) |
//! | `Origin` with a request mode ([`Request::mode`]) | the machine's on every request, as Fetch's "append a request `Origin` header" computes it (response tainting, redirect taint, referrer policy); `same-origin` mode: another origin is [`Error::CrossOriginRedirect`]; `cors` mode: a `Location` with credentials is [`Error::CredentialsInLocation`] | same | no mode (ignored) | - | [`Redirect::origin_decision`], [`Redirect::redirect_taint`] |
//! | `Cookie` with a jar ([`Follow::with_cookie_jar`]) | the jar's for each request's URL; every non-1xx response's `Set-Cookie` stored against the URL that answered | same | same | - | [`Redirect::cookies`], [`Final::cookies`] |
//! | Fetch's bad ports ([`BAD_PORTS`]) | [`Error::BlockedPort`] | same | followed | [`Policy::with_blocked_ports`] | the error |
//! | HSTS hosts | `http://` to a known host goes to `https://` | same | same (known hosts only) | [`Policy::with_hsts_host`] | [`Redirect::hsts_upgrade`] |
//! | HSTS learned from the chain's `https` responses | yes | yes | no (curl needs `--hsts`) | [`Policy::with_learn_hsts`] | [`Redirect::hsts_upgrade`] |
//! | caller-set `Host` | only to its own host and port | same | same (back on it, sent again) | - | [`Redirect::removed_headers`] ([`RemovalReason::OtherAuthority`]) |
//! | a target less public than the first URL (private networks) | followed | [`Error::PrivateTarget`] | followed | [`Policy::with_block_private_targets`] | the error; [`Redirect::address_spaces`] |
//!
//! The `Referer` of each request is what "determine request's referrer" gives for that
//! request's URL: userinfo and fragment stripped, the origin only past 4096 bytes; each
//! result is the referrer of the next request, so a referrer once cut to its origin or
//! omitted stays so. A `Referer` the caller set on the first request is sent as it is on
//! that request, then is the referrer the later ones are computed from (never forwarded
//! verbatim past a redirect, except under `curl`, which does forward it). The order of the
//! checks is Fetch's: the HSTS upgrade happens before the downgrade check (a redirect
//! upgraded to https is no downgrade), the referrer and the credential rule look at the
//! `Location`'s URL before the upgrade (as Fetch's redirect step does before main fetch
//! upgrades it), bad ports are checked after the redirect limit and the body. A first
//! request to `http://` on a known HSTS host is sent to `https://` as well.
//!
//! # Private networks (SSRF)
//!
//! Crawlers, webhook senders and link unfurlers follow URLs strangers give them; a public
//! URL that answers `302 Location: http://169.254.169.254/latest/meta-data/` makes them
//! fetch the cloud metadata endpoint from inside the network. With
//! [`Policy::with_block_private_targets`] on (the `strict` default), a redirect whose
//! target host is in a less public [`AddressSpace`] than the chain's first URL (public >
//! private > local, as WICG Private Network Access draws them) is
//! [`Error::PrivateTarget`], naming the host and both spaces. The machine classifies the
//! host the WHATWG parser produced, so `0x7f.1`, `2130706433` and `0177.0.0.1` are all
//! `127.0.0.1`; a host name counts as public (`localhost` and `*.localhost` as local)
//! unless the caller declares the first URL's space ([`Request::address_space`]).
//!
//! Names resolve, and resolve again (DNS rebinding), where only the caller sees it: a
//! caller that wants SSRF protection MUST call [`Follow::check_address`] with every
//! address it is about to connect to, before every connection of the chain (the first
//! included), and MUST NOT connect when it fails.
//!
//! ```
//! use redirects::{AddressSpace, Error, Follow, Policy, Request};
//! let mut follow = Follow::new(Request::get("http://unfurl.example/")?, Policy::strict())?;
//! let metadata = b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\n\r\n";
//! let Err(Error::PrivateTarget(p)) = follow.handle_response(metadata) else { panic!() };
//! assert_eq!((&*p.host, p.space, p.chain), ("169.254.169.254", AddressSpace::Private, AddressSpace::Public));
//! # Ok::<(), Error>(())
//! ```
//!
//! # Credentials
//!
//! Credentials are `Authorization`, `Cookie`, `Cookie2`, `WWW-Authenticate`, the names
//! added with [`Policy::with_credential_header`], and the proxy
//! credentials `Proxy-Authorization`, `Proxy-Authenticate`, `Proxy-Authentication-Info`
//! (Go's sensitive-header list). [`CredentialRule`] (a policy value) says which requests
//! may carry them: same origin only (default), or also an `http` -> `https` upgrade of the
//! same host on default ports. Origins named with [`Policy::with_trusted_origin`] receive
//! them too (curl's `--location-trusted`, scoped). Proxy credentials never follow the
//! request to another origin, whatever the rule: behind a tunnel to an `https` URL the head
//! reaches the destination server (requests CVE-2023-32681). A caller-set `Host` is bound
//! tighter still: it goes only to requests to its own host and port, whatever the rule
//! and the trusted origins (the URL's authority is written instead).
//! https -> http is a policy value ([`Policy::with_allow_downgrade`]); so is what happens
//! when a streamed body would have to be re-sent ([`UnreplayableBody`]).
//!
//! # Errors
//!
//! One [`Error`] enum; [`Error::fault`] tells the caller's mistakes ([`Fault::Caller`]:
//! request, policy, call order, buffer) from the peer's ([`Fault::Peer`]: the response or
//! the chain). Each variant has a stable snake-case [`Error::code`].
//!
//! # Features
//!
//! - `std` (default): `std::error::Error` comes through [`core::error::Error`]; the core
//!   never needs `std`.
//! - `http`: conversions to and from the `http` 1.x crate's types (needs `std`).
//!
//! # `no_std`
//!
//! With `default-features = false` the crate needs only `core` and `alloc`. The repository
//! proves it with a `#![no_std]` binary (`tests/no_std`) that drives a real redirect.
//!
//! # Limits and memory
//!
//! A response head is at most [`Policy::max_head_size`] bytes (64 KiB by default, 1xx heads
//! of the same response included) and [`Policy::max_header_fields`] fields
//! ([`DEFAULT_MAX_HEADER_FIELDS`], 256, by default; one more is [`Error::TooManyHeaders`]);
//! the chain is at most [`Policy::max_redirects`] long. The machine's own size and heap are
//! in the [`Follow`] docs. A [`Drainer`] keeps no bytes, only counters (at most 64 bytes,
//! `tests/drain.rs` checks it); the body it reads is at most [`Drainer::with_max_body`]
//! ([`DEFAULT_MAX_BODY`]), a chunk-size line [`MAX_CHUNK_LINE`] bytes, the trailers
//! [`MAX_TRAILER_BYTES`] bytes and [`MAX_TRAILER_FIELDS`] fields. The machine never panics
//! and contains no `unsafe`.

#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod address;
mod chain_headers;
mod cookie;
mod drain;
mod error;
mod head;
mod headers;
mod hsts;
#[cfg(feature = "http")]
mod http_interop;
mod location;
mod machine;
mod method;
mod origin;
mod outgoing;
mod plan;
mod policy;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod record;
mod referrer;
mod request;
mod response;
mod rules;
mod syntax;
mod views;

pub use address::AddressSpace;
pub use cookie::{Cookie, CookieJar, CookieReport, IgnoredWhy, Jar, Limits, SameSite, Stored};
pub use drain::{
    DEFAULT_MAX_BODY, Decoded, DrainError, Drained, Drainer, Framing, MAX_CHUNK_LINE,
    MAX_TRAILER_BYTES, MAX_TRAILER_FIELDS,
};
pub use error::{
    BufferTooSmall, Error, Fault, InvalidPolicy, InvalidRequest, Malformed, PrivateTarget,
};
pub use headers::RemovalReason;
pub use hsts::{DEFAULT_MAX_LEARNED_HSTS_HOSTS, HstsSource, HstsUpgrade};
pub use location::resolve_location;
pub use machine::Follow;
pub use method::{ExtensionMethod, MAX_METHOD_LEN, Method};
pub use origin::{OriginDecision, OriginSent, OriginWhy, RedirectTaint, RequestMode};
pub use outgoing::{OutgoingRequest, Target};
pub use policy::{
    BAD_PORTS, CredentialRule, DEFAULT_MAX_HEAD_SIZE, DEFAULT_MAX_HEADER_FIELDS, Policy,
    UnreplayableBody,
};
pub use referrer::{ReferrerDecision, ReferrerPolicy, ReferrerSent, ReferrerWhy};
pub use request::{Body, Request};
pub use response::{BodyLength, Response, Version};
pub use rules::{CurlBody, CurlRequest, MethodRule, PostRedirect, Rules};
pub use url::Url;
pub use views::{Event, Final, HistoryEntry, MethodChange, Redirect, RemovedHeader};

/// The README's example runs as a doctest too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
