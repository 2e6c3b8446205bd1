//! Asynchronous preemption of compiled code: the signal that stops a
//! goroutine in a loop that has no safe point.
//!
//! Design. Compiled code (both native tiers) polls only where it can
//! spend time in the runtime (design/backends.md); code that never leaves
//! compiled code, loops and recursion alike, carries no poll, so that a hot
//! loop is only its own instructions. A goroutine spinning in such a loop is reached by a signal
//! (`SIGURG`, as in Go: nothing else uses it): the collector sends it to
//! every thread still `Running` shortly after it asked the world to stop,
//! and the scheduler's monitor sends it when a time slice is over and
//! goroutines are waiting for a proc token. The handler runs on the
//! thread's own stack (no `SA_ONSTACK`), so the kernel's signal frame, with
//! every register of the interrupted code, lies between the handler's
//! frame and the interrupted frames: a collection scanning the stack from
//! the handler's published stack pointer sees them all, conservatively,
//! like any other frame.
//!
//! The handler acts only if the signal interrupted compiled code, which it
//! tells by the interrupted instruction pointer and the table of compiled
//! bodies ([`register_code`]): compiled code holds no lock and is never in
//! the middle of an allocation, so stopping there is as safe as a poll, and
//! the handler does exactly what a poll does (`native_poll`). Anywhere else
//! (the interpreter, the runtime, the system allocator, a lock) it returns
//! at once and the goroutine stops at its next ordinary safe point; the
//! sender tries again while the thread is still running.
//!
//! Invariants: the code table is append-only and lock-free (the handler
//! may interrupt a thread that is appending); the handler preserves
//! `errno`; the signal is installed with `SA_RESTART`, and only `Running`
//! threads are signalled, so blocking calls rarely see `EINTR` (a thread
//! racing into a system call may; the runtime's waits loop on spurious
//! returns).
//!
//! Rejected: polls on loop back-edges (a load and a branch per iteration,
//! and a call in every loop, which LLVM's vectoriser refuses); patching the
//! interrupted code (Go's approach on some platforms: far more machinery).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Once;

/// Capacity of the code table, in bodies. Trade-off: static memory (16
/// bytes a body, untouched until used) against the largest program; a
/// program with more bodies keeps polls working but its loops beyond the
/// table are not interruptible (reported once).
const MAX_BODIES: usize = 1 << 16;

static STARTS: [AtomicUsize; MAX_BODIES] = [const { AtomicUsize::new(0) }; MAX_BODIES];
static ENDS: [AtomicUsize; MAX_BODIES] = [const { AtomicUsize::new(0) }; MAX_BODIES];
/// Entries `[0, COUNT)` are published (written before the count).
static COUNT: AtomicUsize = AtomicUsize::new(0);
/// Serialises writers (the JIT and start-up); readers never take it.
static APPEND: parking_lot::Mutex<()> = parking_lot::Mutex::new(());
static ENABLED: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// The signal used; Go uses it for the same purpose.
const SIGNAL: libc::c_int = libc::SIGURG;

/// Declares `[start, start + len)` to be compiled code without loop polls,
/// and turns asynchronous preemption on.
pub fn register_code(start: usize, len: usize) {
    if start == 0 || len == 0 {
        return;
    }
    let _g = APPEND.lock();
    let n = COUNT.load(Ordering::Relaxed);
    if n == MAX_BODIES {
        static FULL: Once = Once::new();
        FULL.call_once(|| eprintln!("gossamer: more than {MAX_BODIES} compiled functions; later ones cannot be preempted"));
        return;
    }
    STARTS[n].store(start, Ordering::Relaxed);
    ENDS[n].store(start + len, Ordering::Relaxed);
    COUNT.store(n + 1, Ordering::Release);
    INSTALL.call_once(install);
}

/// Whether compiled code runs in this process (so running threads may
/// need a signal to stop).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Acquire)
}

fn in_compiled_code(pc: usize) -> bool {
    let n = COUNT.load(Ordering::Acquire);
    (0..n).any(|i| pc >= STARTS[i].load(Ordering::Relaxed) && pc < ENDS[i].load(Ordering::Relaxed))
}

fn install() {
    // SAFETY: a plain sigaction with a handler of the SA_SIGINFO shape.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        if libc::sigaction(SIGNAL, &sa, std::ptr::null_mut()) != 0 {
            eprintln!("gossamer: cannot install the preemption signal handler; compiled loops cannot be interrupted");
            return;
        }
    }
    ENABLED.store(true, Ordering::Release);
}

/// The interrupted instruction pointer of a signal's context.
///
/// # Safety
/// `ctx` must be the `ucontext_t` the kernel passed to the handler.
unsafe fn interrupted_pc(ctx: *mut libc::c_void) -> usize {
    let uc = ctx as *const libc::ucontext_t;
    #[cfg(target_arch = "x86_64")]
    {
        (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize
    }
    #[cfg(target_arch = "aarch64")]
    {
        (*uc).uc_mcontext.pc as usize
    }
}

extern "C" fn on_signal(_sig: libc::c_int, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes the interrupted context.
    let pc = unsafe { interrupted_pc(ctx) };
    if !in_compiled_code(pc) {
        return;
    }
    // SAFETY: reading and restoring this thread's errno.
    let errno = unsafe { *libc::__errno_location() };
    // Compiled code holds no lock and is between two instructions of its
    // own: this is a safe point. The registers of the interrupted code are
    // in the signal frame, above this frame on the same stack.
    super::native_poll();
    unsafe { *libc::__errno_location() = errno };
}

/// Sends the preemption signal to every `Running` goroutine thread other
/// than the caller's. The caller holds the registry lock (`records`).
pub fn signal_running(records: &[std::sync::Arc<super::registry::ThreadRecord>]) {
    if !enabled() {
        return;
    }
    let me = super::registry::current();
    for r in records {
        if me.as_ref().is_some_and(|m| std::sync::Arc::ptr_eq(m, r)) {
            continue;
        }
        if r.state() == super::registry::GoState::Running {
            // SAFETY: the thread is registered, so it has not exited (it
            // unregisters under the same lock before it ends).
            unsafe { libc::pthread_kill(r.thread, SIGNAL) };
        }
    }
}
