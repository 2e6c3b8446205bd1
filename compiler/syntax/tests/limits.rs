//! Hostile and large inputs: the front end neither panics nor overflows its
//! stack, and stays linear.

use std::time::{Duration, Instant};

use gos_syntax::parse;

fn first_message(src: &str) -> String {
    parse(src).expect_err("expected an error")[0].message.clone()
}

/// Runs `f` on a thread with a small stack, as a fuzzer or an embedding
/// might, so that any recursion proportional to the input would show.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).expect("spawn").join().expect("no panic")
}

#[test]
fn deep_delimiters_are_an_error_not_an_overflow() {
    let msg = on_small_stack(|| first_message(&format!("fn f() {{ {} }}", "(".repeat(100_000))));
    assert_eq!(msg, "expression nested too deeply");
    let msg = on_small_stack(|| first_message(&"{".repeat(100_000)));
    assert_eq!(msg, "expression nested too deeply");
    let msg = on_small_stack(|| first_message(&"[".repeat(1000)));
    assert_eq!(msg, "expression nested too deeply");
}

#[test]
fn ten_megabytes_of_open_parentheses() {
    let start = Instant::now();
    let msg = on_small_stack(|| first_message(&"(".repeat(10 << 20)));
    assert_eq!(msg, "expression nested too deeply");
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

#[test]
fn long_operator_chains_are_bounded() {
    let chain = on_small_stack(|| first_message(&format!("fn f() {{ {}1 }}", "1 + ".repeat(200_000))));
    assert_eq!(chain, "expression nested too deeply");
    let negs = on_small_stack(|| first_message(&format!("fn f() {{ {}x }}", "-".repeat(200_000))));
    assert_eq!(negs, "expression nested too deeply");
    let refs = on_small_stack(|| first_message(&format!("fn f(x: {}i64) {{}}", "&".repeat(200_000))));
    assert_eq!(refs, "expression nested too deeply");
    let calls = on_small_stack(|| first_message(&format!("fn f() {{ f{} }}", "()".repeat(200_000))));
    assert_eq!(calls, "expression nested too deeply");
    let elses = on_small_stack(|| first_message(&format!("fn f() {{ {}{{}} }}", "if a {} else ".repeat(50_000))));
    assert_eq!(elses, "expression nested too deeply");
}

#[test]
fn nesting_just_under_the_limits_parses_and_drops_on_a_small_stack() {
    on_small_stack(|| {
        let parens = format!("fn f() {{ {}1{} }}", "(".repeat(250), ")".repeat(250));
        parse(&parens).expect("250 parentheses are fine");
        let blocks = format!("fn f() {{ {}1{} }}", "{".repeat(250), "}".repeat(250));
        parse(&blocks).expect("250 blocks are fine");
        let sum = format!("fn f() {{ {}1 }}", "1 + ".repeat(900));
        parse(&sum).expect("a 900-term sum is fine");
    });
}

#[test]
fn pathological_literals_lex_in_linear_time() {
    let start = Instant::now();
    // Every quote opens a string that escapes its own end.
    assert_eq!(first_message(&"\"\\".repeat(1 << 20)), "unterminated double quote string");
    assert!(first_message(&"'".repeat(1 << 20)).contains("character literal"));
    assert_eq!(first_message(&"/*".repeat(1 << 20)), "unterminated block comment");
    assert_eq!(first_message(&"r#\"".repeat(1 << 20)), "unterminated raw string");
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

#[test]
fn long_runs_of_comments_and_whitespace() {
    on_small_stack(|| {
        let comments = format!("fn main() {{\n{}}}", "    // expect: a line of output\n".repeat(100_000));
        parse(&comments).expect("comments");
        let blocks = format!("fn main() {{ {} }}", "/* c */ \n".repeat(100_000));
        parse(&blocks).expect("block comments");
        let errors = parse(&"~ ".repeat(100_000)).expect_err("unknown characters");
        assert_eq!(errors.len(), 100_000);
    });
}

#[test]
fn error_recovery_stays_linear_in_one_giant_function() {
    let start = Instant::now();
    let good = "    x = a + b\n".repeat(50_000);
    let bad = "    let = 1\n".repeat(100);
    let errors = parse(&format!("fn f() {{\n{good}{bad}}}")).expect_err("errors");
    assert!(!errors.is_empty() && errors.len() <= 32);
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
}

#[test]
fn long_flat_programs_parse() {
    let stmts = "    x = -a + b * c\n".repeat(20_000);
    parse(&format!("fn f() {{\n{stmts}}}")).expect("many statements");
    let list = format!("fn f() {{ let v = [{}] }}", vec!["-1"; 50_000].join(", "));
    parse(&list).expect("a long list");
    let items = "fn g(a: i64) -> i64 { a }\n".repeat(10_000);
    parse(&items).expect("many items");
}

/// A realistic 10,000-line program; the timing bound here is generous for
/// debug builds on a loaded machine (release takes a few milliseconds,
/// see `benches` in the crate README).
#[test]
fn ten_thousand_lines_parse_quickly() {
    let unit = include_str!("programs/exprs.gos");
    let lines = unit.lines().count();
    let copies = 10_000 / lines + 1;
    let mut src = String::new();
    for i in 0..copies {
        src.push_str(&unit.replace("fn main()", &format!("fn main{i}()")));
    }
    let start = Instant::now();
    let program = parse(&src).expect("parses");
    let elapsed = start.elapsed();
    assert_eq!(program.items.len(), copies);
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
}
