//! One bytecode function to Cranelift IR.
//!
//! Each register of the frame becomes a Cranelift variable (SSA is built by
//! `cranelift-frontend`, so registers the bytecode reuses cost nothing),
//! each jump target and each instruction after a branch starts a block,
//! and every instruction becomes the few machine operations it stands for:
//! arithmetic, compares and branches, field and element accesses with
//! their bounds checks, and direct calls are inline; allocation, generic
//! value operations, formatting and library operations call the runtime
//! through the ABI table (`gos_abi::RtFn`), with their arguments laid out
//! in one stack slot of the frame. The semantics are the interpreter's
//! (`gos_vm::interp`), instruction by instruction; the comments say where
//! machine code must do more than the obvious (division overflow, NaN
//! compares, saturating conversions).
//!
//! Safe points: a test of the poll word at the entry of every function
//! that calls and can reach the runtime (recursion has no loop) and on the
//! back-edge of every loop that can leave compiled code, calling
//! `gos_poll` when it is set (see [`reaches_runtime`]); code that never
//! leaves compiled code carries no poll: a goroutine spinning in it is
//! interrupted by a signal (`gos_runtime::sched::preempt`), whose handler
//! is the safe point.
//! The collector finds pointers in compiled frames conservatively, so
//! nothing else is needed: no stack maps, no spilling of values at calls
//! beyond what the register allocator does.

use crate::{Decls, Target};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, AbiParam, Block, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind, TrapCode, Value};
use cranelift_frontend::{FunctionBuilder, Variable};
use cranelift_module::Module as ClifModule;
use gos_abi::runtime_abi::rt_tables;
use gos_abi::{IntTy, RtFn};
use gos_vm::bytecode::{Aux, CmpKind, Conv, Function, Instr, Norm};
use std::collections::HashMap;

const I64: types::Type = types::I64;
const HEADER: i32 = (gos_runtime::HEADER_WORDS * 8) as i32;

/// The byte offset of word `i` after an object's header.
fn field_off(i: usize) -> i32 {
    HEADER + (i * 8) as i32
}

/// The signature of function `f`'s body: one word per parameter, plus the
/// caller's site for `#[track_caller]` functions; one word back.
pub fn body_signature(call_conv: cranelift_codegen::isa::CallConv, f: &Function) -> Signature {
    let mut sig = Signature::new(call_conv);
    for _ in 0..f.params + f.track_caller as u32 {
        sig.params.push(AbiParam::new(I64));
    }
    sig.returns.push(AbiParam::new(I64));
    sig
}

/// The signature of a closure body taking `n` words (closure included).
fn closure_signature(call_conv: cranelift_codegen::isa::CallConv, n: u32) -> Signature {
    let mut sig = Signature::new(call_conv);
    for _ in 0..n {
        sig.params.push(AbiParam::new(I64));
    }
    sig.returns.push(AbiParam::new(I64));
    sig
}

/// Which registers of `f` hold only f64 values: those that some f64
/// instruction reads or writes and that no instruction uses as an integer
/// (moves, constants, calls and memory accesses take either).
pub fn float_registers(f: &Function, frame: usize) -> Vec<bool> {
    use Instr as I;
    let mut float = vec![false; frame];
    let mut int = vec![false; frame];
    for ins in &f.code {
        let mut fl: Vec<u16> = Vec::new();
        let mut neutral = false;
        match *ins {
            I::AddF64 { dst, a, b } | I::SubF64 { dst, a, b } | I::MulF64 { dst, a, b } | I::DivF64 { dst, a, b } => {
                fl = vec![dst.0, a.0, b.0]
            }
            I::NegF64 { dst, a }
            | I::AddF64K { dst, a, .. }
            | I::SubF64K { dst, a, .. }
            | I::MulF64K { dst, a, .. }
            | I::DivF64K { dst, a, .. } => fl = vec![dst.0, a.0],
            I::EqF64 { dst, a, b } | I::NeF64 { dst, a, b } | I::LtF64 { dst, a, b } | I::LeF64 { dst, a, b } => {
                fl = vec![a.0, b.0];
                int[dst.0 as usize] = true;
            }
            I::I64ToF64 { dst, src } => {
                fl = vec![dst.0];
                int[src.0 as usize] = true;
            }
            I::F64ToI64 { dst, src } => {
                fl = vec![src.0];
                int[dst.0 as usize] = true;
            }
            I::BrLtF64 { a, b, .. } | I::BrLeF64 { a, b, .. } | I::BrNLtF64 { a, b, .. } | I::BrNLeF64 { a, b, .. } => {
                fl = vec![a.0, b.0]
            }
            I::BrLtF64K { a, .. }
            | I::BrLeF64K { a, .. }
            | I::BrGtF64K { a, .. }
            | I::BrGeF64K { a, .. }
            | I::BrNLtF64K { a, .. }
            | I::BrNLeF64K { a, .. }
            | I::BrNGtF64K { a, .. }
            | I::BrNGeF64K { a, .. } => fl = vec![a.0],
            I::Move { .. }
            | I::LoadK { .. }
            | I::LoadImm { .. }
            | I::Call { .. }
            | I::CallClosure { .. }
            | I::Op { .. }
            | I::VecPush { .. }
            | I::Ret { .. }
            | I::GetField { .. }
            | I::SetField { .. }
            | I::ArrGet { .. }
            | I::ArrSet { .. }
            | I::VecGet { .. }
            | I::VecSet { .. }
            | I::LoadGlobal { .. }
            | I::StoreGlobal { .. } => neutral = true,
            _ => {}
        }
        // Every f64 instruction names its float registers above; any
        // other instruction that takes only words uses its registers as
        // integers.
        let int_use = fl.is_empty() && !neutral;
        for r in fl {
            float[r as usize] = true;
        }
        if int_use {
            ins.for_each_operand(&mut |_, op| {
                if let gos_vm::operand::Operand::Reg(r) = op {
                    if (r as usize) < frame {
                        int[r as usize] = true;
                    }
                }
            });
        }
    }
    // Parameters arrive as words and may be integers: they stay words.
    for i in 0..(f.params as usize).min(frame) {
        int[i] = true;
    }
    float.iter().zip(&int).map(|(&f, &i)| f && !i).collect()
}

/// Whether the operation record `aux` is math both backends compute inline
/// (exact f64 operations, bit-equal to the runtime's Rust), so that its
/// `Op` never leaves compiled code.
pub fn is_inline_math(aux: &Aux, types: &[gos_abi::TypeKind]) -> bool {
    use gos_abi::Intrinsic as M;
    match aux {
        Aux::Intrinsic { op, arg_tys, .. } => {
            arg_tys.len() == 1
                && matches!(types.get(arg_tys[0].index()), Some(gos_abi::TypeKind::Float(gos_abi::FloatTy::F64)))
                && matches!(op, M::Sqrt | M::FAbs | M::Floor | M::Ceil | M::Trunc)
        }
        _ => false,
    }
}

/// Which `I64Vec` operation the operation record `aux` is, if it is one
/// that both backends compute inline (`len`, `get`, `set`: a load of the
/// length word, Go's bounds check, and the element's load or store; see
/// design/backends.md, "Inline I64Vec"), so that its `Op` never leaves
/// compiled code except to report an index out of range.
pub fn inline_i64vec(aux: &Aux) -> Option<gos_abi::Intrinsic> {
    use gos_abi::Intrinsic as M;
    match aux {
        Aux::Intrinsic { op: op @ (M::I64VecLen | M::I64VecGet | M::I64VecSet), .. } => Some(*op),
        _ => None,
    }
}

/// The `I64Vec` operation instruction `ins` of `f` computes inline, if any.
fn inline_i64vec_at(f: &Function, ins: &Instr) -> Option<gos_abi::Intrinsic> {
    match ins {
        Instr::Op { aux, .. } => f.aux.get(aux.0 as usize).and_then(inline_i64vec),
        _ => None,
    }
}

/// Whether instruction `ins` of `f` can leave compiled code for the
/// runtime by itself: a runtime call (not inline math, not an inline
/// `I64Vec` operation) or a closure call.
fn calls_runtime(f: &Function, ins: &Instr, types: &[gos_abi::TypeKind]) -> bool {
    match ins {
        Instr::Call { .. } => false,
        Instr::Op { aux, .. } => !f.aux.get(aux.0 as usize).is_some_and(|a| is_inline_math(a, types) || inline_i64vec(a).is_some()),
        other => calls_out(other),
    }
}

/// Whether the backends put a sequentially consistent fence at the start
/// of instruction `ins` of `f` when an inline `I64Vec::set` may still be
/// unfenced there ([`sc_store_pending`]): before an inline `get` (an SC
/// load), and before every instruction that always calls (a runtime
/// operation, a closure, `go`, a compiled function other than a leaf that
/// stays in compiled code) or returns. Other instructions that call on
/// some paths only (a vector's push when it grows, a panic's report, a
/// poll) fence on those paths, in the blocks that call. `funcs` and
/// `reaches` are the module's functions and [`reaches_runtime`].
///
/// A call of a leaf (no calls, no inline `get`) that never reaches the
/// runtime needs no fence: nothing in it loads sequentially consistently
/// or can move the goroutine, and its own stores are fenced before it
/// returns. Integer `min`/`max` are such leaves (prelude functions), and
/// fasta's line loop calls `min` once per line.
pub fn sc_fence_point(f: &Function, ins: &Instr, funcs: &[Function], reaches: &[bool]) -> bool {
    use Instr as I;
    match ins {
        I::Call { f: c, .. } => {
            let leaf = funcs.get(c.0 as usize).is_some_and(|callee| {
                !reaches.get(c.0 as usize).copied().unwrap_or(true)
                    && !callee.code.iter().any(|i| {
                        matches!(i, I::Call { .. } | I::CallClosure { .. }) || inline_i64vec_at(callee, i) == Some(gos_abi::Intrinsic::I64VecGet)
                    })
            });
            !leaf
        }
        I::Op { aux, .. } => match f.aux.get(aux.0 as usize).and_then(inline_i64vec) {
            Some(gos_abi::Intrinsic::I64VecGet) => true,
            Some(_) => false,
            None => !f.aux.get(aux.0 as usize).is_some_and(is_inline_math_any),
        },
        I::CallClosure { .. } | I::Go { .. } | I::Ret { .. } | I::StrByte { .. } | I::RemF64 { .. } | I::RemF32 { .. } => true,
        _ => false,
    }
}

/// Whether `aux` is one of the f64 math intrinsics some backend computes
/// inline (without looking at argument types: a fence before one more
/// instruction is only a little slower, never wrong).
fn is_inline_math_any(aux: &Aux) -> bool {
    use gos_abi::Intrinsic as M;
    matches!(aux, Aux::Intrinsic { op: M::Sqrt | M::FAbs | M::Floor | M::Ceil | M::Trunc | M::Round | M::FMin | M::FMax, .. })
}

/// For each instruction of `f`, whether an inline `I64Vec::set` may have
/// run since the last fence on some path reaching it: a forward "may"
/// data-flow problem over the bytecode's control flow. A `set` makes it
/// true, an instruction that fences at its start ([`sc_fence_point`])
/// makes it false, and every other instruction passes it on (a call of a
/// leaf too: the callee fences its own stores before returning). The function
/// starts with nothing pending: its caller fenced before the call.
///
/// The backends store an `I64Vec` element with a plain (release) store and
/// put the fence that makes it sequentially consistent where this analysis
/// says, before the next SC load, call or return, instead of right after
/// the store: the "trailing fence" mapping with the fence sunk (see
/// design/backends.md, "Inline I64Vec"). A loop that only stores pays one
/// fence at its exit.
pub fn sc_store_pending(f: &Function, funcs: &[Function], reaches: &[bool]) -> Vec<bool> {
    use Instr as I;
    let n = f.code.len();
    let mut pending = vec![false; n];
    if !f.code.iter().any(|i| inline_i64vec_at(f, i) == Some(gos_abi::Intrinsic::I64VecSet)) {
        return pending;
    }
    let mut work: Vec<usize> = Vec::new();
    // Only states that become true need propagating (the entry's is false).
    for pc in 0..n {
        if inline_i64vec_at(f, &f.code[pc]) == Some(gos_abi::Intrinsic::I64VecSet) {
            work.push(pc);
        }
    }
    while let Some(pc) = work.pop() {
        let ins = &f.code[pc];
        let out = inline_i64vec_at(f, ins) == Some(gos_abi::Intrinsic::I64VecSet) || (pending[pc] && !sc_fence_point(f, ins, funcs, reaches));
        if !out {
            continue;
        }
        let (ends, t) = branch_target(ins);
        let falls = !ends || !matches!(ins, I::Jump { .. } | I::Ret { .. } | I::Unreachable {});
        for s in [t.map(|t| t as usize), if falls { Some(pc + 1) } else { None }].into_iter().flatten() {
            if s < n && !pending[s] {
                pending[s] = true;
                work.push(s);
            }
        }
    }
    pending
}

/// For each function of a module, whether running it can spend time in the
/// runtime (calling it directly, through a closure, or through a callee
/// that can): only such code needs polls. Code that never leaves compiled
/// code (`fib`, a loop calling small arithmetic helpers) is stopped by the
/// preemption signal wherever it is, like a loop that calls nothing, so it
/// carries no poll at all, and LLVM can inline, unroll and vectorise it as
/// it would Rust.
pub fn reaches_runtime(funcs: &[Function], types: &[gos_abi::TypeKind]) -> Vec<bool> {
    let mut reaches: Vec<bool> = funcs.iter().map(|f| f.code.iter().any(|i| calls_runtime(f, i, types))).collect();
    // Propagate to callers until nothing changes (the answer only ever
    // turns true).
    let mut changed = true;
    while changed {
        changed = false;
        for (fi, f) in funcs.iter().enumerate() {
            if reaches[fi] {
                continue;
            }
            let via_callee = f.code.iter().any(|i| matches!(i, Instr::Call { f: c, .. } if reaches.get(c.0 as usize).copied().unwrap_or(true)));
            if via_callee {
                reaches[fi] = true;
                changed = true;
            }
        }
    }
    reaches
}

/// Whether instruction `ins` of `f` can spend time outside compiled code,
/// given [`reaches_runtime`] of the module: a runtime call, a closure call,
/// or a call of a function that reaches the runtime.
pub fn leaves_compiled_code(f: &Function, ins: &Instr, reaches: &[bool], types: &[gos_abi::TypeKind]) -> bool {
    match ins {
        Instr::Call { f: c, .. } => reaches.get(c.0 as usize).copied().unwrap_or(true),
        other => calls_runtime(f, other, types),
    }
}

/// Whether `ins` calls a compiled function or the runtime (other than to
/// report a panic).
pub fn calls_out(ins: &Instr) -> bool {
    use Instr as I;
    matches!(
        ins,
        I::Call { .. }
            | I::CallClosure { .. }
            | I::Op { .. }
            | I::VecPush { .. }
            | I::StrByte { .. }
            | I::RemF64 { .. }
            | I::RemF32 { .. }
            | I::Convert { .. }
            | I::Go { .. }
    )
}

/// Whether instruction `ins` ends a basic block, and its jump target.
pub fn branch_target(ins: &Instr) -> (bool, Option<u32>) {
    use Instr as I;
    match *ins {
        I::Jump { t } | I::JumpIf { t, .. } | I::JumpIfNot { t, .. } => (true, Some(t.0)),
        I::BrEq { t, .. }
        | I::BrNe { t, .. }
        | I::BrLtS { t, .. }
        | I::BrLeS { t, .. }
        | I::BrLtU { t, .. }
        | I::BrLeU { t, .. }
        | I::BrEqImm { t, .. }
        | I::BrNeImm { t, .. }
        | I::BrLtImm { t, .. }
        | I::BrLeImm { t, .. }
        | I::BrGtImm { t, .. }
        | I::BrGeImm { t, .. }
        | I::BrLtF64 { t, .. }
        | I::BrLeF64 { t, .. }
        | I::BrNLtF64 { t, .. }
        | I::BrNLeF64 { t, .. }
        | I::BrLtF64K { t, .. }
        | I::BrLeF64K { t, .. }
        | I::BrGtF64K { t, .. }
        | I::BrGeF64K { t, .. }
        | I::BrNLtF64K { t, .. }
        | I::BrNLeF64K { t, .. }
        | I::BrNGtF64K { t, .. }
        | I::BrNGeF64K { t, .. }
        | I::ForLoop { t, .. } => (true, Some(t.0 as u32)),
        I::Ret { .. } | I::Unreachable {} => (true, None),
        _ => (false, None),
    }
}

/// Translates function `fi` of the module into `b`.
pub struct Translator<'a, 'b, M: ClifModule> {
    pub b: FunctionBuilder<'b>,
    pub m: &'a mut M,
    pub decls: &'a Decls,
    pub target: Target,
    pub funcs: &'a [Function],
    pub fi: u32,
    pub f: &'a Function,
    vars: Vec<Variable>,
    /// Registers that only ever hold f64 values: their variables are
    /// `F64`, so float arithmetic stays in float registers instead of
    /// moving every operand between register files.
    float_regs: Vec<bool>,
    blocks: HashMap<u32, Block>,
    backedges: HashMap<u32, Block>,
    rt_refs: HashMap<RtFn, cranelift_codegen::ir::FuncRef>,
    body_refs: HashMap<u32, cranelift_codegen::ir::FuncRef>,
    rt_table: Option<Value>,
    rt_gv: Option<cranelift_codegen::ir::GlobalValue>,
    poll_gv: Option<cranelift_codegen::ir::GlobalValue>,
    poll_ref: Option<cranelift_codegen::ir::FuncRef>,
    slot: Option<cranelift_codegen::ir::StackSlot>,
    caller_site: Option<Value>,
    pc: usize,
    /// On-stack replacement: instead of parameters, the function receives
    /// an interpreter frame and a site, and starts at this loop head.
    osr: Option<u32>,
    /// The accumulator of tail calls turned into loops (see
    /// [`accumulating_tail_calls`]).
    acc: Option<Variable>,
    /// [`sc_store_pending`] of the function: where an inline `I64Vec`
    /// store may still need its fence.
    pending: Vec<bool>,
    /// Whether the instruction being translated fenced at its start (so
    /// its runtime calls need not fence again).
    fenced: bool,
    /// Whether the function stores to an `I64Vec` inline at all (its polls
    /// then fence before calling the runtime).
    has_sets: bool,
}

/// Self-calls of function `fi` in the shape `return x + f(…)`: the call
/// (at the returned pc), moves of its result, an `AddI64` of it and another
/// register, and a `Ret` of the sum. Each such call becomes "add `x` to an
/// accumulator and jump back to the top with the new arguments", and every
/// `Ret v` returns `accumulator + v`: what LLVM calls accumulator recursion
/// elimination. Wrapping addition is associative and commutative, and `x`
/// is computed before the call, so the result and the order of every side
/// effect are unchanged; only the native stack depth shrinks. Returns the
/// call's pc and the register of `x`.
pub fn accumulating_tail_calls(f: &Function, fi: u32) -> HashMap<usize, u16> {
    use Instr as I;
    let mut found = HashMap::new();
    for (pc, ins) in f.code.iter().enumerate() {
        let I::Call { base, f: callee } = *ins else { continue };
        if callee.0 != fi || f.track_caller {
            continue;
        }
        let mut res = base.0;
        let mut j = pc + 1;
        while let Some(I::Move { dst, src }) = f.code.get(j) {
            if src.0 != res {
                break;
            }
            res = dst.0;
            j += 1;
        }
        let Some(&I::AddI64 { dst, a, b }) = f.code.get(j) else { continue };
        let other = match (a.0 == res, b.0 == res) {
            (true, false) => b.0,
            (false, true) => a.0,
            _ => continue,
        };
        if matches!(f.code.get(j + 1), Some(I::Ret { src }) if src.0 == dst.0) {
            found.insert(pc, other);
        }
    }
    found
}

impl<'a, 'b, M: ClifModule> Translator<'a, 'b, M> {
    pub fn new(b: FunctionBuilder<'b>, m: &'a mut M, decls: &'a Decls, target: Target, funcs: &'a [Function], fi: u32) -> Self {
        let f = &funcs[fi as usize];
        Translator {
            b,
            m,
            decls,
            target,
            funcs,
            fi,
            f,
            vars: Vec::new(),
            float_regs: Vec::new(),
            blocks: HashMap::new(),
            backedges: HashMap::new(),
            rt_refs: HashMap::new(),
            body_refs: HashMap::new(),
            rt_table: None,
            rt_gv: None,
            poll_gv: None,
            poll_ref: None,
            slot: None,
            caller_site: None,
            pc: 0,
            osr: None,
            acc: None,
            pending: Vec::new(),
            fenced: false,
            has_sets: false,
        }
    }

    /// Translates an on-stack-replacement entry at instruction `pc`
    /// instead of the function's body.
    pub fn osr_at(mut self, pc: u32) -> Self {
        self.osr = Some(pc);
        self
    }

    /// Register `reg` as a word.
    fn r(&mut self, reg: u16) -> Value {
        let v = self.b.use_var(self.vars[reg as usize]);
        if self.float_regs[reg as usize] {
            self.b.ins().bitcast(I64, MemFlagsData::new(), v)
        } else {
            v
        }
    }

    /// Register `reg` in the type of its variable (for moves).
    fn raw(&mut self, reg: u16) -> Value {
        self.b.use_var(self.vars[reg as usize])
    }

    /// Sets register `reg` to `v` (a word or an f64), converting to the
    /// type of its variable.
    fn w(&mut self, reg: u16, v: Value) {
        let want = if self.float_regs[reg as usize] { types::F64 } else { I64 };
        let have = self.b.func.dfg.value_type(v);
        let v = if have == want { v } else { self.b.ins().bitcast(want, MemFlagsData::new(), v) };
        self.b.def_var(self.vars[reg as usize], v)
    }

    fn iconst(&mut self, v: i64) -> Value {
        self.b.ins().iconst(I64, v)
    }

    /// The site reference of the instruction being translated, or the
    /// caller's in a `#[track_caller]` function.
    fn site(&mut self) -> Value {
        match self.caller_site {
            Some(v) => v,
            None => {
                let s = gos_vm::native::site_ref(self.fi, self.pc);
                self.iconst(s as i64)
            }
        }
    }

    fn rt_ref(&mut self, f: RtFn) -> cranelift_codegen::ir::FuncRef {
        if let Some(&r) = self.rt_refs.get(&f) {
            return r;
        }
        let id = self.decls.rt[&f];
        let r = self.m.declare_func_in_func(id, self.b.func);
        self.rt_refs.insert(f, r);
        r
    }

    /// Calls runtime function `f`; its result, if it has one. An inline
    /// `I64Vec` store not fenced yet is fenced first: the runtime may load
    /// what another goroutine stored, or hand this goroutine to another
    /// thread.
    fn call_rt(&mut self, f: RtFn, args: &[Value]) -> Option<Value> {
        if self.pending.get(self.pc).copied().unwrap_or(false) && !self.fenced {
            self.b.ins().fence();
        }
        let r = self.rt_ref(f);
        let call = self.b.ins().call(r, args);
        self.b.inst_results(call).first().copied()
    }

    /// Calls a runtime function that does not return, and ends the block.
    fn call_rt_noreturn(&mut self, f: RtFn, args: &[Value]) {
        self.call_rt(f, args);
        self.b.ins().trap(TrapCode::unwrap_user(1));
    }

    /// The address of the runtime's table `gos_rt` (computed in the entry
    /// block, which dominates every use).
    fn rt_table(&mut self) -> Value {
        self.rt_table.expect("computed on entry")
    }

    /// Word `idx` of `gos_rt`: the address of one of the run's tables.
    fn rt_word(&mut self, idx: i32) -> Value {
        let t = self.rt_table();
        self.b.ins().load(I64, MemFlagsData::trusted().with_readonly(), t, idx * 8)
    }

    /// Tests the poll word and calls `gos_poll` if it is set; continues in
    /// a fresh block.
    fn poll(&mut self) {
        let gv = match self.poll_gv {
            Some(g) => g,
            None => {
                let g = self.m.declare_data_in_func(self.decls.poll_word, self.b.func);
                self.poll_gv = Some(g);
                g
            }
        };
        let addr = self.b.ins().symbol_value(I64, gv);
        let w = self.b.ins().load(types::I32, MemFlagsData::trusted(), addr, 0);
        let call = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(call);
        self.b.ins().brif(w, call, &[], cont, &[]);
        self.b.switch_to_block(call);
        // The poll may stop this goroutine and resume it on another thread:
        // stores to an `I64Vec` before it are fenced first (on the cold path
        // only, so the analysis need not follow back-edge blocks).
        if self.has_sets {
            self.b.ins().fence();
        }
        let tramp = match self.poll_ref {
            Some(r) => r,
            None => {
                let r = self.m.declare_func_in_func(self.decls.poll_tramp, self.b.func);
                self.poll_ref = Some(r);
                r
            }
        };
        self.b.ins().call(tramp, &[]);
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
    }

    fn block_at(&mut self, pc: u32) -> Block {
        *self.blocks.get(&pc).expect("every target is a leader")
    }

    /// Where a branch to `t` goes: the target's block, or for a backward
    /// branch closing a loop that can leave compiled code
    /// ([`leaves_compiled_code`]), a block that polls first. A loop that
    /// stays in compiled code carries no poll: a goroutine spinning in it
    /// is stopped by a signal (`gos_runtime::sched::preempt`), so such a
    /// loop is only its own instructions. A loop that calls the runtime
    /// spends most of its time there, where the signal's handler cannot
    /// stop it, so it keeps the poll (a load next to a call).
    fn edge(&mut self, t: u32) -> Block {
        let target = self.block_at(t);
        let lo = t as usize;
        if lo > self.pc || !self.f.code[lo..=self.pc].iter().any(|i| leaves_compiled_code(self.f, i, &self.decls.reaches, &self.decls.types)) {
            return target;
        }
        if let Some(&b) = self.backedges.get(&t) {
            return b;
        }
        let cur = self.b.current_block().expect("in a block");
        let be = self.b.create_block();
        self.b.switch_to_block(be);
        self.poll();
        self.b.ins().jump(target, &[]);
        self.b.switch_to_block(cur);
        self.backedges.insert(t, be);
        be
    }

    /// Branches to `t` if `c` (an `i8` or word) is nonzero, else falls through.
    fn branch_if(&mut self, c: Value, t: u32) {
        let taken = self.edge(t);
        let next = self.block_at(self.pc as u32 + 1);
        self.b.ins().brif(c, taken, &[], next, &[]);
    }

    /// Branches to `t` if `c` is zero, else falls through.
    fn branch_if_not(&mut self, c: Value, t: u32) {
        let taken = self.edge(t);
        let next = self.block_at(self.pc as u32 + 1);
        self.b.ins().brif(c, next, &[], taken, &[]);
    }

    fn f64v(&mut self, reg: u16) -> Value {
        let v = self.raw(reg);
        if self.float_regs[reg as usize] {
            v
        } else {
            self.b.ins().bitcast(types::F64, MemFlagsData::new(), v)
        }
    }

    fn f32v(&mut self, reg: u16) -> Value {
        let v = self.r(reg);
        let low = self.b.ins().ireduce(types::I32, v);
        self.b.ins().bitcast(types::F32, MemFlagsData::new(), low)
    }

    fn k64(&mut self, k: u16) -> Value {
        let bits = self.f.consts[k as usize];
        self.b.ins().f64const(f64::from_bits(bits))
    }

    /// An f64 result: kept as is (`w` converts it for word registers).
    fn from_f64(&mut self, v: Value) -> Value {
        v
    }

    fn from_f32(&mut self, v: Value) -> Value {
        let bits = self.b.ins().bitcast(types::I32, MemFlagsData::new(), v);
        self.b.ins().uextend(I64, bits)
    }

    fn bool_word(&mut self, c: Value) -> Value {
        self.b.ins().uextend(I64, c)
    }

    /// Panics with a divide-by-zero error if `d` is zero.
    fn check_divisor(&mut self, d: Value) {
        let fail = self.b.create_block();
        let ok = self.b.create_block();
        self.b.set_cold_block(fail);
        self.b.ins().brif(d, ok, &[], fail, &[]);
        self.b.switch_to_block(fail);
        let site = self.site();
        self.call_rt_noreturn(RtFn::DivideByZero, &[site]);
        self.b.switch_to_block(ok);
    }

    /// Panics with Go's index error unless `i < len` (unsigned).
    fn check_index(&mut self, i: Value, len: Value) {
        let inb = self.b.ins().icmp(IntCC::UnsignedLessThan, i, len);
        let fail = self.b.create_block();
        let ok = self.b.create_block();
        self.b.set_cold_block(fail);
        self.b.ins().brif(inb, ok, &[], fail, &[]);
        self.b.switch_to_block(fail);
        let site = self.site();
        self.call_rt_noreturn(RtFn::IndexOutOfRange, &[i, len, site]);
        self.b.switch_to_block(ok);
    }

    /// `r[a] / r[b]` or `%`, signed, with Go's rules: zero divisor panics,
    /// `MIN / -1` is `MIN` and `MIN % -1` is 0 (the machine instruction
    /// would fault on both, so a divisor of -1 is replaced by 1 and the
    /// quotient negated).
    fn signed_div(&mut self, a: Value, d: Value, rem: bool) -> Value {
        self.check_divisor(d);
        let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, d, -1);
        let one = self.iconst(1);
        let safe = self.b.ins().select(minus_one, one, d);
        if rem {
            self.b.ins().srem(a, safe)
        } else {
            let q = self.b.ins().sdiv(a, safe);
            let neg = self.b.ins().ineg(a);
            self.b.ins().select(minus_one, neg, q)
        }
    }

    /// Normalises `v` to the integer type `t` (sign- or zero-extension of
    /// its low bits), as the IR's value model requires after every
    /// operation on a narrower type.
    fn normalize(&mut self, v: Value, t: IntTy) -> Value {
        let (nty, signed) = match t {
            IntTy::I8 => (types::I8, true),
            IntTy::I16 => (types::I16, true),
            IntTy::I32 => (types::I32, true),
            IntTy::U8 => (types::I8, false),
            IntTy::U16 => (types::I16, false),
            IntTy::U32 => (types::I32, false),
            IntTy::I64 | IntTy::U64 => return v,
        };
        let low = self.b.ins().ireduce(nty, v);
        if signed {
            self.b.ins().sextend(I64, low)
        } else {
            self.b.ins().uextend(I64, low)
        }
    }

    /// Stores registers `args..args + n` into the frame's argument slot and
    /// returns its address.
    fn spill(&mut self, args: u16, n: usize) -> Value {
        let slot = self.slot.expect("a slot for every function with operations");
        for i in 0..n {
            let v = self.r(args + i as u16);
            self.b.ins().stack_store(I64, v, slot, (i * 8) as i32);
        }
        self.b.ins().stack_addr(I64, slot, 0)
    }

    fn aux_ref(&self, idx: u16) -> i64 {
        (((self.fi as u64) << 32) | idx as u64) as i64
    }

    fn body_ref(&mut self, callee: u32) -> cranelift_codegen::ir::FuncRef {
        if let Some(&r) = self.body_refs.get(&callee) {
            return r;
        }
        let id = self.decls.bodies[callee as usize].expect("callees are declared with their caller");
        let r = self.m.declare_func_in_func(id, self.b.func);
        self.body_refs.insert(callee, r);
        r
    }

    /// Translates the whole function.
    pub fn translate(mut self) {
        let f = self.f;
        let code = &f.code;
        // Blocks: the entry, then one per leader.
        let mut leaders = vec![false; code.len() + 1];
        leaders[0] = true;
        for (pc, ins) in code.iter().enumerate() {
            let (ends, t) = branch_target(ins);
            if let Some(t) = t {
                leaders[t as usize] = true;
            }
            if ends {
                leaders[pc + 1] = true;
            }
        }
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        for (pc, &l) in leaders.iter().enumerate() {
            if l && pc < code.len() {
                let blk = self.b.create_block();
                self.blocks.insert(pc as u32, blk);
            }
        }
        let frame = f.frame_size.max(1) as usize;
        self.float_regs = float_registers(f, frame);
        self.pending = sc_store_pending(f, self.funcs, &self.decls.reaches);
        self.has_sets = self.pending.iter().any(|&p| p);
        self.vars = (0..frame).map(|i| self.b.declare_var(if self.float_regs[i] { types::F64 } else { I64 })).collect();
        // The argument slot of runtime calls, only if there are any.
        if !f.aux.is_empty() {
            let max_args = f.aux.iter().map(|a| a.arity()).max().unwrap_or(0).max(2);
            self.slot = Some(self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                (max_args * 8) as u32,
                3,
            )));
        }
        // A function that calls nothing cannot recurse, and one that never
        // reaches the runtime is stopped by the signal wherever it is: only
        // the others poll on entry.
        let entry_poll = self.decls.reaches[self.fi as usize]
            && f.code.iter().any(|i| matches!(i, Instr::Call { .. } | Instr::CallClosure { .. }));

        self.b.switch_to_block(entry);
        let params: Vec<Value> = self.b.block_params(entry).to_vec();
        if self.osr.is_some() {
            // Every register from the interpreter's frame.
            let fp = params[0];
            for i in 0..frame {
                let v = self.b.ins().load(I64, MemFlagsData::trusted(), fp, (i * 8) as i32);
                self.w(i as u16, v);
            }
            if f.track_caller {
                self.caller_site = Some(params[1]);
            }
        } else {
            for (i, &p) in params.iter().enumerate().take(f.params as usize) {
                self.w(i as u16, p);
            }
            if f.track_caller {
                self.caller_site = params.last().copied();
            }
            let zero = self.iconst(0);
            for i in f.params as usize..frame {
                self.w(i as u16, zero);
            }
        }
        let gv = self.m.declare_data_in_func(self.decls.rt_table, self.b.func);
        self.rt_gv = Some(gv);
        self.rt_table = Some(self.b.ins().symbol_value(I64, gv));
        let tail_adds = accumulating_tail_calls(f, self.fi);
        if !tail_adds.is_empty() {
            let acc = self.b.declare_var(I64);
            let zero = self.iconst(0);
            self.b.def_var(acc, zero);
            self.acc = Some(acc);
        }
        let first = self.block_at(self.osr.unwrap_or(0));
        self.b.ins().jump(first, &[]);

        // A preemption and collection point on entry (of functions that
        // call): recursion has no back-edges (the interpreter polls at
        // calls for the same reason).
        let mut terminated = true;
        for (pc, ins) in code.iter().enumerate() {
            self.pc = pc;
            if let Some(&blk) = self.blocks.get(&(pc as u32)) {
                if !terminated {
                    self.b.ins().jump(blk, &[]);
                }
                self.b.switch_to_block(blk);
                if pc == 0 && entry_poll {
                    self.poll();
                }
            }
            // The fence of inline `I64Vec` stores, sunk to here (see
            // [`sc_store_pending`]).
            self.fenced = self.pending[pc] && sc_fence_point(f, ins, self.funcs, &self.decls.reaches);
            if self.fenced {
                self.b.ins().fence();
            }
            if let (Some(&other), Instr::Call { base, f: callee }) = (tail_adds.get(&pc), ins) {
                // `return other + self(args)`: accumulate and loop.
                let acc = self.acc.expect("declared with the tail calls");
                let params = self.funcs[callee.0 as usize].params as u16;
                let args: Vec<Value> = (0..params).map(|i| self.raw(base.0 + i)).collect();
                let x = self.r(other);
                let a = self.b.use_var(acc);
                let sum = self.b.ins().iadd(a, x);
                self.b.def_var(acc, sum);
                for (i, v) in args.into_iter().enumerate() {
                    self.w(i as u16, v);
                }
                // The top of the function polls (it has calls), so the jump need not.
                let top = self.block_at(0);
                self.b.ins().jump(top, &[]);
                // What follows the call is now unreachable (unless another
                // branch leads there).
                let rest = self.b.create_block();
                self.b.switch_to_block(rest);
                terminated = false;
                continue;
            }
            self.instr(*ins);
            terminated = branch_target(ins).0;
        }
        if !terminated {
            let site = self.site();
            self.call_rt_noreturn(RtFn::Unreachable, &[site]);
        }
        self.b.seal_all_blocks();
        let cfg = self.m.target_config();
        self.b.finalize(cfg);
    }

    fn instr(&mut self, ins: Instr) {
        use Instr as I;
        match ins {
            I::Nop {} => {}
            I::Move { dst, src } => {
                let v = self.raw(src.0);
                self.w(dst.0, v)
            }
            I::LoadImm { dst, imm } => {
                let bits = imm.0 as i64;
                let v = if self.float_regs[dst.0 as usize] {
                    self.b.ins().f64const(f64::from_bits(bits as u64))
                } else {
                    self.iconst(bits)
                };
                self.w(dst.0, v)
            }
            I::LoadK { dst, k } => {
                let bits = self.f.consts[k.0 as usize];
                let v = if self.float_regs[dst.0 as usize] {
                    self.b.ins().f64const(f64::from_bits(bits))
                } else {
                    self.iconst(bits as i64)
                };
                self.w(dst.0, v)
            }
            I::LoadStr { dst, s } => {
                let t = self.rt_word(rt_tables::STRINGS);
                let v = self.b.ins().load(I64, MemFlagsData::trusted(), t, (s.0 as i32) * 8);
                self.w(dst.0, v)
            }
            I::LoadUnitEnum { dst, e } => {
                let t = self.rt_word(rt_tables::UNIT_ENUMS);
                let v = self.b.ins().load(I64, MemFlagsData::trusted(), t, (e.0 as i32) * 8);
                self.w(dst.0, v)
            }
            I::LoadGlobal { dst, g } => {
                let t = self.rt_word(rt_tables::GLOBALS);
                let v = self.b.ins().load(I64, MemFlagsData::trusted(), t, (g.0 as i32) * 8);
                self.w(dst.0, v)
            }
            I::StoreGlobal { src, g } => {
                let t = self.rt_word(rt_tables::GLOBALS);
                let v = self.r(src.0);
                self.b.ins().store(MemFlagsData::trusted(), v, t, (g.0 as i32) * 8);
            }

            I::AddI64 { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().iadd(x, y)),
            I::SubI64 { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().isub(x, y)),
            I::MulI64 { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().imul(x, y)),
            I::AddImmI64 { dst, a, imm } => {
                let x = self.r(a.0);
                let v = self.b.ins().iadd_imm_s(x, imm.0 as i64);
                self.w(dst.0, v)
            }
            I::AddI64K { dst, a, k } => {
                let x = self.r(a.0);
                let v = self.b.ins().iadd_imm_s(x, self.f.consts[k.0 as usize] as i64);
                self.w(dst.0, v)
            }
            I::MulI64K { dst, a, k } => {
                let x = self.r(a.0);
                let v = self.b.ins().imul_imm_s(x, self.f.consts[k.0 as usize] as i64);
                self.w(dst.0, v)
            }
            I::DivSK { dst, a, k } | I::RemSK { dst, a, k } => {
                let rem = matches!(ins, I::RemSK { .. });
                let x = self.r(a.0);
                let d = self.iconst(self.f.consts[k.0 as usize] as i64);
                let v = self.signed_div(x, d, rem);
                self.w(dst.0, v)
            }
            I::DivS { dst, a, b } | I::RemS { dst, a, b } => {
                let rem = matches!(ins, I::RemS { .. });
                let x = self.r(a.0);
                let d = self.r(b.0);
                let v = self.signed_div(x, d, rem);
                self.w(dst.0, v)
            }
            I::DivU { dst, a, b } | I::RemU { dst, a, b } => {
                let x = self.r(a.0);
                let d = self.r(b.0);
                self.check_divisor(d);
                let v = if matches!(ins, I::DivU { .. }) { self.b.ins().udiv(x, d) } else { self.b.ins().urem(x, d) };
                self.w(dst.0, v)
            }
            I::And { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().band(x, y)),
            I::Or { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().bor(x, y)),
            I::Xor { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().bxor(x, y)),
            I::AndImm { dst, a, imm } => {
                let x = self.r(a.0);
                let v = self.b.ins().band_imm_s(x, imm.0 as i64);
                self.w(dst.0, v)
            }
            // Cranelift masks shift amounts to the type's width, as `& 63` does.
            I::Shl64 { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().ishl(x, y)),
            I::ShrS64 { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().sshr(x, y)),
            I::ShrU64 { dst, a, b } => self.bin(dst.0, a.0, b.0, |b, x, y| b.ins().ushr(x, y)),
            I::ShlImm { dst, a, n } => {
                let x = self.r(a.0);
                let v = self.b.ins().ishl_imm_s(x, (n.0 & 63) as i64);
                self.w(dst.0, v)
            }
            I::ShrSImm { dst, a, n } => {
                let x = self.r(a.0);
                let v = self.b.ins().sshr_imm_s(x, (n.0 & 63) as i64);
                self.w(dst.0, v)
            }
            I::ShrUImm { dst, a, n } => {
                let x = self.r(a.0);
                let v = self.b.ins().ushr_imm_s(x, (n.0 & 63) as i64);
                self.w(dst.0, v)
            }
            I::NegI64 { dst, a } => self.un(dst.0, a.0, |b, x| b.ins().ineg(x)),
            I::NotI64 { dst, a } => self.un(dst.0, a.0, |b, x| b.ins().bnot(x)),
            I::NotBool { dst, a } => self.un(dst.0, a.0, |b, x| b.ins().bxor_imm_s(x, 1)),
            I::Norm { dst, src, kind } => {
                let x = self.r(src.0);
                let t = match Norm::from_u16(kind.0) {
                    Some(Norm::I8) => IntTy::I8,
                    Some(Norm::I16) => IntTy::I16,
                    Some(Norm::I32) => IntTy::I32,
                    Some(Norm::U8) => IntTy::U8,
                    Some(Norm::U16) => IntTy::U16,
                    Some(Norm::U32) => IntTy::U32,
                    None => IntTy::I64,
                };
                let v = self.normalize(x, t);
                self.w(dst.0, v)
            }
            I::AddI32 { dst, a, b } | I::SubI32 { dst, a, b } | I::MulI32 { dst, a, b } => {
                let x = self.r(a.0);
                let y = self.r(b.0);
                let v = match ins {
                    I::AddI32 { .. } => self.b.ins().iadd(x, y),
                    I::SubI32 { .. } => self.b.ins().isub(x, y),
                    _ => self.b.ins().imul(x, y),
                };
                let v = self.normalize(v, IntTy::I32);
                self.w(dst.0, v)
            }

            I::Eq { dst, a, b } => self.icmp(dst.0, a.0, b.0, IntCC::Equal),
            I::Ne { dst, a, b } => self.icmp(dst.0, a.0, b.0, IntCC::NotEqual),
            I::LtS { dst, a, b } => self.icmp(dst.0, a.0, b.0, IntCC::SignedLessThan),
            I::LeS { dst, a, b } => self.icmp(dst.0, a.0, b.0, IntCC::SignedLessThanOrEqual),
            I::LtU { dst, a, b } => self.icmp(dst.0, a.0, b.0, IntCC::UnsignedLessThan),
            I::LeU { dst, a, b } => self.icmp(dst.0, a.0, b.0, IntCC::UnsignedLessThanOrEqual),

            I::AddF64 { dst, a, b } => self.fbin(dst.0, a.0, b.0, |b, x, y| b.ins().fadd(x, y)),
            I::SubF64 { dst, a, b } => self.fbin(dst.0, a.0, b.0, |b, x, y| b.ins().fsub(x, y)),
            I::MulF64 { dst, a, b } => self.fbin(dst.0, a.0, b.0, |b, x, y| b.ins().fmul(x, y)),
            I::DivF64 { dst, a, b } => self.fbin(dst.0, a.0, b.0, |b, x, y| b.ins().fdiv(x, y)),
            I::RemF64 { dst, a, b } => {
                let x = self.r(a.0);
                let y = self.r(b.0);
                let v = self.call_rt(RtFn::RemF64, &[x, y]).expect("result");
                self.w(dst.0, v)
            }
            I::NegF64 { dst, a } => {
                let x = self.f64v(a.0);
                let v = self.b.ins().fneg(x);
                let v = self.from_f64(v);
                self.w(dst.0, v)
            }
            I::AddF64K { dst, a, k } => self.fbin_k(dst.0, a.0, k.0, |b, x, y| b.ins().fadd(x, y)),
            I::SubF64K { dst, a, k } => self.fbin_k(dst.0, a.0, k.0, |b, x, y| b.ins().fsub(x, y)),
            I::MulF64K { dst, a, k } => self.fbin_k(dst.0, a.0, k.0, |b, x, y| b.ins().fmul(x, y)),
            I::DivF64K { dst, a, k } => self.fbin_k(dst.0, a.0, k.0, |b, x, y| b.ins().fdiv(x, y)),
            I::EqF64 { dst, a, b } => self.fcmp(dst.0, a.0, b.0, FloatCC::Equal),
            // `!=` is true when either operand is NaN, as in Rust.
            I::NeF64 { dst, a, b } => self.fcmp(dst.0, a.0, b.0, FloatCC::NotEqual),
            I::LtF64 { dst, a, b } => self.fcmp(dst.0, a.0, b.0, FloatCC::LessThan),
            I::LeF64 { dst, a, b } => self.fcmp(dst.0, a.0, b.0, FloatCC::LessThanOrEqual),
            I::AddF32 { dst, a, b } => self.f32bin(dst.0, a.0, b.0, |b, x, y| b.ins().fadd(x, y)),
            I::SubF32 { dst, a, b } => self.f32bin(dst.0, a.0, b.0, |b, x, y| b.ins().fsub(x, y)),
            I::MulF32 { dst, a, b } => self.f32bin(dst.0, a.0, b.0, |b, x, y| b.ins().fmul(x, y)),
            I::DivF32 { dst, a, b } => self.f32bin(dst.0, a.0, b.0, |b, x, y| b.ins().fdiv(x, y)),
            I::RemF32 { dst, a, b } => {
                let x = self.r(a.0);
                let y = self.r(b.0);
                let v = self.call_rt(RtFn::RemF32, &[x, y]).expect("result");
                self.w(dst.0, v)
            }
            I::NegF32 { dst, a } => {
                let x = self.f32v(a.0);
                let v = self.b.ins().fneg(x);
                let v = self.from_f32(v);
                self.w(dst.0, v)
            }
            I::EqF32 { dst, a, b } => self.f32cmp(dst.0, a.0, b.0, FloatCC::Equal),
            I::NeF32 { dst, a, b } => self.f32cmp(dst.0, a.0, b.0, FloatCC::NotEqual),
            I::LtF32 { dst, a, b } => self.f32cmp(dst.0, a.0, b.0, FloatCC::LessThan),
            I::LeF32 { dst, a, b } => self.f32cmp(dst.0, a.0, b.0, FloatCC::LessThanOrEqual),
            I::I64ToF64 { dst, src } => {
                let x = self.r(src.0);
                let v = self.b.ins().fcvt_from_sint(types::F64, x);
                let v = self.from_f64(v);
                self.w(dst.0, v)
            }
            I::F64ToI64 { dst, src } => {
                // Saturating, NaN to 0: Rust's `as`.
                let x = self.f64v(src.0);
                let v = self.b.ins().fcvt_to_sint_sat(I64, x);
                self.w(dst.0, v)
            }
            I::Convert { dst, src, conv } => {
                let v = self.convert(src.0, conv.0);
                self.w(dst.0, v)
            }

            I::Jump { t } => {
                let blk = self.edge(t.0);
                self.b.ins().jump(blk, &[]);
            }
            I::JumpIf { c, t } => {
                let x = self.r(c.0);
                self.branch_if(x, t.0)
            }
            I::JumpIfNot { c, t } => {
                let x = self.r(c.0);
                self.branch_if_not(x, t.0)
            }
            I::BrEq { a, b, t } => self.br_icmp(a.0, b.0, t.0 as u32, IntCC::Equal),
            I::BrNe { a, b, t } => self.br_icmp(a.0, b.0, t.0 as u32, IntCC::NotEqual),
            I::BrLtS { a, b, t } => self.br_icmp(a.0, b.0, t.0 as u32, IntCC::SignedLessThan),
            I::BrLeS { a, b, t } => self.br_icmp(a.0, b.0, t.0 as u32, IntCC::SignedLessThanOrEqual),
            I::BrLtU { a, b, t } => self.br_icmp(a.0, b.0, t.0 as u32, IntCC::UnsignedLessThan),
            I::BrLeU { a, b, t } => self.br_icmp(a.0, b.0, t.0 as u32, IntCC::UnsignedLessThanOrEqual),
            I::BrEqImm { a, imm, t } => self.br_icmp_imm_s(a.0, imm.0 as i64, t.0 as u32, IntCC::Equal),
            I::BrNeImm { a, imm, t } => self.br_icmp_imm_s(a.0, imm.0 as i64, t.0 as u32, IntCC::NotEqual),
            I::BrLtImm { a, imm, t } => self.br_icmp_imm_s(a.0, imm.0 as i64, t.0 as u32, IntCC::SignedLessThan),
            I::BrLeImm { a, imm, t } => self.br_icmp_imm_s(a.0, imm.0 as i64, t.0 as u32, IntCC::SignedLessThanOrEqual),
            I::BrGtImm { a, imm, t } => self.br_icmp_imm_s(a.0, imm.0 as i64, t.0 as u32, IntCC::SignedGreaterThan),
            I::BrGeImm { a, imm, t } => {
                self.br_icmp_imm_s(a.0, imm.0 as i64, t.0 as u32, IntCC::SignedGreaterThanOrEqual)
            }
            I::BrLtF64 { a, b, t } => self.br_fcmp(a.0, None, Some(b.0), t.0 as u32, FloatCC::LessThan, false),
            I::BrLeF64 { a, b, t } => self.br_fcmp(a.0, None, Some(b.0), t.0 as u32, FloatCC::LessThanOrEqual, false),
            // `!(a < b)`: taken for NaN operands, so branch on the negation.
            I::BrNLtF64 { a, b, t } => self.br_fcmp(a.0, None, Some(b.0), t.0 as u32, FloatCC::LessThan, true),
            I::BrNLeF64 { a, b, t } => self.br_fcmp(a.0, None, Some(b.0), t.0 as u32, FloatCC::LessThanOrEqual, true),
            I::BrLtF64K { a, k, t } => self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::LessThan, false),
            I::BrLeF64K { a, k, t } => self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::LessThanOrEqual, false),
            I::BrGtF64K { a, k, t } => self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::GreaterThan, false),
            I::BrGeF64K { a, k, t } => {
                self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::GreaterThanOrEqual, false)
            }
            I::BrNLtF64K { a, k, t } => self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::LessThan, true),
            I::BrNLeF64K { a, k, t } => self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::LessThanOrEqual, true),
            I::BrNGtF64K { a, k, t } => self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::GreaterThan, true),
            I::BrNGeF64K { a, k, t } => {
                self.br_fcmp(a.0, Some(k.0), None, t.0 as u32, FloatCC::GreaterThanOrEqual, true)
            }
            I::ForLoop { i, end, t } => {
                let x = self.r(i.0);
                let n = self.b.ins().iadd_imm_s(x, 1);
                self.w(i.0, n);
                let e = self.r(end.0);
                let c = self.b.ins().icmp(IntCC::SignedLessThan, n, e);
                self.branch_if(c, t.0 as u32)
            }

            I::Call { base, f } => {
                let callee = &self.funcs[f.0 as usize];
                let mut args: Vec<Value> = (0..callee.params as u16).map(|i| self.r(base.0 + i)).collect();
                if callee.track_caller {
                    args.push(self.site());
                }
                let fr = self.body_ref(f.0);
                let call = self.b.ins().call(fr, &args);
                let v = self.b.inst_results(call)[0];
                self.w(base.0, v)
            }
            I::CallClosure { base, n } => {
                let n = n.0.max(1) as u32;
                let clo = self.r(base.0);
                let idx = self.b.ins().load(I64, MemFlagsData::trusted(), clo, field_off(0));
                let bodies = self.rt_word(rt_tables::BODIES);
                let off = self.b.ins().ishl_imm_s(idx, 3);
                let at = self.b.ins().iadd(bodies, off);
                let body = self.b.ins().load(I64, MemFlagsData::trusted(), at, 0);
                // A body not compiled yet (JIT) is compiled on first call.
                let compile = self.b.create_block();
                let call = self.b.create_block();
                self.b.append_block_param(call, I64);
                self.b.set_cold_block(compile);
                self.b.ins().brif(body, call, &[body.into()], compile, &[]);
                self.b.switch_to_block(compile);
                let compiled = self.call_rt(RtFn::CompileBody, &[idx]).expect("result");
                self.b.ins().jump(call, &[compiled.into()]);
                self.b.switch_to_block(call);
                let target = self.b.block_params(call)[0];
                let args: Vec<Value> = (0..n as u16).map(|i| self.r(base.0 + i)).collect();
                let sig = self.b.import_signature(closure_signature(self.target.call_conv, n));
                let c = self.b.ins().call_indirect(sig, target, &args);
                let v = self.b.inst_results(c)[0];
                self.w(base.0, v)
            }
            I::Ret { src } => {
                let mut v = self.r(src.0);
                if let Some(acc) = self.acc {
                    let a = self.b.use_var(acc);
                    v = self.b.ins().iadd(a, v);
                }
                self.b.ins().return_(&[v]);
            }
            I::Go { callee } => {
                let c = self.r(callee.0);
                self.call_rt(RtFn::Go, &[c]);
            }
            I::Unreachable {} => {
                let site = self.site();
                self.call_rt_noreturn(RtFn::Unreachable, &[site]);
            }

            I::GetField { dst, obj, idx } => {
                let o = self.r(obj.0);
                let v = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(idx.0 as usize));
                self.w(dst.0, v)
            }
            I::SetField { obj, idx, src } => {
                let o = self.r(obj.0);
                let v = self.r(src.0);
                self.b.ins().store(MemFlagsData::trusted(), v, o, field_off(idx.0 as usize));
            }
            I::ArrGet { dst, arr, i } => {
                let o = self.r(arr.0);
                let ix = self.r(i.0);
                let at = self.array_elem(o, ix);
                let v = self.b.ins().load(I64, MemFlagsData::trusted(), at, HEADER);
                self.w(dst.0, v)
            }
            I::ArrSet { arr, i, src } => {
                let o = self.r(arr.0);
                let ix = self.r(i.0);
                let at = self.array_elem(o, ix);
                let v = self.r(src.0);
                self.b.ins().store(MemFlagsData::trusted(), v, at, HEADER);
            }
            I::VecGet { dst, v, i } => {
                let o = self.r(v.0);
                let ix = self.r(i.0);
                let at = self.vec_elem(o, ix);
                let x = self.b.ins().load(I64, MemFlagsData::trusted(), at, HEADER);
                self.w(dst.0, x)
            }
            I::VecSet { v, i, src } => {
                let o = self.r(v.0);
                let ix = self.r(i.0);
                let at = self.vec_elem(o, ix);
                let x = self.r(src.0);
                self.b.ins().store(MemFlagsData::trusted(), x, at, HEADER);
            }
            I::VecLen { dst, v } => {
                let o = self.r(v.0);
                let x = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(gos_runtime::VEC_LEN));
                self.w(dst.0, x)
            }
            I::StrLen { dst, s } => {
                let o = self.r(s.0);
                let x = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(gos_runtime::strings::S_LEN));
                self.w(dst.0, x)
            }
            I::StrByte { dst, s, i } => {
                let o = self.r(s.0);
                let ix = self.r(i.0);
                let site = self.site();
                let v = self.call_rt(RtFn::StrByte, &[o, ix, site]).expect("result");
                self.w(dst.0, v)
            }
            I::VecPush { args, aux } => {
                let o = self.r(args.0);
                let len = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(gos_runtime::VEC_LEN));
                let cap = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(gos_runtime::VEC_CAP));
                let room = self.b.ins().icmp(IntCC::UnsignedLessThan, len, cap);
                let fast = self.b.create_block();
                let slow = self.b.create_block();
                let done = self.b.create_block();
                self.b.set_cold_block(slow);
                self.b.ins().brif(room, fast, &[], slow, &[]);
                self.b.switch_to_block(fast);
                let buf = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(gos_runtime::VEC_BUF));
                let off = self.b.ins().ishl_imm_s(len, 3);
                let at = self.b.ins().iadd(buf, off);
                let x = self.r(args.0 + 1);
                self.b.ins().store(MemFlagsData::trusted(), x, at, HEADER);
                let len1 = self.b.ins().iadd_imm_s(len, 1);
                self.b.ins().store(MemFlagsData::trusted(), len1, o, field_off(gos_runtime::VEC_LEN));
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(slow);
                let ptr = self.spill(args.0, 2);
                let a = self.iconst(self.aux_ref(aux.0));
                let site = self.site();
                self.call_rt(RtFn::Intrinsic, &[a, ptr, site]);
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(done);
            }
            I::Op { dst, args, aux } => {
                let v = self.op(args.0, aux.0);
                self.w(dst.0, v)
            }
        }
    }

    /// The address of element `ix` of the fixed array `o` minus the header
    /// (bounds-checked against the length its header's type gives).
    fn array_elem(&mut self, o: Value, ix: Value) -> Value {
        let ty = self.b.ins().uload32(MemFlagsData::trusted(), o, 0);
        let lens = self.rt_word(rt_tables::ARRAY_LEN);
        let off = self.b.ins().ishl_imm_s(ty, 3);
        let at = self.b.ins().iadd(lens, off);
        let len = self.b.ins().load(I64, MemFlagsData::trusted().with_readonly(), at, 0);
        self.check_index(ix, len);
        let off = self.b.ins().ishl_imm_s(ix, 3);
        self.b.ins().iadd(o, off)
    }

    /// The address of element `ix` of vector `o`'s buffer minus the header.
    fn vec_elem(&mut self, o: Value, ix: Value) -> Value {
        let len = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(gos_runtime::VEC_LEN));
        self.check_index(ix, len);
        let buf = self.b.ins().load(I64, MemFlagsData::trusted(), o, field_off(gos_runtime::VEC_BUF));
        let off = self.b.ins().ishl_imm_s(ix, 3);
        self.b.ins().iadd(buf, off)
    }

    /// `I64Vec::len`, `get` or `set` inline on the vector in register
    /// `args` (the index and value follow it): the object is
    /// `[header, len, elements…]` (`gos_abi::I64VEC_LEN`,
    /// `gos_abi::I64VEC_ELEMS`), the index is checked as the runtime checks
    /// it (the same panic, reported at the same site), and the element is
    /// accessed as an atomic word. `get` is an SC load, a plain load on
    /// x86-64 (the fence of earlier stores was put before it, see
    /// [`sc_store_pending`]); `set` is a plain store, which x86-64 keeps in
    /// order with every other store (release), and whose SC fence comes
    /// later. The length word never changes.
    fn i64vec_op(&mut self, op: gos_abi::Intrinsic, args: u16) -> Value {
        let o = self.r(args);
        let len = self.b.ins().load(I64, MemFlagsData::trusted().with_readonly(), o, field_off(gos_abi::I64VEC_LEN));
        if op == gos_abi::Intrinsic::I64VecLen {
            return len;
        }
        let ix = self.r(args + 1);
        self.check_index(ix, len);
        let off = self.b.ins().ishl_imm_s(ix, 3);
        let base = self.b.ins().iadd(o, off);
        let at = self.b.ins().iadd_imm_s(base, field_off(gos_abi::I64VEC_ELEMS) as i64);
        if op == gos_abi::Intrinsic::I64VecGet {
            self.b.ins().atomic_load(I64, MemFlagsData::trusted(), at)
        } else {
            let v = self.r(args + 2);
            self.b.ins().store(MemFlagsData::trusted(), v, at, 0);
            self.iconst(0)
        }
    }

    fn op(&mut self, args: u16, aux_idx: u16) -> Value {
        let f = self.f;
        let aux = &f.aux[aux_idx as usize];
        let ty = |t: gos_abi::TypeId| t.0 as i64;
        match aux {
            Aux::NewAggregate { ty: t, n } => {
                let p = self.spill(args, *n as usize);
                let (t, n) = (self.iconst(ty(*t)), self.iconst(*n as i64));
                self.call_rt(RtFn::NewAggregate, &[t, p, n]).expect("result")
            }
            Aux::NewEnum { ty: t, tag, n } => {
                let p = self.spill(args, *n as usize);
                let (t, tag, n) = (self.iconst(ty(*t)), self.iconst(*tag as i64), self.iconst(*n as i64));
                self.call_rt(RtFn::NewEnum, &[t, tag, p, n]).expect("result")
            }
            Aux::NewClosure { ty: t, func, n } => {
                let p = self.spill(args, *n as usize);
                let (t, fv, n) = (self.iconst(ty(*t)), self.iconst(*func as i64), self.iconst(*n as i64));
                self.call_rt(RtFn::NewClosure, &[t, fv, p, n]).expect("result")
            }
            Aux::ArrayRepeat { .. } => {
                let a = self.iconst(self.aux_ref(aux_idx));
                let v = self.r(args);
                self.call_rt(RtFn::ArrayRepeat, &[a, v]).expect("result")
            }
            Aux::Copy { ty: t } => {
                let v = self.r(args);
                let t = self.iconst(ty(*t));
                self.call_rt(RtFn::Copy, &[v, t]).expect("result")
            }
            Aux::Clone { ty: t } => {
                let v = self.r(args);
                let t = self.iconst(ty(*t));
                self.call_rt(RtFn::Clone, &[v, t]).expect("result")
            }
            Aux::Compare { kind, ty: t } => {
                let k = match kind {
                    CmpKind::Eq => 0,
                    CmpKind::Ne => 1,
                    CmpKind::Lt => 2,
                    CmpKind::Le => 3,
                    CmpKind::Gt => 4,
                    CmpKind::Ge => 5,
                };
                let (a, b) = (self.r(args), self.r(args + 1));
                let (k, t) = (self.iconst(k), self.iconst(ty(*t)));
                self.call_rt(RtFn::Compare, &[k, a, b, t]).expect("result")
            }
            Aux::Concat => {
                let (a, b) = (self.r(args), self.r(args + 1));
                self.call_rt(RtFn::Concat, &[a, b]).expect("result")
            }
            Aux::AssignInPlace { ty: t } => {
                let (a, b) = (self.r(args), self.r(args + 1));
                let t = self.iconst(ty(*t));
                self.call_rt(RtFn::AssignInPlace, &[a, b, t]);
                self.iconst(0)
            }
            Aux::NewRef { kind } => {
                let (a, b) = (self.r(args), self.r(args + 1));
                let k = self.iconst(*kind as i64);
                self.call_rt(RtFn::NewRef, &[k, a, b]).expect("result")
            }
            Aux::SnapshotRef { pointer } => {
                let a = self.r(args);
                let p = self.iconst(*pointer as i64);
                self.call_rt(RtFn::SnapshotRef, &[a, p]).expect("result")
            }
            Aux::RefLoad => {
                let a = self.r(args);
                let site = self.site();
                self.call_rt(RtFn::RefLoad, &[a, site]).expect("result")
            }
            Aux::RefStore => {
                let (a, b) = (self.r(args), self.r(args + 1));
                let site = self.site();
                self.call_rt(RtFn::RefStore, &[a, b, site]);
                self.iconst(0)
            }
            Aux::Format { n, .. } => {
                let p = self.spill(args, *n as usize);
                let a = self.iconst(self.aux_ref(aux_idx));
                self.call_rt(RtFn::Format, &[a, p]).expect("result")
            }
            // Exact f64 math inline (bit-equal to the runtime's Rust).
            Aux::Intrinsic { op, .. } if is_inline_math(aux, &self.decls.types) => {
                let x = self.f64v(args);
                let v = match op {
                    gos_abi::Intrinsic::Sqrt => self.b.ins().sqrt(x),
                    gos_abi::Intrinsic::FAbs => self.b.ins().fabs(x),
                    gos_abi::Intrinsic::Floor => self.b.ins().floor(x),
                    gos_abi::Intrinsic::Ceil => self.b.ins().ceil(x),
                    _ => self.b.ins().trunc(x),
                };
                self.b.ins().bitcast(I64, MemFlagsData::new(), v)
            }
            Aux::Intrinsic { op, .. } if inline_i64vec(aux).is_some() => self.i64vec_op(*op, args),
            Aux::Intrinsic { arg_tys, .. } => {
                let p = self.spill(args, arg_tys.len());
                let a = self.iconst(self.aux_ref(aux_idx));
                let site = self.site();
                self.call_rt(RtFn::Intrinsic, &[a, p, site]).expect("result")
            }
        }
    }

    fn convert(&mut self, src: u16, code: u16) -> Value {
        let x = self.r(src);
        let Some(conv) = Conv::from_code(code) else {
            let c = self.iconst(code as i64);
            return self.call_rt(RtFn::Convert, &[c, x]).expect("result");
        };
        match conv {
            Conv::IntToInt(t) => self.normalize(x, t),
            Conv::SIntToF64 => {
                let v = self.b.ins().fcvt_from_sint(types::F64, x);
                self.from_f64(v)
            }
            Conv::UIntToF64 => {
                let v = self.b.ins().fcvt_from_uint(types::F64, x);
                self.from_f64(v)
            }
            Conv::SIntToF32 => {
                let v = self.b.ins().fcvt_from_sint(types::F32, x);
                self.from_f32(v)
            }
            Conv::UIntToF32 => {
                let v = self.b.ins().fcvt_from_uint(types::F32, x);
                self.from_f32(v)
            }
            Conv::F64ToInt(IntTy::I64) => {
                let f = self.b.ins().bitcast(types::F64, MemFlagsData::new(), x);
                self.b.ins().fcvt_to_sint_sat(I64, f)
            }
            Conv::F64ToInt(IntTy::U64) => {
                let f = self.b.ins().bitcast(types::F64, MemFlagsData::new(), x);
                self.b.ins().fcvt_to_uint_sat(I64, f)
            }
            Conv::F64ToF32 => {
                let f = self.b.ins().bitcast(types::F64, MemFlagsData::new(), x);
                let v = self.b.ins().fdemote(types::F32, f);
                self.from_f32(v)
            }
            Conv::F32ToF64 => {
                let low = self.b.ins().ireduce(types::I32, x);
                let f = self.b.ins().bitcast(types::F32, MemFlagsData::new(), low);
                let v = self.b.ins().fpromote(types::F64, f);
                self.from_f64(v)
            }
            // Saturation to a narrow type: rare, done by the runtime with
            // exactly the interpreter's code.
            _ => {
                let c = self.iconst(code as i64);
                self.call_rt(RtFn::Convert, &[c, x]).expect("result")
            }
        }
    }

    fn bin(&mut self, dst: u16, a: u16, b: u16, op: impl FnOnce(&mut FunctionBuilder<'b>, Value, Value) -> Value) {
        let x = self.r(a);
        let y = self.r(b);
        let v = op(&mut self.b, x, y);
        self.w(dst, v)
    }

    fn un(&mut self, dst: u16, a: u16, op: impl FnOnce(&mut FunctionBuilder<'b>, Value) -> Value) {
        let x = self.r(a);
        let v = op(&mut self.b, x);
        self.w(dst, v)
    }

    fn icmp(&mut self, dst: u16, a: u16, b: u16, cc: IntCC) {
        let x = self.r(a);
        let y = self.r(b);
        let c = self.b.ins().icmp(cc, x, y);
        let v = self.bool_word(c);
        self.w(dst, v)
    }

    fn fbin(&mut self, dst: u16, a: u16, b: u16, op: impl FnOnce(&mut FunctionBuilder<'b>, Value, Value) -> Value) {
        let x = self.f64v(a);
        let y = self.f64v(b);
        let v = op(&mut self.b, x, y);
        let v = self.from_f64(v);
        self.w(dst, v)
    }

    fn fbin_k(&mut self, dst: u16, a: u16, k: u16, op: impl FnOnce(&mut FunctionBuilder<'b>, Value, Value) -> Value) {
        let x = self.f64v(a);
        let y = self.k64(k);
        let v = op(&mut self.b, x, y);
        let v = self.from_f64(v);
        self.w(dst, v)
    }

    fn f32bin(&mut self, dst: u16, a: u16, b: u16, op: impl FnOnce(&mut FunctionBuilder<'b>, Value, Value) -> Value) {
        let x = self.f32v(a);
        let y = self.f32v(b);
        let v = op(&mut self.b, x, y);
        let v = self.from_f32(v);
        self.w(dst, v)
    }

    fn fcmp(&mut self, dst: u16, a: u16, b: u16, cc: FloatCC) {
        let x = self.f64v(a);
        let y = self.f64v(b);
        let c = self.b.ins().fcmp(cc, x, y);
        let v = self.bool_word(c);
        self.w(dst, v)
    }

    fn f32cmp(&mut self, dst: u16, a: u16, b: u16, cc: FloatCC) {
        let x = self.f32v(a);
        let y = self.f32v(b);
        let c = self.b.ins().fcmp(cc, x, y);
        let v = self.bool_word(c);
        self.w(dst, v)
    }

    fn br_icmp(&mut self, a: u16, b: u16, t: u32, cc: IntCC) {
        let x = self.r(a);
        let y = self.r(b);
        let c = self.b.ins().icmp(cc, x, y);
        self.branch_if(c, t)
    }

    fn br_icmp_imm_s(&mut self, a: u16, imm: i64, t: u32, cc: IntCC) {
        let x = self.r(a);
        let c = self.b.ins().icmp_imm_s(cc, x, imm);
        self.branch_if(c, t)
    }

    /// A float compare-and-branch against a register or a constant;
    /// `negate` branches when the compare is false (NaN included).
    fn br_fcmp(&mut self, a: u16, k: Option<u16>, b: Option<u16>, t: u32, cc: FloatCC, negate: bool) {
        let x = self.f64v(a);
        let y = match (k, b) {
            (Some(k), _) => self.k64(k),
            (None, Some(b)) => self.f64v(b),
            (None, None) => unreachable!("a compare has a second operand"),
        };
        let c = self.b.ins().fcmp(cc, x, y);
        if negate {
            self.branch_if_not(c, t)
        } else {
            self.branch_if(c, t)
        }
    }
}

#[cfg(test)]
mod tests {
    //! The placement of the sunk `I64Vec` fence ([`sc_store_pending`],
    //! [`sc_fence_point`]) on hand-written bytecode.
    use super::*;
    use gos_abi::{Intrinsic as M, TypeId};
    use gos_vm::bytecode::{AuxIdx, FuncIdx, Loc, Reg, Target};

    fn op(aux: u16) -> Instr {
        Instr::Op { dst: Reg(0), args: Reg(1), aux: AuxIdx(aux) }
    }

    /// A function whose aux 0 is `I64Vec::set`, 1 `get`, 2 `len`.
    fn func(code: Vec<Instr>) -> Function {
        let rec = |op| Aux::Intrinsic { op, arg_tys: vec![TypeId(0)], ret: TypeId(0), loc: Loc::default() };
        Function {
            name: "f",
            params: 0,
            frame_size: 4,
            code,
            consts: vec![],
            aux: vec![rec(M::I64VecSet), rec(M::I64VecGet), rec(M::I64VecLen)],
            lines: vec![],
            track_caller: false,
            loc: Loc::default(),
            param_types: vec![],
        }
    }

    #[test]
    fn a_store_is_pending_until_a_get_or_a_return() {
        // set; if !c goto 4; len; get; ret
        let f = func(vec![op(0), Instr::JumpIfNot { c: Reg(2), t: Target(4) }, op(2), op(1), Instr::Ret { src: Reg(0) }]);
        let funcs = [f.clone()];
        assert_eq!(sc_store_pending(&f, &funcs, &[false]), vec![false, true, true, true, true]);
        // The get fences; so does the return, reached around it.
        let points: Vec<bool> = f.code.iter().map(|i| sc_fence_point(&f, i, &funcs, &[false])).collect();
        assert_eq!(points, vec![false, false, false, true, true]);
    }

    #[test]
    fn a_fence_clears_the_state_and_loops_carry_it() {
        // 0: get; 1: set; 2: goto 0; 3: ret (unreachable). The back-edge
        // carries the store to the get, which fences it, so the set itself
        // starts with nothing pending.
        let f = func(vec![op(1), op(0), Instr::Jump { t: Target(0) }, Instr::Ret { src: Reg(0) }]);
        let funcs = [f.clone()];
        assert_eq!(sc_store_pending(&f, &funcs, &[false]), vec![true, false, true, false]);
    }

    #[test]
    fn nothing_is_pending_without_a_store() {
        let f = func(vec![op(1), op(2), Instr::Ret { src: Reg(0) }]);
        let funcs = [f.clone()];
        assert_eq!(sc_store_pending(&f, &funcs, &[false]), vec![false; 3]);
    }

    #[test]
    fn calls_fence_unless_the_callee_is_a_runtime_free_leaf() {
        // Function 1 is a leaf that stays in compiled code, function 2 one
        // that reaches the runtime, function 3 one that loads from an
        // I64Vec: only the call of 1 passes the pending store on.
        let leaf = func(vec![Instr::Ret { src: Reg(0) }]);
        let getter = func(vec![op(1), Instr::Ret { src: Reg(0) }]);
        let call = |c| Instr::Call { base: Reg(1), f: FuncIdx(c) };
        let main = func(vec![op(0), call(1), call(2), op(0), call(3), Instr::Ret { src: Reg(0) }]);
        let funcs = [main.clone(), leaf.clone(), leaf, getter];
        let reaches = [true, false, true, false];
        assert_eq!(sc_store_pending(&main, &funcs, &reaches), vec![false, true, true, false, true, false]);
    }
}
