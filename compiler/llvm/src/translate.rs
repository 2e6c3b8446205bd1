//! One bytecode function to LLVM IR.
//!
//! The same lowering as the Cranelift backend (`gos_clif`'s translator),
//! instruction by instruction, with the same runtime calls, sites and
//! safe points; what differs is only how values are held: each register
//! of the frame is an `alloca` of the function's entry block (an `i64`, or
//! a `double` for registers that only hold f64 values), and LLVM's SROA
//! and mem2reg turn them into SSA values before anything else runs. Heap
//! words are addressed as `inttoptr` of the object's word plus a
//! `getelementptr` over `i64`, so that scalar evolution sees element
//! addresses as base + 8·index and the loop vectoriser can work on them.
//!
//! Safe points are placed exactly where the Cranelift tier places them
//! (entries of functions that call and can reach the runtime; back-edges
//! of loops that can leave compiled code: `gos_clif::analysis`), as an
//! atomic (monotonic) load of the poll word that LLVM may not hoist, and a
//! cold call through a `preserve_allcc` trampoline, so the poll clobbers
//! no register of the loop. Code that stays in compiled code carries no
//! poll, which is what lets LLVM inline, unroll and vectorise it: a goroutine
//! spinning in one is stopped by the preemption signal, whose handler is
//! the safe point (`gos_runtime::sched::preempt`). Bodies are `noredzone`:
//! nothing is ever kept below the stack pointer, where the collector's
//! scan of an interrupted goroutine's stack would not look for it.

use crate::promote::{self, Promotion};
use crate::ranges;
use crate::Decls;
use gos_abi::runtime_abi::rt_tables;
use gos_abi::{IntTy, RtFn};
use gos_clif::analysis::{accumulating_tail_calls, branch_target, float_registers, inline_i64vec, leaves_compiled_code, sc_fence_point, sc_store_pending};
use gos_vm::bytecode::{Aux, CmpKind, Conv, Function, Instr, Norm};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::{Builder, BuilderError};
use inkwell::context::Context;
use inkwell::intrinsics::Intrinsic;
use inkwell::module::Module;
use inkwell::types::{BasicMetadataTypeEnum, BasicTypeEnum, FloatType, IntType, PointerType};
use inkwell::values::{BasicMetadataValueEnum, BasicValue, BasicValueEnum, FloatValue, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, AtomicOrdering, FloatPredicate, IntPredicate};
use std::collections::HashMap;

/// The kinds of heap word compiled code reads and writes, for LLVM's
/// type-based alias analysis: two accesses of different kinds never touch
/// the same word. That holds because every word of an object is reached in
/// one way only: word `k` after the header of a struct, tuple, enum value,
/// closure, cell, vector header or string only by `GetField`/`SetField` and
/// the backend's own fixed-index loads (`Field(k)`: the index is the
/// offset, so two different `k` are two different words, and one `k`
/// of two objects may be the same word); the elements of a fixed array
/// (a separate object of its own type) only by `ArrGet`/`ArrSet`; a
/// vector's buffer (an internal object no value points to) only by
/// `VecGet`/`VecSet`/`VecPush`. Headers, the run's tables, globals and the
/// argument slot are untagged (they may alias anything); runtime calls may
/// touch anything whatever the tags. What this buys: a store to
/// `bodies[i].vx` no longer forces a reload of `bodies[j].x` or of the
/// array slot `bodies[i]`.
///
/// Two refinements of `Field(k)`, as children of its tag (an access tagged
/// with a child may alias one tagged with the parent, never one tagged
/// with a sibling): `Cell`, word 0 of a cell the function made itself
/// (`promote::cell_accesses`), and `ElemField(t, k)`, field `k` of an
/// element of type `t` of a promoted array, read or written back
/// (`promote`). A cell is never a struct, so a store to a promoted
/// element's field 0 no longer forces a reload of a variable's cell.
#[derive(Clone, Copy)]
enum Word {
    Field(u64),
    Cell,
    ElemField(gos_abi::TypeId, u64),
    Array,
    Vector,
}

/// Errors of this module: a message saying why a function could not be
/// lowered (it then falls back to Cranelift).
pub type R<T> = Result<T, String>;

fn be(e: BuilderError) -> String {
    format!("LLVM builder: {e}")
}

/// The word index of an object's field `i` (after the header).
fn field_word(i: usize) -> u64 {
    (gos_runtime::HEADER_WORDS + i) as u64
}

/// The LLVM intrinsic that computes math intrinsic `op` on f64 exactly as
/// the runtime's Rust does (`gos_runtime::natives::math`): correctly
/// rounded or exact operations only, so every tier prints the same bits.
fn inline_math(op: gos_abi::Intrinsic) -> Option<&'static str> {
    use gos_abi::Intrinsic as I;
    Some(match op {
        I::Sqrt => "llvm.sqrt",
        I::FAbs => "llvm.fabs",
        I::Floor => "llvm.floor",
        I::Ceil => "llvm.ceil",
        I::Trunc => "llvm.trunc",
        // Half away from zero, as Rust's `round`.
        I::Round => "llvm.round",
        // Rust's `f64::min`/`max` are these (NaN-ignoring).
        I::FMin => "llvm.minnum",
        I::FMax => "llvm.maxnum",
        _ => return None,
    })
}

/// The locals of a promotion (see [`Translator::promo`]).
struct Promoted<'ctx> {
    p: Promotion,
    base: IntValue<'ctx>,
    fields: Vec<PointerValue<'ctx>>,
    index: HashMap<u16, PointerValue<'ctx>>,
    /// For each element: the `!alias.scope` and `!noalias` lists of the
    /// loads and stores of its fields (see [`Translator::promote`]).
    scopes: Vec<(inkwell::values::MetadataValue<'ctx>, inkwell::values::MetadataValue<'ctx>)>,
}

/// LLVM's calling-convention number of `preserve_allcc`.
pub const PRESERVE_ALL_CC: u32 = 15;

/// Translates function `fi` of the module into its declared body.
pub struct Translator<'a, 'ctx> {
    ctx: &'ctx Context,
    m: &'a Module<'ctx>,
    b: Builder<'ctx>,
    decls: &'a Decls<'ctx>,
    funcs: &'a [Function],
    fi: u32,
    f: &'a Function,
    func: FunctionValue<'ctx>,
    i64t: IntType<'ctx>,
    f64t: FloatType<'ctx>,
    p64: PointerType<'ctx>,
    regs: Vec<PointerValue<'ctx>>,
    float_regs: Vec<bool>,
    blocks: HashMap<u32, BasicBlock<'ctx>>,
    backedges: HashMap<u32, BasicBlock<'ctx>>,
    slot: Option<PointerValue<'ctx>>,
    /// The accumulator of self-calls turned into loops (see
    /// `gos_clif::analysis::accumulating_tail_calls`).
    acc: Option<PointerValue<'ctx>>,
    caller_site: Option<IntValue<'ctx>>,
    /// A fixed array of structs whose fields live in locals while the
    /// function runs (`crate::promote`), with one `[len x T]` local per
    /// used field, the array's address as the function received it, and
    /// for each register that holds one of its element pointers, a local
    /// with the element's index.
    promo: Option<Promoted<'ctx>>,
    /// For each instruction: whether it accesses a cell's word
    /// (`promote::cell_accesses`).
    cells: Vec<bool>,
    /// For each instruction indexing a fixed array: its length, when the
    /// array's static type is known (`promote::static_lengths`).
    lengths: Vec<Option<u64>>,
    /// For each instruction: whether it closes a small loop with literal
    /// bounds to unroll fully (`promote::small_fixed_loops`).
    unroll: Vec<bool>,
    /// The regions emitted twice, their accesses' checks proven at entry
    /// in one copy (`crate::ranges`), by first instruction; and, while
    /// that copy is emitted, the accesses it leaves unchecked.
    ranges: ranges::Plan,
    unchecked: Vec<bool>,
    pc: usize,
    /// Inline `I64Vec` stores and their sunk fences, as in the Cranelift
    /// tier (`gos_clif::analysis::sc_store_pending`): where a store may
    /// still need its fence, whether the current instruction fenced at its
    /// start, and whether the function stores inline at all.
    pending: Vec<bool>,
    fenced: bool,
    has_sets: bool,
    invariant: u32,
    prof: u32,
    tbaa: u32,
}

impl<'a, 'ctx> Translator<'a, 'ctx> {
    pub fn new(ctx: &'ctx Context, m: &'a Module<'ctx>, decls: &'a Decls<'ctx>, funcs: &'a [Function], fi: u32) -> Self {
        let i64t = ctx.i64_type();
        Translator {
            ctx,
            m,
            b: ctx.create_builder(),
            decls,
            funcs,
            fi,
            f: &funcs[fi as usize],
            func: decls.bodies[fi as usize],
            i64t,
            f64t: ctx.f64_type(),
            p64: ctx.ptr_type(AddressSpace::default()),
            regs: Vec::new(),
            float_regs: Vec::new(),
            blocks: HashMap::new(),
            backedges: HashMap::new(),
            slot: None,
            acc: None,
            caller_site: None,
            promo: None,
            cells: Vec::new(),
            lengths: Vec::new(),
            unroll: Vec::new(),
            ranges: ranges::Plan::default(),
            unchecked: Vec::new(),
            pc: 0,
            pending: Vec::new(),
            fenced: false,
            has_sets: false,
            invariant: ctx.get_kind_id("invariant.load"),
            prof: ctx.get_kind_id("prof"),
            tbaa: ctx.get_kind_id("tbaa"),
        }
    }

    fn k(&self, v: i64) -> IntValue<'ctx> {
        self.i64t.const_int(v as u64, true)
    }

    /// Register `reg` as it is kept: a `double` if it only ever holds
    /// f64s, else an `i64`.
    fn reg(&self, reg: u16) -> R<BasicValueEnum<'ctx>> {
        let ty: BasicTypeEnum = if self.float_regs[reg as usize] { self.f64t.into() } else { self.i64t.into() };
        self.b.build_load(ty, self.regs[reg as usize], "").map_err(be)
    }

    /// Register `reg` as a word.
    fn r(&self, reg: u16) -> R<IntValue<'ctx>> {
        let v = self.reg(reg)?;
        if self.float_regs[reg as usize] {
            Ok(self.b.build_bit_cast(v, self.i64t, "").map_err(be)?.into_int_value())
        } else {
            Ok(v.into_int_value())
        }
    }

    /// Register `reg` as an f64.
    fn fv(&self, reg: u16) -> R<FloatValue<'ctx>> {
        let v = self.reg(reg)?;
        if self.float_regs[reg as usize] {
            Ok(v.into_float_value())
        } else {
            Ok(self.b.build_bit_cast(v, self.f64t, "").map_err(be)?.into_float_value())
        }
    }

    /// Register `reg` as an f32 (the low 32 bits of its word).
    fn f32v(&self, reg: u16) -> R<FloatValue<'ctx>> {
        let w = self.r(reg)?;
        let low = self.b.build_int_truncate(w, self.ctx.i32_type(), "").map_err(be)?;
        Ok(self.b.build_bit_cast(low, self.ctx.f32_type(), "").map_err(be)?.into_float_value())
    }

    /// An f32 result as a word (zero-extended bits).
    fn from_f32(&self, v: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
        let bits = self.b.build_bit_cast(v, self.ctx.i32_type(), "").map_err(be)?.into_int_value();
        self.b.build_int_z_extend(bits, self.i64t, "").map_err(be)
    }

    /// Sets register `reg` to `v` (a word or an f64), converting to the
    /// type of its slot.
    fn w(&self, reg: u16, v: BasicValueEnum<'ctx>) -> R<()> {
        let float = self.float_regs[reg as usize];
        let v: BasicValueEnum = match (float, v) {
            (true, BasicValueEnum::IntValue(i)) => self.b.build_bit_cast(i, self.f64t, "").map_err(be)?,
            (false, BasicValueEnum::FloatValue(x)) => self.b.build_bit_cast(x, self.i64t, "").map_err(be)?,
            (_, v) => v,
        };
        self.b.build_store(self.regs[reg as usize], v).map_err(be)?;
        Ok(())
    }

    fn wi(&self, reg: u16, v: IntValue<'ctx>) -> R<()> {
        self.w(reg, v.into())
    }

    /// The site reference of the instruction being translated, or the
    /// caller's in a `#[track_caller]` function.
    fn site(&self) -> IntValue<'ctx> {
        match self.caller_site {
            Some(v) => v,
            None => self.k(gos_vm::native::site_ref(self.fi, self.pc) as i64),
        }
    }

    /// Calls runtime function `f`; its result, if it has one.
    fn call_rt(&self, f: RtFn, args: &[IntValue<'ctx>]) -> R<Option<IntValue<'ctx>>> {
        // An inline `I64Vec` store not fenced yet is fenced first.
        if self.pending.get(self.pc).copied().unwrap_or(false) && !self.fenced {
            self.fence()?;
        }
        let fv = self.decls.rt[&f];
        let args: Vec<BasicMetadataValueEnum> = args.iter().map(|&a| a.into()).collect();
        let call = self.b.build_call(fv, &args, "").map_err(be)?;
        Ok(call.try_as_basic_value().basic().map(|v| v.into_int_value()))
    }

    fn call_rt1(&self, f: RtFn, args: &[IntValue<'ctx>]) -> R<IntValue<'ctx>> {
        self.call_rt(f, args)?.ok_or_else(|| format!("runtime function {} has no result", f.symbol()))
    }

    /// Calls a runtime function that does not return, and ends the block.
    fn call_rt_noreturn(&self, f: RtFn, args: &[IntValue<'ctx>]) -> R<()> {
        self.call_rt(f, args)?;
        self.b.build_unreachable().map_err(be)?;
        Ok(())
    }

    /// A sequentially consistent fence: `mfence` on x86-64.
    fn fence(&self) -> R<()> {
        self.b.build_fence(AtomicOrdering::SequentiallyConsistent, false, "").map_err(be)?;
        Ok(())
    }

    /// A pointer to word `idx` of the object at address `base`.
    fn word_ptr(&self, base: IntValue<'ctx>, idx: IntValue<'ctx>) -> R<PointerValue<'ctx>> {
        let p = self.b.build_int_to_ptr(base, self.p64, "").map_err(be)?;
        // SAFETY (of the builder call): a GEP over i64 with one index.
        unsafe { self.b.build_in_bounds_gep(self.i64t, p, &[idx], "") }.map_err(be)
    }

    /// Word `idx` (a constant) of the object at `base`.
    fn load_word(&self, base: IntValue<'ctx>, idx: u64) -> R<IntValue<'ctx>> {
        let p = self.word_ptr(base, self.i64t.const_int(idx, false))?;
        Ok(self.load_tagged(p, Word::Field(idx - gos_runtime::HEADER_WORDS as u64))?.into_int_value())
    }

    fn store_word(&self, base: IntValue<'ctx>, idx: u64, v: IntValue<'ctx>) -> R<()> {
        let p = self.word_ptr(base, self.i64t.const_int(idx, false))?;
        self.store_tagged(p, v.into(), Word::Field(idx - gos_runtime::HEADER_WORDS as u64))
    }

    /// The type-based alias tag of a kind of heap word (see [`Word`]).
    fn tbaa_tag(&self, w: Word) -> inkwell::values::MetadataValue<'ctx> {
        let root = self.ctx.metadata_node(&[self.ctx.metadata_string("gossamer heap words").into()]);
        let node = |name: &str, parent: inkwell::values::MetadataValue<'ctx>| {
            self.ctx.metadata_node(&[self.ctx.metadata_string(name).into(), parent.into(), self.i64t.const_zero().into()])
        };
        let field = |k: u64| node(&format!("field {k}"), root);
        let ty = match w {
            Word::Field(k) => field(k),
            Word::Cell => node("cell word", field(0)),
            Word::ElemField(t, k) => node(&format!("field {k} of {t}"), field(k)),
            Word::Array => node("array element", root),
            Word::Vector => node("vector element", root),
        };
        self.ctx.metadata_node(&[ty.into(), ty.into(), self.i64t.const_zero().into()])
    }

    /// Loads heap word `p` of kind `w`.
    fn load_tagged(&self, p: PointerValue<'ctx>, w: Word) -> R<BasicValueEnum<'ctx>> {
        let v = self.b.build_load(self.i64t, p, "").map_err(be)?;
        if let Some(ins) = v.as_instruction_value() {
            ins.set_metadata(self.tbaa_tag(w), self.tbaa).map_err(|e| e.to_string())?;
        }
        Ok(v)
    }

    /// Stores `v` into heap word `p` of kind `w`.
    fn store_tagged(&self, p: PointerValue<'ctx>, v: BasicValueEnum<'ctx>, w: Word) -> R<()> {
        let ins = self.b.build_store(p, v).map_err(be)?;
        ins.set_metadata(self.tbaa_tag(w), self.tbaa).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Loads `*p` and tells LLVM the memory never changes while the
    /// program runs (the run's tables of literals, array lengths and
    /// bodies), so loads of it leave loops.
    fn load_invariant(&self, p: PointerValue<'ctx>) -> R<IntValue<'ctx>> {
        let v = self.b.build_load(self.i64t, p, "").map_err(be)?;
        if let Some(ins) = v.as_instruction_value() {
            ins.set_metadata(self.ctx.metadata_node(&[]), self.invariant).map_err(|e| e.to_string())?;
        }
        Ok(v.into_int_value())
    }

    /// Word `idx` of `gos_rt`: the address of one of the run's tables.
    fn rt_word(&self, idx: i32) -> R<IntValue<'ctx>> {
        let t = self.decls.rt_table.as_pointer_value();
        let i32t = self.ctx.i32_type();
        // SAFETY: `gos_rt` is `[WORDS x i64]` and idx < WORDS.
        let p = unsafe { self.b.build_in_bounds_gep(self.i64t, t, &[i32t.const_int(idx as u64, false)], "") }
            .map_err(be)?;
        self.load_invariant(p)
    }

    /// The address of element `i` of one of the run's tables (literals and
    /// unit enum values, loaded as invariant; globals, loaded and stored
    /// plainly).
    fn table_elem(&self, table: i32, i: u64) -> R<PointerValue<'ctx>> {
        let t = self.rt_word(table)?;
        self.word_ptr(t, self.i64t.const_int(i, false))
    }

    /// A new distinct node that names itself first, followed by `rest`
    /// (LLVM identifies loops and alias scopes by such nodes). inkwell
    /// cannot build one, so this goes through LLVM's C API: a temporary
    /// node, replaced by the node that holds it.
    fn self_named(&self, rest: &[llvm_sys::prelude::LLVMMetadataRef]) -> llvm_sys::prelude::LLVMMetadataRef {
        use inkwell::context::AsContextRef;
        use llvm_sys::core::LLVMMDNodeInContext2;
        use llvm_sys::debuginfo::{LLVMMetadataReplaceAllUsesWith, LLVMTemporaryMDNode};
        // SAFETY: every reference passed is a live node of this context;
        // the temporary node is consumed by the replacement.
        unsafe {
            let c = self.ctx.as_ctx_ref();
            let tmp = LLVMTemporaryMDNode(c, std::ptr::null_mut(), 0);
            let mut ops = vec![tmp];
            ops.extend_from_slice(rest);
            let id = LLVMMDNodeInContext2(c, ops.as_mut_ptr(), ops.len());
            LLVMMetadataReplaceAllUsesWith(tmp, id);
            id
        }
    }

    /// A metadata string or a node of `ops`, as the C API's references.
    fn md_string(&self, s: &str) -> llvm_sys::prelude::LLVMMetadataRef {
        use inkwell::context::AsContextRef;
        // SAFETY: the string is copied into the context.
        unsafe { llvm_sys::core::LLVMMDStringInContext2(self.ctx.as_ctx_ref(), s.as_ptr().cast(), s.len()) }
    }

    fn md_node(&self, ops: &[llvm_sys::prelude::LLVMMetadataRef]) -> llvm_sys::prelude::LLVMMetadataRef {
        use inkwell::context::AsContextRef;
        let mut ops = ops.to_vec();
        // SAFETY: the operands are live nodes of this context.
        unsafe { llvm_sys::core::LLVMMDNodeInContext2(self.ctx.as_ctx_ref(), ops.as_mut_ptr(), ops.len()) }
    }

    /// A C API metadata reference as an inkwell value, to attach.
    fn md_value(&self, md: llvm_sys::prelude::LLVMMetadataRef) -> inkwell::values::MetadataValue<'ctx> {
        use inkwell::context::AsContextRef;
        // SAFETY: `md` is a live node of this context.
        unsafe { inkwell::values::MetadataValue::new(llvm_sys::core::LLVMMetadataAsValue(self.ctx.as_ctx_ref(), md)) }
    }

    /// A new loop identifier asking for full unrolling.
    fn unroll_full(&self) -> inkwell::values::MetadataValue<'ctx> {
        let hint = self.md_node(&[self.md_string("llvm.loop.unroll.full")]);
        self.md_value(self.self_named(&[hint]))
    }

    /// Marks the conditional branch `br` as almost never taken to its
    /// first successor.
    fn unlikely(&self, br: inkwell::values::InstructionValue<'ctx>) -> R<()> {
        let i32t = self.ctx.i32_type();
        let md = self.ctx.metadata_node(&[
            self.ctx.metadata_string("branch_weights").into(),
            i32t.const_int(1, false).into(),
            i32t.const_int(4000, false).into(),
        ]);
        br.set_metadata(md, self.prof).map_err(|e| e.to_string())
    }

    fn new_block(&self) -> BasicBlock<'ctx> {
        self.ctx.append_basic_block(self.func, "")
    }

    /// Tests the poll word and calls `gos_poll` (through the
    /// register-preserving trampoline) if it is set; continues in a fresh
    /// block.
    fn poll(&self) -> R<()> {
        let p = self.decls.poll_word.as_pointer_value();
        let w = self.b.build_load(self.ctx.i32_type(), p, "poll").map_err(be)?;
        let ins = w.as_instruction_value().ok_or("poll load")?;
        ins.set_alignment(4).map_err(|e| e.to_string())?;
        ins.set_atomic_ordering(AtomicOrdering::Monotonic).map_err(|e| e.to_string())?;
        let set = self.b.build_int_compare(IntPredicate::NE, w.into_int_value(), self.ctx.i32_type().const_zero(), "").map_err(be)?;
        let call = self.new_block();
        let cont = self.new_block();
        let br = self.b.build_conditional_branch(set, call, cont).map_err(be)?;
        self.unlikely(br)?;
        self.b.position_at_end(call);
        if self.has_sets {
            // As in the Cranelift tier: the poll may move this goroutine to
            // another thread, so inline `I64Vec` stores are fenced first.
            self.fence()?;
        }
        let c = self.b.build_call(self.decls.poll_tramp, &[], "").map_err(be)?;
        c.set_call_convention(PRESERVE_ALL_CC);
        self.b.build_unconditional_branch(cont).map_err(be)?;
        self.b.position_at_end(cont);
        Ok(())
    }

    fn block_at(&self, pc: u32) -> R<BasicBlock<'ctx>> {
        self.blocks.get(&pc).copied().ok_or_else(|| format!("instruction {pc} is a jump target but starts no block"))
    }

    /// Where a branch to `t` goes: the target's block, or for a backward
    /// branch closing a loop that calls something, a block that polls
    /// first (the Cranelift tier's rule, see its `edge`): a loop that can
    /// leave compiled code.
    fn edge(&mut self, t: u32) -> R<BasicBlock<'ctx>> {
        let target = self.block_at(t)?;
        let lo = t as usize;
        if lo > self.pc || !self.f.code[lo..=self.pc].iter().any(|i| leaves_compiled_code(self.f, i, &self.decls.reaches, &self.decls.types)) {
            return Ok(target);
        }
        if let Some(&b) = self.backedges.get(&t) {
            return Ok(b);
        }
        let cur = self.b.get_insert_block().ok_or("no current block")?;
        let be_blk = self.new_block();
        self.b.position_at_end(be_blk);
        self.poll()?;
        self.b.build_unconditional_branch(target).map_err(be)?;
        self.b.position_at_end(cur);
        self.backedges.insert(t, be_blk);
        Ok(be_blk)
    }

    /// Branches to `t` if `c` (an `i1`) is true, else falls through.
    fn branch_if(&mut self, c: IntValue<'ctx>, t: u32) -> R<()> {
        let taken = self.edge(t)?;
        let next = self.block_at(self.pc as u32 + 1)?;
        self.b.build_conditional_branch(c, taken, next).map_err(be)?;
        Ok(())
    }

    /// Branches to `t` if `c` is false, else falls through.
    fn branch_if_not(&mut self, c: IntValue<'ctx>, t: u32) -> R<()> {
        let taken = self.edge(t)?;
        let next = self.block_at(self.pc as u32 + 1)?;
        self.b.build_conditional_branch(c, next, taken).map_err(be)?;
        Ok(())
    }

    /// A word as an `i1` (nonzero).
    fn truthy(&self, v: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        self.b.build_int_compare(IntPredicate::NE, v, self.i64t.const_zero(), "").map_err(be)
    }

    fn bool_word(&self, c: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        self.b.build_int_z_extend(c, self.i64t, "").map_err(be)
    }

    fn kf64(&self, k: u16) -> FloatValue<'ctx> {
        let bits = self.f.consts[k as usize];
        self.f64t.const_float(f64::from_bits(bits))
    }

    /// Panics with a divide-by-zero error if `d` is zero.
    fn check_divisor(&self, d: IntValue<'ctx>) -> R<()> {
        let zero = self.b.build_int_compare(IntPredicate::EQ, d, self.i64t.const_zero(), "").map_err(be)?;
        let fail = self.new_block();
        let ok = self.new_block();
        let br = self.b.build_conditional_branch(zero, fail, ok).map_err(be)?;
        self.unlikely(br)?;
        self.b.position_at_end(fail);
        self.call_rt_noreturn(RtFn::DivideByZero, &[self.site()])?;
        self.b.position_at_end(ok);
        Ok(())
    }

    /// Panics with Go's index error unless `i < len` (unsigned).
    fn check_index(&self, i: IntValue<'ctx>, len: IntValue<'ctx>) -> R<()> {
        let out = self.b.build_int_compare(IntPredicate::UGE, i, len, "").map_err(be)?;
        self.index_panic_if(out, i, len)
    }

    /// Panics with Go's index error for index `i` and length `len` if
    /// `bad` (an `i1`, almost never true); continues in a fresh block.
    fn index_panic_if(&self, bad: IntValue<'ctx>, i: IntValue<'ctx>, len: IntValue<'ctx>) -> R<()> {
        let fail = self.new_block();
        let ok = self.new_block();
        let br = self.b.build_conditional_branch(bad, fail, ok).map_err(be)?;
        self.unlikely(br)?;
        self.b.position_at_end(fail);
        self.call_rt_noreturn(RtFn::IndexOutOfRange, &[i, len, self.site()])?;
        self.b.position_at_end(ok);
        Ok(())
    }

    /// Signed `/` or `%` with Go's rules (see the Cranelift backend's
    /// `signed_div`): zero divisor panics, `MIN / -1` is `MIN`, `MIN % -1`
    /// is 0, which LLVM's `sdiv`/`srem` leave undefined.
    fn signed_div(&self, a: IntValue<'ctx>, d: IntValue<'ctx>, rem: bool) -> R<IntValue<'ctx>> {
        self.check_divisor(d)?;
        let minus_one = self.b.build_int_compare(IntPredicate::EQ, d, self.k(-1), "").map_err(be)?;
        let safe = self.b.build_select(minus_one, self.k(1), d, "").map_err(be)?.into_int_value();
        if rem {
            self.b.build_int_signed_rem(a, safe, "").map_err(be)
        } else {
            let q = self.b.build_int_signed_div(a, safe, "").map_err(be)?;
            let neg = self.b.build_int_neg(a, "").map_err(be)?;
            Ok(self.b.build_select(minus_one, neg, q, "").map_err(be)?.into_int_value())
        }
    }

    /// Normalises `v` to the integer type `t` (sign- or zero-extension of
    /// its low bits).
    fn normalize(&self, v: IntValue<'ctx>, t: IntTy) -> R<IntValue<'ctx>> {
        let (nty, signed) = match t {
            IntTy::I8 => (self.ctx.i8_type(), true),
            IntTy::I16 => (self.ctx.i16_type(), true),
            IntTy::I32 => (self.ctx.i32_type(), true),
            IntTy::U8 => (self.ctx.i8_type(), false),
            IntTy::U16 => (self.ctx.i16_type(), false),
            IntTy::U32 => (self.ctx.i32_type(), false),
            IntTy::I64 | IntTy::U64 => return Ok(v),
        };
        let low = self.b.build_int_truncate(v, nty, "").map_err(be)?;
        if signed {
            self.b.build_int_s_extend(low, self.i64t, "").map_err(be)
        } else {
            self.b.build_int_z_extend(low, self.i64t, "").map_err(be)
        }
    }

    /// Stores registers `args..args + n` into the frame's argument slot and
    /// returns its address as a word.
    fn spill(&self, args: u16, n: usize) -> R<IntValue<'ctx>> {
        let slot = self.slot.ok_or("an operation without an argument slot")?;
        for i in 0..n {
            let v = self.r(args + i as u16)?;
            let i32t = self.ctx.i32_type();
            // SAFETY: the slot has room for the largest operation's words.
            let p = unsafe { self.b.build_in_bounds_gep(self.i64t, slot, &[i32t.const_int(i as u64, false)], "") }
                .map_err(be)?;
            self.b.build_store(p, v).map_err(be)?;
        }
        self.b.build_ptr_to_int(slot, self.i64t, "").map_err(be)
    }

    fn aux_ref(&self, idx: u16) -> IntValue<'ctx> {
        self.k((((self.fi as u64) << 32) | idx as u64) as i64)
    }

    /// Translates the whole function into its declared body; the fixed
    /// array it keeps in registers, if any (`promote`).
    pub fn translate(mut self) -> R<Option<Promotion>> {
        let f = self.f;
        let code = &f.code;
        let mut leaders = vec![false; code.len() + 1];
        leaders[0] = true;
        for (pc, ins) in code.iter().enumerate() {
            let (ends, t) = branch_target(ins);
            if let Some(t) = t {
                if t as usize >= code.len() {
                    return Err(format!("instruction {pc} jumps to {t}, past the end"));
                }
                leaders[t as usize] = true;
            }
            if ends {
                leaders[pc + 1] = true;
            }
        }
        // Regions to emit twice start blocks of their own (their test).
        // A region with an accumulating self-call is left alone: that
        // call's loop is built by the main loop below.
        let tail_adds = accumulating_tail_calls(f, self.fi);
        let mut plan = ranges::plan(f, &float_registers(f, f.frame_size.max(1) as usize));
        plan.regions.retain(|r| !tail_adds.keys().any(|&pc| (r.start..=r.end).contains(&pc)));
        for r in &plan.regions {
            leaders[r.start] = true;
        }
        self.ranges = plan;
        self.unchecked = vec![false; code.len()];
        let entry = self.ctx.append_basic_block(self.func, "entry");
        for (pc, &l) in leaders.iter().enumerate() {
            if l && pc < code.len() {
                let blk = self.ctx.append_basic_block(self.func, &format!("pc{pc}"));
                self.blocks.insert(pc as u32, blk);
            }
        }
        self.b.position_at_end(entry);
        let frame = f.frame_size.max(1) as usize;
        self.float_regs = float_registers(f, frame);
        self.pending = sc_store_pending(f, self.funcs, &self.decls.reaches);
        self.has_sets = self.pending.iter().any(|&p| p);
        for i in 0..frame {
            let p = if self.float_regs[i] {
                self.b.build_alloca(self.f64t, "").map_err(be)?
            } else {
                self.b.build_alloca(self.i64t, "").map_err(be)?
            };
            self.regs.push(p);
        }
        if !f.aux.is_empty() {
            let max_args = f.aux.iter().map(|a| a.arity()).max().unwrap_or(0).max(2);
            self.slot = Some(self.b.build_alloca(self.i64t.array_type(max_args as u32), "args").map_err(be)?);
        }
        let params = self.func.get_params();
        for i in 0..frame {
            let v = if i < f.params as usize {
                params.get(i).ok_or("fewer parameters than declared")?.into_int_value()
            } else {
                self.i64t.const_zero()
            };
            self.wi(i as u16, v)?;
        }
        if f.track_caller {
            self.caller_site = params.last().map(|p| p.into_int_value());
        }
        self.cells = promote::cell_accesses(f);
        self.lengths = promote::static_lengths(f, &self.decls.types);
        self.unroll = promote::small_fixed_loops(f);
        if let Some(p) = promote::find(f, &self.decls.types) {
            self.promote(p)?;
        }
        // The Cranelift tier's rule: functions that call, and can reach the
        // runtime (`gos_clif::analysis::reaches_runtime`).
        let entry_poll = self.decls.reaches[self.fi as usize]
            && code.iter().any(|i| matches!(i, Instr::Call { .. } | Instr::CallClosure { .. }));
        // `return x + self(…)` becomes a loop exactly where the Cranelift
        // tier makes it one, and nowhere else: LLVM's own tail-recursion
        // elimination is off (`disable-tail-calls` on every body), because
        // it also turns recursion that never ends into a loop that never
        // ends, where every other tier reports a stack overflow.
        if !tail_adds.is_empty() {
            let acc = self.b.build_alloca(self.i64t, "acc").map_err(be)?;
            self.b.build_store(acc, self.i64t.const_zero()).map_err(be)?;
            self.acc = Some(acc);
        }
        self.b.build_unconditional_branch(self.block_at(0)?).map_err(be)?;

        let mut terminated = true;
        // The top of the function after its entry poll.
        let mut top = self.block_at(0)?;
        for (pc, ins) in code.iter().enumerate() {
            self.pc = pc;
            if let Some(&blk) = self.blocks.get(&(pc as u32)) {
                if !terminated {
                    self.b.build_unconditional_branch(blk).map_err(be)?;
                }
                self.b.position_at_end(blk);
                if pc == 0 && entry_poll {
                    self.poll()?;
                    top = self.b.get_insert_block().ok_or("no block")?;
                }
                if let Some(k) = self.ranges.regions.iter().position(|r| r.start == pc) {
                    self.versioned(k, &leaders)?;
                }
            }
            // The sunk fence of inline `I64Vec` stores.
            self.fenced = self.pending[pc] && sc_fence_point(f, ins, self.funcs, &self.decls.reaches);
            if self.fenced {
                self.fence()?;
            }
            if let (Some(&other), Instr::Call { base, f: callee }, Some(acc)) = (tail_adds.get(&pc), ins, self.acc) {
                // `return other + self(args)`: accumulate and loop (the
                // top of the function polls, it has calls).
                let params = self.funcs[callee.0 as usize].params as u16;
                let mut args = Vec::new();
                for i in 0..params {
                    args.push(self.reg(base.0 + i)?);
                }
                let x = self.r(other)?;
                let a = self.b.build_load(self.i64t, acc, "").map_err(be)?.into_int_value();
                let sum = self.b.build_int_add(a, x, "").map_err(be)?;
                self.b.build_store(acc, sum).map_err(be)?;
                for (i, v) in args.into_iter().enumerate() {
                    self.w(i as u16, v)?;
                }
                // The loop polls at its top, unless a call of this same
                // function earlier in the same block (fib's `fib(n - 1)`)
                // already polled on every iteration, at its entry.
                let polled = (0..pc).rev().take_while(|&p| !leaders[p + 1]).any(|p| {
                    matches!(code[p], Instr::Call { f: c, .. } if c.0 == self.fi) && !tail_adds.contains_key(&p)
                });
                let target = if polled { top } else { self.block_at(0)? };
                self.b.build_unconditional_branch(target).map_err(be)?;
                // What follows the call is unreachable unless another
                // branch leads there.
                let rest = self.new_block();
                self.b.position_at_end(rest);
                terminated = false;
                continue;
            }
            self.instr(*ins)?;
            terminated = branch_target(ins).0;
        }
        if !terminated {
            self.call_rt_noreturn(RtFn::Unreachable, &[self.site()])?;
        }
        Ok(self.promo.map(|pr| pr.p))
    }

    /// At the start of region `k` (`crate::ranges`), positioned in its
    /// first block, which every branch to the region's start reaches: tests
    /// its groups' intervals, emits the copy without the covered checks
    /// that the test enters when they hold, and leaves the builder at the
    /// start of the original, which the main loop goes on to emit.
    fn versioned(&mut self, k: usize, leaders: &[bool]) -> R<()> {
        let region = self.ranges.regions[k].clone();
        // The test, from the registers' values at the region's entry.
        let mut vals: HashMap<u32, IntValue<'ctx>> = HashMap::new();
        let mut ok: Option<IntValue<'ctx>> = None;
        for g in &region.groups {
            // A register the function never wrote holds 0 (the checker
            // lets no program read a variable before it is assigned, but
            // the test runs on paths that may not reach the access): a
            // null vector fails the test, which then reads no length.
            let vec = self.r(g.vec)?;
            let null = self.b.build_int_compare(IntPredicate::EQ, vec, self.k(0), "").map_err(be)?;
            let here = self.b.get_insert_block().ok_or("no block")?;
            let read = self.new_block();
            let join = self.new_block();
            self.b.build_conditional_branch(null, join, read).map_err(be)?;
            self.b.position_at_end(read);
            let len = self.load_invariant(self.word_ptr(vec, self.k(field_word(gos_abi::I64VEC_LEN) as i64))?)?;
            let read_end = self.b.get_insert_block().ok_or("no block")?;
            self.b.build_unconditional_branch(join).map_err(be)?;
            self.b.position_at_end(join);
            let phi = self.b.build_phi(self.i64t, "").map_err(be)?;
            phi.add_incoming(&[(&self.k(0), here), (&len, read_end)]);
            let len = phi.as_basic_value().into_int_value();
            let base = match g.base {
                Some(e) => self.expr(e, &mut vals)?,
                None => self.k(0),
            };
            for off in [g.lo, g.hi] {
                let at = self.b.build_int_add(base, self.k(off), "").map_err(be)?;
                let inside = self.b.build_int_compare(IntPredicate::ULT, at, len, "").map_err(be)?;
                ok = Some(match ok {
                    Some(o) => self.b.build_and(o, inside, "").map_err(be)?,
                    None => inside,
                });
            }
        }
        let ok = ok.ok_or("a versioned region without groups")?;
        let bad = self.b.build_not(ok, "").map_err(be)?;
        let fast = self.new_block();
        let slow = self.new_block();
        let br = self.b.build_conditional_branch(bad, slow, fast).map_err(be)?;
        self.unlikely(br)?;
        // The copy: fresh blocks for the region's other leaders; branches
        // to its start go to the test, and out of it to the original's
        // blocks. Back edges get poll blocks of their own.
        let mut saved = Vec::new();
        for pc in region.start + 1..=region.end {
            if leaders[pc] {
                let blk = self.new_block();
                saved.push((pc as u32, self.blocks.insert(pc as u32, blk)));
            }
        }
        let backedges = std::mem::take(&mut self.backedges);
        for &pc in &region.covered {
            self.unchecked[pc] = true;
        }
        self.b.position_at_end(fast);
        let f = self.f;
        let mut terminated = false;
        for pc in region.start..=region.end {
            self.pc = pc;
            if pc > region.start {
                if let Some(&blk) = self.blocks.get(&(pc as u32)) {
                    if !terminated {
                        self.b.build_unconditional_branch(blk).map_err(be)?;
                    }
                    self.b.position_at_end(blk);
                }
            }
            let ins = &f.code[pc];
            self.fenced = self.pending[pc] && sc_fence_point(f, ins, self.funcs, &self.decls.reaches);
            if self.fenced {
                self.fence()?;
            }
            self.instr(*ins)?;
            terminated = branch_target(ins).0;
        }
        if !terminated {
            let after = self.block_at(region.end as u32 + 1)?;
            self.b.build_unconditional_branch(after).map_err(be)?;
        }
        for &pc in &region.covered {
            self.unchecked[pc] = false;
        }
        self.backedges = backedges;
        for (pc, old) in saved {
            match old {
                Some(b) => self.blocks.insert(pc, b),
                None => self.blocks.remove(&pc),
            };
        }
        self.pc = region.start;
        self.b.position_at_end(slow);
        Ok(())
    }

    /// The value of expression `e` of the plan (`crate::ranges::Expr`) from
    /// the registers as they are now.
    fn expr(&self, e: u32, vals: &mut HashMap<u32, IntValue<'ctx>>) -> R<IntValue<'ctx>> {
        if let Some(&v) = vals.get(&e) {
            return Ok(v);
        }
        let b = &self.b;
        let v = match self.ranges.exprs.get(e as usize).copied().ok_or("no such expression")? {
            ranges::Expr::Reg(r) => self.r(r)?,
            ranges::Expr::Const(c) => self.k(c),
            ranges::Expr::Add(x, y) => {
                let (x, y) = (self.expr(x, vals)?, self.expr(y, vals)?);
                b.build_int_add(x, y, "").map_err(be)?
            }
            ranges::Expr::Mul(x, y) => {
                let (x, y) = (self.expr(x, vals)?, self.expr(y, vals)?);
                b.build_int_mul(x, y, "").map_err(be)?
            }
            ranges::Expr::Scale(x, c) => {
                let x = self.expr(x, vals)?;
                b.build_int_mul(x, self.k(c), "").map_err(be)?
            }
        };
        vals.insert(e, v);
        Ok(v)
    }

    fn bin(&self, dst: u16, a: u16, b: u16, op: impl FnOnce(&Builder<'ctx>, IntValue<'ctx>, IntValue<'ctx>) -> Result<IntValue<'ctx>, BuilderError>) -> R<()> {
        let x = self.r(a)?;
        let y = self.r(b)?;
        let v = op(&self.b, x, y).map_err(be)?;
        self.wi(dst, v)
    }

    fn un(&self, dst: u16, a: u16, op: impl FnOnce(&Builder<'ctx>, IntValue<'ctx>) -> Result<IntValue<'ctx>, BuilderError>) -> R<()> {
        let x = self.r(a)?;
        let v = op(&self.b, x).map_err(be)?;
        self.wi(dst, v)
    }

    /// A shift by a register amount, masked to 0..63 as the interpreter's
    /// `wrapping_shl` (LLVM leaves larger amounts undefined).
    fn shift(&self, dst: u16, a: u16, b: u16, op: impl FnOnce(&Builder<'ctx>, IntValue<'ctx>, IntValue<'ctx>) -> Result<IntValue<'ctx>, BuilderError>) -> R<()> {
        let x = self.r(a)?;
        let y = self.r(b)?;
        let n = self.b.build_and(y, self.k(63), "").map_err(be)?;
        let v = op(&self.b, x, n).map_err(be)?;
        self.wi(dst, v)
    }

    fn icmp(&self, dst: u16, a: u16, b: u16, p: IntPredicate) -> R<()> {
        let x = self.r(a)?;
        let y = self.r(b)?;
        let c = self.b.build_int_compare(p, x, y, "").map_err(be)?;
        let v = self.bool_word(c)?;
        self.wi(dst, v)
    }

    fn fbin(&self, dst: u16, x: FloatValue<'ctx>, y: FloatValue<'ctx>, op: impl FnOnce(&Builder<'ctx>, FloatValue<'ctx>, FloatValue<'ctx>) -> Result<FloatValue<'ctx>, BuilderError>) -> R<()> {
        let v = op(&self.b, x, y).map_err(be)?;
        self.w(dst, v.into())
    }

    fn f32bin(&self, dst: u16, a: u16, b: u16, op: impl FnOnce(&Builder<'ctx>, FloatValue<'ctx>, FloatValue<'ctx>) -> Result<FloatValue<'ctx>, BuilderError>) -> R<()> {
        let x = self.f32v(a)?;
        let y = self.f32v(b)?;
        let v = op(&self.b, x, y).map_err(be)?;
        let v = self.from_f32(v)?;
        self.wi(dst, v)
    }

    fn fcmp(&self, dst: u16, x: FloatValue<'ctx>, y: FloatValue<'ctx>, p: FloatPredicate) -> R<()> {
        let c = self.b.build_float_compare(p, x, y, "").map_err(be)?;
        let v = self.bool_word(c)?;
        self.wi(dst, v)
    }

    fn br_icmp(&mut self, x: IntValue<'ctx>, y: IntValue<'ctx>, t: u32, p: IntPredicate) -> R<()> {
        let c = self.b.build_int_compare(p, x, y, "").map_err(be)?;
        self.branch_if(c, t)
    }

    fn br_icmp_regs(&mut self, a: u16, b: u16, t: u32, p: IntPredicate) -> R<()> {
        let (x, y) = (self.r(a)?, self.r(b)?);
        self.br_icmp(x, y, t, p)
    }

    fn br_icmp_imm(&mut self, a: u16, imm: i64, t: u32, p: IntPredicate) -> R<()> {
        let x = self.r(a)?;
        self.br_icmp(x, self.k(imm), t, p)
    }

    /// A float compare-and-branch; `negate` branches when the compare is
    /// false (NaN operands included).
    fn br_fcmp(&mut self, a: u16, y: Result<u16, u16>, t: u32, p: FloatPredicate, negate: bool) -> R<()> {
        let x = self.fv(a)?;
        let y = match y {
            Ok(k) => self.kf64(k),
            Err(reg) => self.fv(reg)?,
        };
        let c = self.b.build_float_compare(p, x, y, "").map_err(be)?;
        if negate {
            self.branch_if_not(c, t)
        } else {
            self.branch_if(c, t)
        }
    }

    /// Saturating float-to-integer conversion (Rust's `as`: NaN is 0).
    fn fp_to_int_sat(&self, x: FloatValue<'ctx>, signed: bool) -> R<IntValue<'ctx>> {
        let name = if signed { "llvm.fptosi.sat" } else { "llvm.fptoui.sat" };
        let intr = Intrinsic::find(name).ok_or_else(|| format!("LLVM has no {name}"))?;
        let decl = intr
            .get_declaration(self.m, &[self.i64t.into(), x.get_type().into()])
            .ok_or_else(|| format!("no declaration of {name}"))?;
        let call = self.b.build_call(decl, &[x.into()], "").map_err(be)?;
        Ok(call.try_as_basic_value().basic().ok_or("saturating conversion without a result")?.into_int_value())
    }

    /// The address of element `ix` of the fixed array `o` (bounds-checked
    /// against the length its header's type gives).
    fn array_elem(&self, o: IntValue<'ctx>, ix: IntValue<'ctx>) -> R<PointerValue<'ctx>> {
        let len = match self.lengths.get(self.pc).copied().flatten() {
            Some(n) => self.k(n as i64),
            None => self.array_len(o)?,
        };
        self.check_index(ix, len)?;
        let at = self.b.build_int_add(ix, self.k(gos_runtime::HEADER_WORDS as i64), "").map_err(be)?;
        self.word_ptr(o, at)
    }

    /// The length of fixed array `o`, from its type.
    fn array_len(&self, o: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        // The header never changes while the object lives (mark bits are in
        // side bitmaps, `gos_runtime::heap`), so the length check can leave
        // loops and merge with others.
        let header = self.load_invariant(self.word_ptr(o, self.i64t.const_zero())?)?;
        let ty = self.b.build_and(header, self.k(0xffff_ffff), "").map_err(be)?;
        let lens = self.rt_word(rt_tables::ARRAY_LEN)?;
        let len_p = self.word_ptr(lens, ty)?;
        self.load_invariant(len_p)
    }

    /// The address of element `ix` of vector `o`'s buffer.
    fn vec_elem(&self, o: IntValue<'ctx>, ix: IntValue<'ctx>) -> R<PointerValue<'ctx>> {
        let len = self.load_word(o, field_word(gos_runtime::VEC_LEN))?;
        self.check_index(ix, len)?;
        let buf = self.load_word(o, field_word(gos_runtime::VEC_BUF))?;
        let at = self.b.build_int_add(ix, self.k(gos_runtime::HEADER_WORDS as i64), "").map_err(be)?;
        self.word_ptr(buf, at)
    }

    /// Sets up promotion `p` in the entry block: the locals, and each
    /// element's used fields read into them (see `crate::promote`).
    fn promote(&mut self, p: Promotion) -> R<()> {
        let base = self.func.get_params().get(p.base as usize).ok_or("promoted register is not a parameter")?.into_int_value();
        let mut fields = Vec::new();
        for fd in &p.fields {
            let t = if fd.f64 { self.f64t.array_type(p.len as u32) } else { self.i64t.array_type(p.len as u32) };
            fields.push(self.b.build_alloca(t, "promoted").map_err(be)?);
        }
        let mut index = HashMap::new();
        for (pc, &t) in p.tracks.iter().enumerate() {
            let dst = match self.f.code[pc] {
                Instr::ArrGet { dst, .. } | Instr::Move { dst, .. } if t => dst.0,
                _ => continue,
            };
            if let std::collections::hash_map::Entry::Vacant(e) = index.entry(dst) {
                e.insert(self.b.build_alloca(self.i64t, "element").map_err(be)?);
            }
        }
        // The static type says the array has `len` elements; checking it
        // once here (it cannot fail in a program the checker accepted) lets
        // LLVM fold every bounds check of the body into this one.
        let len = self.array_len(base)?;
        let last = self.k(p.len as i64 - 1);
        let wrong = self.b.build_int_compare(IntPredicate::NE, len, self.k(p.len as i64), "").map_err(be)?;
        self.index_panic_if(wrong, last, len)?;
        // Each element's fields are in a scope of their own, and LLVM is
        // told that an access in one scope never touches another's words:
        // the elements are distinct objects (no two places share an
        // aggregate object). What it buys: where `advance` is inlined into
        // its caller's loop, the loads at the top of the next call and the
        // stores at the end of this one stay in registers across the loop.
        let domain = self.self_named(&[self.md_string(&format!("gossamer elements of {}", self.f.name))]);
        let ids: Vec<_> = (0..p.len).map(|k| self.self_named(&[domain, self.md_string(&format!("element {k}"))])).collect();
        let scopes = (0..p.len as usize)
            .map(|k| {
                let others: Vec<_> = ids.iter().enumerate().filter(|&(j, _)| j != k).map(|(_, &id)| id).collect();
                (self.md_value(self.md_node(&[ids[k]])), self.md_value(self.md_node(&others)))
            })
            .collect::<Vec<_>>();
        let scope_kind = self.ctx.get_kind_id("alias.scope");
        let noalias_kind = self.ctx.get_kind_id("noalias");
        for k in 0..p.len {
            let elem = self.promoted_element(base, k)?;
            for (j, fd) in p.fields.iter().enumerate() {
                let src = self.word_ptr(elem, self.i64t.const_int(field_word(fd.idx as usize), false))?;
                let v = self.load_tagged(src, Word::ElemField(p.elem, fd.idx as u64))?;
                let ins = v.as_instruction_value().ok_or("a field load that is not an instruction")?;
                ins.set_metadata(scopes[k as usize].0, scope_kind).map_err(|e| e.to_string())?;
                ins.set_metadata(scopes[k as usize].1, noalias_kind).map_err(|e| e.to_string())?;
                let v = if fd.f64 { self.b.build_bit_cast(v, self.f64t, "").map_err(be)? } else { v };
                let dst = self.promoted_field(fields[j], self.k(k as i64), fd.f64)?;
                self.b.build_store(dst, v).map_err(be)?;
            }
        }
        // Inlined into a caller's loop, the copies in and out meet the
        // previous and next call's, and LLVM keeps the fields in registers
        // across the whole loop (the scopes above say the elements are
        // distinct, the tags that their fields are not a cell's word):
        // n-body's step loop then touches no memory, as Rust's does. A
        // promoted function calls nothing (no recursion); the size bound
        // keeps a large one from being copied into every caller.
        if self.f.code.len() <= promote::INLINE_INSTRS {
            let inline = self.ctx.create_enum_attribute(inkwell::attributes::Attribute::get_named_enum_kind_id("alwaysinline"), 0);
            self.func.add_attribute(inkwell::attributes::AttributeLoc::Function, inline);
        }
        self.promo = Some(Promoted { p, base, fields, index, scopes });
        Ok(())
    }

    /// The element object `k` of the promoted array `base` (bounds-checked:
    /// the length comes from the array's type, which the header confirms).
    fn promoted_element(&self, base: IntValue<'ctx>, k: u64) -> R<IntValue<'ctx>> {
        // In bounds: `promote` checked the length.
        let slot = self.word_ptr(base, self.k(k as i64 + gos_runtime::HEADER_WORDS as i64))?;
        Ok(self.load_tagged(slot, Word::Array)?.into_int_value())
    }

    /// The address of element `k`'s copy of a promoted field.
    fn promoted_field(&self, local: PointerValue<'ctx>, k: IntValue<'ctx>, f64: bool) -> R<PointerValue<'ctx>> {
        // SAFETY (of the builder call): `local` is `[len x T]` and `k` was
        // bounds-checked against `len` when the element was indexed.
        unsafe { self.b.build_in_bounds_gep(self.field_type(f64), local, &[k], "") }.map_err(be)
    }

    /// The type a promoted field is kept as.
    fn field_type(&self, f64: bool) -> BasicTypeEnum<'ctx> {
        if f64 { self.f64t.into() } else { self.i64t.into() }
    }

    /// Writes the written promoted fields back into the elements, before a
    /// return.
    fn promoted_write_back(&self) -> R<()> {
        let Some(pr) = &self.promo else { return Ok(()) };
        for k in 0..pr.p.len {
            let elem = self.promoted_element(pr.base, k)?;
            for (j, fd) in pr.p.fields.iter().enumerate() {
                if !fd.written {
                    continue;
                }
                let src = self.promoted_field(pr.fields[j], self.k(k as i64), fd.f64)?;
                let v = self.b.build_load(self.field_type(fd.f64), src, "").map_err(be)?;
                let v = if fd.f64 { self.b.build_bit_cast(v, self.i64t, "").map_err(be)? } else { v };
                let dst = self.word_ptr(elem, self.i64t.const_int(field_word(fd.idx as usize), false))?;
                let ins = self.b.build_store(dst, v).map_err(be)?;
                ins.set_metadata(self.tbaa_tag(Word::ElemField(pr.p.elem, fd.idx as u64)), self.tbaa).map_err(|e| e.to_string())?;
                ins.set_metadata(pr.scopes[k as usize].0, self.ctx.get_kind_id("alias.scope")).map_err(|e| e.to_string())?;
                ins.set_metadata(pr.scopes[k as usize].1, self.ctx.get_kind_id("noalias")).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    /// The promoted local of field `idx` of the element whose pointer
    /// register `obj` holds.
    fn promoted_access(&self, obj: u16, idx: u16) -> R<Option<(PointerValue<'ctx>, bool)>> {
        let Some(pr) = &self.promo else { return Ok(None) };
        let j = pr.p.slot(idx).ok_or("promoted field not recorded")?;
        let ip = *pr.index.get(&obj).ok_or("element register without an index")?;
        let k = self.b.build_load(self.i64t, ip, "").map_err(be)?.into_int_value();
        let f64 = pr.p.fields[j].f64;
        Ok(Some((self.promoted_field(pr.fields[j], k, f64)?, f64)))
    }

    fn instr(&mut self, ins: Instr) -> R<()> {
        use Instr as I;
        let b = &self.b;
        match ins {
            I::Nop {} => {}
            I::Move { dst, src } => {
                let v = self.reg(src.0)?;
                self.w(dst.0, v)?;
                // An element pointer's copy is the same element.
                if let Some(pr) = self.promo.as_ref().filter(|pr| pr.p.tracks[self.pc]) {
                    let from = *pr.index.get(&src.0).ok_or("element register without an index")?;
                    let to = *pr.index.get(&dst.0).ok_or("element register without an index")?;
                    let k = self.b.build_load(self.i64t, from, "").map_err(be)?;
                    self.b.build_store(to, k).map_err(be)?;
                }
            }
            I::LoadImm { dst, imm } => self.wi(dst.0, self.k(imm.0 as i64))?,
            I::LoadK { dst, k } => self.wi(dst.0, self.i64t.const_int(self.f.consts[k.0 as usize], false))?,
            I::LoadStr { dst, s } => {
                let p = self.table_elem(rt_tables::STRINGS, s.0 as u64)?;
                let v = self.load_invariant(p)?;
                self.wi(dst.0, v)?
            }
            I::LoadUnitEnum { dst, e } => {
                let p = self.table_elem(rt_tables::UNIT_ENUMS, e.0 as u64)?;
                let v = self.load_invariant(p)?;
                self.wi(dst.0, v)?
            }
            I::LoadGlobal { dst, g } => {
                let p = self.table_elem(rt_tables::GLOBALS, g.0 as u64)?;
                let v = self.b.build_load(self.i64t, p, "").map_err(be)?;
                self.w(dst.0, v)?
            }
            I::StoreGlobal { src, g } => {
                let p = self.table_elem(rt_tables::GLOBALS, g.0 as u64)?;
                let v = self.r(src.0)?;
                self.b.build_store(p, v).map_err(be)?;
            }

            I::AddI64 { dst, a, b: y } => self.bin(dst.0, a.0, y.0, |b, x, y| b.build_int_add(x, y, ""))?,
            I::SubI64 { dst, a, b: y } => self.bin(dst.0, a.0, y.0, |b, x, y| b.build_int_sub(x, y, ""))?,
            I::MulI64 { dst, a, b: y } => self.bin(dst.0, a.0, y.0, |b, x, y| b.build_int_mul(x, y, ""))?,
            I::AddImmI64 { dst, a, imm } => {
                let x = self.r(a.0)?;
                let v = b.build_int_add(x, self.k(imm.0 as i64), "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::AddI64K { dst, a, k } => {
                let x = self.r(a.0)?;
                let v = b.build_int_add(x, self.k(self.f.consts[k.0 as usize] as i64), "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::MulI64K { dst, a, k } => {
                let x = self.r(a.0)?;
                let v = b.build_int_mul(x, self.k(self.f.consts[k.0 as usize] as i64), "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::DivSK { dst, a, k } | I::RemSK { dst, a, k } => {
                let rem = matches!(ins, I::RemSK { .. });
                let x = self.r(a.0)?;
                let v = self.signed_div(x, self.k(self.f.consts[k.0 as usize] as i64), rem)?;
                self.wi(dst.0, v)?
            }
            I::DivS { dst, a, b: y } | I::RemS { dst, a, b: y } => {
                let rem = matches!(ins, I::RemS { .. });
                let (x, d) = (self.r(a.0)?, self.r(y.0)?);
                let v = self.signed_div(x, d, rem)?;
                self.wi(dst.0, v)?
            }
            I::DivU { dst, a, b: y } | I::RemU { dst, a, b: y } => {
                let (x, d) = (self.r(a.0)?, self.r(y.0)?);
                self.check_divisor(d)?;
                let v = if matches!(ins, I::DivU { .. }) {
                    self.b.build_int_unsigned_div(x, d, "")
                } else {
                    self.b.build_int_unsigned_rem(x, d, "")
                }
                .map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::And { dst, a, b: y } => self.bin(dst.0, a.0, y.0, |b, x, y| b.build_and(x, y, ""))?,
            I::Or { dst, a, b: y } => self.bin(dst.0, a.0, y.0, |b, x, y| b.build_or(x, y, ""))?,
            I::Xor { dst, a, b: y } => self.bin(dst.0, a.0, y.0, |b, x, y| b.build_xor(x, y, ""))?,
            I::AndImm { dst, a, imm } => {
                let x = self.r(a.0)?;
                let v = b.build_and(x, self.k(imm.0 as i64), "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::Shl64 { dst, a, b: y } => self.shift(dst.0, a.0, y.0, |b, x, n| b.build_left_shift(x, n, ""))?,
            I::ShrS64 { dst, a, b: y } => self.shift(dst.0, a.0, y.0, |b, x, n| b.build_right_shift(x, n, true, ""))?,
            I::ShrU64 { dst, a, b: y } => self.shift(dst.0, a.0, y.0, |b, x, n| b.build_right_shift(x, n, false, ""))?,
            I::ShlImm { dst, a, n } => {
                let x = self.r(a.0)?;
                let v = b.build_left_shift(x, self.k((n.0 & 63) as i64), "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::ShrSImm { dst, a, n } => {
                let x = self.r(a.0)?;
                let v = b.build_right_shift(x, self.k((n.0 & 63) as i64), true, "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::ShrUImm { dst, a, n } => {
                let x = self.r(a.0)?;
                let v = b.build_right_shift(x, self.k((n.0 & 63) as i64), false, "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::NegI64 { dst, a } => self.un(dst.0, a.0, |b, x| b.build_int_neg(x, ""))?,
            I::NotI64 { dst, a } => self.un(dst.0, a.0, |b, x| b.build_not(x, ""))?,
            I::NotBool { dst, a } => {
                let x = self.r(a.0)?;
                let v = b.build_xor(x, self.k(1), "").map_err(be)?;
                self.wi(dst.0, v)?
            }
            I::Norm { dst, src, kind } => {
                let x = self.r(src.0)?;
                let t = match Norm::from_u16(kind.0) {
                    Some(Norm::I8) => IntTy::I8,
                    Some(Norm::I16) => IntTy::I16,
                    Some(Norm::I32) => IntTy::I32,
                    Some(Norm::U8) => IntTy::U8,
                    Some(Norm::U16) => IntTy::U16,
                    Some(Norm::U32) => IntTy::U32,
                    None => IntTy::I64,
                };
                let v = self.normalize(x, t)?;
                self.wi(dst.0, v)?
            }
            I::AddI32 { dst, a, b: y } | I::SubI32 { dst, a, b: y } | I::MulI32 { dst, a, b: y } => {
                let (x, y) = (self.r(a.0)?, self.r(y.0)?);
                let v = match ins {
                    I::AddI32 { .. } => b.build_int_add(x, y, ""),
                    I::SubI32 { .. } => b.build_int_sub(x, y, ""),
                    _ => b.build_int_mul(x, y, ""),
                }
                .map_err(be)?;
                let v = self.normalize(v, IntTy::I32)?;
                self.wi(dst.0, v)?
            }

            I::Eq { dst, a, b: y } => self.icmp(dst.0, a.0, y.0, IntPredicate::EQ)?,
            I::Ne { dst, a, b: y } => self.icmp(dst.0, a.0, y.0, IntPredicate::NE)?,
            I::LtS { dst, a, b: y } => self.icmp(dst.0, a.0, y.0, IntPredicate::SLT)?,
            I::LeS { dst, a, b: y } => self.icmp(dst.0, a.0, y.0, IntPredicate::SLE)?,
            I::LtU { dst, a, b: y } => self.icmp(dst.0, a.0, y.0, IntPredicate::ULT)?,
            I::LeU { dst, a, b: y } => self.icmp(dst.0, a.0, y.0, IntPredicate::ULE)?,

            I::AddF64 { dst, a, b: y } => self.fbin(dst.0, self.fv(a.0)?, self.fv(y.0)?, |b, x, y| b.build_float_add(x, y, ""))?,
            I::SubF64 { dst, a, b: y } => self.fbin(dst.0, self.fv(a.0)?, self.fv(y.0)?, |b, x, y| b.build_float_sub(x, y, ""))?,
            I::MulF64 { dst, a, b: y } => self.fbin(dst.0, self.fv(a.0)?, self.fv(y.0)?, |b, x, y| b.build_float_mul(x, y, ""))?,
            I::DivF64 { dst, a, b: y } => self.fbin(dst.0, self.fv(a.0)?, self.fv(y.0)?, |b, x, y| b.build_float_div(x, y, ""))?,
            I::RemF64 { dst, a, b: y } => {
                let (x, y) = (self.r(a.0)?, self.r(y.0)?);
                let v = self.call_rt1(RtFn::RemF64, &[x, y])?;
                self.wi(dst.0, v)?
            }
            I::NegF64 { dst, a } => {
                let x = self.fv(a.0)?;
                let v = b.build_float_neg(x, "").map_err(be)?;
                self.w(dst.0, v.into())?
            }
            I::AddF64K { dst, a, k } => self.fbin(dst.0, self.fv(a.0)?, self.kf64(k.0), |b, x, y| b.build_float_add(x, y, ""))?,
            I::SubF64K { dst, a, k } => self.fbin(dst.0, self.fv(a.0)?, self.kf64(k.0), |b, x, y| b.build_float_sub(x, y, ""))?,
            I::MulF64K { dst, a, k } => self.fbin(dst.0, self.fv(a.0)?, self.kf64(k.0), |b, x, y| b.build_float_mul(x, y, ""))?,
            I::DivF64K { dst, a, k } => self.fbin(dst.0, self.fv(a.0)?, self.kf64(k.0), |b, x, y| b.build_float_div(x, y, ""))?,
            I::EqF64 { dst, a, b: y } => self.fcmp(dst.0, self.fv(a.0)?, self.fv(y.0)?, FloatPredicate::OEQ)?,
            // `!=` is true when either operand is NaN, as in Rust.
            I::NeF64 { dst, a, b: y } => self.fcmp(dst.0, self.fv(a.0)?, self.fv(y.0)?, FloatPredicate::UNE)?,
            I::LtF64 { dst, a, b: y } => self.fcmp(dst.0, self.fv(a.0)?, self.fv(y.0)?, FloatPredicate::OLT)?,
            I::LeF64 { dst, a, b: y } => self.fcmp(dst.0, self.fv(a.0)?, self.fv(y.0)?, FloatPredicate::OLE)?,
            I::AddF32 { dst, a, b: y } => self.f32bin(dst.0, a.0, y.0, |b, x, y| b.build_float_add(x, y, ""))?,
            I::SubF32 { dst, a, b: y } => self.f32bin(dst.0, a.0, y.0, |b, x, y| b.build_float_sub(x, y, ""))?,
            I::MulF32 { dst, a, b: y } => self.f32bin(dst.0, a.0, y.0, |b, x, y| b.build_float_mul(x, y, ""))?,
            I::DivF32 { dst, a, b: y } => self.f32bin(dst.0, a.0, y.0, |b, x, y| b.build_float_div(x, y, ""))?,
            I::RemF32 { dst, a, b: y } => {
                let (x, y) = (self.r(a.0)?, self.r(y.0)?);
                let v = self.call_rt1(RtFn::RemF32, &[x, y])?;
                self.wi(dst.0, v)?
            }
            I::NegF32 { dst, a } => {
                let x = self.f32v(a.0)?;
                let v = b.build_float_neg(x, "").map_err(be)?;
                let v = self.from_f32(v)?;
                self.wi(dst.0, v)?
            }
            I::EqF32 { dst, a, b: y } => self.fcmp(dst.0, self.f32v(a.0)?, self.f32v(y.0)?, FloatPredicate::OEQ)?,
            I::NeF32 { dst, a, b: y } => self.fcmp(dst.0, self.f32v(a.0)?, self.f32v(y.0)?, FloatPredicate::UNE)?,
            I::LtF32 { dst, a, b: y } => self.fcmp(dst.0, self.f32v(a.0)?, self.f32v(y.0)?, FloatPredicate::OLT)?,
            I::LeF32 { dst, a, b: y } => self.fcmp(dst.0, self.f32v(a.0)?, self.f32v(y.0)?, FloatPredicate::OLE)?,
            I::I64ToF64 { dst, src } => {
                let x = self.r(src.0)?;
                let v = b.build_signed_int_to_float(x, self.f64t, "").map_err(be)?;
                self.w(dst.0, v.into())?
            }
            I::F64ToI64 { dst, src } => {
                let x = self.fv(src.0)?;
                let v = self.fp_to_int_sat(x, true)?;
                self.wi(dst.0, v)?
            }
            I::Convert { dst, src, conv } => {
                let v = self.convert(src.0, conv.0)?;
                self.w(dst.0, v)?
            }

            I::Jump { t } => {
                let blk = self.edge(t.0)?;
                self.b.build_unconditional_branch(blk).map_err(be)?;
            }
            I::JumpIf { c, t } => {
                let x = self.r(c.0)?;
                let c = self.truthy(x)?;
                self.branch_if(c, t.0)?
            }
            I::JumpIfNot { c, t } => {
                let x = self.r(c.0)?;
                let c = self.truthy(x)?;
                self.branch_if_not(c, t.0)?
            }
            I::BrEq { a, b: y, t } => self.br_icmp_regs(a.0, y.0, t.0 as u32, IntPredicate::EQ)?,
            I::BrNe { a, b: y, t } => self.br_icmp_regs(a.0, y.0, t.0 as u32, IntPredicate::NE)?,
            I::BrLtS { a, b: y, t } => self.br_icmp_regs(a.0, y.0, t.0 as u32, IntPredicate::SLT)?,
            I::BrLeS { a, b: y, t } => self.br_icmp_regs(a.0, y.0, t.0 as u32, IntPredicate::SLE)?,
            I::BrLtU { a, b: y, t } => self.br_icmp_regs(a.0, y.0, t.0 as u32, IntPredicate::ULT)?,
            I::BrLeU { a, b: y, t } => self.br_icmp_regs(a.0, y.0, t.0 as u32, IntPredicate::ULE)?,
            I::BrEqImm { a, imm, t } => self.br_icmp_imm(a.0, imm.0 as i64, t.0 as u32, IntPredicate::EQ)?,
            I::BrNeImm { a, imm, t } => self.br_icmp_imm(a.0, imm.0 as i64, t.0 as u32, IntPredicate::NE)?,
            I::BrLtImm { a, imm, t } => self.br_icmp_imm(a.0, imm.0 as i64, t.0 as u32, IntPredicate::SLT)?,
            I::BrLeImm { a, imm, t } => self.br_icmp_imm(a.0, imm.0 as i64, t.0 as u32, IntPredicate::SLE)?,
            I::BrGtImm { a, imm, t } => self.br_icmp_imm(a.0, imm.0 as i64, t.0 as u32, IntPredicate::SGT)?,
            I::BrGeImm { a, imm, t } => self.br_icmp_imm(a.0, imm.0 as i64, t.0 as u32, IntPredicate::SGE)?,
            I::BrLtF64 { a, b: y, t } => self.br_fcmp(a.0, Err(y.0), t.0 as u32, FloatPredicate::OLT, false)?,
            I::BrLeF64 { a, b: y, t } => self.br_fcmp(a.0, Err(y.0), t.0 as u32, FloatPredicate::OLE, false)?,
            // `!(a < b)`: taken for NaN operands, so branch on the negation.
            I::BrNLtF64 { a, b: y, t } => self.br_fcmp(a.0, Err(y.0), t.0 as u32, FloatPredicate::OLT, true)?,
            I::BrNLeF64 { a, b: y, t } => self.br_fcmp(a.0, Err(y.0), t.0 as u32, FloatPredicate::OLE, true)?,
            I::BrLtF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OLT, false)?,
            I::BrLeF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OLE, false)?,
            I::BrGtF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OGT, false)?,
            I::BrGeF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OGE, false)?,
            I::BrNLtF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OLT, true)?,
            I::BrNLeF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OLE, true)?,
            I::BrNGtF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OGT, true)?,
            I::BrNGeF64K { a, k, t } => self.br_fcmp(a.0, Ok(k.0), t.0 as u32, FloatPredicate::OGE, true)?,
            I::ForLoop { i, end, t } => {
                let x = self.r(i.0)?;
                let n = b.build_int_add(x, self.k(1), "").map_err(be)?;
                self.wi(i.0, n)?;
                let e = self.r(end.0)?;
                let c = self.b.build_int_compare(IntPredicate::SLT, n, e, "").map_err(be)?;
                self.branch_if(c, t.0 as u32)?;
                if self.promo.is_some() || self.unroll.get(self.pc).copied().unwrap_or(false) {
                    // A promotion pays only once the loops over the array are
                    // unrolled (its locals are indexed by constants then, and
                    // become registers): ask LLVM to unroll them fully, which
                    // it does when the trip count is a known constant (and
                    // ignores otherwise). The array is small (`promote`'s
                    // MAX_WORDS), so the code stays small. Small loops with
                    // literal bounds are unrolled too (`small_fixed_loops`).
                    let br = self.b.get_insert_block().and_then(|blk| blk.get_terminator()).ok_or("loop without a branch")?;
                    br.set_metadata(self.unroll_full(), self.ctx.get_kind_id("llvm.loop")).map_err(|e| e.to_string())?;
                }
            }

            I::Call { base, f } => {
                let callee = self.funcs.get(f.0 as usize).ok_or("call of a function that does not exist")?;
                let mut args: Vec<BasicMetadataValueEnum> = Vec::new();
                for i in 0..callee.params as u16 {
                    args.push(self.r(base.0 + i)?.into());
                }
                if callee.track_caller {
                    args.push(self.site().into());
                }
                let call = self.b.build_call(self.decls.bodies[f.0 as usize], &args, "").map_err(be)?;
                let v = call.try_as_basic_value().basic().ok_or("a body without a result")?;
                self.w(base.0, v)?
            }
            I::CallClosure { base, n } => {
                let n = n.0.max(1) as u32;
                let clo = self.r(base.0)?;
                let idx = self.load_word(clo, field_word(0))?;
                let bodies = self.rt_word(rt_tables::BODIES)?;
                let body_p = self.word_ptr(bodies, idx)?;
                let body = self.load_invariant(body_p)?;
                // Every body exists in a built executable; the runtime's
                // compile-on-first-call stays for parity with the JIT.
                let missing = self.b.build_int_compare(IntPredicate::EQ, body, self.i64t.const_zero(), "").map_err(be)?;
                let here = self.b.get_insert_block().ok_or("no block")?;
                let compile = self.new_block();
                let call = self.new_block();
                let br = self.b.build_conditional_branch(missing, compile, call).map_err(be)?;
                self.unlikely(br)?;
                self.b.position_at_end(compile);
                let compiled = self.call_rt1(RtFn::CompileBody, &[idx])?;
                self.b.build_unconditional_branch(call).map_err(be)?;
                self.b.position_at_end(call);
                let phi = self.b.build_phi(self.i64t, "").map_err(be)?;
                phi.add_incoming(&[(&body, here), (&compiled, compile)]);
                let target = phi.as_basic_value().into_int_value();
                let params: Vec<BasicMetadataTypeEnum> = (0..n).map(|_| self.i64t.into()).collect();
                let fty = self.i64t.fn_type(&params, false);
                let fp = self.b.build_int_to_ptr(target, self.p64, "").map_err(be)?;
                let mut args: Vec<BasicMetadataValueEnum> = Vec::new();
                for i in 0..n as u16 {
                    args.push(self.r(base.0 + i)?.into());
                }
                let c = self.b.build_indirect_call(fty, fp, &args, "").map_err(be)?;
                let v = c.try_as_basic_value().basic().ok_or("a closure body without a result")?;
                self.w(base.0, v)?
            }
            I::Ret { src } => {
                self.promoted_write_back()?;
                let mut v = self.r(src.0)?;
                if let Some(acc) = self.acc {
                    let a = self.b.build_load(self.i64t, acc, "").map_err(be)?.into_int_value();
                    v = self.b.build_int_add(a, v, "").map_err(be)?;
                }
                self.b.build_return(Some(&v)).map_err(be)?;
            }
            I::Go { callee } => {
                let c = self.r(callee.0)?;
                self.call_rt(RtFn::Go, &[c])?;
            }
            I::Unreachable {} => self.call_rt_noreturn(RtFn::Unreachable, &[self.site()])?,

            I::GetField { dst, obj, idx } if self.promo.is_some() => {
                let (p, f64) = self.promoted_access(obj.0, idx.0)?.ok_or("no promotion")?;
                let v = self.b.build_load(self.field_type(f64), p, "").map_err(be)?;
                self.w(dst.0, v)?
            }
            I::SetField { obj, idx, src } if self.promo.is_some() => {
                let (p, f64) = self.promoted_access(obj.0, idx.0)?.ok_or("no promotion")?;
                let v: BasicValueEnum = if f64 { self.fv(src.0)?.into() } else { self.r(src.0)?.into() };
                self.b.build_store(p, v).map_err(be)?;
            }
            I::GetField { dst, obj, idx } => {
                let o = self.r(obj.0)?;
                let p = self.word_ptr(o, self.i64t.const_int(field_word(idx.0 as usize), false))?;
                let tag = if self.cells[self.pc] { Word::Cell } else { Word::Field(idx.0 as u64) };
                let v = self.load_tagged(p, tag)?;
                self.w(dst.0, v)?
            }
            I::SetField { obj, idx, src } => {
                let o = self.r(obj.0)?;
                let v = self.r(src.0)?;
                let p = self.word_ptr(o, self.i64t.const_int(field_word(idx.0 as usize), false))?;
                let tag = if self.cells[self.pc] { Word::Cell } else { Word::Field(idx.0 as u64) };
                self.store_tagged(p, v.into(), tag)?
            }
            I::ArrGet { dst, arr, i } => {
                let (o, ix) = (self.r(arr.0)?, self.r(i.0)?);
                let p = self.array_elem(o, ix)?;
                let v = self.load_tagged(p, Word::Array)?;
                self.w(dst.0, v)?;
                if let Some(pr) = self.promo.as_ref().filter(|pr| pr.p.tracks[self.pc]) {
                    let at = *pr.index.get(&dst.0).ok_or("element register without an index")?;
                    self.b.build_store(at, ix).map_err(be)?;
                }
            }
            I::ArrSet { arr, i, src } => {
                let (o, ix) = (self.r(arr.0)?, self.r(i.0)?);
                let p = self.array_elem(o, ix)?;
                let v = self.r(src.0)?;
                self.store_tagged(p, v.into(), Word::Array)?;
            }
            I::VecGet { dst, v, i } => {
                let (o, ix) = (self.r(v.0)?, self.r(i.0)?);
                let p = self.vec_elem(o, ix)?;
                let x = self.load_tagged(p, Word::Vector)?;
                self.w(dst.0, x)?
            }
            I::VecSet { v, i, src } => {
                let (o, ix) = (self.r(v.0)?, self.r(i.0)?);
                let p = self.vec_elem(o, ix)?;
                let x = self.r(src.0)?;
                self.store_tagged(p, x.into(), Word::Vector)?;
            }
            I::VecLen { dst, v } => {
                let o = self.r(v.0)?;
                let x = self.load_word(o, field_word(gos_runtime::VEC_LEN))?;
                self.wi(dst.0, x)?
            }
            I::StrLen { dst, s } => {
                let o = self.r(s.0)?;
                let x = self.load_word(o, field_word(gos_runtime::strings::S_LEN))?;
                self.wi(dst.0, x)?
            }
            I::StrByte { dst, s, i } => {
                let (o, ix) = (self.r(s.0)?, self.r(i.0)?);
                let v = self.call_rt1(RtFn::StrByte, &[o, ix, self.site()])?;
                self.wi(dst.0, v)?
            }
            I::VecPush { args, aux } => {
                let o = self.r(args.0)?;
                let len = self.load_word(o, field_word(gos_runtime::VEC_LEN))?;
                let cap = self.load_word(o, field_word(gos_runtime::VEC_CAP))?;
                let room = self.b.build_int_compare(IntPredicate::ULT, len, cap, "").map_err(be)?;
                let fast = self.new_block();
                let slow = self.new_block();
                let done = self.new_block();
                self.b.build_conditional_branch(room, fast, slow).map_err(be)?;
                self.b.position_at_end(fast);
                let buf = self.load_word(o, field_word(gos_runtime::VEC_BUF))?;
                let at = self.b.build_int_add(len, self.k(gos_runtime::HEADER_WORDS as i64), "").map_err(be)?;
                let p = self.word_ptr(buf, at)?;
                let x = self.r(args.0 + 1)?;
                self.store_tagged(p, x.into(), Word::Vector)?;
                let len1 = self.b.build_int_add(len, self.k(1), "").map_err(be)?;
                self.store_word(o, field_word(gos_runtime::VEC_LEN), len1)?;
                self.b.build_unconditional_branch(done).map_err(be)?;
                self.b.position_at_end(slow);
                let ptr = self.spill(args.0, 2)?;
                self.call_rt(RtFn::Intrinsic, &[self.aux_ref(aux.0), ptr, self.site()])?;
                self.b.build_unconditional_branch(done).map_err(be)?;
                self.b.position_at_end(done);
            }
            I::Op { dst, args, aux } => {
                let v = self.op(args.0, aux.0)?;
                self.wi(dst.0, v)?
            }
        }
        Ok(())
    }

    fn op(&self, args: u16, aux_idx: u16) -> R<IntValue<'ctx>> {
        let aux = self.f.aux.get(aux_idx as usize).ok_or("an operation without its record")?;
        let ty = |t: gos_abi::TypeId| self.k(t.0 as i64);
        let k = |v: i64| self.k(v);
        Ok(match aux {
            Aux::NewAggregate { ty: t, n } => {
                let p = self.spill(args, *n as usize)?;
                self.call_rt1(RtFn::NewAggregate, &[ty(*t), p, k(*n as i64)])?
            }
            Aux::NewEnum { ty: t, tag, n } => {
                let p = self.spill(args, *n as usize)?;
                self.call_rt1(RtFn::NewEnum, &[ty(*t), k(*tag as i64), p, k(*n as i64)])?
            }
            Aux::NewClosure { ty: t, func, n } => {
                let p = self.spill(args, *n as usize)?;
                self.call_rt1(RtFn::NewClosure, &[ty(*t), k(*func as i64), p, k(*n as i64)])?
            }
            Aux::ArrayRepeat { .. } => {
                let v = self.r(args)?;
                self.call_rt1(RtFn::ArrayRepeat, &[self.aux_ref(aux_idx), v])?
            }
            Aux::Copy { ty: t } => {
                let v = self.r(args)?;
                self.call_rt1(RtFn::Copy, &[v, ty(*t)])?
            }
            Aux::Clone { ty: t } => {
                let v = self.r(args)?;
                self.call_rt1(RtFn::Clone, &[v, ty(*t)])?
            }
            Aux::Compare { kind, ty: t } => {
                let kind = match kind {
                    CmpKind::Eq => 0,
                    CmpKind::Ne => 1,
                    CmpKind::Lt => 2,
                    CmpKind::Le => 3,
                    CmpKind::Gt => 4,
                    CmpKind::Ge => 5,
                };
                let (a, b) = (self.r(args)?, self.r(args + 1)?);
                self.call_rt1(RtFn::Compare, &[k(kind), a, b, ty(*t)])?
            }
            Aux::Concat => {
                let (a, b) = (self.r(args)?, self.r(args + 1)?);
                self.call_rt1(RtFn::Concat, &[a, b])?
            }
            Aux::AssignInPlace { ty: t } => {
                let (a, b) = (self.r(args)?, self.r(args + 1)?);
                self.call_rt(RtFn::AssignInPlace, &[a, b, ty(*t)])?;
                k(0)
            }
            Aux::NewRef { kind } => {
                let (a, b) = (self.r(args)?, self.r(args + 1)?);
                self.call_rt1(RtFn::NewRef, &[k(*kind as i64), a, b])?
            }
            Aux::SnapshotRef { pointer } => {
                let a = self.r(args)?;
                self.call_rt1(RtFn::SnapshotRef, &[a, k(*pointer as i64)])?
            }
            Aux::RefLoad => {
                let a = self.r(args)?;
                self.call_rt1(RtFn::RefLoad, &[a, self.site()])?
            }
            Aux::RefStore => {
                let (a, b) = (self.r(args)?, self.r(args + 1)?);
                self.call_rt(RtFn::RefStore, &[a, b, self.site()])?;
                k(0)
            }
            Aux::Format { n, .. } => {
                let p = self.spill(args, *n as usize)?;
                self.call_rt1(RtFn::Format, &[self.aux_ref(aux_idx), p])?
            }
            Aux::Intrinsic { op, arg_tys, .. } if self.f64_args(arg_tys) && inline_math(*op).is_some() => {
                let name = inline_math(*op).expect("checked");
                let intr = Intrinsic::find(name).ok_or_else(|| format!("LLVM has no {name}"))?;
                let decl = intr.get_declaration(self.m, &[self.f64t.into()]).ok_or_else(|| format!("no declaration of {name}"))?;
                let mut xs: Vec<BasicMetadataValueEnum> = Vec::new();
                for i in 0..arg_tys.len() as u16 {
                    xs.push(self.fv(args + i)?.into());
                }
                let call = self.b.build_call(decl, &xs, "").map_err(be)?;
                let v = call.try_as_basic_value().basic().ok_or("math without a result")?;
                self.b.build_bit_cast(v, self.i64t, "").map_err(be)?.into_int_value()
            }
            Aux::Intrinsic { op, .. } if inline_i64vec(aux).is_some() => self.i64vec_op(*op, args)?,
            Aux::Intrinsic { arg_tys, .. } => {
                let p = self.spill(args, arg_tys.len())?;
                self.call_rt1(RtFn::Intrinsic, &[self.aux_ref(aux_idx), p, self.site()])?
            }
        })
    }

    /// `I64Vec::len`, `get` or `set` inline, as the Cranelift tier does
    /// them (see its `i64vec_op`): the length word (invariant: it never
    /// changes), the runtime's bounds check and panic, then a `seq_cst`
    /// atomic load or a `release` atomic store of the element, whose SC
    /// fence comes later (`sc_store_pending`).
    fn i64vec_op(&self, op: gos_abi::Intrinsic, args: u16) -> R<IntValue<'ctx>> {
        let o = self.r(args)?;
        let len = self.load_invariant(self.word_ptr(o, self.k(field_word(gos_abi::I64VEC_LEN) as i64))?)?;
        if op == gos_abi::Intrinsic::I64VecLen {
            return Ok(len);
        }
        let ix = self.r(args + 1)?;
        // Unless the region's test proved it (`versioned`).
        if !self.unchecked[self.pc] {
            self.check_index(ix, len)?;
        }
        let at = self.b.build_int_add(ix, self.k(field_word(gos_abi::I64VEC_ELEMS) as i64), "").map_err(be)?;
        let p = self.word_ptr(o, at)?;
        let atomic = |ins: inkwell::values::InstructionValue<'ctx>, ord| -> R<()> {
            ins.set_alignment(8).map_err(|e| e.to_string())?;
            ins.set_atomic_ordering(ord).map_err(|e| e.to_string())
        };
        if op == gos_abi::Intrinsic::I64VecGet {
            let v = self.b.build_load(self.i64t, p, "").map_err(be)?;
            atomic(v.as_instruction_value().ok_or("I64Vec load")?, AtomicOrdering::SequentiallyConsistent)?;
            Ok(v.into_int_value())
        } else {
            let v = self.r(args + 2)?;
            atomic(self.b.build_store(p, v).map_err(be)?, AtomicOrdering::Release)?;
            Ok(self.k(0))
        }
    }

    /// Whether every argument type is f64.
    fn f64_args(&self, tys: &[gos_abi::TypeId]) -> bool {
        !tys.is_empty()
            && tys.iter().all(|t| matches!(self.decls.types.get(t.index()), Some(gos_abi::TypeKind::Float(gos_abi::FloatTy::F64))))
    }

    fn convert(&self, src: u16, code: u16) -> R<BasicValueEnum<'ctx>> {
        let x = self.r(src)?;
        let runtime = |x| -> R<BasicValueEnum<'ctx>> { Ok(self.call_rt1(RtFn::Convert, &[self.k(code as i64), x])?.into()) };
        let Some(conv) = Conv::from_code(code) else { return runtime(x) };
        let b = &self.b;
        let f32t = self.ctx.f32_type();
        let as_f64 = |x: IntValue<'ctx>| -> R<FloatValue<'ctx>> { Ok(b.build_bit_cast(x, self.f64t, "").map_err(be)?.into_float_value()) };
        Ok(match conv {
            Conv::IntToInt(t) => self.normalize(x, t)?.into(),
            Conv::SIntToF64 => b.build_signed_int_to_float(x, self.f64t, "").map_err(be)?.into(),
            Conv::UIntToF64 => b.build_unsigned_int_to_float(x, self.f64t, "").map_err(be)?.into(),
            Conv::SIntToF32 => self.from_f32(b.build_signed_int_to_float(x, f32t, "").map_err(be)?)?.into(),
            Conv::UIntToF32 => self.from_f32(b.build_unsigned_int_to_float(x, f32t, "").map_err(be)?)?.into(),
            Conv::F64ToInt(IntTy::I64) => self.fp_to_int_sat(as_f64(x)?, true)?.into(),
            Conv::F64ToInt(IntTy::U64) => self.fp_to_int_sat(as_f64(x)?, false)?.into(),
            Conv::F64ToF32 => self.from_f32(b.build_float_trunc(as_f64(x)?, f32t, "").map_err(be)?)?.into(),
            Conv::F32ToF64 => {
                let low = b.build_int_truncate(x, self.ctx.i32_type(), "").map_err(be)?;
                let f = b.build_bit_cast(low, f32t, "").map_err(be)?.into_float_value();
                b.build_float_ext(f, self.f64t, "").map_err(be)?.into()
            }
            // Saturation to a narrow type: rare, done by the runtime with
            // exactly the interpreter's code.
            _ => runtime(x)?,
        })
    }
}
