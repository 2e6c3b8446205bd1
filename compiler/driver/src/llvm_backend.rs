//! `gossamer-llvm`: the LLVM backend of `gossamer build --release`, as an
//! executable of its own that `gossamer` runs (see `llvm.rs` in the driver
//! for the other side, and design/backends.md).
//!
//! Why a separate process: libLLVM is a 100 MB shared library with some
//! 380,000 relocations that the dynamic loader applies at start-up; linked
//! into `gossamer`, it cost every `gossamer run` about 50 MB of RSS and
//! 30 ms. Only `build --release` needs it, so only this executable links it.
//!
//! Usage (internal): `gossamer-llvm IMAGE OBJECT`. Reads the program image
//! (the serialised bytecode module, as `gossamer build` embeds it) from the
//! file IMAGE, writes LLVM's object file to OBJECT, and prints on stdout one
//! line per fact: `cpu NAME`, then for each function either
//! `body INDEX SIZE` (compiled by LLVM, its body SIZE bytes long) or
//! `fallback INDEX REASON` (left to Cranelift), and `promoted INDEX WHAT`
//! for each function that keeps a fixed array of structs in registers
//! (`gos_llvm::promote`). Errors go to stderr with a
//! non-zero exit. `GOSSAMER_LLVM_MAX_INSTRS` is read here.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gossamer-llvm: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [image_path, object_path] = args.as_slice() else {
        return Err("usage: gossamer-llvm IMAGE OBJECT (run by `gossamer build --release`)".to_string());
    };
    let image = std::fs::read(image_path).map_err(|e| format!("cannot read {image_path}: {e}"))?;
    let module = gos_vm::Module::from_bytes(&image)?;
    let opts = gos_llvm::Options::from_env()?;
    let out = gos_llvm::compile(&module, &opts)?;
    std::fs::write(object_path, &out.object).map_err(|e| format!("cannot write {object_path}: {e}"))?;
    let mut report = format!("cpu {}\n", out.cpu);
    for (f, size) in out.sizes.iter().enumerate() {
        if let Some(size) = size {
            report.push_str(&format!("body {f} {size}\n"));
        }
    }
    for (f, what) in &out.promoted {
        report.push_str(&format!("promoted {f} {what}\n"));
    }
    for fb in &out.fallbacks {
        // One line each: a reason never contains a newline.
        report.push_str(&format!("fallback {} {}\n", fb.func, fb.reason.replace('\n', " ")));
    }
    std::io::stdout().write_all(report.as_bytes()).map_err(|e| format!("cannot write the report: {e}"))
}
