//! Channel and select tests: semantics (hand-off, ordering, close), stress
//! under contention, and a randomized-schedule checker standing in for
//! `loom` (see design/channels.md).

use super::*;
use crate::sched::tests::{channel, go};
use crate::sched::{enter_main_with, gosched};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn buffered_channel_is_fifo_and_try_recv_never_blocks() {
    enter_main_with(2);
    let c = channel(3);
    unsafe {
        assert_eq!(try_recv(c), None);
        for v in [10, 20, 30] {
            send(c, v).unwrap();
        }
        assert_eq!(buffered(c), 3);
        assert_eq!(recv(c), Some(10));
        send(c, 40).unwrap();
        assert_eq!(try_recv(c), Some(20));
        assert_eq!(recv(c), Some(30));
        assert_eq!(recv(c), Some(40));
        assert_eq!(try_recv(c), None);
    }
}

#[test]
fn unbuffered_send_waits_for_the_receiver_and_keeps_order() {
    enter_main_with(2);
    let c = channel(0);
    let received = Arc::new(AtomicBool::new(false));
    let r = received.clone();
    go(move || unsafe {
        crate::sched::sleep_ms(30);
        for i in 0..1000 {
            assert_eq!(recv(c), Some(i));
            r.store(true, Ordering::SeqCst);
        }
    });
    let t0 = Instant::now();
    unsafe { send(c, 0).unwrap() };
    // The rendezvous: send returned only once the receiver took the value.
    assert!(t0.elapsed() >= Duration::from_millis(20));
    for i in 1..1000 {
        unsafe { send(c, i).unwrap() };
    }
    assert!(received.load(Ordering::SeqCst));
}

#[test]
fn close_drains_then_reports_none_and_wakes_everyone() {
    enter_main_with(2);
    let c = channel(2);
    unsafe {
        send(c, 1).unwrap();
        close(c).unwrap();
        assert!(!is_closed(c), "closed but not drained");
        assert_eq!(send(c, 2), Err(Closed));
        assert_eq!(close(c), Err(Closed));
        assert_eq!(recv(c), Some(1));
        assert!(is_closed(c));
        assert_eq!(recv(c), None);
        assert_eq!(try_recv(c), None);
    }
    // Blocked receivers get None, blocked senders fail.
    let r = channel(0);
    let s = channel(0);
    let results = channel(8);
    for _ in 0..3 {
        go(move || unsafe { send(results, recv(r).is_none() as u64).unwrap() });
        go(move || unsafe { send(results, (send(s, 5) == Err(Closed)) as u64 + 10).unwrap() });
    }
    // Wait until all six are queued.
    let t0 = Instant::now();
    loop {
        let queued = unsafe {
            let a = state(r).inner.lock().recvq.len();
            let b = state(s).inner.lock().sendq.len();
            a + b
        };
        if queued == 6 {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(5));
        crate::sched::sleep_ms(1);
    }
    unsafe {
        close(r).unwrap();
        close(s).unwrap();
        let mut got: Vec<u64> = (0..6).map(|_| recv(results).unwrap()).collect();
        got.sort();
        assert_eq!(got, [1, 1, 1, 11, 11, 11]);
    }
}

#[test]
fn many_producers_and_consumers_count_every_value_once() {
    producers_and_consumers(2);
}

#[test]
fn many_producers_and_consumers_under_one_proc() {
    producers_and_consumers(1);
}

fn producers_and_consumers(procs: usize) {
    enter_main_with(procs);
    const P: u64 = 8;
    const C: u64 = 8;
    const PER: u64 = 5_000;
    let c = channel(64);
    let totals = channel(C as i64);
    let wg = crate::sync::wait_group_new();
    unsafe { crate::sync::wait_group_add(wg, P as i64).unwrap() };
    for p in 0..P {
        go(move || unsafe {
            for i in 0..PER {
                send(c, p * PER + i).unwrap();
            }
            crate::sync::wait_group_add(wg, -1).unwrap();
        });
    }
    let seen = Arc::new(parking_lot::Mutex::new(Vec::new()));
    for _ in 0..C {
        let seen = seen.clone();
        go(move || unsafe {
            let mut mine = Vec::new();
            while let Some(v) = recv(c) {
                mine.push(v);
            }
            let n = mine.len() as u64;
            seen.lock().extend(mine);
            send(totals, n).unwrap();
        });
    }
    unsafe {
        crate::sync::wait_group_wait(wg);
        close(c).unwrap();
        let total: u64 = (0..C).map(|_| recv(totals).unwrap()).sum();
        assert_eq!(total, P * PER);
    }
    let mut all = seen.lock().clone();
    all.sort_unstable();
    assert_eq!(all, (0..P * PER).collect::<Vec<_>>());
}

#[test]
fn select_over_eight_channels_under_contention() {
    enter_main_with(2);
    const K: u64 = 2_000;
    let chans: Vec<u64> = (0..8).map(|i| channel(i % 2)).collect();
    let results = channel(256);
    let quit = channel(0);
    for (p, &c) in chans.iter().enumerate() {
        go(move || unsafe {
            for i in 0..K {
                send(c, p as u64 * K + i).unwrap();
            }
        });
    }
    for _ in 0..4 {
        let chans = chans.clone();
        go(move || unsafe {
            let mut arms: Vec<Arm> = chans.iter().map(|&c| Arm::Recv(c)).collect();
            arms.push(Arm::Recv(quit));
            loop {
                match select(&arms, false).unwrap() {
                    Selected::Recv(8, _) => return,
                    Selected::Recv(_, Some(v)) => send(results, v).unwrap(),
                    other => panic!("unexpected {other:?}"),
                }
            }
        });
    }
    let mut seen = HashSet::new();
    for _ in 0..8 * K {
        assert!(seen.insert(unsafe { recv(results).unwrap() }));
    }
    assert_eq!(seen.len() as u64, 8 * K);
    assert_eq!(unsafe { try_recv(results) }, None);
    unsafe { close(quit).unwrap() };
}

#[test]
fn select_chooses_uniformly_among_ready_arms() {
    enter_main_with(2);
    let chans: Vec<u64> = (0..4).map(|_| channel(1)).collect();
    let arms: Vec<Arm> = chans.iter().map(|&c| Arm::Recv(c)).collect();
    let mut counts = [0u32; 4];
    for _ in 0..4000 {
        for &c in &chans {
            if unsafe { buffered(c) } == 0 {
                unsafe { send(c, 1).unwrap() };
            }
        }
        match unsafe { select(&arms, false) }.unwrap() {
            Selected::Recv(i, Some(1)) => counts[i] += 1,
            other => panic!("{other:?}"),
        }
    }
    for c in counts {
        assert!((800..1200).contains(&c), "{counts:?}");
    }
}

#[test]
fn select_default_send_arms_and_closed_channels() {
    enter_main_with(2);
    let a = channel(0);
    let b = channel(1);
    unsafe {
        // Nothing ready: default.
        assert_eq!(select(&[Arm::Recv(a)], true), Ok(Selected::Default));
        assert_eq!(select(&[], true), Ok(Selected::Default));
        // A send arm with buffer room is ready.
        assert_eq!(select(&[Arm::Recv(a), Arm::Send(b, 9)], true), Ok(Selected::Send(1)));
        assert_eq!(select(&[Arm::Recv(a), Arm::Recv(b)], false), Ok(Selected::Recv(1, Some(9))));
        // A closed channel's receive arm is ready with None; a send arm fails.
        close(a).unwrap();
        assert_eq!(select(&[Arm::Recv(a)], false), Ok(Selected::Recv(0, None)));
        assert_eq!(select(&[Arm::Send(a, 1)], true), Err(Closed));
    }
    // A blocked select is woken by a sender, a receiver, or a close.
    let c = channel(0);
    let d = channel(0);
    go(move || unsafe {
        crate::sched::sleep_ms(10);
        send(c, 77).unwrap();
        crate::sched::sleep_ms(10);
        assert_eq!(recv(d), Some(5));
        crate::sched::sleep_ms(10);
        close(c).unwrap();
    });
    unsafe {
        assert_eq!(select(&[Arm::Send(d, 5), Arm::Recv(c)], false), Ok(Selected::Recv(1, Some(77))));
        assert_eq!(select(&[Arm::Recv(c), Arm::Send(d, 5)], false), Ok(Selected::Send(1)));
        assert_eq!(select(&[Arm::Recv(c)], false), Ok(Selected::Recv(0, None)));
        // The select's entries on `d` were removed after it woke.
        assert!(state(d).inner.lock().sendq.is_empty());
        assert!(state(c).inner.lock().recvq.is_empty());
    }
}

#[test]
fn pointer_elements_are_traced_and_emptied_slots_cleared() {
    let c = chan_new(2, true).unwrap();
    let s = crate::heap::alloc(crate::heap::LAYOUT_RAW, 1) as u64;
    unsafe {
        send(c, s).unwrap();
        let mut ptrs = Vec::new();
        crate::trace::for_each_pointer(c, |w, _| ptrs.push(w));
        assert_eq!(ptrs, [s, 0]);
        assert_eq!(recv(c), Some(s));
        ptrs.clear();
        crate::trace::for_each_pointer(c, |w, _| ptrs.push(w));
        assert_eq!(ptrs, [0, 0]);
    }
    assert_eq!(chan_new(-1, false), None);
}

/// A tiny deterministic generator for the randomized schedules.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Perturbs the schedule at an operation boundary: nothing, a yield of the
/// token, a yield of the CPU, or a short sleep.
fn perturb(rng: &mut Rng) {
    match rng.next(8) {
        0 => gosched(),
        1 => std::thread::yield_now(),
        2 => crate::sched::sleep_ms(0),
        3 => std::thread::sleep(Duration::from_micros(rng.next(50))),
        _ => {}
    }
}

/// The stand-in for model checking: many small configurations (capacity,
/// producers, consumers, select or plain receive, close timing) each run
/// under a seeded random perturbation of the schedule, checking that every
/// value is delivered exactly once, no operation hangs, and close wakes
/// everyone.
#[test]
fn randomized_schedules_deliver_exactly_once() {
    enter_main_with(2);
    let t0 = Instant::now();
    for seed in 1..=60u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let cap = rng.next(4) as i64;
        let producers = 1 + rng.next(4);
        let consumers = 1 + rng.next(4);
        let per = 1 + rng.next(200);
        let use_select = rng.next(2) == 0;
        let c = channel(cap);
        let other = channel(0);
        let out = channel(0);
        let wg = crate::sync::wait_group_new();
        unsafe { crate::sync::wait_group_add(wg, producers as i64).unwrap() };
        for p in 0..producers {
            let mut r = Rng(seed ^ ((p + 1) * 7919));
            go(move || unsafe {
                for i in 0..per {
                    perturb(&mut r);
                    send(c, p * per + i).unwrap();
                }
                crate::sync::wait_group_add(wg, -1).unwrap();
            });
        }
        for q in 0..consumers {
            let mut r = Rng(seed ^ ((q + 1) * 104_729));
            go(move || unsafe {
                let mut got = Vec::new();
                loop {
                    perturb(&mut r);
                    let v = if use_select {
                        match select(&[Arm::Recv(other), Arm::Recv(c)], false).unwrap() {
                            Selected::Recv(1, v) => v,
                            s => panic!("{s:?}"),
                        }
                    } else {
                        recv(c)
                    };
                    match v {
                        Some(v) => got.push(v),
                        None => break,
                    }
                }
                for v in got {
                    send(out, v).unwrap();
                }
                send(out, u64::MAX).unwrap();
            });
        }
        go(move || unsafe {
            crate::sync::wait_group_wait(wg);
            close(c).unwrap();
        });
        let mut seen = HashSet::new();
        let mut finished = 0;
        while finished < consumers {
            match unsafe { recv(out) } {
                Some(u64::MAX) => finished += 1,
                Some(v) => assert!(seen.insert(v), "seed {seed}: {v} twice"),
                None => unreachable!(),
            }
        }
        assert_eq!(seen.len() as u64, producers * per, "seed {seed}");
        assert!(t0.elapsed() < Duration::from_secs(60));
    }
}
