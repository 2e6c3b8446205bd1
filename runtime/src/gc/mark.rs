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
static STACK: AtomicUsize = AtomicUsize::new(0);

pub struct Marker {
    stack: *mut u64,
    len: usize,
    max: usize,
    high: usize,
    descs: &'static [Desc],
}

impl Marker {
    pub fn new() -> Marker {
        let mut p = STACK.load(Ordering::Acquire);
        if p == 0 {
            // SAFETY: an anonymous private mapping with no address hint.
            let m = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    STACK_BYTES,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                )
            };
            if m == libc::MAP_FAILED {
                crate::panic::fatal("runtime: cannot reserve the collector's mark stack");
            }
            p = m as usize;
            STACK.store(p, Ordering::Release);
        }
        Marker { stack: p as *mut u64, len: 0, max: STACK_BYTES / 8, high: 0, descs: DESCS.get().map(|d| &d[..]).unwrap_or(&[]) }
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
            let bit = 1u64 << (i % 64);
            let m = &mut s.mark[i / 64];
            if *m & bit == 0 {
                *m |= bit;
                if !s.noscan {
                    self.push((s.slot_addr(i) + 8) as u64);
                }
            }
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
            let i = if s.nslots > 1 { s.slot_of(w as usize) } else { 0 };
            let bit = 1u64 << (i % 64);
            let m = &mut s.mark[i / 64];
            if *m & bit == 0 {
                *m |= bit;
                if !s.noscan {
                    self.push((s.slot_addr(i) + 8) as u64);
                }
            }
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
                break;
            }
            let obj = ring[head];
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

