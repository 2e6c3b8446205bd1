//! Error reporting: rustc's wording, spans that point at the problem, one
//! error per item without cascades, and lexical errors.

use gos_syntax::parse;

/// The errors for `src` as `line:col: message`.
fn errors(src: &str) -> Vec<String> {
    let errors = parse(src).expect_err("expected a syntax error");
    errors
        .iter()
        .map(|e| {
            let before = &src[..e.span.lo as usize];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{line}:{col}: {}", e.message)
        })
        .collect()
}

fn first(src: &str) -> String {
    errors(src).remove(0)
}

#[test]
fn unexpected_tokens_name_the_alternatives() {
    assert_eq!(first("fn f() { let x = (1, 2; 3) }"), "1:23: expected one of `,` or `)`, found `;`");
    assert_eq!(first("fn f() { f(a; b) }"), "1:13: expected one of `,` or `)`, found `;`");
    assert_eq!(first("struct P { x: i64 y: i64 }"), "1:19: expected one of `,`, `;`, or `}`, found `y`");
    assert_eq!(first("fn f() { let x = 5 let y = 6 }"), "1:20: expected one of `;` or `}`, found `let`");
    assert_eq!(first("fn f() { match x { 1 => 2 3 => 4 } }"), "1:27: expected one of `,`, `;`, or `}`, found `3`");
}

#[test]
fn missing_expressions_and_items() {
    assert_eq!(first("fn f() { let = 5 }"), "1:14: expected pattern, found `=`");
    assert_eq!(first("fn f() { a > > b }"), "1:14: expected expression, found `>`");
    assert_eq!(first(")"), "1:1: unexpected closing delimiter: `)`");
    assert_eq!(first("fn f() {} let"), "1:11: expected item, found `let`");
    assert_eq!(first("fn f() { x + }"), "1:14: expected expression, found `}`");
}

#[test]
fn end_of_line_and_end_of_file() {
    assert_eq!(first("fn f() { if x\n{ } }"), "1:14: expected `{`, found end of line");
    assert_eq!(first("fn f() {"), "1:8: this file contains an unclosed delimiter `{`");
    assert_eq!(first("fn f() { g(1, \n"), "1:8: this file contains an unclosed delimiter `{`");
    assert_eq!(first("fn"), "1:3: unexpected end of file, expected identifier");
}

#[test]
fn constructs_outside_the_language_are_explained() {
    assert_eq!(first("fn f() { dbg!(x) }"), "1:10: cannot find macro `dbg` in this scope");
    assert!(first("fn f<T>() -> i64 where T: X { 1 }").starts_with("1:18: `where` clauses are not supported"));
    assert_eq!(first("fn f() { x.0u8 }"), "1:12: suffixes on a tuple index are invalid: `u8`");
    assert_eq!(first("impl &T for X {}"), "1:6: expected a trait name before `for`");
    assert_eq!(
        first("fn f() { select { x.foo() => 1 } }"),
        "1:19: a select arm must be `v = rx.recv()`, `rx.recv()`, `tx.send(value)` or `default`"
    );
    assert_eq!(first("fn f(x: Foo(i64)) {}"), "1:9: expected `Fn`, `FnMut` or `FnOnce` before `(`, found `Foo`");
    assert_eq!(first("pub(foo) fn f() {}"), "1:5: expected `crate`, `super` or `self` in visibility, found `foo`");
    assert_eq!(first("fn f() { println![x; 3] }"), "1:10: `println!` does not take a `[value; count]` argument");
    assert_eq!(first("fn f() { a < b < c }"), "1:16: expected one of `;` or `}`, found `<`");
}

#[test]
fn one_error_per_item_without_cascades() {
    let src = "fn a() { x + }\nfn b() { y * }\nfn c() { ok() }\nfn d() { let }\nstruct S { x: }\n";
    let found = errors(src);
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(
        found[..3],
        [
            "1:14: expected expression, found `}`",
            "2:14: expected expression, found `}`",
            "4:14: expected pattern, found `}`"
        ]
    );
    assert!(found[3].starts_with("5:15: "), "{found:?}");
    // A broken item in the middle does not hide the items after it.
    let src = "fn a() { let x = ; }\n\nfn b() { ok() }\nfn c() { 1 + }";
    assert_eq!(errors(src).len(), 2);
    // Unbalanced delimiters are one error, not a cascade.
    let src = "fn a() { (((( }\n\nfn b() { ok() }\nfn c() { 1 + }";
    assert_eq!(errors(src), ["1:15: mismatched closing delimiter: `}`"]);
}

#[test]
fn one_error_per_statement_inside_a_function() {
    let src = "fn f() {\n    let a = 1 + ;\n    let b = (2 3)\n    let c = g(4;)\n    ok(a)\n    if x { y + } else { z }\n    match v { 1 => 2 +, _ => 3 }\n}\nfn g(,) {}\nfn h() { 1 }";
    assert_eq!(
        errors(src),
        [
            "2:17: expected expression, found `;`",
            "3:16: expected one of `,` or `)`, found `3`",
            "4:16: expected one of `,` or `)`, found `;`",
            "6:16: expected expression, found `}`",
            "7:23: expected expression, found `,`",
            "9:6: expected pattern, found `,`",
        ]
    );
}

#[test]
fn unbalanced_delimiters_are_reported_first() {
    assert_eq!(errors("fn f() { g(1, 2 }"), ["1:17: mismatched closing delimiter: `}`"]);
    assert_eq!(errors("fn f() { }\n}"), ["2:1: unexpected closing delimiter: `}`"]);
}

#[test]
fn statement_recovery_is_bounded() {
    let src = format!("fn f() {{\n{}}}", "let = 1\n".repeat(1000));
    assert_eq!(errors(&src).len(), 32);
}

#[test]
fn lexical_errors_are_reported_with_their_spans() {
    assert_eq!(errors("fn f() { \"a\\qb\" }"), ["1:12: unknown character escape: `q`"]);
    assert_eq!(errors("fn f() { 0b102 }"), ["1:14: invalid digit for a base 2 literal"]);
    assert_eq!(errors("fn f() { 999999999999999999999999999999999999999999 }"), ["1:10: integer literal is too large"]);
    assert_eq!(errors("fn f() { \"open }"), ["1:10: unterminated double quote string"]);
    assert_eq!(
        errors("fn f() { a ~ b; c ~ d }"),
        ["1:12: unknown start of token: ~", "1:19: unknown start of token: ~"]
    );
    assert_eq!(errors("/* never closed"), ["1:1: unterminated block comment"]);
}

#[test]
fn attributes_must_be_closed() {
    assert_eq!(errors("#[derive(Debug)\nstruct P"), ["1:1: unterminated attribute"]);
}
