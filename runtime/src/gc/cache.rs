//! Per-thread allocation caches: the allocation fast path.
//!
//! Design. Each thread owns at most one span per size class and scan-ness.
//! Allocating is: take the lowest set bit of a cached word of free-slot
//! bits, set the slot's alloc bit, clear the slot if the span may hold old
//! data. No lock, no atomic. When the cached span is full the thread hands
//! it back ("flush") and takes one with free slots from the class's partial
//! list, or a new one, under the heap lock (the slow path, which is also
//! where collections are triggered, see `gc::pacer`).
//!
//! Accounting: each cache counts the bytes it hands out in a plain field
//! and adds them to the global counters (`heap_live`, `allocated_total`)
//! when it refills or flushes. So the counters are exact after every
//! collection (which flushes all caches) and understate by at most one
//! span's worth per thread otherwise. (Go counts a whole span when a P
//! takes it; with a cache per goroutine thread, thousands of blocked
//! goroutines would each count a span they barely use, and pacing would
//! collect over and over.)
//!
//! Caches register themselves in [`CACHES`] so the collector can flush the
//! caches of stopped threads; a thread's cache is flushed when the thread
//! exits, and when a goroutine ends (so an idle cached thread pins nothing).

use super::pages::{span, Heap, Span, BITMAP_WORDS, HEAP};
use super::sizeclass::{class_of, class_size, NCLASSES};
use std::cell::UnsafeCell;

/// One class's cached span and the free bits being consumed.
#[derive(Clone, Copy)]
struct ClassCache {
    /// Free slots of bitmap word `word - 1` not yet handed out.
    bits: u64,
    /// The next bitmap word to load.
    word: u32,
    /// The span (0: none).
    id: u32,
    start: usize,
    size: usize,
    needzero: bool,
}

const EMPTY: ClassCache = ClassCache { bits: 0, word: 0, id: 0, start: 0, size: 0, needzero: false };

pub struct Cache {
    classes: [[ClassCache; 2]; NCLASSES],
    /// Bytes handed out since the last refill or flush.
    pending: usize,
    registered: bool,
}

impl Drop for Cache {
    fn drop(&mut self) {
        if self.registered {
            let mut list = CACHES.lock();
            list.retain(|&p| p != self as *mut Cache as usize);
            let mut h = HEAP.lock();
            self.flush(&mut h);
        }
    }
}

/// Every registered cache (addresses of thread-local `Cache`s).
pub static CACHES: parking_lot::Mutex<Vec<usize>> = parking_lot::Mutex::new(Vec::new());

thread_local! {
    static CACHE: UnsafeCell<Cache> = const { UnsafeCell::new(Cache { classes: [[EMPTY; 2]; NCLASSES], pending: 0, registered: false }) };
}

impl Cache {
    /// Hands every cached span back to the heap.
    pub fn flush(&mut self, h: &mut Heap) {
        super::count(std::mem::take(&mut self.pending));
        for c in self.classes.iter_mut() {
            for cc in c.iter_mut() {
                if cc.id != 0 {
                    release(h, cc.id);
                    *cc = EMPTY;
                }
            }
        }
    }
}

/// Hands span `id` back: unused slots stop counting as allocated, and the
/// span goes on its partial list (or back to the page heap if empty).
fn release(h: &mut Heap, id: u32) {
    // SAFETY: `id` is a small span this cache owned.
    let s = unsafe { span(id) };
    s.cached = false;
    let n = s.allocated();
    if n == 0 {
        h.free_span(id);
    } else if n < s.nslots as usize {
        h.push_partial(id);
    }
}

/// Flushes the calling thread's cache (a goroutine ended; `mem_stats`).
pub fn flush_current() {
    CACHE.with(|c| {
        // SAFETY: only this thread touches its cache outside collections,
        // and a collection cannot start while this thread is running here.
        let c = unsafe { &mut *c.get() };
        if c.pending != 0 || c.classes.iter().flatten().any(|cc| cc.id != 0) {
            let mut h = HEAP.lock();
            c.flush(&mut h);
        }
    });
}

/// Flushes every registered cache. The world is stopped.
pub fn flush_all(h: &mut Heap) {
    for &p in CACHES.lock().iter() {
        // SAFETY: registered caches are alive (they unregister in `drop`
        // under this lock) and their threads are stopped.
        unsafe { (*(p as *mut Cache)).flush(h) };
    }
}

/// Allocates a small object of `bytes` bytes; returns its first byte
/// (zeroed).
#[inline(always)]
pub fn alloc_small(bytes: usize, noscan: bool) -> *mut u64 {
    let class = class_of(bytes);
    CACHE.with(|c| {
        // SAFETY: the cache is this thread's; see `flush_current`.
        let cache = unsafe { &mut *c.get() };
        let cc = &mut cache.classes[class][noscan as usize];
        if cc.bits != 0 {
            cache.pending += cc.size;
            let i = cc.bits.trailing_zeros() as usize;
            cc.bits &= cc.bits - 1;
            let w = cc.word as usize - 1;
            let slot = w * 64 + i;
            // SAFETY: the span is owned by this cache.
            unsafe { span(cc.id).alloc[w] |= 1 << i };
            let addr = cc.start + slot * cc.size;
            if cc.needzero {
                // SAFETY: a free slot of `size` bytes in an owned span.
                unsafe { std::ptr::write_bytes(addr as *mut u8, 0, bytes) };
            }
            return addr as *mut u64;
        }
        alloc_slow(c, class, noscan, bytes)
    })
}

#[cold]
#[inline(never)]
fn alloc_slow(c: &UnsafeCell<Cache>, class: usize, noscan: bool, bytes: usize) -> *mut u64 {
    loop {
        // SAFETY: as in `alloc_small`; re-borrowed after each collection.
        let cache = unsafe { &mut *c.get() };
        let cc = &mut cache.classes[class][noscan as usize];
        // The rest of the current span's bitmap.
        if cc.id != 0 {
            // SAFETY: owned span.
            let s = unsafe { span(cc.id) };
            while (cc.word as usize) < BITMAP_WORDS && cc.bits == 0 {
                cc.bits = free_bits(s, cc.word as usize);
                cc.word += 1;
            }
            if cc.bits != 0 && !super::stress_enabled() {
                return alloc_small(bytes, noscan);
            }
        }
        // A collection may run here (pacing, stress, or another thread's):
        // it flushes this cache, so start over afterwards.
        super::count(std::mem::take(&mut cache.pending));
        if super::before_refill() {
            continue;
        }
        let mut h = HEAP.lock();
        if !cache.registered {
            cache.registered = true;
            drop(h);
            CACHES.lock().push(cache as *mut Cache as usize);
            continue;
        }
        let cc = &mut cache.classes[class][noscan as usize];
        if cc.id != 0 {
            let old = cc.id;
            *cc = EMPTY;
            release(&mut h, old);
        }
        let id = h.pop_partial(class, noscan).unwrap_or_else(|| h.new_small_span(class, noscan));
        // SAFETY: a span no cache owns.
        let s = unsafe { span(id) };
        s.cached = true;
        drop(h);
        *cc = ClassCache { bits: 0, word: 0, id, start: s.start, size: class_size(class), needzero: s.needzero };
        while (cc.word as usize) < BITMAP_WORDS && cc.bits == 0 {
            cc.bits = free_bits(s, cc.word as usize);
            cc.word += 1;
        }
        if super::stress_enabled() {
            // Stress: one object per trip through the slow path, so every
            // allocation is counted.
            let i = cc.bits.trailing_zeros() as usize;
            let w = cc.word as usize - 1;
            s.alloc[w] |= 1 << i;
            super::count(cc.size);
            let addr = cc.start + (w * 64 + i) * cc.size;
            if cc.needzero {
                // SAFETY: a free slot of the owned span.
                unsafe { std::ptr::write_bytes(addr as *mut u8, 0, bytes) };
            }
            cc.bits = 0;
            cc.word = BITMAP_WORDS as u32;
            return addr as *mut u64;
        }
        return alloc_small(bytes, noscan);
    }
}

/// Free slots of bitmap word `w` of `s` (bits past the last slot clear).
fn free_bits(s: &Span, w: usize) -> u64 {
    let n = s.nslots as usize;
    if w * 64 >= n {
        return 0;
    }
    let valid = if n - w * 64 >= 64 { !0 } else { (1u64 << (n - w * 64)) - 1 };
    !s.alloc[w] & valid
}
