//! Checks the benchmarks-game programs of `bench/game/` (fasta and n-body)
//! at small N on every tier, so that `bench/game/run.sh` never times a
//! program that prints the wrong thing, and a tier that miscompiles them
//! fails the normal test run.
//!
//! Every `bench/game/*.gos` is run on each row of [`TIERS`]: the VM, the
//! JIT, the tiered `gossamer run`, a `gossamer build` executable and a
//! `gossamer build --release` executable; a trial is named
//! `<tier>::<program>@<N>`. The outputs are the benchmarks game's: fasta at
//! N = 1000 has the md5 `60cbd78a7793bcc8032ef153b4a37b56`, n-body at
//! N = 1000 prints `-0.169075164` then `-0.169087605`. N = 1000 fits in one
//! block of the parallel fasta, so fasta also runs at N = 100,000 (nine
//! blocks of its last section, spread over all its workers, each jumping the
//! generator ahead), whose md5 is that of the Rust, Go and Python
//! implementations. fasta's md5 is taken by piping its output through the
//! `md5sum` command (coreutils), which the `harness::md5sum` trial checks on
//! known inputs. The Rust references are built with `rustc` and checked the
//! same way (`reference::…`); the Go ones when `go` is installed (otherwise
//! those trials are reported as ignored, not passed).
//!
//! Run: `cargo test --release -p gossamer --test bench_game`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};

/// How a tier runs a program.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `gossamer <args…> <file> <N>`.
    Run(&'static [&'static str]),
    /// `gossamer <args…> <file> -o <exe>`, then `<exe> <N>`.
    Build(&'static [&'static str]),
}

const TIERS: &[(&str, Mode)] = &[
    ("vm", Mode::Run(&["run", "--vm"])),
    ("jit", Mode::Run(&["run", "--jit"])),
    ("tiered", Mode::Run(&["run"])),
    ("build", Mode::Build(&["build"])),
    ("release", Mode::Build(&["build", "--release"])),
];

/// What a program must print at a given N.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// The md5 of the whole output, in hex.
    Md5(&'static str),
    /// The output itself.
    Text(&'static str),
}

/// The checks per task: (task, N, expected output).
const CHECKS: &[(&str, u64, Expect)] = &[
    ("fasta", 1000, Expect::Md5("60cbd78a7793bcc8032ef153b4a37b56")),
    // Ten blocks of 8,192 lines: every worker fills and writes several in
    // turn, and the section boundary falls inside a worker's run.
    ("fasta", 500_000, Expect::Md5("86c056d7e78209c83494314c818e2a63")),
    ("nbody", 1000, Expect::Text("-0.169075164\n-0.169087605\n")),
];

/// How long one process may take before it is killed and the trial fails:
/// the slowest check (fasta_single at N = 500,000 on the VM) takes about a
/// tenth of a second.
const TIMEOUT: Duration = Duration::from_secs(120);

const GOSSAMER: &str = env!("CARGO_BIN_EXE_gossamer");

fn game_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/game")
}

/// The task a program file computes: `fasta_single.gos` is fasta,
/// `nbody_opt.gos` is n-body.
fn task_of(file_stem: &str) -> Option<&'static str> {
    ["fasta", "nbody"].into_iter().find(|t| file_stem.starts_with(t))
}

/// What a finished (or killed) process printed.
struct Outcome {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    timed_out: bool,
}

/// Runs a command with stdin from `input`, capturing both output streams on
/// their own threads (so a large output never blocks the child), and kills
/// it after [`TIMEOUT`].
fn run(mut cmd: Command, input: &[u8]) -> Result<Outcome, String> {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let what = format!("{cmd:?}");
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {what}: {e}"))?;
    let mut child_in = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // A child that does not read its stdin closes the pipe early.
        let _ = child_in.write_all(&input);
    });
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout is piped")));
    let err = drain(Box::new(child.stderr.take().expect("stderr is piped")));
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| format!("waiting for {what}: {e}"))? {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().map_err(|e| format!("waiting for {what}: {e}"))?;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    Ok(Outcome { status: status.code(), stdout: out.join().unwrap_or_default(), stderr: err.join().unwrap_or_default(), timed_out })
}

/// The md5 of `bytes` in hex, from the `md5sum` command.
fn md5(bytes: &[u8]) -> Result<String, String> {
    let out = run(Command::new("md5sum"), bytes)?;
    if out.status != Some(0) {
        return Err(format!("md5sum failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let hex = text.split_whitespace().next().unwrap_or("");
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("md5sum printed {text:?}"));
    }
    Ok(hex.to_string())
}

/// Runs `cmd` (to which N is appended) and checks its exit status and
/// output.
fn check(mut cmd: Command, n: u64, expect: Expect) -> Result<(), Failed> {
    cmd.arg(n.to_string());
    let what = format!("{cmd:?}");
    let out = run(cmd, b"")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.timed_out {
        return Err(format!("{what} timed out after {TIMEOUT:?}\nstderr:\n{stderr}").into());
    }
    if out.status != Some(0) {
        return Err(format!("{what} exited with {:?}\nstderr:\n{stderr}", out.status).into());
    }
    match expect {
        Expect::Md5(want) => {
            let got = md5(&out.stdout)?;
            if got != want {
                let head: String = String::from_utf8_lossy(&out.stdout).lines().take(4).collect::<Vec<_>>().join("\n");
                return Err(format!(
                    "{what}: output md5 {got}, expected {want} ({} bytes; first lines:\n{head})\nstderr:\n{stderr}",
                    out.stdout.len()
                )
                .into());
            }
        }
        Expect::Text(want) => {
            let got = String::from_utf8_lossy(&out.stdout);
            if got != want {
                return Err(format!("{what}: printed {got:?}, expected {want:?}\nstderr:\n{stderr}").into());
            }
        }
    }
    Ok(())
}

/// A scratch directory for this process's executables.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gossamer-bench-game-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Runs the compile command `build`, which must write the executable
/// `exe`; on failure returns the compiler's report.
fn compile(build: Command, exe: &Path) -> Result<(), Failed> {
    let what = format!("{build:?}");
    let out = run(build, b"")?;
    if out.timed_out || out.status != Some(0) || !exe.exists() {
        let _ = std::fs::remove_file(exe);
        return Err(format!(
            "{what} failed (status {:?}{})\nstdout:\n{}\nstderr:\n{}",
            out.status,
            if out.timed_out { ", timed out" } else { "" },
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

/// Runs a Gossamer program on one tier at N.
fn gossamer_trial(mode: Mode, file: &Path, tag: &str, n: u64, expect: Expect) -> Result<(), Failed> {
    match mode {
        Mode::Run(args) => {
            let mut cmd = Command::new(GOSSAMER);
            cmd.args(args).arg(file);
            check(cmd, n, expect)
        }
        Mode::Build(args) => {
            let exe = scratch().join(tag);
            let mut build = Command::new(GOSSAMER);
            build.args(args).arg(file).arg("-o").arg(&exe);
            compile(build, &exe)?;
            let result = check(Command::new(&exe), n, expect);
            let _ = std::fs::remove_file(&exe);
            result
        }
    }
}

/// Builds a reference with `build(exe)` and checks it at N.
fn reference_trial(build: Command, exe: &Path, n: u64, expect: Expect) -> Result<(), Failed> {
    compile(build, exe)?;
    let result = check(Command::new(exe), n, expect);
    let _ = std::fs::remove_file(exe);
    result
}

fn main() {
    let args = Arguments::from_args();
    let dir = game_dir();
    let mut programs: Vec<(String, PathBuf)> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("gos"))
            .map(|p| (p.file_stem().unwrap_or_default().to_string_lossy().into_owned(), p))
            .collect(),
        Err(e) => {
            eprintln!("bench_game: cannot read {}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    programs.sort();
    let mut trials = Vec::new();

    // The programs the issue requires must be there: a lost file would
    // otherwise just mean fewer trials.
    let names: Vec<String> = programs.iter().map(|(n, _)| n.clone()).collect();
    trials.push(Trial::test("suite::programs", move || {
        for required in ["fasta", "fasta_single", "nbody"] {
            if !names.iter().any(|n| n == required) {
                return Err(format!("bench/game/{required}.gos is missing").into());
            }
        }
        if let Some(stray) = names.iter().find(|n| task_of(n).is_none()) {
            return Err(format!("bench/game/{stray}.gos is neither a fasta nor an n-body program").into());
        }
        Ok(())
    }));
    trials.push(Trial::test("harness::md5sum", || {
        for (input, want) in [(&b""[..], "d41d8cd98f00b204e9800998ecf8427e"), (&b"abc"[..], "900150983cd24fb0d6963f7d28e17f72")] {
            let got = md5(input)?;
            if got != want {
                return Err(format!("md5 of {input:?} was {got}, expected {want}").into());
            }
        }
        Ok(())
    }));

    for (stem, file) in &programs {
        let Some(task) = task_of(stem) else { continue };
        for &(tier, mode) in TIERS {
            for &(t, n, expect) in CHECKS {
                if t != task {
                    continue;
                }
                let file = file.clone();
                let tag = format!("{tier}-{stem}-{n}");
                trials.push(Trial::test(format!("{tier}::{stem}@{n}"), move || gossamer_trial(mode, &file, &tag, n, expect)));
            }
        }
    }

    // The references, so that run.sh's ratios are against correct programs.
    let go_missing = Command::new("go").arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().map_or(true, |s| !s.success());
    let references: [(&str, &str, &str); 5] = [
        ("rust", "fasta", "rust/fasta.rs"),
        ("rust", "nbody", "rust/nbody.rs"),
        ("rust", "nbody", "rust/nbody_scalar.rs"),
        ("go", "fasta", "go/fasta.go"),
        ("go", "nbody", "go/nbody.go"),
    ];
    for (lang, task, rel) in references {
        for &(t, n, expect) in CHECKS {
            if t != task {
                continue;
            }
            let src = dir.join(rel);
            let stem = Path::new(rel).file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let name = format!("reference::{lang}/{stem}@{n}");
            let exe = scratch().join(format!("ref-{lang}-{stem}-{n}"));
            let trial = Trial::test(name, move || {
                let build = if lang == "rust" {
                    let mut c = Command::new("rustc");
                    c.args(["--edition", "2021", "-C", "opt-level=3", "-C", "target-cpu=native", "-o"]).arg(&exe).arg(&src);
                    c
                } else {
                    let mut c = Command::new("go");
                    c.arg("build").arg("-o").arg(&exe).arg(&src);
                    c
                };
                reference_trial(build, &exe, n, expect)
            });
            trials.push(trial.with_ignored_flag(lang == "go" && go_missing));
        }
    }

    let conclusion = libtest_mimic::run(&args, trials);
    let _ = std::fs::remove_dir_all(scratch());
    conclusion.exit();
}
