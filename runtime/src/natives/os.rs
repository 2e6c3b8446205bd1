//! Natives for the process and the outside world: arguments, environment,
//! output, stdin, the monotonic clock and sleeping.
//!
//! Stdin is read through Rust's locked, buffered `std::io::stdin()`, which
//! is thread-safe; lines keep their `\n` (the language's `read_line`
//! returns `None` only at end of input), and invalid UTF-8 is replaced by
//! U+FFFD rather than failing, since a `String` must be UTF-8. Before
//! blocking on stdin the stdout buffer is flushed when stdout is a terminal,
//! so a prompt printed without a newline is visible. The clock is
//! `CLOCK_MONOTONIC` read with `clock_gettime`, which is what Go's
//! `time.Now()` uses for durations.

use super::{none, option, Site};
use crate::object::*;
use crate::strings::{str_as_str, str_bytes, str_from};
use gos_abi::{Intrinsic, TypeId};
use std::io::BufRead;

pub(super) unsafe fn call(op: Intrinsic, args: &[u64], ret: TypeId, site: &Site) -> u64 {
    use Intrinsic as I;
    match op {
        I::Args => {
            let args = &crate::program().args;
            crate::gc::with_rooted_words(args.len(), |words| {
                for (w, s) in words.iter_mut().zip(args) {
                    *w = str_from(s);
                }
                crate::vec::vec_from(ret, words)
            })
        }
        I::Getenv => {
            let name = str_as_str(args[0]);
            if name.is_empty() || name.contains(['=', '\0']) {
                return none(ret);
            }
            option(ret, std::env::var_os(name).map(|v| str_from(&v.to_string_lossy())))
        }
        I::PrintStdout => {
            crate::stdout_write(str_bytes(args[0]));
            0
        }
        I::PrintStderr => {
            crate::stderr_write(str_bytes(args[0]));
            0
        }
        I::StdoutWriteBytes => {
            stdout_write_bytes(args[0], args[1] as i64, site);
            0
        }
        I::StdoutFlush => {
            crate::stdout_flush();
            0
        }
        I::StdinReadLine => option(ret, crate::sched::syscall(stdin_read_line).map(|l| str_from(&l))),
        I::NowNs => now_ns() as u64,
        I::SleepMs => {
            crate::sched::sleep_ms(args[0] as i64);
            0
        }
        _ => unreachable!("os::call({op:?})"),
    }
}

/// Writes the first `n` elements of the `Vec<u8>` `v` to stdout.
///
/// A function of its own, never inlined, because of its 4 KiB buffer: in
/// `call` it made every native of this module, `sleep` included, reserve
/// the buffer on the stack, and a sleeping goroutine's thread touched one
/// more page of stack for it (4 KiB of RSS per sleeping goroutine,
/// bench/seeds idle tasks).
#[inline(never)]
unsafe fn stdout_write_bytes(v: u64, n: i64, site: &Site) {
    crate::vec::check_slice_bounds(0, n, vec_len(v), site);
    let words = &vec_slice(v)[..(n as usize).min(vec_slice(v).len())];
    // Vec<u8> holds one byte per word: narrow into a stack buffer (the
    // common, line-sized case) or a temporary for big writes, and append in
    // one piece so that the write is never torn.
    let mut small = [0u8; 4096];
    if words.len() <= small.len() {
        for (d, &w) in small.iter_mut().zip(words) {
            *d = w as u8;
        }
        crate::stdout_write(&small[..words.len()]);
    } else {
        let bytes: Vec<u8> = words.iter().map(|&w| w as u8).collect();
        crate::stdout_write(&bytes);
    }
}

/// One line of stdin including its `\n`, or `None` at end of input (or on a
/// read error, which a program cannot tell apart from the end).
pub fn stdin_read_line() -> Option<String> {
    crate::stdout::flush_if_tty();
    let mut buf = Vec::new();
    match std::io::stdin().lock().read_until(b'\n', &mut buf) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }),
    }
}

/// Monotonic nanoseconds (`CLOCK_MONOTONIC`).
pub fn now_ns() -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out-pointer; CLOCK_MONOTONIC always exists on
    // the platforms we support.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    // `time_t` and `c_long` are not `i64` on every platform.
    #[allow(clippy::unnecessary_cast)]
    let ns = ts.tv_sec as i64 * 1_000_000_000 + ts.tv_nsec as i64;
    ns
}
