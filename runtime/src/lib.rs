//! The Gossamer runtime: heap objects and their layouts, allocation, the
//! natives behind every `gos_abi::Intrinsic`, value formatting, the shared
//! stdout buffer and Go-style panics, and concurrency: goroutines as OS
//! threads (`sched`), channels and `select` (`chan`), and wait groups,
//! mutexes, atomics and `I64Vec` (`sync`).
//!
//! The runtime knows nothing of the compiler or the VM: its only input about
//! a program is the type table (`gos_abi::TypeKind` indexed by `TypeId`), the
//! source file's name (for panic reports) and the program's arguments, all
//! handed over once by [`init`]. Every value is one 64-bit word (see the
//! `gos-ir` module docs); heap objects are `*mut u64` pointing at an 8-byte
//! header, cast to `u64` when stored in a word.
//!
//! Program state lives in one leaked [`ProgramInfo`] published through a
//! global `OnceLock`, so the hot read ([`types`]) is a plain load. A process
//! normally runs one program; so that test harnesses can run several programs
//! in one process, a later [`init`] installs its program for the calling
//! thread only (a thread-local override that [`types`] consults first, and
//! that the goroutine spawner will hand to the threads it starts). The
//! rejected alternative, a global that each `init` replaces, would make
//! concurrently running tests read each other's type tables.

// The runtime's own Rust allocations (job boxes, wait cells, registry
// records, formatting buffers) go to the allocator chosen by a cargo
// feature, the system allocator by default (docs/performance.md, "Memory
// under concurrency", has the measurements behind the default). Declared
// here, in the library, so that `gossamer` and every executable linked with
// the runtime library get the same one.
#[cfg(all(feature = "mimalloc", feature = "jemalloc"))]
compile_error!("gos-runtime: the `mimalloc` and `jemalloc` features choose one allocator each; turn on at most one");
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(all(feature = "jemalloc", not(feature = "mimalloc")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

pub mod chan;
pub mod fmt;
pub mod gc;
pub mod heap;
pub mod map;
pub mod natives;
pub mod object;
pub mod panic;
pub mod sched;
pub mod stdout;
pub mod strings;
pub mod sync;
pub mod trace;
pub mod value;
pub mod vec;

#[cfg(test)]
mod bench_tests;
#[cfg(test)]
mod testutil;

pub use fmt::format_value;
pub use heap::alloc;
pub use natives::{call_intrinsic, Site};
pub use object::*;
pub use panic::{exit, panic_at};
pub use stdout::{stderr_write, stdout_flush, stdout_write};
pub use strings::{str_as_str, str_concat, str_from};
pub use value::{assign_in_place, clone, cmp, copy, eq};

use gos_abi::{TypeId, TypeKind};
use std::cell::Cell;
use std::sync::OnceLock;

/// What the runtime knows about the running program.
#[derive(Debug)]
pub struct ProgramInfo {
    /// The type table, indexed by `TypeId`.
    pub types: Vec<TypeKind>,
    /// The source file's name as given on the command line (for panics).
    pub file: String,
    /// The program's own arguments, without the program name.
    pub args: Vec<String>,
    /// One shared `None` (tag-only enum object) per Option type, made on
    /// first use: enums are immutable, so sharing is invisible, and it
    /// saves an allocation on every `get` miss, `pop` of an empty vector
    /// and `insert` of a new key. The collector treats these as roots.
    pub(crate) unit_variants: Vec<std::sync::atomic::AtomicU64>,
    /// How a value copy of each type is made ([`value::CopyPlan`]), decided
    /// once here so that the copy every aggregate read out of a place costs
    /// does not walk the type's fields each time.
    pub(crate) copy_plans: Vec<value::CopyPlan>,
}

static PROGRAM: OnceLock<&'static ProgramInfo> = OnceLock::new();

thread_local! {
    /// A program installed for this thread by a second `init` in the same
    /// process (test harnesses); `None` means "use the global one".
    static THREAD_PROGRAM: Cell<Option<&'static ProgramInfo>> = const { Cell::new(None) };
}

/// An empty program, used before `init` (and by code that formats scalars
/// only), so that nothing in the runtime has to handle "not initialised".
static EMPTY: ProgramInfo =
    ProgramInfo { types: Vec::new(), file: String::new(), args: Vec::new(), unit_variants: Vec::new(), copy_plans: Vec::new() };

/// Installs the program's type table, file name and arguments. Call once
/// before running the program. A second call in the same process installs
/// the new program for the calling thread (and, later, the goroutines it
/// starts) without disturbing threads that run the first one.
pub fn init(types: Vec<TypeKind>, file: String, args: Vec<String>) {
    let unit_variants = (0..types.len()).map(|_| std::sync::atomic::AtomicU64::new(0)).collect();
    let copy_plans = value::copy_plans(&types);
    let info: &'static ProgramInfo = Box::leak(Box::new(ProgramInfo { types, file, args, unit_variants, copy_plans }));
    if PROGRAM.set(info).is_err() {
        THREAD_PROGRAM.with(|p| p.set(Some(info)));
    } else {
        // The first program is global; clear a stale override on this thread.
        THREAD_PROGRAM.with(|p| p.set(None));
        if gc::enabled() {
            gc::install_program();
        }
        // Whatever path ends the process through libc's `exit` (our `exit`,
        // a client's `std::process::exit`, `main` returning), buffered
        // output is written first.
        extern "C" fn flush_at_exit() {
            stdout::stdout_flush();
        }
        // SAFETY: registering a plain `extern "C"` function is always sound.
        unsafe { libc::atexit(flush_at_exit) };
    }
}

/// The running program (the calling thread's override, else the global one).
#[inline]
pub fn program() -> &'static ProgramInfo {
    if let Some(p) = THREAD_PROGRAM.with(|p| p.get()) {
        return p;
    }
    PROGRAM.get().copied().unwrap_or(&EMPTY)
}

/// Makes `info` the program of the calling thread (used when a goroutine
/// thread starts, so that it sees its parent's program).
pub fn set_thread_program(info: &'static ProgramInfo) {
    THREAD_PROGRAM.with(|p| p.set(Some(info)));
}

/// The program's type table, indexed by `TypeId`.
#[inline]
pub fn types() -> &'static [TypeKind] {
    &program().types
}

/// The kind of type `ty` in the running program's table. An id outside the
/// table is a broken program (a compiler bug), reported as a fatal error.
#[inline]
pub fn kind(ty: TypeId) -> &'static TypeKind {
    match types().get(ty.index()) {
        Some(k) => k,
        None => panic::fatal(&format!("runtime: type id {} is not in the program's type table", ty.0)),
    }
}
