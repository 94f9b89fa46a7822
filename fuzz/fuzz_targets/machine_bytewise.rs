//! machine_bytewise: the `machine` target's scenarios (`scenario::Scenario`, the same
//! input format and seeds), each chain run twice: fed whole, with every check of the
//! `machine` target, and fed one byte at a time.
//!
//! Invariant: everything the `machine` target checks, and the two runs give the same
//! outcomes (every event, next request, caller action result and error, in order). See
//! `checks::check_machine`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects_fuzz::{checks::check_machine, scenario::Scenario};

fuzz_target!(|s: Scenario| {
    let _ = check_machine(&s.render());
});
