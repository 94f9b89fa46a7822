//! Link the `#![no_main]` binary against libc without its C runtime start files: the
//! binary defines `_start` itself and only uses libc for `malloc`, `free`, `realloc`,
//! `write` and `exit`. The build script of ascii-hosts/ too.

fn main() {
    println!("cargo:rustc-link-arg-bins=-nostartfiles");
    println!("cargo:rustc-link-arg-bins=-lc");
    // This file, also the build script of ascii-hosts/: `file!()` is relative to the
    // package's directory or absolute.
    let this = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file!());
    println!("cargo:rerun-if-changed={}", this.display());
}
