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
//! alike, parses with [`httparse`] and resolves `Location` with the WHATWG [`url`] parser.
//!
//! # The loop
//!
//! ```text
//!            +---------------------------+
//!  new(req)  |                           v
//!  --------> request() -> write it -> handle_response(bytes) --+-- NeedData: read more,
//!                ^                          ^                   |   call again
//!                |                          +-------------------+
//!                +------------ Event::Redirect(next request) <--+
//!                                           Event::Final(response) / Err(Error)
//! ```
//!
//! # Example: a whole chain over in-memory bytes
//!
//! MDN's example: `DELETE /cars/oldest` answered by `307` means DELETE again at the new URL;
//! then a `303` turns it into a GET, and the cross-origin hop drops the credentials.
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
//!         Event::Redirect(hop) => {
//!             println!("{} -> {} {}", hop.response().status(), hop.request().method(), hop.request().url());
//!             for removed in hop.removed_headers() {
//!                 println!("  dropped {} ({:?})", removed.name, removed.reason);
//!             }
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
//! # What the default `fetch` profile does
//!
//! | Case | Behaviour |
//! |---|---|
//! | 301, 302, 303, 307, 308 with a `Location` | followed; any other status is final |
//! | 1xx interim responses | skipped; the response after them counts |
//! | no `Location`, or an empty one | the 3xx is final |
//! | several `Location` fields | identical: followed; different: [`Error::ConflictingLocation`] |
//! | `Location` bytes >= 0x80 | percent-encoded byte by byte, then WHATWG-parsed against the current URL |
//! | no fragment in `Location` | the current URL's fragment is inherited (RFC 9110 §10.2.2) |
//! | scheme other than http/https | [`Error::SchemeNotAllowed`] |
//! | more than 20 redirects | [`Error::TooManyRedirects`] |
//! | 301/302 + POST, 303 + anything but GET/HEAD | GET without body; body headers and `Expect` removed |
//! | 307, 308 | same method, same body |
//! | body that cannot be re-sent, on any redirect but 303 | [`Error::BodyNotReplayable`] |
//! | cross-origin hop | `Authorization`, `Cookie`, `Proxy-Authorization` (and names the policy adds) removed for the rest of the chain |
//!
//! The `strict` profile also refuses https -> http ([`Error::InsecureRedirect`]) and stops
//! after 10 redirects.
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
//! proves it with a `#![no_std]` binary (`tests/no_std`) that drives a real hop.
//!
//! # Limits and memory
//!
//! A response head is at most [`Policy::max_head_size`] bytes (64 KiB by default, 1xx heads
//! of the same response included) and [`MAX_RESPONSE_HEADERS`] fields; the chain is at most
//! [`Policy::max_redirects`] long. The machine never panics and contains no `unsafe`.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod error;
mod head;
#[cfg(feature = "http")]
mod http_interop;
mod location;
mod machine;
mod method;
mod policy;
mod request;

pub use error::{BufferTooSmall, Error, InvalidRequest, Malformed};
pub use head::{BodyLength, MAX_RESPONSE_HEADERS, Response};
pub use location::resolve_location;
pub use machine::{Event, Final, Follow, Hop, MethodChange, MethodRule, Redirect, RemovedHeader};
pub use method::{ExtensionMethod, MAX_METHOD_LEN, Method};
pub use policy::{
    CredentialRule, DEFAULT_MAX_HEAD_SIZE, MAX_SCHEME_LEN, MAX_SCHEMES, Policy, Profile,
    UnreplayableBody,
};
pub use request::{Body, OutgoingRequest, RemovalReason, Request, Target};
pub use url::Url;
