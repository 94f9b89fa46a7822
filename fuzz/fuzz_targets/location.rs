//! location: arbitrary Location bytes (after a first byte that picks one of
//! `checks::BASES`), through `resolve_location` and through a 302 in the machine.
//!
//! Invariant: no panic; a URL the machine follows is http(s) with a host, otherwise the
//! answer is a typed error (or final, for an empty value); it re-parses to itself
//! (`Url::parse(u.as_str()) == u`); no fragment is lost (base with a fragment + Location
//! without one = the base's fragment); and the machine agrees exactly with
//! `resolve_location`; every error is the peer's fault. See `checks::check_location`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects_fuzz::checks::check_location;

fuzz_target!(|data: &[u8]| {
    check_location(data);
});
