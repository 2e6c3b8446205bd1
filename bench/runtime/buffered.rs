//! Buffered send+receive: the counterpart of buffered.gos, with
//! `std::sync::mpsc::sync_channel(1024)` between a producer thread and main.
//! Prints `check <sum>` and `ns_per_op <ns per value>`.
use std::sync::mpsc::sync_channel;
use std::time::Instant;

fn main() {
    let n: i64 = match std::env::args().nth(1) {
        Some(a) => a.parse().unwrap_or_else(|e| {
            eprintln!("bad count {a:?}: {e}");
            std::process::exit(2)
        }),
        None => 1_000_000,
    };
    let (tx, rx) = sync_channel::<i64>(1024);
    let start = Instant::now();
    let producer = std::thread::spawn(move || {
        for i in 0..n {
            tx.send(i).expect("main is receiving");
        }
    });
    let mut sum: i64 = 0;
    for v in rx {
        sum += v;
    }
    let ns = start.elapsed().as_nanos() as f64;
    producer.join().expect("the producer does not panic");
    println!("check {sum}");
    println!("ns_per_op {:.1}", ns / n as f64);
}
