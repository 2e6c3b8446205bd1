//! Patterns: typing, lowering to tests and bindings, and the bridge to the
//! exhaustiveness checker. A pattern is lowered against an access path
//! (`Acc`) into the matched value, which is re-read for every test: reads of
//! locals, fields and enum fields are cheap and have no effects, so no
//! temporaries are needed. Each pattern yields a list of steps, tests and
//! binding writes in order; `steps_cond` folds them into one condition that
//! binds as it goes, which is what makes or-patterns with bindings work.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind, Place};

use crate::ctx::*;
use crate::exhaust::{Ctor, Pat, Shape, Shapes};
use crate::types::{Infer, IntK, Ty, VarKind};

pub enum Step {
    /// A boolean test.
    Test(ir::Expr),
    /// A write binding a variable.
    Bind(ir::Expr),
}

/// A path into the matched value.
#[derive(Clone, Debug)]
pub enum Acc {
    Local(u32, Ty),
    Field(Box<Acc>, u32, Ty),
    EnumField(Box<Acc>, u32, u32, Ty),
}


impl<'a> Checker<'a> {
    fn acc_expr(&mut self, a: &Acc, span: Span) -> ir::Expr {
        match a {
            Acc::Local(l, t) => self.mk(ExprKind::Read(Place::Local(ir::LocalId(*l))), t.clone(), span),
            Acc::Field(b, i, t) => {
                let o = self.acc_expr(b, span);
                self.mk(ExprKind::Read(Place::Field { obj: Box::new(o), index: *i }), t.clone(), span)
            }
            Acc::EnumField(b, v, i, t) => {
                let o = self.acc_expr(b, span);
                self.mk(ExprKind::EnumField { value: Box::new(o), variant: *v, index: *i }, t.clone(), span)
            }
        }
    }

    /// Lowers `pat` matched against `acc` (of type `ty`), collecting the
    /// variables it binds.
    pub fn lower_pattern(&mut self, pat: &'a ast::Pattern, acc: &Acc, ty: &Ty, binds: &mut Vec<(String, u32)>) -> (Vec<Step>, Pat) {
        let mut steps = Vec::new();
        let p = self.pat(pat, acc, ty, &mut steps, binds);
        (steps, p)
    }

    /// A pattern that must match: `let`, parameters, `for`.
    pub fn lower_irrefutable(&mut self, pat: &'a ast::Pattern, local: u32, ty: &Ty, binds: &mut Vec<(String, u32)>, what: &str) -> Vec<ir::Expr> {
        let (steps, p) = self.lower_pattern(pat, &Acc::Local(local, ty.clone()), ty, binds);
        if let Some(w) = self.witness(&[p], ty) {
            self.err(pat.span, format!("refutable pattern in {}: `{}` not covered", what, w));
        }
        steps
            .into_iter()
            .filter_map(|s| match s {
                Step::Bind(w) => Some(w),
                Step::Test(_) => None,
            })
            .collect()
    }

    fn witness(&mut self, rows: &[Pat], ty: &Ty) -> Option<String> {
        let t = self.resolve(ty);
        if t.any(&|x| matches!(x, Ty::Error)) {
            return None;
        }
        if let Ty::Var(v) = t {
            if self.cx.inf.kind(v) != VarKind::Int {
                return None;
            }
        }
        let sc = ShapeCx { adts: &self.adts, inf: &self.cx.inf, option: self.prelude_adt("Option"), result: self.prelude_adt("Result") };
        crate::exhaust::missing(&sc, rows, &t)
    }

    pub fn check_exhaustive(&mut self, rows: &[Pat], ty: &Ty, scrut_span: Span, _span: Span) {
        if let Some(w) = self.witness(rows, ty) {
            self.err(scrut_span, format!("non-exhaustive patterns: `{}` not covered", w));
        }
    }

    fn test_eq(&mut self, acc: &Acc, v: ir::Expr, span: Span) -> Step {
        let a = self.acc_expr(acc, span);
        Step::Test(self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(a), rhs: Box::new(v) }, Ty::Bool, span))
    }

    fn test_tag(&mut self, acc: &Acc, vi: u32, span: Span) -> Step {
        let a = self.acc_expr(acc, span);
        let tag = self.mk(ExprKind::EnumTag(Box::new(a)), Ty::i64(), span);
        let c = self.int_const(vi as i64, span);
        Step::Test(self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(tag), rhs: Box::new(c) }, Ty::Bool, span))
    }

    fn bind(&mut self, name: &str, mutable: bool, acc: &Acc, ty: &Ty, span: Span, steps: &mut Vec<Step>, binds: &mut Vec<(String, u32)>) {
        let v = self.acc_expr(acc, span);
        // A mutable binding of an enum's field gets its own copy of an
        // aggregate (`value` makes it): enums are immutable and may share
        // their fields with other holders (a map's `get` returns the stored
        // value object), so `Some(mut p) => p.x = 1` must not write into the
        // enum's object. An immutable binding of one needs no copy: it
        // cannot be changed in place, and it is copied when it is read into
        // a place.
        let v = if !mutable && matches!(v.kind, ExprKind::EnumField { .. }) { v } else { self.value(v) };
        // The alternatives of an or-pattern bind the same variables.
        if let Some((_, l)) = binds.iter().find(|(n, _)| n == name) {
            let l = *l;
            let lt = self.frame_ref().locals[l as usize].ty.clone();
            if !self.cx.inf.unify(&lt, ty) {
                self.mismatch(&lt, ty, span);
            }
            let w = self.init_local(l, v, span);
            steps.push(Step::Bind(w));
            return;
        }
        let l = self.bind_local(name, ty.clone(), mutable);
        let w = self.init_local(l, v, span);
        steps.push(Step::Bind(w));
        binds.push((name.to_string(), l));
    }

    fn pat(&mut self, pat: &'a ast::Pattern, acc: &Acc, ty: &Ty, steps: &mut Vec<Step>, binds: &mut Vec<(String, u32)>) -> Pat {
        let ty = match self.shallow(ty) {
            Ty::Ref(false, t) => *t,
            t => t,
        };
        let span = pat.span;
        match &pat.kind {
            ast::PatternKind::Wild | ast::PatternKind::Rest => Pat::Wild,
            ast::PatternKind::Ident { name, mutable, sub, .. } => {
                if sub.is_none() && !*mutable && self.names_unit_item(&name.name) {
                    let path = ast::Path { segments: vec![ast::PathSegment { ident: name.clone(), generics: vec![] }], span };
                    return self.path_pat(&path, acc, &ty, span, steps);
                }
                self.bind(&name.name, *mutable, acc, &ty, span, steps, binds);
                match sub {
                    Some(s) => self.pat(s, acc, &ty, steps, binds),
                    None => Pat::Wild,
                }
            }
            ast::PatternKind::Lit(e) => {
                let v = self.check_expr(e, &ty);
                let (neg, lit) = match &e.kind {
                    ast::ExprKind::Unary { op: ast::UnOp::Neg, expr } => (true, &expr.kind),
                    k => (false, k),
                };
                let p = match lit {
                    ast::ExprKind::Lit(ast::Lit::Int { value, .. }) => {
                        let v = if neg { -(*value as i128) } else { *value as i128 };
                        Pat::Ctor(Ctor::Range(v, v), vec![])
                    }
                    ast::ExprKind::Lit(ast::Lit::Byte(b)) => Pat::Ctor(Ctor::Range(*b as i128, *b as i128), vec![]),
                    ast::ExprKind::Lit(ast::Lit::Char(c)) => Pat::Ctor(Ctor::Range(*c as i128, *c as i128), vec![]),
                    ast::ExprKind::Lit(ast::Lit::Bool(b)) => Pat::Ctor(Ctor::Bool(*b), vec![]),
                    _ => Pat::Ctor(Ctor::Opaque, vec![]),
                };
                steps.push(self.test_eq(acc, v, span));
                p
            }
            ast::PatternKind::Range { lo, hi, inclusive } => {
                let (tmin, tmax) = match self.shallow(&ty) {
                    Ty::Int(k) => k.range(),
                    Ty::Char => (0, 0x10FFFF),
                    Ty::Var(v) if self.cx.inf.kind(v) == VarKind::Int => IntK::I64.range(),
                    _ => (i128::MIN, i128::MAX),
                };
                let bound = |c: &mut Self, e: &'a ast::Expr| -> Option<(ir::Expr, i128)> {
                    let v = c.check_expr(e, &ty);
                    let n = match c.fold_pattern_bound(e) {
                        Some(n) => n,
                        None => {
                            c.err(e.span, "range pattern bounds must be literals or constants");
                            return None;
                        }
                    };
                    Some((v, n))
                };
                let lo_v = match lo {
                    Some(e) => bound(self, e),
                    None => None,
                };
                let hi_v = match hi {
                    Some(e) => bound(self, e),
                    None => None,
                };
                let mut cond: Option<ir::Expr> = None;
                let a_lo = lo_v.as_ref().map(|(_, n)| *n).unwrap_or(tmin);
                let mut a_hi = hi_v.as_ref().map(|(_, n)| *n).unwrap_or(tmax);
                if let Some((v, _)) = lo_v {
                    let a = self.acc_expr(acc, span);
                    cond = Some(self.mk(ExprKind::Binary { op: BinOp::Ge, lhs: Box::new(a), rhs: Box::new(v) }, Ty::Bool, span));
                }
                if let Some((v, _)) = hi_v {
                    let a = self.acc_expr(acc, span);
                    let op = if *inclusive { BinOp::Le } else { BinOp::Lt };
                    if !*inclusive {
                        a_hi -= 1;
                    }
                    let c = self.mk(ExprKind::Binary { op, lhs: Box::new(a), rhs: Box::new(v) }, Ty::Bool, span);
                    cond = Some(match cond {
                        None => c,
                        Some(x) => self.mk(ExprKind::Logic { op: ir::LogicOp::And, lhs: Box::new(x), rhs: Box::new(c) }, Ty::Bool, span),
                    });
                }
                if let Some(c) = cond {
                    steps.push(Step::Test(c));
                }
                if a_lo > a_hi {
                    return Pat::Ctor(Ctor::Opaque, vec![]);
                }
                Pat::Ctor(Ctor::Range(a_lo, a_hi), vec![])
            }
            ast::PatternKind::Tuple(pats) => {
                let has_rest = pats.iter().any(|p| matches!(p.kind, ast::PatternKind::Rest));
                let tys = match self.shallow(&ty) {
                    Ty::Tuple(ts) => ts,
                    Ty::Unit if pats.is_empty() => return Pat::Wild,
                    Ty::Var(_) if !has_rest => {
                        let ts: Vec<Ty> = pats.iter().map(|_| self.cx.inf.var()).collect();
                        self.cx.inf.unify(&ty, &Ty::Tuple(ts.clone()));
                        ts
                    }
                    Ty::Error => return Pat::Wild,
                    t => {
                        let r = self.render(&t);
                        self.err(span, format!("mismatched types: expected `{}`, found tuple", r));
                        return Pat::Wild;
                    }
                };
                let subs = self.seq_pats(pats, &tys, span, |i, t| Acc::Field(Box::new(acc.clone()), i, t), steps, binds);
                Pat::Ctor(Ctor::Single, subs)
            }
            ast::PatternKind::Path(p) => self.path_pat(p, acc, &ty, span, steps),
            ast::PatternKind::TupleStruct { path, elems } => {
                let (adt, vi, args) = match self.resolve_struct_path(path, &ty) {
                    Some(x) => x,
                    None => return Pat::Wild,
                };
                let at = Ty::Adt(adt, args.clone());
                if !self.cx.inf.unify(&ty, &at) {
                    self.mismatch(&ty, &at, span);
                    return Pat::Wild;
                }
                let is_enum = self.adts[adt as usize].is_enum;
                let v = self.adts[adt as usize].variants[vi as usize].clone();
                if v.kind != VKind::Tuple {
                    self.err(span, format!("expected tuple struct or tuple variant, found `{}`", v.name));
                    return Pat::Wild;
                }
                if is_enum {
                    steps.push(self.test_tag(acc, vi, span));
                }
                let ftys: Vec<Ty> = v.fields.iter().map(|(_, t)| t.subst(&args)).collect();
                let subs = self.seq_pats(
                    elems,
                    &ftys,
                    span,
                    |i, t| if is_enum { Acc::EnumField(Box::new(acc.clone()), vi, i, t) } else { Acc::Field(Box::new(acc.clone()), i, t) },
                    steps,
                    binds,
                );
                Pat::Ctor(if is_enum { Ctor::Variant(vi) } else { Ctor::Single }, subs)
            }
            ast::PatternKind::Struct { path, fields, .. } => {
                let (adt, vi, args) = match self.resolve_struct_path(path, &ty) {
                    Some(x) => x,
                    None => return Pat::Wild,
                };
                let at = Ty::Adt(adt, args.clone());
                if !self.cx.inf.unify(&ty, &at) {
                    self.mismatch(&ty, &at, span);
                    return Pat::Wild;
                }
                let is_enum = self.adts[adt as usize].is_enum;
                let v = self.adts[adt as usize].variants[vi as usize].clone();
                if is_enum {
                    steps.push(self.test_tag(acc, vi, span));
                }
                let mut subs = vec![Pat::Wild; v.fields.len()];
                for f in fields {
                    let i = match v.fields.iter().position(|(n, _)| *n == f.name.name) {
                        Some(i) => i,
                        None => {
                            self.err(f.name.span, format!("variant `{}` does not have a field named `{}`", v.name, f.name.name));
                            continue;
                        }
                    };
                    let ft = v.fields[i].1.subst(&args);
                    let sub_acc = if is_enum { Acc::EnumField(Box::new(acc.clone()), vi, i as u32, ft.clone()) } else { Acc::Field(Box::new(acc.clone()), i as u32, ft.clone()) };
                    subs[i] = match &f.pat {
                        Some(p) => self.pat(p, &sub_acc, &ft, steps, binds),
                        None => {
                            self.bind(&f.name.name, false, &sub_acc, &ft, f.span, steps, binds);
                            Pat::Wild
                        }
                    };
                }
                Pat::Ctor(if is_enum { Ctor::Variant(vi) } else { Ctor::Single }, subs)
            }
            ast::PatternKind::Or(alts) => {
                let mut conds = Vec::new();
                let mut pats = Vec::new();
                for a in alts {
                    let mut s = Vec::new();
                    pats.push(self.pat(a, acc, &ty, &mut s, binds));
                    conds.push(self.steps_cond(s, a.span));
                }
                let mut it = conds.into_iter();
                let mut c = match it.next() {
                    Some(c) => c,
                    None => return Pat::Wild,
                };
                for n in it {
                    c = self.mk(ExprKind::Logic { op: ir::LogicOp::Or, lhs: Box::new(c), rhs: Box::new(n) }, Ty::Bool, span);
                }
                steps.push(Step::Test(c));
                Pat::Or(pats)
            }
            ast::PatternKind::Ref(p) => self.pat(p, acc, &ty, steps, binds),
        }
    }

    /// Tuple-like element patterns with an optional `..`.
    fn seq_pats(
        &mut self,
        pats: &'a [ast::Pattern],
        tys: &[Ty],
        span: Span,
        mk_acc: impl Fn(u32, Ty) -> Acc,
        steps: &mut Vec<Step>,
        binds: &mut Vec<(String, u32)>,
    ) -> Vec<Pat> {
        let rest = pats.iter().position(|p| matches!(p.kind, ast::PatternKind::Rest));
        let n = tys.len();
        let count = pats.len() - rest.map(|_| 1).unwrap_or(0);
        if (rest.is_none() && count != n) || count > n {
            self.err(span, format!("this pattern has {} field{}, but the corresponding type has {} field{}", count, if count == 1 { "" } else { "s" }, n, if n == 1 { "" } else { "s" }));
            return vec![Pat::Wild; n];
        }
        let mut subs = vec![Pat::Wild; n];
        for (k, p) in pats.iter().enumerate() {
            let i = match rest {
                Some(r) if k == r => continue,
                Some(r) if k > r => n - (pats.len() - k),
                _ => k,
            };
            let t = tys[i].clone();
            let a = mk_acc(i as u32, t.clone());
            subs[i] = self.pat(p, &a, &t, steps, binds);
        }
        subs
    }

    /// A path pattern: a unit variant, unit struct or constant.
    fn path_pat(&mut self, p: &ast::Path, acc: &Acc, ty: &Ty, span: Span, steps: &mut Vec<Step>) -> Pat {
        let segs = &p.segments;
        let last = &segs[segs.len() - 1].ident.name;
        // Variants and unit structs.
        let variant = if segs.len() == 1 {
            match self.lookup_global(self.cx.src, last) {
                Some(Def::Variant(id, vi)) => Some((id, vi)),
                Some(Def::Adt(id)) if !self.adts[id as usize].is_enum => Some((id, 0)),
                _ => None,
            }
        } else {
            let prefix = &segs[segs.len() - 2].ident.name;
            let base = if prefix == "Self" {
                match self.cx.self_ty.clone() {
                    Some(Ty::Adt(id, _)) => Some(id),
                    _ => None,
                }
            } else {
                match self.lookup_global(self.cx.src, prefix) {
                    Some(Def::Adt(id)) => Some(id),
                    _ => None,
                }
            };
            base.and_then(|id| self.adts[id as usize].variants.iter().position(|v| v.name == *last).filter(|_| self.adts[id as usize].is_enum).map(|vi| (id, vi as u32)))
        };
        if let Some((id, vi)) = variant {
            let n = self.adts[id as usize].generics.len();
            let args: Vec<Ty> = (0..n).map(|_| self.cx.inf.var()).collect();
            let at = Ty::Adt(id, args);
            if !self.cx.inf.unify(ty, &at) {
                self.mismatch(ty, &at, span);
                return Pat::Wild;
            }
            let v = &self.adts[id as usize].variants[vi as usize];
            if v.kind != VKind::Unit {
                let msg = format!("expected unit struct, unit variant or constant, found tuple variant `{}`", v.name);
                self.err(span, msg);
                return Pat::Wild;
            }
            if self.adts[id as usize].is_enum {
                steps.push(self.test_tag(acc, vi, span));
                return Pat::Ctor(Ctor::Variant(vi), vec![]);
            }
            return Pat::Ctor(Ctor::Single, vec![]);
        }
        // Constants.
        let e = ast::Expr { kind: ast::ExprKind::Path(p.clone()), span };
        let folded = self.fold_pattern_bound(&e);
        let v = self.const_path_value(p, ty, span);
        match v {
            Some(v) => {
                steps.push(self.test_eq(acc, v, span));
                match folded {
                    Some(n) => Pat::Ctor(Ctor::Range(n, n), vec![]),
                    None => Pat::Ctor(Ctor::Opaque, vec![]),
                }
            }
            None => {
                let name: Vec<&str> = segs.iter().map(|s| s.ident.name.as_str()).collect();
                self.err(span, format!("cannot find unit struct, unit variant or constant `{}` in this scope", name.join("::")));
                Pat::Wild
            }
        }
    }
}

/// The exhaustiveness checker's view of the checker's types.
struct ShapeCx<'c> {
    adts: &'c [AdtDef],
    inf: &'c Infer,
    option: Option<u32>,
    result: Option<u32>,
}

impl Shapes for ShapeCx<'_> {
    fn shape(&self, t: &Ty) -> Shape {
        match self.inf.shallow(t) {
            Ty::Bool => Shape::Bool,
            Ty::Adt(id, _) => match self.adts.get(id as usize) {
                Some(a) if a.is_enum => Shape::Enum(a.variants.len() as u32),
                Some(_) => Shape::Single,
                None => Shape::Infinite,
            },
            Ty::Tuple(_) | Ty::Unit => Shape::Single,
            Ty::Int(k) => {
                let (a, b) = k.range();
                Shape::Range(a, b)
            }
            Ty::Char => Shape::Range(0, 0x10FFFF),
            // An integer literal not yet settled is an `i64`.
            Ty::Var(v) if self.inf.kind(v) == VarKind::Int => Shape::Range(i64::MIN as i128, i64::MAX as i128),
            _ => Shape::Infinite,
        }
    }
    fn fields(&self, t: &Ty, c: &Ctor) -> Vec<Ty> {
        match (self.inf.shallow(t), c) {
            (Ty::Adt(id, args), Ctor::Variant(v)) => self.adts[id as usize].variants.get(*v as usize).map(|v| v.fields.iter().map(|(_, t)| t.subst(&args)).collect()).unwrap_or_default(),
            (Ty::Adt(id, args), Ctor::Single) => self.adts[id as usize].variants.first().map(|v| v.fields.iter().map(|(_, t)| t.subst(&args)).collect()).unwrap_or_default(),
            (Ty::Tuple(ts), Ctor::Single) => ts,
            _ => vec![],
        }
    }
    fn show(&self, t: &Ty, c: &Ctor, args: &[String]) -> String {
        let t = self.inf.shallow(t);
        match (&t, c) {
            (_, Ctor::Bool(b)) => b.to_string(),
            (Ty::Adt(id, _), Ctor::Variant(_) | Ctor::Single) => {
                let a = &self.adts[*id as usize];
                let vi = match c {
                    Ctor::Variant(v) => *v as usize,
                    _ => 0,
                };
                let v = match a.variants.get(vi) {
                    Some(v) => v,
                    None => return "_".into(),
                };
                let prelude_enum = Some(*id) == self.option || Some(*id) == self.result;
                let name = if a.is_enum && !prelude_enum { format!("{}::{}", a.name, v.name) } else { v.name.clone() };
                match v.kind {
                    VKind::Unit => name,
                    VKind::Tuple => format!("{}({})", name, args.join(", ")),
                    VKind::Named => {
                        let fs: Vec<String> = v.fields.iter().zip(args).map(|((n, _), a)| format!("{}: {}", n, a)).collect();
                        format!("{} {{ {} }}", name, fs.join(", "))
                    }
                }
            }
            (Ty::Tuple(_), Ctor::Single) => format!("({})", args.join(", ")),
            (Ty::Unit, _) => "()".into(),
            (Ty::Char, Ctor::Range(a, b)) => {
                let ch = |x: i128| char::from_u32(x as u32).map(|c| format!("{:?}", c)).unwrap_or_else(|| "_".into());
                if a == b {
                    ch(*a)
                } else {
                    format!("{}..={}", ch(*a), ch(*b))
                }
            }
            (Ty::Int(k), Ctor::Range(a, b)) => {
                let (lo, hi) = k.range();
                let n = |x: i128| {
                    if x == lo && k.ir().signed() {
                        format!("{}::MIN", k.name())
                    } else if x == hi {
                        format!("{}::MAX", k.name())
                    } else {
                        format!("{}_{}", x, k.name())
                    }
                };
                if a == b {
                    n(*a)
                } else {
                    format!("{}..={}", n(*a), n(*b))
                }
            }
            _ => "_".into(),
        }
    }
}
