//! Statements and control flow: function bodies (parameters, `defer`
//! bookkeeping), blocks and `let`, `if`/`if let`, the loops (ranges and
//! vectors lowered to counting loops that allocate nothing), `match`,
//! `break`/`continue`/`return` and `?`.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind, LocalId, Place};

use crate::ctx::*;
use crate::patterns::Step;
use crate::types::Ty;

/// Whether an expression statement computes a value and nothing else.
fn has_no_effect(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Lit(_) | ast::ExprKind::Path(_) | ast::ExprKind::Range { .. } => true,
        ast::ExprKind::Binary { lhs, rhs, .. } => has_no_effect(lhs) && has_no_effect(rhs) || is_pure(e),
        ast::ExprKind::Unary { op, expr } => !matches!(op, ast::UnOp::RefMut) && is_pure(expr),
        ast::ExprKind::Field { expr, .. } | ast::ExprKind::TupleField { expr, .. } | ast::ExprKind::Cast { expr, .. } => is_pure(expr),
        ast::ExprKind::Tuple(xs) | ast::ExprKind::Array(xs) => !xs.is_empty() && xs.iter().all(is_pure),
        _ => false,
    }
}

/// No calls, assignments or control flow inside.
fn is_pure(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Lit(_) | ast::ExprKind::Path(_) => true,
        ast::ExprKind::Binary { lhs, rhs, .. } => is_pure(lhs) && is_pure(rhs),
        ast::ExprKind::Unary { expr, .. } | ast::ExprKind::Field { expr, .. } | ast::ExprKind::TupleField { expr, .. } | ast::ExprKind::Cast { expr, .. } => is_pure(expr),
        ast::ExprKind::Tuple(xs) | ast::ExprKind::Array(xs) => xs.iter().all(is_pure),
        _ => false,
    }
}

fn contains_defer(b: &ast::Block) -> bool {
    let mut found = false;
    crate::prepass::walk_block(b, false, &mut |e, inside| {
        if !inside {
            if let ast::ExprKind::Defer(_) = e.kind {
                found = true;
            }
        }
    });
    found
}

impl<'a> Checker<'a> {
    pub fn push_scope(&mut self) {
        self.frame().scopes.push(Vec::new());
    }

    pub fn pop_scope(&mut self) {
        self.frame().scopes.pop();
    }

    /// A new variable for a binding: a cell if it is `mut` and captured or
    /// referred to.
    pub fn bind_local(&mut self, name: &str, ty: Ty, mutable: bool) -> u32 {
        let cell = mutable && self.cx.cell_names.contains(name);
        self.new_local(name, ty, mutable, cell)
    }

    /// The initialising write of a variable made by `bind_local`.
    pub fn init_local(&mut self, l: u32, value: ir::Expr, span: Span) -> ir::Expr {
        let info = self.frame_ref().locals[l as usize].clone();
        let value = if info.cell {
            let ct = Ty::Cell(Box::new(info.ty.clone()));
            self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::CellNew, args: vec![value] }, ct, span)
        } else {
            value
        };
        self.mk(ExprKind::Write { place: Place::Local(LocalId(l)), value: Box::new(value) }, Ty::Unit, span)
    }

    /// Lowers a function's parameters and body.
    pub fn lower_fn_body(&mut self, decl: &'a ast::FnDecl, params: &[Ty], ret: &Ty) -> ir::Expr {
        let body = match &decl.body {
            Some(b) => b,
            None => return self.unit(decl.span),
        };
        self.push_scope();
        let mut raw = Vec::new();
        let mut i = 0;
        if let Some(sp) = &decl.self_param {
            let m = matches!(sp.kind, ast::SelfKind::Value { mutable: true });
            let l = self.new_local("self", params[0].clone(), m, false);
            raw.push((l, None, sp.span));
            i = 1;
        }
        for p in &decl.params {
            let t = params.get(i).cloned().unwrap_or(Ty::Error);
            i += 1;
            let name = match &p.pat.kind {
                ast::PatternKind::Ident { name, .. } => name.name.clone(),
                _ => "param".into(),
            };
            let l = self.new_local(&name, t.clone(), false, false);
            if matches!(t, Ty::Ref(..)) {
                self.frame().locals[l as usize].is_ref = true;
            }
            raw.push((l, Some(&p.pat), p.span));
        }
        let mut stmts = Vec::new();
        for (l, pat, span) in raw {
            match pat {
                None => self.bind_name("self", l),
                Some(pat) => {
                    let t = self.frame_ref().locals[l as usize].ty.clone();
                    match &pat.kind {
                        ast::PatternKind::Ident { name, mutable, sub: None, .. } => {
                            if *mutable {
                                self.frame().locals[l as usize].mutable = true;
                            }
                            if *mutable && self.cx.cell_names.contains(&name.name) {
                                let cl = self.bind_local(&name.name, t, true);
                                let r = self.read_local(l, span);
                                let w = self.init_local(cl, r, span);
                                stmts.push(w);
                                self.bind_name(&name.name, cl);
                            } else {
                                self.bind_name(&name.name, l);
                            }
                        }
                        _ => {
                            let mut binds = Vec::new();
                            let steps = self.lower_irrefutable(pat, l, &t, &mut binds, "function parameter");
                            stmts.extend(steps);
                            for (n, bl) in binds {
                                self.bind_name(&n, bl);
                            }
                        }
                    }
                }
            }
        }
        if contains_defer(body) {
            let ft = Ty::Func(vec![], Box::new(Ty::Unit));
            let vt = Ty::vec(ft);
            let l = self.new_local("defers", vt.clone(), false, false);
            let zero = self.int_const(0, body.span);
            let v = self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::VecNew, args: vec![zero] }, vt, body.span);
            let w = self.mk(ExprKind::Write { place: Place::Local(LocalId(l)), value: Box::new(v) }, Ty::Unit, body.span);
            stmts.push(w);
            self.frame().defers = Some(LocalId(l));
        }
        let v = self.block(body, ret);
        let v = self.coerce_body(v, ret, body);
        let v = self.value(v);
        let v = self.with_defers_at_end(v, body.span);
        self.pop_scope();
        if stmts.is_empty() {
            v
        } else {
            let t = self.ty_of(&v);
            self.mk(ExprKind::Block { stmts, tail: Some(Box::new(v)) }, t, body.span)
        }
    }

    /// Coerces a body's value to the return type, pointing a missing tail
    /// at the closing brace as rustc does.
    pub fn coerce_body(&mut self, v: ir::Expr, ret: &Ty, body: &ast::Block) -> ir::Expr {
        let t = self.shallow(&self.ty_of(&v));
        if t == Ty::Unit && body.tail.is_none() && !matches!(self.shallow(ret), Ty::Unit | Ty::Error | Ty::Var(_)) {
            let r = self.render(ret);
            let sp = Span { lo: body.span.hi.saturating_sub(1), hi: body.span.hi };
            self.err(sp, format!("mismatched types: expected `{}`, found `()`", r));
            return v;
        }
        self.coerce(v, ret, body.span)
    }

    /// Runs pending defers after the body's value is computed.
    pub fn with_defers_at_end(&mut self, v: ir::Expr, span: Span) -> ir::Expr {
        let d = match self.frame_ref().defers {
            Some(d) => d,
            None => return v,
        };
        let t = self.ty_of(&v);
        if matches!(self.shallow(&t), Ty::Never) {
            return v;
        }
        let (w, tmp) = self.temp(v, "result");
        let run = self.run_defers(d, span);
        let r = self.read_local(tmp, span);
        self.mk(ExprKind::Block { stmts: vec![w, run], tail: Some(Box::new(r)) }, t, span)
    }

    /// `while let Some(f) = defers.pop() { f() }`
    pub fn run_defers(&mut self, d: LocalId, span: Span) -> ir::Expr {
        let ft = Ty::Func(vec![], Box::new(Ty::Unit));
        let id = self.new_loop_id();
        let vec = self.mk(ExprKind::Read(Place::Local(d)), Ty::vec(ft.clone()), span);
        let opt = self.option_ty(ft.clone());
        let pop = self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::VecPop, args: vec![vec] }, opt, span);
        let (w, t) = self.temp(pop, "deferred");
        let r = self.read_local(t, span);
        let tag = self.mk(ExprKind::EnumTag(Box::new(r)), Ty::i64(), span);
        let zero = self.int_const(0, span);
        let is_none = self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(tag), rhs: Box::new(zero) }, Ty::Bool, span);
        let brk = self.mk(ExprKind::Break { id, value: None }, Ty::Never, span);
        let test = self.mk(ExprKind::If { cond: Box::new(is_none), then: Box::new(brk), else_: None }, Ty::Unit, span);
        let r = self.read_local(t, span);
        let f = self.mk(ExprKind::EnumField { value: Box::new(r), variant: 1, index: 0 }, ft, span);
        let call = self.mk(ExprKind::CallClosure { callee: Box::new(f), args: vec![] }, Ty::Unit, span);
        let body = self.mk(ExprKind::Block { stmts: vec![w, test, call], tail: None }, Ty::Unit, span);
        self.mk(ExprKind::Loop { id, cond: None, body: Box::new(body), step: None }, Ty::Unit, span)
    }

    /// A block; its type is its tail's, `()` without one, or `!` when a
    /// statement diverges.
    pub fn block(&mut self, b: &'a ast::Block, expected: &Ty) -> ir::Expr {
        self.push_scope();
        let mut stmts = Vec::new();
        let mut diverges = false;
        for s in &b.stmts {
            let e = self.stmt(s);
            if let Some(e) = e {
                if matches!(self.shallow(&self.ty_of(&e)), Ty::Never) {
                    diverges = true;
                }
                stmts.push(e);
            }
        }
        let (tail, t) = match &b.tail {
            Some(t) => {
                let v = self.expr(t, expected);
                let vt = self.ty_of(&v);
                if matches!(self.shallow(expected), Ty::Unit) && !matches!(self.shallow(&vt), Ty::Unit | Ty::Never | Ty::Error) {
                    // A block expected to give `()` discards its tail; a
                    // tail computed only to be discarded is a mistake.
                    if has_no_effect(t) {
                        self.err(t.span, "expression statement has no effect");
                    }
                    stmts.push(v);
                    (None, if diverges { Ty::Never } else { Ty::Unit })
                } else if matches!(self.shallow(expected), Ty::Var(_) | Ty::Error) {
                    (Some(Box::new(v)), vt)
                } else {
                    // Check the tail where it stands, so that a mismatch
                    // points at the tail rather than at the whole block;
                    // after a reported mismatch the block is erroneous and
                    // the enclosing check stays silent.
                    let before = self.diags.len();
                    let v = self.coerce(v, expected, t.span);
                    let vt = if self.diags.len() > before { Ty::Error } else { self.ty_of(&v) };
                    (Some(Box::new(v)), vt)
                }
            }
            None => (None, if diverges { Ty::Never } else { Ty::Unit }),
        };
        self.pop_scope();
        self.mk(ExprKind::Block { stmts, tail }, t, b.span)
    }

    pub fn stmt(&mut self, s: &'a ast::Stmt) -> Option<ir::Expr> {
        match &s.kind {
            ast::StmtKind::Let { pat, ty, init } => Some(self.let_stmt(pat, ty.as_ref(), init.as_ref(), s.span)),
            ast::StmtKind::Expr { expr, .. } => {
                if has_no_effect(expr) {
                    self.err(expr.span, "expression statement has no effect");
                }
                Some(self.expr(expr, &Ty::Unit))
            }
            // Nested items were hoisted to the top level by `items.rs`.
            ast::StmtKind::Item(_) => None,
        }
    }

    pub fn let_stmt(&mut self, pat: &'a ast::Pattern, ty: Option<&ast::TypeExpr>, init: Option<&'a ast::Expr>, span: Span) -> ir::Expr {
        let declared = match ty {
            Some(t) => {
                let sc = self.body_scope();
                self.resolve_ty(t, &sc)
            }
            None => self.cx.inf.var(),
        };
        let init = match init {
            Some(e) => e,
            None => {
                // `let x;` (assigned later).
                if let ast::PatternKind::Ident { name, mutable, .. } = &pat.kind {
                    let l = self.bind_local(&name.name, declared, *mutable);
                    self.frame().locals[l as usize].deferred = true;
                    self.init_declare(l);
                    self.bind_name(&name.name, l);
                    return self.unit(span);
                }
                self.err(pat.span, "a pattern needs an initialiser");
                return self.unit(span);
            }
        };
        let v = self.check_expr(init, &declared);
        let vt = self.ty_of(&v);
        let is_ref = matches!(self.shallow(&declared), Ty::Ref(..)) || matches!(self.shallow(&vt), Ty::Ref(..));
        let t = if ty.is_some() { declared } else { vt };
        if let ast::PatternKind::Ident { name, mutable, sub: None, .. } = &pat.kind {
            if !self.names_unit_item(&name.name) {
                let v = self.value(v);
                let l = self.bind_local(&name.name, t, *mutable);
                self.frame().locals[l as usize].is_ref = is_ref;
                let w = self.init_local(l, v, span);
                self.bind_name(&name.name, l);
                return w;
            }
        }
        let (w, tmp) = self.temp(v, "let");
        let mut binds = Vec::new();
        let mut stmts = vec![w];
        stmts.extend(self.lower_irrefutable(pat, tmp, &t, &mut binds, "local binding"));
        for (n, l) in binds {
            self.bind_name(&n, l);
        }
        self.mk(ExprKind::Block { stmts, tail: None }, Ty::Unit, span)
    }

    /// Whether a single identifier names a unit variant, unit struct or
    /// constant (so a pattern of it is a test, not a binding).
    pub fn names_unit_item(&self, name: &str) -> bool {
        match self.lookup_global(self.cx.src, name) {
            Some(Def::Variant(id, vi)) => self.adts[id as usize].variants[vi as usize].kind == VKind::Unit,
            Some(Def::Adt(id)) => !self.adts[id as usize].is_enum && self.adts[id as usize].variants.first().map(|v| v.kind == VKind::Unit).unwrap_or(false),
            Some(Def::Const(_)) => true,
            _ => false,
        }
    }

    /// Joins the types of two branches.
    pub fn join(&mut self, a: &Ty, b: &Ty, span: Span) -> Ty {
        let (sa, sb) = (self.shallow(a), self.shallow(b));
        if sa == Ty::Never {
            return sb;
        }
        if sb == Ty::Never {
            return sa;
        }
        if !self.cx.inf.unify(&sa, &sb) {
            let (a, b) = (self.render(&sa), self.render(&sb));
            self.err(span, format!("`if` and `else` have incompatible types: expected `{}`, found `{}`", a, b));
            return Ty::Error;
        }
        sa
    }

    pub fn if_expr(&mut self, cond: &'a ast::Expr, then: &'a ast::Block, else_: Option<&'a ast::Expr>, span: Span, expected: &Ty) -> ir::Expr {
        let c = self.check_expr(cond, &Ty::Bool);
        // Definite assignment: each branch starts from the state after the
        // condition; a missing `else` assigns nothing.
        let before = self.init_now();
        match else_ {
            None => {
                let exp = self.shallow(expected);
                if !matches!(exp, Ty::Unit | Ty::Var(_) | Ty::Error | Ty::Never) {
                    // The `if` is the value of something non-`()`.
                    let th = self.block(then, expected);
                    self.init_join(&before);
                    if !matches!(self.shallow(&self.ty_of(&th)), Ty::Unit | Ty::Never | Ty::Error) {
                        self.err(span, "`if` may be missing an `else` clause");
                        return self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(th), else_: None }, Ty::Error, span);
                    }
                    return self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(th), else_: None }, Ty::Unit, span);
                }
                let th = self.block(then, &Ty::Unit);
                self.init_join(&before);
                self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(th), else_: None }, Ty::Unit, span)
            }
            Some(el) => {
                let th = self.block(then, expected);
                let after_then = std::mem::replace(&mut self.frame().init, before);
                let ev = self.expr(el, expected);
                self.init_join(&after_then);
                let (ta, tb) = (self.ty_of(&th), self.ty_of(&ev));
                let (th, ev) = self.unify_branches(th, ev, &ta, &tb);
                let t = self.join(&ta, &tb, el.span);
                self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(th), else_: Some(Box::new(ev)) }, t, span)
            }
        }
    }

    /// Branches where one side is a reference and the other a value read
    /// through it.
    pub fn unify_branches(&mut self, a: ir::Expr, b: ir::Expr, ta: &Ty, tb: &Ty) -> (ir::Expr, ir::Expr) {
        match (self.shallow(ta), self.shallow(tb)) {
            (Ty::Ref(..), Ty::Ref(..)) => (a, b),
            (Ty::Ref(..), _) => {
                let sp = Span::default();
                (self.deref_value(a, sp), b)
            }
            (_, Ty::Ref(..)) => {
                let sp = Span::default();
                let b = self.deref_value(b, sp);
                (a, b)
            }
            _ => (a, b),
        }
    }

    /// The shared head of `if let` and `while let`: evaluates `e` into a
    /// temporary, opens a scope, and binds the names of `pat` in it.
    /// Returns the temporary's initialisation and the test that `pat`
    /// matches; the caller closes the scope.
    pub fn refutable_binding(&mut self, pat: &'a ast::Pattern, e: &'a ast::Expr, span: Span) -> (ir::Expr, ir::Expr) {
        let v = self.expr(e, &Ty::Error);
        let v = self.autoderef(v, e.span);
        let t = self.ty_of(&v);
        let (w, tmp) = self.temp(v, "scrutinee");
        self.push_scope();
        let mut binds = Vec::new();
        let (steps, _) = self.lower_pattern(pat, &crate::patterns::Acc::Local(tmp, t.clone()), &t, &mut binds);
        let cond = self.steps_cond(steps, span);
        for (n, l) in &binds {
            self.bind_name(n, *l);
        }
        (w, cond)
    }

    pub fn if_let(&mut self, pat: &'a ast::Pattern, e: &'a ast::Expr, then: &'a ast::Block, else_: Option<&'a ast::Expr>, span: Span, expected: &Ty) -> ir::Expr {
        let (w, cond) = self.refutable_binding(pat, e, span);
        let before = self.init_now();
        let has_else = else_.is_some();
        let th = self.block(then, if has_else { expected } else { &Ty::Unit });
        self.pop_scope();
        let after_then = std::mem::replace(&mut self.frame().init, before);
        let (el, t) = match else_ {
            Some(el) => {
                let ev = self.expr(el, expected);
                let (ta, tb) = (self.ty_of(&th), self.ty_of(&ev));
                let t = self.join(&ta, &tb, el.span);
                (Some(Box::new(ev)), t)
            }
            None => (None, Ty::Unit),
        };
        self.init_join(&after_then);
        let i = self.mk(ExprKind::If { cond: Box::new(cond), then: Box::new(th), else_: el }, t.clone(), span);
        self.mk(ExprKind::Block { stmts: vec![w], tail: Some(Box::new(i)) }, t, span)
    }

    /// Combines pattern steps into one condition that also binds.
    pub fn steps_cond(&mut self, steps: Vec<Step>, span: Span) -> ir::Expr {
        let mut acc: Option<ir::Expr> = None;
        for s in steps {
            let e = match s {
                Step::Test(e) => e,
                Step::Bind(w) => {
                    let t = self.mk(ExprKind::Const(ir::Const::Bool(true)), Ty::Bool, span);
                    self.mk(ExprKind::Block { stmts: vec![w], tail: Some(Box::new(t)) }, Ty::Bool, span)
                }
            };
            acc = Some(match acc {
                None => e,
                Some(a) => self.mk(ExprKind::Logic { op: ir::LogicOp::And, lhs: Box::new(a), rhs: Box::new(e) }, Ty::Bool, span),
            });
        }
        acc.unwrap_or_else(|| self.mk(ExprKind::Const(ir::Const::Bool(true)), Ty::Bool, span))
    }

    pub fn return_expr(&mut self, v: Option<&'a ast::Expr>, span: Span) -> ir::Expr {
        let ret = self.frame_ref().ret.clone();
        let val = match v {
            Some(v) => {
                let x = self.check_expr(v, &ret);
                if let Ty::Ref(..) = self.shallow(&self.ty_of(&x)) {
                    self.err(v.span, "cannot return a reference");
                }
                self.value(x)
            }
            None => {
                if !self.cx.inf.unify(&ret, &Ty::Unit) {
                    let r = self.render(&ret);
                    self.err(span, format!("mismatched types: expected `{}`, found `()`", r));
                }
                self.unit(span)
            }
        };
        self.make_return(val, span)
    }

    /// `return v`, running defers first.
    pub fn make_return(&mut self, v: ir::Expr, span: Span) -> ir::Expr {
        match self.frame_ref().defers {
            None => self.mk(ExprKind::Return(Some(Box::new(v))), Ty::Never, span),
            Some(d) => {
                let (w, tmp) = self.temp(v, "result");
                let run = self.run_defers(d, span);
                let r = self.read_local(tmp, span);
                let ret = self.mk(ExprKind::Return(Some(Box::new(r))), Ty::Never, span);
                self.mk(ExprKind::Block { stmts: vec![w, run, ret], tail: None }, Ty::Never, span)
            }
        }
    }

    /// `e?` on `Result` and `Option`.
    pub fn try_expr(&mut self, e: &'a ast::Expr, span: Span) -> ir::Expr {
        let v = self.expr(e, &Ty::Error);
        let v = self.autoderef(v, e.span);
        let t = self.ty_of(&v);
        let ret = self.frame_ref().ret.clone();
        let (is_result, inner, err_ty) = if let Some(a) = self.is_adt(&t, "Result") {
            (true, a[0].clone(), a[1].clone())
        } else if let Some(a) = self.is_adt(&t, "Option") {
            (false, a[0].clone(), Ty::Unit)
        } else {
            if !t.is_error() {
                let r = self.render(&t);
                self.err(span, format!("the `?` operator can only be applied to values of type `Result` or `Option`, not `{}`", r));
            }
            return self.error_expr(span);
        };
        let ok = if is_result {
            match self.is_adt(&ret, "Result") {
                Some(ra) => {
                    if !self.cx.inf.unify(&ra[1], &err_ty) {
                        let (a, b) = (self.render(&ra[1]), self.render(&err_ty));
                        self.err(span, format!("`?` couldn't convert the error to `{}`: found `{}`", a, b));
                    }
                    true
                }
                None => false,
            }
        } else {
            self.is_adt(&ret, "Option").is_some()
        };
        if !ok {
            let r = self.render(&ret);
            self.err(
                span,
                format!(
                    "the `?` operator can only be used in a function that returns `Result` or `Option` (this function returns `{}`)",
                    r
                ),
            );
            return self.error_expr(span);
        }
        let (w, tmp) = self.temp(v, "try");
        let r = self.read_local(tmp, span);
        let tag = self.mk(ExprKind::EnumTag(Box::new(r)), Ty::i64(), span);
        // Result: Ok = 0, Err = 1. Option: None = 0, Some = 1.
        let bad_tag = if is_result { 1 } else { 0 };
        let bt = self.int_const(bad_tag, span);
        let is_bad = self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(tag), rhs: Box::new(bt) }, Ty::Bool, span);
        let early = if is_result {
            let r = self.read_local(tmp, span);
            let err = self.mk(ExprKind::EnumField { value: Box::new(r), variant: 1, index: 0 }, err_ty, span);
            self.mk(ExprKind::EnumNew { variant: 1, fields: vec![err] }, ret.clone(), span)
        } else {
            self.mk(ExprKind::EnumNew { variant: 0, fields: vec![] }, ret.clone(), span)
        };
        let retx = self.make_return(early, span);
        let test = self.mk(ExprKind::If { cond: Box::new(is_bad), then: Box::new(retx), else_: None }, Ty::Unit, span);
        let r = self.read_local(tmp, span);
        let good_variant = if is_result { 0 } else { 1 };
        let val = self.mk(ExprKind::EnumField { value: Box::new(r), variant: good_variant, index: 0 }, inner.clone(), span);
        self.mk(ExprKind::Block { stmts: vec![w, test], tail: Some(Box::new(val)) }, inner, span)
    }

    pub fn match_expr(&mut self, scrut: &'a ast::Expr, arms: &'a [ast::Arm], span: Span, expected: &Ty) -> ir::Expr {
        let v = self.expr(scrut, &Ty::Error);
        let v = self.autoderef(v, scrut.span);
        let t = self.ty_of(&v);
        let (w, tmp) = self.temp(v, "scrutinee");
        let result_ty = self.cx.inf.var();
        let mut lowered = Vec::new();
        let mut rows = Vec::new();
        let mut any_guard = false;
        let mut tys_of_bodies: Vec<Ty> = Vec::new();
        // Definite assignment: an arm is tried after the patterns and
        // guards of the arms before it failed; the match ends after one
        // of the arms.
        let mut tried = self.init_now();
        let mut after_arms = crate::init::InitState::dead();
        for arm in arms {
            self.init_restore(tried.clone());
            self.push_scope();
            let mut binds = Vec::new();
            let (steps, pat) = self.lower_pattern(&arm.pat, &crate::patterns::Acc::Local(tmp, t.clone()), &t, &mut binds);
            let cond = self.steps_cond(steps, arm.pat.span);
            for (n, l) in &binds {
                self.bind_name(n, *l);
            }
            let guard = arm.guard.as_ref().map(|g| self.check_expr(g, &Ty::Bool));
            tried.join(&self.init_now());
            if guard.is_none() {
                rows.push(pat);
            } else {
                any_guard = true;
            }
            let hint = if matches!(self.shallow(expected), Ty::Error | Ty::Var(_)) { result_ty.clone() } else { expected.clone() };
            let b = self.expr(&arm.body, &hint);
            let bt = self.ty_of(&b);
            let sb = self.shallow(&bt);
            if sb != Ty::Never {
                if !self.cx.inf.unify(&result_ty, &bt) {
                    let (a, c) = (self.render(&result_ty), self.render(&bt));
                    self.err(arm.body.span, format!("`match` arms have incompatible types: expected `{}`, found `{}`", a, c));
                }
            }
            tys_of_bodies.push(bt);
            after_arms.join(&self.init_now());
            self.pop_scope();
            lowered.push((cond, guard, b, arm.span));
        }
        let _ = tys_of_bodies;
        self.init_restore(after_arms);
        let all_never = lowered.iter().all(|(_, _, b, _)| matches!(self.shallow(&self.ty_of(b)), Ty::Never));
        let rt = if all_never && !arms.is_empty() {
            Ty::Never
        } else {
            result_ty.clone()
        };
        if arms.is_empty() {
            self.cx.inf.unify(&result_ty, &Ty::Never);
        }
        self.check_exhaustive(&rows, &t, scrut.span, span);
        let fallback_msg = self.mk(ExprKind::Const(ir::Const::Str("internal error: entered unreachable code".into())), Ty::Str, span);
        let fallback = self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::Panic, args: vec![fallback_msg] }, Ty::Never, span);
        let body = if !any_guard {
            // An `if` chain from the last arm up.
            let mut acc = fallback;
            for (cond, _, b, sp) in lowered.into_iter().rev() {
                acc = self.mk(ExprKind::If { cond: Box::new(cond), then: Box::new(b), else_: Some(Box::new(acc)) }, rt.clone(), sp);
            }
            acc
        } else {
            // With guards: a loop that breaks with the first arm whose
            // pattern and guard hold.
            let id = self.new_loop_id();
            let mut stmts = Vec::new();
            for (cond, guard, b, sp) in lowered {
                // Each arm's value is taken out as `value` would take the
                // match's (an `if` chain, where the consumer's `value` reaches
                // every arm; a `loop` it does not look into).
                let b = self.value(b);
                let brk = self.mk(ExprKind::Break { id, value: Some(Box::new(b)) }, Ty::Never, sp);
                let inner = match guard {
                    Some(g) => self.mk(ExprKind::If { cond: Box::new(g), then: Box::new(brk), else_: None }, Ty::Unit, sp),
                    None => brk,
                };
                let i = self.mk(ExprKind::If { cond: Box::new(cond), then: Box::new(inner), else_: None }, Ty::Unit, sp);
                stmts.push(i);
            }
            stmts.push(fallback);
            let body = self.mk(ExprKind::Block { stmts, tail: None }, Ty::Never, span);
            self.mk(ExprKind::Loop { id, cond: None, body: Box::new(body), step: None }, rt.clone(), span)
        };
        self.mk(ExprKind::Block { stmts: vec![w], tail: Some(Box::new(body)) }, rt, span)
    }

}
