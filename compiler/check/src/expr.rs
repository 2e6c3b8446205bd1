//! Expressions: literals, paths, operators, fields, indexing, aggregates,
//! casts and coercions. Each `expr` call infers a type and emits IR in the
//! same step; `check_expr` additionally coerces the result to an expected
//! type (auto-reference, auto-dereference, `!`), which is where "mismatched
//! types" is reported. Control flow lives in `stmt.rs`, calls in `call.rs`.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind, Place};

use crate::ctx::*;
use crate::types::{IntK, Ty, VarKind};

/// The largest index of a pending call (see `call.rs`): function ids at or
/// above this are placeholders resolved in the fix-up.
pub const PENDING_BASE: u32 = 0x4000_0000;

impl<'a> Checker<'a> {
    /// Checks `e` with `expected` as a hint only.
    pub fn expr(&mut self, e: &'a ast::Expr, expected: &Ty) -> ir::Expr {
        let v = self.expr_kind(e, expected);
        // Nothing after an expression of type `!` runs (definite
        // assignment, `init.rs`).
        if matches!(self.shallow(&self.ty_of(&v)), Ty::Never) {
            self.init_diverge();
        }
        v
    }

    fn expr_kind(&mut self, e: &'a ast::Expr, expected: &Ty) -> ir::Expr {
        match &e.kind {
            ast::ExprKind::Lit(l) => self.lit(l, expected, e.span, false),
            ast::ExprKind::Path(p) => self.path_expr(p, e.span, expected),
            ast::ExprKind::Unary { op, expr } => self.unary(*op, expr, e.span, expected),
            ast::ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span, expected),
            ast::ExprKind::Assign { lhs, rhs } => self.assign(lhs, rhs, None, e.span),
            ast::ExprKind::AssignOp { op, lhs, rhs } => self.assign(lhs, rhs, Some(*op), e.span),
            ast::ExprKind::Call { callee, args } => self.call(callee, args, e.span, expected, None),
            ast::ExprKind::MethodCall { receiver, method, turbofish, args } => {
                self.method_call(receiver, method, turbofish, args, e.span, expected, None)
            }
            ast::ExprKind::Field { .. } | ast::ExprKind::TupleField { .. } | ast::ExprKind::Index { .. } => self.place_read(e),
            ast::ExprKind::StructLit { path, fields, base } => self.struct_lit(path, fields, base.as_deref(), e.span, expected),
            ast::ExprKind::Tuple(xs) => {
                if xs.is_empty() {
                    return self.unit(e.span);
                }
                let hints: Vec<Ty> = match self.shallow(expected) {
                    Ty::Tuple(ts) if ts.len() == xs.len() => ts,
                    _ => vec![Ty::Error; xs.len()],
                };
                let mut vals = Vec::new();
                let mut tys = Vec::new();
                for (x, h) in xs.iter().zip(hints) {
                    let v = self.expr(x, &h);
                    let v = self.stored_value(v, x.span);
                    tys.push(self.ty_of(&v));
                    vals.push(v);
                }
                self.mk(ExprKind::Aggregate(vals), Ty::Tuple(tys), e.span)
            }
            ast::ExprKind::Array(xs) => {
                let et = match self.shallow(expected) {
                    Ty::Array(t, _) => *t,
                    _ => self.cx.inf.var(),
                };
                let mut vals = Vec::new();
                for x in xs {
                    let v = self.check_expr(x, &et);
                    vals.push(self.stored_value(v, x.span));
                }
                self.mk(ExprKind::Aggregate(vals), Ty::Array(Box::new(et), xs.len() as u64), e.span)
            }
            ast::ExprKind::ArrayRepeat { value, count } => {
                let et = match self.shallow(expected) {
                    Ty::Array(t, _) => *t,
                    _ => self.cx.inf.var(),
                };
                let v = self.check_expr(value, &et);
                let src = self.cx.src;
                match self.const_usize(count, src) {
                    Some(n) => self.mk(ExprKind::ArrayRepeat(Box::new(v)), Ty::Array(Box::new(et), n), e.span),
                    None => self.error_expr(e.span),
                }
            }
            ast::ExprKind::MacroCall { kind, args, repeat } => self.macro_call(*kind, args, *repeat, e.span, expected),
            ast::ExprKind::Block(b) => self.block(b, expected),
            ast::ExprKind::If { cond, then, else_ } => self.if_expr(cond, then, else_.as_deref(), e.span, expected),
            ast::ExprKind::IfLet { pat, expr, then, else_ } => self.if_let(pat, expr, then, else_.as_deref(), e.span, expected),
            ast::ExprKind::While { label, cond, body } => self.while_loop(label.as_ref(), cond, body, e.span),
            ast::ExprKind::WhileLet { label, pat, expr, body } => self.while_let(label.as_ref(), pat, expr, body, e.span),
            ast::ExprKind::Loop { label, body } => self.loop_expr(label.as_ref(), body, e.span, expected),
            ast::ExprKind::For { label, pat, iter, body } => self.for_loop(label.as_ref(), pat, iter, body, e.span),
            ast::ExprKind::Match { scrutinee, arms } => self.match_expr(scrutinee, arms, e.span, expected),
            ast::ExprKind::Closure { params, ret, body, .. } => self.closure(params, ret.as_ref(), body, e.span, expected),
            ast::ExprKind::Break { label, value } => self.break_expr(label.as_ref(), value.as_deref(), e.span),
            ast::ExprKind::Continue { label } => self.continue_expr(label.as_ref(), e.span),
            ast::ExprKind::Return(v) => self.return_expr(v.as_deref(), e.span),
            ast::ExprKind::Try(x) => self.try_expr(x, e.span),
            ast::ExprKind::Cast { expr, ty } => self.cast(expr, ty, e.span),
            ast::ExprKind::Range { lo, hi, inclusive } => self.range_value(lo.as_deref(), hi.as_deref(), *inclusive, e.span),
            ast::ExprKind::Pipe { lhs, rhs } => self.pipe(lhs, rhs, e.span, expected),
            ast::ExprKind::Go(x) => self.go_expr(x, e.span),
            ast::ExprKind::Defer(x) => self.defer_expr(x, e.span),
            ast::ExprKind::Select(arms) => self.select_expr(arms, e.span, expected),
            ast::ExprKind::Error => self.error_expr(e.span),
        }
    }

    /// Checks `e` against `expected`, coercing.
    pub fn check_expr(&mut self, e: &'a ast::Expr, expected: &Ty) -> ir::Expr {
        let v = self.expr(e, expected);
        self.coerce(v, expected, e.span)
    }

    pub fn mismatch(&mut self, expected: &Ty, found: &Ty, span: Span) {
        let (a, b) = (self.render(expected), self.render(found));
        self.err(span, format!("mismatched types: expected `{}`, found `{}`", a, b));
    }

    /// Makes `v` acceptable where `expected` is wanted: `&T` accepts a `T`
    /// (no copy), a `T` accepts a `&T`, `&mut T` or `Box<T>` (read through).
    pub fn coerce(&mut self, v: ir::Expr, expected: &Ty, span: Span) -> ir::Expr {
        let exp = self.shallow(expected);
        let act = self.shallow(&self.ty_of(&v));
        match (&exp, &act) {
            (Ty::Error, _) | (_, Ty::Error) | (_, Ty::Never) => v,
            (Ty::Ref(false, t), Ty::Box(a)) => {
                if !self.cx.inf.unify(t, a) {
                    self.mismatch(&exp, &act, span);
                }
                self.deref_value(v, span)
            }
            (Ty::Ref(false, t), a) if !matches!(a, Ty::Ref(..)) => {
                if !self.cx.inf.unify(t, a) {
                    self.mismatch(&exp, &act, span);
                }
                // Passing `&T` never copies.
                match v.kind {
                    ExprKind::Copy(inner) => *inner,
                    _ => v,
                }
            }
            (Ty::Ref(false, t), Ty::Ref(true, a)) => {
                if !self.cx.inf.unify(t, a) {
                    self.mismatch(&exp, &act, span);
                }
                self.deref_value(v, span)
            }
            (e, Ty::Ref(_, a)) if !matches!(e, Ty::Ref(..) | Ty::Var(_)) => {
                if !self.cx.inf.unify(e, a) {
                    self.mismatch(&exp, &act, span);
                }
                let d = self.deref_value(v, span);
                self.value(d)
            }
            (e, Ty::Box(a)) if !matches!(e, Ty::Box(..) | Ty::Var(_)) && self.cx.inf.unify(e, a) => {
                let d = self.deref_value(v, span);
                self.value(d)
            }
            _ => {
                if !self.cx.inf.unify(&exp, &act) {
                    self.mismatch(&exp, &act, span);
                }
                v
            }
        }
    }

    /// Reads through one reference or box.
    pub fn deref_value(&mut self, v: ir::Expr, span: Span) -> ir::Expr {
        match self.shallow(&self.ty_of(&v)) {
            Ty::Ref(true, t) => self.mk(ExprKind::Read(Place::Deref(Box::new(v))), *t, span),
            Ty::Ref(false, t) => {
                self.set_ty(&v, *t);
                v
            }
            Ty::Box(t) => self.mk(ExprKind::Read(Place::Cell(Box::new(v))), *t, span),
            _ => v,
        }
    }

    /// Reads through every reference and box (operands, receivers).
    pub fn autoderef(&mut self, mut v: ir::Expr, span: Span) -> ir::Expr {
        for _ in 0..8 {
            match self.shallow(&self.ty_of(&v)) {
                Ty::Ref(..) | Ty::Box(_) => v = self.deref_value(v, span),
                _ => break,
            }
        }
        v
    }

    /// Marks a value taken out of a place as copied (the fix-up drops the
    /// copy unless the type is an aggregate). An enum's field is such a
    /// place too: enums are immutable and may share their fields with
    /// other holders (a map's `get` returns the stored value object), so
    /// `let mut p = m.get(k)?` must not write into the map.
    pub fn value(&mut self, v: ir::Expr) -> ir::Expr {
        match v.kind {
            ExprKind::Read(_) | ExprKind::Capture(_) | ExprKind::EnumField { .. } => {
                let t = self.ty_of(&v);
                let loc = v.loc;
                let ty = self.slot(t);
                ir::Expr { kind: ExprKind::Copy(Box::new(v)), ty, loc }
            }
            ExprKind::Block { stmts, tail: Some(t) } => {
                let t = self.value(*t);
                ir::Expr { kind: ExprKind::Block { stmts, tail: Some(Box::new(t)) }, ty: v.ty, loc: v.loc }
            }
            ExprKind::If { cond, then, else_: Some(el) } => {
                let then = self.value(*then);
                let el = self.value(*el);
                ir::Expr { kind: ExprKind::If { cond, then: Box::new(then), else_: Some(Box::new(el)) }, ty: v.ty, loc: v.loc }
            }
            _ => v,
        }
    }

    /// A value about to be stored in a field, element or collection: copied,
    /// and not a reference.
    pub fn stored_value(&mut self, v: ir::Expr, span: Span) -> ir::Expr {
        if let Ty::Ref(..) = self.shallow(&self.ty_of(&v)) {
            self.err(span, "cannot store a reference in a field");
        }
        self.value(v)
    }

    pub fn lit(&mut self, l: &ast::Lit, expected: &Ty, span: Span, negate: bool) -> ir::Expr {
        match l {
            ast::Lit::Int { value, suffix } => {
                let t = match suffix.as_deref() {
                    Some(s) => match IntK::from_name(s) {
                        Some(k) => Ty::Int(k),
                        None if s == "f64" || s == "f32" => {
                            let f = *value as f64;
                            let f = if negate { -f } else { f };
                            let t = if s == "f32" { Ty::Float(ir::FloatTy::F32) } else { Ty::f64() };
                            let e = self.mk(ExprKind::Const(ir::Const::F64(f)), t, span);
                            self.cx.lit_floats.insert(e.ty.0, f.to_string());
                            return e;
                        }
                        None => {
                            self.err(span, format!("invalid suffix `{}` for number literal", s));
                            Ty::Error
                        }
                    },
                    None => match self.shallow(expected) {
                        Ty::Int(k) => Ty::Int(k),
                        _ => self.cx.inf.fresh(VarKind::Int),
                    },
                };
                let v = if negate { -(*value as i128) } else { *value as i128 };
                let e = self.mk(ExprKind::Const(ir::Const::Int(v as i64)), t, span);
                self.cx.lit_ints.push((e.ty.0, v, span));
                e
            }
            ast::Lit::Float { text, suffix } => {
                let t = match suffix.as_deref() {
                    Some("f32") => Ty::Float(ir::FloatTy::F32),
                    Some("f64") => Ty::f64(),
                    _ => match self.shallow(expected) {
                        Ty::Float(k) => Ty::Float(k),
                        _ => self.cx.inf.fresh(VarKind::Float),
                    },
                };
                let mut f: f64 = match text.parse() {
                    Ok(f) => f,
                    Err(_) => {
                        self.err(span, format!("invalid float literal `{}`", text));
                        0.0
                    }
                };
                let mut text = text.clone();
                if negate {
                    f = -f;
                    text = format!("-{}", text);
                }
                let e = self.mk(ExprKind::Const(ir::Const::F64(f)), t, span);
                self.cx.lit_floats.insert(e.ty.0, text);
                e
            }
            ast::Lit::Bool(b) => self.mk(ExprKind::Const(ir::Const::Bool(*b)), Ty::Bool, span),
            ast::Lit::Char(c) => self.mk(ExprKind::Const(ir::Const::Char(*c)), Ty::Char, span),
            ast::Lit::Byte(b) => self.mk(ExprKind::Const(ir::Const::Int(*b as i64)), Ty::Int(IntK::U8), span),
            ast::Lit::Str(s) => self.mk(ExprKind::Const(ir::Const::Str(s.clone())), Ty::Str, span),
        }
    }

    fn unary(&mut self, op: ast::UnOp, x: &'a ast::Expr, span: Span, expected: &Ty) -> ir::Expr {
        match op {
            ast::UnOp::Neg => {
                if let ast::ExprKind::Lit(l @ (ast::Lit::Int { .. } | ast::Lit::Float { .. })) = &x.kind {
                    return self.lit(l, expected, span, true);
                }
                let v = self.expr(x, expected);
                let v = self.autoderef(v, x.span);
                let t = self.shallow(&self.ty_of(&v));
                let ok = match &t {
                    Ty::Int(k) => k.ir().signed(),
                    Ty::Float(_) | Ty::Error => true,
                    Ty::Var(i) => self.cx.inf.kind(*i) != VarKind::General,
                    _ => false,
                };
                if !ok {
                    let r = self.render(&t);
                    self.err(span, format!("cannot apply unary operator `-` to type `{}`", r));
                }
                self.mk(ExprKind::Unary { op: ir::UnOp::Neg, arg: Box::new(v) }, t, span)
            }
            ast::UnOp::Not => {
                let v = self.expr(x, expected);
                let v = self.autoderef(v, x.span);
                let t = self.shallow(&self.ty_of(&v));
                let ok = match &t {
                    Ty::Int(_) | Ty::Bool | Ty::Error => true,
                    Ty::Var(i) => self.cx.inf.kind(*i) == VarKind::Int,
                    _ => false,
                };
                if !ok {
                    let r = self.render(&t);
                    self.err(span, format!("cannot apply unary operator `!` to type `{}`", r));
                }
                self.mk(ExprKind::Unary { op: ir::UnOp::Not, arg: Box::new(v) }, t, span)
            }
            ast::UnOp::Deref => {
                let v = self.expr(x, &Ty::Error);
                match self.shallow(&self.ty_of(&v)) {
                    Ty::Ref(..) | Ty::Box(_) => self.deref_value(v, span),
                    // `*v` of a plain value is the value.
                    _ => v,
                }
            }
            ast::UnOp::Ref => {
                let hint = match self.shallow(expected) {
                    Ty::Ref(_, t) => *t,
                    t => t,
                };
                let v = self.expr(x, &hint);
                let v = match v.kind {
                    ExprKind::Copy(inner) => *inner,
                    _ => v,
                };
                let t = self.ty_of(&v);
                match self.shallow(&t) {
                    // `&&x`, `&str`: already a reference or a string.
                    Ty::Ref(..) | Ty::Str => v,
                    _ => {
                        self.set_ty(&v, Ty::Ref(false, Box::new(t)));
                        v
                    }
                }
            }
            ast::UnOp::RefMut => self.ref_mut(x, span),
        }
    }

    fn binary(&mut self, op: ast::BinOp, l: &'a ast::Expr, r: &'a ast::Expr, span: Span, expected: &Ty) -> ir::Expr {
        use ast::BinOp as B;
        if matches!(op, B::And | B::Or) {
            let a = self.check_expr(l, &Ty::Bool);
            // The right side may not run.
            let before = self.init_now();
            let b = self.check_expr(r, &Ty::Bool);
            self.init_join(&before);
            let lop = if op == B::And { ir::LogicOp::And } else { ir::LogicOp::Or };
            return self.mk(ExprKind::Logic { op: lop, lhs: Box::new(a), rhs: Box::new(b) }, Ty::Bool, span);
        }
        let cmp = matches!(op, B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge);
        let hint = if cmp { Ty::Error } else { expected.clone() };
        let a = self.expr(l, &hint);
        let a = self.autoderef(a, l.span);
        let at = self.ty_of(&a);
        let shift = matches!(op, B::Shl | B::Shr);
        let b = if shift { self.expr(r, &Ty::Error) } else { self.expr(r, &at) };
        let b = self.autoderef(b, r.span);
        let bt = self.ty_of(&b);
        let irop = match op {
            B::Add => BinOp::Add,
            B::Sub => BinOp::Sub,
            B::Mul => BinOp::Mul,
            B::Div => BinOp::Div,
            B::Rem => BinOp::Rem,
            B::BitAnd => BinOp::BitAnd,
            B::BitOr => BinOp::BitOr,
            B::BitXor => BinOp::BitXor,
            B::Shl => BinOp::Shl,
            B::Shr => BinOp::Shr,
            B::Eq => BinOp::Eq,
            B::Ne => BinOp::Ne,
            B::Lt => BinOp::Lt,
            B::Le => BinOp::Le,
            B::Gt => BinOp::Gt,
            B::Ge => BinOp::Ge,
            B::And | B::Or => BinOp::Eq,
        };
        let (ra, rb) = (self.render(&at), self.render(&bt));
        let op_msg = || match op {
            B::Add => format!("cannot add `{}` to `{}`", rb, ra),
            B::Sub => format!("cannot subtract `{}` from `{}`", rb, ra),
            B::Mul => format!("cannot multiply `{}` by `{}`", ra, rb),
            B::Div => format!("cannot divide `{}` by `{}`", ra, rb),
            B::Rem => format!("cannot calculate the remainder of `{}` divided by `{}`", ra, rb),
            B::Eq | B::Ne => format!("binary operation `{}` cannot be applied to type `{}`", if op == B::Eq { "==" } else { "!=" }, ra),
            _ => format!("no implementation for `{} {} {}`", ra, op_str(op), rb),
        };
        if shift {
            let ok_a = self.is_int_like(&at);
            let ok_b = self.is_int_like(&bt);
            if !ok_a || !ok_b {
                let m = op_msg();
                self.err(span, m);
            }
            return self.mk(ExprKind::Binary { op: irop, lhs: Box::new(a), rhs: Box::new(b) }, at, span);
        }
        if !self.cx.inf.unify(&at, &bt) {
            let m = if cmp { format!("mismatched types: expected `{}`, found `{}`", ra, rb) } else { op_msg() };
            self.err(span, m);
            let t = if cmp { Ty::Bool } else { Ty::Error };
            return self.mk(ExprKind::Binary { op: irop, lhs: Box::new(a), rhs: Box::new(b) }, t, span);
        }
        let t = self.shallow(&at);
        let ok = match op {
            B::Add => self.is_num_like(&t) || t == Ty::Str,
            B::Sub | B::Mul | B::Div | B::Rem => self.is_num_like(&t),
            B::BitAnd | B::BitOr | B::BitXor => self.is_int_like(&t) || t == Ty::Bool,
            B::Eq | B::Ne => !matches!(t, Ty::Func(..)),
            B::Lt | B::Le | B::Gt | B::Ge => self.is_ordered(&t),
            _ => true,
        };
        if !ok && !t.is_error() {
            let m = op_msg();
            self.err(span, m);
        }
        let rt = if cmp { Ty::Bool } else { t };
        self.mk(ExprKind::Binary { op: irop, lhs: Box::new(a), rhs: Box::new(b) }, rt, span)
    }

    pub fn is_int_like(&self, t: &Ty) -> bool {
        match self.shallow(t) {
            Ty::Int(_) | Ty::Error => true,
            Ty::Var(v) => self.cx.inf.kind(v) == VarKind::Int,
            _ => false,
        }
    }

    pub fn is_num_like(&self, t: &Ty) -> bool {
        match self.shallow(t) {
            Ty::Int(_) | Ty::Float(_) | Ty::Error => true,
            Ty::Var(v) => self.cx.inf.kind(v) != VarKind::General,
            _ => false,
        }
    }

    fn is_ordered(&self, t: &Ty) -> bool {
        match self.shallow(t) {
            Ty::Int(_) | Ty::Float(_) | Ty::Error | Ty::Char | Ty::Str | Ty::Bool | Ty::Unit | Ty::Var(_) => true,
            Ty::Tuple(ts) => ts.iter().all(|t| self.is_ordered(t)),
            Ty::Vec(t) | Ty::Array(t, _) => self.is_ordered(&t),
            Ty::Adt(..) => true,
            _ => false,
        }
    }

    fn cast(&mut self, x: &'a ast::Expr, te: &ast::TypeExpr, span: Span) -> ir::Expr {
        let sc = self.body_scope();
        let to = self.resolve_ty(te, &sc);
        let v = self.expr(x, &Ty::Error);
        let v = self.autoderef(v, x.span);
        let from = self.shallow(&self.ty_of(&v));
        // An unsuffixed literal cast to a numeric type keeps its default.
        let from = match from {
            Ty::Var(_) => self.cx.inf.default_var(&from),
            f => f,
        };
        let tos = self.shallow(&to);
        let ok = match (&from, &tos) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (Ty::Int(_) | Ty::Float(_), Ty::Int(_) | Ty::Float(_)) => true,
            (Ty::Char | Ty::Bool, Ty::Int(_)) => true,
            (Ty::Int(IntK::U8), Ty::Char) => true,
            (a, b) if a == b => true,
            _ => false,
        };
        if !ok {
            let (a, b) = (self.render(&from), self.render(&tos));
            self.err(span, format!("non-primitive cast: `{}` as `{}`", a, b));
            return self.error_expr(span);
        }
        if from == tos {
            return v;
        }
        self.mk(ExprKind::Cast { arg: Box::new(v) }, to, span)
    }

    /// `a..b` used as a value: an iterator (ranges in `for` heads and
    /// slicing are handled where they stand).
    fn range_value(&mut self, lo: Option<&'a ast::Expr>, hi: Option<&'a ast::Expr>, inclusive: bool, span: Span) -> ir::Expr {
        let (lo, hi) = match (lo, hi) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                self.err(span, "only bounded ranges `a..b` and `a..=b` can be used as values");
                return self.error_expr(span);
            }
        };
        let a = self.expr(lo, &Ty::Error);
        let a = self.autoderef(a, lo.span);
        let t = self.ty_of(&a);
        let b = self.check_expr(hi, &t);
        if !self.is_int_like(&t) {
            let r = self.render(&t);
            self.err(span, format!("the trait bound `{}: Step` is not satisfied", r));
            return self.error_expr(span);
        }
        let f = if inclusive { "__range_inclusive" } else { "__range" };
        self.call_prelude(f, vec![a, b], span)
    }

    /// A struct literal or a struct-like enum variant.
    fn struct_lit(&mut self, path: &'a ast::Path, fields: &'a [ast::FieldInit], base: Option<&'a ast::Expr>, span: Span, expected: &Ty) -> ir::Expr {
        let (adt, vi, args) = match self.resolve_struct_path(path, expected) {
            Some(x) => x,
            None => {
                for f in fields {
                    self.expr(&f.value, &Ty::Error);
                }
                return self.error_expr(span);
            }
        };
        let def = self.adts[adt as usize].variants[vi as usize].clone();
        let is_enum = self.adts[adt as usize].is_enum;
        let ty = Ty::Adt(adt, args.clone());
        let mut vals: Vec<Option<ir::Expr>> = vec![None; def.fields.len()];
        for f in fields {
            match def.fields.iter().position(|(n, _)| *n == f.name.name) {
                Some(i) => {
                    let ft = def.fields[i].1.subst(&args);
                    let v = self.check_expr(&f.value, &ft);
                    let v = self.stored_value(v, f.value.span);
                    if vals[i].is_some() {
                        self.err(f.name.span, format!("field `{}` specified more than once", f.name.name));
                    }
                    vals[i] = Some(v);
                }
                None => {
                    let n = self.render(&ty);
                    self.err(f.name.span, format!("struct `{}` has no field named `{}`", n, f.name.name));
                    self.expr(&f.value, &Ty::Error);
                }
            }
        }
        let mut stmts = Vec::new();
        if let Some(b) = base {
            let bv = self.check_expr(b, &ty);
            let (w, tmp) = self.temp(bv, "base");
            stmts.push(w);
            for (i, slot) in vals.iter_mut().enumerate() {
                if slot.is_none() {
                    let ft = def.fields[i].1.subst(&args);
                    let obj = self.read_local(tmp, span);
                    let r = self.mk(ExprKind::Read(Place::Field { obj: Box::new(obj), index: i as u32 }), ft, span);
                    *slot = Some(self.value(r));
                }
            }
        }
        let missing: Vec<String> = def.fields.iter().zip(&vals).filter(|(_, v)| v.is_none()).map(|((n, _), _)| format!("`{}`", n)).collect();
        if !missing.is_empty() {
            let n = self.render(&ty);
            self.err(span, format!("missing field{} {} in initializer of `{}`", if missing.len() > 1 { "s" } else { "" }, missing.join(", "), n));
            return self.error_expr(span);
        }
        let vals: Vec<ir::Expr> = vals.into_iter().map(|v| v.unwrap_or_else(|| unreachable_unit())).collect();
        let e = if is_enum {
            self.mk(ExprKind::EnumNew { variant: vi, fields: vals }, ty.clone(), span)
        } else {
            self.mk(ExprKind::Aggregate(vals), ty.clone(), span)
        };
        if stmts.is_empty() {
            e
        } else {
            self.mk(ExprKind::Block { stmts, tail: Some(Box::new(e)) }, ty, span)
        }
    }

    /// Resolves the path of a struct literal or pattern: the ADT, the
    /// variant index, and generic arguments (fresh variables unified with
    /// the expected type).
    pub fn resolve_struct_path(&mut self, path: &ast::Path, expected: &Ty) -> Option<(u32, u32, Vec<Ty>)> {
        let segs = &path.segments;
        let last = segs.last()?;
        let found = if segs.len() == 1 {
            match last.ident.name.as_str() {
                "Self" => match self.cx.self_ty.clone() {
                    Some(Ty::Adt(id, args)) => Some((id, 0, Some(args))),
                    _ => None,
                },
                n => match self.lookup_global(self.cx.src, n) {
                    Some(Def::Adt(id)) if !self.adts[id as usize].is_enum => Some((id, 0, None)),
                    Some(Def::Variant(id, vi)) => Some((id, vi, None)),
                    _ => None,
                },
            }
        } else {
            let prefix = &segs[segs.len() - 2];
            let base = if prefix.ident.name == "Self" {
                match self.cx.self_ty.clone() {
                    Some(Ty::Adt(id, args)) => Some((id, Some(args))),
                    _ => None,
                }
            } else {
                match self.lookup_global(self.cx.src, &prefix.ident.name) {
                    Some(Def::Adt(id)) => Some((id, None)),
                    _ => None,
                }
            };
            base.and_then(|(id, args)| {
                self.adts[id as usize].variants.iter().position(|v| v.name == last.ident.name).filter(|_| self.adts[id as usize].is_enum).map(|vi| (id, vi as u32, args))
            })
        };
        let (id, vi, args) = match found {
            Some(f) => f,
            None => {
                let name: Vec<&str> = segs.iter().map(|s| s.ident.name.as_str()).collect();
                self.err(path.span, format!("cannot find struct, variant or union type `{}` in this scope", name.join("::")));
                return None;
            }
        };
        let args = match args {
            Some(a) => a,
            None => {
                let n = self.adts[id as usize].generics.len();
                let explicit: Vec<&ast::TypeExpr> = segs.iter().flat_map(|s| s.generics.iter()).collect();
                if explicit.len() == n && n > 0 {
                    let sc = self.body_scope();
                    explicit.iter().map(|t| self.resolve_ty(t, &sc)).collect()
                } else {
                    (0..n).map(|_| self.cx.inf.var()).collect()
                }
            }
        };
        let ty = Ty::Adt(id, args.clone());
        let exp = self.shallow(expected);
        if let Ty::Adt(eid, _) = exp {
            if eid == id {
                self.cx.inf.unify(&ty, &exp);
            }
        }
        Some((id, vi, args))
    }

    /// A path in expression position.
    fn path_expr(&mut self, p: &'a ast::Path, span: Span, expected: &Ty) -> ir::Expr {
        if p.segments.len() == 1 && p.segments[0].generics.is_empty() {
            let name = &p.segments[0].ident.name;
            if let Some((vr, info)) = self.lookup_var(name, span) {
                return self.read_var(vr, &info, span);
            }
        }
        match self.resolve_value_path(p, expected) {
            Some(v) => self.value_of(v, span, expected),
            None => self.error_expr(span),
        }
    }

    /// Reads a variable.
    pub fn read_var(&mut self, vr: VarRef, info: &LocalInfo, span: Span) -> ir::Expr {
        match self.var_place(vr, info, span) {
            Some(p) => self.mk(ExprKind::Read(p), info.ty.clone(), span),
            None => self.mk(ExprKind::Capture(match vr {
                VarRef::Capture(i) => i,
                VarRef::Local(i) => i,
            }), info.ty.clone(), span),
        }
    }

    /// The place of a variable; `None` for a by-value capture.
    pub fn var_place(&mut self, vr: VarRef, info: &LocalInfo, span: Span) -> Option<Place> {
        let cell_ty = Ty::Cell(Box::new(info.ty.clone()));
        match (vr, info.cell) {
            (VarRef::Local(i), false) => Some(Place::Local(ir::LocalId(i))),
            (VarRef::Local(i), true) => {
                let c = self.mk(ExprKind::Read(Place::Local(ir::LocalId(i))), cell_ty, span);
                Some(Place::Cell(Box::new(c)))
            }
            (VarRef::Capture(i), true) => {
                let c = self.mk(ExprKind::Capture(i), cell_ty, span);
                Some(Place::Cell(Box::new(c)))
            }
            (VarRef::Capture(_), false) => None,
        }
    }

    /// Finds a variable, threading captures through enclosing closures.
    /// Unless it is the target of `x = v` (`writing`), the variable is read
    /// and must be assigned (`init.rs`); capturing it is a read.
    pub fn lookup_var(&mut self, name: &str, span: Span) -> Option<(VarRef, LocalInfo)> {
        let writing = std::mem::take(&mut self.writing);
        let n = self.cx.frames.len();
        for fi in (0..n).rev() {
            let found = self.cx.frames[fi].scopes.iter().rev().find_map(|s| s.iter().rev().find(|(n, _)| n == name).map(|(_, l)| *l));
            let found = match found {
                Some(l) => Some((VarRef::Local(l), self.cx.frames[fi].locals[l as usize].clone())),
                None => self.cx.frames[fi]
                    .captures
                    .iter()
                    .position(|c| c.info.name == name)
                    .map(|i| (VarRef::Capture(i as u32), self.cx.frames[fi].captures[i].info.clone())),
            };
            if let Some((mut vr, info)) = found {
                if let VarRef::Local(l) = vr {
                    if info.deferred && (fi + 1 < n || !writing) {
                        self.init_check_read(fi, l, span);
                    }
                }
                if fi + 1 < n && (info.is_ref || matches!(self.shallow(&info.ty), Ty::Ref(..))) {
                    self.err(span, "cannot capture a reference in a closure");
                }
                for fj in fi + 1..n {
                    let frame = &mut self.cx.frames[fj];
                    let idx = match frame.captures.iter().position(|c| c.outer == vr) {
                        Some(i) => i,
                        None => {
                            frame.captures.push(Capture { outer: vr, info: info.clone() });
                            frame.captures.len() - 1
                        }
                    };
                    vr = VarRef::Capture(idx as u32);
                }
                return Some((vr, info));
            }
        }
        None
    }

    /// A field, tuple field or index expression read as a value.
    fn place_read(&mut self, e: &'a ast::Expr) -> ir::Expr {
        if let ast::ExprKind::Index { expr, index } = &e.kind {
            if let ast::ExprKind::Range { lo, hi, inclusive } = &index.kind {
                return self.slice(expr, lo.as_deref(), hi.as_deref(), *inclusive, e.span);
            }
            // Strings index to bytes; maps to values.
            let base = self.expr(expr, &Ty::Error);
            let base = self.autoderef(base, expr.span);
            match self.shallow(&self.ty_of(&base)) {
                Ty::Str => {
                    let i = self.index_expr(index);
                    return self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::StrByteAt, args: vec![base, i] }, Ty::Int(IntK::U8), e.span);
                }
                Ty::Map(k, v) => {
                    let key = self.check_expr(index, &k);
                    let key = self.autoderef(key, index.span);
                    let got = self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::MapGet, args: vec![base, key] }, self.option_ty(*v.clone()), e.span);
                    return self.call_prelude("__map_index_unwrap", vec![got], e.span);
                }
                _ => {
                    let p = self.index_place(base, index, e.span);
                    return match p {
                        Some((p, t)) => self.mk(ExprKind::Read(p), t, e.span),
                        None => self.error_expr(e.span),
                    };
                }
            }
        }
        match self.place_of(e) {
            Some(pi) => self.read_place_info(pi, e.span),
            None => self.error_expr(e.span),
        }
    }

    /// An index operand: any integer type.
    pub fn index_expr(&mut self, index: &'a ast::Expr) -> ir::Expr {
        let i = self.expr(index, &Ty::Error);
        let i = self.autoderef(i, index.span);
        let t = self.ty_of(&i);
        if !self.is_int_like(&t) {
            let r = self.render(&t);
            self.err(index.span, format!("the type `[T]` cannot be indexed by `{}`", r));
        }
        i
    }

    fn slice(&mut self, base: &'a ast::Expr, lo: Option<&'a ast::Expr>, hi: Option<&'a ast::Expr>, inclusive: bool, span: Span) -> ir::Expr {
        let b = self.expr(base, &Ty::Error);
        let b = self.autoderef(b, base.span);
        let bt = self.shallow(&self.ty_of(&b));
        let (w, tmp) = self.temp(b, "slice");
        let lo = match lo {
            Some(x) => {
                let v = self.index_expr(x);
                self.to_i64(v)
            }
            None => self.int_const(0, span),
        };
        let hi = match hi {
            Some(x) => {
                let v = self.index_expr(x);
                let v = self.to_i64(v);
                if inclusive {
                    let one = self.int_const(1, span);
                    self.mk(ExprKind::Binary { op: BinOp::Add, lhs: Box::new(v), rhs: Box::new(one) }, Ty::i64(), span)
                } else {
                    v
                }
            }
            None => {
                let r = self.read_local(tmp, span);
                let op = if bt == Ty::Str { ir::Intrinsic::StrLen } else { ir::Intrinsic::VecLen };
                self.mk(ExprKind::Intrinsic { op, args: vec![r] }, Ty::i64(), span)
            }
        };
        let r = self.read_local(tmp, span);
        let (op, rt, r) = match &bt {
            Ty::Str => (ir::Intrinsic::StrSlice, Ty::Str, r),
            Ty::Vec(_) => (ir::Intrinsic::VecSlice, bt.clone(), r),
            Ty::Array(t, _) => {
                let v = self.mk(ExprKind::Intrinsic { op: ir::Intrinsic::ArrayToVec, args: vec![r] }, Ty::vec(*t.clone()), span);
                (ir::Intrinsic::VecSlice, Ty::vec(*t.clone()), v)
            }
            Ty::Error => return self.error_expr(span),
            t => {
                let r = self.render(t);
                self.err(span, format!("cannot index into a value of type `{}`", r));
                return self.error_expr(span);
            }
        };
        let s = self.mk(ExprKind::Intrinsic { op, args: vec![r, lo, hi] }, rt.clone(), span);
        self.mk(ExprKind::Block { stmts: vec![w], tail: Some(Box::new(s)) }, rt, span)
    }

    pub fn int_const(&mut self, v: i64, span: Span) -> ir::Expr {
        self.mk(ExprKind::Const(ir::Const::Int(v)), Ty::i64(), span)
    }

    /// Converts an integer expression to `i64` (intrinsics take `i64`).
    pub fn to_i64(&mut self, v: ir::Expr) -> ir::Expr {
        let t = self.shallow(&self.ty_of(&v));
        match t {
            Ty::Int(IntK::I64) | Ty::Error => v,
            Ty::Var(_) => {
                self.cx.inf.unify(&t, &Ty::i64());
                v
            }
            _ => {
                let loc = v.loc;
                let ty = self.slot(Ty::i64());
                ir::Expr { kind: ExprKind::Cast { arg: Box::new(v) }, ty, loc }
            }
        }
    }
}

fn unreachable_unit() -> ir::Expr {
    ir::Expr { kind: ExprKind::Const(ir::Const::Unit), ty: ir::TypeId(0), loc: ir::Loc::default() }
}

fn op_str(op: ast::BinOp) -> &'static str {
    use ast::BinOp as B;
    match op {
        B::Add => "+",
        B::Sub => "-",
        B::Mul => "*",
        B::Div => "/",
        B::Rem => "%",
        B::BitAnd => "&",
        B::BitOr => "|",
        B::BitXor => "^",
        B::Shl => "<<",
        B::Shr => ">>",
        B::Eq => "==",
        B::Ne => "!=",
        B::Lt => "<",
        B::Le => "<=",
        B::Gt => ">",
        B::Ge => ">=",
        B::And => "&&",
        B::Or => "||",
    }
}
