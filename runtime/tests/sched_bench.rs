//! Measurements of the concurrency runtime quoted in design/scheduler.md
//! and design/channels.md. Ignored by default (they take seconds and their
//! numbers depend on the machine); run with
//! `cargo test -p gos-runtime --release --test sched_bench -- --ignored --nocapture --test-threads 1`.

use gos_runtime::{chan, sched, sync};
use std::time::Instant;

fn report(what: &str, ns: f64) {
    println!("{what}: {ns:.0} ns");
}

#[test]
#[ignore]
fn spawn_and_join_burst() {
    sched::enter_main();
    const N: i64 = 100_000;
    let wg = sync::wait_group_new();
    // Warm the thread cache as a long-running program would be.
    for round in 0..2 {
        let t0 = Instant::now();
        unsafe { sync::wait_group_add(wg, N).unwrap() };
        for _ in 0..N {
            sched::spawn(Box::new(move || unsafe { sync::wait_group_add(wg, -1).unwrap() }));
        }
        unsafe { sync::wait_group_wait(wg) };
        report(&format!("spawn+join per goroutine, burst of {N} (round {round})"), t0.elapsed().as_nanos() as f64 / N as f64);
    }
}

#[test]
#[ignore]
fn sequential_spawn_join() {
    sched::enter_main();
    const N: u32 = 20_000;
    let done = chan::chan_new(0, false).unwrap();
    let t0 = Instant::now();
    for _ in 0..N {
        sched::spawn(Box::new(move || unsafe { chan::send(done, 1).unwrap() }));
        unsafe { chan::recv(done) };
    }
    report("spawn, then wait for it, one at a time", t0.elapsed().as_nanos() as f64 / N as f64);
}

#[test]
#[ignore]
fn unbuffered_ping_pong() {
    sched::enter_main();
    const N: u32 = 200_000;
    let ping = chan::chan_new(0, false).unwrap();
    let pong = chan::chan_new(0, false).unwrap();
    sched::spawn(Box::new(move || unsafe {
        while let Some(v) = chan::recv(ping) {
            chan::send(pong, v + 1).unwrap();
        }
    }));
    let t0 = Instant::now();
    for i in 0..N as u64 {
        unsafe {
            chan::send(ping, i).unwrap();
            assert_eq!(chan::recv(pong), Some(i + 1));
        }
    }
    report("unbuffered ping-pong round trip", t0.elapsed().as_nanos() as f64 / N as f64);
}

#[test]
#[ignore]
fn buffered_send_recv() {
    sched::enter_main();
    const N: u32 = 2_000_000;
    let c = chan::chan_new(1024, false).unwrap();
    let t0 = Instant::now();
    for i in 0..N as u64 {
        unsafe {
            chan::send(c, i).unwrap();
            chan::recv(c);
        }
    }
    report("buffered send+recv, one goroutine", t0.elapsed().as_nanos() as f64 / N as f64);
    let c = chan::chan_new(1024, false).unwrap();
    sched::spawn(Box::new(move || unsafe {
        for i in 0..N as u64 {
            chan::send(c, i).unwrap();
        }
    }));
    let t0 = Instant::now();
    for _ in 0..N {
        unsafe { chan::recv(c) };
    }
    report("buffered send+recv, producer and consumer goroutines (per value)", t0.elapsed().as_nanos() as f64 / N as f64);
}

#[test]
#[ignore]
fn many_sleeping_goroutines() {
    sched::enter_main();
    let n: i64 = std::env::var("GOS_N").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let wg = sync::wait_group_new();
    unsafe { sync::wait_group_add(wg, n).unwrap() };
    let t0 = Instant::now();
    for _ in 0..n {
        sched::spawn(Box::new(move || unsafe {
            sched::sleep_ms(2000);
            sync::wait_group_add(wg, -1).unwrap();
        }));
    }
    println!("{n} goroutines started in {:?}, live {}", t0.elapsed(), sched::num_goroutine());
    unsafe { sync::wait_group_wait(wg) };
    println!("all done after {:?}", t0.elapsed());
}
