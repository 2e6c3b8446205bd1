//! Channels and `select`, after Go's `runtime/chan.go` and `select.go`.
//!
//! Design: a channel is a heap object `[state, cap, ring…]` of internal
//! layout `LAYOUT_CHAN` (bit 0 set when elements are pointers, so the
//! collector traces buffered values precisely; emptied slots are zeroed so
//! that a received value is not kept alive by the buffer). Word 0 points to
//! Rust-owned [`ChanState`]: one mutex guarding the ring's head and length,
//! the closed flag, and the queues of blocked receivers and senders. Every
//! operation takes that mutex once:
//! - `send` hands its value straight to the first waiting receiver (no copy
//!   through the buffer), else appends to the ring, else queues itself with
//!   its value and parks;
//! - `recv` takes from the ring and, if a sender was blocked on the full
//!   ring, moves that sender's value into the freed slot; on an empty ring it
//!   takes straight from a blocked sender (unbuffered hand-off); else it
//!   queues and parks;
//! - `close` wakes every queued receiver with `None` and every queued sender
//!   with a failure (they panic "send on closed channel", as in Go).
//!
//! Queued entries are `WaitCell`s (`sched::park`). A `select` queues one
//! entry per arm, all sharing its cell; the first counterpart to win the
//! cell's claim completes it, others skip the entry as stale. `select` locks
//! its channels in address order (so two selects cannot deadlock on each
//! other's locks), polls the arms in a random order (so ready arms are
//! chosen uniformly), and after waking relocks them to remove its remaining
//! entries.
//!
//! Invariants: the ring holds `len <= cap` values starting at `head`;
//! `sendq` is non-empty only when the ring is full, `recvq` only when it is
//! empty (stale select entries aside); no entry refers to a cell whose owner
//! has returned from the operation.
//!
//! Words in flight, for the collector: buffered values are in the object;
//! a blocked sender's value is also still in its caller's frame (the `send`
//! argument stays live until `send` returns, which the conservative stack
//! scan sees); a value handed to a parked receiver sits in its `WaitCell`
//! until it runs, and the thread registry exposes each thread's cell so the
//! collector can treat that word as a root.
//!
//! Rejected: lock-free channels (Go measured and kept the mutex; with one
//! OS thread per goroutine the wake-up, not the lock, dominates) and a
//! condition variable per channel (wakes every waiter on every change and
//! cannot express `select`).

use crate::heap::{alloc, LAYOUT_CHAN};
use crate::object::field_ptr;
use crate::sched::{self, Waiter};
use parking_lot::{Mutex, MutexGuard};
use std::collections::VecDeque;

/// Go's limit on a channel's buffer (`makechan: size out of range`).
const MAX_CAPACITY: i64 = 1 << 40;

/// A blocked goroutine in a channel's queue.
struct Entry {
    w: Waiter,
    /// Which arm of its select (0 for plain operations).
    case: u32,
    /// The value a sender offers (unused for receivers).
    value: u64,
}

struct Inner {
    head: usize,
    len: usize,
    closed: bool,
    recvq: VecDeque<Entry>,
    sendq: VecDeque<Entry>,
}

/// The Rust-owned part of a channel (word 0 of the object).
pub struct ChanState {
    inner: Mutex<Inner>,
}

/// The operation failed because the channel is closed.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed;

/// Makes a channel of capacity `cap` (0: unbuffered); `ptr_elems` says the
/// element type is a pointer type. `None` when the capacity is negative or
/// absurd (the caller panics with Go's `makechan: size out of range`).
pub fn chan_new(cap: i64, ptr_elems: bool) -> Option<u64> {
    if !(0..=MAX_CAPACITY).contains(&cap) {
        return None;
    }
    let obj = alloc(LAYOUT_CHAN | ptr_elems as u32, 2 + cap as usize) as u64;
    let state = Box::new(ChanState {
        inner: Mutex::new(Inner { head: 0, len: 0, closed: false, recvq: VecDeque::new(), sendq: VecDeque::new() }),
    });
    let p = Box::into_raw(state);
    // SAFETY: the object has 2 + cap words.
    unsafe {
        *field_ptr(obj, 0) = p as u64;
        *field_ptr(obj, 1) = cap as u64;
    }
    /// Frees the state when the collector frees the channel.
    unsafe fn drop_state(p: usize) {
        drop(Box::from_raw(p as *mut ChanState));
    }
    crate::gc::register_finalizer(obj, p as usize, drop_state);
    Some(obj)
}

/// # Safety
/// `ch` must be a channel object.
unsafe fn state(ch: u64) -> &'static ChanState {
    &*(*field_ptr(ch, 0) as *const ChanState)
}

/// # Safety
/// `ch` must be a channel object.
unsafe fn cap(ch: u64) -> usize {
    *field_ptr(ch, 1) as usize
}

/// # Safety
/// `ch` must be a channel object and `i < cap(ch)`.
unsafe fn slot(ch: u64, i: usize) -> *mut u64 {
    field_ptr(ch, 2 + i)
}

/// Pops the first entry whose claim succeeds (skipping stale select
/// entries).
fn pop_claimed(q: &mut VecDeque<Entry>) -> Option<Entry> {
    while let Some(e) = q.pop_front() {
        if e.w.claim() {
            return Some(e);
        }
    }
    None
}

/// A claimed waiter to complete once the channel lock is released (waking
/// a thread under the lock would make the woken thread wait for it).
struct Wake(Entry, bool, u64);

impl Wake {
    fn fire(self) {
        let Wake(e, ok, value) = self;
        e.w.cell.set_result(e.case, ok, value);
        e.w.cell.complete();
    }
}

/// The receive half under the lock: `None` when not ready, else the
/// result (`None` inside: closed and drained) and a sender to wake.
unsafe fn recv_locked(ch: u64, g: &mut Inner) -> Option<(Option<u64>, Option<Wake>)> {
    let cap = cap(ch);
    if g.len > 0 {
        let v = std::mem::replace(&mut *slot(ch, g.head), 0);
        g.head = (g.head + 1) % cap;
        g.len -= 1;
        let wake = pop_claimed(&mut g.sendq).map(|s| {
            *slot(ch, (g.head + g.len) % cap) = s.value;
            g.len += 1;
            Wake(s, true, 0)
        });
        return Some((Some(v), wake));
    }
    if let Some(s) = pop_claimed(&mut g.sendq) {
        let v = s.value;
        return Some((Some(v), Some(Wake(s, true, 0))));
    }
    if g.closed {
        return Some((None, None));
    }
    None
}

/// The send half under the lock: `Ok(None)` when not ready, `Ok(Some(_))`
/// when done (with a receiver to wake).
unsafe fn send_locked(ch: u64, g: &mut Inner, v: u64) -> Result<Option<Option<Wake>>, Closed> {
    if g.closed {
        return Err(Closed);
    }
    if let Some(r) = pop_claimed(&mut g.recvq) {
        return Ok(Some(Some(Wake(r, true, v))));
    }
    let cap = cap(ch);
    if g.len < cap {
        *slot(ch, (g.head + g.len) % cap) = v;
        g.len += 1;
        return Ok(Some(None));
    }
    Ok(None)
}

/// Sends `v`, blocking while the channel is full (or, unbuffered, until a
/// receiver takes it).
///
/// # Safety
/// `ch` must be a channel object.
pub unsafe fn send(ch: u64, v: u64) -> Result<(), Closed> {
    let mut g = state(ch).inner.lock();
    if let Some(wake) = send_locked(ch, &mut g, v)? {
        drop(g);
        if let Some(w) = wake {
            w.fire();
        }
        return Ok(());
    }
    let w = Waiter::current();
    w.domain.block();
    g.sendq.push_back(Entry { w: w.clone(), case: 0, value: v });
    drop(g);
    sched::park(&w);
    // Keep `v` in this frame until the receiver has it (see module docs).
    std::hint::black_box(&v);
    if w.cell.ok() {
        Ok(())
    } else {
        Err(Closed)
    }
}

/// Receives a value, blocking until one arrives; `None` once the channel is
/// closed and drained.
///
/// # Safety
/// `ch` must be a channel object.
pub unsafe fn recv(ch: u64) -> Option<u64> {
    let mut g = state(ch).inner.lock();
    if let Some((v, wake)) = recv_locked(ch, &mut g) {
        drop(g);
        if let Some(w) = wake {
            w.fire();
        }
        return v;
    }
    let w = Waiter::current();
    w.domain.block();
    g.recvq.push_back(Entry { w: w.clone(), case: 0, value: 0 });
    drop(g);
    sched::park(&w);
    w.cell.ok().then(|| w.cell.value())
}

/// Receives a value if one is ready now.
///
/// # Safety
/// `ch` must be a channel object.
pub unsafe fn try_recv(ch: u64) -> Option<u64> {
    let mut g = state(ch).inner.lock();
    let r = recv_locked(ch, &mut g);
    drop(g);
    match r {
        Some((v, wake)) => {
            if let Some(w) = wake {
                w.fire();
            }
            v
        }
        None => None,
    }
}

/// Closes the channel, waking every blocked receiver (with `None`) and
/// sender (which then panics).
///
/// # Safety
/// `ch` must be a channel object.
pub unsafe fn close(ch: u64) -> Result<(), Closed> {
    let mut g = state(ch).inner.lock();
    if g.closed {
        return Err(Closed);
    }
    g.closed = true;
    let mut wakes = Vec::new();
    while let Some(r) = pop_claimed(&mut g.recvq) {
        wakes.push(Wake(r, false, 0));
    }
    while let Some(s) = pop_claimed(&mut g.sendq) {
        wakes.push(Wake(s, false, 0));
    }
    drop(g);
    wakes.into_iter().for_each(Wake::fire);
    Ok(())
}

/// Whether the channel is closed and drained.
///
/// # Safety
/// `ch` must be a channel object.
pub unsafe fn is_closed(ch: u64) -> bool {
    let g = state(ch).inner.lock();
    g.closed && g.len == 0
}

/// Values buffered now (for tests and debugging).
///
/// # Safety
/// `ch` must be a channel object.
pub unsafe fn buffered(ch: u64) -> usize {
    state(ch).inner.lock().len
}

/// One arm of a `select`.
#[derive(Clone, Copy, Debug)]
pub enum Arm {
    /// Receive from the channel.
    Recv(u64),
    /// Send the value on the channel.
    Send(u64, u64),
}

impl Arm {
    fn chan(&self) -> u64 {
        match *self {
            Arm::Recv(c) | Arm::Send(c, _) => c,
        }
    }
}

/// What a `select` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Selected {
    /// Arm `i` received (the `Option` a `recv` would have returned).
    Recv(usize, Option<u64>),
    /// Arm `i` sent its value.
    Send(usize),
    /// No arm was ready and there is a `default`.
    Default,
}

/// Go's `select`: takes one ready arm chosen uniformly at random; with no
/// ready arm, returns `Default` if `has_default`, else blocks until one
/// becomes ready. A send arm on a closed channel fails with `Closed` (Go
/// panics "send on closed channel").
///
/// # Safety
/// Every arm's channel must be a channel object.
pub unsafe fn select(arms: &[Arm], has_default: bool) -> Result<Selected, Closed> {
    if arms.is_empty() {
        if has_default {
            return Ok(Selected::Default);
        }
        sched::block_forever();
    }
    // A random poll order (Fisher-Yates) makes the choice among ready arms
    // uniform.
    let mut order: Vec<usize> = (0..arms.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, sched::fastrand(i + 1));
    }
    // Lock every distinct channel in address order.
    let mut chans: Vec<u64> = arms.iter().map(|a| a.chan()).collect();
    chans.sort_unstable_by_key(|&c| state(c) as *const ChanState as usize);
    chans.dedup_by_key(|c| state(*c) as *const ChanState as usize);
    let mut guards = lock_all(&chans);
    let gi = |chans: &[u64], c: u64| {
        chans.binary_search_by_key(&(state(c) as *const ChanState as usize), |&x| state(x) as *const ChanState as usize).unwrap_or(0)
    };
    for &i in &order {
        let arm = arms[i];
        let g = &mut *guards[gi(&chans, arm.chan())];
        match arm {
            Arm::Recv(c) => {
                if let Some((v, wake)) = recv_locked(c, g) {
                    drop(guards);
                    if let Some(w) = wake {
                        w.fire();
                    }
                    return Ok(Selected::Recv(i, v));
                }
            }
            Arm::Send(c, v) => match send_locked(c, g, v) {
                Err(Closed) => return Err(Closed),
                Ok(Some(wake)) => {
                    drop(guards);
                    if let Some(w) = wake {
                        w.fire();
                    }
                    return Ok(Selected::Send(i));
                }
                Ok(None) => {}
            },
        }
    }
    if has_default {
        return Ok(Selected::Default);
    }
    // Nothing ready: queue on every channel with one shared cell and park.
    let w = Waiter::current();
    w.domain.block();
    for (i, arm) in arms.iter().enumerate() {
        let g = &mut *guards[gi(&chans, arm.chan())];
        match *arm {
            Arm::Recv(_) => g.recvq.push_back(Entry { w: w.clone(), case: i as u32, value: 0 }),
            Arm::Send(_, v) => g.sendq.push_back(Entry { w: w.clone(), case: i as u32, value: v }),
        }
    }
    drop(guards);
    sched::park(&w);
    std::hint::black_box(arms);
    // Remove the entries of the arms that did not fire.
    let mut guards = lock_all(&chans);
    for g in guards.iter_mut() {
        g.recvq.retain(|e| !e.w.is(&w));
        g.sendq.retain(|e| !e.w.is(&w));
    }
    drop(guards);
    let i = w.cell.case() as usize;
    match arms[i] {
        Arm::Recv(_) => Ok(Selected::Recv(i, w.cell.ok().then(|| w.cell.value()))),
        Arm::Send(..) if w.cell.ok() => Ok(Selected::Send(i)),
        Arm::Send(..) => Err(Closed),
    }
}

/// Locks the channels of `chans` (sorted by state address) in order.
unsafe fn lock_all(chans: &[u64]) -> Vec<MutexGuard<'static, Inner>> {
    chans.iter().map(|&c| state(c).inner.lock()).collect()
}

#[cfg(test)]
mod tests;
