//! N sleeping threads: the counterpart of sleep.gos with `std::thread` at
//! its default stack size. N (the first argument, default 10,000) threads
//! each sleep 2 s; main joins them all. When the system refuses a thread
//! (`vm.max_map_count`, `kernel.pid_max`, memory), it says how many were
//! running and why, and exits 1. Prints `check <N>`.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let n: i64 = match std::env::args().nth(1) {
        Some(a) => a.parse().unwrap_or_else(|e| {
            eprintln!("bad count {a:?}: {e}");
            std::process::exit(2)
        }),
        None => 10_000,
    };
    let woke = Arc::new(AtomicI64::new(0));
    let mut handles = Vec::with_capacity(n as usize);
    for i in 0..n {
        let woke = Arc::clone(&woke);
        let spawned = std::thread::Builder::new().spawn(move || {
            std::thread::sleep(Duration::from_secs(2));
            woke.fetch_add(1, Ordering::SeqCst);
        });
        match spawned {
            Ok(h) => handles.push(h),
            Err(e) => {
                eprintln!("cannot start thread {}: {e} ({i} threads running)", i + 1);
                std::process::exit(1);
            }
        }
    }
    for h in handles {
        h.join().expect("a sleeping thread does not panic");
    }
    println!("check {}", woke.load(Ordering::SeqCst));
}
