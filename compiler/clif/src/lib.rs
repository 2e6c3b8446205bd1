//! The Cranelift backend: the VM's validated bytecode to machine code, in
//! memory for the JIT of `gossamer run` ([`JitCompiler`]) and as an object
//! file for `gossamer build` ([`compile_object`]).
//!
//! Why from bytecode and not from the IR (design/backends.md): the bytecode
//! is the IR after every decision that is not about the machine has been
//! made once (registers for locals and temporaries, typed opcodes,
//! patterns and loops as branches, aggregates as operation records), and a
//! register maps to a Cranelift variable one to one; lowering it again from
//! the IR would duplicate the bytecode compiler's 2,000 lines and every
//! subtle decision in them, which is exactly where tiers drift apart. The
//! JIT also needs the bytecode's function indices and instruction
//! positions anyway, to call compiled code from interpreted frames and to
//! report panics at the same lines.
//!
//! Per function the backend emits a *body* (C calling convention, one word
//! per parameter, plus the caller's site for `#[track_caller]` functions)
//! and an *entry* adapter `entry(args, site)` for the interpreter and the
//! runtime (see `gos_vm::native`). Runtime calls go through the ABI table
//! `gos_abi::RtFn` and nothing else; the run's tables (string literals,
//! globals, closure bodies) are read through the runtime's `gos_rt`.

mod translate;

use cranelift_codegen::ir::{types, AbiParam, InstBuilder, MemFlagsData, Signature, UserFuncName};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, DataDescription, DataId, FuncId, Linkage, Module as ClifModule};
use cranelift_object::{ObjectBuilder, ObjectModule};
use gos_abi::runtime_abi::rt_tables;
use gos_abi::RtFn;
use gos_vm::bytecode::Function;
use gos_vm::Module;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use translate::body_signature;
/// Analyses of the bytecode that every backend makes the same way (the
/// LLVM backend uses them too, so both tiers agree on what a float
/// register, a block leader and a calling loop are).
pub mod analysis {
    pub use crate::translate::{accumulating_tail_calls, branch_target, calls_out, float_registers, inline_i64vec, is_inline_math, leaves_compiled_code, reaches_runtime, sc_fence_point, sc_store_pending};
}

/// What the translator needs to know of the target.
#[derive(Clone, Copy)]
pub struct Target {
    pub call_conv: CallConv,
}

/// The symbols a compilation refers to: runtime functions and data, and
/// the program's bodies and entries declared so far.
pub struct Decls {
    pub rt: HashMap<RtFn, FuncId>,
    pub rt_table: DataId,
    pub poll_word: DataId,
    /// `gos_poll` behind a function that preserves every register: the
    /// polls in loops call it, so that their (cold) call does not force
    /// the loop's values out of caller-saved registers (all float
    /// registers are caller-saved).
    pub poll_tramp: FuncId,
    pub bodies: Vec<Option<FuncId>>,
    pub entries: Vec<Option<FuncId>>,
    /// `analysis::reaches_runtime` of the module: where polls are needed.
    pub reaches: Vec<bool>,
    /// The program's types (which intrinsics take f64).
    pub types: Vec<gos_abi::TypeKind>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A symbol-safe rendering of a function's name, for profiles and
/// debuggers (`gos.f12.Stack_i64_::push`).
pub fn symbol_name(prefix: &str, idx: usize, name: &str) -> String {
    let clean: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == ':' { c } else { '_' }).collect();
    format!("gos.{prefix}{idx}.{clean}")
}

/// The ISA for the host, with Cranelift's optimisations on.
fn host_isa(pic: bool) -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").map_err(err)?;
    flags.set("is_pic", if pic { "true" } else { "false" }).map_err(err)?;
    // Stack probes: compiled frames are small and fixed, and the thread's
    // guard page reports an overflow.
    flags.set("enable_probestack", "false").map_err(err)?;
    // Functions start on 32-byte boundaries, as x64's preferred alignment:
    // with Cranelift's default of 1 byte, where a small hot function landed
    // decided its speed (the same `fib` body ran 18 or 31 ms depending on
    // the code placed before it).
    flags.set("log2_min_function_alignment", "5").map_err(err)?;
    let isa = cranelift_native::builder().map_err(|e| format!("host machine is not supported: {e}"))?;
    isa.finish(settings::Flags::new(flags)).map_err(err)
}

fn declare_runtime<M: ClifModule>(m: &mut M, module: &Module) -> Result<Decls, String> {
    let funcs = module.funcs();
    let n = funcs.len();
    let cc = m.isa().default_call_conv();
    let mut rt = HashMap::new();
    for &f in RtFn::ALL {
        let mut sig = Signature::new(cc);
        for _ in f.params() {
            sig.params.push(AbiParam::new(types::I64));
        }
        if f.returns() {
            sig.returns.push(AbiParam::new(types::I64));
        }
        let id = m.declare_function(f.symbol(), Linkage::Import, &sig).map_err(err)?;
        rt.insert(f, id);
    }
    let rt_table = m.declare_data(rt_tables::SYMBOL, Linkage::Import, false, false).map_err(err)?;
    let poll_word = m.declare_data(rt_tables::POLL_SYMBOL, Linkage::Import, true, false).map_err(err)?;
    let poll_tramp = m.declare_function("gos.poll_preserving", Linkage::Local, &Signature::new(CallConv::PreserveAll)).map_err(err)?;
    Ok(Decls { rt, rt_table, poll_word, poll_tramp, bodies: vec![None; n], entries: vec![None; n], reaches: translate::reaches_runtime(funcs, module.types()), types: module.types().to_vec() })
}

/// Defines the register-preserving poll trampoline (see `Decls::poll_tramp`).
fn define_poll_tramp<M: ClifModule>(m: &mut M, decls: &Decls, ctx: &mut Context, fctx: &mut FunctionBuilderContext) -> Result<(), String> {
    m.clear_context(ctx);
    ctx.func.signature = Signature::new(CallConv::PreserveAll);
    ctx.func.name = UserFuncName::user(2, 0);
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let blk = b.create_block();
        b.switch_to_block(blk);
        let poll = m.declare_func_in_func(decls.rt[&RtFn::Poll], b.func);
        b.ins().call(poll, &[]);
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize(m.target_config());
    }
    m.define_function(decls.poll_tramp, ctx).map_err(|e| format!("poll trampoline: {}", describe(&e)))
}

fn entry_signature(cc: CallConv) -> Signature {
    let mut sig = Signature::new(cc);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// Declares function `f`'s body and entry.
fn declare_function<M: ClifModule>(m: &mut M, decls: &mut Decls, funcs: &[Function], f: usize, linkage: Linkage) -> Result<(), String> {
    if decls.bodies[f].is_some() {
        return Ok(());
    }
    let cc = m.isa().default_call_conv();
    let name = funcs[f].name;
    let body = m.declare_function(&symbol_name("f", f, name), linkage, &body_signature(cc, &funcs[f])).map_err(err)?;
    let entry = m.declare_function(&symbol_name("e", f, name), linkage, &entry_signature(cc)).map_err(err)?;
    decls.bodies[f] = Some(body);
    decls.entries[f] = Some(entry);
    Ok(())
}

/// Defines function `f`'s body and entry (declared, with every direct
/// callee declared too).
/// Returns the size of the body's machine code, in bytes.
fn define_function<M: ClifModule>(
    m: &mut M,
    decls: &Decls,
    funcs: &[Function],
    f: usize,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<usize, String> {
    let cc = m.isa().default_call_conv();
    let target = Target { call_conv: cc };
    let func = &funcs[f];
    let body_id = decls.bodies[f].expect("declared");
    let entry_id = decls.entries[f].expect("declared");

    m.clear_context(ctx);
    ctx.func.signature = body_signature(cc, func);
    ctx.func.name = UserFuncName::user(0, f as u32);
    {
        let b = FunctionBuilder::new(&mut ctx.func, fctx);
        translate::Translator::new(b, m, decls, target, funcs, f as u32).translate();
    }
    // `GOSSAMER_DUMP_ASM=<name>`: print the machine code of the bodies
    // whose name contains <name> (for backend development).
    let dump = std::env::var("GOSSAMER_DUMP_ASM").ok().filter(|n| !n.is_empty() && func.name.contains(n.as_str()));
    ctx.set_disasm(dump.is_some());
    m.define_function(body_id, ctx).map_err(|e| format!("`{}`: {}", func.name, describe(&e)))?;
    let body_size = ctx.compiled_code().map(|c| c.code_info().total_size as usize).unwrap_or(0);
    if dump.is_some() {
        if let Some(code) = ctx.compiled_code().and_then(|c| c.vcode.as_ref()) {
            eprintln!("; {}\n{code}", func.name);
        }
    }

    // The entry adapter: parameters from an array, then the body.
    m.clear_context(ctx);
    ctx.func.signature = entry_signature(cc);
    ctx.func.name = UserFuncName::user(1, f as u32);
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let blk = b.create_block();
        b.append_block_params_for_function_params(blk);
        b.switch_to_block(blk);
        let (args, site) = (b.block_params(blk)[0], b.block_params(blk)[1]);
        let mut vals = Vec::new();
        for i in 0..func.params {
            vals.push(b.ins().load(types::I64, MemFlagsData::trusted(), args, (i * 8) as i32));
        }
        if func.track_caller {
            vals.push(site);
        }
        let callee = m.declare_func_in_func(body_id, b.func);
        let call = b.ins().call(callee, &vals);
        let r = b.inst_results(call)[0];
        b.ins().return_(&[r]);
        b.seal_all_blocks();
        b.finalize(m.target_config());
    }
    m.define_function(entry_id, ctx).map_err(|e| format!("entry of `{}`: {}", func.name, describe(&e)))?;
    Ok(body_size)
}

fn describe(e: &cranelift_module::ModuleError) -> String {
    match e {
        cranelift_module::ModuleError::Compilation(c) => format!("{c:?}"),
        other => other.to_string(),
    }
}

/// The functions `f` calls directly (not through closures).
fn direct_callees(f: &Function) -> impl Iterator<Item = usize> + '_ {
    f.code.iter().filter_map(|ins| match ins {
        gos_vm::Instr::Call { f, .. } => Some(f.0 as usize),
        _ => None,
    })
}

/// Compiles a whole module to a relocatable object for `gossamer build`:
/// every function's body and entry, the program image `image` (the
/// serialised module) as `gos_module_bytes`/`gos_module_len`, and the
/// table `gos_entry_table` (every entry, then every body, then every
/// body's size in bytes: three words per function) that the runtime's
/// `main` hands to `gos_vm::run_aot`.
pub fn compile_object(module: &Module, image: &[u8]) -> Result<Vec<u8>, String> {
    compile_object_with(module, image, &[])
}

/// [`compile_object`] for a build that another backend shares: function
/// `f` with `elsewhere[f] = Some(size)` is defined by another object
/// linked into the same executable (the LLVM tier, under the symbols of
/// [`symbol_name`]; `size` is its body's size in bytes), so this object
/// only refers to it, and defines the others with hidden global symbols
/// for that object to call. An empty `elsewhere` compiles everything here.
pub fn compile_object_with(module: &Module, image: &[u8], elsewhere: &[Option<usize>]) -> Result<Vec<u8>, String> {
    let isa = host_isa(true)?;
    let builder = ObjectBuilder::new(isa, "gossamer_program", default_libcall_names()).map_err(err)?;
    let mut m = ObjectModule::new(builder);
    let funcs = module.funcs();
    let n = funcs.len();
    let external = |f: usize| elsewhere.get(f).copied().flatten();
    let mut decls = declare_runtime(&mut m, module)?;
    for f in 0..n {
        let linkage = match (external(f), elsewhere.is_empty()) {
            (Some(_), _) => Linkage::Import,
            (None, true) => Linkage::Local,
            (None, false) => Linkage::Hidden,
        };
        declare_function(&mut m, &mut decls, funcs, f, linkage)?;
    }
    let mut ctx = m.make_context();
    let mut fctx = FunctionBuilderContext::new();
    define_poll_tramp(&mut m, &decls, &mut ctx, &mut fctx)?;
    let mut sizes = Vec::with_capacity(n);
    for f in 0..n {
        sizes.push(match external(f) {
            Some(size) => size,
            None => define_function(&mut m, &decls, funcs, f, &mut ctx, &mut fctx)?,
        });
    }

    let mut define = |name: &str, bytes: Vec<u8>, relocs: &[(usize, FuncId)]| -> Result<(), String> {
        let id = m.declare_data(name, Linkage::Export, false, false).map_err(err)?;
        let mut d = DataDescription::new();
        d.define(bytes.into_boxed_slice());
        d.set_align(8);
        for &(off, fid) in relocs {
            let fr = m.declare_func_in_data(fid, &mut d);
            d.write_function_addr(off as u32, fr);
        }
        m.define_data(id, &d).map_err(err)
    };
    define("gos_module_bytes", image.to_vec(), &[])?;
    define("gos_module_len", (image.len() as u64).to_le_bytes().to_vec(), &[])?;
    let mut relocs = Vec::with_capacity(2 * n);
    for f in 0..n {
        relocs.push((f * 8, decls.entries[f].expect("declared")));
        relocs.push(((n + f) * 8, decls.bodies[f].expect("declared")));
    }
    // Third part: each body's size, for the preemption signal's handler.
    let mut table = vec![0u8; 24 * n];
    for (f, &size) in sizes.iter().enumerate() {
        table[(2 * n + f) * 8..(2 * n + f + 1) * 8].copy_from_slice(&(size as u64).to_le_bytes());
    }
    define("gos_entry_table", table, &relocs)?;
    let product = m.finish();
    product.emit().map_err(err)
}

/// Address space reserved for the JIT's code. Trade-off: the largest
/// program the JIT can compile against address space (reserved only);
/// relative calls reach ±2 GiB, so it must stay below that.
const JIT_CODE_RESERVE: usize = 1 << 30;

/// The JIT of `gossamer run`: compiles functions on request (the
/// interpreter's counters decide, see `gos_vm::native`) or all at once.
pub struct JitCompiler {
    state: Mutex<JitState>,
}

struct JitState {
    m: JITModule,
    decls: Decls,
    module: Arc<Module>,
    ctx: Context,
    fctx: FunctionBuilderContext,
    /// Functions with code installed.
    done: Vec<bool>,
    /// On-stack-replacement entries compiled so far, by (function, loop
    /// head): goroutines running the same loop may ask for the same entry
    /// at once (the interpreter does not lock its table across a compile),
    /// and the second must get the first's code, not a duplicate symbol.
    osr: HashMap<(u32, u32), usize>,
}

// SAFETY: the JIT module owns its code memory and is only used under the
// mutex; the raw pointers it holds are to memory it allocated itself.
unsafe impl Send for JitState {}

impl JitCompiler {
    /// A JIT for `module`, resolving runtime symbols to this process's
    /// exports.
    pub fn new(module: Arc<Module>) -> Result<JitCompiler, String> {
        let isa = host_isa(false)?;
        let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
        // All compiled code in one reserved region, so that the 32-bit
        // relative calls between compiled functions always reach (the
        // default allocator maps code wherever the system puts it, and a
        // later batch can land more than 2 GiB from an earlier one).
        // Reserved, not committed: pages cost memory as code fills them.
        let arena = cranelift_jit::ArenaMemoryProvider::new_with_size(JIT_CODE_RESERVE)
            .map_err(|e| format!("cannot reserve {JIT_CODE_RESERVE} bytes for compiled code: {e}"))?;
        builder.memory_provider(Box::new(arena));
        for (name, addr, ..) in gos_vm::native::exports() {
            builder.symbol(name, addr as *const u8);
        }
        builder.symbol(rt_tables::SYMBOL, gos_vm::native::gos_rt.as_ptr() as *const u8);
        builder.symbol(rt_tables::POLL_SYMBOL, &gos_runtime::sched::gos_poll_word as *const _ as *const u8);
        let mut m = JITModule::new(builder);
        let n = module.funcs().len();
        let decls = declare_runtime(&mut m, &module)?;
        let mut ctx = m.make_context();
        let mut fctx = FunctionBuilderContext::new();
        define_poll_tramp(&mut m, &decls, &mut ctx, &mut fctx)?;
        Ok(JitCompiler {
            state: Mutex::new(JitState { m, decls, module, ctx, fctx, done: vec![false; n], osr: HashMap::new() }),
        })
    }

    /// Compiles every function (`gossamer run --jit`).
    pub fn compile_all(&self) -> Result<(), String> {
        let n = self.state.lock().map_err(err)?.done.len();
        self.compile_set((0..n).collect())
    }

    /// Compiles `roots` and every function they call directly that has no
    /// code yet, in one batch.
    fn compile_set(&self, roots: Vec<usize>) -> Result<(), String> {
        let mut st = self.state.lock().map_err(|_| "the JIT failed earlier".to_string())?;
        let st = &mut *st;
        let module = st.module.clone();
        let funcs = module.funcs();
        let mut todo = Vec::new();
        let mut seen = vec![false; funcs.len()];
        let mut stack: Vec<usize> = roots.into_iter().filter(|&f| f < funcs.len()).collect();
        while let Some(f) = stack.pop() {
            if seen[f] || st.done[f] {
                continue;
            }
            seen[f] = true;
            todo.push(f);
            stack.extend(direct_callees(&funcs[f]));
        }
        if todo.is_empty() {
            return Ok(());
        }
        for &f in &todo {
            declare_function(&mut st.m, &mut st.decls, funcs, f, Linkage::Local)?;
        }
        let mut sizes = Vec::with_capacity(todo.len());
        for &f in &todo {
            sizes.push(define_function(&mut st.m, &st.decls, funcs, f, &mut st.ctx, &mut st.fctx)?);
        }
        st.m.finalize_definitions().map_err(err)?;
        for (&f, &size) in todo.iter().zip(&sizes) {
            let entry = st.m.get_finalized_function(st.decls.entries[f].expect("declared"));
            let body = st.m.get_finalized_function(st.decls.bodies[f].expect("declared"));
            st.done[f] = true;
            gos_runtime::sched::preempt::register_code(body as usize, size);
            gos_vm::native::install(f as u32, entry as usize, body as usize);
        }
        Ok(())
    }
}

impl JitCompiler {
    /// An on-stack-replacement entry into `f` at loop head `pc` (see
    /// `gos_vm::native::OsrFn`); `f` itself is compiled first.
    pub fn compile_osr(&self, f: u32, pc: u32) -> Result<usize, String> {
        self.compile_set(vec![f as usize])?;
        let mut st = self.state.lock().map_err(|_| "the JIT failed earlier".to_string())?;
        let st = &mut *st;
        if let Some(&addr) = st.osr.get(&(f, pc)) {
            return Ok(addr);
        }
        let module = st.module.clone();
        let funcs = module.funcs();
        let Some(func) = funcs.get(f as usize) else { return Err(format!("no function {f}")) };
        let leads_loop = func.code.iter().any(|ins| matches!(translate::branch_target(ins), (_, Some(t)) if t == pc));
        if !leads_loop {
            return Err(format!("instruction {pc} of `{}` is not a branch target", func.name));
        }
        let cc = st.m.isa().default_call_conv();
        let id = st.m.declare_function(&symbol_name(&format!("o{pc}_"), f as usize, func.name), Linkage::Local, &entry_signature(cc)).map_err(err)?;
        st.m.clear_context(&mut st.ctx);
        st.ctx.func.signature = entry_signature(cc);
        st.ctx.func.name = UserFuncName::user(3, f);
        {
            let b = FunctionBuilder::new(&mut st.ctx.func, &mut st.fctx);
            translate::Translator::new(b, &mut st.m, &st.decls, Target { call_conv: cc }, funcs, f).osr_at(pc).translate();
        }
        st.m.define_function(id, &mut st.ctx).map_err(|e| format!("`{}` at {pc}: {}", func.name, describe(&e)))?;
        let size = st.ctx.compiled_code().map(|c| c.code_info().total_size as usize).unwrap_or(0);
        st.m.finalize_definitions().map_err(err)?;
        let addr = st.m.get_finalized_function(id) as usize;
        gos_runtime::sched::preempt::register_code(addr, size);
        st.osr.insert((f, pc), addr);
        Ok(addr)
    }
}

impl gos_vm::native::Jit for JitCompiler {
    fn compile(&self, f: u32) -> Result<(), String> {
        self.compile_set(vec![f as usize])
    }
    fn compile_osr(&self, f: u32, pc: u32) -> Result<usize, String> {
        JitCompiler::compile_osr(self, f, pc)
    }
}

/// A JIT shared with the interpreter (which holds it as `Box<dyn Jit>`).
pub struct SharedJit(pub Arc<JitCompiler>);

impl gos_vm::native::Jit for SharedJit {
    fn compile(&self, f: u32) -> Result<(), String> {
        self.0.compile_set(vec![f as usize])
    }
    fn compile_osr(&self, f: u32, pc: u32) -> Result<usize, String> {
        self.0.compile_osr(f, pc)
    }
}
