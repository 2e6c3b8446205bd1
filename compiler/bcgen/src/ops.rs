//! Operator selection: unary and binary operators, `as` casts, and
//! conditions lowered straight to branches.
//!
//! Integers of every width share the 64-bit opcodes where the result is
//! already normalised (bitwise operations, comparisons, right shifts of
//! normalised values, signed remainder) and add a `Norm` after the ones that
//! can carry bits past the type's width (add, sub, mul, neg, left shift,
//! signed division's `MIN / -1`, `!` of an unsigned value). `i32` gets fused
//! add/sub/mul because it is the common narrow type. Values whose operations
//! the runtime owns (strings, aggregates, enums, …) compare through
//! `Aux::Compare`.

use crate::func::{err, FnCx, Label, Result};
use gos_ir::{self as ir, BinOp, Const, Expr, ExprKind, FloatTy, IntTy, TypeKind, UnOp};
use gos_vm::bytecode::{Aux, CmpKind, ConstIdx16, Conv, Imm16, Instr, Norm, Reg, ShortTarget, Small, Target};

/// How a type's values are operated on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    Int(IntTy),
    F64,
    F32,
    /// `bool`, `char`, `()`: one word compared as an unsigned number.
    Word,
    Str,
    /// Everything the runtime compares structurally.
    Other,
}

fn norm_of(it: IntTy) -> Option<Norm> {
    match it {
        IntTy::I8 => Some(Norm::I8),
        IntTy::I16 => Some(Norm::I16),
        IntTy::I32 => Some(Norm::I32),
        IntTy::U8 => Some(Norm::U8),
        IntTy::U16 => Some(Norm::U16),
        IntTy::U32 => Some(Norm::U32),
        IntTy::I64 | IntTy::U64 => None,
    }
}

/// A comparison after negation (valid for integers, where `!(a < b)` is
/// `a >= b`).
fn negate(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Ge,
        BinOp::Le => BinOp::Gt,
        BinOp::Gt => BinOp::Le,
        BinOp::Ge => BinOp::Lt,
        BinOp::Eq => BinOp::Ne,
        BinOp::Ne => BinOp::Eq,
        other => other,
    }
}

fn is_comparison(op: BinOp) -> bool {
    matches!(op, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
}

/// The constant word of `e` if it is an integer-like literal.
fn const_word(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Const(Const::Int(i)) => Some(*i),
        ExprKind::Const(Const::Bool(b)) => Some(*b as i64),
        ExprKind::Const(Const::Char(c)) => Some(*c as i64),
        _ => None,
    }
}

fn imm16(v: i64) -> Option<Imm16> {
    i16::try_from(v).ok().map(Imm16)
}

const NO_TARGET: ShortTarget = ShortTarget(0);

impl<'p> FnCx<'p> {
    fn class(&self, t: ir::TypeId) -> Class {
        match self.kind(t) {
            TypeKind::Int(it) => Class::Int(*it),
            TypeKind::Float(FloatTy::F64) => Class::F64,
            TypeKind::Float(FloatTy::F32) => Class::F32,
            TypeKind::Bool | TypeKind::Char | TypeKind::Unit | TypeKind::Never => Class::Word,
            TypeKind::Str => Class::Str,
            _ => Class::Other,
        }
    }

    fn norm(&mut self, d: Reg, it: IntTy) {
        if let Some(n) = norm_of(it) {
            self.emit(Instr::Norm { dst: d, src: d, kind: Small(n as u16) });
        }
    }

    pub(crate) fn unary(&mut self, op: UnOp, arg: &Expr, ty: ir::TypeId, dst: Option<Reg>) -> Result<()> {
        let a = self.operand(arg)?;
        let d = dst.unwrap_or_else(|| self.temp());
        match (op, self.class(ty)) {
            (UnOp::Neg, Class::Int(it)) => {
                self.emit(Instr::NegI64 { dst: d, a });
                self.norm(d, it);
            }
            (UnOp::Neg, Class::F64) => {
                self.emit(Instr::NegF64 { dst: d, a });
            }
            (UnOp::Neg, Class::F32) => {
                self.emit(Instr::NegF32 { dst: d, a });
            }
            (UnOp::Not, Class::Int(it)) => {
                self.emit(Instr::NotI64 { dst: d, a });
                if !it.signed() {
                    self.norm(d, it);
                }
            }
            (UnOp::Not, Class::Word) if matches!(self.kind(ty), TypeKind::Bool) => {
                self.emit(Instr::NotBool { dst: d, a });
            }
            (op, c) => return err(format!("unary {op:?} on {c:?} values")),
        }
        Ok(())
    }

    pub(crate) fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, dst: Option<Reg>) -> Result<()> {
        let class = self.class(lhs.ty);
        match class {
            Class::Str | Class::Other => {
                let aux = match (op, class) {
                    (BinOp::Add, Class::Str) => Aux::Concat,
                    (op, _) if is_comparison(op) => Aux::Compare { kind: cmp_kind(op), ty: lhs.ty },
                    (op, c) => return err(format!("binary {op:?} on {c:?} values")),
                };
                return self.op(aux, &[lhs, rhs], dst);
            }
            Class::Int(it) => {
                if let Some(done) = self.int_immediate(op, lhs, rhs, it, dst)? {
                    return Ok(done);
                }
            }
            Class::F64 => {
                if let Some(done) = self.f64_constant_operand(op, lhs, rhs, dst)? {
                    return Ok(done);
                }
            }
            _ => {}
        }
        let r = self.operands(&[lhs, rhs])?;
        let (a, b) = (r[0], r[1]);
        let d = dst.unwrap_or_else(|| self.temp());
        let ins = match (class, op) {
            (Class::Int(it), _) => return self.int_binary(op, it, d, a, b),
            (Class::F64, BinOp::Add) => Instr::AddF64 { dst: d, a, b },
            (Class::F64, BinOp::Sub) => Instr::SubF64 { dst: d, a, b },
            (Class::F64, BinOp::Mul) => Instr::MulF64 { dst: d, a, b },
            (Class::F64, BinOp::Div) => Instr::DivF64 { dst: d, a, b },
            (Class::F64, BinOp::Rem) => Instr::RemF64 { dst: d, a, b },
            (Class::F64, BinOp::Eq) => Instr::EqF64 { dst: d, a, b },
            (Class::F64, BinOp::Ne) => Instr::NeF64 { dst: d, a, b },
            (Class::F64, BinOp::Lt) => Instr::LtF64 { dst: d, a, b },
            (Class::F64, BinOp::Le) => Instr::LeF64 { dst: d, a, b },
            (Class::F64, BinOp::Gt) => Instr::LtF64 { dst: d, a: b, b: a },
            (Class::F64, BinOp::Ge) => Instr::LeF64 { dst: d, a: b, b: a },
            (Class::F32, BinOp::Add) => Instr::AddF32 { dst: d, a, b },
            (Class::F32, BinOp::Sub) => Instr::SubF32 { dst: d, a, b },
            (Class::F32, BinOp::Mul) => Instr::MulF32 { dst: d, a, b },
            (Class::F32, BinOp::Div) => Instr::DivF32 { dst: d, a, b },
            (Class::F32, BinOp::Rem) => Instr::RemF32 { dst: d, a, b },
            (Class::F32, BinOp::Eq) => Instr::EqF32 { dst: d, a, b },
            (Class::F32, BinOp::Ne) => Instr::NeF32 { dst: d, a, b },
            (Class::F32, BinOp::Lt) => Instr::LtF32 { dst: d, a, b },
            (Class::F32, BinOp::Le) => Instr::LeF32 { dst: d, a, b },
            (Class::F32, BinOp::Gt) => Instr::LtF32 { dst: d, a: b, b: a },
            (Class::F32, BinOp::Ge) => Instr::LeF32 { dst: d, a: b, b: a },
            (Class::Word, BinOp::Eq) => Instr::Eq { dst: d, a, b },
            (Class::Word, BinOp::Ne) => Instr::Ne { dst: d, a, b },
            (Class::Word, BinOp::Lt) => Instr::LtU { dst: d, a, b },
            (Class::Word, BinOp::Le) => Instr::LeU { dst: d, a, b },
            (Class::Word, BinOp::Gt) => Instr::LtU { dst: d, a: b, b: a },
            (Class::Word, BinOp::Ge) => Instr::LeU { dst: d, a: b, b: a },
            (Class::Word, BinOp::BitAnd) => Instr::And { dst: d, a, b },
            (Class::Word, BinOp::BitOr) => Instr::Or { dst: d, a, b },
            (Class::Word, BinOp::BitXor) => Instr::Xor { dst: d, a, b },
            (c, op) => return err(format!("binary {op:?} on {c:?} values")),
        };
        self.emit(ins);
        Ok(())
    }

    /// Integer operations with a constant right operand that has an
    /// immediate form. Returns `None` if there is none.
    fn int_immediate(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, it: IntTy, dst: Option<Reg>) -> Result<Option<()>> {
        let Some(c) = const_word(rhs) else { return Ok(None) };
        if let Some(done) = self.int_pool_operand(op, lhs, c, it, dst)? {
            return Ok(Some(done));
        }
        let bits = it.bits() as i64;
        let (imm_add, and_imm, shift) = match op {
            BinOp::Add => (imm16(c), None, None),
            BinOp::Sub => (c.checked_neg().and_then(imm16), None, None),
            BinOp::BitAnd => (None, imm16(c), None),
            BinOp::Shl | BinOp::Shr => (None, None, Some((c & (bits - 1)) as u16)),
            _ => return Ok(None),
        };
        if imm_add.is_none() && and_imm.is_none() && shift.is_none() {
            return Ok(None);
        }
        let a = self.operand(lhs)?;
        let d = dst.unwrap_or_else(|| self.temp());
        if let Some(imm) = imm_add {
            self.emit(Instr::AddImmI64 { dst: d, a, imm });
            self.norm(d, it);
        } else if let Some(imm) = and_imm {
            self.emit(Instr::AndImm { dst: d, a, imm });
        } else if let Some(n) = shift {
            let n = Small(n);
            if op == BinOp::Shl {
                self.emit(Instr::ShlImm { dst: d, a, n });
                self.norm(d, it);
            } else if it.signed() {
                self.emit(Instr::ShrSImm { dst: d, a, n });
            } else {
                self.emit(Instr::ShrUImm { dst: d, a, n });
            }
        }
        Ok(Some(()))
    }

    /// f64 arithmetic with a constant operand (`x * 0.5`, `2.0 * x`),
    /// which reads the constant pool directly instead of loading it first.
    fn f64_constant_operand(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, dst: Option<Reg>) -> Result<Option<()>> {
        let as_const = |e: &Expr| match &e.kind {
            ExprKind::Const(Const::F64(f)) => Some(*f),
            _ => None,
        };
        let commutes = matches!(op, BinOp::Add | BinOp::Mul);
        let (x, c) = match (as_const(lhs), as_const(rhs)) {
            (_, Some(c)) if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) => (lhs, c),
            (Some(c), None) if commutes => (rhs, c),
            _ => return Ok(None),
        };
        let k = self.constant(c.to_bits());
        let Ok(k) = u16::try_from(k.0) else { return Ok(None) };
        let k = ConstIdx16(k);
        let a = self.operand(x)?;
        let d = dst.unwrap_or_else(|| self.temp());
        self.emit(match op {
            BinOp::Add => Instr::AddF64K { dst: d, a, k },
            BinOp::Sub => Instr::SubF64K { dst: d, a, k },
            BinOp::Mul => Instr::MulF64K { dst: d, a, k },
            _ => Instr::DivF64K { dst: d, a, k },
        });
        Ok(Some(()))
    }

    /// Integer add (beyond 16 bits), multiply, and signed division and
    /// remainder by a constant: the constant is read from the pool, which
    /// saves the load of a register per evaluation.
    fn int_pool_operand(&mut self, op: BinOp, lhs: &Expr, c: i64, it: IntTy, dst: Option<Reg>) -> Result<Option<()>> {
        let signed = it.signed();
        let word = match op {
            BinOp::Add if imm16(c).is_none() => c as u64,
            BinOp::Sub if c.checked_neg().and_then(imm16).is_none() => c.wrapping_neg() as u64,
            BinOp::Mul => c as u64,
            BinOp::Div | BinOp::Rem if signed => c as u64,
            _ => return Ok(None),
        };
        let k = self.constant(word);
        let Ok(k) = u16::try_from(k.0) else { return Ok(None) };
        let k = ConstIdx16(k);
        let a = self.operand(lhs)?;
        let d = dst.unwrap_or_else(|| self.temp());
        match op {
            BinOp::Add | BinOp::Sub => {
                self.emit(Instr::AddI64K { dst: d, a, k });
                self.norm(d, it);
            }
            BinOp::Mul => {
                self.emit(Instr::MulI64K { dst: d, a, k });
                self.norm(d, it);
            }
            BinOp::Div => {
                self.emit(Instr::DivSK { dst: d, a, k });
                self.norm(d, it);
            }
            _ => drop(self.emit(Instr::RemSK { dst: d, a, k })),
        }
        Ok(Some(()))
    }

    fn int_binary(&mut self, op: BinOp, it: IntTy, d: Reg, a: Reg, b: Reg) -> Result<()> {
        let i32_ = it == IntTy::I32;
        let signed = it.signed();
        match op {
            BinOp::Add if i32_ => drop(self.emit(Instr::AddI32 { dst: d, a, b })),
            BinOp::Sub if i32_ => drop(self.emit(Instr::SubI32 { dst: d, a, b })),
            BinOp::Mul if i32_ => drop(self.emit(Instr::MulI32 { dst: d, a, b })),
            BinOp::Add => {
                self.emit(Instr::AddI64 { dst: d, a, b });
                self.norm(d, it);
            }
            BinOp::Sub => {
                self.emit(Instr::SubI64 { dst: d, a, b });
                self.norm(d, it);
            }
            BinOp::Mul => {
                self.emit(Instr::MulI64 { dst: d, a, b });
                self.norm(d, it);
            }
            BinOp::Div if signed => {
                self.emit(Instr::DivS { dst: d, a, b });
                // `MIN / -1` of a narrow type overflows it in 64 bits.
                self.norm(d, it);
            }
            BinOp::Div => drop(self.emit(Instr::DivU { dst: d, a, b })),
            BinOp::Rem if signed => drop(self.emit(Instr::RemS { dst: d, a, b })),
            BinOp::Rem => drop(self.emit(Instr::RemU { dst: d, a, b })),
            BinOp::BitAnd => drop(self.emit(Instr::And { dst: d, a, b })),
            BinOp::BitOr => drop(self.emit(Instr::Or { dst: d, a, b })),
            BinOp::BitXor => drop(self.emit(Instr::Xor { dst: d, a, b })),
            BinOp::Shl | BinOp::Shr => {
                // The count is taken modulo the width; 64-bit shifts mask
                // by themselves.
                let count = if it.bits() == 64 {
                    b
                } else {
                    let t = self.temp();
                    self.emit(Instr::AndImm { dst: t, a: b, imm: Imm16(it.bits() as i16 - 1) });
                    t
                };
                if op == BinOp::Shl {
                    self.emit(Instr::Shl64 { dst: d, a, b: count });
                    self.norm(d, it);
                } else if signed {
                    self.emit(Instr::ShrS64 { dst: d, a, b: count });
                } else {
                    self.emit(Instr::ShrU64 { dst: d, a, b: count });
                }
            }
            BinOp::Eq => drop(self.emit(Instr::Eq { dst: d, a, b })),
            BinOp::Ne => drop(self.emit(Instr::Ne { dst: d, a, b })),
            BinOp::Lt if signed => drop(self.emit(Instr::LtS { dst: d, a, b })),
            BinOp::Le if signed => drop(self.emit(Instr::LeS { dst: d, a, b })),
            BinOp::Gt if signed => drop(self.emit(Instr::LtS { dst: d, a: b, b: a })),
            BinOp::Ge if signed => drop(self.emit(Instr::LeS { dst: d, a: b, b: a })),
            BinOp::Lt => drop(self.emit(Instr::LtU { dst: d, a, b })),
            BinOp::Le => drop(self.emit(Instr::LeU { dst: d, a, b })),
            BinOp::Gt => drop(self.emit(Instr::LtU { dst: d, a: b, b: a })),
            BinOp::Ge => drop(self.emit(Instr::LeU { dst: d, a: b, b: a })),
        }
        Ok(())
    }

    pub(crate) fn cast(&mut self, arg: &Expr, to: ir::TypeId, dst: Option<Reg>) -> Result<()> {
        let from_k = self.kind(arg.ty);
        let to_k = self.kind(to);
        let s = self.operand(arg)?;
        let d = dst.unwrap_or_else(|| self.temp());
        let conv = |c: Conv| Instr::Convert { dst: d, src: s, conv: Small(c.code()) };
        let ins = match (from_k, to_k) {
            (TypeKind::Int(_) | TypeKind::Char | TypeKind::Bool, TypeKind::Int(t)) => match norm_of(*t) {
                Some(n) => Instr::Norm { dst: d, src: s, kind: Small(n as u16) },
                None => Instr::Move { dst: d, src: s },
            },
            (TypeKind::Int(f), TypeKind::Float(FloatTy::F64)) => {
                if *f == IntTy::U64 {
                    conv(Conv::UIntToF64)
                } else {
                    Instr::I64ToF64 { dst: d, src: s }
                }
            }
            (TypeKind::Int(f), TypeKind::Float(FloatTy::F32)) => {
                conv(if *f == IntTy::U64 { Conv::UIntToF32 } else { Conv::SIntToF32 })
            }
            (TypeKind::Float(FloatTy::F64), TypeKind::Int(IntTy::I64)) => Instr::F64ToI64 { dst: d, src: s },
            (TypeKind::Float(FloatTy::F64), TypeKind::Int(t)) => conv(Conv::F64ToInt(*t)),
            (TypeKind::Float(FloatTy::F32), TypeKind::Int(t)) => conv(Conv::F32ToInt(*t)),
            (TypeKind::Float(FloatTy::F64), TypeKind::Float(FloatTy::F32)) => conv(Conv::F64ToF32),
            (TypeKind::Float(FloatTy::F32), TypeKind::Float(FloatTy::F64)) => conv(Conv::F32ToF64),
            (TypeKind::Float(a), TypeKind::Float(b)) if a == b => Instr::Move { dst: d, src: s },
            (TypeKind::Int(_) | TypeKind::Char, TypeKind::Char) | (TypeKind::Bool, TypeKind::Bool) => {
                Instr::Move { dst: d, src: s }
            }
            (TypeKind::Enum { .. }, TypeKind::Int(t)) => {
                // A fieldless enum's discriminant is its tag.
                self.emit(Instr::GetField { dst: d, obj: s, idx: Small(0) });
                self.norm(d, *t);
                return Ok(());
            }
            _ => return err(format!("cast from {from_k:?} to {to_k:?}")),
        };
        if ins != (Instr::Move { dst: d, src: d }) {
            self.emit(ins);
        }
        Ok(())
    }

    /// Jumps to `target` when the bool `c` equals `when`, else falls
    /// through; comparisons become fused compare-and-branch instructions.
    pub(crate) fn cond_jump(&mut self, c: &Expr, when: bool, target: Label) -> Result<()> {
        let saved_loc = std::mem::replace(&mut self.loc, c.loc);
        let mark = self.next;
        let r = self.cond_jump_inner(c, when, target);
        self.next = mark;
        self.loc = saved_loc;
        r
    }

    fn cond_jump_inner(&mut self, c: &Expr, when: bool, target: Label) -> Result<()> {
        match &c.kind {
            ExprKind::Const(Const::Bool(b)) => {
                if *b == when {
                    self.emit_jump(Instr::Jump { t: Target(0) }, target);
                }
                return Ok(());
            }
            ExprKind::Unary { op: UnOp::Not, arg } if matches!(self.kind(c.ty), TypeKind::Bool) => {
                return self.cond_jump(arg, !when, target);
            }
            ExprKind::Logic { op, lhs, rhs } => {
                // `a && b` jumps on true only if both hold; on false if
                // either fails. `||` is the dual.
                let and = *op == ir::LogicOp::And;
                if and != when {
                    self.cond_jump(lhs, when, target)?;
                    self.cond_jump(rhs, when, target)?;
                } else {
                    let skip = self.new_label();
                    self.cond_jump(lhs, !when, skip)?;
                    self.cond_jump(rhs, when, target)?;
                    self.bind(skip);
                }
                return Ok(());
            }
            ExprKind::Binary { op, lhs, rhs }
                if is_comparison(*op) && self.short && self.fused_branch(*op, lhs, rhs, when, target)? =>
            {
                return Ok(());
            }
            _ => {}
        }
        let r = self.operand(c)?;
        let t = Target(0);
        self.emit_jump(if when { Instr::JumpIf { c: r, t } } else { Instr::JumpIfNot { c: r, t } }, target);
        Ok(())
    }

    /// Emits a fused compare-and-branch for `lhs op rhs == when`; returns
    /// false (having emitted nothing) if the operand class has none.
    fn fused_branch(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, when: bool, target: Label) -> Result<bool> {
        let class = self.class(lhs.ty);
        let signed = match class {
            Class::Int(it) => it.signed() || it.bits() < 64,
            Class::Word => true,
            Class::F64 if !matches!(op, BinOp::Eq | BinOp::Ne) => {
                if let ExprKind::Const(Const::F64(c)) = &rhs.kind {
                    if let Ok(k) = u16::try_from(self.constant(c.to_bits()).0) {
                        let (a, k, t) = (self.operand(lhs)?, ConstIdx16(k), NO_TARGET);
                        let ins = match (op, when) {
                            (BinOp::Lt, true) => Instr::BrLtF64K { a, k, t },
                            (BinOp::Le, true) => Instr::BrLeF64K { a, k, t },
                            (BinOp::Gt, true) => Instr::BrGtF64K { a, k, t },
                            (BinOp::Ge, true) => Instr::BrGeF64K { a, k, t },
                            (BinOp::Lt, false) => Instr::BrNLtF64K { a, k, t },
                            (BinOp::Le, false) => Instr::BrNLeF64K { a, k, t },
                            (BinOp::Gt, false) => Instr::BrNGtF64K { a, k, t },
                            _ => Instr::BrNGeF64K { a, k, t },
                        };
                        self.emit_jump(ins, target);
                        return Ok(true);
                    }
                }
                let r = self.operands(&[lhs, rhs])?;
                let (a, b) = (r[0], r[1]);
                let t = NO_TARGET;
                let ins = match (op, when) {
                    (BinOp::Lt, true) => Instr::BrLtF64 { a, b, t },
                    (BinOp::Le, true) => Instr::BrLeF64 { a, b, t },
                    (BinOp::Gt, true) => Instr::BrLtF64 { a: b, b: a, t },
                    (BinOp::Ge, true) => Instr::BrLeF64 { a: b, b: a, t },
                    (BinOp::Lt, false) => Instr::BrNLtF64 { a, b, t },
                    (BinOp::Le, false) => Instr::BrNLeF64 { a, b, t },
                    (BinOp::Gt, false) => Instr::BrNLtF64 { a: b, b: a, t },
                    (BinOp::Ge, false) => Instr::BrNLeF64 { a: b, b: a, t },
                    _ => unreachable!("equality was excluded above"),
                };
                self.emit_jump(ins, target);
                return Ok(true);
            }
            _ => return Ok(false),
        };
        let op = if when { op } else { negate(op) };
        let t = NO_TARGET;
        // An immediate right operand: ordering compares are signed, so
        // they need a type whose words compare correctly as signed.
        if let Some(imm) = const_word(rhs).and_then(imm16) {
            if signed || matches!(op, BinOp::Eq | BinOp::Ne) {
                let a = self.operand(lhs)?;
                let ins = match op {
                    BinOp::Eq => Instr::BrEqImm { a, imm, t },
                    BinOp::Ne => Instr::BrNeImm { a, imm, t },
                    BinOp::Lt => Instr::BrLtImm { a, imm, t },
                    BinOp::Le => Instr::BrLeImm { a, imm, t },
                    BinOp::Gt => Instr::BrGtImm { a, imm, t },
                    _ => Instr::BrGeImm { a, imm, t },
                };
                self.emit_jump(ins, target);
                return Ok(true);
            }
        }
        let r = self.operands(&[lhs, rhs])?;
        let (a, b) = (r[0], r[1]);
        let ins = match (op, signed) {
            (BinOp::Eq, _) => Instr::BrEq { a, b, t },
            (BinOp::Ne, _) => Instr::BrNe { a, b, t },
            (BinOp::Lt, true) => Instr::BrLtS { a, b, t },
            (BinOp::Le, true) => Instr::BrLeS { a, b, t },
            (BinOp::Gt, true) => Instr::BrLtS { a: b, b: a, t },
            (_, true) => Instr::BrLeS { a: b, b: a, t },
            (BinOp::Lt, false) => Instr::BrLtU { a, b, t },
            (BinOp::Le, false) => Instr::BrLeU { a, b, t },
            (BinOp::Gt, false) => Instr::BrLtU { a: b, b: a, t },
            (_, false) => Instr::BrLeU { a: b, b: a, t },
        };
        self.emit_jump(ins, target);
        Ok(true)
    }
}

fn cmp_kind(op: BinOp) -> CmpKind {
    match op {
        BinOp::Eq => CmpKind::Eq,
        BinOp::Ne => CmpKind::Ne,
        BinOp::Lt => CmpKind::Lt,
        BinOp::Le => CmpKind::Le,
        BinOp::Gt => CmpKind::Gt,
        _ => CmpKind::Ge,
    }
}
