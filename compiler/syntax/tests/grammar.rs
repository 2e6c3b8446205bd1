//! Grammar tests: realistic programs parse, and the trees have the shapes
//! Rust's precedence and LANGUAGE.md's semicolon rule call for.

mod common;

use common::{expr_of, sexp, stmts_of};
use gos_syntax::ast::*;
use gos_syntax::parse;

fn parse_ok(name: &str, src: &str) -> Program {
    match parse(src) {
        Ok(p) => p,
        Err(errors) => {
            let shown: Vec<String> = errors
                .iter()
                .map(|e| {
                    let line = src[..e.span.lo as usize].matches('\n').count() + 1;
                    format!("{name}:{line}: {}", e.message)
                })
                .collect();
            panic!("{}", shown.join("\n"))
        }
    }
}

#[test]
fn the_sample_programs_parse() {
    let items = parse_ok("items.gos", include_str!("programs/items.gos"));
    assert_eq!(items.items.len(), 24);
    parse_ok("exprs.gos", include_str!("programs/exprs.gos"));
    parse_ok("asi.gos", include_str!("programs/asi.gos"));
}

#[test]
fn items_have_their_parts() {
    let p = parse_ok("items.gos", include_str!("programs/items.gos"));
    let names: Vec<String> = p
        .items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Fn(f) => format!("fn {}", f.name.name),
            ItemKind::Struct(s) => format!("struct {}", s.name.name),
            ItemKind::Enum(e) => format!("enum {}", e.name.name),
            ItemKind::Trait(t) => format!("trait {}", t.name.name),
            ItemKind::Impl(i) => format!("impl {}", i.trait_.is_some()),
            ItemKind::Const(c) => format!("const {}", c.name.name),
            ItemKind::Use(u) => format!("use {}", u.entries.len()),
        })
        .collect();
    assert_eq!(
        names,
        [
            "use 2",
            "use 3",
            "use 2",
            "use 1",
            "const N",
            "const TAU",
            "const COUNTER",
            "struct Point",
            "struct Pair",
            "struct Unit",
            "struct Stack",
            "enum Shape",
            "trait Area",
            "impl true",
            "impl false",
            "impl false",
            "fn __len",
            "fn __panic",
            "fn apply",
            "fn make_adder",
            "fn boxed",
            "fn table",
            "fn pats",
            "fn main"
        ]
    );
}

fn check(src: &str, expected: &str) {
    assert_eq!(sexp(&expr_of(src)), expected, "for {src:?}");
}

#[test]
fn binary_precedence_follows_rust() {
    check("a + b * c", "(+ a (* b c))");
    check("a * b + c", "(+ (* a b) c)");
    check("a - b - c", "(- (- a b) c)");
    check("a << 2 | b >> 1 & 0xff ^ c", "(| (<< a 2) (^ (& (>> b 1) 255) c))");
    check("a <= b && c >= d || !e", "(|| (&& (<= a b) (>= c d)) (! e))");
    check("a == b + 1", "(== a (+ b 1))");
    check("-a * b", "(* (- a) b)");
    check("!a.b()", "(! (.b a))");
    check("-x as u8", "(as (- x) u8)");
    check("a as i64 < c", "(< (as a i64) c)");
    check("x as u8 as char", "(as (as x u8) char)");
    check("*p.q", "(* (. p q))");
    check("&mut v[0]", "(&mut (index v 0))");
    check("a % b / c", "(/ (% a b) c)");
}

#[test]
fn ranges_bind_looser_than_arithmetic() {
    check("0..n + 1", "(.. 0 (+ n 1))");
    check("a..=b", "(..= a b)");
    check("..5", "(.. _ 5)");
    check("1..", "(.. 1 _)");
    check("..", "(.. _ _)");
    check("a || b..c", "(.. (|| a b) c)");
}

#[test]
fn pipe_is_lowest_above_assignment_and_left_associative() {
    check("x |> f(a) |> g", "(|> (|> x (call f a)) g)");
    check("y = x |> f", "(= y (|> x f))");
    check("a + b |> f", "(|> (+ a b) f)");
    check("0..n |> sum", "(|> (.. 0 n) sum)");
}

#[test]
fn assignment_is_right_associative() {
    check("a = b = c", "(= a (= b c))");
    check("a += b * 2", "(+= a (* b 2))");
    check("x >>= 1", "(>>= x 1)");
    check("v[i].x = 1", "(= (. (index v i) x) 1)");
}

#[test]
fn postfix_forms() {
    check("a.b.c", "(. (. a b) c)");
    check("a.f(1, 2)", "(.f a 1 2)");
    check("(a.f)(1)", "(call (. a f) 1)");
    check("f(1)(2)", "(call (call f 1) 2)");
    check("t.0.1", "(. (. t 0) 1)");
    check("t.0 .1", "(. (. t 0) 1)");
    check("x?.y?", "(? (. (? x) y))");
    check("s.collect::<String>()", "(.collect::<String> s)");
    check("v[i][j]", "(index (index v i) j)");
    check("1.max(2)", "(.max 1 2)");
}

#[test]
fn paths_and_turbofish() {
    check("Vec::<i64>::new()", "(call Vec<i64>::new)");
    check("channel::<i64>(10)", "(call channel<i64> 10)");
    check("i64::MAX", "i64::MAX");
    check("Self::new()", "(call Self::new)");
    check("x.parse::<Vec<Vec<i64>>>()", "(.parse::<Vec<Vec<i64>>> x)");
}

#[test]
fn literals() {
    check("(1, 'a', b'z', \"s\", true, 2.5f32)", "(tuple 1 'a' b122 \"s\" true 2.5f32)");
    check("()", "(tuple)");
    check("(a)", "a");
    check("(a,)", "(tuple a)");
    check("[1, 2]", "[1 2]");
    check("[0; n]", "[0; n]");
    check("vec![0; n]", "(Vec!; 0 n)");
    check("vec![1, 2]", "(Vec! 1 2)");
    check("println!(\"{}\", x)", "(Println! \"{}\" x)");
}

#[test]
fn struct_literals_and_their_restriction_in_heads() {
    check("P { x, y: 2, ..base }", "(struct P x y:2 ..base)");
    check("Shape::Rect { w: 1.0, h }", "(struct Shape::Rect w:1.0 h)");
    check("if a == b { 1 } else { 2 }", "(if (== a b) {1} else {2})");
    check("if (P { x: 1 }) == p { 1 }", "(if (== (struct P x:1) p) {1})");
    check("match p { P { x, .. } => x }", "(match p (P{x,..} => x))");
    check("for x in xs { f(x) }", "(for x xs {(call f x)})");
    check("while i < n { i += 1 }", "(while (< i n) {(+= i 1)})");
    check("for i in 0..n { }", "(for i (.. 0 n) {})");
}

#[test]
fn closures() {
    check("|a, b: i64| a + b", "(|a,b:i64| (+ a b))");
    check("|| 1", "(|| 1)");
    check("move |x| x", "(move |x| x)");
    check("|a| -> i64 { a * 2 }", "(|a| -> i64 {(* a 2)})");
    check("f(|x| x + 1, 2)", "(call f (|x| (+ x 1)) 2)");
    check("|&x: &i64| x", "(|&x:&i64| x)");
    check("|(a, b)| a", "(|(a,b)| a)");
}

#[test]
fn control_flow() {
    check("loop { break 42 }", "(loop {(break 42)})");
    check("'outer: for i in xs { continue 'outer }", "('outer: for i xs {(continue 'outer)})");
    check("'a: loop { break 'a 1 }", "('a: loop {(break 'a 1)})");
    check("if let Some(x) = m.get(k) { x } else { 0 }", "(if-let Some(x) (.get m k) {x} else {0})");
    check("if a { 1 } else if b { 2 } else { 3 }", "(if a {1} else (if b {2} else {3}))");
    check("while let Some(x) = it.next() { }", "(while-let Some(x) (.next it) {})");
    check("return a + 1", "(return (+ a 1))");
    check("match x { 1 | 2 => a, n if n > 3 => { b } _ => c }", "(match x (1|2 => a) (n if (> n 3) => {b}) (_ => c))");
}

#[test]
fn patterns() {
    let arms = "match v { -5 => 0, 'a'..='z' => 1, 1..=5 => 2, i64::MIN..=-1 => 3, Some(n @ 1..=5) => 4, \
                (a, .., b) => 5, Shape::Rect { w, h: 0.0 } => 6, Pair(a, _) => 7, Shape::Empty => 8, \
                ref r => 9, &v => 10, mut m => 11, S { mut a, .. } => 12, 0..10 => 13, 5.. => 14 }";
    assert_eq!(
        sexp(&expr_of(arms)),
        "(match v ((- 5) => 0) ('a'..='z' => 1) (1..=5 => 2) (i64::MIN..=(- 1) => 3) (Some(n@1..=5) => 4) \
         ((a,..,b) => 5) (Shape::Rect{w,h:0.0} => 6) (Pair(a,_) => 7) (Shape::Empty => 8) (ref r => 9) \
         (&v => 10) (mut m => 11) (S{a:mut a,..} => 12) (0..10 => 13) (5.. => 14))"
    );
}

#[test]
fn concurrency_syntax() {
    check("go worker(tx, 1)", "(go (call worker tx 1))");
    check("go obj.method(x)", "(go (.method obj x))");
    check("go { f() }", "(go {(call f)})");
    check("go (|x: i64| { f(x) })(5)", "(go (call (|x:i64| {(call f x)}) 5))");
    check("defer wg.done()", "(defer (.done wg))");
    check(
        "select { v = rx.recv() => f(v), tx.send(1) => {} _ = r.recv() => (), r.recv() => g(), default => h() }",
        "(select (recv v (.recv rx) => (call f v)) (send tx 1 => {}) (recv _ (.recv r) => (tuple)) \
         (recv (.recv r) => (call g)) (default => (call h)))",
    );
}

#[test]
fn types() {
    let p = parse(
        "fn f(a: HashMap<String, Vec<Vec<i64>>>, b: [i64; 4], c: (i64, String), d: &mut i64, e: &str, \
         g: fn(i64) -> i64, h: impl Fn(i64, i64) -> bool, i: Box<dyn FnMut()>, j: [T], k: (), l: Option<_>) -> ! {}",
    )
    .unwrap();
    let ItemKind::Fn(f) = &p.items[0].kind else { panic!() };
    let tys: Vec<String> = f.params.iter().map(|p| common::ty(&p.ty)).collect();
    assert_eq!(
        tys,
        [
            "HashMap<String,Vec<Vec<i64>>>",
            "[i64;4]",
            "(i64,String)",
            "&mut i64",
            "&str",
            "fn(i64)->i64",
            "Fn(i64,i64)->bool",
            "Box<Fn()>",
            "[T]",
            "()",
            "Option<_>"
        ]
    );
    assert_eq!(f.ret.as_ref().map(common::ty).as_deref(), Some("!"));
}

#[test]
fn generic_bounds_keep_paths_and_closure_bounds() {
    let p = parse("fn f<T: Shape + Clone, F: Fn(T) -> i64, U>(x: T) {}").unwrap();
    let ItemKind::Fn(f) = &p.items[0].kind else { panic!() };
    assert_eq!(f.generics.len(), 3);
    assert_eq!(f.generics[0].bounds.iter().map(common::path).collect::<Vec<_>>(), ["Shape", "Clone"]);
    assert_eq!(f.generics[1].fn_bounds.iter().map(common::ty).collect::<Vec<_>>(), ["Fn(T)->i64"]);
    assert!(f.generics[2].bounds.is_empty());
}

#[test]
fn use_trees_flatten() {
    let p = parse("use std::sync::{channel, WaitGroup as WG}\nuse std::{io::{self, Write}, time}").unwrap();
    let mut all = Vec::new();
    for item in &p.items {
        let ItemKind::Use(u) = &item.kind else { panic!() };
        for e in &u.entries {
            let path: Vec<&str> = e.path.iter().map(|i| i.name.as_str()).collect();
            all.push(format!(
                "{}{}",
                path.join("::"),
                e.alias.as_ref().map(|a| format!(" as {}", a.name)).unwrap_or_default()
            ));
        }
    }
    assert_eq!(all, ["std::sync::channel", "std::sync::WaitGroup as WG", "std::io", "std::io::Write", "std::time"]);
}

#[test]
fn semicolon_insertion_shapes_statements() {
    let b = stmts_of(include_str!("programs/asi.gos"));
    // `fn compute`: three lets, then the if chain as the tail.
    assert_eq!(b.stmts.len(), 6);
    assert!(matches!(b.tail.as_deref().map(|e| &e.kind), Some(ExprKind::If { .. })));
    let StmtKind::Let { init: Some(sum), .. } = &b.stmts[0].kind else { panic!() };
    assert_eq!(sexp(sum), "(+ (+ a b) c)");
    let StmtKind::Let { init: Some(chain), .. } = &b.stmts[2].kind else { panic!() };
    assert_eq!(sexp(chain), "(.sum::<i64> (.filter (.map (.iter values) (|x| (* x 2))) (|x| (> x 3))))");
    let StmtKind::Let { init: Some(p), .. } = &b.stmts[3].kind else { panic!() };
    assert_eq!(sexp(p), "(struct Point x:1 y:2)");
}

#[test]
fn a_minus_on_the_next_line_is_a_separate_statement() {
    let b = stmts_of("fn f() {\n let a = b\n - c\n x = y\n *p = 1\n f()\n (g)()\n}");
    let shapes: Vec<String> = b
        .stmts
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Let { init, .. } => format!("let {}", sexp(init.as_ref().unwrap())),
            StmtKind::Expr { expr, .. } => sexp(expr),
            StmtKind::Item(_) => "item".into(),
        })
        .collect();
    assert_eq!(shapes, ["let b", "(- c)", "(= x y)", "(= (* p) 1)", "(call f)"]);
    assert_eq!(b.tail.as_deref().map(sexp).as_deref(), Some("(call g)"));
}

#[test]
fn block_like_statements_need_no_semicolon() {
    let b = stmts_of("fn f() { if a { 1 } else { 2 } - 1; match x {} loop {} x }");
    let shapes: Vec<String> = b
        .stmts
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Expr { expr, semi } => {
                format!("{}{}", sexp(expr), if *semi { ";" } else { "" })
            }
            _ => "other".into(),
        })
        .collect();
    assert_eq!(shapes, ["(if a {1} else {2})", "(- 1);", "(match x)", "(loop {})"]);
    // A block-like expression at the end of a block is its value.
    let b = stmts_of("fn f() -> i64 { let x = 1; if x > 0 { 1 } else { 2 } }");
    assert!(matches!(b.tail.as_deref().map(|e| &e.kind), Some(ExprKind::If { .. })));
    let b = stmts_of("fn f() { loop { }; }");
    assert!(matches!(b.stmts[0].kind, StmtKind::Expr { semi: true, .. }));
    assert!(b.tail.is_none());
}

#[test]
fn statements_and_nested_items() {
    let b = stmts_of(
        "fn f() {\n fn g() -> i64 { 1 }\n struct P { x: i64 }\n let p = P { x: g() }\n let q; let r: i64\n p.x }",
    );
    assert_eq!(b.stmts.len(), 5);
    assert!(matches!(b.stmts[0].kind, StmtKind::Item(_)));
    assert!(matches!(b.stmts[1].kind, StmtKind::Item(_)));
    assert!(matches!(&b.stmts[3].kind, StmtKind::Let { ty: None, init: None, .. }));
    assert_eq!(b.tail.as_deref().map(sexp).as_deref(), Some("(. p x)"));
    let b = stmts_of("fn f() { let x = 1 }");
    assert!(matches!(b.stmts[0].kind, StmtKind::Let { .. }));
}

#[test]
fn spans_cover_their_nodes() {
    let src = "fn main() { let x = foo(1, 2) + 3 }";
    let b = stmts_of(src);
    let StmtKind::Let { init: Some(e), pat, .. } = &b.stmts[0].kind else { panic!() };
    assert_eq!(&src[e.span.lo as usize..e.span.hi as usize], "foo(1, 2) + 3");
    assert_eq!(&src[pat.span.lo as usize..pat.span.hi as usize], "x");
    assert_eq!(&src[b.stmts[0].span.lo as usize..b.stmts[0].span.hi as usize], "let x = foo(1, 2) + 3");
}
