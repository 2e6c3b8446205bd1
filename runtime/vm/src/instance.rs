//! One run of a module: the state that every goroutine of the run shares.
//!
//! The [`Module`] is immutable code; an [`Instance`] adds what exists only
//! while the program runs: the string literals materialised as runtime
//! string objects (created once, so a literal in a loop costs a register
//! load, not an allocation), the fieldless enum values likewise, and the
//! global variables. Goroutines share one `Instance` (by `Arc`, see
//! `go.rs`), each with its own `Thread`.
//!
//! Globals are `AtomicU64` accessed with `Relaxed` ordering: on the targets
//! we support that is a plain load or store, and it turns a data race on a
//! global (which the language leaves unspecified) into a stale value instead
//! of undefined behaviour. Rejected: a `Mutex` (a lock per global access)
//! and `static mut` (races would be UB).
//!
//! All three tables are roots for the collector (registered as root
//! ranges for the instance's lifetime): the literal objects must never be
//! freed, and globals may hold pointers. The tables' buffers never move
//! after `new` (they are not resized), so the ranges stay valid.

use crate::module::Module;
use gos_runtime as rt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The shared state of one run.
#[derive(Debug)]
pub struct Instance {
    pub module: Arc<Module>,
    /// `strings[i]` is the string object of literal `i`.
    pub(crate) strings: Vec<u64>,
    /// `unit_enums[i]` is the object of the module's fieldless enum value `i`.
    pub(crate) unit_enums: Vec<u64>,
    globals: Box<[AtomicU64]>,
    /// The run's compiled code, if native code is enabled for this module.
    pub(crate) native: Option<&'static crate::native::Native>,
    _roots: [rt::gc::RootRange; 3],
}

impl Instance {
    /// Materialises the literals of `module`. The runtime must have been
    /// initialised (`gos_runtime::init`) on this thread.
    pub fn new(module: Arc<Module>) -> Instance {
        // Each table is registered before it is filled, so that a
        // collection triggered by making one literal keeps the others.
        let mut strings = vec![0u64; module.strings.len()];
        let r1 = rt::gc::RootRange::new(strings.as_ptr(), strings.len());
        for (slot, s) in strings.iter_mut().zip(&module.strings) {
            *slot = rt::str_from(s);
        }
        let mut unit_enums = vec![0u64; module.unit_enums.len()];
        let r2 = rt::gc::RootRange::new(unit_enums.as_ptr(), unit_enums.len());
        for (slot, &(ty, tag)) in unit_enums.iter_mut().zip(&module.unit_enums) {
            // SAFETY: validated: each entry names a fieldless variant of an enum.
            *slot = unsafe { rt::new_enum(ty, tag as u64, &[]) };
        }
        let globals: Box<[AtomicU64]> = (0..module.globals).map(|_| AtomicU64::new(0)).collect();
        let r3 = rt::gc::RootRange::new(globals.as_ptr() as *const u64, globals.len());
        let native = crate::native::get().filter(|n| Arc::ptr_eq(n.module(), &module));
        Instance { module, strings, unit_enums, globals, native, _roots: [r1, r2, r3] }
    }

    #[inline(always)]
    pub(crate) fn load_global(&self, g: u32) -> u64 {
        // SAFETY: validated: every global operand is below `module.globals`.
        unsafe { self.globals.get_unchecked(g as usize).load(Ordering::Relaxed) }
    }

    #[inline(always)]
    pub(crate) fn store_global(&self, g: u32, v: u64) {
        // SAFETY: as in `load_global`.
        unsafe { self.globals.get_unchecked(g as usize).store(v, Ordering::Relaxed) }
    }

    /// The global words, for compiled code (`gos_rt`).
    pub(crate) fn globals_ptr(&self) -> *const AtomicU64 {
        self.globals.as_ptr()
    }

    /// The current value of global `g` (for tests and tools).
    pub fn global(&self, g: u32) -> Option<u64> {
        self.globals.get(g as usize).map(|w| w.load(Ordering::Relaxed))
    }
}
