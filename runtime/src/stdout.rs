//! The process's one stdout buffer, and stderr.
//!
//! Design: a single `Vec<u8>` behind one mutex, shared by the print
//! functions, `io::stdout()` and `I64Vec`'s `write_bytes_to_stdout` and
//! `write_le_bytes_to_stdout`, so output
//! keeps program order across all of them. Each write appends its bytes
//! under the lock in one piece, so a line printed by one goroutine is never
//! torn by another. The buffer is flushed when it would exceed
//! [`BUFFER_CAPACITY`] (stdout not a terminal), after every write that ends a
//! line (stdout a terminal: line buffering, checked once with `isatty`), on
//! [`stdout_flush`], before anything is written to stderr, and at exit.
//!
//! Writes use `libc::write` loops: `EINTR` retries, and `EPIPE` (the reader
//! went away, as in `prog | head`) ends the process quietly the way Go's and
//! C's default `SIGPIPE` handling does. Rejected: `std::io::Stdout`, which
//! has its own line buffer that would reorder output relative to stderr and
//! double-buffer, and per-thread buffers, which tear ordering between
//! goroutines.

use parking_lot::Mutex;
use std::sync::OnceLock;

/// Bytes buffered before a flush when stdout is not a terminal. Larger
/// buffers save system calls for output-heavy programs (fasta writes
/// hundreds of megabytes); 64 KiB already amortises the call to nothing and
/// matches the pipe buffer size on Linux.
pub const BUFFER_CAPACITY: usize = 64 * 1024;

struct Stdout {
    buf: Vec<u8>,
}

static STDOUT: Mutex<Stdout> = Mutex::new(Stdout { buf: Vec::new() });
static IS_TTY: OnceLock<bool> = OnceLock::new();

fn stdout_is_tty() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    *IS_TTY.get_or_init(|| unsafe { libc::isatty(1) == 1 })
}

/// Appends `bytes` to the stdout buffer in one piece, flushing as the
/// buffering mode requires.
pub fn stdout_write(bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let tty = stdout_is_tty();
    let mut out = STDOUT.lock();
    if out.buf.capacity() == 0 {
        out.buf.reserve_exact(BUFFER_CAPACITY);
    }
    if out.buf.len() + bytes.len() > BUFFER_CAPACITY {
        flush_locked(&mut out);
        if bytes.len() >= BUFFER_CAPACITY {
            // A write at least as large as the buffer goes straight out,
            // still under the lock so that nothing interleaves with it.
            write_all(1, bytes);
            return;
        }
    }
    out.buf.extend_from_slice(bytes);
    if tty && bytes.contains(&b'\n') {
        flush_locked(&mut out);
    }
}

/// Appends the low byte of each word of `words` to the stdout buffer in
/// one piece (`I64Vec::write_bytes_to_stdout`): the bytes are narrowed
/// straight into the buffer under the lock, with no temporary copy, and
/// nothing from another goroutine can land in between.
pub fn stdout_write_low_bytes(words: &[std::sync::atomic::AtomicI64]) {
    if words.is_empty() {
        return;
    }
    let tty = stdout_is_tty();
    let mut out = STDOUT.lock();
    if out.buf.capacity() == 0 {
        out.buf.reserve_exact(BUFFER_CAPACITY);
    }
    let mut newline = false;
    for chunk in words.chunks(BUFFER_CAPACITY) {
        if out.buf.len() + chunk.len() > BUFFER_CAPACITY {
            flush_locked(&mut out);
        }
        let start = out.buf.len();
        // One sequentially consistent load per cell, in index order: the
        // language makes every `I64Vec` cell an atomic with SC operations,
        // so a `set` racing with this write is legal and must be seen (or
        // not) cell by cell as SC loads see it. On x86-64 an SC load is a
        // plain `mov`; what it costs is the vectorisation LLVM will not do
        // on atomics (tried: plain vector loads after one fence took
        // fasta's narrowing from 17% to 9% of its samples, but reading
        // atomics with plain loads is a data race in Rust's memory model
        // and loses the per-cell order, so it was not kept).
        out.buf.extend(chunk.iter().map(|w| w.load(std::sync::atomic::Ordering::SeqCst) as u8));
        // Only a terminal flushes per line.
        if tty {
            newline |= out.buf[start..].contains(&b'\n');
        }
    }
    if tty && newline {
        flush_locked(&mut out);
    }
}

/// Appends bytes `[start, start + count)` of the little-endian byte image
/// of `words` (byte `k` is bits `8 * (k % 8)` to `8 * (k % 8) + 7` of word
/// `k / 8`) to stdout in one piece (`I64Vec::write_le_bytes_to_stdout`),
/// under the lock. A piece smaller than the buffer is copied into it with
/// one SC load per word, in index order (after a flush if it would not
/// fit, so that no word is read twice); a larger one is written straight
/// from the cells. The caller has checked that the range lies inside the
/// image.
pub fn stdout_write_le_bytes(words: &[std::sync::atomic::AtomicI64], start: usize, count: usize) {
    if count == 0 {
        return;
    }
    debug_assert!(start + count <= words.len() * 8);
    let tty = stdout_is_tty();
    let mut out = STDOUT.lock();
    if out.buf.capacity() == 0 {
        out.buf.reserve_exact(BUFFER_CAPACITY);
    }
    if count >= BUFFER_CAPACITY {
        // A write at least as large as the buffer goes straight from the
        // cells to the descriptor, still under the lock, as
        // `stdout_write` does with large writes: copying it through the
        // buffer first cost fasta about a tenth of its CPU time. The
        // kernel reads the bytes, so a cell that another goroutine sets
        // meanwhile may come out with bytes of either value (the language
        // leaves that race's result unspecified, docs/language.md). The
        // cells' memory is their little-endian image only on a
        // little-endian machine.
        #[cfg(target_endian = "little")]
        {
            flush_locked(&mut out);
            // SAFETY: the range lies inside the cells (checked by the
            // caller), which live as long as `words`; the kernel only
            // reads them.
            unsafe { write_all_raw(1, (words.as_ptr() as *const u8).add(start), count) };
            return;
        }
    }
    if out.buf.len() + count > BUFFER_CAPACITY {
        flush_locked(&mut out);
    }
    // (A no-op but on a big-endian machine, where large pieces come here.)
    out.buf.reserve(count);
    let end = start + count;
    let first = out.buf.len();
    let load = |i: usize| words[i].load(std::sync::atomic::Ordering::SeqCst).to_le_bytes();
    // A first word entered in its middle, whole words, a last word left in
    // its middle (the first and the last may be one word).
    let mut k = start;
    if k % 8 != 0 {
        let hi = 8.min(k % 8 + count);
        out.buf.extend_from_slice(&load(k / 8)[k % 8..hi]);
        k += hi - k % 8;
    }
    let whole = (end - k) / 8;
    if whole > 0 {
        let at = out.buf.len();
        let dst = &mut out.buf.spare_capacity_mut()[..whole * 8];
        for (j, cell) in dst.chunks_exact_mut(8).enumerate() {
            for (d, b) in cell.iter_mut().zip(load(k / 8 + j)) {
                d.write(b);
            }
        }
        // SAFETY: the `whole * 8` bytes after `at` were just written, and
        // they fit the capacity (the piece fits the buffer).
        unsafe { out.buf.set_len(at + whole * 8) };
        k += whole * 8;
    }
    if k < end {
        out.buf.extend_from_slice(&load(k / 8)[..end - k]);
    }
    if tty && out.buf[first..].contains(&b'\n') {
        flush_locked(&mut out);
    }
}

/// Flushes stdout from a fatal signal handler (stack overflow): only if the
/// lock is free right now, since the faulting thread may hold it itself.
pub fn flush_for_fatal_signal() {
    if let Some(mut out) = STDOUT.try_lock() {
        flush_locked(&mut out);
    }
}

/// Writes everything buffered for stdout.
pub fn stdout_flush() {
    let mut out = STDOUT.lock();
    flush_locked(&mut out);
}

fn flush_locked(out: &mut Stdout) {
    if !out.buf.is_empty() {
        write_all(1, &out.buf);
        out.buf.clear();
    }
}

/// Flushes stdout if it is a terminal (before blocking on terminal input,
/// so that a prompt written without a newline is visible).
pub fn flush_if_tty() {
    if stdout_is_tty() {
        stdout_flush();
    }
}

/// Writes `bytes` to stderr, after flushing stdout so that the two streams
/// keep program order when they go to the same place. The stdout lock is
/// held throughout, so a stderr line is not torn by another goroutine either.
pub fn stderr_write(bytes: &[u8]) {
    let mut out = STDOUT.lock();
    flush_locked(&mut out);
    write_all(2, bytes);
}

/// Writes all of `bytes` to descriptor `fd`, retrying on `EINTR`.
fn write_all(fd: i32, bytes: &[u8]) {
    // SAFETY: the pointer and length describe a live slice.
    unsafe { write_all_raw(fd, bytes.as_ptr(), bytes.len()) }
}

/// Writes the `len` bytes at `ptr` to descriptor `fd`, retrying on `EINTR`.
/// Raw, so that memory other threads may change atomically meanwhile (the
/// cells of an `I64Vec`) is never behind a Rust reference to bytes.
///
/// # Safety
/// `ptr..ptr + len` must stay allocated until this returns.
unsafe fn write_all_raw(fd: i32, mut ptr: *const u8, mut len: usize) {
    while len > 0 {
        let n = libc::write(fd, ptr as *const libc::c_void, len);
        if n >= 0 {
            ptr = ptr.add(n as usize);
            len -= n as usize;
            continue;
        }
        let err = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        match err {
            libc::EINTR | libc::EAGAIN => continue,
            libc::EPIPE => broken_pipe(),
            // Any other error (a closed descriptor, a full disk) loses the
            // output, as Go's fmt.Println ignores write errors.
            _ => return,
        }
    }
}

/// The reader of our output went away: end the process as the default
/// `SIGPIPE` action would (Rust ignores `SIGPIPE`, so we get `EPIPE`).
fn broken_pipe() -> ! {
    // SAFETY: restoring the default disposition and raising the signal is
    // how a C or Go program would die here; `_exit` is the fallback.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
        libc::_exit(141)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_append_in_order_and_flush_empties() {
        // The test harness's stdout may be anything; this exercises the
        // buffer logic without asserting on the descriptor's contents.
        stdout_write(b"");
        stdout_write(b"runtime stdout test line\n");
        stdout_flush();
        assert!(STDOUT.lock().buf.is_empty());
    }
}
