//! The interpreter: one `loop { match }` over a function's pre-decoded
//! instructions, with registers in a contiguous per-thread stack.
//!
//! Design. A [`Thread`] owns a register stack (a reserved range of words,
//! see `stack.rs`, never moved or resized, so raw pointers into it stay
//! valid) and a stack
//! of small [`Frame`] records. A call pushes `(caller, return pc, caller's
//! frame pointer)` and moves the frame pointer to the callee's first
//! argument register: the caller has already placed the arguments there, so
//! nothing is copied, and the callee's result comes back in that same
//! register. Nothing on the call path allocates except the amortised growth
//! of the frame-record vector.
//!
//! Invariants the `unsafe` code relies on: the module was validated (see
//! `module.rs`), so register operands are within the frame, jump targets
//! within the code and every function ends in a terminator; and each call
//! checks that the callee's whole frame fits below the end of the stack,
//! reporting `fatal error: stack overflow` otherwise. The hot loop has no
//! `Result`s: panics end the process (through `gos_runtime::panic_at`), so
//! every instruction either completes or never returns.
//!
//! The cold operations (allocation, value operations of the runtime,
//! intrinsics, formatting, panics) live in `slow.rs`, out of line, so that
//! the dispatch loop stays small enough for the compiler to keep its state
//! (`pc`, `fp`, the code and constant pointers) in registers.
//!
//! Preemption: loop back-edges (taken backward branches) and calls check
//! the scheduler's preemption flag (one relaxed load of a thread-local
//! pointer's target) and yield the proc token when it is set, so a
//! goroutine spinning in a loop or a recursion cannot starve the others
//! under `GOSSAMER_PROCS=1`. Every loop iteration and every call passes one
//! of these points; straight-line code between them is bounded by the
//! function's length.
//!
//! Rejected: recursion of the Rust function per Gossamer call (the native
//! stack would bound recursion depth and every call would save and restore
//! the whole interpreter state), threaded code with computed gotos (not
//! expressible in stable Rust; LLVM turns this `match` into a jump table).

use crate::bytecode::{Conv, Function, Instr, Norm};
use crate::instance::Instance;
use crate::stack::RegStack;
use std::sync::Arc;
use gos_runtime as rt;

/// Default size of a goroutine's register stack, in words (256 MiB).
/// Trade-off: recursion depth (a few million calls, as Go's 1 GB stacks
/// allow) against address space and the memory an unbounded recursion
/// touches before it is reported; the memory is reserved, not touched, so
/// only the part in use costs RSS. `GOSSAMER_STACK_KB` overrides it.
pub const DEFAULT_STACK_WORDS: usize = 32 << 20;

/// Maximum nesting of calls; deeper recursion is a stack overflow. Bounds
/// the frame-record vector (24 bytes a call) as `DEFAULT_STACK_WORDS`
/// bounds registers.
pub const MAX_CALL_DEPTH: usize = 8 << 20;

/// The instruction a frame executes after an on-stack replacement has
/// finished its function in compiled code (see `jump!` in `execute`).
static RET_R0: Instr = Instr::Ret { src: crate::bytecode::Reg(0) };

/// A suspended caller.
#[derive(Clone, Copy)]
pub(crate) struct Frame {
    /// The caller's function index.
    pub func: u32,
    /// The instruction after the call.
    pub ret_pc: *const Instr,
    /// The caller's frame pointer.
    pub fp: *mut u64,
}

/// One goroutine's interpreter state. Not `Send`: a goroutine's thread
/// creates its own (see `go.rs`); the [`Instance`] is shared by `Arc`
/// because goroutines may outlive the borrow of whoever started the run.
pub struct Thread {
    pub(crate) inst: Arc<Instance>,
    pub(crate) stack: RegStack,
    pub(crate) frames: Vec<Frame>,
    /// Where the collector reads the top of the registers in use (the
    /// goroutine thread's registry record; see `execute`).
    top: *const std::sync::atomic::AtomicUsize,
}

impl Thread {
    /// A thread with a register stack of its own of `words` words (the
    /// main goroutine, tests and embedders).
    pub fn new(inst: &Arc<Instance>, words: usize) -> Thread {
        Thread::with_stack(inst.clone(), RegStack::new(words), 256)
    }

    /// A thread on register stack `stack`, declared to the collector as
    /// the calling goroutine thread's register stack.
    pub(crate) fn with_stack(inst: Arc<Instance>, mut stack: RegStack, frames: usize) -> Thread {
        let top = rt::sched::registry::set_vm_stack(stack.as_mut_ptr() as usize);
        Thread { inst, stack, frames: Vec::with_capacity(frames), top }
    }

    /// Calls function `func` with `args` and returns its result word.
    pub fn call(&mut self, func: u32, args: &[u64]) -> u64 {
        let m = &*self.inst.module;
        let f = &m.funcs[func as usize];
        assert_eq!(args.len(), f.params as usize, "wrong number of arguments for `{}`", f.name);
        if f.frame_size as usize > self.stack.len() {
            crate::slow::stack_overflow();
        }
        if let Some(entry) = self.inst.native.and_then(|n| n.entry(func)) {
            // SAFETY: an installed entry of `func`, which takes `args.len()` words.
            return unsafe { entry(args.as_ptr(), 0) };
        }
        self.stack.prefix(args.len()).copy_from_slice(args);
        // SAFETY: the module is validated and the frame fits (checked above).
        unsafe {
            if self.inst.native.is_some() {
                self.execute::<true>(func, 0)
            } else {
                self.execute::<false>(func, 0)
            }
        }
    }

    /// Runs function `entry` whose frame starts at stack word `base` and
    /// whose arguments are already in place, until it returns.
    ///
    /// # Safety
    /// `base + frame_size(entry)` must be within the stack.
    // `!(a < b)` is meant: it is true for NaN operands, unlike `a >= b`.
    #[allow(clippy::cognitive_complexity, clippy::neg_cmp_op_on_partial_ord)]
    ///
    /// `JIT` says whether the run has native code: the interpreter is
    /// instantiated twice, so that the calls and back-edges of a run
    /// without a JIT (`--vm`) carry no test for compiled code at all
    /// (measured: about 10% of `fib` on the VM).
    unsafe fn execute<const JIT: bool>(&mut self, entry: u32, base: usize) -> u64 {
        let m = &*self.inst.module;
        let funcs: *const Function = m.funcs.as_ptr();
        let stack_end: *mut u64 = self.stack.as_mut_ptr().add(self.stack.len());
        let entry_depth = self.frames.len();
        let native = if JIT { self.inst.native } else { None };

        let mut fi: u32 = entry;
        let mut func: &Function = &*funcs.add(fi as usize);
        let mut code: *const Instr = func.code.as_ptr();
        let mut consts: *const u64 = func.consts.as_ptr();
        let mut pc: *const Instr = code;
        let mut fp: *mut u64 = self.stack.as_mut_ptr().add(base);
        // The collector scans this goroutine's registers up to `top`: the
        // end of the innermost frame, kept up to date at calls and returns
        // (one store each). Nested `execute`s only ever raise it.
        let top = &*self.top;
        macro_rules! set_top {
            ($fp:expr, $f:expr) => {
                top.store($fp.add($f.frame_size as usize) as usize, std::sync::atomic::Ordering::Relaxed)
            };
        }
        set_top!(fp, func);

        macro_rules! r {
            ($x:expr) => {
                *fp.add($x.0 as usize)
            };
        }
        macro_rules! rf {
            ($x:expr) => {
                f64::from_bits(*fp.add($x.0 as usize))
            };
        }
        macro_rules! rf32 {
            ($x:expr) => {
                f32::from_bits(*fp.add($x.0 as usize) as u32)
            };
        }
        // A taken branch. A backward one closes a loop, so it is a
        // preemption point: without it a spinning goroutine would starve
        // the others under `GOSSAMER_PROCS=1`. The direction test costs a
        // compare on taken branches only; forward branches never yield.
        // A loop that has run hot in this frame continues in compiled code
        // from the branch target (on-stack replacement): the compiled
        // function reads this frame's registers and runs to the function's
        // end; its result goes to register 0 and the frame then executes
        // `Ret r0` (`RET_R0`, outside any function's code), so that the
        // return path stays in one place and this macro, expanded in every
        // branch, stays small.
        macro_rules! jump {
            ($t:expr) => {{
                let to = code.add($t.0 as usize);
                if to < pc {
                    if rt::sched::preempt_requested() {
                        crate::slow::preempt();
                    }
                    if let (true, Some(n)) = (JIT, native) {
                        if let Some(osr) = n.count_loop(fi, $t.0 as u32) {
                            let site = if func.track_caller { self.site_ref(fi, here!()) } else { 0 };
                            *fp = osr(fp, site);
                            pc = &RET_R0;
                            continue;
                        }
                    }
                }
                pc = to
            }};
        }
        // The index of the instruction being executed (for panics).
        macro_rules! here {
            () => {
                pc.offset_from(code) as usize - 1
            };
        }

        loop {
            let ins = *pc;
            pc = pc.add(1);
            match ins {
                Instr::Nop {} => {}
                Instr::Move { dst, src } => r!(dst) = r!(src),
                Instr::LoadImm { dst, imm } => r!(dst) = imm.0 as i64 as u64,
                Instr::LoadK { dst, k } => r!(dst) = *consts.add(k.0 as usize),
                Instr::LoadStr { dst, s } => r!(dst) = *self.inst.strings.get_unchecked(s.0 as usize),
                Instr::LoadUnitEnum { dst, e } => r!(dst) = *self.inst.unit_enums.get_unchecked(e.0 as usize),
                Instr::LoadGlobal { dst, g } => r!(dst) = self.inst.load_global(g.0),
                Instr::StoreGlobal { src, g } => self.inst.store_global(g.0, r!(src)),

                Instr::AddI64 { dst, a, b } => r!(dst) = r!(a).wrapping_add(r!(b)),
                Instr::SubI64 { dst, a, b } => r!(dst) = r!(a).wrapping_sub(r!(b)),
                Instr::MulI64 { dst, a, b } => r!(dst) = r!(a).wrapping_mul(r!(b)),
                Instr::AddImmI64 { dst, a, imm } => r!(dst) = r!(a).wrapping_add(imm.0 as i64 as u64),
                Instr::AddI64K { dst, a, k } => r!(dst) = r!(a).wrapping_add(*consts.add(k.0 as usize)),
                Instr::MulI64K { dst, a, k } => r!(dst) = r!(a).wrapping_mul(*consts.add(k.0 as usize)),
                Instr::DivSK { dst, a, k } => {
                    let d = *consts.add(k.0 as usize) as i64;
                    if d == 0 {
                        self.divide_by_zero(fi, here!());
                    }
                    r!(dst) = (r!(a) as i64).wrapping_div(d) as u64;
                }
                Instr::RemSK { dst, a, k } => {
                    let d = *consts.add(k.0 as usize) as i64;
                    if d == 0 {
                        self.divide_by_zero(fi, here!());
                    }
                    r!(dst) = (r!(a) as i64).wrapping_rem(d) as u64;
                }
                Instr::DivS { dst, a, b } => {
                    let d = r!(b) as i64;
                    if d == 0 {
                        self.divide_by_zero(fi, here!());
                    }
                    r!(dst) = (r!(a) as i64).wrapping_div(d) as u64;
                }
                Instr::RemS { dst, a, b } => {
                    let d = r!(b) as i64;
                    if d == 0 {
                        self.divide_by_zero(fi, here!());
                    }
                    r!(dst) = (r!(a) as i64).wrapping_rem(d) as u64;
                }
                Instr::DivU { dst, a, b } => {
                    let d = r!(b);
                    if d == 0 {
                        self.divide_by_zero(fi, here!());
                    }
                    r!(dst) = r!(a) / d;
                }
                Instr::RemU { dst, a, b } => {
                    let d = r!(b);
                    if d == 0 {
                        self.divide_by_zero(fi, here!());
                    }
                    r!(dst) = r!(a) % d;
                }
                Instr::And { dst, a, b } => r!(dst) = r!(a) & r!(b),
                Instr::Or { dst, a, b } => r!(dst) = r!(a) | r!(b),
                Instr::Xor { dst, a, b } => r!(dst) = r!(a) ^ r!(b),
                Instr::AndImm { dst, a, imm } => r!(dst) = r!(a) & (imm.0 as i64 as u64),
                Instr::Shl64 { dst, a, b } => r!(dst) = r!(a) << (r!(b) & 63),
                Instr::ShrS64 { dst, a, b } => r!(dst) = ((r!(a) as i64) >> (r!(b) & 63)) as u64,
                Instr::ShrU64 { dst, a, b } => r!(dst) = r!(a) >> (r!(b) & 63),
                Instr::ShlImm { dst, a, n } => r!(dst) = r!(a) << (n.0 & 63),
                Instr::ShrSImm { dst, a, n } => r!(dst) = ((r!(a) as i64) >> (n.0 & 63)) as u64,
                Instr::ShrUImm { dst, a, n } => r!(dst) = r!(a) >> (n.0 & 63),
                Instr::NegI64 { dst, a } => r!(dst) = r!(a).wrapping_neg(),
                Instr::NotI64 { dst, a } => r!(dst) = !r!(a),
                Instr::NotBool { dst, a } => r!(dst) = r!(a) ^ 1,
                Instr::Norm { dst, src, kind } => {
                    // Validated: the kind decodes.
                    let k = Norm::from_u16(kind.0).unwrap_unchecked();
                    r!(dst) = k.apply(r!(src));
                }
                Instr::AddI32 { dst, a, b } => r!(dst) = (r!(a) as i32).wrapping_add(r!(b) as i32) as i64 as u64,
                Instr::SubI32 { dst, a, b } => r!(dst) = (r!(a) as i32).wrapping_sub(r!(b) as i32) as i64 as u64,
                Instr::MulI32 { dst, a, b } => r!(dst) = (r!(a) as i32).wrapping_mul(r!(b) as i32) as i64 as u64,

                Instr::Eq { dst, a, b } => r!(dst) = (r!(a) == r!(b)) as u64,
                Instr::Ne { dst, a, b } => r!(dst) = (r!(a) != r!(b)) as u64,
                Instr::LtS { dst, a, b } => r!(dst) = ((r!(a) as i64) < (r!(b) as i64)) as u64,
                Instr::LeS { dst, a, b } => r!(dst) = ((r!(a) as i64) <= (r!(b) as i64)) as u64,
                Instr::LtU { dst, a, b } => r!(dst) = (r!(a) < r!(b)) as u64,
                Instr::LeU { dst, a, b } => r!(dst) = (r!(a) <= r!(b)) as u64,

                Instr::AddF64 { dst, a, b } => r!(dst) = (rf!(a) + rf!(b)).to_bits(),
                Instr::SubF64 { dst, a, b } => r!(dst) = (rf!(a) - rf!(b)).to_bits(),
                Instr::MulF64 { dst, a, b } => r!(dst) = (rf!(a) * rf!(b)).to_bits(),
                Instr::DivF64 { dst, a, b } => r!(dst) = (rf!(a) / rf!(b)).to_bits(),
                Instr::RemF64 { dst, a, b } => r!(dst) = (rf!(a) % rf!(b)).to_bits(),
                Instr::NegF64 { dst, a } => r!(dst) = (-rf!(a)).to_bits(),
                Instr::AddF64K { dst, a, k } => r!(dst) = (rf!(a) + f64::from_bits(*consts.add(k.0 as usize))).to_bits(),
                Instr::SubF64K { dst, a, k } => r!(dst) = (rf!(a) - f64::from_bits(*consts.add(k.0 as usize))).to_bits(),
                Instr::MulF64K { dst, a, k } => r!(dst) = (rf!(a) * f64::from_bits(*consts.add(k.0 as usize))).to_bits(),
                Instr::DivF64K { dst, a, k } => r!(dst) = (rf!(a) / f64::from_bits(*consts.add(k.0 as usize))).to_bits(),
                Instr::EqF64 { dst, a, b } => r!(dst) = (rf!(a) == rf!(b)) as u64,
                Instr::NeF64 { dst, a, b } => r!(dst) = (rf!(a) != rf!(b)) as u64,
                Instr::LtF64 { dst, a, b } => r!(dst) = (rf!(a) < rf!(b)) as u64,
                Instr::LeF64 { dst, a, b } => r!(dst) = (rf!(a) <= rf!(b)) as u64,
                Instr::AddF32 { dst, a, b } => r!(dst) = (rf32!(a) + rf32!(b)).to_bits() as u64,
                Instr::SubF32 { dst, a, b } => r!(dst) = (rf32!(a) - rf32!(b)).to_bits() as u64,
                Instr::MulF32 { dst, a, b } => r!(dst) = (rf32!(a) * rf32!(b)).to_bits() as u64,
                Instr::DivF32 { dst, a, b } => r!(dst) = (rf32!(a) / rf32!(b)).to_bits() as u64,
                Instr::RemF32 { dst, a, b } => r!(dst) = (rf32!(a) % rf32!(b)).to_bits() as u64,
                Instr::NegF32 { dst, a } => r!(dst) = (-rf32!(a)).to_bits() as u64,
                Instr::EqF32 { dst, a, b } => r!(dst) = (rf32!(a) == rf32!(b)) as u64,
                Instr::NeF32 { dst, a, b } => r!(dst) = (rf32!(a) != rf32!(b)) as u64,
                Instr::LtF32 { dst, a, b } => r!(dst) = (rf32!(a) < rf32!(b)) as u64,
                Instr::LeF32 { dst, a, b } => r!(dst) = (rf32!(a) <= rf32!(b)) as u64,
                Instr::I64ToF64 { dst, src } => r!(dst) = (r!(src) as i64 as f64).to_bits(),
                Instr::F64ToI64 { dst, src } => r!(dst) = rf!(src) as i64 as u64,
                Instr::Convert { dst, src, conv } => {
                    let c = Conv::from_code(conv.0).unwrap_unchecked();
                    r!(dst) = c.apply(r!(src));
                }

                Instr::Jump { t } => jump!(t),
                Instr::JumpIf { c, t } => {
                    if r!(c) != 0 {
                        jump!(t)
                    }
                }
                Instr::JumpIfNot { c, t } => {
                    if r!(c) == 0 {
                        jump!(t)
                    }
                }
                Instr::BrEq { a, b, t } => {
                    if r!(a) == r!(b) {
                        jump!(t)
                    }
                }
                Instr::BrNe { a, b, t } => {
                    if r!(a) != r!(b) {
                        jump!(t)
                    }
                }
                Instr::BrLtS { a, b, t } => {
                    if (r!(a) as i64) < (r!(b) as i64) {
                        jump!(t)
                    }
                }
                Instr::BrLeS { a, b, t } => {
                    if (r!(a) as i64) <= (r!(b) as i64) {
                        jump!(t)
                    }
                }
                Instr::BrLtU { a, b, t } => {
                    if r!(a) < r!(b) {
                        jump!(t)
                    }
                }
                Instr::BrLeU { a, b, t } => {
                    if r!(a) <= r!(b) {
                        jump!(t)
                    }
                }
                Instr::BrEqImm { a, imm, t } => {
                    if r!(a) as i64 == imm.0 as i64 {
                        jump!(t)
                    }
                }
                Instr::BrNeImm { a, imm, t } => {
                    if r!(a) as i64 != imm.0 as i64 {
                        jump!(t)
                    }
                }
                Instr::BrLtImm { a, imm, t } => {
                    if (r!(a) as i64) < imm.0 as i64 {
                        jump!(t)
                    }
                }
                Instr::BrLeImm { a, imm, t } => {
                    if (r!(a) as i64) <= imm.0 as i64 {
                        jump!(t)
                    }
                }
                Instr::BrGtImm { a, imm, t } => {
                    if (r!(a) as i64) > imm.0 as i64 {
                        jump!(t)
                    }
                }
                Instr::BrGeImm { a, imm, t } => {
                    if (r!(a) as i64) >= imm.0 as i64 {
                        jump!(t)
                    }
                }
                Instr::BrLtF64 { a, b, t } => {
                    if rf!(a) < rf!(b) {
                        jump!(t)
                    }
                }
                Instr::BrLeF64 { a, b, t } => {
                    if rf!(a) <= rf!(b) {
                        jump!(t)
                    }
                }
                Instr::BrNLtF64 { a, b, t } => {
                    if !(rf!(a) < rf!(b)) {
                        jump!(t)
                    }
                }
                Instr::BrNLeF64 { a, b, t } => {
                    if !(rf!(a) <= rf!(b)) {
                        jump!(t)
                    }
                }
                Instr::BrLtF64K { a, k, t } => {
                    if rf!(a) < f64::from_bits(*consts.add(k.0 as usize)) {
                        jump!(t)
                    }
                }
                Instr::BrLeF64K { a, k, t } => {
                    if rf!(a) <= f64::from_bits(*consts.add(k.0 as usize)) {
                        jump!(t)
                    }
                }
                Instr::BrGtF64K { a, k, t } => {
                    if rf!(a) > f64::from_bits(*consts.add(k.0 as usize)) {
                        jump!(t)
                    }
                }
                Instr::BrGeF64K { a, k, t } => {
                    if rf!(a) >= f64::from_bits(*consts.add(k.0 as usize)) {
                        jump!(t)
                    }
                }
                Instr::BrNLtF64K { a, k, t } => {
                    if !(rf!(a) < f64::from_bits(*consts.add(k.0 as usize))) {
                        jump!(t)
                    }
                }
                Instr::BrNLeF64K { a, k, t } => {
                    if !(rf!(a) <= f64::from_bits(*consts.add(k.0 as usize))) {
                        jump!(t)
                    }
                }
                Instr::BrNGtF64K { a, k, t } => {
                    if !(rf!(a) > f64::from_bits(*consts.add(k.0 as usize))) {
                        jump!(t)
                    }
                }
                Instr::BrNGeF64K { a, k, t } => {
                    if !(rf!(a) >= f64::from_bits(*consts.add(k.0 as usize))) {
                        jump!(t)
                    }
                }
                Instr::ForLoop { i, end, t } => {
                    let n = (r!(i) as i64).wrapping_add(1);
                    r!(i) = n as u64;
                    if n < r!(end) as i64 {
                        // Always a back-edge (the compiler emits `ForLoop`
                        // only at the bottom of a loop); `jump!`'s
                        // direction test keeps that an assumption, not an
                        // invariant the validator would have to check.
                        jump!(t)
                    }
                }

                Instr::Call { base, f } => {
                    // Calls are preemption points too: recursion has no
                    // back-edges.
                    if rt::sched::preempt_requested() {
                        crate::slow::preempt();
                    }
                    let callee = &*funcs.add(f.0 as usize);
                    let new_fp = fp.add(base.0 as usize);
                    if let (true, Some(n)) = (JIT, native) {
                        if let Some(entry) = n.entry(f.0).or_else(|| n.count_call(f.0)) {
                            let site = if callee.track_caller { self.site_ref(fi, here!()) } else { 0 };
                            *new_fp = entry(new_fp, site);
                            continue;
                        }
                    }
                    if new_fp.add(callee.frame_size as usize) > stack_end || self.frames.len() >= MAX_CALL_DEPTH {
                        crate::slow::stack_overflow();
                    }
                    self.frames.push(Frame { func: fi, ret_pc: pc, fp });
                    set_top!(new_fp, callee);
                    fi = f.0;
                    func = callee;
                    code = func.code.as_ptr();
                    consts = func.consts.as_ptr();
                    pc = code;
                    fp = new_fp;
                }
                Instr::CallClosure { base, n: _ } => {
                    if rt::sched::preempt_requested() {
                        crate::slow::preempt();
                    }
                    let new_fp = fp.add(base.0 as usize);
                    let target = rt::field(*new_fp, 0);
                    // The closure object comes from the program, not from the
                    // validator: check its function index once here.
                    let Some(callee) = m.funcs.get(target as usize) else {
                        crate::slow::bad_closure(target);
                    };
                    if let (true, Some(n)) = (JIT, native) {
                        if let Some(entry) = n.entry(target as u32).or_else(|| n.count_call(target as u32)) {
                            *new_fp = entry(new_fp, 0);
                            continue;
                        }
                    }
                    if new_fp.add(callee.frame_size as usize) > stack_end || self.frames.len() >= MAX_CALL_DEPTH {
                        crate::slow::stack_overflow();
                    }
                    self.frames.push(Frame { func: fi, ret_pc: pc, fp });
                    set_top!(new_fp, callee);
                    fi = target as u32;
                    func = callee;
                    code = func.code.as_ptr();
                    consts = func.consts.as_ptr();
                    pc = code;
                    fp = new_fp;
                }
                Instr::Ret { src } => {
                    let v = r!(src);
                    *fp = v;
                    if self.frames.len() == entry_depth {
                        return v;
                    }
                    // Not below `entry_depth`, so a record exists.
                    let fr = self.frames.pop().unwrap_unchecked();
                    fi = fr.func;
                    func = &*funcs.add(fi as usize);
                    code = func.code.as_ptr();
                    consts = func.consts.as_ptr();
                    pc = fr.ret_pc;
                    fp = fr.fp;
                    set_top!(fp, func);
                }
                Instr::Go { callee } => self.go(r!(callee)),
                Instr::Unreachable {} => {
                    crate::slow::unreachable(func.name, here!());
                }

                Instr::GetField { dst, obj, idx } => r!(dst) = rt::field(r!(obj), idx.0 as usize),
                Instr::SetField { obj, idx, src } => rt::set_field(r!(obj), idx.0 as usize, r!(src)),
                Instr::ArrGet { dst, arr, i } => {
                    let o = r!(arr);
                    let len = self.array_len(o);
                    let ix = r!(i);
                    if ix >= len {
                        self.index_out_of_range(ix as i64, len as i64, fi, here!());
                    }
                    r!(dst) = rt::field(o, ix as usize);
                }
                Instr::ArrSet { arr, i, src } => {
                    let o = r!(arr);
                    let len = self.array_len(o);
                    let ix = r!(i);
                    if ix >= len {
                        self.index_out_of_range(ix as i64, len as i64, fi, here!());
                    }
                    rt::set_field(o, ix as usize, r!(src));
                }
                Instr::VecGet { dst, v, i } => {
                    let o = r!(v);
                    let len = rt::field(o, rt::VEC_LEN);
                    let ix = r!(i);
                    if ix >= len {
                        self.index_out_of_range(ix as i64, len as i64, fi, here!());
                    }
                    r!(dst) = rt::field(rt::field(o, rt::VEC_BUF), ix as usize);
                }
                Instr::VecSet { v, i, src } => {
                    let o = r!(v);
                    let len = rt::field(o, rt::VEC_LEN);
                    let ix = r!(i);
                    if ix >= len {
                        self.index_out_of_range(ix as i64, len as i64, fi, here!());
                    }
                    rt::set_field(rt::field(o, rt::VEC_BUF), ix as usize, r!(src));
                }
                Instr::VecLen { dst, v } => r!(dst) = rt::field(r!(v), rt::VEC_LEN),
                Instr::StrLen { dst, s } => r!(dst) = rt::strings::str_len(r!(s)) as u64,
                Instr::StrByte { dst, s, i } => {
                    let bytes = rt::strings::str_bytes(r!(s));
                    let ix = r!(i);
                    if ix >= bytes.len() as u64 {
                        self.index_out_of_range(ix as i64, bytes.len() as i64, fi, here!());
                    }
                    r!(dst) = *bytes.get_unchecked(ix as usize) as u64;
                }
                Instr::VecPush { args, aux } => {
                    let o = r!(args);
                    let len = rt::field(o, rt::VEC_LEN);
                    if len < rt::field(o, rt::VEC_CAP) {
                        rt::set_field(rt::field(o, rt::VEC_BUF), len as usize, *fp.add(args.0 as usize + 1));
                        rt::set_field(o, rt::VEC_LEN, len + 1);
                    } else {
                        let aux = func.aux.get_unchecked(aux.0 as usize);
                        self.op(fi, here!(), fp, fp.add(args.0 as usize), aux);
                    }
                }
                Instr::Op { dst, args, aux } => {
                    let aux = func.aux.get_unchecked(aux.0 as usize);
                    r!(dst) = self.op(fi, here!(), fp, fp.add(args.0 as usize), aux);
                }
            }
        }
    }

    /// The length of the fixed array object `o`, from its header's type.
    #[inline(always)]
    unsafe fn array_len(&self, o: u64) -> u64 {
        let ty = rt::header_type(o) as usize;
        match self.inst.module.array_len.get(ty) {
            Some(&n) => n,
            None => 0,
        }
    }
}
