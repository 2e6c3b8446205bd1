//! The interpreter's out-of-line paths: operations that call into the
//! runtime (allocation, generic value operations, intrinsics, formatting)
//! and every failure (panics with their source location, fatal errors).
//!
//! Keeping these out of `interp.rs`'s dispatch loop is deliberate: they are
//! either rare or dominated by the runtime call itself, and inlining them
//! would bloat the loop and cost the hot instructions their registers.
//!
//! Panic locations. Each function has a line table (instruction → source
//! position); a panic reports the position of the failing instruction in
//! the current function. A function marked `track_caller` (prelude helpers
//! such as `Option::unwrap`) reports its caller's call site instead,
//! walking up the frame records while the caller is itself `track_caller`.

use crate::bytecode::{Aux, CmpKind, FmtPart, Function, Loc};
use crate::interp::Thread;
use gos_runtime as rt;
use gos_runtime::Site;
use std::cmp::Ordering;

/// Reports a register-stack or call-depth overflow, as Go does.
#[cold]
#[inline(never)]
pub(crate) fn stack_overflow() -> ! {
    rt::panic::fatal("stack overflow")
}

/// Gives the proc token up at a preemption point because the scheduler
/// asked (another goroutine has waited a whole time slice).
#[cold]
#[inline(never)]
pub(crate) fn preempt() {
    rt::sched::yield_now();
}

/// A closure object whose function index is not a VM function: only
/// possible if a native tier's closure reached the VM, a runtime bug.
#[cold]
#[inline(never)]
pub(crate) fn bad_closure(target: u64) -> ! {
    rt::panic::fatal(&format!("vm: closure names function {target}, which this module does not have"))
}

/// The end of a function whose body the compiler typed as never returning
/// was reached: a compiler bug, reported rather than run past.
#[cold]
#[inline(never)]
pub(crate) fn unreachable(func: &str, pc: usize) -> ! {
    rt::panic::fatal(&format!("vm: reached unreachable code in `{func}` at instruction {pc}"))
}

impl Thread {
    /// Where a panic at instruction `pc` of function `fi` is reported.
    pub(crate) fn site(&self, fi: u32, pc: usize) -> Site {
        let funcs = &self.inst.module.funcs;
        let mut f: &Function = &funcs[fi as usize];
        let mut loc = f.loc_at(pc);
        let mut depth = self.frames.len();
        while f.track_caller && depth > 0 {
            depth -= 1;
            let fr = self.frames[depth];
            let caller = &funcs[fr.func as usize];
            // SAFETY: `ret_pc` points into the caller's code, after the call.
            let call_pc = unsafe { fr.ret_pc.offset_from(caller.code.as_ptr()) } as usize - 1;
            loc = caller.loc_at(call_pc);
            f = caller;
        }
        Site { func: f.name, line: loc.line, col: loc.col }
    }

    /// The site reference (`native::site_ref`) a panic at instruction `pc`
    /// of function `fi` reports: the same walk as [`Thread::site`], for a
    /// compiled `#[track_caller]` callee.
    pub(crate) fn site_ref(&self, fi: u32, pc: usize) -> u64 {
        let funcs = &self.inst.module.funcs;
        let (mut f, mut fi, mut pc) = (&funcs[fi as usize], fi, pc);
        let mut depth = self.frames.len();
        while f.track_caller && depth > 0 {
            depth -= 1;
            let fr = self.frames[depth];
            let caller = &funcs[fr.func as usize];
            // SAFETY: `ret_pc` points into the caller's code, after the call.
            pc = unsafe { fr.ret_pc.offset_from(caller.code.as_ptr()) } as usize - 1;
            fi = fr.func;
            f = caller;
        }
        crate::native::site_ref(fi, pc)
    }

    /// The site of an intrinsic whose record says `loc`: the record itself,
    /// unless the function tracks its caller.
    fn site_of(&self, fi: u32, pc: usize, loc: Loc) -> Site {
        let f = &self.inst.module.funcs[fi as usize];
        if f.track_caller {
            self.site(fi, pc)
        } else {
            Site { func: f.name, line: loc.line, col: loc.col }
        }
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn divide_by_zero(&self, fi: u32, pc: usize) -> ! {
        rt::panic_at("runtime error: integer divide by zero", &self.site(fi, pc))
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn index_out_of_range(&self, i: i64, len: i64, fi: u32, pc: usize) -> ! {
        rt::index_out_of_range(i, len, &self.site(fi, pc))
    }

    /// Runs the operation `aux` on the `arity` words at `args`; returns its
    /// result word (0 for `()`).
    ///
    /// # Safety
    /// `args` must point at `aux.arity()` registers of the current frame
    /// (validated), holding values of the types `aux` names.
    #[inline(never)]
    pub(crate) unsafe fn op(&self, fi: u32, pc: usize, _fp: *mut u64, args: *mut u64, aux: &Aux) -> u64 {
        exec_aux(aux, args, &|| self.site(fi, pc), &|loc| self.site_of(fi, pc, loc))
    }
}

/// Runs the operation `aux` on the `arity` words at `args` and returns its
/// result word (0 for `()`): the one implementation of every [`Aux`]
/// operation, shared by the interpreter and the exports compiled code
/// calls. `site` gives the position a failing reference operation reports,
/// `intrinsic_site` that of a failing intrinsic whose record says `loc`.
///
/// # Safety
/// `args` must point at `aux.arity()` words holding values of the types
/// `aux` names.
pub(crate) unsafe fn exec_aux(aux: &Aux, args: *mut u64, site: &dyn Fn() -> Site, intrinsic_site: &dyn Fn(Loc) -> Site) -> u64 {
    {
        let arg = |i: usize| *args.add(i);
        let words = |n: usize| std::slice::from_raw_parts(args as *const u64, n);
        match aux {
            Aux::NewAggregate { ty, n } => rt::new_aggregate(*ty, words(*n as usize)),
            Aux::NewEnum { ty, tag, n } => rt::new_enum(*ty, *tag as u64, words(*n as usize)),
            Aux::NewClosure { ty, func, n } => rt::new_closure(*ty, *func as u64, words(*n as usize)),
            Aux::ArrayRepeat { ty, elem, len } => {
                let v = arg(0);
                if !rt::value::needs_deep_clone(*elem) {
                    // A scalar, or a value whose clone is itself (never an
                    // aggregate, which needs its own copy): one allocation,
                    // filled (the clone per element took ~4 ms for a
                    // [0; 139968]).
                    return rt::object::new_aggregate_repeat(*ty, v, *len as usize);
                }
                let aggregate = rt::kind(*elem).is_aggregate();
                // The copies are roots until the array holds them.
                rt::gc::with_rooted_words(*len as usize, |items| {
                    for it in items.iter_mut() {
                        *it = if aggregate { rt::copy(v, *elem) } else { rt::clone(v, *elem) };
                    }
                    rt::new_aggregate(*ty, items)
                })
            }
            Aux::Copy { ty } => rt::copy(arg(0), *ty),
            Aux::Clone { ty } => rt::clone(arg(0), *ty),
            Aux::Compare { kind, ty } => {
                let (a, b) = (arg(0), arg(1));
                let r = match kind {
                    CmpKind::Eq => rt::eq(a, b, *ty),
                    CmpKind::Ne => !rt::eq(a, b, *ty),
                    CmpKind::Lt => rt::value::partial_cmp(a, b, *ty) == Some(Ordering::Less),
                    CmpKind::Le => {
                        matches!(rt::value::partial_cmp(a, b, *ty), Some(Ordering::Less | Ordering::Equal))
                    }
                    CmpKind::Gt => rt::value::partial_cmp(a, b, *ty) == Some(Ordering::Greater),
                    CmpKind::Ge => {
                        matches!(rt::value::partial_cmp(a, b, *ty), Some(Ordering::Greater | Ordering::Equal))
                    }
                };
                r as u64
            }
            Aux::Concat => rt::str_concat(arg(0), arg(1)),
            Aux::AssignInPlace { ty } => {
                rt::assign_in_place(arg(0), arg(1), *ty);
                0
            }
            Aux::NewRef { kind } => rt::new_ref(*kind as u64, arg(0), arg(1)),
            Aux::SnapshotRef { pointer } => {
                let layout = if *pointer { rt::heap::LAYOUT_PTRS } else { rt::heap::LAYOUT_RAW };
                let cell = rt::alloc(layout, 1) as u64;
                rt::set_field(cell, 0, arg(0));
                rt::new_ref(rt::REF_WORD, cell, 0)
            }
            Aux::RefLoad => rt::ref_load(arg(0), &site()),
            Aux::RefStore => {
                rt::ref_store(arg(0), arg(1), &site());
                0
            }
            Aux::Format { parts, n: _ } => {
                if let [FmtPart::Arg { ty, spec }] = parts.as_slice() {
                    if let Some(s) = rt::fmt::format_plain_int(arg(0), *ty, spec) {
                        return s;
                    }
                }
                let mut out = Vec::with_capacity(32);
                let mut next = 0;
                for p in parts {
                    match p {
                        FmtPart::Lit(s) => out.extend_from_slice(s.as_bytes()),
                        FmtPart::Arg { ty, spec } => {
                            rt::format_value(&mut out, arg(next), *ty, spec);
                            next += 1;
                        }
                    }
                }
                match std::str::from_utf8(&out) {
                    Ok(s) => rt::strings::str_from(s),
                    Err(_) => rt::strings::str_from(&String::from_utf8_lossy(&out)),
                }
            }
            Aux::Intrinsic { op, arg_tys, ret, loc } => {
                let site = intrinsic_site(*loc);
                rt::call_intrinsic(*op, words(arg_tys.len()), arg_tys, *ret, &site)
            }
        }
    }
}
