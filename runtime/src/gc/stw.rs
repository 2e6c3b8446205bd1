//! Stopping and resuming the world.
//!
//! Protocol. One word, [`STOP`], says a collection wants the world stopped
//! or is running. Every goroutine thread's registry record has a state;
//! only `Running` threads may touch the heap, and a thread becomes
//! `Running` only through [`enter_running`], which stores `Running` and
//! *then* reads `STOP` (both sequentially consistent). The collector
//! stores `STOP` and *then* reads every state. So either the collector
//! sees the thread `Running` and waits for it to stop, or the thread sees
//! `STOP` and backs off to `Stopped` before touching anything (Dekker's
//! pattern). A `Running` thread stops at its next safe point: the VM polls
//! the preemption flag (raised on every domain by the collector) at loop
//! back-edges and calls, and the allocation slow path checks `STOP`.
//! A thread that stops publishes its stack pointer with its callee-saved
//! registers spilled above it ([`with_spilled_registers`]), so every
//! pointer it holds is in `[sp, stack_hi)`. Threads blocked, sleeping, in a
//! system call or waiting for a token published theirs when they left
//! `Running` (`sched::without_token`).
//!
//! While the world is stopped no thread holds a runtime lock the collector
//! needs (every stop is at a safe point outside them). Waiting for the end
//! is a spin followed by a futex wait on [`EPOCH`], bumped when the world
//! restarts.
//!
//! Rejected, for now: stopping with a signal (needed by the native tiers
//! to avoid polls in hot loops; the VM polls anyway); a per-thread
//! handshake (Go's) instead of one flag (no benefit with one collector).

use crate::sched::registry::{GoState, ThreadRecord};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

static STOP: AtomicBool = AtomicBool::new(false);
/// Bumped each time the world restarts (the futex stopped threads wait on).
static EPOCH: AtomicU32 = AtomicU32::new(0);

#[inline(always)]
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Claims the right to collect; false if another collection is running.
pub fn try_start() -> bool {
    STOP.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).is_ok()
}

/// The collector's safe point for a running goroutine: stops here while a
/// collection runs. One relaxed load when none does. Returns whether it
/// stopped for a collection.
#[inline]
pub fn safepoint() -> bool {
    if STOP.load(Ordering::Relaxed) {
        park_for_gc();
        return true;
    }
    false
}

/// Stops the calling goroutine until no collection is in progress.
#[cold]
pub fn park_for_gc() {
    let Some(rec) = crate::sched::registry::current() else {
        wait_for_end();
        return;
    };
    with_spilled_registers(|sp| {
        rec.publish_sp(sp);
        rec.state_word().store(GoState::Stopped as u32, Ordering::SeqCst);
        enter_running(&rec);
    });
    // The pause was not this goroutine's running time.
    crate::sched::restart_slice();
}

/// Makes the calling thread `Running` (see the module docs): waits while a
/// collection is in progress, stopped at a freshly published stack pointer.
pub fn enter_running(rec: &ThreadRecord) {
    loop {
        rec.state_word().store(GoState::Running as u32, Ordering::SeqCst);
        if !STOP.load(Ordering::SeqCst) {
            return;
        }
        with_spilled_registers(|sp| {
            rec.publish_sp(sp);
            rec.state_word().store(GoState::Stopped as u32, Ordering::SeqCst);
            wait_for_end();
        });
    }
}

/// Waits until `STOP` is clear: spins briefly (a pause is often shorter
/// than a futex wake-up on these machines), then sleeps on `EPOCH`.
fn wait_for_end() {
    let spin_until = std::time::Instant::now() + std::time::Duration::from_micros(50);
    loop {
        let e = EPOCH.load(Ordering::SeqCst);
        if !STOP.load(Ordering::SeqCst) {
            return;
        }
        if std::time::Instant::now() < spin_until {
            std::hint::spin_loop();
            std::thread::yield_now();
            continue;
        }
        futex_wait(&EPOCH, e);
    }
}

/// Sleeps while `*word == v` (spurious returns are fine: callers loop).
/// The collector's own copy of `sched::park`'s, which under `cfg(loom)`
/// works on loom's atomics; the collector is not model-checked.
pub(super) fn futex_wait(word: &AtomicU32, v: u32) {
    // SAFETY: FUTEX_WAIT on a live, aligned u32, no timeout.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG, v, std::ptr::null::<libc::timespec>());
    }
}

/// Wakes every thread sleeping on `word`.
pub(super) fn futex_wake(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE on a live, aligned u32.
    unsafe { libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX) };
}

/// Waits until every registered thread other than `me` is stopped (not
/// `Running`), asking running goroutines to reach a safe point. Returns how
/// many goroutine threads were stopped (all but idle ones and `me`).
pub fn stop_the_world(registry: &[Arc<ThreadRecord>], me: &Arc<ThreadRecord>) -> usize {
    let mut spins = 0u32;
    loop {
        crate::sched::procs::preempt_all();
        let running = registry.iter().any(|r| !Arc::ptr_eq(r, me) && r.state_word().load(Ordering::SeqCst) == GoState::Running as u32);
        if !running {
            break;
        }
        spins += 1;
        if spins < 64 {
            std::hint::spin_loop();
        } else {
            // Compiled loops have no poll: interrupt them (every 256
            // rounds, tens of microseconds, while they keep running).
            if spins % 256 == 64 {
                crate::sched::preempt::signal_running(registry);
            }
            std::thread::yield_now();
        }
    }
    registry.iter().filter(|r| !Arc::ptr_eq(r, me) && r.state() != GoState::Idle).count()
}

/// Restarts the world.
pub fn start_the_world() {
    STOP.store(false, Ordering::SeqCst);
    crate::sched::procs::withdraw_preemption();
    EPOCH.fetch_add(1, Ordering::SeqCst);
    futex_wake(&EPOCH);
}

/// Calls `f` with a stack address below which nothing of the caller's is
/// kept: the callee-saved registers are stored in this frame first, so a
/// conservative scan of `[sp, stack_hi)` sees every pointer the callers
/// hold (caller-saved registers are already on the stack across a call).
#[inline(never)]
pub fn with_spilled_registers<R>(f: impl FnOnce(usize) -> R) -> R {
    let mut regs = [0usize; 12];
    // SAFETY: the block only stores registers into `regs`.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::asm!(
            "mov [{p}], rbx",
            "mov [{p} + 8], rbp",
            "mov [{p} + 16], r12",
            "mov [{p} + 24], r13",
            "mov [{p} + 32], r14",
            "mov [{p} + 40], r15",
            p = in(reg) regs.as_mut_ptr(),
            options(nostack, preserves_flags)
        );
    }
    // SAFETY: as above.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        std::arch::asm!(
            "stp x19, x20, [{p}]",
            "stp x21, x22, [{p}, #16]",
            "stp x23, x24, [{p}, #32]",
            "stp x25, x26, [{p}, #48]",
            "stp x27, x28, [{p}, #64]",
            "str x29, [{p}, #80]",
            p = in(reg) regs.as_mut_ptr(),
            options(nostack, preserves_flags)
        );
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    compile_error!("the collector needs the callee-saved registers of this architecture");
    let sp = std::hint::black_box(regs.as_ptr()) as usize;
    let r = f(sp);
    std::hint::black_box(&mut regs);
    r
}
