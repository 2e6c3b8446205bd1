//! Spawn and join: starts one OS thread with `std::thread::spawn` and joins
//! it, 100,000 times in a row (or the count given as the first argument);
//! the counterpart of spawn.gos. Prints `check <sum>` and `ns_per_op <ns per
//! spawn+join>`.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let n: i64 = match std::env::args().nth(1) {
        Some(a) => a.parse().unwrap_or_else(|e| {
            eprintln!("bad count {a:?}: {e}");
            std::process::exit(2)
        }),
        None => 100_000,
    };
    let sum = Arc::new(AtomicI64::new(0));
    let start = Instant::now();
    for i in 0..n {
        let sum = Arc::clone(&sum);
        let handle = std::thread::spawn(move || {
            sum.fetch_add(i, Ordering::SeqCst);
        });
        handle.join().expect("the thread does not panic");
    }
    let ns = start.elapsed().as_nanos() as f64;
    println!("check {}", sum.load(Ordering::SeqCst));
    println!("ns_per_op {:.1}", ns / n as f64);
}
