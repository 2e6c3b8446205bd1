//! Heap values: aggregates and their copies, arrays, enums, vectors,
//! strings and formatting, references.

use super::build::*;
use gos_ir::*;

fn point(tys: &mut Tys) -> TypeId {
    let i64t = tys.i64;
    let (id, _) = tys.tt.declare_nominal("P");
    tys.tt.define(
        id,
        TypeKind::Struct { name: "P".into(), fields: vec![("x".into(), i64t), ("y".into(), i64t)], tuple_like: false },
    );
    id
}

fn field(obj: Expr, index: u32, t: TypeId) -> Expr {
    read_place(Place::Field { obj: Box::new(obj), index }, t)
}

#[test]
fn aggregate_copies_are_independent() {
    let mut tys = Tys::new();
    let pt = point(&mut tys);
    let (i64t, unit) = (tys.i64, tys.unit);
    let mut f = Fb::new("main", &[], i64t);
    let (p, q) = (f.local(pt), f.local(pt));
    let body = block(
        vec![
            write(p, ex(ExprKind::Aggregate(vec![int(1, i64t), int(2, i64t)]), pt), unit),
            write(q, ex(ExprKind::Copy(Box::new(f.read(p))), pt), unit),
            write_place(Place::Field { obj: Box::new(f.read(q)), index: 0 }, int(10, i64t), unit),
        ],
        Some(bin(
            BinOp::Add,
            bin(BinOp::Mul, field(f.read(p), 0, i64t), int(100, i64t), i64t),
            bin(BinOp::Add, field(f.read(q), 0, i64t), field(f.read(q), 1, i64t), i64t),
            i64t,
        )),
        i64t,
    );
    let prog = program(&tys, vec![f.finish(body)], 0);
    assert_eq!(run_main(&prog), 112);
}

#[test]
fn fixed_arrays_repeat_index_and_compare() {
    let mut tys = Tys::new();
    let (i64t, unit, b) = (tys.i64, tys.unit, tys.bool);
    let arr = tys.t(TypeKind::Array(i64t, 4));
    let mut f = Fb::new("main", &[], i64t);
    let (a, c, s, i) = (f.local(arr), f.local(arr), f.local(i64t), f.local(i64t));
    let elem = |f: &Fb, x: LocalId, i: Expr| Place::ArrayElem { arr: Box::new(f.read(x)), index: Box::new(i) };
    let lo = lp(
        0,
        Some(bin(BinOp::Lt, f.read(i), int(4, i64t), b)),
        write(s, bin(BinOp::Add, bin(BinOp::Mul, f.read(s), int(10, i64t), i64t), read_place(elem(&f, a, f.read(i)), i64t), i64t), unit),
        Some(write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit)),
        unit,
    );
    let eq = bin(BinOp::Eq, f.read(a), f.read(c), b);
    let body = block(
        vec![
            write(a, ex(ExprKind::ArrayRepeat(Box::new(int(7, i64t))), arr), unit),
            write(c, ex(ExprKind::Copy(Box::new(f.read(a))), arr), unit),
            write_place(elem(&f, a, int(2, i64t)), int(5, i64t), unit),
            write(s, int(0, i64t), unit),
            write(i, int(0, i64t), unit),
            lo,
        ],
        // s * 10 + (a == c) as i64 * 1 ... a differs from c now
        Some(bin(BinOp::Add, bin(BinOp::Mul, f.read(s), int(10, i64t), i64t), cast(eq, i64t), i64t)),
        i64t,
    );
    let prog = program(&tys, vec![f.finish(body)], 0);
    assert_eq!(run_main(&prog), 77570);
}

#[test]
fn enums_carry_tags_and_fields() {
    let mut tys = Tys::new();
    let (i64t, b) = (tys.i64, tys.bool);
    let opt = tys.option(i64t);
    // unwrap_or(o, d) = if tag(o) == 1 { field(o) } else { d }
    let f = Fb::new("unwrap_or", &[opt, i64t], i64t);
    let body = if_(
        bin(BinOp::Eq, ex(ExprKind::EnumTag(Box::new(f.read(LocalId(0)))), i64t), int(1, i64t), b),
        ex(ExprKind::EnumField { value: Box::new(f.read(LocalId(0))), variant: 1, index: 0 }, i64t),
        Some(f.read(LocalId(1))),
        i64t,
    );
    let m = Fb::new("main", &[], i64t);
    let some = ex(ExprKind::EnumNew { variant: 1, fields: vec![int(5, i64t)] }, opt);
    let none = ex(ExprKind::EnumNew { variant: 0, fields: vec![] }, opt);
    let mb = bin(
        BinOp::Add,
        bin(BinOp::Mul, call(0, vec![some.clone(), int(9, i64t)], i64t), int(100, i64t), i64t),
        bin(
            BinOp::Add,
            call(0, vec![none.clone(), int(9, i64t)], i64t),
            // Structural equality through the runtime: Some(5) == Some(5).
            cast(bin(BinOp::Eq, some.clone(), some, b), i64t),
            i64t,
        ),
        i64t,
    );
    let prog = program(&tys, vec![f.finish(body), m.finish(mb)], 1);
    assert_eq!(run_main(&prog), 510);
}

#[test]
fn vectors_grow_and_index() {
    let mut tys = Tys::new();
    let (i64t, unit, b) = (tys.i64, tys.unit, tys.bool);
    let vt = tys.t(TypeKind::Vec(i64t));
    let mut f = Fb::new("main", &[], i64t);
    let (v, i, s) = (f.local(vt), f.local(i64t), f.local(i64t));
    let push = lp(
        0,
        Some(bin(BinOp::Lt, f.read(i), int(100, i64t), b)),
        intrinsic(Intrinsic::VecPush, vec![f.read(v), bin(BinOp::Mul, f.read(i), f.read(i), i64t)], unit),
        Some(write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit)),
        unit,
    );
    let elem = |f: &Fb, i: Expr| Place::VecElem { vec: Box::new(f.read(v)), index: Box::new(i) };
    let len = intrinsic(Intrinsic::VecLen, vec![f.read(v)], i64t);
    let sum = lp(
        1,
        Some(bin(BinOp::Lt, f.read(i), len.clone(), b)),
        write(s, bin(BinOp::Add, f.read(s), read_place(elem(&f, f.read(i)), i64t), i64t), unit),
        Some(write(i, bin(BinOp::Add, f.read(i), int(1, i64t), i64t), unit)),
        unit,
    );
    let body = block(
        vec![
            write(v, intrinsic(Intrinsic::VecNew, vec![int(0, i64t)], vt), unit),
            write(i, int(0, i64t), unit),
            push,
            write_place(elem(&f, int(10, i64t)), int(-1, i64t), unit),
            write(i, int(0, i64t), unit),
            write(s, int(0, i64t), unit),
            sum,
        ],
        Some(bin(BinOp::Add, bin(BinOp::Mul, f.read(s), int(1000, i64t), i64t), len, i64t)),
        i64t,
    );
    let prog = program(&tys, vec![f.finish(body)], 0);
    let want: i64 = (0..100i64).map(|i| if i == 10 { -1 } else { i * i }).sum();
    assert_eq!(run_main(&prog) as i64, want * 1000 + 100);
}

#[test]
fn strings_format_concatenate_and_compare() {
    let mut tys = Tys::new();
    let (i64t, f64t, st, b) = (tys.i64, tys.f64, tys.str, tys.bool);
    let tup = tys.t(TypeKind::Tuple(vec![i64t, st]));
    let f = Fb::new("fmt", &[i64t], st);
    let spec = FormatSpec::default();
    let prec = FormatSpec { precision: Some(2), ..FormatSpec::default() };
    let body = ex(
        ExprKind::Format(vec![
            FmtPiece::Lit("x = ".into()),
            FmtPiece::Arg { value: f.read(LocalId(0)), spec: spec.clone() },
            FmtPiece::Lit(", ".into()),
            FmtPiece::Arg { value: f64c(1.5, f64t), spec: spec.clone() },
            FmtPiece::Lit(" ".into()),
            FmtPiece::Arg { value: f64c(2.0 / 3.0, f64t), spec: prec },
            FmtPiece::Lit(" ".into()),
            FmtPiece::Arg { value: bin(BinOp::Add, strc("a", st), strc("b", st), st), spec: spec.clone() },
            FmtPiece::Lit(" ".into()),
            FmtPiece::Arg { value: ex(ExprKind::Aggregate(vec![int(1, i64t), strc("q", st)]), tup), spec },
        ]),
        st,
    );
    let g = Fb::new("cmp", &[st, st], i64t);
    let (x, y) = (g.read(LocalId(0)), g.read(LocalId(1)));
    let gb = bin(
        BinOp::Add,
        bin(BinOp::Mul, cast(bin(BinOp::Lt, x.clone(), y.clone(), b), i64t), int(10, i64t), i64t),
        cast(bin(BinOp::Eq, x, y, b), i64t),
        i64t,
    );
    let prog = program(&tys, vec![f.finish(body), g.finish(gb)], 0);
    let r = Runner::new(&prog);
    assert_eq!(text(r.call(0, &[42])), "x = 42, 1.5 0.67 ab (1, \"q\")");
    let s = |t: &str| gos_runtime::str_from(t);
    assert_eq!(r.call(1, &[s("abc"), s("abd")]), 10);
    assert_eq!(r.call(1, &[s("abd"), s("abc")]), 0);
    assert_eq!(r.call(1, &[s("abc"), s("abc")]), 1);
}

#[test]
fn references_write_through_to_cells_vectors_and_aggregates() {
    let mut tys = Tys::new();
    let pt = point(&mut tys);
    let (i64t, unit) = (tys.i64, tys.unit);
    let cell = tys.t(TypeKind::Cell(i64t));
    let rt = tys.t(TypeKind::Ref(i64t));
    let rp = tys.t(TypeKind::Ref(pt));
    let vt = tys.t(TypeKind::Vec(i64t));
    // f0 inc(r: &mut i64) { *r = *r + 1 }
    let inc = Fb::new("inc", &[rt], unit);
    let deref = |f: &Fb| Place::Deref(Box::new(f.read(LocalId(0))));
    let ib = write_place(deref(&inc), bin(BinOp::Add, read_place(deref(&inc), i64t), int(1, i64t), i64t), unit);
    // f1 reset(p: &mut P) { *p = P { x: 7, y: 8 } }
    let reset = Fb::new("reset", &[rp], unit);
    let rb = write_place(
        Place::Deref(Box::new(reset.read(LocalId(0)))),
        ex(ExprKind::Aggregate(vec![int(7, i64t), int(8, i64t)]), pt),
        unit,
    );
    // f2 main
    let mut m = Fb::new("main", &[], i64t);
    let (c, v, p) = (m.local(cell), m.local(vt), m.local(pt));
    let mkref = |pl: Place| ex(ExprKind::MakeRef(pl), rt);
    let body = block(
        vec![
            write(c, intrinsic(Intrinsic::CellNew, vec![int(5, i64t)], cell), unit),
            call(0, vec![mkref(Place::Cell(Box::new(m.read(c))))], unit),
            write(v, intrinsic(Intrinsic::VecNew, vec![int(4, i64t)], vt), unit),
            intrinsic(Intrinsic::VecPush, vec![m.read(v), int(100, i64t)], unit),
            intrinsic(Intrinsic::VecPush, vec![m.read(v), int(200, i64t)], unit),
            call(0, vec![mkref(Place::VecElem { vec: Box::new(m.read(v)), index: Box::new(int(1, i64t)) })], unit),
            write(p, ex(ExprKind::Aggregate(vec![int(1, i64t), int(2, i64t)]), pt), unit),
            call(1, vec![ex(ExprKind::MakeRef(Place::Local(p)), rp)], unit),
        ],
        Some(bin(
            BinOp::Add,
            bin(
                BinOp::Add,
                read_place(Place::Cell(Box::new(m.read(c))), i64t),
                read_place(Place::VecElem { vec: Box::new(m.read(v)), index: Box::new(int(1, i64t)) }, i64t),
                i64t,
            ),
            bin(BinOp::Mul, field(m.read(p), 0, i64t), field(m.read(p), 1, i64t), i64t),
            i64t,
        )),
        i64t,
    );
    let prog = program(&tys, vec![inc.finish(ib), reset.finish(rb), m.finish(body)], 2);
    assert_eq!(run_main(&prog), 6 + 201 + 56);
}

#[test]
fn shared_references_to_plain_variables_read_their_value() {
    let mut tys = Tys::new();
    let (i64t, st) = (tys.i64, tys.str);
    let ri = tys.t(TypeKind::Ref(i64t));
    let rs = tys.t(TypeKind::Ref(st));
    // f0 get(r: &i64) -> i64 { *r }, f1 text(r: &String) -> String { *r }
    let g = Fb::new("get", &[ri], i64t);
    let gb = read_place(Place::Deref(Box::new(g.read(LocalId(0)))), i64t);
    let t = Fb::new("text", &[rs], st);
    let tb = read_place(Place::Deref(Box::new(t.read(LocalId(0)))), st);
    // f2 main(x: i64, s: String) -> i64 { get(&x) + len(text(&s)) }
    let m = Fb::new("main", &[i64t, st], i64t);
    let mb = bin(
        BinOp::Add,
        call(0, vec![ex(ExprKind::MakeRef(Place::Local(LocalId(0))), ri)], i64t),
        intrinsic(Intrinsic::StrLen, vec![call(1, vec![ex(ExprKind::MakeRef(Place::Local(LocalId(1))), rs)], st)], i64t),
        i64t,
    );
    let prog = program(&tys, vec![g.finish(gb), t.finish(tb), m.finish(mb)], 2);
    let r = Runner::new(&prog);
    assert_eq!(r.call(2, &[40, gos_runtime::str_from("ab")]), 42);
}

#[test]
fn string_length_and_bytes_inline() {
    let tys = Tys::new();
    let (i64t, u8t, st) = (tys.i64, tys.u8, tys.str);
    // f(s, i) = len(s) * 1000 + s[i]
    let f = Fb::new("f", &[st, i64t], i64t);
    let byte = cast(intrinsic(Intrinsic::StrByteAt, vec![f.read(LocalId(0)), f.read(LocalId(1))], u8t), i64t);
    let body = bin(BinOp::Add, bin(BinOp::Mul, intrinsic(Intrinsic::StrLen, vec![f.read(LocalId(0))], i64t), int(1000, i64t), i64t), byte, i64t);
    let prog = program(&tys, vec![f.finish(body)], 0);
    let r = Runner::new(&prog);
    let dump = r.module().to_string();
    assert!(dump.contains("StrLen") && dump.contains("StrByte"), "{dump}");
    assert_eq!(r.call(0, &[gos_runtime::str_from("héllo"), 1]), 6000 + 0xC3);
}

#[test]
fn fieldless_variants_are_shared_objects() {
    let mut tys = Tys::new();
    let (i64t, b) = (tys.i64, tys.bool);
    let opt = tys.option(i64t);
    // main() = (None == None) as i64 * 10 + tag(None)
    let m = Fb::new("main", &[], i64t);
    let none = || ex(ExprKind::EnumNew { variant: 0, fields: vec![] }, opt);
    let body = bin(
        BinOp::Add,
        bin(BinOp::Mul, cast(bin(BinOp::Eq, none(), none(), b), i64t), int(10, i64t), i64t),
        ex(ExprKind::EnumTag(Box::new(none())), i64t),
        i64t,
    );
    let prog = program(&tys, vec![m.finish(body)], 0);
    let r = Runner::new(&prog);
    assert!(r.module().to_string().contains("LoadUnitEnum"));
    assert_eq!(r.call(0, &[]), 10);
}
