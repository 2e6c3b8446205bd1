//! The registry of goroutine threads: what the stop-the-world collector will
//! need to find and scan every goroutine's stack.
//!
//! Design: every thread that runs goroutines (goroutine 1's thread and every
//! thread of the spawn cache) registers one `ThreadRecord` for its lifetime:
//! its pthread handle, its stack bounds, the goroutine it runs (0 while it
//! sits idle in the cache), that goroutine's state, and the stack pointer it
//! published when it last stopped running Gossamer code. The collector will
//! walk the records under the registry lock (which also stops threads from
//! registering or leaving): a thread whose state is not `Running` has
//! published `sp` before releasing its token and must re-take the registry's
//! stop flag before it runs Gossamer code again, so its stack `[sp, hi)` can
//! be scanned in place; a `Running` thread is sent a signal whose handler
//! saves its registers and waits (see design/scheduler.md).
//!
//! Rejected: discovering threads through `/proc/self/task` (no stack bounds,
//! and racy against threads starting) and a lock-free list (registration is
//! once per thread, not per goroutine, so a mutex costs nothing).

use super::park::WaitCell;
use parking_lot::Mutex;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// What a goroutine thread is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum GoState {
    /// In the spawn cache, running no goroutine.
    Idle = 0,
    /// Executing Gossamer code (holding a proc token).
    Running = 1,
    /// Parked on a channel, select, wait group or mutex.
    Blocked = 2,
    /// In `time::sleep`.
    Sleeping = 3,
    /// In a blocking system call (stdin).
    Syscall = 4,
    /// Stopped for a collection (at a safe point, or on its way back to
    /// `Running` while one is in progress).
    Stopped = 5,
    /// Gave its token up at a preemption point and waits for one.
    Runnable = 6,
}

impl GoState {
    fn from_u32(v: u32) -> GoState {
        match v {
            1 => GoState::Running,
            2 => GoState::Blocked,
            3 => GoState::Sleeping,
            4 => GoState::Syscall,
            5 => GoState::Stopped,
            6 => GoState::Runnable,
            _ => GoState::Idle,
        }
    }
}

/// One goroutine thread, as the collector will see it.
pub struct ThreadRecord {
    /// The thread, for `pthread_kill` when the world stops.
    pub thread: libc::pthread_t,
    /// The lowest usable stack address.
    pub stack_lo: usize,
    /// One past the highest stack address.
    /// One past the highest stack address the collector scans (below the
    /// thread's TLS when the thread gave a hint, see `set_stack_top_hint`).
    pub stack_hi: usize,
    goroutine: AtomicU64,
    state: AtomicU32,
    sp: AtomicUsize,
    /// The goroutine's interpreter register stack `[vm_lo, vm_top)` (0, 0
    /// when it has none): scanned like the native stack.
    vm_lo: AtomicUsize,
    vm_top: AtomicUsize,
    /// The cell the thread's goroutines park on: a value handed to a parked
    /// receiver waits there until the receiver runs.
    cell: Arc<WaitCell>,
}

impl ThreadRecord {
    /// The goroutine running on the thread (0: idle).
    pub fn goroutine(&self) -> u64 {
        self.goroutine.load(Ordering::Acquire)
    }
    /// The goroutine's state.
    pub fn state(&self) -> GoState {
        GoState::from_u32(self.state.load(Ordering::Acquire))
    }
    /// The stack pointer published when the goroutine last stopped running
    /// Gossamer code (meaningful unless `Running`).
    pub fn published_sp(&self) -> usize {
        self.sp.load(Ordering::Acquire)
    }
    /// A word possibly in flight to this thread's goroutine (a value handed
    /// over by a channel operation that the goroutine has not returned
    /// yet): a conservative root for the collector.
    pub fn in_flight_value(&self) -> u64 {
        self.cell.value()
    }
    /// The interpreter register stack in use, `[lo, top)`.
    pub fn vm_stack(&self) -> (usize, usize) {
        (self.vm_lo.load(Ordering::Acquire), self.vm_top.load(Ordering::Acquire))
    }
    pub(crate) fn state_word(&self) -> &AtomicU32 {
        &self.state
    }
    pub(crate) fn publish_sp(&self, sp: usize) {
        self.sp.store(sp, Ordering::SeqCst);
    }
}

static REGISTRY: Mutex<Vec<Arc<ThreadRecord>>> = Mutex::new(Vec::new());

/// The calling thread's record; dropping it (at thread exit) leaves the
/// registry, saying `Idle` first so that a collection waiting for this
/// thread to stop does not wait for it.
struct Holder(RefCell<Option<Arc<ThreadRecord>>>);

impl Drop for Holder {
    fn drop(&mut self) {
        if let Some(rec) = self.0.borrow_mut().take() {
            rec.state.store(GoState::Idle as u32, Ordering::SeqCst);
            REGISTRY.lock().retain(|x| !Arc::ptr_eq(x, &rec));
        }
    }
}

thread_local! {
    static RECORD: Holder = const { Holder(RefCell::new(None)) };
}

/// Registers the calling thread with stack `[lo, hi)` (once per thread).
pub(crate) fn register_current(lo: usize, hi: usize, cell: Arc<WaitCell>) {
    RECORD.with(|r| {
        let r = &r.0;
        if r.borrow().is_some() {
            return;
        }
        // SAFETY: pthread_self has no preconditions.
        let rec = Arc::new(ThreadRecord {
            thread: unsafe { libc::pthread_self() },
            stack_lo: lo,
            stack_hi: hi,
            goroutine: AtomicU64::new(0),
            state: AtomicU32::new(GoState::Idle as u32),
            sp: AtomicUsize::new(hi),
            vm_lo: AtomicUsize::new(0),
            vm_top: AtomicUsize::new(0),
            cell,
        });
        REGISTRY.lock().push(rec.clone());
        *r.borrow_mut() = Some(rec);
    });
}

/// Removes the calling thread's record (the thread is about to exit).
pub(crate) fn unregister_current() {
    RECORD.with(|r| {
        if let Some(rec) = r.0.borrow_mut().take() {
            rec.state.store(GoState::Idle as u32, Ordering::SeqCst);
            REGISTRY.lock().retain(|x| !Arc::ptr_eq(x, &rec));
        }
    });
}

fn with_record(f: impl FnOnce(&ThreadRecord)) {
    RECORD.with(|r| {
        if let Some(rec) = r.0.borrow().as_ref() {
            f(rec)
        }
    });
}

/// The calling thread's record, if it is a goroutine thread.
pub fn current() -> Option<Arc<ThreadRecord>> {
    RECORD.try_with(|r| r.0.borrow().clone()).ok().flatten()
}

/// Starts goroutine `goroutine` on the calling thread: it becomes
/// `Running` once no collection is in progress (see `gc::enter_running`).
pub(crate) fn set_running(goroutine: u64) {
    with_record(|r| {
        r.goroutine.store(goroutine, Ordering::Release);
        crate::gc::enter_running(r);
    });
}

/// Returns the calling goroutine to `Running` after a wait, once no
/// collection is in progress.
pub(crate) fn resume_running() {
    with_record(crate::gc::enter_running);
}

/// Declares the calling thread's interpreter register stack, which starts
/// at `lo`; returns the word the interpreter keeps the stack's top in
/// (a dummy for threads that are not goroutine threads).
pub fn set_vm_stack(lo: usize) -> *const AtomicUsize {
    static DUMMY: AtomicUsize = AtomicUsize::new(0);
    let mut top: *const AtomicUsize = &DUMMY;
    with_record(|r| {
        r.vm_top.store(lo, Ordering::Release);
        r.vm_lo.store(lo, Ordering::Release);
        top = &r.vm_top;
    });
    top
}

/// Forgets the calling thread's register stack (its goroutine ended).
pub fn clear_vm_stack() {
    with_record(|r| {
        r.vm_lo.store(0, Ordering::Release);
        r.vm_top.store(0, Ordering::Release);
    });
}

/// The registry's lock: held by the collector for a whole collection.
pub(crate) fn lock() -> parking_lot::MutexGuard<'static, Vec<Arc<ThreadRecord>>> {
    REGISTRY.lock()
}

pub(crate) fn set_idle() {
    with_record(|r| {
        r.goroutine.store(0, Ordering::Release);
        r.state.store(GoState::Idle as u32, Ordering::SeqCst);
    });
}

pub(crate) fn set_blocked(state: GoState, sp: usize) {
    with_record(|r| {
        r.sp.store(sp, Ordering::SeqCst);
        r.state.store(state as u32, Ordering::SeqCst);
    });
}

/// Calls `f` with every registered goroutine thread, under the registry
/// lock (no thread registers or leaves meanwhile).
pub fn for_each_thread(mut f: impl FnMut(&ThreadRecord)) {
    for r in REGISTRY.lock().iter() {
        f(r)
    }
}

/// How many goroutine threads are registered (running or cached).
pub fn thread_count() -> usize {
    REGISTRY.lock().len()
}
