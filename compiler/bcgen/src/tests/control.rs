//! Control flow, calls, recursion, closures and globals.

use super::build::*;
use gos_ir::*;

#[test]
fn loop_with_continue_and_break() {
    let tys = Tys::new();
    let (i64t, unit, never, b) = (tys.i64, tys.unit, tys.never, tys.bool);
    let mut f = Fb::new("f", &[i64t], i64t);
    let (s, i) = (f.local(i64t), f.local(i64t));
    let n = LocalId(0);
    let body = block(
        vec![
            if_(bin(BinOp::Eq, bin(BinOp::Rem, f.read(i), int(3, i64t), i64t), int(0, i64t), b), cont(0, never), None, unit),
            if_(bin(BinOp::Gt, f.read(s), int(1000, i64t), b), brk(0, None, never), None, unit),
            write(s, bin(BinOp::Add, f.read(s), f.read(i), i64t), unit),
        ],
        None,
        unit,
    );
    let lo = lp(
        0,
        Some(bin(BinOp::Lt, f.read(i), f.read(n), b)),
        body,
        Some(write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit)),
        unit,
    );
    let whole = block(vec![write(s, int(0, i64t), unit), write(i, int(0, i64t), unit), lo], Some(f.read(s)), i64t);
    let p = program(&tys, vec![f.finish(whole)], 0);
    let r = Runner::new(&p);
    let reference = |n: i64| {
        let mut s = 0;
        for i in 0..n {
            if i % 3 == 0 {
                continue;
            }
            if s > 1000 {
                break;
            }
            s += i;
        }
        s
    };
    for n in [0, 1, 5, 17, 100, 1000] {
        assert_eq!(r.call(0, &[n as u64]) as i64, reference(n), "n = {n}");
    }
}

#[test]
fn labelled_break_carries_a_value_out_of_nested_loops() {
    let tys = Tys::new();
    let (i64t, unit, never, b) = (tys.i64, tys.unit, tys.never, tys.bool);
    let mut f = Fb::new("g", &[i64t], i64t);
    let n = LocalId(0);
    let (i, res) = (f.local(i64t), f.local(i64t));
    let inner = lp(
        2,
        Some(bin(BinOp::Lt, f.read(i), f.read(n), b)),
        block(
            vec![
                if_(
                    bin(BinOp::Gt, bin(BinOp::Mul, f.read(i), f.read(i), i64t), f.read(n), b),
                    brk(1, Some(bin(BinOp::Mul, f.read(i), int(100, i64t), i64t)), never),
                    None,
                    unit,
                ),
                if_(bin(BinOp::Eq, f.read(i), int(5, i64t), b), cont(2, never), None, unit),
            ],
            None,
            unit,
        ),
        Some(write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit)),
        unit,
    );
    let outer = lp(1, None, block(vec![write(i, int(0, i64t), unit), inner, brk(1, Some(int(-1, i64t)), never)], None, never), None, i64t);
    let body = block(vec![write(res, outer, unit)], Some(f.read(res)), i64t);
    let p = program(&tys, vec![f.finish(body)], 0);
    let r = Runner::new(&p);
    for (n, want) in [(0i64, -1i64), (1, -1), (2, -1), (3, 200), (10, 400), (99, 1000)] {
        assert_eq!(r.call(0, &[n as u64]) as i64, want, "n = {n}");
    }
}

#[test]
fn short_circuit_logic_in_conditions_and_values() {
    let tys = Tys::new();
    let (i64t, b) = (tys.i64, tys.bool);
    // if (a > 0 && b > 0) || !(a == b) { 1 } else { 0 }
    let f = Fb::new("cond", &[i64t, i64t], i64t);
    let (a, bb) = (LocalId(0), LocalId(1));
    let c = logic(
        LogicOp::Or,
        logic(LogicOp::And, bin(BinOp::Gt, f.read(a), int(0, i64t), b), bin(BinOp::Gt, f.read(bb), int(0, i64t), b), b),
        un(UnOp::Not, bin(BinOp::Eq, f.read(a), f.read(bb), b)),
        b,
    );
    let f1 = f.finish(if_(c.clone(), int(1, i64t), Some(int(0, i64t)), i64t));
    // The same expression as a value.
    let g = Fb::new("value", &[i64t, i64t], b);
    let f2 = g.finish(c);
    // Short-circuit must skip the right side: `a != 0 && 10 / a > 1`.
    let h = Fb::new("guard", &[i64t], b);
    let guard = logic(
        LogicOp::And,
        bin(BinOp::Ne, h.read(LocalId(0)), int(0, i64t), b),
        bin(BinOp::Gt, bin(BinOp::Div, int(10, i64t), h.read(LocalId(0)), i64t), int(1, i64t), b),
        b,
    );
    let f3 = h.finish(guard);
    let p = program(&tys, vec![f1, f2, f3], 0);
    let r = Runner::new(&p);
    for x in [-2i64, 0, 3] {
        for y in [-2i64, 0, 3] {
            let want = ((x > 0 && y > 0) || x != y) as u64;
            assert_eq!(r.call(0, &[x as u64, y as u64]), want, "{x} {y}");
            assert_eq!(r.call(1, &[x as u64, y as u64]), want, "{x} {y}");
        }
    }
    assert_eq!(r.call(2, &[0]), 0);
    assert_eq!(r.call(2, &[5]), 1);
    assert_eq!(r.call(2, &[20]), 0);
}

/// `fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) }`
pub fn fib_function(tys: &Tys, index: u32) -> Function {
    let i64t = tys.i64;
    let f = Fb::new("fib", &[i64t], i64t);
    let n = LocalId(0);
    let body = if_(
        bin(BinOp::Lt, f.read(n), int(2, i64t), tys.bool),
        f.read(n),
        Some(bin(
            BinOp::Add,
            call(index, vec![bin(BinOp::Sub, f.read(n), int(1, i64t), i64t)], i64t),
            call(index, vec![bin(BinOp::Sub, f.read(n), int(2, i64t), i64t)], i64t),
            i64t,
        )),
        i64t,
    );
    f.finish(body)
}

#[test]
fn recursion_and_calls_with_nested_arguments() {
    let tys = Tys::new();
    let i64t = tys.i64;
    let fib = fib_function(&tys, 0);
    // h(a, b, c, d, e) = a - b + c * d - e
    let h = Fb::new("h", &[i64t; 5], i64t);
    let r = |i: u32| h.read(LocalId(i));
    let hb = bin(
        BinOp::Sub,
        bin(BinOp::Add, bin(BinOp::Sub, r(0), r(1), i64t), bin(BinOp::Mul, r(2), r(3), i64t), i64t),
        r(4),
        i64t,
    );
    let h = h.finish(hb);
    let m = Fb::new("main", &[], i64t);
    let inner = call(1, vec![int(1, i64t), int(2, i64t), int(3, i64t), int(4, i64t), int(5, i64t)], i64t);
    let mb = call(1, vec![call(0, vec![int(10, i64t)], i64t), int(2, i64t), inner, int(4, i64t), int(5, i64t)], i64t);
    let p = program(&tys, vec![fib, h, m.finish(mb)], 2);
    let run = Runner::new(&p);
    assert_eq!(run.call(0, &[20]), 6765);
    let hh = |a: i64, b: i64, c: i64, d: i64, e: i64| a - b + c * d - e;
    assert_eq!(run.call(2, &[]) as i64, hh(55, 2, hh(1, 2, 3, 4, 5), 4, 5));
}

#[test]
fn counting_loops_fuse_into_forloop() {
    let tys = Tys::new();
    let (i64t, unit, b) = (tys.i64, tys.unit, tys.bool);
    let mut f = Fb::new("sum", &[i64t], i64t);
    let (s, i, end) = (f.local(i64t), f.local(i64t), f.local(i64t));
    let lo = lp(
        0,
        Some(bin(BinOp::Lt, f.read(i), f.read(end), b)),
        write(s, bin(BinOp::Add, f.read(s), f.read(i), i64t), unit),
        Some(write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit)),
        unit,
    );
    let body = block(
        vec![write(s, int(0, i64t), unit), write(i, int(0, i64t), unit), write(end, f.read(LocalId(0)), unit), lo],
        Some(f.read(s)),
        i64t,
    );
    let p = program(&tys, vec![f.finish(body)], 0);
    let r = Runner::new(&p);
    let dump = r.module().to_string();
    assert!(dump.contains("ForLoop"), "{dump}");
    assert_eq!(r.call(0, &[0]), 0);
    assert_eq!(r.call(0, &[1]), 0);
    assert_eq!(r.call(0, &[101]), 5050);
    assert_eq!(r.call(0, &[(-5i64) as u64]), 0);
}

#[test]
fn large_conditions_and_early_return() {
    let tys = Tys::new();
    let (i64t, unit, never, b) = (tys.i64, tys.unit, tys.never, tys.bool);
    // while i * i + 3 * i - 7 < n * 2 - 1 && i < 1000000 { if i == 77 { return -7 } i += 1 } i
    let mut f = Fb::new("w", &[i64t], i64t);
    let n = LocalId(0);
    let i = f.local(i64t);
    let lhs = bin(
        BinOp::Sub,
        bin(BinOp::Add, bin(BinOp::Mul, f.read(i), f.read(i), i64t), bin(BinOp::Mul, int(3, i64t), f.read(i), i64t), i64t),
        int(7, i64t),
        i64t,
    );
    let rhs = bin(BinOp::Sub, bin(BinOp::Mul, f.read(n), int(2, i64t), i64t), int(1, i64t), i64t);
    let c = logic(LogicOp::And, bin(BinOp::Lt, lhs, rhs, b), bin(BinOp::Lt, f.read(i), int(1000000, i64t), b), b);
    let lo = lp(
        0,
        Some(c),
        block(
            vec![
                if_(bin(BinOp::Eq, f.read(i), int(77, i64t), b), ret(Some(int(-7, i64t)), never), None, unit),
                write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit),
            ],
            None,
            unit,
        ),
        None,
        unit,
    );
    let body = block(vec![write(i, int(0, i64t), unit), lo], Some(f.read(i)), i64t);
    let p = program(&tys, vec![f.finish(body)], 0);
    let r = Runner::new(&p);
    let reference = |n: i64| {
        let mut i = 0i64;
        while i * i + 3 * i - 7 < n * 2 - 1 && i < 1000000 {
            if i == 77 {
                return -7;
            }
            i += 1;
        }
        i
    };
    for n in [0i64, 5, 100, 1000, 100000] {
        assert_eq!(r.call(0, &[n as u64]) as i64, reference(n), "n = {n}");
    }
}

#[test]
fn closures_share_captured_cells() {
    let mut tys = Tys::new();
    let (i64t, unit) = (tys.i64, tys.unit);
    let cell = tys.t(TypeKind::Cell(i64t));
    let counter_ty = tys.t(TypeKind::Func { params: vec![], ret: i64t });
    let adder_ty = tys.t(TypeKind::Func { params: vec![i64t], ret: i64t });
    // f0 make_counter() -> Fn() -> i64 { let c = Cell(0); move || { *c += 1; *c } }
    let mut mk = Fb::new("make_counter", &[], counter_ty);
    let c = mk.local(cell);
    let mkb = block(
        vec![write(c, intrinsic(Intrinsic::CellNew, vec![int(0, i64t)], cell), unit)],
        Some(ex(ExprKind::MakeClosure { func: FuncId(1), captures: vec![mk.read(c)] }, counter_ty)),
        counter_ty,
    );
    // f1 the counter's body
    let mut body = Fb::new("make_counter::{closure#0}", &[], i64t);
    body.env = Some(vec![cell]);
    let cap = || ex(ExprKind::Capture(0), cell);
    let cb = block(
        vec![write_place(
            Place::Cell(Box::new(cap())),
            bin(BinOp::Add, read_place(Place::Cell(Box::new(cap())), i64t), int(1, i64t), i64t),
            unit,
        )],
        Some(read_place(Place::Cell(Box::new(cap())), i64t)),
        i64t,
    );
    // f2 adder body: |y| x + y with x captured by value
    let mut add = Fb::new("adder", &[i64t], i64t);
    add.env = Some(vec![i64t]);
    let ab = bin(BinOp::Add, ex(ExprKind::Capture(0), i64t), add.read(LocalId(0)), i64t);
    // f3 main: a = counter; b = counter; a(); a(); b(); let k = adder(40); a() * 1000 + b() * 100 + k(2)
    let mut m = Fb::new("main", &[], i64t);
    let (a, bb, k) = (m.local(counter_ty), m.local(counter_ty), m.local(adder_ty));
    let callc = |l: LocalId, m: &Fb, args: Vec<Expr>| ex(ExprKind::CallClosure { callee: Box::new(m.read(l)), args }, i64t);
    let mb = block(
        vec![
            write(a, call(0, vec![], counter_ty), unit),
            write(bb, call(0, vec![], counter_ty), unit),
            callc(a, &m, vec![]),
            callc(a, &m, vec![]),
            callc(bb, &m, vec![]),
            write(k, ex(ExprKind::MakeClosure { func: FuncId(2), captures: vec![int(40, i64t)] }, adder_ty), unit),
        ],
        Some(bin(
            BinOp::Add,
            bin(
                BinOp::Add,
                bin(BinOp::Mul, callc(a, &m, vec![]), int(1000, i64t), i64t),
                bin(BinOp::Mul, callc(bb, &m, vec![]), int(100, i64t), i64t),
                i64t,
            ),
            callc(k, &m, vec![int(2, i64t)]),
            i64t,
        )),
        i64t,
    );
    let p = program(&tys, vec![mk.finish(mkb), body.finish(cb), add.finish(ab), m.finish(mb)], 3);
    assert_eq!(run_main(&p), 3 * 1000 + 2 * 100 + 42);
}

#[test]
fn globals_are_set_by_init() {
    let tys = Tys::new();
    let (i64t, unit) = (tys.i64, tys.unit);
    let init = Fb::new("init", &[], unit);
    let ib = write_place(Place::Global(GlobalId(0)), int(41, i64t), unit);
    let m = Fb::new("main", &[], i64t);
    let mb = bin(BinOp::Add, read_place(Place::Global(GlobalId(0)), i64t), int(1, i64t), i64t);
    let mut p = program(&tys, vec![init.finish(ib), m.finish(mb)], 1);
    p.globals.push(Global { name: "G".into(), ty: i64t });
    p.init = Some(FuncId(0));
    let r = Runner::new(&p);
    r.call(0, &[]);
    assert_eq!(r.call(1, &[]), 42);
    assert_eq!(r.inst.global(0), Some(41));
}

#[test]
fn assignment_reads_the_old_value_of_the_target() {
    let tys = Tys::new();
    let (i64t, unit, b) = (tys.i64, tys.unit, tys.bool);
    // x = if x > 0 { x * 2 } else { x - 1 } + x; also x = (x > 3) && (x < 100) as a bool in y
    let mut f = Fb::new("f", &[i64t], i64t);
    let x = LocalId(0);
    let y = f.local(b);
    let e = bin(
        BinOp::Add,
        if_(
            bin(BinOp::Gt, f.read(x), int(0, i64t), b),
            bin(BinOp::Mul, f.read(x), int(2, i64t), i64t),
            Some(bin(BinOp::Sub, f.read(x), int(1, i64t), i64t)),
            i64t,
        ),
        f.read(x),
        i64t,
    );
    let yv = logic(LogicOp::And, bin(BinOp::Gt, f.read(x), int(3, i64t), b), bin(BinOp::Lt, f.read(x), int(100, i64t), b), b);
    let body = block(
        vec![write(x, e, unit), write(y, yv, unit)],
        Some(bin(BinOp::Add, bin(BinOp::Mul, f.read(x), int(10, i64t), i64t), cast(f.read(y), i64t), i64t)),
        i64t,
    );
    let p = program(&tys, vec![f.finish(body)], 0);
    let r = Runner::new(&p);
    for x0 in [-5i64, 0, 1, 2, 40, 60] {
        let x1 = if x0 > 0 { x0 * 2 } else { x0 - 1 } + x0;
        let y = (x1 > 3 && x1 < 100) as i64;
        assert_eq!(r.call(0, &[x0 as u64]) as i64, x1 * 10 + y, "x0 = {x0}");
    }
}

#[test]
fn break_and_continue_inside_a_loop_condition() {
    let tys = Tys::new();
    let (i64t, unit, never, b) = (tys.i64, tys.unit, tys.never, tys.bool);
    // loop { cond: { if i == 7 { break } ; if i == 2 { i += 1; continue } ; i < n } body: s += i; step: i += 1 }
    let mut f = Fb::new("f", &[i64t], i64t);
    let n = LocalId(0);
    let (s, i) = (f.local(i64t), f.local(i64t));
    let incr = || write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit);
    let cond = block(
        vec![
            if_(bin(BinOp::Eq, f.read(i), int(7, i64t), b), brk(0, None, never), None, unit),
            if_(bin(BinOp::Eq, f.read(i), int(2, i64t), b), block(vec![incr(), cont(0, never)], None, never), None, unit),
        ],
        Some(bin(BinOp::Lt, f.read(i), f.read(n), b)),
        b,
    );
    let lo = lp(0, Some(cond), write(s, bin(BinOp::Add, f.read(s), f.read(i), i64t), unit), Some(incr()), unit);
    let body = block(vec![write(s, int(0, i64t), unit), write(i, int(0, i64t), unit), lo], Some(f.read(s)), i64t);
    let p = program(&tys, vec![f.finish(body)], 0);
    let r = Runner::new(&p);
    let reference = |n: i64| {
        let (mut s, mut i) = (0, 0);
        loop {
            if i == 7 {
                break;
            }
            if i == 2 {
                i += 1;
                i += 1;
                continue;
            }
            if i >= n {
                break;
            }
            s += i;
            i += 1;
        }
        s
    };
    for n in [0i64, 1, 3, 5, 100] {
        assert_eq!(r.call(0, &[n as u64]) as i64, reference(n), "n = {n}");
    }
}
