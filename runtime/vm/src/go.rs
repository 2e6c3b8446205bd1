//! `go`: starting a goroutine that runs a closure on the VM.
//!
//! Design. The scheduler (`gos_runtime::sched`) owns threads, proc tokens
//! and goroutine ids; the VM only hands it a boxed entry. The entry holds
//! everything the goroutine needs and nothing borrowed: the run's
//! [`Instance`] (an `Arc`, since the goroutine may outlive the `run` that
//! started it, until the process exits), the closure object and its
//! function index. On its thread the entry builds a fresh [`Thread`] with a
//! pooled register stack (see `stack.rs`) and calls the closure's function
//! with the closure as its hidden first argument, exactly as
//! `CallClosure` does. When the function returns, the stack is retired to
//! the thread's spare for the next goroutine that thread runs.
//!
//! Invariants: the closure object is reachable from the entry box until the
//! goroutine's first register holds it (so a future collector that scans
//! pending entries and register stacks never misses it); the closure's
//! function index and arity are checked before the goroutine is counted, so
//! a bad closure is reported at the `go`, in the parent.
//!
//! Rejected: running the closure on the parent's `Thread` until it blocks
//! (Go's runtime can switch stacks; ours runs one OS thread per goroutine,
//! so the child needs its own interpreter state from the start).

use crate::interp::Thread;
use crate::stack::{RegStack, SHALLOW_FRAMES};
use crate::Instance;
use gos_runtime as rt;
use std::sync::Arc;

/// Initial capacity of a goroutine's frame-record vector (24 bytes each).
/// Trade-off: one reallocation per doubling for goroutines that call
/// deeper, against memory held by thousands of shallow goroutines.
const GOROUTINE_FRAMES: usize = 16;

/// What a new goroutine runs: the closure `clo` (function `func`) of the
/// run `inst`.
struct Entry {
    inst: Arc<Instance>,
    func: u32,
    clo: u64,
    /// The collector's pin on `clo` while only this (Rust-owned) entry
    /// holds it: the goroutine may wait for a token without a thread.
    pin: usize,
}

impl Entry {
    fn run(self) {
        // From here the closure is on this goroutine's stack.
        rt::gc::unpin(self.pin);
        // Compiled code needs no interpreter state: a goroutine whose
        // closure is compiled runs without a register stack.
        if let Some(entry) = self.inst.native.and_then(|n| n.entry(self.func)) {
            let args = [self.clo];
            // SAFETY: an installed entry of a closure of no parameters
            // besides itself (checked in `spawn`).
            unsafe { entry(args.as_ptr(), 0) };
            return;
        }
        let mut t = Thread::with_stack(self.inst, RegStack::for_goroutine(), GOROUTINE_FRAMES);
        t.call(self.func, &[self.clo]);
        // A goroutine that called deeper than `SHALLOW_FRAMES` may have
        // touched many register pages: let the stack give them back.
        let deep = t.frames.capacity() > SHALLOW_FRAMES;
        t.stack.retire(deep);
    }
}

impl Thread {
    /// `go clo`: starts a goroutine running the closure object `clo`.
    pub(crate) fn go(&self, clo: u64) {
        spawn(&self.inst, clo)
    }
}

/// `go clo` for the run `inst`, from the interpreter or from compiled code.
pub(crate) fn spawn(inst: &Arc<Instance>, clo: u64) {
    {
        // SAFETY: the checker typed the operand of `go` as a closure, so it
        // is a closure object, whose first word is its function index.
        let target = unsafe { rt::field(clo, 0) };
        // The closure comes from the program: check its function and that
        // it takes only itself (the checker lowers every form of `go` to a
        // closure of no parameters).
        let Some(f) = inst.module.funcs.get(target as usize) else {
            crate::slow::bad_closure(target);
        };
        if f.params != 1 {
            rt::panic::fatal(&format!(
                "vm: `go` was given a closure of `{}`, which takes {} arguments besides itself",
                f.name,
                f.params.saturating_sub(1)
            ));
        }
        let entry = Entry { inst: inst.clone(), func: target as u32, clo, pin: rt::gc::pin(clo) };
        rt::sched::spawn(Box::new(move || entry.run()));
    }
}
