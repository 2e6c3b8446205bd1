//! Methods of the collection types: `Vec`, fixed arrays (through a vector
//! view), `HashMap`, `HashSet`, and the iterator methods whose meaning
//! depends on the element or result type (`sum`, `product`, `collect`).
//! The rest of `Iter<T>` lives in the prelude.

use gos_ir as ir;
use gos_ir::Intrinsic as I;
use gos_syntax::ast::{self, Span};
use ir::{BinOp, ExprKind};

use crate::call::Arg;
use crate::ctx::*;
use crate::types::{Ty, VarKind};

impl<'a> Checker<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn vec_method(&mut self, v: ir::Expr, vt: &Ty, et: &Ty, name: &str, args: Vec<Arg<'a>>, span: Span, _expected: &Ty) -> Option<ir::Expr> {
        let et = et.clone();
        
        Some(match name {
            "len" | "capacity" => {
                self.arity(0, &args, span);
                { let lt = self.len_ty(); self.intr(I::VecLen, vec![v], lt, span) }
            }
            "is_empty" => {
                self.arity(0, &args, span);
                let l = { let lt = self.len_ty(); self.intr(I::VecLen, vec![v], lt, span) };
                let z = self.int_const(0, span);
                self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(l), rhs: Box::new(z) }, Ty::Bool, span)
            }
            "push" => {
                let vals = self.check_args(&[et.clone()], args, span, "method");
                let x = vals.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let x = self.stored_value(x, span);
                self.intr(I::VecPush, vec![v, x], Ty::Unit, span)
            }
            "pop" => {
                self.arity(0, &args, span);
                let ot = self.option_ty(et);
                self.intr(I::VecPop, vec![v], ot, span)
            }
            "clear" => {
                self.arity(0, &args, span);
                self.intr(I::VecClear, vec![v], Ty::Unit, span)
            }
            "truncate" => {
                let iv = self.cx.inf.fresh(VarKind::Int);
                let vals = self.with_args(&[iv], args, span);
                let n = vals.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let n = self.to_i64(n);
                self.intr(I::VecTruncate, vec![v, n], Ty::Unit, span)
            }
            "insert" => {
                let iv = self.cx.inf.fresh(VarKind::Int);
                let vals = self.check_args(&[iv, et.clone()], args, span, "method");
                let mut it = vals.into_iter();
                let i = it.next().unwrap_or_else(|| self.error_expr(span));
                let i = self.to_i64(i);
                let x = it.next().unwrap_or_else(|| self.error_expr(span));
                let x = self.stored_value(x, span);
                self.intr(I::VecInsert, vec![v, i, x], Ty::Unit, span)
            }
            "remove" | "swap_remove" => {
                let iv = self.cx.inf.fresh(VarKind::Int);
                let vals = self.with_args(&[iv], args, span);
                let i = vals.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let i = self.to_i64(i);
                self.intr(I::VecRemove, vec![v, i], et, span)
            }
            "swap" => {
                let iv = self.cx.inf.fresh(VarKind::Int);
                let vals = self.with_args(&[iv.clone(), iv], args, span);
                let mut vals: Vec<ir::Expr> = vals.into_iter().map(|x| self.to_i64(x)).collect();
                vals.insert(0, v);
                self.intr(I::VecSwap, vals, Ty::Unit, span)
            }
            "contains" => {
                let vals = self.with_args(&[Ty::Ref(false, Box::new(et))], args, span);
                let x = vals.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                self.intr(I::VecContains, vec![v, x], Ty::Bool, span)
            }
            "sort" | "sort_unstable" => {
                self.arity(0, &args, span);
                self.intr(I::VecSort, vec![v], Ty::Unit, span)
            }
            "reverse" => {
                self.arity(0, &args, span);
                self.intr(I::VecReverse, vec![v], Ty::Unit, span)
            }
            "join" | "concat" => {
                let sep = if name == "concat" {
                    self.arity(0, &args, span);
                    self.mk(ExprKind::Const(ir::Const::Str(String::new())), Ty::Str, span)
                } else {
                    let vals = self.with_args(&[Ty::Str], args, span);
                    vals.into_iter().next().unwrap_or_else(|| self.error_expr(span))
                };
                if !self.cx.inf.unify(&et, &Ty::Str) {
                    let r = self.render(vt);
                    self.err(span, format!("no method named `join` found for type `{}`", r));
                }
                self.intr(I::VecJoin, vec![v, sep], Ty::Str, span)
            }
            "extend" | "extend_from_slice" | "append" => {
                let vals = { let v0 = self.cx.inf.var(); self.with_args(&[v0], args, span) };
                let o = vals.into_iter().next().unwrap_or_else(|| self.error_expr(span));
                let o = match self.shallow(&self.ty_of(&o)) {
                    Ty::Adt(..) if self.is_iter(&self.ty_of(&o)).is_some() => self.call_prelude("__collect_vec", vec![o], span),
                    Ty::Array(x, _) => self.intr(I::ArrayToVec, vec![o], Ty::vec(*x), span),
                    _ => o,
                };
                let ot = self.ty_of(&o);
                if !self.cx.inf.unify(&ot, vt) {
                    self.mismatch(vt, &ot, span);
                }
                self.intr(I::VecExtend, vec![v, o], Ty::Unit, span)
            }
            "iter" | "into_iter" | "drain" => {
                if name != "drain" {
                    self.arity(0, &args, span);
                }
                self.call_prelude("__vec_iter", vec![v], span)
            }
            "to_vec" => {
                self.arity(0, &args, span);
                self.mk(ExprKind::Clone(Box::new(v)), vt.clone(), span)
            }
            "first" | "last" | "get" | "sort_by" | "sort_by_key" | "dedup" | "retain" | "iter_sum" | "binary_search" | "index_of" | "windows" | "chunks" | "split_at" | "starts_with" | "ends_with" | "fill" | "resize" => {
                let f = format!("__vec_{}", name);
                let fi = self.prelude_fn(&f)?;
                let targs = self.fn_type_args(fi, vec![], &[], span);
                let mut all = vec![Arg::Ir(v, span)];
                all.extend(args);
                self.call_fn(fi, targs, all, span)
            }
            _ => return None,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn array_method(&mut self, a: ir::Expr, et: &Ty, n: u64, name: &str, args: Vec<Arg<'a>>, span: Span, expected: &Ty) -> Option<ir::Expr> {
        match name {
            "len" => {
                self.arity(0, &args, span);
                let lt = self.len_ty();
                Some(self.mk(ExprKind::Const(ir::Const::Int(n as i64)), lt, span))
            }
            "is_empty" => Some(self.mk(ExprKind::Const(ir::Const::Bool(n == 0)), Ty::Bool, span)),
            "sort" | "sort_unstable" | "reverse" | "swap" | "sort_by" | "fill" => {
                self.err(span, format!("`{}` on a fixed array is not supported; use a vector", name));
                Some(self.error_expr(span))
            }
            _ => {
                let vt = Ty::vec(et.clone());
                let v = self.intr(I::ArrayToVec, vec![a], vt.clone(), span);
                self.vec_method(v, &vt, et, name, args, span, expected)
            }
        }
    }

    pub fn map_method(&mut self, m: ir::Expr, k: &Ty, v: &Ty, name: &str, args: Vec<Arg<'a>>, span: Span) -> Option<ir::Expr> {
        let (k, v) = (k.clone(), v.clone());
        let kr = || Ty::Ref(false, Box::new(k.clone()));
        Some(match name {
            "len" => {
                self.arity(0, &args, span);
                { let lt = self.len_ty(); self.intr(I::MapLen, vec![m], lt, span) }
            }
            "is_empty" => {
                self.arity(0, &args, span);
                let l = { let lt = self.len_ty(); self.intr(I::MapLen, vec![m], lt, span) };
                let z = self.int_const(0, span);
                self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(l), rhs: Box::new(z) }, Ty::Bool, span)
            }
            "insert" => {
                let vals = self.check_args(&[k.clone(), v.clone()], args, span, "method");
                let mut vals: Vec<ir::Expr> = vals.into_iter().map(|x| self.stored_value(x, span)).collect();
                vals.insert(0, m);
                let ot = self.option_ty(v);
                self.intr(I::MapInsert, vals, ot, span)
            }
            "get" | "remove" | "get_mut" => {
                let vals = self.with_args(&[kr()], args, span);
                let mut vals = vals;
                vals.insert(0, m);
                let ot = self.option_ty(v);
                self.intr(if name == "remove" { I::MapRemove } else { I::MapGet }, vals, ot, span)
            }
            "contains_key" => {
                let vals = self.with_args(&[kr()], args, span);
                let mut vals = vals;
                vals.insert(0, m);
                self.intr(I::MapContains, vals, Ty::Bool, span)
            }
            "get_or" => {
                let vals = self.with_args(&[kr(), v.clone()], args, span);
                let mut vals = vals;
                vals.insert(0, m);
                self.call_prelude("__map_get_or", vals, span)
            }
            "keys" => {
                self.arity(0, &args, span);
                self.intr(I::MapKeys, vec![m], Ty::vec(k), span)
            }
            "values" => {
                self.arity(0, &args, span);
                self.intr(I::MapValues, vec![m], Ty::vec(v), span)
            }
            "iter" | "into_iter" => {
                self.arity(0, &args, span);
                let et = Ty::Tuple(vec![k, v]);
                let e = self.intr(I::MapEntries, vec![m], Ty::vec(et), span);
                self.call_prelude("__vec_iter", vec![e], span)
            }
            "clear" => {
                self.arity(0, &args, span);
                self.intr(I::MapClear, vec![m], Ty::Unit, span)
            }
            _ => return None,
        })
    }

    pub fn set_method(&mut self, s: ir::Expr, x: &Ty, name: &str, args: Vec<Arg<'a>>, span: Span) -> Option<ir::Expr> {
        let x = x.clone();
        Some(match name {
            "len" => {
                self.arity(0, &args, span);
                { let lt = self.len_ty(); self.intr(I::SetLen, vec![s], lt, span) }
            }
            "is_empty" => {
                self.arity(0, &args, span);
                let l = { let lt = self.len_ty(); self.intr(I::SetLen, vec![s], lt, span) };
                let z = self.int_const(0, span);
                self.mk(ExprKind::Binary { op: BinOp::Eq, lhs: Box::new(l), rhs: Box::new(z) }, Ty::Bool, span)
            }
            "insert" => {
                let vals = self.check_args(&[x], args, span, "method");
                let mut vals: Vec<ir::Expr> = vals.into_iter().map(|v| self.stored_value(v, span)).collect();
                vals.insert(0, s);
                self.intr(I::SetInsert, vals, Ty::Bool, span)
            }
            "contains" | "remove" => {
                let vals = self.with_args(&[Ty::Ref(false, Box::new(x))], args, span);
                let mut vals = vals;
                vals.insert(0, s);
                self.intr(if name == "contains" { I::SetContains } else { I::SetRemove }, vals, Ty::Bool, span)
            }
            "iter" | "into_iter" => {
                self.arity(0, &args, span);
                let e = self.intr(I::SetItems, vec![s], Ty::vec(x), span);
                self.call_prelude("__vec_iter", vec![e], span)
            }
            "clear" => {
                self.arity(0, &args, span);
                self.intr(I::SetClear, vec![s], Ty::Unit, span)
            }
            _ => return None,
        })
    }

    /// Iterator methods whose meaning depends on the element or result
    /// type; the rest are prelude methods of `Iter`.
    #[allow(clippy::too_many_arguments)]
    pub fn iter_method(&mut self, it: ir::Expr, et: &Ty, name: &str, turbofish: &'a [ast::TypeExpr], args: Vec<Arg<'a>>, span: Span, expected: &Ty) -> Option<ir::Expr> {
        match name {
            "sum" | "product" => {
                self.arity(0, &args, span);
                let mut t = self.shallow(et);
                if let Some(te) = turbofish.first() {
                    let sc = self.body_scope();
                    let want = self.resolve_ty(te, &sc);
                    self.cx.inf.unify(&t, &want);
                    t = self.shallow(&t);
                }
                if let Ty::Var(_) = t {
                    let e = self.shallow(expected);
                    if matches!(e, Ty::Int(_) | Ty::Float(_)) {
                        self.cx.inf.unify(&t, &e);
                    }
                    t = self.cx.inf.default_var(&t);
                }
                let start = if name == "sum" { 0 } else { 1 };
                let zero = match &t {
                    Ty::Float(_) => self.mk(ExprKind::Const(ir::Const::F64(start as f64)), t.clone(), span),
                    Ty::Int(_) => self.mk(ExprKind::Const(ir::Const::Int(start)), t.clone(), span),
                    Ty::Error => return Some(self.error_expr(span)),
                    _ => {
                        let r = self.render(&t);
                        self.err(span, format!("a value of type `{}` cannot be summed", r));
                        return Some(self.error_expr(span));
                    }
                };
                let f = if name == "sum" { "__iter_sum" } else { "__iter_product" };
                Some(self.call_prelude(f, vec![it, zero], span))
            }
            "collect" => {
                self.arity(0, &args, span);
                let target = match turbofish.first() {
                    Some(te) => {
                        let sc = self.body_scope();
                        self.resolve_ty(te, &sc)
                    }
                    None => expected.clone(),
                };
                let target = self.shallow(&target);
                let e = match &target {
                    Ty::Str => {
                        let v = self.call_prelude("__collect_vec", vec![it], span);
                        match self.shallow(et) {
                            Ty::Str => {
                                let sep = self.mk(ExprKind::Const(ir::Const::Str(String::new())), Ty::Str, span);
                                self.intr(I::VecJoin, vec![v, sep], Ty::Str, span)
                            }
                            _ => {
                                self.cx.inf.unify(et, &Ty::Char);
                                self.intr(I::StrFromChars, vec![v], Ty::Str, span)
                            }
                        }
                    }
                    Ty::Set(x) => {
                        self.cx.inf.unify(x, et);
                        self.call_prelude("__collect_set", vec![it], span)
                    }
                    Ty::Map(k, v) => {
                        self.cx.inf.unify(&Ty::Tuple(vec![*k.clone(), *v.clone()]), et);
                        self.call_prelude("__collect_map", vec![it], span)
                    }
                    _ => {
                        let v = self.call_prelude("__collect_vec", vec![it], span);
                        if let Ty::Vec(x) = &target {
                            self.cx.inf.unify(x, et);
                        }
                        v
                    }
                };
                Some(e)
            }
            _ => None,
        }
    }

}
