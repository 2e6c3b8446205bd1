//! A syntactic pre-pass over a function body that decides which `mut`
//! variables must live in heap cells before the body is lowered: those a
//! closure or goroutine mentions (captured variables are shared by
//! reference, so a write on either side must be seen by the other), those
//! `&mut` refers to, and receivers of `&mut self` methods. It works on names,
//! ignoring shadowing, so it can only over-approximate: a variable made a
//! cell needlessly costs an allocation, never correctness. Deciding this
//! during lowering instead would need a second lowering of the code that
//! came before the capture.

use std::collections::HashSet;

use gos_syntax::ast::{self, ExprKind};

/// Visits every expression (pre-order), telling whether it sits inside a
/// closure or `go` body.
pub fn walk_expr(e: &ast::Expr, inside: bool, f: &mut dyn FnMut(&ast::Expr, bool)) {
    f(e, inside);
    let mut w = |x: &ast::Expr| walk_expr(x, inside, f);
    match &e.kind {
        ExprKind::Lit(_) | ExprKind::Path(_) | ExprKind::Error | ExprKind::Continue { .. } => {}
        ExprKind::Unary { expr, .. } | ExprKind::Field { expr, .. } | ExprKind::TupleField { expr, .. } | ExprKind::Try(expr) => w(expr),
        ExprKind::Cast { expr, .. } => w(expr),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs } | ExprKind::AssignOp { lhs, rhs, .. } | ExprKind::Pipe { lhs, rhs } => {
            w(lhs);
            w(rhs)
        }
        ExprKind::Index { expr, index } => {
            w(expr);
            w(index)
        }
        ExprKind::Call { callee, args } => {
            w(callee);
            args.iter().for_each(w)
        }
        ExprKind::MethodCall { receiver, args, .. } => {
            w(receiver);
            args.iter().for_each(w)
        }
        ExprKind::StructLit { fields, base, .. } => {
            fields.iter().for_each(|fi| w(&fi.value));
            if let Some(b) = base {
                w(b)
            }
        }
        ExprKind::Tuple(xs) | ExprKind::Array(xs) => xs.iter().for_each(w),
        ExprKind::MacroCall { args, .. } => args.iter().for_each(w),
        ExprKind::ArrayRepeat { value, count } => {
            w(value);
            w(count)
        }
        ExprKind::Block(b) => walk_block(b, inside, f),
        ExprKind::If { cond, then, else_ } => {
            w(cond);
            walk_block(then, inside, f);
            if let Some(x) = else_ {
                walk_expr(x, inside, f)
            }
        }
        ExprKind::IfLet { expr, then, else_, .. } => {
            w(expr);
            walk_block(then, inside, f);
            if let Some(x) = else_ {
                walk_expr(x, inside, f)
            }
        }
        ExprKind::While { cond, body, .. } => {
            w(cond);
            walk_block(body, inside, f)
        }
        ExprKind::WhileLet { expr, body, .. } | ExprKind::For { iter: expr, body, .. } => {
            w(expr);
            walk_block(body, inside, f)
        }
        ExprKind::Loop { body, .. } => walk_block(body, inside, f),
        ExprKind::Match { scrutinee, arms } => {
            w(scrutinee);
            for a in arms {
                if let Some(g) = &a.guard {
                    walk_expr(g, inside, f)
                }
                walk_expr(&a.body, inside, f)
            }
        }
        ExprKind::Closure { body, .. } => walk_expr(body, true, f),
        ExprKind::Go(x) => walk_expr(x, true, f),
        ExprKind::Defer(x) => w(x),
        ExprKind::Break { value, .. } | ExprKind::Return(value) => {
            if let Some(v) = value {
                w(v)
            }
        }
        ExprKind::Range { lo, hi, .. } => {
            if let Some(x) = lo {
                w(x)
            }
            if let Some(x) = hi {
                w(x)
            }
        }
        ExprKind::Select(arms) => {
            for a in arms {
                match &a.kind {
                    ast::SelectArmKind::Recv { rx, .. } => walk_expr(rx, inside, f),
                    ast::SelectArmKind::Send { tx, value } => {
                        walk_expr(tx, inside, f);
                        walk_expr(value, inside, f)
                    }
                    ast::SelectArmKind::Default => {}
                }
                walk_expr(&a.body, inside, f)
            }
        }
    }
}

pub fn walk_block(b: &ast::Block, inside: bool, f: &mut dyn FnMut(&ast::Expr, bool)) {
    for s in &b.stmts {
        match &s.kind {
            ast::StmtKind::Let { init: Some(e), .. } => walk_expr(e, inside, f),
            ast::StmtKind::Expr { expr, .. } => walk_expr(expr, inside, f),
            _ => {}
        }
    }
    if let Some(t) = &b.tail {
        walk_expr(t, inside, f)
    }
}

fn single_name(e: &ast::Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Path(p) if p.segments.len() == 1 => Some(&p.segments[0].ident.name),
        _ => None,
    }
}

/// Names of variables that must be cells if they are declared `mut`.
pub fn cell_names(decl: &ast::FnDecl, mut_self_methods: &HashSet<String>) -> HashSet<String> {
    let mut out = HashSet::new();
    if let Some(b) = &decl.body {
        walk_block(b, false, &mut |e, inside| match &e.kind {
            ExprKind::Path(_) if inside => {
                if let Some(n) = single_name(e) {
                    out.insert(n.to_string());
                }
            }
            ExprKind::Unary { op: ast::UnOp::RefMut, expr } => {
                if let Some(n) = single_name(expr) {
                    out.insert(n.to_string());
                }
            }
            ExprKind::MethodCall { receiver, method, .. } if mut_self_methods.contains(&method.name) => {
                if let Some(n) = single_name(receiver) {
                    out.insert(n.to_string());
                }
            }
            ExprKind::MacroCall { kind: _, args, .. } if inside => {
                // `{name}` placeholders capture too.
                if let Some(ast::Expr { kind: ExprKind::Lit(ast::Lit::Str(s)), .. }) = args.first() {
                    for part in s.split('{').skip(1) {
                        let name: String = part.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        if !name.is_empty() {
                            out.insert(name);
                        }
                    }
                }
            }
            _ => {}
        });
    }
    out
}
