//! The LLVM backend of `gossamer build --release`: the VM's validated
//! bytecode, function by function, to LLVM IR (through `inkwell`, against
//! the system's LLVM 19), optimised with LLVM's `default<O3>` pipeline for
//! the host CPU (`-mcpu=native`: the host's name and features), written as
//! one relocatable object.
//!
//! It lowers the same bytecode as the Cranelift backend (`gos_clif`), with
//! the same runtime calls (the ABI table `gos_abi::RtFn`), the same sites
//! (so panics name the same lines), the same entry adapters and the same
//! symbols (`gos_clif::symbol_name`). That is what makes the per-function
//! fallback possible: a function this backend does not compile is compiled
//! by Cranelift into a second object, both are linked into one executable,
//! and calls between them are plain calls between hidden global symbols.
//! The Cranelift object also carries the program image and the entry
//! table, with the body sizes this backend reads back from the symbols of
//! the object LLVM wrote (see `design/backends.md`).
//!
//! A function falls back when it is larger than [`Options::max_instrs`]
//! bytecode instructions (LLVM's optimiser is superlinear in a function's
//! size; Cranelift is not), when the translation finds something it cannot
//! lower, or when LLVM's verifier rejects what was generated (a backend
//! bug, which then costs speed instead of the build).

pub mod promote;
pub mod ranges;
mod translate;

use gos_abi::runtime_abi::rt_tables;
use gos_abi::RtFn;
use gos_clif::symbol_name;
use gos_vm::bytecode::Function;
use gos_vm::Module;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::context::Context;
use inkwell::module::{Linkage, Module as LlvmModule};
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine};
use inkwell::types::BasicMetadataTypeEnum;
use inkwell::values::{BasicMetadataValueEnum, FunctionValue, GlobalValue};
use inkwell::{AddressSpace, GlobalVisibility, OptimizationLevel};
use std::collections::HashMap;

/// Functions larger than this many bytecode instructions are left to
/// Cranelift unless `GOSSAMER_LLVM_MAX_INSTRS` says otherwise.
pub const DEFAULT_MAX_INSTRS: usize = 10_000;

/// What the build may be told.
#[derive(Clone, Debug)]
pub struct Options {
    /// The largest function (in bytecode instructions) LLVM compiles.
    pub max_instrs: usize,
}

impl Options {
    /// The defaults, with `GOSSAMER_LLVM_MAX_INSTRS` applied.
    pub fn from_env() -> Result<Options, String> {
        let max_instrs = match std::env::var("GOSSAMER_LLVM_MAX_INSTRS") {
            Ok(v) if !v.trim().is_empty() => v
                .trim()
                .parse()
                .map_err(|_| format!("GOSSAMER_LLVM_MAX_INSTRS must be a number of instructions, not `{v}`"))?,
            _ => DEFAULT_MAX_INSTRS,
        };
        Ok(Options { max_instrs })
    }
}

/// A function compiled by Cranelift instead, and why.
#[derive(Clone, Debug)]
pub struct Fallback {
    pub func: usize,
    pub name: String,
    pub reason: String,
}

/// The result of a compilation.
pub struct Output {
    /// The relocatable object LLVM wrote.
    pub object: Vec<u8>,
    /// For each function: the size in bytes of its body in `object`, or
    /// `None` if it fell back (what `gos_clif::compile_object_with` takes).
    pub sizes: Vec<Option<usize>>,
    pub fallbacks: Vec<Fallback>,
    /// Functions compiled with a fixed array of structs kept in locals
    /// (`promote`), with a description of it.
    pub promoted: Vec<(usize, String)>,
    /// The CPU the code was optimised for.
    pub cpu: String,
}

/// The symbols a translation refers to.
pub(crate) struct Decls<'ctx> {
    pub rt: HashMap<RtFn, FunctionValue<'ctx>>,
    pub rt_table: GlobalValue<'ctx>,
    pub poll_word: GlobalValue<'ctx>,
    /// `gos_poll` behind a `preserve_allcc` function (see the translator).
    pub poll_tramp: FunctionValue<'ctx>,
    pub bodies: Vec<FunctionValue<'ctx>>,
    pub entries: Vec<FunctionValue<'ctx>>,
    /// `gos_clif::analysis::reaches_runtime`: where polls are needed.
    pub reaches: Vec<bool>,
    /// The program's types (which intrinsics take f64).
    pub types: Vec<gos_abi::TypeKind>,
}

fn attr(ctx: &Context, name: &str) -> Attribute {
    ctx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), 0)
}

/// Declares the runtime, the poll trampoline and every function's body and
/// entry (defined here or, for `fallback` ones, in Cranelift's object).
fn declare<'ctx>(ctx: &'ctx Context, m: &LlvmModule<'ctx>, module: &Module, fallback: &[Option<String>]) -> Result<Decls<'ctx>, String> {
    let funcs = module.funcs();
    let i64t = ctx.i64_type();
    let mut rt = HashMap::new();
    for &f in RtFn::ALL {
        let params: Vec<BasicMetadataTypeEnum> = f.params().iter().map(|_| i64t.into()).collect();
        let ty = if f.returns() { i64t.fn_type(&params, false) } else { ctx.void_type().fn_type(&params, false) };
        let fv = m.add_function(f.symbol(), ty, Some(Linkage::External));
        // The runtime is Rust built with panics that end the process, never
        // unwinding into generated code.
        fv.add_attribute(AttributeLoc::Function, attr(ctx, "nounwind"));
        if f.diverges() {
            fv.add_attribute(AttributeLoc::Function, attr(ctx, "noreturn"));
            fv.add_attribute(AttributeLoc::Function, attr(ctx, "cold"));
        }
        rt.insert(f, fv);
    }
    let rt_table = m.add_global(i64t.array_type(rt_tables::WORDS as u32), Some(AddressSpace::default()), rt_tables::SYMBOL);
    rt_table.set_linkage(Linkage::External);
    // The runtime is linked into the same executable: hidden makes every
    // access a direct pc-relative one (the poll is one `cmp` with memory).
    rt_table.set_visibility(GlobalVisibility::Hidden);
    let poll_word = m.add_global(ctx.i32_type(), Some(AddressSpace::default()), rt_tables::POLL_SYMBOL);
    poll_word.set_linkage(Linkage::External);
    poll_word.set_visibility(GlobalVisibility::Hidden);

    let poll_tramp = m.add_function("gos.poll_preserving.llvm", ctx.void_type().fn_type(&[], false), Some(Linkage::Internal));
    poll_tramp.set_call_conventions(translate::PRESERVE_ALL_CC);
    for a in ["noinline", "cold", "nounwind", "noredzone"] {
        poll_tramp.add_attribute(AttributeLoc::Function, attr(ctx, a));
    }
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(poll_tramp, "entry"));
    b.build_call(rt[&RtFn::Poll], &[], "").map_err(|e| e.to_string())?;
    b.build_return(None).map_err(|e| e.to_string())?;

    let mut bodies = Vec::with_capacity(funcs.len());
    let mut entries = Vec::with_capacity(funcs.len());
    for (i, f) in funcs.iter().enumerate() {
        let n = (f.params + f.track_caller as u32) as usize;
        let params: Vec<BasicMetadataTypeEnum> = (0..n).map(|_| i64t.into()).collect();
        let body = m.add_function(&symbol_name("f", i, f.name), i64t.fn_type(&params, false), Some(Linkage::External));
        let entry = m.add_function(&symbol_name("e", i, f.name), i64t.fn_type(&[i64t.into(), i64t.into()], false), Some(Linkage::External));
        for fv in [body, entry] {
            // Hidden: one executable's symbols, shared with Cranelift's
            // object, never exported.
            fv.as_global_value().set_visibility(GlobalVisibility::Hidden);
            if fallback[i].is_none() {
                fv.add_attribute(AttributeLoc::Function, attr(ctx, "nounwind"));
                fv.add_attribute(AttributeLoc::Function, attr(ctx, "noredzone"));
                // No tail-recursion elimination by LLVM (see the
                // translator's accumulating tail calls).
                fv.add_attribute(AttributeLoc::Function, ctx.create_string_attribute("disable-tail-calls", "true"));
            }
        }
        bodies.push(body);
        entries.push(entry);
    }
    Ok(Decls { rt, rt_table, poll_word, poll_tramp, bodies, entries, reaches: gos_clif::analysis::reaches_runtime(funcs, module.types()), types: module.types().to_vec() })
}

/// Defines function `f`'s entry adapter: `entry(args, site)` loads the
/// parameters from the array `args` and calls the body.
fn define_entry<'ctx>(ctx: &'ctx Context, decls: &Decls<'ctx>, func: &Function, f: usize) -> Result<(), String> {
    let e = |e: inkwell::builder::BuilderError| e.to_string();
    let i64t = ctx.i64_type();
    let entry = decls.entries[f];
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(entry, "entry"));
    let args = entry.get_nth_param(0).ok_or("entry without args")?.into_int_value();
    let site = entry.get_nth_param(1).ok_or("entry without site")?.into_int_value();
    let base = b.build_int_to_ptr(args, ctx.ptr_type(AddressSpace::default()), "").map_err(e)?;
    let mut vals: Vec<BasicMetadataValueEnum> = Vec::new();
    for i in 0..func.params {
        // SAFETY: the caller passes `params` words.
        let p = unsafe { b.build_in_bounds_gep(i64t, base, &[i64t.const_int(i as u64, false)], "") }.map_err(e)?;
        vals.push(b.build_load(i64t, p, "").map_err(e)?.into());
    }
    if func.track_caller {
        vals.push(site.into());
    }
    let call = b.build_call(decls.bodies[f], &vals, "").map_err(e)?;
    // The body stays one copy: the adapter is the cold way in.
    call.add_attribute(AttributeLoc::Function, attr(ctx, "noinline"));
    let r = call.try_as_basic_value().basic().ok_or("body without a result")?;
    b.build_return(Some(&r)).map_err(e)?;
    Ok(())
}

/// The host's target machine at -O3 (PIC objects, as `cc` links them).
fn host_machine() -> Result<(TargetMachine, String), String> {
    Target::initialize_native(&InitializationConfig::default()).map_err(|e| format!("LLVM has no native target: {e}"))?;
    let triple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple).map_err(|e| e.to_string())?;
    let cpu = TargetMachine::get_host_cpu_name().to_string();
    let features = TargetMachine::get_host_cpu_features().to_string();
    let tm = target
        .create_target_machine(&triple, &cpu, &features, OptimizationLevel::Aggressive, RelocMode::PIC, CodeModel::Default)
        .ok_or_else(|| format!("LLVM cannot make a target machine for {cpu}"))?;
    Ok((tm, cpu))
}

/// Compiles `module` to an object at -O3 for this machine's CPU; functions
/// that fall back are declared, not defined (see [`Output::sizes`]).
pub fn compile(module: &Module, opts: &Options) -> Result<Output, String> {
    let (tm, cpu) = host_machine()?;
    let funcs = module.funcs();
    let n = funcs.len();
    let mut reasons: Vec<Option<String>> = funcs
        .iter()
        .map(|f| {
            (f.code.len() > opts.max_instrs).then(|| {
                format!("{} bytecode instructions, more than GOSSAMER_LLVM_MAX_INSTRS={}", f.code.len(), opts.max_instrs)
            })
        })
        .collect();
    let ctx = Context::create();
    // A function that cannot be lowered is marked and the module built
    // again without it (a half-built function cannot be taken back out of
    // an LLVM module cleanly); each round marks at least one more.
    loop {
        let m = ctx.create_module("gossamer_program");
        m.set_triple(&tm.get_triple());
        m.set_data_layout(&tm.get_target_data().get_data_layout());
        let decls = declare(&ctx, &m, module, &reasons)?;
        let mut again = false;
        let mut promoted = Vec::new();
        for f in 0..n {
            if reasons[f].is_some() {
                continue;
            }
            let verdict = translate::Translator::new(&ctx, &m, &decls, funcs, f as u32).translate().and_then(|p| {
                if let Some(p) = p {
                    promoted.push((f, p.describe(&funcs[f], module.types())));
                }
                define_entry(&ctx, &decls, &funcs[f], f)
            });
            let verdict = verdict.and_then(|()| {
                if decls.bodies[f].verify(false) && decls.entries[f].verify(false) {
                    Ok(())
                } else {
                    Err("LLVM's verifier rejected the IR generated for it (a backend bug)".to_string())
                }
            });
            if let Err(e) = verdict {
                reasons[f] = Some(e);
                again = true;
            }
        }
        if again {
            continue;
        }
        m.verify().map_err(|e| format!("LLVM rejected the module: {}", e.to_string().trim()))?;
        // For backend development: `GOSSAMER_LLVM_IR=path` writes the module
        // as generated (`path.pre`) and as optimised (`path`).
        let dump = std::env::var_os("GOSSAMER_LLVM_IR").map(std::path::PathBuf::from);
        if let Some(path) = &dump {
            m.print_to_file(path.with_extension("pre")).map_err(|e| format!("cannot write the IR: {e}"))?;
        }
        m.run_passes("default<O3>", &tm, PassBuilderOptions::create()).map_err(|e| format!("LLVM's optimiser failed: {e}"))?;
        if let Some(path) = &dump {
            m.print_to_file(path).map_err(|e| format!("cannot write the IR: {e}"))?;
        }
        let buf = tm.write_to_memory_buffer(&m, FileType::Object).map_err(|e| format!("LLVM's code generator failed: {e}"))?;
        let object = buf.as_slice().to_vec();
        let mut sizes = body_sizes(&object, n)?;
        let mut fallbacks = Vec::new();
        for f in 0..n {
            match &reasons[f] {
                Some(reason) => {
                    sizes[f] = None;
                    fallbacks.push(Fallback { func: f, name: funcs[f].name.to_string(), reason: reason.clone() });
                }
                None if sizes[f].is_none() => {
                    return Err(format!("LLVM's object has no body for `{}`", funcs[f].name));
                }
                None => {}
            }
        }
        return Ok(Output { object, sizes, fallbacks, promoted, cpu });
    }
}

/// The size of each function's body in `object`, from its symbol table
/// (`gos.f<index>.<name>`, see `gos_clif::symbol_name`).
fn body_sizes(object: &[u8], n: usize) -> Result<Vec<Option<usize>>, String> {
    use object::{Object, ObjectSymbol};
    let file = object::File::parse(object).map_err(|e| format!("cannot read LLVM's object: {e}"))?;
    let mut sizes = vec![None; n];
    for sym in file.symbols() {
        if !sym.is_definition() {
            continue;
        }
        let Ok(name) = sym.name() else { continue };
        let Some(rest) = name.strip_prefix("gos.f") else { continue };
        let Some(idx) = rest.split('.').next().and_then(|d| d.parse::<usize>().ok()) else { continue };
        if idx < n && sym.size() > 0 {
            sizes[idx] = Some(sym.size() as usize);
        }
    }
    Ok(sizes)
}
