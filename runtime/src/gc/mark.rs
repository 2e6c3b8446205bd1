//! Marking: roots scanned conservatively, the heap traced precisely.
//!
//! The mark stack is one reserved mapping (never the system allocator, so
//! marking cannot deadlock on a lock a stopped thread holds, and it grows
//! by touching pages); pages it touched beyond [`KEEP_BYTES`] are returned
//! after each collection. An object is pushed when its mark bit is first
//! set, and only if its span may hold pointers (`noscan` spans are marked
//! without reading the objects).

use super::pages::{self, object_at};
use crate::sched::registry::{GoState, ThreadRecord};
use crate::trace::{self, Desc};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The program's type descriptions, made when collection is installed.
static DESCS: OnceLock<Vec<Desc>> = OnceLock::new();
/// Per type: objects never hold pointers (allocated in `noscan` spans).
static NOSCAN: OnceLock<Vec<bool>> = OnceLock::new();

/// Describes the running program's types for the collector (once per
/// process: the program that collects).
pub fn install_program() {
    let descs: Vec<Desc> = crate::types().iter().map(trace::describe).collect();
    let _ = NOSCAN.set(descs.iter().map(Desc::is_noscan).collect());
    let _ = DESCS.set(descs);
}

/// Whether objects of `ty` (a type id or internal layout) hold no pointers.
#[inline(always)]
pub fn is_noscan(ty: u32) -> bool {
    if crate::heap::is_internal_layout(ty) {
        return trace::layout_is_noscan(ty);
    }
    match NOSCAN.get() {
        Some(t) => t.get(ty as usize).copied().unwrap_or(false),
        None => false,
    }
}

const STACK_BYTES: usize = 1 << 30;
/// Mark-stack bytes kept resident between collections.
const KEEP_BYTES: usize = 1 << 20;
/// One mark stack per marker (the collecting thread, the helper).
static STACKS: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

pub struct Marker {
    stack: *mut u64,
    len: usize,
    max: usize,
    high: usize,
    descs: &'static [Desc],
    /// Worker 0 only: may still start the helper (when there is enough
    /// work for two).
    can_start_helper: bool,
    /// Objects scanned by this marker.
    scanned: usize,
}

impl Marker {
    /// The marker of worker `which` (0: the collecting thread, 1: the
    /// helper).
    pub fn new(which: usize) -> Marker {
        let mut p = STACKS[which].load(Ordering::Acquire);
        if p == 0 {
            let m = pages::reserve(STACK_BYTES, "the collector's mark stack");
            p = m as usize;
            STACKS[which].store(p, Ordering::Release);
        }
        Marker {
            stack: p as *mut u64,
            len: 0,
            max: STACK_BYTES / 8,
            high: 0,
            descs: DESCS.get().map(|d| &d[..]).unwrap_or(&[]),
            can_start_helper: false,
            scanned: 0,
        }
    }

    #[inline(always)]
    fn push(&mut self, obj: u64) {
        if self.len == self.max {
            crate::panic::fatal("runtime: the collector's mark stack overflowed");
        }
        // SAFETY: below `max`, inside the reservation.
        unsafe { *self.stack.add(self.len) = obj };
        self.len += 1;
    }

    /// Marks the object `w` points into, if any (any word: stack words,
    /// closure captures and exact pointers alike).
    #[inline(always)]
    pub fn mark_word(&mut self, w: u64) {
        if let Some((s, i)) = object_at(w as usize) {
            self.mark_slot(s, i);
        }
    }

    /// Marks slot `i` of `s`, queueing the object for scanning the first
    /// time unless its span holds no pointers.
    #[inline(always)]
    fn mark_slot(&mut self, s: &mut pages::Span, i: usize) {
        if set_mark(&mut s.mark[i / 64], 1u64 << (i % 64)) && !s.noscan {
            self.push((s.slot_addr(i) + 8) as u64);
        }
    }

    /// Marks from every aligned word in `[lo, hi)`.
    fn scan_range(&mut self, lo: usize, hi: usize) {
        let mut p = (lo + 7) & !7;
        while p + 8 <= hi {
            // SAFETY: the range is a live stack or root range; volatile
            // because other threads' stacks are not Rust objects to us.
            let w = unsafe { std::ptr::read_volatile(p as *const u64) };
            self.mark_word(w);
            p += 8;
        }
    }

    /// Marks from every root (see `gc`'s module docs). `me` is the
    /// collecting thread, whose stack is live from `my_sp`.
    pub fn mark_roots(&mut self, registry: &[Arc<ThreadRecord>], me: &Arc<ThreadRecord>, my_sp: usize) {
        for r in registry {
            if r.state() == GoState::Idle {
                continue;
            }
            let sp = if Arc::ptr_eq(r, me) { my_sp } else { r.published_sp() };
            let lo = sp.clamp(r.stack_lo, r.stack_hi);
            self.scan_range(lo, r.stack_hi);
            let (vlo, vtop) = r.vm_stack();
            if vlo != 0 && vtop > vlo {
                self.scan_range(vlo, vtop);
            }
            self.mark_word(r.in_flight_value());
        }
        super::roots::for_each_root_word(|w| self.mark_word(w));
        trace::for_each_runtime_root(|w| self.mark_word(w));
    }

    /// Marks the object exact pointer `w` (0 or an object's address)
    /// points to: no allocated-slot check, the layout vouches for it.
    #[inline(always)]
    fn mark_exact(&mut self, w: u64) {
        if let Some(s) = pages::span_of(w as usize) {
            let i = s.index_of(w as usize);
            self.mark_slot(s, i);
        }
    }

    /// Traces until the mark stack is empty.
    ///
    /// Objects popped from the stack pass through a small FIFO before
    /// they are scanned, and are prefetched when they enter it: by the
    /// time an object is scanned its header has usually arrived from
    /// memory (marking a large heap is otherwise one cache miss per
    /// object, back to back). Measured: about 1.5x faster on a 100 MB tree.
    pub fn drain(&mut self) {
        const AHEAD: usize = 8;
        let descs = self.descs;
        let mut ring = [0u64; AHEAD];
        let (mut head, mut count) = (0usize, 0usize);
        loop {
            if self.len > SHARE_OVER {
                if self.can_start_helper && self.scanned > START_HELPER_AFTER {
                    self.can_start_helper = false;
                    POOL.lock().active += 1;
                    HELPER_STARTED.store(true, Ordering::Relaxed);
                    HUNGRY.store(true, Ordering::Relaxed);
                    helper::start();
                }
                if HUNGRY.load(Ordering::Relaxed) {
                    self.share();
                }
            }
            while count < AHEAD && self.len > 0 {
                self.high = self.high.max(self.len);
                self.len -= 1;
                // SAFETY: below `len`, written by `push`.
                let obj = unsafe { *self.stack.add(self.len) };
                prefetch(obj);
                ring[(head + count) % AHEAD] = obj;
                count += 1;
            }
            if count == 0 {
                if self.refill() {
                    continue;
                }
                break;
            }
            let obj = ring[head];
            self.scanned += 1;
            head = (head + 1) % AHEAD;
            count -= 1;
            // SAFETY: pushed objects are allocated objects of the program.
            unsafe {
                trace::scan_object(obj, descs, |w, how| {
                    if w != 0 {
                        match how {
                            trace::Pointer::Exact => self.mark_exact(w),
                            trace::Pointer::Candidate => self.mark_word(w),
                        }
                    }
                })
            };
        }
    }
}

/// Sets `bit` in mark word `m`; true if this call set it. Atomic, because
/// two markers may mark objects of one span at once; the plain load first
/// keeps already-marked objects (most pointers, in a dense heap) off the
/// locked instruction.
#[inline(always)]
fn set_mark(m: &mut u64, bit: u64) -> bool {
    // SAFETY: `m` is a live, aligned mark word; every concurrent access to
    // it during marking is atomic.
    let a = unsafe { std::sync::atomic::AtomicU64::from_ptr(m) };
    a.load(Ordering::Relaxed) & bit == 0 && a.fetch_or(bit, Ordering::Relaxed) & bit == 0
}

/// Work shared between the markers: grey objects given away by a marker
/// with plenty, and how many markers hold work. Marking ends when the pool
/// is empty and no marker is active (both read under the lock).
struct Pool {
    objs: Vec<u64>,
    active: usize,
}
static POOL: parking_lot::Mutex<Pool> = parking_lot::Mutex::new(Pool { objs: Vec::new(), active: 0 });
/// A marker is out of work: others with more than [`SHARE_OVER`] share.
static HUNGRY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// A marker shares half its stack when another is hungry and it holds more
/// than this (a depth-first walk of a tree keeps only about its depth on
/// the stack, so this must be small).
const SHARE_OVER: usize = 8;
/// At most this many objects are taken from the pool at once.
const TAKE: usize = 1024;
/// The collecting thread wakes the helper once it has scanned this many
/// objects and still has work to share. Trade-off: waking a thread costs
/// ~25 µs here, more than marking a small heap alone.
const START_HELPER_AFTER: usize = 20_000;
static HELPER_STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl Marker {
    /// Gives the older half of this marker's stack to the pool (in a
    /// depth-first walk the oldest entries root the largest subgraphs).
    #[cold]
    fn share(&mut self) {
        let half = self.len / 2;
        let mut p = POOL.lock();
        // SAFETY: `[0, len)` is written stack; the move stays inside it.
        unsafe {
            p.objs.extend_from_slice(std::slice::from_raw_parts(self.stack, half));
            std::ptr::copy(self.stack.add(half), self.stack, self.len - half);
        }
        self.len -= half;
        HUNGRY.store(false, Ordering::Relaxed);
    }

    /// Out of work: takes some from the pool, or waits until every marker
    /// is out of work (false: marking is done).
    #[cold]
    fn refill(&mut self) -> bool {
        let mut p = POOL.lock();
        p.active -= 1;
        loop {
            if !p.objs.is_empty() {
                let n = p.objs.len().min(TAKE);
                let from = p.objs.len() - n;
                for &o in &p.objs[from..] {
                    self.push(o);
                }
                p.objs.truncate(from);
                p.active += 1;
                return true;
            }
            if p.active == 0 {
                return false;
            }
            HUNGRY.store(true, Ordering::Relaxed);
            drop(p);
            std::hint::spin_loop();
            std::thread::yield_now();
            p = POOL.lock();
        }
    }
}

/// Marks everything reachable from the grey objects on `m`'s stack, with
/// the help of a second marker thread once there is enough work and if
/// this machine has more than one CPU.
pub fn mark_parallel(m: &mut Marker) {
    {
        let mut p = POOL.lock();
        p.objs.clear();
        p.active = 1;
    }
    HUNGRY.store(false, Ordering::Relaxed);
    HELPER_STARTED.store(false, Ordering::Relaxed);
    m.can_start_helper = crate::sched::cpu_count() > 1;
    m.drain();
    if HELPER_STARTED.load(Ordering::Relaxed) {
        helper::wait();
    }
}

/// The helper marker: a plain thread (not a goroutine; it never allocates
/// from the heap), parked between collections.
mod helper {
    use std::sync::atomic::{AtomicU32, Ordering};
    /// 0 idle, 1 asked to mark, 2 marking done.
    static STATE: AtomicU32 = AtomicU32::new(0);

    use crate::gc::stw::{futex_wait, futex_wake};

    pub fn start() {
        static SPAWN: std::sync::Once = std::sync::Once::new();
        SPAWN.call_once(|| {
            let spawned = std::thread::Builder::new().name("gos-gc-mark".into()).spawn(|| loop {
                // Sleep on the value seen: after a collection the word
                // stays 2 until the collector reads it and stores 0, and
                // waiting for 0 then returned at once, so the helper spun
                // in futex calls, taking a CPU from the goroutines the
                // world restarted for (a fifth of all samples with two
                // CPUs and a collection every few milliseconds).
                loop {
                    let s = STATE.load(Ordering::Acquire);
                    if s == 1 {
                        break;
                    }
                    futex_wait(&STATE, s);
                }
                let mut m = super::Marker::new(1);
                m.drain();
                drop(m);
                STATE.store(2, Ordering::Release);
                futex_wake(&STATE);
            });
            if spawned.is_err() {
                crate::panic::fatal("runtime: failed to create the collector's marker thread");
            }
        });
        STATE.store(1, Ordering::Release);
        futex_wake(&STATE);
    }

    pub fn wait() {
        loop {
            let s = STATE.load(Ordering::Acquire);
            if s == 2 {
                break;
            }
            std::hint::spin_loop();
            std::thread::yield_now();
        }
        STATE.store(0, Ordering::Release);
    }
}

impl Drop for Marker {
    fn drop(&mut self) {
        let touched = self.high * 8;
        if touched > KEEP_BYTES {
            // SAFETY: the pages above KEEP_BYTES hold nothing needed.
            unsafe {
                libc::madvise(
                    (self.stack as usize + KEEP_BYTES) as *mut libc::c_void,
                    (touched - KEEP_BYTES).next_multiple_of(4096),
                    libc::MADV_DONTNEED,
                )
            };
        }
    }
}

#[inline(always)]
fn prefetch(addr: u64) {
    // SAFETY: prefetching is a hint; any address is allowed.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch(addr as *const i8, std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = addr;
}

/// Whether `obj` was marked by the collection running.
pub fn is_marked(obj: u64) -> bool {
    match object_at(obj as usize) {
        Some((s, i)) => s.mark[i / 64] & (1 << (i % 64)) != 0,
        None => false,
    }
}

