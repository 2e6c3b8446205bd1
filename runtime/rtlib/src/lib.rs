//! The runtime as a C static library: the process entry point of every
//! executable that `gossamer build` produces. The driver links the
//! program's object file with this archive (`compiler/driver/src/link.rs`)
//! using the system C compiler, so C's start-up code calls the `main`
//! below, which finds the program in the object file and runs it with the
//! same runtime, and the same behaviour, as `gossamer run`.
//!
//! # The symbol contract
//!
//! The program's object file (written by the Cranelift backend) defines
//! three data symbols, with C linkage and these exact names:
//!
//! * `gos_module_bytes`: the program image, `gos_vm::Module::to_bytes()` of
//!   the compiled module, as a byte array (any alignment);
//! * `gos_module_len`: its length in bytes, a little-endian `u64`, 8-byte
//!   aligned;
//! * `gos_entry_table`: the native code, three pointer-sized words per
//!   function of the module (so three times as many words as the image's
//!   header says it has functions), pointer-aligned: first every function's
//!   entry adapter in the module's order, then every function's body (see
//!   `gos_vm::native`), then every body's size in bytes. A 0 means "no
//!   native code: interpret this function's bytecode".
//!
//! The object defines no `main`: this archive does. Everything else the
//! object refers to (runtime entry points called by generated code) is
//! resolved against this archive too.
//!
//! Start-up differs from a Rust binary's in one respect that matters:
//! `main` is C's, so std's own start-up (`lang_start`) does not run. Of
//! what it does, the program can observe only the `SIGPIPE` disposition,
//! which `main` sets to "ignore" as std would (the runtime then reports a
//! closed pipe itself, as in `gossamer run`). std's stack-overflow message
//! for the start-up thread is not installed; the runtime's goroutine
//! threads have their own guard-page handler either way.

use std::ffi::{c_char, c_int};
use std::ptr::addr_of;

extern "C" {
    /// The program image (see the module docs); its length is
    /// `gos_module_len`, so it is declared as an empty array.
    static gos_module_bytes: [u8; 0];
    static gos_module_len: u64;
    /// The native entry points, as many as the image has functions.
    static gos_entry_table: [usize; 0];
}

/// The process entry point (called by the C start-up code): runs the
/// program embedded in the executable and returns its exit status, as
/// `gossamer run` would exit (0; 1 for `main` returning `Err` or a corrupt
/// image; panics and `os::exit` end the process inside the runtime).
///
/// # Safety
///
/// Sound only when linked with an object that defines the three symbols as
/// the module docs say. C calls it once, before any other Rust code runs.
#[no_mangle]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    // SAFETY: setting a signal disposition has no memory-safety
    // preconditions; std's start-up does the same for Rust binaries.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    // SAFETY: the object file defines `gos_module_len` bytes at
    // `gos_module_bytes`, immutable for the life of the process.
    let image: &'static [u8] =
        unsafe { std::slice::from_raw_parts(addr_of!(gos_module_bytes).cast::<u8>(), gos_module_len as usize) };
    let count = match gos_vm::serial::image_function_count(image) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("gossamer: corrupt program image: {e}");
            return 1;
        }
    };
    // SAFETY: the symbol contract says the table has three words per function
    // of the image, and the header read above gives that count (decoding
    // rejects a header that disagrees with the module). Nothing can check
    // the table's own length, which the object file does not record: the
    // backend writes the table and the image from the same module.
    let entries: &'static [usize] =
        unsafe { std::slice::from_raw_parts(addr_of!(gos_entry_table).cast::<usize>(), 3 * count) };
    let status = gos_vm::run_aot(image, entries);
    // `run` has flushed stdout already unless output raced with a goroutine
    // still running; the runtime's exit handler flushes too, but flushing
    // here keeps the order "program output, then exit" explicit.
    gos_runtime::stdout_flush();
    // The status `gossamer run` exits with (its `ExitCode` is a byte).
    status.clamp(0, 255)
}
