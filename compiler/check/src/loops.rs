//! Loops: `while`, `while let`, `loop` (with `break value`), labels, and
//! `for`. Integer ranges lower to a counting `Loop` with `cond` and `step`
//! (the hot path of every benchmark: no iterator object, and an immutable,
//! uncaptured loop variable is the counter itself); vectors, arrays,
//! strings' `chars()`/`bytes()`, maps and sets lower to an index loop over a
//! vector evaluated once; anything else is driven through the prelude's
//! `Iter<T>`. Each iteration binds fresh variables.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind, LocalId, Place};

use crate::ctx::*;
use crate::init::InitState;
use crate::types::{IntK, Ty};

impl<'a> Checker<'a> {
    pub fn push_loop(&mut self, label: Option<&ast::Ident>, is_loop: bool) -> ir::LoopId {
        let id = self.new_loop_id();
        let bt = if is_loop { self.cx.inf.var() } else { Ty::Unit };
        let entry = self.init_now();
        let outer_locals = self.frame_ref().locals.len();
        self.frame().loops.push(LoopCx {
            id,
            label: label.map(|l| l.name.clone()),
            break_ty: bt,
            is_loop,
            broke: false,
            entry,
            at_break: InitState::dead(),
            at_continue: InitState::dead(),
            outer_locals,
            first_sets: Vec::new(),
        });
        id
    }

    /// The condition of the innermost loop is checked: its body starts
    /// here, and the loop is left from here when the condition fails.
    fn loop_tested(&mut self) {
        let now = self.init_now();
        if let Some(lc) = self.frame().loops.last_mut() {
            lc.entry = now;
        }
    }

    pub fn while_loop(&mut self, label: Option<&ast::Ident>, cond: &'a ast::Expr, body: &'a ast::Block, span: Span) -> ir::Expr {
        let id = self.push_loop(label, false);
        let c = self.check_expr(cond, &Ty::Bool);
        self.loop_tested();
        let b = self.block(body, &Ty::Unit);
        self.pop_loop(true);
        self.mk(ExprKind::Loop { id, cond: Some(Box::new(c)), body: Box::new(b), step: None }, Ty::Unit, span)
    }

    pub fn while_let(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, e: &'a ast::Expr, body: &'a ast::Block, span: Span) -> ir::Expr {
        let id = self.push_loop(label, false);
        let (w, cond) = self.refutable_binding(pat, e, span);
        self.loop_tested();
        let b = self.block(body, &Ty::Unit);
        self.pop_scope();
        self.pop_loop(true);
        let brk = self.mk(ExprKind::Break { id, value: None }, Ty::Never, span);
        let i = self.mk(ExprKind::If { cond: Box::new(cond), then: Box::new(b), else_: Some(Box::new(brk)) }, Ty::Unit, span);
        let body = self.mk(ExprKind::Block { stmts: vec![w, i], tail: None }, Ty::Unit, span);
        self.mk(ExprKind::Loop { id, cond: None, body: Box::new(body), step: None }, Ty::Unit, span)
    }

    pub fn loop_expr(&mut self, label: Option<&ast::Ident>, body: &'a ast::Block, span: Span, _expected: &Ty) -> ir::Expr {
        let id = self.push_loop(label, true);
        let b = self.block(body, &Ty::Unit);
        let lc = self.pop_loop(false);
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

    pub fn find_loop(&mut self, label: Option<&ast::Ident>, span: Span, what: &str) -> Option<usize> {
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
        let now = self.init_now();
        self.frame().loops[li].at_break.join(&now);
        self.mk(ExprKind::Break { id: lc.id, value: v }, Ty::Never, span)
    }

    pub fn continue_expr(&mut self, label: Option<&ast::Ident>, span: Span) -> ir::Expr {
        match self.find_loop(label, span, "continue") {
            Some(i) => {
                let id = self.frame_ref().loops[i].id;
                let now = self.init_now();
                self.frame().loops[i].at_continue.join(&now);
                self.mk(ExprKind::Continue { id }, Ty::Never, span)
            }
            None => self.error_expr(span),
        }
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
            (Ty::Receiver(_), None) => {
                // `for v in rx`: receive until closed and drained.
                let it = self.call_prelude("__recv_iter", vec![v], sp);
                return self.for_iter(label, pat, it, body, span);
            }
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
    pub fn for_range(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, lo: &'a ast::Expr, hi: &'a ast::Expr, inclusive: bool, body: &'a ast::Block, span: Span) -> ir::Expr {
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
        self.pop_loop(true);
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
    pub fn for_vec(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, vec: ir::Expr, et: Ty, enumerate: bool, body: &'a ast::Block, span: Span) -> ir::Expr {
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
        self.pop_loop(true);
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
    pub fn for_iter(&mut self, label: Option<&ast::Ident>, pat: &'a ast::Pattern, it: ir::Expr, body: &'a ast::Block, span: Span) -> ir::Expr {
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
        self.pop_loop(true);
        let body = self.mk(ExprKind::Block { stmts, tail: None }, Ty::Unit, span);
        let lp = self.mk(ExprKind::Loop { id, cond: None, body: Box::new(body), step: None }, Ty::Unit, span);
        self.mk(ExprKind::Block { stmts: vec![wit, lp], tail: None }, Ty::Unit, span)
    }
}
