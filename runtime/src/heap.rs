//! Allocation of heap objects.
//!
//! Design: every object is `[size][header][word 0][word 1]…`. The pointer
//! handed out (and stored in value words) points at the header, an 8-byte
//! word holding `type_id: u32` in its low half (the high half is unused;
//! mark bits live in side bitmaps, see `gc::pages`); the fields follow,
//! zeroed ([`alloc`]) or written by the maker before its next safe point
//! ([`alloc_uninit`]). The hidden size word in front of the header records the
//! object's length in words, so that the collector (and debugging code)
//! can walk any object, including runtime-internal buffers whose length no
//! type describes.
//!
//! Invariants: all allocation goes through [`alloc`], which the collector
//! counts in [`allocated_total`] and [`heap_bytes`]; objects never move;
//! the type id is either an index into the program's type table or one of
//! the internal layout ids below (`>= 0x8000_0000`), each of which says
//! exactly which of its words are pointers. That is all the collector
//! needs to trace the heap precisely.
//!
//! Memory comes from the collector's page heap (`gc`): objects up to
//! `gc::sizeclass::MAX_SMALL` bytes from size-classed spans through a
//! per-thread cache (no lock, no atomic on the fast path), larger ones
//! from spans of their own. Unreachable objects are freed by the
//! stop-the-world mark-sweep collector (design/gc.md).
//! Rejected: `Rc`/`Arc` graphs of language values (cycles leak, every copy
//! pays a count).

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
/// Internal layout: an inline string `[0, 0, len, bytes…]` (see `strings`):
/// read like a `LAYOUT_STR` object, but its buffer word is always 0, so it
/// holds no pointers and lives in noscan spans (marking a short string then
/// costs one bit, not a push and a pop).
pub const LAYOUT_STR_INLINE: u32 = 0x8000_0006;
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

/// Allocates an object of type (or internal layout) `ty` with `words`
/// zeroed words after its header, and returns the header's address.
/// Objects of types that hold no pointers go to `noscan` spans, which the
/// collector marks without reading. Running out of memory is a fatal
/// error, as in Go. The allocation slow path is a safe point: a
/// collection may run inside this call.
#[inline]
pub fn alloc(ty: u32, words: usize) -> *mut u64 {
    alloc_with(ty, words, true)
}

/// Like [`alloc`], but the words after the header are left as they are:
/// for callers that write every one of them (a struct's fields, a copy, a
/// string's view words) before their next safe point, so clearing them
/// first would be wasted stores. Until then no collection can run (every
/// other thread is stopped only at a safe point, and this one reaches none),
/// so the collector never sees the stale words.
///
/// # Safety
/// The caller must write all `words` words before it allocates again,
/// polls, blocks or returns to code that may do so.
#[inline]
pub unsafe fn alloc_uninit(ty: u32, words: usize) -> *mut u64 {
    alloc_with(ty, words, false)
}

#[inline(always)]
fn alloc_with(ty: u32, words: usize, clear: bool) -> *mut u64 {
    let total = match words.checked_add(1 + HEADER_WORDS) {
        Some(t) if t <= (isize::MAX as usize) / 8 => t,
        _ => crate::panic::fatal("runtime: out of memory"),
    };
    let bytes = total * 8;
    let noscan = crate::gc::is_noscan(ty);
    let base =
        if bytes <= crate::gc::sizeclass::MAX_SMALL { crate::gc::alloc_small(bytes, noscan, clear) } else { crate::gc::alloc_large(bytes, noscan) };
    // SAFETY: `base` points at `total >= 2` words (zeroed when `clear`;
    // the size and header words are written here either way).
    unsafe {
        *base = words as u64;
        let obj = base.add(1);
        *obj = ty as u64;
        obj
    }
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

pub use crate::gc::{allocated_total, heap_bytes};

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
        // Counted once the thread's cache reports (here: when flushed).
        crate::gc::flush_thread_cache();
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
