//! The macros: `println!`, `print!`, `eprintln!`, `eprint!`, `format!`,
//! `panic!`, `assert!`, `assert_eq!`, `assert_ne!`, `unreachable!`,
//! `todo!`, `vec!`, and the variadic print functions (`println(a, b)`).
//! Format strings are parsed by `gos_abi::parse_format_string` (the same
//! parser the runtime's spec type comes from) into `ExprKind::Format`
//! pieces. Arguments are evaluated once each, in order, even when a
//! placeholder names one twice, as in Rust.

use gos_abi::{ArgRef, FmtSegment};
use gos_ir as ir;
use gos_syntax::ast::{self, MacroKind, Span};
use ir::{BinOp, ExprKind, FmtPiece};

use crate::ctx::*;
use crate::types::Ty;

impl<'a> Checker<'a> {
    fn str_const(&mut self, s: &str, span: Span) -> ir::Expr {
        self.mk(ExprKind::Const(ir::Const::Str(s.to_string())), Ty::Str, span)
    }

    fn panic_with(&mut self, msg: ir::Expr, span: Span) -> ir::Expr {
        self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::Panic, args: vec![msg] }, Ty::Never, span)
    }

    /// The span of byte `off` of a string literal's contents (best effort:
    /// escapes make the mapping inexact, so it points at the literal).
    fn fmt_span(&self, lit: &ast::Expr, _off: usize) -> Span {
        lit.span
    }

    /// Lowers a format string and its arguments to pieces; `None` after an
    /// error.
    pub fn format_pieces(&mut self, args: &'a [ast::Expr], span: Span) -> Option<(Vec<ir::Expr>, Vec<FmtPiece>)> {
        let first = match args.first() {
            Some(f) => f,
            None => return Some((vec![], vec![])),
        };
        let fmt = match &first.kind {
            ast::ExprKind::Lit(ast::Lit::Str(s)) => s.clone(),
            _ => {
                self.err(first.span, "format argument must be a string literal");
                for a in &args[1..] {
                    self.expr(a, &Ty::Error);
                }
                return None;
            }
        };
        let segs = match gos_abi::parse_format_string(&fmt) {
            Ok(s) => s,
            Err((off, msg)) => {
                let sp = self.fmt_span(first, off);
                self.err(sp, msg);
                for a in &args[1..] {
                    self.expr(a, &Ty::Error);
                }
                return None;
            }
        };
        // Positional and named (`name = value`) arguments, each into a
        // temporary so that it is evaluated once.
        let mut stmts = Vec::new();
        let mut positional: Vec<(u32, Span)> = Vec::new();
        let mut named: Vec<(String, u32, Span)> = Vec::new();
        for a in &args[1..] {
            if let ast::ExprKind::Assign { lhs, rhs } = &a.kind {
                if let ast::ExprKind::Path(p) = &lhs.kind {
                    if p.segments.len() == 1 {
                        let v = self.expr(rhs, &Ty::Error);
                        let v = self.autoderef(v, rhs.span);
                        let (w, l) = self.temp(v, "fmt");
                        stmts.push(w);
                        named.push((p.segments[0].ident.name.clone(), l, a.span));
                        continue;
                    }
                }
            }
            let v = self.expr(a, &Ty::Error);
            let v = self.autoderef(v, a.span);
            let (w, l) = self.temp(v, "fmt");
            stmts.push(w);
            positional.push((l, a.span));
        }
        let mut used = vec![false; positional.len()];
        let mut next = 0usize;
        let mut pieces = Vec::new();
        let mut max_wanted = 0usize;
        let mut bad = false;
        for seg in segs {
            match seg {
                FmtSegment::Lit(s) => pieces.push(FmtPiece::Lit(s)),
                FmtSegment::Arg { arg, spec } => {
                    let value = match arg {
                        ArgRef::Next | ArgRef::Index(_) => {
                            let i = match arg {
                                ArgRef::Index(i) => i,
                                _ => {
                                    next += 1;
                                    next - 1
                                }
                            };
                            max_wanted = max_wanted.max(i + 1);
                            match positional.get(i) {
                                Some((l, sp)) => {
                                    used[i] = true;
                                    let (l, sp) = (*l, *sp);
                                    self.read_local(l, sp)
                                }
                                None => {
                                    bad = true;
                                    continue;
                                }
                            }
                        }
                        ArgRef::Name(n) => {
                            if let Some((_, l, sp)) = named.iter().find(|(x, _, _)| *x == n) {
                                let (l, sp) = (*l, *sp);
                                self.read_local(l, sp)
                            } else if let Some((vr, info)) = self.lookup_var(&n, first.span) {
                                let r = self.read_var(vr, &info, first.span);
                                self.autoderef(r, first.span)
                            } else if let Some(Def::Const(c)) = self.lookup_global(self.cx.src, &n) {
                                self.value_of(crate::call::ValueRes::Const(c), first.span, &Ty::Error)
                            } else {
                                self.err(first.span, format!("cannot find value `{}` in this scope", n));
                                continue;
                            }
                        }
                    };
                    let t = self.shallow(&self.ty_of(&value));
                    if let Ty::Func(..) = t {
                        let r = self.render(&t);
                        self.err(value_span(&value, first.span), format!("`{}` doesn't implement `std::fmt::Display`", r));
                    }
                    pieces.push(FmtPiece::Arg { value, spec });
                }
            }
        }
        if bad {
            let n = positional.len();
            self.err(
                first.span,
                format!(
                    "{} positional argument{} in format string, but {}",
                    max_wanted,
                    if max_wanted == 1 { "" } else { "s" },
                    match n {
                        0 => "no arguments were given".to_string(),
                        1 => "there is 1 argument".to_string(),
                        n => format!("there are {} arguments", n),
                    }
                ),
            );
            return None;
        }
        if let Some(i) = used.iter().position(|u| !u) {
            let sp = positional[i].1;
            self.err(sp, if positional.len() - used.iter().filter(|u| **u).count() > 1 { "multiple unused formatting arguments" } else { "argument never used" });
            return None;
        }
        let _ = span;
        Some((stmts, pieces))
    }

    /// `format!`-like: a `String` expression.
    fn format_string(&mut self, args: &'a [ast::Expr], span: Span, suffix: &str) -> Option<ir::Expr> {
        let (stmts, mut pieces) = self.format_pieces(args, span)?;
        if !suffix.is_empty() {
            pieces.push(FmtPiece::Lit(suffix.to_string()));
        }
        let f = self.mk(ExprKind::Format(pieces), Ty::Str, span);
        Some(if stmts.is_empty() { f } else { self.mk(ExprKind::Block { stmts, tail: Some(Box::new(f)) }, Ty::Str, span) })
    }

    fn source_text(&self, span: Span) -> String {
        let _ = span;
        self.span_text(span)
    }

    pub fn macro_call(&mut self, kind: MacroKind, args: &'a [ast::Expr], repeat: bool, span: Span, expected: &Ty) -> ir::Expr {
        match kind {
            MacroKind::Println | MacroKind::Print | MacroKind::Eprintln | MacroKind::Eprint => {
                let nl = if matches!(kind, MacroKind::Println | MacroKind::Eprintln) { "\n" } else { "" };
                let s = match self.format_string(args, span, nl) {
                    Some(s) => s,
                    None => return self.error_expr(span),
                };
                let op = if matches!(kind, MacroKind::Println | MacroKind::Print) { ir::Intrinsic::PrintStdout } else { ir::Intrinsic::PrintStderr };
                self.mk(ExprKind::Intrinsic { op, args: vec![s] }, Ty::Unit, span)
            }
            MacroKind::Format => match self.format_string(args, span, "") {
                Some(s) => s,
                None => self.error_expr(span),
            },
            MacroKind::Panic | MacroKind::Unreachable | MacroKind::Todo => {
                let (base, sep) = match kind {
                    MacroKind::Panic => ("", ""),
                    MacroKind::Unreachable => ("internal error: entered unreachable code", ": "),
                    _ => ("not yet implemented", ": "),
                };
                let msg = if args.is_empty() {
                    let m = if kind == MacroKind::Panic { "explicit panic" } else { base };
                    self.str_const(m, span)
                } else {
                    match self.format_pieces(args, span) {
                        Some((stmts, mut pieces)) => {
                            if !base.is_empty() {
                                pieces.insert(0, FmtPiece::Lit(format!("{}{}", base, sep)));
                            }
                            let f = self.mk(ExprKind::Format(pieces), Ty::Str, span);
                            if stmts.is_empty() {
                                f
                            } else {
                                self.mk(ExprKind::Block { stmts, tail: Some(Box::new(f)) }, Ty::Str, span)
                            }
                        }
                        None => return self.error_expr(span),
                    }
                };
                self.panic_with(msg, span)
            }
            MacroKind::Assert => {
                let cond = match args.first() {
                    Some(c) => c,
                    None => {
                        self.err(span, "macro requires a boolean expression as an argument");
                        return self.error_expr(span);
                    }
                };
                let c = self.check_expr(cond, &Ty::Bool);
                let msg = if args.len() > 1 {
                    // The message is formatted only on the way to a panic:
                    // what it assigns is not assigned after the `assert!`.
                    let before = self.init_now();
                    let m = self.format_string(&args[1..], span, "");
                    self.init_restore(before);
                    match m {
                        Some(m) => m,
                        None => return self.error_expr(span),
                    }
                } else {
                    let text = self.source_text(cond.span);
                    self.str_const(&format!("assertion failed: {}", text), span)
                };
                let not = self.mk(ExprKind::Unary { op: ir::UnOp::Not, arg: Box::new(c) }, Ty::Bool, span);
                let p = self.panic_with(msg, span);
                self.mk(ExprKind::If { cond: Box::new(not), then: Box::new(p), else_: None }, Ty::Unit, span)
            }
            MacroKind::AssertEq | MacroKind::AssertNe => {
                if args.len() < 2 {
                    self.err(span, format!("`{}` needs two arguments", if kind == MacroKind::AssertEq { "assert_eq!" } else { "assert_ne!" }));
                    return self.error_expr(span);
                }
                let a = self.expr(&args[0], &Ty::Error);
                let a = self.autoderef(a, args[0].span);
                let at = self.ty_of(&a);
                let b = self.check_expr(&args[1], &at);
                let b = self.autoderef(b, args[1].span);
                let (wa, la) = self.temp(a, "left");
                let (wb, lb) = self.temp(b, "right");
                let ra = self.read_local(la, span);
                let rb = self.read_local(lb, span);
                let eq = kind == MacroKind::AssertEq;
                let op = if eq { BinOp::Ne } else { BinOp::Eq };
                let fails = self.mk(ExprKind::Binary { op, lhs: Box::new(ra), rhs: Box::new(rb) }, Ty::Bool, span);
                let mut pieces = vec![FmtPiece::Lit(format!("assertion `left {} right` failed", if eq { "==" } else { "!=" }))];
                let mut stmts = vec![wa, wb];
                if args.len() > 2 {
                    match self.format_pieces(&args[2..], span) {
                        Some((s, p)) => {
                            stmts.extend(s);
                            pieces.push(FmtPiece::Lit(": ".into()));
                            pieces.extend(p);
                        }
                        None => return self.error_expr(span),
                    }
                }
                let dbg = ir::FormatSpec { debug: true, ..Default::default() };
                pieces.push(FmtPiece::Lit("\n  left: ".into()));
                let ra = self.read_local(la, span);
                pieces.push(FmtPiece::Arg { value: ra, spec: dbg.clone() });
                pieces.push(FmtPiece::Lit("\n right: ".into()));
                let rb = self.read_local(lb, span);
                pieces.push(FmtPiece::Arg { value: rb, spec: dbg });
                let msg = self.mk(ExprKind::Format(pieces), Ty::Str, span);
                let p = self.panic_with(msg, span);
                let i = self.mk(ExprKind::If { cond: Box::new(fails), then: Box::new(p), else_: None }, Ty::Unit, span);
                stmts.push(i);
                self.mk(ExprKind::Block { stmts, tail: None }, Ty::Unit, span)
            }
            MacroKind::Vec => self.vec_macro(args, repeat, span, expected),
        }
    }

    fn vec_macro(&mut self, args: &'a [ast::Expr], repeat: bool, span: Span, expected: &Ty) -> ir::Expr {
        let et = match self.shallow(expected) {
            Ty::Vec(t) => *t,
            _ => self.cx.inf.var(),
        };
        let vt = Ty::vec(et.clone());
        if repeat && args.len() == 2 {
            let v = self.check_expr(&args[0], &et);
            let v = self.stored_value(v, args[0].span);
            let n = self.expr(&args[1], &Ty::Int(crate::types::IntK::Usize));
            let n = self.autoderef(n, args[1].span);
            if !self.is_int_like(&self.ty_of(&n)) {
                let t = self.ty_of(&n);
                self.mismatch(&Ty::Int(crate::types::IntK::Usize), &t, args[1].span);
            }
            let n = self.to_i64(n);
            return self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::VecRepeat, args: vec![v, n] }, vt, span);
        }
        let cap = self.int_const(args.len() as i64, span);
        let new = self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::VecNew, args: vec![cap] }, vt.clone(), span);
        if args.is_empty() {
            return new;
        }
        let (w, l) = self.temp(new, "vec");
        let mut stmts = vec![w];
        for a in args {
            let v = self.check_expr(a, &et);
            let v = self.stored_value(v, a.span);
            let r = self.read_local(l, span);
            stmts.push(self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::VecPush, args: vec![r, v] }, Ty::Unit, a.span));
        }
        let r = self.read_local(l, span);
        self.mk(ExprKind::Block { stmts, tail: Some(Box::new(r)) }, vt, span)
    }

    /// `println(a, b)` and friends: each argument with `{}`, joined by one
    /// space.
    pub fn print_fn(&mut self, name: &str, args: &'a [ast::Expr], extra: Vec<ir::Expr>, span: Span) -> ir::Expr {
        let mut pieces = Vec::new();
        let mut vals = Vec::new();
        for a in args {
            let v = self.expr(a, &Ty::Error);
            vals.push(self.autoderef(v, a.span));
        }
        vals.extend(extra);
        for (i, v) in vals.into_iter().enumerate() {
            if i > 0 {
                pieces.push(FmtPiece::Lit(" ".into()));
            }
            pieces.push(FmtPiece::Arg { value: v, spec: ir::FormatSpec::default() });
        }
        if name.ends_with("ln") {
            pieces.push(FmtPiece::Lit("\n".into()));
        }
        let s = self.mk(ExprKind::Format(pieces), Ty::Str, span);
        let op = if name.starts_with('e') { ir::Intrinsic::PrintStderr } else { ir::Intrinsic::PrintStdout };
        self.mk(ExprKind::Intrinsic { op, args: vec![s] }, Ty::Unit, span)
    }
}

fn value_span(_e: &ir::Expr, fallback: Span) -> Span {
    fallback
}
