//! `WaitGroup`, `Mutex`, `AtomicI64` and `I64Vec`: the shared-memory side
//! of LANGUAGE.md §7.
//!
//! Design: wait groups and mutexes are heap objects of layout
//! `LAYOUT_HANDLE` whose word 0 points to Rust-owned state: a small lock
//! around the counter (or the locked flag) and a queue of parked
//! `Waiter`s, exactly like a channel's queues, so blocking, waking and
//! deadlock accounting work the same way everywhere. `AtomicI64` is a
//! one-word `LAYOUT_RAW` object and `I64Vec` a `LAYOUT_RAW` object
//! `[len, elements…]`; their words are accessed as `std::sync::atomic::
//! AtomicI64` with `SeqCst`, as the language's memory model requires.
//!
//! The mutex lets a running goroutine take a just-released lock ahead of a
//! woken waiter (Go's normal mode): handing the lock to the parked thread
//! would make every contended `unlock` wait ~25 µs for that thread to wake.
//! A waiter that loses the race re-queues at the *front*, so it is next in
//! line and cannot starve behind newcomers for long.
//!
//! Invariants: a wait group's counter is never negative (the operation that
//! would make it so fails instead); waiters are queued only while the
//! counter is positive / the mutex is locked.

use crate::heap::{alloc, LAYOUT_HANDLE, LAYOUT_RAW};
use crate::object::field_ptr;
use crate::sched::{self, Waiter};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};

/// The largest `I64Vec` (Go's `makeslice: len out of range` beyond).
const MAX_I64VEC: i64 = 1 << 45;

fn new_handle<T>(state: T) -> u64 {
    let obj = alloc(LAYOUT_HANDLE, 1) as u64;
    let p = Box::into_raw(Box::new(state));
    // SAFETY: the object has one word.
    unsafe { *field_ptr(obj, 0) = p as u64 };
    /// Frees the state when the collector frees the handle.
    unsafe fn drop_state<T>(p: usize) {
        drop(Box::from_raw(p as *mut T));
    }
    crate::gc::register_finalizer(obj, p as usize, drop_state::<T>);
    obj
}

/// # Safety
/// `obj` must be a handle made by `new_handle::<T>`.
unsafe fn handle<T>(obj: u64) -> &'static T {
    &*(*field_ptr(obj, 0) as *const T)
}

struct WaitGroupState {
    inner: Mutex<(i64, Vec<Waiter>)>,
}

/// A wait group's counter went negative.
#[derive(Debug, PartialEq, Eq)]
pub struct NegativeCounter;

/// A new wait group (counter 0).
pub fn wait_group_new() -> u64 {
    new_handle(WaitGroupState { inner: Mutex::new((0, Vec::new())) })
}

/// Adds `n` (possibly negative) to the counter, releasing the waiters when
/// it reaches zero.
///
/// # Safety
/// `wg` must be a wait group object.
pub unsafe fn wait_group_add(wg: u64, n: i64) -> Result<(), NegativeCounter> {
    let st = handle::<WaitGroupState>(wg);
    let mut g = st.inner.lock();
    let new = g.0.checked_add(n).ok_or(NegativeCounter)?;
    if new < 0 {
        return Err(NegativeCounter);
    }
    g.0 = new;
    if new > 0 {
        return Ok(());
    }
    let waiters = std::mem::take(&mut g.1);
    drop(g);
    for w in waiters {
        if w.claim() {
            w.cell.set_result(0, true, 0);
            w.cell.complete();
        }
    }
    Ok(())
}

/// Blocks until the counter is zero.
///
/// # Safety
/// `wg` must be a wait group object.
pub unsafe fn wait_group_wait(wg: u64) {
    let st = handle::<WaitGroupState>(wg);
    let mut g = st.inner.lock();
    if g.0 == 0 {
        return;
    }
    let w = Waiter::current();
    w.domain.block();
    g.1.push(w.clone());
    drop(g);
    sched::park(&w);
}

struct MutexState {
    inner: Mutex<(bool, VecDeque<Waiter>)>,
}

/// `unlock` of a mutex that is not locked.
#[derive(Debug, PartialEq, Eq)]
pub struct NotLocked;

/// A new, unlocked mutex.
pub fn mutex_new() -> u64 {
    new_handle(MutexState { inner: Mutex::new((false, VecDeque::new())) })
}

/// Locks the mutex, blocking while another goroutine holds it.
///
/// # Safety
/// `m` must be a mutex object.
pub unsafe fn mutex_lock(m: u64) {
    let st = handle::<MutexState>(m);
    let mut woken = false;
    loop {
        let mut g = st.inner.lock();
        if !g.0 {
            g.0 = true;
            return;
        }
        let w = Waiter::current();
        w.domain.block();
        if woken {
            g.1.push_front(w.clone());
        } else {
            g.1.push_back(w.clone());
        }
        drop(g);
        sched::park(&w);
        woken = true;
    }
}

/// Unlocks the mutex and wakes the first waiter.
///
/// # Safety
/// `m` must be a mutex object.
pub unsafe fn mutex_unlock(m: u64) -> Result<(), NotLocked> {
    let st = handle::<MutexState>(m);
    let mut g = st.inner.lock();
    if !g.0 {
        return Err(NotLocked);
    }
    g.0 = false;
    let mut next = None;
    while let Some(w) = g.1.pop_front() {
        if w.claim() {
            next = Some(w);
            break;
        }
    }
    drop(g);
    if let Some(w) = next {
        w.cell.set_result(0, true, 0);
        w.cell.complete();
    }
    Ok(())
}

/// A new `AtomicI64` holding `v`.
pub fn atomic_new(v: i64) -> u64 {
    let obj = alloc(LAYOUT_RAW, 1) as u64;
    // SAFETY: the object has one word.
    unsafe { atomic(obj).store(v, Ordering::SeqCst) };
    obj
}

/// The atomic cell of an `AtomicI64` object.
///
/// # Safety
/// `a` must be an `AtomicI64` object.
pub unsafe fn atomic(a: u64) -> &'static AtomicI64 {
    &*(field_ptr(a, 0) as *const AtomicI64)
}

/// A new zeroed `I64Vec` of `len` elements; `None` when `len` is negative
/// or absurd.
pub fn i64vec_new(len: i64) -> Option<u64> {
    if !(0..=MAX_I64VEC).contains(&len) {
        return None;
    }
    let obj = alloc(LAYOUT_RAW, gos_abi::I64VEC_ELEMS + len as usize) as u64;
    // SAFETY: the object has room for the length and len elements.
    unsafe { *field_ptr(obj, gos_abi::I64VEC_LEN) = len as u64 };
    Some(obj)
}

/// The elements of an `I64Vec`.
///
/// # Safety
/// `v` must be an `I64Vec` object.
pub unsafe fn i64vec(v: u64) -> &'static [AtomicI64] {
    let len = *field_ptr(v, gos_abi::I64VEC_LEN) as usize;
    std::slice::from_raw_parts(field_ptr(v, gos_abi::I64VEC_ELEMS) as *const AtomicI64, len)
}

#[cfg(test)]
mod tests;
