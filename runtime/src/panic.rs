//! Panics, fatal errors and process exit, in Go's formats.
//!
//! A panic prints, after flushing stdout,
//! ```text
//! panic: <message>
//!
//! goroutine <id> [running]:
//! main.<function>()
//!     <file>:<line>:<col>
//! ```
//! (the last line starts with a tab)
//! on stderr and exits with status 2; a fatal error prints
//! `fatal error: <message>` and exits 2. Both are final: Gossamer has no
//! `recover`, so there is no unwinding to do and the process ends without
//! running other goroutines' code. The goroutine id comes from a thread-local
//! that the goroutine spawner sets (1, `main`'s goroutine, by default).
//!
//! Under `cfg(test)` a panic becomes a Rust panic carrying the same report,
//! so that unit tests can check runtime errors with `#[should_panic]`
//! instead of killing the test process; the exiting path is exercised by the
//! conformance suite.

use crate::natives::Site;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first goroutine that reports a panic or fatal error: only one
/// report is printed, as in Go; any other goroutine failing meanwhile waits
/// for the process to end instead of interleaving its own report.
static ENDING: AtomicBool = AtomicBool::new(false);

/// Claims the right to report; a thread that loses never returns.
fn claim_report() {
    if ENDING.swap(true, Ordering::AcqRel) {
        loop {
            std::thread::park();
        }
    }
}

thread_local! {
    static GOROUTINE_ID: Cell<u64> = const { Cell::new(1) };
}

/// Sets the id that panics on this thread report (`goroutine N`).
pub fn set_goroutine_id(id: u64) {
    GOROUTINE_ID.with(|g| g.set(id));
}

/// The id of the goroutine running on this thread.
pub fn goroutine_id() -> u64 {
    GOROUTINE_ID.with(|g| g.get())
}

/// The text a panic prints on stderr.
pub fn panic_report(msg: &str, site: &Site, file: &str, goroutine: u64) -> String {
    format!("panic: {msg}\n\ngoroutine {goroutine} [running]:\nmain.{}()\n\t{file}:{}:{}\n", site.func, site.line, site.col)
}

/// Reports a panic at `site` in Go's format and exits with status 2.
#[cold]
#[inline(never)]
pub fn panic_at(msg: &str, site: &Site) -> ! {
    let report = panic_report(msg, site, &crate::program().file, goroutine_id());
    if cfg!(test) {
        std::panic::panic_any(report);
    }
    claim_report();
    crate::stdout::stderr_write(report.as_bytes());
    terminate(2)
}

/// Reports `fatal error: <msg>` (Go's words for unrecoverable runtime
/// failures: out of memory, deadlock, a broken program) and exits 2.
#[cold]
#[inline(never)]
pub fn fatal(msg: &str) -> ! {
    let report = format!("fatal error: {msg}\n");
    if cfg!(test) {
        std::panic::panic_any(report);
    }
    claim_report();
    crate::stdout::stderr_write(report.as_bytes());
    terminate(2)
}

/// Flushes stdout and exits the process with `code` (`os::exit`, the end of
/// `main`).
pub fn exit(code: i32) -> ! {
    crate::stdout::stdout_flush();
    terminate(code)
}

/// Ends the process without running Rust's exit machinery beyond libc's:
/// other goroutine threads may be running, and Go's semantics are that the
/// process ends immediately with them.
fn terminate(code: i32) -> ! {
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_has_go_format() {
        let site = Site { func: "main", line: 3, col: 9 };
        assert_eq!(
            panic_report("runtime error: integer divide by zero", &site, "t.gos", 1),
            "panic: runtime error: integer divide by zero\n\ngoroutine 1 [running]:\nmain.main()\n\tt.gos:3:9\n"
        );
    }

    #[test]
    fn goroutine_id_is_per_thread() {
        assert_eq!(goroutine_id(), 1);
        std::thread::spawn(|| {
            set_goroutine_id(7);
            assert_eq!(goroutine_id(), 7);
        })
        .join()
        .unwrap();
        assert_eq!(goroutine_id(), 1);
    }

    #[test]
    #[should_panic(expected = "panic: boom\n\ngoroutine 1 [running]:\nmain.f()\n")]
    fn panic_at_reports() {
        panic_at("boom", &Site { func: "f", line: 1, col: 2 });
    }
}
