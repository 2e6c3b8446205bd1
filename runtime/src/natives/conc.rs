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
            let (start, count) = (a(1) as i64, a(2) as i64);
            let end = start.checked_add(count).unwrap_or(i64::MAX);
            crate::vec::check_slice_bounds(start, end, elems.len() as i64, site);
            crate::stdout::stdout_write_low_bytes(&elems[start as usize..end as usize]);
            0
        }
        I::NumGoroutine => crate::sched::num_goroutine() as u64,
        _ => unreachable!("conc::call({op:?})"),
    }
}
