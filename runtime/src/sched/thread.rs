//! Goroutine threads: creation with a small stack, the cache of idle
//! threads that makes `go` a hand-off instead of a `clone`, and the
//! stack-overflow handler.
//!
//! Design: threads are made with `pthread_create` and a
//! `pthread_attr_setstacksize` of `GOSSAMER_STACK_KB` (default
//! [`DEFAULT_STACK_KB`]) plus a one-page guard; glibc maps stack and guard
//! as one mapping split in two, so a thread costs two memory maps (std's
//! threads cost four, which is why they stop near 16,300 threads against
//! `vm.max_map_count` 65530) and reuses stacks of exited threads from its
//! own cache. A goroutine that returns leaves its thread in [`IDLE`], a
//! bounded stack of parked threads; `run` pops one, writes the job into its
//! slot and completes its `WaitCell`, which costs a few atomics when the
//! thread is still spinning and one futex wake when it sleeps.
//!
//! Stack overflow: every goroutine thread gets a small alternate signal
//! stack (`sigaltstack`, carved from a shared region, so no extra map) and the process one
//! SIGSEGV/SIGBUS handler that runs on it. The handler compares the fault
//! address with the faulting thread's guard zone (kept in a plain
//! thread-local, readable from a signal handler): inside, it flushes stdout
//! if it can take the lock without waiting, prints `fatal error: stack
//! overflow` and exits 2; anywhere else it chains to the handler installed
//! before it (std's, which reports overflows of std threads), or restores
//! the default action and returns, so the fault repeats and kills the
//! process as it would have.
//!
//! Rejected: `std::thread` (four maps and a larger minimum footprint per
//! thread, and its own SIGSEGV handler only covers its own threads) and
//! mmap'ed stacks with `pthread_attr_setstack` (same two maps, but the
//! stacks of threads that leave the cache could never be unmapped safely
//! without a join, which detached threads do not have).

use super::park::WaitCell;
use parking_lot::Mutex;
use std::cell::Cell;
use std::sync::Arc;

/// Default reserved stack per goroutine, in KiB. Reservation is address
/// space only: pages count towards RSS once touched, so a goroutine that
/// stays shallow costs a few pages whatever this is. Larger reservations let
/// deep recursion (the VM's interpreter frames are large) run in goroutines;
/// smaller ones only save address space, of which 30,000 × 256 KiB = 7.5 GiB
/// is nothing on 64-bit. Go starts at 8 KiB but can move stacks; we cannot.
pub const DEFAULT_STACK_KB: usize = 256;

/// Bound on parked threads in the cache. Each parked thread keeps its
/// touched stack pages and a kernel task; 1024 of them cost a few MiB and
/// cover any realistic burst of short goroutines, while a program that once
/// ran 30,000 goroutines does not keep 30,000 threads forever.
const MAX_IDLE: usize = 1024;

/// The alternate signal stack of each goroutine thread (see [`AltPool`]). The handler only
/// compares addresses and writes a line, but the kernel's signal frame with
/// AVX-512 state takes about 3.5 KiB; 16 KiB leaves room for both.
const ALT_STACK_BYTES: usize = 16 * 1024;

/// A goroutine's body, ready to run on a thread.
pub type Job = Box<dyn FnOnce() + Send>;

/// A thread in (or leaving) the cache: its job slot and wake-up cell.
struct Worker {
    job: Mutex<Option<Job>>,
    wake: WaitCell,
}

static IDLE: Mutex<Vec<Arc<Worker>>> = Mutex::new(Vec::new());

thread_local! {
    /// The faulting thread's guard zone `[lo, hi)`, read by the handler.
    static GUARD: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// The stack reservation in bytes, from `GOSSAMER_STACK_KB` (read once).
pub fn stack_bytes() -> usize {
    static BYTES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *BYTES.get_or_init(|| match std::env::var("GOSSAMER_STACK_KB") {
        Ok(s) => match s.trim().parse::<usize>() {
            Ok(kb) if (64..=1 << 20).contains(&kb) => kb * 1024,
            _ => crate::panic::fatal(&format!("GOSSAMER_STACK_KB={s:?}: expected a whole number of KiB from 64 to 1048576")),
        },
        Err(_) => DEFAULT_STACK_KB * 1024,
    })
}

/// Runs `job` on a cached thread, or on a new one when none is idle.
pub fn run(job: Job) {
    let worker = IDLE.lock().pop();
    match worker {
        Some(w) => {
            *w.job.lock() = Some(job);
            if w.wake.try_claim() {
                w.wake.complete();
            }
        }
        None => create_thread(job),
    }
}

fn create_thread(job: Job) {
    let arg = Box::into_raw(Box::new(job));
    // SAFETY: the attribute object is initialised before use and destroyed
    // after; `thread_start` takes ownership of `arg` exactly once, and we
    // reclaim it only if the thread was not created.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        libc::pthread_attr_init(&mut attr);
        libc::pthread_attr_setstacksize(&mut attr, stack_bytes());
        libc::pthread_attr_setguardsize(&mut attr, page_size());
        libc::pthread_attr_setdetachstate(&mut attr, libc::PTHREAD_CREATE_DETACHED);
        let mut t: libc::pthread_t = std::mem::zeroed();
        let rc = libc::pthread_create(&mut t, &attr, thread_start, arg as *mut libc::c_void);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            drop(Box::from_raw(arg));
            let threads = { super::registry::thread_count() };
            crate::panic::fatal(&format!("runtime: failed to create new OS thread (have {threads} already; errno={rc})"));
        }
    }
}

extern "C" fn thread_start(arg: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: `arg` is the box leaked by `create_thread` for this thread.
    let job = unsafe { Box::from_raw(arg as *mut Job) };
    // Nothing above this frame holds heap objects (only glibc's thread
    // start and the thread's static TLS, which glibc keeps at the top of
    // the stack): the collector scans from here down.
    let top = 0u8;
    super::set_stack_top_hint(std::hint::black_box(&top) as *const u8 as usize);
    let alt = prepare_current_thread(false);
    let worker = Arc::new(Worker { job: Mutex::new(None), wake: WaitCell::new() });
    let mut next: Option<Job> = Some(*job);
    while let Some(job) = next.take() {
        // A Rust panic here is a runtime bug (Gossamer panics exit the
        // process): unwinding out of an `extern "C"` function would abort
        // without a word, so say what happened first.
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)) {
            let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
            crate::stdout::stderr_write(format!("fatal error: runtime bug in goroutine: {}\n", msg.unwrap_or_default()).as_bytes());
            std::process::abort();
        }
        worker.wake.reset();
        {
            let mut idle = IDLE.lock();
            if idle.len() >= MAX_IDLE {
                break;
            }
            idle.push(worker.clone());
        }
        worker.wake.wait();
        next = worker.job.lock().take();
    }
    super::registry::unregister_current();
    if let Some(alt) = alt {
        disable_alt_stack(alt);
    }
    std::ptr::null_mut()
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}

/// Registers the calling thread (stack bounds, guard zone, alternate signal
/// stack) and installs the fault handler once per process. `main` is true
/// for a domain's first thread, whose guard is the kernel's stack gap.
/// Returns the alternate stack to free when the thread exits.
pub(super) fn prepare_current_thread(main: bool) -> Option<*mut u8> {
    install_handler();
    let own = OWN_STACK.with(|s| s.get());
    let (lo, hi, guard) = if own.1 != 0 { own } else { current_stack() };
    let scan_hi = match STACK_TOP_HINT.with(|h| h.get()) {
        h if h > lo && h < hi => h,
        _ => hi,
    };
    super::registry::register_current(lo, scan_hi, super::op_cell());
    let page = page_size();
    // Below the process's main thread's stack the kernel keeps a gap of 256
    // pages (`stack_guard_gap`); below other threads, glibc's guard page;
    // below a stack of `on_own_stack`, the guard it mapped.
    let zone = if main && own.1 == 0 { 256 * page + guard } else { guard + page };
    GUARD.with(|g| g.set((lo.saturating_sub(zone), lo + page)));
    // A thread that already has an alternate stack (the main thread of a
    // second domain) keeps it.
    // SAFETY: querying the current alternate stack only writes `old`.
    let mut old: libc::stack_t = unsafe { std::mem::zeroed() };
    unsafe { libc::sigaltstack(std::ptr::null(), &mut old) };
    if old.ss_flags & libc::SS_DISABLE == 0 {
        return None;
    }
    let mem = alloc_alt_stack();
    let st = libc::stack_t { ss_sp: mem as *mut libc::c_void, ss_flags: 0, ss_size: ALT_STACK_BYTES };
    // SAFETY: `mem` is a live allocation of `ALT_STACK_BYTES` that outlives
    // its use as the alternate stack (freed only after it is disabled).
    unsafe { libc::sigaltstack(&st, std::ptr::null_mut()) };
    if main {
        // The main thread never exits through `thread_start`: keep it.
        None
    } else {
        Some(mem)
    }
}

/// Alternate signal stacks are carved from large `MAP_NORESERVE` regions
/// of [`ALT_REGION_SLOTS`] slots, with the free list kept outside them:
/// a slot's pages are never touched unless a signal runs on it, so an
/// alternate stack costs neither RSS (malloc would write chunk headers into
/// two of its pages) nor a memory map per thread (an mmap each would).
struct AltPool {
    /// Next never-used slot of the current region, and the region's end.
    next: usize,
    end: usize,
    free: Vec<usize>,
}

/// Slots per region: 4096 × 16 KiB = 64 MiB of address space per map.
const ALT_REGION_SLOTS: usize = 4096;

static ALT_POOL: Mutex<AltPool> = Mutex::new(AltPool { next: 0, end: 0, free: Vec::new() });

fn alloc_alt_stack() -> *mut u8 {
    let mut pool = ALT_POOL.lock();
    if let Some(p) = pool.free.pop() {
        return p as *mut u8;
    }
    if pool.next == pool.end {
        let bytes = ALT_REGION_SLOTS * ALT_STACK_BYTES;
        let p = crate::gc::pages::reserve(bytes, "signal stacks");
        pool.next = p as usize;
        pool.end = p as usize + bytes;
    }
    let p = pool.next;
    pool.next += ALT_STACK_BYTES;
    p as *mut u8
}

fn disable_alt_stack(mem: *mut u8) {
    let st = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 };
    // SAFETY: disabling is always valid; afterwards nothing uses `mem`,
    // whose slot goes back to the pool.
    unsafe {
        libc::sigaltstack(&st, std::ptr::null_mut());
    }
    ALT_POOL.lock().free.push(mem as usize);
}

thread_local! {
    /// See [`super::set_stack_top_hint`].
    pub(super) static STACK_TOP_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// The stack [`on_own_stack`] mapped for the calling thread, `(lo, hi,
    /// guard size)`, while the thread runs on it; `(0, 0, 0)` otherwise.
    static OWN_STACK: Cell<(usize, usize, usize)> = const { Cell::new((0, 0, 0)) };
}

/// The inaccessible zone [`on_own_stack`] maps below a stack: a function
/// whose frame is larger than this could step over it, so it is far larger
/// than any frame the compilers emit (address space only).
const OWN_GUARD_BYTES: usize = 1 << 20;

/// Runs `body` on the calling thread, on a stack of `bytes` mapped for it
/// (address space: pages cost memory once touched) with an inaccessible
/// guard zone below, so that an overflow is reported as a goroutine's
/// (`fatal error: stack overflow`). The way goroutine 1 gets a deep stack
/// without a thread of its own: creating one, and waking the waiting
/// thread when it ended, cost a built hello world about 0.1 ms of its
/// 1.6 ms (design/scheduler.md). Returns what `body` returns, or the
/// payload of a Rust panic that escaped it (a runtime bug: the panic hook
/// has printed it). For a thread that runs goroutine 1 ([`super::enter_main`]
/// inside `body`): it leaves the collector's registry before the stack is
/// unmapped, and the thread must not run Gossamer code again afterwards.
/// With `unmap` false the stack stays mapped, for a caller that ends the
/// process next: its exit reclaims the mapping for free, where an munmap
/// with other threads alive interrupts every CPU they ran on to flush its
/// TLB.
pub fn on_own_stack<R>(bytes: usize, unmap: bool, body: impl FnOnce() -> R) -> std::thread::Result<R> {
    let page = page_size();
    let bytes = bytes.div_ceil(page) * page;
    let total = bytes + OWN_GUARD_BYTES;
    // Its lowest part is made inaccessible before anything runs on it.
    let base = crate::gc::pages::reserve(total, "the main goroutine's stack") as *mut libc::c_void;
    // SAFETY: the guard is the first OWN_GUARD_BYTES of the mapping above.
    if unsafe { libc::mprotect(base, OWN_GUARD_BYTES, libc::PROT_NONE) } != 0 {
        crate::panic::fatal("runtime: cannot protect the main goroutine's stack guard");
    }
    // The collector learns a thread's stack once, when it registers: one
    // registered before would keep the bounds of the stack it started on.
    debug_assert!(super::registry::current().is_none(), "on_own_stack on a registered thread");
    let lo = base as usize + OWN_GUARD_BYTES;
    OWN_STACK.with(|s| s.set((lo, lo + bytes, OWN_GUARD_BYTES)));
    let guard_before = GUARD.with(|g| g.get());
    // SAFETY: `[lo, lo + bytes)` is mapped read-write, page-aligned, and
    // stays mapped until `on_stack` has returned; nothing else uses it.
    let result = unsafe {
        psm::on_stack(lo as *mut u8, bytes, || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                // Nothing above this frame holds heap objects.
                let top = 0u8;
                super::set_stack_top_hint(std::hint::black_box(&top) as *const u8 as usize);
                let r = body();
                // Off the registry while still on the stack it names.
                super::registry::unregister_current();
                r
            }))
        })
    };
    super::registry::unregister_current();
    OWN_STACK.with(|s| s.set((0, 0, 0)));
    GUARD.with(|g| g.set(guard_before));
    if unmap {
        // SAFETY: nothing runs on the stack any more and the collector no
        // longer knows it.
        unsafe { libc::munmap(base, total) };
    }
    result
}

/// The calling thread's stack `(lo, hi, guard size)`.
fn current_stack() -> (usize, usize, usize) {
    // SAFETY: the attribute object is filled by pthread_getattr_np before
    // it is read and destroyed after.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return (0, 0, 0);
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let mut guard: libc::size_t = 0;
        libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_getguardsize(&attr, &mut guard);
        libc::pthread_attr_destroy(&mut attr);
        (addr as usize, addr as usize + size, guard)
    }
}

/// The SIGSEGV and SIGBUS handlers installed before ours (std's, which
/// reports overflows of std threads' stacks), to chain to for faults that
/// are not in a goroutine's guard zone. Written once, before our handler
/// is installed, and only read afterwards.
static mut PREVIOUS: [Option<libc::sigaction>; 2] = [None, None];

fn install_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for (i, sig) in [libc::SIGSEGV, libc::SIGBUS].into_iter().enumerate() {
            // SAFETY: the handler is an `extern "C"` function with the
            // SA_SIGINFO signature; the mask is initialised before use;
            // `PREVIOUS[i]` is written before the handler that reads it can
            // run, and never again.
            unsafe {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = on_fault as *const () as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut sa.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, std::ptr::null(), &mut old) == 0 {
                    (*std::ptr::addr_of_mut!(PREVIOUS))[i] = Some(old);
                }
                libc::sigaction(sig, &sa, std::ptr::null_mut());
            }
        }
    });
}

extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for SIGSEGV/SIGBUS.
    let addr = unsafe { (*info).si_addr() } as usize;
    let (lo, hi) = GUARD.with(|g| g.get());
    if lo <= addr && addr < hi {
        crate::stdout::flush_for_fatal_signal();
        let msg = b"fatal error: stack overflow\n";
        // SAFETY: write and _exit are async-signal-safe.
        unsafe {
            libc::write(2, msg.as_ptr() as *const libc::c_void, msg.len());
            libc::_exit(2);
        }
    }
    // Not ours: hand it to the previous handler (std reports overflows of
    // its own threads' stacks), else let the fault happen again with the
    // default action.
    let i = if sig == libc::SIGSEGV { 0 } else { 1 };
    // SAFETY: `PREVIOUS` is only read here (see its docs); a SA_SIGINFO
    // handler is called with the arguments we received; restoring the
    // default disposition is async-signal-safe.
    unsafe {
        if let Some(prev) = (*std::ptr::addr_of!(PREVIOUS))[i] {
            let h = prev.sa_sigaction;
            if h != libc::SIG_DFL && h != libc::SIG_IGN && h != on_fault as *const () as usize {
                if prev.sa_flags & libc::SA_SIGINFO != 0 {
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) = std::mem::transmute(h);
                    f(sig, info, ctx);
                } else {
                    let f: extern "C" fn(libc::c_int) = std::mem::transmute(h);
                    f(sig);
                }
                return;
            }
        }
        libc::signal(sig, libc::SIG_DFL);
    }
}
