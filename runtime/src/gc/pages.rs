//! The page heap: one reserved arena cut into 8 KiB pages, spans of pages
//! (a size class's slots, or one large object), the page map, and the free
//! page runs.
//!
//! Design. At start-up the heap reserves [`ARENA_BYTES`] of address space
//! in one `MAP_NORESERVE` mapping (one memory map whatever the heap's size;
//! untouched pages cost nothing). Pages are handed out from the bottom
//! (`top`) or from free runs. A *span* is a run of pages with one purpose:
//! `Small` spans hold equal slots of one size class, `Large` spans one
//! object, `Free` spans nothing. Span metadata lives in a side table (a
//! second reserved mapping indexed by span id), never in the pages, so
//! sweeping reads and writes only bitmaps and conservative lookups never
//! touch the objects. The page map (a third mapping, one `u32` span id per
//! page) answers "which span holds this address" with one load; the slot
//! index is one multiply and shift ([`Span::slot_of`]).
//!
//! Each span keeps an `alloc` bitmap (slots handed out and not yet freed)
//! and a `mark` bitmap (slots found reachable by the collection running).
//! Sweeping a span is `alloc &= mark; mark = 0` per bitmap word.
//!
//! Free runs are coalesced with free neighbours when freed and kept in
//! lists by length (exact lists up to [`RUN_LISTS`] − 1 pages, one list for
//! longer runs). A free run remembers when it was freed; runs that stay
//! free for [`SCAVENGE_AFTER`] are given back to the kernel with
//! `MADV_DONTNEED` ("scavenged"), after which they read as zero again, so
//! slots carved from them need no clearing.
//!
//! Locking: all metadata changes happen under [`HEAP`]'s lock, except the
//! alloc bits of a span owned by a thread cache (only its owner sets them)
//! and the mark bits (only the collector, while the world is stopped).
//! Nothing here calls the system allocator, so the collector may use it
//! while other threads are stopped anywhere.

use super::sizeclass::{class_pages, class_size, NCLASSES};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const PAGE_SHIFT: usize = 13;
/// Bytes per page. Trade-off: smaller pages waste less at the end of large
/// objects; larger ones mean fewer spans and page-map entries.
pub const PAGE: usize = 1 << PAGE_SHIFT;
/// Address space reserved for the heap: the largest heap a program can
/// have. Reserving costs no memory (`MAP_NORESERVE`, untouched).
pub const ARENA_BYTES: usize = 64 << 30;
const ARENA_PAGES: usize = ARENA_BYTES >> PAGE_SHIFT;
/// Bitmap words per span: 512 slots, the most a one-page span of 16-byte
/// slots has (classes are chosen so that no span has more).
pub const BITMAP_WORDS: usize = 8;
/// Free-run lists: runs of 1..RUN_LISTS-1 pages have an exact list; longer
/// runs share the last one.
const RUN_LISTS: usize = 128;
/// How long a free run stays resident before it is returned to the kernel.
/// Trade-off: returning memory promptly against paying page faults again
/// when the heap grows back (Go waits minutes but scavenges towards a goal
/// in between; a short fixed delay is the simple middle).
pub const SCAVENGE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum SpanState {
    /// The id is not in use.
    Dead = 0,
    Free = 1,
    Small = 2,
    Large = 3,
}

/// A span's metadata (see the module docs). The fields marking reads
/// come first, with the mark bits, so that marking an object of most
/// spans touches one cache line of metadata.
#[repr(C, align(64))]
pub struct Span {
    /// Address of the first page.
    pub start: usize,
    /// Bytes of one slot (`Small`), of the object (`Large`, its whole run),
    /// or of the run (`Free`).
    pub size: usize,
    /// `ceil(2^32 / size)`: `(offset * magic) >> 32` is `offset / size`
    /// for every offset inside the span (checked by a test).
    pub magic: u32,
    pub nslots: u32,
    pub state: SpanState,
    /// Objects here hold no pointers: marking them never reads them.
    pub noscan: bool,
    /// The size class (`Small`).
    pub class: u8,
    /// Owned by a thread's allocation cache (not on a partial list).
    pub cached: bool,
    /// On its class's partial list.
    pub in_partial: bool,
    /// Freed slots may hold old data: clear slots when handing them out.
    pub needzero: bool,
    /// `Free` spans: the pages were returned to the kernel (read as zero).
    pub scavenged: bool,
    pub npages: u32,
    pub mark: [u64; BITMAP_WORDS],
    pub alloc: [u64; BITMAP_WORDS],
    /// List links (span ids, 0 = none): partial lists and free-run lists.
    pub next: u32,
    pub prev: u32,
    /// `Free` spans: when the run was freed.
    pub freed_at: Option<std::time::Instant>,
}

impl Span {
    /// The slot of `addr`, which lies inside this span.
    #[inline(always)]
    pub fn slot_of(&self, addr: usize) -> usize {
        (((addr - self.start) as u64 * self.magic as u64) >> 32) as usize
    }
    /// The slot of `addr` (inside this span) for either kind of span in
    /// use: a large span has one.
    #[inline(always)]
    pub fn index_of(&self, addr: usize) -> usize {
        if self.state == SpanState::Small {
            self.slot_of(addr)
        } else {
            0
        }
    }
    /// The first byte of slot `i`.
    #[inline(always)]
    pub fn slot_addr(&self, i: usize) -> usize {
        self.start + i * self.size
    }
    #[inline(always)]
    pub fn is_allocated(&self, i: usize) -> bool {
        self.alloc[i / 64] & (1 << (i % 64)) != 0
    }
    /// Slots allocated now.
    pub fn allocated(&self) -> usize {
        self.alloc.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// Bytes of the objects allocated now.
    pub fn allocated_bytes(&self) -> usize {
        self.allocated() * self.size
    }
}

/// Reserves `bytes` of zero-filled, readable and writable address space
/// (`MAP_NORESERVE`: pages cost memory only once touched), or ends the
/// process with a fatal error naming `what` it was for. The runtime's one
/// way to reserve memory (heap, mark stacks, signal stacks, register
/// stacks).
pub fn reserve(bytes: usize, what: &str) -> usize {
    // SAFETY: an anonymous private mapping with no address hint has no
    // preconditions; the result is checked.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        let e = std::io::Error::last_os_error();
        crate::panic::fatal(&format!("runtime: cannot reserve {bytes} bytes for {what}: {e}"));
    }
    p as usize
}

/// The arena's bounds, set once; read without a lock by conservative
/// lookups (`base` is immutable after start-up, `top` only grows).
static BASE: AtomicUsize = AtomicUsize::new(0);
static TOP: AtomicUsize = AtomicUsize::new(0);
static PAGEMAP: AtomicUsize = AtomicUsize::new(0);
static SPANS: AtomicUsize = AtomicUsize::new(0);

/// The heap's lock-protected state.
pub struct Heap {
    /// Next never-used page index.
    top_page: usize,
    /// Next never-used span id (id 0 means "none").
    next_id: u32,
    /// Recycled span ids (linked through `next`).
    dead_ids: u32,
    /// Free runs by length.
    runs: [u32; RUN_LISTS],
    /// Per class and scan-ness, spans with free slots that no cache owns.
    pub partial: [[u32; 2]; NCLASSES],
    /// Bytes in pages of `Small`/`Large` spans (the heap's footprint).
    pub in_use_bytes: usize,
    /// Bytes of free runs that are still resident.
    pub free_resident_bytes: usize,
}

pub static HEAP: parking_lot::Mutex<Heap> = parking_lot::Mutex::new(Heap {
    top_page: 0,
    next_id: 1,
    dead_ids: 0,
    runs: [0; RUN_LISTS],
    partial: [[0; 2]; NCLASSES],
    in_use_bytes: 0,
    free_resident_bytes: 0,
});

/// Reserves the arena and the side tables (idempotent; under the lock).
fn ensure_init() {
    if BASE.load(Ordering::Acquire) != 0 {
        return;
    }
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        let pagemap = reserve(ARENA_PAGES * 4, "the heap's page map");
        let spans = reserve(ARENA_PAGES * std::mem::size_of::<Span>(), "the heap's span table");
        // Align the arena to a page so page indices are shifts.
        let raw = reserve(ARENA_BYTES + PAGE, "the heap");
        let base = (raw + PAGE - 1) & !(PAGE - 1);
        PAGEMAP.store(pagemap, Ordering::Release);
        SPANS.store(spans, Ordering::Release);
        TOP.store(base, Ordering::Release);
        BASE.store(base, Ordering::Release);
    });
}

/// Span `id`'s metadata.
///
/// # Safety
/// `id` must be a span id handed out by this heap.
#[inline(always)]
pub unsafe fn span(id: u32) -> &'static mut Span {
    &mut *(SPANS.load(Ordering::Relaxed) as *mut Span).add(id as usize)
}

#[inline(always)]
fn pagemap() -> *mut u32 {
    PAGEMAP.load(Ordering::Relaxed) as *mut u32
}

/// The span holding `addr`, if `addr` is inside a `Small` or `Large` span.
#[inline(always)]
pub fn span_of(addr: usize) -> Option<&'static mut Span> {
    let base = BASE.load(Ordering::Relaxed);
    if addr < base || addr >= TOP.load(Ordering::Relaxed) {
        return None;
    }
    // SAFETY: the page is below `top`, so inside the page map.
    let id = unsafe { *pagemap().add((addr - base) >> PAGE_SHIFT) };
    if id == 0 {
        return None;
    }
    // SAFETY: page-map entries hold handed-out ids.
    let s = unsafe { span(id) };
    match s.state {
        SpanState::Small | SpanState::Large => Some(s),
        _ => None,
    }
}

/// The allocated object whose slot contains `addr` (interior addresses
/// included): its span and slot index. The collector's one question.
#[inline(always)]
pub fn object_at(addr: usize) -> Option<(&'static mut Span, usize)> {
    let s = span_of(addr)?;
    let i = s.index_of(addr);
    if i < s.nslots as usize && s.is_allocated(i) {
        Some((s, i))
    } else {
        None
    }
}

/// Calls `f` with every span in use (`Small` or `Large`).
pub fn for_each_span(h: &Heap, mut f: impl FnMut(u32, &'static mut Span)) {
    for id in 1..h.next_id {
        // SAFETY: below `next_id`, so handed out.
        let s = unsafe { span(id) };
        if matches!(s.state, SpanState::Small | SpanState::Large) {
            f(id, s)
        }
    }
}

impl Heap {
    fn new_id(&mut self) -> u32 {
        if self.dead_ids != 0 {
            let id = self.dead_ids;
            // SAFETY: ids on the dead list were handed out.
            self.dead_ids = unsafe { span(id).next };
            return id;
        }
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn kill_id(&mut self, id: u32) {
        // SAFETY: `id` is a handed-out id being retired.
        let s = unsafe { span(id) };
        s.state = SpanState::Dead;
        s.next = self.dead_ids;
        self.dead_ids = id;
    }

    fn set_pages(&mut self, start_page: usize, npages: usize, id: u32) {
        // SAFETY: the pages are below `top_page`, inside the page map.
        unsafe { std::slice::from_raw_parts_mut(pagemap().add(start_page), npages).fill(id) };
    }

    fn run_list(npages: usize) -> usize {
        npages.min(RUN_LISTS - 1)
    }

    fn push_run(&mut self, id: u32) {
        // SAFETY: `id` is a free span.
        let s = unsafe { span(id) };
        let l = Self::run_list(s.npages as usize);
        s.prev = 0;
        s.next = self.runs[l];
        if s.next != 0 {
            // SAFETY: list members are handed-out ids.
            unsafe { span(s.next).prev = id };
        }
        self.runs[l] = id;
    }

    fn unlink_run(&mut self, id: u32) {
        // SAFETY: `id` is on a run list; its neighbours too.
        let s = unsafe { span(id) };
        if s.prev != 0 {
            unsafe { span(s.prev).next = s.next };
        } else {
            self.runs[Self::run_list(s.npages as usize)] = s.next;
        }
        if s.next != 0 {
            unsafe { span(s.next).prev = s.prev };
        }
        s.next = 0;
        s.prev = 0;
    }

    /// A run of `npages` pages for a new span: `(id, zeroed)`, where
    /// `zeroed` says every byte reads as zero.
    fn take_pages(&mut self, npages: usize) -> (u32, bool) {
        ensure_init();
        // Smallest exact list first, then first fit among the long runs.
        let mut found = 0;
        for l in npages..RUN_LISTS - 1 {
            if self.runs[l] != 0 {
                found = self.runs[l];
                break;
            }
        }
        if found == 0 {
            let mut id = self.runs[RUN_LISTS - 1];
            while id != 0 {
                // SAFETY: list members are handed-out ids.
                let s = unsafe { span(id) };
                if s.npages as usize >= npages {
                    found = id;
                    break;
                }
                id = s.next;
            }
        }
        if found != 0 {
            self.unlink_run(found);
            // SAFETY: `found` is a free span.
            let s = unsafe { span(found) };
            let zeroed = s.scavenged;
            if !s.scavenged {
                self.free_resident_bytes -= s.npages as usize * PAGE;
            }
            let have = s.npages as usize;
            if have > npages {
                // Split: the tail stays free.
                let tail = self.new_id();
                let start_page = (s.start - BASE.load(Ordering::Relaxed)) >> PAGE_SHIFT;
                let t = unsafe { span(tail) };
                *t = Span {
                    start: s.start + npages * PAGE,
                    size: (have - npages) * PAGE,
                    npages: (have - npages) as u32,
                    magic: 0,
                    nslots: 0,
                    state: SpanState::Free,
                    class: 0,
                    noscan: false,
                    cached: false,
                    in_partial: false,
                    needzero: false,
                    scavenged: s.scavenged,
                    next: 0,
                    prev: 0,
                    freed_at: s.freed_at,
                    alloc: [0; BITMAP_WORDS],
                    mark: [0; BITMAP_WORDS],
                };
                if !t.scavenged {
                    self.free_resident_bytes += t.npages as usize * PAGE;
                }
                self.set_pages(start_page + npages, have - npages, tail);
                self.push_run(tail);
                s.npages = npages as u32;
            }
            return (found, zeroed);
        }
        if self.top_page + npages > ARENA_PAGES {
            crate::panic::fatal("runtime: out of memory");
        }
        let id = self.new_id();
        let base = BASE.load(Ordering::Relaxed);
        // SAFETY: a fresh id.
        let s = unsafe { span(id) };
        s.start = base + (self.top_page << PAGE_SHIFT);
        s.npages = npages as u32;
        s.scavenged = true;
        self.top_page += npages;
        TOP.store(base + (self.top_page << PAGE_SHIFT), Ordering::Release);
        (id, true)
    }

    /// A new span of size class `class` (`noscan` objects or not), not yet
    /// owned by anyone.
    pub fn new_small_span(&mut self, class: usize, noscan: bool) -> u32 {
        let npages = class_pages(class);
        let (id, zeroed) = self.take_pages(npages);
        let size = class_size(class);
        // SAFETY: a span just taken.
        let s = unsafe { span(id) };
        let start = s.start;
        *s = Span {
            start,
            size,
            npages: npages as u32,
            magic: magic(size),
            nslots: (npages * PAGE / size) as u32,
            state: SpanState::Small,
            class: class as u8,
            noscan,
            cached: false,
            in_partial: false,
            needzero: !zeroed,
            scavenged: false,
            next: 0,
            prev: 0,
            freed_at: None,
            alloc: [0; BITMAP_WORDS],
            mark: [0; BITMAP_WORDS],
        };
        let start_page = (start - BASE.load(Ordering::Relaxed)) >> PAGE_SHIFT;
        self.set_pages(start_page, npages, id);
        self.in_use_bytes += npages * PAGE;
        id
    }

    /// A large object of `bytes` bytes (rounded up to pages): its span,
    /// with the object allocated and zeroed.
    pub fn new_large(&mut self, bytes: usize, noscan: bool) -> u32 {
        let npages = bytes.div_ceil(PAGE);
        let (id, zeroed) = self.take_pages(npages);
        // SAFETY: a span just taken.
        let s = unsafe { span(id) };
        let start = s.start;
        *s = Span {
            start,
            size: npages * PAGE,
            npages: npages as u32,
            magic: 0,
            nslots: 1,
            state: SpanState::Large,
            class: 0,
            noscan,
            cached: false,
            in_partial: false,
            needzero: false,
            scavenged: false,
            next: 0,
            prev: 0,
            freed_at: None,
            alloc: [1, 0, 0, 0, 0, 0, 0, 0],
            mark: [0; BITMAP_WORDS],
        };
        if !zeroed {
            clear(start, bytes);
        }
        let start_page = (start - BASE.load(Ordering::Relaxed)) >> PAGE_SHIFT;
        self.set_pages(start_page, npages, id);
        self.in_use_bytes += npages * PAGE;
        id
    }

    /// Returns span `id`'s pages to the free runs, merging with free
    /// neighbours.
    pub fn free_span(&mut self, id: u32) {
        let base = BASE.load(Ordering::Relaxed);
        // SAFETY: `id` is a span in use.
        let s = unsafe { span(id) };
        debug_assert!(!s.cached && !s.in_partial);
        self.in_use_bytes -= s.npages as usize * PAGE;
        self.free_resident_bytes += s.npages as usize * PAGE;
        let now = std::time::Instant::now();
        let mut start_page = (s.start - base) >> PAGE_SHIFT;
        let mut npages = s.npages as usize;
        let mut scavenged_pages = 0usize;
        let mut id = id;
        // Merge with the run before.
        if start_page > 0 {
            // SAFETY: below `top_page`.
            let pid = unsafe { *pagemap().add(start_page - 1) };
            let p = unsafe { span(pid) };
            if pid != 0 && p.state == SpanState::Free {
                self.unlink_run(pid);
                if p.scavenged {
                    scavenged_pages += p.npages as usize;
                }
                start_page -= p.npages as usize;
                npages += p.npages as usize;
                self.kill_id(id);
                id = pid;
            }
        }
        // Merge with the run after.
        let end = start_page + npages;
        if end < self.top_page {
            let nid = unsafe { *pagemap().add(end) };
            let n = unsafe { span(nid) };
            if nid != 0 && nid != id && n.state == SpanState::Free {
                self.unlink_run(nid);
                if n.scavenged {
                    scavenged_pages += n.npages as usize;
                }
                npages += n.npages as usize;
                self.kill_id(nid);
            }
        }
        // A merged run is resident as a whole: what was scavenged counts
        // as resident again until the next scavenge (conservative, so the
        // new owner clears it).
        self.free_resident_bytes += scavenged_pages * PAGE;
        let s = unsafe { span(id) };
        *s = Span {
            start: base + (start_page << PAGE_SHIFT),
            size: npages * PAGE,
            npages: npages as u32,
            magic: 0,
            nslots: 0,
            state: SpanState::Free,
            class: 0,
            noscan: false,
            cached: false,
            in_partial: false,
            needzero: false,
            scavenged: false,
            next: 0,
            prev: 0,
            freed_at: Some(now),
            alloc: [0; BITMAP_WORDS],
            mark: [0; BITMAP_WORDS],
        };
        self.set_pages(start_page, npages, id);
        self.push_run(id);
    }

    /// Gives free runs that stayed free for `after` back to the kernel.
    /// Returns the bytes released.
    pub fn scavenge(&mut self, after: std::time::Duration) -> usize {
        let now = std::time::Instant::now();
        let mut released = 0;
        for l in 0..RUN_LISTS {
            let mut id = self.runs[l];
            while id != 0 {
                // SAFETY: list members are handed-out free spans.
                let s = unsafe { span(id) };
                let old = s.freed_at.is_some_and(|t| now.duration_since(t) >= after);
                if !s.scavenged && old {
                    // SAFETY: the run is free: nobody uses its pages.
                    unsafe { libc::madvise(s.start as *mut libc::c_void, s.npages as usize * PAGE, libc::MADV_DONTNEED) };
                    s.scavenged = true;
                    self.free_resident_bytes -= s.npages as usize * PAGE;
                    released += s.npages as usize * PAGE;
                }
                id = s.next;
            }
        }
        released
    }

    /// Puts span `id` on its class's partial list.
    pub fn push_partial(&mut self, id: u32) {
        // SAFETY: `id` is a small span in use.
        let s = unsafe { span(id) };
        let l = &mut self.partial[s.class as usize][s.noscan as usize];
        s.next = *l;
        s.in_partial = true;
        *l = id;
    }

    /// Takes a span with free slots of `class` off the partial list.
    pub fn pop_partial(&mut self, class: usize, noscan: bool) -> Option<u32> {
        let l = &mut self.partial[class][noscan as usize];
        if *l == 0 {
            return None;
        }
        let id = *l;
        // SAFETY: list members are small spans in use.
        let s = unsafe { span(id) };
        *l = s.next;
        s.next = 0;
        s.in_partial = false;
        Some(id)
    }

    /// Empties every partial list (the sweeper rebuilds them).
    pub fn clear_partials(&mut self) {
        for c in self.partial.iter_mut() {
            for l in c.iter_mut() {
                let mut id = *l;
                while id != 0 {
                    // SAFETY: list members are small spans in use.
                    let s = unsafe { span(id) };
                    id = s.next;
                    s.next = 0;
                    s.in_partial = false;
                }
                *l = 0;
            }
        }
    }

    /// Bytes of pages the heap has touched and not given back.
    pub fn resident_bytes(&self) -> usize {
        self.in_use_bytes + self.free_resident_bytes
    }
}

/// `ceil(2^32 / size)`.
pub const fn magic(size: usize) -> u32 {
    (((1u64 << 32) + size as u64 - 1) / size as u64) as u32
}

/// Zeroes `bytes` bytes at `addr` (huge clears go back to the kernel).
pub fn clear(addr: usize, bytes: usize) {
    /// Above this, `MADV_DONTNEED` instead of writing zeroes. Trade-off:
    /// the pages being cleared are resident, and a program that reuses a
    /// large buffer writes it at once, so giving them back costs a page
    /// fault per 4 KiB later (measured: 2.75 s of system time for 5,200
    /// reused 800 KB vectors at a 256 KiB bound); only truly huge objects
    /// are better returned than rewritten.
    const MADVISE_OVER: usize = 32 << 20;
    if bytes >= MADVISE_OVER && addr % PAGE == 0 {
        let whole = bytes & !(PAGE - 1);
        // SAFETY: the range is a run of whole pages this caller owns.
        unsafe { libc::madvise(addr as *mut libc::c_void, whole, libc::MADV_DONTNEED) };
        // SAFETY: the tail is inside the same run.
        unsafe { std::ptr::write_bytes((addr + whole) as *mut u8, 0, bytes - whole) };
    } else {
        // SAFETY: as above.
        unsafe { std::ptr::write_bytes(addr as *mut u8, 0, bytes) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_division_is_exact_for_every_class() {
        for c in 0..NCLASSES {
            let size = class_size(c);
            let bytes = class_pages(c) * PAGE;
            let m = magic(size) as u64;
            for off in 0..bytes {
                assert_eq!(((off as u64 * m) >> 32) as usize, off / size, "class {c} size {size} offset {off}");
            }
            assert!(bytes / size <= BITMAP_WORDS * 64, "class {c} has too many slots");
            assert!(bytes / size >= 1);
        }
    }
}
