//! Tests of value formatting: hand-written cases from LANGUAGE.md and
//! Rust's documentation, and randomized comparisons with Rust's own
//! formatting (random bit patterns, random specs).

use super::oracle::*;
use super::*;
use crate::map::{map_insert, map_new};
use crate::testutil::*;
use crate::vec::vec_from;
use crate::{str_from, strings::str_as_str};
use gos_abi::parse_format_string;
use proptest::prelude::*;

/// Formats `v` of type `ty` under the spec of placeholder `placeholder`
/// (such as `"{:>8.3}"`), parsed by the real format-string parser.
fn fmt(v: u64, ty: TypeId, placeholder: &str) -> String {
    setup();
    let spec = match parse_format_string(placeholder).unwrap().pop() {
        Some(gos_abi::FmtSegment::Arg { spec, .. }) => spec,
        other => panic!("not a placeholder: {other:?}"),
    };
    unsafe { format_to_string(v, ty, &spec) }
}

fn f(x: f64) -> u64 {
    x.to_bits()
}

#[test]
fn f64_display_is_shortest_round_trip_without_exponent() {
    let cases: &[(f64, &str)] = &[
        (0.1 + 0.2, "0.30000000000000004"),
        (2.0, "2"),
        (0.1, "0.1"),
        (1e21, "1000000000000000000000"),
        (-0.0, "-0"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "NaN"),
        (1.5, "1.5"),
        (-2.25, "-2.25"),
    ];
    for &(x, want) in cases {
        assert_eq!(fmt(f(x), T_F64, "{}"), want, "{x:?}");
    }
    assert_eq!(fmt(f(f64::MIN_POSITIVE), T_F64, "{}"), format!("{}", f64::MIN_POSITIVE));
    assert_eq!(fmt(f(5e-324), T_F64, "{}"), format!("{}", 5e-324));
    assert!(fmt(f(5e-324), T_F64, "{}").starts_with("0.000"));
}

#[test]
fn f64_debug_and_precision() {
    assert_eq!(fmt(f(1.0), T_F64, "{:?}"), "1.0");
    assert_eq!(fmt(f(1e21), T_F64, "{:?}"), "1e21");
    assert_eq!(fmt(f(1e-7), T_F64, "{:?}"), "1e-7");
    assert_eq!(fmt(f(-0.0), T_F64, "{:?}"), "-0.0");
    assert_eq!(fmt(f(2.5), T_F64, "{:.0}"), "2");
    assert_eq!(fmt(f(3.5), T_F64, "{:.0}"), "4");
    assert_eq!(fmt(f(std::f64::consts::PI), T_F64, "{:.9}"), "3.141592654");
    assert_eq!(fmt(f(1.0), T_F64, "{:>8.3}"), "   1.000");
    assert_eq!(fmt(f(-1.5), T_F64, "{:08.2}"), "-0001.50");
    assert_eq!(fmt(f(1.5), T_F64, "{:+}"), "+1.5");
    assert_eq!(fmt(f(f64::NAN), T_F64, "{:+}"), "NaN");
    assert_eq!(fmt(f(1234.5), T_F64, "{:e}"), "1.2345e3");
    assert_eq!(fmt(f(1234.5), T_F64, "{:.2E}"), "1.23E3");
}

#[test]
fn f32_prints_as_f32() {
    let w = 0.1f32.to_bits() as u64;
    assert_eq!(fmt(w, T_F32, "{}"), "0.1");
    assert_eq!(fmt(w, T_F32, "{:?}"), "0.1");
    assert_eq!(fmt(16777216f32.to_bits() as u64, T_F32, "{:?}"), "16777216.0");
    assert_eq!(fmt(1e20f32.to_bits() as u64, T_F32, "{:?}"), "1e20");
}

#[test]
fn integers_bools_chars_strings() {
    assert_eq!(fmt(42, T_I64, "{}"), "42");
    assert_eq!(fmt((-42i64) as u64, T_I64, "{:5}"), "  -42");
    assert_eq!(fmt((-42i64) as u64, T_I64, "{:05}"), "-0042");
    assert_eq!(fmt(42, T_I64, "{:<4}"), "42  ");
    assert_eq!(fmt(42, T_I64, "{:^6}"), "  42  ");
    assert_eq!(fmt(42, T_I64, "{:+}"), "+42");
    assert_eq!(fmt(i64::MIN as u64, T_I64, "{}"), "-9223372036854775808");
    assert_eq!(fmt(u64::MAX, T_U64, "{}"), "18446744073709551615");
    assert_eq!(fmt(255, T_U8, "{:#x}"), "0xff");
    assert_eq!(fmt((-1i64) as u64, T_I8, "{:x}"), "ff");
    assert_eq!(fmt(5, T_I64, "{:#010b}"), "0b00000101");
    assert_eq!(fmt(1, T_BOOL, "{}"), "true");
    assert_eq!(fmt(0, T_BOOL, "{:>6}"), " false");
    assert_eq!(fmt(1, T_BOOL, "{:.2}"), "tr");
    assert_eq!(fmt('x' as u64, T_CHAR, "{}"), "x");
    assert_eq!(fmt('x' as u64, T_CHAR, "{:?}"), "'x'");
    assert_eq!(fmt('\'' as u64, T_CHAR, "{:?}"), "'\\''");
    assert_eq!(fmt('"' as u64, T_CHAR, "{:?}"), "'\"'");
    assert_eq!(fmt('é' as u64, T_CHAR, "{:*^5}"), "**é**");
    let s = str_from("héllo");
    assert_eq!(fmt(s, T_STR, "{}"), "héllo");
    assert_eq!(fmt(s, T_STR, "{:>7}"), "  héllo");
    assert_eq!(fmt(s, T_STR, "{:.2}"), "hé");
    assert_eq!(fmt(s, T_STR, "{:-<8.3}"), "hél-----");
    assert_eq!(fmt(s, T_STR, "{:05}"), "héllo");
    let q = str_from("a\"b'c\\d\n\t\r\0é\u{1}");
    assert_eq!(fmt(q, T_STR, "{:?}"), "\"a\\\"b'c\\\\d\\n\\t\\r\\0é\u{1}\"");
    assert_eq!(fmt(0, T_UNIT, "{}"), "()");
}

#[test]
fn composites_print_in_debug_form_under_display() {
    unsafe {
        let p = new_aggregate(T_POINT, &[1, (-2i64) as u64]);
        assert_eq!(fmt(p, T_POINT, "{}"), "P { x: 1, y: -2 }");
        assert_eq!(fmt(p, T_POINT, "{:?}"), "P { x: 1, y: -2 }");
        let pt = new_aggregate(T_PAIR, &[7, 11]);
        assert_eq!(fmt(pt, T_PAIR, "{}"), "Point(7, 11)");
        let u = new_aggregate(T_UNIT_STRUCT, &[]);
        assert_eq!(fmt(u, T_UNIT_STRUCT, "{}"), "Unit");
        assert_eq!(fmt(new_enum(T_SHAPE, 0, &[f(1.5)]), T_SHAPE, "{}"), "Circle(1.5)");
        assert_eq!(fmt(new_enum(T_SHAPE, 1, &[f(1.0), f(2.0)]), T_SHAPE, "{}"), "Rect { w: 1.0, h: 2.0 }");
        assert_eq!(fmt(new_enum(T_SHAPE, 2, &[]), T_SHAPE, "{}"), "Empty");
        assert_eq!(fmt(new_enum(T_OPT_F64, 1, &[f(1.0)]), T_OPT_F64, "{}"), "Some(1.0)");
        assert_eq!(fmt(new_enum(T_OPT_F64, 0, &[]), T_OPT_F64, "{}"), "None");
        assert_eq!(fmt(new_enum(T_RES_I64_STR, 0, &[3]), T_RES_I64_STR, "{}"), "Ok(3)");
        assert_eq!(fmt(new_enum(T_RES_I64_STR, 1, &[str_from("bad")]), T_RES_I64_STR, "{}"), "Err(\"bad\")");
        let t = new_aggregate(T_TUP_I64_STR, &[1, str_from("a")]);
        assert_eq!(fmt(t, T_TUP_I64_STR, "{}"), "(1, \"a\")");
        let v = vec_from(T_VEC_I64, &[1, 2, 3]);
        assert_eq!(fmt(v, T_VEC_I64, "{}"), "[1, 2, 3]");
        assert_eq!(fmt(vec_from(T_VEC_I64, &[]), T_VEC_I64, "{}"), "[]");
        assert_eq!(fmt(vec_from(T_VEC_F64, &[f(1.0), f(1e21)]), T_VEC_F64, "{}"), "[1.0, 1e21]");
        assert_eq!(fmt(new_aggregate(T_ARR_I64_3, &[4, 5, 6]), T_ARR_I64_3, "{}"), "[4, 5, 6]");
        let m = map_new(T_MAP_STR_I64, 0);
        map_insert(m, str_from("a"), 1);
        map_insert(m, str_from("b"), 2);
        assert_eq!(fmt(m, T_MAP_STR_I64, "{}"), "{\"a\": 1, \"b\": 2}");
        let s = map_new(T_SET_I64, 0);
        assert_eq!(fmt(s, T_SET_I64, "{}"), "{}");
        map_insert(s, 3, 0);
        map_insert(s, 1, 0);
        assert_eq!(fmt(s, T_SET_I64, "{:?}"), "{3, 1}");
        assert_eq!(fmt(new_cell(T_BOX_I64, 9), T_BOX_I64, "{}"), "9");
        let st = new_aggregate(T_STACK, &[vec_from(T_VEC_I64, &[1])]);
        assert_eq!(fmt(st, T_STACK, "{}"), "Stack { items: [1] }");
        let l = new_aggregate(T_LINE, &[p, v]);
        assert_eq!(fmt(l, T_LINE, "{}"), "Line { a: P { x: 1, y: -2 }, v: [1, 2, 3] }");
        // The spec applies to every leaf, as Rust's derived Debug does.
        assert_eq!(fmt(vec_from(T_VEC_I64, &[1, 2]), T_VEC_I64, "{:5?}"), "[    1,     2]");
        assert_eq!(fmt(vec_from(T_VEC_F64, &[f(1.0), f(2.25)]), T_VEC_F64, "{:.1}"), "[1.0, 2.2]");
        assert_eq!(fmt(new_enum(T_OPT_STR, 1, &[str_from("x")]), T_OPT_STR, "{:>5}"), "Some(\"x\")");
    }
}

#[test]
fn pretty_debug_matches_rust() {
    #[derive(Debug)]
    #[allow(dead_code)]
    struct P {
        x: i64,
        y: i64,
    }
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Line {
        a: P,
        v: Vec<i64>,
    }
    unsafe {
        let p = new_aggregate(T_POINT, &[1, 2]);
        let l = new_aggregate(T_LINE, &[p, vec_from(T_VEC_I64, &[3, 4])]);
        let want = format!("{:#?}", Line { a: P { x: 1, y: 2 }, v: vec![3, 4] });
        assert_eq!(fmt(l, T_LINE, "{:#?}"), want);
        let t = new_aggregate(T_TUP_I64_STR, &[1, str_from("a")]);
        assert_eq!(fmt(t, T_TUP_I64_STR, "{:#?}"), format!("{:#?}", (1, "a")));
        assert_eq!(fmt(vec_from(T_VEC_I64, &[]), T_VEC_I64, "{:#?}"), "[]");
        assert_eq!(fmt(new_enum(T_OPT_I64, 1, &[5]), T_OPT_I64, "{:#?}"), format!("{:#?}", Some(5)));
        assert_eq!(fmt(new_enum(T_OPT_I64, 0, &[]), T_OPT_I64, "{:#?}"), "None");
        let m = map_new(T_MAP_STR_I64, 0);
        map_insert(m, str_from("k"), 1);
        let mut rm = std::collections::BTreeMap::new();
        rm.insert("k", 1);
        assert_eq!(fmt(m, T_MAP_STR_I64, "{:#?}"), format!("{rm:#?}"));
        let sh = new_enum(T_SHAPE, 1, &[f(1.0), f(2.0)]);
        assert_eq!(fmt(sh, T_SHAPE, "{:#?}"), "Rect {\n    w: 1.0,\n    h: 2.0,\n}");
    }
}

fn spec_from(fa: usize, plus: bool, alt: bool, zero: bool, w: usize, prec: Option<usize>, kind: &str) -> FormatSpec {
    let (fill, align) = FILL_ALIGN[fa];
    let mut text = String::from("{:");
    if let Some(a) = align {
        text.push(fill.unwrap_or(' '));
        text.push(a);
    }
    if plus {
        text.push('+');
    }
    if alt {
        text.push('#');
    }
    if zero {
        text.push('0');
    }
    text.push_str(&w.to_string());
    if let Some(p) = prec {
        text.push_str(&format!(".{p}"));
    }
    text.push_str(kind);
    text.push('}');
    match parse_format_string(&text).unwrap().pop() {
        Some(gos_abi::FmtSegment::Arg { spec, .. }) => spec,
        other => panic!("{text}: {other:?}"),
    }
}

fn ours(v: u64, ty: TypeId, spec: &FormatSpec) -> String {
    setup();
    unsafe { format_to_string(v, ty, spec) }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_f64_and_specs_match_rust(bits in any::<u64>(), fa in 0..FILL_ALIGN.len(), plus: bool, alt: bool,
                                       zero: bool, w in 0usize..40, prec in proptest::option::of(0usize..25),
                                       kind in 0..FLOAT_KINDS.len()) {
        let x = f64::from_bits(bits);
        let spec = spec_from(fa, plus, alt, zero, w, prec, FLOAT_KINDS[kind]);
        prop_assert_eq!(ours(bits, T_F64, &spec), rust_float(x, fa, plus, alt, zero, w, prec, kind));
    }

    #[test]
    fn random_f32_and_specs_match_rust(bits in any::<u32>(), fa in 0..FILL_ALIGN.len(), plus: bool, alt: bool,
                                       zero: bool, w in 0usize..40, prec in proptest::option::of(0usize..25),
                                       kind in 0..FLOAT_KINDS.len()) {
        let x = f32::from_bits(bits);
        let spec = spec_from(fa, plus, alt, zero, w, prec, FLOAT_KINDS[kind]);
        prop_assert_eq!(ours(bits as u64, T_F32, &spec), rust_float(x, fa, plus, alt, zero, w, prec, kind));
    }

    #[test]
    fn random_ordinary_f64_match_rust(x in -1e30f64..1e30, fa in 0..FILL_ALIGN.len(), plus: bool, zero: bool,
                                      w in 0usize..40, prec in proptest::option::of(0usize..12), kind in 0..FLOAT_KINDS.len()) {
        let spec = spec_from(fa, plus, false, zero, w, prec, FLOAT_KINDS[kind]);
        prop_assert_eq!(ours(x.to_bits(), T_F64, &spec), rust_float(x, fa, plus, false, zero, w, prec, kind));
    }

    #[test]
    fn random_i64_and_specs_match_rust(x in any::<i64>(), fa in 0..FILL_ALIGN.len(), plus: bool, alt: bool,
                                       zero: bool, w in 0usize..70, prec in proptest::option::of(0usize..10),
                                       kind in 0..INT_KINDS.len()) {
        let spec = spec_from(fa, plus, alt, zero, w, prec, INT_KINDS[kind]);
        prop_assert_eq!(ours(x as u64, T_I64, &spec), rust_int(x, fa, plus, alt, zero, w, prec, kind));
    }

    #[test]
    fn random_u8_and_specs_match_rust(x in any::<u8>(), fa in 0..FILL_ALIGN.len(), plus: bool, alt: bool,
                                      zero: bool, w in 0usize..20, prec in proptest::option::of(0usize..10),
                                      kind in 0..INT_KINDS.len()) {
        let spec = spec_from(fa, plus, alt, zero, w, prec, INT_KINDS[kind]);
        prop_assert_eq!(ours(x as u64, T_U8, &spec), rust_int(x, fa, plus, alt, zero, w, prec, kind));
    }

    #[test]
    fn random_string_debug_escapes_only_the_listed_chars(s in "[a\"'\\\\\n\r\t\0é😀\u{1}]{0,16}") {
        let mut want = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => want.push_str("\\\""),
                '\\' => want.push_str("\\\\"),
                '\n' => want.push_str("\\n"),
                '\r' => want.push_str("\\r"),
                '\t' => want.push_str("\\t"),
                '\0' => want.push_str("\\0"),
                c => want.push(c),
            }
        }
        want.push('"');
        prop_assert_eq!(ours(str_from(&s), T_STR, &spec_from(0, false, false, false, 0, None, "?")), want);
    }

    #[test]
    fn random_strings_match_rust(s in "\\PC{0,12}", fa in 0..FILL_ALIGN.len(), w in 0usize..20,
                                 prec in proptest::option::of(0usize..15)) {
        let (fill, align) = FILL_ALIGN[fa];
        let spec = spec_from(fa, false, false, false, w, prec, "");
        let v = str_from(&s);
        // Rust's `pad`, written out: truncate to `prec` chars, pad to `w`.
        let t: String = match prec { Some(p) => s.chars().take(p).collect(), None => s.clone() };
        let n = t.chars().count();
        let pad = w.saturating_sub(n);
        let (pre, post) = match align { Some('>') => (pad, 0), Some('^') => (pad / 2, pad - pad / 2), _ => (0, pad) };
        let fc = fill.unwrap_or(' ').to_string();
        let want = format!("{}{}{}", fc.repeat(pre), t, fc.repeat(post));
        prop_assert_eq!(ours(v, T_STR, &spec), want);
        unsafe { prop_assert_eq!(str_as_str(v), s.as_str()); }
    }
}
