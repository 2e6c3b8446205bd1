//! The `gossamer` command: `run`, `check` and `build`.
//!
//! The driver owns nothing of the language: it reads the source, hands it to
//! the front end (`gos-syntax`, `gos-check`) together with the prelude,
//! renders diagnostics with `codespan-reporting`, and passes the IR to a
//! backend (the bytecode compiler and VM today). The front end runs on a
//! thread with a large stack so that no input can overflow it, on top of
//! the parser's own nesting limit.

mod diagnostics;
pub mod link;
mod llvm;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "gossamer", version, about = "Gossamer: Rust's syntax, Go's concurrency")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check, compile to bytecode and run a program.
    Run(RunArgs),
    /// Report diagnostics only.
    Check {
        /// The program to check.
        file: PathBuf,
    },
    /// Compile to a standalone native executable (Cranelift; `--release`:
    /// LLVM at -O3 for this machine's CPU).
    Build {
        /// The program to compile.
        file: PathBuf,
        /// Where to write the executable (default: the source file's name
        /// without `.gos`, in the current directory).
        #[arg(short = 'o')]
        output: Option<PathBuf>,
        /// Optimise through LLVM (-O3, this machine's CPU); functions LLVM
        /// does not compile are compiled by Cranelift.
        #[arg(long)]
        release: bool,
        /// Say which backend compiled what, and why a function fell back
        /// from LLVM to Cranelift.
        #[arg(long, short = 'v')]
        verbose: bool,
    },
}

#[derive(Args)]
struct RunArgs {
    /// Run on the bytecode VM only (no JIT).
    #[arg(long, conflicts_with = "jit")]
    vm: bool,
    /// Compile every function with the Cranelift JIT before starting
    /// (default: interpret, and compile functions as they get hot).
    #[arg(long)]
    jit: bool,
    /// Print the typed IR and stop (for compiler development).
    #[arg(long, hide = true)]
    dump_ir: bool,
    /// Print the bytecode and stop (for compiler development).
    #[arg(long, hide = true)]
    dump_bytecode: bool,
    /// The program to run.
    file: PathBuf,
    /// Arguments passed to the program (`os::args()`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Stack size of the thread that runs the front end. The parser rejects
/// nesting deeper than its limit, so this is a safety margin for the
/// recursive passes over what it accepts, not a bound anything relies on.
const FRONT_END_STACK: usize = 256 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { file } => {
            let Some(src) = read_source(&file) else { return ExitCode::from(1) };
            match front_end(&file, src) {
                Some(_) => ExitCode::SUCCESS,
                None => ExitCode::from(1),
            }
        }
        Command::Build { file, output, release, verbose } => {
            let Some(src) = read_source(&file) else { return ExitCode::from(1) };
            let Some(program) = front_end(&file, src) else { return ExitCode::from(1) };
            let module = match gos_bcgen::compile(&program) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("{}: error: {e}", file.display());
                    return ExitCode::from(1);
                }
            };
            // `go build` names the executable after the source file, in
            // the current directory.
            let out = output.unwrap_or_else(|| PathBuf::from(file.file_stem().unwrap_or(file.as_os_str())));
            let objects = match compile_native(&module, release, verbose) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("gossamer: cannot compile {}: {e}", file.display());
                    return ExitCode::from(1);
                }
            };
            let refs: Vec<&[u8]> = objects.iter().map(|o| o.as_slice()).collect();
            if let Err(e) = link::link_executable(&refs, &out) {
                eprintln!("gossamer: {e}");
                return ExitCode::from(1);
            }
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Command::Run(run) => {
            let Some(src) = read_source(&run.file) else { return ExitCode::from(1) };
            let Some(program) = front_end(&run.file, src) else { return ExitCode::from(1) };
            if run.dump_ir {
                println!("{program:#?}");
                return ExitCode::SUCCESS;
            }
            let module = match gos_bcgen::compile(&program) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("{}: error: {e}", run.file.display());
                    return ExitCode::from(1);
                }
            };
            if run.dump_bytecode {
                println!("{module}");
                return ExitCode::SUCCESS;
            }
            let module = Arc::new(module);
            if !run.vm {
                if let Err(e) = start_jit(&module, run.jit) {
                    eprintln!("gossamer: jit: {e}");
                    return ExitCode::from(1);
                }
            }
            // One program per process: its heap is collected.
            gos_runtime::gc::enable();
            let code = gos_vm::run(module, program.types, program.file, run.args);
            ExitCode::from(code.clamp(0, 255) as u8)
        }
    }
}

/// The object files of `gossamer build`: Cranelift's alone, or with
/// `release` LLVM's and Cranelift's (the functions LLVM left, the program
/// image and the entry table; see `gos_llvm`). LLVM runs in the
/// `gossamer-llvm` process (src/llvm.rs).
fn compile_native(module: &gos_vm::Module, release: bool, verbose: bool) -> Result<Vec<Vec<u8>>, String> {
    let image = module.to_bytes();
    let n = module.funcs().len();
    if !release {
        if verbose {
            eprintln!("cranelift: {n} functions");
        }
        return Ok(vec![gos_clif::compile_object(module, &image)?]);
    }
    let llvm = llvm::compile(&image, n)?;
    if verbose {
        eprintln!(
            "llvm: {} of {n} functions at -O3 for {}; {} fell back to cranelift",
            n - llvm.fallbacks.len(),
            llvm.cpu,
            llvm.fallbacks.len()
        );
        for (f, reason) in &llvm.fallbacks {
            eprintln!("  cranelift: `{}`: {reason}", module.funcs()[*f].name);
        }
        for (f, what) in &llvm.promoted {
            eprintln!("  promoted: `{}`: {what}", module.funcs()[*f].name);
        }
    }
    let rest = gos_clif::compile_object_with(module, &image, &llvm.sizes)?;
    Ok(vec![llvm.object, rest])
}

/// Gives the interpreter the Cranelift JIT: hot functions are compiled as
/// their counters reach the thresholds, or all of them now (`--jit`).
fn start_jit(module: &Arc<gos_vm::Module>, all: bool) -> Result<(), String> {
    let jit = Arc::new(gos_clif::JitCompiler::new(module.clone())?);
    gos_vm::native::enable(module.clone(), Some(Box::new(gos_clif::SharedJit(jit.clone()))))?;
    if all {
        jit.compile_all()?;
    }
    Ok(())
}

fn read_source(path: &PathBuf) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("{}: error: source is not valid UTF-8 (byte {})", path.display(), e.utf8_error().valid_up_to());
                None
            }
        },
        Err(e) => {
            eprintln!("gossamer: cannot read {}: {e}", path.display());
            None
        }
    }
}

/// Parses and checks `src` (with the prelude), printing diagnostics on
/// failure. Runs on a thread with a large stack.
fn front_end(path: &PathBuf, src: String) -> Option<gos_ir::Program> {
    let name = path.display().to_string();
    let handle = std::thread::Builder::new()
        .name("front-end".into())
        .stack_size(FRONT_END_STACK)
        .spawn(move || {
            let prelude = match gos_syntax::parse(gos_stdlib::PRELUDE) {
                Ok(p) => p,
                Err(errs) => {
                    let msgs: Vec<String> = errs.iter().map(|e| e.message.clone()).collect();
                    eprintln!("gossamer: internal error: the prelude does not parse: {}", msgs.join("; "));
                    return None;
                }
            };
            let ast = match gos_syntax::parse(&src) {
                Ok(p) => p,
                Err(errs) => {
                    let diags: Vec<_> = errs.into_iter().map(|e| (e.span, e.message, Vec::new())).collect();
                    diagnostics::emit(&name, &src, &diags);
                    return None;
                }
            };
            match gos_check::check(&name, &src, &ast, &prelude) {
                Ok(p) => Some(p),
                Err(errs) => {
                    let diags: Vec<_> = errs.into_iter().map(|d| (d.span, d.message, d.notes)).collect();
                    diagnostics::emit(&name, &src, &diags);
                    None
                }
            }
        });
    match handle.map(|h| h.join()) {
        Ok(Ok(result)) => result,
        _ => {
            eprintln!("gossamer: internal compiler error while compiling {}", path.display());
            None
        }
    }
}
