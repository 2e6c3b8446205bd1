//! Calls: value paths (functions, variants, constants, associated items),
//! direct calls with arity and argument checks, method lookup through
//! inherent and trait impls (static dispatch), closures and their captures,
//! named functions used as values, `|>`, `go` and `defer`.
//!
//! A call of a generic function cannot name its instance while its type
//! arguments still contain inference variables, so calls are emitted with a
//! placeholder function id (`PENDING_BASE + k`) and resolved, with their
//! trait bounds checked, when the enclosing function is finished.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{ExprKind, FuncId, Place};

use crate::ctx::*;
use crate::expr::PENDING_BASE;
use crate::types::{IntK, Ty};

/// What a value path names.
#[derive(Clone, Debug)]
pub enum ValueRes {
    Fn { f: usize, args: Vec<Ty> },
    Variant { adt: u32, vi: u32, args: Vec<Ty> },
    Const(usize),
    Builtin(CVal, Ty),
    /// An associated function of a builtin type (`Vec::new`).
    Assoc { self_ty: Ty, name: String },
}

/// An argument: source, or already lowered (the left side of `|>`).
pub enum Arg<'a> {
    Ast(&'a ast::Expr),
    Ir(ir::Expr, Span),
}

impl Arg<'_> {
    pub fn span(&self) -> Span {
        match self {
            Arg::Ast(e) => e.span,
            Arg::Ir(_, s) => *s,
        }
    }
}

/// A call whose instance is chosen in the fix-up.
#[derive(Clone, Debug)]
pub struct Pending {
    pub f: usize,
    pub args: Vec<Ty>,
    pub span: Span,
    /// Used as a value: the thunk closure of the instance is wanted.
    pub thunk: bool,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{} {}", n, one)
    } else {
        format!("{} {}", n, many)
    }
}

impl<'a> Checker<'a> {
    /// A placeholder function id for an instance chosen later.
    pub fn pending(&mut self, f: usize, args: Vec<Ty>, span: Span, thunk: bool) -> FuncId {
        self.cx.pendings.push(Pending { f, args, span, thunk });
        FuncId(PENDING_BASE + self.cx.pendings.len() as u32 - 1)
    }

    /// Fresh type arguments for function `f`, with impl arguments given and
    /// the function's own from a turbofish if written.
    pub fn fn_type_args(&mut self, f: usize, impl_args: Vec<Ty>, turbofish: &[ast::TypeExpr], span: Span) -> Vec<Ty> {
        let n_outer = self.fns[f].n_outer;
        let total = self.fns[f].generics.len();
        let mut args = impl_args;
        args.truncate(n_outer);
        while args.len() < n_outer {
            args.push(self.cx.inf.var());
        }
        let own = total - n_outer;
        if !turbofish.is_empty() {
            if turbofish.len() != own {
                let name = self.fns[f].name.clone();
                self.err(span, format!("function `{}` takes {} but {} supplied", name, plural(own, "generic argument", "generic arguments"), plural(turbofish.len(), "generic argument was", "generic arguments were")));
            }
            let sc = self.body_scope();
            for (i, t) in turbofish.iter().enumerate() {
                if i < own {
                    let t = self.resolve_ty(t, &sc);
                    args.push(t);
                }
            }
        }
        while args.len() < total {
            args.push(self.cx.inf.var());
        }
        args
    }

    /// Resolves a path in value position. `call` selects the wording of the
    /// error.
    pub fn resolve_value_path(&mut self, p: &'a ast::Path, _expected: &Ty) -> Option<ValueRes> {
        self.resolve_value_path_as(p, false)
    }

    pub fn resolve_value_path_as(&mut self, p: &'a ast::Path, call: bool) -> Option<ValueRes> {
        let segs = &p.segments;
        let src = self.cx.src;
        if let Some((v, t)) = self.builtin_const(p) {
            return Some(ValueRes::Builtin(v, t));
        }
        let segs: &[ast::PathSegment] = if segs.len() > 1 && segs[0].ident.name == "std" { &segs[1..] } else { segs };
        if segs.len() == 1 {
            let s = &segs[0];
            let name = &s.ident.name;
            return match self.lookup_global(src, name) {
                Some(Def::Fn(f)) => {
                    let args = self.fn_type_args(f, vec![], &s.generics, p.span);
                    Some(ValueRes::Fn { f, args })
                }
                Some(Def::Variant(adt, vi)) => {
                    let args = self.adt_args(adt, &s.generics);
                    Some(ValueRes::Variant { adt, vi, args })
                }
                Some(Def::Adt(adt)) if !self.adts[adt as usize].is_enum => {
                    let args = self.adt_args(adt, &s.generics);
                    Some(ValueRes::Variant { adt, vi: 0, args })
                }
                Some(Def::Const(c)) => Some(ValueRes::Const(c)),
                _ => {
                    let what = if call { "function" } else { "value" };
                    self.err(s.ident.span, format!("cannot find {} `{}` in this scope", what, name));
                    None
                }
            };
        }
        let last = &segs[segs.len() - 1];
        let prefix = &segs[segs.len() - 2];
        let pname = prefix.ident.name.as_str();
        // A module member: `os::args`, `time::now`.
        let module = if segs.len() == 2 {
            match self.lookup_global(src, pname) {
                Some(Def::Module(m)) => Some(m),
                None if src == Src::User && matches!(self.scopes[1].get(pname), Some(Def::Module(_))) => {
                    self.err(prefix.ident.span, format!("failed to resolve: use of undeclared crate or module `{}`", pname));
                    return None;
                }
                _ => None,
            }
        } else if segs.len() == 3 && matches!(self.scopes[1].get(segs[0].ident.name.as_str()), Some(Def::Module(_))) {
            None
        } else {
            None
        };
        if let Some(m) = module {
            let q = format!("{}__{}", m, last.ident.name);
            return match self.scopes[1].get(&q).copied().or_else(|| self.scopes[1].get(&last.ident.name).copied()) {
                Some(Def::Fn(f)) => {
                    let args = self.fn_type_args(f, vec![], &last.generics, p.span);
                    Some(ValueRes::Fn { f, args })
                }
                Some(Def::Const(c)) => Some(ValueRes::Const(c)),
                Some(Def::Adt(adt)) => {
                    let args = self.adt_args(adt, &last.generics);
                    Some(ValueRes::Variant { adt, vi: 0, args })
                }
                _ => {
                    self.err(last.ident.span, format!("cannot find function `{}` in module `{}`", last.ident.name, m));
                    None
                }
            };
        }
        // A type followed by an associated item.
        let self_ty = self.prefix_type(prefix)?;
        self.assoc_item(self_ty, last, p.span)
    }

    pub fn adt_args(&mut self, adt: u32, written: &[ast::TypeExpr]) -> Vec<Ty> {
        let n = self.adts[adt as usize].generics.len();
        if written.len() == n && n > 0 {
            let sc = self.body_scope();
            return written.iter().map(|t| self.resolve_ty(t, &sc)).collect();
        }
        (0..n).map(|_| self.cx.inf.var()).collect()
    }

    /// The type a path prefix names (`Vec`, `Point`, `Self`, `T`, `i64`).
    pub fn prefix_type(&mut self, seg: &ast::PathSegment) -> Option<Ty> {
        let te = ast::TypeExpr {
            kind: ast::TypeExprKind::Path(ast::Path { segments: vec![seg.clone()], span: seg.ident.span }),
            span: seg.ident.span,
        };
        let name = seg.ident.name.as_str();
        let known = IntK::from_name(name).is_some()
            || matches!(name, "f64" | "f32" | "bool" | "char" | "str" | "Self" | "Sender" | "Receiver")
            || self.cx.generics.iter().any(|(n, _)| n == name)
            || matches!(self.lookup_global(self.cx.src, name), Some(Def::Adt(_)) | Some(Def::Builtin(_)));
        if !known {
            if let Some(Def::Trait(_)) = self.lookup_global(self.cx.src, name) {
                self.err(seg.ident.span, format!("cannot call a trait method through the trait `{}`; call it on a value", name));
                return None;
            }
            self.err(seg.ident.span, format!("failed to resolve: use of undeclared type `{}`", name));
            return None;
        }
        let sc = self.body_scope();
        let t = self.resolve_ty(&te, &sc);
        if t.is_error() {
            return None;
        }
        Some(t)
    }

    /// `T::name`: a variant, an associated function or const of an impl,
    /// or an associated function of a builtin type.
    pub fn assoc_item(&mut self, self_ty: Ty, last: &ast::PathSegment, span: Span) -> Option<ValueRes> {
        let name = &last.ident.name;
        let st = self.shallow(&self_ty);
        if let Ty::Adt(adt, args) = &st {
            if self.adts[*adt as usize].is_enum {
                if let Some(vi) = self.adts[*adt as usize].variants.iter().position(|v| v.name == *name) {
                    return Some(ValueRes::Variant { adt: *adt, vi: vi as u32, args: args.clone() });
                }
            }
        }
        if let Some((f, impl_args)) = self.lookup_method(&st, name) {
            let args = self.fn_type_args(f, impl_args, &last.generics, span);
            return Some(ValueRes::Fn { f, args });
        }
        if let Some(c) = self.lookup_assoc_const(&st, name) {
            return Some(ValueRes::Const(c));
        }
        match st {
            Ty::Adt(id, _) => {
                let a = &self.adts[id as usize];
                let msg = if a.is_enum {
                    format!("no variant or associated item named `{}` found for enum `{}`", name, a.name)
                } else {
                    format!("no function or associated item named `{}` found for struct `{}`", name, a.name)
                };
                self.err(last.ident.span, msg);
                None
            }
            _ => Some(ValueRes::Assoc { self_ty: st, name: name.clone() }),
        }
    }

    pub fn lookup_assoc_const(&mut self, t: &Ty, name: &str) -> Option<usize> {
        for i in 0..self.impls.len() {
            if let Some(&c) = self.impls[i].consts.get(name) {
                if self.match_impl(i, t).is_some() {
                    return Some(c);
                }
            }
        }
        None
    }

    /// One-way match of an impl's self type against `t`: the impl's type
    /// arguments, or `None`.
    pub fn match_impl(&mut self, i: usize, t: &Ty) -> Option<Vec<Ty>> {
        let pat = self.impls[i].self_ty.clone();
        let n = self.impls[i].generics.len();
        let mut binds: Vec<Option<Ty>> = vec![None; n];
        if !self.ty_matches(&pat, t, &mut binds, 0) {
            return None;
        }
        let args: Vec<Ty> = binds.into_iter().map(|b| b.unwrap_or_else(|| self.cx.inf.var())).collect();
        // Bounds of a blanket impl decide whether it applies.
        for (gi, g) in self.impls[i].generics.clone().iter().enumerate() {
            for &b in &g.bounds {
                let at = self.resolve(&args[gi]);
                if !matches!(at, Ty::Var(_)) && !self.implements(&at, b, 0) {
                    return None;
                }
            }
        }
        Some(args)
    }

    pub fn ty_matches(&self, pat: &Ty, t: &Ty, binds: &mut Vec<Option<Ty>>, depth: u32) -> bool {
        if depth > 32 {
            return false;
        }
        let t = self.shallow(t);
        match (pat, &t) {
            (Ty::Param(i), _) => match &binds[*i as usize] {
                Some(b) => self.resolve(b) == self.resolve(&t) || matches!(t, Ty::Var(_)),
                None => {
                    binds[*i as usize] = Some(t.clone());
                    true
                }
            },
            (_, Ty::Var(_)) | (_, Ty::Error) => true,
            (Ty::Vec(a), Ty::Vec(b)) | (Ty::Box(a), Ty::Box(b)) | (Ty::Set(a), Ty::Set(b)) | (Ty::Ref(_, a), Ty::Ref(_, b)) => self.ty_matches(a, b, binds, depth + 1),
            (Ty::Array(a, n), Ty::Array(b, m)) => n == m && self.ty_matches(a, b, binds, depth + 1),
            (Ty::Map(a, b), Ty::Map(c, d)) => self.ty_matches(a, c, binds, depth + 1) && self.ty_matches(b, d, binds, depth + 1),
            (Ty::Tuple(xs), Ty::Tuple(ys)) | (Ty::Func(xs, _), Ty::Func(ys, _)) if xs.len() == ys.len() => {
                xs.iter().zip(ys).all(|(x, y)| self.ty_matches(x, y, binds, depth + 1))
            }
            (Ty::Adt(i, xs), Ty::Adt(j, ys)) => i == j && xs.iter().zip(ys).all(|(x, y)| self.ty_matches(x, y, binds, depth + 1)),
            _ => pat == &t,
        }
    }

    /// Whether `t` implements trait `tr`.
    pub fn implements(&mut self, t: &Ty, tr: usize, depth: u32) -> bool {
        if depth > 8 {
            return false;
        }
        for i in 0..self.impls.len() {
            if self.impls[i].trait_ == Some(tr) && self.match_impl(i, t).is_some() {
                return true;
            }
        }
        false
    }

    /// Finds method `name` for a receiver of type `t` (references and boxes
    /// already peeled): inherent impls first, then trait impls.
    pub fn lookup_method(&mut self, t: &Ty, name: &str) -> Option<(usize, Vec<Ty>)> {
        for pass in 0..2 {
            for i in 0..self.impls.len() {
                let inherent = self.impls[i].trait_.is_none();
                if inherent != (pass == 0) {
                    continue;
                }
                // Impls of `std` traits (`impl Display for P`) are checked
                // but never replace the builtin behaviour.
                if let Some(&f) = self.impls[i].methods.get(name) {
                    if let Some(args) = self.match_impl(i, t) {
                        return Some((f, args));
                    }
                }
            }
        }
        None
    }

    /// The value a resolved path denotes.
    pub fn value_of(&mut self, v: ValueRes, span: Span, expected: &Ty) -> ir::Expr {
        match v {
            ValueRes::Builtin(cv, t) => self.cval_expr(&cv, &t, span),
            ValueRes::Const(c) => {
                self.const_value(c, span);
                let t = self.consts[c].ty.clone();
                match self.consts[c].state.clone() {
                    ConstState::Folded(cv) => self.cval_expr(&cv, &t, span),
                    ConstState::Global(g) => self.mk(ExprKind::Read(Place::Global(g)), t, span),
                    _ => self.error_expr(span),
                }
            }
            ValueRes::Variant { adt, vi, args } => {
                let v = &self.adts[adt as usize].variants[vi as usize];
                let t = Ty::Adt(adt, args);
                if let Ty::Adt(eid, _) = self.shallow(expected) {
                    if eid == adt {
                        self.cx.inf.unify(&t, expected);
                    }
                }
                match v.kind {
                    VKind::Unit => {
                        if self.adts[adt as usize].is_enum {
                            self.mk(ExprKind::EnumNew { variant: vi, fields: vec![] }, t, span)
                        } else {
                            self.mk(ExprKind::Aggregate(vec![]), t, span)
                        }
                    }
                    _ => {
                        let n = v.name.clone();
                        self.err(span, format!("`{}` is a constructor and must be called with its fields", n));
                        self.error_expr(span)
                    }
                }
            }
            ValueRes::Fn { f, args } => {
                // A named function as a value: a closure of its thunk.
                let params: Vec<Ty> = self.fns[f].params.iter().map(|t| t.subst(&args)).collect();
                let ret = self.fns[f].ret.subst(&args);
                let id = self.pending(f, args, span, true);
                self.mk(ExprKind::MakeClosure { func: id, captures: vec![] }, Ty::Func(params, Box::new(ret)), span)
            }
            ValueRes::Assoc { self_ty, name } => {
                let r = self.render(&self_ty);
                self.err(span, format!("`{}::{}` cannot be used as a value here; call it", r, name));
                self.error_expr(span)
            }
        }
    }

    /// Checks arguments against parameter types.
    pub fn check_args(&mut self, params: &[Ty], args: Vec<Arg<'a>>, span: Span, what: &str) -> Vec<ir::Expr> {
        if params.len() != args.len() {
            let took = plural(params.len(), "argument", "arguments");
            let given = plural(args.len(), "argument was", "arguments were");
            self.err(span, format!("this {} takes {} but {} supplied", what, took, given));
        }
        let mut out = Vec::new();
        for (i, a) in args.into_iter().enumerate() {
            let pt = params.get(i).cloned().unwrap_or(Ty::Error);
            let sp = a.span();
            let v = match a {
                Arg::Ast(e) => {
                    let v = self.expr(e, &pt);
                    self.coerce(v, &pt, sp)
                }
                Arg::Ir(v, _) => self.coerce(v, &pt, sp),
            };
            let v = if matches!(self.shallow(&pt), Ty::Ref(..)) { v } else { self.value(v) };
            out.push(v);
        }
        out
    }

    /// A call of function `f` with type arguments `targs`.
    pub fn call_fn(&mut self, f: usize, targs: Vec<Ty>, args: Vec<Arg<'a>>, span: Span) -> ir::Expr {
        let params: Vec<Ty> = self.fns[f].params.iter().map(|t| t.subst(&targs)).collect();
        let ret = self.fns[f].ret.subst(&targs);
        let what = if self.fns[f].impl_.is_some() && self.fns[f].decl.self_param.is_some() { "method" } else { "function" };
        let vals = self.check_args(&params, args, span, what);
        if let Some(op) = self.fns[f].intrinsic {
            return self.mk(ExprKind::Intrinsic { op, args: vals }, ret, span);
        }
        let id = self.pending(f, targs, span, false);
        self.mk(ExprKind::Call { func: id, args: vals }, ret, span)
    }

    /// Calls a prelude function by name with lowered arguments.
    pub fn call_prelude(&mut self, name: &str, args: Vec<ir::Expr>, span: Span) -> ir::Expr {
        let f = match self.prelude_fn(name) {
            Some(f) => f,
            None => {
                self.err(span, format!("internal error: prelude function `{}` is missing", name));
                return self.error_expr(span);
            }
        };
        let targs = self.fn_type_args(f, vec![], &[], span);
        let args = args.into_iter().map(|a| Arg::Ir(a, span)).collect();
        self.call_fn(f, targs, args, span)
    }

    /// `callee(args)`, with `extra` appended (the left side of `|>`).
    pub fn call(&mut self, callee: &'a ast::Expr, args: &'a [ast::Expr], span: Span, expected: &Ty, extra: Option<(ir::Expr, Span)>) -> ir::Expr {
        let mut all: Vec<Arg<'a>> = args.iter().map(Arg::Ast).collect();
        if let Some((e, s)) = extra {
            all.push(Arg::Ir(e, s));
        }
        if let ast::ExprKind::Path(p) = &callee.kind {
            if p.segments.len() == 1 {
                let n = p.segments[0].ident.name.as_str();
                if n == "channel" && self.lookup_var(n, callee.span).is_none() && !matches!(self.lookup_global(self.cx.src, n), Some(Def::Fn(_))) {
                    return self.channel_call(&p.segments[0].generics, all, span, expected);
                }
                if matches!(n, "println" | "print" | "eprintln" | "eprint") && self.lookup_var(n, callee.span).is_none() && !matches!(self.lookup_global(self.cx.src, n), Some(Def::Fn(_))) {
                    let mut a = all;
                    // Only source arguments reach here (a pipe into
                    // `println` is rewritten by `pipe`).
                    let mut lowered = Vec::new();
                    for x in a.drain(..) {
                        if let Arg::Ir(v, _) = x {
                            lowered.push(v);
                        }
                    }
                    return self.print_fn(n, args, lowered, span);
                }
            }
            let is_var = p.segments.len() == 1 && p.segments[0].generics.is_empty() && self.lookup_var(&p.segments[0].ident.name, callee.span).is_some();
            if !is_var {
                let res = match self.resolve_value_path_as(p, true) {
                    Some(r) => r,
                    None => {
                        for a in all {
                            if let Arg::Ast(e) = a {
                                self.expr(e, &Ty::Error);
                            }
                        }
                        return self.error_expr(span);
                    }
                };
                return match res {
                    ValueRes::Fn { f, args: targs } => self.call_fn(f, targs, all, span),
                    ValueRes::Variant { adt, vi, args: targs } => self.construct(adt, vi, targs, all, span, expected),
                    ValueRes::Assoc { self_ty, name } => self.builtin_assoc_call(&self_ty, &name, &p.segments[p.segments.len() - 1].generics, all, span, expected),
                    other => {
                        let v = self.value_of(other, callee.span, &Ty::Error);
                        self.call_value(v, all, span)
                    }
                };
            }
        }
        // A closure value.
        let hint = Ty::Error;
        let v = self.expr(callee, &hint);
        self.call_value(v, all, span)
    }

    pub fn call_value(&mut self, v: ir::Expr, args: Vec<Arg<'a>>, span: Span) -> ir::Expr {
        let v = self.autoderef(v, span);
        let t = self.shallow(&self.ty_of(&v));
        let (params, ret) = match t {
            Ty::Func(ps, r) => (ps, *r),
            Ty::Var(v) if self.cx.inf.kind(v) == crate::types::VarKind::General => {
                // A closure parameter called before its type is known.
                let ps: Vec<Ty> = args.iter().map(|_| self.cx.inf.var()).collect();
                let r = self.cx.inf.var();
                self.cx.inf.unify(&t, &Ty::Func(ps.clone(), Box::new(r.clone())));
                (ps, r)
            }
            Ty::Error => {
                for a in args {
                    if let Arg::Ast(e) = a {
                        self.expr(e, &Ty::Error);
                    }
                }
                return self.error_expr(span);
            }
            t => {
                let r = self.render(&t);
                self.err(span, format!("expected function, found `{}`", r));
                return self.error_expr(span);
            }
        };
        let vals = self.check_args(&params, args, span, "function");
        self.mk(ExprKind::CallClosure { callee: Box::new(v), args: vals }, ret, span)
    }

    /// A tuple-struct or tuple-variant constructor call.
    pub fn construct(&mut self, adt: u32, vi: u32, targs: Vec<Ty>, args: Vec<Arg<'a>>, span: Span, expected: &Ty) -> ir::Expr {
        let v = self.adts[adt as usize].variants[vi as usize].clone();
        let t = Ty::Adt(adt, targs.clone());
        if let Ty::Adt(eid, _) = self.shallow(expected) {
            if eid == adt {
                self.cx.inf.unify(&t, expected);
            }
        }
        if v.kind != VKind::Tuple {
            self.err(span, format!("expected function, found `{}`", v.name));
            return self.error_expr(span);
        }
        let params: Vec<Ty> = v.fields.iter().map(|(_, ft)| ft.subst(&targs)).collect();
        let spans: Vec<Span> = args.iter().map(|a| a.span()).collect();
        let vals = self.check_args(&params, args, span, if self.adts[adt as usize].is_enum { "enum variant" } else { "struct" });
        let vals: Vec<ir::Expr> = vals.into_iter().zip(spans).map(|(v, s)| self.stored_value(v, s)).collect();
        if self.adts[adt as usize].is_enum {
            self.mk(ExprKind::EnumNew { variant: vi, fields: vals }, t, span)
        } else {
            self.mk(ExprKind::Aggregate(vals), t, span)
        }
    }

    /// `receiver.method(args)`.
    #[allow(clippy::too_many_arguments)]
    pub fn method_call(
        &mut self,
        recv_ast: &'a ast::Expr,
        method: &'a ast::Ident,
        turbofish: &'a [ast::TypeExpr],
        args: &'a [ast::Expr],
        span: Span,
        expected: &Ty,
        extra: Option<(ir::Expr, Span)>,
    ) -> ir::Expr {
        let mut all: Vec<Arg<'a>> = args.iter().map(Arg::Ast).collect();
        if let Some((e, s)) = extra {
            all.push(Arg::Ir(e, s));
        }
        let (recv, mutab) = match &recv_ast.kind {
            ast::ExprKind::Path(p) if p.segments.len() == 1 => match self.lookup_var(&p.segments[0].ident.name, recv_ast.span) {
                Some(_) => match self.place_of(recv_ast) {
                    Some(pi) => {
                        let m = pi.mutab.clone();
                        (self.read_place_info(pi, recv_ast.span), m)
                    }
                    None => (self.error_expr(recv_ast.span), crate::place::Mutab::Yes),
                },
                None => (self.expr(recv_ast, &Ty::Error), crate::place::Mutab::Temp),
            },
            ast::ExprKind::Field { .. } | ast::ExprKind::TupleField { .. } | ast::ExprKind::Unary { op: ast::UnOp::Deref, .. } => match self.place_of(recv_ast) {
                Some(pi) => {
                    let m = pi.mutab.clone();
                    (self.read_place_info(pi, recv_ast.span), m)
                }
                None => (self.error_expr(recv_ast.span), crate::place::Mutab::Yes),
            },
            ast::ExprKind::Index { .. } => (self.expr(recv_ast, &Ty::Error), crate::place::Mutab::Yes),
            _ => (self.expr(recv_ast, &Ty::Error), crate::place::Mutab::Temp),
        };
        let t0 = self.ty_of(&recv);
        let mut lookup = self.shallow(&t0);
        let mutab = if let Ty::Ref(false, _) = lookup { crate::place::Mutab::BehindRef } else { mutab };
        // References to the receiver's object count as mutable access.
        let through_mut_ref = matches!(lookup, Ty::Ref(true, _));
        for _ in 0..8 {
            match lookup {
                Ty::Ref(_, t) | Ty::Box(t) => lookup = self.shallow(&t),
                _ => break,
            }
        }
        if let Ty::Var(_) = lookup {
            lookup = self.cx.inf.default_var(&lookup);
            if let Ty::Var(_) = lookup {
                self.err(recv_ast.span, "type annotations needed");
                for a in all {
                    if let Arg::Ast(e) = a {
                        self.expr(e, &Ty::Error);
                    }
                }
                return self.error_expr(span);
            }
        }
        if lookup.is_error() {
            for a in all {
                if let Arg::Ast(e) = a {
                    self.expr(e, &Ty::Error);
                }
            }
            return self.error_expr(span);
        }
        if let Some((f, impl_args)) = self.lookup_method(&lookup, &method.name) {
            if self.fns[f].decl.self_param.is_none() {
                let r = self.render(&lookup);
                self.err(method.span, format!("no method named `{}` found for type `{}`; `{}::{}` is an associated function", method.name, r, r, method.name));
                return self.error_expr(span);
            }
            let targs = self.fn_type_args(f, impl_args, turbofish, span);
            let self_param = self.fns[f].params[0].subst(&targs);
            let recv_v = match self.shallow(&self_param) {
                Ty::Ref(true, inner) => {
                    if through_mut_ref {
                        let mut r = recv;
                        while let Ty::Ref(true, t) = self.shallow(&self.ty_of(&r)) {
                            if let Ty::Ref(true, _) = self.shallow(&t) {
                                r = self.deref_value(r, recv_ast.span);
                            } else {
                                break;
                            }
                        }
                        r
                    } else {
                        if !matches!(mutab, crate::place::Mutab::Temp) {
                            self.require_mutable(recv_ast, &mutab);
                        }
                        let r = self.autoderef(recv, recv_ast.span);
                        self.make_ref_of(r, *inner, recv_ast.span)
                    }
                }
                Ty::Ref(false, _) => self.autoderef(recv, recv_ast.span),
                _ => {
                    let r = self.autoderef(recv, recv_ast.span);
                    self.value(r)
                }
            };
            let mut full = vec![Arg::Ir(recv_v, recv_ast.span)];
            full.extend(all);
            let params: Vec<Ty> = self.fns[f].params.iter().map(|t| t.subst(&targs)).collect();
            let ret = self.fns[f].ret.subst(&targs);
            if params.len() != full.len() {
                let took = plural(params.len() - 1, "argument", "arguments");
                let given = plural(full.len() - 1, "argument was", "arguments were");
                self.err(span, format!("this method takes {} but {} supplied", took, given));
            }
            let mut vals = Vec::new();
            for (i, a) in full.into_iter().enumerate() {
                let pt = params.get(i).cloned().unwrap_or(Ty::Error);
                let v = match a {
                    Arg::Ir(v, _) if i == 0 => v,
                    Arg::Ir(v, s) => {
                        let v = self.coerce(v, &pt, s);
                        if matches!(self.shallow(&pt), Ty::Ref(..)) { v } else { self.value(v) }
                    }
                    Arg::Ast(e) => {
                        let v = self.expr(e, &pt);
                        let v = self.coerce(v, &pt, e.span);
                        if matches!(self.shallow(&pt), Ty::Ref(..)) { v } else { self.value(v) }
                    }
                };
                vals.push(v);
            }
            if let Some(op) = self.fns[f].intrinsic {
                return self.mk(ExprKind::Intrinsic { op, args: vals }, ret, span);
            }
            let id = self.pending(f, targs, span, false);
            return self.mk(ExprKind::Call { func: id, args: vals }, ret, span);
        }
        let recv = self.autoderef(recv, recv_ast.span);
        match self.builtin_method(recv, &lookup, &method.name, turbofish, all, span, expected, Some(recv_ast), &mutab) {
            Some(e) => e,
            None => {
                let r = self.render(&lookup);
                self.err(method.span, format!("no method named `{}` found for type `{}`", method.name, r));
                self.error_expr(span)
            }
        }
    }

    /// `lhs |> rhs`.
    pub fn pipe(&mut self, lhs: &'a ast::Expr, rhs: &'a ast::Expr, span: Span, expected: &Ty) -> ir::Expr {
        let l = self.expr(lhs, &Ty::Error);
        let (w, tmp) = self.temp(l, "pipe");
        let r = self.read_local(tmp, lhs.span);
        let call = match &rhs.kind {
            ast::ExprKind::Call { callee, args } => self.call(callee, args, span, expected, Some((r, lhs.span))),
            ast::ExprKind::MethodCall { receiver, method, turbofish, args } => self.method_call(receiver, method, turbofish, args, span, expected, Some((r, lhs.span))),
            _ => self.call(rhs, &[], span, expected, Some((r, lhs.span))),
        };
        let t = self.ty_of(&call);
        self.mk(ExprKind::Block { stmts: vec![w], tail: Some(Box::new(call)) }, t, span)
    }

    /// Chooses the instances of the pending calls of the finished function.
    pub fn resolve_pendings(&mut self) -> Vec<FuncId> {
        let pendings = std::mem::take(&mut self.cx.pendings);
        let mut out = Vec::new();
        for p in pendings {
            let args: Vec<Ty> = p.args.iter().map(|t| {
                let r = self.resolve(t);
                r.map(&mut |x| if matches!(x, Ty::Var(_)) { Some(Ty::Unit) } else { None })
            }).collect();
            // Bounds, now that the arguments are known.
            let gens = self.fns[p.f].generics.clone();
            for (i, g) in gens.iter().enumerate() {
                for &b in &g.bounds {
                    let a = args.get(i).cloned().unwrap_or(Ty::Error);
                    if !a.is_error() && !self.implements(&a, b, 0) {
                        let (ts, tn) = (self.render(&a), self.traits[b].name.clone());
                        self.err(p.span, format!("the trait bound `{}: {}` is not satisfied", ts, tn));
                    }
                }
            }
            let id = self.instance(p.f, args);
            let id = if p.thunk { self.thunk(id, p.f) } else { id };
            out.push(id);
        }
        out
    }

    /// A closure-convention function that forwards to `target`.
    pub fn thunk(&mut self, target: FuncId, f: usize) -> FuncId {
        if let Some(&t) = self.thunks.get(&target) {
            return t;
        }
        let id = self.reserve_func();
        self.thunks.insert(target, id);
        // Its body is built when the target's types are known: queue it
        // as a pseudo-instance handled in `finish`.
        self.thunk_queue.push((id, target, f));
        id
    }
}
