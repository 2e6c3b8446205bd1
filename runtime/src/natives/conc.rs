//! Natives for concurrency (LANGUAGE.md §7): channels, `select`, wait
//! groups, mutexes, atomics, `I64Vec` and the goroutine count. They turn
//! the argument words into calls on `chan`, `sync` and `sched`, and the
//! failures those report into Go's panics and fatal errors at the call's
//! site. `select`'s received value travels through a thread-local slot
//! (`SelectRecvValue`), because the intrinsic returns the arm's index.

use super::{option, Site};
use crate::chan::{self, Arm, Closed, Selected};
use crate::object::{index_out_of_range, new_aggregate};
use crate::sync;
use gos_abi::{Intrinsic, TypeId, TypeKind};
use std::cell::Cell;
use std::sync::atomic::Ordering;

thread_local! {
    /// What the last `Select` on this thread received.
    static SELECT_SLOT: Cell<Option<u64>> = const { Cell::new(None) };
}

fn send_on_closed(site: &Site) -> ! {
    crate::panic_at("send on closed channel", site)
}

/// Whether the element type of channel tuple type `ret`
/// (`(Sender<T>, Receiver<T>)`) is a pointer type.
fn chan_elem_is_pointer(ret: TypeId) -> bool {
    let elem = match crate::kind(ret) {
        TypeKind::Tuple(parts) => match parts.first().map(|&t| crate::kind(t)) {
            Some(TypeKind::Sender(e)) => *e,
            other => crate::panic::fatal(&format!("runtime: ChanNew result starts with {other:?}")),
        },
        other => crate::panic::fatal(&format!("runtime: ChanNew result of type {other:?}")),
    };
    crate::kind(elem).is_pointer()
}

/// An `I64Vec` index, bounds-checked as Go indexes.
unsafe fn index(v: u64, i: u64, site: &Site) -> usize {
    let len = sync::i64vec(v).len() as i64;
    let i = i as i64;
    if i < 0 || i >= len {
        index_out_of_range(i, len, site);
    }
    i as usize
}

pub(super) unsafe fn call(op: Intrinsic, args: &[u64], ret: TypeId, site: &Site) -> u64 {
    use Intrinsic as I;
    let a = |i: usize| -> u64 { args[i] };
    match op {
        I::ChanNew => match chan::chan_new(a(0) as i64, chan_elem_is_pointer(ret)) {
            Some(ch) => new_aggregate(ret, &[ch, ch]),
            None => crate::panic_at("makechan: size out of range", site),
        },
        I::ChanSend => match chan::send(a(0), a(1)) {
            Ok(()) => 0,
            Err(Closed) => send_on_closed(site),
        },
        I::ChanRecv => option(ret, chan::recv(a(0))),
        I::ChanTryRecv => option(ret, chan::try_recv(a(0))),
        I::ChanClose => match chan::close(a(0)) {
            Ok(()) => 0,
            Err(Closed) => crate::panic_at("close of closed channel", site),
        },
        I::ChanIsClosed => chan::is_closed(a(0)) as u64,
        I::Select => {
            let has_default = a(0) != 0;
            let n = a(1) as i64;
            if n < 0 || args.len() as i64 != 2 + 3 * n {
                crate::panic::fatal(&format!("runtime: Select with {n} arms and {} argument words", args.len()));
            }
            let arms: Vec<Arm> = (0..n as usize)
                .map(|i| {
                    let (kind, ch, v) = (a(2 + 3 * i), a(3 + 3 * i), a(4 + 3 * i));
                    if kind == 0 {
                        Arm::Recv(ch)
                    } else {
                        Arm::Send(ch, v)
                    }
                })
                .collect();
            match chan::select(&arms, has_default) {
                Ok(Selected::Recv(i, v)) => {
                    SELECT_SLOT.with(|s| s.set(v));
                    i as u64
                }
                Ok(Selected::Send(i)) => i as u64,
                Ok(Selected::Default) => -1i64 as u64,
                Err(Closed) => send_on_closed(site),
            }
        }
        I::SelectRecvValue => option(ret, SELECT_SLOT.with(|s| s.take())),
        I::WaitGroupNew => sync::wait_group_new(),
        I::WaitGroupAdd | I::WaitGroupDone => {
            let n = if op == I::WaitGroupAdd { a(1) as i64 } else { -1 };
            match sync::wait_group_add(a(0), n) {
                Ok(()) => 0,
                Err(_) => crate::panic_at("sync: negative WaitGroup counter", site),
            }
        }
        I::WaitGroupWait => {
            sync::wait_group_wait(a(0));
            0
        }
        I::MutexNew => sync::mutex_new(),
        I::MutexLock => {
            sync::mutex_lock(a(0));
            0
        }
        I::MutexUnlock => match sync::mutex_unlock(a(0)) {
            Ok(()) => 0,
            Err(_) => crate::panic::fatal("sync: unlock of unlocked mutex"),
        },
        I::AtomicNew => sync::atomic_new(a(0) as i64),
        I::AtomicLoad => sync::atomic(a(0)).load(Ordering::SeqCst) as u64,
        I::AtomicStore => {
            sync::atomic(a(0)).store(a(1) as i64, Ordering::SeqCst);
            0
        }
        I::AtomicFetchAdd => sync::atomic(a(0)).fetch_add(a(1) as i64, Ordering::SeqCst) as u64,
        I::AtomicCompareExchange => match sync::atomic(a(0)).compare_exchange(a(1) as i64, a(2) as i64, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(prev) => super::ok(ret, prev as u64),
            Err(actual) => super::err(ret, actual as u64),
        },
        I::I64VecNew => match sync::i64vec_new(a(0) as i64) {
            Some(v) => v,
            None => crate::panic_at("runtime error: makeslice: len out of range", site),
        },
        I::I64VecLen => sync::i64vec(a(0)).len() as u64,
        I::I64VecGet => sync::i64vec(a(0))[index(a(0), a(1), site)].load(Ordering::SeqCst) as u64,
        I::I64VecSet => {
            sync::i64vec(a(0))[index(a(0), a(1), site)].store(a(2) as i64, Ordering::SeqCst);
            0
        }
        I::I64VecWriteBytesToStdout => {
            let elems = sync::i64vec(a(0));
            let (start, end) = piece(a(1), a(2), elems.len(), site);
            crate::stdout::stdout_write_low_bytes(&elems[start..end]);
            0
        }
        I::I64VecWriteLeBytesToStdout => {
            let elems = sync::i64vec(a(0));
            // The byte image is 8 bytes per cell; a vector's length is far
            // below i64::MAX / 8 (it is one allocation).
            let (start, end) = piece(a(1), a(2), elems.len() * 8, site);
            crate::stdout::stdout_write_le_bytes(elems, start, end - start);
            0
        }
        I::NumGoroutine => crate::sched::num_goroutine() as u64,
        _ => unreachable!("conc::call({op:?})"),
    }
}

/// The range `[start, start + count)` of a write of `len` items, checked
/// as slicing checks it (`slice bounds out of range`, Go's panic).
fn piece(start: u64, count: u64, len: usize, site: &Site) -> (usize, usize) {
    let (start, count) = (start as i64, count as i64);
    let end = start.checked_add(count).unwrap_or(i64::MAX);
    crate::vec::check_slice_bounds(start, end, len as i64, site);
    (start as usize, end as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::field;
    use crate::testutil::*;
    use Intrinsic as I;

    unsafe fn call(op: Intrinsic, args: &[u64], ret: TypeId) -> u64 {
        crate::call_intrinsic(op, args, &[], ret, &SITE)
    }

    /// Reads an `Option<T>` object as a Rust option.
    unsafe fn opt(v: u64) -> Option<u64> {
        (field(v, 0) == 1).then(|| field(v, 1))
    }

    #[test]
    fn channel_intrinsics_round_trip_values_and_options() {
        setup();
        crate::sched::enter_main_with(2);
        unsafe {
            let pair = call(I::ChanNew, &[2], T_CHAN_I64);
            let (tx, rx) = (field(pair, 0), field(pair, 1));
            assert_eq!(tx, rx, "both halves are the same channel");
            call(I::ChanSend, &[tx, 5], T_UNIT);
            assert_eq!(opt(call(I::ChanTryRecv, &[rx], T_OPT_I64)), Some(5));
            assert_eq!(opt(call(I::ChanTryRecv, &[rx], T_OPT_I64)), None);
            call(I::ChanSend, &[tx, 6], T_UNIT);
            call(I::ChanClose, &[tx], T_UNIT);
            assert_eq!(call(I::ChanIsClosed, &[rx], T_BOOL), 0);
            assert_eq!(opt(call(I::ChanRecv, &[rx], T_OPT_I64)), Some(6));
            assert_eq!(opt(call(I::ChanRecv, &[rx], T_OPT_I64)), None);
            assert_eq!(call(I::ChanIsClosed, &[rx], T_BOOL), 1);
            // Channels of strings are pointer channels: their ring is traced.
            let spair = call(I::ChanNew, &[1], T_CHAN_STR);
            assert_eq!(crate::heap::type_of(field(spair, 0) as *const u64), crate::heap::LAYOUT_CHAN | 1);
        }
    }

    #[test]
    fn select_intrinsic_returns_the_arm_and_leaves_the_value() {
        setup();
        crate::sched::enter_main_with(2);
        unsafe {
            let a = field(call(I::ChanNew, &[1], T_CHAN_I64), 0);
            let b = field(call(I::ChanNew, &[1], T_CHAN_I64), 0);
            // Nothing ready, with default.
            assert_eq!(call(I::Select, &[1, 2, 0, a, 0, 0, b, 0], T_I64) as i64, -1);
            // A send arm (b has room) and a receive arm on empty a.
            assert_eq!(call(I::Select, &[0, 2, 0, a, 0, 1, b, 42], T_I64), 1);
            assert_eq!(call(I::Select, &[0, 2, 0, a, 0, 0, b, 0], T_I64), 1);
            assert_eq!(opt(call(I::SelectRecvValue, &[], T_OPT_I64)), Some(42));
            call(I::ChanClose, &[a], T_UNIT);
            assert_eq!(call(I::Select, &[0, 1, 0, a, 0], T_I64), 0);
            assert_eq!(opt(call(I::SelectRecvValue, &[], T_OPT_I64)), None);
        }
    }

    #[test]
    #[should_panic(expected = "panic: close of closed channel")]
    fn closing_twice_panics() {
        setup();
        unsafe {
            let tx = field(call(I::ChanNew, &[0], T_CHAN_I64), 0);
            call(I::ChanClose, &[tx], T_UNIT);
            call(I::ChanClose, &[tx], T_UNIT);
        }
    }

    #[test]
    #[should_panic(expected = "panic: send on closed channel")]
    fn sending_on_closed_panics() {
        setup();
        unsafe {
            let tx = field(call(I::ChanNew, &[1], T_CHAN_I64), 0);
            call(I::ChanClose, &[tx], T_UNIT);
            call(I::ChanSend, &[tx, 1], T_UNIT);
        }
    }

    #[test]
    #[should_panic(expected = "panic: makechan: size out of range")]
    fn negative_capacity_panics() {
        setup();
        unsafe { call(I::ChanNew, &[-1i64 as u64], T_CHAN_I64) };
    }

    #[test]
    #[should_panic(expected = "panic: sync: negative WaitGroup counter")]
    fn wait_group_done_below_zero_panics() {
        setup();
        unsafe {
            let wg = call(I::WaitGroupNew, &[], T_UNIT);
            call(I::WaitGroupAdd, &[wg, 1], T_UNIT);
            call(I::WaitGroupDone, &[wg], T_UNIT);
            call(I::WaitGroupWait, &[wg], T_UNIT);
            call(I::WaitGroupDone, &[wg], T_UNIT);
        }
    }

    #[test]
    #[should_panic(expected = "fatal error: sync: unlock of unlocked mutex")]
    fn unlocking_an_unlocked_mutex_is_fatal() {
        setup();
        unsafe {
            let m = call(I::MutexNew, &[], T_UNIT);
            call(I::MutexLock, &[m], T_UNIT);
            call(I::MutexUnlock, &[m], T_UNIT);
            call(I::MutexUnlock, &[m], T_UNIT);
        }
    }

    #[test]
    fn atomics_follow_rust_results() {
        setup();
        unsafe {
            let a = call(I::AtomicNew, &[10], T_UNIT);
            assert_eq!(call(I::AtomicFetchAdd, &[a, 5], T_I64), 10);
            assert_eq!(call(I::AtomicLoad, &[a], T_I64), 15);
            call(I::AtomicStore, &[a, -3i64 as u64], T_UNIT);
            let ok = call(I::AtomicCompareExchange, &[a, -3i64 as u64, 7], T_RES_I64_I64);
            assert_eq!((field(ok, 0), field(ok, 1) as i64), (0, -3));
            let err = call(I::AtomicCompareExchange, &[a, 1, 2], T_RES_I64_I64);
            assert_eq!((field(err, 0), field(err, 1)), (1, 7));
        }
    }

    #[test]
    fn i64vec_get_set_len() {
        setup();
        unsafe {
            let v = call(I::I64VecNew, &[3], T_UNIT);
            assert_eq!(call(I::I64VecLen, &[v], T_I64), 3);
            call(I::I64VecSet, &[v, 2, 99], T_UNIT);
            assert_eq!(call(I::I64VecGet, &[v, 2], T_I64), 99);
            assert_eq!(call(I::I64VecGet, &[v, 0], T_I64), 0);
        }
    }

    #[test]
    #[should_panic(expected = "panic: runtime error: index out of range [3] with length 3")]
    fn i64vec_index_is_checked() {
        setup();
        unsafe {
            let v = call(I::I64VecNew, &[3], T_UNIT);
            call(I::I64VecGet, &[v, 3], T_I64);
        }
    }

    #[test]
    fn num_goroutine_counts_main() {
        setup();
        crate::sched::enter_main_with(1);
        assert_eq!(unsafe { call(I::NumGoroutine, &[], T_I64) }, 1);
    }
}
