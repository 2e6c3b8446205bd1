//! The garbage collector: a non-moving, stop-the-world mark-sweep collector
//! over a size-classed page heap. design/gc.md is the long form.
//!
//! **The invariant: no object reachable from a root when a collection
//! starts is freed by it.** Roots are every goroutine thread's native
//! stack (scanned conservatively from the stack pointer it published when
//! it stopped, with its callee-saved registers spilled below that point),
//! its interpreter register stack (conservatively), the word in flight to
//! it through its wait cell, the program's literals and globals (root
//! ranges registered by the VM), values pinned by the runtime while no
//! stack holds them (a `go` statement's closure until its goroutine
//! starts), and the shared `None`s. From those the heap is traced
//! precisely (`trace.rs`), except closure captures, which are checked
//! against the heap like stack words.
//!
//! Parts: `pages` (arena, spans, page map, free runs, scavenging),
//! `sizeclass`, `cache` (per-thread allocation caches), `stw` (stopping and
//! resuming the world), `mark` (the mark stack and tracing), `roots` (root
//! ranges, pins, finalizers), this file (configuration, pacing, the
//! collection itself and statistics).
//!
//! Collections are off until [`enable`] (the `gossamer` driver calls it
//! before running a program): embedders and test harnesses that run
//! several programs in one process, or touch the heap from threads that
//! are not goroutine threads, never collect.

mod cache;
mod mark;
pub mod pages;
mod roots;
pub mod sizeclass;
mod stw;

pub use mark::{install_program, is_noscan};
pub use roots::{pin, register_finalizer, unpin, with_rooted_words, RootRange};
pub use stw::{enter_running, safepoint, stop_requested, with_spilled_registers};

use pages::{SpanState, HEAP};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The heap size below which no collection is triggered by pacing.
/// Trade-off: tiny programs never collect, against a few MiB of garbage.
pub const MIN_HEAP: usize = 4 << 20;
/// The fewest bytes a program allocates between two paced collections:
/// the goal is at least the live bytes plus this. Trade-off: with a small
/// live heap near [`MIN_HEAP`], a goal of `target × live` (or the floor)
/// left a megabyte or two of room, so a program allocating quickly collected
/// every millisecond or two, each time paying the stop, the root scan and
/// the restart for little garbage (the bench/seeds hash-map tasks: 11,870
/// collections, 40% of the wall time in pauses); this room halves that
/// count there, for up to this many more bytes of heap.
pub const MIN_GROWTH: usize = 4 << 20;
/// `GOSSAMER_GC_TARGET` when unset or invalid.
pub const DEFAULT_TARGET: f64 = 1.5;

static ENABLED: AtomicBool = AtomicBool::new(false);
/// `GOSSAMER_GC_STRESS`: collect every N allocations (0: off).
static STRESS: AtomicU64 = AtomicU64::new(0);
static STRESS_COUNT: AtomicU64 = AtomicU64::new(0);
static TRACE: AtomicBool = AtomicBool::new(false);
/// The target as `f64` bits.
static TARGET: AtomicU64 = AtomicU64::new(0x3FF8_0000_0000_0000);

/// Bytes in allocated objects, as far as caches have reported them.
static HEAP_LIVE: AtomicUsize = AtomicUsize::new(0);
static ALLOCATED_TOTAL: AtomicU64 = AtomicU64::new(0);
/// The heap size that triggers the next collection.
static NEXT_GC: AtomicUsize = AtomicUsize::new(MIN_HEAP);
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

/// Statistics kept after each collection (outside the pause).
struct Stats {
    num_gc: u64,
    pause_total_ns: u64,
    pause_max_ns: u64,
    /// Every pause, for exact percentiles.
    pauses: Vec<u64>,
    start: Option<Instant>,
}

static STATS: parking_lot::Mutex<Stats> =
    parking_lot::Mutex::new(Stats { num_gc: 0, pause_total_ns: 0, pause_max_ns: 0, pauses: Vec::new(), start: None });

#[inline]
pub(crate) fn count(bytes: usize) {
    HEAP_LIVE.fetch_add(bytes, Ordering::Relaxed);
    ALLOCATED_TOTAL.fetch_add(bytes as u64, Ordering::Relaxed);
}


#[inline(always)]
pub(crate) fn stress_enabled() -> bool {
    STRESS.load(Ordering::Relaxed) != 0
}

/// Reads `GOSSAMER_GC_TARGET`, `GOSSAMER_GC_TRACE` and `GOSSAMER_GC_STRESS`
/// and turns collection on. A bad value is reported once on stderr and
/// ignored (the default is used).
pub fn enable() {
    let warn = |name: &str, v: &str, what: &str| {
        crate::stdout::stderr_write(format!("gossamer: ignoring {name}={v:?}: expected {what}\n").as_bytes());
    };
    // An empty variable means "unset", as for the other variables.
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(v) = var("GOSSAMER_GC_TARGET") {
        match v.trim().parse::<f64>() {
            Ok(t) if t.is_finite() && t > 1.0 && t <= 1000.0 => TARGET.store(t.to_bits(), Ordering::Relaxed),
            _ => warn("GOSSAMER_GC_TARGET", &v, "a number above 1.0 and at most 1000 (default 1.5)"),
        }
    }
    if let Some(v) = var("GOSSAMER_GC_TRACE") {
        match v.trim() {
            "1" => TRACE.store(true, Ordering::Relaxed),
            "0" => {}
            _ => warn("GOSSAMER_GC_TRACE", &v, "0 or 1"),
        }
    }
    if let Some(v) = var("GOSSAMER_GC_STRESS") {
        match v.trim().parse::<u64>() {
            Ok(n) => STRESS.store(n, Ordering::Relaxed),
            _ => warn("GOSSAMER_GC_STRESS", &v, "a whole number of allocations (0: off)"),
        }
    }
    STATS.lock().start = Some(Instant::now());
    ENABLED.store(true, Ordering::SeqCst);
}

/// Whether collections run in this process.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

fn target() -> f64 {
    f64::from_bits(TARGET.load(Ordering::Relaxed))
}

/// Allocation's slow path calls this before taking a span: runs a
/// collection if one is due (or waits for another thread's), and returns
/// whether one ran (then every cache was flushed: the caller re-reads its
/// own).
pub(crate) fn before_refill() -> bool {
    if !ENABLED.load(Ordering::Relaxed) {
        return false;
    }
    if stw::stop_requested() {
        stw::park_for_gc();
        return true;
    }
    let stress = STRESS.load(Ordering::Relaxed);
    let due = if stress != 0 {
        (STRESS_COUNT.fetch_add(1, Ordering::Relaxed) + 1) % stress == 0
    } else {
        HEAP_LIVE.load(Ordering::Relaxed) >= NEXT_GC.load(Ordering::Relaxed)
    };
    due && collect_now()
}

/// Allocates a small object of `bytes` bytes, zeroed if `clear`.
#[inline(always)]
pub(crate) fn alloc_small(bytes: usize, noscan: bool, clear: bool) -> *mut u64 {
    cache::alloc_small(bytes, noscan, clear)
}

/// Allocates a zeroed large object of `bytes` bytes.
#[cold]
pub(crate) fn alloc_large(bytes: usize, noscan: bool) -> *mut u64 {
    before_refill();
    let mut h = HEAP.lock();
    let id = h.new_large(bytes, noscan);
    // SAFETY: a span just made.
    let s = unsafe { pages::span(id) };
    count(s.size);
    s.start as *mut u64
}

/// Flushes the calling thread's allocation cache (its counts become
/// exact; tests).
pub fn flush_thread_cache() {
    cache::flush_current();
}

/// The calling goroutine stops running Gossamer code for a while (blocks,
/// yields its token, ends): its allocation cache goes back to the pool.
#[inline]
pub fn release_cache() {
    cache::release_current();
}

/// `runtime::gc()`: a full collection (or the end of one already running).
pub fn collect() {
    if ENABLED.load(Ordering::Relaxed) {
        collect_now();
    }
}

/// Runs a collection from the calling goroutine thread; returns whether
/// one ran (false from a thread the registry does not know).
fn collect_now() -> bool {
    let Some(me) = crate::sched::registry::current() else {
        return false;
    };
    if !stw::try_start() {
        stw::park_for_gc();
        return true;
    }
    with_spilled_registers(|sp| {
        let t0 = Instant::now();
        let registry = crate::sched::registry::lock();
        let stopped = stw::stop_the_world(&registry, &me);
        let t_stopped = Instant::now();
        let mut h = HEAP.lock();
        cache::flush_all(&mut h);
        let heap_before = HEAP_LIVE.load(Ordering::Relaxed);
        let mut m = mark::Marker::new(0);
        m.mark_roots(&registry, &me, sp);
        mark::mark_parallel(&mut m);
        drop(m);
        let t_marked = Instant::now();
        roots::sweep_finalizers();
        let (live, freed) = sweep(&mut h);
        HEAP_LIVE.store(live, Ordering::Relaxed);
        LIVE_BYTES.store(live, Ordering::Relaxed);
        let goal = ((live as f64 * target()) as usize).max(MIN_HEAP).max(live + MIN_GROWTH);
        NEXT_GC.store(goal, Ordering::Relaxed);
        let resident = h.resident_bytes();
        drop(h);
        stw::start_the_world();
        drop(registry);
        // Its pages freed now are given back by the monitor's scavenging.
        crate::sched::procs::start_monitor();
        let t_end = Instant::now();
        let pause = (t_end - t0).as_nanos() as u64;
        roots::run_finalizers();
        let mut st = STATS.lock();
        st.num_gc += 1;
        st.pause_total_ns += pause;
        st.pause_max_ns = st.pause_max_ns.max(pause);
        st.pauses.push(pause);
        if TRACE.load(Ordering::Relaxed) {
            let mb = |b: usize| b as f64 / (1 << 20) as f64;
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let at = st.start.map(|s| (t0 - s).as_secs_f64()).unwrap_or(0.0);
            let line = format!(
                "gc {} @{at:.3}s: heap {:.2}->{:.2} MB, live {:.2} MB, freed {:.2} MB, goal {:.2} MB, resident {:.2} MB, \
                 pause {:.3} ms (stop {:.3}, mark {:.3}, sweep {:.3}), {} goroutines stopped\n",
                st.num_gc,
                mb(heap_before),
                mb(live),
                mb(live),
                mb(freed),
                mb(goal),
                mb(resident),
                ms(t_end - t0),
                ms(t_stopped - t0),
                ms(t_marked - t_stopped),
                ms(t_end - t_marked),
                stopped,
            );
            drop(st);
            crate::stdout::stderr_write(line.as_bytes());
        }
        true
    })
}

/// Frees every unmarked object and clears the marks; rebuilds the partial
/// lists. Returns `(live bytes, freed bytes)`. The world is stopped.
fn sweep(h: &mut pages::Heap) -> (usize, usize) {
    h.clear_partials();
    let mut live = 0usize;
    let mut freed = 0usize;
    let mut empty = Vec::new();
    let mut partial = Vec::new();
    pages::for_each_span(h, |id, s| match s.state {
        SpanState::Small => {
            let mut n = 0usize;
            let mut dead = 0usize;
            for w in 0..pages::BITMAP_WORDS {
                let a = s.alloc[w];
                let m = s.mark[w] & a;
                dead += (a & !m).count_ones() as usize;
                n += m.count_ones() as usize;
                s.alloc[w] = m;
                s.mark[w] = 0;
            }
            if dead > 0 {
                s.needzero = true;
            }
            live += n * s.size;
            freed += dead * s.size;
            if n == 0 {
                empty.push(id);
            } else if n < s.nslots as usize {
                partial.push(id);
            }
        }
        SpanState::Large => {
            if s.mark[0] & 1 == 0 {
                freed += s.size;
                empty.push(id);
            } else {
                live += s.size;
                s.mark[0] = 0;
            }
        }
        _ => {}
    });
    // Partial lists and frees after the walk (they relink spans).
    for id in partial {
        h.push_partial(id);
    }
    for id in empty {
        h.free_span(id);
    }
    (live, freed)
}

/// Gives heap pages unused for a while back to the kernel (the scheduler's
/// monitor calls this about once a second).
pub fn background_scavenge() {
    if let Some(mut h) = HEAP.try_lock() {
        h.scavenge(pages::SCAVENGE_AFTER);
    }
}

/// `runtime::mem_stats()` (LANGUAGE.md §6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemStats {
    pub heap_bytes: i64,
    pub live_bytes: i64,
    pub allocated_total: i64,
    pub num_gc: i64,
    pub pause_total_ns: i64,
    pub pause_max_ns: i64,
    pub pause_p50_ns: i64,
    pub pause_p99_ns: i64,
    pub goroutines: i64,
}

impl MemStats {
    /// The fields in the prelude's order.
    pub fn words(&self) -> [u64; 9] {
        [
            self.heap_bytes,
            self.live_bytes,
            self.allocated_total,
            self.num_gc,
            self.pause_total_ns,
            self.pause_max_ns,
            self.pause_p50_ns,
            self.pause_p99_ns,
            self.goroutines,
        ]
        .map(|v| v as u64)
    }
}

/// The nearest-rank percentile `p` (0..=100) of sorted `xs`.
fn percentile(xs: &[u64], p: usize) -> u64 {
    if xs.is_empty() {
        return 0;
    }
    let rank = (xs.len() * p).div_ceil(100).max(1);
    xs[rank - 1]
}

/// The collector's statistics now. The calling thread's allocation cache
/// is flushed first, so its own allocations are counted exactly.
pub fn mem_stats() -> MemStats {
    cache::flush_current();
    let st = STATS.lock();
    let mut sorted = st.pauses.clone();
    sorted.sort_unstable();
    MemStats {
        heap_bytes: HEAP_LIVE.load(Ordering::Relaxed) as i64,
        live_bytes: LIVE_BYTES.load(Ordering::Relaxed) as i64,
        allocated_total: ALLOCATED_TOTAL.load(Ordering::Relaxed) as i64,
        num_gc: st.num_gc as i64,
        pause_total_ns: st.pause_total_ns as i64,
        pause_max_ns: st.pause_max_ns as i64,
        pause_p50_ns: percentile(&sorted, 50) as i64,
        pause_p99_ns: percentile(&sorted, 99) as i64,
        goroutines: crate::sched::num_goroutine(),
    }
}

/// Bytes ever allocated (slot sizes; exact after a collection, otherwise
/// short by what other threads' caches have not reported yet).
pub fn allocated_total() -> u64 {
    ALLOCATED_TOTAL.load(Ordering::Relaxed)
}

/// Bytes in allocated objects now (see [`allocated_total`]).
pub fn heap_bytes() -> u64 {
    HEAP_LIVE.load(Ordering::Relaxed) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_and_bounded_by_the_max() {
        assert_eq!(percentile(&[], 50), 0);
        assert_eq!(percentile(&[7], 99), 7);
        let xs: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&xs, 50), 50);
        assert_eq!(percentile(&xs, 99), 99);
        let xs = [1, 2, 1000];
        assert_eq!(percentile(&xs, 50), 2);
        assert_eq!(percentile(&xs, 99), 1000);
    }
}
