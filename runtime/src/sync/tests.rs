//! Tests of wait groups, mutexes, atomics and `I64Vec`.

use super::*;
use crate::sched::enter_main_with;
use crate::sched::tests::{channel, go};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn wait_group_waits_for_every_done() {
    enter_main_with(2);
    let wg = wait_group_new();
    let counter = atomic_new(0);
    unsafe {
        // Waiting on a zero counter returns at once.
        wait_group_wait(wg);
        wait_group_add(wg, 100).unwrap();
        for i in 0..100 {
            go(move || {
                if i % 10 == 0 {
                    crate::sched::sleep_ms(5);
                }
                atomic(counter).fetch_add(1, Ordering::SeqCst);
                wait_group_add(wg, -1).unwrap();
            });
        }
        // Several waiters are all released.
        let released = channel(4);
        for _ in 0..3 {
            go(move || {
                wait_group_wait(wg);
                crate::chan::send(released, atomic(counter).load(Ordering::SeqCst) as u64).unwrap();
            });
        }
        wait_group_wait(wg);
        assert_eq!(atomic(counter).load(Ordering::SeqCst), 100);
        for _ in 0..3 {
            assert_eq!(crate::chan::recv(released), Some(100));
        }
        // The group can be reused.
        wait_group_add(wg, 1).unwrap();
        wait_group_add(wg, -1).unwrap();
        wait_group_wait(wg);
    }
}

#[test]
fn wait_group_counter_cannot_go_negative() {
    let wg = wait_group_new();
    unsafe {
        assert_eq!(wait_group_add(wg, -1), Err(NegativeCounter));
        wait_group_add(wg, 2).unwrap();
        assert_eq!(wait_group_add(wg, -3), Err(NegativeCounter));
        wait_group_add(wg, -2).unwrap();
        wait_group_add(wg, i64::MAX).unwrap();
        assert_eq!(wait_group_add(wg, 1), Err(NegativeCounter), "overflow is refused too");
    }
}

#[test]
fn mutex_protects_a_counter_under_contention() {
    enter_main_with(2);
    const G: usize = 8;
    const N: usize = 10_000;
    let m = mutex_new();
    // A plain (non-atomic) counter: only the mutex makes this correct.
    struct Counter(std::cell::UnsafeCell<usize>);
    // SAFETY: every access happens under the Gossamer mutex being tested.
    unsafe impl Sync for Counter {}
    let counter = Arc::new(Counter(std::cell::UnsafeCell::new(0)));
    let wg = wait_group_new();
    unsafe { wait_group_add(wg, G as i64).unwrap() };
    let t0 = Instant::now();
    for _ in 0..G {
        let c = counter.clone();
        go(move || unsafe {
            for _ in 0..N {
                mutex_lock(m);
                let v = *c.0.get();
                std::hint::black_box(v);
                *c.0.get() = v + 1;
                mutex_unlock(m).unwrap();
            }
            wait_group_add(wg, -1).unwrap();
        });
    }
    unsafe {
        wait_group_wait(wg);
        assert_eq!(*counter.0.get(), G * N);
        assert_eq!(mutex_unlock(m), Err(NotLocked));
    }
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
}

#[test]
fn mutex_blocks_until_unlocked() {
    enter_main_with(2);
    let m = mutex_new();
    let c = channel(0);
    unsafe {
        mutex_lock(m);
        go(move || {
            mutex_lock(m);
            crate::chan::send(c, 1).unwrap();
            mutex_unlock(m).unwrap();
        });
        crate::sched::sleep_ms(20);
        assert_eq!(crate::chan::try_recv(c), None, "the goroutine got a locked mutex");
        mutex_unlock(m).unwrap();
        assert_eq!(crate::chan::recv(c), Some(1));
    }
}

#[test]
fn atomics_and_i64vec() {
    enter_main_with(2);
    let a = atomic_new(5);
    let v = i64vec_new(1000).unwrap();
    assert_eq!(i64vec_new(-1), None);
    let wg = wait_group_new();
    unsafe {
        assert_eq!(atomic(a).compare_exchange(5, 6, Ordering::SeqCst, Ordering::SeqCst), Ok(5));
        assert_eq!(atomic(a).compare_exchange(5, 7, Ordering::SeqCst, Ordering::SeqCst), Err(6));
        assert_eq!(i64vec(v).len(), 1000);
        assert!(i64vec(v).iter().all(|x| x.load(Ordering::SeqCst) == 0));
        wait_group_add(wg, 4).unwrap();
        for t in 0..4 {
            go(move || {
                for i in (t..1000).step_by(4) {
                    i64vec(v)[i].store(i as i64 * 2, Ordering::SeqCst);
                    atomic(a).fetch_add(1, Ordering::SeqCst);
                }
                wait_group_add(wg, -1).unwrap();
            });
        }
        wait_group_wait(wg);
        assert_eq!(atomic(a).load(Ordering::SeqCst), 1006);
        for (i, x) in i64vec(v).iter().enumerate() {
            assert_eq!(x.load(Ordering::SeqCst), i as i64 * 2);
        }
    }
}
