//! Proof that `redirects` works without `std`: a `#![no_std]` `#![no_main]` binary, linked
//! with `default-features = false`, that drives one real cross-origin `307` hop through the
//! machine and checks every step, then checks which hosts a `Location` may name (see
//! `hosts`: it depends on the `idna_adapter` the lockfile picked).
//!
//! It has its own panic handler, a global allocator over libc `malloc`/`free`/`realloc`, and
//! its own `_start` (the C runtime start files are not linked, see `build.rs`). Exit status 0
//! means every check passed; any other status names the check that failed (see `run`).

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;

use redirects::{
    BodyLength, Error, Event, Fault, Follow, InvalidRequest, Method, Policy, RemovalReason,
    Request, Url, Version,
};
use url::ParseError;

// ---------------------------------------------------------------------------------------
// The runtime: libc, allocator, panic handler, entry point.
// ---------------------------------------------------------------------------------------

unsafe extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn free(ptr: *mut c_void);
    fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
    fn aligned_alloc(align: usize, size: usize) -> *mut c_void;
    fn write(fd: i32, buf: *const c_void, count: usize) -> isize;
    fn exit(status: i32) -> !;
    fn abort() -> !;
}

/// glibc's `malloc` returns memory aligned to 16 bytes on x86_64 (and 8 or 16 elsewhere);
/// larger alignments go through `aligned_alloc`.
const MALLOC_ALIGN: usize = 2 * core::mem::size_of::<usize>();

struct LibcAlloc;

unsafe impl GlobalAlloc for LibcAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN && layout.align() <= layout.size() {
            // SAFETY: plain libc call; a null return is passed on as allocation failure.
            unsafe { malloc(layout.size()) as *mut u8 }
        } else {
            // `aligned_alloc` wants a size that is a multiple of the alignment.
            let size = layout.size().next_multiple_of(layout.align());
            // SAFETY: the alignment is a power of two and `size` a multiple of it.
            unsafe { aligned_alloc(layout.align(), size) as *mut u8 }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from `malloc`, `aligned_alloc` or `realloc`.
        unsafe { free(ptr as *mut c_void) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN && layout.align() <= new_size {
            // SAFETY: `ptr` is a live block from this allocator; `realloc` keeps the
            // (<= MALLOC_ALIGN) alignment.
            unsafe { realloc(ptr as *mut c_void, new_size) as *mut u8 }
        } else {
            let new_layout = match Layout::from_size_align(new_size, layout.align()) {
                Ok(l) => l,
                Err(_) => return core::ptr::null_mut(),
            };
            // SAFETY: allocate, copy the smaller of the two sizes, free the old block.
            unsafe {
                let new = self.alloc(new_layout);
                if !new.is_null() {
                    core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new
            }
        }
    }
}

#[global_allocator]
static ALLOCATOR: LibcAlloc = LibcAlloc;

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    print(b"no_std hop: panic\n");
    // SAFETY: libc `abort` never returns.
    unsafe { abort() }
}

/// Referenced by the precompiled `core`/`alloc` (built with unwinding); never called
/// because every profile is `panic = "abort"`.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

/// The process entry point: with `-nostartfiles` there is no `crt1.o`, so no libc `_start`.
/// On entry `rsp` points at `argc`, then `argv`; the stack is 16-byte aligned *before* a
/// call, so align it, call `start` (which never returns) and trap if it somehow does.
/// The dynamic loader has already run libc's initialisers, so `malloc` and `exit` work.
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
#[unsafe(no_mangle)]
extern "C" fn _start() -> ! {
    core::arch::naked_asm!(
        "xor ebp, ebp",
        "mov rdi, [rsp]",     // argc
        "lea rsi, [rsp + 8]", // argv
        "and rsp, -16",
        "call {start}",
        "ud2",
        start = sym start,
    )
}

extern "C" fn start(argc: isize, argv: *const *const u8) -> ! {
    let code = main(argc as i32, argv);
    // SAFETY: libc `exit` runs the atexit handlers and flushes stdio, then never returns.
    unsafe { exit(code) }
}

#[unsafe(no_mangle)]
extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    match run() {
        Ok(()) => {
            print(b"no_std hop ok; hosts: ");
            print(if ASCII_HOSTS {
                b"ASCII only, non-ASCII refused (idna_adapter 1.0)\n"
            } else {
                b"non-ASCII mapped to A-labels (idna_adapter 1.2)\n"
            });
            0
        }
        Err(code) => {
            print(b"no_std hop FAILED, check ");
            let digits = [b'0' + (code / 10) as u8, b'0' + (code % 10) as u8];
            print(&digits);
            print(b"\n");
            code
        }
    }
}

fn print(bytes: &[u8]) {
    // SAFETY: writes `bytes.len()` bytes from a live slice to fd 1; errors are ignored.
    unsafe {
        write(1, bytes.as_ptr() as *const c_void, bytes.len());
    }
}

// ---------------------------------------------------------------------------------------
// The hop.
// ---------------------------------------------------------------------------------------

/// Fails with `code` unless `cond` holds.
fn check(cond: bool, code: i32) -> Result<(), i32> {
    if cond { Ok(()) } else { Err(code) }
}

/// The first line of an HTTP head, without its CRLF.
fn first_line(head: &[u8]) -> &[u8] {
    let end = head.iter().position(|&b| b == b'\r').unwrap_or(head.len());
    &head[..end]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// One POST with credentials, answered by a cross-origin `307`, then a `200`.
/// Each failed check returns its own exit code (10..=49).
fn run() -> Result<(), i32> {
    let request = Request::new(Method::Post, "http://api.example.org/v1/upload?x=1")
        .map_err(|_| 10)?
        .header("Authorization", "Bearer s3cret")
        .map_err(|_| 11)?
        .header("Content-Type", "text/plain")
        .map_err(|_| 12)?
        .body(redirects::Body::Replayable);
    let mut follow = Follow::new(request, Policy::fetch()).map_err(|_| 13)?;

    // The first request, written into a stack buffer.
    let mut head = [0u8; 512];
    let n = follow.request().write_head(&mut head).map_err(|_| 14)?;
    check(
        first_line(&head[..n]) == b"POST /v1/upload?x=1 HTTP/1.1",
        15,
    )?;
    check(
        contains(&head[..n], b"\r\nAuthorization: Bearer s3cret\r\n"),
        16,
    )?;
    check(follow.request().sends_body(), 17)?;

    // The 307, fed in two pieces: a prefix (incomplete head), then all of it.
    let redirect: &[u8] = b"HTTP/1.1 307 Temporary Redirect\r\n\
        Location: https://uploads.example.net/v2/upload?id=7\r\n\
        Content-Length: 0\r\n\
        \r\n";
    let prefix = &redirect[..40];
    check(
        matches!(follow.handle_response(prefix), Ok(Event::NeedData)),
        20,
    )?;
    match follow.handle_response(redirect) {
        Ok(Event::Redirect(hop)) => {
            check(hop.response().status() == 307, 21)?;
            check(hop.response().body_length() == BodyLength::Length(0), 22)?;
            check(hop.number() == 1, 23)?;
            let next = hop.request();
            check(next.method() == Method::Post, 24)?;
            check(
                next.url().as_str() == "https://uploads.example.net/v2/upload?id=7",
                25,
            )?;
            check(next.sends_body(), 26)?;
            check(!hop.body_dropped() && hop.method_change().is_none(), 27)?;
            check(next.header("Authorization").is_none(), 28)?;
            check(next.header("Content-Type") == Some(&b"text/plain"[..]), 29)?;
            let mut removed = hop.removed_headers();
            check(
                matches!(
                    removed.next(),
                    Some(r) if r.name == "Authorization"
                        && r.reason == RemovalReason::CrossOrigin
                        && r.redirect == 1
                        && !r.earlier
                ) && removed.next().is_none(),
                30,
            )?;
            check(!hop.can_reuse_connection(), 31)?;
            let target = next.target();
            check(
                target.tls && target.host == "uploads.example.net" && target.port == 443,
                32,
            )?;
        }
        Ok(Event::NeedData) => return Err(33),
        Ok(Event::Final(_)) => return Err(34),
        Err(_) => return Err(35),
    }

    // The 307's bytes fed again before it is followed: refused, nothing changed (the
    // redirect is still proposed, and given back for the very buffer that completed it).
    check(
        matches!(
            follow.handle_response(redirect),
            Err(Error::RedirectNotFollowed { status: 307 })
        ),
        18,
    )?;
    // A copy of the 3xx's bytes (the same length, another address) is not the buffer that
    // completed the head.
    let copy = redirect.to_vec();
    check(follow.pending_redirect(&copy).is_none(), 19)?;
    // Take the redirect (its handle was dropped: `pending_redirect` gives it back) and
    // write the request it gives, the next one, into a stack buffer.
    let next = follow.pending_redirect(redirect).ok_or(19)?.follow();
    let mut head = [0u8; 512];
    let n = next.write_head(&mut head).map_err(|_| 36)?;
    let head = &head[..n];
    check(first_line(head) == b"POST /v2/upload?id=7 HTTP/1.1", 37)?;
    check(contains(head, b"\r\nHost: uploads.example.net\r\n"), 38)?;
    check(!contains(head, b"Authorization"), 39)?;
    check(head.ends_with(b"\r\nContent-Type: text/plain\r\n\r\n"), 40)?;
    check(follow.request().write_head(&mut [0u8; 16]).is_err(), 41)?;

    // The final 200.
    let ok: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    match follow.handle_response(ok) {
        Ok(Event::Final(done)) => {
            check(done.response().status() == 200, 42)?;
            check(done.redirects() == 1, 43)?;
            check(
                done.url().as_str() == "https://uploads.example.net/v2/upload?id=7",
                44,
            )?;
            check(&ok[done.response().head_len()..] == b"ok", 45)?;
            check(
                done.history().len() == 1
                    && done.history()[0].status() == 307
                    && done.history()[0].url().as_str() == "http://api.example.org/v1/upload?x=1",
                46,
            )?;
        }
        Ok(Event::NeedData) => return Err(47),
        Ok(Event::Redirect(_)) => return Err(48),
        Err(_) => return Err(49),
    }
    check(follow.is_finished(), 50)?;
    parsed_hop()?;
    hosts()?;
    cookies()
}

/// The cookie jar without `std`: a login `302` sets a cookie, stored against the URL that
/// answered it; the next request (same host) carries it, another host does not; `Max-Age=0`
/// deletes it. Codes 90..=97.
fn cookies() -> Result<(), i32> {
    use redirects::{CookieJar, Jar, Stored};
    let mut jar = Jar::new();
    jar.set_now(1_800_000_000);
    let mut follow = Follow::new(
        Request::get("http://a.test/login").map_err(|_| 90)?,
        Policy::fetch(),
    )
    .map_err(|_| 90)?;
    let response: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: /home\r\n\
        Set-Cookie: sid=42; Path=/; HttpOnly\r\nContent-Length: 0\r\n\r\n";
    let Ok(Event::Redirect(mut hop)) = follow.handle_response(response) else {
        return Err(91);
    };
    let from = hop.from_url().clone();
    for field in hop.response().headers_named("Set-Cookie") {
        check(jar.store(&from, field) == Stored::Added, 92)?;
    }
    let next = hop.request().url().clone();
    let mut value = Vec::new();
    check(jar.cookie_header(&next, &mut value) == 1, 93)?;
    hop.set_header("Cookie", &value).map_err(|_| 94)?;
    check(
        follow.request().header("Cookie") == Some(&b"sid=42"[..]),
        95,
    )?;
    let other = Url::parse("http://b.test/").map_err(|_| 96)?;
    value.clear();
    check(
        jar.cookie_header(&other, &mut value) == 0 && value.is_empty(),
        96,
    )?;
    let deleted = jar.store(&from, b"sid=; Max-Age=0; Path=/");
    check(deleted == Stored::Deleted && jar.is_empty(), 97)
}

/// The same kind of hop through the parsed-head entry point, as a firmware HTTP client
/// that parses heads itself (reqwless) would drive it: an HTTP/1.1 `303` after a POST, then
/// the `200`, given as status and fields. Exit codes 65..=74.
fn parsed_hop() -> Result<(), i32> {
    let request = Request::new(Method::Post, "http://api.example.org/form")
        .map_err(|_| 65)?
        .header("Authorization", "Bearer s3cret")
        .map_err(|_| 65)?
        .body(redirects::Body::Replayable);
    let mut follow = Follow::new(request, Policy::fetch()).map_err(|_| 66)?;
    let fields: [(&str, &[u8]); 2] = [("Location", b"/done"), ("Content-Length", b"0")];
    match follow.handle_head(Version::Http11, 303, fields) {
        Ok(Event::Redirect(hop)) => {
            let next = hop.request();
            check(next.method() == Method::Get && !next.sends_body(), 67)?;
            check(next.url().as_str() == "http://api.example.org/done", 68)?;
            // Same origin: the credential stays; the connection can carry the GET.
            check(next.header("Authorization").is_some(), 69)?;
            check(hop.can_reuse_connection(), 70)?;
            // Take it: the `200` below is the next request's response.
            hop.follow();
        }
        _ => return Err(71),
    }
    let none: [(&str, &[u8]); 0] = [];
    match follow.handle_head(Version::Http11, 200, none) {
        Ok(Event::Final(done)) => check(done.redirects() == 1, 72)?,
        _ => return Err(73),
    }
    check(follow.is_finished(), 74)
}

// ---------------------------------------------------------------------------------------
// The hosts.
// ---------------------------------------------------------------------------------------

/// This build's lockfile pins `idna_adapter` to 1.0 (no Unicode tables): the `ascii-hosts`
/// variant, `ascii-hosts/Cargo.toml`, which turns this feature on. The default build uses
/// `idna_adapter` 1.2 (ICU4X).
const ASCII_HOSTS: bool = cfg!(feature = "ascii-hosts");

/// What one `302` with `location` leads to: the next URL, or the error.
fn follow_location(location: &[u8]) -> Result<Result<Url, Error>, i32> {
    let first = Request::new(Method::Get, "http://device.example/").map_err(|_| 51)?;
    let mut follow = Follow::new(first, Policy::fetch()).map_err(|_| 52)?;
    let mut head = Vec::new();
    head.extend_from_slice(b"HTTP/1.1 302 Found\r\nLocation: ");
    head.extend_from_slice(location);
    head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
    match follow.handle_response(&head) {
        Ok(Event::Redirect(hop)) => Ok(Ok(hop.request().url().clone())),
        Ok(_) => Err(53),
        Err(e) => Ok(Err(e)),
    }
}

/// Fails with `code` unless the `302` to `location` is followed to `want`.
fn followed(location: &[u8], want: &str, code: i32) -> Result<(), i32> {
    match follow_location(location)? {
        Ok(url) => check(url.as_str() == want, code),
        Err(_) => Err(code),
    }
}

/// Fails with `code` unless the `302` to `location` is refused as an invalid international
/// domain name, the peer's fault.
fn refused(location: &[u8], code: i32) -> Result<(), i32> {
    match follow_location(location)? {
        Ok(_) => Err(code),
        Err(e) => check(
            matches!(
                e,
                Error::InvalidLocation {
                    status: 302,
                    error: ParseError::IdnaError
                }
            ) && e.fault() == Fault::Peer,
            code,
        ),
    }
}

/// Which hosts the URL parser takes, in `Location` (raw UTF-8 bytes, which the machine
/// percent-encodes before the WHATWG parser decodes them in the host) and in the first
/// request. Each failed check returns its own exit code (51..=69).
fn hosts() -> Result<(), i32> {
    // Both builds: ASCII hosts are lower-cased, valid A-labels (Punycode) pass as they are.
    followed(b"http://EXAMPLE.Test/a", "http://example.test/a", 54)?;
    followed(
        b"http://XN--EXMPLE-CUA.test/",
        "http://xn--exmple-cua.test/",
        55,
    )?;
    // A non-ASCII host, lower case only (the ASCII-only adapter's debug assertions panic
    // on an upper-case ASCII letter right before a non-ASCII one).
    let umlaut = "http://ex\u{e4}mple.test/";
    if ASCII_HOSTS {
        // Refused, in a `Location` (the peer's fault) and in the first request (the
        // caller's).
        refused(umlaut.as_bytes(), 56)?;
        refused(b"//ex\xc3\xa4mple.test/x", 57)?;
        check(
            matches!(
                Request::new(Method::Get, umlaut),
                Err(Error::InvalidRequest(InvalidRequest::Url(
                    ParseError::IdnaError
                )))
            ),
            58,
        )?;
        // A-labels are no longer checked (UTS 46): one whose Punycode decodes to nothing
        // valid passes.
        followed(b"http://xn--a.test/", "http://xn--a.test/", 59)?;
    } else {
        // Mapped (UTS 46) to its A-label.
        followed(umlaut.as_bytes(), "http://xn--exmple-cua.test/", 60)?;
        followed(
            b"//ex\xc3\xa4mple.test/x",
            "http://xn--exmple-cua.test/x",
            61,
        )?;
        let request = Request::new(Method::Get, umlaut).map_err(|_| 62)?;
        check(request.url().as_str() == "http://xn--exmple-cua.test/", 63)?;
        refused(b"http://xn--a.test/", 64)?;
    }
    Ok(())
}
