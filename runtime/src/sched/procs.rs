//! Proc tokens (`GOSSAMER_PROCS`, Go's `GOMAXPROCS`) and the time-slice
//! monitor that asks token hogs to yield.
//!
//! Design: a goroutine holds one of N tokens while it executes Gossamer
//! code. Free tokens are an atomic counter, so an uncontended
//! release/acquire pair (every blocking channel operation does one) costs
//! two atomic adds. When no token is free, the goroutine queues its own
//! `WaitCell` in a FIFO behind a mutex and parks; `release` hands its token
//! straight to the queue's head (the token never becomes free in between),
//! so a queued goroutine cannot be overtaken by a newcomer and nobody
//! starves.
//!
//! Goroutines not started yet take their turns together: the queue holds
//! the parked goroutines in FIFO order plus one *start turn* standing for
//! every queued `go` job, and a release that reaches the start turn starts
//! the oldest job and puts the start turn back at the tail while jobs
//! remain. So when a burst of `go` statements queued thousands of jobs, a
//! goroutine that yields at the end of its slice waits behind the
//! goroutines already started plus one start turn, not behind every job:
//! started goroutines finish before many more start, and the memory of
//! half-done work stays bounded (bench/seeds, hash-map tasks: with one FIFO
//! of jobs and parked goroutines, every time slice started one more task,
//! and at T = 10,000 hundreds were alive at once). New goroutines still get
//! one turn in every round, so none starves (Go keeps a global queue that
//! every P checks every 61st schedule for the same reason).
//!
//! The fast path of `acquire` only takes a free token when nobody is queued.
//! The race between a releaser that sees an empty queue and an acquirer that
//! is about to queue is closed Dekker-style: the acquirer increments
//! `waiting` and then retries `idle`; the releaser increments `idle` and then
//! reads `waiting` (all `SeqCst`), so at least one of them sees the other.
//!
//! Time slices: one monitor thread per process (Go's `sysmon`) wakes every
//! [`SLICE`]; for every domain with queued goroutines whose hand-off counter
//! has not moved for a whole slice, it raises the domain's `preempt` flag.
//! Running goroutines poll it with `preempt_requested` at loop back-edges
//! and calls and answer with `yield_now`, which gives the token away only
//! if the goroutine's own slice is used up: the slice restarts when the
//! goroutine takes a token and when a collection that stopped it ends, so
//! a collection's pause does not count against the goroutines it stopped
//! (it does against the one that collected). Rejected: a per-goroutine timer
//! signal (async preemption needs safe points the VM does not have yet) and
//! a per-goroutine flag (one more thread-local indirection on every poll,
//! and all token holders must rotate anyway when the queue is not moving).

use super::park::WaitCell;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The time slice: how long a token may stay unreleased while goroutines
/// wait before its holders are asked to yield. Go uses 10 ms; shorter slices
/// rotate spinning goroutines more fairly at the price of more hand-offs
/// (each ~1-25 µs) and more monitor wake-ups.
pub const SLICE: Duration = Duration::from_millis(10);

/// A turn in the token queue: a parked goroutine, or the start turn shared
/// by every new goroutine that has no thread yet (it gets one together with
/// its token, so a burst of `go` statements costs threads only as fast as
/// tokens free up).
enum Turn {
    Wake(Arc<WaitCell>),
    Start,
}

/// The token queue: parked goroutines and the start turn in FIFO order,
/// and the jobs waiting for the start turn, oldest first. Invariant: the
/// start turn is in `turns` exactly once while `jobs` is not empty, and not
/// at all when it is.
struct Queue {
    turns: VecDeque<Turn>,
    jobs: VecDeque<super::thread::Job>,
}

/// What a release hands its token to, taken out of the queue under its
/// lock and woken or started after it.
enum Pending {
    Wake(Arc<WaitCell>),
    Start(super::thread::Job),
}

/// The tokens of one domain (one running program).
pub struct Procs {
    /// How many tokens there are.
    pub total: usize,
    idle: AtomicUsize,
    /// Goroutines queued (parked ones and jobs), for the lock-free checks.
    waiting: AtomicUsize,
    queue: Mutex<Queue>,
    /// Tokens taken so far: the monitor's measure of progress.
    handoffs: AtomicU64,
    /// Raised by the monitor, polled by `preempt_requested`.
    pub preempt: AtomicBool,
}

impl Procs {
    /// `total` tokens, all free.
    pub fn new(total: usize) -> Self {
        Procs {
            total,
            idle: AtomicUsize::new(total),
            waiting: AtomicUsize::new(0),
            queue: Mutex::new(Queue { turns: VecDeque::new(), jobs: VecDeque::new() }),
            handoffs: AtomicU64::new(0),
            preempt: AtomicBool::new(false),
        }
    }

    fn try_take(&self) -> bool {
        let mut n = self.idle.load(Ordering::SeqCst);
        while n > 0 {
            match self.idle.compare_exchange_weak(n, n - 1, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => {
                    self.handoffs.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
                Err(now) => n = now,
            }
        }
        false
    }

    /// Takes a token, waiting in FIFO order when none is free. `cell` is the
    /// calling thread's token cell (not referenced by any queue).
    pub fn acquire(&self, cell: &Arc<WaitCell>) {
        if self.waiting.load(Ordering::SeqCst) == 0 && self.try_take() {
            return;
        }
        {
            let mut q = self.queue.lock();
            self.waiting.fetch_add(1, Ordering::SeqCst);
            if q.turns.is_empty() && self.try_take() {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return;
            }
            cell.reset();
            q.turns.push_back(Turn::Wake(cell.clone()));
        }
        cell.wait();
    }

    /// Takes a token for a new goroutine: `Some(job)` back when one was
    /// free (the caller starts it), `None` when the job was queued (a
    /// `release` will start it with the released token).
    pub fn submit(&self, job: super::thread::Job) -> Option<super::thread::Job> {
        if self.waiting.load(Ordering::SeqCst) == 0 && self.try_take() {
            return Some(job);
        }
        let mut q = self.queue.lock();
        self.waiting.fetch_add(1, Ordering::SeqCst);
        if q.turns.is_empty() && self.try_take() {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Some(job);
        }
        if q.jobs.is_empty() {
            q.turns.push_back(Turn::Start);
        }
        q.jobs.push_back(job);
        None
    }

    /// Gives a token back, handing it to the turn at the queue's head if
    /// there is one (a parked goroutine, or the oldest job at the start
    /// turn, which then goes back to the tail while jobs remain).
    pub fn release(&self) {
        self.idle.fetch_add(1, Ordering::SeqCst);
        if self.waiting.load(Ordering::SeqCst) == 0 {
            return;
        }
        let mut woken = Vec::new();
        {
            let mut q = self.queue.lock();
            while !q.turns.is_empty() && self.try_take() {
                let p = match q.turns.pop_front().expect("queue checked non-empty") {
                    Turn::Wake(c) => Pending::Wake(c),
                    Turn::Start => {
                        let job = q.jobs.pop_front().expect("the start turn is queued only while jobs are");
                        if !q.jobs.is_empty() {
                            q.turns.push_back(Turn::Start);
                        }
                        Pending::Start(job)
                    }
                };
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                woken.push(p);
            }
        }
        for p in woken {
            match p {
                Pending::Wake(c) => {
                    // The queue owned the cell exclusively: the claim
                    // always wins.
                    if c.try_claim() {
                        c.complete();
                    }
                }
                Pending::Start(job) => super::thread::run(job),
            }
        }
    }

    /// Whether goroutines are queued for a token.
    pub fn has_waiters(&self) -> bool {
        self.waiting.load(Ordering::Relaxed) > 0
    }

    /// Tokens not held by anyone.
    pub fn idle(&self) -> usize {
        self.idle.load(Ordering::Relaxed)
    }
}

/// Domains the monitor watches (leaked: one per program run in the process).
static WATCHED: Mutex<Vec<&'static Procs>> = Mutex::new(Vec::new());

/// Adds `procs` to the monitor's watch list.
pub fn watch(procs: &'static Procs) {
    WATCHED.lock().push(procs);
}

/// Starts the monitor thread, once per process. Called at the first `go`
/// (a time slice can only be due once a second goroutine exists) and at
/// the end of the first collection (which may leave pages to give back):
/// a program that does neither never pays for the thread (creating it,
/// and waking it to kill it at exit, took a built hello world from 1.30
/// to 1.46 ms, `perf stat -r 300`).
pub fn start_monitor() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // The monitor is runtime machinery, not a goroutine: a std thread
        // with std's default stack, never counted as live.
        let spawned = std::thread::Builder::new().name("gos-sysmon".into()).spawn(monitor);
        if spawned.is_err() {
            crate::panic::fatal("runtime: failed to create the scheduler's monitor thread");
        }
    });
}

/// Asks every running goroutine of every domain to reach a safe point
/// (the collector stopping the world).
pub fn preempt_all() {
    for p in WATCHED.lock().iter() {
        p.preempt.store(true, Ordering::SeqCst);
        super::raise_poll_word();
    }
}

/// Withdraws the requests of [`preempt_all`] when the world restarts: they
/// asked goroutines to stop for the collection, which is over; left
/// raised, they made every goroutine give its token away at its next poll,
/// most often to a `go` not started yet, so each collection left one more
/// goroutine alive with its half-built data (bench/seeds: hundreds of
/// threads and 700 MB live at T = 10,000). A time slice that was due as
/// well is asked for again at the monitor's next tick.
pub fn withdraw_preemption() {
    for p in WATCHED.lock().iter() {
        p.preempt.store(false, Ordering::SeqCst);
    }
    super::gos_poll_word.store(0, Ordering::SeqCst);
}

fn monitor() {
    let mut last: Vec<u64> = Vec::new();
    let mut ticks = 0u64;
    loop {
        std::thread::sleep(SLICE);
        ticks += 1;
        // About once a second: give long-unused heap pages back.
        if ticks % 100 == 0 {
            crate::gc::background_scavenge();
        }
        let watched = WATCHED.lock();
        last.resize(watched.len(), u64::MAX);
        let mut preempted = false;
        for (p, seen) in watched.iter().zip(last.iter_mut()) {
            let h = p.handoffs.load(Ordering::Relaxed);
            if p.has_waiters() && h == *seen {
                p.preempt.store(true, Ordering::Relaxed);
                super::raise_poll_word();
                preempted = true;
            }
            *seen = h;
        }
        drop(watched);
        // Goroutines in compiled loops do not poll: interrupt them.
        if preempted && super::preempt::enabled() {
            super::preempt::signal_running(&super::registry::lock());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bound_concurrency_and_are_handed_over_fifo() {
        let p: &'static Procs = Box::leak(Box::new(Procs::new(2)));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..6)
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                std::thread::spawn(move || {
                    let cell = Arc::new(WaitCell::new());
                    for _ in 0..200 {
                        p.acquire(&cell);
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::hint::spin_loop();
                        running.fetch_sub(1, Ordering::SeqCst);
                        p.release();
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert!(peak.load(Ordering::SeqCst) <= 2);
        assert_eq!(p.idle(), 2);
        assert!(!p.has_waiters());
    }

    #[test]
    fn a_parked_goroutine_waits_for_one_start_turn_not_for_every_job() {
        let p: &'static Procs = Box::leak(Box::new(Procs::new(1)));
        // This thread holds the only token while three jobs and then a
        // parked goroutine queue for it.
        p.acquire(&Arc::new(WaitCell::new()));
        let order = Arc::new(Mutex::new(Vec::new()));
        for i in 0..3 {
            let o = order.clone();
            let job: super::super::thread::Job = Box::new(move || {
                o.lock().push(i);
                p.release();
            });
            assert!(p.submit(job).is_none(), "no token is free");
        }
        let o = order.clone();
        let parked = std::thread::spawn(move || {
            p.acquire(&Arc::new(WaitCell::new()));
            o.lock().push(100);
            p.release();
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while p.waiting.load(Ordering::SeqCst) < 4 {
            assert!(std::time::Instant::now() < deadline, "the goroutine never queued");
            std::thread::yield_now();
        }
        p.release();
        parked.join().unwrap();
        while order.lock().len() < 4 {
            assert!(std::time::Instant::now() < deadline, "the jobs never ran: {:?}", order.lock());
            std::thread::yield_now();
        }
        // The first job had the start turn; the parked goroutine came next,
        // not after every job.
        assert_eq!(*order.lock(), vec![0, 100, 1, 2]);
    }
}
