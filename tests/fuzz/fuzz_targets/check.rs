//! Fuzz target: the whole front end (lexer, parser, checker) on arbitrary
//! UTF-8. The property is that it returns (a program or diagnostics) and
//! never panics, hangs or overflows its stack. Seed it with the
//! conformance programs (see Cargo.toml) so that most inputs parse and
//! reach the checker.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn prelude() -> &'static gos_syntax::ast::Program {
    static PRELUDE: OnceLock<gos_syntax::ast::Program> = OnceLock::new();
    PRELUDE.get_or_init(|| gos_syntax::parse(gos_stdlib::PRELUDE).expect("the prelude parses"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        if let Ok(ast) = gos_syntax::parse(src) {
            let _ = gos_check::check("fuzz.gos", src, &ast, prelude());
        }
    }
});
