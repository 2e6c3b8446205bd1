//! Scheduler tests: spawning, the thread cache, tokens and time slices,
//! goroutine counts. Each test's thread enters a domain of its own, so tests
//! running side by side do not see each other's goroutines.

use super::*;
use crate::chan;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::{Duration, Instant};

/// Spawns `f` as a goroutine of the calling thread's domain.
pub(crate) fn go(f: impl FnOnce() + Send + 'static) {
    spawn(Box::new(f));
}

/// A channel of scalars.
pub(crate) fn channel(cap: i64) -> u64 {
    chan::chan_new(cap, false).unwrap()
}

#[test]
fn ring_of_ten_thousand_goroutines_passes_a_token() {
    enter_main_with(2);
    const N: usize = 10_000;
    let t0 = Instant::now();
    let chans: Vec<u64> = (0..=N).map(|_| channel(0)).collect();
    for i in 0..N {
        let (from, to) = (chans[i], chans[i + 1]);
        go(move || unsafe {
            let v = chan::recv(from).unwrap();
            chan::send(to, v + 1).unwrap();
        });
    }
    unsafe {
        chan::send(chans[0], 0).unwrap();
        assert_eq!(chan::recv(chans[N]), Some(N as u64));
    }
    assert!(t0.elapsed() < Duration::from_secs(30), "ring took {:?}", t0.elapsed());
}

#[test]
fn spawned_goroutines_get_ids_program_and_count() {
    enter_main_with(2);
    assert_eq!(num_goroutine(), 1);
    let out = channel(4);
    let hold = channel(0);
    for _ in 0..3 {
        go(move || unsafe {
            chan::send(out, crate::panic::goroutine_id()).unwrap();
            chan::recv(hold);
        });
    }
    let mut ids: Vec<u64> = (0..3).map(|_| unsafe { chan::recv(out).unwrap() }).collect();
    ids.sort();
    assert_eq!(ids, [2, 3, 4]);
    assert_eq!(num_goroutine(), 4);
    unsafe { chan::close(hold).unwrap() };
    let t0 = Instant::now();
    while num_goroutine() != 1 {
        assert!(t0.elapsed() < Duration::from_secs(5));
        sleep_ms(1);
    }
}

#[test]
fn exited_threads_are_reused() {
    enter_main_with(2);
    let done = channel(0);
    // Sequential goroutines: each exits before the next starts, so after
    // the first one every spawn should find a parked thread.
    let before = registry::thread_count();
    for _ in 0..200 {
        go(move || unsafe { chan::send(done, 1).unwrap() });
        unsafe { chan::recv(done) };
        // Let the goroutine reach the cache.
        let t0 = Instant::now();
        while num_goroutine() != 1 && t0.elapsed() < Duration::from_secs(1) {
            std::thread::yield_now();
        }
    }
    // Other tests create threads concurrently; 200 fresh threads would show.
    assert!(registry::thread_count() < before + 150, "threads {} -> {}", before, registry::thread_count());
}

#[test]
fn spinning_goroutine_yields_under_one_proc() {
    enter_main_with(1);
    let stop = Arc::new(AtomicBool::new(false));
    let yields = Arc::new(AtomicUsize::new(0));
    let (s, y) = (stop.clone(), yields.clone());
    go(move || {
        while !s.load(Ordering::Relaxed) {
            if preempt_requested() {
                y.fetch_add(1, Ordering::Relaxed);
                yield_now();
            }
            std::hint::spin_loop();
        }
    });
    // Sleeping hands the only token to the spinner; waking needs it back,
    // which only a time slice expiring can give.
    let t0 = Instant::now();
    for _ in 0..5 {
        sleep_ms(1);
    }
    // A second goroutine also gets to run and talk to main.
    let c = channel(0);
    go(move || unsafe { chan::send(c, 7).unwrap() });
    assert_eq!(unsafe { chan::recv(c) }, Some(7));
    stop.store(true, Ordering::Relaxed);
    assert!(t0.elapsed() < Duration::from_secs(3), "starved for {:?}", t0.elapsed());
    assert!(yields.load(Ordering::Relaxed) >= 1);
}

#[test]
fn one_proc_runs_one_goroutine_at_a_time() {
    enter_main_with(1);
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let wg = crate::sync::wait_group_new();
    unsafe { crate::sync::wait_group_add(wg, 8).unwrap() };
    for _ in 0..8 {
        let (r, p) = (running.clone(), peak.clone());
        go(move || {
            for _ in 0..50 {
                let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_micros(20));
                r.fetch_sub(1, Ordering::SeqCst);
                gosched();
            }
            unsafe { crate::sync::wait_group_add(wg, -1).unwrap() };
        });
    }
    // Main does not count: it is blocked in `wait`, without its token.
    unsafe { crate::sync::wait_group_wait(wg) };
    assert_eq!(peak.load(Ordering::SeqCst), 1);
}

#[test]
fn fastrand_is_roughly_uniform() {
    let mut counts = [0usize; 8];
    for _ in 0..80_000 {
        counts[fastrand(8)] += 1;
    }
    for c in counts {
        assert!((8_000..12_000).contains(&c), "{counts:?}");
    }
}

#[test]
fn procs_from_env_defaults_to_the_cpu_count() {
    if std::env::var_os("GOSSAMER_PROCS").is_none() {
        assert_eq!(procs_from_env(), cpu_count());
    }
}

/// The CPU count is the affinity mask's: what `taskset` allows, not the
/// machine's CPUs (std's count agrees whenever no cgroup quota is lower).
#[test]
fn cpu_count_is_the_affinity_masks() {
    // SAFETY: a zeroed set is valid and sched_getaffinity fills it.
    let expected = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        assert_eq!(libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set), 0);
        (0..libc::CPU_SETSIZE as usize).filter(|&c| libc::CPU_ISSET(c, &set)).count()
    };
    assert!(expected >= 1);
    assert_eq!(cpu_count(), expected);
    assert!(cpu_count() >= std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
}

#[test]
fn registry_knows_goroutine_threads_and_their_stacks() {
    enter_main_with(2);
    let c = channel(0);
    let release = channel(0);
    go(move || unsafe {
        chan::send(c, crate::panic::goroutine_id()).unwrap();
        chan::recv(release);
    });
    let id = unsafe { chan::recv(c).unwrap() };
    // The goroutine is now blocked (or about to be) in `recv`.
    let t0 = Instant::now();
    loop {
        let mut found = None;
        for_each_thread(|r| {
            if r.goroutine() == id {
                found = Some((r.state(), r.stack_lo, r.stack_hi, r.published_sp()));
            }
        });
        if let Some((GoState::Blocked, lo, hi, sp)) = found {
            assert!(lo < sp && sp < hi, "sp {sp:#x} outside [{lo:#x}, {hi:#x})");
            assert!(hi - lo <= thread::stack_bytes());
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(5), "{found:?}");
        std::thread::yield_now();
    }
    unsafe { chan::close(release).unwrap() };
}

/// `on_own_stack` runs its body on the stack it maps: recursion far deeper
/// than the test thread's own stack (2 MiB) fits in 64 MiB; a Rust panic
/// inside comes back as an error; the thread is usable afterwards.
#[test]
fn on_own_stack_runs_deep_recursion_and_returns_panics() {
    #[inline(never)]
    fn deep(n: u64) -> u64 {
        let pad = std::hint::black_box([n; 128]);
        if n == 0 {
            pad[1]
        } else {
            deep(n - 1) + pad[n as usize % 128] - n + 1
        }
    }
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            // The body's locals are outside the thread's own stack.
            // SAFETY: the attribute object is filled before it is read and
            // destroyed after.
            let (lo, hi) = unsafe {
                let mut attr: libc::pthread_attr_t = std::mem::zeroed();
                assert_eq!(libc::pthread_getattr_np(libc::pthread_self(), &mut attr), 0);
                let mut addr: *mut libc::c_void = std::ptr::null_mut();
                let mut size: libc::size_t = 0;
                libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
                libc::pthread_attr_destroy(&mut attr);
                (addr as usize, addr as usize + size)
            };
            let outside = 0u8;
            let here = std::hint::black_box(&outside) as *const u8 as usize;
            assert!((lo..hi).contains(&here), "{lo:#x}..{hi:#x} {here:#x}");
            let there = on_own_stack(64 << 20, true, || {
                let inside = 0u8;
                std::hint::black_box(&inside) as *const u8 as usize
            })
            .unwrap();
            assert!(!(lo..hi).contains(&there), "{lo:#x}..{hi:#x} {there:#x}");
            // About 1.1 KiB a frame, 30,000 frames: 33 MiB.
            assert_eq!(on_own_stack(64 << 20, true, || deep(30_000)).unwrap(), 30_000);
            let err = on_own_stack(1 << 20, true, || -> u64 { panic!("inside") }).unwrap_err();
            assert_eq!(err.downcast_ref::<&str>(), Some(&"inside"));
            assert_eq!(on_own_stack(1 << 20, false, || 7).unwrap(), 7);
        })
        .unwrap()
        .join()
        .unwrap();
}
