//! `WaitCell`: the one primitive every blocking operation parks on (Go's
//! `sudog` and `gopark`/`goready` in one small object).
//!
//! Design: a goroutine that must wait publishes a `WaitCell` (in a channel's
//! queue, a wait group's or mutex's waiter list, the proc-token queue) and
//! then waits until another thread *claims* the cell and *completes* it.
//! The cell's state word is also the futex word, so there is no separate
//! parker: phase `WAITING` → `CLAIMED` (exactly one claimer wins the
//! compare-and-swap, which is how a `select` enqueued on many channels is
//! woken by one of them only) → `DONE` (the claimer has written the result
//! and will not touch the cell again). Bit `PARKED` says the waiter went to
//! sleep in `futex_wait`, so a completion only pays the `futex_wake` system
//! call when somebody actually sleeps.
//!
//! Waking a sleeping thread costs about 25 µs on the virtual machines we run
//! on, while a hand-off between two running threads costs well under a
//! microsecond; so `wait` first spins for a short while (as Go's scheduler
//! spins before it parks an M) and only then sleeps.
//!
//! Invariants: only a claimer writes the result fields, and only between
//! its successful `try_claim` and `complete`; the waiter reads them only
//! after it has seen `DONE` (acquire), so they need no lock. A cell is reset
//! only by its owner, once no queue refers to it any more.
//!
//! Rejected: `std::thread::park` (a second word and a second round of
//! synchronisation per wake, and no way to spin on the real condition) and
//! a `Condvar` per goroutine (a mutex round trip on every hand-off).

#[cfg(loom)]
use loom::sync::atomic::{AtomicU32, AtomicU64, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

const WAITING: u32 = 0;
const CLAIMED: u32 = 1;
const DONE: u32 = 2;
const PHASE: u32 = 3;
const PARKED: u32 = 4;

/// How long a waiter spins before it sleeps in the kernel. A wake-up from
/// `futex_wait` costs about 25 µs on our virtual machines, so spinning for
/// longer than that lets a pair of goroutines that hand values back and
/// forth (ping-pong, producer/consumer) stay awake on two cores and trade in
/// well under a microsecond, and lets a pair that has fallen asleep recover.
/// The price is CPU burnt by waiters nobody completes soon, which is why
/// only [`max_spinners`] threads spin at once (as Go's scheduler limits its
/// spinning Ms).
#[cfg(not(loom))]
const SPIN_NS: u64 = 50_000;
/// Spin iterations between two reads of the clock while spinning.
#[cfg(not(loom))]
const SPIN_BATCH: u32 = 64;
/// Spin iterations for a waiter that is not allowed to spin for long: a
/// hand-off already under way still completes within them.
#[cfg(not(loom))]
const SHORT_SPIN: u32 = 100;

/// Threads spinning in `wait` now.
#[cfg(not(loom))]
static SPINNERS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// At most one spinner per CPU. Half the CPUs (Go's rule for spinning Ms)
/// means a single spinner on a 2-core machine, and then the second party of
/// a ping-pong often finds the first one still leaving its spin loop and
/// goes to sleep, paying the 25 µs wake-up on every round trip; spinners
/// yield the CPU between batches, so they do not starve running goroutines.
/// None on one CPU (Go's `canSpin` rule too), not even the short spin: the
/// partner can only complete the cell once the waiter gives the CPU up, so
/// every wait cost a round of `sched_yield` switches (fasta, two workers on
/// one CPU: 3% of its samples spinning, 2% switching).
#[cfg(not(loom))]
fn max_spinners() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static MAX: AtomicU32 = AtomicU32::new(0);
    let m = MAX.load(Ordering::Relaxed);
    if m != 0 {
        return m - 1;
    }
    let n = super::cpu_count();
    // Stored as count + 1, so that 0 means "not asked yet".
    let m = if n > 1 { n as u32 } else { 0 };
    MAX.store(m + 1, Ordering::Relaxed);
    m
}

#[cfg(not(loom))]
fn now_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// One waiter's rendezvous: see the module docs.
pub struct WaitCell {
    state: AtomicU32,
    /// The word handed over (a received value).
    value: AtomicU64,
    /// Whether the operation succeeded (false: the channel was closed).
    ok: AtomicU32,
    /// Which select arm fired.
    case: AtomicU32,
}

impl Default for WaitCell {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitCell {
    pub fn new() -> Self {
        WaitCell { state: AtomicU32::new(WAITING), value: AtomicU64::new(0), ok: AtomicU32::new(0), case: AtomicU32::new(0) }
    }

    /// Makes the cell ready for a new wait. Only the owner calls this, when
    /// no queue refers to the cell.
    pub fn reset(&self) {
        self.state.store(WAITING, Ordering::Relaxed);
        self.ok.store(0, Ordering::Relaxed);
    }

    /// Tries to become the one thread that completes this wait; false if
    /// another claimer (another arm of the same select) got there first.
    pub fn try_claim(&self) -> bool {
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            if s & PHASE != WAITING {
                return false;
            }
            match self.state.compare_exchange_weak(s, (s & !PHASE) | CLAIMED, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(now) => s = now,
            }
        }
    }

    /// Records the result; call between `try_claim` and `complete`.
    pub fn set_result(&self, case: u32, ok: bool, value: u64) {
        self.case.store(case, Ordering::Relaxed);
        self.ok.store(ok as u32, Ordering::Relaxed);
        self.value.store(value, Ordering::Relaxed);
    }

    /// Publishes the result and wakes the waiter. The claimer must not touch
    /// the cell afterwards: the waiter may already be reusing it.
    pub fn complete(&self) {
        let old = self.state.swap(DONE, Ordering::Release);
        if old & PARKED != 0 {
            futex_wake(&self.state);
        }
    }

    /// Whether the wait is over (the result may be read).
    pub fn is_done(&self) -> bool {
        self.state.load(Ordering::Acquire) & PHASE == DONE
    }

    /// Waits until a claimer completes the cell: spins (if few threads
    /// are spinning), then sleeps.
    pub fn wait(&self) {
        self.wait_with(true)
    }

    /// [`wait`](Self::wait), spinning for long only if `spin`: a waiter
    /// whose partner has no free CPU to run on (every proc token taken and
    /// goroutines queued for one) only burns the CPU the others need, so
    /// it spins just the short while that catches a hand-off already under
    /// way, then sleeps, as Go's scheduler spins only while Ps are idle.
    pub fn wait_with(&self, spin: bool) {
        // Under loom the spin phase is skipped (loom cannot model the
        // clock); the sleeping phase below is the protocol being checked.
        #[cfg(not(loom))]
        self.spin(spin);
        #[cfg(loom)]
        let _ = spin;
        loop {
            let s = self.state.load(Ordering::Acquire);
            if s & PHASE == DONE {
                return;
            }
            if s & PARKED == 0 && self.state.compare_exchange(s, s | PARKED, Ordering::Relaxed, Ordering::Relaxed).is_err() {
                continue;
            }
            futex_wait(&self.state, s | PARKED);
        }
    }

    /// The spinning phase of `wait`: returns when the cell is done or
    /// spinning should stop.
    #[cfg(not(loom))]
    fn spin(&self, long: bool) {
        use std::sync::atomic::Ordering;
        if max_spinners() == 0 {
            return;
        }
        for _ in 0..SHORT_SPIN {
            if self.is_done() {
                return;
            }
            std::hint::spin_loop();
        }
        if !long {
            return;
        }
        if SPINNERS.fetch_add(1, Ordering::Relaxed) < max_spinners() {
            let start = now_ns();
            'spin: loop {
                for _ in 0..SPIN_BATCH {
                    if self.is_done() {
                        break 'spin;
                    }
                    std::hint::spin_loop();
                }
                if now_ns() - start > SPIN_NS {
                    break;
                }
                // Give the CPU away if another thread wants it (the partner
                // we are waiting for, on an oversubscribed machine); when
                // nobody does, this returns at once. Spinning without
                // yielding was measured 3x slower on the loaded 2-core VM.
                // SAFETY: sched_yield has no preconditions.
                unsafe { libc::sched_yield() };
            }
        }
        SPINNERS.fetch_sub(1, Ordering::Relaxed);
    }

    /// The value handed over by the claimer.
    pub fn value(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }

    /// Whether the operation succeeded.
    pub fn ok(&self) -> bool {
        self.ok.load(Ordering::Relaxed) != 0
    }

    /// The select arm that fired.
    pub fn case(&self) -> u32 {
        self.case.load(Ordering::Relaxed)
    }
}

/// Under loom, a futex wait is a yield: the caller re-checks the word, so
/// this models `futex_wait` with arbitrary spurious wake-ups, and a lost
/// wake-up shows as a waiter that never sees `DONE` (loom reports the
/// livelock).
#[cfg(loom)]
pub(crate) fn futex_wait(_word: &AtomicU32, _expected: u32) {
    loom::thread::yield_now();
}

/// Under loom, waking is implicit (waiters re-check after every yield).
#[cfg(loom)]
pub(crate) fn futex_wake(_word: &AtomicU32) {}

/// Sleeps while `*word == expected` (spurious returns are fine: callers loop).
#[cfg(not(loom))]
pub(crate) fn futex_wait(word: &AtomicU32, expected: u32) {
    // SAFETY: the address is a live, aligned u32; a null timeout waits
    // until woken or the value differs.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word as *const AtomicU32,
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            std::ptr::null::<libc::timespec>(),
        );
    }
}

/// Wakes every thread sleeping on `word`.
#[cfg(not(loom))]
pub(crate) fn futex_wake(word: &AtomicU32) {
    // SAFETY: the address is a live, aligned u32.
    unsafe {
        libc::syscall(libc::SYS_futex, word as *const AtomicU32, libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX);
    }
}

/// Model checking of the claim/complete/wait protocol: every interleaving
/// of two claimers racing for one waiter's cell (one of them completing,
/// the waiter parking or not), with loom's exhaustive scheduler. Run with
/// `RUSTFLAGS="--cfg loom" cargo test -p gos-runtime --release --lib loom_`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;

    #[test]
    fn loom_one_claimer_wins_and_the_waiter_sees_its_result() {
        // Three threads spinning on yields explode the state space; bounding
        // preemptions (loom's standard knob) keeps it to a few seconds while
        // still covering every order of claim, complete and park.
        let mut b = loom::model::Builder::new();
        b.preemption_bound = Some(2);
        b.check(|| {
            let cell = Arc::new(WaitCell::new());
            let claimers: Vec<_> = (0..2u32)
                .map(|i| {
                    let cell = cell.clone();
                    loom::thread::spawn(move || {
                        if cell.try_claim() {
                            cell.set_result(i, true, 10 + i as u64);
                            cell.complete();
                            true
                        } else {
                            false
                        }
                    })
                })
                .collect();
            cell.wait();
            assert!(cell.ok());
            assert_eq!(cell.value(), 10 + cell.case() as u64);
            let wins: usize = claimers.into_iter().map(|h| h.join().unwrap() as usize).sum();
            assert_eq!(wins, 1);
        });
    }

    #[test]
    fn loom_a_reset_cell_is_claimable_again() {
        loom::model(|| {
            let cell = Arc::new(WaitCell::new());
            let c = cell.clone();
            let h = loom::thread::spawn(move || {
                for round in 0..2u64 {
                    while !c.try_claim() {
                        loom::thread::yield_now();
                    }
                    c.set_result(0, true, round);
                    c.complete();
                }
            });
            cell.wait();
            assert_eq!(cell.value(), 0);
            cell.reset();
            cell.wait();
            assert_eq!(cell.value(), 1);
            h.join().unwrap();
        });
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn only_one_claimer_wins_and_the_waiter_sees_the_result() {
        for round in 0..200 {
            let cell = Arc::new(WaitCell::new());
            let winners = Arc::new(AtomicU32::new(0));
            let hs: Vec<_> = (0..3)
                .map(|i| {
                    let (cell, winners) = (cell.clone(), winners.clone());
                    std::thread::spawn(move || {
                        if round % 2 == 0 {
                            // Let the waiter reach the futex sometimes.
                            std::thread::sleep(std::time::Duration::from_micros(50));
                        }
                        if cell.try_claim() {
                            winners.fetch_add(1, Ordering::Relaxed);
                            cell.set_result(i, true, 100 + i as u64);
                            cell.complete();
                        }
                    })
                })
                .collect();
            cell.wait();
            assert!(cell.ok());
            assert_eq!(cell.value(), 100 + cell.case() as u64);
            for h in hs {
                h.join().unwrap();
            }
            assert_eq!(winners.load(Ordering::Relaxed), 1);
        }
    }
}
