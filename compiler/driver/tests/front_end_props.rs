//! Property test: no input makes the front end (parser and checker) panic,
//! hang or overflow its stack.
//!
//! Inputs are random token soups and random mutations (byte and token
//! deletions, duplications, insertions of punctuation and keywords) of the
//! conformance programs, so that most of them get deep into the checker
//! instead of stopping at the first syntax error. Each case runs on a thread
//! with the driver's stack size; a case that does not finish within a few
//! seconds is a hang and fails the test. The whole test is bounded to about
//! 30 seconds by its case count.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const STACK: usize = 256 << 20;

fn programs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs");
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "gos") {
                if let Ok(s) = std::fs::read_to_string(&p) {
                    out.push(s);
                }
            }
        }
    }
    out.sort();
    out
}

/// Runs the front end on `src` in a fresh thread; fails on panic or hang.
fn front_end_survives(src: String) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let shown = src.chars().take(400).collect::<String>();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| {
                let prelude = gos_syntax::parse(gos_stdlib::PRELUDE).expect("prelude parses");
                if let Ok(ast) = gos_syntax::parse(&src) {
                    let _ = gos_check::check("fuzz.gos", &src, &ast, &prelude);
                }
            });
            let _ = tx.send(result.is_ok());
        })
        .map_err(|e| e.to_string())?;
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(true) => Ok(()),
        Ok(false) => Err(format!("front end panicked on:\n{shown}")),
        Err(_) => Err(format!("front end hung on:\n{shown}")),
    }
}

const PIECES: &[&str] = &[
    "fn", "let", "mut", "if", "else", "match", "while", "for", "in", "loop", "break", "continue", "return", "struct",
    "enum", "impl", "trait", "&", "&mut", "*", "(", ")", "{", "}", "[", "]", "<", ">", "::", ".", ",", ";", ":", "=",
    "==", "=>", "->", "|", "||", "|>", "?", "..", "..=", "+", "-", "x", "T", "Self", "self", "0", "1.5", "\"s\"",
    "'c'", "'a:", "\n", "go", "defer", "select", "as", "i64", "Vec<i64>", "Option<T>", "Some(", "None", "_", "#[derive(Debug)]",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteByte(usize),
    DeleteRange(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
}

fn apply(src: &str, muts: &[Mutation]) -> String {
    let mut s: Vec<u8> = src.as_bytes().to_vec();
    for m in muts {
        if s.is_empty() {
            break;
        }
        let n = s.len();
        match *m {
            Mutation::DeleteByte(p) => {
                s.remove(p % n);
            }
            Mutation::DeleteRange(p, len) => {
                let a = p % n;
                let b = (a + len % 40).min(n);
                s.drain(a..b);
            }
            Mutation::Insert(p, k) => {
                let piece = PIECES[k % PIECES.len()].as_bytes();
                let at = p % (n + 1);
                s.splice(at..at, piece.iter().copied());
            }
            Mutation::Duplicate(p, len) => {
                let a = p % n;
                let b = (a + len % 60).min(n);
                let chunk: Vec<u8> = s[a..b].to_vec();
                s.splice(b..b, chunk);
            }
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteByte),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::DeleteRange(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
    ]
}

#[test]
fn mutated_programs_never_crash_the_front_end() {
    let progs = programs();
    assert!(!progs.is_empty(), "no conformance programs found");
    let mut runner = TestRunner::new(Config { cases: 1500, failure_persistence: None, ..Config::default() });
    let strategy = (0..progs.len(), prop::collection::vec(mutation(), 1..6));
    runner
        .run(&strategy, |(i, muts)| {
            let src = apply(&progs[i], &muts);
            front_end_survives(src).map_err(TestCaseError::fail)
        })
        .unwrap();
}

#[test]
fn token_soups_never_crash_the_front_end() {
    let mut runner = TestRunner::new(Config { cases: 1500, failure_persistence: None, ..Config::default() });
    let strategy = prop::collection::vec(0..PIECES.len(), 0..200);
    runner
        .run(&strategy, |ks| {
            let src: Vec<&str> = ks.iter().map(|&k| PIECES[k]).collect();
            front_end_survives(src.join(" ")).map_err(TestCaseError::fail)
        })
        .unwrap();
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    for depth in [300usize, 10_000, 100_000] {
        let src = format!("fn main() {{ let x = {}1{}; }}", "(".repeat(depth), ")".repeat(depth));
        front_end_survives(src).unwrap();
        let src = format!("fn main() {{ let x = {}; }}", "-".repeat(depth) + "1");
        front_end_survives(src).unwrap();
        let src = format!("fn main() {{ {} }}", "{".repeat(depth));
        front_end_survives(src).unwrap();
        let src = format!("fn main() {{ let x = 1{}; }}", " + 1".repeat(depth));
        front_end_survives(src).unwrap();
    }
}
