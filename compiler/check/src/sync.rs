//! The concurrency library of §7 as seen by the checker: `channel::<T>()`
//! and `channel::<T>(n)`, the methods of `Sender`, `Receiver`, `WaitGroup`,
//! `Mutex`, `AtomicI64` and `I64Vec`, and their constructors. Each maps to
//! one runtime intrinsic; the handles are references, so none of these
//! methods needs a `mut` receiver.

use gos_ir as ir;
use gos_ir::Intrinsic as I;
use gos_syntax::ast::{self, Span};
use ir::ExprKind;

use crate::call::Arg;
use crate::ctx::*;
use crate::types::{HandleK, Ty, VarKind};

impl<'a> Checker<'a> {
    /// `channel::<T>()` / `channel::<T>(n)`.
    pub fn channel_call(&mut self, generics: &[ast::TypeExpr], args: Vec<Arg<'a>>, span: Span, expected: &Ty) -> ir::Expr {
        let t = match generics.first() {
            Some(te) => {
                let sc = self.body_scope();
                self.resolve_ty(te, &sc)
            }
            None => match self.shallow(expected) {
                Ty::Tuple(ts) if ts.len() == 2 => match self.shallow(&ts[0]) {
                    Ty::Sender(t) => *t,
                    _ => self.cx.inf.var(),
                },
                _ => self.cx.inf.var(),
            },
        };
        let cap = if args.is_empty() {
            self.int_const(0, span)
        } else {
            let iv = self.cx.inf.fresh(VarKind::Int);
            let v = self.check_args(&[iv], args, span, "function");
            let v = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
            self.to_i64(v)
        };
        let rt = Ty::Tuple(vec![Ty::Sender(Box::new(t.clone())), Ty::Receiver(Box::new(t))]);
        self.mk(ExprKind::Intrinsic { op: I::ChanNew, args: vec![cap] }, rt, span)
    }

    /// `WaitGroup::new()`, `Mutex::new()`, `AtomicI64::new(v)`,
    /// `I64Vec::new(n)`.
    pub fn handle_new(&mut self, h: HandleK, name: &str, args: Vec<Arg<'a>>, span: Span) -> Option<ir::Expr> {
        if name != "new" {
            return None;
        }
        let t = Ty::Handle(h);
        Some(match h {
            HandleK::WaitGroup | HandleK::Mutex => {
                self.check_args(&[], args, span, "function");
                let op = if h == HandleK::WaitGroup { I::WaitGroupNew } else { I::MutexNew };
                self.mk(ExprKind::Intrinsic { op, args: vec![] }, t, span)
            }
            HandleK::AtomicI64 | HandleK::I64Vec => {
                let iv = self.cx.inf.fresh(VarKind::Int);
                let v = self.check_args(&[iv], args, span, "function");
                let v = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let v = self.to_i64(v);
                let op = if h == HandleK::AtomicI64 { I::AtomicNew } else { I::I64VecNew };
                self.mk(ExprKind::Intrinsic { op, args: vec![v] }, t, span)
            }
        })
    }

    /// A method of a channel handle or sync object.
    pub fn sync_method(&mut self, recv: ir::Expr, t: &Ty, name: &str, args: Vec<Arg<'a>>, span: Span) -> Option<ir::Expr> {
        let int = |c: &mut Self| c.cx.inf.fresh(VarKind::Int);
        let (op, params, ret): (I, Vec<Ty>, Ty) = match (t, name) {
            (Ty::Sender(x), "send") => (I::ChanSend, vec![(**x).clone()], Ty::Unit),
            (Ty::Sender(_), "close") => (I::ChanClose, vec![], Ty::Unit),
            (Ty::Receiver(x), "recv") => (I::ChanRecv, vec![], self.option_ty((**x).clone())),
            (Ty::Receiver(x), "try_recv") => (I::ChanTryRecv, vec![], self.option_ty((**x).clone())),
            (Ty::Receiver(_), "is_closed") => (I::ChanIsClosed, vec![], Ty::Bool),
            (Ty::Handle(HandleK::WaitGroup), "add") => (I::WaitGroupAdd, vec![int(self)], Ty::Unit),
            (Ty::Handle(HandleK::WaitGroup), "done") => (I::WaitGroupDone, vec![], Ty::Unit),
            (Ty::Handle(HandleK::WaitGroup), "wait") => (I::WaitGroupWait, vec![], Ty::Unit),
            (Ty::Handle(HandleK::Mutex), "lock") => (I::MutexLock, vec![], Ty::Unit),
            (Ty::Handle(HandleK::Mutex), "unlock") => (I::MutexUnlock, vec![], Ty::Unit),
            (Ty::Handle(HandleK::AtomicI64), "load") => (I::AtomicLoad, vec![], Ty::i64()),
            (Ty::Handle(HandleK::AtomicI64), "store") => (I::AtomicStore, vec![int(self)], Ty::Unit),
            (Ty::Handle(HandleK::AtomicI64), "fetch_add") => (I::AtomicFetchAdd, vec![int(self)], Ty::i64()),
            (Ty::Handle(HandleK::AtomicI64), "compare_exchange") => {
                let (a, b) = (int(self), int(self));
                (I::AtomicCompareExchange, vec![a, b], self.result_ty(Ty::i64(), Ty::i64()))
            }
            (Ty::Handle(HandleK::I64Vec), "len") => (I::I64VecLen, vec![], Ty::i64()),
            (Ty::Handle(HandleK::I64Vec), "get") => (I::I64VecGet, vec![int(self)], Ty::i64()),
            (Ty::Handle(HandleK::I64Vec), "set") => {
                let (a, b) = (int(self), int(self));
                (I::I64VecSet, vec![a, b], Ty::Unit)
            }
            (Ty::Handle(HandleK::I64Vec), "write_bytes_to_stdout") => {
                let (a, b) = (int(self), int(self));
                (I::I64VecWriteBytesToStdout, vec![a, b], Ty::Unit)
            }
            (Ty::Handle(HandleK::I64Vec), "write_le_bytes_to_stdout") => {
                let (a, b) = (int(self), int(self));
                (I::I64VecWriteLeBytesToStdout, vec![a, b], Ty::Unit)
            }
            (Ty::Receiver(_), _) => {
                // Iterator adapters on a receiver (`rx.iter()`,
                // `rx.map(…)`): drain it through an `Iter`.
                let it = self.call_prelude("__recv_iter", vec![recv], span);
                if name == "iter" || name == "into_iter" {
                    return Some(it);
                }
                let it_t = self.ty_of(&it);
                if let Some((f, impl_args)) = self.lookup_method(&self.shallow(&it_t), name) {
                    let targs = self.fn_type_args(f, impl_args, &[], span);
                    let mut all = vec![Arg::Ir(it, span)];
                    all.extend(args);
                    return Some(self.call_fn(f, targs, all, span));
                }
                let et = self.is_adt(&it_t, "Iter")?[0].clone();
                return self.iter_method(it, &et, name, &[], args, span, &Ty::Error);
            }
            _ => return None,
        };
        let vals = self.check_args(&params, args, span, "method");
        let mut all = vec![recv];
        for v in vals {
            let v = self.autoderef(v, span);
            // Integer operands of the runtime are `i64`.
            let v = if self.is_int_like(&self.ty_of(&v)) && !matches!(t, Ty::Sender(_)) { self.to_i64(v) } else { v };
            all.push(v);
        }
        Some(self.mk(ExprKind::Intrinsic { op, args: all }, ret, span))
    }
}

impl<'a> Checker<'a> {
    /// `select { v = rx.recv() => …, tx.send(x) => …, default => … }`:
    /// channels and sent values are evaluated in order, then one `Select`
    /// intrinsic picks the arm, and an `if` chain on its index runs it (a
    /// receive arm first binds `SelectRecvValue()`, a fresh `Option<T>`).
    pub fn select_expr(&mut self, arms: &'a [ast::SelectArm], span: Span, expected: &Ty) -> ir::Expr {
        let mut stmts = Vec::new();
        let mut args = Vec::new();
        let mut has_default = false;
        // Per arm: index among the channel arms (None for default), the
        // element type of a receive arm.
        let mut plan: Vec<(Option<i64>, Option<Ty>)> = Vec::new();
        let mut n = 0i64;
        for arm in arms {
            match &arm.kind {
                ast::SelectArmKind::Default => {
                    if has_default {
                        self.err(arm.span, "a `select` may have only one `default` arm");
                    }
                    has_default = true;
                    plan.push((None, None));
                }
                ast::SelectArmKind::Recv { rx, .. } => {
                    let chan = match &rx.kind {
                        ast::ExprKind::MethodCall { receiver, .. } => receiver.as_ref(),
                        _ => rx,
                    };
                    let c = self.expr(chan, &Ty::Error);
                    let c = self.autoderef(c, chan.span);
                    let et = match self.shallow(&self.ty_of(&c)) {
                        Ty::Receiver(t) => *t,
                        Ty::Error => Ty::Error,
                        t => {
                            let r = self.render(&t);
                            self.err(chan.span, format!("no method named `recv` found for type `{}`", r));
                            Ty::Error
                        }
                    };
                    let (w, l) = self.temp(c, "chan");
                    stmts.push(w);
                    let k = self.int_const(0, arm.span);
                    let ch = self.read_local(l, arm.span);
                    let z = self.int_const(0, arm.span);
                    args.extend([k, ch, z]);
                    plan.push((Some(n), Some(et)));
                    n += 1;
                }
                ast::SelectArmKind::Send { tx, value } => {
                    let c = self.expr(tx, &Ty::Error);
                    let c = self.autoderef(c, tx.span);
                    let et = match self.shallow(&self.ty_of(&c)) {
                        Ty::Sender(t) => *t,
                        Ty::Error => Ty::Error,
                        t => {
                            let r = self.render(&t);
                            self.err(tx.span, format!("no method named `send` found for type `{}`", r));
                            Ty::Error
                        }
                    };
                    let (w, l) = self.temp(c, "chan");
                    stmts.push(w);
                    let v = self.check_expr(value, &et);
                    let v = self.stored_value(v, value.span);
                    let (wv, lv) = self.temp(v, "sent");
                    stmts.push(wv);
                    let k = self.int_const(1, arm.span);
                    let ch = self.read_local(l, arm.span);
                    let vv = self.read_local(lv, arm.span);
                    args.extend([k, ch, vv]);
                    plan.push((Some(n), None));
                    n += 1;
                }
            }
        }
        let hd = self.mk(ExprKind::Const(ir::Const::Bool(has_default)), Ty::Bool, span);
        let cnt = self.int_const(n, span);
        args.insert(0, cnt);
        args.insert(0, hd);
        let sel = self.mk(ExprKind::Intrinsic { op: I::Select, args }, Ty::i64(), span);
        let (ws, idx) = self.temp(sel, "selected");
        stmts.push(ws);
        let result = if matches!(self.shallow(expected), Ty::Error | Ty::Var(_)) { self.cx.inf.var() } else { expected.clone() };
        let mut bodies = Vec::new();
        // Definite assignment: one of the arms runs.
        let before = self.init_now();
        let mut after_arms = crate::init::InitState::dead();
        for (arm, (k, et)) in arms.iter().zip(plan) {
            self.init_restore(before.clone());
            self.push_scope();
            let mut pre = Vec::new();
            if let (ast::SelectArmKind::Recv { binding, .. }, Some(et)) = (&arm.kind, et) {
                let ot = self.option_ty(et);
                let got = self.mk(ExprKind::Intrinsic { op: I::SelectRecvValue, args: vec![] }, ot.clone(), arm.span);
                match binding {
                    Some(p) => {
                        let (w, l) = self.temp(got, "received");
                        pre.push(w);
                        let mut binds = Vec::new();
                        pre.extend(self.lower_irrefutable(p, l, &ot, &mut binds, "`select` binding"));
                        for (nm, bl) in binds {
                            self.bind_name(&nm, bl);
                        }
                    }
                    None => pre.push(got),
                }
            }
            let b = self.expr(&arm.body, &result);
            after_arms.join(&self.init_now());
            let bt = self.ty_of(&b);
            if !matches!(self.shallow(&bt), Ty::Never) && !self.cx.inf.unify(&result, &bt) {
                let (a, c) = (self.render(&result), self.render(&bt));
                self.err(arm.body.span, format!("`select` arms have incompatible types: expected `{}`, found `{}`", a, c));
            }
            self.pop_scope();
            let t = self.ty_of(&b);
            pre.push(b);
            let tail = pre.pop();
            let body = self.mk(ExprKind::Block { stmts: pre, tail: tail.map(Box::new) }, t, arm.span);
            bodies.push((k.unwrap_or(-1), body, arm.span));
        }
        self.init_restore(after_arms);
        let msg = self.mk(ExprKind::Const(ir::Const::Str("internal error: entered unreachable code".into())), Ty::Str, span);
        let mut acc = self.mk(ExprKind::Intrinsic { op: I::Panic, args: vec![msg] }, Ty::Never, span);
        for (k, body, sp) in bodies.into_iter().rev() {
            let r = self.read_local(idx, sp);
            let kc = self.int_const(k, sp);
            let c = self.mk(ExprKind::Binary { op: ir::BinOp::Eq, lhs: Box::new(r), rhs: Box::new(kc) }, Ty::Bool, sp);
            acc = self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(body), else_: Some(Box::new(acc)) }, result.clone(), sp);
        }
        self.mk(ExprKind::Block { stmts, tail: Some(Box::new(acc)) }, result, span)
    }
}
