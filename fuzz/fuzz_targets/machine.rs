//! machine: a whole chain from a structured scenario (`scenario::Scenario`): a first
//! request (method, URL from a few origins, credential and ordinary headers, `Referer`,
//! `Origin` and `Host` fields, a referrer, body disposition, policy of any profile:
//! `Rules::FETCH`, `STRICT`, `CURL`, with a referrer policy, curl's auto referer, HSTS
//! hosts, bad-port blocking and HSTS learning either way) and up to 24 responses built from
//! realistic pieces (1xx/2xx/3xx statuses, Location forms, Locations to bad ports and HSTS
//! hosts, `Referrer-Policy`, `Strict-Transport-Security`, duplicate fields, obs-fold,
//! Content-Length/chunked, garbage), with what the caller does on each
//! proposed redirect (edits, follow, stop, refuse through the `Redirect` handle, on the
//! event's handle or on `Follow::pending_redirect`'s after an empty feed; or the handle
//! dropped, the 3xx and a byte of the next response fed before follow, then followed and
//! a byte of the next response fed, after which nothing is pending).
//!
//! Invariant, on every redirect: no panic; the redirect limit holds; credentials go only
//! where their rule lets them go from the origin they were set for, and under fetch/strict
//! once removed never return; the URL, the header list (the machine's `Referer` and
//! `Origin: null` after the caller's fields), `removed_headers`, `referrer_decision` and
//! `hsts_upgrade` are exactly what a model written from the specs (W3C Referrer Policy,
//! Fetch redirect-taint and bad ports, RFC 6797) and the caller's edits says, and a bad port
//! is `blocked_port` exactly when the policy blocks it; the method/body rules hold
//! and a dropped body is never re-sent; stop and refuse take the redirect back; until
//! `Redirect::follow`, every response fed (the same 3xx again included) is
//! `redirect_not_followed` and changes nothing; every error has its documented fault. See `checks::drive`. The same chains fed one byte at a
//! time are the `machine_bytewise` target (split off for speed: it runs the chain twice).
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects_fuzz::{checks::check_chain, scenario::Scenario};

fuzz_target!(|s: Scenario| {
    let _ = check_chain(&s.render());
});
