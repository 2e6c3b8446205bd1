//! Linking for `gossamer build`: turns the program's object file into a
//! standalone executable by linking it with the runtime's static library
//! (`gos-rtlib`), which this binary carries inside itself (see `build.rs`),
//! using the system C compiler as the linker driver.
//!
//! The C compiler rather than `ld` directly because it knows the platform's
//! start-up files, library paths and default flags (PIE, the dynamic
//! loader's path); every Rust and Go toolchain that links through the
//! system does the same. The archive's `main` is the executable's entry
//! point; the object supplies the program (the symbol contract is in
//! `runtime/rtlib/src/lib.rs`).
//!
//! Builds are reproducible: the inputs are written under fixed names into a
//! fresh temporary directory, so no varying path reaches the linker's
//! output, and the build id is a hash of the contents (checked by a test).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The runtime's static library, built by `build.rs` for this target.
static RTLIB: &[u8] = include_bytes!(env!("GOS_RTLIB"));

/// The system libraries the archive needs after it on the link line, as
/// rustc reported them when it built the archive (`build.rs`).
const NATIVE_LIBS: &str = env!("GOS_RTLIB_NATIVE_LIBS");

/// Flags for every link:
/// * drop the sections nothing refers to (the parts of std and the runtime
///   that no program reaches), as rustc does for Rust executables: 9.6 MB
///   down to 8.4 MB for a small program;
/// * drop the archive's DWARF debug information (the symbol table stays,
///   for profilers and backtraces): 8.4 MB down to 1.3 MB. Users debug
///   their programs with `gossamer run`; the runtime's own debugging is
///   done on `gossamer` itself, built with the same code;
/// * a non-executable stack even if an input object lacks the
///   `.note.GNU-stack` marker (cranelift-object writes it; a missing one
///   would make the linker give the whole process an executable stack).
const LINK_FLAGS: &[&str] = &["-Wl,--gc-sections", "-Wl,--strip-debug", "-Wl,-z,noexecstack"];

/// Links `objects` (object files for this target that together define the
/// three symbols of the contract: one from Cranelift, and one from LLVM
/// for `--release`) with the runtime into the executable `out`.
/// Errors are messages for the user: a missing C compiler, or the
/// linker's own report.
pub fn link_executable(objects: &[&[u8]], out: &Path) -> Result<(), String> {
    let dir = TempDir::new()?;
    let lib_path = dir.path.join("libgos_rtlib.a");
    let write = |p: &Path, bytes: &[u8]| std::fs::write(p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display()));
    let mut obj_paths = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        let path = dir.path.join(format!("program{i}.o"));
        write(&path, object)?;
        obj_paths.push(path);
    }
    write(&lib_path, RTLIB)?;

    let (cc, cc_args) = c_compiler();
    let mut cmd = Command::new(&cc);
    cmd.args(&cc_args)
        .arg("-o")
        .arg(out)
        .args(&obj_paths)
        .arg(&lib_path)
        .args(NATIVE_LIBS.split_whitespace())
        .args(LINK_FLAGS);
    let output = match cmd.output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "cannot link {}: the C compiler `{cc}` was not found; install one (gcc or clang) or set CC",
                out.display()
            ))
        }
        Err(e) => return Err(format!("cannot link {}: cannot run `{cc}`: {e}", out.display())),
    };
    if !output.status.success() {
        let status = match output.status.code() {
            Some(c) => format!("exited with status {c}"),
            None => "was killed by a signal".to_string(),
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("linking {} failed: `{cc}` {status}:\n{}", out.display(), stderr.trim_end()));
    }
    Ok(())
}

/// The C compiler to link with and its leading arguments: `CC` if set and
/// not empty (split on whitespace, so `CC="ccache gcc"` works as in make),
/// else `cc`.
fn c_compiler() -> (String, Vec<String>) {
    let var = std::env::var("CC").unwrap_or_default();
    let mut words = var.split_whitespace().map(str::to_string);
    match words.next() {
        Some(cc) => (cc, words.collect()),
        None => ("cc".to_string(), Vec::new()),
    }
}

/// A fresh directory for the link's inputs, removed when dropped (also on
/// errors). Unique per process and call: the process id and a counter, and
/// creation fails rather than reuse an existing directory.
pub(crate) struct TempDir {
    pub(crate) path: PathBuf,
}

impl TempDir {
    pub(crate) fn new() -> Result<TempDir, String> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        let mut last_err = None;
        // Another process may have left a directory of the same name behind
        // (a reused pid after a crash): skip over it.
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("gossamer-link-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
                Err(e) => return Err(format!("cannot create a temporary directory in {}: {e}", base.display())),
            }
        }
        Err(format!(
            "cannot create a temporary directory in {}: {}",
            base.display(),
            last_err.map(|e| e.to_string()).unwrap_or_default()
        ))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::write::{Object, StandardSection, Symbol, SymbolSection};
    use object::{Architecture, BinaryFormat, Endianness, SectionKind, SymbolFlags, SymbolKind, SymbolScope};

    /// Compiles a program (front end and bytecode compiler, as `gossamer
    /// run` does) to its module, or panics with the first problem.
    fn compile(name: &str, src: &str) -> gos_vm::Module {
        let prelude = gos_syntax::parse(gos_stdlib::PRELUDE).expect("the prelude parses");
        let ast = gos_syntax::parse(src).unwrap_or_else(|e| panic!("{name} does not parse: {:?}", e[0].message));
        let program = gos_check::check(name, src, &ast, &prelude)
            .unwrap_or_else(|e| panic!("{name} does not check: {}", e[0].message));
        gos_bcgen::compile(&program).unwrap_or_else(|e| panic!("{name} does not compile: {e}"))
    }

    /// An object file for this target defining the three symbols of the
    /// contract, written with the `object` crate as the Cranelift backend
    /// will through `cranelift-object`. Every entry is 0 ("interpret"):
    /// there is no native code yet, so the executable runs the program on
    /// its embedded VM.
    fn program_object(module: &gos_vm::Module) -> Vec<u8> {
        let arch = if cfg!(target_arch = "x86_64") {
            Architecture::X86_64
        } else if cfg!(target_arch = "aarch64") {
            Architecture::Aarch64
        } else {
            panic!("no test object writer for this architecture")
        };
        let mut obj = Object::new(BinaryFormat::Elf, arch, Endianness::Little);
        let rodata = obj.section_id(StandardSection::ReadOnlyData);
        let mut define = |name: &str, data: &[u8], align: u64| {
            let value = obj.append_section_data(rodata, data, align);
            obj.add_symbol(Symbol {
                name: name.as_bytes().to_vec(),
                value,
                size: data.len() as u64,
                kind: SymbolKind::Data,
                scope: SymbolScope::Linkage,
                weak: false,
                section: SymbolSection::Section(rodata),
                flags: SymbolFlags::None,
            });
        };
        let image = module.to_bytes();
        define("gos_module_bytes", &image, 1);
        define("gos_module_len", &(image.len() as u64).to_le_bytes(), 8);
        let table = vec![0u8; 3 * module.funcs().len() * std::mem::size_of::<usize>()];
        define("gos_entry_table", &table, std::mem::size_of::<usize>() as u64);
        // As cranelift-object does: the stack need not be executable.
        obj.add_section(Vec::new(), b".note.GNU-stack".to_vec(), SectionKind::Linker);
        obj.write().expect("writing the test object")
    }

    /// A scratch directory for a test's executables.
    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gossamer-link-test-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Compiles `src` as `{name}.gos`, links it into the executable
    /// `dir/exe` and returns its path.
    fn build(dir: &Path, exe: &str, name: &str, src: &str) -> PathBuf {
        let module = compile(&format!("{name}.gos"), src);
        let exe = dir.join(exe);
        link_executable(&[&program_object(&module)], &exe).unwrap_or_else(|e| panic!("{e}"));
        exe
    }

    /// Exercises what a built executable must get right: arguments as
    /// `os::args()` sees them, output, goroutines and channels, the
    /// collector, and the exit status of `main` returning `Err`.
    const PROGRAM: &str = r#"
use std::os
use std::runtime

struct Point { x: i64, y: i64 }

fn main() -> Result<(), String> {
    let args = os::args()
    println!("args: {:?}", args)
    let (tx, rx) = channel::<i64>()
    go {
        let mut v: Vec<Point> = Vec::new()
        for i in 0..20000 {
            v.push(Point { x: i, y: i * 2 })
        }
        tx.send(v[19999].y)
    }
    println!("from goroutine: {}", rx.recv().unwrap())
    runtime::gc()
    println!("collections: {}", runtime::mem_stats().num_gc >= 1)
    if args.len() > 1 {
        return Err(format!("{} arguments", args.len()))
    }
    Ok(())
}
"#;

    #[test]
    fn built_executable_runs_like_gossamer_run() {
        let dir = scratch("run");
        let exe = build(&dir, "prog", "prog", PROGRAM);
        let out = Command::new(&exe).args(["alpha", "b c"]).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "args: [\"alpha\", \"b c\"]\nfrom goroutine: 39998\ncollections: true\n"
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "Error: \"2 arguments\"\n");
        assert_eq!(out.status.code(), Some(1));

        let out = Command::new(&exe).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "args: []\nfrom goroutine: 39998\ncollections: true\n");
        assert_eq!(out.status.code(), Some(0));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A panic reports the source file's name as given at build time and
    /// exits 2, as under `gossamer run`.
    #[test]
    fn built_executable_panics_like_gossamer_run() {
        let dir = scratch("panic");
        let exe = build(&dir, "boom", "boom", "fn main() {\n    println!(\"before\")\n    let v: Vec<i64> = Vec::new()\n    println!(\"{}\", v[3])\n}\n");
        let out = Command::new(&exe).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "before\n");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("panic: "), "{stderr}");
        assert!(stderr.contains("boom.gos:4"), "{stderr}");
        assert_eq!(out.status.code(), Some(2));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Building the same program twice gives identical bytes, although the
    /// two links use different temporary directories.
    #[test]
    fn builds_are_reproducible() {
        let dir = scratch("repro");
        let a = std::fs::read(build(&dir, "a", "prog", PROGRAM)).unwrap();
        let b = std::fs::read(build(&dir, "b", "prog", PROGRAM)).unwrap();
        assert!(a == b, "two builds of one program differ ({} and {} bytes)", a.len(), b.len());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// An image that does not decode is reported as such, with status 1.
    #[test]
    fn corrupt_image_is_reported() {
        let dir = scratch("corrupt");
        let module = compile("ok.gos", "fn main() {}\n");
        let mut object = program_object(&module);
        // Corrupt the magic inside the object's data.
        let at = object.windows(8).position(|w| w == b"GOSMOD02").expect("the image is in the object");
        object[at] = b'X';
        let exe = dir.join("corrupt");
        link_executable(&[&object], &exe).unwrap();
        let out = Command::new(&exe).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "gossamer: corrupt program image: not a Gossamer program image\n"
        );
        assert_eq!(out.status.code(), Some(1));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Link errors carry the linker's own words; a missing C compiler is
    /// named.
    #[test]
    fn link_failures_are_clear() {
        let dir = scratch("fail");
        let err = link_executable(&[b"not an object file"], &dir.join("x")).unwrap_err();
        assert!(err.starts_with("linking ") && err.contains("failed: `cc` exited with status 1"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Every conformance program that compiles gives an image that decodes
    /// to the same module: re-encoding gives the same bytes, and the
    /// disassembly (which prints every instruction, table and type id) is
    /// the same.
    #[test]
    fn images_round_trip() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "gos") {
                    files.push(p);
                }
            }
        }
        files.sort();
        let prelude = gos_syntax::parse(gos_stdlib::PRELUDE).expect("the prelude parses");
        let mut checked = 0;
        for f in &files {
            let src = std::fs::read_to_string(f).unwrap();
            let name = f.display().to_string();
            // Programs that must fail to compile have no module to encode.
            let Ok(ast) = gos_syntax::parse(&src) else { continue };
            let Ok(program) = gos_check::check(&name, &src, &ast, &prelude) else { continue };
            let Ok(module) = gos_bcgen::compile(&program) else { continue };
            let bytes = module.to_bytes();
            let back = gos_vm::Module::from_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(back.to_bytes() == bytes, "{name}: re-encoding differs");
            assert_eq!(back.to_string(), module.to_string(), "{name}: disassembly differs");
            assert_eq!(back.types(), &program.types[..], "{name}: type table differs");
            assert_eq!(back.file(), name);
            // Decoding the code of every other function only: the rest get
            // a body of one `Unreachable`, everything else is the same.
            let half = gos_vm::Module::from_image(&bytes, |f| f % 2 == 0).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(half.funcs().len(), module.funcs().len());
            for (i, (h, f)) in half.funcs().iter().zip(module.funcs()).enumerate() {
                if i % 2 == 0 {
                    assert_eq!(h.code, f.code, "{name}: code of function {i}");
                } else {
                    assert!(matches!(h.code[..], [gos_vm::Instr::Unreachable {}]), "{name}: function {i} has code");
                }
                assert_eq!((h.name, &h.consts, &h.lines), (f.name, &f.consts, &f.lines), "{name}: function {i}");
            }
            checked += 1;
        }
        assert!(checked > 400, "only {checked} of {} programs compiled", files.len());
    }
}
