//! Methods and associated functions of the builtin types (§6): `String`,
//! `char`, the integer and float types, `Vec`, fixed arrays, `HashMap`,
//! `HashSet`, `Box`, and the iterator methods whose result type the
//! context decides (`sum`, `collect`). Each entry maps a receiver type and
//! a name to an IR intrinsic, an IR construct, or a prelude function (the
//! prelude holds what is easier to write in Gossamer itself). Methods of
//! prelude types (`Option`, `Result`, `Iter`) are ordinary impls there and
//! never reach this table.

use gos_ir as ir;
use gos_ir::Intrinsic as I;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind};

use crate::call::Arg;
use crate::ctx::*;
use crate::place::Mutab;
use crate::types::{IntK, Ty, VarKind};

impl<'a> Checker<'a> {
    /// The type of `len()`: `i64` by default, but usable where a `usize`
    /// is wanted (the value is never negative, so both read it alike).
    pub fn len_ty(&mut self) -> Ty {
        self.cx.inf.fresh(VarKind::Int)
    }

    pub fn intr(&mut self, op: I, args: Vec<ir::Expr>, ret: Ty, span: Span) -> ir::Expr {
        self.mk(ExprKind::Intrinsic { op, args }, ret, span)
    }

    /// Checks `args` against `params`, then builds with `f`.
    pub fn with_args(&mut self, params: &[Ty], args: Vec<Arg<'a>>, span: Span) -> Vec<ir::Expr> {
        let vals = self.check_args(params, args, span, "method");
        vals.into_iter().map(|v| self.autoderef(v, span)).collect()
    }

    pub fn is_iter(&self, t: &Ty) -> Option<Ty> {
        self.is_adt(t, "Iter").map(|a| a[0].clone())
    }

    /// A string argument that may also be a `char` (`split(',')`).
    pub fn str_or_char(&mut self, a: Arg<'a>, span: Span) -> ir::Expr {
        let v = match a {
            Arg::Ast(e) => self.expr(e, &Ty::Str),
            Arg::Ir(v, _) => v,
        };
        let v = self.autoderef(v, span);
        match self.shallow(&self.ty_of(&v)) {
            Ty::Char => self.intr(I::CharToString, vec![v], Ty::Str, span),
            t => {
                if !self.cx.inf.unify(&t, &Ty::Str) {
                    self.mismatch(&Ty::Str, &t, span);
                }
                v
            }
        }
    }

    pub fn arity(&mut self, n: usize, args: &[Arg<'a>], span: Span) -> bool {
        if args.len() != n {
            self.err(
                span,
                format!(
                    "this method takes {} argument{} but {} argument{} supplied",
                    n,
                    if n == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { " was" } else { "s were" }
                ),
            );
            return false;
        }
        true
    }

    /// `T::name(args)` for a builtin type `T`.
    pub fn builtin_assoc_call(&mut self, self_ty: &Ty, name: &str, generics: &[ast::TypeExpr], args: Vec<Arg<'a>>, span: Span, expected: &Ty) -> ir::Expr {
        let _ = generics;
        let st = self.shallow(self_ty);
        let exp = self.shallow(expected);
        match (&st, name) {
            (Ty::Vec(et), "new") | (Ty::Vec(et), "with_capacity") => {
                if let Ty::Vec(e2) = &exp {
                    self.cx.inf.unify(et, e2);
                }
                let cap = if name == "new" {
                    self.arity(0, &args, span);
                    self.int_const(0, span)
                } else {
                    let v = { let iv = self.cx.inf.fresh(VarKind::Int); self.with_args(&[iv], args, span) };
                    let v = v.into_iter().next().unwrap_or_else(|| self.int_const(0, span));
                    self.to_i64(v)
                };
                self.intr(I::VecNew, vec![cap], st.clone(), span)
            }
            (Ty::Vec(_), "from") => {
                let v = { let v0 = self.cx.inf.var(); self.with_args(&[v0], args, span) };
                let v = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                match self.shallow(&self.ty_of(&v)) {
                    Ty::Array(et, _) => {
                        let vt = Ty::vec(*et);
                        self.cx.inf.unify(&vt, &st);
                        self.intr(I::ArrayToVec, vec![v], vt, span)
                    }
                    t => {
                        if !self.cx.inf.unify(&t, &st) {
                            self.mismatch(&st, &t, span);
                        }
                        self.mk(ExprKind::Clone(Box::new(v)), st.clone(), span)
                    }
                }
            }
            (Ty::Str, "new") | (Ty::Str, "with_capacity") => {
                if name == "new" {
                    self.arity(0, &args, span);
                } else {
                    { let iv = self.cx.inf.fresh(VarKind::Int); self.with_args(&[iv], args, span) };
                }
                self.mk(ExprKind::Const(ir::Const::Str(String::new())), Ty::Str, span)
            }
            (Ty::Str, "from") => {
                if !self.arity(1, &args, span) {
                    return self.error_expr(span);
                }
                let a = args.into_iter().next().unwrap_or(Arg::Ir(self.error_expr(span), span));
                self.str_or_char(a, span)
            }
            (Ty::Str, "from_utf8_lossy") | (Ty::Str, "from_utf8") => {
                let v = self.with_args(&[Ty::vec(Ty::Int(IntK::U8))], args, span);
                let v = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let s = self.intr(I::StrFromUtf8Lossy, vec![v], Ty::Str, span);
                if name == "from_utf8" {
                    let rt = self.result_ty(Ty::Str, Ty::Str);
                    return self.mk(ExprKind::EnumNew { variant: 0, fields: vec![s] }, rt, span);
                }
                s
            }
            (Ty::Map(k, v), "new") | (Ty::Map(k, v), "with_capacity") => {
                if let Ty::Map(k2, v2) = &exp {
                    self.cx.inf.unify(k, k2);
                    self.cx.inf.unify(v, v2);
                }
                let cap = if name == "new" {
                    self.arity(0, &args, span);
                    self.int_const(0, span)
                } else {
                    let v = { let iv = self.cx.inf.fresh(VarKind::Int); self.with_args(&[iv], args, span) };
                    let v = v.into_iter().next().unwrap_or_else(|| self.int_const(0, span));
                    self.to_i64(v)
                };
                self.intr(I::MapNew, vec![cap], st.clone(), span)
            }
            (Ty::Set(t), "new") | (Ty::Set(t), "with_capacity") => {
                if let Ty::Set(t2) = &exp {
                    self.cx.inf.unify(t, t2);
                }
                let cap = if name == "new" {
                    self.arity(0, &args, span);
                    self.int_const(0, span)
                } else {
                    let v = { let iv = self.cx.inf.fresh(VarKind::Int); self.with_args(&[iv], args, span) };
                    let v = v.into_iter().next().unwrap_or_else(|| self.int_const(0, span));
                    self.to_i64(v)
                };
                self.intr(I::SetNew, vec![cap], st.clone(), span)
            }
            (Ty::Box(t), "new") => {
                let hint = match &exp {
                    Ty::Box(x) => (**x).clone(),
                    _ => (**t).clone(),
                };
                let v = self.check_args(&[hint], args, span, "function");
                let v = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let v = self.stored_value(v, span);
                let vt = self.ty_of(&v);
                self.cx.inf.unify(t, &vt);
                self.intr(I::CellNew, vec![v], Ty::Box(Box::new(vt)), span)
            }
            (Ty::Float(_), "from_bits") => {
                let v = self.with_args(&[Ty::Int(IntK::U64)], args, span);
                let v = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                self.intr(I::FromBits, vec![v], st.clone(), span)
            }
            (Ty::Int(_) | Ty::Float(_) | Ty::Char, "from") => {
                let v = { let v0 = self.cx.inf.var(); self.with_args(&[v0], args, span) };
                let v = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let vt = self.shallow(&self.ty_of(&v));
                let vt = if let Ty::Var(_) = vt { self.cx.inf.default_var(&vt) } else { vt };
                if vt == st {
                    return v;
                }
                self.mk(ExprKind::Cast { arg: Box::new(v) }, st.clone(), span)
            }
            (Ty::Char, "from_digit") => {
                let vals = self.with_args(&[Ty::Int(IntK::U32), Ty::Int(IntK::U32)], args, span);
                self.call_prelude("__char_from_digit", vals, span)
            }
            (Ty::Char, "from_u32") => {
                let vals = self.with_args(&[Ty::Int(IntK::U32)], args, span);
                self.call_prelude("__char_from_u32", vals, span)
            }
            (Ty::Handle(h), _) => {
                let h = *h;
                match self.handle_new(h, name, args, span) {
                    Some(e) => e,
                    None => {
                        let r = self.render(&st);
                        self.err(span, format!("no function or associated item named `{}` found for `{}`", name, r));
                        self.error_expr(span)
                    }
                }
            }
            _ => {
                // `f64::sqrt(x)`, `i64::max(a, b)`: the first argument is
                // the receiver.
                let mut args = args;
                if !args.is_empty() {
                    let first = args.remove(0);
                    let sp = first.span();
                    let recv = match first {
                        Arg::Ast(e) => self.expr(e, &st),
                        Arg::Ir(v, _) => v,
                    };
                    let recv = self.coerce(recv, &st, sp);
                    if let Some(e) = self.builtin_method(recv, &st, name, &[], args, span, expected, None, &Mutab::Temp) {
                        return e;
                    }
                }
                let r = self.render(&st);
                self.err(span, format!("no function or associated item named `{}` found for `{}`", name, r));
                self.error_expr(span)
            }
        }
    }

    /// A method of a builtin type; `None` when there is no such method.
    #[allow(clippy::too_many_arguments)]
    pub fn builtin_method(
        &mut self,
        recv: ir::Expr,
        t: &Ty,
        name: &str,
        turbofish: &'a [ast::TypeExpr],
        args: Vec<Arg<'a>>,
        span: Span,
        expected: &Ty,
        recv_ast: Option<&'a ast::Expr>,
        mutab: &Mutab,
    ) -> Option<ir::Expr> {
        let t = self.shallow(t);
        // Methods every type has.
        match name {
            "to_string" if !matches!(t, Ty::Str) => {
                self.arity(0, &args, span);
                let piece = ir::FmtPiece::Arg { value: recv, spec: ir::FormatSpec::default() };
                return Some(self.mk(ExprKind::Format(vec![piece]), Ty::Str, span));
            }
            "clone" | "to_owned" | "cloned" | "copied" if !matches!(t, Ty::Adt(..)) || self.is_iter(&t).is_none() => {
                self.arity(0, &args, span);
                let rt = self.ty_of(&recv);
                return Some(self.mk(ExprKind::Clone(Box::new(recv)), rt, span));
            }
            "eq" | "ne" => {
                let v = self.with_args(&[t.clone()], args, span);
                let op = if name == "eq" { BinOp::Eq } else { BinOp::Ne };
                let b = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                return Some(self.mk(ExprKind::Binary { op, lhs: Box::new(recv), rhs: Box::new(b) }, Ty::Bool, span));
            }
            "cmp" | "partial_cmp" => {
                let v = self.with_args(&[t.clone()], args, span);
                let mut v = v;
                v.insert(0, recv);
                let c = self.call_prelude("__cmp", v, span);
                if name == "partial_cmp" {
                    let ot = self.option_ty(Ty::i64());
                    return Some(self.mk(ExprKind::EnumNew { variant: 1, fields: vec![c] }, ot, span));
                }
                return Some(c);
            }
            "into" | "as_str" | "as_ref" | "borrow" | "as_mut" | "by_ref" => {
                self.arity(0, &args, span);
                return Some(recv);
            }
            _ => {}
        }
        let e = match &t {
            Ty::Str => self.string_method(recv, name, turbofish, args, span, expected, recv_ast, mutab),
            Ty::Char => self.char_method(recv, name, args, span),
            Ty::Int(k) => self.int_method(recv, *k, name, args, span),
            Ty::Float(_) => self.float_method(recv, &t, name, args, span),
            Ty::Vec(et) => self.vec_method(recv, &t, et, name, args, span, expected),
            Ty::Array(et, n) => self.array_method(recv, et, *n, name, args, span, expected),
            Ty::Map(k, v) => self.map_method(recv, k, v, name, args, span),
            Ty::Set(x) => self.set_method(recv, x, name, args, span),
            Ty::Sender(_) | Ty::Receiver(_) | Ty::Handle(_) => self.sync_method(recv, &t, name, args, span),
            Ty::Adt(..) => {
                let et = self.is_iter(&t)?;
                self.iter_method(recv, &et, name, turbofish, args, span, expected)
            }
            _ => None,
        };
        e
    }

    #[allow(clippy::too_many_arguments)]
    #[allow(clippy::too_many_arguments)]
    pub fn string_method(&mut self, s: ir::Expr, name: &str, turbofish: &'a [ast::TypeExpr], args: Vec<Arg<'a>>, span: Span, expected: &Ty, recv_ast: Option<&'a ast::Expr>, mutab: &Mutab) -> Option<ir::Expr> {
        let u = |c: &mut Self, op: I, s: ir::Expr, args: &[Arg<'a>], ret: Ty| {
            c.arity(0, args, span);
            c.intr(op, vec![s], ret, span)
        };
        Some(match name {
            "len" => {
                let lt = self.len_ty();
                u(self, I::StrLen, s, &args, lt)
            }
            "is_empty" => {
                let l = u(self, I::StrLen, s, &args, Ty::i64());
                let z = self.int_const(0, span);
                self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(l), rhs: Box::new(z) }, Ty::Bool, span)
            }
            "to_uppercase" | "to_ascii_uppercase" => u(self, I::StrToUpper, s, &args, Ty::Str),
            "to_lowercase" | "to_ascii_lowercase" => u(self, I::StrToLower, s, &args, Ty::Str),
            "trim" => u(self, I::StrTrim, s, &args, Ty::Str),
            "trim_start" => u(self, I::StrTrimStart, s, &args, Ty::Str),
            "trim_end" => u(self, I::StrTrimEnd, s, &args, Ty::Str),
            "split_whitespace" => u(self, I::StrSplitWhitespace, s, &args, Ty::vec(Ty::Str)),
            "lines" => u(self, I::StrLines, s, &args, Ty::vec(Ty::Str)),
            "as_bytes" | "into_bytes" => u(self, I::StrBytes, s, &args, Ty::vec(Ty::Int(IntK::U8))),
            "to_string" | "clone" | "to_owned" => {
                self.arity(0, &args, span);
                s
            }
            "chars" => {
                let v = u(self, I::StrChars, s, &args, Ty::vec(Ty::Char));
                self.call_prelude("__vec_iter", vec![v], span)
            }
            "bytes" => {
                let v = u(self, I::StrBytes, s, &args, Ty::vec(Ty::Int(IntK::U8)));
                self.call_prelude("__vec_iter", vec![v], span)
            }
            "contains" | "starts_with" | "ends_with" | "find" | "split" => {
                if !self.arity(1, &args, span) {
                    return Some(self.error_expr(span));
                }
                let a = args.into_iter().next().unwrap_or(Arg::Ir(self.error_expr(span), span));
                let p = self.str_or_char(a, span);
                let (op, rt) = match name {
                    "contains" => (I::StrContains, Ty::Bool),
                    "starts_with" => (I::StrStartsWith, Ty::Bool),
                    "ends_with" => (I::StrEndsWith, Ty::Bool),
                    "find" => (I::StrFind, self.option_ty(Ty::i64())),
                    _ => (I::StrSplit, Ty::vec(Ty::Str)),
                };
                self.intr(op, vec![s, p], rt, span)
            }
            "replace" => {
                if !self.arity(2, &args, span) {
                    return Some(self.error_expr(span));
                }
                let mut it = args.into_iter();
                let a = it.next().map(|a| self.str_or_char(a, span)).unwrap_or_else(|| self.error_expr(span));
                let b = it.next().map(|a| self.str_or_char(a, span)).unwrap_or_else(|| self.error_expr(span));
                self.intr(I::StrReplace, vec![s, a, b], Ty::Str, span)
            }
            "repeat" => {
                let v = { let iv = self.cx.inf.fresh(VarKind::Int); self.with_args(&[iv], args, span) };
                let n = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let n = self.to_i64(n);
                self.intr(I::StrRepeat, vec![s, n], Ty::Str, span)
            }
            "char_at" => {
                let v = { let v0 = self.cx.inf.fresh(VarKind::Int); self.with_args(&[v0], args, span) };
                let i = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let i = self.to_i64(i);
                self.intr(I::StrCharAt, vec![s, i], Ty::Char, span)
            }
            "substring" => {
                let iv = self.cx.inf.fresh(VarKind::Int);
                let v = self.with_args(&[iv.clone(), iv], args, span);
                let mut v: Vec<ir::Expr> = v.into_iter().map(|x| self.to_i64(x)).collect();
                v.insert(0, s);
                self.intr(I::StrSlice, v, Ty::Str, span)
            }
            "parse" => {
                self.arity(0, &args, span);
                let target = match turbofish.first() {
                    Some(te) => {
                        let sc = self.body_scope();
                        self.resolve_ty(te, &sc)
                    }
                    None => match self.is_adt(expected, "Result") {
                        Some(a) => a[0].clone(),
                        None => self.cx.inf.var(),
                    },
                };
                let tt = self.shallow(&target);
                if let Ty::Var(_) = tt {
                    self.err(span, "type annotations needed: write `parse::<T>()`");
                } else if !matches!(tt, Ty::Int(_) | Ty::Float(_) | Ty::Bool | Ty::Char | Ty::Error) {
                    let r = self.render(&tt);
                    self.err(span, format!("the trait bound `{}: FromStr` is not satisfied", r));
                }
                let rt = self.result_ty(target, Ty::Str);
                self.intr(I::StrParse, vec![s], rt, span)
            }
            "push_str" | "push" => {
                if !self.arity(1, &args, span) {
                    return Some(self.error_expr(span));
                }
                let a = args.into_iter().next().unwrap_or(Arg::Ir(self.error_expr(span), span));
                let add = self.str_or_char(a, span);
                // Strings are immutable: `s.push_str(x)` is `s = s + x`.
                let recv_ast = match recv_ast {
                    Some(r) if !matches!(mutab, Mutab::Temp) => r,
                    _ => {
                        self.err(span, format!("cannot `{}` to a temporary string", name));
                        return Some(self.error_expr(span));
                    }
                };
                let pi = self.receiver_place(recv_ast)?;
                let cur = self.mk(ExprKind::Read(pi.place.clone()), Ty::Str, span);
                let _ = s;
                let cat = self.mk(ExprKind::Binary { op: BinOp::Add, lhs: Box::new(cur), rhs: Box::new(add) }, Ty::Str, span);
                let w = self.mk(ExprKind::Write { place: pi.place, value: Box::new(cat) }, Ty::Unit, span);
                self.with_pre(pi.pre, w)
            }
            "get" => return None,
            _ => return None,
        })
    }

    pub fn char_method(&mut self, c: ir::Expr, name: &str, args: Vec<Arg<'a>>, span: Span) -> Option<ir::Expr> {
        let pred = |n: &str| -> Option<I> {
            Some(match n {
                "is_alphabetic" => I::CharIsAlphabetic,
                "is_numeric" => I::CharIsNumeric,
                "is_alphanumeric" => I::CharIsAlphanumeric,
                "is_whitespace" => I::CharIsWhitespace,
                "is_uppercase" => I::CharIsUppercase,
                "is_lowercase" => I::CharIsLowercase,
                "is_ascii_digit" => I::CharIsAsciiDigit,
                _ => return None,
            })
        };
        if let Some(op) = pred(name) {
            self.arity(0, &args, span);
            return Some(self.intr(op, vec![c], Ty::Bool, span));
        }
        Some(match name {
            "to_uppercase" | "to_ascii_uppercase" => {
                self.arity(0, &args, span);
                self.intr(I::CharToUppercase, vec![c], Ty::Char, span)
            }
            "to_lowercase" | "to_ascii_lowercase" => {
                self.arity(0, &args, span);
                self.intr(I::CharToLowercase, vec![c], Ty::Char, span)
            }
            "to_string" => {
                self.arity(0, &args, span);
                self.intr(I::CharToString, vec![c], Ty::Str, span)
            }
            "to_digit" | "is_digit" => {
                let v = self.with_args(&[Ty::Int(IntK::U32)], args, span);
                let r = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let ot = self.option_ty(Ty::Int(IntK::U32));
                let d = self.intr(I::CharToDigit, vec![c, r], ot, span);
                if name == "is_digit" {
                    let tag = self.mk(ExprKind::EnumTag(Box::new(d)), Ty::i64(), span);
                    let one = self.int_const(1, span);
                    return Some(self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(tag), rhs: Box::new(one) }, Ty::Bool, span));
                }
                d
            }
            "is_ascii_alphabetic" | "is_ascii_uppercase" | "is_ascii_lowercase" | "is_ascii_alphanumeric" | "is_ascii_whitespace" | "is_ascii_punctuation" | "is_ascii" | "len_utf8" => {
                self.arity(0, &args, span);
                let f = format!("__char_{}", name);
                self.call_prelude(&f, vec![c], span)
            }
            _ => return None,
        })
    }

    pub fn int_method(&mut self, x: ir::Expr, k: IntK, name: &str, args: Vec<Arg<'a>>, span: Span) -> Option<ir::Expr> {
        let t = Ty::Int(k);
        Some(match name {
            "abs" => {
                self.arity(0, &args, span);
                self.intr(I::IntAbs, vec![x], t, span)
            }
            "pow" | "wrapping_pow" => {
                let v = self.with_args(&[Ty::Int(IntK::U32)], args, span);
                let e = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                self.intr(I::IntPow, vec![x, e], t, span)
            }
            "min" | "max" => {
                let v = self.with_args(&[t.clone()], args, span);
                let mut v = v;
                v.insert(0, x);
                self.call_prelude(if name == "min" { "__min" } else { "__max" }, v, span)
            }
            "wrapping_add" | "wrapping_sub" | "wrapping_mul" => {
                let v = self.with_args(&[t.clone()], args, span);
                let b = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let op = match name {
                    "wrapping_add" => BinOp::Add,
                    "wrapping_sub" => BinOp::Sub,
                    _ => BinOp::Mul,
                };
                self.mk(ExprKind::Binary { op, lhs: Box::new(x), rhs: Box::new(b) }, t, span)
            }
            "rem_euclid" | "signum" | "clamp" | "is_power_of_two" | "count_ones" | "leading_zeros" | "trailing_zeros" | "checked_add" | "checked_sub" | "checked_mul" | "checked_div" | "saturating_sub" | "saturating_add" | "abs_diff" => {
                let params: Vec<Ty> = match name {
                    "clamp" => vec![t.clone(), t.clone()],
                    "signum" | "is_power_of_two" | "count_ones" | "leading_zeros" | "trailing_zeros" => vec![],
                    _ => vec![t.clone()],
                };
                let mut v = self.with_args(&params, args, span);
                v.insert(0, x);
                self.call_prelude(&format!("__int_{}", name), v, span)
            }
            _ => return None,
        })
    }

    pub fn float_method(&mut self, x: ir::Expr, t: &Ty, name: &str, args: Vec<Arg<'a>>, span: Span) -> Option<ir::Expr> {
        let unary = |n: &str| -> Option<I> {
            Some(match n {
                "sqrt" => I::Sqrt,
                "abs" => I::FAbs,
                "floor" => I::Floor,
                "ceil" => I::Ceil,
                "round" => I::Round,
                "trunc" => I::Trunc,
                "sin" => I::Sin,
                "cos" => I::Cos,
                "tan" => I::Tan,
                "atan" => I::Atan,
                "exp" => I::Exp,
                "ln" => I::Ln,
                "log10" => I::Log10,
                "log2" => I::Log2,
                _ => return None,
            })
        };
        if let Some(op) = unary(name) {
            self.arity(0, &args, span);
            return Some(self.intr(op, vec![x], t.clone(), span));
        }
        Some(match name {
            "is_nan" | "is_infinite" | "is_finite" => {
                self.arity(0, &args, span);
                let op = match name {
                    "is_nan" => I::IsNan,
                    "is_infinite" => I::IsInfinite,
                    _ => I::IsFinite,
                };
                self.intr(op, vec![x], Ty::Bool, span)
            }
            "to_bits" => {
                self.arity(0, &args, span);
                self.intr(I::ToBits, vec![x], Ty::Int(IntK::U64), span)
            }
            "powi" => {
                let v = self.with_args(&[Ty::Int(IntK::I32)], args, span);
                let n = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                self.intr(I::Powi, vec![x, n], t.clone(), span)
            }
            "powf" | "atan2" | "min" | "max" => {
                let v = self.with_args(&[t.clone()], args, span);
                let y = v.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let op = match name {
                    "powf" => I::Powf,
                    "atan2" => I::Atan2,
                    "min" => I::FMin,
                    _ => I::FMax,
                };
                self.intr(op, vec![x, y], t.clone(), span)
            }
            "signum" | "hypot" | "to_degrees" | "to_radians" | "clamp" | "mul_add" | "cbrt" | "recip" | "exp2" | "asin" | "acos" | "sinh" | "cosh" | "tanh" | "log" | "rem_euclid" | "fract" => {
                let params: Vec<Ty> = match name {
                    "hypot" | "log" | "rem_euclid" => vec![t.clone()],
                    "clamp" | "mul_add" => vec![t.clone(), t.clone()],
                    _ => vec![],
                };
                let mut v = self.with_args(&params, args, span);
                v.insert(0, x);
                self.call_prelude(&format!("__f64_{}", name), v, span)
            }
            _ => return None,
        })
    }

}
