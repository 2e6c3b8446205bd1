//! Interpreter speed check: hand-built IR for fib(30), a 100M-iteration
//! integer loop, and nested integer and float loops (10k × 10k; the float
//! loop once with a loop-carried dependency and once without), compiled
//! to bytecode and run on the VM. `ref.lua` and `ref.py` next to this file
//! are the same programs for Lua 5.4 and CPython.
//!
//! Run: `cargo run --release -p gos-bcgen --example vm_bench [name]`.
//! Times are CPU seconds of this process (as Lua's `os.clock()` reports),
//! so that a busy machine does not distort the comparison; wall time is
//! shown as well.

use gos_ir::*;
use std::sync::Arc;
use std::time::Instant;

/// CPU time consumed by this process, in seconds.
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out-pointer for the duration of the call.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

struct B {
    tt: TypeTable,
    i64: TypeId,
    f64: TypeId,
    bool: TypeId,
    unit: TypeId,
}

fn ex(kind: ExprKind, ty: TypeId) -> Expr {
    Expr { kind, ty, loc: Loc { line: 1, col: 1 } }
}
fn read(l: u32, t: TypeId) -> Expr {
    ex(ExprKind::Read(Place::Local(LocalId(l))), t)
}
fn int(v: i64, t: TypeId) -> Expr {
    ex(ExprKind::Const(Const::Int(v)), t)
}
fn bin(op: BinOp, a: Expr, b: Expr, t: TypeId) -> Expr {
    ex(ExprKind::Binary { op, lhs: Box::new(a), rhs: Box::new(b) }, t)
}
fn write(l: u32, v: Expr, unit: TypeId) -> Expr {
    ex(ExprKind::Write { place: Place::Local(LocalId(l)), value: Box::new(v) }, unit)
}

impl B {
    fn new() -> B {
        let mut tt = TypeTable::default();
        let i64 = tt.intern(TypeKind::Int(IntTy::I64));
        let f64 = tt.intern(TypeKind::Float(FloatTy::F64));
        let bool = tt.intern(TypeKind::Bool);
        let unit = tt.intern(TypeKind::Unit);
        B { tt, i64, f64, bool, unit }
    }

    /// `for i in from..to { body }` the way the checker lowers it: hidden
    /// locals for the counter and the end, `i < end`, `i = i + 1`.
    fn for_range(&self, id: u32, i: u32, end: u32, from: Expr, to: Expr, body: Expr) -> Expr {
        let (t, u) = (self.i64, self.unit);
        let lo = ex(
            ExprKind::Loop {
                id: LoopId(id),
                cond: Some(Box::new(bin(BinOp::Lt, read(i, t), read(end, t), self.bool))),
                body: Box::new(body),
                step: Some(Box::new(write(i, bin(BinOp::Add, read(i, t), int(1, t), t), u))),
            },
            u,
        );
        ex(ExprKind::Block { stmts: vec![write(i, from, u), write(end, to, u), lo], tail: None }, u)
    }

    fn func(&self, name: &str, params: u32, locals: &[TypeId], ret: TypeId, body: Expr) -> Function {
        Function {
            name: name.into(),
            params,
            locals: locals.iter().enumerate().map(|(i, &ty)| Local { name: format!("l{i}"), ty }).collect(),
            ret,
            env: None,
            body,
            loc: Loc { line: 1, col: 1 },
            track_caller: false,
        }
    }

    fn program(&self, funcs: Vec<Function>, main: u32) -> Program {
        Program {
            file: "bench.gos".into(),
            types: self.tt.types.clone(),
            funcs,
            globals: vec![],
            init: None,
            main: FuncId(main),
            main_returns_result: false,
        }
    }
}

fn fib(b: &B) -> Program {
    let t = b.i64;
    let body = ex(
        ExprKind::If {
            cond: Box::new(bin(BinOp::Lt, read(0, t), int(2, t), b.bool)),
            then: Box::new(read(0, t)),
            else_: Some(Box::new(bin(
                BinOp::Add,
                ex(ExprKind::Call { func: FuncId(0), args: vec![bin(BinOp::Sub, read(0, t), int(1, t), t)] }, t),
                ex(ExprKind::Call { func: FuncId(0), args: vec![bin(BinOp::Sub, read(0, t), int(2, t), t)] }, t),
                t,
            ))),
        },
        t,
    );
    let main = ex(ExprKind::Call { func: FuncId(0), args: vec![int(30, t)] }, t);
    b.program(vec![b.func("fib", 1, &[t], t, body), b.func("main", 0, &[], t, main)], 1)
}

/// `let mut s = 0; for i in 0..100_000_000 { s = s + (i & 255) } s`
fn loop100m(b: &B) -> Program {
    let (t, u) = (b.i64, b.unit);
    let body = write(0, bin(BinOp::Add, read(0, t), bin(BinOp::BitAnd, read(1, t), int(255, t), t), t), u);
    let main = ex(
        ExprKind::Block {
            stmts: vec![write(0, int(0, t), u), b.for_range(0, 1, 2, int(0, t), int(100_000_000, t), body)],
            tail: Some(Box::new(read(0, t))),
        },
        t,
    );
    b.program(vec![b.func("main", 0, &[t, t, t], t, main)], 0)
}

/// `for i in 0..10000 { for j in 0..10000 { s = s + (i ^ j) } }`
fn nested_int(b: &B) -> Program {
    let (t, u) = (b.i64, b.unit);
    let inner_body = write(0, bin(BinOp::Add, read(0, t), bin(BinOp::BitXor, read(1, t), read(3, t), t), t), u);
    let inner = b.for_range(1, 3, 4, int(0, t), int(10_000, t), inner_body);
    let outer = b.for_range(0, 1, 2, int(0, t), int(10_000, t), inner);
    let main = ex(ExprKind::Block { stmts: vec![write(0, int(0, t), u), outer], tail: Some(Box::new(read(0, t))) }, t);
    b.program(vec![b.func("main", 0, &[t, t, t, t, t], t, main)], 0)
}

/// `let mut x = 0.0; for i in 0..10000 { for j in 0..10000 { x = x * 0.5 + j as f64 } }`
fn nested_float(b: &B) -> Program {
    let (t, f, u) = (b.i64, b.f64, b.unit);
    let jf = ex(ExprKind::Cast { arg: Box::new(read(3, t)) }, f);
    let half = ex(ExprKind::Const(Const::F64(0.5)), f);
    let inner_body = write(0, bin(BinOp::Add, bin(BinOp::Mul, read(0, f), half, f), jf, f), u);
    let inner = b.for_range(1, 3, 4, int(0, t), int(10_000, t), inner_body);
    let outer = b.for_range(0, 1, 2, int(0, t), int(10_000, t), inner);
    let main = ex(
        ExprKind::Block { stmts: vec![write(0, ex(ExprKind::Const(Const::F64(0.0)), f), u), outer], tail: Some(Box::new(read(0, f))) },
        f,
    );
    b.program(vec![b.func("main", 0, &[f, t, t, t, t], f, main)], 0)
}

/// The float loop without the loop-carried dependency: `x = j as f64 * 0.5 + 1.0`.
fn float_nochain(b: &B) -> Program {
    let (t, f, u) = (b.i64, b.f64, b.unit);
    let jf = ex(ExprKind::Cast { arg: Box::new(read(3, t)) }, f);
    let half = ex(ExprKind::Const(Const::F64(0.5)), f);
    let one = ex(ExprKind::Const(Const::F64(1.0)), f);
    let inner_body = write(0, bin(BinOp::Add, bin(BinOp::Mul, jf, half, f), one, f), u);
    let inner = b.for_range(1, 3, 4, int(0, t), int(10_000, t), inner_body);
    let outer = b.for_range(0, 1, 2, int(0, t), int(10_000, t), inner);
    let main = ex(
        ExprKind::Block { stmts: vec![write(0, ex(ExprKind::Const(Const::F64(0.0)), f), u), outer], tail: Some(Box::new(read(0, f))) },
        f,
    );
    b.program(vec![b.func("main", 0, &[f, t, t, t, t], f, main)], 0)
}

fn main() {
    let only = std::env::args().nth(1);
    let b = B::new();
    let cases: Vec<(&str, Program, bool)> = vec![
        ("fib30", fib(&b), false),
        ("loop100m", loop100m(&b), false),
        ("nested_int", nested_int(&b), false),
        ("nested_float", nested_float(&b), true),
        ("float_nochain", float_nochain(&b), true),
    ];
    for (name, p, float) in cases {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let m = gos_bcgen::compile(&p).expect("compiles");
        if std::env::var("DUMP").is_ok() {
            println!("{m}");
        }
        gos_runtime::init(p.types.clone(), p.file.clone(), vec![]);
        let inst = Arc::new(gos_vm::Instance::new(Arc::new(m)));
        let mut thread = gos_vm::Thread::new(&inst, gos_vm::stack_words());
        let (start, cpu) = (Instant::now(), cpu_seconds());
        let r = thread.call(p.main.0, &[]);
        let (wall, secs) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        let shown = if float { f64::from_bits(r).to_string() } else { (r as i64).to_string() };
        println!("{name:<13} {secs:7.3} s   result {shown}   (wall {wall:.3} s)");
    }
}
