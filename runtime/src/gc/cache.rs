//! Allocation caches: the allocation fast path.
//!
//! Design. A cache owns at most one span per size class and scan-ness.
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
//! Caches belong to running goroutines, not to threads: a goroutine takes
//! one from a pool when it first allocates and gives it back when it stops
//! running (blocks, sleeps, yields its proc token, ends). So there are
//! about as many caches as `GOSSAMER_PROCS`, like Go's per-P `mcache`,
//! however many goroutine threads exist: ten thousand blocked goroutines
//! hold no spans and no cache memory (a cache is ~7.6 KiB; as a
//! thread-local it also made every thread's static TLS, which glibc puts on
//! the thread's stack, that much larger). Taking and giving back is a pool
//! lock, paid only by goroutines that allocate, once per blocking
//! operation. Every cache ever made is listed in [`CACHES`], so that the
//! collector can flush all of them while the world is stopped.

use super::pages::{span, Heap, Span, BITMAP_WORDS, HEAP};
use super::sizeclass::{class_of, class_size, NCLASSES};
use std::cell::Cell;

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
    /// The span's alloc bitmap word `word - 1` and the address of its
    /// first slot, set whenever `bits` is loaded ([`ClassCache::load`]): the
    /// fast path then sets an alloc bit and computes an address without
    /// looking the span up in the side table.
    alloc_word: *mut u64,
    word_base: usize,
}

const EMPTY: ClassCache =
    ClassCache { bits: 0, word: 0, id: 0, start: 0, size: 0, needzero: false, alloc_word: std::ptr::null_mut(), word_base: 0 };

impl ClassCache {
    /// Loads the free bits of the next bitmap words of span `s` until some
    /// are free or the bitmap ends.
    fn load(&mut self, s: &mut Span) {
        while (self.word as usize) < BITMAP_WORDS && self.bits == 0 {
            self.bits = free_bits(s, self.word as usize);
            self.word += 1;
        }
        if self.bits != 0 {
            let w = self.word as usize - 1;
            self.alloc_word = &mut s.alloc[w];
            self.word_base = self.start + w * 64 * self.size;
        }
    }
}

pub struct Cache {
    classes: [[ClassCache; 2]; NCLASSES],
    /// Bytes handed out since the last refill or flush.
    pending: usize,
}

/// Every cache ever made (leaked `Box<Cache>` addresses; caches live for
/// the process).
pub static CACHES: parking_lot::Mutex<Vec<usize>> = parking_lot::Mutex::new(Vec::new());
/// Caches no goroutine holds.
static POOL: parking_lot::Mutex<Vec<usize>> = parking_lot::Mutex::new(Vec::new());

thread_local! {
    /// The calling thread's cache, or null.
    static CUR: Cell<*mut Cache> = const { Cell::new(std::ptr::null_mut()) };
    /// Gives the cache back if the thread exits holding one.
    static GUARD: Guard = const { Guard };
}

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = CUR.try_with(|c| give_back(c));
    }
}

/// Takes a cache from the pool (or makes one) for the calling thread.
#[cold]
fn take() -> *mut Cache {
    let p = match POOL.lock().pop() {
        Some(p) => p as *mut Cache,
        None => {
            let p = Box::into_raw(Box::new(Cache { classes: [[EMPTY; 2]; NCLASSES], pending: 0 }));
            CACHES.lock().push(p as usize);
            p
        }
    };
    CUR.with(|c| c.set(p));
    GUARD.with(|_| ());
    p
}

fn give_back(c: &Cell<*mut Cache>) {
    let p = c.replace(std::ptr::null_mut());
    if !p.is_null() {
        POOL.lock().push(p as usize);
    }
}

/// The calling goroutine stops running (blocks, yields, ends): its cache,
/// if it has one, goes back to the pool.
#[inline]
pub fn release_current() {
    CUR.with(|c| {
        if !c.get().is_null() {
            give_back(c)
        }
    });
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

/// Flushes the calling thread's cache (`mem_stats`, tests).
pub fn flush_current() {
    let p = CUR.with(|c| c.get());
    if !p.is_null() {
        // SAFETY: the cache is this thread's until given back, and a
        // collection cannot run while this thread is running here.
        let c = unsafe { &mut *p };
        let mut h = HEAP.lock();
        c.flush(&mut h);
    }
}

/// Flushes every registered cache. The world is stopped.
pub fn flush_all(h: &mut Heap) {
    for &p in CACHES.lock().iter() {
        // SAFETY: caches are never freed, and every thread that holds one
        // is stopped.
        unsafe { (*(p as *mut Cache)).flush(h) };
    }
}

/// Objects up to this many bytes are cleared with inline word stores
/// rather than a call to `memset`. Trade-off: a `memset` call costs a
/// call, a size dispatch and a return, more than a few stores for the
/// 32–64-byte objects (structs, short strings, enums) programs allocate in
/// bulk; beyond a cache line the library's vector loop wins.
const INLINE_ZERO_BYTES: usize = 128;

/// Clears `bytes` bytes (a multiple of 8) at `addr`.
///
/// # Safety
/// `addr..addr+bytes` must be writable memory owned by the caller.
#[inline(always)]
unsafe fn zero(addr: usize, bytes: usize) {
    if bytes <= INLINE_ZERO_BYTES {
        let p = addr as *mut u64;
        // Volatile stores, so that the optimiser does not turn this loop
        // back into the `memset` call it exists to avoid.
        for i in 0..bytes / 8 {
            std::ptr::write_volatile(p.add(i), 0);
        }
    } else {
        std::ptr::write_bytes(addr as *mut u8, 0, bytes);
    }
}

/// Allocates a small object of `bytes` bytes; returns its first byte,
/// zeroed if `clear` (a caller that writes every word before its next safe
/// point passes `false` and skips the clearing).
#[inline(always)]
pub fn alloc_small(bytes: usize, noscan: bool, clear: bool) -> *mut u64 {
    let class = class_of(bytes);
    let p = CUR.with(|c| c.get());
    if p.is_null() {
        return alloc_slow(take(), class, noscan, bytes, clear);
    }
    {
        // SAFETY: the cache is this thread's; see `flush_current`.
        let cache = unsafe { &mut *p };
        let cc = &mut cache.classes[class][noscan as usize];
        if cc.bits != 0 {
            cache.pending += cc.size;
            let i = cc.bits.trailing_zeros() as usize;
            cc.bits &= cc.bits - 1;
            // SAFETY: the span is owned by this cache, and `alloc_word` is
            // the bitmap word `bits` came from.
            unsafe { *cc.alloc_word |= 1 << i };
            let addr = cc.word_base + i * cc.size;
            if cc.needzero && clear {
                // SAFETY: a free slot of `size` bytes in an owned span.
                unsafe { zero(addr, bytes) };
            }
            return addr as *mut u64;
        }
        alloc_slow(p, class, noscan, bytes, clear)
    }
}

#[cold]
#[inline(never)]
fn alloc_slow(p: *mut Cache, class: usize, noscan: bool, bytes: usize, clear: bool) -> *mut u64 {
    // SAFETY: as in `alloc_small`.
    let cache = unsafe { &mut *p };
    let cc = &mut cache.classes[class][noscan as usize];
    // The rest of the current span's bitmap.
    if cc.id != 0 && !super::stress_enabled() {
        // SAFETY: owned span.
        let s = unsafe { span(cc.id) };
        cc.load(s);
        if cc.bits != 0 {
            return alloc_small(bytes, noscan, clear);
        }
    }
    // A collection may run here (pacing, stress, or another thread's); it
    // flushes every cache, this one included, which the code below
    // therefore re-reads.
    super::count(std::mem::take(&mut cache.pending));
    super::before_refill();
    let mut h = HEAP.lock();
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
    *cc = ClassCache { id, start: s.start, size: class_size(class), needzero: s.needzero, ..EMPTY };
    cc.load(s);
    if super::stress_enabled() {
        // Stress: one object per trip through the slow path, so that every
        // allocation is counted.
        let i = cc.bits.trailing_zeros() as usize;
        let w = cc.word as usize - 1;
        s.alloc[w] |= 1 << i;
        super::count(cc.size);
        let addr = cc.start + (w * 64 + i) * cc.size;
        if cc.needzero && clear {
            // SAFETY: a free slot of the owned span.
            unsafe { zero(addr, bytes) };
        }
        cc.bits = 0;
        cc.word = BITMAP_WORDS as u32;
        return addr as *mut u64;
    }
    alloc_small(bytes, noscan, clear)
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
