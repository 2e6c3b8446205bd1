//! `gossamer build --release`: runs the LLVM backend, the executable
//! `gossamer-llvm` installed next to `gossamer` (src/llvm_backend.rs says
//! why it is a process of its own), and reads back its object and report.

use crate::link::TempDir;
use std::path::PathBuf;
use std::process::Command;

/// What the LLVM backend produced.
pub struct Compiled {
    pub object: Vec<u8>,
    /// For each function: its body's size in `object`, or `None` if it
    /// fell back to Cranelift (`gos_clif::compile_object_with` takes this).
    pub sizes: Vec<Option<usize>>,
    /// Functions left to Cranelift, with why.
    pub fallbacks: Vec<(usize, String)>,
    /// Functions that keep a fixed array of structs in registers, with
    /// what they keep.
    pub promoted: Vec<(usize, String)>,
    pub cpu: String,
}

/// Compiles the program image `image` (of a module with `n` functions)
/// with `gossamer-llvm`.
pub fn compile(image: &[u8], n: usize) -> Result<Compiled, String> {
    let exe = backend()?;
    let dir = TempDir::new()?;
    let image_path = dir.path.join("program.gosimg");
    let object_path = dir.path.join("llvm.o");
    std::fs::write(&image_path, image).map_err(|e| format!("cannot write {}: {e}", image_path.display()))?;
    let out = Command::new(&exe)
        .arg(&image_path)
        .arg(&object_path)
        .output()
        .map_err(|e| format!("cannot run the LLVM backend {}: {e}", exe.display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let status = match out.status.code() {
            Some(c) => format!("exited with status {c}"),
            None => "was killed by a signal".to_string(),
        };
        // 127: the dynamic loader could not start it (libLLVM missing).
        let hint = if out.status.code() == Some(127) && stderr.contains("libLLVM") {
            "\n(`--release` needs LLVM 19's shared library: install `llvm-19-dev`, e.g. with `bash setup.sh` from the Gossamer repository)"
        } else {
            ""
        };
        return Err(format!("the LLVM backend {status}: {}{hint}", stderr.trim_end()));
    }
    let object = std::fs::read(&object_path).map_err(|e| format!("cannot read {}: {e}", object_path.display()))?;
    let report = String::from_utf8_lossy(&out.stdout);
    parse_report(&report, n).map(|r| Compiled { object, sizes: r.sizes, fallbacks: r.fallbacks, promoted: r.promoted, cpu: r.cpu })
}

/// `gossamer-llvm`'s report, read.
#[derive(Debug)]
struct Report {
    sizes: Vec<Option<usize>>,
    fallbacks: Vec<(usize, String)>,
    promoted: Vec<(usize, String)>,
    cpu: String,
}

/// Reads `gossamer-llvm`'s report (the format is in src/llvm_backend.rs).
fn parse_report(report: &str, n: usize) -> Result<Report, String> {
    let bad = |line: &str| format!("the LLVM backend reported something unreadable: `{line}`");
    let mut sizes = vec![None; n];
    let mut fallbacks = Vec::new();
    let mut promoted = Vec::new();
    let mut cpu = String::new();
    for line in report.lines() {
        let mut words = line.splitn(3, ' ');
        let (kind, a, rest) = (words.next(), words.next(), words.next());
        let index = || a.and_then(|a| a.parse::<usize>().ok()).filter(|&f| f < n).ok_or_else(|| bad(line));
        match kind {
            Some("cpu") => cpu = a.unwrap_or_default().to_string(),
            Some("body") => sizes[index()?] = Some(rest.and_then(|r| r.parse().ok()).ok_or_else(|| bad(line))?),
            Some("fallback") => fallbacks.push((index()?, rest.unwrap_or_default().to_string())),
            Some("promoted") => promoted.push((index()?, rest.unwrap_or_default().to_string())),
            _ => return Err(bad(line)),
        }
    }
    if let Some(f) = (0..n).find(|&f| sizes[f].is_none() && !fallbacks.iter().any(|(g, _)| *g == f)) {
        return Err(format!("the LLVM backend said nothing of function {f}"));
    }
    Ok(Report { sizes, fallbacks, promoted, cpu })
}

/// `gossamer-llvm` beside this executable (as cargo builds and installs
/// them).
fn backend() -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find the gossamer executable: {e}"))?;
    let path = me.with_file_name(format!("gossamer-llvm{}", std::env::consts::EXE_SUFFIX));
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the LLVM backend {} is missing: it is built and installed with gossamer (`cargo build --release -p gossamer`, `cargo install --path compiler/driver`)",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_report;

    #[test]
    fn reads_a_report_and_rejects_gaps() {
        let r = parse_report("cpu znver3\nbody 0 96\nfallback 1 too big: 12 > 10\npromoted 0 parameter 1\n", 2).unwrap();
        let (sizes, fallbacks, cpu) = (r.sizes, r.fallbacks, r.cpu);
        assert_eq!(r.promoted, vec![(0, "parameter 1".to_string())]);
        assert_eq!(sizes, vec![Some(96), None]);
        assert_eq!(fallbacks, vec![(1, "too big: 12 > 10".to_string())]);
        assert_eq!(cpu, "znver3");
        assert!(parse_report("cpu x\nbody 0 96\n", 2).unwrap_err().contains("function 1"));
        assert!(parse_report("body 7 1\n", 2).is_err());
        assert!(parse_report("garbage\n", 1).is_err());
    }
}
