//! The conformance harness: runs every program under `tests/programs/` on
//! every tier and checks it against the expectations written in its comments.
//!
//! A program is `tests/programs/<area>/<name>.gos`. Its expectations are
//! comments (the grammar is in [`Expectations::parse`]):
//!
//! - `// expect: <text>`: one line of standard output. The expected stdout is
//!   every `expect:` text in file order, each followed by a newline; an
//!   `expect:` with nothing after it is an empty line. Exactly one space after
//!   the colon is dropped, so `// expect:   x` expects `  x`.
//! - `// expect error: <text>`: compiling must fail (`gossamer check`, exit 1)
//!   with a diagnostic at this comment's line (`<file>:<line>:`) whose stderr
//!   contains `<text>`. Such a program is checked once, not once per tier,
//!   and may carry no other expectation.
//! - `// expect panic: <text>`: the program panics at this line: exit status
//!   2, stderr holds `panic: `, `<text>` and `<file>:<line>:`; the stdout printed
//!   before the panic must still match the `expect:` lines.
//! - `// expect stderr: <text>`: stderr contains `<text>`.
//! - `// exit: N`: the expected exit status (default 0, or 2 with a panic).
//! - `// args: a b c`: the program's arguments (split at whitespace).
//! - `// stdin: <line>`: one line of standard input (each adds a line).
//! - `// env: NAME=value`: an environment variable for the program.
//! - `// max-rss-mb: N`: the program's peak resident set size (the
//!   child's own `ru_maxrss`, read with `wait4` when it is reaped, so
//!   trials running in parallel cannot blur each other's figures) must not
//!   exceed N MiB: how the collector's conformance programs show that
//!   garbage is actually given back.
//!
//! A program that expects nothing at all is rejected, because a test that
//! asserts nothing cannot fail; so is any comment that starts like a
//! directive but does not parse (`// expect-error:` and other typos), which
//! would otherwise be a silently ignored expectation.
//!
//! Tiers are rows of [`TIERS`]: a name, how to produce and run the program
//! ([`Mode::Run`] passes the source to `gossamer run`, [`Mode::Build`]
//! compiles an executable first and then runs it) and extra environment
//! variables (GC stress, `GOSSAMER_PROCS=1`). Every (tier, program) pair is a
//! libtest-mimic trial named `<tier>::<area>/<name>`, so the usual filters
//! work: `cargo test -p gossamer --test conformance -- vm::formatting/`.
//! Compile-error programs are trials named `check::<area>/<name>`.
//! A skip (in [`SKIPS`]) names its tier, its program and its reason; a skip
//! that names no existing tier or program fails the `suite::skips` trial, so
//! the list cannot rot.
//!
//! Programs run with the working directory `tests/programs` and are passed
//! as `<area>/<name>.gos`, which is therefore how diagnostics and panic
//! locations name them.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};

/// How a tier turns a program into a running process.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `gossamer <args…> <file> <program args…>`: compile and run in one step.
    Run { args: &'static [&'static str] },
    /// `gossamer <args…> <file> -o <exe>` with `compile_env` set, then
    /// `<exe> <program args…>`.
    Build { args: &'static [&'static str], compile_env: &'static [(&'static str, &'static str)] },
}

/// One way of running the whole suite. Adding a tier is adding one row to
/// [`TIERS`].
#[derive(Clone, Copy, Debug)]
struct Tier {
    name: &'static str,
    mode: Mode,
    /// Extra environment for the program (and for the compile step of a
    /// `Build` tier).
    env: &'static [(&'static str, &'static str)],
    /// The programs the tier runs: those whose id starts with this prefix
    /// (`""`: all).
    only: &'static str,
    /// Programs of `only` the tier leaves out by design, each with why
    /// (not tier bugs: those are [`SKIPS`]).
    except: &'static [(&'static str, &'static str)],
}

/// What the collect-at-every-allocation tiers leave out, and why.
const STRESS1_EXCEPT: &[(&str, &str)] = &[(
    "gc/long_lived_map",
    "a million insertions, each followed by a full collection of a heap that grows to a million entries: \
     quadratic (hours); it runs under every other tier",
)];

/// Every tier the suite runs on: the VM, the JIT (everything compiled, and
/// tiered), built executables (Cranelift, and LLVM with `--release`), each
/// also with one proc and under GC stress.
const TIERS: &[Tier] = &[
    Tier { name: "vm", mode: Mode::Run { args: &["run", "--vm"] }, env: &[], only: "", except: &[] },
    // One proc: every goroutine takes turns on one slot, which shakes out
    // hand-offs that only work when the other side runs in parallel.
    Tier { name: "vm-procs1", mode: Mode::Run { args: &["run", "--vm"] }, env: &[("GOSSAMER_PROCS", "1")], only: "", except: &[] },
    // A full collection every 100 allocations (and between any two
    // allocations of different threads' caches): objects kept only by a
    // root the collector misses are freed and reused within a hundred
    // allocations, which the programs' own checks then see.
    Tier { name: "vm-gcstress", mode: Mode::Run { args: &["run", "--vm"] }, env: &[("GOSSAMER_GC_STRESS", "100")], only: "", except: &[] },
    // The collector's own programs with a collection at every allocation.
    Tier {
        name: "vm-gcstress1",
        mode: Mode::Run { args: &["run", "--vm"] },
        env: &[("GOSSAMER_GC_STRESS", "1")],
        only: "gc/",
        except: STRESS1_EXCEPT,
    },
    // Every function compiled by the Cranelift JIT before `main` starts.
    Tier { name: "jit", mode: Mode::Run { args: &["run", "--jit"] }, env: &[], only: "", except: &[] },
    Tier { name: "jit-procs1", mode: Mode::Run { args: &["run", "--jit"] }, env: &[("GOSSAMER_PROCS", "1")], only: "", except: &[] },
    Tier { name: "jit-gcstress", mode: Mode::Run { args: &["run", "--jit"] }, env: &[("GOSSAMER_GC_STRESS", "100")], only: "", except: &[] },
    // The default `gossamer run`: interpreted until the counters compile
    // hot functions, so interpreted and compiled frames mix.
    Tier { name: "tiered", mode: Mode::Run { args: &["run"] }, env: &[], only: "", except: &[] },
    // Compiled at the second call or loop back-edge: interpreted frames
    // call compiled ones everywhere, and loops move to compiled code in
    // the middle of a frame (on-stack replacement).
    Tier { name: "tiered-hot", mode: Mode::Run { args: &["run"] }, env: &[("GOSSAMER_JIT_HOT", "2")], only: "", except: &[] },
    // The same with collections every 100 allocations and one proc:
    // goroutines compile (outside `Running`) while others collect.
    Tier {
        name: "tiered-hot-stress",
        mode: Mode::Run { args: &["run"] },
        env: &[("GOSSAMER_JIT_HOT", "2"), ("GOSSAMER_GC_STRESS", "100"), ("GOSSAMER_PROCS", "1")],
        only: "",
        except: &[],
    },
    // Standalone executables from `gossamer build` (Cranelift).
    Tier { name: "build", mode: BUILD, env: &[], only: "", except: &[] },
    Tier { name: "build-procs1", mode: BUILD, env: &[("GOSSAMER_PROCS", "1")], only: "", except: &[] },
    Tier { name: "build-gcstress", mode: BUILD, env: &[("GOSSAMER_GC_STRESS", "100")], only: "", except: &[] },
    // The collector's programs with a collection at every allocation, on
    // compiled code: every pointer a compiled frame holds in a register or
    // a spill slot at a call must be found by the conservative scan.
    Tier {
        name: "build-gcstress1",
        mode: BUILD,
        env: &[("GOSSAMER_GC_STRESS", "1")],
        only: "gc/",
        except: STRESS1_EXCEPT,
    },
    // `gossamer build --release`: LLVM at -O3 for this CPU, the same four.
    Tier { name: "release", mode: RELEASE, env: &[], only: "", except: &[] },
    Tier { name: "release-procs1", mode: RELEASE, env: &[("GOSSAMER_PROCS", "1")], only: "", except: &[] },
    Tier { name: "release-gcstress", mode: RELEASE, env: &[("GOSSAMER_GC_STRESS", "100")], only: "", except: &[] },
    Tier { name: "release-gcstress1", mode: RELEASE, env: &[("GOSSAMER_GC_STRESS", "1")], only: "gc/", except: STRESS1_EXCEPT },
    // The per-function fallback: every function longer than 40 bytecode
    // instructions is compiled by Cranelift, the rest by LLVM, so calls
    // cross between the two objects in both directions (the prelude's
    // small functions on one side, `main` and its loops on the other).
    Tier {
        name: "release-mixed",
        mode: Mode::Build { args: &["build", "--release"], compile_env: &[("GOSSAMER_LLVM_MAX_INSTRS", "40")] },
        env: &[("GOSSAMER_GC_STRESS", "100")],
        only: "",
        except: &[],
    },
];

const BUILD: Mode = Mode::Build { args: &["build"], compile_env: &[] };
const RELEASE: Mode = Mode::Build { args: &["build", "--release"], compile_env: &[] };

/// A program that one tier does not run yet, and why.
struct Skip {
    tier: &'static str,
    /// `<area>/<name>` without the `.gos`.
    program: &'static str,
    reason: &'static str,
}

/// Known gaps. Every entry is a bug in a tier (DESIGN.md: a program that
/// passes on one tier and fails on another is a tier bug), so each must say
/// what is missing.
const SKIPS: &[Skip] = &[];

/// How long one process (a compile step or a program run) may take before it
/// is killed and the trial fails. Most programs take milliseconds; the
/// 10,000-goroutine stress programs take ~15 s under GC stress (every
/// collection scans 10,000 stacks), so a minute leaves room for a loaded
/// machine while still catching a hang (a deadlock, an infinite loop).
const TIMEOUT: Duration = Duration::from_secs(60);

/// The suite must not shrink below these sizes (a lost directory or a broken
/// discovery would otherwise pass silently).
const MIN_PROGRAMS: usize = 200;
const MIN_NEGATIVE: usize = 40;

/// The gossamer binary under test, built by cargo for this test target.
const GOSSAMER: &str = env!("CARGO_BIN_EXE_gossamer");

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs")
}

/// A line of the source that must be reported: its 1-based number and the
/// text the message must contain.
#[derive(Clone, Debug, PartialEq)]
struct LineExpect {
    line: usize,
    text: String,
}

/// Everything a program's comments say about how it must behave.
#[derive(Clone, Debug, Default, PartialEq)]
struct Expectations {
    stdout: Vec<String>,
    errors: Vec<LineExpect>,
    panic: Option<LineExpect>,
    stderr: Vec<String>,
    exit: Option<i32>,
    args: Vec<String>,
    stdin: Vec<String>,
    env: Vec<(String, String)>,
    max_rss_mb: Option<u64>,
}

impl Expectations {
    /// Reads the directives out of a program's source. A directive is a `//`
    /// comment whose body starts with one of the directive words; the comment
    /// may follow code on the same line. Errors name the offending line.
    fn parse(src: &str) -> Result<Expectations, String> {
        let mut e = Expectations::default();
        let mut has_stdout_expect = false;
        for (i, line) in src.lines().enumerate() {
            let line_no = i + 1;
            let Some(body) = directive_body(line) else { continue };
            let (word, rest) = match body.find(':') {
                Some(colon) => (body[..colon].trim_end(), &body[colon + 1..]),
                None => return Err(format!("line {line_no}: directive `// {body}` has no `:`")),
            };
            // One space after the colon separates the directive from its text;
            // anything beyond it belongs to the text.
            let text = rest.strip_prefix(' ').unwrap_or(rest);
            let need_text = |what: &str| {
                if text.trim().is_empty() {
                    Err(format!("line {line_no}: `// {what}:` needs a text"))
                } else {
                    Ok(text.to_string())
                }
            };
            match word {
                "expect" => {
                    has_stdout_expect = true;
                    e.stdout.push(text.to_string());
                }
                "expect error" => e.errors.push(LineExpect { line: line_no, text: need_text(word)? }),
                "expect panic" => {
                    if e.panic.is_some() {
                        return Err(format!("line {line_no}: a program can panic only once"));
                    }
                    e.panic = Some(LineExpect { line: line_no, text: need_text(word)? });
                }
                "expect stderr" => e.stderr.push(need_text(word)?),
                "exit" => {
                    let code = text.trim().parse::<i32>().map_err(|_| format!("line {line_no}: `// exit:` needs an integer, found `{}`", text.trim()))?;
                    if e.exit.replace(code).is_some() {
                        return Err(format!("line {line_no}: a second `// exit:`"));
                    }
                }
                "args" => e.args.extend(text.split_whitespace().map(str::to_string)),
                "stdin" => e.stdin.push(text.to_string()),
                "env" => {
                    let (k, v) = text.split_once('=').ok_or_else(|| format!("line {line_no}: `// env:` needs NAME=value"))?;
                    e.env.push((k.trim().to_string(), v.to_string()));
                }
                "max-rss-mb" => {
                    let mb = text.trim().parse::<u64>().map_err(|_| format!("line {line_no}: `// max-rss-mb:` needs a whole number of MiB, found `{}`", text.trim()))?;
                    if e.max_rss_mb.replace(mb).is_some() {
                        return Err(format!("line {line_no}: a second `// max-rss-mb:`"));
                    }
                }
                other => return Err(format!("line {line_no}: unknown directive `// {other}:`")),
            }
        }
        if !e.errors.is_empty() {
            let others = has_stdout_expect || e.panic.is_some() || !e.stderr.is_empty() || e.exit.is_some() || !e.args.is_empty() || !e.stdin.is_empty();
            if others {
                return Err("a program with `// expect error:` is only compiled; it cannot expect output, a panic or an exit status too".into());
            }
        } else if !has_stdout_expect && e.panic.is_none() && e.stderr.is_empty() && e.exit.is_none() {
            return Err("the program expects nothing (add `// expect:` lines or another expectation); a test that asserts nothing cannot fail".into());
        }
        if let (Some(p), Some(code)) = (&e.panic, e.exit) {
            if code != 2 {
                return Err(format!("line {}: a panic exits with status 2, but `// exit: {code}` is given", p.line));
            }
        }
        Ok(e)
    }

    fn is_negative(&self) -> bool {
        !self.errors.is_empty() || self.panic.is_some()
    }

    fn expected_stdout(&self) -> String {
        self.stdout.iter().map(|l| format!("{l}\n")).collect()
    }

    fn expected_exit(&self) -> i32 {
        self.exit.unwrap_or(if self.panic.is_some() { 2 } else { 0 })
    }
}

/// The directive words, longest first so that `expect error` is not taken
/// for `expect`.
const DIRECTIVES: &[&str] = &["expect stderr", "expect error", "expect panic", "expect", "exit", "args", "stdin", "env", "max-rss-mb"];

/// If the line carries a directive comment, returns the comment's body (after
/// `// `). A comment that merely starts with a directive-like word followed by
/// something other than `:` (such as `// expected value`) is ordinary prose,
/// but `// expect-error:` or `// expect eror:` is reported as unknown.
fn directive_body(line: &str) -> Option<&str> {
    let at = line.find("//")?;
    let body = line[at + 2..].trim_start();
    let first_word_end = body.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(body.len());
    let first = &body[..first_word_end];
    if !DIRECTIVES.iter().any(|d| d.split([' ', '-']).next() == Some(first)) {
        return None;
    }
    // `// expect: x`, `// expect error: x`, `// exit: 3`: the word(s) then a colon.
    // Prose such as `// exit the loop` has no colon right after its words.
    let colon = body.find(':')?;
    let head = &body[..colon];
    if head.chars().all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-' || c == '_') && head.split_whitespace().count() <= 2 {
        Some(body)
    } else {
        None
    }
}

/// One discovered program.
struct Program {
    /// `<area>/<name>`
    id: String,
    /// `<area>/<name>.gos`, relative to [`programs_dir`].
    rel_path: String,
    expect: Result<Expectations, String>,
}

fn discover() -> Result<Vec<Program>, String> {
    let root = programs_dir();
    let mut found = Vec::new();
    let areas = std::fs::read_dir(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    for area in areas {
        let area = area.map_err(|e| e.to_string())?;
        if !area.file_type().map_err(|e| e.to_string())?.is_dir() {
            continue;
        }
        let area_name = area.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(area.path()).map_err(|e| e.to_string())? {
            let path = file.map_err(|e| e.to_string())?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("gos") {
                continue;
            }
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let expect = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display())).and_then(|src| Expectations::parse(&src));
            found.push(Program { id: format!("{area_name}/{stem}"), rel_path: format!("{area_name}/{stem}.gos"), expect });
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

/// What a finished (or killed) process produced.
struct Outcome {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    timed_out: bool,
    /// The child's peak resident set size in KiB, from `wait4`.
    max_rss_kib: Option<u64>,
}

/// Runs a command with the given stdin, capturing both output streams, and
/// kills it after [`TIMEOUT`]. The pipes are drained on their own threads so
/// that a chatty child never blocks on a full pipe while we wait for it.
fn run_with_timeout(mut cmd: Command, stdin: &[u8]) -> Result<Outcome, String> {
    cmd.current_dir(programs_dir()).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let mut child_in = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    // A program that never reads its stdin closes the pipe early; the write
    // error that causes is expected and ignored.
    let writer = std::thread::spawn(move || {
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
    let (status, timed_out, max_rss_kib) = loop {
        match reap(&child, false)? {
            Some((status, rss)) => break (status, false, Some(rss)),
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let (status, rss) = reap(&child, true)?.ok_or("wait4 returned no child after kill")?;
                break (status, true, Some(rss));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let _ = writer.join();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    Ok(Outcome { status: status.code(), stdout, stderr, timed_out, max_rss_kib })
}

/// Reaps `child` with `wait4` (blocking or not) and returns its exit status
/// and its own peak RSS in KiB, or `None` while it still runs. `wait4` on
/// one pid reports that child's usage alone, unlike
/// `getrusage(RUSAGE_CHILDREN)`, which mixes every trial reaped so far.
/// Once this has returned `Some`, `child` must not be waited for or
/// killed again: its pid is free for reuse.
fn reap(child: &std::process::Child, block: bool) -> Result<Option<(std::process::ExitStatus, u64)>, String> {
    use std::os::unix::process::ExitStatusExt;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own unreaped child; both out-pointers are valid.
        let r = unsafe { libc::wait4(pid, &mut status, if block { 0 } else { libc::WNOHANG }, &mut usage) };
        if r == pid {
            return Ok(Some((std::process::ExitStatus::from_raw(status), usage.ru_maxrss.max(0) as u64)));
        }
        if r == 0 {
            return Ok(None);
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4({pid}): {err}"));
        }
    }
}

fn describe_status(status: Option<i32>) -> String {
    status.map_or("none (killed by a signal)".to_string(), |c| c.to_string())
}

fn describe_command(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// A line diff of expected against actual output (longest common
/// subsequence), `-` for expected lines that are missing and `+` for actual
/// lines that were not expected. Outputs are small, so the quadratic table is
/// fine; beyond a size limit it shows both texts whole instead.
fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    let mut out = String::new();
    if a.len() * b.len() > 4_000_000 {
        let _ = write!(out, "--- expected ---\n{expected}\n--- actual ---\n{actual}\n");
        return out;
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let show = |l: &str| {
        // Makes a missing final newline and trailing blanks visible.
        match l.strip_suffix('\n') {
            Some(body) => format!("{body:?}"),
            None => format!("{l:?} (no newline)"),
        }
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "  {}", show(a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "+ {}", show(b[j]));
            j += 1;
        } else {
            let _ = writeln!(out, "- {}", show(a[i]));
            i += 1;
        }
    }
    out
}

/// A failure report: what went wrong, then the command, the stdout diff and
/// the stderr.
fn report(problems: &[String], command: &str, expected_stdout: &str, outcome: &Outcome) -> Failed {
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let mut msg = String::new();
    for p in problems {
        let _ = writeln!(msg, "{p}");
    }
    let _ = writeln!(msg, "command (in tests/programs): {command}");
    let _ = writeln!(msg, "exit status: {}", describe_status(outcome.status));
    if stdout != expected_stdout {
        let _ = write!(msg, "stdout (- expected, + actual):\n{}", line_diff(expected_stdout, &stdout));
    }
    let _ = write!(msg, "stderr:\n{}", if stderr.is_empty() { "(empty)\n".into() } else { stderr });
    msg.into()
}

/// Checks a compile-error program: `gossamer check` must exit 1 and report
/// every `expect error` line with its text.
fn check_compile_error(rel_path: &str, expect: &Expectations) -> Result<(), Failed> {
    let mut cmd = Command::new(GOSSAMER);
    cmd.arg("check").arg(rel_path);
    let command = describe_command(&cmd);
    let outcome = run_with_timeout(cmd, b"")?;
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let mut problems = Vec::new();
    if outcome.timed_out {
        problems.push(format!("timed out after {TIMEOUT:?}"));
    }
    if outcome.status != Some(1) {
        problems.push(format!("expected exit status 1 (compile error), got {}", describe_status(outcome.status)));
    }
    for e in &expect.errors {
        let location = format!("{rel_path}:{}:", e.line);
        // The location and the message are on the same diagnostic line.
        let found = stderr.lines().any(|l| l.contains(&location) && l.contains(&e.text));
        if !found {
            problems.push(format!("expected an error at `{location}` containing {:?}", e.text));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(report(&problems, &command, "", &outcome))
    }
}

/// One executable built for every `Build` tier with the same arguments
/// (the tiers differ only in the environment the program runs with), kept
/// until the last of them has run it.
struct SharedBuild {
    result: Result<PathBuf, String>,
    users: usize,
}

type BuildCell = Arc<std::sync::Mutex<Option<SharedBuild>>>;

fn builds() -> &'static std::sync::Mutex<std::collections::HashMap<String, BuildCell>> {
    static BUILDS: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, BuildCell>>> =
        std::sync::OnceLock::new();
    BUILDS.get_or_init(Default::default)
}

fn build_key(args: &[&str], compile_env: &[(&str, &str)], id: &str) -> String {
    let env: Vec<String> = compile_env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{} {}:{id}", env.join(" "), args.join(" "))
}

/// Builds program `id` with `gossamer <args…>` once, for every tier that
/// runs it with those arguments; returns the executable.
fn shared_build(mode: Mode, rel_path: &str, id: &str) -> Result<PathBuf, Failed> {
    let Mode::Build { args, compile_env } = mode else { unreachable!("only Build tiers build") };
    let cell = builds().lock().unwrap_or_else(|e| e.into_inner()).entry(build_key(args, compile_env, id)).or_default().clone();
    let mut slot = cell.lock().unwrap_or_else(|e| e.into_inner());
    if slot.is_none() {
        let users = TIERS
            .iter()
            .filter(|t| matches!(t.mode, Mode::Build { args: a, compile_env: e } if a == args && e == compile_env))
            .filter(|t| id.starts_with(t.only) && !t.except.iter().any(|(x, _)| *x == id))
            .count();
        let dir = std::env::temp_dir().join(format!("gossamer-conformance-{}", std::process::id()));
        let result = (|| {
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let exe = dir.join(format!("{}{}-{}", args.join("-"), compile_env.len(), id.replace('/', "-")));
            let mut build = Command::new(GOSSAMER);
            build.args(args).arg(rel_path).arg("-o").arg(&exe).envs(compile_env.iter().copied());
            let command = describe_command(&build);
            let outcome = run_with_timeout(build, b"")?;
            if outcome.timed_out || outcome.status != Some(0) {
                let _ = std::fs::remove_file(&exe);
                let what = if outcome.timed_out { format!("the build timed out after {TIMEOUT:?}") } else { "the build failed".to_string() };
                return Err(report(&[what], &command, "", &outcome).message().unwrap_or("the build failed").to_string());
            }
            Ok(exe)
        })();
        *slot = Some(SharedBuild { result, users });
    }
    let result = slot.as_ref().expect("just built").result.clone();
    drop(slot);
    result.map_err(|e| {
        release_build(mode, id);
        e.into()
    })
}

/// One tier is done with the shared executable of `id`; the last removes it.
fn release_build(mode: Mode, id: &str) {
    let Mode::Build { args, compile_env } = mode else { return };
    let cell = builds().lock().unwrap_or_else(|e| e.into_inner()).get(&build_key(args, compile_env, id)).cloned();
    let Some(cell) = cell else { return };
    let mut slot = cell.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(b) = slot.as_mut() {
        b.users = b.users.saturating_sub(1);
        if b.users == 0 {
            if let Ok(exe) = &b.result {
                let _ = std::fs::remove_file(exe);
            }
        }
    }
}

/// Runs a program on one tier and checks exit status, stdout, panic and
/// stderr expectations.
fn run_program(tier: &Tier, rel_path: &str, id: &str, expect: &Expectations) -> Result<(), Failed> {
    let mut stdin = String::new();
    for l in &expect.stdin {
        stdin.push_str(l);
        stdin.push('\n');
    }
    // A built executable is removed once it has run, pass or fail.
    let mut built: Option<PathBuf> = None;
    let mut cmd = match tier.mode {
        Mode::Run { args } => {
            let mut cmd = Command::new(GOSSAMER);
            cmd.args(args).arg(rel_path);
            cmd
        }
        Mode::Build { .. } => {
            let exe = shared_build(tier.mode, rel_path, id)?;
            built = Some(exe.clone());
            Command::new(exe)
        }
    };
    cmd.args(&expect.args);
    for (k, v) in tier.env {
        cmd.env(k, v);
    }
    for (k, v) in &expect.env {
        cmd.env(k, v);
    }
    let command = describe_command(&cmd);
    let outcome = run_with_timeout(cmd, stdin.as_bytes());
    if built.is_some() {
        release_build(tier.mode, id);
    }
    let outcome = outcome?;
    let expected_stdout = expect.expected_stdout();
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let mut problems = Vec::new();
    if outcome.timed_out {
        problems.push(format!("timed out after {TIMEOUT:?} and was killed"));
    }
    let want_exit = expect.expected_exit();
    if outcome.status != Some(want_exit) {
        problems.push(format!("expected exit status {want_exit}, got {}", describe_status(outcome.status)));
    }
    if stdout != expected_stdout {
        problems.push("stdout differs".to_string());
    }
    if let Some(p) = &expect.panic {
        // The report's last line is `<file>:<line>:<col>`, the file as it
        // was given to the compiler.
        let location = format!("{rel_path}:{}:", p.line);
        if !stderr.contains("panic: ") || !stderr.contains(&p.text) || !stderr.contains(&location) {
            problems.push(format!("expected stderr to report `panic: ` with {:?} at line {} (`{location}`)", p.text, p.line));
        }
    }
    for s in &expect.stderr {
        if !stderr.contains(s.as_str()) {
            problems.push(format!("expected stderr to contain {s:?}"));
        }
    }
    if let (Some(limit), Some(kib)) = (expect.max_rss_mb, outcome.max_rss_kib) {
        if kib > limit * 1024 {
            problems.push(format!("peak RSS was {:.1} MiB, above the `// max-rss-mb: {limit}` limit", kib as f64 / 1024.0));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(report(&problems, &command, &expected_stdout, &outcome))
    }
}

/// The suite-level checks: enough programs, enough negative ones, and no
/// stale skips.
fn suite_trials(programs: &Arc<Vec<Program>>) -> Vec<Trial> {
    let p = Arc::clone(programs);
    let size = Trial::test("suite::size", move || {
        let negative = p.iter().filter(|p| p.expect.as_ref().is_ok_and(Expectations::is_negative)).count();
        if p.len() < MIN_PROGRAMS || negative < MIN_NEGATIVE {
            return Err(format!("the suite has {} programs ({negative} negative); it must keep at least {MIN_PROGRAMS} ({MIN_NEGATIVE} negative)", p.len()).into());
        }
        Ok(())
    });
    let p = Arc::clone(programs);
    let skips = Trial::test("suite::skips", move || {
        let ids: BTreeSet<&str> = p.iter().map(|p| p.id.as_str()).collect();
        let mut stale = Vec::new();
        for s in SKIPS {
            if !TIERS.iter().any(|t| t.name == s.tier) {
                stale.push(format!("skip of {} names unknown tier `{}`", s.program, s.tier));
            }
            if !ids.contains(s.program) {
                stale.push(format!("skip on {} names unknown program `{}`", s.tier, s.program));
            }
            if s.reason.trim().is_empty() {
                stale.push(format!("skip of {} on {} gives no reason", s.program, s.tier));
            }
        }
        for t in TIERS {
            for (id, reason) in t.except {
                if !ids.contains(*id) || !id.starts_with(t.only) || reason.trim().is_empty() {
                    stale.push(format!("tier {} leaves out `{id}`, which it would not run, or without a reason", t.name));
                }
            }
        }
        if stale.is_empty() {
            Ok(())
        } else {
            Err(stale.join("\n").into())
        }
    });
    vec![size, skips]
}

fn main() {
    let args = Arguments::from_args();
    let programs = match discover() {
        Ok(p) => Arc::new(p),
        Err(e) => {
            eprintln!("conformance: {e}");
            std::process::exit(1);
        }
    };
    let mut trials = suite_trials(&programs);
    trials.extend(harness_trials());
    for (index, program) in programs.iter().enumerate() {
        let expect = match &program.expect {
            Ok(e) => e,
            Err(msg) => {
                let msg = format!("{}: malformed expectations: {msg}", program.rel_path);
                trials.push(Trial::test(format!("malformed::{}", program.id), move || Err(msg.into())));
                continue;
            }
        };
        if !expect.errors.is_empty() {
            let p = Arc::clone(&programs);
            trials.push(Trial::test(format!("check::{}", program.id), move || {
                let prog = &p[index];
                check_compile_error(&prog.rel_path, prog.expect.as_ref().expect("parsed above"))
            }));
            continue;
        }
        for tier in TIERS {
            if !program.id.starts_with(tier.only) || tier.except.iter().any(|(id, _)| *id == program.id) {
                continue;
            }
            let skipped = SKIPS.iter().any(|s| s.tier == tier.name && s.program == program.id);
            let p = Arc::clone(&programs);
            let trial = Trial::test(format!("{}::{}", tier.name, program.id), move || {
                let prog = &p[index];
                run_program(tier, &prog.rel_path, &prog.id, prog.expect.as_ref().expect("parsed above"))
            });
            trials.push(trial.with_ignored_flag(skipped));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Checks of the harness itself, run as ordinary trials (a `harness =
/// false` target has no `#[test]` functions): the directive parser and the
/// diff are what every other trial's verdict rests on.
fn harness_trials() -> Vec<Trial> {
    vec![
        Trial::test("harness::parse_directives", || {
            let src = "fn main() {\n    println!(\"a\") // expect: a\n    // expect:\n    // expect:   x\n    let v = 1 // expect panic: boom\n}\n// args: p q\n// stdin: one\n// env: K=v=w\n// expected value, not a directive\n";
            let e = Expectations::parse(src)?;
            let want = Expectations {
                stdout: vec!["a".into(), "".into(), "  x".into()],
                panic: Some(LineExpect { line: 5, text: "boom".into() }),
                args: vec!["p".into(), "q".into()],
                stdin: vec!["one".into()],
                env: vec![("K".into(), "v=w".into())],
                ..Expectations::default()
            };
            if e != want {
                return Err(format!("parsed {e:?}, wanted {want:?}").into());
            }
            if e.expected_stdout() != "a\n\n  x\n" || e.expected_exit() != 2 {
                return Err("wrong derived stdout or exit".into());
            }
            Ok(())
        }),
        Trial::test("harness::reject_malformed", || {
            let bad = [
                "fn main() {}\n",
                "fn main() {} // expect-error: x\n",
                "fn main() {} // expect error:\n",
                "fn main() {} // exit: two\n",
                "fn main() { x } // expect error: y\n// expect: z\n",
                "fn main() { panic!() } // expect panic: p\n// exit: 1\n",
            ];
            for src in bad {
                if Expectations::parse(src).is_ok() {
                    return Err(format!("accepted malformed program {src:?}").into());
                }
            }
            Ok(())
        }),
        Trial::test("harness::max_rss", max_rss_trial),
        Trial::test("suite::release_fallback", release_fallback_trial),
        Trial::test("suite::release_promotion", release_promotion_trial),
        Trial::test("harness::line_diff", || {
            let d = line_diff("a\nb\nc\n", "a\nx\nc\n");
            let want = "  \"a\"\n+ \"x\"\n- \"b\"\n  \"c\"\n";
            if d != want {
                return Err(format!("diff was\n{d}").into());
            }
            Ok(())
        }),
    ]
}

/// The `// max-rss-mb:` directive parses, and the peak RSS that
/// [`run_with_timeout`] reports is the child's own: a program that touches
/// 96 MiB reports more than that, a trivial one far less.
/// `gossamer build --release --verbose` with a limit that sends `main` (and
/// only the larger functions) to Cranelift: the build says which functions
/// fell back and why, and the executable, mixing both backends, prints
/// what the VM prints.
fn release_fallback_trial() -> Result<(), Failed> {
    let dir = std::env::temp_dir().join(format!("gossamer-conformance-fallback-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let src = dir.join("mixed.gos");
    std::fs::write(
        &src,
        "fn sq(x: i64) -> i64 {\n    x * x\n}\n\nfn main() {\n    let mut total = 0\n    let mut words: Vec<String> = Vec::new()\n    for i in 0..100 {\n        total += sq(i)\n        if i % 25 == 0 {\n            words.push(format!(\"w{}\", i))\n        }\n    }\n    println!(\"{} {:?}\", total, words)\n}\n",
    )
    .map_err(|e| e.to_string())?;
    let exe = dir.join("mixed");
    let mut build = Command::new(GOSSAMER);
    build.args(["build", "--release", "--verbose"]).arg(&src).arg("-o").arg(&exe).env("GOSSAMER_LLVM_MAX_INSTRS", "12");
    let built = run_with_timeout(build, b"")?;
    let log = String::from_utf8_lossy(&built.stderr).to_string();
    if built.status != Some(0) {
        return Err(format!("the build failed ({}):\n{log}", describe_status(built.status)).into());
    }
    if !log.contains("cranelift: `main`: ") || !log.contains("more than GOSSAMER_LLVM_MAX_INSTRS=12") {
        return Err(format!("--verbose did not report `main` falling back:\n{log}").into());
    }
    if log.contains("cranelift: `sq`") {
        return Err(format!("`sq` (4 instructions) fell back too:\n{log}").into());
    }
    let ran = run_with_timeout(Command::new(&exe), b"")?;
    let _ = std::fs::remove_dir_all(&dir);
    let out = String::from_utf8_lossy(&ran.stdout);
    let want = "328350 [\"w0\", \"w25\", \"w50\", \"w75\"]\n";
    if ran.status != Some(0) || out != want {
        return Err(format!("the mixed executable printed {out:?} ({}), wanted {want:?}", describe_status(ran.status)).into());
    }
    Ok(())
}

/// `gossamer build --release --verbose` of the program that changes fixed
/// arrays of structs in place reports the functions whose arrays LLVM
/// keeps in registers (`gos_llvm::promote`): those that change element
/// fields and call nothing, and not `show` (it calls `println!`) nor
/// `main`. The program's output on this tier is checked by the `release`
/// tier like every program's.
fn release_promotion_trial() -> Result<(), Failed> {
    let dir = std::env::temp_dir().join(format!("gossamer-conformance-promotion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let exe = dir.join("promoted");
    let mut build = Command::new(GOSSAMER);
    build.args(["build", "--release", "--verbose"]).arg(programs_dir().join("values_refs/array_of_structs_in_place.gos")).arg("-o").arg(&exe);
    let built = run_with_timeout(build, b"")?;
    let _ = std::fs::remove_dir_all(&dir);
    let log = String::from_utf8_lossy(&built.stderr).to_string();
    if built.status != Some(0) {
        return Err(format!("the build failed ({}):\n{log}", describe_status(built.status)).into());
    }
    for want in [
        "promoted: `step`: parameter 1 ([P; 4]): 3 fields of each element in registers, 3 written back",
        "promoted: `first_below`: parameter 1 ([P; 4]): 3 fields",
        "promoted: `bump`: parameter 1 ([P; 4]): 1 field of each element",
        "promoted: `swap_halves`: parameter 1 ([tuple; 3])",
    ] {
        if !log.contains(want) {
            return Err(format!("--verbose did not report {want:?}:\n{log}").into());
        }
    }
    for not in ["promoted: `show`", "promoted: `main`"] {
        if log.contains(not) {
            return Err(format!("--verbose reported {not:?}, a function that calls:\n{log}").into());
        }
    }
    Ok(())
}

fn max_rss_trial() -> Result<(), Failed> {
    let e = Expectations::parse("fn main() {} // exit: 0\n// max-rss-mb: 64\n")?;
    if e.max_rss_mb != Some(64) {
        return Err(format!("parsed {:?}, wanted Some(64)", e.max_rss_mb).into());
    }
    for bad in ["fn main() {} // exit: 0\n// max-rss-mb: lots\n", "fn main() {} // exit: 0\n// max-rss-mb: 1\n// max-rss-mb: 2\n"] {
        if Expectations::parse(bad).is_ok() {
            return Err(format!("accepted malformed program {bad:?}").into());
        }
    }
    let dir = std::env::temp_dir().join(format!("gossamer-conformance-rss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let measure = |name: &str, src: &str| -> Result<u64, String> {
        let path = dir.join(name);
        std::fs::write(&path, src).map_err(|e| e.to_string())?;
        let mut cmd = Command::new(GOSSAMER);
        cmd.arg("run").arg(&path);
        let out = run_with_timeout(cmd, b"")?;
        if out.status != Some(0) {
            return Err(format!("{name} exited with {}: {}", describe_status(out.status), String::from_utf8_lossy(&out.stderr)));
        }
        out.max_rss_kib.ok_or_else(|| format!("no peak RSS for {name}"))
    };
    // 12,582,912 words are 96 MiB; writing every 512th word touches each page.
    let big = measure("big.gos", "fn main() {\n    let v = vec![0; 12582912]\n    let mut i = 0\n    while i < v.len() {\n        v[i] = i\n        i += 512\n    }\n    println(v[512])\n}\n");
    let small = measure("small.gos", "fn main() {\n    println(1)\n}\n");
    let _ = std::fs::remove_dir_all(&dir);
    let (big, small) = (big?, small?);
    if big < 96 * 1024 || small >= 64 * 1024 {
        return Err(format!("peak RSS: {big} KiB for a 96 MiB program, {small} KiB for a trivial one").into());
    }
    Ok(())
}
