//! End-to-end tests of the checker: source text through `gos_syntax::parse`
//! and `check_source`, asserting on the IR or on the diagnostics.

use gos_ir as ir;

fn prelude() -> gos_syntax::ast::Program {
    match gos_syntax::parse(gos_stdlib::PRELUDE) {
        Ok(p) => p,
        Err(e) => panic!("prelude does not parse: {:?}", e),
    }
}

/// Runs the checker on a thread with a large stack, as the driver does.
pub fn run(src: &str) -> Result<ir::Program, Vec<crate::Diagnostic>> {
    let s = src.to_string();
    std::thread::Builder::new().stack_size(256 << 20).spawn(move || run_here(&s)).expect("spawn").join().unwrap_or_else(|_| Err(vec![crate::Diagnostic { span: Default::default(), message: "PANIC".into(), notes: vec![] }]))
}

fn run_here(src: &str) -> Result<ir::Program, Vec<crate::Diagnostic>> {
    let prog = match gos_syntax::parse(src) {
        Ok(p) => p,
        Err(e) => {
            return Err(e.into_iter().map(|e| crate::Diagnostic { span: e.span, message: format!("syntax: {}", e.message), notes: vec![] }).collect())
        }
    };
    crate::check_source("test.gos", src, &prog, &prelude())
}

fn ok(src: &str) -> ir::Program {
    match run(src) {
        Ok(p) => p,
        Err(d) => panic!("unexpected errors: {:#?}", d),
    }
}

fn errs(src: &str) -> Vec<String> {
    match run(src) {
        Ok(_) => panic!("expected errors from {}", src),
        Err(d) => d.into_iter().map(|d| d.message).collect(),
    }
}

fn has_err(src: &str, want: &str) {
    let e = errs(src);
    assert!(e.iter().any(|m| m.contains(want)), "wanted `{}` in {:#?}", want, e);
}

fn func<'p>(p: &'p ir::Program, name: &str) -> &'p ir::Function {
    p.funcs.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no function {}", name))
}

fn walk(e: &ir::Expr, f: &mut dyn FnMut(&ir::Expr)) {
    f(e);
    let mut c = e.clone();
    crate::mono::children_mut(&mut c, &mut |x| walk(x, f));
}

#[test]
fn prelude_parses_and_checks() {
    ok("fn main() {}");
}

#[test]
fn corpus() {
    // Runs every conformance program through the checker; programs that
    // expect a compile error must fail with that message, the others must
    // check. Failures are listed together.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/programs");
    let mut files = Vec::new();
    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    collect(&p, out);
                } else if p.extension().map(|x| x == "gos").unwrap_or(false) {
                    out.push(p);
                }
            }
        }
    }
    collect(std::path::Path::new(root), &mut files);
    files.sort();
    let mut bad = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap_or_default();
        let want: Vec<String> = src.lines().filter_map(|l| l.split("// expect error: ").nth(1).map(|s| s.trim().to_string())).collect();
        let res = std::panic::catch_unwind(|| run(&src));
        let name = f.display().to_string();
        match res {
            Err(_) => bad.push(format!("{}: PANIC", name)),
            Ok(Ok(_)) if !want.is_empty() => bad.push(format!("{}: expected error {:?}", name, want)),
            Ok(Err(d)) if want.is_empty() => bad.push(format!("{}: {:?}", name, d.iter().map(|d| d.message.clone()).collect::<Vec<_>>())),
            Ok(Err(d)) => {
                for w in &want {
                    if !d.iter().any(|x| x.message.contains(w.as_str())) {
                        bad.push(format!("{}: wanted {:?}, got {:?}", name, w, d.iter().map(|d| d.message.clone()).collect::<Vec<_>>()));
                    }
                }
            }
            _ => {}
        }
    }
    for b in &bad {
        eprintln!("{}", b);
    }
    eprintln!("{} of {} programs not as expected", bad.len(), files.len());
    if std::env::var("GOS_CORPUS_STRICT").is_ok() {
        assert!(bad.is_empty());
    }
}

/// Whether any expression in `f` satisfies `p`.
fn any_expr(f: &ir::Function, p: &dyn Fn(&ir::Expr) -> bool) -> bool {
    let mut found = false;
    walk(&f.body, &mut |e| {
        if p(e) {
            found = true;
        }
    });
    found
}

fn allocates(e: &ir::Expr) -> bool {
    matches!(
        e.kind,
        ir::ExprKind::MakeClosure { .. } | ir::ExprKind::Aggregate(_) | ir::ExprKind::EnumNew { .. } | ir::ExprKind::Copy(_) | ir::ExprKind::Format(_)
    ) || matches!(e.kind, ir::ExprKind::Intrinsic { op: ir::Intrinsic::CellNew | ir::Intrinsic::VecNew, .. })
}

#[test]
fn fib_is_direct() {
    let p = ok("fn fib(n: i64) -> i64 { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }\nfn main() { println!(\"{}\", fib(10)) }");
    let f = func(&p, "fib");
    assert!(!any_expr(f, &allocates));
    assert!(!any_expr(f, &|e| matches!(e.kind, ir::ExprKind::CallClosure { .. } | ir::ExprKind::Intrinsic { .. })));
    let fib_id = p.funcs.iter().position(|f| f.name == "fib").unwrap() as u32;
    assert!(any_expr(f, &|e| matches!(e.kind, ir::ExprKind::Call { func, .. } if func.0 == fib_id)));
}

#[test]
fn range_loops_do_not_allocate() {
    let p = ok("fn main() { let mut s = 0; for i in 0..10 { s += i } for j in 1..=3 { s += j } println!(\"{}\", s) }");
    let f = func(&p, "main");
    let mut loops = 0;
    walk(&f.body, &mut |e| {
        if let ir::ExprKind::Loop { body, cond, step, .. } = &e.kind {
            loops += 1;
            assert!(cond.is_some() && step.is_some());
            let mut bad = false;
            walk(body, &mut |x| bad |= allocates(x));
            assert!(!bad);
        }
    });
    assert_eq!(loops, 2);
}

#[test]
fn literals_default_and_take_their_use_type() {
    let p = ok("fn f(x: u8) -> u8 { x }\nfn main() { let a = 5; let b = f(7); let c = 2.5; println!(\"{} {} {}\", a, b, c) }");
    let main = func(&p, "main");
    let tys: Vec<&ir::TypeKind> = main.locals.iter().map(|l| p.ty(l.ty)).collect();
    assert!(tys.contains(&&ir::TypeKind::Int(ir::IntTy::I64)));
    assert!(tys.contains(&&ir::TypeKind::Int(ir::IntTy::U8)));
    assert!(tys.contains(&&ir::TypeKind::Float(ir::FloatTy::F64)));
}

#[test]
fn generic_instances_are_named_and_only_reachable_ones_lowered() {
    let p = ok("struct Stack<T> { items: Vec<T> }\nimpl<T> Stack<T> { fn push(&mut self, x: T) { self.items.push(x) } fn len(&self) -> i64 { self.items.len() } }\nfn id<T>(x: T) -> T { x }\nfn main() { let mut s = Stack { items: Vec::new() }; s.push(1); println!(\"{} {}\", s.len(), id(2.0)) }");
    assert!(p.funcs.iter().any(|f| f.name == "Stack<i64>::push"));
    assert!(p.funcs.iter().any(|f| f.name == "id<f64>"));
    assert!(!p.funcs.iter().any(|f| f.name.starts_with("Stack<f64>")));
}

#[test]
fn unreachable_functions_are_not_lowered() {
    let p = ok("fn unused() -> i64 { 1 }\nfn used() -> i64 { 2 }\nfn main() { println!(\"{}\", used()) }");
    assert!(p.funcs.iter().any(|f| f.name == "used"));
    assert!(!p.funcs.iter().any(|f| f.name == "unused"));
    // ...but they are still checked.
    has_err("fn unused() -> i64 { \"s\" }\nfn main() {}", "mismatched types");
}

#[test]
fn aggregates_are_copied_out_of_places() {
    let p = ok("struct P { x: i64 }\nfn main() { let a = P { x: 1 }; let mut b = a; b.x = 2; println!(\"{} {}\", a.x, b.x) }");
    assert!(any_expr(func(&p, "main"), &|e| matches!(e.kind, ir::ExprKind::Copy(_))));
}

#[test]
fn captured_mutable_variables_become_cells() {
    let p = ok("fn main() { let mut n = 0; let mut inc = || n += 1; inc(); inc(); println!(\"{}\", n) }");
    let main = func(&p, "main");
    assert!(main.locals.iter().any(|l| matches!(p.ty(l.ty), ir::TypeKind::Cell(_))));
    assert!(p.funcs.iter().any(|f| f.env.as_ref().map(|e| e.len() == 1).unwrap_or(false)));
}

#[test]
fn error_messages() {
    has_err("fn main() { let y = x + 1; }", "cannot find value `x` in this scope");
    has_err("fn main() { let v: Foo = 1; }", "cannot find type `Foo` in this scope");
    has_err("fn main() { nothing(1) }", "cannot find function `nothing` in this scope");
    has_err("fn main() { let x: i64 = \"s\".to_string(); }", "mismatched types: expected `i64`, found `String`");
    has_err("fn main() { let x: u8 = 256; }", "literal out of range for `u8`");
    has_err("fn f(a: i64, b: i64) -> i64 { a + b }\nfn main() { f(1); }", "this function takes 2 arguments but 1 argument was supplied");
    has_err("fn f(a: i64) -> i64 { a }\nfn main() { f(1, 2, 3); }", "this function takes 1 argument but 3 arguments were supplied");
    has_err("struct P { x: i64 }\nfn main() { let p = P { x: 1 }; p.foo(); }", "no method named `foo` found for type `P`");
    has_err("struct P { x: i64 }\nfn main() { let p = P { x: 1 }; println!(\"{}\", p.z); }", "no field `z` on type `P`");
    has_err("fn main() { let x = 1; x = 2; }", "cannot assign twice to immutable variable `x`");
    has_err("fn f(x: &mut i64) { *x += 1 }\nfn main() { let x = 1; f(&mut x); }", "cannot borrow `x` as mutable, as it is not declared as mutable");
    has_err("struct P { x: i64 }\nfn main() { let p = P { x: 1 }; p.x = 2; }", "cannot assign to `p.x`, as `p` is not declared as mutable");
    has_err("struct S { r: &i64 }\nfn main() {}", "cannot store a reference in a field");
    has_err("fn f(x: &i64) -> &i64 { x }\nfn main() {}", "cannot return a reference");
    has_err("fn f(x: &mut i64) { let g = || *x + 1; }\nfn main() {}", "cannot capture a reference in a closure");
    has_err("fn main() { let a = 1; let b = 2\n - b }", "expression statement has no effect");
    has_err("fn f() -> i64 { }\nfn main() {}", "mismatched types: expected `i64`, found `()`");
    has_err("fn main() { let o = Some(1); match o { Some(x) => {} } }", "non-exhaustive patterns: `None` not covered");
    has_err("fn main() { let b = true; match b { true => {} } }", "non-exhaustive patterns: `false` not covered");
    has_err("fn main() { let s = \"a\"; match s { \"a\" => {} } }", "non-exhaustive patterns: `_` not covered");
    has_err("enum E { A, B(bool) }\nfn main() { let e = E::A; match e { E::A => {}, E::B(true) => {} } }", "non-exhaustive patterns: `E::B(false)` not covered");
    has_err("fn main() { let o = Some(1); let Some(x) = o; }", "refutable pattern in local binding: `None` not covered");
    has_err("fn main() { println!(\"{} {}\", 1); }", "2 positional arguments in format string, but there is 1 argument");
    has_err("fn main() { println!(\"{\"); }", "invalid format string");
    has_err("use std::collections::HashMap;\nfn main() { let m: HashMap<i64, i64> = HashMap::new(); let s: HashSet<i64> = HashSet::new(); }", "cannot find type `HashSet` in this scope");
    has_err("fn main() { let x: i64 = 1; let y: f64 = x + 1.0; }", "cannot add");
}

#[test]
fn deferred_locals_must_be_assigned_on_every_path() {
    // Accepted: every path to the read assigns, or does not reach it.
    ok("fn f(c: bool) -> i64 { let x; if c { x = 1 } else { x = 2 }; x }\nfn main() { f(true); }");
    ok("fn f(n: i64) -> i64 { let x; match n { 0 => x = 1, 1 => return 0, _ => x = 3 }; x }\nfn main() { f(1); }");
    ok("fn main() { let x: i64; loop { if 2 > 1 { x = 1; break } }; println!(\"{}\", x) }");
    ok("fn main() { let x: i64; 'a: loop { loop { x = 1; break 'a } }; let f = || x + 1; println!(\"{}\", f()) }");
    ok("fn main() { for i in 0..3 { let h: i64; if i > 0 { h = i } else { continue }; println!(\"{h}\") } }");
    ok("fn f(c: bool) -> i64 { let x: i64; if c { x = 1 } else { panic!(\"no\") }; x }\nfn main() { f(true); }");
    // Rejected reads.
    has_err("fn main() { let x: i64; println!(\"{}\", x) }", "used binding `x` isn't initialized");
    has_err("fn main() { let x: i64; if 2 > 1 { x = 1 }; println!(\"{}\", x) }", "used binding `x` is possibly-uninitialized");
    has_err("fn main() { let mut x: i64; let mut i = 0; while i < 3 { x = i; i += 1 }; println!(\"{}\", x) }", "possibly-uninitialized");
    has_err("fn main() { let mut x: i64; for i in 0..3 { x = i }; x += 1; println!(\"{}\", x) }", "possibly-uninitialized");
    has_err("fn main() { let x: i64; let f = || x; println!(\"{}\", f()) }", "used binding `x` isn't initialized");
    has_err("fn main() { let s: String; println!(\"{}\", s.len()) }", "used binding `s` isn't initialized");
    has_err("fn main() { let x: i64; println!(\"{x}\") }", "used binding `x` isn't initialized");
    has_err("fn main() { let b: bool; let c = 2 > 3 && { b = true; b }; println!(\"{} {}\", c, b) }", "used binding `b` is possibly-uninitialized");
    has_err("fn main() { let x: i64; match 3 { 1 => x = 1, _ => {} }; println!(\"{}\", x) }", "possibly-uninitialized");
    // An immutable one is assigned at most once on every path.
    has_err("fn main() { let x: i64; if 2 > 1 { x = 1 }; x = 2; println!(\"{}\", x) }", "cannot assign twice to immutable variable `x`");
    has_err("fn main() { let x: i64; for i in 0..3 { x = i }; }", "cannot assign twice to immutable variable `x`");
    ok("fn main() { let x: i64; loop { x = 1; break }; println!(\"{}\", x) }");
    // A `let mut x;` in a cell is made by its first assignment.
    ok("fn main() { let mut x; if 2 > 1 { x = 1 } else { x = 2 }; let mut f = || x += 1; f(); x = x + 1; println!(\"{}\", x) }");
    has_err("fn main() { let mut x; if 2 > 1 { x = 1 }; x = 2; let f = || x; println!(\"{}\", f()) }", "cannot assign to `x` here");
}

#[test]
fn exhaustive_matches_pass() {
    ok("enum Shape { Circle(f64), Rect { w: f64, h: f64 }, Empty }\nfn area(s: Shape) -> f64 { match s { Shape::Circle(r) => r * r, Shape::Rect { w, h } => w * h, Shape::Empty => 0.0 } }\nfn main() { println!(\"{}\", area(Shape::Empty)) }");
    ok("fn main() { let x: u8 = 3; match x { 0..=9 => {}, 10..=255 => {} } }");
    ok("fn main() { let t = (true, 1); match t { (true, _) => {}, (false, n) if n > 0 => {}, (false, _) => {} } }");
}

#[test]
fn main_may_return_result() {
    let p = ok("fn main() -> Result<(), String> { let x: i64 = \"5\".parse::<i64>().map_err(|e| e)?; println!(\"{}\", x); Ok(()) }");
    assert!(p.main_returns_result);
}

#[test]
fn consts_fold_with_runtime_arithmetic() {
    let p = ok("use std::math;\nconst TAU: f64 = 2.0 * math::PI;\nconst BIG: u8 = 250 + 10;\nstatic V: Vec<i64> = Vec::new();\nfn main() { println!(\"{} {} {}\", TAU, BIG, V.len()) }");
    assert!(p.init.is_some());
    assert_eq!(p.globals.len(), 1);
    let main = func(&p, "main");
    assert!(any_expr(main, &|e| matches!(e.kind, ir::ExprKind::Const(ir::Const::F64(v)) if v == 2.0 * std::f64::consts::PI)));
    assert!(any_expr(main, &|e| matches!(e.kind, ir::ExprKind::Const(ir::Const::Int(4)))));
}

#[test]
fn no_panic_on_garbage() {
    for src in ["fn main() { let x = ; }", "fn main() { match 1 { } }", "fn main() { let v = Vec::new(); v.push(v); }", "struct A { a: A }\nfn main() {}", "fn main() { loop {} }", "fn f<T>(x: T) -> T { f(x) }\nfn main() { f(1); }"] {
        let _ = run(src);
    }
}

#[test]
fn no_panic_on_programs_with_a_line_deleted() {
    // Deleting one line of a valid program gives all sorts of broken
    // programs; none may make the checker panic.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/programs");
    let mut files = Vec::new();
    for d in std::fs::read_dir(root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
            if f.path().extension().map(|x| x == "gos").unwrap_or(false) {
                files.push(f.path());
            }
        }
    }
    files.sort();
    let prelude = prelude();
    let mut panics = Vec::new();
    // Every seventh program keeps the test to seconds.
    for f in files.iter().step_by(7) {
        let src = std::fs::read_to_string(f).unwrap_or_default();
        let lines: Vec<&str> = src.lines().collect();
        for skip in 0..lines.len() {
            // Deleting a blank or comment-only line leaves the same
            // program (and stdlib/large_output.gos has 20,000 of them:
            // 90 s of identical checks once the sampling reached it).
            let t = lines[skip].trim();
            if t.is_empty() || t.starts_with("//") {
                continue;
            }
            let mutated: String = lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| format!("{}\n", l)).collect();
            let prog = match gos_syntax::parse(&mutated) {
                Ok(p) => p,
                Err(_) => continue,
            };
            let pl = prelude.clone();
            let r = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || {
                    let _ = crate::check_source("fuzz.gos", &mutated, &prog, &pl);
                })
                .expect("spawn")
                .join();
            if r.is_err() {
                panics.push(format!("{} without line {}", f.display(), skip + 1));
            }
        }
    }
    assert!(panics.is_empty(), "checker panicked on: {:#?}", panics);
}
