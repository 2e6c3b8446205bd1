//! The process-ending paths of the concurrency runtime: deadlock detection,
//! stack overflow in `main` and in goroutines, panics in goroutines, fatal
//! sync errors, `main` returning while goroutines run. Each test re-runs
//! this test binary as a child with `GOS_CHILD` naming a scenario (as
//! `exit_paths.rs` does) and checks its output and exit status.

use gos_abi::{IntTy, TypeId, TypeKind};
use gos_runtime::chan;
use gos_runtime::sched;
use gos_runtime::sync;
use gos_runtime::Site;
use std::process::{Command, Stdio};

fn recurse(n: u64) -> u64 {
    if n == u64::MAX {
        return 0;
    }
    let buf = [n; 64];
    std::hint::black_box(&buf);
    recurse(n + 1) + buf[3]
}

fn child_main(scenario: &str) {
    // Types: 0 String, 1 i64, 2 Sender<i64>, 3 Receiver<i64>,
    // 4 (Sender<i64>, Receiver<i64>), 5 ().
    let types = vec![
        TypeKind::Str,
        TypeKind::Int(IntTy::I64),
        TypeKind::Sender(TypeId(1)),
        TypeKind::Receiver(TypeId(1)),
        TypeKind::Tuple(vec![TypeId(2), TypeId(3)]),
        TypeKind::Unit,
    ];
    gos_runtime::init(types, "prog.gos".into(), vec![]);
    sched::enter_main();
    let site = Site { func: "main", line: 4, col: 5 };
    let go = |f: fn()| sched::spawn(Box::new(f));
    unsafe {
        match scenario {
            "deadlock_recv" => {
                gos_runtime::stdout_write(b"before\n");
                let c = chan::chan_new(0, false).unwrap();
                chan::recv(c);
            }
            "deadlock_after_exits" => {
                // Goroutines come and go; when the last runnable one exits,
                // main (waiting for a value nobody sends) is deadlocked.
                static C: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
                C.set(chan::chan_new(0, false).unwrap()).unwrap();
                for _ in 0..4 {
                    go(|| sched::sleep_ms(20));
                }
                go(|| {
                    let _ = chan::try_recv(*C.get().unwrap());
                });
                chan::recv(*C.get().unwrap());
            }
            "deadlock_select_forever" => {
                chan::select(&[], false).unwrap();
            }
            "deadlock_mutex" => {
                let m = sync::mutex_new();
                sync::mutex_lock(m);
                sync::mutex_lock(m);
            }
            "deadlock_all_goroutines" => {
                let wg = sync::wait_group_new();
                sync::wait_group_add(wg, 1).unwrap();
                static C: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
                C.set(chan::chan_new(0, false).unwrap()).unwrap();
                for _ in 0..10 {
                    go(|| {
                        chan::recv(*C.get().unwrap());
                    });
                }
                sync::wait_group_wait(wg);
            }
            "sleeper_is_not_a_deadlock" => {
                static C: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
                C.set(chan::chan_new(0, false).unwrap()).unwrap();
                go(|| {
                    sched::sleep_ms(100);
                    chan::send(*C.get().unwrap(), 42).unwrap();
                });
                let v = chan::recv(*C.get().unwrap()).unwrap();
                gos_runtime::stdout_write(format!("got {v}\n").as_bytes());
                gos_runtime::exit(0);
            }
            "overflow_main" => {
                gos_runtime::stdout_write(b"before\n");
                recurse(0);
            }
            "overflow_goroutine" => {
                gos_runtime::stdout_write(b"before\n");
                go(|| {
                    recurse(0);
                });
                sched::sleep_ms(10_000);
            }
            "std_thread_overflow" => {
                // Not a goroutine: std's own report still applies.
                let h = std::thread::Builder::new().stack_size(256 * 1024).spawn(|| recurse(0)).unwrap();
                let _ = h.join();
            }
            "segv_elsewhere" => {
                // A fault outside any guard page is not a stack overflow.
                let p = std::hint::black_box(16usize) as *const u64;
                std::ptr::read_volatile(p);
            }
            "goroutine_panic" => {
                go(|| {
                    gos_runtime::panic_at("boom", &Site { func: "worker", line: 9, col: 3 });
                });
                sched::sleep_ms(10_000);
            }
            "main_returns" => {
                // Spinning and blocked goroutines do not keep the process.
                go(|| loop {
                    if sched::preempt_requested() {
                        sched::yield_now();
                    }
                });
                go(|| {
                    chan::recv(chan::chan_new(0, false).unwrap());
                });
                sched::sleep_ms(20);
                gos_runtime::stdout_write(b"main done\n");
                gos_runtime::exit(0);
            }
            "unlock_unlocked" => {
                let m = gos_runtime::call_intrinsic(gos_abi::Intrinsic::MutexNew, &[], &[], TypeId(5), &site);
                gos_runtime::call_intrinsic(gos_abi::Intrinsic::MutexUnlock, &[m], &[TypeId(5)], TypeId(5), &site);
            }
            "close_twice" => {
                use gos_abi::Intrinsic as I;
                let pair = gos_runtime::call_intrinsic(I::ChanNew, &[1], &[TypeId(1)], TypeId(4), &site);
                let tx = gos_runtime::field(pair, 0);
                gos_runtime::call_intrinsic(I::ChanSend, &[tx, 3], &[TypeId(2), TypeId(1)], TypeId(5), &site);
                gos_runtime::call_intrinsic(I::ChanClose, &[tx], &[TypeId(2)], TypeId(5), &site);
                gos_runtime::call_intrinsic(I::ChanClose, &[tx], &[TypeId(2)], TypeId(5), &site);
            }
            "send_on_closed_wakes_blocked_sender" => {
                static C: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
                C.set(chan::chan_new(0, false).unwrap()).unwrap();
                go(|| {
                    let site = Site { func: "sender", line: 7, col: 1 };
                    let tys = [TypeId(2), TypeId(1)];
                    gos_runtime::call_intrinsic(gos_abi::Intrinsic::ChanSend, &[*C.get().unwrap(), 1], &tys, TypeId(5), &site);
                });
                sched::sleep_ms(30);
                chan::close(*C.get().unwrap()).unwrap();
                sched::sleep_ms(10_000);
            }
            "i64vec_bytes" => {
                let v = sync::i64vec_new(6).unwrap();
                for (i, b) in b"hello\n".iter().enumerate() {
                    sync::i64vec(v)[i].store(0x100 + *b as i64, std::sync::atomic::Ordering::SeqCst);
                }
                let tys = [TypeId(5), TypeId(1), TypeId(1)];
                gos_runtime::call_intrinsic(gos_abi::Intrinsic::I64VecWriteBytesToStdout, &[v, 1, 5], &tys, TypeId(5), &site);
                gos_runtime::call_intrinsic(gos_abi::Intrinsic::I64VecWriteBytesToStdout, &[v, 4, 3], &tys, TypeId(5), &site);
            }
            other => panic!("unknown scenario {other}"),
        }
    }
    gos_runtime::exit(0);
}

/// Runs scenario `name` in a child process with extra environment `env`.
fn run_env(name: &str, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads", "1"])
        .env("GOS_CHILD", name)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn run(name: &str) -> (Option<i32>, String, String) {
    run_env(name, &[])
}

#[test]
fn child() {
    if let Ok(s) = std::env::var("GOS_CHILD") {
        child_main(&s);
    }
}

const DEADLOCK: &str = "fatal error: all goroutines are asleep - deadlock!\n";

#[test]
fn blocked_main_is_a_deadlock_after_flushing_stdout() {
    let (code, out, err) = run("deadlock_recv");
    assert_eq!(code, Some(2), "{err}");
    assert!(out.contains("before\n"), "{out:?}");
    assert!(err.ends_with(DEADLOCK), "{err:?}");
}

#[test]
fn every_kind_of_forever_block_is_detected() {
    for s in ["deadlock_after_exits", "deadlock_select_forever", "deadlock_mutex", "deadlock_all_goroutines"] {
        for procs in ["1", "2"] {
            let (code, _, err) = run_env(s, &[("GOSSAMER_PROCS", procs)]);
            assert_eq!(code, Some(2), "{s}: {err}");
            assert!(err.ends_with(DEADLOCK), "{s}: {err:?}");
        }
    }
}

#[test]
fn a_sleeping_goroutine_is_not_a_deadlock() {
    let (code, out, err) = run("sleeper_is_not_a_deadlock");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("got 42\n"));
}

#[test]
fn stack_overflow_is_a_fatal_error_in_main_and_in_goroutines() {
    for s in ["overflow_main", "overflow_goroutine"] {
        let (code, out, err) = run(s);
        assert_eq!(code, Some(2), "{s}: {err}");
        assert!(out.contains("before\n"), "{s}: {out:?}");
        assert!(err.ends_with("fatal error: stack overflow\n"), "{s}: {err:?}");
    }
    // A bigger stack overflows too, later.
    let (code, _, err) = run_env("overflow_goroutine", &[("GOSSAMER_STACK_KB", "4096")]);
    assert_eq!(code, Some(2));
    assert!(err.ends_with("fatal error: stack overflow\n"), "{err:?}");
}

#[test]
fn std_threads_keep_std_s_overflow_report() {
    let (code, _, err) = run("std_thread_overflow");
    assert_ne!(code, Some(0));
    assert!(err.contains("has overflowed its stack"), "{err:?}");
    assert!(!err.contains("fatal error: stack overflow"), "{err:?}");
}

#[test]
fn other_faults_keep_their_default_action() {
    let (code, _, err) = run("segv_elsewhere");
    assert_eq!(code, None, "killed by SIGSEGV, not exited: {err}");
    assert!(!err.contains("stack overflow"));
}

#[test]
fn bad_environment_values_are_clear_errors() {
    let (code, _, err) = run_env("sleeper_is_not_a_deadlock", &[("GOSSAMER_PROCS", "zero")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("fatal error: GOSSAMER_PROCS=\"zero\": expected a whole number"), "{err:?}");
    let (code, _, err) = run_env("sleeper_is_not_a_deadlock", &[("GOSSAMER_STACK_KB", "1")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("fatal error: GOSSAMER_STACK_KB=\"1\""), "{err:?}");
}

#[test]
fn a_panic_in_a_goroutine_reports_its_id() {
    let (code, _, err) = run("goroutine_panic");
    assert_eq!(code, Some(2));
    assert!(err.ends_with("panic: boom\n\ngoroutine 2 [running]:\nmain.worker()\n\tprog.gos:9:3\n"), "{err:?}");
}

#[test]
fn main_returning_ends_the_program() {
    for procs in ["1", "2"] {
        let (code, out, err) = run_env("main_returns", &[("GOSSAMER_PROCS", procs)]);
        assert_eq!(code, Some(0), "{err}");
        assert!(out.contains("main done\n"));
    }
}

#[test]
fn sync_and_channel_misuse_fail_as_go_does() {
    let (code, _, err) = run("unlock_unlocked");
    assert_eq!(code, Some(2));
    assert!(err.ends_with("fatal error: sync: unlock of unlocked mutex\n"), "{err:?}");
    let (code, _, err) = run("close_twice");
    assert_eq!(code, Some(2));
    assert!(err.starts_with("panic: close of closed channel\n\ngoroutine 1 [running]:"), "{err:?}");
    let (code, _, err) = run("send_on_closed_wakes_blocked_sender");
    assert_eq!(code, Some(2));
    assert!(err.starts_with("panic: send on closed channel\n\ngoroutine 2 [running]:\nmain.sender()"), "{err:?}");
}

#[test]
fn i64vec_writes_low_bytes_in_bounds() {
    let (code, out, err) = run("i64vec_bytes");
    assert!(out.contains("ello\n"), "{out:?}");
    assert_eq!(code, Some(2));
    assert!(err.contains("panic: runtime error: slice bounds out of range [:7] with length 6"), "{err:?}");
}
