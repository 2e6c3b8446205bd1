//! The Gossamer bytecode VM: the bytecode format (`bytecode.rs`, every
//! opcode declared once, with its operand types in `operand.rs` and the
//! per-function tables in `function.rs`), load-time validation (`module.rs`), the
//! interpreter (`interp.rs`, with its cold paths in `slow.rs`), the per-run
//! shared state (`instance.rs`), goroutine start-up (`go.rs`), register
//! stacks (`stack.rs`), a disassembler (`disasm.rs`) and the program image
//! that built executables carry, with their entry point (`serial.rs`).
//!
//! The VM is a client of `gos-runtime` exactly as compiled code will be: it
//! allocates, formats, compares and calls library operations through the
//! runtime's API and shares its heap objects and panic reports. It knows
//! nothing of the compiler; `gos-bcgen` produces the [`ModuleParts`] that
//! [`Module::new`] validates.
//!
//! Threading: a [`Module`] is immutable and shared by `Arc`; an
//! [`Instance`] (string literals, globals) is shared by every goroutine of a
//! run; each goroutine runs its own [`Thread`] (register stack and frames).
//! There is no global mutable interpreter state.

pub mod bytecode;
mod disasm;
mod go;
pub mod native;
pub mod function;
pub mod operand;
pub mod instance;
pub mod interp;
pub mod module;
pub mod serial;
mod slow;
pub mod stack;

#[cfg(test)]
mod tests;

pub use bytecode::{Aux, AuxIdx, CmpKind, Conv, FmtPart, Function, Instr, Loc, Norm, Reg};
pub use instance::Instance;
pub use interp::Thread;
pub use module::{Module, ModuleParts};
pub use serial::run_aot;
pub use stack::RegStack;

use gos_abi::{FormatSpec, TypeKind};
use gos_runtime as rt;
use std::sync::Arc;

/// The register-stack size for this process: `GOSSAMER_STACK_KB` if set
/// to a positive number of KiB, else [`interp::DEFAULT_STACK_WORDS`].
pub fn stack_words() -> usize {
    stack_words_from_env().unwrap_or(interp::DEFAULT_STACK_WORDS)
}

/// `GOSSAMER_STACK_KB` in words, if it is set to a positive number of KiB.
/// It sizes every goroutine's register stack, `main`'s included; without
/// it `main` gets [`interp::DEFAULT_STACK_WORDS`] and other goroutines
/// [`stack::GOROUTINE_STACK_WORDS`]. (The scheduler reads the same variable
/// for the native stacks of goroutine threads and rejects values it cannot
/// use.)
pub(crate) fn stack_words_from_env() -> Option<usize> {
    match std::env::var("GOSSAMER_STACK_KB").ok().and_then(|v| v.trim().parse::<usize>().ok()) {
        Some(kb) if kb > 0 => Some(kb.saturating_mul(1024) / 8),
        _ => None,
    }
}

/// Runs a program: initialises the runtime, runs `init` then `main` as
/// goroutine 1, and returns the process exit status (0, or 1 when `main`
/// returns `Err(e)`, after printing `Error: {e:?}` on stderr), stdout
/// flushed. Panics and `os::exit` end the process from inside the runtime
/// and never return here.
///
/// As in Go, the program is over when `main` returns: other goroutines are
/// not waited for. They may still be running when this returns (on their
/// own detached threads); the caller is expected to exit the process with
/// the status, which ends them. Joining them instead would make a program
/// whose goroutines block forever hang at exit.
///
/// `main` runs on the calling thread (on a stack mapped for it), which
/// becomes goroutine 1's: call this once per process, from a thread that
/// runs no other Gossamer program.
pub fn run(module: Arc<Module>, types: Vec<TypeKind>, file: String, args: Vec<String>) -> i32 {
    if types.len() != module.type_count {
        eprintln!(
            "gossamer: internal error: the module was compiled for {} types, the program has {}",
            module.type_count,
            types.len()
        );
        return 1;
    }
    rt::init(types, file, args);
    // The interpreter does not recurse on the native stack, but the
    // runtime's generic operations (formatting, equality, cloning) recurse
    // over nested values such as a long linked list of boxes: give them
    // the room the 8 MiB default main stack lacks. The reservation is
    // virtual memory; only the pages touched cost anything.
    let info = rt::program();
    let body = move || {
        rt::set_thread_program(info);
        // This thread is goroutine 1: it takes a proc token before any
        // Gossamer code (`init` included) runs.
        rt::sched::enter_main();
        let inst = Arc::new(Instance::new(module.clone()));
        native::set_instance(&inst);
        let mut thread = Thread::new(&inst, stack_words());
        if let Some(init) = module.init {
            thread.call(init, &[]);
        }
        let result = thread.call(module.main, &[]);
        let status = match module.main_result {
            Some(rty) => report_main_result(result, rty),
            None => 0,
        };
        rt::stdout_flush();
        // The process exits next (see above): its exit reclaims the
        // register stack, where an munmap now, with the other threads
        // alive, would interrupt every CPU they ran on to flush its TLB.
        std::mem::forget(thread);
        status
    };
    // Goroutine 1 runs on the calling thread, on a stack of its own: a
    // thread for it cost about 0.1 ms at start-up. Left
    // mapped for the exit to reclaim, as the register stack is.
    match rt::sched::on_own_stack(MAIN_NATIVE_STACK, false, body) {
        Ok(status) => status,
        // A Rust panic inside the VM or the runtime is a bug; its message
        // has been printed already, and 101 is Rust's status for it.
        Err(_) => 101,
    }
}

/// Native stack reserved for goroutine 1 (`main`).
/// Trade-off: depth of the runtime's recursion over nested values against
/// address space (reserved, not committed).
pub const MAIN_NATIVE_STACK: usize = 256 << 20;

/// For `main() -> Result<(), E>`: prints `Error: {e:?}` for an `Err(e)` and
/// returns 1, else 0.
fn report_main_result(result: u64, rty: gos_abi::TypeId) -> i32 {
    // SAFETY: `result` is a `Result` enum value of type `rty` (tag 1 = Err).
    unsafe {
        if rt::enum_tag(result) != 1 {
            return 0;
        }
        let ety = match rt::kind(rty) {
            TypeKind::Enum { variants, .. } => variants.get(1).and_then(|v| v.fields.first()).map(|f| f.1),
            _ => None,
        };
        let Some(ety) = ety else { return 1 };
        let mut out = b"Error: ".to_vec();
        rt::format_value(&mut out, rt::enum_field(result, 0), ety, &FormatSpec { debug: true, ..FormatSpec::default() });
        out.push(b'\n');
        rt::stdout_flush();
        rt::stderr_write(&out);
    }
    1
}
