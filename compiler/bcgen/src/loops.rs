//! Lowering of `Loop`: rotated loops with the test at the bottom, and the
//! `ForLoop` fusion of a counting loop's increment and test.
//!
//! Layout, for a loop with a condition:
//! ```text
//!     if !cond goto exit      (or `goto test` when cond is large)
//! top:
//!     body
//! cont:
//!     step
//! test:
//!     if cond goto top        (ForLoop when step was `i += 1` and cond `i < end`)
//! exit:
//! ```
//! so each iteration runs one conditional branch; `continue` jumps to
//! `cont` and `break` to `exit`, storing its value first.

use crate::func::{FnCx, Label, LoopCx, Result};
use crate::walk::size;
use gos_ir::{self as ir, Expr, ExprKind, Place, TypeKind};
use gos_vm::bytecode::{Instr, Reg, ShortTarget, Target};

/// The positions of one loop's layout (see the module docs).
#[derive(Clone, Copy)]
struct Labels {
    top: Label,
    cont: Label,
    exit: Label,
    test: Label,
}

impl<'p> FnCx<'p> {
    pub(crate) fn lower_loop(
        &mut self,
        id: ir::LoopId,
        cond: Option<&Expr>,
        body: &Expr,
        step: Option<&Expr>,
        ty: ir::TypeId,
        dst: Option<Reg>,
    ) -> Result<()> {
        let top = self.new_label();
        let cont = self.new_label();
        let exit = self.new_label();
        let test = self.new_label();
        // A small condition is duplicated (tested once before the loop and
        // at the bottom of each iteration), saving a jump per iteration.
        let dup = cond.is_some_and(|c| size(c) <= 12);
        // The condition and the step are inside the loop: a `break` or
        // `continue` in them (the checker's lowering of `for` over an
        // iterator breaks from the condition) refers to this loop.
        self.loops.push(LoopCx { id, dst, exit, cont });
        let r = self.loop_parts(cond, dup, body, step, Labels { top, cont, exit, test });
        self.loops.pop();
        r?;
        self.bind(exit);
        if matches!(self.kind(ty), TypeKind::Unit) {
            self.set_unit(dst);
        }
        Ok(())
    }

    fn loop_parts(&mut self, cond: Option<&Expr>, dup: bool, body: &Expr, step: Option<&Expr>, l: Labels) -> Result<()> {
        let Labels { top, cont, exit, test } = l;
        if let Some(c) = cond {
            if dup {
                self.cond_jump(c, false, exit)?;
            } else {
                self.emit_jump(Instr::Jump { t: Target(0) }, test);
            }
        }
        self.bind(top);
        self.expr(body, None)?;
        self.bind(cont);
        if let Some(s) = step {
            self.expr(s, None)?;
        }
        match cond {
            Some(c) => {
                if !dup {
                    self.bind(test);
                }
                self.loop_test(c, top)
            }
            None => {
                self.emit_jump(Instr::Jump { t: Target(0) }, top);
                Ok(())
            }
        }
    }

    /// The bottom test of a loop: `ForLoop` when the step just incremented
    /// the local the condition compares, else a conditional branch.
    fn loop_test(&mut self, c: &Expr, top: Label) -> Result<()> {
        if self.short && self.can_fuse_with_previous() {
            if let ExprKind::Binary { op: ir::BinOp::Lt, lhs, rhs } = &c.kind {
                if let (ExprKind::Read(Place::Local(i)), ExprKind::Read(Place::Local(end)), TypeKind::Int(it)) =
                    (&lhs.kind, &rhs.kind, self.kind(lhs.ty))
                {
                    let (ri, rend) = (self.local(*i)?, self.local(*end)?);
                    let last = self.code.len() - 1;
                    let is_incr = matches!(self.code[last], Instr::AddImmI64 { dst, a, imm } if dst == ri && a == ri && imm.0 == 1);
                    if is_incr && *it == ir::IntTy::I64 {
                        let saved = std::mem::replace(&mut self.loc, c.loc);
                        self.code.pop();
                        self.emit_jump(Instr::ForLoop { i: ri, end: rend, t: ShortTarget(0) }, top);
                        self.loc = saved;
                        return Ok(());
                    }
                }
            }
        }
        self.cond_jump(c, true, top)
    }
}
