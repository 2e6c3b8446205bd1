//! Places (variables, fields, elements, dereferences) and the mutability
//! rules of §3: a value-typed variable needs `mut` to be reassigned or
//! changed in place, while anything reached through a reference type (a
//! vector's elements, a box, a `&mut`) may be changed without it.
//! Assignments, compound assignments and `&mut` are lowered here.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind, Place};

use crate::ctx::*;
use crate::types::Ty;

/// Whether a place may be written, and if not, why.
#[derive(Clone, Debug)]
pub enum Mutab {
    Yes,
    /// Rooted in the named variable, which is not `mut`.
    No(String),
    /// Reached through a `&T`.
    BehindRef,
    /// A temporary value.
    Temp,
}

pub struct PlaceInfo {
    pub place: Place,
    pub ty: Ty,
    pub mutab: Mutab,
    /// The write of a temporary the place refers to (for places made of
    /// non-place expressions), to run first.
    pub pre: Option<ir::Expr>,
}

/// Source text of a place expression, for messages (`p.x`, `v[_]`).
pub fn expr_text(e: &ast::Expr) -> String {
    match &e.kind {
        ast::ExprKind::Path(p) => p.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::"),
        ast::ExprKind::Field { expr, name } => format!("{}.{}", expr_text(expr), name.name),
        ast::ExprKind::TupleField { expr, index, .. } => format!("{}.{}", expr_text(expr), index),
        ast::ExprKind::Index { expr, .. } => format!("{}[_]", expr_text(expr)),
        ast::ExprKind::Unary { op: ast::UnOp::Deref, expr } => format!("*{}", expr_text(expr)),
        _ => "value".into(),
    }
}


impl<'a> Checker<'a> {
    /// The object a field or element access starts from, with its
    /// mutability; references and boxes are read through.
    fn base_of(&mut self, e: &'a ast::Expr) -> (ir::Expr, Mutab) {
        let (v, m) = match &e.kind {
            ast::ExprKind::Path(p) if p.segments.len() == 1 && p.segments[0].generics.is_empty() => {
                match self.lookup_var(&p.segments[0].ident.name, e.span) {
                    Some((vr, info)) => {
                        let m = if info.mutable { Mutab::Yes } else { Mutab::No(info.name.clone()) };
                        (self.read_var(vr, &info, e.span), m)
                    }
                    None => (self.expr(e, &Ty::Error), Mutab::Temp),
                }
            }
            ast::ExprKind::Field { .. } | ast::ExprKind::TupleField { .. } | ast::ExprKind::Index { .. } | ast::ExprKind::Unary { op: ast::UnOp::Deref, .. } => {
                match self.place_of(e) {
                    Some(pi) => {
                        let m = pi.mutab.clone();
                        (self.read_place_info(pi, e.span), m)
                    }
                    None => (self.error_expr(e.span), Mutab::Yes),
                }
            }
            _ => (self.expr(e, &Ty::Error), Mutab::Temp),
        };
        self.deref_base(v, m, e.span)
    }

    fn deref_base(&mut self, mut v: ir::Expr, mut m: Mutab, span: Span) -> (ir::Expr, Mutab) {
        for _ in 0..8 {
            match self.shallow(&self.ty_of(&v)) {
                Ty::Ref(true, _) => {
                    m = Mutab::Yes;
                    v = self.deref_value(v, span);
                }
                Ty::Ref(false, _) => {
                    m = Mutab::BehindRef;
                    v = self.deref_value(v, span);
                }
                Ty::Box(_) => {
                    if matches!(m, Mutab::Temp) {
                        m = Mutab::Yes;
                    }
                    v = self.deref_value(v, span);
                }
                _ => break,
            }
        }
        (v, m)
    }

    /// Resolves a place expression; reports and returns `None` when `e`
    /// has no field or element of that name.
    pub fn place_of(&mut self, e: &'a ast::Expr) -> Option<PlaceInfo> {
        match &e.kind {
            ast::ExprKind::Path(p) if p.segments.len() == 1 && p.segments[0].generics.is_empty() => {
                let name = &p.segments[0].ident.name;
                if let Some((vr, info)) = self.lookup_var(name, e.span) {
                    let m = if info.mutable { Mutab::Yes } else { Mutab::No(info.name.clone()) };
                    return match self.var_place(vr, &info, e.span) {
                        Some(place) => Some(PlaceInfo { place, ty: info.ty.clone(), mutab: m, pre: None }),
                        None => {
                            // A by-value capture: readable through a
                            // temporary, never writable.
                            let v = self.read_var(vr, &info, e.span);
                            let t = self.ty_of(&v);
                            let (w, tmp) = self.temp(v, "capture");
                            Some(PlaceInfo { place: Place::Local(ir::LocalId(tmp)), ty: t, mutab: Mutab::No(name.clone()), pre: Some(w) })
                        }
                    };
                }
                if let Some(Def::Const(c)) = self.lookup_global(self.cx.src, name) {
                    if self.consts[c].decl.is_static {
                        let g = self.static_global(c, e.span)?;
                        let m = if self.consts[c].decl.mutable { Mutab::Yes } else { Mutab::No(name.clone()) };
                        return Some(PlaceInfo { place: Place::Global(g), ty: self.consts[c].ty.clone(), mutab: m, pre: None });
                    }
                }
                let v = self.expr(e, &Ty::Error);
                let t = self.ty_of(&v);
                let (w, tmp) = self.temp(v, "tmp");
                Some(PlaceInfo { place: Place::Local(ir::LocalId(tmp)), ty: t, mutab: Mutab::Temp, pre: Some(w) })
            }
            ast::ExprKind::Field { expr, name } => {
                let (obj, m) = self.base_of(expr);
                let t = self.shallow(&self.ty_of(&obj));
                match &t {
                    Ty::Adt(id, args) if !self.adts[*id as usize].is_enum => {
                        let fields = &self.adts[*id as usize].variants[0].fields;
                        match fields.iter().position(|(n, _)| *n == name.name) {
                            Some(i) => {
                                let ft = fields[i].1.subst(args);
                                Some(PlaceInfo { place: Place::Field { obj: Box::new(obj), index: i as u32 }, ty: ft, mutab: m, pre: None })
                            }
                            None => {
                                let r = self.render(&t);
                                self.err(name.span, format!("no field `{}` on type `{}`", name.name, r));
                                None
                            }
                        }
                    }
                    Ty::Error => None,
                    Ty::Var(_) => {
                        self.err(expr.span, "type annotations needed");
                        None
                    }
                    _ => {
                        let r = self.render(&t);
                        self.err(name.span, format!("no field `{}` on type `{}`", name.name, r));
                        None
                    }
                }
            }
            ast::ExprKind::TupleField { expr, index, index_span } => {
                let (obj, m) = self.base_of(expr);
                let t = self.shallow(&self.ty_of(&obj));
                let ft = match &t {
                    Ty::Tuple(ts) => ts.get(*index as usize).cloned(),
                    Ty::Adt(id, args) if !self.adts[*id as usize].is_enum => {
                        self.adts[*id as usize].variants[0].fields.get(*index as usize).map(|(_, ft)| ft.subst(args))
                    }
                    Ty::Error => return None,
                    _ => None,
                };
                match ft {
                    Some(ft) => Some(PlaceInfo { place: Place::Field { obj: Box::new(obj), index: *index }, ty: ft, mutab: m, pre: None }),
                    None => {
                        let r = self.render(&t);
                        self.err(*index_span, format!("no field `{}` on type `{}`", index, r));
                        None
                    }
                }
            }
            ast::ExprKind::Index { expr, index } => {
                let (base, m) = self.base_of(expr);
                let (p, t) = self.index_place(base, index, e.span)?;
                let m = match &p {
                    Place::VecElem { .. } => Mutab::Yes,
                    _ => m,
                };
                Some(PlaceInfo { place: p, ty: t, mutab: m, pre: None })
            }
            ast::ExprKind::Unary { op: ast::UnOp::Deref, expr } => {
                let v = self.expr(expr, &Ty::Error);
                match self.shallow(&self.ty_of(&v)) {
                    Ty::Ref(true, t) => Some(PlaceInfo { place: Place::Deref(Box::new(v)), ty: *t, mutab: Mutab::Yes, pre: None }),
                    Ty::Ref(false, t) => {
                        let v = self.deref_value(v, e.span);
                        let (w, tmp) = self.temp(v, "tmp");
                        Some(PlaceInfo { place: Place::Local(ir::LocalId(tmp)), ty: *t, mutab: Mutab::BehindRef, pre: Some(w) })
                    }
                    Ty::Box(t) => Some(PlaceInfo { place: Place::Cell(Box::new(v)), ty: *t, mutab: Mutab::Yes, pre: None }),
                    Ty::Error => None,
                    t => {
                        let r = self.render(&t);
                        self.err(e.span, format!("type `{}` cannot be dereferenced", r));
                        None
                    }
                }
            }
            _ => {
                let v = self.expr(e, &Ty::Error);
                let t = self.ty_of(&v);
                let (w, tmp) = self.temp(v, "tmp");
                Some(PlaceInfo { place: Place::Local(ir::LocalId(tmp)), ty: t, mutab: Mutab::Temp, pre: Some(w) })
            }
        }
    }

    /// Reads a place, running its temporary's write first.
    pub fn read_place_info(&mut self, pi: PlaceInfo, span: Span) -> ir::Expr {
        let r = self.mk(ExprKind::Read(pi.place), pi.ty.clone(), span);
        self.with_pre(pi.pre, r)
    }

    /// `{ pre; e }`, or `e` alone.
    pub fn with_pre(&mut self, pre: Option<ir::Expr>, e: ir::Expr) -> ir::Expr {
        match pre {
            None => e,
            Some(w) => {
                let ty = e.ty;
                let loc = e.loc;
                ir::Expr { kind: ExprKind::Block { stmts: vec![w], tail: Some(Box::new(e)) }, ty, loc }
            }
        }
    }

    /// `base[index]` as a place of a vector or array element.
    pub fn index_place(&mut self, base: ir::Expr, index: &'a ast::Expr, span: Span) -> Option<(Place, Ty)> {
        let base = self.autoderef(base, span);
        let t = self.shallow(&self.ty_of(&base));
        let i = self.index_expr(index);
        match t {
            Ty::Vec(et) => Some((Place::VecElem { vec: Box::new(base), index: Box::new(i) }, *et)),
            Ty::Array(et, _) => Some((Place::ArrayElem { arr: Box::new(base), index: Box::new(i) }, *et)),
            Ty::Error => None,
            Ty::Var(_) => {
                self.err(span, "type annotations needed");
                None
            }
            t => {
                let r = self.render(&t);
                self.err(span, format!("cannot index into a value of type `{}`", r));
                None
            }
        }
    }

    fn mut_error(&mut self, m: &Mutab, lhs: &ast::Expr, span: Span, borrow: bool) -> bool {
        let text = expr_text(lhs);
        match m {
            Mutab::Yes => return false,
            Mutab::No(root) => {
                let whole = root == &text;
                let msg = match (borrow, whole) {
                    (true, _) => format!("cannot borrow `{}` as mutable, as it is not declared as mutable", if whole { &text } else { root }),
                    (false, true) => format!("cannot assign twice to immutable variable `{}`", text),
                    (false, false) => format!("cannot assign to `{}`, as `{}` is not declared as mutable", text, root),
                };
                self.err(span, msg);
            }
            Mutab::BehindRef => {
                let msg = if borrow {
                    format!("cannot borrow `{}` as mutable, as it is behind a `&` reference", text)
                } else {
                    format!("cannot assign to `{}`, which is behind a `&` reference", text)
                };
                self.err(span, msg);
            }
            Mutab::Temp => {
                if !borrow {
                    self.err(span, "invalid left-hand side of assignment");
                }
                return borrow;
            }
        }
        true
    }

    /// Checks that `e` may be changed in place (a `&mut self` receiver).
    pub fn require_mutable(&mut self, e: &'a ast::Expr, m: &Mutab) {
        let span = e.span;
        self.mut_error(m, e, span, true);
    }

    /// Evaluates the sub-expressions of a place that would be repeated by a
    /// compound assignment into temporaries.
    fn stabilize(&mut self, p: Place, stmts: &mut Vec<ir::Expr>) -> Place {
        let simple = |e: &ir::Expr| matches!(e.kind, ExprKind::Const(_) | ExprKind::Capture(_) | ExprKind::Read(Place::Local(_)) | ExprKind::Read(Place::Global(_)));
        let fix = |c: &mut Self, e: Box<ir::Expr>, stmts: &mut Vec<ir::Expr>| -> Box<ir::Expr> {
            if simple(&e) {
                return e;
            }
            let span = Span::default();
            let loc = e.loc;
            let (w, t) = c.temp(*e, "tmp");
            stmts.push(w);
            let mut r = c.read_local(t, span);
            r.loc = loc;
            Box::new(r)
        };
        match p {
            Place::Field { obj, index } => Place::Field { obj: fix(self, obj, stmts), index },
            Place::VecElem { vec, index } => {
                let vec = fix(self, vec, stmts);
                Place::VecElem { vec, index: fix(self, index, stmts) }
            }
            Place::ArrayElem { arr, index } => {
                let arr = fix(self, arr, stmts);
                Place::ArrayElem { arr, index: fix(self, index, stmts) }
            }
            Place::Deref(x) => Place::Deref(fix(self, x, stmts)),
            Place::Cell(x) => Place::Cell(fix(self, x, stmts)),
            p => p,
        }
    }

    /// `lhs = rhs` and `lhs op= rhs`.
    pub fn assign(&mut self, lhs: &'a ast::Expr, rhs: &'a ast::Expr, op: Option<ast::BinOp>, span: Span) -> ir::Expr {
        // `_ = e` evaluates and discards.
        if let ast::ExprKind::Path(p) = &lhs.kind {
            if p.segments.len() == 1 && p.segments[0].ident.name == "_" {
                let v = self.expr(rhs, &Ty::Error);
                return self.mk(ExprKind::Block { stmts: vec![v], tail: None }, Ty::Unit, span);
            }
        }
        // `x = v` of a `let x;` local: a write, not a read, and allowed once
        // to an immutable one (`init.rs` checks both).
        let deferred = match &lhs.kind {
            ast::ExprKind::Path(p) if p.segments.len() == 1 && p.segments[0].generics.is_empty() && op.is_none() => self.deferred_local(&p.segments[0].ident.name),
            _ => None,
        };
        self.writing = deferred.is_some();
        let pi = self.place_of(lhs);
        self.writing = false;
        let pi = match pi {
            Some(p) => p,
            None => {
                self.expr(rhs, &Ty::Error);
                return self.error_expr(span);
            }
        };
        if deferred.is_none() {
            self.mut_error(&pi.mutab, lhs, span, false);
        }
        let mut stmts = Vec::new();
        let value = match op {
            None => {
                let v = self.check_expr(rhs, &pi.ty);
                let v = self.stored_value(v, rhs.span);
                if let Some(l) = deferred {
                    if self.init_assign(l, span) && self.frame_ref().locals[l as usize].cell {
                        // The first assignment of a `let mut x;` in a cell
                        // makes the cell.
                        return self.init_local(l, v, span);
                    }
                }
                v
            }
            Some(op) => {
                if let Some(p) = pi.pre.clone() {
                    stmts.push(p);
                }
                let place = self.stabilize(pi.place.clone(), &mut stmts);
                let cur = self.mk(ExprKind::Read(place.clone()), pi.ty.clone(), lhs.span);
                let r = if matches!(op, ast::BinOp::Shl | ast::BinOp::Shr) { self.expr(rhs, &Ty::Error) } else { self.expr(rhs, &pi.ty) };
                let r = self.autoderef(r, rhs.span);
                let rt = self.ty_of(&r);
                let t = self.shallow(&pi.ty);
                let shift = matches!(op, ast::BinOp::Shl | ast::BinOp::Shr);
                let ok_ty = if shift { self.is_int_like(&rt) } else { self.cx.inf.unify(&t, &rt) };
                let ok_op = match op {
                    ast::BinOp::Add => self.is_num_like(&t) || t == Ty::Str,
                    ast::BinOp::BitAnd | ast::BinOp::BitOr | ast::BinOp::BitXor => self.is_int_like(&t) || t == Ty::Bool,
                    _ => self.is_num_like(&t),
                };
                if !ok_ty || !ok_op {
                    let (a, b) = (self.render(&t), self.render(&rt));
                    self.err(span, format!("cannot apply `{}=` to `{}` and `{}`", binop_str(op), a, b));
                }
                let irop = match op {
                    ast::BinOp::Add => BinOp::Add,
                    ast::BinOp::Sub => BinOp::Sub,
                    ast::BinOp::Mul => BinOp::Mul,
                    ast::BinOp::Div => BinOp::Div,
                    ast::BinOp::Rem => BinOp::Rem,
                    ast::BinOp::BitAnd => BinOp::BitAnd,
                    ast::BinOp::BitOr => BinOp::BitOr,
                    ast::BinOp::BitXor => BinOp::BitXor,
                    ast::BinOp::Shl => BinOp::Shl,
                    _ => BinOp::Shr,
                };
                let pl = place;
                let v = self.mk(ExprKind::Binary { op: irop, lhs: Box::new(cur), rhs: Box::new(r) }, pi.ty.clone(), span);
                let w = self.mk(ExprKind::Write { place: pl, value: Box::new(v) }, Ty::Unit, span);
                stmts.push(w);
                return self.mk(ExprKind::Block { stmts, tail: None }, Ty::Unit, span);
            }
        };
        let w = self.mk(ExprKind::Write { place: pi.place, value: Box::new(value) }, Ty::Unit, span);
        if let Some(p) = pi.pre {
            stmts.insert(0, p);
        }
        if stmts.is_empty() {
            w
        } else {
            stmts.push(w);
            self.mk(ExprKind::Block { stmts, tail: None }, Ty::Unit, span)
        }
    }

    /// The local of the current frame `name` refers to, if it was declared
    /// without a value.
    fn deferred_local(&self, name: &str) -> Option<u32> {
        let f = self.frame_ref();
        let l = f.scopes.iter().rev().find_map(|s| s.iter().rev().find(|(n, _)| n == name).map(|(_, l)| *l))?;
        f.locals[l as usize].deferred.then_some(l)
    }

    /// `&mut x`.
    pub fn ref_mut(&mut self, x: &'a ast::Expr, span: Span) -> ir::Expr {
        let pi = match self.place_of(x) {
            Some(p) => p,
            None => return self.error_expr(span),
        };
        if let Ty::Ref(true, _) = self.shallow(&pi.ty) {
            // `&mut r` of a `&mut T` variable re-borrows it.
            return self.read_place_info(pi, span);
        }
        if !matches!(pi.mutab, Mutab::Temp) {
            self.mut_error(&pi.mutab, x, span, true);
        }
        let r = self.mk(ExprKind::MakeRef(pi.place), Ty::Ref(true, Box::new(pi.ty)), span);
        self.with_pre(pi.pre, r)
    }

    /// A place for a `&mut self` receiver: the root variable must be
    /// mutable unless reached through a reference.
    pub fn receiver_place(&mut self, recv: &'a ast::Expr) -> Option<PlaceInfo> {
        let pi = self.place_of(recv)?;
        if !matches!(pi.mutab, Mutab::Temp) {
            self.mut_error(&pi.mutab, recv, recv.span, true);
        }
        Some(pi)
    }

}

fn binop_str(op: ast::BinOp) -> &'static str {
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
        _ => "?",
    }
}
