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
//! language and unification), `prepass.rs` (which variables need cells),
//! `expr.rs` (operators, literals, paths, coercions), `place.rs` (places,
//! mutability, assignment), `stmt.rs` (bodies, blocks, `if`, `match`, `?`,
//! `return`), `loops.rs` (loops), `call.rs` (calls, paths, method lookup),
//! `closures.rs` (closures, `go`, `defer`), `builtins.rs` and
//! `collections.rs` (methods of builtin types), `sync.rs` (channels,
//! `select`, sync objects), `patterns.rs` (pattern typing and lowering),
//! `exhaust.rs` (exhaustiveness), `init.rs` (definite assignment of
//! `let x;`), `format.rs` (macros), `consts.rs`
//! (constant folding), `mono.rs` (instances, type interning, fix-up,
//! pruning).

mod builtins;
mod call;
mod closures;
mod collections;
mod consts;
mod ctx;
mod exhaust;
mod init;
mod expr;
mod format;
mod items;
mod loops;
mod mono;
mod patterns;
mod place;
mod prepass;
mod stmt;
mod sync;
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

/// Checks `program` (parsed from `source`, the text of `file`) against
/// `prelude` and lowers both to IR. `file` is the name recorded for panics;
/// `source` turns spans into the line and column numbers they report.
pub fn check(
    file: &str,
    source: &str,
    program: &ast::Program,
    prelude: &ast::Program,
) -> Result<gos_ir::Program, Vec<Diagnostic>> {
    check_source(file, source, program, prelude)
}

/// The same as [`check`] (kept as the name the checker's own tests use).
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
