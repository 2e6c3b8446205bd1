//! Idle tasks on tokio: the counterpart of bench/seeds/idle_tasks.gos. N
//! tasks (first argument, default 10,000) each await a sleep of the given
//! milliseconds (second argument, default 10,000), all alive at once on the
//! multi-threaded runtime; each times its own sleep with `Instant`.
use std::time::{Duration, Instant};

fn main() {
    let tasks = seeds::arg(0, 10_000);
    let sleep_ms = seeds::arg(1, 10_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async move {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                tokio::spawn(async move {
                    let began = Instant::now();
                    tokio::time::sleep(Duration::from_millis(sleep_ms as u64)).await;
                    began.elapsed().as_nanos() as i64
                })
            })
            .collect();
        let mut durations = Vec::with_capacity(tasks as usize);
        for h in handles {
            durations.push(h.await.expect("a sleeping task does not panic"));
        }
        let woke = durations.len() as i64;
        seeds::report(0, start.elapsed(), &durations, woke);
    });
}
