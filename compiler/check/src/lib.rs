//! The checker: name resolution, type inference, generics, traits, pattern
//! compilation and exhaustiveness, and lowering of the AST to the typed IR
//! of `gos-ir`.
//!
//! Design: generic items are checked per instance, the way C++ templates
//! are (every `(item, type arguments)` pair reachable from `main` is checked
//! and lowered once, with its type parameters already concrete). This makes
//! trait method calls on type parameters resolve by ordinary method lookup
//! after substitution, and lets one pass over each body both infer types and
//! emit IR. The IR is built with provisional type ids that index the
//! function's inference slots; once the body is checked and literal
//! variables are defaulted, a fix-up pass (`mono.rs`) replaces them with
//! interned types and settles the choices that depended on types known only
//! at the end (copies of aggregates, references to aggregates, literal
//! ranges). Bounds are checked where a generic item is used. The rejected
//! alternative, checking generic bodies once against their bounds, needs
//! trait objects or dictionary passing in the checker and buys only earlier
//! errors for never-instantiated code.
//!
//! Module map: `ctx.rs` (the checker state and diagnostics), `items.rs`
//! (collecting items, resolving types and signatures), `types.rs` (the type
//! language and unification), `expr.rs` and `stmt.rs` (expressions,
//! statements, control flow), `place.rs` (places and mutability),
//! `call.rs` (calls, methods, closures, `go`, `defer`), `builtins.rs`
//! (methods of builtin types), `patterns.rs` (pattern typing and lowering),
//! `exhaust.rs` (exhaustiveness), `format.rs` (format macros), `consts.rs`
//! (constant folding), `mono.rs` (instances, type interning, fix-up).

mod builtins;
mod call;
mod closures;
mod collections;
mod consts;
mod ctx;
mod exhaust;
mod expr;
mod format;
mod items;
mod loops;
mod mono;
mod patterns;
mod place;
mod prepass;
mod stmt;
mod types;

#[cfg(test)]
mod tests;

use gos_syntax::ast;

/// One compile error, located in the user's file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub span: ast::Span,
    pub message: String,
    pub notes: Vec<String>,
}

/// Checks `program` against `prelude` and lowers both to IR. `file` is the
/// file name recorded for panics; when it names a readable file, its text is
/// used to turn spans into the line and column numbers that panics report
/// (use [`check_source`] to pass the text directly).
pub fn check(file: &str, program: &ast::Program, prelude: &ast::Program) -> Result<gos_ir::Program, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    check_source(file, &text, program, prelude)
}

/// Like [`check`], with the user's source text given explicitly (so that IR
/// locations carry correct line and column numbers).
pub fn check_source(
    file: &str,
    source: &str,
    program: &ast::Program,
    prelude: &ast::Program,
) -> Result<gos_ir::Program, Vec<Diagnostic>> {
    let mut c = ctx::Checker::new(file, source, gos_stdlib::PRELUDE, program, prelude);
    c.run();
    c.finish()
}
