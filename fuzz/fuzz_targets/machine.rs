//! machine: a whole chain from a structured scenario (`scenario::Scenario`): a first
//! request (method, URL from a few origins, credential and ordinary headers, body
//! disposition, policy) and up to 24 responses built from realistic pieces (1xx/2xx/3xx
//! statuses, Location forms, duplicate fields, obs-fold, Content-Length/chunked, garbage).
//!
//! Invariant, on every hop: no panic; the redirect limit holds; Authorization, Cookie and
//! Proxy-Authorization never go to an origin other than the first, and once removed never
//! return; the header list is exactly the first one minus what the rules remove; the
//! method/body rules hold and a dropped body is never re-sent; the outcomes are identical
//! when every response is fed one byte at a time. See `checks::drive`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects_fuzz::{checks::check_machine, scenario::Scenario};

fuzz_target!(|s: Scenario| {
    let _ = check_machine(&s.render());
});
