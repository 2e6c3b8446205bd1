//! What the seeds binaries share: the hash-map task (the same work as `task`
//! in bench/seeds/hashmap_tasks.gos and bench/seeds/go/task.go, so the
//! checksums agree), the argument reading, and the one result line that
//! bench/seeds/run.sh parses:
//! `tasks=T items=I total_ms=… avg_ms=… min_ms=… max_ms=… check=C`.
//! The two hash-map binaries differ only in their global allocator, which
//! is why the whole tokio program is here and each binary is one line.
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The small struct each task makes `items` of: an integer id, a short
/// string and a float; the map stores it inline.
struct Item {
    id: i64,
    name: String,
    value: f64,
}

/// One task: builds a map of items by id with the standard `HashMap`, looks
/// every id up again, and returns twice the float sum (exact: every value
/// is a multiple of a half) plus the name bytes and the id differences, so
/// a wrong lookup changes the result.
pub fn task(t: i64, items: i64) -> i64 {
    let mut m = HashMap::new();
    for i in 0..items {
        m.insert(i, Item { id: i, name: i.to_string(), value: (i + t) as f64 * 0.5 });
    }
    let mut sum = 0.0;
    let mut other = 0;
    for i in 0..items {
        let it = m.get(&i).expect("every id was inserted");
        sum += it.value;
        other += it.name.len() as i64 + it.id - i;
    }
    (sum * 2.0) as i64 + other
}

/// The `i`-th program argument as a count, or `default` when absent. A
/// malformed count stops the program rather than measuring another size.
pub fn arg(i: usize, default: i64) -> i64 {
    match std::env::args().nth(i + 1) {
        None => default,
        Some(a) => a.parse().unwrap_or_else(|e| {
            eprintln!("bad count {a:?}: {e}");
            std::process::exit(2)
        }),
    }
}

/// Prints the result line from the batch's wall time and each task's own
/// duration in nanoseconds.
pub fn report(items: i64, total: Duration, durations: &[i64], check: i64) {
    let n = durations.len() as f64;
    let sum: i64 = durations.iter().sum();
    let min = durations.iter().copied().min().unwrap_or(0);
    let max = durations.iter().copied().max().unwrap_or(0);
    println!(
        "tasks={} items={} total_ms={:.3} avg_ms={:.3} min_ms={:.3} max_ms={:.3} check={}",
        durations.len(),
        items,
        total.as_nanos() as f64 / 1e6,
        sum as f64 / n / 1e6,
        min as f64 / 1e6,
        max as f64 / 1e6,
        check
    );
}

/// The hash-map workload on tokio's multi-threaded runtime (one worker per
/// CPU): T tasks (first argument, default 10,000) of `items` items (second
/// argument, default 10,000), all spawned at once. A task never awaits, so
/// a worker runs it to the end before taking the next: tokio bounds the
/// maps alive at once by its worker count, as Go's worker pool does.
pub fn hashmap_tokio_main() {
    let tasks = arg(0, 10_000);
    let items = arg(1, 10_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async move {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|t| {
                tokio::spawn(async move {
                    let began = Instant::now();
                    let c = task(t, items);
                    (began.elapsed().as_nanos() as i64, c)
                })
            })
            .collect();
        let mut durations = Vec::with_capacity(tasks as usize);
        let mut check = 0;
        for h in handles {
            let (d, c) = h.await.expect("a task does not panic");
            durations.push(d);
            check += c;
        }
        report(items, start.elapsed(), &durations, check);
    });
}
