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
}

impl GoState {
    fn from_u32(v: u32) -> GoState {
        match v {
            1 => GoState::Running,
            2 => GoState::Blocked,
            3 => GoState::Sleeping,
            4 => GoState::Syscall,
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
    pub stack_hi: usize,
    goroutine: AtomicU64,
    state: AtomicU32,
    sp: AtomicUsize,
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
}

static REGISTRY: Mutex<Vec<Arc<ThreadRecord>>> = Mutex::new(Vec::new());

thread_local! {
    static RECORD: RefCell<Option<Arc<ThreadRecord>>> = const { RefCell::new(None) };
}

/// Registers the calling thread with stack `[lo, hi)` (once per thread).
pub(crate) fn register_current(lo: usize, hi: usize, cell: Arc<WaitCell>) {
    RECORD.with(|r| {
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
            cell,
        });
        REGISTRY.lock().push(rec.clone());
        *r.borrow_mut() = Some(rec);
    });
}

/// Removes the calling thread's record (the thread is about to exit).
pub(crate) fn unregister_current() {
    RECORD.with(|r| {
        if let Some(rec) = r.borrow_mut().take() {
            REGISTRY.lock().retain(|x| !Arc::ptr_eq(x, &rec));
        }
    });
}

fn with_record(f: impl FnOnce(&ThreadRecord)) {
    RECORD.with(|r| {
        if let Some(rec) = r.borrow().as_ref() {
            f(rec)
        }
    });
}

pub(crate) fn set_running(goroutine: u64) {
    with_record(|r| {
        r.goroutine.store(goroutine, Ordering::Release);
        r.state.store(GoState::Running as u32, Ordering::Release);
    });
}

pub(crate) fn set_idle() {
    with_record(|r| {
        r.goroutine.store(0, Ordering::Release);
        r.state.store(GoState::Idle as u32, Ordering::Release);
    });
}

pub(crate) fn set_blocked(state: GoState, sp: usize) {
    with_record(|r| {
        r.sp.store(sp, Ordering::Release);
        r.state.store(state as u32, Ordering::Release);
    });
}

pub(crate) fn set_state(state: GoState) {
    with_record(|r| r.state.store(state as u32, Ordering::Release));
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
