//! Register stacks: the memory each goroutine's interpreter keeps its
//! registers in, reserved so that thousands of goroutines cost little.
//!
//! Design. A register stack is a fixed range of zeroed words that never
//! moves (the interpreter holds raw pointers into it) and never grows (each
//! call checks that the callee's frame fits, reporting a stack overflow).
//! Its memory is reserved, not committed: pages cost RSS only once touched,
//! so a goroutine that stays shallow pays a page or two however large its
//! reservation is.
//!
//! Two kinds exist. The main goroutine (and any [`crate::Thread`] made by
//! an embedder or a test) gets a mapping of its own, sized by
//! [`crate::stack_words`], unmapped when the stack is dropped. Other
//! goroutines take a fixed-size *slot* from a process-wide pool of large
//! `MAP_NORESERVE` chunks: one memory map serves [`CHUNK_SLOTS`]
//! goroutines. That matters because `vm.max_map_count` (65,530 by default)
//! bounds the maps of the whole process and each goroutine thread already
//! costs two (its native stack and guard); a map per register stack would
//! stop the program near 21,800 goroutines instead of the 30,000+.
//!
//! Reuse. A goroutine's slot stays with its OS thread when the goroutine
//! ends (a thread-local spare), so the scheduler's reuse of parked threads
//! also reuses their register stacks without touching the pool's lock. If
//! the goroutine recursed deeply, the pages above [`KEEP_BYTES`] are given
//! back to the kernel first (`MADV_DONTNEED`), so a parked thread never
//! pins the memory of an old deep recursion. When the thread itself exits,
//! the spare's destructor returns the slot, emptied the same way, to the
//! pool's free list. Chunks are never unmapped: a free slot costs only
//! address space.
//!
//! Invariants: a slot is owned by at most one [`RegStack`] or is on the
//! free list, never both; every word of a stack handed out is zero or a
//! value its previous owner left (the interpreter never reads a register it
//! has not written, so stale values are harmless and zeroing on reuse would
//! be wasted work).
//!
//! Rejected: `vec![0; n]` per goroutine (calloc maps a private region per
//! large allocation, the same map-count wall, and small sizes would cap
//! recursion); one `mmap` per goroutine (the map-count wall again); and
//! growing stacks (the interpreter's raw frame pointers would need fixing
//! up on every move).

use std::cell::RefCell;
use std::sync::Mutex;

/// Register-stack size of a goroutine other than `main`, in words
/// (16 MiB), unless `GOSSAMER_STACK_KB` says otherwise. Trade-off:
/// recursion depth in goroutines (hundreds of thousands of calls) against
/// address space: 100,000 goroutines reserve 1.6 TB of the 128 TB a
/// process has, and only touched pages cost memory.
pub const GOROUTINE_STACK_WORDS: usize = 2 << 20;

/// Slots per pool chunk (one memory map each). Trade-off: fewer maps
/// against address space reserved ahead of need (256 × 16 MiB = 4 GiB,
/// nothing but page-table-free virtual space until touched).
const CHUNK_SLOTS: usize = 256;

/// The part of a slot kept resident when a finished goroutine's stack is
/// kept for reuse; pages above it are returned to the kernel if the
/// goroutine may have touched them. Trade-off: a `madvise` per deep
/// goroutine against RSS pinned by parked threads.
const KEEP_BYTES: usize = 64 << 10;

/// Call depth (frame records) beyond which a finished goroutine is assumed
/// to have touched pages above [`KEEP_BYTES`]: frames average well under
/// 64 words, so 128 frames stay within 64 KiB in the common case. The
/// frame-record vector starts with this capacity, so "it grew" is the test.
pub(crate) const SHALLOW_FRAMES: usize = 128;

/// A register stack (see the module docs). Not `Send`: it belongs to the
/// thread whose interpreter uses it (moving it between threads would be
/// sound, but nothing needs it).
pub struct RegStack {
    base: *mut u64,
    words: usize,
    /// Whether the range is a pool slot (returned to the pool) rather than
    /// a mapping of its own (unmapped).
    pooled: bool,
}

impl RegStack {
    /// A stack of its own of `words` words (at least 64).
    pub fn new(words: usize) -> RegStack {
        let words = words.max(64);
        let bytes = words.checked_mul(8).unwrap_or_else(|| too_large(words));
        RegStack { base: map(bytes), words, pooled: false }
    }

    /// A goroutine's stack: this thread's spare if it has one, else a slot
    /// from the pool.
    pub fn for_goroutine() -> RegStack {
        if let Some(s) = SPARE.with(|s| s.borrow_mut().take()) {
            return s.0;
        }
        let words = slot_words();
        RegStack { base: POOL.take(words), words, pooled: true }
    }

    /// The first word.
    #[inline(always)]
    pub fn as_mut_ptr(&mut self) -> *mut u64 {
        self.base
    }

    /// The size in words.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.words
    }

    /// Never true (a stack has at least 64 words); for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    /// Words `0..n` as a mutable slice (argument set-up).
    pub fn prefix(&mut self, n: usize) -> &mut [u64] {
        assert!(n <= self.words, "register stack prefix out of range");
        // SAFETY: the range is mapped, writable and owned by `self`.
        unsafe { std::slice::from_raw_parts_mut(self.base, n) }
    }

    /// Ends a goroutine's use of its stack: a pooled stack becomes this
    /// thread's spare (trimmed if `deep`), any other is dropped.
    pub(crate) fn retire(self, deep: bool) {
        if !self.pooled {
            return;
        }
        if deep {
            trim(self.base, self.words * 8, KEEP_BYTES);
        }
        SPARE.with(|s| {
            let mut s = s.borrow_mut();
            if s.is_none() {
                *s = Some(Spare(self));
            }
        });
    }
}

impl Drop for RegStack {
    fn drop(&mut self) {
        if self.pooled {
            trim(self.base, self.words * 8, 0);
            POOL.give(self.base);
        } else {
            // SAFETY: `base` is the start of a mapping of exactly this size,
            // made by `map` and owned by `self`.
            unsafe { libc::munmap(self.base as *mut libc::c_void, self.words * 8) };
        }
    }
}

/// A thread's kept stack, a separate type so its destructor (at thread
/// exit) is the ordinary `RegStack` one.
struct Spare(RegStack);

thread_local! {
    static SPARE: RefCell<Option<Spare>> = const { RefCell::new(None) };
}

/// The goroutine slot size in words: `GOSSAMER_STACK_KB` when set (the
/// same rule as the main goroutine's, see [`crate::stack_words`]), else
/// [`GOROUTINE_STACK_WORDS`]. Read once: the pool's slots must all be the
/// same size.
pub fn slot_words() -> usize {
    static WORDS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *WORDS.get_or_init(|| crate::stack_words_from_env().unwrap_or(GOROUTINE_STACK_WORDS).max(64))
}

/// The pool of goroutine slots: free slot addresses.
struct Pool {
    free: Mutex<Vec<usize>>,
}

static POOL: Pool = Pool { free: Mutex::new(Vec::new()) };

impl Pool {
    fn take(&self, words: usize) -> *mut u64 {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(a) = free.pop() {
            return a as *mut u64;
        }
        let slot = words.checked_mul(8).unwrap_or_else(|| too_large(words));
        let base = map(slot.checked_mul(CHUNK_SLOTS).unwrap_or_else(|| too_large(words))) as usize;
        // Hand out the lowest slot; the rest, highest first, so that later
        // `pop`s walk upwards through the chunk.
        free.extend((1..CHUNK_SLOTS).rev().map(|i| base + i * slot));
        base as *mut u64
    }

    fn give(&self, base: *mut u64) {
        self.free.lock().unwrap_or_else(|e| e.into_inner()).push(base as usize);
    }
}

/// Reserves `bytes` of zeroed, readable and writable memory, or ends the
/// process with Go's message for a failed allocation.
fn map(bytes: usize) -> *mut u64 {
    let p = gos_runtime::gc::pages::reserve(bytes, "a goroutine's register stack");
    p as *mut u64
}

/// Returns the pages of `[base + keep, base + bytes)` to the kernel; they
/// read as zero when touched again.
fn trim(base: *mut u64, bytes: usize, keep: usize) {
    if bytes <= keep {
        return;
    }
    // SAFETY: the range lies within a mapping owned by the caller, and
    // `keep` is a multiple of the page size (64 KiB or 0).
    unsafe { libc::madvise((base as *mut u8).add(keep) as *mut libc::c_void, bytes - keep, libc::MADV_DONTNEED) };
}

#[cold]
fn too_large(words: usize) -> ! {
    gos_runtime::panic::fatal(&format!("runtime: a register stack of {words} words is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_stacks_are_zeroed_and_writable() {
        let mut s = RegStack::new(1000);
        assert_eq!(s.len(), 1000);
        assert!(s.prefix(1000).iter().all(|&w| w == 0));
        s.prefix(3).copy_from_slice(&[1, 2, 3]);
        // SAFETY: index 999 is within the stack.
        unsafe { *s.as_mut_ptr().add(999) = 7 };
        assert_eq!(s.prefix(3), &[1, 2, 3]);
    }

    #[test]
    fn a_retired_goroutine_stack_is_reused_by_the_same_thread() {
        std::thread::spawn(|| {
            let mut a = RegStack::for_goroutine();
            let pa = a.as_mut_ptr();
            // Touch a page far above `KEEP_BYTES`: a deep retirement must
            // give it back, so it reads as zero again.
            let far = KEEP_BYTES / 8 * 4;
            // SAFETY: within the slot (16 MiB or the env override, > 256 KiB).
            unsafe { *pa.add(far) = 99 };
            unsafe { *pa = 5 };
            a.retire(true);
            let mut b = RegStack::for_goroutine();
            assert_eq!(b.as_mut_ptr(), pa, "the spare is reused");
            // SAFETY: as above.
            unsafe {
                assert_eq!(*b.as_mut_ptr().add(far), 0, "trimmed pages read as zero");
                assert_eq!(*b.as_mut_ptr(), 5, "the kept part is not cleared");
            }
            // A second stack while the first is in use comes from the pool.
            let mut c = RegStack::for_goroutine();
            assert_ne!(c.as_mut_ptr(), b.as_mut_ptr());
            drop(c);
            drop(b);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_thousand_goroutine_stacks_cost_few_maps() {
        let stacks: Vec<RegStack> = (0..1000).map(|_| RegStack::for_goroutine()).collect();
        let mut bases: Vec<usize> = stacks.iter().map(|s| s.base as usize).collect();
        bases.sort();
        bases.dedup();
        assert_eq!(bases.len(), 1000, "slots are distinct");
        // Adjacent slots never overlap.
        let words = slot_words();
        assert!(bases.windows(2).all(|w| w[1] - w[0] >= words * 8));
    }
}
