//! Idle tasks on std threads with small stacks: the counterpart of
//! bench/seeds/idle_tasks.gos closest to Gossamer's own design (one OS
//! thread per task). N threads (first argument, default 10,000) each sleep
//! the given milliseconds (second argument, default 10,000); each is spawned
//! with a STACK_BYTES stack. When the system refuses a thread
//! (`kernel.pid_max`, `vm.max_map_count`, memory) the program says how many
//! were running and why, and exits 1, so run.sh can report the limit.
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The stack each thread asks for: 64 KiB, a quarter of Gossamer's default
/// goroutine stack, is ample for a sleep (the thread's start-up code and
/// its signal-handling setup need a few KiB) and keeps the reservation
/// small; only the touched pages are resident either way.
const STACK_BYTES: usize = 64 * 1024;

fn main() {
    let tasks = seeds::arg(0, 10_000);
    let sleep_ms = seeds::arg(1, 10_000) as u64;
    let durations = Arc::new(Mutex::new(vec![0i64; tasks as usize]));
    let start = Instant::now();
    let mut handles = Vec::with_capacity(tasks as usize);
    for t in 0..tasks {
        let durations = Arc::clone(&durations);
        let spawned = std::thread::Builder::new().stack_size(STACK_BYTES).spawn(move || {
            let began = Instant::now();
            std::thread::sleep(Duration::from_millis(sleep_ms));
            let d = began.elapsed().as_nanos() as i64;
            durations.lock().expect("no thread panics holding the lock")[t as usize] = d;
        });
        match spawned {
            Ok(h) => handles.push(h),
            Err(e) => {
                // One write: `eprintln!` writes unbuffered stderr piece by
                // piece, and a run at the thread limit once left only the
                // first piece in run.sh's log.
                let message = format!("cannot start thread {}: {e} ({t} threads running)\n", t + 1);
                std::io::Write::write_all(&mut std::io::stderr().lock(), message.as_bytes()).ok();
                std::process::exit(1);
            }
        }
    }
    // A thread that joins has finished its sleep, so the joins count the
    // tasks that woke.
    let mut woke = 0;
    for h in handles {
        h.join().expect("a sleeping thread does not panic");
        woke += 1;
    }
    let total = start.elapsed();
    let durations = durations.lock().expect("every thread has finished");
    seeds::report(0, total, &durations, woke);
}
