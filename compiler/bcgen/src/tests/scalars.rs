//! Scalar arithmetic, comparisons and casts of every width, checked
//! against Rust's own operators on the corresponding Rust types, through
//! every lowering path (register operands, immediates, fused branches).

use super::build::*;
use gos_ir::*;

const INT_TYS: [IntTy; 8] = [IntTy::I8, IntTy::I16, IntTy::I32, IntTy::I64, IntTy::U8, IntTy::U16, IntTy::U32, IntTy::U64];

const SEEDS: [i64; 20] = [
    0,
    1,
    -1,
    2,
    3,
    7,
    -7,
    100,
    -128,
    127,
    255,
    1000,
    -32768,
    65535,
    i32::MIN as i64,
    i32::MAX as i64,
    u32::MAX as i64,
    i64::MIN,
    i64::MAX,
    0x1234_5678_9abc_def0,
];

const ARITH: [BinOp; 10] =
    [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Rem, BinOp::BitAnd, BinOp::BitOr, BinOp::BitXor, BinOp::Shl, BinOp::Shr];
const CMPS: [BinOp; 6] = [BinOp::Eq, BinOp::Ne, BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge];

/// Rust's result of `a op b` on the Rust type for `it`, as a normalised
/// word; `None` for a division by zero.
fn reference(op: BinOp, it: IntTy, a: u64, b: u64) -> Option<u64> {
    macro_rules! on {
        ($t:ty) => {{
            let (x, y) = (a as $t, b as $t);
            let r: $t = match op {
                BinOp::Add => x.wrapping_add(y),
                BinOp::Sub => x.wrapping_sub(y),
                BinOp::Mul => x.wrapping_mul(y),
                BinOp::Div => {
                    if y == 0 {
                        return None;
                    }
                    x.wrapping_div(y)
                }
                BinOp::Rem => {
                    if y == 0 {
                        return None;
                    }
                    x.wrapping_rem(y)
                }
                BinOp::BitAnd => x & y,
                BinOp::BitOr => x | y,
                BinOp::BitXor => x ^ y,
                BinOp::Shl => x.wrapping_shl(y as u32),
                BinOp::Shr => x.wrapping_shr(y as u32),
                BinOp::Eq => return Some((x == y) as u64),
                BinOp::Ne => return Some((x != y) as u64),
                BinOp::Lt => return Some((x < y) as u64),
                BinOp::Le => return Some((x <= y) as u64),
                BinOp::Gt => return Some((x > y) as u64),
                BinOp::Ge => return Some((x >= y) as u64),
            };
            Some(r as i64 as u64)
        }};
    }
    match it {
        IntTy::I8 => on!(i8),
        IntTy::I16 => on!(i16),
        IntTy::I32 => on!(i32),
        IntTy::I64 => on!(i64),
        IntTy::U8 => on!(u8),
        IntTy::U16 => on!(u16),
        IntTy::U32 => on!(u32),
        IntTy::U64 => on!(u64),
    }
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    /// `f(a, b) = a op b`
    Regs,
    /// `f(a) = a op c`
    Imm(i64),
    /// `f(a, b) = if a op b { 1 } else { 0 }`
    Branch,
    /// `f(a) = if a op c { 1 } else { 0 }`
    BranchImm(i64),
}

#[test]
fn integer_operations_of_every_width_match_rust() {
    let tys = Tys::new();
    let mut funcs = Vec::new();
    let mut cases = Vec::new();
    let imms = [1i64, -1, 3, 7, 100, 40000, -129];
    for it in INT_TYS {
        let t = tys.int(it);
        for op in ARITH.iter().chain(CMPS.iter()).copied() {
            let res = if CMPS.contains(&op) { tys.bool } else { t };
            let mut shapes = vec![Shape::Regs];
            shapes.extend(imms.iter().map(|&c| Shape::Imm(it.normalize(c as u64) as i64)));
            if CMPS.contains(&op) {
                shapes.push(Shape::Branch);
                shapes.extend(imms.iter().map(|&c| Shape::BranchImm(it.normalize(c as u64) as i64)));
            }
            for shape in shapes {
                let two = matches!(shape, Shape::Regs | Shape::Branch);
                let params: Vec<TypeId> = if two { vec![t, t] } else { vec![t] };
                let ret = if matches!(shape, Shape::Branch | Shape::BranchImm(_)) { tys.i64 } else { res };
                let f = Fb::new(&format!("{it:?}_{op:?}_{shape:?}"), &params, ret);
                let a = f.read(LocalId(0));
                let b = match shape {
                    Shape::Regs | Shape::Branch => f.read(LocalId(1)),
                    Shape::Imm(c) | Shape::BranchImm(c) => int(c, t),
                };
                let e = bin(op, a, b, res);
                let body = match shape {
                    Shape::Branch | Shape::BranchImm(_) => if_(e, int(1, tys.i64), Some(int(0, tys.i64)), tys.i64),
                    _ => e,
                };
                cases.push((funcs.len() as u32, it, op, shape));
                funcs.push(f.finish(body));
            }
        }
    }
    let p = program(&tys, funcs, 0);
    let r = Runner::new(&p);
    let mut checked = 0;
    for (f, it, op, shape) in cases {
        for &x in &SEEDS {
            let a = it.normalize(x as u64);
            let bs: Vec<u64> = match shape {
                Shape::Regs | Shape::Branch => SEEDS.iter().map(|&y| it.normalize(y as u64)).collect(),
                Shape::Imm(c) | Shape::BranchImm(c) => vec![c as u64],
            };
            for b in bs {
                let Some(want) = reference(op, it, a, b) else { continue };
                let args: Vec<u64> = if matches!(shape, Shape::Regs | Shape::Branch) { vec![a, b] } else { vec![a] };
                let got = r.call(f, &args);
                assert_eq!(got, want, "{it:?} {op:?} {shape:?}: a={a:#x} b={b:#x}");
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "only {checked} cases ran");
}

#[test]
fn unary_operators_of_every_width() {
    let tys = Tys::new();
    let mut funcs = Vec::new();
    for it in INT_TYS {
        let t = tys.int(it);
        for op in [UnOp::Neg, UnOp::Not] {
            let f = Fb::new("u", &[t], t);
            let a = f.read(LocalId(0));
            funcs.push(f.finish(un(op, a)));
        }
    }
    let fb = Fb::new("not_bool", &[tys.bool], tys.bool);
    let a = fb.read(LocalId(0));
    funcs.push(fb.finish(un(UnOp::Not, a)));
    let p = program(&tys, funcs, 0);
    let r = Runner::new(&p);
    for (i, it) in INT_TYS.iter().enumerate() {
        for &x in &SEEDS {
            let a = it.normalize(x as u64);
            let neg = it.normalize(a.wrapping_neg());
            let not = it.normalize(!a);
            assert_eq!(r.call(2 * i as u32, &[a]), neg, "{it:?} neg {a:#x}");
            assert_eq!(r.call(2 * i as u32 + 1, &[a]), not, "{it:?} not {a:#x}");
        }
    }
    assert_eq!(r.call(16, &[1]), 0);
    assert_eq!(r.call(16, &[0]), 1);
}

fn f64s() -> Vec<f64> {
    vec![0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 1e300, -1e-300, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 3.0]
}

#[test]
fn float_operations_match_rust() {
    let tys = Tys::new();
    let ops = [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Rem];
    let mut funcs = Vec::new();
    for t in [tys.f64, tys.f32] {
        for op in ops.iter().chain(CMPS.iter()).copied() {
            let is_cmp = CMPS.contains(&op);
            for branch in [false, true] {
                if branch && !is_cmp {
                    continue;
                }
                let ret = if branch { tys.i64 } else if is_cmp { tys.bool } else { t };
                let f = Fb::new("f", &[t, t], ret);
                let e = bin(op, f.read(LocalId(0)), f.read(LocalId(1)), if is_cmp { tys.bool } else { t });
                let body = if branch { if_(e, int(1, tys.i64), Some(int(0, tys.i64)), tys.i64) } else { e };
                funcs.push((funcs.len() as u32, t, op, branch, f.finish(body)));
            }
        }
    }
    let cases: Vec<_> = funcs.iter().map(|(i, t, op, b, _)| (*i, *t, *op, *b)).collect();
    let p = program(&tys, funcs.into_iter().map(|x| x.4).collect(), 0);
    let r = Runner::new(&p);
    for (f, t, op, _) in cases {
        for &x in &f64s() {
            for &y in &f64s() {
                let got = if t == tys.f64 {
                    r.call(f, &[x.to_bits(), y.to_bits()])
                } else {
                    r.call(f, &[(x as f32).to_bits() as u64, (y as f32).to_bits() as u64])
                };
                macro_rules! want {
                    ($a:expr, $b:expr, $bits:expr) => {
                        match op {
                            BinOp::Add => $bits($a + $b),
                            BinOp::Sub => $bits($a - $b),
                            BinOp::Mul => $bits($a * $b),
                            BinOp::Div => $bits($a / $b),
                            BinOp::Rem => $bits($a % $b),
                            BinOp::Eq => ($a == $b) as u64,
                            BinOp::Ne => ($a != $b) as u64,
                            BinOp::Lt => ($a < $b) as u64,
                            BinOp::Le => ($a <= $b) as u64,
                            BinOp::Gt => ($a > $b) as u64,
                            _ => ($a >= $b) as u64,
                        }
                    };
                }
                let want = if t == tys.f64 {
                    want!(x, y, |v: f64| v.to_bits())
                } else {
                    want!(x as f32, y as f32, |v: f32| v.to_bits() as u64)
                };
                let nan_result = |w: u64| if t == tys.f64 { f64::from_bits(w).is_nan() } else { f32::from_bits(w as u32).is_nan() };
                if CMPS.contains(&op) || !nan_result(want) {
                    assert_eq!(got, want, "{op:?} {x} {y} (type {t})");
                } else {
                    assert!(nan_result(got), "{op:?} {x} {y}: expected NaN");
                }
            }
        }
    }
    // Negation keeps the sign of zero and NaN-ness.
    let tys = Tys::new();
    let f = Fb::new("neg", &[tys.f64], tys.f64);
    let a = f.read(LocalId(0));
    let p = program(&tys, vec![f.finish(un(UnOp::Neg, a))], 0);
    let r = Runner::new(&p);
    assert_eq!(r.call(0, &[0.0f64.to_bits()]), (-0.0f64).to_bits());
    assert_eq!(r.call(0, &[2.5f64.to_bits()]), (-2.5f64).to_bits());
}

#[test]
fn casts_follow_rusts_as() {
    let tys = Tys::new();
    let mut funcs = Vec::new();
    let mut cases = Vec::new();
    let mut add = |funcs: &mut Vec<Function>, from: TypeId, to: TypeId, tag: &str| {
        let f = Fb::new(tag, &[from], to);
        let a = f.read(LocalId(0));
        cases.push((funcs.len() as u32, tag.to_string()));
        funcs.push(f.finish(cast(a, to)));
    };
    for from in INT_TYS {
        for to in INT_TYS {
            add(&mut funcs, tys.int(from), tys.int(to), &format!("{from:?}>{to:?}"));
        }
        add(&mut funcs, tys.int(from), tys.f64, &format!("{from:?}>F64"));
        add(&mut funcs, tys.int(from), tys.f32, &format!("{from:?}>F32"));
        add(&mut funcs, tys.f64, tys.int(from), &format!("F64>{from:?}"));
        add(&mut funcs, tys.f32, tys.int(from), &format!("F32>{from:?}"));
    }
    add(&mut funcs, tys.f64, tys.f32, "F64>F32");
    add(&mut funcs, tys.f32, tys.f64, "F32>F64");
    add(&mut funcs, tys.char, tys.u8, "Char>U8");
    add(&mut funcs, tys.char, tys.u32, "Char>U32");
    add(&mut funcs, tys.u8, tys.char, "U8>Char");
    add(&mut funcs, tys.bool, tys.i64, "Bool>I64");
    let p = program(&tys, funcs, 0);
    let r = Runner::new(&p);
    let by_name = |n: &str| cases.iter().find(|c| c.1 == n).map(|c| c.0).unwrap();
    macro_rules! int_to {
        ($v:expr, $to:expr) => {
            match $to {
                IntTy::I8 => $v as i8 as i64 as u64,
                IntTy::I16 => $v as i16 as i64 as u64,
                IntTy::I32 => $v as i32 as i64 as u64,
                IntTy::I64 => $v as i64 as u64,
                IntTy::U8 => $v as u8 as u64,
                IntTy::U16 => $v as u16 as u64,
                IntTy::U32 => $v as u32 as u64,
                IntTy::U64 => $v as u64,
            }
        };
    }
    for from in INT_TYS {
        for &x in &SEEDS {
            let a = from.normalize(x as u64);
            // The value as a Rust integer of the source type, widened.
            let (si, ui) = (a as i64, a);
            let signed = from.signed();
            for to in INT_TYS {
                let want = if signed { int_to!(si, to) } else { int_to!(ui, to) };
                assert_eq!(r.call(by_name(&format!("{from:?}>{to:?}")), &[a]), want, "{from:?}>{to:?} {a:#x}");
            }
            let f = if signed { si as f64 } else { ui as f64 };
            assert_eq!(r.call(by_name(&format!("{from:?}>F64")), &[a]), f.to_bits());
            let f32v = if signed { si as f32 } else { ui as f32 };
            assert_eq!(r.call(by_name(&format!("{from:?}>F32")), &[a]), f32v.to_bits() as u64);
        }
        for &x in &[0.0, -0.0, 1.9, -1.9, 300.5, -300.5, 1e20, -1e20, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(r.call(by_name(&format!("F64>{from:?}")), &[f64::to_bits(x)]), int_to!(x, from), "F64>{from:?} {x}");
            let y = x as f32;
            assert_eq!(r.call(by_name(&format!("F32>{from:?}")), &[y.to_bits() as u64]), int_to!(y, from), "F32>{from:?} {y}");
        }
    }
    assert_eq!(r.call(by_name("F64>F32"), &[0.1f64.to_bits()]), (0.1f64 as f32).to_bits() as u64);
    assert_eq!(r.call(by_name("F32>F64"), &[0.1f32.to_bits() as u64]), (0.1f32 as f64).to_bits());
    assert_eq!(r.call(by_name("Char>U8"), &['é' as u64]), 'é' as u32 as u8 as u64);
    assert_eq!(r.call(by_name("Char>U32"), &['😀' as u64]), 0x1F600);
    assert_eq!(r.call(by_name("U8>Char"), &[b'a' as u64]), 'a' as u64);
    assert_eq!(r.call(by_name("Bool>I64"), &[1]), 1);
}

#[test]
fn float_constant_operands_and_branches() {
    let tys = Tys::new();
    let (f64t, i64t, b) = (tys.f64, tys.i64, tys.bool);
    let consts = [0.5, -1.0, 4.0, f64::NAN, f64::INFINITY];
    let mut funcs = Vec::new();
    let mut cases = Vec::new();
    for &c in &consts {
        for op in [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div] {
            let f = Fb::new("k", &[f64t], f64t);
            let body = bin(op, f.read(LocalId(0)), f64c(c, f64t), f64t);
            cases.push((funcs.len() as u32, op, c, false));
            funcs.push(f.finish(body));
        }
        for op in CMPS {
            let f = Fb::new("kb", &[f64t], i64t);
            let body = if_(bin(op, f.read(LocalId(0)), f64c(c, f64t), b), int(1, i64t), Some(int(0, i64t)), i64t);
            cases.push((funcs.len() as u32, op, c, true));
            funcs.push(f.finish(body));
            // The negated form: `if !(x op c)`.
            let f = Fb::new("knb", &[f64t], i64t);
            let body = if_(un(UnOp::Not, bin(op, f.read(LocalId(0)), f64c(c, f64t), b)), int(0, i64t), Some(int(1, i64t)), i64t);
            cases.push((funcs.len() as u32, op, c, true));
            funcs.push(f.finish(body));
        }
    }
    let p = program(&tys, funcs, 0);
    let r = Runner::new(&p);
    let dump = r.module().to_string();
    assert!(dump.contains("MulF64K") && dump.contains("BrNGeF64K") && dump.contains("BrLtF64K"), "{dump}");
    for (f, op, c, _) in cases {
        for &x in &f64s() {
            let got = r.call(f, &[x.to_bits()]);
            let want = match op {
                BinOp::Add => (x + c).to_bits(),
                BinOp::Sub => (x - c).to_bits(),
                BinOp::Mul => (x * c).to_bits(),
                BinOp::Div => (x / c).to_bits(),
                BinOp::Eq => (x == c) as u64,
                BinOp::Ne => (x != c) as u64,
                BinOp::Lt => (x < c) as u64,
                BinOp::Le => (x <= c) as u64,
                BinOp::Gt => (x > c) as u64,
                _ => (x >= c) as u64,
            };
            if CMPS.contains(&op) || !f64::from_bits(want).is_nan() {
                assert_eq!(got, want, "{op:?} {x} {c}");
            } else {
                assert!(f64::from_bits(got).is_nan(), "{op:?} {x} {c}");
            }
        }
    }
}
