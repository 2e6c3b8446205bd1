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
    // `&str` comes from the `arbitrary` crate, which takes the longest valid
    // UTF-8 prefix of the fuzzer's bytes: the compiler rejects non-UTF-8
    // files before parsing, so only text matters here.
    let _ = gos_syntax::parse(src);
    // The token stream is a public entry point too.
    let _ = gos_syntax::tokens(src);
});
