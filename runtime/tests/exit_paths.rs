//! The process-ending paths of the runtime (panics, `exit`, broken pipes),
//! which unit tests cannot exercise because they end the process. Each test
//! re-runs this test binary as a child with `GOS_CHILD` naming a scenario,
//! and checks the child's stdout, stderr and exit status.

use gos_abi::TypeId;
use gos_runtime::Site;
use std::process::{Command, Stdio};

fn child_main(scenario: &str) {
    use gos_abi::{IntTy, TypeKind};
    // Types: 0 String, 1 u8, 2 Vec<u8>, 3 i64, 4 ().
    let types = vec![TypeKind::Str, TypeKind::Int(IntTy::U8), TypeKind::Vec(TypeId(1)), TypeKind::Int(IntTy::I64), TypeKind::Unit];
    gos_runtime::init(types, "prog.gos".into(), vec![]);
    let site = Site { func: "main", line: 4, col: 5 };
    match scenario {
        "panic" => {
            gos_runtime::stdout_write(b"before\n");
            gos_runtime::stdout_write(b"partial");
            gos_runtime::panic_at("runtime error: index out of range [5] with length 3", &site);
        }
        "exit" => {
            gos_runtime::stdout_write(b"flushed on exit");
            gos_runtime::exit(3);
        }
        "return" => {
            // Returning from main through std's exit path flushes too.
            gos_runtime::stdout_write(b"flushed at return\n");
            std::process::exit(0);
        }
        "order" => {
            gos_runtime::stdout_write(b"out1\n");
            gos_runtime::stderr_write(b"err1\n");
            gos_runtime::stdout_write(b"out2\n");
            gos_runtime::exit(0);
        }
        "lines" => {
            let hs: Vec<_> = (0..4)
                .map(|t| {
                    std::thread::spawn(move || {
                        for i in 0..2000 {
                            let line = format!("thread {t} line {i} {}\n", "x".repeat(i % 97));
                            gos_runtime::stdout_write(line.as_bytes());
                        }
                    })
                })
                .collect();
            for h in hs {
                h.join().unwrap();
            }
            gos_runtime::exit(0);
        }
        "two_panics" => {
            let hs: Vec<_> = (0..4)
                .map(|t| {
                    std::thread::spawn(move || {
                        let site = Site { func: "worker", line: t, col: 1 };
                        gos_runtime::panic_at(&format!("failure {t}"), &site);
                    })
                })
                .collect();
            for h in hs {
                let _ = h.join();
            }
        }
        "write_bytes" => unsafe {
            use gos_abi::Intrinsic;
            let tys = [TypeId(2), TypeId(3)];
            let small: Vec<u64> = b"three\nXX".iter().map(|&b| b as u64).collect();
            let v = gos_runtime::vec::vec_from(TypeId(2), &small);
            gos_runtime::call_intrinsic(Intrinsic::StdoutWriteBytes, &[v, 6], &tys, TypeId(4), &site);
            let big: Vec<u64> = (0..5000).map(|i| b'a' as u64 + (i % 26)).collect();
            let v = gos_runtime::vec::vec_from(TypeId(2), &big);
            gos_runtime::call_intrinsic(Intrinsic::StdoutWriteBytes, &[v, 5000], &tys, TypeId(4), &site);
            gos_runtime::call_intrinsic(Intrinsic::StdoutWriteBytes, &[v, 7000], &tys, TypeId(4), &site);
        },
        "pipe" => loop {
            gos_runtime::stdout_write(&[b'x'; 4096]);
        },
        "intrinsic_panic" => unsafe {
            let msg = gos_runtime::str_from("boom");
            gos_runtime::call_intrinsic(gos_abi::Intrinsic::Panic, &[msg], &[TypeId(0)], TypeId(0), &site);
        },
        other => panic!("unknown scenario {other}"),
    }
}

/// Runs scenario `name` in a child process.
fn run(name: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads", "1"])
        .env("GOS_CHILD", name)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn child() {
    if let Ok(s) = std::env::var("GOS_CHILD") {
        child_main(&s);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn panic_flushes_stdout_then_reports_in_go_format() {
    let out = run("panic");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("before\npartial"), "stdout: {:?}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.ends_with(
            "panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\tprog.gos:4:5\n"
        ),
        "stderr: {err:?}"
    );
}

#[test]
fn panic_intrinsic_exits_2() {
    let out = run("intrinsic_panic");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("panic: boom\n\ngoroutine 1 [running]:\n"));
}

#[test]
fn lines_from_threads_are_never_torn() {
    let out = run("lines");
    assert_eq!(out.status.code(), Some(0));
    let all = text(&out.stdout);
    let mut count = 0;
    // libtest's own "test child ... " may precede the first line.
    for line in all.lines().filter_map(|l| l.find("thread ").map(|i| &l[i..])) {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 5, "torn line {line:?}");
        let i: usize = parts[3].parse().unwrap();
        assert_eq!(parts[4], "x".repeat(i % 97), "torn line {line:?}");
        count += 1;
    }
    assert_eq!(count, 8000);
}

#[test]
fn concurrent_panics_print_one_report() {
    let out = run("two_panics");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.matches("panic: failure").count(), 1, "{err:?}");
    assert_eq!(err.matches("goroutine 1 [running]").count(), 1, "{err:?}");
}

#[test]
fn write_bytes_appends_the_low_bytes_and_checks_the_count() {
    let out = run("write_bytes");
    let all = text(&out.stdout);
    let big: String = (0..5000).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    assert!(all.contains(&format!("three\n{big}")), "{all:?}");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("panic: runtime error: slice bounds out of range [:7000] with length 5000"));
}

#[test]
fn exit_flushes_stdout() {
    let out = run("exit");
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stdout).contains("flushed on exit"));
    let out = run("return");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("flushed at return\n"));
}

#[test]
fn stderr_flushes_stdout_first() {
    // Both streams into one pipe: the order must be program order.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("GOS_CHILD=order '{}' --exact child --nocapture --test-threads 1 2>&1", std::env::current_exe().unwrap().display()))
        .output()
        .unwrap();
    let all = text(&out.stdout);
    let a = all.find("out1").unwrap();
    let b = all.find("err1").unwrap();
    let c = all.find("out2").unwrap();
    assert!(a < b && b < c, "{all:?}");
}

#[test]
fn broken_pipe_ends_quietly() {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "GOS_CHILD=pipe '{}' --exact child --nocapture --test-threads 1 | head -c 10 >/dev/null",
            std::env::current_exe().unwrap().display()
        ))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!text(&out.stderr).contains("panic"), "{}", text(&out.stderr));
}
