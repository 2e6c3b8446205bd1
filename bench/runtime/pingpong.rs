//! Unbuffered ping-pong: the counterpart of pingpong.gos, with two
//! rendezvous channels (`std::sync::mpsc::sync_channel(0)`) and two OS
//! threads. Prints `check <final value>` and `ns_per_op <ns per round trip>`.
use std::sync::mpsc::sync_channel;
use std::time::Instant;

fn main() {
    let n: i64 = match std::env::args().nth(1) {
        Some(a) => a.parse().unwrap_or_else(|e| {
            eprintln!("bad count {a:?}: {e}");
            std::process::exit(2)
        }),
        None => 100_000,
    };
    let (ping_tx, ping_rx) = sync_channel::<i64>(0);
    let (pong_tx, pong_rx) = sync_channel::<i64>(0);
    let echo = std::thread::spawn(move || {
        for v in ping_rx {
            if pong_tx.send(v + 1).is_err() {
                break;
            }
        }
    });
    let mut v = 0;
    let start = Instant::now();
    for _ in 0..n {
        ping_tx.send(v).expect("the echo thread is alive");
        v = pong_rx.recv().expect("the echo thread answers");
    }
    let ns = start.elapsed().as_nanos() as f64;
    drop(ping_tx);
    echo.join().expect("the echo thread does not panic");
    println!("check {v}");
    println!("ns_per_op {:.1}", ns / n as f64);
}
