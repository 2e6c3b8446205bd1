//! Allocation of heap objects.
//!
//! Design: every object is `[size][header][word 0][word 1]…`. The pointer
//! handed out (and stored in value words) points at the header, an 8-byte
//! word holding `type_id: u32` in its low half and `gc: u32` (mark state for
//! the collector) in its high half; the fields follow, zeroed. The hidden
//! size word in front of the header records the object's length in words,
//! so that the collector (and debugging code) can walk any object, including
//! runtime-internal buffers whose length no type describes.
//!
//! Invariants: all allocation goes through [`alloc`], which counts every
//! byte in [`allocated_total`] and [`heap_bytes`]; objects never move; the
//! type id is either an index into the program's type table or one of the
//! internal layout ids below (`>= 0x8000_0000`), each of which says exactly
//! which of its words are pointers. That is all the collector needs to trace
//! the heap precisely.
//!
//! For now objects are never freed: the stop-the-world mark-sweep collector
//! is the next step, and it will replace the body of [`alloc`] with
//! size-classed pages and per-thread caches without changing callers. Until
//! then small objects are bump-allocated from a per-thread block
//! ([`BLOCK_BYTES`]) carved out of large `MAP_NORESERVE` regions that the
//! kernel hands out zeroed, so an allocation is a thread-local pointer bump
//! (the system allocator's `calloc` cost about 260 instructions per object,
//! the largest single cost of the string and map benchmarks); objects over
//! [`SMALL_BYTES`] come from the system allocator. Regions rather than a
//! mapping per thread keep the number of memory maps independent of the
//! number of goroutines (`vm.max_map_count` is 65,530 here).
//! Rejected: `Rc`/`Arc` graphs of language values (cycles leak, every copy
//! pays a count).
//! Thread safety: blocks are per thread, regions are handed out under a
//! lock, the system allocator is thread-safe and the counters are atomics,
//! so goroutines (OS threads) may allocate concurrently.

use std::alloc::Layout;
use std::sync::atomic::{AtomicU64, Ordering};

/// Words before the first field: the header.
pub const HEADER_WORDS: usize = 1;

/// Internal layout: a buffer whose words hold no pointers (bytes, scalar
/// vector elements, map index arrays).
pub const LAYOUT_RAW: u32 = 0x8000_0000;
/// Internal layout: a buffer whose every word is a pointer (or 0).
pub const LAYOUT_PTRS: u32 = 0x8000_0001;
/// Internal layout: a string object `[buffer, offset, len]`; word 0 is a
/// pointer (to a `LAYOUT_STRBUF` object or 0), the others are integers.
pub const LAYOUT_STR: u32 = 0x8000_0002;
/// Internal layout: a string byte buffer `[cap, used, bytes…]`; no pointers.
pub const LAYOUT_STRBUF: u32 = 0x8000_0003;
/// Internal layout: a reference object `[kind, base, index]`; word 1 is a
/// pointer.
pub const LAYOUT_REF: u32 = 0x8000_0004;
/// Internal layout base for map entry arrays: entries of three words
/// `[hash, key, value]`; bit 1 of the id says the key words are pointers,
/// bit 0 that the value words are.
pub const LAYOUT_MAP_ENTRIES: u32 = 0x8000_0010;

/// Internal layout: a runtime handle `[state, …]` (wait group, mutex)
/// whose word 0 is the address of Rust-owned state (not a heap object, so
/// never traced); the collector must free that state when it frees the
/// object (see `sync`). No word is a heap pointer.
pub const LAYOUT_HANDLE: u32 = 0x8000_0005;
/// Internal layout base for channels `[state, cap, ring…]` (see `chan`):
/// word 0 is Rust-owned state as in `LAYOUT_HANDLE`, word 1 the capacity,
/// then `cap` ring-buffer slots; bit 0 of the id says the slots hold
/// pointers (empty slots are kept 0).
pub const LAYOUT_CHAN: u32 = 0x8000_0020;
/// Whether `ty` is an internal layout id rather than a type-table index.
#[inline]
pub fn is_internal_layout(ty: u32) -> bool {
    ty >= 0x8000_0000
}

/// Bytes ever allocated. One counter (not one per statistic) because each
/// uncontended atomic add still costs a locked instruction on every
/// allocation; the other statistics derive from it and from what the
/// collector frees.
static ALLOCATED_TOTAL: AtomicU64 = AtomicU64::new(0);
/// Bytes freed by the collector (none yet: objects are not freed).
static FREED_TOTAL: AtomicU64 = AtomicU64::new(0);

/// Allocates an object of type (or internal layout) `ty` with `words`
/// zeroed words after its header, and returns the header's address.
/// Running out of memory is a fatal error, as in Go.
#[inline]
pub fn alloc(ty: u32, words: usize) -> *mut u64 {
    let total = match words.checked_add(1 + HEADER_WORDS) {
        Some(t) if t <= (isize::MAX as usize) / 8 => t,
        _ => crate::panic::fatal("runtime: out of memory"),
    };
    let bytes = total * 8;
    let base = if bytes <= SMALL_BYTES { bump(bytes) } else { alloc_large(bytes) };
    ALLOCATED_TOTAL.fetch_add(bytes as u64, Ordering::Relaxed);
    // SAFETY: `base` points at `total >= 2` freshly allocated words.
    unsafe {
        *base = words as u64;
        let obj = base.add(1);
        *obj = ty as u64;
        obj
    }
}

/// Objects up to this many bytes (size word and header included) are
/// bump-allocated; larger ones come from the system allocator. Trade-off:
/// a larger bound serves more objects from the fast path but wastes up to
/// this much at the end of each block.
pub const SMALL_BYTES: usize = 2048;
/// Bytes a thread takes from a region at a time. Trade-off: fewer trips to
/// the region lock against memory reserved (not touched) by threads that
/// allocate little; untouched pages cost no RSS.
pub const BLOCK_BYTES: usize = 64 << 10;
/// Bytes reserved per region mapping (address space, `MAP_NORESERVE`).
pub const REGION_BYTES: usize = 64 << 20;

thread_local! {
    /// This thread's block: `(next free byte, end)`.
    static BLOCK: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// The region blocks are carved from: `(next free byte, end)`.
static REGION: parking_lot::Mutex<(usize, usize)> = parking_lot::Mutex::new((0, 0));

/// A zeroed, 8-aligned allocation of `bytes <= SMALL_BYTES` from this
/// thread's block.
#[inline]
fn bump(bytes: usize) -> *mut u64 {
    BLOCK.with(|b| {
        let (next, end) = b.get();
        if end - next >= bytes {
            b.set((next + bytes, end));
            return next as *mut u64;
        }
        let start = new_block();
        b.set((start + bytes, start + BLOCK_BYTES));
        start as *mut u64
    })
}

/// Takes a fresh block from the current region, mapping a new region when
/// it is used up. Memory from a fresh anonymous mapping is zero, and
/// nothing is ever handed out twice, so blocks need no clearing.
#[cold]
fn new_block() -> usize {
    let mut r = REGION.lock();
    if r.1 - r.0 < BLOCK_BYTES {
        // SAFETY: an anonymous private mapping with no address hint.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                REGION_BYTES,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            crate::panic::fatal("runtime: out of memory");
        }
        *r = (p as usize, p as usize + REGION_BYTES);
    }
    let start = r.0;
    r.0 += BLOCK_BYTES;
    start
}

/// A zeroed allocation of `bytes` from the system allocator.
#[cold]
fn alloc_large(bytes: usize) -> *mut u64 {
    // SAFETY: the layout has a non-zero size and a valid alignment.
    let base = unsafe { std::alloc::alloc_zeroed(Layout::from_size_align_unchecked(bytes, 8)) } as *mut u64;
    if base.is_null() {
        crate::panic::fatal("runtime: out of memory");
    }
    base
}

/// The number of words after the header of `obj` (as passed to [`alloc`]).
///
/// # Safety
/// `obj` must be an object returned by [`alloc`].
#[inline]
pub unsafe fn object_words(obj: *const u64) -> usize {
    *obj.sub(1) as usize
}

/// The type id (or internal layout id) in `obj`'s header.
///
/// # Safety
/// `obj` must be an object returned by [`alloc`].
#[inline]
pub unsafe fn type_of(obj: *const u64) -> u32 {
    *obj as u32
}

/// Bytes ever allocated.
pub fn allocated_total() -> u64 {
    ALLOCATED_TOTAL.load(Ordering::Relaxed)
}

/// Bytes in allocated objects now (live or not yet collected).
pub fn heap_bytes() -> u64 {
    ALLOCATED_TOTAL.load(Ordering::Relaxed).saturating_sub(FREED_TOTAL.load(Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_sets_header_size_and_zeroes() {
        let before = allocated_total();
        let o = alloc(7, 5);
        unsafe {
            assert_eq!(type_of(o), 7);
            assert_eq!(*o >> 32, 0, "gc bits start clear");
            assert_eq!(object_words(o), 5);
            for i in 0..5 {
                assert_eq!(*o.add(1 + i), 0);
            }
        }
        assert!(allocated_total() >= before + 7 * 8);
        let e = alloc(LAYOUT_RAW, 0);
        unsafe { assert_eq!(object_words(e), 0) };
    }

    #[test]
    fn alloc_is_thread_safe() {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                std::thread::spawn(move || {
                    for i in 0..1000 {
                        let o = alloc(t, 2);
                        unsafe {
                            *o.add(1) = i;
                            assert_eq!(type_of(o), t);
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
}
