//! Constant folding for `const`/`static` items, array lengths and pattern
//! bounds, with the run-time arithmetic: integers wrap in their type (the
//! value is re-normalised after every operation), `MIN / -1` is `MIN`, shift
//! counts are taken modulo the width, floats are Rust's `f64`. Initialisers
//! the folder cannot evaluate (a `Vec::new()` static, a call) become globals
//! initialised at run time by the program's `init` function instead; a
//! division by zero is left to run time too, where it panics as it would.

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::ExprKind;

use crate::ctx::*;
use crate::types::{IntK, Ty};

fn wrap(v: i128, k: IntK) -> i128 {
    let t = k.ir();
    let w = t.normalize(v as u64);
    if t.signed() {
        w as i64 as i128
    } else {
        w as i128
    }
}

fn float_const(path: &[&str]) -> Option<f64> {
    use std::f64::consts as c;
    let name = *path.last()?;
    let is_f64 = path.iter().any(|s| *s == "f64" || *s == "math");
    if !is_f64 {
        return None;
    }
    Some(match name {
        "PI" => c::PI,
        "E" => c::E,
        "TAU" => c::TAU,
        "SQRT_2" => c::SQRT_2,
        "LN_2" => c::LN_2,
        "LN_10" => c::LN_10,
        "FRAC_PI_2" => c::FRAC_PI_2,
        "FRAC_PI_4" => c::FRAC_PI_4,
        "MAX" if path.contains(&"f64") => f64::MAX,
        "MIN" if path.contains(&"f64") => f64::MIN,
        "MIN_POSITIVE" => f64::MIN_POSITIVE,
        "EPSILON" => f64::EPSILON,
        "INFINITY" => f64::INFINITY,
        "NEG_INFINITY" => f64::NEG_INFINITY,
        "NAN" => f64::NAN,
        _ => return None,
    })
}

impl<'a> Checker<'a> {
    /// A builtin constant named by a path: `i64::MAX`, `u8::MIN`,
    /// `f64::consts::PI`, `math::PI`. Reports a missing `use` of `math`.
    pub fn builtin_const(&mut self, p: &ast::Path) -> Option<(CVal, Ty)> {
        let segs: Vec<&str> = p.segments.iter().map(|s| s.ident.name.as_str()).collect();
        if segs.len() < 2 {
            return None;
        }
        if segs.len() == 2 {
            if let Some(k) = IntK::from_name(segs[0]) {
                let (lo, hi) = k.range();
                return match segs[1] {
                    "MAX" => Some((CVal::Int(hi), Ty::Int(k))),
                    "MIN" => Some((CVal::Int(lo), Ty::Int(k))),
                    "BITS" => Some((CVal::Int(k.ir().bits() as i128), Ty::Int(IntK::U32))),
                    _ => None,
                };
            }
            if segs[0] == "char" && segs[1] == "MAX" {
                return Some((CVal::Char(char::MAX), Ty::Char));
            }
        }
        let f = float_const(&segs)?;
        if segs[0] == "math" && self.cx.src == Src::User && !matches!(self.scopes[0].get("math"), Some(Def::Module(_))) {
            self.err(p.span, "failed to resolve: use of undeclared crate or module `math`");
        }
        Some((CVal::Float(f), Ty::f64()))
    }

    /// Folds `e` as a value of type `ty` (`Ty::Error`: no wrapping).
    pub fn fold(&mut self, e: &ast::Expr, ty: &Ty) -> Option<CVal> {
        let k = match ty {
            Ty::Int(k) => Some(*k),
            _ => None,
        };
        let w = |v: i128| match k {
            Some(k) => wrap(v, k),
            None => v,
        };
        match &e.kind {
            ast::ExprKind::Lit(l) => Some(match l {
                ast::Lit::Int { value, suffix } => match suffix.as_deref() {
                    Some("f64") | Some("f32") => CVal::Float(*value as f64),
                    _ if matches!(ty, Ty::Float(_)) => return None,
                    _ => CVal::Int(*value as i128),
                },
                ast::Lit::Float { text, .. } => CVal::Float(text.parse().ok()?),
                ast::Lit::Bool(b) => CVal::Bool(*b),
                ast::Lit::Char(c) => CVal::Char(*c),
                ast::Lit::Byte(b) => CVal::Int(*b as i128),
                ast::Lit::Str(s) => CVal::Str(s.clone()),
            }),
            ast::ExprKind::Unary { op, expr } => {
                let v = self.fold(expr, ty)?;
                match (op, v) {
                    (ast::UnOp::Neg, CVal::Int(i)) => Some(CVal::Int(w(-i))),
                    (ast::UnOp::Neg, CVal::Float(f)) => Some(CVal::Float(-f)),
                    (ast::UnOp::Not, CVal::Bool(b)) => Some(CVal::Bool(!b)),
                    (ast::UnOp::Not, CVal::Int(i)) => Some(CVal::Int(w(!i))),
                    _ => None,
                }
            }
            ast::ExprKind::Binary { op, lhs, rhs } => {
                use ast::BinOp as B;
                let cmp = matches!(op, B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge);
                let sub_ty = if cmp || matches!(op, B::And | B::Or) { Ty::Error } else { ty.clone() };
                let a = self.fold(lhs, &sub_ty)?;
                let b = if matches!(op, B::Shl | B::Shr) { self.fold(rhs, &Ty::Error)? } else { self.fold(rhs, &sub_ty)? };
                Some(match (a, b) {
                    (CVal::Int(x), CVal::Int(y)) => {
                        let bits = k.map(|k| k.ir().bits()).unwrap_or(64) as i128;
                        match op {
                            B::Add => CVal::Int(w(x + y)),
                            B::Sub => CVal::Int(w(x - y)),
                            B::Mul => CVal::Int(w(x.wrapping_mul(y))),
                            B::Div => {
                                if y == 0 {
                                    return None;
                                }
                                CVal::Int(w(x / y))
                            }
                            B::Rem => {
                                if y == 0 {
                                    return None;
                                }
                                CVal::Int(w(x % y))
                            }
                            B::BitAnd => CVal::Int(w(x & y)),
                            B::BitOr => CVal::Int(w(x | y)),
                            B::BitXor => CVal::Int(w(x ^ y)),
                            B::Shl => CVal::Int(w(x << (y.rem_euclid(bits)) as u32)),
                            B::Shr => {
                                let s = y.rem_euclid(bits) as u32;
                                // Logical for unsigned values (never negative here).
                                CVal::Int(w(x >> s))
                            }
                            B::Eq => CVal::Bool(x == y),
                            B::Ne => CVal::Bool(x != y),
                            B::Lt => CVal::Bool(x < y),
                            B::Le => CVal::Bool(x <= y),
                            B::Gt => CVal::Bool(x > y),
                            B::Ge => CVal::Bool(x >= y),
                            _ => return None,
                        }
                    }
                    (CVal::Float(x), CVal::Float(y)) => match op {
                        B::Add => CVal::Float(x + y),
                        B::Sub => CVal::Float(x - y),
                        B::Mul => CVal::Float(x * y),
                        B::Div => CVal::Float(x / y),
                        B::Rem => CVal::Float(x % y),
                        B::Eq => CVal::Bool(x == y),
                        B::Ne => CVal::Bool(x != y),
                        B::Lt => CVal::Bool(x < y),
                        B::Le => CVal::Bool(x <= y),
                        B::Gt => CVal::Bool(x > y),
                        B::Ge => CVal::Bool(x >= y),
                        _ => return None,
                    },
                    (CVal::Bool(x), CVal::Bool(y)) => match op {
                        B::And => CVal::Bool(x && y),
                        B::Or => CVal::Bool(x || y),
                        B::Eq => CVal::Bool(x == y),
                        B::Ne => CVal::Bool(x != y),
                        B::BitAnd => CVal::Bool(x & y),
                        B::BitOr => CVal::Bool(x | y),
                        B::BitXor => CVal::Bool(x ^ y),
                        _ => return None,
                    },
                    (CVal::Str(x), CVal::Str(y)) if *op == B::Add => CVal::Str(x + &y),
                    _ => return None,
                })
            }
            ast::ExprKind::Cast { expr, ty: te } => {
                let sc = crate::items::TyScope { src: self.cx.src, ..Default::default() };
                let to = self.resolve_ty(te, &sc);
                let v = self.fold(expr, &Ty::Error)?;
                Some(match (v, &to) {
                    (CVal::Int(i), Ty::Int(k)) => CVal::Int(wrap(i, *k)),
                    (CVal::Int(i), Ty::Float(_)) => CVal::Float(i as f64),
                    (CVal::Float(f), Ty::Int(k)) => {
                        let (lo, hi) = k.range();
                        let t = if f.is_nan() { 0 } else { (f.trunc() as i128).clamp(lo, hi) };
                        // f64 → i128 saturates only at i128's range; clamp
                        // to the target like Rust's `as`.
                        CVal::Int(if f >= hi as f64 { hi } else if f <= lo as f64 { lo } else { t })
                    }
                    (CVal::Float(f), Ty::Float(_)) => CVal::Float(f),
                    (CVal::Char(c), Ty::Int(k)) => CVal::Int(wrap(c as i128, *k)),
                    (CVal::Bool(b), Ty::Int(_)) => CVal::Int(b as i128),
                    (CVal::Int(i), Ty::Char) if (0..256).contains(&i) => CVal::Char(char::from_u32(i as u32)?),
                    _ => return None,
                })
            }
            ast::ExprKind::Path(p) => {
                if let Some((v, _)) = self.builtin_const(p) {
                    return Some(v);
                }
                if p.segments.len() != 1 {
                    return None;
                }
                match self.lookup_global(self.cx.src, &p.segments[0].ident.name) {
                    Some(Def::Const(c)) if !self.consts[c].decl.is_static => {
                        self.const_value(c, e.span);
                        match &self.consts[c].state {
                            ConstState::Folded(v) => Some(v.clone()),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            ast::ExprKind::Block(b) if b.stmts.is_empty() => self.fold(b.tail.as_deref()?, ty),
            _ => None,
        }
    }

    /// Settles const item `c`: folded, or a global initialised at run time.
    pub fn const_value(&mut self, c: usize, span: Span) {
        match self.consts[c].state {
            ConstState::Unresolved => {}
            ConstState::InProgress => {
                let n = self.consts[c].name.clone();
                let src = self.consts[c].src;
                self.err_in(src, span, format!("cycle detected when evaluating constant `{}`", n), vec![]);
                self.consts[c].state = ConstState::Failed;
                return;
            }
            _ => return,
        }
        self.consts[c].state = ConstState::InProgress;
        let decl = self.consts[c].decl;
        let ty = self.consts[c].ty.clone();
        let saved_src = self.cx.src;
        self.cx.src = self.consts[c].src;
        let folded = if decl.is_static && decl.mutable { None } else { self.fold(&decl.value, &ty) };
        self.cx.src = saved_src;
        let fits = match (&folded, &ty) {
            (Some(CVal::Int(v)), Ty::Int(k)) => {
                let (lo, hi) = k.range();
                if *v < lo || *v > hi {
                    let msg = format!("literal out of range for `{}`", k.name());
                    let src = self.consts[c].src;
                    self.err_in(src, decl.value.span, msg, vec![]);
                }
                true
            }
            (Some(CVal::Float(_)), Ty::Float(_)) | (Some(CVal::Bool(_)), Ty::Bool) | (Some(CVal::Char(_)), Ty::Char) | (Some(CVal::Str(_)), Ty::Str) => true,
            _ => false,
        };
        if fits {
            self.consts[c].state = ConstState::Folded(folded.unwrap_or(CVal::Unit));
            return;
        }
        // Evaluated at run time.
        let g = ir::GlobalId(self.globals.len() as u32);
        let gty = self.intern(&ty);
        self.globals.push(ir::Global { name: decl.name.name.clone(), ty: gty });
        self.consts[c].state = ConstState::Global(g);
        let f = self.reserve_func();
        let saved = std::mem::take(&mut self.cx);
        self.cx.src = self.consts[c].src;
        self.cx.self_ty = self.consts[c].self_ty.clone();
        let name = format!("{}::init", decl.name.name);
        self.cx.frames.push(Frame { func: Some(f), name: name.clone(), ret: Ty::Unit, ..Default::default() });
        let v = self.check_expr(&decl.value, &ty);
        let v = self.value(v);
        let w = self.mk(ExprKind::Write { place: ir::Place::Global(g), value: Box::new(v) }, Ty::Unit, decl.value.span);
        let frame = self.cx.frames.pop().unwrap_or_default();
        let ret = self.slot(Ty::Unit);
        let func = ir::Function {
            name,
            params: 0,
            locals: frame.locals.iter().map(|l| ir::Local { name: l.name.clone(), ty: l.slot }).collect(),
            ret,
            env: None,
            body: w,
            loc: self.loc(decl.value.span),
            track_caller: false,
        };
        self.cx.done.push((f, func));
        self.finish_function();
        self.cx = saved;
        self.init_funcs.push(f);
    }

    /// The global of a `static` (or run-time `const`), if it has one.
    pub fn static_global(&mut self, c: usize, span: Span) -> Option<ir::GlobalId> {
        self.const_value(c, span);
        match self.consts[c].state {
            ConstState::Global(g) => Some(g),
            _ => None,
        }
    }

    /// A folded value as an IR constant of type `ty`.
    pub fn cval_expr(&mut self, v: &CVal, ty: &Ty, span: Span) -> ir::Expr {
        let k = match v {
            CVal::Int(i) => ir::Const::Int(*i as i64),
            CVal::Float(f) => ir::Const::F64(*f),
            CVal::Bool(b) => ir::Const::Bool(*b),
            CVal::Char(c) => ir::Const::Char(*c),
            CVal::Str(s) => ir::Const::Str(s.clone()),
            CVal::Unit => ir::Const::Unit,
        };
        let e = self.mk(ExprKind::Const(k), ty.clone(), span);
        if let CVal::Float(f) = v {
            self.cx.lit_floats.insert(e.ty.0, format!("{}", f));
        }
        e
    }

    /// An array length.
    pub fn const_usize(&mut self, e: &ast::Expr, src: Src) -> Option<u64> {
        let saved = self.cx.src;
        self.cx.src = src;
        let v = self.fold(e, &Ty::Int(IntK::Usize));
        let r = match v {
            Some(CVal::Int(n)) if n >= 0 => Some(n as u64),
            _ => {
                self.err(e.span, "array length must be a constant non-negative integer");
                None
            }
        };
        self.cx.src = saved;
        r
    }

    /// The numeric value of a range-pattern bound or constant pattern.
    pub fn fold_pattern_bound(&mut self, e: &ast::Expr) -> Option<i128> {
        match self.fold(e, &Ty::Error)? {
            CVal::Int(v) => Some(v),
            CVal::Char(c) => Some(c as i128),
            _ => None,
        }
    }

    /// A constant used as a pattern.
    pub fn const_path_value(&mut self, p: &ast::Path, ty: &Ty, span: Span) -> Option<ir::Expr> {
        let e = ast::Expr { kind: ast::ExprKind::Path(p.clone()), span };
        let v = self.fold(&e, ty)?;
        let vt = match &v {
            CVal::Int(_) => {
                if !self.is_int_like(ty) {
                    return None;
                }
                ty.clone()
            }
            CVal::Float(_) => Ty::f64(),
            CVal::Bool(_) => Ty::Bool,
            CVal::Char(_) => Ty::Char,
            CVal::Str(_) => Ty::Str,
            CVal::Unit => Ty::Unit,
        };
        if !self.cx.inf.unify(ty, &vt) {
            self.mismatch(ty, &vt, span);
        }
        Some(self.cval_expr(&v, &vt, span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_follows_the_type() {
        assert_eq!(wrap(256, IntK::U8), 0);
        assert_eq!(wrap(128, IntK::I8), -128);
        assert_eq!(wrap(-1, IntK::U64), u64::MAX as i128);
        assert_eq!(wrap(i64::MAX as i128 + 1, IntK::I64), i64::MIN as i128);
    }

    #[test]
    fn float_constants() {
        assert_eq!(float_const(&["math", "PI"]), Some(std::f64::consts::PI));
        assert_eq!(float_const(&["f64", "consts", "E"]), Some(std::f64::consts::E));
        assert_eq!(float_const(&["i64", "PI"]), None);
    }
}
