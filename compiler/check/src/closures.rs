//! Closures and deferred calls: closure expressions (parameter types from
//! the expected `Fn` type, captures threaded through enclosing closures,
//! mutable captures in cells), and the evaluate-now-call-later thunks of
//! `go` and `defer`, which evaluate the callee, receiver and arguments
//! where they stand and capture the values.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{ExprKind, Place};

use crate::ctx::*;
use crate::types::Ty;

impl<'a> Checker<'a> {
    /// A `&mut` reference to the place `r` reads (or a temporary).
    pub fn make_ref_of(&mut self, r: ir::Expr, inner: Ty, span: Span) -> ir::Expr {
        let rt = Ty::Ref(true, Box::new(inner));
        match r.kind {
            ExprKind::Read(p) => self.mk(ExprKind::MakeRef(p), rt, span),
            ExprKind::Block { mut stmts, tail: Some(t) } => {
                let inner_ref = self.make_ref_of(*t, match &rt {
                    Ty::Ref(_, i) => (**i).clone(),
                    _ => Ty::Error,
                }, span);
                let ty = inner_ref.ty;
                stmts.shrink_to_fit();
                ir::Expr { kind: ExprKind::Block { stmts, tail: Some(Box::new(inner_ref)) }, ty, loc: r.loc }
            }
            _ => {
                // A temporary: a reference to a fresh cell holding it.
                let t = self.ty_of(&r);
                let cell_ty = Ty::Cell(Box::new(t.clone()));
                let c = self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::CellNew, args: vec![r] }, cell_ty, span);
                self.mk(ExprKind::MakeRef(Place::Cell(Box::new(c))), rt, span)
            }
        }
    }

    /// A closure expression.
    pub fn closure(&mut self, params: &'a [ast::ClosureParam], ret: Option<&'a ast::TypeExpr>, body: &'a ast::Expr, span: Span, expected: &Ty) -> ir::Expr {
        let (hint_ps, hint_r) = match self.shallow(expected) {
            Ty::Func(ps, r) if ps.len() == params.len() => (Some(ps), Some(*r)),
            _ => (None, None),
        };
        let sc = self.body_scope();
        let mut ptys = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let t = match &p.ty {
                Some(te) => {
                    let t = self.resolve_ty(te, &sc);
                    if let Some(h) = hint_ps.as_ref().and_then(|h| h.get(i)) {
                        self.cx.inf.unify(&t, h);
                    }
                    t
                }
                None => match hint_ps.as_ref().and_then(|h| h.get(i)) {
                    Some(h) => h.clone(),
                    None => self.cx.inf.var(),
                },
            };
            ptys.push(t);
        }
        let rt = match ret {
            Some(te) => self.resolve_ty(te, &sc),
            None => hint_r.unwrap_or_else(|| self.cx.inf.var()),
        };
        let func = self.reserve_func();
        let parent = self.frame_ref().name.clone();
        let n = self.frame().closures;
        self.frame().closures += 1;
        let name = format!("{}::{{closure#{}}}", parent, n);
        self.cx.frames.push(Frame { func: Some(func), name: name.clone(), ret: rt.clone(), ..Default::default() });
        self.push_scope();
        let mut locals = Vec::new();
        for (p, t) in params.iter().zip(&ptys) {
            let pname = match &p.pat.kind {
                ast::PatternKind::Ident { name, .. } => name.name.clone(),
                _ => "param".into(),
            };
            locals.push(self.new_local(&pname, t.clone(), false, false));
        }
        let mut stmts = Vec::new();
        for ((p, t), l) in params.iter().zip(&ptys).zip(locals) {
            match &p.pat.kind {
                ast::PatternKind::Ident { name, mutable, sub: None, .. } => {
                    if *mutable && self.cx.cell_names.contains(&name.name) {
                        let cl = self.bind_local(&name.name, t.clone(), true);
                        let r = self.read_local(l, span);
                        stmts.push(self.init_local(cl, r, span));
                        self.bind_name(&name.name, cl);
                    } else {
                        self.frame().locals[l as usize].mutable = *mutable;
                        self.bind_name(&name.name, l);
                    }
                }
                ast::PatternKind::Wild => {}
                _ => {
                    let mut binds = Vec::new();
                    stmts.extend(self.lower_irrefutable(&p.pat, l, t, &mut binds, "closure parameter"));
                    for (n, bl) in binds {
                        self.bind_name(&n, bl);
                    }
                }
            }
        }
        let b = self.expr(body, &rt);
        let b = self.coerce(b, &rt, body.span);
        if let Ty::Ref(..) = self.shallow(&self.ty_of(&b)) {
            self.err(body.span, "cannot return a reference");
        }
        let b = self.value(b);
        let b = if stmts.is_empty() {
            b
        } else {
            let t = self.ty_of(&b);
            self.mk(ExprKind::Block { stmts, tail: Some(Box::new(b)) }, t, span)
        };
        self.pop_scope();
        let frame = self.cx.frames.pop().unwrap_or_default();
        let env: Vec<ir::TypeId> = frame.captures.iter().map(|c| if c.info.cell { self.slot(Ty::Cell(Box::new(c.info.ty.clone()))) } else { self.slot(c.info.ty.clone()) }).collect();
        let ret_slot = self.slot(rt.clone());
        let f = ir::Function {
            name,
            params: params.len() as u32,
            locals: frame.locals.iter().map(|l| ir::Local { name: l.name.clone(), ty: l.slot }).collect(),
            ret: ret_slot,
            env: Some(env),
            body: b,
            loc: self.loc(span),
            track_caller: false,
        };
        self.cx.done.push((func, f));
        let mut caps = Vec::new();
        for c in &frame.captures {
            let v = if c.info.cell {
                let ct = Ty::Cell(Box::new(c.info.ty.clone()));
                match c.outer {
                    VarRef::Local(l) => self.mk(ExprKind::Read(Place::Local(ir::LocalId(l))), ct, span),
                    VarRef::Capture(i) => self.mk(ExprKind::Capture(i), ct, span),
                }
            } else {
                let r = self.read_var(c.outer, &c.info, span);
                self.value(r)
            };
            caps.push(v);
        }
        self.mk(ExprKind::MakeClosure { func, captures: caps }, Ty::Func(ptys, Box::new(rt)), span)
    }

    /// Evaluates a call's callee and arguments now and returns a closure of
    /// no parameters that performs the call with those values (`go`,
    /// `defer`).
    pub fn hoist_call(&mut self, call: ir::Expr, span: Span, what: &str) -> ir::Expr {
        let mut stmts = Vec::new();
        let mut caps = Vec::new();
        let mut env = Vec::new();
        let mut hoist = |c: &mut Self, e: ir::Expr| -> ir::Expr {
            let t = c.ty_of(&e);
            if let Ty::Ref(true, _) = c.shallow(&t) {
                c.err(span, format!("cannot pass a `&mut` reference to {}", what));
            }
            // The goroutine or deferred call gets its own copy of every
            // value taken out of a place, `&self` receivers included (§7:
            // the receiver and arguments are copied before it starts).
            let e = c.value(e);
            let (w, l) = c.temp(e, "arg");
            stmts.push(w);
            let r = c.read_local(l, span);
            caps.push(r);
            env.push(c.slot(t.clone()));
            c.mk(ExprKind::Capture(caps.len() as u32 - 1), t, span)
        };
        let ret_t = self.ty_of(&call);
        let body = match call.kind {
            ExprKind::Call { func, args } => {
                let args = args.into_iter().map(|a| hoist(self, a)).collect();
                ExprKind::Call { func, args }
            }
            ExprKind::CallClosure { callee, args } => {
                let c = hoist(self, *callee);
                let args = args.into_iter().map(|a| hoist(self, a)).collect();
                ExprKind::CallClosure { callee: Box::new(c), args }
            }
            ExprKind::Intrinsic { op, args } => {
                let args = args.into_iter().map(|a| hoist(self, a)).collect();
                ExprKind::Intrinsic { op, args }
            }
            ExprKind::Block { stmts: s, tail } if tail.is_some() => {
                // `|>` and friends: the temporaries stay outside.
                stmts.extend(s);
                let inner = self.hoist_call(*tail.unwrap_or_else(|| Box::new(ir::Expr { kind: ExprKind::Const(ir::Const::Unit), ty: call.ty, loc: call.loc })), span, what);
                return self.mk(ExprKind::Block { stmts, tail: Some(Box::new(inner)) }, Ty::Func(vec![], Box::new(Ty::Unit)), span);
            }
            other => {
                if !matches!(self.shallow(&ret_t), Ty::Error) {
                    self.err(span, format!("{} needs a function or method call", what));
                }
                other
            }
        };
        let call_e = self.mk(body, ret_t, span);
        let unit = self.unit(span);
        let body = self.mk(ExprKind::Block { stmts: vec![call_e], tail: Some(Box::new(unit)) }, Ty::Unit, span);
        let func = self.reserve_func();
        let parent = self.frame_ref().name.clone();
        let n = self.frame().closures;
        self.frame().closures += 1;
        let ret = self.slot(Ty::Unit);
        self.cx.done.push((
            func,
            ir::Function { name: format!("{}::{{closure#{}}}", parent, n), params: 0, locals: vec![], ret, env: Some(env), body, loc: self.loc(span), track_caller: false },
        ));
        let mc = self.mk(ExprKind::MakeClosure { func, captures: caps }, Ty::Func(vec![], Box::new(Ty::Unit)), span);
        if stmts.is_empty() {
            mc
        } else {
            let t = self.ty_of(&mc);
            self.mk(ExprKind::Block { stmts, tail: Some(Box::new(mc)) }, t, span)
        }
    }

    /// `go f(a)`, `go obj.m(x)`, `go { … }`.
    pub fn go_expr(&mut self, x: &'a ast::Expr, span: Span) -> ir::Expr {
        let clo = match &x.kind {
            ast::ExprKind::Block(_) => {
                let c = self.closure(&[], None, x, span, &Ty::Func(vec![], Box::new(Ty::Unit)));
                c
            }
            ast::ExprKind::Call { .. } | ast::ExprKind::MethodCall { .. } => {
                let call = self.expr(x, &Ty::Error);
                self.hoist_call(call, span, "a goroutine")
            }
            _ => {
                self.err(span, "`go` needs a function call or a block");
                return self.error_expr(span);
            }
        };
        self.mk(ExprKind::Go(Box::new(clo)), Ty::Unit, span)
    }

    /// `defer f(a)`.
    pub fn defer_expr(&mut self, x: &'a ast::Expr, span: Span) -> ir::Expr {
        let d = match self.frame_ref().defers {
            Some(d) => d,
            None => {
                self.err(span, "`defer` is only allowed in a function body");
                return self.error_expr(span);
            }
        };
        let clo = match &x.kind {
            ast::ExprKind::Call { .. } | ast::ExprKind::MethodCall { .. } | ast::ExprKind::MacroCall { .. } | ast::ExprKind::Pipe { .. } => {
                let call = self.expr(x, &Ty::Error);
                self.hoist_call(call, span, "a deferred call")
            }
            ast::ExprKind::Block(_) => self.closure(&[], None, x, span, &Ty::Func(vec![], Box::new(Ty::Unit))),
            _ => {
                self.err(span, "`defer` needs a function call");
                return self.error_expr(span);
            }
        };
        let ft = Ty::Func(vec![], Box::new(Ty::Unit));
        let v = self.mk(ExprKind::Read(Place::Local(d)), Ty::vec(ft), span);
        self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::VecPush, args: vec![v, clo] }, Ty::Unit, span)
    }
}
