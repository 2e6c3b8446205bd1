//! Fuzz target: `gos_syntax::parse` must return (a program or errors) on
//! every UTF-8 input, without panicking or overflowing its stack.
//!
//! Run from `tests/fuzz` with `cargo +nightly fuzz run parse` (see
//! `Cargo.toml` for setup). libFuzzer reports a panic or a stack overflow
//! as a crash and saves the input under `artifacts/parse/`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    // Errors are an expected outcome; only a panic or a crash is a finding.
    // Non-UTF-8 inputs never reach here: libfuzzer-sys skips them for a
    // `&str` target, just as the compiler rejects such files before parsing.
    let _ = gos_syntax::parse(src);
    // The token stream is a public entry point too.
    let _ = gos_syntax::tokens(src);
});
