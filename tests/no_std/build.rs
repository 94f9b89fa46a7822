//! Link the `#![no_main]` binary against libc without its C runtime start files: the
//! binary defines `_start` itself and only uses libc for `malloc`, `free`, `realloc`,
//! `write` and `exit`.

fn main() {
    println!("cargo:rustc-link-arg-bins=-nostartfiles");
    println!("cargo:rustc-link-arg-bins=-lc");
    println!("cargo:rerun-if-changed=build.rs");
}
