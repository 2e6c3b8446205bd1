//! Lowering of expressions and places.
//!
//! `expr(e, dst)` evaluates `e` into register `dst`, or for its effects
//! only when `dst` is `None`. The contract that keeps this correct without
//! a later register allocator: `dst` is either a fresh temporary or a
//! local's register handed down by `Write` only for expressions that write
//! their destination as their very last step (`writes_dst_last`), so no
//! sub-expression can observe a half-updated local. Operands are taken in
//! place when they are locals (`operands`), unless a later operand of the
//! same operation could assign that local first.

use crate::func::{err, FnCx, Result};
use crate::walk::{writes_dst_last, writes_local};
use gos_ir::{self as ir, Const, Expr, ExprKind, Place, TypeKind};
use gos_vm::bytecode::{Aux, FmtPart, GlobalIdx, Imm32, Instr, Reg, Small, UnitEnumIdx};

impl<'p> FnCx<'p> {
    /// Evaluates `e` into `dst` (or for effect).
    pub(crate) fn expr(&mut self, e: &Expr, dst: Option<Reg>) -> Result<()> {
        let saved_loc = std::mem::replace(&mut self.loc, e.loc);
        let mark = self.next;
        let r = self.expr_inner(e, dst);
        self.next = mark;
        self.loc = saved_loc;
        r
    }

    /// A register holding the value of `e`: a local's own register for a
    /// local read, else a fresh temporary (which stays allocated).
    pub(crate) fn operand(&mut self, e: &Expr) -> Result<Reg> {
        if let ExprKind::Read(Place::Local(l)) = &e.kind {
            return self.local(*l);
        }
        let r = self.temp();
        self.expr(e, Some(r))?;
        Ok(r)
    }

    /// Evaluates `es` left to right into registers (locals in place unless
    /// a later operand may assign them).
    pub(crate) fn operands(&mut self, es: &[&Expr]) -> Result<Vec<Reg>> {
        let mut regs = Vec::with_capacity(es.len());
        for (i, e) in es.iter().enumerate() {
            let direct = match &e.kind {
                ExprKind::Read(Place::Local(l)) => !es[i + 1..].iter().any(|later| writes_local(later, *l)),
                _ => false,
            };
            if direct {
                regs.push(self.operand(e)?);
            } else {
                let r = self.temp();
                self.expr(e, Some(r))?;
                regs.push(r);
            }
        }
        Ok(regs)
    }

    /// Evaluates `es` into consecutive fresh registers; returns the first.
    pub(crate) fn consecutive(&mut self, es: &[&Expr]) -> Result<Reg> {
        let base = self.temps(es.len());
        for (i, e) in es.iter().enumerate() {
            let r = Reg(base.0 + i as u16);
            // Sub-expressions of argument `i` may use registers from
            // `r + 1` on: the arguments after it are not evaluated yet.
            self.next = r.0 as u32 + 1;
            self.expr(e, Some(r))?;
        }
        self.next = base.0 as u32 + es.len().max(1) as u32;
        Ok(base)
    }

    pub(crate) fn set_unit(&mut self, dst: Option<Reg>) {
        if let Some(d) = dst {
            self.emit(Instr::LoadImm { dst: d, imm: Imm32(0) });
        }
    }

    fn mov(&mut self, dst: Option<Reg>, src: Reg) {
        if let Some(d) = dst {
            if d != src {
                self.emit(Instr::Move { dst: d, src });
            }
        }
    }

    /// Evaluates `e` into a temporary, then moves it to `dst`.
    fn via_temp(&mut self, e: &Expr, dst: Option<Reg>) -> Result<()> {
        let r = self.temp();
        self.expr(e, Some(r))?;
        self.mov(dst, r);
        Ok(())
    }

    fn is_aggregate(&self, t: ir::TypeId) -> bool {
        self.kind(t).is_aggregate()
    }

    fn expr_inner(&mut self, e: &Expr, dst: Option<Reg>) -> Result<()> {
        match &e.kind {
            ExprKind::Const(c) => {
                if let Some(d) = dst {
                    self.constant_into(c, d);
                }
                Ok(())
            }
            ExprKind::Read(place) => self.read(place, e.ty, dst),
            ExprKind::Write { place, value } => {
                self.write(place, value)?;
                self.set_unit(dst);
                Ok(())
            }
            ExprKind::MakeRef(place) => self.make_ref(place, e.ty, dst),
            ExprKind::Unary { op, arg } => self.unary(*op, arg, e.ty, dst),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, dst),
            ExprKind::Logic { .. } => {
                let Some(d) = dst else {
                    // For effect: the same short-circuit, without a value.
                    let end = self.new_label();
                    self.cond_jump(e, true, end)?;
                    self.bind(end);
                    return Ok(());
                };
                let t = self.new_label();
                let end = self.new_label();
                self.cond_jump(e, true, t)?;
                self.emit(Instr::LoadImm { dst: d, imm: Imm32(0) });
                self.emit_jump(Instr::Jump { t: gos_vm::bytecode::Target(0) }, end);
                self.bind(t);
                self.emit(Instr::LoadImm { dst: d, imm: Imm32(1) });
                self.bind(end);
                Ok(())
            }
            ExprKind::Cast { arg } => self.cast(arg, e.ty, dst),
            ExprKind::Block { stmts, tail } => {
                for s in stmts {
                    self.expr(s, None)?;
                }
                match tail {
                    Some(t) => self.expr(t, dst),
                    None => {
                        self.set_unit(dst);
                        Ok(())
                    }
                }
            }
            ExprKind::If { cond, then, else_ } => {
                let else_l = self.new_label();
                let end = self.new_label();
                self.cond_jump(cond, false, else_l)?;
                let unit = else_.is_none();
                self.expr(then, if unit { None } else { dst })?;
                if let Some(el) = else_ {
                    if !self.is_never(then) {
                        self.emit_jump(Instr::Jump { t: gos_vm::bytecode::Target(0) }, end);
                    }
                    self.bind(else_l);
                    self.expr(el, dst)?;
                } else {
                    self.bind(else_l);
                }
                self.bind(end);
                if unit {
                    self.set_unit(dst);
                }
                Ok(())
            }
            ExprKind::Loop { id, cond, body, step } => self.lower_loop(*id, cond.as_deref(), body, step.as_deref(), e.ty, dst),
            ExprKind::Break { id, value } => {
                let Some(lp) = self.loops.iter().rev().find(|l| l.id == *id) else {
                    return err(format!("break out of loop {} outside it", id.0));
                };
                let (ldst, exit) = (lp.dst, lp.exit);
                if let Some(v) = value {
                    self.expr(v, ldst)?;
                }
                self.emit_jump(Instr::Jump { t: gos_vm::bytecode::Target(0) }, exit);
                Ok(())
            }
            ExprKind::Continue { id } => {
                let Some(lp) = self.loops.iter().rev().find(|l| l.id == *id) else {
                    return err(format!("continue of loop {} outside it", id.0));
                };
                let cont = lp.cont;
                self.emit_jump(Instr::Jump { t: gos_vm::bytecode::Target(0) }, cont);
                Ok(())
            }
            ExprKind::Return(v) => {
                let r = match v {
                    Some(v) => self.operand(v)?,
                    None => {
                        let r = self.temp();
                        self.emit(Instr::LoadImm { dst: r, imm: Imm32(0) });
                        r
                    }
                };
                self.emit(Instr::Ret { src: r });
                Ok(())
            }
            ExprKind::Call { func, args } => {
                let Some(f) = self.prog.funcs.get(func.index()) else {
                    return err(format!("call of function {} out of range", func.0));
                };
                if f.env.is_some() || f.params as usize != args.len() {
                    return err(format!("call of `{}` with {} arguments", f.name, args.len()));
                }
                let refs: Vec<&Expr> = args.iter().collect();
                let base = self.consecutive(&refs)?;
                self.emit(Instr::Call { base, f: gos_vm::bytecode::FuncIdx(func.0) });
                self.mov(dst, base);
                Ok(())
            }
            ExprKind::CallClosure { callee, args } => {
                let mut refs: Vec<&Expr> = vec![callee];
                refs.extend(args.iter());
                let base = self.consecutive(&refs)?;
                self.emit(Instr::CallClosure { base, n: gos_vm::bytecode::Small(refs.len() as u16) });
                self.mov(dst, base);
                Ok(())
            }
            ExprKind::MakeClosure { func, captures } => {
                let Some(f) = self.prog.funcs.get(func.index()) else {
                    return err(format!("closure of function {} out of range", func.0));
                };
                if f.env.as_ref().map(|e| e.len()) != Some(captures.len()) {
                    return err(format!("closure of `{}` with {} captures", f.name, captures.len()));
                }
                let refs: Vec<&Expr> = captures.iter().collect();
                let aux = Aux::NewClosure { ty: e.ty, func: func.0, n: count(refs.len())? };
                self.op(aux, &refs, dst)
            }
            ExprKind::Capture(i) => {
                if self.func.env.as_ref().is_none_or(|env| *i as usize >= env.len()) {
                    return err(format!("capture {i} outside the closure's environment"));
                }
                if let Some(d) = dst {
                    self.emit(Instr::GetField { dst: d, obj: Reg(0), idx: small(1 + *i as usize)? });
                }
                Ok(())
            }
            ExprKind::Aggregate(fields) => {
                let refs: Vec<&Expr> = fields.iter().collect();
                let aux = Aux::NewAggregate { ty: e.ty, n: count(refs.len())? };
                self.op(aux, &refs, dst)
            }
            ExprKind::ArrayRepeat(v) => {
                let TypeKind::Array(elem, len) = self.kind(e.ty) else {
                    return err("array repeat of a non-array type");
                };
                let len = u32::try_from(*len).map_err(|_| crate::func::Error::Msg("array too long".into()))?;
                let aux = Aux::ArrayRepeat { ty: e.ty, elem: *elem, len };
                self.op(aux, &[v], dst)
            }
            ExprKind::Copy(v) => {
                if self.is_aggregate(e.ty) {
                    self.op(Aux::Copy { ty: e.ty }, &[v], dst)
                } else {
                    self.expr(v, dst)
                }
            }
            ExprKind::Clone(v) => {
                let shared = matches!(
                    self.kind(e.ty),
                    TypeKind::Unit
                        | TypeKind::Bool
                        | TypeKind::Char
                        | TypeKind::Int(_)
                        | TypeKind::Float(_)
                        | TypeKind::Str
                        | TypeKind::Func { .. }
                        | TypeKind::Never
                );
                if shared {
                    self.expr(v, dst)
                } else {
                    self.op(Aux::Clone { ty: e.ty }, &[v], dst)
                }
            }
            ExprKind::EnumNew { variant, fields } => {
                let TypeKind::Enum { variants, .. } = self.kind(e.ty) else {
                    return err("enum value of a non-enum type");
                };
                if variants.get(*variant as usize).map(|v| v.fields.len()) != Some(fields.len()) {
                    return err(format!("enum variant {variant} with {} fields", fields.len()));
                }
                if fields.is_empty() {
                    let i = self.strings.unit_enum(e.ty, *variant);
                    if let Some(d) = dst {
                        self.emit(Instr::LoadUnitEnum { dst: d, e: UnitEnumIdx(i) });
                    }
                    return Ok(());
                }
                let refs: Vec<&Expr> = fields.iter().collect();
                let aux = Aux::NewEnum { ty: e.ty, tag: *variant, n: count(refs.len())? };
                self.op(aux, &refs, dst)
            }
            ExprKind::EnumTag(v) => self.field_of(v, 0, dst),
            ExprKind::EnumField { value, index, .. } => self.field_of(value, 1 + *index as usize, dst),
            ExprKind::Format(pieces) => {
                let mut parts = Vec::new();
                let mut args: Vec<&Expr> = Vec::new();
                for p in pieces {
                    match p {
                        ir::FmtPiece::Lit(s) => parts.push(FmtPart::Lit(s.clone())),
                        ir::FmtPiece::Arg { value, spec } => {
                            parts.push(FmtPart::Arg { ty: value.ty, spec: spec.clone() });
                            args.push(value);
                        }
                    }
                }
                let aux = Aux::Format { parts, n: count(args.len())? };
                self.op(aux, &args, dst)
            }
            ExprKind::Go(callee) => {
                let r = self.operand(callee)?;
                self.emit(Instr::Go { callee: r });
                self.set_unit(dst);
                Ok(())
            }
            ExprKind::Intrinsic { op, args } => self.intrinsic(*op, args, e.ty, dst),
        }
    }

    fn is_never(&self, e: &Expr) -> bool {
        matches!(self.kind(e.ty), TypeKind::Never)
    }

    fn constant_into(&mut self, c: &Const, d: Reg) {
        match c {
            Const::Unit => self.load_word(d, 0),
            Const::Bool(b) => self.load_word(d, *b as u64),
            Const::Int(i) => self.load_word(d, *i as u64),
            Const::F64(f) => self.load_word(d, f.to_bits()),
            Const::F32(f) => self.load_word(d, f.to_bits() as u64),
            Const::Char(c) => self.load_word(d, *c as u64),
            Const::Str(s) => self.load_str(d, s),
        }
    }

    /// `dst = word idx of the object e evaluates to`.
    fn field_of(&mut self, e: &Expr, idx: usize, dst: Option<Reg>) -> Result<()> {
        let o = self.operand(e)?;
        if let Some(d) = dst {
            self.emit(Instr::GetField { dst: d, obj: o, idx: small(idx)? });
        }
        Ok(())
    }

    /// Emits `Op` for `aux` over `args` evaluated into consecutive registers.
    pub(crate) fn op(&mut self, aux: Aux, args: &[&Expr], dst: Option<Reg>) -> Result<()> {
        let base = self.consecutive(args)?;
        let idx = self.aux(aux)?;
        let d = match dst {
            Some(d) => d,
            None => base,
        };
        self.emit(Instr::Op { dst: d, args: base, aux: idx });
        Ok(())
    }

    fn read(&mut self, place: &Place, ty: ir::TypeId, dst: Option<Reg>) -> Result<()> {
        match place {
            Place::Local(l) => {
                let r = self.local(*l)?;
                self.mov(dst, r);
            }
            Place::Global(g) => {
                self.check_global(*g)?;
                if let Some(d) = dst {
                    self.emit(Instr::LoadGlobal { dst: d, g: GlobalIdx(g.0) });
                }
            }
            Place::Field { obj, index } => self.field_of(obj, *index as usize, dst)?,
            Place::ArrayElem { arr, index } => {
                let r = self.operands(&[arr, index])?;
                let d = dst.unwrap_or_else(|| self.temp());
                self.emit(Instr::ArrGet { dst: d, arr: r[0], i: r[1] });
            }
            Place::VecElem { vec, index } => {
                let r = self.operands(&[vec, index])?;
                let d = dst.unwrap_or_else(|| self.temp());
                self.emit(Instr::VecGet { dst: d, v: r[0], i: r[1] });
            }
            Place::Deref(r) => {
                if self.is_aggregate(ty) {
                    // A reference to an aggregate is the object itself.
                    self.expr(r, dst)?;
                } else {
                    self.op(Aux::RefLoad, &[r], dst)?;
                }
            }
            Place::Cell(c) => self.field_of(c, 0, dst)?,
        }
        Ok(())
    }

    fn check_global(&self, g: ir::GlobalId) -> Result<()> {
        if g.index() >= self.prog.globals.len() {
            return err(format!("global {} out of range", g.0));
        }
        Ok(())
    }

    /// `place = value`. As in Rust, the value is evaluated before the
    /// place's operands.
    fn write(&mut self, place: &Place, value: &Expr) -> Result<()> {
        match place {
            Place::Local(l) => {
                let r = self.local(*l)?;
                if writes_dst_last(value) {
                    self.expr(value, Some(r))
                } else {
                    self.via_temp(value, Some(r))
                }
            }
            Place::Global(g) => {
                self.check_global(*g)?;
                let v = self.operand(value)?;
                self.emit(Instr::StoreGlobal { src: v, g: GlobalIdx(g.0) });
                Ok(())
            }
            Place::Field { obj, index } => {
                let r = self.operands(&[value, obj])?;
                self.emit(Instr::SetField { obj: r[1], idx: small(*index as usize)?, src: r[0] });
                Ok(())
            }
            Place::ArrayElem { arr, index } => {
                let r = self.operands(&[value, arr, index])?;
                self.emit(Instr::ArrSet { arr: r[1], i: r[2], src: r[0] });
                Ok(())
            }
            Place::VecElem { vec, index } => {
                let r = self.operands(&[value, vec, index])?;
                self.emit(Instr::VecSet { v: r[1], i: r[2], src: r[0] });
                Ok(())
            }
            Place::Deref(target) => {
                // Arguments in the order of the operations: (reference, value).
                let (rv, rt) = {
                    let regs = self.operands(&[value, target])?;
                    (regs[0], regs[1])
                };
                let base = self.temps(2);
                self.emit(Instr::Move { dst: base, src: rt });
                self.emit(Instr::Move { dst: Reg(base.0 + 1), src: rv });
                let aux = if self.is_aggregate(value.ty) { Aux::AssignInPlace { ty: value.ty } } else { Aux::RefStore };
                let idx = self.aux(aux)?;
                self.emit(Instr::Op { dst: base, args: base, aux: idx });
                Ok(())
            }
            Place::Cell(c) => {
                let r = self.operands(&[value, c])?;
                self.emit(Instr::SetField { obj: r[1], idx: Small(0), src: r[0] });
                Ok(())
            }
        }
    }

    /// `&place` (of type `Ref(T)`): the object itself for aggregates, else a
    /// reference object naming the place.
    fn make_ref(&mut self, place: &Place, ty: ir::TypeId, dst: Option<Reg>) -> Result<()> {
        let target = match self.kind(ty) {
            TypeKind::Ref(t) => *t,
            _ => return err("reference expression of a non-reference type"),
        };
        if self.is_aggregate(target) {
            return self.read(place, target, dst);
        }
        match place {
            Place::Deref(r) => self.expr(r, dst),
            Place::Cell(c) => {
                let base = self.temps(2);
                self.expr(c, Some(base))?;
                self.emit(Instr::LoadImm { dst: Reg(base.0 + 1), imm: Imm32(0) });
                self.new_ref(0, base, dst)
            }
            Place::Field { obj, index } => {
                let base = self.temps(2);
                self.expr(obj, Some(base))?;
                self.load_word(Reg(base.0 + 1), *index as u64);
                self.new_ref(0, base, dst)
            }
            Place::ArrayElem { arr, index } => {
                let base = self.temps(2);
                self.next = base.0 as u32 + 1;
                self.expr(arr, Some(base))?;
                self.next = base.0 as u32 + 2;
                self.expr(index, Some(Reg(base.0 + 1)))?;
                // Bounds-check now, as Rust does when the reference is taken.
                let scratch = self.temp();
                self.emit(Instr::ArrGet { dst: scratch, arr: base, i: Reg(base.0 + 1) });
                self.new_ref(0, base, dst)
            }
            Place::VecElem { vec, index } => {
                let base = self.temps(2);
                self.next = base.0 as u32 + 1;
                self.expr(vec, Some(base))?;
                self.next = base.0 as u32 + 2;
                self.expr(index, Some(Reg(base.0 + 1)))?;
                let scratch = self.temp();
                self.emit(Instr::VecGet { dst: scratch, v: base, i: Reg(base.0 + 1) });
                self.new_ref(1, base, dst)
            }
            // The checker puts every variable that `&mut` refers to in a
            // cell, so a reference to a plain variable is a shared one
            // through which nothing writes, and the variable cannot change
            // while it lives: a reference to a copy of its word is exact.
            Place::Local(_) | Place::Global(_) => {
                let pointer = self.kind(target).is_pointer();
                let v = Expr { kind: ExprKind::Read(place.clone()), ty: target, loc: self.loc };
                self.op(Aux::SnapshotRef { pointer }, &[&v], dst)
            }
        }
    }

    fn new_ref(&mut self, kind: u8, base: Reg, dst: Option<Reg>) -> Result<()> {
        let idx = self.aux(Aux::NewRef { kind })?;
        self.emit(Instr::Op { dst: dst.unwrap_or(base), args: base, aux: idx });
        Ok(())
    }

    fn intrinsic(&mut self, op: ir::Intrinsic, args: &[Expr], ty: ir::TypeId, dst: Option<Reg>) -> Result<()> {
        let refs: Vec<&Expr> = args.iter().collect();
        match (op, args.len()) {
            (ir::Intrinsic::VecLen, 1) if matches!(self.kind(args[0].ty), TypeKind::Vec(_)) => {
                let v = self.operand(&args[0])?;
                if let Some(d) = dst {
                    self.emit(Instr::VecLen { dst: d, v });
                }
                Ok(())
            }
            (ir::Intrinsic::StrLen, 1) if matches!(self.kind(args[0].ty), TypeKind::Str) => {
                let s = self.operand(&args[0])?;
                let d = dst.unwrap_or_else(|| self.temp());
                self.emit(Instr::StrLen { dst: d, s });
                Ok(())
            }
            (ir::Intrinsic::StrByteAt, 2) if matches!(self.kind(args[0].ty), TypeKind::Str) => {
                let r = self.operands(&[&args[0], &args[1]])?;
                let d = dst.unwrap_or_else(|| self.temp());
                self.emit(Instr::StrByte { dst: d, s: r[0], i: r[1] });
                Ok(())
            }
            (ir::Intrinsic::VecPush, 2) => {
                let base = self.consecutive(&refs)?;
                let aux = self.intrinsic_aux(op, args, ty)?;
                let idx = self.aux(aux)?;
                self.emit(Instr::VecPush { args: base, aux: idx });
                self.set_unit(dst);
                Ok(())
            }
            _ => {
                let aux = self.intrinsic_aux(op, args, ty)?;
                self.op(aux, &refs, dst)
            }
        }
    }

    fn intrinsic_aux(&self, op: ir::Intrinsic, args: &[Expr], ty: ir::TypeId) -> Result<Aux> {
        Ok(Aux::Intrinsic { op, arg_tys: args.iter().map(|a| a.ty).collect(), ret: ty, loc: self.cur_loc() })
    }
}

/// A count of operation arguments, which must fit 16 bits.
fn count(n: usize) -> Result<u16> {
    u16::try_from(n).or_else(|_| err(format!("{n} operands exceed the limit of 65535")))
}

/// A word index, which must fit 16 bits.
pub(crate) fn small(n: usize) -> Result<Small> {
    u16::try_from(n).map(Small).or_else(|_| err(format!("field index {n} exceeds the limit of 65535")))
}
