//! Compiled code in a run: the table of native entry points and bodies,
//! the call counters that decide what the JIT compiles, and the `gos_`
//! functions compiled code calls (the runtime ABI of
//! `gos_abi::runtime_abi`, implemented once here for the JIT and for built
//! executables alike).
//!
//! Design. Every function of the module has two native symbols once
//! compiled: its *body* (the C calling convention, one word per parameter,
//! plus the caller's `site` for `#[track_caller]` functions) that compiled
//! code calls directly, and an *entry* adapter `entry(args, site)` reading
//! the parameters from an array, which the interpreter calls with the
//! arguments already in its registers. A call from the interpreter to a
//! function with an entry goes native; a compiled function never calls the
//! interpreter: the JIT compiles a function together with every function it
//! calls directly, and a closure call whose target has no body yet compiles
//! it first (`gos_compile_body`). So VM frames call native frames freely,
//! native frames only ever call native frames, and no interpreter state is
//! ever re-entered from below.
//!
//! Invariants: an entry or body, once installed, never changes (the code
//! stays mapped until the process ends), so readers need only an acquire
//! load; the program image (`Module`) and the run's [`Instance`] are set
//! once, before any compiled code runs.
//!
//! Rejected: calling back into the interpreter from compiled code (a
//! re-entrant `Thread` would alias the interpreter's `&mut` state across
//! the native call), and one uniform signature for every body (every call
//! would go through memory; the fixed-arity C convention keeps arguments in
//! registers, which is what makes `fib` fast).

use crate::bytecode::{Aux, Conv, Loc};
use crate::instance::Instance;
use crate::module::Module;
use crate::slow::exec_aux;
use gos_abi::{runtime_abi::rt_tables, TypeId};
use gos_runtime as rt;
use gos_runtime::Site;
use std::cmp::Ordering as Cmp;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// A compiled entry adapter: the parameters as an array of words, and the
/// caller's site (for `#[track_caller]` functions).
pub type EntryFn = unsafe extern "C" fn(args: *const u64, site: u64) -> u64;

/// Calls through the interpreter before a function is compiled.
/// Trade-off: compile time spent on functions that run only a few times
/// against time interpreted; Cranelift compiles a small function in tens
/// of microseconds, about a thousand interpreted calls of a small body.
pub const CALL_THRESHOLD: u32 = 1000;

/// Loop back-edges taken in one function before it is compiled and the
/// looping frame moves to compiled code.
pub const LOOP_THRESHOLD: u32 = 20_000;

/// Past the threshold, how many back-edges an interpreted frame of a
/// compiled function takes between asking for an on-stack replacement
/// (a map lookup under a lock).
pub const OSR_RETRY: u32 = 4096;

/// An on-stack-replacement entry: continues an interpreted frame `fp` in
/// compiled code at a loop head and returns the function's result.
pub type OsrFn = unsafe extern "C" fn(fp: *mut u64, site: u64) -> u64;

/// The compiler the interpreter asks for code (the driver installs the
/// Cranelift JIT; the VM knows nothing of it).
pub trait Jit: Send + Sync {
    /// Compiles function `f` and every function it calls directly that has
    /// no code yet, and installs them with [`install`].
    fn compile(&self, f: u32) -> Result<(), String>;

    /// Compiles an on-stack-replacement entry into function `f` at
    /// instruction `pc` (a loop head); returns its address ([`OsrFn`]).
    fn compile_osr(&self, f: u32, pc: u32) -> Result<usize, String>;
}

/// The native side of a run.
pub struct Native {

    module: Arc<Module>,
    entries: Box<[AtomicUsize]>,
    bodies: Box<[AtomicUsize]>,
    calls: Box<[AtomicU32]>,
    loops: Box<[AtomicU32]>,
    jit: Option<Box<dyn Jit>>,
    instance: OnceLock<Arc<Instance>>,
    osr: parking_lot::Mutex<std::collections::HashMap<(u32, u32), usize>>,
    /// [`CALL_THRESHOLD`] and [`LOOP_THRESHOLD`], or both set by
    /// `GOSSAMER_JIT_HOT`.
    call_threshold: u32,
    loop_threshold: u32,
}

/// `GOSSAMER_JIT_HOT=N`: compile a function at its N-th interpreted call
/// or N-th loop back-edge (tests use 2, to mix interpreted and compiled
/// frames as much as possible). A value that is not a positive number is
/// reported once and ignored.
fn hot_threshold_from_env() -> Option<u32> {
    let v = std::env::var("GOSSAMER_JIT_HOT").ok().filter(|v| !v.is_empty())?;
    match v.trim().parse::<u32>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            eprintln!("gossamer: GOSSAMER_JIT_HOT={v:?} is not a positive number; using the defaults");
            None
        }
    }
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let compiled = self.entries.iter().filter(|e| e.load(Ordering::Relaxed) != 0).count();
        write!(f, "Native {{ functions: {}, compiled: {compiled} }}", self.entries.len())
    }
}

static NATIVE: OnceLock<Native> = OnceLock::new();

/// The table of addresses compiled code reads (see `rt_tables` for the
/// layout); filled by [`set_instance`] before any compiled code runs.
#[no_mangle]
pub static gos_rt: [AtomicUsize; rt_tables::WORDS] = [const { AtomicUsize::new(0) }; rt_tables::WORDS];

/// Sets up native code for `module`: `jit` compiles on demand (none for a
/// built executable, whose code is all installed before it starts). Only
/// one module per process can have native code.
pub fn enable(module: Arc<Module>, jit: Option<Box<dyn Jit>>) -> Result<&'static Native, String> {
    let n = module.funcs.len();
    let words = |v: u32| (0..n).map(|_| AtomicU32::new(v)).collect::<Box<[_]>>();
    let hot = if jit.is_some() { hot_threshold_from_env() } else { None };
    let native = Native {
        entries: (0..n).map(|_| AtomicUsize::new(0)).collect(),
        bodies: (0..n).map(|_| AtomicUsize::new(0)).collect(),
        calls: words(0),
        loops: words(0),
        module,
        jit,
        instance: OnceLock::new(),
        osr: parking_lot::Mutex::new(std::collections::HashMap::new()),
        call_threshold: hot.unwrap_or(CALL_THRESHOLD),
        loop_threshold: hot.unwrap_or(LOOP_THRESHOLD),
    };
    NATIVE.set(native).map_err(|_| "native code is already enabled for another program".to_string())?;
    let native = NATIVE.get().expect("just set");
    gos_rt[rt_tables::BODIES as usize].store(native.bodies.as_ptr() as usize, Ordering::Release);
    gos_rt[rt_tables::ARRAY_LEN as usize].store(native.module.array_len.as_ptr() as usize, Ordering::Release);
    Ok(native)
}

/// The native side of this process's run, if it has one.
#[inline(always)]
pub fn get() -> Option<&'static Native> {
    NATIVE.get()
}

/// Makes function `f`'s compiled `entry` and `body` callable.
pub fn install(f: u32, entry: usize, body: usize) {
    if let Some(n) = NATIVE.get() {
        n.bodies[f as usize].store(body, Ordering::Release);
        n.entries[f as usize].store(entry, Ordering::Release);
    }
}

/// Called by `Instance::new`: publishes the run's tables to compiled code.
pub(crate) fn set_instance(inst: &Arc<Instance>) {
    let Some(n) = NATIVE.get() else { return };
    if !Arc::ptr_eq(&inst.module, &n.module) {
        return;
    }
    gos_rt[rt_tables::STRINGS as usize].store(inst.strings.as_ptr() as usize, Ordering::Release);
    gos_rt[rt_tables::UNIT_ENUMS as usize].store(inst.unit_enums.as_ptr() as usize, Ordering::Release);
    gos_rt[rt_tables::GLOBALS as usize].store(inst.globals_ptr() as usize, Ordering::Release);
    let _ = n.instance.set(inst.clone());
}

impl Native {
    /// The module whose code this is.
    pub fn module(&self) -> &Arc<Module> {
        &self.module
    }

    /// Function `f`'s entry adapter, if it is compiled.
    #[inline(always)]
    pub fn entry(&self, f: u32) -> Option<EntryFn> {
        let e = self.entries[f as usize].load(Ordering::Acquire);
        // SAFETY: only `install` stores nonzero values: entry adapters.
        (e != 0).then(|| unsafe { std::mem::transmute::<usize, EntryFn>(e) })
    }

    /// Whether function `f` has a compiled body.
    pub fn has_body(&self, f: u32) -> bool {
        self.bodies[f as usize].load(Ordering::Acquire) != 0
    }

    /// Counts an interpreted call of `f`; at the threshold, compiles it.
    /// Returns its entry if it has one now.
    #[cold]
    pub(crate) fn count_call(&self, f: u32) -> Option<EntryFn> {
        let c = &self.calls[f as usize];
        let n = c.load(Ordering::Relaxed).wrapping_add(1);
        c.store(n, Ordering::Relaxed);
        if n == self.call_threshold {
            self.compile(f);
            return self.entry(f);
        }
        None
    }

    /// Counts a taken loop back-edge to instruction `target` of `f`. At the
    /// threshold the function is compiled (it runs natively from its next
    /// call) and the frame that took the branch is handed an on-stack
    /// replacement entry for `target`; past it, frames still interpreting
    /// `f` (other goroutines, outer recursions) ask again every
    /// [`OSR_RETRY`] back-edges.
    #[inline]
    pub(crate) fn count_loop(&self, f: u32, target: u32) -> Option<OsrFn> {
        let c = &self.loops[f as usize];
        let n = c.load(Ordering::Relaxed).wrapping_add(1);
        c.store(n, Ordering::Relaxed);
        let t = self.loop_threshold;
        if n < t || (n != t && n % OSR_RETRY.min(t) != 0) {
            return None;
        }
        self.osr_entry(f, target)
    }

    #[cold]
    fn osr_entry(&self, f: u32, target: u32) -> Option<OsrFn> {
        let jit = self.jit.as_ref()?;
        self.compile(f);
        // The map's lock is never held while compiling: a goroutine waiting
        // for it is `Running`, and the compiling one, back from its
        // "system call", would wait for any collection, which would wait
        // for the first. Two goroutines may compile the same entry; the
        // first to finish is kept.
        let known = self.osr.lock().get(&(f, target)).copied();
        let addr = match known {
            Some(a) => a,
            None => {
                let a = match rt::sched::syscall(|| jit.compile_osr(f, target)) {
                    Ok(a) => a,
                    Err(e) => {
                        static ONCE: std::sync::Once = std::sync::Once::new();
                        ONCE.call_once(|| eprintln!("gossamer: jit: {e} (the loop stays interpreted)"));
                        0
                    }
                };
                *self.osr.lock().entry((f, target)).or_insert(a)
            }
        };
        // SAFETY: a nonzero address is an on-stack-replacement entry.
        (addr != 0).then(|| unsafe { std::mem::transmute::<usize, OsrFn>(addr) })
    }

    /// Compiles `f` with the JIT, if there is one and it has no code yet.
    /// A function the JIT cannot compile stays interpreted: the reason is
    /// printed once, since it is a compiler bug, not the program's.
    fn compile(&self, f: u32) {
        let Some(jit) = &self.jit else { return };
        if self.entry(f).is_some() {
            return;
        }
        // Compiling touches no Gossamer heap: the goroutine does it outside
        // `Running` (as a system call), so a collection need not wait for it.
        if let Err(e) = rt::sched::syscall(|| jit.compile(f)) {
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| eprintln!("gossamer: jit: {e} (the function stays interpreted)"));
        }
    }
}

fn native() -> &'static Native {
    match NATIVE.get() {
        Some(n) => n,
        None => rt::panic::fatal("compiled code ran without a program image"),
    }
}

/// `(function << 32) | instruction`: the site encoding of the ABI.
pub fn site_ref(func: u32, pc: usize) -> u64 {
    ((func as u64) << 32) | pc as u64
}

/// The site of operations that cannot fail (array repetition, formatting),
/// and of a site reference naming no function.
const NO_SITE: Site = Site { func: "?", line: 0, col: 0 };

/// The source position a site reference names.
pub fn decode_site(site: u64) -> Site {
    let m = &native().module;
    let fi = (site >> 32) as usize;
    let pc = site as u32 as usize;
    match m.funcs.get(fi) {
        Some(f) => {
            let loc = f.loc_at(pc);
            Site { func: f.name, line: loc.line, col: loc.col }
        }
        None => NO_SITE,
    }
}

/// The operation record `(function << 32) | aux index` names.
fn aux_record(aux: u64) -> (usize, &'static Aux) {
    let m = &native().module;
    let fi = (aux >> 32) as usize;
    match m.funcs.get(fi).and_then(|f| f.aux.get(aux as u32 as usize)) {
        Some(a) => (fi, a),
        None => rt::panic::fatal(&format!("compiled code names operation record {aux:#x}, which the program lacks")),
    }
}

/// Declares the exported functions of the runtime ABI and the list that
/// the ABI test compares with `gos_abi::RtFn::ALL`.
macro_rules! exports {
    ($( $(#[doc = $doc:literal])* fn $name:ident ( $($p:ident),* ) $(-> $r:ident)? $body:block )*) => {
        $(
            $(#[doc = $doc])*
            #[no_mangle]
            #[allow(unused_unsafe, clippy::missing_safety_doc)]
            pub unsafe extern "C" fn $name( $($p: u64),* ) $(-> $r)? { unsafe { $body } }
        )*

        /// `(symbol, address, parameter count, returns a word)` of every export.
        pub fn exports() -> Vec<(&'static str, usize, usize, bool)> {
            vec![$(
                (stringify!($name), $name as *const () as usize, <[&str]>::len(&[$(stringify!($p)),*]), false $(|| { let _ = stringify!($r); true })?),
            )*]
        }
    };
}

exports! {
    /// See `gos_abi::RtFn::Poll`.
    fn gos_poll() {
        rt::sched::native_poll()
    }
    fn gos_divide_by_zero(site) {
        rt::panic_at("runtime error: integer divide by zero", &decode_site(site))
    }
    fn gos_index_out_of_range(i, len, site) {
        rt::index_out_of_range(i as i64, len as i64, &decode_site(site))
    }
    fn gos_unreachable(site) {
        let s = decode_site(site);
        rt::panic::fatal(&format!("reached unreachable code in `{}` at line {}", s.func, s.line))
    }
    fn gos_compile_body(func) -> u64 {
        let n = native();
        if (func as usize) >= n.bodies.len() {
            crate::slow::bad_closure(func);
        }
        if !n.has_body(func as u32) {
            n.compile(func as u32);
        }
        let b = n.bodies[func as usize].load(Ordering::Acquire);
        if b == 0 {
            rt::panic::fatal(&format!("no compiled code for `{}`", n.module.funcs[func as usize].name));
        }
        b as u64
    }
    fn gos_go(clo) {
        let n = native();
        match n.instance.get() {
            Some(inst) => crate::go::spawn(inst, clo),
            None => rt::panic::fatal("`go` from compiled code before the run started"),
        }
    }
    fn gos_new_aggregate(ty, args, n) -> u64 {
        rt::new_aggregate(TypeId(ty as u32), words(args, n))
    }
    fn gos_new_enum(ty, tag, args, n) -> u64 {
        rt::new_enum(TypeId(ty as u32), tag, words(args, n))
    }
    fn gos_new_closure(ty, func, args, n) -> u64 {
        rt::new_closure(TypeId(ty as u32), func, words(args, n))
    }
    fn gos_array_repeat(aux, v) -> u64 {
        let (_, a) = aux_record(aux);
        let mut arg = v;
        exec_aux(a, &mut arg, &|| NO_SITE, &|_| NO_SITE)
    }
    fn gos_copy(v, ty) -> u64 {
        rt::copy(v, TypeId(ty as u32))
    }
    fn gos_clone(v, ty) -> u64 {
        rt::clone(v, TypeId(ty as u32))
    }
    fn gos_compare(kind, a, b, ty) -> u64 {
        let ty = TypeId(ty as u32);
        let r = match kind {
            0 => rt::eq(a, b, ty),
            1 => !rt::eq(a, b, ty),
            2 => rt::value::partial_cmp(a, b, ty) == Some(Cmp::Less),
            3 => matches!(rt::value::partial_cmp(a, b, ty), Some(Cmp::Less | Cmp::Equal)),
            4 => rt::value::partial_cmp(a, b, ty) == Some(Cmp::Greater),
            _ => matches!(rt::value::partial_cmp(a, b, ty), Some(Cmp::Greater | Cmp::Equal)),
        };
        r as u64
    }
    fn gos_concat(a, b) -> u64 {
        rt::str_concat(a, b)
    }
    fn gos_assign_in_place(dst, src, ty) {
        rt::assign_in_place(dst, src, TypeId(ty as u32))
    }
    fn gos_new_ref(kind, base, index) -> u64 {
        rt::new_ref(kind, base, index)
    }
    fn gos_snapshot_ref(v, pointer) -> u64 {
        let layout = if pointer != 0 { rt::heap::LAYOUT_PTRS } else { rt::heap::LAYOUT_RAW };
        let mut word = v;
        // The value is a root (in this frame's `word`) while the cell is made.
        rt::gc::with_rooted_words(1, |w| {
            w[0] = word;
            let cell = rt::alloc(layout, 1) as u64;
            rt::set_field(cell, 0, w[0]);
            word = rt::new_ref(rt::REF_WORD, cell, 0);
        });
        word
    }
    fn gos_ref_load(r, site) -> u64 {
        rt::ref_load(r, &decode_site(site))
    }
    fn gos_ref_store(r, v, site) {
        rt::ref_store(r, v, &decode_site(site))
    }
    fn gos_format(aux, args) -> u64 {
        let (_, a) = aux_record(aux);
        exec_aux(a, args as *mut u64, &|| NO_SITE, &|_| NO_SITE)
    }
    fn gos_intrinsic(aux, args, site) -> u64 {
        let (fi, a) = aux_record(aux);
        let m = &native().module;
        // The record's own position, unless the call site came from a
        // `#[track_caller]` function's caller (another function).
        let at = |loc: Loc| {
            if (site >> 32) as usize == fi {
                Site { func: m.funcs[fi].name, line: loc.line, col: loc.col }
            } else {
                decode_site(site)
            }
        };
        // Every record this function is called with is an intrinsic (map,
        // vector, string, channel operations: the commonest runtime call of
        // compiled code), so it goes straight to the natives rather than
        // through `exec_aux`'s match over every kind of record and its
        // site closures: the same work, in fewer indirect jumps.
        if let Aux::Intrinsic { op, arg_tys, ret, loc } = a {
            return rt::call_intrinsic(*op, words(args, arg_tys.len() as u64), arg_tys, *ret, &at(*loc));
        }
        exec_aux(a, args as *mut u64, &|| decode_site(site), &at)
    }
    fn gos_str_byte(s, i, site) -> u64 {
        let bytes = rt::strings::str_bytes(s);
        if i >= bytes.len() as u64 {
            rt::index_out_of_range(i as i64, bytes.len() as i64, &decode_site(site));
        }
        bytes[i as usize] as u64
    }
    fn gos_convert(conv, v) -> u64 {
        match Conv::from_code(conv as u16) {
            Some(c) => c.apply(v),
            None => rt::panic::fatal(&format!("compiled code asked for conversion {conv}")),
        }
    }
    fn gos_rem_f64(a, b) -> u64 {
        (f64::from_bits(a) % f64::from_bits(b)).to_bits()
    }
    fn gos_rem_f32(a, b) -> u64 {
        (f32::from_bits(a as u32) % f32::from_bits(b as u32)).to_bits() as u64
    }
}

/// The `n` words at `args`.
///
/// # Safety
/// `args` must point at `n` readable words (or `n` be 0).
unsafe fn words<'a>(args: u64, n: u64) -> &'a [u64] {
    if n == 0 {
        return &[];
    }
    std::slice::from_raw_parts(args as *const u64, n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gos_abi::RtFn;

    /// The runtime's exports and the ABI table name the same functions
    /// with the same arities and results.
    #[test]
    fn exports_match_the_abi_table() {
        let exported = exports();
        for f in RtFn::ALL {
            let Some(&(_, addr, arity, returns)) = exported.iter().find(|e| e.0 == f.symbol()) else {
                panic!("{} is in the ABI table but not exported", f.symbol());
            };
            assert_ne!(addr, 0);
            assert_eq!(arity, f.params().len(), "{}: parameter count", f.symbol());
            assert_eq!(returns, f.returns(), "{}: result", f.symbol());
        }
        for (name, ..) in &exported {
            assert!(RtFn::ALL.iter().any(|f| f.symbol() == *name), "{name} is exported but not in the ABI table");
        }
        assert_eq!(exported.len(), RtFn::ALL.len());
    }
}
