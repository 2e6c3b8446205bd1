//! AST construction helpers for the grammar's actions.
//!
//! The grammar (`grammar.lalrpop`) says which token sequences form which
//! construct; this module does the small amount of work an action needs
//! beyond a struct literal: joining spans, telling a method call from a call
//! of a field, folding the statement list of a block into statements and a
//! tail, flattening `use` trees, classifying `select` arms, and naming the
//! built-in macros. Keeping that code here keeps the grammar readable and
//! lets these pieces have unit tests of their own.

use crate::ast::*;
use crate::lexer::Token;
use crate::SyntaxError;
use lalrpop_util::ParseError;

/// The error type of the grammar's fallible actions.
pub type ActionError = ParseError<usize, Token, SyntaxError>;

pub fn sp(lo: usize, hi: usize) -> Span {
    Span::new(lo, hi)
}

/// A user error for an action: a construct the grammar accepts so that it
/// can explain why it is wrong.
pub fn fail<T>(lo: usize, hi: usize, message: impl Into<String>) -> Result<T, ActionError> {
    Err(ParseError::User { error: SyntaxError { span: sp(lo, hi), message: message.into() } })
}

pub fn expr(kind: ExprKind, lo: usize, hi: usize) -> Expr {
    Expr { kind, span: sp(lo, hi) }
}

pub fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
}

pub fn assign_op(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr { kind: ExprKind::AssignOp { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
}

pub fn unary(op: UnOp, operand: Expr, lo: usize) -> Expr {
    let hi = operand.span.hi as usize;
    expr(ExprKind::Unary { op, expr: Box::new(operand) }, lo, hi)
}

/// `callee(args)`. A callee that is a field access written without
/// parentheses (`x.f(a)`) is a method call; `(x.f)(a)` calls the field.
/// The grammar cannot decide this with one token of lookahead, so it always
/// builds a call and this function converts it: a parenthesised expression
/// keeps the parentheses in its span, which is how the two are told apart.
pub fn call(callee: Expr, args: Vec<Expr>, hi: usize) -> Expr {
    let lo = callee.span.lo as usize;
    match callee.kind {
        ExprKind::Field { expr: receiver, name } if name.span.hi == callee.span.hi => {
            expr(ExprKind::MethodCall { receiver, method: name, turbofish: Vec::new(), args }, lo, hi)
        }
        kind => expr(ExprKind::Call { callee: Box::new(Expr { kind, span: callee.span }), args }, lo, hi),
    }
}

/// One piece of an expression path: a name, or a turbofish that attaches
/// generic arguments to the name before it.
pub enum PathPiece {
    Name(Ident),
    Generics(Vec<TypeExpr>),
}

pub fn expr_path(first: Ident, rest: Vec<PathPiece>, lo: usize, hi: usize) -> Result<Path, ActionError> {
    let mut segments = vec![PathSegment { ident: first, generics: Vec::new() }];
    for piece in rest {
        match piece {
            PathPiece::Name(ident) => segments.push(PathSegment { ident, generics: Vec::new() }),
            PathPiece::Generics(args) => {
                let last = segments.last_mut().expect("a path has a first segment");
                if !last.generics.is_empty() {
                    return fail(lo, hi, "a path segment takes one list of generic arguments");
                }
                last.generics = args;
            }
        }
    }
    Ok(Path { segments, span: sp(lo, hi) })
}

/// An item of a block as the grammar sees it, before the block is folded.
pub enum BlockItem {
    /// A written or inserted `;`.
    Semi,
    Stmt(Box<Stmt>),
    /// A block-like expression statement (`if`, `match`, a loop, a block)
    /// that needs no `;`; whether one follows is settled by `block`.
    BlockLike(Box<Expr>),
}

/// Folds a block's items: a `;` after a block-like statement sets its
/// `semi`, and a final block-like statement without one becomes the tail,
/// as in Rust (`fn f() -> i64 { if c { 1 } else { 2 } }`).
pub fn block(items: Vec<BlockItem>, tail: Option<Expr>, trailing: Option<Box<Stmt>>, lo: usize, hi: usize) -> Block {
    let mut stmts: Vec<Stmt> = Vec::with_capacity(items.len());
    let mut pending: Option<Box<Expr>> = None;
    for item in items {
        if let Some(e) = pending.take() {
            let semi = matches!(item, BlockItem::Semi);
            let span = e.span;
            stmts.push(Stmt { kind: StmtKind::Expr { expr: *e, semi }, span });
            if semi {
                continue;
            }
        }
        match item {
            BlockItem::Semi => {}
            BlockItem::Stmt(s) => stmts.push(*s),
            BlockItem::BlockLike(e) => pending = Some(e),
        }
    }
    let tail = match (pending, tail) {
        (Some(e), None) if trailing.is_none() => Some(e),
        (Some(e), t) => {
            let span = e.span;
            stmts.push(Stmt { kind: StmtKind::Expr { expr: *e, semi: false }, span });
            t.map(Box::new)
        }
        (None, t) => t.map(Box::new),
    };
    stmts.extend(trailing.map(|s| *s));
    Block { stmts, tail, span: sp(lo, hi) }
}

pub fn block_expr(b: Block) -> Expr {
    let span = b.span;
    Expr { kind: ExprKind::Block(b), span }
}

/// `use` trees flatten to one entry per imported name.
pub enum UseTree {
    Leaf { path: Vec<Ident>, alias: Option<Ident>, span: Span },
    Group { prefix: Vec<Ident>, trees: Vec<UseTree> },
}

pub fn flatten_use(tree: UseTree, prefix: &[Ident], out: &mut Vec<UseEntry>) {
    match tree {
        UseTree::Leaf { path, alias, span } => {
            let mut full = prefix.to_vec();
            // `use std::io::{self}` imports `std::io` itself.
            let is_self = path.len() == 1 && path[0].name == "self";
            if !is_self || full.is_empty() {
                full.extend(path);
            }
            out.push(UseEntry { path: full, alias, span });
        }
        UseTree::Group { prefix: inner, trees } => {
            let mut full = prefix.to_vec();
            full.extend(inner);
            for t in trees {
                flatten_use(t, &full, out);
            }
        }
    }
}

/// Classifies the head of a `select` arm, which the grammar parses as an
/// ordinary expression: `v = rx.recv()`, `rx.recv()`, `tx.send(x)` or
/// `default`.
pub fn select_arm(
    head: Expr,
    binding: Option<Pattern>,
    body: Expr,
    lo: usize,
    hi: usize,
) -> Result<SelectArm, ActionError> {
    let head_span = head.span;
    let bad = || {
        fail(
            head_span.lo as usize,
            head_span.hi as usize,
            "a select arm must be `v = rx.recv()`, `rx.recv()`, `tx.send(value)` or `default`",
        )
    };
    let kind = match head.kind {
        ExprKind::Path(p) if binding.is_none() && p.segments.len() == 1 && p.segments[0].ident.name == "default" => {
            SelectArmKind::Default
        }
        ExprKind::Assign { lhs, rhs } if binding.is_none() => {
            let pat = match lhs.kind {
                ExprKind::Path(p) if p.segments.len() == 1 && p.segments[0].generics.is_empty() => {
                    let name = p.segments.into_iter().next().expect("one segment").ident;
                    Pattern {
                        kind: PatternKind::Ident { name, mutable: false, by_ref: false, sub: None },
                        span: lhs.span,
                    }
                }
                _ => return bad(),
            };
            return select_arm(*rhs, Some(pat), body, lo, hi);
        }
        ExprKind::MethodCall { receiver, method, turbofish, mut args } if turbofish.is_empty() => {
            match (method.name.as_str(), args.len()) {
                ("recv", 0) => SelectArmKind::Recv {
                    binding,
                    rx: Expr { kind: ExprKind::MethodCall { receiver, method, turbofish, args }, span: head_span },
                },
                ("send", 1) if binding.is_none() => {
                    SelectArmKind::Send { tx: *receiver, value: args.pop().expect("one argument") }
                }
                _ => return bad(),
            }
        }
        _ => return bad(),
    };
    Ok(SelectArm { kind, body, span: sp(lo, hi) })
}

pub fn macro_kind(name: &str) -> Option<MacroKind> {
    Some(match name {
        "println" => MacroKind::Println,
        "print" => MacroKind::Print,
        "eprintln" => MacroKind::Eprintln,
        "eprint" => MacroKind::Eprint,
        "format" => MacroKind::Format,
        "panic" => MacroKind::Panic,
        "vec" => MacroKind::Vec,
        "assert" => MacroKind::Assert,
        "assert_eq" => MacroKind::AssertEq,
        "assert_ne" => MacroKind::AssertNe,
        "unreachable" => MacroKind::Unreachable,
        "todo" => MacroKind::Todo,
        _ => return None,
    })
}

pub fn macro_call(name: String, args: Vec<Expr>, repeat: bool, lo: usize, hi: usize) -> Result<Expr, ActionError> {
    match macro_kind(&name) {
        Some(MacroKind::Vec) => Ok(expr(ExprKind::MacroCall { kind: MacroKind::Vec, args, repeat }, lo, hi)),
        Some(_) if repeat => fail(lo, hi, format!("`{name}!` does not take a `[value; count]` argument")),
        Some(kind) => Ok(expr(ExprKind::MacroCall { kind, args, repeat }, lo, hi)),
        None => fail(lo, lo + name.len() + 1, format!("cannot find macro `{name}` in this scope")),
    }
}

/// `pub(crate)`, `pub(super)`, `pub(self)`: accepted and treated as `pub`.
pub fn check_visibility(scope: &str, lo: usize, hi: usize) -> Result<(), ActionError> {
    match scope {
        "crate" | "super" | "self" => Ok(()),
        _ => fail(lo, hi, format!("expected `crate`, `super` or `self` in visibility, found `{scope}`")),
    }
}

/// `Fn(A) -> R`, `FnMut`, `FnOnce`: the one form of a type written with
/// parentheses after a name.
pub fn closure_type(
    name: &str,
    params: Vec<TypeExpr>,
    ret: Option<TypeExpr>,
    lo: usize,
    hi: usize,
) -> Result<TypeExpr, ActionError> {
    match name {
        "Fn" | "FnMut" | "FnOnce" => {
            Ok(TypeExpr { kind: TypeExprKind::Closure { params, ret: ret.map(Box::new) }, span: sp(lo, hi) })
        }
        _ => fail(lo, hi, format!("expected `Fn`, `FnMut` or `FnOnce` before `(`, found `{name}`")),
    }
}

pub fn ident(name: impl Into<String>, lo: usize, hi: usize) -> Ident {
    Ident { name: name.into(), span: sp(lo, hi) }
}

pub fn path_type(path: Path) -> TypeExpr {
    let span = path.span;
    TypeExpr { kind: TypeExprKind::Path(path), span }
}

pub fn tuple_index(value: u128, suffix: Option<String>, lo: usize, hi: usize) -> Result<(u32, Span), ActionError> {
    if let Some(s) = suffix {
        return fail(lo, hi, format!("suffixes on a tuple index are invalid: `{s}`"));
    }
    match u32::try_from(value) {
        Ok(i) => Ok((i, sp(lo, hi))),
        Err(_) => fail(lo, hi, "tuple index is too large"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Expr {
        let path = Path { segments: vec![PathSegment { ident: ident(n, 0, 1), generics: vec![] }], span: sp(0, 1) };
        Expr { kind: ExprKind::Path(path), span: sp(0, 1) }
    }

    #[test]
    fn a_call_of_an_unparenthesised_field_is_a_method_call() {
        let field = expr(ExprKind::Field { expr: Box::new(name("x")), name: ident("f", 2, 3) }, 0, 3);
        assert!(matches!(call(field.clone(), vec![], 5).kind, ExprKind::MethodCall { .. }));
        let parenthesised = Expr { span: sp(0, 4), ..field };
        assert!(matches!(call(parenthesised, vec![], 6).kind, ExprKind::Call { .. }));
    }

    #[test]
    fn a_final_block_like_statement_becomes_the_tail() {
        let like = || BlockItem::BlockLike(Box::new(name("a")));
        let b = block(vec![like()], None, None, 0, 9);
        assert!(b.stmts.is_empty());
        assert!(b.tail.is_some());
        let b = block(vec![like(), BlockItem::Semi], None, None, 0, 9);
        assert!(matches!(b.stmts[0].kind, StmtKind::Expr { semi: true, .. }));
        assert!(b.tail.is_none());
        let b = block(vec![like()], Some(name("b")), None, 0, 9);
        assert!(matches!(b.stmts[0].kind, StmtKind::Expr { semi: false, .. }));
        assert!(b.tail.is_some());
    }

    #[test]
    fn use_groups_flatten() {
        let tree = UseTree::Group {
            prefix: vec![ident("std", 0, 3), ident("io", 5, 7)],
            trees: vec![
                UseTree::Leaf { path: vec![ident("self", 0, 0)], alias: None, span: sp(0, 0) },
                UseTree::Leaf { path: vec![ident("Write", 0, 0)], alias: Some(ident("W", 0, 0)), span: sp(0, 0) },
            ],
        };
        let mut out = Vec::new();
        flatten_use(tree, &[], &mut out);
        let paths: Vec<Vec<&str>> = out.iter().map(|e| e.path.iter().map(|i| i.name.as_str()).collect()).collect();
        assert_eq!(paths, vec![vec!["std", "io"], vec!["std", "io", "Write"]]);
        assert_eq!(out[1].alias.as_ref().map(|a| a.name.as_str()), Some("W"));
    }

    #[test]
    fn unknown_macros_are_errors() {
        assert!(macro_call("println".into(), vec![], false, 0, 1).is_ok());
        assert!(macro_call("dbg".into(), vec![], false, 0, 1).is_err());
        assert!(macro_call("println".into(), vec![], true, 0, 1).is_err());
    }
}
