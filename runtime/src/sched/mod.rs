//! The goroutine scheduler: goroutines as OS threads, proc tokens, blocking,
//! deadlock detection and the registry of goroutine threads.
//!
//! Design (see design/scheduler.md for the full story and the numbers):
//! every goroutine runs on its own OS thread (`thread`), so blocking is the
//! kernel's business and native code needs no cooperation. What Go's
//! scheduler adds on top is kept: at most `GOSSAMER_PROCS` goroutines hold a
//! *proc token* (`procs`) and execute Gossamer code at once; a blocking
//! operation gives its token up while it waits and takes one back when it
//! wakes; a goroutine holding a token for a whole time slice while others
//! wait is asked to yield.
//!
//! A *domain* is one running program: its goroutine count, ids, tokens and
//! deadlock accounting. The thread that first uses the scheduler (or calls
//! [`enter_main`]) becomes goroutine 1 of a new domain, and [`spawn`] hands
//! the caller's domain to the child. One domain per process is the normal
//! case; separate domains let test harnesses run programs side by side in
//! one process without one program's blocked `main` counting as another's
//! deadlock (the same reason `ProgramInfo` has a thread-local override).
//!
//! Deadlock: a domain counts its live goroutines and those *blocked* on a
//! channel, select, wait group or mutex, in one atomic word. A goroutine
//! counts itself blocked (under the lock of the object it waits on) before
//! it publishes its `WaitCell`; whoever claims the cell uncounts it, before
//! waking it. So `blocked == live` means no goroutine can ever make progress
//! (sleepers and goroutines in system calls are not counted blocked), and it
//! is checked at the two moments it can become true: when a goroutine
//! blocks and when one exits.
//!
//! Invariants: a goroutine holds exactly one token while it runs Gossamer
//! code and none while blocked, sleeping or in a system call; a `WaitCell`
//! is referenced by at most the queues it was published in, and by none once
//! its owner returns from the blocking operation.

pub mod park;
pub mod preempt;
pub mod procs;
pub mod registry;
mod thread;
pub use thread::on_own_stack;

pub use park::WaitCell;
pub use registry::{for_each_thread, GoState, ThreadRecord};

use crate::ProgramInfo;
use procs::Procs;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// One running program's scheduling state (see the module docs).
pub struct Domain {
    /// Live goroutines in the high half, blocked ones in the low half: one
    /// word, so the deadlock check reads a consistent pair.
    counts: AtomicU64,
    next_id: AtomicU64,
    /// The proc tokens.
    pub procs: Procs,
}

const LIVE: u64 = 1 << 32;
const BLOCKED_MASK: u64 = LIVE - 1;

impl Domain {
    /// Counts the calling goroutine as blocked forever unless someone claims
    /// its cell; reports the deadlock if that leaves nobody able to run.
    pub fn block(&self) {
        let new = self.counts.fetch_add(1, Ordering::SeqCst) + 1;
        if new & BLOCKED_MASK == new >> 32 {
            deadlock();
        }
    }

    /// Uncounts a blocked goroutine (called by the thread that claims its
    /// cell, before waking it).
    pub fn unblock(&self) {
        self.counts.fetch_sub(1, Ordering::SeqCst);
    }

    /// Live goroutines, `main` included.
    pub fn live(&self) -> u64 {
        self.counts.load(Ordering::SeqCst) >> 32
    }

    fn goroutine_exited(&self) {
        let new = self.counts.fetch_sub(LIVE, Ordering::SeqCst) - LIVE;
        let live = new >> 32;
        if live > 0 && new & BLOCKED_MASK == live {
            deadlock();
        }
    }
}

#[cold]
fn deadlock() -> ! {
    crate::panic::fatal("all goroutines are asleep - deadlock!")
}

/// A blocked goroutine as queued on a channel, wait group or mutex: its
/// cell and the domain whose blocked count the claimer must decrement.
#[derive(Clone)]
pub struct Waiter {
    pub cell: Arc<WaitCell>,
    pub domain: &'static Domain,
}

impl Waiter {
    /// The calling goroutine's waiter, reset for a new wait.
    pub fn current() -> Waiter {
        let cell = OP_CELL.with(|c| c.clone());
        cell.reset();
        Waiter { cell, domain: domain() }
    }

    /// Claims the waiter (see `WaitCell::try_claim`), uncounting it as
    /// blocked when the claim wins.
    pub fn claim(&self) -> bool {
        if self.cell.try_claim() {
            self.domain.unblock();
            true
        } else {
            false
        }
    }

    /// Whether `other` is the same waiter.
    pub fn is(&self, other: &Waiter) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }
}

/// The calling thread's operation cell (see `OP_CELL`).
fn op_cell() -> Arc<WaitCell> {
    OP_CELL.with(|c| c.clone())
}

static NEVER: AtomicBool = AtomicBool::new(false);

thread_local! {
    static DOMAIN: Cell<Option<&'static Domain>> = const { Cell::new(None) };
    static PREEMPT: Cell<*const AtomicBool> = const { Cell::new(&NEVER) };
    /// The cell this goroutine parks on in channel, select, wait group and
    /// mutex operations.
    static OP_CELL: Arc<WaitCell> = Arc::new(WaitCell::new());
    /// A second cell for the token queue, so that re-acquiring a token never
    /// reuses a cell that a select's other channels may still reference.
    static TOKEN_CELL: Arc<WaitCell> = Arc::new(WaitCell::new());
}

/// How many proc tokens a new domain gets: `GOSSAMER_PROCS`, else the CPU
/// count. A value that is not a positive integer is a fatal error (Go
/// ignores a bad `GOMAXPROCS`; failing loudly is kinder than guessing).
pub fn procs_from_env() -> usize {
    match std::env::var("GOSSAMER_PROCS") {
        Ok(s) => match s.trim().parse::<usize>() {
            Ok(n) if (1..=1 << 16).contains(&n) => n,
            _ => crate::panic::fatal(&format!("GOSSAMER_PROCS={s:?}: expected a whole number from 1 to 65536")),
        },
        Err(_) => cpu_count(),
    }
}

/// The number of CPUs this process may run on (its affinity mask), as Go
/// counts them for `GOMAXPROCS`; asked once. Not std's
/// `available_parallelism`, which also reads the cgroup's CPU quota from
/// /proc and /sys: eleven system calls, 30 to 45 microseconds of every
/// program's start-up on the 2-core machine, for a limit Go (before 1.25)
/// does not apply either. `GOSSAMER_PROCS` sets the bound under a quota.
pub fn cpu_count() -> usize {
    static CPUS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CPUS.get_or_init(|| {
        // SAFETY: a zeroed cpu_set_t is a valid empty set, which
        // sched_getaffinity fills for the calling thread.
        let n = unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
                libc::CPU_COUNT(&set) as usize
            } else {
                0
            }
        };
        // More CPUs than a cpu_set_t holds (1024) fail with EINVAL: std
        // asks with a larger set.
        if n > 0 {
            n
        } else {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        }
    })
}

/// Says that no frame of the calling thread above address `addr` (an
/// address in the thread's outermost Rust frame) holds heap objects, so
/// the collector scans this thread's stack only below it; without a hint
/// it scans up to the top of the stack mapping, which includes the
/// thread's static TLS (several KiB, glibc keeps it there). Call before
/// the thread becomes a goroutine thread (`enter_main`).
pub fn set_stack_top_hint(addr: usize) {
    thread::STACK_TOP_HINT.with(|h| h.set(addr));
}

/// Makes the calling thread goroutine 1 (`main`) of a new domain with
/// `GOSSAMER_PROCS` tokens, holding one. The VM calls this once before it
/// runs `main`; a thread that uses the scheduler without calling it enters
/// a new domain automatically.
pub fn enter_main() {
    enter_main_with(procs_from_env());
}

/// [`enter_main`] with an explicit token count (tests, embedders).
pub fn enter_main_with(procs: usize) {
    let d: &'static Domain =
        Box::leak(Box::new(Domain { counts: AtomicU64::new(LIVE), next_id: AtomicU64::new(2), procs: Procs::new(procs.max(1)) }));
    procs::watch(&d.procs);
    thread::prepare_current_thread(true);
    DOMAIN.with(|c| c.set(Some(d)));
    PREEMPT.with(|c| c.set(&d.procs.preempt));
    crate::panic::set_goroutine_id(1);
    TOKEN_CELL.with(|c| d.procs.acquire(c));
    registry::set_running(1);
    restart_slice();
}

/// The calling goroutine's domain (entering a new one if needed).
pub fn domain() -> &'static Domain {
    match DOMAIN.with(|c| c.get()) {
        Some(d) => d,
        None => {
            enter_main();
            DOMAIN.with(|c| c.get()).expect("enter_main sets the domain")
        }
    }
}

/// Starts a goroutine running `entry` on a (cached) thread. The goroutine
/// belongs to the caller's domain and program, and runs once it has a proc
/// token (until then it waits in the token queue without a thread). Failing
/// to create a thread is a fatal error, as in Go.
pub fn spawn(entry: Box<dyn FnOnce() + Send>) {
    procs::start_monitor();
    let d = domain();
    d.counts.fetch_add(LIVE, Ordering::SeqCst);
    let id = d.next_id.fetch_add(1, Ordering::Relaxed);
    let program: &'static ProgramInfo = crate::program();
    let job: thread::Job = Box::new(move || goroutine_main(d, id, program, entry));
    // The new goroutine runs holding a token taken here, or queues (without
    // a thread) until a `release` hands it one.
    if let Some(job) = d.procs.submit(job) {
        thread::run(job);
    }
}

fn goroutine_main(d: &'static Domain, id: u64, program: &'static ProgramInfo, entry: Box<dyn FnOnce() + Send>) {
    DOMAIN.with(|c| c.set(Some(d)));
    PREEMPT.with(|c| c.set(&d.procs.preempt));
    crate::set_thread_program(program);
    crate::panic::set_goroutine_id(id);
    registry::set_running(id);
    restart_slice();
    entry();
    crate::gc::release_cache();
    registry::clear_vm_stack();
    registry::set_idle();
    d.procs.release();
    DOMAIN.with(|c| c.set(None));
    PREEMPT.with(|c| c.set(&NEVER));
    d.goroutine_exited();
}

/// Whether the running goroutine should call [`yield_now`]: one relaxed
/// load, cheap enough for every loop back-edge and call.
#[inline]
pub fn preempt_requested() -> bool {
    // SAFETY: the pointer is `NEVER` or a leaked domain's flag: 'static.
    PREEMPT.with(|p| unsafe { (*p.get()).load(Ordering::Relaxed) })
}

/// The word compiled code tests at loop back-edges and function entries
/// (it cannot read the thread-local preemption flag the VM reads cheaply):
/// nonzero when some goroutine has been asked to reach a safe point, by the
/// scheduler's monitor (a time slice is over) or by the collector. One
/// global word for every goroutine, so a raise makes every goroutine in
/// compiled code call [`native_poll`] once; that is rare (a collection, or a
/// time slice with goroutines waiting for a token).
#[no_mangle]
pub static gos_poll_word: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Raises the poll word (after setting the flag it stands for).
pub(crate) fn raise_poll_word() {
    gos_poll_word.store(1, Ordering::SeqCst);
}

/// What compiled code calls when the poll word is set: a preemption point
/// and the collector's safe point.
///
/// The word is cleared before the stop flag is read, and raised again by a
/// goroutine that finds a collection in progress: a collector sets its flag
/// before it raises the word, so whichever order the two threads' steps
/// take, a goroutine that has not stopped yet still sees the word raised.
pub fn native_poll() {
    gos_poll_word.store(0, Ordering::SeqCst);
    if crate::gc::stop_requested() {
        raise_poll_word();
    }
    yield_now();
}

thread_local! {
    /// When the running goroutine's time slice began, on the coarse
    /// monotonic clock (see [`restart_slice`]).
    static SLICE_START: Cell<u64> = const { Cell::new(0) };
}

/// The coarse monotonic clock in nanoseconds: a few nanoseconds to read
/// (no `rdtsc`), with the kernel tick's resolution (1-4 ms), which is
/// plenty for 10 ms slices and cheap enough for every token hand-off.
fn coarse_now_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Starts a new time slice for the calling goroutine: when it takes a
/// token, and when the world restarts after a collection it was stopped
/// for (the pause was not its own running time; the collecting goroutine's
/// slice goes on).
pub(crate) fn restart_slice() {
    SLICE_START.with(|s| s.set(coarse_now_ns()));
}

/// Whether the calling goroutine has run for at least half a slice since
/// its slice began. Half: the monitor asks only after a whole slice
/// without a hand-off, so a goroutine that answers "not yet" is one whose
/// slice a collection restarted (and the coarse clock's tick is the error).
fn slice_used() -> bool {
    coarse_now_ns().saturating_sub(SLICE_START.with(|s| s.get())) >= procs::SLICE.as_nanos() as u64 / 2
}

/// The preemption point (the VM calls it when [`preempt_requested`], compiled
/// code through [`native_poll`]): gives the proc token to the goroutine at
/// the head of the token queue (if any) and takes one back behind it, if
/// the calling goroutine's own time slice is used up.
///
/// A goroutine whose slice restarted with the world after a collection
/// keeps running: the monitor asks every token holder at once when no
/// hand-off happened for a slice, and it counts the pause as part of that
/// slice, so without this check every collection was followed by every
/// running goroutine giving its token away, most often to a `go` not
/// started yet (bench/seeds: each collection left more half-built maps
/// alive). The goroutine that collected is not excused: its slice goes on,
/// so a `main` collecting in a loop still lets others run
/// (tests/programs/gc/spinning_goroutine.gos under one proc).
///
/// Also the collector's safe point: a goroutine asked to stop for a
/// collection stops here until it ends.
pub fn yield_now() {
    let d = domain();
    d.procs.preempt.store(false, Ordering::Relaxed);
    // A goroutine stopped by a collection keeps its token when the world
    // restarts: the collector raises the same flag as a time slice, and
    // yielding here handed the token to the next goroutine waiting, most
    // often a `go` not started yet, after every collection, so each
    // collection left one more goroutine alive with its half-built data
    // (bench/seeds: hundreds of threads and 700 MB live at T = 10,000). A
    // time slice that ends during a collection is asked for again by the
    // monitor's next tick.
    if crate::gc::safepoint() {
        return;
    }
    if !d.procs.has_waiters() || !slice_used() {
        return;
    }
    without_token(GoState::Runnable, || ());
}

/// An explicit yield (`time::sleep(0)`): gives the token to the head of the
/// token queue whatever is left of the slice, and takes one back behind it.
pub fn gosched() {
    let d = domain();
    if crate::gc::safepoint() {
        return;
    }
    if !d.procs.has_waiters() {
        return;
    }
    without_token(GoState::Runnable, || ());
}

/// Runs `wait` without the proc token, the thread's registry entry saying
/// `state` (and publishing its stack top, with the callee-saved registers
/// spilled below it, for the collector). `wait` must not run Gossamer code
/// or touch the heap. Coming back, the goroutine takes a token and then
/// waits for any collection in progress to end.
pub fn without_token<R>(state: GoState, wait: impl FnOnce() -> R) -> R {
    let d = domain();
    crate::gc::release_cache();
    crate::gc::with_spilled_registers(|sp| {
        registry::set_blocked(state, sp);
        d.procs.release();
        let r = wait();
        TOKEN_CELL.with(|c| d.procs.acquire(c));
        registry::resume_running();
        restart_slice();
        r
    })
}

/// Parks the calling goroutine until `w` is completed. The caller has
/// counted it blocked and published it, and holds no lock.
pub fn park(w: &Waiter) {
    // Read before the token goes back: goroutines queued for a token now
    // mean every CPU the runtime may use is taken (see `wait_with`).
    let spin = !domain().procs.has_waiters();
    without_token(GoState::Blocked, || w.cell.wait_with(spin));
}

/// Blocks the calling goroutine forever (a `select` with no arms).
pub fn block_forever() -> ! {
    let w = Waiter::current();
    w.domain.block();
    park(&w);
    unreachable!("nobody can claim a cell that was never published")
}

/// `time::sleep`: sleeps `ms` milliseconds without holding a token. A
/// sleeping goroutine is not blocked forever, so it never counts towards a
/// deadlock.
pub fn sleep_ms(ms: i64) {
    if ms <= 0 {
        gosched();
        return;
    }
    without_token(GoState::Sleeping, || std::thread::sleep(std::time::Duration::from_millis(ms as u64)));
}

/// Runs a blocking system call (a stdin read) without holding a token.
pub fn syscall<R>(call: impl FnOnce() -> R) -> R {
    without_token(GoState::Syscall, call)
}

/// Live goroutines of the caller's domain, `main` included.
pub fn num_goroutine() -> i64 {
    domain().live() as i64
}

/// A per-thread xorshift generator for `select`'s random choice, seeded
/// from the thread's stack address so that threads differ.
pub fn fastrand(n: usize) -> usize {
    thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }
    STATE.with(|s| {
        let mut x = s.get();
        if x == 0 {
            x = (s as *const Cell<u64> as u64) | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (((x >> 32) * n as u64) >> 32) as usize
    })
}

#[cfg(test)]
pub(crate) mod tests;
