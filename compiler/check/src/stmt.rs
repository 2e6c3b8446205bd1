//! Statements and control flow: function bodies (parameters, `defer`
//! bookkeeping), blocks and `let`, `if`/`if let`, the loops (ranges and
//! vectors lowered to counting loops that allocate nothing), `match`,
//! `break`/`continue`/`return` and `?`.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind, LocalId, Place};

use crate::ctx::*;
use crate::patterns::Step;
use crate::types::{IntK, Ty};

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
    fn with_defers_at_end(&mut self, v: ir::Expr, span: Span) -> ir::Expr {
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
                    // A block expected to give `()` discards its tail.
                    stmts.push(v);
                    (None, if diverges { Ty::Never } else { Ty::Unit })
                } else {
                    (Some(Box::new(v)), vt)
                }
            }
            None => (None, if diverges { Ty::Never } else { Ty::Unit }),
        };
        self.pop_scope();
        self.mk(ExprKind::Block { stmts, tail }, t, b.span)
    }

    fn stmt(&mut self, s: &'a ast::Stmt) -> Option<ir::Expr> {
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

    fn let_stmt(&mut self, pat: &'a ast::Pattern, ty: Option<&ast::TypeExpr>, init: Option<&'a ast::Expr>, span: Span) -> ir::Expr {
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
                    self.frame().locals[l as usize].uninit = true;
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
    fn join(&mut self, a: &Ty, b: &Ty, span: Span) -> Ty {
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
        match else_ {
            None => {
                let th = self.block(then, &Ty::Unit);
                self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(th), else_: None }, Ty::Unit, span)
            }
            Some(el) => {
                let th = self.block(then, expected);
                let ev = self.expr(el, expected);
                let (ta, tb) = (self.ty_of(&th), self.ty_of(&ev));
                let (th, ev) = self.unify_branches(th, ev, &ta, &tb);
                let t = self.join(&ta, &tb, el.span);
                self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(th), else_: Some(Box::new(ev)) }, t, span)
            }
        }
    }

    /// Branches where one side is a reference and the other a value read
    /// through it.
    fn unify_branches(&mut self, a: ir::Expr, b: ir::Expr, ta: &Ty, tb: &Ty) -> (ir::Expr, ir::Expr) {
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

    pub fn if_let(&mut self, pat: &'a ast::Pattern, e: &'a ast::Expr, then: &'a ast::Block, else_: Option<&'a ast::Expr>, span: Span, expected: &Ty) -> ir::Expr {
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
        let has_else = else_.is_some();
        let th = self.block(then, if has_else { expected } else { &Ty::Unit });
        self.pop_scope();
        let (el, t) = match else_ {
            Some(el) => {
                let ev = self.expr(el, expected);
                let (ta, tb) = (self.ty_of(&th), self.ty_of(&ev));
                let t = self.join(&ta, &tb, el.span);
                (Some(Box::new(ev)), t)
            }
            None => (None, Ty::Unit),
        };
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

    fn push_loop(&mut self, label: Option<&ast::Ident>, is_loop: bool) -> ir::LoopId {
        let id = self.new_loop_id();
        let bt = if is_loop { self.cx.inf.var() } else { Ty::Unit };
        self.frame().loops.push(LoopCx { id, label: label.map(|l| l.name.clone()), break_ty: bt, is_loop, broke: false });
        id
    }

    pub fn while_loop(&mut self, label: Option<&ast::Ident>, cond: &'a ast::Expr, body: &'a ast::Block, span: Span) -> ir::Expr {
        let id = self.push_loop(label, false);
        let c = self.check_expr(cond, &Ty::Bool);
        let b = self.block(body, &Ty::Unit);
        self.frame().loops.pop();
        self.mk(ExprKind::Loop { id, cond: Some(Box::new(c)), body: Box::new(b), step: None }, Ty::Unit, span)
    }

    pub fn while_let(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, e: &'a ast::Expr, body: &'a ast::Block, span: Span) -> ir::Expr {
        let id = self.push_loop(label, false);
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
        let b = self.block(body, &Ty::Unit);
        self.pop_scope();
        self.frame().loops.pop();
        let brk = self.mk(ExprKind::Break { id, value: None }, Ty::Never, span);
        let i = self.mk(ExprKind::If { cond: Box::new(cond), then: Box::new(b), else_: Some(Box::new(brk)) }, Ty::Unit, span);
        let body = self.mk(ExprKind::Block { stmts: vec![w, i], tail: None }, Ty::Unit, span);
        self.mk(ExprKind::Loop { id, cond: None, body: Box::new(body), step: None }, Ty::Unit, span)
    }

    pub fn loop_expr(&mut self, label: Option<&ast::Ident>, body: &'a ast::Block, span: Span, _expected: &Ty) -> ir::Expr {
        let id = self.push_loop(label, true);
        let b = self.block(body, &Ty::Unit);
        let lc = self.frame().loops.pop();
        let t = match lc {
            Some(lc) if lc.broke => {
                let s = self.shallow(&lc.break_ty);
                if let Ty::Var(_) = s {
                    self.cx.inf.unify(&s, &Ty::Unit);
                }
                lc.break_ty
            }
            _ => Ty::Never,
        };
        self.mk(ExprKind::Loop { id, cond: None, body: Box::new(b), step: None }, t, span)
    }

    fn find_loop(&mut self, label: Option<&ast::Ident>, span: Span, what: &str) -> Option<usize> {
        let loops = &self.frame_ref().loops;
        let found = match label {
            None => loops.len().checked_sub(1),
            Some(l) => loops.iter().rposition(|x| x.label.as_deref() == Some(l.name.as_str())),
        };
        if found.is_none() {
            match label {
                Some(l) => self.err(l.span, format!("use of undeclared label `'{}`", l.name.trim_start_matches('\''))),
                None => self.err(span, format!("`{}` outside of a loop", what)),
            }
        }
        found
    }

    pub fn break_expr(&mut self, label: Option<&ast::Ident>, value: Option<&'a ast::Expr>, span: Span) -> ir::Expr {
        let li = match self.find_loop(label, span, "break") {
            Some(i) => i,
            None => return self.error_expr(span),
        };
        let lc = self.frame_ref().loops[li].clone();
        // Tell the `loop` that owns this break that it is left.
        self.frame().loops[li].broke = true;
        let v = match value {
            Some(v) => {
                if !lc.is_loop {
                    self.err(span, "`break` with value from a `while` or `for` loop");
                }
                let x = self.check_expr(v, &lc.break_ty);
                Some(Box::new(self.stored_value(x, v.span)))
            }
            None => {
                if lc.is_loop && !self.cx.inf.unify(&lc.break_ty, &Ty::Unit) {
                    let r = self.render(&lc.break_ty);
                    self.err(span, format!("mismatched types: expected `{}`, found `()`", r));
                }
                None
            }
        };
        self.mk(ExprKind::Break { id: lc.id, value: v }, Ty::Never, span)
    }

    pub fn continue_expr(&mut self, label: Option<&ast::Ident>, span: Span) -> ir::Expr {
        match self.find_loop(label, span, "continue") {
            Some(i) => {
                let id = self.frame_ref().loops[i].id;
                self.mk(ExprKind::Continue { id }, Ty::Never, span)
            }
            None => self.error_expr(span),
        }
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
        for arm in arms {
            self.push_scope();
            let mut binds = Vec::new();
            let (steps, pat) = self.lower_pattern(&arm.pat, &crate::patterns::Acc::Local(tmp, t.clone()), &t, &mut binds);
            let cond = self.steps_cond(steps, arm.pat.span);
            for (n, l) in &binds {
                self.bind_name(n, *l);
            }
            let guard = arm.guard.as_ref().map(|g| self.check_expr(g, &Ty::Bool));
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
            self.pop_scope();
            lowered.push((cond, guard, b, arm.span));
        }
        let _ = tys_of_bodies;
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

    /// `for pat in iter { body }`.
    pub fn for_loop(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, iter: &'a ast::Expr, body: &'a ast::Block, span: Span) -> ir::Expr {
        // Integer ranges: a counting loop.
        if let ast::ExprKind::Range { lo: Some(lo), hi: Some(hi), inclusive } = &iter.kind {
            return self.for_range(label, pat, lo, hi, *inclusive, body, span);
        }
        // Peel `&v`, `v.iter()`, `.into_iter()`, and note `.enumerate()`.
        let mut src = iter;
        let mut enumerate = false;
        if let ast::ExprKind::MethodCall { receiver, method, args, .. } = &src.kind {
            if method.name == "enumerate" && args.is_empty() {
                if let ast::ExprKind::MethodCall { method: m2, args: a2, .. } = &receiver.kind {
                    if matches!(m2.name.as_str(), "iter" | "into_iter" | "chars" | "bytes") && a2.is_empty() {
                        enumerate = true;
                        src = receiver;
                    }
                }
            }
        }
        let mut kind = None;
        let mut inner = src;
        loop {
            match &inner.kind {
                ast::ExprKind::Unary { op: ast::UnOp::Ref | ast::UnOp::RefMut, expr } => inner = expr,
                ast::ExprKind::MethodCall { receiver, method, args, .. } if args.is_empty() && matches!(method.name.as_str(), "iter" | "into_iter" | "iter_mut") => {
                    inner = receiver;
                    kind = Some("iter");
                    break;
                }
                ast::ExprKind::MethodCall { receiver, method, args, .. } if args.is_empty() && matches!(method.name.as_str(), "chars" | "bytes") => {
                    inner = receiver;
                    kind = Some(if method.name == "chars" { "chars" } else { "bytes" });
                    break;
                }
                _ => break,
            }
        }
        let v = self.expr(inner, &Ty::Error);
        let v = self.autoderef(v, inner.span);
        let vt = self.shallow(&self.ty_of(&v));
        let sp = iter.span;
        let (vec, et) = match (&vt, kind) {
            (Ty::Vec(et), _) => (v, *et.clone()),
            (Ty::Array(et, _), _) => (v, *et.clone()),
            (Ty::Str, Some("chars")) => (self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::StrChars, args: vec![v] }, Ty::vec(Ty::Char), sp), Ty::Char),
            (Ty::Str, Some("bytes")) => {
                let u8t = Ty::Int(IntK::U8);
                (self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::StrBytes, args: vec![v] }, Ty::vec(u8t.clone()), sp), u8t)
            }
            (Ty::Map(k, val), _) => {
                let et = Ty::Tuple(vec![*k.clone(), *val.clone()]);
                (self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::MapEntries, args: vec![v] }, Ty::vec(et.clone()), sp), et)
            }
            (Ty::Set(x), _) => (self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::SetItems, args: vec![v] }, Ty::vec(*x.clone()), sp), *x.clone()),
            _ => {
                if enumerate || kind.is_some() {
                    // Not a collection after all: check the expression as
                    // written and iterate it.
                    let it = self.expr(iter, &Ty::Error);
                    return self.for_iter(label, pat, it, body, span);
                }
                return self.for_iter(label, pat, v, body, span);
            }
        };
        self.for_vec(label, pat, vec, et, enumerate, body, span)
    }

    #[allow(clippy::too_many_arguments)]
    fn for_range(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, lo: &'a ast::Expr, hi: &'a ast::Expr, inclusive: bool, body: &'a ast::Block, span: Span) -> ir::Expr {
        let a = self.expr(lo, &Ty::Error);
        let a = self.autoderef(a, lo.span);
        let t = self.ty_of(&a);
        let b = self.check_expr(hi, &t);
        if !self.is_int_like(&t) {
            let r = self.render(&t);
            self.err(lo.span, format!("the trait bound `{}: Step` is not satisfied", r));
        }
        let id = self.push_loop(label, false);
        self.push_scope();
        // A plain immutable, uncaptured loop variable is the counter itself.
        let direct = match &pat.kind {
            ast::PatternKind::Ident { name, mutable: false, sub: None, .. } => !self.cx.cell_names.contains(&name.name) || true,
            ast::PatternKind::Wild => true,
            _ => false,
        };
        let captured = match &pat.kind {
            ast::PatternKind::Ident { name, .. } => self.cx.cell_names.contains(&name.name),
            _ => false,
        };
        // The counter is written only by the loop's step, so it is not
        // `mut` for the body (assigning the loop variable is an error).
        let counter = self.new_local("i", t.clone(), false, false);
        let (wend, end) = self.temp(b, "end");
        let init = self.mk(ExprKind::Write { place: Place::Local(LocalId(counter)), value: Box::new(a) }, Ty::Unit, span);
        let mut pre = Vec::new();
        if direct && !captured {
            if let ast::PatternKind::Ident { name, .. } = &pat.kind {
                self.bind_name(&name.name, counter);
            }
        } else {
            let mut binds = Vec::new();
            pre = self.lower_irrefutable(pat, counter, &t, &mut binds, "`for` loop binding");
            for (n, l) in binds {
                self.bind_name(&n, l);
            }
        }
        let bd = self.block(body, &Ty::Unit);
        self.pop_scope();
        self.frame().loops.pop();
        let body = if pre.is_empty() {
            bd
        } else {
            pre.push(bd);
            self.mk(ExprKind::Block { stmts: pre, tail: None }, Ty::Unit, span)
        };
        let ci = self.read_local(counter, span);
        let ce = self.read_local(end, span);
        let cmp = if inclusive { BinOp::Le } else { BinOp::Lt };
        let cond = self.mk(ExprKind::Binary { op: cmp, lhs: Box::new(ci), rhs: Box::new(ce) }, Ty::Bool, span);
        let ci = self.read_local(counter, span);
        let one = self.mk(ExprKind::Const(ir::Const::Int(1)), t.clone(), span);
        let inc = self.mk(ExprKind::Binary { op: BinOp::Add, lhs: Box::new(ci), rhs: Box::new(one) }, t.clone(), span);
        let mut step = self.mk(ExprKind::Write { place: Place::Local(LocalId(counter)), value: Box::new(inc) }, Ty::Unit, span);
        if inclusive {
            // Stop before incrementing past the end (`0..=u8::MAX`).
            let ci = self.read_local(counter, span);
            let ce = self.read_local(end, span);
            let at_end = self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(ci), rhs: Box::new(ce) }, Ty::Bool, span);
            let brk = self.mk(ExprKind::Break { id, value: None }, Ty::Never, span);
            step = self.mk(ExprKind::If { cond: Box::new(at_end), then: Box::new(brk), else_: Some(Box::new(step)) }, Ty::Unit, span);
        }
        let lp = self.mk(ExprKind::Loop { id, cond: Some(Box::new(cond)), body: Box::new(body), step: Some(Box::new(step)) }, Ty::Unit, span);
        self.mk(ExprKind::Block { stmts: vec![init, wend, lp], tail: None }, Ty::Unit, span)
    }

    #[allow(clippy::too_many_arguments)]
    fn for_vec(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, vec: ir::Expr, et: Ty, enumerate: bool, body: &'a ast::Block, span: Span) -> ir::Expr {
        let vt = self.ty_of(&vec);
        let is_array = matches!(self.shallow(&vt), Ty::Array(..));
        let (wv, vl) = self.temp(vec, "vec");
        let id = self.push_loop(label, false);
        self.push_scope();
        let counter = self.new_local("i", Ty::i64(), true, false);
        let zero = self.int_const(0, span);
        let init = self.mk(ExprKind::Write { place: Place::Local(LocalId(counter)), value: Box::new(zero) }, Ty::Unit, span);
        let len = match self.shallow(&vt) {
            Ty::Array(_, n) => self.int_const(n as i64, span),
            _ => {
                let r = self.read_local(vl, span);
                self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::VecLen, args: vec![r] }, Ty::i64(), span)
            }
        };
        let (wlen, lenl) = self.temp(len, "len");
        let r = self.read_local(vl, span);
        let ci = self.read_local(counter, span);
        let place = if is_array { Place::ArrayElem { arr: Box::new(r), index: Box::new(ci) } } else { Place::VecElem { vec: Box::new(r), index: Box::new(ci) } };
        let elem = self.mk(ExprKind::Read(place), et.clone(), span);
        let elem = self.value(elem);
        let (item, item_ty) = if enumerate {
            let ci = self.read_local(counter, span);
            let t = Ty::Tuple(vec![Ty::i64(), et.clone()]);
            (self.mk(ExprKind::Aggregate(vec![ci, elem]), t.clone(), span), t)
        } else {
            (elem, et)
        };
        let mut pre = Vec::new();
        match &pat.kind {
            ast::PatternKind::Ident { name, mutable, sub: None, .. } if !self.names_unit_item(&name.name) => {
                let l = self.bind_local(&name.name, item_ty.clone(), *mutable);
                pre.push(self.init_local(l, item, span));
                self.bind_name(&name.name, l);
            }
            _ => {
                let (w, tmp) = self.temp(item, "item");
                pre.push(w);
                let mut binds = Vec::new();
                pre.extend(self.lower_irrefutable(pat, tmp, &item_ty, &mut binds, "`for` loop binding"));
                for (n, l) in binds {
                    self.bind_name(&n, l);
                }
            }
        }
        let bd = self.block(body, &Ty::Unit);
        self.pop_scope();
        self.frame().loops.pop();
        pre.push(bd);
        let body = self.mk(ExprKind::Block { stmts: pre, tail: None }, Ty::Unit, span);
        let ci = self.read_local(counter, span);
        let ln = self.read_local(lenl, span);
        let cond = self.mk(ExprKind::Binary { op: BinOp::Lt, lhs: Box::new(ci), rhs: Box::new(ln) }, Ty::Bool, span);
        let ci = self.read_local(counter, span);
        let one = self.int_const(1, span);
        let inc = self.mk(ExprKind::Binary { op: BinOp::Add, lhs: Box::new(ci), rhs: Box::new(one) }, Ty::i64(), span);
        let step = self.mk(ExprKind::Write { place: Place::Local(LocalId(counter)), value: Box::new(inc) }, Ty::Unit, span);
        let lp = self.mk(ExprKind::Loop { id, cond: Some(Box::new(cond)), body: Box::new(body), step: Some(Box::new(step)) }, Ty::Unit, span);
        self.mk(ExprKind::Block { stmts: vec![wv, init, wlen, lp], tail: None }, Ty::Unit, span)
    }

    /// Any other iterator: the prelude's `Iter<T>`, driven by `next()`.
    fn for_iter(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, it: ir::Expr, body: &'a ast::Block, span: Span) -> ir::Expr {
        let it = self.autoderef(it, span);
        let t = self.ty_of(&it);
        let et = match self.is_adt(&t, "Iter") {
            Some(a) => a[0].clone(),
            None => {
                if !self.shallow(&t).is_error() {
                    let r = self.render(&t);
                    self.err(span, format!("`{}` is not an iterator", r));
                }
                return self.error_expr(span);
            }
        };
        let (wit, itl) = self.temp(it, "iter");
        let id = self.push_loop(label, false);
        self.push_scope();
        let r = self.read_local(itl, span);
        let next = self.call_prelude("__iter_next", vec![r], span);
        let (wn, nl) = self.temp(next, "next");
        let r = self.read_local(nl, span);
        let tag = self.mk(ExprKind::EnumTag(Box::new(r)), Ty::i64(), span);
        let zero = self.int_const(0, span);
        let is_none = self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(tag), rhs: Box::new(zero) }, Ty::Bool, span);
        let brk = self.mk(ExprKind::Break { id, value: None }, Ty::Never, span);
        let test = self.mk(ExprKind::If { cond: Box::new(is_none), then: Box::new(brk), else_: None }, Ty::Unit, span);
        let r = self.read_local(nl, span);
        let item = self.mk(ExprKind::EnumField { value: Box::new(r), variant: 1, index: 0 }, et.clone(), span);
        let mut stmts = vec![wn, test];
        match &pat.kind {
            ast::PatternKind::Ident { name, mutable, sub: None, .. } if !self.names_unit_item(&name.name) => {
                let l = self.bind_local(&name.name, et.clone(), *mutable);
                stmts.push(self.init_local(l, item, span));
                self.bind_name(&name.name, l);
            }
            _ => {
                let (w, tmp) = self.temp(item, "item");
                stmts.push(w);
                let mut binds = Vec::new();
                stmts.extend(self.lower_irrefutable(pat, tmp, &et, &mut binds, "`for` loop binding"));
                for (n, l) in binds {
                    self.bind_name(&n, l);
                }
            }
        }
        let bd = self.block(body, &Ty::Unit);
        stmts.push(bd);
        self.pop_scope();
        self.frame().loops.pop();
        let body = self.mk(ExprKind::Block { stmts, tail: None }, Ty::Unit, span);
        let lp = self.mk(ExprKind::Loop { id, cond: None, body: Box::new(body), step: None }, Ty::Unit, span);
        self.mk(ExprKind::Block { stmts: vec![wit, lp], tail: None }, Ty::Unit, span)
    }
}
